"""Multistart campaigns: every ground-truth minimization goes through ``multistart``, which derives its seed from
the run seed and records how many starts ran, how many failed and why. ``run_claim`` collects the records of
each check (``collect_campaigns``) and puts their sum in the check's details, under "starts".

``cached`` is ``functools.cache`` for functions that (maybe indirectly) run campaigns: a cache hit replays the
records of the call that computed the value, so a check that reuses a cached ground truth still reports the
starts behind it.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from numeric_backend import MultistartResult, multistart_minimize
from symbolic_vae._core.seeds import derive_seed

_RECORDS: contextvars.ContextVar[list[dict[str, Any]] | None] = contextvars.ContextVar("campaigns", default=None)
F = TypeVar("F", bound=Callable[..., Any])


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


def cached(fn: F) -> F:
    """``functools.cache`` that replays, on every hit, the campaign records of the call that computed the value."""
    memo: dict[Any, tuple[Any, list[dict[str, Any]]]] = {}

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = (args, tuple(sorted(kwargs.items())))
        if key not in memo:
            records: list[dict[str, Any]] = []
            token = _RECORDS.set(records)
            try:
                value = fn(*args, **kwargs)
            finally:
                _RECORDS.reset(token)
            memo[key] = (value, records)
        value, records = memo[key]
        for record in records:
            _record(record)
        return value

    return wrapper  # type: ignore[return-value]
