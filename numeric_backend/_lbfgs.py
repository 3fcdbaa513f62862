"""The first-order phases of the batched minimizer: the optional Adam warm-up and batched L-BFGS.

Both work on all rows of ``params [B, P]`` at once with one loss-and-gradient evaluation per iteration (on the
rows still active), never form a Hessian, and treat trial points where the loss is not finite (or raises) as
rejected steps. ``_lbfgs`` returns a ``_FirstOrderOutcome``: where each row ended and whether it meets the
gradient criterion (the curvature test and Newton are in ``_newton``); ``_lbfgs_projected`` runs it on the free
coordinates of a loss with an eliminated quadratic block (``Derivatives``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from numeric_backend._errors import NumericBackendError
from numeric_backend._row_loss import ROUNDOFF_BAND, _DerivativesContractError, _RowLoss, _trial_loss_and_grad

if TYPE_CHECKING:
    import torch


_ADAM_BETAS, _ADAM_EPS = (0.9, 0.999), 1e-12
_ADAM_CHECK_EVERY, _ADAM_PLATEAU = 100, 1e-4

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
_POOL_BUDGET = 2**23  # elements of the L-BFGS pool's memory and vectors (64 MB of float64: a few times the L3 cache;
# measured faster than a cache-sized pool, whose extra iterations cost more in per-operation overhead)
_POOL_VECTORS = 12  # [b, P] tensors per row besides the memory pairs
_POOL_MIN_ROWS = 256


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
        best_params = torch.where(improved[:, None], x, best_params)
        best_loss = torch.where(improved, current, best_loss)
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
    import torch

    return torch.linalg.vecdot(first, second, dim=1)


def _lbfgs_direction(
    grad: torch.Tensor, s_memory: torch.Tensor, y_memory: torch.Tensor, rho: torch.Tensor, gamma: torch.Tensor,
    slots: list[int],
) -> torch.Tensor:
    """Two-loop recursion: -H grad [b, P] from pairs s_memory, y_memory [m, b, P], rho [m, b] (0 marks an
    empty pair, which then contributes nothing), initial scaling gamma [b]; ``slots`` newest first."""
    import torch

    q = -grad
    q_rows = q.unsqueeze(1)  # [b, 1, P], a view of q: dot products come out as columns [b, 1]
    s_pairs, y_pairs = s_memory.unbind(0), y_memory.unbind(0)  # views, taken once
    s_rows, y_rows = s_memory.unsqueeze(2).unbind(0), y_memory.unsqueeze(2).unbind(0)
    rhos = rho.unsqueeze(2).unbind(0)
    alphas = {}
    for slot in slots:
        alphas[slot] = rhos[slot] * torch.linalg.vecdot(s_rows[slot], q_rows, dim=2)
        q.addcmul_(alphas[slot], y_pairs[slot], value=-1.0)
    q.mul_(gamma.unsqueeze(1))
    for slot in reversed(slots):
        beta = rhos[slot] * torch.linalg.vecdot(y_rows[slot], q_rows, dim=2)
        q.addcmul_(alphas[slot] - beta, s_pairs[slot])
    return q


def _pool_capacity(row_loss: _RowLoss, batch: int, dim: int, memory: int) -> int:
    """How many rows L-BFGS works on at once: all of a full-batch loss (which is evaluated on every row anyway),
    else as many as keep the rows' memory and vectors within ``_POOL_BUDGET`` elements."""
    if not row_loss.any_subset:
        return batch
    return max(_POOL_MIN_ROWS, _POOL_BUDGET // (dim * (2 * memory + _POOL_VECTORS)))


def _lbfgs(row_loss: _RowLoss, params: torch.Tensor, max_steps: int, gtol: float, memory: int) -> _FirstOrderOutcome:
    """Batched L-BFGS on every row until ||grad|| <= gtol (1 + |loss|), then on to 1e-3 of that (the minimizer's
    parameters, not only its loss, are read by callers) unless round-off stops the line search first.

    Each iteration evaluates loss and gradient once, on the active rows only, at x + t d. A trial is accepted if
    it is finite and satisfies Armijo (f(x + t d) <= f + 1e-4 t g.d), or stays within round-off of f
    (``ROUNDOFF_BAND``) while lowering the gradient norm; a rejected row keeps its direction and retries next
    iteration with t shrunk to the minimizer of the interpolating quadratic, clamped to [0.1 t, 0.5 t] (0.1 t
    after a non-finite trial), so rows backtrack in the same batched evaluation in which others advance. Pairs
    with s.y <= 1e-10 |s| |y| are not stored. A row whose step shrinks below 1e-15 (1 + |x|) restarts from
    steepest descent with empty memory; after ``_MAX_RESTARTS`` such failures, after ``max_steps`` iterations,
    or with a non-finite gradient at the start, it leaves the phase unfinished. A row's result is recorded as
    soon as it leaves, and its iterates do not depend on the other rows.

    Rows are worked on in a pool of at most ``_pool_capacity`` rows (all rows for a full-batch loss): once an
    eighth of the pool has left, the next rows take the places of those that left (in no particular order:
    the pool's rows are not sorted), so the working set stays bounded and the last slow rows run alongside new
    ones instead of alone; once every row is admitted, rows that leave are dropped as before.
    """
    import torch

    batch, dim = params.shape
    capacity = _pool_capacity(row_loss, batch, dim, memory)
    outputs = (params.clone(), torch.empty(batch, dtype=params.dtype), torch.empty_like(params))
    stationary = torch.zeros(batch, dtype=torch.bool)
    state = _LbfgsRows.start(torch.zeros(0, dtype=torch.int64), params[:0], outputs[1][:0], params[:0],
                             outputs[1][:0], memory)
    admitted, steps, working = 0, 0, 0
    while True:
        if admitted < batch and 8 * (capacity - working) >= capacity:
            new_rows = torch.arange(admitted, min(batch, admitted + capacity - working))
            admitted += new_rows.shape[0]
            _admit(row_loss, state, params[new_rows], new_rows, outputs, stationary, gtol)
            working = int((~state.finished).sum())
        if working == 0:
            if admitted == batch:
                break
            continue
        if bool(state.needs_direction.any()):
            state.choose_directions()
        accepted, rejected = state.line_search(row_loss)
        state.restart_failed(accepted, rejected)
        state.age += ~state.finished
        leaving, meets = state.leaving(accepted, gtol, max_steps)
        n_leaving = int(leaving.sum())
        if n_leaving:
            working -= n_leaving
            state.record(outputs, leaving)
            stationary[state.rows[leaving & meets]] = True
            steps = max(steps, int(state.age[leaving].max()))
            state.finished |= leaving
            # finished rows stay (inert, step 0) until an eighth of the rows has finished: then new rows take
            # their places, or once every row is admitted the memory is compacted (costs a few iterations)
            if admitted == batch and 8 * int(state.finished.sum()) >= state.rows.shape[0]:
                state.compact()
    return _FirstOrderOutcome(*outputs, stationary, steps)


def _lbfgs_projected(
    row_loss: _RowLoss, params: torch.Tensor, max_steps: int, gtol: float, memory: int
) -> _FirstOrderOutcome:
    """``_lbfgs`` on the variable projection of ``row_loss`` (its free coordinates, the others eliminated; see
    ``Derivatives``), returned in all P coordinates: params [B, P] eliminated at the end (rows where that fails
    keep ``params``), the full loss and gradient there, and ``stationary`` where the full gradient meets the
    criterion."""
    import torch

    batch, dim = params.shape
    assert row_loss.free is not None
    reduced = _lbfgs(row_loss.reduced(dim), params[:, row_loss.free], max_steps, gtol, memory)
    rows = torch.arange(batch)
    full = _embed_rows(row_loss, reduced.params, rows, dim)
    full = torch.where(torch.isfinite(full).all(dim=1, keepdim=True), full, params)
    loss, grad = _trial_loss_and_grad(row_loss, full, rows)
    stationary = reduced.stationary & (grad.norm(dim=1) <= gtol * (1 + loss.abs()))
    return _FirstOrderOutcome(full, loss, grad, stationary, reduced.steps)


def _embed_rows(row_loss: _RowLoss, free_params: torch.Tensor, rows: torch.Tensor, dim: int) -> torch.Tensor:
    """``row_loss.embed``, with NaN on the rows where elimination raises (found by bisecting the rows)."""
    import torch

    try:
        return row_loss.embed(free_params, rows, dim)
    except _DerivativesContractError:
        raise
    except (NumericBackendError, torch.linalg.LinAlgError):
        if rows.shape[0] == 1:
            return torch.full((1, dim), math.nan, dtype=free_params.dtype)
        half = rows.shape[0] // 2
        return torch.cat([_embed_rows(row_loss, free_params[:half], rows[:half], dim),
                          _embed_rows(row_loss, free_params[half:], rows[half:], dim)])


def _admit(
    row_loss: _RowLoss, state: _LbfgsRows, x: torch.Tensor, rows: torch.Tensor,
    outputs: tuple[torch.Tensor, torch.Tensor, torch.Tensor], stationary: torch.Tensor, gtol: float,
) -> None:
    """Evaluate new rows ``rows`` [n] at x [n, P], record them in ``outputs`` and add to ``state`` those that do
    not already meet the polished criterion and have a finite gradient."""
    import torch

    loss, grad = _trial_loss_and_grad(row_loss, x, rows)
    out_params, out_loss, out_grad = outputs
    out_params[rows], out_loss[rows], out_grad[rows] = x, loss, grad
    grad_norm = grad.norm(dim=1)
    met = grad_norm <= _POLISH * gtol * (1 + loss.abs())
    stationary[rows[met]] = True
    active = (~met & torch.isfinite(grad_norm)).nonzero().flatten()
    if active.numel():
        state.place(rows[active], x[active], loss[active], grad[active], grad_norm[active])


@dataclass
class _LbfgsRows:
    """The rows still in the L-BFGS phase, b of them (finished rows stay, inert, until ``compact``).

    Per row: ``rows`` [b] (row numbers of the full problem), ``x`` [b, P], ``loss`` [b], ``grad`` [b, P],
    ``grad_norm`` [b]; the memory ``s_memory``, ``y_memory`` [m, b, P] and ``rho`` [m, b] (0 marks an empty
    pair), a ring buffer whose newest slot is ``newest`` with ``filled`` slots in use, and the initial scaling
    ``gamma`` [b]; the line search's ``direction`` [b, P], ``slope`` [b] (g.d), ``step`` [b] and
    ``needs_direction`` [b]; ``restarts``, ``rejections``, ``age`` (iterations so far) [b] (int64) and
    ``finished`` [b].
    """

    rows: torch.Tensor
    x: torch.Tensor
    loss: torch.Tensor
    grad: torch.Tensor
    grad_norm: torch.Tensor
    s_memory: torch.Tensor
    y_memory: torch.Tensor
    rho: torch.Tensor
    gamma: torch.Tensor
    direction: torch.Tensor
    slope: torch.Tensor
    step: torch.Tensor
    needs_direction: torch.Tensor
    restarts: torch.Tensor
    rejections: torch.Tensor
    finished: torch.Tensor
    age: torch.Tensor
    memory: int
    newest: int = -1
    filled: int = 0

    _PER_ROW: ClassVar[tuple[str, ...]] = (
        "rows", "x", "loss", "grad", "grad_norm", "gamma", "direction", "slope", "step", "needs_direction", "restarts",
        "finished", "rejections", "age",
    )
    _PER_PAIR_AND_ROW: ClassVar[tuple[str, ...]] = ("s_memory", "y_memory", "rho")

    @classmethod
    def start(cls, rows: torch.Tensor, x: torch.Tensor, loss: torch.Tensor, grad: torch.Tensor,
              grad_norm: torch.Tensor, memory: int) -> _LbfgsRows:
        """Rows ``rows`` [b] at x [b, P] with loss [b], grad [b, P], grad_norm [b]: empty memory of ``memory``
        pairs, every row needing a direction."""
        import torch

        size, dim = rows.shape[0], x.shape[1]
        s_memory = torch.zeros(memory, size, dim, dtype=x.dtype)
        y_memory = torch.zeros_like(s_memory)
        rho = torch.zeros(memory, size, dtype=x.dtype)
        gamma = 1 / grad_norm.clamp(min=1.0)
        direction, slope = torch.zeros_like(x), torch.zeros_like(loss)
        step = torch.ones_like(loss)
        needs_direction = torch.ones(size, dtype=torch.bool)
        restarts = torch.zeros(size, dtype=torch.int64)
        rejections = torch.zeros(size, dtype=torch.int64)
        finished = torch.zeros(size, dtype=torch.bool)
        age = torch.zeros(size, dtype=torch.int64)
        return cls(rows, x, loss, grad, grad_norm, s_memory, y_memory, rho, gamma, direction, slope, step,
                   needs_direction, restarts, rejections, finished, age, memory)

    def place(self, rows: torch.Tensor, x: torch.Tensor, loss: torch.Tensor, grad: torch.Tensor,
              grad_norm: torch.Tensor) -> None:
        """Add new rows (as ``start`` makes them: empty memory, needing a direction), in the places of finished
        rows first, then appended. Their empty pairs are exact no-ops of the two-loop recursion, so joining
        mid-run does not change a row's iterates (nor does the place: every operation is row by row)."""
        import torch

        new = _LbfgsRows.start(rows, x, loss, grad, grad_norm, self.memory)
        places = self.finished.nonzero().flatten()[: rows.shape[0]]
        taken = places.shape[0]
        if taken:
            for name in self._PER_ROW:
                getattr(self, name)[places] = getattr(new, name)[:taken]
            for name in self._PER_PAIR_AND_ROW:
                getattr(self, name)[:, places] = 0.0
        if taken < rows.shape[0]:
            for name in self._PER_ROW:
                setattr(self, name, torch.cat([getattr(self, name), getattr(new, name)[taken:]]))
            for name in self._PER_PAIR_AND_ROW:
                setattr(self, name, torch.cat([getattr(self, name), getattr(new, name)[:, taken:]], dim=1))

    def choose_directions(self) -> None:
        """A new direction [b, P] (and step 1) for the rows that need one: the two-loop recursion, or scaled
        steepest descent with the memory dropped where round-off made that direction point uphill."""
        import torch

        needs_direction = self.needs_direction
        slots = [(self.newest - j) % self.memory for j in range(self.filled)]
        fresh = _lbfgs_direction(self.grad, self.s_memory, self.y_memory, self.rho, self.gamma, slots)
        fresh_slope = _row_dot(self.grad, fresh)
        uphill = needs_direction & ~(fresh_slope < 0)  # round-off can make the memory's direction useless
        if bool(uphill.any()):
            self.rho[:, uphill] = 0.0
            self.gamma = torch.where(uphill, 1 / self.grad_norm.clamp(min=1.0), self.gamma)
            fresh = torch.where(uphill[:, None], -self.gamma[:, None] * self.grad, fresh)
            fresh_slope = torch.where(uphill, -self.gamma * self.grad_norm**2, fresh_slope)
        self.direction = torch.where(needs_direction[:, None], fresh, self.direction)
        self.slope = torch.where(needs_direction, fresh_slope, self.slope)
        self.step = torch.where(needs_direction, 1.0, self.step)

    def line_search(self, row_loss: _RowLoss) -> tuple[torch.Tensor, torch.Tensor]:
        """One batched trial at x + t d: accepted rows move there (and store the pair), rejected rows keep x and
        shrink t. Returns accepted [b] (bool) and the indices of the rejected rows."""
        import torch

        self.step.masked_fill_(self.finished, 0.0)
        x, loss, grad, grad_norm, step, slope = self.x, self.loss, self.grad, self.grad_norm, self.step, self.slope
        trial = x + step[:, None] * self.direction
        trial_loss, trial_grad = _trial_loss_and_grad(row_loss, trial, self.rows)
        trial_grad_norm = trial_grad.norm(dim=1)
        finite = torch.isfinite(trial_loss) & torch.isfinite(trial_grad_norm)
        armijo = trial_loss <= loss + _ARMIJO * step * slope
        flat_but_better = (trial_loss <= loss + ROUNDOFF_BAND * (1 + loss.abs())) & (trial_grad_norm < grad_norm)
        accepted = finite & (armijo | flat_but_better)
        self._store_pair(trial, x, trial_grad, grad, accepted)

        curvature = trial_loss - loss - slope * step  # of the quadratic through f, g.d and the trial
        interpolated = -slope * step**2 / (2 * curvature)
        shrunk = torch.minimum(torch.maximum(interpolated, _SHRINK_RANGE[0] * step), _SHRINK_RANGE[1] * step)
        shrunk = torch.where(finite & (curvature > 0), shrunk, _NON_FINITE_SHRINK * step)
        rejected = (~accepted).nonzero().flatten()
        trial[rejected], trial_grad[rejected] = x[rejected], grad[rejected]
        self.x, self.grad = trial, trial_grad
        self.loss = torch.where(accepted, trial_loss, loss)
        self.grad_norm = torch.where(accepted, trial_grad_norm, grad_norm)
        self.step = torch.where(accepted, step, shrunk)
        self.needs_direction = accepted.clone()
        return accepted, rejected

    def _store_pair(self, trial: torch.Tensor, x: torch.Tensor, trial_grad: torch.Tensor, grad: torch.Tensor,
                    accepted: torch.Tensor) -> None:
        """Write the pair s = trial - x, y = trial_grad - grad [b, P] into the next slot, zeroed (rho 0) on rows
        where it is not a good pair (a rejected trial's NaN never stays in the memory)."""
        import torch

        self.newest, self.filled = (self.newest + 1) % self.memory, min(self.filled + 1, self.memory)
        s = torch.sub(trial, x, out=self.s_memory[self.newest])
        y = torch.sub(trial_grad, grad, out=self.y_memory[self.newest])
        s_dot_y, y_dot_y, s_dot_s = _row_dot(s, y), _row_dot(y, y), _row_dot(s, s)
        good_pair = accepted & (s_dot_y > _PAIR_COSINE * (s_dot_s * y_dot_y).sqrt())
        not_stored = ~good_pair[:, None]
        s.masked_fill_(not_stored, 0.0)
        y.masked_fill_(not_stored, 0.0)
        self.rho[self.newest] = torch.where(good_pair, 1 / s_dot_y, 0.0)
        self.gamma = torch.where(good_pair, s_dot_y / y_dot_y, self.gamma)

    def restart_failed(self, accepted: torch.Tensor, rejected: torch.Tensor) -> None:
        """Rows whose rejected step fell below ``_SMALLEST_STEP`` (1 + |x|) restart from steepest descent with
        empty memory (counted in ``restarts``); count consecutive rejections."""
        import torch

        failed = torch.zeros_like(accepted)
        if rejected.numel():
            failed[rejected] = ~self.finished[rejected] & (
                self.step[rejected] * self.direction[rejected].norm(dim=1)
                <= _SMALLEST_STEP * (1 + self.x[rejected].norm(dim=1)))
        if bool(failed.any()):
            self.restarts = self.restarts + failed.long()
            self.rho[:, failed] = 0.0
            self.gamma = torch.where(failed, 1 / self.grad_norm.clamp(min=1.0), self.gamma)
            self.needs_direction = self.needs_direction | failed
        self.rejections = torch.where(accepted, 0, self.rejections + 1)

    def leaving(self, accepted: torch.Tensor, gtol: float, max_steps: int) -> tuple[torch.Tensor, torch.Tensor]:
        """(leaving [b], meets [b]): rows that leave the phase now (polished, settled by round-off once they meet
        the criterion, out of restarts or of iterations), and rows meeting ||grad|| <= gtol (1 + |loss|)."""
        scale = 1 + self.loss.abs()
        meets = self.grad_norm <= gtol * scale
        polished = accepted & (self.grad_norm <= _POLISH * gtol * scale)
        settled = meets & (self.rejections >= _POLISH_REJECTIONS)  # round-off stops the polishing
        out = (self.restarts > _MAX_RESTARTS) | (self.age >= max_steps)
        return ~self.finished & (polished | settled | out), meets

    def record(self, outputs: tuple[torch.Tensor, torch.Tensor, torch.Tensor], which: torch.Tensor) -> None:
        """Write params, loss and grad of the rows marked in ``which`` [b] into ``outputs`` ([B, P], [B], [B, P])."""
        out_params, out_loss, out_grad = outputs
        out_params[self.rows[which]], out_loss[self.rows[which]] = self.x[which], self.loss[which]
        out_grad[self.rows[which]] = self.grad[which]

    def compact(self) -> None:
        """Drop the finished rows."""
        keep = (~self.finished).nonzero().flatten()
        for name in self._PER_ROW:
            setattr(self, name, getattr(self, name)[keep])
        for name in self._PER_PAIR_AND_ROW:
            setattr(self, name, getattr(self, name)[:, keep])
