"""The monomials of an expression in chosen generators (the noise or the data of the model), with their
coefficients: expanded and collected in symengine when it can hold the expression, else in SymPy. Both are exact
and give the same terms. ``expand_in_symengine`` is the symengine expansion that says when symengine cannot hold an
expression (the engine's exact-zero test uses it too). ``expand_polynomial`` is ``sp.expand`` and
``sum_over_monomials`` the expectation rules' sum over the monomials, both computed in symengine for the
polynomials it expands as SymPy does: the same SymPy expression, faster."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
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


def from_symengine(expr: symengine.Basic | symengine.DenseMatrix, symbols: Iterable[sp.Symbol]) -> sp.Basic:
    """A symengine result back in SymPy, with the assumptions of ``symbols`` restored (symengine drops them)."""
    back = {sp.Symbol(s.name): s for s in symbols}
    out = sp.sympify(expr._sympy_() if hasattr(expr, "_sympy_") else expr)
    return out.xreplace(back)


def expand_polynomial(expr: sp.Expr) -> sp.Expr:
    """``sp.expand(expr)``: expanded by symengine when ``expr`` is a polynomial with rational coefficients in
    symbols (negative integer powers of symbols allowed), pi, and logs that SymPy's expand leaves as they are
    (held as symbols), which gives the same SymPy expression faster; anything else (another function, a root, a
    Float, a sum in a denominator) is expanded by SymPy."""
    expr = sp.sympify(expr)
    held = _held_polynomial(expr)
    if held is None:
        return sp.expand(expr)
    polynomial, originals = held
    expanded = expand_in_symengine(polynomial)
    if expanded is None:
        return sp.expand(expr)
    return sp.sympify(expanded).xreplace(originals)


def _held_polynomial(expr: sp.Expr, *others: sp.Expr) -> tuple[sp.Expr, dict[sp.Basic, sp.Basic]] | None:
    """(``expr`` with its logs and pi held as dummies, the map from symengine's symbols and the dummies back to
    ``expr``'s atoms) when it is a polynomial that symengine expands as SymPy does; None otherwise, or when two
    symbols of ``expr`` and ``others`` share a name (symengine would merge them)."""
    symbols = expr.free_symbols.union(*(other.free_symbols for other in others))
    if len({s.name for s in symbols}) != len(symbols):
        return None
    atoms = expr.atoms(sp.Function, sp.NumberSymbol)
    if any(not (atom.is_NumberSymbol or isinstance(atom, sp.log) and sp.expand(atom) == atom) for atom in atoms):
        return None
    held = {atom: sp.Dummy() for atom in atoms}
    polynomial = expr.xreplace(held)
    if not _symengine_expands_alike(polynomial):
        return None
    return polynomial, {sp.Symbol(s.name): s for s in symbols} | {dummy: atom for atom, dummy in held.items()}


def sum_over_monomials(expr: sp.Expr, gens: Sequence[sp.Symbol],
                       value: Callable[[tuple[int, ...]], sp.Expr]) -> sp.Expr:
    """``sp.expand`` of the sum, over the monomials of ``expr`` in ``gens``, of coefficient times ``value(powers)``
    (an expectation rule: a moment per monomial). In symengine, converted back once, when ``expr`` and the values
    are polynomials ``expand_polynomial`` expands there; else from ``monomial_terms`` and ``expand_polynomial``."""
    expr = sp.sympify(expr)
    summed = _sum_in_symengine(expr, gens, value)
    if summed is not None:
        return summed
    return expand_polynomial(sp.Add(*[coeff * value(powers) for powers, coeff in monomial_terms(expr, gens)]))


def _sum_in_symengine(expr: sp.Expr, gens: Sequence[sp.Symbol],
                      value: Callable[[tuple[int, ...]], sp.Expr]) -> sp.Expr | None:
    """``sum_over_monomials`` in symengine; None when it does not apply (``_held_polynomial``, or ``expr`` is not
    a polynomial in ``gens``)."""
    import symengine as se

    held = _held_polynomial(expr, *gens)
    if held is None:
        return None
    polynomial, originals = held
    collected = _collected_in_symengine(polynomial, gens)
    if collected is None:
        return None
    values = {powers: sp.sympify(value(powers)) for powers in collected}
    symbols = {s for s in originals.values() if isinstance(s, sp.Symbol)}
    symbols = symbols.union(*(v.free_symbols for v in values.values()))
    if len({s.name for s in symbols}) != len(symbols) or not all(map(_symengine_expands_alike, values.values())):
        return None
    total = se.Add(*[se.Add(*parts) * se.sympify(values[powers]) for powers, parts in collected.items()])
    originals |= {sp.Symbol(s.name): s for s in symbols if not isinstance(s, sp.Dummy)}
    return sp.sympify(se.expand(total)).xreplace(originals)


def _symengine_expands_alike(expr: sp.Basic) -> bool:
    """Whether ``expr`` is built of symbols, rationals, sums, products and integer powers, a negative power only
    of a symbol."""
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Pow):
            if not (node.exp.is_Integer and (node.exp > 0 or node.base.is_Symbol)):
                return False
        elif not isinstance(node, (sp.Symbol, sp.Rational, sp.Add, sp.Mul)):
            return False
    return True


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
    collected = _collected_in_symengine(expr, gens)
    if collected is None:
        return None
    return [(powers, from_symengine(se.Add(*parts), symbols)) for powers, parts in collected.items()]


def _collected_in_symengine(expr: sp.Expr, gens: Sequence[sp.Symbol]
                            ) -> dict[tuple[int, ...], list[symengine.Basic]] | None:
    """The terms of ``expr`` expanded by symengine, grouped by their powers of ``gens`` (with those powers taken
    out); None when symengine cannot hold ``expr`` or it is not a polynomial in ``gens``."""
    import symengine as se

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
    return collected
