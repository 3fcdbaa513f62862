"""KernelSpec (kernels as typed data) and ``compiled``, the one memoized compile site of kernel expressions."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import sympy as sp

from symbolic_vae._engine import kernel_spec as ks
from symbolic_vae._engine.kernel_spec import KernelSpec, SpectrumArgument, compiled

x, y, zeta = sp.symbols("x y zeta")


def _builder(spectrum: np.ndarray, *, backend: str = "numpy") -> np.ndarray:
    return np.asarray(spectrum).sum(axis=-1)


def test_compiled_builds_once_per_key_and_backend(monkeypatch):
    monkeypatch.setattr(ks, "_COMPILED", {})
    calls = []

    def forms():
        calls.append(1)
        return (x * y, x + y), (x, y)

    first = compiled(("test", 1), forms, "numpy")
    again = compiled(("test", 1), forms, "numpy")
    assert first is again and len(calls) == 1 and len(first) == 2
    np.testing.assert_allclose(first[0](np.array([2.0, 3.0]), 4.0), [8.0, 12.0])
    np.testing.assert_allclose(first[1](np.array([2.0, 3.0]), 4.0), [6.0, 7.0])
    compiled(("test", 2), forms, "numpy")
    compiled(("test", 1), forms, "numpy", check_finite=True)
    assert len(calls) == 3 and ks.compiled_count() == 3


def test_check_finite_is_the_callers_choice(monkeypatch):
    monkeypatch.setattr(ks, "_COMPILED", {})
    (checked,) = compiled("checked", lambda: ((x + 1,), (x,)), "numpy", check_finite=True)
    (unchecked,) = compiled("unchecked", lambda: ((x + 1,), (x,)), "numpy")
    assert np.isnan(unchecked(np.array([np.nan]))).all()
    with pytest.raises(Exception, match="x"):
        checked(np.array([np.nan]))


def test_a_failed_compilation_is_not_memoized(monkeypatch):
    """Negative control: an expression with a free symbol outside its arguments is rejected, and nothing is kept."""
    monkeypatch.setattr(ks, "_COMPILED", {})
    with pytest.raises(Exception, match="free symbols"):
        compiled("bad", lambda: ((x * y,), (x,)), "numpy")
    assert ks.compiled_count() == 0


def test_kernel_spec_per_mode_and_spectrum():
    per_mode = KernelSpec("double", "some.claim", "2 zeta", expr=2 * zeta, args=[zeta])
    assert per_mode.per_mode and per_mode.args == (zeta,) and per_mode.full_description == "2 zeta"
    spectrum = KernelSpec("total", "some.claim", "sum of the spectrum", builder=_builder,
                          spectrum=SpectrumArgument.EIGENVALUES, zero_eigenvalues="all n, zeros included")
    assert not spectrum.per_mode
    assert spectrum.full_description.startswith("sum of the spectrum. Spectrum argument: eigenvalues")
    assert spectrum.full_description.endswith("zero eigenvalues: all n, zeros included")


@pytest.mark.parametrize("fields, match", [
    ({"expr": 2 * zeta, "args": (zeta,), "builder": _builder}, "either"),
    ({}, "either"),
    ({"expr": 2 * x, "args": (x,)}, "zeta"),
    ({"expr": zeta * y, "args": (zeta,)}, "free symbols"),
    ({"builder": _builder}, "declares"),
    ({"builder": _builder, "spectrum": SpectrumArgument.SINGULAR_VALUES}, "declares"),
    ({"builder": _builder, "spectrum": "eigenvalues", "zero_eigenvalues": "all"}, "declares"),
])
def test_kernel_spec_rejects_incomplete_or_inconsistent_offers(fields, match):
    with pytest.raises(ValueError, match=match):
        KernelSpec("k", "some.claim", "description", **fields)


def _positional_builder(spectrum: np.ndarray, k: int, *, backend: str = "numpy") -> np.ndarray:
    return np.asarray(spectrum)[..., :k].sum(axis=-1)


def _keyword_builder(spectrum: np.ndarray, *, latent_dim: int, backend: str = "numpy") -> np.ndarray:
    return np.asarray(spectrum)[..., :latent_dim].sum(axis=-1)


def _reference_with_other_keyword(spectrum: list[float], *, k: int) -> float:
    return float(sum(spectrum[:k]))


def test_a_spectrum_builder_takes_every_argument_but_the_spectrum_by_keyword():
    facts = {"spectrum": SpectrumArgument.EIGENVALUES, "zero_eigenvalues": "all n"}
    with pytest.raises(ValueError, match="only positional argument and every other one keyword-only"):
        KernelSpec("partial", "some.claim", "d", builder=_positional_builder, **facts)
    with pytest.raises(ValueError, match="not arguments of the builder"):
        KernelSpec("partial", "some.claim", "d", builder=_keyword_builder, reference=_reference_with_other_keyword,
                   **facts)
    spec = KernelSpec("partial", "some.claim", "d", builder=_keyword_builder, **facts)
    np.testing.assert_allclose(spec.builder(np.array([3.0, 2.0, 1.0]), latent_dim=2), 5.0)
    with pytest.raises(ks.SymbolicVAEError, match=r"^latent_dim: keyword-only argument of kernel partial .*; call "
                                                  r"kernel\(spectrum, latent_dim=\.\.\.\)"):
        spec.builder(np.array([3.0, 2.0, 1.0]), 2)
    with pytest.raises(ks.SymbolicVAEError, match="^latent_dim: missing keyword-only argument of kernel partial"):
        spec.builder(np.array([3.0, 2.0, 1.0]))


def test_nothing_compiles_at_import():
    code = ("import symbolic_vae, symbolic_vae._report.thresholds, symbolic_vae._kernels.checks\n"
            "from symbolic_vae._engine.kernel_spec import compiled_count\nprint(compiled_count())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"
