"""scripts/compare_ledgers.py: equal ledgers pass; a changed status, a missing claim or an incomplete ledger fail."""

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "compare_ledgers.py"


def ledger(tmp_path, name, claims, complete=True):
    path = tmp_path / name
    path.write_text(json.dumps({"seed": 1, "complete": complete,
                                "claims": [{"claim": c, "status": s} for c, s in claims]}))
    return path


def compare(*paths):
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, paths)], capture_output=True, text=True)


def test_equal_ledgers_pass_and_a_changed_status_fails(tmp_path):
    a = ledger(tmp_path, "a.json", [("x.one", "PROVED"), ("x.two", "REFUTED")])
    b = ledger(tmp_path, "b.json", [("x.two", "REFUTED"), ("x.one", "PROVED")])
    same = compare(a, a)
    assert same.returncode == 0 and "2/2 claims have the same status" in same.stdout
    reordered = compare(a, b)
    assert reordered.returncode == 0 and "order differs" in reordered.stdout
    assert compare(a, b, "--order").returncode == 1
    c = ledger(tmp_path, "c.json", [("x.one", "PROVED"), ("x.two", "INCONCLUSIVE")])
    changed = compare(a, c)
    assert changed.returncode == 1 and "changed  x.two: REFUTED -> INCONCLUSIVE" in changed.stdout


def test_a_missing_claim_and_an_incomplete_ledger_fail(tmp_path):
    a = ledger(tmp_path, "a.json", [("x.one", "PROVED"), ("x.two", "REFUTED")])
    short = ledger(tmp_path, "short.json", [("x.one", "PROVED")])
    missing = compare(a, short)
    assert missing.returncode == 1 and "missing  x.two" in missing.stdout
    partial = ledger(tmp_path, "partial.json", [("x.one", "PROVED")], complete=False)
    assert "not complete" in compare(a, partial).stderr
