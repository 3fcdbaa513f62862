"""Figures: the phase grid against the boundaries beta eta_dec^2 = zeta_i^2, the PNGs, skipping G(s), bad input."""

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


def test_phase_grid_matches_the_boundaries():
    grid = _plots.phase_grid(ZETA, points=61)
    B, E = np.meshgrid(grid.betas, grid.etas)
    expected = (ZETA[None, None, :] ** 2 > (B * E**2)[..., None]).sum(axis=-1)
    assert np.array_equal(grid.count, expected)
    assert grid.count.min() == 0 and grid.count.max() == ZETA.size  # both extremes are on the plot
    assert np.array_equal(_plots.phase_grid(ZETA, points=61, latent_dim=2).count, np.minimum(expected, 2))


def test_plot_writes_three_pngs(tmp_path, capsys):
    assert main(["plot", "-o", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for name in _plots.FILES.values():
        width, height = _png_size(tmp_path / name)
        assert width > 600 and height > 500
    assert "phase:" in out and "sweep:" in out and "thresholds 5.12, 3.74, 3.25, 2.84, 2.57" in out
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
