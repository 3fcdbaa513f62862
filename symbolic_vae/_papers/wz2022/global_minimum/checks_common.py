"""Helpers shared by the checks of the section: the sizes (d0, d1, d2) up to 3 and the order in which minimal
counterexamples are sought, exact rational orthogonal matrices and signed permutations, Haar-random
orthogonal matrices, and the exact simplification and display of exact values."""

from __future__ import annotations

import itertools

import numpy as np
import sympy as sp

from symbolic_vae._engine.identity import all_sizes

SIZES = all_sizes(3)  # every (d0, d1, d2) up to 3
SIZES_BY_SCALE = sorted(SIZES, key=lambda s: (sum(s), s))  # the order in which minimal counterexamples are sought


# =====================================================================================================
# Exact rational arithmetic with orthogonal matrices
# =====================================================================================================
def rational_orthogonal(n: int, rng: np.random.Generator) -> sp.Matrix:
    """An exact rational orthogonal n x n matrix: the Cayley transform (I - S)(I + S)^{-1} of a random skew S with
    small rational entries, times a random diagonal sign matrix."""
    S = sp.zeros(n, n)
    for i in range(n):
        for j in range(i + 1, n):
            S[i, j] = sp.Rational(int(rng.integers(-3, 4)), int(rng.integers(1, 4)))
            S[j, i] = -S[i, j]
    Q = (sp.eye(n) - S) * (sp.eye(n) + S).inv()
    return Q * sp.diag(*[int(s) for s in rng.choice([-1, 1], size=n)])


def signed_permutations(n: int) -> list[sp.Matrix]:
    """Every signed permutation matrix of size n, the identity first."""
    out = []
    for perm in itertools.permutations(range(n)):
        for signs in itertools.product((1, -1), repeat=n):
            M = sp.zeros(n, n)
            for i, j in enumerate(perm):
                M[i, j] = signs[i]
            out.append(M)
    return out


def matrix_str(M: sp.Matrix) -> str:
    return "[" + "; ".join(" ".join(str(e) for e in M.row(i)) for i in range(M.rows)) + "]"


def exact_simplify(expr: sp.Expr) -> sp.Expr:
    return sp.nsimplify(sp.radsimp(sp.expand(expr))) if not expr.is_Rational else expr


def at_30_digits(expr: sp.Expr) -> str:
    return str(sp.N(expr, 30))
