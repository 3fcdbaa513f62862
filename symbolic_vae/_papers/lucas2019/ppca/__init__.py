"""Derivation: probabilistic PCA and the linear VAE of Lucas et al. 2019, and their consistency with Wang & Ziyin.

pPCA: p(z) = N(0, I_k), p(x | z) = N(W z + mu, sigma^2 I_n), x in R^n (n is the data dimension), W [n, k].
Linear VAE: the same decoder, q(z | x) = N(V (x - mu), D) with V [k, n] and D = diag(d_1..d_k), trained on the ELBO
E_q log p(x | z) - KL(q || p(z)). Everything is derived from the Gaussian rules of ``_gaussian``:

* the marginal x ~ N(mu, W W^T + sigma^2 I) (moments by the noise rule, density by completing the square in z, the
  Gaussian integral, the determinant lemma and Woodbury, each checked at explicit sizes; the density is also
  compared with numeric quadrature of p(x | z) p(z));
* the log-likelihood per sample, with mu at the sample mean, l(W, s) = -1/2 [n log 2 pi + log det C + tr(C^-1 S)],
  C = W W^T + s I, S the (1/N) sample covariance; its derivatives are taken exactly (forward-mode dual numbers in
  rational arithmetic) on instances with rational spectra and rational orthogonal eigenvectors (Cayley transform);
* the ELBO in closed form, checked against a Monte Carlo estimate of its definition.

The ground truth is direct multistart maximization: of the pPCA likelihood on the data rows (the multivariate normal
density, mu learned), and of the ELBO (which is -L_VAE of Wang & Ziyin's model with beta = 1, y = x, eta_enc = 1,
learnable eta_dec^2 = sigma^2 and Sigma = D, decoder partition kept: proved at sizes in lucas.cross_elbo_is_wz_loss).

Main results:

* lucas.ppca_marginal: x ~ N(mu, W W^T + sigma^2 I), from the Gaussian rules at every (n, k) up to 3.
* lucas.ppca_sigma2_mle, lucas.ppca_w_mle: the printed maximum-likelihood sigma^2 and W, n the data dimension.
* lucas.ppca_other_stationary: refuted (an exact stationary point without a zero column); corrected in
  lucas.ppca_stationary_points (the Tipping-Bishop points; only the top-k one is a local maximum).
* lucas.ppca_collapse_regimes: the three regimes of W = 0 at fixed sigma^2 (thresholds lam_1 and lam_n).
* lucas.elbo_closed_form: the linear VAE's ELBO in closed form (rules at sizes, Monte Carlo).
* lucas.lemma1, lucas.lemma2, lucas.theorem3: the ELBO's optimum is pPCA's (scaled principal components, no
  additional local maxima).
* lucas.identifiable, lucas.cross_wz_rotation: refuted readings of the decoder's identifiability in both papers;
  corrected in lucas.cross_identifiability (signed permutations, rotations within ties, any P only with fixed Sigma).
* lucas.cross_elbo_is_wz_loss, lucas.cross_mle: Lucas's ELBO is -L_VAE of Wang & Ziyin at beta = 1, and its optimal
  decoder variance is sigma^2_MLE (= W&Z Theorem 4).
"""

from symbolic_vae._papers.lucas2019.ppca.checks_ground_truth import ppca_negloglik
from symbolic_vae._papers.lucas2019.ppca.claims import claims
from symbolic_vae._papers.lucas2019.ppca.kernels import kernel_sources

__all__ = ["claims", "kernel_sources", "ppca_negloglik"]
