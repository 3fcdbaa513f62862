"""The training campaigns: data with a prescribed spectrum, and SGD-trained linear VAEs over beta grids that
straddle every predicted threshold, each grid trained once per process (and stored) in one tensor program.

A grid is named by its key in GRIDS; ``trained_grid(name)`` returns plain arrays (storable in the verdict store):
betas [B], active [B] (active units, Cov_x(E_q[z_j]) > 0.01), encoder_std [B, d1] (sorted ascending), eta_dec2 [B],
loss [B] (exact in eps), loss_mc [B], loss_se [B], converged [B], steps [B].
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._core.seeds import derive_seed
from symbolic_vae._engine.campaigns import cached
from symbolic_vae._model.data import load_digits_data, whiten

SEED = 20221217
N_SAMPLES = 512
ZETA = (2.0, 1.2, 0.7, 0.4)
"""The prescribed singular values of the synthetic data (y = x): A = E[x x^T] has eigenvalues zeta_i^2 exactly."""
STOP_RTOL = 1e-7
STOP_PATIENCE = 16
"""The stopping rule of every campaign: a step size ends once the full-data loss improved by less than STOP_RTOL
(relative) over STOP_PATIENCE evaluations (50 steps apart). A shorter patience stops some seeds on the saddle where two
latent units share the data's top two modes (at seed 1, learnable grid, beta = 0.5: loss 0.6% above the minimum,
sigma_i* 20% off), or on the slow plateau where the encoder rotates towards the data's eigenbasis. With this rule
seeds 1 to 16 and the default all reach the closed forms (loss within 7.1e-5, sigma_i* within 0.7%), in at most 14650
steps."""


@dataclass(frozen=True)
class Grid:
    """One training campaign: latent_dim d1, betas [B] (geometric midpoints between the predicted thresholds and
    beyond them), fixed or learnable eta_dec, KL annealing steps (0: none), the step budget."""

    latent_dim: int
    betas: tuple[float, ...]
    learn_eta_dec: bool
    kl_anneal_steps: int = 0
    max_steps: int = 20000
    data: str = "prescribed"  # "prescribed" (prescribed_data) or "digits" (digits_data)
    lr_decays: int = 3  # step sizes tried after the first (the stopping rule)
    model: str = "linear"  # "linear", or "tanh": one hidden layer of 64 tanh units in the encoder and the decoder
    rtol: float = STOP_RTOL
    patience: int = STOP_PATIENCE


GRIDS: dict[str, Grid] = {
    # fixed eta_dec = 1: thresholds zeta_i^2 = 4, 1.44, 0.49, 0.16
    "fixed": Grid(4, (0.08, 0.3, 0.9, 2.2, 7.0), learn_eta_dec=False),
    # learnable eta_dec, d1 = 2, d2 = 4: thresholds beta_1 = 2.63, beta_2 = 1.63
    "learnable": Grid(2, (0.5, 1.5, 3.0), learn_eta_dec=True),
    # fixed eta_dec with a linear KL warm-up over the first 1000 steps
    "annealed": Grid(4, (0.08, 0.3, 0.9, 2.2, 7.0), learn_eta_dec=False, kl_anneal_steps=1000),
    # scikit-learn's digits / 16, centred, fixed eta_dec = 1: thresholds zeta_i^2 = 0.699, 0.639, 0.554, 0.395, 0.271,
    # 0.231, ...; the betas sit in the two widest gaps (ratios 1.40 and 1.45), below zeta_5^2 and above zeta_1^2. Counts
    # only: one step-size decay (lr_decays = 1) settles which units are active.
    "digits": Grid(5, (0.15, 0.33, 0.47, 1.0), learn_eta_dec=False, data="digits", lr_decays=1),
    # a nonlinear (tanh) VAE on the same digits: betas below zeta_1^2 (one at each side of zeta_4^2) and above it
    "digits_tanh": Grid(5, (0.22, 0.47, 0.8, 1.0), learn_eta_dec=False, data="digits", model="tanh", max_steps=8000,
                        rtol=1e-6, patience=8),
}


def grid(name: str) -> Grid:
    """The campaign ``name`` of GRIDS; SymbolicVAEError naming ``name`` otherwise."""
    if not isinstance(name, str) or name not in GRIDS:
        raise SymbolicVAEError(f"name: expected one of {', '.join(GRIDS)}, got {name!r}")
    return GRIDS[name]


def prescribed_data(zeta: Any = ZETA, n_samples: int = N_SAMPLES, seed: int = SEED) -> np.ndarray:
    """X [n_samples, d] whose second moment E[x x^T] = X^T X / n is R diag(zeta^2) R^T (R a random rotation): the
    singular values of Z for y = x are exactly ``zeta`` [d] (positive, non-increasing)."""
    z = np.asarray(zeta, dtype=np.float64)
    if z.ndim != 1 or z.size == 0 or not np.all(np.isfinite(z)) or np.any(z <= 0) or np.any(np.diff(z) > 0):
        raise SymbolicVAEError(f"zeta: expected a non-empty 1-D array of positive non-increasing values, got {zeta!r}")
    if isinstance(n_samples, bool) or not isinstance(n_samples, int) or n_samples < z.size + 1:
        raise SymbolicVAEError(f"n_samples: expected an integer > {z.size} (the spectrum's length), got {n_samples!r}")
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((n_samples, z.size)))
    R, _ = np.linalg.qr(rng.standard_normal((z.size, z.size)))
    return np.sqrt(n_samples) * (Q * z) @ R.T


def digits_data() -> np.ndarray:
    """scikit-learn's digits [1797, 64] (bundled, ``load_digits_data``), pixels / 16 in [0, 1], centred (y = x)."""
    X = load_digits_data() / 16.0
    return X - X.mean(axis=0)


def grid_data(name: str) -> np.ndarray:
    """The data X [n, d] that campaign ``name`` trains on."""
    return digits_data() if grid(name).data == "digits" else prescribed_data()


def grid_zeta(name: str) -> np.ndarray:
    """The singular values zeta of Z for y = x of campaign ``name``'s data (non-increasing): ZETA for the prescribed
    data, the whitening's zeta (``whiten``, the data already centred) otherwise."""
    if grid(name).data != "digits":
        return np.asarray(ZETA, dtype=np.float64)
    return whiten(grid_data(name), center=False).zeta


@cached
def trained_grid(name: str) -> dict[str, Any]:
    """The VAE of campaign ``name`` (linear, or with one hidden layer) trained by Adam on 1-sample reparametrized
    minibatch ELBOs (batch 128) at every beta of the grid, on ``grid_data(name)``, eta_enc = eta_dec = 1 (eta_dec
    learned from 1 when learnable), torch on one thread: arrays of the module docstring."""
    import numeric_backend as nb

    g = grid(name)
    options = {"betas": list(g.betas), "latent_dim": g.latent_dim, "learn_eta_dec": g.learn_eta_dec,
               "seed": int(derive_seed(SEED)), "max_steps": g.max_steps, "kl_anneal_steps": g.kl_anneal_steps,
               "rtol": g.rtol, "patience": g.patience, "lr_decays": g.lr_decays, "num_threads": 1}
    if g.model == "linear":
        run = nb.train_linear_vae(grid_data(name), **options)
    else:
        run = nb.train_nonlinear_vae(grid_data(name), activation=g.model, hidden=64, **options)
    return {"betas": np.asarray(run.betas, dtype=np.float64), "active": np.asarray(run.active_units, dtype=np.int64),
            "encoder_std": np.sort(run.encoder_std, axis=-1), "eta_dec2": np.asarray(run.eta_dec2),
            "loss": np.asarray(run.loss), "loss_mc": np.asarray(run.loss_mc), "loss_se": np.asarray(run.loss_se),
            "converged": np.asarray(run.converged, dtype=bool), "steps": np.asarray(run.steps, dtype=np.int64)}
