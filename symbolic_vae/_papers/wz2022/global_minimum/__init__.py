r"""Derivation: the global minimum of $L(U, V)$ for a fixed diagonal $\Sigma$ (Proposition 2, Theorem 1, Corollary 1;
App. E.2-E.3, Eq. 73-91) and the collapse conditions stated after Theorem 1 (Sec. 4.2).

L(U, V) = ||U V^T - Z||_F^2 + Tr(U Sigma U^T) + kappa ||V||_F^2 with Sigma = diag(sigma_i^2) and
kappa = beta eta_dec^2 / eta_enc^2 is the objective that the corrected Proposition 1
(``symbolic_vae._papers.wz2022.whitening``) connects to the model:
L_VAE = (L + c) / (2 eta_dec^2) + l_var with c = E||y||^2 - ||Z||_F^2 >= 0.

How each kind of statement is checked:
- algebra at explicit sizes (the gradient in V, V(U), the reduced objective, the separation into modes) is
  expanded symbolically at every (d0, d1, d2) up to 3;
- steps that use orthogonal matrices (the SVD step, V* = G Theta P) are evaluated in exact rational arithmetic at
  random rational orthogonal matrices (Cayley transforms), at every size up to 3;
- one-mode statements (the derivative, its roots, the selection max(0, t1), theta, Theorem 1, the collapse
  conditions) are proved region by region: each region (mode survives, mode collapses, zeta = 0) is written
  with a parametrization that resolves every Max / Piecewise, so no case analysis is left to the simplifier;
- every global-minimum statement is checked against the ground truth: direct multistart minimization of the
  model's loss L_VAE over (U, W) for fixed Sigma, on instances built from prescribed data moments
  (A = P_A Phi P_A^T possibly singular, B = P_A Phi^{1/2} Z^T, S_yy = Z Z^T + noise), covering d1 <, =, >
  min(d0, d2), distinct, tied and zero singular values, distinct (unsorted), sorted, tied and equal sigma_i, and
  beta on both sides of each threshold and exactly at it;
- a refuted statement gets a minimal counterexample from an exhaustive search over small sizes and simple exact
  numbers (exact rational arithmetic), and a corrected statement checked the same way.

Main results:
- ``globalmin.stationarity_v``: V(U) = Z^T U (kappa I + U^T U)^{-1} is the unique minimizer of L over V (Eq. 73-74).
- ``globalmin.reduced_objective``: L(U, V(U)) = Tr(U Sigma U^T) - Tr[U^T Z Z^T U (kappa I + U^T U)^{-1}] + ||Z||^2.
- ``globalmin.svd_step_corrected``: Eq. 79 keeps P in Tr[Lambda^T Lambda P Sigma P^T] (as printed: refuted).
- ``globalmin.von_neumann_sorted``: the trace bound of Eq. 80 pairs delta and zeta^2 both sorted (as printed: refuted).
- ``globalmin.von_neumann_equality_corrected``: equality iff commuting, similarly ordered (not iff Q = F: refuted).
- ``globalmin.mode_objective``, ``globalmin.roots``: the reduced objective separates into modes J(t_i), Eq. 81-87.
- ``globalmin.selection``, ``globalmin.v_star``: the mode minimizer is t* = max(0, t1) and V* = G Theta P (Eq. 88-89).
- ``globalmin.prop2_corrected``: the k-th largest zeta pairs with the k-th smallest sigma; P = Pi R, [R, Sigma] = 0.
- ``globalmin.thm1``: Theorem 1's lambda_i, theta_i for sigma_i = eta_enc are the global minimizers (Eq. 10).
- ``globalmin.cor1_corrected``: min L with the sorted pairing and the tail sum_{k > d1} zeta_k^2 (Eq. 11, 91 refuted).
- ``globalmin.collapse_complete``: U* = 0 iff max_i zeta_i <= sqrt(beta) eta_dec.
- ``globalmin.collapse_partial_corrected``: some latent collapses iff zeta_{d1} <= sqrt(beta) eta_dec (zeta^2: refuted).
- ``globalmin.sqrt_beta_eta``, ``globalmin.eta_enc_independence``: only sqrt(beta) eta_dec matters, not eta_enc.
- ``globalmin.small_beta_corrected``: a small beta prevents every collapse iff rank(Z) >= d1 (printed: refuted).
"""

from symbolic_vae._papers.wz2022.global_minimum.claims import claims
from symbolic_vae._papers.wz2022.global_minimum.kernels import kernel_sources

__all__ = ["claims", "kernel_sources"]
