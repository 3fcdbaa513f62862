"""Derivation: the Hessian at the origin and Theorem 3 of Wang & Ziyin 2022 (Sec. 4.5, App. E.5, Eq. 101-118).

The objects:

* L(U, V) = ||U V^T - Z||_F^2 + Tr(U Sigma U^T) + kappa ||V||_F^2 (Eq. 6; U [d2, d1], V [d0, d1], Z [d2, d0],
  Sigma = diag(sigma_q^2), kappa = beta eta_dec^2 / eta_enc^2). Eq. 6 is tied to the model by the whitening claims
  (prop1.*): L_VAE = (L + c) / (2 eta_dec^2) + l_var. Its first and second derivatives are obtained by
  differentiating L at explicit sizes (symengine), never from the printed Eq. 101-106, which are the right-hand
  sides being checked.
* Theorem 3 is checked on the model's own loss (Eq. 5, ``LinearLVM.expected_loss``) in (U, W) with Sigma fixed: its
  Hessian at the origin is computed exactly (rational arithmetic) on instances built with exactly representable
  moments, and "0 is the global minimum" is decided by the ground truth (multistart minimization of the same loss).

Derived here: the smallest eigenvalue of the Hessian of L at the origin is
sigma_min^2 + kappa - sqrt((sigma_min^2 - kappa)^2 + 4 zeta_max^2) for any diagonal Sigma, so the Hessian is PSD
iff zeta_max <= sigma_min sqrt(kappa), which is exactly when 0 is the global minimum. Theorem 3 holds for distinct
sigma_i as well; the complete-collapse condition read off Proposition 2 (zeta_i <= sigma_i sqrt(kappa) for each i)
does not, unless the sigma_i are non-decreasing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import partial
from typing import Any

import mpmath
import numpy as np
import symengine as se
import sympy as sp

from numeric_backend import compile_expression
from symbolic_vae._core.claim import Claim, Control, PaperRef, Step
from symbolic_vae._core.seeds import derive_seed
from symbolic_vae._core.validation import spectrum
from symbolic_vae._core.verdict import CheckResult, Counterexample, Status
from symbolic_vae._engine.campaigns import cached
from symbolic_vae._engine.ground_truth import Instances, minimize_vae_loss, vae_loss_at
from symbolic_vae._engine.identity import SizedIdentity, all_sizes, prove_at_sizes, prove_identity
from symbolic_vae._engine.runner import check_backend
from symbolic_vae._model.lvm import LinearLVM, beta, eta_dec, eta_enc, matrix_of_symbols

kappa = sp.Symbol("kappa", positive=True)
SIZES = all_sizes(4)  # every (d0, d1, d2) up to 4
LARGE_SIZES = ((6, 5, 7), (7, 3, 5))  # checked against torch autograd
SEED = 20221128
wz = partial(PaperRef, "wz2022")


# =====================================================================================================
# 1. L(U, V) at explicit sizes and its derivatives (symengine)
# =====================================================================================================
@dataclass(frozen=True)
class Factorization:
    """Symbols of L(U, V) at one size (d0, d1, d2): U [d2, d1], V [d0, d1], Z [d2, d0], sigma [d1] (Sigma =
    diag(sigma_q^2)), perturbations dU [d2, d1], dV [d0, d1]."""

    size: tuple[int, int, int]
    U: sp.Matrix
    V: sp.Matrix
    Z: sp.Matrix
    sigma: tuple[sp.Symbol, ...]
    dU: sp.Matrix
    dV: sp.Matrix

    @property
    def Sigma(self) -> sp.Matrix:
        return sp.diag(*[s**2 for s in self.sigma])

    def params(self) -> list[sp.Symbol]:
        """vec(U) then vec(V), row-major: the order of every gradient and Hessian below."""
        return [*self.U, *self.V]

    def index(self) -> list[tuple[str, int, int]]:
        """(kind, row, column) of each parameter, in ``params`` order."""
        d0, d1, d2 = self.size
        return [("U", p, q) for p in range(d2) for q in range(d1)] + [("V", r, s) for r in range(d0)
                                                                       for s in range(d1)]

    def all_symbols(self) -> list[sp.Symbol]:
        return [*self.U, *self.V, *self.Z, *self.sigma, kappa, *self.dU, *self.dV]

    def loss(self, Sigma: sp.Matrix | None = None) -> sp.Expr:
        """Eq. 6: ||U V^T - Z||_F^2 + Tr(U Sigma U^T) + kappa ||V||_F^2."""
        R = self.U * self.V.T - self.Z
        S = self.Sigma if Sigma is None else Sigma
        return sp.expand(sum((e**2 for e in R), sp.Integer(0)) + (self.U * S * self.U.T).trace()
                         + kappa * sum((e**2 for e in self.V), sp.Integer(0)))


@cached
def factorization(size: tuple[int, int, int]) -> Factorization:
    d0, d1, d2 = size
    return Factorization(size, matrix_of_symbols("U", d2, d1, real=True), matrix_of_symbols("V", d0, d1, real=True),
                         matrix_of_symbols("Z", d2, d0, real=True), sp.symbols(f"sigma0:{d1}", positive=True),
                         matrix_of_symbols("dU", d2, d1, real=True), matrix_of_symbols("dV", d0, d1, real=True))


def _to_sympy(expr: se.Basic | se.DenseMatrix, symbols: Sequence[sp.Symbol]) -> sp.Basic:
    """A symengine result back in SymPy, with the symbols' assumptions restored (symengine drops them)."""
    back = {sp.Symbol(s.name): s for s in symbols}
    out = sp.sympify(expr._sympy_() if hasattr(expr, "_sympy_") else expr)
    return out.xreplace(back)


@cached
def derivatives(size: tuple[int, int, int]) -> tuple[sp.Matrix, sp.Matrix]:
    """Gradient [P, 1] and Hessian [P, P] of L(U, V) in (vec U, vec V), by differentiating L (symengine)."""
    f = factorization(size)
    L = se.expand(se.sympify(f.loss()))
    xs = [se.sympify(x) for x in f.params()]
    grad = [se.diff(L, x) for x in xs]
    hess = se.DenseMatrix([[se.diff(g, x) for x in xs] for g in grad])
    syms = f.all_symbols()
    return _to_sympy(se.DenseMatrix(grad), syms), _to_sympy(hess, syms)


def _origin(f: Factorization) -> dict[sp.Symbol, sp.Expr]:
    return dict.fromkeys(f.params(), sp.Integer(0))


# --- the printed formulas -------------------------------------------------------------------------------
def printed_gradient(size: tuple[int, int, int], *, kappa_factor: sp.Expr = 2) -> sp.Matrix:
    """Eq. 101-102 stacked as (vec dL/dU, vec dL/dV); ``kappa_factor`` != 2 perturbs Eq. 102 (control)."""
    f = factorization(size)
    U, V, Z = f.U, f.V, f.Z
    gU = 2 * (U * V.T * V - Z * V + U * f.Sigma)
    gV = 2 * (V * U.T * U - Z.T * U) + kappa_factor * kappa * V
    return sp.Matrix([*gU, *gV])


def _delta(a: int, b: int) -> int:
    return 1 if a == b else 0


def printed_hessian(size: tuple[int, int, int], *, swap_indices: bool = False) -> sp.Matrix:
    """Eq. 103-106 as an explicit [P, P] matrix, entry (i, j) = d^2 L / dx_i dx_j in ``params`` order.

    ``swap_indices`` replaces U_ps V_rq by U_pq V_rs in Eq. 104 (and V_ps U_rq by V_pq U_rs in Eq. 105): the
    negative control, which agrees with the truth whenever d1 = 1.
    """
    f = factorization(size)
    d0, d1, d2 = size
    U, V, Z, sig = f.U, f.V, f.Z, f.sigma
    idx = f.index()
    H = sp.zeros(len(idx), len(idx))
    for i, (ka, p, q) in enumerate(idx):
        for j, (kb, r, s) in enumerate(idx):
            if ka == "U" and kb == "U":  # Eq. 103: d^2 L / dU_rs dU_pq
                H[i, j] = 2 * _delta(p, r) * (sum((V[k, s] * V[k, q] for k in range(d0)), sp.Integer(0))
                                              + _delta(q, s) * sig[q] ** 2)
            elif ka == "U" and kb == "V":  # Eq. 104: d^2 L / dV_rs dU_pq
                lead = U[p, q] * V[r, s] if swap_indices else U[p, s] * V[r, q]
                inner = sum((U[p, jj] * V[r, jj] for jj in range(d1)), sp.Integer(0)) - Z[p, r]
                H[i, j] = 2 * (lead + inner * _delta(q, s))
            elif ka == "V" and kb == "U":  # Eq. 105: d^2 L / dU_rs dV_pq
                lead = V[p, q] * U[r, s] if swap_indices else V[p, s] * U[r, q]
                inner = sum((U[r, jj] * V[p, jj] for jj in range(d1)), sp.Integer(0)) - Z[r, p]
                H[i, j] = 2 * (lead + inner * _delta(q, s))
            else:  # Eq. 106: d^2 L / dV_rs dV_pq
                H[i, j] = 2 * _delta(p, r) * (sum((U[ii, s] * U[ii, q] for ii in range(d2)), sp.Integer(0))
                                              + kappa * _delta(q, s))
    return H


def printed_origin_hessian(size: tuple[int, int, int], *, z_sign: int = -1) -> sp.Matrix:
    """Eq. 107-110 as an explicit [P, P] matrix (``z_sign`` = +1 flips the sign of Eq. 108-109: control)."""
    f = factorization(size)
    idx = f.index()
    H = sp.zeros(len(idx), len(idx))
    for i, (ka, p, q) in enumerate(idx):
        for j, (kb, r, s) in enumerate(idx):
            if ka == "U" and kb == "U":
                H[i, j] = 2 * _delta(p, r) * _delta(q, s) * f.sigma[q] ** 2
            elif ka == "U" and kb == "V":
                H[i, j] = z_sign * 2 * f.Z[p, r] * _delta(q, s)
            elif ka == "V" and kb == "U":
                H[i, j] = z_sign * 2 * f.Z[r, p] * _delta(q, s)
            else:
                H[i, j] = 2 * kappa * _delta(p, r) * _delta(q, s)
    return H


def quadratic_form(size: tuple[int, int, int], Sigma: sp.Matrix | None = None) -> sp.Expr:
    """LQ(dU, dV) = Delta^T H(0) Delta with the derived Hessian (Eq. 111-112); ``Sigma`` replaces diag(sigma^2)."""
    f = factorization(size)
    H0 = derivatives(size)[1].xreplace(_origin(f))
    if Sigma is not None:
        H0 = H0.xreplace(dict(zip(f.sigma, [sp.sqrt(Sigma[q, q]) for q in range(size[1])], strict=True)))
    delta = sp.Matrix([*f.dU, *f.dV])
    return sp.expand((delta.T * H0 * delta)[0])


def printed_eq113(size: tuple[int, int, int]) -> sp.Expr:
    f = factorization(size)
    d0, d1, d2 = size
    dU, dV, Z, sig = f.dU, f.dV, f.Z, f.sigma
    t1 = 2 * sum(sig[q] ** 2 * dU[p, q] ** 2 for p in range(d2) for q in range(d1))
    t2 = -2 * sum(Z[p, r] * dU[p, q] * dV[r, q] for p in range(d2) for q in range(d1) for r in range(d0))
    t3 = -2 * sum(Z[r, p] * dU[r, q] * dV[p, q] for p in range(d0) for q in range(d1) for r in range(d2))
    t4 = 2 * kappa * sum(dV[p, q] ** 2 for p in range(d0) for q in range(d1))
    return sp.expand(t1 + t2 + t3 + t4)


def printed_eq114(size: tuple[int, int, int], *, cross: sp.Expr = 2) -> sp.Expr:
    """Eq. 114: 2 [Tr(dU Sigma dU^T) - 2 Tr(Z dV dU^T) + kappa Tr(dV dV^T)] (``cross`` != 2 is the control)."""
    f = factorization(size)
    dU, dV = f.dU, f.dV
    return sp.expand(2 * ((dU * f.Sigma * dU.T).trace() - cross * (f.Z * dV * dU.T).trace()
                          + kappa * (dV * dV.T).trace()))


# --- sized identities -----------------------------------------------------------------------------------
def _gradient_identity(size: tuple[int, int, int], *, kappa_factor: sp.Expr = 2) -> SizedIdentity:
    return SizedIdentity(size, derivatives(size)[0], printed_gradient(size, kappa_factor=kappa_factor))


def _hessian_identity(size: tuple[int, int, int], *, swap_indices: bool = False) -> SizedIdentity:
    return SizedIdentity(size, derivatives(size)[1], printed_hessian(size, swap_indices=swap_indices))


def _origin_identity(size: tuple[int, int, int], *, z_sign: int = -1) -> SizedIdentity:
    """Gradient at 0 is 0 and the derived Hessian at 0 equals Eq. 107-110."""
    f = factorization(size)
    g, H = derivatives(size)
    o = _origin(f)
    lhs = sp.Matrix([*g.xreplace(o), *H.xreplace(o)])
    rhs = sp.Matrix([*sp.zeros(*g.shape), *printed_origin_hessian(size, z_sign=z_sign)])
    return SizedIdentity(size, lhs, rhs)


def _quadratic_identity(size: tuple[int, int, int], *, cross: sp.Expr = 2) -> SizedIdentity:
    lq = quadratic_form(size)
    return SizedIdentity(size, sp.Matrix([lq, lq]), sp.Matrix([printed_eq113(size), printed_eq114(size, cross=cross)]))


@cached
def _at_sizes(name: str) -> CheckResult:
    """The explicit-size proofs of Eq. 101-114 at every (d0, d1, d2) up to 4."""
    builders = {
        "gradient": (_gradient_identity, "derived dL/dU, dL/dV = Eq. 101-102"),
        "hessian": (_hessian_identity, "derived second derivatives = Eq. 103-106"),
        "origin": (_origin_identity, "gradient at 0 = 0 and derived Hessian at 0 = Eq. 107-110"),
        "quadratic": (_quadratic_identity, "Delta^T H(0) Delta = Eq. 113 = Eq. 114"),
    }
    build, what = builders[name]
    return prove_at_sizes(build, SIZES, what=what)


CONTROL_SIZES = ((1, 1, 1), (2, 1, 3), (1, 2, 1), (2, 2, 2))


def _control(name: str) -> CheckResult:
    builds = {
        "gradient": partial(_gradient_identity, kappa_factor=1),
        "hessian": partial(_hessian_identity, swap_indices=True),
        "origin": partial(_origin_identity, z_sign=1),
        "quadratic": partial(_quadratic_identity, cross=1),
    }
    return prove_at_sizes(builds[name], CONTROL_SIZES, what=f"control ({name})")


# --- larger sizes against torch autograd --------------------------------------------------------------
def _printed_hessian_numeric(U: np.ndarray, V: np.ndarray, Z: np.ndarray, sig2: np.ndarray, kap: float
                             ) -> np.ndarray:
    """Eq. 103-106 evaluated with numpy at any size: [P, P] in (vec U, vec V) row-major order."""
    d2, d1 = U.shape
    d0 = V.shape[0]
    I1, I2, I0 = np.eye(d1), np.eye(d2), np.eye(d0)
    VtV, UtU, R = V.T @ V, U.T @ U, U @ V.T - Z
    HUU = 2 * np.einsum("pr,sq->pqrs", I2, VtV) + 2 * np.einsum("pr,qs,q->pqrs", I2, I1, sig2)
    HUV = 2 * (np.einsum("ps,rq->pqrs", U, V) + np.einsum("pr,qs->pqrs", R, I1))  # U(p,q), V(r,s)
    HVV = 2 * np.einsum("pr,sq->pqrs", I0, UtU) + 2 * kap * np.einsum("pr,qs->pqrs", I0, I1)
    nu, nv = d2 * d1, d0 * d1
    top = np.concatenate([HUU.reshape(nu, nu), HUV.reshape(nu, nv)], axis=1)
    bottom = np.concatenate([HUV.reshape(nu, nv).T, HVV.reshape(nv, nv)], axis=1)
    return np.concatenate([top, bottom], axis=0)


def _autograd_check(seed: int = SEED, tol: float = 1e-12) -> CheckResult:
    """Eq. 103-106 against torch.autograd.functional.hessian (float64) of L at random points, larger sizes."""
    import torch

    rng = np.random.default_rng(derive_seed(seed))
    worst = 0.0
    for size in LARGE_SIZES:
        d0, d1, d2 = size
        for _ in range(2):
            U, V, Z = rng.normal(size=(d2, d1)), rng.normal(size=(d0, d1)), rng.normal(size=(d2, d0))
            sig2, kap = rng.uniform(0.2, 3.0, d1), float(rng.uniform(0.2, 3.0))
            tZ, tS = torch.tensor(Z), torch.tensor(np.diag(sig2))

            def loss(theta, tZ=tZ, tS=tS, kap=kap, d0=d0, d1=d1, d2=d2):
                Ut, Vt = theta[:d2 * d1].reshape(d2, d1), theta[d2 * d1:].reshape(d0, d1)
                R = Ut @ Vt.T - tZ
                return (R**2).sum() + torch.trace(Ut @ tS @ Ut.T) + kap * (Vt**2).sum()

            theta = torch.tensor(np.concatenate([U.ravel(), V.ravel()]))
            H_auto = torch.autograd.functional.hessian(loss, theta).numpy()
            H_printed = _printed_hessian_numeric(U, V, Z, sig2, kap)
            gap = float(np.abs(H_auto - H_printed).max() / (1 + np.abs(H_auto).max()))
            worst = max(worst, gap)
            if gap > tol:
                i, j = np.unravel_index(np.argmax(np.abs(H_auto - H_printed)), H_auto.shape)
                cx = Counterexample({"size (d0,d1,d2)": str(size), "seed": str(seed), "entry": f"({i}, {j})"},
                                    f"{H_auto[i, j]:.17g}", f"{H_printed[i, j]:.17g}", 17,
                                    note="lhs torch autograd, rhs Eq. 103-106 (float64)")
                return CheckResult(Status.REFUTED, "torch autograd", f"Eq. 103-106 differ from autograd at {size}",
                                   {"gap": gap}, cx)
    return CheckResult(Status.CHECKED, "torch autograd (float64)",
                       f"Eq. 103-106 = autograd Hessian at sizes {list(LARGE_SIZES)}, 2 random points each: worst "
                       f"relative gap {worst:.1e} (tolerance {tol:g})",
                       {"sizes": [list(s) for s in LARGE_SIZES], "points_per_size": 2, "worst_gap": worst,
                        "tolerance": tol, "seed": seed})


# =====================================================================================================
# 2. Eq. 115-118: the reduction to a 2 x 2 problem
# =====================================================================================================
s_sym = sp.Symbol("sigma", positive=True)
s2_sym = sp.Symbol("sigma2", positive=True)
zeta = sp.Symbol("zeta", nonnegative=True)
alpha = sp.Symbol("alpha", positive=True)
REDUCTION_SIZES = all_sizes(3)


def printed_eq115(size: tuple[int, int, int], sigma: sp.Expr = s_sym) -> sp.Expr:
    """Eq. 115 in the perturbation: sigma^2 ||dU||^2 - 2 Tr(Z dV dU^T) + kappa ||dV||^2."""
    f = factorization(size)
    dU, dV = f.dU, f.dV
    return sp.expand(sigma**2 * (dU.T * dU).trace() - 2 * (f.Z * dV * dU.T).trace() + kappa * (dV.T * dV).trace())


def _eq115_identity(size: tuple[int, int, int], *, literal: bool) -> SizedIdentity:
    """LQ with Sigma = sigma I (``literal``, as printed) or sigma^2 I, against c * Eq. 115, where the constant
    c = LQ / Eq. 115 is fixed on the slice dU = 0 (both sides are then kappa-multiples of ||dV||^2)."""
    f = factorization(size)
    Sigma = (s_sym if literal else s_sym**2) * sp.eye(size[1])
    lq = quadratic_form(size, Sigma)
    eq115 = printed_eq115(size)
    zero_dU = dict.fromkeys(f.dU, 0)
    c = sp.cancel(lq.xreplace(zero_dU) / eq115.xreplace(zero_dU))
    return SizedIdentity(size, lq, sp.expand(c * eq115))


def _eq115_minimal() -> CheckResult:
    """The smallest instance of LQ(Sigma = sigma I) = c Eq. 115: size (1, 1, 1), dU = 1, dV = 0, sigma = 2 (any Z,
    kappa): LQ = 2 sigma = 4 against c sigma^2 = 8 (c = 2, fixed on the slice dU = 0)."""
    ident = _eq115_identity((1, 1, 1), literal=True)
    f = factorization((1, 1, 1))
    point = {f.dU[0, 0]: 1, f.dV[0, 0]: 0, s_sym: 2, kappa: 1, f.Z[0, 0]: 1}
    lhs, rhs = ident.lhs.xreplace(point), ident.rhs.xreplace(point)
    if lhs == rhs:
        return CheckResult(Status.CHECKED, "exact evaluation", "no difference at the minimal instance")
    cx = Counterexample({"size (d0,d1,d2)": "(1, 1, 1)", "Sigma": "sigma I, sigma = 2", "dU": "1", "dV": "0",
                         "Z": "1", "kappa": "1"}, str(lhs), str(rhs), 30,
                        note="lhs the quadratic form of the Hessian at 0 (= 2 Tr(dU Sigma dU^T)); rhs 2 x Eq. 115 "
                             "(sigma^2 ||dU||^2): exact")
    return CheckResult(Status.REFUTED, "exact evaluation", f"LQ = {lhs} but 2 Eq. 115 = {rhs} when Sigma = 2 I", {}, cx)


def _eq115_control(kind: str) -> CheckResult:
    """LQ(Sigma = sigma^2 I) against a perturbed 2 Eq. 115: cross term halved, or sigma in place of sigma^2."""
    def build(size: tuple[int, int, int]) -> SizedIdentity:
        f = factorization(size)
        lq = quadratic_form(size, s_sym**2 * sp.eye(size[1]))
        if kind == "cross":
            rhs = 2 * printed_eq115(size) + 2 * (f.Z * f.dV * f.dU.T).trace()
        else:
            rhs = 2 * printed_eq115(size, sp.sqrt(s_sym))
        return SizedIdentity(size, lq, sp.expand(rhs))

    return prove_at_sizes(build, CONTROL_SIZES, what=f"control ({kind})")


def _eq116_identity(size: tuple[int, int, int]) -> SizedIdentity:
    """Eq. 115 at (dU, dV) = (alpha u, b v) = sigma^2 alpha^2 ||u||^2 - 2 alpha b Tr(u^T Z v) + kappa b^2 ||v||^2,
    which is Eq. 116 when ||u|| = ||v|| = 1 and b = sqrt(1 - alpha^2)."""
    f = factorization(size)
    b = sp.Symbol("b", positive=True)
    u, v = f.U, f.V  # reuse as the normalized directions
    sub = {**dict(zip(f.dU, alpha * u, strict=True)), **dict(zip(f.dV, b * v, strict=True))}
    lhs = printed_eq115(size).xreplace(sub)
    rhs = (s_sym**2 * alpha**2 * (u.T * u).trace() - 2 * alpha * b * (u.T * f.Z * v).trace()
           + kappa * b**2 * (v.T * v).trace())
    return SizedIdentity(size, sp.expand(lhs), sp.expand(rhs))


def _eq117_check(*, smallest: bool = False, seed: int = SEED, tol: float = 1e-12) -> CheckResult:
    """max over ||u||_F = ||v||_F = 1 of Tr(u^T Z v) is zeta_max, attained at u = f1 e^T, v = g1 e^T.

    The bilinear form (u, v) -> Tr(u^T Z v) has the matrix Z (x) I_{d1} in (vec u, vec v); its largest singular
    value is the maximum over unit u, v. ``smallest`` claims the singular vectors of the smallest singular value
    attain it (negative control)."""
    rng = np.random.default_rng(derive_seed(seed))
    worst_bound, worst_attained, n = 0.0, 0.0, 0
    for d0, d1, d2 in [(2, 1, 3), (3, 2, 2), (4, 3, 2), (3, 4, 3), (5, 2, 4), (2, 2, 2)]:
        for kind in ("generic", "rank one", "tied"):
            Z = rng.normal(size=(d2, d0))
            if kind == "rank one":
                Z = np.outer(rng.normal(size=d2), rng.normal(size=d0))
            elif kind == "tied":
                F, _ = np.linalg.qr(rng.normal(size=(d2, d2)))
                G, _ = np.linalg.qr(rng.normal(size=(d0, d0)))
                m = min(d0, d2)
                Z = F[:, :m] @ np.diag([1.5] * m) @ G[:, :m].T
            M = np.einsum("pr,qs->pqrs", Z, np.eye(d1)).reshape(d2 * d1, d0 * d1)
            top = float(np.linalg.svd(M, compute_uv=False)[0])
            F, svals, Gt = np.linalg.svd(Z)
            j = len(svals) - 1 if smallest else 0
            e = np.zeros(d1)
            e[rng.integers(d1)] = 1.0
            u, v = np.outer(F[:, j], e), np.outer(Gt[j], e)
            attained = float(np.trace(u.T @ Z @ v))
            zmax = float(svals[0])
            gap_bound, gap_att = abs(top - zmax) / (1 + zmax), abs(attained - zmax) / (1 + zmax)
            n += 1
            if gap_bound > tol or gap_att > tol:
                cx = Counterexample({"size (d0,d1,d2)": str((d0, d1, d2)), "kind": kind, "seed": str(seed),
                                     "Z": str(np.round(Z, 17).tolist())},
                                    f"{attained:.17g}", f"{zmax:.17g}", 17,
                                    note="lhs Tr(u^T Z v) at the stated (u, v); rhs zeta_max = max over unit u, v")
                return CheckResult(Status.REFUTED, "numeric linear algebra",
                                   f"the stated (u, v) give {attained:.6g} < zeta_max = {zmax:.6g}",
                                   {"instances": n}, cx)
            worst_bound, worst_attained = max(worst_bound, gap_bound), max(worst_attained, gap_att)
    return CheckResult(Status.CHECKED, "numeric linear algebra (float64)",
                       f"{n} instances (generic, rank one, tied singular values; d0 <, =, > d2; d1 up to 4): "
                       f"largest singular value of Z (x) I = zeta_max to {worst_bound:.1e}, top singular vectors "
                       f"attain it to {worst_attained:.1e}",
                       {"instances": n, "worst_bound_gap": worst_bound, "worst_attained_gap": worst_attained,
                        "tolerance": tol, "seed": seed})


# --- Eq. 117-118 in general symbols ------------------------------------------------------------------
LAM_MIN = (s2_sym + kappa - sp.sqrt((s2_sym - kappa) ** 2 + 4 * zeta**2)) / 2  # smallest eigenvalue of M
EQ118 = s2_sym + kappa - sp.sqrt((s2_sym - kappa) ** 2 + 4 * zeta**2)  # the printed right-hand side


def eq117(a: sp.Expr = alpha) -> sp.Expr:
    """Eq. 117 with sigma^2 -> sigma2: sigma2 a^2 - 2 sqrt(a^2 (1 - a^2)) zeta + kappa (1 - a^2)."""
    return s2_sym * a**2 - 2 * sp.sqrt(a**2 * (1 - a**2)) * zeta + kappa * (1 - a**2)


def _prove(lhs: sp.Basic, rhs: sp.Basic, what: str) -> CheckResult:
    """``prove_identity`` on the SymPy-expanded difference: ``is_symbolic_zero`` sends square roots to its
    symengine path, which does not expand sqrt(R)^2 = R and then gives up without trying SymPy."""
    diff = sp.expand(sp.Matrix(lhs) - sp.Matrix(rhs)) if isinstance(lhs, sp.MatrixBase) else sp.expand(lhs - rhs)
    return prove_identity(diff, sp.zeros(*diff.shape) if isinstance(diff, sp.MatrixBase) else sp.Integer(0),
                          what=what)


@cached
def quarter_circle_steps() -> tuple[CheckResult, ...]:
    """min over alpha in [0, 1] of Eq. 117 = LAM_MIN, the smallest eigenvalue of M = [[sigma2, -zeta], [-zeta,
    kappa]]: Eq. 117 is the Rayleigh quotient of M at (alpha, sqrt(1 - alpha^2)); det(M - LAM_MIN I) = 0 and
    tr(M - LAM_MIN I) = sqrt(...) >= 0 (so M - LAM_MIN I is PSD: the lower bound); the eigenvector
    (zeta, sigma2 - LAM_MIN) has non-negative entries, so the minimizer lies on the quarter circle; at zeta = 0 the
    minimum min(sigma2, kappa) sits at alpha = 1 or alpha = 0."""
    a, b = sp.symbols("a b", nonnegative=True)
    rayleigh = s2_sym * a**2 - 2 * zeta * a * b + kappa * b**2
    root = sp.sqrt((s2_sym - kappa) ** 2 + 4 * zeta**2)
    return (
        _prove(eq117(alpha), rayleigh.xreplace({a: alpha, b: sp.sqrt(1 - alpha**2)}),
                       "Eq. 117 = Rayleigh quotient of M at (alpha, sqrt(1 - alpha^2)), alpha in (0, 1]"),
        _prove((s2_sym - LAM_MIN) * (kappa - LAM_MIN) - zeta**2, sp.Integer(0),
                       "det(M - LAM_MIN I) = 0"),
        _prove(s2_sym + kappa - 2 * LAM_MIN, root, "tr(M - LAM_MIN I) = sqrt(...) >= 0"),
        _prove(sp.Matrix([(s2_sym - LAM_MIN) * zeta - zeta * (s2_sym - LAM_MIN),
                                  -zeta * zeta + (kappa - LAM_MIN) * (s2_sym - LAM_MIN)]), sp.zeros(2, 1),
                       "(M - LAM_MIN I)(zeta, sigma2 - LAM_MIN)^T = 0"),
        _prove(2 * (s2_sym - LAM_MIN) - (s2_sym - kappa), root,
                       "2 (sigma2 - LAM_MIN) = (sigma2 - kappa) + sqrt(...) >= 0 (sqrt(...) >= |sigma2 - kappa|)"),
        _prove(LAM_MIN.xreplace({zeta: 0}), sp.Min(s2_sym, kappa),
                       "at zeta = 0, LAM_MIN = min(sigma2, kappa), attained at alpha = 1 or 0"),
    )


def _grid_check(target: sp.Expr, *, seed: int = SEED, n_points: int = 40, tol: float = 1e-9) -> CheckResult:
    """min over alpha in [0, 1] of Eq. 117 by bounded scalar minimization on a fine grid vs ``target``."""
    from scipy import optimize

    rng = np.random.default_rng(derive_seed(seed))
    f = sp.lambdify((alpha, s2_sym, kappa, zeta), eq117(), "numpy")
    g = sp.lambdify((s2_sym, kappa, zeta), target, "numpy")
    worst = 0.0
    for _ in range(n_points):
        s2v, kv = np.exp(rng.uniform(-2, 2, 2))
        zv = float(rng.choice([0.0, rng.uniform(0, 3)]))
        grid = np.linspace(0, 1, 4001)
        k = int(np.argmin(f(grid, s2v, kv, zv)))
        lo, hi = grid[max(k - 1, 0)], grid[min(k + 1, len(grid) - 1)]
        res = optimize.minimize_scalar(lambda a, s2v=s2v, kv=kv, zv=zv: f(a, s2v, kv, zv), bounds=(lo, hi),
                                       method="bounded", options={"xatol": 1e-13})
        found = min(float(res.fun), float(f(grid, s2v, kv, zv).min()))
        expected = float(g(s2v, kv, zv))
        gap = abs(found - expected) / (1 + abs(expected))
        if gap > tol:
            cx = Counterexample({"sigma2": f"{s2v:.17g}", "kappa": f"{kv:.17g}", "zeta": f"{zv:.17g}"},
                                f"{found:.17g}", f"{expected:.17g}", 17,
                                note="lhs min over alpha in [0,1] of Eq. 117 (grid + bounded Brent); rhs the claim")
            return CheckResult(Status.REFUTED, "numeric minimization over alpha",
                               f"min over alpha = {found:.6g} but the claim gives {expected:.6g}", {}, cx)
        worst = max(worst, gap)
    return CheckResult(Status.CHECKED, "numeric minimization over alpha",
                       f"{n_points} random (sigma2, kappa, zeta), zeta = 0 included: worst gap {worst:.1e}",
                       {"points": n_points, "worst_gap": worst, "tolerance": tol, "seed": seed})


def _eq118_proportional() -> CheckResult:
    """Eq. 118's right-hand side = 2 LAM_MIN: 'proportional' with the positive constant 2."""
    return _prove(EQ118, 2 * LAM_MIN, "Eq. 118 = 2 min_alpha Eq. 117")


# --- the sign of Eq. 118 -------------------------------------------------------------------------------
def _sign_identity() -> CheckResult:
    ident = prove_identity((s2_sym + kappa) ** 2 - ((s2_sym - kappa) ** 2 + 4 * zeta**2),
                           4 * (s2_sym * kappa - zeta**2),
                           what="(sigma2 + kappa)^2 - ((sigma2 - kappa)^2 + 4 zeta^2) = 4 (sigma2 kappa - zeta^2)")
    if ident.status is not Status.PROVED:
        return ident
    positive = bool((s2_sym + kappa).is_positive) and bool(sp.sqrt((s2_sym - kappa) ** 2 + 4 * zeta**2)
                                                           .is_nonnegative)
    if not positive:
        return CheckResult(Status.INCONCLUSIVE, "symbolic", "positivity of sigma2 + kappa not established")
    return CheckResult(Status.PROVED, "symbolic",
                       "a - sqrt(r) >= 0 <=> a^2 >= r for a = sigma2 + kappa > 0, r >= 0; a^2 - r = 4(sigma2 kappa - "
                       "zeta^2), so Eq. 118 >= 0 <=> zeta^2 <= sigma2 kappa <=> zeta <= sigma sqrt(kappa)",
                       {"identity": ident.summary})


def _sign_samples(*, drop_sqrt: bool = False, seed: int = SEED, n_points: int = 60) -> CheckResult:
    """Both directions of 'Eq. 118 >= 0 <=> zeta <= sigma sqrt(kappa)' at exact rational points: a third on the
    boundary zeta^2 = sigma^2 kappa exactly, a third on each side. ``drop_sqrt`` tests zeta <= sigma kappa."""
    rng = np.random.default_rng(derive_seed(seed))
    counts = {"both true": 0, "both false": 0, "boundary": 0}
    for i in range(n_points):
        s = sp.Rational(int(rng.integers(1, 17)), int(rng.integers(1, 9)))
        r = sp.Rational(int(rng.integers(1, 17)), int(rng.integers(1, 9)))  # sqrt(kappa), rational
        ratio = [sp.Integer(1), sp.Rational(int(rng.integers(1, 64)), 64), sp.Rational(int(rng.integers(65, 192)),
                                                                                        64)][i % 3]
        z = ratio * s * r
        point = {s2_sym: s**2, kappa: r**2, zeta: z}
        lhs = bool(sp.Ge(EQ118.xreplace(point), 0))
        rhs = bool(z <= (s * r**2 if drop_sqrt else s * r))
        if lhs != rhs:
            cx = Counterexample({"sigma": str(s), "kappa": str(r**2), "zeta": str(z)},
                                f"Eq. 118 = {sp.N(EQ118.xreplace(point), 30)} (>= 0: {lhs})",
                                f"condition {'zeta <= sigma kappa' if drop_sqrt else 'zeta <= sigma sqrt(kappa)'}: "
                                f"{rhs}", 30, note="exact rationals")
            return CheckResult(Status.REFUTED, "exact evaluation", "the two sides of the iff disagree", {}, cx)
        counts["boundary" if ratio == 1 else ("both true" if lhs else "both false")] += 1
    return CheckResult(Status.CHECKED, "exact evaluation at rational points",
                       f"{n_points} points, both sides agree: {counts}", {"counts": counts, "seed": seed})


# =====================================================================================================
# 3. The smallest eigenvalue of H(0) for any diagonal Sigma
# =====================================================================================================
def min_eigenvalue_expr(s2min: sp.Expr = s2_sym, zmax: sp.Expr = zeta, kap: sp.Expr = kappa) -> sp.Expr:
    """sigma_min^2 + kappa - sqrt((sigma_min^2 - kappa)^2 + 4 zeta_max^2): smallest eigenvalue of H(0) of L."""
    return s2min + kap - sp.sqrt((s2min - kap) ** 2 + 4 * zmax**2)


def origin_hessian_numeric(Z: np.ndarray, sig2: np.ndarray, kap: float) -> np.ndarray:
    """H(0) of L(U, V) from Eq. 107-110 (proved at sizes): [P, P] for Z [d2, d0], sig2 [d1]."""
    d2, d0 = Z.shape
    d1 = sig2.shape[0]
    return _printed_hessian_numeric(np.zeros((d2, d1)), np.zeros((d0, d1)), Z, sig2, kap)


def _block_eigenvalues() -> CheckResult:
    """[[a, -z], [-z, b]] has eigenvalues (a + b +- sqrt((a - b)^2 + 4 z^2)) / 2 (characteristic polynomial)."""
    a, b, z, lam = sp.symbols("a b z lambda", positive=True)
    charpoly = (sp.Matrix([[a, -z], [-z, b]]) - lam * sp.eye(2)).det()
    r = sp.sqrt((a - b) ** 2 + 4 * z**2)
    roots = sp.Matrix([charpoly.xreplace({lam: (a + b + r) / 2}), charpoly.xreplace({lam: (a + b - r) / 2})])
    return _prove(roots, sp.zeros(2, 1), "eigenvalues of a 2 x 2 block [[a, -z], [-z, b]]")


def _min_eigenvalue_check(*, use_max_sigma: bool = False, seed: int = SEED, tol: float = 1e-10) -> CheckResult:
    """lambda_min(H(0)) against the formula on random instances (distinct sigma_i, d0 <, =, > d2, rank-deficient
    and zero Z, tied singular values). ``use_max_sigma`` puts sigma_max in the formula (negative control)."""
    rng = np.random.default_rng(derive_seed(seed))
    worst, n = 0.0, 0
    f = sp.lambdify((s2_sym, zeta, kappa), min_eigenvalue_expr(), "numpy")
    for d0, d1, d2 in [(1, 1, 1), (2, 2, 3), (3, 3, 2), (4, 2, 4), (2, 4, 2), (5, 3, 3), (3, 2, 5)]:
        for kind in ("generic", "rank one", "zero", "tied"):
            Z = rng.normal(size=(d2, d0))
            if kind == "rank one":
                Z = np.outer(rng.normal(size=d2), rng.normal(size=d0))
            elif kind == "zero":
                Z = np.zeros((d2, d0))
            elif kind == "tied":
                F, _ = np.linalg.qr(rng.normal(size=(d2, d2)))
                G, _ = np.linalg.qr(rng.normal(size=(d0, d0)))
                m = min(d0, d2)
                Z = F[:, :m] @ np.diag([1.2] * m) @ G[:, :m].T
            sig2 = np.exp(rng.uniform(-1.5, 1.5, d1))
            kap = float(np.exp(rng.uniform(-1.5, 1.5)))
            H = origin_hessian_numeric(Z, sig2, kap)
            lam = float(np.linalg.eigvalsh(H)[0])
            zmax = float(np.linalg.svd(Z, compute_uv=False)[0])
            s2 = float(sig2.max() if use_max_sigma else sig2.min())
            pred = float(f(s2, zmax, kap))
            gap = abs(lam - pred) / (1 + abs(lam))
            n += 1
            if gap > tol:
                return _min_eig_refutation(Z, sig2, kap, s2, (d0, d1, d2), kind, seed)
            worst = max(worst, gap)
    return CheckResult(Status.CHECKED, "numeric eigenvalues (float64)",
                       f"{n} instances (distinct sigma_i; d0 <, =, > d2; generic, rank-one, zero and tied Z): "
                       f"lambda_min(H(0)) = formula to {worst:.1e}",
                       {"instances": n, "worst_gap": worst, "tolerance": tol, "seed": seed})


def _min_eig_refutation(Z, sig2, kap, s2, size, kind, seed) -> CheckResult:
    """Re-evaluate both sides at 30 digits (mpmath eigsy) on the float values taken exactly."""
    with mpmath.workdps(30):
        H = mpmath.matrix(origin_hessian_numeric(Z, sig2, kap).tolist())
        lam = min(mpmath.eigsy(H)[0])
        zmax = max(mpmath.svd_r(mpmath.matrix(Z.tolist()), compute_uv=False)) if Z.size else mpmath.mpf(0)
        pred = mpmath.mpf(s2) + kap - mpmath.sqrt((mpmath.mpf(s2) - kap) ** 2 + 4 * zmax**2)
        cx = Counterexample({"size (d0,d1,d2)": str(size), "kind": kind, "seed": str(seed),
                             "sigma^2": str(sig2.tolist()), "kappa": repr(kap), "Z": str(Z.tolist())},
                            mpmath.nstr(lam, 30), mpmath.nstr(pred, 30), 30,
                            note="lhs lambda_min(H(0)) by mpmath eigsy, rhs the formula; floats taken exactly")
    return CheckResult(Status.REFUTED, "numeric eigenvalues + mpmath",
                       f"lambda_min(H(0)) = {mpmath.nstr(lam, 8)} but the formula gives {mpmath.nstr(pred, 8)}",
                       {}, cx)


# =====================================================================================================
# 4. Theorem 3 on the model's loss: exact Hessian at 0 vs ground truth
# =====================================================================================================
F = Fraction
ONE = Fraction(1)
TOL = 1e-9  # relative, on loss values: "no point below L(0) - TOL (1 + |L(0)|) was found"


@cached
def model_loss(size: tuple[int, int, int]) -> tuple[LinearLVM, sp.Expr]:
    """The model (no decoder partition) at (D0, d1, d2) and its loss Eq. 5 in moments, from the Gaussian rules."""
    model = LinearLVM(*size, decoder_partition=False)
    return model, model.expected_loss()


@cached
def model_origin_hessian(size: tuple[int, int, int]) -> tuple[se.DenseMatrix, tuple[sp.Symbol, ...]]:
    """Hessian at U = W = 0 of the model's loss (Eq. 5, Sigma fixed) in (vec U, vec W), from
    ``LinearLVM.expected_loss`` (symengine), as a matrix in the data and scalar symbols."""
    model, loss = model_loss(size)
    L = se.sympify(loss)
    xs = [se.sympify(x) for x in [*model.U, *model.W]]
    zero = dict.fromkeys(xs, se.Integer(0))
    grads = [se.diff(L, x) for x in xs]
    H = se.DenseMatrix([[se.diff(g, x).subs(zero) for x in xs] for g in grads])
    return H, (beta, eta_enc, eta_dec, *model.sigma)


def _model_origin_gradient_zero(size: tuple[int, int, int]) -> SizedIdentity:
    model, L = model_loss(size)
    zero = dict.fromkeys([*model.U, *model.W], 0)
    g = sp.Matrix([sp.diff(L, x).xreplace(zero) for x in [*model.U, *model.W]])
    return SizedIdentity(size, g, sp.zeros(*g.shape))


def is_psd_exact(M: list[list[Fraction]]) -> bool:
    """Exact PSD test of a symmetric rational matrix: symmetric elimination with the largest diagonal pivot."""
    A = [list(row) for row in M]
    active = list(range(len(A)))
    while active:
        i = max(active, key=lambda j: A[j][j])
        pivot = A[i][i]
        if pivot < 0:
            return False
        if pivot == 0:  # every remaining diagonal entry is 0: PSD iff the remaining block is 0
            return all(A[r][c] == 0 for r in active for c in active)
        active.remove(i)
        for r in active:
            factor = A[r][i] / pivot
            if factor:
                for c in active:
                    A[r][c] -= factor * A[i][c]
    return True


@dataclass(frozen=True)
class OriginCase:
    """One exactly representable instance: moments A [D0, D0], B [D0, d2], S_yy [d2, d2] built from Z = F diag(zeta)
    G^T with dyadic orthogonal factors, so zeta (the singular values of Z) is known exactly; sigma2 [d1]."""

    label: str
    D0: int
    d0: int
    d1: int
    d2: int
    A: tuple[tuple[Fraction, ...], ...]
    B: tuple[tuple[Fraction, ...], ...]
    S_yy: tuple[tuple[Fraction, ...], ...]
    sigma2: tuple[Fraction, ...]
    beta: Fraction
    eta_enc: Fraction
    eta_dec: Fraction
    zeta: tuple[Fraction, ...]

    def __post_init__(self) -> None:
        for M in (self.A, self.B, self.S_yy):
            assert all(Fraction(float(v)) == v for row in M for v in row), f"{self.label}: not exactly representable"

    @property
    def kappa(self) -> Fraction:
        return self.beta * self.eta_dec**2 / self.eta_enc**2

    @property
    def size(self) -> tuple[int, int, int]:
        return self.D0, self.d1, self.d2

    def ratio2(self) -> Fraction:
        """(zeta_max / (sigma_min sqrt(kappa)))^2, exactly."""
        return max(self.zeta, default=F(0)) ** 2 / (min(self.sigma2) * self.kappa)

    def prop2_collapse(self) -> bool:
        """Complete collapse read off Proposition 2: zeta_i <= sigma_i sqrt(kappa) for i <= d1 (zeta_i = 0 beyond)."""
        z = list(self.zeta) + [F(0)] * self.d1
        return all(z[i] ** 2 <= self.sigma2[i] * self.kappa for i in range(self.d1))

    def describe(self) -> dict[str, str]:
        return {"label": self.label, "sizes (D0,d0,d1,d2)": str((self.D0, self.d0, self.d1, self.d2)),
                "A": str([[str(v) for v in r] for r in self.A]), "B": str([[str(v) for v in r] for r in self.B]),
                "S_yy": str([[str(v) for v in r] for r in self.S_yy]), "sigma^2": str([str(v) for v in self.sigma2]),
                "beta": str(self.beta), "eta_enc": str(self.eta_enc), "eta_dec": str(self.eta_dec),
                "zeta": str([str(v) for v in self.zeta])}


def _matmul(X: list[list[Fraction]], Y: list[list[Fraction]]) -> list[list[Fraction]]:
    return [[sum((X[i][k] * Y[k][j] for k in range(len(Y))), F(0)) for j in range(len(Y[0]))] for i in range(len(X))]


def _transpose(X: list[list[Fraction]]) -> list[list[Fraction]]:
    return [list(r) for r in zip(*X, strict=True)]


def _dyadic_orthogonal(n: int, rng: np.random.Generator) -> list[list[Fraction]]:
    """An orthogonal matrix with dyadic entries: H_4 / 2 times a signed permutation for n = 4, else a signed
    permutation."""
    perm = rng.permutation(n)
    signs = rng.choice([-1, 1], size=n)
    P = [[F(int(signs[i])) if perm[i] == j else F(0) for j in range(n)] for i in range(n)]
    if n != 4:
        return P
    h = [[1, 1, 1, 1], [1, -1, 1, -1], [1, 1, -1, -1], [1, -1, -1, 1]]
    return _matmul([[F(v, 2) for v in row] for row in h], P)


PHI_ROOTS = (F(3, 2), F(1), F(1, 2), F(2))  # sqrt of the positive eigenvalues of A


def make_case(label: str, D0: int, d0: int, d1: int, d2: int, zeta_values: Sequence[Fraction],
              sigma2: Sequence[Fraction], b: Fraction, e_enc: Fraction, e_dec: Fraction, c: Fraction,
              rng: np.random.Generator) -> OriginCase:
    """A = P_A Phi P_A^T (rank d0 <= D0), B = P_A Phi^{1/2} Z^T, S_yy = Z Z^T + c I: the moments of
    x = P_A Phi^{1/2} x_tilde, y = Z x_tilde + e with E[x_tilde x_tilde^T] = I and E[e e^T] = c I."""
    m = min(d0, d2)
    assert len(zeta_values) == m
    Q, Fm, G = _dyadic_orthogonal(D0, rng), _dyadic_orthogonal(d2, rng), _dyadic_orthogonal(d0, rng)
    P_A = [row[:d0] for row in Q]
    roots = PHI_ROOTS[:d0]
    Zm = [[sum((Fm[i][t] * zeta_values[t] * G[j][t] for t in range(m)), F(0)) for j in range(d0)] for i in range(d2)]
    A = _matmul([[P_A[i][j] * roots[j] ** 2 for j in range(d0)] for i in range(D0)], _transpose(P_A))
    B = _matmul([[P_A[i][j] * roots[j] for j in range(d0)] for i in range(D0)], _transpose(Zm))
    S = _matmul(Zm, _transpose(Zm))
    S = [[S[i][j] + (c if i == j else 0) for j in range(d2)] for i in range(d2)]
    tup = lambda M: tuple(tuple(r) for r in M)  # noqa: E731
    return OriginCase(label, D0, d0, d1, d2, tup(A), tup(B), tup(S), tuple(sigma2), b, e_enc, e_dec,
                      tuple(sorted(zeta_values, reverse=True)))


RATIOS = (F(1, 2), F(63, 64), F(1), F(65, 64), F(2))  # zeta_max / (sigma_min sqrt(kappa))
EQUAL_SPECS = ((2, 2, 1, 2), (3, 2, 2, 2), (4, 3, 2, 3), (4, 4, 3, 2))  # (D0, d0, d1, d2); D0 > d0: singular A
DISTINCT_SPECS = ((3, 2, 2, 2), (4, 3, 2, 3), (4, 4, 3, 2), (2, 2, 3, 2))
SQUARE_BETAS = (F(1, 4), F(1), F(9, 4), F(4))
ETAS_ENC = (F(1, 2), F(1), F(2))
ETAS_DEC = (F(1, 2), F(1), F(3, 2))
SIGMAS = (F(1, 2), F(1), F(3, 2), F(2))


def _zeta_pattern(zmax: Fraction, m: int, k: int) -> list[Fraction]:
    """Other singular values: halved, tied with the largest, or zero."""
    pattern = [[zmax / 2**i for i in range(m)], [zmax] * m, [zmax] + [F(0)] * (m - 1)][k % 3]
    return pattern


def origin_cases(kind: str, seed: int = 7) -> list[OriginCase]:
    """``equal``: sigma_i = eta_enc (Theorem 3's setting); ``distinct``: fixed distinct sigma_i (and a few equal
    sigma != eta_enc), including orderings where Proposition 2's pairing zeta_i <-> sigma_i predicts collapse."""
    rng = np.random.default_rng(derive_seed(seed))
    out = []
    specs = EQUAL_SPECS if kind == "equal" else DISTINCT_SPECS
    for D0, d0, d1, d2 in specs:
        m = min(d0, d2)
        for k, r in enumerate(RATIOS):
            for variant in range(2):
                b = SQUARE_BETAS[int(rng.integers(len(SQUARE_BETAS)))]
                e1, e2 = ETAS_ENC[int(rng.integers(3))], ETAS_DEC[int(rng.integers(3))]
                if kind == "equal":
                    sig2 = [e1**2] * d1
                elif variant == 1 and k == 2:
                    sig2 = [SIGMAS[int(rng.integers(4))] ** 2] * d1  # equal, != eta_enc in general
                else:
                    sig2 = [SIGMAS[int(i)] ** 2 for i in rng.permutation(4)[:d1]] if d1 <= 4 else []
                smin = min(sig2)
                root_kappa = _sqrt_fraction(b) * e2 / e1
                zmax = r * _sqrt_fraction(smin) * root_kappa
                zs = _zeta_pattern(zmax, m, k + variant)
                c = F(1, 4) if variant else F(0)
                out.append(make_case(f"{kind}: ratio {r}, variant {variant}", D0, d0, d1, d2, zs, sig2, b, e1, e2,
                                     c, rng))
        if kind == "distinct" and d1 >= 2:  # Proposition 2's pairing says 'collapse', the truth does not
            b, e1, e2 = F(1), F(1), F(1)
            sig2 = [F(4), *[F(1, 4)] * (d1 - 1)]
            zs = [F(1)] + [F(1, 4)] * (m - 1)
            out.append(make_case("distinct: Prop. 2 pairing predicts collapse", D0, d0, d1, d2, zs, sig2, b, e1, e2,
                                 F(0), rng))
    return out


def _sqrt_fraction(q: Fraction) -> Fraction:
    num, den = int(round(q.numerator**0.5)), int(round(q.denominator**0.5))
    assert F(num, den) ** 2 == q, f"{q} is not a rational square"
    return F(num, den)


@dataclass(frozen=True)
class CaseResult:
    case: OriginCase
    psd: bool
    psd_half_beta: bool  # the Hessian with beta halved (negative control)
    lam_min: float  # float64 smallest eigenvalue of the model's H(0), for the record
    loss_origin: float
    loss_best: float
    n_starts_at_best: int

    @property
    def global_min(self) -> bool:
        return self.loss_best >= self.loss_origin - TOL * (1 + abs(self.loss_origin))

    @property
    def margin(self) -> float:
        """(L(0) - best found) / (1 + |L(0)|): > 0 means 0 is not the global minimum."""
        return (self.loss_origin - self.loss_best) / (1 + abs(self.loss_origin))


def _exact_hessian(case: OriginCase, *, beta_factor: Fraction = ONE) -> list[list[Fraction]]:
    H, scalars = model_origin_hessian(case.size)
    model = model_loss(case.size)[0]
    m = model.moments
    sub: dict = {}
    for sym_mat, val in ((m.A, case.A), (m.B, case.B)):
        for i in range(sym_mat.rows):
            for j in range(sym_mat.cols):
                sub[se.sympify(sym_mat[i, j])] = se.Rational(val[i][j].numerator, val[i][j].denominator)
    vals = (case.beta * beta_factor, case.eta_enc, case.eta_dec, *[_sqrt_fraction(s) for s in case.sigma2])
    for s, v in zip(scalars, vals, strict=True):
        sub[se.sympify(s)] = se.Rational(v.numerator, v.denominator)
    Hn = H.subs(sub)
    return [[Fraction(str(Hn[i, j])) for j in range(Hn.cols)] for i in range(Hn.rows)]


def _instances(cases: Sequence[OriginCase]) -> Instances:
    arr = lambda M: np.array([[float(v) for v in r] for r in M])  # noqa: E731
    return Instances(np.stack([arr(c.A) for c in cases]), np.stack([arr(c.B) for c in cases]),
                     np.stack([arr(c.S_yy) for c in cases]),
                     np.stack([np.diag([float(s) for s in c.sigma2]) for c in cases]),
                     np.array([float(c.beta) for c in cases]), np.array([float(c.eta_enc) for c in cases]),
                     np.array([float(c.eta_dec) for c in cases]))


def _loss_at_origin(inst: Instances) -> np.ndarray:
    """L_VAE at U = W = 0 through the minimizer's own compiled loss: [I]."""
    D0, d1, d2 = inst.sizes
    n = inst.A.shape[0]
    return vae_loss_at(inst, np.zeros((n, d2, d1)), np.zeros((n, D0, d1)))


N_STARTS = 8


@cached
def campaign(kind: str, seed: int = 11) -> tuple[CaseResult, ...]:
    """Exact PSD test of the model's H(0) and multistart minimization of the model's loss, per case."""
    cases = origin_cases(kind)
    out: list[CaseResult] = []
    by_size: dict[tuple[int, int, int], list[OriginCase]] = {}
    for c in cases:
        by_size.setdefault(c.size, []).append(c)
    for k, (_, group) in enumerate(sorted(by_size.items())):
        inst = _instances(group)
        gt = minimize_vae_loss(inst, learn_sigma=False, n_starts=N_STARTS, seed=seed + k)
        l0 = _loss_at_origin(inst)
        for i, c in enumerate(group):
            H = _exact_hessian(c)
            lam = float(np.linalg.eigvalsh(np.array([[float(v) for v in r] for r in H]))[0])
            out.append(CaseResult(c, is_psd_exact(H), is_psd_exact(_exact_hessian(c, beta_factor=F(1, 2))), lam,
                                  float(l0[i]), float(gt.loss[i]), int(gt.n_starts_at_best[i])))
    return tuple(out)


def _decide(results: Sequence[CaseResult], predicate: Callable[[CaseResult], bool], what: str,
            label: str) -> CheckResult:
    """``predicate(result)`` must equal the ground truth's 'origin is the global minimum' on every case."""
    counts = {"true/true": 0, "false/false": 0, "exact boundary": 0}
    for res in results:
        ambiguous = TOL < res.margin < 10 * TOL
        if ambiguous:
            return CheckResult(Status.INCONCLUSIVE, "ground truth", f"{what}: case {res.case.label} is within "
                               f"tolerance of the boundary (margin {res.margin:.2g})")
        pred, truth = predicate(res), res.global_min
        if pred != truth:
            cx = Counterexample({**res.case.describe(), "seed": "11", "starts": str(N_STARTS)},
                                f"{label}: {pred}",
                                f"0 is the global minimum: {truth} (L(0) = {res.loss_origin:.17g}, best found "
                                f"{res.loss_best:.17g})", 17,
                                note=f"moments exact dyadic rationals; Hessian PSD decided in exact arithmetic "
                                     f"(float lambda_min {res.lam_min:.3g}); ground truth float64 multistart")
            return CheckResult(Status.REFUTED, "exact Hessian + ground truth",
                               f"{what}: fails on {res.case.label} ({label} = {pred}, global minimum = {truth})",
                               {"case": res.case.label}, cx)
        if res.case.ratio2() == 1:
            counts["exact boundary"] += 1
        else:
            counts["true/true" if truth else "false/false"] += 1
    worst_global = max((-r.margin for r in results if r.global_min), default=0.0)
    smallest_drop = min((r.margin for r in results if not r.global_min), default=float("inf"))
    if counts["true/true"] == 0 or counts["false/false"] == 0 or counts["exact boundary"] == 0:
        return CheckResult(Status.INCONCLUSIVE, "ground truth", f"{what}: not every regime was sampled: {counts}")
    return CheckResult(Status.CHECKED, "exact Hessian + ground truth (multistart minimization)",
                       f"{what}: {len(results)} cases agree, {counts}; global-minimum cases: best found >= L(0) - "
                       f"{worst_global:.1e}; other cases: L(0) - best >= {smallest_drop:.1e} (relative); tolerance "
                       f"{TOL:g}",
                       {"cases": len(results), "counts": counts, "tolerance": TOL, "starts": N_STARTS, "seed": 11,
                        "smallest_relative_drop": smallest_drop, "worst_excess_at_global": worst_global,
                        "min_starts_at_best": min(r.n_starts_at_best for r in results)})


def _theorem3_check(kind: str, *, half_beta: bool = False) -> CheckResult:
    what = "Hessian of Eq. 5 at 0 PSD <=> 0 global minimum" + (" (beta halved in the Hessian)" if half_beta else "")
    return _decide(campaign(kind), (lambda r: r.psd_half_beta) if half_beta else (lambda r: r.psd), what,
                   "Hessian at 0 PSD")


def _condition_check(kind: str, rule: str) -> CheckResult:
    """A closed-form condition on (zeta, sigma, kappa) against the ground truth."""
    preds: dict[str, Callable[[CaseResult], bool]] = {
        "sigma_min": lambda r: r.case.ratio2() <= 1,
        "sigma_max": lambda r: max(r.case.zeta, default=F(0)) ** 2 <= max(r.case.sigma2) * r.case.kappa,
        "prop2": lambda r: r.case.prop2_collapse(),
    }
    labels = {"sigma_min": "zeta_max <= sigma_min sqrt(kappa)", "sigma_max": "zeta_max <= sigma_max sqrt(kappa)",
              "prop2": "zeta_i <= sigma_i sqrt(kappa) for all i <= d1"}
    return _decide(campaign(kind), preds[rule], f"{labels[rule]} <=> 0 global minimum", labels[rule])


@cached
def _gradient_zero_at_origin() -> CheckResult:
    sizes = sorted({(D0, d1, d2) for D0, _, d1, d2 in EQUAL_SPECS + DISTINCT_SPECS})
    return prove_at_sizes(_model_origin_gradient_zero, sizes, what="gradient of Eq. 5 at U = W = 0 is 0")


def _prop2_exact_counterexample() -> CheckResult:
    """The smallest instance: D0 = d2 = 1, d1 = 2, A = B = S_yy = 1 (zeta = 1), beta = eta_enc = eta_dec = 1,
    sigma^2 = (4, 1/4). Proposition 2's pairing gives zeta_1 = 1 <= 2, zeta_2 = 0 <= 1/2 (collapse), but the model's
    loss at U = [0, 1], W = [0, 1/2] is below L(0) (by exactly 1/8)."""
    model = LinearLVM(1, 2, 1, decoder_partition=False)
    m = model.moments
    vals = {m.A[0, 0]: 1, m.B[0, 0]: 1, m.S_yy[0, 0]: 1, beta: 1, eta_enc: 1, eta_dec: 1,
            model.sigma[0]: 2, model.sigma[1]: sp.Rational(1, 2)}
    L = model.expected_loss().xreplace(vals)
    at = {model.U[0, 0]: 0, model.U[0, 1]: 1, model.W[0, 0]: 0, model.W[0, 1]: sp.Rational(1, 2)}
    at0 = dict.fromkeys([*model.U, *model.W], 0)
    lhs, rhs = sp.nsimplify(L.xreplace(at)), sp.nsimplify(L.xreplace(at0))
    drop = sp.simplify(rhs - lhs)
    if drop.is_positive:
        cx = Counterexample({"D0, d1, d2": "1, 2, 1", "A = B = S_yy": "1 (zeta = 1)", "beta = eta_enc = eta_dec": "1",
                             "sigma^2": "(4, 1/4)", "U": "[[0, 1]]", "W": "[[0, 1/2]]"},
                            str(sp.N(lhs, 30)), str(sp.N(rhs, 30)), 30,
                            note=f"lhs L_VAE(U, W), rhs L_VAE(0, 0); exact difference {drop}; Prop. 2's pairing "
                                 "predicts U* = 0")
        return CheckResult(Status.REFUTED, "exact evaluation of the model's loss",
                           f"Prop. 2's condition holds (zeta_i <= sigma_i sqrt(kappa)) but L_VAE drops by {drop} "
                           "below L(0)", {}, cx)
    return CheckResult(Status.INCONCLUSIVE, "exact evaluation", f"no drop found ({drop})")


# =====================================================================================================
# Kernel
# =====================================================================================================
@cached
def _min_eigenvalue_form() -> tuple[sp.Expr, tuple[sp.Symbol, ...]]:
    """The smallest eigenvalue of H(0) in (zeta_max, sigma2_min, beta, eta_enc, eta_dec), and those arguments."""
    return (min_eigenvalue_expr(s2_sym, zeta, beta * eta_dec**2 / eta_enc**2),
            (zeta, s2_sym, beta, eta_enc, eta_dec))


@cached
def _stable_min_eigenvalue_form() -> sp.Expr:
    """``_min_eigenvalue_form`` as (4 a kappa - 4 zeta_max^2) / (a + kappa + sqrt((a - kappa)^2 + 4 zeta_max^2)),
    a = sigma_min^2: the same number (checked: numerator minus (a + kappa - r)(a + kappa + r) expands to 0), without
    the cancellation a + kappa - r, which in float64 returns 0 for 2 min(a, kappa) once a / kappa or kappa / a exceeds
    ~1e16; its sign is that of a kappa - zeta_max^2 however far apart a and kappa are."""
    expr, args = _min_eigenvalue_form()
    zmax, a, kap = args[0], args[1], beta * eta_dec**2 / eta_enc**2
    root = sp.sqrt((a - kap) ** 2 + 4 * zmax**2)
    numerator = 4 * a * kap - 4 * zmax**2
    assert sp.expand(expr - (a + kap - root)) == 0, f"unexpected form {expr}"
    assert sp.expand(numerator - (a + kap - root) * (a + kap + root)) == 0
    return numerator / (a + kap + root)


@cached
def _compiled_min_eigenvalue(backend: str = "numpy"):
    """``_min_eigenvalue_form`` compiled on ``backend`` in its stable form (inputs are validated by the builder: no
    second NaN check)."""
    return compile_expression(_stable_min_eigenvalue_form(), _min_eigenvalue_form()[1], backend, check_finite=False)


def origin_min_eigenvalue_kernel(zeta_values: object, sigma2: object, beta_value: object, eta_enc_value: object,
                                 eta_dec_value: object, *, backend: str = "numpy") -> np.ndarray:
    """zeta [..., d] (singular values of Z), sigma2 [..., d1] (Sigma = diag(sigma2)), beta, eta_enc, eta_dec [...]
    -> smallest eigenvalue of the Hessian of L(U, V) at 0, [...]; >= 0 iff 0 is the global minimum (for L_VAE in
    (U, V) divide by 2 eta_dec^2). Every argument is validated first (sigma2 in the supported range of variances,
    the scalars in that of positive scalars), and the batch shapes [...] of all five must broadcast."""
    from symbolic_vae._core import validation as v

    backend = check_backend(backend)
    z = spectrum("zeta", zeta_values)
    s2 = v.positive_values("sigma2", sigma2, quadratic=True, min_ndim=1)
    scalars = {name: v.positive_values(name, value) for name, value in
               (("beta", beta_value), ("eta_enc", eta_enc_value), ("eta_dec", eta_dec_value))}
    v.batch_shape({"zeta": z.shape[:-1], "sigma2": s2.shape[:-1], **{k: a.shape for k, a in scalars.items()}})
    return _compiled_min_eigenvalue(backend)(z.max(axis=-1), s2.min(axis=-1), *scalars.values())


def origin_min_eigenvalue_sample(rng: np.random.Generator, n: int) -> tuple[tuple, dict[str, Any]]:
    """Arguments for n rows: (zeta [n, 4], sigma2 [n, 3], beta, eta_enc, eta_dec [n]), {}. The ratio
    zeta_max^2 / (sigma2_min kappa) alternates below 1 (eigenvalue > 0) and above (< 0); spectra have ties and
    zeros, one row in four is zero (eigenvalue 2 min(sigma2_min, kappa)); sigma2 has ties, and its minimum equals kappa
    in one row in three."""
    d, d1 = 4, 3
    beta_values, eta_enc_values, eta_dec_values = rng.uniform(0.5, 2.0, (3, n))
    kappa_values = beta_values * eta_dec_values**2 / eta_enc_values**2
    sigma2 = rng.uniform(0.2, 2.0, (n, d1))
    sigma2[::3] = kappa_values[::3, None] * rng.uniform(1.0, 2.0, sigma2[::3].shape)
    sigma2[::3, 0] = kappa_values[::3]  # sigma2_min = kappa
    sigma2[1::3, 1] = sigma2[1::3, 2]  # tied variances
    zeta_values = np.sort(rng.uniform(0.0, 1.0, (n, d)), axis=-1)[:, ::-1]
    zeta_values[1::2, 1] = zeta_values[1::2, 0]  # tied leading singular values
    zeta_values[::2, 2:] = 0.0
    ratio = np.where(np.arange(n) % 2 == 0, rng.uniform(0.2, 0.8, n), rng.uniform(1.25, 4.0, n))
    target = np.sqrt(ratio * sigma2.min(axis=-1) * kappa_values)
    zeta_values *= (target / zeta_values[:, 0])[:, None]
    zeta_values[3::4] = 0.0
    return (zeta_values, sigma2, beta_values, eta_enc_values, eta_dec_values), {}


@cached
def _min_eigenvalue_reference_function() -> Callable[..., Any]:
    return sp.lambdify(_min_eigenvalue_form()[1], _min_eigenvalue_form()[0], "mpmath")


def origin_min_eigenvalue_reference(zeta_values: Sequence[float], sigma2: Sequence[float], beta_value: float,
                                    eta_enc_value: float, eta_dec_value: float) -> float:
    """``origin_min_eigenvalue_kernel`` at one row (zeta [d], sigma2 [d1]), the closed form in mpmath at the
    working precision."""
    zeta_max = max(mpmath.mpf(float(v)) for v in zeta_values)
    sigma2_min = min(mpmath.mpf(float(v)) for v in sigma2)
    scalars = [mpmath.mpf(float(v)) for v in (beta_value, eta_enc_value, eta_dec_value)]
    return float(_min_eigenvalue_reference_function()(zeta_max, sigma2_min, *scalars))


def kernel_sources() -> list[dict]:
    """The smallest eigenvalue of the Hessian of L(U, V) at the origin (spectrum first, numpy batches, ``backend=``
    "numpy", "torch" or "torch-compiled"), with a sampler of n rows and a one-row mpmath reference."""
    return [{"name": "origin_hessian_min_eigenvalue", "claim": "hessian.min_eigenvalue",
             "builder": origin_min_eigenvalue_kernel, "sample": origin_min_eigenvalue_sample,
             "reference": origin_min_eigenvalue_reference,
             "description": "smallest eigenvalue of the Hessian of L(U, V) (Eq. 6) at U = V = 0, sigma_min^2 + kappa - "
                            "sqrt((sigma_min^2 - kappa)^2 + 4 zeta_max^2), kappa = beta eta_dec^2/eta_enc^2: "
                            "(zeta [..., d], sigma2 [..., d1], beta, eta_enc, eta_dec) -> [...]"}]


# =====================================================================================================
# Claims
# =====================================================================================================
def claims() -> list[Claim]:
    d0, d1, d2 = sp.symbols("d_0 d_1 d_2", positive=True, integer=True)
    U, V, Z = sp.MatrixSymbol("U", d2, d1), sp.MatrixSymbol("V", d0, d1), sp.MatrixSymbol("Z", d2, d0)
    dU, dV = sp.MatrixSymbol(r"\Delta U", d2, d1), sp.MatrixSymbol(r"\Delta V", d0, d1)
    Sig = sp.MatrixSymbol(r"\Sigma", d1, d1)
    gU, gV = sp.MatrixSymbol(r"\partial_U L", d2, d1), sp.MatrixSymbol(r"\partial_V L", d0, d1)
    LQ, H0 = sp.Symbol("LQ"), sp.Symbol(r"\lambda_{\min}(H(0))")
    zmax, smin, smax = sp.symbols(r"\zeta_{\max} \sigma_{\min} \sigma_{\max}", nonnegative=True)
    common = ("Sigma = diag(sigma_q^2) fixed, sigma_q > 0", "kappa = beta eta_dec^2 / eta_enc^2 > 0",
              "Z any real d2 x d0 matrix")
    explicit = "every (d0, d1, d2) up to 4 (64 sizes), symengine differentiation; time recorded in the details"
    thm3_steps = (
        Step("the origin is a stationary point of Eq. 5 (gradient 0 at U = W = 0, campaign sizes)",
             _gradient_zero_at_origin),
    )
    gt_note = ("exact dyadic moments (singular A included, y not linear in x), zeta_max / (sigma_min sqrt(kappa)) in "
               "{1/2, 63/64, 1 (exact), 65/64, 2}; model's H(0) PSD decided exactly; 0 global minimum decided by "
               "multistart minimization of the same loss")
    return [
        Claim(
            id="hessian.gradient",
            title="Eq. 101-102: dL/dU = 2(U V^T V - Z V + U Sigma), dL/dV = 2(V U^T U - Z^T U + kappa V)",
            ref=wz("App. E.5", ("101", "102"), "Theorem 3 (proof)"),
            statement=(sp.Eq(gU, 2 * (U * V.T * V - Z * V + U * Sig)),
                       sp.Eq(gV, 2 * (V * U.T * U - Z.T * U + kappa * V))),
            assumptions=common,
            steps=(Step(f"derived gradient of L(U, V) = Eq. 101-102, {explicit}", partial(_at_sizes, "gradient")),),
            control=Control("Eq. 102 with kappa V instead of 2 kappa V", partial(_control, "gradient")),
        ),
        Claim(
            id="hessian.second_derivatives",
            title="Eq. 103-106: the second derivatives of L(U, V) in index form",
            ref=wz("App. E.5", ("103", "104", "105", "106"), "Theorem 3 (proof)"),
            statement=sp.Symbol(r"\partial^2 L / \partial U_{rs} \partial V_{pq} = 2[V_{ps}U_{rq} + "
                                r"((UV^\top)_{rp} - Z_{rp})\delta_{qs}], \ldots"),
            assumptions=common,
            steps=(Step(f"derived Hessian of L(U, V) = Eq. 103-106 entry by entry, {explicit}",
                        partial(_at_sizes, "hessian")),
                   Step("Eq. 103-106 = torch.autograd.functional.hessian (float64) at sizes (6, 5, 7) and (7, 3, 5)",
                        _autograd_check, corroborating=True)),
            control=Control("Eq. 104-105 with U_pq V_rs (indices q, s swapped; identical to the truth when d1 = 1)",
                            partial(_control, "hessian")),
        ),
        Claim(
            id="hessian.at_origin",
            title="Eq. 107-110: the origin is stationary and its Hessian is 2 sigma_q^2, -2 Z_pr, -2 Z_rp, 2 kappa "
                  "(times Kronecker deltas)",
            ref=wz("App. E.5", ("107", "108", "109", "110"), "Theorem 3 (proof)"),
            statement=sp.Symbol(r"H(0) = 2\begin{pmatrix}\Sigma\otimes I & -Z\otimes I\\ -Z^\top\otimes I & "
                                r"\kappa I\end{pmatrix}"),
            assumptions=common,
            steps=(Step(f"gradient at 0 = 0 and derived Hessian at 0 = Eq. 107-110, {explicit}",
                        partial(_at_sizes, "origin")),),
            control=Control("Eq. 108-109 with +2 Z instead of -2 Z", partial(_control, "origin")),
        ),
        Claim(
            id="hessian.quadratic_form",
            title="Eq. 111-114: the quadratic form at the origin is 2[Tr(dU Sigma dU^T) - 2 Tr(Z dV dU^T) + "
                  "kappa Tr(dV dV^T)]",
            ref=wz("App. E.5", ("111", "112", "113", "114"), "Theorem 3 (proof)"),
            statement=sp.Eq(LQ, 2 * (sp.Trace(dU * Sig * dU.T) - 2 * sp.Trace(Z * dV * dU.T)
                                     + kappa * sp.Trace(dV * dV.T))),
            assumptions=common,
            steps=(Step(f"Delta^T H(0) Delta (derived Hessian) = Eq. 113 = Eq. 114, {explicit}",
                        partial(_at_sizes, "quadratic")),),
            control=Control("Eq. 114 with - Tr(Z dV dU^T) (cross-term factor 2 dropped)",
                            partial(_control, "quadratic")),
        ),
        Claim(
            id="hessian.eq115_as_printed",
            title="Eq. 115 with 'Sigma = sigma I' as printed: LQ is proportional to sigma^2 ||dU||^2 - "
                  "2 Tr(Z dV dU^T) + kappa ||dV||^2",
            ref=wz("App. E.5", ("114", "115"), "Theorem 3 (proof)"),
            statement=sp.Symbol(r"\Sigma = \sigma I \Rightarrow LQ \propto \sigma^2\|\Delta U\|^2 - "
                                r"2\mathrm{Tr}(Z\Delta V\Delta U^\top) + \kappa\|\Delta V\|^2"),
            assumptions=(*common, "Sigma = sigma I as printed (the model's Sigma holds variances sigma_i^2)"),
            printed="'where we assume Sigma = sigma I'",
            steps=(Step("the smallest instance, exact: size (1, 1, 1), dU = 1, dV = 0, Sigma = 2 I", _eq115_minimal),
                   Step("LQ with Sigma = sigma I against c * Eq. 115, c fixed on the slice dU = 0, every size up to "
                        "3", lambda: prove_at_sizes(partial(_eq115_identity, literal=True), REDUCTION_SIZES,
                                                    what="LQ(Sigma = sigma I) = c Eq. 115"))),
            control=Control("Sigma = sigma^2 I, but Eq. 115 with -Tr(Z dV dU^T) (cross-term factor 2 dropped)",
                            partial(_eq115_control, "cross")),
            corrected="hessian.eq115_116",
        ),
        Claim(
            id="hessian.eq115_116",
            title="Corrected Eq. 115-116: with Sigma = sigma^2 I, LQ = 2 [sigma^2 ||dU||^2 - 2 Tr(Z dV dU^T) + kappa "
                  "||dV||^2], which at dU = alpha u, dV = sqrt(1 - alpha^2) v is 2 x Eq. 116",
            ref=wz("App. E.5", ("114", "115", "116"), "Theorem 3 (proof), corrected"),
            statement=sp.Eq(LQ, 2 * (s_sym**2 * sp.Trace(dU * dU.T) - 2 * sp.Trace(Z * dV * dU.T)
                                     + kappa * sp.Trace(dV * dV.T))),
            assumptions=(*common, "Sigma = sigma^2 I (all sigma_i equal)", "||u||_F = ||v||_F = 1"),
            steps=(Step("LQ with Sigma = sigma^2 I = 2 Eq. 115 (c = 2), every size up to 3",
                        lambda: prove_at_sizes(partial(_eq115_identity, literal=False), REDUCTION_SIZES,
                                               what="LQ(Sigma = sigma^2 I) = 2 Eq. 115")),
                   Step("Eq. 115 at (alpha u, b v) = sigma^2 alpha^2 ||u||^2 - 2 alpha b Tr(u^T Z v) + kappa b^2 "
                        "||v||^2 (Eq. 116 when ||u|| = ||v|| = 1, b = sqrt(1 - alpha^2)), every size up to 3",
                        lambda: prove_at_sizes(_eq116_identity, REDUCTION_SIZES, what="Eq. 115 -> Eq. 116"))),
            control=Control("LQ with Sigma = sigma^2 I against 2 Eq. 115 with sigma instead of sigma^2",
                            partial(_eq115_control, "power")),
            corrects="hessian.eq115_as_printed",
        ),
        Claim(
            id="hessian.eq117_alignment",
            title="Eq. 117: for fixed alpha, the middle term is minimized by the top singular vectors of Z, giving "
                  "-2 sqrt(alpha^2 (1 - alpha^2)) zeta_max",
            ref=wz("App. E.5", ("116", "117"), "Theorem 3 (proof)"),
            statement=sp.Eq(sp.Symbol(r"\max_{\|u\|=\|v\|=1}\mathrm{Tr}(u^\top Z v)"), zmax),
            assumptions=("u [d2, d1], v [d0, d1] with unit Frobenius norm", "zeta_max the largest singular value of Z"),
            printed="'u is the left eigenvector of Z corresponding to the largest singular value' (singular vector)",
            steps=(Step("largest singular value of the bilinear form Z (x) I_{d1} = zeta_max, and the top singular "
                        "vectors (in any latent column) attain it", _eq117_check),),
            control=Control("the singular vectors of the smallest singular value attain the maximum",
                            partial(_eq117_check, smallest=True)),
        ),
        Claim(
            id="hessian.eq118_minimum",
            title="Eq. 118: min over alpha of Eq. 117 is proportional to sigma^2 + kappa - sqrt((sigma^2 - kappa)^2 + "
                  "4 zeta_max^2) (the exact minimum is half of it)",
            ref=wz("App. E.5", ("117", "118"), "Theorem 3 (proof)"),
            statement=sp.Eq(sp.Symbol(r"\min_{\alpha\in[0,1]}(117)"), LAM_MIN),
            assumptions=("sigma^2, kappa > 0, zeta_max >= 0", "alpha in [0, 1]"),
            printed="'min_alpha LQ proportional to ...': the constant is 1/2 for Eq. 117 and 1 for the unit-sphere "
                    "minimum of Eq. 114 (the smallest Hessian eigenvalue)",
            steps=tuple(Step(f"Rayleigh-quotient argument, part {i + 1} of 6",
                             partial(lambda j: quarter_circle_steps()[j], i)) for i in range(6))
            + (Step("Eq. 118's right-hand side = 2 x the minimum (positive constant)", _eq118_proportional),
               Step("numeric minimization over alpha at random points", partial(_grid_check, LAM_MIN),
                    corroborating=True)),
            control=Control("the minimum with 4 zeta^2 replaced by zeta^2",
                            partial(_grid_check, LAM_MIN.xreplace({zeta: zeta / 2}))),
        ),
        Claim(
            id="hessian.eq118_sign",
            title="Eq. 118 is non-negative iff zeta_max <= sigma sqrt(kappa) = sqrt(beta) eta_dec sigma / eta_enc",
            ref=wz("App. E.5", ("118",), "Theorem 3 (proof)"),
            statement=sp.Equivalent(sp.Ge(EQ118, 0), sp.Le(zeta, s_sym * sp.sqrt(kappa))),
            assumptions=("sigma^2 = sigma2, kappa > 0, zeta >= 0",),
            printed="not written out: the proof stops at Eq. 118",
            steps=(Step("(sigma^2 + kappa)^2 - ((sigma^2 - kappa)^2 + 4 zeta^2) = 4 (sigma^2 kappa - zeta^2) and "
                        "sigma^2 + kappa > 0", _sign_identity),
                   Step("both directions at exact rational points, a third exactly on the boundary",
                        _sign_samples, corroborating=True)),
            control=Control("'iff zeta <= sigma kappa' (square root dropped)", partial(_sign_samples, drop_sqrt=True)),
        ),
        Claim(
            id="hessian.min_eigenvalue",
            title="The smallest eigenvalue of the Hessian of L at 0 is sigma_min^2 + kappa - sqrt((sigma_min^2 - "
                  "kappa)^2 + 4 zeta_max^2), for any diagonal Sigma",
            ref=wz("App. E.5", ("107", "110", "118"), "Theorem 3 (proof), generalized"),
            statement=sp.Eq(H0, min_eigenvalue_expr(smin**2, zmax)),
            assumptions=(*common, "sigma_i distinct or equal", "d0 <, =, > d2, Z of any rank"),
            printed="derived here: the paper treats Sigma = sigma I only",
            steps=(Step(f"H(0) = 2 [[Sigma (x) I, -Z (x) I], [-Z^T (x) I, kappa I]] (Eq. 107-110), {explicit}: "
                        "one block [[sigma_q^2 I, -Z], [-Z^T, kappa I]] per latent column",
                        partial(_at_sizes, "origin")),
                   Step("each 2 x 2 block [[a, -zeta_i], [-zeta_i, b]] (after the SVD of Z) has eigenvalues "
                        "(a + b +- sqrt((a - b)^2 + 4 zeta_i^2)) / 2", _block_eigenvalues),
                   Step("lambda_min of the assembled H(0) against the formula (the minimum over q and i sits at "
                        "sigma_min, zeta_max)", _min_eigenvalue_check)),
            control=Control("sigma_max instead of sigma_min in the formula",
                            partial(_min_eigenvalue_check, use_max_sigma=True)),
        ),
        Claim(
            id="hessian.theorem3",
            title="Theorem 3 (sigma_i = eta_enc): the Hessian of Eq. 5 at 0 is PSD iff 0 is the global minimum",
            ref=wz("Sec. 4.5", ("5",), "Theorem 3"),
            statement=sp.Equivalent(sp.Symbol(r"\nabla^2 L_{VAE}(0) \succeq 0"), sp.Symbol(r"0 \in \arg\min L_{VAE}")),
            assumptions=("sigma_i = eta_enc for all i (Sec. 4.2)", "Eq. 5 in (U, W), Sigma fixed", "beta, etas > 0",
                         "A possibly singular, y not linear in x"),
            steps=(*thm3_steps,
                   Step(f"both directions on {len(origin_cases('equal'))} cases ({gt_note})",
                        partial(_theorem3_check, "equal"))),
            control=Control("the Hessian of the loss with beta halved (KL weight perturbed)",
                            partial(_theorem3_check, "equal", half_beta=True)),
        ),
        Claim(
            id="hessian.theorem3_distinct_sigma",
            title="Theorem 3 for any fixed diagonal Sigma (distinct sigma_i): the Hessian of Eq. 5 at 0 is PSD iff 0 "
                  "is the global minimum",
            ref=wz("Sec. 4.5", ("5",), "Theorem 3, extended"),
            statement=sp.Equivalent(sp.Symbol(r"\nabla^2 L_{VAE}(0) \succeq 0"), sp.Symbol(r"0 \in \arg\min L_{VAE}")),
            assumptions=("Sigma = diag(sigma_i^2) fixed, sigma_i distinct (and a few equal sigma != eta_enc)",
                         "Eq. 5 in (U, W)", "A possibly singular"),
            printed="the paper restricts to sigma_i = eta_enc",
            steps=(*thm3_steps,
                   Step(f"both directions on {len(origin_cases('distinct'))} cases ({gt_note}; ratio w.r.t. "
                        "sigma_min; orderings where Prop. 2's pairing predicts collapse)",
                        partial(_theorem3_check, "distinct"))),
            control=Control("the Hessian of the loss with beta halved (KL weight perturbed)",
                            partial(_theorem3_check, "distinct", half_beta=True)),
        ),
        Claim(
            id="hessian.prop2_origin_condition",
            title="Read off Proposition 2 (Eq. 8): 0 is the global minimum iff zeta_i <= sigma_i sqrt(kappa) for "
                  "every i <= d1",
            ref=wz("Sec. 4.1", ("8",), "Proposition 2 (complete collapse)"),
            statement=sp.Symbol(r"U^*=0 \iff \zeta_i \le \sigma_i\sqrt{\kappa}\ \forall i\le d_1"),
            assumptions=("Sigma = diag(sigma_i^2) fixed, sigma_i in the given order", "zeta_i = 0 for i > d*"),
            steps=(Step("exact smallest instance: the condition holds but the model's loss goes below L(0)",
                        _prop2_exact_counterexample),
                   Step("ground truth on the distinct-sigma campaign", partial(_condition_check, "distinct",
                                                                              "prop2"))),
            control=Control("with sigma_max: 'iff zeta_max <= sigma_max sqrt(kappa)'",
                            partial(_condition_check, "distinct", "sigma_max")),
            corrected="hessian.origin_condition",
        ),
        Claim(
            id="hessian.origin_condition",
            title="Corrected: 0 is the global minimum of Eq. 5 iff zeta_max <= sigma_min sqrt(kappa), i.e. iff the "
                  "smallest eigenvalue of the Hessian at 0 is >= 0",
            ref=wz("Sec. 4.1", ("8",), "Proposition 2 / Theorem 3, corrected"),
            statement=sp.Equivalent(sp.Symbol(r"0 \in \arg\min L_{VAE}"), sp.Le(zmax, smin * sp.sqrt(kappa))),
            assumptions=("Sigma = diag(sigma_i^2) fixed, any order", "equivalently Proposition 2 with the sigma_i "
                         "sorted non-decreasingly against the non-increasing zeta_i"),
            steps=(Step("the 2 x 2 form [[sigma^2, -zeta], [-zeta, kappa]] is PSD iff zeta <= sigma sqrt(kappa)",
                        _sign_identity),
                   Step("ground truth on the distinct-sigma campaign", partial(_condition_check, "distinct",
                                                                              "sigma_min")),
                   Step("ground truth on the sigma_i = eta_enc campaign", partial(_condition_check, "equal",
                                                                                 "sigma_min"))),
            control=Control("with sigma_max: 'iff zeta_max <= sigma_max sqrt(kappa)'",
                            partial(_condition_check, "distinct", "sigma_max")),
            corrects="hessian.prop2_origin_condition",
        ),
    ]
