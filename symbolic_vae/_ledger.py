"""The JSON ledger of ``symbolic-vae verify --json``: reading it back into verdicts, and reusing them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._errors import SymbolicVAEError
from ._registry import BACKEND_TAG, all_claims, remember_verdict
from ._verdict import CheckResult, Counterexample, Status, Verdict


def _check_from_json(data: dict[str, Any]) -> CheckResult:
    cx = data.get("counterexample")
    counterexample = None if cx is None else Counterexample(dict(cx["instance"]), str(cx["lhs"]), str(cx["rhs"]),
                                                            int(cx["dps"]), str(cx.get("note", "")))
    return CheckResult(Status(data["status"]), str(data["method"]), str(data["summary"]), dict(data.get("details", {})),
                       counterexample)


def verdict_from_json(data: dict[str, Any]) -> Verdict:
    """A Verdict from one entry of ``symbolic-vae verify --json`` (the inverse of ``Verdict.to_json``)."""
    control = data.get("negative_control")
    return Verdict(str(data["claim"]), Status(data["status"]), str(data["method"]), str(data["summary"]),
                   tuple(_check_from_json(c) for c in data["checks"]),
                   None if control is None else _check_from_json(control), data.get("corrected_by"),
                   float(data.get("seconds", 0.0)))


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
