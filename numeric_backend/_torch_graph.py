"""The elementwise expression as a torch.fx graph of plain torch ops, shared by the compiler (``_torch_compile``)
and the ahead-of-time packager (``_aot_package``), and the axes they compile as dynamic."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sympy

from numeric_backend._torch_translate import TORCH_TRANSLATION, Handler, TranslationContext, _build_plan, _PlanStep


def _heaviside(node: sympy.Basic, children: list[Any], context: TranslationContext) -> Any:
    """Heaviside(x, at_zero) by torch.heaviside (at_zero 1/2 unless given)."""
    at_zero = children[1] if len(children) > 1 else context.constant(0.5)
    return context.torch.heaviside(children[0], at_zero)


ELEMENTWISE_TRANSLATION: dict[type, Handler] = {
    **TORCH_TRANSLATION,
    sympy.Heaviside: _heaviside,
    sympy.logic.boolalg.BooleanFalse: lambda node, children, context: context.torch.tensor(
        False, device=context.device),
}
"""``TORCH_TRANSLATION`` plus the indicator nodes the numpy backend also supports (Heaviside, false)."""


class _Elementwise:
    """Evaluate a translation plan on broadcastable float64 tensors (traced with torch.fx proxies); float64 result."""

    def __init__(self, steps: list[_PlanStep], root: int) -> None:
        """The plan ``steps`` with result ``root``."""
        self.steps, self.root = steps, root

    def __call__(self, *tensors: Any) -> Any:
        """Evaluate the plan on ``tensors`` (one per argument, broadcastable)."""
        import torch

        context = TranslationContext(torch, 1, torch.float64, torch.device("cpu"))
        values: list[Any] = []
        for step in self.steps:
            if step.handler is None:
                values.append(tensors[step.argument_position])
            else:
                values.append(step.handler(step.node, [values[i] for i in step.children], context))
        return values[self.root].to(torch.float64)  # relational or logical roots are bool


def _graph_module(expr: sympy.Expr, args: tuple[sympy.Symbol, ...], *, with_out: bool = False) -> Any:
    """The expression as a torch.fx GraphModule of plain torch ops: forward(x0, ..., x{n-1}) -> tensor, or with
    ``with_out`` forward(x0, ..., x{n-1}, out) writing the (broadcast) result into ``out``.

    SymPy is consulted only here (while tracing), never when the module runs or is compiled.
    """
    import torch.fx

    steps, root = _build_plan(expr, {a: i for i, a in enumerate(args)}, ELEMENTWISE_TRANSLATION)
    params = ", ".join(f"x{i}" for i in range(len(args)))
    body = f"    out.copy_(_evaluate({params}))\n" if with_out else f"    return _evaluate({params})\n"
    signature = f"{params}, out" if with_out and params else ("out" if with_out else params)
    namespace: dict[str, Any] = {"_evaluate": _Elementwise(steps, root)}
    exec(f"def kernel({signature}):\n{body}", namespace)  # a fixed template over generated argument names
    module = torch.fx.symbolic_trace(namespace["kernel"])
    return _inline_scalar_constants(module)


def _inline_scalar_constants(module: Any) -> Any:
    """Replace the 0-d tensor constants (module buffers after tracing) by ``torch.full((), value)`` in the graph.

    Dynamo would otherwise read each buffer as a symbolic float and restart its analysis, compiling twice.
    """
    import torch

    graph = module.graph
    inlined = set()
    for node in list(graph.nodes):
        if node.op != "get_attr":
            continue
        value = getattr(module, node.target)
        if not isinstance(value, torch.Tensor) or value.dim() != 0:
            continue
        with graph.inserting_before(node):
            literal = graph.call_function(torch.full, ((), value.item()), {"dtype": value.dtype})
        node.replace_all_uses_with(literal)
        graph.erase_node(node)
        inlined.add(node.target)
    for target in inlined:
        delattr(module, target)
    graph.lint()
    module.recompile()
    return module


def batch_axes(shape: Sequence[int]) -> tuple[int, ...]:
    """Axes compiled as dynamic: all but the last (the mode axis d) of a >= 2-d shape, the only axis of a 1-d one;
    size-1 axes stay static (they broadcast). On the [rows, width] layout that compiled functions see (see
    ``rows_layout``) this is the row axis unless it has size 1."""
    axes = range(len(shape) - 1) if len(shape) >= 2 else range(len(shape))
    return tuple(a for a in axes if shape[a] != 1)
