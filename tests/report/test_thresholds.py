"""Collapse thresholds of a dataset: known spectra, rank-deficient data, the learnable decoder variance, bad files."""

import json

import numpy as np
import pytest
from helpers import assert_close

from symbolic_vae import SymbolicVAEError, collapse_threshold, kernel, thresholds
from symbolic_vae._cli import main
from symbolic_vae._report.thresholds import load_matrix, thresholds_from_files

SPECTRUM = np.array([3.0, 2.0, 1.5, 0.5])


def _dataset(s: np.ndarray, n: int = 40, seed: int = 0, shift: float = 7.0) -> np.ndarray:
    """X [n, d] whose centred second moment is diag(s^2) in a random basis, plus a mean ``shift``."""
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(np.column_stack([np.ones(n), rng.standard_normal((n, s.size))]))
    basis, _ = np.linalg.qr(rng.standard_normal((s.size, s.size)))
    return np.sqrt(n) * q[:, 1:] * s @ basis.T + shift


def test_threshold_is_solved_from_the_survival_kernel():
    t = collapse_threshold()
    assert t.strict and str(t.expr) == "zeta**2/eta_dec**2"
    survives = kernel("mode_survives")
    thr = t(SPECTRUM, eta_enc=1.0, eta_dec=0.7)
    assert_close(thr, SPECTRUM**2 / 0.49)
    one_mode_each = SPECTRUM[:, None]  # a batch of one-mode spectra, one beta each
    assert np.all(survives(one_mode_each, beta=thr * (1 - 1e-9), eta_enc=1.0, eta_dec=0.7) == 1)
    assert np.all(survives(one_mode_each, beta=thr, eta_enc=1.0, eta_dec=0.7) == 0)  # strict: collapsed at it
    with pytest.raises(SymbolicVAEError, match="^eta_enc, eta_dec: keyword-only arguments of collapse_threshold"):
        t(SPECTRUM, 1.0, 0.7)


def test_known_spectrum_table_and_json(capsys, tmp_path):
    X = _dataset(SPECTRUM)
    report = thresholds(X, beta_value=3.0, eta_dec_value=1.0, learnable=False)
    assert report.rank == 4 and report.residual == 0.0
    assert_close(report.zeta, SPECTRUM)
    assert_close(report.collapse_beta, SPECTRUM**2)
    assert report.surviving == 2  # 9 > 3, 4 > 3, 2.25 < 3, 0.25 < 3
    table = report.table()
    assert "collapses at beta >=" in table and "2 of 4" in table and "centred" in table
    rows = table.splitlines()
    assert sum(" survives " in r for r in rows) == 2 and sum(" collapsed " in r for r in rows) == 2
    path = tmp_path / "x.npy"
    np.save(path, X)
    assert main(["thresholds", str(path), "--beta", "3", "--eta-dec", "0.5", "--latent-dim", "6", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["rank"] == 4 and out["latent_dim"] == 6 and out["centred"] is True
    assert_close([m["collapse_beta"] for m in out["modes"]], [*(SPECTRUM**2 / 0.25), 0.0, 0.0])
    assert out["surviving_modes"] == 3  # beta eta_dec^2 = 0.75: zeta = 0.5 and the two zero modes collapse
    assert [m["survives"] for m in out["modes"]] == [True, True, True, False, False, False]


def test_targets_and_residual(tmp_path):
    X = _dataset(SPECTRUM, n=60, seed=1)
    rng = np.random.default_rng(2)
    noise = rng.standard_normal((60, 2))
    Y = X[:, :2] @ np.array([[1.0, 0.0], [0.5, 2.0]]) + noise
    report = thresholds(X, Y, learnable=False)
    assert report.target_dim == 2 and report.zeta.size == 2 and report.residual > 0
    centred = Y - Y.mean(axis=0)
    assert_close(report.residual + np.sum(report.zeta**2), np.sum(centred**2) / 60)


def test_rank_deficient_data_uses_positive_eigenvalues(tmp_path):
    rng = np.random.default_rng(3)
    X = np.column_stack([rng.standard_normal((4, 5)), np.full(4, 2.5)])  # 4 rows, 6 columns, one constant
    report = thresholds(X, learnable=False)
    assert report.rank == 3 and report.constant_columns == 1 and report.zeta.size == 3
    assert any("at most 3" in n for n in report.notes)
    csv = tmp_path / "x.csv"
    np.savetxt(csv, X, delimiter=",", header="a,b,c,d,e,f", comments="")
    assert_close(thresholds_from_files(csv, learnable=False).zeta, report.zeta)


def test_learnable_decoder_variance_when_available():
    report = thresholds(_dataset(SPECTRUM), beta_value=1.0)
    learn = report.learnable
    if not learn["available"]:
        pytest.skip(learn["reason"])
    s_star = kernel("optimal_decoder_variance")(SPECTRUM, beta=1.0, latent_dim=4, target_dim=4)
    assert_close(learn["eta_dec2_star"], s_star)
    assert len(learn["collapse_beta"]) == 4 and "optimal eta_dec^2" in report.table()


def test_digits_default(capsys):
    pytest.importorskip("sklearn")
    assert main(["thresholds", "--beta", "4", "--latent-dim", "10"]) == 0
    out = capsys.readouterr().out
    assert "load_digits" in out and "rank 61 of 64" in out and "surviving modes at beta = 4: 10 of 10" in out


@pytest.mark.parametrize("content, suffix, message", [
    (None, ".npy", "does not exist"),
    ("1,2\n3,abc\n", ".csv", "line 2: non-numeric value 'abc'"),
    ("1,2\n3\n", ".csv", "line 2: 1 columns, expected 2"),
    ("1,2\nnan,4\n", ".csv", "NaN or inf"),
    ("1,2\n", ".txt", "expected a .npy or .csv"),
    (np.array([1.0, np.inf, 2.0, 3.0]).reshape(2, 2), ".npy", "NaN or inf"),
    (np.zeros((2, 2, 2)), ".npy", "expected a 2-D array"),
    (np.arange(5.0), ".npy", "reshape to [n, 1]"),
    (np.array(["a", "b"]).reshape(1, 2), ".npy", "not real numbers"),
    (np.array([{"a": 1}], dtype=object), ".npy", "not a readable .npy"),
])
def test_bad_files_raise(tmp_path, content, suffix, message):
    path = tmp_path / f"data{suffix}"
    if isinstance(content, str):
        path.write_text(content)
    elif content is not None:
        np.save(path, content, allow_pickle=True)
    with pytest.raises(SymbolicVAEError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_matrix(path)


def test_cli_bad_input_exit_code(tmp_path, capsys):
    X, Y = tmp_path / "x.npy", tmp_path / "y.npy"
    np.save(X, np.random.default_rng(0).standard_normal((10, 3)))
    np.save(Y, np.ones((9, 2)))
    assert main(["thresholds", str(X), "--targets", str(Y)]) == 2
    assert "--targets" in capsys.readouterr().err
    assert main(["thresholds", str(tmp_path / "nope.csv")]) == 2
    assert main(["thresholds", str(X), "--beta", "-1"]) == 2
    np.save(X, np.ones((5, 3)))
    assert main(["thresholds", str(X)]) == 2
    assert "every column is constant" in capsys.readouterr().err


def test_ledger_verdicts_gate_the_kernels_of_thresholds(tmp_path, capsys, monkeypatch):
    """`thresholds --ledger` takes the gating verdicts from the file: with the survival claim recorded as REFUTED
    (a tampered ledger), no kernel is built; an unknown claim id or a file that is not a ledger is a usage error."""
    from symbolic_vae import kernel_sources
    from symbolic_vae._engine import runner as _runner

    monkeypatch.setattr(_runner, "_VERDICTS", dict(_runner._VERDICTS))  # the fake verdict stays in this test
    refuted = {"status": "REFUTED", "method": "exact instance", "summary": "tampered",
               "counterexample": {"instance": {"zeta": "1"}, "lhs": "0", "rhs": "1", "dps": 30}}
    tampered = {"claim": kernel_sources()["mode_survives"].claim, "status": "REFUTED", "method": "exact instance",
                "summary": "tampered", "checks": [refuted], "negative_control": None}
    survival = tampered
    path = tmp_path / "ledger.json"
    path.write_text(json.dumps({"claims": [tampered], "backend": "numpy"}))
    data = tmp_path / "x.npy"
    np.save(data, _dataset(SPECTRUM))
    assert main(["thresholds", str(data), "--ledger", str(path)]) == 2
    assert "REFUTED" in capsys.readouterr().err
    path.write_text(json.dumps({"claims": [{**survival, "claim": "no.such.claim"}]}))
    assert main(["thresholds", str(data), "--ledger", str(path)]) == 2
    assert "unknown claim ids no.such.claim" in capsys.readouterr().err
    path.write_text("[1, 2]")
    assert main(["thresholds", str(data), "--ledger", str(path)]) == 2
    assert "--ledger" in capsys.readouterr().err


def test_the_digits_are_read_as_load_digits_reads_them():
    from sklearn.datasets import load_digits

    from symbolic_vae._report.thresholds import load_digits_data

    ours, theirs = load_digits_data(), np.asarray(load_digits().data, dtype=np.float64)
    assert ours.shape == (1797, 64) and ours.strides == theirs.strides and ours.tobytes() == theirs.tobytes()


def test_the_closed_forms_of_the_digits_are_the_term_by_term_sums():
    import sympy as sp

    from symbolic_vae._papers.wz2022.decoder_variance import forms

    zs = forms.zeta_symbols(7)
    for p in range(8):
        assert forms._R_expr(zs, p) == forms.c_sym + sum((z**2 for z in zs[p:]), sp.Integer(0))
    outside = sum((z**2 for z in zs[4:]), sp.Integer(0))
    modes = sum((forms.mode_value(z**2) for z in zs[:4]), sp.Integer(0))
    assert forms.G_expr(7, 4, 5) == (forms.c_sym + outside) / (2 * forms.s) + modes + sp.Rational(5, 2) * sp.log(
        2 * sp.pi * forms.s)
    alive = sum((sp.Piecewise((1, forms._alive(zs, p, 5)), (0, True)) for p in range(1, 8)), sp.Integer(0))
    assert forms.survivors_expr(7, 7, 5, alive=forms._alive) == alive
    assert forms._alive(zs, 3, 5) is forms._alive(list(zs), 3, 5)  # built once per size


def test_the_table_reads_well_at_eta_dec_1_and_without_a_minimizer():
    """At eta_dec = 1 the threshold column is zeta_i^2 itself, so it is not printed twice; one mode reads '1 mode';
    with no minimizer of the decoder variance (y linear in x), no mode count is claimed at an optimum."""
    X = np.random.default_rng(0).standard_normal((40, 3)) * np.array([3.0, 2.0, 1.0])
    header = next(line for line in thresholds(X).table().splitlines() if line.startswith("mode"))
    assert "zeta_i^2" not in header and "collapses at beta" in header
    header = next(line for line in thresholds(X, eta_dec_value=2.0).table().splitlines() if line.startswith("mode"))
    assert "zeta_i^2" in header
    for beta_value in (0.5, 1.0, 2.0, 4.0, 8.0, 16.0):
        text = thresholds(X, beta_value=beta_value).table()
        assert " 1 modes" not in text and " 1 survive " not in text
    from symbolic_vae._report.thresholds import load_digits_data

    text = thresholds(load_digits_data()).table()  # digits, y = x: G(s) -> -oo as s -> 0
    assert "NO_MINIMIZER" in text and "survive there" not in text and "decreases without bound" in text
