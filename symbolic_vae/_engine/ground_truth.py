"""Ground truth: the model's loss (its general trace form, proved equal to the first-principles loss at explicit
sizes) compiled to torch and minimized directly over its free parameters from many random starts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from numeric_backend import to_torch
from symbolic_vae._engine.campaigns import cached, multistart
from symbolic_vae._model.lvm import beta, eta_dec, eta_enc, trace_form

# Short Adam warm-up, then saddle-free Newton: on these small problems this reaches the same minima as a long
# Adam phase (every start converged to the same value in trials) at a quarter of the time.
MINIMIZER_OPTIONS = {"max_adam_steps": 100, "newton_steps": 150}


@dataclass(frozen=True)
class Instances:
    """A batch of I problem instances: A [I,D0,D0], B [I,D0,d2], S_yy [I,d2,d2], Sigma [I,d1,d1] (ignored when
    Sigma is learned), beta, eta_enc, eta_dec [I]."""

    A: np.ndarray
    B: np.ndarray
    S_yy: np.ndarray
    Sigma: np.ndarray
    beta: np.ndarray
    eta_enc: np.ndarray
    eta_dec: np.ndarray

    def __post_init__(self) -> None:
        n = self.A.shape[0]
        for name in ("B", "S_yy", "Sigma", "beta", "eta_enc", "eta_dec"):
            assert getattr(self, name).shape[0] == n, f"{name} has a different number of instances"

    @property
    def sizes(self) -> tuple[int, int, int]:
        return self.A.shape[1], self.Sigma.shape[1], self.S_yy.shape[1]


@dataclass(frozen=True)
class GroundTruth:
    """Best loss [I] over all starts, the minimizing parameters, and the convergence record."""

    loss: np.ndarray
    params: dict[str, np.ndarray]
    n_starts: int
    n_starts_at_best: np.ndarray
    converged: np.ndarray
    criterion: str
    seed: int


@cached
def compiled_vae_loss(input_dim: int, latent_dim: int, target_dim: int):
    form = trace_form(input_dim, latent_dim, target_dim, decoder_partition=False)
    return to_torch(form.expr, [form.U, form.W, form.Sigma, form.A, form.B, form.S_yy, beta, eta_enc, eta_dec])


def minimize_vae_loss(inst: Instances, *, learn_sigma: bool, n_starts: int = 8, seed: int = 0) -> GroundTruth:
    """min over (U, W) (and Sigma when ``learn_sigma``) of L_VAE (Eq. 5 form, no partition) per instance."""
    import torch

    D0, d1, d2 = inst.sizes
    loss = compiled_vae_loss(D0, d1, d2)
    t = {k: torch.as_tensor(getattr(inst, k), dtype=torch.float64)
         for k in ("A", "B", "S_yy", "Sigma", "beta", "eta_enc", "eta_dec")}
    nu, nw = d2 * d1, D0 * d1

    def unpack(theta):
        U = theta[:, :nu].reshape(-1, d2, d1)
        W = theta[:, nu:nu + nw].reshape(-1, D0, d1)
        return U, W

    def fn(theta, idx):
        U, W = unpack(theta)
        Sigma = torch.diag_embed(torch.exp(theta[:, nu + nw:])) if learn_sigma else t["Sigma"][idx]
        return loss(U, W, Sigma, t["A"][idx], t["B"][idx], t["S_yy"][idx], t["beta"][idx], t["eta_enc"][idx],
                    t["eta_dec"][idx])

    dim = nu + nw + (d1 if learn_sigma else 0)
    res = multistart(fn, inst.A.shape[0], n_starts, dim, init_scale=1.0, seed=seed,
                              **MINIMIZER_OPTIONS)
    theta = res.best_params
    params = {"U": theta[:, :nu].reshape(-1, d2, d1).numpy(), "W": theta[:, nu:nu + nw].reshape(-1, D0, d1).numpy()}
    if learn_sigma:
        params["sigma2"] = np.exp(theta[:, nu + nw:].numpy())
    return GroundTruth(res.best_loss.numpy(), params, n_starts, res.n_starts_at_best.numpy(),
                       res.n_starts_converged.numpy(), res.criterion, seed)


def factorization_loss(inst_Z: np.ndarray, Sigma: np.ndarray, kappa: np.ndarray):
    """The printed matrix-factorization objective L(U, V) = ||U V^T - Z||_F^2 + Tr(U Sigma U^T) + kappa ||V||_F^2
    as a batched torch function of (U [I,d2,d1], V [I,d0,d1], Z [I,d2,d0], Sigma [I,d1,d1], kappa [I]); only the
    shapes of the arguments are used."""
    return _compiled_factorization_loss(*inst_Z.shape[1:], Sigma.shape[1])


@cached
def _compiled_factorization_loss(d2: int, d0: int, d1: int):
    U, V = sp.MatrixSymbol("U", d2, d1), sp.MatrixSymbol("V", d0, d1)
    Z, S = sp.MatrixSymbol("Z", d2, d0), sp.MatrixSymbol("Sigma", d1, d1)
    k = sp.Symbol("kappa", positive=True)
    R = U * V.T - Z
    expr = sp.Trace(R * R.T) + sp.Trace(U * S * U.T) + k * sp.Trace(V * V.T)
    return to_torch(expr, [U, V, Z, S, k])


def vae_loss_at(inst: Instances, U: np.ndarray, W: np.ndarray, Sigma: np.ndarray | None = None) -> np.ndarray:
    """L_VAE (Eq. 5 form, no log-partition) per instance at U [I,d2,d1], W [I,D0,d1] and Sigma [I,d1,d1]
    (default: the instances' Sigma), through the same compiled loss the minimizer uses: -> [I]."""
    import torch

    f = compiled_vae_loss(*inst.sizes)
    values = (U, W, inst.Sigma if Sigma is None else Sigma, inst.A, inst.B, inst.S_yy, inst.beta, inst.eta_enc,
              inst.eta_dec)
    return f(*[torch.as_tensor(a, dtype=torch.float64) for a in values]).numpy()


def minimize_factorization(Z: np.ndarray, Sigma: np.ndarray, kappa: np.ndarray, *, n_starts: int = 8,
                           seed: int = 0) -> GroundTruth:
    """min over (U, V) of L(U, V) per instance (Z [I,d2,d0], Sigma [I,d1,d1], kappa [I])."""
    import torch

    d2, d0 = Z.shape[1:]
    d1 = Sigma.shape[1]
    loss = factorization_loss(Z, Sigma, kappa)
    tZ, tS, tk = (torch.as_tensor(a, dtype=torch.float64) for a in (Z, Sigma, kappa))
    nu = d2 * d1

    def fn(theta, idx):
        return loss(theta[:, :nu].reshape(-1, d2, d1), theta[:, nu:].reshape(-1, d0, d1), tZ[idx], tS[idx], tk[idx])

    res = multistart(fn, Z.shape[0], n_starts, nu + d0 * d1, init_scale=1.0, seed=seed,
                              **MINIMIZER_OPTIONS)
    theta = res.best_params
    params = {"U": theta[:, :nu].reshape(-1, d2, d1).numpy(), "V": theta[:, nu:].reshape(-1, d0, d1).numpy()}
    return GroundTruth(res.best_loss.numpy(), params, n_starts, res.n_starts_at_best.numpy(),
                       res.n_starts_converged.numpy(), res.criterion, seed)
