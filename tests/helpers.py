"""The one tolerance rule of the test suite."""

from __future__ import annotations

import numpy as np

REL_TOL = 1e-9


def assert_close(actual, expected, rel: float = REL_TOL) -> None:
    """|actual - expected| <= rel * (1 + |expected|), elementwise."""
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    gap = np.abs(actual - expected) / (1 + np.abs(expected))
    assert np.all(gap <= rel), f"relative gap {gap.max():.3g} > {rel}: {actual} vs {expected}"
