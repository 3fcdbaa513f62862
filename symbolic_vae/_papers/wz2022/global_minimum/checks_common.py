"""Helpers shared by the checks of the section: the sizes (d0, d1, d2) up to 3 and the order in which minimal
counterexamples are sought, the section's exact rational orthogonal matrices and signed permutations (SymPy views
of the engine's), and the 30-digit display of exact values."""

from __future__ import annotations

import numpy as np
import sympy as sp

from symbolic_vae._engine.exact import rational_orthogonal, signed_permutations, to_sympy
from symbolic_vae._engine.identity import all_sizes

SIZES = all_sizes(3)  # every (d0, d1, d2) up to 3
SIZES_BY_SCALE = sorted(SIZES, key=lambda s: (sum(s), s))  # the order in which minimal counterexamples are sought
SKEW_NUMERATORS, SKEW_DENOMINATORS = (-3, 4), (1, 4)  # skew entries p / q, p = rng.integers(-3, 4), q = (1, 4)


def random_rational_orthogonal(n: int, rng: np.random.Generator) -> sp.Matrix:
    """An exact rational orthogonal n x n matrix: the Cayley transform (I - S)(I + S)^{-1} of a random skew S with
    small rational entries, times a random diagonal sign matrix."""
    return to_sympy(rational_orthogonal(n, rng, numerators=SKEW_NUMERATORS, denominators=SKEW_DENOMINATORS,
                                        random_signs=True))


def signed_permutation_matrices(n: int) -> list[sp.Matrix]:
    """Every signed permutation matrix of size n as a SymPy matrix, the identity first."""
    return [to_sympy(P) for P in signed_permutations(n)]


def at_30_digits(expr: sp.Expr) -> str:
    return str(sp.N(expr, 30))
