"""Checks of the pPCA marginal x ~ N(mu, W W^T + sigma^2 I): the moments by the noise rule, completing the
square, the Gaussian integral, the determinant lemma and Woodbury at explicit sizes, the bookkeeping in general
n, k, and Gauss-Hermite quadrature of p(x | z) p(z)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import sympy as sp

from symbolic_vae._core.seeds import derive_seed
from symbolic_vae._core.verdict import CheckResult, Status
from symbolic_vae._engine.floats import float64_refutation
from symbolic_vae._engine.identity import SizedIdentity, prove_identity
from symbolic_vae._model.gaussian import expect_over_noise, gaussian_log_density
from symbolic_vae._papers.lucas2019.ppca.forms import SEED, ppca, s2


def moments_identity(size: tuple[int, int], *, noise_power: sp.Expr = 2) -> SizedIdentity:
    """x = W z + mu + e with z ~ N(0, I), e ~ N(0, s I): E[x] = mu and E[(x - mu)(x - mu)^T] = W W^T + s I, by the
    noise rule. ``noise_power`` = 1 claims W W^T + sigma I (negative control)."""
    p = ppca(*size)
    noise, variances = [*p.z, *p.e], [1] * p.k + [s2] * p.n
    x = p.W * p.z + p.mu + p.e
    mean = [expect_over_noise(sp.expand(xi), noise, variances) for xi in x]
    cov = [expect_over_noise(sp.expand((x[i] - p.mu[i]) * (x[j] - p.mu[j])), noise, variances)
           for i in range(p.n) for j in range(p.n)]
    C = p.W * p.W.T + sp.sqrt(s2) ** noise_power * sp.eye(p.n)
    return SizedIdentity(size, sp.Matrix([*mean, *cov]), sp.Matrix([*p.mu, *C]))


def complete_square(size: tuple[int, int]) -> SizedIdentity:
    """log p(x | z) + log p(z) = -1/2 z^T P z + b^T z + c0, P = I + W^T W / s, b = W^T (x - mu) / s,
    c0 = -||x - mu||^2 / (2 s) - (n/2) log(2 pi s) - (k/2) log(2 pi)."""
    p = ppca(*size)
    lhs = (gaussian_log_density(list(p.x), list(p.W * p.z + p.mu), [s2] * p.n)
           + gaussian_log_density(list(p.z), [0] * p.k, [1] * p.k))
    xc = p.x - p.mu
    P = sp.eye(p.k) + p.W.T * p.W / s2
    b = p.W.T * xc / s2
    c0 = -(xc.T * xc)[0] / (2 * s2) - sp.Rational(p.n, 2) * sp.log(2 * sp.pi * s2) - sp.Rational(p.k, 2) * sp.log(
        2 * sp.pi)
    rhs = -(p.z.T * P * p.z)[0] / 2 + (b.T * p.z)[0] + c0
    return SizedIdentity(size, sp.expand(sp.expand_log(lhs, force=True)), sp.expand(sp.expand_log(rhs, force=True)))


def posterior_identity(size: tuple[int, int], *, scaled: bool = True) -> SizedIdentity:
    """The true posterior p(z | x) = N(z; M^{-1} W^T (x - mu), s M^{-1}), M = W^T W + s I_k: log p(x | z) + log p(z)
    (from the model's Gaussian densities) and log N(z; m, s M^{-1}) have the same z-gradient, so they differ by a
    term free of z (log p(x)). Both sides times s det M, with M^{-1} = adj(M)/det(M): det M s grad_z(log p(x | z) +
    log p(z)) = -det M M z + M adj(M) W^T (x - mu). ``scaled`` False: covariance M^{-1} (s dropped, a control)."""
    p = ppca(*size)
    log_joint = sp.expand(sp.expand_log(gaussian_log_density(list(p.x), list(p.W * p.z + p.mu), [s2] * p.n)
                                        + gaussian_log_density(list(p.z), [0] * p.k, [1] * p.k), force=True))
    M = p.W.T * p.W + s2 * sp.eye(p.k)
    det = M.det(method="berkowitz")
    grad = sp.Matrix([sp.diff(log_joint, zi) for zi in p.z])
    precision_numerator = -(det * M * p.z - M * _adjugate(M) * p.W.T * (p.x - p.mu))  # s det M grad log N(z; m, s M^-1)
    rhs = precision_numerator if scaled else s2 * precision_numerator
    return SizedIdentity(size, det * s2 * grad, rhs)


def _adjugate(M: sp.Matrix) -> sp.Matrix:
    return M.adjugate() if M.shape[0] > 1 else sp.Matrix([[1]])


def det_and_woodbury(size: tuple[int, int]) -> SizedIdentity:
    """det C s^k = s^n det(P'), and s det(P') x^T adj(C) x = det C (det(P') ||x||^2 - x^T W adj(P') W^T x), with
    C = W W^T + s I_n, P' = s I_k + W^T W: the determinant lemma and Woodbury, as polynomial identities."""
    p = ppca(*size)
    C, Pp, x = p.C, s2 * sp.eye(p.k) + p.W.T * p.W, p.x
    dC, dP = C.det(method="berkowitz"), Pp.det(method="berkowitz")
    lhs = sp.Matrix([dC * s2**p.k, s2 * dP * (x.T * _adjugate(C) * x)[0]])
    rhs = sp.Matrix([s2**p.n * dP, dC * (dP * (x.T * x)[0] - (x.T * p.W * _adjugate(Pp) * p.W.T * x)[0])])
    return SizedIdentity(size, lhs, rhs)


def gaussian_integral_1d() -> CheckResult:
    a = sp.Symbol("a", positive=True)
    b, t = sp.symbols("b t", real=True)
    lhs = sp.integrate(sp.exp(-a * t**2 / 2 + b * t), (t, -sp.oo, sp.oo))
    return prove_identity(lhs, sp.sqrt(2 * sp.pi / a) * sp.exp(b**2 / (2 * a)),
                          what=(r"integral of $\exp(-a t^2/2 + b t)$ over $\mathbb{R}$ = "
                                r"$\sqrt{2 \pi / a}\,\exp(b^2 / (2a))$"))


def marginal_bookkeeping() -> CheckResult:
    """In general n, k: c0 + b^T P^-1 b / 2 + (k/2) log 2 pi - log det P / 2 = log N(x; mu, C), once det C =
    s^(n-k) det P', x^T C^-1 x = (||x||^2 - q) / s (q = x^T W P'^-1 W^T x) and P = P' / s are inserted."""
    n, k = sp.symbols("n k", positive=True, integer=True)
    detPp, q, nx2 = sp.symbols("detPp q nx2", positive=True)
    detC = s2 ** (n - k) * detPp
    quadC = (nx2 - q) / s2
    logdetP = sp.log(detPp) - k * sp.log(s2)
    marginal = (-nx2 / (2 * s2) - n / 2 * sp.log(2 * sp.pi * s2) - k / 2 * sp.log(2 * sp.pi) + q / (2 * s2)
                + k / 2 * sp.log(2 * sp.pi) - logdetP / 2)
    target = -n / 2 * sp.log(2 * sp.pi) - sp.log(detC) / 2 - quadC / 2
    return prove_identity(sp.expand(sp.expand_log(marginal, force=True)), sp.expand(sp.expand_log(target, force=True)),
                          what=r"$\log \int p(x|z)\,p(z)\,dz = \log \mathcal{N}(x; \mu, C)$")


def gaussian_logpdf(x: np.ndarray, mean: np.ndarray, cov: np.ndarray) -> float:
    sign, logdet = np.linalg.slogdet(cov)
    r = x - mean
    return float(-0.5 * (len(x) * math.log(2 * math.pi) + logdet + r @ np.linalg.solve(cov, r)))


def quadrature_check(*, noise_power: float = 2.0, seed: int = SEED, tol: float = 1e-9) -> CheckResult:
    """p(x) = integral p(x | z) p(z) dz by tensor Gauss-Hermite quadrature (k = 1, 2; 80 nodes per axis, exact
    weights for N(0, 1)) against N(x; mu, W W^T + sigma^power I), at random points."""
    rng = np.random.default_rng(derive_seed(seed))
    nodes, weights = np.polynomial.hermite_e.hermegauss(80)
    weights = weights / weights.sum()
    worst, n_pts = 0.0, 0
    for n, k in [(1, 1), (2, 1), (3, 1), (2, 2), (3, 2)]:
        for _ in range(3):
            W = rng.normal(0, 0.8, (n, k))
            mu, sig2 = rng.normal(size=n), float(rng.uniform(0.5, 2.0))
            x = mu + rng.normal(size=n)
            grid = np.array(list(itertools.product(nodes, repeat=k)))
            wts = np.prod(np.array(list(itertools.product(weights, repeat=k))), axis=1)
            r = x[None, :] - grid @ W.T - mu[None, :]
            lik = np.exp(-0.5 * (r**2).sum(axis=1) / sig2) / (2 * math.pi * sig2) ** (n / 2)
            integral = float(math.log((wts * lik).sum()))
            closed = gaussian_logpdf(x, mu, W @ W.T + sig2 ** (noise_power / 2) * np.eye(n))
            gap = abs(integral - closed) / (1 + abs(closed))
            n_pts += 1
            if gap > tol:
                return float64_refutation(
                    "Gauss-Hermite quadrature", f"log p(x) by quadrature {integral:.8g} vs claimed {closed:.8g}",
                    {"n, k": f"{n}, {k}", "seed": str(seed), "W": str(W.tolist()), "mu": str(mu.tolist()),
                     "sigma2": repr(sig2), "x": str(x.tolist())}, integral, closed,
                    note="lhs log of the quadrature of p(x|z)p(z); rhs the claimed log-density; gap relative to "
                    "1 + |rhs|", gap=gap, tolerance=tol)
            worst = max(worst, gap)
    return CheckResult(Status.CHECKED, "Gauss-Hermite quadrature (float64)",
                       rf"{n_pts} points, $(n, k)$ up to $(3, 2)$: log of the quadrature of $p(x|z)\,p(z)$ = "
                       rf"$\log \mathcal{{N}}(x; \mu, W W^\top + \sigma^2 I)$ to {worst:.1e}",
                       {"points": n_pts, "worst_gap": worst, "tolerance": tol, "seed": seed, "nodes_per_axis": 80})
