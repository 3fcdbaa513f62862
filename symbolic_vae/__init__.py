"""symbolic-vae: re-derive and proof-check the theory of posterior collapse in linear latent variable models.

The flat public API: the model and its Gaussian rules, the ledger (claims, verdicts, registry; ledger files and the
verdict store), the check engine, and the data statistics. ``symbolic_vae.testing`` holds assertions for users' own
regression tests.
"""

from symbolic_vae._core import environment as _environment  # noqa: F401 - numeric_backend reads SYMBOLIC_VAE_TORCH_CACHE / _TORCH_AOT
from symbolic_vae._core.claim import Claim, Control, PaperRef, Step
from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._core.verdict import CheckResult, Counterexample, Origin, Status, Verdict
from symbolic_vae._engine.identity import SizedIdentity, all_sizes, prove_at_sizes, prove_identity
from symbolic_vae._engine.store import VerdictStore, verdict_store
from symbolic_vae._kernels.build import (
    DecoderVarianceRegime,
    Kernel,
    check_spectrum,
    kernel,
    kernel_sources,
    minimal_loss,
    per_latent,
    surviving_modes,
)
from symbolic_vae._model.data import WhitenedData, check_second_moment, whiten
from symbolic_vae._model.gaussian import expect_over_noise, gaussian_log_density, kl_diagonal_gaussians
from symbolic_vae._model.loss import vae_loss
from symbolic_vae._model.lvm import (
    DataMoments,
    LinearLVM,
    TraceForm,
    beta,
    eta_dec,
    eta_enc,
    expect_over_data,
    trace_form,
)
from symbolic_vae._papers.wz2022.decoder_variance.forms import DecoderVarianceForms, decoder_variance_forms
from symbolic_vae._papers.wz2022.encoder_variance.forms import EncoderVarianceForms, encoder_variance_forms
from symbolic_vae._papers.wz2022.global_minimum.forms import GlobalMinimumForms, global_minimum_forms
from symbolic_vae._report.diagnose import Diagnosis, UnitDiagnosis, diagnose, diagnose_from_files
from symbolic_vae._report.ledger import Ledger, load_ledger, read_ledger, reuse_ledger
from symbolic_vae._report.mutation import MutationReport, mutate_claims
from symbolic_vae._report.notebook import (
    ClaimView,
    Formula,
    LedgerTable,
    NotebookLedger,
    StepCheck,
    check_step,
    formula,
)
from symbolic_vae._report.plots import plot_all
from symbolic_vae._report.registry import all_claims, get_claim, run_claim, select_claims, verify
from symbolic_vae._report.thresholds import DIGITS, collapse_threshold, load_digits_data, thresholds

__all__ = [
    "ClaimView", "LedgerTable", "NotebookLedger", "collapse_threshold", "plot_all", "thresholds", "DIGITS",
    "load_digits_data", "DecoderVarianceRegime",
    "Kernel", "check_spectrum", "kernel", "kernel_sources", "minimal_loss", "per_latent", "surviving_modes",
    "CheckResult", "Claim", "Control", "Counterexample", "DataMoments", "LinearLVM", "PaperRef", "SizedIdentity",
    "Status", "Step", "SymbolicVAEError", "TraceForm", "Verdict", "WhitenedData", "all_claims", "all_sizes", "beta",
    "check_second_moment", "eta_dec", "eta_enc", "expect_over_data", "expect_over_noise", "gaussian_log_density",
    "get_claim", "kl_diagonal_gaussians", "prove_at_sizes", "prove_identity", "run_claim", "trace_form", "vae_loss",
    "verify", "whiten", "Ledger", "load_ledger", "read_ledger", "reuse_ledger", "VerdictStore", "verdict_store",
    "Origin", "MutationReport", "mutate_claims", "select_claims", "Diagnosis", "UnitDiagnosis", "diagnose",
    "diagnose_from_files",
    "Formula", "StepCheck", "check_step", "formula", "DecoderVarianceForms", "decoder_variance_forms",
    "EncoderVarianceForms", "encoder_variance_forms", "GlobalMinimumForms", "global_minimum_forms",
]
