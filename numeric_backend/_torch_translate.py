"""Translate a SymPy expression into a batched torch callable.

The translation table ``TORCH_TRANSLATION`` is data: SymPy node type -> handler(node, children, context).
A node is dispatched on the first class of its MRO found in the table (so ``One`` uses ``Integer`` and
``Pi`` uses ``NumberSymbol``). The whole tree is checked at translation time: an unsupported node raises
NumericBackendError naming its type, and nothing is returned. Identical subtrees are computed once per call.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sympy
from sympy.logic.boolalg import BooleanTrue
from sympy.matrices.expressions import (
    Determinant,
    HadamardProduct,
    Identity,
    Inverse,
    MatAdd,
    MatMul,
    MatPow,
    MatrixSymbol,
    Trace,
    Transpose,
    ZeroMatrix,
)

from numeric_backend._errors import fail
from numeric_backend._validate import check_arguments, check_expression

if TYPE_CHECKING:
    import torch


@dataclass(frozen=True)
class TranslationContext:
    """What handlers need besides their children: the torch module, batch size, dtype and device."""

    torch: Any
    batch_size: int
    dtype: Any
    device: Any

    def __post_init__(self) -> None:
        assert self.batch_size >= 1, self.batch_size

    def constant(self, value: float) -> torch.Tensor:
        """A 0-d tensor (broadcasts against [B] and [B, n, m])."""
        return self.torch.tensor(value, dtype=self.dtype, device=self.device)


Handler = Callable[[sympy.Basic, list[Any], TranslationContext], Any]


def _exact_number(node: sympy.Basic, context: TranslationContext) -> Any:
    """A SymPy number as a float64 constant tensor (NumericBackendError if it overflows)."""
    value = float(node) if not isinstance(node, sympy.NumberSymbol) else float(node.evalf(20))
    if not math.isfinite(value):
        raise fail("expr", f"the number {node} does not fit in float64")
    return context.constant(value)


def _scalar_product(factors: list[Any]) -> Any:
    """Left-to-right product of the factors."""
    result = factors[0]
    for factor in factors[1:]:
        result = result * factor
    return result


def _sum(children: list[Any]) -> Any:
    """Left-to-right sum of the children."""
    result = children[0]
    for child in children[1:]:
        result = result + child
    return result


def _matrix_scale(scalar: Any) -> Any:
    """Scalar [B] (or 0-d) reshaped to multiply [B, n, m]."""
    return scalar[:, None, None] if scalar.dim() == 1 else scalar


def _pow(node: sympy.Basic, children: list[Any], context: TranslationContext) -> Any:
    """A power: sqrt / rsqrt for +-1/2, integer powers by int, else a tensor exponent."""
    base, exponent = children
    power = node.args[1]
    torch = context.torch
    if power == sympy.S.Half:
        return torch.sqrt(base)
    if power == -sympy.S.Half:
        return torch.rsqrt(base)
    if power.is_Integer:
        return torch.pow(base, int(power))
    return torch.pow(base, exponent)


def _mat_mul(node: sympy.Basic, children: list[Any], context: TranslationContext) -> Any:
    """MatMul: scalar factors times the batched matrix product [B, n, m]."""
    scalars = [c for a, c in zip(node.args, children, strict=True) if not a.is_Matrix]
    matrices = [c for a, c in zip(node.args, children, strict=True) if a.is_Matrix]
    product = matrices[0]
    for matrix in matrices[1:]:
        product = product @ matrix
    if scalars:
        product = _matrix_scale(_scalar_product(scalars)) * product
    return product.expand(context.batch_size, *product.shape[-2:])


def _mat_pow(node: sympy.Basic, children: list[Any], context: TranslationContext) -> Any:
    """MatPow with an integer exponent (matrix_power)."""
    exponent = node.args[1]
    if not exponent.is_Integer:
        raise fail("expr", f"MatPow needs an integer exponent, received {exponent} in {node}")
    return context.torch.linalg.matrix_power(children[0], int(exponent))


def _identity(node: sympy.Basic, children: list[Any], context: TranslationContext) -> Any:
    """Identity(n) expanded to [B, n, n]."""
    n = int(node.shape[0])
    eye = context.torch.eye(n, dtype=context.dtype, device=context.device)
    return eye.expand(context.batch_size, n, n)


def _zero_matrix(node: sympy.Basic, children: list[Any], context: TranslationContext) -> Any:
    """ZeroMatrix(n, m) as zeros [B, n, m]."""
    rows, cols = (int(d) for d in node.shape)
    return context.torch.zeros(context.batch_size, rows, cols, dtype=context.dtype, device=context.device)


def _fold(function_name: str) -> Handler:
    """Left fold of the children with a binary torch function (Max, Min, And, Or of any arity)."""

    def handler(node: sympy.Basic, children: list[Any], context: TranslationContext) -> Any:
        function = getattr(context.torch, function_name)
        result = children[0]
        for child in children[1:]:
            result = function(result, child)
        return result

    return handler


def _piecewise(node: sympy.Basic, children: list[Any], context: TranslationContext) -> Any:
    """Nested torch.where from the last branch; points matching no condition give NaN (as in SymPy)."""
    torch = context.torch
    result = context.constant(float("nan"))
    for value, condition in reversed(list(zip(children[0::2], children[1::2], strict=True))):
        result = torch.where(condition, value, result)
    return result


def _elementwise(function_name: str) -> Handler:
    """Handler calling the torch function ``function_name`` on the children."""
    def handler(node: sympy.Basic, children: list[Any], context: TranslationContext) -> Any:
        return getattr(context.torch, function_name)(*children)

    return handler


def _boolean(value: bool) -> Handler:
    """Handler returning the constant boolean ``value``."""
    def handler(node: sympy.Basic, children: list[Any], context: TranslationContext) -> Any:
        return context.torch.tensor(value, device=context.device)

    return handler


def _leaf_error(node: sympy.Basic, children: list[Any], context: TranslationContext) -> Any:
    """Leaves never reach a handler (they are bound to inputs first)."""
    raise AssertionError(f"leaves are bound to input tensors before evaluation, not translated: {node}")


SUPPORTED_NODE_TYPES: tuple[type, ...] = (
    sympy.Symbol,
    MatrixSymbol,
    sympy.Integer,
    sympy.Rational,
    sympy.Float,
    sympy.NumberSymbol,
    BooleanTrue,
    sympy.Add,
    sympy.Mul,
    sympy.Pow,
    sympy.log,
    sympy.exp,
    sympy.Abs,
    sympy.Max,
    sympy.Min,
    sympy.Piecewise,
    sympy.StrictLessThan,
    sympy.LessThan,
    sympy.StrictGreaterThan,
    sympy.GreaterThan,
    sympy.Equality,
    sympy.Unequality,
    sympy.And,
    sympy.Or,
    sympy.Not,
    MatAdd,
    MatMul,
    Transpose,
    Trace,
    Inverse,
    Determinant,
    Identity,
    ZeroMatrix,
    MatPow,
    HadamardProduct,
)
"""The declared list of SymPy node types ``to_torch`` understands (checked against the table at import)."""

TORCH_TRANSLATION: dict[type, Handler] = {
    sympy.Symbol: _leaf_error,
    MatrixSymbol: _leaf_error,
    sympy.Integer: lambda node, children, context: _exact_number(node, context),
    sympy.Rational: lambda node, children, context: _exact_number(node, context),
    sympy.Float: lambda node, children, context: _exact_number(node, context),
    sympy.NumberSymbol: lambda node, children, context: _exact_number(node, context),
    BooleanTrue: _boolean(True),
    sympy.Add: lambda node, children, context: _sum(children),
    sympy.Mul: lambda node, children, context: _scalar_product(children),
    sympy.Pow: _pow,
    sympy.log: _elementwise("log"),
    sympy.exp: _elementwise("exp"),
    sympy.Abs: _elementwise("abs"),
    sympy.Max: _fold("maximum"),
    sympy.Min: _fold("minimum"),
    sympy.Piecewise: _piecewise,
    sympy.StrictLessThan: _elementwise("lt"),
    sympy.LessThan: _elementwise("le"),
    sympy.StrictGreaterThan: _elementwise("gt"),
    sympy.GreaterThan: _elementwise("ge"),
    sympy.Equality: _elementwise("eq"),
    sympy.Unequality: _elementwise("ne"),
    sympy.And: _fold("logical_and"),
    sympy.Or: _fold("logical_or"),
    sympy.Not: _elementwise("logical_not"),
    MatAdd: lambda node, children, context: _sum(children),
    MatMul: _mat_mul,
    Transpose: lambda node, children, context: children[0].transpose(-1, -2),
    Trace: lambda node, children, context: children[0].diagonal(dim1=-2, dim2=-1).sum(-1),
    Inverse: lambda node, children, context: context.torch.linalg.inv(children[0]),
    Determinant: lambda node, children, context: context.torch.linalg.det(children[0]),
    Identity: _identity,
    ZeroMatrix: _zero_matrix,
    MatPow: _mat_pow,
    HadamardProduct: lambda node, children, context: _scalar_product(children),
}
"""SymPy node type -> handler(node, translated children, context) -> tensor. Data, not code paths."""

_GENERIC_BASES = (
    sympy.Basic, sympy.Expr, sympy.Atom, sympy.Function, sympy.Number, sympy.MatrixExpr,
    sympy.logic.boolalg.Boolean, sympy.core.relational.Relational, sympy.core.function.Application,
)


def _check_table(table: dict[type, Handler], declared: Sequence[type]) -> None:
    """The table and the declared list must be the same set of node types, one handler each."""
    assert len(set(declared)) == len(declared), "SUPPORTED_NODE_TYPES has duplicates"
    assert set(table) == set(declared), (
        f"translation table and declared node types differ: "
        f"missing handlers {set(declared) - set(table)}, undeclared handlers {set(table) - set(declared)}"
    )
    assert all(callable(handler) for handler in table.values())
    assert not set(_GENERIC_BASES) & set(table), "generic base classes must not be in the table"


_check_table(TORCH_TRANSLATION, SUPPORTED_NODE_TYPES)

_LEAF_TYPES = (sympy.Symbol, MatrixSymbol)


def _check_integer_dimensions(arg: sympy.Basic) -> None:
    """A MatrixSymbol argument needs integer dimensions (its [n, m] fixes the tensor shape [B, n, m])."""
    if isinstance(arg, MatrixSymbol) and not all(d.is_Integer for d in arg.shape):
        raise fail("args", f"MatrixSymbol {arg} needs integer dimensions, received shape {arg.shape}")


def _handler_for(node: sympy.Basic, table: dict[type, Handler]) -> Handler:
    """The table entry for ``node``'s type (or a base class), else NumericBackendError."""
    for cls in type(node).__mro__:
        if cls in table:
            return table[cls]
        if cls in _GENERIC_BASES:
            break
    raise fail(
        "expr",
        f"unsupported SymPy node type {type(node).__name__} in {node} "
        f"(supported: {sorted(t.__name__ for t in table)})",
    )


@dataclass(frozen=True)
class _PlanStep:
    """One unique subtree: an input (``argument_position``) or a handler applied to earlier steps."""

    node: sympy.Basic
    handler: Handler | None
    children: tuple[int, ...] = ()
    argument_position: int | None = None

    def __post_init__(self) -> None:
        assert (self.handler is None) == (self.argument_position is not None), self


def _children_of(node: sympy.Basic) -> tuple[sympy.Basic, ...]:
    """The subtrees a node's handler receives, in order (Piecewise (expr, cond) pairs flattened)."""
    if isinstance(node, sympy.Piecewise):
        return tuple(part for pair in node.args for part in pair)  # (expr, cond) pairs flattened
    if isinstance(node, MatPow):
        return (node.args[0],)
    if isinstance(node, Identity | ZeroMatrix | sympy.Number | sympy.NumberSymbol):
        return ()
    return node.args


def _build_plan(
    expr: sympy.Basic, arg_positions: dict[sympy.Basic, int], table: dict[type, Handler]
) -> tuple[list[_PlanStep], int]:
    """Recursive tree walk, memoized on identical subtrees; returns the steps and the root index."""
    steps: list[_PlanStep] = []
    index_of: dict[sympy.Basic, int] = {}

    def visit(node: sympy.Basic) -> int:
        if node in index_of:
            return index_of[node]
        if isinstance(node, _LEAF_TYPES):
            if node not in arg_positions:
                raise fail("args", f"has no entry for {node!r} which appears in the expression")
            step = _PlanStep(node, None, argument_position=arg_positions[node])
        else:
            handler = _handler_for(node, table)
            if isinstance(node, Identity | ZeroMatrix) and not all(d.is_Integer for d in node.shape):
                raise fail("expr", f"{node} needs integer dimensions, received shape {node.shape}")
            step = _PlanStep(node, handler, tuple(visit(child) for child in _children_of(node)))
        index_of[node] = len(steps)
        steps.append(step)
        return index_of[node]

    root = visit(expr)
    return steps, root


class TorchFunction:
    """Batched torch evaluation of a SymPy expression; build with ``to_torch``.

    Call with one tensor per arg: [B] for a Symbol, [B, n, m] for an n x m MatrixSymbol. Returns [B]
    for a scalar expression, [B, n, m] for a matrix expression.
    """

    def __init__(self, expr: sympy.Basic, args: tuple[sympy.Basic, ...], steps: list[_PlanStep], root: int,
                 allow_nan: bool) -> None:
        """A plan (``steps``, ``root``) for ``expr`` in ``args``; ``allow_nan`` as in ``to_torch``."""
        self.expr = expr
        self.args = args
        self._steps = steps
        self._root = root
        self._allow_nan = allow_nan
        self._output_shape = tuple(int(d) for d in expr.shape) if expr.is_Matrix else ()

    def __repr__(self) -> str:
        return f"TorchFunction({self.expr}, args={self.args})"

    def _check_inputs(self, tensors: tuple[Any, ...]) -> TranslationContext:
        """Check one tensor per arg ([B] or [B, n, m]); the batch size, dtype and device."""
        import torch

        if len(tensors) != len(self.args):
            raise fail(
                "tensors", f"expected {len(self.args)} tensors (one per arg {self.args}), received {len(tensors)}"
            )
        batch_size: int | None = None
        for arg, tensor in zip(self.args, tensors, strict=True):
            if not isinstance(tensor, torch.Tensor):
                raise fail(str(arg), f"expected a torch.Tensor, received {type(tensor).__name__}")
            if isinstance(arg, MatrixSymbol):
                rows, cols = (int(d) for d in arg.shape)
                ok, layout = tensor.dim() == 3 and tuple(tensor.shape[1:]) == (rows, cols), f"[B, {rows}, {cols}]"
            else:
                ok, layout = tensor.dim() == 1, "[B]"
            if not ok:
                raise fail(str(arg), f"expected a tensor of shape {layout}, received shape {tuple(tensor.shape)}")
            if batch_size is None:
                batch_size = tensor.shape[0]
            elif tensor.shape[0] != batch_size:
                raise fail(str(arg), f"batch size {tensor.shape[0]} differs from the first tensor's {batch_size}")
        if batch_size == 0:
            raise fail("tensors", "batch size must be >= 1, received 0")
        reference = tensors[0] if tensors else None
        dtype = reference.dtype if reference is not None and reference.is_floating_point() else torch.float64
        device = reference.device if reference is not None else torch.device("cpu")
        return TranslationContext(torch, batch_size or 1, dtype, device)

    def __call__(self, *tensors: Any) -> torch.Tensor:
        context = self._check_inputs(tensors)
        values: list[Any] = []
        for step in self._steps:
            if step.handler is None:
                tensor = tensors[step.argument_position]
                values.append(tensor if tensor.is_floating_point() else tensor.to(context.dtype))
            else:
                values.append(step.handler(step.node, [values[i] for i in step.children], context))
        result = values[self._root]
        if result.dtype == context.torch.bool:
            result = result.to(context.dtype)
        result = result.expand(context.batch_size, *self._output_shape)
        if not self._allow_nan:
            _raise_on_nan(result, self.expr, context)
        return result


def _raise_on_nan(result: Any, expr: sympy.Basic, context: TranslationContext) -> None:
    """Raise if the output has NaN; skipped inside torch.func transforms (no data-dependent control flow)."""
    functorch = getattr(context.torch._C, "_functorch", None)
    if functorch is not None and functorch.is_functorch_wrapped_tensor(result):
        return
    nan_rows = context.torch.isnan(result).reshape(result.shape[0], -1).any(dim=1)
    if bool(nan_rows.any()):
        rows = nan_rows.nonzero().flatten().tolist()
        raise fail("tensors", f"the expression {expr} evaluates to NaN in batch rows {rows[:10]} "
                              f"({len(rows)} of {result.shape[0]}); pass allow_nan=True to permit it")


def to_torch(
    expr: sympy.Basic,
    args: Sequence[sympy.Basic],
    *,
    allow_nan: bool = False,
    table: dict[type, Handler] | None = None,
) -> TorchFunction:
    """Batched torch callable for ``expr``: f(*tensors) with [B] per Symbol and [B, n, m] per MatrixSymbol.

    Returns [B] (scalar expr) or [B, n, m] (matrix expr). Raises NumericBackendError naming the node type for
    anything outside ``SUPPORTED_NODE_TYPES``. By default a NaN in the output raises (outside torch.func
    transforms); ``allow_nan=True`` returns it. ``table`` replaces ``TORCH_TRANSLATION`` (for testing).
    """
    expr = check_expression(expr)
    if isinstance(expr, sympy.MatrixBase):
        raise fail("expr", f"explicit matrices are not supported, received {type(expr).__name__}; "
                           f"use MatrixSymbol expressions")
    arg_tuple = check_arguments(args, _LEAF_TYPES, "Symbols / MatrixSymbols", "Symbols or MatrixSymbols",
                                _check_integer_dimensions)
    if expr.is_Matrix and not all(sympy.sympify(d).is_Integer for d in expr.shape):
        raise fail("expr", f"needs integer dimensions, received shape {expr.shape}")
    steps, root = _build_plan(expr, {a: i for i, a in enumerate(arg_tuple)},
                              TORCH_TRANSLATION if table is None else table)
    return TorchFunction(expr, arg_tuple, steps, root, allow_nan)
