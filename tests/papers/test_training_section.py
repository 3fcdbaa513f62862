"""The training section: SGD-trained linear VAEs against the closed forms; the controls are refuted, the counts table
is the claim's evidence, and bad input to the section's functions is named."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_verdict_and_control

from symbolic_vae import Status, SymbolicVAEError
from symbolic_vae._papers.wz2022 import training
from symbolic_vae._papers.wz2022.training import predictions
from symbolic_vae._report.registry import claim_verdict


@pytest.mark.parametrize("claim_id", ["training.surviving_modes_fixed", "training.surviving_modes_learnable",
                                      "training.surviving_modes_digits"])
def test_counts_agree_and_the_shifted_thresholds_are_refuted(claim_id):
    verdict = claim_verdict(claim_id)
    assert_verdict_and_control(verdict, Status.CHECKED)
    cx = verdict.control.counterexample
    assert float(cx.gap) >= 1 and float(cx.tolerance) == 0


def test_the_counts_table_is_the_evidence():
    verdict = claim_verdict("training.surviving_modes_fixed")
    rows = training.counts_table(("fixed",))
    assert verdict.checks[0].details["counts"] == rows
    assert [r["predicted"] for r in rows] == [4, 3, 2, 1, 0] == [r["trained"] for r in rows]


def test_the_digits_grid_crosses_the_widest_gaps_of_the_data_spectrum():
    rows = training.counts_table(("digits",))
    assert [r["predicted"] for r in rows] == [5, 4, 3, 0] == [r["trained"] for r in rows]
    zeta2 = training.campaigns.grid_zeta("digits") ** 2
    X = training.campaigns.digits_data()
    assert X.shape == (1797, 64) and np.allclose(X.mean(axis=0), 0) and X.min() >= -1 and X.max() <= 1
    eigenvalues = np.sort(np.linalg.eigvalsh(np.cov(X.T, bias=True)))[::-1]  # 3 of the 64 pixels are constant
    assert np.allclose(eigenvalues[:len(zeta2)], zeta2) and np.allclose(eigenvalues[len(zeta2):], 0)
    for beta in training.campaigns.GRIDS["digits"].betas:  # every beta at least 15% from every threshold
        assert np.min(np.abs(np.log(zeta2[:6] / beta))) > np.log(1.15)


def test_the_nonlinear_vae_collapses_completely_where_predicted_and_its_exact_count_is_refuted():
    verdict = claim_verdict("training.nonlinear_complete_collapse")
    assert_verdict_and_control(verdict, Status.CHECKED)
    rows = training.counts_table(("digits_tanh",))
    zeta1_squared = training.campaigns.grid_zeta("digits_tanh")[0] ** 2
    assert [r["trained"] == 0 for r in rows] == [r["beta"] > zeta1_squared for r in rows] == [False, False, True, True]
    assert any(r["trained"] != r["predicted"] for r in rows)  # what the control refutes


def test_the_data_have_the_prescribed_spectrum():
    X = training.prescribed_data()
    assert np.allclose(np.sqrt(np.linalg.eigvalsh(X.T @ X / X.shape[0]))[::-1], training.campaigns.ZETA)


def test_the_predictions_cross_their_thresholds():
    zeta = (2.0, 1.0)
    assert list(predictions.fixed_count(zeta, [0.5, 2.0, 5.0], latent_dim=2)) == [2, 1, 0]
    assert list(predictions.fixed_count(zeta, [0.5, 2.0, 5.0], latent_dim=2, shift=1)) == [1, 0, 0]
    assert list(predictions.learnable_count((2.0, 1.2, 0.7, 0.4), [0.5, 1.5, 3.0], latent_dim=2,
                                            target_dim=4)) == [2, 2, 0]


@pytest.mark.parametrize(("call", "name"), [
    (lambda: training.prescribed_data([1.0, 2.0]), "zeta"),
    (lambda: training.prescribed_data([2.0, 1.0], n_samples=1), "n_samples"),
    (lambda: predictions.fixed_count([1.0], [-1.0], latent_dim=1), "betas"),
    (lambda: predictions.fixed_count([1.0], [1.0], latent_dim=0), "latent_dim"),
    (lambda: predictions.fixed_count([1.0], [1.0], latent_dim=1, shift=-1), "shift"),
    (lambda: predictions.sigma_star([np.nan], [1.0], latent_dim=1), "zeta"),
    (lambda: training.trained_grid("nope"), "name"),
])
def test_bad_input_is_named(call, name):
    with pytest.raises(SymbolicVAEError, match=name):
        call()


def test_the_training_figure_names_its_claims_and_verdicts(tmp_path):
    from symbolic_vae._report import plots

    result = plots.training_plot(tmp_path / "training.png")
    assert result.path is not None and result.path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "17 of 17 trained counts of linear VAEs equal the prediction (the tanh VAE on digits: 3 of 4)" in \
        result.message
    assert all(f"{claim} CHECKED" in result.message for claim in plots.TRAINING_CLAIMS)
    assert plots.FILES["training"] == "theory_vs_training.png"
