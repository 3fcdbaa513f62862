"""Derivation: a data-dependent encoder standard deviation sigma(x) = |C x + f| (App. C, Eq. 26-42, Lemma 1,
Proposition 5).

The loss is the model's own (``LinearLVM(..., data_dependent_std=True)``). Its per-sample form contains
log|C_i x + f_i| = (1/2) log sigma_i^2(x), which has no moment form: for the explicit-size proofs, that log is
written as the symbol ``logsigma2_i`` (it enters the per-sample loss linearly, with a coefficient free of the
data), and its average over the data as the opaque symbol ``Elogsigma2_i``; every other data dependence is a
polynomial of degree 2, averaged by the moment rule. On datasets, every side is evaluated exactly and then at
30 and 60 digits, so a difference found there is a counterexample on real data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import partial

import numpy as np
import sympy as sp

from symbolic_vae._core.claim import Claim, Control, PaperRef, Step
from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._core.verdict import CheckResult, Status
from symbolic_vae._engine.campaigns import cached
from symbolic_vae._engine.dataset_checks import (
    Dataset,
    dataset_moments,
    describe_params,
    draw_rationals,
    draw_scalars,
    exact_matrix,
    integer_datasets,
    largest_entry,
    moment_values,
    nonzero_mean_datasets,
    on_datasets,
    param_rng,
)
from symbolic_vae._engine.identity import SizedIdentity, all_sizes, prove_at_sizes, prove_identity
from symbolic_vae._model.gaussian import expect_over_noise
from symbolic_vae._model.lvm import DataMoments, LinearLVM, beta, eta_dec, eta_enc, expect_over_data

KAPPA = beta * eta_dec**2 / eta_enc**2
SIZES = all_sizes(3)  # every (D0, d1, d2) up to 3
SIZES_2 = all_sizes(3, dims=2)  # every (D0, d1) up to 3, for statements that do not involve y


def log_sigma2(i: int) -> sp.Symbol:
    """log sigma_i(x)^2 at one data point."""
    return sp.Symbol(f"logsigma2_{i}", real=True)


def mean_log_sigma2(i: int) -> sp.Symbol:
    """E_x log sigma_i(x)^2 (no moment form; kept as a symbol)."""
    return sp.Symbol(f"Elogsigma2_{i}", real=True)


def fprime_square(i: int) -> sp.Symbol:
    """(f'_i)^2 of Lemma 1 while it is kept symbolic (positive)."""
    return sp.Symbol(f"Mfp_{i}", positive=True)


# =====================================================================================================
# The model's loss, tidied
# =====================================================================================================
@cached
def ddv_model(size: tuple[int, int, int]) -> LinearLVM:
    return LinearLVM(*size, data_dependent_std=True)


def std_arguments(model: LinearLVM) -> list[sp.Expr]:
    """u_i(x) = C_i x + f_i, so that sigma_i(x) = |u_i(x)|."""
    return [sp.expand((model.C[i, :] * model.x)[0] + model.f[i]) for i in range(model.latent_dim)]


_PARAMETER_SCALARS = {beta, eta_enc, eta_dec}


def tidy(expr: sp.Expr, std_args: Sequence[sp.Expr] | None = None) -> sp.Expr:
    """Combine the fractions that share a data-dependent denominator (the KL's E_q (z - m)^2 / (2 sigma^2) terms,
    expanded apart by the model) and, when ``std_args`` is given, write log|u_i| as logsigma2_i / 2."""
    groups: dict[sp.Expr, sp.Expr] = {}
    rest = []
    for term in sp.Add.make_args(sp.expand(expr)):
        num, den = sp.fraction(term)
        if den.free_symbols - _PARAMETER_SCALARS:
            groups[den] = groups.get(den, sp.Integer(0)) + num
        else:
            rest.append(term)
    out = sp.Add(*rest) + sp.Add(*[sp.cancel(n / d) for d, n in groups.items()])
    if std_args is not None:
        logs = {}
        for atom in out.atoms(sp.log):
            arg = atom.args[0]
            inner = arg.args[0] if isinstance(arg, sp.Abs) else arg
            for i, u in enumerate(std_args):
                if sp.expand(inner - u) == 0 or sp.expand(inner + u) == 0:
                    logs[atom] = log_sigma2(i) / 2
        out = out.xreplace(logs)
    return sp.expand(out)


@cached
def per_sample(size: tuple[int, int, int]) -> sp.Expr:
    """The model's per-sample loss, with log|C_i x + f_i| written as logsigma2_i / 2."""
    model = ddv_model(size)
    return tidy(model.per_sample_loss, std_arguments(model))


def expect_with_logs(expr: sp.Expr, model: LinearLVM, moments: DataMoments) -> sp.Expr:
    """E over the data of a per-sample expression: polynomial part by the moment rule; each logsigma2_i must
    enter linearly with a coefficient free of the data, and becomes Elogsigma2_i."""
    data = set(model.x) | set(model.y)
    for i in range(model.latent_dim):
        coeff = sp.diff(expr, log_sigma2(i))
        if coeff.free_symbols & (data | {log_sigma2(j) for j in range(model.latent_dim)}):
            raise SymbolicVAEError(f"expr: log sigma_{i}^2 enters with the data-dependent coefficient {coeff}")
    out = expect_over_data(expr, list(model.x), list(model.y), moments)
    return out.xreplace({log_sigma2(i): mean_log_sigma2(i) for i in range(model.latent_dim)})


def zero_mean(moments: DataMoments) -> dict[sp.Symbol, sp.Expr]:
    return dict.fromkeys(moments.mean_x, sp.Integer(0))


@cached
def expected_loss(size: tuple[int, int, int]) -> sp.Expr:
    """E_x of the model's loss (general E[x]) in moments and Elogsigma2_i."""
    model = ddv_model(size)
    return expect_with_logs(per_sample(size), model, model.moments)


@cached
def expected_variances(size: tuple[int, ...]) -> tuple[sp.Expr, ...]:
    """E_x sigma_i(x)^2 derived by the moment rule from the model's encoder variances (general E[x])."""
    model = ddv_model((*size[:2], 1) if len(size) == 2 else size)
    return tuple(expect_over_data(v, list(model.x), list(model.y), model.moments)
                 for v in model.encoder_variances())


def printed_eq31(model: LinearLVM, moments: DataMoments, *, cross: sp.Expr = 0) -> list[sp.Expr]:
    """Eq. 31: f_i^2 + C_i A C_i^T (``cross`` times f_i C_i mu_x added: 2 is the general form, 1 the paper's
    sentence after Eq. 33)."""
    C, f, A, mx = model.C, model.f, moments.A, moments.mean_x
    return [sp.expand(f[i] ** 2 + cross * f[i] * (C[i, :] * mx)[0] + (C[i, :] * A * C[i, :].T)[0])
            for i in range(model.latent_dim)]


def _expect_unit_noise(expr_of: Callable[[sp.Matrix], sp.Expr], model: LinearLVM) -> sp.Expr:
    """E over eps ~ N(0, I_{d1}) (the Gaussian moment rule) of ``expr_of(diag(s))``, with sigma_i(x) held as a
    placeholder s_i (it does not depend on eps) and then put back as |C_i x + f_i|."""
    s = sp.symbols(f"s0:{model.latent_dim}", positive=True)
    noise, rest = sp.Integer(0), sp.Integer(0)
    for term in sp.Add.make_args(sp.expand(expr_of(sp.diag(*s)))):  # linearity: only eps terms need the rule
        if term.has(*model.eps):
            noise += term
        else:
            rest += term
    out = rest + expect_over_noise(noise, model.eps, [1] * model.latent_dim)
    return sp.expand(out.xreplace({si: sp.Abs(u) for si, u in zip(s, std_arguments(model), strict=True)}))


def _partition(model: LinearLVM) -> sp.Expr:
    return sp.Rational(model.target_dim, 2) * sp.log(2 * sp.pi * eta_dec**2)


def _kl_printed(model: LinearLVM, *, log_sign: int = -1) -> sp.Expr:
    """(beta/2) sum_i (sigma_i^2/eta_enc^2 - 1 - log(sigma_i^2/eta_enc^2)), with log sigma_i^2 = logsigma2_i."""
    return sum((beta / 2 * (u**2 / eta_enc**2 - 1 + log_sign * (log_sigma2(i) - sp.log(eta_enc**2)))
                for i, u in enumerate(std_arguments(model))), sp.Integer(0))


def printed_eq29(model: LinearLVM, *, encoder_mean: sp.Matrix | None = None, log_sign: int = -1) -> sp.Expr:
    """Eq. 28-29 for one data point (plus the decoder's log-partition, which the paper drops), eps ~ N(0, I):
    (1/2 eta_dec^2) E_eps[||(U m - y) + U sigma(x) eps||^2 + kappa ||m||^2] + KL part, with m = W^T x
    (``encoder_mean`` = W x is Eq. 27 as printed)."""
    m = model.W.T * model.x if encoder_mean is None else encoder_mean

    def integrand(sig: sp.Matrix) -> sp.Expr:
        r = model.U * m - model.y + model.U * sig * sp.Matrix(model.eps)
        return (r.T * r)[0] + KAPPA * (m.T * m)[0]

    rec = _expect_unit_noise(integrand, model) / (2 * eta_dec**2)
    return sp.expand(rec + _kl_printed(model, log_sign=log_sign) + _partition(model))


def printed_eq30(model: LinearLVM, *, kl_mean_inside: bool = False, noise_power: int = 1) -> sp.Expr:
    """Eq. 30 for one data point: (1/2 eta^2) E_eps[||U W^T x - y||^2 + Tr(U sigma eps eps^T sigma U^T)
    + 2 (U W^T x - y)^T U sigma eps] + kappa ||W^T x||^2 + KL part. As printed, the kappa term stands outside the
    bracket (``kl_mean_inside`` puts it back); the printed cross term 2 Tr(U (W^T x - y) eps^T sigma U^T) is not
    dimensionally consistent and is written here as the cross term of the expanded square.
    ``noise_power`` = 2 uses sigma^2 in place of sigma (a negative control)."""
    mean = model.W.T * model.x
    resid = model.U * mean - model.y
    mean_term = KAPPA * (mean.T * mean)[0]

    def bracket(sig: sp.Matrix) -> sp.Expr:
        noise = model.U * sig**noise_power * sp.Matrix(model.eps)
        out = (resid.T * resid)[0] + (noise * noise.T).trace() + 2 * (resid.T * noise)[0]
        return out + mean_term if kl_mean_inside else out

    rec = _expect_unit_noise(bracket, model) / (2 * eta_dec**2)
    outside = 0 if kl_mean_inside else mean_term
    return sp.expand(rec + outside + _kl_printed(model) + _partition(model))


@cached
def _fit_term(size: tuple[int, int, int]) -> sp.Expr:
    """E_x ||U W^T x - y||^2 by the moment rule (general E[x])."""
    model = ddv_model(size)
    resid = model.U * model.W.T * model.x - model.y
    return expect_over_data((resid.T * resid)[0], list(model.x), list(model.y), model.moments)


def printed_eq34(model: LinearLVM, moments: DataMoments, variances: Sequence[sp.Expr], *,
                 noise_factor: sp.Expr = 1) -> sp.Expr:
    """Eq. 34 in moments: (1/2 eta^2)[E||U W^T x - y||^2 + Tr(U Sigma^DDV U^T) + kappa E||W^T x||^2]
    + (beta/2) sum_i (Sigma_i^DDV/eta_enc^2 - 1 - E log sigma_i^2 + log eta_enc^2) + partition."""
    size = (model.input_dim, model.latent_dim, model.target_dim)
    assert moments == ddv_model(size).moments, "Eq. 34 is built in the model's own moment symbols"
    Sigma = sp.diag(*variances)
    l_mean = KAPPA * (model.W.T * moments.A * model.W).trace()
    kl = sum((beta / 2 * (v / eta_enc**2 - 1 - (mean_log_sigma2(i) - sp.log(eta_enc**2)))
              for i, v in enumerate(variances)), sp.Integer(0))
    rec = (_fit_term(size) + noise_factor * (model.U * Sigma * model.U.T).trace() + l_mean) / (2 * eta_dec**2)
    return sp.expand(rec + kl + _partition(model))


# =====================================================================================================
# Explicit-size identities
# =====================================================================================================
def _eq29_identity(size: tuple[int, int, int]) -> SizedIdentity:
    return SizedIdentity(size, per_sample(size), printed_eq29(ddv_model(size)))


def _eq30_identity(size: tuple[int, int, int]) -> SizedIdentity:
    return SizedIdentity(size, per_sample(size), printed_eq30(ddv_model(size), kl_mean_inside=True))


def _eq31_identity(size: tuple[int, int], *, general: bool) -> SizedIdentity:
    model = ddv_model((*size, 1))
    m = model.moments
    derived = sp.Matrix(expected_variances(size))
    if not general:
        derived = derived.xreplace(zero_mean(m))
    return SizedIdentity(size, derived, sp.Matrix(printed_eq31(model, m, cross=2 if general else 0)))


def _eq32_33_identity(size: tuple[int, int, int]) -> SizedIdentity:
    """E_{x,eps} Tr(U sigma eps eps^T sigma U^T) = Tr(U diag(E sigma^2) U^T) (general mean) and
    E_eps 2 (U W^T x - y)^T U sigma eps = 0 for every x."""
    model = ddv_model(size)
    e = sp.Matrix(model.eps)
    resid = model.U * model.W.T * model.x - model.y
    quad = _expect_unit_noise(lambda sig: ((model.U * sig * e).T * (model.U * sig * e))[0], model)
    quad = expect_over_data(quad, list(model.x), list(model.y), model.moments)
    cross = _expect_unit_noise(lambda sig: 2 * (resid.T * model.U * sig * e)[0], model)
    Sigma = sp.diag(*printed_eq31(model, model.moments, cross=2))
    return SizedIdentity(size, sp.Matrix([quad, cross]),
                         sp.Matrix([(model.U * Sigma * model.U.T).trace(), 0]))


def _eq34_identity(size: tuple[int, int, int], *, general: bool) -> SizedIdentity:
    model = ddv_model(size)
    m = model.moments
    derived = expected_loss(size)
    printed = printed_eq34(model, m, printed_eq31(model, m, cross=2 if general else 0))
    if not general:
        derived, printed = derived.xreplace(zero_mean(m)), printed.xreplace(zero_mean(m))
    return SizedIdentity(size, derived, printed)


def _lemma1_identity(size: tuple[int, int]) -> SizedIdentity:
    """E sigma_i^2(x; C, f) = E sigma_i^2(x; 0, f') with A = R R^T, E[x] = 0 and f' of Eq. 37."""
    D0, d1 = size
    model = ddv_model((D0, d1, 1))
    R = sp.Matrix(D0, D0, lambda i, j: sp.Symbol(f"R_{i}_{j}", real=True))
    m = model.moments
    A = R * R.T
    moments = DataMoments(A, m.B, m.S_yy, sp.zeros(D0, 1), m.mean_y)
    x, y = list(model.x), list(model.y)
    with_c = [expect_over_data(v, x, y, moments) for v in model.encoder_variances()]
    fprime = [sp.sqrt(model.f[i] ** 2 + (model.C[i, :] * A * model.C[i, :].T)[0]) for i in range(d1)]
    no_c = {**{c: 0 for c in model.C}, **dict(zip(model.f, fprime, strict=True))}
    without_c = [expect_over_data(sp.expand(model.encoder_variances()[i].xreplace(dict.fromkeys(model.C, 0))),
                                  x, y, moments).xreplace(no_c) for i in range(d1)]
    return SizedIdentity(size, sp.Matrix(with_c), sp.Matrix(without_c))


@cached
def _fprime_expected_loss(size: tuple[int, int, int]) -> sp.Expr:
    """E_x L(U, W, C = 0, f'): the model's expected loss at C = 0, f'_i = sqrt(Mfp_i) ((f'_i)^2 kept symbolic);
    with C = 0, sigma_i(x) = f'_i for every x, so E_x log sigma_i^2 = log Mfp_i."""
    model = ddv_model(size)
    sub = {**dict.fromkeys(model.C, 0),
           **{model.f[i]: sp.sqrt(fprime_square(i)) for i in range(model.latent_dim)},
           **{mean_log_sigma2(i): sp.log(fprime_square(i)) for i in range(model.latent_dim)}}
    return sp.expand(expected_loss(size).xreplace(sub))


def _fprime_values(size: tuple[int, int, int], *, general: bool) -> dict[sp.Symbol, sp.Expr]:
    """(f'_i)^2: Eq. 37 (f^2 + C A C^T) when E[x] = 0, or E_x sigma_i^2 (cross term included) in general."""
    model = ddv_model(size)
    values = printed_eq31(model, model.moments, cross=2) if general else printed_eq31(model, model.moments)
    return {fprime_square(i): v for i, v in enumerate(values)}


def _difference_identity(size: tuple[int, int, int], *, general: bool, form: str) -> SizedIdentity:
    """L(C, f) - L(0, f') = (beta/2) sum_i E_x g(sigma_i^2 / f'_i^2) with g(u) = u - 1 - log u (``form`` "g"),
    or = (beta/2) sum_i [log E sigma_i^2 - E log sigma_i^2] (``form`` "log")."""
    model = ddv_model(size)
    m = model.moments
    fp = _fprime_values(size, general=general)
    diff = (expected_loss(size) - _fprime_expected_loss(size)).xreplace(fp)
    rhs = sp.Integer(0)
    for i, v in enumerate(expected_variances(size)):
        M = fprime_square(i)
        if form == "g":
            rest = expect_with_logs(sp.expand(-1 - (log_sigma2(i) - sp.log(M))), model, m)
            rhs += beta / 2 * (sp.Mul(v, 1 / M, evaluate=False) + rest)  # E_x[u^2 / M] = E_x[u^2] / M
        else:
            rhs += beta / 2 * (sp.log(M) - mean_log_sigma2(i))
    rhs = rhs.xreplace(fp)
    if not general:
        diff, rhs = diff.xreplace(zero_mean(m)), rhs.xreplace(zero_mean(m))
    return SizedIdentity(size, sp.expand(diff), sp.expand(rhs))


def _g_nonnegative() -> CheckResult:
    """g(u) = u - 1 - log u >= 0 on u > 0: its minimum over (0, oo), computed by SymPy, is 0 (attained at 1)."""
    u = sp.Symbol("u", positive=True)
    g = u - 1 - sp.log(u)
    low = sp.minimum(g, u, sp.Interval.open(0, sp.oo))
    if low == 0 and g.subs(u, 1) == 0:
        return CheckResult(Status.PROVED, "symbolic (sympy.calculus minimum)",
                           "min over u > 0 of u - 1 - log u is 0 (at u = 1), so E_x g(sigma^2/E sigma^2) >= 0")
    return CheckResult(Status.INCONCLUSIVE, "symbolic (sympy.calculus minimum)", f"minimum computed as {low}")


def _lemma1_general() -> CheckResult:
    """f' = sqrt(f^2 + q) with q = C_i A C_i^T >= 0 is real and (f')^2 = f^2 + q."""
    f = sp.Symbol("f", real=True)
    q = sp.Symbol("q", nonnegative=True)
    fp = sp.sqrt(f**2 + q)
    if not fp.is_real:
        return CheckResult(Status.INCONCLUSIVE, "symbolic", "f' not shown real")
    result = prove_identity(fp**2, f**2 + q, what="(f')^2 = f^2 + C_i A C_i^T")
    if result.status is Status.PROVED:
        return CheckResult(Status.PROVED, result.method, result.summary + "; f' is real since f^2 + q >= 0")
    return result


_AT_SIZES = {
    "eq29": (_eq29_identity, SIZES, "model per-sample loss = Eq. 29 + (d2/2) log(2 pi eta_dec^2)"),
    "eq30": (_eq30_identity, SIZES, "model per-sample loss = Eq. 30 (kappa term inside the bracket)"),
    "eq31_zero": (partial(_eq31_identity, general=False), SIZES_2, "E[x]=0: E sigma_i^2 = f_i^2 + C_i A C_i^T"),
    "eq31_general": (partial(_eq31_identity, general=True), SIZES_2,
                     "E sigma_i^2 = f_i^2 + 2 f_i C_i mu_x + C_i A C_i^T"),
    "eq32_33": (_eq32_33_identity, SIZES, "Eq. 32 and Eq. 33"),
    "eq34_zero": (partial(_eq34_identity, general=False), SIZES, "E[x]=0: model loss = Eq. 34 with Eq. 31"),
    "eq34_general": (partial(_eq34_identity, general=True), SIZES,
                     "model loss = Eq. 34 with Sigma^DDV_i = E sigma_i^2 (any mean)"),
    "lemma1": (_lemma1_identity, SIZES_2, "A = R R^T, E[x] = 0: E sigma^2(C, f) = E sigma^2(0, f')"),
    "diff_zero_g": (partial(_difference_identity, general=False, form="g"), SIZES,
                    "E[x]=0, f' of Eq. 37: L(C,f) - L(0,f') = (beta/2) sum_i E g(sigma_i^2/f'_i^2)"),
    "diff_general_g": (partial(_difference_identity, general=True, form="g"), SIZES,
                       "f'^2 = E sigma^2: L(C,f) - L(0,f') = (beta/2) sum_i E g(sigma_i^2/f'_i^2)"),
    "diff_zero_log": (partial(_difference_identity, general=False, form="log"), SIZES,
                      "E[x]=0: L(C,f) - L(0,f') = (beta/2) sum_i [log E sigma_i^2 - E log sigma_i^2]"),
}


@cached
def _at_sizes(name: str) -> CheckResult:
    build, sizes, what = _AT_SIZES[name]
    return prove_at_sizes(build, sizes, what=what)


# =====================================================================================================
# Datasets
# =====================================================================================================
def symmetrized(datasets: Sequence[Dataset]) -> list[Dataset]:
    """Each dataset with every x row also negated (rows [X; -X], [Y; Y]), so that E[x] = 0 exactly."""
    return [Dataset(f"{ds.label} symmetrized", np.vstack([ds.X, -ds.X]) + 0.0, np.vstack([ds.Y, ds.Y]))
            for ds in datasets]


# (D0, d1, d2) per dataset shape: every d1 from 1 to 3, D0 != d1 != d2 included, a rank-deficient X
DATA_SIZES = ((2, 1, 1), (2, 2, 1), (3, 2, 2), (1, 3, 2), (2, 3, 1))


def with_latent_dim(datasets: Sequence[Dataset], d1: int) -> list[Dataset]:
    """The datasets relabelled with the latent size d1 their checks use (labels stay unique)."""
    return [Dataset(f"{ds.label},d1={d1}", ds.X, ds.Y) for ds in datasets]


def _raw_datasets(per_shape: int = 2, seed: int = 500) -> list[Dataset]:
    out = []
    for k, (D0, d1, d2) in enumerate(DATA_SIZES):
        out += with_latent_dim(nonzero_mean_datasets([(3, D0, d2)], seed=seed + k, per_shape=per_shape), d1)
    out += with_latent_dim(nonzero_mean_datasets([(3, 3, 1)], seed=seed + 90, per_shape=per_shape, rank=1), 2)
    return out


def _size_of(ds: Dataset) -> tuple[int, int, int]:
    """(D0, d1, d2) of a dataset's check: d1 is read from its label."""
    match = re.search(r"d1=(\d+)", ds.label)
    if match is None:
        raise SymbolicVAEError(f"dataset: label {ds.label!r} does not name d1")
    return ds.X.shape[1], int(match.group(1)), ds.Y.shape[1]


def _draw_ddv_params(model: LinearLVM, ds: Dataset, salt: str, *, big_decoder: bool = False
                     ) -> dict[sp.Symbol, sp.Expr]:
    """Seeded rationals for U, W, C, f, beta, eta_enc, eta_dec with C_i x + f_i != 0 on every row."""
    rng = param_rng(ds.label, salt)
    scale = 4 if big_decoder else 1
    vals = draw_rationals(rng, [*model.U], -3 * scale, 3 * scale)
    vals.update(draw_rationals(rng, [*model.W], -3, 3))
    vals.update(draw_scalars(rng))
    X = exact_matrix(ds.X)
    for _ in range(100):
        cf = draw_rationals(rng, [*model.C, *model.f], -2, 2)
        us = [u.xreplace(cf) for u in std_arguments(model)]
        if all(u.xreplace(dict(zip(model.x, X.row(r), strict=True))) != 0 for u in us for r in range(X.rows)):
            vals.update(cf)
            return vals
    raise SymbolicVAEError("parameters: could not draw C, f with C x + f != 0 on every row")


def model_loss_on(ds: Dataset, size: tuple[int, int, int], vals: dict[sp.Symbol, sp.Expr]) -> sp.Expr:
    """The model's loss averaged exactly over the dataset (``LinearLVM.dataset_loss``) at the given values."""
    model = ddv_model(size)
    X, Y = exact_matrix(ds.X), exact_matrix(ds.Y)
    return model.dataset_loss(X, Y).xreplace(vals)


def _row_average(expr: sp.Expr, model: LinearLVM, ds: Dataset, vals: dict[sp.Symbol, sp.Expr]) -> sp.Expr:
    """Average over the dataset's rows of a per-sample expression; logsigma2_i is evaluated as log u_i(x)^2."""
    expr = expr.xreplace({log_sigma2(i): sp.log(u**2) for i, u in enumerate(std_arguments(model))})
    expr = expr.xreplace(vals)
    X, Y = exact_matrix(ds.X), exact_matrix(ds.Y)
    total = sp.Integer(0)
    for r in range(X.rows):
        total += expr.xreplace({**dict(zip(model.x, X.row(r), strict=True)),
                                **dict(zip(model.y, Y.row(r), strict=True))})
    return total / X.rows


def _exact_moments(model: LinearLVM, ds: Dataset, vals: dict[sp.Symbol, sp.Expr]) -> dict[sp.Symbol, sp.Expr]:
    """Moment symbols and Elogsigma2_i at the dataset's exact values."""
    sub = moment_values(model.moments, ds)
    for i, u in enumerate(std_arguments(model)):
        sub[mean_log_sigma2(i)] = _row_average(sp.log(u**2), model, ds, vals)
    return sub


def _per_sample_vs_printed(ds: Dataset, *, which: str) -> tuple[sp.Expr, sp.Expr, dict[str, str]]:
    """The model's dataset loss vs a printed per-sample form averaged over the rows."""
    size = _size_of(ds)
    if which == "eq27" and size[0] != size[1]:
        raise SymbolicVAEError(f"dataset: W x needs D0 = d1, got sizes {size}")
    model = ddv_model(size)
    vals = _draw_ddv_params(model, ds, "eq29-30")
    printed = {
        "eq27": lambda: printed_eq29(model, encoder_mean=model.W * model.x),
        "eq29": lambda: printed_eq29(model),
        "eq29_logsign": lambda: printed_eq29(model, log_sign=1),
        "eq30": lambda: printed_eq30(model),
        "eq30_inside": lambda: printed_eq30(model, kl_mean_inside=True),
        "eq30_sigma2": lambda: printed_eq30(model, kl_mean_inside=True, noise_power=2),
    }[which]()
    return (model_loss_on(ds, size, vals), _row_average(printed, model, ds, vals),
            {**describe_params(vals), "sizes (D0,d1,d2)": str(size)})


def _variances_on(ds: Dataset, *, cross: sp.Expr) -> tuple[sp.Expr, sp.Expr, dict[str, str]]:
    """E_x sigma_i^2 averaged over the rows vs Eq. 31 (with ``cross`` f_i C_i mu_x) from the dataset's moments."""
    size = _size_of(ds)
    model = ddv_model(size)
    vals = _draw_ddv_params(model, ds, "eq31")
    derived = sp.Matrix([_row_average(u**2, model, ds, vals) for u in std_arguments(model)])
    printed = sp.Matrix(printed_eq31(model, model.moments, cross=cross)).xreplace(
        {**moment_values(model.moments, ds), **vals})
    lhs, rhs, name = largest_entry(derived, printed, [f"E sigma_{i}^2" for i in range(model.latent_dim)])
    return lhs, rhs, {**describe_params(vals), "entry": name, "sizes (D0,d1,d2)": str(size)}


def _eq34_on(ds: Dataset, *, noise_factor: sp.Expr = 1) -> tuple[sp.Expr, sp.Expr, dict[str, str]]:
    """The model's dataset loss vs Eq. 34 with Sigma^DDV_i = f_i^2 + 2 f_i C_i mu_x + C_i A C_i^T."""
    size = _size_of(ds)
    model = ddv_model(size)
    vals = _draw_ddv_params(model, ds, "eq34")
    m = model.moments
    printed = printed_eq34(model, m, printed_eq31(model, m, cross=2), noise_factor=noise_factor)
    rhs = printed.xreplace({**_exact_moments(model, ds, vals), **vals})
    return model_loss_on(ds, size, vals), rhs, {**describe_params(vals), "sizes (D0,d1,d2)": str(size)}


def _fprime_vals(model: LinearLVM, ds: Dataset, vals: dict[sp.Symbol, sp.Expr], *, rule: str
                 ) -> dict[sp.Symbol, sp.Expr]:
    """f' for C = 0: "eq37" sqrt(f^2 + C A C^T) (A the raw second moment), "mean" sqrt(E sigma^2) (cross term
    included), "shifted" f + sqrt(C A C^T) (a negative control)."""
    A, _, _, mx, _ = dataset_moments(ds)
    C = model.C.xreplace(vals)
    out = {}
    for i in range(model.latent_dim):
        f = vals[model.f[i]]
        q = (C[i, :] * A * C[i, :].T)[0]
        cross = 2 * f * (C[i, :] * mx)[0]
        out[model.f[i]] = {"eq37": sp.sqrt(f**2 + q), "mean": sp.sqrt(f**2 + q + cross),
                           "shifted": f + sp.sqrt(q)}[rule]
    return {**vals, **dict.fromkeys(model.C, sp.Integer(0)), **out}


def _loss_pair(ds: Dataset, *, rule: str, big_decoder: bool = False
               ) -> tuple[sp.Expr, sp.Expr, LinearLVM, dict, dict]:
    size = _size_of(ds)
    model = ddv_model(size)
    vals = _draw_ddv_params(model, ds, "prop5" + ("-big" if big_decoder else ""), big_decoder=big_decoder)
    fp = _fprime_vals(model, ds, vals, rule=rule)
    return model_loss_on(ds, size, vals), model_loss_on(ds, size, fp), model, vals, fp


def _prop5_on(ds: Dataset, *, rule: str, reverse: bool = False, big_decoder: bool = False
              ) -> tuple[sp.Expr, sp.Expr, dict[str, str]]:
    """L(U, W, C, f) >= L(U, W, 0, f') on the dataset (``reverse`` swaps the sides: the negative control)."""
    with_c, without_c, model, vals, fp = _loss_pair(ds, rule=rule, big_decoder=big_decoder)
    shown = {**describe_params(vals), **{f"f'_{i}": str(fp[model.f[i]]) for i in range(model.latent_dim)},
             "sizes (D0,d1,d2)": str((model.input_dim, model.latent_dim, model.target_dim))}
    return (without_c, with_c, shown) if reverse else (with_c, without_c, shown)


def _eq42_on(ds: Dataset, *, coefficient: sp.Expr | None = None, sign: int = 1
             ) -> tuple[sp.Expr, sp.Expr, dict[str, str]]:
    """L(C, f) - L(0, f') vs coefficient * sum_i [log E sigma_i^2 - E log sigma_i^2] (``coefficient`` None is
    the printed Eq. 42: 1, and a single i when d1 = 1)."""
    with_c, without_c, model, vals, fp = _loss_pair(ds, rule="eq37")
    coef = 1 if coefficient is None else coefficient
    rhs = sp.Integer(0)
    for u in std_arguments(model):
        rhs += coef * sign * (sp.log(_row_average(u**2, model, ds, vals))
                              - _row_average(sp.log(u**2), model, ds, vals))
    shown = {**describe_params(vals), "sizes (D0,d1,d2)": str((model.input_dim, model.latent_dim,
                                                                model.target_dim))}
    return with_c - without_c, rhs, shown


def _lemma1_on(ds: Dataset, *, rule: str) -> tuple[sp.Expr, sp.Expr, dict[str, str]]:
    """E sigma_i^2(x; C, f) vs E sigma_i^2(x; 0, f') = f'^2 on the dataset."""
    size = _size_of(ds)
    model = ddv_model(size)
    vals = _draw_ddv_params(model, ds, "lemma1")
    fp = _fprime_vals(model, ds, vals, rule=rule)
    us = std_arguments(model)
    lhs = sp.Matrix([_row_average(u**2, model, ds, vals) for u in us])
    rhs = sp.Matrix([_row_average(u**2, model, ds, fp) for u in us])
    a, b, name = largest_entry(lhs, rhs, [f"E sigma_{i}^2" for i in range(model.latent_dim)])
    return a, b, {**describe_params(vals), "entry": name, "sizes (D0,d1,d2)": str(size)}


@cached
def _data(kind: str) -> list[Dataset]:
    raw = _raw_datasets()
    if kind == "any":
        return raw
    if kind == "zero":
        return symmetrized(raw)
    if kind == "many":  # the inequality of Proposition 5: more datasets, other seeds, n = 3 rows
        return _raw_datasets(per_shape=5, seed=700)
    if kind == "many_zero":
        return symmetrized(_raw_datasets(per_shape=5, seed=700))
    if kind == "square":  # D0 = d1, where the W x of Eq. 27 is defined
        return (with_latent_dim(nonzero_mean_datasets([(3, 2, 1)], seed=640), 2)
                + with_latent_dim(nonzero_mean_datasets([(3, 3, 2)], seed=641), 3))
    if kind == "zero_d1_1":
        return symmetrized(with_latent_dim(integer_datasets([(3, 2, 1), (3, 1, 2)], per_shape=2, seed=620), 1))
    raise KeyError(kind)


# =====================================================================================================
# Claims
# =====================================================================================================
def claims() -> list[Claim]:
    wz = partial(PaperRef, "wz2022")
    D0, d1, d2 = sp.symbols("D_0 d_1 d_2", positive=True, integer=True)
    i = sp.Symbol("i", positive=True, integer=True)
    U, W = sp.MatrixSymbol("U", d2, d1), sp.MatrixSymbol("W", D0, d1)
    C, f = sp.MatrixSymbol("C", d1, D0), sp.MatrixSymbol("f", d1, 1)
    x, eps = sp.MatrixSymbol("x", D0, 1), sp.MatrixSymbol(r"\epsilon", d1, 1)
    fi, fpi = sp.Symbol("f_i", real=True), sp.Symbol("f'_i", real=True)
    q = sp.Symbol(r"{C_i A C_i^\top}", nonnegative=True)  # >= 0 since A is PSD
    c_mu = sp.Symbol(r"{C_i \mu_x}", real=True)
    z = sp.MatrixSymbol("z", d1, 1)
    Es2 = sp.Function(r"\mathbb{E}_x\sigma_i^2")
    Elog = sp.Function(r"\mathbb{E}_x\log\sigma_i^2")
    L = sp.Function("L^{DDV}", real=True)
    eq31_zero = sp.Eq(Es2(C, f), fi**2 + q)
    eq31_gen = sp.Eq(Es2(C, f), fi**2 + 2 * fi * c_mu + q)
    diff = L(U, W, C, f) - L(U, W, sp.ZeroMatrix(d1, D0), sp.Symbol("f'"))
    corrected_diff = sp.Sum(beta / 2 * (sp.log(Es2(C, f)) - Elog(C, f)), (i, 1, d1))
    g_text = "g(u) = u - 1 - log u"
    ddv = ("sigma(x) = |C x + f|, C in R^{d1 x D0}, f in R^{d1}", "beta, eta_enc, eta_dec > 0")
    nonzero = "C_i x + f_i != 0 on the data (else log sigma_i^2 = -oo and the loss is +oo)"
    any_data, zero_data = _data("any"), _data("zero")
    return [
        Claim(
            id="ddv.eq27",
            title="Eq. 27 as printed: the encoder draws z = W x + sigma(x) eps",
            ref=wz("App. C", ("27",)),
            statement=sp.Eq(z, W * x + sp.Symbol(r"\sigma(x)") * eps),
            assumptions=(*ddv, "W x is only defined when D0 = d1: checked there", nonzero),
            printed="z = W x + sigma(x) eps; the model (Sec. 3, Eq. 28) has mean W^T x",
            steps=(Step("the loss of Eq. 28-29 with encoder mean W x (Eq. 27) vs the model's loss on integer "
                        "datasets, D0 = d1 = 2 and 3",
                        lambda: on_datasets(partial(_per_sample_vs_printed, which="eq27"), _data("square"),
                                            what="model loss = Eq. 29 with mean W x")),),
            control=Control("the KL's log term with the sign flipped (Eq. 29 with mean W^T x, +log)",
                            lambda: on_datasets(partial(_per_sample_vs_printed, which="eq29_logsign"), any_data,
                                                what="model loss = Eq. 29 with +log")),
            corrected="ddv.eq29",
        ),
        Claim(
            id="ddv.eq29",
            title="Eq. 28-29: with sigma(x) = |C x + f| and encoder mean W^T x, the model's loss is Eq. 29",
            ref=wz("App. C", ("26", "27", "28", "29"), "Eq. 27 corrected"),
            statement=sp.Eq(L(U, W, C, f), sp.Symbol(r"\text{Eq. 29}")
                            + d2 / 2 * sp.log(2 * sp.pi * eta_dec**2)),
            assumptions=(*ddv, nonzero, "eps ~ N(0, I_{d1})"),
            printed="Eq. 29 drops the decoder's log-partition (d2/2) log(2 pi eta_dec^2)",
            steps=(
                Step("integer datasets (nonzero mean): the model's dataset loss = Eq. 29 averaged over the rows",
                     lambda: on_datasets(partial(_per_sample_vs_printed, which="eq29"), any_data,
                                         what="model loss = Eq. 29"), corroborating=True),
                Step("per data point, in general symbols x, y: model loss (Gaussian rules) = Eq. 29 + partition, "
                     "every (D0, d1, d2) up to 3", lambda: _at_sizes("eq29")),
            ),
            control=Control("the KL's log term with the sign flipped",
                            lambda: on_datasets(partial(_per_sample_vs_printed, which="eq29_logsign"), any_data,
                                                what="model loss = Eq. 29 with +log")),
            corrects="ddv.eq27",
        ),
        Claim(
            id="ddv.eq30",
            title="Eq. 30 as printed: kappa ||W^T x||^2 stands outside the 1/(2 eta_dec^2) bracket",
            ref=wz("App. C", ("30",)),
            statement=sp.Eq(L(U, W, C, f), sp.Symbol(r"\text{Eq. 30}")),
            assumptions=(*ddv, nonzero),
            printed="(1/2 eta^2) E[||U W^T x - y||^2 + Tr(U s eps eps^T s U^T) + 2 Tr(U (W^T x - y) eps^T s U^T)] "
                    "+ beta eta_dec^2/eta_enc^2 ||W^T x||^2 + KL part; the printed cross term is not dimensionally "
                    "consistent (U (W^T x - y) needs d1 = d2) and is read as 2 (U W^T x - y)^T U s eps",
            steps=(Step("Eq. 30 (E_eps by the Gaussian rule) averaged over integer datasets vs the model's loss",
                        lambda: on_datasets(partial(_per_sample_vs_printed, which="eq30"), any_data,
                                            what="model loss = Eq. 30 as printed")),),
            control=Control("Eq. 30 with sigma(x)^2 in place of sigma(x) in the noise term",
                            lambda: on_datasets(partial(_per_sample_vs_printed, which="eq30_sigma2"), any_data,
                                                what="model loss = Eq. 30 with sigma^2")),
            corrected="ddv.eq30_corrected",
        ),
        Claim(
            id="ddv.eq30_corrected",
            title="Eq. 30 corrected: kappa ||W^T x||^2 inside the 1/(2 eta_dec^2) bracket",
            ref=wz("App. C", ("29", "30"), "Eq. 30 corrected"),
            statement=sp.Eq(L(U, W, C, f), sp.Symbol(r"\text{Eq. 30 (}\kappa\text{ term inside)}")
                            + d2 / 2 * sp.log(2 * sp.pi * eta_dec**2)),
            assumptions=(*ddv, nonzero),
            steps=(
                Step("integer datasets: the model's loss = corrected Eq. 30 averaged over the rows",
                     lambda: on_datasets(partial(_per_sample_vs_printed, which="eq30_inside"), any_data,
                                         what="model loss = corrected Eq. 30"), corroborating=True),
                Step("per data point, general x, y: model loss = corrected Eq. 30 + partition, every size up to 3",
                     lambda: _at_sizes("eq30")),
            ),
            control=Control("sigma(x)^2 in place of sigma(x) in the noise term",
                            lambda: on_datasets(partial(_per_sample_vs_printed, which="eq30_sigma2"), any_data,
                                                what="model loss = Eq. 30 with sigma^2")),
            corrects="ddv.eq30",
        ),
        Claim(
            id="ddv.expected_variance",
            title="Eq. 31: E_x sigma_i(x)^2 = f_i^2 + C_i A C_i^T when E[x] = 0",
            ref=wz("App. C", ("31", "35")),
            statement=eq31_zero,
            assumptions=("E[x] = 0 (assumed in App. C)", "A = E[x x^T]"),
            steps=(
                Step("zero-mean integer datasets (rows [X; -X]): row average of (C_i x + f_i)^2 = Eq. 31",
                     lambda: on_datasets(partial(_variances_on, cross=0), zero_data, what="E sigma^2 = Eq. 31"),
                     corroborating=True),
                Step("moment rule on the model's encoder variances, E[x] = 0, every (D0, d1) up to 3",
                     lambda: _at_sizes("eq31_zero")),
            ),
            control=Control("the assumption E[x] = 0 dropped: Eq. 31 on data with nonzero mean",
                            lambda: on_datasets(partial(_variances_on, cross=0), any_data,
                                                what="E sigma^2 = Eq. 31 (nonzero mean)")),
        ),
        Claim(
            id="ddv.expected_variance_any_mean",
            title="E_x sigma_i(x)^2 = f_i^2 + 2 f_i C_i mu_x + C_i A C_i^T for data of any mean",
            ref=wz("App. C", ("31",), "sentence after Eq. 33 (mu_x, f_i C_i mu_x)"),
            statement=eq31_gen,
            assumptions=("any data", "A = E[x x^T] (uncentred)", "mu_x = E[x]"),
            printed="the sentence after Eq. 33 names a term f_i C_i mu_x that Eq. 31 does not show",
            steps=(
                Step("integer datasets with nonzero mean: row average of (C_i x + f_i)^2 = the general form",
                     lambda: on_datasets(partial(_variances_on, cross=2), any_data,
                                         what="E sigma^2 = f^2 + 2 f C mu + C A C^T"), corroborating=True),
                Step("moment rule on the model's encoder variances, general E[x], every (D0, d1) up to 3",
                     lambda: _at_sizes("eq31_general")),
            ),
            control=Control("cross term f_i C_i mu_x (coefficient 1, as the sentence after Eq. 33 reads)",
                            lambda: on_datasets(partial(_variances_on, cross=1), any_data,
                                                what="E sigma^2 = f^2 + f C mu + C A C^T")),
        ),
        Claim(
            id="ddv.noise_terms",
            title="Eq. 32-34: the noise term averages to Tr(U Sigma^DDV U^T), the cross term to 0, and the loss "
                  "is Eq. 34",
            ref=wz("App. C", ("32", "33", "34")),
            statement=(sp.Eq(sp.Symbol(r"\mathbb{E}_{x,\epsilon}\mathrm{Tr}(U\sigma\epsilon\epsilon^\top\sigma "
                                       r"U^\top)"), sp.Trace(U * sp.Symbol(r"\Sigma^{DDV}") * U.T)),
                       sp.Eq(sp.Symbol(r"\mathbb{E}_{x,\epsilon}\,\text{cross}"), 0),
                       sp.Eq(L(U, W, C, f), sp.Symbol(r"\text{Eq. 34}") + d2 / 2 * sp.log(2 * sp.pi * eta_dec**2))),
            assumptions=(*ddv, nonzero, "Eq. 34 with Eq. 31 needs E[x] = 0; with Sigma^DDV_i = E_x sigma_i^2 "
                         "(cross term included) it holds for any data"),
            printed="Eq. 34 drops the decoder's log-partition; Eq. 33's integrand has the dimension problem of "
                    "Eq. 30",
            steps=(
                Step("integer datasets with nonzero mean: the model's dataset loss = Eq. 34 with "
                     "Sigma^DDV_i = f_i^2 + 2 f_i C_i mu_x + C_i A C_i^T",
                     lambda: on_datasets(_eq34_on, any_data, what="model loss = Eq. 34"), corroborating=True),
                Step("Eq. 32 (moment rule, any mean) and Eq. 33 (E_eps of the cross term is 0 for every x), "
                     "every size up to 3", lambda: _at_sizes("eq32_33")),
                Step("E[x] = 0: E_x of the model's loss = Eq. 34 with Eq. 31, every size up to 3",
                     lambda: _at_sizes("eq34_zero")),
                Step("any mean: E_x of the model's loss = Eq. 34 with the general Sigma^DDV, every size up to 3",
                     lambda: _at_sizes("eq34_general")),
            ),
            control=Control("a factor 2 on Tr(U Sigma^DDV U^T)",
                            lambda: on_datasets(partial(_eq34_on, noise_factor=2), any_data,
                                                what="model loss = Eq. 34 with 2 Tr(U Sigma U^T)")),
        ),
        Claim(
            id="ddv.lemma1",
            title="Lemma 1: f'_i = sqrt(f_i^2 + C_i A C_i^T) gives the same E_x sigma_i^2 with C = 0",
            ref=wz("App. C", ("35", "36", "37"), "Lemma 1"),
            statement=(sp.Eq(fpi, sp.sqrt(fi**2 + q)), sp.Eq(Es2(sp.ZeroMatrix(d1, D0), fpi), Es2(C, f))),
            assumptions=("E[x] = 0 (assumed in App. C)", "q_i = C_i A C_i^T >= 0 since A is PSD"),
            steps=(
                Step("general symbols f_i real, q_i >= 0: f'_i is real and f'_i^2 = f_i^2 + q_i", _lemma1_general),
                Step("zero-mean integer datasets: E sigma_i^2(C, f) = (f'_i)^2 on the rows",
                     lambda: on_datasets(partial(_lemma1_on, rule="eq37"), zero_data,
                                         what="E sigma^2(C,f) = E sigma^2(0,f')"), corroborating=True),
                Step("A = R R^T (any PSD A, singular included), E[x] = 0: the model's E sigma_i^2 with (C, f) "
                     "and with (0, f'), every (D0, d1) up to 3", lambda: _at_sizes("lemma1")),
            ),
            control=Control("f'_i = f_i + sqrt(C_i A C_i^T)",
                            lambda: on_datasets(partial(_lemma1_on, rule="shifted"), zero_data,
                                                what="E sigma^2(C,f) = (f + sqrt(C A C^T))^2")),
        ),
        Claim(
            id="ddv.prop5",
            title="Proposition 5: L^DDV(U, W, C, f) >= L^DDV(U, W, 0, f') with f' of Eq. 37, for every U, W, C, f",
            ref=wz("App. C", ("37", "38", "39", "40", "41", "42"), "Proposition 5"),
            statement=sp.Ge(L(U, W, C, f), L(U, W, sp.ZeroMatrix(d1, D0), sp.Symbol("f'"))),
            assumptions=(*ddv, "E[x] = 0 (assumed in App. C)", nonzero, f"{g_text} (Jensen's inequality)"),
            steps=(
                Step("zero-mean integer datasets, random parameters: L(C, f) >= L(0, f') at 30 and 60 digits",
                     lambda: on_datasets(partial(_prop5_on, rule="eq37"), _data("many_zero"),
                                         what="L(C,f) >= L(0,f')", inequality=True), corroborating=True),
                Step("exact difference, E[x] = 0: L(C,f) - L(0,f') = (beta/2) sum_i E_x g(sigma_i^2 / f'_i^2), "
                     "every (D0, d1, d2) up to 3", lambda: _at_sizes("diff_zero_g")),
                Step(f"{g_text} >= 0 for u > 0", _g_nonnegative),
            ),
            control=Control("the inequality reversed: L(C, f) <= L(0, f')",
                            lambda: on_datasets(partial(_prop5_on, rule="eq37", reverse=True), zero_data,
                                                what="L(0,f') >= L(C,f)", inequality=True)),
        ),
        Claim(
            id="ddv.prop5_any_mean",
            title="Proposition 5 for data of any mean, with f'_i = sqrt(E_x sigma_i^2) = "
                  "sqrt(f_i^2 + 2 f_i C_i mu_x + C_i A C_i^T)",
            ref=wz("App. C", ("31", "37", "38"), "Proposition 5, E[x] = 0 dropped"),
            statement=(sp.Ge(L(U, W, C, f), L(U, W, sp.ZeroMatrix(d1, D0), sp.Symbol("f'"))),
                       sp.Eq(fpi, sp.sqrt(eq31_gen.rhs))),
            assumptions=(*ddv, "any data", nonzero),
            steps=(
                Step("integer datasets with nonzero mean: L(C, f) >= L(0, f') at 30 and 60 digits",
                     lambda: on_datasets(partial(_prop5_on, rule="mean"), _data("many"),
                                         what="L(C,f) >= L(0,f')", inequality=True), corroborating=True),
                Step("exact difference, any mean: L(C,f) - L(0,f') = (beta/2) sum_i E_x g(sigma_i^2/f'_i^2), "
                     "every (D0, d1, d2) up to 3", lambda: _at_sizes("diff_general_g")),
                Step(f"{g_text} >= 0 for u > 0", _g_nonnegative),
            ),
            control=Control("f' of Eq. 37 (cross term 2 f_i C_i mu_x dropped) on data with nonzero mean",
                            lambda: on_datasets(partial(_prop5_on, rule="eq37", big_decoder=True), any_data,
                                                what="L(C,f) >= L(0,f'_Eq.37), nonzero mean", inequality=True)),
        ),
        Claim(
            id="ddv.eq42",
            title="Eq. 39-42 as printed: L(C, f) - L(0, f') = -E_x log sigma_i^2 + log E_x sigma_i^2",
            ref=wz("App. C", ("39", "40", "41", "42"), "Proposition 5 (proof)"),
            statement=sp.Eq(diff, -Elog(C, f) + sp.log(Es2(C, f))),
            assumptions=(*ddv, "E[x] = 0", nonzero, "d1 = 1, so that the free index i is unambiguous"),
            printed="Eq. 39-40 write -(beta/2) E log sigma_i^2 without the sum over i; Eq. 42 also drops beta/2",
            steps=(Step("zero-mean integer datasets with d1 = 1: the exact difference of the model's losses vs "
                        "the printed right side",
                        lambda: on_datasets(_eq42_on, _data("zero_d1_1"),
                                            what="L(C,f) - L(0,f') = log E sigma^2 - E log sigma^2")),),
            control=Control("the printed right side with its sign flipped",
                            lambda: on_datasets(partial(_eq42_on, sign=-1), _data("zero_d1_1"),
                                                what="L(C,f) - L(0,f') = E log sigma^2 - log E sigma^2")),
            corrected="ddv.eq42_corrected",
        ),
        Claim(
            id="ddv.eq42_corrected",
            title="Eq. 42 corrected: L(C, f) - L(0, f') = (beta/2) sum_i [log E_x sigma_i^2 - E_x log sigma_i^2]",
            ref=wz("App. C", ("39", "40", "42"), "Proposition 5 (proof), corrected"),
            statement=sp.Eq(diff, corrected_diff),
            assumptions=(*ddv, "E[x] = 0", nonzero),
            steps=(
                Step("zero-mean integer datasets, d1 from 1 to 3: exact difference vs the corrected right side",
                     lambda: on_datasets(_eq42_on_corrected, [*_data("zero_d1_1"), *zero_data],
                                         what="difference = (beta/2) sum_i [log E s^2 - E log s^2]"),
                     corroborating=True),
                Step("E_x of the model's losses, E[x] = 0: the exact difference, every (D0, d1, d2) up to 3",
                     lambda: _at_sizes("diff_zero_log")),
            ),
            control=Control("coefficient beta in place of beta/2",
                            lambda: on_datasets(partial(_eq42_on_corrected, coefficient=beta),
                                                [*_data("zero_d1_1"), *zero_data],
                                                what="difference = beta sum_i [log E s^2 - E log s^2]")),
            corrects="ddv.eq42",
        ),
    ]


def _eq42_on_corrected(ds: Dataset, *, coefficient: sp.Expr = beta / 2) -> tuple[sp.Expr, sp.Expr, dict[str, str]]:
    """The exact difference vs coefficient * sum_i [log E sigma_i^2 - E log sigma_i^2] (beta at its drawn value)."""
    lhs, rhs, shown = _eq42_on(ds, coefficient=coefficient)
    return lhs, rhs.xreplace({beta: sp.Rational(shown["beta"])}), shown
