"""Exact rational linear algebra and exact instances, with no paper in particular. Matrices are lists of rows of
``fractions.Fraction`` (``Matrix``); ``to_sympy``, ``to_rational`` and ``to_mpf`` convert to SymPy and mpmath.
Here live the product, transpose and Gauss-Jordan solve (over any exact field, e.g. the forward-mode ``Dual``
numbers), the exact PSD test, exact square roots of rationals, and the builders of exact instances from a seeded
generator: rational orthogonal matrices by the Cayley transform, signed permutations and dyadic orthogonal
matrices. A builder makes its generator calls in a fixed, documented order, so that a seed always gives the same
instance."""

from __future__ import annotations

import functools
import itertools
import math
import operator
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np
import sympy as sp

Matrix = list[list[Fraction]]
"""An exact matrix [rows, cols]: a list of rows of Fractions."""


# =====================================================================================================
# Dual numbers: forward-mode differentiation in exact arithmetic
# =====================================================================================================
class Dual:
    """a + b eps with eps^2 = 0 and rational parts: forward-mode differentiation in exact arithmetic."""

    __slots__ = ("a", "b")

    def __init__(self, a: Fraction | int, b: Fraction | int = 0) -> None:
        self.a, self.b = Fraction(a), Fraction(b)

    def __add__(self, o: Dual | Fraction | int) -> Dual:
        o = _dual(o)
        return Dual(self.a + o.a, self.b + o.b)

    __radd__ = __add__

    def __sub__(self, o: Dual | Fraction | int) -> Dual:
        o = _dual(o)
        return Dual(self.a - o.a, self.b - o.b)

    def __mul__(self, o: Dual | Fraction | int) -> Dual:
        o = _dual(o)
        return Dual(self.a * o.a, self.a * o.b + self.b * o.a)

    __rmul__ = __mul__

    def __truediv__(self, o: Dual | Fraction | int) -> Dual:
        o = _dual(o)
        return Dual(self.a / o.a, (self.b * o.a - self.a * o.b) / (o.a * o.a))

    def __bool__(self) -> bool:
        return self.a != 0 or self.b != 0

    def invertible(self) -> bool:
        """A dual number has an inverse iff its real part is non-zero."""
        return self.a != 0


def _dual(v: Dual | Fraction | int) -> Dual:
    return v if isinstance(v, Dual) else Dual(v)


# =====================================================================================================
# Products, transpose, solve
# =====================================================================================================
def identity(n: int) -> Matrix:
    """I [n, n]."""
    return [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]


def transpose(X: Sequence[Sequence[Any]]) -> list[list[Any]]:
    """X^T [cols, rows] of X [rows, cols]."""
    return [list(r) for r in zip(*X, strict=True)]


def matmul(X: Sequence[Sequence[Fraction]], Y: Sequence[Sequence[Fraction]]) -> Matrix:
    """X Y [n, m] of X [n, k] and Y [k, m], exactly (products with a zero factor are skipped)."""
    columns = list(zip(*Y, strict=True))
    return [[sum((x * y for x, y in zip(row, col, strict=True) if x and y), Fraction(0)) for col in columns]
            for row in X]


def gauss_jordan(C: Sequence[Sequence[Any]], rhs: Sequence[Sequence[Any]], *,
                 invertible: Callable[[Any], bool] = lambda v: v != 0) -> tuple[Any, list[list[Any]]]:
    """(det C, C^-1 rhs) for C [n, n] and rhs [n, m] over an exact field (Fractions, or ``Dual`` with
    ``invertible=Dual.invertible``): Gauss-Jordan elimination, pivoting on the first invertible entry of a column.
    Raises ValueError when C is singular."""
    n = len(C)
    A = [list(row) + list(r) for row, r in zip(C, rhs, strict=True)]
    det: Any = 1
    for col in range(n):
        piv = next((r for r in range(col, n) if invertible(A[r][col])), None)
        if piv is None:
            raise ValueError("singular matrix")
        if piv != col:
            A[col], A[piv] = A[piv], A[col]
            det = det * -1
        p = A[col][col]
        det = det * p
        A[col] = [v / p for v in A[col]]
        for r in range(n):
            if r != col and A[r][col]:
                f = A[r][col]
                A[r] = [v - f * w for v, w in zip(A[r], A[col], strict=True)]
    return det, [row[n:] for row in A]


def solve(A: Sequence[Sequence[Fraction]], B: Sequence[Sequence[Fraction]]) -> Matrix:
    """X [n, m] with A X = B, A [n, n] invertible, B [n, m], exactly (ValueError if A is singular)."""
    return gauss_jordan([[Fraction(v) for v in row] for row in A], [[Fraction(v) for v in row] for row in B])[1]


# =====================================================================================================
# Exact tests and square roots
# =====================================================================================================
def is_psd(M: Sequence[Sequence[Fraction]]) -> bool:
    """Exact PSD test of a symmetric rational matrix [n, n]: symmetric elimination with the largest diagonal
    pivot."""
    A = [list(row) for row in M]
    active = list(range(len(A)))
    while active:
        i = max(active, key=lambda j: A[j][j])
        pivot = A[i][i]
        if pivot < 0:
            return False
        if pivot == 0:  # every remaining diagonal entry is 0: PSD iff the remaining block is 0
            return all(A[r][c] == 0 for r in active for c in active)
        active.remove(i)
        for r in active:
            factor = A[r][i] / pivot
            if factor:
                for c in active:
                    A[r][c] -= factor * A[i][c]
    return True


def rational_sqrt(q: Fraction | int) -> Fraction | None:
    """The rational r >= 0 with r^2 = q, or None when q is negative or not the square of a rational."""
    q = Fraction(q)
    if q < 0:
        return None
    a, b = math.isqrt(q.numerator), math.isqrt(q.denominator)
    return Fraction(a, b) if Fraction(a, b) ** 2 == q else None


def exact_sqrt(q: Fraction | int) -> Fraction:
    """``rational_sqrt`` for a q known to be a rational square; ValueError otherwise."""
    root = rational_sqrt(q)
    if root is None:
        raise ValueError(f"{q} is not a rational square")
    return root


# =====================================================================================================
# Exact instances
# =====================================================================================================
def random_skew(n: int, rng: np.random.Generator, numerators: tuple[int, int],
                denominators: tuple[int, int] | None = None) -> Matrix:
    """A skew-symmetric K [n, n]: for i < j in row order, K_ij = rng.integers(*numerators) (divided by
    rng.integers(*denominators), drawn next, when given) and K_ji = -K_ij."""
    K = [[Fraction(0)] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            v = Fraction(int(rng.integers(*numerators)))
            if denominators is not None:
                v /= int(rng.integers(*denominators))
            K[i][j], K[j][i] = v, -v
    return K


def cayley(K: Sequence[Sequence[Fraction | int]]) -> Matrix:
    """Q = (I - K)(I + K)^-1 [n, n] for a skew K [n, n]: an exactly rational orthogonal matrix."""
    n = len(K)
    I_minus = [[Fraction(int(i == j)) - K[i][j] for j in range(n)] for i in range(n)]
    I_plus = [[Fraction(int(i == j)) + K[i][j] for j in range(n)] for i in range(n)]
    # (I - K)(I + K)^-1 = ((I + K)^-T (I - K)^T)^T; solve (I + K)^T X = (I - K)^T
    return transpose(solve(transpose(I_plus), transpose(I_minus)))


def rational_orthogonal(n: int, rng: np.random.Generator, *, numerators: tuple[int, int],
                        denominators: tuple[int, int] | None = None, random_signs: bool = False) -> Matrix:
    """An exact rational orthogonal Q [n, n]: the Cayley transform of ``random_skew(n, rng, numerators,
    denominators)``, then (``random_signs``) times diag(rng.choice([-1, 1], size=n))."""
    Q = cayley(random_skew(n, rng, numerators, denominators))
    if random_signs:
        signs = [int(s) for s in rng.choice([-1, 1], size=n)]
        Q = [[v * s for v, s in zip(row, signs, strict=True)] for row in Q]
    return Q


def signed_permutations(n: int) -> list[Matrix]:
    """Every signed permutation matrix [n, n] (2^n n! of them), the identity first: permutations in lexicographic
    order, signs (+1 before -1) varying fastest."""
    out = []
    for perm in itertools.permutations(range(n)):
        for signs in itertools.product((1, -1), repeat=n):
            out.append([[Fraction(signs[i]) if perm[i] == j else Fraction(0) for j in range(n)] for i in range(n)])
    return out


def random_signed_permutation(n: int, rng: np.random.Generator) -> Matrix:
    """P [n, n] with P[i, perm_i] = s_i: perm = rng.permutation(n), then s = rng.choice([-1, 1], size=n)."""
    perm = rng.permutation(n)
    signs = rng.choice([-1, 1], size=n)
    return [[Fraction(int(signs[i])) if perm[i] == j else Fraction(0) for j in range(n)] for i in range(n)]


HADAMARD_4 = ((1, 1, 1, 1), (1, -1, 1, -1), (1, 1, -1, -1), (1, -1, -1, 1))


def dyadic_orthogonal(n: int, rng: np.random.Generator) -> Matrix:
    """An orthogonal matrix [n, n] with dyadic entries: H_4 / 2 times ``random_signed_permutation`` for n = 4,
    else the signed permutation alone."""
    P = random_signed_permutation(n, rng)
    if n != 4:
        return P
    return matmul([[Fraction(v, 2) for v in row] for row in HADAMARD_4], P)


# =====================================================================================================
# SymPy and mpmath views, display
# =====================================================================================================
def to_rational(q: Fraction | int) -> sp.Rational:
    """The SymPy Rational equal to q."""
    q = Fraction(q)
    return sp.Rational(q.numerator, q.denominator)


_RELATIONS: dict[type, Callable[[Fraction, Fraction], bool]] = {
    sp.StrictLessThan: lambda a, b: a < b, sp.LessThan: lambda a, b: a <= b, sp.StrictGreaterThan: lambda a, b: a > b,
    sp.GreaterThan: lambda a, b: a >= b, sp.Equality: lambda a, b: a == b, sp.Unequality: lambda a, b: a != b}


def evaluate_exact(expr: sp.Basic, values: dict[sp.Symbol, Fraction | int]) -> Fraction | bool:
    """A rational function of symbols (sums, products, integer powers, Max, Min, rational numbers), or a relational
    between two of them, evaluated exactly in Fractions at ``values`` (symbol -> rational): a formula written in
    SymPy, read as exact arithmetic. Any other node, or a symbol without a value, raises ValueError."""
    return _exact_evaluator(expr)(values)


ExactEvaluator = Callable[[dict[sp.Symbol, Fraction | int]], Fraction | bool]
"""``expr`` read as exact arithmetic: values (symbol -> rational) -> its Fraction (or bool, for a relational)."""


@functools.cache
def _exact_evaluator(expr: sp.Basic) -> ExactEvaluator:
    """The evaluator of ``evaluate_exact`` for ``expr``, built once per expression: its tree walked once into nested
    closures that do the same Fraction operations, argument by argument, as walking the tree at every call would."""
    if isinstance(expr, sp.Rel):
        relation = _RELATIONS.get(type(expr))
        if relation is None:
            raise ValueError(f"evaluate_exact: unsupported relation {expr}")
        lhs, rhs = _exact_evaluator(expr.lhs), _exact_evaluator(expr.rhs)
        return lambda values: relation(lhs(values), rhs(values))
    if isinstance(expr, sp.Symbol):
        def symbol_value(values: dict[sp.Symbol, Fraction | int]) -> Fraction:
            try:
                value = values[expr]
            except KeyError:
                raise ValueError(f"evaluate_exact: no value for {expr}") from None
            return value if isinstance(value, Fraction) else Fraction(value)
        return symbol_value
    if isinstance(expr, sp.Rational):
        number = Fraction(int(expr.p), int(expr.q))
        return lambda values: number
    args = [_exact_evaluator(a) for a in expr.args]
    if isinstance(expr, sp.Add):  # SymPy's Add and Mul have two or more arguments
        return lambda values: functools.reduce(operator.add, [a(values) for a in args])
    if isinstance(expr, sp.Mul):
        return lambda values: functools.reduce(operator.mul, [a(values) for a in args])
    if isinstance(expr, sp.Pow) and isinstance(expr.exp, sp.Integer):
        base, exponent = args[0], int(expr.exp)
        return lambda values: base(values) ** exponent
    if isinstance(expr, (sp.Max, sp.Min)):
        pick = max if isinstance(expr, sp.Max) else min
        return lambda values: pick([a(values) for a in args])

    def unsupported(values: dict[sp.Symbol, Fraction | int]) -> Fraction:
        for a in args:
            a(values)
        raise ValueError(f"evaluate_exact: not a rational function: {expr}")
    return unsupported


def to_mpf(q: Fraction | int) -> mpmath.mpf:
    """q as an mpmath number at the working precision (numerator / denominator, rounded once)."""
    q = Fraction(q)
    return mpmath.mpf(q.numerator) / q.denominator


def to_sympy(M: Sequence[Sequence[Fraction | int]]) -> sp.Matrix:
    """The SymPy matrix of Rationals [rows, cols] with the entries of M."""
    return sp.Matrix([[to_rational(v) for v in row] for row in M])


def exact_simplify(expr: sp.Expr) -> sp.Expr:
    """An exact SymPy value in a canonical form (radicals rationalized, rationals left untouched)."""
    return sp.nsimplify(sp.radsimp(sp.expand(expr))) if not expr.is_Rational else expr


def matrix_text(M: sp.Matrix) -> str:
    """ "[a b; c d]": the rows of a SymPy matrix, separated by semicolons."""
    return "[" + "; ".join(" ".join(str(e) for e in M.row(i)) for i in range(M.rows)) + "]"


def rows_text(M: Sequence[Sequence[Fraction]]) -> str:
    """ "[['a', 'b'], ['c', 'd']]": the rows of an exact matrix as lists of strings."""
    return str([[str(v) for v in r] for r in M])
