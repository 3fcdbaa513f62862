"""The MNIST spectrum of WZ22 Sec. 5: the printed top-5 values read as zeta_i^2 agree with the authors' numbers and
the text's counts for Fig. 3; read as zeta_i they are refuted by each."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import assert_verdict_and_control

from symbolic_vae import Status
from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._papers.wz2022.mnist_spectrum import checks
from symbolic_vae._report.registry import claim_verdict

CLAIM = "mnist.top5_are_eigenvalues_of_A"


def test_the_printed_values_are_eigenvalues_and_the_singular_value_reading_is_refuted():
    verdict = claim_verdict(CLAIM)
    assert_verdict_and_control(verdict, Status.CHECKED)
    assert [c.status for c in verdict.checks] == [Status.CHECKED] * 3
    assert verdict.control.method == "survival rule at the figure's betas"
    assert len(verdict.control.details["every_check"]) == 3


@pytest.mark.parametrize("check", [checks.notebook_values_check, checks.trace_check, checks.figure_counts_check])
def test_each_check_refutes_the_singular_value_reading_above_its_tolerance(check):
    assert check("zeta2").status is Status.CHECKED
    refuted = check("zeta")
    assert refuted.status is Status.REFUTED and refuted.counterexample.exceeds_tolerance


def test_the_counts_at_the_figure_betas_follow_the_thresholds():
    rows = checks.figure_counts_check("zeta2").details["counts"]
    assert [r["predicted"] for r in rows] == [5, 5, 5, 5, 4, 3, 2, 1, 0]
    # one beta of the figure between each pair of consecutive thresholds zeta_i^2
    thresholds = np.sort(checks.implied_zeta2("zeta2"))
    assert all(((lo < np.asarray(checks.FIGURE_BETAS)) & (np.asarray(checks.FIGURE_BETAS) < hi)).sum() == 1
               for lo, hi in zip(thresholds[:-1], thresholds[1:], strict=True))


def test_the_evidence_quotes_the_authors_code():
    details = checks.notebook_values_check("zeta2").details
    assert "A = x.T.dot(x) / len(x)" in details["notebook"]["lines"]
    assert any("xi2_list = [5.11678773" in line for line in details["plot_script"]["lines"])


def test_an_unknown_reading_is_named():
    with pytest.raises(SymbolicVAEError, match="reading"):
        checks.trace_check("sigma")
