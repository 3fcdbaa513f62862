"""The exact rational linear algebra and exact instances of ``symbolic_vae._engine.exact``."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from symbolic_vae._engine.exact import (
    Dual,
    cayley,
    dyadic_orthogonal,
    evaluate_exact,
    exact_simplify,
    exact_sqrt,
    gauss_jordan,
    identity,
    is_psd,
    matmul,
    matrix_text,
    random_signed_permutation,
    random_skew,
    rational_orthogonal,
    rational_sqrt,
    rows_text,
    signed_permutations,
    solve,
    to_mpf,
    to_rational,
    to_sympy,
    transpose,
)

F = Fraction


def _is_orthogonal(Q: list[list[F]]) -> bool:
    n = len(Q)
    return matmul(transpose(Q), Q) == identity(n) and matmul(Q, transpose(Q)) == identity(n)


def test_cayley_transform_is_exactly_orthogonal():
    Q = cayley([[0, 1, -2], [-1, 0, 1], [2, -1, 0]])
    assert _is_orthogonal(Q) and identity(3) != Q
    assert cayley([[0, F(1, 2)], [F(-1, 2), 0]]) == [[F(3, 5), F(-4, 5)], [F(4, 5), F(3, 5)]]


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_random_rational_orthogonal_matrices_are_exactly_orthogonal(n):
    rng = np.random.default_rng(n)
    for _ in range(3):
        assert _is_orthogonal(rational_orthogonal(n, rng, numerators=(-3, 4), denominators=(1, 4), random_signs=True))
        assert _is_orthogonal(rational_orthogonal(n, rng, numerators=(-2, 3)))
        assert _is_orthogonal(dyadic_orthogonal(n, rng))
        assert _is_orthogonal(random_signed_permutation(n, rng))


def test_non_orthogonal_matrix_fails_the_orthogonality_test():  # negative control of the test above
    assert not _is_orthogonal([[F(1), F(1)], [F(0), F(1)]])
    assert not _is_orthogonal([[F(1, 2), F(0)], [F(0), F(2)]])


def test_draws_follow_the_documented_generator_calls():
    rng, ref = np.random.default_rng(3), np.random.default_rng(3)
    K = random_skew(3, rng, (-3, 4), (1, 4))
    expected = {}
    for i, j in ((0, 1), (0, 2), (1, 2)):
        expected[i, j] = F(int(ref.integers(-3, 4)), int(ref.integers(1, 4)))
    assert all(K[i][j] == v and K[j][i] == -v for (i, j), v in expected.items())
    assert all(K[i][i] == 0 for i in range(3))
    perm, signs = ref.permutation(4), ref.choice([-1, 1], size=4)
    P = random_signed_permutation(4, rng)
    assert all(P[i][int(perm[i])] == int(signs[i]) for i in range(4))
    assert rng.integers(10**9) == ref.integers(10**9)


def test_signed_permutations_are_all_distinct_and_orthogonal():
    perms = signed_permutations(3)
    assert len(perms) == 48 and perms[0] == identity(3)
    assert len({str(P) for P in perms}) == 48 and all(_is_orthogonal(P) for P in perms)


def test_solve_matches_a_known_answer():
    A = [[F(2), F(1)], [F(1), F(3)]]
    X = [[F(1), F(-2)], [F(1, 2), F(0)]]
    assert solve(A, matmul(A, X)) == X
    assert solve([[F(0), F(1)], [F(1), F(0)]], [[F(5)], [F(7)]]) == [[F(7)], [F(5)]]  # needs a row swap
    det, _ = gauss_jordan(A, identity(2))
    assert det == 5


def test_solve_rejects_a_singular_matrix():
    with pytest.raises(ValueError):
        solve([[F(1), F(2)], [F(2), F(4)]], [[F(1)], [F(0)]])


def test_dual_numbers_differentiate_a_determinant_exactly():
    t = Dual(F(3), 1)  # d/dt det [[t, 1], [1, t]] = 2t at t = 3
    det, inv = gauss_jordan([[t, Dual(1)], [Dual(1), t]], [[Dual(1), Dual(0)], [Dual(0), Dual(1)]],
                            invertible=Dual.invertible)
    assert (det.a, det.b) == (8, 6)
    assert (inv[0][0].a, inv[0][0].b) == (F(3, 8), F(-10, 64))  # d/dt t / (t^2 - 1) = -(t^2 + 1) / (t^2 - 1)^2


def test_exact_psd_test():
    assert is_psd([[F(2), F(1)], [F(1), F(2)]])
    assert is_psd([[F(1), F(1)], [F(1), F(1)]])  # singular PSD
    assert is_psd([[F(0), F(0)], [F(0), F(0)]])
    Q = cayley([[0, 1, -2], [-1, 0, 1], [2, -1, 0]])
    assert is_psd(matmul(matmul(Q, [[F(3), 0, 0], [0, F(1, 7), 0], [0, 0, F(0)]]), transpose(Q)))


def test_exact_psd_test_rejects_indefinite_matrices():  # negative controls
    assert not is_psd([[F(1), F(2)], [F(2), F(1)]])
    assert not is_psd([[F(0), F(1)], [F(1), F(0)]])  # zero diagonal, nonzero off-diagonal
    assert not is_psd([[F(2), F(0)], [F(0), F(-1, 10**9)]])
    Q = cayley([[0, 1, -2], [-1, 0, 1], [2, -1, 0]])
    assert not is_psd(matmul(matmul(Q, [[F(3), 0, 0], [0, F(1, 7), 0], [0, 0, F(-1, 100)]]), transpose(Q)))


def test_rational_square_roots():
    assert rational_sqrt(F(9, 4)) == F(3, 2) and rational_sqrt(0) == 0 and exact_sqrt(F(49, 64)) == F(7, 8)
    assert rational_sqrt(F(2)) is None and rational_sqrt(F(1, 8)) is None and rational_sqrt(F(-1)) is None
    with pytest.raises(ValueError):
        exact_sqrt(F(3, 4))


def test_sympy_views_and_text():
    M = [[F(1, 2), F(0)], [F(-3), F(2)]]
    S = to_sympy(M)
    assert sp.Matrix([[sp.Rational(1, 2), 0], [-3, 2]]) == S and all(e.is_Rational for e in S)
    assert matrix_text(S) == "[1/2 0; -3 2]" and rows_text(M) == "[['1/2', '0'], ['-3', '2']]"
    assert exact_simplify(sp.sqrt(8) / 2 - sp.sqrt(2)) == 0 and exact_simplify(sp.Rational(3, 4)) == sp.Rational(3, 4)
    assert to_rational(F(-3, 4)) == sp.Rational(-3, 4) and to_mpf(F(1, 4)) == 0.25


def test_evaluate_exact_reads_a_sympy_formula_as_exact_rational_arithmetic():
    x, y = sp.symbols("x y", positive=True)
    values = {x: Fraction(1, 3), y: 2}
    expr = ((2 - y * x) * x - sp.Rational(1, 7)) / (2 * x**2) + sp.Max(x, y) - sp.Min(x, y)
    expected = ((2 - Fraction(2, 3)) * Fraction(1, 3) - Fraction(1, 7)) / (2 * Fraction(1, 9)) + 2 - Fraction(1, 3)
    assert evaluate_exact(expr, values) == expected and isinstance(evaluate_exact(expr, values), Fraction)
    assert evaluate_exact(sp.Le(x**2, y / 18), values) is True
    assert evaluate_exact(sp.StrictLessThan(x**2, y / 18), values) is False
    for bad in (sp.sqrt(x), sp.log(x), x + sp.Symbol("z")):
        with pytest.raises(ValueError, match="evaluate_exact"):
            evaluate_exact(bad, values)
