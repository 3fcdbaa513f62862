"""Paste-ready snippets: every snippets/<claim id>.tex compiles alone with snippets/preamble.tex (one document per
snippet, two pdflatex runs at a time), and all of them together in one document; cards/<claim id>.tex hold the
full record the report inputs."""

from __future__ import annotations

import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from symbolic_vae import CheckResult, Counterexample, Status, Verdict, all_claims, get_claim
from symbolic_vae._report.latex import result_name
from symbolic_vae._report.output import report_files

PDFLATEX = shutil.which("pdflatex")
needs_pdflatex = pytest.mark.skipif(PDFLATEX is None, reason="pdflatex not installed (texlive-latex-base)")
AWKWARD = "a_b^c 50% & #1 ~ <= >= |Z| {y} \\ path_with_a_long_token_1234567890"
DOCUMENT = ("\\documentclass{{article}}\n\\input{{snippets/preamble.tex}}\n\\begin{{document}}\n{body}"
            "\\end{{document}}\n")


def _verdict(claim) -> Verdict:
    cx = Counterexample({"x": "1/3"}, "1", "2", 30, "")
    status = Status.REFUTED if claim.corrected else Status.PROVED
    check = CheckResult(status, f"symbolic + ground truth ({AWKWARD})", AWKWARD, {"seed": 7},
                        cx if status is Status.REFUTED else None)
    return Verdict(claim.id, status, f"symbolic ({AWKWARD})", AWKWARD, (check,) * len(claim.steps),
                   CheckResult(Status.REFUTED, "exact counterexample", "control", {}, cx),
                   claim.corrected if status is Status.REFUTED else None, 0.0)


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    claims = all_claims()
    by_id = {c.id: _verdict(c) for c in claims}
    out = tmp_path_factory.mktemp("snippets")
    for rel, text in report_files(claims, by_id, source="synthetic").items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text, encoding="utf-8")
    return out


def _compile(directory: Path, name: str, body: str) -> str:
    """'' if ``name``.tex (the preamble and ``body``) compiles, else the log's first error."""
    (directory / f"{name}.tex").write_text(DOCUMENT.format(body=body), encoding="utf-8")
    proc = subprocess.run([PDFLATEX, "-draftmode", "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"],
                          cwd=directory, capture_output=True, text=True, errors="replace", timeout=120, check=False)
    if proc.returncode == 0:
        return ""
    errors = [line for line in proc.stdout.splitlines() if line.startswith("!")]
    return f"{name}: {errors[0] if errors else proc.stdout[-400:]}"


def test_names_come_from_the_paper_reference():
    assert result_name(get_claim("globalmin.prop2_corrected")) == "Proposition 2 (corrected)"
    refuted = get_claim("globalmin.prop2")
    assert result_name(refuted, _verdict(refuted)) == "Proposition 2 (as printed)"
    assert result_name(get_claim("decvar.eq49")).startswith("Eq. 49")


def test_a_snippet_is_the_statement_in_a_theorem_environment(written):
    text = (written / "snippets" / "globalmin.prop2_corrected.tex").read_text().replace("\\allowbreak{}", "")
    assert text.count("\\begin{svresult}{Proposition 2 (corrected)}[WZ22\\footnote{") == 1
    assert "\\svsketch{\\begin{proof}[Proof sketch]" in text and "\\end{svresult}" in text
    assert "Counterexample" not in text and "Derivation steps" not in text  # those are the card's
    card = (written / "cards" / "globalmin.prop2_corrected.tex").read_text()
    assert "Derivation steps" in card and "Verdict:" in card
    report = (written / "report.tex").read_text()
    assert "\\input{cards/globalmin.prop2_corrected.tex}" in report and "\\input{snippets/" not in report


@needs_pdflatex
def test_every_snippet_compiles_alone_with_the_preamble(written):
    snippets = sorted(p.stem for p in (written / "snippets").glob("*.tex") if p.stem != "preamble")
    assert len(snippets) == len(all_claims())
    with ThreadPoolExecutor(max_workers=2) as pool:
        failures = [f for f in pool.map(lambda i: _compile(written, f"alone-{i}", f"\\input{{snippets/{i}.tex}}\n"),
                                        snippets) if f]
    assert failures == []
    assert _compile(written, "broken", "\\svline{0}{\\frac{1}\n")  # the check can fail
    together = "".join(f"\\input{{snippets/{i}.tex}}\n" for i in snippets)
    assert _compile(written, "together", together) == ""
    sketchless = "\\renewcommand{\\svsketch}[1]{}\n" + together
    assert _compile(written, "sketchless", sketchless) == ""
