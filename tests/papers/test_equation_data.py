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
