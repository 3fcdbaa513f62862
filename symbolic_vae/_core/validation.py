"""Validation of the arguments of every public entry point: one set of validators, one error type.

Each validator takes the argument's name as the user wrote it (``name``) and the value, and returns the value in the
form the code needs (float64 arrays, Python floats and ints) or raises ``SymbolicVAEError`` saying which argument,
what was received (its value, type, dtype or shape) and what was expected. Library code never names CLI flags; the
CLI maps argument names to its flags (``for_flags``).
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from symbolic_vae._core.errors import SymbolicVAEError

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


# ----------------------------------------------------------------------------------------------------------------
# The supported range of spectra and model scalars (kernels, thresholds, vae_loss)
# ----------------------------------------------------------------------------------------------------------------
MAX_MAGNITUDE = 1e30
"""The one supported magnitude range of the numeric entry points. Linear quantities: singular values zeta in
[0, MAX_MAGNITUDE]; positive scalars (beta, eta_enc, eta_dec, sigma) in [MIN_POSITIVE, MAX_MAGNITUDE]; real parameters
(U, W, V) in [-MAX_MAGNITUDE, MAX_MAGNITUDE]. Quadratic quantities (eigenvalues, the residual c, the decoder variance
s = eta_dec^2, variances sigma2 and D, second moments A, B, S_yy) in the squares of those ranges: [0, 1e60], positive
ones in [1e-60, 1e60]. Inside it every kernel's closed form evaluates in float64 without overflow or underflow (its
largest intermediate products stay below ~1e250); outside it the entry points raise SymbolicVAEError."""

MIN_POSITIVE = 1e-30
"""The smallest positive linear scalar accepted (beta, eta_enc, eta_dec, sigma); quadratic ones:
MIN_POSITIVE_QUADRATIC."""


MAX_QUADRATIC = 1e60
"""MAX_MAGNITUDE squared (written out: 1e30**2 rounds above 1e60): the bound of variances, eigenvalues, residuals."""

MIN_POSITIVE_QUADRATIC = 1e-60
"""MIN_POSITIVE squared (written out): the smallest positive variance accepted (s = eta_dec^2, sigma2, D)."""


def _bounds(quadratic: bool) -> tuple[float, float]:
    return (MIN_POSITIVE_QUADRATIC, MAX_QUADRATIC) if quadratic else (MIN_POSITIVE, MAX_MAGNITUDE)


def in_range(name: str, arr: np.ndarray, *, low: float | None = None, high: float | None = None,
             what: str = "the supported range") -> np.ndarray:
    """``arr`` (finite floats) unchanged if every entry lies in [low, high]; otherwise SymbolicVAEError naming the
    argument, the offending extreme and the range (``what`` says whose range it is)."""
    if arr.size and low is not None and bool((arr < low).any()):
        raise SymbolicVAEError(f"{name}: got {arr.min():.6g} (shape {arr.shape}), below {what} "
                               f"[{low:g}, {high if high is not None else np.inf:g}]")
    if arr.size and high is not None and bool((arr > high).any()):
        raise SymbolicVAEError(f"{name}: got {arr.max():.6g} (shape {arr.shape}), above {what} "
                               f"[{low if low is not None else -np.inf:g}, {high:g}]")
    return arr


def positive_values(name: str, value: Any, *, quadratic: bool = False, min_ndim: int = 0,
                    max_ndim: int | None = None) -> np.ndarray:
    """A positive array in the supported range: [MIN_POSITIVE, MAX_MAGNITUDE] (``quadratic``: their squares, for
    variances). A lone bool is rejected like a bool array."""
    if isinstance(value, (bool, np.bool_)):
        raise SymbolicVAEError(f"{name}: expected a positive real number, got the boolean {value!r}")
    arr = real_array(name, value, min_ndim=min_ndim, max_ndim=max_ndim, positive=True)
    low, high = _bounds(quadratic)
    return in_range(name, arr, low=low, high=high, what="the supported range of positive "
                    + ("variances" if quadratic else "scalars"))


def non_negative_values(name: str, value: Any, *, quadratic: bool = False, min_ndim: int = 0,
                        max_ndim: int | None = None) -> np.ndarray:
    """A non-negative array in [0, MAX_MAGNITUDE] (``quadratic``: [0, MAX_QUADRATIC], e.g. the residual c)."""
    if isinstance(value, (bool, np.bool_)):
        raise SymbolicVAEError(f"{name}: expected a non-negative real number, got the boolean {value!r}")
    arr = real_array(name, value, min_ndim=min_ndim, max_ndim=max_ndim, minimum=0.0)
    return in_range(name, arr, low=0.0, high=_bounds(quadratic)[1], what="the supported range")


def bounded_values(name: str, value: Any, *, quadratic: bool = False, min_ndim: int = 0,
                   max_ndim: int | None = None) -> np.ndarray:
    """A real array with |entries| <= MAX_MAGNITUDE (``quadratic``: MAX_QUADRATIC), e.g. parameters U, W, V."""
    if isinstance(value, (bool, np.bool_)):
        raise SymbolicVAEError(f"{name}: expected a real number or array, got the boolean {value!r}")
    arr = real_array(name, value, min_ndim=min_ndim, max_ndim=max_ndim)
    high = _bounds(quadratic)[1]
    return in_range(name, arr, low=-high, high=high, what="the supported range")


MIN_NONZERO_SPECTRUM = 1e-150
"""The smallest non-zero singular value accepted (eigenvalues: MIN_NONZERO_SPECTRUM_QUADRATIC): its square is still
a normal float64, so a tiny mode is not mistaken for a zero one (their collapse thresholds differ)."""

MIN_NONZERO_SPECTRUM_QUADRATIC = 1e-300
"""The smallest non-zero eigenvalue accepted in a spectrum of variances."""


def spectrum(name: str, value: Any, *, quadratic: bool = False) -> np.ndarray:
    """A batch of spectra [..., d], d >= 1: real, finite, non-negative, non-increasing along the last axis, at most
    MAX_MAGNITUDE and each entry 0 or at least MIN_NONZERO_SPECTRUM (``quadratic``: MAX_QUADRATIC and
    MIN_NONZERO_SPECTRUM_QUADRATIC, for eigenvalues)."""
    arr = real_array(name, value, min_ndim=1, minimum=0.0)
    high = _bounds(quadratic)[1]
    in_range(name, arr, low=0.0, high=high, what="the supported range of spectra")
    smallest = MIN_NONZERO_SPECTRUM_QUADRATIC if quadratic else MIN_NONZERO_SPECTRUM
    tiny = (arr > 0) & (arr < smallest)
    if bool(tiny.any()):
        why = "smaller ones are subnormal float64" if quadratic else "a smaller one's square underflows float64"
        raise SymbolicVAEError(f"{name}: got {arr[tiny].min():.6g} (shape {arr.shape}); the supported range of "
                               f"spectra is 0 or [{smallest:g}, {high:g}] ({why}): set such entries to 0 or rescale")
    rises = np.diff(arr, axis=-1) > 0
    if bool(rises.any()):
        before = tuple(int(i) for i in np.argwhere(rises)[0])
        after = before[:-1] + (before[-1] + 1,)
        raise SymbolicVAEError(f"{name}: must be sorted in non-increasing order along the last axis (shape "
                               f"{arr.shape}); entry {after} = {arr[after]:.6g} exceeds the one before it, "
                               f"{arr[before]:.6g}")
    return arr


def batch_shape(shapes: Mapping[str, tuple[int, ...]]) -> tuple[int, ...]:
    """The broadcast of the named (batch) shapes; SymbolicVAEError names two arguments that do not broadcast."""
    names = list(shapes)
    out: tuple[int, ...] = ()
    for i, name in enumerate(names):
        try:
            out = np.broadcast_shapes(out, shapes[name])
        except ValueError:
            other = next(n for n in names[:i] if not _broadcastable(shapes[n], shapes[name]))
            raise SymbolicVAEError(f"{name}: batch shape {shapes[name]} does not broadcast with the batch shape "
                                   f"{shapes[other]} of {other}") from None
    return out


def _broadcastable(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    try:
        np.broadcast_shapes(a, b)
    except ValueError:
        return False
    return True


def output_size(name: str, shape: tuple[int, ...], *, max_elements: int = MAX_ELEMENTS) -> tuple[int, ...]:
    """``shape`` if an output of that shape has at most ``max_elements`` entries; else SymbolicVAEError naming the
    argument that sets its size."""
    size = math.prod(shape)
    if size > max_elements:
        raise SymbolicVAEError(f"{name}: the output would have shape {shape} ({size} entries), more than the supported "
                               f"{max_elements}")
    return shape


def flag(name: str, value: Any) -> bool:
    """``value`` if it is True or False (a Python or numpy bool); 0, 1, "yes" and None are rejected."""
    if not isinstance(value, (bool, np.bool_)):
        raise SymbolicVAEError(f"{name}: expected True or False, got {type(value).__name__} {_describe(value)}")
    return bool(value)


def text(name: str, value: Any) -> str:
    """``value`` if it is a string."""
    if not isinstance(value, str):
        raise SymbolicVAEError(f"{name}: expected a string, got {type(value).__name__} {_describe(value)}")
    return value


def output_directory(name: str, value: Any, *, files: Iterable[str] = (), force: bool = False,
                     force_name: str = "force=True") -> Path:
    """Validate an output directory before any work: a non-empty path that is an existing directory or can be
    created (its nearest existing ancestor is a directory), with a real write probe in that directory and in the
    existing directories of ``files`` (paths relative to it). A file of ``files`` that exists is an error unless
    ``force`` (``force_name`` is how the error says to pass it); one that is a directory is an error even then.
    Nothing is created. SymbolicVAEError names ``name``."""
    if not isinstance(value, (str, os.PathLike)) or isinstance(value, bytes):
        raise SymbolicVAEError(f"{name}: expected a directory path, got {type(value).__name__} {_describe(value)}")
    raw = os.fspath(value)
    if not isinstance(raw, str) or raw.strip() == "":
        raise SymbolicVAEError(f"{name}: expected a directory path, got {_describe(raw)}")
    path = Path(raw)
    try:
        if path.exists() and not path.is_dir():
            raise SymbolicVAEError(f"{name}: {path} exists and is not a directory (expected a directory path)")
        if path.is_symlink() and not path.exists():
            raise SymbolicVAEError(f"{name}: {path} is a broken symbolic link")
        ancestor = path
        while not ancestor.exists() and not ancestor.is_symlink() and ancestor.parent != ancestor:
            ancestor = ancestor.parent
        if not ancestor.is_dir():
            raise SymbolicVAEError(f"{name}: {ancestor} is not a directory, so {path} cannot be created")
        probed = {ancestor}
        _probe_write(name, ancestor)
        existing = []
        for rel in files:
            target = path / rel
            if target.is_dir():
                raise SymbolicVAEError(f"{name}: {target} is a directory, expected a file path there")
            parent = target.parent
            while parent != path and not parent.exists():
                parent = parent.parent
            if parent.exists() and not parent.is_dir():
                raise SymbolicVAEError(f"{name}: {parent} exists and is not a directory")
            if parent.is_dir() and parent not in probed:
                probed.add(parent)
                _probe_write(name, parent)
            if target.exists() or target.is_symlink():
                existing.append(str(target))
    except OSError as err:
        raise SymbolicVAEError(f"{name}: cannot use {path} ({err.strerror or err})") from None
    if existing and not force:
        shown = ", ".join(existing[:3]) + (f" and {len(existing) - 3} more" if len(existing) > 3 else "")
        raise SymbolicVAEError(f"{name}: {shown} exist{'s' if len(existing) == 1 else ''}; pass {force_name} to "
                               "overwrite (only the files this tool writes are replaced)")
    return path


def _probe_write(name: str, directory: Path) -> None:
    """A real write in ``directory`` (permissions alone do not tell, e.g. /proc as root)."""
    try:
        fd, probe = tempfile.mkstemp(prefix=".symbolic-vae-", suffix=".probe", dir=directory)
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise SymbolicVAEError(f"{name}: cannot write in directory {directory} ({err.strerror or err})") from None


NON_FINITE_JSON = {"inf": "Infinity", "-inf": "-Infinity", "nan": "NaN"}
"""How ``json_compatible`` writes a float that JSON cannot hold: the strings that float() and JavaScript's Number()
read back."""


def json_compatible(payload: Any) -> tuple[Any, list[str]]:
    """``payload`` with every value JSON has no literal for replaced, so that ``json.dumps(..., allow_nan=False)``
    accepts it: inf, -inf and NaN become the strings of NON_FINITE_JSON, numpy scalars and arrays become Python
    numbers and lists, tuples become lists. Also returns the JSON Pointers (RFC 6901) of the replaced floats."""
    paths: list[str] = []

    def convert(value: Any, pointer: str) -> Any:
        if isinstance(value, Mapping):
            return {str(k): convert(v, f"{pointer}/{_pointer_token(str(k))}") for k, v in value.items()}
        if isinstance(value, np.ndarray):
            value = value.tolist()
        if isinstance(value, (list, tuple)):
            return [convert(v, f"{pointer}/{i}") for i, v in enumerate(value)]
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        if isinstance(value, (int, np.integer)):
            return int(value)
        if isinstance(value, (float, np.floating)):
            number = float(value)
            if math.isfinite(number):
                return number
            paths.append(pointer)
            return NON_FINITE_JSON["nan" if math.isnan(number) else ("inf" if number > 0 else "-inf")]
        return value

    return convert(payload, ""), paths


def _pointer_token(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


MAX_SEED = 2**63
"""Seeds are integers in [0, MAX_SEED): every consumer (numpy, torch, SeedSequence) takes them."""


def seed_integer(name: str, value: Any) -> int:
    """``value`` as an int seed in [0, 2**63): Python or numpy integers only ("1", 1.0, True and -1 are rejected)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise SymbolicVAEError(f"{name}: expected an integer seed in [0, 2**63), got {type(value).__name__} "
                               f"{_describe(value)}")
    if not 0 <= int(value) < MAX_SEED:
        raise SymbolicVAEError(f"{name}: expected an integer seed in [0, 2**63), got {int(value)}")
    return int(value)
