r"""Derivation: the ELBO of the linear model, Eq. 3 to Eq. 4 to Eq. 5, and the KL split into $l_{\mathrm{mean}}$
and $l_{\mathrm{var}}$.

The left side of every step is the model's loss built from the Gaussian rules (``LinearLVM``); the right side is
the paper's printed expression, transcribed at explicit sizes.
"""

from __future__ import annotations

from functools import partial

import sympy as sp

from symbolic_vae._core.claim import Claim, Control, PaperRef, Step, equation, erratum
from symbolic_vae._engine.identity import SizedIdentity, all_sizes, prove_identity
from symbolic_vae._engine.monte_carlo import monte_carlo_check
from symbolic_vae._engine.rows import Build, at_sizes, control_at_sizes
from symbolic_vae._model.gaussian import expect_over_noise, kl_diagonal_gaussians
from symbolic_vae._model.lvm import LinearLVM, beta, eta_dec, eta_enc, expect_over_data, trace_form
from symbolic_vae._model.polynomial import expand_polynomial

SIZES = all_sizes(3)
d2_sym = sp.Symbol("d_2", positive=True, integer=True)


def l_var(model: LinearLVM, *, log_sign: int = -1) -> sp.Expr:
    """The paper's l_var: sum_i beta/2 (sigma_i^2/eta_enc^2 - 1 - log(sigma_i^2/eta_enc^2)) (``log_sign`` = +1 flips
    the log: a negative control)."""
    return sum((beta / 2 * (s**2 / eta_enc**2 - 1 + log_sign * sp.log(s**2 / eta_enc**2)) for s in model.sigma),
               sp.Integer(0))


def l_mean(model: LinearLVM) -> sp.Expr:
    """The paper's l_mean in data moments: kappa Tr(W^T A W), kappa = beta eta_dec^2/eta_enc^2."""
    return beta * eta_dec**2 / eta_enc**2 * (model.W.T * model.moments.A * model.W).trace()


def printed_eq4_integrand(model: LinearLVM, *, mean_coefficient: sp.Expr | None = None) -> sp.Expr:
    """Eq. 4 for one data point, with its E_eps evaluated by the Gaussian moment rule.

    (1 / 2 eta_dec^2) E_eps[||U(W^T x + eps) - y||^2 + beta eta_dec^2/eta_enc^2 ||W^T x||^2] + l_var.
    ``mean_coefficient`` replaces beta eta_dec^2/eta_enc^2 (for negative controls).
    """
    coef = beta * eta_dec**2 / eta_enc**2 if mean_coefficient is None else mean_coefficient
    mean = model.W.T * model.x
    resid = model.U * (mean + sp.Matrix(model.eps)) - model.y
    inner = (resid.T * resid)[0] + coef * (mean.T * mean)[0]
    return expand_polynomial(expect_over_noise(inner, model.eps, [s**2 for s in model.sigma]) / (2 * eta_dec**2)
                     + l_var(model))


def printed_eq5(model: LinearLVM, *, noise_matrix: sp.Matrix | None = None) -> sp.Expr:
    """Eq. 5 in data moments: (1/2 eta_dec^2)[E||U W^T x - y||^2 + Tr(U Sigma U^T) + l_mean] + l_var."""
    Sigma = model.Sigma if noise_matrix is None else noise_matrix
    resid = model.U * model.W.T * model.x - model.y
    fit = expect_over_data((resid.T * resid)[0], list(model.x), list(model.y), model.moments)
    return expand_polynomial((fit + (model.U * Sigma * model.U.T).trace() + l_mean(model)) / (2 * eta_dec**2)
                     + l_var(model))


def _partition(model: LinearLVM) -> sp.Expr:
    return sp.Rational(model.target_dim, 2) * sp.log(2 * sp.pi * eta_dec**2)


def _eq3_vs_eq4(size: tuple[int, ...], *, control: bool = False, partition_sign: int = 1) -> SizedIdentity:
    model = LinearLVM(*size)
    rhs = printed_eq4_integrand(model, mean_coefficient=beta * eta_enc**2 / eta_dec**2 if control else None)
    return SizedIdentity(size, model.per_sample_loss, rhs + partition_sign * _partition(model))


def _eq4_vs_eq5(size: tuple[int, ...], *, control: bool = False) -> SizedIdentity:
    model = LinearLVM(*size, decoder_partition=False)
    lhs = expect_over_data(printed_eq4_integrand(model), list(model.x), list(model.y), model.moments)
    noise = sp.diag(*model.sigma) if control else None
    return SizedIdentity(size, lhs, printed_eq5(model, noise_matrix=noise))


def _kl_split(size: tuple[int, ...], *, control: bool = False) -> SizedIdentity:
    model = LinearLVM(*size)
    lhs = beta * expect_over_data(model.kl_term, list(model.x), list(model.y), model.moments)
    var_part = l_var(model, log_sign=1 if control else -1)
    return SizedIdentity(size, lhs, expand_polynomial(l_mean(model) / (2 * eta_dec**2) + var_part))


def _trace_form_vs_model(size: tuple[int, ...], *, control: bool = False) -> SizedIdentity:
    model = LinearLVM(*size)
    form = trace_form(*size)
    rhs = form.at(model)
    if control:
        rhs += (model.U * model.Sigma * model.U.T).trace() / (2 * eta_dec**2)
    return SizedIdentity(size, model.expected_loss(), rhs)


def _kl_one_coordinate(*, control: bool = False) -> tuple[sp.Expr, sp.Expr]:
    m = sp.Symbol("m", real=True)
    s, eta = sp.symbols("s eta", positive=True)
    kl = kl_diagonal_gaussians([m], [s**2], [0], [eta**2])
    sign = 1 if control else -1
    return kl, m**2 / (2 * eta**2) + sp.Rational(1, 2) * (s**2 / eta**2 - 1 + sign * sp.log(s**2 / eta**2))


wz = partial(PaperRef, "wz2022")


def _identity_of_sec3(claim_id: str, title: str, equations: tuple[str, ...], statement: sp.Basic, *,
                      assumptions: tuple[str, ...], steps: tuple[Step, ...], perturbed: str, perturbation: Build,
                      printed: str = "") -> Claim:
    """An identity of Sec. 3 decided at explicit sizes; the control is the identity ``perturbation`` (``perturbed``
    in words) at the first four sizes."""
    return Claim(id=claim_id, title=title, ref=wz("Sec. 3", equations), statement=statement, assumptions=assumptions,
                 printed=printed, steps=steps, control=control_at_sizes(perturbed, perturbation, SIZES[:4]))


def claims() -> list[Claim]:
    L3, L4, L5 = sp.symbols("L_{(3)} L_{(4)} L_{(5)}")
    kl_1d, kl_1d_printed = _kl_one_coordinate()
    return [
        *erratum(
            _identity_of_sec3(
                "elbo.eq3_eq4_as_printed", "Eq. 3 = Eq. 4 read literally (the decoder's log-partition left out)",
                ("3", "4"), equation(L3, L4), assumptions=((r"$\beta$, $\eta_{\mathrm{enc}}$, $\eta_{\mathrm{dec}}$, "
                                                         r"$\sigma_i > 0$"),),
                printed="Eq. 3 = Eq. 4",
                steps=(Step("per-sample loss from the Gaussian rules vs Eq. 4 with nothing added, every size up to 3",
                            at_sizes(partial(_eq3_vs_eq4, partition_sign=0), SIZES, what="Eq.3 = Eq.4")),),
                perturbed="the log-partition added with the wrong sign",
                perturbation=partial(_eq3_vs_eq4, partition_sign=-1)),
            _identity_of_sec3(
                "elbo.eq3_to_eq4",
                r"The expectation over $\epsilon$ and the Gaussian log-density turn Eq. 3 into Eq. 4",
                ("3", "4"), equation(L3, L4 + d2_sym / 2 * sp.log(2 * sp.pi * eta_dec**2)),
                assumptions=(r"$\beta$, $\eta_{\mathrm{enc}}$, $\eta_{\mathrm{dec}}$, $\sigma_i > 0$",
                             r"$\Sigma$ diagonal", "any data"),
                printed=r"Eq. 3 = Eq. 4; the decoder's log-partition $(d_2/2) \log(2\pi \eta_{\mathrm{dec}}^2)$ is "
                        r"dropped, as the text after Eq. 5 says, since it does not depend on (U, W, $\Sigma$)",
                steps=(Step("per-sample loss from the Gaussian rules equals Eq. 4 plus the decoder's log-partition, "
                            "at every ($D_0$, $d_1$, $d_2$) up to 3",
                            at_sizes(_eq3_vs_eq4, SIZES, what=(r"Eq.3 = Eq.4 + $(d_2/2)\log(2 \pi "
                                                               r"\eta_{\mathrm{dec}}^2)$"))),),
                perturbed=(r"KL-mean coefficient $\beta \eta_{\mathrm{dec}}^2/\eta_{\mathrm{enc}}^2$ inverted to "
                           r"$\beta \eta_{\mathrm{enc}}^2/\eta_{\mathrm{dec}}^2$"),
                perturbation=partial(_eq3_vs_eq4, control=True)),
            cause="log-partition-dropped", parameters=("U", "W", "Sigma",),
        ),
        _identity_of_sec3(
            "elbo.eq4_to_eq5", r"Averaging over $\epsilon$ and x turns Eq. 4 into the trace form Eq. 5", ("4", "5"),
            equation(L4, L5), assumptions=(r"$A = \mathbb{E}[xx^\top]$", r"$\Sigma = \mathrm{diag}(\sigma_i^2)$"),
            steps=(Step(r"$\mathbb{E}_{\epsilon} \| U(W^\top x + \epsilon) - y\|^2 = \| U W^\top x - y\|^2$ + "
                        r"$\mathrm{Tr}(U \Sigma U^\top)$ and $\mathbb{E}_x \| W^\top x\|^2 = \mathrm{Tr}(W^\top A "
                        "W)$, at every size up to 3",
                        at_sizes(_eq4_vs_eq5, SIZES, what="Eq.4 = Eq.5")),
                   Step("the general trace form equals the model's loss from first principles at every size up to 3",
                        at_sizes(_trace_form_vs_model, SIZES, what="trace form = model loss"))),
            perturbed=(r"$\mathrm{Tr}(U \Sigma U^\top)$ with $\Sigma = \mathrm{diag}(\sigma_i)$ (standard deviations, "
                       "not variances)"),
            perturbation=partial(_eq4_vs_eq5, control=True)),
        _identity_of_sec3(
            "elbo.kl_split",
            r"$\beta\, \mathbb{E}_x \mathrm{KL}(q(z|x) \,\|\, p(z))$ splits into $l_{\mathrm{mean}} / "
            r"(2 \eta_{\mathrm{dec}}^2)$ and $l_{\mathrm{var}}$", ("5",),
            equation(sp.Symbol(r"\beta\,\mathbb{E}_x D_{KL}"),
                  sp.Symbol(r"\ell_{mean}") / (2 * eta_dec**2) + sp.Symbol(r"\ell_{var}")),
            assumptions=(r"$q(z|x) = N(W^\top x, \Sigma)$", r"p(z) = N(0, $\eta_{\mathrm{enc}}^2 I$)"),
            steps=(Step((r"one coordinate, general symbols: KL(N(m, $s^2$) $\|$ N(0, $\eta^2$)) from "
                         r"$\mathbb{E}_q[\log q - \log p]$"),
                        lambda: prove_identity(kl_1d, kl_1d_printed, what="1-d KL"), kl_1d, kl_1d_printed),
                   Step("the split at every ($D_0$, $d_1$, $d_2$) up to 3",
                        at_sizes(_kl_split, SIZES, what="KL split"))),
            perturbed=r"$l_{\mathrm{var}}$ with $+\log(\sigma_i^2/\eta_{\mathrm{enc}}^2)$ instead of -log",
            perturbation=partial(_kl_split, control=True)),
        Claim(
            id="elbo.monte_carlo",
            title="The closed-form loss agrees with a Monte Carlo estimate of the ELBO's definition",
            ref=wz("Sec. 3", ("3", "5")),
            statement=equation(L3, L5 + d2_sym / 2 * sp.log(2 * sp.pi * eta_dec**2)),
            assumptions=(r"random datasets, sizes, biases on and off, $\beta$ and etas away from 1",),
            steps=(
                Step(r"closed form vs sampled -log $p(y|z) + \beta$ (log q(z|x) - log p(z)), scipy log-densities",
                     lambda: monte_carlo_check(perturb=False)),
            ),
            control=Control((r"closed form without the $\mathrm{Tr}(U \Sigma U^\top)$ / ($2 \eta_{\mathrm{dec}}^2$) "
                             "term"),
                            lambda: monte_carlo_check(perturb=True)),
        ),
    ]
