"""Multistart minimization: many random starts per problem instance, run as one batch, and their summary.

``multistart_minimize`` draws ``n_starts`` seeded normal starts for each of ``n_instances`` problems (row
i * n_starts + k is start k of instance i), drops the starts where the loss fails, minimizes the rest with the
phases of ``minimize_batched`` (verdicts only: the curvature condition is certified by the Cholesky test), and
reports per instance the best start and the evidence that it is the global minimum (``MultistartResult``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from numeric_backend._derivatives import Derivatives
from numeric_backend._errors import fail
from numeric_backend._minimize import OPTION_DEFAULTS, _run, _torch_threads, convergence_criterion
from numeric_backend._row_loss import InstanceLossFunction, _RowLoss, _trial_loss_and_grad
from numeric_backend._validate import check_int, check_positive_float, check_seed

if TYPE_CHECKING:
    import torch


AT_BEST_TOLERANCE = 1e-8
"""A start "reached the best" when its loss <= best + AT_BEST_TOLERANCE * (1 + |best|)."""

START_FAILURES = {
    "start": "the loss or its gradient is not finite (or raised) at the random start",
    "end": "the loss or its gradient is not finite at the final parameters",
}
"""Why a start of ``multistart_minimize`` failed (the keys of ``MultistartResult.failures``)."""


@dataclass(frozen=True)
class MultistartResult:
    """Per instance: best_params [I, P], best_loss [I], n_starts_converged [I], n_starts_at_best [I],
    spread [I] (max - min loss over converged starts; 0 with one, +inf with none), best_converged [I];
    per start: loss [I, S] (+inf for a failed start), converged [I, S], failed [I, S]; ``failures`` counts the
    failed starts by reason (see ``START_FAILURES``). Failed starts take no part in the best, the counts or the
    spread."""

    best_params: torch.Tensor
    best_loss: torch.Tensor
    best_converged: torch.Tensor
    n_starts_converged: torch.Tensor
    n_starts_at_best: torch.Tensor
    spread: torch.Tensor
    loss: torch.Tensor
    converged: torch.Tensor
    seed: int
    criterion: str
    failed: torch.Tensor
    failures: dict[str, int]

    def __post_init__(self) -> None:
        n_instances = self.best_params.shape[0]
        for name in ("best_loss", "best_converged", "n_starts_converged", "n_starts_at_best", "spread"):
            assert getattr(self, name).shape == (n_instances,), (name, getattr(self, name).shape)
        assert self.loss.shape == self.converged.shape == self.failed.shape and self.loss.shape[0] == n_instances
        assert int(self.failed.sum()) == sum(self.failures.values())
        assert not bool((self.converged & self.failed).any())
        assert bool(self.best_loss.isfinite().all()) and bool(self.best_params.isfinite().all())
        assert bool((self.n_starts_at_best >= 1).all())
        assert bool((self.n_starts_converged <= self.loss.shape[1]).all())
        assert not bool(self.spread.isnan().any())


def multistart_minimize(
    loss_fn_for_instances: InstanceLossFunction,
    n_instances: int,
    n_starts: int,
    param_dim: int,
    *,
    init_scale: float = 1.0,
    seed: int,
    derivatives: Derivatives | None = None,
    **minimize_options: Any,
) -> MultistartResult:
    """Minimize each of ``n_instances`` problems from ``n_starts`` random normal starts (scale ``init_scale``).

    Row i * n_starts + k is start k of instance i; ``loss_fn_for_instances(params [I*S, P],
    instance_index [I*S]) -> [I*S]`` gathers per-instance data with the index. ``minimize_options``
    (max_adam_steps, lr, lbfgs_steps, newton_steps, gtol, num_threads) are those of ``minimize_batched``;
    only the rows still being worked on are evaluated, and the curvature condition of starts ending at a
    minimum is certified by the Cholesky test (``certified_shift``), with eigvalsh only where it fails. The
    best start is the lowest loss; ``n_starts_at_best`` counts starts within 1e-8 (1 + |best|) of it
    (evidence that the minimum is global).

    ``derivatives`` (``Derivatives``): the loss's analytic gradient (and Hessian), used instead of autograd, and
    optionally a quadratic block to eliminate (the first-order phase then runs on the other coordinates).

    A start at which the loss (or its gradient) is not finite or raises, or that ends at such a point, has
    failed: it is left out and counted in ``MultistartResult.failures``; if every start of an instance fails,
    NumericBackendError names the instances. Trial points where the loss is not finite or raises are rejected
    steps.
    """
    import torch

    if not callable(loss_fn_for_instances):
        raise fail("loss_fn_for_instances", f"expected a callable, received {type(loss_fn_for_instances).__name__}")
    n_instances = check_int("n_instances", n_instances, minimum=1)
    n_starts = check_int("n_starts", n_starts, minimum=1)
    param_dim = check_int("param_dim", param_dim, minimum=1)
    init_scale = check_positive_float("init_scale", init_scale)
    seed = check_seed(seed)
    if derivatives is not None:
        if not isinstance(derivatives, Derivatives):
            raise fail("derivatives", f"expected a Derivatives or None, received {type(derivatives).__name__}")
        derivatives.free_coordinates(param_dim)
    unknown = set(minimize_options) - MINIMIZE_OPTIONS
    if unknown:
        raise fail("minimize_options", f"unknown options {sorted(unknown)}")
    if minimize_options.get("num_threads") is not None:
        minimize_options["num_threads"] = check_int("num_threads", minimize_options["num_threads"], minimum=1)

    generator = torch.Generator().manual_seed(seed)
    init = init_scale * torch.randn(n_instances * n_starts, param_dim, generator=generator, dtype=torch.float64)
    instance_index = torch.arange(n_instances).repeat_interleave(n_starts)
    starts = _minimize_starts(loss_fn_for_instances, init, instance_index, seed, minimize_options, derivatives)
    failed = (starts.failed_at_start | starts.failed_at_end).reshape(n_instances, n_starts)
    every_start = failed.all(dim=1)
    if bool(every_start.any()):
        instances = every_start.nonzero().flatten().tolist()
        raise fail("loss_fn_for_instances", f"every one of the {n_starts} starts failed on instances "
                   f"{instances[:10]}: {int(starts.failed_at_start.sum())} at the start ({START_FAILURES['start']}), "
                   f"{int(starts.failed_at_end.sum())} at the end ({START_FAILURES['end']})")
    return _summarize(starts, failed, seed)


MINIMIZE_OPTIONS = frozenset(OPTION_DEFAULTS) - {"seed"}
"""The ``minimize_batched`` options ``multistart_minimize`` passes on (its own ``seed`` is also theirs)."""


@dataclass(frozen=True)
class _Starts:
    """Every start after minimization (R = I * S rows): params [R, P], loss [R] (+inf where failed),
    converged [R], failed_at_start [R], failed_at_end [R], and the convergence rule in words."""

    params: torch.Tensor
    loss: torch.Tensor
    converged: torch.Tensor
    failed_at_start: torch.Tensor
    failed_at_end: torch.Tensor
    criterion: str


def _minimize_starts(
    loss_fn_for_instances: InstanceLossFunction, init: torch.Tensor, instance_index: torch.Tensor, seed: int,
    minimize_options: dict[str, Any], derivatives: Derivatives | None = None,
) -> _Starts:
    """Check the loss at every start init [R, P] (instance_index [R]) and minimize the starts where it is finite."""
    import torch

    # unlike a full-batch loss_fn, an instance loss can be evaluated on any subset of rows
    row_loss = _RowLoss.per_instance(loss_fn_for_instances, instance_index, derivatives)
    with _torch_threads(minimize_options.get("num_threads", OPTION_DEFAULTS["num_threads"])):
        start_loss, start_grad = _trial_loss_and_grad(row_loss, init, torch.arange(init.shape[0]))
    failed_at_start = ~(torch.isfinite(start_loss) & torch.isfinite(start_grad).all(dim=1))
    good = (~failed_at_start).nonzero().flatten()
    rows = init.shape[0]
    params, row_min = init.clone(), torch.full((rows,), math.inf, dtype=torch.float64)
    row_converged, failed_at_end = torch.zeros(rows, dtype=torch.bool), torch.zeros(rows, dtype=torch.bool)
    criterion = convergence_criterion(minimize_options.get("gtol", OPTION_DEFAULTS["gtol"]))
    if good.numel():
        result = _run(_RowLoss.per_instance(loss_fn_for_instances, instance_index[good], derivatives), init[good],
                      exact_eigenvalues=False, seed=seed, allow_failed=True, **minimize_options)
        params[good], row_min[good], row_converged[good] = result.params, result.loss, result.converged
        failed_at_end[good] = result.failed
        criterion = result.criterion
    return _Starts(params, row_min, row_converged, failed_at_start, failed_at_end, criterion)


def _summarize(starts: _Starts, failed: torch.Tensor, seed: int) -> MultistartResult:
    """Per instance, from the starts and failed [I, S]: the best start, the converged and at-best counts, the
    spread."""
    import torch

    n_instances, n_starts = failed.shape
    loss = starts.loss.reshape(n_instances, n_starts)
    converged = starts.converged.reshape(n_instances, n_starts)
    best_loss, best_start = loss.min(dim=1)
    instances = torch.arange(n_instances)
    best_rows = instances * n_starts + best_start
    at_best = ~failed & (loss <= (best_loss + AT_BEST_TOLERANCE * (1 + best_loss.abs()))[:, None])
    converged_high = torch.where(converged, loss, -math.inf).amax(dim=1)
    converged_low = torch.where(converged, loss, math.inf).amin(dim=1)
    n_converged = converged.sum(dim=1)
    spread = torch.where(n_converged > 0, converged_high - converged_low, math.inf)
    failures = {"start": int(starts.failed_at_start.sum()), "end": int(starts.failed_at_end.sum())}
    return MultistartResult(
        best_params=starts.params[best_rows],
        best_loss=best_loss,
        best_converged=converged[instances, best_start],
        n_starts_converged=n_converged,
        n_starts_at_best=at_best.sum(dim=1),
        spread=spread,
        loss=loss,
        converged=converged,
        seed=seed,
        criterion=starts.criterion,
        failed=failed,
        failures={reason: count for reason, count in failures.items() if count},
    )
