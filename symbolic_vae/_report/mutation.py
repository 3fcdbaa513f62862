"""Mutation testing of the built-in claims (``symbolic-vae mutate``, ``sv.mutate_claims``): the formula modules
are the sections' ``forms`` modules; every passing claim is run again on mutants of the formulas its checks use,
and the report gives the kill rate per claim and in total, the survivors and the equivalent mutants excluded.

The verdict store is off while mutants run (SYMBOLIC_VAE_STORE=off): no mutant's verdict is read or stored, and
the per-process verdict cache is emptied before and after every run."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from types import ModuleType
from typing import Any

from symbolic_vae._core.claim import Claim
from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._engine.mutate import (
    OUTCOMES,
    ClaimMutation,
    MutationSetup,
    check_max_mutants,
    formulas_in,
    mutate_claim,
    references_in,
)
from symbolic_vae._engine.runner import Context
from symbolic_vae._engine.store import STORE_ENV
from symbolic_vae._kernels import checks as _kernel_checks
from symbolic_vae._papers import sections as _sections
from symbolic_vae._report import registry

PACKAGES = ("symbolic_vae",)
"""Where formulas are rebound and caches cleared (numeric_backend's caches are keyed by the expressions)."""
FORMS_PREFIX = "symbolic_vae._papers."
DEFAULT_MAX_MUTANTS = 4
DEFAULT_SEED = 0


def formula_modules() -> list[ModuleType]:
    """The sections' formula modules, loaded with the claims: the ``forms`` module of a section that is a package
    (``symbolic_vae._papers.<paper>.<section>.forms``), and a section that is a single module, whose formula
    builders sit beside its checks (the check functions return verdicts, which hold no formula to mutate)."""
    registry.all_claims()
    single = {id(m) for m in _sections.SECTIONS.values() if not hasattr(m, "__path__")}
    return sorted((m for name, m in list(sys.modules.items())
                   if m is not None and name.startswith(FORMS_PREFIX)
                   and (name.rsplit(".", 1)[-1] == "forms" or id(m) in single)),
                  key=lambda m: m.__name__)


def reference_formulas() -> dict[str, str]:
    """Label -> reason of the objects of the formula modules that are references, not formulas under test."""
    return references_in(formula_modules())


@contextlib.contextmanager
def _store_off() -> Iterator[None]:
    """SYMBOLIC_VAE_STORE=off within the block (restored after)."""
    previous = os.environ.get(STORE_ENV)
    os.environ[STORE_ENV] = "off"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(STORE_ENV, None)
        else:
            os.environ[STORE_ENV] = previous


def _forget_claims() -> None:
    """Drop the claims built so far: the next request builds them again."""
    registry._CACHE.clear()
    _sections.section_claims.cache_clear()
    _sections._section_claims_by_id.cache_clear()


def _fresh_claim(claim_id: str) -> Claim:
    """The claim built again, with every claim of the registry (so that it captures the formulas bound now)."""
    _forget_claims()
    return registry.get_claim(claim_id)


@dataclasses.dataclass(frozen=True)
class MutationReport:
    """The mutation run of several claims: one ClaimMutation each, the settings and the wall time."""

    claims: tuple[ClaimMutation, ...]
    max_mutants: int
    seed: int
    seconds: float
    references: dict[str, str] = dataclasses.field(default_factory=dict)
    """Label -> reason of the objects of the formula modules left out as references."""
    explanations: dict[str, tuple[tuple[str, str], ...]] = dataclasses.field(default_factory=dict)
    """Claim id -> its ``surviving_mutants`` (pattern, reason) pairs."""

    def explanation(self, claim_id: str, result: Any) -> str | None:
        """The reason the claim gives for a surviving mutant (None: unexplained)."""
        text = f"{result.formula}: {result.mutation}"
        return next((reason for pattern, reason in self.explanations.get(claim_id, ()) if pattern in text), None)

    @property
    def explained(self) -> int:
        return sum(self.explanation(cid, r) is not None for cid, r in self.survivors())

    @property
    def tested(self) -> int:
        return sum(c.tested for c in self.claims)

    @property
    def kills(self) -> int:
        return sum(c.kills for c in self.claims)

    @property
    def kill_rate(self) -> float | None:
        return self.kills / self.tested if self.tested else None

    def count(self, outcome: str) -> int:
        return sum(c.count(outcome) for c in self.claims)

    def unused_entries(self) -> dict[str, tuple[str, ...]]:
        """Dict formula label -> its entries that the steps of no claim mutated here read (never mutated)."""
        unread: dict[str, list[str]] = {}
        read: dict[str, set[str]] = {}
        for c in self.claims:
            for e in c.entries:
                unread.setdefault(e.formula, [])
                unread[e.formula] += [k for k in e.unread if k not in unread[e.formula]]
                read.setdefault(e.formula, set()).update(e.read)
        return {f: tuple(k for k in keys if k not in read[f]) for f, keys in sorted(unread.items())
                if any(k not in read[f] for k in keys)}

    def survivors(self) -> list[tuple[str, Any]]:
        """(claim id, MutantResult) of every mutant that survived or timed out."""
        return [(c.claim_id, r) for c in self.claims for r in c.results if r.outcome in ("survived", "timeout")]

    def to_json(self) -> dict[str, Any]:
        return {"format": "symbolic-vae-mutation/1", "max_mutants": self.max_mutants, "seed": self.seed,
                "seconds": round(self.seconds, 3), "tested": self.tested, "kills": self.kills,
                "kill_rate": self.kill_rate, **{o: self.count(o) for o in OUTCOMES},
                "survivors": [{"claim": cid, **r.to_json(), "explanation": self.explanation(cid, r)}
                              for cid, r in self.survivors()],
                "explained": self.explained,
                "equivalents": [{"claim": c.claim_id, **r.to_json()} for c in self.claims for r in c.results
                                if r.outcome == "equivalent"],
                "invariants": [{"claim": c.claim_id, **r.to_json()} for c in self.claims for r in c.results
                               if r.outcome == "invariant"],
                "references": self.references,
                "unused_entries": {f: list(keys) for f, keys in self.unused_entries().items()},
                "claims": [c.to_json() for c in self.claims]}

    def text(self) -> str:
        """The report as printed by ``symbolic-vae mutate``."""
        rows = [("claim", "baseline", "kill rate", "killed", "inconcl.", "survived", "timeout", "equiv.",
                 "invar.", "sampled/sites", "seconds")]
        for c in self.claims:
            rate = "-" if c.kill_rate is None else f"{100 * c.kill_rate:.0f}%"
            rows.append((c.claim_id, c.baseline, rate, *(str(c.count(o)) for o in OUTCOMES),
                         f"{len(c.results)}/{c.sites}", f"{c.seconds:.1f}"))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows]
        lines.insert(1, "-" * len(lines[0]))
        notes = [f"  {c.claim_id}: {c.note}" for c in self.claims if c.note]
        if notes:
            lines += ["", "not mutated:", *notes]
        survivors = self.survivors()
        lines += ["", f"survivors ({len(survivors)}; {self.explained} explained by their claim):"]
        for cid, r in survivors:
            lines.append(f"  {cid}  {r.formula}  {r.mutation}" + ("  (timeout)" if r.outcome == "timeout" else ""))
            reason = self.explanation(cid, r)
            lines += [f"    explained: {reason}"] if reason is not None else []
        lines += [] if survivors else ["  none"]
        equivalents = [(c.claim_id, r) for c in self.claims for r in c.results if r.outcome == "equivalent"]
        lines += ["", f"equivalent mutants excluded ({len(equivalents)}):"]
        lines += [f"  {cid}  {r.formula}  {r.mutation}" for cid, r in equivalents] or ["  none"]
        invariants = [(c.claim_id, r) for c in self.claims for r in c.results if r.outcome == "invariant"]
        lines += ["", f"invariant formulas excluded ({len(invariants)}: the claim is still proved with the formula "
                      "replaced by a free symbol, so no mutant of it can be killed):"]
        lines += [f"  {cid}  {r.formula}  {r.mutation}" for cid, r in invariants] or ["  none"]
        unread = [(c.claim_id, e) for c in self.claims for e in c.entries if e.unread]
        lines += ["", f"dict entries a claim's steps do not read, not mutated for it ({len(unread)} claims):"]
        lines += [f"  {cid}  {e.formula}: {', '.join(e.unread)}" for cid, e in unread] or ["  none"]
        unused = self.unused_entries()
        lines += ["", f"dict entries read by no claim, unused ({sum(map(len, unused.values()))}):"]
        lines += [f"  {label}: {', '.join(keys)}" for label, keys in unused.items()] or ["  none"]
        lines += ["", f"references, not mutated ({len(self.references)}):"]
        lines += [f"  {label}: {reason}" for label, reason in self.references.items()] or ["  none"]
        rate = "-" if self.kill_rate is None else f"{100 * self.kill_rate:.1f}%"
        mutated = sum(c.tested > 0 for c in self.claims)
        lines += ["", f"total kill rate: {rate} ({self.kills} of {self.tested} non-equivalent mutants killed: "
                      f"{self.count('killed')} refuted, {self.count('inconclusive')} inconclusive; "
                      f"{self.count('survived')} survived ({self.explained} of the survivors explained by their "
                      f"claim), {self.count('timeout')} timed out; "
                      f"{self.count('equivalent')} equivalent and {self.count('invariant')} invariant excluded) "
                      f"over {mutated} claims; at most "
                      f"{self.max_mutants} mutants per claim, seed {self.seed}; {self.seconds:.1f} s"]
        return "\n".join(lines)


def mutate_claims(claim_ids: Sequence[str] | None = None, *, max_mutants: int = DEFAULT_MAX_MUTANTS,
                  seed: int = DEFAULT_SEED, timeout: float | None = None, workers: int = 1,
                  progress: Callable[[int, int, ClaimMutation], None] | None = None) -> MutationReport:
    """Mutation-test the claims ``claim_ids`` (default: every built-in claim; those that do not pass are listed
    and skipped): at most ``max_mutants`` non-equivalent mutants per claim, drawn deterministically from
    ``seed``; ``timeout`` seconds per mutant (default: 60 s or 5 times the claim's baseline); ``workers``
    processes, one claim at a time each (1: in this process); ``progress(i, n, result)`` after each claim. The
    verdict store is neither read nor written.
    Same arguments, same mutants, same report, whatever the number of workers (apart from the times)."""
    check_max_mutants(max_mutants)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise SymbolicVAEError(f"seed: expected a non-negative integer, got {seed!r}")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float))
                                or not 0 < timeout < float("inf")):
        raise SymbolicVAEError(f"timeout: expected a positive number of seconds, got {timeout!r}")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise SymbolicVAEError(f"workers: expected a positive integer, got {workers!r}")
    start = time.perf_counter()
    options = {"max_mutants": max_mutants, "seed": seed, "timeout": timeout}
    with _store_off():  # for the whole run, so that the worker processes inherit it
        ids = [c.id for c in registry.all_claims()] if claim_ids is None else list(dict.fromkeys(claim_ids))
        for claim_id in ids:
            registry.get_claim(claim_id)  # unknown ids: SymbolicVAEError before anything runs
        if workers == 1 or len(ids) <= 1:
            results = []
            for i, claim_id in enumerate(ids):
                results.append(_mutate_one(claim_id, **options))
                if progress is not None:
                    progress(i, len(ids), results[-1])
        else:
            results = _mutate_in_processes(ids, workers, options, progress)
    explanations = {c.claim_id: registry.get_claim(c.claim_id).surviving_mutants for c in results}
    return MutationReport(tuple(results), max_mutants, seed, time.perf_counter() - start, reference_formulas(),
                          {cid: pairs for cid, pairs in explanations.items() if pairs})


def _mutate_one(claim_id: str, *, max_mutants: int, seed: int, timeout: float | None) -> ClaimMutation:
    """One claim's mutation run in this process, with the verdict store off."""
    with _store_off():
        setup = MutationSetup(build_claim=_fresh_claim, formulas=tuple(formulas_in(formula_modules())),
                              packages=PACKAGES, context=Context(),
                              owned_caches=((_kernel_checks._round_trip, _kernel_checks._ROUND_TRIPS.clear),))
        try:
            return mutate_claim(claim_id, setup, max_mutants=max_mutants, seed=seed, timeout=timeout)
        finally:
            _forget_claims()


def _mutate_in_processes(ids: list[str], workers: int, options: dict[str, Any],
                         progress: Callable[[int, int, ClaimMutation], None] | None) -> list[ClaimMutation]:
    """The claims on ``workers`` fresh processes (spawned), one task per claim; results in the order of ``ids``."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    done: dict[str, ClaimMutation] = {}
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
    try:
        futures = {pool.submit(_mutate_one, claim_id, **options): claim_id for claim_id in ids}
        for finished in as_completed(futures):
            claim_id = futures[finished]
            done[claim_id] = finished.result()
            if progress is not None:
                progress(len(done) - 1, len(ids), done[claim_id])
    except BaseException:  # interrupted (SIGINT, SIGTERM) or failed: no worker is left running its claim
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=10)
        raise
    pool.shutdown()
    return [done[claim_id] for claim_id in ids]
