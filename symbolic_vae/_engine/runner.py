"""The runner: turns a claim into a verdict (every step, the negative control, one combined status) under a
``Context``, and keeps the verdicts of this process, by claim, evidence backend and run seed. It knows no claim in
particular."""

from __future__ import annotations

import dataclasses
import inspect
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from numeric_backend import BACKENDS
from symbolic_vae._core.claim import Claim
from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._core.seeds import run_seed
from symbolic_vae._core.verdict import CheckResult, Status, Verdict, combine
from symbolic_vae._engine.campaigns import collect_campaigns, summarize_campaigns

BACKEND_TAG = "evidence-backend"
"""Tag of claims whose evidence depends on the backend the kernels run on."""


@dataclass(frozen=True)
class Context:
    """What a check may depend on besides its claim: ``backend``, the backend on which the checks of compiled
    kernels evaluate them (claims tagged BACKEND_TAG). A check that takes one argument is called with the run's
    Context; a check that takes none does not depend on it."""

    backend: str = "numpy"

    def __post_init__(self) -> None:
        check_backend(self.backend)


def wants_context(check: Callable[..., Any]) -> bool:
    """Whether ``check`` takes the Context: one parameter without a default."""
    try:
        parameters = inspect.signature(check).parameters.values()
    except (TypeError, ValueError):  # no signature to read (a builtin): called without the context
        return False
    required = [p for p in parameters
                if p.default is inspect.Parameter.empty
                and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(required) == 1


_VERDICTS: dict[tuple[str, str, int], Verdict] = {}


def _guarded(check: Callable[..., CheckResult], label: str, context: Context) -> CheckResult:
    """Run one check; a crash is INCONCLUSIVE, and the multistart campaigns behind it (run or reused) are summed in
    its details under "starts" (how many starts ran, how many failed and why)."""
    start = time.perf_counter()
    with collect_campaigns() as campaigns:
        try:
            result = check(context) if wants_context(check) else check()
        except Exception as err:  # a crashing check decides nothing
            result = CheckResult(Status.INCONCLUSIVE, "error", f"{label}: check raised {type(err).__name__}: {err}")
    if not isinstance(result, CheckResult):
        return CheckResult(Status.INCONCLUSIVE, "error", f"{label}: check returned {type(result).__name__}")
    if campaigns:
        result = dataclasses.replace(result, details={**result.details, "starts": summarize_campaigns(campaigns)})
    return dataclasses.replace(result, seconds=time.perf_counter() - start)


def run_claim(claim: Claim, context: Context | None = None) -> Verdict:
    """Check every step of ``claim`` and its negative control under ``context`` (default ``Context()``), and fold
    them into one verdict.

    A passing claim whose negative control is not REFUTED becomes INCONCLUSIVE: a check that cannot fail vouches
    for nothing.
    """
    context = Context() if context is None else context
    start = time.perf_counter()
    checks: list[CheckResult] = []
    for step in claim.steps:
        result = _guarded(step.check, step.description, context)
        checks.append(result)
        if result.status is Status.REFUTED:
            break
    status, method, summary = combine(claim.id, checks, [s.corroborating for s in claim.steps[:len(checks)]])
    control = _guarded(claim.control.check, f"negative control ({claim.control.perturbation})", context)
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


def verdict_of(claim: Claim, context: Context | None = None) -> Verdict:
    """The verdict of ``claim`` under ``context`` (default ``Context()``), computed once per process and run seed
    (``verify`` fills the same cache); claims tagged BACKEND_TAG once per evidence backend."""
    context = Context() if context is None else context
    key = (claim.id, context.backend if BACKEND_TAG in claim.tags else "", run_seed())
    if key not in _VERDICTS:
        _VERDICTS[key] = run_claim(claim, context)
    return _VERDICTS[key]


def remember_verdict(verdict: Verdict, backend: str = "") -> None:
    """Let ``claim_verdict`` return ``verdict`` (e.g. read from a ledger) instead of computing it; ``backend`` is
    the evidence backend of a BACKEND_TAG claim ("" for the others)."""
    _VERDICTS[verdict.claim_id, backend, run_seed()] = verdict
