"""Tests for numeric_backend._minimize against objectives with known global minima, saddles and symmetries."""

import math

import pytest
import torch

from numeric_backend import (
    MinimizeResult,
    SymbolicVAEError,
    minimize_batched,
    multistart_minimize,
)
from numeric_backend._minimize import _hessians_functorch, _RowLoss

A_REG, B_REG = 0.3, 0.7  # a ||U||^2 + b ||V||^2; threshold sqrt(a b) ~ 0.458


def factorization_problem(n_instances, rows, cols, latent, seed):
    """Loss ||U V^T - Z||_F^2 + a ||U||^2 + b ||V||^2 per instance, and its closed-form global minimum."""
    generator = torch.Generator().manual_seed(seed)
    Z = torch.randn(n_instances, rows, cols, generator=generator, dtype=torch.float64)

    def loss(params, instance_index):
        U = params[:, : rows * latent].reshape(-1, rows, latent)
        V = params[:, rows * latent :].reshape(-1, cols, latent)
        residual = U @ V.transpose(1, 2) - Z[instance_index]
        return (residual**2).sum((1, 2)) + A_REG * (U**2).sum((1, 2)) + B_REG * (V**2).sum((1, 2))

    singular = torch.linalg.svdvals(Z)
    threshold = math.sqrt(A_REG * B_REG)
    # per mode: min_{u,v} (uv - z)^2 + a u^2 + b v^2; only `latent` modes can be fitted, the rest cost z^2
    per_mode = torch.where(singular > threshold, singular**2 - (singular - threshold) ** 2, singular**2)
    closed_form = per_mode[:, :latent].sum(dim=1) + (singular[:, latent:] ** 2).sum(dim=1)
    return loss, closed_form, (rows + cols) * latent


@pytest.mark.parametrize(
    ("rows", "cols", "latent", "n_instances", "n_starts"),
    [(3, 3, 3, 60, 4), (8, 8, 8, 50, 3), (6, 4, 4, 50, 3), (5, 4, 2, 50, 3)],
)
def test_matrix_factorization_reaches_closed_form_global_minimum(rows, cols, latent, n_instances, n_starts):
    loss, closed_form, param_dim = factorization_problem(n_instances, rows, cols, latent, seed=rows * cols)
    result = multistart_minimize(loss, n_instances, n_starts, param_dim, seed=11)
    relative_error = (result.best_loss - closed_form).abs() / closed_form.abs()
    assert relative_error.max().item() <= 1e-8
    assert bool(result.best_converged.all())
    # no spurious local minima in this problem: every converged start ends at the global value
    assert bool((result.n_starts_at_best == result.n_starts_converged).all())
    assert result.n_starts_converged.float().mean().item() >= n_starts - 0.5
    assert bool((result.spread <= 1e-8 * (1 + result.best_loss.abs())).all())
    assert result.best_params.shape == (n_instances, param_dim) and result.seed == 11
    assert "gradient norm" in result.criterion


def test_degenerate_minima_are_accepted_as_converged():
    loss, closed_form, param_dim = factorization_problem(20, 3, 3, 3, seed=1)
    instance_index = torch.arange(20).repeat_interleave(2)
    init = torch.randn(40, param_dim, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    result = minimize_batched(lambda params: loss(params, instance_index), init)
    assert torch.allclose(result.loss, closed_form[instance_index], rtol=1e-10)
    # the O(3) symmetry U -> U R, V -> V R leaves flat directions: zero Hessian eigenvalues at the minimum
    assert bool((result.min_hessian_eigenvalue.abs() < 1e-8).all())
    assert bool(result.converged.all())


def test_escapes_exact_saddle_at_origin():
    # 1x1 factorization (u v - 2)^2 + u^2/2 + v^2/2: gradient exactly 0 at the origin, a strict saddle
    def loss(params):
        u, v = params[:, 0], params[:, 1]
        return (u * v - 2) ** 2 + 0.5 * u**2 + 0.5 * v**2

    init = torch.zeros(3, 2, dtype=torch.float64)
    stuck = minimize_batched(loss, init, newton_steps=0)
    assert torch.equal(stuck.params, init) and torch.allclose(stuck.loss, torch.full((3,), 4.0, dtype=torch.float64))
    assert not bool(stuck.converged.any()) and bool((stuck.min_hessian_eigenvalue < -1).all())

    result = minimize_batched(loss, init, seed=5)
    expected = 4.0 - (2.0 - 0.5) ** 2  # z^2 - (z - sqrt(ab))^2
    assert torch.allclose(result.loss, torch.full((3,), expected, dtype=torch.float64), rtol=1e-12)
    assert bool(result.converged.all()) and bool((result.min_hessian_eigenvalue > 0).all())


def test_escapes_saddle_of_double_well():
    # x^2 - y^2 + y^4 / 4: saddle at 0, minima at y = +-sqrt(2) with value -1
    def loss(params):
        return params[:, 0] ** 2 - params[:, 1] ** 2 + params[:, 1] ** 4 / 4

    init = torch.tensor([[0.0, 0.0], [0.5, 0.0], [0.0, 1e-12]], dtype=torch.float64)
    result = minimize_batched(loss, init, max_adam_steps=0)
    assert torch.allclose(result.loss, torch.full((3,), -1.0, dtype=torch.float64), atol=1e-14)
    assert torch.allclose(result.params[:, 1].abs(), torch.full((3,), math.sqrt(2), dtype=torch.float64))
    assert result.params[2, 1] > 0  # a tiny positive slope picks the positive well
    assert bool(result.converged.all())


def test_never_goes_uphill_and_reports_consistently():
    def rosenbrock(params):
        x, y = params[:, 0::2], params[:, 1::2]
        return (100 * (y - x**2) ** 2 + (1 - x) ** 2).sum(dim=1)

    init = 2 * torch.randn(40, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(3))
    start_loss = rosenbrock(init)
    result = minimize_batched(rosenbrock, init, max_adam_steps=300)
    assert isinstance(result, MinimizeResult)
    assert bool((result.loss <= start_loss).all())
    assert bool(result.converged.all()), result.grad_norm
    assert torch.allclose(result.params, torch.ones_like(init), atol=1e-7)
    assert torch.allclose(result.loss, rosenbrock(result.params))
    assert result.params.shape == (40, 4) and result.loss.shape == (40,) and result.converged.dtype == torch.bool


def test_unconverged_rows_are_reported_not_hidden():
    def quartic(params):
        return (params**4).sum(dim=1)  # degenerate minimum at 0: Newton converges only linearly

    result = minimize_batched(quartic, torch.ones(2, 3, dtype=torch.float64), max_adam_steps=0, newton_steps=2)
    assert not bool(result.converged.any())
    assert bool((result.grad_norm > 1e-9).all())
    assert result.newton_steps == 2 and result.adam_steps == 0


def test_adam_recovers_from_non_finite_losses():
    def loss(params):  # x - log x: minimum 1 at x = 1, NaN for x < 0
        return (params - torch.log(params)).sum(dim=1)

    init = torch.tensor([[1.2], [3.0]], dtype=torch.float64)
    with pytest.raises(SymbolicVAEError, match="^loss_fn:"):  # Adam's first step is -lr: 1.2 - 2 < 0
        minimize_batched(loss, init - 2.0)
    result = minimize_batched(loss, init, lr=2.0, max_adam_steps=300)
    assert torch.allclose(result.params, torch.ones(2, 1, dtype=torch.float64), atol=1e-8)
    assert bool(result.converged.all())


class _SquareFunction(torch.autograd.Function):
    """An old-style autograd.Function: torch.func cannot transform it, plain autograd can."""

    @staticmethod
    def forward(ctx, value):
        ctx.save_for_backward(value)
        return value * value

    @staticmethod
    def backward(ctx, grad_output):
        (value,) = ctx.saved_tensors
        return 2 * value * grad_output


def test_hessian_falls_back_to_autograd_for_untransformable_losses():
    def loss(params):
        return (_SquareFunction.apply(params - 1.5) * torch.tensor([1.0, 3.0], dtype=torch.float64)).sum(dim=1)

    init = torch.zeros(4, 2, dtype=torch.float64)
    with pytest.raises(RuntimeError):
        _hessians_functorch(_RowLoss.full_batch(loss, init), init, torch.arange(4))
    result = minimize_batched(loss, init, max_adam_steps=0)
    assert torch.allclose(result.params, torch.full((4, 2), 1.5, dtype=torch.float64))
    assert torch.allclose(result.min_hessian_eigenvalue, torch.full((4,), 2.0, dtype=torch.float64))


def test_restores_thread_setting():
    before = torch.get_num_threads()
    minimize_batched(lambda p: (p**2).sum(dim=1), torch.ones(2, 2, dtype=torch.float64), num_threads=1)
    assert torch.get_num_threads() == before


def _square(params):
    return (params**2).sum(dim=1)


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: minimize_batched(_square, torch.tensor([[1.0, float("nan")]])), "init"),
        (lambda: minimize_batched(_square, torch.ones(3)), "init"),
        (lambda: minimize_batched(_square, torch.ones(0, 2)), "init"),
        (lambda: minimize_batched(_square, [[1.0]]), "init"),
        (lambda: minimize_batched(lambda p: p, torch.ones(3, 2, dtype=torch.float64)), "loss_fn"),
        (lambda: minimize_batched(lambda p: p.sum(1).float(), torch.ones(3, 2, dtype=torch.float64)), "loss_fn"),
        (lambda: minimize_batched(lambda p: torch.log(p - 2).sum(1), torch.ones(3, 2)), "loss_fn"),
        (lambda: minimize_batched("loss", torch.ones(3, 2)), "loss_fn"),
        (lambda: minimize_batched(_square, torch.ones(3, 2), gtol=0), "gtol"),
        (lambda: minimize_batched(_square, torch.ones(3, 2), lr=-1), "lr"),
        (lambda: minimize_batched(_square, torch.ones(3, 2), newton_steps=-1), "newton_steps"),
        (lambda: minimize_batched(_square, torch.ones(3, 2), max_adam_steps=1.5), "max_adam_steps"),
        (lambda: multistart_minimize(lambda p, i: _square(p), 0, 2, 2, seed=0), "n_instances"),
        (lambda: multistart_minimize(lambda p, i: _square(p), 2, 0, 2, seed=0), "n_starts"),
        (lambda: multistart_minimize(lambda p, i: _square(p), 2, 2, 0, seed=0), "param_dim"),
        (lambda: multistart_minimize(lambda p, i: _square(p), 2, 2, 2, seed=-1), "seed"),
        (lambda: multistart_minimize(lambda p, i: _square(p), 2, 2, 2, seed=0, init_scale=0), "init_scale"),
        (lambda: multistart_minimize(lambda p, i: _square(p), 2, 2, 2, seed=0, tol=1), "minimize_options"),
        (lambda: multistart_minimize(lambda p, i: p, 2, 2, 2, seed=0), "loss_fn_for_instances"),
        (lambda: multistart_minimize(None, 2, 2, 2, seed=0), "loss_fn_for_instances"),
    ],
)
def test_bad_input_raises(call, argument):
    with pytest.raises(SymbolicVAEError, match=f"^{argument}:"):
        call()


def test_multistart_layout_and_reproducibility():
    seen = []

    def loss(params, instance_index):
        seen.append(instance_index.clone())
        targets = instance_index.to(torch.float64)[:, None]
        return ((params - targets) ** 2).sum(dim=1)

    first = multistart_minimize(loss, 3, 2, 2, seed=4, max_adam_steps=0)
    assert torch.equal(seen[0], torch.tensor([0, 0, 1, 1, 2, 2]))
    assert torch.allclose(first.best_params, torch.tensor([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]], dtype=torch.float64))
    assert first.loss.shape == (3, 2) and bool((first.n_starts_at_best == 2).all())
    second = multistart_minimize(loss, 3, 2, 2, seed=4, max_adam_steps=0)
    assert torch.equal(first.best_params, second.best_params)
