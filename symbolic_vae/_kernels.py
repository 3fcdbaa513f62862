"""Numeric kernels built only from verified (or corrected) closed forms, vectorized over batches of spectra.

Every derivation module may offer per-mode closed forms through ``kernel_sources()``; a kernel records the claim it
came from and that claim's verdict, which is computed (once per process) when the kernel is first asked for. A
kernel whose claim is REFUTED or INCONCLUSIVE is never built.

Spectra are arrays zeta [..., d] of singular values of Z, non-negative and non-increasing along the last axis;
beta, eta_enc, eta_dec are positive and broadcast against the batch shape [...].
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from numeric_backend import compile_expression

from ._errors import SymbolicVAEError
from ._model import beta, eta_dec, eta_enc
from ._registry import DERIVATION_MODULES, check_backend, claim_verdict
from ._verdict import Status

Sample = Callable[[np.random.Generator, int], tuple[tuple[Any, ...], dict[str, Any]]]
"""``sample(rng, n) -> (args, kwargs)``: a batch of n points (batch axis first) inside a kernel's domain."""

_NAMED_SCALARS = {beta: "beta", eta_enc: "eta_enc", eta_dec: "eta_dec"}


def sample_spectra(rng: np.random.Generator, n: int, d: int = 4, high: float = 3.0) -> np.ndarray:
    """Spectra zeta [n, d], non-increasing in [0, high], with exact ties (rows 1 mod 4) and zeros (rows 2 mod 4)."""
    zeta = -np.sort(-rng.uniform(0.0, high, size=(n, d)), axis=-1)
    zeta[1::4, 1] = zeta[1::4, 0]
    zeta[2::4, -2:] = 0.0
    return zeta


@dataclass(frozen=True)
class KernelSource:
    """A per-mode closed form offered by a derivation: ``expr`` in ``args`` (zeta first), from ``claim``."""

    name: str
    claim: str
    expr: sp.Expr
    args: tuple[sp.Symbol, ...]
    description: str

    def __post_init__(self) -> None:
        assert self.args and self.args[0].name == "zeta", f"kernel {self.name}: first argument must be zeta"
        assert self.expr.free_symbols <= set(self.args), f"kernel {self.name}: free symbols outside args"

    def sample(self, rng: np.random.Generator, n: int) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """zeta [n, 4] (ties, zeros), beta, eta_enc, eta_dec [n] and any further per-mode argument [n, 4]."""
        zeta = sample_spectra(rng, n)
        scalars = tuple(rng.uniform(0.2, 3.0, n) if s is beta else rng.uniform(0.5, 2.0, n)
                        for s in (beta, eta_enc, eta_dec))
        extra = {s.name: rng.uniform(0.3, 2.0, zeta.shape) for s in self.args[1:] if s not in _NAMED_SCALARS}
        return (zeta, *scalars), extra

    def reference(self, zeta: Any, beta_value: Any, eta_enc_value: Any, eta_dec_value: Any, **extra: Any
                  ) -> list[float]:
        """The expression per mode of one row (zeta [d], scalars, extras [d]) by mpmath at the working precision."""
        import mpmath

        function = sp.lambdify(self.args, self.expr, "mpmath")
        named = {beta: beta_value, eta_enc: eta_enc_value, eta_dec: eta_dec_value}
        out = []
        for i, z in enumerate(zeta):
            values = [named[s] if s in named else extra[s.name][i] for s in self.args[1:]]
            out.append(float(function(mpmath.mpf(float(z)), *(mpmath.mpf(float(v)) for v in values))))
        return out


@dataclass(frozen=True)
class BuilderSource:
    """A spectrum-level kernel offered by a derivation: ``builder(zeta [..., d], ..., backend=...)`` built from the
    verified expressions of ``claim``; ``sample`` draws points of its domain and ``reference`` evaluates one row of
    the same expressions with mpmath."""

    name: str
    claim: str
    builder: Callable[..., np.ndarray]
    description: str
    sample: Sample | None = None
    reference: Callable[..., Any] | None = None


def kernel_sources() -> dict[str, KernelSource | BuilderSource]:
    """Every closed form offered by the derivation modules, by kernel name."""
    out: dict[str, KernelSource | BuilderSource] = {}
    for name in DERIVATION_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name == name:
                continue
            raise
        for raw in getattr(module, "kernel_sources", list)():
            if "builder" in raw:
                source: KernelSource | BuilderSource = BuilderSource(
                    raw["name"], raw["claim"], raw["builder"], raw["description"], raw.get("sample"),
                    raw.get("reference"))
            else:
                source = KernelSource(raw["name"], raw["claim"], raw["expr"], tuple(raw["args"]), raw["description"])
            if source.name in out:
                raise RuntimeError(f"two derivations offer a kernel named {source.name}")
            out[source.name] = source
    return out


def _positive(name: str, value: Any, batch: tuple[int, ...]) -> np.ndarray:
    arr = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise SymbolicVAEError(f"{name}: contains NaN or inf")
    if np.any(arr <= 0):
        raise SymbolicVAEError(f"{name}: must be positive, got minimum {arr.min():.6g}")
    try:
        return np.broadcast_to(arr, batch)[..., None]
    except ValueError:
        raise SymbolicVAEError(f"{name}: shape {arr.shape} does not broadcast to the batch shape {batch} of zeta "
                               f"[..., d]") from None


def check_spectrum(zeta: Any) -> np.ndarray:
    """Validate zeta [..., d]: finite, non-negative, non-increasing along the last axis."""
    try:
        arr = np.asarray(zeta, dtype=np.float64)
    except (TypeError, ValueError):
        raise SymbolicVAEError("zeta: not numeric") from None
    if arr.ndim == 0 or arr.shape[-1] == 0:
        raise SymbolicVAEError(f"zeta: expected shape [..., d] with d >= 1, got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise SymbolicVAEError("zeta: contains NaN or inf")
    if np.any(arr < 0):
        raise SymbolicVAEError(f"zeta: singular values must be non-negative, got minimum {arr.min():.6g}")
    if np.any(np.diff(arr, axis=-1) > 0):
        raise SymbolicVAEError("zeta: must be sorted in non-increasing order along the last axis")
    return arr


@dataclass(frozen=True)
class Kernel:
    """A per-mode kernel: call ``kernel(zeta [..., d], beta, eta_enc, eta_dec, *extra)`` -> [..., d]."""

    name: str
    claim: str
    status: Status
    description: str
    expr: sp.Expr
    args: tuple[sp.Symbol, ...]
    compiled: Callable[..., np.ndarray]
    backend: str = "numpy"

    def __post_init__(self) -> None:
        assert self.status.passed, f"kernel {self.name} from a claim that did not pass"

    def __call__(self, zeta: Any, beta_value: Any, eta_enc_value: Any, eta_dec_value: Any, **extra: Any
                 ) -> np.ndarray:
        z = check_spectrum(zeta)
        batch = z.shape[:-1]
        named = {beta: ("beta", beta_value), eta_enc: ("eta_enc", eta_enc_value),
                 eta_dec: ("eta_dec", eta_dec_value)}
        values = []
        for symbol in self.args[1:]:
            if symbol in named:
                label, value = named[symbol]
                values.append(_positive(label, value, batch))
            elif symbol.name in extra:
                values.append(_positive(symbol.name, extra.pop(symbol.name), z.shape[:-1] + z.shape[-1:])[..., 0])
            else:
                raise SymbolicVAEError(f"{symbol.name}: this kernel needs it as a keyword argument")
        if extra:
            raise SymbolicVAEError(f"{', '.join(extra)}: not an argument of kernel {self.name}")
        return self.compiled(z, *values)


@dataclass(frozen=True)
class SpectrumKernel:
    """A spectrum-level kernel: ``kernel(zeta [..., d], *args, **kwargs)``; see ``description`` for the rest."""

    name: str
    claim: str
    status: Status
    description: str
    builder: Callable[..., np.ndarray]
    backend: str = "numpy"

    def __post_init__(self) -> None:
        assert self.status.passed, f"kernel {self.name} from a claim that did not pass"

    def __call__(self, zeta: Any, *args: Any, **kwargs: Any) -> np.ndarray:
        if "backend" in kwargs:
            raise SymbolicVAEError(f"backend: kernel {self.name} was built for {self.backend!r}; ask kernel(name, "
                                   "backend) for another one")
        return self.builder(check_spectrum(zeta), *args, backend=self.backend, **kwargs)


_COMPILED: dict[tuple[str, str], Callable[..., np.ndarray]] = {}


def kernel(name: str, backend: str = "numpy") -> Kernel | SpectrumKernel:
    """The kernel ``name``, built from its claim's closed form once that claim's verdict is known to pass.

    ``backend`` ("numpy", "torch" or "torch-compiled") evaluates the kernel's expressions (compiled once per process,
    name and backend); inputs and outputs are numpy arrays on every backend.
    """
    backend = check_backend(backend)
    sources = kernel_sources()
    if name not in sources:
        raise SymbolicVAEError(f"kernel: unknown name {name!r}; known: {', '.join(sorted(sources))}")
    source = sources[name]
    verdict = claim_verdict(source.claim)
    if not verdict.status.passed:
        hint = f"; use the corrected claim {verdict.corrected_by}" if verdict.corrected_by else ""
        raise SymbolicVAEError(f"kernel {name}: its claim {source.claim} is {verdict.status.value}, so no kernel is "
                               f"built from it{hint}")
    if isinstance(source, BuilderSource):
        return SpectrumKernel(name, source.claim, verdict.status, source.description, source.builder, backend)
    if (name, backend) not in _COMPILED:  # inputs are validated in Kernel.__call__, so no second NaN check
        _COMPILED[name, backend] = compile_expression(source.expr, source.args, backend, check_finite=False)
    return Kernel(name, source.claim, verdict.status, source.description, source.expr, source.args,
                  _COMPILED[name, backend], backend)


def _latent_modes(zeta: np.ndarray, latent_dim: int | None) -> np.ndarray:
    d = zeta.shape[-1]
    d1 = d if latent_dim is None else int(latent_dim)
    if d1 < 1:
        raise SymbolicVAEError(f"latent_dim: must be a positive integer, got {latent_dim!r}")
    if d1 <= d:
        return zeta[..., :d1]
    return np.concatenate([zeta, np.zeros(zeta.shape[:-1] + (d1 - d,))], axis=-1)


def per_latent(name: str, backend: str = "numpy") -> Callable[..., np.ndarray]:
    """Kernel ``name`` applied to the d1 latent modes: zeta [..., d] -> [..., d1] (zeta_i = 0 for i > d)."""
    k = kernel(name, backend)

    def apply(zeta: Any, beta_value: Any, eta_enc_value: Any, eta_dec_value: Any, *, latent_dim: int | None = None
              ) -> np.ndarray:
        z = check_spectrum(zeta)
        return k(_latent_modes(z, latent_dim), beta_value, eta_enc_value, eta_dec_value)

    apply.__doc__ = f"{k.description} (from {k.claim}, {k.status.value}); zeta [..., d] -> [..., d1]"
    return apply


def surviving_modes(zeta: Any, beta_value: Any, eta_enc_value: Any, eta_dec_value: Any, *,
                    latent_dim: int | None = None, backend: str = "numpy") -> np.ndarray:
    """Number of latent modes that do not collapse at the global minimum (learnable Sigma):
    zeta [..., d] -> int array [...]."""
    per_mode = per_latent("mode_survives", backend)(zeta, beta_value, eta_enc_value, eta_dec_value,
                                                    latent_dim=latent_dim)
    return np.rint(per_mode.sum(axis=-1)).astype(np.int64)


def minimal_loss(zeta: Any, beta_value: Any, eta_enc_value: Any, eta_dec_value: Any, *,
                 latent_dim: int | None = None, residual: Any = 0.0, backend: str = "numpy") -> np.ndarray:
    """min over (U, W, Sigma) of L_VAE without the decoder's log-partition: zeta [..., d] -> [...].

    Modes inside the latent space contribute the verified per-mode minimum, modes beyond it contribute zeta_i^2,
    and ``residual`` = E||y||^2 - ||Z||_F^2 >= 0 (zero when y = x) is added, all over 2 eta_dec^2.
    """
    z = check_spectrum(zeta)
    d = z.shape[-1]
    d1 = d if latent_dim is None else int(latent_dim)
    inside = per_latent("mode_loss", backend)(z, beta_value, eta_enc_value, eta_dec_value, latent_dim=d1).sum(axis=-1)
    outside = (z[..., d1:] ** 2).sum(axis=-1) if d1 < d else 0.0
    res = np.asarray(residual, dtype=np.float64)
    if not np.all(np.isfinite(res)) or np.any(res < 0):
        raise SymbolicVAEError("residual: must be finite and >= 0 (it is E||y||^2 - ||Z||_F^2)")
    eta2 = _positive("eta_dec", eta_dec_value, z.shape[:-1])[..., 0] ** 2
    return (inside + outside + res) / (2 * eta2)
