"""The monomials of an expression in chosen generators (the noise or the data of the model), with their
coefficients: expanded and collected in symengine when it can hold the expression, else in SymPy. Both are exact
and give the same terms. ``expand_in_symengine`` is the symengine expansion that says when symengine cannot hold an
expression (the engine's exact-zero test uses it too)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import sympy as sp

if TYPE_CHECKING:
    import symengine


def expand_in_symengine(expr: sp.Basic) -> symengine.Basic | None:
    """``expr`` expanded by symengine; None when symengine cannot hold it (e.g. a Sum, or a function it lacks)."""
    import symengine as se

    try:
        return se.expand(se.sympify(expr))
    except (RuntimeError, TypeError, NotImplementedError, se.SympifyError):
        return None


def monomial_terms(expr: sp.Expr, gens: Sequence[sp.Symbol]) -> list[tuple[tuple[int, ...], sp.Expr]]:
    """(powers of ``gens``, SymPy coefficient free of ``gens``) of the expanded ``expr``, one entry per monomial
    (SymPy's PolynomialError when ``expr`` is not a polynomial in ``gens``)."""
    terms = _terms_in_symengine(expr, gens)
    return terms if terms is not None else sp.Poly(sp.expand(expr), *gens).terms()


def _terms_in_symengine(expr: sp.Expr, gens: Sequence[sp.Symbol]) -> list[tuple[tuple[int, ...], sp.Expr]] | None:
    """``monomial_terms`` in symengine; None when symengine cannot hold ``expr``, it is not a polynomial in
    ``gens``, or two of its symbols share a name (symengine would merge them). The coefficients come back with the
    original SymPy symbols (symengine drops their assumptions)."""
    import symengine as se

    symbols = sp.sympify(expr).free_symbols | set(gens)
    if len({s.name for s in symbols}) != len(symbols):
        return None
    expanded = expand_in_symengine(expr)
    if expanded is None:
        return None
    index = {se.Symbol(g.name): i for i, g in enumerate(gens)}
    collected: dict[tuple[int, ...], list[se.Basic]] = {}
    for term in (expanded.args if isinstance(expanded, se.Add) else (expanded,)):
        powers = [0] * len(gens)
        coefficient = []
        for factor in (term.args if isinstance(term, se.Mul) else (term,)):
            base, exponent = factor.args if isinstance(factor, se.Pow) else (factor, se.Integer(1))
            if base in index and isinstance(exponent, se.Integer) and int(exponent) > 0:
                powers[index[base]] += int(exponent)
            elif factor.free_symbols & index.keys():
                return None  # not a polynomial in gens
            else:
                coefficient.append(factor)
        collected.setdefault(tuple(powers), []).append(se.Mul(*coefficient))
    originals = {sp.Symbol(s.name): s for s in symbols}
    return [(powers, sp.sympify(se.Add(*parts)).xreplace(originals)) for powers, parts in collected.items()]
