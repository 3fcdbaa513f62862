"""The testing API on identities written from outside (tests/public_api/identity_corpus.py), at seeds 0, 1 and 2.

- No true identity is REFUTED (a false refutation), and no false identity is PROVED (a false pass in the default
  mode of ``assert_identity``).
- ``allow_numeric=True`` passes a CHECKED identity: checked at sampled points, not a proof. A false identity it would
  pass is listed in NUMERIC_LIMITS with the reason; none is listed today, and the test fails if one appears unlisted.
- Run as a script (``python tests/public_api/test_identity_corpus.py``) it prints how many are decided.
"""

from __future__ import annotations

import collections
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from identity_corpus import FALSE, TRUE, Case  # noqa: E402

from symbolic_vae import Status  # noqa: E402
from symbolic_vae.testing import assert_identity, check_identity  # noqa: E402

SEEDS = (0, 1, 2)

NUMERIC_LIMITS: dict[str, str] = {}
"""False identities that ``allow_numeric=True`` passes (CHECKED), each with the reason the sampling misses it."""


def _check(case: Case, seed: int):
    return check_identity(case.lhs, case.rhs, seed=seed, **case.options)


def test_the_corpus_is_large_and_varied():
    assert len(TRUE) >= 60 and len(FALSE) >= 60
    assert len({c.name for c in TRUE}) == len(TRUE) and len({c.name for c in FALSE}) == len(FALSE)
    for kind in ("radicals", "logs", "branches", "special functions", "piecewise", "near miss", "thin region",
                 "boundary", "complex", "integers"):
        assert any(c.kind == kind for c in FALSE), kind
        assert any(c.kind == kind for c in TRUE) or kind in ("near miss", "thin region"), kind


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("case", TRUE, ids=lambda c: c.name)
def test_a_true_identity_is_never_refuted(case: Case, seed: int):
    result = _check(case, seed)
    assert result.status is not Status.REFUTED, result


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("case", FALSE, ids=lambda c: c.name)
def test_a_false_identity_is_never_proved(case: Case, seed: int):
    result = _check(case, seed)
    assert result.status is not Status.PROVED, result
    with pytest.raises(AssertionError):
        assert_identity(case.lhs, case.rhs, seed=seed, **case.options)
    if result.status is Status.CHECKED:  # passed at sampled points: only a listed, explained limit may do that
        assert case.name in NUMERIC_LIMITS, f"allow_numeric passes the false identity {case.name!r}: {result}"
    if result.status is Status.REFUTED:  # a refutation shows the sides differing, confirmed with its gap
        cx = result.counterexample
        assert cx is not None and cx.exceeds_tolerance, cx


def test_a_refuted_true_identity_would_be_caught():
    """Negative control of the corpus test: a true identity whose sides were swapped for false ones is refuted, so
    the first test can fail."""
    case = TRUE[0]
    result = check_identity(case.lhs, case.rhs + 1)
    assert result.status is Status.REFUTED


def decided_counts() -> dict[str, collections.Counter]:
    """Status counts over the corpus, per truth and seed."""
    counts: dict[str, collections.Counter] = {}
    for truth, cases in (("true", TRUE), ("false", FALSE)):
        for seed in SEEDS:
            counts[f"{truth}, seed {seed}"] = collections.Counter(_check(c, seed).status.value for c in cases)
    return counts


if __name__ == "__main__":
    for label, counter in decided_counts().items():
        print(f"{label}: " + ", ".join(f"{k} {v}" for k, v in sorted(counter.items())))
