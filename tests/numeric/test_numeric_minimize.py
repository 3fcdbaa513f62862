"""Tests for numeric_backend._minimize against objectives with known global minima, saddles and symmetries."""

import dataclasses
import math

import numpy as np
import pytest
import torch

from numeric_backend import (
    MinimizeResult,
    NumericBackendError,
    minimize_batched,
    multistart_minimize,
)
from numeric_backend._lbfgs import LBFGS_MEMORY, _lbfgs
from numeric_backend._minimize import _run
from numeric_backend._multistart import START_FAILURES
from numeric_backend._newton import _certify_minima, _cholesky_succeeds, certified_shift
from numeric_backend._row_loss import (
    NEGATIVE_CURVATURE_TOLERANCE,
    _hessians_batched_backward,
    _loss_and_grad,
    _RowLoss,
    _trial_loss_and_grad,
)

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

    result = minimize_batched(quartic, torch.ones(2, 3, dtype=torch.float64), lbfgs_steps=2, newton_steps=2)
    assert not bool(result.converged.any())
    assert bool((result.grad_norm > 1e-9).all())
    assert result.newton_steps == 2 and result.adam_steps == 0 and result.quasi_newton_steps == 2
    # with enough iterations L-BFGS meets the gradient criterion where the Hessian 12 x^2 I is still positive
    finished = minimize_batched(quartic, torch.ones(2, 3, dtype=torch.float64), newton_steps=0)
    assert bool(finished.converged.all()) and bool((finished.grad_norm <= 1e-9).all())
    assert bool((finished.min_hessian_eigenvalue > 0).all())


def test_adam_recovers_from_non_finite_losses():
    def loss(params):  # x - log x: minimum 1 at x = 1, NaN for x < 0
        return (params - torch.log(params)).sum(dim=1)

    init = torch.tensor([[1.2], [3.0]], dtype=torch.float64)
    with pytest.raises(NumericBackendError, match="^loss_fn:"):  # Adam's first step is -lr: 1.2 - 2 < 0
        minimize_batched(loss, init - 2.0)
    result = minimize_batched(loss, init, lr=2.0, max_adam_steps=300)
    assert torch.allclose(result.params, torch.ones(2, 1, dtype=torch.float64), atol=1e-8)
    assert bool(result.converged.all())


class _TwiceProduct(torch.autograd.Function):
    """2 value g, whose backward reads a number off its input (.item()): fine in plain autograd, impossible when
    the backward is batched (vmapped) over tangents."""

    @staticmethod
    def forward(ctx, value, grad_output):
        ctx.save_for_backward(value, grad_output)
        return 2 * value * grad_output

    @staticmethod
    def backward(ctx, upstream):
        value, grad_output = ctx.saved_tensors
        if upstream.abs().sum().item() == 0.0:
            return torch.zeros_like(value), torch.zeros_like(grad_output)
        return 2 * grad_output * upstream, 2 * value * upstream


class _SquareFunction(torch.autograd.Function):
    """value^2 with a hand-written backward (``_TwiceProduct``): its double backward cannot be batched."""

    @staticmethod
    def forward(ctx, value):
        ctx.save_for_backward(value)
        return value * value

    @staticmethod
    def backward(ctx, grad_output):
        (value,) = ctx.saved_tensors
        return _TwiceProduct.apply(value, grad_output)


def test_hessian_falls_back_to_autograd_for_untransformable_losses():
    def loss(params):
        return (_SquareFunction.apply(params - 1.5) * torch.tensor([1.0, 3.0], dtype=torch.float64)).sum(dim=1)

    init = torch.zeros(4, 2, dtype=torch.float64)
    with pytest.raises(RuntimeError):
        _hessians_batched_backward(_RowLoss.full_batch(loss, init), init, torch.arange(4))
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
        (lambda: minimize_batched(_square, torch.ones(3, 2), lbfgs_steps=-1), "lbfgs_steps"),
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
    with pytest.raises(NumericBackendError, match=f"^{argument}:"):
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


def _double_well(params, instance_index=None):
    """x^2 - y^2 + y^4 / 4: a strict saddle at 0 (gradient exactly 0), minima -1 at y = +-sqrt(2)."""
    return params[:, 0] ** 2 - params[:, 1] ** 2 + params[:, 1] ** 4 / 4


def test_lbfgs_saddle_is_escaped_on_the_verdict_only_path():
    # multistart_minimize's path: L-BFGS stops at the saddle (gradient 0), the Cholesky test rejects it, Newton escapes
    init = torch.tensor([[0.0, 0.0], [0.7, 0.0], [0.3, 0.2]], dtype=torch.float64)
    row_loss = _RowLoss.per_instance(_double_well, torch.arange(3))
    stuck = _run(row_loss, init, exact_eigenvalues=False, newton_steps=0)
    assert torch.allclose(stuck.params[:2], torch.zeros(2, 2, dtype=torch.float64), atol=1e-9)
    assert not bool(stuck.converged[:2].any()) and bool(stuck.converged[2])
    assert torch.allclose(stuck.min_hessian_eigenvalue[:2], torch.full((2,), -2.0, dtype=torch.float64), atol=1e-6)
    result = _run(row_loss, init, exact_eigenvalues=False)
    assert bool(result.converged.all()) and result.newton_steps > 0
    assert torch.allclose(result.loss, torch.full((3,), -1.0, dtype=torch.float64), atol=1e-14)
    assert bool((result.grad_norm <= 1e-9 * (1 + result.loss.abs())).all())


@pytest.mark.parametrize("refuses_nan", [False, True])
def test_lbfgs_backtracks_out_of_non_finite_region(refuses_nan):
    def loss(params):  # NaN for x < 0; the first L-BFGS trial (unit length from x = 0.5) lands at x = -0.5
        x = params[:, 0]
        value = 100 * (x - 0.1) ** 2 - 1e-3 * torch.log(x) + (params[:, 1] - 2) ** 2
        if refuses_nan and bool(value.isnan().any()):  # like compiled expressions without allow_nan
            raise NumericBackendError("tensors: evaluates to NaN")
        return value

    init = torch.tensor([[0.5, 0.0], [0.2, 1.0]], dtype=torch.float64)
    result = minimize_batched(loss, init, newton_steps=0)
    assert bool(result.converged.all()) and result.newton_steps == 0
    expected_x = (0.1 + math.sqrt(0.01 + 2e-5)) / 2  # root of 200 x (x - 0.1) = 1e-3
    assert torch.allclose(result.params[:, 0], torch.full((2,), expected_x, dtype=torch.float64), atol=1e-10)
    assert bool(torch.isfinite(result.loss).all())


def test_lbfgs_rows_do_not_depend_on_the_other_rows():
    loss, _, param_dim = factorization_problem(30, 4, 4, 4, seed=7)
    generator = torch.Generator().manual_seed(1)
    easy = 0.01 * torch.randn(10, param_dim, dtype=torch.float64, generator=generator)
    hard = 30.0 * torch.randn(20, param_dim, dtype=torch.float64, generator=generator)  # finish much later
    alone = _lbfgs(_RowLoss.per_instance(loss, torch.arange(10)), easy, 1000, 1e-9, LBFGS_MEMORY)
    mixed = _lbfgs(_RowLoss.per_instance(loss, torch.arange(30)), torch.cat([easy, hard]), 1000, 1e-9, LBFGS_MEMORY)
    assert bool(mixed.stationary.all()) and mixed.steps > alone.steps
    assert torch.equal(mixed.params[:10], alone.params) and torch.equal(mixed.loss[:10], alone.loss)


def _symmetric_with_spectrum(eigenvalues, generator):
    dim = eigenvalues.shape[-1]
    basis, _ = torch.linalg.qr(torch.randn(eigenvalues.shape[0], dim, dim, dtype=torch.float64, generator=generator))
    return basis @ torch.diag_embed(eigenvalues) @ basis.transpose(1, 2)


@pytest.mark.parametrize("dim", [7, 70])
def test_blocked_cholesky_test_agrees_with_lapack(dim):
    # 70 columns: two full column blocks and a partial one; smallest eigenvalues on both sides of the threshold
    generator = torch.Generator().manual_seed(5)
    factors = torch.tensor([-3.0, -1.01, -0.99, 0.0, 1.0], dtype=torch.float64).repeat_interleave(8)
    lowest = factors * NEGATIVE_CURVATURE_TOLERANCE * 101.0
    middle = torch.rand(lowest.shape[0], dim - 2, dtype=torch.float64, generator=generator) * 100.0
    spectrum = torch.cat([lowest[:, None], middle, torch.full_like(lowest, 100.0)[:, None]], dim=1)
    hessian = _symmetric_with_spectrum(spectrum, generator)
    hessian = 0.5 * (hessian + hessian.transpose(1, 2))
    original = hessian.clone()
    _, shift = certified_shift(hessian)
    shifted = hessian + shift[:, None, None] * torch.eye(dim, dtype=torch.float64)
    expected = torch.linalg.cholesky_ex(shifted).info == 0
    assert bool(expected.any()) and not bool(expected.all())
    assert torch.equal(_cholesky_succeeds(hessian, shift), expected)
    assert torch.equal(hessian, original)


@pytest.mark.parametrize("largest", [1.0, 1e3])
def test_cholesky_curvature_test_agrees_with_eigvalsh(largest):
    # smallest eigenvalue at factor * 1e-6 (1 + largest): the criterion holds iff factor >= -1
    generator = torch.Generator().manual_seed(3)
    factors = torch.tensor([-3.0, -1.01, -1.0001, -0.9999, -0.99, -0.5, 0.0, 1e-9, 1.0], dtype=torch.float64)
    n_each, dim = 20, 7
    lowest = (factors * NEGATIVE_CURVATURE_TOLERANCE * (1 + largest)).repeat_interleave(n_each)
    middle = torch.rand(lowest.shape[0], dim - 2, dtype=torch.float64, generator=generator) * largest
    spectrum = torch.cat([lowest[:, None], middle, torch.full_like(lowest, largest)[:, None]], dim=1)
    hessian = _symmetric_with_spectrum(spectrum, generator)
    hessian = 0.5 * (hessian + hessian.transpose(1, 2))
    exact = torch.linalg.eigvalsh(hessian)
    expected = exact[:, 0] >= -NEGATIVE_CURVATURE_TOLERANCE * (1 + exact.abs().amax(dim=1))
    assert bool(expected.any()) and not bool(expected.all())

    threshold, shift = certified_shift(hessian)
    shifted = hessian + shift[:, None, None] * torch.eye(dim, dtype=torch.float64)
    certified = torch.linalg.cholesky_ex(shifted).info == 0
    assert not bool((certified & ~expected).any())  # sound: never certifies a row the criterion rejects
    assert bool(certified[lowest >= 0].all())  # and useful: positive semidefinite rows pass the cheap test
    assert bool((threshold <= NEGATIVE_CURVATURE_TOLERANCE * (1 + exact.abs().amax(dim=1))).all())

    def quadratic(params, instance_index):
        return 0.5 * torch.einsum("bi,bij,bj->b", params, hessian[instance_index], params)

    rows = torch.arange(hessian.shape[0])
    zeros = torch.zeros(rows.shape[0], dim, dtype=torch.float64)
    for exact_eigenvalues in (False, True):
        curved_up, reported = _certify_minima(_RowLoss.per_instance(quadratic, rows), zeros, rows,
                                              torch.zeros(rows.shape[0], dtype=torch.float64), exact_eigenvalues)
        assert torch.equal(curved_up, expected)  # the verdict is the criterion's, whichever test decided it
        assert bool((reported <= exact[:, 0] + 1e-12 * largest).all())  # exact, or a certified lower bound
        decided_exactly = torch.ones_like(curved_up) if exact_eigenvalues else ~certified
        assert torch.allclose(reported[decided_exactly], exact[decided_exactly, 0], rtol=0, atol=1e-12 * largest)


def test_multistart_reaches_closed_form_with_adam_warm_up_and_without_quasi_newton():
    loss, closed_form, param_dim = factorization_problem(10, 3, 3, 3, seed=5)
    for options in ({"max_adam_steps": 100}, {"lbfgs_steps": 0, "max_adam_steps": 300, "newton_steps": 100}):
        result = multistart_minimize(loss, 10, 2, param_dim, seed=2, **options)
        assert torch.allclose(result.best_loss, closed_form, rtol=1e-10) and bool(result.best_converged.all())


# --- totality: trial points that raise, starts that are not finite, instances on which every start fails ---


def _barrier_solution(curvature):
    """The minimizer and minimum of curvature (x - 0.1)^2 + 1e-3 / x over x > 0 (root of 2c x^2 (x - 0.1) = 1e-3)."""
    roots = np.roots([2 * curvature, -0.2 * curvature, 0.0, -1e-3])
    x = next(r.real for r in roots if abs(r.imag) < 1e-9 and r.real > 0)
    return x, curvature * (x - 0.1) ** 2 + 1e-3 / x


def _singular_solve_loss(curvature, targets, raised):
    """curvature (x - 0.1)^2 + 1e-3 / x + (y - target)^2 with x = p0 + 0.4, 1 / x from torch.linalg.solve of the
    1 x 1 system clamp(x, 0) z = 1: exactly singular (LinAlgError) for x <= 0, where long steps land."""

    def loss(params, instance_index):
        x = params[:, 0] + 0.4
        system = torch.clamp(x, min=0.0)[:, None, None]
        try:
            inverse = torch.linalg.solve(system, torch.ones_like(system))[:, 0, 0]
        except torch.linalg.LinAlgError:
            raised.append(params.shape[0])
            raise
        return curvature * (x - 0.1) ** 2 + 1e-3 * inverse + (params[:, 1] - targets[instance_index]) ** 2

    return loss


def test_trial_points_that_raise_get_nan_on_exactly_their_rows():
    raised = []
    loss = _singular_solve_loss(10.0, torch.zeros(1, dtype=torch.float64), raised)
    params = torch.tensor([[0.1, 0.0], [-0.5, 1.0], [0.3, 2.0], [-1.0, 0.0], [0.0, -1.0]], dtype=torch.float64)
    rows = torch.arange(5)
    row_loss = _RowLoss.per_instance(loss, torch.zeros(5, dtype=torch.long))
    with pytest.raises(torch.linalg.LinAlgError):
        _loss_and_grad(row_loss, params, rows)
    value, grad = _trial_loss_and_grad(row_loss, params, rows)
    bad = torch.tensor([False, True, False, True, False])
    assert torch.equal(value.isnan(), bad) and torch.equal(grad.isnan().all(dim=1), bad)
    good = (~bad).nonzero().flatten()
    expected_value, expected_grad = _loss_and_grad(row_loss, params[good], rows[good])
    assert torch.equal(value[good], expected_value) and torch.equal(grad[good], expected_grad)


def test_multistart_converges_through_trial_points_that_raise_linalg_errors():
    raised = []
    targets = torch.tensor([2.0, -1.0, 0.5], dtype=torch.float64)
    result = multistart_minimize(_singular_solve_loss(10.0, targets, raised), 3, 4, 2, seed=3, init_scale=0.1)
    assert raised, "the line search never stepped into the singular region: the test exercises nothing"
    x, minimum = _barrier_solution(10.0)
    assert torch.allclose(result.best_loss, torch.full((3,), minimum, dtype=torch.float64), rtol=1e-12, atol=0)
    expected = torch.stack([torch.full((3,), x - 0.4, dtype=torch.float64), targets], dim=1)
    assert torch.allclose(result.best_params, expected, atol=1e-7)
    assert not bool(result.failed.any()) and result.failures == {}
    assert bool(result.converged.all()) and bool((result.n_starts_at_best == 4).all())


def test_minimize_batched_backtracks_out_of_a_region_where_the_loss_raises():
    raised = []
    loss = _singular_solve_loss(100.0, torch.full((1,), 2.0, dtype=torch.float64), raised)
    init = torch.tensor([[0.1, 0.0], [-0.2, 1.0]], dtype=torch.float64)  # x = 0.5 and 0.2, as in the NaN test
    result = minimize_batched(lambda params: loss(params, torch.zeros(2, dtype=torch.long)), init)
    assert raised and bool(result.converged.all())
    x, minimum = _barrier_solution(100.0)
    assert torch.allclose(result.params[:, 0], torch.full((2,), x - 0.4, dtype=torch.float64), atol=1e-10)
    assert torch.allclose(result.loss, torch.full((2,), minimum, dtype=torch.float64), rtol=1e-12, atol=0)


def test_lbfgs_memory_survives_trial_points_that_raise():
    # on this ill-conditioned barrier (curvature 200 vs 2), raising trial points must cost a few rejected trials,
    # not the quasi-Newton memory: compare with the same loss returning +inf (finite gradient) there
    init = torch.tensor([[0.1, 0.0], [0.3, 1.0], [-0.1, 0.0], [0.0, 0.0]], dtype=torch.float64)
    same_instance = torch.zeros(4, dtype=torch.long)
    raising = _RowLoss.per_instance(_singular_solve_loss(100.0, torch.full((1,), 2.0, dtype=torch.float64), []),
                                    same_instance)

    def infinite(params, instance_index):
        x = params[:, 0] + 0.4
        inverse = torch.where(x > 0, 1 / x, math.inf)
        return 100.0 * (x - 0.1) ** 2 + 1e-3 * inverse + (params[:, 1] - 2.0) ** 2

    reference = _lbfgs(_RowLoss.per_instance(infinite, same_instance), init, 60, 1e-9, LBFGS_MEMORY)
    assert bool(reference.stationary.all())
    outcome = _lbfgs(raising, init, 60, 1e-9, LBFGS_MEMORY)
    assert bool(outcome.stationary.all()) and outcome.steps <= 2 * reference.steps


def _multistart_init(n_instances, n_starts, param_dim, seed, init_scale=1.0):
    """The random starts multistart_minimize draws (same generator and layout)."""
    generator = torch.Generator().manual_seed(seed)
    return init_scale * torch.randn(n_instances * n_starts, param_dim, generator=generator, dtype=torch.float64)


class _NanGradientBelow(torch.autograd.Function):
    """0 in the forward pass; its gradient is NaN where the input is below -1.5 (finite loss, NaN gradient)."""

    @staticmethod
    def forward(ctx, value):
        ctx.save_for_backward(value)
        return torch.zeros_like(value)

    @staticmethod
    def backward(ctx, grad_output):
        (value,) = ctx.saved_tensors
        return torch.where(value < -1.5, math.nan, 0.0) * grad_output


def _partly_non_finite_quadratic(offsets):
    """||p - (-0.5, 0.3, 0)||^2 + offset per instance; +inf where p0 > 1, NaN where p1 > 1.5, finite but with a NaN
    gradient where p2 < -1.5."""
    target = torch.tensor([-0.5, 0.3, 0.0], dtype=torch.float64)

    def loss(params, instance_index):
        value = ((params - target) ** 2).sum(dim=1) + offsets[instance_index] + _NanGradientBelow.apply(params[:, 2])
        value = torch.where(params[:, 0] > 1.0, math.inf, value)
        return torch.where(params[:, 1] > 1.5, math.nan, value)

    return loss, target


def test_starts_that_are_not_finite_fail_and_take_no_part_in_the_best():
    n_instances, n_starts, seed = 3, 8, 21
    offsets = torch.tensor([1.0, 2.0, -3.0], dtype=torch.float64)
    loss, target = _partly_non_finite_quadratic(offsets)
    init = _multistart_init(n_instances, n_starts, 3, seed)
    expected_failed = ((init[:, 0] > 1.0) | (init[:, 1] > 1.5) | (init[:, 2] < -1.5)).reshape(n_instances, n_starts)
    # every kind of non-finite start occurs, and no instance loses all its starts
    assert bool((init[:, 0] > 1.0).any()) and bool((init[:, 1] > 1.5).any()) and bool((init[:, 2] < -1.5).any())
    assert bool(expected_failed.any()) and not bool(expected_failed.all(dim=1).any())

    result = multistart_minimize(loss, n_instances, n_starts, 3, seed=seed)
    assert torch.equal(result.failed, expected_failed)
    assert result.failures == {"start": int(expected_failed.sum())}
    assert sum(result.failures.values()) == int(result.failed.sum())
    assert set(result.failures) <= set(START_FAILURES)
    assert bool(torch.isinf(result.loss[result.failed]).all()) and bool((result.loss[result.failed] > 0).all())
    assert not bool(result.converged[result.failed].any())
    survivors = (~expected_failed).sum(dim=1)
    assert torch.equal(result.n_starts_at_best, survivors) and torch.equal(result.n_starts_converged, survivors)
    assert torch.allclose(result.best_loss, offsets, rtol=0, atol=1e-12) and bool(result.best_converged.all())
    assert torch.allclose(result.best_params, target.expand(n_instances, 3), atol=1e-6)
    assert bool(torch.isfinite(result.loss[~result.failed]).all())
    assert bool((result.spread <= 1e-10).all())


def test_an_instance_on_which_every_start_fails_is_named():
    def infinite_on_instance_1(params, instance_index):
        value = ((params - 1.0) ** 2).sum(dim=1)
        return torch.where(instance_index == 1, math.inf, value)

    with pytest.raises(NumericBackendError, match=r"^loss_fn_for_instances:.*every one of the 3 starts failed on "
                       r"instances \[1\]"):
        multistart_minimize(infinite_on_instance_1, 3, 3, 2, seed=0)

    def raising_on_instances_0_and_3(params, instance_index):
        if bool(((instance_index == 0) | (instance_index == 3)).any()):
            raise torch.linalg.LinAlgError("singular")
        return ((params - 1.0) ** 2).sum(dim=1)

    with pytest.raises(NumericBackendError, match=r"instances \[0, 3\]: 4 at the start"):
        multistart_minimize(raising_on_instances_0_and_3, 4, 2, 2, seed=0)

    def refusing_nan(params, instance_index):  # like compiled expressions without allow_nan
        raise NumericBackendError("tensors: evaluates to NaN")

    with pytest.raises(NumericBackendError, match=r"instances \[0, 1\]"):
        multistart_minimize(refusing_nan, 2, 2, 2, seed=0)


def test_multistart_result_invariants_reject_converged_failed_starts():
    loss, _ = _partly_non_finite_quadratic(torch.zeros(3, dtype=torch.float64))
    result = multistart_minimize(loss, 3, 8, 3, seed=21)
    assert bool(result.failed.any()) and bool(result.converged.any())
    assert not bool((result.converged & result.failed).any())
    assert result.failed.shape == result.converged.shape == result.loss.shape == (3, 8)
    assert result.failed.dtype == torch.bool and all(isinstance(v, int) and v > 0 for v in result.failures.values())
    with pytest.raises(AssertionError):
        dataclasses.replace(result, converged=result.converged | result.failed)
    with pytest.raises(AssertionError):
        dataclasses.replace(result, failures={"start": int(result.failed.sum()) + 1})
    with pytest.raises(AssertionError):
        dataclasses.replace(result, failed=torch.zeros(3, 7, dtype=torch.bool))


def _benchmark_module():
    """benchmarks/minimize.py, whose analytic factorization derivatives the throughput benchmark measures."""
    import importlib.util
    import pathlib
    import sys

    if "benchmark_minimize" in sys.modules:
        return sys.modules["benchmark_minimize"]
    folder = pathlib.Path(__file__).resolve().parents[2] / "benchmarks"
    sys.path.insert(0, str(folder))  # for its `_common`
    try:
        spec = importlib.util.spec_from_file_location("benchmark_minimize", folder / "minimize.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["benchmark_minimize"] = module  # its dataclasses look their module up
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(folder))
    return module


@pytest.mark.parametrize("d", [2, 3, 5])
def test_analytic_factorization_derivatives_match_autograd(d):
    bench = _benchmark_module()
    Z, _ = bench.problem(d, 6, seed=d)
    loss, derivatives = bench.torch_loss(Z, d), bench.torch_derivatives(Z, d)
    params = torch.randn(12, 2 * d * d, dtype=torch.float64, generator=torch.Generator().manual_seed(d))
    index = torch.arange(6).repeat_interleave(2)
    rows = torch.arange(12)
    value, grad = derivatives.loss_and_grad(params, index)
    autograd_value, autograd_grad = _loss_and_grad(_RowLoss.per_instance(loss, index), params, rows)
    assert torch.allclose(value, autograd_value, rtol=1e-13) and torch.allclose(grad, autograd_grad, atol=1e-11)
    hessian = derivatives.hessian(params, index)
    autograd_hessian = _hessians_batched_backward(_RowLoss.per_instance(loss, index), params, rows)
    assert torch.allclose(hessian, autograd_hessian, atol=1e-11)
    # eliminating U: the loss is then minimal over U (zero U-gradient), V is kept, and no other U does better
    eliminated = derivatives.eliminate(params, index)
    size = d * d
    assert torch.equal(eliminated[:, size:], params[:, size:])
    _, eliminated_grad = derivatives.loss_and_grad(eliminated, index)
    assert eliminated_grad[:, :size].abs().max().item() <= 1e-12 * (1 + Z.abs().max().item())
    moved = eliminated.clone()
    moved[:, :size] += 1e-3 * torch.randn(12, size, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    assert bool((loss(moved, index) > loss(eliminated, index)).all())


@pytest.mark.parametrize("eliminate", [False, True])
def test_multistart_with_analytic_derivatives_reaches_the_minima_autograd_reaches(eliminate):
    bench = _benchmark_module()
    d, n_instances, n_starts = 4, 30, 3
    Z, closed_form = bench.problem(d, n_instances, seed=5)
    loss, derivatives = bench.torch_loss(Z, d), bench.torch_derivatives(Z, d)
    if not eliminate:
        derivatives = dataclasses.replace(derivatives, eliminate=None, free=None)
    plain = multistart_minimize(loss, n_instances, n_starts, 2 * d * d, seed=2)
    analytic = multistart_minimize(loss, n_instances, n_starts, 2 * d * d, seed=2, derivatives=derivatives)
    for result in (plain, analytic):
        assert ((result.best_loss - closed_form).abs() / (1 + closed_form.abs())).max().item() <= 1e-12
        assert bool(result.converged.all())
    assert torch.allclose(analytic.loss, plain.loss, rtol=1e-12)
    # the returned parameters meet the first-order criterion of the full loss (all P coordinates)
    _, grad = derivatives.loss_and_grad(analytic.best_params, torch.arange(n_instances))
    assert bool((grad.norm(dim=1) <= 1e-9 * (1 + analytic.best_loss.abs())).all())


def test_eliminated_rows_where_elimination_fails_keep_their_start_and_go_on():
    # loss (x - 1)^2 + x^2 y^2 + (y - 2)^2 is quadratic in x with curvature 2 (1 + y^2); eliminate x = 1 / (1 + y^2)
    # but refuse (NaN) while y < 0: those starts must still reach the minimum through the other phases
    def loss(params, instance_index):
        x, y = params[:, 0], params[:, 1]
        return (x - 1) ** 2 + x**2 * y**2 + (y - 2) ** 2

    def loss_and_grad(params, instance_index):
        x, y = params[:, 0], params[:, 1]
        grad = torch.stack([2 * (x - 1) + 2 * x * y**2, 2 * x**2 * y + 2 * (y - 2)], dim=1)
        return loss(params, instance_index), grad

    def eliminate(params, instance_index):
        y = params[:, 1]
        x = torch.where(y >= 0, 1 / (1 + y**2), math.nan)
        return torch.stack([x, y], dim=1)

    from numeric_backend import Derivatives

    derivatives = Derivatives(loss_and_grad, eliminate=eliminate, free=[1])
    result = multistart_minimize(loss, 2, 8, 2, seed=3, derivatives=derivatives)
    reference = multistart_minimize(loss, 2, 8, 2, seed=3)
    assert bool(result.converged.all()) and not bool(result.failed.any())
    assert torch.allclose(result.best_loss, reference.best_loss, rtol=1e-12)


def test_lbfgs_pool_gives_the_same_rows_as_one_batch(monkeypatch):
    # rows refilled into a small pool as others leave: every row's iterates, loss, gradient and verdict are the
    # same as when all rows run together, and the step count is the longest row's
    import numeric_backend._lbfgs as lbfgs_module

    loss, _, param_dim = factorization_problem(40, 4, 3, 3, seed=9)
    init = torch.randn(80, param_dim, dtype=torch.float64, generator=torch.Generator().manual_seed(4))
    row_loss = _RowLoss.per_instance(loss, torch.arange(40).repeat_interleave(2))
    together = _lbfgs(row_loss, init, 1000, 1e-9, LBFGS_MEMORY)
    assert lbfgs_module._pool_capacity(row_loss, 80, param_dim, LBFGS_MEMORY) >= 80
    monkeypatch.setattr(lbfgs_module, "_POOL_BUDGET", 1)
    monkeypatch.setattr(lbfgs_module, "_POOL_MIN_ROWS", 7)
    pooled = _lbfgs(row_loss, init, 1000, 1e-9, LBFGS_MEMORY)
    for name in ("params", "loss", "grad", "stationary"):
        assert torch.equal(getattr(pooled, name), getattr(together, name)), name
    assert pooled.steps == together.steps
    # a full-batch loss is always evaluated on every row, so it is never split into a pool
    full_batch = _RowLoss.full_batch(lambda p: p.sum(1), init)
    assert lbfgs_module._pool_capacity(full_batch, 80, param_dim, LBFGS_MEMORY) == 80


def test_lbfgs_step_budget_is_per_row_in_the_pool(monkeypatch):
    import numeric_backend._lbfgs as lbfgs_module

    monkeypatch.setattr(lbfgs_module, "_POOL_BUDGET", 1)
    monkeypatch.setattr(lbfgs_module, "_POOL_MIN_ROWS", 3)
    loss, _, param_dim = factorization_problem(5, 3, 3, 3, seed=2)
    init = torch.randn(10, param_dim, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    row_loss = _RowLoss.per_instance(loss, torch.arange(5).repeat_interleave(2))
    few = _lbfgs(row_loss, init, 4, 1e-9, LBFGS_MEMORY)
    assert few.steps == 4 and not bool(few.stationary.any())
    # rows admitted late got the same 4 iterations as the first ones
    monkeypatch.setattr(lbfgs_module, "_POOL_MIN_ROWS", 10)
    assert torch.equal(_lbfgs(row_loss, init, 4, 1e-9, LBFGS_MEMORY).params, few.params)


def test_bad_derivatives_raise():
    from numeric_backend import Derivatives

    def loss(params, instance_index):
        return (params**2).sum(1)

    def loss_and_grad(params, instance_index):
        return loss(params, instance_index), 2 * params

    with pytest.raises(NumericBackendError, match="^derivatives.loss_and_grad:"):
        Derivatives("grad")
    with pytest.raises(NumericBackendError, match="^derivatives.eliminate:"):
        Derivatives(loss_and_grad, eliminate=lambda p, i: p)
    with pytest.raises(NumericBackendError, match="^derivatives.free:"):
        Derivatives(loss_and_grad, eliminate=lambda p, i: p, free=[1, 0])
    with pytest.raises(NumericBackendError, match="^derivatives.free:"):
        multistart_minimize(loss, 2, 2, 2, seed=0, derivatives=Derivatives(loss_and_grad, eliminate=lambda p, i: p,
                                                                            free=[0, 1]))
    with pytest.raises(NumericBackendError, match="^derivatives:"):
        multistart_minimize(loss, 2, 2, 2, seed=0, derivatives=loss_and_grad)
    bad_hessian = Derivatives(loss_and_grad, hessian=lambda p, i: torch.zeros(p.shape[0], 3, 3, dtype=torch.float64))
    with pytest.raises(NumericBackendError, match="^derivatives.hessian:"):
        multistart_minimize(loss, 2, 2, 2, seed=0, derivatives=bad_hessian)
    # a wrong shape is the caller's bug, reported at once (not a trial point where the loss fails)
    bad_grad = Derivatives(lambda p, i: (loss(p, i), 2 * p[:, :1]))
    with pytest.raises(NumericBackendError, match=r"^derivatives.loss_and_grad: .*\(4, 2\)"):
        multistart_minimize(loss, 2, 2, 2, seed=0, derivatives=bad_grad)
    bad_eliminate = Derivatives(loss_and_grad, eliminate=lambda p, i: p[:, :1].float(), free=[1])
    with pytest.raises(NumericBackendError, match="^derivatives.eliminate:"):
        multistart_minimize(loss, 2, 2, 2, seed=0, derivatives=bad_eliminate)
