"""A scaling lint of every parsed formula: under the paper's change of units (WZ22: y -> a y, x -> b x, with the
scalings they induce on zeta, eta_dec, U, W, ...; the shipped table ``scalings.json``), both sides of every relation
and all terms of every sum must scale alike. What it flags is a formula that compares or adds quantities of
different scaling, with the two scalings as the evidence.

A scaling is a pair (p_a, p_b): the quantity is multiplied by a^p_a b^p_b. Products add scalings, a power multiplies
them, a trace, a transpose, an expectation or a star keeps them, a squared norm doubles them, a logarithm's value
does not scale (its argument is not checked: log s and log 2 pi s differ by a constant), a symbol or function the
table does not know agrees with everything, and so does 0."""

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

Scaling = tuple[sp.Rational, sp.Rational] | None
"""(p_a, p_b), or None for a quantity whose scaling is unknown (it agrees with every scaling)."""

NONE: tuple[sp.Rational, sp.Rational] = (sp.Integer(0), sp.Integer(0))
LINEAR_FUNCTIONS = frozenset({"T_{r}", "max", "min", "Max", "Min"})
"""Functions of the parse whose value scales as their arguments (which must agree)."""
SQUARED_FUNCTIONS = frozenset({"N_{F}", "N_{2}"})
"""The squared norms: their value scales as the square of their argument."""


@functools.cache
def declared_scalings(paper: str) -> tuple[str, dict[str, tuple[sp.Rational, sp.Rational]]]:
    """The shipped scaling table of ``paper``: (the change of units in words, parsed name -> (p_a, p_b))."""
    data = json.loads(resources.files(text_equations.__package__).joinpath("scalings.json")
                      .read_text(encoding="utf-8"))
    if paper not in data or paper == "note":
        raise fail("paper", f"no scaling table for paper {paper!r}; known: "
                            f"{', '.join(k for k in data if k != 'note')}")
    weights = {name: (sp.Rational(pa), sp.Rational(pb)) for name, (pa, pb) in data[paper]["weights"].items()}
    return data[paper]["transformation"], weights


def _show(scaling: Scaling) -> str:
    if scaling is None:
        return "unknown"
    parts = [f"{v}^{{{sp.latex(p)}}}" if p != 1 else v for v, p in zip("ab", scaling, strict=True) if p != 0]
    return f"${' '.join(parts)}$" if parts else "no scaling"


class _Walk:
    def __init__(self, weights: dict[str, tuple[sp.Rational, sp.Rational]]) -> None:
        self.weights = weights
        self.findings: list[str] = []

    def flag(self, message: str, node: sp.Basic) -> Scaling:
        self.findings.append(f"{message} in ${text_equations.parse_tex(node)}$")
        return None

    def agree(self, scalings: Iterable[Scaling], node: sp.Basic, what: str) -> Scaling:
        known = [s for s in scalings if s is not None]
        if any(s != known[0] for s in known):
            distinct = list(dict.fromkeys(known))
            return self.flag(f"{what} of different scaling: " + ", ".join(_show(s) for s in distinct), node)
        return known[0] if known else None

    def scaling(self, node: Any) -> Scaling:
        if isinstance(node, Relational):
            self.agree([self.scaling(node.lhs), self.scaling(node.rhs)], node, "a relation between sides")
            return NONE
        if isinstance(node, sp.Symbol):
            if node.name == "E" or node.name.startswith("E_{"):
                return NONE  # an expectation operator written as a factor
            return self.weights.get(node.name)
        if node == 0:
            return None
        if isinstance(node, (sp.Number, sp.NumberSymbol)) or not isinstance(node, sp.Basic) or not node.args:
            return NONE
        if isinstance(node, sp.Mul):
            return self.product(node)
        if isinstance(node, sp.Add):
            return self.agree([self.scaling(a) for a in node.args], node, "a sum of terms")
        if isinstance(node, sp.Pow):
            return self.power(node)
        if isinstance(node, AppliedUndef):
            return self.applied(node)
        if isinstance(node, sp.log):
            self.scaling(node.args[0])
            return NONE
        if isinstance(node, sp.Abs):
            return self.scaling(node.args[0])
        if isinstance(node, sp.Sum):
            return self.scaling(node.function)
        if isinstance(node, sp.Derivative):
            top, var = self.scaling(node.expr), self.scaling(node.variables[0])
            return None if top is None or var is None or len(node.variables) != 1 else \
                (top[0] - var[0], top[1] - var[1])
        if isinstance(node, (sp.Max, sp.Min)) or (isinstance(node, sp.Function) and type(node).__name__ in
                                                  LINEAR_FUNCTIONS):
            return self.agree([self.scaling(a) for a in node.args], node, "the arguments")
        for arg in node.args:
            self.scaling(arg)
        return None

    def product(self, node: sp.Mul) -> Scaling:
        factors: list[Any] = []
        for factor in _factors(node):
            if factors and isinstance(factors[-1], sp.Symbol) and factors[-1].name == "tilde" \
                    and isinstance(factor, sp.Symbol) and f"tilde{{{factor.name}}}" in self.weights:
                factors[-1] = sp.Symbol(f"tilde{{{factor.name}}}")
            else:
                factors.append(factor)
        total: Scaling = NONE
        for factor in factors:
            scaling = self.scaling(factor)
            total = None if total is None or scaling is None else (total[0] + scaling[0], total[1] + scaling[1])
        return total

    def power(self, node: sp.Pow) -> Scaling:
        if isinstance(node.base, AppliedUndef) and node.base.func.__name__ in self.weights \
                and len(node.base.args) == 1 and not isinstance(node.base.args[0], sp.Symbol):
            inner = self.power(sp.Pow(node.base.args[0], node.exp, evaluate=False))  # 'U (a + b)^{-1}'
            own = self.weights[node.base.func.__name__]
            return None if inner is None else (own[0] + inner[0], own[1] + inner[1])
        base = self.scaling(node.base)
        if isinstance(node.exp, sp.Symbol) and node.exp.name in ("T", "ast"):
            return base
        exponent = node.exp.doit() if not node.exp.free_symbols else node.exp  # 2**(-1) as the number 1/2
        if base is None or not exponent.is_Rational:
            return None if base != NONE else NONE
        return (base[0] * exponent, base[1] * exponent)

    def applied(self, node: AppliedUndef) -> Scaling:
        name = node.func.__name__
        args = [self.scaling(a) for a in node.args]
        if name == "E" or name.startswith("E_{"):
            return args[0] if len(args) == 1 else None
        if name in LINEAR_FUNCTIONS:
            return self.agree(args, node, "the arguments")
        if name in SQUARED_FUNCTIONS and len(args) == 1:
            return None if args[0] is None else (2 * args[0][0], 2 * args[0][1])
        if name == "I_{1}":
            return NONE
        if name in self.weights and len(args) == 1:
            if node.args[0] == sp.Symbol("x"):
                return self.weights[name]  # a function of the input written name(x): sigma(x)
            if isinstance(node.args[0], sp.Symbol):
                return None  # a function of one variable, G(s)
            own = self.weights[name]  # 'U(W^T x + b)' is read as U applied: a product
            return None if args[0] is None else (own[0] + args[0][0], own[1] + args[0][1])
        return None


def _factors(node: sp.Basic) -> list[sp.Basic]:
    if isinstance(node, sp.Mul):
        return [f for arg in node.args for f in _factors(arg)]
    return [node]


def lint_expression(expr: sp.Basic, weights: dict[str, tuple[sp.Rational, sp.Rational]]) -> list[str]:
    """What the scalings of ``expr`` contradict, one line each."""
    walk = _Walk(weights)
    walk.scaling(expr)
    return list(dict.fromkeys(walk.findings))


def lint_latex(paper: str, latex: str) -> list[str]:
    """The scaling lint of one formula given as LaTeX (parsed as the papers' equations are)."""
    _, weights = declared_scalings(paper)
    parsed = text_equations.parse_equation(latex)
    if not parsed["parsed"]:
        raise fail("latex", f"the formula does not parse: {parsed['reason']}")
    with sp.evaluate(False):
        expr = eval(parsed["sympy"], dict(vars(sp)))  # noqa: S307 - an srepr the package wrote to its own data
    return lint_expression(expr, weights)
