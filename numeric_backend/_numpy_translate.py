"""SymPy -> numpy program translation: the emitter, one handler per node type, and the table ``NUMPY_TRANSLATION``.

``_compile`` walks a scalar expression once with an ``_Emitter`` (memoized per Piecewise scope, so identical
subtrees and earlier sums/products are reused), places guards where an untaken branch could be invalid, computes
each temporary's last use and returns a ``_numpy_program._Program``. The table is data, checked one-to-one
against ``SUPPORTED_NUMPY_NODES`` at import; an unknown node raises at compile time.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import sympy as sp

from ._errors import fail
from ._numpy_program import (
    _BOOL,
    _FLOAT,
    ANY,
    NONNEG,
    NONZERO,
    POS,
    Sign,
    _Binary,
    _Fold,
    _Guard,
    _Instr,
    _number_sign,
    _power_function,
    _power_sign,
    _product_sign,
    _Program,
    _reciprocal,
    _Region,
    _Scope,
    _Select,
    _sum_sign,
    _symbol_sign,
    _Unary,
)

Emitted = tuple[int, Sign]


class _Emitter:
    """Emits instructions for a tree, memoized per scope (a node computed in an enclosing scope is reused)."""

    def __init__(self, args: tuple[sp.Symbol, ...]) -> None:
        """An empty program whose first slots are the arguments ``args``."""
        self.args = args
        self.template: list[Any] = [None] * len(args)
        self.root = _Scope(None, None)
        self.memo: dict[tuple[sp.Basic, int], Emitted] = {}
        self.products: dict[int, list[tuple[type, frozenset[sp.Basic], sp.Basic]]] = {}
        self.guards: dict[tuple[int, int], int] = {}
        for i, a in enumerate(args):
            self.memo[(a, id(self.root))] = (i, _symbol_sign(a))

    def slot(self, value: Any = None) -> int:
        """A new slot (holding the constant ``value``, or a temporary when None)."""
        self.template.append(value)
        return len(self.template) - 1

    def push(self, instr: _Instr, scope: _Scope) -> int:
        """Append ``instr`` to ``scope``; returns its output slot."""
        scope.body.append(instr)
        return instr.out

    def lookup(self, node: sp.Basic, scope: _Scope) -> Emitted | None:
        """The slot and sign of ``node`` if already emitted in ``scope`` or an enclosing scope."""
        for outer in scope.chain:
            found = self.memo.get((node, id(outer)))
            if found is not None:
                if outer is scope or outer.parent is None:
                    return found
                # outside this branch: the enclosing scope's untaken values, or the true values
                return found[0], found[1] | _true_sign(node)
        return None

    def emit(self, node: sp.Basic, scope: _Scope) -> Emitted:
        """The slot and sign of ``node``, emitting it (memoized) if new."""
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
    """A symbol, a number, or a power of a symbol to a number (nothing to emit first)."""
    return node.is_Symbol or node.is_Number or (node.is_Pow and node.base.is_Symbol and node.exp.is_Number)


def _negative_coefficient(term: sp.Basic) -> bool:
    """Whether the term's numeric coefficient is negative (it is then subtracted)."""
    coeff, _ = term.as_coeff_Mul()
    return bool(coeff.is_Number and coeff < 0)


def _add(em: _Emitter, node: sp.Add, scope: _Scope) -> Emitted:
    """A sum: earlier sums among its terms reused, negative terms subtracted."""
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
    """A product: earlier products among its factors reused, negative rational powers divided (guarded)."""
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
    """A power: integer inverse powers as guarded reciprocals, numeric exponents as ufuncs, else np.power."""
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
    """Handler folding all arguments with ``function`` (result dtype ``dtype``, sign by ``sign_rule``)."""
    def handler(em: _Emitter, node: sp.Basic, scope: _Scope) -> Emitted:
        emitted = [em.emit(arg, scope) for arg in node.args]
        terms = tuple((slot, False) for slot, _ in emitted)
        return em.push(_Fold(em.slot(), terms, function, dtype=dtype), scope), sign_rule([s for _, s in emitted])

    return handler


def _max_sign(signs: list[Sign]) -> Sign:
    """The sign of Max of arguments with these signs."""
    if any(s == POS for s in signs):
        return POS
    return NONNEG if any(s <= NONNEG for s in signs) else ANY


def _min_sign(signs: list[Sign]) -> Sign:
    """The sign of Min of arguments with these signs."""
    if all(s == POS for s in signs):
        return POS
    return NONNEG if all(s <= NONNEG for s in signs) else ANY


def _unary(function: Callable[..., Any], need: Sign | None, sign_rule: Callable[[Sign], Sign],
           dtype: np.dtype = _FLOAT) -> Callable:
    """Handler applying ``function`` to the argument, guarded to sign ``need`` (None: no guard)."""
    def handler(em: _Emitter, node: sp.Basic, scope: _Scope) -> Emitted:
        emitted = em.emit(node.args[0], scope)
        if need is not None:
            emitted = em.guard(emitted, need, scope)
        slot, sign = emitted
        return em.push(_Unary(em.slot(), slot, function, dtype), scope), sign_rule(sign)

    return handler


def _binary(function: Callable[..., Any]) -> Callable:
    """Handler applying ``function`` to the two arguments (relations)."""
    def handler(em: _Emitter, node: sp.Basic, scope: _Scope) -> Emitted:
        a, _ = em.emit(node.args[0], scope)
        b, _ = em.emit(node.args[1], scope)
        return em.push(_Binary(em.slot(), a, b, function), scope), ANY

    return handler


def _heaviside(em: _Emitter, node: sp.Basic, scope: _Scope) -> Emitted:
    """Heaviside(x, at_zero) by np.heaviside (at_zero 1/2 unless given)."""
    x, _ = em.emit(node.args[0], scope)
    at_zero, _ = em.emit(node.args[1] if len(node.args) > 1 else sp.S.Half, scope)
    return em.push(_Binary(em.slot(), x, at_zero, np.heaviside), scope), NONNEG


def _and_not(remaining: Any, condition: Any) -> Any:
    """``remaining & ~condition`` on boolean arrays."""
    return np.greater(remaining, condition)  # on booleans: remaining and not condition


def _piecewise(em: _Emitter, node: sp.Piecewise, scope: _Scope) -> Emitted:
    """A Piecewise: each branch in its own scope (guarded by its mask), then one select."""
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
            em.push(_Region(slot, inner, value, em.args, _compile), scope)
        branches.append((slot, mask))
        signs.append(sign)
    if not exhausted:
        signs.append(POS)
    select = _Select(em.slot(), tuple(branches), None if exhausted else remaining, scope.mask, node)
    return em.push(select, scope), frozenset().union(*signs) if signs else POS


def _constant(em: _Emitter, node: sp.Basic, scope: _Scope) -> Emitted:
    """A number or boolean constant (a slot holding the value)."""
    if isinstance(node, sp.logic.boolalg.BooleanAtom):
        return em.slot(bool(node)), NONNEG
    value = float(node)
    return em.slot(value), _number_sign(value)


def _symbol(em: _Emitter, node: sp.Basic, scope: _Scope) -> Emitted:
    """A symbol that is not an argument (arguments are bound before emission): an error."""
    raise fail("args", f"has no entry for {node!r} which appears in the expression")


def _log_sign(sign: Sign) -> Sign:
    """The sign of a log: any."""
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
    """The table entry for ``node``'s type (or a base class), else NumericBackendError."""
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
    """Raise for the first node of ``expr`` the table does not support."""
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
    """Translate ``expr`` in ``args`` into a program with each temporary released after its last use."""
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
