"""The section's spectrum kernels: sigma^2_MLE, the column norms of W_MLE and the closed-form ELBO, compiled from
the verified SymPy expressions of ``forms``, with their argument validation, samples inside their domain and
one-row mpmath references; ``kernel_sources()`` offers them.

The eigenvalues are each kernel's only positional argument; the rest is keyword-only: ``latent_dim`` (the latent
size k), the ELBO's parameters ``W``, ``V``, ``D`` and decoder variance ``s`` (sigma^2 of pPCA, eta_dec^2 of Wang &
Ziyin), and ``backend``; the samplers return ``((eigenvalues,), kwargs)`` with those keywords."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._engine.campaigns import cached
from symbolic_vae._engine.kernel_spec import KernelSpec, SpectrumArgument, compiled
from symbolic_vae._engine.runner import check_backend
from symbolic_vae._papers.lucas2019.ppca.forms import (
    ELBO_CLOSED,
    ELBO_INVARIANTS,
    column_norm_exprs,
    lam_symbols,
    sigma2_mle_expr,
)


def _compiled_sigma2(n: int, k: int, backend: str = "numpy"):
    """Inputs are validated by the builders, so the compiled functions skip the second NaN check."""
    (function,) = compiled(("ppca sigma2_mle", n, k), lambda: ((sigma2_mle_expr(n, k),), lam_symbols(n)), backend)
    return function


def _compiled_norms(n: int, k: int, backend: str = "numpy") -> tuple:
    return compiled(("ppca column norms", n, k), lambda: (column_norm_exprs(n, k), lam_symbols(n)), backend)


def _compiled_elbo(backend: str = "numpy"):
    (function,) = compiled(("linear VAE ELBO",), lambda: ((ELBO_CLOSED,), ELBO_INVARIANTS), backend)
    return function


def _eigenvalues(eigenvalues: object) -> np.ndarray:
    """eigenvalues [..., n] of a covariance: a spectrum in the supported range of variances."""
    from symbolic_vae._core import validation as v

    return v.spectrum("eigenvalues", eigenvalues, quadratic=True)


def _latent_size(latent_dim: object, lam: np.ndarray) -> int:
    """The latent size k = latent_dim as an integer with 1 <= k < n = lam.shape[-1]."""
    from symbolic_vae._core import validation as v

    k = v.dimension("latent_dim", latent_dim)
    if not k < lam.shape[-1]:
        raise SymbolicVAEError(f"latent_dim: need 1 <= latent_dim = k < n = {lam.shape[-1]} (the last axis of "
                               f"eigenvalues, shape {lam.shape}), got {k}")
    return k


def ppca_sigma2_mle_kernel(eigenvalues: object, *, latent_dim: int, backend: str = "numpy") -> np.ndarray:
    """sigma^2_MLE: all n eigenvalues [..., n] of the (1/N) sample covariance of data in n dimensions
    (non-increasing, the zero ones of a rank-deficient covariance included: n is the data dimension, not its rank),
    latent size k = latent_dim < n -> [...]. From Wang & Ziyin's zeta (y = x, centred data), pass zeta**2 padded
    with zeros to the data dimension; zeta alone holds only the rank-many non-zero modes and gives a larger
    sigma^2."""
    backend = check_backend(backend)
    lam = _eigenvalues(eigenvalues)
    k = _latent_size(latent_dim, lam)
    return _compiled_sigma2(lam.shape[-1], k, backend)(*np.moveaxis(lam, -1, 0))


def ppca_column_norms_kernel(eigenvalues: object, *, latent_dim: int, backend: str = "numpy") -> np.ndarray:
    """Column norms sqrt(lam_j - sigma^2_MLE) of W_MLE, j <= k = latent_dim: eigenvalues [..., n] (non-increasing)
    -> [..., k]; a zero norm is a collapsed latent dimension."""
    backend = check_backend(backend)
    lam = _eigenvalues(eigenvalues)
    k = _latent_size(latent_dim, lam)
    cols = np.moveaxis(lam, -1, 0)
    return np.stack([f(*cols) for f in _compiled_norms(lam.shape[-1], k, backend)], axis=-1)


def linear_vae_elbo_kernel(eigenvalues: object, *, W: object, V: object, D: object, s: object,
                           backend: str = "numpy") -> np.ndarray:
    """ELBO per data point: eigenvalues [..., n] of the (1/N) covariance S (non-increasing; the only positional
    argument), and by keyword the parameters in the eigenbasis of S (W' = Q^T W [..., n, k], V' = V Q [..., k, n] for
    S = Q diag(eigenvalues) Q^T), D [..., k] > 0 (diagonal of the encoder covariance) and the decoder variance
    s [...] > 0 (sigma^2 of pPCA) -> [...] (decoder offset at the data mean). W and V lie in the supported range of
    real parameters, D and s in that of variances; the batch shapes must broadcast."""
    from symbolic_vae._core import validation as v

    backend = check_backend(backend)
    lam = _eigenvalues(eigenvalues)
    W = v.bounded_values("W", W, min_ndim=2)
    V = v.bounded_values("V", V, min_ndim=2)
    D = v.positive_values("D", D, quadratic=True, min_ndim=1)
    s2 = v.positive_values("s", s, quadratic=True)
    n, k = W.shape[-2], W.shape[-1]
    if lam.shape[-1] != n:
        raise SymbolicVAEError(f"W: shape {W.shape} is [..., n, k] with n = {n}, but eigenvalues has shape {lam.shape} "
                               f"(n = {lam.shape[-1]})")
    if V.shape[-2:] != (k, n):
        raise SymbolicVAEError(f"V: expected shape [..., k, n] = [..., {k}, {n}] to fit W {W.shape}, got {V.shape}")
    if D.shape[-1] != k:
        raise SymbolicVAEError(f"D: expected shape [..., k] = [..., {k}] to fit W {W.shape}, got {D.shape}")
    batch = v.batch_shape({"eigenvalues": lam.shape[:-1], "W": W.shape[:-2], "V": V.shape[:-2], "D": D.shape[:-1],
                           "s": s2.shape})
    v.output_size("W", (*batch, n, n))
    WV = W @ V
    t_wvs = np.einsum("...ii,...i->...", WV, lam)
    t_wvsvw = np.einsum("...ij,...j,...ij->...", WV, lam, WV)
    t_wdw = np.einsum("...ik,...k,...ik->...", W, D, W)
    t_vsv = np.einsum("...ki,...i,...ki->...", V, lam, V)
    return _compiled_elbo(backend)(lam.sum(-1), t_wvs, t_wvsvw, t_wdw, D.sum(-1), t_vsv, np.log(D).sum(-1), n, k,
                                   s2)


# --- samples inside the kernels' domain, and one-row references in mpmath -----------------------------
SAMPLE_DIMENSION = 5
"""Data dimension n of the pPCA samples."""
SAMPLE_LATENT_SIZES = (1, 3, 4)
"""Latent sizes k of the pPCA samples (one per sample): n - k is a power of two, so sigma^2_MLE of tied dyadic
eigenvalues is exact and a collapsed column norm is exactly 0 (near a collapse sqrt turns a rounding of sigma^2_MLE
into ~1e-8)."""
DYADIC_EIGENVALUES = (0.25, 0.5, 1.0, 1.5, 2.0, 3.0)
SAMPLE_KINDS = ("generic", "ties across k", "zero tail", "isotropic", "generic", "zero")
"""Rows of a pPCA sample, in turn: random eigenvalues; dyadic ones (exact sums) tied across k, so some norms are 0;
zero eigenvalues beyond k (sigma^2_MLE = 0); all equal (every column collapsed); all zero."""


def _sample_eigenvalues(rng: np.random.Generator, n: int, dimension: int, k: int) -> np.ndarray:
    """Eigenvalues [n, dimension], non-increasing, the rows of SAMPLE_KINDS in turn."""
    rows = []
    for i in range(n):
        kind = SAMPLE_KINDS[i % len(SAMPLE_KINDS)]
        if kind == "generic":
            lam = rng.uniform(0.1, 4.0, dimension)
        elif kind == "ties across k":
            lam = rng.choice(DYADIC_EIGENVALUES, dimension)
            lam = np.sort(lam)[::-1]
            lam[k - 1:] = lam[k - 1]  # lambda_k = ... = lambda_n: sigma^2_MLE = lambda_k, norm k is 0
        elif kind == "zero tail":
            lam = np.concatenate([rng.choice(DYADIC_EIGENVALUES, k), np.zeros(dimension - k)])
        elif kind == "isotropic":
            lam = np.full(dimension, float(rng.choice(DYADIC_EIGENVALUES)))
        else:
            lam = np.zeros(dimension)
        rows.append(np.sort(lam)[::-1])
    return np.array(rows)


def ppca_sample(rng: np.random.Generator, n: int) -> tuple[tuple, dict[str, Any]]:
    """Arguments of the sigma^2_MLE and column-norm kernels for n rows: (eigenvalues [n, 5],), {"latent_dim": k},
    k from SAMPLE_LATENT_SIZES."""
    k = int(rng.choice(SAMPLE_LATENT_SIZES))
    return (_sample_eigenvalues(rng, n, SAMPLE_DIMENSION, k),), {"latent_dim": k}


def linear_vae_elbo_sample(rng: np.random.Generator, n: int) -> tuple[tuple, dict[str, Any]]:
    """Arguments of ``linear_vae_elbo_kernel`` for n rows: (eigenvalues [n, 4],), {"W": [n, 4, k], "V": [n, k, 4],
    "D": [n, k], "s": [n]}, k in 1..3; eigenvalues with ties and zeros."""
    dimension = SAMPLE_DIMENSION - 1
    k = int(rng.integers(1, dimension))
    lam = _sample_eigenvalues(rng, n, dimension, k)
    W = rng.normal(size=(n, dimension, k))
    V = rng.normal(size=(n, k, dimension))
    D = rng.uniform(0.2, 2.0, (n, k))
    return (lam,), {"W": W, "V": V, "D": D, "s": rng.uniform(0.2, 2.0, n)}


@cached
def _reference_functions(n: int, k: int) -> tuple[Callable, tuple[Callable, ...]]:
    """sigma^2_MLE and the column norms at size (n, k), lambdified for mpmath."""
    lam = lam_symbols(n)
    return (sp.lambdify(lam, sigma2_mle_expr(n, k), "mpmath"),
            tuple(sp.lambdify(lam, e, "mpmath") for e in column_norm_exprs(n, k)))


@cached
def _elbo_reference_function() -> Callable:
    return sp.lambdify(ELBO_INVARIANTS, ELBO_CLOSED, "mpmath")


def _mp(values: Sequence[float]) -> list[mpmath.mpf]:
    return [mpmath.mpf(float(v)) for v in values]


def ppca_sigma2_mle_reference(eigenvalues: Sequence[float], *, latent_dim: int) -> float:
    """``ppca_sigma2_mle_kernel`` at one row (eigenvalues [n]) in mpmath at the working precision."""
    return float(_reference_functions(len(eigenvalues), int(latent_dim))[0](*_mp(eigenvalues)))


def ppca_column_norms_reference(eigenvalues: Sequence[float], *, latent_dim: int) -> list[float]:
    """``ppca_column_norms_kernel`` at one row (eigenvalues [n]) in mpmath: [k] floats."""
    return [float(f(*_mp(eigenvalues))) for f in _reference_functions(len(eigenvalues), int(latent_dim))[1]]


def linear_vae_elbo_reference(eigenvalues: Sequence[float], *, W: Sequence[Sequence[float]],
                              V: Sequence[Sequence[float]], D: Sequence[float], s: float) -> float:
    """``linear_vae_elbo_kernel`` at one row (eigenvalues [n], W [n][k], V [k][n], D [k] as lists) in mpmath: the
    invariants summed term by term, then ELBO_CLOSED."""
    lam, d_values = _mp(eigenvalues), _mp(D)
    W_mp, V_mp = [_mp(row) for row in W], [_mp(row) for row in V]
    n, k = len(lam), len(d_values)
    WV = [[mpmath.fsum(W_mp[i][a] * V_mp[a][j] for a in range(k)) for j in range(n)] for i in range(n)]
    invariants = (
        mpmath.fsum(lam),  # tr S
        mpmath.fsum(WV[i][i] * lam[i] for i in range(n)),  # tr(W V S)
        mpmath.fsum(WV[i][j] ** 2 * lam[j] for i in range(n) for j in range(n)),  # tr(W V S V^T W^T)
        mpmath.fsum(W_mp[i][a] ** 2 * d_values[a] for i in range(n) for a in range(k)),  # tr(W D W^T)
        mpmath.fsum(d_values),  # tr D
        mpmath.fsum(V_mp[a][i] ** 2 * lam[i] for a in range(k) for i in range(n)),  # tr(V S V^T)
        mpmath.fsum(mpmath.log(v) for v in d_values),  # sum log d_j
    )
    return float(_elbo_reference_function()(*invariants, n, k, mpmath.mpf(float(s))))


ALL_EIGENVALUES = ("pass all n eigenvalues of the data dimension, zeros included (n is the data dimension, not the "
                   "rank; from zeta, pad zeta**2 with zeros to n)")
"""How the section's kernels count the zero eigenvalues of a rank-deficient covariance."""


def kernel_sources() -> list[KernelSpec]:
    """Spectrum-level kernels: each builder takes the eigenvalues [..., n] of the sample covariance as its only
    positional argument (non-negative, non-increasing; all n of the data dimension, zeros included), the rest and
    ``backend=`` ("numpy", "torch", "torch-compiled") by keyword, and is compiled from the verified SymPy expressions
    (sigma2_mle_expr, column_norm_exprs, ELBO_CLOSED); ``sample(rng, n)`` gives ((eigenvalues,), kwargs) for n rows
    and ``reference`` evaluates one row in mpmath with the same keywords."""
    facts = {"spectrum": SpectrumArgument.EIGENVALUES, "zero_eigenvalues": ALL_EIGENVALUES}
    return [
        KernelSpec(name="ppca_sigma2_mle", claim="lucas.ppca_sigma2_mle", builder=ppca_sigma2_mle_kernel,
                   sample=ppca_sample, reference=ppca_sigma2_mle_reference, **facts,
                   description="pPCA maximum-likelihood noise variance, the mean of the n - k smallest eigenvalues "
                               "(n the data dimension: pass all n eigenvalues, the zero ones of a rank-deficient "
                               "covariance included): (eigenvalues [..., n], *, latent_dim = k) -> [...]"),
        KernelSpec(name="ppca_column_norms", claim="lucas.ppca_w_mle", builder=ppca_column_norms_kernel,
                   sample=ppca_sample, reference=ppca_column_norms_reference, **facts,
                   description="column norms sqrt(lam_j - sigma^2_MLE), j <= k, of W_MLE (the scaled principal "
                               "components; the decoder's column norms at the linear VAE's optimum, lucas.lemma2): "
                               "(eigenvalues [..., n], *, latent_dim = k) -> [..., k]"),
        KernelSpec(name="linear_vae_elbo", claim="lucas.elbo_closed_form", builder=linear_vae_elbo_kernel,
                   sample=linear_vae_elbo_sample, reference=linear_vae_elbo_reference, **facts,
                   description="closed-form ELBO per data point of the linear VAE, parameters in the eigenbasis of "
                               "S: (eigenvalues [..., n], *, W [..., n, k], V [..., k, n], D [..., k], s [...]: the "
                               "decoder variance sigma^2) -> [...]"),
    ]
