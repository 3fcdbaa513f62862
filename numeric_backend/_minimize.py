"""Ground-truth batched minimization: optional Adam warm-up, batched L-BFGS, an exact second-order check, and
saddle-free Newton / Levenberg-Marquardt for the rows that are not yet certified minima.

Every row of ``params [B, P]`` is an independent problem. ``minimize_batched`` always calls ``loss_fn`` on
all B rows (so it may close over per-row data of batch size B; rows that are not being worked on are
filled in from ``init``). ``multistart_minimize`` passes the instance index, so it evaluates only the rows
still being worked on. Hessians come from autograd's double backward batched over the unit vectors (vmap); a
loss whose backward cannot be batched (a hand-written backward calling ``.item()``, say) falls back to P
double-backward passes.

Phases, per row: (1) Adam for at most ``max_adam_steps`` steps (0 skips it); (2) L-BFGS with a batched
backtracking line search until the gradient criterion holds (no Hessians are formed; for an instance loss the
rows run in a cache-sized pool that is refilled as rows leave); (3) rows meeting it get their Hessian once and
are certified by a Cholesky test (``_certify_minima``); (4) every row not certified (saddle points, stalled or
unfinished rows) goes to saddle-free Newton with per-step eigendecompositions, which escapes along negative
curvature and polishes to a second-order stationary point. Gradients and Hessians come from autograd, or from
the loss's analytic ``Derivatives`` (``multistart_minimize(derivatives=...)``), which may also eliminate a
quadratic block so that phase (2) runs on the other coordinates.

This module validates the options and runs the phases (``minimize_batched``); the phases live in ``_lbfgs``
(Adam, L-BFGS) and ``_newton`` (curvature test, Newton), the row-wise objective in ``_row_loss``, analytic
derivatives in ``_derivatives``, and ``multistart_minimize`` in ``_multistart``.
"""

from __future__ import annotations

import contextlib
import inspect
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from numeric_backend._errors import fail
from numeric_backend._lbfgs import LBFGS_MEMORY, _adam, _lbfgs, _lbfgs_projected
from numeric_backend._newton import _certify_minima, _newton
from numeric_backend._row_loss import NEGATIVE_CURVATURE_TOLERANCE, LossFunction, _diagnose, _RowLoss
from numeric_backend._validate import check_int, check_positive_float, check_seed

if TYPE_CHECKING:
    import torch


def convergence_criterion(gtol: float) -> str:
    """The convergence rule, in words."""
    return (
        f"converged = gradient norm <= {gtol:g} * (1 + |loss|) and smallest Hessian eigenvalue >= "
        f"-{NEGATIVE_CURVATURE_TOLERANCE:g} * (1 + largest |Hessian eigenvalue|), both evaluated in float64 "
        f"at the returned parameters (a second-order stationary point)"
    )


@dataclass(frozen=True)
class MinimizeResult:
    """Per-row outcome: params [B, P], loss [B], grad_norm [B], min_hessian_eigenvalue [B], converged [B].

    ``min_hessian_eigenvalue`` is the exact smallest eigenvalue (``eigvalsh``) except, when the run was asked
    for verdicts only (``multistart_minimize``), on rows certified by the Cholesky test: there it is the
    certified lower bound -1e-6 (1 + max_j |H e_j|) (see ``_certify_minima``). Step counts are iterations
    of each phase (the L-BFGS count includes line-search trials).
    """

    params: torch.Tensor
    loss: torch.Tensor
    grad_norm: torch.Tensor
    min_hessian_eigenvalue: torch.Tensor
    converged: torch.Tensor
    criterion: str
    adam_steps: int
    newton_steps: int
    quasi_newton_steps: int = 0
    failed: torch.Tensor | None = None

    def __post_init__(self) -> None:
        import torch

        assert self.params.dim() == 2, self.params.shape
        batch = self.params.shape[0]
        for name in ("loss", "grad_norm", "min_hessian_eigenvalue", "converged"):
            assert getattr(self, name).shape == (batch,), (name, getattr(self, name).shape)
        assert self.converged.dtype == torch.bool
        ok = torch.ones(batch, dtype=torch.bool) if self.failed is None else ~self.failed
        assert bool(torch.isfinite(self.params).all()) and bool(torch.isfinite(self.loss[ok]).all())
        assert not bool((self.converged & ~ok).any())
        assert self.adam_steps >= 0 and self.newton_steps >= 0 and self.quasi_newton_steps >= 0
        assert not bool(self.min_hessian_eigenvalue.isnan().any())


@contextlib.contextmanager
def _torch_threads(num_threads: int | None) -> Iterator[None]:
    """Temporarily set torch's intra-op thread count (None: leave it alone)."""
    import torch

    if num_threads is None:
        yield
        return
    previous = torch.get_num_threads()
    torch.set_num_threads(num_threads)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def _check_init(init: object) -> torch.Tensor:
    """``init`` as a finite float64 copy [B, P], else NumericBackendError naming it."""
    import torch

    if not isinstance(init, torch.Tensor):
        raise fail("init", f"expected a torch.Tensor [B, P], received {type(init).__name__}")
    if init.dim() != 2 or init.shape[0] == 0 or init.shape[1] == 0:
        raise fail("init", f"expected a non-empty tensor of shape [B, P], received shape {tuple(init.shape)}")
    if not init.is_floating_point() and not init.dtype == torch.int64:
        raise fail("init", f"expected a real tensor, received dtype {init.dtype}")
    init = init.detach().to(torch.float64).clone()
    bad = ~torch.isfinite(init)
    if bool(bad.any()):
        rows = bad.any(dim=1).nonzero().flatten().tolist()
        raise fail("init", f"contains NaN/inf in rows {rows[:10]} (shape {tuple(init.shape)})")
    return init


def minimize_batched(
    loss_fn: LossFunction,
    init: torch.Tensor,
    *,
    max_adam_steps: int = 0,
    lr: float = 0.05,
    lbfgs_steps: int = 1000,
    newton_steps: int = 60,
    gtol: float = 1e-9,
    seed: int | None = None,
    num_threads: int | None = 1,
) -> MinimizeResult:
    """Minimize B independent problems: ``loss_fn(params [B, P]) -> [B]`` from ``init [B, P]``.

    Phase 1 (optional warm-up): per-row Adam with step size ``lr`` on loss_fn(params).sum() (at most
    ``max_adam_steps``, early exit on a plateau; 0 skips it). Phase 2: batched L-BFGS (at most ``lbfgs_steps``
    loss-and-gradient evaluations, see ``_lbfgs``; 0 skips it) until the gradient criterion holds. Phase 3: rows
    meeting it get one Hessian each and the exact curvature test. Phase 4: saddle-free Newton / LM with
    per-row Hessians (at most ``newton_steps``) on every row not yet a certified minimum (all rows when
    ``lbfgs_steps`` is 0), escaping saddles along negative curvature. No phase accepts a step that raises a
    row's loss beyond round-off (16 eps (1 + |loss|)). ``seed`` only picks the sign of negative-curvature
    escape steps at exact saddles (gradient exactly 0). See ``MinimizeResult.criterion``; every row's verdict
    is evaluated at the returned params. ``num_threads``: torch intra-op threads while minimizing (restored
    afterwards; None leaves the setting alone).
    """
    if not callable(loss_fn):
        raise fail("loss_fn", f"expected a callable params [B, P] -> loss [B], received {type(loss_fn).__name__}")
    params = _check_init(init)
    return _run(_RowLoss.full_batch(loss_fn, params), params, exact_eigenvalues=True, max_adam_steps=max_adam_steps,
                lr=lr, lbfgs_steps=lbfgs_steps, newton_steps=newton_steps, gtol=gtol, seed=seed,
                num_threads=num_threads)


OPTION_DEFAULTS: dict[str, Any] = {
    name: parameter.default for name, parameter in inspect.signature(minimize_batched).parameters.items()
    if parameter.kind is inspect.Parameter.KEYWORD_ONLY
}
"""The options of ``minimize_batched`` and their defaults (read off its signature, the one place they are set)."""


def _run(
    row_loss: _RowLoss,
    params: torch.Tensor,
    *,
    exact_eigenvalues: bool,
    allow_failed: bool = False,
    **options: Any,
) -> MinimizeResult:
    """Validate the ``options`` (those of ``minimize_batched``, with its defaults) and minimize ``row_loss`` from
    ``params`` [B, P]. ``allow_failed``: a row whose loss or gradient is not finite at its final parameters is
    marked failed (loss +inf) instead of raising."""
    import torch

    unknown = set(options) - set(OPTION_DEFAULTS)
    if unknown:
        raise TypeError(f"_run() got unknown options {sorted(unknown)}")
    settings = {**OPTION_DEFAULTS, **options}
    validated = _Options(
        max_adam_steps=check_int("max_adam_steps", settings["max_adam_steps"], minimum=0),
        lr=check_positive_float("lr", settings["lr"]),
        lbfgs_steps=check_int("lbfgs_steps", settings["lbfgs_steps"], minimum=0),
        newton_steps=check_int("newton_steps", settings["newton_steps"], minimum=0),
        gtol=check_positive_float("gtol", settings["gtol"]),
        exact_eigenvalues=exact_eigenvalues,
        allow_failed=allow_failed,
    )
    seed, num_threads = settings["seed"], settings["num_threads"]
    generator = torch.Generator().manual_seed(0 if seed is None else check_seed(seed))
    if num_threads is not None:
        num_threads = check_int("num_threads", num_threads, minimum=1)
    with _torch_threads(num_threads):
        return _minimize(row_loss, params, validated, generator)


@dataclass(frozen=True)
class _Options:
    """Validated options of one run (see ``minimize_batched``)."""

    max_adam_steps: int
    lr: float
    lbfgs_steps: int
    newton_steps: int
    gtol: float
    exact_eigenvalues: bool
    allow_failed: bool = False


def _minimize(
    row_loss: _RowLoss, params: torch.Tensor, options: _Options, generator: torch.Generator
) -> MinimizeResult:
    """Run the phases of ``minimize_batched`` on validated options; diagnose every row at its returned params."""
    import torch

    batch = params.shape[0]
    all_rows = torch.arange(batch)
    with torch.no_grad():
        loss = row_loss(params, all_rows).detach()
    if loss.dtype != torch.float64:
        raise fail(row_loss.argument, f"must return float64 (the ground truth runs in float64), returned {loss.dtype}")
    bad = ~torch.isfinite(loss)
    if bool(bad.any()):
        rows = bad.nonzero().flatten().tolist()
        raise fail(row_loss.argument, f"returned NaN/inf at init for rows {rows[:10]} (of {loss.shape[0]})")

    adam_steps = 0
    if options.max_adam_steps > 0:
        params, loss, adam_steps = _adam(row_loss, params, loss, options.max_adam_steps, options.lr)

    # certified rows: verdict and diagnosis from the L-BFGS phase and the curvature test, at their final params
    certified = torch.zeros(batch, dtype=torch.bool)
    final_loss = torch.zeros(batch, dtype=params.dtype)
    grad_norm, min_eigenvalue = torch.zeros_like(final_loss), torch.zeros_like(final_loss)
    lbfgs_steps = 0
    if options.lbfgs_steps > 0:
        first_order_phase = _lbfgs if row_loss.free is None else _lbfgs_projected
        first_order = first_order_phase(row_loss, params, options.lbfgs_steps, options.gtol, LBFGS_MEMORY)
        params, lbfgs_steps = first_order.params, first_order.steps
        stationary = first_order.stationary.nonzero().flatten()
        if stationary.numel():
            curved_up, lowest = _certify_minima(row_loss, params[stationary], stationary,
                                                first_order.loss[stationary], options.exact_eigenvalues)
            done = stationary[curved_up]
            certified[done] = True
            final_loss[done], grad_norm[done] = first_order.loss[done], first_order.grad[done].norm(dim=1)
            min_eigenvalue[done] = lowest[curved_up]
    params, newton_taken, frozen = _newton(row_loss, params, options.newton_steps, options.gtol, generator, certified)

    # rows frozen by Newton were diagnosed at exactly these params; diagnose the others now
    converged = certified | frozen["frozen"]
    newton_done = frozen["frozen"]
    final_loss[newton_done], grad_norm[newton_done] = frozen["loss"][newton_done], frozen["grad_norm"][newton_done]
    min_eigenvalue[newton_done] = frozen["min_eigenvalue"][newton_done]
    failed = torch.zeros(batch, dtype=torch.bool)
    rest = (~converged).nonzero().flatten()
    if rest.numel():
        diagnosis = _diagnose(row_loss, params[rest], rest, options.gtol, with_vectors=False)
        not_finite = ~(torch.isfinite(diagnosis.loss) & torch.isfinite(diagnosis.grad).all(dim=1))
        if bool(not_finite.any()) and not options.allow_failed:
            raise fail(row_loss.argument, "returned NaN/inf (loss or gradient) at the final parameters")
        final_loss[rest], grad_norm[rest] = diagnosis.loss, diagnosis.grad.norm(dim=1)
        min_eigenvalue[rest], converged[rest] = diagnosis.min_eigenvalue, diagnosis.converged
        failed[rest] = not_finite
        final_loss[failed], converged[failed] = math.inf, False
        min_eigenvalue[failed] = -math.inf
    return MinimizeResult(
        params=params,
        loss=final_loss,
        grad_norm=grad_norm,
        min_hessian_eigenvalue=min_eigenvalue,
        converged=converged,
        criterion=convergence_criterion(options.gtol),
        adam_steps=adam_steps,
        newton_steps=newton_taken,
        quasi_newton_steps=lbfgs_steps,
        failed=failed,
    )
