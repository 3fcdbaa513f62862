"""Probe points: the parts of a domain that seeded draws rarely reach.

Seeded draws (``numeric_backend.draw_points``) take moderate rationals. An identity can be false only far out
(``floor(x / 10**6) = 0``), at integers or half-integers, exactly on a branch threshold or just beside it, or off the
real line for a symbol SymPy takes as complex. ``probe_points`` lists such points for the identity's symbols: values
of every magnitude from 10**-12 to 10**12, integers and half-integers, complex values for symbols not declared real,
and each branch threshold of the sides (and of the constraints) with points 10**-3 beside it. Only points inside the
declared domain are kept; the search uses them to refute, never to pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import sympy as sp
from sympy.core.relational import Relational

from symbolic_vae._core.seeds import derive_seed

MAX_PROBES = 24
"""The most probe points one search evaluates (the thresholds' points first, then the special values)."""

_HALF = sp.Rational(1, 2)
_SEVENTH = sp.Rational(1, 7)
REAL_VALUES: tuple[sp.Expr, ...] = (
    sp.Integer(1), -sp.Integer(1), sp.Integer(0), _HALF, -_HALF, sp.Integer(2), sp.Rational(-3, 2), sp.Integer(3),
    sp.Rational(7, 3), sp.Integer(-5), 10**6 + _SEVENTH, -(10**6 + _SEVENTH), sp.Integer(10) ** -6,
    -sp.Integer(10) ** -6, 10**12 + _SEVENTH, sp.Integer(10) ** -12, sp.Rational(999, 1000), 100 + _SEVENTH,
)
"""Special real values: small integers and half-integers, and extreme magnitudes of both signs. The large ones are
not integers: SymPy evaluates gamma, polygamma or harmonic at a large integer exactly, with millions of digits."""

INTEGER_VALUES: tuple[sp.Expr, ...] = tuple(v for v in REAL_VALUES if v.is_integer)

COMPLEX_VALUES: tuple[sp.Expr, ...] = (
    sp.I, -sp.I, 1 + 2 * sp.I, sp.Rational(-3, 2) + sp.I / 2, -2 - 3 * sp.I, sp.Integer(-1) + sp.I / 1000,
    sp.Integer(-2), 3 * sp.I - 10**6 - _SEVENTH, 1 + 4 * sp.I, sp.Rational(-7, 2) * sp.I + 1,
)
"""Special values of a complex symbol: both half-planes, beside the negative real axis (branch cuts), and
imaginary parts beyond pi (where log(exp(z)) != z)."""

_PROBE_STREAM = 0x70726F6265
"""Second entropy word of the probes' generator, so that they do not replay the seeded draws."""

THRESHOLD_OFFSET = sp.Rational(1, 1000)
"""Points beside a threshold t lie at t +- THRESHOLD_OFFSET * max(1, |t|)."""


def special_values(symbol: sp.Symbol) -> list[sp.Expr]:
    """The special values of ``symbol`` allowed by its assumptions."""
    if symbol.is_integer:
        pool: Iterable[sp.Expr] = INTEGER_VALUES
    elif symbol.is_real:
        pool = REAL_VALUES
    else:
        pool = (*COMPLEX_VALUES, *REAL_VALUES[:6])
    return [v for v in pool if allowed_value(symbol, v)]


def allowed_value(symbol: sp.Symbol, value: sp.Expr) -> bool:
    """Every assumption SymPy can decide at ``value`` holds."""
    for key, wanted in symbol.assumptions0.items():
        actual = getattr(value, f"is_{key}", None)
        if actual is not None and actual != wanted:
            return False
    return True


def probe_points(symbols: Sequence[sp.Symbol], sides: Sequence[sp.Basic], constraints: Sequence[sp.Basic],
                 seed: int) -> list[dict[sp.Symbol, sp.Expr]]:
    """At most MAX_PROBES points (symbol -> exact value): between two thresholds of a symbol, on and beside each
    branch threshold, then the special values, combined across symbols in a seeded order. Not filtered by the
    constraints (the caller does)."""
    if not symbols:
        return []
    pools = {s: special_values(s) for s in symbols}
    if any(not pool for pool in pools.values()):
        return []
    rng = np.random.default_rng([derive_seed(seed), _PROBE_STREAM])
    offsets = {s: int(rng.integers(len(pools[s]))) for s in symbols}

    def special(k: int) -> dict[sp.Symbol, sp.Expr]:
        return {s: pools[s][(offsets[s] + k * (i + 1)) % len(pools[s])] for i, s in enumerate(symbols)}

    points: list[dict[sp.Symbol, sp.Expr]] = []
    thresholds = _thresholds(symbols, sides, constraints, special(0))
    for symbol, threshold in thresholds:
        step = THRESHOLD_OFFSET * max(sp.Integer(1), abs(threshold))
        for value in (threshold, threshold - step, threshold + step):
            if allowed_value(symbol, value):
                points.append({**special(len(points)), symbol: value})
    for symbol in symbols:  # between two thresholds of one symbol: a region thinner than any offset
        values = sorted({v for s, v in thresholds if s == symbol})
        for low, high in zip(values, values[1:], strict=False):
            if allowed_value(symbol, (low + high) / 2):
                points.insert(0, {**special(len(points)), symbol: (low + high) / 2})
    k = 0
    while len(points) < MAX_PROBES and k < MAX_PROBES:
        points.append(special(k))
        k += 1
    unique = list({tuple(sorted(p.items(), key=lambda kv: kv[0].name)): p for p in points}.values())
    return unique[:MAX_PROBES]


def _thresholds(symbols: Sequence[sp.Symbol], sides: Sequence[sp.Basic], constraints: Sequence[sp.Basic],
                base: dict[sp.Symbol, sp.Expr]) -> list[tuple[sp.Symbol, sp.Expr]]:
    """(symbol, rational value) where a branch condition of the sides or a constraint changes, with the other
    symbols at ``base``: the real roots of each relational's lhs - rhs, linear in that symbol."""
    relations: set[sp.Basic] = set()
    for side in sides:
        try:
            rewritten = sp.sympify(side).rewrite(sp.Piecewise)
        except (TypeError, ValueError, AttributeError, NotImplementedError):
            continue
        for piecewise in rewritten.atoms(sp.Piecewise):
            for _, condition in piecewise.args:
                relations |= condition.atoms(Relational) if isinstance(condition, sp.Basic) else set()
        for function in rewritten.atoms(sp.floor, sp.ceiling, sp.frac, sp.sign):
            relations.add(sp.Eq(function.args[0], sp.Integer(1), evaluate=False))
    for constraint in constraints:
        relations |= constraint.atoms(Relational)
    found: list[tuple[sp.Symbol, sp.Expr]] = []
    for relation in sorted(relations, key=sp.default_sort_key):
        difference = relation.lhs - relation.rhs
        for symbol in symbols:
            if symbol not in difference.free_symbols:
                continue
            reduced = sp.expand(difference.xreplace({s: v for s, v in base.items() if s != symbol}))
            if not reduced.is_polynomial(symbol) or sp.degree(reduced, symbol) != 1:
                continue
            root = sp.solve(reduced, symbol)
            if root and root[0].is_Rational:
                found.append((symbol, root[0]))
    return found[: MAX_PROBES // 3]
