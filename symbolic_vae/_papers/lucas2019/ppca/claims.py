"""The claim table of the section: ``claims()``, the sixteen ``lucas.*`` claims in ledger order, each with its
steps and negative control built from ``forms`` and the ``checks_*`` modules."""

from __future__ import annotations

from functools import partial

import sympy as sp

from symbolic_vae._core.claim import Claim, Control, PaperRef, Step, equation, erratum
from symbolic_vae._engine.rows import at_sizes, control_at_sizes
from symbolic_vae._papers.lucas2019.ppca.checks_elbo import cross_identity, elbo_identity, elbo_monte_carlo
from symbolic_vae._papers.lucas2019.ppca.checks_exact import exact_stationarity, no_zero_column_counterexample
from symbolic_vae._papers.lucas2019.ppca.checks_ground_truth import mle_ground_truth, mle_set_members
from symbolic_vae._papers.lucas2019.ppca.checks_marginal import (
    complete_square,
    det_and_woodbury,
    gaussian_integral_1d,
    marginal_bookkeeping,
    moments_identity,
    posterior_identity,
    quadrature_check,
)
from symbolic_vae._papers.lucas2019.ppca.checks_optimum import (
    cross_mle_check,
    lemma1_check,
    lemma2_check,
    rotation_check,
    theorem3_multistart,
)
from symbolic_vae._papers.lucas2019.ppca.checks_stationary import (
    collapse_hessian_identity,
    collapse_regimes,
    stationary_check,
)
from symbolic_vae._papers.lucas2019.ppca.forms import ELBO_CLOSED

lucas = partial(PaperRef, "lucas2019")
wz = partial(PaperRef, "wz2022")
SIZES_NK = tuple((n, k) for n in range(1, 4) for k in range(1, 4))  # every (n, k) up to 3
ALL_MAX = Control("every enumerated stationary point is a local maximum of the ELBO",
                  partial(stationary_check, claim_all_max=True))

PPCA = ("x in $R^n$ (n the data dimension), z in $R^k$, $k < n$",
        r"S the (1/N) sample covariance, eigenvalues $\lambda_1 \geq \dots \geq \lambda_n$",
        r"$\mu$ at the sample mean (its MLE)")


def _on_stationary_points(claim_id: str, title: str, statement: sp.Basic, *, steps: tuple[Step, ...],
                          control: Control, assumptions: tuple[str, ...] = PPCA, source: str = "",
                          printed: str = "") -> Claim:
    """A statement of the poster's panel on the stationary points of pPCA (Eq. 4), ``source`` where it is read
    from another work."""
    return Claim(id=claim_id, title=title, ref=lucas("pPCA stationary points", ("4",), source), statement=statement,
                 assumptions=assumptions, printed=printed, steps=steps, control=control)


def claims() -> list[Claim]:
    n, k = sp.symbols("n k", positive=True, integer=True)
    j = sp.Symbol("j", integer=True, positive=True)
    lam = sp.IndexedBase(r"\lambda")
    sig2_stmt = equation(sp.Symbol(r"\sigma^2_{MLE}"), sp.Sum(lam[j], (j, k + 1, n)) / (n - k))
    elbo_gt = r"ground truth: multistart maximization of the ELBO (W&Z trace form, $\beta = 1$) on 7 datasets"
    return [
        Claim(
            id="lucas.ppca_marginal",
            title=r"pPCA marginal: $x \sim \mathcal{N}(\mu, W W^\top + \sigma^2 I)$",
            ref=lucas("pPCA", ("1",)),
            statement=equation(sp.Symbol("p(x)"), sp.Symbol(r"\mathcal{N}(x;\mu, WW^\top + \sigma^2 I)")),
            assumptions=(r"$p(z) = \mathcal{N}(0, I_k)$, $p(x|z) = \mathcal{N}(W z + \mu, \sigma^2 I_n)$",),
            printed="implied by 'has an analytic maximum likelihood estimate'",
            steps=(Step((r"$\mathbb{E}[x]$ = $\mu$ and Cov[x] = $W W^\top + \sigma^2 I$ by the noise rule, every (n, "
                         "k) up to 3"),
                        at_sizes(moments_identity, SIZES_NK, what="moments of x")),
                   Step(r"$\log p(x|z) + \log p(z) = -z^\top P z / 2 + b^\top z$ + c0 (completing the square), every "
                        "(n, k) up to 3", at_sizes(complete_square, SIZES_NK, what="completing the square")),
                   Step("the 1-d Gaussian integral", gaussian_integral_1d),
                   Step("determinant lemma and Woodbury as polynomial identities, every (n, k) up to 3",
                        at_sizes(det_and_woodbury, SIZES_NK, what="det lemma and Woodbury")),
                   Step(r"log of the integral = log N(x; $\mu$, C) once the identities are inserted (general n, k)",
                        marginal_bookkeeping),
                   Step(r"the k-dimensional integral of p(x|z) p(z) by Gauss-Hermite quadrature = N(x; $\mu$, C)",
                        quadrature_check)),
            control=control_at_sizes(r"covariance $W W^\top + \sigma I$ ($\sigma$ in place of $\sigma^2$)",
                                     partial(moments_identity, noise_power=1), SIZES_NK[:4]),
        ),
        Claim(
            id="lucas.ppca_posterior",
            title=r"pPCA has an analytic true posterior: $p(z | x) = \mathcal{N}(M^{-1} W^\top (x - \mu), \sigma^2 "
                  r"M^{-1})$, $M = W^\top W + \sigma^2 I$",
            ref=lucas("pPCA", ("1",)),
            statement=equation(sp.Symbol("p(z|x)"), sp.Symbol(r"\mathcal{N}(z; M^{-1}W^\top(x-\mu), \sigma^2 M^{-1})")),
            assumptions=(r"$p(z) = \mathcal{N}(0, I_k)$, $p(x|z) = \mathcal{N}(W z + \mu, \sigma^2 I_n)$",
                         r"$p(z|x) \propto p(x|z) p(z)$: two Gaussian log-densities in z with the same z-gradient "
                         "are equal"),
            steps=(Step(r"$\sigma^2 \det M \nabla_z [\log p(x|z) + \log p(z)] = \sigma^2 \det M \nabla_z \log "
                        r"\mathcal{N}(z; m, \sigma^2 M^{-1})$ with $M^{-1} = \mathrm{adj}(M)/\det M$, every (n, k) up "
                        "to 3", at_sizes(posterior_identity, SIZES_NK, what="posterior gradient")),),
            control=control_at_sizes(r"posterior covariance $M^{-1}$ ($\sigma^2$ dropped)",
                                     partial(posterior_identity, scaled=False), SIZES_NK[:4]),
        ),
        _on_stationary_points(
            "lucas.ppca_sigma2_mle",
            r"$\sigma^2_{\mathrm{MLE}} = \frac{1}{n - k} \sum_{j = k+1}^n \lambda_j$, $n$ the data dimension",
            sig2_stmt,
            printed="n is not defined on the poster; the sum runs over the eigenvalues of the n x n covariance, so n "
                    "is the data dimension (reading it as the number of samples N is the negative control)",
            steps=(Step(r"exact gradient of the log-likelihood in $\sigma^2$ vanishes at ($W_{\mathrm{MLE}}$, "
                        r"$\sigma^2_{\mathrm{MLE}}$), rational instances", partial(exact_stationarity, which="sigma2")),
                   Step((r"ground truth: multistart maximization of the likelihood over (W, $\sigma^2$, $\mu$) on the "
                         "rows"),
                        mle_ground_truth)),
            control=Control(r"n read as the number of rows N: $\sigma^2 = \sum_{j>k} \lambda_j$ / (N - k)",
                            partial(mle_ground_truth, denominator="N - k"))),
        _on_stationary_points(
            "lucas.ppca_w_mle",
            r"$W_{\mathrm{MLE}} = U_k (\Lambda_k - \sigma^2_{\mathrm{MLE}} I)^{1/2} R$, R any rotation, maximizes the "
            "likelihood", equation(sp.Symbol("W_{MLE}"), sp.Symbol(r"U_k(\Lambda_k - \sigma^2_{MLE} I)^{1/2} R")),
            assumptions=(*PPCA, "$U_k$ the top-k eigenvectors, R any k x k orthogonal matrix"),
            steps=(Step(r"exact gradient of the log-likelihood in W vanishes at ($W_{\mathrm{MLE}}$, "
                        r"$\sigma^2_{\mathrm{MLE}}$), rational instances with random rational R (tied top and a zero "
                        "column included)",
                        partial(exact_stationarity, which="W")),
                   Step("ground truth: the maximum of the likelihood is attained there", mle_ground_truth),
                   Step("members with random R attain the maximum", mle_set_members)),
            control=Control(r"$W = U_k$ ($\Lambda_k - \sigma^2 I$) R (square root dropped)",
                            partial(exact_stationarity, which="W", drop_root=True))),
        *erratum(
            _on_stationary_points(
                "lucas.ppca_other_stationary", "'Other stationary points have zero columns in W', read as: every "
                "stationary point other than the MLE has a zero column",
                sp.Symbol(r"\nabla \ell(W, \sigma^2) = 0,\ W W^\top \ne W_{MLE}W_{MLE}^\top \Rightarrow "
                          r"W\ \mathrm{has\ a\ zero\ column}"),
                printed="'Other stationary points have zero-columns in W corresponding to posterior collapse'",
                steps=(Step(r"exact: $W = u_2$ (second eigen-direction), $\sigma^2$ = mean of the other eigenvalues, "
                            "is stationary, not the maximum, and has no zero column", no_zero_column_counterexample),),
                control=ALL_MAX),
            _on_stationary_points(
                "lucas.ppca_stationary_points",
                r"Corrected: the stationary points are $W = U_J (\Lambda_J - s I)^{1/2} R$ for any set J (|J| $\leq$ "
                r"k) of eigen-directions with $\lambda_j > s$ = mean of the others, with k - |J| zero columns; only "
                "the top-k one is a local maximum, all others (with or without zero columns) are saddles",
                sp.Symbol(r"W = U_J(\Lambda_J - sI)^{1/2}R,\ s = \mathrm{mean}_{j\notin J}\lambda_j"),
                source="Tipping & Bishop (1999), as used by the poster",
                assumptions=(*PPCA, "distinct eigenvalues for the classification (and a flat-tail case)"),
                steps=(Step("every member is stationary (autograd, float64) and classified by its Hessian, in the "
                            "likelihood and in the ELBO", stationary_check),),
                control=ALL_MAX),
            cause="stationary-points", severity="substantive",
            reason=r"saddles without zero columns exist ($W = U_J(\Lambda_J - s I)^{1/2} R$ for any $J$): the "
                   "classification of stationary points changes",
        ),
        Claim(
            id="lucas.ppca_collapse_regimes",
            title=r"At fixed $\sigma^2$ the collapsed point W = 0 is a local maximum when $\sigma^2$ is large, a "
                  r"saddle for medium and a local minimum for small $\sigma^2$ (thresholds $\lambda_1$ and "
                  r"$\lambda_n$)",
            ref=lucas("pPCA stationary points", (), "figure (a)-(c)"),
            statement=equation(sp.Symbol(r"\nabla^2_W \ell(0)"),
                            sp.Symbol(r"(S - \sigma^2 I)\otimes I_k / \sigma^4")),
            assumptions=(*PPCA, r"$\sigma^2$ fixed (a hyperparameter)",
                         r"strict inequalities: $\sigma^2 > \lambda_1$ (max), $\lambda_n < \sigma^2 < \lambda_1$ "
                         r"(saddle), $\sigma^2 < \lambda_n$ (min)"),
            printed=r"'(a) $\sigma^2$ large: local maxima (b) $\sigma^2$ medium: saddle point (c) $\sigma^2$ small: "
                    "local minima'",
            steps=(Step(r"Hessian of l in W at W = 0 = ($S - \sigma^2 I$) (x) $I_k / \sigma^4$ with symbolic S, every "
                        "(n, k) up to (3, 2)",
                        at_sizes(collapse_hessian_identity, [(1, 1), (2, 1), (2, 2), (3, 1), (3, 2)],
                                 what="Hessian at W = 0")),
                   Step("the three regimes on data (autograd Hessian of the likelihood on the rows)",
                        collapse_regimes)),
            control=Control("labels (a) and (c) swapped", partial(collapse_regimes, swapped=True)),
        ),
        Claim(
            id="lucas.elbo_closed_form",
            title=r"The linear VAE's ELBO in closed form: $-\frac{n}{2} \log(2\pi \sigma^2) - [\mathrm{tr}\, S - 2\, "
                  r"\mathrm{tr}(W V S) + \mathrm{tr}(W V S V^\top W^\top) + \mathrm{tr}(W D W^\top)] / (2 \sigma^2) "
                  r"- [\mathrm{tr}\, D + \mathrm{tr}(V S V^\top) - k - \log\det D] / 2$",
            ref=lucas("Linear VAE", ("2", "3")),
            statement=equation(sp.Symbol(r"\mathcal{L}"), ELBO_CLOSED),
            assumptions=(r"q(z|x) = N(V(x - $\mu$), D), D diagonal positive",
                         r"$\mu$ the data mean, S the (1/N) covariance"),
            printed="'we can write down the ELBO in closed form' (not printed)",
            steps=(Step("ELBO from the Gaussian rules (noise rule and KL from its definition) = closed form, every "
                        "(n, k) up to 3", at_sizes(elbo_identity, SIZES_NK, what="ELBO closed form")),
                   Step("closed form vs Monte Carlo estimate of the definition", elbo_monte_carlo, corroborating=True)),
            control=Control(r"closed form without $\mathrm{tr}(W D W^\top)$ / ($2 \sigma^2$)",
                            partial(elbo_monte_carlo, drop_decoder_noise=True)),
        ),
        Claim(
            id="lucas.lemma1",
            title="Lemma 1: the global maximum of the ELBO is a global maximum of the pPCA marginal likelihood",
            ref=lucas("VAE Analysis", ("3",), "Lemma 1"),
            statement=sp.Symbol(r"\arg\max \mathcal{L} \subseteq \arg\max \log p(x)"),
            assumptions=(r"$\beta = 1$", "D diagonal", r"$\mu$ at the data mean"),
            steps=(Step(f"{elbo_gt}; the likelihood maximized independently on the rows", lemma1_check),),
            control=Control(r"the same with the KL weighted by $\beta = 2$", partial(lemma1_check, beta_value=2.0)),
        ),
        Claim(
            id="lucas.lemma2",
            title="Lemma 2: at the optimum the decoder's columns are the scaled principal components "
                  r"$\sqrt{\lambda_j - \sigma^2} u_j$",
            ref=lucas("VAE Analysis", (), "Lemma 2"),
            statement=sp.Symbol(r"W^* = U_k(\Lambda_k - \sigma^2 I)^{1/2}\Pi,\ \Pi\ \mathrm{a\ signed\ permutation}"),
            assumptions=("D diagonal", "ties: any orthonormal basis of a tied eigenspace"),
            steps=(Step(rf"{elbo_gt}: columns orthogonal, eigenvectors of S, squared norms $\lambda_j - \sigma^2$",
                        lemma2_check),),
            control=Control(r"columns $\sqrt{\lambda_j} u_j$ (unscaled principal components)",
                            partial(lemma2_check, unscaled=True)),
        ),
        Claim(
            id="lucas.identifiable",
            title="'The linear VAE is fully identifiable': the optimal decoder is unique up to signs and column order",
            ref=lucas("VAE Analysis", (), "Lemma 2 (remark)"),
            statement=sp.Symbol(r"W^*\ \mathrm{unique\ up\ to\ signed\ permutations}"),
            assumptions=("D diagonal", "any data covariance"),
            printed="'A less obvious result: The Linear VAE is fully identifiable (and computes an SVD)'",
            steps=(Step("ground truth on a spectrum with tied top eigenvalues: the decoder rotated inside the tie, "
                        "encoder and variances refit", partial(rotation_check, "lucas")),),
            control=Control("generic rotations keep the optimum (distinct spectra)",
                            partial(rotation_check, "generic_control")),
            corrected="lucas.cross_identifiability",
            erratum_cause="rotation-freedom", erratum_severity="boundary-only",
            erratum_reason="holds for distinct eigenvalues; fails only where eigenvalues tie (an equality set), where "
                           "rotations within the tie are optimal too",
        ),
        Claim(
            id="lucas.theorem3",
            title="Theorem 3: the ELBO introduces no additional local maxima to pPCA",
            ref=lucas("VAE Analysis", (), "Theorem 3"),
            statement=sp.Symbol(r"\{\mathrm{local\ max\ of\ }\mathcal{L}\} \leftrightarrow "
                                r"\{\mathrm{local\ max\ of\ }\log p\}"),
            assumptions=(r"$\beta = 1$", "D diagonal", "distinct eigenvalues for the classification"),
            steps=(Step("multistart: every start converging to a second-order stationary point of the ELBO reaches "
                        "its global maximum", theorem3_multistart),
                   Step("every Tipping-Bishop point is stationary in the ELBO with the same Hessian class as in pPCA",
                        stationary_check)),
            control=ALL_MAX,
        ),
        Claim(
            id="lucas.cross_elbo_is_wz_loss",
            title=r"Cross-paper: Lucas's ELBO is $-L_{\mathrm{VAE}}$ of Wang & Ziyin with $\beta = 1$, y = x, "
                  r"$\eta_{\mathrm{enc}} = 1$, $\eta_{\mathrm{dec}}^2 = \sigma^2$ learnable (decoder partition kept), "
                  r"$\Sigma = D$, $d_1 = k$",
            ref=wz("Sec. 3, App. D", ("3", "5")),
            statement=equation(sp.Symbol(r"\mathcal{L}_{Lucas}"), -sp.Symbol(r"L_{VAE}|_{\beta=1,y=x}")),
            assumptions=("centred data (W&Z App. B: biases act as centring)", r"U = W, $W_{\mathrm{enc}} = V^\top$"),
            steps=(Step("the two losses derived from the Gaussian rules agree at every (n, k) up to 3",
                        at_sizes(cross_identity, SIZES_NK, what=r"Lucas ELBO = $-L_{\mathrm{VAE}}$")),),
            control=control_at_sizes(r"W&Z with $\beta = 2$", partial(cross_identity, beta_value=2), SIZES_NK[:3]),
        ),
        Claim(
            id="lucas.cross_mle",
            title=r"Cross-paper: minimizing W&Z's model ($\beta = 1$, y = x, learnable $\eta_{\mathrm{dec}}$) gives "
                  r"$\eta_{\mathrm{dec}}^{2*}$ = Lucas's $\sigma^2_{\mathrm{MLE}}$ (= W&Z Thm. 4 at $\beta = 1$) and "
                  r"$U^* U^{*\top} = W_{\mathrm{MLE}} W_{\mathrm{MLE}}^\top$",
            ref=wz("App. D", ("57",), "Theorem 4 vs Lucas et al. Eq. 4"),
            statement=equation(sp.Symbol(r"\eta_{dec}^{*2}"), sig2_stmt.rhs),
            assumptions=(r"$\beta = 1$, y = x, $\eta_{\mathrm{enc}} = 1$, $d_1 = k < n$",
                         r"$\Sigma$ learnable diagonal"),
            steps=(Step(r"ground truth: multistart minimization of the W&Z model over (U, W, $\Sigma$, "
                        r"$\eta_{\mathrm{dec}}$), against Lucas's formula and W&Z Thm. 4 (first case; $\beta = 1$, "
                        r"$d_2 = n$, $\hat{d}_1 = k$, $\zeta_i^2 = \lambda_i$ for y = x: the same number)",
                        cross_mle_check),),
            control=Control("denominator n - k + 1", partial(cross_mle_check, shift=1)),
        ),
        Claim(
            id="lucas.cross_wz_rotation",
            title=r"Cross-paper: W&Z's optimal set $U^* = F \Lambda P$ with P an arbitrary orthogonal matrix (Thm. 2, "
                  r"learnable $\Sigma$) in the $\beta = 1$, y = x specialization",
            ref=wz("Sec. 4.3", ("15", "16"), "Theorem 2"),
            statement=sp.Symbol(r"(U^*P, W^*P)\ \mathrm{optimal\ for\ all\ orthogonal\ } P"),
            assumptions=(r"$\Sigma$ learnable diagonal", "distinct top eigenvalues"),
            steps=(Step((r"ground truth: with the decoder fixed at $U^* P$ (generic P), refit encoder, $\Sigma$, "
                         r"$\eta_{\mathrm{dec}}$"),
                        partial(rotation_check, "wz")),),
            control=Control("the decoder scaled by 1.25 (P = I) is optimal",
                            partial(rotation_check, "scaled_control")),
            corrected="lucas.cross_identifiability",
            erratum_cause="rotation-freedom", erratum_severity="substantive",
            erratum_reason="with distinct eigenvalues a generic P is not optimal (-ELBO 0.0065 above the optimum): "
                           "the set of minimizers is smaller",
        ),
        Claim(
            id="lucas.cross_identifiability",
            title=r"Corrected (both papers): with $\Sigma = D$ learnable diagonal the optimal decoders are $U^*$ "
                  r"times signed permutations, plus rotations within tied eigenvalues; arbitrary P only when $\Sigma$ "
                  "is fixed isotropic",
            ref=lucas("VAE Analysis", (), "Lemma 2 / W&Z Thm. 2, corrected"),
            statement=sp.Symbol(r"W^* \in U_k(\Lambda_k-\sigma^2 I)^{1/2}\,\{\Pi\cdot\mathrm{blockdiag}(O_{ties})\}"),
            assumptions=(r"$\beta = 1$", r"k $\geq$ 2"),
            steps=(Step("ground truth: signed permutations keep the optimum, generic rotations do not, rotations in a "
                        r"tied block do; with fixed $\Sigma = s I$ any P leaves the loss unchanged",
                        partial(rotation_check, "corrected")),),
            control=Control("generic rotations keep the optimum", partial(rotation_check, "generic_control")),
            corrects="lucas.identifiable",
        ),
    ]
