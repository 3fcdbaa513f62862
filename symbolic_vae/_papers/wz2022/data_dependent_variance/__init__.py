r"""Derivation: a data-dependent encoder standard deviation $\sigma(x) = |C x + f|$ (App. C, Eq. 26-42, Lemma 1,
Proposition 5).

The loss is the model's own (``LinearLVM(..., data_dependent_std=True)``). Its per-sample form contains
log|C_i x + f_i| = (1/2) log sigma_i^2(x), which has no moment form: for the explicit-size proofs, that log is
written as the symbol ``logsigma2_i`` (it enters the per-sample loss linearly, with a coefficient free of the
data), and its average over the data as the opaque symbol ``Elogsigma2_i``; every other data dependence is a
polynomial of degree 2, averaged by the moment rule. On datasets, every side is evaluated exactly and then at
30 and 60 digits, so a difference found there is a counterexample on real data.

Main results:

* ``ddv.eq27`` is refuted (encoder mean W x); ``ddv.eq29`` corrects it: with mean W^T x the loss is Eq. 29.
* ``ddv.eq30`` is refuted (kappa term outside the bracket); ``ddv.eq30_corrected`` puts it inside.
* ``ddv.expected_variance``, ``ddv.expected_variance_any_mean``: E_x sigma_i^2 = f_i^2 + C_i A C_i^T when E[x] = 0,
  with the cross term 2 f_i C_i mu_x otherwise.
* ``ddv.noise_terms``: Eq. 32-34, the noise and cross terms averaged and the loss in moments.
* ``ddv.lemma1``: f' = sqrt(f^2 + C A C^T) gives the same E_x sigma^2 with C = 0.
* ``ddv.prop5``, ``ddv.prop5_any_mean``: L(C, f) >= L(0, f'), for zero-mean data and (with f'^2 = E sigma^2) any data.
* ``ddv.eq42`` is refuted (beta/2 and the sum over i dropped); ``ddv.eq42_corrected`` restores them.
"""

from symbolic_vae._papers.wz2022.data_dependent_variance.claims import claims

__all__ = ["claims"]
