"""Training VAEs by stochastic gradient descent, a whole grid of beta values in one tensor program.

Every tensor of parameters has a leading beta axis [B, ...]; the minibatch, the reparametrization noise and the
initial parameters are shared by all rows (common random numbers), the optimizer state, the learning rate and the
stopping rule are per row. So row b of a batched run is the run with ``betas=[betas[b]]`` alone (up to rounding).

Objective of row b, per data point (x, y): ||y - mean(z)||^2 / (2 s) + (d2/2) log(2 pi s) + beta_b(t) KL(q(z|x) ||
N(0, eta_enc^2 I)) with z = mu(x) + sigma(x) * eps, one eps per data point (s = eta_dec^2, fixed or learned), averaged
over a minibatch; beta_b(t) = beta_b min(1, t / kl_anneal_steps) with KL annealing. Adam on every parameter.

Stopping rule, per row: every ``eval_every`` steps the full-data loss is evaluated (exactly in eps for the linear
decoder, else with fixed noise); after ``patience`` evaluations without a relative improvement of ``rtol`` the
learning rate is divided by 10; after ``lr_decays`` such decays the row stops (``converged``), else at
``max_steps``.

``latent_usage(mu, logvar)`` gives the per-dimension KL and the active units (Cov_x(E_q[z_j]) > 0.01) of any Gaussian
encoder's per-sample means and log-variances.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from numeric_backend._errors import fail
from numeric_backend._minimize import _torch_threads
from numeric_backend._validate import check_int, check_positive_float, check_seed

if TYPE_CHECKING:
    import torch

ACTIVE_UNIT_THRESHOLD = 0.01
"""A latent dimension is active when Cov_x(E_q[z_j]) exceeds this (Burda et al. 2016)."""
ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8
ACTIVATIONS = ("tanh", "relu")


@dataclass(frozen=True)
class LatentUsage:
    """Per latent dimension: KL [..., k] (averaged over the data), Cov_x(E_q[z_j]) [..., k], active [..., k]."""

    kl: np.ndarray
    mean_variance: np.ndarray
    active: np.ndarray

    @property
    def active_units(self) -> np.ndarray:
        """Number of active dimensions [...]."""
        return self.active.sum(axis=-1)


def latent_usage(mu: Any, logvar: Any, *, prior_std: float = 1.0,
                 threshold: float = ACTIVE_UNIT_THRESHOLD) -> LatentUsage:
    """Per-dimension KL(q(z_j|x) || N(0, prior_std^2)) averaged over samples, and the active units, from encoder means
    mu [..., n, k] and log-variances logvar [..., n, k] (n samples)."""
    mu, logvar = np.asarray(mu, dtype=np.float64), np.asarray(logvar, dtype=np.float64)
    if mu.shape != logvar.shape or mu.ndim < 2:
        raise fail("logvar", f"expected the shape of mu [..., n, k] (n >= 1), received mu {mu.shape}, "
                   f"logvar {logvar.shape}")
    prior_std = check_positive_float("prior_std", prior_std)
    ratio = np.exp(logvar) / prior_std**2
    kl = 0.5 * (ratio + mu**2 / prior_std**2 - 1.0 - (logvar - 2 * math.log(prior_std))).mean(axis=-2)
    variance = mu.var(axis=-2)
    return LatentUsage(kl, variance, variance > threshold)


# ----------------------------------------------------------------------------------------------------------------
# Models: parameters [B, ...] and the maps x -> (mu, logvar), z -> decoder mean
# ----------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Model:
    kind: str
    encode: Callable[[dict[str, torch.Tensor], torch.Tensor], tuple[torch.Tensor, torch.Tensor]]
    decode: Callable[[dict[str, torch.Tensor], torch.Tensor], torch.Tensor]
    linear: bool


def _linear_encode(p: dict[str, torch.Tensor], x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    import torch

    mu = torch.einsum("md,bdk->bmk", x, p["W"])
    if "b_enc" in p:
        mu = mu + p["b_enc"][:, None, :]
    return mu, p["logvar"][:, None, :].expand_as(mu)


def _linear_decode(p: dict[str, torch.Tensor], z: torch.Tensor) -> torch.Tensor:
    import torch

    out = torch.einsum("bmk,bek->bme", z, p["U"])
    return out + p["b_dec"][:, None, :] if "b_dec" in p else out


def _activation(name: str) -> Callable[[torch.Tensor], torch.Tensor]:
    import torch

    return torch.tanh if name == "tanh" else torch.relu


def _mlp_model(activation: str) -> _Model:
    import torch

    act = _activation(activation)

    def encode(p: dict[str, torch.Tensor], x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = act(torch.einsum("md,bdh->bmh", x, p["W1"]) + p["b1"][:, None, :])
        return (torch.einsum("bmh,bhk->bmk", h, p["W_mu"]) + p["b_mu"][:, None, :],
                torch.einsum("bmh,bhk->bmk", h, p["W_logvar"]) + p["b_logvar"][:, None, :])

    def decode(p: dict[str, torch.Tensor], z: torch.Tensor) -> torch.Tensor:
        g = act(torch.einsum("bmk,bkh->bmh", z, p["V1"]) + p["c1"][:, None, :])
        return torch.einsum("bmh,bhe->bme", g, p["V2"]) + p["c2"][:, None, :]

    return _Model(f"mlp-{activation}", encode, decode, linear=False)


LINEAR = _Model("linear", _linear_encode, _linear_decode, linear=True)


# ----------------------------------------------------------------------------------------------------------------
# The result
# ----------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TrainedVAE:
    """A trained grid of VAEs, one row per beta.

    betas [B]; params: name -> array [B, ...] (linear: W [B, D, k], U [B, d2, k], logvar [B, k], optional b_enc,
    b_dec, log_eta_dec2 [B]); eta_dec2 [B] (learned or fixed); loss [B]: the full-data loss at the trained parameters
    (exact in eps for the linear model), loss_mc [B] and loss_se [B]: a fresh Monte Carlo estimate of it with
    ``mc_samples`` draws per point and its standard error; usage: per-dimension KL, Cov_x(E_q[z_j]), active units;
    encoder_std [B, k]: sqrt of the data-average of sigma_j^2(x); curve_steps [T], curve [B, T]: the evaluated loss
    (NaN after a row stopped); steps [B], converged [B]: whether the stopping rule (not max_steps) ended the row.
    """

    kind: str
    betas: np.ndarray
    params: dict[str, np.ndarray]
    eta_enc: float
    eta_dec2: np.ndarray
    loss: np.ndarray
    loss_mc: np.ndarray
    loss_se: np.ndarray
    mc_samples: int
    usage: LatentUsage
    encoder_std: np.ndarray
    curve_steps: np.ndarray
    curve: np.ndarray
    steps: np.ndarray
    converged: np.ndarray
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def active_units(self) -> np.ndarray:
        """Active latent dimensions per beta [B] (Cov_x(E_q[z_j]) > 0.01)."""
        return self.usage.active_units

    def encode(self, X: Any) -> tuple[np.ndarray, np.ndarray]:
        """Encoder means and log-variances of every row at X [n, D]: (mu [B, n, k], logvar [B, n, k])."""
        import torch

        model = LINEAR if self.kind == "linear" else _mlp_model(self.kind.removeprefix("mlp-"))
        x = torch.as_tensor(_matrix("X", X), dtype=torch.float64)
        p = {k: torch.as_tensor(v) for k, v in self.params.items()}
        with torch.no_grad():
            mu, logvar = model.encode(p, x)
        return mu.detach().numpy().copy(), logvar.detach().numpy().copy()


def _matrix(name: str, value: Any) -> np.ndarray:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[0] < 2 or arr.shape[1] < 1:
        raise fail(name, f"expected a matrix [n, features] with n >= 2, received shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise fail(name, "contains NaN or inf")
    return arr


def _betas(betas: Any) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(betas, dtype=np.float64))
    if arr.ndim != 1 or arr.size == 0 or not (np.isfinite(arr) & (arr > 0)).all():
        raise fail("betas", f"expected a non-empty 1-D array of positive finite numbers, received {betas!r}")
    return arr


# ----------------------------------------------------------------------------------------------------------------
# Training
# ----------------------------------------------------------------------------------------------------------------
def train_linear_vae(X: Any, Y: Any = None, *, betas: Any, latent_dim: int, eta_enc: float = 1.0,
                     eta_dec: float = 1.0, learn_eta_dec: bool = False, biases: bool = False, seed: int,
                     **options: Any) -> TrainedVAE:
    """Train the linear VAE z = W^T x (+ b_enc) + sigma * eps, decoder U z (+ b_dec), diagonal encoder variance
    exp(logvar), decoder variance eta_dec^2 (learned from ``eta_dec`` when ``learn_eta_dec``), at every beta of
    ``betas`` [B]: X [n, D], Y [n, d2] (default X). ``options``: those of ``train_vae_grid``."""
    X = _matrix("X", X)
    Y = X if Y is None else _matrix("Y", Y)
    k = check_int("latent_dim", latent_dim, minimum=1)
    rng_init = _init_generator(check_seed(seed))
    scale_x = math.sqrt(float(np.mean(np.sum((X - X.mean(0)) ** 2, axis=1)))) or 1.0
    scale_y = math.sqrt(float(np.mean(np.sum((Y - Y.mean(0)) ** 2, axis=1))) / Y.shape[1]) or 1.0
    init_scale = float(options.pop("init_scale", 0.1))
    init = {"W": init_scale / scale_x * rng_init.standard_normal((X.shape[1], k)),
            "U": init_scale * scale_y * rng_init.standard_normal((Y.shape[1], k)),
            "logvar": np.full(k, 2 * math.log(check_positive_float("eta_enc", eta_enc)))}
    if biases:
        init |= {"b_enc": np.zeros(k), "b_dec": Y.mean(0)}
    return train_vae_grid(LINEAR, init, X, Y, betas=betas, eta_enc=eta_enc, eta_dec=eta_dec,
                          learn_eta_dec=learn_eta_dec, seed=seed, **options)


def train_nonlinear_vae(X: Any, Y: Any = None, *, betas: Any, latent_dim: int, hidden: int = 64,
                        activation: Literal["tanh", "relu"] = "tanh", eta_enc: float = 1.0, eta_dec: float = 1.0,
                        learn_eta_dec: bool = False, seed: int, **options: Any) -> TrainedVAE:
    """Train a VAE with one hidden layer (``hidden`` units, tanh or ReLU) in the encoder (mean and log-variance heads)
    and in the decoder, at every beta of ``betas`` [B]: X [n, D], Y [n, d2] (default X); ``options``: those of
    ``train_vae_grid``."""
    X = _matrix("X", X)
    Y = X if Y is None else _matrix("Y", Y)
    k = check_int("latent_dim", latent_dim, minimum=1)
    h = check_int("hidden", hidden, minimum=1)
    if activation not in ACTIVATIONS:
        raise fail("activation", f"expected one of {ACTIVATIONS}, received {activation!r}")
    rng = _init_generator(check_seed(seed))
    D, d2 = X.shape[1], Y.shape[1]
    sx = X.std(0).mean() or 1.0
    glorot = lambda m, n: rng.standard_normal((m, n)) / math.sqrt(m)  # noqa: E731
    init = {"W1": glorot(D, h) / sx, "W_mu": 0.1 * glorot(h, k),
            "b_mu": np.zeros(k), "W_logvar": np.zeros((h, k)),
            "b_logvar": np.full(k, 2 * math.log(check_positive_float("eta_enc", eta_enc))),
            "V1": glorot(k, h), "c1": np.zeros(h), "V2": 0.1 * glorot(h, d2) * Y.std(0).mean(), "c2": Y.mean(0)}
    init["b1"] = -(X.mean(0) @ init["W1"])  # the hidden pre-activations centred on the data
    return train_vae_grid(_mlp_model(activation), init, X, Y, betas=betas, eta_enc=eta_enc, eta_dec=eta_dec,
                          learn_eta_dec=learn_eta_dec, seed=seed, **options)


def _init_generator(seed: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, 1]))


def train_vae_grid(model: _Model, init: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray, *, betas: Any,
                   eta_enc: float, eta_dec: float, learn_eta_dec: bool, seed: int, batch_size: int = 128,
                   lr: float = 1e-2, max_steps: int = 20000, eval_every: int = 50, patience: int = 4,
                   rtol: float = 1e-5, lr_decays: int = 3, kl_anneal_steps: int = 0, mc_samples: int = 64,
                   eval_samples: int = 4, num_threads: int | None = 1) -> TrainedVAE:
    """The training loop shared by the models: ``init`` holds one row of each parameter (shared by every beta).

    batch_size, lr (Adam's initial step), max_steps, eval_every, patience, rtol, lr_decays: the stopping rule of the
    module docstring; kl_anneal_steps: linear KL warm-up (0: none); mc_samples: draws per point of the final Monte
    Carlo loss; eval_samples: fixed draws per point of the evaluated loss of a non-linear decoder; num_threads:
    torch's intra-op threads while training (restored after; None leaves them)."""
    beta = _betas(betas)
    seed = check_seed(seed)
    eta_enc = check_positive_float("eta_enc", eta_enc)
    eta_dec = check_positive_float("eta_dec", eta_dec)
    settings = {"batch_size": check_int("batch_size", batch_size, minimum=1),
                "max_steps": check_int("max_steps", max_steps, minimum=1),
                "eval_every": check_int("eval_every", eval_every, minimum=1),
                "patience": check_int("patience", patience, minimum=1),
                "lr_decays": check_int("lr_decays", lr_decays, minimum=0),
                "kl_anneal_steps": check_int("kl_anneal_steps", kl_anneal_steps, minimum=0),
                "mc_samples": check_int("mc_samples", mc_samples, minimum=2),
                "eval_samples": check_int("eval_samples", eval_samples, minimum=1),
                "lr": check_positive_float("lr", lr), "rtol": check_positive_float("rtol", rtol)}
    if num_threads is not None:
        num_threads = check_int("num_threads", num_threads, minimum=1)
    if X.shape[0] != Y.shape[0]:
        raise fail("Y", f"{Y.shape[0]} rows but X has {X.shape[0]} (rows are samples)")
    with _torch_threads(num_threads):
        out = _train(model, init, X, Y, beta, eta_enc, eta_dec, bool(learn_eta_dec), seed, settings)
    return out


def _train(model: _Model, init: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray, beta: np.ndarray,
           eta_enc: float, eta_dec: float, learn_eta_dec: bool, seed: int, o: dict[str, Any]) -> TrainedVAE:
    """The training loop on the rows still running: a row that stops is written back to the grid and leaves the
    batch, so the steps after it cost what the running rows cost (the minibatches and the noise, drawn for all
    rows alike, are the same whichever rows run)."""
    import torch

    B, n = beta.size, X.shape[0]
    x_all, y_all = torch.as_tensor(X), torch.as_tensor(Y)
    gen = torch.Generator().manual_seed(seed)
    grid = {k: torch.as_tensor(np.broadcast_to(v, (B, *np.shape(v))).copy()) for k, v in init.items()}
    grid["log_eta_dec2"] = torch.full((B,), 2 * math.log(eta_dec), dtype=torch.float64)
    names = [name for name in grid if name != "log_eta_dec2" or learn_eta_dec]
    moments = {name: (torch.zeros_like(grid[name]), torch.zeros_like(grid[name])) for name in names}
    beta_all = torch.as_tensor(beta)
    k = grid["logvar"].shape[-1] if "logvar" in grid else grid["b_mu"].shape[-1]
    eval_noise = torch.randn((o["eval_samples"], n, k), generator=gen, dtype=torch.float64)
    step_size = torch.full((B,), o["lr"], dtype=torch.float64)
    best = torch.full((B,), math.inf, dtype=torch.float64)
    bad = torch.zeros(B, dtype=torch.int64)
    decays = torch.zeros(B, dtype=torch.int64)
    steps = torch.zeros(B, dtype=torch.int64)
    converged = torch.zeros(B, dtype=torch.bool)
    curve, curve_steps = [], []
    order, cursor = torch.randperm(n, generator=gen), 0
    m = min(o["batch_size"], n)
    live = torch.arange(B)  # the rows running, ascending
    params, trained, state = _running_rows(grid, moments, names, live, learn_eta_dec)
    for t in range(1, o["max_steps"] + 1):
        if cursor + m > n:
            order, cursor = torch.randperm(n, generator=gen), 0
        idx = order[cursor:cursor + m]
        cursor += m
        eps = torch.randn((m, k), generator=gen, dtype=torch.float64)
        anneal = min(1.0, t / o["kl_anneal_steps"]) if o["kl_anneal_steps"] else 1.0
        beta_t = beta_all[live]
        rows = _row_loss(model, params, x_all[idx], y_all[idx], eps[None], beta_t * anneal, eta_enc)
        grads = torch.autograd.grad(rows.sum(), trained)
        with torch.no_grad():
            _adam_step(trained, grads, state, t, step_size[live])
        steps[live] += 1
        if t % o["eval_every"] == 0 or t == o["max_steps"]:
            with torch.no_grad():
                value = _full_loss(model, params, x_all, y_all, eval_noise, beta_t * anneal, eta_enc)
            point = torch.full((B,), math.nan, dtype=torch.float64)
            point[live] = value
            curve.append(point.numpy())
            curve_steps.append(t)
            if anneal < 1.0:
                continue
            last = best[live]
            improved = value < last - o["rtol"] * (1 + last.abs())
            best[live] = torch.where(improved, value, torch.minimum(last, value))
            bad[live] = torch.where(improved, 0, bad[live] + 1)
            plateau = bad[live] >= o["patience"]
            step_size[live] = torch.where(plateau, step_size[live] / 10, step_size[live])
            decays[live] += plateau
            bad[live] = torch.where(plateau, 0, bad[live])
            done = plateau & (decays[live] > o["lr_decays"])
            if bool(done.any()):
                converged[live[done]] = True
                _write_back(grid, moments, params, state, names, live, learn_eta_dec)
                live = live[~done]
                if live.numel() == 0:
                    break
                params, trained, state = _running_rows(grid, moments, names, live, learn_eta_dec)
    if live.numel():
        _write_back(grid, moments, params, state, names, live, learn_eta_dec)
    return _result(model, grid, X, Y, beta, eta_enc, o, gen, np.array(curve_steps), np.stack(curve, axis=1),
                   steps.numpy(), converged.numpy(), learn_eta_dec)


def _running_rows(grid: dict[str, torch.Tensor], moments: dict[str, tuple[torch.Tensor, torch.Tensor]],
                  names: list[str], live: torch.Tensor, learn_eta_dec: bool
                  ) -> tuple[dict[str, torch.Tensor], list[torch.Tensor], list[tuple[torch.Tensor, torch.Tensor]]]:
    """The parameters [r, ...] of the running rows ``live`` [r] as new leaves (those trained require grad), the
    trained ones in ``names`` order, and their Adam moments."""
    params = {name: value[live].clone().requires_grad_(name != "log_eta_dec2" or learn_eta_dec)
              for name, value in grid.items()}
    state = [(moments[name][0][live].clone(), moments[name][1][live].clone()) for name in names]
    return params, [params[name] for name in names], state


def _write_back(grid: dict[str, torch.Tensor], moments: dict[str, tuple[torch.Tensor, torch.Tensor]],
                params: dict[str, torch.Tensor], state: list[tuple[torch.Tensor, torch.Tensor]], names: list[str],
                live: torch.Tensor, learn_eta_dec: bool) -> None:
    """The running rows' parameters and moments, back into the grid's [B, ...] tensors."""
    for name, value in params.items():
        grid[name][live] = value.detach()
    for name, (first, second) in zip(names, state, strict=True):
        moments[name][0][live] = first
        moments[name][1][live] = second


def _adam_step(params: list[torch.Tensor], grads: tuple[torch.Tensor, ...],
               moments: list[tuple[torch.Tensor, torch.Tensor]], t: int, lr: torch.Tensor) -> None:
    """One Adam step with a learning rate per row lr [B] (0 freezes a row); torch.optim.Adam has one rate per
    parameter group, not per row."""
    b1, b2 = ADAM_BETAS
    for p, g, (m, v) in zip(params, grads, moments, strict=True):
        m.mul_(b1).add_(g, alpha=1 - b1)
        v.mul_(b2).addcmul_(g, g, value=1 - b2)
        update = (m / (1 - b1**t)) / ((v / (1 - b2**t)).sqrt() + ADAM_EPS)
        p.sub_(lr.reshape(-1, *([1] * (p.dim() - 1))) * update)


def _row_loss(model: _Model, p: dict[str, torch.Tensor], x: torch.Tensor, y: torch.Tensor, eps: torch.Tensor,
              beta: torch.Tensor, eta_enc: float) -> torch.Tensor:
    """The minibatch estimate of each row's loss [B]: x [m, D], y [m, d2], eps [1, m, k] (one draw per point)."""
    mu, logvar = model.encode(p, x)
    z = mu + _std(logvar) * eps
    return _objective(p, y, model.decode(p, z), 0.0, mu, logvar, beta, eta_enc).mean(dim=1)


def _std(logvar: torch.Tensor) -> torch.Tensor:
    return (0.5 * logvar).exp()


def _objective(p: dict[str, torch.Tensor], y: torch.Tensor, mean: torch.Tensor, extra: Any, mu: torch.Tensor,
               logvar: torch.Tensor, beta: torch.Tensor, eta_enc: float) -> torch.Tensor:
    """Per row and point [B, m]: the reconstruction term (+ ``extra``, the exact noise term of a linear decoder), the
    decoder's log-partition and beta times the KL to N(0, eta_enc^2 I)."""
    s = p["log_eta_dec2"].exp()[:, None]
    d2 = y.shape[-1]
    recon = (((y - mean) ** 2).sum(-1) + extra) / (2 * s) + d2 / 2 * (math.log(2 * math.pi) + p["log_eta_dec2"])[
        :, None]
    log_ratio = logvar - 2 * math.log(eta_enc)
    kl = 0.5 * (log_ratio.exp() + mu**2 / eta_enc**2 - 1 - log_ratio).sum(-1)
    return recon + beta[:, None] * kl


def _full_loss(model: _Model, p: dict[str, torch.Tensor], x: torch.Tensor, y: torch.Tensor, noise: torch.Tensor,
               beta: torch.Tensor, eta_enc: float) -> torch.Tensor:
    """The full-data loss of each row [B]: exact in eps for the linear decoder (E||U eps sigma||^2 = sum_j
    sigma_j^2 ||U_j||^2), else averaged over the fixed ``noise`` [R, n, k]."""
    mu, logvar = model.encode(p, x)
    if model.linear:
        extra = (p["logvar"].exp()[:, None, :] * (p["U"] ** 2).sum(1)[:, None, :]).sum(-1)
        return _objective(p, y, model.decode(p, mu), extra, mu, logvar, beta, eta_enc).mean(dim=1)
    values = [_objective(p, y, model.decode(p, mu + _std(logvar) * e[None]), 0.0, mu, logvar, beta,
                         eta_enc).mean(dim=1) for e in noise]
    return sum(values) / len(values)


def _result(model: _Model, params: dict[str, torch.Tensor], X: np.ndarray, Y: np.ndarray, beta: np.ndarray,
            eta_enc: float, o: dict[str, Any], gen: torch.Generator, curve_steps: np.ndarray, curve: np.ndarray,
            steps: np.ndarray, converged: np.ndarray, learn_eta_dec: bool) -> TrainedVAE:
    import torch

    x, y = torch.as_tensor(X), torch.as_tensor(Y)
    beta_t = torch.as_tensor(beta)
    with torch.no_grad():
        mu, logvar = model.encode(params, x)
        k = mu.shape[-1]
        draws = torch.stack([_objective(params, y, model.decode(params, mu + _std(logvar) * torch.randn(
            (x.shape[0], k), generator=gen, dtype=torch.float64)[None]), 0.0, mu, logvar, beta_t, eta_enc)
            for _ in range(o["mc_samples"])], dim=-1)  # [B, n, R]
        exact = _full_loss(model, params, x, y, torch.randn((o["eval_samples"], x.shape[0], k), generator=gen,
                                                            dtype=torch.float64), beta_t, eta_enc)
    n, R = draws.shape[1], draws.shape[2]
    loss_mc = draws.mean(dim=(1, 2))
    loss_se = (draws.var(dim=-1).mean(dim=-1) / (n * R)).sqrt()  # the data are fixed: the noise of eps only
    mu_np, logvar_np = mu.detach().numpy(), logvar.detach().numpy()
    usage = latent_usage(mu_np, logvar_np, prior_std=eta_enc)
    keep = {name: p.detach().numpy().copy() for name, p in params.items()
            if name != "log_eta_dec2" or learn_eta_dec}
    options = {**o, "learn_eta_dec": learn_eta_dec, "eta_enc": eta_enc}
    return TrainedVAE(model.kind, beta, keep, eta_enc, params["log_eta_dec2"].detach().exp().numpy().copy(),
                      exact.numpy().copy(), loss_mc.numpy().copy(), loss_se.numpy().copy(), o["mc_samples"], usage,
                      np.sqrt(np.exp(logvar_np).mean(axis=-2)), curve_steps, curve, steps, converged, options)
