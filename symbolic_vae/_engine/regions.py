"""Region-by-region proofs over piecewise (Max / Min / Piecewise) expressions. A ``Region`` is a named piece of
a domain given by a substitution that parametrizes it (and optionally a condition for sampling, an exact point
for refutations and a rewrite that picks its branches). Here live the exact-zero tests, the sign decider for
products and quotients of manifestly signed factors, the resolution of branches whose sign is decided, the
searches for a counterexample at exact rational points of a region (each confirmed at high precision), and the
provers of an identity, a sign and an equivalence on a list of regions, all sharing one verdict loop whose
wording (``RegionStyle``) and per-region strategies (how an expression is put on a region, how zero or a sign
is decided, how a failure is refuted) are parameters."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, partial

import numpy as np
import sympy as sp

from numeric_backend import Domain, NumericBackendError, draw_points
from symbolic_vae._core.seeds import derive_seed
from symbolic_vae._core.verdict import CheckResult, Counterexample, Status, decimal_text
from symbolic_vae._engine.identity import is_symbolic_zero, search_counterexample

Point = Mapping[sp.Symbol, sp.Expr]
_BRANCHES = (sp.Piecewise, sp.Max, sp.Min)


# =====================================================================================================
# Regions
# =====================================================================================================
@dataclass(frozen=True)
class Region:
    """A named piece of a domain: ``substitution`` (pairs symbol -> expression in parameters) parametrizes it,
    ``condition`` describes it in the original symbols (for sampling), ``point`` is one exact point of it (in
    the parameters) and ``choose`` (expr -> expr) resolves branches the substitution alone does not."""

    name: str
    substitution: tuple[tuple[sp.Symbol, sp.Expr], ...] = ()
    condition: sp.Basic = sp.true
    point: tuple[tuple[sp.Symbol, sp.Expr], ...] = ()
    choose: Callable[[sp.Basic], sp.Basic] | None = field(default=None, compare=False)

    @property
    def mapping(self) -> dict[sp.Symbol, sp.Expr]:
        return dict(self.substitution)

    def apply(self, expr: sp.Basic) -> sp.Basic:
        """``expr`` on this region: the substitution, then ``choose``."""
        out = expr.xreplace(self.mapping)
        return out if self.choose is None else self.choose(out)

    def at_point(self, expr: sp.Basic) -> sp.Basic:
        """``expr`` on this region at its exact point."""
        return self.apply(expr).xreplace(dict(self.point))


NEAR_THRESHOLD = (sp.Integer(1), sp.Rational(9999, 10000), sp.Rational(10001, 10000))
"""Each branch threshold is sampled exactly and at 1e-4 on either side of it (well inside a 0.1% shift)."""


def coverage_gap(regions: Sequence[Region], *, seed: int, n_base: int = 3) -> str | None:
    """A point of the domain that no region's parametrization reaches (None: none found).

    The domain is the symbols of the regions' conditions under their sign assumptions. Points: ``n_base`` seeded
    exact rational points, and, at each, every branch threshold (each relation of a condition solved for each of
    its symbols) sampled by NEAR_THRESHOLD. A point is reached by a region whose condition holds there when the
    substitution, solved for the region's parameters, gives values that keep the parameters' sign assumptions.
    This is the converse of "the parametrization lies in its region": together, a proof on the parametrizations
    covers the whole domain, so a region split whose parametrization misses a strip of its region is noticed.
    """
    return _coverage_gap(tuple(regions), seed, n_base)


@cache
def _coverage_gap(regions: tuple[Region, ...], seed: int, n_base: int) -> str | None:
    """``coverage_gap``, computed once per regions, seed and ``n_base`` (it depends on nothing else, not on what is
    proved on the regions)."""
    conditions = [reg.condition for reg in regions]
    symbols = free_symbols_sorted(*conditions)
    if not symbols:
        return None
    inverses = [_inverse(reg, set(symbols)) for reg in regions]
    rng = np.random.default_rng(derive_seed(seed))
    relations = sorted({rel for c in conditions for rel in c.atoms(sp.core.relational.Relational)}, key=str)
    for _ in range(n_base):
        base = {s: _draw(s, rng) for s in symbols}
        for point in [base, *_near_thresholds(base, relations)]:
            holding = [i for i, c in enumerate(conditions) if c.xreplace(point) is sp.true]
            if not any(_reaches(regions[i], inverses[i], point) for i in holding):
                where = ", ".join(f"{k} = {v}" for k, v in sorted(point.items(), key=lambda kv: kv[0].name))
                inside = ", ".join(regions[i].name for i in holding) or "no region's condition"
                return f"the point {where} (in {inside}) is reached by no region's parametrization"
    return None


def _draw(symbol: sp.Symbol, rng: np.random.Generator) -> sp.Rational:
    """A dyadic rational of magnitude in [1/8, 8] with the symbol's sign (0 for a third of nonnegative ones)."""
    value = sp.Rational(int(round(2 ** rng.uniform(-3, 3) * 64)), 64)
    if symbol.is_positive:
        return value
    if symbol.is_nonnegative:
        return sp.Integer(0) if rng.uniform() < 1 / 3 else value
    return value if rng.uniform() < 0.5 else -value


def _near_thresholds(base: dict, relations: Sequence[sp.Basic]) -> Iterator[dict]:
    for rel in relations:
        for symbol in sorted(rel.free_symbols, key=lambda s: s.name):
            others = {k: v for k, v in base.items() if k != symbol}
            for root in _roots(rel.lhs - rel.rhs, symbol):
                value = root.xreplace(others)
                if value.is_real is not True or (symbol.is_nonnegative and value.is_negative):
                    continue
                for factor in NEAR_THRESHOLD:
                    yield {**others, symbol: value * factor}


@cache
def _roots(expr: sp.Expr, symbol: sp.Symbol) -> tuple[sp.Expr, ...]:
    """The solutions of ``expr = 0`` for ``symbol`` (none when SymPy cannot solve it), solved once per pair."""
    try:
        return tuple(sp.solve(expr, symbol))
    except (NotImplementedError, ValueError, TypeError):
        return ()


def _inverse(region: Region, symbols: set) -> tuple[tuple[sp.Symbol, ...], list[dict]] | None:
    """The region's parameters and the solutions of its substitution for them (as plain real unknowns, so that
    no solution is dropped on their assumptions); None when they are not all determined."""
    params = tuple(sorted({p for _, v in region.substitution for p in v.free_symbols} - symbols,
                          key=lambda s: s.name))
    unknowns = {p: sp.Dummy(p.name, real=True) for p in params}
    equations = [k - v.xreplace(unknowns) for k, v in region.substitution]
    if not params:
        return params, [{}]
    try:
        solutions = sp.solve(equations, list(unknowns.values()), dict=True)
    except (NotImplementedError, ValueError, TypeError):
        return None
    back = {u: p for p, u in unknowns.items()}
    out = [{back[u]: v for u, v in sol.items()} for sol in solutions]
    if any(set(sol) != set(params) for sol in out):
        return None
    return params, out


def _reaches(region: Region, inverse: tuple[tuple[sp.Symbol, ...], list[dict]] | None, point: dict) -> bool:
    """Whether the parametrization reaches ``point`` (True also when that cannot be decided: only a parameter value
    that provably breaks its sign assumption counts as a miss)."""
    if inverse is None:
        return True
    _, solutions = inverse
    for sol in solutions:
        values = {p: v.xreplace(point) for p, v in sol.items()}
        at = {**point, **values}
        if any(_exact_value((k - v).xreplace(at)) != 0 for k, v in region.substitution):
            continue
        if all(_keeps_sign(p, v) for p, v in values.items()):
            return True
    return False


def _exact_value(value: sp.Expr) -> sp.Expr:
    """``value`` simplified; a Rational is already simplest and is returned as it is."""
    return value if value.is_Rational else sp.simplify(value)


def _keeps_sign(param: sp.Symbol, value: sp.Expr) -> bool:
    if value.is_real is False:
        return False
    if param.is_positive:
        return value.is_positive is not False
    if param.is_nonnegative:
        return value.is_negative is not True
    return True


def region_names(regions: Sequence[Region]) -> list[str]:
    return [reg.name for reg in regions]


def select_branches(expr: sp.Basic, active: set[sp.Symbol], keys: Sequence[sp.Symbol]) -> sp.Basic:
    """Resolve every Piecewise of ``expr`` whose first condition involves one of ``keys``: its first branch when
    that key is in ``active``, its default (last) branch otherwise."""

    def pick(pw: sp.Piecewise) -> sp.Expr:
        (key,) = [k for k in keys if k in pw.args[0][1].free_symbols]
        return pw.args[0][0] if key in active else pw.args[-1][0]

    return expr.replace(lambda e: isinstance(e, sp.Piecewise), pick)


def activation_regions(candidates: Sequence[sp.Symbol],
                       keys: Sequence[sp.Symbol] | None = None) -> tuple[tuple[frozenset, Region], ...]:
    """One region per subset of ``candidates`` (the keys whose Piecewise takes its first branch; the other
    ``keys``, default the candidates, take their default branch), smallest subsets first, with that subset."""
    keys = tuple(candidates if keys is None else keys)
    out = []
    for size in range(len(candidates) + 1):
        for act in itertools.combinations(candidates, size):
            active = frozenset(act)
            out.append((active, Region(f"active={sorted(map(str, active))}",
                                       choose=partial(_select_active, active=active, keys=keys))))
    return tuple(out)


def _select_active(expr: sp.Basic, active: frozenset, keys: tuple[sp.Symbol, ...]) -> sp.Basic:
    return select_branches(expr, set(active), keys)


# =====================================================================================================
# Exact zero
# =====================================================================================================
CANCEL_FACTOR_RADSIMP: tuple[Callable[[sp.Expr], sp.Expr], ...] = (
    lambda e: sp.cancel(sp.together(e)), sp.factor, lambda e: sp.simplify(sp.radsimp(e)))
"""Rewrites tried after the shared test: fractions cancelled, factored, radicals simplified."""

EXPAND_LOGS_CANCEL: tuple[Callable[[sp.Expr], sp.Expr], ...] = (
    lambda e: sp.cancel(sp.together(sp.expand(sp.expand_log(sp.expand(e))))),)
"""Rewrites tried after the shared test: logs expanded, then fractions cancelled."""


def reduces_to_zero(expr: sp.Expr, rewrites: Sequence[Callable[[sp.Expr], sp.Expr]] = CANCEL_FACTOR_RADSIMP) -> bool:
    """True only when ``expr`` is exactly 0: the shared test, then each of ``rewrites`` (one failing is skipped)."""
    if is_symbolic_zero(expr):
        return True
    for rewrite in rewrites:
        try:
            if rewrite(expr) == 0:
                return True
        except (TypeError, ValueError, NotImplementedError, AttributeError):
            continue
    return False


def zero_after_simplify(expr: sp.Expr) -> bool:
    """True when ``expr`` has no branch left and its simplification is exactly 0."""
    return not expr.has(*_BRANCHES) and is_symbolic_zero(sp.simplify(expr))


# =====================================================================================================
# Signs of products and quotients of manifestly signed factors
# =====================================================================================================
SIGN_TESTS: dict[str, Callable[[int], bool]] = {
    "<0": lambda s: s < 0, ">0": lambda s: s > 0, ">=0": lambda s: s >= 0, "<=0": lambda s: s <= 0}
SIGN_TEXT: dict[str, str] = {"<0": "$< 0$", ">0": "$> 0$", ">=0": r"$\ge 0$", "<=0": r"$\le 0$"}
"""Each sign of ``SIGN_TESTS`` as evidence text."""


def signed_core(expr: sp.Expr) -> sp.Expr | None:
    """``expr`` with its positive factors stripped and its negative ones turned into a sign; None if a
    denominator's sign is unknown."""
    num, den = sp.fraction(sp.factor(sp.together(expr)))
    sign, keep = 1, []
    for factor in (*sp.Mul.make_args(num), *sp.Mul.make_args(den)):
        if factor.is_positive:
            continue
        if factor.is_negative:
            sign = -sign
            continue
        if factor in sp.Mul.make_args(den):
            return None
        keep.append(factor)
    return sign * sp.Mul(*keep)


def possible_signs(expr: sp.Expr) -> frozenset[int] | None:
    """The signs ``expr`` can take (a subset of {-1, 0, 1}) as they follow from its factors' assumptions."""
    expr = sp.together(expr)
    if expr == 0:
        return frozenset({0})
    core = signed_core(expr)
    if core is None:
        return None
    for test, signs in ((core.is_positive, {1}), (core.is_negative, {-1}), (core.is_zero, {0}),
                        (core.is_nonnegative, {0, 1}), (core.is_nonpositive, {-1, 0})):
        if test:
            return frozenset(signs)
    return None


def sign_of(expr: sp.Expr) -> int | None:
    """+1, -1 or 0 when the sign of ``expr`` follows from its factors' assumptions; None otherwise."""
    signs = possible_signs(expr)
    return next(iter(signs)) if signs is not None and len(signs) == 1 else None


def branch_free_signs(expr: sp.Expr) -> frozenset[int] | None:
    """``possible_signs`` of a branch-free ``expr``, retried after simplification; None while a branch is left."""
    if expr.has(*_BRANCHES):
        return None
    signs = possible_signs(expr)
    return possible_signs(sp.simplify(expr)) if signs is None else signs


def nonnegative_signs(expr: sp.Expr) -> frozenset[int] | None:
    """{0, 1} when ``expr`` is exactly 0 or manifestly >= 0 once factored; None otherwise."""
    if reduces_to_zero(expr) or sp.factor(sp.cancel(sp.together(expr))).is_nonnegative is True:
        return frozenset({0, 1})
    return None


# =====================================================================================================
# Branch conditions: normalized to core factors, decided where the sign follows
# =====================================================================================================
def _canonical_relation(rel: sp.Basic) -> sp.Basic:
    core = signed_core(rel.lhs - rel.rhs)
    return rel if core is None else rel.func(core, 0)


def _pull_positive_factors(mx: sp.Basic) -> sp.Basic:
    """Max(0, c x) = c Max(0, x) for c > 0."""
    args = list(mx.args)
    if len(args) != 2 or 0 not in args:
        return mx
    x = args[1] if args[0] == 0 else args[0]
    num, den = sp.fraction(sp.factor(sp.together(x)))
    if not den.is_positive:
        return mx
    positive = [f for f in sp.Mul.make_args(num) if f.is_positive]
    rest = [f for f in sp.Mul.make_args(num) if not f.is_positive]
    return sp.Mul(*positive) / den * mx.func(0, sp.Mul(*rest))


def normalize_branches(expr: sp.Expr) -> sp.Expr:
    """Conditions and Max(0, .) arguments reduced to core factors (same function, simpler branches)."""
    expr = expr.replace(lambda e: isinstance(e, (sp.Max, sp.Min)), _pull_positive_factors)
    return expr.replace(lambda e: isinstance(e, sp.core.relational.Relational), _canonical_relation)


def _decide(rel: sp.Basic) -> sp.Basic:
    s = sign_of(rel.lhs - rel.rhs)
    if s is None:
        return rel
    table = {sp.StrictGreaterThan: s > 0, sp.GreaterThan: s >= 0, sp.StrictLessThan: s < 0,
             sp.LessThan: s <= 0, sp.Equality: s == 0, sp.Unequality: s != 0}
    return sp.true if table[type(rel)] else sp.false


def _pick(mx: sp.Basic) -> sp.Basic:
    if len(mx.args) != 2:
        return mx
    a, b = mx.args
    s = sign_of(a - b)
    if s is None:
        return mx
    bigger, smaller = (a, b) if s >= 0 else (b, a)
    return bigger if isinstance(mx, sp.Max) else smaller


def resolve_branches(expr: sp.Basic) -> sp.Basic:
    """Decide every Max/Min and branch condition whose sign follows from the assumptions (to a fixed point)."""
    for _ in range(12):
        new = expr.replace(lambda e: isinstance(e, (sp.Max, sp.Min)), _pick)
        new = new.replace(lambda e: isinstance(e, sp.core.relational.Relational), _decide)
        if new == expr:
            return new
        expr = new
    return expr


# =====================================================================================================
# Refutations at exact rational points, confirmed at high precision
# =====================================================================================================
@dataclass(frozen=True)
class Refutation:
    """A failure of the statement on one region: the summary, the confirmed counterexample, extra details."""

    summary: str
    counterexample: Counterexample
    details: dict = field(default_factory=dict)


def first_failure(points: Iterable[Point], failure: Callable[[Point], object | None]) -> tuple[Point, object] | None:
    """The first of ``points`` where ``failure`` (point -> evidence or None) finds one, with its evidence."""
    for point in points:
        found = failure(point)
        if found is not None:
            return point, found
    return None


def free_symbols_sorted(*exprs: sp.Basic) -> tuple[sp.Symbol, ...]:
    syms: set = set()
    for e in exprs:
        syms |= e.free_symbols
    return tuple(sorted(syms, key=lambda s: s.name))


def _shown(point: Point) -> dict[str, str]:
    return {str(k): str(v) for k, v in sorted(point.items(), key=lambda kv: kv[0].name)}


def search_negative_point(expr: sp.Expr, symbols: Sequence[sp.Symbol], condition: sp.Basic | None, n_points: int,
                          seed: int, hints: Callable[[dict], list[dict]] | None = None) -> Counterexample | None:
    """A seeded exact point (under ``condition``) where ``expr`` < 0, confirmed at 30 and 60 digits; ``hints``
    (point -> more points) adds candidates next to each drawn point."""
    try:
        points = draw_points(Domain.from_assumptions(symbols, () if condition is None else (condition,)),
                             n_points, derive_seed(seed))
    except NumericBackendError:  # an empty or undecidable region yields no counterexample
        return None
    for point in points:
        for cand in [point, *(hints(point) if hints is not None else ())]:
            v30, v60 = sp.N(expr.xreplace(cand), 30), sp.N(expr.xreplace(cand), 60)
            if v60 < -1e-20 and abs(v60 - v30) < 1e-20 * max(1, abs(v60)):
                return Counterexample(_shown(cand), str(v60), "0", 60,
                                      note=r"$\mathrm{lhs} - \mathrm{rhs} < 0$ at this point (claimed $\ge 0$)",
                                      gap=decimal_text(v60),
                                      tolerance="1e-20")
    return None


def search_region_counterexample(lhs: sp.Expr, rhs: sp.Expr, region: Region, *, nonnegative: bool, n_points: int,
                                 seed: int, hints: Callable[[dict], list[dict]] | None = None,
                                 fill: Mapping[str, sp.Expr] | None = None) -> Counterexample | None:
    """A point of ``region`` where ``lhs == rhs`` (or ``lhs - rhs >= 0``) fails: searched in the original symbols
    under the region's condition, then in its parameters (which reach its boundary) mapped back to the original
    symbols; parameters the sides do not depend on take their ``fill`` value (by name; default 1)."""
    symbols = free_symbols_sorted(lhs, rhs)
    if nonnegative:
        cx = search_negative_point(lhs - rhs, symbols, region.condition, n_points, seed, hints)
    else:
        cx = search_counterexample(lhs, rhs, symbols, (region.condition,), n_points, seed)[0]
    if cx is not None:
        return cx
    sub_lhs, sub_rhs = region.apply(lhs), region.apply(rhs)
    params = free_symbols_sorted(sub_lhs, sub_rhs)
    if nonnegative:
        cx = search_negative_point(sub_lhs - sub_rhs, params, None, n_points, seed, hints)
    else:
        cx = search_counterexample(sub_lhs, sub_rhs, params, (), n_points, seed)[0]
    if cx is None:
        return None
    point = {s: sp.Rational(cx.instance[s.name]) for s in params if s.name in cx.instance}
    for v in region.mapping.values():
        point.update({s: (fill or {}).get(s.name, sp.Integer(1)) for s in v.free_symbols if s not in point})
    original = {str(k): str(sp.nsimplify(v.xreplace(point))) for k, v in region.mapping.items()}
    return Counterexample({**_shown(point), **original}, cx.lhs, cx.rhs, cx.dps,
                          note=f"found in the parametrization of the region {region.name}; {cx.note}".strip("; "),
                          gap=cx.gap, tolerance=cx.tolerance)


# =====================================================================================================
# Provers: one verdict loop, three statements
# =====================================================================================================
@dataclass(frozen=True)
class RegionStyle:
    """The wording and policy of a region-by-region verdict: the methods named in a REFUTED / INCONCLUSIVE
    result, whether the PROVED summary lists the regions, and whether an undecided region ends the proof
    (otherwise the remaining regions are still tried and the undecided ones are listed at the end)."""

    refuted_method: str = "region by region + exact point"
    undecided_method: str = "region by region"
    name_regions: bool = False
    stop_at_undecided: bool = True


EXACT_POINT_STYLE = RegionStyle()
SEARCH_STYLE = RegionStyle("region-by-region + counterexample", "region-by-region", name_regions=True,
                           stop_at_undecided=False)

OnRegion = Callable[[Region, sp.Basic], sp.Basic]
Refuter = Callable[[Region], Refutation | None]
_HOLDS = CheckResult(Status.PROVED, "region", "holds on the region")


def _apply(region: Region, expr: sp.Basic) -> sp.Basic:
    return region.apply(expr)


def prove_each_region(regions: Sequence[Region], check: Callable[[Region], CheckResult], *, what: str,
                      kind: str, style: RegionStyle = EXACT_POINT_STYLE) -> CheckResult:
    """The verdict loop: ``check`` (region -> PROVED, REFUTED or INCONCLUSIVE on it) on every region; PROVED
    with the summary "{what}: {kind} on each of n regions" when all are proved."""
    proved, undecided = [], []
    for region in regions:
        result = check(region)
        if result.status is Status.PROVED:
            proved.append(region.name)
            continue
        if result.status is Status.REFUTED or style.stop_at_undecided:
            return result
        undecided.append(region.name)
    if undecided:
        return CheckResult(Status.INCONCLUSIVE, style.undecided_method,
                           f"{what}: regions {undecided} neither proved nor refuted", {"proved": proved})
    names = f" ({'; '.join(proved)})" if style.name_regions else ""
    return CheckResult(Status.PROVED, "symbolic, region by region",
                       f"{what}: {kind} on each of {len(proved)} regions{names}", {"regions": proved})


def _holds_or_refuted(holds: bool, region: Region, refute: Refuter, what: str, undecided: str,
                      style: RegionStyle) -> CheckResult:
    if holds:
        return _HOLDS
    refuted = refute(region)
    if refuted is not None:
        return CheckResult(Status.REFUTED, style.refuted_method, refuted.summary, refuted.details,
                           refuted.counterexample)
    return CheckResult(Status.INCONCLUSIVE, style.undecided_method, f"{what}: {undecided} on {region.name}")


def prove_identity_on_regions(lhs: sp.Expr, rhs: sp.Expr, regions: Sequence[Region], *, what: str,
                              refute: Refuter, on_region: OnRegion = _apply,
                              is_zero: Callable[[sp.Expr], bool] = reduces_to_zero, kind: str = "holds",
                              style: RegionStyle = EXACT_POINT_STYLE) -> CheckResult:
    """``lhs == rhs`` on every region: PROVED when ``is_zero`` of the difference put on each region (by
    ``on_region``) holds; REFUTED by ``refute`` on the first region where it does not; INCONCLUSIVE otherwise."""
    def check(region: Region) -> CheckResult:
        holds = is_zero(on_region(region, lhs - rhs))
        return _holds_or_refuted(holds, region, refute, what, "undecided", style)

    return prove_each_region(regions, check, what=what, kind=kind, style=style)


def prove_sign_on_regions(expr: sp.Expr, sign: str, regions: Sequence[Region], *, what: str, refute: Refuter,
                          on_region: OnRegion = _apply,
                          signs: Callable[[sp.Expr], frozenset[int] | None] = branch_free_signs,
                          kind: str | None = None, style: RegionStyle = EXACT_POINT_STYLE) -> CheckResult:
    """``expr`` {``sign``} 0 (``sign`` one of "<0", ">0", ">=0", "<=0") on every region: PROVED when every sign
    ``signs`` allows on each region satisfies it; REFUTED by ``refute`` where not; INCONCLUSIVE otherwise."""
    wanted = SIGN_TESTS[sign]

    def check(region: Region) -> CheckResult:
        allowed = signs(on_region(region, expr))
        holds = allowed is not None and all(wanted(s) for s in allowed)
        return _holds_or_refuted(holds, region, refute, what, "sign undecided", style)

    return prove_each_region(regions, check, what=what, kind=SIGN_TEXT[sign] if kind is None else kind,
                             style=style)


def prove_iff_on_regions(left: sp.Basic, right: sp.Basic, regions: Sequence[Region], *, what: str,
                         counterexample: Callable[[Region, str], Counterexample], on_region: OnRegion = _apply,
                         style: RegionStyle = EXACT_POINT_STYLE) -> CheckResult:
    """``left <=> right`` on every region, each side decided to true/false there by ``on_region``; REFUTED with
    ``counterexample(region, direction)`` where exactly one holds; INCONCLUSIVE where a side is undecided."""
    def check(region: Region) -> CheckResult:
        lv, rv = on_region(region, left), on_region(region, right)
        if lv not in (sp.true, sp.false) or rv not in (sp.true, sp.false):
            return CheckResult(Status.INCONCLUSIVE, style.undecided_method, f"{what}: undecided on {region.name}")
        if lv == rv:
            return _HOLDS
        direction = "left holds, right fails" if lv is sp.true else "right holds, left fails"
        return CheckResult(Status.REFUTED, style.refuted_method, f"{what}: {direction} on {region.name}", {},
                           counterexample(region, direction))

    return prove_each_region(regions, check, what=what, kind="both directions hold", style=style)
