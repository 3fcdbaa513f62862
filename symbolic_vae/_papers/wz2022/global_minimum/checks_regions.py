"""The regions of the one-mode domain (the mode survives, collapses, zeta = 0), each with a parametrization that
resolves every Max / Piecewise, and ``prove_by_regions``, which proves an identity or an inequality region by
region (the engine's ``regions`` provers) or finds a high-precision counterexample in a region (with the
stationary point of t as a hint)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import sympy as sp

from symbolic_vae._core.verdict import CheckResult, Status
from symbolic_vae._engine.regions import (
    SEARCH_STYLE,
    Refutation,
    Region,
    coverage_gap,
    nonnegative_signs,
    prove_identity_on_regions,
    prove_sign_on_regions,
    reduces_to_zero,
    search_region_counterexample,
)
from symbolic_vae._model.lvm import beta, eta_dec, eta_enc
from symbolic_vae._papers.wz2022.global_minimum.forms import (
    SQRT_BETA,
    THRESHOLD,
    THRESHOLD_THM1,
    derived_mode,
    sigma,
    t,
    zeta,
)

__all__ = ["Region", "general_regions", "prove_by_regions", "reduces_to_zero", "thm1_regions"]

_W_POS = sp.Symbol("w", positive=True)
_W_NONNEG = sp.Symbol("w", nonnegative=True)
_ZETA_POS = sp.Symbol("zeta", positive=True)


def general_regions() -> tuple[Region, ...]:
    """zeta > sqrt(kappa) sigma; 0 < zeta <= sqrt(kappa) sigma (sigma = (zeta + w)/sqrt(kappa)); zeta = 0."""
    return (Region(r"$\zeta > \sqrt{\beta}\,\sigma \eta_{\mathrm{dec}}/\eta_{\mathrm{enc}}$ (mode survives)",
                   ((zeta, THRESHOLD + _W_POS),),
                   zeta > THRESHOLD),
            Region(r"$0 < \zeta \le \sqrt{\beta}\,\sigma \eta_{\mathrm{dec}}/\eta_{\mathrm{enc}}$ (mode collapses)",
                   ((sigma, (_ZETA_POS + _W_NONNEG) * eta_enc / (SQRT_BETA * eta_dec)), (zeta, _ZETA_POS)),
                   sp.And(zeta > 0, zeta <= THRESHOLD)),
            Region("$\\zeta = 0$", ((zeta, sp.Integer(0)),), sp.Eq(zeta, 0)))


def thm1_regions() -> tuple[Region, ...]:
    """The same regions at sigma = eta_enc, parametrized through beta."""
    return (Region(r"$\zeta > \sqrt{\beta}\,\eta_{\mathrm{dec}}$ (mode survives)", ((zeta, THRESHOLD_THM1 + _W_POS),),
                   zeta > THRESHOLD_THM1),
            Region(r"$0 < \zeta \le \sqrt{\beta}\,\eta_{\mathrm{dec}}$ (mode collapses)",
                   ((beta, ((_ZETA_POS + _W_NONNEG) / eta_dec) ** 2), (zeta, _ZETA_POS)),
                   sp.And(zeta > 0, zeta <= THRESHOLD_THM1)),
            Region("$\\zeta = 0$", ((zeta, sp.Integer(0)),), sp.Eq(zeta, 0)))


# parameters the sides do not depend on take these values in a counterexample found in a parametrization
_SIMPLE_VALUES = {"zeta": sp.Rational(3, 2), "eta_enc": sp.Integer(2), "w": sp.Rational(1, 2)}


def _stationary_t(point: dict) -> list[dict]:
    """The point with t at the stationary point of the mode loss (where a claimed minimum is most at risk)."""
    root = derived_mode()["root_large"]
    if t in point and not (set(root.free_symbols) - set(point)):
        stationary = sp.Rational(str(sp.N(root.xreplace(point), 12)))
        if stationary > 0:
            return [{**point, t: stationary}]
    return []


def _refute(lhs: sp.Expr, rhs: sp.Expr, what: str, nonnegative: bool, n_points: int, seed: int,
            region: Region) -> Refutation | None:
    cx = search_region_counterexample(lhs, rhs, region, nonnegative=nonnegative, n_points=n_points, seed=seed,
                                      hints=_stationary_t, fill=_SIMPLE_VALUES)
    if cx is None:
        return None
    return Refutation(f"{what}: fails on the region {region.name}", cx, {"region": region.name})


def outside_its_region(region: Region) -> str | None:
    """Why the region's parametrization is not shown to lie in the region (None: it is): every substituted value
    must keep its symbol's sign assumptions (positive, nonnegative) and make the region's condition True."""
    for symbol, value in region.substitution:
        for sign in ("positive", "nonnegative"):
            if getattr(symbol, f"is_{sign}") and getattr(value, f"is_{sign}") is not True:
                return f"{symbol} = {value} is not shown {sign}"
    condition = region.condition.xreplace(region.mapping)
    if condition is not sp.true:
        return f"its condition becomes {condition}"
    return None


def prove_by_regions(lhs: sp.Expr, rhs: sp.Expr, regions: Sequence[Region], *, what: str,
                     nonnegative: bool = False, n_points: int = 24, seed: int = 20221128) -> CheckResult:
    """``lhs == rhs`` (or ``lhs - rhs >= 0`` when ``nonnegative``) on every region.

    PROVED when the parametrized difference reduces to 0 (or is manifestly nonnegative) on each region; REFUTED
    when a seeded high-precision search (in the original symbols under the region's condition, then in the
    region's parameters, which reach its boundary) finds a point where it fails; INCONCLUSIVE otherwise, and when
    a region's parametrization is not shown to lie in the region (a proof on it would cover another set), or when
    a sampled point of the domain (branch thresholds included, exactly and at 1e-4 on either side) is reached by no
    region's parametrization (the proofs would leave part of the domain out).
    """
    for region in regions:
        reason = outside_its_region(region)
        if reason is not None:
            return CheckResult(Status.INCONCLUSIVE, "region by region",
                               f"{what}: the parametrization of the region {region.name} is not shown to lie in it "
                               f"({reason})", {"region": region.name})
    gap = coverage_gap(regions, seed=seed)
    if gap is not None:
        return CheckResult(Status.INCONCLUSIVE, "region by region",
                           f"{what}: the regions' parametrizations do not cover the domain: {gap}",
                           {"regions": [r.name for r in regions]})
    refute = partial(_refute, lhs, rhs, what, nonnegative, n_points, seed)
    if nonnegative:
        return prove_sign_on_regions(lhs - rhs, ">=0", regions, what=what, refute=refute, signs=nonnegative_signs,
                                     kind=r"difference $\ge 0$", style=SEARCH_STYLE)
    return prove_identity_on_regions(lhs, rhs, regions, what=what, refute=refute, kind="difference = 0",
                                     style=SEARCH_STYLE)
