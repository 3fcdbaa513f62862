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

NUMBERS = ("1", "0.5", "2.5", "0", "-0", "-1", "nan", "inf", "-inf", "1e400", "1e-320", "1e300", "abc", "", "0x10")
SIZES = ("1", "2", "3", "0", "-1", "2.7", "1e3", "1000000", "99999999999999999999", "abc", "")


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


def _option(flag: str, values: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
    return st.one_of(st.just([]), st.sampled_from(values).map(lambda v: [flag, v]))


def _flag(flag: str) -> st.SearchStrategy[list[str]]:
    return st.sampled_from([[], [flag]])


OUT_DIRS = ("fresh_dir", "existing_dir", "existing.json", "", "proc", "missing parent")
LEDGERS = ("ledger", "ledger", "ledger", "missing.json", "not_a_ledger.json", "text.npy", "")
BACKENDS = ("numpy", "torch", "jax", "")


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    verb = draw(st.sampled_from(["verify", "list", "latex", "plot", "thresholds", "bogus", "--help"]))
    parts: list[list[str]] = []
    if verb == "verify":
        parts.append(["--claim", draw(st.sampled_from([FAST_CLAIM, FAST_CLAIM, "no.such_claim", ""]))])
        parts.append(draw(_option("--json", ("fresh.json", "existing.json", "existing_dir", "", "proc",
                                             "missing parent"))))
        parts += [draw(_flag("--force")), draw(_option("--backend", BACKENDS)),
                  draw(_option("--seed", ("1", "0", "-1", "1.5", "abc", "9" * 30, ""))),
                  draw(_option("--threads", ("1", "2", "0", "-1", "100000", "abc"))), draw(_flag("--quiet"))]
    elif verb == "latex":
        parts.append(["-o", draw(st.sampled_from(OUT_DIRS))])
        parts.append(["--ledger", draw(st.sampled_from(LEDGERS))])
        parts.append(["--claim", draw(st.sampled_from([*GATING_CLAIMS[:2], "no.such_claim"]))])
        parts += [draw(_flag("--force")), draw(_option("--backend", BACKENDS)), draw(_flag("--quiet"))]
    elif verb == "plot":
        parts.append(["-o", draw(st.sampled_from(OUT_DIRS))])
        parts.append(["--ledger", draw(st.sampled_from(LEDGERS))])
        zeta = draw(st.lists(st.sampled_from(("3", "2", "1", "0.5", "0", "-1", "nan", "1e400", "abc")),
                             min_size=0, max_size=4))
        parts.append(["--zeta", *zeta] if zeta else [])
        parts += [draw(_option("--eta-enc", NUMBERS)), draw(_option("--eta-dec", NUMBERS)),
                  draw(_option("--latent-dim", SIZES)), draw(_option("--target-dim", SIZES)),
                  draw(_option("--residual", NUMBERS)), draw(_flag("--force"))]
    elif verb == "thresholds":
        data = draw(st.sampled_from(["data.npy", "data.npy", "huge.npy", "tiny.npy", "complex.npy", "text.npy",
                                     "missing.npy", ""]))
        parts.append([data] if data else [])
        parts.append(["--ledger", draw(st.sampled_from(LEDGERS))])
        parts.append(draw(_option("--targets", ("targets.npy", "targets_wrong_rows.npy", "missing.npy",
                                                "text.npy"))))
        parts += [draw(_option("--beta", NUMBERS)), draw(_option("--eta-dec", NUMBERS)),
                  draw(_option("--eta-enc", NUMBERS)), draw(_option("--latent-dim", SIZES)), draw(_flag("--json"))]
    order = draw(st.permutations(range(len(parts))))
    return [verb, *(token for i in order for token in parts[i])]


PATH_FLAGS = {"--json", "-o", "--ledger", "--targets"}


def _resolve(argv: list[str], workspace: Workspace) -> list[str]:
    """Path tokens of the strategy made into paths of the workspace."""
    out = list(argv)
    for i in range(1, len(out)):
        if out[i - 1] in PATH_FLAGS or (out[0] == "thresholds" and i == 1 and out[i].endswith(".npy")):
            out[i] = workspace.path(out[i])
    return out


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
