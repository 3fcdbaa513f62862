"""The kernel checks (kernels.*) on each backend, the backend recorded in their evidence, and `verify --backend`."""

import json

import numpy as np
import pytest
from helpers import assert_verdict_and_control

from symbolic_vae import Status, SymbolicVAEError, kernel, kernel_sources
from symbolic_vae._cli import main
from symbolic_vae._kernels.checks import compare_with_reference
from symbolic_vae._report.registry import Context, claim_verdict

ROUND_TRIPS = ("kernels.per_mode_round_trip", "kernels.spectrum_round_trip")


@pytest.mark.parametrize("backend", ["numpy", "torch"])
@pytest.mark.parametrize("claim_id", ROUND_TRIPS)
def test_round_trip_claims_pass_on_the_backend_and_record_it(claim_id, backend):
    pytest.importorskip("torch")
    verdict = claim_verdict(claim_id, Context(backend))
    assert_verdict_and_control(verdict, Status.CHECKED)
    n_kernels = sum(1 for s in kernel_sources().values()
                    if (type(s).__name__ == "KernelSource") == (claim_id == ROUND_TRIPS[0]))
    assert len(verdict.checks) == n_kernels + 1  # one per kernel, then the worst gap over all of them
    assert verdict.summary.startswith(f"{n_kernels} kernels on {backend}: {24 * n_kernels} seeded points")
    assert len(verdict.checks[-1].details["gap_per_kernel"]) == n_kernels
    for check in (*verdict.checks, verdict.control):
        assert check.details["backend"] == backend
        assert check.details["points"] == 24 * (n_kernels if check is verdict.checks[-1] else 1)
    assert claim_verdict(claim_id) is claim_verdict(claim_id, Context("numpy"))  # the default context


def test_every_spectrum_kernel_offers_a_sampler_and_a_reference():
    builders = [s for s in kernel_sources().values() if type(s).__name__ == "BuilderSource"]
    assert len(builders) >= 10
    for source in builders:
        assert callable(source.sample) and callable(source.reference), source.name


def test_ground_truth_claim_passes_and_its_control_is_refuted():
    verdict = claim_verdict("kernels.ground_truth")
    assert_verdict_and_control(verdict, Status.CHECKED)
    assert verdict.checks[0].details["instances"] == 12 and verdict.checks[0].details["worst_gap"] < 1e-7
    assert "ground truth" in verdict.control.counterexample.rhs


def test_comparison_refutes_a_kernel_off_by_one_part_in_a_million():
    """The shared tolerance catches a small relative error, and the counterexample names the worst point."""
    source = kernel_sources()["sigma_star"]
    k = kernel("sigma_star")
    result = compare_with_reference("sigma* x (1 + 1e-6)", lambda *a, **kw: k(*a, **kw) * (1 + 1e-6), source.reference,
                                    source.sample, seed=5, backend="numpy")
    assert result.status is Status.REFUTED
    assert result.counterexample is not None and "arg0" in result.counterexample.instance


@pytest.mark.slow
def test_one_kernel_round_trip_on_the_compiled_backend():
    pytest.importorskip("torch")
    source = kernel_sources()["mode_loss"]
    result = compare_with_reference("mode_loss", kernel("mode_loss", "torch-compiled"), source.reference,
                                    source.sample, seed=9, backend="torch-compiled")
    assert result.status is Status.CHECKED, result.summary
    assert result.details["backend"] == "torch-compiled"


def test_verify_backend_is_recorded_in_the_json_ledger(tmp_path, capsys):
    pytest.importorskip("torch")
    out = tmp_path / "ledger.json"
    assert main(["verify", "--claim", "kernels.per_mode_round_trip", "--backend", "torch", "--json", str(out),
                 "--quiet"]) == 0
    assert "on the torch backend" in capsys.readouterr().out
    ledger = json.loads(out.read_text())
    assert ledger["backend"] == "torch"
    entry = ledger["claims"][0]
    assert entry["status"] == "CHECKED" and entry["negative_control"]["status"] == "REFUTED"
    assert {c["details"]["backend"] for c in entry["checks"]} == {"torch"}


def test_bad_backend_names_the_argument(capsys):
    assert main(["verify", "--backend", "jax"]) == 2  # a usage error: one line, exit 2
    assert "--backend" in capsys.readouterr().err
    with pytest.raises(SymbolicVAEError, match="backend"):
        kernel("sigma_star", "jax")
    with pytest.raises(SymbolicVAEError, match="backend"):
        Context("jax")
    with pytest.raises(SymbolicVAEError, match="backend"):
        kernel("decoder_variance_G")(np.array([[1.0]]), beta=1.0, latent_dim=1, target_dim=1, s=1.0, backend="torch")
