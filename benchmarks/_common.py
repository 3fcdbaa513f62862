"""Helpers shared by the benchmark scripts (``kernels.py``, ``minimize.py``), which import them as ``_common``: the
scripts run as ``python benchmarks/<name>.py``, so this folder is the first entry of ``sys.path``."""

from __future__ import annotations


def load_average() -> str:
    """The 1, 5 and 15 minute load averages of /proc/loadavg ("unknown" where it cannot be read)."""
    try:
        with open("/proc/loadavg") as handle:
            return " ".join(handle.read().split()[:3])
    except OSError:
        return "unknown"
