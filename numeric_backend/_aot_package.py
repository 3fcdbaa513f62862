"""Ahead-of-time packages of compiled elementwise kernels, so that a new process starts warm.

A process that compiles an elementwise expression with ``torch.compile`` (Dynamo + Inductor) leaves a request in
the cache directory, and one background process per cache directory turns each request into an AOTInductor package
(``torch.export`` + ``aoti_compile_and_package``: the same Inductor C++ kernel on the same [rows, width] layout,
with a dynamic row axis). A later process loads the package with torch's C++ loader, without importing Dynamo or
Inductor at all (importing them alone takes seconds). A package that is missing, still being built or fails to load
falls back to ``torch.compile``.

Run as ``python -m numeric_backend._aot_package QUEUE_DIR`` it is that background builder. Set
``<PREFIX>_TORCH_AOT=0`` (see ``use_environment``) to build no packages.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import sympy

from numeric_backend._environment import INDUCTOR_CACHE_ENV, variable

PACKAGE_DIR = "aot"


def packaging_enabled() -> bool:
    """Whether $<PREFIX>_TORCH_AOT allows building packages ("0" disables it; loading existing ones stays on)."""
    return os.environ.get(variable("TORCH_AOT"), "1").strip() not in ("0", "false", "no", "off")


def package_path(cache_dir: Path, expr: sympy.Expr, args: Sequence[sympy.Symbol], key: tuple[Any, ...]) -> Path:
    """Where the package of ``expr`` for calls with ``key`` (per argument in the [rows, width] layout: dtype, device,
    one row or many, width, strides, aliasing; see ``CompiledTorchFunction._key``) lives: one file per expression,
    argument list, key and torch version."""
    import torch

    text = json.dumps([sympy.srepr(expr), [sympy.srepr(a) for a in args], repr(key), torch.__version__])
    return cache_dir / PACKAGE_DIR / f"{hashlib.sha256(text.encode()).hexdigest()[:32]}.pt2"


def load_package(path: Path) -> Callable[[list[Any]], Any] | None:
    """The package's runner ``run([tensors]) -> tensor`` (None if it is absent or does not load)."""
    import torch

    if not path.is_file():
        return None
    try:
        loader = torch._C._aoti.AOTIModelPackageLoader(str(path), "model", False, 1, -1)
    except Exception:  # a truncated or foreign file: compile instead
        return None

    def run(tensors: list[Any]) -> Any:
        return loader.run(tensors)[0]

    return run


def build_package(expr: sympy.Expr, args: Sequence[sympy.Symbol], with_out: bool, shapes: Sequence[Sequence[int]],
                  path: Path) -> Path:
    """Export the expression's graph for float64 inputs of ``shapes`` and compile it into an AOTInductor package at
    ``path`` (written to a temporary name first, then renamed).

    ``shapes`` are those the compiled function saw: the two-axis layout [rows, width] of ``CompiledTorchFunction``
    (see ``_torch_compile.as_rows``), whose row axis is exported as dynamic unless it has size 1, as it is compiled;
    so a package serves exactly the calls of its key, at any batch size and rank."""
    if any(len(shape) != 2 for shape in shapes):
        raise ValueError(f"expected shapes in the [rows, width] layout, received {list(shapes)}")
    import torch

    from numeric_backend._torch_graph import _graph_module, batch_axes

    module = _graph_module(expr, tuple(args), with_out=with_out)
    examples = tuple(torch.rand(tuple(shape), dtype=torch.float64) + 0.5 for shape in shapes)
    dynamic = tuple({axis: torch.export.Dim.AUTO for axis in batch_axes(shape)} for shape in shapes)
    program = torch.export.export(module, examples, dynamic_shapes=dynamic)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.stem}.{os.getpid()}.partial.pt2")
    options = {"compile_threads": 1, "aot_inductor.compile_wrapper_opt_level": "O0"}
    torch._inductor.aoti_compile_and_package(program, package_path=str(partial), inductor_configs=options)
    os.replace(partial, path)
    return path


def request_package(cache_dir: Path, expr: sympy.Expr, args: Sequence[sympy.Symbol], with_out: bool,
                    shapes: Sequence[Sequence[int]], path: Path) -> bool:
    """Queue a package build and start the background builder if none is running; False when packaging is off,
    the package exists, or an earlier build of it failed."""
    if not packaging_enabled() or path.exists() or path.with_suffix(".failed").exists():
        return False
    queue = cache_dir / PACKAGE_DIR / "queue"
    queue.mkdir(parents=True, exist_ok=True)
    request = {"expr": sympy.srepr(expr), "args": [sympy.srepr(a) for a in args], "with_out": with_out,
               "shapes": [list(s) for s in shapes], "path": str(path)}
    staged = queue / f".{path.stem}.{os.getpid()}.json"
    staged.write_text(json.dumps(request))
    os.replace(staged, queue / f"{path.stem}.json")
    if not _builder_running(queue):
        environment = dict(os.environ, **{INDUCTOR_CACHE_ENV: str(cache_dir)})
        with open(queue.parent / "builder.log", "a") as log:
            command = [sys.executable, "-m", "numeric_backend._aot_package", str(queue)]
            subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
                             env=environment)
    return True


def _builder_running(queue: Path) -> bool:
    """Whether a builder holds the cache directory's lock (an advisory flock, released when its process ends)."""
    with _builder_lock(queue) as mine:
        return not mine


@contextlib.contextmanager
def _builder_lock(queue: Path) -> Iterator[bool]:
    """Try to take the cache directory's builder lock without waiting; yields whether this process holds it."""
    import fcntl

    with open(queue.parent / "builder.lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def wait_for_packages(cache_dir: Path, timeout: float = 600.0) -> float:
    """Block until the background builder of ``cache_dir`` has emptied its queue (or ``timeout`` seconds passed);
    returns the seconds waited."""
    import time

    queue = cache_dir / PACKAGE_DIR / "queue"
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if not (queue.is_dir() and (any(queue.glob("*.json")) or _builder_running(queue))):
            break
        time.sleep(0.25)
    return time.perf_counter() - start


def run_queue(queue: Path) -> int:
    """Build every queued package (oldest first) until the queue stays empty; returns the number built (0 when
    another builder holds the lock)."""
    built = 0
    while True:
        with _builder_lock(queue) as mine:
            if not mine:
                return built
            while requests := sorted(queue.glob("*.json"), key=lambda p: p.stat().st_mtime):
                built += sum(_build_request(item) for item in requests)
        if not any(queue.glob("*.json")):  # a request queued while the lock was still held is not left behind
            return built


def _build_request(item: Path) -> bool:
    """Build one queued package; a failure is recorded next to the package (never retried) and reported."""
    try:
        request = json.loads(item.read_text())
        target = Path(request["path"])
        if target.exists():
            return False
        build_package(sympy.sympify(request["expr"]), [sympy.sympify(a) for a in request["args"]],
                      bool(request["with_out"]), request["shapes"], target)
        return True
    except Exception as err:  # the kernel keeps working through torch.compile
        with contextlib.suppress(Exception):
            Path(json.loads(item.read_text())["path"]).with_suffix(".failed").write_text(
                f"{type(err).__name__}: {err}")
        print(f"package {item.name} failed: {type(err).__name__}: {err}", file=sys.stderr)
        return False
    finally:
        with contextlib.suppress(OSError):
            item.unlink()


if __name__ == "__main__":
    run_queue(Path(sys.argv[1]))
