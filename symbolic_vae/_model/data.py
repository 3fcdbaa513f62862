"""Data statistics of the problem setting: A = E[x x^T], its positive eigen-pairs (P_A, Phi), the whitened input
x_tilde = Phi^{-1/2} P_A^T x, Z = E[y x_tilde^T] and its singular values zeta. Float64 and mpmath versions."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import mpmath
import numpy as np

from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._core.validation import flag, real_array

RANK_TOLERANCE = 1e-10
"""An eigenvalue of A = E[x x^T] counts (is in phi) when it exceeds RANK_TOLERANCE times the larger of the largest
eigenvalue and the largest squared entry of the data (before centring): a relative rule, so whitening is invariant
to the scale of x, and rounding left by centring a constant column is not a direction."""

MAX_DATA_ENTRY = 1e154
"""The supported data range: entries of X and Y up to 1e154 in magnitude (~sqrt of the largest float64), so that
the second moments A, B, S_yy are finite float64 numbers (larger data are whitened when their moments still are,
and raise SymbolicVAEError otherwise). The statistics are computed from the data divided by a
power of two near its largest entry (exact), so tiny data lose no precision either, as long as the kept eigenvalues
phi of A are normal float64 numbers (>= 2.2e-308)."""


def as_data_matrix(name: str, value: object, *, columns: int | None = None) -> np.ndarray:
    """A finite float64 array [n, d] from ``value`` (a 1-d array is one column); raises SymbolicVAEError naming
    ``name`` otherwise (bool, complex, string, object and datetime values included)."""
    arr = real_array(name, value, min_ndim=1, max_ndim=2, allow_empty=True, finite=False)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise SymbolicVAEError(f"{name}: expected a non-empty [n, d] array, got shape {arr.shape}")
    if columns is not None and arr.shape[1] != columns:
        raise SymbolicVAEError(f"{name}: expected {columns} columns, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        row = int(np.argwhere(~np.isfinite(arr))[0, 0])
        raise SymbolicVAEError(f"{name}: contains NaN or inf (first at row {row})")
    return arr


def check_second_moment(name: str, A: object) -> np.ndarray:
    """Validate a second-moment matrix: square, finite, symmetric and positive semidefinite."""
    arr = real_array(name, A, min_ndim=2, max_ndim=2)
    if arr.shape[0] != arr.shape[1]:
        raise SymbolicVAEError(f"{name}: expected a square matrix, got shape {arr.shape}")
    scale = max(1.0, float(np.abs(arr).max()))
    if not np.allclose(arr, arr.T, rtol=0, atol=1e-12 * scale):
        raise SymbolicVAEError(f"{name}: not symmetric (max |A - A^T| = {np.abs(arr - arr.T).max():.3g})")
    lowest = float(np.linalg.eigvalsh(arr / scale).min()) * scale
    if lowest < -1e-10 * scale:
        raise SymbolicVAEError(f"{name}: not positive semidefinite (smallest eigenvalue {lowest:.3g})")
    return arr


def _binary_exponent(arr: np.ndarray) -> int:
    """e with max |arr| in [2^(e-1), 2^e) (0 for zero data): arr / 2^e is exact and at most 1 in magnitude."""
    largest = float(np.abs(arr).max(initial=0.0))
    return 0 if largest == 0.0 else math.frexp(largest)[1]


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
    """Whitening statistics of the data X [n, D0], Y [n, d2] (Y = X when not given); ``center`` subtracts the means
    first. Computed from X / a and Y / b for powers of two a, b near the largest entries (exact in binary): P_A and
    the whitened quantities are invariant to the scale of x, Z and zeta scale with y, and A, B, S_yy, phi are
    scaled back. Supported: entries up to MAX_DATA_ENTRY in magnitude."""
    X = as_data_matrix("X", X)
    Y_given = Y is not None
    Y = as_data_matrix("Y", Y) if Y_given else X
    if Y.shape[0] != X.shape[0]:
        raise SymbolicVAEError(f"Y: {Y.shape[0]} rows but X has {X.shape[0]} (rows are samples)")
    center = flag("center", center)
    mean_x, mean_y = X.mean(axis=0), Y.mean(axis=0)
    ex, ey = _binary_exponent(X), _binary_exponent(Y)
    Xs, Ys = np.ldexp(X, -ex), np.ldexp(Y, -ey)  # exact: the data over powers of two near their largest entries
    raw_x = float(np.abs(Xs).max())  # the data's scale before centring, in [0.5, 1) (0 for zero data)
    if center:
        Xs, Ys = Xs - np.ldexp(mean_x, -ex), Ys - np.ldexp(mean_y, -ey)
    n = X.shape[0]
    As, Bs, Ss = Xs.T @ Xs / n, Xs.T @ Ys / n, Ys.T @ Ys / n
    evals, evecs = np.linalg.eigh(As)
    keep = evals > RANK_TOLERANCE * max(raw_x**2, float(evals.max(initial=0.0)))
    order = np.argsort(evals[keep])[::-1]
    phis, P_A = evals[keep][order], evecs[:, keep][:, order]
    Zs = (Ys.T @ (Xs @ P_A)) / n / np.sqrt(phis) if phis.size else np.zeros((Y.shape[1], 0))
    zetas = np.linalg.svd(Zs, compute_uv=False) if phis.size else np.zeros(0)
    with np.errstate(over="ignore", under="ignore"):  # checked below
        phi = np.ldexp(phis, 2 * ex)
        moments = np.ldexp(As, 2 * ex), np.ldexp(Bs, ex + ey), np.ldexp(Ss, 2 * ey)
    if phi.size and float(phi.min()) < np.finfo(np.float64).tiny:
        raise SymbolicVAEError(f"X: an eigenvalue of A = E[x x^T] is {phi.min():.3g}, below the smallest normal "
                               f"float64 (the largest |entry| of X is {np.abs(X).max():.3g}); supported: data whose "
                               "kept eigenvalues are normal float64 numbers, e.g. a largest |entry| >= 1e-150; rescale "
                               "the data")
    for name, data, moment in (("X", X, moments[0]), ("Y", Y, moments[2]), ("X", X, moments[1])):
        if not np.isfinite(moment).all():  # never for entries <= MAX_DATA_ENTRY
            raise SymbolicVAEError(f"{name}: largest |entry| {np.abs(data).max():.3g}: the second moments (A, B, "
                                   f"S_yy) overflow float64; the supported range is |entry| <= {MAX_DATA_ENTRY:g} "
                                   "(whitening is invariant to the scale of x and zeta scales with y: rescale)")
    return WhitenedData(*moments, P_A, phi, np.ldexp(Zs, ey), np.ldexp(zetas, ey), mean_x, mean_y)


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


DIGITS_SHAPE = (1797, 65)
"""The rows of scikit-learn's digits file: 64 pixels and the label."""


def load_digits_data() -> np.ndarray:
    """The bundled scikit-learn digits, [1797, 64] float64: ``load_digits().data``, read from the file it reads
    (``sklearn/datasets/data/digits.csv.gz``) without importing scikit-learn, the same array; through
    ``load_digits`` when that file is not where it should be."""
    import importlib.util

    spec = importlib.util.find_spec("sklearn")
    if spec is None or spec.origin is None:
        raise SymbolicVAEError("data: no file given, and scikit-learn (for its bundled digits) is not installed")
    try:
        import gzip

        with gzip.open(Path(spec.origin).parent / "datasets" / "data" / "digits.csv.gz", "rt") as handle:
            data = np.loadtxt(handle, delimiter=",")
        if data.shape == DIGITS_SHAPE:
            return np.asarray(data[:, :-1], dtype=np.float64)  # as load_digits: the pixels, the label left out
    except (OSError, ValueError, EOFError):
        pass
    from sklearn.datasets import load_digits

    return np.asarray(load_digits().data, dtype=np.float64)
