"""The closed forms the section offers as kernels: ``kernel_sources()``, each verified by the claim it names."""

from __future__ import annotations

import sympy as sp

from symbolic_vae._engine.kernel_spec import KernelSpec
from symbolic_vae._papers.wz2022.encoder_variance.forms import (
    LAMBDA_STAR,
    MODE_LOSS,
    MODE_SURVIVES,
    SCALARS,
    SIGMA_STAR,
    THETA_STAR,
    THRESHOLD,
    zeta,
)


def kernel_sources() -> list[KernelSpec]:
    """Verified per-mode closed forms in (zeta >= 0, beta, eta_enc, eta_dec), valid at zeta = 0."""
    args = SCALARS
    return [
        KernelSpec(name="lambda_star", claim="encvar.thm2_lambda", expr=LAMBDA_STAR, args=args,
                   description="singular value of the decoder U* for a mode with singular value zeta of Z "
                               "(learnable Sigma)"),
        KernelSpec(name="theta_star", claim="encvar.thm2_theta", expr=THETA_STAR, args=args,
                   description="singular value of the whitened encoder V* = Phi^{1/2} P_A^T W* (learnable Sigma); "
                               "0 at zeta = 0"),
        KernelSpec(name="sigma_star", claim="encvar.thm2_sigma", expr=SIGMA_STAR, args=args,
                   description="optimal encoder standard deviation sigma_i* of a mode (eta_enc when the mode "
                               "collapses, including zeta = 0, i.e. i > d*: see "
                               "encvar.thm2_sigma_beyond_rank_corrected)"),
        KernelSpec(name="mode_loss", claim="encvar.cor2_corrected", expr=MODE_LOSS, args=args,
                   description="one mode's share l_i(sigma_i*) of 2 eta_dec^2 min L_VAE for a mode i <= d1; "
                               "2 eta_dec^2 min L_VAE = E||y||^2 - sum_{i<=d1} zeta_i^2 + sum_{i<=d1} "
                               "mode_loss(zeta_i)"),
        KernelSpec(name="mode_survives", claim="encvar.collapse_unchanged", expr=MODE_SURVIVES, args=args,
                   description="1 if the mode does not collapse (zeta^2 > beta eta_dec^2), else 0; the same with "
                               "sigma_i = eta_enc and with learnable Sigma"),
        KernelSpec(name="end_to_end_singular_value", claim="encvar.soft_threshold",
                   expr=sp.Piecewise(((zeta**2 - THRESHOLD) / zeta, zeta**2 > THRESHOLD), (0, True)), args=args,
                   description="singular value lambda_i theta_i of the learned map U* V*^T on whitened inputs"),
    ]
