"""Seeded Monte Carlo estimation of a mean, accumulated in batches."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from numeric_backend._errors import fail
from numeric_backend._validate import check_int, check_positive_float, check_seed

SampleFunction = Callable[[np.random.Generator, int], np.ndarray]


@dataclass(frozen=True)
class MonteCarloEstimate:
    """Sample mean and its standard error (sample std / sqrt(n)) from ``n_samples`` draws with ``seed``."""

    mean: float
    standard_error: float
    n_samples: int
    seed: int

    def __post_init__(self) -> None:
        assert math.isfinite(self.mean), self.mean
        assert math.isfinite(self.standard_error) and self.standard_error >= 0, self.standard_error
        assert self.n_samples >= 2, self.n_samples
        assert self.seed >= 0, self.seed


def monte_carlo_mean(
    sample_fn: SampleFunction, n_samples: int, *, seed: int, batch: int = 65536
) -> MonteCarloEstimate:
    """Mean of ``n_samples`` i.i.d. draws of ``sample_fn(rng, k) -> ndarray[k]``.

    One ``numpy.random.default_rng(seed)`` is passed to successive calls with k <= ``batch``; batch
    statistics are merged exactly (Chan et al.), so memory is O(batch). The result depends on (seed, batch).
    Non-finite draws raise NumericBackendError naming "sample_fn".
    """
    if not callable(sample_fn):
        raise fail("sample_fn", f"expected a callable (rng, n) -> ndarray[n], received {type(sample_fn).__name__}")
    n_samples = check_int("n_samples", n_samples, minimum=2)
    seed = check_seed(seed)
    batch = check_int("batch", batch, minimum=1)
    rng = np.random.default_rng(seed)
    count, mean, sum_squares = 0, 0.0, 0.0
    while count < n_samples:
        k = min(batch, n_samples - count)
        draws = np.asarray(sample_fn(rng, k))
        if draws.shape != (k,):
            raise fail("sample_fn", f"must return an array of shape ({k},), returned shape {draws.shape}")
        if np.iscomplexobj(draws) or not np.issubdtype(draws.dtype, np.number):
            raise fail("sample_fn", f"must return real numbers, returned dtype {draws.dtype}")
        draws = draws.astype(np.float64)
        bad = ~np.isfinite(draws)
        if bad.any():
            raise fail("sample_fn", f"returned {int(bad.sum())} non-finite values in a batch of {k} "
                                    f"(first: {draws[bad][0]})")
        batch_mean = float(draws.mean())
        batch_sum_squares = float(((draws - batch_mean) ** 2).sum())
        total = count + k
        delta = batch_mean - mean
        mean += delta * k / total
        sum_squares += batch_sum_squares + delta * delta * count * k / total
        count = total
    variance = sum_squares / (count - 1)
    return MonteCarloEstimate(mean, math.sqrt(variance / count), count, seed)


def agrees_with(estimate: MonteCarloEstimate, value: float, z: float = 5.0) -> bool:
    """True when |mean - value| <= z * standard_error (+ 1e-12 * (1 + |value|) for rounding)."""
    if not isinstance(estimate, MonteCarloEstimate):
        raise fail("estimate", f"expected a MonteCarloEstimate, received {type(estimate).__name__}")
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
        raise fail("value", f"expected a finite real number, received {value!r}")
    z = check_positive_float("z", z)
    slack = 1e-12 * (1.0 + abs(float(value)))
    return abs(estimate.mean - float(value)) <= z * estimate.standard_error + slack
