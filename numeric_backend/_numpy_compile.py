"""Translate a scalar SymPy expression into a vectorized numpy callable that evaluates only valid branches.

``to_numpy`` compiles the expression once into a straight-line program over numpy ufuncs:

* identical subtrees are computed once (and a product or sum whose factors include an earlier product or sum
  reuses it), inputs are never broadcast or copied up front: every operation runs on the broadcast of its own
  operands, and small operands ([..., 1] parameters, constants) are combined before large ones;
* a temporary whose last use is the current operation is overwritten in place (``out=``), and large inputs are
  evaluated in blocks of about ``CHUNK_ELEMENTS`` elements along their longest axis, so temporaries stay in cache and
  are recycled instead of being page-faulted in for every operation;
* a Piecewise branch is evaluated on the whole array only behind guards: wherever the branch is not taken, the
  argument of every operation that could be invalid there (a denominator, a log or a fractional power whose
  argument is not provably safe from the symbols' assumptions) is replaced by 1, or by itself + 1 when it is known
  to be >= 0 there (one branch-free pass instead of a select). The branch runs with numpy
  floating-point errors raising; if anything still raises, that branch is evaluated again on exactly the
  elements that select it (the subset path). Either way, a branch that is not taken can never produce a warning
  or a NaN (no log of a non-positive number, no division by zero).

Max, Min, Abs and Heaviside are evaluated by their numpy counterparts, which have no invalid branches. The
translation table is data, checked one-to-one against the declared node types at import; an unknown node raises at
compile time, so partial code is never produced. This module holds the callable (input checks, blocking);
the program's instructions are in ``_numpy_program`` and the translation table in ``_numpy_translate``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

from ._errors import NumericBackendError, fail
from ._numpy_program import _Program
from ._numpy_translate import NUMPY_TRANSLATION, SUPPORTED_NUMPY_NODES, _check_supported, _compile

__all__ = ["CHUNK_ELEMENTS", "NUMPY_TRANSLATION", "SUPPORTED_NUMPY_NODES", "NumpyFunction", "to_numpy"]

CHUNK_ELEMENTS = 1 << 16
"""Inputs whose broadcast shape has more elements than twice this are evaluated in blocks of about this many
elements along their longest axis, so temporaries stay in cache and are recycled instead of page-faulted in."""


def _all_finite(arr: np.ndarray) -> bool:
    """Whether every element is finite: one summing pass, elementwise only if the sum is not finite."""
    if arr.size < 4096:
        return bool(np.isfinite(arr).all())
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.add.reduce(arr, axis=None)
    return bool(np.isfinite(total)) or bool(np.isfinite(arr).all())


def _as_arrays(args: tuple[sp.Symbol, ...], values: tuple[Any, ...]) -> tuple[list[np.ndarray], tuple[int, ...]]:
    """One float64 array per argument and their broadcast shape; NumericBackendError naming "values" for the
    wrong number of values or shapes that do not broadcast."""
    if len(values) != len(args):
        raise fail("values", f"expected {len(args)} arrays ({', '.join(map(str, args))}), received {len(values)}")
    arrays = [np.asarray(value, dtype=np.float64) for value in values]
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrays))
    except ValueError:
        raise fail("values", f"shapes {[a.shape for a in arrays]} do not broadcast together") from None
    return arrays, shape


def _blocks(shape: tuple[int, ...], arrays: list[np.ndarray]
            ) -> tuple[int, int, list[int | None]] | None:
    """(axis, rows per block, each array's own index of that axis or None) when ``shape`` is worth splitting."""
    total = int(np.prod(shape, dtype=np.int64))
    if total <= 2 * CHUNK_ELEMENTS:
        return None
    axis = int(np.argmax(shape))
    rows = max(1, CHUNK_ELEMENTS // max(1, total // shape[axis]))
    own: list[int | None] = []
    for arr in arrays:
        k = axis - (len(shape) - arr.ndim)
        own.append(k if k >= 0 and arr.shape[k] != 1 else None)
    return axis, rows, own


@dataclass(frozen=True)
class NumpyFunction:
    """A compiled expression: call with one array per argument (broadcastable); returns float64 of the
    broadcast shape. NaN/inf inputs raise NumericBackendError naming the argument (unless ``check_finite`` is False)."""

    expr: sp.Basic
    args: tuple[sp.Symbol, ...]
    program: _Program | None = field(default=None, repr=False, compare=False)
    check_finite: bool = True

    def __post_init__(self) -> None:
        if self.program is None:
            object.__setattr__(self, "program", _compile(self.expr, self.args))

    def __call__(self, *values: Any) -> np.ndarray:
        arrays, shape = _as_arrays(self.args, values)
        program = self.program
        assert program is not None
        blocks = _blocks(shape, arrays)
        for i, (symbol, arr) in enumerate(zip(self.args, arrays, strict=True)):
            if self.check_finite and (blocks is None or blocks[2][i] is None) and not _all_finite(arr):
                raise fail(str(symbol), "contains NaN or inf")
        if not arrays:
            return np.full(shape, float(self.expr))
        if shape == ():
            return program.evaluate([a.reshape(1) for a in arrays], (1,)).reshape(())
        if blocks is None:
            return program.evaluate(arrays, shape)
        return self._blockwise(arrays, shape, *blocks)

    def _blockwise(self, arrays: list[np.ndarray], shape: tuple[int, ...], axis: int, rows: int,
                   own: list[int | None]) -> np.ndarray:
        """Evaluate block by block along ``axis``, checking each block of a split input for NaN/inf on the way."""
        program = self.program
        assert program is not None
        out = np.empty(shape)
        lead = (slice(None),) * axis
        for start in range(0, shape[axis], rows):
            stop = min(start + rows, shape[axis])
            block_inputs = []
            for symbol, arr, k in zip(self.args, arrays, own, strict=True):
                if k is None:
                    block_inputs.append(arr)
                    continue
                block = arr[(slice(None),) * k + (slice(start, stop),)]
                if self.check_finite and not _all_finite(block):
                    raise fail(str(symbol), "contains NaN or inf")
                block_inputs.append(block)
            block_shape = shape[:axis] + (stop - start,) + shape[axis + 1:]
            try:
                program.evaluate(block_inputs, block_shape, out[lead + (slice(start, stop),)])
            except NumericBackendError:
                program.evaluate(arrays, shape)  # raises again, counting the elements of the whole array
                raise
        return out


def to_numpy(expr: sp.Basic, args: Sequence[sp.Symbol], *, check_finite: bool = True) -> NumpyFunction:
    """Compile a scalar SymPy expression in ``args`` into a vectorized numpy function.

    The function raises NumericBackendError naming the argument for NaN/inf inputs unless ``check_finite`` is False.
    """
    expr = sp.sympify(expr)
    args = tuple(args)
    for a in args:
        if not isinstance(a, sp.Symbol):
            raise fail("args", f"expected SymPy symbols, received {a!r}")
    missing = expr.free_symbols - set(args)
    if missing:
        raise fail("args", f"missing free symbols {sorted(map(str, missing))}")
    _check_supported(expr)
    return NumpyFunction(expr, args, _compile(expr, args), check_finite)
