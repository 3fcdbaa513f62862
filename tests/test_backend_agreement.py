"""The numpy, torch and torch-compiled backends of every kernel agree, unbatched and at any batch rank.

Regressions of two torch-compiled defects: an unbatched call (every input 0-d) returned the untouched output buffer
(Dynamo traced the 0-d float64 inputs as symbolic floats, restarted its analysis and dropped the write into the 0-d
``out``), and each new batch rank compiled once more until Dynamo's recompile limit (8) raised.

Kernels are taken through ``symbolic_vae.kernel`` with the claim verdict stubbed as passing: computing the verdicts
takes minutes (they are tested with their claims), and the backends are what is compared here. Compilations use a
fresh cache directory of this module and build no ahead-of-time packages. Each torch-compiled kernel costs a few
Inductor compilations (one for single elements, one per broadcast pattern), so the sweep over every kernel compiles
a representative subset (``COMPILED_SWEEP``: a per-mode kernel with a per-mode argument, the spectrum kernels of the
reported defect, the origin Hessian and the linear VAE ELBO) and compares the rest on numpy and torch; set
SYMBOLIC_VAE_FULL_BACKEND_SWEEP=1 to compile every kernel (about ten minutes on a busy machine).
"""

from __future__ import annotations

import os
import types
from typing import Any

import numpy as np
import pytest
from helpers import assert_close

import symbolic_vae as sv
from symbolic_vae import _kernels
from symbolic_vae._verdict import Status

torch = pytest.importorskip("torch")

BACKENDS = ("numpy", "torch", "torch-compiled")
RTOL = 1e-12
SOURCES = sv.kernel_sources()
ROWS = 8
UNBATCHED_ROWS = (0, 3)
COMPILED_SWEEP = {"lambda_fixed_sigma", "optimal_decoder_variance", "decoder_variance_regime",
                  "origin_hessian_min_eigenvalue", "linear_vae_elbo"}
FULL_SWEEP = os.environ.get("SYMBOLIC_VAE_FULL_BACKEND_SWEEP", "0") not in ("", "0")


@pytest.fixture(scope="module", autouse=True)
def fresh_cache_and_passing_verdicts(tmp_path_factory: pytest.TempPathFactory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SYMBOLIC_VAE_TORCH_CACHE", str(tmp_path_factory.mktemp("torch-cache")))
        patch.setenv("SYMBOLIC_VAE_TORCH_AOT", "0")
        patch.setattr(_kernels, "claim_verdict",
                      lambda claim: types.SimpleNamespace(status=Status.CHECKED, corrected_by=None))
        patch.setattr(_kernels, "_COMPILED", {})
        yield


def _on_every_backend(name: str, *args: Any, backends: tuple[str, ...] = BACKENDS, **kwargs: Any
                      ) -> dict[str, np.ndarray]:
    """Kernel ``name`` at the same arguments on each backend (torch-compiled first: its first call compiles)."""
    return {backend: np.asarray(sv.kernel(name, backend)(*args, **kwargs), dtype=np.float64)
            for backend in reversed(backends)}


def _assert_agree(values: dict[str, np.ndarray], what: str) -> None:
    want = values["numpy"]
    for backend in set(values) - {"numpy"}:
        assert values[backend].shape == want.shape, (what, backend, values[backend].shape, want.shape)
        try:
            assert_close(values[backend], want, rel=RTOL)
        except AssertionError as err:
            raise AssertionError(f"{what} on {backend}: {err}") from None


# --- the reported reproducer -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "expected"), [("optimal_decoder_variance", 10 / 3), ("decoder_variance_regime", 2)])
def test_unbatched_decoder_variance_kernels_agree(name: str, expected: float):
    """zeta = (3, 2, 1), beta = 1.5, d1 = 2, d2 = 3: s* = (2^2 + 1^2)/(3 - 1.5) = 10/3 in regime 2 (not 0)."""
    values = _on_every_backend(name, np.array([3.0, 2.0, 1.0]), 1.5, 2, 3)
    assert values["numpy"].shape == () and np.isclose(values["numpy"], expected, rtol=1e-15, atol=0)
    _assert_agree(values, f"{name} unbatched")
    again = np.asarray(sv.kernel(name, "torch-compiled")(np.array([3.0, 2.0, 1.0]), 1.5, 2, 3))
    assert np.isclose(again, expected, rtol=1e-15, atol=0)  # the compiled kernel, called once more


@pytest.mark.parametrize("name", ["optimal_decoder_variance", "decoder_variance_regime"])
def test_batched_decoder_variance_kernels_agree(name: str):
    zeta = np.array([[3.0, 2.0, 1.0], [3.0, 2.0, 0.0], [1.0, 1.0, 0.5], [2.0, 0.0, 0.0]])
    beta = np.array([1.5, 1.5, 0.7, 3.0])
    residual = np.array([0.0, 0.5, 0.0, 1.0])
    for z, b, c in ((zeta, beta, residual), (zeta.reshape(2, 2, 3), beta.reshape(2, 2), residual.reshape(2, 2)),
                    (zeta[:1], beta[:1], residual[:1])):
        _assert_agree(_on_every_backend(name, z, b, 2, 3, residual=c), f"{name} at zeta {z.shape}")


# --- batch ranks 0..9 on one compiled kernel -----------------------------------------------------------------------

def test_origin_hessian_kernel_at_batch_ranks_zero_to_nine():
    from symbolic_vae._origin_hessian import _compiled_min_eigenvalue

    rng = np.random.default_rng(0)
    compiled = sv.kernel("origin_hessian_min_eigenvalue", "torch-compiled")
    numpy_kernel = sv.kernel("origin_hessian_min_eigenvalue", "numpy")
    before = _compiled_min_eigenvalue("torch-compiled").function.compilations
    for rank in range(10):
        batch = (2,) * rank
        zeta = -np.sort(-rng.uniform(0.0, 1.5, (*batch, 3)), axis=-1)
        sigma2 = rng.uniform(0.2, 2.0, (*batch, 2))
        beta, eta_dec = rng.uniform(0.5, 2.0, (2, *batch))
        got = compiled(zeta, sigma2, beta, 1.3, eta_dec)
        want = numpy_kernel(zeta, sigma2, beta, 1.3, eta_dec)
        assert got.shape == want.shape == batch
        assert_close(got, want, rel=RTOL)
    # one kernel for single elements (rank 0), one for every other rank and size
    assert _compiled_min_eigenvalue("torch-compiled").function.compilations - before <= 2


# --- every kernel on its own samples -------------------------------------------------------------------------------

def _row(value: Any, i: int) -> Any:
    """Row i of a batched argument (an array with the batch axis first); sizes and other scalars unchanged."""
    return value[i] if isinstance(value, np.ndarray) else value


def _as_rank_two(value: Any) -> Any:
    """A batched argument with its ROWS rows as a (2, ROWS // 2) batch."""
    return value.reshape(2, ROWS // 2, *value.shape[1:]) if isinstance(value, np.ndarray) else value


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_every_kernel_agrees_across_backends(name: str):
    """Batched (ROWS rows of the kernel's own sample), rows alone (unbatched) and the batch as rank two."""
    compiled = FULL_SWEEP or name in COMPILED_SWEEP
    backends = BACKENDS if compiled else BACKENDS[:2]
    args, kwargs = SOURCES[name].sample(np.random.default_rng(1), ROWS)
    batched = _on_every_backend(name, *args, backends=backends, **kwargs)
    assert batched["numpy"].shape[0] == ROWS
    _assert_agree(batched, f"{name} batched")
    for i in UNBATCHED_ROWS:
        row = _on_every_backend(name, *(_row(a, i) for a in args), backends=backends,
                                **{k: _row(v, i) for k, v in kwargs.items()})
        assert row["numpy"].shape == batched["numpy"].shape[1:]
        _assert_agree(row, f"{name} row {i}")
        assert_close(row[backends[-1]], batched["numpy"][i], rel=RTOL)
    if not compiled:
        return
    rank_two = sv.kernel(name, "torch-compiled")(*map(_as_rank_two, args),
                                                 **{k: _as_rank_two(v) for k, v in kwargs.items()})
    assert_close(rank_two, _as_rank_two(batched["numpy"]), rel=RTOL)
