"""Every derivation notebook runs top to bottom, defines nothing of its own, and ends with its ledger."""

import ast
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "derivations").glob("*.ipynb"))


def test_there_is_a_notebook_per_derivation():
    assert {p.stem for p in NOTEBOOKS} >= {"elbo_and_whitening", "global_minimum", "encoder_variance"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_defines_no_logic(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            tree = ast.parse(cell.source)
            assert not [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.Lambda))], \
                cell.source
            private = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
                       and any(part.startswith("_") for part in (n.module or "").split("."))]
            assert not private, f"notebooks use the public API only, not {private}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3").execute()
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    outputs = [o for cell in code for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    views = [o for o in outputs if "text/markdown" in o.get("data", {})]
    shown = [o["data"]["text/markdown"] for o in views if o["data"]["text/markdown"].startswith("#### `")]
    assert shown, "no claim was shown"
    assert all("**Verdict:**" in text and "$$" in text for text in shown)  # rendered math with its verdict
    summary = code[-1].outputs[-1]["data"]["text/markdown"]
    rows = [line for line in summary.splitlines() if line.startswith("| `")]
    assert summary.startswith("**Claims covered here**") and len(rows) == len(shown)
    assert "INCONCLUSIVE" not in summary and "NOT refuted" not in summary
    assert "REFUTED" in summary
