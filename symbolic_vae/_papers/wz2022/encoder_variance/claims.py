"""The claim table of the section: ``claims()``, in ledger order, each claim's steps and control pointing to the
checks of the sibling modules, and the printed/corrected pairs declared with ``erratum``."""

from __future__ import annotations

from functools import partial
from typing import Any

import sympy as sp

import symbolic_vae._papers.wz2022.encoder_variance.forms as forms
from symbolic_vae._core.claim import Check, Claim, Control, PaperRef, Step, equation, erratum
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
    dimension_pruning_check,
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
COMMON = (r"$\beta$, $\eta_{\mathrm{enc}}$, $\eta_{\mathrm{dec}} > 0$", r"$\Sigma$ diagonal, positive, learnable",
          r"$\zeta_1 \geq \dots \geq \zeta_{d^*} \geq 0$, $\zeta_i = 0$ for $i > d^* = \min(d_0, d_2)$",
          "A possibly singular; y any function of x")
GROUND_TRUTH = (r"ground truth: min of the model's loss over U, W, $\Sigma$ (multistart, float64) on 63 instances: 6 "
                r"shapes with $d_1 <$, =, $> d^*$, singular A, distinct / tied / zero $\zeta$, $\beta$ below, at and "
                r"above $\zeta^2 = \beta \eta_{\mathrm{dec}}^2$, $\eta \neq 1$, y nonlinear in x, linear in x, y = x")
MODE_STEPS = (Step(r"$l_i(\sigma)$ of Eq. 92 = min over one mode's (u, v) of $2 \eta_{\mathrm{dec}}^2 "
                   r"L_{\mathrm{VAE}}$, derived from the model ($v^*$ by convexity in v, then $t^* = u^{*2}$ on the "
                   "convex g(t), region by region)",
                   mode_derivation_check),)
UNIQUE_STEPS = (Step(r"$l_i''(\sigma) > 0$ on both sides of the kink", partial(mode_step, "curvature")),
                Step(r"$l_i'(\sigma)$ continuous at the kink, so $l_i$' is strictly increasing on (0, $\infty$)",
                     partial(mode_step, "continuity")))
STATIONARY = Step(r"Prop. 3: $l_i'(\sigma^*) = 0$", partial(mode_step, "stationary"))
AT_OPTIMUM = (*MODE_STEPS, STATIONARY)
"""The mode derived from the model, at Prop. 3's sigma*: the first steps of every claim on Theorem 2's minimum."""
MODE_LOSS_STEPS = (*MODE_STEPS, Step(r"one mode: $l_i(\sigma^*) = \zeta_i^2$ - Eq. 43 summand",
                                     partial(theorem2_mode, "mode_loss")))
INACTIVE_BRANCH = Step(r"$\sigma = \eta_{\mathrm{enc}}$ solves the inactive branch of l' = 0 (Eq. 98)",
                       partial(case_step, "eq99"))
DERIVED_L = ("$l_i$ as in Eq. 92", r"$\sigma > 0$")
PRUNED_INPUT_DIMENSION = Control(r"the count $d_0 - d_1$ (the input dimension for the rank of Z)",
                                 partial(dimension_pruning_check, "input_dimension"))
HALF_ETA_BEYOND_RANK = Control(r"$\sigma_i^* = \eta_{\mathrm{enc}}/2$ for $i > d^*$",
                               partial(param_check, "beyond_rank", "control"))


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
    constant = equation(C, (Ey2 - sp.Sum(zeta_i**2, (i, 1, d1))) / (2 * eta_dec**2))
    dl = sp.Symbol(r"l_i'(\sigma)")
    return [
        *erratum(
            _on_theorem2(
                "encvar.reduced_objective",
                r"Eq. 12 as printed: for every diagonal $\Sigma$, min over (U, W) of $L_{\mathrm{VAE}} = "
                r"(1/2\eta_{\mathrm{dec}}^2) \sum_i l_i(\sigma_i)$ + constant, $\zeta_i$ paired with $\sigma_i$ in "
                "index order", ("11", "12"),
                equation(lmin, sp.Sum(li_i, (i, 1, d1)) / (2 * eta_dec**2) + C), result="Eq. 12",
                assumptions=(*COMMON, r"$\Sigma$ fixed but arbitrary (Eq. 12 is then minimized over $\Sigma$)"),
                printed=r"the pairing of $\zeta_i$ with $\sigma_i$ is by index; the constant is not given",
                steps=(*MODE_STEPS,
                       Step(r"latent relabelling leaves $L_{\mathrm{VAE}}$ unchanged, so min over (U, W) is a "
                            r"symmetric function of ($\sigma_1$, ..., $\sigma_{d_1}$)", relabel_check),
                       Step(r"ground truth at fixed $\Sigma$ (random unsorted $\Sigma$ and its reversal, $\sigma_i = "
                            r"\eta_{\mathrm{enc}}$), with the constant C made explicit",
                            lambda: refine_with_minimal(reduced_check("index"), minimal_reduced_objective))),
                control=Control(r"$\zeta_i$ paired with $\sigma$ sorted in decreasing order",
                                lambda: reduced_check("reversed"))),
            _on_theorem2(
                "encvar.reduced_objective_sorted",
                r"Corrected Eq. 12: min over (U, W) of $L_{\mathrm{VAE}} = (1/2\eta_{\mathrm{dec}}^2) \sum_i "
                r"l_i(\sigma_{(i)}) + C$, the i-th largest $\zeta$ paired with the i-th smallest $\sigma$, C = "
                r"($\mathbb{E}\lVert y\rVert^2 - \sum_{i\leq d_1} \zeta_i^2)/(2\eta_{\mathrm{dec}}^2$); hence min "
                r"over $\Sigma$ separates into $\min l_i$", ("11", "12"),
                (equation(lmin, sp.Sum(li_i.xreplace({sig_i: sorted_sig}), (i, 1, d1)) / (2 * eta_dec**2) + C),
                 constant),
                result="Eq. 12, corrected",
                assumptions=(*COMMON,
                             r"$\sigma_{(1)} \leq \dots \leq \sigma_{(d_1)}$: the entries of $\Sigma$ sorted "
                             "ascending"),
                steps=(*MODE_STEPS,
                       Step(r"latent relabelling leaves $L_{\mathrm{VAE}}$ unchanged", relabel_check),
                       Step((r"ground truth at fixed $\Sigma$: random unsorted $\Sigma$, its reversal, $\sigma_i = "
                             r"\eta_{\mathrm{enc}}$"),
                            lambda: reduced_check("sorted"))),
                control=Control((r"the constant with $\lVert Z\rVert_F^2$ in place of $\mathbb{E}\lVert y\rVert^2$ "
                                 "(Prop. 1 as printed)"),
                                lambda: reduced_check("sorted_without_c"))),
            cause="index-pairing", severity="substantive",
            reason=r"with index pairing Eq. 12 is not the minimum over (U, W) for unsorted $\Sigma$, so the minimizer "
                   r"over $\Sigma$ changes",
        ),
        _on_theorem2(
            "encvar.prop3",
            r"Proposition 3: $\sigma_i^* = \sqrt{\beta} \eta_{\mathrm{dec}} \eta_{\mathrm{enc}}/\zeta_i$ if $\beta "
            r"\eta_{\mathrm{dec}}^2 < \zeta_i^2$, else $\eta_{\mathrm{enc}}$, is the unique minimizer of $l_i$ over "
            r"$\sigma > 0$", ("14", "92"),
            equation(sp.Symbol(r"\sigma_i^*"), forms.printed_sigma_star()), result="Proposition 3",
            assumptions=(r"$\beta$, $\eta_{\mathrm{enc}}$, $\eta_{\mathrm{dec}} > 0$",
                         r"$\zeta_i \geq 0$ ($\zeta_i = 0$ included)",
                         "$l_i$ as derived from the model (Eq. 92)"),
            steps=(Step((r"$l_i'(\sigma^*) = 0$ on every region ($\zeta^2 >$, = , $< \beta \eta_{\mathrm{dec}}^2$, "
                         r"$\zeta = 0$)"),
                        partial(mode_step, "stationary")),
                   *UNIQUE_STEPS, *MODE_STEPS,
                   _on_ground_truth(r": the learned $\sigma_i^2$ contain Eq. 14's values",
                                    partial(param_check, "sigma"),
                                    corroborating=True)),
            control=Control("the two branches of Eq. 14 swapped", partial(prop3_check, swap=True))),
        *erratum(
            _on_proof_of_prop3(
                "encvar.prop3_derivative",
                r"Eq. 93: $l_i'(\sigma) = 1[\zeta > a \sigma ](\zeta - a \sigma) a + (\beta "
                r"\eta_{\mathrm{dec}}^2/\eta_{\mathrm{enc}}^2)(\sigma - \eta_{\mathrm{enc}}^2/\sigma), a = "
                r"\sqrt{\beta} \eta_{\mathrm{dec}}/\eta_{\mathrm{enc}}$", ("92", "93"),
                equation(dl, forms.printed_eq93()), assumptions=DERIVED_L,
                steps=(*MODE_STEPS, Step(r"$d l_i/d \sigma$ of the derived $l_i$ vs Eq. 93", derivative_check)),
                control=Control((r"Eq. 93 with $\sigma + \eta_{\mathrm{enc}}^2/\sigma$ (sign of the log term's "
                                 "derivative flipped)"),
                                partial(derivative_check, 1, 1))),
            _on_proof_of_prop3(
                "encvar.prop3_derivative_corrected",
                r"Corrected Eq. 93: $l_i'(\sigma)$ is twice the printed expression (the sign, hence the argument, is "
                "unchanged)", ("93",), equation(dl, forms.printed_eq93(2)),
                assumptions=DERIVED_L, part="corrected",
                steps=(Step(r"$d l_i/d\sigma = 2 \times$ Eq. 93", partial(derivative_check, 2)), *MODE_STEPS),
                control=Control(r"2 x Eq. 93 with $\sigma + \eta_{\mathrm{enc}}^2/\sigma$",
                                partial(derivative_check, 2, 1))),
            cause="dropped-factor", severity="notation",
            reason=r"$l_i$' is twice the printed expression; its sign, hence $\sigma^*$, is unchanged",
        ),
        _on_proof_of_prop3(
            "encvar.prop3_bracket",
            r"Proof of Prop. 3: $l_i$' is increasing, $l_i'(\sigma_-) < 0 < l_i'(\sigma_+)$, and Eq. 94 "
            "(non-decreasing LHS = decreasing RHS) is $l_i$' = 0, so it has a unique solution", ("93", "94"),
            (sp.StrictLessThan(sp.Symbol(r"l_i'(\sigma_-)"), 0), sp.StrictGreaterThan(sp.Symbol(r"l_i'(\sigma_+)"), 0),
             equation(sp.Symbol(r"\sigma_-"), forms.SIGMA_MINUS), equation(sp.Symbol(r"\sigma_+"), forms.SIGMA_PLUS),
             equation(forms.EQ94_LHS, forms.EQ94_RHS)),
            assumptions=((r"$\zeta_i > 0$ ($\sigma_-$ divides by $\zeta_i$; at $\zeta_i = 0$, $\sigma_- = 0$ is not "
                          "in the domain)"),
                         r"$\beta$, $\eta_{\mathrm{enc}}$, $\eta_{\mathrm{dec}} > 0$"),
            printed=r"$\sigma_+ = 2 \max(\zeta \eta_{\mathrm{enc}}/(\sqrt{\beta} \eta_{\mathrm{dec}}), 2 "
                    r"\eta_{\mathrm{enc}})$ as printed (the inner 2 is harmless)",
            steps=(Step(r"$l_i'(\sigma_-) < 0$ on every region of $\zeta > 0$", partial(bracket_step, "minus")),
                   Step(r"$l_i'(\sigma_+) > 0$ on every region of $\zeta > 0$ (q vs 1 and 2)",
                        partial(bracket_step, "plus")),
                   Step(r"Eq. 94: LHS - RHS = $l_i'(\sigma)/2$", partial(bracket_step, "eq94")),
                   Step("Eq. 94: LHS non-decreasing, RHS decreasing", partial(bracket_step, "eq94_monotone")),
                   *UNIQUE_STEPS, *MODE_STEPS),
            control=Control(r"$\sigma_- = 2$ min(...) (factor 4 too large)",
                            partial(bracket_step, "minus", sp.Integer(2)))),
        _on_proof_of_prop3(
            "encvar.prop3_case1",
            r"Eq. 95-97: on the active branch $\sigma^* = \sqrt{\beta} \eta_{\mathrm{dec}} "
            r"\eta_{\mathrm{enc}}/\zeta_i$, and it lies on that branch iff $\beta \eta_{\mathrm{dec}}^2 < \zeta_i^2$",
            ("95", "96", "97"),
            (equation(sp.Symbol(r"\sigma^*"), forms.SIGMA_CASE1), sp.Equivalent(*forms.EQ97)),
            assumptions=(r"$\zeta_i > 0$",),
            part="case 1",
            steps=(Step("Eq. 97, both directions", partial(case_step, "eq97")),
                   Step((r"$\sigma = \sqrt{\beta} \eta_{\mathrm{dec}} \eta_{\mathrm{enc}}/\zeta$ solves the active "
                         "branch of l' = 0 (Eq. 95)"),
                        partial(case_step, "eq96"))),
            control=Control(r"Eq. 97 with $\beta \eta_{\mathrm{dec}}^2 \leq \zeta^2$",
                            partial(case_step, "eq97_weak"))),
        *erratum(
            _on_proof_of_prop3(
                "encvar.prop3_case2",
                r"Eq. 98-100 as printed: $\sigma^* = \eta_{\mathrm{enc}}$ on the inactive branch, which holds since "
                r"$\eta_{\mathrm{enc}} > \zeta \eta_{\mathrm{enc}}/(\sqrt{\beta} \eta_{\mathrm{dec}}) \Leftrightarrow "
                r"\beta \eta_{\mathrm{dec}}^2 \geq \zeta^2$", ("98", "99", "100"),
                (equation(sp.Symbol(r"\sigma^*"), eta_enc), sp.Equivalent(*forms.EQ100)),
                assumptions=(r"$\zeta_i \geq 0$",),
                part="case 2", printed=r"strict '$>$' on the left, '$\geq$' on the right of Eq. 100",
                steps=(INACTIVE_BRANCH, Step("Eq. 100, both directions", partial(case_step, "eq100"))),
                control=Control(r"Eq. 100 with $\beta \eta_{\mathrm{dec}}^2 < \zeta^2$ on the right",
                                partial(case_step, "eq100_flipped"))),
            _on_proof_of_prop3(
                "encvar.prop3_case2_corrected",
                r"Corrected Eq. 100: the case-2 condition $\sigma^* \geq$ kink reads $\eta_{\mathrm{enc}} \geq \zeta "
                r"\eta_{\mathrm{enc}}/(\sqrt{\beta} \eta_{\mathrm{dec}}) \Leftrightarrow \beta \eta_{\mathrm{dec}}^2 "
                r"\geq \zeta^2$", ("100",),
                sp.Equivalent(*forms.EQ100_CORRECTED), assumptions=(r"$\zeta_i \geq 0$",), part="case 2, corrected",
                steps=(Step("corrected Eq. 100, both directions", partial(case_step, "eq100_corrected")),
                       INACTIVE_BRANCH),
                control=Control(r"corrected Eq. 100 with $\beta \eta_{\mathrm{dec}}^2 > \zeta^2$ on the right",
                                partial(case_step, "eq100_corrected_strict"))),
            cause="strict-vs-nonstrict", severity="boundary-only",
            reason=(r"the strict '$>$' fails only where $\beta \eta_{\mathrm{dec}}^2 = \zeta^2$, the boundary of the "
                    "inactive branch"),
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
    encoder_set = equation(sp.Symbol(r"\Phi^{1/2}P_A^\top W^*"), sp.Symbol(r"G\Theta P"))
    return [
        _singular_values(
            "encvar.thm2_lambda",
            r"Theorem 2, Eq. 17: the singular values of $U^*$ are $\lambda_i = \sqrt{\max(0, \zeta_i^2 - \beta "
            r"\eta_{\mathrm{dec}}^2)}/\eta_{\mathrm{enc}}$", ("15", "17"), equation(lam, forms.LAMBDA_STAR),
            of="lambda",
            one_mode=r"one mode: $\sqrt{t (\sigma^*)}$ = Eq. 17 on every region", matrix="U",
            perturbed=r"$\lambda_i$ with $\eta_{\mathrm{enc}}$ in place of $1/\eta_{\mathrm{enc}}$"),
        _singular_values(
            "encvar.thm2_theta",
            r"Theorem 2, Eq. 18: the singular values of $V^* = \Phi^{1/2} P_A^\top W^*$ are $\theta_i = "
            r"(\eta_{\mathrm{enc}}/\zeta_i) \sqrt{\max(0, \zeta_i^2 - \beta \eta_{\mathrm{dec}}^2)}$ (0 when $\zeta_i "
            "= 0$)", ("16", "18"),
            equation(th, forms.THETA_STAR), of="theta",
            one_mode=r"one mode: $v (\lambda_i)$ = Eq. 18 on every region ($\zeta = 0$ included)", matrix="V",
            perturbed=r"$\theta_i$ with $\zeta_i/\eta_{\mathrm{enc}}$ in place of $\eta_{\mathrm{enc}}/\zeta_i$"),
        _on_theorem2(
            "encvar.thm2_sigma",
            r"Theorem 2, Eq. 19: for $i \leq \min(d_0, d_2)$, $\sigma_i^*$ of the global minimum is Prop. 3's",
            ("19",), equation(s_star, forms.printed_sigma_star()), assumptions=(*COMMON, r"$i \leq \min(d_0, d_2)$"),
            steps=(*MODE_STEPS, *UNIQUE_STEPS, STATIONARY,
                   _on_ground_truth(r": Eq. 19's values found among the learned $\sigma_i^2$",
                                    partial(param_check, "sigma"))),
            control=Control("the two branches of Eq. 19 swapped", partial(param_check, "sigma", "swapped"))),
        *erratum(
            _on_theorem2(
                "encvar.thm2_sigma_beyond_rank", r"Theorem 2: $\sigma_i^* = 0$ for $i > \min(d_0, d_2)$", ("19",),
                equation(sp.Symbol(r"\sigma_{i>d^*}^*"), 0), assumptions=(*COMMON, r"$d_1 > \min(d_0, d_2)$"),
                steps=(_on_ground_truth(r" (the 31 instances with $d_1 > d^*$): learned $\sigma_i^2$ as a multiset",
                                        lambda: refine_with_minimal(param_check("beyond_rank", "printed"),
                                                                    minimal_beyond_rank)),),
                control=HALF_ETA_BEYOND_RANK),
            _on_theorem2(
                "encvar.thm2_sigma_beyond_rank_corrected",
                r"Corrected: $\sigma_i^* = \eta_{\mathrm{enc}}$ for $i > \min(d_0, d_2)$ ($\zeta_i = 0$: the latent "
                "stays at the prior)", ("19",), equation(sp.Symbol(r"\sigma_{i>d^*}^*"), eta_enc),
                result="Theorem 2, corrected", assumptions=(*COMMON, r"$d_1 > \min(d_0, d_2)$"),
                steps=(*MODE_STEPS, *UNIQUE_STEPS,
                       Step(r"Prop. 3 on the region $\zeta = 0$: $l_i'(\eta_{\mathrm{enc}}) = 0$",
                            partial(mode_step, "stationary")),
                       _on_ground_truth(r" ($d_1 > d^*$): learned $\sigma_i^2$ as a multiset",
                                        partial(param_check, "beyond_rank", "corrected"))),
                control=HALF_ETA_BEYOND_RANK),
            cause="zero-mode-variance", severity="substantive",
            reason=(r"$\sigma_i^* = \eta_{\mathrm{enc}}$, not 0, for $i > d^*$: another minimizer ($\sigma_i \to 0$ "
                    r"sends the loss to $+\infty$)"),
        ),
        *erratum(
            _on_theorem2(
                "encvar.thm2_minimizers",
                r"Theorem 2, Eq. 15-16, 19: ($U^* = F \Lambda P$, $\Phi^{1/2} P_A^\top W^* = G \Theta P$, $\Sigma^* = "
                r"\mathrm{diag}(\sigma_i^{*2})$) is a global minimizer for every orthogonal P",
                ("15", "16", "19"),
                (equation(U_, sp.Symbol(r"F\Lambda P")), encoder_set,
                 equation(Sig_, sp.Symbol(r"\mathrm{diag}(\sigma_i^{*2})"))),
                assumptions=(*COMMON, r"P an arbitrary orthogonal $d_1 \times d_1$ matrix",
                             r"checked where $d_1 \leq d^*$, so that Eq. 19 specifies $\Sigma^*$ ($i > d^*$: "
                             "encvar.thm2_sigma_beyond_rank)"),
                steps=(_on_ground_truth(r" (those with $d_1 \leq d^*$, where Eq. 19 gives every $\sigma_i^*$): "
                                        "members with P Haar-random (and a random null-space part of W) vs the minimum",
                                        lambda: refine_with_minimal(set_check("any"), minimal_minimizer_set)),),
                control=Control(r"members with P dropped from W ($\Phi^{1/2} P_A^\top W = G \Theta$), P aligned",
                                partial(set_check, "aligned_w_without_p"))),
            _on_theorem2(
                "encvar.thm2_minimizers_corrected",
                r"Corrected Theorem 2: the minimizers are $U^* = F \Lambda P$, $\Phi^{1/2} P_A^\top W^* = G \Theta "
                r"P$, $\Sigma^* = P^\top \mathrm{diag}(\sigma_i^{*2}) P$, P orthogonal with $P^\top "
                r"\mathrm{diag}(\sigma^{*2}) P$ diagonal (a signed permutation times rotations within groups of equal "
                r"$\sigma_i^*$)", ("15", "16", "19"),
                (equation(U_, sp.Symbol(r"F\Lambda P")), encoder_set,
                 equation(Sig_, sp.Symbol(r"P^\top\mathrm{diag}(\sigma_i^{*2})P"))),
                result="Theorem 2, corrected",
                assumptions=(*COMMON,
                             r"$P^\top \mathrm{diag}(\sigma^{*2}) P$ diagonal",
                             r"equivalently $\Sigma^* = \beta \eta_{\mathrm{dec}}^2 \eta_{\mathrm{enc}}^2 "
                             r"(\eta_{\mathrm{enc}}^2 U^{*\top} U^* + \beta \eta_{\mathrm{dec}}^2 I)^{-1}$"),
                steps=(*AT_OPTIMUM,
                       Step(r"one mode: $\lambda_i$ (Eq. 17)", partial(theorem2_mode, "lambda")),
                       Step(r"one mode: $\theta_i$ (Eq. 18)", partial(theorem2_mode, "theta")),
                       _on_ground_truth(": members drawn from the set attain the minimum; minimizers found satisfy "
                                        r"the coupling of $\Sigma$ and U", partial(set_check, "aligned"))),
                control=Control("members with P dropped from W", partial(set_check, "aligned_w_without_p"))),
            cause="rotation-freedom", severity="substantive",
            reason=r"with distinct $\sigma_i^*$ a generic orthogonal P gives a point above the minimum: the set of "
                   "minimizers is smaller",
        ),
        *erratum(
            Claim(
                id="encvar.cor2",
                title=r"Corollary 2, Eq. 43 as printed: $2 \eta_{\mathrm{dec}}^2 \min L_{\mathrm{VAE}} = \sum_{i\leq "
                      r"d^*} \zeta_i^2 - \sum_{i \le d_1,\, \zeta_i^2 > b} \zeta_i^2 (1 + (b/\zeta_i^2)"
                      r"(\log(b/\zeta_i^2) - 1))$, $b = \beta \eta_{\mathrm{dec}}^2$",
                ref=wz("App. D", ("43",), "Corollary 2"),
                statement=equation(min_lvae, (sp.Sum(zeta_i**2, (i, 1, dstar)) - sp.Sum(reduction, (i, 1, d1)))
                                / (2 * eta_dec**2)),
                assumptions=COMMON,
                printed=(r"the sum of $\zeta_i^2$ stands where $\mathbb{E}\lVert y\rVert^2$ should (Prop. 1's dropped "
                         "constant)"),
                steps=(*MODE_LOSS_STEPS,
                       _on_ground_truth(": the minimum found vs Eq. 43",
                                        lambda: refine_with_minimal(minimum_check("printed"), minimal_cor2))),
                control=Control(r"Eq. 43 with $\log(b/\zeta^2) + 1$", partial(minimum_check, "control")),
            ),
            Claim(
                id="encvar.cor2_corrected",
                title=r"Corrected Corollary 2: $2 \eta_{\mathrm{dec}}^2 \min L_{\mathrm{VAE}} = \mathbb{E}\lVert "
                      r"y\rVert^2 - \sum_{i \le d_1,\, \zeta_i^2 > b} \zeta_i^2 (1 + (b/\zeta_i^2)(\log(b/\zeta_i^2) - "
                      r"1))$; Eq. 43 holds iff $y = Z \tilde x$ on the data",
                ref=wz("App. D", ("43",), "Corollary 2, corrected"),
                statement=equation(min_lvae, (Ey2 - sp.Sum(reduction, (i, 1, d1))) / (2 * eta_dec**2)),
                assumptions=COMMON,
                steps=(*MODE_LOSS_STEPS,
                       _on_ground_truth(": the minimum found vs the corrected formula",
                                        partial(minimum_check, "corrected")),
                       Step("ground truth: Eq. 43 as printed holds exactly on the instances with c = 0 ($y = Z "
                            r"\tilde{x}$: y linear in x, y = x) and fails on every instance with $c > 0$",
                            printed_minimum_iff_linear, corroborating=True)),
                control=Control(r"the sum over every $i \leq d^*$ instead of $i \leq d_1$ (index shifted)",
                                partial(minimum_check, "all_modes")),
            ),
            cause="residual-c-omitted", parameters=("U", "W", "Sigma",),
        ),
        _on_theorem2(
            "encvar.collapse_unchanged",
            r"Remark (a) after Theorem 2: the conditions of complete / partial collapse are the same with $\sigma_i = "
            r"\eta_{\mathrm{enc}}$ and with a learnable $\Sigma$: mode i collapses iff $\zeta_i^2 \leq \beta "
            r"\eta_{\mathrm{dec}}^2$", ("10", "17"), sp.Equivalent(equation(lam, 0), sp.LessThan(zeta**2, THRESHOLD)),
            result="Theorem 2, remark (a)",
            assumptions=(*COMMON,
                         r"fixed case: $\sigma_i = \eta_{\mathrm{enc}}$ for all i (Theorem 1), derived from the same "
                         "model"),
            steps=(*MODE_STEPS,
                   Step((r"one mode: $\lambda_i = 0$ with $\sigma_i = \eta_{\mathrm{enc}} \Leftrightarrow \lambda_i = "
                         r"0$ with learned $\sigma_i$"),
                        partial(collapse_mode, "same_set")),
                   Step(r"one mode: $\lambda_i = 0 \Leftrightarrow \zeta_i^2 \leq \beta \eta_{\mathrm{dec}}^2$",
                        partial(collapse_mode, "condition")),
                   Step(r"ground truth, fixed $\sigma_i = \eta_{\mathrm{enc}}$ vs learned $\Sigma$, same instances: "
                        "equal numbers of collapsed modes, equal to the predicted count", collapse_check)),
            control=Control(r"collapse iff $\zeta_i^2 < \beta \eta_{\mathrm{dec}}^2$ (strict)",
                            partial(collapse_mode, "control"))),
        _on_theorem2(
            "encvar.norms_bounded",
            r"Remark (b) after Theorem 2: with learnable $\Sigma$ the layers no longer scale with $\sqrt{\beta} "
            r"\eta_{\mathrm{dec}}$: $\lambda_i \leq \zeta_i/\eta_{\mathrm{enc}}$ and $\theta_i \leq "
            r"\eta_{\mathrm{enc}}$ for every $\beta$, $\eta_{\mathrm{dec}}$ (finite limits as $\beta "
            r"\eta_{\mathrm{dec}}^2 \to 0$)", ("10", "17", "18"),
            (sp.LessThan(lam, zeta / eta_enc), sp.LessThan(th, eta_enc)), result="Theorem 2, remark (b)",
            steps=(*AT_OPTIMUM,
                   Step(r"one mode: $\lambda_i^2 \leq \zeta_i^2/\eta_{\mathrm{enc}}^2$",
                        partial(norm_mode, "lambda_bound")),
                   Step(r"one mode: $\theta_i^2 \leq \eta_{\mathrm{enc}}^2$", partial(norm_mode, "theta_bound")),
                   Step(r"limits as $\beta \to 0$", partial(norm_mode, "limits")),
                   _on_ground_truth(": squared norms of U and V vs the bounds", norm_check)),
            control=Control((r"the same bound $\theta_i \leq \eta_{\mathrm{enc}}$ for the fixed-$\sigma$ optimum (Eq. "
                             "10)"),
                            partial(norm_mode, "fixed_sigma_control"))),
        _on_theorem2(
            "encvar.soft_threshold",
            r"Remark after Theorem 2: $\beta \eta_{\mathrm{dec}}^2$ removes every mode with $\zeta_i^2 \leq \beta "
            r"\eta_{\mathrm{dec}}^2$ and shrinks the rest: the learned map's singular values are $\zeta_i (1 - \beta "
            r"\eta_{\mathrm{dec}}^2/\zeta_i^2)_+$ (continuous at the threshold, like soft thresholding), while $d_1$ "
            "cuts modes without shrinking the others", ("17", "18"),
            equation(sp.Symbol(r"\lambda_i\theta_i"), sp.Piecewise(((zeta**2 - THRESHOLD) / zeta, zeta**2 > THRESHOLD),
                                                                (0, True))),
            result="Theorem 2, remark", assumptions=(*COMMON,
                                                     r"the learned map on whitened inputs is $U^* V^{*\top}$"),
            printed=r"'similar to soft thresholding': the shrinkage $b/\zeta_i$ decreases with $\zeta_i$ (a "
                    "non-negative garrote), unlike the constant shift of soft thresholding",
            steps=(*AT_OPTIMUM,
                   Step(r"one mode: $\lambda_i \theta_i = (\zeta_i^2 - b)_+/\zeta_i$",
                        partial(theorem2_mode, "product")),
                   Step(r"one mode: removed $\Leftrightarrow \zeta_i^2 \leq b$", partial(threshold_mode, "removed")),
                   Step(r"one mode: $0 < \lambda_i \theta_i < \zeta_i$ when $\zeta_i^2 > b$",
                        partial(threshold_mode, "shrunk")),
                   _on_ground_truth(r": singular values of $U V^\top$", threshold_check)),
            control=Control(r"hard thresholding: singular values $\zeta_i 1[\zeta_i^2 > b]$",
                            partial(threshold_check, True))),
        *erratum(
            _on_theorem2(
                "encvar.dimension_pruning",
                r"Remark after Theorem 2 as printed: with $d_1 < d_0$ the smallest $d_1 - d_0$ singular values are "
                "pruned", ("17", "18"),
                equation(sp.Symbol(r"\#\text{pruned}"), sp.Symbol("d_1") - sp.Symbol("d_0")),
                result="Theorem 2, remark",
                printed=r"$d_1 - d_0 < 0$ when $d_1 < d_0$: a count cannot be negative",
                steps=(_on_ground_truth(r": the non-zero modes absent from $U V^\top$ on the instances with $d_1 < "
                                        r"d_0$ where $\beta$ removes no mode", partial(dimension_pruning_check,
                                                                                     "printed")),),
                control=PRUNED_INPUT_DIMENSION.of("the corrected count")),
            _on_theorem2(
                "encvar.dimension_pruning_corrected",
                r"Corrected remark: a latent dimension $d_1 < d^* = \mathrm{rank}(Z)$ prunes the smallest $d^* - "
                r"d_1$ non-zero singular values of Z (the modes $i > d_1$), however large; for $d_1 \geq d^*$ it "
                "prunes none", ("17", "18"),
                equation(sp.Symbol(r"\#\text{pruned}"), sp.Max(0, sp.Symbol("d^*") - sp.Symbol("d_1"))),
                result="Theorem 2, remark, corrected",
                steps=(_on_ground_truth(r": the non-zero modes absent from $U V^\top$ on the instances with $d_1 < "
                                        r"d_0$ where $\beta$ removes no mode ($d_1 <$ and $> d^*$)",
                                        partial(dimension_pruning_check, "corrected")),),
                control=PRUNED_INPUT_DIMENSION),
            cause="pruned-count", severity="substantive",
            reason=r"the stated count is negative for every $d_1 < d_0$; $d_0 - d_1$ is also wrong when $d^* < d_0$ "
                   r"($d_2 < d_0$ or a zero $\zeta_i$)",
        ),
    ]
