"""Numeric kernels built only from verified (or corrected) closed forms, vectorized over batches of spectra.

Every derivation module may offer per-mode closed forms through ``kernel_sources()``; a kernel records the claim it
came from and that claim's verdict, which is computed (once per process) when the kernel is first asked for. A
kernel whose claim is REFUTED or INCONCLUSIVE is never built.

Spectra are arrays zeta [..., d] of singular values of Z, non-negative and non-increasing along the last axis;
beta, eta_enc, eta_dec are positive and broadcast against the batch shape [...].

Every kernel takes the spectrum as its only positional argument and everything else by keyword, one name per
quantity (``symbolic_vae._engine.kernel_spec.KEYWORDS``: beta, eta_enc, eta_dec, latent_dim = d1, target_dim = d2,
s, sigma2, sigma, residual, partition, backend), e.g. ``kernel("sigma_star")(zeta, beta=1.0, eta_enc=1.0,
eta_dec=1.0)``, ``surviving_modes(zeta, beta=..., eta_enc=..., eta_dec=..., latent_dim=3)`` or
``kernel("decoder_variance_G")(zeta, beta=..., latent_dim=..., target_dim=..., s=...)``. A positional value after
the spectrum, a missing keyword or an unknown one raises SymbolicVAEError naming it. Every argument is validated before
any work by the shared validators of ``symbolic_vae._core.validation`` (one error type, ``SymbolicVAEError``, naming the
argument): real numbers or arrays only (numpy, nested lists, torch tensors, detached; no bool, complex, string,
object or datetime values), finite, the shapes above, at most ``MAX_ELEMENTS`` entries.

Supported range (constants of ``symbolic_vae._core.validation``): singular values zeta in [0, 1e30] (MAX_MAGNITUDE),
each either 0 or at least 1e-150 (MIN_NONZERO_SPECTRUM, so that zeta^2 is a normal float64); beta, eta_enc, eta_dec
and sigma in [1e-30, 1e30] (MIN_POSITIVE, MAX_MAGNITUDE); real parameters (W, V) within +-1e30; quadratic quantities
(the residual c, the decoder variance s, variances sigma2 and D) in [0, 1e60], positive ones in [1e-60, 1e60]
(MIN_POSITIVE_QUADRATIC, MAX_QUADRATIC), eigenvalues 0 or in [1e-300, 1e60]. Inside it every kernel returns finite
values (closed forms whose float64 evaluation would cancel or overflow are compiled in an equal, stable form); the
only non-finite outputs are documented: ``optimal_decoder_variance`` is NaN where G has no minimizer (regime
``DecoderVarianceRegime.NO_MINIMIZER``: G -> -inf as s -> 0). Outside the range the kernels raise SymbolicVAEError
naming the argument and the range, instead of overflowing.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import sympy as sp

from symbolic_vae._core import validation as v
from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._core.verdict import Status
from symbolic_vae._engine.kernel_spec import (
    KernelSpec,
    KeywordSignature,
    Sample,
    SpectrumArgument,
    compiled,
    keyword_only,
)
from symbolic_vae._engine.runner import check_backend, verdict_of
from symbolic_vae._engine.store import verdict_store
from symbolic_vae._papers.sections import offered_kernels, paper_claim
from symbolic_vae._papers.wz2022.decoder_variance import DecoderVarianceRegime  # noqa: F401 - the values of decoder_variance_regime

SCALARS = ("beta", "eta_enc", "eta_dec")
"""The model's scalars: keyword arguments of every per-mode kernel, also of one whose expression leaves one out (each
is validated all the same, so every per-mode kernel is called the same way)."""


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

    @property
    def extra(self) -> tuple[str, ...]:
        """The per-mode arguments besides zeta and the scalars (e.g. sigma), by name."""
        return tuple(s.name for s in self.args[1:] if s.name not in SCALARS)

    def sample(self, rng: np.random.Generator, n: int) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """((zeta [n, 4],), {beta, eta_enc, eta_dec: [n], further per-mode arguments: [n, 4]}); zeta with ties and
        zeros."""
        zeta = sample_spectra(rng, n)
        scalars = {name: rng.uniform(0.2, 3.0, n) if name == "beta" else rng.uniform(0.5, 2.0, n)
                   for name in SCALARS}
        extra = {name: rng.uniform(0.3, 2.0, zeta.shape) for name in self.extra}
        return (zeta,), scalars | extra

    def reference(self, zeta: Any, *, beta: Any, eta_enc: Any, eta_dec: Any, **extra: Any) -> list[float]:
        """The expression per mode of one row (zeta [d], the scalars, extras such as sigma [d], by keyword) by mpmath
        at the working precision."""
        import mpmath

        function = sp.lambdify(self.args, self.expr, "mpmath")
        named = {"beta": beta, "eta_enc": eta_enc, "eta_dec": eta_dec}
        out = []
        for i, z in enumerate(zeta):
            values = [named[s.name] if s.name in named else extra[s.name][i] for s in self.args[1:]]
            out.append(float(function(mpmath.mpf(float(z)), *(mpmath.mpf(float(v)) for v in values))))
        return out


@dataclass(frozen=True)
class BuilderSource:
    """A spectrum-level kernel offered by a derivation: ``builder(zeta [..., d], *, ..., backend=...)`` built from the
    verified expressions of ``claim``, the spectrum its only positional argument and every other keyword-only;
    ``sample`` draws points of its domain (``((spectrum,), kwargs)``) and ``reference`` evaluates one row of the
    same expressions with mpmath, taking the same keywords. ``spectrum`` says whether the spectrum argument holds
    singular values or eigenvalues, ``zero_eigenvalues`` how the zero eigenvalues of a rank-deficient input are
    counted (both also in ``description``)."""

    name: str
    claim: str
    builder: Callable[..., np.ndarray]
    description: str
    sample: Sample | None = None
    reference: Callable[..., Any] | None = None
    spectrum: SpectrumArgument | None = None
    zero_eigenvalues: str | None = None


def kernel_sources() -> dict[str, KernelSource | BuilderSource]:
    """Every closed form offered by the derivation modules, by kernel name."""
    out: dict[str, KernelSource | BuilderSource] = {}
    for spec in offered_kernels():
        source = _source(spec)
        if source.name in out:
            raise RuntimeError(f"two derivations offer a kernel named {source.name}")
        out[source.name] = source
    return out


def _source(spec: KernelSpec) -> KernelSource | BuilderSource:
    """The public source of one section's KernelSpec (its description with the declared spectrum facts)."""
    if spec.per_mode:
        assert spec.expr is not None
        return KernelSource(spec.name, spec.claim, spec.expr, spec.args, spec.full_description)
    assert spec.builder is not None
    return BuilderSource(spec.name, spec.claim, spec.builder, spec.full_description, spec.sample, spec.reference,
                         spec.spectrum, spec.zero_eigenvalues)


def claim_verdict(claim_id: str) -> Any:
    """The verdict of the section claim ``claim_id`` that gates a kernel: from the verdict store when this code
    computed it before, else computed (once per process) and stored."""
    return verdict_of(paper_claim(claim_id), store=verdict_store())


def check_spectrum(zeta: Any, name: str = "zeta") -> np.ndarray:
    """Validate zeta [..., d] (d >= 1): real, finite, non-negative, non-increasing along the last axis, in the
    supported range (0 or [MIN_NONZERO_SPECTRUM, MAX_MAGNITUDE]); returns it as float64. ``name`` is the argument's
    name in the error messages (a non-empty string)."""
    if not isinstance(name, str) or not name:
        raise SymbolicVAEError(f"name: expected the argument's name as a non-empty string, got {name!r}")
    return v.spectrum(name, zeta)


def _stable_form(expr: sp.Expr) -> sp.Expr:
    """``expr`` in a form that evaluates without cancelling large terms, equal to it in exact arithmetic.

    Arithmetic around a Piecewise (e.g. zeta^2 - Piecewise((zeta^2 (x / zeta^2 + 1), cond), (0, True))) is folded
    into the branches and each branch is cancelled as a rational function of its atoms (logs and roots kept whole),
    so the example becomes Piecewise((-x, cond), (zeta^2, True)): in float64 the unfolded form loses every digit of
    x once zeta^2 / x exceeds 1e16. Expressions that already are a Piecewise, or contain none, are left as they are.
    """
    if isinstance(expr, sp.Piecewise) or not expr.has(sp.Piecewise):
        return expr
    folded = sp.piecewise_fold(expr)
    if not isinstance(folded, sp.Piecewise):
        return expr
    return sp.Piecewise(*[(sp.cancel(branch), cond) for branch, cond in folded.args])


def _named_scalars(keywords: dict[str, Any], batch: tuple[int, ...]) -> dict[str, np.ndarray]:
    """beta, eta_enc, eta_dec of ``keywords`` validated (all three, also those a kernel does not use) and broadcast
    to the batch shape of zeta."""
    return {name: v.broadcast(name, v.positive_values(name, keywords[name]), batch,
                              against="zeta [..., d] (its batch axes)") for name in SCALARS}


def _per_mode_signature(args: tuple[sp.Symbol, ...], what: str, callee: str,
                        optional: tuple[str, ...] = ()) -> KeywordSignature:
    """``callee(zeta, *, beta, eta_enc, eta_dec, <further per-mode arguments>, <optional>)``."""
    extra = tuple(s.name for s in args[1:] if s.name not in SCALARS)
    return KeywordSignature(what, callee, "zeta", (*SCALARS, *extra), optional, tuple((k, None) for k in optional))


def _per_mode_inputs(args: tuple[sp.Symbol, ...], zeta: Any, keywords: dict[str, Any], latent_dim: Any = None
                     ) -> tuple[np.ndarray, list[np.ndarray]]:
    """Every argument of a per-mode kernel (bound by its KeywordSignature) validated, in one place, before any
    work: zeta [..., d] (padded with zeros or cut to ``latent_dim`` modes when given), the scalars [..., 1] and
    further per-mode arguments [..., d1]."""
    z = check_spectrum(zeta)
    batch = z.shape[:-1]
    d1 = z.shape[-1] if latent_dim is None else v.dimension("latent_dim", latent_dim)
    v.output_size("latent_dim" if latent_dim is not None else "zeta", (*batch, d1))
    scalars = _named_scalars(keywords, batch)
    values = []
    for symbol in args[1:]:
        if symbol.name in scalars:
            values.append(scalars[symbol.name][..., None])
        else:
            arr = v.positive_values(symbol.name, keywords[symbol.name])
            values.append(v.broadcast(symbol.name, arr, (*batch, d1), against="zeta [..., d]" if latent_dim is None
                                      else f"zeta [..., d] with latent_dim = {d1} modes"))
    if d1 < z.shape[-1]:
        z = z[..., :d1]
    elif d1 > z.shape[-1]:
        z = np.concatenate([z, np.zeros((*batch, d1 - z.shape[-1]))], axis=-1)
    return z, values


@dataclass(frozen=True)
class Kernel:
    """A per-mode kernel: ``kernel(zeta [..., d], *, beta, eta_enc, eta_dec, **extra)`` -> [..., d].

    zeta is the only positional argument. beta, eta_enc, eta_dec (positive, broadcast to the batch shape [...]) are
    required keywords of every per-mode kernel, also of one whose expression leaves one of them out (each is
    validated all the same); further per-mode arguments of the expression (e.g. ``sigma`` [..., d]) are required
    keywords too, by their symbol's name. A wrong call raises SymbolicVAEError naming the arguments.
    """

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

    @cached_property
    def keyword_signature(self) -> KeywordSignature:
        """``kernel(zeta, *, beta, eta_enc, eta_dec, <per-mode arguments>)``."""
        return _per_mode_signature(self.args, f"kernel {self.name}", "kernel")

    @property
    def __signature__(self) -> inspect.Signature:
        return self.keyword_signature.python_signature()

    def __call__(self, *args: Any, **kwargs: Any) -> np.ndarray:
        """zeta [..., d] (positional), beta, eta_enc, eta_dec [...] and any per-mode argument [..., d] by keyword
        -> [..., d]."""
        zeta, keywords = self.keyword_signature.bind(args, kwargs)
        z, values = _per_mode_inputs(self.args, zeta, keywords)
        return self.compiled(z, *values)


@dataclass(frozen=True)
class SpectrumKernel:
    """A spectrum-level kernel: ``kernel(spectrum, **keywords)``, the spectrum (zeta [..., d], or eigenvalues
    [..., n]) its only positional argument and every other keyword-only (``keyword_signature``; ``description``
    says what each is). A wrong call raises SymbolicVAEError naming the arguments."""

    name: str
    claim: str
    status: Status
    description: str
    builder: Callable[..., np.ndarray]
    backend: str = "numpy"

    def __post_init__(self) -> None:
        assert self.status.passed, f"kernel {self.name} from a claim that did not pass"

    @property
    def keyword_signature(self) -> KeywordSignature:
        """The builder's keyword convention (``backend`` is fixed by ``kernel(name, backend)``)."""
        signature = getattr(self.builder, "keyword_signature", None) or KeywordSignature.of(
            self.builder, f"kernel {self.name}", "kernel")
        return KeywordSignature(signature.what, signature.callee, signature.spectrum, signature.required,
                                tuple(k for k in signature.optional if k != "backend"),
                                tuple((k, d) for k, d in signature.defaults if k != "backend"))

    @property
    def __signature__(self) -> inspect.Signature:
        return self.keyword_signature.python_signature()

    def __call__(self, *args: Any, **kwargs: Any) -> np.ndarray:
        """The call is bound to ``keyword_signature``; the builder validates every argument before any work."""
        if "backend" in kwargs:
            raise SymbolicVAEError(f"backend: kernel {self.name} was built for {self.backend!r}; ask kernel(name, "
                                   "backend) for another one")
        spectrum, keywords = self.keyword_signature.bind(args, kwargs)
        return self.builder(spectrum, backend=self.backend, **keywords)


def kernel(name: str, backend: str = "numpy") -> Kernel | SpectrumKernel:
    """The kernel ``name``, built from its claim's closed form once that claim's verdict is known to pass.

    Call it with the spectrum as the only positional argument and everything else by keyword, e.g.
    ``kernel("sigma_star")(zeta, beta=..., eta_enc=..., eta_dec=...)`` -> [..., d]; ``inspect.signature`` of the
    kernel lists its keywords. ``backend`` ("numpy", "torch" or "torch-compiled") evaluates the kernel's expressions
    (compiled once per process, name and backend); inputs and outputs are numpy arrays on every backend.
    """
    backend = check_backend(backend)
    sources = kernel_sources()
    if not isinstance(name, str) or name not in sources:
        raise SymbolicVAEError(f"name: unknown name {v._describe(name)}; known kernels: {', '.join(sorted(sources))}")
    source = sources[name]
    verdict = claim_verdict(source.claim)
    if not verdict.status.passed:
        hint = f"; use the corrected claim {verdict.corrected_by}" if verdict.corrected_by else ""
        raise SymbolicVAEError(f"name: kernel {name}: its claim {source.claim} is {verdict.status.value}, so no "
                               f"kernel is built from it{hint}")
    if isinstance(source, BuilderSource):
        return SpectrumKernel(name, source.claim, verdict.status, source.description, source.builder, backend)
    # inputs are validated in Kernel.__call__, so no second NaN check
    (function,) = compiled(("per-mode kernel", name), lambda: ((_stable_form(source.expr),), source.args), backend)
    return Kernel(name, source.claim, verdict.status, source.description, source.expr, source.args, function,
                  backend)


def per_latent(name: str, backend: str = "numpy") -> Callable[..., np.ndarray]:
    """Kernel ``name`` applied to the d1 latent modes: ``apply(zeta [..., d], *, beta, eta_enc, eta_dec,
    latent_dim=None, **extra)`` -> [..., d1] (zeta_i = 0 for i > d; d1 = d when latent_dim is None; further per-mode
    arguments such as sigma are [..., d1]); the keywords are those of the kernel, plus ``latent_dim``."""
    k = kernel(name, backend)
    if not isinstance(k, Kernel):
        raise SymbolicVAEError(f"name: {name} is a spectrum-level kernel, not a per-mode one")
    signature = _per_mode_signature(k.args, f"per_latent({k.name})", f"per_latent({k.name!r})",
                                    optional=("latent_dim",))

    def apply(*args: Any, **kwargs: Any) -> np.ndarray:
        zeta, keywords = signature.bind(args, kwargs)
        z, values = _per_mode_inputs(k.args, zeta, keywords, latent_dim=keywords.get("latent_dim"))
        return k.compiled(z, *values)

    apply.__doc__ = (f"{k.description} (from {k.claim}, {k.status.value}); zeta [..., d] -> [..., d1]; call "
                     f"{signature.usage()}")
    apply.__signature__ = signature.python_signature()  # type: ignore[attr-defined]
    return apply


def _model_inputs(zeta: Any, keywords: dict[str, Any], latent_dim: Any, backend: Any
                  ) -> tuple[np.ndarray, dict[str, np.ndarray], int, str]:
    """zeta, the scalars (batch shape, by name), d1 and the backend of surviving_modes / minimal_loss, validated."""
    z = check_spectrum(zeta)
    d1 = z.shape[-1] if latent_dim is None else v.dimension("latent_dim", latent_dim)
    v.output_size("latent_dim", (*z.shape[:-1], d1))
    return z, _named_scalars(keywords, z.shape[:-1]), d1, check_backend(backend)


def _latent(z: np.ndarray, d1: int) -> np.ndarray:
    if d1 <= z.shape[-1]:
        return z[..., :d1]
    return np.concatenate([z, np.zeros((*z.shape[:-1], d1 - z.shape[-1]))], axis=-1)


def _evaluate(name: str, backend: str, z: np.ndarray, scalars: dict[str, np.ndarray]) -> np.ndarray:
    """Per-mode kernel ``name`` (arguments zeta and the named scalars only) on validated inputs."""
    k = kernel(name, backend)
    assert isinstance(k, Kernel) and {a.name for a in k.args[1:]} <= set(scalars), f"{name}: takes {k.args}"
    return k.compiled(z, *(scalars[a.name][..., None] for a in k.args[1:]))


@keyword_only("surviving_modes")
def surviving_modes(zeta: Any, *, beta: Any, eta_enc: Any, eta_dec: Any, latent_dim: int | None = None,
                    backend: str = "numpy") -> np.ndarray:
    """Number of latent modes that do not collapse at the global minimum (learnable Sigma):
    zeta [..., d] -> int array [...].

    zeta is the only positional argument; beta, eta_enc, eta_dec (positive, broadcast to [...]) are required
    keywords, ``latent_dim`` = d1 (default d) and ``backend`` optional ones."""
    z, scalars, d1, backend = _model_inputs(zeta, {"beta": beta, "eta_enc": eta_enc, "eta_dec": eta_dec}, latent_dim,
                                            backend)
    per_mode = _evaluate("mode_survives", backend, _latent(z, d1), scalars)
    return np.rint(per_mode.sum(axis=-1)).astype(np.int64)


@keyword_only("minimal_loss")
def minimal_loss(zeta: Any, *, beta: Any, eta_enc: Any, eta_dec: Any, latent_dim: int | None = None,
                 residual: Any = 0.0, partition: bool = False, target_dim: int | None = None,
                 backend: str = "numpy") -> np.ndarray:
    """min over (U, W, Sigma) of L_VAE: zeta [..., d] -> [...].

    zeta is the only positional argument; beta, eta_enc, eta_dec (positive, broadcast to [...]) are required
    keywords, the others optional. Modes inside the latent space (``latent_dim`` = d1, default d) contribute the
    verified per-mode minimum, modes beyond it contribute zeta_i^2, and ``residual`` = E||y||^2 - ||Z||_F^2 >= 0
    (zero when y = x; broadcast to [...]) is added, all over 2 eta_dec^2. ``partition`` (default False, as in the
    papers' trace form) adds the decoder's log-partition (d2/2) log(2 pi eta_dec^2), with d2 = ``target_dim``
    (required then), as ``vae_loss(partition=True)`` and ``decoder_variance_G`` (whose default is True) do.
    """
    z, scalars, d1, backend = _model_inputs(zeta, {"beta": beta, "eta_enc": eta_enc, "eta_dec": eta_dec}, latent_dim,
                                            backend)
    res = v.broadcast("residual", v.non_negative_values("residual", residual, quadratic=True), z.shape[:-1],
                      against="zeta [..., d] (its batch axes)")
    partition = v.flag("partition", partition)
    d2 = None if target_dim is None else v.dimension("target_dim", target_dim)
    if partition and d2 is None:
        raise SymbolicVAEError("target_dim: the log-partition (partition=True) needs the target dimension d2; got "
                               "None")
    inside = _evaluate("mode_loss", backend, _latent(z, d1), scalars).sum(axis=-1)
    outside = (z[..., d1:] ** 2).sum(axis=-1)
    loss = (inside + outside + res) / (2 * scalars["eta_dec"] ** 2)
    return loss + d2 / 2 * np.log(2 * np.pi * scalars["eta_dec"] ** 2) if partition else loss
