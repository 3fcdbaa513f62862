"""The expressions of Sec. 4.5 / App. E.5: L(U, V) of Eq. 6 at explicit sizes and its derivatives (symengine), the
printed Eq. 101-118 as SymPy builders, the smallest-eigenvalue closed form, H(0) in numpy, and the model's loss
(Eq. 5) with its Hessian at the origin; the symbols of this section."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import symengine as se
import sympy as sp

from symbolic_vae._engine.campaigns import cached
from symbolic_vae._model.lvm import LinearLVM, beta, eta_dec, eta_enc, matrix_of_symbols
from symbolic_vae._model.polynomial import from_symengine

REFERENCES = {
    "derivatives": "the gradient and Hessian of L(U, V) by differentiation: the reference Eq. 101-110 are compared "
                   "with",
    "model_loss": "the model's loss (Eq. 5) from the Gaussian rules: the reference the origin results are checked on",
    "model_origin_hessian": "the Hessian at 0 of the model's loss by differentiation: a reference",
}
"""The objects of this module that are references, not formulas under test (mutation testing leaves them out)."""

kappa = sp.Symbol("kappa", positive=True)
s_sym = sp.Symbol("sigma", positive=True)
s2_sym = sp.Symbol("sigma2", positive=True)
zeta = sp.Symbol("zeta", nonnegative=True)
alpha = sp.Symbol("alpha", positive=True)


# =====================================================================================================
# L(U, V) at explicit sizes and its derivatives (symengine)
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

    def loss(self) -> se.Basic:
        """Eq. 6, expanded in symengine: ||U V^T - Z||_F^2 + Tr(U Sigma U^T) + kappa ||V||_F^2."""
        U, V, Z = (se.DenseMatrix(M) for M in (self.U, self.V, self.Z))
        R = U * V.T - Z
        Sigma = se.diag(*[se.sympify(s) ** 2 for s in self.sigma])
        return se.expand(sum(e**2 for e in R) + (U * Sigma * U.T).trace() + se.sympify(kappa) * sum(e**2 for e in V))


@cached
def factorization(size: tuple[int, int, int]) -> Factorization:
    d0, d1, d2 = size
    return Factorization(size, matrix_of_symbols("U", d2, d1, real=True), matrix_of_symbols("V", d0, d1, real=True),
                         matrix_of_symbols("Z", d2, d0, real=True), sp.symbols(f"sigma0:{d1}", positive=True),
                         matrix_of_symbols("dU", d2, d1, real=True), matrix_of_symbols("dV", d0, d1, real=True))


@functools.cache  # computed faster than stored and read back
def derivatives(size: tuple[int, int, int]) -> tuple[sp.Matrix, sp.Matrix]:
    """Gradient [P, 1] and Hessian [P, P] of L(U, V) in (vec U, vec V), by differentiating L (symengine)."""
    f = factorization(size)
    L = f.loss()
    xs = [se.sympify(x) for x in f.params()]
    grad = [se.diff(L, x) for x in xs]
    hess = se.DenseMatrix([[se.diff(g, x) for x in xs] for g in grad])
    syms = f.all_symbols()
    return from_symengine(se.DenseMatrix(grad), syms), from_symengine(hess, syms)


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


Entry = Callable[[int, int, int, int], sp.Expr]
"""d^2 L / dx_i dx_j of one block, from the indices (p, q) of x_i and (r, s) of x_j."""


def _index_form(f: Factorization, blocks: dict[tuple[str, str], Entry]) -> sp.Matrix:
    """The [P, P] matrix whose entry (i, j), x_i = ka[p, q], x_j = kb[r, s] in ``params`` order, is
    ``blocks[ka, kb](p, q, r, s)`` (ka, kb in "U", "V")."""
    idx = f.index()
    H = sp.zeros(len(idx), len(idx))
    for i, (ka, p, q) in enumerate(idx):
        for j, (kb, r, s) in enumerate(idx):
            H[i, j] = blocks[ka, kb](p, q, r, s)
    return H


def printed_hessian(size: tuple[int, int, int], *, swap_indices: bool = False) -> sp.Matrix:
    """Eq. 103-106 as an explicit [P, P] matrix, entry (i, j) = d^2 L / dx_i dx_j in ``params`` order.

    ``swap_indices`` replaces U_ps V_rq by U_pq V_rs in Eq. 104 (and V_ps U_rq by V_pq U_rs in Eq. 105): the
    negative control, which agrees with the truth whenever d1 = 1.
    """
    f = factorization(size)
    d0, d1, d2 = size
    U, V, Z, sig = f.U, f.V, f.Z, f.sigma

    def uu(p: int, q: int, r: int, s: int) -> sp.Expr:  # Eq. 103: d^2 L / dU_rs dU_pq
        return 2 * _delta(p, r) * (sum((V[k, s] * V[k, q] for k in range(d0)), sp.Integer(0))
                                   + _delta(q, s) * sig[q] ** 2)

    def uv(p: int, q: int, r: int, s: int) -> sp.Expr:  # Eq. 104: d^2 L / dV_rs dU_pq
        lead = U[p, q] * V[r, s] if swap_indices else U[p, s] * V[r, q]
        inner = sum((U[p, jj] * V[r, jj] for jj in range(d1)), sp.Integer(0)) - Z[p, r]
        return 2 * (lead + inner * _delta(q, s))

    def vu(p: int, q: int, r: int, s: int) -> sp.Expr:  # Eq. 105: d^2 L / dU_rs dV_pq
        lead = V[p, q] * U[r, s] if swap_indices else V[p, s] * U[r, q]
        inner = sum((U[r, jj] * V[p, jj] for jj in range(d1)), sp.Integer(0)) - Z[r, p]
        return 2 * (lead + inner * _delta(q, s))

    def vv(p: int, q: int, r: int, s: int) -> sp.Expr:  # Eq. 106: d^2 L / dV_rs dV_pq
        return 2 * _delta(p, r) * (sum((U[ii, s] * U[ii, q] for ii in range(d2)), sp.Integer(0))
                                   + kappa * _delta(q, s))

    return _index_form(f, {("U", "U"): uu, ("U", "V"): uv, ("V", "U"): vu, ("V", "V"): vv})


def printed_origin_hessian(size: tuple[int, int, int], *, z_sign: int = -1) -> sp.Matrix:
    """Eq. 107-110 as an explicit [P, P] matrix (``z_sign`` = +1 flips the sign of Eq. 108-109: control)."""
    f = factorization(size)
    return _index_form(f, {
        ("U", "U"): lambda p, q, r, s: 2 * _delta(p, r) * _delta(q, s) * f.sigma[q] ** 2,
        ("U", "V"): lambda p, q, r, s: z_sign * 2 * f.Z[p, r] * _delta(q, s),
        ("V", "U"): lambda p, q, r, s: z_sign * 2 * f.Z[r, p] * _delta(q, s),
        ("V", "V"): lambda p, q, r, s: 2 * kappa * _delta(p, r) * _delta(q, s),
    })


def quadratic_form(size: tuple[int, int, int], Sigma: sp.Matrix | None = None) -> sp.Expr:
    """LQ(dU, dV) = Delta^T H(0) Delta with the derived Hessian (Eq. 111-112), expanded in symengine; ``Sigma``
    replaces diag(sigma^2)."""
    f = factorization(size)
    H0 = derivatives(size)[1].xreplace(_origin(f))
    if Sigma is not None:
        H0 = H0.xreplace(dict(zip(f.sigma, [sp.sqrt(Sigma[q, q]) for q in range(size[1])], strict=True)))
    delta = se.DenseMatrix([*f.dU, *f.dV])
    return from_symengine(se.expand((delta.T * se.DenseMatrix(H0) * delta)[0]), [*f.all_symbols(), s_sym])


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


def printed_eq115(size: tuple[int, int, int], sigma: sp.Expr = s_sym) -> sp.Expr:
    """Eq. 115 in the perturbation: sigma^2 ||dU||^2 - 2 Tr(Z dV dU^T) + kappa ||dV||^2."""
    f = factorization(size)
    dU, dV = f.dU, f.dV
    return sp.expand(sigma**2 * (dU.T * dU).trace() - 2 * (f.Z * dV * dU.T).trace() + kappa * (dV.T * dV).trace())



# =====================================================================================================
# Eq. 117-118 in general symbols, and the smallest eigenvalue of H(0)
# =====================================================================================================
LAM_MIN = (s2_sym + kappa - sp.sqrt((s2_sym - kappa) ** 2 + 4 * zeta**2)) / 2  # smallest eigenvalue of M
EQ118 = s2_sym + kappa - sp.sqrt((s2_sym - kappa) ** 2 + 4 * zeta**2)  # the printed right-hand side


# The closed-form conditions for the origin to be the global minimum, on one case's exact zeta, sigma^2 and kappa
zeta_max = sp.Symbol("zeta_max", nonnegative=True)
sigma2_min = sp.Symbol("sigma2_min", positive=True)
sigma2_max = sp.Symbol("sigma2_max", positive=True)
ORIGIN_CONDITION = sp.Le(zeta_max**2, sigma2_min * kappa)
"""Corrected Prop. 2 / Theorem 3: 0 is the global minimum iff zeta_max <= sigma_min sqrt(kappa) (squared)."""
ORIGIN_CONDITION_SIGMA_MAX = sp.Le(zeta_max**2, sigma2_max * kappa)
"""The same with sigma_max: a perturbed condition (the negative control)."""
PROP2_MODE_CONDITION = sp.Le(zeta**2, s2_sym * kappa)
"""Mode i of Prop. 2's pairing collapses: zeta_i <= sigma_i sqrt(kappa) (squared); the origin, when every i <= d1
does."""


def eq117(a: sp.Expr = alpha) -> sp.Expr:
    """Eq. 117 with sigma^2 -> sigma2: sigma2 a^2 - 2 sqrt(a^2 (1 - a^2)) zeta + kappa (1 - a^2)."""
    return s2_sym * a**2 - 2 * sp.sqrt(a**2 * (1 - a**2)) * zeta + kappa * (1 - a**2)



def min_eigenvalue_expr(s2min: sp.Expr = s2_sym, zmax: sp.Expr = zeta, kap: sp.Expr = kappa) -> sp.Expr:
    """sigma_min^2 + kappa - sqrt((sigma_min^2 - kappa)^2 + 4 zeta_max^2): smallest eigenvalue of H(0) of L."""
    return s2min + kap - sp.sqrt((s2min - kap) ** 2 + 4 * zmax**2)



def printed_hessian_numeric(U: np.ndarray, V: np.ndarray, Z: np.ndarray, sig2: np.ndarray, kap: float
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



def origin_hessian_numeric(Z: np.ndarray, sig2: np.ndarray, kap: float) -> np.ndarray:
    """H(0) of L(U, V) from Eq. 107-110 (proved at sizes): [P, P] for Z [d2, d0], sig2 [d1]."""
    d2, d0 = Z.shape
    d1 = sig2.shape[0]
    return printed_hessian_numeric(np.zeros((d2, d1)), np.zeros((d0, d1)), Z, sig2, kap)



# =====================================================================================================
# The model's loss (Eq. 5) and its Hessian at the origin
# =====================================================================================================
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

