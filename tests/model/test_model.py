import numpy as np
import pytest
import sympy as sp
from helpers import assert_close
from sympy.stats import E, Normal

from symbolic_vae import (
    LinearLVM,
    SymbolicVAEError,
    beta,
    eta_dec,
    eta_enc,
    expect_over_noise,
    kl_diagonal_gaussians,
    trace_form,
    vae_loss,
    whiten,
)


def test_noise_moments_match_sympy_stats():
    s = sp.Symbol("s", positive=True)
    e = sp.Symbol("e", real=True)
    a = sp.Symbol("a", real=True)
    N = Normal("N", 0, s)
    for poly in (e**2, (a + 3 * e) ** 2, e**4 + a * e**3, (a - e) ** 3):
        ours = expect_over_noise(poly, [e], [s**2])
        theirs = E(poly.subs(e, N))
        assert sp.simplify(ours - theirs) == 0


def test_noise_moments_reject_mismatched_lengths():
    e = sp.symbols("e0:2")
    with pytest.raises(SymbolicVAEError, match="variances"):
        expect_over_noise(e[0] ** 2, e, [1])


def test_kl_matches_closed_form_and_is_zero_at_equality():
    m = sp.Symbol("m", real=True)
    s, t = sp.symbols("s t", positive=True)
    kl = kl_diagonal_gaussians([m], [s**2], [0], [t**2])
    assert sp.simplify(kl - (s**2 / t**2 + m**2 / t**2 - 1 - sp.log(s**2 / t**2)) / 2) == 0
    assert sp.simplify(kl.subs({m: 0, s: t})) == 0


def test_first_principles_loss_equals_trace_form_at_a_rectangular_size():
    model = LinearLVM(3, 2, 1)
    assert sp.expand(model.expected_loss() - trace_form(3, 2, 1).at(model)) == 0


def test_trace_form_negative_control_is_detected():
    model = LinearLVM(2, 1, 2)
    wrong = trace_form(2, 1, 2).at(model) + (model.U * model.Sigma * model.U.T).trace() / (2 * eta_dec**2)
    assert sp.expand(model.expected_loss() - wrong) != 0


def _random_problem(rng, D0=3, d1=2, d2=2, n=15):
    X, Y = rng.normal(size=(n, D0)), rng.normal(size=(n, d2))
    U, W = rng.normal(size=(d2, d1)), rng.normal(size=(D0, d1))
    sig = rng.uniform(0.5, 1.5, d1)
    return X, Y, U, W, sig


def test_numeric_vae_loss_matches_symbolic_model():
    rng = np.random.default_rng(0)
    X, Y, U, W, sig = _random_problem(rng)
    model = LinearLVM(3, 2, 2)
    expr = model.dataset_loss(sp.Matrix(X), sp.Matrix(Y))
    point = {**dict(zip(model.U, U.ravel(), strict=True)), **dict(zip(model.W, W.ravel(), strict=True)),
             **dict(zip(model.sigma, sig, strict=True)), beta: 0.7, eta_enc: 1.3, eta_dec: 0.6}
    stats = whiten(X, Y)
    ours = vae_loss(U, W, sig, A=stats.A, B=stats.B, S_yy=stats.S_yy, beta=0.7, eta_enc=1.3, eta_dec=0.6)
    assert_close(ours, float(expr.xreplace(point)))
    wrong = vae_loss(U, W, sig, A=stats.A, B=stats.B, S_yy=stats.S_yy, beta=0.7, eta_enc=1.3, eta_dec=0.6,
                     partition=False)
    assert abs(wrong - float(expr.xreplace(point))) > 1e-3


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"beta": 0.0}, "beta"),
        ({"beta": -1.0}, "beta"),
        ({"eta_enc": float("nan")}, "eta_enc"),
        ({"eta_dec": 0}, "eta_dec"),
        ({"A": np.array([[1.0, 2.0], [0.0, 1.0], [0, 0]])}, "A"),
        ({"A": np.array([[1.0, 0.5, 0], [0.4, 1.0, 0], [0, 0, 1]])}, "A"),
        ({"A": -np.eye(3)}, "A"),
        ({"S_yy": np.full((2, 2), np.inf)}, "S_yy"),
        ({"B": np.zeros((3, 5))}, "B"),
    ],
)
def test_vae_loss_rejects_bad_input_naming_the_argument(kwargs, argument):
    rng = np.random.default_rng(1)
    X, Y, U, W, sig = _random_problem(rng)
    stats = whiten(X, Y)
    args = {"A": stats.A, "B": stats.B, "S_yy": stats.S_yy, "beta": 1.0, "eta_enc": 1.0, "eta_dec": 1.0}
    args.update(kwargs)
    with pytest.raises(SymbolicVAEError, match=argument):
        vae_loss(U, W, sig, **args)


def test_vae_loss_rejects_bad_parameters():
    rng = np.random.default_rng(2)
    X, Y, U, W, sig = _random_problem(rng)
    stats = whiten(X, Y)
    kw = {"A": stats.A, "B": stats.B, "S_yy": stats.S_yy, "beta": 1.0, "eta_enc": 1.0, "eta_dec": 1.0}
    with pytest.raises(SymbolicVAEError, match="sigma"):
        vae_loss(U, W, -sig, **kw)
    with pytest.raises(SymbolicVAEError, match="W"):
        vae_loss(U, W[:, :1], sig, **kw)


def test_whiten_handles_rank_deficient_data_and_rejects_bad_files():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(10, 2)) @ rng.normal(size=(2, 4))
    stats = whiten(X)
    assert stats.rank == 2
    assert_close(stats.whiten(X).T @ stats.whiten(X) / 10, np.eye(2))
    with pytest.raises(SymbolicVAEError, match="X"):
        whiten(np.array([[1.0, np.nan]]))
    with pytest.raises(SymbolicVAEError, match="Y"):
        whiten(X, X[:3])
    with pytest.raises(SymbolicVAEError, match="X"):
        whiten([["a", "b"]])


def test_model_rejects_bad_sizes():
    with pytest.raises(SymbolicVAEError, match="latent_dim"):
        LinearLVM(2, 0, 2)


def _expectation_by_sympy(expr, x, y, moments):
    """expect_over_data computed in SymPy alone (the symengine path switched off)."""
    from unittest import mock

    from symbolic_vae._model import lvm, polynomial

    with (mock.patch.object(polynomial, "_terms_in_symengine", lambda expr, gens: None),
          mock.patch.object(polynomial, "_sum_in_symengine", lambda expr, gens, value: None),
          mock.patch.object(polynomial, "expand_polynomial", sp.expand)):
        return lvm.expect_over_data(expr, x, y, moments)


@pytest.mark.parametrize("seed", range(6))
def test_expectation_over_data_is_the_same_in_symengine_and_sympy(seed):
    from symbolic_vae._model.lvm import DataMoments, expect_over_data

    rng = np.random.default_rng(seed)
    x, y = sp.symbols("x0:2", real=True), sp.symbols("y0:2", real=True)
    w = sp.symbols("w0:3", positive=True)
    moments = DataMoments.symbols(2, 2)
    atoms = [*x, *y, *w, sp.Integer(1)]
    linear = [sum(int(rng.integers(-3, 4)) * a for a in rng.choice(atoms, 4)) for _ in range(2)]
    expr = linear[0] * linear[1] + sp.log(2 * sp.pi * w[0] ** 2) + w[1] / w[2] * x[0]
    fast = expect_over_data(expr, x, y, moments)
    assert sp.expand(fast - _expectation_by_sympy(expr, x, y, moments)) == 0
    assert fast.free_symbols <= set(w) | {s for m in (moments.A, moments.B, moments.S_yy, moments.mean_x,
                                                      moments.mean_y) for s in m.free_symbols}
    assert all(s.is_positive for s in fast.free_symbols & set(w))  # the original symbols, assumptions kept


def test_expectation_over_data_of_a_wrong_moment_is_caught():
    """Negative control: E[x0 y0] is B_0_0, not A_0_0 or the product of the means."""
    from symbolic_vae._model.lvm import DataMoments, expect_over_data

    x, y = sp.symbols("x0:1", real=True), sp.symbols("y0:1", real=True)
    moments = DataMoments.symbols(1, 1)
    value = expect_over_data(3 * x[0] * y[0] + x[0], x, y, moments)
    assert sp.expand(value - (3 * moments.B[0, 0] + moments.mean_x[0])) == 0
    assert sp.expand(value - (3 * moments.mean_x[0] * moments.mean_y[0] + moments.mean_x[0])) != 0


def test_expectation_over_data_refuses_third_moments_on_both_paths():
    from symbolic_vae._model.lvm import DataMoments, expect_over_data

    x, y = sp.symbols("x0:1", real=True), sp.symbols("y0:1", real=True)
    moments = DataMoments.symbols(1, 1)
    for compute in (expect_over_data, _expectation_by_sympy):
        with pytest.raises(SymbolicVAEError, match="degree 3"):
            compute(x[0] ** 2 * y[0], x, y, moments)


_X, _Y = sp.symbols("x y", real=True)
_S = sp.Symbol("s", positive=True)


@pytest.mark.parametrize("expr", [
    (_X + _Y) ** 3 / _S**2 - 2 * _X,  # a polynomial with a negative power of a symbol: symengine
    (sp.log(_S) + _X) ** 2 * sp.log(2) + sp.log(sp.pi) * (_X + 1),  # logs held as symbols
    sp.log(_X**2 + 1) * (_X + 1) ** 2 / sp.log(_S),  # logs of polynomials SymPy leaves alone, held too
    sp.log(4) * (_X + 2),  # SymPy's expand rewrites log(4) as 2 log(2): SymPy expands
    sp.log((_X + 1) ** 2) * (_X + 2),  # and expands the argument of this log
    sp.Abs(_X + _Y) * (_X + 1),  # an absolute value
    sp.log(2 * _S) * (_X + 1),  # and splits this log
    (_X + _Y) / (_X + 1),  # a sum in a denominator
    sp.sqrt(_S) * (_X + _S),  # a root
    sp.Float(0.5) * (_X + _Y) ** 2,  # a Float
    sp.exp(_X) * (_X + 1),  # another function
])
def test_expand_polynomial_is_sympys_expand(expr):
    from symbolic_vae._model.polynomial import expand_polynomial

    assert sp.srepr(expand_polynomial(expr)) == sp.srepr(sp.expand(expr))


def test_expand_polynomial_keeps_assumptions_and_is_not_the_identity():
    """Negative control: the expansion differs from its input, and the symbols keep their assumptions."""
    from symbolic_vae._model.polynomial import expand_polynomial

    expanded = expand_polynomial((_X + _S) ** 2)
    assert expanded != (_X + _S) ** 2
    assert _S in expanded.free_symbols and sp.Symbol("s") not in expanded.free_symbols


def test_equal_models_share_their_loss_terms_and_mutation_testing_can_clear_them():
    a, b = LinearLVM(2, 1, 1), LinearLVM(2, 1, 1)
    assert a.per_sample_loss is b.per_sample_loss and a.expected_loss() is b.expected_loss()
    assert a.per_sample_loss != LinearLVM(2, 1, 1, biases=True).per_sample_loss
    assert LinearLVM.per_sample_loss.fget.cache_info().currsize >= 2
    LinearLVM.per_sample_loss.cache_clear()
    assert LinearLVM.per_sample_loss.fget.cache_info().currsize == 0
    assert LinearLVM(2, 1, 1).per_sample_loss == a.per_sample_loss
