"""The README's "What the papers get wrong" section is what readme_section generates from a fresh triage of the
registered claims, so it cannot go stale (``python scripts/update_readme_errata.py`` rewrites it)."""

from __future__ import annotations

from pathlib import Path

from symbolic_vae import all_claims
from symbolic_vae._report.errata import README_BEGIN, README_END, claim_triages, readme_section

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_errata_section_is_generated_from_the_triage():
    text = README.read_text(encoding="utf-8")
    assert text.count(README_BEGIN) == 1 and text.count(README_END) == 1
    start, end = text.index(README_BEGIN), text.index(README_END) + len(README_END)
    assert text[start:end] == readme_section(claim_triages(all_claims())), (
        "README.md's errata section is out of date: run `python scripts/update_readme_errata.py`")


def test_the_readme_triage_has_a_severity_for_every_claim():
    assert all(t.severity != "unassigned" for t in claim_triages(all_claims()))
