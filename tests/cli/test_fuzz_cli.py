"""The fuzz suite of the command line, through subprocess: hypothesis builds command lines for every verb from
valid values and bad ones (NaN, inf, negatives, zeros, 1e400, subnormals, text where a number belongs, bad sizes,
empty and unwritable paths, existing files with and without --force, missing and foreign ledgers, unknown claim
ids, data files that are not arrays or whose entries overflow). The only outcomes allowed:

- exit 0;
- exit 2 with exactly one line on stderr, ``symbolic-vae: error: ...``, and no traceback.

Whatever the outcome, a file of the user's (``notes.txt`` in every output directory, an existing file given as a
target without ``--force``) is never changed or removed, and a run that exits 2 writes nothing. The verbs that
gate their kernels on claim verdicts (``plot``, ``thresholds``, ``latex``) reuse the verdicts of one real
``verify --json`` run of those claims (``--ledger``), computed once for the module; ``verify`` itself runs one
fast claim. ``SYMBOLIC_VAE_FUZZ_CLI_EXAMPLES`` sets the number of command lines (derandomized)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("SYMBOLIC_VAE_FUZZ_CLI_EXAMPLES", "40"))
DERANDOMIZE = os.environ.get("SYMBOLIC_VAE_FUZZ_RANDOM", "0") in ("", "0")
TALLY: Counter[str] = Counter()
"""Runs by verb and exit code ("verify 0", "plot 2", ...), plus "runs"."""

GATING_CLAIMS = ("encvar.collapse_unchanged", "encvar.thm2_sigma", "encvar.cor2_corrected", "decvar.G_model",
                 "decvar.table1_corrected", "decvar.thm4_eq58_corrected", "decvar.eq49_corrected")
"""The claims whose verdicts gate the kernels of ``plot`` and ``thresholds``."""
FAST_CLAIM = "elbo.kl_split"
USER_NOTE = "notes.txt"
NOTE_TEXT = "the user's own notes\n"

GOOD_NUMBERS = ("1", "0.5", "2.5", "1e-3", "3")
BAD_NUMBERS = ("0", "-0", "-1", "nan", "inf", "-inf", "1e400", "1e-320", "1e300", "abc", "", "0x10")
GOOD_SIZES = ("1", "2", "3")
BAD_SIZES = ("0", "-1", "2.7", "1e3", "1000000", "99999999999999999999", "abc", "")


class Workspace:
    """A per-run directory with the files the strategies refer to by name."""

    def __init__(self, root: Path, ledger: Path) -> None:
        self.root = root
        self.ledger = ledger
        rng = np.random.default_rng(0)
        x = rng.normal(size=(30, 4)) * np.array([3.0, 2.0, 1.0, 0.5])
        np.save(root / "data.npy", x)
        np.save(root / "targets.npy", x[:, :2] + 0.1 * rng.normal(size=(30, 2)))
        np.save(root / "targets_wrong_rows.npy", x[:7, :2])
        np.save(root / "huge.npy", x * 1e200)
        np.save(root / "tiny.npy", x * 1e-300)
        np.save(root / "complex.npy", x.astype(complex))
        (root / "text.npy").write_text("not an array\n")
        (root / "not_a_ledger.json").write_text('{"hello": 1}\n')
        (root / "existing.json").write_text('{"mine": true}\n')
        (root / "existing_dir").mkdir()
        (root / "existing_dir" / USER_NOTE).write_text(NOTE_TEXT)

    def path(self, token: str) -> str:
        return {"": "", "proc": "/proc/x/out.json", "missing parent": str(self.root / "no" / "such" / "dir" / "f"),
                "ledger": str(self.ledger)}.get(token, str(self.root / token))

    def snapshot(self) -> dict[str, bytes]:
        return {str(p.relative_to(self.root)): p.read_bytes() for p in sorted(self.root.rglob("*")) if p.is_file()}


Option = tuple[str, tuple[str, ...], tuple[str, ...], bool]
"""(flag, good values, bad values, required): a flag with () good and bad values is a switch."""

OUT_DIR: Option = ("-o", ("fresh_dir", "existing_dir"), ("existing.json", "", "proc", "missing parent"), True)
LEDGER: Option = ("--ledger", ("ledger",), ("missing.json", "not_a_ledger.json", "text.npy", ""), True)
BACKEND: Option = ("--backend", ("numpy", "torch"), ("jax", ""), False)
VERBS: dict[str, list[Option]] = {
    "verify": [("--claim", (FAST_CLAIM,), ("no.such_claim", ""), True),
               ("--json", ("fresh.json",), ("existing.json", "existing_dir", "", "proc", "missing parent"), False),
               ("--force", (), (), False), BACKEND,
               ("--seed", ("1", "0", "7"), ("-1", "1.5", "abc", "9" * 30, ""), False),
               ("--threads", ("1", "2"), ("0", "-1", "100000", "abc"), False), ("--quiet", (), (), False)],
    "latex": [OUT_DIR, LEDGER, ("--claim", GATING_CLAIMS[:2], ("no.such_claim",), True), ("--force", (), (), False),
              BACKEND, ("--quiet", (), (), False)],
    "plot": [OUT_DIR, LEDGER, ("--zeta", ("3 2 1", "5.12 3.74 3.25", "1"), ("3 -1", "nan 1", "1e400", "abc", "1 2"),
                                False),
             ("--eta-enc", GOOD_NUMBERS, BAD_NUMBERS, False), ("--eta-dec", GOOD_NUMBERS, BAD_NUMBERS, False),
             ("--latent-dim", GOOD_SIZES, BAD_SIZES, False), ("--target-dim", GOOD_SIZES, BAD_SIZES, False),
             ("--residual", ("0", *GOOD_NUMBERS), ("-1", "nan", "1e300", "abc"), False), ("--force", (), (), False)],
    "thresholds": [("DATA", ("data.npy",), ("huge.npy", "tiny.npy", "complex.npy", "text.npy", "missing.npy"), False),
                   LEDGER, ("--targets", ("targets.npy",), ("targets_wrong_rows.npy", "missing.npy", "text.npy"),
                            False),
                   ("--beta", GOOD_NUMBERS, BAD_NUMBERS, False), ("--eta-dec", GOOD_NUMBERS, BAD_NUMBERS, False),
                   ("--eta-enc", GOOD_NUMBERS, BAD_NUMBERS, False), ("--latent-dim", GOOD_SIZES, BAD_SIZES, False),
                   ("--json", (), (), False)],
    "list": [], "bogus": [], "--help": [],
}
"""Each verb's options. A command line corrupts none, one or two of the options it uses."""


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    verb = draw(st.sampled_from(sorted(VERBS)))
    options = [o for o in VERBS[verb] if o[3] or draw(st.booleans())]
    values = [o for o in options if o[1]]
    corrupt = draw(st.sets(st.sampled_from(range(len(values))), max_size=2)) if values else set()
    parts: list[list[str]] = []
    for option in options:
        flag, good, bad, _ = option
        if not good:
            parts.append([flag])
            continue
        pool = bad if values.index(option) in corrupt else good
        value = draw(st.sampled_from(pool))
        tokens = value.split(" ") if flag == "--zeta" and value else [value]
        parts.append(tokens if flag == "DATA" else [flag, *tokens])
    order = draw(st.permutations(range(len(parts))))
    return [verb, *(token for i in order for token in parts[i])]


PATH_FLAGS = {"--json", "-o", "--ledger", "--targets"}


def _resolve(argv: list[str], workspace: Workspace) -> list[str]:
    """The special path tokens of the strategies made into paths (the others are relative to the workspace, the
    subprocess's working directory)."""
    return [workspace.path(token) if i and argv[i - 1] in PATH_FLAGS else token for i, token in enumerate(argv)]


def run_cli(argv: list[str], workspace: Workspace, command: tuple[str, ...] = (sys.executable, "-m", "symbolic_vae")
            ) -> subprocess.CompletedProcess[str]:
    """One command line in a subprocess (``command`` + argv); asserts the rules of this module and counts the run
    in TALLY."""
    argv = _resolve(argv, workspace)
    before = workspace.snapshot()
    env = os.environ | {"SYMBOLIC_VAE_TORCH_AOT": "0"}
    done = subprocess.run([*command, *argv], capture_output=True, text=True, env=env, cwd=workspace.root,
                          timeout=600)
    TALLY["runs"] += 1
    TALLY[f"{argv[0]} {done.returncode}"] += 1
    where = f"symbolic-vae {' '.join(argv)}"
    assert done.returncode in (0, 2), f"{where}: exit {done.returncode}\n{done.stderr[-3000:]}"
    assert "Traceback" not in done.stderr, f"{where}:\n{done.stderr[-3000:]}"
    after = workspace.snapshot()
    note = f"existing_dir/{USER_NOTE}"
    assert after.get(note) == NOTE_TEXT.encode(), f"{where}: the user's {note} was changed or removed"
    forced = "--force" in argv
    if not forced:
        assert after.get("existing.json") == before["existing.json"], f"{where}: existing.json overwritten"
    if done.returncode == 2:
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("symbolic-vae: error: "), f"{where}: stderr {lines}"
        assert after == before, f"{where}: exit 2 but the files changed: {set(after) ^ set(before)}"
    else:
        assert done.stdout.strip(), f"{where}: exit 0 with no output"
    return done


def make_gating_ledger(path: Path) -> Path:
    """One real ``verify --json`` of the gating claims at ``path`` (their verdicts are computed, not assumed)."""
    argv = ["verify", "--quiet", "--json", str(path)]
    for claim in GATING_CLAIMS:
        argv += ["--claim", claim]
    done = subprocess.run([sys.executable, "-m", "symbolic_vae", *argv], capture_output=True, text=True,
                          env=os.environ | {"SYMBOLIC_VAE_TORCH_AOT": "0"}, timeout=1800)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return path


@pytest.fixture(scope="module")
def gating_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_gating_ledger(tmp_path_factory.mktemp("ledger") / "ledger.json")


@settings(max_examples=EXAMPLES, deadline=None, derandomize=DERANDOMIZE, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(argv=command_lines())
def test_fuzz_command_line(argv: list[str], gating_ledger: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    workspace = Workspace(tmp_path_factory.mktemp("cli"), gating_ledger)
    run_cli(argv, workspace)


CRASH = "import sys; sys.stderr.write('Traceback (most recent call last):\\n  boom\\n'); sys.exit(1)"
WRITE_THEN_FAIL = ("import pathlib, sys; pathlib.Path('half.png').write_text('x'); "
                   "sys.stderr.write('symbolic-vae: error: failed\\n'); sys.exit(2)")


@pytest.mark.parametrize(("script", "message"), [(CRASH, "exit 1"), (WRITE_THEN_FAIL, "exit 2 but the files")])
def test_the_rules_fail_a_crash_and_a_half_written_output(tmp_path: Path, script: str, message: str) -> None:
    """The rules can fail: a stand-in program that crashes with a traceback, and one that writes a file and then
    exits 2, are both caught."""
    workspace = Workspace(tmp_path, tmp_path / "ledger.json")
    with pytest.raises(AssertionError, match=message):
        run_cli(["list"], workspace, command=(sys.executable, "-c", script))


def test_valid_runs_of_every_verb_succeed(tmp_path: Path, gating_ledger: Path) -> None:
    """The strategies reach exit 0 for every verb (so the fuzz is not only a tour of usage errors)."""
    workspace = Workspace(tmp_path, gating_ledger)
    for argv in (["list"], ["verify", "--claim", FAST_CLAIM, "--quiet"],
                 ["thresholds", "data.npy", "--targets", "targets.npy", "--ledger", "ledger", "--json"],
                 ["plot", "-o", "fresh_dir", "--ledger", "ledger"],
                 ["latex", "-o", "latex_dir", "--ledger", "ledger", "--claim", GATING_CLAIMS[0], "--quiet"]):
        assert run_cli(argv, workspace).returncode == 0, argv
