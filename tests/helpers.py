"""The one tolerance rule of the test suite."""

from __future__ import annotations

import re

import numpy as np

REL_TOL = 1e-9


def assert_close(actual, expected, rel: float = REL_TOL) -> None:
    """|actual - expected| <= rel * (1 + |expected|), elementwise."""
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    gap = np.abs(actual - expected) / (1 + np.abs(expected))
    assert np.all(gap <= rel), f"relative gap {gap.max():.3g} > {rel}: {actual} vs {expected}"


def assert_verdict_and_control(verdict, expected) -> None:
    """The verdict the computation reached is ``expected`` and the claim's negative control was REFUTED with an
    instance."""
    assert verdict.status is expected, verdict.summary
    assert verdict.control is not None and verdict.control.status.value == "REFUTED", verdict.control
    assert verdict.control.counterexample is not None


_GREEK = ("alpha|beta|gamma|delta|epsilon|zeta|eta|theta|kappa|lambda|mu|nu|xi|pi|rho|sigma|tau|phi|chi|psi|omega|"
          "Sigma|Lambda|Gamma|Theta|Phi")
EVIDENCE_ASCII_MATH = {
    "a Greek name with _, ^ or **": re.compile(rf"\b({_GREEK})(_|\^|\*\*)"),
    "'sqrt('": re.compile(r"\bsqrt\("),
    "'hat d'": re.compile(r"\bhat d"),
    "'**'": re.compile(r"\*\*"),
    "an ASCII relation or arrow": re.compile(r"->|>=|<="),
}
"""ASCII math that evidence text, written in light LaTeX markup, must not hold outside its ``$...$`` spans."""


def evidence_defects(text: str) -> list[str]:
    """What is wrong with evidence text ``text``: an unpaired ``$``, or ASCII math outside its ``$...$`` spans."""
    if text.count("$") % 2:
        return ["an unpaired $"]
    prose = "".join(part for k, part in enumerate(text.split("$")) if k % 2 == 0)
    return [name for name, pattern in EVIDENCE_ASCII_MATH.items() if pattern.search(prose)]
