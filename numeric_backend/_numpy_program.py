"""The straight-line numpy programs ``to_numpy`` compiles to: value signs, the instructions and their runtime.

Signs (subsets of {-1, 0, 1}) say what a value can be where a Piecewise branch is not taken, which decides where
``_Guard`` steps go. Each instruction (``_Fold``, ``_Unary``, ``_Binary``, ``_Guard``, ``_Region``, ``_Select``)
writes one slot of a ``_Frame`` from others, in place into a dying temporary when it can; ``_Program`` runs them
on inputs of one broadcast shape. The translation of SymPy trees into these steps is in ``_numpy_translate``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

from ._errors import fail

# --- signs at the positions where a branch is not taken (decides where guards go) ---------------------------------

Sign = frozenset[int]
POS: Sign = frozenset({1})
NONNEG: Sign = frozenset({0, 1})
NONZERO: Sign = frozenset({-1, 1})
ANY: Sign = frozenset({-1, 0, 1})


def _number_sign(value: float) -> Sign:
    """The sign of a float (ANY for inf / NaN)."""
    return frozenset({int(np.sign(value))}) if np.isfinite(value) else ANY


def _symbol_sign(symbol: sp.Symbol) -> Sign:
    """The sign a symbol's assumptions allow."""
    if symbol.is_positive:
        return POS
    if symbol.is_negative:
        return frozenset({-1})
    if symbol.is_nonnegative:
        return NONNEG
    if symbol.is_nonpositive:
        return frozenset({-1, 0})
    if symbol.is_nonzero:
        return NONZERO
    return ANY


def _product_sign(signs: Sequence[Sign]) -> Sign:
    """The sign of a product of factors with these signs."""
    out: Sign = POS
    for sign in signs:
        out = frozenset(a * b for a in out for b in sign)
    return out


def _sum_sign(signs: Sequence[Sign]) -> Sign:
    """The sign of a sum of terms with these signs."""
    if all(s <= NONNEG for s in signs):
        return POS if any(s == POS for s in signs) else NONNEG
    negative = [frozenset(-x for x in s) for s in signs]
    if all(s <= NONNEG for s in negative):
        return frozenset({-1}) if any(s == POS for s in negative) else frozenset({-1, 0})
    return ANY


def _power_sign(base: Sign, exponent: sp.Expr) -> Sign:
    """The sign of base ** exponent for a base with sign ``base``."""
    if exponent.is_Integer:
        k = int(exponent)
        if k % 2 == 0:
            return POS if k < 0 or 0 not in base else NONNEG
        return base - {0} if k < 0 else base
    if exponent.is_number:
        return POS if float(exponent) < 0 or 0 not in base else NONNEG
    return POS if base == POS else ANY


# --- runtime ----------------------------------------------------------------------------------------------------

_RAISE = {"divide": "raise", "over": "raise", "invalid": "raise"}
_FLOAT = np.dtype(np.float64)
_BOOL = np.dtype(np.bool_)


class _Frame:
    """One evaluation: slot values, whether each slot's buffer is a temporary we own, the broadcast shape."""

    __slots__ = ("values", "owned", "shape")

    def __init__(self, values: list[Any], owned: list[bool], shape: tuple[int, ...]) -> None:
        """Slot values, owned flags (one per slot) and the broadcast shape of one evaluation."""
        self.values, self.owned, self.shape = values, owned, shape


Step = Callable[[_Frame], None]


def _shape(value: Any) -> tuple[int, ...]:
    """The shape of an array, () for a Python scalar."""
    return getattr(value, "shape", ())


def _broadcast(a: Any, b: Any) -> tuple[int, ...]:
    """The broadcast shape of two operands."""
    sa, sb = _shape(a), _shape(b)
    return sa if sa == sb else np.broadcast_shapes(sa, sb)


def _fits(value: Any, shape: tuple[int, ...], dtype: np.dtype) -> bool:
    """Whether ``value`` is an ndarray of exactly this shape and dtype (so it can be written in place)."""
    return type(value) is np.ndarray and value.shape == shape and value.dtype == dtype


def _release(frame: _Frame, dying: tuple[int, ...]) -> None:
    """Drop the frame's references to the slots in ``dying`` (their buffers may be reused)."""
    for slot in dying:
        frame.values[slot] = None


class _Instr:
    """A program step: writes slot ``out`` from the slots in ``reads``; ``make`` binds it to its dying slots."""

    out: int
    reads: tuple[int, ...]

    def make(self, dying: frozenset[int], dead_after: dict[int, frozenset[int]]) -> Step:
        """The step function bound to the slots that die at this instruction."""
        raise NotImplementedError


@dataclass(eq=False)
class _Fold(_Instr):
    """n-ary op over ``terms`` (slot, inverted): sum/difference, product/quotient, max, min, and, or.

    Terms are combined smallest first; an inverted term enters through ``inverse`` (subtract, divide); ``finish``
    (negative, reciprocal) applies when every term was inverted.
    """

    out: int
    terms: tuple[tuple[int, bool], ...]
    op: Callable[..., Any]
    inverse: Callable[..., Any] | None = None
    finish: Callable[..., Any] | None = None
    dtype: np.dtype = _FLOAT

    @property
    def reads(self) -> tuple[int, ...]:
        return tuple(slot for slot, _ in self.terms)

    def make(self, dying: frozenset[int], dead_after: dict[int, frozenset[int]]) -> Step:
        terms, out, op, inverse, finish, dtype = self.terms, self.out, self.op, self.inverse, self.finish, self.dtype
        release = tuple(dying)

        def run(frame: _Frame) -> None:
            values, owned = frame.values, frame.owned
            items = sorted(terms, key=lambda t: getattr(values[t[0]], "size", 1))
            slot, acc_inverted = items[0]
            acc = values[slot]
            acc_owned = slot in dying and owned[slot]
            for slot, inverted in items[1:]:
                value = values[slot]
                shape = _broadcast(acc, value)
                if acc_owned and _fits(acc, shape, dtype):
                    buf = acc
                elif slot in dying and owned[slot] and _fits(value, shape, dtype):
                    buf = value
                else:
                    buf = None
                if acc_inverted == inverted:
                    acc = op(acc, value, out=buf)
                elif inverted:
                    acc = inverse(acc, value, out=buf)
                else:
                    acc, acc_inverted = inverse(value, acc, out=buf), False
                acc_owned = True
            if acc_inverted:
                acc = finish(acc, out=acc) if acc_owned and _fits(acc, _shape(acc), dtype) else finish(acc)
                acc_owned = True
            values[out], owned[out] = acc, acc_owned
            _release(frame, release)

        return run


def _reciprocal(value: Any, out: Any = None) -> Any:
    """1 / value (into ``out`` if given)."""
    return np.divide(1.0, value, out=out)


@dataclass(eq=False)
class _Unary(_Instr):
    """``out = function(arg)``, in place when ``arg`` is a dying temporary of the result's dtype."""

    out: int
    arg: int
    function: Callable[..., Any]
    dtype: np.dtype = _FLOAT

    @property
    def reads(self) -> tuple[int, ...]:
        return (self.arg,)

    def make(self, dying: frozenset[int], dead_after: dict[int, frozenset[int]]) -> Step:
        out, arg, function, dtype = self.out, self.arg, self.function, self.dtype
        reuse, release = arg in dying, tuple(dying)

        def run(frame: _Frame) -> None:
            value = frame.values[arg]
            if reuse and frame.owned[arg] and type(value) is np.ndarray and value.dtype == dtype:
                frame.values[out] = function(value, out=value)
            else:
                frame.values[out] = function(value)
            frame.owned[out] = True
            _release(frame, release)

        return run


def _power_function(exponent: sp.Expr) -> Callable[..., Any]:
    """value ** exponent for a numeric exponent, with the cheap ufunc where there is one."""
    if exponent == 2:
        return np.square
    if exponent == sp.S.Half:
        return np.sqrt
    if exponent == 1:
        return np.positive
    if exponent == 3:
        return lambda value, out=None: np.multiply(np.square(value), value, out=out)
    if exponent == -sp.S.Half:
        def inverse_sqrt(value: Any, out: Any = None) -> Any:
            root = np.sqrt(value, out=out)
            return np.divide(1.0, root, out=root)

        return inverse_sqrt
    power = float(exponent)
    return lambda value, out=None: np.power(value, power, out=out)


@dataclass(eq=False)
class _Binary(_Instr):
    """``out = function(a, b)`` (comparisons, symbolic powers, Heaviside, mask updates); always a new array."""

    out: int
    a: int
    b: int
    function: Callable[..., Any]

    @property
    def reads(self) -> tuple[int, ...]:
        return (self.a, self.b)

    def make(self, dying: frozenset[int], dead_after: dict[int, frozenset[int]]) -> Step:
        out, a, b, function, release = self.out, self.a, self.b, self.function, tuple(dying)

        def run(frame: _Frame) -> None:
            frame.values[out] = function(frame.values[a], frame.values[b])
            frame.owned[out] = True
            _release(frame, release)

        return run


@dataclass(eq=False)
class _Guard(_Instr):
    """``out = arg`` where the branch is taken; elsewhere 1.0, or ``arg + 1`` when ``additive`` (for an ``arg``
    known to be >= 0 there: one branch-free pass). ``notmask`` is None when the branch is taken everywhere."""

    out: int
    arg: int
    notmask: int
    additive: bool

    @property
    def reads(self) -> tuple[int, ...]:
        return (self.arg, self.notmask)

    def make(self, dying: frozenset[int], dead_after: dict[int, frozenset[int]]) -> Step:
        out, arg, notmask, additive = self.out, self.arg, self.notmask, self.additive
        reuse, release = arg in dying, tuple(s for s in dying if s != arg)

        def run(frame: _Frame) -> None:
            values, owned = frame.values, frame.owned
            value, outside = values[arg], values[notmask]
            if outside is None:
                values[out], owned[out] = value, reuse and owned[arg]
            else:
                shape = _broadcast(value, outside)
                buf = value if reuse and owned[arg] and _fits(value, shape, _FLOAT) else None
                if additive:
                    values[out] = np.add(value, outside, out=buf)
                elif buf is None:
                    values[out] = np.where(outside, 1.0, value)
                elif outside.shape == shape:
                    np.putmask(buf, outside, 1.0)
                    values[out] = buf
                else:
                    np.copyto(buf, 1.0, where=outside)
                    values[out] = buf
                owned[out] = True
            if reuse:
                values[arg] = None
            _release(frame, release)

        return run


@dataclass(eq=False)
class _Scope:
    """Where instructions go: the whole array (``mask`` None) or one Piecewise branch (``mask`` = its elements)."""

    parent: _Scope | None
    mask: int | None
    body: list[_Instr] = field(default_factory=list)
    notmask: int | None = None

    @property
    def chain(self) -> Iterator[_Scope]:
        """This scope and its enclosing ones, innermost first."""
        scope: _Scope | None = self
        while scope is not None:
            yield scope
            scope = scope.parent


@dataclass(eq=False)
class _Region(_Instr):
    """Run a branch's instructions on the whole array under its guards, with numpy errors raising; if one raises,
    evaluate the branch on the elements of ``mask`` only (the exact subset path, a program built on first use by
    ``compile``, the translator's ``_compile``)."""

    out: int
    scope: _Scope
    expr: sp.Basic
    args: tuple[sp.Symbol, ...]
    compile: Callable[[sp.Basic, tuple[sp.Symbol, ...]], _Program]

    @property
    def reads(self) -> tuple[int, ...]:
        return (self.scope.mask,)

    def make(self, dying: frozenset[int], dead_after: dict[int, frozenset[int]]) -> Step:
        mask, notmask, out, release = self.scope.mask, self.scope.notmask, self.out, tuple(dying)
        body = [instr.make(dead_after[id(instr)], dead_after) for instr in self.scope.body]
        n_args = len(self.args)
        subset_program: list[_Program] = []

        def subset(frame: _Frame, chosen: np.ndarray) -> np.ndarray:
            if not subset_program:
                subset_program.append(self.compile(self.expr, self.args))
            where = np.broadcast_to(chosen, frame.shape)
            inputs = [np.broadcast_to(frame.values[i], frame.shape)[where] for i in range(n_args)]
            result = np.ones(frame.shape)
            result[where] = subset_program[0].evaluate(inputs, (int(np.count_nonzero(where)),))
            return result

        def run(frame: _Frame) -> None:
            chosen = frame.values[mask]
            if not np.any(chosen):
                frame.values[out] = None
                return
            if notmask is not None:
                frame.values[notmask] = None if np.all(chosen) else np.logical_not(chosen)
            try:
                with np.errstate(**_RAISE):
                    for step in body:
                        step(frame)
            except FloatingPointError:
                frame.values[out], frame.owned[out] = subset(frame, chosen), True
            _release(frame, release)

        return run


@dataclass(eq=False)
class _Select(_Instr):
    """Piecewise: each branch's value where its mask holds; elements no branch takes raise (inside an enclosing
    branch only those of ``region_mask`` count, the others get 1.0)."""

    out: int
    branches: tuple[tuple[int, int], ...]
    remaining: int | None
    region_mask: int | None
    expr: sp.Basic

    @property
    def reads(self) -> tuple[int, ...]:
        extra = tuple(s for s in (self.remaining, self.region_mask) if s is not None)
        return tuple(s for pair in self.branches for s in pair) + extra

    def make(self, dying: frozenset[int], dead_after: dict[int, frozenset[int]]) -> Step:
        out, branches, remaining, region_mask, release, expr = (
            self.out, self.branches, self.remaining, self.region_mask, tuple(dying), self.expr)

        def run(frame: _Frame) -> None:
            values = frame.values
            left = values[remaining] if remaining is not None else None
            if left is not None:
                bad = left if region_mask is None else np.logical_and(left, values[region_mask])
                if np.any(bad):
                    raise fail("inputs", f"{int(np.count_nonzero(bad))} elements satisfy no branch of "
                                         f"{sp.sstr(expr)[:80]}")
            present = [(slot, values[slot], values[m]) for slot, m in branches if values[slot] is not None]
            shape: tuple[int, ...] = () if left is None else _shape(left)
            for _, value, chosen in present:
                shape = np.broadcast_shapes(shape, _shape(value), _shape(chosen))
            base = next((i for i, (slot, value, _) in enumerate(present)
                         if slot in dying and frame.owned[slot] and _fits(value, shape, _FLOAT)), None)
            if base is None:
                buf = np.empty(shape) if left is None and region_mask is None else np.ones(shape)
            else:
                buf = present[base][1]
            for i, (_, value, chosen) in enumerate(present):
                if i == base:
                    continue
                if _shape(chosen) == shape and (_shape(value) == shape or np.ndim(value) == 0):
                    np.putmask(buf, chosen, value)
                else:
                    np.copyto(buf, value, where=chosen)
            values[out], frame.owned[out] = buf, True
            _release(frame, release)

        return run


@dataclass(eq=False)
class _Program:
    """A compiled expression: ``template`` holds inputs (first), constants and temporaries by slot."""

    template: list[Any]
    code: list[Step]
    root: int
    n_args: int

    def evaluate(self, inputs: list[np.ndarray], shape: tuple[int, ...], out: np.ndarray | None = None
                 ) -> np.ndarray:
        """Run on ``inputs`` (broadcasting to ``shape``); returns float64 of ``shape`` (written to ``out`` if given)."""
        values = list(self.template)
        values[: self.n_args] = inputs
        frame = _Frame(values, [False] * len(values), shape)
        for step in self.code:
            step(frame)
        result = values[self.root]
        if out is None:
            if frame.owned[self.root] and _fits(result, shape, _FLOAT):
                return result
            out = np.empty(shape)
        np.copyto(out, result)
        return out
