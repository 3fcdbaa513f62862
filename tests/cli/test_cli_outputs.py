"""The output verbs ``latex``, ``plot`` and ``thresholds``: every option and the output directory are checked before
any computation, errors are one line on stderr naming the flag (exit 2, never a traceback), --force replaces only
the files the tool writes, a failure writes nothing, and ``thresholds --json`` is strict JSON."""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from symbolic_vae import Status, SymbolicVAEError, Verdict, _cli
from symbolic_vae._cli import main
from symbolic_vae._core.validation import json_compatible, output_directory
from symbolic_vae._engine import runner as _runner
from symbolic_vae._report import output as report_output
from symbolic_vae._report import plots as _plots
from symbolic_vae._report import thresholds as _thresholds

CLAIMS = ("elbo.kl_split", "globalmin.von_neumann_sorted")


@pytest.fixture(autouse=True)
def _own_verdicts(monkeypatch):
    """Verdicts read from the fake ledgers of these tests stay in the test."""
    monkeypatch.setattr(_runner, "_VERDICTS", dict(_runner._VERDICTS))


@pytest.fixture
def no_claims_run(monkeypatch):
    """Fail the test if the CLI starts computing verdicts."""
    def refuse(*args, **kwargs):
        raise AssertionError("claims were run before the options were checked")

    monkeypatch.setattr(_cli, "verify", refuse)


def _ledger(path: Path, ids=CLAIMS) -> Path:
    """A ledger with a (fake) PROVED verdict per claim: enough to print a report, no check is run."""
    entries = [{"claim": i, "status": "PROVED", "method": "symbolic", "summary": "fake verdict of a CLI test",
                "checks": [], "negative_control": None} for i in ids]
    path.write_text(json.dumps({"claims": entries, "backend": "numpy"}))
    return path


def _files(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (hidden ones too: no temporary file may be left) with its content."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _one_error_line(err: str, start: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"symbolic-vae: error: {start}"), lines[0]
    return lines[0]


# --- latex ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["file", "under a file", "proc", "empty", "existing report", "unknown claim",
                                  "missing ledger"])
def test_latex_checks_everything_before_running_claims(tmp_path, capsys, no_claims_run, kind):
    afile = tmp_path / "afile"
    afile.write_text("x")
    out, extra, start = tmp_path / "report", [], "-o: "
    if kind == "file":
        out = afile
    elif kind == "under a file":
        out = afile / "sub"
    elif kind == "proc":
        out = Path("/proc/symbolic-vae-test")
    elif kind == "empty":
        out = ""
    elif kind == "existing report":
        out.mkdir()
        (out / "report.tex").write_text("old")
    elif kind == "unknown claim":
        extra, start = ["--claim", "no.such.claim"], "--claim: unknown id 'no.such.claim'"
    else:
        extra, start = ["--ledger", str(tmp_path / "missing.json")], "--ledger: "
    assert main(["latex", "-o", str(out), "--quiet", *extra]) == 2
    line = _one_error_line(capsys.readouterr().err, start)
    if kind == "existing report":
        assert "--force" in line and (out / "report.tex").read_text() == "old"
    assert not (tmp_path / "report").exists() or kind == "existing report"


def test_latex_force_replaces_only_its_own_files(tmp_path, capsys):
    ledger = _ledger(tmp_path / "ledger.json")
    out = tmp_path / "out"
    (out / "snippets").mkdir(parents=True)
    (out / "snippets" / "mine.tex").write_text("my own snippet")
    (out / "notes.txt").write_text("my notes")
    assert main(["latex", "-o", str(out), "--ledger", str(ledger), "--claim", CLAIMS[0], "--claim", CLAIMS[0]]) == 0
    assert ", 1 snippets in" in capsys.readouterr().out  # a repeated --claim is written once
    first = _files(out)
    assert set(first) == {"notes.txt", "report.tex", "snippets/mine.tex", "snippets/preamble.tex",
                          f"snippets/{CLAIMS[0]}.tex", f"cards/{CLAIMS[0]}.tex"}
    assert main(["latex", "-o", str(out), "--ledger", str(ledger)]) == 2  # report.tex exists
    assert "--force" in _one_error_line(capsys.readouterr().err, "-o: ")
    assert _files(out) == first
    assert main(["latex", "-o", str(out), "--ledger", str(ledger), "--force"]) == 0
    after = _files(out)
    assert set(after) == set(first) | {f"snippets/{CLAIMS[1]}.tex", f"cards/{CLAIMS[1]}.tex"}
    assert after["notes.txt"] == b"my notes" and after["snippets/mine.tex"] == b"my own snippet"
    assert CLAIMS[1].encode() in after["report.tex"] and after["report.tex"] != first["report.tex"]
    umask = os.umask(0)
    os.umask(umask)
    assert (out / "report.tex").stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's 0600


def test_latex_failure_while_moving_files_restores_the_old_ones(tmp_path, capsys, monkeypatch):
    ledger = _ledger(tmp_path / "ledger.json")
    out = tmp_path / "out"
    assert main(["latex", "-o", str(out), "--ledger", str(ledger), "--claim", CLAIMS[0]]) == 0
    before = _files(out)
    real_replace, calls = os.replace, []

    def replace(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(report_output.os, "replace", replace)
    assert main(["latex", "-o", str(out), "--ledger", str(ledger), "--force"]) == 2
    monkeypatch.setattr(report_output.os, "replace", real_replace)
    assert "No space left on device" in _one_error_line(capsys.readouterr().err, "-o: cannot write")
    assert _files(out) == before  # the file already replaced is back, nothing new, no temporary file
    fresh = tmp_path / "fresh" / "deeper"
    calls.clear()
    monkeypatch.setattr(report_output.os, "replace", replace)
    assert main(["latex", "-o", str(fresh), "--ledger", str(ledger)]) == 2
    assert not (tmp_path / "fresh").exists()  # the directories this run created are gone too


def _fake_pdflatex(tmp_path: Path, monkeypatch, *, fail: bool) -> None:
    """A `pdflatex` on PATH that writes report.pdf and report.log (or fails like a LaTeX error)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "pdflatex"
    body = ('echo "! Undefined control sequence." > report.log; exit 1' if fail
            else 'echo "%PDF-1.4 fake" > report.pdf; echo "fake log" > report.log; echo aux > report.aux')
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")


def test_latex_pdf_is_compiled_aside_and_moved_in(tmp_path, capsys, monkeypatch):
    _fake_pdflatex(tmp_path, monkeypatch, fail=False)
    ledger = _ledger(tmp_path / "ledger.json")
    out = tmp_path / "out"
    assert main(["latex", "-o", str(out), "--ledger", str(ledger), "--pdf"]) == 0
    assert f"wrote {out / 'report.pdf'}" in capsys.readouterr().out
    assert set(_files(out)) == {"report.tex", "report.pdf", "snippets/preamble.tex",
                                *(f"snippets/{c}.tex" for c in CLAIMS), *(f"cards/{c}.tex" for c in CLAIMS)}
    assert main(["latex", "-o", str(out), "--ledger", str(ledger), "--claim", CLAIMS[0], "--pdf"]) == 2
    assert "report.pdf" in _one_error_line(capsys.readouterr().err, "-o: ")


def test_latex_error_with_pdf_writes_nothing(tmp_path, capsys, monkeypatch):
    _fake_pdflatex(tmp_path, monkeypatch, fail=True)
    ledger = _ledger(tmp_path / "ledger.json")
    out = tmp_path / "out"
    assert main(["latex", "-o", str(out), "--ledger", str(ledger), "--pdf"]) == 2
    line = _one_error_line(capsys.readouterr().err, "pdflatex failed on ")
    assert str(out / "report.tex") in line and "Undefined control sequence" in line
    assert not out.exists()


def test_latex_pdf_without_pdflatex_is_found_first(tmp_path, capsys, monkeypatch, no_claims_run):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert main(["latex", "-o", str(tmp_path / "out"), "--pdf", "--quiet"]) == 2
    _one_error_line(capsys.readouterr().err, "--pdf: pdflatex not found")


def test_write_report_names_python_arguments(tmp_path):
    from symbolic_vae import get_claim

    claim = get_claim(CLAIMS[0])
    with pytest.raises(SymbolicVAEError, match="^verdicts: no verdict for"):
        report_output.write_report(tmp_path, [claim], [], source="test")
    with pytest.raises(SymbolicVAEError, match="^claims: .* more than once"):
        report_output.write_report(tmp_path, [claim, claim], [], source="test")
    with pytest.raises(SymbolicVAEError, match="^force: expected True or False"):
        report_output.write_report(tmp_path, [claim], [], source="test", force="yes")
    (tmp_path / "f").write_text("x")
    verdict = Verdict(claim.id, Status.PROVED, "symbolic", "fake", (), None, None, 0.0)
    with pytest.raises(SymbolicVAEError, match="^out_dir: .* not a directory"):
        report_output.write_report(tmp_path / "f", [claim], [verdict], source="test")
    assert _files(tmp_path) == {"f": b"x"}


# --- plot -----------------------------------------------------------------------------------------------------
@pytest.fixture
def fake_figures(monkeypatch):
    """Figures that write a few bytes instead of drawing (no kernel is built); ``fail`` makes one of them raise."""
    state = {"fail": None, "error": RuntimeError("drawing failed")}

    def fake(name):
        def draw(zeta, path, **kwargs):
            if state["fail"] == name:
                raise state["error"]
            Path(path).write_bytes(f"new {name}".encode())
            return _plots.PlotResult(name, Path(path), f"fake {name}")
        return draw

    monkeypatch.setattr(_plots, "phase_diagram", fake("phase"))
    monkeypatch.setattr(_plots, "decoder_variance_plot", fake("G"))
    monkeypatch.setattr(_plots, "beta_sweep", fake("sweep"))
    monkeypatch.setattr(_plots, "training_plot", lambda path: fake("training")(None, path))
    return state


BAD_PLOT_OPTIONS = [
    (["--eta-dec", "-1"], "--eta-dec: "), (["--eta-dec", "0"], "--eta-dec: "), (["--eta-dec", "nan"], "--eta-dec: "),
    (["--eta-dec", "inf"], "--eta-dec: "), (["--eta-dec", "1e9"], "--eta-dec: "), (["--eta-enc", "-2"], "--eta-enc: "),
    (["--eta-enc", "abc"], "--eta-enc: expected a real number"), (["--zeta", "1", "2"], "--zeta: "),
    (["--zeta", "-1"], "--zeta: "), (["--zeta", "0", "0"], "--zeta: "), (["--zeta", "1", "nan"], "--zeta: "),
    (["--zeta", *["1"] * 101], "--zeta: 101 values"), (["--latent-dim", "1000000"], "--latent-dim: "),
    (["--latent-dim", "0"], "--latent-dim: "), (["--latent-dim", "2.5"], "--latent-dim: expected an integer"),
    (["--target-dim", "2"], "--target-dim: "), (["--target-dim", "1000001"], "--target-dim: "),
    (["--residual", "-1"], "--residual: "), (["--residual", "nan"], "--residual: "),
    (["--residual", "1e300"], "--residual: "), (["--zeta"], "--zeta: expected at least one argument"),
]


@pytest.mark.parametrize(("options", "start"), BAD_PLOT_OPTIONS)
def test_plot_checks_every_option_before_drawing(tmp_path, capsys, monkeypatch, options, start):
    def refuse(*args, **kwargs):
        raise AssertionError("drew before the options were checked")

    for name in ("phase_diagram", "decoder_variance_plot", "beta_sweep"):
        monkeypatch.setattr(_plots, name, refuse)
    out = tmp_path / "figures"
    assert main(["plot", "-o", str(out), *options]) == 2
    _one_error_line(capsys.readouterr().err, start)
    assert not out.exists()


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"eta_dec": -1.0}, "eta_dec"), ({"eta_enc": float("nan")}, "eta_enc"), ({"latent_dim": 10**6}, "latent_dim"),
    ({"latent_dim": 2.0}, "latent_dim"), ({"target_dim": 3}, "target_dim"), ({"residual": float("inf")}, "residual"),
    ({"zeta": [[3.0, 1.0]]}, "zeta"), ({"zeta": "3 2 1"}, "zeta"), ({"force": "yes"}, "force"),
])
def test_plot_all_names_the_python_argument(tmp_path, fake_figures, kwargs, name):
    with pytest.raises(SymbolicVAEError, match=f"^{name}: "):
        _plots.plot_all(tmp_path / "figures", **kwargs)
    assert not (tmp_path / "figures").exists()
    (tmp_path / "file").write_text("x")
    with pytest.raises(SymbolicVAEError, match="^out_dir: "):
        _plots.plot_all(tmp_path / "file")


def test_plot_force_replaces_only_the_figures(tmp_path, capsys, fake_figures):
    out = tmp_path / "figures"
    out.mkdir()
    (out / "other.png").write_bytes(b"mine")
    (out / _plots.FILES["phase"]).write_bytes(b"old phase")
    assert main(["plot", "-o", str(out)]) == 2
    assert "--force" in _one_error_line(capsys.readouterr().err, "-o: ")
    assert _files(out) == {"other.png": b"mine", _plots.FILES["phase"]: b"old phase"}
    assert main(["plot", "-o", str(out), "--force"]) == 0
    assert f"phase: {out / _plots.FILES['phase']}: fake phase" in capsys.readouterr().out
    assert _files(out) == {"other.png": b"mine", **{f: f"new {n}".encode() for n, f in _plots.FILES.items()}}


@pytest.mark.parametrize("error", [RuntimeError("drawing failed"), KeyboardInterrupt(),
                                   SymbolicVAEError("zeta: a kernel refused")])
def test_plot_failure_midway_writes_nothing(tmp_path, capsys, fake_figures, error):
    fake_figures.update(fail="sweep", error=error)  # after the phase diagram and G(s) were drawn
    out = tmp_path / "a" / "figures"
    expected = 130 if isinstance(error, KeyboardInterrupt) else 2
    assert main(["plot", "-o", str(out)]) == expected
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    if isinstance(error, SymbolicVAEError):
        assert err.startswith("symbolic-vae: error: --zeta: a kernel refused")
    assert not (tmp_path / "a").exists()
    out.mkdir(parents=True)
    old = {f: b"old" for f in _plots.FILES.values()}
    for f, data in old.items():
        (out / f).write_bytes(data)
    assert main(["plot", "-o", str(out), "--force"]) == expected
    assert _files(out) == old


def test_plot_skipped_figure_writes_no_file(tmp_path, capsys, fake_figures, monkeypatch):
    monkeypatch.setattr(_plots, "decoder_variance_plot",
                        lambda zeta, path, **kw: _plots.PlotResult("G", None, "skipped"))
    out = tmp_path / "figures"
    assert main(["plot", "-o", str(out)]) == 0
    assert "G: (none): skipped" in capsys.readouterr().out
    assert set(_files(out)) == {_plots.FILES[name] for name in _plots.FILES if name != "G"}


def test_plot_many_modes_draws_with_little_memory(tmp_path, monkeypatch):
    """The largest latent dimension: the phase grid is computed in blocks (no points^2 x d1 array)."""
    calls = []
    real = _plots.kernel

    def counting(name, *args, **kwargs):
        built = real(name, *args, **kwargs)
        if name != _plots.ALIVE_KERNEL:
            return built

        def alive(zeta, **keywords):
            calls.append(np.shape(keywords["beta"]))
            return built(zeta, **keywords)

        return alive

    monkeypatch.setattr(_plots, "kernel", counting)
    from symbolic_vae._kernels.build import kernel_sources
    from symbolic_vae._report.ledger import reuse_ledger

    reuse_ledger(_ledger(tmp_path / "ledger.json", sorted({kernel_sources()[n].claim for n in _plots.PHASE_KERNELS})))
    grid = _plots.phase_grid([3.0, 2.0, 1.0], latent_dim=_plots.PLOT_MAX_MODES, points=241)
    assert grid.count.shape == (241, 241) and grid.count.max() == 3
    assert len(calls) > 2 and all(np.prod(s) * _plots.PLOT_MAX_MODES <= 2_000_000 for s in calls)


# --- thresholds -----------------------------------------------------------------------------------------------
class _FakeReport:
    def __init__(self, payload):
        self.payload = payload

    def to_json(self):
        return self.payload

    def table(self):
        return "table"


def test_thresholds_json_is_strict_json(capsys, monkeypatch):
    payload = {"beta": 1.0, "modes": [{"mode": np.int64(1), "collapse_beta": float("inf"), "survives": np.bool_(True)},
                                      {"mode": 2, "collapse_beta": np.float64(2.5), "sigma_star": float("nan")}],
               "learnable_eta_dec": {"collapse_beta": np.array([-np.inf, 1.0])}, "zeta": (3.0, 1.0)}
    monkeypatch.setattr(_thresholds, "thresholds_from_files", lambda *a, **k: _FakeReport(payload))
    assert main(["thresholds", "--json"]) == 0

    def no_constants(name):
        raise AssertionError(f"{name} is not JSON")

    data = json.loads(capsys.readouterr().out, parse_constant=no_constants)
    assert data["modes"][0] == {"mode": 1, "collapse_beta": "Infinity", "survives": True}
    assert data["modes"][1]["sigma_star"] == "NaN" and data["modes"][1]["collapse_beta"] == 2.5
    assert data["learnable_eta_dec"]["collapse_beta"] == ["-Infinity", 1.0]
    assert data["non_finite"]["values"] == ["/modes/0/collapse_beta", "/modes/1/sigma_star",
                                            "/learnable_eta_dec/collapse_beta/0"]
    assert math.isinf(float(data["modes"][0]["collapse_beta"]))
    assert "non_finite" not in json.loads(_thresholds.report_json(_FakeReport({"beta": 1.0})))


def test_json_compatible_escapes_pointer_tokens():
    data, paths = json_compatible({"a/b": [1, {"c~d": float("-inf")}]})
    assert data == {"a/b": [1, {"c~d": "-Infinity"}]} and paths == ["/a~1b/1/c~0d"]


@pytest.mark.parametrize(("message", "shown"), [
    ("targets: 9 rows but data has 10", "--targets: 9 rows but data has 10"),
    ("--targets: 9 rows", "--targets: 9 rows"), ("Y: 9 rows", "--targets: 9 rows"), ("data: empty", "DATA: empty"),
    ("X: contains NaN", "DATA: contains NaN"), ("DATA: no such file", "DATA: no such file"),
    ("eta_dec: must be positive", "--eta-dec: must be positive"),
    ("eta_dec_value: must be positive", "--eta-dec: must be positive"), ("beta: got 0", "--beta: got 0"),
    ("latent_dim: too large", "--latent-dim: too large"), ("kernel mode_survives: REFUTED", "kernel mode_survives: "
                                                           "REFUTED"),
])
def test_thresholds_errors_name_flags(capsys, monkeypatch, message, shown):
    def fail(*args, **kwargs):
        raise SymbolicVAEError(message)

    monkeypatch.setattr(_thresholds, "thresholds_from_files", fail)
    assert main(["thresholds"]) == 2
    _one_error_line(capsys.readouterr().err, shown)


@pytest.mark.parametrize(("options", "start"), [
    (["--beta", "-1"], "--beta: "), (["--beta", "abc"], "--beta: expected a real number"),
    (["--eta-dec", "nan"], "--eta-dec: "), (["--eta-enc", "0"], "--eta-enc: "),
    (["--latent-dim", "0"], "--latent-dim: "),
    (["--latent-dim", "x"], "--latent-dim: expected an integer"), (["--targets", "y.npy"], "--targets: needs DATA"),
])
def test_thresholds_checks_options_before_reading_anything(capsys, monkeypatch, options, start):
    def refuse(*args, **kwargs):
        raise AssertionError("read the data before the options were checked")

    monkeypatch.setattr(_thresholds, "thresholds_from_files", refuse)
    assert main(["thresholds", *options]) == 2
    _one_error_line(capsys.readouterr().err, start)


# --- every verb -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("argv", [["bogus"], ["latex"], ["plot", "-o"], ["verify", "--seed", "-1"],
                                  ["verify", "--threads", "many"], ["thresholds", "a", "b"], ["list", "--what"],
                                  ["latex", "-o", "x", "--backend", "gpu"]])
def test_usage_errors_are_one_line(capsys, argv):
    assert main(argv) == 2
    err = capsys.readouterr().err
    _one_error_line(err, "")
    assert "(see symbolic-vae" in err and "usage:" not in err


def test_unexpected_errors_are_one_line(tmp_path, capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("a defect\nover two lines")

    monkeypatch.setattr(_thresholds, "thresholds_from_files", broken)
    assert main(["thresholds"]) == 2
    _one_error_line(capsys.readouterr().err, "thresholds: internal error")

    def unreadable(*args, **kwargs):
        raise PermissionError(13, "Permission denied", "x.csv")

    monkeypatch.setattr(_thresholds, "thresholds_from_files", unreadable)
    assert main(["thresholds", "x.csv"]) == 2
    _one_error_line(capsys.readouterr().err, "x.csv: Permission denied")


def test_output_directory_checks(tmp_path):
    (tmp_path / "snippets").write_text("a file where a folder belongs")
    with pytest.raises(SymbolicVAEError, match="^out: .*snippets exists and is not a directory"):
        output_directory("out", tmp_path, files=["snippets/a.tex"])
    (tmp_path / "report.tex").mkdir()
    with pytest.raises(SymbolicVAEError, match="^out: .*report.tex is a directory"):
        output_directory("out", tmp_path, files=["report.tex"], force=True)
    with pytest.raises(SymbolicVAEError, match="^out: expected a directory path"):
        output_directory("out", None)
    assert output_directory("out", tmp_path / "new" / "deeper", files=["x.png"]) == tmp_path / "new" / "deeper"
    assert not (tmp_path / "new").exists()


def test_cli_subprocess_errors_have_no_traceback(tmp_path):
    """Through the installed entry point: a bad option and an unwritable -o, one line each, exit 2."""
    out = tmp_path / "figures"
    for argv, start in [(["plot", "-o", str(out), "--eta-dec", "-1"], "--eta-dec: "),
                        (["plot", "-o", "/proc/symbolic-vae-test"], "-o: "),
                        (["thresholds", "--beta", "abc"], "--beta: ")]:
        proc = subprocess.run([sys.executable, "-m", "symbolic_vae", *argv], capture_output=True, text=True,
                              timeout=300, check=False)
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr and proc.stdout == ""
        _one_error_line(proc.stderr, start)
    assert not out.exists()
