import pytest
import sympy as sp

from symbolic_vae import SymbolicVAEError
from symbolic_vae.testing import assert_identity, assert_identity_at_sizes, assert_refuted

x, s = sp.symbols("x s")


def test_assert_identity_passes_with_assumptions():
    result = assert_identity(sp.log(s**2), 2 * sp.log(s), assumptions={s: "positive"})
    assert result.status.value == "PROVED"


def test_assert_identity_fails_and_prints_the_counterexample():
    with pytest.raises(AssertionError) as info:
        assert_identity(sp.sqrt(x**2), x, assumptions={x: "real"})
    message = str(info.value)
    assert "counterexample" in message and "x = -" in message and "lhs =" in message


def test_assert_refuted_and_its_failure():
    assert_refuted(sp.sqrt(x**2), x, assumptions={x: "real"})
    with pytest.raises(AssertionError, match="expected a refutation"):
        assert_refuted((x + 1) ** 2, x**2 + 2 * x + 1)


def test_assert_identity_at_sizes():
    def build(size):
        (n,) = size
        M = sp.Matrix(n, n, lambda i, j: sp.Symbol(f"a{i}{j}"))
        return (M + M.T).trace(), 2 * M.trace()

    assert_identity_at_sizes(build, [(1,), (2,), (3,)])
    with pytest.raises(AssertionError, match="size"):
        assert_identity_at_sizes(lambda size: (build(size)[0], build(size)[1] + 1), [(1,)])


def test_bad_arguments_get_the_package_error():
    with pytest.raises(SymbolicVAEError, match="assumptions"):
        assert_identity(x, x, assumptions={x: "imaginary-ish"})
    with pytest.raises(SymbolicVAEError, match="lhs"):
        assert_identity(object(), x)
