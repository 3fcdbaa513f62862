"""How symbols print in LaTeX: one place that knows each symbol's typeset name.

A symbol whose name is already LaTeX (it holds a backslash, a space, a parenthesis or a prime, e.g.
``m(\\zeta^2, s)``) prints as written: SymPy's own printer would split it at ``_`` and ``^`` and mangle it. Other
names SymPy prints well (``d_1``, ``U^*``), except those listed in ``LATEX_NAMES`` (``eta_dec``, ``zeta2``, ...),
whose typeset form is given there. ``to_latex`` is the printer the report uses.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import sympy as sp
from sympy.printing.latex import LatexPrinter

LATEX_NAMES: dict[str, str] = {
    "eta_dec": r"\eta_{\mathrm{dec}}",
    "eta_enc": r"\eta_{\mathrm{enc}}",
    "zeta2": r"\zeta^{2}",
    "sigma2": r"\sigma^{2}",
    "zeta_p2": r"\zeta_{p}^{2}",
    "sum/d2": r"\textstyle\sum / d_2",
}
"""Symbol name -> its LaTeX, for the names SymPy's printer gets wrong (a trailing digit is not a subscript here)."""


_WRITTEN_AS_LATEX = ("\\", " ", "(", "'")
"""A name holding one of these is a formula written in LaTeX (``s_p^2 G'(s_p)``), not a symbol's name."""


def latex_name(symbol: sp.Symbol) -> str | None:
    """The LaTeX of ``symbol`` when it is not SymPy's default: its name as written if it is LaTeX already, or its
    entry of LATEX_NAMES; None otherwise."""
    if symbol.name in LATEX_NAMES:
        return LATEX_NAMES[symbol.name]
    if any(mark in symbol.name for mark in _WRITTEN_AS_LATEX):
        return symbol.name
    return None


class _PaperOrderPrinter(LatexPrinter):
    r"""SymPy's LaTeX printer, with a sum's terms in the order a paper writes them: SymPy's order, except that the
    terms printed with a leading minus come after the others (``n - k``, ``\zeta - \sqrt{\beta} \eta``, ``L(C, f) -
    L(0, f')``, not ``- k + n``)."""

    def _as_ordered_terms(self, expr: Any, order: Any = None) -> list:
        terms = super()._as_ordered_terms(expr, order=order)
        return ([t for t in terms if not t.could_extract_minus_sign()]
                + [t for t in terms if t.could_extract_minus_sign()])


def to_latex(obj: Any, **settings: Any) -> str:
    """``sp.latex(obj)`` with every symbol printed by ``latex_name`` where it has one, and a sum's positive terms
    first (``_PaperOrderPrinter``)."""
    if isinstance(obj, (sp.Basic, sp.MatrixBase)):
        names = {s: tex for s in obj.atoms(sp.Symbol) if (tex := latex_name(s)) is not None}
        if names:
            settings = {**settings, "symbol_names": {**names, **settings.get("symbol_names", {})}}
    return _PaperOrderPrinter(settings).doprint(obj)


def has_markup(text: Any) -> bool:
    """Whether ``text`` is prose with light LaTeX markup: a string holding ``$...$`` spans, its ``$`` paired."""
    return isinstance(text, str) and "$" in text and text.count("$") % 2 == 0


def markup_text(text: str) -> str:
    """Prose with light LaTeX markup (``$...$``) as plain Unicode text for a terminal: each math span is turned
    into text by pylatexenc's latex2text (braced groups of two or more characters kept, ``\\geq 0`` spaced as
    written, ``\\|`` read as ``\\Vert``, and the macros of ``_markup_converter``), the prose around it is left as
    written (all of it when a ``$`` is unpaired)."""
    if not has_markup(text):
        return text
    converter, parsing = _markup_converter()

    def math(span: str) -> str:
        span = re.sub(r"\\lVert\s+", r"\\lVert{}", re.sub(r"\\\|\s*", r"\\Vert{}", span))  # latex2text drops \|
        return converter.latex_to_text(re.sub(r"(\\[A-Za-z]+) ", r"\1{} ", span), latex_context=parsing)

    return "".join(math(part) if k % 2 else part for k, part in enumerate(text.split("$")))


def code_markup(name: str) -> str:
    """A name of code (a kernel, a function) in evidence markup: ``$\\texttt{lambda\\_star}$``, typewriter in LaTeX,
    the name as written on the terminal."""
    return "$\\texttt{" + name.replace("_", r"\_") + "}$"


@functools.cache
def _markup_converter() -> tuple[Any, Any]:
    """pylatexenc's latex2text converter and parsing context, with what its defaults lose: a fraction's numerator
    and denominator bracketed when they are not one token (``\\frac{a - b}{c}``: ``(a - b)/c``, not ``a - b/c``),
    ``\\texttt`` and ``\\operatorname`` read as their argument, and ``\\det``, ``\\iff``, ``\\ne``."""
    from pylatexenc import latexwalker, macrospec
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

    def fraction(node: Any, l2tobj: Any) -> str:
        parts = []
        for arg in node.nodeargd.argnlist:
            nodes = arg.nodelist if arg is not None and arg.isNodeType(latexwalker.LatexGroupNode) else [arg]
            part = l2tobj.nodelist_to_text([n for n in nodes if n is not None]).strip()
            parts.append(part if re.fullmatch(r"[\w.^'*\u0080-\uffff]+", part) else f"({part})")
        return "/".join(parts)

    texts = get_default_latex_context_db()
    texts.add_context_category("symbolic-vae", prepend=True, macros=[
        MacroTextSpec("frac", simplify_repl=fraction), MacroTextSpec("tfrac", simplify_repl=fraction),
        MacroTextSpec("texttt", simplify_repl="%(1)s"), MacroTextSpec("operatorname", simplify_repl="%(1)s"),
        MacroTextSpec("det", simplify_repl="det"), MacroTextSpec("iff", simplify_repl="\u21d4"),
        MacroTextSpec("ne", simplify_repl="\u2260")])
    parsing = latexwalker.get_default_latex_context_db()
    parsing.add_context_category("symbolic-vae", prepend=True, macros=[
        macrospec.std_macro("operatorname", False, 1), macrospec.std_macro("tfrac", False, 2)])
    return LatexNodes2Text(latex_context=texts, math_mode="text", keep_braced_groups=True,
                           keep_braced_groups_minlen=2), parsing


class SquaredNorm(sp.Function):
    """``||v||^2`` of a vector expression (a MatrixSymbol expression), for displayed statements: it prints as
    ``\\lVert v\\rVert^2`` and is never evaluated (the checks build the norm at explicit sizes)."""

    nargs = 1

    def _latex(self, printer: Any) -> str:
        return r"\left\lVert " + printer._print(self.args[0]) + r"\right\rVert^{2}"
