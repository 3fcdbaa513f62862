"""The claim table of the section: ``claims()``, in ledger order, built from the forms and the checks."""

from __future__ import annotations

from functools import partial
from typing import Any

import sympy as sp

from symbolic_vae._core.claim import Check, Claim, Control, PaperRef, Step, erratum, explain_survivors
from symbolic_vae._engine.rows import control_at_sizes
from symbolic_vae._model.lvm import beta, eta_dec, eta_enc
from symbolic_vae._papers.wz2022.global_minimum.checks_collapse import (
    COLLAPSE_PREDICATES,
    collapse_check,
    fixed_sigma_pair_check,
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
    collapse_condition_check,
    derivative_check,
    eta_enc_free_check,
    identity_check,
    lambda_check,
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
    eq73_identity,
    eq77_identity,
    kappa_positive_check,
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
FIXED = ("Sigma = diag(sigma_i^2) fixed, sigma_i > 0", "beta, eta_enc, eta_dec > 0", "zeta_i = 0 for i > min(d0, d2)")
THM1_SETTING = ("sigma_i = eta_enc for every i (Theorem 1)", "beta, eta_enc, eta_dec > 0",
                "zeta_i = 0 for i > min(d0, d2)", "collapse of latent i: its column of U* (and of V*) is 0 at a "
                "global minimum; complete collapse: U* = 0, V* = 0")
GROUND_TRUTH = ("ground truth: L_VAE minimized directly over (U, W), compared through L = 2 eta_dec^2 (L_VAE - l_var) "
                "- c (corrected Prop. 1)")
KEYS = list(COLLAPSE_PREDICATES)
COUPLING = r"\mathrm{Tr}[(Q\Lambda\Gamma^{-1}\Lambda^\top Q^\top)(F\Sigma_Z\Sigma_Z^\top F^\top)]"
TRACE_PAIRING = r"\mathrm{Tr}[(QDQ^\top)(FSF^\top)]"
MODES_STEP = Step("Eq. 81 at Q = F, P = I: L(Lambda, V(Lambda)) = ||Z||^2 + sum_i J(lambda_i^2; zeta_i, sigma_i) "
                  "(every (d0, d1, d2) up to 3)", lambda: at_sizes_check("modes"))
MODE_COLLAPSE_STEP = Step("one mode at sigma = eta_enc: t* = 0 iff zeta - sqrt(beta) eta_dec <= 0 (region by region)",
                          lambda: collapse_condition_check(zeta - THRESHOLD_THM1 <= 0))
ANTI_SORTED = Control("the bound with D sorted increasingly against S decreasingly",
                      lambda: vn_inequality_check("anti"))
DESCENDING = Control("the largest sigma paired with the largest zeta", lambda: cor1_check("descending"))
TO_RANK = Control("i running to min(d0, d2) instead of d1", lambda: collapse_check(KEYS[4], "partial_collapse"))
SMALL_BETA_IFF_RANK = Control(
    "small beta prevents collapse iff d1 <= min(d0, d2)",
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
    "globalmin.stationarity_v": (
        ("data_dependent_variance.forms.KAPPA",
         "Eq. 73-74 are statements in kappa: the derived gradient of L(U, V) and the printed Eq. 73-74 are written "
         "with the same KAPPA, so every positive value of it keeps them equal (a sign flip breaks the convexity "
         "step and is killed); how kappa is made of beta and the etas is not part of this claim"),),
    "globalmin.collapse_complete": (
        ("derived_mode: coefficient x (1+1e-3): ['t_star']", _T_STAR_SCALED),
        ("derived_mode: coefficient x (1-1e-3): ['t_star']", _T_STAR_SCALED)),
    "globalmin.collapse_partial_corrected": (
        ("derived_mode: coefficient x (1+1e-3): ['t_star']", _T_STAR_SCALED),
        ("derived_mode: coefficient x (1-1e-3): ['t_star']", _T_STAR_SCALED)),
    "globalmin.sqrt_beta_eta": (
        ("global_minimum.forms.derived_mode",
         "the claim states how beta and eta_dec enter the minimizer (only through sqrt(beta) eta_dec), not its "
         "value: a mutant that keeps that combination (a constant factor, a sign, another power of eta_enc or of "
         "the whole term) satisfies it; the values of t*, theta* and the minimum are under test in "
         "globalmin.selection, globalmin.v_star and globalmin.mode_objective, which kill such mutants"),),
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
    orthogonal = (*FIXED, "Q, P orthogonal, Lambda rectangular diagonal")
    return [
        _proof_of_prop2(
            "globalmin.stationarity_v", "Eq. 73-74: the gradient of L in V, and V(U) = Z^T U (kappa I + U^T U)^{-1} "
            "as the unique minimizer over V", ("73", "74"),
            (sp.Eq(sp.MatrixSymbol(r"\tfrac12\partial_V L", d0, d1), V * U.T * U - Z.T * U + KAPPA * V),
             sp.Eq(V, Z.T * U * K_inv)),
            steps=(Step("(1/2) dL/dV differentiated entry by entry = Eq. 73 (every (d0, d1, d2) up to 3)",
                        lambda: at_sizes_check("eq73")),
                   Step("the derived gradient vanishes at V(U) of Eq. 74 (times det(kappa I + U^T U))",
                        lambda: at_sizes_check("v_of_u")),
                   Step("the Hessian of L in V is 2 (U^T U + kappa I) (x) I", lambda: at_sizes_check("hessian")),
                   Step("kappa > 0: L is strictly convex in V, so V(U) is its unique minimizer", kappa_positive_check)),
            control=control_at_sizes("Eq. 73 with + Z^T U (sign flipped)", partial(eq73_identity, sign=1),
                                     SIZES[:3])),
        _proof_of_prop2(
            "globalmin.reduced_objective",
            "Eq. 75-77: L(U, V(U)) = Tr(U Sigma U^T) - Tr[U^T Z Z^T U (kappa I + U^T U)^{-1}] + ||Z||_F^2",
            ("75", "76", "77"), sp.Eq(_sym("L(U, V(U))"), sp.Trace(U * Sig * U.T) - sp.Trace(U.T * Z * Z.T * U * K_inv)
                                      + sp.Trace(Z * Z.T)),
            steps=(Step("Eq. 75 for every V (every size up to 3)", lambda: at_sizes_check("eq75")),
                   Step("Eq. 76-77 at V = V(U), times det(kappa I + U^T U)^2 (every size up to 3)",
                        lambda: at_sizes_check("eq77"))),
            control=control_at_sizes("Eq. 77 with + J instead of - J", partial(eq77_identity, sign=1), SIZES[:3])),
        *erratum(
            _proof_of_prop2(
                "globalmin.svd_step", "Eq. 78-79 as printed: with U = Q Lambda P, the reduced objective is "
                "Tr[Lambda^T Lambda Sigma] - Tr[(Q Lambda Gamma^{-1} Lambda^T Q^T)(F Sigma_Z Sigma_Z^T F^T)] + ||Z||^2",
                ("78", "79"), sp.Eq(_sym("J"), _sym(r"\mathrm{Tr}[\Lambda^\top\Lambda\Sigma] - " + COUPLING)),
                assumptions=orthogonal,
                printed="Eq. 79 drops P from Tr(U Sigma U^T) = Tr[Lambda^T Lambda P Sigma P^T]",
                steps=(Step("Eq. 78 and Eq. 79 vs the reduced objective at U = Q Lambda P (exact, smallest size first)",
                            lambda: svd_step_check("printed")),),
                control=Control("the corrected Eq. 79 with + instead of - in front of the coupling trace",
                                lambda: svd_step_check("flipped"))),
            _proof_of_prop2(
                "globalmin.svd_step_corrected", "Corrected Eq. 79: with U = Q Lambda P, the reduced objective is "
                "Tr[Lambda^T Lambda P Sigma P^T] - Tr[(Q Lambda Gamma^{-1} Lambda^T Q^T) Z Z^T] + ||Z||^2 "
                "(Eq. 78 holds)",
                ("78", "79"), sp.Eq(_sym("J"), _sym(r"\mathrm{Tr}[\Lambda^\top\Lambda P\Sigma P^\top] - " + COUPLING)),
                assumptions=orthogonal, corrected=True,
                steps=(Step("Eq. 78 and the corrected Eq. 79 vs the reduced objective, exact at signed permutations "
                            "and random rational (Cayley) orthogonal Q, P, F, G, every size up to 3",
                            lambda: svd_step_check("corrected")),),
                control=Control("P dropped (Eq. 79 as printed)", lambda: svd_step_check("printed"))),
            cause="index-pairing", severity="substantive",
            reason="dropping P makes the reduced objective blind to P, which yields the index pairing of Proposition "
                   "2 (a wrong minimizer)",
        ),
        *erratum(
            Claim(
                id="globalmin.von_neumann",
                title="Eq. 80 as printed: Tr[(Q D Q^T)(F S F^T)] <= Tr[D S] with D = Lambda Gamma^{-1} Lambda^T, "
                      "S = Sigma_Z Sigma_Z^T (index pairing)",
                ref=wz("App. E.2", ("80",), "Proposition 2 (proof), von Neumann's trace inequality"),
                statement=sp.Le(_sym(TRACE_PAIRING), _sym(r"\mathrm{Tr}[DS]")),
                assumptions=("Q, F orthogonal; D, S diagonal with nonnegative entries; S non-increasing; D in the "
                             "order of Lambda (any order)",),
                steps=(Step("random and constructed orthogonal Q; a violation is re-sought in exact arithmetic",
                            lambda: vn_inequality_check("paired")),),
                control=ANTI_SORTED,
            ),
            _proof_of_prop2(
                "globalmin.von_neumann_sorted", "Corrected Eq. 80 (von Neumann): Tr[(Q D Q^T)(F S F^T)] <= sum_i "
                "delta_[i] zeta_i^2 (both sorted decreasingly), attained by Q = F Pi with Pi sorting D", ("80",),
                sp.Le(_sym(TRACE_PAIRING), _sym(r"\sum_i \delta_{[i]}\zeta_i^2")),
                assumptions=("Q, F orthogonal; D, S diagonal with nonnegative entries",), corrected=True,
                steps=(Step("random (Haar) and constructed orthogonal Q, d1 <, =, > d2, tied and zero entries",
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
                control=Control("equality iff Q D Q^T and F S F^T commute (ordering dropped), for the sorted bound",
                                lambda: vn_equality_check("commute"))),
            _proof_of_prop2(
                "globalmin.von_neumann_equality_corrected", "Corrected equality case: Tr[(Q D Q^T)(F S F^T)] = sum_i "
                "delta_[i] zeta_i^2 iff Q D Q^T and F S F^T commute and their eigenvalues are similarly ordered in a "
                "common eigenbasis", ("80",),
                sp.Equivalent(sp.Symbol(TRACE_PAIRING + r" = \sum_i\delta_{[i]}\zeta_i^2"),
                              sp.Symbol(r"[QDQ^\top, FSF^\top] = 0\ \text{and similarly ordered}")),
                assumptions=("as in globalmin.von_neumann_sorted",), corrected=True,
                steps=(Step("both directions on random and constructed cases, including Q = F with flipped signs, "
                            "rotations inside blocks of tied zeta or tied delta, and opposite orders",
                            lambda: vn_equality_check("corrected")),),
                control=Control("the ordering condition dropped (commuting only)",
                                lambda: vn_equality_check("commute"))),
            cause="von-neumann-equality", severity="substantive",
            reason="equality also holds for Q != F (e.g. Q = -F), so the iff misses global minimizers",
        ),
        _proof_of_prop2(
            "globalmin.mode_objective", "Eq. 81-85: at Q = F, P = I the reduced objective separates into modes J(t_i) "
            "= sigma_i^2 t_i - zeta_i^2 eta_enc^2 t_i/(beta eta_dec^2 + eta_enc^2 t_i), and dJ/dt is Eq. 83-85",
            ("81", "82", "83", "84", "85"), (sp.Eq(_sym("J(t)"), J_PRINTED), sp.Eq(_sym("dJ/dt"), DJ_EQ84)),
            assumptions=(*FIXED, "t_i = lambda_i^2 >= 0"),
            printed="Eq. 81 states J >= J_{Q*}; that inequality rests on Eq. 79-80 (see globalmin.svd_step, "
                    "globalmin.von_neumann). Checked here: the equality at Q = F, P = I, and Eq. 82-85",
            steps=(MODES_STEP,
                   Step("J derived at d0 = d1 = d2 = 1 (v eliminated by its stationarity) = the printed J",
                        lambda: identity_check(derived_mode()["J"], J_PRINTED, "J derived = Eq. 81 summand")),
                   Step("dJ/dt = Eq. 83", lambda: derivative_check(DJ_EQ83, "Eq. 83")),
                   Step("dJ/dt = Eq. 84", lambda: derivative_check(DJ_EQ84, "Eq. 84")),
                   Step("dJ/dt = Eq. 85", lambda: derivative_check(DJ_EQ85, "Eq. 85"))),
            control=Control("Eq. 84 with the denominator not squared",
                            lambda: derivative_check(sigma**2 - zeta**2 * eta_enc**2 * beta * eta_dec**2
                                                      / (beta * eta_dec**2 + eta_enc**2 * t), "perturbed Eq. 84"))),
        _proof_of_prop2(
            "globalmin.roots", "Eq. 86-87: the two roots of dJ/dt = 0, with t2 < 0", ("85", "86", "87"),
            (sp.Eq(t1, T1_PRINTED), sp.Eq(t2, T2_PRINTED)),
            steps=(Step("dJ/dt (beta eta_dec^2 + eta_enc^2 t)^2 = sigma^2 eta_enc^4 (t - t1)(t - t2)", roots_check),
                   Step("t2 < 0 and t1 >= t2", root_signs_check)),
            control=Control("t1 with zeta + sqrt(beta) sigma eta_dec/eta_enc (sign flipped)",
                            lambda: roots_check(t1=SQRT_BETA * eta_dec / (sigma * eta_enc) * (zeta + THRESHOLD)))),
        _proof_of_prop2(
            "globalmin.selection", "Eq. 88: the minimizer of J over t >= 0 is t* = max(0, t1), unique", ("88",),
            sp.Eq(t_star, sp.Max(0, T1_PRINTED)), assumptions=(*FIXED, "t >= 0"),
            steps=(Step("J(t) - J(t*) >= sigma^2 (t - t*)^2/(kappa + t) for all t >= 0, region by region (the mode "
                        "survives; collapses; zeta = 0)", lambda: selection_check(sp.Max(0, T1_PRINTED))),),
            control=Control("t* = max(0, t2) (the other root)", lambda: selection_check(sp.Max(0, T2_PRINTED)))),
        _proof_of_prop2(
            "globalmin.v_star", "Eq. 89: V* = V(U*) = G Theta P with theta_i = sqrt(max(0, sigma_i eta_enc/(sqrt(beta) "
            "eta_dec) (zeta_i - sqrt(beta) sigma_i eta_dec/eta_enc)))", ("89",),
            sp.Eq(theta_i, THETA_PRINTED.xreplace({zeta: _sym(r"\zeta_i"), sigma: _sym(r"\sigma_i")})),
            assumptions=(*FIXED, "U* = F Lambda* P; printed G-bar = [g_1..g_d1] needs d1 <= d0, G Theta P (Prop. 2) "
                                 "does not"),
            steps=(Step("theta from V(U*) one mode at a time = the printed theta (squared; region by region)",
                        theta_check),
                   Step("V(F Lambda P) = G Theta P with theta_k = zeta_k lambda_k/(kappa + lambda_k^2), exact at "
                        "rational orthogonal F, G, P, every size up to 3", v_star_matrix_check)),
            control=Control("theta and lambda swapped (theta_i := lambda_i)", lambda: theta_check(LAMBDA_PRINTED))),
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
                title="Proposition 2 as printed: the global minimizers are U* = F Lambda P, V* = G Theta P for an "
                      "arbitrary orthogonal P, with lambda_i, theta_i of Eq. 8 (sigma_i paired with zeta_i by index)",
                ref=wz("Sec. 4.1", ("7", "8"), "Proposition 2"),
                statement=(sp.Eq(_sym("U^*"), _sym(r"F\Lambda P")), sp.Eq(_sym("V^*"), _sym(r"G\Theta P")),
                           sp.Eq(lam_i, LAMBDA_PRINTED.xreplace({zeta: _sym(r"\zeta_i"), sigma: _sym(r"\sigma_i")}))),
                assumptions=(*FIXED, "P an arbitrary orthogonal d1 x d1 matrix"),
                printed="Eq. 7-8; the proof's Eq. 79 drops P from Tr(U Sigma U^T), and the index pairing is what "
                        "Eq. 81 gives when P = I",
                steps=(Step("one mode: the printed lambda^2 is the derived minimizer (region by region)", lambda_check),
                       Step("one mode: the printed theta is V(U*) (region by region)", theta_check),
                       _on_ground_truth("members with P = I and random orthogonal P vs the minimum; minimal exact "
                                        "counterexample", prop2_printed_check)),
                control=Control("lambda^2 = max(0, t2) (the other root)",
                                lambda: lambda_check(sp.sqrt(sp.Max(0, T2_PRINTED)))),
            ),
            Claim(
                id="globalmin.prop2_corrected",
                title="Corrected Proposition 2: pair the k-th largest zeta with the k-th smallest sigma (sigma_pi(1) "
                      "<= ... <= sigma_pi(d1)); U* = F Lambda Pi R, V* = G Theta Pi R with lambda_k = lambda(zeta_k, "
                      "sigma_pi(k)), theta_k likewise (Eq. 8 per mode), Pi the pairing permutation and R any "
                      "orthogonal matrix commuting with Sigma; every global minimizer has these singular values",
                ref=wz("Sec. 4.1", ("7", "8"), "Proposition 2, corrected"),
                statement=(sp.Eq(_sym("U^*"), _sym(r"F\Lambda\Pi R")), sp.Eq(_sym("V^*"), _sym(r"G\Theta\Pi R")),
                           sp.Eq(_sym(r"R\Sigma R^\top"), Sig, evaluate=False),
                           sp.Eq(_sym(r"\lambda_k"), LAMBDA_PRINTED.xreplace({zeta: _sym(r"\zeta_k"),
                                                                              sigma: _sym(r"\sigma_{\pi(k)}")}))),
                assumptions=(*FIXED, "pi sorts sigma increasingly (ties in any order); for Sigma = sigma^2 I, R is any "
                                     "orthogonal matrix (the printed statement)"),
                steps=(Step("one mode: lambda^2 is the derived minimizer", lambda_check),
                       Step("one mode: theta is V(U*)", theta_check),
                       MODES_STEP,
                       _on_ground_truth("members with random R (R Sigma R^T = Sigma) attain the minimum; the "
                                        "minimizers found have the stated singular values", prop2_corrected_check)),
                control=Control("R arbitrary orthogonal (not commuting with Sigma)",
                                lambda: prop2_corrected_check(arbitrary=True)),
            ),
            cause="index-pairing", severity="substantive",
            reason="with sigma not sorted increasingly the stated points are not global minimizers (35 of 108 "
                   "members): the minimizer changes",
        ),
        Claim(
            id="globalmin.thm1",
            title="Theorem 1: for sigma_i = eta_enc, lambda_i = sqrt(max(0, sqrt(beta) eta_dec/eta_enc^2 (zeta_i - "
                  "sqrt(beta) eta_dec))), theta_i = sqrt(max(0, eta_enc^2/(sqrt(beta) eta_dec) (zeta_i - sqrt(beta) "
                  "eta_dec)))",
            ref=wz("Sec. 4.2", ("10",), "Theorem 1"),
            statement=(sp.Eq(lam_i, LAMBDA_THM1.xreplace({zeta: _sym(r"\zeta_i")})),
                       sp.Eq(theta_i, THETA_THM1.xreplace({zeta: _sym(r"\zeta_i")}))),
            assumptions=THM1_SETTING,
            steps=(Step("derived one-mode minimizer at sigma = eta_enc = Eq. 10 (region by region)", thm1_mode_check),
                   _on_ground_truth("Theorem 1's points with random orthogonal P attain the minimum; the minimizers "
                                    "found have its singular values", thm1_ground_truth_check)),
            control=Control("eta_enc^2 replaced by eta_enc in lambda_i",
                            lambda: thm1_mode_check(lam=sp.sqrt(sp.Max(0, SQRT_BETA * eta_dec / eta_enc
                                                                        * (zeta - THRESHOLD_THM1))))),
        ),
        *erratum(
            (
                _minimum_of_l(
                    "globalmin.cor1", "Corollary 1 as printed: min L = sum_{i<=d1} [zeta_i^2 - (zeta_i - sqrt(beta) "
                    "sigma_i eta_dec/eta_enc)^2 1(zeta_i > ...)] + sum_{i=d1+1}^{d*} zeta_i^2 (sigma_i paired with "
                    "zeta_i by index)", wz("Sec. 4.3", ("11",), "Corollary 1"),
                    r"\sum_{i\le d_1} m(\zeta_i,\sigma_i) + \sum_{i=d_1+1}^{d^*}\zeta_i^2",
                    steps=(Step("one mode: zeta^2 + min_t J = the summand of Eq. 11 (region by region)",
                                mode_minimum_check),
                           _on_ground_truth("the stated minimum vs the ground truth; minimal exact counterexample",
                                            lambda: cor1_check("printed")))),
                _minimum_of_l(
                    "globalmin.cor1_proof", "Proof of Corollary 1 (Eq. 90-91): min L = sum_{i=1}^{d1} [zeta_i^2 + "
                    "sigma_i^2 lambda_i*^2 - zeta_i^2 eta_enc^2 lambda_i*^2/(beta eta_dec^2 + eta_enc^2 lambda_i*^2)]",
                    wz("App. E.3", ("90", "91"), "Corollary 1 (proof)"),
                    r"\sum_{i=1}^{d_1}\zeta_i^2 + J(\lambda_i^{*2})",
                    printed="Eq. 91 writes ||Z||_F^2 as sum_{i<=d1} zeta_i^2 (the tail i > d1 is lost) and pairs by "
                            "index",
                    steps=(_on_ground_truth("Eq. 91 vs the ground truth; minimal exact counterexample",
                                            lambda: cor1_check("eq91")),)),
            ),
            _minimum_of_l(
                "globalmin.cor1_corrected", "Corrected Corollary 1: min L = sum_{k<=d1} [zeta_k^2 - (zeta_k - "
                "sqrt(beta) sigma_pi(k) eta_dec/eta_enc)^2 1(zeta_k > ...)] + sum_{k=d1+1}^{d*} zeta_k^2, sigma sorted "
                "increasingly (pi)", wz("Sec. 4.3", ("11", "91"), "Corollary 1, corrected"),
                r"\sum_{k\le d_1} m(\zeta_k,\sigma_{\pi(k)}) + \sum_{k=d_1+1}^{d^*}\zeta_k^2",
                assumptions=(*FIXED, "pi sorts sigma increasingly; equal to the printed Eq. 11 when sigma is "
                                     "non-decreasing"),
                steps=(Step("one mode: zeta^2 + min_t J = m(zeta, sigma) (region by region)", mode_minimum_check),
                       _on_ground_truth("the stated minimum vs the ground truth", lambda: cor1_check("corrected")))),
            cause="index-pairing", severity="substantive",
            reason="with sigma not sorted increasingly the stated minimum exceeds the true one (relative gap up to "
                   "0.52); the proof's Eq. 91 also loses the tail i > d1",
        ),
        _discussion_of_thm1(
            "globalmin.collapse_complete", "Sec. 4.2: complete posterior collapse (U* = 0, V* = 0) happens iff "
            "max_i zeta_i - sqrt(beta) eta_dec <= 0",
            sp.Equivalent(sp.Symbol("U^* = 0"), sp.Le(_sym(r"\max_i\zeta_i") - THRESHOLD_THM1, 0)),
            steps=(MODE_COLLAPSE_STEP,
                   _on_ground_truth("the origin is a global minimizer iff the condition holds (both directions, modes "
                                    "above, below and exactly at the threshold)",
                                    lambda: collapse_check(KEYS[0], "complete_collapse"))),
            control=Control("strict inequality max_i zeta_i - sqrt(beta) eta_dec < 0",
                            lambda: collapse_check(KEYS[1], "complete_collapse"))),
        *erratum(
            _discussion_of_thm1(
                "globalmin.collapse_partial", "Sec. 4.2 as printed: a partial posterior collapse happens if there "
                "exists i with zeta_i^2 - sqrt(beta) eta_dec <= 0",
                sp.Implies(sp.Le(_sym(r"\zeta_i^2") - THRESHOLD_THM1, 0), sp.Symbol("partial collapse")),
                printed="zeta_i^2 is compared with sqrt(beta) eta_dec (the complete-collapse condition uses zeta_i)",
                steps=(Step("minimal exact counterexample (d1 = 1: the latent's collapse is U* = 0) and the ground "
                            "truth in both directions", partial_printed_check),
                       Step("one mode at sigma = eta_enc: the printed condition vs t* = 0 (region by region)",
                            lambda: collapse_condition_check(zeta**2 - THRESHOLD_THM1 <= 0))),
                control=TO_RANK.of("the corrected condition")),
            _discussion_of_thm1(
                "globalmin.collapse_partial_corrected", "Corrected partial collapse: some latent collapses iff there "
                "exists i <= d1 with zeta_i - sqrt(beta) eta_dec <= 0 (zeta_i = 0 for i > min(d0, d2)), i.e. iff "
                "zeta_{d1} <= sqrt(beta) eta_dec",
                sp.Equivalent(sp.Symbol("partial collapse"), sp.Le(_sym(r"\zeta_{d_1}") - THRESHOLD_THM1, 0)),
                corrected=True,
                steps=(MODE_COLLAPSE_STEP,
                       _on_ground_truth("a latent collapses (removing one latent does not raise the minimum) iff the "
                                        "condition holds, both directions",
                                        lambda: collapse_check(KEYS[3], "partial_collapse"))),
                control=TO_RANK),
            cause="collapse-threshold", severity="substantive",
            reason="zeta_i^2 <= sqrt(beta) eta_dec for zeta_i <= sqrt(beta) eta_dec: the collapse prediction is wrong "
                   "on the open set between the two thresholds",
        ),
        Claim(
            id="globalmin.sqrt_beta_eta",
            title="Sec. 4.2: beta and eta_dec enter the global minimum (U*, V*) and the collapse conditions only "
                  "through sqrt(beta) eta_dec",
            ref=wz("Sec. 4.2", ("8", "10"), "Theorem 1 (discussion)"),
            statement=sp.Symbol(r"(U^*, V^*) = f(\sqrt{\beta}\,\eta_{dec})"),
            assumptions=(*FIXED, "Sigma fixed (not a function of beta or eta_dec); the value of L_VAE itself "
                                 "depends on eta_dec and beta separately"),
            steps=(Step("one mode: lambda*^2, theta*^2 and the minimum of L are free of eta_dec when beta = "
                        "s^2/eta_dec^2", lambda: product_only_check("sqrt")),
                   _on_ground_truth("the same data at (beta, eta_dec) = (0.5625, 2) and (2.25, 1): equal min L, U U^T, "
                                    "V V^T and collapse pattern",
                                    lambda: same_minimizers_check("same sqrt(beta) eta_dec",
                                                                  "same sqrt(beta) eta_dec"))),
            control=Control("beta and eta_dec enter only through beta eta_dec: (0.5625, 2) vs (1.125, 1)",
                            lambda: same_minimizers_check("same beta eta_dec", "same beta eta_dec")),
        ),
        _discussion_of_thm1(
            "globalmin.eta_enc_independence",
            "Sec. 4.2: with sigma_i = eta_enc, the condition for posterior collapse does not depend on eta_enc",
            sp.Symbol(r"\text{collapse pattern independent of } \eta_{enc}"),
            steps=(Step("one mode at sigma = eta_enc: survives iff zeta > sqrt(beta) eta_dec (region by region)",
                        lambda: eta_enc_free_check(True)),
                   _on_ground_truth("the same data at eta_enc = 0.5 and 2: same collapse pattern",
                                    lambda: same_minimizers_check("other eta_enc", "eta_enc = 0.5 vs 2"))),
            control=Control("a fixed Sigma = I (sigma not tied to eta_enc): eta_enc = 0.5 vs 2",
                            fixed_sigma_pair_check)),
        *erratum(
            _discussion_of_thm1(
                "globalmin.small_beta", "Sec. 4.2: a sufficiently small beta always prevents posterior collapse",
                sp.Symbol(r"\exists\beta_0>0\ \forall\beta<\beta_0:\ \text{no collapse}"),
                steps=(Step("minimal exact case with a latent whose zeta_i = 0 (t1 = -kappa < 0 for every beta); "
                            "ground truth at beta = 2^-10", small_beta_printed_check),),
                control=SMALL_BETA_IFF_RANK),
            _discussion_of_thm1(
                "globalmin.small_beta_corrected", "Corrected: no latent collapses iff beta < zeta_{d1}^2/eta_dec^2 "
                "(zeta_{d1} = 0 if d1 > min(d0, d2)), so a small enough beta prevents every collapse iff rank(Z) >= "
                "d1; the complete collapse is avoided iff beta < zeta_1^2/eta_dec^2, possible iff Z != 0",
                sp.Equivalent(sp.Symbol("no collapse"), sp.StrictLessThan(beta, _sym(r"\zeta_{d_1}^2") / eta_dec**2)),
                corrected=True,
                steps=(Step("one mode at sigma = eta_enc: survives iff beta < zeta^2/eta_dec^2 (region by region; "
                            "never for zeta = 0)", survives_below_beta_check),
                       _on_ground_truth("some latent collapses iff beta >= zeta_d1^2/eta_dec^2 (rank(Z) >= d1 at half "
                                        "the threshold, rank(Z) < d1 at beta = 2^-10, and every other instance)",
                                        lambda: collapse_check(KEYS[5], "partial_collapse")),
                       _on_ground_truth("the origin is a global minimizer iff beta >= zeta_1^2/eta_dec^2",
                                        lambda: collapse_check(KEYS[0], "complete_collapse"))),
                control=SMALL_BETA_IFF_RANK),
            cause="rank-deficient-data", severity="substantive",
            reason="a mode with zeta_i = 0 collapses for every beta > 0: no small beta prevents collapse when rank(Z) "
                   "< d1",
        ),
    ]
