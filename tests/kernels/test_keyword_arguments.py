"""One calling convention for every kernel: the spectrum (zeta, or the eigenvalues) is the only positional argument
and everything else is keyword-only, with one name per quantity. A positional value after the spectrum, a missing
keyword and an unknown one are ``SymbolicVAEError`` naming the argument (never a bare TypeError), and the keyword
call computes the kernel's mpmath reference."""

from __future__ import annotations

import inspect
import re
from typing import Any

import mpmath
import numpy as np
import pytest

import symbolic_vae as sv
from numeric_backend import round_trip_gap, within_round_trip_tolerance
from symbolic_vae import SymbolicVAEError

SOURCES = sv.kernel_sources()
NAMES = sorted(SOURCES)
SHARED = {"beta", "eta_enc", "eta_dec", "latent_dim", "target_dim", "s", "sigma2", "sigma", "residual", "partition"}
"""The keyword names shared by the kernels (one per quantity)."""
OWN = {"linear_vae_elbo": {"W", "V", "D"}}
"""Keywords of one kernel only (the linear VAE's parameters)."""
ROWS = 6
ZETA = np.array([[2.0, 1.0, 0.5], [1.5, 1.5, 0.0]])
SCALARS = {"beta": 1.0, "eta_enc": 1.3, "eta_dec": 0.8}


@pytest.fixture(scope="module")
def kernels() -> dict[str, Any]:
    """Every kernel, built once (the first build in a process computes its claim's verdict)."""
    return {name: sv.kernel(name) for name in NAMES}


def _sample(name: str, seed: int = 0, n: int = ROWS) -> tuple[Any, dict[str, Any]]:
    """A batch of the kernel's own sample: (spectrum, keywords)."""
    args, kwargs = SOURCES[name].sample(np.random.default_rng(seed), n)
    assert len(args) == 1, f"{name}: the sample gives {len(args)} positional arguments, not the spectrum alone"
    return args[0], kwargs


def _required(kernel: Any) -> list[str]:
    return [p.name for p in list(inspect.signature(kernel).parameters.values())[1:] if p.default is p.empty]


@pytest.mark.parametrize("name", NAMES)
def test_the_spectrum_is_the_only_positional_argument_and_the_names_are_shared(kernels, name):
    parameters = list(inspect.signature(kernels[name]).parameters.values())
    assert parameters[0].name == ("eigenvalues" if name.startswith(("ppca", "linear_vae")) else "zeta")
    assert parameters[0].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters[1:]), parameters
    keywords = {p.name for p in parameters[1:]}
    assert keywords <= SHARED | OWN.get(name, set()), keywords - SHARED
    spectrum, kwargs = _sample(name)
    assert set(kwargs) <= keywords and set(_required(kernels[name])) <= set(kwargs)
    reference = inspect.signature(SOURCES[name].reference).parameters.values()  # per-mode: extras as **kwargs
    assert all(p.kind in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.VAR_KEYWORD) for p in list(reference)[1:])


@pytest.mark.parametrize("name", NAMES)
def test_a_positional_value_after_the_spectrum_is_refused_naming_it(kernels, name):
    spectrum, kwargs = _sample(name)
    first, *rest = _required(kernels[name])
    with pytest.raises(SymbolicVAEError, match=f"^{first}: keyword-only argument of kernel {name} .*; call "
                                               rf"kernel\(") as info:
        kernels[name](spectrum, kwargs[first], **{k: v for k, v in kwargs.items() if k != first})
    assert isinstance(info.value, ValueError) and not isinstance(info.value, TypeError)
    # every positional value is named, in the kernel's order, and the call to write instead is shown
    required = _required(kernels[name])
    with pytest.raises(SymbolicVAEError, match=f"^{re.escape(', '.join(required))}: keyword-only arguments? ") as info:
        kernels[name](spectrum, *(kwargs[k] for k in required))
    spectrum_name = next(iter(inspect.signature(kernels[name]).parameters))
    usage = f"call kernel({', '.join([spectrum_name, *(f'{k}=...' for k in required)])})"
    assert str(info.value).endswith(usage), str(info.value)


@pytest.mark.parametrize("name", NAMES)
def test_a_missing_keyword_is_refused_naming_it(kernels, name):
    spectrum, kwargs = _sample(name)
    for missing in _required(kernels[name]):
        with pytest.raises(SymbolicVAEError, match=f"^{missing}: missing keyword-only argument of kernel {name}"):
            kernels[name](spectrum, **{k: v for k, v in kwargs.items() if k != missing})
    with pytest.raises(SymbolicVAEError, match=r"^(zeta|eigenvalues): missing, the spectrum"):
        kernels[name](**kwargs)


@pytest.mark.parametrize("name", NAMES)
def test_an_unknown_keyword_is_refused_naming_it_and_the_accepted_ones(kernels, name):
    spectrum, kwargs = _sample(name)
    with pytest.raises(SymbolicVAEError, match=f"^tau: not an argument of kernel {name} ") as info:
        kernels[name](spectrum, **kwargs, tau=1.0)
    accepted = list(inspect.signature(kernels[name]).parameters)[1:]
    assert all(re.search(rf"\b{k}\b", str(info.value)) for k in accepted), str(info.value)


def test_an_old_name_is_refused_with_the_keyword_that_holds_it(kernels):
    with pytest.raises(SymbolicVAEError, match=r"^d1, d2: not an argument .*did you mean d1 -> latent_dim, "
                                               r"d2 -> target_dim\?"):
        kernels["decoder_variance_G"](ZETA, beta=1.0, d1=2, d2=4, s=0.7)
    with pytest.raises(SymbolicVAEError, match=r"^k: not an argument .*did you mean k -> latent_dim\?"):
        kernels["ppca_sigma2_mle"](np.array([3.0, 2.0, 1.0]), k=1)


@pytest.mark.parametrize("name", NAMES)
def test_the_keyword_call_computes_the_mpmath_reference(kernels, name):
    source = SOURCES[name]
    for seed in (0, 1):
        spectrum, kwargs = _sample(name, seed)
        got = np.asarray(kernels[name](spectrum, **kwargs), dtype=np.float64)
        with mpmath.workdps(30):
            want = np.array([source.reference(spectrum[i].tolist(), **{
                k: (v[i].tolist() if isinstance(v, np.ndarray) else v) for k, v in kwargs.items()})
                for i in range(ROWS)], dtype=np.float64)
        assert got.shape == want.shape
        assert within_round_trip_tolerance(got, want), f"{name}, seed {seed}: gap {round_trip_gap(got, want):.3g}"


def test_the_spectrum_may_be_passed_by_keyword_but_not_twice(kernels):
    np.testing.assert_array_equal(kernels["sigma_star"](zeta=ZETA, **SCALARS), kernels["sigma_star"](ZETA, **SCALARS))
    with pytest.raises(SymbolicVAEError, match="^zeta: given both positionally and by keyword"):
        kernels["sigma_star"](ZETA, zeta=ZETA, **SCALARS)


def test_the_model_functions_take_the_same_keywords():
    """surviving_modes, minimal_loss, per_latent and collapse_threshold() follow the kernels' convention."""
    per_latent = sv.per_latent("sigma_star")
    threshold = sv.collapse_threshold()
    calls = {"surviving_modes": sv.surviving_modes, "minimal_loss": sv.minimal_loss,
             "per_latent(sigma_star)": per_latent}
    for label, function in calls.items():
        assert np.isfinite(function(ZETA, **SCALARS, latent_dim=2)).all()
        with pytest.raises(SymbolicVAEError, match=f"^beta, eta_enc, eta_dec: keyword-only arguments of "
                                                   f"{re.escape(label)} "):
            function(ZETA, 1.0, 1.3, 0.8)
        with pytest.raises(SymbolicVAEError, match=f"^eta_dec: missing keyword-only argument of {re.escape(label)}"):
            function(ZETA, beta=1.0, eta_enc=1.3)
        with pytest.raises(SymbolicVAEError, match=r"^beta_value: not an argument .*did you mean beta_value -> beta\?"):
            function(ZETA, beta_value=1.0, eta_enc=1.3, eta_dec=0.8)
    np.testing.assert_allclose(threshold(ZETA, eta_enc=1.0, eta_dec=0.5), ZETA**2 / 0.25)
    with pytest.raises(SymbolicVAEError, match=r"^eta_enc, eta_dec: keyword-only arguments of collapse_threshold\(\)"):
        threshold(ZETA, 1.0, 0.5)
    assert [p.name for p in inspect.signature(sv.surviving_modes).parameters.values()] == [
        "zeta", "beta", "eta_enc", "eta_dec", "latent_dim", "backend"]
    assert list(inspect.signature(per_latent).parameters) == ["zeta", "beta", "eta_enc", "eta_dec", "latent_dim"]


def test_every_per_mode_kernel_requires_the_three_scalars(kernels):
    """Also mode_survives_thm1, whose formula has no eta_enc: every per-mode kernel is called the same way, and each
    scalar is validated."""
    assert {a.name for a in SOURCES["mode_survives_thm1"].args} == {"zeta", "beta", "eta_dec"}
    np.testing.assert_array_equal(kernels["mode_survives_thm1"](ZETA, **SCALARS), [[1, 1, 0], [1, 1, 0]])
    with pytest.raises(SymbolicVAEError, match="^eta_enc: missing keyword-only argument of kernel mode_survives_thm1"):
        kernels["mode_survives_thm1"](ZETA, beta=1.0, eta_dec=0.8)
    with pytest.raises(SymbolicVAEError, match="^sigma: missing keyword-only argument of kernel lambda_fixed_sigma"):
        kernels["lambda_fixed_sigma"](ZETA, **SCALARS)
    out = kernels["lambda_fixed_sigma"](ZETA, **SCALARS, sigma=np.full(3, 0.5))
    assert out.shape == ZETA.shape and np.isfinite(out).all()


def test_the_same_quantity_has_the_same_name_and_value_across_kernels(kernels):
    """G(s) without its log-partition is minimal_loss at eta_dec = sqrt(s), and the modes alive at the optimal
    decoder variance s* (a unique minimizer here) are surviving_modes at eta_dec = sqrt(s*): beta, latent_dim,
    target_dim and residual mean the same in every call."""
    s = np.array([0.7, 1.3])
    at = {"beta": 0.9, "latent_dim": 2, "target_dim": 4, "residual": np.array([0.1, 0.3])}
    G = kernels["decoder_variance_G"](ZETA, **at, s=s, partition=False)
    loss = sv.minimal_loss(ZETA, beta=0.9, eta_enc=1.0, eta_dec=np.sqrt(s), latent_dim=2, residual=at["residual"])
    np.testing.assert_allclose(G, loss, rtol=1e-12)
    assert (kernels["decoder_variance_regime"](ZETA, **at) == sv.DecoderVarianceRegime.UNIQUE).all()
    s_star = kernels["optimal_decoder_variance"](ZETA, **at)
    alive = kernels["decoder_variance_surviving_modes"](ZETA, **at)
    fixed = sv.surviving_modes(ZETA, beta=0.9, eta_enc=1.0, eta_dec=np.sqrt(s_star), latent_dim=2)
    np.testing.assert_array_equal(alive, fixed)
