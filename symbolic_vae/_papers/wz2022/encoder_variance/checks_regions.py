"""Region-by-region proofs of one mode in the dimensionless variables q, r: branch normalization (every
condition reduced to the sign of a core factor), the regions of the domain (zeta against the threshold, sigma
against the kink) and the provers of an identity, a sign and an equivalence on a list of regions, each refuting
at an exact point of a region where it fails."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sympy as sp

from symbolic_vae._core.verdict import CheckResult, Counterexample, Status
from symbolic_vae._engine.identity import is_symbolic_zero
from symbolic_vae._model.lvm import beta, eta_dec, eta_enc
from symbolic_vae._papers.wz2022.encoder_variance.forms import p, q, r, sigma, zeta


def _core(difference: sp.Expr) -> sp.Expr | None:
    """``difference`` with its positive factors stripped and its negative ones turned into a sign; None if a
    denominator's sign is unknown."""
    num, den = sp.fraction(sp.factor(sp.together(difference)))
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


def _possible_signs(expr: sp.Expr) -> frozenset[int] | None:
    """The signs ``expr`` can take (a subset of {-1, 0, 1}) as they follow from its factors' assumptions."""
    expr = sp.together(expr)
    if expr == 0:
        return frozenset({0})
    core = _core(expr)
    if core is None:
        return None
    for test, signs in ((core.is_positive, {1}), (core.is_negative, {-1}), (core.is_zero, {0}),
                        (core.is_nonnegative, {0, 1}), (core.is_nonpositive, {-1, 0})):
        if test:
            return frozenset(signs)
    return None


def sign_of(expr: sp.Expr) -> int | None:
    """+1, -1 or 0 when the sign of ``expr`` follows from its factors' assumptions; None otherwise."""
    signs = _possible_signs(expr)
    return next(iter(signs)) if signs is not None and len(signs) == 1 else None


def _canonical_relation(rel: sp.Basic) -> sp.Basic:
    core = _core(rel.lhs - rel.rhs)
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


def normalize(expr: sp.Expr) -> sp.Expr:
    """Conditions and Max(0, .) arguments reduced to core factors (same function, simpler branches)."""
    expr = expr.replace(lambda e: isinstance(e, (sp.Max, sp.Min)), _pull_positive_factors)
    return expr.replace(lambda e: isinstance(e, sp.core.relational.Relational), _canonical_relation)


def dimensionless(expr: sp.Expr) -> sp.Expr:
    """zeta = q sqrt(beta) eta_dec, sigma = r eta_enc, logs expanded, branches normalized."""
    out = expr.xreplace({zeta: q * sp.sqrt(beta) * eta_dec, sigma: r * eta_enc})
    return normalize(sp.expand_log(out, force=True))


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


def resolve(expr: sp.Basic) -> sp.Basic:
    """Decide every Max/Min and branch condition whose sign follows from the assumptions (to a fixed point)."""
    for _ in range(12):
        new = expr.replace(lambda e: isinstance(e, (sp.Max, sp.Min)), _pick)
        new = new.replace(lambda e: isinstance(e, sp.core.relational.Relational), _decide)
        if new == expr:
            return new
        expr = new
    return expr


# =====================================================================================================
# Regions of the per-mode proofs
# =====================================================================================================
@dataclass(frozen=True)
class Region:
    """A piece of the domain, as a substitution in positive parameters, and one of its points (for
    counterexamples; beta = eta_enc = eta_dec = 1 there, so zeta = q and sigma = r)."""

    label: str
    substitution: tuple[tuple[sp.Symbol, sp.Expr], ...]
    point: tuple[tuple[sp.Symbol, sp.Rational], ...] = ()

    def apply(self, expr: sp.Basic, r_value: sp.Expr | None = None) -> sp.Basic:
        """``expr`` on this region; with ``r_value``, r is replaced by it (resolved on the region first)."""
        sub = dict(self.substitution)
        out = expr.xreplace(sub)
        if r_value is not None:
            out = out.xreplace({r: resolve(r_value.xreplace(sub))})
        return resolve(out)

    def at_point(self, expr: sp.Basic, r_value: sp.Expr | None = None,
                 scalars: dict[sp.Symbol, sp.Rational] | None = None) -> sp.Basic:
        """``expr`` at the region's point, with beta, eta_enc, eta_dec = ``scalars`` (default all 1)."""
        return self.apply(expr, r_value).xreplace(dict(self.point)).xreplace(scalars or UNIT_SCALARS)

    def original_point(self, scalars: dict[sp.Symbol, sp.Rational] | None = None,
                       r_value: sp.Expr | None = None) -> dict[str, str]:
        """The region's point in the paper's symbols: zeta = q sqrt(beta) eta_dec, sigma = r eta_enc."""
        scalars = scalars or UNIT_SCALARS
        values = {str(k): str(v) for k, v in scalars.items()}
        for var, name, scale in ((q, "zeta", sp.sqrt(beta) * eta_dec), (r, "sigma", eta_enc)):
            value = self.at_point(var * scale, r_value, scalars)
            if not value.free_symbols:
                values[name] = str(sp.nsimplify(value))
        return values


UNIT_SCALARS = {beta: sp.Integer(1), eta_enc: sp.Integer(1), eta_dec: sp.Integer(1)}
# scalar assignments tried, in order, when looking for a counterexample (unit values first: the simplest)
SCALAR_POINTS = (UNIT_SCALARS, {beta: sp.Integer(1), eta_enc: sp.Integer(2), eta_dec: sp.Integer(1)},
                 {beta: sp.Integer(1), eta_enc: sp.Integer(1), eta_dec: sp.Integer(2)},
                 {beta: sp.Integer(4), eta_enc: sp.Rational(1, 2), eta_dec: sp.Rational(1, 3)})


ONE = sp.Integer(1)
ZETA_REGIONS = (
    Region("zeta^2 > beta eta_dec^2 (q = 1 + p)", ((q, 1 + p),), ((p, ONE),)),
    Region("zeta^2 = beta eta_dec^2 (q = 1)", ((q, ONE),)),
    Region("0 < zeta^2 < beta eta_dec^2 (q = 1/(1 + p))", ((q, 1 / (1 + p)),), ((p, ONE),)),
    Region("zeta = 0 (q = 0)", ((q, sp.Integer(0)),)),
)
POSITIVE_ZETA = ZETA_REGIONS[:3]
# sigma_+ = 2 max(zeta eta_enc/(sqrt(beta) eta_dec), 2 eta_enc) switches at q = 2 as well
PLUS_REGIONS = (
    Region("zeta > 2 sqrt(beta) eta_dec (q = 2 + p)", ((q, 2 + p),), ((p, ONE),)),
    Region("zeta = 2 sqrt(beta) eta_dec (q = 2)", ((q, sp.Integer(2)),)),
    Region("1 < q < 2 (q = 1 + 1/(1 + p))", ((q, 1 + 1 / (1 + p)),), ((p, ONE),)),
    *POSITIVE_ZETA[1:],
)
SIGMA_REGIONS = (
    Region("sigma below the kink (q = r + p)", ((q, r + p),), ((r, ONE), (p, ONE))),
    Region("sigma at the kink (q = r)", ((q, r),), ((r, ONE),)),
    Region("sigma above the kink (r = q + p)", ((r, q + p),), ((q, ONE), (p, ONE))),
)


def region_names(regions: Sequence[Region]) -> list[str]:
    return [reg.label for reg in regions]


def numeric_text(expr: sp.Basic, dps: int = 30) -> str:
    return str(sp.N(expr, dps))


def _proved(summary: str, regions: Sequence[Region]) -> CheckResult:
    return CheckResult(Status.PROVED, "symbolic, region by region", summary, {"regions": region_names(regions)})


def _refuted(summary: str, instance: dict[str, str], lhs: str, rhs: str, note: str) -> CheckResult:
    return CheckResult(Status.REFUTED, "region by region + exact point", summary, {},
                       Counterexample(instance, lhs, rhs, 30, note=note))


def _refute_at_scalar_points(reg: Region, r_value: sp.Expr | None,
                             failure: Callable[[dict[sp.Symbol, sp.Rational]], tuple[str, str, str] | None],
                             undecided: str) -> CheckResult:
    """REFUTED at the region's point with the first of SCALAR_POINTS where ``failure`` (scalars -> (lhs, rhs,
    summary) or None) finds one; INCONCLUSIVE with the summary ``undecided`` if none does."""
    for scalars in SCALAR_POINTS:
        found = failure(scalars)
        if found is not None:
            lhs, rhs, summary = found
            return _refuted(summary, reg.original_point(scalars, r_value), lhs, rhs, reg.label)
    return CheckResult(Status.INCONCLUSIVE, "region by region", undecided)


def prove_on_regions(lhs: sp.Expr, rhs: sp.Expr, regions: Sequence[Region], *, what: str,
                     r_value: sp.Expr | None = None) -> CheckResult:
    """lhs == rhs on every region (both dimensionless, r replaced by ``r_value`` if given); REFUTED at the
    region's point when they differ there."""
    for reg in regions:
        diff = reg.apply(lhs - rhs, r_value)
        if not diff.has(sp.Piecewise, sp.Max, sp.Min) and is_symbolic_zero(sp.simplify(diff)):
            continue

        def differ(scalars: dict[sp.Symbol, sp.Rational], reg: Region = reg) -> tuple[str, str, str] | None:
            left, right = reg.at_point(lhs, r_value, scalars), reg.at_point(rhs, r_value, scalars)
            gap = sp.N(left - right, 40)
            if gap.is_number and gap != 0 and abs(gap) > 1e-25:
                return (numeric_text(left), numeric_text(right),
                        f"{what}: fails on {reg.label} (difference {float(gap):.4g})")
            return None

        return _refute_at_scalar_points(reg, r_value, differ, f"{what}: undecided on {reg.label}")
    return _proved(f"{what}: holds on each of {len(regions)} regions", regions)


def prove_sign_on_regions(expr: sp.Expr, sign: str, regions: Sequence[Region], *, what: str,
                          r_value: sp.Expr | None = None) -> CheckResult:
    """expr < 0, > 0, >= 0 or <= 0 (``sign`` "<0", ">0", ">=0", "<=0") on every region (r -> ``r_value``)."""
    wanted = {"<0": lambda s: s < 0, ">0": lambda s: s > 0, ">=0": lambda s: s >= 0, "<=0": lambda s: s <= 0}[sign]
    for reg in regions:
        value = reg.apply(expr, r_value)
        signs = None if value.has(sp.Piecewise, sp.Max, sp.Min) else _possible_signs(value)
        if signs is None and not value.has(sp.Piecewise, sp.Max, sp.Min):
            signs = _possible_signs(sp.simplify(value))
        if signs is not None and all(wanted(s) for s in signs):
            continue

        def violated(scalars: dict[sp.Symbol, sp.Rational], reg: Region = reg) -> tuple[str, str, str] | None:
            at = sp.N(reg.at_point(expr, r_value, scalars), 40)
            if at.is_number and at.is_real and not wanted(int(sp.sign(at)) if abs(at) > 1e-25 else 0):
                return (numeric_text(at), f"0 (required {sign})",
                        f"{what}: sign {sign} fails on {reg.label} (value {float(at):.4g})")
            return None

        return _refute_at_scalar_points(reg, r_value, violated, f"{what}: sign undecided on {reg.label}")
    return _proved(f"{what}: {sign} on each of {len(regions)} regions", regions)


def prove_iff_on_regions(left: sp.Basic, right: sp.Basic, regions: Sequence[Region], *, what: str,
                         r_value: sp.Expr | None = None) -> CheckResult:
    """left <=> right (both directions) on every region; REFUTED at a point where exactly one holds."""
    for reg in regions:
        lv, rv = reg.apply(left, r_value), reg.apply(right, r_value)
        if lv not in (sp.true, sp.false) or rv not in (sp.true, sp.false):
            return CheckResult(Status.INCONCLUSIVE, "region by region", f"{what}: undecided on {reg.label}")
        if lv != rv:
            direction = "left holds, right fails" if lv is sp.true else "right holds, left fails"
            return _refuted(f"{what}: {direction} on {reg.label}", reg.original_point(r_value=r_value),
                            str(reg.at_point(left, r_value)), str(reg.at_point(right, r_value)),
                            f"{reg.label}: {direction}")
    return _proved(f"{what}: both directions hold on each of {len(regions)} regions", regions)
