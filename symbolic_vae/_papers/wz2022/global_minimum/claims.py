"""The claim table of the section: ``claims()``, in ledger order, built from the forms and the checks."""

from __future__ import annotations

from functools import partial
from typing import Any

import sympy as sp

from symbolic_vae._core.claim import Check, Claim, Control, PaperRef, Step, equation, erratum, explain_survivors
from symbolic_vae._engine.rows import at_sizes, control_at_sizes
from symbolic_vae._model.lvm import beta, eta_dec, eta_enc
from symbolic_vae._papers.wz2022.global_minimum.checks_collapse import (
    COLLAPSE_PREDICATES,
    collapse_check,
    fixed_sigma_pair_check,
    one_mode_ground_truth_check,
    partial_printed_check,
    same_minimizers_check,
    small_beta_printed_check,
    survives_below_beta_check,
    thm1_ground_truth_check,
)
from symbolic_vae._papers.wz2022.global_minimum.checks_common import SIZES
from symbolic_vae._papers.wz2022.global_minimum.checks_ground_truth import thm1_rows
from symbolic_vae._papers.wz2022.global_minimum.checks_minimizers import (
    cor1_check,
    prop2_corrected_check,
    prop2_printed_check,
)
from symbolic_vae._papers.wz2022.global_minimum.checks_mode import (
    A_PRODUCT,
    FACTOR_K,
    beta_as_eta_dec_check,
    collapse_condition_check,
    derivative_check,
    eta_enc_free_check,
    identity_check,
    lambda_check,
    lambda_direction_check,
    mode_minimum_check,
    product_only_check,
    root_signs_check,
    roots_check,
    selection_check,
    theta_check,
    thm1_mode_check,
)
from symbolic_vae._papers.wz2022.global_minimum.checks_orthogonal import (
    svd_step_check,
    v_star_matrix_check,
    vn_equality_check,
    vn_inequality_check,
)
from symbolic_vae._papers.wz2022.global_minimum.checks_sizes import (
    at_sizes_check,
    diagonal_factors_identity,
    eq73_identity,
    eq77_identity,
    kappa_positive_check,
    sigma_z_nonzero_check,
)
from symbolic_vae._papers.wz2022.global_minimum.forms import (
    DJ_EQ83,
    DJ_EQ84,
    DJ_EQ85,
    J_PRINTED,
    KAPPA,
    LAMBDA_PRINTED,
    LAMBDA_THM1,
    SQRT_BETA,
    T1_PRINTED,
    T2_PRINTED,
    THETA_PRINTED,
    THETA_THM1,
    THRESHOLD,
    THRESHOLD_THM1,
    derived_mode,
    sigma,
    t,
    zeta,
)

# =====================================================================================================
# Claims
# =====================================================================================================
wz = partial(PaperRef, "wz2022")
FIXED = (r"$\Sigma = \mathrm{diag}(\sigma_i^2)$ fixed, $\sigma_i > 0$",
         r"$\beta$, $\eta_{\mathrm{enc}}$, $\eta_{\mathrm{dec}} > 0$",
         r"$\zeta_i = 0$ for $i > \min(d_0, d_2)$")
THM1_SETTING = (r"$\sigma_i = \eta_{\mathrm{enc}}$ for every i (Theorem 1)",
                r"$\beta$, $\eta_{\mathrm{enc}}$, $\eta_{\mathrm{dec}} > 0$",
                r"$\zeta_i = 0$ for $i > \min(d_0, d_2)$",
                "collapse of latent i: its column of $U^*$ (and of $V^*$) is 0 at a global minimum; complete "
                "collapse: $U^* = 0$, $V^* = 0$")
GROUND_TRUTH = (r"ground truth: $L_{\mathrm{VAE}}$ minimized directly over (U, W), compared through $L = 2 "
                r"\eta_{\mathrm{dec}}^2$ ($L_{\mathrm{VAE}} - l_{\mathrm{var}}$) - c (corrected Prop. 1)")
KEYS = list(COLLAPSE_PREDICATES)
COUPLING = r"\mathrm{Tr}[(Q\Lambda\Gamma^{-1}\Lambda^\top Q^\top)(F\Sigma_Z\Sigma_Z^\top F^\top)]"
TRACE_PAIRING = r"\mathrm{Tr}[(QDQ^\top)(FSF^\top)]"
MODES_STEP = Step(r"Eq. 81 at Q = F, P = I: $L(\Lambda, V(\Lambda)) = \lVert Z\rVert^2 + \sum_i J(\lambda_i^2; "
                  r"\zeta_i, \sigma_i)$ (every ($d_0$, $d_1$, $d_2$) up to 3)", lambda: at_sizes_check("modes"))
MODE_COLLAPSE_STEP = Step((r"one mode at $\sigma = \eta_{\mathrm{enc}}$: $t^* = 0$ iff $\zeta - \sqrt{\beta} "
                           r"\eta_{\mathrm{dec}} \leq 0$ (region by region)"),
                          lambda: collapse_condition_check(zeta - THRESHOLD_THM1 <= 0))
ANTI_SORTED = Control("the bound with D sorted increasingly against S decreasingly",
                      lambda: vn_inequality_check("anti"))
DESCENDING = Control(r"the largest $\sigma$ paired with the largest $\zeta$", lambda: cor1_check("descending"))
TO_RANK = Control(r"i running to $\min(d_0, d_2)$ instead of $d_1$",
                  lambda: collapse_check(KEYS[4], "partial_collapse"))
PEAK_SHIFTED = Control(r"the peak of $\lambda_i^2$ at $a = 2 \zeta_i/3$ instead of $\zeta_i/2$",
                       lambda: lambda_direction_check(2 * zeta / 3))
ETA_DEC_TIMES_K = Control((r"$\beta \to k \beta$ acting as $\eta_{\mathrm{dec}} \to k \eta_{\mathrm{dec}}$ "
                           r"(not $\sqrt{k}$)"),
                          lambda: beta_as_eta_dec_check(FACTOR_K))
SMALL_BETA_IFF_RANK = Control(
    r"small $\beta$ prevents collapse iff $d_1 \leq \min(d_0, d_2)$",
    lambda: collapse_check(KEYS[6], "partial_collapse", [s for s in thm1_rows() if "small beta" in s.problem.tags]))


def _sym(name: str) -> sp.Symbol:
    return sp.Symbol(name)


def _on_ground_truth(what: str, check: Check) -> Step:
    """A step decided by the ground truth (``GROUND_TRUTH``): ``what`` is compared with it."""
    return Step(f"{GROUND_TRUTH}; {what}", check)


def _proof_of_prop2(claim_id: str, title: str, equations: tuple[str, ...], statement: Any, *, steps: tuple[Step, ...],
                    control: Control, assumptions: tuple[str, ...] = FIXED, corrected: bool = False,
                    printed: str = "") -> Claim:
    """A step of the proof of Proposition 2 (App. E.2), as printed or ``corrected``; Sigma fixed by default."""
    result = "Proposition 2 (proof), corrected" if corrected else "Proposition 2 (proof)"
    return Claim(id=claim_id, title=title, ref=wz("App. E.2", equations, result), statement=statement,
                 assumptions=assumptions, printed=printed, steps=steps, control=control)


def _discussion_of_thm1(claim_id: str, title: str, statement: Any, *, steps: tuple[Step, ...], control: Control,
                        corrected: bool = False, printed: str = "") -> Claim:
    """A consequence of Theorem 1 that Sec. 4.2 draws (sigma_i = eta_enc), as printed or ``corrected``."""
    result = "Theorem 1 (discussion), corrected" if corrected else "Theorem 1 (discussion)"
    return Claim(id=claim_id, title=title, ref=wz("Sec. 4.2", ("10",), result), statement=statement,
                 assumptions=THM1_SETTING, printed=printed, steps=steps, control=control)


def _minimum_of_l(claim_id: str, title: str, ref: PaperRef, minimum: str, *, steps: tuple[Step, ...],
                  assumptions: tuple[str, ...] = FIXED, printed: str = "") -> Claim:
    """A formula for min L (Corollary 1, its proof, its correction); the control pairs the largest sigma with the
    largest zeta."""
    return Claim(id=claim_id, title=title, ref=ref, statement=sp.Eq(_sym(r"\min L"), _sym(minimum)),
                 assumptions=assumptions, printed=printed, steps=steps, control=DESCENDING)


_T_STAR_SCALED = (
    "t* times a positive constant has the same zero set: the claim reads only whether t* = 0 (the mode collapses), "
    "so the mutant states the same collapse condition; the value of t* is under test in globalmin.selection and "
    "globalmin.thm1")
SURVIVING_MUTANTS: dict[str, tuple[tuple[str, str], ...]] = {
    "globalmin.collapse_complete": (
        ("derived_mode: coefficient x (1+1e-3): ['t_star']", _T_STAR_SCALED),
        ("derived_mode: coefficient x (1-1e-3): ['t_star']", _T_STAR_SCALED)),
    "globalmin.collapse_partial_corrected": (
        ("derived_mode: coefficient x (1+1e-3): ['t_star']", _T_STAR_SCALED),
        ("derived_mode: coefficient x (1-1e-3): ['t_star']", _T_STAR_SCALED)),
}
"""Mutants of the formulas these claims' checks use that the checks cannot notice, and why (``symbolic-vae
mutate``)."""


def claims() -> list[Claim]:
    return explain_survivors([*_proof_claims(), *_result_claims()], SURVIVING_MUTANTS)


def _proof_claims() -> list[Claim]:
    """Eq. 73-89 of the proof of Proposition 2, in ledger order."""
    d0, d1, d2 = sp.symbols("d_0 d_1 d_2", positive=True, integer=True)
    U, V, Z = sp.MatrixSymbol("U", d2, d1), sp.MatrixSymbol("V", d0, d1), sp.MatrixSymbol("Z", d2, d0)
    Sig, I1 = sp.MatrixSymbol(r"\Sigma", d1, d1), sp.Identity(d1)
    K_inv = sp.Inverse(KAPPA * I1 + U.T * U)
    theta_i, t1, t2, t_star = (_sym(n) for n in (r"\theta_i", "t_i^{(1)}", "t_i^{(2)}", r"t_i^*"))
    orthogonal = (*FIXED, r"Q, P orthogonal, $\Lambda$ rectangular diagonal")
    return [
        _proof_of_prop2(
            "globalmin.stationarity_v",
            r"Eq. 73-74: the gradient of L in V, and $V(U) = Z^\top U (\kappa I + U^\top U)^{-1}$ as the unique "
            "minimizer over V", ("73", "74"),
            (equation(sp.MatrixSymbol(r"\tfrac12\partial_V L", d0, d1), V * U.T * U - Z.T * U + KAPPA * V),
             equation(V, Z.T * U * K_inv)),
            steps=(Step("(1/2) dL/dV differentiated entry by entry = Eq. 73 (every ($d_0$, $d_1$, $d_2$) up to 3)",
                        lambda: at_sizes_check("eq73")),
                   Step(r"the derived gradient vanishes at V(U) of Eq. 74 (times $\det(\kappa I + U^\top U)$)",
                        lambda: at_sizes_check("v_of_u")),
                   Step(r"the Hessian of L in V is 2 ($U^\top U + \kappa I$) (x) I",
                        lambda: at_sizes_check("hessian")),
                   Step(r"$\kappa > 0$: L is strictly convex in V, so V(U) is its unique minimizer",
                        kappa_positive_check)),
            control=control_at_sizes(r"Eq. 73 with + $Z^\top U$ (sign flipped)", partial(eq73_identity, sign=1),
                                     SIZES[:3])),
        _proof_of_prop2(
            "globalmin.reduced_objective",
            (r"Eq. 75-77: L(U, V(U)) = $\mathrm{Tr}(U \Sigma U^\top)$ - $\mathrm{Tr} [U^\top Z Z^\top U (\kappa I + "
             r"U^\top U)^{-1}] + \lVert Z\rVert_F^2$"),
            ("75", "76", "77"), equation(_sym("L(U, V(U))"),
                                         sp.Trace(U * Sig * U.T) - sp.Trace(U.T * Z * Z.T * U * K_inv)
                                         + sp.Trace(Z * Z.T)),
            steps=(Step("Eq. 75 for every V (every size up to 3)", lambda: at_sizes_check("eq75")),
                   Step(r"Eq. 76-77 at V = V(U), times $\det(\kappa I + U^\top U)^2$ (every size up to 3)",
                        lambda: at_sizes_check("eq77"))),
            control=control_at_sizes("Eq. 77 with + J instead of - J", partial(eq77_identity, sign=1), SIZES[:3])),
        *erratum(
            _proof_of_prop2(
                "globalmin.svd_step",
                r"Eq. 78-79 as printed: with $U = Q \Lambda P$, the reduced objective is $\mathrm{Tr} [\Lambda^\top "
                r"\Lambda \Sigma ] - \mathrm{Tr} [(Q \Lambda \Gamma^{-1} \Lambda^\top Q^\top)(F \Sigma_Z "
                r"\Sigma_Z^\top F^\top)] + \lVert Z\rVert^2$",
                ("78", "79"), equation(_sym("J"), _sym(r"\mathrm{Tr}[\Lambda^\top\Lambda\Sigma] - " + COUPLING)),
                assumptions=orthogonal,
                printed=(r"Eq. 79 drops P from $\mathrm{Tr}(U \Sigma U^\top)$ = $\mathrm{Tr} [\Lambda^\top \Lambda P "
                         r"\Sigma P^\top]$"),
                steps=(Step((r"Eq. 78 and Eq. 79 vs the reduced objective at $U = Q \Lambda P$ (exact, smallest size "
                             "first)"),
                            lambda: svd_step_check("printed")),),
                control=Control("the corrected Eq. 79 with + instead of - in front of the coupling trace",
                                lambda: svd_step_check("flipped"))),
            _proof_of_prop2(
                "globalmin.svd_step_corrected",
                r"Corrected Eq. 79: with $U = Q \Lambda P$, the reduced objective is $\mathrm{Tr} [\Lambda^\top "
                r"\Lambda P \Sigma P^\top] - \mathrm{Tr} [(Q \Lambda \Gamma^{-1} \Lambda^\top Q^\top) Z Z^\top] + "
                r"\lVert Z\rVert^2$ (Eq. 78 holds)",
                ("78", "79"),
                equation(_sym("J"), _sym(r"\mathrm{Tr}[\Lambda^\top\Lambda P\Sigma P^\top] - " + COUPLING)),
                assumptions=orthogonal, corrected=True,
                steps=(Step("Eq. 78 and the corrected Eq. 79 vs the reduced objective, exact at signed permutations "
                            "and random rational (Cayley) orthogonal Q, P, F, G, every size up to 3",
                            lambda: svd_step_check("corrected")),),
                control=Control("P dropped (Eq. 79 as printed)", lambda: svd_step_check("printed"))),
            cause="index-pairing", severity="substantive",
            reason="dropping P makes the reduced objective blind to P, which yields the index pairing of Proposition "
                   "2 (a wrong minimizer)",
        ),
        _proof_of_prop2(
            "globalmin.diagonal_factors",
            r"App. E.2: $\Lambda \Gamma^{-1} \Lambda^\top$ (the factor of Eq. 79), $\Lambda \Gamma \Lambda^\top$ "
            r"(as the sentence prints it) and $\Sigma_Z \Sigma_Z^\top$ are $d_2 \times d_2$ diagonal matrices",
            ("79", "80"),
            sp.Symbol(r"\Lambda\Gamma^{\pm1}\Lambda^\top,\ \Sigma_Z\Sigma_Z^\top \in \mathbb{R}^{d_2\times d_2}\ "
                      r"\text{diagonal}"),
            assumptions=(*FIXED, r"$\Lambda$ [$d_2$, $d_1$] and $\Sigma_Z$ [$d_2$, $d_0$] rectangular diagonal, "
                                 r"$\Gamma = \kappa I + \Lambda^\top \Lambda$"),
            steps=(Step("each product, built from symbolic rectangular diagonal factors, equals its diagonal part "
                        "(every ($d_0$, $d_1$, $d_2$) up to 3)",
                        at_sizes(diagonal_factors_identity, SIZES, what="the products equal their diagonal parts")),),
            control=control_at_sizes(r"$Q \Lambda \Gamma^{-1} \Lambda^\top Q^\top$ (Q a rotation) for the first "
                                     "product", partial(diagonal_factors_identity, rotated=True), SIZES)),
        _proof_of_prop2(
            "globalmin.sigma_z_nonzero",
            r"App. E.2: $\Sigma_Z \in \mathbb{R}^{d_2 \times d_0}$ has at most $\min(d_0, d_2)$ non-zero values "
            r"$\zeta_i$, $i \leq \min(d_0, d_2)$: rank(Z) of them", ("79",),
            sp.Le(sp.Symbol(r"\#\{i: \zeta_i \neq 0\}"), sp.Min(sp.Symbol("d_0"), sp.Symbol("d_2"))),
            assumptions=(r"Z = F $\Sigma_Z$ G, F and G orthogonal, $\Sigma_Z$ rectangular diagonal",),
            steps=(Step(r"an integer Z of each rank at each ($d_0$, $d_2$) up to 3: the non-zero eigenvalues of $Z "
                        r"Z^\top$ (exact, from its characteristic polynomial) number rank(Z) $\leq \min(d_0, d_2)$",
                        sigma_z_nonzero_check),),
            control=Control(r"exactly $\min(d_0, d_2)$ non-zero values", lambda: sigma_z_nonzero_check(True))),
        *erratum(
            Claim(
                id="globalmin.von_neumann",
                title=r"Eq. 80 as printed: $\mathrm{Tr} [(Q D Q^\top)(F S F^\top)] \leq$ Tr[D S] with $D = \Lambda "
                      r"\Gamma^{-1} \Lambda^\top$, $S = \Sigma_Z \Sigma_Z^\top$ (index pairing)",
                ref=wz("App. E.2", ("80",), "Proposition 2 (proof), von Neumann's trace inequality"),
                statement=sp.Le(_sym(TRACE_PAIRING), _sym(r"\mathrm{Tr}[DS]")),
                assumptions=("Q, F orthogonal; D, S diagonal with nonnegative entries; S non-increasing; D in the "
                             r"order of $\Lambda$ (any order)",),
                steps=(Step("random and constructed orthogonal Q; a violation is re-sought in exact arithmetic",
                            lambda: vn_inequality_check("paired")),),
                control=ANTI_SORTED,
            ),
            _proof_of_prop2(
                "globalmin.von_neumann_sorted",
                r"Corrected Eq. 80 (von Neumann): $\mathrm{Tr} [(Q D Q^\top)(F S F^\top)] \leq \sum_i \delta_{[i]} "
                r"\zeta_i^2$ (both sorted decreasingly), attained by $Q = F \Pi$ with $\Pi$ sorting D", ("80",),
                sp.Le(_sym(TRACE_PAIRING), _sym(r"\sum_i \delta_{[i]}\zeta_i^2")),
                assumptions=("Q, F orthogonal; D, S diagonal with nonnegative entries",), corrected=True,
                steps=(Step("random (Haar) and constructed orthogonal Q, $d_1 <$, =, $> d_2$, tied and zero entries",
                            lambda: vn_inequality_check("sorted")),),
                control=ANTI_SORTED),
            cause="index-pairing", severity="substantive",
            reason="the bound pairs D with S by index, not both sorted; it fails on an open set of unsorted D",
        ),
        *erratum(
            _proof_of_prop2(
                "globalmin.von_neumann_equality", "Eq. 80 as printed: equality holds if and only if Q = F", ("80",),
                sp.Equivalent(sp.Symbol(TRACE_PAIRING + r" = \mathrm{Tr}[DS]"), sp.Symbol("Q = F")),
                assumptions=("as in globalmin.von_neumann",),
                steps=(Step("both directions on random and constructed cases; an exception is re-sought in exact "
                            "arithmetic", lambda: vn_equality_check("printed")),),
                control=Control((r"equality iff $Q D Q^\top$ and $F S F^\top$ commute (ordering dropped), for the "
                                 "sorted bound"),
                                lambda: vn_equality_check("commute"))),
            _proof_of_prop2(
                "globalmin.von_neumann_equality_corrected",
                r"Corrected equality case: $\mathrm{Tr} [(Q D Q^\top)(F S F^\top)] = \sum_i \delta_{[i]} \zeta_i^2$ "
                r"iff $Q D Q^\top$ and $F S F^\top$ commute and their eigenvalues are similarly ordered in a common "
                "eigenbasis", ("80",),
                sp.Equivalent(sp.Symbol(TRACE_PAIRING + r" = \sum_i\delta_{[i]}\zeta_i^2"),
                              sp.Symbol(r"[QDQ^\top, FSF^\top] = 0\ \text{and similarly ordered}")),
                assumptions=("as in globalmin.von_neumann_sorted",), corrected=True,
                steps=(Step("both directions on random and constructed cases, including Q = F with flipped signs, "
                            r"rotations inside blocks of tied $\zeta$ or tied $\delta$, and opposite orders",
                            lambda: vn_equality_check("corrected")),),
                control=Control("the ordering condition dropped (commuting only)",
                                lambda: vn_equality_check("commute"))),
            cause="von-neumann-equality", severity="substantive",
            reason=r"equality also holds for Q $\neq$ F (e.g. Q = -F), so the iff misses global minimizers",
        ),
        _proof_of_prop2(
            "globalmin.mode_objective",
            r"Eq. 81-85: at Q = F, P = I the reduced objective separates into modes $J(t_i) = \sigma_i^2 t_i - "
            r"\zeta_i^2 \eta_{\mathrm{enc}}^2 t_i/(\beta \eta_{\mathrm{dec}}^2 + \eta_{\mathrm{enc}}^2 t_i)$, and "
            "dJ/dt is Eq. 83-85",
            ("81", "82", "83", "84", "85"), (equation(_sym("J(t)"), J_PRINTED), equation(_sym("dJ/dt"), DJ_EQ84)),
            assumptions=(*FIXED, r"$t_i = \lambda_i^2 \geq 0$"),
            printed=r"Eq. 81 states $J \geq J_{Q^*}$; that inequality rests on Eq. 79-80 (see globalmin.svd_step, "
                    "globalmin.von_neumann). Checked here: the equality at Q = F, P = I, and Eq. 82-85",
            steps=(MODES_STEP,
                   Step("J derived at $d_0 = d_1 = d_2 = 1$ (v eliminated by its stationarity) = the printed J",
                        lambda: identity_check(derived_mode()["J"], J_PRINTED, "J derived = Eq. 81 summand")),
                   Step("dJ/dt = Eq. 83", lambda: derivative_check(DJ_EQ83, "Eq. 83")),
                   Step("dJ/dt = Eq. 84", lambda: derivative_check(DJ_EQ84, "Eq. 84")),
                   Step("dJ/dt = Eq. 85", lambda: derivative_check(DJ_EQ85, "Eq. 85"))),
            control=Control("Eq. 84 with the denominator not squared",
                            lambda: derivative_check(sigma**2 - zeta**2 * eta_enc**2 * beta * eta_dec**2
                                                      / (beta * eta_dec**2 + eta_enc**2 * t), "perturbed Eq. 84"))),
        _proof_of_prop2(
            "globalmin.roots", "Eq. 86-87: the two roots of dJ/dt = 0, with $t2 < 0$", ("85", "86", "87"),
            (equation(t1, T1_PRINTED), equation(t2, T2_PRINTED)),
            steps=(Step((r"dJ/dt $(\beta \eta_{\mathrm{dec}}^2 + \eta_{\mathrm{enc}}^2 t)^2 = \sigma^2 "
                         r"\eta_{\mathrm{enc}}^4$ (t - t1)(t - t2)"), roots_check),
                   Step(r"$t2 < 0$ and t1 $\geq$ t2", root_signs_check)),
            control=Control((r"t1 with $\zeta + \sqrt{\beta} \sigma \eta_{\mathrm{dec}}/\eta_{\mathrm{enc}}$ (sign "
                             "flipped)"),
                            lambda: roots_check(t1=SQRT_BETA * eta_dec / (sigma * eta_enc) * (zeta + THRESHOLD)))),
        _proof_of_prop2(
            "globalmin.selection",
            r"Eq. 88: the minimizer of J over t $\geq$ 0 is $t^*$ = max(0, t1), unique", ("88",),
            equation(t_star, sp.Max(0, T1_PRINTED)), assumptions=(*FIXED, r"t $\geq$ 0"),
            steps=(Step(r"$J(t) - J(t^*) \geq \sigma^2$ ($t - t^*)^2/(\kappa + t$) for all t $\geq$ 0, region by "
                        r"region (the mode survives; collapses; $\zeta = 0$)",
                        lambda: selection_check(sp.Max(0, T1_PRINTED))),),
            control=Control("$t^*$ = max(0, t2) (the other root)", lambda: selection_check(sp.Max(0, T2_PRINTED)))),
        _proof_of_prop2(
            "globalmin.v_star",
            r"Eq. 89: $V^* = V(U^*) = G \Theta P$ with $\theta_i^2 = \max(0, \sigma_i "
            r"\eta_{\mathrm{enc}}/(\sqrt{\beta} \eta_{\mathrm{dec}}) (\zeta_i - \sqrt{\beta} \sigma_i "
            r"\eta_{\mathrm{dec}}/\eta_{\mathrm{enc}}))$", ("89",),
            equation(theta_i, THETA_PRINTED.xreplace({zeta: _sym(r"\zeta_i"), sigma: _sym(r"\sigma_i")})),
            assumptions=(*FIXED,
                         r"$U^* = F \Lambda^* P$; printed G-bar = $[g_1..g_{d_1}]$ needs $d_1 \leq d_0$, $G \Theta P$ "
                         "(Prop. 2) does not"),
            steps=(Step(r"$\theta$ from V(U*) one mode at a time = the printed $\theta$ (squared; region by region)",
                        theta_check),
                   Step(r"V(F $\Lambda P$) = $G \Theta P$ with $\theta_k = \zeta_k \lambda_k/(\kappa + \lambda_k^2)$, "
                        "exact at rational orthogonal F, G, P, every size up to 3", v_star_matrix_check)),
            control=Control(r"$\theta$ and $\lambda$ swapped ($\theta_i$ := $\lambda_i$)",
                            lambda: theta_check(LAMBDA_PRINTED))),
    ]


def _result_claims() -> list[Claim]:
    """Proposition 2, Theorem 1, Corollary 1 and the discussion of Sec. 4.2, in ledger order."""
    d1 = sp.Symbol("d_1", positive=True, integer=True)
    Sig = sp.MatrixSymbol(r"\Sigma", d1, d1)
    lam_i, theta_i = _sym(r"\lambda_i"), _sym(r"\theta_i")
    return [
        *erratum(
            Claim(
                id="globalmin.prop2",
                title=r"Proposition 2 as printed: the global minimizers are $U^* = F \Lambda P$, $V^* = G \Theta P$ "
                      r"for an arbitrary orthogonal P, with $\lambda_i$, $\theta_i$ of Eq. 8 ($\sigma_i$ paired with "
                      r"$\zeta_i$ by index)",
                ref=wz("Sec. 4.1", ("7", "8"), "Proposition 2"),
                statement=(equation(_sym("U^*"), _sym(r"F\Lambda P")), equation(_sym("V^*"), _sym(r"G\Theta P")),
                           equation(lam_i,
                                    LAMBDA_PRINTED.xreplace({zeta: _sym(r"\zeta_i"), sigma: _sym(r"\sigma_i")}))),
                assumptions=(*FIXED, r"P an arbitrary orthogonal $d_1 \times d_1$ matrix"),
                printed=r"Eq. 7-8; the proof's Eq. 79 drops P from $\mathrm{Tr}(U \Sigma U^\top)$, and the index "
                        "pairing is what Eq. 81 gives when P = I",
                steps=(Step(r"one mode: the printed $\lambda^2$ is the derived minimizer (region by region)",
                            lambda_check),
                       Step(r"one mode: the printed $\theta$ is V(U*) (region by region)", theta_check),
                       _on_ground_truth("members with P = I and random orthogonal P vs the minimum; minimal exact "
                                        "counterexample", prop2_printed_check)),
                control=Control(r"$\lambda^2$ = max(0, t2) (the other root)",
                                lambda: lambda_check(sp.sqrt(sp.Max(0, T2_PRINTED)))),
            ),
            Claim(
                id="globalmin.prop2_corrected",
                title=r"Corrected Proposition 2: pair the k-th largest $\zeta$ with the k-th smallest $\sigma$ "
                      r"($\sigma_{\pi}(1) \leq \dots \leq \sigma_{\pi}(d_1)$); $U^* = F \Lambda \Pi R$, $V^* = G "
                      r"\Theta \Pi R$ with $\lambda_k = \lambda (\zeta_k, \sigma_{\pi}(k)), \theta_k$ likewise (Eq. 8 "
                      r"per mode), $\Pi$ the pairing permutation and R any orthogonal matrix commuting with $\Sigma$; "
                      "every global minimizer has these singular values",
                ref=wz("Sec. 4.1", ("7", "8"), "Proposition 2, corrected"),
                statement=(equation(_sym("U^*"), _sym(r"F\Lambda\Pi R")), equation(_sym("V^*"), _sym(r"G\Theta\Pi R")),
                           sp.Eq(_sym(r"R\Sigma R^\top"), Sig, evaluate=False),
                           equation(_sym(r"\lambda_k"), LAMBDA_PRINTED.xreplace({zeta: _sym(r"\zeta_k"),
                                                                              sigma: _sym(r"\sigma_{\pi(k)}")}))),
                assumptions=(*FIXED,
                             r"$\pi$ sorts $\sigma$ increasingly (ties in any order); for $\Sigma = \sigma^2 I$, R is "
                             "any orthogonal matrix (the printed statement)"),
                steps=(Step(r"one mode: $\lambda^2$ is the derived minimizer", lambda_check),
                       Step(r"one mode: $\theta$ is V(U*)", theta_check),
                       MODES_STEP,
                       _on_ground_truth(r"members with random R ($R \Sigma R^\top = \Sigma$) attain the minimum; the "
                                        "minimizers found have the stated singular values", prop2_corrected_check)),
                control=Control(r"R arbitrary orthogonal (not commuting with $\Sigma$)",
                                lambda: prop2_corrected_check(arbitrary=True)),
            ),
            cause="index-pairing", severity="substantive",
            reason=r"with $\sigma$ not sorted increasingly the stated points are not global minimizers (35 of 108 "
                   "members): the minimizer changes",
        ),
        Claim(
            id="globalmin.thm1",
            title=r"Theorem 1: for $\sigma_i = \eta_{\mathrm{enc}}$, $\lambda_i^2 = \max(0, \sqrt{\beta} "
                  r"\eta_{\mathrm{dec}}/\eta_{\mathrm{enc}}^2 (\zeta_i - \sqrt{\beta} \eta_{\mathrm{dec}}))$ and "
                  r"$\theta_i^2 = \max(0, \eta_{\mathrm{enc}}^2/(\sqrt{\beta} \eta_{\mathrm{dec}}) (\zeta_i - "
                  r"\sqrt{\beta} \eta_{\mathrm{dec}}))$",
            ref=wz("Sec. 4.2", ("10",), "Theorem 1"),
            statement=(equation(lam_i, LAMBDA_THM1.xreplace({zeta: _sym(r"\zeta_i")})),
                       equation(theta_i, THETA_THM1.xreplace({zeta: _sym(r"\zeta_i")}))),
            assumptions=THM1_SETTING,
            steps=(Step(r"derived one-mode minimizer at $\sigma = \eta_{\mathrm{enc}}$ = Eq. 10 (region by region)",
                        thm1_mode_check),
                   _on_ground_truth("Theorem 1's points with random orthogonal P attain the minimum; the minimizers "
                                    "found have its singular values", thm1_ground_truth_check)),
            control=Control(r"$\eta_{\mathrm{enc}}^2$ replaced by $\eta_{\mathrm{enc}}$ in $\lambda_i$",
                            lambda: thm1_mode_check(lam=sp.sqrt(sp.Max(0, SQRT_BETA * eta_dec / eta_enc
                                                                        * (zeta - THRESHOLD_THM1))))),
        ),
        *erratum(
            (
                _minimum_of_l(
                    "globalmin.cor1",
                    r"Corollary 1 as printed: $\min L = \sum_{i\leq d_1} [\zeta_i^2 - (\zeta_i - \sqrt{\beta} "
                    r"\sigma_i \eta_{\mathrm{dec}}/\eta_{\mathrm{enc}})^2 1(\zeta_i > \dots )] + \sum_{i=d_1+1}^{d^*} "
                    r"\zeta_i^2$ ($\sigma_i$ paired with $\zeta_i$ by index)",
                    wz("Sec. 4.3", ("11",), "Corollary 1"),
                    r"\sum_{i\le d_1} m(\zeta_i,\sigma_i) + \sum_{i=d_1+1}^{d^*}\zeta_i^2",
                    steps=(Step(r"one mode: $\zeta^2 + \min_t J$ = the summand of Eq. 11 (region by region)",
                                mode_minimum_check),
                           _on_ground_truth("the stated minimum vs the ground truth; minimal exact counterexample",
                                            lambda: cor1_check("printed")))),
                _minimum_of_l(
                    "globalmin.cor1_proof",
                    r"Proof of Corollary 1 (Eq. 90-91): $\min L = \sum_{i=1}^{d_1} [\zeta_i^2 + \sigma_i^2 "
                    r"\lambda_i^{*2} - \zeta_i^2 \eta_{\mathrm{enc}}^2 \lambda_i^{*2}/(\beta \eta_{\mathrm{dec}}^2 + "
                    r"\eta_{\mathrm{enc}}^2 \lambda_i^{*2})]$",
                    wz("App. E.3", ("90", "91"), "Corollary 1 (proof)"),
                    r"\sum_{i=1}^{d_1}\zeta_i^2 + J(\lambda_i^{*2})",
                    printed=r"Eq. 91 writes $\lVert Z\rVert_F^2$ as $\sum_{i\leq d_1} \zeta_i^2$ (the tail $i > d_1$ "
                            "is lost) and pairs by index",
                    steps=(_on_ground_truth("Eq. 91 vs the ground truth; minimal exact counterexample",
                                            lambda: cor1_check("eq91")),)),
            ),
            _minimum_of_l(
                "globalmin.cor1_corrected",
                r"Corrected Corollary 1: $\min L = \sum_{k\leq d_1} [\zeta_k^2 - (\zeta_k - \sqrt{\beta} "
                r"\sigma_{\pi}(k) \eta_{\mathrm{dec}}/\eta_{\mathrm{enc}})^2 1(\zeta_k > \dots )] + "
                r"\sum_{k=d_1+1}^{d^*} \zeta_k^2$, $\sigma$ sorted increasingly $(\pi)$",
                wz("Sec. 4.3", ("11", "91"), "Corollary 1, corrected"),
                r"\sum_{k\le d_1} m(\zeta_k,\sigma_{\pi(k)}) + \sum_{k=d_1+1}^{d^*}\zeta_k^2",
                assumptions=(*FIXED,
                             r"$\pi$ sorts $\sigma$ increasingly; equal to the printed Eq. 11 when $\sigma$ is "
                             "non-decreasing"),
                steps=(Step(r"one mode: $\zeta^2 + \min_t J = m(\zeta, \sigma)$ (region by region)",
                            mode_minimum_check),
                       _on_ground_truth("the stated minimum vs the ground truth", lambda: cor1_check("corrected")))),
            cause="index-pairing", severity="substantive",
            reason=r"with $\sigma$ not sorted increasingly the stated minimum exceeds the true one (relative gap up "
                   "to 0.52); the proof's Eq. 91 also loses the tail $i > d_1$",
        ),
        _discussion_of_thm1(
            "globalmin.collapse_complete",
            r"Sec. 4.2: complete posterior collapse ($U^* = 0$, $V^* = 0$) happens iff $\max_i \zeta_i - \sqrt{\beta} "
            r"\eta_{\mathrm{dec}} \leq 0$",
            sp.Equivalent(sp.Symbol("U^* = 0"), sp.Le(_sym(r"\max_i\zeta_i") - THRESHOLD_THM1, 0)),
            steps=(MODE_COLLAPSE_STEP,
                   _on_ground_truth("the origin is a global minimizer iff the condition holds (both directions, modes "
                                    "above, below and exactly at the threshold)",
                                    lambda: collapse_check(KEYS[0], "complete_collapse"))),
            control=Control(r"strict inequality $\max_i \zeta_i - \sqrt{\beta} \eta_{\mathrm{dec}} < 0$",
                            lambda: collapse_check(KEYS[1], "complete_collapse"))),
        *erratum(
            _discussion_of_thm1(
                "globalmin.collapse_partial",
                r"Sec. 4.2 as printed: a partial posterior collapse happens if there exists i with $\zeta_i^2 - "
                r"\sqrt{\beta} \eta_{\mathrm{dec}} \leq 0$",
                sp.Implies(sp.Le(_sym(r"\zeta_i^2") - THRESHOLD_THM1, 0), sp.Symbol("partial collapse")),
                printed=(r"$\zeta_i^2$ is compared with $\sqrt{\beta} \eta_{\mathrm{dec}}$ (the complete-collapse "
                         r"condition uses $\zeta_i$)"),
                steps=(Step("minimal exact counterexample ($d_1 = 1$: the latent's collapse is $U^* = 0$) and the "
                            "ground truth in both directions", partial_printed_check),
                       Step((r"one mode at $\sigma = \eta_{\mathrm{enc}}$: the printed condition vs $t^* = 0$ (region "
                             "by region)"),
                            lambda: collapse_condition_check(zeta**2 - THRESHOLD_THM1 <= 0))),
                control=TO_RANK.of("the corrected condition")),
            _discussion_of_thm1(
                "globalmin.collapse_partial_corrected",
                r"Corrected partial collapse: some latent collapses iff there exists $i \leq d_1$ with $\zeta_i - "
                r"\sqrt{\beta} \eta_{\mathrm{dec}} \leq 0$ ($\zeta_i = 0$ for $i > \min(d_0, d_2)$), i.e. iff "
                r"$\zeta_{d_1} \leq \sqrt{\beta} \eta_{\mathrm{dec}}$",
                sp.Equivalent(sp.Symbol("partial collapse"), sp.Le(_sym(r"\zeta_{d_1}") - THRESHOLD_THM1, 0)),
                corrected=True,
                steps=(MODE_COLLAPSE_STEP,
                       _on_ground_truth("a latent collapses (removing one latent does not raise the minimum) iff the "
                                        "condition holds, both directions",
                                        lambda: collapse_check(KEYS[3], "partial_collapse"))),
                control=TO_RANK),
            cause="collapse-threshold", severity="substantive",
            reason=r"$\zeta_i^2 \leq \sqrt{\beta} \eta_{\mathrm{dec}}$ for $\zeta_i \leq \sqrt{\beta} "
                   r"\eta_{\mathrm{dec}}$: the collapse prediction is wrong on the open set between the two thresholds",
        ),
        Claim(
            id="globalmin.sqrt_beta_eta",
            title=r"Sec. 4.2: $\beta$ and $\eta_{\mathrm{dec}}$ enter the global minimum ($U^*$, $V^*$) and the "
                  r"collapse conditions only through $\sqrt{\beta} \eta_{\mathrm{dec}}$",
            ref=wz("Sec. 4.2", ("8", "10"), "Theorem 1 (discussion)"),
            statement=sp.Symbol(r"(U^*, V^*) = f(\sqrt{\beta}\,\eta_{dec})"),
            assumptions=(*FIXED,
                         r"$\Sigma$ fixed (not a function of $\beta$ or $\eta_{\mathrm{dec}}$); the value of "
                         r"$L_{\mathrm{VAE}}$ itself depends on $\eta_{\mathrm{dec}}$ and $\beta$ separately"),
            steps=(Step(r"one mode: $\lambda^{*2}$, $\theta^{*2}$ and the minimum of L are free of "
                        r"$\eta_{\mathrm{dec}}$ when $\beta = s^2/\eta_{\mathrm{dec}}^2$",
                        lambda: product_only_check("sqrt")),
                   _on_ground_truth(r"those one-mode $\lambda^{*2}$, $\theta^{*2}$ and minimum are the minimizer and "
                                    r"the minimum: 16 single modes at the two ($\beta$, $\eta_{\mathrm{dec}}$), "
                                    r"collapsed and surviving", one_mode_ground_truth_check),
                   _on_ground_truth(r"the same data at ($\beta$, $\eta_{\mathrm{dec}}$) = (0.5625, 2) and (2.25, 1): "
                                    r"equal min L, $U U^\top$, $V V^\top$ and collapse pattern",
                                    lambda: same_minimizers_check("same sqrt(beta) eta_dec",
                                                                  r"same $\sqrt{\beta} \eta_{\mathrm{dec}}$"))),
            control=Control((r"$\beta$ and $\eta_{\mathrm{dec}}$ enter only through $\beta \eta_{\mathrm{dec}}$: "
                             "(0.5625, 2) vs (1.125, 1)"),
                            lambda: same_minimizers_check("same beta eta_dec",
                                                          r"same $\beta \eta_{\mathrm{dec}}$")),
        ),
        *erratum(
            _discussion_of_thm1(
                "globalmin.norm_direction",
                r"Sec. 4.2 as printed: $\lambda_i^2$ (of $U^*$) increases with $a = \sqrt{\beta} \eta_{\mathrm{dec}}$ "
                r"and $\theta_i^2$ (of $V^*$) decreases with it, so a small $\beta$ or $\eta_{\mathrm{dec}}$ gives a "
                "large norm",
                (sp.Ge(_sym(r"\partial_a \lambda_i^2"), 0), sp.Le(_sym(r"\partial_a \theta_i^2"), 0)),
                printed=r"the increase of $\lambda_i^2$ is stated for every $a < \zeta_i$ where the mode survives",
                steps=(Step(r"one mode at $\sigma = \eta_{\mathrm{enc}}$: the derived $\lambda^{*2}$ at exact values "
                            r"of a in $(0, \zeta)$ (the mode survives), then the sign of its derivative",
                            lambda: lambda_direction_check(zeta)),),
                control=PEAK_SHIFTED.of("the corrected direction")),
            _discussion_of_thm1(
                "globalmin.norm_direction_corrected",
                r"Corrected: with $a = \sqrt{\beta} \eta_{\mathrm{dec}} < \zeta_i$, $\partial_a \lambda_i^2 = (\zeta_i "
                r"- 2 a)/\eta_{\mathrm{enc}}^2$: $\lambda_i^2$ increases for $a < \zeta_i/2$ and decreases for "
                r"$\zeta_i/2 < a < \zeta_i$; $\theta_i^2 = \eta_{\mathrm{enc}}^2 (\zeta_i - a)/a$ decreases and "
                r"diverges as $a \to 0$",
                (equation(_sym(r"\partial_a \lambda_i^2"), (_sym(r"\zeta_i") - 2 * A_PRODUCT) / eta_enc**2),
                 sp.Le(_sym(r"\partial_a \theta_i^2"), 0),
                 equation(_sym(r"\lim_{a \to 0} \theta_i^2"), sp.oo)),
                corrected=True,
                steps=(Step(r"one mode at $\sigma = \eta_{\mathrm{enc}}$, $0 < a < \zeta$: the derived $\lambda^{*2}$ "
                            r"and $\theta^{*2}$ as functions of a, the signs of their derivatives on each side of "
                            r"$\zeta/2$, and the limit of $\theta^{*2}$ at $a \to 0$",
                            lambda: lambda_direction_check(zeta / 2)),),
                control=PEAK_SHIFTED),
            cause="direction-of-change", severity="substantive",
            reason=r"for $\zeta_i/2 < \sqrt{\beta} \eta_{\mathrm{dec}} < \zeta_i$, an open set, $\lambda_i^2$ "
                   r"decreases with $\sqrt{\beta} \eta_{\mathrm{dec}}$; the large norm at small $\beta$ comes from "
                   r"$\theta_i^2$",
        ),
        *erratum(
            Claim(
                id="globalmin.increasing_beta",
                title=r"Sec. 4.5 as printed: when $\eta_{\mathrm{dec}}$ is not learned, increasing $\beta$ has the "
                      r"same effect as decreasing $\eta_{\mathrm{dec}}$",
                ref=wz("Sec. 4.5", ("8", "10"), "Theorem 1 (discussion)"),
                statement=sp.Symbol(r"(U^*, V^*)(k\beta, \eta_{dec}) = (U^*, V^*)(\beta, \eta_{dec}/\sqrt{k})"),
                assumptions=(*FIXED, r"$k > 0$; the decrease of $\eta_{\mathrm{dec}}$ read as $\eta_{\mathrm{dec}} "
                             r"\to \eta_{\mathrm{dec}}/\sqrt{k}$ (any decrease lowers $\sqrt{\beta} "
                             r"\eta_{\mathrm{dec}}$, which increasing $\beta$ raises)"),
                steps=(Step(r"one mode: $\lambda^{*2}$, $\theta^{*2}$ and the minimum at ($k \beta$, "
                            r"$\eta_{\mathrm{dec}}$) vs ($\beta$, $\eta_{\mathrm{dec}}/\sqrt{k}$), exact",
                            lambda: beta_as_eta_dec_check(1 / sp.sqrt(FACTOR_K))),),
                control=ETA_DEC_TIMES_K),
            Claim(
                id="globalmin.increasing_beta_corrected",
                title=r"Corrected: increasing $\beta$ acts as increasing $\eta_{\mathrm{dec}}$: the global minimum "
                      r"at ($k \beta$, $\eta_{\mathrm{dec}}$) is the one at ($\beta$, $\sqrt{k} \eta_{\mathrm{dec}}$)",
                ref=wz("Sec. 4.5", ("8", "10"), "Theorem 1 (discussion), corrected"),
                statement=sp.Symbol(r"(U^*, V^*)(k\beta, \eta_{dec}) = (U^*, V^*)(\beta, \sqrt{k}\eta_{dec})"),
                assumptions=(*FIXED, "$k > 0$"),
                steps=(Step(r"one mode: $\lambda^{*2}$, $\theta^{*2}$ and the minimum at ($k \beta$, "
                            r"$\eta_{\mathrm{dec}}$) vs ($\beta$, $\sqrt{k} \eta_{\mathrm{dec}}$)",
                            lambda: beta_as_eta_dec_check(sp.sqrt(FACTOR_K))),
                       _on_ground_truth(r"those one-mode $\lambda^{*2}$, $\theta^{*2}$ and minimum are the minimizer "
                                        r"and the minimum: 16 single modes at two ($\beta$, $\eta_{\mathrm{dec}}$) "
                                        r"with the same $\sqrt{\beta} \eta_{\mathrm{dec}}$",
                                        one_mode_ground_truth_check),
                       _on_ground_truth(r"($\beta$, $\eta_{\mathrm{dec}}$) = (2.25, 1) vs (0.5625, 2): multiplying "
                                        r"$\beta$ by 4 undoes dividing $\eta_{\mathrm{dec}}$ by 2 (equal min L, "
                                        r"$U U^\top$, $V V^\top$ and collapse pattern)",
                                        lambda: same_minimizers_check("same sqrt(beta) eta_dec",
                                                                      r"same $\sqrt{\beta} \eta_{\mathrm{dec}}$"))),
                control=ETA_DEC_TIMES_K),
            cause="direction-of-change", severity="substantive",
            reason=r"increasing $\beta$ and decreasing $\eta_{\mathrm{dec}}$ move $\sqrt{\beta} \eta_{\mathrm{dec}}$ "
                   "in opposite directions: the minimizers and collapse patterns differ",
        ),
        _discussion_of_thm1(
            "globalmin.eta_enc_independence",
            (r"Sec. 4.2: with $\sigma_i = \eta_{\mathrm{enc}}$, the condition for posterior collapse does not depend "
             r"on $\eta_{\mathrm{enc}}$"),
            sp.Symbol(r"\text{collapse pattern independent of } \eta_{enc}"),
            steps=(Step((r"one mode at $\sigma = \eta_{\mathrm{enc}}$: survives iff $\zeta > \sqrt{\beta} "
                         r"\eta_{\mathrm{dec}}$ (region by region)"),
                        lambda: eta_enc_free_check(True)),
                   _on_ground_truth(r"the same data at $\eta_{\mathrm{enc}} = 0.5$ and 2: same collapse pattern",
                                    lambda: same_minimizers_check("other eta_enc",
                                                                  r"$\eta_{\mathrm{enc}} = 0.5$ vs 2"))),
            control=Control((r"a fixed $\Sigma = I$ ($\sigma$ not tied to $\eta_{\mathrm{enc}}$): "
                             r"$\eta_{\mathrm{enc}} = 0.5$ vs 2"),
                            fixed_sigma_pair_check)),
        *erratum(
            _discussion_of_thm1(
                "globalmin.small_beta", r"Sec. 4.2: a sufficiently small $\beta$ always prevents posterior collapse",
                sp.Symbol(r"\exists\beta_0>0\ \forall\beta<\beta_0:\ \text{no collapse}"),
                steps=(Step(r"minimal exact case with a latent whose $\zeta_i = 0$ (t1 = $-\kappa < 0$ for every "
                            r"$\beta$); ground truth at $\beta = 2^{-10}$", small_beta_printed_check),),
                control=SMALL_BETA_IFF_RANK),
            _discussion_of_thm1(
                "globalmin.small_beta_corrected",
                r"Corrected: no latent collapses iff $\beta < \zeta_{d_1}^2/\eta_{\mathrm{dec}}^2$ ($\zeta_{d_1} = 0$ "
                r"if $d_1 > \min(d_0, d_2)$), so a small enough $\beta$ prevents every collapse iff rank(Z) $\geq "
                r"d_1$; the complete collapse is avoided iff $\beta < \zeta_1^2/\eta_{\mathrm{dec}}^2$, possible iff "
                r"Z $\neq$ 0",
                sp.Equivalent(sp.Symbol("no collapse"), sp.StrictLessThan(beta, _sym(r"\zeta_{d_1}^2") / eta_dec**2)),
                corrected=True,
                steps=(Step(r"one mode at $\sigma = \eta_{\mathrm{enc}}$: survives iff $\beta < "
                            r"\zeta^2/\eta_{\mathrm{dec}}^2$ (region by region; never for $\zeta = 0$)",
                            survives_below_beta_check),
                       _on_ground_truth(r"some latent collapses iff $\beta \geq \zeta_{d_1}^2/\eta_{\mathrm{dec}}^2$ "
                                        r"(rank(Z) $\geq d_1$ at half the threshold, rank(Z) $< d_1$ at $\beta = "
                                        "2^{-10}$, and every other instance)",
                                        lambda: collapse_check(KEYS[5], "partial_collapse")),
                       _on_ground_truth((r"the origin is a global minimizer iff $\beta \geq "
                                         r"\zeta_1^2/\eta_{\mathrm{dec}}^2$"),
                                        lambda: collapse_check(KEYS[0], "complete_collapse"))),
                control=SMALL_BETA_IFF_RANK),
            cause="rank-deficient-data", severity="substantive",
            reason=r"a mode with $\zeta_i = 0$ collapses for every $\beta > 0$: no small $\beta$ prevents collapse "
                   "when rank(Z) $< d_1$",
        ),
    ]
