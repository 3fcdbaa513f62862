"""The printed and derived expressions of the section: the one-mode symbols (zeta, sigma, t), kappa and the
thresholds, the printed one-mode forms of Eq. 8, 10, 11 and 81-89, the one mode derived from the model at
d0 = d1 = d2 = 1, the objective L(U, V) at explicit matrices, and float versions of the printed forms."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence

import sympy as sp

from symbolic_vae._engine.campaigns import cached
from symbolic_vae._model.lvm import beta, eta_dec, eta_enc

# =====================================================================================================
# Symbols and the printed one-mode expressions (the statements being checked)
# =====================================================================================================
zeta = sp.Symbol("zeta", nonnegative=True)
sigma = sp.Symbol("sigma", positive=True)
t = sp.Symbol("t", nonnegative=True)

KAPPA = beta * eta_dec**2 / eta_enc**2
SQRT_BETA = sp.sqrt(beta)
THRESHOLD = SQRT_BETA * sigma * eta_dec / eta_enc  # sqrt(kappa) sigma: the mode survives iff zeta exceeds it
THRESHOLD_THM1 = SQRT_BETA * eta_dec  # the same at sigma = eta_enc

# Eq. 81-85 (one mode, t = lambda^2)
J_PRINTED = sigma**2 * t - zeta**2 * eta_enc**2 * t / (beta * eta_dec**2 + eta_enc**2 * t)
DJ_EQ83 = sigma**2 - (zeta**2 * eta_enc**2 * (beta * eta_dec**2 + eta_enc**2 * t)
                      - eta_enc**2 * zeta**2 * eta_enc**2 * t) / (beta * eta_dec**2 + eta_enc**2 * t) ** 2
DJ_EQ84 = sigma**2 - zeta**2 * eta_enc**2 * beta * eta_dec**2 / (beta * eta_dec**2 + eta_enc**2 * t) ** 2
DJ_EQ85 = ((sigma**2 * (beta * eta_dec**2 + eta_enc**2 * t) ** 2 - zeta**2 * eta_enc**2 * beta * eta_dec**2)
           / (beta * eta_dec**2 + eta_enc**2 * t) ** 2)
# Eq. 86-87, Eq. 88 / Eq. 8 and Eq. 89
T1_PRINTED = SQRT_BETA * eta_dec / (sigma * eta_enc) * (zeta - THRESHOLD)
T2_PRINTED = SQRT_BETA * eta_dec / (sigma * eta_enc) * (-zeta - THRESHOLD)
LAMBDA_PRINTED = sp.sqrt(sp.Max(0, T1_PRINTED))
THETA_PRINTED = sp.sqrt(sp.Max(0, sigma * eta_enc / (SQRT_BETA * eta_dec) * (zeta - THRESHOLD)))
# Eq. 10 (Theorem 1, sigma_i = eta_enc)
LAMBDA_THM1 = sp.sqrt(sp.Max(0, SQRT_BETA * eta_dec / eta_enc**2 * (zeta - THRESHOLD_THM1)))
THETA_THM1 = sp.sqrt(sp.Max(0, eta_enc**2 / (SQRT_BETA * eta_dec) * (zeta - THRESHOLD_THM1)))
# Eq. 11 (one summand of Corollary 1)
MODE_MIN_PRINTED = zeta**2 - (zeta - THRESHOLD) ** 2 * sp.Piecewise((1, zeta > THRESHOLD), (0, True))
SURVIVES = sp.Piecewise((1, zeta > THRESHOLD), (0, True))

MODE_ARGS = (zeta, sigma, beta, eta_enc, eta_dec)
"""The arguments of the float versions of the one-mode forms."""
REFERENCES = {name: "a float version of a printed form, compiled from its current value (the form is mutated)"
              for name in ("lambda_float", "theta_float", "mode_min_float", "j_float", "lambda_thm1_float",
                           "theta_thm1_float")}
REFERENCES |= {"objective": "L(U, V) of Eq. 6 and 72, the objective the proof of Proposition 2 starts from (equal to "
                            "the model's loss up to a constant, prop1.*): the reference Eq. 73-81 are compared with",
               "_compiled": "compiles a form to a float function, not a formula",
               "_evaluate": "evaluates a form in floats, not a formula"}
"""The objects of this module that are references, not formulas under test (mutation testing leaves them out)."""


@functools.lru_cache(maxsize=64)
def _compiled(expr: sp.Expr, args: tuple[sp.Symbol, ...]) -> Callable[..., float]:
    return sp.lambdify(list(args), expr, "math")


def _evaluate(expr: sp.Expr, args: Sequence[sp.Symbol], values: Sequence[float]) -> float:
    """``expr`` at ``args`` = ``values`` in floats, compiled once per expression (so a form replaced at run time is
    compiled again, never evaluated in its old version)."""
    return float(_compiled(expr, tuple(args))(*[float(x) for x in values]))


# =====================================================================================================
# One mode, derived from the model at d0 = d1 = d2 = 1 (nothing printed is used here)
# =====================================================================================================
@cached
def derived_mode() -> dict[str, sp.Expr]:
    """From L(u, v) = (u v - zeta)^2 + sigma^2 u^2 + kappa v^2: v(u), the reduced objective J(t) = L(u, v(u)) -
    zeta^2 with t = u^2, dJ/dt, its two stationary points, the minimizer t* over t >= 0, theta* and the minimum."""
    u, v = sp.symbols("u v", real=True)
    loss = (u * v - zeta) ** 2 + sigma**2 * u**2 + KAPPA * v**2
    (v_of_u,) = sp.solve(sp.diff(loss, v), v)
    reduced_u = sp.cancel(loss.xreplace({v: v_of_u}) - zeta**2)
    assert sp.expand(reduced_u.xreplace({u: -u}) - reduced_u) == 0  # even in u: a function of t = u^2
    J = sp.cancel(reduced_u.xreplace({u: sp.sqrt(t)}))
    dJ = sp.cancel(sp.diff(J, t))
    tau = sp.Symbol("tau", real=True)
    numerator = sp.numer(sp.together(dJ.xreplace({t: tau})))
    roots = sp.solve(numerator, tau)
    assert len(roots) == 2, roots
    larger, smaller = roots if sp.simplify(roots[0] - roots[1]).is_nonnegative else roots[::-1]
    assert sp.simplify(larger - smaller).is_nonnegative and smaller.is_negative
    # dJ/dt = sigma^2 (t - larger)(t - smaller)/(kappa + t)^2 and smaller < 0 <= t: J decreases on [0, larger],
    # increases after it, so the minimizer over t >= 0 is max(0, larger) (proved in globalmin.selection)
    t_star = sp.Max(0, larger)
    theta_star = zeta * sp.sqrt(t_star) / (KAPPA + t_star)  # v(u*) for u* = sqrt(t*)
    return {"loss": loss, "v_of_u": v_of_u, "J": J, "dJ": dJ, "numerator": numerator, "tau": tau,
            "root_large": larger, "root_small": smaller, "t_star": t_star, "theta_star": theta_star,
            "minimum": zeta**2 + J.xreplace({t: t_star})}


def objective(U: sp.Matrix, V: sp.Matrix, Z: sp.Matrix, sigmas: Sequence[sp.Expr],
              kappa: sp.Expr | None = None) -> sp.Expr:
    """L(U, V) = ||U V^T - Z||_F^2 + Tr(U Sigma U^T) + kappa ||V||_F^2, Sigma = diag(sigmas^2):
    U [d2, d1], V [d0, d1], Z [d2, d0]. The objective of Eq. 6 and 72, with kappa = beta eta_dec^2/eta_enc^2 of the
    model's loss by default (built here from the model's parameters, not taken from the printed KAPPA)."""
    if kappa is None:
        kappa = beta * eta_dec**2 / eta_enc**2
    R = U * V.T - Z
    Sigma = sp.diag(*[s**2 for s in sigmas])
    return sp.Add(*[e**2 for e in R]) + (U * Sigma * U.T).trace() + kappa * sp.Add(*[e**2 for e in V])


def rect_diag(values: Sequence, rows: int, cols: int) -> sp.Matrix:
    """The rectangular diagonal matrix [rows, cols] with ``values`` on its diagonal (as many as fit)."""
    M = sp.zeros(rows, cols)
    for k in range(min(rows, cols, len(values))):
        M[k, k] = values[k]
    return M


# --- float versions of the printed one-mode forms (for the ground-truth campaigns) ---------------------------
def lambda_float(*mode: float) -> float:
    """LAMBDA_PRINTED at (zeta, sigma, beta, eta_enc, eta_dec) = ``mode``."""
    return _evaluate(LAMBDA_PRINTED, MODE_ARGS, mode)


def theta_float(*mode: float) -> float:
    """THETA_PRINTED at (zeta, sigma, beta, eta_enc, eta_dec) = ``mode``."""
    return _evaluate(THETA_PRINTED, MODE_ARGS, mode)


def mode_min_float(*mode: float) -> float:
    """MODE_MIN_PRINTED at (zeta, sigma, beta, eta_enc, eta_dec) = ``mode``."""
    return _evaluate(MODE_MIN_PRINTED, MODE_ARGS, mode)


def j_float(*point: float) -> float:
    """J_PRINTED at (t, zeta, sigma, beta, eta_enc, eta_dec) = ``point``."""
    return _evaluate(J_PRINTED, (t, *MODE_ARGS), point)


def lambda_thm1_float(*mode: float) -> float:
    """LAMBDA_THM1 at (zeta, beta, eta_enc, eta_dec) = ``mode``."""
    return _evaluate(LAMBDA_THM1, (zeta, beta, eta_enc, eta_dec), mode)


def theta_thm1_float(*mode: float) -> float:
    """THETA_THM1 at (zeta, beta, eta_enc, eta_dec) = ``mode``."""
    return _evaluate(THETA_THM1, (zeta, beta, eta_enc, eta_dec), mode)


# --- the printed one-mode forms for users (the derivation notebook derives them from the objective) ----------
@dataclasses.dataclass(frozen=True)
class GlobalMinimumForms:
    """One mode of L(U, V) for a fixed encoder variance, as printed (App. E.2-E.3), in the symbols ``zeta`` (the
    mode's singular value of Z, >= 0), ``sigma`` (its encoder standard deviation, > 0) and ``t`` = lambda^2 >= 0 with
    ``beta``, ``eta_enc``, ``eta_dec``: ``J`` = J(t) of Eq. 81, ``dJ`` = dJ/dt of Eq. 85, ``t1``, ``t2`` its roots
    of Eq. 86-87, ``lambda_star``, ``theta_star`` of Eq. 88-89, ``mode_minimum`` = the summand of Eq. 11, and
    ``kappa`` = beta eta_dec^2 / eta_enc^2."""

    zeta: sp.Symbol
    sigma: sp.Symbol
    t: sp.Symbol
    kappa: sp.Expr
    J: sp.Expr
    dJ: sp.Expr
    t1: sp.Expr
    t2: sp.Expr
    lambda_star: sp.Expr
    theta_star: sp.Expr
    mode_minimum: sp.Expr


def global_minimum_forms() -> GlobalMinimumForms:
    """The printed closed forms of one mode with a fixed encoder variance (Eq. 81, 85-89 and 11)."""
    return GlobalMinimumForms(zeta, sigma, t, KAPPA, J_PRINTED, DJ_EQ85, T1_PRINTED, T2_PRINTED, LAMBDA_PRINTED,
                              THETA_PRINTED, MODE_MIN_PRINTED)
