"""The printed and derived expressions of the section, as SymPy builders: the symbols zeta, sigma (and the
dimensionless q, r, p, t of the per-mode proofs), l_i of Eq. 12/92, Eq. 93, 94, 96, 97, 100, sigma* of Eq. 14/19,
lambda_i, theta_i of Eq. 17-18, the summand of Eq. 43, and the closed forms offered as kernels."""

from __future__ import annotations

import dataclasses

import sympy as sp

from symbolic_vae._model.lvm import beta, eta_dec, eta_enc

zeta = sp.Symbol("zeta", nonnegative=True)
sigma = sp.Symbol("sigma", positive=True)
THRESHOLD = beta * eta_dec**2  # beta eta_dec^2, compared with zeta^2
KAPPA = beta * eta_dec**2 / eta_enc**2
SLOPE = sp.sqrt(beta) * eta_dec / eta_enc  # sqrt(beta) eta_dec / eta_enc: the mode is active while zeta > SLOPE sigma
SCALARS = (zeta, beta, eta_enc, eta_dec)

# dimensionless variables of the per-mode proofs
q = sp.Symbol("q", nonnegative=True)  # zeta / (sqrt(beta) eta_dec)
r = sp.Symbol("r", positive=True)  # sigma / eta_enc
p = sp.Symbol("p", positive=True)  # a region's free parameter
t = sp.Symbol("t", nonnegative=True)  # u^2


def _indicator(condition: sp.Basic) -> sp.Expr:
    return sp.Piecewise((1, condition), (0, True))


def printed_li(s: sp.Expr = sigma) -> sp.Expr:
    """Eq. 12 / Eq. 92: l_i(sigma) = zeta^2 - (zeta - a sigma)^2 1[zeta > a sigma] + beta eta_dec^2 (KL part)."""
    return (zeta**2 - (zeta - SLOPE * s) ** 2 * _indicator(zeta > SLOPE * s)
            + THRESHOLD * (s**2 / eta_enc**2 - 1 - sp.log(s**2 / eta_enc**2)))


def printed_eq93(factor: sp.Expr = 1, log_sign: int = -1) -> sp.Expr:
    """Eq. 93, l_i'(sigma) as printed (``factor`` and ``log_sign`` = +1 are for the correction and controls)."""
    return factor * (_indicator(zeta > SLOPE * sigma) * (zeta - SLOPE * sigma) * SLOPE
                     + THRESHOLD / eta_enc**2 * (sigma + log_sign * eta_enc**2 / sigma))


KINK = zeta * eta_enc / (sp.sqrt(beta) * eta_dec)  # the sigma at which the mode switches off, zeta/(a)
EQ94_LHS = (_indicator(sigma < KINK) * sp.sqrt(beta) * eta_dec / eta_enc * zeta
            + (1 - _indicator(sigma < KINK)) * THRESHOLD / eta_enc**2 * sigma)
EQ94_RHS = THRESHOLD / sigma
SIGMA_MINUS = sp.Rational(1, 2) * sp.Min(KINK, sp.sqrt(beta) * eta_enc * eta_dec / zeta)
SIGMA_PLUS = 2 * sp.Max(KINK, 2 * eta_enc)


def printed_sigma_star(swap: bool = False) -> sp.Expr:
    """Eq. 14 = Eq. 19 (``swap`` exchanges the two branches: a negative control)."""
    active, inactive = sp.sqrt(beta) * eta_dec * eta_enc / zeta, eta_enc
    if swap:
        active, inactive = inactive, active
    return sp.Piecewise((active, zeta**2 > THRESHOLD), (inactive, zeta**2 <= THRESHOLD))


SIGMA_CASE1 = sp.sqrt(beta) * eta_dec * eta_enc / zeta  # Eq. 96
EQ97 = (sp.StrictLessThan(SIGMA_CASE1, KINK), sp.StrictLessThan(THRESHOLD, zeta**2))
EQ100 = (sp.StrictGreaterThan(eta_enc, KINK), sp.GreaterThan(THRESHOLD, zeta**2))
EQ100_CORRECTED = (sp.GreaterThan(eta_enc, KINK), sp.GreaterThan(THRESHOLD, zeta**2))


def printed_lambda(coefficient: sp.Expr = 1 / eta_enc) -> sp.Expr:
    """Eq. 17: lambda_i = (1/eta_enc) sqrt(max(0, zeta^2 - beta eta_dec^2))."""
    return coefficient * sp.sqrt(sp.Max(0, zeta**2 - THRESHOLD))


def printed_theta(coefficient: sp.Expr | None = None) -> sp.Expr:
    """Eq. 18: theta_i = (eta_enc/zeta) sqrt(max(0, zeta^2 - beta eta_dec^2)) when zeta^2 > 0, else 0."""
    coefficient = eta_enc / zeta if coefficient is None else coefficient
    return sp.Piecewise((coefficient * sp.sqrt(sp.Max(0, zeta**2 - THRESHOLD)), zeta**2 > 0), (0, True))


def printed_cor2_reduction(log_shift: int = -1) -> sp.Expr:
    """The per-mode term subtracted in Eq. 43: zeta^2 (1 + (b/zeta^2)(log(b/zeta^2) - 1)) when zeta^2 > b."""
    ratio = THRESHOLD / zeta**2
    return sp.Piecewise((zeta**2 * (1 + ratio * (sp.log(ratio) + log_shift)), zeta**2 > THRESHOLD), (0, True))


# closed forms offered as kernels (their claims are checked below)
LAMBDA_STAR = printed_lambda()
THETA_STAR = printed_theta()
SIGMA_STAR = sp.Piecewise((sp.sqrt(beta) * eta_dec * eta_enc / zeta, zeta**2 > THRESHOLD), (eta_enc, True))
MODE_LOSS = zeta**2 - printed_cor2_reduction()  # one mode's share of 2 eta_dec^2 min L_VAE (corrected Cor. 2)
MODE_SURVIVES = sp.Piecewise((1, zeta**2 > THRESHOLD), (0, True))


# The printed forms of one mode for users (the derivation notebook derives them from the model)
@dataclasses.dataclass(frozen=True)
class EncoderVarianceForms:
    """One latent mode with a learnable encoder variance, as printed (Sec. 4.3, App. E.4), in the symbols ``zeta``
    (the mode's singular value of Z, >= 0) and ``sigma`` (its encoder standard deviation, > 0) with ``beta``,
    ``eta_enc``, ``eta_dec``: ``l`` = l_i(sigma) of Eq. 12 / 92, ``l_prime`` = l_i'(sigma) as Eq. 93 prints it,
    ``sigma_star`` = sigma_i* of Eq. 14 / 19, ``lambda_star`` and ``theta_star`` = lambda_i, theta_i of Eq. 17-18."""

    zeta: sp.Symbol
    sigma: sp.Symbol
    l: sp.Expr
    l_prime: sp.Expr
    sigma_star: sp.Expr
    lambda_star: sp.Expr
    theta_star: sp.Expr


def encoder_variance_forms() -> EncoderVarianceForms:
    """The printed closed forms of one mode with a learnable encoder variance (Eq. 12/92, 93, 14/19, 17, 18)."""
    return EncoderVarianceForms(zeta, sigma, printed_li(), printed_eq93(), printed_sigma_star(), printed_lambda(),
                                printed_theta())
