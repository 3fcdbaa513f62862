"""Validation of the arguments of every public entry point: one set of validators, one error type.

Each validator takes the argument's name as the user wrote it (``name``) and the value, and returns the value in the
form the code needs (float64 arrays, Python floats and ints) or raises ``SymbolicVAEError`` saying which argument,
what was received (its value, type, dtype or shape) and what was expected. Library code never names CLI flags; the
CLI maps argument names to its flags (``for_flags``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from ._errors import SymbolicVAEError

MAX_ELEMENTS = 50_000_000
"""The largest array accepted (400 MB of float64)."""

MAX_DIMENSION = 100_000
"""The largest size accepted for a dimension argument (latent_dim, target_dim, d1, d2, ...)."""

_REJECTED_KINDS = {"b": "boolean", "c": "complex", "O": "object", "U": "string", "S": "bytes", "M": "datetime",
                   "m": "timedelta", "V": "structured"}


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _to_numpy(name: str, value: Any) -> np.ndarray:
    """``value`` as a numpy array without changing its dtype; torch tensors are detached and copied to the CPU."""
    if type(value).__module__.startswith("torch"):
        try:
            value = value.detach().cpu().numpy()
        except (AttributeError, TypeError, RuntimeError) as err:
            raise SymbolicVAEError(f"{name}: a torch {type(value).__name__} that cannot be read as an array "
                                   f"({err})") from None
    if isinstance(value, (str, bytes)):
        raise SymbolicVAEError(f"{name}: expected a real number or array, got the string {_describe(value)}")
    try:
        return np.asarray(value)
    except (TypeError, ValueError) as err:
        raise SymbolicVAEError(f"{name}: expected a real number or array, got {type(value).__name__} "
                               f"({err})") from None


def real_array(name: str, value: Any, *, min_ndim: int = 0, max_ndim: int | None = None, allow_empty: bool = False,
               minimum: float | None = None, positive: bool = False, finite: bool = True,
               max_elements: int = MAX_ELEMENTS) -> np.ndarray:
    """``value`` (a number, nested list, numpy array or torch tensor) as a float64 array.

    Rejected: bool, complex, object, string and datetime dtypes, ragged lists, fewer than ``min_ndim`` or more than
    ``max_ndim`` axes, no elements (unless ``allow_empty``), more than ``max_elements``, NaN or inf (when
    ``finite``), entries below ``minimum`` or, with ``positive``, entries <= 0.
    """
    arr = _to_numpy(name, value)
    kind = arr.dtype.kind
    if kind in _REJECTED_KINDS:
        raise SymbolicVAEError(f"{name}: expected real numbers, got a {_REJECTED_KINDS[kind]} array "
                               f"(dtype {arr.dtype}, shape {arr.shape})")
    if kind not in "iuf":
        raise SymbolicVAEError(f"{name}: expected real numbers, got dtype {arr.dtype}")
    if arr.ndim < min_ndim or (max_ndim is not None and arr.ndim > max_ndim):
        expected = f"{min_ndim}" if max_ndim == min_ndim else (
            f"at least {min_ndim}" if max_ndim is None else f"{min_ndim} to {max_ndim}")
        raise SymbolicVAEError(f"{name}: expected {expected} axes, got shape {arr.shape}")
    if arr.size == 0 and not allow_empty:
        raise SymbolicVAEError(f"{name}: expected at least one entry, got shape {arr.shape}")
    if arr.size > max_elements:
        raise SymbolicVAEError(f"{name}: {arr.size} entries (shape {arr.shape}) exceed the supported "
                               f"{max_elements}")
    arr = arr.astype(np.float64, copy=False)
    if finite and arr.size and not bool(np.isfinite(arr).all()):
        raise SymbolicVAEError(f"{name}: contains NaN or inf (shape {arr.shape})")
    if positive and arr.size and bool((arr <= 0).any()):
        raise SymbolicVAEError(f"{name}: must be positive, got minimum {arr.min():.6g}")
    if minimum is not None and arr.size and bool((arr < minimum).any()):
        raise SymbolicVAEError(f"{name}: must be >= {minimum:g}, got minimum {arr.min():.6g}")
    return arr


def real_scalar(name: str, value: Any, *, minimum: float | None = None, positive: bool = False,
                finite: bool = True) -> float:
    """``value`` as a Python float: a real number (or 0-d array / one-element tensor), not bool, not a string."""
    if isinstance(value, (bool, np.bool_)):
        raise SymbolicVAEError(f"{name}: expected a real number, got the boolean {value!r}")
    arr = real_array(name, value, max_ndim=None, minimum=minimum, positive=positive, finite=finite)
    if arr.size != 1:
        raise SymbolicVAEError(f"{name}: expected one real number, got shape {arr.shape}")
    return float(arr.reshape(()))


def dimension(name: str, value: Any, *, minimum: int = 1, maximum: int = MAX_DIMENSION) -> int:
    """``value`` as an int in [minimum, maximum]: Python or numpy integers only (2.7, 3.0, True and inf are
    rejected, never truncated)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise SymbolicVAEError(f"{name}: expected an integer, got {type(value).__name__} {_describe(value)}")
    value = int(value)
    if not minimum <= value <= maximum:
        raise SymbolicVAEError(f"{name}: expected an integer in [{minimum}, {maximum}], got {value}")
    return value


def optional_dimension(name: str, value: Any, *, minimum: int = 1, maximum: int = MAX_DIMENSION) -> int | None:
    """``dimension`` that lets None through."""
    return None if value is None else dimension(name, value, minimum=minimum, maximum=maximum)


def broadcast(name: str, arr: np.ndarray, shape: tuple[int, ...], *, against: str) -> np.ndarray:
    """``arr`` broadcast to ``shape`` (read-only view); SymbolicVAEError names both arguments and shapes."""
    try:
        return np.broadcast_to(arr, shape)
    except ValueError:
        raise SymbolicVAEError(f"{name}: shape {arr.shape} does not broadcast to the shape {shape} of "
                               f"{against}") from None


def one_of(name: str, value: Any, choices: tuple[str, ...]) -> str:
    """``value`` if it is one of the string ``choices``."""
    if not isinstance(value, str) or value not in choices:
        raise SymbolicVAEError(f"{name}: expected one of {', '.join(map(repr, choices))}, got {_describe(value)}")
    return value


def finite_result(name: str, arr: np.ndarray) -> np.ndarray:
    """Guard on outputs: ``arr`` unchanged if it holds no NaN; a NaN is a defect, never returned silently."""
    if arr.size and bool(np.isnan(arr).any()):
        raise SymbolicVAEError(f"{name}: the result holds NaN for valid input (shape {arr.shape}); outside the "
                               f"supported range of the formula")
    return arr


def for_flags(err: SymbolicVAEError, flags: Mapping[str, str]) -> SymbolicVAEError:
    """The CLI's version of a library error: the argument name at the start of the message becomes its flag."""
    message = str(err)
    head, sep, rest = message.partition(": ")
    if sep and head in flags:
        return SymbolicVAEError(f"{flags[head]}: {rest}")
    return err


def is_finite_number(value: Any) -> bool:
    """True for a real, finite Python or numpy number (not bool)."""
    return (isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))
            and math.isfinite(float(value)))
