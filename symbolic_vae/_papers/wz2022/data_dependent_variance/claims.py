"""The claim table of App. C (``ddv.*``), in ledger order: Eq. 27 and Eq. 30 as printed with their corrections,
Eq. 31 (zero and any mean), Eq. 32-34, Lemma 1, Proposition 5 (zero and any mean), and Eq. 42 as printed with its
correction."""

from __future__ import annotations

from functools import partial
from typing import Any

import sympy as sp

from symbolic_vae._core.claim import Check, Claim, Control, PaperRef, Step, equation, erratum, explain_survivors
from symbolic_vae._core.notation import SquaredNorm
from symbolic_vae._engine.dataset_checks import Exact, on_datasets
from symbolic_vae._model.lvm import beta, eta_dec, eta_enc
from symbolic_vae._papers.wz2022.data_dependent_variance.checks import (
    _at_sizes,
    _data,
    _eq34_on,
    _eq42_on,
    _eq42_on_corrected,
    _g_nonnegative,
    _lemma1_general,
    _lemma1_on,
    _per_sample_vs_printed,
    _prop5_on,
    _variances_on,
)

DDV = (r"$\sigma(x) = |C x + f|$, $C \in \mathbb{R}^{d_1 \times D_0}$, $f \in \mathbb{R}^{d_1}$",
       r"$\beta, \eta_{\mathrm{enc}}, \eta_{\mathrm{dec}} > 0$")
NONZERO = (r"$C_i x + f_i \neq 0$ on the data (else $\log \sigma_i^2 = -\infty$ and the loss is $+\infty$)")
ZERO_MEAN = r"$\mathbb{E}[x] = 0$ (assumed in App. C)"
G_TEXT = r"$g(u) = u - 1 - \log u$"


def _on(exact: Exact, data: str | tuple[str, ...], what: str, **options: bool) -> Check:
    """``exact`` on the datasets of the kinds ``data`` (``_data``), drawn when the check runs; ``what`` says what is
    compared."""
    kinds = (data,) if isinstance(data, str) else data
    return lambda: on_datasets(exact, [ds for kind in kinds for ds in _data(kind)], what=what, **options)


def _per_sample(which: str, data: str, what: str) -> Check:
    """The model's dataset loss against the per-sample form ``which`` of ``_per_sample_vs_printed``."""
    return _on(partial(_per_sample_vs_printed, which=which), data, what)


LOG_SIGN = _per_sample("eq29_logsign", "any", r"model loss = Eq. 29 with $+\log$")
SIGMA_SQUARED = Control(r"$\sigma(x)^2$ in place of $\sigma(x)$ in the noise term",
                        _per_sample("eq30_sigma2", "any", r"model loss = Eq. 30 with $\sigma^2$"))
G_NONNEGATIVE = Step(r"$g(u) = u - 1 - \log u \ge 0$ for $u > 0$", _g_nonnegative)


def _variance_moment(claim_id: str, title: str, ref: PaperRef, statement: sp.Basic, *, assumptions: tuple[str, ...],
                     rows: str, data: str, cross: int, formula: str, sizes: str, key: str, control: Control,
                     printed: str = "") -> Claim:
    """E_x sigma_i^2 as stated: the row average of (C_i x + f_i)^2 on the datasets ``data`` against ``formula`` (the
    cross term 2 f_i C_i mu_x with coefficient ``cross``), then the moment rule ``key`` of ``_at_sizes``."""
    return Claim(id=claim_id, title=title, ref=ref, statement=statement, assumptions=assumptions, printed=printed,
                 steps=(Step(rows, _on(partial(_variances_on, cross=cross), data, formula), corroborating=True),
                        Step(sizes, partial(_at_sizes, key))),
                 control=control)


def _proposition5(claim_id: str, title: str, ref: PaperRef, statement: Any, *, assumptions: tuple[str, ...],
                  rows: str, rule: str, data: str, sizes: str, key: str, control: Control) -> Claim:
    """Proposition 5's inequality with f' of ``rule``: on the datasets ``data``, then the exact difference ``key`` of
    ``_at_sizes`` as a sum of g(u) >= 0."""
    return Claim(id=claim_id, title=title, ref=ref, statement=statement, assumptions=assumptions,
                 steps=(Step(rows, _on(partial(_prop5_on, rule=rule), data, r"$L(C,f) \geq L(0,f')$", inequality=True),
                             corroborating=True),
                        Step(sizes, partial(_at_sizes, key)), G_NONNEGATIVE),
                 control=control)


def _eq29_eq30(U: sp.MatrixSymbol, W: sp.MatrixSymbol, x: sp.MatrixSymbol, eps: sp.MatrixSymbol, D0: sp.Symbol,
               d1: sp.Symbol, d2: sp.Symbol, i: sp.Symbol) -> tuple[tuple[sp.Expr, ...], ...]:
    """The terms of the right sides of Eq. 29, Eq. 30 as printed and Eq. 30 corrected, for display (each followed by
    the decoder's log-partition in the statements): the per-sample forms that
    ``printed_eq29`` and ``printed_eq30`` build at explicit sizes (the printed cross term
    2 Tr(U (W^T x - y) eps^T sigma U^T) read as 2 Tr(U sigma eps (U W^T x - y)^T), as the check reads it)."""
    y, sig = sp.MatrixSymbol("y", d2, 1), sp.MatrixSymbol(r"\sigma(x)", d1, d1)
    e_xe, e_x = sp.Function(r"\mathbb{E}_{x,\epsilon}"), sp.Function(r"\mathbb{E}_x")
    s2 = sp.Symbol(r"\sigma_i^2(x)", positive=True)
    kappa = beta * eta_dec**2 / eta_enc**2
    ratio = sp.Mul(s2, 1 / eta_enc**2, evaluate=False)
    kl = sp.Sum(beta / 2 * e_x(sp.Add(ratio, -1, -sp.log(ratio, evaluate=False), evaluate=False)), (i, 1, d1))
    half = 1 / (2 * eta_dec**2)
    mean = W.T * x
    resid = U * mean - y
    eq29 = (half * e_xe(sp.Add(SquaredNorm(resid + U * sig * eps), kappa * SquaredNorm(mean), evaluate=False)), kl)
    bracket = (SquaredNorm(resid), sp.Trace(U * sig * eps * eps.T * sig.T * U.T), 2 * sp.Trace(U * sig * eps * resid.T))
    eq30 = (half * e_xe(sp.Add(*bracket, evaluate=False)), kappa * SquaredNorm(mean), kl)
    eq30_corrected = (half * e_xe(sp.Add(*bracket, kappa * SquaredNorm(mean), evaluate=False)), kl)
    return eq29, eq30, eq30_corrected


_MEAN_TERM = (
    "a term with a component mx_k of E[x]: the claim assumes E[x] = 0, where every such term is 0, so the mutant "
    "states the same Eq. 31; the mean terms are under test in ddv.expected_variance_any_mean")
SURVIVING_MUTANTS: dict[str, tuple[tuple[str, str], ...]] = {
    "ddv.expected_variance": tuple((f"*mx_{k}_0 -> ", _MEAN_TERM) for k in range(3)),
}
"""Mutants of the formulas these claims' checks use that the checks cannot notice, and why (``symbolic-vae
mutate``)."""


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
    eq31_zero = equation(Es2(C, f), fi**2 + q)
    eq31_gen = equation(Es2(C, f), fi**2 + 2 * fi * c_mu + q)
    diff = L(U, W, C, f) - L(U, W, sp.ZeroMatrix(d1, D0), sp.Symbol("f'"))
    corrected_diff = sp.Sum(beta / 2 * (sp.log(Es2(C, f)) - Elog(C, f)), (i, 1, d1))
    partition = d2 / 2 * sp.log(2 * sp.pi * eta_dec**2)
    eq29_rhs, eq30_rhs, eq30_corrected_rhs = _eq29_eq30(U, W, x, eps, D0, d1, d2, i)
    return explain_survivors([
        *erratum(
            Claim(
                id="ddv.eq27",
                title=r"Eq. 27 as printed: the encoder draws $z = W x + \sigma(x) \epsilon$",
                ref=wz("App. C", ("27",)),
                statement=equation(z, W * x + sp.Symbol(r"\sigma(x)") * eps),
                assumptions=(*DDV, "$W x$ is only defined when $D_0 = d_1$: checked there", NONZERO),
                printed=r"$z = W x + \sigma(x) \epsilon$; the model (Sec. 3, Eq. 28) has mean $W^\top x$",
                steps=(Step("the loss of Eq. 28-29 with encoder mean $W x$ (Eq. 27) vs the model's loss on integer "
                            "datasets, $D_0 = d_1 = 2$ and $3$",
                            _per_sample("eq27", "square", "model loss = Eq. 29 with mean $W x$")),),
                control=Control(r"the KL's log term with the sign flipped (Eq. 29 with mean $W^\top x$, $+\log$)",
                                LOG_SIGN),
            ),
            Claim(
                id="ddv.eq29",
                title=(r"Eq. 28-29: with $\sigma(x) = |C x + f|$ and encoder mean $W^\top x$, the model's loss is "
                       "Eq. 29"),
                ref=wz("App. C", ("26", "27", "28", "29"), "Eq. 27 corrected"),
                statement=sp.Eq(L(U, W, C, f), sp.Add(*eq29_rhs, partition, evaluate=False), evaluate=False),
                assumptions=(*DDV, NONZERO, r"$\epsilon \sim \mathcal{N}(0, I_{d_1})$"),
                printed=r"Eq. 29 drops the decoder's log-partition $\frac{d_2}{2} \log(2\pi\eta_{\mathrm{dec}}^2)$",
                steps=(
                    Step("integer datasets (nonzero mean): the model's dataset loss = Eq. 29 averaged over the rows",
                         _per_sample("eq29", "any", "model loss = Eq. 29"), corroborating=True),
                    Step("per data point, in general symbols $x, y$: model loss (Gaussian rules) = Eq. 29 + partition, "
                         "every ($D_0$, $d_1$, $d_2$) up to 3", partial(_at_sizes, "eq29")),
                ),
                control=Control("the KL's log term with the sign flipped", LOG_SIGN),
            ),
            cause="transpose-W", severity="notation",
            reason=(r"the encoder mean is written $W x$ where the model (Eq. 28) has $W^\top x$; read with $W^\top$, "
                    "Eq. 29 holds"),
        ),
        *erratum(
            Claim(
                id="ddv.eq30",
                title=(r"Eq. 30 as printed: $\kappa \lVert W^\top x\rVert^2$ stands outside the "
                       r"$1/(2\eta_{\mathrm{dec}}^2)$ bracket"),
                ref=wz("App. C", ("30",)),
                statement=sp.Eq(L(U, W, C, f), sp.Add(*eq30_rhs, partition, evaluate=False), evaluate=False),
                assumptions=(*DDV, NONZERO),
                printed=r"$\frac{1}{2\eta_{\mathrm{dec}}^2} \mathbb{E}[\lVert U W^\top x - y\rVert^2 + "
                        r"\mathrm{Tr}(U\sigma\epsilon\epsilon^\top\sigma U^\top) + 2\,\mathrm{Tr}(U(W^\top x - y)"
                        r"\epsilon^\top\sigma U^\top)] + \beta\frac{\eta_{\mathrm{dec}}^2}{\eta_{\mathrm{enc}}^2} "
                        r"\lVert W^\top x\rVert^2$ + KL part; the printed cross term is not dimensionally consistent "
                        r"($U(W^\top x - y)$ needs $d_1 = d_2$) and is read as "
                        r"$2 (U W^\top x - y)^\top U\sigma\epsilon$",
                steps=(Step(r"Eq. 30 ($\mathbb{E}_\epsilon$ by the Gaussian rule) averaged over integer datasets vs "
                            "the model's loss",
                            _per_sample("eq30", "any", "model loss = Eq. 30 as printed")),),
                control=SIGMA_SQUARED.of("Eq. 30"),
            ),
            Claim(
                id="ddv.eq30_corrected",
                title=(r"Eq. 30 corrected: $\kappa \lVert W^\top x\rVert^2$ inside the $1/(2\eta_{\mathrm{dec}}^2)$ "
                       "bracket"),
                ref=wz("App. C", ("29", "30"), "Eq. 30 corrected"),
                statement=sp.Eq(L(U, W, C, f), sp.Add(*eq30_corrected_rhs, partition, evaluate=False),
                                evaluate=False),
                assumptions=(*DDV, NONZERO),
                steps=(
                    Step("integer datasets: the model's loss = corrected Eq. 30 averaged over the rows",
                         _per_sample("eq30_inside", "any", "model loss = corrected Eq. 30"), corroborating=True),
                    Step("per data point, general $x, y$: model loss = corrected Eq. 30 + partition, every size up "
                         "to 3",
                         partial(_at_sizes, "eq30")),
                ),
                control=SIGMA_SQUARED,
            ),
            cause="kl-term-placement", severity="substantive",
            reason=r"$\kappa \lVert W^\top x\rVert^2$ weighted $1$ instead of $1/(2\eta_{\mathrm{dec}}^2)$: the "
                   r"difference depends on $W$ (unless $2\eta_{\mathrm{dec}}^2 = 1$), so the minimizers move",
        ),
        _variance_moment(
            "ddv.expected_variance",
            r"Eq. 31: $\mathbb{E}_x \sigma_i(x)^2 = f_i^2 + C_i A C_i^\top$ when $\mathbb{E}[x] = 0$",
            wz("App. C", ("31", "35")), eq31_zero, assumptions=(ZERO_MEAN, r"$A = \mathbb{E}[x x^\top]$"),
            rows=r"zero-mean integer datasets (rows $[X; -X]$): row average of $(C_i x + f_i)^2$ = Eq. 31",
            data="zero", cross=0, formula=r"$\mathbb{E}\sigma^2$ = Eq. 31",
            sizes=r"moment rule on the model's encoder variances, $\mathbb{E}[x] = 0$, every $(D_0, d_1)$ up to 3",
            key="eq31_zero",
            control=Control(r"the assumption $\mathbb{E}[x] = 0$ dropped: Eq. 31 on data with nonzero mean",
                            _on(partial(_variances_on, cross=0), "any",
                                r"$\mathbb{E}\sigma^2$ = Eq. 31 (nonzero mean)"))),
        _variance_moment(
            "ddv.expected_variance_any_mean",
            r"$\mathbb{E}_x \sigma_i(x)^2 = f_i^2 + 2 f_i C_i \mu_x + C_i A C_i^\top$ for data of any mean",
            wz("App. C", ("31",), r"sentence after Eq. 33 ($\mu_x$, $f_i C_i \mu_x$)"), eq31_gen,
            assumptions=("any data", r"$A = \mathbb{E}[x x^\top]$ (uncentred)", r"$\mu_x = \mathbb{E}[x]$"),
            printed=r"the sentence after Eq. 33 names a term $f_i C_i \mu_x$ that Eq. 31 does not show",
            rows="integer datasets with nonzero mean: row average of $(C_i x + f_i)^2$ = the general form", data="any",
            cross=2, formula=r"$\mathbb{E}\sigma^2 = f^2 + 2 f C \mu + C A C^\top$",
            sizes=r"moment rule on the model's encoder variances, general $\mathbb{E}[x]$, every $(D_0, d_1)$ up to 3",
            key="eq31_general",
            control=Control(r"cross term $f_i C_i \mu_x$ (coefficient 1, as the sentence after Eq. 33 reads)",
                            _on(partial(_variances_on, cross=1), "any",
                                r"$\mathbb{E}\sigma^2 = f^2 + f C \mu + C A C^\top$"))),
        Claim(
            id="ddv.noise_terms",
            title=r"Eq. 32-34: the noise term averages to $\mathrm{Tr}(U \Sigma^{\mathrm{DDV}} U^\top)$, the cross "
                  r"term to $0$, and the loss is Eq. 34",
            ref=wz("App. C", ("32", "33", "34")),
            statement=(equation(sp.Symbol(r"\mathbb{E}_{x,\epsilon}\mathrm{Tr}(U\sigma\epsilon\epsilon^\top\sigma "
                                       r"U^\top)"), sp.Trace(U * sp.Symbol(r"\Sigma^{DDV}") * U.T)),
                       equation(sp.Symbol(r"\mathbb{E}_{x,\epsilon}\,\text{cross}"), 0),
                       equation(L(U, W, C, f), sp.Symbol(r"\text{Eq. 34}") + partition)),
            assumptions=(*DDV, NONZERO,
                         r"Eq. 34 with Eq. 31 needs $\mathbb{E}[x] = 0$; with $\Sigma^{\mathrm{DDV}}_i = \mathbb{E}_x "
                         r"\sigma_i^2$ (cross term included) it holds for any data"),
            printed="Eq. 34 drops the decoder's log-partition; Eq. 33's integrand has the dimension problem of "
                    "Eq. 30",
            steps=(
                Step("integer datasets with nonzero mean: the model's dataset loss = Eq. 34 with "
                     r"$\Sigma^{\mathrm{DDV}}_i = f_i^2 + 2 f_i C_i \mu_x + C_i A C_i^\top$",
                     _on(_eq34_on, "any", "model loss = Eq. 34"), corroborating=True),
                Step(r"Eq. 32 (moment rule, any mean) and Eq. 33 ($\mathbb{E}_\epsilon$ of the cross term is $0$ for "
                     "every $x$), every size up to 3", partial(_at_sizes, "eq32_33")),
                Step(r"$\mathbb{E}[x] = 0$: $\mathbb{E}_x$ of the model's loss = Eq. 34 with Eq. 31, every size up "
                     "to 3",
                     partial(_at_sizes, "eq34_zero")),
                Step(r"any mean: $\mathbb{E}_x$ of the model's loss = Eq. 34 with the general $\Sigma^{\mathrm{DDV}}$, "
                     "every size up to 3",
                     partial(_at_sizes, "eq34_general")),
            ),
            control=Control(r"a factor $2$ on $\mathrm{Tr}(U \Sigma^{\mathrm{DDV}} U^\top)$",
                            _on(partial(_eq34_on, noise_factor=2), "any",
                                r"model loss = Eq. 34 with $2\,\mathrm{Tr}(U \Sigma U^\top)$")),
        ),
        Claim(
            id="ddv.lemma1",
            title=(r"Lemma 1: $f'_i = \sqrt{f_i^2 + C_i A C_i^\top}$ gives the same $\mathbb{E}_x \sigma_i^2$ with "
                   "$C = 0$"),
            ref=wz("App. C", ("35", "36", "37"), "Lemma 1"),
            statement=(equation(fpi, sp.sqrt(fi**2 + q)), equation(Es2(sp.ZeroMatrix(d1, D0), fpi), Es2(C, f))),
            assumptions=(ZERO_MEAN, r"$q_i = C_i A C_i^\top \geq 0$ since $A$ is PSD"),
            steps=(
                Step(r"general symbols $f_i$ real, $q_i \geq 0$: $f'_i$ is real and ${f'_i}^2 = f_i^2 + q_i$",
                     _lemma1_general),
                Step(r"zero-mean integer datasets: $\mathbb{E}\sigma_i^2(C, f) = (f'_i)^2$ on the rows",
                     _on(partial(_lemma1_on, rule="eq37"), "zero",
                         r"$\mathbb{E}\sigma^2(C,f) = \mathbb{E}\sigma^2(0,f')$"),
                     corroborating=True),
                Step(r"$A = R R^\top$ (any PSD $A$, singular included), $\mathbb{E}[x] = 0$: the model's "
                     r"$\mathbb{E}\sigma_i^2$ with $(C, f)$ and with $(0, f')$, every $(D_0, d_1)$ up to 3",
                     partial(_at_sizes, "lemma1")),
            ),
            control=Control(r"$f'_i = f_i + \sqrt{C_i A C_i^\top}$",
                            _on(partial(_lemma1_on, rule="shifted"), "zero",
                                r"$\mathbb{E}\sigma^2(C,f) = (f + \sqrt{C A C^\top})^2$")),
        ),
        _proposition5(
            "ddv.prop5",
            r"Proposition 5: $L^{\mathrm{DDV}}(U, W, C, f) \geq L^{\mathrm{DDV}}(U, W, 0, f')$ with $f'$ of Eq. 37, "
            "for every $U, W, C, f$", wz("App. C", ("37", "38", "39", "40", "41", "42"), "Proposition 5"),
            sp.Ge(L(U, W, C, f), L(U, W, sp.ZeroMatrix(d1, D0), sp.Symbol("f'"))),
            assumptions=(*DDV, ZERO_MEAN, NONZERO, f"{G_TEXT} (Jensen's inequality)"),
            rows=r"zero-mean integer datasets, random parameters: $L(C, f) \geq L(0, f')$ at 30 and 60 digits",
            rule="eq37", data="many_zero",
            sizes=r"exact difference, $\mathbb{E}[x] = 0$: $L(C,f) - L(0,f') = \frac{\beta}{2} \sum_i \mathbb{E}_x "
                  r"g(\sigma_i^2 / {f'_i}^2)$, every $(D_0, d_1, d_2)$ up to 3", key="diff_zero_g",
            control=Control(r"the inequality reversed: $L(C, f) \leq L(0, f')$",
                            _on(partial(_prop5_on, rule="eq37", reverse=True), "zero", r"$L(0,f') \geq L(C,f)$",
                                inequality=True))),
        _proposition5(
            "ddv.prop5_any_mean",
            r"Proposition 5 for data of any mean, with $f'_i = \sqrt{\mathbb{E}_x \sigma_i^2} = \sqrt{f_i^2 + 2 f_i "
            r"C_i \mu_x + C_i A C_i^\top}$",
            wz("App. C", ("31", "37", "38"), r"Proposition 5, $\mathbb{E}[x] = 0$ dropped"),
            (sp.Ge(L(U, W, C, f), L(U, W, sp.ZeroMatrix(d1, D0), sp.Symbol("f'"))),
             equation(fpi, sp.sqrt(eq31_gen.rhs))),
            assumptions=(*DDV, "any data", NONZERO),
            rows=r"integer datasets with nonzero mean: $L(C, f) \geq L(0, f')$ at 30 and 60 digits", rule="mean",
            data="many",
            sizes=r"exact difference, any mean: $L(C,f) - L(0,f') = \frac{\beta}{2} \sum_i \mathbb{E}_x "
                  r"g(\sigma_i^2/{f'_i}^2)$, every $(D_0, d_1, d_2)$ up to 3", key="diff_general_g",
            control=Control(r"$f'$ of Eq. 37 (cross term $2 f_i C_i \mu_x$ dropped) on data with nonzero mean",
                            _on(partial(_prop5_on, rule="eq37", big_decoder=True), "any",
                                r"$L(C,f) \geq L(0,f'_{\text{Eq. 37}})$, nonzero mean", inequality=True))),
        *erratum(
            Claim(
                id="ddv.eq42",
                title=r"Eq. 39-42 as printed: $L(C, f) - L(0, f') = -\mathbb{E}_x \log \sigma_i^2 + \log \mathbb{E}_x "
                      r"\sigma_i^2$",
                ref=wz("App. C", ("39", "40", "41", "42"), "Proposition 5 (proof)"),
                statement=equation(diff, -Elog(C, f) + sp.log(Es2(C, f))),
                assumptions=(*DDV, r"$\mathbb{E}[x] = 0$", NONZERO,
                             "$d_1 = 1$, so that the free index $i$ is unambiguous"),
                printed=(r"Eq. 39-40 write $-\frac{\beta}{2} \mathbb{E} \log \sigma_i^2$ without the sum over $i$; "
                         r"Eq. 42 also drops $\beta/2$"),
                steps=(Step("zero-mean integer datasets with $d_1 = 1$: the exact difference of the model's losses vs "
                            "the printed right side",
                            _on(_eq42_on, "zero_d1_1",
                                r"$L(C,f) - L(0,f') = \log \mathbb{E}\sigma^2 - \mathbb{E}\log \sigma^2$")),),
                control=Control("the printed right side with its sign flipped",
                                _on(partial(_eq42_on, sign=-1), "zero_d1_1",
                                    r"$L(C,f) - L(0,f') = \mathbb{E}\log \sigma^2 - \log \mathbb{E}\sigma^2$")),
            ),
            Claim(
                id="ddv.eq42_corrected",
                title=(r"Eq. 42 corrected: $L(C, f) - L(0, f') = \frac{\beta}{2} \sum_i [\log \mathbb{E}_x \sigma_i^2 "
                       r"- \mathbb{E}_x \log \sigma_i^2]$"),
                ref=wz("App. C", ("39", "40", "42"), "Proposition 5 (proof), corrected"),
                statement=equation(diff, corrected_diff),
                assumptions=(*DDV, r"$\mathbb{E}[x] = 0$", NONZERO),
                steps=(
                    Step("zero-mean integer datasets, $d_1$ from 1 to 3: exact difference vs the corrected right side",
                         _on(_eq42_on_corrected, ("zero_d1_1", "zero"),
                             r"difference = $\frac{\beta}{2} \sum_i [\log \mathbb{E}s^2 - \mathbb{E}\log s^2]$"),
                         corroborating=True),
                    Step(r"$\mathbb{E}_x$ of the model's losses, $\mathbb{E}[x] = 0$: the exact difference, every "
                         "$(D_0, d_1, d_2)$ up to 3",
                         partial(_at_sizes, "diff_zero_log")),
                ),
                control=Control(r"coefficient $\beta$ in place of $\beta/2$",
                                _on(partial(_eq42_on_corrected, coefficient=beta), ("zero_d1_1", "zero"),
                                    r"difference = $\beta \sum_i [\log \mathbb{E}s^2 - \mathbb{E}\log s^2]$")),
            ),
            cause="dropped-factor", severity="notation",
            reason=r"the sum over $i$ and the factor $\beta/2$ are dropped; the difference keeps its sign (Jensen), so "
                   "Proposition 5's conclusion stands",
        ),
    ], SURVIVING_MUTANTS)
