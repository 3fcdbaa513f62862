"""The registry of every claim, and the runner that turns a claim into a verdict."""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from numeric_backend import BACKENDS

from ._campaigns import collect_campaigns, summarize_campaigns
from ._claim import Claim
from ._errors import SymbolicVAEError
from ._seeds import run_seed, set_run_seed
from ._verdict import CheckResult, Status, Verdict, combine

# One module per derivation; each defines ``claims() -> list[Claim]``. Order is the order of the ledger.
DERIVATION_MODULES = (
    "symbolic_vae._elbo",
    "symbolic_vae._whitening",
    "symbolic_vae._optimal_biases",
    "symbolic_vae._data_dependent_variance",
    "symbolic_vae._global_minimum",
    "symbolic_vae._encoder_variance",
    "symbolic_vae._decoder_variance",
    "symbolic_vae._origin_hessian",
    "symbolic_vae._ppca",
    "symbolic_vae._kernel_checks",
)

BACKEND_TAG = "evidence-backend"
"""Tag of claims whose evidence depends on the backend the kernels run on."""

_EVIDENCE_BACKEND = {"name": "numpy"}
_VERDICTS: dict[tuple[str, str, int], Verdict] = {}

_CACHE: dict[str, Claim] = {}


def all_claims() -> list[Claim]:
    """Every registered claim, in ledger order (built once per process)."""
    if not _CACHE:
        for name in DERIVATION_MODULES:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as err:
                if err.name == name:
                    continue
                raise
            for claim in module.claims():
                if claim.id in _CACHE:
                    raise RuntimeError(f"duplicate claim id {claim.id}")
                _CACHE[claim.id] = claim
        for claim in _CACHE.values():
            for link in (claim.corrected, claim.corrects):
                if link is not None and link not in _CACHE:
                    raise RuntimeError(f"claim {claim.id} links to unknown claim {link}")
    return list(_CACHE.values())


def get_claim(claim_id: str) -> Claim:
    """The claim with this id; unknown ids raise SymbolicVAEError listing the known ones."""
    claims = {c.id: c for c in all_claims()}
    if claim_id not in claims:
        raise SymbolicVAEError(f"claim: unknown id {claim_id!r}; known ids: {', '.join(claims)}")
    return claims[claim_id]


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


def claim_verdict(claim_id: str) -> Verdict:
    """The verdict of ``claim_id``, computed once per process (``verify`` fills the same cache); claims tagged
    BACKEND_TAG once per evidence backend."""
    claim = get_claim(claim_id)
    key = (claim_id, evidence_backend() if BACKEND_TAG in claim.tags else "", run_seed())
    if key not in _VERDICTS:
        _VERDICTS[key] = run_claim(claim)
    return _VERDICTS[key]


def remember_verdict(verdict: Verdict, backend: str = "") -> None:
    """Let ``claim_verdict`` return ``verdict`` (e.g. read from a ledger) instead of computing it; ``backend`` is
    the evidence backend of a BACKEND_TAG claim ("" for the others)."""
    _VERDICTS[verdict.claim_id, backend, run_seed()] = verdict


def iter_verify(claims: Iterable[Claim], progress: Callable[[int, int, Claim], None] | None = None, *,
                backend: str = "numpy") -> Iterator[Verdict]:
    """``verify`` one claim at a time: yields each verdict as soon as it is computed (or reused)."""
    claims = list(claims)
    with evidence_on(backend):
        for i, claim in enumerate(claims):
            if progress is not None:
                progress(i, len(claims), claim)
            yield claim_verdict(claim.id)


def verify(claims: Iterable[Claim], progress: Callable[[int, int, Claim], None] | None = None, *,
           backend: str = "numpy", seed: int | None = None) -> list[Verdict]:
    """Run every claim in order, kernel checks on ``backend``; ``progress(i, n, claim)`` is called before each
    one. Verdicts computed earlier in this process (same claim, same backend) are reused. ``seed``: the run seed
    (``set_run_seed``; None keeps the process's, by default DEFAULT_RUN_SEED)."""
    if seed is not None:
        set_run_seed(seed)
    return list(iter_verify(claims, progress, backend=backend))
