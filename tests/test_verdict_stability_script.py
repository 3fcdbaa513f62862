"""scripts/verdict_stability.py: every variation computes its verdicts in an empty store of its own, and a verdict
that was reused instead of computed fails the run."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "verdict_stability.py"


def load_script():
    spec = importlib.util.spec_from_file_location("verdict_stability", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def fake_verify(seen, origin, store_variable):
    """A stand-in for subprocess.run: notes the store it was given and writes a one-claim ledger."""

    def run(command, env, capture_output, text):
        store = Path(env[store_variable])
        seen.append((store, list(store.iterdir())))
        ledger = Path(command[command.index("--json") + 1])
        ledger.write_text(json.dumps({"claims": [{"claim": "x.one", "status": "PROVED",
                                                  "store": {"origin": origin}}]}))
        return subprocess.CompletedProcess(command, 0, "", "")

    return run


def test_each_variation_runs_in_an_empty_store_of_its_own(tmp_path, monkeypatch):
    script = load_script()
    seen = []
    monkeypatch.setattr(script.subprocess, "run", fake_verify(seen, "computed", script.STORE_VARIABLE))
    for variation in script.VARIATIONS:
        verdicts, _, code = script.run(variation, ["x.one"], tmp_path)
        assert verdicts == {"x.one": "PROVED"} and code == 0
    stores = [store for store, _ in seen]
    assert len(set(stores)) == len(script.VARIATIONS)
    assert all(contents == [] for _, contents in seen)
    assert not any(store.exists() for store in stores)  # removed after each run


def test_a_reused_verdict_fails_the_run(tmp_path, monkeypatch, capsys):
    script = load_script()
    monkeypatch.setattr(script.subprocess, "run", fake_verify([], "reused", script.STORE_VARIABLE))
    verdicts, _, code = script.run(script.VARIATIONS[1], ["x.one"], tmp_path)
    assert verdicts == {} and code != 0
    assert "not computed in the run" in capsys.readouterr().err
