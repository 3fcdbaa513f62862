"""Checks of statements about data: both sides evaluated on concrete datasets at high precision.

A dataset is a valid instance by construction (every moment comes from actual rows), so a difference found here
is a counterexample, never an artefact of moment values no data could produce.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import mpmath
import numpy as np

from ._verdict import CheckResult, Counterexample, Status

DPS_SCHEDULE = (30, 60)


@dataclass(frozen=True)
class Dataset:
    """A labelled dataset X [n, D0], Y [n, d2] with exactly representable (integer) entries."""

    label: str
    X: np.ndarray
    Y: np.ndarray

    def describe(self) -> dict[str, str]:
        return {"dataset": self.label, "X": _rows(self.X), "Y": _rows(self.Y)}


def _rows(M: np.ndarray) -> str:
    return "[" + "; ".join(" ".join(f"{v:g}" for v in row) for row in M) + "]"


def integer_datasets(shapes: Sequence[tuple[int, int, int]], *, per_shape: int, seed: int, low: int = -3,
                     high: int = 3, rank: int | None = None) -> list[Dataset]:
    """Seeded datasets of small integers, shapes (n, D0, d2); ``rank`` < D0 makes X rank deficient."""
    rng = np.random.default_rng(seed)
    out = []
    for n, D0, d2 in shapes:
        for k in range(per_shape):
            if rank is not None and rank < D0:
                mixing = rng.choice([-2, -1, 1, 2], size=(rank, D0))
                X = rng.integers(low, high + 1, size=(n, rank)) @ mixing
            else:
                X = rng.integers(low, high + 1, size=(n, D0))
            Y = rng.integers(low, high + 1, size=(n, d2))
            label = f"n={n},D0={D0},d2={d2},seed={seed},#{k}"
            out.append(Dataset(label, X.astype(np.float64), Y.astype(np.float64)))
    return out


Sides = Callable[[Dataset, int], tuple[mpmath.mpf, mpmath.mpf]]


def check_dataset_identity(sides: Sides, datasets: Sequence[Dataset], *, what: str,
                           inequality: bool = False) -> CheckResult:
    """lhs == rhs (or lhs >= rhs when ``inequality``) on every dataset, evaluated at 30 then 60 digits.

    A difference counts only if it is above 1e-20 relative at both precisions and the two values agree.
    """
    worst = 0.0
    margin = float("inf")
    for index, ds in enumerate(datasets):
        values = []
        for dps in DPS_SCHEDULE:
            with mpmath.workdps(dps):
                lhs, rhs = sides(ds, dps)
                values.append((lhs, rhs, lhs - rhs))
        (l30, r30, g30), (l60, r60, g60) = values
        with mpmath.workdps(60):
            scale = max(1, abs(l60), abs(r60))
            tol = mpmath.mpf(10) ** -20 * scale
            violated = g60 < -tol if inequality else abs(g60) > tol
            stable = abs(g60 - g30) <= mpmath.mpf(10) ** -12 * scale
            if violated and stable:
                cx = Counterexample(ds.describe(), mpmath.nstr(l60, 30), mpmath.nstr(r60, 30), 60)
                return CheckResult(Status.REFUTED, "dataset counterexample (mpmath)",
                                   f"{what}: fails on dataset {ds.label} (lhs - rhs = {mpmath.nstr(g60, 8)})",
                                   {"datasets_tried": index + 1}, cx)
            if inequality:
                margin = min(margin, float(g60) / float(scale))
            else:
                worst = max(worst, float(abs(g60)) / float(scale))
    if inequality:
        text, details = f"smallest relative margin lhs - rhs = {margin:.2g} (>= 0)", {"smallest_margin": margin}
    else:
        text, details = f"worst relative residual {worst:.2g}", {"worst_residual": worst}
    return CheckResult(Status.CHECKED, "mpmath on datasets",
                       f"{what}: {len(datasets)} datasets at 30 and 60 digits, {text}",
                       {"datasets": len(datasets), "dps": list(DPS_SCHEDULE), **details})
