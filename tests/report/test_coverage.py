"""The equation accounting: derived from the claims' refs, every equation of exactly one kind, and the checks fail
on a claim citing a number that is not printed or an equation left unaccounted."""

import dataclasses

import pytest

from symbolic_vae import SymbolicVAEError, all_claims
from symbolic_vae._core.claim import PAPERS, PaperRef
from symbolic_vae._report.coverage import KINDS, accounting_problems, coverage, equation_accounting


@pytest.mark.parametrize("paper", sorted(PAPERS))
def test_every_equation_is_accounted_for_and_every_citation_exists(paper):
    assert accounting_problems(paper, all_claims()) == []
    assert all(row["kind"] in KINDS for row in equation_accounting(paper, all_claims()))


def test_a_citation_of_a_missing_number_is_a_problem():
    claim = all_claims()[0]
    bad = dataclasses.replace(claim, ref=PaperRef("wz2022", "Sec. 3", ("119",)))
    assert any("cites Eq. 119" in p for p in accounting_problems("wz2022", [*all_claims(), bad]))
    lost = dataclasses.replace(claim, ref=PaperRef("wz2022", "Sec. 4.3", ("13",)))  # shown without its number
    assert not any("Eq. 13" in p for p in accounting_problems("wz2022", [*all_claims(), lost]))


def test_an_uncited_undeclared_equation_is_unaccounted():
    only_refs_of_app_b = [c for c in all_claims() if c.ref.section == "App. B"]
    problems = accounting_problems("wz2022", only_refs_of_app_b)
    assert "Eq. 6: unaccounted" in problems and not any("Eq. 20:" in p for p in problems)


def test_citations_come_from_the_claims():
    rows = {r["number"]: r for r in equation_accounting("wz2022", all_claims())}
    assert "prop1.argmin" in rows["6"]["claims"] and rows["6"]["kind"] == "cited"
    assert rows["1"]["kind"] == "definition" and rows["67"]["kind"] == "not a claim" and rows["67"]["reason"]


def test_figures():
    report = coverage(all_claims())
    wz = report["wz2022"]
    assert (wz["total"], wz["accounted"]) == (117, 117) and wz["numbering"]["missing"] == ["13"]
    assert wz["cited"] + wz["definition"] + wz["not a claim"] == 117
    assert sum(s["total"] for s in wz["sections"].values()) == 117
    assert report["lucas2019"]["total"] == 4


def test_bad_input_is_named():
    with pytest.raises(SymbolicVAEError, match="section"):
        coverage(all_claims(), section="App. Z")
    with pytest.raises(SymbolicVAEError, match="paper"):
        equation_accounting("nosuch", all_claims())
