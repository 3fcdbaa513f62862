import warnings

import mpmath
import numpy as np
import pytest
import sympy as sp
from helpers import assert_close

from symbolic_vae import (
    Status,
    SymbolicVAEError,
    beta,
    eta_dec,
    eta_enc,
    kernel,
    kernel_sources,
    minimal_loss,
    per_latent,
    surviving_modes,
)
from symbolic_vae._engine.ground_truth import Instances, minimize_vae_loss
from symbolic_vae._kernels import build as _kernels
from symbolic_vae._kernels.build import KernelSource

PER_MODE = ["lambda_star", "theta_star", "sigma_star", "mode_loss", "mode_survives"]


@pytest.fixture(scope="module")
def spectra():
    rng = np.random.default_rng(4)
    zeta = -np.sort(-rng.uniform(0, 3, size=(50, 5)), axis=-1)
    zeta[:5, -2:] = 0.0
    zeta[5:10, 1] = zeta[5:10, 0]
    return zeta, rng.uniform(0.2, 3, 50), rng.uniform(0.5, 2, 50), rng.uniform(0.5, 2, 50)


@pytest.mark.parametrize("name", PER_MODE)
def test_kernel_matches_mpmath_without_warnings(name, spectra):
    k = kernel(name)
    assert k.status.passed and k.claim
    zeta, b, e1, e2 = spectra
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = k(zeta, beta=b, eta_enc=e1, eta_dec=e2)
    assert out.shape == zeta.shape
    f = sp.lambdify(k.args, k.expr, "mpmath")
    with mpmath.workdps(30):
        ref = np.array([[float(f(z, b[i], e1[i], e2[i])) for z in zeta[i]] for i in range(len(b))])
    assert_close(out, ref)


def test_kernel_negative_control_wrong_expression_is_caught(spectra):
    k = kernel("lambda_star")
    zeta, b, e1, e2 = spectra
    wrong = sp.lambdify(k.args, 2 * k.expr, "mpmath")
    ref = np.array([[float(wrong(z, b[i], e1[i], e2[i])) for z in zeta[i]] for i in range(len(b))])
    with pytest.raises(AssertionError):
        assert_close(k(zeta, beta=b, eta_enc=e1, eta_dec=e2), ref)


def test_minimal_loss_and_surviving_modes_match_the_ground_truth():
    rng = np.random.default_rng(8)
    zeta = np.array([[2.0, 1.5, 0.5], [1.2, 1.2, 0.0], [3.0, 0.4, 0.1]])
    betas, e_enc, e_dec = np.array([1.0, 0.5, 2.25]), np.array([1.3, 0.7, 1.0]), np.array([0.8, 1.1, 1.0])
    d = 3
    A, B, S = [], [], []
    for z in zeta:
        P, _ = np.linalg.qr(rng.normal(size=(d, d)))
        F, _ = np.linalg.qr(rng.normal(size=(d, d)))
        phi = rng.uniform(0.5, 2, d)
        Zm = F @ np.diag(z) @ P.T
        A.append(P @ np.diag(phi) @ P.T)
        B.append(P @ np.diag(np.sqrt(phi)) @ Zm.T)
        S.append(Zm @ Zm.T)
    inst = Instances(np.array(A), np.array(B), np.array(S), np.stack([np.eye(2)] * 3), betas, e_enc, e_dec)
    truth = minimize_vae_loss(inst, learn_sigma=True, n_starts=6, seed=3)
    ours = minimal_loss(zeta, beta=betas, eta_enc=e_enc, eta_dec=e_dec, latent_dim=2)
    assert_close(ours, truth.loss, rel=1e-7)
    survivors = surviving_modes(zeta, beta=betas, eta_enc=e_enc, eta_dec=e_dec, latent_dim=2)
    assert survivors.tolist() == [int(np.sum(z[:2] ** 2 > b * e**2)) for z, b, e in zip(zeta, betas, e_dec,
                                                                                        strict=True)]


def test_per_latent_pads_modes_beyond_the_spectrum():
    out = per_latent("sigma_star")(np.array([[2.0, 1.0]]), beta=1.0, eta_enc=1.5, eta_dec=1.0, latent_dim=4)
    assert out.shape == (1, 4)
    assert_close(out[0, 2:], [1.5, 1.5])  # collapsed modes sit at the prior's eta_enc


@pytest.mark.parametrize(
    ("zeta", "b", "argument"),
    [
        (np.array([1.0, 2.0]), 1.0, "zeta"),
        (np.array([2.0, -1.0]), 1.0, "zeta"),
        (np.array([2.0, np.nan]), 1.0, "zeta"),
        (np.array([2.0, 1.0]), 0.0, "beta"),
        (np.array([2.0, 1.0]), -3.0, "beta"),
        (np.ones((4, 2)), np.ones(3), "beta"),
    ],
)
def test_bad_kernel_input_names_the_argument(zeta, b, argument):
    with pytest.raises(SymbolicVAEError, match=argument):
        kernel("lambda_star")(zeta, beta=b, eta_enc=1.0, eta_dec=1.0)


def test_unknown_kernel_and_refuted_claim_never_yield_a_kernel(monkeypatch):
    with pytest.raises(SymbolicVAEError, match="unknown name"):
        kernel("no_such_kernel")
    z = sp.Symbol("zeta", nonnegative=True)
    fake = {"from_refuted": KernelSource("from_refuted", "prop1.whitening_identity", z * beta, (z, beta, eta_enc,
                                                                                                eta_dec), "x")}
    monkeypatch.setattr(_kernels, "kernel_sources", lambda: fake)
    with pytest.raises(SymbolicVAEError, match="REFUTED"):
        kernel("from_refuted")
    assert _kernels.claim_verdict("prop1.whitening_identity").status is Status.REFUTED


def test_every_kernel_source_comes_from_a_registered_claim():
    from symbolic_vae import get_claim

    sources = kernel_sources()
    assert {"lambda_star", "sigma_star", "decoder_variance_G", "optimal_decoder_variance"} <= set(sources)
    for source in sources.values():
        assert get_claim(source.claim).id == source.claim


def test_torch_backend_matches_numpy(spectra):
    zeta, b, e1, e2 = spectra
    for name in ("sigma_star", "mode_loss"):
        scalars = {"beta": b, "eta_enc": e1, "eta_dec": e2}
        assert_close(kernel(name, "torch")(zeta, **scalars), kernel(name)(zeta, **scalars), rel=1e-12)
    with pytest.raises(SymbolicVAEError, match="backend"):
        kernel("sigma_star", "jax")


def test_the_log_partition_is_a_named_argument_of_minimal_loss_and_G():
    """G(s) = minimal_loss at eta_dec = sqrt(s) when both include the decoder's log-partition (d2/2) log(2 pi s),
    and when neither does; leaving it out of one side only is caught (a gap of (d2/2) log(2 pi s))."""
    zeta = np.array([[2.0, 1.0, 0.5], [1.0, 0.2, 0.0], [3.0, 3.0, 0.0]])
    s, d1, d2, c = np.array([1.3, 0.4, 2.0]), 2, 4, np.array([0.4, 0.0, 1.0])
    G = kernel("decoder_variance_G")
    scalars = {"beta": 0.7, "eta_enc": 1.0, "eta_dec": np.sqrt(s)}
    with_partition = minimal_loss(zeta, **scalars, latent_dim=d1, residual=c, partition=True, target_dim=d2)
    without = minimal_loss(zeta, **scalars, latent_dim=d1, residual=c)
    at = {"beta": 0.7, "latent_dim": d1, "target_dim": d2, "s": s}
    assert_close(G(zeta, **at, residual=c), with_partition, rel=1e-12)
    assert_close(G(zeta, **at, residual=c, partition=False), without, rel=1e-12)
    gap = np.abs(G(zeta, **at, residual=c) - without)
    assert np.all(np.abs(gap - np.abs(d2 / 2 * np.log(2 * np.pi * s))) < 1e-12) and np.all(gap > 0.1)
    with pytest.raises(SymbolicVAEError, match=r"^target_dim: .*partition=True"):
        minimal_loss(zeta, beta=0.7, eta_enc=1.0, eta_dec=1.0, partition=True)
    with pytest.raises(SymbolicVAEError, match=r"^partition: expected True or False"):
        G(zeta, **at, partition=1)
