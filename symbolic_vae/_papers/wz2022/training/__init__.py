"""Derivation: SGD-trained VAEs against the verified closed forms (Wang & Ziyin 2022, Sec. 4 and App. D).

Linear VAEs trained by Adam on reparametrized minibatch ELBOs (``numeric_backend.train_linear_vae``), a whole beta
grid in one tensor program, on data with a prescribed spectrum, compared with the closed forms the other sections
verify: the per-mode survival rule and sigma_i* (fixed eta_dec), G(s), eta_dec*^2 and the thresholds beta_p (learnable
eta_dec). The betas lie between and beyond every predicted threshold (geometric midpoints), so that every count of
surviving modes is tested. Each campaign is trained once per process and stored (``campaigns.trained_grid``).

Main results (claim ids, ``training.``):

* ``surviving_modes_fixed``, ``surviving_modes_learnable``: active units after training = predicted surviving modes;
* ``closed_forms``: trained loss, encoder std per mode and eta_dec^2 = the closed forms within stated tolerances;
* ``kl_annealing``: a KL warm-up leaves the collapse at the optimum unchanged.
"""

from symbolic_vae._papers.wz2022.training.campaigns import GRIDS, prescribed_data, trained_grid
from symbolic_vae._papers.wz2022.training.checks import counts_table
from symbolic_vae._papers.wz2022.training.claims import claims

__all__ = ["GRIDS", "claims", "counts_table", "prescribed_data", "trained_grid"]
