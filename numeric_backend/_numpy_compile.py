"""Translate a scalar SymPy expression into a vectorized numpy callable that evaluates only valid branches.

Each Piecewise branch is evaluated only on the elements that select it, so a branch that is not taken can never
produce a warning or a NaN (no log of a non-positive number, no division by zero). Max, Min, Abs and Heaviside
are evaluated by their numpy counterparts, which have no invalid branches. Common subexpressions are computed once.
The translation table is data, checked one-to-one against the declared node types at import; an unknown node
raises at compile time, so partial code is never produced.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from ._errors import fail

Env = dict[sp.Symbol, np.ndarray]


def _add(node, env, ev):
    out = ev(node.args[0], env)
    for a in node.args[1:]:
        out = out + ev(a, env)
    return out


def _mul(node, env, ev):
    out = ev(node.args[0], env)
    for a in node.args[1:]:
        out = out * ev(a, env)
    return out


def _pow(node, env, ev):
    base, exponent = node.args
    b = ev(base, env)
    if exponent == sp.Rational(1, 2):
        return np.sqrt(b)
    if exponent == -1:
        return 1.0 / b
    if exponent.is_Integer:
        return b ** int(exponent)
    return np.power(b, ev(exponent, env))


def _fold(function):
    def handler(node, env, ev):
        out = ev(node.args[0], env)
        for a in node.args[1:]:
            out = function(out, ev(a, env))
        return out

    return handler


def _unary(function):
    return lambda node, env, ev: function(ev(node.args[0], env))


def _heaviside(node, env, ev):
    x = ev(node.args[0], env)
    at_zero = ev(node.args[1], env) if len(node.args) > 1 else 0.5
    return np.where(x > 0, 1.0, np.where(x < 0, 0.0, at_zero))


def _piecewise(node, env, ev):
    size = _size(env)
    out = np.empty(size)
    remaining = np.ones(size, dtype=bool)
    for branch, cond in node.args:
        chosen = remaining & np.broadcast_to(ev(cond, env), (size,))
        idx = np.nonzero(chosen)[0]
        if idx.size:
            sub = {s: a[idx] for s, a in env.items()}
            out[idx] = np.broadcast_to(_evaluate(branch, sub), (idx.size,))
        remaining &= ~chosen
    if remaining.any():
        raise fail("inputs", f"{int(remaining.sum())} elements satisfy no branch of {sp.sstr(node)[:80]}")
    return out


def _relational(function):
    return lambda node, env, ev: function(ev(node.args[0], env), ev(node.args[1], env))


def _number(node, env, ev):
    return float(node)


def _symbol(node, env, ev):
    return env[node]


NUMPY_TRANSLATION: dict[type, Callable[..., Any]] = {
    sp.Symbol: _symbol,
    sp.Dummy: _symbol,
    sp.Integer: _number,
    sp.Rational: _number,
    sp.Float: _number,
    sp.core.numbers.Zero: _number,
    sp.core.numbers.One: _number,
    sp.core.numbers.NegativeOne: _number,
    sp.core.numbers.Half: _number,
    sp.core.numbers.Pi: _number,
    sp.core.numbers.Exp1: _number,
    sp.Add: _add,
    sp.Mul: _mul,
    sp.Pow: _pow,
    sp.log: _unary(np.log),
    sp.exp: _unary(np.exp),
    sp.Abs: _unary(np.abs),
    sp.Max: _fold(np.maximum),
    sp.Min: _fold(np.minimum),
    sp.Heaviside: _heaviside,
    sp.Piecewise: _piecewise,
    sp.StrictGreaterThan: _relational(np.greater),
    sp.GreaterThan: _relational(np.greater_equal),
    sp.StrictLessThan: _relational(np.less),
    sp.LessThan: _relational(np.less_equal),
    sp.Equality: _relational(np.equal),
    sp.Unequality: _relational(np.not_equal),
    sp.And: _fold(np.logical_and),
    sp.Or: _fold(np.logical_or),
    sp.Not: _unary(np.logical_not),
    sp.logic.boolalg.BooleanTrue: lambda node, env, ev: True,
    sp.logic.boolalg.BooleanFalse: lambda node, env, ev: False,
}

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


def _size(env: Env) -> int:
    return next(iter(env.values())).shape[0] if env else 1


def _evaluate(expr: sp.Basic, env: Env) -> np.ndarray:
    memo: dict[sp.Basic, Any] = {}

    def ev(node: sp.Basic, local_env: Env) -> Any:
        if local_env is not env:
            return _evaluate(node, local_env)
        if node not in memo:
            memo[node] = _handler(node)(node, env, ev)
        return memo[node]

    return ev(expr, env)


def _check_supported(expr: sp.Basic) -> None:
    _handler(expr)
    children = [part for pair in expr.args for part in pair.args] if isinstance(expr, sp.Piecewise) else expr.args
    for child in children:
        _check_supported(child)


@dataclass(frozen=True)
class NumpyFunction:
    """A compiled expression: call with one array per argument (broadcastable); returns float64 of the
    broadcast shape."""

    expr: sp.Basic
    args: tuple[sp.Symbol, ...]

    def __call__(self, *values: Any) -> np.ndarray:
        if len(values) != len(self.args):
            raise fail("values", f"expected {len(self.args)} arrays ({', '.join(map(str, self.args))}), "
                                 f"received {len(values)}")
        arrays = []
        for symbol, value in zip(self.args, values, strict=True):
            arr = np.asarray(value, dtype=np.float64)
            if not np.all(np.isfinite(arr)):
                raise fail(str(symbol), "contains NaN or inf")
            arrays.append(arr)
        try:
            shape = np.broadcast_shapes(*(a.shape for a in arrays))
        except ValueError:
            raise fail("values", f"shapes {[a.shape for a in arrays]} do not broadcast together") from None
        env = {s: np.broadcast_to(a, shape).reshape(-1) for s, a in zip(self.args, arrays, strict=True)}
        if not env:
            return np.full(shape, float(self.expr))
        out = np.broadcast_to(_evaluate(self.expr, env), (int(np.prod(shape, dtype=np.int64)),))
        return np.asarray(out, dtype=np.float64).reshape(shape)


def to_numpy(expr: sp.Basic, args: Sequence[sp.Symbol]) -> NumpyFunction:
    """Compile a scalar SymPy expression in ``args`` into a vectorized numpy function."""
    expr = sp.sympify(expr)
    args = tuple(args)
    for a in args:
        if not isinstance(a, sp.Symbol):
            raise fail("args", f"expected SymPy symbols, received {a!r}")
    missing = expr.free_symbols - set(args)
    if missing:
        raise fail("args", f"missing free symbols {sorted(map(str, missing))}")
    _check_supported(expr)
    return NumpyFunction(expr, args)
