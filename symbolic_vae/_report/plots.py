"""Figures from the verified closed forms (matplotlib, Agg): the phase diagram of surviving modes over
(beta, eta_dec), G(s) for a learnable decoder variance, and the loss and sigma_i* over beta (like the paper's Fig. 1).

Every figure is drawn from kernels only, so every curve carries the verdict of the claim it comes from.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from symbolic_vae._core import validation as check
from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._kernels.build import check_spectrum, kernel, kernel_sources, minimal_loss, surviving_modes
from symbolic_vae._papers.wz2022.mnist_spectrum import PRINTED

MNIST_CLAIM = "mnist.top5_are_eigenvalues_of_A"
MNIST_TOP5_ZETA2 = tuple(float(v) for v in PRINTED)
"""The values Wang & Ziyin 2022, Sec. 5 print as MNIST's "top-5 zeta_i", (5.12, 3.74, 3.25, 2.84, 2.57): the
eigenvalues zeta_i^2 of A = E[x x^T] (claim mnist.top5_are_eigenvalues_of_A), so the collapse thresholds at
eta_dec = 1 are these values themselves."""
MNIST_TOP5_ZETA = tuple(float(np.sqrt(v)) for v in MNIST_TOP5_ZETA2)
"""The singular values zeta_i = sqrt(MNIST_TOP5_ZETA2): the default spectrum of the figures."""
G_KERNEL, S_STAR_KERNEL = "decoder_variance_G", "optimal_decoder_variance"
REGIME_KERNEL, ALIVE_KERNEL = "decoder_variance_regime", "decoder_variance_surviving_modes"
FILES = {"phase": "phase_diagram.png", "G": "decoder_variance_G.png", "sweep": "loss_and_sigma_over_beta.png",
         "training": "theory_vs_training.png"}

PLOT_MAX_MODES = 100
"""The most latent modes (latent_dim) and singular values (len(zeta)) a figure draws: the figures draw a curve, a
colour or a boundary per mode, the phase grid holds points x points x latent_dim values, and the kernels of G(s) are
compiled for len(zeta) modes, so this keeps each figure to seconds and its memory below ~100 MB."""

PLOT_RANGE = (1e-6, 1e6)
"""The range of the non-zero zeta values, eta_enc, eta_dec and the betas of G(s) in the figures. Inside it every axis
of every figure (beta, eta_dec, s = eta_dec^2) stays inside the kernels' supported range."""

PLOT_MAX_RESIDUAL = 1e12
"""The largest residual c = E||y||^2 - ||Z||_F^2 of G(s)."""

MAX_POINTS = {"phase": 1000, "sweep": 10_000}
"""The largest grid of each figure: points per axis of the phase diagram, points of the beta sweep."""

_LABELLED_MODES = 10  # modes beyond it are drawn but not labelled (legend, zeta_i annotations)
_GRID_CHUNK = 2_000_000  # phase-grid values computed at a time


@dataclass(frozen=True)
class PlotOptions:
    """The validated options of ``plot_all``."""

    zeta: np.ndarray
    eta_enc: float
    eta_dec: float
    latent_dim: int | None
    target_dim: int | None
    residual: float


def _in_plot_range(name: str, value: float | np.ndarray) -> None:
    arr = np.asarray(value, dtype=float)
    low, high = PLOT_RANGE
    if arr.size and (arr.min() < low or arr.max() > high):
        bad = arr.min() if arr.min() < low else arr.max()
        raise SymbolicVAEError(f"{name}: {bad:.6g} is outside the range of the figures [{low:g}, {high:g}]")


def _spectrum(zeta: Sequence[float] | np.ndarray) -> np.ndarray:
    """zeta [d]: 1 <= d <= PLOT_MAX_MODES real, finite, non-negative, non-increasing values, not all zero, the
    non-zero ones inside PLOT_RANGE."""
    z = check.real_array("zeta", zeta, min_ndim=1, max_ndim=1)
    if z.size > PLOT_MAX_MODES:
        raise SymbolicVAEError(f"zeta: {z.size} values, more than the {PLOT_MAX_MODES} the figures draw (pass the "
                               f"largest {PLOT_MAX_MODES})")
    if bool((z < 0).any()):
        raise SymbolicVAEError(f"zeta: singular values must be non-negative, got minimum {z.min():.6g}")
    rises = np.flatnonzero(np.diff(z) > 0)
    if rises.size:
        i = int(rises[0])
        raise SymbolicVAEError(f"zeta: must be non-increasing, but value {i + 2} ({z[i + 1]:.6g}) exceeds value "
                               f"{i + 1} ({z[i]:.6g})")
    if not bool((z > 0).any()):
        raise SymbolicVAEError("zeta: all zero, nothing to plot")
    _in_plot_range("zeta", z[z > 0])
    return check_spectrum(z)


def _scale(name: str, value: Any) -> float:
    """A positive scalar (eta_enc, eta_dec) inside PLOT_RANGE."""
    number = check.real_scalar(name, value, positive=True)
    _in_plot_range(name, number)
    return number


def _latent_dim(latent_dim: Any) -> int | None:
    return check.optional_dimension("latent_dim", latent_dim, maximum=PLOT_MAX_MODES)


def _target_dim(target_dim: Any, z: np.ndarray) -> int | None:
    d2 = check.optional_dimension("target_dim", target_dim)
    if d2 is not None and d2 < z.size:
        raise SymbolicVAEError(f"target_dim: must be at least the number of zeta values ({z.size}), got {d2}")
    return d2


def _residual(residual: Any) -> float:
    c = check.real_scalar("residual", residual, minimum=0.0)
    if c > PLOT_MAX_RESIDUAL:
        raise SymbolicVAEError(f"residual: {c:.6g} is outside the range of the figures [0, {PLOT_MAX_RESIDUAL:g}]")
    return c


def _points(name: str, points: Any, figure: str) -> int:
    return check.dimension(name, points, minimum=2, maximum=MAX_POINTS[figure])


def plot_options(zeta: Any = MNIST_TOP5_ZETA, *, eta_enc: Any = 1.0, eta_dec: Any = 1.0, latent_dim: Any = None,
                 target_dim: Any = None, residual: Any = 0.0) -> PlotOptions:
    """Validate the options of ``plot_all``; SymbolicVAEError names the argument (``eta_dec``, ...)."""
    z = _spectrum(zeta)
    return PlotOptions(z, _scale("eta_enc", eta_enc), _scale("eta_dec", eta_dec), _latent_dim(latent_dim),
                       _target_dim(target_dim, z), _residual(residual))


@dataclass(frozen=True)
class PlotResult:
    """One figure: its path, or why it was skipped, and a one-line description."""

    name: str
    path: Path | None
    message: str


def _figure(width: float, height: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=120, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _modes(n: int) -> str:
    return f"{n} mode" + ("" if n == 1 else "s")


def _is_mnist(z: np.ndarray) -> bool:
    return z.shape == (len(MNIST_TOP5_ZETA),) and bool(np.allclose(z, MNIST_TOP5_ZETA, rtol=1e-12, atol=0.0))


def _zeta_text(z: np.ndarray, shown: int = 8) -> str:
    """The spectrum for a title; the default one says where it comes from: MNIST's zeta_i^2 as printed."""
    head = ", ".join(f"{v:.3g}" for v in z[:shown])
    if _is_mnist(z):
        return "$\\sqrt{\\zeta_i^2}$, MNIST's $\\zeta_i^2$ = [" + ", ".join(f"{v:g}" for v in MNIST_TOP5_ZETA2) + "]"
    return f"[{head}, ... ({z.size} values)]" if z.size > shown else f"[{head}]"


def _spectrum_source(z: np.ndarray) -> str:
    """A caption line for the default spectrum: the claim that reads the printed values as zeta_i^2, and its
    verdict (empty for any other spectrum)."""
    if not _is_mnist(z):
        return ""
    from symbolic_vae._report.registry import claim_verdict

    return (f"\nzeta: WZ22 Sec. 5's MNIST top 5 read as zeta_i^2, eigenvalues of E[x x^T] (claim {MNIST_CLAIM}, "
            f"{claim_verdict(MNIST_CLAIM).status.value})")


@dataclass(frozen=True)
class PhaseGrid:
    """Surviving modes ``count`` [eta, beta] on the log grids ``betas`` x ``etas`` (eta_dec)."""

    betas: np.ndarray
    etas: np.ndarray
    count: np.ndarray


def phase_grid(zeta: Sequence[float], *, eta_enc: float = 1.0, latent_dim: int | None = None, points: int = 241
               ) -> PhaseGrid:
    """Surviving modes (learnable Sigma, symbolic_vae.surviving_modes) over beta in [0.1, 100] and an eta_dec range
    centred on the boundaries beta eta_dec^2 = zeta_i^2 (computed a block of rows at a time, so that memory stays
    small for many modes)."""
    z, eta_enc = _spectrum(zeta), _scale("eta_enc", eta_enc)
    d1 = _latent_dim(latent_dim) or z.size
    points = _points("points", points, "phase")
    positive = z[z > 0]
    betas = np.geomspace(1e-1, 1e2, points)
    centre = np.sqrt(positive.max() * positive.min() / np.sqrt(betas[0] * betas[-1]))
    etas = np.geomspace(centre / 5, centre * 5, points)
    count = np.empty((points, points), dtype=np.int64)
    rows = max(1, _GRID_CHUNK // (points * max(d1, z.size)))
    for first in range(0, points, rows):
        B, E = np.meshgrid(betas, etas[first:first + rows])
        count[first:first + rows] = surviving_modes(np.broadcast_to(z, (*B.shape, z.size)), beta=B, eta_enc=eta_enc,
                                                    eta_dec=E, latent_dim=d1)
    return PhaseGrid(betas, etas, count)


def phase_diagram(zeta: Sequence[float], path: str | Path, *, eta_enc: float = 1.0, latent_dim: int | None = None,
                  points: int = 241) -> PlotResult:
    """Number of surviving modes (learnable Sigma) over a log grid of (beta, eta_dec), with the boundaries
    beta eta_dec^2 = zeta_i^2."""
    z, eta_enc = _spectrum(zeta), _scale("eta_enc", eta_enc)
    d1 = _latent_dim(latent_dim) or z.size
    grid = phase_grid(z, eta_enc=eta_enc, latent_dim=d1, points=points)
    betas, etas, count = grid.betas, grid.etas, grid.count
    B, E = np.meshgrid(betas, etas)
    source = kernel("mode_survives")

    from matplotlib.colors import BoundaryNorm

    fig = _figure(7.2, 5.4)
    ax = fig.add_subplot()
    levels = np.arange(-0.5, d1 + 1.5)
    cmap = _cmap("viridis", d1 + 1)
    mesh = ax.pcolormesh(B, E, count, cmap=cmap, norm=BoundaryNorm(levels, cmap.N), shading="auto")
    bar = fig.colorbar(mesh, ax=ax, ticks=range(0, d1 + 1, -(-(d1 + 1) // 21)))
    bar.set_label("surviving latent modes")
    for i, zi in enumerate(z[:d1]):
        if zi > 0:
            ax.plot(betas, zi / np.sqrt(betas), color="white", lw=1.2 if d1 <= _LABELLED_MODES else 0.6, ls="--")
            if i < _LABELLED_MODES:
                at = float(np.clip((zi / (etas[0] * 1.25)) ** 2, betas[0] * 1.2, betas[-1] / 1.2))
                ax.annotate(rf"$\zeta_{{{i + 1}}}$", (at, zi / np.sqrt(at)), fontsize=8, ha="center", va="center",
                            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8})
    ax.axhline(1.0, color="red", lw=0.8, ls=":")
    ax.set(xscale="log", yscale="log", xlabel=r"$\beta$", ylabel=r"$\eta_{dec}$", ylim=(etas[0], etas[-1]),
           title=f"Surviving modes at the global minimum (learnable $\\Sigma$)\n$\\zeta$ = {_zeta_text(z)}")
    fig.supxlabel(f"kernel mode_survives from claim {source.claim} ({source.status.value}); dashed: "
                  r"$\beta\eta_{dec}^2=\zeta_i^2$; dotted: $\eta_{dec}=1$" + _spectrum_source(z), fontsize=7,
                  color="0.3")
    fig.savefig(path)
    return PlotResult("phase", Path(path), f"surviving modes over beta in [{betas[0]:g}, {betas[-1]:g}] x eta_dec in "
                      f"[{etas[0]:.3g}, {etas[-1]:.3g}], d1 = {d1}, from {source.claim} ({source.status.value})")


def _cmap(name: str, n: int) -> Any:
    from matplotlib import colormaps

    return colormaps[name].resampled(n)


def _betas(betas: Any) -> np.ndarray:
    b = check.real_array("betas", betas, min_ndim=1, max_ndim=1, positive=True)
    if b.size > _LABELLED_MODES:
        raise SymbolicVAEError(f"betas: {b.size} values, more than the {_LABELLED_MODES} the figure draws")
    _in_plot_range("betas", b)
    return b


def decoder_variance_plot(zeta: Sequence[float], path: str | Path, *,
                          betas: Sequence[float] = (0.5, 1.0, 1.1, 1.4, 3.0), latent_dim: int | None = None,
                          target_dim: int | None = None, residual: float = 0.0) -> PlotResult:
    """G(s) = min over (U, W, Sigma) of the loss at decoder variance s = eta_dec^2, for a few beta, with its
    minimizer eta_dec*^2 -- only if verified kernels for G and its minimizer exist."""
    z = _spectrum(zeta)
    betas = [float(b) for b in _betas(betas)]
    d1 = _latent_dim(latent_dim) or z.size
    d2 = _target_dim(target_dim, z) or z.size
    residual = _residual(residual)
    names = (G_KERNEL, S_STAR_KERNEL, REGIME_KERNEL, ALIVE_KERNEL)
    missing = [n for n in names if n not in kernel_sources()]
    if missing:
        return PlotResult("G", None, f"skipped: no kernel {', '.join(missing)} offered yet (learnable decoder "
                          "variance not derived)")
    try:
        G, s_star, regime, alive = (kernel(n) for n in names)
    except SymbolicVAEError as err:
        return PlotResult("G", None, f"skipped: {err}")
    positive = z[z > 0] ** 2
    s = np.geomspace(positive.min() / max(betas) / 8, positive.max() / min(betas) * 8, 600)
    fig = _figure(7.2, 5.2)
    ax = fig.add_subplot()
    colours = _cmap("plasma", len(betas) + 1)
    notes = []
    sizes = {"latent_dim": d1, "target_dim": d2, "residual": residual}
    for j, b in enumerate(betas):
        colour = colours(j)
        values = G(z, beta=b, s=s, **sizes)
        star, kind = float(s_star(z, beta=b, **sizes)), int(regime(z, beta=b, **sizes))
        n_alive = int(alive(z, beta=b, **sizes))
        if kind == 0:
            text = rf"$\beta$ = {b:g}: no minimizer ($G\to-\infty$ as $s\to0$), {_modes(n_alive)} alive"
            notes.append(f"beta={b:g}: no minimizer")
        else:
            text = (rf"$\beta$ = {b:g}: $\eta_{{dec}}^{{*2}}$ = {star:.3g}" + (" (right end of (0, s*])" if kind == 1
                    else "") + f", {_modes(n_alive)} alive")
            notes.append(f"beta={b:g}: s*={star:.4g}, {_modes(n_alive)} alive"
                         + (" (interval (0, s*])" if kind == 1 else ""))
        ax.plot(s, values, color=colour, lw=1.5, label=text)
        if kind == 1:
            inside = s <= star
            ax.plot(s[inside], values[inside], color=colour, lw=5, alpha=0.3)
        if kind != 0:
            ax.plot([star], [float(G(z, beta=b, s=star, **sizes))], "o", color=colour, ms=7, mec="black")
    lo = min(float(np.min(G(z, beta=b, s=s, **sizes))) for b in betas)
    hi = max(float(G(z, beta=b, s=s[-1], **sizes)) for b in betas)
    pad = 0.05 * (hi - lo) if hi > lo else max(1.0, abs(hi)) * 0.05
    ax.set(xscale="log", xlabel=r"$s=\eta_{dec}^2$", ylabel=r"$G(s)=\min_{U,W,\Sigma} L^{LDV}$",
           ylim=(lo - pad, hi + pad),
           title=f"Learnable decoder variance: $G(s)$ and its minimizer\n$\\zeta$ = {_zeta_text(z)}")
    ax.legend(fontsize=7, loc="lower right")
    fig.supxlabel(f"d1 = {d1}, d2 = {d2}, c = {residual:g}; dots: minimizers; thick: an interval of minimizers\n"
                  f"{G_KERNEL} from {G.claim} ({G.status.value}); {S_STAR_KERNEL} from {s_star.claim} "
                  f"({s_star.status.value})" + _spectrum_source(z), fontsize=7, color="0.3")
    fig.savefig(path)
    return PlotResult("G", Path(path), "G(s) for beta in {" + ", ".join(f"{b:g}" for b in betas) + "}: "
                      + "; ".join(notes) + f" (from {G.claim}, {s_star.claim})")


def beta_sweep(zeta: Sequence[float], path: str | Path, *, eta_enc: float = 1.0, eta_dec: float = 1.0,
               latent_dim: int | None = None, points: int = 800) -> PlotResult:
    """min L_VAE and sigma_i* over beta (learnable Sigma), with the predicted collapse thresholds, like Fig. 1."""
    z, eta_enc, eta_dec = _spectrum(zeta), _scale("eta_enc", eta_enc), _scale("eta_dec", eta_dec)
    d1 = _latent_dim(latent_dim) or z.size
    points = _points("points", points, "sweep")
    top = float(z.max() ** 2 / eta_dec**2)
    betas = np.linspace(top / points, 1.25 * top, points)
    Z = np.broadcast_to(z, (points, z.size))
    loss = minimal_loss(Z, beta=betas, eta_enc=eta_enc, eta_dec=eta_dec, latent_dim=d1)
    sigma_kernel = kernel("sigma_star")
    latent = np.concatenate([z[:d1], np.zeros(max(0, d1 - z.size))])
    sigma = sigma_kernel(np.broadcast_to(latent, (points, d1)), beta=betas, eta_enc=eta_enc, eta_dec=eta_dec)
    loss_source = kernel("mode_loss")
    fig = _figure(7.2, 6.0)
    ax_loss, ax_sigma = fig.subplots(2, 1, sharex=True)
    ax_loss.plot(betas, loss, color="black", lw=1.6)
    ax_loss.set(ylabel=r"$\min L_{VAE}$ (no log-partition)",
                title=f"Loss and encoder std over $\\beta$ (y = x)\n$\\zeta$ = {_zeta_text(z)}")
    colours = _cmap("tab10", d1) if d1 <= _LABELLED_MODES else _cmap("tab10", 10)  # beyond 10: tab10 in turn
    for i in range(d1):
        ax_sigma.plot(betas, sigma[:, i], color=colours(i % 10), lw=1.4 if d1 <= _LABELLED_MODES else 0.8,
                      label=rf"$\sigma_{{{i + 1}}}^*$" if i < _LABELLED_MODES else None)
    ax_sigma.set(xlabel=r"$\beta$", ylabel=r"$\sigma_i^*$")
    ax_sigma.legend(fontsize=8, ncol=min(d1, 5), loc="lower right",
                    title=None if d1 <= _LABELLED_MODES else f"first {_LABELLED_MODES} of {d1} modes",
                    title_fontsize=7)
    for ax in (ax_loss, ax_sigma):
        for zi in z[:d1]:
            if zi > 0:
                ax.axvline(zi**2 / eta_dec**2, color="0.5", lw=0.8, ls="--")
    fig.supxlabel(f"eta_enc = {eta_enc:g}, eta_dec = {eta_dec:g}, d1 = {d1}; minimal_loss from {loss_source.claim} "
                  f"({loss_source.status.value}), sigma_star from {sigma_kernel.claim} ({sigma_kernel.status.value})\n"
                  r"dashed: predicted collapse $\beta=\zeta_i^2/\eta_{dec}^2$" + _spectrum_source(z), fontsize=7,
                  color="0.3")
    fig.savefig(path)
    return PlotResult("sweep", Path(path), f"min L_VAE and sigma_i* over beta in (0, {betas[-1]:.3g}], thresholds "
                      + ", ".join(f"{zi**2 / eta_dec**2:.3g}" for zi in z[:d1] if zi > 0))


TRAINING_CLAIMS = ("training.closed_forms", "training.surviving_modes_fixed", "training.surviving_modes_learnable",
                   "training.kl_annealing", "training.surviving_modes_digits", "training.nonlinear_complete_collapse")
LINEAR_COUNT_CLAIMS = TRAINING_CLAIMS[1:5]
"""The claims that the trained linear VAEs' counts equal the prediction (the nonlinear claim is about complete
collapse only)."""
"""The claims whose evidence (trained points) the theory-against-training figure draws."""


def training_plot(path: str | Path) -> PlotResult:
    """Theory curves with the SGD-trained points of the training claims overlaid: min L and sigma_i* over beta (fixed
    eta_dec), and the surviving modes over beta with a fixed and a learnable eta_dec (the data of the section
    ``training``: y = x with zeta = (2, 1.2, 0.7, 0.4)); and, on scikit-learn's digits, the active units of linear
    and tanh VAEs against the data's own predicted count. The points are the evidence recorded in the verdicts."""
    from symbolic_vae._papers.wz2022.training import GRIDS
    from symbolic_vae._papers.wz2022.training import predictions as pred
    from symbolic_vae._papers.wz2022.training.campaigns import ZETA, grid_zeta
    from symbolic_vae._report.registry import claim_verdict

    verdicts = {c: claim_verdict(c) for c in TRAINING_CLAIMS}
    rows = verdicts["training.closed_forms"].checks[0].details.get("rows", [])
    counts = {c: verdicts[c].checks[0].details.get("counts", []) for c in TRAINING_CLAIMS[1:]}
    fixed, learn = GRIDS["fixed"], GRIDS["learnable"]
    d2 = len(ZETA)
    betas = np.geomspace(0.04, 12.0, 400)
    loss = pred.minimal_loss(ZETA, betas, latent_dim=fixed.latent_dim, target_dim=d2, s=1.0)
    sigma = pred.sigma_star(ZETA, betas, latent_dim=fixed.latent_dim)
    fig = _figure(7.2, 11.5)
    ax_loss, ax_sigma, ax_count, ax_digits = fig.subplots(4, 1)
    ax_sigma.sharex(ax_loss)
    ax_count.sharex(ax_loss)
    ax_loss.plot(betas, loss, color="black", lw=1.4, label="min L (closed form)")
    trained = [r for r in rows if r["grid"] == "fixed"]
    ax_loss.plot([r["beta"] for r in trained], [r["loss"] for r in trained], "o", color="C3", label="SGD-trained")
    ax_loss.set(xscale="log", ylabel="loss (with log-partition)", title="Theory against SGD training (y = x, "
                f"zeta = {_zeta_text(np.asarray(ZETA))})")
    ax_loss.legend(fontsize=7)
    for i in range(sigma.shape[1]):
        ax_sigma.plot(betas, sigma[:, i], color="0.4", lw=1.0)
        ax_sigma.plot([r["beta"] for r in trained], [r["encoder_std"][i] for r in trained], "o", color=f"C{i}",
                      ms=4)
    ax_sigma.set(ylabel=r"$\sigma_i^*$ (sorted; dots: trained)")
    ax_count.step(betas, pred.fixed_count(ZETA, betas, latent_dim=fixed.latent_dim), where="post", color="C0",
                  label=r"predicted, fixed $\eta_{dec}=1$")
    ax_count.step(betas, pred.learnable_count(ZETA, betas, latent_dim=learn.latent_dim, target_dim=d2),
                  where="post", color="C1", label=r"predicted, learnable $\eta_{dec}$ ($d_1=2$)")
    marks = {"training.surviving_modes_fixed": ("o", "C0", "trained, fixed"),
             "training.surviving_modes_learnable": ("s", "C1", "trained, learnable"),
             "training.kl_annealing": ("x", "C2", "trained, KL annealed")}
    for claim, (marker, colour, label) in marks.items():
        ax_count.plot([r["beta"] for r in counts[claim]], [r["trained"] for r in counts[claim]], marker,
                      color=colour, label=label, ms=6, fillstyle="none")
    ax_count.set(xlabel=r"$\beta$", ylabel="surviving modes / active units")
    ax_count.legend(fontsize=7)
    zeta_digits = grid_zeta("digits")
    digits_betas = np.geomspace(0.1, 1.6, 400)
    ax_digits.step(digits_betas, pred.fixed_count(zeta_digits, digits_betas, latent_dim=GRIDS["digits"].latent_dim),
                   where="post", color="C0", label=r"predicted from the digits' own $\zeta_i^2$ ($d_1=5$)")
    for claim, (marker, colour, label) in {"training.surviving_modes_digits": ("o", "C0", "linear VAE"),
                                           "training.nonlinear_complete_collapse": ("^", "C3", "tanh VAE")}.items():
        ax_digits.plot([r["beta"] for r in counts[claim]], [r["trained"] for r in counts[claim]], marker,
                       color=colour, label=f"trained, {label}", ms=6, fillstyle="none")
    for z2 in zeta_digits[:GRIDS["digits"].latent_dim] ** 2:
        ax_digits.axvline(z2, color="0.85", lw=0.8, ls="--", zorder=0)
    ax_digits.set(xscale="log", xlabel=r"$\beta$", ylabel="active units",
                  title="scikit-learn's digits / 16 (dashed: the thresholds $\\zeta_i^2$)")
    ax_digits.legend(fontsize=7)
    fig.supxlabel("\n".join(f"{c}: {v.status.value}" for c, v in verdicts.items()), fontsize=7, color="0.3")
    fig.savefig(path)
    agree = sum(r["trained"] == r["predicted"] for c in LINEAR_COUNT_CLAIMS for r in counts[c])
    total = sum(len(counts[c]) for c in LINEAR_COUNT_CLAIMS)
    tanh = counts["training.nonlinear_complete_collapse"]
    tanh_agree = sum(r["trained"] == r["predicted"] for r in tanh)
    return PlotResult("training", Path(path), f"theory against SGD training: {agree} of {total} trained counts of "
                      f"linear VAEs equal the prediction (the tanh VAE on digits: {tanh_agree} of {len(tanh)}); "
                      + ", ".join(f"{c} {v.status.value}" for c, v in verdicts.items()))


def plot_all(out_dir: str | Path, zeta: Sequence[float] = MNIST_TOP5_ZETA, *, force: bool = False, eta_enc: float = 1.0,
             eta_dec: float = 1.0, latent_dim: int | None = None, target_dim: int | None = None,
             residual: float = 0.0) -> list[PlotResult]:
    """Write the figures (FILES) into ``out_dir``, an existing or creatable directory.

    Every argument is checked before anything is drawn (``plot_options``; SymbolicVAEError names the argument, e.g.
    ``eta_dec``), and so is ``out_dir``: without ``force`` none of the files may exist; with ``force`` only
    they are replaced, other files stay. The figures are drawn into temporary files next to their targets and moved
    into place at the end, so a failure leaves ``out_dir`` as it was. A skipped figure (no verified kernel) writes
    no file and leaves an existing one as it is.

    The default ``zeta`` is MNIST_TOP5_ZETA, the square roots of the values WZ22 Sec. 5 prints as MNIST's top 5
    (they are zeta_i^2, eigenvalues of E[x x^T]: claim mnist.top5_are_eigenvalues_of_A).
    """
    from symbolic_vae._report.output import StagedOutput

    options = plot_options(zeta, eta_enc=eta_enc, eta_dec=eta_dec, latent_dim=latent_dim, target_dim=target_dim,
                           residual=residual)
    if not isinstance(force, (bool, np.bool_)):
        raise SymbolicVAEError(f"force: expected True or False, got {type(force).__name__} {force!r}")
    out = check.output_directory("out_dir", out_dir, files=FILES.values(), force=bool(force),
                                 force_name="force=True (--force on the command line)")
    z, d1 = options.zeta, options.latent_dim
    draw = {
        "phase": lambda path: phase_diagram(z, path, eta_enc=options.eta_enc, latent_dim=d1),
        "G": lambda path: decoder_variance_plot(z, path, latent_dim=d1, target_dim=options.target_dim,
                                                residual=options.residual),
        "sweep": lambda path: beta_sweep(z, path, eta_enc=options.eta_enc, eta_dec=options.eta_dec, latent_dim=d1),
        "training": training_plot,
    }
    results = []
    with StagedOutput(out) as staged:
        for name, figure in draw.items():
            result = figure(staged.path(FILES[name]))
            if result.path is None:
                staged.discard(FILES[name])
                if (out / FILES[name]).exists():
                    result = dataclasses.replace(result, message=f"{result.message} (the existing "
                                                 f"{out / FILES[name]} is left as it was)")
            else:
                result = dataclasses.replace(result, path=staged.target(FILES[name]))
            results.append(result)
        staged.commit()
    return results
