"""Throughput of ``multistart_minimize`` on regularized matrix factorization, against a scipy loop.

Run ``python benchmarks/minimize.py`` (``--instances 3:20000,8:2000``, ``--scipy-instances 40``,
``--starts 4``). The loss is ||U V^T - Z||_F^2 + a ||U||^2 + b ||V||^2 with Z [d, d] and U, V [d, d]
(d0 = d1 = d2 = d, P = 2 d^2 parameters). For d = 3 and d = 8 it prints instances per second of

* the batched torch minimizer (``multistart_minimize``: batched L-BFGS, one Hessian per start for the Cholesky
  second-order test, saddle-free Newton for the starts that fail it; all starts of all instances in one batch),
  twice: with the loss alone (autograd gradients and Hessians, as for any loss), and with the loss's analytic
  ``Derivatives`` (gradient, Hessian, and U eliminated: the loss is quadratic in U, so L-BFGS runs on V with
  U = Z V (V^T V + a I)^-1; the second-order test still sees all P parameters), and
* a scipy loop over single instances: ``scipy.optimize.minimize(method="L-BFGS-B")`` with the analytic numpy
  gradient, started from exactly the same points (the same seeded torch draw) with the same gradient tolerance,

at equal accuracy: the best loss over the starts of every instance is compared with the closed-form global minimum,
and both the worst relative error and the fraction of starts meeting the torch minimizer's first-order criterion
(||grad||_2 <= gtol (1 + |loss|)) are printed (for the torch minimizer at the best start of every instance, for the
scipy loop at every start). Target: torch >= 100x the scipy loop's instances per second. The rate is instances per
second of wall time, so the torch rate grows with the batch until per-operation overhead is amortized; the scipy
loop's rate does not depend on the number of instances. Each method runs ``--repeat`` times (default 3) and the
fastest run is reported; its CPU seconds are printed too: on a machine shared with other work, wall time also
counts the time the process waited for a core.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
from _common import load_average

N_INSTANCES = 100
N_STARTS = 4
REGULARIZATION = (0.3, 0.7)
GTOL = 1e-9
"""Gradient tolerance of both methods (the torch minimizer's default)."""
TARGET_SPEEDUP = 100.0


def closed_form_minimum(Z, a: float, b: float, latent: int):  # noqa: ANN001, ANN201
    """Global minimum per instance: top-`latent` modes shrink, the rest cost z^2."""
    import torch

    singular = torch.linalg.svdvals(Z)
    threshold = (a * b) ** 0.5
    per_mode = torch.where(singular > threshold, singular**2 - (singular - threshold) ** 2, singular**2)
    return per_mode[:, :latent].sum(dim=1) + (singular[:, latent:] ** 2).sum(dim=1)


def problem(d: int, n_instances: int, seed: int):  # noqa: ANN201
    """Z [n, d, d] (seeded) and its closed-form minima [n]."""
    import torch

    a, b = REGULARIZATION
    generator = torch.Generator().manual_seed(seed)
    Z = torch.randn(n_instances, d, d, generator=generator, dtype=torch.float64)
    return Z, closed_form_minimum(Z, a, b, d)


def starts(n_instances: int, n_starts: int, param_dim: int, seed: int) -> np.ndarray:
    """The starting points multistart_minimize draws for this seed: row i * n_starts + k is start k of instance i
    (the same generator, shape and order as in ``_minimize.multistart_minimize`` with init_scale 1)."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    return torch.randn(n_instances * n_starts, param_dim, generator=generator, dtype=torch.float64).numpy()


def loss_and_grad(x: np.ndarray, Z: np.ndarray) -> tuple[float, np.ndarray]:
    """Loss and analytic gradient of one instance: x = [vec U, vec V], Z [d, d]."""
    a, b = REGULARIZATION
    d = Z.shape[0]
    U, V = x[: d * d].reshape(d, d), x[d * d:].reshape(d, d)
    R = U @ V.T - Z
    value = float((R * R).sum() + a * (U * U).sum() + b * (V * V).sum())
    grad = np.concatenate([(2 * R @ V + 2 * a * U).ravel(), (2 * R.T @ U + 2 * b * V).ravel()])
    return value, grad


def torch_loss(Z, d: int):  # noqa: ANN001, ANN201
    """The batched loss: params [b, 2 d^2] = [vec U, vec V] (row-major), instance_index [b] -> [b]."""
    a, b = REGULARIZATION

    def loss(params, instance_index):  # noqa: ANN001, ANN202
        U = params[:, : d * d].reshape(-1, d, d)
        V = params[:, d * d:].reshape(-1, d, d)
        residual = U @ V.transpose(1, 2) - Z[instance_index]
        return (residual**2).sum((1, 2)) + a * (U**2).sum((1, 2)) + b * (V**2).sum((1, 2))

    return loss


def torch_derivatives(Z, d: int):  # noqa: ANN001, ANN201
    """Analytic ``Derivatives`` of ``torch_loss``: gradient 2 (R V + a U), 2 (R^T U + b V) with R = U V^T - Z;
    Hessian blocks I (x) 2 (V^T V + a I), I (x) 2 (U^T U + b I) and d2L / dU_ik dV_jl = 2 U_il V_jk + 2 R_ij
    delta_kl; U eliminated as Z V (V^T V + a I)^-1 (the loss is a strictly convex quadratic in U)."""
    import torch

    from numeric_backend import Derivatives

    a, b = REGULARIZATION
    size = d * d
    eye = torch.eye(d, dtype=torch.float64)

    def split(params):  # noqa: ANN001, ANN202
        return params[:, :size].reshape(-1, d, d), params[:, size:].reshape(-1, d, d)

    def loss_and_grad(params, instance_index):  # noqa: ANN001, ANN202
        U, V = split(params)
        R = U @ V.transpose(1, 2) - Z[instance_index]
        value = (R * R).sum((1, 2)) + a * (U * U).sum((1, 2)) + b * (V * V).sum((1, 2))
        grad = torch.empty_like(params)
        torch.mul(torch.baddbmm(U, R, V, beta=a), 2.0, out=grad[:, :size].view(-1, d, d))
        torch.mul(torch.baddbmm(V, R.transpose(1, 2), U, beta=b), 2.0, out=grad[:, size:].view(-1, d, d))
        return value, grad

    def hessian(params, instance_index):  # noqa: ANN001, ANN202
        U, V = split(params)
        rows = U.shape[0]
        R = U @ V.transpose(1, 2) - Z[instance_index]
        H = torch.zeros(rows, 2, d, d, 2, d, d, dtype=torch.float64)  # [b, block, i, k, block, j, l]
        for block, (X, weight) in enumerate(((V, a), (U, b))):  # I (x) 2 (X^T X + weight I): its (i, i) diagonal
            gram = torch.baddbmm(eye, X.transpose(1, 2), X, beta=weight).mul_(2)
            torch.diagonal(H[:, block, :, :, block], dim1=1, dim2=3).copy_(gram[..., None])
        cross = H[:, 0, :, :, 1]  # [b, i, k, j, l] = 2 U_il V_jk + 2 R_ij delta_kl
        torch.mul(U[:, :, None, None, :], 2 * V.transpose(1, 2)[:, None, :, :, None], out=cross)
        torch.diagonal(cross, dim1=2, dim2=4).add_(2 * R[..., None])
        H[:, 1, :, :, 0] = cross.permute(0, 3, 4, 1, 2)
        return H.reshape(rows, 2 * size, 2 * size)

    def eliminate(params, instance_index):  # noqa: ANN001, ANN202
        V = params[:, size:].reshape(-1, d, d)
        gram = torch.baddbmm(eye, V.transpose(1, 2), V, alpha=1.0, beta=a)  # V^T V + a I
        U_transposed, _ = torch.linalg.solve_ex(gram, (Z[instance_index] @ V).transpose(1, 2))  # (Z V)^T = V^T Z^T
        return torch.cat([U_transposed.transpose(1, 2).reshape(-1, size), params[:, size:]], dim=1)

    return Derivatives(loss_and_grad, hessian, eliminate, free=list(range(size, 2 * size)))


def first_order_ok(value: float, grad: np.ndarray) -> bool:
    return bool(np.linalg.norm(grad) <= GTOL * (1 + abs(value)))


@dataclass(frozen=True)
class Outcome:
    """One method on one size: rate, and accuracy on every instance it ran."""

    method: str
    n_instances: int
    seconds: float
    cpu_seconds: float
    best_loss: np.ndarray
    first_order: float  # fraction of starts meeting the first-order criterion

    @property
    def rate(self) -> float:
        return self.n_instances / self.seconds

    @property
    def cpu_rate(self) -> float:
        return self.n_instances / self.cpu_seconds


def run_torch(d: int, n_instances: int, n_starts: int, seed: int, *, analytic: bool, **options: Any) -> Outcome:
    """multistart_minimize on the first ``n_instances`` instances, with the analytic ``Derivatives`` or not."""
    from numeric_backend import multistart_minimize

    Z, _ = problem(d, n_instances, seed)
    derivatives = torch_derivatives(Z, d) if analytic else None
    start, cpu_start = time.perf_counter(), time.process_time()
    result = multistart_minimize(torch_loss(Z, d), n_instances, n_starts, 2 * d * d, seed=seed, gtol=GTOL,
                                 derivatives=derivatives, **options)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    params = result.best_params.numpy()
    ok = [first_order_ok(*loss_and_grad(params[i], Z[i].numpy())) for i in range(n_instances)]
    method = "torch, analytic derivatives" if analytic else "torch, autograd"
    return Outcome(method, n_instances, seconds, cpu_seconds, result.best_loss.numpy(), float(np.mean(ok)))


@contextlib.contextmanager
def _single_threaded_blas() -> Iterator[None]:
    """One BLAS thread for the tiny products of the scipy loop: on a busy machine OpenBLAS's threads turn a 3 x 3
    product from ~10 us into ~10 ms (measured here), which would flatter the torch minimizer."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def run_scipy(d: int, n_instances: int, n_starts: int, seed: int, n_drawn: int) -> Outcome:
    """L-BFGS-B per start on the first ``n_instances`` of the ``n_drawn`` instances the torch minimizer ran, from its
    starting points (torch's normal draws depend on the tensor size, so both are drawn at the full size)."""
    from scipy.optimize import minimize

    Z, _ = problem(d, n_drawn, seed)
    Z = Z.numpy()[:n_instances]
    init = starts(n_drawn, n_starts, 2 * d * d, seed)
    options = {"gtol": GTOL, "ftol": 0.0, "maxiter": 20_000, "maxcor": 20}
    best = np.empty(n_instances)
    ok = []
    with _single_threaded_blas():
        start, cpu_start = time.perf_counter(), time.process_time()
        for i in range(n_instances):
            losses = []
            for k in range(n_starts):
                found = minimize(loss_and_grad, init[i * n_starts + k], args=(Z[i],), jac=True, method="L-BFGS-B",
                                 options=options)
                losses.append(found.fun)
                ok.append(found.x)
            best[i] = min(losses)
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    fraction = float(np.mean([first_order_ok(*loss_and_grad(x, Z[j // n_starts])) for j, x in enumerate(ok)]))
    return Outcome("scipy L-BFGS-B loop", n_instances, seconds, cpu_seconds, best, fraction)


def fastest(run: Callable[[], Outcome], repeat: int) -> Outcome:
    """The run with the shortest wall time of ``repeat`` runs (each gives the same minima: the methods are
    deterministic), so that a moment of load on a shared machine does not decide a rate."""
    return min((run() for _ in range(max(1, repeat))), key=lambda outcome: outcome.seconds)


def relative_error(best: np.ndarray, expected: np.ndarray) -> float:
    return float(np.max(np.abs(best - expected) / (1 + np.abs(expected))))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python benchmarks/minimize.py",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--instances", default="3:20000,8:2000",
                        help="d:instances for the torch minimizer (default 3:20000,8:2000)")
    parser.add_argument("--scipy-instances", type=int, default=40, help="instances for the scipy loop")
    parser.add_argument("--starts", type=int, default=N_STARTS)
    parser.add_argument("--adam-steps", type=int, default=0, help="Adam warm-up steps of the torch minimizer")
    parser.add_argument("--lr", type=float, default=0.1, help="Adam step size of the torch minimizer")
    parser.add_argument("--lbfgs-steps", type=int, default=1000, help="lbfgs_steps of the torch minimizer")
    parser.add_argument("--newton-steps", type=int, default=60, help="newton_steps of the torch minimizer")
    parser.add_argument("--threads", type=int, default=1, help="torch threads while minimizing")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each method and size; the fastest is reported (default 3)")
    options = parser.parse_args(argv)
    sizes = [tuple(int(v) for v in item.split(":")) for item in options.instances.split(",")]
    torch_options = {"max_adam_steps": options.adam_steps, "lr": options.lr, "lbfgs_steps": options.lbfgs_steps,
                     "newton_steps": options.newton_steps, "num_threads": options.threads}

    load_start = load_average()
    print(f"benchmarks/minimize.py: ||U V^T - Z||^2 + {REGULARIZATION[0]} ||U||^2 + {REGULARIZATION[1]} ||V||^2, "
          f"{options.starts} starts per instance, gtol {GTOL:g}; torch options {torch_options}; load average "
          f"{load_start} ({os.cpu_count()} cores)")
    for analytic in (False, True):  # warm up torch.func and the analytic path
        run_torch(3, 4, 2, options.seed, analytic=analytic, **torch_options)
    rows = []
    for d, n_torch in sizes:
        n_common = min(n_torch, options.scipy_instances)
        _, expected = problem(d, n_torch, options.seed)
        expected = expected.numpy()
        generic = fastest(partial(run_torch, d, n_torch, options.starts, options.seed, analytic=False,
                                  **torch_options), options.repeat)
        fast = fastest(partial(run_torch, d, n_torch, options.starts, options.seed, analytic=True, **torch_options),
                       options.repeat)
        slow = fastest(partial(run_scipy, d, n_common, options.starts, options.seed, n_torch), options.repeat)
        rows.append((d, (generic, fast), slow, expected))

    print(f"\n{'d':>2s} {'P':>4s} {'method':28s} {'instances':>9s} {'seconds':>8s} {'cpu s':>7s} {'inst/s':>9s} "
          f"{'worst rel err':>13s} {'on common':>10s} {'1st-order ok':>12s}")
    checks = []
    for d, torch_outcomes, slow, expected in rows:
        common = slow.n_instances
        for outcome in (*torch_outcomes, slow):
            print(f"{d:2d} {2 * d * d:4d} {outcome.method:28s} {outcome.n_instances:9d} {outcome.seconds:8.2f} "
                  f"{outcome.cpu_seconds:7.2f} {outcome.rate:9.1f} "
                  f"{relative_error(outcome.best_loss, expected[:outcome.n_instances]):13.1e} "
                  f"{relative_error(outcome.best_loss[:common], expected[:common]):10.1e} {outcome.first_order:12.2f}")
        for fast in torch_outcomes:
            speedup = fast.rate / slow.rate
            errors = [relative_error(o.best_loss[:common], expected[:common]) for o in (fast, slow)]
            equal = max(errors) < 1e-10
            checks.append((speedup >= TARGET_SPEEDUP and equal,
                           f"d={d}: {fast.method} / scipy = {speedup:.1f}x instances per second (target >= "
                           f"{TARGET_SPEEDUP:.0f}x; {fast.cpu_rate / slow.cpu_rate:.1f}x per CPU second) at "
                           f"{'equal' if equal else 'UNEQUAL'} accuracy: best loss vs closed form within "
                           f"{errors[0]:.1e} (torch) and {errors[1]:.1e} (scipy) on the {common} common instances"))
    print("\ntargets:")
    for ok, text in checks:
        print(f"  [{'met    ' if ok else 'NOT MET'}] {text}")
    print(f"\nload average {load_start} at start, {load_average()} at end ({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
