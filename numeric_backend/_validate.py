"""Small argument checks shared by the modules (each raises ``NumericBackendError`` naming the argument), and the
deterministic symbol order they share."""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

import sympy

from numeric_backend._errors import fail


def check_int(argument: str, value: object, *, minimum: int) -> int:
    """Return ``value`` as an int, requiring an integer (not bool) that is >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise fail(argument, f"expected an integer >= {minimum}, received {value!r} ({type(value).__name__})")
    if int(value) < minimum:
        raise fail(argument, f"expected an integer >= {minimum}, received {value!r}")
    return int(value)


def check_seed(value: object) -> int:
    """Return the seed as a non-negative int (seeds are mandatory so every draw is reproducible)."""
    return check_int("seed", value, minimum=0)


def check_positive_float(argument: str, value: object) -> float:
    """Return ``value`` as a finite float > 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise fail(argument, f"expected a finite real number > 0, received {value!r}")
    result = float(value)
    if not (result > 0 and result < float("inf")):
        raise fail(argument, f"expected a finite real number > 0, received {value!r}")
    return result


def check_expression(expr: object) -> sympy.Basic:
    """Return ``expr`` as a SymPy object (sympified if it is not one), else raise naming "expr"."""
    if isinstance(expr, sympy.Basic):
        return expr
    try:
        return sympy.sympify(expr)
    except (sympy.SympifyError, TypeError):
        raise fail("expr", f"expected a SymPy expression, received {type(expr).__name__}") from None


def check_distinct(
    argument: str, values: Sequence[Any], types: tuple[type, ...], expected: str,
    each: Callable[[Any], None] | None = None,
) -> None:
    """Require every item of ``values`` to be an instance of ``types`` (``expected`` names them in the error;
    ``each`` checks an item further, right after its type) and the items to be distinct."""
    for value in values:
        if not isinstance(value, types):
            raise fail(argument, f"expected {expected}, received {value!r} ({type(value).__name__})")
        if each is not None:
            each(value)
    if len(set(values)) != len(values):
        raise fail(argument, f"contains duplicates: {values}")


def check_arguments(
    args: object, types: tuple[type, ...], sequence_of: str, expected: str,
    each: Callable[[Any], None] | None = None,
) -> tuple[Any, ...]:
    """``args`` (a sequence, not a SymPy object) as a tuple of distinct instances of ``types``, else raise
    naming "args" (``sequence_of`` / ``expected`` name the types in the two messages; ``each`` as in
    ``check_distinct``)."""
    if isinstance(args, sympy.Basic) or not isinstance(args, Sequence):
        raise fail("args", f"expected a sequence of {sequence_of}, received {args!r}")
    arg_tuple = tuple(args)
    check_distinct("args", arg_tuple, types, expected, each)
    return arg_tuple


def symbol_sort_key(symbol: sympy.Symbol) -> tuple[str, str]:
    """Deterministic symbol order (name, then assumptions), independent of set iteration order."""
    return (symbol.name, repr(sorted(symbol.assumptions0.items())))
