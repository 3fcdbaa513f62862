"""Kernels as typed data, and the one place where kernel expressions are compiled.

``KernelSpec`` is what a section offers from ``kernel_sources()``: a per-mode closed form (an expression in its
argument symbols, the spectrum value first) or a spectrum-level builder (with a sampler of its domain and a one-row
mpmath reference), the claim that gates it, and, for a spectrum-level kernel, two declared facts: whether its
spectrum argument holds singular values or their squares (eigenvalues), and how the zero eigenvalues of a
rank-deficient input are counted. ``compiled`` is the single memoized compile site: every kernel expression of the
package is compiled through it, once per process, key and backend, and only when first asked for (never at import).

Every kernel is called the same way: the spectrum (zeta, or the eigenvalues) is the only positional argument and
every other one is keyword-only, with one name per quantity across the package (``KEYWORDS``). ``KeywordSignature``
binds a call to that convention and raises ``SymbolicVAEError`` (never a bare TypeError) for extra positional
values, missing keywords and unknown ones; ``keyword_only`` applies it to a function.
"""

from __future__ import annotations

import enum
import functools
import inspect
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import sympy as sp

from numeric_backend import compile_expression
from symbolic_vae._core.errors import SymbolicVAEError

Sample = Callable[[np.random.Generator, int], tuple[tuple[Any, ...], dict[str, Any]]]
"""``sample(rng, n) -> ((spectrum,), kwargs)``: a batch of n points (batch axis first) inside a kernel's domain, the
spectrum as the one positional argument and everything else by keyword (the names the kernel and its reference
take)."""

KEYWORDS = {
    "beta": "the weight beta of the KL term",
    "eta_enc": "the prior scale eta_enc",
    "eta_dec": "the decoder scale eta_dec (fixed decoder variance eta_dec^2)",
    "latent_dim": "the latent dimension d1 (k in pPCA)",
    "target_dim": "the target dimension d2",
    "s": "the decoder variance s = eta_dec^2 (sigma^2 of pPCA)",
    "sigma2": "the encoder variances, Sigma = diag(sigma2)",
    "sigma": "the encoder standard deviation of each mode",
    "residual": "the residual c = E||y||^2 - ||Z||_F^2",
    "partition": "whether the decoder's log-partition (d2/2) log(2 pi s) is included",
    "backend": "the backend that evaluates the expressions",
}
"""The keyword names of the kernels' arguments, one per quantity (a kernel may take further ones of its own, such as
the parameters W, V, D of the linear VAE's ELBO)."""

RENAMED = {"d1": "latent_dim", "k": "latent_dim", "d2": "target_dim", "beta_value": "beta",
           "eta_enc_value": "eta_enc", "eta_dec_value": "eta_dec", "s_value": "s", "sigma2": "s"}
"""Names a caller may reach for, with the keyword that holds the quantity (suggested when it is one the kernel
takes)."""


@dataclass(frozen=True)
class KeywordSignature:
    """How a kernel is called: ``callee(spectrum, *, required..., optional...)``.

    ``what`` names the kernel in messages ("kernel sigma_star", "surviving_modes"), ``callee`` is what the call
    shown in them starts with ("kernel", "surviving_modes"). ``bind`` checks a call before any work.
    """

    what: str
    callee: str
    spectrum: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    defaults: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, function: Callable[..., Any], what: str, callee: str) -> KeywordSignature:
        """The signature of ``function(spectrum, *, ...)``; ValueError unless its first parameter is the only
        positional one and every other is keyword-only (no ``*args`` or ``**kwargs``)."""
        parameters = list(inspect.signature(function).parameters.values())
        positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        if (not parameters or parameters[0].kind not in positional
                or any(p.kind is not inspect.Parameter.KEYWORD_ONLY for p in parameters[1:])):
            raise ValueError(f"{what}: the spectrum must be the only positional argument and every other one "
                             f"keyword-only, got {function.__name__}{inspect.signature(function)}")
        rest = parameters[1:]
        return cls(what, callee, parameters[0].name, tuple(p.name for p in rest if p.default is p.empty),
                   tuple(p.name for p in rest if p.default is not p.empty),
                   tuple((p.name, p.default) for p in rest if p.default is not p.empty))

    @property
    def keywords(self) -> tuple[str, ...]:
        """Every keyword, the required ones first."""
        return (*self.required, *self.optional)

    def usage(self) -> str:
        """The call with the required keywords, e.g. ``kernel(zeta, beta=..., eta_enc=..., eta_dec=...)``."""
        return f"{self.callee}({', '.join([self.spectrum, *(f'{k}=...' for k in self.required)])})"

    def python_signature(self) -> inspect.Signature:
        """The same signature as an ``inspect.Signature`` (for help() and inspect.signature)."""
        keyword = inspect.Parameter.KEYWORD_ONLY
        defaults = dict(self.defaults)
        return inspect.Signature([
            inspect.Parameter(self.spectrum, inspect.Parameter.POSITIONAL_OR_KEYWORD),
            *(inspect.Parameter(k, keyword) for k in self.required),
            *(inspect.Parameter(k, keyword, default=defaults.get(k)) for k in self.optional)])

    def bind(self, args: Sequence[Any], kwargs: Mapping[str, Any]) -> tuple[Any, dict[str, Any]]:
        """(the spectrum, the keywords) of a call ``(*args, **kwargs)``, or SymbolicVAEError naming what is wrong:
        a positional value after the spectrum (named by the keywords it would be, in order), an unknown keyword
        (with the accepted ones), a missing required keyword."""
        kwargs = dict(kwargs)
        usage = self.usage()
        if self.spectrum in kwargs:
            if args:
                raise SymbolicVAEError(f"{self.spectrum}: given both positionally and by keyword to {self.what}; "
                                       f"call {usage}")
            args = (kwargs.pop(self.spectrum),)
        if not args:
            raise SymbolicVAEError(f"{self.spectrum}: missing, the spectrum [..., d] and the one positional argument "
                                   f"of {self.what}; call {usage}")
        extra = len(args) - 1
        if extra:
            named = [k for k in self.keywords if k not in kwargs][:extra]
            if not named:
                raise SymbolicVAEError(f"{self.spectrum}: the only positional argument of {self.what}, got {extra} "
                                       f"more positional value{'s' * (extra > 1)}; call {usage}")
            more = f", and {extra - len(named)} more than it takes" if extra > len(named) else ""
            raise SymbolicVAEError(f"{', '.join(named)}: keyword-only argument{'s' * (len(named) > 1)} of "
                                   f"{self.what} (got {extra} positional value{'s' * (extra > 1)} after "
                                   f"{self.spectrum}{more}); call {usage}")
        unknown = [k for k in kwargs if k not in self.keywords]
        if unknown:
            hints = [f"{k} -> {RENAMED[k]}" for k in unknown if RENAMED.get(k) in self.keywords]
            hint = f"; did you mean {', '.join(hints)}?" if hints else ""
            raise SymbolicVAEError(f"{', '.join(unknown)}: not an argument of {self.what} (it takes {self.spectrum} "
                                   f"and the keyword-only {', '.join(self.keywords) or 'none'}){hint}")
        missing = [k for k in self.required if k not in kwargs]
        if missing:
            raise SymbolicVAEError(f"{', '.join(missing)}: missing keyword-only argument{'s' * (len(missing) > 1)} "
                                   f"of {self.what}; call {usage}")
        return args[0], kwargs


F = TypeVar("F", bound=Callable[..., Any])


def keyword_only(what: str, callee: str | None = None) -> Callable[[F], F]:
    """Decorator for ``function(spectrum, *, ...)``: every call is bound by its ``KeywordSignature`` first, so a
    wrong call raises SymbolicVAEError naming the arguments (``callee`` defaults to ``what``)."""

    def decorate(function: F) -> F:
        signature = KeywordSignature.of(function, what, what if callee is None else callee)

        @functools.wraps(function)
        def checked(*args: Any, **kwargs: Any) -> Any:
            spectrum, keywords = signature.bind(args, kwargs)
            return function(spectrum, **keywords)

        checked.keyword_signature = signature  # type: ignore[attr-defined]
        return checked  # type: ignore[return-value]

    return decorate

Forms = Callable[[], tuple[Sequence[sp.Expr], Sequence[sp.Symbol]]]
"""``forms() -> (expressions, args)``: the expressions to compile and their argument symbols, built on demand."""


class SpectrumArgument(enum.Enum):
    """What the spectrum argument (the first one) of a spectrum-level kernel holds."""

    SINGULAR_VALUES = "singular values zeta of Z (not their squares)"
    EIGENVALUES = "eigenvalues, the squares of singular values (zeta^2 when y = x), not the singular values"


@dataclass(frozen=True)
class KernelSpec:
    """One kernel offered by a section.

    Per-mode: ``expr`` in ``args`` (the spectrum value zeta first), evaluated mode by mode on zeta [..., d].
    Spectrum-level: ``builder(spectrum [..., n], *, ..., backend=...)`` (the spectrum its only positional argument,
    every other keyword-only) with ``sample`` and ``reference`` (``reference(spectrum_row, *, ...)``, taking the
    builder's keywords but ``backend``), and the declared facts ``spectrum`` (singular values or eigenvalues) and
    ``zero_eigenvalues`` (how the zero eigenvalues of a rank-deficient input are counted). The builder is kept
    wrapped by ``keyword_only``: a wrong call raises SymbolicVAEError naming the arguments.
    """

    name: str
    claim: str
    description: str
    expr: sp.Expr | None = None
    args: tuple[sp.Symbol, ...] = ()
    builder: Callable[..., np.ndarray] | None = None
    sample: Sample | None = None
    reference: Callable[..., Any] | None = None
    spectrum: SpectrumArgument | None = None
    zero_eigenvalues: str | None = None

    def __post_init__(self) -> None:
        if (self.expr is None) == (self.builder is None):
            raise ValueError(f"kernel {self.name}: give either a per-mode expr or a spectrum builder, not both")
        if self.builder is not None:
            if not isinstance(self.spectrum, SpectrumArgument) or not self.zero_eigenvalues:
                raise ValueError(f"kernel {self.name}: a spectrum kernel declares its spectrum argument "
                                 "(SpectrumArgument) and how zero eigenvalues are counted")
            self._check_keywords()
            return
        object.__setattr__(self, "args", tuple(self.args))
        if not self.args or self.args[0].name != "zeta":
            raise ValueError(f"kernel {self.name}: the first argument of a per-mode kernel must be zeta")
        if not self.expr.free_symbols <= set(self.args):
            raise ValueError(f"kernel {self.name}: free symbols outside args")

    def _check_keywords(self) -> None:
        """The builder (wrapped by ``keyword_only``) and the reference follow the keyword convention, and the
        reference takes no keyword the builder does not."""
        assert self.builder is not None
        builder = getattr(self.builder, "keyword_signature", None)
        if builder is None:
            wrapped = keyword_only(f"kernel {self.name}", "kernel")(self.builder)
            object.__setattr__(self, "builder", wrapped)
            builder = wrapped.keyword_signature  # type: ignore[attr-defined]
        if self.reference is not None:
            reference = KeywordSignature.of(self.reference, f"the reference of kernel {self.name}", "reference")
            if reference.spectrum != builder.spectrum or not set(reference.keywords) <= set(builder.keywords):
                raise ValueError(f"kernel {self.name}: the reference takes ({reference.spectrum}, "
                                 f"{', '.join(reference.keywords)}), not arguments of the builder "
                                 f"({builder.spectrum}, {', '.join(builder.keywords)})")

    @property
    def per_mode(self) -> bool:
        """True for a per-mode closed form, False for a spectrum-level builder."""
        return self.builder is None

    @property
    def full_description(self) -> str:
        """``description`` followed by the declared spectrum facts (spectrum-level kernels)."""
        if self.per_mode:
            return self.description
        assert self.spectrum is not None
        return (f"{self.description}. Spectrum argument: {self.spectrum.value}; zero eigenvalues: "
                f"{self.zero_eigenvalues}")


_COMPILED: dict[tuple[Hashable, str, bool], tuple[Callable[..., np.ndarray], ...]] = {}


def compiled(key: Hashable, forms: Forms, backend: str, *, check_finite: bool = False
             ) -> tuple[Callable[..., np.ndarray], ...]:
    """The expressions of ``forms()`` compiled on ``backend``, one function per expression (each
    ``f(*arrays) -> float64 ndarray``, arrays broadcast), memoized under ``(key, backend, check_finite)``.

    ``key`` names the expressions (hashable, unique per distinct forms); ``forms`` is called only on the first
    request. ``check_finite=False`` (the default) skips the NaN/inf check of the inputs, for callers that validated
    them already. A failed compilation is not memoized.
    """
    memo_key = (key, backend, check_finite)
    if memo_key not in _COMPILED:
        expressions, args = forms()
        args = tuple(args)
        _COMPILED[memo_key] = tuple(compile_expression(e, args, backend, check_finite=check_finite)
                                    for e in expressions)
    return _COMPILED[memo_key]


def compiled_count() -> int:
    """How many (key, backend) entries have been compiled in this process."""
    return len(_COMPILED)
