"""One-mode checks: the derivative of J (Eq. 83-85), its roots (Eq. 86-87), the selection max(0, t1) (Eq. 88),
theta (Eq. 89), Theorem 1's one-mode minimizer, the one-mode minimum (Eq. 11) and the one-mode collapse
conditions, each against the mode derived from the model (region by region where branches occur)."""

from __future__ import annotations

import sympy as sp

from symbolic_vae._core.verdict import CheckResult, Counterexample, Status, decimal_text
from symbolic_vae._engine.identity import prove_identity
from symbolic_vae._model.lvm import beta, eta_dec, eta_enc
from symbolic_vae._papers.wz2022.global_minimum.checks_regions import (
    general_regions,
    prove_by_regions,
    reduces_to_zero,
    thm1_regions,
)
from symbolic_vae._papers.wz2022.global_minimum.forms import (
    KAPPA,
    LAMBDA_PRINTED,
    LAMBDA_THM1,
    MODE_MIN_PRINTED,
    SQRT_BETA,
    T1_PRINTED,
    T2_PRINTED,
    THETA_PRINTED,
    THETA_THM1,
    derived_mode,
    sigma,
    t,
    zeta,
)


# =====================================================================================================
# One-mode checks
# =====================================================================================================
def identity_check(lhs: sp.Expr, rhs: sp.Expr, what: str) -> CheckResult:
    """An identity without branches: PROVED when the difference cancels, otherwise ``prove_identity`` decides."""
    if reduces_to_zero(lhs - rhs):
        return CheckResult(Status.PROVED, "symbolic", f"{what}: difference cancels to 0 in general symbols")
    return prove_identity(lhs, rhs, what=what)


def derivative_check(printed: sp.Expr, name: str) -> CheckResult:
    return identity_check(derived_mode()["dJ"], printed, f"dJ/dt (differentiated) = {name}")


def roots_check(t1: sp.Expr = T1_PRINTED, t2: sp.Expr = T2_PRINTED) -> CheckResult:
    """dJ/dt (beta eta_dec^2 + eta_enc^2 t)^2 = sigma^2 eta_enc^4 (t - t1)(t - t2): t1, t2 are the two roots."""
    mode = derived_mode()
    lhs = sp.cancel(mode["dJ"] * (beta * eta_dec**2 + eta_enc**2 * t) ** 2)
    return identity_check(lhs, sigma**2 * eta_enc**4 * (t - t1) * (t - t2), "dJ/dt factorization through (Eq. 86, 87)")


def root_signs_check() -> CheckResult:
    if T2_PRINTED.is_negative and sp.factor(T1_PRINTED - T2_PRINTED).is_nonnegative:
        return CheckResult(Status.PROVED, "symbolic", "t2 < 0 <= t for every t in the domain, and t1 >= t2: "
                           "dJ/dt has the sign of t - t1 on t >= 0")
    return CheckResult(Status.INCONCLUSIVE, "symbolic", "the signs of t2 and t1 - t2 were not established")


def selection_check(t_star: sp.Expr) -> CheckResult:
    """J(t) - J(t*) >= sigma^2 (t - t*)^2 / (kappa + t) for every t >= 0 (so t* is the unique minimizer)."""
    J = derived_mode()["J"]
    lhs = J - J.xreplace({t: t_star})
    rhs = sigma**2 * (t - t_star) ** 2 / (KAPPA + t)
    return prove_by_regions(lhs, rhs, general_regions(), nonnegative=True,
                            what="J(t) - J(t*) - sigma^2 (t - t*)^2/(kappa + t) >= 0")


def nonnegative_sides(derived: sp.Expr, printed: sp.Expr, regions: tuple, name: str) -> CheckResult | None:
    """The first of ``derived >= 0`` and ``printed >= 0`` not PROVED on every region (None: both are), so that
    comparing their squares compares them."""
    for side, expr in (("derived", derived), ("printed", printed)):
        result = prove_by_regions(expr, sp.Integer(0), regions, nonnegative=True, what=f"{side} {name} >= 0")
        if result.status is not Status.PROVED:
            return result
    return None


def theta_check(theta: sp.Expr = THETA_PRINTED) -> CheckResult:
    """theta* = zeta lambda*/(kappa + lambda*^2) (from V(U), Eq. 74) equals the printed theta (squares compared,
    once both sides are shown nonnegative)."""
    derived = derived_mode()["theta_star"]
    signs = nonnegative_sides(derived, theta, general_regions(), "theta")
    if signs is not None:
        return signs
    return prove_by_regions(derived**2, theta**2, general_regions(), what="theta from V(U*) = printed theta (squared)")


def lambda_check(lam: sp.Expr = LAMBDA_PRINTED) -> CheckResult:
    return prove_by_regions(derived_mode()["t_star"], lam**2, general_regions(),
                            what="derived minimizer t* = printed lambda^2")


def thm1_mode_check(lam: sp.Expr = LAMBDA_THM1, theta: sp.Expr = THETA_THM1) -> CheckResult:
    mode = derived_mode()
    at = {sigma: eta_enc}
    first = prove_by_regions(mode["t_star"].xreplace(at), lam**2, thm1_regions(),
                             what="derived t* at sigma = eta_enc = Theorem 1's lambda^2")
    if first.status is not Status.PROVED:
        return first
    signs = nonnegative_sides(mode["theta_star"].xreplace(at), theta, thm1_regions(), "theta at sigma = eta_enc")
    if signs is not None:
        return signs
    second = prove_by_regions(mode["theta_star"].xreplace(at) ** 2, theta**2, thm1_regions(),
                              what="derived theta at sigma = eta_enc = Theorem 1's theta (squared)")
    if second.status is not Status.PROVED:
        return second
    return CheckResult(Status.PROVED, "symbolic, region by region",
                       "Theorem 1's lambda^2 and theta^2 equal the derived minimizer at sigma = eta_enc on each of "
                       "3 regions", {"lambda": first.details, "theta": second.details})


def mode_minimum_check(printed: sp.Expr = MODE_MIN_PRINTED) -> CheckResult:
    return prove_by_regions(derived_mode()["minimum"], printed, general_regions(),
                            what="zeta^2 + J(t*) = zeta^2 - (zeta - sqrt(kappa) sigma)^2 1[zeta > sqrt(kappa) sigma]")


def survival_indicator() -> sp.Expr:
    return sp.Piecewise((1, derived_mode()["t_star"] > 0), (0, True))


def collapse_condition_check(collapses: sp.Basic) -> CheckResult:
    """A one-mode collapse condition at sigma = eta_enc (``collapses``: a relational in zeta, beta, eta_dec) against
    the derived one: the mode collapses iff t* = 0."""
    derived = 1 - survival_indicator().xreplace({sigma: eta_enc})
    stated = sp.Piecewise((1, collapses), (0, True))
    return prove_by_regions(derived, stated, thm1_regions(), what=f"mode collapses iff {collapses}")


def product_only_check(reparam: str) -> CheckResult:
    """The minimizer (t*, theta*^2), the survival condition and the minimum of one mode, written with
    beta = s^2/eta_dec^2 (``sqrt``) or beta = p/eta_dec (``product``, a control), must be free of eta_dec."""
    s = sp.Symbol("s", positive=True)
    sub = {beta: s**2 / eta_dec**2} if reparam == "sqrt" else {beta: s / eta_dec}
    mode = derived_mode()
    exprs = {"lambda^2": mode["t_star"], "theta^2": mode["theta_star"] ** 2, "minimum": mode["minimum"]}
    for name, expr in exprs.items():
        rewritten = sp.simplify(expr.xreplace(sub))
        if eta_dec in rewritten.free_symbols:
            point = {zeta: sp.Integer(3), sigma: sp.Integer(1), eta_enc: sp.Integer(1), s: sp.Integer(1)}
            a, b = (sp.N(rewritten.xreplace({**point, eta_dec: v}), 30) for v in (sp.Integer(1), sp.Rational(1, 2)))
            if a != b:
                param = "sqrt(beta) eta_dec" if reparam == "sqrt" else "beta eta_dec"
                cx = Counterexample({"quantity": name, "zeta": "3", "sigma": "1", "eta_enc": "1", param: "1",
                                     "(beta, eta_dec) lhs": "(1, 1)" if reparam == "sqrt" else "(1, 1)",
                                     "(beta, eta_dec) rhs": "(4, 1/2)" if reparam == "sqrt" else "(2, 1/2)"},
                                    str(a), str(b), 30, note=f"same {param}, different {name}",
                                    gap=decimal_text(a - b), tolerance="0")
                return CheckResult(Status.REFUTED, "symbolic + high-precision counterexample",
                                   f"{name} depends on eta_dec at fixed {param}", {}, cx)
            return CheckResult(Status.INCONCLUSIVE, "symbolic", f"{name}: eta_dec not eliminated")
    return CheckResult(Status.PROVED, "symbolic",
                       "with beta = s^2/eta_dec^2, lambda*^2, theta*^2 and the one-mode minimum are free of eta_dec "
                       "(they depend on beta and eta_dec only through s = sqrt(beta) eta_dec)")


def eta_enc_free_check(tied: bool) -> CheckResult:
    """The derived survival condition is free of eta_enc at sigma = eta_enc (``tied``); for a fixed sigma it is
    not (a control)."""
    indicator = survival_indicator()
    stated = sp.Piecewise((1, zeta > SQRT_BETA * eta_dec * (1 if tied else sigma)), (0, True))
    regions = thm1_regions() if tied else general_regions()
    lhs = indicator.xreplace({sigma: eta_enc}) if tied else indicator
    return prove_by_regions(lhs, stated, regions, what="mode survives iff zeta > sqrt(beta) eta_dec"
                            + ("" if tied else " sigma (eta_enc dropped)"))


