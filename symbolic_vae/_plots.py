"""Figures from the verified closed forms (matplotlib, Agg): the phase diagram of surviving modes over
(beta, eta_dec), G(s) for a learnable decoder variance, and the loss and sigma_i* over beta (like the paper's Fig. 1).

Every figure is drawn from kernels only, so every curve carries the verdict of the claim it comes from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ._errors import SymbolicVAEError
from ._kernels import check_spectrum, kernel, kernel_sources, minimal_loss, surviving_modes

MNIST_TOP5 = (5.12, 3.74, 3.25, 2.84, 2.57)  # Wang & Ziyin 2022, Sec. 5: the top-5 zeta_i of MNIST
G_KERNEL, S_STAR_KERNEL = "decoder_variance_G", "optimal_decoder_variance"
REGIME_KERNEL, ALIVE_KERNEL = "decoder_variance_regime", "decoder_variance_surviving_modes"
FILES = {"phase": "phase_diagram.png", "G": "decoder_variance_G.png", "sweep": "loss_and_sigma_over_beta.png"}


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


def _spectrum(zeta: Sequence[float] | np.ndarray) -> np.ndarray:
    z = check_spectrum(np.asarray(zeta, dtype=float))
    if z.ndim != 1:
        raise SymbolicVAEError(f"zeta: expected one spectrum [d], got shape {z.shape}")
    if not np.any(z > 0):
        raise SymbolicVAEError("zeta: all zero, nothing to plot")
    return z


def _modes(n: int) -> str:
    return f"{n} mode" + ("" if n == 1 else "s")


def _zeta_text(z: np.ndarray) -> str:
    return "[" + ", ".join(f"{v:.3g}" for v in z) + "]"


@dataclass(frozen=True)
class PhaseGrid:
    """Surviving modes ``count`` [eta, beta] on the log grids ``betas`` x ``etas`` (eta_dec)."""

    betas: np.ndarray
    etas: np.ndarray
    count: np.ndarray


def phase_grid(zeta: Sequence[float], *, eta_enc: float = 1.0, latent_dim: int | None = None, points: int = 241
               ) -> PhaseGrid:
    """Surviving modes (learnable Sigma, symbolic_vae.surviving_modes) over beta in [0.1, 100] and an eta_dec range
    centred on the boundaries beta eta_dec^2 = zeta_i^2."""
    z = _spectrum(zeta)
    d1 = z.size if latent_dim is None else latent_dim
    positive = z[z > 0]
    betas = np.geomspace(1e-1, 1e2, points)
    centre = np.sqrt(positive.max() * positive.min() / np.sqrt(betas[0] * betas[-1]))
    etas = np.geomspace(centre / 5, centre * 5, points)
    B, E = np.meshgrid(betas, etas)
    return PhaseGrid(betas, etas, surviving_modes(np.broadcast_to(z, (*B.shape, z.size)), B, eta_enc, E,
                                                  latent_dim=d1))


def phase_diagram(zeta: Sequence[float], path: str | Path, *, eta_enc: float = 1.0, latent_dim: int | None = None,
                  points: int = 241) -> PlotResult:
    """Number of surviving modes (learnable Sigma) over a log grid of (beta, eta_dec), with the boundaries
    beta eta_dec^2 = zeta_i^2."""
    z = _spectrum(zeta)
    d1 = z.size if latent_dim is None else latent_dim
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
    bar = fig.colorbar(mesh, ax=ax, ticks=range(d1 + 1))
    bar.set_label("surviving latent modes")
    for i, zi in enumerate(z[:d1]):
        if zi > 0:
            ax.plot(betas, zi / np.sqrt(betas), color="white", lw=1.2, ls="--")
            at = float(np.clip((zi / (etas[0] * 1.25)) ** 2, betas[0] * 1.2, betas[-1] / 1.2))
            ax.annotate(rf"$\zeta_{i + 1}$", (at, zi / np.sqrt(at)), fontsize=8, ha="center", va="center",
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8})
    ax.axhline(1.0, color="red", lw=0.8, ls=":")
    ax.set(xscale="log", yscale="log", xlabel=r"$\beta$", ylabel=r"$\eta_{dec}$", ylim=(etas[0], etas[-1]),
           title=f"Surviving modes at the global minimum (learnable $\\Sigma$)\n$\\zeta$ = {_zeta_text(z)}")
    fig.supxlabel(f"kernel mode_survives from claim {source.claim} ({source.status.value}); dashed: "
                  r"$\beta\eta_{dec}^2=\zeta_i^2$; dotted: $\eta_{dec}=1$", fontsize=7, color="0.3")
    fig.savefig(path)
    return PlotResult("phase", Path(path), f"surviving modes over beta in [{betas[0]:g}, {betas[-1]:g}] x eta_dec in "
                      f"[{etas[0]:.3g}, {etas[-1]:.3g}], d1 = {d1}, from {source.claim} ({source.status.value})")


def _cmap(name: str, n: int) -> Any:
    from matplotlib import colormaps

    return colormaps[name].resampled(n)


def decoder_variance_plot(zeta: Sequence[float], path: str | Path, *,
                          betas: Sequence[float] = (0.5, 1.0, 1.1, 1.4, 3.0), latent_dim: int | None = None,
                          target_dim: int | None = None, residual: float = 0.0) -> PlotResult:
    """G(s) = min over (U, W, Sigma) of the loss at decoder variance s = eta_dec^2, for a few beta, with its
    minimizer eta_dec*^2 -- only if verified kernels for G and its minimizer exist."""
    z = _spectrum(zeta)
    names = (G_KERNEL, S_STAR_KERNEL, REGIME_KERNEL, ALIVE_KERNEL)
    missing = [n for n in names if n not in kernel_sources()]
    if missing:
        return PlotResult("G", None, f"skipped: no kernel {', '.join(missing)} offered yet (learnable decoder "
                          "variance not derived)")
    try:
        G, s_star, regime, alive = (kernel(n) for n in names)
    except SymbolicVAEError as err:
        return PlotResult("G", None, f"skipped: {err}")
    d1 = z.size if latent_dim is None else latent_dim
    d2 = z.size if target_dim is None else target_dim
    positive = z[z > 0] ** 2
    s = np.geomspace(positive.min() / max(betas) / 8, positive.max() / min(betas) * 8, 600)
    fig = _figure(7.2, 5.2)
    ax = fig.add_subplot()
    colours = _cmap("plasma", len(betas) + 1)
    notes = []
    for j, b in enumerate(betas):
        colour = colours(j)
        values = G(z, b, d1, d2, s, residual=residual)
        star, kind = float(s_star(z, b, d1, d2, residual=residual)), int(regime(z, b, d1, d2, residual=residual))
        n_alive = int(alive(z, b, d1, d2, residual=residual))
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
            ax.plot([star], [float(G(z, b, d1, d2, star, residual=residual))], "o", color=colour, ms=7, mec="black")
    lo = min(float(np.min(G(z, b, d1, d2, s, residual=residual))) for b in betas)
    hi = max(float(G(z, b, d1, d2, s[-1], residual=residual)) for b in betas)
    ax.set(xscale="log", xlabel=r"$s=\eta_{dec}^2$", ylabel=r"$G(s)=\min_{U,W,\Sigma} L^{LDV}$",
           ylim=(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo)),
           title=f"Learnable decoder variance: $G(s)$ and its minimizer\n$\\zeta$ = {_zeta_text(z)}")
    ax.legend(fontsize=7, loc="lower right")
    fig.supxlabel(f"d1 = {d1}, d2 = {d2}, c = {residual:g}; dots: minimizers; thick: an interval of minimizers\n"
                  f"{G_KERNEL} from {G.claim} ({G.status.value}); {S_STAR_KERNEL} from {s_star.claim} "
                  f"({s_star.status.value})", fontsize=7, color="0.3")
    fig.savefig(path)
    return PlotResult("G", Path(path), "G(s) for beta in {" + ", ".join(f"{b:g}" for b in betas) + "}: "
                      + "; ".join(notes) + f" (from {G.claim}, {s_star.claim})")


def beta_sweep(zeta: Sequence[float], path: str | Path, *, eta_enc: float = 1.0, eta_dec: float = 1.0,
               latent_dim: int | None = None, points: int = 800) -> PlotResult:
    """min L_VAE and sigma_i* over beta (learnable Sigma), with the predicted collapse thresholds, like Fig. 1."""
    z = _spectrum(zeta)
    d1 = z.size if latent_dim is None else latent_dim
    top = float(z.max() ** 2 / eta_dec**2)
    betas = np.linspace(top / points, 1.25 * top, points)
    Z = np.broadcast_to(z, (points, z.size))
    loss = minimal_loss(Z, betas, eta_enc, eta_dec, latent_dim=d1)
    sigma_kernel = kernel("sigma_star")
    latent = np.concatenate([z[:d1], np.zeros(max(0, d1 - z.size))])
    sigma = sigma_kernel(np.broadcast_to(latent, (points, d1)), betas, eta_enc, eta_dec)
    loss_source = kernel("mode_loss")
    fig = _figure(7.2, 6.0)
    ax_loss, ax_sigma = fig.subplots(2, 1, sharex=True)
    ax_loss.plot(betas, loss, color="black", lw=1.6)
    ax_loss.set(ylabel=r"$\min L_{VAE}$ (no log-partition)",
                title=f"Loss and encoder std over $\\beta$ (y = x)\n$\\zeta$ = {_zeta_text(z)}")
    colours = _cmap("tab10", max(d1, 1))
    for i in range(d1):
        ax_sigma.plot(betas, sigma[:, i], color=colours(i), lw=1.4, label=rf"$\sigma_{{{i + 1}}}^*$")
    ax_sigma.set(xlabel=r"$\beta$", ylabel=r"$\sigma_i^*$")
    ax_sigma.legend(fontsize=8, ncol=min(d1, 5), loc="lower right")
    for ax in (ax_loss, ax_sigma):
        for zi in z[:d1]:
            if zi > 0:
                ax.axvline(zi**2 / eta_dec**2, color="0.5", lw=0.8, ls="--")
    fig.supxlabel(f"eta_enc = {eta_enc:g}, eta_dec = {eta_dec:g}, d1 = {d1}; minimal_loss from {loss_source.claim} "
                  f"({loss_source.status.value}), sigma_star from {sigma_kernel.claim} ({sigma_kernel.status.value})\n"
                  r"dashed: predicted collapse $\beta=\zeta_i^2/\eta_{dec}^2$", fontsize=7, color="0.3")
    fig.savefig(path)
    return PlotResult("sweep", Path(path), f"min L_VAE and sigma_i* over beta in (0, {betas[-1]:.3g}], thresholds "
                      + ", ".join(f"{zi**2 / eta_dec**2:.3g}" for zi in z[:d1] if zi > 0))


def plot_all(out_dir: str | Path, zeta: Sequence[float] = MNIST_TOP5, *, force: bool = False, eta_enc: float = 1.0,
             eta_dec: float = 1.0, latent_dim: int | None = None, target_dim: int | None = None,
             residual: float = 0.0) -> list[PlotResult]:
    """Write the three figures into ``out_dir`` (existing files are kept unless ``force``)."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise SymbolicVAEError(f"-o: {out_dir} exists and is not a directory")
    existing = [str(out_dir / f) for f in FILES.values() if (out_dir / f).exists()]
    if existing and not force:
        raise SymbolicVAEError(f"-o: {', '.join(existing)} exists; pass --force to overwrite")
    z = _spectrum(zeta)
    if latent_dim is not None and latent_dim < 1:
        raise SymbolicVAEError(f"--latent-dim: must be a positive integer, got {latent_dim}")
    if target_dim is not None and target_dim < z.size:
        raise SymbolicVAEError(f"--target-dim: must be at least the number of zeta ({z.size}), got {target_dim}")
    if not np.isfinite(residual) or residual < 0:
        raise SymbolicVAEError(f"--residual: must be finite and >= 0, got {residual}")
    out_dir.mkdir(parents=True, exist_ok=True)
    return [
        phase_diagram(z, out_dir / FILES["phase"], eta_enc=eta_enc, latent_dim=latent_dim),
        decoder_variance_plot(z, out_dir / FILES["G"], latent_dim=latent_dim, target_dim=target_dim,
                              residual=residual),
        beta_sweep(z, out_dir / FILES["sweep"], eta_enc=eta_enc, eta_dec=eta_dec, latent_dim=latent_dim),
    ]
