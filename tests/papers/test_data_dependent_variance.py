"""App. C: data-dependent encoder variance. The verdicts, negative controls and corrections of these claims are
tested in test_claims.py; here the counterexamples are datasets, and the details of the derivation."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from test_claims import EXPECTED

from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._core.verdict import Status
from symbolic_vae._engine.dataset_checks import Dataset
from symbolic_vae._kernels.build import claim_verdict as verdict
from symbolic_vae._model.lvm import LinearLVM
from symbolic_vae._papers.wz2022 import data_dependent_variance as dv
from symbolic_vae._papers.wz2022.data_dependent_variance import checks as dvc
from symbolic_vae._papers.wz2022.data_dependent_variance import forms as dvf

CLAIMS = {c.id: c for c in dv.claims()}
IDS = sorted(CLAIMS)
REFUTED = [k for k in IDS if EXPECTED[k] is Status.REFUTED]


def test_correction_links_are_mutual():
    for claim in CLAIMS.values():
        if claim.corrected is not None:
            assert CLAIMS[claim.corrected].corrects == claim.id
        if claim.corrects is not None:
            assert CLAIMS[claim.corrects].corrected == claim.id


@pytest.mark.parametrize("claim_id", IDS)
def test_negative_control_counterexample_is_a_dataset(claim_id):
    cx = verdict(claim_id).control.counterexample
    assert cx is not None and "dataset" in cx.instance and cx.dps >= 30


@pytest.mark.parametrize("claim_id", REFUTED)
def test_refuted_claims_have_a_dataset_counterexample(claim_id):
    cx = verdict(claim_id).counterexample
    assert cx is not None and {"dataset", "X", "Y", "beta"} <= set(cx.instance)
    assert abs(float(cx.lhs) - float(cx.rhs)) > 1e-6


def test_eq42_misses_exactly_the_factor_beta_over_two():
    cx = verdict("ddv.eq42").counterexample
    assert cx.instance["sizes (D0,d1,d2)"].split(",")[1].strip() == "1"
    b = float(sp.Rational(cx.instance["beta"]))
    assert b != 2
    assert float(cx.lhs) == pytest.approx(b / 2 * float(cx.rhs), rel=1e-25)


def test_prop5_inequality_is_strict_somewhere_and_jensen_is_proved():
    v = verdict("ddv.prop5")
    assert any(c.method.startswith("symbolic (sympy.calculus") and c.status is Status.PROVED for c in v.checks)
    cx = v.control.counterexample  # the reversed inequality fails strictly
    assert float(cx.lhs) < float(cx.rhs)


def test_eq37_fprime_fails_off_its_assumption():
    """On data with nonzero mean, Eq. 37's f' (no cross term) can make L(0, f') larger than L(C, f)."""
    cx = verdict("ddv.prop5_any_mean").control.counterexample
    X = np.array([[float(v) for v in row.split()] for row in cx.instance["X"].strip("[]").split(";")])
    assert np.any(X.mean(axis=0) != 0)
    assert float(cx.lhs) < float(cx.rhs)


def test_zero_mean_datasets_are_zero_mean():
    for ds in dvc._data("zero"):
        assert np.all(ds.X.mean(axis=0) == 0)


def test_tidy_removes_data_from_denominators_and_logs():
    expr = dvf.per_sample((2, 2, 1))
    model = dvf.ddv_model((2, 2, 1))
    assert not expr.atoms(sp.Abs)
    for term in sp.Add.make_args(expr):
        assert not (sp.fraction(term)[1].free_symbols & set(model.x))
    assert {dvf.log_sigma2(0), dvf.log_sigma2(1)} <= expr.free_symbols


def test_expect_with_logs_rejects_data_dependent_log_coefficients():
    model = dvf.ddv_model((1, 1, 1))
    with pytest.raises(SymbolicVAEError, match="log sigma_0"):
        dvf.expect_with_logs(model.x[0] * dvf.log_sigma2(0), model, model.moments)


def test_size_of_needs_a_labelled_latent_size():
    ds = Dataset("unlabelled", np.zeros((2, 2)), np.zeros((2, 1)))
    with pytest.raises(SymbolicVAEError, match="d1"):
        dvc._size_of(ds)


def test_ddv_model_errors():
    model = LinearLVM(2, 1, 1, data_dependent_std=True)
    with pytest.raises(SymbolicVAEError, match="data_dependent_std"):
        model.expected_loss()
    with pytest.raises(SymbolicVAEError, match="X/Y"):
        model.dataset_loss(sp.ones(3, 2), sp.ones(3, 2))
    with pytest.raises(SymbolicVAEError, match="no rows"):
        model.dataset_loss(sp.zeros(0, 2), sp.zeros(0, 1))
