"""The figures of the fuzz suite: runs the properties of tests/public_api/test_fuzz.py (every public library entry,
plot_all and the testing API's check_identity, one corrupted argument per call), of
tests/kernels/test_backend_agreement.py (numpy, torch and torch-compiled on random valid inputs of batch rank 0-3)
and of tests/cli/test_fuzz_cli.py (command lines through subprocess) with random seeds and more examples than the
suite, checks the phase diagram's grid on random spectra, counts every outcome instead of stopping at the first
failure, and prints:

- invalid inputs tried, and the share that got ``SymbolicVAEError`` naming the argument (target 100%);
- raw exceptions, invalid inputs accepted, errors naming no argument (target 0 each);
- silent NaN or inf on accepted inputs (target 0), backend disagreements (target 0);
- command lines run, by verb and exit code, and rule violations (target 0);
- phase grids checked (random spectra with ties and zeros, d1 below and above len(zeta), d2 >= len(zeta)) and the
  grids whose counts differ from the learnable surviving-modes kernel at sampled points, rise with beta or with the
  residual c, differ from the thresholds beta_p(c), or whose no-minimizer segment differs from the regime kernel's
  (target 0).

    python scripts/fuzz_figures.py [--examples 200] [--backend-examples 40] [--cli-examples 100]
                                   [--phase-examples 50] [--seed 0]

Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np

TESTS = Path(__file__).resolve().parent.parent / "tests"


def library_figures(examples: int, hypothesis_seed: int, failures: Counter[str], firsts: dict[str, str]
                    ) -> Counter[str]:
    """Every public entry (``examples`` each), check_identity and plot_all; prints and returns test_fuzz's TALLY."""
    import test_fuzz as library
    from hypothesis import HealthCheck, given, seed, settings
    from hypothesis import strategies as st
    from public_entries import ENTRIES

    def property_of(entry: str):  # noqa: ANN202 - a hypothesis test
        @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @seed(hypothesis_seed)
        @given(data=st.data())
        def run(data: st.DataObject) -> None:
            _, entry_args = ENTRIES[entry]
            position = data.draw(st.integers(0, len(entry_args) - 1))
            name, valid, kind, _ = entry_args[position]
            corruption = data.draw(library.corruptions(name, valid, kind))
            try:
                library.judge(entry, position, corruption)
            except AssertionError as err:
                failures["library"] += 1
                firsts.setdefault(f"library {entry}", str(err).splitlines()[0][:300])

        return run

    for name in library.SOURCES:
        library.built_kernel(name)
    for entry in sorted(ENTRIES):
        property_of(entry)()

    class Folders:  # what test_fuzz_plot_all needs of pytest's tmp_path_factory
        def mktemp(self, name: str) -> Path:
            return Path(tempfile.mkdtemp(prefix=name))

    for label, run_property in (("check_identity", library.test_fuzz_the_testing_api),
                                ("plot_all", lambda: library.test_fuzz_plot_all(tmp_path_factory=Folders()))):
        try:  # their own example counts
            run_property()
        except AssertionError as err:
            failures["library"] += 1
            firsts.setdefault(f"library {label}", str(err).splitlines()[0][:300])
    t = library.TALLY
    invalid, named = t["invalid"], t["invalid named"]
    print(f"library: {sum(t[k] for k in ('invalid', 'lossless', 'maybe', 'valid'))} calls over {len(ENTRIES) + 2} "
          f"entry points ({t['invalid']} certainly invalid, {t['lossless']} lossless forms of valid values, "
          f"{t['maybe'] + t['valid']} edge or valid values)")
    print(f"  invalid inputs tried: {invalid}; SymbolicVAEError naming the argument: {named} "
          f"({100 * named / max(invalid, 1):.1f}%)")
    print(f"  raw exceptions: {t['raw exception']}; invalid accepted: {t['invalid accepted']}; errors naming no "
          f"argument: {t['invalid unnamed']}")
    print(f"  accepted: {t['accepted']}; silent NaN or inf: {t['non-finite']}; numpy vs torch disagreements: "
          f"{t['disagreement']}")
    return t


def backend_figures(examples: int, hypothesis_seed: int, failures: Counter[str], firsts: dict[str, str]
                    ) -> Counter[str]:
    """numpy / torch / torch-compiled on random valid inputs; prints and returns the sweep's TALLY."""
    import test_backend_agreement as backends

    backends.run_property_sweep(examples, hypothesis_seed, failures, firsts)
    b = backends.TALLY
    print(f"backends: {b['calls']} calls of {b['kernels']} kernels at batch ranks 0-3 "
          f"({b['compiled kernels']} kernels on torch-compiled); disagreements beyond {backends.RTOL:g}: "
          f"{b['disagreement']}; gaps to mpmath beyond tolerance: {b['reference gap']}")
    return b


def cli_figures(examples: int, hypothesis_seed: int, failures: Counter[str], firsts: dict[str, str]) -> None:
    """``examples`` random command lines through subprocess; prints the exit codes by verb."""
    import test_fuzz_cli as cli
    from hypothesis import HealthCheck, given, seed, settings

    with tempfile.TemporaryDirectory() as tmp:
        ledger = cli.make_gating_ledger(Path(tmp) / "ledger.json")
        counter = [0]

        @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @seed(hypothesis_seed)
        @given(argv=cli.command_lines())
        def run_cli(argv: list[str]) -> None:
            counter[0] += 1
            root = Path(tmp) / f"run{counter[0]}"
            root.mkdir()
            try:
                cli.run_cli(argv, cli.Workspace(root, ledger))
            except AssertionError as err:
                failures["cli"] += 1
                firsts.setdefault(f"cli {argv[0]}", str(err).splitlines()[0][:300])

        run_cli()
    c = cli.TALLY
    codes = ", ".join(f"{k}: {v}" for k, v in sorted(c.items()) if k != "runs")
    print(f"cli: {c['runs']} command lines through subprocess; by verb and exit code: {codes}")


def _random_spectrum(rng: np.random.Generator) -> tuple[np.ndarray, int, int]:
    """(zeta [d], d1, d2): d in 1..8 log-uniform values in [1e-3, 1e3], sorted, sometimes with a tie or trailing
    zeros; d1 in 1..d + 2; d2 in d..3d."""
    d = int(rng.integers(1, 9))
    zeta = np.sort(np.exp(rng.uniform(np.log(1e-3), np.log(1e3), d)))[::-1]
    if d > 1 and rng.random() < 0.3:
        k = int(rng.integers(d - 1))
        zeta[k + 1] = zeta[k]
    if d > 1 and rng.random() < 0.3:
        zeta[int(rng.integers(1, d)):] = 0.0
    return zeta, int(rng.integers(1, d + 3)), int(rng.integers(d, 3 * d + 1))


def phase_problems(zeta: np.ndarray, d1: int, d2: int, rng: np.random.Generator) -> list[str]:
    """What is wrong with ``phase_grid`` at one spectrum (empty when nothing is)."""
    from symbolic_vae import kernel
    from symbolic_vae._report import plots

    grid = plots.phase_grid(zeta, latent_dim=d1, target_dim=d2, points=31)
    sizes = {"latent_dim": d1, "target_dim": d2}
    rows, cols = rng.integers(0, 31, 20), rng.integers(0, 31, 20)
    alive = kernel(plots.ALIVE_KERNEL)(zeta, beta=grid.betas[cols], residual=grid.residuals[rows], **sizes)
    regime = kernel(plots.REGIME_KERNEL)(zeta, beta=grid.betas, residual=0.0, **sizes)
    checks = {
        "count differs from the kernel": np.array_equal(grid.count[rows, cols], alive),
        "count rises with beta": bool((np.diff(grid.count, axis=1) <= 0).all()),
        "count rises with c": bool((np.diff(grid.count, axis=0) <= 0).all()
                                   and (grid.zero_count >= grid.count[0]).all()),
        "count differs from the thresholds": np.array_equal(
            grid.count, (grid.betas[None, :, None] < grid.thresholds[:, None, :]).sum(axis=-1)),
        "no-minimizer segment differs from the regime kernel": np.array_equal(grid.no_minimizer, regime == 0),
        "not every count from 0 to hat d1 on the grid": grid.count.min() == 0
        and grid.count.max() == int((zeta[:d1] > 0).sum()),
    }
    return [problem for problem, ok in checks.items() if not ok]


def phase_figures(examples: int, numpy_seed: int, failures: Counter[str], firsts: dict[str, str]) -> None:
    """``examples`` random spectra through ``phase_grid``; prints how many grids break a property."""
    rng = np.random.default_rng(numpy_seed)
    bad = 0
    for _ in range(examples):
        zeta, d1, d2 = _random_spectrum(rng)
        problems = phase_problems(zeta, d1, d2, rng)
        if problems:
            bad += 1
            failures["phase"] += 1
            firsts.setdefault("phase", f"zeta={zeta.tolist()}, d1={d1}, d2={d2}: {'; '.join(problems)}")
    print(f"phase grids: {examples} random spectra; grids breaking a property: {bad}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=200, help="library examples per entry point")
    parser.add_argument("--backend-examples", type=int, default=40, help="backend examples per kernel")
    parser.add_argument("--cli-examples", type=int, default=100, help="command lines")
    parser.add_argument("--phase-examples", type=int, default=50, help="random spectra of the phase grid")
    parser.add_argument("--seed", type=int, default=0, help="hypothesis (and numpy) seed")
    args = parser.parse_args()
    os.environ["SYMBOLIC_VAE_TORCH_AOT"] = "0"
    for folder in (TESTS, TESTS / "public_api", TESTS / "kernels", TESTS / "cli"):  # the tests it runs, and theirs
        sys.path.insert(0, str(folder))
    failures: Counter[str] = Counter()
    firsts: dict[str, str] = {}
    t = library_figures(args.examples, args.seed, failures, firsts)
    b = backend_figures(args.backend_examples, args.seed, failures, firsts)
    cli_figures(args.cli_examples, args.seed, failures, firsts)
    phase_figures(args.phase_examples, args.seed, failures, firsts)
    print(f"rule violations: library {failures['library']}, backends {failures['backends']}, "
          f"cli {failures['cli']}, phase grids {failures['phase']}")
    for where, message in sorted(firsts.items()):
        print(f"  first failure, {where}: {message}")
    missed = (t["invalid named"] < t["invalid"] or failures or t["non-finite"] or t["disagreement"]
              or b["disagreement"])
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
