"""The objective of the batched minimizer seen row by row, and its derivatives.

``_RowLoss`` evaluates the loss on a subset of rows (``params [b, P]``, distinct row numbers ``rows [b]`` ->
``[b]``) for both kinds of objective (full batch or per instance); ``_loss_and_grad`` / ``_trial_loss_and_grad``
give loss [b] and gradient [b, P] (the trial version turns rows that raise into NaN), ``_hessians`` the
symmetrized Hessians [b, P, P], and ``_diagnose`` the convergence verdict. Derivatives come from the objective's
analytic ``loss_and_grad`` / ``hessian`` when it has them (``Derivatives``), else from autograd (the double
backward batched over unit vectors, else one double backward per coordinate). The tolerances shared by all
phases live here.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from numeric_backend._errors import NumericBackendError, fail

if TYPE_CHECKING:
    import torch

    from numeric_backend._derivatives import Derivatives


LossFunction = Callable[["torch.Tensor"], "torch.Tensor"]
InstanceLossFunction = Callable[["torch.Tensor", "torch.Tensor"], "torch.Tensor"]

NEGATIVE_CURVATURE_TOLERANCE = 1e-6
"""Min Hessian eigenvalue must be >= -NEGATIVE_CURVATURE_TOLERANCE * (1 + max |eigenvalue|)."""

ROUNDOFF_BAND = 16 * 2.0**-52
"""Loss changes within ROUNDOFF_BAND * (1 + |loss|) are treated as round-off (see ``minimize_batched``)."""

_HESSIAN_ROW_BUDGET = 2**20  # Hessians are built for at most this // P^2 rows at a time (8 MB of float64: larger
_HESSIAN_TANGENT_BUDGET = 2**18  # blocks measured slower), and for at most this // (rows * P) unit vectors at a time
_ANALYTIC_HESSIAN_ROW_BUDGET = 2**18  # the same for analytic Hessians, cheap to build: blocks of 2 MB stay in cache


def _hessian_chunk(row_loss: _RowLoss, dim: int) -> int:
    """Rows per block of Hessians [rows, P, P] (see ``_HESSIAN_ROW_BUDGET``)."""
    budget = _HESSIAN_ROW_BUDGET if row_loss.hessian is None else _ANALYTIC_HESSIAN_ROW_BUDGET
    return max(1, budget // (dim * dim))


@dataclass(frozen=True)
class _RowLoss:
    """The objective restricted to some rows: ``self(params [b, P], rows [b]) -> loss [b]``.

    ``rows`` are distinct row numbers of the full problem (sorted, except in the L-BFGS pool of an instance
    loss, and repeated once per candidate step in Newton's trials of an instance loss). Full-batch losses are
    evaluated on
    ``anchor`` (the checked init) with the requested rows replaced; instance losses are called directly, so
    evaluating a subset costs only that subset (``any_subset``). ``loss_and_grad(params, rows) -> (loss [b],
    grad [b, P])`` and ``hessian(params, rows) -> [b, P, P]``, when set, replace autograd; ``eliminate(params,
    rows) -> [b, P]`` and ``free`` (an index of dimension 1: slice or int64 [P_free]) are the variable
    projection of ``Derivatives``.
    """

    evaluate: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    argument: str
    batch_size: int
    any_subset: bool = False
    loss_and_grad: Callable[[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor]] | None = None
    hessian: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None
    eliminate: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None
    free: slice | torch.Tensor | None = None

    def __post_init__(self) -> None:
        assert callable(self.evaluate) and self.batch_size >= 1

    def __call__(self, params: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
        import torch

        loss = self.evaluate(params, rows)
        if not isinstance(loss, torch.Tensor) or loss.shape != (rows.shape[0],):
            shape = tuple(loss.shape) if isinstance(loss, torch.Tensor) else type(loss).__name__
            raise fail(self.argument, f"must return a tensor of shape ({rows.shape[0]},), returned {shape}")
        return loss

    @classmethod
    def full_batch(cls, loss_fn: LossFunction, anchor: torch.Tensor) -> _RowLoss:
        """From ``loss_fn(params [B, P]) -> [B]``, which may only be called on all B rows."""
        import torch

        batch = anchor.shape[0]

        def evaluate(params: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
            full = params if rows.shape[0] == batch else anchor.index_copy(0, rows, params)
            loss = loss_fn(full)
            if not isinstance(loss, torch.Tensor) or loss.shape != (batch,):
                shape = tuple(loss.shape) if isinstance(loss, torch.Tensor) else type(loss).__name__
                raise fail("loss_fn", f"must return a tensor of shape [B] = ({batch},), returned {shape}")
            return loss if rows.shape[0] == batch else loss[rows]

        return cls(evaluate, "loss_fn", batch)

    @classmethod
    def per_instance(
        cls, loss_fn: InstanceLossFunction, instance_index: torch.Tensor, derivatives: Derivatives | None = None
    ) -> _RowLoss:
        """From ``loss_fn(params [b, P], instance_index [b]) -> [b]``, callable on any subset of rows, and its
        analytic ``derivatives`` if given."""
        if derivatives is None:
            return cls(lambda params, rows: loss_fn(params, instance_index[rows]), "loss_fn_for_instances",
                       instance_index.shape[0], any_subset=True)
        loss_and_grad, hessian, eliminate = derivatives.loss_and_grad, derivatives.hessian, derivatives.eliminate
        return cls(
            lambda params, rows: loss_fn(params, instance_index[rows]), "loss_fn_for_instances",
            instance_index.shape[0], any_subset=True,
            loss_and_grad=lambda params, rows: loss_and_grad(params, instance_index[rows]),
            hessian=None if hessian is None else lambda params, rows: hessian(params, instance_index[rows]),
            eliminate=None if eliminate is None else lambda params, rows: eliminate(params, instance_index[rows]),
            free=derivatives.free_coordinates(),
        )

    def embed(self, free_params: torch.Tensor, rows: torch.Tensor, param_dim: int) -> torch.Tensor:
        """Full params [b, param_dim] from the free coordinates [b, P_free]: the others eliminated."""
        import torch

        assert self.eliminate is not None and self.free is not None
        full = torch.zeros(free_params.shape[0], param_dim, dtype=free_params.dtype)
        full[:, self.free] = free_params
        with torch.no_grad():
            full = self.eliminate(full, rows)
        _check_analytic("eliminate", full, (free_params.shape[0], param_dim))
        return full

    def reduced(self, param_dim: int) -> _RowLoss:
        """The variable projection f(v) = L(eliminate(v), v) over the free coordinates v [b, P_free]; its
        gradient is the free part of L's gradient at the eliminated params."""
        free = self.free
        assert free is not None

        def evaluate(free_params: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
            return self(self.embed(free_params, rows, param_dim), rows)

        def loss_and_grad(free_params: torch.Tensor, rows: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            loss, grad = _loss_and_grad(self, self.embed(free_params, rows, param_dim), rows)
            return loss, grad[:, free]

        return _RowLoss(evaluate, self.argument, self.batch_size, any_subset=self.any_subset,
                        loss_and_grad=loss_and_grad)


def _loss_and_grad(
    row_loss: _RowLoss, params: torch.Tensor, rows: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-row loss [b] and gradient [b, P] (rows are independent, so grad of the sum is per row): the analytic
    ``row_loss.loss_and_grad`` if it has one, else autograd."""
    import torch

    if row_loss.loss_and_grad is not None:
        with torch.no_grad():
            loss, grad = row_loss.loss_and_grad(params.detach(), rows)
        _check_analytic("loss_and_grad", loss, (rows.shape[0],))
        _check_analytic("loss_and_grad", grad, tuple(params.shape))
        return loss, grad
    with torch.enable_grad():
        x = params.detach().requires_grad_(True)
        loss = row_loss(x, rows)
        (grad,) = torch.autograd.grad(loss.sum(), x, allow_unused=True)
    grad = torch.zeros_like(x) if grad is None else grad
    return loss.detach(), grad.detach()


def _trial_loss_and_grad(
    row_loss: _RowLoss, params: torch.Tensor, rows: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """``_loss_and_grad`` at trial points: rows on which the loss refuses to evaluate (raises NumericBackendError,
    as compiled expressions do on NaN, or torch's LinAlgError, as a solve with a singular matrix does) get NaN
    loss and gradient, found by bisecting the rows: a rejected step, never an exception."""
    import torch

    try:
        return _loss_and_grad(row_loss, params, rows)
    except _DerivativesContractError:
        raise
    except (NumericBackendError, torch.linalg.LinAlgError):
        if rows.shape[0] == 1:
            return torch.full((1,), math.nan, dtype=params.dtype), torch.full_like(params, math.nan)
        half = rows.shape[0] // 2
        first_loss, first_grad = _trial_loss_and_grad(row_loss, params[:half], rows[:half])
        second_loss, second_grad = _trial_loss_and_grad(row_loss, params[half:], rows[half:])
        return torch.cat([first_loss, second_loss]), torch.cat([first_grad, second_grad])


def _hessians_batched_backward(row_loss: _RowLoss, params: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
    """Per-row Hessians [b, P, P]: reverse-over-reverse, one forward/backward pass of the gradient on all b rows
    (with its graph), then its vector-Jacobian products with e_j, batched over j (autograd's
    ``is_grads_batched``), in chunks of about _HESSIAN_TANGENT_BUDGET elements per intermediate, which keeps them
    in cache."""
    import torch

    batch, dim = params.shape
    chunk = max(1, min(dim, _HESSIAN_TANGENT_BUDGET // max(1, batch * dim)))
    eye = torch.eye(dim, dtype=params.dtype)
    with torch.enable_grad(), warnings.catch_warnings():  # torch's decompositions use the deprecated jit.script
        warnings.filterwarnings("ignore", message=".*torch.jit.script.*", category=DeprecationWarning)
        x = params.detach().requires_grad_(True)
        (grad,) = torch.autograd.grad(row_loss(x, rows).sum(), x, create_graph=True)
        parts = []
        for begin in range(0, dim, chunk):
            tangents = eye[begin:begin + chunk, None, :].expand(-1, batch, dim)
            (part,) = torch.autograd.grad(grad, x, tangents, retain_graph=True, is_grads_batched=True)
            parts.append(part)
    rows_of_hessian = parts[0] if len(parts) == 1 else torch.cat(parts)
    return rows_of_hessian.detach().transpose(0, 1)  # [P(j), b, P(i)] -> [b, j, i]; symmetrized by the caller


def _hessians_autograd(row_loss: _RowLoss, params: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
    """Fallback for losses whose double backward cannot be batched: P double-backward passes over the rows."""
    import torch

    with torch.enable_grad():
        x = params.detach().requires_grad_(True)
        (grad,) = torch.autograd.grad(row_loss(x, rows).sum(), x, create_graph=True)
        columns = []
        for j in range(x.shape[1]):
            (column,) = torch.autograd.grad(grad[:, j].sum(), x, retain_graph=True, allow_unused=True)
            columns.append(torch.zeros_like(x) if column is None else column)
    return torch.stack(columns, dim=-1).detach()


class _DerivativesContractError(NumericBackendError):
    """An analytic derivative returned the wrong kind of value: a bug of the caller, never a rejected step."""


def _check_analytic(name: str, value: object, shape: tuple[int, ...]) -> None:
    """An analytic derivative must return a float64 tensor of the expected shape, else NumericBackendError."""
    import torch

    if not isinstance(value, torch.Tensor) or tuple(value.shape) != shape or value.dtype != torch.float64:
        got = f"{tuple(value.shape)} {value.dtype}" if isinstance(value, torch.Tensor) else type(value).__name__
        raise _DerivativesContractError(
            f"derivatives.{name}: must return float64 tensors of shape {shape}, returned {got}")


def _hessians(row_loss: _RowLoss, params: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
    """Symmetrized per-row Hessians [b, P, P] of the given rows, built in chunks of ``_hessian_chunk`` rows: the
    analytic ``row_loss.hessian`` if it has one, else autograd."""
    import torch

    dim = params.shape[1]
    chunk = _hessian_chunk(row_loss, dim)
    parts = []
    for begin in range(0, params.shape[0], chunk):
        part_params, part_rows = params[begin:begin + chunk].detach(), rows[begin:begin + chunk]
        if row_loss.hessian is not None:
            with torch.no_grad():
                hessian = row_loss.hessian(part_params, part_rows)
            _check_analytic("hessian", hessian, (part_rows.shape[0], dim, dim))
            parts.append(torch.add(hessian, hessian.transpose(-1, -2)).mul_(0.5))
            continue
        try:
            hessian = _hessians_batched_backward(row_loss, part_params, part_rows)
        except (RuntimeError, NotImplementedError, TypeError):
            hessian = _hessians_autograd(row_loss, part_params, part_rows)
        hessian = hessian.contiguous()  # cache-friendly transposed reads below: one P x P matrix at a time
        parts.append(torch.add(hessian, hessian.transpose(-1, -2)).mul_(0.5))
    return parts[0] if len(parts) == 1 else torch.cat(parts)


@dataclass(frozen=True)
class _Diagnosis:
    """Loss [b], grad [b, P], Hessian spectrum [b, P] (ascending) and the convergence verdict [b] of some rows.

    Rows whose Hessian is not finite get the identity's spectrum for stepping, ``hessian_finite`` False,
    ``min_eigenvalue`` -inf and ``converged`` False.
    """

    loss: torch.Tensor
    grad: torch.Tensor
    eigenvalues: torch.Tensor
    eigenvectors: torch.Tensor | None
    hessian_finite: torch.Tensor
    converged: torch.Tensor

    @property
    def min_eigenvalue(self) -> torch.Tensor:
        """Smallest Hessian eigenvalue [b] (-inf where the Hessian is not finite)."""
        import torch

        return torch.where(self.hessian_finite, self.eigenvalues[:, 0], -math.inf)


def _diagnose(
    row_loss: _RowLoss, params: torch.Tensor, rows: torch.Tensor, gtol: float, *, with_vectors: bool
) -> _Diagnosis:
    """Evaluate the convergence criterion on ``rows`` (eigenvectors too when ``with_vectors``)."""
    import torch

    loss, grad = _loss_and_grad(row_loss, params, rows)
    hessian = _hessians(row_loss, params, rows)
    finite = torch.isfinite(hessian).flatten(1).all(dim=1)
    if not bool(finite.all()):
        eye = torch.eye(hessian.shape[-1], dtype=hessian.dtype).expand_as(hessian)
        hessian = torch.where(finite[:, None, None], hessian, eye)
    if with_vectors:
        eigenvalues, eigenvectors = torch.linalg.eigh(hessian)
    else:
        eigenvalues, eigenvectors = torch.linalg.eigvalsh(hessian), None
    largest = eigenvalues.abs().amax(dim=1)
    stationary = grad.norm(dim=1) <= gtol * (1 + loss.abs())  # False for NaN
    curved_up = eigenvalues[:, 0] >= -NEGATIVE_CURVATURE_TOLERANCE * (1 + largest)
    converged = stationary & curved_up & finite & torch.isfinite(loss)
    return _Diagnosis(loss, grad, eigenvalues, eigenvectors, finite, converged)
