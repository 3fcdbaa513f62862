r"""Derivation: a learnable decoder variance $s = \eta_{\mathrm{dec}}^2$ (App. D and Sec. 4.4 of Wang & Ziyin 2022).

The loss L^LDV(U, W, Sigma, s) is the model's own loss with the decoder's log-partition (d2/2) log(2 pi s) kept.
Minimized over (U, W, Sigma) at fixed s (a symbolic profile minimization of the model's size-1 loss, mode by mode,
checked against the ground truth at larger sizes) it gives the model's G(s). Every statement of App. D about G,
its derivative and its minimizers, Theorem 4, Table 1, the Remark after it and the claims of Sec. 4.4 are then
checked against that G:

* exactly, in rational arithmetic, on an enumerated set of spectra (ties, zeros, hat d_1 < hat d* and
  hat d_1 = hat d*, d1 <, =, > d*, c = 0 and c > 0) at every beta threshold (printed and derived) and between
  them. The minimizers of G are found there without using any claim: G'(s) = h(s) / (2 s^2) with h piecewise
  linear, so every stationary point is an exact rational, and the values of G at them are compared at 50 digits;
* against the ground truth: the model's trace form (with the partition) compiled to torch and minimized by
  multistart Newton over (U, W, Sigma) at fixed s and jointly over (U, W, Sigma, log s); and G minimized over s
  on a dense log grid refined by scipy.

c = E||y||^2 - ||Z||_F^2 >= 0 is the part of the target that no linear function of x explains: c = 0 exactly when
y is a linear function of x on the data (in particular for the VAE, y = x). The paper's G omits c (and the 2 pi of
the partition); where that matters the printed statement is refuted by an instance with c > 0 and the corrected
statement carries c.

Conventions: zeta_1^2 >= ... >= zeta_{d*}^2 >= 0 (d* = min(d0, d2)); hat d_1 = #{i <= d1: zeta_i > 0};
hat d* = #{i <= d*: zeta_i > 0}; s_p = zeta_p^2 / beta for 1 <= p <= hat d_1, s_{hat d_1 + 1} = 0, s_0 = oo;
R_p = c + sum_{i > p} zeta_i^2; beta_p = d2 zeta_p^2 / (p zeta_p^2 + R_p). Mode i survives at s iff
zeta_i^2 > beta s (derived); "no collapse" means that all hat d_1 modes survive, "complete" that none does.

Main results (claim ids, ``decvar.``):

* ``mode_minimum``, ``G_model``: per mode, min over (u, v, sigma) of L^LDV at fixed s, proved from the model's own
  size-1 loss; summed, the model's G(s) = corrected Eq. 44, which carries c and the 2 pi of the partition;
* ``eq49_corrected``, ``eq50_corrected``, ``lemma3_corrected``, ``eq53_corrected``, ``eq55_corrected``: G'(s)
  = ((d2 - beta p) s - R_p)/(2 s^2) on [s_{p+1}, s_p) (R_p, not the printed tail up to hat d_1) and what follows
  from it at the breakpoints, near 0 and beyond s_1;
* ``lemma2``, ``cor3``, ``lemma4``, ``prop6``, ``prop7``, ``prop7_all_targets``: G is C^1, has at most one
  stationary point when d2 != beta hat d_1, and a unique global minimizer iff c > 0 or hat d_1 < hat d* or
  d2 < beta hat d_1;
* ``case1_corrected``, ``case2_corrected``: no minimizer iff c = 0, hat d_1 = hat d*, d2 > beta hat d_1; an
  interval (0, s_{hat d_1}] of minimizers iff c = 0, hat d_1 = hat d*, d2 = beta hat d_1;
* ``thm4_eq57_corrected``, ``thm4_eq58_corrected``, ``thm4_eq59_corrected``, ``table1_corrected``: Theorem 4 and
  Table 1 corrected: k = #{p: beta < beta_p} modes survive, eta_dec*^2 = R_k/(d2 - beta k), beta_p non-increasing;
* ``remark_intervals_corrected``, ``remark_no_collapse_corrected``, ``sec44_tight``: mode i collapses iff
  beta s >= zeta_i^2; no collapse iff beta < beta_{hat d_1} (>= d2/hat d* when y is linear in x, tight), while for y
  not linear in x no beta avoids collapse for every data; ``sec44_sufficient`` (beta < d2/d*) is refuted;
* ``sec44_vae_ratio_corrected``, ``sec44_vanilla_corrected``: for the VAE d2/d* = D0/rank(A), and the vanilla VAE
  collapses completely at every minimizer iff d1 < D0 and A = phi I.
"""

from symbolic_vae._papers.wz2022.decoder_variance.claims import claims
from symbolic_vae._papers.wz2022.decoder_variance.kernels import DecoderVarianceRegime, kernel_sources

__all__ = ["DecoderVarianceRegime", "claims", "kernel_sources"]
