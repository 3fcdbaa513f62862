"""Checks at explicit sizes: the gradient and Hessian of L in V (Eq. 73), V(U) (Eq. 74), the reduced objective
(Eq. 75-77) and the separation into modes (Eq. 81), expanded symbolically at every (d0, d1, d2) up to 3."""

from __future__ import annotations

from collections.abc import Callable

import symengine as se
import sympy as sp

from symbolic_vae._core.verdict import CheckResult, Counterexample, Status
from symbolic_vae._engine.campaigns import cached
from symbolic_vae._engine.identity import SizedIdentity, prove_at_sizes
from symbolic_vae._model.lvm import matrix_of_symbols
from symbolic_vae._model.polynomial import from_symengine
from symbolic_vae._papers.wz2022.global_minimum.checks_common import SIZES
from symbolic_vae._papers.wz2022.global_minimum.forms import J_PRINTED, KAPPA, objective, rect_diag, sigma, t, zeta


@cached
def _sized(size: tuple[int, int, int]) -> tuple[sp.Matrix, sp.Matrix, sp.Matrix, tuple[sp.Symbol, ...]]:
    d0, d1, d2 = size
    return (matrix_of_symbols("U", d2, d1, real=True), matrix_of_symbols("V", d0, d1, real=True),
            matrix_of_symbols("Z", d2, d0, real=True), sp.symbols(f"sigma0:{d1}", positive=True))


@cached
def _sized_loss(size: tuple[int, int, int]) -> sp.Expr:
    U, V, Z, sig = _sized(size)
    return sp.expand(objective(U, V, Z, sig))


@cached
def _half_gradient(size: tuple[int, int, int]) -> sp.Matrix:
    """(1/2) dL/dV, differentiated entry by entry (symengine; back in SymPy with the symbols' assumptions): [d0, d1]."""
    _, V, _, _ = _sized(size)
    loss = _sized_loss(size)
    loss_se = se.sympify(loss)
    half = se.DenseMatrix(V.rows, V.cols, [se.diff(loss_se, se.sympify(v)) / 2 for v in V])
    return sp.Matrix(from_symengine(half, loss.free_symbols))


def _inverse_parts(U: sp.Matrix) -> tuple[sp.Matrix, sp.Expr, sp.Matrix]:
    """K = U^T U + kappa I, adj(K) and det(K): K^{-1} = adj(K) / det(K)."""
    K = U.T * U + KAPPA * sp.eye(U.cols)
    return K, sp.expand(K.det(method="berkowitz")), K.adjugate()


def eq73_identity(size: tuple[int, int, int], *, sign: int = -1) -> SizedIdentity:
    """Eq. 73: (1/2) dL/dV = V U^T U - Z^T U + kappa V (``sign`` +1 is the control)."""
    U, V, Z, _ = _sized(size)
    return SizedIdentity(size, _half_gradient(size), V * U.T * U + sign * Z.T * U + KAPPA * V)


def _hessian_in_v(size: tuple[int, int, int]) -> SizedIdentity:
    """d^2 L / dV_ij dV_kl = 2 delta_ik (U^T U + kappa I)_jl: L is a strictly convex quadratic in V."""
    U, V, _, _ = _sized(size)
    grad = _half_gradient(size)
    K = U.T * U + KAPPA * sp.eye(U.cols)
    flat = [(i, j) for i in range(V.rows) for j in range(V.cols)]
    lhs = sp.Matrix(len(flat), len(flat), lambda a, b: 2 * sp.diff(grad[flat[a]], V[flat[b]]))
    rhs = sp.Matrix(len(flat), len(flat),
                    lambda a, b: 2 * K[flat[a][1], flat[b][1]] if flat[a][0] == flat[b][0] else 0)
    return SizedIdentity(size, lhs, rhs)


@cached
def _v_of_u_numerator(size: tuple[int, int, int]) -> tuple[sp.Matrix, sp.Expr, sp.Matrix]:
    """V(U) = Z^T U (kappa I + U^T U)^{-1} (Eq. 74) written as Vn / det(K) with Vn = Z^T U adj(K): (Vn, det, adj)."""
    U, _, Z, _ = _sized(size)
    _, det, adj = _inverse_parts(U)
    return Z.T * U * adj, det, adj


def _v_of_u_stationary(size: tuple[int, int, int]) -> SizedIdentity:
    """det(K) (1/2) dL/dV at V = V(U) is 0. The gradient is the differentiated one, affine in V:
    det grad(Vn / det) = grad(Vn) + (det - 1) grad(0)."""
    _, V, _, _ = _sized(size)
    grad = _half_gradient(size)
    Vn, det, _ = _v_of_u_numerator(size)
    at_zero = grad.xreplace(dict.fromkeys(V, 0))
    scaled = grad.xreplace(dict(zip(V, Vn, strict=True))) + (det - 1) * at_zero
    return SizedIdentity(size, scaled, sp.zeros(*grad.shape))


def _eq75(size: tuple[int, int, int]) -> SizedIdentity:
    """Eq. 75 (for every V): L = Tr[(U^T U + kappa I) V^T V - 2 U^T Z V] + Tr(U Sigma U^T) + ||Z||_F^2."""
    U, V, Z, sig = _sized(size)
    Sigma = sp.diag(*[s**2 for s in sig])
    rhs = (((U.T * U + KAPPA * sp.eye(U.cols)) * V.T * V - 2 * U.T * Z * V).trace() + (U * Sigma * U.T).trace()
           + sp.Add(*[e**2 for e in Z]))
    return SizedIdentity(size, _sized_loss(size), sp.expand(rhs))


def eq77_identity(size: tuple[int, int, int], *, sign: int = -1) -> SizedIdentity:
    """Eq. 76-77 times det(K)^2: L(U, V(U)) = Tr(U Sigma U^T) - Tr[U^T Z Z^T U K^{-1}] + ||Z||_F^2. With V = Vn/det,
    det^2 L(U, V) = ||U Vn^T - det Z||^2 + det^2 Tr(U Sigma U^T) + kappa ||Vn||^2 (each term of L rescaled)."""
    U, _, Z, sig = _sized(size)
    Vn, det, adj = _v_of_u_numerator(size)
    Sigma = sp.diag(*[s**2 for s in sig])
    sigma_term = (U * Sigma * U.T).trace()
    lhs = (sp.Add(*[e**2 for e in U * Vn.T - det * Z]) + det**2 * sigma_term
           + KAPPA * sp.Add(*[e**2 for e in Vn]))
    rhs = det**2 * sigma_term + sign * det * (U.T * Z * Z.T * U * adj).trace() + det**2 * sp.Add(*[e**2 for e in Z])
    return SizedIdentity(size, lhs, rhs)


def _mode_separation(size: tuple[int, int, int], *, mode: sp.Expr = J_PRINTED) -> SizedIdentity:
    """Eq. 81 at Q = F, P = I (Z = Sigma_Z, U = Lambda): L(U, V(U)) = ||Z||^2 + sum_i J(lambda_i^2; zeta_i, sigma_i),
    with zeta_i = 0 for i >= min(d0, d2); both sides times prod_i (kappa + lambda_i^2)."""
    d0, d1, d2 = size
    n_modes = min(d1, d2)
    lam = sp.symbols(f"lambda0:{n_modes}", real=True)
    zet = sp.symbols(f"zeta0:{min(d0, d2)}", nonnegative=True)
    sig = sp.symbols(f"sigma0:{d1}", positive=True)
    Lam, SZ = rect_diag(lam, d2, d1), rect_diag(zet, d2, d0)
    gamma = [KAPPA + (lam[k] ** 2 if k < n_modes else 0) for k in range(d1)]
    V = SZ.T * Lam * sp.diag(*[1 / g for g in gamma])
    denominator = sp.Mul(*gamma[:n_modes])
    modes = [mode.xreplace({t: lam[k] ** 2, zeta: zet[k] if k < len(zet) else 0, sigma: sig[k]})
             for k in range(n_modes)]
    lhs = sp.cancel(sp.together(objective(Lam, V, SZ, sig) * denominator))
    rhs = sp.cancel(sp.together((sp.Add(*[e**2 for e in zet]) + sp.Add(*modes)) * denominator))
    return SizedIdentity(size, sp.expand(lhs), sp.expand(rhs))


@cached
def at_sizes_check(name: str) -> CheckResult:
    builders: dict[str, tuple[Callable[[tuple[int, ...]], SizedIdentity], str]] = {
        "eq73": (eq73_identity,
                 r"$(1/2)\, \partial L/\partial V$ (differentiated) $= V U^\top U - Z^\top U + \kappa V$"),
        "v_of_u": (_v_of_u_stationary,
                   r"the derived gradient vanishes at $V = Z^\top U (\kappa I + U^\top U)^{-1}$"),
        "hessian": (_hessian_in_v, r"Hessian of $L$ in $V$ $= 2 (U^\top U + \kappa I) \otimes I$"),
        "eq75": (_eq75, r"$L = \mathrm{Tr}[(U^\top U + \kappa I) V^\top V - 2 U^\top Z V]"
                        r" + \mathrm{Tr}(U \Sigma U^\top) + \lVert Z\rVert^2$"),
        "eq77": (eq77_identity, r"$L(U, V(U)) = \mathrm{Tr}(U \Sigma U^\top) - \mathrm{Tr}[U^\top Z Z^\top U (\kappa I"
                                r" + U^\top U)^{-1}] + \lVert Z\rVert^2$"),
        "modes": (_mode_separation,
                  r"$L(\Lambda, V(\Lambda)) = \lVert Z\rVert^2 + \sum_i J_i(\lambda_i^2)$ (Eq. 81 summands)"),
    }
    build, what = builders[name]
    return prove_at_sizes(build, SIZES, what=what)


def kappa_positive_check() -> CheckResult:
    if KAPPA.is_positive:
        return CheckResult(Status.PROVED, "symbolic",
                           r"$\kappa = \beta\,\eta_{\mathrm{dec}}^2/\eta_{\mathrm{enc}}^2 > 0$, so "
                           r"$U^\top U + \kappa I$ is positive definite: $L$ is strictly convex in $V$ and $V(U)$ is "
                           "its unique minimizer")
    return CheckResult(Status.INCONCLUSIVE, "symbolic", r"positivity of $\kappa$ not established")




# --- the diagonal factors of Eq. 79-80 (App. E.2) -----------------------------------------------------------------
def _rotation(n: int) -> sp.Matrix:
    """A rational orthogonal n x n matrix that mixes the first two coordinates (the identity for n = 1)."""
    Q = sp.eye(n)
    if n >= 2:
        Q[:2, :2] = sp.Matrix([[sp.Rational(3, 5), -sp.Rational(4, 5)], [sp.Rational(4, 5), sp.Rational(3, 5)]])
    return Q


def diagonal_factors_identity(size: tuple[int, int, int], *, rotated: bool = False) -> SizedIdentity:
    """Lambda Gamma^{-1} Lambda^T, Lambda Gamma Lambda^T (Gamma = kappa I + Lambda^T Lambda) and Sigma_Z Sigma_Z^T,
    for rectangular diagonal Lambda [d2, d1] and Sigma_Z [d2, d0], side by side, equal their diagonal parts (each
    d2 x d2). ``rotated``: Q Lambda Gamma^{-1} Lambda^T Q^T in the first place, Q a rotation (a control)."""
    d0, d1, d2 = size
    lam = sp.symbols(f"lambda0:{min(d1, d2)}", real=True)
    zet = sp.symbols(f"zeta0:{min(d0, d2)}", nonnegative=True)
    Lam, SZ = rect_diag(lam, d2, d1), rect_diag(zet, d2, d0)
    gamma = KAPPA * sp.eye(d1) + Lam.T * Lam
    inverse = Lam * sp.diag(*[1 / gamma[k, k] for k in range(d1)]) * Lam.T
    assert gamma == sp.diag(*[gamma[k, k] for k in range(d1)])  # Gamma is diagonal, so its inverse is
    if rotated:
        inverse = _rotation(d2) * inverse * _rotation(d2).T
    factors = [inverse.applyfunc(sp.cancel), Lam * gamma * Lam.T, SZ * SZ.T]
    assert all(f.shape == (d2, d2) for f in factors)
    lhs = sp.Matrix.hstack(*factors)
    rhs = sp.Matrix.hstack(*[sp.diag(*[f[k, k] for k in range(d2)]) for f in factors])
    return SizedIdentity(size, lhs, rhs)


def sigma_z_nonzero_check(exactly_min: bool = False) -> CheckResult:
    """For an integer Z [d2, d0] of each rank r <= min(d0, d2) at every (d0, d2) up to 3: the non-zero singular values
    of Z (the non-zero diagonal of Sigma_Z) number rank(Z) <= min(d0, d2), counted exactly as d2 minus the
    multiplicity of 0 as a root of det(mu I - Z Z^T). ``exactly_min``: the count stated to be min(d0, d2) (a
    control)."""
    import random

    rng = random.Random(20221128)
    mu = sp.Symbol("mu")
    n = 0
    for d0, d2 in sorted({(d0, d2) for d0, _, d2 in SIZES}):
        for r in range(min(d0, d2) + 1):
            while True:
                Z = (sp.Matrix(d2, r, lambda *_: rng.randint(-3, 3)) * sp.Matrix(r, d0, lambda *_: rng.randint(-3, 3))
                     if r else sp.zeros(d2, d0))
                if Z.rank() == r:
                    break
            char = sp.Poly((Z * Z.T).charpoly(mu).as_expr(), mu)
            zero_multiplicity = next(k for k, c in enumerate(reversed(char.all_coeffs())) if c != 0)
            count = d2 - zero_multiplicity
            stated = min(d0, d2) if exactly_min else r
            n += 1
            if count != stated or count > min(d0, d2):
                return CheckResult(
                    Status.REFUTED, "exact counterexample",
                    f"Z of size {d2} x {d0} and rank {r} has {count} non-zero singular values, {stated} stated",
                    {}, Counterexample({"size (d0, d2)": str((d0, d2)), "Z": str(Z.tolist()), "rank": str(r)},
                                       str(count), str(stated), 30, note="lhs: non-zero singular values of Z "
                                       "(exact, from the characteristic polynomial of Z Z^T); rhs: the stated count",
                                       gap=str(abs(count - stated)), tolerance="0.5"))
    return CheckResult(Status.PROVED_AT_SIZES, "exact at explicit sizes",
                       rf"{n} integer $Z$, one of each rank at each $(d_0, d_2)$ up to 3: $\Sigma_Z$ has "
                       r"$\mathrm{rank}(Z) \le \min(d_0, d_2)$ non-zero diagonal entries", {"instances": n})
