"""Checks of statements about data: both sides evaluated on concrete datasets at high precision.

A dataset is a valid instance by construction (every moment comes from actual rows), so a difference found here
is a counterexample, never an artefact of moment values no data could produce.
"""

from __future__ import annotations

import dataclasses
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import mpmath
import numpy as np
import sympy as sp

from symbolic_vae._core.seeds import derive_seed
from symbolic_vae._core.verdict import CheckResult, Counterexample, Status, decimal_text
from symbolic_vae._model.lvm import DataMoments, beta, eta_dec, eta_enc

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
    rng = np.random.default_rng(derive_seed(seed))
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
                cx = Counterexample(ds.describe(), mpmath.nstr(l60, 30), mpmath.nstr(r60, 30), 60,
                                    gap=decimal_text(-g60 if inequality else abs(g60)), tolerance=decimal_text(tol))
                return CheckResult(Status.REFUTED, "dataset counterexample (mpmath)",
                                   f"{what}: fails on dataset {ds.label} (lhs - rhs = {mpmath.nstr(g60, 8)})",
                                   {"datasets_tried": index + 1}, cx)
            if inequality:
                margin = min(margin, float(g60) / float(scale))
            else:
                worst = max(worst, float(abs(g60)) / float(scale))
    if inequality:
        text, details = f"smallest relative margin lhs - rhs = {margin:.2g} ($\\ge 0$)", {"smallest_margin": margin}
    else:
        text, details = f"worst relative residual {worst:.2g}", {"worst_residual": worst}
    return CheckResult(Status.CHECKED, "mpmath on datasets",
                       f"{what}: {len(datasets)} datasets at 30 and 60 digits, {text}",
                       {"datasets": len(datasets), "dps": list(DPS_SCHEDULE), **details})


# =====================================================================================================
# Exact evaluation on datasets
# =====================================================================================================
Exact = Callable[[Dataset], tuple[sp.Expr, sp.Expr, dict[str, str]]]


def exact_matrix(M: np.ndarray) -> sp.Matrix:
    """A float64 array as an exact SymPy matrix (every float64 is a dyadic rational)."""
    return sp.Matrix(M.shape[0], M.shape[1], lambda i, j: sp.Rational(float(M[i, j])))


def dataset_moments(ds: Dataset) -> tuple[sp.Matrix, sp.Matrix, sp.Matrix, sp.Matrix, sp.Matrix]:
    """Exact moments of a dataset: A = E[x x^T], B = E[x y^T], S_yy = E[y y^T], E[x], E[y]."""
    X, Y = exact_matrix(ds.X), exact_matrix(ds.Y)
    n = X.shape[0]
    ones = sp.ones(n, 1)
    return X.T * X / n, X.T * Y / n, Y.T * Y / n, X.T * ones / n, Y.T * ones / n


def moment_values(moments: DataMoments, ds: Dataset, *, mean_x_zero: bool = False) -> dict[sp.Symbol, sp.Expr]:
    """Substitution {moment symbol: exact value of the dataset}."""
    A, B, S, mx, my = dataset_moments(ds)
    sub: dict[sp.Symbol, sp.Expr] = {}
    for sym_mat, val in ((moments.A, A), (moments.B, B), (moments.S_yy, S), (moments.mean_x, mx),
                         (moments.mean_y, my)):
        for s, v in zip(sym_mat, val, strict=True):
            if isinstance(s, sp.Symbol):
                sub[s] = v
    if mean_x_zero:
        assert all(v == 0 for v in mx), "dataset does not have E[x] = 0"
    return sub


def param_rng(label: str, salt: str) -> np.random.Generator:
    """A generator seeded from the dataset's label and a salt, so a record's parameters can be redrawn."""
    return np.random.default_rng(derive_seed(zlib.crc32(f"{salt}|{label}".encode())))


def draw_rationals(rng: np.random.Generator, symbols: Sequence[sp.Symbol], low: float, high: float,
                   denominator: int = 2) -> dict[sp.Symbol, sp.Rational]:
    """Seeded rationals k / denominator in [low, high] for each symbol."""
    lo, hi = int(np.ceil(low * denominator)), int(np.floor(high * denominator))
    return {s: sp.Rational(int(rng.integers(lo, hi + 1)), denominator) for s in symbols}


def draw_scalars(rng: np.random.Generator) -> dict[sp.Symbol, sp.Rational]:
    """beta, eta_enc, eta_dec as rationals away from 1 (and beta away from 2)."""
    b = sp.Rational(int(rng.choice([1, 3, 5, 7, 9])), 4)
    e1 = sp.Rational(int(rng.choice([2, 3, 5, 7])), 4)
    e2 = sp.Rational(int(rng.choice([1, 2, 3, 5])), 3)
    return {beta: b, eta_enc: e1, eta_dec: e2}


def describe_params(values: dict[sp.Symbol, sp.Expr]) -> dict[str, str]:
    return {str(k): str(v) for k, v in sorted(values.items(), key=lambda kv: str(kv[0]))}


def _to_mpf(value: sp.Expr, dps: int) -> mpmath.mpf:
    num = sp.N(value, dps + 10)
    if not num.is_real:
        raise ValueError(f"value {num} is not real")
    return mpmath.mpf(sp.Float(num, dps + 10))


def on_datasets(exact: Exact, datasets: Sequence[Dataset], *, what: str, inequality: bool = False) -> CheckResult:
    """``check_dataset_identity`` on exact sides (SymPy numbers; each side evaluated at 30 and 60 digits).

    ``exact(ds)`` returns (lhs, rhs, parameters drawn); a counterexample records the dataset and the parameters.
    """
    cache_: dict[str, tuple[sp.Expr, sp.Expr, dict[str, str]]] = {}

    def sides(ds: Dataset, dps: int) -> tuple[mpmath.mpf, mpmath.mpf]:
        if ds.label not in cache_:
            cache_[ds.label] = exact(ds)
        lhs, rhs, _ = cache_[ds.label]
        return _to_mpf(lhs, dps), _to_mpf(rhs, dps)

    result = check_dataset_identity(sides, datasets, what=what, inequality=inequality)
    cx = result.counterexample
    if cx is None:
        return result
    params = cache_[cx.instance["dataset"]][2]
    full = Counterexample({**cx.instance, **params}, cx.lhs, cx.rhs, cx.dps,
                          note="dataset rows exact; parameters exact rationals", gap=cx.gap, tolerance=cx.tolerance)
    return dataclasses.replace(result, counterexample=full)


def largest_entry(lhs: sp.Matrix, rhs: sp.Matrix, names: Sequence[str]) -> tuple[sp.Expr, sp.Expr, str]:
    """The entry of two exact numeric vectors that differs most (both sides and its name)."""
    diffs = [abs(sp.N(a - b, 40)) for a, b in zip(lhs, rhs, strict=True)]
    k = int(max(range(len(diffs)), key=lambda i: diffs[i]))
    return lhs[k], rhs[k], names[k]


def nonzero_mean_datasets(shapes: Sequence[tuple[int, int, int]], *, seed: int, per_shape: int = 2,
                          rank: int | None = None) -> list[Dataset]:
    """Integer datasets whose entries lie in [-1, 4], so E[x] and E[y] are nonzero in general. With ``rank``, the
    draws whose X does not have exactly that rank (e.g. an all-zero mixing row) are left out."""
    out = integer_datasets(shapes, per_shape=per_shape, seed=seed, low=-1, high=4, rank=rank)
    if rank is not None:
        out = [ds for ds in out if np.linalg.matrix_rank(ds.X) == rank]
    return out
