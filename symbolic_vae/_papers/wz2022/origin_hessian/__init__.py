"""Derivation: the Hessian at the origin and Theorem 3 of Wang & Ziyin 2022 (Sec. 4.5, App. E.5, Eq. 101-118).

The objects:

* L(U, V) = ||U V^T - Z||_F^2 + Tr(U Sigma U^T) + kappa ||V||_F^2 (Eq. 6; U [d2, d1], V [d0, d1], Z [d2, d0],
  Sigma = diag(sigma_q^2), kappa = beta eta_dec^2 / eta_enc^2). Eq. 6 is tied to the model by the whitening claims
  (prop1.*): L_VAE = (L + c) / (2 eta_dec^2) + l_var. Its first and second derivatives are obtained by
  differentiating L at explicit sizes (symengine), never from the printed Eq. 101-106, which are the right-hand
  sides being checked.
* Theorem 3 is checked on the model's own loss (Eq. 5, ``LinearLVM.expected_loss``) in (U, W) with Sigma fixed: its
  Hessian at the origin is computed exactly (rational arithmetic) on instances built with exactly representable
  moments, and "0 is the global minimum" is decided by the ground truth (multistart minimization of the same loss).

Derived here: the smallest eigenvalue of the Hessian of L at the origin is
sigma_min^2 + kappa - sqrt((sigma_min^2 - kappa)^2 + 4 zeta_max^2) for any diagonal Sigma, so the Hessian is PSD
iff zeta_max <= sigma_min sqrt(kappa), which is exactly when 0 is the global minimum. Theorem 3 holds for distinct
sigma_i as well; the complete-collapse condition read off Proposition 2 (zeta_i <= sigma_i sqrt(kappa) for each i)
does not, unless the sigma_i are non-decreasing.

Main results:

* ``hessian.gradient``, ``hessian.second_derivatives``, ``hessian.at_origin``, ``hessian.quadratic_form``: Eq. 101-114
  hold at every size up to 4 (the second derivatives also against torch autograd at larger sizes).
* ``hessian.eq115_as_printed`` is refuted (Sigma = sigma I as printed); ``hessian.eq115_116`` corrects it with
  Sigma = sigma^2 I.
* ``hessian.eq117_alignment``, ``hessian.eq118_minimum``, ``hessian.eq118_sign``: the 2 x 2 reduction, its minimum
  (Eq. 118 is twice it) and its sign, zeta_max <= sigma sqrt(kappa); ``hessian.eq118_sign_as_printed`` refutes the
  text's reversed direction (zeta_max^2 >= sigma^2 kappa).
* ``hessian.min_eigenvalue``: the smallest eigenvalue of H(0) in closed form for any diagonal Sigma (the kernel).
* ``hessian.theorem3``, ``hessian.theorem3_distinct_sigma``: H(0) PSD iff 0 is the global minimum of Eq. 5, for
  sigma_i = eta_enc and for distinct sigma_i.
* ``hessian.prop2_origin_condition`` is refuted; ``hessian.origin_condition`` corrects it:
  zeta_max <= sigma_min sqrt(kappa).
"""

from symbolic_vae._papers.wz2022.origin_hessian.claims import claims
from symbolic_vae._papers.wz2022.origin_hessian.kernels import kernel_sources

__all__ = ["claims", "kernel_sources"]
