"""Tests for numeric_backend._highprec: high-precision evaluation and the escalating zero test."""

import mpmath
import numpy as np
import pytest
import sympy

from numeric_backend import NumericBackendError, ZeroTest, classify_zero, evaluate_high_precision

x, y = sympy.symbols("x y")


class _SquareViaEvalf(sympy.Function):
    """A function mpmath's printer does not know: forces the xreplace + evalf fallback."""

    def _eval_evalf(self, prec):
        return (self.args[0] ** 2)._eval_evalf(prec)


def test_value_has_requested_precision():
    value = evaluate_high_precision(sympy.sqrt(x) + sympy.pi * y, {x: 2, y: sympy.Rational(1, 3)}, dps=60)
    with mpmath.workdps(80):
        expected = mpmath.sqrt(2) + mpmath.pi / 3
        assert isinstance(value, mpmath.mpf)
        assert abs(value - expected) < mpmath.mpf(10) ** -58


def test_rational_point_is_converted_exactly():
    value = evaluate_high_precision(3 * x, {x: sympy.Rational(1, 3)}, dps=50)
    with mpmath.workdps(50):
        assert abs(value - 1) < mpmath.mpf(10) ** -48
    # a decimal float (also a numpy float) is read as the decimal it spells, 0.1 -> 1/10
    assert classify_zero(10 * x - 1, {x: 0.1}).is_zero is True
    assert classify_zero(10 * x - 1, {x: np.float64(0.1)}).exact


def test_complex_and_fallback_paths():
    value = evaluate_high_precision(sympy.sqrt(x), {x: -4}, dps=30)
    assert isinstance(value, mpmath.mpc) and value == mpmath.mpc(0, 2)
    fallback = evaluate_high_precision(_SquareViaEvalf(x) + 1, {x: sympy.Rational(1, 7)}, dps=40)
    with mpmath.workdps(40):
        assert abs(fallback - (1 + mpmath.mpf(1) / 49)) < mpmath.mpf(10) ** -38


def test_evaluation_errors_name_the_argument():
    with pytest.raises(NumericBackendError, match="^point:.*division by zero"):
        evaluate_high_precision(1 / x, {x: 0})
    with pytest.raises(NumericBackendError, match=r"^point:.*\['y'\]"):
        evaluate_high_precision(x + y, {x: 1})
    with pytest.raises(NumericBackendError, match="^point:.*not finite"):
        evaluate_high_precision(sympy.log(x), {x: 0})
    with pytest.raises(NumericBackendError, match="^point:"):
        evaluate_high_precision(x, {x: sympy.nan})
    with pytest.raises(NumericBackendError, match="^point:.*inf"):
        evaluate_high_precision(x, {x: float("inf")})
    with pytest.raises(NumericBackendError, match="^point:.*received 'abc'"):
        evaluate_high_precision(x, {x: "abc"})
    with pytest.raises(NumericBackendError, match="^expr:"):
        evaluate_high_precision(sympy.Matrix([x]), {x: 1})
    with pytest.raises(NumericBackendError, match="^dps:"):
        evaluate_high_precision(x, {x: 1}, dps=0)


def test_exact_substitution_decides_immediately():
    zero = classify_zero(x**2 - 4, {x: 2})
    assert zero == ZeroTest(is_zero=True, value="0", dps=0, magnitudes=(), exact=True)
    nonzero = classify_zero(x**2 - 4, {x: sympy.Rational(2001, 1000)})
    assert nonzero.is_zero is False and nonzero.exact and nonzero.value == "4001/1000000"


def test_numerical_zero_needs_every_precision():
    identity = (sympy.sqrt(x) + 1) ** 2 - x - 2 * sympy.sqrt(x) - 1  # not simplified by substitution
    result = classify_zero(identity, {x: 2})
    assert result.is_zero is True and not result.exact
    assert [dps for dps, _ in result.magnitudes] == [30, 60, 120] and result.dps == 120  # no escalation needed
    assert all(magnitude <= mpmath.mpf(10) ** -(dps - 8) for dps, magnitude in result.magnitudes)


def test_nonzero_decided_after_two_agreeing_precisions():
    result = classify_zero(sympy.sqrt(x) - sympy.sqrt(2), {x: 2 + sympy.Rational(1, 10**9)})
    assert result.is_zero is False and result.dps == 60 and len(result.magnitudes) == 2
    assert result.value.startswith("0.000000000353553390")


def test_tiny_but_nonzero_is_decided_relative_to_its_terms():
    # |value| ~ 3.5e-16 against terms ~ 1.4: far above the rounding noise, so nonzero (there is no absolute floor)
    result = classify_zero(sympy.sqrt(x) - sympy.sqrt(2), {x: 2 + sympy.Rational(1, 10**15)})
    assert result.is_zero is False and result.dps == 60
    assert result.value.startswith("0.000000000000000353553390593")


def test_a_value_below_every_absolute_threshold_is_still_nonzero():
    result = classify_zero(x + sympy.exp(-300) - x, {x: 1})  # the difference is exp(-300) ~ 5e-131
    assert result.is_zero is False
    assert abs(mpmath.mpf(result.value) / mpmath.exp(-300) - 1) < 1e-20


def test_a_near_miss_constant_is_decided_by_escalation():
    near_miss = sympy.exp(sympy.pi * sympy.sqrt(163)) - 262537412640768744  # ~ -7.5e-13 against terms ~ 2.6e17
    result = classify_zero(near_miss + 0 * x, {x: 1})
    assert result.is_zero is False and result.value.startswith("-0.000000000000749927") and result.dps == 120
    # at 30 digits alone it sits inside the rounding noise of its terms: one precision cannot tell it from 0
    assert classify_zero(near_miss, {}, dps_schedule=(30,), escalate_to=30).is_zero is True


def test_cancellation_in_large_terms_is_measured_against_the_terms():
    cancelling = (x + sympy.sqrt(2)) ** 2 - x**2 - 2 * sympy.sqrt(2) * x - 2  # identically zero
    point = {x: 10**20}
    result = classify_zero(cancelling, point)
    assert result.is_zero is True  # |value| ~ 1e9 at 30 digits, against terms ~ 1e40
    assert result.magnitudes[0][1] > 1  # an absolute threshold would have called it nonzero or undecided
    assert classify_zero(cancelling, point, rel_scale=10**40).is_zero is True
    off_by_one = cancelling + 1
    assert classify_zero(off_by_one, point).is_zero is False  # but a unit difference in 1e40 is seen


def test_classify_zero_bad_arguments():
    with pytest.raises(NumericBackendError, match="^dps_schedule:"):
        classify_zero(x, {x: 1}, dps_schedule=(60, 30))
    with pytest.raises(NumericBackendError, match="^dps_schedule:"):
        classify_zero(x, {x: 1}, dps_schedule=(10, 30))
    with pytest.raises(NumericBackendError, match="^dps_schedule:"):
        classify_zero(x, {x: 1}, dps_schedule=())
    with pytest.raises(NumericBackendError, match="^rel_scale:"):
        classify_zero(x, {x: 1}, rel_scale=-1)
    with pytest.raises(NumericBackendError, match="^rel_scale:"):
        classify_zero(x, {x: 1}, rel_scale=float("nan"))
    with pytest.raises(NumericBackendError, match="^point:"):
        classify_zero(x, [1])
    with pytest.raises(NumericBackendError, match="^escalate_to:"):
        classify_zero(x, {x: 1}, escalate_to=60)


def test_a_value_evalf_finds_undefined_is_a_pole_not_a_crash():
    with pytest.raises(NumericBackendError, match="^point:.*not finite"):
        evaluate_high_precision(sympy.gamma(x + 1) - x * sympy.gamma(x), {x: 0})
