"""Ground-truth batched minimization: optional Adam warm-up, batched L-BFGS, an exact second-order check, and
saddle-free Newton / Levenberg-Marquardt for the rows that are not yet certified minima.

Every row of ``params [B, P]`` is an independent problem. ``minimize_batched`` always calls ``loss_fn`` on
all B rows (so it may close over per-row data of batch size B; rows that are not being worked on are
filled in from ``init``). ``multistart_minimize`` passes the instance index, so it evaluates only the rows
still being worked on. Losses must be composable with torch.func (no in-place updates of the input, no
``.item()``); otherwise Hessians fall back to P double-backward passes.

Phases, per row: (1) Adam for at most ``max_adam_steps`` steps (0 skips it); (2) L-BFGS with a batched
backtracking line search until the gradient criterion holds (no Hessians are formed); (3) rows meeting it get
their Hessian once and are certified by a Cholesky test (``_certify_minima``); (4) every row not certified
(saddle points, stalled or unfinished rows) goes to saddle-free Newton with per-step eigendecompositions,
which escapes along negative curvature and polishes to a second-order stationary point.
"""

from __future__ import annotations

import contextlib
import math
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from numeric_backend._errors import NumericBackendError, fail
from numeric_backend._validate import check_int, check_positive_float, check_seed

if TYPE_CHECKING:
    import torch

LossFunction = Callable[["torch.Tensor"], "torch.Tensor"]
InstanceLossFunction = Callable[["torch.Tensor", "torch.Tensor"], "torch.Tensor"]

NEGATIVE_CURVATURE_TOLERANCE = 1e-6
"""Min Hessian eigenvalue must be >= -NEGATIVE_CURVATURE_TOLERANCE * (1 + max |eigenvalue|)."""

AT_BEST_TOLERANCE = 1e-8
"""A start "reached the best" when its loss <= best + AT_BEST_TOLERANCE * (1 + |best|)."""

ROUNDOFF_BAND = 16 * 2.0**-52
"""Loss changes within ROUNDOFF_BAND * (1 + |loss|) are treated as round-off (see ``minimize_batched``)."""

_MU_MULTIPLIERS = (1.0, 10.0, 1e2, 1e3, 1e4)
_MU_INITIAL, _MU_FLOOR, _MU_CEILING = 1e-3, 1e-12, 1e16
_ESCAPE_LENGTHS = tuple(4.0**-j for j in range(7))
_ADAM_BETAS, _ADAM_EPS = (0.9, 0.999), 1e-12
_ADAM_CHECK_EVERY, _ADAM_PLATEAU = 100, 1e-4
_HESSIAN_ROW_BUDGET = 2**20  # Hessians are built for at most this // P^2 rows at a time (8 MB of float64: larger
_HESSIAN_TANGENT_BUDGET = 2**18  # blocks measured slower), and for at most this // (rows * P) unit vectors at a time

LBFGS_MEMORY = 10
"""Curvature pairs kept per row by the L-BFGS phase."""
_ARMIJO = 1e-4
_PAIR_COSINE = 1e-10  # a pair (s, y) is stored only if s.y > _PAIR_COSINE |s| |y|
_SHRINK_RANGE = (0.1, 0.5)  # a rejected step t becomes the interpolated minimizer, clamped to this range times t
_NON_FINITE_SHRINK = 0.1
_SMALLEST_STEP = 1e-15  # a trial step shorter than this (1 + |x|) means the line search failed
_MAX_RESTARTS = 3  # line-search failures (each resets the row's memory) before the row is handed to Newton
_POLISH = 1e-3  # L-BFGS goes on to ||grad|| <= _POLISH gtol (1 + |loss|) (Newton polishing used to give such
_POLISH_REJECTIONS = 3  # accuracy in the parameters), unless this many trials in a row fail once gtol is met


START_FAILURES = {
    "start": "the loss or its gradient is not finite (or raised) at the random start",
    "end": "the loss or its gradient is not finite at the final parameters",
}
"""Why a start of ``multistart_minimize`` failed (the keys of ``MultistartResult.failures``)."""


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


@dataclass(frozen=True)
class _RowLoss:
    """The objective restricted to some rows: ``self(params [b, P], rows [b]) -> loss [b]``.

    ``rows`` are sorted, distinct row numbers of the full problem. Full-batch losses are evaluated on
    ``anchor`` (the checked init) with the requested rows replaced; instance losses are called directly.
    """

    evaluate: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    argument: str
    batch_size: int

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
    def per_instance(cls, loss_fn: InstanceLossFunction, instance_index: torch.Tensor) -> _RowLoss:
        """From ``loss_fn(params [b, P], instance_index [b]) -> [b]``, callable on any subset of rows."""
        return cls(lambda params, rows: loss_fn(params, instance_index[rows]), "loss_fn_for_instances",
                   instance_index.shape[0])


def _loss_and_grad(
    row_loss: _RowLoss, params: torch.Tensor, rows: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-row loss [b] and gradient [b, P] (rows are independent, so grad of the sum is per row)."""
    import torch

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
    except (NumericBackendError, torch.linalg.LinAlgError):
        if rows.shape[0] == 1:
            return torch.full((1,), math.nan, dtype=params.dtype), torch.full_like(params, math.nan)
        half = rows.shape[0] // 2
        first_loss, first_grad = _trial_loss_and_grad(row_loss, params[:half], rows[:half])
        second_loss, second_grad = _trial_loss_and_grad(row_loss, params[half:], rows[half:])
        return torch.cat([first_loss, second_loss]), torch.cat([first_grad, second_grad])


def _hessians_functorch(row_loss: _RowLoss, params: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
    """Per-row Hessians [b, P, P]: reverse-over-reverse, one forward/backward pass of the gradient on all b rows,
    then its vector-Jacobian product with e_j (vmapped over j, in chunks of about _HESSIAN_TANGENT_BUDGET
    elements per intermediate, which keeps them in cache)."""
    import torch

    batch, dim = params.shape
    grad_fn = torch.func.grad(lambda p: row_loss(p, rows).sum())
    tangents = torch.eye(dim, dtype=params.dtype)[:, None, :].expand(dim, batch, dim)
    chunk = max(1, min(dim, _HESSIAN_TANGENT_BUDGET // max(1, batch * dim)))
    with warnings.catch_warnings():  # torch's own decompositions use the deprecated torch.jit.script
        warnings.filterwarnings("ignore", message=".*torch.jit.script.*", category=DeprecationWarning)
        _, pullback = torch.func.vjp(grad_fn, params)
        rows_of_hessian = torch.func.vmap(lambda tangent: pullback(tangent)[0], chunk_size=chunk)(tangents)
    return rows_of_hessian.transpose(0, 1)  # [P(j), b, P(i)] -> [b, j, i]; symmetrized by the caller


def _hessians_autograd(row_loss: _RowLoss, params: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
    """Fallback for losses torch.func cannot transform: P double-backward passes over the rows."""
    import torch

    with torch.enable_grad():
        x = params.detach().requires_grad_(True)
        (grad,) = torch.autograd.grad(row_loss(x, rows).sum(), x, create_graph=True)
        columns = []
        for j in range(x.shape[1]):
            (column,) = torch.autograd.grad(grad[:, j].sum(), x, retain_graph=True, allow_unused=True)
            columns.append(torch.zeros_like(x) if column is None else column)
    return torch.stack(columns, dim=-1).detach()


def _hessians(row_loss: _RowLoss, params: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
    """Symmetrized per-row Hessians [b, P, P] of the given rows, built in chunks of _HESSIAN_ROW_BUDGET // P^2
    rows."""
    import torch

    dim = params.shape[1]
    chunk = max(1, _HESSIAN_ROW_BUDGET // (dim * dim))
    parts = []
    for begin in range(0, params.shape[0], chunk):
        part_params, part_rows = params[begin:begin + chunk].detach(), rows[begin:begin + chunk]
        try:
            hessian = _hessians_functorch(row_loss, part_params, part_rows)
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


def _adam(
    row_loss: _RowLoss, params: torch.Tensor, loss: torch.Tensor, max_steps: int, lr: float
) -> tuple[torch.Tensor, torch.Tensor, int]:
    """Per-row Adam on the summed loss; returns the lowest-loss iterate of each row, its loss, steps.

    A row whose loss or gradient becomes non-finite returns to its best iterate with reset moments and a
    halved step size. Stops early when every row has gradient norm <= 1e-3 (1 + |loss|) (checked at the
    first step and every 100 steps), or when no row improved its best loss by more than 1e-4 (1 + |loss|)
    over the last 100 steps.
    """
    import torch

    best_params, best_loss = params.clone(), loss.clone()
    x = params.clone()
    first, second = torch.zeros_like(x), torch.zeros_like(x)
    row_lr = torch.full_like(loss, lr)
    checkpoint_loss = best_loss.clone()
    beta1, beta2 = _ADAM_BETAS
    all_rows = torch.arange(x.shape[0])
    step = 0
    for step in range(1, max_steps + 1):
        current, grad = _trial_loss_and_grad(row_loss, x, all_rows)
        finite = torch.isfinite(current) & torch.isfinite(grad).all(dim=1)
        improved = finite & (current < best_loss)
        best_params[improved], best_loss[improved] = x[improved], current[improved]
        if not bool(finite.all()):
            bad = ~finite
            x[bad], first[bad], second[bad], grad[bad] = best_params[bad], 0.0, 0.0, 0.0
            row_lr[bad] *= 0.5
        if step == 1 or step % _ADAM_CHECK_EVERY == 0:
            small_grad = grad.norm(dim=1) <= 1e-3 * (1 + current.abs())
            plateau = (checkpoint_loss - best_loss) <= _ADAM_PLATEAU * (1 + best_loss.abs())
            if bool((small_grad & finite).all()) or (step > 1 and bool(plateau.all())):
                break
            checkpoint_loss = best_loss.clone()
        first = beta1 * first + (1 - beta1) * grad
        second = beta2 * second + (1 - beta2) * grad * grad
        first_hat = first / (1 - beta1**step)
        second_hat = second / (1 - beta2**step)
        x = x - row_lr[:, None] * first_hat / (second_hat.sqrt() + _ADAM_EPS)
    return best_params, best_loss, step


@dataclass(frozen=True)
class _FirstOrderOutcome:
    """End of the L-BFGS phase for all B rows: params [B, P], loss [B], grad [B, P], and ``stationary`` [B]
    (gradient criterion met at these params; rows not meeting it stalled or ran out of iterations)."""

    params: torch.Tensor
    loss: torch.Tensor
    grad: torch.Tensor
    stationary: torch.Tensor
    steps: int


def _row_dot(first: torch.Tensor, second: torch.Tensor) -> torch.Tensor:
    """Row-wise dot products [b] of two [b, P] tensors."""
    return (first * second).sum(dim=1)


def _lbfgs_direction(
    grad: torch.Tensor, s_memory: torch.Tensor, y_memory: torch.Tensor, rho: torch.Tensor, gamma: torch.Tensor,
    slots: list[int],
) -> torch.Tensor:
    """Two-loop recursion: -H grad [b, P] from pairs s_memory, y_memory [m, b, P], rho [m, b] (0 marks an
    empty pair, which then contributes nothing), initial scaling gamma [b]; ``slots`` newest first."""
    import torch

    q = -grad
    product = torch.empty_like(q)
    alphas = {}
    for slot in slots:
        alphas[slot] = rho[slot] * torch.mul(s_memory[slot], q, out=product).sum(dim=1)
        q.addcmul_(alphas[slot][:, None], y_memory[slot], value=-1.0)
    q.mul_(gamma[:, None])
    for slot in reversed(slots):
        beta = rho[slot] * torch.mul(y_memory[slot], q, out=product).sum(dim=1)
        q.addcmul_((alphas[slot] - beta)[:, None], s_memory[slot])
    return q


def _lbfgs(row_loss: _RowLoss, params: torch.Tensor, max_steps: int, gtol: float, memory: int) -> _FirstOrderOutcome:
    """Batched L-BFGS on every row until ||grad|| <= gtol (1 + |loss|), then on to 1e-3 of that (the minimizer's
    parameters, not only its loss, are read by callers) unless round-off stops the line search first.

    Each iteration evaluates loss and gradient once, on the active rows only, at x + t d. A trial is accepted if
    it is finite and satisfies Armijo (f(x + t d) <= f + 1e-4 t g.d), or stays within round-off of f
    (``ROUNDOFF_BAND``) while lowering the gradient norm; a rejected row keeps its direction and retries next
    iteration with t shrunk to the minimizer of the interpolating quadratic, clamped to [0.1 t, 0.5 t] (0.1 t
    after a non-finite trial), so rows backtrack in the same batched evaluation in which others advance. Pairs
    with s.y <= 1e-10 |s| |y| are not stored. A row whose step shrinks below 1e-15 (1 + |x|) restarts from
    steepest descent with empty memory; after ``_MAX_RESTARTS`` such failures, or a non-finite gradient at the
    start, it leaves the phase unfinished. A row's result is recorded as soon as it meets the criterion and
    its iterates do not depend on the other rows (finished rows are kept, inert, until an eighth of the
    batch has finished, then dropped).
    """
    import torch

    batch, dim = params.shape
    rows = torch.arange(batch)
    loss, grad = _trial_loss_and_grad(row_loss, params, rows)
    out_params, out_loss, out_grad = params.clone(), loss.clone(), grad.clone()
    stationary = torch.zeros(batch, dtype=torch.bool)
    grad_norm = grad.norm(dim=1)
    met = grad_norm <= _POLISH * gtol * (1 + loss.abs())
    stationary[met] = True
    active = (~met & torch.isfinite(grad_norm)).nonzero().flatten()

    rows, x, loss, grad, grad_norm = active, params[active], loss[active], grad[active], grad_norm[active]
    size = rows.shape[0]
    s_memory = torch.zeros(memory, size, dim, dtype=params.dtype)
    y_memory = torch.zeros_like(s_memory)
    rho = torch.zeros(memory, size, dtype=params.dtype)
    gamma = 1 / grad_norm.clamp(min=1.0)
    direction, slope = torch.zeros_like(x), torch.zeros_like(loss)
    step = torch.ones_like(loss)
    needs_direction = torch.ones(size, dtype=torch.bool)
    restarts = torch.zeros(size, dtype=torch.int64)
    rejections = torch.zeros(size, dtype=torch.int64)
    finished = torch.zeros(size, dtype=torch.bool)
    newest, filled, steps = -1, 0, 0
    for steps in range(1, max_steps + 1):  # noqa: B007 (the count is returned)
        if rows.shape[0] == 0:
            steps -= 1
            break
        if bool(needs_direction.any()):
            slots = [(newest - j) % memory for j in range(filled)]
            fresh = _lbfgs_direction(grad, s_memory, y_memory, rho, gamma, slots)
            fresh_slope = _row_dot(grad, fresh)
            uphill = needs_direction & ~(fresh_slope < 0)  # round-off can make the memory's direction useless
            if bool(uphill.any()):
                rho[:, uphill] = 0.0
                gamma = torch.where(uphill, 1 / grad_norm.clamp(min=1.0), gamma)
                fresh = torch.where(uphill[:, None], -gamma[:, None] * grad, fresh)
                fresh_slope = torch.where(uphill, -gamma * grad_norm**2, fresh_slope)
            direction = torch.where(needs_direction[:, None], fresh, direction)
            slope = torch.where(needs_direction, fresh_slope, slope)
            step = torch.where(needs_direction, 1.0, step)

        step.masked_fill_(finished, 0.0)
        trial = x + step[:, None] * direction
        trial_loss, trial_grad = _trial_loss_and_grad(row_loss, trial, rows)
        trial_grad_norm = trial_grad.norm(dim=1)
        finite = torch.isfinite(trial_loss) & torch.isfinite(trial_grad_norm)
        armijo = trial_loss <= loss + _ARMIJO * step * slope
        flat_but_better = (trial_loss <= loss + ROUNDOFF_BAND * (1 + loss.abs())) & (trial_grad_norm < grad_norm)
        accepted = finite & (armijo | flat_but_better)

        s = trial - x
        y = torch.where(accepted[:, None], trial_grad - grad, 0.0)  # a rejected NaN trial must not reach the memory
        s_dot_y, y_dot_y, s_dot_s = _row_dot(s, y), _row_dot(y, y), _row_dot(s, s)
        good_pair = accepted & (s_dot_y > _PAIR_COSINE * (s_dot_s * y_dot_y).sqrt())
        newest, filled = (newest + 1) % memory, min(filled + 1, memory)
        torch.mul(s, good_pair[:, None], out=s_memory[newest])
        torch.mul(y, good_pair[:, None], out=y_memory[newest])
        rho[newest] = torch.where(good_pair, 1 / s_dot_y, 0.0)
        gamma = torch.where(good_pair, s_dot_y / y_dot_y, gamma)

        curvature = trial_loss - loss - slope * step  # of the quadratic through f, g.d and the trial
        interpolated = -slope * step**2 / (2 * curvature)
        shrunk = torch.minimum(torch.maximum(interpolated, _SHRINK_RANGE[0] * step), _SHRINK_RANGE[1] * step)
        shrunk = torch.where(finite & (curvature > 0), shrunk, _NON_FINITE_SHRINK * step)
        rejected = (~accepted).nonzero().flatten()
        trial[rejected], trial_grad[rejected] = x[rejected], grad[rejected]
        x, grad = trial, trial_grad
        loss = torch.where(accepted, trial_loss, loss)
        grad_norm = torch.where(accepted, trial_grad_norm, grad_norm)
        step = torch.where(accepted, step, shrunk)
        needs_direction = accepted.clone()

        failed = torch.zeros_like(accepted)
        if rejected.numel():
            failed[rejected] = ~finished[rejected] & (
                step[rejected] * direction[rejected].norm(dim=1) <= _SMALLEST_STEP * (1 + x[rejected].norm(dim=1)))
        if bool(failed.any()):
            restarts = restarts + failed.long()
            rho[:, failed] = 0.0
            gamma = torch.where(failed, 1 / grad_norm.clamp(min=1.0), gamma)
            needs_direction = needs_direction | failed
        rejections = torch.where(accepted, 0, rejections + 1)
        meets = grad_norm <= gtol * (1 + loss.abs())
        polished = accepted & (grad_norm <= _POLISH * gtol * (1 + loss.abs()))
        settled = meets & (rejections >= _POLISH_REJECTIONS)  # round-off stops the polishing
        leaving = ~finished & (polished | settled | (restarts > _MAX_RESTARTS))
        if bool(leaving.any()):
            out_params[rows[leaving]], out_loss[rows[leaving]], out_grad[rows[leaving]] = (
                x[leaving], loss[leaving], grad[leaving])
            stationary[rows[leaving & meets]] = True
            finished |= leaving
            # finished rows stay (inert, step 0) until an eighth of the rows has finished: compacting the
            # memory costs as much as a few iterations
            if 8 * int(finished.sum()) >= rows.shape[0]:
                keep = (~finished).nonzero().flatten()
                rows, x, loss, grad, grad_norm = rows[keep], x[keep], loss[keep], grad[keep], grad_norm[keep]
                s_memory, y_memory, rho = s_memory[:, keep], y_memory[:, keep], rho[:, keep]
                gamma, direction, slope, step = gamma[keep], direction[keep], slope[keep], step[keep]
                needs_direction, restarts, finished = needs_direction[keep], restarts[keep], finished[keep]
                rejections = rejections[keep]
    unfinished = ~finished
    out_params[rows[unfinished]], out_loss[rows[unfinished]] = x[unfinished], loss[unfinished]
    out_grad[rows[unfinished]] = grad[unfinished]
    stationary[rows[unfinished]] = grad_norm[unfinished] <= gtol * (1 + loss[unfinished].abs())
    return _FirstOrderOutcome(out_params, out_loss, out_grad, stationary, steps)


def certified_shift(
    hessian: torch.Tensor, squared_column_norms: torch.Tensor | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """For symmetric hessian [b, P, P]: (threshold [b], shift [b]) with threshold = 1e-6 (1 + max_j |H e_j|)
    and shift = threshold - 2 P (P + 1) eps (||H||_F + threshold), such that a successful Cholesky
    factorization of H + shift I proves lambda_min(H) >= -threshold >= -1e-6 (1 + max |lambda|).

    Why: max_j |H e_j| <= ||H||_2 = max |lambda|, so the threshold is at most the criterion's. If Cholesky of
    A = H + shift I runs to completion in floating point, the computed factor satisfies R^T R = A + E with
    ||E||_2 <= P gamma_{P+1} / (1 - P gamma_{P+1}) ||A||_2, gamma_k = k u / (1 - k u), u = eps / 2 (Demmel 1989;
    Higham, Accuracy and Stability of Numerical Algorithms, ch. 10); rounding the shifted diagonal adds at most
    u ||A||_2. With ||A||_2 <= ||H||_F + threshold the margin exceeds both, and R^T R is positive semidefinite,
    so lambda_min(H) >= -shift - margin = -threshold. The test is thus never looser than the criterion (it is
    stricter by the factor between max_j |H e_j| and max |lambda|, and by the ~1e-12 relative margin); rows it
    rejects are decided by eigvalsh.
    """
    dim = hessian.shape[-1]
    if squared_column_norms is None:
        squared_column_norms = (hessian * hessian).sum(dim=2)  # rows = columns (symmetric)
    threshold = NEGATIVE_CURVATURE_TOLERANCE * (1 + squared_column_norms.amax(dim=1).sqrt())
    margin = 2 * dim * (dim + 1) * 2.0**-52 * (squared_column_norms.sum(dim=1).sqrt() + threshold)
    return threshold, threshold - margin


def _certify_minima(
    row_loss: _RowLoss, params: torch.Tensor, rows: torch.Tensor, loss: torch.Tensor, exact_eigenvalues: bool
) -> tuple[torch.Tensor, torch.Tensor]:
    """Second-order check of rows already meeting the gradient criterion at params [b, P] with loss [b].

    Returns (curved_up [b], min_eigenvalue [b]): curved_up is the criterion's curvature condition. With
    ``exact_eigenvalues`` it comes from eigvalsh of every Hessian; otherwise from a Cholesky factorization of
    H + shift I (``certified_shift``, a sufficient test), and only rows the test rejects get eigvalsh; certified
    rows then report the certified bound -threshold as min_eigenvalue. Hessians are built in row chunks.
    """
    import torch

    dim = params.shape[1]
    curved_up = torch.zeros(rows.shape[0], dtype=torch.bool)
    min_eigenvalue = torch.empty(rows.shape[0], dtype=params.dtype)
    chunk = max(1, _HESSIAN_ROW_BUDGET // (dim * dim))
    for begin in range(0, rows.shape[0], chunk):
        part = slice(begin, begin + chunk)
        hessian = _hessians(row_loss, params[part], rows[part])
        squared_column_norms = (hessian * hessian).sum(dim=2)
        finite = torch.isfinite(squared_column_norms.sum(dim=1))  # False also if an entry^2 overflows
        if not bool(finite.all()):
            suspect = (~finite).nonzero().flatten()
            finite[suspect] = torch.isfinite(hessian[suspect]).flatten(1).all(dim=1)
            hessian[~finite] = 0.0
        finite &= torch.isfinite(loss[part])
        undecided = torch.ones(hessian.shape[0], dtype=torch.bool)
        if not exact_eigenvalues:
            threshold, shift = certified_shift(hessian, squared_column_norms)
            diagonal = hessian.diagonal(dim1=1, dim2=2)
            unshifted = diagonal.clone()
            diagonal.add_(shift[:, None])
            certified = finite & torch.isfinite(shift) & (torch.linalg.cholesky_ex(hessian).info == 0)
            diagonal.copy_(unshifted)
            curved_up[part] = certified
            min_eigenvalue[part] = torch.where(certified, -threshold, -math.inf)
            undecided = ~certified & finite
        if bool(undecided.any()):
            eigenvalues = torch.linalg.eigvalsh(hessian[undecided])
            largest = eigenvalues.abs().amax(dim=1)
            index = torch.arange(begin, begin + hessian.shape[0])[undecided]
            curved_up[index] = eigenvalues[:, 0] >= -NEGATIVE_CURVATURE_TOLERANCE * (1 + largest)
            min_eigenvalue[index] = eigenvalues[:, 0]
        min_eigenvalue[part] = torch.where(finite, min_eigenvalue[part], -math.inf)
        curved_up[part] &= finite
    return curved_up, min_eigenvalue


def _newton(
    row_loss: _RowLoss, params: torch.Tensor, max_steps: int, gtol: float, generator: torch.Generator,
    skip: torch.Tensor,
) -> tuple[torch.Tensor, int, dict[str, torch.Tensor]]:
    """Saddle-free Newton / Levenberg-Marquardt polishing of the rows not marked in ``skip`` [B].

    Returns params, the number of steps taken, and the diagnosis (loss, grad_norm, min_eigenvalue [B]) of
    the rows frozen as converged (``frozen`` [B] marks them; their params did not change afterwards).

    Per row, with H = V diag(lam) V^T: step(mu) = -V (|lam| + mu)^-1 V^T g for several damping values mu,
    plus steps along the most negative curvature direction when lam_min < 0. The best candidate is
    accepted only if it lowers the loss by more than round-off, or keeps it within round-off while
    lowering the gradient norm; mu shrinks after success and grows after failure. Rows meeting the
    convergence criterion are frozen and no longer evaluated (for losses that allow row subsets).
    """
    import torch

    x = params.clone()
    batch = x.shape[0]
    mu = torch.full((batch,), _MU_INITIAL, dtype=x.dtype)
    done = skip.clone()
    frozen = {name: torch.zeros(batch, dtype=x.dtype) for name in ("loss", "grad_norm", "min_eigenvalue")}
    steps_taken = 0
    for _ in range(max_steps):
        rows = (~done).nonzero().flatten()
        if rows.numel() == 0:
            break
        diagnosis = _diagnose(row_loss, x[rows], rows, gtol, with_vectors=True)
        loss, grad, eigenvalues, eigenvectors = (
            diagnosis.loss, diagnosis.grad, diagnosis.eigenvalues, diagnosis.eigenvectors
        )
        assert eigenvectors is not None
        largest = eigenvalues.abs().amax(dim=1)
        grad_norm = grad.norm(dim=1)
        newly_done = diagnosis.converged
        done[rows[newly_done]] = True
        frozen["loss"][rows[newly_done]] = loss[newly_done]
        frozen["grad_norm"][rows[newly_done]] = grad_norm[newly_done]
        frozen["min_eigenvalue"][rows[newly_done]] = eigenvalues[newly_done, 0]
        keep = ~newly_done
        if not bool(keep.any()):
            break
        rows, eigenvalues, eigenvectors = rows[keep], eigenvalues[keep], eigenvectors[keep]
        largest, grad_norm, loss, g = largest[keep], grad_norm[keep], loss[keep], grad[keep]
        steps_taken += 1

        g_eigen = (eigenvectors.transpose(1, 2) @ g[:, :, None]).squeeze(2)  # [b, P]
        scale = 1 + largest
        candidates = []  # list of [b, P] steps
        for multiplier in _MU_MULTIPLIERS:
            damping = (mu[rows] * multiplier * scale)[:, None]
            candidates.append(-(eigenvectors @ (g_eigen / (eigenvalues.abs() + damping))[:, :, None]).squeeze(2))
        negative = eigenvalues[:, 0] < -NEGATIVE_CURVATURE_TOLERANCE * scale
        if bool(negative.any()):
            direction = eigenvectors[:, :, 0]
            slope = (direction * g).sum(dim=1)
            random_sign = torch.where(torch.rand(slope.shape, generator=generator, dtype=x.dtype) < 0.5, -1.0, 1.0)
            sign = torch.where(slope == 0, random_sign, -torch.sign(slope))
            length = torch.clamp(x[rows].norm(dim=1), min=1.0) * negative
            for fraction in _ESCAPE_LENGTHS:
                candidates.append((sign * length * fraction)[:, None] * direction)

        candidate_loss, candidate_grad_norm = [], []
        for candidate in candidates:
            trial_loss, trial_grad = _trial_loss_and_grad(row_loss, x[rows] + candidate, rows)
            trial_grad_norm = trial_grad.norm(dim=1)
            bad = ~(torch.isfinite(trial_loss) & torch.isfinite(trial_grad_norm))
            candidate_loss.append(torch.where(bad, math.inf, trial_loss))
            candidate_grad_norm.append(torch.where(bad, math.inf, trial_grad_norm))
        losses = torch.stack(candidate_loss)  # [C, b]
        grad_norms = torch.stack(candidate_grad_norm)
        current = loss
        band = ROUNDOFF_BAND * (1 + current.abs())
        decreases = losses < current - band
        flat_but_better = (losses <= current + band) & (grad_norms < grad_norm)
        by_loss = torch.where(decreases, losses, math.inf).argmin(dim=0)
        by_grad = torch.where(flat_but_better, grad_norms, math.inf).argmin(dim=0)
        any_decrease, any_flat = decreases.any(dim=0), flat_but_better.any(dim=0)
        choice = torch.where(any_decrease, by_loss, by_grad)
        accepted = any_decrease | any_flat
        steps = torch.stack(candidates)[choice, torch.arange(rows.shape[0])]  # [b, P]
        x[rows[accepted]] = x[rows[accepted]] + steps[accepted]

        n_damped = len(_MU_MULTIPLIERS)
        multipliers = torch.tensor(_MU_MULTIPLIERS, dtype=x.dtype)
        chosen_damped = accepted & (choice < n_damped)
        new_mu = mu[rows].clone()
        first_choice = chosen_damped & (choice == 0)
        new_mu[first_choice] = new_mu[first_choice] / 10
        later_choice = chosen_damped & (choice > 0)
        new_mu[later_choice] = new_mu[later_choice] * multipliers[choice[later_choice]]
        new_mu[~accepted] = new_mu[~accepted] * _MU_MULTIPLIERS[-1] * 10
        mu[rows] = new_mu.clamp(_MU_FLOOR, _MU_CEILING)
    frozen["frozen"] = done & ~skip
    return x, steps_taken, frozen


def _check_init(init: object) -> torch.Tensor:
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


def _run(
    row_loss: _RowLoss,
    params: torch.Tensor,
    *,
    exact_eigenvalues: bool,
    max_adam_steps: int = 0,
    lr: float = 0.05,
    lbfgs_steps: int = 1000,
    newton_steps: int = 60,
    gtol: float = 1e-9,
    seed: int | None = None,
    num_threads: int | None = 1,
    allow_failed: bool = False,
) -> MinimizeResult:
    """Validate the options (defaults as in ``minimize_batched``) and minimize ``row_loss`` from ``params``.
    ``allow_failed``: a row whose loss or gradient is not finite at its final parameters is marked failed (loss
    +inf) instead of raising."""
    import torch

    options = _Options(
        max_adam_steps=check_int("max_adam_steps", max_adam_steps, minimum=0),
        lr=check_positive_float("lr", lr),
        lbfgs_steps=check_int("lbfgs_steps", lbfgs_steps, minimum=0),
        newton_steps=check_int("newton_steps", newton_steps, minimum=0),
        gtol=check_positive_float("gtol", gtol),
        exact_eigenvalues=exact_eigenvalues,
        allow_failed=allow_failed,
    )
    generator = torch.Generator().manual_seed(0 if seed is None else check_seed(seed))
    if num_threads is not None:
        num_threads = check_int("num_threads", num_threads, minimum=1)
    with _torch_threads(num_threads):
        return _minimize(row_loss, params, options, generator)


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
        first_order = _lbfgs(row_loss, params, options.lbfgs_steps, options.gtol, LBFGS_MEMORY)
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


def multistart_minimize(
    loss_fn_for_instances: InstanceLossFunction,
    n_instances: int,
    n_starts: int,
    param_dim: int,
    *,
    init_scale: float = 1.0,
    seed: int,
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
    unknown = set(minimize_options) - {"max_adam_steps", "lr", "lbfgs_steps", "newton_steps", "gtol", "num_threads"}
    if unknown:
        raise fail("minimize_options", f"unknown options {sorted(unknown)}")
    if minimize_options.get("num_threads") is not None:
        minimize_options["num_threads"] = check_int("num_threads", minimize_options["num_threads"], minimum=1)

    generator = torch.Generator().manual_seed(seed)
    init = init_scale * torch.randn(n_instances * n_starts, param_dim, generator=generator, dtype=torch.float64)
    instance_index = torch.arange(n_instances).repeat_interleave(n_starts)
    # unlike a full-batch loss_fn, an instance loss can be evaluated on any subset of rows
    row_loss = _RowLoss.per_instance(loss_fn_for_instances, instance_index)
    with _torch_threads(minimize_options.get("num_threads", 1)):
        start_loss, start_grad = _trial_loss_and_grad(row_loss, init, torch.arange(init.shape[0]))
    failed_at_start = ~(torch.isfinite(start_loss) & torch.isfinite(start_grad).all(dim=1))
    good = (~failed_at_start).nonzero().flatten()
    rows = init.shape[0]
    params, row_min = init.clone(), torch.full((rows,), math.inf, dtype=torch.float64)
    row_converged, failed_at_end = torch.zeros(rows, dtype=torch.bool), torch.zeros(rows, dtype=torch.bool)
    criterion = convergence_criterion(minimize_options.get("gtol", 1e-9))
    if good.numel():
        result = _run(_RowLoss.per_instance(loss_fn_for_instances, instance_index[good]), init[good],
                      exact_eigenvalues=False, seed=seed, allow_failed=True, **minimize_options)
        params[good], row_min[good], row_converged[good] = result.params, result.loss, result.converged
        failed_at_end[good] = result.failed
        criterion = result.criterion
    failed = (failed_at_start | failed_at_end).reshape(n_instances, n_starts)
    every_start = failed.all(dim=1)
    if bool(every_start.any()):
        instances = every_start.nonzero().flatten().tolist()
        raise fail("loss_fn_for_instances", f"every one of the {n_starts} starts failed on instances "
                   f"{instances[:10]}: {int(failed_at_start.sum())} at the start ({START_FAILURES['start']}), "
                   f"{int(failed_at_end.sum())} at the end ({START_FAILURES['end']})")

    loss = row_min.reshape(n_instances, n_starts)
    converged = row_converged.reshape(n_instances, n_starts)
    best_loss, best_start = loss.min(dim=1)
    instances = torch.arange(n_instances)
    best_rows = instances * n_starts + best_start
    at_best = ~failed & (loss <= (best_loss + AT_BEST_TOLERANCE * (1 + best_loss.abs()))[:, None])
    converged_high = torch.where(converged, loss, -math.inf).amax(dim=1)
    converged_low = torch.where(converged, loss, math.inf).amin(dim=1)
    n_converged = converged.sum(dim=1)
    spread = torch.where(n_converged > 0, converged_high - converged_low, math.inf)
    failures = {"start": int(failed_at_start.sum()), "end": int(failed_at_end.sum())}
    return MultistartResult(
        best_params=params[best_rows],
        best_loss=best_loss,
        best_converged=converged[instances, best_start],
        n_starts_converged=n_converged,
        n_starts_at_best=at_best.sum(dim=1),
        spread=spread,
        loss=loss,
        converged=converged,
        seed=seed,
        criterion=criterion,
        failed=failed,
        failures={reason: count for reason, count in failures.items() if count},
    )
