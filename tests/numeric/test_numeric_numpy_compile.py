import warnings

import numpy as np
import pytest
import sympy as sp
from helpers import assert_close

from numeric_backend import NumericBackendError, to_numpy

x, y = sp.symbols("x y", real=True)
z = sp.Symbol("z", nonnegative=True)


def _reference(expr, args, values):
    f = sp.lambdify(args, expr, "mpmath")
    return np.array([float(f(*row)) for row in zip(*values, strict=True)])


@pytest.mark.parametrize(
    "expr",
    [
        x * y + 3 * x**2 - y / 7,
        sp.exp(x) * sp.log(1 + y**2),
        sp.sqrt(x**2 + 1) - sp.Abs(y),
        sp.Max(0, x - y) ** 2 + sp.Min(x, y, 1),
        sp.Heaviside(x) * y,
        sp.Piecewise((x**2, x > y), (y - x, x <= y)),
        sp.Piecewise((1, sp.And(x > 0, y > 0)), (2, sp.Or(x > 1, sp.Not(y < -1))), (0, True)),
    ],
)
def test_matches_high_precision_reference(expr):
    rng = np.random.default_rng(0)
    xs, ys = rng.normal(size=200), rng.normal(size=200)
    ours = to_numpy(expr, [x, y])(xs, ys)
    assert ours.shape == (200,)
    assert_close(ours, _reference(expr, [x, y], [xs, ys]))


def test_untaken_branches_raise_no_warnings_and_no_nan():
    expr = sp.Piecewise((sp.log(z) / z, z > 0), (0, True)) + sp.sqrt(sp.Max(0, z - 1))
    f = to_numpy(expr, [z])
    values = np.array([0.0, 0.0, 0.5, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            out = f(values)
    assert np.all(np.isfinite(out))
    assert out[0] == 0.0 and out[-1] == pytest.approx(np.log(2) / 2 + 1)


def test_plain_lambdify_would_warn_here_negative_control():
    expr = sp.Piecewise((sp.log(z) / z, z > 0), (0, True))
    f = sp.lambdify([z], expr, "numpy")
    with warnings.catch_warnings(), pytest.raises(RuntimeWarning):
        warnings.simplefilter("error")
        f(np.array([0.0, 1.0]))


def test_broadcasting_over_batch_dimensions():
    f = to_numpy(x * y, [x, y])
    out = f(np.ones((3, 1, 4)), np.arange(5.0)[:, None])
    assert out.shape == (3, 5, 4)


def test_errors_name_the_problem():
    with pytest.raises(NumericBackendError, match="missing free symbols"):
        to_numpy(x + y, [x])
    with pytest.raises(NumericBackendError, match="unsupported SymPy node gamma"):
        to_numpy(sp.gamma(x), [x])
    f = to_numpy(x + y, [x, y])
    with pytest.raises(NumericBackendError, match="x: contains NaN"):
        f(np.array([np.nan]), np.array([1.0]))
    with pytest.raises(NumericBackendError, match="do not broadcast"):
        f(np.ones(3), np.ones(4))
