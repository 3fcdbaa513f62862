import math

import pytest
import sympy as sp
from helpers import assert_verdict_and_control

from symbolic_vae import Status
from symbolic_vae._kernels import claim_verdict

EXPECTED = {
    "elbo.eq3_eq4_as_printed": Status.REFUTED,
    "elbo.eq3_to_eq4": Status.PROVED_AT_SIZES,
    "elbo.eq4_to_eq5": Status.PROVED_AT_SIZES,
    "elbo.kl_split": Status.PROVED_AT_SIZES,
    "elbo.monte_carlo": Status.CHECKED,
    "prop1.whitening_identity": Status.REFUTED,
    "prop1.whitening_constant": Status.PROVED_AT_SIZES,
    "prop1.argmin": Status.CHECKED,
}


@pytest.mark.parametrize("claim_id", list(EXPECTED))
def test_verdict_and_negative_control(claim_id):
    assert_verdict_and_control(claim_verdict(claim_id), EXPECTED[claim_id])


def test_eq4_as_printed_misses_exactly_the_log_partition():
    verdict = claim_verdict("elbo.eq3_eq4_as_printed")
    cx = verdict.counterexample
    assert cx is not None and verdict.corrected_by == "elbo.eq3_to_eq4"
    eta = float(sp.Rational(cx.instance["eta_dec"]))
    d2 = int(cx.instance["size"].strip("()").split(",")[2])
    assert abs(float(cx.lhs) - float(cx.rhs) - d2 / 2 * math.log(2 * math.pi * eta**2)) < 1e-12


def test_refuted_whitening_identity_has_valid_counterexample_and_correction():
    verdict = claim_verdict("prop1.whitening_identity")
    cx = verdict.counterexample
    assert cx is not None and "X" in cx.instance and "Y" in cx.instance
    assert float(cx.lhs) < float(cx.rhs)  # ||Z||_F^2 < E||y||^2 on data with y not linear in x
    assert verdict.corrected_by == "prop1.whitening_constant"
    assert claim_verdict(verdict.corrected_by).status.passed
