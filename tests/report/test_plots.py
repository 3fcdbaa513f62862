"""Figures: the phase grid against the learnable-eta_dec kernels, its labels, the PNGs, skipping figures, bad input."""

import numpy as np
import pytest

from symbolic_vae import SymbolicVAEError
from symbolic_vae._cli import main
from symbolic_vae._report import plots as _plots

ZETA = np.array(_plots.MNIST_TOP5_ZETA)


def _png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _kernel(name):
    from symbolic_vae import kernel

    return kernel(name)


PHASE_CASES = pytest.mark.parametrize(("zeta", "sizes"), [
    (ZETA, {}), ([9.0, 3.0, 2.9, 1.0, 0.5, 0.1, 0.0], {"target_dim": 20}), (ZETA, {"latent_dim": 2})])
"""Spectra and sizes of the phase-diagram tests: the default, a zero with d2 > d, and d1 < d."""


def _phase_case(zeta, sizes):
    """The spectrum, d1, d2 and the 41 x 41 phase grid of one case."""
    z = np.asarray(zeta)
    return (z, sizes.get("latent_dim", z.size), sizes.get("target_dim", z.size),
            _plots.phase_grid(z, points=41, **sizes))


@PHASE_CASES
def test_phase_grid_is_the_learnable_surviving_modes_kernel(zeta, sizes):
    z, d1, d2, grid = _phase_case(zeta, sizes)
    assert grid.count.shape == (41, 41) and (grid.latent_dim, grid.target_dim) == (d1, d2)
    alive = _kernel(_plots.ALIVE_KERNEL)
    rng = np.random.default_rng(0)
    rows, cols = rng.integers(0, 41, 60), rng.integers(0, 41, 60)
    expected = alive(z, beta=grid.betas[cols], residual=grid.residuals[rows], latent_dim=d1, target_dim=d2)
    assert np.array_equal(grid.count[rows, cols], expected)
    assert np.array_equal(grid.zero_count, alive(z, beta=grid.betas, residual=0.0, latent_dim=d1, target_dim=d2))
    # fewer modes survive at a larger beta and at a larger residual; every count from 0 to hat d1 is on the plot
    assert (np.diff(grid.count, axis=1) <= 0).all() and (np.diff(grid.count, axis=0) <= 0).all()
    assert (grid.zero_count >= grid.count[0]).all()
    modes = int((z[:d1] > 0).sum())
    assert grid.count.min() == 0 and grid.count.max() == modes == grid.zero_count.max()


@PHASE_CASES
def test_phase_curves_are_the_colour_boundaries_and_the_thresholds_formula(zeta, sizes):
    z, d1, d2, grid = _phase_case(zeta, sizes)
    below = grid.betas[None, :, None] < grid.thresholds[:, None, :]  # mode p alive iff beta < beta_p(c)
    assert np.array_equal(grid.count, below.sum(axis=-1))
    assert np.array_equal(grid.zero_count, (grid.betas[:, None] < grid.zero_thresholds[None, :]).sum(axis=-1))
    z2 = np.concatenate([z**2, np.zeros(max(0, d1 - z.size))])
    for c, row in ((0.0, grid.zero_thresholds), (grid.residuals[7], grid.thresholds[7])):
        R = c + np.array([z2[p + 1:].sum() for p in range(d1)])  # R_p = c + sum_{i>p} zeta_i^2
        p = np.arange(1, d1 + 1)
        formula = np.zeros(d1)  # 0 for a zero mode: collapsed at every beta
        np.divide(d2 * z2[:d1], p * z2[:d1] + R, out=formula, where=z2[:d1] > 0)
        assert np.allclose(row, formula, rtol=1e-12)
    assert np.isclose(grid.norm2, float((z**2).sum()), rtol=1e-15)
    # no minimizer only at c = 0 with R = sum_{i>d1} zeta_i^2 = 0 and beta hat d_1 < d2
    tail = float((z[d1:] ** 2).sum())
    modes = int((z[:d1] > 0).sum())
    assert np.array_equal(grid.no_minimizer, (tail == 0) & (grid.betas * modes < d2))
    assert grid.no_minimizer.any() == (tail == 0)
    regime = _kernel(_plots.REGIME_KERNEL)(z, beta=grid.betas, residual=0.0, latent_dim=d1, target_dim=d2)
    assert np.array_equal(grid.no_minimizer, regime == 0)


def test_spread_keeps_order_and_gap():
    assert np.allclose(_plots._spread([0.1, 0.5, 0.9], 0.05), [0.1, 0.5, 0.9])  # far apart: unmoved
    out = _plots._spread([0.30, 0.31, 0.305, 0.9, 0.0, 0.001], 0.05)
    order = np.argsort([0.30, 0.31, 0.305, 0.9, 0.0, 0.001], kind="stable")
    assert (np.diff(out[order]) >= 0.05 - 1e-12).all() and out.min() >= 0.0 and out.max() <= 1.0
    assert np.isclose(out[[0, 2, 1]].mean(), np.mean([0.30, 0.305, 0.31]))  # a run is centred on its targets
    crowded = _plots._spread(np.full(30, 0.5), 0.05)  # too many for the gap: it shrinks to fit
    assert np.isclose(crowded.min(), 0.0) and np.isclose(crowded.max(), 1.0)


@pytest.mark.parametrize(("zeta", "sizes"), [(ZETA, {}), (np.geomspace(2.0, 1.9, 12), {}),
                                             ([9.0, 3.0, 2.9, 1.0, 0.5, 0.1, 0.0], {"target_dim": 20})])
def test_phase_threshold_labels_do_not_overlap(zeta, sizes):
    from matplotlib.text import Text

    z = np.asarray(zeta)
    grid = _plots.phase_grid(z, points=41, **sizes)
    kernels = _plots._phase_kernels()
    fig = _plots._phase_figure(grid, z, kernels, residual=None)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    labels = [t for t in fig.findobj(Text) if t.get_gid() == "threshold label"]
    assert len(labels) == min(int((z > 0).sum()), _plots._LABELLED_MODES)
    boxes = [Text.get_window_extent(t, renderer) for t in labels]  # the text, without its leader line
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), f"{a} overlaps {b}"
    title = fig.axes[0].title.get_window_extent(renderer)
    assert all(not box.overlaps(title) for box in boxes)


def test_phase_diagram_is_skipped_without_the_learnable_kernels(tmp_path, monkeypatch):
    monkeypatch.setattr(_plots, "kernel_sources", dict)
    result = _plots.phase_diagram(ZETA, tmp_path / "phase.png")
    assert result.path is None and "skipped" in result.message and not (tmp_path / "phase.png").exists()
    with pytest.raises(SymbolicVAEError, match="^zeta: no phase diagram"):
        _plots.phase_grid(ZETA)


def test_plot_writes_three_pngs(tmp_path, capsys):
    assert main(["plot", "-o", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for name in _plots.FILES.values():
        width, height = _png_size(tmp_path / name)
        assert width > 600 and height > 500
    assert "phase:" in out and "sweep:" in out and "thresholds 5.12, 3.74, 3.25, 2.84, 2.57" in out
    assert "thresholds at c = 0: 1.461, 1.159, 1.072, 1.019, 1;" in out  # d2 zeta_p^2 / (p zeta_p^2 + R_p)
    assert main(["plot", "-o", str(tmp_path)]) == 2  # existing figures, no --force
    assert "--force" in capsys.readouterr().err
    assert main(["plot", "-o", str(tmp_path), "--force", "--zeta", "2", "1", "--latent-dim", "3"]) == 0


def test_G_is_skipped_without_a_verified_kernel(tmp_path, monkeypatch):
    monkeypatch.setattr(_plots, "kernel_sources", dict)
    result = _plots.decoder_variance_plot(ZETA, tmp_path / "G.png")
    assert result.path is None and "skipped" in result.message and not (tmp_path / "G.png").exists()


def test_G_plot_marks_the_verified_minimizer(tmp_path):
    if _plots.S_STAR_KERNEL not in _plots.kernel_sources():
        pytest.skip("no decoder-variance kernels yet")
    result = _plots.decoder_variance_plot(ZETA, tmp_path / "G.png", betas=(0.5, 1.1))
    assert result.path is not None and _png_size(result.path)[0] > 600
    assert "beta=0.5: no minimizer" in result.message and "beta=1.1: s*=3.093, 2 modes alive" in result.message
    # s* = R_k/(d2 - beta k) with k = 2: (3.25 + 2.84 + 2.57)/(5 - 2.2)


@pytest.mark.parametrize("zeta", [[1.0, 2.0], [-1.0], [0.0, 0.0]])
def test_bad_spectra(tmp_path, zeta):
    with pytest.raises(SymbolicVAEError, match="zeta"):
        _plots.plot_all(tmp_path, zeta)
    assert main(["plot", "-o", str(tmp_path / "x"), "--zeta", *map(str, zeta)]) == 2


def test_the_default_spectrum_is_the_printed_mnist_values_read_as_zeta_squared():
    assert np.allclose(np.square(_plots.MNIST_TOP5_ZETA), (5.12, 3.74, 3.25, 2.84, 2.57), rtol=1e-15)
    z = np.asarray(_plots.MNIST_TOP5_ZETA)
    assert "MNIST's $\\zeta_i^2$ = [5.12, 3.74, 3.25, 2.84, 2.57]" in _plots._zeta_text(z)
    assert "mnist.top5_are_eigenvalues_of_A, CHECKED" in _plots._spectrum_source(z)
    assert _plots._spectrum_source(np.asarray(_plots.MNIST_TOP5_ZETA2)) == ""  # not the default: no note
