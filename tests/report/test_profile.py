"""The profile of a verify run: every claim, its steps and its control, slowest claim first, from the times the
runner records per check."""

from __future__ import annotations

import time

from symbolic_vae import Claim, Control, PaperRef, Step
from symbolic_vae._core.verdict import CheckResult, Counterexample, Status
from symbolic_vae._engine.runner import run_claim
from symbolic_vae._report.ledger import verdict_from_json
from symbolic_vae._report.profile import profile_rows, profile_table

REF = PaperRef("wz2022", "toy", ("1",), "toy")


def _sleeping(seconds: float, status: Status = Status.CHECKED):
    def check() -> CheckResult:
        time.sleep(seconds)
        cx = Counterexample({"x": "1"}, "1", "2", 15) if status is Status.REFUTED else None
        return CheckResult(status, "sleep", f"slept {seconds} s", counterexample=cx)
    return check


def _claim(name: str, step_seconds: tuple[float, ...]) -> Claim:
    steps = tuple(Step(f"sleep {s}", _sleeping(s)) for s in step_seconds)
    return Claim(f"toy.{name}", REF, name, "a toy statement", steps,
                 Control("a false variant", _sleeping(0.0, Status.REFUTED)))


def test_the_runner_times_every_check_and_the_ledger_keeps_it():
    verdict = run_claim(_claim("slow", (0.05, 0.2)))
    assert [c.seconds >= s for c, s in zip(verdict.checks, (0.05, 0.2), strict=True)] == [True, True]
    assert verdict.control is not None and verdict.control.seconds >= 0
    assert verdict.seconds >= sum(c.seconds for c in verdict.checks)
    again = verdict_from_json(verdict.to_json())
    assert [c.seconds for c in again.checks] == [round(c.seconds, 3) for c in verdict.checks]


def test_claims_come_slowest_first_with_their_steps_and_control():
    claims = [_claim("fast", (0.0,)), _claim("slow", (0.5, 1.0))]  # far apart: the order cannot be a tie
    verdicts = [run_claim(c) for c in claims]
    rows = profile_rows(claims, verdicts)
    assert [r[:2] for r in rows] == [("toy.slow", "total"), ("toy.slow", "step 1: sleep 0.5"),
                                     ("toy.slow", "step 2: sleep 1.0"), ("toy.slow", "negative control"),
                                     ("toy.fast", "total"), ("toy.fast", "step 1: sleep 0.0"),
                                     ("toy.fast", "negative control")]
    text = profile_table(claims, verdicts)
    assert text.splitlines()[0].startswith("Profile: 2 claims")
    assert "step 2: sleep 1.0" in text
