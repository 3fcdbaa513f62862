"""`symbolic-vae verify` as a process: the ledger's metadata and determinism, --seed and --threads, the ledger kept
on SIGINT/SIGTERM (with and without --json), and the validation of --json before any claim is computed."""

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from symbolic_vae._report.ledger import TIMING_FIELDS, without_timing

# Fast claims (well under a second each once the package is imported); lucas.ppca_sigma2_mle (a few seconds) runs a
# multistart ground truth, so that its "starts" details are part of what must be reproducible.
FAST = ("elbo.eq3_eq4_as_printed", "lucas.ppca_collapse_regimes")
MULTISTART = "lucas.ppca_sigma2_mle"
CLAIMS = (*FAST, MULTISTART)
SLOW = "prop1.whitening_identity"  # about a minute: still running when the signal comes
DEFAULT_SEED = 20221128
METADATA = ("format", "package", "python", "versions", "backend", "seed", "threads", "complete", "claims_requested",
            "claims_done", "timing_fields", "claims", "seconds")
EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}


def _env(cache: Path) -> dict[str, str]:
    return {**os.environ, "SYMBOLIC_VAE_CACHE_DIR": str(cache), "SYMBOLIC_VAE_TORCH_AOT": "0"}


def _command(claims, *options: str) -> list[str]:
    return [sys.executable, "-m", "symbolic_vae", "verify", *(a for c in claims for a in ("--claim", c)), *options]


def _run(claims, *options: str, cache: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(_command(claims, *options), env=_env(cache), capture_output=True, text=True,
                          timeout=timeout)


def _statuses(ledger: dict) -> dict[str, str]:
    return {c["claim"]: c["status"] for c in ledger["claims"]}


def _read_json(path: Path) -> dict | None:
    """The ledger in ``path``, None while there is none; written atomically, it always parses once it exists."""
    try:
        text = path.read_text()
    except FileNotFoundError:
        return None
    return json.loads(text)


def _wait_for_verdict(proc: subprocess.Popen, path: Path, timeout: float = 120) -> dict:
    """Poll until ``path`` holds a ledger with at least one verdict; the ledger read."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"verify exited with {proc.returncode} before its first verdict was saved"
        data = _read_json(path)
        if data is not None and data["claims_done"] >= 1:
            return data
        time.sleep(0.1)
    proc.kill()
    proc.wait()
    pytest.fail(f"no verdict in {path} after {timeout} s")


def _keys(payload) -> set[str]:
    """Every key of ``payload``, at every depth."""
    if isinstance(payload, dict):
        return set(payload).union(*(_keys(v) for v in payload.values()))
    if isinstance(payload, list):
        return set().union(*(_keys(v) for v in payload))
    return set()


def _last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines, "nothing on stderr"
    return lines[-1]


# The runs of CLAIMS to compare, started together (they are independent: each its own ledger and cache directory).
# OMP_WAIT_POLICY=PASSIVE for --threads 2: two spinning OpenMP threads on a busy machine make the torch checks ~10x
# slower.
RUNS = {"reference": ((), {}), "again": ((), {}), "seed1": (("--seed", "1"), {}),
        "threads2": (("--threads", "2"), {"OMP_WAIT_POLICY": "PASSIVE"})}


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory) -> dict[str, tuple[int, str, dict | None]]:
    """name -> (exit code, stderr, ledger or None) of each of RUNS."""
    directory = tmp_path_factory.mktemp("runs")
    procs = {}
    for name, (options, env) in RUNS.items():
        command = _command(CLAIMS, "--json", str(directory / f"{name}.json"), "--quiet", *options)
        procs[name] = subprocess.Popen(command, env={**_env(directory / f"cache-{name}"), **env},
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    results = {}
    try:
        for name, proc in procs.items():
            _, err = proc.communicate(timeout=600)
            results[name] = (proc.returncode, err, _read_json(directory / f"{name}.json"))
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    return results


def _ledger(ledgers, name: str) -> dict:
    code, err, ledger = ledgers[name]
    assert code in (0, 1), err
    assert "Traceback" not in err, err
    assert ledger is not None, err
    return ledger


@pytest.fixture(scope="module")
def reference(ledgers) -> dict:
    """The ledger of CLAIMS under the default settings."""
    return _ledger(ledgers, "reference")


# --- the ledger of a complete run ----------------------------------------------------------------------------------
def test_ledger_records_the_run(reference):
    assert set(METADATA) <= set(reference)
    assert reference["format"] == 2
    assert reference["package"]["name"] == "symbolic-vae" and reference["package"]["version"]
    assert reference["python"] == ".".join(map(str, sys.version_info[:3]))
    assert reference["versions"]["torch"] and reference["versions"]["sympy"] and reference["versions"]["numpy"]
    assert reference["backend"] == "numpy"
    assert reference["seed"] == DEFAULT_SEED
    assert reference["threads"] == 1
    assert reference["complete"] is True
    assert "interrupted" not in reference
    assert reference["claims_requested"] == reference["claims_done"] == len(CLAIMS)
    assert reference["timing_fields"] == list(TIMING_FIELDS) == ["seconds", "store"]
    assert all(c["store"]["origin"] == "computed" and re.fullmatch("[0-9a-f]{64}", c["store"]["key"])
               for c in reference["claims"])
    assert [c["claim"] for c in reference["claims"]] == list(CLAIMS)
    assert all(isinstance(c["seconds"], float | int) for c in reference["claims"])
    assert isinstance(reference["seconds"], float | int)
    multistart = next(c for c in reference["claims"] if c["claim"] == MULTISTART)
    starts = [check["details"]["starts"] for check in multistart["checks"] if "starts" in check.get("details", {})]
    assert starts and all(s["starts"] > 0 for s in starts)


def test_two_runs_differ_only_in_timing(reference, ledgers):
    again = _ledger(ledgers, "again")
    assert without_timing(again) == without_timing(reference)
    assert not _keys(without_timing(reference)) & set(TIMING_FIELDS)
    assert {"seconds"} <= _keys(reference)


def test_seed_is_recorded_and_keeps_the_statuses(reference, ledgers):
    other = _ledger(ledgers, "seed1")
    assert other["seed"] == 1
    assert other["complete"] is True and other["claims_done"] == len(CLAIMS)
    assert _statuses(other) == _statuses(reference)
    # another run seed draws other instances: the evidence is not the default run's
    assert without_timing(other["claims"]) != without_timing(reference["claims"])


def test_threads_are_recorded_and_keep_the_statuses(reference, ledgers):
    other = _ledger(ledgers, "threads2")
    assert other["threads"] == 2
    assert other["seed"] == DEFAULT_SEED
    assert other["complete"] is True and other["claims_done"] == len(CLAIMS)
    assert _statuses(other) == _statuses(reference)


# --- interrupts ----------------------------------------------------------------------------------------------------
def _interrupt(claims, ledger_of, tmp_path: Path, sig: signal.Signals, *options: str):
    """Start verify, wait for its first saved verdict in ``ledger_of(proc)``, send ``sig``; (proc, stderr, the
    ledger polled)."""
    stdout, stderr = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    with stdout.open("w") as out, stderr.open("w") as err:
        # SIGINT back to its default in the child: a shell script's background job (e.g. `pytest &`) would
        # otherwise pass it on ignored, and Python installs its KeyboardInterrupt handler only over the default
        proc = subprocess.Popen(_command(claims, *options), env=_env(tmp_path / "cache"), stdout=out, stderr=err,
                                text=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        try:
            running = _wait_for_verdict(proc, ledger_of(proc))
            proc.send_signal(sig)
            proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    return proc, stderr.read_text(), running


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_keeps_the_completed_verdicts(sig, reference, tmp_path):
    claims = (*FAST, SLOW)
    out = tmp_path / "ledger.json"
    proc, err, running = _interrupt(claims, lambda proc: out, tmp_path, sig, "--json", str(out))
    assert running["complete"] is False and "interrupted" not in running
    assert proc.returncode == EXIT_CODES[sig], err
    assert "Traceback" not in err, err
    line = _last_line(err)
    assert line.startswith(f"symbolic-vae: interrupted ({sig.name})"), err
    assert sum(ln.startswith("symbolic-vae:") for ln in err.splitlines()) == 1, err
    ledger = json.loads(out.read_text())
    done = ledger["claims_done"]
    assert ledger["complete"] is False
    assert 1 <= done == len(ledger["claims"]) < len(claims)
    assert ledger["claims_requested"] == len(claims)
    # the signal names the claim running when it arrived: the next unrecorded one, or (when it lands between a
    # verdict and its atomic ledger write) the one after it
    assert ledger["interrupted"] in {f"{sig.name} during {c}" for c in claims[done:done + 2]}
    assert f"while checking {claims[done]} ({done} of {len(claims)} claims done)" in line
    assert str(out) in line
    # the kept verdicts are those of a complete run
    assert [c["claim"] for c in ledger["claims"]] == list(claims[:done])
    by_id = {c["claim"]: c for c in reference["claims"]}
    assert [without_timing(c) for c in ledger["claims"]] == [without_timing(by_id[c]) for c in claims[:done]]
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_without_json_the_partial_run_file_is_removed_when_the_run_completes(tmp_path):
    cache = tmp_path / "cache"
    result = _run(FAST[1:], "--quiet", cache=cache)
    assert result.returncode == 0, result.stderr
    assert FAST[1] in result.stdout
    assert list((cache / "runs").glob("verify-*.json")) == []
    assert list((cache / "runs").iterdir()) == []


def test_without_json_sigint_keeps_the_verdicts_in_the_cache(tmp_path):
    claims = (*FAST, SLOW)
    runs = tmp_path / "cache" / "runs"
    proc, err, running = _interrupt(claims, lambda proc: runs / f"verify-{proc.pid}.json", tmp_path, signal.SIGINT)
    assert running["complete"] is False
    assert proc.returncode == 130, err
    assert "Traceback" not in err, err
    line = _last_line(err)
    assert line.startswith("symbolic-vae: interrupted (SIGINT)"), err
    match = re.search(r"the (\d+) verdicts computed are in (.+)$", line)
    assert match, line
    kept = Path(match.group(2))
    assert kept == runs / f"verify-{proc.pid}.json"
    ledger = json.loads(kept.read_text())
    assert ledger["complete"] is False and "interrupted" in ledger
    assert ledger["claims_done"] == int(match.group(1)) == len(ledger["claims"]) >= 1
    assert [c["claim"] for c in ledger["claims"]] == list(claims[: ledger["claims_done"]])
    assert sorted(p.name for p in runs.iterdir()) == [kept.name]  # no temporary file left beside it


# Deliver a signal to verify when it imports torch (in _set_torch_threads, before its first claim): deterministic.
_SIGNAL_ON_TORCH_IMPORT = """
import os, signal, sys

class SignalOnTorch:
    def find_spec(self, name, path=None, target=None):
        if name == "torch":
            sys.meta_path.remove(self)
            os.kill(os.getpid(), signal.{sig})
        return None

sys.meta_path.insert(0, SignalOnTorch())
from symbolic_vae._cli import main
sys.exit(main(["verify", "--claim", "{claim}"]))
"""


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_before_the_first_claim_is_one_line(sig, tmp_path):
    script = _SIGNAL_ON_TORCH_IMPORT.format(sig=sig.name, claim=FAST[0])
    result = subprocess.run([sys.executable, "-c", script], env=_env(tmp_path / "cache"), capture_output=True,
                            text=True, timeout=120, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert "Traceback" not in result.stderr, result.stderr
    assert _last_line(result.stderr).startswith(f"symbolic-vae: interrupted ({sig.name})"), result.stderr
    assert result.returncode == EXIT_CODES[sig]


# A check that swallows the KeyboardInterrupt of a SIGINT arriving while it runs (as a bare `except:` in a library
# would), then returns its verdict: verify must still stop, and not keep that verdict.
_SWALLOWING_CHECK = """
import os, signal, sys
import symbolic_vae._cli as cli

real = cli.iter_verify_on

def swallowing(claims, plan, progress):
    for i, verdict in real(claims, plan, progress):
        if i == 1:
            try:
                os.kill(os.getpid(), signal.{sig})
                for _ in range(10**6):
                    pass
            except BaseException:
                pass
        yield i, verdict

cli.iter_verify_on = swallowing
sys.exit(cli.main(["verify", "--json", sys.argv[1], *sys.argv[2:]]))
"""


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_a_check_swallows_still_stops_the_run(sig, tmp_path):
    out = tmp_path / "ledger.json"
    claims = [a for c in (*FAST, "elbo.kl_split") for a in ("--claim", c)]  # three distinct claims
    result = subprocess.run([sys.executable, "-c", _SWALLOWING_CHECK.format(sig=sig.name), str(out), *claims],
                            env=_env(tmp_path / "cache"), capture_output=True, text=True, timeout=300,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert result.returncode == EXIT_CODES[sig], result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert _last_line(result.stderr).startswith(f"symbolic-vae: interrupted ({sig.name}) while checking "
                                                f"{FAST[1]} (1 of 3 claims done)"), result.stderr
    ledger = json.loads(out.read_text())
    assert ledger["complete"] is False
    assert [c["claim"] for c in ledger["claims"]] == [FAST[0]]  # the verdict computed under the signal is dropped


# --- --json validation ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", ["empty", "directory", "existing", "missing-directory", "unwritable"])
def test_bad_json_path_is_refused_before_any_claim(case, tmp_path):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    existing = out_dir / "existing.json"
    existing.write_text("precious")
    value = {"empty": "", "directory": str(out_dir), "existing": str(existing),
             "missing-directory": str(out_dir / "no" / "such" / "ledger.json"), "unwritable": "/proc/x.json"}[case]
    before = sorted(p.name for p in out_dir.rglob("*"))
    cache = tmp_path / "cache"
    start = time.monotonic()
    # a slow claim: computing it would blow the time limit
    result = _run((SLOW,), "--json", value, cache=cache, timeout=120)
    seconds = time.monotonic() - start
    assert result.returncode == 2, result.stderr
    assert seconds < 30
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("symbolic-vae: error: --json: "), result.stderr
    assert result.stdout == ""
    assert sorted(p.name for p in out_dir.rglob("*")) == before
    assert existing.read_text() == "precious"
    assert not (cache / "runs").exists() or list((cache / "runs").iterdir()) == []
    assert not Path("/proc/x.json").exists()


def test_profile_lists_every_claim_with_its_steps(tmp_path):
    result = _run(FAST, "--profile", "--quiet", cache=tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    profile = result.stdout[result.stdout.index("Profile: "):].splitlines()
    assert profile[0].startswith(f"Profile: {len(FAST)} claims")
    what = [line[19:] for line in profile[3:]]  # after the seconds (9 columns) and the share (6), two spaces each
    listed = [w for w in what if not w.startswith(" ")]
    assert sorted(listed) == sorted(FAST)
    assert sum(w.strip() == "negative control" for w in what) == len(FAST)
