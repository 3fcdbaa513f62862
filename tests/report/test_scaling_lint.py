"""The scaling lint: under y -> a y, x -> b x every relation and sum of the parsed formulas must scale alike; it
flags the printed misprints that mix scalings, perturbed formulas are flagged (negative controls), well-scaled ones
are clean, and every flag it raises is either such a misprint or explained in the shipped table."""

import pytest
import sympy as sp

from symbolic_vae import SymbolicVAEError
from symbolic_vae._core.claim import PAPERS
from symbolic_vae._core.notation import markup_text
from symbolic_vae._papers.text.equations import parse_equation
from symbolic_vae._papers.text.scaling_lint import declared_scalings, lint_expression
from symbolic_vae._report.scaling_lint import scaling_figures


def _lint(latex: str) -> list[str]:
    parsed = parse_equation(latex)
    assert parsed["parsed"], parsed["reason"]
    with sp.evaluate(False):
        expr = eval(parsed["sympy"], dict(vars(sp)))  # noqa: S307 - the package's own srepr
    return lint_expression(expr, declared_scalings("wz2022")[1])


def test_what_the_scaling_lint_flags():
    fig = scaling_figures("wz2022")
    wrong = {r["number"] for r in fig["flagged"] if not r["explained"]} | \
        {r["sentence"] for r in fig["inline_flagged"] if not r["explained"]}
    assert wrong == {"30", "33", "wz2022:4.2:13"}
    eq30 = next(r for r in fig["flagged"] if r["number"] == "30")["findings"]
    assert any("no scaling, a^2" in markup_text(f) for f in eq30)  # kappa ||W^T x||^2 outside the 1/(2 eta_dec^2)
    sentence = next(r for r in fig["inline_flagged"] if r["sentence"] == "wz2022:4.2:13")
    assert "a^2, a" in markup_text(sentence["findings"][0])


@pytest.mark.parametrize("latex", [
    r"\zeta_i - \sqrt{\beta}\eta_{\text{dec}} \leq 0",
    r"\lambda_i = \frac{1}{\eta_{\text{enc}}} \sqrt{\max(0, \zeta_i^2 - \beta\eta_{\text{dec}}^2)}",
    r"L(U, V) = \|UV^\top - Z\|_F^2 + \text{Tr}(U\Sigma U^\top) + \beta \frac{\eta_{\text{dec}}^2}{\eta_{\text{enc}}^2}"
    r" \|V\|_F^2",
    r"\sigma_i^* = \frac{\sqrt{\beta}\eta_{\text{dec}}}{\zeta_i} \eta_{\text{enc}}",
])
def test_well_scaled_formulas_are_clean(latex):
    assert _lint(latex) == []


@pytest.mark.parametrize("latex, evidence", [
    (r"\zeta_i^2 - \sqrt{\beta}\eta_{\text{dec}} \leq 0", "a^2, a"),
    (r"\lambda_i = \sqrt{\max(0, \zeta_i - \beta\eta_{\text{dec}}^2)}", "a, a^2"),
    (r"\|UV^\top - Z\|_F^2 + \beta \|V\|_F^2", "a^2, no scaling"),
    (r"\sigma_i^* = \frac{\sqrt{\beta}\eta_{\text{dec}}}{\zeta_i^2} \eta_{\text{enc}}", "no scaling, a^{-1}"),
    (r"A = Z Z^\top", "b^2, a^2"),
])
def test_perturbed_formulas_are_flagged(latex, evidence):
    findings = _lint(latex)
    assert findings and evidence in markup_text(findings[0])


@pytest.mark.parametrize("paper", sorted(PAPERS))
def test_every_explanation_is_used(paper):
    fig = scaling_figures(paper)
    used = {r["number"] for r in fig["flagged"] if r["explained"]} | \
        {r["sentence"] for r in fig["inline_flagged"] if r["explained"]}
    import json
    from importlib import resources
    data = json.loads(resources.files("symbolic_vae._papers.text").joinpath("scalings.json").read_text())
    declared = set(data[paper]["explained"])
    assert used <= declared and declared - used <= {"118"}  # Eq. 118 is not parsed


def test_bad_input_is_named():
    with pytest.raises(SymbolicVAEError, match="paper"):
        declared_scalings("nosuch")
