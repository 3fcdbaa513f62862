"""The one tolerance of round-trip checks: a compiled expression against its high-precision evaluation."""

from __future__ import annotations

from typing import Any

import numpy as np

from numeric_backend._errors import fail

ROUND_TRIP_RTOL = 1e-9
"""A compiled value v matches its reference r when |v - r| <= ROUND_TRIP_RTOL * (1 + |r|)."""


def round_trip_gap(values: Any, reference: Any) -> float:
    """max |values - reference| / (1 + |reference|) over all elements (inf where either side is not finite)."""
    got, ref = np.asarray(values, dtype=np.float64), np.asarray(reference, dtype=np.float64)
    if got.shape != ref.shape:
        raise fail("values", f"shape {got.shape} differs from the reference's {ref.shape}")
    if got.size == 0:
        return 0.0
    gap = np.abs(got - ref) / (1 + np.abs(ref))
    gap = np.where(np.isfinite(got) & np.isfinite(ref), gap, np.inf)
    return float(gap.max())


def within_round_trip_tolerance(values: Any, reference: Any) -> bool:
    """True when every element of ``values`` is within ROUND_TRIP_RTOL of ``reference`` (see round_trip_gap)."""
    return round_trip_gap(values, reference) <= ROUND_TRIP_RTOL
