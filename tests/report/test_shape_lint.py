"""The shape lint over every parsed formula: it flags exactly the ill-typed printed formulas, a perturbed product
or sum is flagged (negative controls), each declared well-typed reading lints clean, and the table's names occur in
the parses."""

import json

import pytest
import sympy as sp

from symbolic_vae import SymbolicVAEError
from symbolic_vae._core.claim import PAPERS
from symbolic_vae._core.notation import markup_text
from symbolic_vae._papers.text.equations import equations
from symbolic_vae._papers.text.sentences import extract_inline, inline_formulas
from symbolic_vae._papers.text.shape_lint import (
    declared_readings,
    declared_shapes,
    lint_figures,
    lint_latex,
    lint_paper,
    lint_sentences,
)


@pytest.mark.parametrize("paper", sorted(PAPERS))
def test_the_lint_reads_every_parsed_formula(paper):
    rows = lint_paper(paper)
    assert [r["equation"] for r in rows] == [e["number"] for e in equations(paper) if e["parsed"]]


def test_what_the_lint_flags_in_the_printed_formulas():
    flagged = {r["equation"]: r["findings"] for r in lint_paper("wz2022") if r["findings"]}
    assert set(flagged) == {"9", "27", "30", "33", "69"}
    shown = {n: [markup_text(f) for f in found] for n, found in flagged.items()}  # each finding is markup
    assert "D_0 × d_2 by D_0 × D_0" in shown["9"][0] and "d_2 × d_1 by d_0 × d_1" in shown["69"][0]
    assert "D_0 × d_1 by D_0 × 1" in shown["27"][0]
    assert all("a sum of d_1 × 1 and d_2 × 1 in W^⊤ x - y" in shown[n][0] for n in ("30", "33"))
    assert flagged["30"][0] == r"a sum of $d_{1} \times 1$ and $d_{2} \times 1$ in $W^{\top} x - y$"
    assert not any(r["findings"] for r in lint_paper("lucas2019"))


@pytest.mark.parametrize("paper", sorted(PAPERS))
def test_every_flagged_formula_has_a_well_typed_reading(paper):
    fig = lint_figures(paper)
    assert {r["equation"] for r in fig["flagged"]} == set(declared_readings(paper))
    assert all(findings == [] for findings in fig["readings"].values())
    assert all(r["reading"] and r["used"] for r in fig["flagged"])


@pytest.mark.parametrize("latex, problem", [
    (r"\|U^\top V - Z\|_F^2", "a product of d_1 × d_2 by d_0 × d_1"),
    (r"U V^\top - Z^\top", "a sum of d_2 × d_0 and d_0 × d_2"),
    (r"\text{Tr}(U \Sigma)", "T_r of a non-square d_2 × d_1"),
    (r"W^\top x = y", "the two sides differ in shape: d_1 × 1 and d_2 × 1"),
    (r"(U^\top U + I)^{-1} U \Sigma", "a product of d_1 × d_1 by d_2 × d_1"),
    (r"\mathbb{E}_x \|UW^\top x - y\|^2 + \beta \text{Tr}(W^\top A)", "T_r of a non-square d_1 × D_0"),
])
def test_perturbed_formulas_are_flagged(latex, problem):
    findings = lint_latex("wz2022", latex)
    assert findings and problem in markup_text(findings[0])


@pytest.mark.parametrize("latex", [
    r"\|UV^\top - Z\|_F^2 + \text{Tr}(U\Sigma U^\top) + \beta \frac{\eta_{\text{dec}}^2}{\eta_{\text{enc}}^2}"
    r" \|V\|_F^2",
    r"V = Z^\top U (\kappa I + U^\top U)^{-1}",
    r"x^\top A x + \tilde{x}^\top \tilde{x} = 2",
    r"U^* = F\Lambda P",
])
def test_well_typed_formulas_are_clean(latex):
    assert lint_latex("wz2022", latex) == []


@pytest.mark.parametrize("paper", sorted(PAPERS))
def test_every_declared_name_occurs_in_a_parse(paper):
    names = set()
    for eq in equations(paper):
        if eq["parsed"]:
            with sp.evaluate(False):
                expr = eval(eq["sympy"], dict(vars(sp)))  # noqa: S307 - the package's own data
            names |= {s.name for s in expr.atoms(sp.Symbol)}
            names |= {f.func.__name__ for f in expr.atoms(sp.core.function.AppliedUndef)}
    declared = {n[len("tilde{"):-1] if n.startswith("tilde{") else n for n in declared_shapes(paper)}
    unused = declared - names
    assert paper == "lucas2019" or unused <= {"z", "epsilon", "b_{e}", "b_{d}"}, unused


def test_bad_input_is_named():
    with pytest.raises(SymbolicVAEError, match="paper"):
        declared_shapes("nosuch")
    with pytest.raises(SymbolicVAEError, match="latex"):
        lint_latex("wz2022", r"\begin{cases} x \end{cases}")
    assert json.dumps(lint_figures("wz2022"))


def test_the_inline_formulas_of_the_sentences():
    fig = lint_sentences("wz2022")
    assert fig["formulas"] > fig["linted"] > 300
    unexplained = {r["sentence"] for r in fig["flagged"] if not r["explained"]}
    assert unexplained == {"wz2022:E.1:6"}
    assert {r["sentence"] for r in fig["flagged"] if r["explained"]} == {"wz2022:4.1:34"}
    row = next(r for r in fig["flagged"] if r["sentence"] == "wz2022:E.1:6")
    assert "d_1 × d_2 by d_0 × d_1" in markup_text(row["findings"][0])
    assert lint_sentences("lucas2019")["formulas"] == 0


@pytest.mark.parametrize("paper", sorted(PAPERS))
def test_the_shipped_inline_formulas_are_the_parse_of_the_sentences(paper):
    assert list(inline_formulas(paper)) == extract_inline(paper)
