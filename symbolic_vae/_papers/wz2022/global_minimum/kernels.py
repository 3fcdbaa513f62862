"""The kernels the section offers: ``kernel_sources()``, verified per-mode closed forms, each with the claim
that vouches for it."""

from __future__ import annotations

import sympy as sp

from symbolic_vae._engine.kernel_spec import KernelSpec
from symbolic_vae._model.lvm import beta, eta_dec, eta_enc
from symbolic_vae._papers.wz2022.global_minimum.forms import (
    LAMBDA_PRINTED,
    LAMBDA_THM1,
    MODE_MIN_PRINTED,
    SURVIVES,
    THETA_PRINTED,
    THETA_THM1,
    THRESHOLD_THM1,
    sigma,
    zeta,
)


# =====================================================================================================
# Kernel sources: verified per-mode closed forms
# =====================================================================================================
def kernel_sources() -> list[KernelSpec]:
    """Per-mode closed forms for numeric kernels, each with the claim that vouches for it."""
    general = (zeta, sigma, beta, eta_enc, eta_dec)
    pairing = ("sigma is the standard deviation of the latent paired with this mode: the k-th largest zeta goes "
               "with the k-th smallest sigma (index pairing only when sigma is non-decreasing)")
    thm1 = (zeta, beta, eta_enc, eta_dec)
    return [
        KernelSpec(name="lambda_fixed_sigma", claim="globalmin.prop2_corrected", expr=LAMBDA_PRINTED, args=general,
                   description=f"singular value lambda of U* for one mode, fixed Sigma; {pairing}"),
        KernelSpec(name="theta_fixed_sigma", claim="globalmin.prop2_corrected", expr=THETA_PRINTED, args=general,
                   description=f"singular value theta of V* for one mode, fixed Sigma; {pairing}"),
        KernelSpec(name="mode_min_fixed_sigma", claim="globalmin.cor1_corrected", expr=MODE_MIN_PRINTED,
                   args=general, description="the mode's contribution to min L(U, V) for fixed Sigma (add zeta_k^2 "
                                             f"for modes k > d1); {pairing}"),
        KernelSpec(name="mode_survives_fixed_sigma", claim="globalmin.prop2_corrected", expr=SURVIVES, args=general,
                   description=f"1 if the mode does not collapse (lambda > 0), else 0, fixed Sigma; {pairing}"),
        KernelSpec(name="lambda_thm1", claim="globalmin.thm1", expr=LAMBDA_THM1, args=thm1,
                   description="singular value lambda of U* for one mode when sigma_i = eta_enc (Theorem 1)"),
        KernelSpec(name="theta_thm1", claim="globalmin.thm1", expr=THETA_THM1, args=thm1,
                   description="singular value theta of V* for one mode when sigma_i = eta_enc (Theorem 1)"),
        KernelSpec(name="mode_survives_thm1", claim="globalmin.collapse_partial_corrected",
                   expr=sp.Piecewise((1, zeta > THRESHOLD_THM1), (0, True)), args=(zeta, beta, eta_dec),
                   description="1 if the mode does not collapse when sigma_i = eta_enc (zeta > sqrt(beta) eta_dec), "
                               "else 0"),
    ]
