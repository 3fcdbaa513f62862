"""Global minimum for a fixed Sigma (Prop. 2, Thm. 1, Cor. 1; App. E.2-E.3; the collapse conditions of Sec. 4.2).

Every claim's verdict, negative control and correction are tested in test_claims.py; here the exact
counterexamples, the ground-truth evidence, the campaigns and the kernels.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from helpers import assert_close
from test_claims import EXPECTED

from symbolic_vae._core.verdict import Status
from symbolic_vae._kernels.build import claim_verdict as verdict
from symbolic_vae._papers.wz2022.global_minimum import (
    checks_collapse,
    checks_common,
    checks_ground_truth,
    checks_orthogonal,
    forms,
)
from symbolic_vae._papers.wz2022.global_minimum.claims import claims
from symbolic_vae._papers.wz2022.global_minimum.kernels import kernel_sources

CLAIMS = {c.id: c for c in claims()}
REFUTED = sorted(k for k in CLAIMS if EXPECTED[k] is Status.REFUTED)


@pytest.mark.parametrize("claim_id", REFUTED)
def test_refuted_claim_has_a_30_digit_counterexample(claim_id):
    """(The counterexample and the passing correction of every refuted claim: test_claims.py.)"""
    assert verdict(claim_id).counterexample.dps >= 30


def _exact_sides(claim_id: str) -> tuple[sp.Rational, sp.Rational, dict]:
    cx = verdict(claim_id).counterexample
    return sp.Rational(cx.instance["lhs_exact"]), sp.Rational(cx.instance["rhs_exact"]), cx.instance


@pytest.mark.parametrize("claim_id", ["globalmin.prop2", "globalmin.cor1", "globalmin.cor1_proof"])
def test_pairing_counterexample_is_minimal_and_exact(claim_id):
    # d0 = d2 = 1, d1 = 2, Z = [1], Sigma = diag(1, 1/4), kappa = 1: the stated minimum 1, the witness 3/4
    lhs, rhs, inst = _exact_sides(claim_id)
    assert inst["size (d0,d1,d2)"] == "(1, 2, 1)"
    assert (lhs, rhs) == (1, sp.Rational(3, 4))
    assert_close(float(inst["ground-truth min L (float64)"]), 0.75, rel=1e-8)


def test_printed_p_freedom_fails_even_with_sorted_sigma():
    other = verdict("globalmin.prop2").checks[-1].details["counterexample_with_P"]
    assert other["Sigma = diag(sigma_i^2)"] == "[1/4, 1]" and other["size (d0,d1,d2)"] == "(1, 2, 1)"
    assert (sp.Rational(other["lhs_exact"]), sp.Rational(other["rhs_exact"])) == (sp.Rational(3, 2),
                                                                                  sp.Rational(3, 4))


def test_svd_step_counterexample():
    lhs, rhs, inst = _exact_sides("globalmin.svd_step")
    assert inst["P"] == "[0 1; 1 0]" and (lhs, rhs) == (sp.Rational(3, 4), sp.Rational(3, 2))


def test_von_neumann_counterexamples():
    cx = verdict("globalmin.von_neumann").counterexample
    assert cx.instance["size (d0,d1,d2)"] == "(1, 2, 2)" and float(cx.lhs) > float(cx.rhs)
    eq = verdict("globalmin.von_neumann_equality")
    assert eq.counterexample.lhs == eq.counterexample.rhs and eq.counterexample.instance["Q"] == "[-1]"
    assert eq.checks[-1].details["counterexample_not_a_sign_change"] is not None


def test_eq91_loses_the_tail_when_d1_is_below_min_d0_d2():
    tail = verdict("globalmin.cor1_proof").checks[-1].details["counterexample_d1_below_min(d0,d2)"]
    assert tail["Eq. 91 value"] == "1" and tail["certificate L - 2 = |u|^2|v|^2 + |u - v|^2 verified"] == "True"
    assert_close(float(tail["ground-truth min L (float64)"]), 2.0, rel=1e-8)


def test_partial_collapse_counterexample():
    lhs, rhs, inst = _exact_sides("globalmin.collapse_partial")
    assert inst["size (d0,d1,d2)"] == "(1, 1, 1)" and inst["zeta_1^2 - sqrt(beta) eta_dec"] == "0"
    assert (lhs, rhs) == (sp.Rational(3, 16), sp.Rational(1, 4))


def test_small_beta_counterexample_holds_for_every_beta():
    inst = verdict("globalmin.small_beta").counterexample.instance
    assert inst["Z"] == "[0]" and inst["t1 < 0 for every beta"] == "True" and inst["L(u, v) - L(0, 0) >= 0"] == "True"


@pytest.mark.parametrize("claim_id", ["globalmin.prop2_corrected", "globalmin.thm1", "globalmin.cor1_corrected",
                                      "globalmin.collapse_complete", "globalmin.collapse_partial_corrected"])
def test_checked_verdicts_record_ground_truth_evidence(claim_id):
    check = verdict(claim_id).checks[-1]
    assert check.status is Status.CHECKED and "ground truth" in check.method
    details = check.details
    assert details["instances"] >= 80 and details["tolerance"] == checks_ground_truth.TOL and details["seeds"]
    assert details["min starts at best"] >= 3
    assert "instances" in check.summary


def test_campaigns_cover_the_domain():
    general = checks_ground_truth._general_problems()
    regimes = {np.sign(p.shape[2] - min(p.shape[1], p.shape[3])) for p in general}
    assert regimes == {-1, 0, 1}  # d1 <, =, > min(d0, d2)
    assert any(p.shape[0] > p.shape[1] for p in general)  # singular A
    assert any(min(p.zeta) == 0 for p in general) and any(len(set(p.zeta)) < len(p.zeta) for p in general)
    assert any(list(p.sigma2) != sorted(p.sigma2) for p in general)  # unsorted sigma
    assert any(len(set(p.sigma2)) == 1 and len(p.sigma2) > 1 for p in general)  # Sigma = sigma^2 I
    collapse = checks_ground_truth._collapse_problems()
    at_threshold = [p for p in collapse
                    if "thm1" in p.tags and np.any(np.array(p.zeta) == checks_collapse._threshold(p))]
    assert at_threshold and all(p.eta_dec != 1 or p.eta_enc != 1 for p in collapse)


def test_kernel_sources_are_verified_closed_forms():
    sources = kernel_sources()
    names = {s.name for s in sources}
    assert {"lambda_fixed_sigma", "theta_fixed_sigma", "mode_min_fixed_sigma", "mode_survives_fixed_sigma"} <= names
    for s in sources:
        assert s.args[0] is forms.zeta and s.expr.free_symbols <= set(s.args)
        assert s.claim in CLAIMS and verdict(s.claim).status.passed
    point = {forms.zeta: 3, forms.sigma: 1, forms.beta: 1, forms.eta_enc: 1, forms.eta_dec: 1}
    by_name = {s.name: s.expr for s in sources}
    assert by_name["lambda_fixed_sigma"].xreplace(point) == sp.sqrt(2)  # t1 = 1 * (3 - 1)
    assert by_name["mode_min_fixed_sigma"].xreplace(point) == 5  # 9 - (3 - 1)^2
    assert by_name["mode_survives_fixed_sigma"].xreplace({**point, forms.zeta: 1}) == 0  # exactly at the threshold


def test_kernel_names_do_not_collide_with_other_derivations():
    from symbolic_vae._kernels.build import kernel_sources

    assert {"lambda_fixed_sigma", "lambda_thm1"} <= set(kernel_sources())


def test_similarly_ordered_and_rational_orthogonal():
    rng = np.random.default_rng(0)
    Q = checks_common.random_rational_orthogonal(3, rng)
    assert sp.eye(3) == Q.T * Q
    A, B = np.diag([2.0, 1.0, 0.0]), np.diag([5.0, 3.0, 0.0])
    assert checks_orthogonal.similarly_ordered(A, B) and not checks_orthogonal.similarly_ordered(A, B[::-1, ::-1])
    R = checks_orthogonal._rotation(3, 0, 1, 0.3)
    assert not checks_orthogonal.similarly_ordered(R @ A @ R.T, B)


def test_a_region_parametrization_outside_its_region_voids_the_proof():
    from symbolic_vae import Status
    from symbolic_vae._engine.regions import Region
    from symbolic_vae._papers.wz2022.global_minimum.checks_regions import (
        general_regions,
        outside_its_region,
        prove_by_regions,
        thm1_regions,
    )
    from symbolic_vae._papers.wz2022.global_minimum.forms import sigma, zeta

    assert all(outside_its_region(r) is None for r in (*general_regions(), *thm1_regions()))
    collapse = general_regions()[1]
    flipped = Region(collapse.name, tuple((s, -v if s == sigma else v) for s, v in collapse.substitution),
                     collapse.condition)  # sigma < 0: not a point of the domain, nor of the region
    assert "positive" in outside_its_region(flipped)
    result = prove_by_regions(zeta, zeta, (flipped,), what="zeta = zeta")
    assert result.status is Status.INCONCLUSIVE and "not shown to lie in it" in result.summary


def test_a_region_split_that_misses_part_of_the_domain_voids_the_proof():
    """The converse of the test above: a parametrization whose threshold moved by 0.1% covers only part of its
    region, and a split with a region dropped leaves part of the domain in no region."""
    from symbolic_vae import Status
    from symbolic_vae._engine.regions import Region, coverage_gap
    from symbolic_vae._papers.wz2022.global_minimum.checks_regions import (
        general_regions,
        prove_by_regions,
        thm1_regions,
    )
    from symbolic_vae._papers.wz2022.global_minimum.forms import sigma, zeta

    assert coverage_gap(general_regions(), seed=0) is None and coverage_gap(thm1_regions(), seed=0) is None
    collapse = general_regions()[1]
    shrunk = Region(collapse.name, tuple((s, v * sp.Rational(1001, 1000) if s == sigma else v)
                                         for s, v in collapse.substitution), collapse.condition)
    split = (general_regions()[0], shrunk, general_regions()[2])  # misses threshold / 1.001 < zeta <= threshold
    gap = coverage_gap(split, seed=0)
    assert gap is not None and "mode collapses" in gap
    result = prove_by_regions(zeta, zeta, split, what="zeta = zeta")
    assert result.status is Status.INCONCLUSIVE and "do not cover the domain" in result.summary
    survive, _, zero = thm1_regions()
    gap = coverage_gap((survive, zero), seed=0)
    assert gap is not None and "no region's condition" in gap


def test_lambda_falls_past_half_zeta_and_beta_acts_as_eta_dec():
    # lambda*^2 = a (zeta - a)/eta_enc^2 falls on (zeta/2, zeta): the printed 'increases' fails there, and only there
    cx = verdict("globalmin.norm_direction").counterexample
    left, right = (sp.Rational(cx.instance[f"a = sqrt(beta) eta_dec ({side})"]) for side in ("lhs", "rhs"))
    assert sp.Rational(1, 2) <= left < right < 1 and float(cx.lhs) > float(cx.rhs)
    # beta x 4 is eta_dec x 2, not eta_dec / 2: the minimizers differ exactly
    cx = verdict("globalmin.increasing_beta").counterexample
    assert cx.instance["k"] == "4" and cx.lhs != cx.rhs and float(cx.gap) > 0
