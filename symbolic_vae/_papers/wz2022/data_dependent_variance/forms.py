"""The expressions of App. C (Eq. 26-42): the data-dependent-std model's loss tidied (log|C_i x + f_i| written as
logsigma2_i / 2) and averaged over the data, the printed Eq. 29-31 and Eq. 34 as SymPy builders, the loss at
(C = 0, f') of Lemma 1; the symbols of this section, kappa, and the explicit sizes."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sympy as sp

from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._engine.campaigns import cached
from symbolic_vae._engine.identity import all_sizes
from symbolic_vae._model.gaussian import expect_over_noise
from symbolic_vae._model.lvm import DataMoments, LinearLVM, beta, eta_dec, eta_enc, expect_over_data
from symbolic_vae._model.polynomial import expand_polynomial

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
    for term in sp.Add.make_args(expand_polynomial(expr)):
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
    return expand_polynomial(out)


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
    return [expand_polynomial(f[i] ** 2 + cross * f[i] * (C[i, :] * mx)[0] + (C[i, :] * A * C[i, :].T)[0])
            for i in range(model.latent_dim)]


def _expect_unit_noise(expr_of: Callable[[sp.Matrix], sp.Expr], model: LinearLVM) -> sp.Expr:
    """E over eps ~ N(0, I_{d1}) (the Gaussian moment rule) of ``expr_of(diag(s))``, with sigma_i(x) held as a
    placeholder s_i (it does not depend on eps) and then put back as |C_i x + f_i|."""
    s = sp.symbols(f"s0:{model.latent_dim}", positive=True)
    noise, rest = [], []
    for term in sp.Add.make_args(expand_polynomial(expr_of(sp.diag(*s)))):  # linearity: only eps terms need the rule
        (noise if term.has(*model.eps) else rest).append(term)
    out = sp.Add(*rest) + expect_over_noise(sp.Add(*noise), model.eps, [1] * model.latent_dim)
    return expand_polynomial(out.xreplace({si: sp.Abs(u) for si, u in zip(s, std_arguments(model), strict=True)}))


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
    return expand_polynomial(rec + _kl_printed(model, log_sign=log_sign) + _partition(model))


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
    return expand_polynomial(rec + outside + _kl_printed(model) + _partition(model))


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
    return expand_polynomial(rec + kl + _partition(model))


@cached
def _fprime_expected_loss(size: tuple[int, int, int]) -> sp.Expr:
    """E_x L(U, W, C = 0, f'): the model's expected loss at C = 0, f'_i = sqrt(Mfp_i) ((f'_i)^2 kept symbolic);
    with C = 0, sigma_i(x) = f'_i for every x, so E_x log sigma_i^2 = log Mfp_i."""
    model = ddv_model(size)
    sub = {**dict.fromkeys(model.C, 0),
           **{model.f[i]: sp.sqrt(fprime_square(i)) for i in range(model.latent_dim)},
           **{mean_log_sigma2(i): sp.log(fprime_square(i)) for i in range(model.latent_dim)}}
    return expand_polynomial(expected_loss(size).xreplace(sub))


def _fprime_values(size: tuple[int, int, int], *, general: bool) -> dict[sp.Symbol, sp.Expr]:
    """(f'_i)^2: Eq. 37 (f^2 + C A C^T) when E[x] = 0, or E_x sigma_i^2 (cross term included) in general."""
    model = ddv_model(size)
    values = printed_eq31(model, model.moments, cross=2) if general else printed_eq31(model, model.moments)
    return {fprime_square(i): v for i, v in enumerate(values)}
