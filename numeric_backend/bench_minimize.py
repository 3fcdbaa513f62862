"""Throughput of ``multistart_minimize`` on regularized matrix factorization.

Run ``python -m numeric_backend.bench_minimize``; prints instances/second for d = 3 and d = 8
(loss ||U V^T - Z||_F^2 + a ||U||^2 + b ||V||^2 with Z [d, d], U, V [d, d]) and the worst relative error
against the closed-form global minimum.
"""

from __future__ import annotations

import time

N_INSTANCES = 100
N_STARTS = 4
REGULARIZATION = (0.3, 0.7)


def closed_form_minimum(Z, a: float, b: float, latent: int):  # noqa: ANN001, ANN201
    """Global minimum per instance: top-`latent` modes shrink, the rest cost z^2."""
    import torch

    singular = torch.linalg.svdvals(Z)
    threshold = (a * b) ** 0.5
    per_mode = torch.where(singular > threshold, singular**2 - (singular - threshold) ** 2, singular**2)
    return per_mode[:, :latent].sum(dim=1) + (singular[:, latent:] ** 2).sum(dim=1)


def run(d: int, *, n_instances: int = N_INSTANCES, n_starts: int = N_STARTS, seed: int = 0) -> tuple[float, float]:
    """(instances per second, worst relative error of the best loss) for d x d factorization."""
    import torch

    from numeric_backend import multistart_minimize

    a, b = REGULARIZATION
    generator = torch.Generator().manual_seed(seed)
    Z = torch.randn(n_instances, d, d, generator=generator, dtype=torch.float64)

    def loss(params, instance_index):  # noqa: ANN001, ANN202
        U = params[:, : d * d].reshape(-1, d, d)
        V = params[:, d * d :].reshape(-1, d, d)
        residual = U @ V.transpose(1, 2) - Z[instance_index]
        return (residual**2).sum((1, 2)) + a * (U**2).sum((1, 2)) + b * (V**2).sum((1, 2))

    start = time.perf_counter()
    result = multistart_minimize(loss, n_instances, n_starts, 2 * d * d, seed=seed)
    elapsed = time.perf_counter() - start
    expected = closed_form_minimum(Z, a, b, d)
    error = ((result.best_loss - expected).abs() / (1 + expected.abs())).max().item()
    return n_instances / elapsed, error


def main() -> None:
    run(3, n_instances=4, n_starts=2)  # warm up torch.func
    for d in (3, 8):
        rate, error = run(d)
        print(f"d={d}: {rate:8.1f} instances/s ({N_INSTANCES} instances x {N_STARTS} starts, "
              f"P={2 * d * d}), worst relative error vs closed form {error:.1e}")


if __name__ == "__main__":
    main()
