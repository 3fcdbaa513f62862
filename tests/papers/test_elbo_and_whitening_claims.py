"""Sec. 3 (the ELBO, Eq. 3-5) and Prop. 1 (whitening): the details of the two refutations (every claim's verdict,
negative control and correction: test_claims.py)."""

import math

import sympy as sp

from symbolic_vae._kernels.build import claim_verdict


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
