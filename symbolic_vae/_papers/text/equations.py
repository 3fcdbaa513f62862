"""Numbered displayed equations of the papers: extraction from their plain text, the shipped data file, and parsing
with SymPy's LaTeX parser after rewriting the papers' macros by a declared table (``MACROS``)."""

from __future__ import annotations

import functools
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

from sympy import Eq, Ge, Gt, Le, Lt
from sympy.core.relational import Relational
from sympy.logic.boolalg import BooleanAtom

from symbolic_vae._core.errors import fail

WZ_FILE = "wang_ziyin_2022_posterior_collapse_linear_lvm.txt"
LUCAS_FILE = "lucas_2019_dont_blame_the_elbo_poster.txt"
DATA_FILES = {"wz2022": "wz2022_equations.json", "lucas2019": "lucas2019_equations.json"}
PARSER_BACKEND = "antlr"
"""SymPy's ANTLR LaTeX backend: it parses 95 of the 121 equations (92 of WZ22's 117, 3 of the poster's 4) after
MACROS; the lark backend parsed none."""

_DISPLAY = re.compile(r"\$\$(.*?)\$\$", re.S)
_TAG = re.compile(r"(?:\\quad\s*\((\d+)\)|\\tag\{(\d+)\})\s*$")
_SECTION = re.compile(r"^(?:([1-6](?:\.\d)?) [A-Z][A-Za-z].*|([A-E](?:\.\d)?) [A-Z].*)$")


def _section_name(line: str) -> str | None:
    match = _SECTION.match(line.strip())
    if not match or len(line) > 80:
        return None
    number = match.group(1) or match.group(2)
    return ("App. " if number[0].isalpha() else "Sec. ") + number


def extract_wz2022(text: str) -> list[dict[str, Any]]:
    """Every displayed ``$$ ... $$`` block of the WZ22 text that ends in a tag ``\\quad (n)`` or ``\\tag{n}``, in
    order: number, section (the last heading before it) and LaTeX source (without the tag)."""
    sections = [(m.start(), _section_name(m.group(0))) for m in re.finditer(r"^.*$", text, re.M)]
    sections = [(pos, name) for pos, name in sections if name]
    out = []
    for match in _DISPLAY.finditer(text):
        body = match.group(1).strip()
        tag = _TAG.search(body)
        if not tag:
            continue
        section = max(((p, n) for p, n in sections if p < match.start()), default=(0, ""))[1]
        latex = body[:tag.start()].strip().rstrip(",.;").strip()
        out.append({"number": tag.group(1) or tag.group(2), "section": section, "latex": latex})
    return out


LUCAS_TRANSCRIPTION = {
    "1": ("pPCA", [r"p(z) = \mathcal{N}(0, I)", r"p(x|z) = \mathcal{N}(W z + \mu, \sigma^2 I)"]),
    "2": ("Linear VAE", [r"p(x|z) = \mathcal{N}(W z + \mu, \sigma^2 I)",
                         r"q(z|x) = \mathcal{N}(V(x - \mu), D)"]),
    "3": ("Linear VAE", [r"L := \mathbb{E}_{q(z|x)}[\log p(x|z)] - D_{KL}(q(z|x)||p(z))"]),
    "4": ("pPCA stationary points", [r"\sigma^2_{MLE} = \frac{1}{n-k} \sum_{j=k+1}^{n} \lambda_j",
                                     r"W_{MLE} = U_k(\Lambda_k - \sigma^2_{MLE} I)^{1/2} R"]),
}
"""The Lucas poster's numbered formulas: its text is a PDF conversion without LaTeX, so each formula is transcribed
here (number -> section, LaTeX); ``extract_lucas2019`` checks that each number is printed in the text."""


def extract_lucas2019(text: str) -> list[dict[str, Any]]:
    """The poster's numbered formulas (1)-(n), from LUCAS_TRANSCRIPTION, each only if its tag ``(n)`` is printed."""
    printed = set(re.findall(r"\((\d)\)\s*$", text, re.M)) | set(re.findall(r"\s\((\d)\)\n", text))
    return [{"number": n, "section": sec, "latex": r" \\ ".join(forms), "transcribed": True}
            for n, (sec, forms) in LUCAS_TRANSCRIPTION.items() if n in printed]


EXTRACTORS = {"wz2022": (WZ_FILE, extract_wz2022), "lucas2019": (LUCAS_FILE, extract_lucas2019)}


def extract(paper: str, papers_dir: str | Path) -> list[dict[str, Any]]:
    """The numbered equations of ``paper`` read from its text file in ``papers_dir``."""
    if paper not in EXTRACTORS:
        raise fail("paper", f"unknown paper {paper!r}; known: {', '.join(EXTRACTORS)}")
    name, extractor = EXTRACTORS[paper]
    found = extractor((Path(papers_dir) / name).read_text(encoding="utf-8"))
    return continued([{**e, **parse_equation(e["latex"])} for e in found])


def continued(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` with each continuation line (an equation whose LaTeX opens with ``=``) parsed as the relation it
    continues: the first side of the chain's head (the last equation before it that does not open with ``=``) equal
    to its right side; "continues" names the head."""
    import sympy as sp

    out, head = [], None
    for row in rows:
        if not row["latex"].lstrip().startswith("="):
            head = row
            out.append(row)
            continue
        row = {**row, "continues": head["number"] if head else ""}
        if head and head["parsed"] and row["parsed"]:
            with sp.evaluate(False):
                first = _first_side(eval(head["sympy"], dict(vars(sp))))  # noqa: S307 - the package's own srepr
                parts = _parts(eval(row["sympy"], dict(vars(sp))))  # noqa: S307
            if first is not None and not any(isinstance(p, (Relational, BooleanAtom)) for p in parts):
                joined = [sp.Eq(first, p, evaluate=False) for p in parts]
                row["sympy"] = sp.srepr(joined[0] if len(joined) == 1 else sp.Tuple(*joined), order="none")
        out.append(row)
    return out


def _parts(expr: Any) -> tuple[Any, ...]:
    import sympy as sp

    return tuple(expr.args) if isinstance(expr, sp.Tuple) else (expr,)


def _first_side(expr: Any) -> Any:
    """The left side of an equation's (first) relation, or the expression itself when it holds none."""
    first = _parts(expr)[0]
    if isinstance(first, BooleanAtom):
        return None
    return first.lhs if isinstance(first, Relational) else first


def shipped_rows(paper: str, files: dict[str, str], key: str) -> tuple[dict[str, Any], ...]:
    """The rows under ``key`` of ``paper``'s package data file in ``files`` (paper -> file name of this package)."""
    if paper not in files:
        raise fail("paper", f"unknown paper {paper!r}; known: {', '.join(files)}")
    text = resources.files(__package__).joinpath(files[paper]).read_text(encoding="utf-8")
    return tuple(json.loads(text)[key])


@functools.cache
def equations(paper: str) -> tuple[dict[str, Any], ...]:
    """The shipped numbered equations of ``paper`` (the package data file)."""
    return shipped_rows(paper, DATA_FILES, "equations")


def write_data(papers_dir: str | Path) -> None:
    """Regenerate the shipped data files from the papers' text."""
    here = Path(__file__).parent
    for paper, name in DATA_FILES.items():
        data = {"paper": paper, "source": EXTRACTORS[paper][0], "equations": extract(paper, papers_dir)}
        (here / name).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def numbering(paper: str) -> dict[str, list[str]]:
    """Numbers missing from 1..max and numbers printed more than once."""
    numbers = [int(e["number"]) for e in equations(paper)]
    top = max(numbers, default=0)
    return {"missing": [str(n) for n in range(1, top + 1) if n not in numbers],
            "duplicated": sorted({str(n) for n in numbers if numbers.count(n) > 1}, key=int)}


MACROS: tuple[tuple[str, Any], ...] = (
    (r"\\underbrace\{((?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)\}_\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}", r"\1"),
    (r"L_\{\\text\{VAE\}\}\^\{\\text\{(DDV|LDV)\}\}", r"L_{VAE\1}"),
    (r"\\text\{(enc|dec|VAE|DDV|LDV|max|MLE)\}", r"\1"),
    (r"\\text\{Tr\}", "T_{r}"),
    (r"\\text\{diag\}", "D_{g}"),
    (r"\\mathbb\{E\}_\{([^{},]*),\s*([^{},]*)\}", r"\\mathbb{E}_{\1\2}"),
    (r"\\mathbb\{E\}_\{([^{}]*)\}", r"E_{\1}"),
    (r"\\mathbb\{E\}_(\\?\w+)", r"E_{\1}"),
    (r"\\mathbb\{E\}", "E"),
    (r"\\mathbb\{1\}_\{((?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)\}", r"I_{1}(\1)"),
    (r"\\\|([^|]*?)\\\|_F\^2", r"N_{F}(\1)"),
    (r"\\\|([^|]*?)\\\|(?:_2)?\^2", r"N_{2}(\1)"),
    (r"\\sigma_(\w|\{\w\})\^2\((x[^()]*)\)", r"{\\sigma_\1(\2)}^2"),
    (r"\\left(?![a-zA-Z])|\\right(?![a-zA-Z])|\\bigg|\\Big|\\big", ""),
    (r"\\top", "T"),
    (r",\s*[a-z]\s*=\s*1\s*,\s*\\dots\s*,.*$", ""),
    (r"t_i\^\{\((\d)\)\}", r"t_{i\1}"),
    (r"s_([+-])(?![\w{])", lambda m: "s_{u}" if m.group(1) == "+" else "s_{l}"),
    (r"(\\[A-Za-z]+_\w|\\[A-Za-z]+_\{[^{}]*\}|[A-Za-z]_\w|[A-Za-z]_\{[^{}]*\})\^\{\*(\d)\}", r"{\1^{\\ast}}^{\2}"),
    (r"\\hat\{d\}\^(\*|\{\*\})", "D_{s}"),
    (r"\\hat\{d\}_(1|\{1\})", "D_{1}"),
    (r"(?<![\\\w])d\^(\*|\{\*\})", "d_{s}"),
    (r"\^(\*|\{\*\})", r"^{\\ast}"),
    (r"\\quad|\\,|\\;|\\!", " "),
    (r"\[", "("),
    (r"\]", ")"),
    (r"\\max(?!\s*\()", r"\\operatorname{Max}"),
    (r"\\min(?!\s*\()", r"\\operatorname{Min}"),
)
"""The papers' macros rewritten before parsing (regex -> replacement, applied in order): ``\\text{enc}`` and
``\\text{dec}`` become plain subscript names, ``\\mathbb{E}_x`` an ``E_{x}`` symbol (a subscript ``x, \\epsilon``
without its comma), ``\\text{Tr}``, ``\\text{diag}``, ``\\|.\\|_F^2``, ``\\|.\\|^2`` and the indicator
``\\mathbb{1}_{f}`` the functions of PARSED_FUNCTIONS (a subscripted letter before parentheses is what the parser
reads as a function), a subscripted ``\\max_i`` / ``\\min_x`` function names (``\\max(`` is left to the parser,
which reads the function max), ``\\underbrace{x}_{label}`` its argument, ``\\sigma_i^2(x)`` the square of the
function ``\\sigma_i(x)``, ``\\top`` a T superscript, a trailing index range ``, i = 1, \\dots, d_1`` dropped,
the labels ``t_i^{(k)}`` the names t_{ik}, the interval ends ``s_+`` / ``s_-`` the names s_{u} / s_{l},
``x_i^{*2}`` the square of ``x_i^{\\ast}``, ``\\hat{d}^*``, ``\\hat{d}_1`` and ``d^*`` the names D_{s}, D_{1},
d_{s}, any other star superscript ``^{\\ast}`` (the parser stops at a bare ``^*``), ``L_{VAE}^{DDV}`` the name
``L_{VAEDDV}``, square brackets parentheses (the parser stops at a bracket); sizing commands and spacing
vanish."""

PARSED_FUNCTIONS = {"T_{r}": "trace", "D_{g}": "diagonal matrix of its arguments",
                    "N_{F}": "squared Frobenius norm", "N_{2}": "squared Euclidean norm", "I_{1}": "indicator"}
"""The functions MACROS writes, by the name the parser gives them -> what they are."""

TEXT_ONLY = (r"\begin{cases}", r"\begin{aligned}", r"\arg \min", r"\Leftrightarrow", r"\sum_{pqrs}",
             r"\lim_", r"\partial^2")
"""Constructs SymPy's LaTeX grammar has no rule for: an equation holding one is recorded as not parsed, with it
named as the reason."""


def rewrite(latex: str) -> str:
    """``latex`` with the MACROS table applied."""
    for pattern, replacement in MACROS:
        latex = re.sub(pattern, replacement, latex)
    return _bracket_calls(latex)


def _bracket_calls(latex: str) -> str:
    """``T_{r}[...]`` (a function of PARSED_FUNCTIONS applied with square brackets) with parentheses instead, so
    that the parser reads an application."""
    for name in PARSED_FUNCTIONS:
        start = 0
        while (at := latex.find(name, start)) >= 0:
            open_at = at + len(name)
            while open_at < len(latex) and latex[open_at] == " ":
                open_at += 1
            start = open_at
            if open_at >= len(latex) or latex[open_at] != "[":
                continue
            depth = 0
            for close_at in range(open_at, len(latex)):
                depth += {"[": 1, "]": -1}.get(latex[close_at], 0)
                if depth == 0:
                    latex = latex[:open_at] + "(" + latex[open_at + 1:close_at] + ")" + latex[close_at + 1:]
                    break
    return latex


def parse_equation(latex: str) -> dict[str, Any]:
    """Parse one equation (each side of a leading ``=`` continuation dropped): {"parsed": bool, "sympy": srepr or
    None, "reason": why not}. The srepr keeps the parser's order of factors (``order="none"``): read back under
    ``sympy.evaluate(False)`` it is the parse as printed (U V^T, not V^T U), evaluated it is the same expression.
    The parse depends on the text (and SymPy's evaluate setting) alone, so each text is parsed once per process (a
    new dict is returned)."""
    from sympy.core.parameters import global_parameters

    return dict(_parse_equation(latex, bool(global_parameters.evaluate)))


@functools.lru_cache(maxsize=1024)
def _parse_equation(latex: str, evaluate: bool) -> dict[str, Any]:
    """The parse of ``parse_equation`` (``evaluate``, SymPy's setting the parse runs under, is part of the key)."""
    from sympy import srepr
    from sympy.parsing.latex import parse_latex

    blocker = next((c for c in TEXT_ONLY if c in latex), None)
    if blocker:
        return {"parsed": False, "sympy": None, "reason": f"unsupported construct {blocker}"}
    from sympy import Tuple

    exprs = []
    for part in split_parts(latex):
        text = rewrite(part).strip().removeprefix("=").strip()
        sides, relations = split_relations(text)
        try:
            parsed = [parse_latex(side, backend=PARSER_BACKEND) for side in sides]
        except Exception as err:  # noqa: BLE001 - the parser's own error types differ by backend
            return {"parsed": False, "sympy": None, "reason": f"parser error: {type(err).__name__}"}
        exprs += [RELATIONS[rel](left, right, evaluate=False)
                  for rel, left, right in zip(relations, parsed[:-1], parsed[1:], strict=True)] or parsed
    expr = exprs[0] if len(exprs) == 1 else Tuple(*exprs)
    return {"parsed": True, "sympy": srepr(expr, order="none"), "reason": ""}


_JOINS = re.compile(r"\s*[,;]?\s*\\quad\s*(?=[^\s(])|\s*\\\\\s*")


RELATIONS = {"=": Eq, ":=": Eq, "\\leq": Le, "\\le": Le, "\\geq": Ge, "\\ge": Ge, "<": Lt, ">": Gt}
"""The relation signs at which a chain ``a = b \\geq c`` is cut into its consecutive relations (a = b, b >= c)."""

_RELATION = re.compile(r":=|\\leq?(?![a-zA-Z])|\\geq?(?![a-zA-Z])|(?<![\\:])=|<|>")


def split_relations(text: str) -> tuple[list[str], list[str]]:
    """The sides of ``text`` and the relation signs between them, cut at the top level of braces and parentheses
    (a relation inside ``I_{1}(\\zeta > a)`` or a subscript is not cut); no sign gives one side."""
    sides, signs, start = [], [], 0
    for match in _RELATION.finditer(text):
        depth = sum({"{": 1, "}": -1, "(": 1, ")": -1}.get(c, 0) for c in text[:match.start()])
        if depth == 0:
            sides.append(text[start:match.start()].strip())
            signs.append(match.group(0))
            start = match.end()
    sides.append(text[start:].strip())
    if any(not side for side in sides):
        return [text], []
    return sides, signs


def split_parts(latex: str) -> list[str]:
    """The formulas of one display: parts joined by ``, \\quad`` (or ``\\quad`` alone, ``; \\quad``) or by
    a line break ``\\\\``, at the top level of braces and parentheses; a line that opens with an operator (``+``,
    ``=``, ...) goes on with the formula before it; a display of one formula is one part."""
    parts, depth, start = [], 0, 0
    for match in _JOINS.finditer(latex):
        depth = sum({"{": 1, "}": -1, "(": 1, ")": -1, "[": 1, "]": -1}.get(c, 0) for c in latex[:match.start()])
        if depth == 0 and latex[start:match.start()].strip():
            parts.append(latex[start:match.start()].strip())
            start = match.end()
    parts.append(latex[start:].strip())
    out: list[str] = []
    for part in (p for p in parts if p):
        if out and re.match(r"[-+=<>]|\\[lg]eq?(?![a-zA-Z])", part):  # a line that goes on with an operator
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return out


ACCOUNTING_FILES = {"wz2022": "wz2022_equation_accounting.json", "lucas2019": "lucas2019_equation_accounting.json"}


@functools.cache
def declared_accounting(paper: str) -> dict[str, dict[str, str]]:
    """The shipped accounting of ``paper``'s uncited equations: {"definitions": {n: model object},
    "not_a_claim": {n: reason}, "number_lost": {n: where the equation stands in the text, whose number the
    conversion of the paper lost}}."""
    if paper not in ACCOUNTING_FILES:
        raise fail("paper", f"unknown paper {paper!r}; known: {', '.join(ACCOUNTING_FILES)}")
    data = json.loads(resources.files(__package__).joinpath(ACCOUNTING_FILES[paper]).read_text(encoding="utf-8"))
    return {"definitions": data["definitions"], "not_a_claim": data["not_a_claim"],
            "number_lost": data.get("number_lost", {})}


def parse_tex(expr: Any) -> str:
    """The LaTeX of a parse (read under ``sympy.evaluate(False)``) in its printed order, for evidence markup: a
    parsed name with a Greek base and a braced subscript (``zeta_{i}``, ``eta_{c*de}``) printed with the Greek
    letter, the parser's ``tilde{x}`` names as ``\\tilde{x}``, a ``tilde`` it read as a factor as the word, and the
    star it reads as ``ast`` as ``*`` and the exponent ``T`` as ``\\top`` (the lints read both so)."""
    import sympy as sp
    from sympy.printing.latex import translate

    from symbolic_vae._core.notation import to_latex

    names = {}
    for symbol in getattr(expr, "free_symbols", ()):
        name = symbol.name
        if name == "tilde":
            names[symbol] = r"\mathrm{tilde}\,"
        elif name == "ast":  # X^* is read as X^{ast}
            names[symbol] = "*"
        elif name == "T":  # X^T is read as X to the power T, which the lints read as the transpose
            names[symbol] = r"\top"
        elif re.fullmatch(r"tilde\{\w+\}", name):
            names[symbol] = "\\" + name
        elif (m := re.fullmatch(r"([A-Za-z]+)_\{([^{}]*)\}('?)", name)) and translate(m[1]).startswith("\\"):
            names[symbol] = f"{translate(m[1])}_{{{m[2]}}}{m[3]}"
    return to_latex(sp.sympify(expr), order="none", symbol_names=names)
