"""The theory's predictions for the training campaigns, from the closed forms the other sections verify: the
per-mode survival rule and sigma_i* (claims encvar.collapse_unchanged, encvar.thm2_sigma), G(s) (decvar.G_model),
eta_dec*^2 and the surviving modes with a learnable decoder variance (decvar.table1_corrected) and its thresholds
beta_p (decvar.thm4_eq58_corrected). ``shift`` = 1 gives the negative controls: thresholds moved by one mode."""

from __future__ import annotations

import numpy as np

from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._engine.kernel_spec import compiled
from symbolic_vae._papers.wz2022.decoder_variance.kernels import (
    G_kernel,
    collapse_thresholds_kernel,
    s_star_kernel,
    surviving_modes_kernel,
)
from symbolic_vae._papers.wz2022.encoder_variance.forms import MODE_SURVIVES, SCALARS, SIGMA_STAR, printed_sigma_star

SOURCES = {"fixed count": "encvar.collapse_unchanged", "sigma_i*": "encvar.thm2_sigma", "G(s)": "decvar.G_model",
           "eta_dec*^2, learnable count": "decvar.table1_corrected", "beta_p": "decvar.thm4_eq58_corrected"}
"""The claims whose closed forms make the predictions."""


def _spectrum(zeta: object) -> np.ndarray:
    z = np.asarray(zeta, dtype=np.float64)
    if z.ndim != 1 or z.size == 0 or not np.all(np.isfinite(z)) or np.any(z < 0) or np.any(np.diff(z) > 0):
        raise SymbolicVAEError(f"zeta: expected a non-empty 1-D array of non-negative non-increasing values, got "
                               f"{zeta!r}")
    return z


def _betas(betas: object) -> np.ndarray:
    b = np.atleast_1d(np.asarray(betas, dtype=np.float64))
    if b.ndim != 1 or b.size == 0 or not np.all(np.isfinite(b)) or np.any(b <= 0):
        raise SymbolicVAEError(f"betas: expected a non-empty 1-D array of positive values, got {betas!r}")
    return b


def _shift(shift: object) -> int:
    if isinstance(shift, bool) or not isinstance(shift, int) or shift < 0:
        raise SymbolicVAEError(f"shift: expected a non-negative integer, got {shift!r}")
    return shift


def _latent(z: np.ndarray, latent_dim: object) -> np.ndarray:
    if isinstance(latent_dim, bool) or not isinstance(latent_dim, int) or latent_dim < 1:
        raise SymbolicVAEError(f"latent_dim: expected a positive integer, got {latent_dim!r}")
    return np.concatenate([z, np.zeros(max(0, latent_dim - z.size))])[:latent_dim]


def fixed_count(zeta: object, betas: object, *, latent_dim: int, eta_enc: float = 1.0, eta_dec: float = 1.0,
                shift: int = 0) -> np.ndarray:
    """Surviving modes at the optimum with a fixed eta_dec, the per-mode rule summed over the first d1 modes: zeta
    [d], betas [B] -> int [B]; ``shift`` > 0 uses zeta_{i+shift} in place of zeta_i."""
    z, b, k = _spectrum(zeta), _betas(betas), _shift(shift)
    latent = _latent(np.concatenate([z[k:], np.zeros(k)]), latent_dim)
    (survives,) = compiled(("training: mode survives", MODE_SURVIVES, SCALARS), lambda: ((MODE_SURVIVES,), SCALARS),
                           "numpy")
    alive = np.broadcast_to(survives(latent[None, :], b[:, None], eta_enc, eta_dec), (b.size, latent.size))
    if not np.all((alive == 0) | (alive == 1)):  # the rule is an indicator: anything else is not a count
        bad = alive[(alive != 0) & (alive != 1)]
        raise SymbolicVAEError(f"zeta: the per-mode survival rule gave {bad[0]!r}, not 0 or 1, so its sum is not a "
                               "count of modes")
    return alive.sum(axis=-1).astype(np.int64)


def sigma_star(zeta: object, betas: object, *, latent_dim: int, eta_enc: float = 1.0, eta_dec: object = 1.0,
               swap: bool = False) -> np.ndarray:
    """sigma_i* of the first d1 modes, sorted ascending: zeta [d], betas [B], eta_dec scalar or [B] -> [B, d1];
    ``swap`` exchanges the two branches of Eq. 14 (a negative control)."""
    z, b = _spectrum(zeta), _betas(betas)
    latent = _latent(z, latent_dim)
    expr = printed_sigma_star(swap=True) if swap else SIGMA_STAR
    (fn,) = compiled(("training: sigma star", expr, SCALARS), lambda: ((expr,), SCALARS), "numpy")
    e = np.broadcast_to(np.asarray(eta_dec, dtype=np.float64), b.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.broadcast_to(fn(latent[None, :], b[:, None], eta_enc, e[:, None]), (b.size, latent.size))
    return np.sort(values, axis=-1)


def learnable_count(zeta: object, betas: object, *, latent_dim: int, target_dim: int, shift: int = 0) -> np.ndarray:
    """Surviving modes at eta_dec*^2 (learnable decoder variance, y = x so c = 0): zeta [d], betas [B] -> int [B];
    ``shift`` > 0 counts #{p <= d1: beta < beta_{p+shift}}."""
    z, b, k = _spectrum(zeta), _betas(betas), _shift(shift)
    if k == 0:
        return surviving_modes_kernel(np.broadcast_to(z, (b.size, z.size)), beta=b, latent_dim=latent_dim,
                                      target_dim=target_dim)
    thresholds = collapse_thresholds_kernel(z, latent_dim=latent_dim + k, target_dim=target_dim)[k:]
    return (b[:, None] < thresholds[None, :]).sum(axis=-1).astype(np.int64)


def optimal_decoder_variance(zeta: object, betas: object, *, latent_dim: int, target_dim: int) -> np.ndarray:
    """eta_dec*^2 (y = x): zeta [d], betas [B] -> [B] (NaN where G has no minimizer)."""
    z, b = _spectrum(zeta), _betas(betas)
    return s_star_kernel(np.broadcast_to(z, (b.size, z.size)), beta=b, latent_dim=latent_dim, target_dim=target_dim)


def minimal_loss(zeta: object, betas: object, *, latent_dim: int, target_dim: int, s: object) -> np.ndarray:
    """min over (U, W, Sigma) of the model's loss with its log-partition at decoder variance s (y = x, eta_enc =
    1): zeta [d], betas [B], s scalar or [B] -> [B]."""
    z, b = _spectrum(zeta), _betas(betas)
    return G_kernel(np.broadcast_to(z, (b.size, z.size)), beta=b, latent_dim=latent_dim, target_dim=target_dim,
                    s=np.broadcast_to(np.asarray(s, dtype=np.float64), b.shape))
