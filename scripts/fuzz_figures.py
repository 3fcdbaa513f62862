"""The figures of the fuzz suite: runs the properties of tests/public_api/test_fuzz.py (every public library entry,
plot_all and the testing API's check_identity, one corrupted argument per call), of
tests/kernels/test_backend_agreement.py (numpy, torch and torch-compiled on random valid inputs of batch rank 0-3)
and of tests/cli/test_fuzz_cli.py (command lines through subprocess) with random seeds and more examples than the
suite, counts every outcome instead of stopping at the
first failure, and prints:

- invalid inputs tried, and the share that got ``SymbolicVAEError`` naming the argument (target 100%);
- raw exceptions, invalid inputs accepted, errors naming no argument (target 0 each);
- silent NaN or inf on accepted inputs (target 0), backend disagreements (target 0);
- command lines run, by verb and exit code, and rule violations (target 0).

    python scripts/fuzz_figures.py [--examples 200] [--backend-examples 40] [--cli-examples 100] [--seed 0]

Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=200, help="library examples per entry point")
    parser.add_argument("--backend-examples", type=int, default=40, help="backend examples per kernel")
    parser.add_argument("--cli-examples", type=int, default=100, help="command lines")
    parser.add_argument("--seed", type=int, default=0, help="hypothesis seed")
    args = parser.parse_args()
    os.environ["SYMBOLIC_VAE_TORCH_AOT"] = "0"
    for folder in (TESTS, TESTS / "public_api", TESTS / "kernels", TESTS / "cli"):  # the tests it runs, and theirs
        sys.path.insert(0, str(folder))
    failures: Counter[str] = Counter()
    firsts: dict[str, str] = {}
    t = library_figures(args.examples, args.seed, failures, firsts)
    b = backend_figures(args.backend_examples, args.seed, failures, firsts)
    cli_figures(args.cli_examples, args.seed, failures, firsts)
    print(f"rule violations: library {failures['library']}, backends {failures['backends']}, "
          f"cli {failures['cli']}")
    for where, message in sorted(firsts.items()):
        print(f"  first failure, {where}: {message}")
    missed = (t["invalid named"] < t["invalid"] or failures or t["non-finite"] or t["disagreement"]
              or b["disagreement"])
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
