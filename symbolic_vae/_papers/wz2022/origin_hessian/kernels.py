"""The kernel this section offers: the smallest eigenvalue of the Hessian of L(U, V) at the origin, in closed form
(checked by ``hessian.min_eigenvalue``) and in a cancellation-free form, compiled per backend, with its sampler and a
one-row mpmath reference; ``kernel_sources()`` lists it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from symbolic_vae._core.validation import spectrum
from symbolic_vae._engine.campaigns import cached
from symbolic_vae._engine.kernel_spec import KernelSpec, SpectrumArgument, compiled
from symbolic_vae._engine.runner import check_backend
from symbolic_vae._model.lvm import beta as beta_sym
from symbolic_vae._model.lvm import eta_dec as eta_dec_sym
from symbolic_vae._model.lvm import eta_enc as eta_enc_sym
from symbolic_vae._papers.wz2022.origin_hessian.forms import min_eigenvalue_expr, s2_sym
from symbolic_vae._papers.wz2022.origin_hessian.forms import zeta as zeta_sym


@cached
def _min_eigenvalue_form() -> tuple[sp.Expr, tuple[sp.Symbol, ...]]:
    """The smallest eigenvalue of H(0) in (zeta_max, sigma2_min, beta, eta_enc, eta_dec), and those arguments."""
    return (min_eigenvalue_expr(s2_sym, zeta_sym, beta_sym * eta_dec_sym**2 / eta_enc_sym**2),
            (zeta_sym, s2_sym, beta_sym, eta_enc_sym, eta_dec_sym))


@cached
def _stable_min_eigenvalue_form() -> sp.Expr:
    """``_min_eigenvalue_form`` as (4 a kappa - 4 zeta_max^2) / (a + kappa + sqrt((a - kappa)^2 + 4 zeta_max^2)),
    a = sigma_min^2: the same number (checked: numerator minus (a + kappa - r)(a + kappa + r) expands to 0), without
    the cancellation a + kappa - r, which in float64 returns 0 for 2 min(a, kappa) once a / kappa or kappa / a exceeds
    ~1e16; its sign is that of a kappa - zeta_max^2 however far apart a and kappa are."""
    expr, args = _min_eigenvalue_form()
    zmax, a, kap = args[0], args[1], beta_sym * eta_dec_sym**2 / eta_enc_sym**2
    root = sp.sqrt((a - kap) ** 2 + 4 * zmax**2)
    numerator = 4 * a * kap - 4 * zmax**2
    assert sp.expand(expr - (a + kap - root)) == 0, f"unexpected form {expr}"
    assert sp.expand(numerator - (a + kap - root) * (a + kap + root)) == 0
    return numerator / (a + kap + root)


def _compiled_min_eigenvalue(backend: str = "numpy"):
    """``_min_eigenvalue_form`` compiled on ``backend`` in its stable form (inputs are validated by the builder: no
    second NaN check)."""
    (function,) = compiled(("origin Hessian min eigenvalue",),
                           lambda: ((_stable_min_eigenvalue_form(),), _min_eigenvalue_form()[1]), backend)
    return function


def origin_min_eigenvalue_kernel(zeta: object, *, sigma2: object, beta: object, eta_enc: object, eta_dec: object,
                                 backend: str = "numpy") -> np.ndarray:
    """zeta [..., d] (singular values of Z; the only positional argument) and, by keyword, sigma2 [..., d1]
    (Sigma = diag(sigma2)), beta, eta_enc, eta_dec [...] -> smallest eigenvalue of the Hessian of L(U, V) at 0,
    [...]; >= 0 iff 0 is the global minimum (for L_VAE in (U, V) divide by 2 eta_dec^2). Every argument is validated
    first (sigma2 in the supported range of variances, the scalars in that of positive scalars), and the batch
    shapes [...] of all five must broadcast."""
    from symbolic_vae._core import validation as v

    backend = check_backend(backend)
    z = spectrum("zeta", zeta)
    s2 = v.positive_values("sigma2", sigma2, quadratic=True, min_ndim=1)
    scalars = {name: v.positive_values(name, value) for name, value in
               (("beta", beta), ("eta_enc", eta_enc), ("eta_dec", eta_dec))}
    v.batch_shape({"zeta": z.shape[:-1], "sigma2": s2.shape[:-1], **{k: a.shape for k, a in scalars.items()}})
    return _compiled_min_eigenvalue(backend)(z.max(axis=-1), s2.min(axis=-1), *scalars.values())


def origin_min_eigenvalue_sample(rng: np.random.Generator, n: int) -> tuple[tuple, dict[str, Any]]:
    """Arguments for n rows: (zeta [n, 4],), {"sigma2": [n, 3], "beta", "eta_enc", "eta_dec": [n]}. The ratio
    zeta_max^2 / (sigma2_min kappa) alternates below 1 (eigenvalue > 0) and above (< 0); spectra have ties and
    zeros, one row in four is zero (eigenvalue 2 min(sigma2_min, kappa)); sigma2 has ties, and its minimum equals kappa
    in one row in three."""
    d, d1 = 4, 3
    beta_values, eta_enc_values, eta_dec_values = rng.uniform(0.5, 2.0, (3, n))
    kappa_values = beta_values * eta_dec_values**2 / eta_enc_values**2
    sigma2 = rng.uniform(0.2, 2.0, (n, d1))
    sigma2[::3] = kappa_values[::3, None] * rng.uniform(1.0, 2.0, sigma2[::3].shape)
    sigma2[::3, 0] = kappa_values[::3]  # sigma2_min = kappa
    sigma2[1::3, 1] = sigma2[1::3, 2]  # tied variances
    zeta_values = np.sort(rng.uniform(0.0, 1.0, (n, d)), axis=-1)[:, ::-1]
    zeta_values[1::2, 1] = zeta_values[1::2, 0]  # tied leading singular values
    zeta_values[::2, 2:] = 0.0
    ratio = np.where(np.arange(n) % 2 == 0, rng.uniform(0.2, 0.8, n), rng.uniform(1.25, 4.0, n))
    target = np.sqrt(ratio * sigma2.min(axis=-1) * kappa_values)
    zeta_values *= (target / zeta_values[:, 0])[:, None]
    zeta_values[3::4] = 0.0
    return (zeta_values,), {"sigma2": sigma2, "beta": beta_values, "eta_enc": eta_enc_values,
                            "eta_dec": eta_dec_values}


@cached
def _min_eigenvalue_reference_function() -> Callable[..., Any]:
    return sp.lambdify(_min_eigenvalue_form()[1], _min_eigenvalue_form()[0], "mpmath")


def origin_min_eigenvalue_reference(zeta: Sequence[float], *, sigma2: Sequence[float], beta: float,
                                    eta_enc: float, eta_dec: float) -> float:
    """``origin_min_eigenvalue_kernel`` at one row (zeta [d], sigma2 [d1]), the closed form in mpmath at the
    working precision."""
    zeta_max = max(mpmath.mpf(float(v)) for v in zeta)
    sigma2_min = min(mpmath.mpf(float(v)) for v in sigma2)
    scalars = [mpmath.mpf(float(v)) for v in (beta, eta_enc, eta_dec)]
    return float(_min_eigenvalue_reference_function()(zeta_max, sigma2_min, *scalars))


def kernel_sources() -> list[KernelSpec]:
    """The smallest eigenvalue of the Hessian of L(U, V) at the origin (spectrum first, numpy batches, ``backend=``
    "numpy", "torch" or "torch-compiled"), with a sampler of n rows and a one-row mpmath reference."""
    return [KernelSpec(name="origin_hessian_min_eigenvalue", claim="hessian.min_eigenvalue",
                       builder=origin_min_eigenvalue_kernel, sample=origin_min_eigenvalue_sample,
                       reference=origin_min_eigenvalue_reference, spectrum=SpectrumArgument.SINGULAR_VALUES,
                       zero_eigenvalues="any number of zero singular values may be passed or left out (only "
                                        "zeta_max enters)",
                       description="smallest eigenvalue of the Hessian of L(U, V) (Eq. 6) at U = V = 0, sigma_min^2 + "
                                   "kappa - sqrt((sigma_min^2 - kappa)^2 + 4 zeta_max^2), kappa = beta "
                                   "eta_dec^2/eta_enc^2: (zeta [..., d], *, sigma2 [..., d1], beta, eta_enc, eta_dec) "
                                   "-> [...]")]
