"""The SGD training harness: deterministic under its seed, one row of a beta grid trains as it does alone, active
units fall from all to none as beta grows, and bad input is named."""

from __future__ import annotations

import numpy as np
import pytest

import numeric_backend as nb
from numeric_backend import NumericBackendError

BETAS = [0.01, 1.0, 100.0]


@pytest.fixture(scope="module")
def data() -> np.ndarray:
    """400 points, covariance diag(9, 2.25, 0.09)."""
    return np.random.default_rng(0).standard_normal((400, 3)) * np.array([3.0, 1.5, 0.3])


@pytest.fixture(scope="module")
def grid(data: np.ndarray) -> nb.TrainedVAE:
    return nb.train_linear_vae(data, betas=BETAS, latent_dim=3, seed=1)


def test_the_same_seed_gives_the_same_training(data, grid):
    again = nb.train_linear_vae(data, betas=BETAS, latent_dim=3, seed=1)
    assert np.array_equal(grid.loss, again.loss) and np.array_equal(grid.params["W"], again.params["W"])


def test_a_row_of_the_grid_trains_as_it_does_alone(data, grid):
    alone = nb.train_linear_vae(data, betas=[1.0], latent_dim=3, seed=1)
    np.testing.assert_allclose(alone.loss[0], grid.loss[1], rtol=1e-6)
    assert alone.active_units[0] == grid.active_units[1]


def test_active_units_fall_with_beta(grid):
    assert list(grid.active_units) == [3, 2, 0]  # modes of variance 9, 2.25, 0.09 against beta eta_dec^2
    assert grid.converged.all() and np.isfinite(grid.loss).all()
    assert np.all(np.diff(grid.loss) > 0)  # a larger beta weighs the KL more


def test_latent_usage_of_encoder_arrays():
    mu = np.stack([np.linspace(-1, 1, 50), np.full(50, 0.3)], axis=1)
    usage = nb.latent_usage(mu, np.zeros_like(mu))
    assert list(usage.active) == [True, False]
    np.testing.assert_allclose(usage.kl, 0.5 * (mu**2).mean(axis=0))
    with pytest.raises(NumericBackendError, match="logvar"):
        nb.latent_usage(mu, np.zeros((50, 3)))


@pytest.mark.parametrize(("kwargs", "name"), [({"betas": [-1.0]}, "betas"), ({"betas": []}, "betas"),
                                              ({"latent_dim": 0}, "latent_dim")])
def test_bad_input_is_named(data, kwargs, name):
    options = {"betas": [1.0], "latent_dim": 2, "seed": 0, **kwargs}
    with pytest.raises(NumericBackendError, match=name):
        nb.train_linear_vae(data, **options)


def test_nan_data_is_refused(data):
    bad = data.copy()
    bad[0, 0] = np.nan
    with pytest.raises(NumericBackendError, match="X"):
        nb.train_linear_vae(bad, betas=[1.0], latent_dim=2, seed=0)
