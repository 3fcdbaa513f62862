"""Benchmark of the expression backends (numpy, torch, torch-compiled) against hand-written numpy.

Run ``python benchmarks/kernels.py`` (``--sizes 1e3,1e5,1e6``, ``--repeats``, ``--threads``, ``--skip-startup``).
For each formula and N rows of a spectrum zeta [N, d = 8] (sorted descending, >= 0, with zeros and ties) it prints the
time of each backend through ``compile_expression`` (numpy arrays in, a new float64 array out), its speed relative to
a hand-written numpy version of the same formula, a memory-bandwidth floor measured here (read every input byte and
write a new output once), torch.compile's first-compile and warm-start times (fresh processes), the load average, and
whether each target is met.

Inputs are validated once up front, as the kernel registry does (``check_spectrum``), so every backend is timed with
``check_finite=False``, like the hand-written code; the column ``check`` is what that validation costs (one read of
the inputs).

The per-mode formulas come from ``symbolic_vae._kernels.build.kernel_sources()`` when a kernel of the same name exists
(``lambda_star``, ``sigma_star``, ``mode_loss``); otherwise from the built-in formulas below (the table says which).
Benchmarks may import both packages (``numeric_backend`` itself imports nothing of ``symbolic_vae``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import sympy as sp
from _common import load_average

from numeric_backend._aot_package import wait_for_packages
from numeric_backend._numpy_compile import _all_finite
from numeric_backend._torch_compile import BACKENDS, compile_expression

D = 8
"""Modes per spectrum (d) and the output dimension d2 in G(s)."""

TARGETS = {
    "numpy_vs_hand": 1.0,  # numpy backend >= 1.0x hand-written at N = 1e6
    "compiled_vs_hand": 4.0,  # torch-compiled >= 4x hand-written at N >= 1e5
    "compiled_vs_floor": 2.0,  # torch-compiled within 2x of the bandwidth floor at N >= 1e5
    "first_compile_s": 6.0,
    "warm_start_s": 1.5,
}

zeta = sp.Symbol("zeta", nonnegative=True)
beta, eta_enc, eta_dec, s = sp.symbols("beta eta_enc eta_dec s", positive=True)
zetas = sp.symbols(f"zeta_0:{D}", nonnegative=True)


def builtin_formulas() -> dict[str, tuple[sp.Expr, tuple[sp.Symbol, ...]]]:
    """The formulas of the brief, by registry kernel name: per mode in (zeta, beta, eta_enc, eta_dec), and G(s)."""
    threshold = beta * eta_dec**2
    r = threshold / zeta**2
    per_mode = (zeta, beta, eta_enc, eta_dec)
    g = (sum(z**2 for z in zetas) / (2 * s)
         - sp.Rational(1, 2) * sum(sp.Piecewise((z**2 / s + beta * (sp.log(beta * s / z**2) - 1), z**2 > beta * s),
                                                (0, True)) for z in zetas)
         + sp.Rational(D, 2) * sp.log(s))
    return {
        "lambda_star": (sp.sqrt(sp.Max(0, zeta**2 - threshold)) / eta_enc, per_mode),
        "sigma_star": (sp.Piecewise((sp.sqrt(beta) * eta_dec * eta_enc / zeta, zeta**2 > threshold), (eta_enc, True)),
                       per_mode),
        "mode_loss": (sp.Piecewise((zeta**2 - zeta**2 * (1 + r * (sp.log(r) - 1)), zeta**2 > threshold),
                                   (zeta**2, True)), per_mode),
        "G": (g, (*zetas, s, beta)),
    }


# --- hand-written numpy versions of the same formulas (the usual safe-denominator idiom for branches) -----------

def hand_lambda_star(z: np.ndarray, b: np.ndarray, e_enc: np.ndarray, e_dec: np.ndarray) -> np.ndarray:
    return np.sqrt(np.maximum(0.0, z**2 - b * e_dec**2)) / e_enc


def hand_sigma_star(z: np.ndarray, b: np.ndarray, e_enc: np.ndarray, e_dec: np.ndarray) -> np.ndarray:
    active = z**2 > b * e_dec**2
    return np.where(active, np.sqrt(b) * e_dec * e_enc / np.where(active, z, 1.0), e_enc)


def hand_mode_loss(z: np.ndarray, b: np.ndarray, e_enc: np.ndarray, e_dec: np.ndarray) -> np.ndarray:
    z2, t = z**2, b * e_dec**2
    active = z2 > t
    r = t / np.where(active, z2, 1.0)
    return np.where(active, z2 - z2 * (1 + r * (np.log(r) - 1)), z2)


def hand_G(zt: np.ndarray, s_: np.ndarray, b: np.ndarray) -> np.ndarray:
    """zt [d, N] (one row per mode), s [N], beta [N] -> [N]."""
    z2, bs = zt**2, b * s_
    active = z2 > bs
    branch = np.where(active, z2 / s_ + b * (np.log(bs / np.where(active, z2, 1.0)) - 1), 0.0)
    return z2.sum(axis=0) / (2 * s_) - 0.5 * branch.sum(axis=0) + D / 2 * np.log(s_)


@dataclass(frozen=True)
class Formula:
    """One benchmarked expression, its hand-written twin and where the expression came from."""

    name: str
    expr: sp.Expr
    args: tuple[sp.Symbol, ...]
    hand: Callable[..., np.ndarray]
    layout: str  # "per-mode": zeta [N, d], beta/eta [N, 1]; "spectrum": zeta_i [N] each, s [N], beta [N]
    source: str


HAND = {"lambda_star": hand_lambda_star, "sigma_star": hand_sigma_star, "mode_loss": hand_mode_loss, "G": hand_G}


def _registry() -> tuple[dict[str, Any], str]:
    try:
        from symbolic_vae._kernels.build import kernel_sources

        return kernel_sources(), ""
    except Exception as err:  # the registry is optional here; say why it was not used
        return {}, f"{type(err).__name__}: {err}"[:100]


def formulas(use_registry: bool = True) -> list[Formula]:
    """Registry expressions where a kernel of the same name with arguments (zeta, beta, eta_enc, eta_dec) exists,
    otherwise the built-in ones."""
    registry, problem = _registry() if use_registry else ({}, "not asked for")
    out = []
    for name, (expr, args) in builtin_formulas().items():
        layout = "spectrum" if name == "G" else "per-mode"
        source = f"built-in formula (registry: {problem or 'no kernel of this name'})"
        entry = registry.get(name)
        if entry is not None and getattr(entry, "expr", None) is not None:
            names = [a.name for a in entry.args]
            if names == [a.name for a in args]:
                by_name = {a.name: a for a in args}
                expr = entry.expr.xreplace({a: by_name[a.name] for a in entry.args})
                source = f"registry kernel {name} (claim {entry.claim})"
            else:
                source = f"built-in formula (registry kernel {name} has arguments {names})"
        out.append(Formula(name, expr, args, HAND[name], layout, source))
    return out


def spectra(n: int, seed: int) -> np.ndarray:
    """zeta [n, D]: sorted descending, >= 0, about a third of rows with trailing zeros, ties in every row."""
    rng = np.random.default_rng(seed)
    z = -np.sort(-rng.exponential(size=(n, D)), axis=1)
    zero_rows = rng.random(n) < 0.35
    z[zero_rows, D - 2:] = 0.0
    z[:, 3] = z[:, 2]  # a tie in every row
    return z


def inputs(formula: Formula, n: int, seed: int = 0) -> tuple[list[np.ndarray], tuple[np.ndarray, ...]]:
    """(arrays for compile_expression, arguments of the hand-written version)."""
    rng = np.random.default_rng(seed + 1)
    z = spectra(n, seed)
    if formula.layout == "per-mode":
        params = [rng.uniform(0.4, 1.6, size=(n, 1)) for _ in range(3)]  # beta, eta_enc, eta_dec per spectrum
        arrays = [z, *params]
        return arrays, tuple(arrays)
    zt = np.ascontiguousarray(z.T)
    s_, b = rng.uniform(0.3, 2.0, size=n), rng.uniform(0.4, 1.6, size=n)
    return [*zt, s_, b], (zt, s_, b)


def best_time(function: Callable[..., Any], args: Sequence[Any], repeats: int, budget: float = 0.5) -> float:
    """Smallest wall time of one call (seconds), over ``repeats`` timed batches (calls batched when fast)."""
    function(*args)
    start = time.perf_counter()
    function(*args)
    once = max(time.perf_counter() - start, 1e-7)
    per_batch = max(1, min(1000, int(budget / repeats / once)))
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(per_batch):
            function(*args)
        best = min(best, (time.perf_counter() - start) / per_batch)
    return best


def floor_time(in_elements: int, out_elements: int, repeats: int) -> float:
    """Read ``in_elements`` float64 once and write a newly allocated output of ``out_elements`` once."""
    source = np.random.default_rng(0).random(in_elements)
    common = min(in_elements, out_elements)

    def stream() -> np.ndarray:
        out = np.empty(out_elements)
        np.copyto(out[:common], source[:common])
        if in_elements > common:
            np.add.reduce(source[common:])
        if out_elements > common:
            out[common:].fill(0.0)
        return out

    return best_time(stream, (), repeats)


def relative_error(actual: np.ndarray, expected: np.ndarray) -> float:
    """max |actual - expected| / (1 + |expected|) (the test suite's tolerance rule)."""
    return float(np.max(np.abs(actual - expected) / (1 + np.abs(expected))))


# --- startup probes in fresh processes ---------------------------------------------------------------------------

def _probe(payload: dict[str, Any]) -> dict[str, float]:
    """In a fresh process: import torch, then compile_expression(torch-compiled) and its first call at N = 1000."""
    start = time.perf_counter()
    import torch

    imported = time.perf_counter()
    if payload["threads"]:
        torch.set_num_threads(payload["threads"])
    expr = sp.sympify(payload["expr"])
    args = tuple(sp.sympify(a) for a in payload["args"])
    formula = Formula(payload["name"], expr, args, lambda *a: a[0], payload["layout"], "")
    arrays, _ = inputs(formula, 1000)
    begin = time.perf_counter()
    compiled = compile_expression(expr, args, "torch-compiled", check_finite=False, cache_dir=payload["cache_dir"])
    compiled(*arrays)
    return {"import_torch_s": imported - start, "first_call_s": time.perf_counter() - begin,
            "compiler_imported": "torch._dynamo" in sys.modules}


def startup(formula: Formula, cache_dir: str, threads: int | None) -> dict[str, float]:
    """Run ``_probe`` in a fresh interpreter (cache in ``cache_dir``)."""
    payload = {"name": formula.name, "expr": sp.srepr(formula.expr), "args": [sp.srepr(a) for a in formula.args],
               "layout": formula.layout, "cache_dir": cache_dir, "threads": threads}
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--probe"], input=json.dumps(payload),
                          capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"startup probe for {formula.name} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the run -------------------------------------------------------------------------------------------------------

def _status(ok: bool) -> str:
    return "met    " if ok else "NOT MET"


def run(sizes: Sequence[int], repeats: int, skip_startup: bool, use_registry: bool, threads: int | None) -> int:
    """Print the tables and the target check; returns the number of targets not met."""
    import torch

    if threads:
        torch.set_num_threads(threads)
    load_start = load_average()
    print(f"benchmarks/kernels.py: numpy {np.__version__}, torch {torch.__version__} ({torch.get_num_threads()} "
          f"threads), {os.cpu_count()} cores; load average at start {load_start}")
    chosen = formulas(use_registry)
    for formula in chosen:
        print(f"  {formula.name:12s} <- {formula.source}")

    startup_times: dict[str, dict[str, float]] = {}
    first_ever: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="symbolic-vae-bench-") as cache:
        if not skip_startup:
            first_ever, startup_times = measure_startup(chosen, cache, threads)
        rows = measure_times(chosen, sizes, repeats, cache)

    load_end = load_average()
    print_times(rows, repeats)
    if startup_times:
        print_startup(startup_times, first_ever)
    checks = target_checks(rows, startup_times, first_ever)
    print("\ntargets:")
    for ok, text in checks:
        print(f"  [{_status(ok)}] {text}")
    print(f"\nload average: {load_start} at start, {load_end} at end (1, 5, 15 min; {os.cpu_count()} cores). Other "
          f"jobs on the machine inflate every number here, the torch ones (OpenMP threads) most.")
    return sum(not ok for ok, _ in checks)


def measure_startup(chosen: Sequence[Formula], cache: str, threads: int | None
                    ) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """(the empty cache directory's first probe, per formula: cold / warm first call, import, packaging times)."""
    print("\nstartup of torch.compile in fresh processes sharing one new cache directory ...")
    trivial = Formula("lambda_star", 2 * zeta * beta + eta_enc - eta_dec, chosen[0].args, hand_lambda_star,
                      "per-mode", "")
    first_ever = startup(trivial, cache, threads)  # the empty directory's one-time costs (ISA probes)
    wait_for_packages(Path(cache))
    startup_times: dict[str, dict[str, float]] = {}
    for formula in chosen:
        cold = startup(formula, cache, threads)
        packaging = wait_for_packages(Path(cache))  # the background ahead-of-time build of this kernel
        warm = startup(formula, cache, threads)
        startup_times[formula.name] = {"cold": cold["first_call_s"], "warm": warm["first_call_s"],
                                       "import": warm["import_torch_s"], "package": packaging,
                                       "warm_compiler": float(warm["compiler_imported"])}
    return first_ever, startup_times


def measure_times(chosen: Sequence[Formula], sizes: Sequence[int], repeats: int, cache: str) -> list[dict[str, Any]]:
    """One row per size and formula: best times (s) of hand-written numpy, each backend, the input check and the
    bandwidth floor, and the largest relative gap of a backend to the hand-written result."""
    compiled = {f.name: {b: compile_expression(f.expr, f.args, b, check_finite=False, cache_dir=cache)
                         for b in BACKENDS} for f in chosen}
    rows = []
    for n in sizes:
        for formula in chosen:
            arrays, hand_args = inputs(formula, n)
            expected = formula.hand(*hand_args)
            reps = repeats if n >= 100_000 else 3 * repeats
            row: dict[str, Any] = {"name": formula.name, "n": n,
                                   "hand": best_time(formula.hand, hand_args, reps)}
            errors = []
            for backend, function in compiled[formula.name].items():
                errors.append(relative_error(function(*arrays), expected))
                row[backend] = best_time(function, arrays, reps)
            row["check"] = best_time(lambda *a: [_all_finite(x) for x in a], arrays, reps)
            row["floor"] = floor_time(sum(a.size for a in arrays), expected.size, reps)
            row["error"] = max(errors)
            rows.append(row)
    return rows


def print_times(rows: Sequence[dict[str, Any]], repeats: int) -> None:
    """The table of times (ms), speed-ups over hand-written numpy and the floor ratio."""
    print(f"\ntimes in ms (best of {repeats}+ runs); xH = hand-written time / backend time (> 1: faster than "
          f"hand-written numpy);\nfloor = read every input byte and write a new output once (np.copyto); "
          f"C/F = torch-compiled time / floor;\ncheck = NaN/inf validation of the inputs (not in the other columns); "
          f"err = max relative gap to hand-written")
    header = (f"{'formula':12s} {'N':>8s} {'hand':>9s} {'numpy':>9s} {'xH':>5s} {'torch':>9s} {'xH':>5s} "
              f"{'compiled':>9s} {'xH':>5s} {'floor':>8s} {'C/F':>5s} {'check':>7s} {'err':>8s}")
    print(header)
    print("-" * len(header))
    for row in rows:
        h = row["hand"]
        print(f"{row['name']:12s} {row['n']:8.0e} {1e3 * h:9.3f} {1e3 * row['numpy']:9.3f} {h / row['numpy']:5.2f} "
              f"{1e3 * row['torch']:9.3f} {h / row['torch']:5.2f} {1e3 * row['torch-compiled']:9.3f} "
              f"{h / row['torch-compiled']:5.2f} {1e3 * row['floor']:8.3f} {row['torch-compiled'] / row['floor']:5.2f} "
              f"{1e3 * row['check']:7.3f} {row['error']:8.1e}")


def print_startup(startup_times: dict[str, dict[str, float]], first_ever: dict[str, float]) -> None:
    """The table of torch.compile startup times (s) in fresh processes."""
    print(f"\ntorch.compile startup in s (compile_expression + first call at N = 1000 in a fresh process, after "
          f"'import torch'; first use of the empty cache directory, which also runs Inductor's one-time vector-ISA "
          f"probes: {first_ever['first_call_s']:.2f} s)")
    print("first compile = torch.compile (Dynamo + Inductor) in a process with an empty cache; it queues an "
          "ahead-of-time package,\nbuilt by a background process (package, wall time after the first process "
          "ended); warm start = a new process\nloading that package (compiler = whether it imported Dynamo)")
    print(f"{'formula':12s} {'first compile':>14s} {'package':>8s} {'warm start':>11s} {'compiler':>9s} "
          f"{'import torch':>13s}")
    for name, t in startup_times.items():
        print(f"{name:12s} {t['cold']:14.2f} {t['package']:8.1f} {t['warm']:11.2f} "
              f"{'yes' if t['warm_compiler'] else 'no':>9s} {t['import']:13.2f}")


def target_checks(rows: Sequence[dict[str, Any]], startup_times: dict[str, dict[str, float]],
                  first_ever: dict[str, float]) -> list[tuple[bool, str]]:
    """(met, description) of every target of ``TARGETS`` that the measurements cover."""
    checks: list[tuple[bool, str]] = []
    for row in rows:
        h, label = row["hand"], f"{row['name']} N={row['n']:.0e}"
        if row["n"] >= 1_000_000:
            ratio = h / row["numpy"]
            checks.append((ratio >= TARGETS["numpy_vs_hand"],
                           f"numpy >= {TARGETS['numpy_vs_hand']:.1f}x hand-written, {label}: {ratio:.2f}x"))
        if row["n"] >= 100_000:
            ratio = h / row["torch-compiled"]
            checks.append((ratio >= TARGETS["compiled_vs_hand"],
                           f"compiled >= {TARGETS['compiled_vs_hand']:.0f}x hand-written, {label}: {ratio:.2f}x"))
            ratio = row["torch-compiled"] / row["floor"]
            checks.append((ratio <= TARGETS["compiled_vs_floor"],
                           f"compiled within {TARGETS['compiled_vs_floor']:.0f}x of the floor, {label}: {ratio:.2f}x"))
    if first_ever:
        checks.append((first_ever["first_call_s"] <= TARGETS["first_compile_s"],
                       f"first compile <= {TARGETS['first_compile_s']:.1f} s in an empty cache directory (one-time ISA "
                       f"probes included): {first_ever['first_call_s']:.2f} s"))
    for name, t in startup_times.items():
        checks.append((t["cold"] <= TARGETS["first_compile_s"],
                       f"first compile <= {TARGETS['first_compile_s']:.1f} s, {name}: {t['cold']:.2f} s"))
        checks.append((t["warm"] <= TARGETS["warm_start_s"],
                       f"warm start <= {TARGETS['warm_start_s']:.1f} s, {name}: {t['warm']:.2f} s "
                       f"(+ {t['import']:.2f} s import torch)"))
    return checks


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python benchmarks/kernels.py", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1e3,1e5,1e6", help="comma-separated row counts N (default 1e3,1e5,1e6)")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per measurement (more at small N)")
    parser.add_argument("--skip-startup", action="store_true", help="skip the fresh-process compile timings")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's own choice)")
    parser.add_argument("--builtin", action="store_true", help="use the built-in formulas, not the registry's")
    parser.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)  # internal: one startup probe
    options = parser.parse_args(argv)
    if options.probe:
        print(json.dumps(_probe(json.loads(sys.stdin.read()))))
        return
    sizes = [int(float(x)) for x in options.sizes.split(",")]
    run(sizes, options.repeats, options.skip_startup, not options.builtin, options.threads)


if __name__ == "__main__":
    main()
