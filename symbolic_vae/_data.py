"""Data statistics of the problem setting: A = E[x x^T], its positive eigen-pairs (P_A, Phi), the whitened input
x_tilde = Phi^{-1/2} P_A^T x, Z = E[y x_tilde^T] and its singular values zeta. Float64 and mpmath versions."""

from __future__ import annotations

from dataclasses import dataclass

import mpmath
import numpy as np

from ._errors import SymbolicVAEError

RANK_TOLERANCE = 1e-10


def as_data_matrix(name: str, value: object, *, columns: int | None = None) -> np.ndarray:
    """A finite float64 array [n, d] from ``value``; raises SymbolicVAEError naming ``name`` otherwise."""
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise SymbolicVAEError(f"{name}: not numeric ({err})") from None
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise SymbolicVAEError(f"{name}: expected a non-empty [n, d] array, got shape {arr.shape}")
    if columns is not None and arr.shape[1] != columns:
        raise SymbolicVAEError(f"{name}: expected {columns} columns, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        row = int(np.argwhere(~np.isfinite(arr))[0, 0])
        raise SymbolicVAEError(f"{name}: contains NaN or inf (first at row {row})")
    return arr


def check_second_moment(name: str, A: object) -> np.ndarray:
    """Validate a second-moment matrix: square, finite, symmetric and positive semidefinite."""
    arr = np.asarray(A, dtype=np.float64) if not isinstance(A, np.ndarray) else A.astype(np.float64)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise SymbolicVAEError(f"{name}: expected a square matrix, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise SymbolicVAEError(f"{name}: contains NaN or inf")
    scale = max(1.0, float(np.abs(arr).max()))
    if not np.allclose(arr, arr.T, rtol=0, atol=1e-12 * scale):
        raise SymbolicVAEError(f"{name}: not symmetric (max |A - A^T| = {np.abs(arr - arr.T).max():.3g})")
    lowest = float(np.linalg.eigvalsh(arr).min())
    if lowest < -1e-10 * scale:
        raise SymbolicVAEError(f"{name}: not positive semidefinite (smallest eigenvalue {lowest:.3g})")
    return arr


@dataclass(frozen=True)
class WhitenedData:
    """Statistics of a dataset X [n, D0], Y [n, d2]: A [D0, D0], P_A [D0, d0], phi [d0] (positive eigenvalues,
    non-increasing), Z [d2, d0], zeta [min(d0, d2)] non-increasing, S_yy [d2, d2], mean_x [D0], mean_y [d2]."""

    A: np.ndarray
    B: np.ndarray
    S_yy: np.ndarray
    P_A: np.ndarray
    phi: np.ndarray
    Z: np.ndarray
    zeta: np.ndarray
    mean_x: np.ndarray
    mean_y: np.ndarray

    @property
    def rank(self) -> int:
        return int(self.phi.shape[0])

    def whiten(self, X: np.ndarray) -> np.ndarray:
        """x_tilde = Phi^{-1/2} P_A^T x for each row: [n, D0] -> [n, d0]."""
        return X @ self.P_A / np.sqrt(self.phi)


def whiten(X: object, Y: object | None = None, *, center: bool = False) -> WhitenedData:
    """Whitening statistics of the data (Y = X when not given); ``center`` subtracts the means first."""
    X = as_data_matrix("X", X)
    Y = X if Y is None else as_data_matrix("Y", Y)
    if Y.shape[0] != X.shape[0]:
        raise SymbolicVAEError(f"Y: {Y.shape[0]} rows but X has {X.shape[0]}")
    mean_x, mean_y = X.mean(axis=0), Y.mean(axis=0)
    if center:
        X, Y = X - mean_x, Y - mean_y
    n = X.shape[0]
    A, B, S_yy = X.T @ X / n, X.T @ Y / n, Y.T @ Y / n
    evals, evecs = np.linalg.eigh(A)
    keep = evals > RANK_TOLERANCE * max(1.0, float(evals.max(initial=0.0)))
    order = np.argsort(evals[keep])[::-1]
    phi, P_A = evals[keep][order], evecs[:, keep][:, order]
    Z = (Y.T @ (X @ P_A)) / n / np.sqrt(phi) if phi.size else np.zeros((Y.shape[1], 0))
    zeta = np.linalg.svd(Z, compute_uv=False) if phi.size else np.zeros(0)
    return WhitenedData(A, B, S_yy, P_A, phi, Z, zeta, mean_x, mean_y)


@dataclass(frozen=True)
class WhitenedDataMP:
    """The same statistics as ``WhitenedData`` in mpmath matrices at ``dps`` digits."""

    A: mpmath.matrix
    P_A: mpmath.matrix
    phi: list
    Z: mpmath.matrix
    S_yy: mpmath.matrix
    dps: int


def whiten_mp(X: np.ndarray, Y: np.ndarray, dps: int = 30) -> WhitenedDataMP:
    """High-precision whitening: exact data (float64 values taken exactly) and mpmath eigsy at ``dps`` digits."""
    with mpmath.workdps(dps):
        n = X.shape[0]
        Xm, Ym = mpmath.matrix(X.tolist()), mpmath.matrix(Y.tolist())
        A = (Xm.T * Xm) / n
        S_yy = (Ym.T * Ym) / n
        evals, evecs = mpmath.eigsy(A)
        pairs = sorted(((evals[i], i) for i in range(A.rows)), key=lambda t: -t[0])
        top = max(abs(e) for e, _ in pairs) if pairs else 0
        kept = [(e, i) for e, i in pairs if e > mpmath.mpf(10) ** (-(dps // 2)) * max(1, top)]
        P_A = mpmath.matrix(A.rows, len(kept))
        for c, (_, i) in enumerate(kept):
            for r in range(A.rows):
                P_A[r, c] = evecs[r, i]
        phi = [e for e, _ in kept]
        Xt = Xm * P_A
        for c, e in enumerate(phi):
            for r in range(n):
                Xt[r, c] /= mpmath.sqrt(e)
        Z = (Ym.T * Xt) / n
        return WhitenedDataMP(A, P_A, phi, Z, S_yy, dps)
