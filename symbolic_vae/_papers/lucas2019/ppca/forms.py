"""The symbols and closed forms of the section: the pPCA model at explicit size, the linear VAE and its ELBO
derived from the Gaussian rules, the closed-form ELBO in trace invariants, and the printed sigma^2_MLE and
W_MLE column norms as SymPy expressions of the eigenvalues (the kernels compile these)."""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from symbolic_vae._engine.campaigns import cached
from symbolic_vae._model.gaussian import expect_over_noise, gaussian_log_density, kl_diagonal_gaussians
from symbolic_vae._model.lvm import DataMoments, expect_over_data, matrix_of_symbols
from symbolic_vae._model.lvm import symmetric_matrix_of_symbols as sym_matrix

s2 = sp.Symbol("sigma2", positive=True)  # sigma^2 of pPCA = eta_dec^2 of W&Z
SEED = 2019


@dataclass(frozen=True)
class PPCASymbols:
    """pPCA at (n, k): W [n, k], mu [n], x [n], z [k], e [n] (the observation noise)."""

    n: int
    k: int
    W: sp.Matrix
    mu: sp.Matrix
    x: sp.Matrix
    z: sp.Matrix
    e: sp.Matrix

    @property
    def C(self) -> sp.Matrix:
        return self.W * self.W.T + s2 * sp.eye(self.n)


@cached
def ppca(n: int, k: int) -> PPCASymbols:
    return PPCASymbols(n, k, matrix_of_symbols("W", n, k, real=True), matrix_of_symbols("mu", n, 1, real=True),
                       matrix_of_symbols("x", n, 1, real=True), matrix_of_symbols("z", k, 1, real=True),
                       matrix_of_symbols("e", n, 1, real=True))


@dataclass(frozen=True)
class LinearVAESymbols:
    """W [n, k] decoder, V [k, n] encoder, D (k positive variances), mu [n], xc [n] = x - mu, S [n, n] symmetric."""

    n: int
    k: int
    W: sp.Matrix
    V: sp.Matrix
    D: tuple[sp.Symbol, ...]
    mu: sp.Matrix
    xc: sp.Matrix
    S: sp.Matrix


@cached
def linear_vae(n: int, k: int) -> LinearVAESymbols:
    return LinearVAESymbols(n, k, matrix_of_symbols("W", n, k, real=True), matrix_of_symbols("V", k, n, real=True),
                            sp.symbols(f"d0:{k}", positive=True), matrix_of_symbols("mu", n, 1, real=True),
                            matrix_of_symbols("xc", n, 1, real=True), sym_matrix("S", n))


@cached
def elbo_from_rules(n: int, k: int) -> sp.Expr:
    """E_x[E_q log p(x|z) - KL(q(z|x) || N(0, I))] from the Gaussian rules, z = V xc + e, e ~ N(0, D), averaged over
    centred data with E[xc xc^T] = S."""
    m = linear_vae(n, k)
    e = sp.symbols(f"eps0:{k}", real=True)
    z = m.V * m.xc + sp.Matrix(e)
    x = m.xc + m.mu
    log_lik = gaussian_log_density(list(x), list(m.W * z + m.mu), [s2] * n)
    e_log_lik = expect_over_noise(sp.expand(sp.expand_log(log_lik, force=True)), e, list(m.D))
    kl = kl_diagonal_gaussians(list(m.V * m.xc), list(m.D), [0] * k, [1] * k)
    moments = DataMoments(m.S, sp.zeros(n, 1), sp.zeros(1, 1), sp.zeros(n, 1), sp.zeros(1, 1))
    return expect_over_data(sp.expand(e_log_lik - kl), list(m.xc), [], moments)


T_S, T_WVS, T_WVSVW, T_WDW, T_D, T_VSV, T_LOGD, N_SYM, K_SYM = sp.symbols(
    "t_S t_WVS t_WVSVW t_WDW t_D t_VSV t_logD n k", real=True)
ELBO_INVARIANTS = (T_S, T_WVS, T_WVSVW, T_WDW, T_D, T_VSV, T_LOGD, N_SYM, K_SYM, s2)
ELBO_CLOSED = (-N_SYM / 2 * sp.log(2 * sp.pi * s2) - (T_S - 2 * T_WVS + T_WVSVW + T_WDW) / (2 * s2)
               - (T_D + T_VSV - K_SYM - T_LOGD) / 2)


def invariants(n: int, k: int) -> dict[sp.Symbol, sp.Expr]:
    """tr S, tr(W V S), tr(W V S V^T W^T), tr(W D W^T), tr D, tr(V S V^T), sum log d_j, n, k at explicit size."""
    m = linear_vae(n, k)
    D = sp.diag(*m.D)
    WV = m.W * m.V
    return {T_S: m.S.trace(), T_WVS: (WV * m.S).trace(), T_WVSVW: (WV * m.S * WV.T).trace(),
            T_WDW: (m.W * D * m.W.T).trace(), T_D: D.trace(), T_VSV: (m.V * m.S * m.V.T).trace(),
            T_LOGD: sum((sp.log(d) for d in m.D), sp.Integer(0)), N_SYM: n, K_SYM: k}


def elbo_closed_form(n: int, k: int, *, drop_decoder_noise: bool = False) -> sp.Expr:
    expr = ELBO_CLOSED.xreplace({T_WDW: 0}) if drop_decoder_noise else ELBO_CLOSED
    return expr.xreplace(invariants(n, k))


def lam_symbols(n: int) -> tuple[sp.Symbol, ...]:
    return sp.symbols(f"lambda0:{n}", nonnegative=True)


def sigma2_mle_expr(n: int, k: int) -> sp.Expr:
    lam = lam_symbols(n)
    return sp.Add(*lam[k:]) / (n - k)


def column_norm_exprs(n: int, k: int) -> list[sp.Expr]:
    """sqrt(max(lambda_j - sigma^2_MLE, 0)), j < k: the column norms of W_MLE."""
    lam = lam_symbols(n)
    return [sp.sqrt(sp.Max(lam[j] - sigma2_mle_expr(n, k), 0)) for j in range(k)]
