"""The run seed: one number from which every random instance, start and sample of a run is derived.

Each check keeps its own base seed (a constant beside the check). ``derive_seed(base)`` returns ``base`` itself
under the default run seed, so the default ledger is the one the checks were written against, and a
SeedSequence mix of (run seed, base) under any other run seed, so that ``symbolic-vae verify --seed N`` draws
new instances everywhere. The run seed is fixed for a process at its first use: instances drawn under one seed
are cached, so switching seeds within a process would mix two runs, and it raises instead.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from symbolic_vae._core.errors import SymbolicVAEError

DEFAULT_RUN_SEED = 20221128
"""The run seed of ``symbolic-vae verify`` without ``--seed``: every check uses its own base seed unchanged."""

_STATE: dict[str, int | bool] = {"seed": DEFAULT_RUN_SEED, "used": False}


def run_seed() -> int:
    """The run seed of this process."""
    return int(_STATE["seed"])


def check_seed(seed: object) -> int:
    """``seed`` as an int when it is a valid run seed (a non-negative int below 2**63); SymbolicVAEError naming
    ``seed`` otherwise."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= int(seed) < 2**63:
        raise SymbolicVAEError(f"seed: expected an integer in [0, 2**63), got {seed!r}")
    return int(seed)


def set_run_seed(seed: object) -> int:
    """Fix the run seed of this process (``check_seed``); SymbolicVAEError naming ``seed`` on a bad value, or when
    instances were already drawn under another run seed in this process."""
    seed = check_seed(seed)
    if _STATE["used"] and seed != _STATE["seed"]:
        raise SymbolicVAEError(f"seed: this process already drew instances under run seed {_STATE['seed']}; "
                               f"run seed {seed} needs a new process")
    _STATE["seed"] = seed
    return seed


def derive_seed(base: int | Sequence[int]) -> int | list[int]:
    """The seed a check with base seed ``base`` (an int, or a sequence of ints) uses in this run."""
    _STATE["used"] = True
    seed = int(_STATE["seed"])
    if seed == DEFAULT_RUN_SEED:
        return base if isinstance(base, int) else [int(b) for b in base]
    entropy = [seed, *([base] if isinstance(base, int) else base)]
    mixed = int(np.random.SeedSequence([int(e) & (2**64 - 1) for e in entropy]).generate_state(1, np.uint64)[0])
    return mixed >> 1  # below 2**63: every consumer (numpy, torch) takes it
