"""App. B: learnable biases. Each claim runs through the registry's runner; its negative control must be REFUTED."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symbolic_vae import _optimal_biases as ob
from symbolic_vae._errors import SymbolicVAEError
from symbolic_vae._kernels import claim_verdict as verdict
from symbolic_vae._model import LinearLVM, beta, eta_enc
from symbolic_vae._verdict import Status

CLAIMS = {c.id: c for c in ob.claims()}


EXPECTED = {
    "bias.gradients": Status.PROVED_AT_SIZES,
    "bias.optimal": Status.PROVED_AT_SIZES,
    "bias.centering": Status.PROVED_AT_SIZES,
}


def test_every_claim_has_an_expectation():
    assert set(CLAIMS) == set(EXPECTED)


@pytest.mark.parametrize("claim_id", sorted(EXPECTED))
def test_verdict_and_negative_control(claim_id):
    v = verdict(claim_id)
    assert v.status is EXPECTED[claim_id], v.summary
    assert v.control is not None and v.control.status is Status.REFUTED, v.control.summary
    cx = v.control.counterexample
    assert cx is not None
    # a refutation of a data statement names a real dataset and the parameter values it used
    assert {"dataset", "X", "Y", "beta", "eta_enc", "eta_dec"} <= set(cx.instance)
    assert cx.dps >= 30 and cx.lhs != cx.rhs


@pytest.mark.parametrize("claim_id", sorted(EXPECTED))
def test_proofs_cover_every_size_up_to_3(claim_id):
    sized = [c for c in verdict(claim_id).checks if c.status is Status.PROVED_AT_SIZES]
    assert sized
    for check in sized:
        assert sorted(map(tuple, check.details["sizes"])) == sorted(ob.SIZES)
        assert len(check.details["sizes"]) == 27


def test_gradient_control_is_off_by_exactly_a_factor_two():
    cx = verdict("bias.gradients").control.counterexample
    assert float(cx.lhs) == pytest.approx(2 * float(cx.rhs), rel=1e-25)


def test_ground_truth_minimization_agrees():
    result = ob._ground_truth_check()
    assert result.status is Status.CHECKED
    assert result.details["worst_value_gap"] < 1e-8
    assert result.details["instances"] == len(ob.GT_SIZES) * ob.GT_INSTANCES


def test_schur_complement_at_one_size():
    size = (2, 2, 3)
    ident = ob._hessian_identity(size)
    d1 = 2
    schur = ident.lhs[-d1 * d1:, 0]
    assert sp.simplify(schur - sp.Matrix([*(beta / eta_enc**2 * sp.eye(d1))])) == sp.zeros(d1 * d1, 1)


def test_datasets_have_nonzero_means():
    for ds in ob._datasets():
        assert np.any(ds.X.mean(axis=0) != 0) and np.any(ds.Y.mean(axis=0) != 0)


def test_dataset_loss_rejects_mismatched_shapes():
    model = LinearLVM(2, 1, 3, biases=True)
    with pytest.raises(SymbolicVAEError, match="X/Y"):
        model.dataset_loss(sp.ones(4, 3), sp.ones(4, 3))
    with pytest.raises(SymbolicVAEError, match="X/Y"):
        model.dataset_loss(sp.ones(4, 2), sp.ones(3, 3))


def test_model_rejects_bad_sizes():
    with pytest.raises(SymbolicVAEError, match="latent_dim"):
        LinearLVM(2, 0, 1, biases=True)
