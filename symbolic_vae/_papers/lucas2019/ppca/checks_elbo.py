"""Checks of the linear VAE's closed-form ELBO: against the Gaussian rules at explicit sizes, against a Monte
Carlo estimate of its definition, and as -L_VAE of Wang & Ziyin's model (the cross-paper identity)."""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from numeric_backend import agrees_with, monte_carlo_mean
from symbolic_vae._core.seeds import derive_seed
from symbolic_vae._core.verdict import CheckResult, Counterexample, Status, decimal_text
from symbolic_vae._engine.identity import SizedIdentity
from symbolic_vae._model.lvm import LinearLVM, beta, eta_dec, eta_enc
from symbolic_vae._papers.lucas2019.ppca.forms import (
    ELBO_CLOSED,
    ELBO_INVARIANTS,
    SEED,
    T_WDW,
    elbo_closed_form,
    elbo_from_rules,
    linear_vae,
    s2,
)


def elbo_identity(size: tuple[int, int], *, drop_decoder_noise: bool = False) -> SizedIdentity:
    lhs = sp.expand_log(elbo_from_rules(*size), force=True)
    rhs = sp.expand_log(elbo_closed_form(*size, drop_decoder_noise=drop_decoder_noise), force=True)
    return SizedIdentity(size, lhs, rhs)


MC_SAMPLES = 200_000


def elbo_monte_carlo(*, drop_decoder_noise: bool = False, seed: int = SEED) -> CheckResult:
    """Closed form vs the sampled definition log p(x|z) + log p(z) - log q(z|x) (scipy log-densities), rows drawn
    uniformly from a dataset, z ~ q(z|x)."""
    from scipy import stats  # imported here: scipy.stats takes a second to import, and only this check needs it

    rng = np.random.default_rng(derive_seed(seed))
    f = sp.lambdify(ELBO_INVARIANTS, ELBO_CLOSED.xreplace({T_WDW: 0}) if drop_decoder_noise else ELBO_CLOSED, "numpy")
    worst = 0.0
    for j, (n, k) in enumerate([(3, 1), (4, 2), (2, 3), (5, 2)]):
        X = rng.normal(size=(30, n)) @ rng.normal(size=(n, n)) + rng.normal(0, 2, n)
        mu = X.mean(axis=0)
        S = (X - mu).T @ (X - mu) / len(X)
        W, V = rng.normal(0, 0.7, (n, k)), rng.normal(0, 0.5, (k, n))
        D, sig2 = rng.uniform(0.3, 1.5, k), float(rng.uniform(0.5, 2.0))
        WV = W @ V
        exact = float(f(np.trace(S), np.trace(WV @ S), np.trace(WV @ S @ WV.T), np.trace(W @ np.diag(D) @ W.T),
                        D.sum(), np.trace(V @ S @ V.T), np.log(D).sum(), n, k, sig2))

        def sample(r, m, X=X, mu=mu, W=W, V=V, D=D, sig2=sig2, k=k):
            x = X[r.integers(0, len(X), m)]
            mean = (x - mu) @ V.T
            z = mean + r.normal(size=(m, k)) * np.sqrt(D)
            return (stats.norm.logpdf(x, loc=z @ W.T + mu, scale=math.sqrt(sig2)).sum(axis=1)
                    + stats.norm.logpdf(z).sum(axis=1) - stats.norm.logpdf(z, loc=mean, scale=np.sqrt(D)).sum(axis=1))

        est = monte_carlo_mean(sample, MC_SAMPLES, seed=derive_seed(seed + j))
        zscore = abs(est.mean - exact) / est.standard_error
        if not agrees_with(est, exact, z=5.0):
            # agrees_with allows 5 standard errors plus a rounding slack of 1e-12 (1 + |exact|)
            allowed = 5.0 + 1e-12 * (1 + abs(exact)) / est.standard_error
            cx = Counterexample({"n, k": f"{n}, {k}", "seed": str(seed), "instance": str(j)}, f"{exact:.17g}",
                                f"{est.mean:.10g} +- {est.standard_error:.3g} (Monte Carlo, {MC_SAMPLES} samples)",
                                17, note=f"{zscore:.1f} standard errors apart; gap and tolerance in standard errors",
                                gap=decimal_text(zscore), tolerance=decimal_text(allowed))
            return CheckResult(Status.REFUTED, "Monte Carlo", f"closed form {zscore:.1f} SE from the sampled ELBO",
                               {}, cx)
        worst = max(worst, zscore)
    return CheckResult(Status.CHECKED, "Monte Carlo (scipy log-densities)",
                       f"4 instances, {MC_SAMPLES} samples each: worst gap {worst:.2f} SE (threshold 5)",
                       {"instances": 4, "samples": MC_SAMPLES, "worst_z": worst, "seed": seed})


# --- the ELBO is -L_VAE of Wang & Ziyin --------------------------------------------------------------
def cross_identity(size: tuple[int, int], *, beta_value: sp.Expr = 1) -> SizedIdentity:
    """Lucas's ELBO (rules) = -L_VAE of the W&Z model (first principles, decoder partition kept) with U = W,
    W_enc = V^T, Sigma = D, eta_dec^2 = sigma^2, eta_enc = 1, beta = 1, y = x (A = B = S_yy = S)."""
    n, k = size
    m = linear_vae(n, k)
    model = LinearLVM(n, k, n, decoder_partition=True)
    loss = model.expected_loss()
    mo = model.moments
    sub: dict = {beta: beta_value, eta_enc: 1, eta_dec: sp.sqrt(s2)}
    sub.update(dict(zip(model.U, m.W, strict=True)))
    sub.update(dict(zip(model.W, m.V.T, strict=True)))
    sub.update({sig: sp.sqrt(d) for sig, d in zip(model.sigma, m.D, strict=True)})
    for M in (mo.A, mo.B, mo.S_yy):
        sub.update({M[i, j]: m.S[i, j] for i in range(n) for j in range(n)})
    lhs = sp.expand_log(-loss.xreplace(sub), force=True)
    rhs = sp.expand_log(elbo_from_rules(n, k), force=True)
    return SizedIdentity(size, lhs, rhs)
