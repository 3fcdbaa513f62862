"""A shape lint of every parsed formula: each matrix and vector symbol has the shape the paper declares for it (the
shipped table ``shapes.json``), and every product, sum, transpose, inverse, trace and relation of the parse, read in
the printed order of its factors, must be well-typed. What it flags is a formula whose shapes do not agree, with
the shapes as the evidence.

The walk reads the parse as printed (``sympy.evaluate(False)``): a product is the chain of its factors in order, a
scalar (or a 1 x 1 result such as x^T x) multiplies anything, ``I`` is an identity of whatever size its neighbour
needs, a symbol with no declared shape is a scalar, and a function the table does not know has a shape that agrees
with everything, so the lint flags only what the declared shapes contradict."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from importlib import resources
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.core.relational import Relational

from symbolic_vae._core.errors import fail
from symbolic_vae._papers.text import equations as text_equations
from symbolic_vae._papers.text import sentences as text_sentences

Shape = tuple[str, str]
SCALAR: Shape = ("1", "1")
ANY: Shape = ("*", "*")
IDENTITY: Shape = ("I", "I")

READ_AS_LETTERS = frozenset({"partial", "operatorname", "mathcal", "underbrace", "propto"})
"""Symbols that are a command the parser read as letters (a derivative fraction, a function name): a product holding
one has no shape the lint can read."""

ANY_FUNCTIONS = frozenset({"D_{g}"})
"""Functions of the parse whose shape the lint does not read (a diagonal matrix of any size)."""

SCALAR_FUNCTIONS = {"T_{r}": "square", "N_{F}": "any", "N_{2}": "any", "I_{1}": "scalar"}
"""Functions of the parse with a scalar value -> what their argument must be (a square matrix, anything, a
scalar)."""


@functools.cache
def declared_shapes(paper: str) -> dict[str, Shape]:
    """The shipped shape table of ``paper``: parsed symbol name -> (rows, columns)."""
    data = json.loads(resources.files(text_equations.__package__).joinpath("shapes.json")
                      .read_text(encoding="utf-8"))
    if paper not in data or paper == "note":
        raise fail("paper", f"no shape table for paper {paper!r}; known: "
                            f"{', '.join(k for k in data if k != 'note')}")
    return {name: tuple(shape) for name, shape in data[paper]["shapes"].items()}


class _Walk:
    """One formula's walk: the shape of each node, with every contradiction recorded in ``findings``."""

    def __init__(self, shapes: dict[str, Shape]) -> None:
        self.shapes = shapes
        self.findings: list[str] = []

    def flag(self, message: str, node: sp.Basic) -> Shape:
        self.findings.append(f"{message} in ${text_equations.parse_tex(node)}$")
        return ANY

    def shape(self, node: Any) -> Shape:
        if isinstance(node, Relational):
            return self.relation(node)
        if isinstance(node, sp.Symbol):
            if node.name in ANY_FUNCTIONS:
                return ANY  # a function name the parser left without its arguments
            return self.shapes.get(node.name, IDENTITY if node.name == "I" else SCALAR)
        if node == 0:
            return ANY  # a zero of whatever shape the other side has
        if isinstance(node, (sp.Number, sp.NumberSymbol)) or not isinstance(node, sp.Basic) or not node.args:
            return SCALAR
        if isinstance(node, sp.Mul):
            return self.product(node)
        if isinstance(node, sp.Add):
            return self.sum(node)
        if isinstance(node, sp.Pow):
            return self.power(node)
        if isinstance(node, AppliedUndef):
            return self.applied(node)
        if isinstance(node, sp.Derivative):
            return self.shape(node.variables[0]) if len(node.variables) == 1 else ANY
        if isinstance(node, sp.Sum):
            return self.shape(node.function)
        if isinstance(node, (sp.Abs, sp.exp, sp.log)):
            for arg in node.args:
                self.shape(arg)
            return self.shape(node.args[0])
        for arg in node.args:
            self.shape(arg)
        return SCALAR if isinstance(node, sp.Function) else ANY

    def relation(self, node: Relational) -> Shape:
        left, right = self.shape(node.lhs), self.shape(node.rhs)
        if _joined(left, right) is None:
            self.flag(f"the two sides differ in shape: {_show(left)} and {_show(right)}", node)
        return SCALAR

    def factors(self, node: sp.Basic) -> list[sp.Basic]:
        if isinstance(node, sp.Mul):
            return [f for arg in node.args for f in self.factors(arg)]
        return [node]

    def product(self, node: sp.Mul) -> Shape:
        factors = self.factors(node)
        if any(isinstance(f, sp.Symbol) and f.name in READ_AS_LETTERS for f in factors):
            return ANY
        merged: list[Any] = []
        for factor in factors:
            if merged and isinstance(merged[-1], sp.Symbol) and merged[-1].name == "tilde":
                merged[-1] = self.tilde(factor)
            else:
                merged.append(factor)
        out = SCALAR
        for factor in merged:
            right = self.shape(factor)
            combined = _times(out, right)
            if combined is None:
                return self.flag(f"a product of {_show(out)} by {_show(right)} (inner dimensions "
                                 f"${_dimension(out[1])}$ and ${_dimension(right[0])}$)", node)
            out = combined
        return out

    def tilde(self, factor: sp.Basic) -> sp.Basic:
        """The factor after a 'tilde' of the parse with its symbol read as the tilded one (x -> tilde{x}, also
        under a power such as a transpose)."""
        base = factor.base if isinstance(factor, sp.Pow) else factor
        if not isinstance(base, sp.Symbol) or f"tilde{{{base.name}}}" not in self.shapes:
            return factor
        tilded = sp.Symbol(f"tilde{{{base.name}}}")
        return sp.Pow(tilded, factor.exp, evaluate=False) if isinstance(factor, sp.Pow) else tilded

    def sum(self, node: sp.Add) -> Shape:
        out: Shape | None = None
        for arg in node.args:
            term = self.shape(arg)
            if out is None:
                out = term
                continue
            joined = _joined(out, term)
            if joined is None:
                return self.flag(f"a sum of {_show(out)} and {_show(term)}", node)
            out = joined
        return out or SCALAR

    def power(self, node: sp.Pow) -> Shape:
        if isinstance(node.base, AppliedUndef) and node.base.func.__name__ in self.shapes \
                and len(node.base.args) == 1:  # 'U (a + b)^{-1}' is read as (U applied)^{-1}: U times the power
            inner = self.power(sp.Pow(node.base.args[0], node.exp, evaluate=False))
            combined = _times(self.shapes[node.base.func.__name__], inner)
            if combined is None:
                return self.flag(f"a product of {_show(self.shapes[node.base.func.__name__])} by {_show(inner)}",
                                 node)
            return combined
        base = self.shape(node.base)
        if isinstance(node.exp, sp.Symbol) and node.exp.name == "ast":  # X^* is the optimal X
            return base
        if isinstance(node.exp, sp.Symbol) and node.exp.name == "T":
            return base if base in (SCALAR, ANY, IDENTITY) else (base[1], base[0])
        if base in (SCALAR, ANY, IDENTITY):
            return base
        if base[0] != base[1]:
            return self.flag(f"a power ${text_equations.parse_tex(node.exp)}$ of a non-square {_show(base)}", node)
        return base

    def applied(self, node: AppliedUndef) -> Shape:
        name = node.func.__name__
        args = [self.shape(arg) for arg in node.args]
        if (name == "E" or name.startswith("E_{")) and len(args) == 1:  # an expectation keeps the shape
            return args[0]
        if name in ANY_FUNCTIONS or (len(node.args) == 1 and node.args[0] == sp.Symbol("x")):
            return ANY  # diag(...), or a function of the input written name(x): sigma(x), f(x), Sigma(x)
        if name in SCALAR_FUNCTIONS:
            need = SCALAR_FUNCTIONS[name]
            if len(args) == 1 and need == "square" and args[0] not in (SCALAR, ANY, IDENTITY) \
                    and args[0][0] != args[0][1]:
                self.flag(f"${_dimension(name)}$ of a non-square {_show(args[0])}", node)
            if len(args) == 1 and need == "scalar" and args[0] not in (SCALAR, ANY):
                self.flag(f"${_dimension(name)}$ of a non-scalar {_show(args[0])}", node)
            return SCALAR
        if name in self.shapes and len(args) == 1 and args[0] not in (SCALAR, ANY):
            # 'U(W^T x + b)' is read as U applied: a product (with a scalar argument it is a function, G(s))
            combined = _times(self.shapes[name], args[0])
            if combined is None:
                return self.flag(f"a product of {_show(self.shapes[name])} by {_show(args[0])}", node)
            return combined
        return SCALAR if name not in self.shapes else ANY


def _show(shape: Shape) -> str:
    """A shape in words, or as markup (``$d_{1} \\times D_{0}$``)."""
    words = {SCALAR: "a scalar", ANY: "any shape", IDENTITY: "an identity"}
    return words.get(shape, f"${_dimension(shape[0])} \\times {_dimension(shape[1])}$")


def _dimension(name: str) -> str:
    """The LaTeX of a dimension (``d1``: ``d_{1}``) or of a parsed name (``T_{r}``)."""
    return text_equations.parse_tex(sp.Symbol(name))


def _times(left: Shape, right: Shape) -> Shape | None:
    if left == SCALAR:
        return right
    if right == SCALAR:
        return left
    if ANY in (left, right):
        return ANY
    if left == IDENTITY:
        return right
    if right == IDENTITY:
        return left
    if left[1] != right[0]:
        return None
    out = (left[0], right[1])
    return SCALAR if out == SCALAR else out


def _joined(left: Shape, right: Shape) -> Shape | None:
    if left == right or right == ANY:
        return left
    if left == ANY:
        return right
    if IDENTITY in (left, right):
        other = right if left == IDENTITY else left
        return other if other == SCALAR or other[0] == other[1] else None
    return None


@functools.cache
def declared_readings(paper: str) -> dict[str, dict[str, str]]:
    """The shipped well-typed readings of ``paper``'s flagged equations: number -> {"latex", "used"}."""
    declared_shapes(paper)
    data = json.loads(resources.files(text_equations.__package__).joinpath("shapes.json")
                      .read_text(encoding="utf-8"))
    return data[paper].get("readings", {})


def lint_expression(expr: sp.Basic, shapes: dict[str, Shape]) -> list[str]:
    """What the shapes of ``expr`` (read in its printed order) contradict, one line each."""
    walk = _Walk(shapes)
    walk.shape(expr)
    return walk.findings


def lint_paper(paper: str, rows: Iterable[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """One row per parsed equation of ``paper`` (or of ``rows``, equation records): {"equation", "section",
    "findings"}."""
    shapes = declared_shapes(paper)
    out = []
    for eq in (text_equations.equations(paper) if rows is None else rows):
        if not eq["parsed"]:
            continue
        with sp.evaluate(False):
            expr = eval(eq["sympy"], dict(vars(sp)))  # noqa: S307 - an srepr the package wrote to its own data
        findings = list(dict.fromkeys(lint_expression(expr, shapes)))
        out.append({"equation": eq["number"], "section": eq["section"], "findings": findings})
    return out


def lint_figures(paper: str) -> dict[str, Any]:
    """The lint of ``paper``: equations linted (the parsed ones), the flagged ones with their findings and the
    declared well-typed reading, the readings' own lint, and the lint of the sentences' inline formulas."""
    rows = lint_paper(paper)
    readings = declared_readings(paper)
    flagged = [{**r, "reading": readings.get(r["equation"], {}).get("latex", ""),
                "used": readings.get(r["equation"], {}).get("used", "")} for r in rows if r["findings"]]
    return {"linted": len(rows), "flagged": flagged,
            "readings": {n: lint_latex(paper, r["latex"]) for n, r in readings.items()},
            "inline": lint_sentences(paper)}


def lint_sentences(paper: str) -> dict[str, Any]:
    """The lint of the inline formulas of ``paper``'s asserting sentences (the shipped ``inline_formulas``): how
    many there are, how many parse, and the flagged ones {sentence, section, latex, findings, explained}
    (``explained``: the shipped reason why the shapes agree in the case the sentence states, e.g. y = x)."""
    declared_shapes(paper)
    data = json.loads(resources.files(text_equations.__package__).joinpath("shapes.json")
                      .read_text(encoding="utf-8"))
    explained = data[paper].get("explained", {})
    formulas = text_sentences.inline_formulas(paper)
    rows = [{**f, "number": f["sentence"]} for f in formulas if f["parsed"]]
    linted = lint_paper(paper, rows)
    flagged = [{"sentence": row["sentence"], "section": row["section"], "latex": row["latex"],
                "findings": lint["findings"], "explained": explained.get(row["sentence"], "")}
               for row, lint in zip(rows, linted, strict=True) if lint["findings"]]
    return {"formulas": len(formulas), "linted": len(rows), "flagged": flagged}


def lint_latex(paper: str, latex: str) -> list[str]:
    """The lint of one formula given as LaTeX (parsed as the papers' equations are)."""
    parsed = text_equations.parse_equation(latex)
    if not parsed["parsed"]:
        raise fail("latex", f"the formula does not parse: {parsed['reason']}")
    return lint_paper(paper, [{"number": "", "section": "", **parsed}])[0]["findings"]
