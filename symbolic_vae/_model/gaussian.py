"""The Gaussian rules the model's loss is built from: the log-density, the moments of centred Gaussian noise,
and the KL divergence obtained from its definition E_q[log q - log p]."""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._model.polynomial import sum_over_monomials


def gaussian_log_density(value: Sequence[sp.Expr], mean: Sequence[sp.Expr], variances: Sequence[sp.Expr]) -> sp.Expr:
    """log N(value; mean, diag(variances)), taken from the density itself (product of 1-d densities).

    value, mean, variances: length-d sequences. Returns a scalar expression.
    """
    if not (len(value) == len(mean) == len(variances)):
        raise SymbolicVAEError(
            f"mean/variances: lengths {len(mean)}/{len(variances)} do not match value length {len(value)}")
    total = sp.Integer(0)
    for v, m, s in zip(value, mean, variances, strict=True):
        density = sp.exp(-((v - m) ** 2) / (2 * s)) / sp.sqrt(2 * sp.pi * s)
        total += sp.expand_log(sp.log(density), force=True)
    return total


def expect_over_noise(expr: sp.Expr, noise: Sequence[sp.Symbol], variances: Sequence[sp.Expr]) -> sp.Expr:
    """E over independent centred Gaussians noise_i ~ N(0, variances_i) of a polynomial in the noise.

    Uses E[e^k] = (k-1)!! s^(k/2) for even k and 0 for odd k, and independence across coordinates.
    """
    if len(noise) != len(variances):
        raise SymbolicVAEError(f"variances: length {len(variances)} does not match noise length {len(noise)}")
    if not noise:
        return expr
    def moment(powers: tuple[int, ...]) -> sp.Expr:
        out = sp.Integer(1)
        for k, s in zip(powers, variances, strict=True):
            out *= 0 if k % 2 else sp.factorial2(k - 1) * s ** sp.Rational(k, 2)
        return out

    return sum_over_monomials(expr, noise, moment)


def kl_diagonal_gaussians(mean_q: Sequence[sp.Expr], var_q: Sequence[sp.Expr], mean_p: Sequence[sp.Expr],
                          var_p: Sequence[sp.Expr], noise_prefix: str = "kl_e") -> sp.Expr:
    """KL(N(mean_q, diag var_q) || N(mean_p, diag var_p)) from its definition E_{z~q}[log q(z) - log p(z)].

    The draw is written z = mean_q + e with e ~ N(0, diag var_q); the expectation uses ``expect_over_noise``.
    """
    e = sp.symbols(f"{noise_prefix}0:{len(mean_q)}", real=True)
    z = [m + ei for m, ei in zip(mean_q, e, strict=True)]
    integrand = gaussian_log_density(z, mean_q, var_q) - gaussian_log_density(z, mean_p, var_p)
    return sp.expand_log(expect_over_noise(integrand, e, var_q), force=True)
