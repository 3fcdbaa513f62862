"""Spectrum-level kernels (builders) on every backend against their one-row mpmath references.

Each builder source offers ``sample(rng, n)`` (arguments for n rows inside its domain: the spectrum positionally,
everything else by keyword) and ``reference`` (one row in mpmath, the same keywords); the compiled values must be
within the round-trip tolerance of the reference, row by row.
"""

from __future__ import annotations

import warnings
from typing import Any

import mpmath
import numpy as np
import pytest
import sympy as sp

from numeric_backend import ROUND_TRIP_RTOL, round_trip_gap, within_round_trip_tolerance
from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._papers.lucas2019.ppca import kernels as pp
from symbolic_vae._papers.wz2022 import decoder_variance as dv
from symbolic_vae._papers.wz2022 import origin_hessian as oh
from symbolic_vae._papers.wz2022.decoder_variance import forms as dv_forms

SOURCES = {source.name: source for module in (dv, oh, pp) for source in module.kernel_sources()
           if not source.per_mode}
SEEDS = (0, 1, 2, 3, 4, 5)
ROWS = 12
REFERENCE_DPS = 30


def _row(value: Any, i: int) -> Any:
    """Row i of a batched argument (an array with the batch axis first) as plain floats / lists; sizes unchanged."""
    return value[i].tolist() if isinstance(value, np.ndarray) else value


def _reference(source: dict, args: tuple, kwargs: dict, n: int) -> np.ndarray:
    """The source's reference at each of the n rows, [n, ...]."""
    with mpmath.workdps(REFERENCE_DPS):
        return np.array([source.reference(*(_row(a, i) for a in args), **{k: _row(v, i) for k, v in kwargs.items()})
                         for i in range(n)], dtype=np.float64)


def _evaluate(source: dict, args: tuple, kwargs: dict, backend: str) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return source.builder(*args, **kwargs, backend=backend)


def test_every_builder_offers_a_sample_and_a_reference():
    assert set(SOURCES) == {"decoder_variance_G", "decoder_variance_G_prime", "optimal_decoder_variance",
                            "decoder_variance_surviving_modes", "decoder_variance_regime",
                            "decoder_variance_collapse_thresholds", "origin_hessian_min_eigenvalue",
                            "ppca_sigma2_mle", "ppca_column_norms", "linear_vae_elbo"}
    for source in SOURCES.values():
        assert callable(source.sample) and callable(source.reference)


@pytest.mark.parametrize("backend", ["numpy", "torch"])
@pytest.mark.parametrize("name", sorted(SOURCES))
def test_builder_matches_its_reference_row_by_row(name: str, backend: str):
    source = SOURCES[name]
    for seed in SEEDS:
        args, kwargs = source.sample(np.random.default_rng(seed), ROWS)
        got = _evaluate(source, args, kwargs, backend)
        want = _reference(source, args, kwargs, ROWS)
        assert isinstance(got, np.ndarray) and got.shape == want.shape and got.shape[0] == ROWS
        for i in range(ROWS):
            assert within_round_trip_tolerance(got[i], want[i]), (
                f"{name} on {backend}, seed {seed}, row {i}: gap {round_trip_gap(got[i], want[i]):.3g}: "
                f"{got[i]} vs {want[i]}")


def test_samples_are_reproducible_and_sized():
    for name, source in SOURCES.items():
        (args, kwargs), (again, kwargs_again) = (source.sample(np.random.default_rng(7), 5) for _ in range(2))
        for a, b in zip((*args, *kwargs.values()), (*again, *kwargs_again.values()), strict=True):
            if isinstance(a, np.ndarray):
                assert a.shape[0] == 5 and np.array_equal(a, b), name
            else:
                assert isinstance(a, int) and a == b, name


def _references_over_seeds(name: str) -> list[tuple[tuple, dict, np.ndarray]]:
    source = SOURCES[name]
    out = []
    for seed in SEEDS:
        args, kwargs = source.sample(np.random.default_rng(seed), ROWS)
        out.append((args, kwargs, _reference(source, args, kwargs, ROWS)))
    return out


def test_samples_cover_the_regimes_and_branches():
    regimes = {int(r) for _, _, ref in _references_over_seeds("decoder_variance_regime") for r in ref}
    assert regimes == {0, 1, 2}
    # beta on both sides of the collapse thresholds: some rows keep every mode, some lose some
    alive_fraction = set()
    for args, kwargs, ref in _references_over_seeds("decoder_variance_surviving_modes"):
        zeta, d1 = args[0], kwargs["latent_dim"]
        nonzero = (zeta[:, :d1] > 0).sum(axis=-1)
        alive_fraction |= {"all" if a == m else "some" if a > 0 else "none" for a, m in zip(ref, nonzero, strict=True)
                           if m > 0}
    assert alive_fraction == {"all", "some", "none"}
    residuals = np.concatenate([kwargs["residual"] for _, kwargs, _ in _references_over_seeds("decoder_variance_G")])
    assert np.any(residuals == 0) and np.any(residuals > 0)
    sizes = {(kw["latent_dim"], kw["target_dim"]) for _, kw, _ in _references_over_seeds("decoder_variance_G")}
    assert len(sizes) >= 2
    # s on both sides of the breakpoints zeta_i^2 / beta: G' changes sign
    signs = {int(np.sign(v)) for _, _, ref in _references_over_seeds("decoder_variance_G_prime") for v in ref}
    assert {-1, 1} <= signs
    eigen_signs = {int(np.sign(v)) for _, _, ref in _references_over_seeds("origin_hessian_min_eigenvalue")
                   for v in ref}
    assert {-1, 1} <= eigen_signs
    ks = {kwargs["latent_dim"] for _, kwargs, _ in _references_over_seeds("ppca_column_norms")}
    assert len(ks) >= 2
    norms = np.concatenate([ref.ravel() for _, _, ref in _references_over_seeds("ppca_column_norms")])
    assert np.any(norms == 0) and np.any(norms > 0)
    spectra = [args[0] for args, _, _ in _references_over_seeds("decoder_variance_collapse_thresholds")]
    assert any(np.any(z == 0) for z in spectra)
    assert any(np.any((np.diff(z, axis=-1) == 0) & (z[:, 1:] > 0)) for z in spectra)  # ties among non-zero values


def _scaled(key: str, factor: float, shift: float = 0.0) -> Any:
    """A perturbation of the keyword ``key`` (x -> factor x + shift)."""
    return lambda args, kwargs: (args, {**kwargs, key: kwargs[key] * factor + shift})


PERTURBATIONS = {
    "decoder_variance_G": _scaled("beta", 1.01),
    "decoder_variance_G_prime": _scaled("beta", 1.01),
    "optimal_decoder_variance": _scaled("beta", 1.01),
    "decoder_variance_surviving_modes": _scaled("beta", 0.5),
    "decoder_variance_regime": _scaled("beta", 0.5),
    "decoder_variance_collapse_thresholds": _scaled("residual", 1.0, 0.01),
    "origin_hessian_min_eigenvalue": _scaled("beta", 1.01),
    "ppca_sigma2_mle": lambda args, kwargs: ((args[0] * 1.01,), kwargs),
    "ppca_column_norms": lambda args, kwargs: ((args[0] * 1.01,), kwargs),
    "linear_vae_elbo": _scaled("s", 1.01),
}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_the_tolerance_catches_a_perturbed_builder(name: str):
    """Negative control: the builder at a perturbed argument (e.g. beta * 1.01) is outside the tolerance of the
    reference at the sampled one."""
    source = SOURCES[name]
    args, kwargs = source.sample(np.random.default_rng(0), ROWS)
    want = _reference(source, args, kwargs, ROWS)
    perturbed = _evaluate(source, *PERTURBATIONS[name](args, kwargs), "numpy")
    assert round_trip_gap(perturbed, want) > ROUND_TRIP_RTOL
    assert not within_round_trip_tolerance(perturbed, want)


def test_the_tolerance_catches_a_perturbed_reference():
    """Negative control on the reference side: G with the partition's 2 pi dropped differs by (d2/2) log(2 pi)."""
    source = SOURCES["decoder_variance_G"]
    args, kwargs = source.sample(np.random.default_rng(0), ROWS)
    got = _evaluate(source, args, kwargs, "numpy")
    (zeta,), beta_values, s_values = args, kwargs["beta"], kwargs["s"]
    expr = dv_forms.G_expr(zeta.shape[-1], kwargs["latent_dim"], kwargs["target_dim"], partition_2pi=False)
    f = sp.lambdify([*dv_forms.zeta_symbols(zeta.shape[-1]), dv_forms.beta, dv_forms.s, dv_forms.c_sym], expr, "mpmath")
    with mpmath.workdps(REFERENCE_DPS):
        perturbed = np.array([float(f(*map(mpmath.mpf, (*zeta[i], beta_values[i], s_values[i],
                                                           kwargs["residual"][i])))) for i in range(ROWS)])
    assert not within_round_trip_tolerance(got, perturbed)


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_a_bad_backend_name_is_the_package_error(name: str):
    source = SOURCES[name]
    args, kwargs = source.sample(np.random.default_rng(0), 3)
    for bad in ("jax", "Torch", None, ["numpy"]):
        with pytest.raises(SymbolicVAEError, match="backend"):
            source.builder(*args, **kwargs, backend=bad)


@pytest.mark.slow
def test_torch_compiled_builder_matches_its_reference():
    source = SOURCES["origin_hessian_min_eigenvalue"]
    args, kwargs = source.sample(np.random.default_rng(0), ROWS)
    got = _evaluate(source, args, kwargs, "torch-compiled")
    want = _reference(source, args, kwargs, ROWS)
    assert got.dtype == np.float64 and got.shape == (ROWS,)
    for i in range(ROWS):
        assert within_round_trip_tolerance(got[i], want[i]), f"row {i}: {got[i]} vs {want[i]}"
    assert within_round_trip_tolerance(got, _evaluate(source, args, kwargs, "numpy"))
