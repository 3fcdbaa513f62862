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
compile time, so partial code is never produced.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

from ._errors import NumericBackendError, fail

# --- signs at the positions where a branch is not taken (decides where guards go) ---------------------------------

Sign = frozenset[int]
POS: Sign = frozenset({1})
NONNEG: Sign = frozenset({0, 1})
NONZERO: Sign = frozenset({-1, 1})
ANY: Sign = frozenset({-1, 0, 1})


def _number_sign(value: float) -> Sign:
    return frozenset({int(np.sign(value))}) if np.isfinite(value) else ANY


def _symbol_sign(symbol: sp.Symbol) -> Sign:
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
    out: Sign = POS
    for sign in signs:
        out = frozenset(a * b for a in out for b in sign)
    return out


def _sum_sign(signs: Sequence[Sign]) -> Sign:
    if all(s <= NONNEG for s in signs):
        return POS if any(s == POS for s in signs) else NONNEG
    negative = [frozenset(-x for x in s) for s in signs]
    if all(s <= NONNEG for s in negative):
        return frozenset({-1}) if any(s == POS for s in negative) else frozenset({-1, 0})
    return ANY


def _power_sign(base: Sign, exponent: sp.Expr) -> Sign:
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
        self.values, self.owned, self.shape = values, owned, shape


Step = Callable[[_Frame], None]


def _shape(value: Any) -> tuple[int, ...]:
    return getattr(value, "shape", ())


def _broadcast(a: Any, b: Any) -> tuple[int, ...]:
    sa, sb = _shape(a), _shape(b)
    return sa if sa == sb else np.broadcast_shapes(sa, sb)


def _fits(value: Any, shape: tuple[int, ...], dtype: np.dtype) -> bool:
    return type(value) is np.ndarray and value.shape == shape and value.dtype == dtype


def _release(frame: _Frame, dying: tuple[int, ...]) -> None:
    for slot in dying:
        frame.values[slot] = None


class _Instr:
    """A program step: writes slot ``out`` from the slots in ``reads``; ``make`` binds it to its dying slots."""

    out: int
    reads: tuple[int, ...]

    def make(self, dying: frozenset[int], dead_after: dict[int, frozenset[int]]) -> Step:
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
        scope: _Scope | None = self
        while scope is not None:
            yield scope
            scope = scope.parent


@dataclass(eq=False)
class _Region(_Instr):
    """Run a branch's instructions on the whole array under its guards, with numpy errors raising; if one raises,
    evaluate the branch on the elements of ``mask`` only (the exact subset path)."""

    out: int
    scope: _Scope
    expr: sp.Basic
    args: tuple[sp.Symbol, ...]

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
                subset_program.append(_compile(self.expr, self.args))
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
        out, branches, remaining, region_mask, release = (
            self.out, self.branches, self.remaining, self.region_mask, tuple(dying))
        text = sp.sstr(self.expr)[:80]

        def run(frame: _Frame) -> None:
            values = frame.values
            left = values[remaining] if remaining is not None else None
            if left is not None:
                bad = left if region_mask is None else np.logical_and(left, values[region_mask])
                if np.any(bad):
                    raise fail("inputs", f"{int(np.count_nonzero(bad))} elements satisfy no branch of {text}")
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


# --- compile time -------------------------------------------------------------------------------------------------

Emitted = tuple[int, Sign]


class _Emitter:
    """Emits instructions for a tree, memoized per scope (a node computed in an enclosing scope is reused)."""

    def __init__(self, args: tuple[sp.Symbol, ...]) -> None:
        self.args = args
        self.template: list[Any] = [None] * len(args)
        self.root = _Scope(None, None)
        self.memo: dict[tuple[sp.Basic, int], Emitted] = {}
        self.products: dict[int, list[tuple[type, frozenset[sp.Basic], sp.Basic]]] = {}
        self.guards: dict[tuple[int, int], int] = {}
        for i, a in enumerate(args):
            self.memo[(a, id(self.root))] = (i, _symbol_sign(a))

    def slot(self, value: Any = None) -> int:
        self.template.append(value)
        return len(self.template) - 1

    def push(self, instr: _Instr, scope: _Scope) -> int:
        scope.body.append(instr)
        return instr.out

    def lookup(self, node: sp.Basic, scope: _Scope) -> Emitted | None:
        for outer in scope.chain:
            found = self.memo.get((node, id(outer)))
            if found is not None:
                if outer is scope or outer.parent is None:
                    return found
                # outside this branch: the enclosing scope's untaken values, or the true values
                return found[0], found[1] | _true_sign(node)
        return None

    def emit(self, node: sp.Basic, scope: _Scope) -> Emitted:
        found = self.lookup(node, scope)
        if found is not None:
            return found
        if isinstance(node, sp.Number | sp.NumberSymbol | sp.logic.boolalg.BooleanAtom):
            scope = self.root
        emitted = _handler(node)(self, node, scope)
        self.memo[(node, id(scope))] = emitted
        if isinstance(node, sp.Add | sp.Mul):
            self.products.setdefault(id(scope), []).append((type(node), frozenset(node.args), node))
        return emitted

    def guard(self, emitted: Emitted, need: Sign, scope: _Scope) -> Emitted:
        """Make the value safe where the branch is not taken, unless its sign there already meets ``need``."""
        slot, sign = emitted
        if scope.mask is None or sign <= need:
            return emitted
        key = (slot, id(scope))
        if key not in self.guards:
            if scope.notmask is None:
                scope.notmask = self.slot()
            self.guards[key] = self.push(_Guard(self.slot(), slot, scope.notmask, sign <= NONNEG), scope)
        return self.guards[key], POS

    def shared_parts(self, node: sp.Basic, scope: _Scope) -> tuple[list[Emitted], list[sp.Basic]]:
        """Earlier sums (products) whose terms (factors) are a subset of ``node``'s: their values, and the rest."""
        rest = list(node.args)
        found: list[Emitted] = []
        candidates = [entry for outer in scope.chain for entry in self.products.get(id(outer), [])]
        while len(rest) > 2:
            remaining = frozenset(rest)
            best = max((c for c in candidates if c[0] is type(node) and 2 <= len(c[1]) < len(remaining)
                        and c[1] <= remaining), key=lambda c: len(c[1]), default=None)
            if best is None:
                break
            emitted = self.lookup(best[2], scope)
            assert emitted is not None
            found.append(emitted)
            rest = [a for a in rest if a not in best[1]]
        return found, rest


def _is_simple(node: sp.Basic) -> bool:
    return node.is_Symbol or node.is_Number or (node.is_Pow and node.base.is_Symbol and node.exp.is_Number)


def _negative_coefficient(term: sp.Basic) -> bool:
    coeff, _ = term.as_coeff_Mul()
    return bool(coeff.is_Number and coeff < 0)


def _add(em: _Emitter, node: sp.Add, scope: _Scope) -> Emitted:
    for arg in node.args:  # sums and products inside come first, so this sum can reuse them
        if not _is_simple(arg):
            em.emit(-arg if _negative_coefficient(arg) else arg, scope)
    shared, rest = em.shared_parts(node, scope)
    terms: list[tuple[int, bool]] = [(slot, False) for slot, _ in shared]
    signs = [sign for _, sign in shared]
    for arg in rest:
        negative = _negative_coefficient(arg)
        slot, sign = em.emit(-arg if negative else arg, scope)
        terms.append((slot, negative))
        signs.append(frozenset(-s for s in sign) if negative else sign)
    return em.push(_Fold(em.slot(), tuple(terms), np.add, np.subtract, np.negative), scope), _sum_sign(signs)


def _mul(em: _Emitter, node: sp.Mul, scope: _Scope) -> Emitted:
    for arg in node.args:
        if not _is_simple(arg):
            em.emit(arg, scope)
    shared, rest = em.shared_parts(node, scope)
    terms: list[tuple[int, bool]] = [(slot, False) for slot, _ in shared]
    signs = [sign for _, sign in shared]
    for arg in rest:
        if arg.is_Pow and arg.exp.is_Rational and arg.exp < 0:
            slot, sign = em.guard(em.emit(sp.Pow(arg.base, -arg.exp), scope), NONZERO, scope)
            terms.append((slot, True))
        else:
            slot, sign = em.emit(arg, scope)
            terms.append((slot, False))
        signs.append(sign)
    if len(terms) == 1 and not terms[0][1]:
        return terms[0][0], signs[0]
    return em.push(_Fold(em.slot(), tuple(terms), np.multiply, np.divide, _reciprocal), scope), _product_sign(signs)


def _pow(em: _Emitter, node: sp.Pow, scope: _Scope) -> Emitted:
    base, exponent = node.args
    if exponent.is_Rational and exponent < 0 and exponent.q == 1:
        slot, sign = em.guard(em.emit(sp.Pow(base, -exponent), scope), NONZERO, scope)
        return em.push(_Unary(em.slot(), slot, _reciprocal), scope), sign
    if exponent.is_number and exponent.is_real:
        emitted = em.emit(base, scope)
        if not exponent.is_Integer:
            emitted = em.guard(emitted, POS if exponent < 0 else NONNEG, scope)
        slot, sign = emitted
        return em.push(_Unary(em.slot(), slot, _power_function(exponent)), scope), _power_sign(sign, exponent)
    slot, sign = em.guard(em.emit(base, scope), POS, scope)
    exponent_slot, _ = em.emit(exponent, scope)
    return em.push(_Binary(em.slot(), slot, exponent_slot, np.power), scope), _power_sign(sign, exponent)


def _fold(function: Callable[..., Any], dtype: np.dtype, sign_rule: Callable[[list[Sign]], Sign]) -> Callable:
    def handler(em: _Emitter, node: sp.Basic, scope: _Scope) -> Emitted:
        emitted = [em.emit(arg, scope) for arg in node.args]
        terms = tuple((slot, False) for slot, _ in emitted)
        return em.push(_Fold(em.slot(), terms, function, dtype=dtype), scope), sign_rule([s for _, s in emitted])

    return handler


def _max_sign(signs: list[Sign]) -> Sign:
    if any(s == POS for s in signs):
        return POS
    return NONNEG if any(s <= NONNEG for s in signs) else ANY


def _min_sign(signs: list[Sign]) -> Sign:
    if all(s == POS for s in signs):
        return POS
    return NONNEG if all(s <= NONNEG for s in signs) else ANY


def _unary(function: Callable[..., Any], need: Sign | None, sign_rule: Callable[[Sign], Sign],
           dtype: np.dtype = _FLOAT) -> Callable:
    def handler(em: _Emitter, node: sp.Basic, scope: _Scope) -> Emitted:
        emitted = em.emit(node.args[0], scope)
        if need is not None:
            emitted = em.guard(emitted, need, scope)
        slot, sign = emitted
        return em.push(_Unary(em.slot(), slot, function, dtype), scope), sign_rule(sign)

    return handler


def _binary(function: Callable[..., Any]) -> Callable:
    def handler(em: _Emitter, node: sp.Basic, scope: _Scope) -> Emitted:
        a, _ = em.emit(node.args[0], scope)
        b, _ = em.emit(node.args[1], scope)
        return em.push(_Binary(em.slot(), a, b, function), scope), ANY

    return handler


def _heaviside(em: _Emitter, node: sp.Basic, scope: _Scope) -> Emitted:
    x, _ = em.emit(node.args[0], scope)
    at_zero, _ = em.emit(node.args[1] if len(node.args) > 1 else sp.S.Half, scope)
    return em.push(_Binary(em.slot(), x, at_zero, np.heaviside), scope), NONNEG


def _and_not(remaining: Any, condition: Any) -> Any:
    return np.greater(remaining, condition)  # on booleans: remaining and not condition


def _piecewise(em: _Emitter, node: sp.Piecewise, scope: _Scope) -> Emitted:
    remaining: int | None = None  # elements no earlier branch took; None: all of them
    exhausted = False
    chosen: list[tuple[sp.Basic, int | None]] = []
    for value, condition in node.args:
        if condition == sp.false:
            continue
        if condition == sp.true:
            chosen.append((value, remaining))
            exhausted = True
            break
        cond, _ = em.emit(condition, scope)
        mask = cond if remaining is None else em.push(_Fold(em.slot(), ((remaining, False), (cond, False)),
                                                            np.logical_and, dtype=_BOOL), scope)
        remaining = (em.push(_Unary(em.slot(), cond, np.logical_not, _BOOL), scope) if remaining is None
                     else em.push(_Binary(em.slot(), remaining, cond, _and_not), scope))
        chosen.append((value, mask))
    if chosen and chosen[0][1] is None:
        return em.emit(chosen[0][0], scope)
    if remaining is None:  # every condition is False
        remaining = em.emit(sp.true, scope)[0]
    branches, signs = [], []
    for value, mask in chosen:
        assert mask is not None
        region_mask = mask if scope.mask is None else em.push(
            _Fold(em.slot(), ((scope.mask, False), (mask, False)), np.logical_and, dtype=_BOOL), scope)
        inner = _Scope(scope, region_mask)
        slot, sign = em.emit(value, inner)
        if inner.body:
            em.push(_Region(slot, inner, value, em.args), scope)
        branches.append((slot, mask))
        signs.append(sign)
    if not exhausted:
        signs.append(POS)
    select = _Select(em.slot(), tuple(branches), None if exhausted else remaining, scope.mask, node)
    return em.push(select, scope), frozenset().union(*signs) if signs else POS


def _constant(em: _Emitter, node: sp.Basic, scope: _Scope) -> Emitted:
    if isinstance(node, sp.logic.boolalg.BooleanAtom):
        return em.slot(bool(node)), NONNEG
    value = float(node)
    return em.slot(value), _number_sign(value)


def _symbol(em: _Emitter, node: sp.Basic, scope: _Scope) -> Emitted:
    raise fail("args", f"has no entry for {node!r} which appears in the expression")


def _log_sign(sign: Sign) -> Sign:
    return ANY


NUMPY_TRANSLATION: dict[type, Callable[..., Any]] = {
    sp.Symbol: _symbol,
    sp.Dummy: _symbol,
    sp.Integer: _constant,
    sp.Rational: _constant,
    sp.Float: _constant,
    sp.core.numbers.Zero: _constant,
    sp.core.numbers.One: _constant,
    sp.core.numbers.NegativeOne: _constant,
    sp.core.numbers.Half: _constant,
    sp.core.numbers.Pi: _constant,
    sp.core.numbers.Exp1: _constant,
    sp.Add: _add,
    sp.Mul: _mul,
    sp.Pow: _pow,
    sp.log: _unary(np.log, POS, _log_sign),
    sp.exp: _unary(np.exp, None, lambda sign: POS),
    sp.Abs: _unary(np.abs, None, lambda sign: POS if 0 not in sign else NONNEG),
    sp.Max: _fold(np.maximum, _FLOAT, _max_sign),
    sp.Min: _fold(np.minimum, _FLOAT, _min_sign),
    sp.Heaviside: _heaviside,
    sp.Piecewise: _piecewise,
    sp.StrictGreaterThan: _binary(np.greater),
    sp.GreaterThan: _binary(np.greater_equal),
    sp.StrictLessThan: _binary(np.less),
    sp.LessThan: _binary(np.less_equal),
    sp.Equality: _binary(np.equal),
    sp.Unequality: _binary(np.not_equal),
    sp.And: _fold(np.logical_and, _BOOL, lambda signs: NONNEG),
    sp.Or: _fold(np.logical_or, _BOOL, lambda signs: NONNEG),
    sp.Not: _unary(np.logical_not, None, lambda sign: NONNEG, _BOOL),
    sp.logic.boolalg.BooleanTrue: _constant,
    sp.logic.boolalg.BooleanFalse: _constant,
}
"""SymPy node type -> emitter(emitter, node, scope) -> (slot, sign). Data, checked against the declared names."""

SUPPORTED_NUMPY_NODES = (
    "Symbol", "Dummy", "Integer", "Rational", "Float", "Zero", "One", "NegativeOne", "Half", "Pi", "Exp1", "Add", "Mul",
    "Pow", "log", "exp", "Abs", "Max", "Min", "Heaviside", "Piecewise", "StrictGreaterThan", "GreaterThan",
    "StrictLessThan", "LessThan", "Equality", "Unequality", "And", "Or", "Not", "BooleanTrue", "BooleanFalse",
)
assert sorted(t.__name__ for t in NUMPY_TRANSLATION) == sorted(SUPPORTED_NUMPY_NODES), "numpy table out of sync"


def _handler(node: sp.Basic) -> Callable[..., Any]:
    for cls in type(node).__mro__:
        if cls in NUMPY_TRANSLATION:
            return NUMPY_TRANSLATION[cls]
    raise fail("expr", f"unsupported SymPy node {type(node).__name__} ({sp.sstr(node)[:60]})")


@functools.lru_cache(maxsize=4096)
def _true_sign(node: sp.Basic) -> Sign:
    """Sign of ``node`` from the symbols' assumptions (no guards)."""
    if node.is_Symbol:
        return _symbol_sign(node)
    if node.is_Number or isinstance(node, sp.NumberSymbol):
        return _number_sign(float(node))
    if node.is_Add:
        return _sum_sign([_true_sign(a) for a in node.args])
    if node.is_Mul:
        return _product_sign([_true_sign(a) for a in node.args])
    if node.is_Pow and node.exp.is_number:
        return _power_sign(_true_sign(node.base), node.exp)
    if isinstance(node, sp.exp):
        return POS
    if isinstance(node, sp.Abs | sp.Heaviside):
        return NONNEG
    if isinstance(node, sp.Max):
        return _max_sign([_true_sign(a) for a in node.args])
    if isinstance(node, sp.Min):
        return _min_sign([_true_sign(a) for a in node.args])
    return ANY


def _check_supported(expr: sp.Basic) -> None:
    _handler(expr)
    children = [part for pair in expr.args for part in pair.args] if isinstance(expr, sp.Piecewise) else expr.args
    for child in children:
        _check_supported(child)


def _flatten(body: list[_Instr]) -> Iterator[_Instr]:
    """Program order, a branch's instructions before the branch itself."""
    for instr in body:
        if isinstance(instr, _Region):
            yield from _flatten(instr.scope.body)
        yield instr


def _compile(expr: sp.Basic, args: tuple[sp.Symbol, ...]) -> _Program:
    em = _Emitter(args)
    root, _ = em.emit(expr, em.root)
    constants = {i for i, v in enumerate(em.template) if v is not None}
    order = list(_flatten(em.root.body))
    last: dict[int, int] = {}
    for position, instr in enumerate(order):
        for slot in instr.reads:
            last[slot] = position
    last[root] = len(order)  # the result outlives the program
    dead_after = {id(instr): frozenset(s for s in set(instr.reads) if last[s] == position and s >= len(args)
                                       and s not in constants) for position, instr in enumerate(order)}
    code = [instr.make(dead_after[id(instr)], dead_after) for instr in em.root.body]
    return _Program(em.template, code, root, len(args))


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
        if len(values) != len(self.args):
            raise fail("values", f"expected {len(self.args)} arrays ({', '.join(map(str, self.args))}), "
                                 f"received {len(values)}")
        arrays = [np.asarray(value, dtype=np.float64) for value in values]
        try:
            shape = np.broadcast_shapes(*(a.shape for a in arrays))
        except ValueError:
            raise fail("values", f"shapes {[a.shape for a in arrays]} do not broadcast together") from None
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
