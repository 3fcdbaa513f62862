"""Tests for numeric_backend._torch_translate: every supported node type against SymPy's own numerics."""

import numpy as np
import pytest
import sympy
import torch

from numeric_backend import (
    SUPPORTED_NODE_TYPES,
    TORCH_TRANSLATION,
    NumericBackendError,
    minimize_batched,
    to_torch,
)
from numeric_backend._torch_translate import _handler_for

x, y = sympy.symbols("x y", real=True)
p = sympy.Symbol("p", positive=True)
A = sympy.MatrixSymbol("A", 3, 3)
B = sympy.MatrixSymbol("B", 3, 3)
C = sympy.MatrixSymbol("C", 3, 2)
BATCH = 6

SCALAR_CASES = {
    "add_mul_numbers": 3 * x + sympy.Rational(2, 7) * y - sympy.Float("0.125") + sympy.pi * x * y + sympy.E,
    "pow": x**3 + p ** sympy.Rational(3, 2) + sympy.sqrt(p) + 1 / p + p**-2 + p**x + p ** (-sympy.S.Half),
    "log_exp_abs": sympy.log(p) + sympy.exp(x / 3) + sympy.Abs(x - y),
    "max_min": sympy.Max(0, x) + sympy.Min(x, y, 1) + sympy.Max(x, y, -p),
    "piecewise_relationals": sympy.Piecewise(
        (x**2, x < -1), (2 * x, x <= 0), (y, x > 2), (-y, x >= 1), (p, sympy.Eq(x, y)), (x + 1, True)
    ),
    "logic": sympy.Piecewise(
        (1, sympy.And(x > 0, y > 0)),
        (2, sympy.Or(x > 1, sympy.Not(sympy.And(y < 0, x < -1)))),
        (3, sympy.Ne(x, 7)),
        (4, True),
    ),
}

MATRIX_CASES = {
    "matadd_matmul_scalar": A + 2 * A * B.T + x * B,
    "transpose_hadamard": sympy.HadamardProduct(A, B.T) + sympy.Identity(3),
    "inverse_matpow": sympy.Inverse(A + 3 * sympy.Identity(3)) + sympy.MatPow(A, 3) + sympy.MatPow(B, -1),
    "rectangular": sympy.MatAdd(C.T * A * C, sympy.ZeroMatrix(2, 2), evaluate=False),
    "scalar_from_matrices": sympy.Trace(A * B) + sympy.Determinant(A) * x + sympy.Trace(C.T * C) ** 2,
}

MATRIX_ARGS = (A, B, C, x)


def _random_inputs(generator):
    scalars = {
        x: torch.randn(BATCH, generator=generator, dtype=torch.float64) * 2,
        y: torch.randn(BATCH, generator=generator, dtype=torch.float64) * 2,
        p: torch.rand(BATCH, generator=generator, dtype=torch.float64) * 3 + 0.2,
    }
    matrices = {
        M: torch.randn(BATCH, *M.shape, generator=generator, dtype=torch.float64) for M in (A, B, C)
    }
    matrices[B] = matrices[B] + 3 * torch.eye(3, dtype=torch.float64)  # keep B well conditioned
    return scalars | matrices


def _reference_scalar(expr, args, inputs):
    """SymPy's numpy lambdify, one batch row at a time."""
    function = sympy.lambdify(args, expr, "numpy")
    return np.array([float(function(*[inputs[a][b].item() for a in args])) for b in range(BATCH)])


def _reference_matrix(expr, inputs):
    """SymPy's own evaluation: substitute explicit matrices, doit, evalf."""
    rows = []
    for b in range(BATCH):
        substitution = {
            M: sympy.ImmutableMatrix(inputs[M][b].numpy().tolist()) for M in (A, B, C)
        } | {x: sympy.Float(inputs[x][b].item(), 30)}
        value = expr.xreplace(substitution).doit()
        rows.append(np.array(sympy.Matrix(value).evalf(20).tolist(), dtype=float) if value.is_Matrix
                    else float(value))
    return np.array(rows)


def _node_types_in(expr, args):
    """Table keys used by the translation of ``expr`` (the same tree walk ``to_torch`` does)."""
    steps = to_torch(expr, args)._steps
    return {next(cls for cls in type(step.node).__mro__ if cls in TORCH_TRANSLATION) for step in steps}


def test_cases_cover_every_supported_node_type():
    covered = set().union(
        *(_node_types_in(e, (x, y, p)) for e in SCALAR_CASES.values()),
        *(_node_types_in(e, MATRIX_ARGS) for e in MATRIX_CASES.values()),
    )
    assert covered == set(SUPPORTED_NODE_TYPES)
    assert set(TORCH_TRANSLATION) == set(SUPPORTED_NODE_TYPES)


@pytest.mark.parametrize("name", sorted(SCALAR_CASES))
def test_scalar_nodes_match_sympy(name):
    expr = SCALAR_CASES[name]
    inputs = _random_inputs(torch.Generator().manual_seed(hash(name) % 1000))
    args = (x, y, p)
    if name == "piecewise_relationals":
        inputs[x] = torch.tensor([-2.0, -1.0, 0.0, 0.5, 1.0, 3.0], dtype=torch.float64)
        inputs[y] = torch.tensor([0.1, 0.2, 0.3, 0.5, 0.7, 0.9], dtype=torch.float64)
    result = to_torch(expr, args)(*[inputs[a] for a in args])
    assert result.shape == (BATCH,) and result.dtype == torch.float64
    np.testing.assert_allclose(result.numpy(), _reference_scalar(expr, args, inputs), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", sorted(MATRIX_CASES))
def test_matrix_nodes_match_sympy(name):
    expr = MATRIX_CASES[name]
    inputs = _random_inputs(torch.Generator().manual_seed(len(name)))
    result = to_torch(expr, MATRIX_ARGS)(*[inputs[a] for a in MATRIX_ARGS])
    expected_shape = (BATCH, *expr.shape) if expr.is_Matrix else (BATCH,)
    assert result.shape == expected_shape
    np.testing.assert_allclose(result.numpy(), _reference_matrix(expr, inputs), rtol=1e-9, atol=1e-9)


def test_wrong_table_entry_is_caught_by_the_comparison():
    wrong = dict(TORCH_TRANSLATION)
    wrong[sympy.exp] = lambda node, children, context: context.torch.expm1(children[0])
    expr = SCALAR_CASES["log_exp_abs"]
    args = (x, y, p)
    inputs = _random_inputs(torch.Generator().manual_seed(0))
    result = to_torch(expr, args, table=wrong)(*[inputs[a] for a in args])
    with pytest.raises(AssertionError):
        np.testing.assert_allclose(result.numpy(), _reference_scalar(expr, args, inputs), rtol=1e-12)


@pytest.mark.parametrize("expr", [sympy.gamma(x), sympy.sin(x) + x, sympy.I * x, sympy.oo * x])
def test_unsupported_node_raises_naming_its_type(expr):
    bad = next(n for n in sympy.preorder_traversal(expr) if not _is_supported(n))
    with pytest.raises(NumericBackendError, match=f"^expr: unsupported SymPy node type {type(bad).__name__}"):
        to_torch(expr, [x])


def _is_supported(node):
    try:
        _handler_for(node, TORCH_TRANSLATION)
    except NumericBackendError:
        return False
    return True


def test_max_at_and_around_its_breakpoint():
    f = to_torch(sympy.Max(0, x), [x])
    points = torch.tensor([-1.0, -1e-300, -0.0, 0.0, 1e-300, 1.0], dtype=torch.float64)
    assert f(points).tolist() == [0.0, 0.0, 0.0, 0.0, 1e-300, 1.0]
    g = to_torch(sympy.Min(x, 2 - x), [x])
    assert g(torch.tensor([0.5, 1.0, 1.5], dtype=torch.float64)).tolist() == [0.5, 1.0, 0.5]


def test_piecewise_at_and_around_its_breakpoint():
    expr = sympy.Piecewise((x**2, x < 1), (3 - 2 * x, True))
    f = to_torch(expr, [x])
    eps = 2.0**-40
    points = torch.tensor([1 - eps, 1.0, 1 + eps], dtype=torch.float64)
    assert f(points).tolist() == [(1 - eps) ** 2, 1.0, 1 - 2 * eps]
    closed = to_torch(sympy.Piecewise((x**2, x <= 1), (3 - 2 * x, True)), [x])
    assert closed(torch.tensor([1.0], dtype=torch.float64)).item() == 1.0
    incomplete = to_torch(sympy.Piecewise((x, x > 0)), [x])
    with pytest.raises(NumericBackendError, match="^tensors:.*NaN"):
        incomplete(torch.tensor([1.0, -1.0], dtype=torch.float64))


def test_common_subexpressions_are_computed_once():
    calls = []
    counting = dict(TORCH_TRANSLATION)
    counting[sympy.log] = lambda node, children, context: calls.append(node) or context.torch.log(children[0])
    shared = sympy.log(x**2 + p)
    expr = shared + sympy.Abs(shared - 1) + sympy.Max(shared, y) * shared
    f = to_torch(expr, [x, y, p], table=counting)
    inputs = _random_inputs(torch.Generator().manual_seed(1))
    f(inputs[x], inputs[y], inputs[p])
    assert calls == [shared]


def test_constants_broadcast_and_nan_policy():
    assert to_torch(sympy.pi, [x])(torch.zeros(4, dtype=torch.float64)).tolist() == [float(sympy.pi)] * 4
    assert to_torch(sympy.Identity(2), [x])(torch.zeros(3, dtype=torch.float64)).shape == (3, 2, 2)
    log_x = torch.tensor([1.0, -1.0], dtype=torch.float64)
    with pytest.raises(NumericBackendError, match=r"^tensors:.*rows \[1\]"):
        to_torch(sympy.log(x), [x])(log_x)
    assert torch.isnan(to_torch(sympy.log(x), [x], allow_nan=True)(log_x)[1])


def test_usable_inside_minimize_batched():
    loss = to_torch((x - 1) ** 2 + (y + 2) ** 2 + sympy.Max(0, x * y) ** 2, [x, y])
    result = minimize_batched(lambda params: loss(params[:, 0], params[:, 1]),
                              torch.randn(5, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(0)),
                              max_adam_steps=200)
    assert bool(result.converged.all())
    assert torch.allclose(result.params, torch.tensor([1.0, -2.0], dtype=torch.float64).expand(5, 2), atol=1e-8)


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: to_torch(x + y, [x]), "args"),
        (lambda: to_torch(x, [x, x]), "args"),
        (lambda: to_torch(x, [x + 1]), "args"),
        (lambda: to_torch(x, x), "args"),
        (lambda: to_torch(sympy.Matrix([[x]]), [x]), "expr"),
        (lambda: to_torch(x, [x])(torch.zeros(3, 1)), "x"),
        (lambda: to_torch(x * y, [x, y])(torch.zeros(3), torch.zeros(4)), "y"),
        (lambda: to_torch(x, [x])(), "tensors"),
        (lambda: to_torch(x, [x])([1.0, 2.0]), "x"),
        (lambda: to_torch(sympy.Trace(A), [A])(torch.zeros(2, 3, 2)), "A"),
        (lambda: to_torch(sympy.Trace(A), [A])(torch.zeros(2, 3, 3)[0]), "A"),
        (lambda: to_torch(sympy.Trace(sympy.MatrixSymbol("N", sympy.Symbol("n"), 2)), [x]), "args"),
    ],
)
def test_bad_input_raises(call, argument):
    with pytest.raises(NumericBackendError, match=f"^{argument}:"):
        call()
