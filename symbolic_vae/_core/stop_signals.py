"""The stop signals (SIGINT, SIGTERM) this process received, in order.

A check, or a library under it, may catch the exception a signal raises (a bare ``except:``, a fallback on
RuntimeError). Whoever installs the signal handlers records each signal here; ``verify`` looks here after every
verdict, and the verdict store keeps no verdict computed while a signal was pending, so that no signal is lost and
no verdict computed under a swallowed one is kept.
"""

from __future__ import annotations

RECEIVED: list[str] = []


def record(name: str) -> None:
    """Note that the stop signal ``name`` ("SIGINT" or "SIGTERM") arrived."""
    RECEIVED.append(name)


def pending() -> str | None:
    """The first stop signal received since the last ``clear()``, or None."""
    return RECEIVED[0] if RECEIVED else None


def clear() -> None:
    """Forget the signals received (a new command starts)."""
    RECEIVED.clear()
