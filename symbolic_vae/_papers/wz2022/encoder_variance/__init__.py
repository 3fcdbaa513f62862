r"""Derivation: a learnable encoder variance $\Sigma$ (Sec. 4.3: Eq. 12, Proposition 3 / App. E.4, Eq. 92-100,
Theorem 2, Eq. 15-19, and the remarks after it; App. D: Corollary 2, Eq. 43).

One latent mode, from the model. The model at sizes (1, 1, 1) with whitened input (A = 1) and y = zeta x
(B = zeta, S_yy = zeta^2) gives, times 2 eta_dec^2, the mode objective
m(u, v, sigma) = (u v - zeta)^2 + sigma^2 u^2 + kappa v^2 + beta eta_dec^2 (sigma^2/eta_enc^2 - 1 - log(...)).
Minimizing it over v, then over t = u^2 >= 0 (convex), gives l(sigma) (Eq. 92) and, over sigma, Proposition 3.
Nothing of the printed results is used to derive them; the printed formulas are the right-hand sides checked.

Per-mode proofs run in the dimensionless variables q = zeta / (sqrt(beta) eta_dec) >= 0 and r = sigma / eta_enc > 0,
a bijection of the domain, region by region with the regions written out (q > 1, q = 1, 0 < q < 1, q = 0; and
sigma below, at and above the kink r = q). Every branch condition is reduced to the sign of a core factor
(positive factors stripped), so a region either decides it or the check stays undecided.

The matrix level (the reduction of min over U, W to independent modes) is checked against the ground truth:
direct multistart minimization of the model's loss over U, W and Sigma on instances with a prescribed spectrum.
Its additive constant is C = (E||y||^2 - sum_{i <= d1} zeta_i^2) / (2 eta_dec^2), with zeta_i = 0 for i > d*.

What the computation finds (each with a counterexample and a corrected claim): Eq. 12 pairs zeta_i with sigma_i by
index, which is the minimum only for sigma sorted ascending (the min over Sigma is unaffected); Eq. 93 is half of
l_i'; Eq. 100's strict '>' fails at zeta^2 = beta eta_dec^2; sigma_i* = 0 for i > d* is wrong (it is eta_enc);
Theorem 2's P cannot be an arbitrary orthogonal matrix once the sigma_i* differ (Sigma* = P^T diag(sigma*^2) P must
stay diagonal); Eq. 43 omits c = E||y||^2 - ||Z||_F^2, like Prop. 1.

Main results:
- `encvar.reduced_objective` (refuted) / `encvar.reduced_objective_sorted`: min over (U, W) at fixed Sigma is Eq. 12
  only with zeta_i paired with sigma sorted ascending, plus the explicit constant C.
- `encvar.prop3`: sigma_i* of Eq. 14 is the unique minimizer of l_i (proved region by region from the model).
- `encvar.prop3_derivative` (refuted) / `encvar.prop3_derivative_corrected`: l_i' is twice Eq. 93.
- `encvar.prop3_bracket`, `encvar.prop3_case1`: the proof's bracket, Eq. 94 and case 1 (Eq. 95-97) hold.
- `encvar.prop3_case2` (refuted) / `encvar.prop3_case2_corrected`: Eq. 100 holds with '>=' in place of '>'.
- `encvar.thm2_lambda`, `encvar.thm2_theta`, `encvar.thm2_sigma`: Eq. 17-19 match the minimizers found.
- `encvar.thm2_sigma_beyond_rank` (refuted) / `..._corrected`: sigma_i* = eta_enc, not 0, for i > d*.
- `encvar.thm2_minimizers` (refuted) / `..._corrected`: P must keep P^T diag(sigma*^2) P diagonal.
- `encvar.cor2` (refuted) / `encvar.cor2_corrected`: min L_VAE needs E||y||^2 in place of sum zeta_i^2.
- `encvar.collapse_unchanged`, `encvar.norms_bounded`, `encvar.soft_threshold`: the remarks after Theorem 2.
"""

from symbolic_vae._papers.wz2022.encoder_variance.claims import claims
from symbolic_vae._papers.wz2022.encoder_variance.kernels import kernel_sources

__all__ = ["claims", "kernel_sources"]
