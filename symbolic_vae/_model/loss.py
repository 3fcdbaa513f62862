"""Numeric evaluation of the model's loss for users' own parameters and data moments, with input validation."""

from __future__ import annotations

import numpy as np

from symbolic_vae._core import validation as v
from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._model.data import check_second_moment


def _matrix(name: str, value: object, shape: tuple[int | None, ...], *, quadratic: bool = False,
            sizes: str = "") -> np.ndarray:
    """``value`` as a real array of ``shape`` (None: any size) in the supported range (``quadratic``: of second
    moments); ``sizes`` says which arguments set the expected sizes."""
    arr = v.bounded_values(name, value, quadratic=quadratic)
    if arr.ndim != len(shape) or any(s is not None and a != s for a, s in zip(arr.shape, shape, strict=True)):
        want = "[" + ", ".join("?" if s is None else str(s) for s in shape) + "]"
        raise SymbolicVAEError(f"{name}: expected shape {want}{f' ({sizes})' if sizes else ''}, got "
                               f"{list(arr.shape)}")
    return arr


def vae_loss(U: object, W: object, sigma: object, *, A: object, B: object, S_yy: object, beta: float,
             eta_enc: float, eta_dec: float, partition: bool = True) -> float:
    """The model's loss (Eq. 3 in closed form) at U [d2, d1], W [D0, d1], sigma [d1] (encoder standard
    deviations), data moments A = E[x x^T] [D0, D0], B = E[x y^T] [D0, d2], S_yy = E[y y^T] [d2, d2].

    ``partition`` keeps the decoder's log-partition (d2/2) log(2 pi eta_dec^2). Every argument is validated first:
    U, W within +-MAX_MAGNITUDE, sigma, beta, eta_enc, eta_dec in [MIN_POSITIVE, MAX_MAGNITUDE], the moments within
    +-MAX_MAGNITUDE^2 (``symbolic_vae._core.validation``), so the loss is a finite float.
    """
    U = _matrix("U", U, (None, None))
    d2, d1 = U.shape
    W = _matrix("W", W, (None, d1), sizes=f"d1 = {d1} from U [d2, d1]")
    D0 = W.shape[0]
    sig = v.positive_values("sigma", sigma, min_ndim=1, max_ndim=1)
    if sig.shape != (d1,):
        raise SymbolicVAEError(f"sigma: expected shape [{d1}] (one standard deviation per column of U), got "
                               f"{list(sig.shape)}")
    A = check_second_moment("A", _matrix("A", A, (D0, D0), quadratic=True, sizes=f"D0 = {D0} from W [D0, d1]"))
    B = _matrix("B", B, (D0, d2), quadratic=True, sizes=f"D0 = {D0} from W, d2 = {d2} from U")
    S_yy = check_second_moment("S_yy", _matrix("S_yy", S_yy, (d2, d2), quadratic=True,
                                               sizes=f"d2 = {d2} from U [d2, d1]"))
    b, e_enc, e_dec = (v.real_scalar(name, v.positive_values(name, value)) for name, value in
                       (("beta", beta), ("eta_enc", eta_enc), ("eta_dec", eta_dec)))
    partition = v.flag("partition", partition)
    M = U @ W.T
    fit = np.trace(M @ A @ M.T) - 2 * np.trace(M @ B) + np.trace(S_yy)
    s2 = sig**2
    recon = (fit + float((U**2 @ s2).sum())) / (2 * e_dec**2)
    kl = b * np.trace(W.T @ A @ W) / (2 * e_enc**2) + b / 2 * float(np.sum(s2 / e_enc**2 - 1 - np.log(s2 / e_enc**2)))
    out = recon + kl
    if partition:
        out += d2 / 2 * np.log(2 * np.pi * e_dec**2)
    return float(out)
