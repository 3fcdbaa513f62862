"""The second-order phases of the batched minimizer: the certified curvature test and saddle-free Newton.

``certified_shift`` / ``_certify_minima`` decide the curvature condition of rows that meet the gradient criterion
(a shifted Cholesky factorization proves it, eigvalsh decides the rest); ``_newton`` runs saddle-free Newton /
Levenberg-Marquardt with per-row eigendecompositions of H [b, P, P] on every row not yet certified, escaping
saddles along negative curvature.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from numeric_backend._row_loss import (
    NEGATIVE_CURVATURE_TOLERANCE,
    ROUNDOFF_BAND,
    _diagnose,
    _hessian_chunk,
    _hessians,
    _RowLoss,
    _trial_loss_and_grad,
)

if TYPE_CHECKING:
    import torch


_MU_MULTIPLIERS = (1.0, 10.0, 1e2, 1e3, 1e4)
_MU_INITIAL, _MU_FLOOR, _MU_CEILING = 1e-3, 1e-12, 1e16
_ESCAPE_LENGTHS = tuple(4.0**-j for j in range(7))


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


_CHOLESKY_BLOCK = 32
"""Column block of ``_cholesky_succeeds``: larger matrices are factored block by block with batched products."""


def _cholesky_succeeds(hessian: torch.Tensor, shift: torch.Tensor) -> torch.Tensor:
    """Whether the Cholesky factorization of symmetric hessian [b, P, P] + shift [b] I runs to completion, [b]
    (bool; ``hessian`` is left unchanged).

    Matrices larger than ``_CHOLESKY_BLOCK`` are factored right-looking, one column block at a time: the diagonal
    block by LAPACK, the block column below it by a triangular solve, the trailing matrix updated by one batched
    product. This is Cholesky with the inner products summed in another order, so the error bound of
    ``certified_shift`` holds as for LAPACK's (itself blocked) factorization; a block that fails leaves non-finite
    or failing blocks after it, and every block's failure counts.
    """
    import torch

    dim = hessian.shape[-1]
    if dim <= _CHOLESKY_BLOCK:
        shifted = hessian.clone()
        shifted.diagonal(dim1=1, dim2=2).add_(shift[:, None])
        # the upper factor of a row-major symmetric matrix is LAPACK's lower factor of the same memory: no copy
        return torch.linalg.cholesky_ex(shifted, upper=True).info == 0
    work = hessian.clone()
    work.diagonal(dim1=1, dim2=2).add_(shift[:, None])
    failed = torch.zeros(hessian.shape[0], dtype=torch.bool)
    for begin in range(0, dim, _CHOLESKY_BLOCK):
        end = min(begin + _CHOLESKY_BLOCK, dim)
        factor, info = torch.linalg.cholesky_ex(work[:, begin:end, begin:end])  # lower
        failed |= info != 0
        if end < dim:
            below = torch.linalg.solve_triangular(factor, work[:, end:, begin:end].transpose(1, 2), upper=False)
            work[:, end:, end:].baddbmm_(below.transpose(1, 2), below, alpha=-1.0)  # lower triangle is read
    return ~failed


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
    chunk = _hessian_chunk(row_loss, dim)
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
            certified = finite & torch.isfinite(shift) & _cholesky_succeeds(hessian, shift)
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

        x_rows = x[rows]
        candidates = _newton_candidates(x_rows, mu[rows], g, eigenvalues, eigenvectors, largest, generator)
        choice, accepted, steps = _best_candidate(row_loss, x_rows, rows, candidates, loss, grad_norm)
        x[rows[accepted]] = x[rows[accepted]] + steps[accepted]
        mu[rows] = _new_damping(mu[rows], choice, accepted)
    frozen["frozen"] = done & ~skip
    return x, steps_taken, frozen


def _newton_candidates(
    x: torch.Tensor, mu: torch.Tensor, g: torch.Tensor, eigenvalues: torch.Tensor, eigenvectors: torch.Tensor,
    largest: torch.Tensor, generator: torch.Generator,
) -> list[torch.Tensor]:
    """Candidate steps [b, P] at x [b, P] with damping mu [b], gradient g [b, P], Hessian spectrum eigenvalues [b, P]
    (ascending), eigenvectors [b, P, P] and largest |eigenvalue| [b]: one saddle-free Newton step per multiplier of
    mu, then (for rows with negative curvature; 0 elsewhere) steps along the lowest eigenvector, downhill (a
    random sign where the slope is exactly 0), of ``_ESCAPE_LENGTHS`` times max(1, |x|)."""
    import torch

    g_eigen = (eigenvectors.transpose(1, 2) @ g[:, :, None]).squeeze(2)  # [b, P]
    scale = 1 + largest
    candidates = []  # list of [b, P] steps
    for multiplier in _MU_MULTIPLIERS:
        damping = (mu * multiplier * scale)[:, None]
        candidates.append(-(eigenvectors @ (g_eigen / (eigenvalues.abs() + damping))[:, :, None]).squeeze(2))
    negative = eigenvalues[:, 0] < -NEGATIVE_CURVATURE_TOLERANCE * scale
    if bool(negative.any()):
        direction = eigenvectors[:, :, 0]
        slope = (direction * g).sum(dim=1)
        random_sign = torch.where(torch.rand(slope.shape, generator=generator, dtype=x.dtype) < 0.5, -1.0, 1.0)
        sign = torch.where(slope == 0, random_sign, -torch.sign(slope))
        length = torch.clamp(x.norm(dim=1), min=1.0) * negative
        for fraction in _ESCAPE_LENGTHS:
            candidates.append((sign * length * fraction)[:, None] * direction)
    return candidates


def _best_candidate(
    row_loss: _RowLoss, x: torch.Tensor, rows: torch.Tensor, candidates: list[torch.Tensor], loss: torch.Tensor,
    grad_norm: torch.Tensor,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Evaluate every candidate step [b, P] from x [b, P] (loss [b], grad_norm [b] there) and pick, per row, the
    lowest loss among those that lower it beyond round-off, else the lowest gradient norm among those within
    round-off. Returns choice [b] (candidate index), accepted [b] and the chosen steps [b, P]. An instance loss
    evaluates all C b trial points in one call (rows repeated; each row's value does not depend on the others)."""
    import torch

    stacked = torch.stack(candidates)  # [C, b, P]
    if row_loss.any_subset:  # every candidate of every row in one evaluation
        trials = (x + stacked).flatten(0, 1)
        trial_loss, trial_grad = _trial_loss_and_grad(row_loss, trials, rows.repeat(len(candidates)))
        trial_loss, trial_grad_norm = trial_loss.view(stacked.shape[:2]), trial_grad.norm(dim=1).view(stacked.shape[:2])
    else:
        evaluated = [_trial_loss_and_grad(row_loss, x + candidate, rows) for candidate in candidates]
        trial_loss = torch.stack([value for value, _ in evaluated])
        trial_grad_norm = torch.stack([grad.norm(dim=1) for _, grad in evaluated])
    bad = ~(torch.isfinite(trial_loss) & torch.isfinite(trial_grad_norm))
    losses = torch.where(bad, math.inf, trial_loss)  # [C, b]
    grad_norms = torch.where(bad, math.inf, trial_grad_norm)
    current = loss
    band = ROUNDOFF_BAND * (1 + current.abs())
    decreases = losses < current - band
    flat_but_better = (losses <= current + band) & (grad_norms < grad_norm)
    by_loss = torch.where(decreases, losses, math.inf).argmin(dim=0)
    by_grad = torch.where(flat_but_better, grad_norms, math.inf).argmin(dim=0)
    any_decrease, any_flat = decreases.any(dim=0), flat_but_better.any(dim=0)
    choice = torch.where(any_decrease, by_loss, by_grad)
    accepted = any_decrease | any_flat
    steps = stacked[choice, torch.arange(rows.shape[0])]  # [b, P]
    return choice, accepted, steps


def _new_damping(mu: torch.Tensor, choice: torch.Tensor, accepted: torch.Tensor) -> torch.Tensor:
    """The rows' next damping [b] from mu [b]: / 10 after the least damped step won, times the winning
    multiplier after a more damped one, times 10 x the largest multiplier after a failure (clamped)."""
    import torch

    n_damped = len(_MU_MULTIPLIERS)
    multipliers = torch.tensor(_MU_MULTIPLIERS, dtype=mu.dtype)
    chosen_damped = accepted & (choice < n_damped)
    new_mu = mu.clone()
    first_choice = chosen_damped & (choice == 0)
    new_mu[first_choice] = new_mu[first_choice] / 10
    later_choice = chosen_damped & (choice > 0)
    new_mu[later_choice] = new_mu[later_choice] * multipliers[choice[later_choice]]
    new_mu[~accepted] = new_mu[~accepted] * _MU_MULTIPLIERS[-1] * 10
    return new_mu.clamp(_MU_FLOOR, _MU_CEILING)
