"""The JSON ledger of ``symbolic-vae verify --json``: reading it back into verdicts, and reusing them."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._core.files import cache_dir
from symbolic_vae._core.notation import markup_text
from symbolic_vae._core.verdict import Status, Verdict
from symbolic_vae._report.registry import BACKEND_TAG, all_claims, remember_verdict


def verdict_from_json(data: dict[str, Any]) -> Verdict:
    """A Verdict from one entry of ``symbolic-vae verify --json`` (the inverse of ``Verdict.to_json``)."""
    return Verdict.from_json(data)


@dataclass(frozen=True)
class Ledger:
    """The verdicts of one ledger file and the backend its kernel checks ran on."""

    path: Path
    verdicts: tuple[Verdict, ...]
    backend: str


def read_ledger(path: str | Path, argument: str = "--ledger") -> Ledger:
    """Parse a ledger written by ``symbolic-vae verify --json``; errors name ``argument``."""
    path = Path(path)
    if not path.is_file():
        raise SymbolicVAEError(f"{argument}: {path} is not a file")
    try:
        payload = json.loads(path.read_text())
        verdicts = tuple(verdict_from_json(entry) for entry in payload["claims"])
        backend = payload.get("backend", "numpy")
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise SymbolicVAEError(f"{argument}: {path} is not JSON ({err})") from None
    except (KeyError, TypeError, ValueError, AssertionError, AttributeError) as err:
        raise SymbolicVAEError(f"{argument}: {path} is not a ledger of `symbolic-vae verify --json` "
                               f"({type(err).__name__}: {err})") from None
    if not isinstance(backend, str):
        raise SymbolicVAEError(f"{argument}: {path} records a backend that is not a name: {backend!r}")
    return Ledger(path, verdicts, backend)


def load_ledger(path: str | Path) -> list[Verdict]:
    """The verdicts of a JSON ledger written by ``symbolic-vae verify --json``."""
    return list(read_ledger(path).verdicts)


def reuse_ledger(path: str | Path, argument: str = "--ledger") -> Ledger:
    """Read a ledger and let this process reuse its verdicts instead of computing them (e.g. the verdicts that gate
    the kernels); ids this version does not know are an error (a ledger of another version)."""
    ledger = read_ledger(path, argument)
    claims = {c.id: c for c in all_claims()}
    stale = [v.claim_id for v in ledger.verdicts if v.claim_id not in claims]
    if stale:
        raise SymbolicVAEError(f"{argument}: unknown claim ids {', '.join(stale)} (a ledger of another version?)")
    for verdict in ledger.verdicts:
        tagged = BACKEND_TAG in claims[verdict.claim_id].tags
        remember_verdict(verdict, ledger.backend if tagged else "")
    return ledger


# --- writing ------------------------------------------------------------------------------------------------------
LEDGER_FORMAT = 2
TIMING_FIELDS = ("seconds", "store")
"""The only fields of a ledger that vary between two runs of the same version with the same settings: "seconds" of
each check, of each verdict (wall time of its checks) and of the whole run, and "store" of each verdict (computed
in this run or reused from the verdict store, its key and the date it was computed). Everything else is a function
of the code, the versions, the seed and the backend (``without_timing`` drops these fields)."""

MAIN_DEPENDENCIES = ("sympy", "numpy", "mpmath", "symengine", "scipy", "torch", "scikit-learn", "matplotlib")


@functools.cache
def environment() -> dict[str, Any]:
    """The package version, the Python version and the versions of the main dependencies (installed ones)."""
    import platform
    from importlib import metadata

    versions = {}
    for name in MAIN_DEPENDENCIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {"package": {"name": "symbolic-vae", "version": metadata.version("symbolic-vae")},
            "python": platform.python_version(), "versions": versions}


def ledger_entry(claim: Any, verdict: Verdict) -> dict[str, Any]:
    """The ledger entry of ``verdict``: its JSON with the claim's paper reference and title (plain Unicode, by
    ``markup_text``), its summary also as plain Unicode ("summary_text"; "summary" keeps the markup, so that a
    report written from the ledger typesets it), and for a refuted claim
    its errata triage (severity, severity_reason, severity_source, root_cause)."""
    entry = {**verdict.to_json(), "summary_text": markup_text(verdict.summary), "ref": claim.ref.to_json(),
             "title": markup_text(claim.title)}
    if verdict.status is Status.REFUTED:
        from symbolic_vae._report.errata import triage_of

        entry.update(triage_of(claim, verdict).ledger_fields())
    return entry


def ledger_payload(claims: list, verdicts: list[Verdict], *, backend: str, seed: int, threads: int | None,
                   seconds: float, complete: bool, interrupted: str | None = None,
                   entries: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The JSON ledger of ``verdicts`` (in the order of ``claims``, a part of it while a run is under way; or their
    ``entries`` already made by ``ledger_entry``): format, environment, settings (backend, seed, torch threads),
    completeness and the verdicts."""
    by_id = {c.id: c for c in claims}
    if entries is None:
        entries = [ledger_entry(by_id[v.claim_id], v) for v in verdicts]
    payload: dict[str, Any] = {"format": LEDGER_FORMAT, **environment(), "backend": backend, "seed": seed,
                               "threads": threads, "complete": complete,
                               "claims_requested": len(claims), "claims_done": len(entries)}
    if interrupted is not None:
        payload["interrupted"] = interrupted
    payload["timing_fields"] = list(TIMING_FIELDS)
    payload["claims"] = entries
    payload["seconds"] = round(seconds, 2)
    return payload


def without_timing(payload: Any) -> Any:
    """``payload`` with every TIMING_FIELDS entry removed, at every depth (for comparing two ledgers)."""
    if isinstance(payload, dict):
        return {k: without_timing(v) for k, v in payload.items() if k not in TIMING_FIELDS}
    if isinstance(payload, list):
        return [without_timing(v) for v in payload]
    return payload


def check_output_path(value: str | None, *, force: bool, argument: str) -> Path | None:
    """Validate an output file path before any work: not '', not a directory, not an existing file without
    ``force``, in an existing, writable directory. SymbolicVAEError names ``argument``."""
    import os
    import tempfile

    if value is None:
        return None
    if value.strip() == "":
        raise SymbolicVAEError(f"{argument}: expected a file path, got an empty string")
    path = Path(value)
    if path.is_dir():
        raise SymbolicVAEError(f"{argument}: {path} is a directory, expected a file path")
    if path.exists() and not force:
        raise SymbolicVAEError(f"{argument}: {path} exists; pass --force to overwrite it")
    parent = path.parent
    if not parent.is_dir():
        raise SymbolicVAEError(f"{argument}: directory {parent} does not exist")
    try:  # a real write: permissions alone do not tell (e.g. /proc as root)
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".probe", dir=parent)
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise SymbolicVAEError(f"{argument}: cannot write in directory {parent} ({err.strerror})") from None
    return path


def partial_run_path() -> Path:
    """Where ``verify`` without ``--json`` keeps the verdicts of a run under way (removed when the run completes;
    one file per process)."""
    import os

    runs = cache_dir() / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    return runs / f"verify-{os.getpid()}.json"
