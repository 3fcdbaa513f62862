"""Verdicts: the outcome of checking a claim, with the method that vouched for it and its evidence."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from typing import Any

import mpmath


class Status(enum.Enum):
    """The verdict vocabulary, strongest first. Only the first three count as a pass."""

    PROVED = "PROVED"
    PROVED_AT_SIZES = "PROVED_AT_SIZES"
    CHECKED = "CHECKED"
    REFUTED = "REFUTED"
    INCONCLUSIVE = "INCONCLUSIVE"

    @property
    def passed(self) -> bool:
        return self in (Status.PROVED, Status.PROVED_AT_SIZES, Status.CHECKED)


FORMULA_DETAIL = "formula"
LATEX_SOURCE_KEYS = frozenset({FORMULA_DETAIL})
"""Keys of a check's details whose values are LaTeX source as the paper prints it (a formula read from its text):
the printers show them as written, never typeset."""
_STRENGTH = {Status.PROVED: 3, Status.PROVED_AT_SIZES: 2, Status.CHECKED: 1}


@dataclass(frozen=True)
class Counterexample:
    """A concrete instance on which the two sides differ, re-evaluated at high precision.

    ``instance`` maps names to exact values (strings of rationals or matrices); ``lhs`` and ``rhs`` are the two
    sides at ``dps`` digits.
    """

    instance: dict[str, Any]
    lhs: str
    rhs: str
    dps: int
    note: str = ""
    gap: str | None = None
    """The size of the failure the refutation rests on (e.g. |lhs - rhs|, a loss difference), as a decimal string
    ("inf" when a side is undefined or not finite)."""
    tolerance: str | None = None
    """What the gap had to exceed to count as a failure (0 for an exact difference), as a decimal string."""

    def __post_init__(self) -> None:
        assert self.instance, "a counterexample needs an instance"
        assert self.dps >= 15
        assert self.gap is None or (isinstance(self.gap, str) and _is_decimal(self.gap, infinite=True)), self.gap
        assert self.tolerance is None or (isinstance(self.tolerance, str) and _is_decimal(self.tolerance)), (
            self.tolerance)

    def to_json(self) -> dict[str, Any]:
        out = {"instance": self.instance, "lhs": self.lhs, "rhs": self.rhs, "dps": self.dps, "note": self.note}
        if self.gap is not None:
            out["gap"] = self.gap
        if self.tolerance is not None:
            out["tolerance"] = self.tolerance
        return out

    @property
    def exceeds_tolerance(self) -> bool | None:
        """Whether the recorded gap is above the recorded tolerance (None when either is not recorded)."""
        if self.gap is None or self.tolerance is None:
            return None
        with mpmath.workdps(50):
            return mpmath.mpf(self.gap) > mpmath.mpf(self.tolerance)


def decimal_text(value: Any, digits: int = 6) -> str:
    """|value| (a Python, numpy, mpmath or SymPy real number) as a decimal string of ``digits`` significant digits:
    the form ``Counterexample.gap`` and ``tolerance`` take ("inf" for an infinite value)."""
    with mpmath.workdps(digits + 10):
        if hasattr(value, "evalf"):  # a SymPy number, evaluated by SymPy itself
            value = value.evalf(digits + 10)
            value = mpmath.mpf(value._mpf_) if hasattr(value, "_mpf_") else mpmath.mpmathify(complex(value))
        number = abs(mpmath.mpmathify(value if isinstance(value, (int, mpmath.mpf, mpmath.mpc)) else float(value)))
        if mpmath.isinf(number):
            return "inf"
        return mpmath.nstr(number, digits, min_fixed=-4, max_fixed=6, strip_zeros=True)


def _is_decimal(text: str, *, infinite: bool = False) -> bool:
    """Whether ``text`` is a non-negative decimal number (or, when ``infinite``, "inf")."""
    if infinite and text == "inf":
        return True
    try:
        number = mpmath.mpf(text)
    except (ValueError, TypeError):
        return False
    return bool(mpmath.isfinite(number)) and number >= 0


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: its status, the method used and a one-line summary with details.

    A REFUTED result always carries a counterexample.
    """

    status: Status
    method: str
    summary: str
    details: dict[str, Any] = field(default_factory=dict)
    counterexample: Counterexample | None = None
    seconds: float = field(default=0.0, compare=False)
    """Wall time of the check (a timing field: not part of what a result says)."""

    def __post_init__(self) -> None:
        assert isinstance(self.status, Status)
        if self.status is Status.REFUTED:
            assert self.counterexample is not None, "a refutation needs a concrete instance"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "status": self.status.value,
            "method": self.method,
            "summary": self.summary,
            "details": _jsonable(self.details),
        }
        if self.counterexample is not None:
            out["counterexample"] = self.counterexample.to_json()
        out["seconds"] = round(self.seconds, 3)
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CheckResult:
        """The result of one ``to_json`` entry; KeyError, TypeError or ValueError if it is not one."""
        cx = data.get("counterexample")
        counterexample = None if cx is None else Counterexample(dict(cx["instance"]), str(cx["lhs"]), str(cx["rhs"]),
                                                                int(cx["dps"]), str(cx.get("note", "")),
                                                                cx.get("gap"), cx.get("tolerance"))
        return cls(Status(data["status"]), str(data["method"]), str(data["summary"]), dict(data.get("details", {})),
                   counterexample, float(data.get("seconds", 0.0)))


@dataclass(frozen=True)
class Origin:
    """Where a verdict came from: ``computed`` in this process, or reused from the verdict store; ``key`` is its
    store key (None when it is not stored, e.g. a claim defined outside the package) and ``date`` when it was
    computed (ISO 8601, UTC)."""

    computed: bool
    key: str | None = None
    date: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"origin": "computed" if self.computed else "reused", "key": self.key, "date": self.date}


@dataclass(frozen=True)
class Verdict:
    """A claim's verdict: one status, the method that vouched for it, and every check behind it.

    ``control`` is the result of the claim's negative control, which must be REFUTED for the verdict to stand.
    ``origin`` (not part of what a verdict says) records whether it was computed by this process or reused.
    """

    claim_id: str
    status: Status
    method: str
    summary: str
    checks: tuple[CheckResult, ...]
    control: CheckResult | None = None
    corrected_by: str | None = None
    seconds: float = field(default=0.0, compare=False)
    origin: Origin | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.status is Status.REFUTED:
            assert self.counterexample is not None

    @property
    def counterexample(self) -> Counterexample | None:
        for check in self.checks:
            if check.status is Status.REFUTED:
                return check.counterexample
        return None

    @property
    def control_refuted(self) -> bool:
        return self.control is not None and self.control.status is Status.REFUTED

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "claim": self.claim_id,
            "status": self.status.value,
            "method": self.method,
            "summary": self.summary,
            "checks": [c.to_json() for c in self.checks],
            "negative_control": None if self.control is None else self.control.to_json(),
            "seconds": round(self.seconds, 3),
        }
        if self.corrected_by is not None:
            out["corrected_by"] = self.corrected_by
        cx = self.counterexample
        if cx is not None:
            out["counterexample"] = cx.to_json()
        if self.origin is not None:
            out["store"] = self.origin.to_json()
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Verdict:
        """The verdict of one ``to_json`` entry (a ledger entry); KeyError, TypeError or ValueError if it is not
        one. The origin is not read back: a verdict read from a file is not one this process computed."""
        control = data.get("negative_control")
        corrected = data.get("corrected_by")
        if corrected is not None and not isinstance(corrected, str):
            raise TypeError(f"corrected_by: expected a claim id, got {corrected!r}")
        return cls(str(data["claim"]), Status(data["status"]), str(data["method"]), str(data["summary"]),
                   tuple(CheckResult.from_json(c) for c in data["checks"]),
                   None if control is None else CheckResult.from_json(control), corrected,
                   float(data.get("seconds", 0.0)))

    def _repr_html_(self) -> str:
        colour = "green" if self.status.passed else ("red" if self.status is Status.REFUTED else "gray")
        return (
            f"<b>{self.claim_id}</b>: <span style='color:{colour}'>{self.status.value}</span> "
            f"({self.method}) {self.summary}"
        )


def combine(claim_id: str, checks: list[CheckResult], corroborating: list[bool] | None = None
            ) -> tuple[Status, str, str]:
    """Fold the results of a claim's checks into one status, method and summary.

    Any refutation refutes the claim; anything undecided leaves it INCONCLUSIVE; otherwise the verdict is the
    weakest of the passing proof checks (a chain of steps is only as strong as its weakest link). Corroborating
    checks can refute or leave undecided, but do not weaken a pass.
    """
    if not checks:
        return Status.INCONCLUSIVE, "none", f"{claim_id}: no check ran"
    refuted = [c for c in checks if c.status is Status.REFUTED]
    if refuted:
        return Status.REFUTED, refuted[0].method, refuted[0].summary
    undecided = [c for c in checks if c.status is Status.INCONCLUSIVE]
    if undecided:
        return Status.INCONCLUSIVE, undecided[0].method, undecided[0].summary
    flags = corroborating or [False] * len(checks)
    proofs = [c for c, corr in zip(checks, flags, strict=True) if not corr] or checks
    weakest = min(proofs, key=lambda c: _STRENGTH[c.status])
    methods = sorted({c.method for c in checks}, key=[c.method for c in checks].index)
    return weakest.status, " + ".join(methods), weakest.summary


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)  # "inf", "-inf", "nan": JSON has no such numbers
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return number if math.isfinite(number) else repr(number)
