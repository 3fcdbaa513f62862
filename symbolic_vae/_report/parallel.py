"""Verification in parallel on Dask: the claims whose verdicts are neither in this process nor in the verdict store
run as tasks on ``dask.distributed`` workers, one claim per task.

There is one code path: a task computes a claim's verdict exactly as ``verify`` does in-process (``verdict_of`` under
the same backend and run seed, storing what it computes), and the client reads the verdicts back in ledger order, so
the ledger is the one a serial run writes. The cluster is an embedded ``LocalCluster`` of processes (one per core by
default), or an existing one at a scheduler address (started with ``dask scheduler`` and ``dask worker``). With one
worker, or a single claim to compute, the claims run in this process without Dask. A worker that runs other code or
other versions (its store key differs from the client's) is refused: its verdicts would not be this code's.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from symbolic_vae._core.claim import Claim
from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._core.files import write_json_atomically
from symbolic_vae._core.seeds import run_seed, set_run_seed
from symbolic_vae._core.verdict import Origin, Verdict
from symbolic_vae._engine.runner import Context, known_verdict, remember_verdict, verdict_of
from symbolic_vae._engine.store import key_fields, recompute_in_this_process, verdict_key, verdict_store
from symbolic_vae._report.registry import BACKEND_TAG, get_claim, is_builtin

CONNECT_TIMEOUT = 10.0
"""Seconds to wait for a scheduler given by address."""


def default_workers() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Plan:
    """How a verify run executes: ``workers`` local processes (1: in this process) or the cluster at
    ``scheduler``; the run's ``backend``, ``threads`` (torch threads per worker) and ``recompute``."""

    backend: str = "numpy"
    workers: int = 1
    scheduler: str | None = None
    threads: int = 1
    recompute: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.workers, bool) or not isinstance(self.workers, int) or self.workers < 1:
            raise SymbolicVAEError(f"workers: expected a positive integer, got {self.workers!r}")
        if self.scheduler is not None and (not isinstance(self.scheduler, str) or "://" not in self.scheduler):
            raise SymbolicVAEError(f"scheduler: expected an address such as tcp://HOST:8786, got {self.scheduler!r}")


def verdict_task(claim_id: str, backend: str, seed: int, threads: int, recompute: bool) -> dict[str, Any]:
    """On a worker: the verdict of the package's claim ``claim_id`` (computed, or reused from the worker's verdict
    store) as JSON, with the key fields under which it is stored."""
    set_run_seed(seed)  # before the claims are built; a worker that drew instances under another seed refuses
    if recompute:
        recompute_in_this_process()
    _set_torch_threads(threads)
    claim = get_claim(claim_id)
    tagged = backend if BACKEND_TAG in claim.tags else ""
    verdict = verdict_of(claim, Context(backend=backend, seed=seed), store=verdict_store())
    origin = verdict.origin.to_json() if verdict.origin is not None else None
    return {"verdict": verdict.to_json(), "origin": origin, "fields": key_fields(claim_id, tagged, seed)}


def _set_torch_threads(threads: int) -> None:
    try:
        import torch
    except ImportError:
        return
    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)


def _from_task(result: dict[str, Any], claim: Claim, backend: str) -> Verdict:
    """The verdict a task returned, checked to be this code's, remembered in this process and kept in this
    process's store when the worker computed it."""
    tagged = backend if BACKEND_TAG in claim.tags else ""
    fields = key_fields(claim.id, tagged, run_seed())
    if result["fields"] != fields:
        differ = sorted(k for k in fields if result["fields"].get(k) != fields[k])
        raise SymbolicVAEError(f"scheduler: a worker computed {claim.id} under other {', '.join(differ)} than this "
                               "process (another version of the code or its dependencies); its verdict is not "
                               "this code's")
    verdict = Verdict.from_json(result["verdict"])
    origin = result.get("origin") or {}
    computed = origin.get("origin") != "reused"
    store = verdict_store()
    if computed and store is not None and origin.get("key") == verdict_key(fields):
        verdict = store.save(verdict_key(fields), fields, verdict)  # a remote worker's store is not ours
    else:
        verdict = replace(verdict, origin=Origin(computed, origin.get("key"), origin.get("date")))
    remember_verdict(verdict, tagged)
    return verdict


def iter_verify_on(claims: list[Claim], plan: Plan, progress: Any = None) -> Iterator[tuple[int, Verdict]]:
    """(index in ``claims``, verdict) of every claim, as each is known: first those this process or the verdict
    store already holds, then those computed, on the plan's cluster or in this process. ``progress`` (a
    ``Progress``) is told of each claim started and done."""
    if plan.recompute:
        recompute_in_this_process()
    context = Context(backend=plan.backend)
    store = verdict_store()
    todo = []
    for i, claim in enumerate(claims):
        known = known_verdict(claim, context, store if is_builtin(claim) else None)
        if known is None:
            todo.append(i)
            continue
        if progress is not None:
            progress.done(claim, known)
        yield i, known
    distributed = [i for i in todo if is_builtin(claims[i])]
    workers = min(plan.workers, len(distributed))
    costs = _costs()
    try:
        if distributed and (plan.scheduler is not None or workers > 1):
            for i, verdict in _on_dask([claims[i] for i in distributed], distributed, plan, workers, progress, costs):
                yield i, _cost_noted(costs, verdict)
            todo = [i for i in todo if i not in set(distributed)]  # a caller's claims: not importable on a worker
        for i in todo:
            if progress is not None:
                progress.started(claims[i])
            verdict = verdict_of(claims[i], context, store=store if is_builtin(claims[i]) else None)
            if progress is not None:
                progress.done(claims[i], verdict)
            yield i, _cost_noted(costs, verdict)
    finally:
        _save_costs(costs)


def _cost_noted(costs: dict[str, float], verdict: Verdict) -> Verdict:
    if verdict.origin is not None and verdict.origin.computed:
        costs[verdict.claim_id] = verdict.seconds
    return verdict


def _on_dask(claims: list[Claim], indices: list[int], plan: Plan, workers: int, progress: Any,
             costs: dict[str, float]) -> Iterator[tuple[int, Verdict]]:
    """The claims as tasks on a Dask cluster, yielded as they complete."""
    import logging

    from distributed import Client, LocalCluster

    if plan.scheduler is None:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                               silence_logs=logging.ERROR)
        client = Client(cluster)
    else:
        cluster = None
        try:
            client = Client(plan.scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as err:
            raise SymbolicVAEError(f"scheduler: cannot reach the Dask scheduler at {plan.scheduler} "
                                   f"({type(err).__name__}: {err})") from None
    try:
        futures = {}
        for rank, (claim, index) in enumerate(zip(claims, indices, strict=True)):
            priority = round(1000 * costs[claim.id]) if claim.id in costs else 10**9 - rank  # longest first
            future = client.submit(verdict_task, claim.id, plan.backend, run_seed(), plan.threads, plan.recompute,
                                   key=f"verdict-{claim.id}-{rank}", pure=False, priority=priority)
            futures[future] = (claim, index)
        keys = {future.key: claim for future, (claim, _) in futures.items()}
        pending = dict(futures)
        while pending:
            for key in _processing(client):
                if progress is not None and key in keys:
                    progress.started(keys[key])
            finished = sorted((f for f in pending if f.done()), key=lambda f: pending[f][1])
            for future in finished:
                claim, index = pending.pop(future)
                verdict = _from_task(future.result(), claim, plan.backend)
                if progress is not None:
                    progress.done(claim, verdict)
                yield index, verdict
            if not finished:
                if progress is not None:
                    progress.refresh()
                time.sleep(0.25)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


COSTS_FILE = "costs.json"
"""In the verdict store's directory: the seconds each claim took when last computed (any version of the code). It
only orders the tasks, longest first, so that the workers finish together; no verdict depends on it."""


def _costs() -> dict[str, float]:
    """The last known cost of each claim (empty when unknown or unreadable)."""
    store = verdict_store()
    if store is None:
        return {}
    try:
        data = json.loads((store.root / COSTS_FILE).read_text())
        return {str(k): float(v) for k, v in data.items() if isinstance(v, (int, float)) and v >= 0}
    except (OSError, ValueError, AttributeError, TypeError):
        return {}


def _save_costs(costs: dict[str, float]) -> None:
    store = verdict_store()
    if store is None or not costs:
        return
    try:
        store.root.mkdir(parents=True, exist_ok=True)
        write_json_atomically(store.root / COSTS_FILE, {k: round(v, 3) for k, v in sorted(costs.items())})
    except OSError:
        pass


def _processing(client: Any) -> set[str]:
    """The keys of the tasks the workers are running now."""
    try:
        return {key for keys in client.processing().values() for key in keys}
    except Exception:  # the progress bar is a view, never a reason to stop a run
        return set()


class Progress:
    """A progress bar on stderr (tqdm): claims done of the total, the ETA, and the claim that has run longest
    among those still running; silent when ``quiet``."""

    def __init__(self, total: int, *, quiet: bool) -> None:
        from tqdm import tqdm

        interactive = sys.stderr.isatty()
        self._bar = tqdm(total=total, unit="claim", file=sys.stderr, disable=quiet, dynamic_ncols=interactive,
                         mininterval=0.5 if interactive else 15.0,
                         bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}] {postfix}")
        self._running: dict[str, float] = {}

    def started(self, claim: Claim) -> None:
        self._running.setdefault(claim.id, time.perf_counter())
        self.refresh()

    def done(self, claim: Claim, verdict: Verdict) -> None:
        self._running.pop(claim.id, None)
        self._bar.update(1)
        self.refresh()

    def refresh(self) -> None:
        if self._running:
            claim, since = min(self._running.items(), key=lambda item: item[1])
            self._bar.set_postfix_str(f"longest running: {claim} ({time.perf_counter() - since:.0f} s)",
                                      refresh=False)
        else:
            self._bar.set_postfix_str("", refresh=False)

    def close(self) -> None:
        self._bar.close()
