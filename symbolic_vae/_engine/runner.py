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
from symbolic_vae._core.seeds import check_seed, run_seed, set_run_seed
from symbolic_vae._core.verdict import CheckResult, Origin, Status, Verdict, combine
from symbolic_vae._engine.campaigns import collect_campaigns, summarize_campaigns
from symbolic_vae._engine.store import VerdictStore, key_fields, verdict_key

BACKEND_TAG = "evidence-backend"
"""Tag of claims whose evidence depends on the backend the kernels run on."""


@dataclass(frozen=True)
class Context:
    """What a check may depend on besides its claim: ``backend``, the backend on which the checks of compiled
    kernels evaluate them (claims tagged BACKEND_TAG), and ``seed``, the run seed from which every instance, start
    and sample of the checks is derived (default: this process's, ``run_seed()``; a verdict is computed under it,
    and a process that already drew instances under another seed refuses it). A check that takes one argument is
    called with the run's Context; a check that takes none does not depend on it."""

    backend: str = "numpy"
    seed: int = dataclasses.field(default_factory=run_seed)

    def __post_init__(self) -> None:
        check_backend(self.backend)
        check_seed(self.seed)


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
    set_run_seed(context.seed)  # the checks derive their seeds from it
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


def verdict_of(claim: Claim, context: Context | None = None, *, store: VerdictStore | None = None) -> Verdict:
    """The verdict of ``claim`` under ``context`` (default ``Context()``), computed once per process and run seed
    (``verify`` fills the same cache); claims tagged BACKEND_TAG once per evidence backend.

    With a ``store`` (only for claims the package defines: the key covers the package's code, not a caller's), a
    verdict computed by an earlier process on the same code, versions, backend and seed is reused, and one computed
    here is stored; its ``origin`` says which.
    """
    context = Context() if context is None else context
    backend = context.backend if BACKEND_TAG in claim.tags else ""
    key = (claim.id, backend, context.seed)
    if key not in _VERDICTS:
        _VERDICTS[key] = _stored_or_computed(claim, context, backend, store)
    return _VERDICTS[key]


def known_verdict(claim: Claim, context: Context | None = None, store: VerdictStore | None = None
                  ) -> Verdict | None:
    """The verdict ``verdict_of`` would return without computing anything: this process's, or the one in ``store``
    (then remembered in this process); None when it would have to be computed."""
    context = Context() if context is None else context
    backend = context.backend if BACKEND_TAG in claim.tags else ""
    key = (claim.id, backend, context.seed)
    if key not in _VERDICTS and store is not None:
        stored = store.load(verdict_key(key_fields(claim.id, backend, context.seed)), claim.id)
        if stored is not None:
            _VERDICTS[key] = stored
    return _VERDICTS.get(key)


def _stored_or_computed(claim: Claim, context: Context, backend: str, store: VerdictStore | None) -> Verdict:
    if store is None:
        return dataclasses.replace(run_claim(claim, context), origin=Origin(computed=True))
    fields = key_fields(claim.id, backend, context.seed)
    key = verdict_key(fields)
    with store.computing(key):
        stored = store.load(key, claim.id)
        if stored is not None:
            return stored
        return store.save(key, fields, run_claim(claim, context))


def remember_verdict(verdict: Verdict, backend: str = "") -> None:
    """Let ``claim_verdict`` return ``verdict`` (e.g. read from a ledger) instead of computing it; ``backend`` is
    the evidence backend of a BACKEND_TAG claim ("" for the others)."""
    _VERDICTS[verdict.claim_id, backend, run_seed()] = verdict
