"""Learnable encoder variance (Sec. 4.3, App. D, App. E.4). Every claim's verdict, negative control and correction
are tested in test_claims.py; here the details of the counterexamples, the evidence, the campaigns and the kernels."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from test_claims import EXPECTED

from symbolic_vae._core.verdict import Status
from symbolic_vae._kernels.build import claim_verdict as verdict
from symbolic_vae._model.lvm import beta, eta_dec, eta_enc
from symbolic_vae._papers.wz2022 import encoder_variance as ev
from symbolic_vae._papers.wz2022.encoder_variance import checks_campaign, checks_ground_truth, forms

CLAIMS = {c.id: c for c in ev.claims()}
REFUTED = sorted(k for k in CLAIMS if EXPECTED[k] is Status.REFUTED)


@pytest.mark.parametrize("claim_id", REFUTED)
def test_refutation_has_a_strict_counterexample_and_its_own_correction(claim_id):
    """(The counterexample and the passing correction of every refuted claim: test_claims.py.)"""
    cx = verdict(claim_id).counterexample
    assert cx.lhs != cx.rhs
    assert CLAIMS[CLAIMS[claim_id].corrected].corrects == claim_id


@pytest.mark.parametrize("claim_id", [k for k in CLAIMS if EXPECTED[k] is Status.CHECKED])
def test_checked_verdicts_record_their_evidence(claim_id):
    checked = [c for c in verdict(claim_id).checks if c.status is Status.CHECKED]
    assert checked
    details = checked[-1].details
    assert details["instances"] > 0 and "seed" in details
    assert {"worst_gap", "tolerance"} <= set(details)


def test_minimal_counterexamples_are_exact_and_small():
    eq12 = verdict("encvar.reduced_objective").counterexample
    assert eq12.instance["sizes (D0,d1,d2)"] == "(1, 2, 1)"
    assert eq12.lhs.startswith("log(2) =") and eq12.rhs.startswith("1/8 + log(2) =")  # a point below the "minimum"
    member = verdict("encvar.thm2_minimizers").counterexample
    assert member.note.endswith("difference 9/50")
    assert verdict("encvar.cor2").counterexample.lhs.startswith("1/2 =")
    eq93 = verdict("encvar.prop3_derivative").counterexample
    assert float(eq93.lhs.split("=")[1]) == pytest.approx(2 * float(eq93.rhs.split("=")[1]), rel=1e-25)
    eq100 = verdict("encvar.prop3_case2").counterexample
    assert eq100.instance["zeta"] == "1" and (eq100.lhs, eq100.rhs) == ("False", "True")


def test_ground_truth_covers_the_domain():
    runs = checks_campaign.learned_campaign()
    regimes = {(r.shape[2] > min(r.shape[1], r.shape[3])) - (r.shape[2] < min(r.shape[1], r.shape[3]))
               for r in runs}
    assert regimes == {-1, 0, 1}  # d1 <, =, > d*
    assert any(r.shape[0] > r.shape[1] for r in runs)  # singular A
    labels = {sc.label for r in runs for sc in r.scenarios}
    assert {"$y = x$", r"tied $\zeta_1 = \zeta_2$", "zero singular value", r"tiny $\beta = 10^{-3}$"} <= labels
    assert any(sc.noise > 0 for r in runs for sc in r.scenarios)
    at_threshold = [sc for r in runs for sc in r.scenarios if sc.label.startswith("at threshold")]
    assert all(sc.beta * sc.eta_dec**2 == 1.5**2 for sc in at_threshold)  # exactly representable
    assert all(int(r.gt.n_starts_at_best.min()) >= 2 for r in runs)


def test_kernel_sources_are_valid_at_zero_and_point_to_passing_claims():
    sources = {k.name: k for k in ev.kernel_sources()}
    assert {"lambda_star", "theta_star", "sigma_star", "mode_loss", "mode_survives"} <= set(sources)
    for k in sources.values():
        assert k.args == (forms.zeta, beta, eta_enc, eta_dec)
        assert k.expr.free_symbols <= set(k.args)
        assert k.claim in CLAIMS and verdict(k.claim).status.passed
        at_zero = k.expr.xreplace({forms.zeta: 0, beta: sp.Rational(3, 2), eta_enc: 2, eta_dec: sp.Rational(1, 2)})
        assert at_zero.is_finite, (k.name, at_zero)
    at = {beta: sp.Rational(9, 4), eta_enc: sp.Rational(3, 4), eta_dec: 1}
    assert sources["sigma_star"].expr.xreplace({forms.zeta: 0, **at}) == sp.Rational(3, 4)
    assert sources["mode_survives"].expr.xreplace({forms.zeta: sp.Rational(3, 2), **at}) == 0  # at the threshold
    assert sources["lambda_star"].expr.xreplace({forms.zeta: 2, **at}) == sp.sqrt(7) / 2 * sp.Rational(4, 3)


def test_reduced_objective_sorted_pairing_is_permutation_invariant():
    run = checks_campaign.fixed_campaign()[1]
    i = run.sigma_kind.index("random")
    sig = np.sqrt(np.diag(run.inst.Sigma[i]))
    values = [checks_ground_truth.reduced_objective(run.spectra[i], run.scenarios[i], s, pairing="sorted")
              for s in (sig, sig[::-1])]
    assert values[0] == pytest.approx(values[1], rel=1e-14)
