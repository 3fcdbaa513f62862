"""How processes of the package end: the command with its exit code and everything it printed, without the
interpreter's teardown; the local cluster's workers likewise once Dask has closed them; and a verify that reuses
every verdict does not import torch."""

from __future__ import annotations

import os
import subprocess
import sys

import sympy as sp

from symbolic_vae._core.claim import equation
from symbolic_vae._report.registry import all_claims


def run(args: list[str], env: dict[str, str] | None = None, **options) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, env=env, **options)


def test_the_command_exits_with_its_code_and_all_it_printed(tmp_path):
    env = {**os.environ, "SYMBOLIC_VAE_CACHE_DIR": str(tmp_path)}
    listed = run([sys.executable, "-m", "symbolic_vae", "list"], env)
    assert listed.returncode == 0, listed.stderr
    listed_ids = {line.split()[0] for line in listed.stdout.splitlines() if line.strip()}
    assert {claim.id for claim in all_claims()} <= listed_ids  # the last row too: the output was flushed
    refused = run([sys.executable, "-m", "symbolic_vae", "verify", "--claim", "no.such.claim"], env)
    assert refused.returncode == 2 and "unknown id 'no.such.claim'" in refused.stderr


def test_a_closed_pipe_ends_the_command_quietly(tmp_path):
    env = {**os.environ, "SYMBOLIC_VAE_CACHE_DIR": str(tmp_path)}
    done = run(f"'{sys.executable}' -m symbolic_vae list | head -n 1", env, shell=True)
    assert done.returncode == 0 and done.stdout.startswith("claim ") and done.stderr == "", done.stderr


def test_a_closed_worker_skips_the_interpreter_teardown():
    """After the plugin's teardown (Dask calls it when it closes the worker), the process ends with its output
    flushed and without freeing its objects (a finalizer that the teardown would run does not run)."""
    program = ("from symbolic_vae._report.worker_exit import SkipTeardown\n"
               "class Cache:\n"
               "    def __del__(self):\n"
               "        print('freed', flush=True)\n"
               "held = Cache()\n"
               "SkipTeardown().teardown(None)\n"
               "print('computed', end='')\n")
    ended = run([sys.executable, "-c", program])
    assert ended.returncode == 0 and ended.stdout == "computed", (ended.stdout, ended.stderr)
    normal = run([sys.executable, "-c", program.replace("SkipTeardown().teardown(None)\n", "")])
    assert normal.stdout == "computedfreed\n"  # the control: the normal end frees it


def test_a_verify_that_reuses_every_verdict_does_not_import_torch(tmp_path):
    env = {**os.environ, "SYMBOLIC_VAE_CACHE_DIR": str(tmp_path)}
    claims = ["--claim", "elbo.kl_split", "--quiet"]
    first = run([sys.executable, "-m", "symbolic_vae", "verify", *claims, "--workers", "1"], env)
    assert first.returncode == 0, first.stderr
    program = ("import sys\nfrom symbolic_vae._cli import main\n"
               f"code = main(['verify', *{claims!r}])\nprint(code, 'torch' in sys.modules)\n")
    again = run([sys.executable, "-c", program], env)
    assert again.stdout.split()[-2:] == ["0", "False"], (again.stdout, again.stderr)
    assert "0 verdicts computed in this run, 1 reused" in again.stdout


def test_a_claim_statement_is_kept_as_written():
    """``equation`` does not decide the equation: a statement that SymPy's Eq would turn into True stays one."""
    x = sp.Symbol("x")
    assert sp.Eq(x + x, 2 * x) is sp.true
    stated = equation(x + x, 2 * x)
    assert isinstance(stated, sp.Equality) and stated.lhs == 2 * x and stated.rhs == 2 * x
