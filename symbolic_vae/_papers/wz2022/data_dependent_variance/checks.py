"""The checks of App. C: the explicit-size identities (Eq. 29-34, Lemma 1 and the exact difference of Proposition 5
in general symbols), g(u) = u - 1 - log u >= 0, and the same statements on integer datasets (built, symmetrized to
E[x] = 0, with seeded parameters), whose sides are compared exactly."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import partial

import numpy as np
import sympy as sp

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
    param_rng,
)
from symbolic_vae._engine.identity import SizedIdentity, prove_at_sizes, prove_identity
from symbolic_vae._model.lvm import DataMoments, LinearLVM, beta, expect_over_data
from symbolic_vae._papers.wz2022.data_dependent_variance.forms import (
    SIZES,
    SIZES_2,
    _expect_unit_noise,
    _fprime_expected_loss,
    _fprime_values,
    ddv_model,
    expect_with_logs,
    expected_loss,
    expected_variances,
    fprime_square,
    log_sigma2,
    mean_log_sigma2,
    per_sample,
    printed_eq29,
    printed_eq30,
    printed_eq31,
    printed_eq34,
    std_arguments,
    zero_mean,
)


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
                           r"min over $u > 0$ of $u - 1 - \log u$ is $0$ (at $u = 1$), so "
                           r"$\mathbb{E}_x g(\sigma^2/\mathbb{E}\,\sigma^2) \ge 0$")
    return CheckResult(Status.INCONCLUSIVE, "symbolic (sympy.calculus minimum)", f"minimum computed as {low}")


def _lemma1_general() -> CheckResult:
    """f' = sqrt(f^2 + q) with q = C_i A C_i^T >= 0 is real and (f')^2 = f^2 + q."""
    f = sp.Symbol("f", real=True)
    q = sp.Symbol("q", nonnegative=True)
    fp = sp.sqrt(f**2 + q)
    if not fp.is_real:
        return CheckResult(Status.INCONCLUSIVE, "symbolic", "$f'$ not shown real")
    result = prove_identity(fp**2, f**2 + q, what=r"$(f')^2 = f^2 + C_i A C_i^\top$")
    if result.status is Status.PROVED:
        return CheckResult(Status.PROVED, result.method, result.summary + r"; $f'$ is real since $f^2 + q \ge 0$")
    return result


_AT_SIZES = {
    "eq29": (_eq29_identity, SIZES, r"model per-sample loss = Eq. 29 + $(d_2/2) \log(2\pi\eta_{\mathrm{dec}}^2)$"),
    "eq30": (_eq30_identity, SIZES, r"model per-sample loss = Eq. 30 ($\kappa$ term inside the bracket)"),
    "eq31_zero": (partial(_eq31_identity, general=False), SIZES_2,
                  r"$\mathbb{E}[x] = 0$: $\mathbb{E}\,\sigma_i^2 = f_i^2 + C_i A C_i^\top$"),
    "eq31_general": (partial(_eq31_identity, general=True), SIZES_2,
                     r"$\mathbb{E}\,\sigma_i^2 = f_i^2 + 2 f_i C_i \mu_x + C_i A C_i^\top$"),
    "eq32_33": (_eq32_33_identity, SIZES, "Eq. 32 and Eq. 33"),
    "eq34_zero": (partial(_eq34_identity, general=False), SIZES,
                  r"$\mathbb{E}[x] = 0$: model loss = Eq. 34 with Eq. 31"),
    "eq34_general": (partial(_eq34_identity, general=True), SIZES,
                     r"model loss = Eq. 34 with $\Sigma^{\mathrm{DDV}}_i = \mathbb{E}\,\sigma_i^2$ (any mean)"),
    "lemma1": (_lemma1_identity, SIZES_2,
               r"$A = R R^\top$, $\mathbb{E}[x] = 0$: $\mathbb{E}\,\sigma^2(C, f) = \mathbb{E}\,\sigma^2(0, f')$"),
    "diff_zero_g": (partial(_difference_identity, general=False, form="g"), SIZES,
                    r"$\mathbb{E}[x] = 0$, $f'$ of Eq. 37: $L(C,f) - L(0,f') = (\beta/2) \sum_i \mathbb{E}\,"
                    r"g(\sigma_i^2/f_i'^2)$"),
    "diff_general_g": (partial(_difference_identity, general=True, form="g"), SIZES,
                       r"$f'^2 = \mathbb{E}\,\sigma^2$: $L(C,f) - L(0,f') = (\beta/2) \sum_i \mathbb{E}\,"
                       r"g(\sigma_i^2/f_i'^2)$"),
    "diff_zero_log": (partial(_difference_identity, general=False, form="log"), SIZES,
                      r"$\mathbb{E}[x] = 0$: $L(C,f) - L(0,f') = (\beta/2) \sum_i [\log \mathbb{E}\,\sigma_i^2 "
                      r"- \mathbb{E} \log \sigma_i^2]$"),
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


def _eq42_on_corrected(ds: Dataset, *, coefficient: sp.Expr = beta / 2) -> tuple[sp.Expr, sp.Expr, dict[str, str]]:
    """The exact difference vs coefficient * sum_i [log E sigma_i^2 - E log sigma_i^2] (beta at its drawn value)."""
    lhs, rhs, shown = _eq42_on(ds, coefficient=coefficient)
    return lhs, rhs.xreplace({beta: sp.Rational(shown["beta"])}), shown
