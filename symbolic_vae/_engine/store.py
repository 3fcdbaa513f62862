"""The verdict store: each verdict of a built-in claim is computed once, and kept on disk as JSON under a key that
covers everything it depends on.

The key is the SHA-256 of (store format, claim id, source hash, versions, evidence backend, run seed):
- the source hash covers every file of the packages ``symbolic_vae`` and ``numeric_backend`` (their content, not
  their dates), so any change to the code invalidates every stored verdict;
- the versions are those of Python, sympy, symengine, numpy, scipy, mpmath, torch and scikit-learn;
- the evidence backend is that of claims whose evidence depends on it ("" for the others).
Nothing is reused that the current code, under the same versions and seed, did not compute.

Where: ``<cache dir>/verdicts/<key[:2]>/<key>.json``, the cache dir being $SYMBOLIC_VAE_CACHE_DIR or else
``platformdirs.user_cache_dir("symbolic-vae")``; SYMBOLIC_VAE_STORE=off turns the store off. An entry is written
atomically (a temporary file and a rename), and a ``filelock`` per key lets one process compute a verdict while
another that wants the same one waits and then reads it. An entry that cannot be read back exactly (not JSON, another
key or claim, not a verdict) is a miss, never an error. Stored data is JSON: reading it runs no code. INCONCLUSIVE
verdicts, and verdicts computed while a stop signal was pending, are not stored.

Campaigns (the values of ``campaigns.cached`` functions, e.g. ground-truth minimizations that several claims share)
are kept beside the verdicts, in ``<cache dir>/verdicts/campaigns/``, under a key that covers the same source hash,
versions and run seed, the function, its arguments and torch's thread count. A value is stored only when it is made of
JSON values, tuples, lists, dicts, sets, fractions, numpy arrays (their strides kept) and scalars, torch tensors, and
dataclasses, named tuples and enums of the two packages, SymPy expressions (below), and reads back exactly as it was
computed (types, dtypes, shapes, strides and every bit); anything else (a compiled function, a Dummy symbol, a Float)
stays in its process. A SymPy expression is written as its tree: each node the name of a SymPy class and its
arguments, the leaves symbols (name and assumptions), integers, rationals and SymPy's named constants. Reading it back
constructs those classes (unevaluated) from those arguments, and only SymPy classes of SymPy's namespace: no string is
parsed or evaluated.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import fractions
import hashlib
import json
import math
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from symbolic_vae._core import stop_signals
from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._core.files import cache_dir, write_json_atomically
from symbolic_vae._core.verdict import Origin, Status, Verdict

STORE_FORMAT = 1
CAMPAIGN_FORMAT = 1
CAMPAIGNS_DIR = "campaigns"
"""Under the store's root: the stored campaigns."""
STORE_ENV = "SYMBOLIC_VAE_STORE"
"""Set to "off" (or "0") to run without the verdict store."""
KEYED_VERSIONS = ("sympy", "symengine", "numpy", "scipy", "mpmath", "torch", "scikit-learn")
SOURCE_PACKAGES = ("symbolic_vae", "numeric_backend")
UNKEYED_FILES = ("_report/default_costs.json",)
"""Files under the package roots that no verdict reads (the Dask tasks' placement hints), left out of the key."""


def package_roots() -> tuple[Path, ...]:
    """The directories of the packages whose source the key covers."""
    import numeric_backend

    return Path(__file__).resolve().parents[1], Path(numeric_backend.__file__).resolve().parent


def source_hash(roots: tuple[Path, ...]) -> str:
    """SHA-256 of every file under ``roots`` (relative path and content; compiled caches and UNKEYED_FILES left out),
    in sorted order: a hash of the code itself, unchanged by a touch that leaves the content as it was."""
    digest = hashlib.sha256()
    for root in roots:
        files = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                       and p.suffix not in (".pyc", ".pyo")
                       and p.relative_to(root).as_posix() not in UNKEYED_FILES)
        for path in files:
            digest.update(f"{root.name}/{path.relative_to(root).as_posix()}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@cache
def _process_source_hash() -> str:
    return source_hash(package_roots())


@cache
def keyed_versions() -> dict[str, str | None]:
    """The versions the key covers (None for a package that is not installed)."""
    import platform

    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in KEYED_VERSIONS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def key_fields(claim_id: str, backend: str, seed: int) -> dict[str, Any]:
    """What the key of ``claim_id``'s verdict covers, as a JSON object (``backend``: the evidence backend of a
    backend-dependent claim, "" for the others)."""
    return {"format": STORE_FORMAT, "claim": claim_id, "source": _process_source_hash(),
            "versions": keyed_versions(), "backend": backend, "seed": int(seed)}


def verdict_key(fields: dict[str, Any]) -> str:
    """The store key of ``key_fields``: SHA-256 of their canonical JSON."""
    return hashlib.sha256(json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def store_enabled() -> bool:
    """False when $SYMBOLIC_VAE_STORE is "off" or "0"."""
    return os.environ.get(STORE_ENV, "").strip().lower() not in ("off", "0")


@dataclass(frozen=True)
class VerdictStore:
    """The verdicts on disk under ``root``; ``read=False`` computes every verdict again (and stores it), as
    ``verify --recompute`` does."""

    root: Path
    read: bool = True

    def path(self, key: str) -> Path:
        """The file of ``key``."""
        return self.root / key[:2] / f"{key}.json"

    def load(self, key: str, claim_id: str) -> Verdict | None:
        """The stored verdict of ``claim_id`` under ``key`` (its origin: reused, with the date it was computed), or
        None when there is none or it cannot be read back exactly."""
        if not self.read:
            return None
        try:
            entry = json.loads(self.path(key).read_text())
            if entry.get("key") != key or entry.get("format") != STORE_FORMAT:
                return None
            verdict = Verdict.from_json(entry["verdict"])
            date = str(entry["date"])
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError, AssertionError):
            return None
        if verdict.claim_id != claim_id:
            return None
        return replace(verdict, origin=Origin(computed=False, key=key, date=date))

    def save(self, key: str, fields: dict[str, Any], verdict: Verdict) -> Verdict:
        """Store ``verdict`` under ``key`` (unless it is INCONCLUSIVE or a stop signal is pending) and return it with
        its origin (computed now)."""
        date = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        verdict = replace(verdict, origin=Origin(computed=True, key=key, date=date))
        if verdict.status is Status.INCONCLUSIVE or stop_signals.pending() is not None:
            return replace(verdict, origin=Origin(computed=True))
        entry = {"format": STORE_FORMAT, "key": key, "fields": fields, "date": date,
                 "verdict": {k: v for k, v in verdict.to_json().items() if k != "store"}}
        path = self.path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_json_atomically(path, entry)
        except OSError:  # a store that cannot be written costs time, never a verdict
            return replace(verdict, origin=Origin(computed=True))
        return verdict

    def campaign_path(self, key: str) -> Path:
        """The file of the campaign ``key``."""
        return self.root / CAMPAIGNS_DIR / key[:2] / f"{key}.json"

    def load_campaign(self, key: str) -> tuple[Any, list[dict[str, Any]]] | None:
        """The value and the campaign records stored under ``key``, or None when there are none or they cannot be
        read back (and always with ``read=False``)."""
        if not self.read:
            return None
        try:
            entry = json.loads(self.campaign_path(key).read_text())
            if entry.get("key") != key or entry.get("format") != CAMPAIGN_FORMAT or "value" not in entry:
                return None
            records = decode_value(entry["records"])
            if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
                return None
            return decode_value(entry["value"]), records
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError, AssertionError,
                ImportError):
            return None

    def save_campaign(self, key: str, fields: dict[str, Any], value: Any, records: list[dict[str, Any]],
                      seconds: float) -> None:
        """Store a campaign's ``value`` and ``records`` under ``key`` (not while a stop signal is pending); raises
        UnshareableError when the value cannot be read back exactly."""
        entry = {"format": CAMPAIGN_FORMAT, "key": key, "fields": fields,
                 "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                 "seconds": round(float(seconds), 3), "records": as_json_exactly(records),
                 "value": as_json_exactly(value)}
        if stop_signals.pending() is not None:
            return
        self._write(self.campaign_path(key), entry)

    def note_unshareable(self, key: str, fields: dict[str, Any], reason: str) -> None:
        """Note under ``key`` (``campaign_function_fields``) that a function's values cannot be stored, so that other
        processes compute them without waiting for one another."""
        self._write(self.campaign_path(key), {"format": CAMPAIGN_FORMAT, "key": key, "fields": fields,
                                              "unshareable": reason})

    def is_unshareable(self, key: str) -> bool:
        """Whether ``note_unshareable`` noted ``key``."""
        try:
            entry = json.loads(self.campaign_path(key).read_text())
            return entry.get("key") == key and entry.get("format") == CAMPAIGN_FORMAT and "unshareable" in entry
        except (OSError, UnicodeDecodeError, ValueError, AttributeError):
            return False

    @staticmethod
    def _write(path: Path, entry: dict[str, Any]) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_json_atomically(path, entry, indent=None)
        except OSError:  # a store that cannot be written costs time, never a value
            pass

    @contextmanager
    def computing(self, key: str, *, campaign: bool = False) -> Iterator[None]:
        """Hold the lock of ``key`` (of a campaign's key with ``campaign``): one process computes a verdict or a
        campaign, the others wait for it and then read it. A store directory that cannot hold a lock file is used
        without one."""
        from filelock import FileLock, Timeout

        path = self.campaign_path(key) if campaign else self.path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            lock = FileLock(path.with_suffix(".lock"), timeout=3600)
            lock.acquire()
        except (OSError, Timeout):
            yield
            return
        try:
            yield
        finally:
            lock.release()

    def entries(self) -> list[dict[str, Any]]:
        """Every readable entry: its key, claim, date and the fields of its key (newest first)."""
        out = []
        for path in self.root.glob("??/*.json"):
            try:
                entry = json.loads(path.read_text())
                out.append({"key": entry["key"], "claim": entry["verdict"]["claim"], "date": entry["date"],
                            "status": entry["verdict"]["status"], "fields": entry["fields"]})
            except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
                continue
        return sorted(out, key=lambda e: e["date"], reverse=True)

    def clear(self) -> int:
        """Remove every entry (and lock file) of the store, the stored campaigns included; how many verdicts were
        removed."""
        removed = 0
        for path in (*self.root.glob("??/*"), *(self.root / CAMPAIGNS_DIR).glob("??/*")):
            if path.suffix in (".json", ".lock") and path.is_file():
                path.unlink(missing_ok=True)
                removed += path.suffix == ".json" and path.parent.parent == self.root
        return removed


# ----------------------------------------------------------------------------------------------------------------
# Campaign values: JSON that reads back exactly
# ----------------------------------------------------------------------------------------------------------------
class UnshareableError(Exception):
    """A value that cannot be written as JSON and read back exactly: it stays in the process that computed it."""


def _own_type(cls: type) -> str:
    """``module:qualname`` of a class of the two packages (else UnshareableError)."""
    module = cls.__module__
    if not any(module == p or module.startswith(p + ".") for p in SOURCE_PACKAGES) or "<locals>" in cls.__qualname__:
        raise UnshareableError(f"{module}.{cls.__qualname__} is not a class of {' or '.join(SOURCE_PACKAGES)}")
    return f"{module}:{cls.__qualname__}"


def _resolve(name: str) -> type:
    """The class ``module:qualname`` of the two packages, from a module this process has already imported
    (ValueError for anything else: the stored value is then a miss, and is computed again). Nothing is imported
    because a file names it."""
    module, _, qualname = str(name).partition(":")
    if not any(module == p or module.startswith(p + ".") for p in SOURCE_PACKAGES) or not qualname:
        raise ValueError(f"not a class of the packages: {name!r}")
    found: Any = sys.modules.get(module)
    if found is None:
        raise ValueError(f"the module of {name!r} is not imported in this process")
    for part in qualname.split("."):
        found = getattr(found, part)
    if not isinstance(found, type) or f"{found.__module__}:{found.__qualname__}" != f"{module}:{qualname}":
        raise ValueError(f"not a class of the packages: {name!r}")
    return found


def _float_bits(array: np.ndarray) -> str:
    return array.tobytes().hex()


def _encode_array(array: np.ndarray) -> dict[str, Any]:
    dtype = array.dtype
    if dtype.kind not in "biuf" or dtype.itemsize > 8:
        raise UnshareableError(f"an array of dtype {dtype}")
    if array.strides == np.empty(array.shape, dtype, order="C").strides:
        layout: Any = "C"
    elif array.strides == np.empty(array.shape, dtype, order="F").strides:
        layout = "F"
    elif all(stride >= 0 and stride % dtype.itemsize == 0 for stride in array.strides):
        layout = list(array.strides)  # a strided view comes back with its strides (they can change how numpy sums)
    else:
        raise UnshareableError("an array with negative or unaligned strides")
    flat = np.ascontiguousarray(array).reshape(-1)
    data: list[Any] = flat.tolist()
    if dtype.kind == "f":
        for i in np.flatnonzero(~np.isfinite(flat)).tolist():
            data[i] = {"$": "bits", "hex": _float_bits(flat[i:i + 1])}  # NaN payloads and signs kept
    return {"$": "array", "dtype": dtype.str, "shape": list(array.shape), "order": layout,
            "writeable": bool(array.flags.writeable), "data": data}


def _decode_array(data: dict[str, Any]) -> np.ndarray:
    dtype = np.dtype(str(data["dtype"]))
    if dtype.kind not in "biuf" or dtype.itemsize > 8:
        raise ValueError(f"an array of dtype {dtype}")
    values = list(data["data"])
    special = [(i, x) for i, x in enumerate(values) if isinstance(x, dict)]
    for i, _ in special:
        values[i] = 0
    flat = np.array(values, dtype=dtype).reshape(-1)
    for i, x in special:
        flat[i] = np.frombuffer(bytes.fromhex(x["hex"]), dtype=dtype)[0]
    shape = tuple(int(n) for n in data["shape"])
    array = flat.reshape(shape) if flat.size else np.empty(shape, dtype, order="F" if data["order"] == "F" else "C")
    if data["order"] == "F":
        array = np.asfortranarray(array)
    elif isinstance(data["order"], list):
        strides = tuple(int(n) for n in data["order"])
        if len(strides) != len(shape) or any(n < 0 or n % dtype.itemsize for n in strides):
            raise ValueError(f"strides {strides} for shape {shape}")
        steps = zip(shape, strides, strict=True)
        extent = 1 + sum((n - 1) * st // dtype.itemsize for n, st in steps) if flat.size else 0
        view = np.lib.stride_tricks.as_strided(np.zeros(extent, dtype=dtype), shape, strides)
        view[...] = array
        array = view
    elif data["order"] != "C":
        raise ValueError(f"layout {data['order']!r}")
    if not data["writeable"]:
        array.setflags(write=False)
    return array


def encode_value(value: Any) -> Any:
    """``value`` as JSON (raises UnshareableError for what cannot be written exactly: see the module docstring)."""
    kind = type(value)
    if value is None or kind in (bool, int, str):
        return value
    if kind is float:
        return value if math.isfinite(value) else {"$": "float", "hex": _float_bits(np.array(value))}
    if kind is list:
        return [encode_value(x) for x in value]
    if kind is tuple:
        return {"$": "tuple", "items": [encode_value(x) for x in value]}
    if kind is dict:
        return {"$": "dict", "items": [[encode_value(k), encode_value(x)] for k, x in value.items()]}
    if kind in (set, frozenset):  # in iteration order, so that the set is built as it was
        return {"$": kind.__name__, "items": [encode_value(x) for x in value]}
    if kind is fractions.Fraction:
        return {"$": "fraction", "n": value.numerator, "d": value.denominator}
    if kind is np.ndarray:
        return _encode_array(value)
    if isinstance(value, np.generic) and value.dtype.kind in "biuf":
        return {"$": "scalar", "array": _encode_array(np.array(value))}
    if kind.__module__ == "torch" and kind.__name__ == "Tensor":
        if value.device.type != "cpu" or value.requires_grad or not value.is_contiguous():
            raise UnshareableError("a torch tensor off the CPU, with a gradient or not contiguous")
        return {"$": "tensor", "dtype": str(value.dtype), "array": _encode_array(value.numpy())}
    if isinstance(value, enum.Enum):
        return {"$": "enum", "type": _own_type(kind), "name": value.name}
    if isinstance(value, tuple) and hasattr(kind, "_fields"):
        return {"$": "namedtuple", "type": _own_type(kind), "items": [encode_value(x) for x in value]}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"$": "dataclass", "type": _own_type(kind),
                "fields": [[f.name, encode_value(getattr(value, f.name))] for f in dataclasses.fields(value) if f.init]}
    if _is_sympy(value):
        return {"$": "sympy", "tree": _encode_sympy(value)}
    raise UnshareableError(f"a value of type {kind.__module__}.{kind.__qualname__}")


def _is_sympy(value: Any) -> bool:
    """Whether ``value`` is a SymPy object (sympy is not imported for this)."""
    sympy = sys.modules.get("sympy")
    return sympy is not None and isinstance(value, sympy.Basic)


def _encode_sympy(node: Any) -> Any:
    """A SymPy object as a JSON tree (UnshareableError for a node that cannot be rebuilt from its name and
    arguments: a Dummy or Wild symbol, a Float, an undefined function, an atom of another kind)."""
    import sympy as sp

    kind = type(node)
    if kind is sp.Symbol:
        return {"symbol": node.name, "assumptions": sorted(node.assumptions0.items())}
    if isinstance(node, sp.Integer):
        return {"integer": int(node)}
    if isinstance(node, sp.Rational):
        return {"rational": [int(node.p), int(node.q)]}
    singleton = getattr(sp.S, kind.__name__, None)
    if singleton is node:
        return {"constant": kind.__name__}
    if node.is_Atom or _sympy_class(kind.__name__) is not kind:
        raise UnshareableError(f"a SymPy {kind.__module__}.{kind.__qualname__} (only SymPy's named classes, symbols, "
                               "integers and rationals are written)")
    return {"node": kind.__name__, "args": [_encode_sympy(arg) for arg in node.args]}


def _sympy_class(name: str) -> type | None:
    """The SymPy class of this name in SymPy's namespace (or Piecewise's ExprCondPair), None for any other name."""
    import sympy as sp
    from sympy.functions.elementary.piecewise import ExprCondPair

    cls = ExprCondPair if name == "ExprCondPair" else getattr(sp, name, None)
    return cls if isinstance(cls, type) and issubclass(cls, sp.Basic) else None


def _decode_sympy(tree: Any) -> Any:
    """The SymPy object ``_encode_sympy`` wrote (ValueError for a node of anything but a SymPy class)."""
    import sympy as sp

    if "symbol" in tree:
        return sp.Symbol(str(tree["symbol"]), **{str(k): bool(v) for k, v in tree["assumptions"]})
    if "integer" in tree:
        return sp.Integer(int(tree["integer"]))
    if "rational" in tree:
        p, q = tree["rational"]
        return sp.Rational(int(p), int(q))
    if "constant" in tree:
        value = getattr(sp.S, str(tree["constant"]))
        if not isinstance(value, sp.Basic):
            raise ValueError(f"not a SymPy constant: {tree['constant']!r}")
        return value
    cls = _sympy_class(str(tree["node"]))
    if cls is None:
        raise ValueError(f"not a SymPy class: {tree['node']!r}")
    args = [_decode_sympy(arg) for arg in tree["args"]]
    try:  # the stored tree is already evaluated: building it again without evaluation is faster and gives the same
        return cls(*args, evaluate=False)
    except TypeError:  # a class without the option
        return cls(*args)


def decode_value(data: Any) -> Any:
    """The value ``encode_value`` wrote (ValueError, KeyError or TypeError for anything else)."""
    if data is None or type(data) in (bool, int, float, str):
        return data
    if type(data) is list:
        return [decode_value(x) for x in data]
    tag = data["$"]
    if tag == "float":
        return float(np.frombuffer(bytes.fromhex(data["hex"]), dtype=np.float64)[0])
    if tag == "tuple":
        return tuple(decode_value(x) for x in data["items"])
    if tag == "dict":
        return {decode_value(k): decode_value(x) for k, x in data["items"]}
    if tag in ("set", "frozenset"):
        return {"set": set, "frozenset": frozenset}[tag](decode_value(x) for x in data["items"])
    if tag == "fraction":
        return fractions.Fraction(int(data["n"]), int(data["d"]))
    if tag == "array":
        return _decode_array(data)
    if tag == "scalar":
        return _decode_array(data["array"])[()]
    if tag == "tensor":
        import torch

        tensor = torch.from_numpy(np.array(_decode_array(data["array"])))
        if str(tensor.dtype) != data["dtype"]:
            raise ValueError(f"a tensor of dtype {data['dtype']} read back as {tensor.dtype}")
        return tensor
    if tag == "sympy":
        return _decode_sympy(data["tree"])
    cls = _resolve(data["type"])
    if tag == "enum" and issubclass(cls, enum.Enum):
        return cls[data["name"]]
    if tag == "namedtuple" and issubclass(cls, tuple):
        return cls(*(decode_value(x) for x in data["items"]))
    if tag == "dataclass" and dataclasses.is_dataclass(cls):
        return cls(**{str(name): decode_value(x) for name, x in data["fields"]})
    raise ValueError(f"not a stored value: {tag!r}")


def same_value(a: Any, b: Any) -> bool:
    """Whether ``a`` and ``b`` are the same value: the same types throughout, equal numbers bit for bit (NaN payloads
    and the sign of zero included), arrays with the same dtype, shape, layout and writeability."""
    kind = type(a)
    if kind is not type(b):
        return False
    if kind is float:
        return np.array(a).tobytes() == np.array(b).tobytes()
    if kind is np.ndarray:
        return (a.dtype == b.dtype and a.shape == b.shape and a.strides == b.strides
                and a.flags.c_contiguous == b.flags.c_contiguous and a.flags.f_contiguous == b.flags.f_contiguous
                and a.flags.writeable == b.flags.writeable and a.tobytes() == b.tobytes())
    if kind in (set, frozenset):
        return a == b and sorted(map(repr, a)) == sorted(map(repr, b)) and len(a) == len(b)
    if isinstance(a, np.generic):
        return a.dtype == b.dtype and a.tobytes() == b.tobytes()
    if kind.__module__ == "torch" and kind.__name__ == "Tensor":
        return (a.dtype == b.dtype and a.requires_grad == b.requires_grad and a.device == b.device
                and a.is_contiguous() == b.is_contiguous() and same_value(a.numpy(), b.numpy()))
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
    if kind is dict:
        return len(a) == len(b) and all(same_value(ka, kb) and same_value(va, vb)
                                        for (ka, va), (kb, vb) in zip(a.items(), b.items(), strict=True))
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        return all(same_value(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    if isinstance(a, enum.Enum):
        return a is b
    if _is_sympy(a):  # structural equality: the same tree, symbols with the same names and assumptions
        return bool(a == b)
    return a == b if a is None or kind in (bool, int, str, fractions.Fraction) else False


def as_json_exactly(value: Any) -> Any:
    """``encode_value(value)`` after checking that it reads back as ``value`` (else UnshareableError)."""
    encoded = encode_value(value)  # plain JSON data (str keys, finite floats): it reads back as it is written
    try:
        if not same_value(value, decode_value(encoded)):
            raise UnshareableError("the value does not read back exactly")
    except (ValueError, KeyError, TypeError, AttributeError, AssertionError) as err:
        raise UnshareableError(f"the value does not read back ({type(err).__name__}: {err})") from None
    return encoded


def campaign_fields(name: str, arguments: Any, seed: int, threads: int | None) -> dict[str, Any]:
    """What the key of a campaign covers: the function ``name`` (module.qualname), its ``arguments`` (as
    ``encode_value`` writes them), the source hash, the versions, the run seed and torch's thread count (None: torch
    not imported yet, its default)."""
    return {"format": CAMPAIGN_FORMAT, "campaign": name, "arguments": arguments, "source": _process_source_hash(),
            "versions": keyed_versions(), "seed": int(seed), "threads": None if threads is None else int(threads)}


def campaign_function_fields(name: str) -> dict[str, Any]:
    """The key fields of a note that the function ``name`` returns values that cannot be stored (this code, these
    versions)."""
    return {"format": CAMPAIGN_FORMAT, "unshareable": name, "source": _process_source_hash(),
            "versions": keyed_versions()}


_PROCESS = {"read": True}


def recompute_in_this_process() -> None:
    """From now on this process reuses no stored verdict (it still stores what it computes): ``verify
    --recompute``."""
    _PROCESS["read"] = False


def verdict_store(*, read: bool | None = None, root: str | os.PathLike[str] | None = None) -> VerdictStore | None:
    """The verdict store (``root``, default ``<cache dir>/verdicts``), or None when SYMBOLIC_VAE_STORE is off.
    ``read=False`` stores new verdicts without reusing old ones (default: reuse, unless
    ``recompute_in_this_process`` was called)."""
    if not store_enabled():
        return None
    if root is not None and (not isinstance(root, (str, os.PathLike)) or str(root).strip() == ""):
        raise SymbolicVAEError(f"root: expected a directory path, got {root!r}")
    read = _PROCESS["read"] if read is None else bool(read)
    return VerdictStore(Path(root) if root is not None else cache_dir() / "verdicts", read=read)
