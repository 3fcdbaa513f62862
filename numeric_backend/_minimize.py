"""Ground-truth batched minimization: Adam, then saddle-free Newton / Levenberg-Marquardt polishing.

Every row of ``params [B, P]`` is an independent problem. ``minimize_batched`` always calls ``loss_fn`` on
all B rows (so it may close over per-row data of batch size B; rows that are not being worked on are
filled in from ``init``). ``multistart_minimize`` passes the instance index, so it evaluates only the rows
still being polished. Losses must be composable with torch.func (no in-place updates of the input, no
``.item()``); otherwise Hessians fall back to P double-backward passes.
"""

from __future__ import annotations

import contextlib
import math
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from numeric_backend._errors import fail
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
_HESSIAN_ELEMENT_BUDGET = 2**24


def convergence_criterion(gtol: float) -> str:
    """The convergence rule, in words."""
    return (
        f"converged = gradient norm <= {gtol:g} * (1 + |loss|) and smallest Hessian eigenvalue >= "
        f"-{NEGATIVE_CURVATURE_TOLERANCE:g} * (1 + largest |Hessian eigenvalue|), both evaluated in float64 "
        f"at the returned parameters (a second-order stationary point)"
    )


@dataclass(frozen=True)
class MinimizeResult:
    """Per-row outcome: params [B, P], loss [B], grad_norm [B], min_hessian_eigenvalue [B], converged [B]."""

    params: torch.Tensor
    loss: torch.Tensor
    grad_norm: torch.Tensor
    min_hessian_eigenvalue: torch.Tensor
    converged: torch.Tensor
    criterion: str
    adam_steps: int
    newton_steps: int

    def __post_init__(self) -> None:
        import torch

        assert self.params.dim() == 2, self.params.shape
        batch = self.params.shape[0]
        for name in ("loss", "grad_norm", "min_hessian_eigenvalue", "converged"):
            assert getattr(self, name).shape == (batch,), (name, getattr(self, name).shape)
        assert self.converged.dtype == torch.bool
        assert bool(torch.isfinite(self.params).all()) and bool(torch.isfinite(self.loss).all())
        assert self.adam_steps >= 0 and self.newton_steps >= 0


@dataclass(frozen=True)
class MultistartResult:
    """Per instance: best_params [I, P], best_loss [I], n_starts_converged [I], n_starts_at_best [I],
    spread [I] (max - min loss over converged starts; 0 with one, +inf with none), best_converged [I];
    per start: loss [I, S], converged [I, S]."""

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

    def __post_init__(self) -> None:
        n_instances = self.best_params.shape[0]
        for name in ("best_loss", "best_converged", "n_starts_converged", "n_starts_at_best", "spread"):
            assert getattr(self, name).shape == (n_instances,), (name, getattr(self, name).shape)
        assert self.loss.shape == self.converged.shape and self.loss.shape[0] == n_instances
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


def _hessians_functorch(row_loss: _RowLoss, params: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
    """Per-row Hessians [b, P, P]: forward-over-reverse H @ e_j on all b rows at once, vmapped over j."""
    import torch

    batch, dim = params.shape
    grad_fn = torch.func.grad(lambda p: row_loss(p, rows).sum())

    def hessian_column(tangent: torch.Tensor) -> torch.Tensor:
        return torch.func.jvp(grad_fn, (params,), (tangent,))[1]

    tangents = torch.eye(dim, dtype=params.dtype)[:, None, :].expand(dim, batch, dim)
    chunk = max(1, min(dim, _HESSIAN_ELEMENT_BUDGET // max(1, batch * dim)))
    with warnings.catch_warnings():  # torch's own jvp decompositions use the deprecated torch.jit.script
        warnings.filterwarnings("ignore", message=".*torch.jit.script.*", category=DeprecationWarning)
        columns = torch.func.vmap(hessian_column, chunk_size=chunk)(tangents)  # [P(j), b, P(i)] = H[b, i, j]
    return columns.permute(1, 2, 0)


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
    """Symmetrized per-row Hessians [b, P, P] of the given rows."""
    try:
        hessian = _hessians_functorch(row_loss, params.detach(), rows)
    except (RuntimeError, NotImplementedError, TypeError):
        hessian = _hessians_autograd(row_loss, params, rows)
    return 0.5 * (hessian + hessian.transpose(-1, -2))


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
        current, grad = _loss_and_grad(row_loss, x, all_rows)
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


def _newton(
    row_loss: _RowLoss, params: torch.Tensor, max_steps: int, gtol: float, generator: torch.Generator
) -> tuple[torch.Tensor, int, dict[str, torch.Tensor]]:
    """Saddle-free Newton / Levenberg-Marquardt polishing.

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
    done = torch.zeros(batch, dtype=torch.bool)
    frozen = {name: torch.zeros(batch, dtype=x.dtype) for name in ("loss", "grad_norm", "min_eigenvalue")}
    steps_taken = 0
    for _ in range(max_steps):
        rows = (~done).nonzero().flatten()
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
            trial_loss, trial_grad = _loss_and_grad(row_loss, x[rows] + candidate, rows)
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
    frozen["frozen"] = done
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
    max_adam_steps: int = 2000,
    lr: float = 0.05,
    newton_steps: int = 60,
    gtol: float = 1e-9,
    seed: int | None = None,
    num_threads: int | None = 1,
) -> MinimizeResult:
    """Minimize B independent problems: ``loss_fn(params [B, P]) -> [B]`` from ``init [B, P]``.

    Phase 1: per-row Adam on loss_fn(params).sum() (at most ``max_adam_steps``, early exit on a plateau).
    Phase 2: saddle-free Newton / LM polishing with per-row Hessians (at most ``newton_steps``), never
    accepting a step that raises a row's loss beyond round-off (16 eps (1 + |loss|)). ``seed`` only
    picks the sign of negative-curvature escape steps at exact saddles (gradient exactly 0).
    The result is diagnosed afresh at the returned params; see ``MinimizeResult.criterion``.
    ``num_threads``: torch intra-op threads while minimizing (restored afterwards; None leaves the
    setting alone). One thread is fastest for many small problems and immune to oversubscription.
    """
    if not callable(loss_fn):
        raise fail("loss_fn", f"expected a callable params [B, P] -> loss [B], received {type(loss_fn).__name__}")
    params = _check_init(init)
    return _run(_RowLoss.full_batch(loss_fn, params), params, max_adam_steps=max_adam_steps, lr=lr,
                newton_steps=newton_steps, gtol=gtol, seed=seed, num_threads=num_threads)


def _run(
    row_loss: _RowLoss,
    params: torch.Tensor,
    *,
    max_adam_steps: int = 2000,
    lr: float = 0.05,
    newton_steps: int = 60,
    gtol: float = 1e-9,
    seed: int | None = None,
    num_threads: int | None = 1,
) -> MinimizeResult:
    """Validate the options (defaults as in ``minimize_batched``) and minimize ``row_loss`` from ``params``."""
    import torch

    max_adam_steps = check_int("max_adam_steps", max_adam_steps, minimum=0)
    newton_steps = check_int("newton_steps", newton_steps, minimum=0)
    lr = check_positive_float("lr", lr)
    gtol = check_positive_float("gtol", gtol)
    generator = torch.Generator().manual_seed(0 if seed is None else check_seed(seed))
    if num_threads is not None:
        num_threads = check_int("num_threads", num_threads, minimum=1)
    with _torch_threads(num_threads):
        return _minimize(row_loss, params, max_adam_steps, lr, newton_steps, gtol, generator)


def _minimize(
    row_loss: _RowLoss,
    params: torch.Tensor,
    max_adam_steps: int,
    lr: float,
    newton_steps: int,
    gtol: float,
    generator: torch.Generator,
) -> MinimizeResult:
    import torch

    all_rows = torch.arange(params.shape[0])
    with torch.no_grad():
        loss = row_loss(params, all_rows).detach()
    if loss.dtype != torch.float64:
        raise fail(row_loss.argument, f"must return float64 (the ground truth runs in float64), returned {loss.dtype}")
    bad = ~torch.isfinite(loss)
    if bool(bad.any()):
        rows = bad.nonzero().flatten().tolist()
        raise fail(row_loss.argument, f"returned NaN/inf at init for rows {rows[:10]} (of {loss.shape[0]})")

    adam_steps = 0
    if max_adam_steps > 0:
        params, loss, adam_steps = _adam(row_loss, params, loss, max_adam_steps, lr)
    params, newton_taken, frozen = _newton(row_loss, params, newton_steps, gtol, generator)

    # rows frozen by Newton were diagnosed at exactly these params; diagnose the others now
    loss, grad_norm, min_eigenvalue = frozen["loss"], frozen["grad_norm"], frozen["min_eigenvalue"]
    converged = frozen["frozen"].clone()
    rest = (~converged).nonzero().flatten()
    if rest.numel():
        diagnosis = _diagnose(row_loss, params[rest], rest, gtol, with_vectors=False)
        if not bool(torch.isfinite(diagnosis.loss).all() and torch.isfinite(diagnosis.grad).all()):
            raise fail(row_loss.argument, "returned NaN/inf (loss or gradient) at the final parameters")
        loss[rest], grad_norm[rest] = diagnosis.loss, diagnosis.grad.norm(dim=1)
        min_eigenvalue[rest], converged[rest] = diagnosis.min_eigenvalue, diagnosis.converged
    return MinimizeResult(
        params=params,
        loss=loss,
        grad_norm=grad_norm,
        min_hessian_eigenvalue=min_eigenvalue,
        converged=converged,
        criterion=convergence_criterion(gtol),
        adam_steps=adam_steps,
        newton_steps=newton_taken,
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
    instance_index [I*S]) -> [I*S]`` gathers per-instance data with the index. ``minimize_options`` go to
    ``minimize_batched``. The best start is the lowest loss; ``n_starts_at_best`` counts starts within
    1e-8 (1 + |best|) of it (evidence that the minimum is global).
    """
    import torch

    if not callable(loss_fn_for_instances):
        raise fail("loss_fn_for_instances", f"expected a callable, received {type(loss_fn_for_instances).__name__}")
    n_instances = check_int("n_instances", n_instances, minimum=1)
    n_starts = check_int("n_starts", n_starts, minimum=1)
    param_dim = check_int("param_dim", param_dim, minimum=1)
    init_scale = check_positive_float("init_scale", init_scale)
    seed = check_seed(seed)
    unknown = set(minimize_options) - {"max_adam_steps", "lr", "newton_steps", "gtol", "num_threads"}
    if unknown:
        raise fail("minimize_options", f"unknown options {sorted(unknown)}")

    generator = torch.Generator().manual_seed(seed)
    init = init_scale * torch.randn(n_instances * n_starts, param_dim, generator=generator, dtype=torch.float64)
    instance_index = torch.arange(n_instances).repeat_interleave(n_starts)
    # unlike a full-batch loss_fn, an instance loss can be evaluated on any subset of rows
    result = _run(_RowLoss.per_instance(loss_fn_for_instances, instance_index), init, seed=seed, **minimize_options)

    loss = result.loss.reshape(n_instances, n_starts)
    converged = result.converged.reshape(n_instances, n_starts)
    best_loss, best_start = loss.min(dim=1)
    instances = torch.arange(n_instances)
    best_rows = instances * n_starts + best_start
    at_best = loss <= (best_loss + AT_BEST_TOLERANCE * (1 + best_loss.abs()))[:, None]
    converged_high = torch.where(converged, loss, -math.inf).amax(dim=1)
    converged_low = torch.where(converged, loss, math.inf).amin(dim=1)
    n_converged = converged.sum(dim=1)
    spread = torch.where(n_converged > 0, converged_high - converged_low, math.inf)
    return MultistartResult(
        best_params=result.params[best_rows],
        best_loss=best_loss,
        best_converged=converged[instances, best_start],
        n_starts_converged=n_converged,
        n_starts_at_best=at_best.sum(dim=1),
        spread=spread,
        loss=loss,
        converged=converged,
        seed=seed,
        criterion=result.criterion,
    )
