"""`symbolic-vae diagnose`: a trained VAE's active units against the linear theory, on an encoder dump of a linear VAE
trained here, on digits, as JSON, and bad input named with its flag."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import numeric_backend as nb
import symbolic_vae as sv
from symbolic_vae._cli import main

BETA = 1.0


@pytest.fixture(scope="module")
def data() -> np.ndarray:
    """400 points of covariance about diag(9, 2.25, 0.09): modes collapse at beta = zeta_i^2 = 9, 2.25, 0.09."""
    return np.random.default_rng(0).standard_normal((400, 3)) * np.array([3.0, 1.5, 0.3])


@pytest.fixture(scope="module")
def dump(data: np.ndarray, tmp_path_factory) -> tuple[Path, Path, nb.TrainedVAE]:
    trained = nb.train_linear_vae(data, betas=[BETA], latent_dim=3, seed=1)
    mu, logvar = trained.encode(data)
    folder = tmp_path_factory.mktemp("dump")
    np.save(folder / "X.npy", data)
    np.savez(folder / "encoder.npz", mu=mu[0], logvar=logvar[0])
    return folder / "X.npy", folder / "encoder.npz", trained


def test_a_trained_linear_vae_is_diagnosed_as_the_theory_predicts(dump):
    X_path, encoder, trained = dump
    diagnosis = sv.diagnose_from_files(X_path, encoder, beta_value=BETA)
    assert diagnosis.active_units == int(trained.active_units[0]) == 2
    assert diagnosis.predicted_surviving == 2 and diagnosis.agrees
    verdicts = [u.verdict for u in diagnosis.units]
    assert verdicts[0].startswith("alive, as predicted") and verdicts[1].startswith("alive, as predicted")
    assert verdicts[2].startswith("collapsed, as predicted")
    # the most active unit is paired with the largest mode, which collapses last (zeta_1^2 about 9)
    assert 8 < diagnosis.units[0].collapse_beta < 10 and 1.9 < diagnosis.units[1].collapse_beta < 2.6
    assert diagnosis.next_collapse_betas == sorted(u.collapse_beta for u in diagnosis.units[:2])
    np.testing.assert_allclose([u.kl for u in sorted(diagnosis.units, key=lambda u: u.unit)],
                               trained.usage.kl[0], rtol=1e-6)


def test_a_saved_linear_encoder_is_diagnosed_as_its_dump(dump, tmp_path, capsys):
    """W [D0, k] and logvar [k] of the trained linear VAE give the per-sample means x W and the same diagnosis."""
    X_path, encoder, trained = dump
    W, logvar = trained.params["W"][0], trained.params["logvar"][0]
    assert W.shape == (3, 3) and logvar.shape == (3,)
    np.savez(tmp_path / "linear.npz", W=W, logvar=logvar)
    from_model = sv.diagnose_from_files(X_path, tmp_path / "linear.npz", beta_value=BETA)
    from_dump = sv.diagnose_from_files(X_path, encoder, beta_value=BETA)
    assert from_model.active_units == from_dump.active_units == 2
    assert [u.verdict for u in from_model.units] == [u.verdict for u in from_dump.units]
    np.testing.assert_allclose([u.kl for u in from_model.units], [u.kl for u in from_dump.units], rtol=1e-9)
    assert main(["diagnose", str(X_path), "--encoder", str(tmp_path / "linear.npz"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["arrays"]["mean"].startswith("W (mu = x W + b_enc)")


@pytest.mark.parametrize(("arrays", "message"), [
    ({"W": np.ones((4, 2)), "logvar": np.zeros(2)}, "array 'W' has shape (4, 2); expected [D0, k] with D0 = 3"),
    ({"W": np.ones((3, 2)), "logvar": np.zeros(3)}, "array 'logvar' has shape (3,); expected [k] = [2]"),
    ({"W": np.ones((3, 2)), "logvar": np.zeros(2), "b_enc": np.zeros(3)}, "array 'b_enc' has shape (3,)"),
    ({"W": np.full((3, 2), np.nan), "logvar": np.zeros(2)}, "are not all finite"),
    ({"W": np.array([["a", "b"]] * 3), "logvar": np.zeros(2)}, "array 'W' of"),
])
def test_a_bad_linear_encoder_is_named(dump, tmp_path, capsys, arrays, message):
    X_path, _, _ = dump
    np.savez(tmp_path / "bad.npz", **arrays)
    assert main(["diagnose", str(X_path), "--encoder", str(tmp_path / "bad.npz")]) == 2
    err = capsys.readouterr().err
    assert "--encoder:" in err and message in err and "Traceback" not in err


def test_a_disagreement_is_reported_as_such(dump):
    """The same encoder read as if trained at beta = 0.05: the theory then keeps all three modes alive."""
    X_path, encoder, _ = dump
    diagnosis = sv.diagnose_from_files(X_path, encoder, beta_value=0.05)
    assert diagnosis.predicted_surviving == 3 and not diagnosis.agrees
    assert diagnosis.units[2].verdict.startswith("collapsed, but predicted alive")


def test_the_command_prints_the_table_and_json(dump, capsys):
    X_path, encoder, _ = dump
    assert main(["diagnose", str(X_path), "--encoder", str(encoder), "--beta", str(BETA)]) == 0
    table = capsys.readouterr().out
    assert "active units: 2 of 3" in table and "predicts 2 surviving modes" in table and "(agrees)" in table
    assert main(["diagnose", str(X_path), "--encoder", str(encoder), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["active_units"] == 2 and report["predicted_surviving_modes"] == 2 and report["agrees"]
    assert [u["rank"] for u in report["units"]] == [1, 2, 3] and report["arrays"] == {"mean": "mu",
                                                                                      "logvar": "logvar"}


def test_digits_are_diagnosed(tmp_path, capsys):
    digits = sv.thresholds(np.asarray(__import__("sklearn.datasets").datasets.load_digits().data, dtype=float),
                           latent_dim=2)
    rng = np.random.default_rng(3)
    mu = np.column_stack([rng.standard_normal(1797), np.full(1797, 1e-3)])  # one unit used, one collapsed
    np.savez(tmp_path / "enc.npz", z_mean=mu, z_log_var=np.column_stack([np.full(1797, -4.0), np.zeros(1797)]))
    assert main(["diagnose", "--encoder", str(tmp_path / "enc.npz"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["arrays"] == {"mean": "z_mean", "logvar": "z_log_var"} and report["active_units"] == 1
    assert report["predicted_surviving_modes"] == digits.surviving == 2
    assert report["units"][1]["verdict"].startswith("collapsed, but predicted alive")


@pytest.mark.parametrize(("arrays", "args", "message"), [
    ({"mu": np.zeros((5, 2)), "logvar": np.zeros((5, 2))}, [], "--encoder: array 'mu': 5 rows but X has 400"),
    ({"mu": np.zeros((400, 2)), "logvar": np.zeros((400, 3))}, [], "--encoder: array 'logvar': expected the shape"),
    ({"mu": np.full((400, 2), np.nan), "logvar": np.zeros((400, 2))}, [], "--encoder: array 'mu': contains NaN"),
    ({"mu": np.zeros((400, 2)), "logvar": np.full((400, 2), np.inf)}, [], "--encoder: array 'logvar': contains NaN"),
    ({"mu": np.zeros((400, 2)), "logvar": np.full((400, 2), 1e4)}, [], "exp overflows"),
    ({"means_of_z": np.zeros((400, 2)), "logvar": np.zeros((400, 2))}, [], "has no array of means"),
    ({"mu": np.zeros((400, 2)), "logvar": np.zeros((400, 2))}, ["--beta", "0"], "--beta"),
    ({"mu": np.zeros((400, 2)), "logvar": np.zeros((400, 2))}, ["--eta-dec", "-1"], "--eta-dec"),
])
def test_bad_input_is_named(dump, tmp_path, capsys, arrays, args, message):
    X_path, _, _ = dump
    np.savez(tmp_path / "bad.npz", **arrays)
    assert main(["diagnose", str(X_path), "--encoder", str(tmp_path / "bad.npz"), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_missing_and_unreadable_files_are_named(dump, tmp_path, capsys):
    X_path, encoder, _ = dump
    assert main(["diagnose", str(X_path), "--encoder", str(tmp_path / "none.npz")]) == 2
    assert "--encoder:" in capsys.readouterr().err
    (tmp_path / "text.npz").write_text("not an archive")
    assert main(["diagnose", str(X_path), "--encoder", str(tmp_path / "text.npz")]) == 2
    assert "not a readable .npz archive" in capsys.readouterr().err
    assert main(["diagnose", str(tmp_path / "none.npy"), "--encoder", str(encoder)]) == 2
    assert "DATA:" in capsys.readouterr().err


def test_the_library_names_its_own_arguments(data):
    with pytest.raises(sv.SymbolicVAEError, match=r"^mu: 3 rows but X has 400"):
        sv.diagnose(data, np.zeros((3, 2)), np.zeros((3, 2)))
    with pytest.raises(sv.SymbolicVAEError, match=r"^beta_value"):
        sv.diagnose(data, np.zeros((400, 2)), np.zeros((400, 2)), beta_value=float("nan"))
