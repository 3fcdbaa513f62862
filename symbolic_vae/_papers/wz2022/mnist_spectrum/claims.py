"""The claim table of the section (``claims()``, in ledger order)."""

from __future__ import annotations

from functools import partial

import sympy as sp

from symbolic_vae._core.claim import Claim, Control, PaperRef, Step, equation, explain_survivors
from symbolic_vae._papers.wz2022.mnist_spectrum.checks import (
    AUTHORS_REPO,
    FIGURE_BETAS,
    figure_counts_check,
    notebook_values_check,
    reading_check,
    trace_check,
)

SURVIVING_MUTANTS: dict[str, tuple[tuple[str, str], ...]] = {
    "mnist.top5_are_eigenvalues_of_A": (
        ("eta_dec**2 -> eta_dec",
         "Fig. 3 fixes eta_dec = 1, where every power of eta_dec is 1: a mutant of how eta_dec enters the survival "
         "rule predicts the same counts at the figure's betas (encvar.collapse_unchanged kills it)"),),
}
"""Mutants of the survival rule that the figure's setting cannot notice, and why (``symbolic-vae mutate``)."""


def claims() -> list[Claim]:
    """The values WZ22 Sec. 5 prints as MNIST's top-5 zeta_i, read against the authors' code and the section's text."""
    return explain_survivors(_claims(), SURVIVING_MUTANTS)


def _claims() -> list[Claim]:
    betas = ", ".join(f"{b:g}" for b in FIGURE_BETAS)
    return [
        Claim(
            id="mnist.top5_are_eigenvalues_of_A",
            title=r"The values Sec. 5 prints as MNIST's top-5 $\zeta_i$, [5.12, 3.74, 3.25, 2.84, 2.57], are the "
                  r"eigenvalues $\zeta_i^2$ of $A = \mathbb{E}[xx^\top]$ (the collapse thresholds $\beta "
                  r"\eta_{\mathrm{dec}}^2$ themselves), not the singular values $\zeta_i$",
            ref=PaperRef("wz2022", "Sec. 5", (), "Fig. 3: the betas chosen by the thresholds of each mode"),
            statement=equation(sp.Symbol(r"(5.12, 3.74, 3.25, 2.84, 2.57)"),
                               sp.Symbol(r"(\zeta_1^2, \dots, \zeta_5^2)")),
            assumptions=(f"the authors' code ({AUTHORS_REPO}): `mnist_svd.ipynb` computes the values as "
                         r"$S = \mathrm{svd}(A)$ of the centred MNIST training images / 255, $A = x^\top x / n$, and "
                         r"prints `S[:5]`, `S[5:].sum()` and `trace(A)`; `plot_synthetic.py` uses them as `xi2_list` "
                         r"(a mode collapses at $\beta \ge \xi^2$)",
                         f"Fig. 3 is drawn at $\\beta = {betas}$ (the authors' `output/mnist-beta=<beta>.png`), "
                         r"$\eta_{\mathrm{dec}} = \eta_{\mathrm{enc}} = 1$, latent dimension 5",
                         "MNIST itself is not bundled: the checks compute with the authors' printed numbers only"),
            steps=(Step("the printed values are the notebook's eigenvalues $S_i$ of A, rounded to two decimals",
                        partial(notebook_values_check, "zeta2")),
                   Step(r"read as $\zeta_i^2$, they and the notebook's `S[5:].sum()` make its `trace(A)`",
                        partial(trace_check, "zeta2")),
                   Step(r"read as $\zeta_i^2$, the survival rule $\zeta_i^2 > \beta\eta_{\mathrm{dec}}^2$ at the betas "
                        f"of Fig. 3 ({betas}) reaches every count from 5 to 0, as the text states",
                        partial(figure_counts_check, "zeta2"))),
            control=Control(r"the values read as the singular values $\zeta_i$ (the thresholds their squares: 26.2, "
                            "14.0, 10.6, 8.07, 6.60)", partial(reading_check, "zeta")),
            printed=r"the top-5 $\zeta_i$ are [5.12, 3.74, 3.25, 2.84, 2.57]",
        ),
    ]
