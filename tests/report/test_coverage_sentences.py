"""The sentence lists: every sentence is printed in its paper, every asserting one has one account, every claim it
names exists, a claim citing a missing sentence id is a problem, and where a claim's printed field says that the
paper does not write something out, the sentence list confirms it."""

import dataclasses
import re
from pathlib import Path

import pytest

from symbolic_vae import SymbolicVAEError, all_claims
from symbolic_vae._core.claim import PAPERS, PaperRef
from symbolic_vae._papers.text import sentences as text_sentences
from symbolic_vae._report.coverage import coverage, coverage_text, sentence_accounting, sentence_problems

PAPERS_DIR = Path(__file__).resolve().parents[3] / "shared" / "papers"
FILES = {"wz2022": "wang_ziyin_2022_posterior_collapse_linear_lvm.txt",
         "lucas2019": "lucas_2019_dont_blame_the_elbo_poster.txt"}


def _text(paper: str) -> str:
    if not PAPERS_DIR.is_dir():
        pytest.skip(f"the papers' text is not at {PAPERS_DIR}")
    return (PAPERS_DIR / FILES[paper]).read_text(encoding="utf-8")


def _sentences(paper: str, section: str | None = None) -> list[str]:
    return [s["text"] for s in text_sentences.sentences(paper) if section is None or s["section"] == section]


@pytest.mark.parametrize("paper", sorted(PAPERS))
def test_the_sentence_list_is_consistent_and_printed_in_the_paper(paper):
    assert sentence_problems(paper, all_claims(), _text(paper)) == []


@pytest.mark.parametrize("paper", sorted(PAPERS))
def test_the_shipped_list_is_what_the_splitter_gives(paper):
    shipped = [(s["id"], s["section"], s["text"]) for s in text_sentences.sentences(paper)]
    _text(paper)
    assert [(s["id"], s["section"], s["text"]) for s in text_sentences.split(paper, PAPERS_DIR)] == shipped


def test_a_sentence_missing_from_the_text_is_a_problem():
    text = _text("wz2022").replace("which is nonnegative if and only if", "which is positive if and only if")
    problems = sentence_problems("wz2022", all_claims(), text)
    assert problems == [p for p in problems if "wz2022:E.5:16" in p] and problems


def test_a_claim_that_does_not_exist_or_a_missing_sentence_id_is_a_problem():
    claims = [c for c in all_claims() if c.id != "hessian.theorem3"]
    assert any("lists claim hessian.theorem3, which does not exist" in p for p in sentence_problems("wz2022", claims))
    claim = all_claims()[0]
    bad = dataclasses.replace(claim, ref=PaperRef("wz2022", "Sec. 4.2", result="sentence wz2022:4.2:99"))
    good = dataclasses.replace(claim, ref=PaperRef("wz2022", "Sec. 4.2", result="sentence wz2022:4.2:12"))
    assert "elbo.eq3_eq4_as_printed cites sentence wz2022:4.2:99, which does not exist" in \
        sentence_problems("wz2022", [*all_claims(), bad])
    assert not any("cites sentence" in p for p in sentence_problems("wz2022", [*all_claims(), good]))


def test_every_asserting_sentence_has_one_account():
    for paper in PAPERS:
        for row in sentence_accounting(paper):
            assert row["kind"] in text_sentences.KINDS and row["status"] in text_sentences.STATUSES
            assert (row["status"] == "covered") == bool(row["claims"])
            assert row["status"] != "not checkable" or row["reason"]


def test_the_splitter():
    assert text_sentences.split_sentences("It holds, e.g. at $x = 1. Y$. Then $a$ is 2. Lucas et al. (2019) "
                                          "show it.") == ["It holds, e.g. at $x = 1. Y$.", "Then $a$ is 2.",
                                                          "Lucas et al. (2019) show it."]
    assert text_sentences.guess_kind("A collapse happens if and only if $x \\leq 0$.") == "condition"
    assert text_sentences.guess_kind("Section 3 describes the setting (Bowman et al., 2015).") == ""


NOT_WRITTEN = {
    "hessian.min_eigenvalue": ("wz2022", None, r"sigma_\{?\\?(text\{)?min|smallest (diagonal|sigma|\\sigma)"),
    "hessian.theorem3_distinct_sigma": ("wz2022", "Sec. 4.5", r"distinct|for (any|every) (diagonal )?\\Sigma"),
    "encvar.reduced_objective": ("wz2022", "Sec. 4.3", r"\\text\{constant\}\s*=|constant (is|equals)"),
    "lucas.ppca_sigma2_mle": ("lucas2019", None, r"\bn\b\s*(is|denotes|=)|where n\b"),
    "lucas.elbo_closed_form": ("lucas2019", None, r"\btr\b|log det|\\operatorname"),
}
"""Claims whose printed field says the paper does not write something out -> (paper, section or None for the whole
paper, a pattern that a sentence writing it out would match): no sentence may match."""

WRITTEN = {
    "hessian.eq118_sign": ("wz2022", "App. E.5", "the origin is the global minimum if and only if the Hessian"),
    "hessian.eq118_sign_as_printed": ("wz2022", "App. E.5", "which is nonnegative if and only if"),
    "hessian.eq115_as_printed": ("wz2022", "App. E.5", r"where we assume $\Sigma = \sigma I$"),
    "hessian.theorem3_distinct_sigma": ("wz2022", "Sec. 4.5", r"we simply let $\sigma_i = \eta_{\text{enc}}$"),
    "lucas.elbo_closed_form": ("lucas2019", "Linear VAE", "we can write down the ELBO in closed form"),
    "ddv.expected_variance_any_mean": ("wz2022", "App. C", r"$f_i C_i \cdot \mu_x$"),
    "bias.centering": ("wz2022", "App. B", "a data-preprocessing scheme of making x zero-mean"),
    "lucas.ppca_marginal": ("lucas2019", "pPCA", "Has an analytic maximum likelihood estimate"),
}
"""Claims whose printed field quotes or names what the paper writes in words -> (paper, section, the words): some
sentence of that section holds them."""

_SAYS_NOT_WRITTEN = re.compile(r"not (written out|printed|defined|given)|treats .* only|restricts to")


def test_every_claim_saying_the_paper_does_not_write_it_has_a_check():
    saying = {c.id for c in all_claims() if _SAYS_NOT_WRITTEN.search(c.printed)}
    assert saying == set(NOT_WRITTEN)


@pytest.mark.parametrize("claim", sorted(NOT_WRITTEN))
def test_the_sentence_list_does_not_write_out_what_a_claim_says_is_not_written(claim):
    paper, section, pattern = NOT_WRITTEN[claim]
    assert [t for t in _sentences(paper, section) if re.search(pattern, t)] == []


@pytest.mark.parametrize("claim", sorted(WRITTEN))
def test_the_sentence_list_holds_what_a_claim_quotes(claim):
    paper, section, words = WRITTEN[claim]
    assert any(words in t for t in _sentences(paper, section))


def test_figures_per_section():
    report = coverage(all_claims())
    for paper in PAPERS:
        fig = report[paper]["sentences"]
        assert fig["asserting"] == fig["covered"] + fig["not checkable"] + fig["not covered"] > 0
        assert sum(s["asserting"] for s in fig["sections"].values()) == fig["asserting"]
        assert sum(s["sentences"] for s in fig["sections"].values()) == fig["sentences"]
    text = coverage_text(report)
    assert "asserting sentences:" in text and "App. E.5" in text
    only = coverage(all_claims(), section="Sec. 5")
    assert only["wz2022"]["total"] == 0 and only["wz2022"]["sentences"]["asserting"] > 0
    with pytest.raises(SymbolicVAEError, match="section"):
        coverage(all_claims(), section="Sec. 9")
