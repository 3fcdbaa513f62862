"""Every public library entry point validates its arguments in one place, before any work, with the shared
validators of ``symbolic_vae._core.validation``: bad input raises ``SymbolicVAEError`` naming the argument as the user
wrote it; valid input inside the supported range gives finite, correct answers (the only non-finite values are the
documented ones: ``optimal_decoder_variance`` is NaN where G has no minimizer)."""

from __future__ import annotations

import itertools
import math
import re
import warnings
from typing import Any

import mpmath
import numpy as np
import pytest
from public_entries import (
    BAD,
    BROADCAST_KINDS,
    CASES,
    ENTRIES,
    MESSAGE,
    PER_MODE,
    SOURCES,
    ZETA,
    built_kernel,
    call_entry,
    dataset,
)

import symbolic_vae as sv
from symbolic_vae import DecoderVarianceRegime, SymbolicVAEError, collapse_threshold, kernel, thresholds
from symbolic_vae._core import validation as val
from symbolic_vae._report.thresholds import thresholds_from_files

UNIT = {"beta": 1.0, "eta_enc": 1.0, "eta_dec": 1.0}


@pytest.fixture(scope="module")
def kernels() -> dict[str, Any]:
    """Every kernel, built once (the first build in a process computes its claim's verdict)."""
    return {name: built_kernel(name) for name in SOURCES}



# ----------------------------------------------------------------------------------------------------------------
# The reproducers
# ----------------------------------------------------------------------------------------------------------------
def test_nan_in_a_scalar_the_kernel_does_not_use_is_rejected(kernels):
    """mode_survives_thm1 takes (zeta, beta, eta_dec) only; a NaN eta_enc used to pass unnoticed."""
    with pytest.raises(SymbolicVAEError, match="^eta_enc"):
        kernels["mode_survives_thm1"](ZETA, beta=1, eta_enc=float("nan"), eta_dec=1)
    with pytest.raises(SymbolicVAEError, match="^eta_dec"):
        kernels["mode_survives_thm1"](ZETA, beta=1, eta_enc=1, eta_dec=float("nan"))
    with pytest.raises(SymbolicVAEError, match="^eta_enc: missing keyword-only argument"):
        kernels["mode_survives_thm1"](ZETA, beta=1, eta_dec=1)  # required of every per-mode kernel


def test_a_string_scalar_is_the_package_error_naming_it(kernels):
    with pytest.raises(SymbolicVAEError, match="^beta: .*string 'abc'") as info:
        kernels["sigma_star"](ZETA, beta="abc", eta_enc=1, eta_dec=1)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("name", ["sigma_star", "mode_loss", "lambda_fixed_sigma", "decoder_variance_G",
                                  "origin_hessian_min_eigenvalue", "linear_vae_elbo"])
def test_torch_tensors_requiring_grad_are_detached(kernels, name):
    torch = pytest.importorskip("torch")
    args, kwargs = SOURCES[name].sample(np.random.default_rng(3), 6)

    def grad(x: Any) -> Any:
        return (torch.tensor(np.ascontiguousarray(x), dtype=torch.float64, requires_grad=True)
                if isinstance(x, np.ndarray) else x)

    want = kernels[name](*args, **kwargs)
    got = kernels[name](*map(grad, args), **{k: grad(x) for k, x in kwargs.items()})
    assert isinstance(got, np.ndarray)
    np.testing.assert_array_equal(got, want)
    zeta = torch.tensor(ZETA, requires_grad=True)
    one = torch.tensor(1.0, requires_grad=True)
    np.testing.assert_array_equal(sv.surviving_modes(zeta, beta=one, eta_enc=one, eta_dec=one),
                                  sv.surviving_modes(ZETA, **UNIT))
    np.testing.assert_array_equal(sv.minimal_loss(zeta, beta=one, eta_enc=1.0, eta_dec=one, residual=one),
                                  sv.minimal_loss(ZETA, **UNIT, residual=1.0))


@pytest.mark.parametrize("bad", [2.7, float("inf"), 3.0, True, "2", None, 0, -1, 10**18])
def test_latent_dim_is_an_integer_in_range_never_truncated(bad):
    if bad is None:  # None means "d1 = d" for these entry points: valid
        assert sv.surviving_modes(ZETA, **UNIT, latent_dim=bad).shape == (2,)
        return
    for entry in (lambda: sv.surviving_modes(ZETA, **UNIT, latent_dim=bad),
                  lambda: sv.minimal_loss(ZETA, **UNIT, latent_dim=bad),
                  lambda: sv.per_latent("sigma_star")(ZETA, **UNIT, latent_dim=bad)):
        with pytest.raises(SymbolicVAEError, match="latent_dim"):
            entry()


def test_huge_sizes_are_rejected_before_any_allocation(kernels):
    with pytest.raises(SymbolicVAEError, match=f"^latent_dim: .*\\[1, {val.MAX_DIMENSION}\\]"):
        kernels["decoder_variance_collapse_thresholds"](ZETA, latent_dim=10**18, target_dim=3)
    with pytest.raises(SymbolicVAEError, match="^target_dim: "):
        kernels["optimal_decoder_variance"](ZETA, beta=1.0, latent_dim=2, target_dim=float("inf"))
    with pytest.raises(SymbolicVAEError, match="^latent_dim: .*output"):  # within MAX_DIMENSION, but [1000, 1e5] is big
        kernels["decoder_variance_collapse_thresholds"](np.ones((1000, 3)), latent_dim=val.MAX_DIMENSION, target_dim=3)
    with pytest.raises(SymbolicVAEError, match="^latent_dim: .*output"):
        sv.surviving_modes(np.ones((1000, 3)), **UNIT, latent_dim=val.MAX_DIMENSION)


def test_whiten_huge_data_is_computed_in_scaled_form():
    X = np.random.default_rng(0).normal(size=(20, 3))
    small, big = sv.whiten(X), sv.whiten(X * 1e154)
    np.testing.assert_allclose(big.zeta / 1e154, small.zeta, rtol=1e-13)
    np.testing.assert_allclose(np.abs(big.P_A), np.abs(small.P_A), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(big.phi / 1e308, small.phi, rtol=1e-13)
    assert all(np.isfinite(a).all() for a in (big.A, big.B, big.S_yy, big.Z))
    tiny = sv.whiten(X * 1e-150, X[:, :2] * 1e30, center=True)
    np.testing.assert_allclose(tiny.zeta / 1e30, sv.whiten(X, X[:, :2], center=True).zeta, rtol=1e-13)
    with pytest.raises(SymbolicVAEError, match=r"^X: .*overflow.*1e\+154"):
        sv.whiten(X * 1e200)
    with pytest.raises(SymbolicVAEError, match=r"^Y: .*overflow.*1e\+154"):
        sv.whiten(X, X * 1e200)
    with pytest.raises(SymbolicVAEError, match="^X: .*smallest normal"):
        sv.whiten(X * 1e-300)


def test_thresholds_on_huge_data_are_correct_or_name_the_supported_range():
    X = dataset()
    base = thresholds(X, learnable=False)
    scaled = thresholds(X * 1e10, learnable=False)  # zeta scales with the data, collapse beta with zeta^2
    np.testing.assert_allclose(scaled.zeta, base.zeta * 1e10, rtol=1e-12)
    np.testing.assert_allclose(scaled.collapse_beta, base.collapse_beta * 1e20, rtol=1e-12)
    assert np.isfinite(scaled.sigma_star).all()
    tiny = thresholds(X * 1e-100, learnable=False, eta_dec_value=1e-20)  # relative rank and residual rules
    np.testing.assert_allclose(tiny.zeta, base.zeta * 1e-100, rtol=1e-12)
    np.testing.assert_allclose(tiny.collapse_beta, base.collapse_beta * 1e-160, rtol=1e-12)
    assert tiny.rank == base.rank and tiny.residual == 0.0
    noisy = thresholds(X, X[:, :2] + np.random.default_rng(5).normal(size=(40, 2)), learnable=False)
    noisy_tiny = thresholds(X, (X[:, :2] + np.random.default_rng(5).normal(size=(40, 2))) * 1e-100, learnable=False)
    np.testing.assert_allclose(noisy_tiny.residual, noisy.residual * 1e-200, rtol=1e-10)
    with pytest.raises(SymbolicVAEError, match=r"^X: .*1e\+154"):
        thresholds(X * 1e200)
    with pytest.raises(SymbolicVAEError, match=r"^X: .*above the supported range .*1e\+30"):
        thresholds(X * 1e100)
    with pytest.raises(SymbolicVAEError, match=r"^Y: .*above the supported range .*1e\+30"):
        thresholds(X, X[:, :2] * 1e100)
    with pytest.raises(SymbolicVAEError, match=r"^Y: .*below the supported 1e-150"):
        thresholds(X, X[:, :2] * 1e-160)
    with pytest.raises(SymbolicVAEError, match=r"^Y: the residual .*above the supported 1e\+60"):
        X2 = dataset(n=400)  # y's second column: noise of scale 2e30, barely correlated with x
        thresholds(X2, np.column_stack([X2[:, 0], np.random.default_rng(2).normal(size=400) * 2e30]))


def test_mode_loss_no_overflow_or_cancellation(kernels):
    with pytest.raises(SymbolicVAEError, match=r"^zeta: got 1e\+160 .*supported range of spectra \[0, 1e\+30\]"):
        kernels["mode_loss"](np.array([[1e160, 1, 0.5]]), beta=1, eta_enc=1, eta_dec=1)
    # l(zeta) = beta eta_dec^2 (1 - log(beta eta_dec^2 / zeta^2)) for a surviving mode; its old form zeta^2 -
    # zeta^2 (x / zeta^2 + 1) lost every digit of x once zeta^2 / x > 1e16
    got = kernels["mode_loss"](np.array([[1e30, 1e15, 1e8, 1.0]]), **UNIT)
    want = [1 + 60 * math.log(10), 1 + 30 * math.log(10), 1 + 16 * math.log(10), 1.0]
    np.testing.assert_allclose(got[0], want, rtol=1e-14)


def test_no_minimizer_is_nan_and_the_regime_is_named(kernels):
    zeta = np.array([[5.12, 3.74, 3.25, 2.84, 2.57]])
    betas = np.array([0.5, 1.0, 3.0])
    s_star = kernels["optimal_decoder_variance"](zeta, beta=betas, latent_dim=5, target_dim=5)
    regime = kernels["decoder_variance_regime"](zeta, beta=betas, latent_dim=5, target_dim=5)
    assert [DecoderVarianceRegime(r).name for r in regime] == ["NO_MINIMIZER", "INTERVAL", "UNIQUE"]
    assert np.isnan(s_star[0]) and np.isfinite(s_star[1:]).all()
    np.testing.assert_allclose(s_star[1:], [2.57**2, np.sum(zeta**2) / 5], rtol=1e-14)
    assert "NaN" in SOURCES["optimal_decoder_variance"].description
    assert "NO_MINIMIZER" in SOURCES["decoder_variance_regime"].description
    report = thresholds(np.random.default_rng(1).normal(size=(30, 3)), beta_value=0.5).to_json()
    assert report["learnable_eta_dec"]["regime"] == "NO_MINIMIZER"  # y = x, d1 = d2: fits exactly at beta < 1
    assert report["learnable_eta_dec"]["eta_dec2_star"] is None


def test_a_tie_at_the_interval_regime_never_divides_by_zero(kernels):
    """beta hat d_1 = d2 with c = 0 (here beta = 1, d1 = d2 = 3, y = x): the condition of the last branch of s* used
    to round the wrong way for non-dyadic zeta, leaving R / (d2 - beta d1) = 0 / 0."""
    zeta = np.array([[1.0, 1.0, 0.1], [5.12, 3.74, 3.25], [0.3, 0.2, 0.1]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sizes = {"beta": 1.0, "latent_dim": 3, "target_dim": 3}
        s_star = kernels["optimal_decoder_variance"](zeta, **sizes)
        alive = kernels["decoder_variance_surviving_modes"](zeta, **sizes)
        regime = kernels["decoder_variance_regime"](zeta, **sizes)
    np.testing.assert_allclose(s_star, zeta[:, -1] ** 2, rtol=1e-15)  # the right end s_(hat d_1) = zeta_3^2 / beta
    assert alive.tolist() == [2, 2, 2] and (regime == DecoderVarianceRegime.INTERVAL).all()


# ----------------------------------------------------------------------------------------------------------------
# Bad input, entry point by entry point
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("entry", sorted(ENTRIES))
def test_valid_input_of_every_entry_gives_a_finite_answer(kernels, entry):
    out = call_entry(entry)
    if entry == "thresholds":
        out = out.collapse_beta
    elif entry == "whiten":
        out = out.zeta
    elif entry == "diagnose":
        out = [value for unit in out.units for value in (unit.kl, unit.mean_variance, unit.collapse_beta)]
    assert np.isfinite(np.asarray(out, dtype=np.float64)).all(), (entry, out)


def _bad(valid: Any, kind: str, label: str) -> Any:
    bad = BAD[kind][label]
    if (kind in BROADCAST_KINDS and isinstance(valid, np.ndarray) and valid.ndim
            and isinstance(bad, (int, float)) and not isinstance(bad, bool)):
        return np.full(valid.shape, bad)
    return bad


@pytest.mark.parametrize(("entry", "position", "label"), CASES,
                         ids=[f"{e}-{ENTRIES[e][1][i][0]}-{lab}" for e, i, lab in CASES])
def test_bad_input_names_the_argument(kernels, entry, position, label):
    name, valid, kind, _ = ENTRIES[entry][1][position]
    with pytest.raises(SymbolicVAEError, match=f"^{name}: ") as info:
        call_entry(entry, {position: _bad(valid, kind, label)})
    if label in MESSAGE and kind != "size":
        assert re.search(MESSAGE[label], str(info.value)), str(info.value)


@pytest.mark.parametrize(("entry", "name", "other", "value"), [
    ("kernel(sigma_star)", "beta", "zeta", np.ones(3)),
    ("kernel(lambda_fixed_sigma)", "sigma", "zeta", np.ones((2, 2))),
    ("kernel(decoder_variance_G)", "s", "zeta", np.ones(3)),
    ("kernel(origin_hessian_min_eigenvalue)", "sigma2", "zeta", np.ones((3, 2))),
    ("kernel(linear_vae_elbo)", "W", "eigenvalues", np.ones((3, 3, 2))),
    ("minimal_loss", "residual", "zeta", np.ones(3)),
    ("thresholds", "Y", "X", np.ones((7, 2))),
    ("vae_loss", "W", "U", np.ones((3, 2))),
])
def test_mismatched_shapes_name_both_arguments(kernels, entry, name, other, value):
    position = next(i for i, arg in enumerate(ENTRIES[entry][1]) if arg[0] == name)
    with pytest.raises(SymbolicVAEError, match=f"^{name}: .*{other}"):
        call_entry(entry, {position: value})


def test_kernel_and_backend_names():
    for bad in ("no_such_kernel", 3, None, ["sigma_star"]):
        with pytest.raises(SymbolicVAEError, match="^name: unknown name"):
            kernel(bad)
    for bad in ("jax", None, 1, ["numpy"]):
        with pytest.raises(SymbolicVAEError, match="^backend: "):
            kernel("sigma_star", bad)
        with pytest.raises(SymbolicVAEError, match="^backend: "):
            sv.minimal_loss(ZETA, **UNIT, backend=bad)
    with pytest.raises(SymbolicVAEError, match="^backend: .*built for"):
        kernel("decoder_variance_G")(ZETA, beta=1.0, latent_dim=2, target_dim=4, s=1.0, backend="torch")
    with pytest.raises(SymbolicVAEError, match="^name: .*spectrum-level"):
        sv.per_latent("decoder_variance_G")
    with pytest.raises(SymbolicVAEError, match="^sigma: missing keyword-only argument"):
        kernel("lambda_fixed_sigma")(ZETA, **UNIT)
    with pytest.raises(SymbolicVAEError, match="^tau: not an argument"):
        kernel("sigma_star")(ZETA, **UNIT, tau=1.0)


def test_library_messages_never_name_cli_flags():
    X = dataset()
    messages = []
    for call in (lambda: thresholds(X, np.ones((3, 2))), lambda: thresholds(X, beta_value=-1.0),
                 lambda: thresholds(X, latent_dim=2.5), lambda: thresholds(np.ones((5, 3))),
                 lambda: thresholds_from_files(None, "y.npy")):
        with pytest.raises(SymbolicVAEError) as info:
            call()
        messages.append(str(info.value))
    assert not [m for m in messages if "--" in m or "DATA" in m], messages
    assert [m.split(":")[0] for m in messages] == ["Y", "beta_value", "latent_dim", "X", "targets"]


# ----------------------------------------------------------------------------------------------------------------
# Valid input: finite and correct
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("backend", ["numpy", "torch"])
def test_every_kernel_is_finite_on_its_samples(backend):
    if backend == "torch":
        pytest.importorskip("torch")
    for name, source in SOURCES.items():
        k = kernel(name, backend)
        for seed in range(3):
            args, kwargs = source.sample(np.random.default_rng(seed), 16)
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                out = k(*args, **kwargs)
            assert np.isfinite(out).all(), (name, backend, seed, out)


LINEAR = (1e-30, 1.0, 1e30)
SPECTRUM_VALUES = (0.0, 1e-150, 1e-30, 1.0, 1e30)
CORNER_SPECTRA = np.array(sorted({tuple(sorted(c, reverse=True)) for c in itertools.product(SPECTRUM_VALUES,
                                                                                               repeat=3)}))


def test_per_mode_kernels_are_finite_at_the_ends_of_the_range(kernels):
    n = len(CORNER_SPECTRA)
    for name in PER_MODE:
        k = kernels[name]
        for b, e1, e2, sig in itertools.product(LINEAR, repeat=4):
            extra = {"sigma": np.full((n, 3), sig)} if "sigma" in {a.name for a in k.args} else {}
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                out = k(CORNER_SPECTRA, beta=b, eta_enc=e1, eta_dec=e2, **extra)
            assert np.isfinite(out).all(), (name, b, e1, e2, sig)


def test_spectrum_kernels_are_finite_at_the_ends_of_the_range(kernels):
    n = len(CORNER_SPECTRA)
    for b, c, s in itertools.product(LINEAR, (0.0, 1e-60, 1.0, 1e60), (1e-60, 1.0, 1e60)):
        for d1, d2 in ((2, 4), (3, 3), (4, 4)):
            sizes = {"latent_dim": d1, "target_dim": d2, "residual": c}
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                outs = {name: kernels[name](CORNER_SPECTRA, beta=b, s=s, **sizes)
                        for name in ("decoder_variance_G", "decoder_variance_G_prime")}
                outs |= {name: kernels[name](CORNER_SPECTRA, beta=b, **sizes)
                         for name in ("decoder_variance_surviving_modes", "decoder_variance_regime")}
                outs["thresholds"] = kernels["decoder_variance_collapse_thresholds"](CORNER_SPECTRA, **sizes)
                s_star = kernels["optimal_decoder_variance"](CORNER_SPECTRA, beta=b, **sizes)
            for name, out in outs.items():
                assert np.isfinite(out).all(), (name, b, c, s, d1, d2)
            none = outs["decoder_variance_regime"] == DecoderVarianceRegime.NO_MINIMIZER
            assert np.array_equal(np.isnan(s_star), none) and (s_star[~none] >= 0).all(), (b, c, d1, d2)
    hessian = kernels["origin_hessian_min_eigenvalue"]
    for s2, b, e1, e2 in itertools.product((1e-60, 1.0, 1e60), LINEAR, LINEAR, LINEAR):
        out = hessian(CORNER_SPECTRA, sigma2=np.full((n, 2), s2), beta=b, eta_enc=e1, eta_dec=e2)
        assert np.isfinite(out).all(), (s2, b, e1, e2)
    eigen = np.array(sorted({tuple(sorted(c, reverse=True)) for c in itertools.product((0.0, 1e-300, 1.0, 1e60),
                                                                                          repeat=4)}))
    for k in (1, 2, 3):
        assert np.isfinite(kernels["ppca_sigma2_mle"](eigen, latent_dim=k)).all()
        assert np.isfinite(kernels["ppca_column_norms"](eigen, latent_dim=k)).all()
    m = len(eigen)
    for scale, var in itertools.product((1e-30, 1.0, 1e30), (1e-60, 1.0, 1e60)):
        W, V = np.full((m, 4, 2), scale * 0.5), np.full((m, 2, 4), -scale * 0.5)
        assert np.isfinite(kernels["linear_vae_elbo"](eigen, W=W, V=V, D=np.full((m, 2), var), s=var)).all()


def test_the_origin_hessian_has_no_cancellation(kernels):
    """zeta = 0: the smallest eigenvalue is 2 min(sigma_min^2, kappa); the closed form as written returns 0 once the
    two differ by 1e16 (kappa = beta eta_dec^2 / eta_enc^2)."""
    got = kernels["origin_hessian_min_eigenvalue"](np.zeros((3, 2)), sigma2=np.array([[1.0], [1e-40], [3.0]]),
                                                   beta=np.array([1e20, 1e20, 1e-20]), eta_enc=1.0, eta_dec=1.0)
    np.testing.assert_allclose(got, [2.0, 2e-40, 2e-20], rtol=1e-14)
    zeta_max, a, kap = 1e10, 1e-5, 1e20  # a kappa - zeta_max^2 = 1e15 - 1e20 < 0
    got = kernels["origin_hessian_min_eigenvalue"](np.array([zeta_max]), sigma2=np.array([a]), beta=kap,
                                                   eta_enc=1.0, eta_dec=1.0)
    with mpmath.workdps(60):
        a_, k_, z_ = map(mpmath.mpf, (a, kap, zeta_max))
        want = float(a_ + k_ - mpmath.sqrt((a_ - k_) ** 2 + 4 * z_**2))
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_valid_values_match_hand_computations(kernels):
    z = np.array([[2.0, 1.0]])
    loss = sv.minimal_loss(z, **UNIT, latent_dim=1, residual=0.5)
    np.testing.assert_allclose(loss, [(1 + math.log(4) + 1 + 0.5) / 2], rtol=1e-14)
    np.testing.assert_allclose(sv.per_latent("sigma_star")(z, beta=1.0, eta_enc=1.5, eta_dec=1.0, latent_dim=3),
                               [[0.75, 1.5, 1.5]])
    np.testing.assert_allclose(sv.per_latent("lambda_fixed_sigma")(z, **UNIT, latent_dim=3,
                                                                     sigma=np.array([0.5, 0.5, 2.0])),
                               [[math.sqrt(2 * (2 - 0.5)), math.sqrt(2 * (1 - 0.5)), 0.0]], rtol=1e-14)
    assert sv.surviving_modes(z, beta=1.0, eta_enc=1.0, eta_dec=0.9, latent_dim=5).tolist() == [2]
    np.testing.assert_allclose(kernels["decoder_variance_collapse_thresholds"](z, latent_dim=3, target_dim=2,
                                                                               residual=0.5),
                               [[2 * 4 / (4 + 1 + 0.5), 2 * 1 / (2 + 0.5), 0.0]], rtol=1e-14)
    np.testing.assert_allclose(kernels["ppca_sigma2_mle"](np.array([4.0, 3.0, 1.0, 0.5]), latent_dim=2), 0.75)
    U, W, A, S = np.zeros((2, 1)), np.zeros((3, 1)), np.eye(3), np.diag([3.0, 1.0])
    got = sv.vae_loss(U, W, [1.2], A=A, B=np.zeros((3, 2)), S_yy=S, beta=1.0, eta_enc=1.2, eta_dec=0.5)
    np.testing.assert_allclose(got, 4.0 / (2 * 0.25) + math.log(2 * math.pi * 0.25), rtol=1e-14)
    np.testing.assert_allclose(sv.check_spectrum([[3, 2, 2, 0]]), [[3.0, 2.0, 2.0, 0.0]])
    t = collapse_threshold()
    np.testing.assert_allclose(t(z, eta_enc=1.0, eta_dec=0.5), z**2 / 0.25)
    assert t.survives(1.0, np.array([2.0, 1.0])).tolist() == [True, False]


@pytest.mark.parametrize("label", [3, "", None, b"zeta"])
def test_check_spectrum_names_a_bad_label(label):
    """``name`` is only the label of its messages, but a label that is not a non-empty string is refused, by name."""
    with pytest.raises(sv.SymbolicVAEError, match=r"^name: expected .* non-empty string"):
        sv.check_spectrum([2.0, 1.0], name=label)
    with pytest.raises(sv.SymbolicVAEError, match=r"^spectrum_of_x: "):
        sv.check_spectrum([1.0, 2.0], name="spectrum_of_x")


NOT_IN_TABLE = {
    ("check_spectrum", "name"): "the label its messages use, not a value it computes with; tested by "
                                "test_check_spectrum_names_a_bad_label",
    ("minimal_loss", "backend"): "a choice of backend, tested by test_an_unknown_backend_is_named",
    ("surviving_modes", "backend"): "a choice of backend, tested by test_an_unknown_backend_is_named",
}
"""Parameters of the table's functions that the table leaves out, each with the reason."""


def _signature_entries() -> list[str]:
    """The entries that are the library's functions themselves (not wrappers built in the table)."""
    return sorted(e for e, (fn, _) in ENTRIES.items() if getattr(fn, "__name__", "<lambda>") != "<lambda>")


@pytest.mark.parametrize("entry", _signature_entries())
def test_the_entry_table_matches_each_function_signature(entry):
    """The shared table is checked against the functions it describes: its argument names are the function's
    parameters in order, each passed by keyword exactly when the signature makes it keyword-only, and every
    parameter it leaves out is declared in NOT_IN_TABLE with a reason (so a new argument cannot escape the
    bad-input and fuzz tests unnoticed)."""
    import inspect

    fn, args = ENTRIES[entry]
    params = {n: p for n, p in inspect.signature(fn).parameters.items()
              if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
    tabled = [a[0] for a in args]
    assert tabled == [n for n in params if n in tabled], entry  # known names, in the signature's order
    assert {n for n in params if n not in tabled} == {n for e, n in NOT_IN_TABLE if e == entry}, entry
    for name, _, _, by_keyword in args:
        assert by_keyword == (params[name].kind is inspect.Parameter.KEYWORD_ONLY), (entry, name)


@pytest.mark.parametrize("entry", ["minimal_loss", "surviving_modes"])
@pytest.mark.parametrize("backend", ["cuda", 3, None])
def test_an_unknown_backend_is_named(entry, backend):
    fn, args = ENTRIES[entry]
    with pytest.raises(SymbolicVAEError, match="backend: expected one of"):
        fn(args[0][1], **{name: value for name, value, _, kw in args if kw}, backend=backend)
