"""Assertions for regression tests of symbolic identities, usable from any pytest suite.

    >>> import sympy as sp
    >>> from symbolic_vae.testing import assert_identity, assert_refuted
    >>> x = sp.Symbol("x", positive=True)
    >>> assert_identity(sp.log(x**2), 2 * sp.log(x))
    >>> assert_refuted(sp.sqrt(x**2), -x)

A failing assertion prints the counterexample: the point of the domain, and both sides at high precision.

Arguments, validated together before any work (a bad one raises ``symbolic_vae.SymbolicVAEError`` naming it, what
was received and what was expected):

- ``lhs``, ``rhs``: SymPy expressions (or Python numbers), or two explicit ``sp.Matrix`` of the same shape. Strings
  are not parsed (build the expression with SymPy), relations such as ``sp.Eq`` and booleans are not sides, and
  infinities and NaN (``zoo``, ``oo``, ``-oo``, ``nan``) are not supported except as limits of a Sum, Product,
  Integral or Limit. A Float is its exact binary value (0.1 is not 1/10): write exact numbers with sp.Rational.
- ``assumptions``: a mapping symbol -> word or words among ``ASSUMPTION_WORDS`` (e.g. ``{s: "positive"}``); they
  are added to the assumptions the symbol already has. A symbol absent from both sides is ignored; a key that is
  another Symbol of the same name as one of the identity (e.g. with other assumptions) is an error.
- ``constraints``: a list of SymPy relations in the symbols of the identity (``[x >= 0, x < y]``, also And/Or/Not of
  relations; a single relation is accepted too). Strings, True/False and expressions that are not relations are
  rejected. The identity is claimed only where they hold: points are drawn there and regions they exclude are empty.
- ``n_points``: the number of seeded points of the numeric search, an integer in [1, MAX_POINTS].
- ``seed``: an integer in [0, 2**63).

Verdicts:

- PROVED: the difference reduces to 0 (symengine's expansion, then SymPy's cancel, simplify, trigsimp, gammasimp and
  powsimp/radsimp in turn), region by region for Abs/Max/Min/Heaviside/Piecewise.
- CHECKED: zero at every seeded point where both sides are defined (a pole is skipped), and no probe point (extreme
  magnitudes, integers and half-integers, complex values for symbols not declared real, branch thresholds and the
  points beside them) refutes it. Checked at sampled points: not a proof; ``assert_identity`` accepts it only with
  ``allow_numeric=True``.
- REFUTED: a point of the domain where the sides differ, confirmed independently of the search, exactly (rational
  arithmetic) or by SymPy's evalf at 50 digits or more, above the rounding noise of the difference's terms. The
  counterexample is shown at the simplest values found (small integers and fractions first), with its gap.
- INCONCLUSIVE otherwise; where the search and the confirmation disagree at a point, both values are shown.

Zero is judged relative to the size of the terms that cancel, never against an absolute floor: x + exp(-300) = x is
REFUTED, and a difference left by cancelling terms of size 1e40 is rounding noise.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import sympy as sp
from sympy.core.relational import Relational
from sympy.logic.boolalg import Boolean, BooleanAtom

from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._core.validation import dimension, flag, seed_integer
from symbolic_vae._core.verdict import CheckResult, Status
from symbolic_vae._engine.identity import SizedIdentity, prove_at_sizes, prove_identity, simplest_counterexample

__all__ = ["ASSUMPTION_WORDS", "MAX_POINTS", "assert_identity", "assert_refuted", "assert_identity_at_sizes",
           "check_identity"]

ASSUMPTION_WORDS = ("integer", "negative", "nonnegative", "nonpositive", "nonzero", "positive", "real")
"""The assumption words accepted in ``assumptions``."""

MAX_POINTS = 10_000
"""The most seeded points a numeric search may use."""

_NON_FINITE = (sp.S.ComplexInfinity, sp.S.Infinity, sp.S.NegativeInfinity, sp.S.NaN)
_BOUND_LIMITS = (sp.Sum, sp.Product, sp.Integral)


def _describe(value: object) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 60 else text[:57] + '...'}"


def _non_finite(expr: sp.Basic) -> sp.Basic | None:
    """The first zoo, oo, -oo or nan in ``expr`` outside the limits of a Sum, Product, Integral or Limit."""
    if any(expr is atom for atom in _NON_FINITE):
        return expr
    if isinstance(expr, _BOUND_LIMITS):
        return _non_finite(expr.function)
    if isinstance(expr, sp.Limit):
        return _non_finite(expr.args[0])
    for arg in expr.args:
        found = _non_finite(arg) if isinstance(arg, sp.Basic) else None
        if found is not None:
            return found
    return None


def _side(name: str, value: object) -> sp.Basic:
    """``value`` as a SymPy expression or explicit matrix; SymbolicVAEError naming ``name`` otherwise."""
    if isinstance(value, (str, bytes)):
        raise SymbolicVAEError(f"{name}: expected a SymPy expression, got the string {value!r} (strings are not "
                               f"parsed: build the expression with SymPy, e.g. sp.sympify(text) yourself)")
    if isinstance(value, sp.MatrixExpr) and not isinstance(value, sp.MatrixBase):
        raise SymbolicVAEError(f"{name}: expected a SymPy expression or an explicit sp.Matrix, got the symbolic "
                               f"matrix expression {_describe(value)}; use explicit matrices (sp.Matrix) or "
                               f"assert_identity_at_sizes")
    if isinstance(value, sp.MatrixBase):
        expr: sp.Basic = sp.ImmutableMatrix(value)
    else:
        try:
            expr = sp.sympify(value, strict=True)
        except (sp.SympifyError, TypeError, ValueError, AttributeError):
            raise SymbolicVAEError(f"{name}: expected a SymPy expression, got {_describe(value)}") from None
    if isinstance(value, bool) or (isinstance(expr, Boolean) and not isinstance(expr, sp.Expr)):
        raise SymbolicVAEError(f"{name}: expected an expression, got the relation or boolean {_describe(value)}; "
                               f"pass the two sides as lhs and rhs")
    if not isinstance(expr, (sp.Expr, sp.MatrixBase)) or isinstance(expr, sp.Lambda):
        raise SymbolicVAEError(f"{name}: expected a SymPy expression or an explicit sp.Matrix, got "
                               f"{_describe(value)}")
    if isinstance(expr, sp.MatrixBase) and expr.shape[0] * expr.shape[1] == 0:
        raise SymbolicVAEError(f"{name}: expected a matrix with at least one entry, got shape {expr.shape}")
    others = sorted((s for s in expr.free_symbols if not isinstance(s, sp.Symbol)), key=str)
    if others:
        raise SymbolicVAEError(f"{name}: contains {others[0]} ({type(others[0]).__name__}); the free symbols must be "
                               f"scalar SymPy Symbols (use explicit matrices of symbols, or assert_identity_at_sizes)")
    for entry in (expr if isinstance(expr, sp.MatrixBase) else (expr,)):
        bad = _non_finite(entry)
        if bad is not None:
            raise SymbolicVAEError(f"{name}: contains {bad} ({_describe(value)}); infinities and NaN (zoo, oo, -oo, "
                                   f"nan) are not supported, only finite expressions")
    return expr


def _same_shape(left: sp.Basic, right: sp.Basic) -> None:
    left_matrix, right_matrix = isinstance(left, sp.MatrixBase), isinstance(right, sp.MatrixBase)
    if left_matrix and right_matrix and left.shape != right.shape:
        raise SymbolicVAEError(f"rhs: shape {right.shape} does not match the shape {left.shape} of lhs (both sides "
                               f"must be matrices of one shape)")
    if left_matrix != right_matrix:
        shape = (left if left_matrix else right).shape
        raise SymbolicVAEError(f"rhs: {'a scalar' if left_matrix else f'a matrix of shape {shape}'} cannot equal "
                               f"lhs, {f'a matrix of shape {shape}' if left_matrix else 'a scalar'} (both sides must "
                               f"be scalars, or matrices of one shape)")


def _words(symbol: sp.Symbol, words: object) -> set[str]:
    if isinstance(words, str):
        words = [words]
    elif not isinstance(words, Iterable) or isinstance(words, (bytes, Mapping)):
        raise SymbolicVAEError(f"assumptions: the value for {symbol} must be a word or a list of words among "
                               f"{list(ASSUMPTION_WORDS)}, got {_describe(words)}")
    chosen = list(words)
    if not chosen or not all(isinstance(w, str) for w in chosen):
        raise SymbolicVAEError(f"assumptions: the value for {symbol} must be a word or a non-empty list of words "
                               f"among {list(ASSUMPTION_WORDS)}, got {_describe(words)}")
    unknown = sorted(set(chosen) - set(ASSUMPTION_WORDS))
    if unknown:
        raise SymbolicVAEError(f"assumptions: unknown assumption {', '.join(map(repr, unknown))} for {symbol}; "
                               f"expected any of {', '.join(ASSUMPTION_WORDS)}")
    return set(chosen)


def _assumption_map(assumptions: object, free: set[sp.Symbol]) -> dict[sp.Symbol, sp.Symbol]:
    """Symbol -> the same symbol with the requested assumptions added to its own."""
    if assumptions is None:
        return {}
    if not isinstance(assumptions, Mapping):
        raise SymbolicVAEError(f"assumptions: expected a mapping symbol -> word(s) such as {{s: 'positive'}}, got "
                               f"{_describe(assumptions)}")
    mapping: dict[sp.Symbol, sp.Symbol] = {}
    for symbol, words in assumptions.items():
        if not isinstance(symbol, sp.Symbol) or type(symbol) not in (sp.Symbol, sp.Dummy):
            raise SymbolicVAEError(f"assumptions: keys must be SymPy symbols (the Symbol objects of lhs and rhs), "
                                   f"got {_describe(symbol)}")
        chosen = _words(symbol, words)
        if symbol not in free:
            namesakes = sorted((s for s in free if s.name == symbol.name), key=str)
            if namesakes:
                raise SymbolicVAEError(f"assumptions: the key {symbol} (assumptions {symbol._assumptions_orig or {}}) "
                                       f"is not the symbol {symbol.name} of lhs and rhs (assumptions "
                                       f"{namesakes[0]._assumptions_orig or {}}); use the same Symbol object")
            continue
        merged = {**(symbol._assumptions_orig or {}), **dict.fromkeys(chosen, True)}
        try:
            new = type(symbol)(symbol.name, **merged)
        except ValueError:  # sympy's InconsistentAssumptions
            own = symbol._assumptions_orig or "none"
            raise SymbolicVAEError(f"assumptions: {sorted(chosen)} for {symbol} contradict each other or the "
                                   f"assumptions the symbol already has ({own})") from None
        if new in free and new != symbol:
            raise SymbolicVAEError(f"assumptions: {sorted(chosen)} would make {symbol} the other symbol {new} of "
                                   f"the identity (same name and assumptions)")
        mapping[symbol] = new
    return mapping


def _constraints(constraints: object, mapping: Mapping[sp.Symbol, sp.Symbol], free: set[sp.Symbol]):
    """The constraints as a tuple of SymPy relations (And/Or/Not of relations) in the identity's symbols."""
    if constraints is None:
        return ()
    if isinstance(constraints, (str, bytes)):
        raise SymbolicVAEError(f"constraints: expected a list of SymPy relations such as [x > 0], got the string "
                               f"{constraints!r} (strings are not parsed)")
    if isinstance(constraints, sp.Basic):
        constraints = [constraints]
    if not isinstance(constraints, Iterable) or isinstance(constraints, Mapping):
        raise SymbolicVAEError(f"constraints: expected a list of SymPy relations such as [x > 0], got "
                               f"{_describe(constraints)}")
    checked = []
    for i, item in enumerate(constraints):
        where = f"constraints: item {i}"
        if isinstance(item, (bool, BooleanAtom)):
            raise SymbolicVAEError(f"{where} is the constant {item}; expected a relation such as x > 0")
        if isinstance(item, (str, bytes)):
            raise SymbolicVAEError(f"{where} is the string {item!r}; expected a SymPy relation such as x > 0 "
                                   f"(strings are not parsed)")
        if (not isinstance(item, Boolean) or isinstance(item, sp.Expr)
                or not item.atoms(Relational)):
            raise SymbolicVAEError(f"{where}: expected a SymPy relation such as x > 0 (or And/Or/Not of relations), "
                                   f"got {_describe(item)}")
        item = item.xreplace(mapping)
        outside = item.free_symbols - free
        if outside:
            raise SymbolicVAEError(f"{where} ({item}) uses {sorted(map(str, outside))}, not symbols of lhs and rhs "
                                   f"({sorted(map(str, free)) or 'none'}); use the Symbol objects of the identity")
        checked.append(item)
    return tuple(checked)


def _validated(lhs: object, rhs: object, assumptions: object, constraints: object, n_points: object,
               seed: object) -> tuple[sp.Basic, sp.Basic, tuple[sp.Basic, ...], int, int]:
    """Every argument of the checks, validated before any work (see the module docstring)."""
    left, right = _side("lhs", lhs), _side("rhs", rhs)
    _same_shape(left, right)
    n_points = dimension("n_points", n_points, minimum=1, maximum=MAX_POINTS)
    seed = seed_integer("seed", seed)
    free = left.free_symbols | right.free_symbols
    mapping = _assumption_map(assumptions, free)
    checked = _constraints(constraints, mapping, {mapping.get(s, s) for s in free})
    if mapping:
        left, right = left.xreplace(mapping), right.xreplace(mapping)
    return left, right, checked, n_points, seed


def check_identity(lhs: object, rhs: object, *, assumptions: Mapping | None = None,
                   constraints: Sequence[sp.Basic] = (), n_points: int = 12, seed: int = 0) -> CheckResult:
    """The checker's result for ``lhs == rhs``; ``assumptions`` maps symbols to words such as "positive". A
    counterexample is given at the simplest values (small integers and fractions first) where the sides differ."""
    left, right, checked, n_points, seed = _validated(lhs, rhs, assumptions, constraints, n_points, seed)
    result = prove_identity(left, right, constraints=checked, n_points=n_points, seed=seed)
    if result.status is Status.REFUTED and result.counterexample is not None:
        simplest = simplest_counterexample(left, right, result.counterexample, checked)
        if simplest is not result.counterexample:
            summary = result.summary.replace(f"(|diff| = {result.counterexample.gap})", f"(|diff| = {simplest.gap})")
            result = dataclasses.replace(result, counterexample=simplest, summary=summary)
    return result


def _describe_result(result: CheckResult) -> str:
    text = f"{result.status.value} by {result.method}: {result.summary}"
    cx = result.counterexample
    if cx is not None:
        point = ", ".join(f"{k} = {v}" for k, v in cx.instance.items())
        text += f"\n  counterexample: {point}\n  lhs = {cx.lhs}\n  rhs = {cx.rhs}\n  ({cx.dps} digits)"
        if cx.note:
            text += f"\n  {cx.note}"
    disagreement = result.details.get("disagreement")
    if disagreement:
        point = ", ".join(f"{k} = {v}" for k, v in disagreement["point"].items())
        text += (f"\n  not a counterexample: at {point} the search found lhs - rhs = "
                 f"{disagreement['search (mpmath)']}, but the confirming evaluation gave "
                 f"{disagreement['confirming (SymPy evalf)']}")
    return text


def assert_identity(lhs: object, rhs: object, *, assumptions: Mapping | None = None,
                    constraints: Sequence[sp.Basic] = (), allow_numeric: bool = False, n_points: int = 12,
                    seed: int = 0) -> CheckResult:
    """Assert that ``lhs == rhs`` is PROVED; otherwise fail with the evidence. With ``allow_numeric`` a CHECKED
    identity passes too: checked at sampled points (seeded draws and probe points), which is not a proof."""
    __tracebackhide__ = True  # pytest shows the failing call, not this function's internals
    allow_numeric = flag("allow_numeric", allow_numeric)
    result = check_identity(lhs, rhs, assumptions=assumptions, constraints=constraints, n_points=n_points,
                            seed=seed)
    accepted = {Status.PROVED} | ({Status.CHECKED} if allow_numeric else set())
    if result.status not in accepted:
        raise AssertionError(f"identity not established: {_describe_result(result)}")
    return result


def assert_refuted(lhs: object, rhs: object, *, assumptions: Mapping | None = None,
                   constraints: Sequence[sp.Basic] = (), n_points: int = 12, seed: int = 0) -> CheckResult:
    """Assert that ``lhs == rhs`` is REFUTED by a concrete counterexample (e.g. a negative control)."""
    __tracebackhide__ = True  # pytest shows the failing call, not this function's internals
    result = check_identity(lhs, rhs, assumptions=assumptions, constraints=constraints, n_points=n_points,
                            seed=seed)
    if result.status is not Status.REFUTED:
        raise AssertionError(f"expected a refutation, got {_describe_result(result)}")
    return result


def _sizes(sizes: object) -> list[tuple[int, ...]]:
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Iterable):
        raise SymbolicVAEError(f"sizes: expected a list of size tuples such as [(1,), (2,)], got {_describe(sizes)}")
    checked = []
    for size in sizes:
        if not isinstance(size, (tuple, list)) or not size:
            raise SymbolicVAEError(f"sizes: each size must be a non-empty tuple of integers such as (2,) or (2, 3), "
                                   f"got {_describe(size)}")
        checked.append(tuple(dimension("sizes", n, minimum=0) for n in size))
    if not checked:
        raise SymbolicVAEError("sizes: expected at least one size, got none")
    return checked


def _built(build: Callable[[tuple[int, ...]], Any], size: tuple[int, ...]) -> SizedIdentity:
    sides = build(size)
    if not isinstance(sides, (tuple, list)) or len(sides) != 2:
        raise SymbolicVAEError(f"build: expected build({size}) to return the pair (lhs, rhs), got {_describe(sides)}")
    try:
        left, right = _side("lhs", sides[0]), _side("rhs", sides[1])
        _same_shape(left, right)
    except SymbolicVAEError as err:
        raise SymbolicVAEError(f"build: at size {size}, {err}") from None
    return SizedIdentity(size, left, right)


def assert_identity_at_sizes(build: Callable[[tuple[int, ...]], tuple[sp.Basic, sp.Basic]],
                             sizes: Iterable[tuple[int, ...]]) -> CheckResult:
    """Assert an explicit-matrix identity at every size: ``build(size)`` returns (lhs, rhs)."""
    __tracebackhide__ = True  # pytest shows the failing call, not this function's internals
    if not callable(build):
        raise SymbolicVAEError(f"build: expected a function size -> (lhs, rhs), got {_describe(build)}")
    checked = _sizes(sizes)
    result = prove_at_sizes(lambda size: _built(build, size), checked)
    if result.status is not Status.PROVED_AT_SIZES:
        raise AssertionError(f"identity not established at every size: {_describe_result(result)}")
    return result
