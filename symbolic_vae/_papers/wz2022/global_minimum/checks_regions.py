"""Region-by-region proofs for one mode: the regions of the one-mode domain (the mode survives, collapses,
zeta = 0), each with a parametrization that resolves every Max / Piecewise, and ``prove_by_regions``,
which proves an identity or an inequality region by region or finds a high-precision counterexample."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp

from numeric_backend import Domain, NumericBackendError, draw_points
from symbolic_vae._core.seeds import derive_seed
from symbolic_vae._core.verdict import CheckResult, Counterexample, Status
from symbolic_vae._engine.identity import is_symbolic_zero, search_counterexample
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

# =====================================================================================================
# Region-by-region proofs for one mode
# =====================================================================================================
_W_POS = sp.Symbol("w", positive=True)
_W_NONNEG = sp.Symbol("w", nonnegative=True)
_ZETA_POS = sp.Symbol("zeta", positive=True)


@dataclass(frozen=True)
class Region:
    """A region of the one-mode domain: ``condition`` (for sampling) and a ``substitution`` that parametrizes it
    so that every branch (Max, Piecewise) resolves."""

    name: str
    condition: sp.Basic
    substitution: dict


def general_regions() -> tuple[Region, ...]:
    """zeta > sqrt(kappa) sigma; 0 < zeta <= sqrt(kappa) sigma (sigma = (zeta + w)/sqrt(kappa)); zeta = 0."""
    return (Region("zeta > sqrt(beta) sigma eta_dec/eta_enc (mode survives)", zeta > THRESHOLD,
                   {zeta: THRESHOLD + _W_POS}),
            Region("0 < zeta <= sqrt(beta) sigma eta_dec/eta_enc (mode collapses)",
                   sp.And(zeta > 0, zeta <= THRESHOLD),
                   {sigma: (_ZETA_POS + _W_NONNEG) * eta_enc / (SQRT_BETA * eta_dec), zeta: _ZETA_POS}),
            Region("zeta = 0", sp.Eq(zeta, 0), {zeta: sp.Integer(0)}))


def thm1_regions() -> tuple[Region, ...]:
    """The same regions at sigma = eta_enc, parametrized through beta."""
    return (Region("zeta > sqrt(beta) eta_dec (mode survives)", zeta > THRESHOLD_THM1,
                   {zeta: THRESHOLD_THM1 + _W_POS}),
            Region("0 < zeta <= sqrt(beta) eta_dec (mode collapses)", sp.And(zeta > 0, zeta <= THRESHOLD_THM1),
                   {beta: ((_ZETA_POS + _W_NONNEG) / eta_dec) ** 2, zeta: _ZETA_POS}),
            Region("zeta = 0", sp.Eq(zeta, 0), {zeta: sp.Integer(0)}))


def reduces_to_zero(expr: sp.Expr) -> bool:
    if is_symbolic_zero(expr):
        return True
    for transform in (lambda e: sp.cancel(sp.together(e)), sp.factor, lambda e: sp.simplify(sp.radsimp(e))):
        try:
            if transform(expr) == 0:
                return True
        except (TypeError, ValueError, NotImplementedError, AttributeError):
            continue
    return False


def _manifestly_nonnegative(expr: sp.Expr) -> bool:
    if reduces_to_zero(expr):
        return True
    return sp.factor(sp.cancel(sp.together(expr))).is_nonnegative is True


def _free(*exprs: sp.Expr) -> tuple[sp.Symbol, ...]:
    syms: set = set()
    for e in exprs:
        syms |= e.free_symbols
    return tuple(sorted(syms, key=lambda s: s.name))


def prove_by_regions(lhs: sp.Expr, rhs: sp.Expr, regions: Sequence[Region], *, what: str,
                     nonnegative: bool = False, n_points: int = 24, seed: int = 20221128) -> CheckResult:
    """``lhs == rhs`` (or ``lhs - rhs >= 0`` when ``nonnegative``) on every region.

    PROVED when the parametrized difference reduces to 0 (or is manifestly nonnegative) on each region; REFUTED
    when a seeded high-precision search (in the original symbols under the region's condition, then in the
    region's parameters, which reach its boundary) finds a point where it fails; INCONCLUSIVE otherwise.
    """
    proved, undecided = [], []
    for region in regions:
        diff = (lhs - rhs).xreplace(region.substitution)
        ok = _manifestly_nonnegative(diff) if nonnegative else reduces_to_zero(diff)
        if ok:
            proved.append(region.name)
            continue
        cx = _region_counterexample(lhs, rhs, region, nonnegative, n_points, seed)
        if cx is not None:
            return CheckResult(Status.REFUTED, "region-by-region + counterexample",
                               f"{what}: fails on the region {region.name}", {"region": region.name}, cx)
        undecided.append(region.name)
    if undecided:
        return CheckResult(Status.INCONCLUSIVE, "region-by-region",
                           f"{what}: regions {undecided} neither proved nor refuted", {"proved": proved})
    kind = "difference >= 0" if nonnegative else "difference = 0"
    return CheckResult(Status.PROVED, "symbolic, region by region",
                       f"{what}: {kind} on each of {len(proved)} regions ({'; '.join(proved)})",
                       {"regions": proved})


def _region_counterexample(lhs: sp.Expr, rhs: sp.Expr, region: Region, nonnegative: bool, n_points: int,
                           seed: int) -> Counterexample | None:
    """Search the region in the original symbols, then in its parameters (mapped back to the original symbols)."""
    symbols = _free(lhs, rhs)
    if nonnegative:
        cx = _search_negative(lhs - rhs, symbols, region.condition, n_points, seed)
    else:
        cx = search_counterexample(lhs, rhs, symbols, (region.condition,), n_points, seed)[0]
    if cx is not None:
        return cx
    sub_lhs, sub_rhs = lhs.xreplace(region.substitution), rhs.xreplace(region.substitution)
    params = _free(sub_lhs, sub_rhs)
    if nonnegative:
        cx = _search_negative(sub_lhs - sub_rhs, params, None, n_points, seed)
    else:
        cx = search_counterexample(sub_lhs, sub_rhs, params, (), n_points, seed)[0]
    if cx is None:
        return None
    point = {s: sp.Rational(cx.instance[s.name]) for s in params if s.name in cx.instance}
    for v in region.substitution.values():  # parameters the difference does not depend on: simple values
        point.update({s: _SIMPLE_VALUES.get(s.name, sp.Integer(1)) for s in v.free_symbols if s not in point})
    original = {str(k): str(sp.nsimplify(v.xreplace(point))) for k, v in region.substitution.items()}
    shown = {str(k): str(v) for k, v in sorted(point.items(), key=lambda kv: kv[0].name)}
    return Counterexample({**shown, **original}, cx.lhs, cx.rhs, cx.dps,
                          note=f"found in the parametrization of the region {region.name}; {cx.note}".strip("; "))


_SIMPLE_VALUES = {"zeta": sp.Rational(3, 2), "eta_enc": sp.Integer(2), "w": sp.Rational(1, 2)}


def _search_negative(expr: sp.Expr, symbols: Sequence[sp.Symbol], condition: sp.Basic | None, n_points: int,
                     seed: int) -> Counterexample | None:
    """A point where ``expr`` < 0, at 30 and 60 digits (t is also tried near the stationary point)."""
    try:
        points = draw_points(Domain.from_assumptions(symbols, () if condition is None else (condition,)),
                             n_points, derive_seed(seed))
    except NumericBackendError:  # an empty or undecidable region yields no counterexample
        return None
    root = derived_mode()["root_large"]
    for point in points:
        candidates = [point]
        if t in point and not (set(root.free_symbols) - set(point)):
            stationary = sp.Rational(str(sp.N(root.xreplace(point), 12)))
            if stationary > 0:
                candidates.append({**point, t: stationary})
        for cand in candidates:
            v30, v60 = sp.N(expr.xreplace(cand), 30), sp.N(expr.xreplace(cand), 60)
            if v60 < -1e-20 and abs(v60 - v30) < 1e-20 * max(1, abs(v60)):
                return Counterexample({str(k): str(v) for k, v in sorted(cand.items(), key=lambda kv: kv[0].name)},
                                      str(v60), "0", 60, note="lhs - rhs < 0 at this point (claimed >= 0)")
    return None


