"""Tests for numeric_backend._sampling: domains, exact rational points, random datasets, second moments."""

import numpy as np
import pytest
import sympy

from numeric_backend import (
    Domain,
    NumericBackendError,
    draw_points,
    random_dataset,
    second_moments,
)

positive = sympy.Symbol("sigma", positive=True)
nonnegative = sympy.Symbol("eta", nonnegative=True)
real = sympy.Symbol("w", real=True)
plain = sympy.Symbol("c")
zeta1, zeta2 = sympy.symbols("zeta1 zeta2", positive=True)


def test_default_intervals_follow_assumptions():
    domain = Domain.from_assumptions([real, positive, nonnegative, plain])
    assert domain.symbols == (plain, nonnegative, positive, real)  # sorted by name
    assert domain.kinds == {positive: "log_uniform", nonnegative: "uniform", real: "uniform", plain: "uniform"}
    assert (domain.range_of(positive).low, domain.range_of(positive).high) == (sympy.Rational(1, 8), 8)
    assert (domain.range_of(nonnegative).low, domain.range_of(nonnegative).high) == (0, 8)
    assert domain.range_of(nonnegative).zero_probability == sympy.Rational(1, 8)
    assert (domain.range_of(plain).low, domain.range_of(plain).high) == (-4, 4)
    assert domain.range_of(real).zero_probability == 0


def test_points_are_exact_rationals_in_range_with_small_denominators():
    domain = Domain.from_assumptions([positive, nonnegative, real])
    points = draw_points(domain, 400, seed=1)
    assert len(points) == 400
    for point in points:
        assert set(point) == {positive, nonnegative, real}
        for symbol, value in point.items():
            assert isinstance(value, sympy.Rational)
            assert value.q <= 1000
            symbol_range = domain.range_of(symbol)
            assert symbol_range.low <= value <= symbol_range.high
        assert point[positive] > 0


def test_distribution_shapes():
    domain = Domain.from_assumptions([positive, nonnegative])
    points = draw_points(domain, 2000, seed=7)
    zeros = sum(1 for p in points if p[nonnegative] == 0)
    assert 170 <= zeros <= 330  # about 1 in 8 of 2000 = 250
    below_one = sum(1 for p in points if p[positive] < 1)
    assert 880 <= below_one <= 1120  # log-uniform on [1/8, 8] is symmetric about 1 in log scale
    assert min(p[positive] for p in points) < sympy.Rational(1, 4)
    assert max(p[positive] for p in points) > 4


def test_draws_are_reproducible_and_seed_dependent():
    domain = Domain.from_assumptions([positive, real])
    assert draw_points(domain, 20, seed=3) == draw_points(domain, 20, seed=3)
    assert draw_points(domain, 20, seed=3) != draw_points(domain, 20, seed=4)
    # the order in which symbols are given does not matter
    assert draw_points(Domain.from_assumptions([real, positive]), 20, seed=3) == draw_points(domain, 20, seed=3)


def test_constraints_enforced_by_rejection():
    domain = Domain.from_assumptions([zeta1, zeta2], constraints=[zeta1 >= zeta2])
    points = draw_points(domain, 200, seed=0)
    assert all(p[zeta1] >= p[zeta2] for p in points)
    assert Domain.from_assumptions([zeta1, zeta2], zeta1 >= zeta2) == domain  # a single relational is fine
    compound = Domain.from_assumptions([zeta1, zeta2, real], constraints=[sympy.And(zeta1 > 1, real < 0)])
    assert all(p[zeta1] > 1 and p[real] < 0 for p in draw_points(compound, 50, seed=0))


def test_unsatisfiable_constraints_raise_naming_constraints():
    domain = Domain.from_assumptions([real], constraints=[real > 10])
    with pytest.raises(NumericBackendError, match="constraints"):
        draw_points(domain, 3, seed=0)


def test_range_overrides():
    domain = Domain.from_assumptions([positive, real], ranges={positive: (2, 3), real: (0.5, 1)})
    assert domain.range_of(real).low == sympy.Rational(1, 2)
    for point in draw_points(domain, 100, seed=2):
        assert 2 <= point[positive] <= 3
        assert sympy.Rational(1, 2) <= point[real] <= 1
    constant = Domain.from_assumptions([real], ranges={real: (sympy.Rational(1, 3), sympy.Rational(1, 3))})
    assert {p[real] for p in draw_points(constant, 5, seed=0)} == {sympy.Rational(1, 3)}


def test_integer_symbols_draw_integers():
    k = sympy.Symbol("k", integer=True, positive=True)
    values = {p[k] for p in draw_points(Domain.from_assumptions([k]), 200, seed=0)}
    assert values <= set(range(1, 9)) and len(values) >= 6


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: Domain.from_assumptions([positive], ranges={positive: (0, 2)}), "ranges"),
        (lambda: Domain.from_assumptions([real], ranges={real: (3, 1)}), "ranges"),
        (lambda: Domain.from_assumptions([real], ranges={positive: (1, 2)}), "ranges"),
        (lambda: Domain.from_assumptions(["x"]), "symbols"),
        (lambda: Domain.from_assumptions([real, real]), "symbols"),
        (lambda: Domain.from_assumptions([real], constraints=[positive > 1]), "constraints"),
        (lambda: Domain.from_assumptions([real], constraints=[True]), "constraints"),
        (lambda: draw_points(Domain.from_assumptions([real]), 0, seed=0), "n"),
        (lambda: draw_points(Domain.from_assumptions([real]), -2, seed=0), "n"),
        (lambda: draw_points(Domain.from_assumptions([real]), 2, seed=-1), "seed"),
        (lambda: draw_points(Domain.from_assumptions([real]), 2, seed=1.5), "seed"),
        (lambda: draw_points({real: (0, 1)}, 2, seed=0), "domain"),
    ],
)
def test_bad_domain_input_raises(call, argument):
    with pytest.raises(NumericBackendError, match=f"^{argument}:"):
        call()


def _least_squares_residual(X, Y):
    coefficients, *_ = np.linalg.lstsq(X, Y, rcond=None)
    return np.linalg.norm(X @ coefficients - Y) / np.linalg.norm(Y)


def test_random_dataset_shapes_rank_and_targets():
    X, Y = random_dataset(200, 6, 3, rank=2, seed=0)
    assert X.shape == (200, 6) and Y.shape == (200, 3)
    assert X.dtype == np.float64 and Y.dtype == np.float64
    assert np.linalg.matrix_rank(X) == 2
    assert np.linalg.matrix_rank(random_dataset(200, 6, 3, seed=0)[0]) == 6
    assert _least_squares_residual(X, Y) < 1e-10
    for target in ("noisy", "nonlinear"):
        X2, Y2 = random_dataset(200, 6, 3, target=target, seed=0)
        assert _least_squares_residual(X2, Y2) > 0.05


def test_random_dataset_means_and_reproducibility():
    X, Y = random_dataset(300, 4, 2, rank=3, mean_zero=True, target="noisy", seed=5)
    assert np.abs(X.mean(axis=0)).max() < 1e-12 and np.abs(Y.mean(axis=0)).max() < 1e-12
    assert np.linalg.matrix_rank(X) == 3
    X_offset, _ = random_dataset(300, 4, 2, rank=3, seed=5)
    assert np.abs(X_offset.mean(axis=0)).max() > 0.1
    assert np.linalg.matrix_rank(X_offset) == 3  # the mean stays in the row space
    again = random_dataset(300, 4, 2, rank=3, mean_zero=True, target="noisy", seed=5)
    assert np.array_equal(again[0], X) and np.array_equal(again[1], Y)
    assert not np.array_equal(random_dataset(300, 4, 2, seed=6)[0], random_dataset(300, 4, 2, seed=5)[0])


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"n_samples": 0, "d_in": 2, "d_out": 1}, "n_samples"),
        ({"n_samples": 5, "d_in": 0, "d_out": 1}, "d_in"),
        ({"n_samples": 5, "d_in": 2, "d_out": 0}, "d_out"),
        ({"n_samples": 5, "d_in": 2, "d_out": 1, "rank": 3}, "rank"),
        ({"n_samples": 5, "d_in": 2, "d_out": 1, "rank": 0}, "rank"),
        ({"n_samples": 5, "d_in": 2, "d_out": 1, "target": "cubic"}, "target"),
    ],
)
def test_random_dataset_bad_input(kwargs, argument):
    with pytest.raises(NumericBackendError, match=f"^{argument}:"):
        random_dataset(**kwargs, seed=0)


def test_second_moments_match_definitions():
    X, Y = random_dataset(50, 3, 2, seed=1)
    moments = second_moments(X, Y)
    A, B, Syy, mean_x, mean_y = moments
    assert np.allclose(A, sum(np.outer(x, x) for x in X) / 50)
    assert np.allclose(B, sum(np.outer(x, y) for x, y in zip(X, Y, strict=True)) / 50)
    assert np.allclose(Syy, Y.T @ Y / 50)
    assert np.allclose(mean_x, X.mean(axis=0)) and np.allclose(mean_y, Y.mean(axis=0))
    assert moments.A.shape == (3, 3) and moments.B.shape == (3, 2) and moments.Syy.shape == (2, 2)


def test_second_moments_bad_input():
    X, Y = random_dataset(10, 3, 2, seed=1)
    with pytest.raises(NumericBackendError, match="^Y:.*9 rows"):
        second_moments(X, Y[:9])
    bad = X.copy()
    bad[2, 1] = np.nan
    with pytest.raises(NumericBackendError, match="^X:.*non-finite"):
        second_moments(bad, Y)
    with pytest.raises(NumericBackendError, match=r"^X:.*shape \(10,\)"):
        second_moments(X[:, 0], Y)
