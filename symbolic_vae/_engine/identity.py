"""Symbolic identity checks: in general symbols, region by region for Piecewise/Max, and at explicit sizes.

Each check returns a ``CheckResult``. Failing to simplify to zero is never a refutation: a refutation needs a
point of the declared domain (the symbols' assumptions and the constraints, checked again at the point) where the
two sides differ, confirmed independently of the search (which evaluates lambdified mpmath functions): exactly
(rational substitution), or by SymPy's adaptive ``evalf`` of the exactly substituted difference at
``CONFIRM_MIN_DPS`` digits or more, which refuses to answer when cancellation exhausts its precision, must agree with
the search's value and must exceed the rounding noise of the difference's terms. The counterexample records the
confirming values and gap. A point where a side is undefined (a pole) is skipped, not a counterexample; a
difference the search calls nonzero but the confirmation does not is undecided, and both values are kept.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import mpmath
import sympy as sp
from sympy.core.evalf import PrecisionExhausted
from sympy.core.relational import Relational
from sympy.functions.elementary.hyperbolic import HyperbolicFunction
from sympy.functions.elementary.trigonometric import TrigonometricFunction

from numeric_backend import Domain, NumericBackendError, classify_zero, draw_points, evaluate_high_precision
from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._core.seeds import derive_seed
from symbolic_vae._core.verdict import CheckResult, Counterexample, Status, decimal_text
from symbolic_vae._engine.probes import allowed_value, probe_points
from symbolic_vae._model.polynomial import expand_in_symengine

DEFAULT_POINTS = 12
DEFAULT_SEED = 20221128

CONFIRM_MIN_DPS = 50
"""A counterexample is confirmed at max(CONFIRM_MIN_DPS, the search's precision) digits."""

CONFIRM_AGREEMENT_DIGITS = 10
"""The confirming value of lhs - rhs must agree with the search's to this many digits."""

CONFIRM_NOISE_DIGITS = 10
"""The gap must exceed 10**-(dps - CONFIRM_NOISE_DIGITS) x the sum of |term| of lhs - rhs (its rounding noise)."""

CONFIRM_MAX_DPS = 2000
"""Most digits SymPy's evalf may use to see through cancellation while confirming."""


@dataclass(frozen=True)
class SizedIdentity:
    """An identity instantiated at one explicit size: ``lhs == rhs`` on ``domain`` (symbols with assumptions)."""

    size: tuple[int, ...]
    lhs: sp.Basic
    rhs: sp.Basic
    symbols: tuple[sp.Symbol, ...] = ()
    constraints: tuple[sp.Basic, ...] = ()


SIMPLIFY_BUDGET_SECONDS = 10.0
"""The symbolic attempts after expansion stop being tried once this much time has gone into them."""

SIMPLIFY_MAX_OPS = 400
"""SymPy's heavier rewriters (simplify, trigsimp, gammasimp, ...) are tried only on expressions this small."""

_GAMMA_FAMILY = (sp.gamma, sp.RisingFactorial, sp.FallingFactorial, sp.factorial, sp.binomial, sp.beta)


def is_symbolic_zero(expr: sp.Basic, *, budget: float = SIMPLIFY_BUDGET_SECONDS) -> bool:
    """True only when ``expr`` reduces to exactly 0. Tried in turn: symengine's expansion (decisive for a
    polynomial), then SymPy's expand, cancel, simplify, trigsimp, gammasimp (after rewriting factorials as
    gamma) and powsimp/radsimp, the heavier ones within ``budget`` seconds and on small expressions only."""
    if isinstance(expr, sp.MatrixBase):
        return all(is_symbolic_zero(e, budget=budget) for e in expr)
    expr = sp.sympify(expr)
    for compared in _COMPARED:
        compared |= expr.free_symbols
    if expr == 0:
        return True
    powers = expr.atoms(sp.Pow)
    algebraic = not expr.atoms(sp.Function) and all(p.exp.is_Integer for p in powers)
    names = {s.name for s in expr.free_symbols}
    if algebraic and len(names) == len(expr.free_symbols):  # symengine merges symbols that share a name
        expanded_by_symengine = expand_in_symengine(expr)
        if expanded_by_symengine is not None:  # else (e.g. a Sum) SymPy decides
            if expanded_by_symengine == 0:
                return True
            if all(p.exp > 0 for p in powers):  # a polynomial's expansion is canonical: it is not zero
                return False
    elif len(names) == len(expr.free_symbols) and _zero_with_atoms_held(expr, powers):
        return True
    expanded = sp.expand(sp.expand_log(sp.expand(expr)))
    if expanded == 0 or sp.cancel(sp.together(expanded)) == 0:
        return True
    return _rewrites_to_zero(expr, expanded, budget)


def _zero_with_atoms_held(expr: sp.Basic, powers: set[sp.Pow]) -> bool:
    """Whether symengine expands ``expr`` to 0 with each function application (log, Abs, ...) and each power with
    a non-integer exponent held as an independent symbol: a polynomial identity in independent symbols holds for
    every value of them. Any other outcome decides nothing."""
    held = expr.atoms(sp.Function) | {p for p in powers if not p.exp.is_Integer}
    expanded = expand_in_symengine(expr.xreplace({atom: sp.Dummy() for atom in held}))
    return expanded is not None and expanded == 0


def _rewrites_to_zero(expr: sp.Basic, expanded: sp.Basic, budget: float) -> bool:
    """Whether one of SymPy's rewriters takes ``expr`` to 0, tried while the ``budget`` (seconds) lasts."""
    if sp.count_ops(expr) > SIMPLIFY_MAX_OPS:
        return sp.simplify(expanded) == 0
    attempts: list[Callable[[], sp.Basic]] = [lambda: sp.simplify(expanded)]
    if expr.has(*_GAMMA_FAMILY):
        attempts.append(lambda: sp.simplify(sp.gammasimp(expr.rewrite(sp.gamma))))
    if expr.atoms(TrigonometricFunction, HyperbolicFunction):
        attempts.append(lambda: sp.trigsimp(sp.expand_trig(expr)))
    if expr.atoms(sp.Pow):
        attempts.append(lambda: sp.radsimp(sp.powsimp(sp.expand_power_base(expr), force=False)))
    start = time.monotonic()
    for attempt in attempts:
        if time.monotonic() - start > budget:
            return False
        try:
            if attempt() == 0:
                return True
        except (TypeError, ValueError, NotImplementedError, AttributeError, RecursionError):
            continue
    return False


def _free_real_symbols(*exprs: sp.Basic) -> tuple[sp.Symbol, ...]:
    syms: set[sp.Symbol] = set()
    for e in exprs:
        syms |= {s for s in e.free_symbols if isinstance(s, sp.Symbol)}
    return tuple(sorted(syms, key=lambda s: s.name))


def _entries(expr: sp.Basic) -> list[sp.Basic]:
    return list(expr) if isinstance(expr, sp.MatrixBase) else [expr]


def _pairs(lhs: sp.Basic, rhs: sp.Basic) -> list[tuple[sp.Basic, sp.Basic]]:
    """(lhs entry, rhs entry) for each entry of two matrices of one shape, or the one pair of two scalars."""
    return [(sp.sympify(left), sp.sympify(right)) for left, right in zip(_entries(lhs), _entries(rhs), strict=True)]


def _fmt_point(point: dict) -> dict[str, str]:
    return {str(k): str(v) for k, v in sorted(point.items(), key=lambda kv: str(kv[0]))}


def search_counterexample(
    lhs: sp.Basic,
    rhs: sp.Basic,
    symbols: Sequence[sp.Symbol] = (),
    constraints: Sequence[sp.Basic] = (),
    n_points: int = DEFAULT_POINTS,
    seed: int = DEFAULT_SEED,
) -> tuple[Counterexample | None, dict]:
    """Evaluate ``lhs - rhs`` at seeded rational points of the domain with precision escalation.

    Returns the first confirmed counterexample (or None) and a summary of the search: points tried, how many were
    zero, undecided (including nonzero-looking values that failed confirmation: ``unconfirmed``), undefined (a side
    not finite there: a pole) and the largest |lhs - rhs| seen. Drawn points that violate an assumption of a symbol
    the sampler does not model (e.g. ``nonzero``, ``even``) are left out (``outside_domain``).
    """
    symbols = tuple(symbols) or _free_real_symbols(lhs, rhs)
    pairs = _pairs(lhs, rhs)
    missing = set().union(*(left.free_symbols | right.free_symbols for left, right in pairs)) - set(symbols)
    if missing:
        raise SymbolicVAEError(f"symbols: {sorted(map(str, missing))} occur in the identity but not in "
                               f"{sorted(map(str, symbols))}")
    constraints = tuple(constraints)
    info = {"points": 0, "zero": 0, "undecided": 0, "undefined": 0, "unconfirmed": 0, "outside_domain": 0,
            "worst_residual": 0.0, "seed": seed, "dps": 30}
    if not symbols:
        points: list[dict] = [{}]
    else:
        try:
            points = draw_points(Domain.from_assumptions(symbols, constraints=(*constraints,
                                                                               *_nonzero_constraints(symbols))),
                                 n_points, derive_seed(seed))
        except NumericBackendError as err:
            info["error"] = str(err)
            points = []
    cx = _search_points(pairs, points, symbols, constraints, info)
    if cx is None:
        cx = _search_probes(pairs, symbols, constraints, seed, info)
    return cx, info


def _search_points(pairs, points, symbols, constraints, info) -> Counterexample | None:
    """The first confirmed counterexample among the seeded ``points``, counting each point's kind in ``info``."""
    for point in points:
        if not _in_domain(point, symbols, constraints):
            info["outside_domain"] += 1
            continue
        info["points"] += 1
        kind, left, right, test = _classify_point(pairs, point)
        if kind in ("nonzero", "undecided"):  # an undecided value may still be confirmed nonzero independently
            cx = _confirm(left, right, point, test.dps, info)
            if cx is not None:
                return cx
            info["unconfirmed"] += kind == "nonzero"
            kind = "undecided"
        info[kind] += 1
        if kind == "undefined" and "undefined_example" not in info:
            info["undefined_example"] = {"point": _fmt_point(point), "reason": str(test)}
    return None


def _search_probes(pairs, symbols, constraints, seed, info) -> Counterexample | None:
    """The first confirmed counterexample among the probe points (``probes.probe_points``) inside the domain. A
    probe can only refute: one left undecided or undefined does not count against the identity."""
    probes = [p for p in probe_points(symbols, [side for pair in pairs for side in pair], constraints, seed)
              if _in_domain(p, symbols, constraints)]
    info["probes"] = len(probes)
    for point in probes:
        kind, left, right, test = _classify_point(pairs, point)
        if kind == "nonzero":
            cx = _confirm(left, right, point, test.dps, info)
            if cx is not None:
                info["refuted_at_probe"] = True
                return cx
    return None


def _nonzero_constraints(symbols: Sequence[sp.Symbol]) -> tuple[sp.Basic, ...]:
    """``s != 0`` for every symbol declared nonzero whose sampling range (real or integer) would include 0."""
    return tuple(sp.Ne(s, 0, evaluate=False) for s in symbols if s.is_zero is False and s.is_positive is not True
                 and s.is_negative is not True)


def _in_domain(point: dict, symbols: Sequence[sp.Symbol], constraints: Sequence[sp.Basic]) -> bool:
    """Every assumption of every symbol holds at its value (as far as SymPy decides it), and every constraint."""
    if not all(allowed_value(s, point[s]) for s in symbols if point.get(s) is not None):
        return False
    for constraint in constraints:
        try:
            if sp.sympify(constraint).xreplace(point) is not sp.true:
                return False
        except (TypeError, ValueError, AttributeError):
            return False
    return True


def _classify_point(pairs: list[tuple[sp.Basic, sp.Basic]], point: dict) -> tuple:
    """("zero" | "undecided" | "undefined" | "nonzero", left, right, ZeroTest or the error) for one point."""
    undecided = None
    for left, right in pairs:
        try:
            test = classify_zero(left - right, point)
        except NumericBackendError as err:  # a side is undefined or not finite here: a pole, not a counterexample
            return "undefined", left, right, err
        if test.is_zero is None:
            undecided = undecided or ("undecided", left, right, test)
        elif not test.is_zero:
            return "nonzero", left, right, test
    return undecided or ("zero", None, None, None)


def _confirm(left: sp.Basic, right: sp.Basic, point: dict, dps: int, info: dict) -> Counterexample | None:
    """A counterexample at ``point`` when ``left != right`` there is confirmed independently of the search: by
    exact rational arithmetic, or by SymPy's adaptive ``evalf`` of the exactly substituted difference at
    >= CONFIRM_MIN_DPS digits, which must agree with the search's value and exceed the rounding noise of its terms.
    None otherwise, with both values kept in ``info["disagreement"]`` (the first such point)."""
    diff = (left - right).xreplace(point)
    low = max(CONFIRM_MIN_DPS, dps)
    if diff.is_Rational:
        if diff == 0:
            return _disagree(info, point, _search_value(left, right, point, dps), "0 (exact rational arithmetic)")
        gap, tolerance = mpmath.mpf(abs(diff.p)) / abs(diff.q), mpmath.mpf(0)
        how = "confirmed exactly (rational substitution)"
    else:
        searched = _search_value(left, right, point, dps)
        confirmed = _evalf_gap(left - right, diff, point, low, searched)
        if isinstance(confirmed, str):
            return _disagree(info, point, searched, confirmed)
        gap, tolerance = confirmed
        how = (f"confirmed by SymPy's adaptive evalf of the substituted difference at {low} digits, independently "
               f"of the search")
    if left.has(sp.Float) or right.has(sp.Float):
        how += "; the sides contain Floats, taken as their exact binary values (write sp.Rational(1, 10), not 0.1)"
    lhs_exact, rhs_exact = left.xreplace(point), right.xreplace(point)
    with mpmath.workdps(30):
        scale = max(abs(_magnitude(lhs_exact)), abs(_magnitude(rhs_exact)), mpmath.mpf(1))
        shown = int(min(low, max(30, math.ceil(float(mpmath.log10(scale / gap))) + 15)))
    lhs_val, rhs_val = sp.N(lhs_exact, shown), sp.N(rhs_exact, shown)
    info["worst_residual"] = float(gap) if gap > 1e-300 else 0.0
    info["dps"] = max(info["dps"], low)
    return Counterexample(_fmt_point(point) or {"(no free symbols)": "-"}, str(lhs_val), str(rhs_val), shown,
                          f"{how}; |lhs - rhs| = {mpmath.nstr(gap, 6)}", decimal_text(gap),
                          "0" if tolerance == 0 else decimal_text(tolerance))


def _search_value(left: sp.Basic, right: sp.Basic, point: dict, dps: int) -> mpmath.mpf | mpmath.mpc | None:
    """lhs - rhs at ``point`` as the search computed it (mpmath at ``dps`` digits); None where it cannot."""
    try:
        return evaluate_high_precision(left - right, point, max(dps, 30))
    except NumericBackendError:
        return None


def _evalf_gap(difference: sp.Basic, substituted: sp.Basic, point: dict, dps: int,
               searched: mpmath.mpf | mpmath.mpc | None) -> tuple[mpmath.mpf, mpmath.mpf] | str:
    """(|lhs - rhs|, the noise it must exceed) from SymPy's evalf of ``substituted`` at ``dps`` digits, or the
    reason the confirmation fails (its value, when it has one)."""
    try:
        evaluated = substituted.evalf(dps, strict=True, maxn=CONFIRM_MAX_DPS)
        real, imag = evaluated.as_real_imag()
        if not (real.is_Number and imag.is_Number):
            return f"not a number by evalf ({sp.sstr(evaluated)[:60]})"
        terms = [abs(term.xreplace(point).evalf(30)) for term in sp.Add.make_args(difference)]
        scale = mpmath.mpf(sp.Float(sp.Add(*terms), 30)._mpf_)
    except PrecisionExhausted:
        return f"indistinguishable from 0 by evalf at {CONFIRM_MAX_DPS} digits"
    except (ValueError, TypeError, ZeroDivisionError, NotImplementedError, AttributeError) as err:
        return f"evalf failed ({type(err).__name__})"
    with mpmath.workdps(dps):
        value = mpmath.mpc(sp.Float(real, dps)._mpf_, sp.Float(imag, dps)._mpf_)
        value = value.real if value.imag == 0 else value
        gap = abs(value)
        tolerance = mpmath.mpf(10) ** -(dps - CONFIRM_NOISE_DIGITS) * scale
        text = mpmath.nstr(value, 15)
        if gap <= tolerance:
            return f"{text} (within the rounding noise {mpmath.nstr(tolerance, 3)} of its terms)"
        if searched is None or abs(value - searched) > mpmath.mpf(10) ** -CONFIRM_AGREEMENT_DIGITS * gap:
            return text
        return gap, tolerance


def _disagree(info: dict, point: dict, searched: object, confirming: str) -> None:
    """Keep the first point where the search's nonzero value was not confirmed, with both values."""
    if "disagreement" not in info:
        info["disagreement"] = {"point": _fmt_point(point),
                                "search (mpmath)": "undefined" if searched is None else mpmath.nstr(searched, 15),
                                "confirming (SymPy evalf)": confirming}
    return None


def _magnitude(value: sp.Basic) -> mpmath.mpf:
    try:
        return abs(evaluate_high_precision(value, {}, 30))
    except NumericBackendError:
        return mpmath.mpf(0)


def prove_identity(
    lhs: sp.Basic,
    rhs: sp.Basic,
    *,
    symbols: Sequence[sp.Symbol] = (),
    constraints: Sequence[sp.Basic] = (),
    n_points: int = DEFAULT_POINTS,
    seed: int = DEFAULT_SEED,
    what: str = "identity",
) -> CheckResult:
    """Check ``lhs == rhs`` in general symbols (their SymPy assumptions are the declared domain).

    PROVED when the difference reduces to 0 (region by region for Piecewise, Max, Min, Abs, Heaviside);
    REFUTED with a high-precision counterexample; CHECKED when only the numeric search passed; INCONCLUSIVE when
    neither decided.
    """
    lhs, rhs = (side if isinstance(side, sp.MatrixBase) else sp.sympify(side) for side in (lhs, rhs))
    diff = _difference(lhs, rhs)
    if _has_branches(lhs) or _has_branches(rhs):
        return _prove_by_regions(lhs, rhs, symbols, constraints, n_points, seed, what)
    if is_symbolic_zero(diff):
        return CheckResult(Status.PROVED, "symbolic", f"{what}: difference simplifies to 0 in general symbols")
    return _numeric_verdict(lhs, rhs, symbols, constraints, n_points, seed, what, "simplification did not reach 0")


def _all_zero(info: dict) -> bool:
    """The search found the difference zero at every point where both sides are defined, and those points are at
    least half of the points tried (a pole is skipped, but a side undefined almost everywhere checks nothing)."""
    defined = info["points"] - info["undefined"]
    return "error" not in info and info["zero"] >= 1 and info["zero"] == defined and 2 * defined >= info["points"]


def _search_note(info: dict) -> str:
    notes = [f"{info[k]} {k.replace('_', ' ')}" for k in ("undefined", "undecided", "unconfirmed", "outside_domain")
             if info.get(k)]
    if "error" in info:
        notes.append(info["error"])
    return f" ({'; '.join(notes)})" if notes else ""


def _numeric_verdict(lhs, rhs, symbols, constraints, n_points, seed, what, why) -> CheckResult:
    cx, info = search_counterexample(lhs, rhs, symbols, constraints, n_points, seed)
    if cx is not None:
        return CheckResult(Status.REFUTED, "high-precision counterexample",
                           f"{what}: sides differ at a domain point (|diff| = {cx.gap})",
                           info, cx)
    if _all_zero(info):
        return CheckResult(Status.CHECKED, "mpmath",
                           f"{what}: {why}; zero at {info['zero']} seeded points (dps 30-120){_search_note(info)}",
                           info)
    return CheckResult(Status.INCONCLUSIVE, "mpmath",
                       f"{what}: {why}; numeric search undecided{_search_note(info)}", info)


def prove_at_sizes(
    build: Callable[[tuple[int, ...]], SizedIdentity],
    sizes: Iterable[tuple[int, ...]],
    *,
    what: str = "identity",
    n_points: int = 6,
    seed: int = DEFAULT_SEED,
) -> CheckResult:
    """Check an identity between explicit matrices at every listed size (e.g. every (d0, d1, d2) up to 3)."""
    proved: list[tuple[int, ...]] = []
    numeric_only: list[tuple[int, ...]] = []
    sizes = list(sizes)
    if not sizes:
        raise SymbolicVAEError("sizes: expected at least one size, got none (an identity at no size proves nothing)")
    for size in sizes:
        ident = build(size)
        diff = _difference(ident.lhs, ident.rhs)
        if is_symbolic_zero(diff):
            proved.append(size)
            continue
        result = _numeric_verdict(ident.lhs, ident.rhs, ident.symbols, ident.constraints, n_points, seed,
                                  f"{what} at size {size}", "expansion did not reach 0")
        if result.status is Status.REFUTED:
            cx = result.counterexample
            assert cx is not None
            cx = Counterexample({"size": str(size), **cx.instance}, cx.lhs, cx.rhs, cx.dps, cx.note, cx.gap,
                                cx.tolerance)
            return CheckResult(Status.REFUTED, "explicit-size expansion + counterexample",
                               f"{what}: fails at size {size}", {"size": list(size), **result.details}, cx)
        if result.status is Status.CHECKED:
            numeric_only.append(size)
        else:
            return CheckResult(Status.INCONCLUSIVE, "explicit-size expansion", f"{what}: undecided at size {size}",
                               {"size": list(size)})
    details = {"sizes": [list(s) for s in proved], "numeric_only_sizes": [list(s) for s in numeric_only]}
    if numeric_only:
        return CheckResult(Status.CHECKED, "explicit-size expansion + mpmath",
                           f"{what}: exact at {len(proved)} sizes, numeric only at {len(numeric_only)}", details)
    return CheckResult(Status.PROVED_AT_SIZES, "explicit-size expansion",
                       f"{what}: difference expands to 0 at all {len(proved)} sizes up to {_max_size(proved)}",
                       details)


def _max_size(sizes: list[tuple[int, ...]]) -> str:
    return "x".join(str(max(s[i] for s in sizes)) for i in range(len(sizes[0]))) if sizes else "-"


_COMPARED: list[set[sp.Basic]] = []
"""The open ``recording_compared`` blocks: each collects the free symbols of the sides compared in it."""


@contextlib.contextmanager
def recording_compared() -> Iterator[set[sp.Basic]]:
    """Within the block, the free symbols of every pair of sides an identity check of this module compares are
    added to the set yielded (mutation testing reads it: a formula replaced by a free symbol that reaches no
    comparison was not checked)."""
    compared: set[sp.Basic] = set()
    _COMPARED.append(compared)
    try:
        yield compared
    finally:
        _COMPARED.remove(compared)


def _difference(lhs: sp.Basic, rhs: sp.Basic) -> sp.Basic:
    for compared in _COMPARED:
        for side in (lhs, rhs):
            if isinstance(side, sp.Basic):
                compared |= side.free_symbols
    if isinstance(lhs, sp.MatrixBase) and isinstance(rhs, sp.MatrixBase):
        left, right = sp.Matrix(lhs), sp.Matrix(rhs)
        if left.shape != right.shape:
            raise SymbolicVAEError(f"rhs: shape {right.shape} does not match lhs shape {left.shape}")
        return left - right
    if isinstance(lhs, sp.MatrixBase) or isinstance(rhs, sp.MatrixBase):
        shapes = [f"a {x.shape} matrix" if isinstance(x, sp.MatrixBase) else "a scalar" for x in (lhs, rhs)]
        raise SymbolicVAEError(f"rhs: {shapes[1]} cannot equal lhs, {shapes[0]}")
    return lhs - rhs


_BRANCHING = (sp.Piecewise, sp.Max, sp.Min, sp.Heaviside, sp.Abs)


def _has_branches(expr: sp.Basic) -> bool:
    return isinstance(expr, sp.Basic) and any(expr.has(t) for t in _BRANCHING)


def _prove_by_regions(lhs, rhs, symbols, constraints, n_points, seed, what) -> CheckResult:
    """Rewrite every branch as Piecewise, fold, and prove the difference zero on each region separately. Every
    region is tried: one that refutes, anywhere, refutes the identity; one left undecided makes it INCONCLUSIVE."""
    diff = _difference(lhs, rhs)
    symbols = tuple(symbols) or _free_real_symbols(lhs, rhs)
    counts = {"regions_proved": 0, "regions_checked_numerically": 0, "regions_empty": 0, "regions_undecided": 0}
    undecided: CheckResult | None = None
    for entry in _entries(diff):
        for piece_expr, region in _regions(entry, constraints):
            if region is sp.false:
                counts["regions_empty"] += 1
                continue
            outcome = _decide_region(lhs, rhs, piece_expr, region, symbols, constraints, n_points, seed, what)
            if outcome.status is Status.REFUTED:
                return outcome
            if outcome.status is Status.INCONCLUSIVE:
                counts["regions_undecided"] += 1
                undecided = undecided or outcome
                continue
            counts["regions_proved" if outcome.status is Status.PROVED else "regions_checked_numerically"] += 1
    if undecided is not None:
        return CheckResult(Status.INCONCLUSIVE, undecided.method,
                           f"{undecided.summary} ({counts['regions_undecided']} regions undecided, "
                           f"{counts['regions_proved']} proved, {counts['regions_checked_numerically']} numeric only)",
                           {**undecided.details, **counts})
    if counts["regions_checked_numerically"]:
        return CheckResult(Status.CHECKED, "region-by-region + mpmath",
                           f"{what}: {counts['regions_proved']} regions proved, "
                           f"{counts['regions_checked_numerically']} numeric only", counts)
    return CheckResult(Status.PROVED, "symbolic, region by region",
                       f"{what}: difference is 0 on each of {counts['regions_proved']} regions", counts)


def _regions(entry: sp.Basic, constraints: Sequence[sp.Basic]) -> Iterator[tuple[sp.Basic, sp.Basic]]:
    """(piece of the folded difference, its region within the constraints: sp.false when empty), piece by piece."""
    folded = sp.piecewise_fold(entry.rewrite(sp.Piecewise))
    pieces = folded.args if isinstance(folded, sp.Piecewise) else ((folded, sp.true),)
    excluded: list[sp.Basic] = []
    for piece_expr, cond in pieces:
        # the constraints are part of every region: a region they exclude is empty, not a counterexample
        region = _simplify_region(sp.And(cond, *[sp.Not(c) for c in excluded], *constraints))
        excluded.append(cond)
        yield piece_expr, region


def _decide_region(lhs, rhs, piece_expr, region, symbols, constraints, n_points, seed, what) -> CheckResult:
    """PROVED, CHECKED, REFUTED (confirmed on the original sides) or INCONCLUSIVE for one region."""
    if is_symbolic_zero(piece_expr) or is_symbolic_zero(_refine(piece_expr, region)):
        return CheckResult(Status.PROVED, "symbolic", "")
    on_boundary = _zero_on_boundary(piece_expr, region)
    if on_boundary is True:
        return CheckResult(Status.PROVED, "symbolic", "")
    region_constraints = (*constraints, region) if region is not sp.true else tuple(constraints)
    if isinstance(on_boundary, dict):  # the sides differ exactly at a pinned point of the region
        point = on_boundary
        cx = _confirm_on_sides(lhs, rhs, point, symbols, region_constraints)
        if cx is not None:
            return CheckResult(Status.REFUTED, "region-by-region + exact boundary point",
                               f"{what}: fails{_on_region(region)}", {"region": sp.sstr(region)}, cx)
    cx, info = search_counterexample(piece_expr, sp.Integer(0), symbols, region_constraints, n_points, seed)
    if cx is not None:  # a refutation is an instance of the original sides, confirmed on them
        full, full_info = search_counterexample(lhs, rhs, symbols, region_constraints, n_points, seed)
        if full is not None:
            return CheckResult(Status.REFUTED, "region-by-region + counterexample",
                               f"{what}: fails{_on_region(region)}", full_info, full)
        return CheckResult(Status.INCONCLUSIVE, "region-by-region",
                           f"{what}: on region {sp.sstr(region)} the folded difference is nonzero at "
                           f"{cx.instance}, but the sides themselves were not confirmed to differ", info)
    if not _all_zero(info):
        return CheckResult(Status.INCONCLUSIVE, "region-by-region",
                           f"{what}: region {sp.sstr(region)} neither proved nor sampled{_search_note(info)}", info)
    return CheckResult(Status.CHECKED, "mpmath", "", info)


def _confirm_on_sides(lhs, rhs, point: dict, symbols, constraints) -> Counterexample | None:
    """The confirmed counterexample of the original sides at ``point`` (every symbol given, inside the domain)."""
    if set(point) != set(symbols) or not _in_domain(point, symbols, constraints):
        return None
    pairs = _pairs(lhs, rhs)
    info = {"worst_residual": 0.0, "dps": 30}
    for left, right in pairs:
        if (left - right).xreplace(point) != 0:
            cx = _confirm(left, right, point, 30, info)
            if cx is not None:
                return cx
    return None


def _simplify_region(region: sp.Basic) -> sp.Basic:
    """Canonicalize each inequality, simplify the logic, and detect empty univariate regions exactly."""
    try:
        region = region.replace(lambda e: isinstance(e, sp.core.relational.Relational), _normalize_relational)
        region = sp.simplify_logic(region)
        if _contradictory(region) or _signs_contradict(region):
            return sp.false
        free = region.free_symbols
        if region not in (sp.true, sp.false) and len(free) == 1 and region.as_set().is_empty:
            return sp.false
    except (TypeError, ValueError, NotImplementedError, AttributeError):
        pass
    return region


_SIGN_WORDS = {sp.StrictGreaterThan: "positive", sp.GreaterThan: "nonnegative", sp.StrictLessThan: "negative",
               sp.LessThan: "nonpositive"}


def _signs_contradict(region: sp.Basic) -> bool:
    """A conjunction whose sign bounds on single symbols (s > 0, s >= 0, ...), taken as assumptions, make another of
    its relations False: (x >= 0) & (y >= 0) & (x y < 0) is empty."""
    args = region.args if isinstance(region, sp.And) else (region,)
    signs: dict[sp.Symbol, dict[str, bool]] = {}
    for r in args:
        if type(r) in _SIGN_WORDS and isinstance(r.lhs, sp.Symbol) and r.rhs == 0:
            signs.setdefault(r.lhs, {})[_SIGN_WORDS[type(r)]] = True
    if not signs:
        return False
    try:
        signed = {s: sp.Dummy(s.name, **{**(s._assumptions_orig or {}), **words}) for s, words in signs.items()}
    except ValueError:  # the bounds contradict each other or the symbol's own assumptions
        return True
    return any(r.xreplace(signed) is sp.false for r in args if isinstance(r, Relational))


_FLIP = {sp.StrictGreaterThan: sp.StrictLessThan, sp.GreaterThan: sp.LessThan, sp.StrictLessThan: sp.StrictGreaterThan,
         sp.LessThan: sp.GreaterThan}


def _normalize_relational(rel: sp.Basic) -> sp.Basic:
    """Write ``a op b`` as ``core op 0`` with every factor of known sign (from the symbols' assumptions) divided out,
    so that one inequality written two ways becomes the same relational."""
    if type(rel) not in _FLIP:
        return sp.simplify(rel)
    numer, denom = sp.fraction(sp.factor(sp.together(rel.lhs - rel.rhs)))
    op, core = type(rel), sp.Integer(1)
    for factor in sp.Mul.make_args(numer) + tuple(1 / f for f in sp.Mul.make_args(denom)):
        if factor.is_positive:
            continue
        if factor.is_negative:
            op = _FLIP[op]
            continue
        core *= factor
    if core.is_number:
        return sp.sympify(op(core, 0))
    return op(sp.expand(core), 0)


def _contradictory(region: sp.Basic) -> bool:
    """A conjunction holding both d > 0 and d <= 0 (or d < 0) for the same difference d."""
    args = region.args if isinstance(region, sp.And) else (region,)
    strict, weak = set(), set()
    for r in args:
        if isinstance(r, (sp.StrictGreaterThan, sp.StrictLessThan, sp.GreaterThan, sp.LessThan)):
            d = sp.expand(r.lhs - r.rhs) if isinstance(r, (sp.StrictGreaterThan, sp.GreaterThan)) else sp.expand(
                r.rhs - r.lhs)
            (strict if isinstance(r, (sp.StrictGreaterThan, sp.StrictLessThan)) else weak).add(d)
    return any(sp.expand(-d) in strict or sp.expand(-d) in weak for d in strict)


def _zero_on_boundary(expr: sp.Basic, region: sp.Basic) -> bool | dict | None:
    """For a region that pins a variable (a >= b and a <= b, or a univariate finite set), substitute the pinned
    value and decide the piece exactly: True when it vanishes there, the point (symbol -> value) where it does not
    when that point is complete, None when the region is not of that kind or nothing was decided."""
    try:
        free = region.free_symbols
        if len(free) == 1:
            points = region.as_set()
            if isinstance(points, sp.FiniteSet):
                (var,) = free
                for p in points:
                    if not is_symbolic_zero(expr.xreplace({var: p})):
                        rest = expr.free_symbols - {var}
                        return {var: p} if not rest and p.is_number else None
                return True
            return None
        args = region.args if isinstance(region, sp.And) else (region,)
        ge = {sp.expand(r.lhs - r.rhs) for r in args if isinstance(r, sp.GreaterThan)}
        ge |= {sp.expand(r.rhs - r.lhs) for r in args if isinstance(r, sp.LessThan)}
        for diff in ge:
            if sp.expand(-diff) in ge:
                for var in sorted(diff.free_symbols, key=lambda v: v.name):
                    sols = sp.solve(sp.Eq(diff, 0), var)
                    if sols:
                        return all(is_symbolic_zero(expr.xreplace({var: sol})) for sol in sols) or None
    except (TypeError, ValueError, NotImplementedError, AttributeError):
        return None
    return None


def _refine(expr: sp.Basic, region: sp.Basic) -> sp.Basic:
    try:
        return sp.simplify(sp.refine(expr, region))
    except (TypeError, ValueError, NotImplementedError, AttributeError):
        return expr


def all_sizes(max_size: int, dims: int = 3, min_size: int = 1) -> list[tuple[int, ...]]:
    """Every tuple of ``dims`` sizes in [min_size, max_size], e.g. all (d0, d1, d2) up to 3."""
    return list(itertools.product(range(min_size, max_size + 1), repeat=dims))


def _on_region(region: sp.Basic) -> str:
    """" on region R" for a region that restricts the domain; nothing for the whole domain."""
    return "" if region is sp.true else f" on region {sp.sstr(region)}"


SIMPLE_VALUES: tuple[sp.Expr, ...] = tuple(sp.sympify(v) for v in (
    0, 1, -1, 2, -2, "1/2", "-1/2", 3, -3, "1/3", "-1/3", "3/2", "-3/2", 4, -4, "1/4", "-1/4", 5, -5, 10, -10, 100,
    -100, 1000, -1000, 10**6, -10**6, "I", "-I", "1 + I", "1 - I", "-1 + I", "2*I", "4*I", "-4*I"))
"""Values tried, simplest first, when a counterexample is simplified."""


def simplest_counterexample(lhs: sp.Basic, rhs: sp.Basic, counterexample: Counterexample,
                            constraints: Sequence[sp.Basic] = ()) -> Counterexample:
    """``counterexample`` with each symbol's value replaced, in turn, by the simplest of SIMPLE_VALUES at which the
    sides still differ inside the domain (confirmed as any counterexample is); unchanged if none is simpler."""
    symbols = _free_real_symbols(lhs, rhs)
    try:
        point = {s: sp.sympify(counterexample.instance[s.name]) for s in symbols}
    except (KeyError, sp.SympifyError, TypeError):
        return counterexample
    pairs = _pairs(lhs, rhs)
    best = counterexample
    for symbol in symbols:
        current = SIMPLE_VALUES.index(point[symbol]) if point[symbol] in SIMPLE_VALUES else len(SIMPLE_VALUES)
        for value in SIMPLE_VALUES[:current]:
            candidate = {**point, symbol: value}
            if not _in_domain(candidate, symbols, constraints):
                continue
            found = _confirm_on_pairs(pairs, candidate)
            if found is not None:
                point, best = candidate, found
                break
    return best


def _confirm_on_pairs(pairs: list[tuple[sp.Basic, sp.Basic]], point: dict) -> Counterexample | None:
    """A confirmed counterexample at ``point`` for the first entry whose sides differ there; None otherwise."""
    for left, right in pairs:
        try:
            test = classify_zero(left - right, point)
        except NumericBackendError:
            return None
        if test.is_zero is not True:
            cx = _confirm(left, right, point, test.dps, {"worst_residual": 0.0, "dps": 30})
            if cx is not None:
                return cx
    return None
