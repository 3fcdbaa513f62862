"""The one tolerance rule of the test suite."""

from __future__ import annotations

import numpy as np

REL_TOL = 1e-9


def assert_close(actual, expected, rel: float = REL_TOL) -> None:
    """|actual - expected| <= rel * (1 + |expected|), elementwise."""
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    gap = np.abs(actual - expected) / (1 + np.abs(expected))
    assert np.all(gap <= rel), f"relative gap {gap.max():.3g} > {rel}: {actual} vs {expected}"


def assert_verdict_and_control(verdict, expected) -> None:
    """The verdict the computation reached is ``expected`` and the claim's negative control was REFUTED with an
    instance."""
    assert verdict.status is expected, verdict.summary
    assert verdict.control is not None and verdict.control.status.value == "REFUTED", verdict.control
    assert verdict.control.counterexample is not None
