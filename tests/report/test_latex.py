"""The LaTeX report: escaping, line breaking, ledger round trip, the CLI, and that the report compiles."""

import json
import re
import shutil
import subprocess

import pytest
import sympy as sp

from symbolic_vae import (
    CheckResult,
    Counterexample,
    Status,
    SymbolicVAEError,
    Verdict,
    all_claims,
    get_claim,
    run_claim,
)
from symbolic_vae._cli import main
from symbolic_vae._report.latex import (
    LINE_BUDGET,
    _matrix,
    math_lines,
    method_family,
    prose_tex,
    split_methods,
    tex_escape,
    visual_width,
)
from symbolic_vae._report.ledger import load_ledger, verdict_from_json
from symbolic_vae._report.notebook import ClaimView, md_math
from symbolic_vae._report.output import compile_report, write_report

PDFLATEX = shutil.which("pdflatex")
needs_pdflatex = pytest.mark.skipif(PDFLATEX is None, reason="pdflatex not installed (texlive-latex-base)")
# A cheap refuted claim and its correction.
REFUTED, CORRECTION = "globalmin.von_neumann", "globalmin.von_neumann_sorted"
NASTY = "a_b^c 50% & #1 $x$ ~ <= >= |Z| {y} \\ path_with_a_very_long_unbreakable_token_1234567890,seed=7,#0"


def _synthetic(claim, status: Status) -> Verdict:
    """A verdict with awkward text everywhere, for printing tests (no check runs)."""
    cx = Counterexample({"x_0": "1/3", "M": "[[1, 2], [3, 4]]", "note_^": NASTY}, "0.3333333333333333333333333333333",
                        "-1.25e-40", 30, NASTY)
    checks = tuple(CheckResult(status if status is not Status.REFUTED or i == 0 else Status.PROVED,
                               "symbolic + ground truth (log grid + Brent)", NASTY,
                               {"worst_residual": 1.5e-17, "sizes": [[1, 2, 3]] * 9, "seed": 7, "odd key_^": NASTY},
                               cx if status is Status.REFUTED and i == 0 else None)
                   for i in range(len(claim.steps)))
    control = CheckResult(Status.REFUTED, "exact counterexample", NASTY, {}, cx)
    return Verdict(claim.id, status, "symbolic", NASTY, checks, control,
                   claim.corrected if status is Status.REFUTED else None, 0.1)


def test_escape_leaves_no_special_character():
    out = tex_escape(NASTY + " \u03c3 \u2264 \u00e9 \u4e2d")
    bare = re.sub(r"\\['`]|\\[A-Za-z]+|\\[_%&#${}^]|\$[^$]*\$", "", out)
    assert not set("_^%&#$~{}\\") & set(bare.replace("{}", ""))
    assert all(ord(ch) < 128 for ch in out)
    assert r"$\sigma$" in out and r"$\leq$" in out


def test_long_sums_are_broken_into_lines_within_budget():
    x = sp.symbols("x0:40", positive=True)
    expr = sp.Eq(sp.Symbol("L"), sum(sp.log(1 + xi**2) / (2 + xi) for xi in x))
    (lines,) = math_lines(expr)
    assert len(lines) > 5
    assert lines[1][1].startswith("=")
    assert all(visual_width(text) <= LINE_BUDGET + 40 for _, text in lines)
    assert sum(text.count(r"\log") for _, text in lines) == 40  # nothing lost
    assert math_lines((sp.Symbol("a") < 1, sp.Eq(sp.Symbol("b"), 2))) == [[(0, "a < 1")], [(0, "b = 2")]]


def test_method_families_split_outside_parentheses():
    parts = split_methods("symbolic + ground truth (log grid + Brent)")
    assert parts == ["symbolic", "ground truth (log grid + Brent)"]
    assert method_family("direct numeric minimization of G (log grid + Brent)") == "ground truth"
    assert method_family("explicit-size expansion") == "explicit sizes"
    assert method_family("dataset counterexample (mpmath)") == "mpmath on data"


def test_ledger_round_trip():
    verdict = run_claim(get_claim(REFUTED))
    back = verdict_from_json(json.loads(json.dumps(verdict.to_json())))
    assert back.status is Status.REFUTED and back.corrected_by == CORRECTION
    assert back.counterexample.lhs == verdict.counterexample.lhs
    assert [c.status for c in back.checks] == [c.status for c in verdict.checks]
    assert back.control_refuted


def test_refuses_to_overwrite(tmp_path):
    claim = get_claim(REFUTED)
    verdicts = [_synthetic(claim, Status.REFUTED)]
    write_report(tmp_path, [claim], verdicts, source="test")
    with pytest.raises(SymbolicVAEError, match="--force"):
        write_report(tmp_path, [claim], verdicts, source="test")
    write_report(tmp_path, [claim], verdicts, source="test", force=True)
    assert (tmp_path / "snippets" / f"{REFUTED}.tex").is_file()


def test_notebook_view_renders_math_and_evidence():
    claim = get_claim(REFUTED)
    text = ClaimView(claim, _synthetic(claim, Status.REFUTED), {})._repr_markdown_()
    assert "$$" in text and "**Counterexample**" in text and "| step 1 |" in text and "worst\\_residual" in text
    assert "begin{aligned}" in md_math(sp.Eq(sp.Symbol("L"), sum(sp.symbols("x0:60"))))


@needs_pdflatex
def test_every_claim_prints_to_latex_that_compiles(tmp_path):
    """Every registered statement and step, with awkward evidence text, compiles twice without undefined refs."""
    claims = all_claims()
    verdicts = [_synthetic(c, Status.REFUTED if c.corrected else Status.PROVED) for c in claims]
    report = write_report(tmp_path, claims, verdicts, source="synthetic verdicts")
    result = compile_report(report)
    assert result.pdf.stat().st_size > 50_000
    assert not result.undefined_references
    assert "Overfull \\hbox" not in result.log  # long statements are broken or scaled, long words breakable


@needs_pdflatex
def test_cli_report_with_errata_compiles(tmp_path, capsys):
    ledger = tmp_path / "ledger.json"
    assert main(["verify", "--quiet", "--claim", REFUTED, "--claim", CORRECTION, "--json", str(ledger)]) == 0
    out = tmp_path / "report"
    assert main(["latex", "-o", str(out), "--ledger", str(ledger), "--pdf"]) == 0
    tex = (out / "report.tex").read_text()
    assert r"\section{Errata}" in tex and r"\label{erratum:globalmin.von-neumann}" in tex
    assert (out / "report.pdf").stat().st_size > 10_000
    errata = (out / "report.tex").read_text().split(r"\section{Errata}")[1]
    cx = load_ledger(ledger)[0].counterexample
    assert cx is not None and "Counterexample (both sides at" in errata and "Corrected claim" in errata
    plain = errata.replace("\\allowbreak{}", "").replace("\\_", "_")
    assert cx.lhs[:12] in plain and cx.rhs[:12] in plain
    matrices = [v for v in cx.instance.values() if _matrix(v) is not None]  # typeset as a pmatrix
    assert all(str(value)[:10] in plain for value in cx.instance.values() if value not in matrices)
    assert plain.count("\\begin{pmatrix}") >= len(matrices)
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(out / "report.pdf"), "-"], capture_output=True, text=True).stdout
        assert "Errata" in text and "REFUTED" in text and CORRECTION.split(".")[1][:8] in text.replace(" ", "_")
    assert main(["latex", "-o", str(out), "--ledger", str(ledger)]) == 2  # exists, no --force
    assert "--force" in capsys.readouterr().err


def test_cli_rejects_bad_ledgers(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main(["latex", "-o", str(tmp_path / "r"), "--ledger", str(bad)]) == 2
    bad.write_text(json.dumps({"claims": [{"claim": "no.such_claim", "status": "PROVED", "method": "m",
                                           "summary": "s", "checks": []}]}))
    assert main(["latex", "-o", str(tmp_path / "r"), "--ledger", str(bad)]) == 2
    assert "unknown claim ids no.such_claim" in capsys.readouterr().err
    bad.write_text(json.dumps({"claims": [{"claim": REFUTED, "status": "MAYBE"}]}))
    assert main(["latex", "-o", str(tmp_path / "r"), "--ledger", str(bad)]) == 2
    assert main(["latex", "-o", str(tmp_path / "r"), "--ledger", str(tmp_path / "missing.json")]) == 2


def test_no_statement_collapses_to_true_or_false():
    """A relation SymPy can decide (a symbol against an interval, a matrix against a symbol) evaluates itself to
    True/False unless built with evaluate=False; the statement must stay the mathematics."""
    from sympy.logic.boolalg import BooleanAtom

    collapsed = [c.id for c in all_claims()
                 for part in (c.statement if isinstance(c.statement, tuple) else (c.statement,))
                 if isinstance(part, (bool, BooleanAtom))]
    assert collapsed == []
    assert isinstance(sp.Eq(sp.Symbol("a"), sp.Interval(0, 1)), BooleanAtom)  # the failure this guards against


def test_a_sum_prints_its_positive_terms_first():
    from symbolic_vae._core.notation import to_latex

    n, k, beta, p, d2, zeta = sp.symbols("n k beta p d_2 zeta")
    assert sp.latex(n - k) == "- k + n" and to_latex(n - k) == "n - k"
    assert to_latex(d2 - beta * p) == r"d_{2} - \beta p"
    assert to_latex(zeta - sp.sqrt(beta) * n) == r"\zeta - \sqrt{\beta} n"
    assert to_latex(-n - k) == "- k - n"  # every term negative: SymPy's order
    assert to_latex(sp.Eq(sp.Symbol("J"), n**2 - 2 * n * k + k**2)) == "J = k^{2} + n^{2} - 2 k n"


def test_symbols_print_with_their_latex_names():
    from symbolic_vae._core.notation import to_latex

    authored = sp.Symbol(r"m(\zeta^2, s)")
    assert to_latex(authored) == r"m(\zeta^2, s)"  # SymPy alone splits the name at ^ and _
    assert sp.latex(authored) != r"m(\zeta^2, s)"
    z2 = sp.Symbol("zeta2", positive=True)
    assert to_latex(sp.Max(0, z2 - sp.Symbol("s"))) == r"\max\left(0, \zeta^{2} - s\right)"
    assert to_latex(sp.Symbol("eta_dec")) == r"\eta_{\mathrm{dec}}"
    assert to_latex(sp.Symbol("d_1")) == "d_{1}"  # a name SymPy prints well is left to it


def test_no_statement_prints_a_squared_symbol_as_a_subscript():
    from symbolic_vae._core.notation import to_latex

    for claim in all_claims():
        for part in (claim.statement if isinstance(claim.statement, tuple) else (claim.statement,)):
            text = to_latex(part) if isinstance(part, sp.Basic) else ""
            assert r"\zeta_{2}" not in text and r"\sigma_{2}" not in text, claim.id
            assert "^{2,s}" not in text and "G'(s}" not in text, claim.id


def test_the_evidence_matrix_says_where_the_parsed_equation_confirms_the_statement():
    from symbolic_vae._report.latex import evidence_matrix, label, printed_side_outcomes

    claims = all_claims()
    outcomes = printed_side_outcomes(claims)
    assert outcomes["globalmin.roots"] == "matches" and outcomes[REFUTED] != "matches"
    picked = [get_claim(i) for i in ("globalmin.roots", REFUTED)]
    verdicts = {c.id: _synthetic(c, Status.CHECKED) for c in picked}
    table = evidence_matrix(picked, verdicts, outcomes)
    rows = {c.id: next(line for line in table.splitlines() if f"hyperref[{label('claim', c.id)}]" in line)
            for c in picked}
    assert "printed side parsed" in table
    assert rows["globalmin.roots"].rstrip(" \\").endswith("& \\textcolor{svpass}{\\svmark{=}}")
    assert rows[REFUTED].rstrip(" \\").endswith("\\svmark{R}} &")  # not comparable: a blank cell
    assert "printed side parsed" not in evidence_matrix(picked, verdicts)


def test_a_detail_holding_latex_source_is_shown_as_written():
    from symbolic_vae._report.latex import _detail_value

    source = r"\mathbb{E}_{x, \epsilon} \text{Tr}(U(W^\top x - y))"
    shown = _detail_value("formula", source)  # the key the lint checks record the formula under
    assert shown.startswith(r"\texttt{") and r"$\backslash$mathbb" in shown and r"\text{\mathrm" not in shown
    assert not _detail_value("note", source).startswith(r"\texttt{")  # only a declared key is shown as source
    assert "\\texttt" not in _detail_value("worst", "worst gap 1e-9")  # prose stays prose


def test_evidence_markup_in_details_and_instances_is_typeset_and_never_cut_inside_math():
    from symbolic_vae._report.latex import _instance_value, format_value

    finding = r"a sum of $d_{1} \times 1$ and $d_{2} \times 1$ in $W^{T} x - y$"
    for limit in range(10, len(finding) + 5):
        cut = format_value([finding, finding], limit)
        assert cut.count("$") % 2 == 0 and len(cut) <= limit, cut
    assert _instance_value(finding) == prose_tex(finding) and r"$d_{1} \times 1$" in _instance_value(finding)
    assert _instance_value("d1 x 1").startswith(r"\texttt{")  # plain text stays typewriter
