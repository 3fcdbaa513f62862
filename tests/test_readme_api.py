"""The README's API reference is complete and current: it is exactly what scripts/api_reference.py generates from
``symbolic_vae.__all__`` and the docstrings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import symbolic_vae as sv

ROOT = Path(__file__).resolve().parent.parent


def test_the_readme_api_reference_is_what_the_script_generates():
    generated = subprocess.run([sys.executable, str(ROOT / "scripts" / "api_reference.py")], capture_output=True,
                               text=True, check=True, timeout=300).stdout.strip()
    readme = (ROOT / "README.md").read_text()
    begin, end = generated.splitlines()[0], generated.splitlines()[-1]
    assert begin in readme and end in readme, "README.md has no generated API reference"
    section = readme[readme.index(begin):readme.index(end) + len(end)]
    assert section == generated, "README.md's API reference is stale: run python scripts/api_reference.py --write"


def test_every_public_name_has_a_row_with_a_summary():
    readme = (ROOT / "README.md").read_text()
    for name in sv.__all__:
        rows = [line for line in readme.splitlines() if line.startswith(f"| `{name}` |")]
        assert len(rows) == 1, name
        assert len(rows[0].rsplit("|", 2)[-2].strip()) > 10, f"{name}: no summary"
