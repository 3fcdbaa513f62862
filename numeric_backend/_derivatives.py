"""Analytic derivatives of an instance loss, which ``multistart_minimize`` uses instead of autograd.

A ``Derivatives`` gives the loss and its gradient in one call (and optionally the Hessian). When the loss is a
strictly convex quadratic in a block of the parameters (the decoder U of ||U V^T - Z||^2 + a ||U||^2 + ...),
``eliminate`` may set that block to its exact minimizer given the others; the first-order phase then runs on the
remaining (``free``) coordinates only (variable projection: f(v) = min_u L(u, v), whose gradient is the v-part of
L's gradient at the minimizing u). Curvature test and Newton always see the full loss and all P parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from numeric_backend._errors import fail

if TYPE_CHECKING:
    import torch


LossAndGrad = Callable[["torch.Tensor", "torch.Tensor"], tuple["torch.Tensor", "torch.Tensor"]]
InstanceHessian = Callable[["torch.Tensor", "torch.Tensor"], "torch.Tensor"]
Eliminate = Callable[["torch.Tensor", "torch.Tensor"], "torch.Tensor"]


@dataclass(frozen=True)
class Derivatives:
    """Analytic derivatives of ``loss_fn_for_instances(params [b, P], instance_index [b]) -> [b]``.

    ``loss_and_grad(params, instance_index) -> (loss [b], grad [b, P])``, float64; ``hessian(params,
    instance_index) -> [b, P, P]`` (None: autograd of the loss). ``eliminate(params, instance_index) -> [b, P]``
    (optional, with ``free``): params with every coordinate not in ``free`` replaced by the minimizer of the loss
    over those coordinates given the free ones (a row where that minimizer does not exist gets NaN). ``free``:
    the coordinates, ascending, that the first-order phase then moves (a start's values of the other coordinates
    are not used: they are eliminated before its first step). Each is called under ``torch.no_grad()`` on the
    rows being worked on; a wrong shape or dtype raises NumericBackendError naming it.
    """

    loss_and_grad: LossAndGrad
    hessian: InstanceHessian | None = None
    eliminate: Eliminate | None = None
    free: Sequence[int] | None = None

    def __post_init__(self) -> None:
        if not callable(self.loss_and_grad):
            raise fail("derivatives.loss_and_grad", f"expected a callable, received {type(self.loss_and_grad)}")
        if self.hessian is not None and not callable(self.hessian):
            raise fail("derivatives.hessian", f"expected a callable or None, received {type(self.hessian)}")
        if (self.eliminate is None) != (self.free is None):
            raise fail("derivatives.eliminate", "eliminate and free are given together or not at all")
        if self.eliminate is not None and not callable(self.eliminate):
            raise fail("derivatives.eliminate", f"expected a callable or None, received {type(self.eliminate)}")
        if self.free is not None:
            free = list(self.free)
            if not free or any(not isinstance(i, int) or i < 0 for i in free) or free != sorted(set(free)):
                raise fail("derivatives.free", "expected ascending, distinct, non-negative coordinate numbers")

    def free_coordinates(self, param_dim: int | None = None) -> slice | torch.Tensor | None:
        """The free coordinates as an index of dimension 1 (None without elimination): a slice when they are
        consecutive (views instead of copies), else an int64 tensor; checked against ``param_dim`` if given."""
        import torch

        if self.free is None:
            return None
        free = list(self.free)
        if param_dim is not None and (free[-1] >= param_dim or len(free) == param_dim):
            raise fail("derivatives.free", f"expected a proper subset of range({param_dim}), received {free[:10]}...")
        if free == list(range(free[0], free[-1] + 1)):
            return slice(free[0], free[-1] + 1)
        return torch.tensor(free, dtype=torch.int64)
