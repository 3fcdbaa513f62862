"""The shipped numbered equations match a fresh extraction from the papers' text (when the papers are present)."""

from pathlib import Path

import pytest

from symbolic_vae import SymbolicVAEError
from symbolic_vae._papers.text.equations import DATA_FILES, equations, extract, numbering

PAPERS_DIR = Path(__file__).resolve().parents[3] / "shared" / "papers"


@pytest.mark.parametrize("paper", sorted(DATA_FILES))
def test_data_file_matches_a_fresh_extraction(paper):
    if not PAPERS_DIR.is_dir():
        pytest.skip(f"the papers' text is not at {PAPERS_DIR}")
    assert list(equations(paper)) == extract(paper, PAPERS_DIR)


def test_wz2022_numbering():
    assert len(equations("wz2022")) == 117
    assert numbering("wz2022") == {"missing": ["13"], "duplicated": []}
    assert [e["number"] for e in equations("lucas2019")] == ["1", "2", "3", "4"]


def test_unknown_paper_is_named():
    with pytest.raises(SymbolicVAEError, match="paper"):
        equations("nosuch")


def test_parse_records_a_reason_when_not_parsed():
    from symbolic_vae._papers.text.equations import parse_equation

    lam = r"\lambda_i = \frac{1}{\eta_{\text{enc}}} \sqrt{\max(0, \zeta_i^2 - \beta\eta_{\text{dec}}^2)}"
    assert parse_equation(lam)["parsed"]
    bad = parse_equation(r"\sigma = \begin{cases} 1 & x \\ 0 \end{cases}")
    assert not bad["parsed"] and "cases" in bad["reason"]
    assert not parse_equation(r"x = = + )")["parsed"]
    for paper in DATA_FILES:
        assert all(e["parsed"] == (not e["reason"]) for e in equations(paper))


def test_each_parse_is_computed_once_and_returned_as_a_new_dict():
    """parse_equation caches by the text and SymPy's evaluate setting: a caller that changes the dict it got does
    not change the next caller's, and the parse under evaluate=False is its own entry."""
    import sympy as sp

    from symbolic_vae._papers.text.equations import _parse_equation, parse_equation

    text = r"\frac{1}{2} x + y = z"
    first = parse_equation(text)
    first["sympy"] = "tampered"
    hits = _parse_equation.cache_info().hits
    second = parse_equation(text)
    assert second["sympy"] != "tampered" and second["parsed"]
    assert _parse_equation.cache_info().hits == hits + 1
    with sp.evaluate(False):
        unevaluated = parse_equation(text)
    assert _parse_equation.cache_info().hits == hits + 1  # a new entry, not the evaluated parse
    assert unevaluated["parsed"]
