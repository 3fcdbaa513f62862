"""Seeded random instances: exact rational points in a symbol domain, and random regression datasets."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal, NamedTuple

import numpy as np
import sympy

from numeric_backend._errors import fail
from numeric_backend._validate import check_distinct, check_int, check_seed, symbol_sort_key

MAX_DENOMINATOR = 1000
"""Drawn rationals have denominators <= this (so exact arithmetic on them stays cheap)."""

ZERO_ATOM_PROBABILITY = sympy.Rational(1, 8)
"""Probability that a nonnegative (or nonpositive) symbol whose range contains 0 is drawn as exactly 0."""

DISTRIBUTIONS = ("log_uniform", "uniform", "integer")

DEFAULT_POSITIVE_RANGE = (sympy.Rational(1, 8), sympy.Integer(8))
DEFAULT_NONNEGATIVE_RANGE = (sympy.Integer(0), sympy.Integer(8))
DEFAULT_REAL_RANGE = (sympy.Integer(-4), sympy.Integer(4))

_ASSUMPTION_RANGES: tuple[tuple[str, tuple[sympy.Integer, sympy.Integer], str], ...] = (
    ("is_positive", DEFAULT_POSITIVE_RANGE, "log_uniform"),
    ("is_negative", (-DEFAULT_POSITIVE_RANGE[1], -DEFAULT_POSITIVE_RANGE[0]), "log_uniform"),
    ("is_nonnegative", DEFAULT_NONNEGATIVE_RANGE, "uniform"),
    ("is_nonpositive", (-DEFAULT_NONNEGATIVE_RANGE[1], -DEFAULT_NONNEGATIVE_RANGE[0]), "uniform"),
)
"""The first assumption a symbol has picks its default (low, high) and family; otherwise DEFAULT_REAL_RANGE."""


def _as_rational(argument: str, value: object) -> sympy.Rational:
    """Exact rational from an int / Fraction / sympy Rational / decimal float (0.1 -> 1/10)."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise fail(argument, f"expected a finite bound, received {value!r}")
        return sympy.Rational(repr(float(value)))  # float() so numpy floats print as plain decimals
    try:
        result = sympy.Rational(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as error:
        raise fail(argument, f"expected a rational bound, received {value!r} ({error})") from None
    if not result.is_Rational:
        raise fail(argument, f"expected a rational bound, received {value!r}")
    return result


@dataclass(frozen=True)
class SymbolRange:
    """Where one symbol is drawn from.

    ``distribution`` is "log_uniform" (log|x| uniform; low and high share a strict sign), "uniform", or
    "integer" (uniform over the integers in [low, high]). ``zero_probability`` is the chance of drawing
    exactly 0 (only when 0 is in [low, high] and the distribution is "uniform").
    """

    symbol: sympy.Symbol
    distribution: Literal["log_uniform", "uniform", "integer"]
    low: sympy.Rational
    high: sympy.Rational
    zero_probability: sympy.Rational = sympy.Integer(0)

    def __post_init__(self) -> None:
        assert isinstance(self.symbol, sympy.Symbol), self.symbol
        assert self.distribution in DISTRIBUTIONS, self.distribution
        assert self.low.is_Rational and self.high.is_Rational, (self.low, self.high)
        assert self.low <= self.high, (self.low, self.high)
        assert 0 <= self.zero_probability < 1, self.zero_probability
        if self.distribution == "log_uniform":
            assert self.low > 0 or self.high < 0, (self.low, self.high)
        if self.zero_probability > 0:
            assert self.distribution == "uniform" and self.low <= 0 <= self.high
        if self.distribution == "integer":
            assert math.ceil(self.low) <= math.floor(self.high), (self.low, self.high)


@dataclass(frozen=True)
class Domain:
    """Where each SymPy symbol lives (one ``SymbolRange`` each, sorted by name) plus relational constraints.

    Build it with ``Domain.from_assumptions``; draw from it with ``draw_points``.
    """

    ranges: tuple[SymbolRange, ...]
    constraints: tuple[sympy.Basic, ...] = ()

    def __post_init__(self) -> None:
        symbols = [r.symbol for r in self.ranges]
        assert len(set(symbols)) == len(symbols), symbols
        assert symbols == sorted(symbols, key=symbol_sort_key), symbols
        for constraint in self.constraints:
            assert isinstance(constraint, sympy.logic.boolalg.Boolean), constraint
            assert constraint.free_symbols <= set(symbols), constraint

    @property
    def symbols(self) -> tuple[sympy.Symbol, ...]:
        """The symbols, in drawing order."""
        return tuple(r.symbol for r in self.ranges)

    @property
    def kinds(self) -> dict[sympy.Symbol, str]:
        """Symbol -> distribution name."""
        return {r.symbol: r.distribution for r in self.ranges}

    def range_of(self, symbol: sympy.Symbol) -> SymbolRange:
        """The ``SymbolRange`` of ``symbol``."""
        for symbol_range in self.ranges:
            if symbol_range.symbol == symbol:
                return symbol_range
        raise fail("symbol", f"{symbol!r} is not in this domain (symbols: {self.symbols})")

    @classmethod
    def from_assumptions(
        cls,
        symbols: Iterable[sympy.Symbol],
        constraints: Sequence[sympy.Basic] = (),
        *,
        ranges: Mapping[sympy.Symbol, tuple[object, object]] | None = None,
    ) -> Domain:
        """Domain from each symbol's SymPy assumptions.

        positive -> log-uniform on [1/8, 8]; negative -> log-uniform on [-8, -1/8]; nonnegative ->
        uniform on [0, 8] with P(0) = 1/8; nonpositive -> the mirror image; otherwise uniform on [-4, 4];
        integer symbols draw integers from the same interval. ``ranges={s: (low, high)}`` overrides the
        interval (the family stays the one the assumptions imply, and the bounds must respect them).
        ``constraints`` are SymPy relationals (or And/Or/Not of them) enforced by rejection sampling.
        """
        if isinstance(symbols, sympy.Basic):
            symbols = [symbols]
        if isinstance(constraints, sympy.Basic):
            constraints = [constraints]
        symbol_list = list(symbols)
        check_distinct("symbols", symbol_list, (sympy.Symbol,), "SymPy Symbols")
        overrides = dict(ranges or {})
        unknown = [s for s in overrides if s not in set(symbol_list)]
        if unknown:
            raise fail("ranges", f"names symbols that are not in `symbols`: {unknown}")
        built = [
            _range_from_assumptions(symbol, overrides.get(symbol))
            for symbol in sorted(symbol_list, key=symbol_sort_key)
        ]
        checked = tuple(_check_constraint(c, set(symbol_list)) for c in constraints)
        return cls(ranges=tuple(built), constraints=checked)


def _check_constraint(constraint: object, symbols: set[sympy.Symbol]) -> sympy.Basic:
    """``constraint`` if it is a SymPy relational (or And/Or/Not of them) in ``symbols``."""
    if not isinstance(constraint, sympy.logic.boolalg.Boolean) or isinstance(
        constraint, sympy.logic.boolalg.BooleanAtom
    ):
        raise fail(
            "constraints",
            f"expected SymPy relationals such as `a >= b`, received {constraint!r} ({type(constraint).__name__})",
        )
    missing = constraint.free_symbols - symbols
    if missing:
        raise fail("constraints", f"{constraint} uses symbols {sorted(map(str, missing))} that are not in `symbols`")
    return constraint


def _range_from_assumptions(symbol: sympy.Symbol, override: tuple[object, object] | None) -> SymbolRange:
    """The SymbolRange of ``symbol``: family and bounds from its assumptions, or ``override``."""
    is_integer = bool(symbol.is_integer)
    low, high, family = next(
        ((*bounds, family) for assumption, bounds, family in _ASSUMPTION_RANGES if getattr(symbol, assumption)),
        (*DEFAULT_REAL_RANGE, "uniform"),
    )
    if is_integer:
        family = "integer"
        if symbol.is_positive:
            low = sympy.Integer(1)
        if symbol.is_negative:
            high = sympy.Integer(-1)
    if override is not None:
        if not isinstance(override, tuple | list) or len(override) != 2:
            raise fail("ranges", f"expected a (low, high) pair for {symbol}, received {override!r}")
        low = _as_rational("ranges", override[0])
        high = _as_rational("ranges", override[1])
        if low > high:
            raise fail("ranges", f"low > high for {symbol}: received ({low}, {high})")
        violated = (
            (symbol.is_positive and low <= 0)
            or (symbol.is_negative and high >= 0)
            or (symbol.is_nonnegative and low < 0)
            or (symbol.is_nonpositive and high > 0)
        )
        if violated:
            raise fail("ranges", f"({low}, {high}) violates the assumptions of {symbol} ({symbol.assumptions0})")
        if is_integer and math.ceil(low) > math.floor(high):
            raise fail("ranges", f"({low}, {high}) contains no integer for the integer symbol {symbol}")
    zero_probability = (
        ZERO_ATOM_PROBABILITY
        if family == "uniform" and (symbol.is_nonnegative or symbol.is_nonpositive) and low <= 0 <= high
        else sympy.Integer(0)
    )
    return SymbolRange(symbol, family, low, high, zero_probability)  # type: ignore[arg-type]


def _to_rational(value: float, low: sympy.Rational, high: sympy.Rational) -> sympy.Rational:
    """Nearest rational with denominator <= MAX_DENOMINATOR, clamped into [low, high]."""
    fraction = Fraction(float(value)).limit_denominator(MAX_DENOMINATOR)
    result = sympy.Rational(fraction.numerator, fraction.denominator)
    return min(max(result, low), high)


def _draw_column(symbol_range: SymbolRange, rng: np.random.Generator, size: int) -> list[sympy.Rational]:
    """``size`` exact rational draws for one symbol."""
    low, high = symbol_range.low, symbol_range.high
    if low == high:
        return [low] * size
    if symbol_range.distribution == "integer":
        draws = rng.integers(math.ceil(low), math.floor(high) + 1, size=size)
        return [sympy.Integer(int(v)) for v in draws]
    if symbol_range.distribution == "log_uniform":
        sign = 1 if low > 0 else -1
        log_bounds = sorted((math.log(abs(float(low))), math.log(abs(float(high)))))
        floats = sign * np.exp(rng.uniform(log_bounds[0], log_bounds[1], size=size))
    else:
        floats = rng.uniform(float(low), float(high), size=size)
    values = [_to_rational(v, low, high) for v in floats]
    if symbol_range.zero_probability > 0:
        is_zero = rng.random(size) < float(symbol_range.zero_probability)
        values = [sympy.Integer(0) if z else v for z, v in zip(is_zero, values, strict=True)]
    return values


def _satisfies(constraints: tuple[sympy.Basic, ...], point: dict[sympy.Symbol, sympy.Rational]) -> bool:
    """Whether ``point`` satisfies every constraint (exactly, in rationals)."""
    for constraint in constraints:
        verdict = constraint.xreplace(point)
        if verdict is sympy.true:
            continue
        if verdict is sympy.false:
            return False
        raise fail("constraints", f"{constraint} could not be decided at {point} (got {verdict})")
    return True


def draw_points(
    domain: Domain, n: int, seed: int, *, max_attempts: int | None = None
) -> list[dict[sympy.Symbol, sympy.Rational]]:
    """``n`` exact rational points (symbol -> Rational, denominators <= 1000) satisfying the constraints.

    Reproducible: numpy.random.default_rng(seed), symbols drawn in ``domain.symbols`` order. At most
    ``max_attempts`` candidates (default max(1000, 200 n)) are drawn before giving up.
    """
    if not isinstance(domain, Domain):
        raise fail("domain", f"expected a Domain, received {type(domain).__name__}")
    n = check_int("n", n, minimum=1)
    seed = check_seed(seed)
    budget = max(1000, 200 * n) if max_attempts is None else check_int("max_attempts", max_attempts, minimum=1)
    rng = np.random.default_rng(seed)
    points: list[dict[sympy.Symbol, sympy.Rational]] = []
    attempts = 0
    while len(points) < n and attempts < budget:
        chunk = min(max(2 * (n - len(points)), 16), budget - attempts)
        columns = [_draw_column(r, rng, chunk) for r in domain.ranges]
        attempts += chunk
        for j in range(chunk):
            point = {r.symbol: column[j] for r, column in zip(domain.ranges, columns, strict=True)}
            if _satisfies(domain.constraints, point):
                points.append(point)
                if len(points) == n:
                    break
    if len(points) < n:
        raise fail(
            "constraints",
            f"only {len(points)} of the requested {n} points satisfied {list(domain.constraints)} "
            f"in {attempts} attempts",
        )
    return points


TARGETS = ("linear", "nonlinear", "noisy")


def random_dataset(
    n_samples: int,
    d_in: int,
    d_out: int,
    *,
    rank: int | None = None,
    target: Literal["linear", "nonlinear", "noisy"] = "linear",
    mean_zero: bool = False,
    seed: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Random regression data: X [n_samples, d_in], Y [n_samples, d_out], float64.

    ``rank`` < d_in gives X = latent [n, rank] @ mixing [rank, d_in] (the mean, if any, lies in the same
    row space, so rank(X) <= rank). target "linear": Y = X W exactly; "noisy": X W + Gaussian noise;
    "nonlinear": tanh(X W) + (X W2)^2 / 2 (a deterministic, non-linear function of X). ``mean_zero``
    centers the columns of X and Y.
    """
    n_samples = check_int("n_samples", n_samples, minimum=1)
    d_in = check_int("d_in", d_in, minimum=1)
    d_out = check_int("d_out", d_out, minimum=1)
    latent_dim = d_in if rank is None else check_int("rank", rank, minimum=1)
    if latent_dim > d_in:
        raise fail("rank", f"must be <= d_in = {d_in}, received {rank}")
    if target not in TARGETS:
        raise fail("target", f"expected one of {TARGETS}, received {target!r}")
    seed = check_seed(seed)
    rng = np.random.default_rng(seed)
    latent = rng.standard_normal((n_samples, latent_dim))
    if not mean_zero:
        latent = latent + rng.standard_normal(latent_dim)
    X = latent @ rng.standard_normal((latent_dim, d_in)) if latent_dim < d_in else latent
    if mean_zero:
        X = X - X.mean(axis=0)
    weights = rng.standard_normal((d_in, d_out)) / math.sqrt(d_in)
    linear_part = X @ weights
    if target == "linear":
        Y = linear_part
    elif target == "noisy":
        Y = linear_part + 0.5 * rng.standard_normal((n_samples, d_out))
    else:
        second = rng.standard_normal((d_in, d_out)) / math.sqrt(d_in)
        Y = np.tanh(linear_part) + 0.5 * (X @ second) ** 2
    if mean_zero and target != "linear":
        Y = Y - Y.mean(axis=0)
    return X, Y


class SecondMoments(NamedTuple):
    """Raw (uncentered) moments of a dataset: A [d_in, d_in], B [d_in, d_out], Syy [d_out, d_out], means."""

    A: np.ndarray
    B: np.ndarray
    Syy: np.ndarray
    mean_x: np.ndarray
    mean_y: np.ndarray


def _check_data_matrix(argument: str, value: object) -> np.ndarray:
    """``value`` as a non-empty real 2-D float array [n, d] without NaN/inf."""
    array = np.asarray(value)
    if array.ndim != 2 or array.shape[0] == 0 or array.shape[1] == 0:
        raise fail(argument, f"expected a non-empty 2-D array [n, d], received shape {array.shape}")
    if not np.issubdtype(array.dtype, np.number) or np.iscomplexobj(array):
        raise fail(argument, f"expected real numbers, received dtype {array.dtype}")
    array = array.astype(np.float64)
    if not np.isfinite(array).all():
        raise fail(argument, f"contains {int((~np.isfinite(array)).sum())} non-finite entries")
    return array


def second_moments(X: np.ndarray, Y: np.ndarray) -> SecondMoments:
    """(A = X^T X / n, B = X^T Y / n, Syy = Y^T Y / n, mean_x [d_in], mean_y [d_out])."""
    X = _check_data_matrix("X", X)
    Y = _check_data_matrix("Y", Y)
    if X.shape[0] != Y.shape[0]:
        raise fail("Y", f"has {Y.shape[0]} rows but X has {X.shape[0]} (shapes {Y.shape}, {X.shape})")
    n = X.shape[0]
    return SecondMoments(X.T @ X / n, X.T @ Y / n, Y.T @ Y / n, X.mean(axis=0), Y.mean(axis=0))
