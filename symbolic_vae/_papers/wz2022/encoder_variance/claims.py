"""The claim table of the section: ``claims()``, in ledger order, each claim's steps and control pointing to the
checks of the sibling modules, and the printed/corrected pairs declared with ``erratum``."""

from __future__ import annotations

from functools import partial
from typing import Any

import sympy as sp

import symbolic_vae._papers.wz2022.encoder_variance.forms as forms
from symbolic_vae._core.claim import Check, Claim, Control, PaperRef, Step, erratum
from symbolic_vae._model.lvm import eta_dec, eta_enc
from symbolic_vae._papers.wz2022.encoder_variance.checks_exact import (
    minimal_beyond_rank,
    minimal_cor2,
    minimal_minimizer_set,
    minimal_reduced_objective,
    refine_with_minimal,
    relabel_check,
)
from symbolic_vae._papers.wz2022.encoder_variance.checks_ground_truth import (
    collapse_check,
    minimum_check,
    norm_check,
    param_check,
    printed_minimum_iff_linear,
    reduced_check,
    set_check,
    threshold_check,
)
from symbolic_vae._papers.wz2022.encoder_variance.checks_mode import (
    bracket_step,
    case_step,
    collapse_mode,
    derivative_check,
    mode_derivation_check,
    mode_step,
    norm_mode,
    prop3_check,
    theorem2_mode,
    threshold_mode,
)
from symbolic_vae._papers.wz2022.encoder_variance.forms import THRESHOLD, zeta

wz = partial(PaperRef, "wz2022")
COMMON = ("beta, eta_enc, eta_dec > 0", "Sigma diagonal, positive, learnable", "zeta_1 >= ... >= zeta_{d*} >= 0, "
          "zeta_i = 0 for i > d* = min(d0, d2)", "A possibly singular; y any function of x")
GROUND_TRUTH = ("ground truth: min of the model's loss over U, W, Sigma (multistart, float64) on 63 instances: "
                "6 shapes with d1 <, =, > d*, singular A, distinct / tied / zero zeta, beta below, at and above "
                "zeta^2 = beta eta_dec^2, eta != 1, y nonlinear in x, linear in x, y = x")
MODE_STEPS = (Step("l_i(sigma) of Eq. 92 = min over one mode's (u, v) of 2 eta_dec^2 L_VAE, derived from the model "
                   "(v* by convexity in v, then t* = u*^2 on the convex g(t), region by region)",
                   mode_derivation_check),)
UNIQUE_STEPS = (Step("l_i''(sigma) > 0 on both sides of the kink", partial(mode_step, "curvature")),
                Step("l_i'(sigma) continuous at the kink, so l_i' is strictly increasing on (0, oo)",
                     partial(mode_step, "continuity")))
STATIONARY = Step("Prop. 3: l_i'(sigma*) = 0", partial(mode_step, "stationary"))
AT_OPTIMUM = (*MODE_STEPS, STATIONARY)
"""The mode derived from the model, at Prop. 3's sigma*: the first steps of every claim on Theorem 2's minimum."""
MODE_LOSS_STEPS = (*MODE_STEPS, Step("one mode: l_i(sigma*) = zeta_i^2 - Eq. 43 summand",
                                     partial(theorem2_mode, "mode_loss")))
INACTIVE_BRANCH = Step("sigma = eta_enc solves the inactive branch of l' = 0 (Eq. 98)", partial(case_step, "eq99"))
DERIVED_L = ("l_i as in Eq. 92", "sigma > 0")
HALF_ETA_BEYOND_RANK = Control("sigma_i* = eta_enc/2 for i > d*", partial(param_check, "beyond_rank", "control"))


def _on_ground_truth(what: str, check: Check, *, corroborating: bool = False) -> Step:
    """A step decided by the ground truth (``GROUND_TRUTH``), ``what`` naming what is compared with it."""
    return Step(GROUND_TRUTH + what, check, corroborating=corroborating)


def _on_theorem2(claim_id: str, title: str, equations: tuple[str, ...], statement: Any, *, steps: tuple[Step, ...],
                 control: Control, result: str = "Theorem 2", assumptions: tuple[str, ...] = COMMON,
                 printed: str = "") -> Claim:
    """A statement of Theorem 2 (Sec. 4.3), or of a remark on it (``result``), under the learnable-Sigma setting."""
    return Claim(id=claim_id, title=title, ref=wz("Sec. 4.3", equations, result), statement=statement,
                 assumptions=assumptions, printed=printed, steps=steps, control=control)


def _singular_values(claim_id: str, title: str, equations: tuple[str, ...], statement: Any, *, of: str,
                     one_mode: str, matrix: str, perturbed: str) -> Claim:
    """Theorem 2's singular values ``of`` ('lambda' of U*, 'theta' of V*): one mode at sigma*, then the ground
    truth's singular values of ``matrix``; the control perturbs the formula as ``perturbed``."""
    return _on_theorem2(claim_id, title, equations, statement,
                        steps=(*AT_OPTIMUM, Step(one_mode, partial(theorem2_mode, of)),
                               _on_ground_truth(f": singular values of {matrix}", partial(param_check, of))),
                        control=Control(perturbed, partial(param_check, of, "control")))


def _on_proof_of_prop3(claim_id: str, title: str, equations: tuple[str, ...], statement: Any, *,
                       steps: tuple[Step, ...], control: Control, assumptions: tuple[str, ...], part: str = "",
                       printed: str = "") -> Claim:
    """A step of the proof of Proposition 3 (App. E.4); ``part`` names its case and whether it is corrected."""
    result = f"Proposition 3 (proof), {part}" if part else "Proposition 3 (proof)"
    return Claim(id=claim_id, title=title, ref=wz("App. E.4", equations, result), statement=statement,
                 assumptions=assumptions, printed=printed, steps=steps, control=control)


def _li_symbols() -> tuple[sp.Expr, sp.Expr]:
    i = sp.Symbol("i", integer=True, positive=True)
    return sp.Indexed(sp.IndexedBase(r"\sigma"), i), sp.Indexed(sp.IndexedBase(r"\zeta"), i)


def claims() -> list[Claim]:
    return [*_sigma_claims(), *_minimum_claims()]


def _sigma_claims() -> list[Claim]:
    """Eq. 12 and Proposition 3 with its proof (the optimal sigma of each mode), in ledger order."""
    d1 = sp.Symbol("d_1", positive=True, integer=True)
    lmin, C, Ey2 = sp.Symbol(r"\min_{U,W}L_{VAE}(\Sigma)"), sp.Symbol("C"), sp.Symbol(r"\mathbb{E}\|y\|^2")
    sig_i, zeta_i = _li_symbols()
    i = sig_i.indices[0]
    li_i = forms.printed_li(sig_i).xreplace({zeta: zeta_i})
    sorted_sig = sp.Indexed(sp.IndexedBase(r"\sigma_{\uparrow}"), i)
    constant = sp.Eq(C, (Ey2 - sp.Sum(zeta_i**2, (i, 1, d1))) / (2 * eta_dec**2))
    dl = sp.Symbol(r"l_i'(\sigma)")
    return [
        *erratum(
            _on_theorem2(
                "encvar.reduced_objective", "Eq. 12 as printed: for every diagonal Sigma, min over (U, W) of L_VAE = "
                "(1/2eta_dec^2) sum_i l_i(sigma_i) + constant, zeta_i paired with sigma_i in index order", ("11", "12"),
                sp.Eq(lmin, sp.Sum(li_i, (i, 1, d1)) / (2 * eta_dec**2) + C), result="Eq. 12",
                assumptions=(*COMMON, "Sigma fixed but arbitrary (Eq. 12 is then minimized over Sigma)"),
                printed="the pairing of zeta_i with sigma_i is by index; the constant is not given",
                steps=(*MODE_STEPS,
                       Step("latent relabelling leaves L_VAE unchanged, so min over (U, W) is a symmetric function of "
                            "(sigma_1, ..., sigma_d1)", relabel_check),
                       Step("ground truth at fixed Sigma (random unsorted Sigma and its reversal, sigma_i = eta_enc), "
                            "with the constant C made explicit",
                            lambda: refine_with_minimal(reduced_check("index"), minimal_reduced_objective))),
                control=Control("zeta_i paired with sigma sorted in decreasing order",
                                lambda: reduced_check("reversed"))),
            _on_theorem2(
                "encvar.reduced_objective_sorted", "Corrected Eq. 12: min over (U, W) of L_VAE = (1/2eta_dec^2) sum_i "
                "l_i(sigma_(i)) + C, the i-th largest zeta paired with the i-th smallest sigma, C = (E||y||^2 - "
                "sum_{i<=d1} zeta_i^2)/(2eta_dec^2); hence min over Sigma separates into min l_i", ("11", "12"),
                (sp.Eq(lmin, sp.Sum(li_i.xreplace({sig_i: sorted_sig}), (i, 1, d1)) / (2 * eta_dec**2) + C), constant),
                result="Eq. 12, corrected",
                assumptions=(*COMMON, "sigma_(1) <= ... <= sigma_(d1): the entries of Sigma sorted ascending"),
                steps=(*MODE_STEPS,
                       Step("latent relabelling leaves L_VAE unchanged", relabel_check),
                       Step("ground truth at fixed Sigma: random unsorted Sigma, its reversal, sigma_i = eta_enc",
                            lambda: reduced_check("sorted"))),
                control=Control("the constant with ||Z||_F^2 in place of E||y||^2 (Prop. 1 as printed)",
                                lambda: reduced_check("sorted_without_c"))),
            cause="index-pairing", severity="substantive",
            reason="with index pairing Eq. 12 is not the minimum over (U, W) for unsorted Sigma, so the minimizer "
                   "over Sigma changes",
        ),
        _on_theorem2(
            "encvar.prop3", "Proposition 3: sigma_i* = sqrt(beta) eta_dec eta_enc/zeta_i if beta eta_dec^2 < zeta_i^2, "
            "else eta_enc, is the unique minimizer of l_i over sigma > 0", ("14", "92"),
            sp.Eq(sp.Symbol(r"\sigma_i^*"), forms.printed_sigma_star()), result="Proposition 3",
            assumptions=("beta, eta_enc, eta_dec > 0", "zeta_i >= 0 (zeta_i = 0 included)", "l_i as derived from "
                         "the model (Eq. 92)"),
            steps=(Step("l_i'(sigma*) = 0 on every region (zeta^2 >, = , < beta eta_dec^2, zeta = 0)",
                        partial(mode_step, "stationary")),
                   *UNIQUE_STEPS, *MODE_STEPS,
                   _on_ground_truth(": the learned sigma_i^2 contain Eq. 14's values", partial(param_check, "sigma"),
                                    corroborating=True)),
            control=Control("the two branches of Eq. 14 swapped", partial(prop3_check, swap=True))),
        *erratum(
            _on_proof_of_prop3(
                "encvar.prop3_derivative", "Eq. 93: l_i'(sigma) = 1[zeta > a sigma](zeta - a sigma) a + (beta "
                "eta_dec^2/eta_enc^2)(sigma - eta_enc^2/sigma), a = sqrt(beta) eta_dec/eta_enc", ("92", "93"),
                sp.Eq(dl, forms.printed_eq93()), assumptions=DERIVED_L,
                steps=(*MODE_STEPS, Step("d l_i/d sigma of the derived l_i vs Eq. 93", derivative_check)),
                control=Control("Eq. 93 with sigma + eta_enc^2/sigma (sign of the log term's derivative flipped)",
                                partial(derivative_check, 1, 1))),
            _on_proof_of_prop3(
                "encvar.prop3_derivative_corrected", "Corrected Eq. 93: l_i'(sigma) is twice the printed expression "
                "(the sign, hence the argument, is unchanged)", ("93",), sp.Eq(dl, forms.printed_eq93(2)),
                assumptions=DERIVED_L, part="corrected",
                steps=(Step("d l_i/d sigma = 2 x Eq. 93", partial(derivative_check, 2)), *MODE_STEPS),
                control=Control("2 x Eq. 93 with sigma + eta_enc^2/sigma", partial(derivative_check, 2, 1))),
            cause="dropped-factor", severity="notation",
            reason="l_i' is twice the printed expression; its sign, hence sigma*, is unchanged",
        ),
        _on_proof_of_prop3(
            "encvar.prop3_bracket", "Proof of Prop. 3: l_i' is increasing, l_i'(sigma_-) < 0 < l_i'(sigma_+), and "
            "Eq. 94 (non-decreasing LHS = decreasing RHS) is l_i' = 0, so it has a unique solution", ("93", "94"),
            (sp.StrictLessThan(sp.Symbol(r"l_i'(\sigma_-)"), 0), sp.StrictGreaterThan(sp.Symbol(r"l_i'(\sigma_+)"), 0),
             sp.Eq(sp.Symbol(r"\sigma_-"), forms.SIGMA_MINUS), sp.Eq(sp.Symbol(r"\sigma_+"), forms.SIGMA_PLUS),
             sp.Eq(forms.EQ94_LHS, forms.EQ94_RHS)),
            assumptions=("zeta_i > 0 (sigma_- divides by zeta_i; at zeta_i = 0, sigma_- = 0 is not in the domain)",
                         "beta, eta_enc, eta_dec > 0"),
            printed="sigma_+ = 2 max(zeta eta_enc/(sqrt(beta) eta_dec), 2 eta_enc) as printed (the inner 2 is "
                    "harmless)",
            steps=(Step("l_i'(sigma_-) < 0 on every region of zeta > 0", partial(bracket_step, "minus")),
                   Step("l_i'(sigma_+) > 0 on every region of zeta > 0 (q vs 1 and 2)",
                        partial(bracket_step, "plus")),
                   Step("Eq. 94: LHS - RHS = l_i'(sigma)/2", partial(bracket_step, "eq94")),
                   Step("Eq. 94: LHS non-decreasing, RHS decreasing", partial(bracket_step, "eq94_monotone")),
                   *UNIQUE_STEPS, *MODE_STEPS),
            control=Control("sigma_- = 2 min(...) (factor 4 too large)",
                            partial(bracket_step, "minus", sp.Integer(2)))),
        _on_proof_of_prop3(
            "encvar.prop3_case1", "Eq. 95-97: on the active branch sigma* = sqrt(beta) eta_dec eta_enc/zeta_i, and it "
            "lies on that branch iff beta eta_dec^2 < zeta_i^2", ("95", "96", "97"),
            (sp.Eq(sp.Symbol(r"\sigma^*"), forms.SIGMA_CASE1), sp.Equivalent(*forms.EQ97)), assumptions=("zeta_i > 0",),
            part="case 1",
            steps=(Step("Eq. 97, both directions", partial(case_step, "eq97")),
                   Step("sigma = sqrt(beta) eta_dec eta_enc/zeta solves the active branch of l' = 0 (Eq. 95)",
                        partial(case_step, "eq96"))),
            control=Control("Eq. 97 with beta eta_dec^2 <= zeta^2", partial(case_step, "eq97_weak"))),
        *erratum(
            _on_proof_of_prop3(
                "encvar.prop3_case2", "Eq. 98-100 as printed: sigma* = eta_enc on the inactive branch, which holds "
                "since eta_enc > zeta eta_enc/(sqrt(beta) eta_dec) <=> beta eta_dec^2 >= zeta^2", ("98", "99", "100"),
                (sp.Eq(sp.Symbol(r"\sigma^*"), eta_enc), sp.Equivalent(*forms.EQ100)), assumptions=("zeta_i >= 0",),
                part="case 2", printed="strict '>' on the left, '>=' on the right of Eq. 100",
                steps=(INACTIVE_BRANCH, Step("Eq. 100, both directions", partial(case_step, "eq100"))),
                control=Control("Eq. 100 with beta eta_dec^2 < zeta^2 on the right",
                                partial(case_step, "eq100_flipped"))),
            _on_proof_of_prop3(
                "encvar.prop3_case2_corrected", "Corrected Eq. 100: the case-2 condition sigma* >= kink reads eta_enc "
                ">= zeta eta_enc/(sqrt(beta) eta_dec) <=> beta eta_dec^2 >= zeta^2", ("100",),
                sp.Equivalent(*forms.EQ100_CORRECTED), assumptions=("zeta_i >= 0",), part="case 2, corrected",
                steps=(Step("corrected Eq. 100, both directions", partial(case_step, "eq100_corrected")),
                       INACTIVE_BRANCH),
                control=Control("corrected Eq. 100 with beta eta_dec^2 > zeta^2 on the right",
                                partial(case_step, "eq100_corrected_strict"))),
            cause="strict-vs-nonstrict", severity="boundary-only",
            reason="the strict '>' fails only where beta eta_dec^2 = zeta^2, the boundary of the inactive branch",
        ),
    ]


def _minimum_claims() -> list[Claim]:
    """Theorem 2 (the global minimum with a learnable Sigma), Corollary 2 and the remarks on them, in ledger order."""
    d1, dstar = sp.symbols("d_1 d^*", positive=True, integer=True)
    Ey2 = sp.Symbol(r"\mathbb{E}\|y\|^2")
    sig_i, zeta_i = _li_symbols()
    i = sig_i.indices[0]
    s_star, lam, th = sp.symbols(r"\sigma_i^* \lambda_i \theta_i")
    U_, Sig_ = sp.symbols(r"U^* \Sigma^*")
    min_lvae = sp.Symbol(r"\min_{U,W,\Sigma}L_{VAE}")
    reduction = forms.printed_cor2_reduction().xreplace({zeta: zeta_i})
    encoder_set = sp.Eq(sp.Symbol(r"\Phi^{1/2}P_A^\top W^*"), sp.Symbol(r"G\Theta P"))
    return [
        _singular_values(
            "encvar.thm2_lambda", "Theorem 2, Eq. 17: the singular values of U* are lambda_i = sqrt(max(0, zeta_i^2 - "
            "beta eta_dec^2))/eta_enc", ("15", "17"), sp.Eq(lam, forms.LAMBDA_STAR), of="lambda",
            one_mode="one mode: sqrt(t*(sigma*)) = Eq. 17 on every region", matrix="U",
            perturbed="lambda_i with eta_enc in place of 1/eta_enc"),
        _singular_values(
            "encvar.thm2_theta", "Theorem 2, Eq. 18: the singular values of V* = Phi^{1/2} P_A^T W* are theta_i = "
            "(eta_enc/zeta_i) sqrt(max(0, zeta_i^2 - beta eta_dec^2)) (0 when zeta_i = 0)", ("16", "18"),
            sp.Eq(th, forms.THETA_STAR), of="theta",
            one_mode="one mode: v*(lambda_i) = Eq. 18 on every region (zeta = 0 included)", matrix="V",
            perturbed="theta_i with zeta_i/eta_enc in place of eta_enc/zeta_i"),
        _on_theorem2(
            "encvar.thm2_sigma", "Theorem 2, Eq. 19: for i <= min(d0, d2), sigma_i* of the global minimum is Prop. 3's",
            ("19",), sp.Eq(s_star, forms.printed_sigma_star()), assumptions=(*COMMON, "i <= min(d0, d2)"),
            steps=(*MODE_STEPS, *UNIQUE_STEPS, STATIONARY,
                   _on_ground_truth(": Eq. 19's values found among the learned sigma_i^2",
                                    partial(param_check, "sigma"))),
            control=Control("the two branches of Eq. 19 swapped", partial(param_check, "sigma", "swapped"))),
        *erratum(
            _on_theorem2(
                "encvar.thm2_sigma_beyond_rank", "Theorem 2: sigma_i* = 0 for i > min(d0, d2)", ("19",),
                sp.Eq(sp.Symbol(r"\sigma_{i>d^*}^*"), 0), assumptions=(*COMMON, "d1 > min(d0, d2)"),
                steps=(_on_ground_truth(" (the 31 instances with d1 > d*): learned sigma_i^2 as a multiset",
                                        lambda: refine_with_minimal(param_check("beyond_rank", "printed"),
                                                                    minimal_beyond_rank)),),
                control=HALF_ETA_BEYOND_RANK),
            _on_theorem2(
                "encvar.thm2_sigma_beyond_rank_corrected", "Corrected: sigma_i* = eta_enc for i > min(d0, d2) (zeta_i "
                "= 0: the latent stays at the prior)", ("19",), sp.Eq(sp.Symbol(r"\sigma_{i>d^*}^*"), eta_enc),
                result="Theorem 2, corrected", assumptions=(*COMMON, "d1 > min(d0, d2)"),
                steps=(*MODE_STEPS, *UNIQUE_STEPS,
                       Step("Prop. 3 on the region zeta = 0: l_i'(eta_enc) = 0", partial(mode_step, "stationary")),
                       _on_ground_truth(" (d1 > d*): learned sigma_i^2 as a multiset",
                                        partial(param_check, "beyond_rank", "corrected"))),
                control=HALF_ETA_BEYOND_RANK),
            cause="zero-mode-variance", severity="substantive",
            reason="sigma_i* = eta_enc, not 0, for i > d*: another minimizer (sigma_i -> 0 sends the loss to +oo)",
        ),
        *erratum(
            _on_theorem2(
                "encvar.thm2_minimizers", "Theorem 2, Eq. 15-16, 19: (U* = F Lambda P, Phi^{1/2} P_A^T W* = G Theta P, "
                "Sigma* = diag(sigma_i*^2)) is a global minimizer for every orthogonal P", ("15", "16", "19"),
                (sp.Eq(U_, sp.Symbol(r"F\Lambda P")), encoder_set,
                 sp.Eq(Sig_, sp.Symbol(r"\mathrm{diag}(\sigma_i^{*2})"))),
                assumptions=(*COMMON, "P an arbitrary orthogonal d1 x d1 matrix", "checked where d1 <= d*, so that "
                             "Eq. 19 specifies Sigma* (i > d*: encvar.thm2_sigma_beyond_rank)"),
                steps=(_on_ground_truth(" (those with d1 <= d*, where Eq. 19 gives every sigma_i*): members with P "
                                        "Haar-random (and a random null-space part of W) vs the minimum",
                                        lambda: refine_with_minimal(set_check("any"), minimal_minimizer_set)),),
                control=Control("members with P dropped from W (Phi^{1/2} P_A^T W = G Theta), P aligned",
                                partial(set_check, "aligned_w_without_p"))),
            _on_theorem2(
                "encvar.thm2_minimizers_corrected", "Corrected Theorem 2: the minimizers are U* = F Lambda P, "
                "Phi^{1/2} P_A^T W* = G Theta P, Sigma* = P^T diag(sigma_i*^2) P, P orthogonal with P^T diag(sigma*^2) "
                "P diagonal (a signed permutation times rotations within groups of equal sigma_i*)", ("15", "16", "19"),
                (sp.Eq(U_, sp.Symbol(r"F\Lambda P")), encoder_set,
                 sp.Eq(Sig_, sp.Symbol(r"P^\top\mathrm{diag}(\sigma_i^{*2})P"))),
                result="Theorem 2, corrected",
                assumptions=(*COMMON, "P^T diag(sigma*^2) P diagonal", "equivalently Sigma* = beta eta_dec^2 eta_enc^2 "
                             "(eta_enc^2 U*^T U* + beta eta_dec^2 I)^{-1}"),
                steps=(*AT_OPTIMUM,
                       Step("one mode: lambda_i (Eq. 17)", partial(theorem2_mode, "lambda")),
                       Step("one mode: theta_i (Eq. 18)", partial(theorem2_mode, "theta")),
                       _on_ground_truth(": members drawn from the set attain the minimum; minimizers found satisfy the "
                                        "coupling of Sigma and U", partial(set_check, "aligned"))),
                control=Control("members with P dropped from W", partial(set_check, "aligned_w_without_p"))),
            cause="rotation-freedom", severity="substantive",
            reason="with distinct sigma_i* a generic orthogonal P gives a point above the minimum: the set of "
                   "minimizers is smaller",
        ),
        *erratum(
            Claim(
                id="encvar.cor2",
                title="Corollary 2, Eq. 43 as printed: 2 eta_dec^2 min L_VAE = sum_{i<=d*} zeta_i^2 - sum_{i<=d1, "
                      "zeta_i^2 > b} zeta_i^2 (1 + (b/zeta_i^2)(log(b/zeta_i^2) - 1)), b = beta eta_dec^2",
                ref=wz("App. D", ("43",), "Corollary 2"),
                statement=sp.Eq(min_lvae, (sp.Sum(zeta_i**2, (i, 1, dstar)) - sp.Sum(reduction, (i, 1, d1)))
                                / (2 * eta_dec**2)),
                assumptions=COMMON,
                printed="the sum of zeta_i^2 stands where E||y||^2 should (Prop. 1's dropped constant)",
                steps=(*MODE_LOSS_STEPS,
                       _on_ground_truth(": the minimum found vs Eq. 43",
                                        lambda: refine_with_minimal(minimum_check("printed"), minimal_cor2))),
                control=Control("Eq. 43 with log(b/zeta^2) + 1", partial(minimum_check, "control")),
            ),
            Claim(
                id="encvar.cor2_corrected",
                title="Corrected Corollary 2: 2 eta_dec^2 min L_VAE = E||y||^2 - sum_{i<=d1, zeta_i^2 > b} zeta_i^2 "
                      "(1 + (b/zeta_i^2)(log(b/zeta_i^2) - 1)); Eq. 43 holds iff y = Z x_tilde on the data",
                ref=wz("App. D", ("43",), "Corollary 2, corrected"),
                statement=sp.Eq(min_lvae, (Ey2 - sp.Sum(reduction, (i, 1, d1))) / (2 * eta_dec**2)),
                assumptions=COMMON,
                steps=(*MODE_LOSS_STEPS,
                       _on_ground_truth(": the minimum found vs the corrected formula",
                                        partial(minimum_check, "corrected")),
                       Step("ground truth: Eq. 43 as printed holds exactly on the instances with c = 0 (y = Z x_tilde: "
                            "y linear in x, y = x) and fails on every instance with c > 0",
                            printed_minimum_iff_linear, corroborating=True)),
                control=Control("the sum over every i <= d* instead of i <= d1 (index shifted)",
                                partial(minimum_check, "all_modes")),
            ),
            cause="residual-c-omitted", parameters=("U", "W", "Sigma",),
        ),
        _on_theorem2(
            "encvar.collapse_unchanged", "Remark (a) after Theorem 2: the conditions of complete / partial collapse "
            "are the same with sigma_i = eta_enc and with a learnable Sigma: mode i collapses iff zeta_i^2 <= beta "
            "eta_dec^2", ("10", "17"), sp.Equivalent(sp.Eq(lam, 0), sp.LessThan(zeta**2, THRESHOLD)),
            result="Theorem 2, remark (a)",
            assumptions=(*COMMON, "fixed case: sigma_i = eta_enc for all i (Theorem 1), derived from the same model"),
            steps=(*MODE_STEPS,
                   Step("one mode: lambda_i = 0 with sigma_i = eta_enc <=> lambda_i = 0 with learned sigma_i",
                        partial(collapse_mode, "same_set")),
                   Step("one mode: lambda_i = 0 <=> zeta_i^2 <= beta eta_dec^2", partial(collapse_mode, "condition")),
                   Step("ground truth, fixed sigma_i = eta_enc vs learned Sigma, same instances: equal numbers of "
                        "collapsed modes, equal to the predicted count", collapse_check)),
            control=Control("collapse iff zeta_i^2 < beta eta_dec^2 (strict)", partial(collapse_mode, "control"))),
        _on_theorem2(
            "encvar.norms_bounded", "Remark (b) after Theorem 2: with learnable Sigma the layers no longer scale with "
            "sqrt(beta) eta_dec: lambda_i <= zeta_i/eta_enc and theta_i <= eta_enc for every beta, eta_dec (finite "
            "limits as beta eta_dec^2 -> 0)", ("10", "17", "18"),
            (sp.LessThan(lam, zeta / eta_enc), sp.LessThan(th, eta_enc)), result="Theorem 2, remark (b)",
            steps=(*AT_OPTIMUM,
                   Step("one mode: lambda_i^2 <= zeta_i^2/eta_enc^2", partial(norm_mode, "lambda_bound")),
                   Step("one mode: theta_i^2 <= eta_enc^2", partial(norm_mode, "theta_bound")),
                   Step("limits as beta -> 0", partial(norm_mode, "limits")),
                   _on_ground_truth(": squared norms of U and V vs the bounds", norm_check)),
            control=Control("the same bound theta_i <= eta_enc for the fixed-sigma optimum (Eq. 10)",
                            partial(norm_mode, "fixed_sigma_control"))),
        _on_theorem2(
            "encvar.soft_threshold", "Remark after Theorem 2: beta eta_dec^2 removes every mode with zeta_i^2 <= beta "
            "eta_dec^2 and shrinks the rest: the learned map's singular values are zeta_i (1 - beta eta_dec^2/"
            "zeta_i^2)_+ (continuous at the threshold, like soft thresholding), while d1 cuts modes without shrinking "
            "the others", ("17", "18"),
            sp.Eq(sp.Symbol(r"\lambda_i\theta_i"), sp.Piecewise(((zeta**2 - THRESHOLD) / zeta, zeta**2 > THRESHOLD),
                                                                (0, True))),
            result="Theorem 2, remark", assumptions=(*COMMON, "the learned map on whitened inputs is U* V*^T"),
            printed="'similar to soft thresholding': the shrinkage b/zeta_i decreases with zeta_i (a non-negative "
                    "garrote), unlike the constant shift of soft thresholding",
            steps=(*AT_OPTIMUM,
                   Step("one mode: lambda_i theta_i = (zeta_i^2 - b)_+/zeta_i", partial(theorem2_mode, "product")),
                   Step("one mode: removed <=> zeta_i^2 <= b", partial(threshold_mode, "removed")),
                   Step("one mode: 0 < lambda_i theta_i < zeta_i when zeta_i^2 > b",
                        partial(threshold_mode, "shrunk")),
                   _on_ground_truth(": singular values of U V^T", threshold_check)),
            control=Control("hard thresholding: singular values zeta_i 1[zeta_i^2 > b]",
                            partial(threshold_check, True))),
    ]
