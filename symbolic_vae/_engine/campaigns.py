"""Multistart campaigns: every ground-truth minimization goes through ``multistart``, which derives its seed from
the run seed and records how many starts ran, how many failed and why. ``run_claim`` collects the records of
each check (``collect_campaigns``) and puts their sum in the check's details, under "starts".

``cached`` is ``functools.cache`` for functions that (maybe indirectly) run campaigns: a cache hit replays the
records of the call that computed the value, so a check that reuses a cached ground truth still reports the
starts behind it. A value is computed once per process, and once for all processes when it can be stored: it is
kept in the verdict store (``store.VerdictStore.save_campaign``, under a key covering the code, the versions, the
function and its arguments, the run seed and torch's thread count), where another process, e.g. another worker of a
verify on Dask, reads it instead of computing it again (or waits while one computes it). ``noting_campaigns``
tells which cached values a block used, and what computing them cost: the hints by which verify places the claims
that share them.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import json
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from numeric_backend import MultistartResult, multistart_minimize
from symbolic_vae._core.seeds import derive_seed, run_seed
from symbolic_vae._engine import store as _store

_RECORDS: contextvars.ContextVar[list[dict[str, Any]] | None] = contextvars.ContextVar("campaigns", default=None)
F = TypeVar("F", bound=Callable[..., Any])
SHARE_SECONDS = 0.05
"""A value that took less to compute is not worth a file: it is not stored."""
LOCAL_AFTER = 3
"""A function whose first LOCAL_AFTER values in this process were each computed here in less than SHARE_SECONDS (none
found in the store) is computed here from then on without asking the store (a lookup and a lock cost more than the
value); a later value that takes longer is stored again, and the function is asked for in the store once more."""


def _record(record: dict[str, Any]) -> None:
    records = _RECORDS.get()
    if records is not None:
        records.append(record)


def multistart(loss_fn_for_instances: Callable, n_instances: int, n_starts: int, param_dim: int, *, seed: int,
               **options: Any) -> MultistartResult:
    """``numeric_backend.multistart_minimize`` with the seed derived from the run seed (``derive_seed``), its
    failed starts recorded for the check that runs it. It runs on torch's thread setting of the process
    (``num_threads`` None) unless ``num_threads`` is given."""
    options.setdefault("num_threads", None)
    result = multistart_minimize(loss_fn_for_instances, n_instances, n_starts, param_dim, seed=derive_seed(seed),
                                 **options)
    _record({"instances": n_instances, "starts": n_instances * n_starts,
             "failed": int(result.failed.sum()), "reasons": dict(result.failures)})
    return result


@contextlib.contextmanager
def collect_campaigns() -> Iterator[list[dict[str, Any]]]:
    """Within the block, the campaigns run (or replayed from a cache) are appended to the yielded list."""
    records: list[dict[str, Any]] = []
    token = _RECORDS.set(records)
    try:
        yield records
    finally:
        _RECORDS.reset(token)
        outer = _RECORDS.get()
        if outer is not None:
            outer.extend(records)


def summarize_campaigns(records: list[dict[str, Any]]) -> dict[str, Any]:
    """The sum of campaign records: campaigns, instances, starts, failed starts and their reasons (counts)."""
    reasons: dict[str, int] = {}
    for record in records:
        for reason, count in record["reasons"].items():
            reasons[reason] = reasons.get(reason, 0) + count
    return {"campaigns": len(records), "instances": sum(r["instances"] for r in records),
            "starts": sum(r["starts"] for r in records), "failed": sum(r["failed"] for r in records),
            "reasons": dict(sorted(reasons.items()))}


# --- which cached values a block used ------------------------------------------------------------------------------
@dataclass
class CampaignUse:
    """What a block did with the cached values it needed, each named by ``hint_name`` (stable across edits of the
    code): ``used`` the values it needed at top level (not inside another cached function), ``computed`` the seconds
    each value computed here took itself (the values computed inside it left out), ``children`` the values each of
    those needed (computed or not), ``stored`` the values it put in the store or read from it."""

    used: set[str] = field(default_factory=set)
    computed: dict[str, float] = field(default_factory=dict)
    children: dict[str, set[str]] = field(default_factory=dict)
    stored: set[str] = field(default_factory=set)

    def to_json(self) -> dict[str, Any]:
        return {"used": sorted(self.used), "computed": {k: round(v, 3) for k, v in sorted(self.computed.items())},
                "children": {k: sorted(v) for k, v in sorted(self.children.items()) if v},
                "stored": sorted(self.stored)}


@dataclass
class _Frame:
    """A cached value being computed: the values it needs, and the seconds spent computing them."""

    children: set[str] = field(default_factory=set)
    nested_seconds: float = 0.0


_USE: contextvars.ContextVar[CampaignUse | None] = contextvars.ContextVar("campaign_use", default=None)
_FRAME: contextvars.ContextVar[_Frame | None] = contextvars.ContextVar("campaign_frame", default=None)


@contextlib.contextmanager
def noting_campaigns() -> Iterator[CampaignUse]:
    """Within the block, which cached values were needed, computed (and for how long) and stored or read from the
    store."""
    use = CampaignUse()
    token, frame = _USE.set(use), _FRAME.set(None)
    try:
        yield use
    finally:
        _USE.reset(token)
        _FRAME.reset(frame)


def hint_name(name: str, arguments: Any) -> str:
    """A short name of the value of ``name`` at ``arguments`` (JSON) under this run seed, the same for every version
    of the code: what the hints of the next run refer to."""
    text = json.dumps([name, arguments, run_seed()], sort_keys=True, separators=(",", ":"))
    return f"{name.rsplit('.', 1)[-1]}:{hashlib.sha256(text.encode()).hexdigest()[:12]}"


# --- the cache -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Call:
    """One call of a cached function: its name (module.qualname), its arguments as JSON (None when they cannot be
    written), and the hint name."""

    name: str
    arguments: Any
    hint: str


def _call(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> _Call:
    try:
        arguments = _store.encode_value([list(args), sorted(kwargs.items())])
    except _store.UnshareableError:  # not stored; its hint names it by its printed arguments
        return _Call(name, None, hint_name(name, repr((args, sorted(kwargs.items())))))
    return _Call(name, arguments, hint_name(name, arguments))


_UNSHAREABLE: set[str] = set()
"""The cached functions of this process whose values cannot be stored."""


def _own_function(name: str) -> bool:
    """Whether ``name`` is a function of the two packages (the store key covers their code, no one else's)."""
    return any(name.startswith(f"{package}.") for package in _store.SOURCE_PACKAGES)


def _torch_threads() -> int | None:
    """torch's thread count, None before torch is imported (its default then; torch is not imported for this)."""
    torch = sys.modules.get("torch")
    return int(torch.get_num_threads()) if torch is not None else None


def _computed(fn: Callable[..., Any], call: _Call, args: tuple[Any, ...], kwargs: dict[str, Any]
              ) -> tuple[Any, list[dict[str, Any]], float]:
    """``fn(*args, **kwargs)``, its campaign records and the seconds it took (what it cost noted for the block)."""
    records: list[dict[str, Any]] = []
    frame, parent = _Frame(), _FRAME.get()
    tokens = _RECORDS.set(records), _FRAME.set(frame)
    start = time.perf_counter()
    try:
        value = fn(*args, **kwargs)
    finally:
        _RECORDS.reset(tokens[0])
        _FRAME.reset(tokens[1])
    seconds = time.perf_counter() - start
    if parent is not None:
        parent.nested_seconds += seconds
    use = _USE.get()
    if use is not None:
        use.computed[call.hint] = max(0.0, seconds - frame.nested_seconds)
        use.children.setdefault(call.hint, set()).update(frame.children)
    return value, records, seconds


_CHEAP_CALLS: dict[str, int] = {}
"""Per cached function of this process: how many of its values in a row were computed here in less than
SHARE_SECONDS (LOCAL_AFTER)."""


def _local(fn: Callable[..., Any], call: _Call, args: tuple[Any, ...], kwargs: dict[str, Any]
           ) -> tuple[Any, list[dict[str, Any]]]:
    """The value of a cheap function computed here without a store lookup; stored (and the function shared again)
    when this value took SHARE_SECONDS or more."""
    value, records, seconds = _computed(fn, call, args, kwargs)
    if seconds >= SHARE_SECONDS:
        _CHEAP_CALLS[call.name] = 0
        store = _store.verdict_store()
        if store is not None:
            fields = _store.campaign_fields(call.name, call.arguments, run_seed(), _torch_threads())
            try:
                store.save_campaign(_store.verdict_key(fields), fields, value, records, seconds)
            except _store.UnshareableError:
                _UNSHAREABLE.add(call.name)
            else:
                use = _USE.get()
                if use is not None:
                    use.stored.add(call.hint)
    return value, records


def _shared_or_computed(fn: Callable[..., Any], call: _Call, args: tuple[Any, ...], kwargs: dict[str, Any]
                        ) -> tuple[Any, list[dict[str, Any]]]:
    """The value of ``fn(*args, **kwargs)`` and its campaign records: read from the verdict store when a process
    stored it, else computed here (and stored when it can be read back exactly)."""
    use = _USE.get()
    shareable = call.arguments is not None and call.name not in _UNSHAREABLE and _own_function(call.name)
    if shareable and _CHEAP_CALLS.get(call.name, 0) >= LOCAL_AFTER:
        return _local(fn, call, args, kwargs)
    store = _store.verdict_store() if shareable else None
    if store is not None:
        note_fields = _store.campaign_function_fields(call.name)
        if store.is_unshareable(_store.verdict_key(note_fields)):
            _UNSHAREABLE.add(call.name)
            store = None
    if store is None:
        value, records, _ = _computed(fn, call, args, kwargs)
        return value, records
    fields = _store.campaign_fields(call.name, call.arguments, run_seed(), _torch_threads())
    key = _store.verdict_key(fields)
    found = store.load_campaign(key)
    if found is None:
        with store.computing(key, campaign=True):
            found = store.load_campaign(key)
            if found is None:
                value, records, seconds = _computed(fn, call, args, kwargs)
                try:
                    if seconds < SHARE_SECONDS:  # not worth a file, but a value that cannot be stored is noted
                        _store.encode_value(value)
                        _CHEAP_CALLS[call.name] = _CHEAP_CALLS.get(call.name, 0) + 1
                        return value, records
                    _CHEAP_CALLS[call.name] = 0
                    store.save_campaign(key, fields, value, records, seconds)
                except _store.UnshareableError as err:
                    _UNSHAREABLE.add(call.name)
                    store.note_unshareable(_store.verdict_key(note_fields), note_fields, str(err))
                    return value, records
                if use is not None:
                    use.stored.add(call.hint)
                return value, records
    _CHEAP_CALLS[call.name] = 0
    if use is not None:
        use.stored.add(call.hint)
    return found


def cached(fn: F) -> F:
    """``functools.cache`` that replays, on every hit, the campaign records of the call that computed the value; the
    value is shared with other processes through the verdict store when it can be stored (module docstring)."""
    memo: dict[Any, tuple[Any, list[dict[str, Any]]]] = {}
    calls: dict[Any, _Call] = {}
    name = f"{fn.__module__}.{fn.__qualname__}"

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = (args, tuple(sorted(kwargs.items())))
        if key not in calls:
            calls[key] = _call(name, args, kwargs)
        use, frame = _USE.get(), _FRAME.get()
        if frame is not None:
            frame.children.add(calls[key].hint)
        elif use is not None:
            use.used.add(calls[key].hint)
        if key not in memo:
            memo[key] = _shared_or_computed(fn, calls[key], args, kwargs)
        value, records = memo[key]
        for record in records:
            _record(record)
        return value

    return wrapper  # type: ignore[return-value]
