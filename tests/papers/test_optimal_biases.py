"""App. B: learnable biases. Every claim's verdict and negative control are tested in test_claims.py; here the
controls' datasets, the sizes of the proofs and the details of the derivation."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._core.verdict import Status
from symbolic_vae._kernels.build import claim_verdict as verdict
from symbolic_vae._model.lvm import LinearLVM, beta, eta_enc
from symbolic_vae._papers.wz2022 import optimal_biases as ob

CLAIMS = {c.id: c for c in ob.claims()}
IDS = sorted(CLAIMS)


@pytest.mark.parametrize("claim_id", IDS)
def test_negative_control_counterexample_names_the_dataset_and_parameters(claim_id):
    """(The verdict and its control's status: test_claims.py.)"""
    cx = verdict(claim_id).control.counterexample
    assert cx is not None
    # a refutation of a data statement names a real dataset and the parameter values it used
    assert {"dataset", "X", "Y", "beta", "eta_enc", "eta_dec"} <= set(cx.instance)
    assert cx.dps >= 30 and cx.lhs != cx.rhs


@pytest.mark.parametrize("claim_id", IDS)
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
