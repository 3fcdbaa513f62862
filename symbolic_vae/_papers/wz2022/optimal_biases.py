"""Derivation: learnable biases (App. B, Eq. 20-25, Proposition 4) and their equivalence with centring the data.

The loss is the model's own (``LinearLVM(..., biases=True)``: encoder N(W^T x + b_e, Sigma), decoder
N(U z + b_d, eta_dec^2 I)), averaged over the data in moment form with E[x], E[y] kept general (nonzero). The
gradients are obtained by differentiating that loss, never from the printed Eq. 22-25; the printed equations are
the right-hand sides being checked. Statements about data are refuted only on real (integer) datasets, with the
parameter values that were drawn recorded in the counterexample.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import sympy as sp

from symbolic_vae._core.claim import Claim, Control, PaperRef, Step, equation
from symbolic_vae._core.seeds import derive_seed
from symbolic_vae._core.verdict import CheckResult, Counterexample, Status, decimal_text
from symbolic_vae._engine.campaigns import cached
from symbolic_vae._engine.dataset_checks import (
    Dataset,
    describe_params,
    draw_rationals,
    draw_scalars,
    exact_matrix,
    largest_entry,
    moment_values,
    nonzero_mean_datasets,
    on_datasets,
    param_rng,
)
from symbolic_vae._engine.identity import SizedIdentity, prove_at_sizes
from symbolic_vae._model.gaussian import expect_over_noise
from symbolic_vae._model.lvm import DataMoments, LinearLVM, beta, eta_dec, eta_enc, expect_over_data
from symbolic_vae._papers.wz2022.data_dependent_variance.forms import KAPPA, SIZES

REFERENCES = {
    "_loss": "the model's expected loss with biases, from the Gaussian rules: the reference Eq. 20-25 are checked on",
    "_gradient": "the gradient in the biases of the model's loss, by differentiation: the reference Eq. 22-25 are "
                 "compared with",
    "_hessian": "the Hessian in the biases of the model's loss, by differentiation: a reference",
    "_dataset_loss": "the model's loss on a dataset, from the Gaussian rules: the reference Prop. 4 and the centring "
                     "are checked on (a mutant of it changes the ground truth, not a statement)",
    "_ds_loss": "the model's loss on a dataset (``_dataset_loss`` at the dataset's exact values): a reference",
    "_min_over_biases_vs_centred": "both sides of the centring statement, each computed from the model's dataset "
                                   "loss (a reference): the minimum over the biases and the bias-free loss on the "
                                   "centred data; no printed formula, and a mutant of a subexpression the two "
                                   "share changes both alike",
}
"""The objects of this module that are references, not formulas under test (mutation testing leaves them out)."""

# =====================================================================================================
# The biased model and its derivatives
# =====================================================================================================
@cached
def biased_model(size: tuple[int, int, int]) -> LinearLVM:
    return LinearLVM(*size, biases=True)


@cached
def _loss(size: tuple[int, int, int]) -> sp.Expr:
    """The model's loss averaged over the data, in moments with general E[x], E[y]."""
    return biased_model(size).expected_loss()


def _bias_symbols(model: LinearLVM) -> list[sp.Symbol]:
    return [*model.b_e, *model.b_d]


@cached
def _gradient(size: tuple[int, int, int]) -> sp.Matrix:
    """(dL/db_e ; dL/db_d), differentiated from the model's expected loss: [d1 + d2, 1]."""
    loss = _loss(size)
    return sp.Matrix([sp.diff(loss, b) for b in _bias_symbols(biased_model(size))])


def _optimum(model: LinearLVM, moments: DataMoments, *, sign_bd: int = 1) -> dict[sp.Symbol, sp.Expr]:
    """Proposition 4: b_e* = -W^T E[x], b_d* = E[y] (``sign_bd`` = -1 is the negative control)."""
    be = -model.W.T * moments.mean_x
    bd = sign_bd * moments.mean_y
    return {**dict(zip(model.b_e, be, strict=True)), **dict(zip(model.b_d, bd, strict=True))}


def printed_eq23_25(model: LinearLVM, moments: DataMoments, *, factor: sp.Expr = 1) -> sp.Matrix:
    """Eq. 23 and Eq. 25 as printed, stacked; ``factor`` multiplies the printed 1/eta_dec^2 (controls)."""
    U, W, be, bd = model.U, model.W, model.b_e, model.b_d
    mean_code = W.T * moments.mean_x + be
    g_e = ((U.T * U + KAPPA * sp.eye(model.latent_dim)) * mean_code + U.T * (bd - moments.mean_y))
    g_d = U * mean_code + (bd - moments.mean_y)
    return (factor / eta_dec**2 * g_e).col_join(factor / eta_dec**2 * g_d)


def expected_eq22_24(model: LinearLVM, moments: DataMoments) -> sp.Matrix:
    """Eq. 22 and Eq. 24: E_{x,eps} of the printed integrands, by the Gaussian moment rule and E_x rule."""
    eps = sp.Matrix(model.eps)
    resid = model.U * (model.W.T * model.x + model.b_e + eps) + model.b_d - model.y
    g_e = (model.U.T * resid + KAPPA * (model.W.T * model.x + model.b_e)) / eta_dec**2
    g_d = resid / eta_dec**2
    out = []
    for entry in g_e.col_join(g_d):
        noise_free = expect_over_noise(sp.expand(entry), model.eps, [s**2 for s in model.sigma])
        out.append(expect_over_data(noise_free, list(model.x), list(model.y), moments))
    return sp.Matrix(out)


def _gradient_identity(size: tuple[int, int, int]) -> SizedIdentity:
    model = biased_model(size)
    g = _gradient(size)
    m = model.moments
    return SizedIdentity(size, g.col_join(g), expected_eq22_24(model, m).col_join(printed_eq23_25(model, m)))


def _stationary_at_optimum(size: tuple[int, int, int]) -> SizedIdentity:
    model = biased_model(size)
    g = _gradient(size).xreplace(_optimum(model, model.moments))
    return SizedIdentity(size, g, sp.zeros(*g.shape))


@cached
def _hessian(size: tuple[int, int, int]) -> sp.Matrix:
    model = biased_model(size)
    bs = _bias_symbols(model)
    return sp.Matrix(len(bs), len(bs), lambda i, j: sp.diff(_gradient(size)[i], bs[j]))


def _hessian_identity(size: tuple[int, int, int]) -> SizedIdentity:
    """H is the constant block matrix [[U^T U + kappa I, U^T], [U, I]] / eta_dec^2; its lower-right block is
    I / eta_dec^2 and the Schur complement H_ee - H_ed H_dd^{-1} H_de is (beta / eta_enc^2) I."""
    model = biased_model(size)
    d1, d2 = model.latent_dim, model.target_dim
    H = _hessian(size)
    U = model.U
    block = sp.Matrix(sp.BlockMatrix([[U.T * U + KAPPA * sp.eye(d1), U.T], [U, sp.eye(d2)]])) / eta_dec**2
    H_ee, H_ed, H_de, H_dd = H[:d1, :d1], H[:d1, d1:], H[d1:, :d1], H[d1:, d1:]
    schur = sp.expand(H_ee - H_ed * H_dd.inv() * H_de)
    lhs = sp.Matrix([*H, *H_dd, *schur])
    rhs = sp.Matrix([*block, *(sp.eye(d2) / eta_dec**2), *(beta / eta_enc**2 * sp.eye(d1))])
    return SizedIdentity(size, lhs, rhs)


def _hessian_check() -> CheckResult:
    result = prove_at_sizes(_hessian_identity, SIZES,
                            what=r"Hessian in ($b_e$, $b_d$) = $[[U^\top U + \kappa I, U^\top], [U, "
                                 r"I]]/\eta_{\mathrm{dec}}^2$, Schur complement = $(\beta/\eta_{\mathrm{enc}}^2) I$")
    if result.status is not Status.PROVED_AT_SIZES:
        return result
    positive = (beta / eta_enc**2).is_positive and (1 / eta_dec**2).is_positive
    if not positive:
        return CheckResult(Status.INCONCLUSIVE, "explicit-size expansion",
                           (r"positivity of $\beta/\eta_{\mathrm{enc}}^2$ and $1/\eta_{\mathrm{dec}}^2$ not "
                            "established"))
    return CheckResult(Status.PROVED_AT_SIZES, result.method,
                       result.summary + r"; both blocks positive definite ($\beta$, $\eta > 0$), so the Hessian is "
                                        "constant and positive definite: the loss is strictly convex in ($b_e$, $b_d$)",
                       result.details)


@cached
def _at_sizes(name: str) -> CheckResult:
    if name == "gradients":
        return prove_at_sizes(_gradient_identity, SIZES,
                              what=r"$dL/d(b_e, b_d)$ = $\mathbb{E}$[Eq. 22, Eq. 24] = Eq. 23, Eq. 25")
    if name == "stationary":
        return prove_at_sizes(_stationary_at_optimum, SIZES, what=(r"gradient at ($-W^\top \mathbb{E}[x]$, "
                                                                   r"$\mathbb{E}[y]$) = 0"))
    if name == "hessian":
        return _hessian_check()
    if name == "centering":
        return prove_at_sizes(_centering_identity, SIZES,
                              what="$L(b_e^*, b_d^*)$ = bias-free loss with centred moments")
    raise KeyError(name)


# --- the same statements on datasets --------------------------------------------------------------------
DATA_SIZES = ((2, 1, 3), (3, 2, 1), (1, 3, 2), (2, 2, 2))  # (D0, d1, d2)


def _datasets() -> list[Dataset]:
    out = []
    for k, (D0, _, d2) in enumerate(DATA_SIZES):
        out += nonzero_mean_datasets([(4, D0, d2)], seed=300 + k)
    out += nonzero_mean_datasets([(4, 3, 2)], seed=399, per_shape=3, rank=1)  # singular A
    return out


def _d1_for(ds: Dataset) -> int:
    D0, d2 = ds.X.shape[1], ds.Y.shape[1]
    return next((d1 for (a, d1, c) in DATA_SIZES if (a, c) == (D0, d2)), 2)


def _draw_biased_params(model: LinearLVM, label: str, salt: str) -> dict[sp.Symbol, sp.Expr]:
    rng = param_rng(label, salt)
    vals = draw_rationals(rng, [*model.U, *model.W, *model.b_e, *model.b_d], -3, 3)
    vals.update(draw_rationals(rng, model.sigma, 0.5, 2))
    vals.update(draw_scalars(rng))
    return vals


@cached
def _dataset_loss(size: tuple[int, int, int], label: str, X: tuple, Y: tuple) -> sp.Expr:
    return biased_model(size).dataset_loss(sp.Matrix(X), sp.Matrix(Y))


def _ds_loss(ds: Dataset, size: tuple[int, int, int]) -> sp.Expr:
    X, Y = exact_matrix(ds.X), exact_matrix(ds.Y)
    return _dataset_loss(size, ds.label, tuple(map(tuple, X.tolist())), tuple(map(tuple, Y.tolist())))


def _gradient_on_dataset(ds: Dataset, *, factor: sp.Expr = 1) -> tuple[sp.Expr, sp.Expr, dict[str, str]]:
    """Gradient of the model's loss on the dataset (exact) vs the printed Eq. 23/25 with the dataset's means."""
    size = (ds.X.shape[1], _d1_for(ds), ds.Y.shape[1])
    model = biased_model(size)
    vals = _draw_biased_params(model, ds.label, "gradients")
    loss = _ds_loss(ds, size)
    derived = sp.Matrix([sp.diff(loss, b).xreplace(vals) for b in _bias_symbols(model)])
    printed = printed_eq23_25(model, model.moments, factor=factor).xreplace(
        {**moment_values(model.moments, ds), **vals})
    names = [f"dL/d{b}" for b in _bias_symbols(model)]
    lhs, rhs, name = largest_entry(derived, printed, names)
    return lhs, rhs, {**describe_params(vals), "entry": name, "sizes (D0,d1,d2)": str(size)}


def _gradient_at_claimed_optimum(ds: Dataset, *, sign_bd: int = 1) -> tuple[sp.Expr, sp.Expr, dict[str, str]]:
    """||grad||^2 of the model's loss on the dataset at (b_e, b_d) = (-W^T E[x], sign_bd E[y]); claimed 0."""
    size = (ds.X.shape[1], _d1_for(ds), ds.Y.shape[1])
    model = biased_model(size)
    vals = {k: v for k, v in _draw_biased_params(model, ds.label, "optimum").items()
            if k not in set(_bias_symbols(model))}
    opt = {k: v.xreplace({**moment_values(model.moments, ds), **vals})
           for k, v in _optimum(model, model.moments, sign_bd=sign_bd).items()}
    loss = _ds_loss(ds, size)
    grad = sp.Matrix([sp.diff(loss, b).xreplace({**vals, **opt}) for b in _bias_symbols(model)])
    shown = {**describe_params(vals), **{f"{k} (claimed optimum)": str(v) for k, v in opt.items()},
             "sizes (D0,d1,d2)": str(size)}
    return sp.expand((grad.T * grad)[0]), sp.Integer(0), shown


# --- ground truth: direct minimization over the biases ---------------------------------------------------
GT_SIZES = ((3, 2, 2), (2, 3, 1), (1, 2, 3), (3, 3, 3))
GT_INSTANCES = 3
GT_STARTS = 4
GT_TOL = 1e-6


@cached
def _numeric_loss(size: tuple[int, int, int]):
    """The model's per-sample loss as a numpy function of (x, y, parameters), vectorised over rows."""
    model = biased_model(size)
    args = [*model.x, *model.y, *model.U, *model.W, *model.sigma, *model.b_e, *model.b_d, beta, eta_enc, eta_dec]
    return sp.lambdify(args, model.per_sample_loss, "numpy")


def _ground_truth_check(seed: int = 7) -> CheckResult:
    """min over (b_e, b_d) of the model's loss, averaged over float datasets with nonzero mean, from several
    random starts (BFGS), for fixed random (U, W, Sigma); compare argmin and minimum with Proposition 4."""
    from scipy import optimize  # imported here, as in every check that needs it: it is slow to import

    rng = np.random.default_rng(derive_seed(seed))
    worst_arg, worst_val, n = 0.0, 0.0, 0
    for size in GT_SIZES:
        D0, d1, d2 = size
        f = _numeric_loss(size)
        for _ in range(GT_INSTANCES):
            X = rng.normal(size=(30, D0)) + rng.normal(0, 2, size=D0)
            Y = np.tanh(X @ rng.normal(size=(D0, d2))) + rng.normal(0, 2, size=d2) + 0.3 * rng.normal(size=(30, d2))
            U, W = rng.normal(size=(d2, d1)), rng.normal(size=(D0, d1))
            sig = rng.uniform(0.3, 2.0, d1)
            b_, e1, e2 = rng.uniform(0.3, 3.0, 3)
            fixed = [*U.ravel(), *W.ravel(), *sig]

            def objective(b, f=f, X=X, Y=Y, fixed=fixed, scal=(b_, e1, e2)):
                return float(np.mean(f(*X.T, *Y.T, *fixed, *b, *scal)))

            starts = [rng.normal(0, 3, d1 + d2) for _ in range(GT_STARTS)]
            runs = [optimize.minimize(objective, s, method="BFGS", options={"gtol": 1e-10}) for s in starts]
            best = min(runs, key=lambda r: r.fun)
            claimed = np.concatenate([-W.T @ X.mean(axis=0), Y.mean(axis=0)])
            gap_arg = float(np.max(np.abs(best.x - claimed)) / (1 + np.max(np.abs(claimed))))
            gap_val = float((objective(claimed) - best.fun) / (1 + abs(best.fun)))
            worst_arg, worst_val, n = max(worst_arg, gap_arg), max(worst_val, gap_val), n + 1
            if gap_val > GT_TOL or gap_arg > 1e3 * GT_TOL:
                gap, tol, gap_text = ((gap_val, GT_TOL, "(lhs - rhs) / (1 + |rhs|)") if gap_val > GT_TOL else
                                      (gap_arg, 1e3 * GT_TOL, "max |argmin found - claimed| / (1 + max |claimed|)"))
                cx = Counterexample({"sizes (D0,d1,d2)": str(size), "seed": str(seed), "instance": str(n),
                                     "argmin found": str(best.x.tolist()), "claimed": str(claimed.tolist())},
                                    f"{objective(claimed):.17g}", f"{best.fun:.17g}", 17,
                                    note=f"float64 BFGS; lhs = loss at the claimed optimum, rhs = minimum found; gap = "
                                         f"{gap_text}", gap=decimal_text(gap), tolerance=decimal_text(tol))
                return CheckResult(Status.REFUTED, "ground truth (multistart BFGS)",
                                   f"the claimed optimum is {gap_val:.3g} above the minimum found", {}, cx)
    return CheckResult(Status.CHECKED, "ground truth (multistart BFGS)",
                       f"{n} instances (sizes {list(GT_SIZES)}), {GT_STARTS} starts each, nonzero-mean data: "
                       rf"argmin matches $(-W^\top \mathbb{{E}}[x], \mathbb{{E}}[y])$ to {worst_arg:.1e}, minimum to "
                       f"{worst_val:.1e}",
                       {"instances": n, "starts": GT_STARTS, "seed": seed, "worst_argmin_gap": worst_arg,
                        "worst_value_gap": worst_val})


# --- centring -------------------------------------------------------------------------------------------
def _centred(moments: DataMoments) -> dict[sp.Symbol, sp.Expr]:
    """The substitution of the raw moments by the centred ones: A -> A - mx mx^T, B -> B - mx my^T,
    S_yy -> S_yy - my my^T, E[x], E[y] -> 0."""
    mx, my = moments.mean_x, moments.mean_y
    sub: dict[sp.Symbol, sp.Expr] = {}
    for sym_mat, val in ((moments.A, moments.A - mx * mx.T), (moments.B, moments.B - mx * my.T),
                         (moments.S_yy, moments.S_yy - my * my.T), (mx, sp.zeros(*mx.shape)),
                         (my, sp.zeros(*my.shape))):
        for s, v in zip(sym_mat, val, strict=True):
            sub[s] = v
    return sub


def _centering_identity(size: tuple[int, int, int]) -> SizedIdentity:
    """L_biased(b*) vs the bias-free loss (the same model at b_e = b_d = 0) with centred moments."""
    model = biased_model(size)
    loss = _loss(size)
    at_opt = loss.xreplace(_optimum(model, model.moments))
    no_bias = loss.xreplace(dict.fromkeys(_bias_symbols(model), 0))
    return SizedIdentity(size, at_opt, no_bias.xreplace(_centred(model.moments)))


@cached
def _unbiased_model(size: tuple[int, int, int]) -> LinearLVM:
    return LinearLVM(*size)


def _min_over_biases_vs_centred(ds: Dataset, *, centre_y: bool = True) -> tuple[sp.Expr, sp.Expr, dict[str, str]]:
    """Exact min over (b_e, b_d) of the biased model's dataset loss (solving grad = 0; the Hessian is positive
    definite) vs the bias-free model's loss on the centred dataset (x and, if ``centre_y``, y centred)."""
    size = (ds.X.shape[1], _d1_for(ds), ds.Y.shape[1])
    model = biased_model(size)
    vals = {k: v for k, v in _draw_biased_params(model, ds.label, "centering").items()
            if k not in set(_bias_symbols(model))}
    loss = _ds_loss(ds, size).xreplace(vals)
    bs = _bias_symbols(model)
    M, rhs = sp.linear_eq_to_matrix([sp.expand(sp.diff(loss, b)) for b in bs], bs)
    sol = M.LUsolve(rhs)
    minimum = loss.xreplace(dict(zip(bs, sol, strict=True)))
    X, Y = exact_matrix(ds.X), exact_matrix(ds.Y)
    n = X.shape[0]
    Xc = X - sp.ones(n, 1) * (sp.ones(1, n) * X) / n
    Yc = Y - sp.ones(n, 1) * (sp.ones(1, n) * Y) / n if centre_y else Y
    plain = _unbiased_model(size)  # its symbols are the biased model's (same names and assumptions)
    centred = plain.dataset_loss(Xc, Yc).xreplace(vals)
    return minimum, centred, {**describe_params(vals), "sizes (D0,d1,d2)": str(size)}


# =====================================================================================================
# Claims
# =====================================================================================================
def claims() -> list[Claim]:
    wz = partial(PaperRef, "wz2022")
    D0, d1, d2 = sp.symbols("D_0 d_1 d_2", positive=True, integer=True)
    U, W = sp.MatrixSymbol("U", d2, d1), sp.MatrixSymbol("W", D0, d1)
    be, bd = sp.MatrixSymbol("b_e", d1, 1), sp.MatrixSymbol("b_d", d2, 1)
    mx, my = sp.MatrixSymbol(r"\mathbb{E}[x]", D0, 1), sp.MatrixSymbol(r"\mathbb{E}[y]", d2, 1)
    g_e, g_d = sp.MatrixSymbol(r"\partial_{b_e}L", d1, 1), sp.MatrixSymbol(r"\partial_{b_d}L", d2, 1)
    A, B, S = sp.MatrixSymbol("A", D0, D0), sp.MatrixSymbol("B", D0, d2), sp.MatrixSymbol("S_{yy}", d2, d2)
    L_b, L_0 = sp.Function("L_{VAE}"), sp.Function("L_{VAE}^{no\\,bias}")
    code = W.T * mx + be
    eq23 = equation(g_e, ((U.T * U + KAPPA * sp.Identity(d1)) * code + U.T * (bd - my)) / eta_dec**2)
    eq25 = equation(g_d, (U * code + bd - my) / eta_dec**2)
    datasets = _datasets()
    common = (r"$\beta$, $\eta_{\mathrm{enc}}$, $\eta_{\mathrm{dec}}$, $\sigma_i > 0$", r"$\Sigma$ diagonal",
              "E[x], E[y] arbitrary (nonzero)",
              r"$A = \mathbb{E}[xx^\top]$ possibly singular")
    return [
        Claim(
            id="bias.gradients",
            title="Eq. 22-25: the gradients of the biased loss with respect to $b_e$ and $b_d$",
            ref=wz("App. B", ("20", "21", "22", "23", "24", "25"), "Proposition 4 (proof)"),
            statement=(eq23, eq25),
            assumptions=common,
            printed=(r"the $1/\eta_{\mathrm{dec}}^2$ in front of Eq. 22-25 is the derivative of the 1/(2 "
                     r"$\eta_{\mathrm{dec}}^2$) of Eq. 20"),
            steps=(
                Step("the gradient of the model's loss on integer datasets with nonzero mean (exact, random "
                     "rational parameters) equals Eq. 23/25 evaluated with the dataset's means",
                     lambda: on_datasets(_gradient_on_dataset, datasets, what="$dL/db$ = Eq. 23/25"),
                     corroborating=True),
                Step(r"$d/d(b_e, b_d)$ of the model's expected loss (moment form, $\mathbb{E}[x]$, $\mathbb{E}[y]$ "
                     r"general) = $\mathbb{E}_{x,\epsilon}$ of the integrands of Eq. 22 and 24 = Eq. 23 and 25, at "
                     "every ($D_0$, $d_1$, $d_2$) up to 3",
                     lambda: _at_sizes("gradients")),
            ),
            control=Control(r"the printed factor $1/\eta_{\mathrm{dec}}^2$ replaced by 1/(2 $\eta_{\mathrm{dec}}^2$)",
                            lambda: on_datasets(partial(_gradient_on_dataset, factor=sp.Rational(1, 2)),
                                                datasets,
                                                what=r"$dL/db$ = Eq. 23/25 with $1/(2\eta_{\mathrm{dec}}^2)$")),
        ),
        Claim(
            id="bias.optimal",
            title=r"Proposition 4: $b_e^* = -W^\top \mathbb{E}[x]$, $b_d^*$ = $\mathbb{E}[y]$ is the unique global "
                  r"minimizer over the biases, for every (U, W, $\Sigma$)",
            ref=wz("App. B", ("22", "23", "24", "25"), "Proposition 4"),
            statement=(equation(be, -W.T * mx), equation(bd, my)),
            assumptions=(*common, r"U, W, $\Sigma$ fixed and arbitrary"),
            steps=(
                Step("on integer datasets with nonzero mean: the exact gradient of the model's dataset loss vanishes "
                     r"at ($-W^\top \mathbb{E}[x]$, $\mathbb{E}[y]$)",
                     lambda: on_datasets(_gradient_at_claimed_optimum, datasets,
                                         what=r"$\lVert\nabla L\rVert^2 = 0$ at $b^*$"),
                     corroborating=True),
                Step((r"the gradient vanishes at ($-W^\top \mathbb{E}[x]$, $\mathbb{E}[y]$), every ($D_0$, $d_1$, "
                      "$d_2$) up to 3"),
                     lambda: _at_sizes("stationary")),
                Step(r"the Hessian in ($b_e$, $b_d$) is constant, its lower block $I/\eta_{\mathrm{dec}}^2$ and its "
                     r"Schur complement $(\beta /\eta_{\mathrm{enc}}^2) I$ are positive definite: strictly convex, so "
                     "the stationary point is the unique global minimizer (every size up to 3)",
                     lambda: _at_sizes("hessian")),
                Step("ground truth: direct multistart minimization of the model's loss over ($b_e$, $b_d$), float "
                     "data with nonzero mean", _ground_truth_check, corroborating=True),
            ),
            control=Control((r"$b_d^*$ = -$\mathbb{E}[y]$ (sign flipped): the gradient must then be nonzero on some "
                             "dataset"),
                            lambda: on_datasets(partial(_gradient_at_claimed_optimum, sign_bd=-1), datasets,
                                                what=(r"$\lVert\nabla L\rVert^2 = 0$ at "
                                                      r"$(-W^\top \mathbb{E}[x], -\mathbb{E}[y])$"))),
        ),
        Claim(
            id="bias.centering",
            title="Learnable biases act as centring x and y: min over ($b_e$, $b_d$) of the biased loss is the "
                  r"bias-free loss with A, B, $S_{\mathrm{yy}}$ replaced by the covariances",
            ref=wz("App. B", ("20",), "Proposition 4 (remark)"),
            statement=equation(L_b(U, W, sp.Symbol(r"\Sigma"), -W.T * mx, my),
                            L_0(U, W, sp.Symbol(r"\Sigma"), A - mx * mx.T, B - mx * my.T, S - my * my.T)),
            assumptions=(*common, "the minimum over the biases is attained at Proposition 4's $b^*$ (bias.optimal)"),
            printed="stated in words after Proposition 4",
            steps=(
                Step("integer datasets with nonzero mean: exact min over ($b_e$, $b_d$) of the model's dataset loss "
                     "(solving grad = 0) equals the bias-free model's loss on the centred dataset",
                     lambda: on_datasets(_min_over_biases_vs_centred, datasets,
                                         what=r"$\min_b L_{\mathrm{biased}} = L_{\text{no-bias}}$(centred data)"),
                     corroborating=True),
                Step(r"$L(b_e^*, b_d^*)$ = L(b = 0) with (A, B, $S_{\mathrm{yy}}$, $\mathbb{E}[x]$, $\mathbb{E}[y]$) "
                     r"$\to$ (A - mx $mx^\top$, B - mx $my^\top$, $S_{\mathrm{yy}}$ - my $my^\top$, 0, 0), every "
                     "($D_0$, $d_1$, $d_2$) up to 3", lambda: _at_sizes("centering")),
            ),
            control=Control("only x centred (y left raw)",
                            lambda: on_datasets(partial(_min_over_biases_vs_centred, centre_y=False), datasets,
                                                what=(r"$\min_b L_{\mathrm{biased}} = L_{\text{no-bias}}$($x$ "
                                                      "centred only)"))),
        ),
    ]
