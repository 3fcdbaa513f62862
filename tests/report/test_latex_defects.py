"""A grep for printing defects over the generated report, snippets and cards: no statement that is the bare word
True/False, no ASCII math outside math and typewriter text (eta_dec, eta_enc, zeta^2, zeta_i, hat d, **, sqrt(, ->,
>=, <=), no Python reprs ([[, {', 'key': 830,), no "->" in headings; that the claim texts, written in light LaTeX
markup, read as plain text through ``markup_text``; and the prose printer of computed evidence, with controls."""

from __future__ import annotations

import re

import pytest
from helpers import EVIDENCE_ASCII_MATH

from symbolic_vae import CheckResult, Counterexample, Status, Verdict, all_claims, get_claim, run_claim
from symbolic_vae._core.notation import markup_text
from symbolic_vae._papers.sections import SECTIONS, section_title
from symbolic_vae._report.latex import ascii_math, markup_tex, prose_tex
from symbolic_vae._report.output import report_files

DEFECTS = {
    "a statement that is the bare word True/False": re.compile(r"\\svline\{-?\d\}\{(\\text\{)?(True|False)\}?\}"),
    **EVIDENCE_ASCII_MATH,
    "a nested-list repr": re.compile(r"\[\["),
    "a dict repr": re.compile(r"\$\\\{\$'|'[^'\n]{1,40}': -?\d"),
    "'->' in a heading": re.compile(r"\\(?:sub)*section\*?\{[^\n]*(->|-\$>\$)"),
    "an ASCII decoder/encoder name": re.compile(r"\beta_(dec|enc)\b"),
    "an ASCII zeta_i or zeta^2": re.compile(r"\bzeta(_i\b|\^2)"),
}
# Escaped forms of ASCII math in LaTeX text, turned back so that the patterns above see them.
_UNESCAPE = ((r"\_", "_"), (r"\^{}", "^"), ("-$>$", "->"), ("$>$=", ">="), ("$<$=", "<="), (r"$\{$", "{"),
             (r"$\}$", "}"))


def _unescaped(tex: str) -> str:
    for escaped, plain in _UNESCAPE:
        tex = tex.replace(escaped, plain)
    return tex
_OPENERS = re.compile(r"\\svline\{-?\d\}\{|\\texttt\{|\\label\{|\\input\{|\\hyperref\[|\\svref\{|\\ref\*?\{")


def _closing(text: str, start: int) -> int:
    """The index past the group whose opening bracket is text[start - 1]."""
    depth, close = 1, "]" if text[start - 1] == "[" else "}"
    opening = "[" if close == "]" else "{"
    for j in range(start, len(text)):
        depth += (text[j] == opening) - (text[j] == close)
        if depth == 0:
            return j + 1
    return len(text)


def prose_of(tex: str) -> str:
    """``tex`` without its math ($...$, display lines), typewriter text, labels, references and comments, and
    without the PDF-bookmark half of \\texorpdfstring."""
    tex = re.sub(r"(?m)(?<!\\)%.*$", "", tex.replace(r"\$", ""))
    out, i = [], 0
    while (m := _OPENERS.search(tex, i)) is not None:
        out.append(tex[i:m.start()])
        i = _closing(tex, m.end())
    out.append(tex[i:])
    tex = "".join(out)
    out, i = [], 0
    while (k := tex.find(r"\texorpdfstring{", i)) >= 0:
        first = _closing(tex, k + len(r"\texorpdfstring{"))
        out.append(tex[i:first])
        i = _closing(tex, first + 1)
    out.append(tex[i:])
    return re.sub(r"\$[^$]*\$", " ", "".join(out))


def defects(files: dict[str, str]) -> list[str]:
    """Each defect found: the file, what it is and the text around it."""
    found = []
    for name, tex in files.items():
        prose = prose_of(_unescaped(tex))
        for what, pattern in DEFECTS.items():
            where = tex if "True/False" in what or "heading" in what else prose
            found.extend(f"{name}: {what}: ...{where[max(0, m.start() - 40):m.end() + 30]}..."
                         for m in pattern.finditer(where))
    return found


def _synthetic(claim) -> Verdict:
    cx = Counterexample({"eta_dec": "1/2", "M": "[[1, 2], [3, 4]]", "hat d_1": "2"}, "1", "2", 30,
                        "at zeta_i^2 = beta eta_dec^2")
    status = Status.REFUTED if claim.corrected else Status.PROVED
    details = {"worst_residual": 1.5e-17, "sizes": [[1, 2, 3]] * 3, "starts": {"instances": 830, "failed": 0},
               "float case": {"F": "[[0.5, 0.25], [0.25, 0.5]]"}, "eta_dec": 0.5}
    check = CheckResult(status, "symbolic + ground truth (log grid + Brent)", "holds at sqrt(beta) eta_dec", details,
                        cx if status is Status.REFUTED else None)
    return Verdict(claim.id, status, "symbolic", "zeta_i^2 > beta eta_dec^2", (check,) * len(claim.steps),
                   CheckResult(Status.REFUTED, "exact counterexample", "control", {}, cx),
                   claim.corrected if status is Status.REFUTED else None, 0.0)


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    claims = all_claims()
    by_id = {c.id: _synthetic(c) for c in claims}
    for claim_id in ("globalmin.von_neumann", "globalmin.von_neumann_sorted"):  # real evidence, cheap to compute
        by_id[claim_id] = run_claim(get_claim(claim_id))
    return report_files(claims, by_id, source="synthetic verdicts")


def test_the_report_snippets_and_cards_have_no_printing_defects(files):
    assert len(files) == 2 + 2 * len(all_claims())
    found = defects(files)
    assert found == [], f"{len(found)} defects, e.g.\n" + "\n".join(found[:15])


def test_control_the_grep_finds_each_defect():
    bad = {"bad.tex": "\\section{Eq. 3 -$>$ Eq. 4}\n\\svline{-1}{\\text{False}}\nat eta\\_dec and zeta\\^{}2, "
           "zeta**2, hat d\\_1, sqrt(beta), sizes [[1, 2]], $\\{$'a': 830, eta\\_enc, zeta\\_i, b $>$= 1\n"}
    hits = "\n".join(defects(bad))
    assert all(what in hits for what in DEFECTS), hits
    assert defects({"ok.tex": "$\\zeta^2$ \\texttt{eta\\_dec} % eta_dec in a comment\n"}) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("zeta_i^2 - sqrt(beta) eta_dec <= 0", r"$\zeta_i^2 - \sqrt{\beta} \eta_{\mathrm{dec}} \leq 0$"),
    ("sum_{i>hat d_1} zeta_i^2", r"$\sum_{i>\hat{d}_1} \zeta_i^2$"),
    ("eta*^2 = R_0/d2", r"$\eta^{*2} = R_0/d_2$"),
    ("||Z||_F^2 and W^T x", r"$\lVert Z\rVert_F^2$ and $W^{\top} x$"),
    ("Eq. 3 -> Eq. 4", r"Eq. 3 $\to$ Eq. 4"),
    ("from globalmin.prop2_corrected", r"from \texttt{globalmin.prop2\_\allowbreak{}corrected}"),
    ("already $\\hat{d}_1$ marked", "already $\\hat{d}_1$ marked"),
    ("agree: {'both true': 16, 'boundary': 8}.", r"agree: both true 16,\allowbreak{} boundary 8."),
    ("the sum over i, log of a max", r"the sum over i,\allowbreak{} log of a max"),  # words, not symbols
])
def test_prose_typesets_ascii_math(text, expected):
    assert prose_tex(text) == expected


def test_ascii_math_refuses_what_it_cannot_typeset():
    assert ascii_math("f'_i^2") == "{f'_i}^2"  # a prime is a superscript: grouped
    assert ascii_math("lambda_fixed_sigma") is None  # two subscripts
    assert ascii_math("x_{a") is None  # unbalanced
    assert "\\_" in prose_tex("lambda_fixed_sigma") or "texttt" in prose_tex("lambda_fixed_sigma")


def test_claim_texts_are_balanced_markup_that_reads_as_plain_text():
    """Every claim text pairs its $ signs and, through markup_text (the terminal and the JSON), keeps no $ and no
    backslash; titles and section headings are the ones a reader sees first."""
    texts = [section_title(s) for s in SECTIONS]
    for claim in all_claims():
        texts += [claim.title, claim.ref.short(), *claim.assumptions, claim.printed, claim.control.perturbation,
                  claim.erratum_reason, *(step.description for step in claim.steps)]
    unpaired = [t for t in texts if t.count("$") % 2]
    assert unpaired == [], unpaired[:5]
    leftovers = [(t, markup_text(t)) for t in texts if "$" in markup_text(t) or "\\" in markup_text(t)]
    assert leftovers == [], leftovers[:5]
    plain = markup_text(r"with $\sigma(x) = |C x + f|$ and mean $W^\top x$")
    assert plain == "with \u03c3(x) = |C x + f| and mean W^\u22a4 x"


def test_markup_keeps_math_and_escapes_prose_without_breaking_words():
    tex = markup_tex(r"Eq. 28-29: 50% of $\zeta_i^2 \le \beta\eta_{\mathrm{dec}}^2$, see globalmin.prop2_corrected")
    assert r"$\zeta_i^2 \le \beta\eta_{\mathrm{dec}}^2$" in tex and r"50\%" in tex
    assert r"\texttt{globalmin.\allowbreak{}prop2\_\allowbreak{}corrected}" in tex
    assert "allowbreak" not in markup_tex("a minimization of an unbreakablewordwithoutanyspaces")


def test_no_statement_symbol_holds_markup():
    """A statement is SymPy, printed in math mode: a symbol named with prose markup ($...$) would break the display."""
    import sympy as sp

    bad = []
    for claim in all_claims():
        items = claim.statement if isinstance(claim.statement, tuple) else (claim.statement,)
        for item in items:
            if isinstance(item, sp.Basic):
                names = [getattr(a, "name", "") for a in item.atoms(sp.Symbol, sp.MatrixSymbol)]
                names += [str(f.func) for f in item.atoms(sp.Function)]
                bad += [(claim.id, n) for n in names if "$" in n]
    assert bad == [], bad[:5]
