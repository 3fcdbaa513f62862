"""Float64 refutations: a check that compared two float64 values and found them apart records them, with the
instance, as a counterexample at 17 significant digits (no paper in particular)."""

from __future__ import annotations

from typing import Any

from symbolic_vae._core.verdict import CheckResult, Counterexample, Status, decimal_text


def float64_refutation(method: str, summary: str, instance: dict[str, Any], lhs: float, rhs: float, *, note: str,
                       gap: float, tolerance: float, details: dict[str, Any] | None = None) -> CheckResult:
    """REFUTED by ``instance``, where the two sides took the float64 values ``lhs`` and ``rhs``; ``gap`` is the
    quantity the check found above ``tolerance``."""
    counterexample = Counterexample(instance, f"{lhs:.17g}", f"{rhs:.17g}", 17, note=note, gap=decimal_text(gap),
                                    tolerance=decimal_text(tolerance))
    return CheckResult(Status.REFUTED, method, summary, {} if details is None else details, counterexample)
