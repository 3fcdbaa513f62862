"""The checks of the MNIST spectrum claim: what each reading of the printed top-5 values (``zeta2``: they are the
eigenvalues zeta_i^2 of A = E[x x^T]; ``zeta``: they are the singular values zeta_i) predicts for the authors' own
numbers and for the statement Sec. 5 makes with them, computed at run time. A check is CHECKED when the reading
agrees with every number within the rounding of the print, REFUTED by the first number it contradicts."""

from __future__ import annotations

import dataclasses

import numpy as np

import symbolic_vae._papers.wz2022.training.predictions as pred
from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._core.verdict import CheckResult, Status
from symbolic_vae._engine.floats import float64_refutation

PRINTED = (5.12, 3.74, 3.25, 2.84, 2.57)
"""WZ22 Sec. 5, as printed: "the top-5 zeta_i are [5.12, 3.74, 3.25, 2.84, 2.57]"."""
PRINTED_HALF_UNIT = 0.005
"""The printed values have two decimals: each stands for a number within half a unit of its last digit."""

AUTHORS_REPO = "zihao-wang/LinearVAE"
NOTEBOOK = {"path": "mnist_svd.ipynb", "commit": "cc4062cacd1cbdf8c16596692b4fbd9fbabad934",
            "lines": ("x -= x.mean(0, keepdims=True)", "A = x.T.dot(x) / len(x)", "print(np.trace(A))",
                      "_, S, _ = np.linalg.svd(A)", "print(S[:5], S[5:].sum())",
                      "mnist_samples = mnist_dataset.train_data.reshape(60000, -1).numpy() / 255"),
            "output": ("(60000, 784)", "52.72503549512684", "784", "52.725035495126846",
                       "[5.11678773 3.74132848 3.25265424 2.84157334 2.56707496] 35.20561675215616")}
"""The authors' computation of the printed values: S, the singular values of the symmetric positive semi-definite
A = E[x x^T] of the centred MNIST training images / 255, are its eigenvalues. The lines and the output, quoted."""
NOTEBOOK_S = (5.11678773, 3.74132848, 3.25265424, 2.84157334, 2.56707496)
"""S[:5] as the notebook prints it."""
NOTEBOOK_TRACE = 52.72503549512684
NOTEBOOK_TAIL = 35.20561675215616
"""np.trace(A) and S[5:].sum() as the notebook prints them."""
PLOT_SCRIPT = {"path": "plot_synthetic.py", "commit": "40fb0231f83110ecefd6921037c58d84a631013d",
               "lines": ("xi2_list = [5.11678773, 3.74132848, 3.25265424, 2.84157334, 2.56707496, "
                         "35.20561675215616] # mnist top 5",
                         "for i, xi2 in enumerate(xi2_list):", "if beta < xi2:", "sigma = np.sqrt(beta / xi2)",
                         "rec_loss += xi2 - max(0, np.sqrt(xi2) - np.sqrt(beta) * sigma) ** 2")}
"""The authors' theory curves take the same numbers as xi2 = zeta_i^2: a mode collapses at beta >= xi2."""
FIGURE_BETAS = (0.5, 1.0, 1.5, 2.0, 2.75, 3.0, 3.5, 4.0, 6.0)
FIGURE_FILES = {"commit": "3596c4ff31920d8dbfc68cf13d4d0334bef77161",
                "paths": tuple(f"output/mnist-beta={b:g}.png" for b in FIGURE_BETAS)}
"""The betas of the authors' MNIST generation figures (WZ22 Fig. 3), read from the names of their image files."""
LATENT_DIM = 5
"""WZ22 Sec. 5: "The latent dimension is five"; "Following common practices, we choose eta_dec = eta_enc = 1"."""
STATED_COUNTS = tuple(range(LATENT_DIM, -1, -1))
"""WZ22 Sec. 5 on Fig. 3: the betas "are chosen according to the theoretical thresholds for each mode to collapse",
from "5 non-collapsed modes" as the count "reduces to zero" until "the model completely collapses": every count of
surviving modes from 5 down to 0 is reached at the figure's betas."""

READINGS = {"zeta2": "the printed values are the eigenvalues zeta_i^2 of A = E[x x^T]",
            "zeta": "the printed values are the singular values zeta_i (so zeta_i^2 are their squares)"}


def _reading(reading: str) -> str:
    if reading not in READINGS:
        raise SymbolicVAEError(f"reading: expected one of {', '.join(READINGS)}, got {reading!r}")
    return reading


def implied_zeta2(reading: str) -> np.ndarray:
    """The eigenvalues zeta_i^2 of A that the printed values stand for under ``reading``."""
    printed = np.asarray(PRINTED)
    return printed if _reading(reading) == "zeta2" else printed**2


def _evidence(reading: str) -> dict[str, object]:
    return {"reading": READINGS[reading], "printed": list(PRINTED), "authors_repo": AUTHORS_REPO,
            "notebook": NOTEBOOK, "plot_script": PLOT_SCRIPT, "figure_files": FIGURE_FILES}


def notebook_values_check(reading: str) -> CheckResult:
    """The printed values are what the authors' notebook prints under ``reading``: its eigenvalues S of A (zeta2)
    or their square roots (zeta), within half a unit of the printed last digit."""
    reading = _reading(reading)
    s = np.asarray(NOTEBOOK_S)
    printed_from_notebook = s if reading == "zeta2" else np.sqrt(s)
    gaps = np.abs(printed_from_notebook - np.asarray(PRINTED))
    details = {**_evidence(reading), "notebook_S": list(NOTEBOOK_S),
               "predicted_print": [float(v) for v in printed_from_notebook], "gaps": [float(g) for g in gaps]}
    i = int(np.argmax(gaps))
    if gaps[i] > PRINTED_HALF_UNIT:
        return float64_refutation(
            "the authors' notebook vs the print", f"value {i + 1}: the notebook's S_{i + 1} = {s[i]:.8g} predicts "
            f"{printed_from_notebook[i]:.6g} in print, the paper prints {PRINTED[i]:g}",
            {"reading": reading, "i": str(i + 1), "S_i": f"{s[i]:.17g}"}, float(printed_from_notebook[i]),
            PRINTED[i], note="lhs: the value the reading predicts in print; rhs: the printed value",
            gap=float(gaps[i]), tolerance=PRINTED_HALF_UNIT, details=details)
    read_as = "$S_i$" if reading == "zeta2" else r"$\sqrt{S_i}$"
    return CheckResult(Status.CHECKED, "the authors' notebook vs the print",
                       f"the 5 printed values are the notebook's {read_as} "
                       f"within {gaps.max():.2g} (half a printed unit is {PRINTED_HALF_UNIT:g})", details)


def trace_check(reading: str) -> CheckResult:
    """The top-5 eigenvalues the reading implies plus the notebook's S[5:].sum() make its trace(A): the interval
    of the printed values' rounding must contain trace(A) - S[5:].sum()."""
    reading = _reading(reading)
    printed = np.asarray(PRINTED)
    low, high = printed - PRINTED_HALF_UNIT, printed + PRINTED_HALF_UNIT
    if reading == "zeta":
        low, high = low**2, high**2
    top = NOTEBOOK_TRACE - NOTEBOOK_TAIL
    implied = float(implied_zeta2(reading).sum())
    details = {**_evidence(reading), "trace_A": NOTEBOOK_TRACE, "tail_sum": NOTEBOOK_TAIL, "top5_from_trace": top,
               "top5_implied": implied, "interval": [float(low.sum()), float(high.sum())]}
    if not low.sum() <= top <= high.sum():
        return float64_refutation(
            "trace of A", f"the implied top-5 eigenvalues sum to {implied:.6g}, but trace(A) - S[5:].sum() = "
            f"{top:.6g} in the authors' notebook" + (" (more than trace(A) itself)" if implied > NOTEBOOK_TRACE
                                                     else ""),
            {"reading": reading, "trace_A": f"{NOTEBOOK_TRACE:.17g}", "tail_sum": f"{NOTEBOOK_TAIL:.17g}"},
            implied, top, note="lhs: sum of the implied top-5 eigenvalues of A; rhs: trace(A) - S[5:].sum()",
            gap=abs(implied - top), tolerance=float(max(high.sum() - implied, implied - low.sum())), details=details)
    return CheckResult(Status.CHECKED, "trace of A", f"trace(A) - S[5:].sum() = {top:.6g} lies in "
                       f"[{low.sum():.6g}, {high.sum():.6g}], the implied top-5 sum within the print's rounding",
                       details)


def figure_counts_check(reading: str) -> CheckResult:
    """The statement Sec. 5 makes with the values: at the betas of Fig. 3 (eta_dec = 1, d1 = 5) the predicted
    surviving modes (the per-mode rule of encvar.collapse_unchanged) reach every count from 5 down to 0."""
    reading = _reading(reading)
    z2 = implied_zeta2(reading)
    counts = pred.fixed_count(np.sqrt(z2), FIGURE_BETAS, latent_dim=LATENT_DIM)
    rows = [{"beta": b, "predicted": int(c)} for b, c in zip(FIGURE_BETAS, counts, strict=True)]
    details = {**_evidence(reading), "zeta2": [float(v) for v in z2], "thresholds": "beta eta_dec^2 >= zeta_i^2 "
               "collapses mode i (eta_dec = 1)", "stated_counts": list(STATED_COUNTS), "counts": rows,
               "source": pred.SOURCES["fixed count"]}
    missing = [n for n in STATED_COUNTS if n not in set(int(c) for c in counts)]
    if missing:
        far = min(missing)  # the fewest modes stated and not reached: from the largest beta with the fewest modes
        at = int(np.flatnonzero(counts == counts.min())[-1])
        return float64_refutation(
            "survival rule at the figure's betas", f"no beta of Fig. 3 gives {far} surviving modes (the text goes "
            f"from 5 to 0); {int(counts[at])} survive at beta = {FIGURE_BETAS[at]:g}; predicted counts "
            + ", ".join(str(int(c)) for c in counts),
            {"reading": reading, "beta": f"{FIGURE_BETAS[at]:.17g}", "zeta2": str([float(v) for v in z2])},
            float(counts[at]), float(far), note="lhs: predicted surviving modes at the beta; rhs: the count the text "
            "states is reached", gap=abs(int(counts[at]) - far), tolerance=0.0, details=details)
    return CheckResult(Status.CHECKED, "survival rule at the figure's betas",
                       r"predicted surviving modes at $\beta$ = " + ", ".join(f"{b:g}" for b in FIGURE_BETAS) + ": "
                       + ", ".join(str(int(c)) for c in counts) + " (every count from 5 to 0)", details)


def reading_check(reading: str) -> CheckResult:
    """All three checks under ``reading`` (the negative control): the first refutation, the statement of Sec. 5
    first, with every check's summary in its details; else CHECKED."""
    results = [check(reading) for check in (figure_counts_check, notebook_values_check, trace_check)]
    every = {"every_check": [f"{r.method}: {r.status.value}: {r.summary}" for r in results]}
    for result in results:
        if result.status is not Status.CHECKED:
            return dataclasses.replace(result, details={**result.details, **every})
    return CheckResult(Status.CHECKED, "the authors' numbers and Sec. 5", "; ".join(r.summary for r in results),
                       {"reading": READINGS[reading], **every})
