"""LaTeX report of the ledger: every claim with its statement, derivation steps, verdict and evidence, an evidence
matrix (claim x method), an errata section for the refuted claims, and one paste-ready snippet per claim.

What a claim is stays in ``_claim``/``_verdict``; this module only prints. The report ``\\input``s the snippets, so
compiling the report also compiles every snippet.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import sympy as sp
from sympy.logic.boolalg import And, BooleanFunction, Equivalent, Implies, Or

from symbolic_vae._core.claim import PAPERS, Claim
from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._core.verdict import CheckResult, Counterexample, Status, Verdict
from symbolic_vae._papers.sections import SECTIONS, section_claims, section_title
from symbolic_vae._report.ledger import new_file_mode as _new_file_mode

# ----------------------------------------------------------------------------------------------------------------
# Text
# ----------------------------------------------------------------------------------------------------------------
_TEXT_ESCAPES = {
    "\\": r"$\backslash$", "{": r"$\{$", "}": r"$\}$", "_": r"\_", "^": r"\^{}", "%": r"\%", "&": r"\&",
    "#": r"\#", "$": r"\$", "~": r"$\sim$", "<": r"$<$", ">": r"$>$", "|": r"$|$", '"': "''",
}
_UNICODE = {
    "\u2264": r"$\leq$", "\u2265": r"$\geq$", "\u2260": r"$\neq$", "\u2192": r"$\to$", "\u2194": r"$\leftrightarrow$",
    "\u21d2": r"$\Rightarrow$", "\u21d4": r"$\Leftrightarrow$", "\u2208": r"$\in$", "\u221e": r"$\infty$",
    "\u00b1": r"$\pm$", "\u00d7": r"$\times$", "\u2212": "-", "\u2013": "--", "\u2014": "---", "\u2018": "`",
    "\u2019": "'", "\u201c": "``", "\u201d": "''", "\u2026": r"\ldots{}", "\u00b7": r"$\cdot$", "\u221a": r"$\surd$",
    "\u2211": r"$\Sigma$", "\u2202": r"$\partial$", "\u2248": r"$\approx$", "\u00e9": r"\'e", "\u00e8": r"\`e",
    "\u00fc": r'\"u', "\u00f6": r'\"o', "\u00e4": r'\"a',
}
_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu", "nu",
    "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega",
}


def tex_escape(text: Any) -> str:
    """Plain text -> LaTeX text mode: special characters escaped (in math mode where OT1 has no glyph, so that no
    bitmap font is needed), non-ASCII mapped (never left raw)."""
    out = []
    for ch in str(text):
        if ch in _TEXT_ESCAPES:
            out.append(_TEXT_ESCAPES[ch])
        elif ord(ch) < 128:
            out.append(ch if ch.isprintable() or ch == "\n" else " ")
        elif ch in _UNICODE:
            out.append(_UNICODE[ch])
        else:
            name = unicodedata.name(ch, "").lower()
            greek = name.split()[-1] if name.startswith("greek") else ""
            if greek in _GREEK:
                out.append(f"$\\{greek.capitalize() if 'capital' in name else greek}$")
            else:
                out.append(f"[U+{ord(ch):04X}]")
    return "".join(out)


def tex_id(claim_id: str) -> str:
    """A claim id in typewriter type, breakable after dots and underscores."""
    return r"\texttt{" + tex_escape(claim_id).replace(".", r".\allowbreak{}").replace(r"\_", r"\_\allowbreak{}") + "}"


def _breakable(text: str, every: int = 10) -> str:
    """Escaped text with break points after punctuation and operators and inside long runs without spaces."""
    out, run = [], 0
    for ch in str(text):
        out.append(tex_escape(ch))
        run = 0 if ch.isspace() else run + 1
        if run and (ch in ",;*/=+)]" or run >= every):
            out.append(r"\allowbreak{}")
            run = 0
    return "".join(out)


def _pdf_string(text: str) -> str:
    """Text for a PDF bookmark: only characters that need no escaping."""
    return re.sub(r"[^A-Za-z0-9 .,;:()'=+*/-]", " ", text)


def label(kind: str, claim_id: str) -> str:
    """A LaTeX label for ``claim_id`` (``kind`` is ``claim`` or ``erratum``)."""
    return f"{kind}:" + re.sub(r"[^A-Za-z0-9.:-]", "-", claim_id)


# ----------------------------------------------------------------------------------------------------------------
# Math: statements split into display lines, each scaled down only if it is still too wide
# ----------------------------------------------------------------------------------------------------------------
LINE_BUDGET = 78  # visible characters of display math per line (10pt, 2 cm margins), before scaling kicks in
_REL_OPS = {"==": "=", "!=": r"\neq", "<": "<", "<=": r"\leq", ">": ">", ">=": r"\geq"}
_ZERO_WIDTH = re.compile(r"\\(left|right|big|Big|bigg|Bigg|frac|dfrac|tfrac|mathrm|operatorname|text|mathbf|mathbb|"
                         r"mathcal|boldsymbol|hat|bar|tilde|displaystyle|limits|,|;|:|!|quad|qquad)(?![A-Za-z])")


def visual_width(latex: str) -> int:
    """A rough count of the visible characters of a LaTeX math string (over-estimates fractions and cases)."""
    s = re.sub(r"\\(begin|end)\{[^}]*\}", "", latex)
    s = _ZERO_WIDTH.sub("", s)
    s = re.sub(r"\\[A-Za-z]+", "x", s)
    return len(re.sub(r"[{}\s^_&]", "", s))


def _paren(obj: Any) -> str:
    text = _latex(obj)
    if isinstance(obj, BooleanFunction) and not isinstance(obj, sp.core.relational.Relational):
        return rf"\left({text}\right)"
    return text


def _latex(obj: Any) -> str:
    if isinstance(obj, (sp.Basic, sp.MatrixBase)):
        return sp.latex(obj)
    return r"\text{" + tex_escape(obj) + "}"


def _terms(expr: Any) -> list[str]:
    """Top-level additive pieces of ``expr``: the first as is, the others with their sign in front."""
    if not isinstance(expr, sp.Add) or len(expr.args) < 2:
        return [_latex(expr)]
    out = []
    for k, term in enumerate(expr.as_ordered_terms()):
        if term.could_extract_minus_sign():
            out.append(f"- {sp.latex(-term)}")
        else:
            out.append(sp.latex(term) if k == 0 else f"+ {sp.latex(term)}")
    return out


def _pieces(obj: Any) -> list[list[str]]:
    """``obj`` as groups of pieces: a new group starts at each relation (=, <, =>, <=>), pieces of a group are
    summands (or conjuncts) that may go on separate lines."""
    if isinstance(obj, sp.core.relational.Relational) and obj.rel_op in _REL_OPS:
        rhs = _terms(obj.rhs)
        return [_terms(obj.lhs), [f"{_REL_OPS[obj.rel_op]} {rhs[0]}", *rhs[1:]]]
    if isinstance(obj, (Implies, Equivalent)):
        op = r"\Rightarrow" if isinstance(obj, Implies) else r"\Leftrightarrow"
        first, *rest = obj.args
        return [_pieces_of_logop(first), *([f"{op} {_paren(a)}"] for a in rest)]
    if isinstance(obj, (And, Or)):
        return [_pieces_of_logop(obj)]
    return [_terms(obj) if isinstance(obj, sp.Add) else [_latex(obj)]]


def _pieces_of_logop(obj: Any) -> list[str]:
    if isinstance(obj, (And, Or)):
        op = r"\wedge" if isinstance(obj, And) else r"\vee"
        args = list(obj.args)
        return [_paren(args[0]), *(f"{op} {_paren(a)}" for a in args[1:])]
    return [_paren(obj)]


def math_lines(obj: Any, budget: int = LINE_BUDGET) -> list[list[tuple[int, str]]]:
    """``obj`` (a SymPy object, or a tuple of them) as display lines, one list per item of (indent level, LaTeX):
    a single line when the item fits, otherwise broken before relations and between summands."""
    items = obj if isinstance(obj, tuple) else (obj,)
    out: list[list[tuple[int, str]]] = []
    for item in items:
        whole = _latex(item)
        if visual_width(whole) <= budget:
            out.append([(0, whole)])
            continue
        lines: list[tuple[int, str]] = []
        for g, group in enumerate(_pieces(item)):
            current, indent = "", 0 if g == 0 else 1
            for piece in group:
                if current and visual_width(current + piece) > budget:
                    lines.append((indent, current))
                    current, indent = "", (1 if g == 0 else 2)
                current = f"{current} {piece}".strip()
            if current:
                lines.append((indent, current))
        out.append(lines)
    return out


def math_block(obj: Any) -> str:
    """A display of ``obj`` built from ``\\svline``: items that fit on one line centred, broken items left-aligned
    with their continuation lines indented; a line still too wide is scaled down to the line width."""
    body = []
    for lines in math_lines(obj):
        if len(lines) == 1:
            body.append("\\svline{-1}{" + lines[0][1] + "}\n")
        else:
            body.extend(f"\\svline{{{indent}}}{{{text}}}\n" for indent, text in lines)
    return "{\\setlength{\\lineskip}{4pt}\\par\\smallskip\n" + "".join(body) + "\\smallskip}\n"


# Macros every snippet needs; ``\providecommand`` so that a snippet pasted alone (amsmath, amssymb, graphicx
# loaded) works, and the report's own definitions win.
SNIPPET_MACROS = r"""\makeatletter
\@ifundefined{svbox}{\newsavebox{\svbox}}{}
\providecommand{\svline}[2]{\par\noindent\sbox{\svbox}{$\displaystyle #2$}%
  \ifnum#1<0 \def\sv@ind{0pt}\else\def\sv@ind{#1em}\fi
  \hspace*{\sv@ind}\ifdim\wd\svbox>\dimexpr\linewidth-\sv@ind\relax
    \resizebox{\dimexpr\linewidth-\sv@ind\relax}{!}{\usebox{\svbox}}%
  \else\ifnum#1<0 \makebox[\linewidth]{\usebox{\svbox}}\else\usebox{\svbox}\fi\fi\par}
\providecommand{\svstatus}[2]{\textbf{\textsf{#2}}}
\providecommand{\svref}[2]{\texttt{#2}}
\makeatother
"""

# ----------------------------------------------------------------------------------------------------------------
# Verdicts, evidence and methods
# ----------------------------------------------------------------------------------------------------------------
_STATUS_COLOUR = {Status.PROVED: "svpass", Status.PROVED_AT_SIZES: "svpass", Status.CHECKED: "svcheck",
                  Status.REFUTED: "svfail", Status.INCONCLUSIVE: "svnone"}
_STATUS_MARK = {Status.PROVED: "P", Status.PROVED_AT_SIZES: "S", Status.CHECKED: "C", Status.REFUTED: "R",
                Status.INCONCLUSIVE: "?"}
_MARK_ORDER = "RPSC?"  # which mark a cell shows when several checks of one family differ

# Method families of the evidence matrix: (column head, words that put a method string in it), first match wins.
METHOD_FAMILIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("symbolic", ("symbolic", "region by region", "sympy")),
    ("explicit sizes", ("explicit-size",)),
    ("ground truth", ("ground truth", "multistart", "numeric minimization")),
    ("compiled kernel", ("round trip",)),
    ("mpmath on data", ("mpmath", "dataset")),
    ("exact instance", ("exact", "counterexample")),
    ("Monte Carlo", ("monte carlo",)),
    ("float64 numerics", ("float64", "random", "autograd", "numeric linear algebra")),
    ("other", ("",)),
)


def method_family(method: str) -> str:
    """The evidence-matrix column of one method (split a method string joined by ' + ' first)."""
    low = method.lower()
    return next(head for head, words in METHOD_FAMILIES if any(w in low for w in words))


def split_methods(method: str) -> list[str]:
    """The parts of a method string joined by '+' outside parentheses."""
    parts, depth, current = [], 0, ""
    for ch in method:
        depth += (ch == "(") - (ch == ")")
        if ch == "+" and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    return [p for p in (*parts, current.strip()) if p]


def check_families(check: CheckResult) -> list[str]:
    """The method families a check used."""
    return sorted({method_family(part) for part in split_methods(check.method)},
                  key=[h for h, _ in METHOD_FAMILIES].index)


def status_tex(status: Status) -> str:
    return f"\\svstatus{{{_STATUS_COLOUR[status]}}}{{{tex_escape(status.value)}}}"


def _format_value(value: Any, limit: int = 70) -> str:
    if isinstance(value, float):
        text = f"{value:.4g}"
    elif isinstance(value, (list, tuple)):
        text = "[" + ", ".join(_format_value(v, limit) for v in value) + "]"
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{k}: {_format_value(v, limit)}" for k, v in value.items()) + "}"
    else:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def key_details(details: dict[str, Any], limit: int = 8) -> list[tuple[str, str]]:
    """Up to ``limit`` details worth printing: scalars first, then short containers."""
    def rank(item: tuple[str, Any]) -> int:
        return 0 if isinstance(item[1], (int, float, str, bool)) else 1

    return [(str(k), _format_value(v)) for k, v in sorted(details.items(), key=rank)[:limit]]


def _details_tex(details: dict[str, Any]) -> str:
    items = key_details(details)
    if not items:
        return ""
    return r"{\footnotesize " + "; ".join(f"{_breakable(k)} = {_breakable(v)}" for k, v in items) + "}"


def _number(text: str, digits: int = 30) -> str:
    """A high-precision number string shortened to ``digits`` significant characters."""
    text = str(text).strip()
    match = re.fullmatch(r"(-?)(\d+)\.(\d+)(e[-+]?\d+)?", text)
    if match and len(match[2]) + len(match[3]) > digits:
        keep = max(0, digits - len(match[2]))
        text = f"{match[1]}{match[2]}.{match[3][:keep]}\\ldots{{}}{match[4] or ''}"
        return r"\texttt{" + text + "}"
    return r"\texttt{" + _breakable(text) + "}"


def counterexample_tex(cx: Counterexample) -> str:
    """A table of the counterexample's instance and both sides."""
    rows = [f"{_breakable(k)} & \\texttt{{{_breakable(_format_value(v, 400))}}} \\\\" for k, v in cx.instance.items()]
    rows.append(r"\midrule")
    rows.append(f"left side & {_number(cx.lhs)} \\\\")
    rows.append(f"right side & {_number(cx.rhs)} \\\\")
    note = f"\\par\\noindent{{\\footnotesize Note: {_breakable(cx.note)}}}\n" if cx.note else ""
    return ("\\par\\smallskip\\noindent{\\small\\begin{tabular}{@{}>{\\raggedright\\arraybackslash}p{0.22\\linewidth}"
            ">{\\raggedright\\arraybackslash}p{0.7\\linewidth}@{}}\n\\toprule\n\\multicolumn{2}{@{}l}{Counterexample "
            f"(both sides at {cx.dps} digits)}} \\\\\n\\midrule\n" + "\n".join(rows)
            + "\n\\bottomrule\n\\end{tabular}}\n" + note)


# ----------------------------------------------------------------------------------------------------------------
# Snippets
# ----------------------------------------------------------------------------------------------------------------
def _link(claim_id: str, known: set[str], kind: str = "claim") -> str:
    if claim_id in known:
        return f"\\svref{{{label(kind, claim_id)}}}{{{tex_escape(claim_id)}}}"
    return tex_id(claim_id) + " (not in this report)"


def claim_snippet(claim: Claim, verdict: Verdict, verdicts: dict[str, Verdict]) -> str:
    """A paste-ready LaTeX fragment for one claim (needs amsmath, amssymb, graphicx, booktabs, array)."""
    known = set(verdicts)
    out = [f"% symbolic-vae: claim {claim.id} ({claim.ref.short()})\n",
           "% needs \\usepackage{amsmath,amssymb,graphicx,booktabs,array}\n", SNIPPET_MACROS]
    out.append(f"\\noindent\\textit{{{tex_escape(claim.ref.short())}}}: {_breakable(claim.title)}.\\par\\smallskip\n")
    out.append(math_block(claim.statement))
    if claim.assumptions:
        out.append("\\par\\smallskip\\noindent\\textbf{Assumptions.} "
                   + "; ".join(_breakable(a) for a in claim.assumptions) + ".\n")
    if claim.printed:
        out.append(f"\\par\\noindent\\textbf{{As printed.}} {_breakable(claim.printed)}\n")
    out.append("\\par\\smallskip\\noindent\\textbf{Derivation steps.}\n\\begin{enumerate}\n")
    for i, step in enumerate(claim.steps):
        out.append(f"\\item {_breakable(step.description)}"
                   + (" \\emph{(corroborating)}" if step.corroborating else "") + "\n")
        if step.lhs is not None and step.rhs is not None:
            out.append(math_block(sp.Eq(step.lhs, step.rhs, evaluate=False)
                                  if isinstance(step.lhs, sp.Expr) and isinstance(step.rhs, sp.Expr)
                                  else (step.lhs, step.rhs)))
        if i < len(verdict.checks):
            check = verdict.checks[i]
            out.append(f"\\par\\noindent {status_tex(check.status)} ({_breakable(check.method)}): "
                       f"{_breakable(check.summary)}. {_details_tex(check.details)}\n")
        else:
            out.append("\\par\\noindent\\emph{not run (an earlier step refuted the claim)}\n")
    out.append("\\end{enumerate}\n")
    for check in verdict.checks[len(claim.steps):]:
        out.append(f"\\noindent {status_tex(check.status)} ({_breakable(check.method)}): {_breakable(check.summary)}"
                   "\\par\n")
    out.append(f"\\noindent\\textbf{{Verdict:}} {status_tex(verdict.status)} by {_breakable(verdict.method)}. "
               f"{_breakable(verdict.summary)}\\par\n")
    if verdict.control is not None:
        refuted = "refuted, as it must be" if verdict.control_refuted else "NOT refuted"
        out.append(f"\\noindent\\textbf{{Negative control}} ({_breakable(claim.control.perturbation)}): {refuted}. "
                   f"{{\\footnotesize {_breakable(verdict.control.summary)}}}\\par\n")
    cx = verdict.counterexample
    if cx is not None:
        out.append(counterexample_tex(cx))
    if claim.corrected and verdict.status is Status.REFUTED:
        fix = verdicts.get(claim.corrected)
        state = f" ({status_tex(fix.status)})" if fix is not None else ""
        out.append(f"\\par\\noindent\\textbf{{Corrected by}} {_link(claim.corrected, known)}{state}.\\par\n")
    if claim.corrects:
        out.append(f"\\par\\noindent\\textbf{{Corrects}} {_link(claim.corrects, known)}.\\par\n")
    return "".join(out)


# ----------------------------------------------------------------------------------------------------------------
# The report
# ----------------------------------------------------------------------------------------------------------------
PREAMBLE = r"""\documentclass[10pt,a4paper]{article}
\usepackage[margin=2cm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{graphicx}
\usepackage{array,booktabs,longtable}
\usepackage[table]{xcolor}
\usepackage[colorlinks=true,linkcolor=blue!50!black,urlcolor=blue!50!black]{hyperref}
\definecolor{svpass}{HTML}{1B7837}
\definecolor{svcheck}{HTML}{2166AC}
\definecolor{svfail}{HTML}{B2182B}
\definecolor{svnone}{HTML}{6F6F6F}
\newcommand{\svstatus}[2]{\textcolor{#1}{\textbf{\textsf{#2}}}}
\newcommand{\svref}[2]{\hyperref[#1]{\texttt{#2}}~(Sec.~\ref*{#1})}
\newcommand{\svmark}[1]{\textsf{#1}}
\setlength{\parindent}{0pt}
\setlength{\emergencystretch}{3em}
\setlength{\LTpre}{4pt}
\setlength{\LTpost}{4pt}
\allowdisplaybreaks
\hypersetup{pdftitle={symbolic-vae: ledger of claims}}
"""


def _section_titles() -> dict[str, str]:
    """Each section claim's id -> its section's title (the first paragraph of the module docstring)."""
    return {claim.id: section_title(section) for section in SECTIONS for claim in section_claims(section)}


def evidence_matrix(claims: Sequence[Claim], verdicts: dict[str, Verdict]) -> str:
    """A longtable: one row per claim, one column per method family (mark of the strongest check in it)."""
    heads = [h for h, _ in METHOD_FAMILIES]
    used = [h for h in heads if any(h in check_families(c) for v in verdicts.values() for c in v.checks)]
    cols = "@{}>{\\raggedright\\arraybackslash}p{0.3\\linewidth}l" + "c" * len(used) + "c@{}"
    head_row = ("claim & verdict & " + " & ".join(f"\\rotatebox{{90}}{{{tex_escape(h)}}}" for h in used)
                + " & \\rotatebox{90}{neg.\\ control} \\\\")
    rows = []
    for claim in claims:
        v = verdicts[claim.id]
        cells = []
        for h in used:
            marks = {_STATUS_MARK[c.status] for c in v.checks if h in check_families(c)}
            mark = next((m for m in _MARK_ORDER if m in marks), "")
            colour = {"R": "svfail", "P": "svpass", "S": "svpass", "C": "svcheck", "?": "svnone"}.get(mark)
            cells.append(f"\\textcolor{{{colour}}}{{\\svmark{{{mark}}}}}" if mark else "")
        control = ("\\textcolor{svpass}{\\svmark{R}}" if v.control_refuted
                   else "\\textcolor{svfail}{\\svmark{not R}}")
        rows.append(f"\\hyperref[{label('claim', claim.id)}]{{{tex_id(claim.id)}}} & {status_tex(v.status)} & "
                    + " & ".join(cells) + f" & {control} \\\\")
    return ("{\\small\\begin{longtable}{" + cols + "}\n\\toprule\n" + head_row + "\n\\midrule\n\\endhead\n"
            "\\bottomrule\n\\endfoot\n" + "\n".join(rows) + "\n\\end{longtable}}\n")


def _method_legend(verdicts: dict[str, Verdict]) -> str:
    by_family: dict[str, set[str]] = {}
    for v in verdicts.values():
        for c in v.checks:
            for part in split_methods(c.method):
                by_family.setdefault(method_family(part), set()).add(part)
    items = "".join(f"\\item[{tex_escape(h)}:] " + "; ".join(tex_escape(m) for m in sorted(by_family[h])) + "\n"
                    for h, _ in METHOD_FAMILIES if h in by_family)
    return "\\begin{description}\\small\n" + items + "\\end{description}\n"


def errata(claims: Sequence[Claim], verdicts: dict[str, Verdict]) -> str:
    """One subsection per REFUTED claim: as printed, the counterexample, the corrected claim with its verdict."""
    known = set(verdicts)
    by_id = {c.id: c for c in claims}
    out = []
    for claim in claims:
        v = verdicts[claim.id]
        if v.status is not Status.REFUTED:
            continue
        out.append(f"\\subsection{{{tex_escape(claim.ref.short())}}}\\label{{{label('erratum', claim.id)}}}\n")
        out.append(f"\\noindent Claim {_link(claim.id, known)}: {_breakable(claim.title)}.\\par\\smallskip\n")
        out.append("\\noindent\\textbf{As printed:}\\par\n" + math_block(claim.statement))
        if claim.printed:
            out.append(f"\\par\\noindent\\textit{{What the paper prints:}} {_breakable(claim.printed)}\\par\n")
        out.append(f"\\noindent\\textbf{{Refuted}} by {_breakable(v.method)}: {_breakable(v.summary)}\\par\n")
        if v.counterexample is not None:
            out.append(counterexample_tex(v.counterexample))
        fix_id = claim.corrected
        if fix_id is None:
            out.append("\\par\\noindent\\textbf{No corrected claim is linked.}\\par\n")
        elif fix_id in by_id and fix_id in verdicts:
            fix, fv = by_id[fix_id], verdicts[fix_id]
            out.append(f"\\par\\smallskip\\noindent\\textbf{{Corrected claim}} {_link(fix_id, known)}: "
                       f"{_breakable(fix.title)}.\\par\n" + math_block(fix.statement)
                       + f"\\noindent Verdict of the correction: {status_tex(fv.status)} by {_breakable(fv.method)}."
                       f" {_breakable(fv.summary)}\\par\n")
        else:
            out.append(f"\\par\\noindent\\textbf{{Corrected claim}} {tex_id(fix_id)} (not in this report).\\par\n")
        out.append("\\medskip\n")
    return "".join(out) or "No claim was refuted.\n"


def report_tex(claims: Sequence[Claim], verdicts: dict[str, Verdict], *, source: str) -> str:
    """The standalone report; snippets are ``\\input`` from ``snippets/<claim id>.tex``."""
    counts = {s: sum(verdicts[c.id].status is s for c in claims) for s in Status}
    controls = sum(verdicts[c.id].control_refuted for c in claims)
    refuted = [c for c in claims if verdicts[c.id].status is Status.REFUTED]
    corrected_ok = sum(1 for c in refuted if c.corrected in verdicts and verdicts[c.corrected].status.passed)
    count_rows = "\n".join(f"{status_tex(s)} & {counts[s]} \\\\" for s in Status)
    out = [PREAMBLE, SNIPPET_MACROS, "\\title{symbolic-vae: the ledger of claims on posterior collapse in linear "
           "latent variable models}\n\\author{generated by \\texttt{symbolic-vae latex}}\n\\date{}\n",
           "\\begin{document}\n\\maketitle\n"]
    out.append(
        "\\noindent Every statement of the papers below is re-derived from the model's definition (a Gaussian "
        "encoder, a Gaussian decoder and a Gaussian prior in the $\\beta$-weighted ELBO) and gets exactly one "
        "verdict. Each claim ships with a negative control, a perturbed statement the checker must refute. A "
        f"refuted claim links to a corrected claim, which has a verdict of its own. Verdicts: {tex_escape(source)}."
        "\\par\\medskip\n")
    out.append("\\begin{center}\\begin{tabular}{@{}lr@{}}\\toprule verdict & claims \\\\\\midrule\n" + count_rows
               + f"\n\\midrule total & {len(claims)} \\\\\nnegative controls refuted & {controls} of {len(claims)} "
               f"\\\\\nrefuted claims with a passing correction & {corrected_ok} of {len(refuted)} \\\\\n"
               "\\bottomrule\\end{tabular}\\end{center}\n")
    out.append("\\noindent\\textsf{P} proved in general symbols, \\textsf{S} proved at explicit sizes, \\textsf{C} "
               "checked numerically, \\textsf{R} refuted, \\textsf{?} undecided; a cell shows the strongest decision "
               "of the claim's checks in that method family (a refutation first). The families are listed in "
               "Appendix~\\ref{sec:methods}; the errata are in Section~\\ref{sec:errata}.\\par\n")
    out.append("\\section{Evidence matrix}\\label{sec:matrix}\n" + evidence_matrix(claims, verdicts))
    titles = _section_titles()
    current = None
    out.append("\\clearpage\n")
    for claim in claims:
        section = titles.get(claim.id, "Other claims")
        if section != current:
            out.append(f"\\section{{\\texorpdfstring{{{tex_escape(section)}}}{{{_pdf_string(section)}}}}}\n")
            current = section
        out.append(f"\\subsection{{\\texorpdfstring{{{tex_id(claim.id)}}}{{{tex_escape(claim.id)}}}}}"
                   f"\\label{{{label('claim', claim.id)}}}\n\\input{{snippets/{claim.id}.tex}}\n\\medskip\n")
    out.append("\\clearpage\n\\section{Errata}\\label{sec:errata}\n" + errata(claims, verdicts))
    out.append("\\appendix\n\\section{Method families}\\label{sec:methods}\n" + _method_legend(verdicts))
    papers = "".join(f"\\item[{tex_escape(short)}] {tex_escape(full)}\n" for short, full in PAPERS.values())
    out.append("\\section{Papers}\n\\begin{description}\n" + papers + "\\end{description}\n")
    out.append("\\end{document}\n")
    return "".join(out)


# ----------------------------------------------------------------------------------------------------------------
# Writing and compiling
# ----------------------------------------------------------------------------------------------------------------
class StagedOutput:
    """Output files written next to their final place under temporary names and moved into place together.

    ``path(rel)`` / ``write_text(rel, text)`` / ``add_file(rel, source)`` write a temporary file in the directory of
    ``out_dir / rel`` (created when missing); ``commit()`` replaces each target by its temporary file with
    ``os.replace`` (atomic per file). Files of other names are never touched. Until the commit has finished nothing
    is in place: leaving the ``with`` block without a commit (an error, Ctrl-C, SIGTERM) removes the temporary
    files and the directories this run created; a commit that fails midway puts back the files it had replaced.
    OSError becomes SymbolicVAEError naming ``name`` (the output argument).
    """

    def __init__(self, out_dir: str | Path, name: str = "out_dir") -> None:
        self.out_dir = Path(out_dir)
        self.name = name
        self._created: list[Path] = []
        self._staged: dict[str, Path] = {}
        self._committed = False

    def __enter__(self) -> StagedOutput:
        return self

    def __exit__(self, *exc: object) -> None:
        for tmp in self._staged.values():
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
        if not self._committed:
            for directory in reversed(self._created):  # only if empty: never remove what someone else put there
                with contextlib.suppress(OSError):
                    directory.rmdir()

    def _error(self, what: str, err: OSError) -> SymbolicVAEError:
        return SymbolicVAEError(f"{self.name}: cannot write {what} ({err.strerror or err})")

    def target(self, rel: str) -> Path:
        """The final path of ``rel``."""
        parts = PurePosixPath(rel).parts
        if not parts or PurePosixPath(rel).is_absolute() or any(p in ("", ".", "..") for p in parts):
            raise SymbolicVAEError(f"{self.name}: {rel!r} is not a plain relative file path")
        return self.out_dir.joinpath(*parts)

    def path(self, rel: str) -> Path:
        """A new temporary file in the directory of ``rel``'s target (same suffix, so that writers that go by the
        suffix, like matplotlib's savefig, work); it replaces the target at the commit."""
        if self._committed:
            raise RuntimeError("StagedOutput: already committed")
        target = self.target(rel)
        try:
            self._make_dirs(target.parent)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".tmp{target.suffix}", dir=target.parent)
            os.close(fd)
        except OSError as err:
            raise self._error(str(target), err) from None
        old = self._staged.pop(rel, None)
        if old is not None:
            old.unlink(missing_ok=True)
        self._staged[rel] = Path(tmp)
        return Path(tmp)

    def discard(self, rel: str) -> None:
        """Forget ``rel``: its temporary file is removed and its target left as it is."""
        tmp = self._staged.pop(rel, None)
        if tmp is not None:
            tmp.unlink(missing_ok=True)

    def write_text(self, rel: str, text: str) -> Path:
        tmp = self.path(rel)
        try:
            with open(tmp, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as err:
            raise self._error(str(self.target(rel)), err) from None
        return tmp

    def add_file(self, rel: str, source: str | Path) -> Path:
        """Stage a copy of the file ``source``."""
        tmp = self.path(rel)
        try:
            shutil.copyfile(source, tmp)
        except OSError as err:
            raise self._error(str(self.target(rel)), err) from None
        return tmp

    def _make_dirs(self, directory: Path) -> None:
        missing = []
        while not directory.exists() and not directory.is_symlink():
            missing.append(directory)
            if directory.parent == directory:
                break
            directory = directory.parent
        for d in reversed(missing):
            d.mkdir()
            self._created.append(d)

    def commit(self) -> list[Path]:
        """Move every staged file into place; the final paths, in staging order."""
        done: list[tuple[Path, Path | None, Path]] = []  # (target, backup of the file it replaces, temporary file)
        try:
            for rel, tmp in self._staged.items():
                target = self.target(rel)
                with contextlib.suppress(OSError), open(tmp, "rb") as handle:  # writers like savefig do not fsync
                    os.fsync(handle.fileno())
                os.chmod(tmp, _new_file_mode(target))  # mkstemp makes 0600; keep the mode an open() would give
                backup = _backup(target) if target.exists() or target.is_symlink() else None
                done.append((target, backup, tmp))
                os.replace(tmp, target)
        except BaseException as err:
            for target, backup, tmp in reversed(done):
                with contextlib.suppress(OSError):
                    if tmp.exists():  # not replaced yet
                        if backup is not None:
                            backup.unlink()
                    elif backup is not None:
                        os.replace(backup, target)
                    else:
                        target.unlink()
            if isinstance(err, OSError):
                raise self._error(str(err.filename or self.out_dir), err) from None
            raise
        self._committed = True
        for _, backup, _ in done:
            if backup is not None:
                with contextlib.suppress(OSError):
                    backup.unlink()
        self._staged.clear()
        return [target for target, _, _ in done]


def _backup(target: Path) -> Path:
    """A second name (hard link, else a copy) for the file ``target`` is about to replace, in its directory."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent)
    os.close(fd)
    backup = Path(name)
    try:
        backup.unlink()
        os.link(target, backup, follow_symlinks=False)
    except OSError:
        shutil.copy2(target, backup, follow_symlinks=False)
    return backup


def report_files(claims: Sequence[Claim], by_id: dict[str, Verdict], *, source: str) -> dict[str, str]:
    """The text of every file of the report: ``report.tex`` and ``snippets/<claim id>.tex``."""
    files = {f"snippets/{claim.id}.tex": claim_snippet(claim, by_id[claim.id], by_id) for claim in claims}
    return {"report.tex": report_tex(claims, by_id, source=source), **files}


def write_report(out_dir: str | Path, claims: Iterable[Claim], verdicts: Iterable[Verdict], *, source: str,
                 force: bool = False, pdf: bool = False) -> Path:
    """Write ``out_dir/report.tex`` and ``out_dir/snippets/<claim id>.tex`` (and, with ``pdf``, ``report.pdf``
    compiled by ``compile_report`` in a temporary copy); returns the path of report.tex.

    Everything is checked and rendered before anything is written: the output directory (an existing or creatable
    directory), the verdicts (one per claim) and, without ``force``, that none of these files exists. With ``force``
    only these files are replaced; other files in ``out_dir`` and ``out_dir/snippets`` stay. The files are written
    under temporary names and moved into place at the end (``StagedOutput``): a failure, including a LaTeX error
    with ``pdf``, leaves ``out_dir`` as it was.
    """
    from symbolic_vae._core.validation import output_directory

    for flag_name, value in (("force", force), ("pdf", pdf)):
        if not isinstance(value, bool):
            raise SymbolicVAEError(f"{flag_name}: expected True or False, got {type(value).__name__} {value!r}")
    claims = list(claims)
    not_claims = [type(c).__name__ for c in claims if not isinstance(c, Claim)]
    if not_claims:
        raise SymbolicVAEError(f"claims: expected Claim objects (symbolic_vae.get_claim), got {not_claims[0]}")
    if not claims:
        raise SymbolicVAEError("claims: expected at least one claim")
    ids = [c.id for c in claims]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise SymbolicVAEError(f"claims: {', '.join(repeated)} given more than once")
    by_id = {}
    for v in verdicts:
        if not isinstance(v, Verdict):
            raise SymbolicVAEError(f"verdicts: expected Verdict objects, got {type(v).__name__}")
        by_id[v.claim_id] = v
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise SymbolicVAEError(f"verdicts: no verdict for {', '.join(missing)}")
    names = ["report.tex", *(f"snippets/{i}.tex" for i in ids), *(["report.pdf"] if pdf else [])]
    out = output_directory("out_dir", out_dir, files=names, force=force, force_name=FORCE_HINT)
    if pdf and shutil.which("pdflatex") is None:
        raise SymbolicVAEError(f"pdf: pdflatex not found ({PDFLATEX_PACKAGES})")
    files = report_files(claims, by_id, source=source)
    with StagedOutput(out) as staged:
        for rel, text in files.items():
            staged.write_text(rel, text)
        if pdf:
            with tempfile.TemporaryDirectory(prefix="symbolic-vae-latex-") as tree:
                for rel, text in files.items():
                    (Path(tree) / rel).parent.mkdir(parents=True, exist_ok=True)
                    (Path(tree) / rel).write_text(text, encoding="utf-8")
                try:
                    result = compile_report(Path(tree) / "report.tex")
                except SymbolicVAEError as err:
                    raise SymbolicVAEError(str(err).replace(str(Path(tree) / "report.tex"), str(out / "report.tex"))
                                           .replace(tree, str(out))) from None
                staged.add_file("report.pdf", result.pdf)
        staged.commit()
    return out / "report.tex"


PDFLATEX_PACKAGES = "apt-get install texlive-latex-base texlive-latex-recommended"
FORCE_HINT = "force=True (--force on the command line)"


@dataclass(frozen=True)
class CompileResult:
    """The outcome of compiling a report: the PDF, and the problems found in the last log."""

    pdf: Path
    log: str
    undefined_references: tuple[str, ...]


def compile_report(tex: str | Path, *, runs: int = 2, timeout: float = 300) -> CompileResult:
    """Run ``pdflatex -interaction=nonstopmode -halt-on-error`` ``runs`` times in the report's directory; raise
    SymbolicVAEError with the log's first error if a run fails or a reference stays undefined."""
    tex = Path(tex)
    exe = shutil.which("pdflatex")
    if exe is None:
        raise SymbolicVAEError(f"pdflatex: not found ({PDFLATEX_PACKAGES})")
    log = ""
    for _ in range(runs):
        try:
            proc = subprocess.run([exe, "-interaction=nonstopmode", "-halt-on-error", tex.name], cwd=tex.parent,
                                  capture_output=True, text=True, errors="replace", timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise SymbolicVAEError(f"pdflatex: no result on {tex} after {timeout:g} s") from None
        except OSError as err:
            raise SymbolicVAEError(f"pdflatex: cannot run {exe} ({err.strerror or err})") from None
        log_path = tex.with_suffix(".log")
        log = log_path.read_text(errors="replace") if log_path.exists() else proc.stdout
        if proc.returncode != 0:
            errors = [ln for ln in log.splitlines() if ln.startswith("!")]
            at = log.find(errors[0]) if errors else max(0, len(log) - 1500)
            raise SymbolicVAEError(f"pdflatex failed on {tex}: {log[at:at + 1500]}")
    undefined = tuple(sorted(set(re.findall(r"Reference `([^']+)' on page \d+ undefined", log))))
    if undefined or "There were undefined references" in log:
        raise SymbolicVAEError(f"pdflatex: undefined references in {tex}: {', '.join(undefined) or '(see log)'}")
    return CompileResult(tex.with_suffix(".pdf"), log, undefined)


# ----------------------------------------------------------------------------------------------------------------
# Notebook views: Markdown with MathJax math, for the derivation notebooks
# ----------------------------------------------------------------------------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#$~])")
_HTML_COLOUR = {Status.PROVED: "#1B7837", Status.PROVED_AT_SIZES: "#1B7837", Status.CHECKED: "#2166AC",
                Status.REFUTED: "#B2182B", Status.INCONCLUSIVE: "#6F6F6F"}
EVIDENCE_KEYS = ("instances", "points", "cases", "datasets", "sizes", "size", "regions_proved", "starts", "samples",
                 "worst_residual", "worst_gap", "worst_value_gap", "worst_excess", "tolerance", "dps", "seed")


def md_escape(text: Any) -> str:
    """Plain text -> Markdown that renders literally (no emphasis, no math)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def md_math(obj: Any) -> str:
    """``obj`` as display math for MathJax: one ``$$`` block per item, long items broken into aligned lines."""
    blocks = []
    for lines in math_lines(obj):
        if len(lines) == 1:
            blocks.append(f"$$\n{lines[0][1]}\n$$")
        else:
            body = " \\\\\n".join("&" + "\\quad " * indent + text for indent, text in lines)
            blocks.append(f"$$\n\\begin{{aligned}}\n{body}\n\\end{{aligned}}\n$$")
    return "\n\n".join(blocks)


def md_status(status: Status) -> str:
    return f"<b style='color:{_HTML_COLOUR[status]}'>{status.value}</b>"


def evidence_rows(checks: Sequence[CheckResult], labels: Sequence[str]) -> str:
    """A Markdown table of the numeric evidence of ``checks``: one row per check, the informative detail columns."""
    keys = [k for k in EVIDENCE_KEYS if any(k in c.details for c in checks)][:6]
    head = "| | verdict | method | " + " | ".join(md_escape(k) for k in keys) + " |"
    rule = "|---|---|---|" + "---|" * len(keys)
    rows = [f"| {md_escape(lab)} | {md_status(c.status)} | {md_escape(c.method)} | "
            + " | ".join(md_escape(_format_value(c.details[k], 40)) if k in c.details else "" for k in keys) + " |"
            for lab, c in zip(labels, checks, strict=True)]
    return "\n".join([head, rule, *rows])


@dataclass(frozen=True, repr=False)
class ClaimView:
    """A claim with its verdict, rendered in a notebook: statement, every step with its check, the verdict, the
    negative control, the numeric evidence, the counterexample and the link to the correction."""

    claim: Claim
    verdict: Verdict
    known: dict[str, Verdict]

    def __repr__(self) -> str:
        return f"<claim {self.claim.id}: {self.verdict.status.value}>"

    def _repr_markdown_(self) -> str:
        c, v = self.claim, self.verdict
        out = [f"#### `{c.id}` ({md_escape(c.ref.short())})", f"*{md_escape(c.title)}*", md_math(c.statement)]
        if c.assumptions:
            out.append("**Assumptions:** " + "; ".join(md_escape(a) for a in c.assumptions))
        if c.printed:
            out.append(f"**As printed:** {md_escape(c.printed)}")
        steps = ["**Derivation steps**", ""]
        for i, step in enumerate(c.steps):
            if i < len(v.checks):
                check = v.checks[i]
                result = f"{md_status(check.status)} ({md_escape(check.method)}): {md_escape(check.summary)}"
            else:
                result = "*not run: an earlier step refuted the claim*"
            steps.append(f"{i + 1}. {md_escape(step.description)}: {result}")
            if step.lhs is not None and step.rhs is not None:
                eq = (sp.Eq(step.lhs, step.rhs, evaluate=False)
                      if isinstance(step.lhs, sp.Expr) and isinstance(step.rhs, sp.Expr) else (step.lhs, step.rhs))
                steps.append("\n" + md_math(eq).replace("\n", "\n   ") + "\n")
        out.append("\n".join(steps))
        out.append(f"**Verdict:** {md_status(v.status)} by {md_escape(v.method)}: {md_escape(v.summary)}")
        if v.control is not None:
            state = "refuted, as it must be" if v.control_refuted else "<b>NOT refuted</b>"
            out.append(f"**Negative control** ({md_escape(c.control.perturbation)}): {state}; "
                       f"{md_escape(v.control.summary)}")
        labels = [f"step {i + 1}" for i in range(min(len(c.steps), len(v.checks)))]
        labels += ["extra"] * (len(v.checks) - len(labels))
        checks = [*v.checks, *([v.control] if v.control is not None else [])]
        out.append("**Numeric evidence**\n\n" + evidence_rows(checks, [*labels, "control"][:len(checks)]))
        cx = v.counterexample
        if cx is not None:
            rows = [f"| {md_escape(k)} | `{_format_value(val, 120)}` |" for k, val in cx.instance.items()]
            rows += [f"| **left side** | `{cx.lhs}` |", f"| **right side** | `{cx.rhs}` |"]
            out.append(f"**Counterexample** (both sides at {cx.dps} digits)" + (f": {md_escape(cx.note)}" if cx.note
                       else "") + "\n\n| | value |\n|---|---|\n" + "\n".join(rows))
        if c.corrected and v.status is Status.REFUTED:
            fix = self.known.get(c.corrected)
            out.append(f"**Corrected by** `{c.corrected}`" + (f" ({md_status(fix.status)})" if fix else ""))
        if c.corrects:
            out.append(f"**Corrects** `{c.corrects}`")
        return "\n\n".join(out)


def module_claims(section: str) -> list[Claim]:
    """The claims of one section (a name of ``SECTIONS``, e.g. ``"elbo"``), in ledger order."""
    return list(section_claims(section))


class NotebookLedger:
    """Runs the claims a notebook shows and renders them; ``summary()`` lists what the notebook covers.

    ``sections`` are the derivation sections of the notebook (names of ``SECTIONS``, e.g. ``"elbo"``): their claims
    that were not run are listed too."""

    def __init__(self, *sections: str) -> None:
        for section in sections:
            section_claims(section)  # an unknown name is an error here, not when the summary is shown
        self.sections = sections
        self.verdicts: dict[str, Verdict] = {}

    def __call__(self, claim_id: str) -> ClaimView:
        """Check ``claim_id`` (statement, every step, negative control) and return its view. The verdict is the
        process-wide one of the kernels, so kernels built from it afterwards cost nothing more."""
        from symbolic_vae._report.registry import claim_verdict, get_claim

        claim = get_claim(claim_id)
        self.verdicts[claim_id] = claim_verdict(claim_id)
        return ClaimView(claim, self.verdicts[claim_id], self.verdicts)

    def summary(self) -> LedgerTable:
        others = [c for m in self.sections for c in module_claims(m) if c.id not in self.verdicts]
        return LedgerTable(dict(self.verdicts), tuple(others))


@dataclass(frozen=True, repr=False)
class LedgerTable:
    """The claims a notebook covers: a verdict row for each claim it ran, then the module's other claims."""

    verdicts: dict[str, Verdict]
    not_run: tuple[Claim, ...] = ()

    def __repr__(self) -> str:
        return "\n".join(f"{cid}: {v.status.value}" for cid, v in self.verdicts.items())

    def _repr_markdown_(self) -> str:
        from symbolic_vae._report.registry import get_claim

        rows = ["| claim | reference | verdict | method | negative control | corrected by |",
                "|---|---|---|---|---|---|"]
        for cid, v in self.verdicts.items():
            fix = ""
            if v.corrected_by:
                fv = self.verdicts.get(v.corrected_by)
                fix = f"`{v.corrected_by}`" + (f" ({md_status(fv.status)})" if fv else "")
            rows.append(f"| `{cid}` | {md_escape(get_claim(cid).ref.short())} | {md_status(v.status)} | "
                        f"{md_escape(v.method)} | {'refuted' if v.control_refuted else '<b>NOT refuted</b>'} | {fix} |")
        counts = ", ".join(f"{s.value}: {n}" for s in Status
                           if (n := sum(v.status is s for v in self.verdicts.values())))
        out = [f"**Claims covered here** ({len(self.verdicts)}; {counts})", "\n".join(rows)]
        if self.not_run:
            out.append("**Also in this derivation, not run here** (to keep the notebook fast; run them with "
                       "`symbolic-vae verify --claim ID`): " + ", ".join(f"`{c.id}`" for c in self.not_run))
        return "\n\n".join(out)
