"""Small argument checks shared by the modules; each raises ``NumericBackendError`` naming the argument."""

from __future__ import annotations

import numbers

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
