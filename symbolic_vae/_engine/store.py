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
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from symbolic_vae._core import stop_signals
from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._core.files import cache_dir, write_json_atomically
from symbolic_vae._core.verdict import Origin, Status, Verdict

STORE_FORMAT = 1
STORE_ENV = "SYMBOLIC_VAE_STORE"
"""Set to "off" (or "0") to run without the verdict store."""
KEYED_VERSIONS = ("sympy", "symengine", "numpy", "scipy", "mpmath", "torch", "scikit-learn")
SOURCE_PACKAGES = ("symbolic_vae", "numeric_backend")


def package_roots() -> tuple[Path, ...]:
    """The directories of the packages whose source the key covers."""
    import numeric_backend

    return Path(__file__).resolve().parents[1], Path(numeric_backend.__file__).resolve().parent


def source_hash(roots: tuple[Path, ...]) -> str:
    """SHA-256 of every file under ``roots`` (relative path and content; compiled caches left out), in sorted
    order: a hash of the code itself, unchanged by a touch that leaves the content as it was."""
    digest = hashlib.sha256()
    for root in roots:
        files = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                       and p.suffix not in (".pyc", ".pyo"))
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

    @contextmanager
    def computing(self, key: str) -> Iterator[None]:
        """Hold the lock of ``key``: one process computes a verdict, the others wait for it and then read it. A
        store directory that cannot hold a lock file is used without one."""
        from filelock import FileLock, Timeout

        try:
            self.path(key).parent.mkdir(parents=True, exist_ok=True)
            lock = FileLock(self.path(key).with_suffix(".lock"), timeout=3600)
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
        """Remove every entry (and lock file) of the store; how many entries were removed."""
        removed = 0
        for path in self.root.glob("??/*"):
            if path.suffix in (".json", ".lock") and path.is_file():
                path.unlink(missing_ok=True)
                removed += path.suffix == ".json"
        return removed


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
