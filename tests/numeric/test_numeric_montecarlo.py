"""Tests for numeric_backend._montecarlo."""

import math

import numpy as np
import pytest

from numeric_backend import MonteCarloEstimate, NumericBackendError, agrees_with, monte_carlo_mean


def _normal(mean, std):
    return lambda rng, n: rng.normal(mean, std, size=n)


def test_mean_and_standard_error_of_a_known_distribution():
    estimate = monte_carlo_mean(_normal(2.0, 3.0), 200_000, seed=0, batch=30_000)
    assert estimate.n_samples == 200_000 and estimate.seed == 0
    assert agrees_with(estimate, 2.0)
    assert abs(estimate.standard_error / (3.0 / math.sqrt(200_000)) - 1) < 0.02
    assert not agrees_with(estimate, 2.2)


def test_batched_merge_equals_direct_statistics():
    estimate = monte_carlo_mean(lambda rng, n: rng.exponential(size=n), 10_001, seed=4, batch=999)
    rng = np.random.default_rng(4)
    sizes = [999] * 10 + [11]
    draws = np.concatenate([rng.exponential(size=k) for k in sizes])
    assert draws.size == 10_001
    assert estimate.mean == pytest.approx(draws.mean(), rel=1e-13)
    assert estimate.standard_error == pytest.approx(draws.std(ddof=1) / math.sqrt(draws.size), rel=1e-12)


def test_reproducible_per_seed():
    first = monte_carlo_mean(_normal(0, 1), 1000, seed=9)
    assert first == monte_carlo_mean(_normal(0, 1), 1000, seed=9)
    assert first.mean != monte_carlo_mean(_normal(0, 1), 1000, seed=10).mean


def test_constant_samples_have_zero_error_and_exact_agreement():
    estimate = monte_carlo_mean(lambda rng, n: np.full(n, 0.25), 100, seed=0)
    assert estimate.standard_error == 0.0
    assert agrees_with(estimate, 0.25) and not agrees_with(estimate, 0.2500001)


@pytest.mark.parametrize(
    ("sample_fn", "kwargs", "argument"),
    [
        (lambda rng, n: np.full(n, np.nan), {}, "sample_fn"),
        (lambda rng, n: np.zeros(n + 1), {}, "sample_fn"),
        (lambda rng, n: np.zeros((n, 2)), {}, "sample_fn"),
        (lambda rng, n: np.zeros(n, dtype=complex), {}, "sample_fn"),
        ("not callable", {}, "sample_fn"),
        (lambda rng, n: np.zeros(n), {"n_samples": 0}, "n_samples"),
        (lambda rng, n: np.zeros(n), {"n_samples": 1}, "n_samples"),
        (lambda rng, n: np.zeros(n), {"batch": 0}, "batch"),
        (lambda rng, n: np.zeros(n), {"seed": -3}, "seed"),
    ],
)
def test_bad_input_raises(sample_fn, kwargs, argument):
    options = {"n_samples": 10, "seed": 0} | kwargs
    with pytest.raises(NumericBackendError, match=f"^{argument}:"):
        monte_carlo_mean(sample_fn, **options)


def test_agrees_with_bad_input():
    estimate = MonteCarloEstimate(mean=1.0, standard_error=0.1, n_samples=10, seed=0)
    with pytest.raises(NumericBackendError, match="^value:"):
        agrees_with(estimate, float("nan"))
    with pytest.raises(NumericBackendError, match="^z:"):
        agrees_with(estimate, 1.0, z=0)
    with pytest.raises(NumericBackendError, match="^estimate:"):
        agrees_with(1.0, 1.0)
