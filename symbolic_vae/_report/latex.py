"""LaTeX report of the ledger: every claim with its statement, derivation steps, verdict and evidence, an evidence
matrix (claim x method), the errata summary and an errata section for the refuted claims; per claim a card (the
full record, which the report ``\\input``s) and a paste-ready snippet (the statement alone in a theorem-like
environment, with a proof sketch and an evidence footnote), both needing ``SNIPPET_PREAMBLE``.

Claim texts (titles, assumptions, steps, controls, references) are light LaTeX markup, printed by ``markup_tex``
as they are; evidence computed at run time goes through ``prose_tex``. What a claim is stays in
``_claim``/``_verdict`` and the triage in ``_report/errata``; this module only prints.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

import sympy as sp
from sympy.logic.boolalg import And, BooleanFunction, Equivalent, Implies, Or

from symbolic_vae._core.claim import PAPERS, Claim
from symbolic_vae._core.notation import has_markup, to_latex
from symbolic_vae._core.verdict import LATEX_SOURCE_KEYS, CheckResult, Counterexample, Status, Verdict
from symbolic_vae._papers.sections import SECTIONS, section_claims, section_title
from symbolic_vae._report.errata import SEVERITY_MEANINGS, Triage, grouped, root_cause, severity_counts
from symbolic_vae._report.printed_text import claim_outcomes, compare_printed

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


_CLAIM_ID = re.compile(r"(?<![\w.])(?:[a-z][a-z0-9]{2,}\.)+[A-Za-z0-9_]*[A-Za-z0-9]")


def _markup_prose(text: str) -> str:
    """The prose of a markup text: escaped, words whole; code in backticks (`lambda_star`) and claim ids in
    typewriter type, breakable after dots and underscores."""
    pieces = text.split("`")
    if len(pieces) % 2 == 0:
        pieces = [text]
    out = []
    for k, piece in enumerate(pieces):
        if k % 2:
            out.append(tex_id(piece))
            continue
        i = 0
        for match in _CLAIM_ID.finditer(piece):
            out.append(tex_escape(piece[i:match.start()]) + tex_id(match[0]))
            i = match.end()
        out.append(tex_escape(piece[i:]))
    return "".join(out)


def _math_breaks(math: str) -> str:
    """A math span with break points after its top-level commas and between adjacent bracketed groups, where TeX
    would not break on its own (a long inline formula)."""
    out, depth = [], 0
    for k, ch in enumerate(math):
        out.append(ch)
        depth += (ch == "{") - (ch == "}")
        if depth == 0 and (ch == "," or (ch in ")]" and math[k + 1:k + 2] in ("(", "["))) and math[k - 1:k] != "\\":
            out.append(r"\allowbreak{}")
    return "".join(out)


def markup_tex(text: str) -> str:
    """Prose with light LaTeX markup -> LaTeX: each ``$...$`` span kept as math, code in backticks typewriter, the
    text around them escaped with no break inside a word (an unbalanced ``$`` is text). Claim texts (titles,
    assumptions, steps, controls) are written in this markup."""
    parts = str(text).split("$")
    if len(parts) % 2 == 0:
        return _markup_prose(str(text))
    return "".join(f"${_math_breaks(part)}$" if k % 2 else _markup_prose(part) for k, part in enumerate(parts))


def tex_id(claim_id: str) -> str:
    """A claim id in typewriter type, breakable after dots and underscores."""
    return r"\texttt{" + tex_escape(claim_id).replace(".", r".\allowbreak{}").replace(r"\_", r"\_\allowbreak{}") + "}"


def _breakable(text: str, every: int = 10) -> str:
    """Escaped text with break points after punctuation and operators and inside long runs without spaces (every
    ``every`` characters, but only after a character that is not a letter: words stay whole, hyphenation breaks
    them)."""
    out, run = [], 0
    for ch in str(text):
        out.append(tex_escape(ch))
        run = 0 if ch.isspace() else run + 1
        if run and (ch in ",;*/=+)]" or (run >= every and not ch.isalpha()) or run >= 3 * every):
            out.append(r"\allowbreak{}")
            run = 0
    return "".join(out)


# ----------------------------------------------------------------------------------------------------------------
# Computed evidence (check summaries, methods, details, notes): text written at run time, where ASCII math
# (zeta_i^2, sqrt(beta) eta_dec, hat d_1, ||Z||_F^2) is typeset as math. Claim texts are markup (markup_tex).
# ----------------------------------------------------------------------------------------------------------------
_GREEK_NAMES = "|".join(sorted(_GREEK | {"Sigma", "Lambda", "Gamma", "Theta", "Phi", "Delta", "Omega", "Pi", "Psi"},
                               key=len, reverse=True))
_GREEK_WORD = re.compile(rf"(?<![A-Za-z\\])({_GREEK_NAMES})(?![A-Za-z])")
_FUNCTIONS = {"sqrt": r"\sqrt", "log": r"\log", "exp": r"\exp", "max": r"\max", "min": r"\min", "sum": r"\sum",
              "prod": r"\prod", "det": r"\det", "Tr": r"\mathrm{Tr}", "diag": r"\mathrm{diag}",
              "rank": r"\mathrm{rank}", "argmin": r"\operatorname{arg\,min}", "oo": r"\infty"}
_FUNCTION_WORD = re.compile(r"(?<![A-Za-z\\])(" + "|".join(sorted(_FUNCTIONS, key=len, reverse=True))
                            + r")(?![A-Za-z])")
_RELATIONS = (("<=>", r"\Leftrightarrow "), ("<=", r"\leq "), (">=", r"\geq "), ("!=", r"\neq "),
              ("->", r"\to "), ("=>", r"\Rightarrow "))
_TEXT_RELATIONS = (("<=>", "\u21d4"), ("<=", "\u2264"), (">=", "\u2265"), ("!=", "\u2260"), ("->", "\u2192"),
                   ("=>", "\u21d2"))
_OPERATORS = {"=", "<", ">", "<=", ">=", "!=", "+", "-", "/", "*", "<=>", "=>", "->", "~"}
_MATH_MARK = re.compile(r"[_^]|\*\*|\|\||sqrt\(|\bhat\{|(?<![A-Za-z])[dD][0-2](?![0-9A-Za-z])|"
                        r"^[A-Za-z]\*$|^oo$")
_DICT_REPR = re.compile(r"\{'[^'{}]*': [^,{}]+(?:, '[^'{}]*': [^,{}]+)*\}")
_IDENTIFIER = re.compile(r"^(?:[a-z][a-z0-9]{2,}\.)+[A-Za-z0-9_.*]*[A-Za-z0-9_*]$"  # a claim id
                         r"|^[A-Za-z]{2,}_[A-Za-z0-9_]*[A-Za-z0-9]$")  # a snake_case name


def _is_identifier(core: str) -> bool:
    """A claim id (``globalmin.prop2``) or a snake_case name (``worst_residual``): code, not math."""
    if not _IDENTIFIER.match(core):
        return False
    head = re.split(r"[._]", core)[0]
    return "." in core or not (_GREEK_WORD.fullmatch(head) or head in _FUNCTIONS or head in ("hat",))


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += (ch == "{") - (ch == "}")
        if depth < 0:
            return False
    return depth == 0


def _scripts_ok(tex: str) -> bool:
    """Whether no atom of the math ``tex`` carries two subscripts or two superscripts (a prime counts as one)."""
    def group(i: int) -> int:  # index past the group that opens at tex[i] == "{"
        depth = 0
        for j in range(i, len(tex)):
            depth += (tex[j] == "{") - (tex[j] == "}")
            if depth == 0:
                return j + 1
        return len(tex)

    def argument(i: int) -> tuple[str, int]:
        while i < len(tex) and tex[i] == " ":
            i += 1
        if i < len(tex) and tex[i] == "{":
            end = group(i)
            return tex[i + 1:end - 1], end
        match = re.match(r"\\[A-Za-z]+|.", tex[i:])
        return (match[0], i + len(match[0])) if match else ("", i)

    sub = sup = False
    i = 0
    while i < len(tex):
        ch = tex[i]
        if ch in "_^":
            if (sub if ch == "_" else sup):
                return False
            sub, sup = (True, sup) if ch == "_" else (sub, True)
            inner, i = argument(i + 1)
            if inner.strip() in ("", "_", "^", "'") or not _scripts_ok(inner):
                return False
            continue
        if ch == "'":
            if sup:
                return False
            sup = True
        elif ch == "{":
            end = group(i)
            if not _scripts_ok(tex[i + 1:end - 1]):
                return False
            sub = sup = False
            i = end
            continue
        elif ch != " ":
            sub = sup = False
            if ch == "\\":
                i += len(re.match(r"\\([A-Za-z]+|.)", tex[i:])[0])
                continue
        i += 1
    return True


def _sqrt(text: str) -> str:
    """``sqrt(x)`` -> ``sqrt{x}`` (balanced parentheses; an unclosed one is left as it is)."""
    out, i = [], 0
    while (k := text.find("sqrt(", i)) >= 0:
        depth, j = 0, k + 4
        while j < len(text):
            depth += (text[j] == "(") - (text[j] == ")")
            if depth == 0:
                break
            j += 1
        if j == len(text):
            break
        out.append(text[i:k] + "sqrt{" + _sqrt(text[k + 5:j]) + "}")
        i = j + 1
    return "".join(out) + text[i:]


def ascii_math(word: str) -> str | None:
    """One word of ASCII math (no spaces: ``zeta_i^2``, ``sqrt(beta)``, ``eta_dec/eta_enc``, ``hat{d}_1``,
    ``||Z||_F^2``, ``d2``) as LaTeX math, or None when it cannot be read safely (unbalanced braces, quotes)."""
    if not word or '"' in word or not _balanced(word):
        return None
    t = _sqrt(word.replace("**", "^"))
    t = re.sub(r"^([A-Za-z])_(\d+)_(\d+)$", r"\1_{\2,\3}", t)  # a matrix entry C_0_1
    t = re.sub(r"_([dD])([0-2])(?![0-9A-Za-z])", r"_{\1_\2}", t)
    t = re.sub(r"^([dD])([0-2])$", r"\1_\2", t)
    t = re.sub(r"(?<![A-Za-z])([dD])([0-2])(?![0-9A-Za-z])", r"\1_\2", t)
    t = re.sub(r"hat\{([A-Za-z])\}", r"\\hat{\1}", t)
    t = re.sub(r"_([A-Za-z]{2,})(?![A-Za-z({])",
               lambda m: "_{" + m[1] + "}" if _GREEK_WORD.fullmatch(m[1]) or m[1] in _FUNCTIONS
               else "_{\\mathrm{" + m[1] + "}}", t)
    t = re.sub(r"\^T(?![A-Za-z])", r"^{\\top}", t)
    t = re.sub(r"\^-(\d+|[A-Za-z])", r"^{-\1}", t)
    star = "\x00"  # a superscript star, kept apart from the '*' of a product until those are replaced
    t = re.sub(r"\^(\{[^{}]*\}|[A-Za-z0-9])\*", lambda m: "^{" + m[1].strip("{}") + star + "}", t)
    t = re.sub(r"(\S)\*\^(\{[^{}]*\}|[A-Za-z0-9])", lambda m: m[1] + "^{" + star + m[2].strip("{}") + "}", t)
    t = re.sub(r"(?<=[A-Za-z0-9}\]])\*", "^{" + star + "}", t)
    t = t.replace("*", r"\, ").replace(star, "*")
    for ascii_op, tex in _RELATIONS:
        t = t.replace(ascii_op, tex)
    parts = t.split("||")
    if len(parts) % 2 == 1 and len(parts) > 1:
        t = "".join(p + ("" if k == len(parts) - 1 else (r"\lVert " if k % 2 == 0 else r"\rVert "))
                    for k, p in enumerate(parts))
    t = t.replace("||", r"\| ")
    t = _FUNCTION_WORD.sub(lambda m: _FUNCTIONS[m[1]] + ("" if m[1] == "oo" else " "), t)
    t = _GREEK_WORD.sub(lambda m: "\\" + m[1] + " ", t)
    t = re.sub(r"([%#&$])", r"\\\1", t).replace("~", r"\sim ")
    t = re.sub(r" +([_^}),])", r"\1", t).replace(r"\sqrt {", r"\sqrt{").strip()
    t = re.sub(r"([_^])(\\[A-Za-z]+) ?", r"\1{\2}", t)  # a command as a script needs braces
    t = re.sub(r"([A-Za-z])'(_\{[^{}]*\}|_[A-Za-z0-9])?\^", r"{\1'\2}^", t)  # a prime is a superscript already
    if not _balanced(t) or not _scripts_ok(t):
        return None
    return t


def _word_kind(core: str) -> tuple[str, str]:
    """(kind, LaTeX) of one word: ``math`` (ASCII math), ``weak`` (a number, a single letter, ``sum``: math only
    next to math), ``op`` (a relation or operator), ``code`` (an identifier) or ``text``."""
    if core in _OPERATORS:
        return "op", dict(_RELATIONS).get(core, core).strip()
    if _is_identifier(core):
        return "code", r"\texttt{" + tex_escape(core).replace(r"\_", r"\_\allowbreak{}") + "}"
    strong = _MATH_MARK.search(core) or _GREEK_WORD.search(core)
    weak = re.fullmatch(r"[-+]?\d+(/\d+|\.\d+)?|[A-Za-z]'?(\([^()\s]*\))?|sum|prod|log|max|min|oo", core)
    if strong or weak:
        tex = ascii_math(core)
        if tex is not None:
            return ("math" if strong else "weak"), tex
    if re.fullmatch(r"[A-Za-z]+(_[A-Za-z0-9]+){2,}", core):  # a name such as lambda_fixed_sigma
        return "code", r"\texttt{" + tex_escape(core).replace(r"\_", r"\_\allowbreak{}") + "}"
    return "text", core


def _text_tex(text: str) -> str:
    for ascii_op, symbol in _TEXT_RELATIONS:
        text = text.replace(ascii_op, symbol)
    return _breakable(text)


def prose_tex(text: Any) -> str:
    """Computed evidence text -> LaTeX text: ``$...$`` spans kept as math; elsewhere words of ASCII math (``zeta_i^2``,
    ``sqrt(beta) eta_dec``, ``hat d_1``) become inline math, joined across operators and the numbers and single
    letters next to them (``zeta_i <= sqrt(beta) eta_dec``), identifiers (claim ids, snake_case names)
    typewriter, and the rest escaped with break points."""
    text = str(text)
    if has_markup(text):
        return "".join(f"${part}$" if k % 2 else prose_tex(part) for k, part in enumerate(text.split("$")))
    text = _DICT_REPR.sub(lambda m: ", ".join(f"{k} {v}" for k, v in re.findall(r"'([^']*)': ([^,{}]+)", m[0])),
                          text)  # a summary that embeds a dict: its counts in words
    text = re.sub(r"\bhat ([A-Za-z])(?![A-Za-z])", r"hat{\1}", text)
    tokens: list[tuple[str, str, str]] = []  # (kind, LaTeX, the word as written)
    for piece in re.split(r"(\s+)", text):
        if not piece or piece.isspace():
            tokens.append(("space", " ", piece))
            continue
        lead = re.match(r"^['`]*", piece)[0]
        trail = re.search(r"[,;:.'!?]*$", piece[len(lead):])[0]
        core = piece[len(lead):len(piece) - len(trail)]
        while core.endswith(")") and core.count(")") > core.count("("):
            core, trail = core[:-1], ")" + trail
        while core.startswith("(") and core.count("(") > core.count(")"):
            core, lead = core[1:], lead + "("
        while core.endswith("}") and core.count("}") > core.count("{"):
            core, trail = core[:-1], "}" + trail
        while re.match(r"#?\{", core) and core.count("{") > core.count("}"):
            cut = core.index("{") + 1
            core, lead = core[cut:], lead + core[:cut]
        kind, tex = _word_kind(core) if core else ("text", "")
        if lead:
            tokens.append(("text", lead, lead))
        tokens.append((kind, tex, core))
        if trail:
            tokens.append(("text", trail, trail))
    out: list[str] = []
    run: list[tuple[str, str, str]] = []
    tail: list[tuple[str, str, str]] = []

    def flush() -> None:
        while run and run[-1][0] in ("space", "op"):
            rest = run.pop()
            tail.insert(0, rest)
        while run and run[0][0] in ("space", "op"):
            out.append(_render([run.pop(0)]))
        if any(kind == "math" for kind, _, _ in run):
            out.append("$" + "".join(tex for _, tex, _ in run) + "$")
        else:
            out.append(_render(run))
        run.clear()
        out.append(_render(tail))
        tail.clear()

    for token in tokens:
        kind = token[0]
        if kind in ("math", "weak", "op") or (kind == "space" and run):
            run.append(token)
        else:
            flush()
            out.append(_render([token]))
    flush()
    return "".join(out)


def _render(tokens: list[tuple[str, str, str]]) -> str:
    """Tokens outside math: code as typeset, everything else as written (escaped, relations as symbols)."""
    return "".join(tex if kind == "code" else _text_tex(raw) for kind, tex, raw in tokens)


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
        return to_latex(obj)
    return r"\text{" + tex_escape(obj) + "}"


def _terms(expr: Any) -> list[str]:
    """Top-level additive pieces of ``expr``: the first as is, the others with their sign in front."""
    if not isinstance(expr, sp.Add) or len(expr.args) < 2:
        return [_latex(expr)]
    out = []
    for k, term in enumerate(expr.as_ordered_terms()):
        if term.could_extract_minus_sign():
            out.append(f"- {to_latex(-term)}")
        else:
            out.append(to_latex(term) if k == 0 else f"+ {to_latex(term)}")
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


def format_value(value: Any, limit: int = 70) -> str:
    """A detail's value as plain text, never a Python repr: floats to 4 digits, a sequence as its items joined by
    commas (a nested one as parenthesized tuples), a mapping as ``key value`` pairs; cut at ``limit``."""
    def plain(v: Any, nested: bool = False) -> str:
        if isinstance(v, float):
            return f"{v:.4g}"
        if isinstance(v, (list, tuple)):
            inner = ", ".join(plain(x, True) for x in v)
            return f"({inner})" if nested else (inner or "none")
        if isinstance(v, dict):
            inner = ", ".join(f"{k} {plain(x, True)}" for k, x in v.items())
            return f"({inner})" if nested else (inner or "none")
        return str(v)

    text = plain(value)
    if len(text) <= limit:
        return text
    cut = text[: limit - 3]
    if cut.count("$") % 2:  # never inside a math span of evidence markup
        cut = cut[: cut.rindex("$")].rstrip()
    return cut + "..."


def key_details(details: dict[str, Any], limit: int = 8) -> list[tuple[str, Any]]:
    """Up to ``limit`` details worth printing (key, value), scalars first; a mapping's entries become rows of their
    own (``starts: failed``)."""
    rows: list[tuple[str, Any]] = []
    for key, value in details.items():
        if isinstance(value, dict) and value and all(not isinstance(v, dict) for v in value.values()):
            rows.extend((f"{key}: {k}", v) for k, v in value.items())
        else:
            rows.append((str(key), value))
    rows.sort(key=lambda item: 0 if isinstance(item[1], (int, float, str, bool)) else 1)
    return rows[:limit]


def _matrix(value: Any) -> list[list[Any]] | None:
    """``value`` (a nested list, or its string, or a string such as ``[1 0; 0 1]``) as rows of a matrix, or None."""
    if isinstance(value, str) and re.fullmatch(r"\[[^\[\]]*;[^\[\]]*\]", value.strip()):  # [1 0; 0 1]
        value = [re.split(r"[\s,]+", row.strip()) for row in value.strip()[1:-1].split(";")]
    elif isinstance(value, str) and value.strip().startswith("[["):
        try:
            value = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError):
            return None
    if isinstance(value, (list, tuple)) and value and all(isinstance(r, (list, tuple)) and r and all(
            isinstance(x, (int, float, str)) for x in r) for r in value):
        return [list(r) for r in value]
    return None


def _detail_value(key: str, value: Any) -> str:
    """A detail's value: LaTeX source (a key of LATEX_SOURCE_KEYS) as written, a small matrix typeset, anything else
    as plain text with its math typeset."""
    if key in LATEX_SOURCE_KEYS:
        return _instance_value(value)
    rows = _matrix(value)
    if rows is not None and len(rows) <= 6 and all(len(r) <= 6 for r in rows):
        return _instance_value(rows)
    return prose_tex(format_value(value))


def _detail_key(key: str) -> str:
    """A detail's key in words: snake_case names spaced (``worst residual``), ASCII math typeset (``eta_dec``)."""
    words = [w.replace("_", " ") if _is_identifier(w.rstrip(":")) and "." not in w else w for w in key.split(" ")]
    return prose_tex(" ".join(words))


def details_table(details: dict[str, Any]) -> str:
    """The key details of a check as a small booktabs table (key, value), or '' when there are none."""
    items = key_details(details)
    if not items:
        return ""
    rows = "\n".join(f"{_detail_key(k)} & {_detail_value(k, v)} \\\\" for k, v in items)
    return ("\\par\\smallskip\\noindent{\\footnotesize\\begin{tabular}{@{}>{\\raggedright\\arraybackslash}"
            "p{0.3\\linewidth}>{\\raggedright\\arraybackslash}p{0.62\\linewidth}@{}}\n\\toprule\n" + rows
            + "\n\\bottomrule\n\\end{tabular}}\\par\n")


def _instance_value(value: Any) -> str:
    """A counterexample value: a matrix (a nested list, or its string) as a pmatrix scaled to fit, evidence markup
    typeset, anything else in typewriter type."""
    rows = _matrix(value)
    if rows is not None:
        body = r" \\ ".join(" & ".join(_number_math(x) for x in row) for row in rows)
        return "\\svline{0}{\\begin{pmatrix}" + body + "\\end{pmatrix}}"
    if has_markup(value):  # evidence markup (a lint finding)
        return prose_tex(value)
    return r"\texttt{" + _breakable(format_value(value, 400)) + "}"


def _number_math(x: Any) -> str:
    text = str(x).strip()
    match = re.fullmatch(r"(-?)(\d+)/(\d+)", text)
    if match:
        return rf"{match[1]}\tfrac{{{match[2]}}}{{{match[3]}}}"
    if re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", text):
        return text
    return ascii_math(text.replace(" ", "")) or r"\text{" + tex_escape(text) + "}"


def _number(text: str, digits: int = 30) -> str:
    """A high-precision number string shortened to ``digits`` significant characters; a side written in evidence
    markup (a shape, a scaling: ``$d_{1} \\times 1$``) typeset as such."""
    text = str(text).strip()
    if has_markup(text):
        return prose_tex(text)
    match = re.fullmatch(r"(-?)(\d+)\.(\d+)(e[-+]?\d+)?", text)
    if match and len(match[2]) + len(match[3]) > digits:
        keep = max(0, digits - len(match[2]))
        text = f"{match[1]}{match[2]}.{match[3][:keep]}\\ldots{{}}{match[4] or ''}"
        return r"\texttt{" + text + "}"
    return r"\texttt{" + _breakable(text) + "}"


def counterexample_tex(cx: Counterexample) -> str:
    """A table of the counterexample's instance and both sides."""
    rows = [f"{_detail_key(k)} & {_instance_value(v)} \\\\" for k, v in cx.instance.items()]
    rows.append(r"\midrule")
    rows.append(f"left side & {_number(cx.lhs)} \\\\")
    rows.append(f"right side & {_number(cx.rhs)} \\\\")
    note = f"\\par\\noindent{{\\footnotesize Note: {prose_tex(cx.note)}}}\n" if cx.note else ""
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


SNIPPET_PREAMBLE = (
    "% The preamble the symbolic-vae snippets (snippets/<claim id>.tex) and cards (cards/<claim id>.tex) need:\n"
    "% \\input{snippets/preamble.tex} after \\documentclass, or paste these lines into your preamble.\n"
    "\\usepackage{amsmath,amssymb,amsthm,graphicx,array,booktabs}\n" + SNIPPET_MACROS + r"""\makeatletter
\theoremstyle{plain}
\newtheorem*{sv@result}{\sv@resultname}
\newenvironment{svresult}[1]{\def\sv@resultname{#1}\begin{sv@result}}{\end{sv@result}}
\makeatother
% \renewcommand{\svsketch}[1]{} leaves the proof sketches out.
\providecommand{\svsketch}[1]{#1}
""")
"""``snippets/preamble.tex``: the packages and macros of every snippet and card."""


def result_name(claim: Claim, verdict: Verdict | None = None) -> str:
    """The name a snippet's environment carries, from the claim's paper reference: its numbered result (else its
    equations, else its section), marked "(corrected)" for a correction and "(as printed)" for a refuted claim,
    e.g. "Proposition 3 (corrected)"."""
    ref = claim.ref
    name = ref.result or ("Eq. " + ", ".join(ref.equations) if ref.equations else ref.section)
    name, corrected = re.subn(r",? ?corrected$", "", name.strip())
    if corrected or claim.corrects:
        name = f"{name} (corrected)" if name else "Correction"
    elif verdict is not None and verdict.status is Status.REFUTED:
        name = f"{name} (as printed)"
    return name


def _evidence_line(claim: Claim, verdict: Verdict) -> str:
    control = "refuted" if verdict.control_refuted else "NOT refuted"
    fix = f"; corrected by {tex_id(claim.corrected)}" if claim.corrected and verdict.status is Status.REFUTED else ""
    return (f"symbolic-vae claim {tex_id(claim.id)}: {tex_escape(verdict.status.value)} by "
            f"{prose_tex(verdict.method)}; negative control {control}{fix}.")


def claim_snippet(claim: Claim, verdict: Verdict, verdicts: dict[str, Verdict]) -> str:
    """The statement alone, paste-ready: a theorem-like ``svresult`` environment named after the claim's paper
    reference (``result_name``), its assumptions and its statement, a one-line evidence footnote, and the
    derivation steps as a proof sketch (``\\svsketch``). Needs ``snippets/preamble.tex``."""
    ref = claim.ref
    where = ", ".join([ref.section, *(["Eq. " + ", ".join(ref.equations)] if ref.equations else [])])
    out = [f"% symbolic-vae: claim {claim.id} ({claim.ref.short()}); needs snippets/preamble.tex\n",
           f"\\begin{{svresult}}{{{markup_tex(result_name(claim, verdict))}}}[{tex_escape(PAPERS[ref.paper][0])}"
           f"\\footnote{{{_evidence_line(claim, verdict)}}}]\n({markup_tex(where)}.)\n"]
    if claim.assumptions:
        out.append("Assume " + "; ".join(markup_tex(a) for a in claim.assumptions) + ". Then\n")
    out.append(math_block(claim.statement))
    out.append("\\end{svresult}\n")
    steps = "".join(f"\\item {markup_tex(step.description)}\n" for step in claim.steps)
    out.append("\\svsketch{\\begin{proof}[Proof sketch]\\leavevmode\n\\begin{enumerate}\n" + steps
               + "\\end{enumerate}\n\\end{proof}}\n")
    return "".join(out)


def claim_card(claim: Claim, verdict: Verdict, verdicts: dict[str, Verdict]) -> str:
    """The full card of one claim: title, statement, assumptions, derivation steps with the check of each,
    verdict, negative control, counterexample and links (needs ``snippets/preamble.tex``)."""
    known = set(verdicts)
    out = [f"% symbolic-vae: card of claim {claim.id} ({claim.ref.short()}); needs snippets/preamble.tex\n",
           SNIPPET_MACROS]
    out.append(f"\\noindent\\textit{{{markup_tex(claim.ref.short())}}}: {markup_tex(claim.title)}.\\par\\smallskip\n")
    out.append(math_block(claim.statement))
    if claim.assumptions:
        out.append("\\par\\smallskip\\noindent\\textbf{Assumptions.} "
                   + "; ".join(markup_tex(a) for a in claim.assumptions) + ".\n")
    if claim.printed:
        out.append(f"\\par\\noindent\\textbf{{As printed.}} {markup_tex(claim.printed)}\n")
    out.append("\\par\\smallskip\\noindent\\textbf{Derivation steps.}\n\\begin{enumerate}\n")
    for i, step in enumerate(claim.steps):
        out.append(f"\\item {markup_tex(step.description)}"
                   + (" \\emph{(corroborating)}" if step.corroborating else "") + "\n")
        if step.lhs is not None and step.rhs is not None:
            out.append(math_block(sp.Eq(step.lhs, step.rhs, evaluate=False)
                                  if isinstance(step.lhs, sp.Expr) and isinstance(step.rhs, sp.Expr)
                                  else (step.lhs, step.rhs)))
        if i < len(verdict.checks):
            check = verdict.checks[i]
            out.append(f"\\par\\noindent {status_tex(check.status)} ({prose_tex(check.method)}): "
                       f"{prose_tex(check.summary)}.\n{details_table(check.details)}")
        else:
            out.append("\\par\\noindent\\emph{not run (an earlier step refuted the claim)}\n")
    out.append("\\end{enumerate}\n")
    for check in verdict.checks[len(claim.steps):]:
        out.append(f"\\noindent {status_tex(check.status)} ({prose_tex(check.method)}): {prose_tex(check.summary)}"
                   "\\par\n")
    out.append(f"\\noindent\\textbf{{Verdict:}} {status_tex(verdict.status)} by {prose_tex(verdict.method)}. "
               f"{prose_tex(verdict.summary)}\\par\n")
    if verdict.control is not None:
        refuted = "refuted, as it must be" if verdict.control_refuted else "NOT refuted"
        out.append(f"\\noindent\\textbf{{Negative control}} ({markup_tex(claim.control.perturbation)}): {refuted}. "
                   f"{{\\footnotesize {prose_tex(verdict.control.summary)}}}\\par\n")
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


def printed_side_outcomes(claims: Sequence[Claim]) -> dict[str, str]:
    """Per claim citing an equation of a parsed paper: whether its statement matches the equation as parsed from the
    paper's text ("matches", "differs" or "not comparable", ``printed_text.claim_outcomes``)."""
    rows = [row for paper in PAPERS for row in compare_printed(paper, claims)]
    return {claim: found["outcome"] for claim, found in claim_outcomes(rows).items()}


_PARSE_MARK = {"matches": "\\textcolor{svpass}{\\svmark{=}}", "differs": "\\textcolor{svfail}{\\svmark{$\\neq$}}"}


def evidence_matrix(claims: Sequence[Claim], verdicts: dict[str, Verdict],
                    printed_side: dict[str, str] | None = None) -> str:
    """A longtable: one row per claim, one column per method family (mark of the strongest check in it), the
    negative control, and (``printed_side``, claim -> outcome of ``printed_side_outcomes``) whether the statement
    is confirmed by the equation parsed from the paper's text: = it matches, a crossed = it differs, blank not
    comparable."""
    heads = [h for h, _ in METHOD_FAMILIES]
    used = [h for h in heads if any(h in check_families(c) for v in verdicts.values() for c in v.checks)]
    parse = printed_side is not None
    cols = ("@{}>{\\raggedright\\arraybackslash}p{0.3\\linewidth}l" + "c" * len(used) + "c" + ("c" if parse else "")
            + "@{}")
    head_row = ("claim & verdict & " + " & ".join(f"\\rotatebox{{90}}{{{tex_escape(h)}}}" for h in used)
                + " & \\rotatebox{90}{neg.\\ control}" + (" & \\rotatebox{90}{printed side parsed}" if parse else "")
                + " \\\\")
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
        parsed = f" & {_PARSE_MARK.get(printed_side.get(claim.id, ''), '')}" if printed_side is not None else ""
        rows.append(f"\\hyperref[{label('claim', claim.id)}]{{{tex_id(claim.id)}}} & {status_tex(v.status)} & "
                    + " & ".join(cells) + f" & {control}{parsed} \\\\")
    return ("{\\small\\begin{longtable}{" + cols + "}\n\\toprule\n" + head_row + "\n\\midrule\n\\endhead\n"
            "\\bottomrule\n\\endfoot\n" + "\n".join(rows) + "\n\\end{longtable}}\n")


def _method_legend(verdicts: dict[str, Verdict]) -> str:
    by_family: dict[str, set[str]] = {}
    for v in verdicts.values():
        for c in v.checks:
            for part in split_methods(c.method):
                by_family.setdefault(method_family(part), set()).add(part)
    items = "".join(f"\\item[{tex_escape(h)}:] " + "; ".join(prose_tex(m) for m in sorted(by_family[h])) + "\n"
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
        ref = claim.ref.short()
        out.append(f"\\subsection{{\\texorpdfstring{{{markup_tex(ref)}}}{{{_pdf_string(ref)}}}}}"
                   f"\\label{{{label('erratum', claim.id)}}}\n")
        out.append(f"\\noindent Claim {_link(claim.id, known)}: {markup_tex(claim.title)}.\\par\\smallskip\n")
        out.append("\\noindent\\textbf{As printed:}\\par\n" + math_block(claim.statement))
        if claim.printed:
            out.append(f"\\par\\noindent\\textit{{What the paper prints:}} {markup_tex(claim.printed)}\\par\n")
        out.append(f"\\noindent\\textbf{{Refuted}} by {prose_tex(v.method)}: {prose_tex(v.summary)}\\par\n")
        if v.counterexample is not None:
            out.append(counterexample_tex(v.counterexample))
        fix_id = claim.corrected
        if fix_id is None:
            out.append("\\par\\noindent\\textbf{No corrected claim is linked.}\\par\n")
        elif fix_id in by_id and fix_id in verdicts:
            fix, fv = by_id[fix_id], verdicts[fix_id]
            out.append(f"\\par\\smallskip\\noindent\\textbf{{Corrected claim}} {_link(fix_id, known)}: "
                       f"{markup_tex(fix.title)}.\\par\n" + math_block(fix.statement)
                       + f"\\noindent Verdict of the correction: {status_tex(fv.status)} by {prose_tex(fv.method)}."
                       f" {prose_tex(fv.summary)}\\par\n")
        else:
            out.append(f"\\par\\noindent\\textbf{{Corrected claim}} {tex_id(fix_id)} (not in this report).\\par\n")
        out.append("\\medskip\n")
    return "".join(out) or "No claim was refuted.\n"


def errata_summary(triages: Sequence[Triage]) -> str:
    """The errata on one page, from the triage ``symbolic-vae errata`` prints: the counts by severity, then per
    root cause (most severe first) what the papers get wrong, the correction, and its claims by severity, each
    linked to its erratum."""
    if not triages:
        return "\\noindent No claim was refuted.\\par\n"
    counts = "; ".join(f"\\textbf{{{tex_escape(s)}}} {n} ({tex_escape(SEVERITY_MEANINGS.get(s, 'not triaged'))})"
                       for s, n in severity_counts(triages).items())
    computed = sum(t.computed for t in triages)
    out = [f"\\noindent {len(triages)} statements of the papers are false as printed; they come from "
           f"{len({t.root_cause for t in triages})} root causes. By severity: {counts}. A rule computed the "
           f"severity of {computed} ($^*$), the others are declared on the claim. Each erratum in "
           "Section~\\ref{sec:errata} has its counterexample and a corrected claim with a verdict of its own."
           "\\par\n\\enlargethispage{3\\baselineskip}\\setlength{\\leftmargini}{1.4em}\n"
           "\\begin{enumerate}\\setlength{\\itemsep}{0.5pt}\\setlength{\\parsep}{0pt}\\setlength{\\topsep}{2pt}\n"]
    for cause, members in grouped(triages):
        about = root_cause(cause)
        by_severity: dict[str, dict[str, list[str]]] = {}
        texts = [t.ref[len(t.section):].strip() if t.section and t.ref.startswith(t.section) else t.ref
                 for t in members]
        for t, rest in zip(members, texts, strict=True):
            name = t.title.split(":")[0]
            if texts.count(rest) > 1 and rest and name.startswith(rest) and len(name) <= 40:
                rest = name  # Table 1 -> Table 1, row 3
            link = (f"\\hyperref[{label('erratum', t.claim_id)}]{{{markup_tex(rest or t.ref)}}}"
                    + ("$^*$" if t.computed else ""))
            by_severity.setdefault(t.severity, {}).setdefault(t.section, []).append(link)
        claims = "; ".join(f"\\textit{{{tex_escape(s)}}}: " + "; ".join(
            f"{markup_tex(section)}: " + ", ".join(links) if section else ", ".join(links)
            for section, links in sections.items()) for s, sections in by_severity.items())
        out.append(f"\\item \\textbf{{{markup_tex(about.title)}.}} {markup_tex(about.wrong)}. "
                   f"\\emph{{Correction:}} {markup_tex(about.fix)}.\\\\\n{{\\scriptsize {claims}.}}\n")
    out.append("\\end{enumerate}\n")
    disagreements = [t for t in triages if t.disagreement]
    if disagreements:
        out.append("\\noindent{\\footnotesize Computed and declared severities disagree for " + "; ".join(
            f"{tex_id(t.claim_id)} ({prose_tex(t.disagreement)})" for t in disagreements) + ".}\\par\n")
    return "".join(out)


def report_tex(claims: Sequence[Claim], verdicts: dict[str, Verdict], *, source: str,
               triages: Sequence[Triage] = ()) -> str:
    """The standalone report, opening with the errata summary of ``triages``; the claims' cards are ``\\input``
    from ``cards/<claim id>.tex``."""
    counts = {s: sum(verdicts[c.id].status is s for c in claims) for s in Status}
    controls = sum(verdicts[c.id].control_refuted for c in claims)
    refuted = [c for c in claims if verdicts[c.id].status is Status.REFUTED]
    corrected_ok = sum(1 for c in refuted if c.corrected in verdicts and verdicts[c.corrected].status.passed)
    count_rows = "\n".join(f"{status_tex(s)} & {counts[s]} \\\\" for s in Status)
    out = [PREAMBLE, SNIPPET_MACROS, "\\begin{document}\n",  # a compact title, so that the errata fit on page 1
           "\\begin{center}{\\Large\\bfseries symbolic-vae: the ledger of claims on posterior collapse in linear "
           "latent variable models\\par}\\smallskip{\\small generated by \\texttt{symbolic-vae latex}\\par}"
           "\\end{center}\n"]
    out.append("\\section{What the papers get wrong}\\label{sec:summary}\n{\\footnotesize " + errata_summary(triages)
               + "}\n\\clearpage\n")
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
               "of the claim's checks in that method family (a refutation first); the last column says whether the "
               "statement equals the equation it cites as parsed from the paper's text (= it does, $\\neq$ it does "
               "not, blank: not comparable, e.g. a correction, or an equation the parser does not read; "
               "\\texttt{symbolic-vae coverage} gives the reasons). The families are listed in "
               "Appendix~\\ref{sec:methods}; the errata are in Section~\\ref{sec:errata}.\\par\n")
    out.append("\\section{Evidence matrix}\\label{sec:matrix}\n"
               + evidence_matrix(claims, verdicts, printed_side_outcomes(claims)))
    titles = _section_titles()
    current = None
    out.append("\\clearpage\n")
    for claim in claims:
        section = titles.get(claim.id, "Other claims")
        if section != current:
            out.append(f"\\section{{\\texorpdfstring{{{markup_tex(section)}}}{{{_pdf_string(section)}}}}}\n")
            current = section
        out.append(f"\\subsection{{\\texorpdfstring{{{tex_id(claim.id)}}}{{{tex_escape(claim.id)}}}}}"
                   f"\\label{{{label('claim', claim.id)}}}\n\\input{{cards/{claim.id}.tex}}\n\\medskip\n")
    out.append("\\clearpage\n\\section{Errata}\\label{sec:errata}\n" + errata(claims, verdicts))
    out.append("\\appendix\n\\section{Method families}\\label{sec:methods}\n" + _method_legend(verdicts))
    papers = "".join(f"\\item[{tex_escape(short)}] {tex_escape(full)}\n" for short, full in PAPERS.values())
    out.append("\\section{Papers}\n\\begin{description}\n" + papers + "\\end{description}\n")
    out.append("\\end{document}\n")
    return "".join(out)
