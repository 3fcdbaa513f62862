"""The runner: turns a claim into a verdict (every step, the negative control, one combined status), and keeps
the verdicts of this process, by claim, evidence backend and run seed. It knows no claim in particular."""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable, Iterator
from typing import Any

from numeric_backend import BACKENDS

from ._campaigns import collect_campaigns, summarize_campaigns
from ._claim import Claim
from ._errors import SymbolicVAEError
from ._seeds import run_seed
from ._verdict import CheckResult, Status, Verdict, combine

BACKEND_TAG = "evidence-backend"
"""Tag of claims whose evidence depends on the backend the kernels run on."""

_EVIDENCE_BACKEND = {"name": "numpy"}
_VERDICTS: dict[tuple[str, str, int], Verdict] = {}


def _guarded(check: Callable[[], CheckResult], label: str) -> CheckResult:
    """Run one check; a crash is INCONCLUSIVE, and the multistart campaigns behind it (run or reused) are summed in
    its details under "starts" (how many starts ran, how many failed and why)."""
    with collect_campaigns() as campaigns:
        try:
            result = check()
        except Exception as err:  # a crashing check decides nothing
            result = CheckResult(Status.INCONCLUSIVE, "error", f"{label}: check raised {type(err).__name__}: {err}")
    if not isinstance(result, CheckResult):
        return CheckResult(Status.INCONCLUSIVE, "error", f"{label}: check returned {type(result).__name__}")
    if campaigns:
        result = dataclasses.replace(result, details={**result.details, "starts": summarize_campaigns(campaigns)})
    return result


def run_claim(claim: Claim) -> Verdict:
    """Check every step of ``claim`` and its negative control, and fold them into one verdict.

    A passing claim whose negative control is not REFUTED becomes INCONCLUSIVE: a check that cannot fail vouches
    for nothing.
    """
    start = time.perf_counter()
    checks: list[CheckResult] = []
    for step in claim.steps:
        result = _guarded(step.check, step.description)
        checks.append(result)
        if result.status is Status.REFUTED:
            break
    status, method, summary = combine(claim.id, checks, [s.corroborating for s in claim.steps[:len(checks)]])
    control = _guarded(claim.control.check, f"negative control ({claim.control.perturbation})")
    if control.status is not Status.REFUTED and status.passed:
        summary = f"negative control not refuted ({control.status.value}): {control.summary}"
        status, method = Status.INCONCLUSIVE, "negative control"
        checks.append(CheckResult(Status.INCONCLUSIVE, "negative control", summary))
    corrected = claim.corrected if status is Status.REFUTED else None
    return Verdict(claim.id, status, method, summary, tuple(checks), control, corrected,
                   time.perf_counter() - start)


def check_backend(backend: Any) -> str:
    """``backend`` if it names one of numeric_backend.BACKENDS, else SymbolicVAEError naming the argument."""
    if not isinstance(backend, str) or backend not in BACKENDS:
        raise SymbolicVAEError(f"backend: expected one of {', '.join(map(repr, BACKENDS))}, got {backend!r}")
    return backend


def evidence_backend() -> str:
    """The backend on which claims that check compiled kernels evaluate them ("numpy" unless set by
    ``evidence_on``)."""
    return _EVIDENCE_BACKEND["name"]


@contextlib.contextmanager
def evidence_on(backend: str) -> Iterator[str]:
    """Within the block, kernel checks run on ``backend`` (one of BACKENDS)."""
    check_backend(backend)
    previous = _EVIDENCE_BACKEND["name"]
    _EVIDENCE_BACKEND["name"] = backend
    try:
        yield backend
    finally:
        _EVIDENCE_BACKEND["name"] = previous


def verdict_of(claim: Claim) -> Verdict:
    """The verdict of ``claim``, computed once per process and run seed (``verify`` fills the same cache); claims
    tagged BACKEND_TAG once per evidence backend."""
    key = (claim.id, evidence_backend() if BACKEND_TAG in claim.tags else "", run_seed())
    if key not in _VERDICTS:
        _VERDICTS[key] = run_claim(claim)
    return _VERDICTS[key]


def remember_verdict(verdict: Verdict, backend: str = "") -> None:
    """Let ``claim_verdict`` return ``verdict`` (e.g. read from a ledger) instead of computing it; ``backend`` is
    the evidence backend of a BACKEND_TAG claim ("" for the others)."""
    _VERDICTS[verdict.claim_id, backend, run_seed()] = verdict
