"""High-precision evaluation of SymPy expressions at exact points, and a precision-escalating zero test."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import mpmath
import sympy

from numeric_backend._errors import fail
from numeric_backend._validate import check_int, symbol_sort_key

MpNumber = mpmath.mpf | mpmath.mpc

AGREEMENT_DIGITS = 10
"""A nonzero value must agree to this many digits between two successive precisions."""

ZERO_SLACK_DIGITS = 8
"""A value is called zero at precision dps when |value| <= 10**-(dps - ZERO_SLACK_DIGITS) * scale."""

MIN_DPS = 20
"""Smallest precision accepted in a schedule (below it the zero and nonzero thresholds overlap)."""


def _check_expr(expr: object) -> sympy.Expr:
    """``expr`` as a scalar SymPy expression (numbers are sympified), else NumericBackendError."""
    if isinstance(expr, int | float | complex) and not isinstance(expr, bool):
        return sympy.sympify(expr)
    if not isinstance(expr, sympy.Expr) or isinstance(expr, sympy.MatrixExpr | sympy.MatrixBase):
        raise fail("expr", f"expected a scalar SymPy expression, received {type(expr).__name__}: {expr!r}")
    return expr


def _check_point(expr: sympy.Expr, point: object) -> dict[sympy.Symbol, sympy.Expr]:
    """Point values as exact SymPy numbers, covering every free symbol of ``expr``."""
    if not isinstance(point, Mapping):
        raise fail("point", f"expected a dict symbol -> number, received {type(point).__name__}")
    values: dict[sympy.Symbol, sympy.Expr] = {}
    for symbol, raw in point.items():
        if not isinstance(symbol, sympy.Symbol):
            raise fail("point", f"keys must be SymPy Symbols, received {symbol!r} ({type(symbol).__name__})")
        try:
            value = sympy.Rational(repr(float(raw))) if isinstance(raw, float) else sympy.sympify(raw)
        except (sympy.SympifyError, TypeError, ValueError):
            raise fail("point", f"value of {symbol} must be a number, received {raw!r}") from None
        if not isinstance(value, sympy.Expr) or not value.is_number or value.has(sympy.nan, sympy.zoo):
            raise fail("point", f"value of {symbol} must be a finite number, received {raw!r}")
        if value.has(sympy.oo, -sympy.oo):
            raise fail("point", f"value of {symbol} must be finite, received {raw!r}")
        values[symbol] = value
    missing = expr.free_symbols - set(values)
    if missing:
        raise fail("point", f"has no value for {sorted(map(str, missing))} (expression symbols: "
                            f"{sorted(map(str, expr.free_symbols))})")
    return values


@functools.lru_cache(maxsize=256)
def _mpmath_function(expr: sympy.Expr, symbols: tuple[sympy.Symbol, ...]):  # noqa: ANN202
    """``expr`` lambdified over ``symbols`` for mpmath (cached)."""
    return sympy.lambdify(symbols, expr, modules="mpmath")


def _to_mpmath(value: sympy.Expr, dps: int) -> MpNumber:
    """Exact-as-possible conversion at the current mpmath precision."""
    if value.is_Integer:
        return mpmath.mpf(int(value))
    if value.is_Rational:
        return mpmath.mpf(int(value.p)) / int(value.q)
    if value.is_Float:
        return mpmath.mpf(value._mpf_)
    return _evalf_to_mpmath(value, dps)


def _evalf_to_mpmath(value: sympy.Expr, dps: int) -> MpNumber:
    """``value`` evaluated to ``dps`` digits by evalf, as an mpmath real or complex number."""
    numeric = value.evalf(dps, strict=False)
    real, imag = numeric.as_real_imag()
    if not (real.is_Number and imag.is_Number):
        raise fail("expr", f"could not be evaluated to a number (got {numeric})")
    if not (real.is_finite and imag.is_finite):
        raise fail("point", f"the expression is not finite there (value {numeric})")
    real_mp = mpmath.mpf(real._mpf_) if real.is_Float else mpmath.mpf(sympy.Float(real, dps)._mpf_)
    if imag == 0:
        return real_mp
    imag_mp = mpmath.mpf(imag._mpf_) if imag.is_Float else mpmath.mpf(sympy.Float(imag, dps)._mpf_)
    return mpmath.mpc(real_mp, imag_mp)


def _finalize(value: object, expr: sympy.Expr) -> MpNumber:
    """mpf, or mpc when the imaginary part is nonzero; non-finite values raise."""
    if isinstance(value, bool):
        value = int(value)
    number = mpmath.mpmathify(value)
    if isinstance(number, mpmath.mpc) and number.imag == 0:
        number = number.real
    if mpmath.isnan(number) or mpmath.isinf(number):
        raise fail("point", f"the expression is not finite there (value {number}): {expr}")
    return number


def evaluate_high_precision(expr: sympy.Expr, point: Mapping[sympy.Symbol, object], dps: int = 30) -> MpNumber:
    """Value of ``expr`` at ``point`` with ``dps`` significant decimal digits of working precision.

    Lambdifies ``expr`` once (cached) with modules="mpmath" and calls it under ``mpmath.workdps(dps)``
    with the point converted exactly at that precision; falls back to ``expr.xreplace(point).evalf(dps)``
    for functions mpmath does not know. Returns mpf (mpc if the value is complex). Raises
    NumericBackendError naming "point" if the expression is undefined or non-finite there.
    """
    expr = _check_expr(expr)
    dps = check_int("dps", dps, minimum=5)
    values = _check_point(expr, point)
    return _evaluate(expr, values, dps)


def _evaluate(expr: sympy.Expr, values: dict[sympy.Symbol, sympy.Expr], dps: int) -> MpNumber:
    """``expr`` at ``values`` (symbol -> exact number) with ``dps`` decimal digits."""
    symbols = tuple(sorted(expr.free_symbols, key=symbol_sort_key))
    with mpmath.workdps(dps):
        try:
            function = _mpmath_function(expr, symbols)
            raw = function(*[_to_mpmath(values[s], dps) for s in symbols])
        except ZeroDivisionError:
            raise fail("point", f"the expression is undefined there (division by zero): {expr}") from None
        except (NameError, TypeError, AttributeError, ValueError, NotImplementedError):
            raw = _evalf_to_mpmath(expr.xreplace(values), dps)
        return _finalize(raw, expr)


@dataclass(frozen=True)
class ZeroTest:
    """Verdict of ``classify_zero``.

    is_zero: True / False / None (undecided). value: the value as a string at the highest precision used.
    dps: highest precision used (0 when decided exactly by substitution). magnitudes: (dps, |value|) per
    precision tried. exact: decided by exact rational substitution, without floating point.
    """

    is_zero: bool | None
    value: str
    dps: int
    magnitudes: tuple[tuple[int, mpmath.mpf], ...]
    exact: bool = False

    def __post_init__(self) -> None:
        assert self.is_zero in (True, False, None), self.is_zero
        assert isinstance(self.value, str) and self.value, self.value
        assert self.dps >= 0
        if self.exact:
            assert self.dps == 0 and not self.magnitudes and self.is_zero is not None
        else:
            assert self.magnitudes and self.magnitudes[-1][0] == self.dps, (self.magnitudes, self.dps)
            assert all(m >= 0 for _, m in self.magnitudes)


def _check_schedule(dps_schedule: object) -> tuple[int, ...]:
    """The precision schedule as a strictly increasing tuple of ints >= MIN_DPS."""
    if not isinstance(dps_schedule, Sequence) or len(dps_schedule) == 0:
        raise fail("dps_schedule", f"expected a non-empty increasing sequence of ints, received {dps_schedule!r}")
    schedule = tuple(check_int("dps_schedule", d, minimum=MIN_DPS) for d in dps_schedule)
    if any(b <= a for a, b in zip(schedule, schedule[1:], strict=False)):
        raise fail("dps_schedule", f"must be strictly increasing, received {schedule}")
    return schedule


def _check_scale(rel_scale: object) -> mpmath.mpf:
    """The relative scale as a positive mpmath number (1 when None)."""
    if rel_scale is None:
        return mpmath.mpf(1)
    try:
        scale = mpmath.mpf(rel_scale) if not isinstance(rel_scale, sympy.Basic) else mpmath.mpf(
            sympy.Float(rel_scale, 30)._mpf_
        )
    except (TypeError, ValueError):
        raise fail("rel_scale", f"expected a finite real number >= 0, received {rel_scale!r}") from None
    if mpmath.isnan(scale) or mpmath.isinf(scale) or scale < 0:
        raise fail("rel_scale", f"expected a finite real number >= 0, received {rel_scale!r}")
    return max(mpmath.mpf(1), scale)


def _term_scale(expr: sympy.Expr, values: dict[sympy.Symbol, sympy.Expr], dps: int) -> mpmath.mpf:
    """The magnitude of the terms of ``expr`` at ``values``: the sum of |term| over its top-level Add arguments
    (``expr`` itself when it is not a sum). Rounding at ``dps`` digits leaves an error of about this times
    10**-dps in the value, so it is the scale a cancellation to zero is measured against."""
    terms = sympy.Add.make_args(expr)
    if len(terms) == 1:
        return abs(_evaluate(expr, values, dps))
    return _evaluate(sympy.Add(*[sympy.Abs(term) for term in terms], evaluate=False), values, dps)


def classify_zero(
    expr: sympy.Expr,
    point: Mapping[sympy.Symbol, object],
    dps_schedule: Sequence[int] = (30, 60, 120),
    rel_scale: object = None,
    escalate_to: int = 480,
) -> ZeroTest:
    """Decide whether ``expr`` vanishes at ``point``, escalating precision.

    Exact substitution to a SymPy Rational decides at once. Otherwise the scale is the magnitude of the terms of
    ``expr`` (the sum of |term| over its top-level sum, at the first precision), or ``rel_scale`` if larger: the
    size of what cancels. Zero if |value| <= 10**-(dps - 8) * scale at every precision of the schedule and the
    last two values do not agree (a value that stays put is not rounding noise, however small); nonzero
    as soon as |value| is above that bound at the previous precision and agrees with the previous precision's
    value to 10 digits (however small it is: there is no absolute floor). A value neither zero nor nonzero at
    the end of the schedule is evaluated again at doubling precisions up to ``escalate_to`` digits; None if it
    stays undecided.
    """
    expr = _check_expr(expr)
    values = _check_point(expr, point)
    schedule = _check_schedule(dps_schedule)
    escalate_to = check_int("escalate_to", escalate_to, minimum=schedule[-1])
    floor = _check_scale(rel_scale) if rel_scale is not None else mpmath.mpf(0)
    substituted = expr.xreplace(values)
    if substituted.is_Rational:
        return ZeroTest(is_zero=bool(substituted == 0), value=str(substituted), dps=0, magnitudes=(), exact=True)

    magnitudes: list[tuple[int, mpmath.mpf]] = []
    all_small = True
    previous: tuple[int, MpNumber] | None = None
    value_text = ""
    scale = None
    escalation = []
    while (escalation[-1] if escalation else schedule[-1]) * 2 <= escalate_to:
        escalation.append((escalation[-1] if escalation else schedule[-1]) * 2)
    stuck = False
    for dps in (*schedule, *escalation):
        if dps > schedule[-1] and all_small and not stuck:
            break
        value = _evaluate(expr, values, dps)
        if scale is None:
            scale = max(floor, _term_scale(expr, values, dps))
        with mpmath.workdps(dps):
            magnitude = abs(value)
            value_text = str(value)
            magnitudes.append((dps, magnitude))
            all_small = all_small and magnitude <= _noise(dps, scale)
            agrees = previous is not None and magnitude > 0 and abs(value - previous[1]) <= (
                mpmath.mpf(10) ** -AGREEMENT_DIGITS * max(magnitude, abs(previous[1])))
            if agrees and magnitude > _noise(previous[0], scale):
                return ZeroTest(False, value_text, dps, tuple(magnitudes))
            # a value that stays put as the precision grows is not rounding noise, however small against the terms
            stuck = agrees
        previous = (dps, value)
    return ZeroTest(True if all_small and not stuck else None, value_text, magnitudes[-1][0], tuple(magnitudes))


def _noise(dps: int, scale: mpmath.mpf) -> mpmath.mpf:
    """The rounding error a value computed at ``dps`` digits from terms of size ``scale`` may carry."""
    return mpmath.mpf(10) ** -(dps - ZERO_SLACK_DIGITS) * scale
