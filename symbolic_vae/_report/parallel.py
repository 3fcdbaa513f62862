"""Verification in parallel on Dask: the claims whose verdicts are neither in this process nor in the verdict store
run as tasks on ``dask.distributed`` workers, one claim per task.

There is one code path: a task computes a claim's verdict exactly as ``verify`` does in-process (``verdict_of`` under
the same backend and run seed, storing what it computes), and the client reads the verdicts back in ledger order, so
the ledger is the one a serial run writes. The cluster is an embedded ``LocalCluster`` of processes (one per core by
default), or an existing one at a scheduler address (started with ``dask scheduler`` and ``dask worker``). With one
worker, or a single claim to compute, the claims run in this process without Dask. A worker that runs other code or
other versions (its store key differs from the client's) is refused: its verdicts would not be this code's.

The client places the tasks itself, one per free worker thread (``Dispatch``): the kernel checks after the claims that
gate the kernels, and each claim where it is cheapest. Several claims share cached values (ground-truth campaigns,
symbolic forms): a value the verdict store can hold is computed once for all workers, and one it cannot (a SymPy
expression) lives in the worker that computed it, so the claims that need it go to that worker. What each claim
needed and what it cost come from the last run that computed it (``Hints``, kept in the store's directory; they
survive an edit of the code, which the verdicts do not). No verdict depends on where a claim ran.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from importlib.resources import files
from typing import Any

from symbolic_vae._core.claim import Claim, claim_prefix
from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._core.files import write_json_atomically
from symbolic_vae._core.seeds import run_seed, set_run_seed
from symbolic_vae._core.verdict import Origin, Verdict
from symbolic_vae._engine.campaigns import noting_campaigns
from symbolic_vae._engine.runner import Context, known_verdict, remember_verdict, verdict_of
from symbolic_vae._engine.store import key_fields, recompute_in_this_process, verdict_key, verdict_store
from symbolic_vae._report.registry import BACKEND_TAG, get_claim, is_builtin

CONNECT_TIMEOUT = 10.0
"""Seconds to wait for a scheduler given by address."""
QUEUED_PER_THREAD = 1
"""Claims a worker holds queued per thread besides those it runs: it starts the next one as soon as one finishes,
without waiting for the client to hear of it and answer (a few milliseconds per claim, most of the claims take
less than a tenth of a second)."""
REFRESH_SECONDS = 0.5
"""How long the client waits for a task to finish before it refreshes the progress bar (a finished task wakes it at
once, so a free worker gets its next claim without delay)."""


MALLOC_ENVIRON = {"MALLOC_TRIM_THRESHOLD_": 128 << 20, "MALLOC_MMAP_THRESHOLD_": 32 << 20}
"""glibc's thresholds in the workers' environment. Dask's default sets ``MALLOC_TRIM_THRESHOLD_`` to 64 KiB, which
also freezes glibc's mmap threshold at 128 KiB: every array above it is mapped and unmapped again, and the torch
training claims run at half speed. These are glibc's own adaptive limits (on 64-bit)."""
WORKER_CONFIG: dict[str, Any] = {
    "distributed.nanny.pre-spawn-environ": {"OMP_NUM_THREADS": 1, "MKL_NUM_THREADS": 1, "OPENBLAS_NUM_THREADS": 1,
                                            **MALLOC_ENVIRON},
    "distributed.worker.profile.enabled": False,
}
"""Dask settings of the local cluster's workers: MALLOC_ENVIRON, and no statistical profiler (it samples every
thread's stack every 10 ms, which slows the SymPy checks by a third). Neither changes a verdict; the README shows how
to start the workers of ``dask worker`` with the same."""


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
    with noting_campaigns() as use:
        verdict = verdict_of(claim, Context(backend=backend, seed=seed), store=verdict_store())
    origin = verdict.origin.to_json() if verdict.origin is not None else None
    return {"verdict": verdict.to_json(), "origin": origin, "fields": key_fields(claim_id, tagged, seed),
            "use": use.to_json()}


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
    key = verdict_key(fields)
    if computed and store is not None and origin.get("key") == key:
        held = store.load(key, claim.id)  # a local worker's store is this one: the verdict is there already
        if held is not None and held.origin.date == origin.get("date") and _same_verdict(held, verdict):
            verdict = replace(verdict, origin=Origin(True, key, held.origin.date))
        else:
            verdict = store.save(key, fields, verdict)  # a remote worker's store is not ours
    else:
        verdict = replace(verdict, origin=Origin(computed, origin.get("key"), origin.get("date")))
    remember_verdict(verdict, tagged)
    return verdict


def _same_verdict(first: Verdict, second: Verdict) -> bool:
    """Whether two verdicts say the same (their origins aside)."""
    return replace(first, origin=None).to_json() == replace(second, origin=None).to_json()


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
    hints = load_hints()
    try:
        if distributed and (plan.scheduler is not None or workers > 1):
            dispatch = Dispatch([claims[i].id for i in distributed], hints, gate_dependencies())
            yield from _on_dask(claims, distributed, plan, workers, progress, dispatch, hints)
            todo = [i for i in todo if i not in set(distributed)]  # a caller's claims: not importable on a worker
        if todo:
            _set_torch_threads(plan.threads)
        for i in todo:
            if progress is not None:
                progress.started(claims[i])
            with noting_campaigns() as use:
                verdict = verdict_of(claims[i], context, store=store if is_builtin(claims[i]) else None)
            hints.note(verdict, use.to_json())
            if progress is not None:
                progress.done(claims[i], verdict)
            yield i, verdict
    finally:
        save_hints(hints)


# --- where each claim runs -----------------------------------------------------------------------------------------
HINTS_FILE = "costs.json"
"""In the verdict store's directory: per claim, the seconds it took when last computed (by any version of the code)
and the cached values it used (``campaigns.CampaignUse``). They only place and order the tasks, so that a shared
value is computed once and the workers finish together; no verdict depends on them."""
DEFAULT_HINTS_FILE = files("symbolic_vae._report") / "default_costs.json"
"""The hints a serial cold ``verify`` of this package left (``scripts/update_default_costs.py`` writes it), used for
the claims the store's own hints do not cover: a first run on a new machine places and orders its tasks as well as
a later one. Only placement depends on them."""
HINTS_FORMAT = 2
HINT_SECONDS = 0.05
"""A cached value that takes less to compute is left out of the hints."""
SLACK_SECONDS = 0.5
"""A worker takes a claim that would cost it more than this above another worker's cost (a value the other holds)
only when no other claim is ready."""


@dataclass
class Hints:
    """What the last runs learned of each claim: ``seconds`` when it was computed, and its ``use`` of cached values
    (``CampaignUse.to_json()``: "used", "computed" hint -> its own seconds, "children", "stored")."""

    seconds: dict[str, float] = field(default_factory=dict)
    use: dict[str, dict[str, Any]] = field(default_factory=dict)

    def note(self, verdict: Verdict, use: dict[str, Any] | None) -> None:
        """Keep what computing ``verdict`` cost (nothing for a verdict reused from the store)."""
        if verdict.origin is not None and verdict.origin.computed:
            self.seconds[verdict.claim_id] = float(verdict.seconds)
            if _valid_use(use):
                self.use[verdict.claim_id] = use
            else:
                self.use.pop(verdict.claim_id, None)

    def campaign_seconds(self) -> dict[str, float]:
        """Hint -> the longest any claim took to compute that value itself (the values inside it left out)."""
        costs: dict[str, float] = {}
        for use in self.use.values():
            for hint, seconds in use["computed"].items():
                costs[hint] = max(costs.get(hint, 0.0), float(seconds))
        return costs

    def children(self) -> dict[str, set[str]]:
        """Hint -> the values computing it needs."""
        out: dict[str, set[str]] = {}
        for use in self.use.values():
            for hint, inner in use.get("children", {}).items():
                out.setdefault(hint, set()).update(inner)
        return out

    def to_json(self) -> dict[str, Any]:
        """The hints as JSON, without the values that cost less than HINT_SECONDS to compute, those they need
        included (they place nothing)."""
        costs, children = self.campaign_seconds(), self.children()
        totals: dict[str, float] = {}

        def total(hint: str, path: frozenset[str]) -> float:
            if hint not in totals:
                totals[hint] = costs.get(hint, 0.0) + sum(total(c, path | {hint}) for c in children.get(hint, ())
                                                          if c not in path)
            return totals[hint]

        kept = {h for h in {*costs, *children} if total(h, frozenset()) >= HINT_SECONDS}

        def own(use: dict[str, Any], hint: str) -> float:  # its seconds, with those of the values left out inside it
            inner = use.get("children", {}).get(hint, ())
            return float(use["computed"][hint]) + sum(total(c, frozenset()) for c in inner if c not in kept)

        def pruned(use: dict[str, Any]) -> dict[str, Any]:
            return {"used": sorted(h for h in use["used"] if h in kept),
                    "computed": {h: round(own(use, h), 3) for h in sorted(use["computed"]) if h in kept},
                    "children": {h: sorted(c for c in inner if c in kept)
                                 for h, inner in sorted(use.get("children", {}).items())
                                 if h in kept and any(c in kept for c in inner)},
                    "stored": sorted(h for h in use["stored"] if h in kept)}

        return {"format": HINTS_FORMAT,
                "claims": {c: {"seconds": round(s, 3), **({"use": pruned(self.use[c])} if c in self.use else {})}
                           for c, s in sorted(self.seconds.items())}}

    @classmethod
    def from_json(cls, data: Any) -> Hints:
        """The hints of ``to_json`` (or of the first format, claim -> seconds); what cannot be read is left out."""
        hints = cls()
        if not isinstance(data, dict):
            return hints
        claims = data.get("claims") if data.get("format") == HINTS_FORMAT else {k: {"seconds": v}
                                                                               for k, v in data.items()}
        for claim, entry in (claims.items() if isinstance(claims, dict) else ()):
            seconds = entry.get("seconds") if isinstance(entry, dict) else None
            if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds >= 0:
                continue
            hints.seconds[str(claim)] = float(seconds)
            use = entry.get("use")
            if _valid_use(use):
                hints.use[str(claim)] = use
        return hints


def _valid_use(use: Any) -> bool:
    def hint_list(value: Any) -> bool:
        return isinstance(value, list) and all(isinstance(h, str) for h in value)

    return (isinstance(use, dict) and isinstance(use.get("computed"), dict)
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in use["computed"].values())
            and hint_list(use.get("stored")) and hint_list(use.get("used"))
            and isinstance(use.get("children", {}), dict) and all(map(hint_list, use.get("children", {}).values())))


def load_hints() -> Hints:
    """The hints of the package (``DEFAULT_HINTS_FILE``), overlaid with those kept in the store's directory."""
    hints = _read_hints(DEFAULT_HINTS_FILE)
    stored = _stored_hints()
    hints.seconds.update(stored.seconds)
    hints.use.update(stored.use)
    return hints


def _read_hints(path: Any) -> Hints:
    try:
        return Hints.from_json(json.loads(path.read_text()))
    except (OSError, ValueError):
        return Hints()


def _stored_hints() -> Hints:
    """The hints kept in the store's directory (none when there is no store or the file cannot be read)."""
    store = verdict_store()
    return Hints() if store is None else _read_hints(store.root / HINTS_FILE)


def save_hints(hints: Hints) -> None:
    """Keep ``hints`` (merged into those of the file: a claim not computed in this run keeps its old entry)."""
    store = verdict_store()
    if store is None or not hints.seconds:
        return
    old = _stored_hints()
    old.seconds.update(hints.seconds)
    old.use.update(hints.use)
    for claim in hints.seconds.keys() - hints.use.keys():
        old.use.pop(claim, None)
    try:
        store.root.mkdir(parents=True, exist_ok=True)
        write_json_atomically(store.root / HINTS_FILE, old.to_json(), indent=None)
    except OSError:
        pass


def gate_dependencies() -> dict[str, set[str]]:
    """Claim id -> the claims whose verdicts computing it reads: every kernel check reads the verdicts of the claims
    that gate the kernels (``kernel_sources``), so it runs after them and reads them from the store."""
    from symbolic_vae._kernels.build import kernel_sources
    from symbolic_vae._papers.sections import paper_claims
    from symbolic_vae._report.registry import all_claims

    gates = {source.claim for source in kernel_sources().values()}
    papers = {claim.id for claim in paper_claims()}
    return {claim.id: set(gates) for claim in all_claims() if claim.id not in papers}


class Dispatch:
    """Which claim a free worker runs next. A claim is ready when the claims it reads are done; of the ready claims a
    worker takes the one that costs it least more than on another worker (a claim whose cached values another worker
    holds, or is computing, waits for that worker while there is other work), then one of a section the worker
    already runs, else of a section no other worker runs (the claims of a section rebuild the same SymPy
    subexpressions, and SymPy's cache is per process: a cold 2-worker verify took 88-97 s this way, 99-112 s
    without), then the longest (with the work that waits for it), then the first in ledger order. The expected cost
    of a claim on a worker is its own work plus the values it needs (``Hints``: those it uses, and those they need in
    turn) that neither that worker nor the store holds."""

    def __init__(self, claim_ids: list[str], hints: Hints, dependencies: dict[str, set[str]]) -> None:
        self._rank = {c: r for r, c in enumerate(claim_ids)}
        self._waiting = set(claim_ids)
        self._after = {c: {d for d in dependencies.get(c, ()) if d in self._rank and d != c} for c in claim_ids}
        known = sorted(hints.seconds[c] for c in claim_ids if c in hints.seconds)
        default = known[len(known) // 2] if known else 1.0
        self._cost = hints.campaign_seconds()  # hint -> seconds to compute it (what it needs left out)
        self._children = hints.children()
        self._used: dict[str, set[str]] = {}
        self._base: dict[str, float] = {}  # claim -> seconds of its own work (the values it computed left out)
        for claim in claim_ids:
            use = hints.use.get(claim, {"computed": {}, "stored": [], "used": []})
            self._used[claim] = set(use["used"])
            own = hints.seconds.get(claim, default)
            self._base[claim] = max(0.0, own - sum(float(s) for s in use["computed"].values()))
        self._in_store: set[str] = set()
        self._held: dict[str, set[str]] = {}  # worker -> hints it holds or is computing
        self._sections: dict[str, set[str]] = {}  # worker -> sections of the claims given to it
        self._tail = self._tails()

    def _tails(self) -> dict[str, float]:
        """Per claim, the longest chain of work that waits for it (its dependents, theirs, ...)."""
        dependents: dict[str, set[str]] = {c: set() for c in self._rank}
        for claim, after in self._after.items():
            for d in after:
                dependents[d].add(claim)
        tails: dict[str, float] = {}

        def tail(claim: str, seen: frozenset[str]) -> float:
            if claim not in tails:
                tails[claim] = max((self.expected(d, "") + tail(d, seen | {claim}) for d in dependents[claim]
                                    if d not in seen), default=0.0)
            return tails[claim]

        for claim in self._rank:
            tail(claim, frozenset())
        return tails

    def _missing(self, claim: str, worker: str) -> set[str]:
        """The values ``claim`` would compute on ``worker``: those it needs that neither the worker nor the store
        holds (a value held is not looked into)."""
        held = self._held.get(worker, set())
        missing: set[str] = set()
        todo = list(self._used[claim])
        while todo:
            hint = todo.pop()
            if hint in missing or hint in held or hint in self._in_store:
                continue
            missing.add(hint)
            todo.extend(self._children.get(hint, ()))
        return missing

    def expected(self, claim: str, worker: str) -> float:
        """Seconds ``claim`` is expected to take on ``worker``."""
        return self._base[claim] + sum(self._cost.get(h, 0.0) for h in self._missing(claim, worker))

    def pending(self) -> bool:
        """Whether some claim has not been given to a worker."""
        return bool(self._waiting)

    def next_for(self, worker: str, workers: list[str], done: set[str]) -> str | None:
        """The claim ``worker`` runs next (None when no claim is ready); ``workers`` are all the workers now,
        ``done`` the claims finished."""
        ready = [c for c in self._waiting if self._after[c] <= done]
        if not ready:
            return None
        others = [w for w in workers if w != worker]

        def order(claim: str) -> tuple[int, float, int, float, int]:
            here = self.expected(claim, worker)
            extra = max(0.0, here - min((self.expected(claim, w) for w in others), default=here))
            late = extra > SLACK_SECONDS
            section = claim_prefix(claim)
            affinity = 0 if section in self._sections.get(worker, ()) else (
                2 if any(section in self._sections.get(w, ()) for w in others) else 1)
            return (int(late), extra if late else 0.0, affinity, -(here + self._tail[claim]), self._rank[claim])

        claim = min(ready, key=order)
        self._sections.setdefault(worker, set()).add(claim_prefix(claim))
        self._waiting.discard(claim)
        self._held.setdefault(worker, set()).update(self._missing(claim, worker))  # held there from now on
        return claim

    def finished(self, worker: str, use: dict[str, Any] | None) -> None:
        """What the claim ``worker`` ran used: the values it now holds, and those in the store."""
        if not _valid_use(use):
            return
        self._held.setdefault(worker, set()).update(use["used"], use["computed"])
        self._in_store.update(use["stored"])


def _on_dask(claims: list[Claim], indices: list[int], plan: Plan, workers: int, progress: Any,
             dispatch: Dispatch, hints: Hints) -> Iterator[tuple[int, Verdict]]:
    """The claims at ``indices`` as tasks on a Dask cluster, each placed by ``dispatch`` on a free worker thread,
    yielded as they complete (what each cost noted in ``hints``)."""
    import logging

    import dask
    from distributed import Client, LocalCluster, wait

    from symbolic_vae._report.worker_exit import SkipTeardown

    if plan.scheduler is None:
        with dask.config.set(WORKER_CONFIG):
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                                   silence_logs=logging.ERROR)
        client = Client(cluster)
        client.register_plugin(SkipTeardown())  # our own processes: their exit need not free their caches
    else:
        cluster = None
        try:
            client = Client(plan.scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as err:
            raise SymbolicVAEError(f"scheduler: cannot reach the Dask scheduler at {plan.scheduler} "
                                   f"({type(err).__name__}: {err})") from None
    by_id = {claims[i].id: (claims[i], i) for i in indices}
    try:
        client.wait_for_workers(1)
        threads = _worker_threads(client)
        running: dict[Any, tuple[Claim, int, str]] = {}
        done: set[str] = set()
        checked = time.monotonic()
        while dispatch.pending() or running:
            # the tasks that finished free their workers: the next claims go to them before this process stores
            # and reports the verdicts (and the caller writes its ledger), so that no worker waits for that
            finished = []
            for future in sorted((f for f in running if f.done()), key=lambda f: running[f][1]):
                claim, index, worker = running.pop(future)
                result = future.result()
                dispatch.finished(worker, result.get("use"))
                done.add(claim.id)
                finished.append((claim, index, result))
            if time.monotonic() - checked > 1.0 or not threads:
                threads, checked = _worker_threads(client) or threads, time.monotonic()
            busy = [w for _, _, w in running.values()]
            for worker, slots in threads.items():
                for _ in range(slots * (1 + QUEUED_PER_THREAD) - busy.count(worker)):
                    claim_id = dispatch.next_for(worker, list(threads), done)
                    if claim_id is None:
                        break
                    claim, index = by_id[claim_id]
                    future = client.submit(verdict_task, claim.id, plan.backend, run_seed(), plan.threads,
                                           plan.recompute, key=f"verdict-{claim.id}-{index}", pure=False,
                                           workers=[worker], allow_other_workers=True)
                    running[future] = (claim, index, worker)
                    if progress is not None:
                        progress.started(claim)
            if not running and not finished:  # nothing ready and nothing running: the dependencies cannot be met
                raise RuntimeError("verify: claims wait for claims that are not run")
            for claim, index, result in finished:
                verdict = _from_task(result, claim, plan.backend)
                hints.note(verdict, result.get("use"))
                if progress is not None:
                    progress.done(claim, verdict)
                yield index, verdict
            if not finished and running:
                try:
                    wait(list(running), timeout=REFRESH_SECONDS, return_when="FIRST_COMPLETED")
                except TimeoutError:
                    if progress is not None:
                        progress.refresh()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _worker_threads(client: Any) -> dict[str, int]:
    """Address -> threads of every worker of the cluster now."""
    try:
        workers = client.scheduler_info()["workers"]
        return {address: max(1, int(info.get("nthreads", 1))) for address, info in sorted(workers.items())}
    except Exception:  # a scheduler that cannot answer now is asked again
        return {}


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
