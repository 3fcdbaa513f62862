"""Kernels as typed data, and the one place where kernel expressions are compiled.

``KernelSpec`` is what a section offers from ``kernel_sources()``: a per-mode closed form (an expression in its
argument symbols, the spectrum value first) or a spectrum-level builder (with a sampler of its domain and a one-row
mpmath reference), the claim that gates it, and, for a spectrum-level kernel, two declared facts: whether its
spectrum argument holds singular values or their squares (eigenvalues), and how the zero eigenvalues of a
rank-deficient input are counted. ``compiled`` is the single memoized compile site: every kernel expression of the
package is compiled through it, once per process, key and backend, and only when first asked for (never at import).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from numeric_backend import compile_expression

Sample = Callable[[np.random.Generator, int], tuple[tuple[Any, ...], dict[str, Any]]]
"""``sample(rng, n) -> (args, kwargs)``: a batch of n points (batch axis first) inside a kernel's domain."""

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
    Spectrum-level: ``builder(spectrum [..., n], ..., backend=...)`` with ``sample`` and ``reference``, and the
    declared facts ``spectrum`` (singular values or eigenvalues) and ``zero_eigenvalues`` (how the zero eigenvalues
    of a rank-deficient input are counted).
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
            return
        object.__setattr__(self, "args", tuple(self.args))
        if not self.args or self.args[0].name != "zeta":
            raise ValueError(f"kernel {self.name}: the first argument of a per-mode kernel must be zeta")
        if not self.expr.free_symbols <= set(self.args):
            raise ValueError(f"kernel {self.name}: free symbols outside args")

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
