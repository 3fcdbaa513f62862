"""compile_expression on the numpy, torch and torch-compiled backends against mpmath, at and around breakpoints.

torch.compile tests are marked slow and share module-scoped compiled functions: three compilations in all (one cold
with an out buffer, one cold on tensors, one warm from the on-disk cache), each in a temporary cache directory.
"""

import os
import sys
import warnings

import numpy as np
import pytest
import sympy as sp
from helpers import assert_close

import numeric_backend._numpy_compile as numpy_compile
from numeric_backend import (
    BACKENDS,
    NumericBackendError,
    compile_expression,
    compile_torch,
    evaluate_high_precision,
    to_numpy,
    torch_cache_dir,
)

torch = pytest.importorskip("torch")

zeta = sp.Symbol("zeta", nonnegative=True)
beta, eta = sp.symbols("beta eta", positive=True)
x = sp.Symbol("x", real=True)
ARGS = (zeta, beta, eta, x)
THRESHOLD = beta * eta**2

# Max(0, .), a Piecewise whose untaken branch divides by zero and takes log(0), a Heaviside and an indicator
EXPR = (sp.sqrt(sp.Max(0, zeta**2 - THRESHOLD)) / eta
        + sp.Piecewise((sp.log(zeta**2 / THRESHOLD) * THRESHOLD / zeta, zeta**2 > THRESHOLD), (eta, True))
        + sp.Heaviside(x) * zeta
        + sp.Piecewise((1, sp.And(x > 0, zeta > 1)), (0, True))
        + sp.Max(0, x) ** 2)
WRONG = EXPR.subs(sp.Max(0, x) ** 2, sp.Max(0, -x) ** 2)  # negative control: the hinge on the wrong side


def points(n: int, seed: int, d: int = 4) -> tuple[np.ndarray, ...]:
    """zeta [n, d] >= 0 sorted descending with zeros and ties, beta and eta [n, 1], x [n, d]; row 0 sits exactly on
    the breakpoints (zeta^2 = beta eta^2 = 4, x = 0) and row 1 one ulp either side of them."""
    rng = np.random.default_rng(seed)
    z = -np.sort(-rng.exponential(1.5, size=(n, d)), axis=1)
    z[::3, -1] = 0.0
    z[:, 1] = z[:, 0]
    b, e = rng.uniform(0.5, 2.0, size=(n, 1)), rng.uniform(0.5, 2.0, size=(n, 1))
    xs = rng.normal(size=(n, d))
    z[0], b[0], e[0], xs[0] = 2.0, 1.0, 2.0, 0.0
    z[1], b[1], e[1] = [np.nextafter(2.0, 3.0), 2.0, 2.0, np.nextafter(2.0, 1.0)][:d], 1.0, 2.0
    xs[1] = [np.nextafter(0.0, 1.0), np.nextafter(0.0, -1.0), 1e-300, -1e-300][:d]
    return z, b, e, xs


def reference(expr: sp.Expr, arrays: tuple[np.ndarray, ...]) -> np.ndarray:
    """mpmath at 30 digits, element by element over the broadcast shape, at the exact binary value of each input
    (not its shortest decimal: one ulp above a square-root breakpoint that difference is 5%)."""
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    flat = [np.broadcast_to(a, shape).ravel() for a in arrays]
    exact = [[sp.Rational(float(value)) for value in v] for v in flat]
    values = [float(evaluate_high_precision(expr, {s: v[i] for s, v in zip(ARGS, exact, strict=True)}))
              for i in range(flat[0].size)]
    return np.array(values).reshape(shape)


@pytest.fixture(scope="module")
def data() -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    arrays = points(12, seed=0)
    return arrays, reference(EXPR, arrays)


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory):
    """EXPR on the torch-compiled backend (compiled at its first call), with its cache directory."""
    cache = tmp_path_factory.mktemp("inductor-cache")
    return compile_expression(EXPR, ARGS, "torch-compiled", cache_dir=cache), cache


@pytest.mark.parametrize("backend", ["numpy", "torch"])
def test_round_trip_against_mpmath(backend, data):
    arrays, expected = data
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # untaken branches (log 0, 1/0) must stay silent
        out = compile_expression(EXPR, ARGS, backend)(*arrays)
    assert out.dtype == np.float64 and out.shape == expected.shape and out.flags.c_contiguous
    assert_close(out, expected)


def test_breakpoint_values(data):
    """Row 0 sits on every breakpoint: hinge 0, second branch eta = 2, Heaviside(0) zeta = 1, indicator 0, Max(0, 0)
    = 0, so exactly 3. Row 1 is one ulp off them: the hinge just above is about 1e-8, not 0 (the tolerance is
    far tighter than that)."""
    arrays, expected = data
    assert np.all(expected[0] == 3.0)
    assert 0 < expected[1, 0] - 3.0 < 1e-7  # Heaviside zeta + indicator = 3, plus the hinge and log branch above
    for backend in ("numpy", "torch"):
        out = compile_expression(EXPR, ARGS, backend)(*arrays)
        assert np.array_equal(out[0], expected[0])
        assert_close(out[1], expected[1], rel=1e-12)


@pytest.mark.parametrize("backend", ["numpy", "torch"])
def test_negative_control_wrong_expression_is_caught(backend, data):
    arrays, expected = data
    wrong = compile_expression(WRONG, ARGS, backend)(*arrays)
    with pytest.raises(AssertionError, match="relative gap"):
        assert_close(wrong, expected)


def test_backend_name_is_validated():
    with pytest.raises(NumericBackendError, match=r"^backend: expected one of 'numpy', 'torch', 'torch-compiled'"):
        compile_expression(x, [x], "jax")
    with pytest.raises(NumericBackendError, match="^backend:"):
        compile_expression(x, [x], None)
    assert BACKENDS == ("numpy", "torch", "torch-compiled")


def test_torch_backends_without_torch_say_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now raises ImportError
    for backend in ("torch", "torch-compiled"):
        with pytest.raises(NumericBackendError, match=r"^backend: .*pip install torch==2\.13\.0"):
            compile_expression(x, [x], backend)
    assert compile_expression(x + 1, [x], "numpy")(np.array([1.0]))[0] == 2.0


def test_argument_errors():
    with pytest.raises(NumericBackendError, match="^args: missing free symbols"):
        compile_expression(x + zeta, [x], "torch")
    with pytest.raises(NumericBackendError, match="^expr: expected a scalar"):
        compile_expression(sp.MatrixSymbol("A", 2, 2), [x], "torch")
    f = compile_expression(x * zeta, [x, zeta], "torch")
    with pytest.raises(NumericBackendError, match="^zeta: contains NaN"):
        f(np.ones(3), np.array([1.0, np.nan, 2.0]))
    with pytest.raises(NumericBackendError, match="do not broadcast"):
        f(np.ones(3), np.ones(4))


def test_check_finite_false_skips_the_input_check():
    for backend in ("numpy", "torch"):
        out = compile_expression(x * zeta, [x, zeta], backend, check_finite=False)(np.ones(3), np.array([1, np.nan, 2]))
        assert np.isnan(out[1]) and out[0] == 1.0 and out[2] == 2.0


def test_torch_piecewise_without_default_raises_like_numpy():
    expr = sp.Piecewise((x, x > 0), (-2 * x, x < -1))
    for backend in ("numpy", "torch"):
        with pytest.raises(NumericBackendError, match="^inputs: 1 elements satisfy no branch"):
            compile_expression(expr, [x], backend)(np.array([1.0, -0.5, -2.0]))


def test_cache_dir_default_and_override(monkeypatch, tmp_path):
    from numeric_backend import _environment

    # the names symbolic_vae chooses, whether or not it was imported by an earlier test (restored afterwards)
    monkeypatch.setattr(_environment, "_SETTINGS", dict(_environment._SETTINGS))
    _environment.use_environment("SYMBOLIC_VAE", "symbolic-vae")
    monkeypatch.delenv("SYMBOLIC_VAE_TORCH_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert torch_cache_dir() == (tmp_path / "xdg" / "symbolic-vae" / "torch-inductor").resolve()
    monkeypatch.setenv("SYMBOLIC_VAE_TORCH_CACHE", str(tmp_path / "env"))
    assert torch_cache_dir() == (tmp_path / "env").resolve()
    assert torch_cache_dir(tmp_path / "arg") == (tmp_path / "arg").resolve()


# --- the numpy compiler's fast paths keep the exact semantics -----------------------------------------------------

def test_numpy_blocks_and_guards_match_the_subset_path(monkeypatch):
    """Blocked evaluation (forced with tiny blocks) and guarded branches equal element-by-element evaluation."""
    arrays = points(40, seed=3)
    whole = to_numpy(EXPR, ARGS)(*arrays)
    monkeypatch.setattr(numpy_compile, "CHUNK_ELEMENTS", 8)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        blocked = to_numpy(EXPR, ARGS)(*arrays)
    one_by_one = np.array([[to_numpy(EXPR, ARGS)(*(np.broadcast_to(a, whole.shape)[i, j] for a in arrays))
                            for j in range(whole.shape[1])] for i in range(whole.shape[0])])
    assert_close(blocked, one_by_one, rel=1e-14)
    assert_close(whole, one_by_one, rel=1e-14)


def test_numpy_branch_that_overflows_where_not_taken_falls_back_silently():
    """exp(800 x) overflows wherever x > 1, where its branch is not taken: the guarded pass raises internally and
    that branch is evaluated again on its own elements only."""
    expr = sp.Piecewise((sp.exp(800 * x), x < 0.5), (x, True))
    values = np.array([-0.5, 0.0, 0.4, 2.0, 5.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            out = to_numpy(expr, [x])(values)
    assert_close(out, [np.exp(-400.0), 1.0, np.exp(320.0), 2.0, 5.0])


def test_numpy_no_branch_count_is_exact_across_blocks(monkeypatch):
    monkeypatch.setattr(numpy_compile, "CHUNK_ELEMENTS", 4)
    expr = sp.Piecewise((x, x > 0), (-x, x < -1))
    values = np.array([1.0, -0.5, 2.0, -0.25, -3.0, -0.1, 4.0, 5.0, 6.0, -0.7, 7.0, 8.0])
    with pytest.raises(NumericBackendError, match="^inputs: 4 elements satisfy no branch"):
        to_numpy(expr, [x])(values)


# --- torch.compile: three compilations in all -------------------------------------------------------------------

@pytest.mark.slow
def test_compiled_round_trip_breakpoints_and_no_recompile(compiled, data):
    """One compilation serves batch sizes 12, 5 and 37 (Dynamo's counters and the function's own count agree)."""
    from torch._dynamo.utils import counters

    function, cache = compiled
    arrays, expected = data
    graphs_before = counters["stats"]["unique_graphs"]
    out = function(*arrays)
    assert_close(out, expected)
    assert np.array_equal(out[0], expected[0])  # exactly on the breakpoints
    assert_close(out[1], expected[1], rel=1e-12)  # one ulp off them
    assert_close(out, compile_expression(EXPR, ARGS, "numpy")(*arrays), rel=1e-13)
    for n, seed in ((5, 1), (37, 2)):
        batch = points(n, seed)
        assert_close(function(*batch), compile_expression(EXPR, ARGS, "numpy")(*batch), rel=1e-13)
    assert function.function.compilations == 1
    assert counters["stats"]["unique_graphs"] - graphs_before == 1
    assert any((cache / "fxgraph").iterdir()), "the compiled graph was not written to the cache directory"


@pytest.mark.slow
def test_compiled_negative_control(compiled, data):
    function, _ = compiled
    arrays, _ = data
    with pytest.raises(AssertionError, match="relative gap"):
        assert_close(function(*arrays), reference(WRONG, arrays))


@pytest.mark.slow
def test_compile_torch_on_tensors_of_rank_three_then_warm_from_disk(tmp_path):
    """[..., d] inputs of rank 3 broadcast against [..., 1]; a new batch shape does not recompile; after Dynamo
    forgets everything, a new function loads the kernel from the on-disk cache instead of compiling it."""
    from torch._dynamo.utils import counters

    expr = sp.Piecewise((sp.sqrt(zeta**2 - THRESHOLD), zeta**2 > THRESHOLD), (0, True)) + sp.Max(0, x)
    f = compile_torch(expr, ARGS, cache_dir=tmp_path)
    numpy_f = to_numpy(expr, ARGS)
    for batch in ((2, 3), (4, 5)):
        z, b, e, xs = points(int(np.prod(batch)), seed=batch[0], d=4)
        arrays = (z.reshape(*batch, 4), b.reshape(*batch, 1), e.reshape(*batch, 1), xs.reshape(*batch, 4))
        out = f(*(torch.from_numpy(a) for a in arrays))
        assert out.shape == (*batch, 4) and out.dtype == torch.float64
        assert_close(out.numpy(), numpy_f(*arrays), rel=1e-13)
    assert f.compilations == 1
    torch._dynamo.reset()
    hits = counters["inductor"]["fxgraph_cache_hit"]
    g = compile_torch(expr, ARGS, cache_dir=tmp_path)
    assert_close(g(*(torch.from_numpy(a) for a in arrays)).numpy(), numpy_f(*arrays), rel=1e-13)
    assert counters["inductor"]["fxgraph_cache_hit"] == hits + 1


@pytest.mark.slow
def test_ahead_of_time_package_starts_a_new_process_without_the_compiler(tmp_path, monkeypatch):
    """The first call compiles and queues a package; the background builder packages it; a new process then loads
    it without importing Dynamo, at batch sizes other than the first call's, with the values of the numpy backend.
    A corrupt package is ignored (the kernel compiles instead)."""
    import json
    import subprocess

    from numeric_backend._aot_package import PACKAGE_DIR, wait_for_packages
    from numeric_backend._environment import variable

    AOT_ENV = variable("TORCH_AOT")

    monkeypatch.setenv(AOT_ENV, "1")
    expr = sp.Piecewise((sp.sqrt(zeta**2 - THRESHOLD) / eta, zeta**2 > THRESHOLD), (0, True)) + sp.Max(0, x)
    arrays = points(12, seed=3)
    compile_expression(expr, ARGS, "torch-compiled", cache_dir=tmp_path)(*arrays)
    waited = wait_for_packages(tmp_path, timeout=900)  # returns when the builder is done; slow only under load
    packages = list((tmp_path / PACKAGE_DIR).glob("*.pt2"))
    assert len(packages) == 1, (waited, (tmp_path / PACKAGE_DIR / "builder.log").read_text())

    script = (
        "import json, sys, numpy as np, sympy as sp\n"
        "from numeric_backend import compile_expression\n"
        "expr, args, cache, sizes = sp.sympify(sys.argv[1]), sp.sympify(sys.argv[2]), sys.argv[3], (12, 7, 40)\n"
        "rng = np.random.default_rng(0)\n"
        "out = []\n"
        "f = compile_expression(expr, args, 'torch-compiled', cache_dir=cache)\n"
        "for n in sizes:\n"
        "    a = (rng.uniform(0, 3, (n, 4)), rng.uniform(0.5, 2, (n, 1)), rng.uniform(0.5, 2, (n, 1)),"
        " rng.normal(size=(n, 4)))\n"
        "    gap = np.abs(f(*a) - compile_expression(expr, args, 'numpy')(*a)).max()\n"
        "    out.append(float(gap))\n"
        "print(json.dumps({'gaps': out, 'compiler': 'torch._dynamo' in sys.modules}))\n"
    )

    def fresh_process() -> dict:
        done = subprocess.run([sys.executable, "-c", script, sp.srepr(expr), sp.srepr(ARGS), str(tmp_path)],
                              capture_output=True, text=True, timeout=300, check=True, env={**os.environ, AOT_ENV: "0"})
        return json.loads(done.stdout.strip().splitlines()[-1])

    warm = fresh_process()
    assert warm["compiler"] is False and max(warm["gaps"]) < 1e-13, warm
    packages[0].write_bytes(b"not a package")
    fallback = fresh_process()
    assert fallback["compiler"] is True and max(fallback["gaps"]) < 1e-13, fallback
