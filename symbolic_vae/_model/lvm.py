"""The general linear latent variable model of the problem setting, and its loss built from the Gaussian rules.

Encoder q(z|x) = N(W^T x + b_e, Sigma) with Sigma = diag(sigma_i^2) (or sigma(x) = |C x + f|), decoder
p(y|z) = N(U z + b_d, eta_dec^2 I), prior p(z) = N(0, eta_enc^2 I), and the loss
E_x[ -E_q log p(y|z) + beta KL(q(z|x) || p(z)) ].  Nothing of the closed forms is typed in: the loss comes from
``gaussian_log_density``, ``expect_over_noise`` and ``kl_diagonal_gaussians``, then from replacing data monomials
by their moments (A = E[x x^T], B = E[x y^T], S_yy = E[y y^T], E[x], E[y]).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

import sympy as sp

from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._model.gaussian import expect_over_noise, gaussian_log_density, kl_diagonal_gaussians
from symbolic_vae._model.polynomial import expand_polynomial, sum_over_monomials

beta, eta_enc, eta_dec = sp.symbols("beta eta_enc eta_dec", positive=True)


class _SharedByEqualModels(property):
    """A read-only property computed once per process for every equal model (same sizes and options): equal models
    have the same symbols, and the expressions are immutable. ``cache_clear`` empties it (mutation testing does)."""

    def __init__(self, method: Callable[[LinearLVM], sp.Expr]) -> None:
        shared = functools.cache(method)
        super().__init__(shared)
        self.__doc__ = method.__doc__
        self.cache_clear = shared.cache_clear
        self.__wrapped__ = method


def matrix_of_symbols(name: str, rows: int, cols: int, **assumptions: bool) -> sp.Matrix:
    """A rows x cols matrix of fresh scalar symbols ``name_i_j``."""
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{i}_{j}", **assumptions))


def symmetric_matrix_of_symbols(name: str, size: int) -> sp.Matrix:
    """A size x size symmetric matrix of real symbols ``name_i_j`` (i <= j)."""
    return sp.Matrix(size, size, lambda i, j: sp.Symbol(f"{name}_{min(i, j)}_{max(i, j)}", real=True))


@dataclass(frozen=True)
class DataMoments:
    """Symbols for the data moments: A [D0, D0] = E[x x^T], B [D0, d2] = E[x y^T], S_yy [d2, d2] = E[y y^T],
    mean_x [D0], mean_y [d2]."""

    A: sp.Matrix
    B: sp.Matrix
    S_yy: sp.Matrix
    mean_x: sp.Matrix
    mean_y: sp.Matrix

    @classmethod
    def symbols(cls, input_dim: int, target_dim: int) -> DataMoments:
        return cls(symmetric_matrix_of_symbols("A", input_dim), matrix_of_symbols("B", input_dim, target_dim,
                                                                                 real=True),
                   symmetric_matrix_of_symbols("S", target_dim), matrix_of_symbols("mx", input_dim, 1, real=True),
                   matrix_of_symbols("my", target_dim, 1, real=True))


def expect_over_data(expr: sp.Expr, x: Sequence[sp.Symbol], y: Sequence[sp.Symbol], moments: DataMoments) -> sp.Expr:
    """E over the data of a polynomial of degree <= 2 in (x, y), by linearity: each monomial becomes a moment.

    The monomials are collected and summed by ``sum_over_monomials`` (symengine when it can hold ``expr``, else
    SymPy)."""
    nx = len(x)

    def moment(powers: tuple[int, ...]) -> sp.Expr:
        idx = [i for i, k in enumerate(powers) for _ in range(k)]
        if len(idx) > 2:
            raise SymbolicVAEError(f"expr: degree {len(idx)} in the data needs moments beyond the second")
        return _moment(idx, nx, moments)

    return sum_over_monomials(expr, (*x, *y), moment)


def _moment(idx: list[int], nx: int, m: DataMoments) -> sp.Expr:
    if not idx:
        return sp.Integer(1)
    if len(idx) == 1:
        i = idx[0]
        return m.mean_x[i] if i < nx else m.mean_y[i - nx]
    i, j = sorted(idx)
    if j < nx:
        return m.A[i, j]
    if i < nx:
        return m.B[i, j - nx]
    return m.S_yy[i - nx, j - nx]


@dataclass(frozen=True)
class LinearLVM:
    """The linear latent variable model at explicit sizes: x in R^input_dim, z in R^latent_dim, y in R^target_dim.

    Options: learnable ``biases`` (b_e, b_d); a ``data_dependent_std`` sigma(x) = |C x + f|; and
    ``decoder_partition`` keeps the decoder's log-partition (d2/2) log(2 pi eta_dec^2), which a learnable
    eta_dec needs.
    """

    input_dim: int
    latent_dim: int
    target_dim: int
    biases: bool = False
    data_dependent_std: bool = False
    decoder_partition: bool = True

    def __post_init__(self) -> None:
        for name in ("input_dim", "latent_dim", "target_dim"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise SymbolicVAEError(f"{name}: expected a positive integer, got {value!r}")

    # --- symbols -------------------------------------------------------------------------------------------
    @cached_property
    def U(self) -> sp.Matrix:
        return matrix_of_symbols("U", self.target_dim, self.latent_dim, real=True)

    @cached_property
    def W(self) -> sp.Matrix:
        return matrix_of_symbols("W", self.input_dim, self.latent_dim, real=True)

    @cached_property
    def sigma(self) -> tuple[sp.Symbol, ...]:
        return sp.symbols(f"sigma0:{self.latent_dim}", positive=True)

    @cached_property
    def x(self) -> sp.Matrix:
        return sp.Matrix(sp.symbols(f"x0:{self.input_dim}", real=True))

    @cached_property
    def y(self) -> sp.Matrix:
        return sp.Matrix(sp.symbols(f"y0:{self.target_dim}", real=True))

    @cached_property
    def eps(self) -> tuple[sp.Symbol, ...]:
        return sp.symbols(f"epsilon0:{self.latent_dim}", real=True)

    @cached_property
    def b_e(self) -> sp.Matrix:
        return matrix_of_symbols("be", self.latent_dim, 1, real=True)

    @cached_property
    def b_d(self) -> sp.Matrix:
        return matrix_of_symbols("bd", self.target_dim, 1, real=True)

    @cached_property
    def C(self) -> sp.Matrix:
        return matrix_of_symbols("C", self.latent_dim, self.input_dim, real=True)

    @cached_property
    def f(self) -> sp.Matrix:
        return matrix_of_symbols("f", self.latent_dim, 1, real=True)

    @cached_property
    def moments(self) -> DataMoments:
        return DataMoments.symbols(self.input_dim, self.target_dim)

    @property
    def Sigma(self) -> sp.Matrix:
        """The encoder covariance diag(sigma_i^2) [d1, d1] (data-independent case)."""
        return sp.diag(*[s**2 for s in self.sigma])

    def parameters(self) -> list[sp.Symbol]:
        """Every learnable scalar of this model (U, W, Sigma or (C, f), and the biases)."""
        params = [*self.U, *self.W]
        params += [*self.C, *self.f] if self.data_dependent_std else list(self.sigma)
        if self.biases:
            params += [*self.b_e, *self.b_d]
        return params

    # --- the loss from the Gaussian rules -----------------------------------------------------------------
    def encoder_mean(self) -> sp.Matrix:
        """W^T x (+ b_e), shape [d1, 1]."""
        mean = self.W.T * self.x
        return mean + self.b_e if self.biases else mean

    def encoder_variances(self) -> list[sp.Expr]:
        """The d1 encoder variances: sigma_i^2, or (C_i x + f_i)^2 = |C_i x + f_i|^2 when data dependent."""
        if self.data_dependent_std:
            return [sp.expand((self.C[i, :] * self.x)[0] + self.f[i]) ** 2 for i in range(self.latent_dim)]
        return [s**2 for s in self.sigma]

    def decoder_mean(self, z: sp.Matrix) -> sp.Matrix:
        """U z (+ b_d), shape [d2, 1]."""
        mean = self.U * z
        return mean + self.b_d if self.biases else mean

    @_SharedByEqualModels
    def reconstruction_term(self) -> sp.Expr:
        """E_{eps}[-log p(y | z)] for one (x, y), z = encoder mean + eps, eps ~ N(0, diag(encoder variances))."""
        z = self.encoder_mean() + sp.Matrix(self.eps)
        neg_log_lik = -gaussian_log_density(list(self.y), list(self.decoder_mean(z)), [eta_dec**2] * self.target_dim)
        if not self.decoder_partition:
            neg_log_lik -= sp.Rational(self.target_dim, 2) * sp.log(2 * sp.pi * eta_dec**2)
        expanded = expand_polynomial(sp.expand_log(neg_log_lik, force=True))
        noisy = sp.Add(*[t for t in expanded.args if t.has(*self.eps)]) if expanded.is_Add else expanded
        return expand_polynomial(expanded - noisy + expect_over_noise(noisy, self.eps, self.encoder_variances()))

    @_SharedByEqualModels
    def kl_term(self) -> sp.Expr:
        """KL(q(z|x) || p(z)) for one x, from the definition of the KL divergence."""
        d1 = self.latent_dim
        return expand_polynomial(kl_diagonal_gaussians(list(self.encoder_mean()), self.encoder_variances(), [0] * d1,
                                               [eta_enc**2] * d1))

    @_SharedByEqualModels
    def per_sample_loss(self) -> sp.Expr:
        """-E_q log p(y|z) + beta KL(q(z|x) || p(z)) for one data point (x, y): Eq. 3 before E_x."""
        return expand_polynomial(self.reconstruction_term + beta * self.kl_term)

    def expected_loss(self, moments: DataMoments | None = None) -> sp.Expr:
        """The loss averaged over the data, in terms of the data moments (data-independent variance only)."""
        if self.data_dependent_std:
            raise SymbolicVAEError("data_dependent_std: E_x log sigma(x)^2 has no moment form; use dataset_loss")
        if moments is None:
            return self._expected_loss_in_own_moments
        return expect_over_data(self.per_sample_loss, list(self.x), list(self.y), moments)

    @_SharedByEqualModels
    def _expected_loss_in_own_moments(self) -> sp.Expr:
        """``expected_loss`` in the symbols of ``self.moments``."""
        return expect_over_data(self.per_sample_loss, list(self.x), list(self.y), self.moments)

    def dataset_loss(self, X: sp.Matrix, Y: sp.Matrix) -> sp.Expr:
        """The loss averaged exactly over a concrete dataset: X [n, input_dim], Y [n, target_dim]."""
        X, Y = sp.Matrix(X), sp.Matrix(Y)
        if X.shape[1] != self.input_dim or Y.shape[1] != self.target_dim or X.shape[0] != Y.shape[0]:
            raise SymbolicVAEError(f"X/Y: shapes {X.shape}/{Y.shape} do not fit input_dim={self.input_dim}, "
                                   f"target_dim={self.target_dim} with equal row counts")
        if X.shape[0] == 0:
            raise SymbolicVAEError("X: the dataset has no rows")
        rows = [self.per_sample_loss.xreplace({**dict(zip(self.x, X.row(n), strict=True)),
                                               **dict(zip(self.y, Y.row(n), strict=True))})
                for n in range(X.shape[0])]
        return sp.Add(*rows) / X.shape[0]


@dataclass(frozen=True)
class TraceForm:
    """The loss in general trace form, in matrix symbols U [d2,d1], W [D0,d1], Sigma [d1,d1] (diagonal),
    A [D0,D0], B [D0,d2], S_yy [d2,d2] and the scalars beta, eta_enc, eta_dec."""

    expr: sp.Expr
    U: sp.MatrixSymbol
    W: sp.MatrixSymbol
    Sigma: sp.MatrixSymbol
    A: sp.MatrixSymbol
    B: sp.MatrixSymbol
    S_yy: sp.MatrixSymbol

    def at(self, model: LinearLVM) -> sp.Expr:
        """The trace form with the explicit matrices of ``model`` substituted (sizes must agree)."""
        if (self.W.shape[0], self.U.shape[1], self.U.shape[0]) != (model.input_dim, model.latent_dim,
                                                                    model.target_dim):
            raise SymbolicVAEError(f"model: sizes {(model.input_dim, model.latent_dim, model.target_dim)} do not "
                                   f"match the trace form's {(self.W.shape[0], self.U.shape[1], self.U.shape[0])}")
        m = model.moments
        sub = {self.U: sp.ImmutableMatrix(model.U), self.W: sp.ImmutableMatrix(model.W),
               self.Sigma: sp.ImmutableMatrix(model.Sigma), self.A: sp.ImmutableMatrix(m.A),
               self.B: sp.ImmutableMatrix(m.B), self.S_yy: sp.ImmutableMatrix(m.S_yy)}
        return sp.expand(sp.expand_log(self.expr.xreplace(sub).doit(), force=True))


def trace_form(input_dim: int, latent_dim: int, target_dim: int, *, decoder_partition: bool = True) -> TraceForm:
    """The model's loss for general sizes, from the same rules written for matrices:
    E_eps (a + M eps)^T (a + M eps) = a^T a + Tr(M Sigma M^T) and E_x x^T K x = Tr(K A)."""
    U = sp.MatrixSymbol("U", target_dim, latent_dim)
    W = sp.MatrixSymbol("W", input_dim, latent_dim)
    Sigma = sp.MatrixSymbol("Sigma", latent_dim, latent_dim)
    A = sp.MatrixSymbol("A", input_dim, input_dim)
    B = sp.MatrixSymbol("B", input_dim, target_dim)
    S_yy = sp.MatrixSymbol("S_yy", target_dim, target_dim)
    tr = sp.Trace
    reconstruction = (tr(U * W.T * A * W * U.T) - 2 * tr(U * W.T * B) + tr(S_yy) + tr(U * Sigma * U.T)) / (
        2 * eta_dec**2)
    kl_mean = beta * tr(W.T * A * W) / (2 * eta_enc**2)
    kl_var = beta / 2 * (tr(Sigma) / eta_enc**2 - latent_dim - sp.log(sp.Determinant(Sigma))
                         + latent_dim * sp.log(eta_enc**2))
    expr = reconstruction + kl_mean + kl_var
    if decoder_partition:
        expr += sp.Rational(target_dim, 2) * sp.log(2 * sp.pi * eta_dec**2)
    return TraceForm(expr, U, W, Sigma, A, B, S_yy)
