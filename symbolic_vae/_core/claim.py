"""Claims: a statement of a paper, its reference, its derivation steps, its negative control and its correction."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import sympy as sp

from symbolic_vae._core.notation import to_latex
from symbolic_vae._core.verdict import CheckResult


@dataclasses.dataclass(frozen=True)
class PaperRef:
    """Where a claim stands in its paper: ``paper`` key, section, equations and numbered result."""

    paper: str
    section: str
    equations: tuple[str, ...] = ()
    result: str = ""

    def __post_init__(self) -> None:
        assert self.paper in PAPERS, f"unknown paper {self.paper!r}"

    def short(self) -> str:
        parts = [PAPERS[self.paper][0], self.section]
        if self.result:
            parts.append(self.result)
        if self.equations:
            parts.append("Eq. " + ",".join(self.equations))
        return " ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {"paper": self.paper, "section": self.section, "equations": list(self.equations),
                "result": self.result}


PAPERS = {
    "wz2022": ("WZ22", "Z. Wang and L. Ziyin, Posterior Collapse of a Linear Latent Variable Model, NeurIPS 2022"),
    "lucas2019": ("L19", "J. Lucas et al., Don't Blame the ELBO! A Linear VAE Perspective on Posterior Collapse, "
                  "NeurIPS 2019"),
}

SEVERITIES = ("substantive", "boundary-only", "constant-only", "notation")
"""Severities of a refuted claim, most severe first: fails on an open set or changes a conclusion; fails only on
an equality set; off by a term free of the optimized parameters; a notation slip or typo."""

Check = Callable[..., CheckResult]
"""A check: ``check()``, or ``check(context)`` for one that depends on the run's Context (see ``_runner``)."""


@dataclasses.dataclass(frozen=True)
class Step:
    """One derivation step: ``lhs == rhs`` (SymPy objects), with the check that vouches for it.

    A ``corroborating`` step (e.g. a numeric cross-check of a symbolic proof) can refute the claim or leave it
    undecided, but does not lower the strength of a passing verdict.
    """

    description: str
    check: Check
    lhs: sp.Basic | None = None
    rhs: sp.Basic | None = None
    corroborating: bool = False

    def __post_init__(self) -> None:
        assert self.description
        assert callable(self.check)


@dataclasses.dataclass(frozen=True)
class Control:
    """A negative control: a perturbed statement (what was perturbed, in words) that the checker must refute."""

    perturbation: str
    check: Check

    def __post_init__(self) -> None:
        assert self.perturbation and callable(self.check)

    def of(self, statement: str) -> Control:
        """This control, worded as a perturbation of ``statement``: '<statement> with <perturbation>', same check
        (e.g. a printed claim refuted by the perturbed correction that is its correction's control)."""
        return Control(f"{statement} with {self.perturbation}", self.check)


def equation(lhs: Any, rhs: Any) -> sp.Equality:
    """The statement lhs = rhs as written: SymPy's ``Eq`` without its attempt to decide the equation, which a
    claim's steps do (the attempt queried the assumptions of every side, most of the cost of building the claims)."""
    return sp.Eq(lhs, rhs, evaluate=False)


def claim_prefix(claim_id: str) -> str:
    """The prefix of a claim id before its first dot: the section it belongs to (``decvar`` of ``decvar.eq53``)."""
    return claim_id.split(".", 1)[0]


@dataclasses.dataclass(frozen=True)
class Claim:
    """A statement of a paper to check.

    ``statement`` holds SymPy objects (an Eq, a relational, or a tuple of them) in symbols that carry their
    assumptions; ``assumptions`` lists the hypotheses in words. ``steps`` are checked in order and folded into
    one verdict. ``corrected`` is the id of the corrected claim when this one is expected to be refutable as
    printed (it is only followed when the computation refutes it).

    Errata triage (for a printed claim, see ``_report/errata``): ``erratum_cause`` tags the root cause it shares
    with other refutations; ``erratum_severity`` (one of SEVERITIES) with ``erratum_reason`` is the severity given
    as data where no rule computes it; ``erratum_parameters`` names the symbols an objective-valued statement is
    optimized over, so that whether printed minus corrected is free of them is computed.

    ``surviving_mutants`` (pattern, reason) explains mutants of the formulas the claim's checks use that the
    checks cannot notice (``symbolic-vae mutate``): a surviving mutant is explained when its
    "<formula label>: <mutation>" contains the pattern; the reason says why the claim, as stated, holds for it.
    """

    id: str
    title: str
    ref: PaperRef
    statement: Any
    steps: tuple[Step, ...]
    control: Control
    assumptions: tuple[str, ...] = ()
    printed: str = ""
    corrected: str | None = None
    corrects: str | None = None
    tags: tuple[str, ...] = dataclasses.field(default_factory=tuple)
    erratum_cause: str = ""
    erratum_severity: str = ""
    erratum_reason: str = ""
    erratum_parameters: tuple[str, ...] = ()
    surviving_mutants: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        assert all(isinstance(p, str) and p and isinstance(r, str) and r for p, r in self.surviving_mutants), \
            f"claim {self.id}: each surviving mutant needs a pattern and a reason"
        assert self.id and " " not in self.id, f"bad claim id {self.id!r}"
        assert self.steps, f"claim {self.id} has no steps"
        assert isinstance(self.control, Control), f"claim {self.id} has no negative control"
        assert self.erratum_severity in ("", *SEVERITIES), f"claim {self.id}: unknown severity"
        assert bool(self.erratum_severity) == bool(self.erratum_reason), \
            f"claim {self.id}: a declared severity needs its reason (and a reason its severity)"

    def statement_latex(self) -> str:
        items = self.statement if isinstance(self.statement, tuple) else (self.statement,)
        return r" \\ ".join(to_latex(s) if isinstance(s, sp.Basic) else str(s) for s in items)

    def _repr_latex_(self) -> str:
        return f"$$\\begin{{gathered}}\\text{{{self.id}}}: \\\\ {self.statement_latex()}\\end{{gathered}}$$"


def explain_survivors(claims: Sequence[Claim], reasons: dict[str, tuple[tuple[str, str], ...]]) -> list[Claim]:
    """``claims`` with the surviving-mutant explanations of ``reasons`` (claim id -> (pattern, reason) pairs)."""
    known = {c.id for c in claims}
    assert set(reasons) <= known, f"explanations for unknown claims: {sorted(set(reasons) - known)}"
    return [dataclasses.replace(c, surviving_mutants=c.surviving_mutants + reasons[c.id]) if c.id in reasons else c
            for c in claims]


def erratum(printed: Claim | Sequence[Claim], corrected: Claim, *, cause: str = "", severity: str = "",
            reason: str = "", parameters: tuple[str, ...] = ()) -> tuple[Claim, ...]:
    """A statement as printed and its correction, declared once: each printed claim (the computation is expected to
    refute it) links to ``corrected``, which links back to the first of them. ``cause``, ``severity`` with
    ``reason``, and ``parameters`` fill the printed claims' ``erratum_*`` fields that they leave empty. Returns the
    printed claims followed by the corrected one, in that order."""
    printed = (printed,) if isinstance(printed, Claim) else tuple(printed)
    assert printed, "erratum: no printed claim"
    linked = tuple(dataclasses.replace(
        claim, corrected=corrected.id, erratum_cause=claim.erratum_cause or cause,
        erratum_parameters=claim.erratum_parameters or parameters,
        **({} if claim.erratum_severity else {"erratum_severity": severity, "erratum_reason": reason}))
        for claim in printed)
    return (*linked, dataclasses.replace(corrected, corrects=printed[0].id))
