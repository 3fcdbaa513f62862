"""Spectrum-level kernels of the learnable decoder variance (G, G', s*, surviving modes, regime, collapse thresholds)
compiled from the verified closed forms, with their input validation, the ``DecoderVarianceRegime`` values, samples
inside their domain and one-row mpmath references; offered through ``kernel_sources()``.

Every builder and reference takes the spectrum zeta as its only positional argument and the rest by keyword:
``beta``, ``latent_dim`` (d1), ``target_dim`` (d2), ``s`` (the decoder variance, G and G' only), ``residual`` (c),
``partition`` (G only) and ``backend`` (builders only); the samplers return ``((zeta,), kwargs)`` with those
keywords."""

from __future__ import annotations

import enum
import itertools
from collections.abc import Callable, Sequence
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from symbolic_vae._core import validation as v
from symbolic_vae._engine.campaigns import cached
from symbolic_vae._engine.kernel_spec import KernelSpec, SpectrumArgument
from symbolic_vae._engine.runner import check_backend
from symbolic_vae._papers.wz2022.decoder_variance.forms import _compiled, _kernel_forms

_QUADRATIC_ARGUMENTS = ("s",)
"""Arguments of the builders in the units of zeta^2 (their supported range is the quadratic one)."""


def _prepare(zeta: Any, latent_dim: Any, target_dim: Any, residual: Any, **positive: Any
             ) -> tuple[np.ndarray, list[np.ndarray], int, int, dict[str, np.ndarray]]:
    """Validate, in one place and before any work, zeta [..., d] (sorted, non-negative, in the supported range),
    the sizes d1 = latent_dim, d2 = target_dim (integers, d <= d2), residual >= 0 and the positive scalars (beta;
    s, a variance), and broadcast the batch shape [...] of zeta with the shapes of the other arguments (e.g. one
    spectrum and a grid of s); returns (zeta, its columns, d1, d2, named arrays), all of the common batch shape."""
    from symbolic_vae._core import validation as v
    from symbolic_vae._core.errors import SymbolicVAEError

    z = v.spectrum("zeta", zeta)
    d1, d2 = v.dimension("latent_dim", latent_dim), v.dimension("target_dim", target_dim)
    if z.shape[-1] > d2:
        raise SymbolicVAEError(f"zeta: {z.shape[-1]} singular values but target_dim = d2 = {d2} (d* = min(d0, d2) "
                               "<= d2)")
    arrays = {"residual": v.non_negative_values("residual", residual, quadratic=True)}
    for name, value in positive.items():
        arrays[name] = v.positive_values(name, value, quadratic=name in _QUADRATIC_ARGUMENTS)
    batch = v.batch_shape({"zeta": z.shape[:-1], **{k: a.shape for k, a in arrays.items()}})
    v.output_size("zeta", (*batch, z.shape[-1]))
    z = np.broadcast_to(z, (*batch, z.shape[-1]))
    return z, [z[..., i] for i in range(z.shape[-1])], d1, d2, {k: np.broadcast_to(a, batch)
                                                               for k, a in arrays.items()}


# --- the builders
def G_kernel(zeta: Any, *, beta: Any, latent_dim: int, target_dim: int, s: Any, residual: Any = 0.0,
             partition: bool = True, backend: str = "numpy") -> np.ndarray:
    """G(s) = min over (U, W, Sigma) of L^LDV: zeta [..., d] -> [...], with beta, s, residual c broadcast to [...]
    and d1 = latent_dim, d2 = target_dim (finite for every s in the supported range; G -> -inf only in the limit
    s -> 0, which is outside it). ``partition`` (default True: G is the model's loss) keeps the decoder's
    log-partition (d2/2) log(2 pi s); without it, G(s) = ``minimal_loss(..., eta_dec = sqrt(s))``."""
    backend = check_backend(backend)
    partition = v.flag("partition", partition)
    z, cols, d1, d2, nv = _prepare(zeta, latent_dim, target_dim, residual, beta=beta, s=s)
    G = _compiled("G", z.shape[-1], d1, d2, backend)(*cols, nv["beta"], nv["s"], nv["residual"])
    return G if partition else G - d2 / 2 * np.log(2 * np.pi * nv["s"])


def G_prime_kernel(zeta: Any, *, beta: Any, latent_dim: int, target_dim: int, s: Any, residual: Any = 0.0,
                   backend: str = "numpy") -> np.ndarray:
    """G'(s) (corrected Eq. 49): zeta [..., d] -> [...], with beta, s, residual c broadcast to [...]."""
    backend = check_backend(backend)
    z, cols, d1, d2, nv = _prepare(zeta, latent_dim, target_dim, residual, beta=beta, s=s)
    return _compiled("G_prime", z.shape[-1], d1, d2, backend)(*cols, nv["beta"], nv["s"], nv["residual"])


def _regime_values(z: np.ndarray, cols: list[np.ndarray], d1: int, d2: int, nv: dict[str, np.ndarray],
                   backend: str) -> np.ndarray:
    return np.rint(_compiled("regime", z.shape[-1], d1, d2, backend)(*cols, nv["beta"], nv["residual"])
                   ).astype(np.int64)


class DecoderVarianceRegime(enum.IntEnum):
    """The shape of G(s) = min over (U, W, Sigma) of the loss at decoder variance s = eta_dec^2: the integers of the
    kernel ``decoder_variance_regime`` (R_m = c + sum_{i > d1} zeta_i^2, hat d_1 = the non-zero modes among the first
    d1)."""

    NO_MINIMIZER = 0
    """R_m = 0 and beta hat d_1 < d2: G -> -inf as s -> 0 (the model fits the data exactly); no minimizer, so
    ``optimal_decoder_variance`` is NaN."""
    INTERVAL = 1
    """R_m = 0 and beta hat d_1 = d2: every s in (0, s*] minimizes G; ``optimal_decoder_variance`` is s*."""
    UNIQUE = 2
    """Otherwise: one minimizer s* > 0."""

    @property
    def description(self) -> str:
        return {0: "no minimizer: G(s) -> -oo as s -> 0 (the model can fit the data exactly)",
                1: "an interval (0, s*] of minimizers; s* is its right end", 2: "a unique minimizer"}[int(self)]


def s_star_kernel(zeta: Any, *, beta: Any, latent_dim: int, target_dim: int, residual: Any = 0.0,
                  backend: str = "numpy") -> np.ndarray:
    """eta_dec*^2 = argmin_s G (corrected Theorem 4): zeta [..., d] -> [...] (beta, residual c broadcast to [...]);
    NaN where G has no minimizer (regime DecoderVarianceRegime.NO_MINIMIZER: G -> -inf as s -> 0), the largest
    minimizer s_(hat d_1) where the minimizers form (0, s_(hat d_1)] (INTERVAL), the minimizer otherwise (UNIQUE)."""
    backend = check_backend(backend)
    z, cols, d1, d2, nv = _prepare(zeta, latent_dim, target_dim, residual, beta=beta)
    s_star = _compiled("s_star", z.shape[-1], d1, d2, backend)(*cols, nv["beta"], nv["residual"])
    none = _regime_values(z, cols, d1, d2, nv, backend) == DecoderVarianceRegime.NO_MINIMIZER
    return np.where(none, np.nan, s_star)


def surviving_modes_kernel(zeta: Any, *, beta: Any, latent_dim: int, target_dim: int, residual: Any = 0.0,
                           backend: str = "numpy") -> np.ndarray:
    """Number of latent modes alive at eta_dec*^2 (all hat d_1 when G has no minimizer): zeta [..., d] -> int [...]
    (beta, residual c broadcast to [...])."""
    backend = check_backend(backend)
    z, cols, d1, d2, nv = _prepare(zeta, latent_dim, target_dim, residual, beta=beta)
    alive = _compiled("survivors", z.shape[-1], d1, d2, backend)(*cols, nv["beta"], nv["residual"])
    return np.rint(alive).astype(np.int64)


def regime_kernel(zeta: Any, *, beta: Any, latent_dim: int, target_dim: int, residual: Any = 0.0,
                  backend: str = "numpy") -> np.ndarray:
    """The values of ``DecoderVarianceRegime``: 0 NO_MINIMIZER (G -> -oo as s -> 0);
    1 INTERVAL (minimizers (0, s_(hat d_1)]); 2 UNIQUE (a unique minimizer). zeta [..., d] -> int [...]."""
    backend = check_backend(backend)
    z, cols, d1, d2, nv = _prepare(zeta, latent_dim, target_dim, residual, beta=beta)
    return _regime_values(z, cols, d1, d2, nv, backend)


def collapse_thresholds_kernel(zeta: Any, *, latent_dim: int, target_dim: int, residual: Any = 0.0,
                               backend: str = "numpy") -> np.ndarray:
    """beta_p = d2 zeta_p^2 / (p zeta_p^2 + R_p) for p = 1..d1: mode p collapses at the optimum iff beta >= beta_p
    (0 for a zero mode or p > d: it is collapsed at every beta > 0): zeta [..., d] -> [..., d1]
    (d1 = latent_dim, d2 = target_dim, residual c broadcast to [...])."""
    from symbolic_vae._core import validation as v

    backend = check_backend(backend)
    z, cols, d1, d2, nv = _prepare(zeta, latent_dim, target_dim, residual)
    out = np.zeros(v.output_size("latent_dim", (*z.shape[:-1], d1)))
    for p, f in enumerate(_compiled("thresholds", z.shape[-1], d1, d2, backend)):
        out[..., p] = f(*cols, nv["residual"])
    return out


def _s_star_sample(rng: np.random.Generator, n: int) -> tuple[tuple, dict[str, Any]]:
    """``s_star_sample`` rows where G has a minimizer (regimes INTERVAL and UNIQUE; at least one of each in 8 rows):
    the round trip compares values, and on NO_MINIMIZER rows the kernel is NaN by definition (tested apart)."""
    while True:
        (zeta,), kwargs = s_star_sample(rng, 4 * n + 8)
        keep = np.flatnonzero(regime_kernel(zeta, **kwargs) != 0)[:n]
        if keep.size == n:
            return (zeta[keep],), {**kwargs, "beta": kwargs["beta"][keep], "residual": kwargs["residual"][keep]}


def _s_star_reference(zeta: Sequence[float], *, beta: float, latent_dim: int, target_dim: int,
                      residual: float = 0.0) -> float:
    """``s_star_kernel`` at one row in mpmath: NaN where the regime is NO_MINIMIZER, as the kernel."""
    sizes = {"latent_dim": latent_dim, "target_dim": target_dim}
    if regime_reference(zeta, beta=beta, residual=residual, **sizes) == 0:
        return float("nan")
    return s_star_reference(zeta, beta=beta, residual=residual, **sizes)


# --- samples inside the kernels' domain, and one-row references in mpmath -----------------------------
SAMPLE_SIZES = ((4, 3, 4), (3, 4, 4), (2, 2, 8))
"""(d, d1, d2) of the samples (one per sample): d1 < d and d1 > d; d2 / m is a power of two for m = 1, 2, so the
regime-1 point beta = d2 / m, where beta meets the threshold beta_m, is exact in binary at every precision."""


SAMPLE_KINDS = ("generic", "ties", "regime 0", "regime 1", "regime 2", "generic", "ties", "no signal")
"""Rows of a sample, in turn: random spectra and beta off the thresholds; dyadic spectra with ties and zeros (exact
squares and sums); R_m = c + sum_{i > d1} zeta_i^2 = 0 with beta hat d_1 < d2, = d2, > d2; zeta = 0 (c = 0 or > 0)."""


SAMPLE_MARGIN = 0.05
"""Relative distance of a sampled beta or s from every threshold beta_p and breakpoint zeta_i^2 / beta."""


DYADIC_ZETA = (0.5, 1.0, 1.5, 2.0)


def _sample_thresholds(zeta: np.ndarray, d1: int, d2: int, c: float) -> list[float]:
    """beta_p of the non-zero modes p <= min(d1, d) of one spectrum zeta [d] (numpy, only to place samples)."""
    z2 = zeta**2
    return [float(d2 * z2[p - 1] / (p * z2[p - 1] + c + z2[p:].sum())) for p in range(1, min(d1, len(zeta)) + 1)
            if z2[p - 1] > 0]


def _away_from(rng: np.random.Generator, lo: float, hi: float, avoid: Sequence[float]) -> float:
    """Log-uniform in [lo, hi], farther than SAMPLE_MARGIN (relative) from every value of ``avoid``."""
    for _ in range(1000):
        x = float(np.exp(rng.uniform(np.log(lo), np.log(hi))))
        if all(abs(x - a) > SAMPLE_MARGIN * a for a in avoid):
            return x
    raise RuntimeError(f"no sample in [{lo}, {hi}] away from {avoid}")


def _dyadic_spectrum(rng: np.random.Generator, d: int, nonzero: int, *, tie: bool) -> np.ndarray:
    """zeta [d]: ``nonzero`` sorted values from DYADIC_ZETA (with a tie if ``tie`` and there are two), then zeros."""
    zeta = np.zeros(d)
    zeta[:nonzero] = np.sort(rng.choice(DYADIC_ZETA, nonzero))[::-1]
    if tie and nonzero >= 2:
        first = int(rng.integers(nonzero - 1))
        zeta[first + 1] = zeta[first]
    return zeta


def _beta_between(rng: np.random.Generator, thresholds: Sequence[float], lo: float, hi: float) -> float:
    """beta in (lo, hi), off the thresholds, in a gap between consecutive thresholds (or beyond them) drawn
    uniformly, so that every number of surviving modes is drawn."""
    edges = [lo, *sorted({t for t in thresholds if lo < t < hi}), hi]
    gaps = [(a, b) for a, b in itertools.pairwise(edges) if b > a * (1 + 3 * SAMPLE_MARGIN)]
    a, b = gaps[int(rng.integers(len(gaps)))]
    return _away_from(rng, a, b, thresholds)


def _sample_row(rng: np.random.Generator, kind: str, d: int, d1: int, d2: int) -> tuple[np.ndarray, float, float]:
    """(zeta [d], beta, c) of one row of ``kind`` (see SAMPLE_KINDS)."""
    K = min(d1, d)
    if kind == "no signal":
        c = float(rng.uniform(0.1, 1.0)) if rng.random() < 0.5 else 0.0
        return np.zeros(d), _away_from(rng, 0.2, 5.0, []), c
    if kind in ("generic", "ties"):
        if kind == "generic":
            zeta = np.sort(rng.uniform(0.2, 2.0, d))[::-1]
            c = float(rng.uniform(0.1, 1.0)) if rng.random() < 0.5 else 0.0
        else:
            zeta = _dyadic_spectrum(rng, d, int(rng.integers(1, d + 1)), tie=True)
            c = float(rng.choice((0.0, 0.25, 0.5)))
        thresholds = _sample_thresholds(zeta, d1, d2, c)
        return zeta, _beta_between(rng, thresholds, 0.3 * min(thresholds), 3 * max(thresholds)), c
    # R_m = 0: c = 0 and zeta_i = 0 beyond the first m <= min(d1, d) modes, so beta_m = d2 / m
    m = int(rng.integers(1, min(K, 2) + 1)) if kind == "regime 1" else int(rng.integers(1, K + 1))
    zeta = _dyadic_spectrum(rng, d, m, tie=rng.random() < 0.5)
    thresholds = _sample_thresholds(zeta, d1, d2, 0.0)
    if kind == "regime 0":
        return zeta, _away_from(rng, 0.2 * d2 / m, d2 / m, thresholds), 0.0
    if kind == "regime 1":
        return zeta, d2 / m, 0.0
    return zeta, _beta_between(rng, thresholds, d2 / m, 3 * max(thresholds)), 0.0


def _sample_spectra(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int]:
    """(zeta [n, d], beta [n], c [n], d1, d2): one size from SAMPLE_SIZES, rows of every kind in turn."""
    d, d1, d2 = SAMPLE_SIZES[int(rng.integers(len(SAMPLE_SIZES)))]
    rows = [_sample_row(rng, SAMPLE_KINDS[i % len(SAMPLE_KINDS)], d, d1, d2) for i in range(n)]
    zeta = np.array([row[0] for row in rows]).reshape(n, d)
    return zeta, np.array([row[1] for row in rows]), np.array([row[2] for row in rows]), d1, d2


def _sample_s(rng: np.random.Generator, zeta: np.ndarray, beta_values: np.ndarray, d1: int) -> np.ndarray:
    """s [n] on both sides of the breakpoints zeta_i^2 / beta (i <= d1; mode i is collapsed for s >= them)."""
    out = []
    for z, b in zip(zeta, beta_values, strict=True):
        breakpoints = [float(x**2 / b) for x in z[:d1] if x > 0]
        lo, hi = (0.3 * min(breakpoints), 3 * max(breakpoints)) if breakpoints else (0.1, 3.0)
        out.append(_away_from(rng, lo, hi, breakpoints))
    return np.array(out)


def G_sample(rng: np.random.Generator, n: int) -> tuple[tuple, dict[str, Any]]:
    """Arguments of ``G_kernel`` / ``G_prime_kernel`` for n rows: (zeta [n, d],), {"beta": [n], "latent_dim": d1,
    "target_dim": d2, "s": [n], "residual": c [n]}."""
    zeta, beta_values, c, d1, d2 = _sample_spectra(rng, n)
    s_values = _sample_s(rng, zeta, beta_values, d1)
    return (zeta,), {"beta": beta_values, "latent_dim": d1, "target_dim": d2, "s": s_values, "residual": c}


def s_star_sample(rng: np.random.Generator, n: int) -> tuple[tuple, dict[str, Any]]:
    """Arguments of the s*, surviving-modes and regime kernels for n rows: (zeta [n, d],), {"beta": [n],
    "latent_dim": d1, "target_dim": d2, "residual": c [n]}."""
    zeta, beta_values, c, d1, d2 = _sample_spectra(rng, n)
    return (zeta,), {"beta": beta_values, "latent_dim": d1, "target_dim": d2, "residual": c}


def collapse_thresholds_sample(rng: np.random.Generator, n: int) -> tuple[tuple, dict[str, Any]]:
    """Arguments of ``collapse_thresholds_kernel`` for n rows: (zeta [n, d],), {"latent_dim": d1, "target_dim": d2,
    "residual": c [n]}."""
    zeta, _, c, d1, d2 = _sample_spectra(rng, n)
    return (zeta,), {"latent_dim": d1, "target_dim": d2, "residual": c}


@cached
def _reference_functions(kind: str, d: int, d1: int, d2: int) -> tuple[Callable[..., Any], ...]:
    """The closed forms of kernel ``kind`` lambdified for mpmath (a Piecewise evaluates its taken branch only)."""
    exprs, args = _kernel_forms(kind, d, d1, d2)
    return tuple(sp.lambdify(args, expr, "mpmath") for expr in exprs)


def _reference(kind: str, zeta: Sequence[float], d1: int, d2: int, *scalars: float) -> list[float]:
    """The closed forms of kernel ``kind`` at one spectrum zeta [d] and ``scalars`` (beta, s, c as the kernel takes
    them) in mpmath at the working precision, rounded to floats at the end."""
    point = [mpmath.mpf(float(v)) for v in (*zeta, *scalars)]
    return [float(f(*point)) for f in _reference_functions(kind, len(zeta), int(d1), int(d2))]


def G_reference(zeta: Sequence[float], *, beta: float, latent_dim: int, target_dim: int, s: float,
                residual: float = 0.0) -> float:
    """``G_kernel`` at one row (zeta [d]) in mpmath."""
    return _reference("G", zeta, latent_dim, target_dim, beta, s, residual)[0]


def G_prime_reference(zeta: Sequence[float], *, beta: float, latent_dim: int, target_dim: int, s: float,
                      residual: float = 0.0) -> float:
    """``G_prime_kernel`` at one row (zeta [d]) in mpmath."""
    return _reference("G_prime", zeta, latent_dim, target_dim, beta, s, residual)[0]


def s_star_reference(zeta: Sequence[float], *, beta: float, latent_dim: int, target_dim: int,
                     residual: float = 0.0) -> float:
    """``s_star_kernel`` at one row (zeta [d]) in mpmath."""
    return _reference("s_star", zeta, latent_dim, target_dim, beta, residual)[0]


def surviving_modes_reference(zeta: Sequence[float], *, beta: float, latent_dim: int, target_dim: int,
                              residual: float = 0.0) -> float:
    """``surviving_modes_kernel`` at one row (zeta [d]) in mpmath (a count, as a float)."""
    return _reference("survivors", zeta, latent_dim, target_dim, beta, residual)[0]


def regime_reference(zeta: Sequence[float], *, beta: float, latent_dim: int, target_dim: int,
                     residual: float = 0.0) -> float:
    """``regime_kernel`` at one row (zeta [d]) in mpmath (0, 1 or 2, as a float)."""
    return _reference("regime", zeta, latent_dim, target_dim, beta, residual)[0]


def collapse_thresholds_reference(zeta: Sequence[float], *, latent_dim: int, target_dim: int,
                                  residual: float = 0.0) -> list[float]:
    """``collapse_thresholds_kernel`` at one row (zeta [d]) in mpmath: [d1] floats (0 for p > d)."""
    thresholds = _reference("thresholds", zeta, latent_dim, target_dim, residual)
    return thresholds + [0.0] * (int(latent_dim) - len(thresholds))


ZERO_SINGULAR_VALUES = ("zeta holds d <= d2 values; zero singular values (modes beyond rank A) may be passed or "
                        "left out, with the same result")
"""How every kernel of the section counts zero eigenvalues of a rank-deficient A (checked: padding zeta with zeros
up to d2 leaves every output unchanged)."""


def kernel_sources() -> list[KernelSpec]:
    """Spectrum-level kernels (not per mode), each built only from closed forms whose claims are listed; builders
    take zeta [..., d] numpy (singular values of Z; zero ones may be left out; the only positional argument), the
    rest by keyword (broadcast), and ``backend=`` ("numpy", "torch", "torch-compiled"); ``sample(rng, n)`` gives
    ((zeta,), kwargs) for n rows and ``reference`` evaluates one row in mpmath with the same keywords."""
    facts = {"spectrum": SpectrumArgument.SINGULAR_VALUES, "zero_eigenvalues": ZERO_SINGULAR_VALUES}
    return [
        KernelSpec(name="decoder_variance_G", claim="decvar.G_model", builder=G_kernel, sample=G_sample,
                   reference=G_reference, **facts,
                   description="G(s) = min over (U, W, Sigma) of the loss with learnable decoder variance s = "
                               "eta_dec^2: (zeta [..., d], *, beta, latent_dim = d1, target_dim = d2, s, residual = "
                               "c, partition = True) -> [...]"),
        KernelSpec(name="decoder_variance_G_prime", claim="decvar.eq49_corrected", builder=G_prime_kernel,
                   sample=G_sample, reference=G_prime_reference, **facts,
                   description="G'(s) = ((d2 - beta p) s - R_p)/(2 s^2): (zeta [..., d], *, beta, latent_dim, "
                               "target_dim, s, residual) -> [...]"),
        KernelSpec(name="optimal_decoder_variance", claim="decvar.table1_corrected", builder=s_star_kernel,
                   sample=_s_star_sample, reference=_s_star_reference, **facts,
                   description="eta_dec*^2 = R_k/(d2 - beta k): (zeta [..., d], *, beta, latent_dim, target_dim, "
                               "residual) -> [...] (NaN "
                               "where G has no minimizer, regime NO_MINIMIZER: G -> -inf as s -> 0; s_(hat d_1), "
                               "the right end, where the minimizers form an interval)"),
        KernelSpec(name="decoder_variance_surviving_modes", claim="decvar.table1_corrected",
                   builder=surviving_modes_kernel, sample=s_star_sample, reference=surviving_modes_reference,
                   **facts, description="modes alive at eta_dec*^2: (zeta [..., d], *, beta, latent_dim, target_dim, "
                                        "residual) -> int [...]"),
        KernelSpec(name="decoder_variance_regime", claim="decvar.table1_corrected", builder=regime_kernel,
                   sample=s_star_sample, reference=regime_reference, **facts,
                   description="the regime of G, a DecoderVarianceRegime (symbolic_vae._kernels.build): 0 "
                               "NO_MINIMIZER (G -> -inf as s -> 0), 1 INTERVAL of minimizers (0, s*], 2 UNIQUE "
                               "minimizer: (zeta [..., d], *, beta, latent_dim, target_dim, residual) -> int [...]"),
        KernelSpec(name="decoder_variance_collapse_thresholds", claim="decvar.thm4_eq58_corrected",
                   builder=collapse_thresholds_kernel, sample=collapse_thresholds_sample,
                   reference=collapse_thresholds_reference, **facts,
                   description="beta_p at which mode p collapses (learnable eta_dec): (zeta [..., d], *, latent_dim "
                               "= d1, target_dim = d2, residual) -> [..., d1]"),
    ]
