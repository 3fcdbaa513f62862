"""Numeric evaluation of the model's loss for users' own parameters and data moments, with input validation."""

from __future__ import annotations

import numpy as np

from ._data import check_second_moment
from ._errors import SymbolicVAEError


def _positive(name: str, value: object) -> float:
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise SymbolicVAEError(f"{name}: expected a positive number, got {value!r}") from None
    if not np.isfinite(out) or out <= 0:
        raise SymbolicVAEError(f"{name}: expected a positive finite number, got {out}")
    return out


def _matrix(name: str, value: object, shape: tuple[int | None, int | None]) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise SymbolicVAEError(f"{name}: not numeric") from None
    if arr.ndim != len(shape) or any(s is not None and a != s for a, s in zip(arr.shape, shape, strict=True)):
        want = "[" + ", ".join("?" if s is None else str(s) for s in shape) + "]"
        raise SymbolicVAEError(f"{name}: expected shape {want}, got {list(arr.shape)}")
    if not np.all(np.isfinite(arr)):
        raise SymbolicVAEError(f"{name}: contains NaN or inf")
    return arr


def vae_loss(U: object, W: object, sigma: object, *, A: object, B: object, S_yy: object, beta: float,
             eta_enc: float, eta_dec: float, partition: bool = True) -> float:
    """The model's loss (Eq. 3 in closed form) at U [d2, d1], W [D0, d1], sigma [d1] (encoder standard
    deviations), data moments A = E[x x^T] [D0, D0], B = E[x y^T] [D0, d2], S_yy = E[y y^T] [d2, d2].

    ``partition`` keeps the decoder's log-partition (d2/2) log(2 pi eta_dec^2).
    """
    U = _matrix("U", U, (None, None))
    d2, d1 = U.shape
    W = _matrix("W", W, (None, d1))
    D0 = W.shape[0]
    sig = _matrix("sigma", sigma, (d1,))
    if np.any(sig <= 0):
        raise SymbolicVAEError(f"sigma: standard deviations must be positive, got {sig.tolist()}")
    A = check_second_moment("A", _matrix("A", A, (D0, D0)))
    B = _matrix("B", B, (D0, d2))
    S_yy = check_second_moment("S_yy", _matrix("S_yy", S_yy, (d2, d2)))
    b, e_enc, e_dec = _positive("beta", beta), _positive("eta_enc", eta_enc), _positive("eta_dec", eta_dec)
    M = U @ W.T
    fit = np.trace(M @ A @ M.T) - 2 * np.trace(M @ B) + np.trace(S_yy)
    s2 = sig**2
    recon = (fit + float((U**2 @ s2).sum())) / (2 * e_dec**2)
    kl = b * np.trace(W.T @ A @ W) / (2 * e_enc**2) + b / 2 * float(np.sum(s2 / e_enc**2 - 1 - np.log(s2 / e_enc**2)))
    out = recon + kl
    if partition:
        out += d2 / 2 * np.log(2 * np.pi * e_dec**2)
    return float(out)
