"""Figures from the verified closed forms (matplotlib, Agg): the phase diagram of surviving modes with a learnable
decoder variance over (beta, residual c), G(s) for a learnable decoder variance, and the loss and sigma_i* over beta
(like the paper's Fig. 1).

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
from symbolic_vae._kernels.build import (
    DecoderVarianceRegime,
    check_spectrum,
    kernel,
    kernel_sources,
    minimal_loss,
)
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


THRESHOLD_KERNEL = "decoder_variance_collapse_thresholds"
PHASE_KERNELS = (ALIVE_KERNEL, REGIME_KERNEL, THRESHOLD_KERNEL)
"""The learnable-eta_dec kernels of the phase diagram: the surviving modes (colours), the regime of G (the
no-minimizer segment at c = 0) and the collapse thresholds beta_p(c) (the curves)."""

PHASE_DECADES_BELOW = 2.0
"""The residual axis starts this many decades below min_p (p zeta_p^2 + sum_{i>p} zeta_i^2) / ||Z||_F^2, where every
threshold beta_p(c) is still within ~1% of beta_p(0)."""
PHASE_TOP_RATIO = 10.0
"""The residual axis ends at c = PHASE_TOP_RATIO ||Z||_F^2, where beta_p(c) ~ d2 zeta_p^2 / c for every p."""
_LABEL_GAP = 0.05  # the least distance of two threshold labels, in axes fractions (a label is ~0.03 wide)


@dataclass(frozen=True)
class PhaseGrid:
    """Surviving modes with a learnable decoder variance eta_dec (kernel decoder_variance_surviving_modes) on the log
    grids ``betas`` [B] x ``residuals`` [C] (c = E||y||^2 - ||Z||_F^2 > 0): ``count`` [C, B]; on the row c = 0:
    ``zero_count`` [B] and ``no_minimizer`` [B] (kernel decoder_variance_regime is NO_MINIMIZER: G -> -oo as
    s -> 0); the collapse thresholds beta_p(c) (kernel decoder_variance_collapse_thresholds) ``thresholds`` [C, d1]
    and ``zero_thresholds`` [d1] (0 for a mode that is collapsed at every beta)."""

    betas: np.ndarray
    residuals: np.ndarray
    count: np.ndarray
    zero_count: np.ndarray
    no_minimizer: np.ndarray
    thresholds: np.ndarray
    zero_thresholds: np.ndarray
    latent_dim: int
    target_dim: int
    norm2: float
    """||Z||_F^2 = sum zeta_i^2: the unit of the residual axis."""


def _phase_kernels() -> tuple[Any, ...] | str:
    """The kernels PHASE_KERNELS, or why they cannot be built (not offered, or their claim did not pass)."""
    missing = [n for n in PHASE_KERNELS if n not in kernel_sources()]
    if missing:
        return f"no kernel {', '.join(missing)} offered yet (learnable decoder variance not derived)"
    try:
        return tuple(kernel(n) for n in PHASE_KERNELS)
    except SymbolicVAEError as err:
        return str(err)


def phase_grid(zeta: Sequence[float], *, latent_dim: int | None = None, target_dim: int | None = None,
               points: int = 241) -> PhaseGrid:
    """Surviving modes with a learnable eta_dec over a log grid of beta and of the residual c, c / ||Z||_F^2 from
    PHASE_DECADES_BELOW decades below the smallest relative denominator p zeta_p^2 + R_p(0) to PHASE_TOP_RATIO, and
    beta from half the smallest threshold at the top to twice the largest at c = 0 (computed a block
    of rows at a time, so that memory stays small for many modes). Raises SymbolicVAEError when the
    learnable-eta_dec kernels are not verified."""
    z = _spectrum(zeta)
    d1 = _latent_dim(latent_dim) or z.size
    d2 = _target_dim(target_dim, z) or z.size
    points = _points("points", points, "phase")
    kernels = _phase_kernels()
    if isinstance(kernels, str):
        raise SymbolicVAEError(f"zeta: no phase diagram: {kernels}")
    alive, regime, thresholds = kernels
    sizes = {"latent_dim": d1, "target_dim": d2}
    z2 = z**2
    norm2 = float(z2.sum())
    tails = np.concatenate([np.cumsum(z2[::-1])[::-1][1:], [0.0]])  # sum_{i>p} zeta_i^2
    denominators = (np.arange(1, z.size + 1) * z2 + tails)[:d1][z2[:d1] > 0]
    low_ratio = float(min(denominators.min() / norm2, 1.0)) * 10.0 ** -PHASE_DECADES_BELOW
    residuals = norm2 * np.geomspace(low_ratio, PHASE_TOP_RATIO, points)
    zero_thresholds = thresholds(z, residual=0.0, **sizes)
    top = thresholds(z, residual=residuals[-1], **sizes)
    betas = np.geomspace(top[top > 0].min() / 2, zero_thresholds.max() * 2, points)
    count = np.empty((points, points), dtype=np.int64)
    rows = max(1, _GRID_CHUNK // (points * max(d1, z.size)))
    for first in range(0, points, rows):
        B, C = np.meshgrid(betas, residuals[first:first + rows])
        count[first:first + rows] = alive(z, beta=B, residual=C, **sizes)
    no_minimizer = regime(z, beta=betas, residual=0.0, **sizes) == int(DecoderVarianceRegime.NO_MINIMIZER)
    return PhaseGrid(betas, residuals, count, alive(z, beta=betas, residual=0.0, **sizes), no_minimizer,
                     thresholds(z, residual=residuals, **sizes), zero_thresholds, d1, d2, norm2)


def _spread(targets: Sequence[float], gap: float, low: float = 0.0, high: float = 1.0) -> np.ndarray:
    """Positions in [low, high] as close as possible to ``targets`` (in their order) with at least ``gap`` between
    neighbours: overlapping labels are merged into runs centred on their targets' mean (the gap shrinks when they do
    not fit)."""
    t = np.asarray(targets, dtype=float)
    if t.size == 0:
        return t
    gap = min(gap, (high - low) / max(t.size - 1, 1))
    order = np.argsort(t, kind="stable")
    runs: list[list[int]] = []  # runs of indices into order, each laid out at gap from its start

    def start(run: list[int]) -> float:
        centre = float(t[order[run]].mean())
        return float(np.clip(centre - gap * (len(run) - 1) / 2, low, high - gap * (len(run) - 1)))

    for k in range(t.size):
        runs.append([k])
        while len(runs) > 1 and start(runs[-1]) < start(runs[-2]) + gap * len(runs[-2]) - 1e-12:
            runs[-2:] = [runs[-2] + runs[-1]]
    out = np.empty(t.size)
    for run in runs:
        first = start(run)
        for j, k in enumerate(run):
            out[order[k]] = first + j * gap
    return out


def _phase_figure(grid: PhaseGrid, z: np.ndarray, kernels: tuple[Any, ...], residual: float | None) -> Any:
    """The figure of ``phase_diagram`` (threshold labels have gid "threshold label", for the tests)."""
    from matplotlib.colors import BoundaryNorm

    alive, regime, thresholds = kernels
    d1, d2 = grid.latent_dim, grid.target_dim
    betas, ratios = grid.betas, grid.residuals / grid.norm2
    fig = _figure(7.2, 6.4)
    ax, strip = fig.subplots(2, 1, sharex=True, height_ratios=(12, 1))
    levels = np.arange(-0.5, d1 + 1.5)
    cmap = _cmap("viridis", d1 + 1)
    norm = BoundaryNorm(levels, cmap.N)
    mesh = ax.pcolormesh(betas, ratios, grid.count, cmap=cmap, norm=norm, shading="auto", rasterized=True)
    middles = np.sqrt(betas[1:] * betas[:-1])
    edges = np.concatenate([[betas[0] ** 2 / middles[0]], middles, [betas[-1] ** 2 / middles[-1]]])
    strip.pcolormesh(edges, [0.0, 1.0], grid.zero_count[None, :], cmap=cmap, norm=norm, rasterized=True)
    bar = fig.colorbar(mesh, ax=[ax, strip], ticks=range(0, d1 + 1, -(-(d1 + 1) // 21)))
    bar.set_label(r"surviving latent modes at $\eta_{dec}^{*}$")
    drawn = [p for p in range(d1) if grid.zero_thresholds[p] > 0]
    wide = len(drawn) <= _LABELLED_MODES
    for p in drawn:
        ax.plot(grid.thresholds[:, p], ratios, color="white", lw=0.9 if wide else 0.4)
        strip.axvline(grid.zero_thresholds[p], color="white", lw=0.9 if wide else 0.4)
    labelled = drawn[:_LABELLED_MODES]
    span = np.log(betas[-1] / betas[0])
    at = [float(np.log(grid.thresholds[-1, p] / betas[0]) / span) for p in labelled]
    for p, x in zip(labelled, _spread(at, _LABEL_GAP), strict=True):
        ax.annotate(rf"$\beta_{{{p + 1}}}$", (grid.thresholds[-1, p], ratios[-1]), xytext=(x, 1.035),
                    textcoords="axes fraction", fontsize=8, ha="center", va="bottom", annotation_clip=False,
                    gid="threshold label", arrowprops={"arrowstyle": "-", "color": "0.3", "lw": 0.6,
                                                       "shrinkA": 0, "shrinkB": 0})
    if grid.no_minimizer.any():
        edge = float(betas[grid.no_minimizer].max())
        strip.fill_betweenx([0.0, 1.0], betas[0], edge, facecolor="none", edgecolor="red", hatch="////", lw=0.0)
        strip.text(np.sqrt(betas[0] * edge), 0.5, "no minimizer", color="red", fontsize=7, ha="center", va="center",
                   bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85})
    if residual is not None and ratios[0] <= residual / grid.norm2 <= ratios[-1]:
        ax.axhline(residual / grid.norm2, color="red", lw=0.8, ls=":")
    ax.set(xscale="log", yscale="log", ylabel=r"$c\,/\,\|Z\|_F^2$,  $c = E\|y\|^2 - \|Z\|_F^2$",
           ylim=(ratios[0], ratios[-1]))
    ax.set_title(f"Surviving modes with a learnable decoder variance $\\eta_{{dec}}$ ($d_1$ = {d1}, $d_2$ = {d2})\n"
                 f"$\\zeta$ = {_zeta_text(z)}", pad=30)
    strip.set(xscale="log", xlabel=r"$\beta$", yticks=[], xlim=(betas[0], betas[-1]), ylim=(0.0, 1.0))
    strip.set_ylabel("c = 0", rotation=0, ha="right", va="center", fontsize=8)
    zero = ("hatched: no minimizer of G (G -> -oo as s -> 0)" if grid.no_minimizer.any() else
            "G has a minimizer everywhere (c + sum_{i>d1} zeta_i^2 > 0)")
    lines = [f"colours: {alive.name}, claim {alive.claim} ({alive.status.value})",
             "white: mode p collapses for beta >= beta_p(c) = d2 zeta_p^2 / (p zeta_p^2 + c + sum_{i>p} zeta_i^2),",
             f"kernel {thresholds.name}, claim {thresholds.claim} ({thresholds.status.value})",
             f"strip: c = 0 (y = x when d2 = len(zeta)); {zero},",
             f"kernel {regime.name}, claim {regime.claim} ({regime.status.value})"]
    if len(drawn) > len(labelled):
        lines.append(f"labelled: the first {len(labelled)} of {len(drawn)} curves")
    if residual is not None and residual > 0:
        lines.append(f"dotted: c = {residual:g}, the c of the G(s) figure")
    fig.supxlabel("\n".join(lines) + _spectrum_source(z), fontsize=7, color="0.3")
    return fig


def phase_diagram(zeta: Sequence[float], path: str | Path, *, latent_dim: int | None = None,
                  target_dim: int | None = None, residual: float | None = None, points: int = 241) -> PlotResult:
    """Surviving modes with a learnable decoder variance over a log grid of (beta, c / ||Z||_F^2), c = E||y||^2 -
    ||Z||_F^2 (``phase_grid``), with the collapse thresholds beta_p(c) drawn and labelled, a strip for c = 0 with
    the no-minimizer segment hatched, and a dotted line at ``residual`` (the c of the G(s) figure) -- only if the
    verified learnable-eta_dec kernels exist."""
    z = _spectrum(zeta)
    d1 = _latent_dim(latent_dim) or z.size
    d2 = _target_dim(target_dim, z) or z.size
    c = None if residual is None else _residual(residual)
    kernels = _phase_kernels()
    if isinstance(kernels, str):
        return PlotResult("phase", None, f"skipped: {kernels}")
    grid = phase_grid(z, latent_dim=d1, target_dim=d2, points=points)
    _phase_figure(grid, z, kernels, c).savefig(path)
    ratios = grid.residuals / grid.norm2
    positive = [f"{b:.4g}" for b in grid.zero_thresholds if b > 0]
    zero = ", ".join(positive[:_LABELLED_MODES]) + (f", ... ({len(positive)} modes)" if len(positive) >
                                                   _LABELLED_MODES else "")
    none = (f"no minimizer at c = 0 for beta <= {grid.betas[grid.no_minimizer].max():.4g} on the grid"
            if grid.no_minimizer.any() else "a minimizer everywhere")
    claims = sorted({k.claim for k in kernels})
    return PlotResult("phase", Path(path), f"surviving modes (learnable eta_dec) over beta in [{grid.betas[0]:.3g}, "
                      f"{grid.betas[-1]:.3g}] x c/||Z||_F^2 in [{ratios[0]:.3g}, {ratios[-1]:.3g}] and c = 0, d1 = "
                      f"{d1}, d2 = {d2}; thresholds at c = 0: {zero}; {none} (from {', '.join(claims)})")


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
        "phase": lambda path: phase_diagram(z, path, latent_dim=d1, target_dim=options.target_dim,
                                            residual=options.residual),
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
