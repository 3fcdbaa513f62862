"""symbolic-vae: re-derive and proof-check the theory of posterior collapse in linear latent variable models.

The flat public API: the model and its Gaussian rules, the ledger (claims, verdicts, registry), the check engine,
and the data statistics. ``symbolic_vae.testing`` holds assertions for users' own regression tests.
"""

from . import _environment  # noqa: F401 - numeric_backend reads SYMBOLIC_VAE_TORCH_CACHE / _TORCH_AOT
from ._api import vae_loss
from ._claim import Claim, Control, PaperRef, Step
from ._data import WhitenedData, check_second_moment, whiten
from ._errors import SymbolicVAEError
from ._gaussian import expect_over_noise, gaussian_log_density, kl_diagonal_gaussians
from ._identity import SizedIdentity, all_sizes, prove_at_sizes, prove_identity
from ._kernels import (
    DecoderVarianceRegime,
    Kernel,
    check_spectrum,
    kernel,
    kernel_sources,
    minimal_loss,
    per_latent,
    surviving_modes,
)
from ._latex import ClaimView, LedgerTable, NotebookLedger
from ._model import DataMoments, LinearLVM, TraceForm, beta, eta_dec, eta_enc, expect_over_data, trace_form
from ._plots import plot_all
from ._registry import all_claims, get_claim, run_claim, verify
from ._thresholds import DIGITS, collapse_threshold, load_digits_data, thresholds
from ._verdict import CheckResult, Counterexample, Status, Verdict

__all__ = [
    "ClaimView", "LedgerTable", "NotebookLedger", "collapse_threshold", "plot_all", "thresholds", "DIGITS",
    "load_digits_data", "DecoderVarianceRegime",
    "Kernel", "check_spectrum", "kernel", "kernel_sources", "minimal_loss", "per_latent", "surviving_modes",
    "CheckResult", "Claim", "Control", "Counterexample", "DataMoments", "LinearLVM", "PaperRef", "SizedIdentity",
    "Status", "Step", "SymbolicVAEError", "TraceForm", "Verdict", "WhitenedData", "all_claims", "all_sizes", "beta",
    "check_second_moment", "eta_dec", "eta_enc", "expect_over_data", "expect_over_noise", "gaussian_log_density",
    "get_claim", "kl_diagonal_gaussians", "prove_at_sizes", "prove_identity", "run_claim", "trace_form", "vae_loss",
    "verify", "whiten",
]
