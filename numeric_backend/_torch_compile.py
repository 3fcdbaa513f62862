"""Elementwise SymPy expressions as torch callables (eager or ``torch.compile``d) and backend selection by name.

The translation is ``to_torch``'s table (``TORCH_TRANSLATION``) plus ``Heaviside`` and ``false``; here it runs
elementwise on broadcastable tensors of any shape ([..., d] spectra with [..., 1] parameters) instead of on [B]
batches. ``compile_torch`` wraps it in ``torch.compile`` on one two-axis layout [rows, d] (the batch axes
flattened into one dynamic row axis, so a new batch size or rank does not recompile) with a persistent Inductor
cache directory, so a new process starts warm. ``compile_expression`` picks a backend by name and converts numpy
arrays at the boundary.

Piecewise is a chain of ``torch.where`` from the last branch: every branch is computed everywhere, and the untaken
values (possibly inf or NaN) are discarded, so forward values equal numpy's; gradients through an untaken branch
that is undefined there are not meaningful. An element that satisfies no branch is NaN in torch; the
``compile_expression`` boundary turns that into the numpy backend's error.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import math
import os
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import sympy

from numeric_backend._environment import INDUCTOR_CACHE_ENV, cache_name, variable
from numeric_backend._errors import fail
from numeric_backend._numpy_compile import _all_finite, _as_arrays, to_numpy
from numeric_backend._torch_graph import _graph_module, batch_axes
from numeric_backend._validate import check_arguments, check_expression

BACKENDS: tuple[str, ...] = ("numpy", "torch", "torch-compiled")
"""Backend names accepted by ``compile_expression``."""

TORCH_REQUIREMENT = "torch==2.13.0"


def torch_cache_dir(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """The persistent Inductor cache directory: ``cache_dir``, else $<PREFIX>_TORCH_CACHE, else
    ``$XDG_CACHE_HOME/<cache name>/torch-inductor`` (``~/.cache/...`` when XDG_CACHE_HOME is unset); the prefix and
    the cache name are those of ``use_environment``."""
    if cache_dir is not None:
        return Path(cache_dir).expanduser().resolve()
    if os.environ.get(variable("TORCH_CACHE")):
        return Path(os.environ[variable("TORCH_CACHE")]).expanduser().resolve()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return (Path(base) / cache_name() / "torch-inductor").resolve()


def require_torch(argument: str = "backend") -> Any:
    """Import torch, or raise NumericBackendError naming ``argument`` and the pinned install command."""
    try:
        import torch
    except ImportError:
        raise fail(argument, f"needs torch, which is not importable; install it with "
                             f"`pip install {TORCH_REQUIREMENT}` (a CPU build; other versions pull CUDA)") from None
    return torch


def _check_elementwise(expr: Any, args: Sequence[Any]) -> tuple[sympy.Expr, tuple[sympy.Symbol, ...]]:
    """``expr`` as a scalar SymPy expression and ``args`` as a tuple of distinct Symbols covering its free symbols."""
    expr = check_expression(expr)
    if getattr(expr, "is_Matrix", False) or isinstance(expr, sympy.MatrixBase):
        raise fail("expr", f"expected a scalar (elementwise) expression, received a matrix {type(expr).__name__}; "
                           f"use to_torch for matrix expressions")
    arg_tuple = check_arguments(args, (sympy.Symbol,), "Symbols", "Symbols")
    missing = expr.free_symbols - set(arg_tuple)
    if missing:
        raise fail("args", f"missing free symbols {sorted(map(str, missing))}")
    return expr, arg_tuple


def _expand(result: Any, tensors: Sequence[Any]) -> Any:
    """``result`` expanded to the broadcast shape of ``tensors`` (a view; usually already that shape)."""
    import torch

    shape = torch.broadcast_shapes(*(t.shape for t in tensors)) if tensors else torch.Size()
    return result if result.shape == shape else result.expand(shape)


class TorchElementwiseFunction:
    """Eager torch evaluation of an elementwise expression: ``f(*tensors) -> tensor`` of the broadcast shape."""

    def __init__(self, expr: sympy.Expr, args: tuple[sympy.Symbol, ...]) -> None:
        require_torch("backend")
        self.expr, self.args = expr, args
        self.module = _graph_module(expr, args)

    def __repr__(self) -> str:
        return f"TorchElementwiseFunction({self.expr}, args={self.args})"

    def __call__(self, *tensors: Any) -> Any:
        if len(tensors) != len(self.args):
            raise fail("tensors", f"expected {len(self.args)} tensors (one per arg {self.args}), received "
                                  f"{len(tensors)}")
        return _expand(self.module(*tensors), tensors)


@contextlib.contextmanager
def _inductor_cache(directory: Path) -> Iterator[None]:
    """Point Inductor's on-disk caches (FX graph, AOTAutograd, compiled kernels) at ``directory`` meanwhile."""
    if os.environ.get(INDUCTOR_CACHE_ENV) == str(directory):
        yield
        return
    directory.mkdir(parents=True, exist_ok=True)
    try:
        from torch._inductor.runtime.cache_dir_utils import temporary_cache_dir
    except ImportError:  # older layouts: the environment variable alone
        previous = os.environ.get(INDUCTOR_CACHE_ENV)
        os.environ[INDUCTOR_CACHE_ENV] = str(directory)
        try:
            yield
        finally:
            if previous is None:
                os.environ.pop(INDUCTOR_CACHE_ENV, None)
            else:
                os.environ[INDUCTOR_CACHE_ENV] = previous
        return
    with temporary_cache_dir(str(directory)):
        yield


_COMPILE_LOCK = threading.Lock()


def rows_layout(shape: Sequence[int]) -> tuple[int, int]:
    """(rows, width) of the two-axis layout of a broadcast shape: width is the last axis (the mode axis d) of a
    >= 2-d shape and 1 otherwise, rows the product of the other axes (1 for a 0-d shape)."""
    if len(shape) >= 2:
        return math.prod(shape[:-1]), int(shape[-1])
    return (int(shape[0]) if shape else 1), 1


def _broadcast_shape(shapes: Sequence[Sequence[int]]) -> tuple[int, ...] | None:
    """numpy's broadcast of ``shapes`` (None if they do not broadcast), without the cost of torch.broadcast_shapes."""
    rank = max(map(len, shapes), default=0)
    out = [1] * rank
    for shape in shapes:
        for axis, n in enumerate(shape, rank - len(shape)):
            if n != 1:
                if out[axis] != 1 and out[axis] != n:
                    return None
                out[axis] = n
    return tuple(out)


def as_rows(tensors: Sequence[Any], shape: Sequence[int]) -> tuple[tuple[Any, ...], int, int]:
    """``tensors`` (broadcastable to ``shape``) as 2-d tensors that broadcast like them, and the (rows, width) of
    the call: each [rows or 1, width or 1], views where they can be.

    (rows, width) is ``rows_layout(shape)``, or (its product, 1) when every tensor is either whole or a single
    element (nothing broadcasts along one axis only, so the width need not be compiled in). Axes broadcast by stride
    0 are cut back to size 1 (so they broadcast inside the kernel instead of being read); batch axes broadcast only
    in part are materialized; a row-major tensor keeps its row stride (a column of a wider array stays a view), any
    other layout with width > 1 is copied. Strides of size-1 axes are made canonical, so that one layout always
    reaches the compiler the same way.
    """
    rank = len(shape)
    unbroadcast = []
    for tensor in tensors:
        t = tensor[(None,) * (rank - tensor.dim())] if tensor.dim() < rank else tensor
        for axis in range(rank):
            if t.shape[axis] > 1 and t.stride(axis) == 0:
                t = t.narrow(axis, 0, 1)
        unbroadcast.append(t)
    rows, width = rows_layout(shape)
    if width > 1 and all(t.numel() == 1 or tuple(t.shape) == tuple(shape) for t in unbroadcast):
        rows, width = rows * width, 1
    lead = rank - 1 if rank >= 2 and width > 1 else rank
    out = []
    for t in unbroadcast:
        n = 1 if all(size == 1 for size in t.shape[:lead]) else rows
        if n != 1 and tuple(t.shape[:lead]) != tuple(shape[:lead]):
            t = t.expand(*shape[:lead], *t.shape[lead:])
        t_width = int(t.shape[-1]) if lead < rank else 1
        t = t.reshape(n, t_width)
        row_stride, column_stride = t.stride()
        if t_width > 1 and column_stride != 1:
            out.append(t.contiguous())
            continue
        column_stride = 1
        if n == 1:
            row_stride = t_width
        if (row_stride, column_stride) != t.stride():
            t = t.as_strided((n, t_width), (row_stride, column_stride), t.storage_offset())
        out.append(t)
    return tuple(out), rows, width


def _writes_out(graph: Any) -> bool:
    """Whether a traced graph still contains the write into its ``out`` argument (a ``copy_``)."""
    return any(node.op in ("call_method", "call_function")
               and getattr(node.target, "__name__", node.target) in ("copy_", "copy_.default")
               for node in graph.graph.nodes)


class CompiledTorchFunction:
    """``torch.compile``d elementwise expression: ``f(*tensors, out=None) -> tensor`` of the broadcast shape.

    One float64 tensor per arg, any broadcastable shapes (e.g. zeta [..., d] with beta [..., 1]); with ``out``
    (a float64 tensor of the broadcast shape) the result is written there.

    The compiled kernels never see the callers' shapes: every call is brought to one two-axis layout (``as_rows``):
    the batch axes of the broadcast shape [..., d] flattened into one row axis, the mode axis d kept (a shape of
    rank 0 or 1 has width 1), each argument [rows or 1, d or 1]; when every argument is either whole or a single
    element, the two axes are one, [rows * d, 1]. So a kernel compiled for one batch rank serves every rank, and no
    0-d tensor reaches Dynamo (it would trace a 0-d float64 CPU input as a symbolic float, then restart its
    analysis and, on the restart, delete the write into a 0-d ``out``: a silent no-op). With ``dynamic`` the row axis
    is compiled as a symbolic size, so a new batch size or rank reuses the kernel; the width (the mode axis d) is
    specialized so that Inductor vectorizes over it.

    Each layout key (see ``_key``: dtype, device, which arguments have one row, their widths, non-contiguous
    strides, storage aliasing) gets its own ``torch.compile`` of its own copy of the traced module, so Dynamo keeps
    one entry per compiled code object and its recompile limit is never reached however many keys a process meets.
    Compilations read and write the persistent Inductor cache in ``cache_dir``, run in-process
    (``compile_threads=1``: on a small machine a worker pool costs more than it saves) and trust the CPU's vector ISA
    flags instead of probing the compiler (if the C++ compiler then fails, they compile again with Inductor's
    probes). ``compilations`` counts the graphs handed to Inductor.
    """

    def __init__(self, expr: sympy.Expr, args: tuple[sympy.Symbol, ...], *, dynamic: bool, cache_dir: Path,
                 ahead_of_time: bool = True) -> None:
        torch = require_torch("backend")
        self.expr, self.args, self.dynamic, self.cache_dir = expr, args, dynamic, cache_dir
        self.compilations = 0
        self.ahead_of_time = ahead_of_time
        self._modules = {False: _graph_module(expr, args), True: _graph_module(expr, args, with_out=True)}
        self._compiled: dict[tuple[Any, ...], Callable[..., Any]] = {}  # torch.compile imports Dynamo: when needed
        self._packaged: dict[tuple[Any, ...], Callable[[list[Any]], Any]] = {}
        self._torch = torch

    def _jit(self, key: tuple[Any, ...]) -> Callable[..., Any]:
        """The compiled function of ``key``: ``torch.compile`` of a fresh copy of the traced module (a code object
        of its own, so that Dynamo's cache entries and recompile limit are per key)."""
        if key not in self._compiled:
            with_out = key[0]
            module = copy.deepcopy(self._modules[with_out])
            self._compiled[key] = self._torch.compile(
                module, backend=functools.partial(self._backend, with_out=with_out),
                dynamic=None if self.dynamic else False, fullgraph=True)
        return self._compiled[key]

    def __repr__(self) -> str:
        return f"CompiledTorchFunction({self.expr}, args={self.args}, cache_dir={str(self.cache_dir)!r})"

    def _backend(self, graph: Any, example_inputs: list[Any], *, with_out: bool = False) -> Callable[..., Any]:
        """Inductor, reading and writing this function's cache directory (Dynamo calls it once per graph). A graph
        that lost its write into ``out`` is refused (a compiled kernel would silently leave ``out`` as it was)."""
        from torch._inductor.compile_fx import compile_fx

        if with_out and not _writes_out(graph):
            raise RuntimeError(f"the graph Dynamo traced for {sympy.sstr(self.expr)[:80]} lost its write into out")
        with _inductor_cache(self.cache_dir):
            self.compilations += 1
            return compile_fx(graph, example_inputs)

    def _key(self, tensors: tuple[Any, ...], with_out: bool) -> tuple[Any, ...]:
        """What decides whether a call (in the [rows, width] layout) can reuse a compiled kernel: the layout Dynamo
        guards on (dtype, device, one row or many, width, strides unless contiguous, which arguments share storage),
        not the number of rows (with ``dynamic``)."""
        storages: dict[int, int] = {}
        layout = []
        for i, t in enumerate(tensors):
            rows, width = t.shape
            contiguous = t.is_contiguous()
            alias = storages.setdefault(t.untyped_storage().data_ptr(), i) if len(tensors) > 1 else i
            layout.append((t.dtype, t.device, t.requires_grad, rows == 1 if self.dynamic else rows, width,
                           None if contiguous else t.stride(), alias))
        return (with_out, *layout)

    def _first_call(self, tensors: tuple[Any, ...], with_out: bool, key: tuple[Any, ...]) -> Any:
        """A call with a new key: the ahead-of-time package of this key if the cache holds one (no Dynamo import),
        else torch.compile; then queue the package for later processes (see ``_aot_package``)."""
        from numeric_backend._aot_package import load_package, package_path, request_package

        packageable = self.ahead_of_time and self.dynamic and all(t.is_contiguous() for t in tensors)
        path = package_path(self.cache_dir, self.expr, self.args, key) if packageable else None
        runner = load_package(path) if path is not None else None
        if runner is not None:
            try:
                result = runner(list(tensors))
            except RuntimeError:  # e.g. a size outside the exported range: compile instead
                pass
            else:
                self._packaged[key] = runner
                return result
        result = self._compile_and_call(tensors, key)
        if path is not None:
            with contextlib.suppress(OSError):  # e.g. a read-only cache: the compiled kernel works without a package
                request_package(self.cache_dir, self.expr, self.args, with_out, [tuple(t.shape) for t in tensors],
                                path)
        return result

    def _compile_and_call(self, tensors: tuple[Any, ...], key: tuple[Any, ...]) -> Any:
        """torch.compile with the row axis marked dynamic (unless it has size 1), under this module's compile
        options."""
        import torch._dynamo
        import torch._inductor.config as inductor_config

        if self.dynamic:
            for tensor in tensors:
                for axis in batch_axes(tuple(tensor.shape)):
                    torch._dynamo.mark_dynamic(tensor, axis)
        dynamo_options = torch._dynamo.config.patch(automatic_dynamic_shapes=False)
        with _inductor_cache(self.cache_dir), dynamo_options, warnings.catch_warnings():
            # torch's own deprecated internals warn while Inductor is imported; not the caller's concern
            warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"torch\.")
            try:
                with inductor_config.patch({"compile_threads": 1, "cpp.vec_isa_ok": True}):
                    return self._jit(key)(*tensors)
            except Exception as err:  # e.g. a C++ compiler without AVX-512: let Inductor probe what builds
                if "CppCompileError" not in f"{type(err).__name__}: {err}":
                    raise
                from torch._inductor import cpu_vec_isa

                cpu_vec_isa.valid_vec_isa_list.cache_clear()
                with inductor_config.patch({"compile_threads": 1}):
                    return self._jit(key)(*tensors)

    def _run(self, call: tuple[Any, ...], with_out: bool) -> Any:
        """Evaluate on tensors in the [rows, width] layout (``out``, if any, last)."""
        key = self._key(call, with_out)
        packaged = self._packaged.get(key)
        if packaged is not None:
            try:
                return packaged(list(call))
            except RuntimeError:  # a size the package was not exported for: compile this key after all
                del self._packaged[key]
                with _COMPILE_LOCK:
                    return self._compile_and_call(call, key)
        compiled = self._compiled.get(key)
        if compiled is not None:
            return compiled(*call)
        with _COMPILE_LOCK:
            return self._first_call(call, with_out, key)

    def __call__(self, *tensors: Any, out: Any = None) -> Any:
        if len(tensors) != len(self.args):
            raise fail("tensors", f"expected {len(self.args)} tensors (one per arg {self.args}), received "
                                  f"{len(tensors)}")
        torch = self._torch
        for i, t in enumerate((*tensors, out)):
            if not isinstance(t, torch.Tensor) and (t is not None or i < len(tensors)):
                name = str(self.args[i]) if i < len(tensors) else "out"
                raise fail(name, f"expected a torch.Tensor, received {type(t).__name__}")
        shape = _broadcast_shape([t.shape for t in tensors] + ([] if out is None else [out.shape]))
        if shape is None:
            raise fail("tensors", f"shapes {[tuple(t.shape) for t in tensors]} do not broadcast together")
        if out is not None and shape != tuple(out.shape):
            raise fail("out", f"expected the broadcast shape {tuple(shape)}, received {tuple(out.shape)}")
        if out is not None and not out.is_contiguous():  # its [rows, width] layout would be a copy: write after
            return out.copy_(self(*tensors))
        if math.prod(shape) == 0:
            return out if out is not None else torch.empty(shape, dtype=torch.float64, device=self._device(tensors))
        call, rows, width = as_rows(tensors, shape)
        if out is not None:
            self._run((*call, out.view(rows, width)), True)
            return out
        result = self._run(call, False)
        return result.expand(rows, width).reshape(shape)

    @staticmethod
    def _device(tensors: Sequence[Any]) -> Any:
        return tensors[0].device if tensors else "cpu"


def compile_torch(
    expr: Any,
    args: Sequence[sympy.Symbol],
    *,
    dynamic: bool = True,
    cache_dir: str | os.PathLike[str] | None = None,
    ahead_of_time: bool = True,
) -> CompiledTorchFunction:
    """``torch.compile``d elementwise callable for ``expr``: f(*tensors) with broadcastable float64 tensors of any
    shape [...], returning the broadcast shape.

    ``cache_dir`` (default ``torch_cache_dir()``: $<PREFIX>_TORCH_CACHE or ~/.cache/<cache name>/torch-inductor)
    holds Inductor's persistent caches, so a later process loads the kernel instead of compiling it. Raises
    NumericBackendError naming ``backend`` when torch is not importable. With ``ahead_of_time`` (and dynamic shapes), a
    call pattern first compiled here is also packaged ahead of time by a background process, and a later process
    loads that package without importing torch's compiler (see ``numeric_backend._aot_package``).
    """
    expr, arg_tuple = _check_elementwise(expr, args)
    return CompiledTorchFunction(expr, arg_tuple, dynamic=dynamic, cache_dir=torch_cache_dir(cache_dir),
                                 ahead_of_time=ahead_of_time)


def _open_piecewise(expr: sympy.Basic) -> bool:
    """Whether some Piecewise in ``expr`` has no branch that is always taken (so NaN can mean 'no branch')."""
    return any(pw.args[-1].cond != sympy.true for pw in expr.atoms(sympy.Piecewise))


class NumpyBoundary:
    """A torch backend behind numpy: ``f(*arrays) -> float64 ndarray`` of the broadcast shape (a new array).

    Inputs are converted to float64, checked for NaN/inf (as the numpy backend does; ``check_finite=False`` skips
    that read of every input when the caller has validated them) and passed to torch without a copy; the compiled
    backend writes into a numpy allocation, the eager one's result comes back without a copy when it can.
    """

    def __init__(self, function: Callable[..., Any], expr: sympy.Expr, args: tuple[sympy.Symbol, ...],
                 backend: str, check_finite: bool = True) -> None:
        self.function, self.expr, self.args, self.backend = function, expr, args, backend
        self.check_finite = check_finite
        self._open_piecewise = _open_piecewise(expr)

    def __repr__(self) -> str:
        return f"NumpyBoundary({self.backend!r}, {self.expr}, args={self.args})"

    def __call__(self, *values: Any) -> np.ndarray:
        import torch

        arrays, shape = _as_arrays(self.args, values)
        if self.check_finite:
            for symbol, arr in zip(self.args, arrays, strict=True):
                if not _all_finite(arr):
                    raise fail(str(symbol), "contains NaN or inf")
        if not arrays:
            return np.full(shape, float(self.expr))
        if all(a.flags.writeable for a in arrays):
            tensors = [torch.from_numpy(a) for a in arrays]
        else:
            with warnings.catch_warnings():  # read-only inputs (broadcast views) are only read
                warnings.simplefilter("ignore", UserWarning)
                tensors = [torch.from_numpy(a) for a in arrays]
        if isinstance(self.function, CompiledTorchFunction):  # write into numpy's (huge-page backed) allocation
            out = np.empty(shape)
            self.function(*tensors, out=torch.from_numpy(out))
            return self._check_open_piecewise(out)
        out = self.function(*tensors).numpy()
        if out.shape != shape or not out.flags.c_contiguous or any(np.may_share_memory(out, a) for a in arrays):
            out = np.array(np.broadcast_to(out, shape), dtype=np.float64, order="C")
        return self._check_open_piecewise(out)

    def _check_open_piecewise(self, out: np.ndarray) -> np.ndarray:
        if self._open_piecewise:
            missing = np.isnan(out)
            if missing.any():
                raise fail("inputs", f"{int(missing.sum())} elements satisfy no branch of {sympy.sstr(self.expr)[:80]}"
                                     f" (or evaluate to NaN)")
        return out


def compile_expression(
    expr: Any,
    args: Sequence[sympy.Symbol],
    backend: str = "numpy",
    *,
    check_finite: bool = True,
    cache_dir: str | os.PathLike[str] | None = None,
) -> Callable[..., np.ndarray]:
    """Elementwise callable ``f(*arrays) -> float64 ndarray`` for ``expr`` on the named backend.

    ``backend``: "numpy" (``to_numpy``: branch-safe, no torch needed), "torch" (eager, the ``to_torch`` table) or
    "torch-compiled" (``compile_torch``; ``cache_dir`` as there). Arrays broadcast (e.g. zeta [..., d] with
    beta [..., 1]) and the result has the broadcast shape. Inputs containing NaN/inf raise NumericBackendError naming
    the argument; ``check_finite=False`` skips that check (one read of every input) for callers that validated
    them already. A point where no Piecewise branch applies raises on every backend.
    """
    if not isinstance(backend, str) or backend not in BACKENDS:
        raise fail("backend", f"expected one of {', '.join(repr(b) for b in BACKENDS)}, received {backend!r}")
    expr, arg_tuple = _check_elementwise(expr, args)
    return COMPILERS[backend](expr, arg_tuple, check_finite=check_finite, cache_dir=cache_dir)


Compiler = Callable[..., Callable[..., np.ndarray]]
"""``compiler(expr, args, *, check_finite, cache_dir) -> f(*arrays) -> float64 ndarray`` (checked inputs)."""


def _numpy_compiler(expr: sympy.Expr, args: tuple[sympy.Symbol, ...], *, check_finite: bool,
                    cache_dir: str | os.PathLike[str] | None) -> Callable[..., np.ndarray]:
    """The "numpy" backend: ``to_numpy`` (``cache_dir`` is not used)."""
    return to_numpy(expr, args, check_finite=check_finite)


def _torch_compiler(expr: sympy.Expr, args: tuple[sympy.Symbol, ...], *, check_finite: bool,
                    cache_dir: str | os.PathLike[str] | None) -> Callable[..., np.ndarray]:
    """The "torch" backend: eager ``TorchElementwiseFunction`` behind a ``NumpyBoundary``."""
    require_torch("backend")
    return NumpyBoundary(TorchElementwiseFunction(expr, args), expr, args, "torch", check_finite)


def _compiled_torch_compiler(expr: sympy.Expr, args: tuple[sympy.Symbol, ...], *, check_finite: bool,
                             cache_dir: str | os.PathLike[str] | None) -> Callable[..., np.ndarray]:
    """The "torch-compiled" backend: ``compile_torch`` (persistent cache ``cache_dir``) behind a ``NumpyBoundary``."""
    require_torch("backend")
    return NumpyBoundary(compile_torch(expr, args, cache_dir=cache_dir), expr, args, "torch-compiled", check_finite)


COMPILERS: dict[str, Compiler] = {
    "numpy": _numpy_compiler,
    "torch": _torch_compiler,
    "torch-compiled": _compiled_torch_compiler,
}
"""Backend name -> compiler; ``compile_expression`` dispatches through it (its keys are ``BACKENDS``)."""
assert tuple(COMPILERS) == BACKENDS, "backend table out of sync"
