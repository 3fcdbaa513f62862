"""The Context a check runs under: its backend and its run seed are validated, and a verdict is computed under the
seed it names."""

import subprocess
import sys

import pytest

from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._core.seeds import run_seed
from symbolic_vae._engine.runner import Context


def test_the_default_seed_is_the_process_run_seed():
    assert Context().seed == run_seed()


@pytest.mark.parametrize("seed", [-1, 2**63, 1.5, True, "7"])
def test_a_bad_seed_is_refused_naming_it(seed):
    with pytest.raises(SymbolicVAEError, match="seed"):
        Context(seed=seed)


def test_a_claim_runs_under_the_seed_of_its_context_and_another_seed_is_refused_after():
    program = """
import sympy as sp
from symbolic_vae import Claim, PaperRef, Step, Control, CheckResult, Status
from symbolic_vae._core.seeds import derive_seed, run_seed
from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._engine.runner import Context, run_claim
seen = []
def check():
    seen.append(derive_seed(5))
    return CheckResult(Status.PROVED, "ok")
claim = Claim("toy.seed", "a toy claim", PaperRef("wz2022", "Sec. 1"), "toy", steps=(Step("s", check),),
              control=Control("c", lambda: CheckResult(Status.REFUTED, "refuted")))
run_claim(claim, Context(seed=11))
assert run_seed() == 11 and seen[0] != 5, seen
try:
    run_claim(claim, Context(seed=12))
except SymbolicVAEError as err:
    assert "seed" in str(err)
    print("refused")
"""
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "refused"
