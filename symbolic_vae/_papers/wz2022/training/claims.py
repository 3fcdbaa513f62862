"""The claim table of the section (``claims()``, in ledger order)."""

from __future__ import annotations

from functools import partial

import sympy as sp

from symbolic_vae._core.claim import Claim, Control, PaperRef, Step, equation, explain_survivors
from symbolic_vae._papers.wz2022.training.checks import (
    annealing_check,
    closed_form_check,
    complete_collapse_check,
    digits_counts,
    fixed_counts,
    learnable_counts,
    tanh_digits_counts,
)

FIXED_COUNT = sp.Symbol(r"\#\{i:\zeta_i^2>\beta\eta_{dec}^2\}")
SHIFTED = r"thresholds shifted by one mode ($\zeta_{i+1}$ or $\beta_{p+1}$ in place of $\zeta_i$, $\beta_p$)"


ETA_DEC_ONE = ("eta_dec**2 -> eta_dec",
               "the campaigns train with a fixed eta_dec = 1, where every power of eta_dec is 1: a mutant of how "
               "eta_dec enters the survival rule predicts the same counts here (encvar.collapse_unchanged and "
               "encvar.thm2_sigma, at eta_dec != 1, kill it)")
SURVIVING_MUTANTS: dict[str, tuple[tuple[str, str], ...]] = {
    "training.surviving_modes_fixed": (ETA_DEC_ONE,),
    "training.kl_annealing": (ETA_DEC_ONE,),
    "training.surviving_modes_digits": (ETA_DEC_ONE,),
    "training.nonlinear_complete_collapse": (
        ETA_DEC_ONE,
        ("MODE_SURVIVES: exponent +1: zeta**2 -> zeta**3",
         "the claim is about complete collapse only (no active unit at every beta above zeta_1^2, some below): its "
         "betas 0.22 and 0.47 lie below both zeta_1^3 = 0.584 and zeta_1^2 = 0.699, and 0.8 and 1 above both, so a "
         "rule with zeta^3 predicts the same (its exact counts are shown, not claimed; encvar.collapse_unchanged "
         "kills the mutant)")),
    "training.surviving_modes_learnable": (
        ("_alive: coefficient x (1",
         "the campaign's betas are geometric midpoints between the predicted thresholds (beta_1 = 2.63, beta_2 = "
         "1.63), so a threshold moved by 0.1% changes no count (decvar.thm4_eq58_corrected tests the thresholds' "
         "values)"),),
    "training.closed_forms": (
        ("_kernel_forms: sign flip: c -> -c (a term of c + ",
         "the campaigns' data have y = x, so c = E||y||^2 - ||Z||_F^2 = 0 and its sign does not enter (decvar.G_model "
         "and decvar.table1_corrected test c > 0)"),
        ("_kernel_forms: swapped branches: Piecewise((0, (beta < 2) & Eq(c + zeta_2**2 + zeta_3**2, 0))",
         "the branches swapped are those of the no-minimizer case (c + sum_{i > d1} zeta_i^2 = 0), which the "
         "learnable campaign (d1 = 2, zeta_3, zeta_4 > 0) never reaches (decvar.table1_corrected tests it)")),
}
"""Mutants of the formulas these claims' predictions use that the trained campaigns cannot notice, and why
(``symbolic-vae mutate``)."""


def claims() -> list[Claim]:
    """SGD-trained linear VAEs against the verified closed forms."""
    return explain_survivors(_claims(), SURVIVING_MUTANTS)


def _claims() -> list[Claim]:
    wz = partial(PaperRef, "wz2022")
    data = ((r"synthetic y = x data, 512 points with $\mathbb{E}[xx^\top]$ of eigenvalues $\zeta^2$ = (4, 1.44, 0.49, "
             "0.16) exactly"),
            "Adam on 1-sample reparametrized minibatch ELBOs (batch 128), seeded, torch on one thread; active unit: "
            r"$\mathrm{Cov}_x(\mathbb{E}_q[z_j]) > 0.01$")
    return [
        Claim(
            id="training.surviving_modes_fixed",
            title=r"SGD-trained linear VAEs (fixed $\eta_{\mathrm{dec}} = 1$, $d_1 = 4$): the active units equal the "
                  r"predicted surviving modes #{i: $\zeta_i^2 > \beta \eta_{\mathrm{dec}}^2$} at betas between and "
                  "beyond every threshold",
            ref=wz("Sec. 4.2", (), "Theorem 2, Fig. 1"),
            statement=equation(sp.Symbol(r"\#\text{active}_{SGD}(\beta)"), FIXED_COUNT),
            assumptions=data,
            steps=(Step(r"train the grid $\beta = 0.08$, 0.3, 0.9, 2.2, 7 in one run; compare the counts",
                        fixed_counts),),
            control=Control(SHIFTED, partial(fixed_counts, shift=1)),
        ),
        Claim(
            id="training.surviving_modes_learnable",
            title=r"SGD-trained linear VAEs with a learnable $\eta_{\mathrm{dec}}$ ($d_1 = 2$, $d_2 = 4$): the active "
                  r"units equal #{p: $\beta < \beta_p$} with $\beta_p = d_2 \zeta_p^2/(p \zeta_p^2 + R_p)$",
            ref=wz("App. D", ("57", "58", "59"), "Theorem 4 and Table 1, corrected"),
            statement=equation(sp.Symbol(r"\#\text{active}_{SGD}(\beta)"), sp.Symbol(r"\#\{p:\beta<\beta_p\}")),
            assumptions=data,
            steps=(Step(r"train the grid $\beta = 0.5$, 1.5, 3 (thresholds 2.63, 1.63) in one run; compare the counts",
                        learnable_counts),),
            control=Control(SHIFTED, partial(learnable_counts, shift=1)),
        ),
        Claim(
            id="training.closed_forms",
            title="SGD-trained linear VAEs reach the closed forms: the trained loss is min L (G(s) at $s = "
                  r"\eta_{\mathrm{dec}}^2$ or $\eta_{\mathrm{dec}}^{*2}$) within 2e-4 relative and never below it, "
                  r"the encoder std per mode is $\sigma_i^*$ and the learned $\eta_{\mathrm{dec}}^2$ is $R_k/(d_2 - "
                  r"\beta k)$ within 3%",
            ref=wz("Sec. 4.2, App. D", ("14", "19", "44", "58"), "Theorem 2, Theorem 4"),
            statement=(equation(sp.Symbol(r"L_{SGD}"), sp.Symbol(r"\min L")),
                       equation(sp.Symbol(r"\sigma_{i,SGD}"), sp.Symbol(r"\sigma_i^*")),
                       equation(sp.Symbol(r"\eta_{dec,SGD}^2"), sp.Symbol(r"\eta_{dec}^{*2}"))),
            assumptions=(*data,
                         r"tolerances: the stopping rule's residual loss (the loss is exact in $\epsilon$) and what "
                         "it allows the parameters; the Monte Carlo estimate within 5 standard errors of it"),
            steps=(Step((r"loss, $\sigma_i^*$ and $\eta_{\mathrm{dec}}^2$ of the fixed and learnable grids against "
                         "the closed forms"),
                        partial(closed_form_check, ("fixed", "learnable"))),),
            control=Control(r"the two branches of $\sigma_i^*$ swapped",
                            partial(closed_form_check, ("fixed", "learnable"),
                                                                            swap=True)),
        ),
        Claim(
            id="training.kl_annealing",
            title=r"KL annealing ($\beta$ warmed up linearly over the first 1000 steps) leaves collapse at the "
                  "optimum unchanged: the active units equal the un-annealed run's and the predicted surviving modes",
            ref=wz("Sec. 1, Sec. 6", (), "discussion of KL annealing"),
            statement=equation(sp.Symbol(r"\#\text{active}_{annealed}(\beta)"), FIXED_COUNT),
            assumptions=data,
            steps=(Step("train the fixed grid with a KL warm-up; compare with the theory and the plain run",
                        annealing_check),),
            control=Control(SHIFTED, partial(annealing_check, shift=1)),
        ),
        Claim(
            id="training.surviving_modes_digits",
            title=r"SGD-trained linear VAEs on natural data (scikit-learn's digits, fixed $\eta_{\mathrm{dec}} = 1$, "
                  r"$d_1 = 5$): the active units equal the predicted surviving modes #{i: $\zeta_i^2 > \beta "
                  r"\eta_{\mathrm{dec}}^2$} of the data's own spectrum, below, between and above its thresholds",
            ref=wz("Sec. 5", (), "Theorem 2, Fig. 2 (MNIST)"),
            statement=equation(sp.Symbol(r"\#\text{active}_{SGD}(\beta)"), FIXED_COUNT),
            assumptions=("scikit-learn's digits (1797 images of 8x8 pixels, bundled), pixels / 16, centred, y = x; "
                         r"$\zeta_i^2 = 0.699$, 0.639, 0.554, 0.395, 0.271, 0.231, ... (eigenvalues of the covariance)",
                         "Adam on 1-sample reparametrized minibatch ELBOs (batch 128), seeded, torch on one thread, "
                         r"one step-size decay; active unit: $\mathrm{Cov}_x(\mathbb{E}_q[z_j]) > 0.01$"),
            steps=(Step(r"train the grid $\beta = 0.15$, 0.33, 0.47, 1 (predicted 5, 4, 3, 0 surviving modes) in one "
                        "run; compare the counts", digits_counts),),
            control=Control(SHIFTED, partial(digits_counts, shift=1)),
        ),
        Claim(
            id="training.nonlinear_complete_collapse",
            title="A nonlinear VAE (one hidden layer of 64 tanh units in the encoder and the decoder, $d_1 = 5$) on "
                  "scikit-learn's digits collapses completely where the linear theory predicts it: no active unit at "
                  r"the betas above $\zeta_1^2 \eta_{\mathrm{dec}}^{-2}$, at least one below",
            ref=wz("Sec. 5", (), "Fig. 1-2: the threshold of complete posterior collapse is predicted"),
            statement=equation(sp.Symbol(r"\#\text{active}_{tanh}(\beta) = 0"),
                            sp.Symbol(r"\beta\eta_{dec}^2 \ge \zeta_1^2")),
            assumptions=("scikit-learn's digits / 16, centred, y = x (as training.surviving_modes_digits)",
                         "Adam on 1-sample reparametrized minibatch ELBOs (batch 128), seeded, torch on one thread; "
                         r"active unit: $\mathrm{Cov}_x(\mathbb{E}_q[z_j]) > 0.01$",
                         "the exact count below the threshold is not claimed: the control is that count"),
            steps=(Step(r"train the tanh VAE at $\beta = 0.22$, 0.47, 0.8, 1 ($\zeta_1^2 = 0.699$) in one run; "
                        "compare where no unit is active", partial(complete_collapse_check, "digits_tanh")),),
            control=Control(r"the linear theory's exact count of surviving modes at every $\beta$",
                            tanh_digits_counts),
        ),
    ]
