"""Every claim of the registry: the verdict the computation reaches, its negative control, and for each refuted
claim a counterexample and a correction that passes. The one table of expected verdicts (``EXPECTED``); the
section files (test_<section>.py) select their claims from it and test the details."""

from __future__ import annotations

import pytest
from helpers import assert_verdict_and_control, evidence_defects

from symbolic_vae import Status, all_claims, get_claim
from symbolic_vae._core.verdict import CheckResult, Counterexample, Verdict
from symbolic_vae._report.registry import claim_verdict

EXPECTED: dict[str, Status] = {
    # elbo.*: details in tests/papers/test_elbo_and_whitening_claims.py
    "elbo.eq3_eq4_as_printed": Status.REFUTED,
    "elbo.eq3_to_eq4": Status.PROVED_AT_SIZES,
    "elbo.eq4_to_eq5": Status.PROVED_AT_SIZES,
    "elbo.kl_split": Status.PROVED_AT_SIZES,
    "elbo.monte_carlo": Status.CHECKED,
    # prop1.*: details in tests/papers/test_elbo_and_whitening_claims.py
    "prop1.second_moment_psd": Status.CHECKED,
    "prop1.whitening_inverse": Status.CHECKED,
    "prop1.whitened_second_moment": Status.CHECKED,
    "prop1.linear_target_alignment": Status.CHECKED,
    "prop1.whitening_identity": Status.REFUTED,
    "prop1.whitening_constant": Status.PROVED_AT_SIZES,
    "prop1.argmin": Status.CHECKED,
    # bias.*: details in tests/papers/test_optimal_biases.py
    "bias.gradients": Status.PROVED_AT_SIZES,
    "bias.optimal": Status.PROVED_AT_SIZES,
    "bias.centering": Status.PROVED_AT_SIZES,
    # ddv.*: details in tests/papers/test_data_dependent_variance.py
    "ddv.eq27": Status.REFUTED,
    "ddv.eq29": Status.PROVED_AT_SIZES,
    "ddv.eq30": Status.REFUTED,
    "ddv.eq30_corrected": Status.PROVED_AT_SIZES,
    "ddv.expected_variance": Status.PROVED_AT_SIZES,
    "ddv.expected_variance_any_mean": Status.PROVED_AT_SIZES,
    "ddv.noise_terms": Status.PROVED_AT_SIZES,
    "ddv.lemma1": Status.PROVED_AT_SIZES,
    "ddv.prop5": Status.PROVED_AT_SIZES,
    "ddv.prop5_any_mean": Status.PROVED_AT_SIZES,
    "ddv.eq42": Status.REFUTED,
    "ddv.eq42_corrected": Status.PROVED_AT_SIZES,
    # globalmin.*: details in tests/papers/test_global_minimum.py
    "globalmin.stationarity_v": Status.PROVED_AT_SIZES,
    "globalmin.reduced_objective": Status.PROVED_AT_SIZES,
    "globalmin.svd_step": Status.REFUTED,
    "globalmin.svd_step_corrected": Status.CHECKED,
    "globalmin.diagonal_factors": Status.PROVED_AT_SIZES,
    "globalmin.sigma_z_nonzero": Status.PROVED_AT_SIZES,
    "globalmin.von_neumann": Status.REFUTED,
    "globalmin.von_neumann_sorted": Status.CHECKED,
    "globalmin.von_neumann_equality": Status.REFUTED,
    "globalmin.von_neumann_equality_corrected": Status.CHECKED,
    "globalmin.mode_objective": Status.PROVED_AT_SIZES,
    "globalmin.roots": Status.PROVED,
    "globalmin.selection": Status.PROVED,
    "globalmin.v_star": Status.CHECKED,
    "globalmin.prop2": Status.REFUTED,
    "globalmin.prop2_corrected": Status.CHECKED,
    "globalmin.thm1": Status.CHECKED,
    "globalmin.cor1": Status.REFUTED,
    "globalmin.cor1_proof": Status.REFUTED,
    "globalmin.cor1_corrected": Status.CHECKED,
    "globalmin.collapse_complete": Status.CHECKED,
    "globalmin.collapse_partial": Status.REFUTED,
    "globalmin.collapse_partial_corrected": Status.CHECKED,
    "globalmin.sqrt_beta_eta": Status.CHECKED,
    "globalmin.norm_direction": Status.REFUTED,
    "globalmin.norm_direction_corrected": Status.PROVED,
    "globalmin.increasing_beta": Status.REFUTED,
    "globalmin.increasing_beta_corrected": Status.CHECKED,
    "globalmin.eta_enc_independence": Status.CHECKED,
    "globalmin.small_beta": Status.REFUTED,
    "globalmin.small_beta_corrected": Status.CHECKED,
    # encvar.*: details in tests/papers/test_encoder_variance.py
    "encvar.reduced_objective": Status.REFUTED,
    "encvar.reduced_objective_sorted": Status.CHECKED,
    "encvar.prop3": Status.PROVED,
    "encvar.prop3_derivative": Status.REFUTED,
    "encvar.prop3_derivative_corrected": Status.PROVED,
    "encvar.prop3_bracket": Status.PROVED,
    "encvar.prop3_case1": Status.PROVED,
    "encvar.prop3_case2": Status.REFUTED,
    "encvar.prop3_case2_corrected": Status.PROVED,
    "encvar.thm2_lambda": Status.CHECKED,
    "encvar.thm2_theta": Status.CHECKED,
    "encvar.thm2_sigma": Status.CHECKED,
    "encvar.thm2_sigma_beyond_rank": Status.REFUTED,
    "encvar.thm2_sigma_beyond_rank_corrected": Status.CHECKED,
    "encvar.thm2_minimizers": Status.REFUTED,
    "encvar.thm2_minimizers_corrected": Status.CHECKED,
    "encvar.cor2": Status.REFUTED,
    "encvar.cor2_corrected": Status.CHECKED,
    "encvar.collapse_unchanged": Status.CHECKED,
    "encvar.norms_bounded": Status.CHECKED,
    "encvar.soft_threshold": Status.CHECKED,
    "encvar.dimension_pruning": Status.REFUTED,
    "encvar.dimension_pruning_corrected": Status.CHECKED,
    # decvar.*: details in tests/papers/test_decoder_variance.py
    "decvar.mode_minimum": Status.PROVED,
    "decvar.G_eq44": Status.REFUTED,
    "decvar.G_eq44_argmin": Status.REFUTED,
    "decvar.G_model": Status.CHECKED,
    "decvar.lemma2": Status.PROVED,
    "decvar.breakpoints": Status.CHECKED,
    "decvar.eq49": Status.REFUTED,
    "decvar.eq49_corrected": Status.PROVED_AT_SIZES,
    "decvar.eq50": Status.REFUTED,
    "decvar.eq50_corrected": Status.PROVED,
    "decvar.lemma3": Status.REFUTED,
    "decvar.lemma3_corrected": Status.CHECKED,
    "decvar.cor3": Status.PROVED_AT_SIZES,
    "decvar.positive_after": Status.CHECKED,
    "decvar.lemma4": Status.PROVED_AT_SIZES,
    "decvar.prop6": Status.CHECKED,
    "decvar.eq53": Status.REFUTED,
    "decvar.eq53_corrected": Status.CHECKED,
    "decvar.eq54": Status.REFUTED,
    "decvar.eq55": Status.REFUTED,
    "decvar.eq55_corrected": Status.CHECKED,
    "decvar.eq56": Status.REFUTED,
    "decvar.case1": Status.REFUTED,
    "decvar.case1_corrected": Status.CHECKED,
    "decvar.case2": Status.REFUTED,
    "decvar.case2_corrected": Status.CHECKED,
    "decvar.prop7": Status.CHECKED,
    "decvar.prop7_all_targets": Status.CHECKED,
    "decvar.thm4_eq57": Status.REFUTED,
    "decvar.thm4_eq57_corrected": Status.CHECKED,
    "decvar.thm4_eq58": Status.REFUTED,
    "decvar.thm4_eq58_corrected": Status.CHECKED,
    "decvar.thm4_eq59": Status.REFUTED,
    "decvar.thm4_eq59_corrected": Status.CHECKED,
    "decvar.table1_row1": Status.REFUTED,
    "decvar.table1_row2": Status.REFUTED,
    "decvar.table1_row3": Status.REFUTED,
    "decvar.table1_row4": Status.REFUTED,
    "decvar.table1_row5": Status.REFUTED,
    "decvar.table1_row4_case3": Status.REFUTED,
    "decvar.table1_corrected": Status.CHECKED,
    "decvar.remark_intervals": Status.REFUTED,
    "decvar.remark_intervals_corrected": Status.CHECKED,
    "decvar.remark_no_collapse": Status.REFUTED,
    "decvar.remark_no_collapse_corrected": Status.CHECKED,
    "decvar.sec44_sufficient": Status.REFUTED,
    "decvar.sec44_tight": Status.CHECKED,
    "decvar.sec44_small_beta": Status.REFUTED,
    "decvar.sec44_small_beta_corrected": Status.CHECKED,
    "decvar.sec45_learnability": Status.REFUTED,
    "decvar.sec45_learnability_corrected": Status.CHECKED,
    "decvar.sec44_vae_ratio": Status.REFUTED,
    "decvar.sec44_vae_ratio_corrected": Status.CHECKED,
    "decvar.sec44_vanilla": Status.REFUTED,
    "decvar.sec44_vanilla_corrected": Status.CHECKED,
    # hessian.*: details in tests/papers/test_origin_hessian.py
    "hessian.gradient": Status.PROVED_AT_SIZES,
    "hessian.second_derivatives": Status.PROVED_AT_SIZES,
    "hessian.at_origin": Status.PROVED_AT_SIZES,
    "hessian.quadratic_form": Status.PROVED_AT_SIZES,
    "hessian.eq115_as_printed": Status.REFUTED,
    "hessian.eq115_116": Status.PROVED_AT_SIZES,
    "hessian.eq117_alignment": Status.CHECKED,
    "hessian.eq118_minimum": Status.PROVED,
    "hessian.eq118_sign": Status.PROVED,
    "hessian.eq118_sign_as_printed": Status.REFUTED,
    "hessian.origin_saddle": Status.CHECKED,
    "hessian.origin_local_minimum": Status.CHECKED,
    "hessian.min_eigenvalue": Status.CHECKED,
    "hessian.theorem3": Status.CHECKED,
    "hessian.theorem3_distinct_sigma": Status.CHECKED,
    "hessian.prop2_origin_condition": Status.REFUTED,
    "hessian.origin_condition": Status.CHECKED,
    # lucas.*: details in tests/papers/test_ppca.py
    "lucas.ppca_marginal": Status.CHECKED,
    "lucas.ppca_posterior": Status.PROVED_AT_SIZES,
    "lucas.ppca_sigma2_mle": Status.CHECKED,
    "lucas.ppca_w_mle": Status.CHECKED,
    "lucas.ppca_other_stationary": Status.REFUTED,
    "lucas.ppca_stationary_points": Status.CHECKED,
    "lucas.ppca_collapse_regimes": Status.CHECKED,
    "lucas.elbo_closed_form": Status.PROVED_AT_SIZES,
    "lucas.lemma1": Status.CHECKED,
    "lucas.lemma2": Status.CHECKED,
    "lucas.identifiable": Status.REFUTED,
    "lucas.theorem3": Status.CHECKED,
    "lucas.cross_elbo_is_wz_loss": Status.PROVED_AT_SIZES,
    "lucas.cross_mle": Status.CHECKED,
    "lucas.cross_wz_rotation": Status.REFUTED,
    "lucas.cross_identifiability": Status.CHECKED,
    # kernels.*: details in tests/kernels/test_kernel_checks.py
    "kernels.per_mode_round_trip": Status.CHECKED,
    "kernels.spectrum_round_trip": Status.CHECKED,
    "kernels.ground_truth": Status.CHECKED,
    # training.*: details in tests/papers/test_training_section.py
    "training.surviving_modes_fixed": Status.CHECKED,
    "training.surviving_modes_learnable": Status.CHECKED,
    "training.closed_forms": Status.CHECKED,
    "training.kl_annealing": Status.CHECKED,
    "training.surviving_modes_digits": Status.CHECKED,
    "training.nonlinear_complete_collapse": Status.CHECKED,
    # mnist.*: details in tests/papers/test_mnist_spectrum.py
    "mnist.top5_are_eigenvalues_of_A": Status.CHECKED,
    # notation.*: the shape and scaling lints' findings (symbolic_vae/_papers/wz2022/notation.py)
    "notation.eq9": Status.REFUTED,
    "notation.eq9_corrected": Status.PROVED_AT_SIZES,
    "notation.eq27": Status.REFUTED,
    "notation.eq27_corrected": Status.PROVED_AT_SIZES,
    "notation.eq30_cross_term": Status.REFUTED,
    "notation.eq33_cross_term": Status.REFUTED,
    "notation.cross_term_corrected": Status.PROVED_AT_SIZES,
    "notation.eq69": Status.REFUTED,
    "notation.eq69_corrected": Status.PROVED_AT_SIZES,
    "notation.loss_uv_app_e1": Status.REFUTED,
    "notation.loss_uv_app_e1_corrected": Status.PROVED_AT_SIZES,
    "notation.partial_collapse_scaling": Status.REFUTED,
    "notation.partial_collapse_scaling_corrected": Status.PROVED,
}
REFUTED = [k for k, s in EXPECTED.items() if s is Status.REFUTED]


def test_every_claim_has_an_expectation():
    assert set(EXPECTED) == {c.id for c in all_claims()}


@pytest.mark.parametrize("claim_id", list(EXPECTED))
def test_verdict_and_negative_control(claim_id):
    assert_verdict_and_control(claim_verdict(claim_id), EXPECTED[claim_id])


@pytest.mark.parametrize("claim_id", REFUTED)
def test_refutation_has_counterexample_and_passing_correction(claim_id):
    verdict = claim_verdict(claim_id)
    cx = verdict.counterexample
    assert cx is not None and cx.instance and cx.dps >= 17, cx
    assert verdict.corrected_by == get_claim(claim_id).corrected is not None
    assert verdict.corrected_by.split(".")[0] == claim_id.split(".")[0]  # corrected within its own section
    correction = get_claim(verdict.corrected_by)
    assert correction.corrects is not None and get_claim(correction.corrects).corrected == correction.id
    corrected = claim_verdict(verdict.corrected_by)
    assert corrected.status.passed, corrected.summary


def refutation_gap_problems(verdict: Verdict) -> list[str]:
    """Each REFUTED check and REFUTED negative control of ``verdict`` whose counterexample does not record a gap
    above its tolerance, described (empty when every refutation stands on a recorded gap > tolerance)."""
    results = [(f"check {i} ({c.method})", c) for i, c in enumerate(verdict.checks)]
    results.append(("negative control", verdict.control))
    problems = []
    for where, result in results:
        if result is None or result.status is not Status.REFUTED:
            continue
        cx = result.counterexample
        if cx is None or cx.gap is None or cx.tolerance is None:
            problems.append(f"{where}: no gap and tolerance recorded")
        elif not cx.exceeds_tolerance:
            problems.append(f"{where}: gap {cx.gap} is not above its tolerance {cx.tolerance}")
    return problems


@pytest.mark.parametrize("claim_id", list(EXPECTED))
def test_every_refutation_exceeds_its_tolerance(claim_id):
    problems = refutation_gap_problems(claim_verdict(claim_id))
    assert not problems, problems


def evidence_texts(verdict: Verdict) -> list[tuple[str, str]]:
    """(where, text) of every piece of computed evidence of ``verdict``: its summary, each check's summary and
    counterexample note, and the negative control's."""
    results = [(f"check {i} ({c.method})", c) for i, c in enumerate(verdict.checks)]
    results.append(("negative control", verdict.control))
    texts = [("summary", verdict.summary)]
    for where, result in results:
        if result is not None:
            texts.append((where, result.summary))
            if result.counterexample is not None and result.counterexample.note:
                texts.append((f"{where}, counterexample note", result.counterexample.note))
    return texts


@pytest.mark.parametrize("claim_id", list(EXPECTED))
def test_the_computed_evidence_is_written_in_markup(claim_id):
    """What the checks computed, values formatted in, is light LaTeX markup: no ASCII math outside $...$ (the
    static scan of tests/report/test_evidence_markup.py sees the literals; this sees what the run wrote)."""
    texts = evidence_texts(claim_verdict(claim_id))
    found = [f"{where}: {evidence_defects(text)}: {text[:200]}" for where, text in texts if evidence_defects(text)]
    assert not found, "\n".join(found)


def test_control_the_evidence_check_finds_ascii_math():
    bad = CheckResult(Status.CHECKED, "m", "margin 0 (>= 0) at sqrt(beta)*eta_dec", {})
    good = CheckResult(Status.CHECKED, "m", r"margin 0 ($\ge 0$) at $\sqrt{\beta}\eta_{\mathrm{dec}}$", {})
    verdict = Verdict("x", Status.CHECKED, "m", "$a$ and $b", (bad, good), good)
    found = {where: evidence_defects(text) for where, text in evidence_texts(verdict)}
    assert found["summary"] == ["an unpaired $"]
    assert set(found["check 0 (m)"]) == {"a Greek name with _, ^ or **", "'sqrt('", "an ASCII relation or arrow"}
    assert found["check 1 (m)"] == [] and found["negative control"] == []


def _refuted(gap: str | None, tolerance: str | None) -> CheckResult:
    return CheckResult(Status.REFUTED, "exact evaluation", "sides differ", {},
                       Counterexample({"x": "1"}, "1", "2", 30, gap=gap, tolerance=tolerance))


def test_refutation_gap_problems_catches_a_gap_at_or_below_its_tolerance():
    standing = _refuted("1", "0")
    for check, control, flagged in (
            (standing, standing, []),
            (_refuted("1e-9", "1e-9"), standing, ["check 0"]),  # gap equal to the tolerance
            (_refuted("1e-10", "1e-9"), standing, ["check 0"]),  # gap below it
            (standing, _refuted("0", "0"), ["negative control"]),
            (_refuted(None, "0"), _refuted("1", None), ["check 0", "negative control"])):  # not recorded
        verdict = Verdict("unit.claim", Status.REFUTED, check.method, check.summary, (check,), control)
        problems = refutation_gap_problems(verdict)
        assert [p.split(" (")[0].split(":")[0] for p in problems] == flagged, problems


def test_each_section_claim_is_found_through_its_id_prefix():
    """``paper_claim`` builds only the section named by the id's prefix: every section's claims carry that prefix,
    no prefix belongs to two sections, and the claim found is the registry's own object."""
    from symbolic_vae._papers import sections

    assert set(sections.SECTION_OF_PREFIX.values()) == set(sections.SECTIONS)
    for section in sections.SECTIONS:
        for claim in sections.section_claims(section):
            assert sections.SECTION_OF_PREFIX[claim.id.split(".", 1)[0]] == section, claim.id
            assert sections.paper_claim(claim.id) is get_claim(claim.id)
    with pytest.raises(KeyError):
        sections.paper_claim("decvar.no_such_claim")
    with pytest.raises(KeyError):
        sections.paper_claim("nosection.eq1")
