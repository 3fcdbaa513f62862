"""Monte Carlo estimate of the ELBO from its definition, to confirm the closed-form expectations.

The sampler draws a data row uniformly and eps ~ N(0, Sigma), and averages
-log p(y|z) + beta (log q(z|x) - log p(z)) with log-densities from scipy.stats, an implementation independent of
the symbolic rules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from numeric_backend import agrees_with, monte_carlo_mean, random_dataset
from symbolic_vae._core.seeds import derive_seed
from symbolic_vae._core.verdict import CheckResult, Counterexample, Status, decimal_text
from symbolic_vae._model.lvm import LinearLVM, beta, eta_dec, eta_enc

N_SAMPLES = 400_000
Z_SCORE = 5.0


@dataclass(frozen=True)
class ElboInstance:
    """One random instance: sizes, a dataset X [n, D0], Y [n, d2], and parameter values."""

    model: LinearLVM
    X: np.ndarray
    Y: np.ndarray
    params: dict[sp.Symbol, float]
    seed: int

    def describe(self) -> dict[str, str]:
        m = self.model
        return {"seed": str(self.seed), "sizes (D0,d1,d2)": str((m.input_dim, m.latent_dim, m.target_dim)),
                "biases": str(m.biases), "n_rows": str(self.X.shape[0]),
                "beta, eta_enc, eta_dec": ", ".join(f"{self.params[s]:.6g}" for s in (beta, eta_enc, eta_dec))}


def draw_instance(size: tuple[int, int, int], *, biases: bool, seed: int, rank: int | None = None) -> ElboInstance:
    rng = np.random.default_rng(derive_seed(seed))
    model = LinearLVM(*size, biases=biases)
    X, Y = random_dataset(12, size[0], size[2], rank=rank, target="noisy", mean_zero=False, seed=derive_seed(seed))
    params: dict[sp.Symbol, float] = {s: float(rng.normal(0, 0.7)) for s in [*model.U, *model.W]}
    params.update({s: float(rng.uniform(0.4, 1.6)) for s in model.sigma})
    if biases:
        params.update({s: float(rng.normal(0, 0.5)) for s in [*model.b_e, *model.b_d]})
    params.update({beta: float(rng.uniform(0.3, 3.0)), eta_enc: float(rng.uniform(0.5, 2.0)),
                   eta_dec: float(rng.uniform(0.5, 2.0))})
    return ElboInstance(model, X, Y, params, seed)


def closed_form_value(inst: ElboInstance, *, drop_noise_term: bool = False, dps: int = 30) -> sp.Float:
    """The model's closed-form loss averaged exactly over the instance's dataset, at ``dps`` digits (the loss
    compiled once to mpmath, evaluated at every row and summed by ``mpmath.fsum``)."""
    import mpmath

    model = inst.model
    expr = model.per_sample_loss
    if drop_noise_term:
        expr = expr - (model.U * model.Sigma * model.U.T).trace() / (2 * eta_dec**2)
    params = list(inst.params)
    loss = sp.lambdify([*params, *model.x, *model.y], expr, "mpmath")
    with mpmath.workdps(dps):
        point = [mpmath.mpf(inst.params[s]) for s in params]
        total = mpmath.fsum(loss(*point, *map(mpmath.mpf, row_x.tolist()), *map(mpmath.mpf, row_y.tolist()))
                            for row_x, row_y in zip(inst.X, inst.Y, strict=True))
        return sp.Float(total / inst.X.shape[0], dps)


def _sampler(inst: ElboInstance):
    from scipy import stats  # imported here: scipy.stats takes a second to import, and only this sampler needs it

    m, p = inst.model, inst.params
    U = np.array([[p[s] for s in m.U.row(i)] for i in range(m.target_dim)])
    W = np.array([[p[s] for s in m.W.row(i)] for i in range(m.input_dim)])
    sig = np.array([p[s] for s in m.sigma])
    b_e = np.array([p[s] for s in m.b_e]) if m.biases else np.zeros(m.latent_dim)
    b_d = np.array([p[s] for s in m.b_d]) if m.biases else np.zeros(m.target_dim)
    b, e_enc, e_dec = p[beta], p[eta_enc], p[eta_dec]

    def sample(rng: np.random.Generator, n: int) -> np.ndarray:
        rows = rng.integers(0, inst.X.shape[0], size=n)
        x, y = inst.X[rows], inst.Y[rows]
        mean = x @ W + b_e
        z = mean + rng.normal(size=(n, m.latent_dim)) * sig
        log_lik = stats.norm.logpdf(y, loc=z @ U.T + b_d, scale=e_dec).sum(axis=1)
        log_q = stats.norm.logpdf(z, loc=mean, scale=sig).sum(axis=1)
        log_p = stats.norm.logpdf(z, loc=0.0, scale=e_enc).sum(axis=1)
        return -log_lik + b * (log_q - log_p)

    return sample


INSTANCES = (((3, 2, 2), False, None), ((2, 3, 1), True, None), ((4, 2, 3), False, 2), ((1, 1, 2), True, None))


def monte_carlo_check(*, perturb: bool, seed: int = 7) -> CheckResult:
    """Compare the closed form (or, for the control, a perturbed one) with Monte Carlo on several instances."""
    worst_z = 0.0
    for k, (size, biases, rank) in enumerate(INSTANCES):
        inst = draw_instance(size, biases=biases, seed=seed + k, rank=rank)
        exact = closed_form_value(inst, drop_noise_term=perturb)
        estimate = monte_carlo_mean(_sampler(inst), N_SAMPLES, seed=derive_seed(seed + 100 + k))
        standard_error = max(estimate.standard_error, 1e-300)
        z = abs(float(exact) - estimate.mean) / standard_error
        worst_z = max(worst_z, z)
        if not agrees_with(estimate, float(exact), z=Z_SCORE):
            # agrees_with allows Z_SCORE standard errors plus a rounding slack of 1e-12 (1 + |exact|)
            allowed = Z_SCORE + 1e-12 * (1 + abs(float(exact))) / standard_error
            cx = Counterexample(inst.describe(), str(exact),
                                f"{estimate.mean:.10g} +- {estimate.standard_error:.3g} (Monte Carlo, "
                                f"{estimate.n_samples} samples)", 30,
                                note=f"{z:.1f} standard errors apart; gap and tolerance in standard errors",
                                gap=decimal_text(z), tolerance=decimal_text(allowed))
            return CheckResult(Status.REFUTED, "Monte Carlo", f"closed form is {z:.1f} SE from the sampled ELBO",
                               {"instance": k, "z": z}, cx)
    return CheckResult(Status.CHECKED, "Monte Carlo",
                       f"{len(INSTANCES)} instances, {N_SAMPLES} samples each, worst gap {worst_z:.2f} SE "
                       f"(threshold {Z_SCORE})",
                       {"instances": len(INSTANCES), "samples": N_SAMPLES, "worst_z": worst_z, "seed": seed})
