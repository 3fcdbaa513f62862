"""Assertions for regression tests of symbolic identities, usable from any pytest suite.

    >>> import sympy as sp
    >>> from symbolic_vae.testing import assert_identity, assert_refuted
    >>> x = sp.Symbol("x", positive=True)
    >>> assert_identity(sp.log(x**2), 2 * sp.log(x))
    >>> assert_refuted(sp.sqrt(x**2), -x)

A failing assertion prints the counterexample: the point of the domain, and both sides at high precision.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import sympy as sp

from ._errors import SymbolicVAEError
from ._identity import SizedIdentity, prove_at_sizes, prove_identity
from ._verdict import CheckResult, Status

__all__ = ["assert_identity", "assert_refuted", "assert_identity_at_sizes", "check_identity"]

_ASSUMPTION_WORDS = {"positive", "nonnegative", "negative", "nonpositive", "real", "integer", "nonzero"}


def _with_assumptions(exprs: Sequence[sp.Basic], assumptions: Mapping[sp.Symbol, str | Iterable[str]] | None):
    if not assumptions:
        return list(exprs), ()
    mapping = {}
    for symbol, words in assumptions.items():
        if not isinstance(symbol, sp.Symbol):
            raise SymbolicVAEError(f"assumptions: keys must be SymPy symbols, got {symbol!r}")
        words = {words} if isinstance(words, str) else set(words)
        unknown = words - _ASSUMPTION_WORDS
        if unknown:
            raise SymbolicVAEError(f"assumptions: unknown assumption {sorted(unknown)} for {symbol}; "
                                   f"use any of {sorted(_ASSUMPTION_WORDS)}")
        mapping[symbol] = sp.Symbol(symbol.name, **dict.fromkeys(words, True))
    return [sp.sympify(e).xreplace(mapping) for e in exprs], tuple(mapping.values())


def _as_sympy(name: str, value: object) -> sp.Basic:
    try:
        return value if isinstance(value, sp.MatrixBase) else sp.sympify(value, strict=True)
    except (sp.SympifyError, TypeError) as err:
        raise SymbolicVAEError(f"{name}: not a SymPy expression ({err})") from None


def check_identity(lhs: object, rhs: object, *, assumptions: Mapping | None = None,
                   constraints: Sequence[sp.Basic] = (), n_points: int = 12, seed: int = 0) -> CheckResult:
    """The checker's result for ``lhs == rhs``; ``assumptions`` maps symbols to words such as "positive"."""
    (left, right), _ = _with_assumptions([_as_sympy("lhs", lhs), _as_sympy("rhs", rhs)], assumptions)
    return prove_identity(left, right, constraints=constraints, n_points=n_points, seed=seed)


def _describe(result: CheckResult) -> str:
    text = f"{result.status.value} by {result.method}: {result.summary}"
    cx = result.counterexample
    if cx is not None:
        point = ", ".join(f"{k} = {v}" for k, v in cx.instance.items())
        text += f"\n  counterexample: {point}\n  lhs = {cx.lhs}\n  rhs = {cx.rhs}\n  ({cx.dps} digits)"
    return text


def assert_identity(lhs: object, rhs: object, *, assumptions: Mapping | None = None,
                    constraints: Sequence[sp.Basic] = (), allow_numeric: bool = False, n_points: int = 12,
                    seed: int = 0) -> CheckResult:
    """Assert that ``lhs == rhs`` is PROVED (or CHECKED, with ``allow_numeric``); otherwise fail with the evidence."""
    result = check_identity(lhs, rhs, assumptions=assumptions, constraints=constraints, n_points=n_points,
                            seed=seed)
    accepted = {Status.PROVED} | ({Status.CHECKED} if allow_numeric else set())
    if result.status not in accepted:
        raise AssertionError(f"identity not established: {_describe(result)}")
    return result


def assert_refuted(lhs: object, rhs: object, *, assumptions: Mapping | None = None,
                   constraints: Sequence[sp.Basic] = (), n_points: int = 12, seed: int = 0) -> CheckResult:
    """Assert that ``lhs == rhs`` is REFUTED by a concrete counterexample (e.g. a negative control)."""
    result = check_identity(lhs, rhs, assumptions=assumptions, constraints=constraints, n_points=n_points,
                            seed=seed)
    if result.status is not Status.REFUTED:
        raise AssertionError(f"expected a refutation, got {_describe(result)}")
    return result


def assert_identity_at_sizes(build: Callable[[tuple[int, ...]], tuple[sp.Basic, sp.Basic]],
                             sizes: Iterable[tuple[int, ...]]) -> CheckResult:
    """Assert an explicit-matrix identity at every size: ``build(size)`` returns (lhs, rhs)."""
    result = prove_at_sizes(lambda size: SizedIdentity(size, *build(size)), list(sizes))
    if result.status is not Status.PROVED_AT_SIZES:
        raise AssertionError(f"identity not established at every size: {_describe(result)}")
    return result
