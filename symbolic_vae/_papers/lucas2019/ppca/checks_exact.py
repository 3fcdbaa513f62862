"""Exact derivatives of the pPCA log-likelihood: forward-mode dual numbers over the rationals, rational orthogonal
eigenvectors (Cayley transform), instances with rational spectra, the exact stationarity of (W_MLE,
sigma^2_MLE) and the exact stationary point without a zero column that refutes the printed reading."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import numpy as np
import sympy as sp

from symbolic_vae._core.seeds import derive_seed
from symbolic_vae._core.verdict import CheckResult, Counterexample, Status, decimal_text
from symbolic_vae._engine.exact import (
    Dual,
    exact_sqrt,
    gauss_jordan,
    matmul,
    rational_orthogonal,
    rows_text,
    to_mpf,
    transpose,
)
from symbolic_vae._papers.lucas2019.ppca.forms import lam_symbols, sigma2_mle_expr

F = Fraction
SKEW_ENTRIES = (-2, 3)  # the entries of the skew matrices behind Q and R: rng.integers(-2, 3)


def loglik_parts(S: Sequence[Sequence[Fraction]], W: Sequence[Sequence[Fraction]], sig2: Fraction,
                 dW: Sequence[Sequence[Fraction]] | None = None, ds2: Fraction | int = 0) -> tuple[Dual, Dual]:
    """(det C, tr(C^-1 S)) as dual numbers along the direction (dW, ds2), C = W W^T + sigma^2 I."""
    n, k = len(W), len(W[0])
    dW = dW or [[F(0)] * k for _ in range(n)]
    Wd = [[Dual(W[i][j], dW[i][j]) for j in range(k)] for i in range(n)]
    C = [[sum((Wd[i][t] * Wd[j][t] for t in range(k)), Dual(0)) + (Dual(sig2, ds2) if i == j else 0)
          for j in range(n)] for i in range(n)]
    det, X = gauss_jordan(C, [[Dual(v) for v in row] for row in S], invertible=Dual.invertible)
    return det, sum((X[i][i] for i in range(n)), Dual(0))


def loglik_gradient(S, W, sig2) -> list[Fraction]:
    """Exact gradient of l = -1/2 [n log 2 pi + log det C + tr(C^-1 S)] in (vec W, sigma^2)."""
    n, k = len(W), len(W[0])
    directions = [([[F(int((i, j) == (r, c))) for c in range(k)] for r in range(n)], F(0))
                  for i in range(n) for j in range(k)]
    directions.append((None, F(1)))
    out = []
    for dW, ds2 in directions:
        det, tr = loglik_parts(S, W, sig2, dW, ds2)
        out.append(-(det.b / det.a + tr.b) / 2)
    return out


def loglik_value(S, W, sig2, dps: int = 30) -> mpmath.mpf:
    det, tr = loglik_parts(S, W, sig2)
    n = len(W)
    with mpmath.workdps(dps):
        return -(n * mpmath.log(2 * mpmath.pi) + mpmath.log(to_mpf(det.a)) + to_mpf(tr.a)) / 2


@dataclass(frozen=True)
class ExactSpectrum:
    """S = Q diag(lam) Q^T with Q rational orthogonal; sigma2 and the column scales t_j = sqrt(lam_j - sigma2) of
    W_MLE are rational; R [k, k] a rational rotation."""

    label: str
    lam: tuple[Fraction, ...]
    k: int
    seed: int

    @property
    def n(self) -> int:
        return len(self.lam)


def _parts(spec: ExactSpectrum) -> tuple[list[list[Fraction]], list[list[Fraction]], list[list[Fraction]]]:
    rng = np.random.default_rng(derive_seed(spec.seed))
    Q = rational_orthogonal(spec.n, rng, numerators=SKEW_ENTRIES)
    R = rational_orthogonal(spec.k, rng, numerators=SKEW_ENTRIES) if spec.k > 1 else [[F(1)]]
    S = matmul([[Q[i][j] * spec.lam[j] for j in range(spec.n)] for i in range(spec.n)], transpose(Q))
    return Q, R, S


def sigma2_mle(lam: Sequence[Fraction], k: int) -> Fraction:
    """The printed sigma^2_MLE (``forms.sigma2_mle_expr``, the kernel's formula) evaluated exactly at lam [n]."""
    n = len(lam)
    value = sigma2_mle_expr(n, k).subs(dict(zip(lam_symbols(n), map(sp.Rational, lam), strict=True)))
    value = sp.Rational(value) if value.is_Float else value  # a float's exact binary value
    if not value.is_Rational:
        raise TypeError(f"sigma^2_MLE at rational eigenvalues is not rational: {value}")
    return F(int(value.p), int(value.q))


def w_mle(spec: ExactSpectrum, sig2: Fraction, *, drop_root: bool = False) -> list[list[Fraction]]:
    """U_k (Lambda_k - sigma^2 I)^{1/2} R (``drop_root``: U_k (Lambda_k - sigma^2 I) R, the control)."""
    Q, R, _ = _parts(spec)
    scale = [(spec.lam[j] - sig2) if drop_root else exact_sqrt(spec.lam[j] - sig2) for j in range(spec.k)]
    return matmul([[Q[i][j] * scale[j] for j in range(spec.k)] for i in range(spec.n)], R)


EXACT_SPECTRA = (
    ExactSpectrum("n=2, k=1", (F(13, 4), F(1)), 1, 1),
    ExactSpectrum("n=3, k=1", (F(5), F(3, 2), F(1, 2)), 1, 2),
    ExactSpectrum("n=3, k=2", (F(13, 4), F(5, 4), F(1)), 2, 3),
    ExactSpectrum("n=4, k=2", (F(5), F(2), F(3, 2), F(1, 2)), 2, 4),
    ExactSpectrum("n=3, k=2, tied top", (F(5), F(5), F(1)), 2, 5),
    ExactSpectrum("n=4, k=2, flat tail (zero column)", (F(5), F(1), F(1), F(1)), 2, 6),
)


def exact_stationarity(*, which: str = "both", drop_root: bool = False) -> CheckResult:
    """The exact gradient of l at (W_MLE, sigma^2_MLE) is 0 on every rational instance."""
    for spec in EXACT_SPECTRA:
        sig2 = sigma2_mle(spec.lam, spec.k)
        W = w_mle(spec, sig2, drop_root=drop_root)
        g = loglik_gradient(_parts(spec)[2], W, sig2)
        parts = {"both": g, "W": g[:-1], "sigma2": g[-1:]}[which]
        if any(v != 0 for v in parts):
            worst = max(parts, key=abs)
            cx = Counterexample({"instance": spec.label, "eigenvalues": str([str(v) for v in spec.lam]),
                                 "k": str(spec.k), "Cayley seed": str(spec.seed), "sigma2": str(sig2),
                                 "W": rows_text(W)},
                                str(worst), "0", 30, note="lhs an exact entry of the gradient of l",
                                gap=decimal_text(abs(worst)), tolerance="0")
            return CheckResult(Status.REFUTED, "exact gradient (dual numbers)",
                               rf"gradient entry {worst} $\neq 0$ on {spec.label}", {}, cx)
    return CheckResult(Status.PROVED_AT_SIZES, "exact gradient (dual numbers, rational arithmetic)",
                       r"gradient of $l$ in $(W, \sigma^2)$ exactly $0$ at "
                       r"$(W_{\mathrm{MLE}}, \sigma^2_{\mathrm{MLE}})$ "
                       f"on {len(EXACT_SPECTRA)} rational instances (random rational eigenvectors and $R$; tied top, "
                       "zero column included)",
                       {"instances": [s.label for s in EXACT_SPECTRA]})


def no_zero_column_counterexample() -> CheckResult:
    """Exact: n = 3, k = 1, lam = (5/2, 2, 1); W = u_2 / 2, sigma^2 = (5/2 + 1)/2 = 7/4: exactly stationary, no zero
    column, and not the maximum (W_MLE = u_1, sigma^2_MLE = 3/2)."""
    spec = ExactSpectrum("n=3, k=1, second eigen-direction", (F(5, 2), F(2), F(1)), 1, 7)
    Q, _, S = _parts(spec)
    sig2 = F(7, 4)
    W = [[Q[i][1] * exact_sqrt(spec.lam[1] - sig2)] for i in range(3)]
    g = loglik_gradient(S, W, sig2)
    top_s2 = sigma2_mle(spec.lam, 1)
    top = [[Q[i][0] * exact_sqrt(spec.lam[0] - top_s2)] for i in range(3)]
    l_point, l_max = loglik_value(S, W, sig2), loglik_value(S, top, top_s2)
    if any(v != 0 for v in g) or not l_point < l_max:
        return CheckResult(Status.INCONCLUSIVE, "exact", "the constructed point is not a non-maximal stationary point")
    cx = Counterexample({"S eigenvalues": "(5/2, 2, 1)", "S": rows_text(S), "k": "1",
                         "W": rows_text(W), "sigma2": "7/4"},
                        f"l = {mpmath.nstr(l_point, 30)} (gradient exactly 0, W has no zero column)",
                        f"max l = {mpmath.nstr(l_max, 30)}", 30,
                        note="a stationary point other than the MLE without a zero column (a saddle); gap = the "
                             "smallest largest-entry of a column of W (0 for a zero column)",
                        gap=decimal_text(min(max(abs(row[j]) for row in W) for j in range(len(W[0])))),
                        tolerance="0")
    return CheckResult(Status.REFUTED, "exact gradient (dual numbers) + 30-digit values",
                       "stationary point W = u_2 (not the MLE) has no zero column", {}, cx)
