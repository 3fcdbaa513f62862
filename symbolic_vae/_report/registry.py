"""The registry of every claim (the sections' claims, then the checks of the kernels), and ``verify``, which runs
claims through the runner in ledger order."""

from __future__ import annotations

import difflib
import fnmatch
from collections.abc import Callable, Iterable, Iterator

from symbolic_vae._core.claim import Claim, claim_prefix
from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._core.seeds import set_run_seed
from symbolic_vae._core.verdict import Verdict
from symbolic_vae._engine.runner import BACKEND_TAG, Context, check_backend, remember_verdict, run_claim, verdict_of
from symbolic_vae._engine.store import verdict_store
from symbolic_vae._kernels import checks as _kernel_checks
from symbolic_vae._papers.sections import paper_claims

__all__ = ["BACKEND_TAG", "Context", "all_claims", "check_backend", "claim_verdict", "get_claim", "iter_verify",
           "remember_verdict", "run_claim", "select_claims", "verify"]

_CACHE: dict[str, Claim] = {}


def all_claims() -> list[Claim]:
    """Every registered claim, in ledger order (built once per process)."""
    if not _CACHE:
        for claim in [*paper_claims(), *_kernel_checks.claims()]:
            if claim.id in _CACHE:
                raise RuntimeError(f"duplicate claim id {claim.id}")
            _CACHE[claim.id] = claim
        for claim in _CACHE.values():
            for link in (claim.corrected, claim.corrects):
                if link is not None and link not in _CACHE:
                    raise RuntimeError(f"claim {claim.id} links to unknown claim {link}")
    return list(_CACHE.values())


def get_claim(claim_id: str) -> Claim:
    """The claim with this id; an unknown id raises SymbolicVAEError suggesting the closest ones."""
    claims = {c.id: c for c in all_claims()}
    if claim_id not in claims:
        raise SymbolicVAEError(f"claim: unknown id {claim_id!r}; {_suggestion(claim_id, list(claims))}")
    return claims[claim_id]


def select_claims(patterns: Iterable[str]) -> list[Claim]:
    """The claims named by ``patterns``: each an id or a glob such as ``decvar.*`` (fnmatch), in the order given
    (within a glob, ledger order), each claim once. A pattern that names nothing raises SymbolicVAEError."""
    claims = {c.id: c for c in all_claims()}
    chosen: dict[str, Claim] = {}
    if isinstance(patterns, str):  # one id or glob, not its characters
        patterns = [patterns]
    elif not isinstance(patterns, Iterable):
        raise SymbolicVAEError(f"claim: expected ids or globs such as ['decvar.*'], got {patterns!r}")
    for pattern in patterns:
        if not isinstance(pattern, str) or not pattern:
            raise SymbolicVAEError(f"claim: expected an id or a glob such as 'decvar.*', got {pattern!r}")
        matched = [pattern] if pattern in claims else fnmatch.filter(claims, pattern)
        if not matched:
            what = f"{pattern!r} matches no claim id" if set("*?[") & set(pattern) else f"unknown id {pattern!r}"
            raise SymbolicVAEError(f"claim: {what}; {_suggestion(pattern, list(claims))}")
        chosen.update((i, claims[i]) for i in matched)
    return list(chosen.values())


def _suggestion(wanted: str, ids: list[str]) -> str:
    """The closest ids to ``wanted`` (by similarity, then those sharing its section prefix), as a sentence."""
    close = difflib.get_close_matches(wanted, ids, n=5, cutoff=0.5)
    section = claim_prefix(wanted) + "."
    close += [i for i in ids if i.startswith(section) and i not in close][: max(0, 5 - len(close))]
    hint = f"did you mean {', '.join(close)}? " if close else "no id is close. "
    return f"{hint}There are {len(ids)} claims (`symbolic-vae list`); globs such as 'decvar.*' select several"


def claim_verdict(claim_id: str, context: Context | None = None) -> Verdict:
    """The verdict of ``claim_id`` under ``context``, computed once per process or reused from the verdict store
    (see ``verdict_of``)."""
    return verdict_of(get_claim(claim_id), context, store=verdict_store())


def is_builtin(claim: Claim) -> bool:
    """Whether ``claim`` is the package's own claim of that id (and not a caller's claim that shares the id): only
    those are stored, since the store key covers the package's code and no one else's."""
    all_claims()
    return _CACHE.get(claim.id) is claim


def iter_verify(claims: Iterable[Claim], progress: Callable[[int, int, Claim], None] | None = None, *,
                backend: str = "numpy") -> Iterator[Verdict]:
    """``verify`` one claim at a time: yields each verdict as soon as it is computed (or reused from this process
    or from the verdict store)."""
    claims = list(claims)
    context = Context(backend=backend)
    store = verdict_store()
    for i, claim in enumerate(claims):
        if progress is not None:
            progress(i, len(claims), claim)
        yield verdict_of(claim, context, store=store if is_builtin(claim) else None)


def verify(claims: Iterable[Claim], progress: Callable[[int, int, Claim], None] | None = None, *,
           backend: str = "numpy", seed: int | None = None) -> list[Verdict]:
    """Run every claim in order, kernel checks on ``backend``; ``progress(i, n, claim)`` is called before each
    one. Verdicts computed earlier in this process (same claim, same backend) are reused, and so are those of the
    package's own claims in the verdict store (same code, versions, backend and seed). ``seed``: the run seed
    (``set_run_seed``; None keeps the process's, by default DEFAULT_RUN_SEED)."""
    if seed is not None:
        set_run_seed(seed)
    return list(iter_verify(claims, progress, backend=backend))
