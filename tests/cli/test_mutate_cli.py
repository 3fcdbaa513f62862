"""``symbolic-vae mutate`` as a subprocess: the report of one fast claim (printed and as JSON), and bad arguments
(exit code 2, one line naming the flag, no traceback)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

CLAIM = "ddv.lemma1"  # a PROVED_AT_SIZES claim of a few seconds whose formulas are SymPy expressions


def run(*argv: str, cache: os.PathLike | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "SYMBOLIC_VAE_WORKERS": "1"}
    if cache is not None:
        env["SYMBOLIC_VAE_CACHE_DIR"] = str(cache)
    return subprocess.run([sys.executable, "-m", "symbolic_vae", "mutate", *argv], capture_output=True, text=True,
                          env=env, timeout=900)


def test_mutate_one_claim_prints_the_report_and_writes_json(tmp_path):
    out = tmp_path / "mutation.json"
    cache = tmp_path / "cache"
    proc = run("--claim", CLAIM, "--max-mutants", "3", "--json", str(out), cache=cache)
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert CLAIM in text and "PROVED_AT_SIZES" in text
    assert "total kill rate:" in text and "survivors (" in text and "equivalent mutants excluded (" in text
    assert f"wrote {out}" in text and f"[1/1] {CLAIM}: PROVED_AT_SIZES, 3/3 killed" in proc.stderr
    data = json.loads(out.read_text(), parse_constant=lambda c: pytest.fail(f"not strict JSON: {c}"))
    assert data["complete"] is True and data["max_mutants"] == 3 and data["seed"] == 0 and data["seconds"] > 0
    (entry,) = data["claims"]
    assert entry["claim"] == CLAIM and entry["baseline"] == "PROVED_AT_SIZES" and entry["formulas"]
    assert entry["tested"] == 3 and 3 <= entry["sampled"] <= entry["sites"]
    assert entry["killed"] + entry["inconclusive"] + entry["survived"] + entry["timeout"] == 3
    assert entry["kill_rate"] == (entry["killed"] + entry["inconclusive"]) / 3
    assert data["tested"] == 3 and data["kill_rate"] == entry["kill_rate"]
    assert f"{100 * data['kill_rate']:.1f}%" in text
    assert len(data["survivors"]) == entry["survived"] + entry["timeout"]
    assert {m["outcome"] for m in entry["mutants"]} <= {"killed", "inconclusive", "survived", "timeout",
                                                      "equivalent"}
    assert all(m["mutation"] and m["formula"].startswith("symbolic_vae._papers.") for m in entry["mutants"])
    assert isinstance(data["unused_entries"], dict) and isinstance(entry["entries"], list)
    assert "dict entries read by no claim, unused (" in text
    assert not (cache / "verdicts").exists() or not any((cache / "verdicts").iterdir())  # nothing stored


@pytest.mark.parametrize(("argv", "message"), [
    (["--max-mutants", "0"], "--max-mutants: expected a positive integer, got '0'"),
    (["--seed", "-1"], "--seed: expected"),
    (["--claim", "no.such.claim"], "--claim: unknown id 'no.such.claim'"),
    (["--timeout", "0"], "--timeout: expected a positive number of seconds"),
])
def test_bad_arguments_exit_2_with_one_line(argv, message):
    proc = run(*argv)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"symbolic-vae: error: {message}"), proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_an_existing_json_file_is_kept_without_force(tmp_path):
    out = tmp_path / "keep.json"
    out.write_text("precious")
    proc = run("--claim", CLAIM, "--json", str(out))
    assert proc.returncode == 2 and "--force" in proc.stderr
    assert out.read_text() == "precious"
