"""Region-by-region proofs of one mode in the dimensionless variables q, r: the change to q, r (branch conditions
normalized by the engine), the regions of the domain (zeta against the threshold, sigma against the kink) with
one exact point each, and the provers of an identity, a sign and an equivalence on a list of regions (the
engine's ``regions`` provers, with r replaced by the optimum of the case and the counterexample tried at the
region's point under a short list of scalar assignments)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import sympy as sp

from symbolic_vae._core.verdict import CheckResult, Counterexample, decimal_text
from symbolic_vae._engine import regions as engine
from symbolic_vae._engine.regions import Refutation, Region, first_failure, region_names, sign_of
from symbolic_vae._engine.regions import normalize_branches as normalize
from symbolic_vae._engine.regions import resolve_branches as resolve
from symbolic_vae._model.lvm import beta, eta_dec, eta_enc
from symbolic_vae._papers.wz2022.encoder_variance.forms import p, q, r, sigma, zeta

__all__ = ["ONE", "PLUS_REGIONS", "POSITIVE_ZETA", "SIGMA_REGIONS", "UNIT_SCALARS", "ZETA_REGIONS", "Region",
           "dimensionless", "normalize", "numeric_text", "prove_iff_on_regions", "prove_on_regions",
           "prove_sign_on_regions", "region_names", "resolve", "sign_of"]

Scalars = dict[sp.Symbol, sp.Rational]
Failure = tuple[str, str, str, str, str]
"""A failure at one point: (lhs, rhs, summary, gap, tolerance), the last two as decimal strings."""
ZERO_BELOW = 1e-25
"""A 40-digit value of at most this size counts as 0."""


def dimensionless(expr: sp.Expr) -> sp.Expr:
    """zeta = q sqrt(beta) eta_dec, sigma = r eta_enc, logs expanded, branches normalized."""
    out = expr.xreplace({zeta: q * sp.sqrt(beta) * eta_dec, sigma: r * eta_enc})
    return normalize(sp.expand_log(out, force=True))


# =====================================================================================================
# Regions of the per-mode proofs (a region's point has beta = eta_enc = eta_dec = 1, so zeta = q, sigma = r)
# =====================================================================================================
def on_region(reg: Region, expr: sp.Basic, r_value: sp.Expr | None = None) -> sp.Basic:
    """``expr`` on the region, branches resolved; with ``r_value``, r is replaced by it (resolved there first)."""
    sub = reg.mapping
    out = expr.xreplace(sub)
    if r_value is not None:
        out = out.xreplace({r: resolve(r_value.xreplace(sub))})
    return resolve(out)


def at_point(reg: Region, expr: sp.Basic, r_value: sp.Expr | None = None, scalars: Scalars | None = None) -> sp.Basic:
    """``expr`` at the region's point, with beta, eta_enc, eta_dec = ``scalars`` (default all 1)."""
    return on_region(reg, expr, r_value).xreplace(dict(reg.point)).xreplace(scalars or UNIT_SCALARS)


def original_point(reg: Region, scalars: Scalars | None = None, r_value: sp.Expr | None = None) -> dict[str, str]:
    """The region's point in the paper's symbols: zeta = q sqrt(beta) eta_dec, sigma = r eta_enc."""
    scalars = scalars or UNIT_SCALARS
    values = {str(k): str(v) for k, v in scalars.items()}
    for var, name, scale in ((q, "zeta", sp.sqrt(beta) * eta_dec), (r, "sigma", eta_enc)):
        value = at_point(reg, var * scale, r_value, scalars)
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
    Region(r"$\zeta^2 > \beta\eta_{\mathrm{dec}}^2$ ($q = 1 + p$)", ((q, 1 + p),), point=((p, ONE),)),
    Region(r"$\zeta^2 = \beta\eta_{\mathrm{dec}}^2$ ($q = 1$)", ((q, ONE),)),
    Region(r"$0 < \zeta^2 < \beta\eta_{\mathrm{dec}}^2$ ($q = 1/(1 + p)$)", ((q, 1 / (1 + p)),), point=((p, ONE),)),
    Region(r"$\zeta = 0$ ($q = 0$)", ((q, sp.Integer(0)),)),
)
POSITIVE_ZETA = ZETA_REGIONS[:3]
# sigma_+ = 2 max(zeta eta_enc/(sqrt(beta) eta_dec), 2 eta_enc) switches at q = 2 as well
PLUS_REGIONS = (
    Region(r"$\zeta > 2\sqrt{\beta}\,\eta_{\mathrm{dec}}$ ($q = 2 + p$)", ((q, 2 + p),), point=((p, ONE),)),
    Region(r"$\zeta = 2\sqrt{\beta}\,\eta_{\mathrm{dec}}$ ($q = 2$)", ((q, sp.Integer(2)),)),
    Region(r"$1 < q < 2$ ($q = 1 + 1/(1 + p)$)", ((q, 1 + 1 / (1 + p)),), point=((p, ONE),)),
    *POSITIVE_ZETA[1:],
)
SIGMA_REGIONS = (
    Region(r"$\sigma$ below the kink ($q = r + p$)", ((q, r + p),), point=((r, ONE), (p, ONE))),
    Region(r"$\sigma$ at the kink ($q = r$)", ((q, r),), point=((r, ONE),)),
    Region(r"$\sigma$ above the kink ($r = q + p$)", ((r, q + p),), point=((q, ONE), (p, ONE))),
)


def numeric_text(expr: sp.Basic, dps: int = 30) -> str:
    return str(sp.N(expr, dps))


def _refute_at_scalar_points(reg: Region, r_value: sp.Expr | None,
                             failure: Callable[[Scalars], Failure | None]) -> Refutation | None:
    """A refutation at the region's point with the first of SCALAR_POINTS where ``failure`` (scalars -> (lhs,
    rhs, summary, gap, tolerance) or None) finds one; None if none does."""
    found = first_failure(SCALAR_POINTS, failure)
    if found is None:
        return None
    scalars, (lhs, rhs, summary, gap, tolerance) = found
    return Refutation(summary, Counterexample(original_point(reg, scalars, r_value), lhs, rhs, 30, note=reg.name,
                                              gap=gap, tolerance=tolerance))


def _differ(lhs: sp.Expr, rhs: sp.Expr, what: str, r_value: sp.Expr | None, reg: Region,
            scalars: Scalars) -> Failure | None:
    left, right = at_point(reg, lhs, r_value, scalars), at_point(reg, rhs, r_value, scalars)
    gap = sp.N(left - right, 40)
    if gap.is_number and gap != 0 and abs(gap) > ZERO_BELOW:
        return (numeric_text(left), numeric_text(right), f"{what}: fails on {reg.name} (difference {float(gap):.4g})",
                decimal_text(gap), decimal_text(ZERO_BELOW))
    return None


def _violated(expr: sp.Expr, sign: str, what: str, r_value: sp.Expr | None, reg: Region,
              scalars: Scalars) -> Failure | None:
    at = sp.N(at_point(reg, expr, r_value, scalars), 40)
    if at.is_number and at.is_real and not engine.SIGN_TESTS[sign](int(sp.sign(at)) if abs(at) > ZERO_BELOW else 0):
        # a nonzero value of the wrong sign: its size against the zero threshold; a 0 where a strict sign is
        # required: the signs differ by 1
        gap, tolerance = (decimal_text(at), decimal_text(ZERO_BELOW)) if abs(at) > ZERO_BELOW else ("1", "0")
        return (numeric_text(at), f"0 (required {sign})",
                f"{what}: sign {engine.SIGN_TEXT[sign]} fails on {reg.name} (value {float(at):.4g})", gap, tolerance)
    return None


def prove_on_regions(lhs: sp.Expr, rhs: sp.Expr, regions: Sequence[Region], *, what: str,
                     r_value: sp.Expr | None = None) -> CheckResult:
    """lhs == rhs on every region (both dimensionless, r replaced by ``r_value`` if given); REFUTED at the
    region's point when they differ there."""
    return engine.prove_identity_on_regions(
        lhs, rhs, regions, what=what, on_region=partial(on_region, r_value=r_value),
        is_zero=engine.zero_after_simplify,
        refute=lambda reg: _refute_at_scalar_points(reg, r_value, partial(_differ, lhs, rhs, what, r_value, reg)))


def prove_sign_on_regions(expr: sp.Expr, sign: str, regions: Sequence[Region], *, what: str,
                          r_value: sp.Expr | None = None) -> CheckResult:
    """expr < 0, > 0, >= 0 or <= 0 (``sign`` "<0", ">0", ">=0", "<=0") on every region (r -> ``r_value``)."""
    return engine.prove_sign_on_regions(
        expr, sign, regions, what=what, on_region=partial(on_region, r_value=r_value),
        refute=lambda reg: _refute_at_scalar_points(reg, r_value, partial(_violated, expr, sign, what, r_value, reg)))


def prove_iff_on_regions(left: sp.Basic, right: sp.Basic, regions: Sequence[Region], *, what: str,
                         r_value: sp.Expr | None = None) -> CheckResult:
    """left <=> right (both directions) on every region; REFUTED at a point where exactly one holds."""
    def counterexample(reg: Region, direction: str) -> Counterexample:
        return Counterexample(original_point(reg, r_value=r_value), str(at_point(reg, left, r_value)),
                              str(at_point(reg, right, r_value)), 30,
                              note=f"{reg.name}: {direction}; gap = |1 - 0|: the truth values differ", gap="1",
                              tolerance="0")

    return engine.prove_iff_on_regions(left, right, regions, what=what, counterexample=counterexample,
                                       on_region=partial(on_region, r_value=r_value))
