"""Theorem 3 and the Hessian at the origin (App. E.5). Every claim's verdict, negative control and correction are
tested in test_claims.py; here the counterexamples, the sizes, the campaigns and the kernel."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from helpers import assert_close
from test_claims import EXPECTED

from symbolic_vae._core.verdict import Status
from symbolic_vae._kernels.build import claim_verdict as verdict
from symbolic_vae._papers.wz2022 import origin_hessian as oh
from symbolic_vae._papers.wz2022.origin_hessian import checks as ohc
from symbolic_vae._papers.wz2022.origin_hessian import forms as ohf

CLAIMS = {c.id: c for c in oh.claims()}
REFUTED = sorted(k for k in CLAIMS if EXPECTED[k] is Status.REFUTED)


@pytest.mark.parametrize("claim_id", REFUTED)
def test_refutations_have_a_strict_30_digit_counterexample_and_their_own_correction(claim_id):
    """(The counterexample and the passing correction of every refuted claim: test_claims.py.)"""
    v = verdict(claim_id)
    cx = v.counterexample
    assert cx.dps >= 30 and cx.lhs != cx.rhs
    assert CLAIMS[v.corrected_by].corrects == claim_id


def test_explicit_size_block_covers_every_size_up_to_4():
    # (its time is a verdict's "seconds", a timing field of the ledger, not something a test asserts)
    for name in ("gradient", "hessian", "origin", "quadratic"):
        result = ohc._at_sizes(name)
        assert result.status is Status.PROVED_AT_SIZES
        assert sorted(map(tuple, result.details["sizes"])) == sorted(ohc.SIZES) and len(ohc.SIZES) == 64
        assert "seconds" not in result.details and "[" not in result.summary  # timing only in timing fields


def test_index_control_is_invisible_at_d1_equal_1():
    """The swapped-index perturbation of Eq. 104-105 only shows when d1 >= 2: the check covers that regime."""
    cx = verdict("hessian.second_derivatives").control.counterexample
    assert cx.instance["size"] == "(1, 2, 1)"


def test_autograd_cross_check_at_larger_sizes():
    check = ohc._autograd_check()
    assert check.status is Status.CHECKED and check.details["worst_gap"] < 1e-12
    assert [6, 5, 7] in check.details["sizes"]


def test_eq115_literal_counterexample_differs_by_sigma_versus_sigma_squared():
    cx = verdict("hessian.eq115_as_printed").counterexample
    assert (cx.lhs, cx.rhs) == ("4", "8")  # 2 sigma vs 2 sigma^2 at sigma = 2


def test_theorem3_campaign_covers_both_sides_and_the_exact_boundary():
    for kind in ("equal", "distinct"):
        results = ohc.campaign(kind)
        boundary = [r for r in results if r.case.ratio2() == 1]
        assert boundary and all(r.psd and r.global_min for r in boundary)
        assert any(r.psd and r.global_min and r.case.ratio2() < 1 for r in results)
        assert any((not r.psd) and (not r.global_min) for r in results)
        assert all(r.psd == r.global_min for r in results)
        assert any(r.case.d0 < r.case.D0 for r in results)  # singular A
    distinct = ohc.campaign("distinct")
    misled = [r for r in distinct if r.case.prop2_collapse() and not r.global_min]
    assert misled, "the campaign must contain orderings where Prop. 2's pairing predicts collapse wrongly"
    assert all(not r.psd for r in misled)


def test_campaign_reaches_within_a_tenth_of_a_percent_of_the_threshold_on_both_sides():
    for kind in ("equal", "distinct"):
        results = ohc.campaign(kind)
        below = [r for r in results if 1 - 1e-3 < r.case.ratio2() < 1]
        above = [r for r in results if 1 < r.case.ratio2() < 1 + 1e-3]
        assert below and all(r.global_min and r.psd for r in below)
        assert above and all(r.certified_drop and not r.psd for r in above)
    # a drop the float margin alone would leave ambiguous is decided by its exact evaluation
    assert any(r.certified_drop and r.margin < 10 * ohc.TOL for r in ohc.campaign("distinct"))


@pytest.mark.parametrize("factor", [sp.Rational(1001, 1000), sp.Rational(999, 1000)])
def test_origin_condition_with_its_threshold_moved_by_a_tenth_of_a_percent_is_refuted(monkeypatch, factor):
    moved = sp.Le(ohf.zeta_max**2, factor * ohf.sigma2_min * ohf.kappa)
    monkeypatch.setattr(ohc, "ORIGIN_CONDITION", moved)
    for kind in ("equal", "distinct"):
        check = ohc._condition_check(kind, "sigma_min")
        assert check.status is Status.REFUTED
        assert float(check.counterexample.gap) > float(check.counterexample.tolerance)
    monkeypatch.undo()
    assert ohc._condition_check("distinct", "sigma_min").status is Status.CHECKED


def test_prop2_exact_counterexample_drop_is_one_eighth():
    check = ohc._prop2_exact_counterexample()
    assert check.status is Status.REFUTED
    cx = check.counterexample
    assert float(cx.rhs) - float(cx.lhs) == pytest.approx(0.125, rel=1e-25)


def test_kernel_matches_the_hessian_and_the_ground_truth():
    (source,) = oh.kernel_sources()
    assert not source.per_mode and source.sample and source.reference and source.spectrum
    assert verdict(source.claim).status.passed
    k = source.builder
    rng = np.random.default_rng(3)
    Z = rng.normal(size=(5, 3, 4))
    sig2 = rng.uniform(0.2, 2.0, (5, 2))
    b, e1, e2 = rng.uniform(0.5, 2.0, (3, 5))
    out = k(np.linalg.svd(Z, compute_uv=False), sigma2=sig2, beta=b, eta_enc=e1, eta_dec=e2)
    ref = [np.linalg.eigvalsh(ohf.origin_hessian_numeric(Z[i], sig2[i], b[i] * e2[i] ** 2 / e1[i] ** 2))[0]
           for i in range(5)]
    assert_close(out, ref, rel=1e-12)
    for r in ohc.campaign("distinct"):
        c = r.case
        value = k(np.array([float(max(c.zeta))]), sigma2=np.array([float(s) for s in c.sigma2]), beta=float(c.beta),
                  eta_enc=float(c.eta_enc), eta_dec=float(c.eta_dec))
        if c.ratio2() != 1:
            assert (value > 0) == r.global_min


def test_the_symbolic_sign_step_reads_eq118_itself(monkeypatch):
    """The step reduces the sign of EQ118 (the form under test) to the stated condition: a changed coefficient
    under the root is not proved, a positive multiple (same sign everywhere) is."""
    assert ohc._sign_identity().status is Status.PROVED
    s2, k, z = ohf.s2_sym, ohf.kappa, ohf.zeta
    monkeypatch.setattr(ohc, "EQ118", s2 + k - sp.sqrt((s2 - k) ** 2 + 3 * z**2))
    result = ohc._sign_identity()
    assert result.status is Status.INCONCLUSIVE and "not reduced to the stated condition" in result.summary
    monkeypatch.setattr(ohc, "EQ118", 2 * (s2 + k - sp.sqrt((s2 - k) ** 2 + 4 * z**2)))
    assert ohc._sign_identity().status is Status.PROVED
