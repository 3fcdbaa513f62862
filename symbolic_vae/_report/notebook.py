"""Notebook views of the ledger: Markdown with MathJax math for the derivation notebooks (a claim with its
steps and evidence, a section's ledger table, and ``NotebookLedger``, which a notebook builds once per section)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from symbolic_vae._core.claim import Claim
from symbolic_vae._core.errors import SymbolicVAEError
from symbolic_vae._core.notation import markup_text
from symbolic_vae._core.verdict import CheckResult, Counterexample, Status, Verdict
from symbolic_vae._engine.identity import prove_identity
from symbolic_vae._papers.sections import section_claims
from symbolic_vae._report.latex import format_value, math_lines

# ----------------------------------------------------------------------------------------------------------------
# Notebook views: Markdown with MathJax math, for the derivation notebooks
# ----------------------------------------------------------------------------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#$~])")
_HTML_COLOUR = {Status.PROVED: "#1B7837", Status.PROVED_AT_SIZES: "#1B7837", Status.CHECKED: "#2166AC",
                Status.REFUTED: "#B2182B", Status.INCONCLUSIVE: "#6F6F6F"}
EVIDENCE_KEYS = ("instances", "points", "cases", "datasets", "sizes", "size", "regions_proved", "starts", "samples",
                 "worst_residual", "worst_gap", "worst_value_gap", "worst_excess", "tolerance", "dps", "seed")


def md_escape(text: Any) -> str:
    """Plain text -> Markdown that renders literally (no emphasis, no math)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def md_prose(text: Any) -> str:
    """Prose with light LaTeX markup -> Markdown: ``$...$`` spans kept as math, the rest rendered literally."""
    parts = str(text).split("$")
    if len(parts) % 2 == 0:
        return md_escape(text)
    return "".join(f"${part}$" if k % 2 else md_escape(part) for k, part in enumerate(parts)).replace("\n", " ")


def md_math(obj: Any) -> str:
    """``obj`` as display math for MathJax: one ``$$`` block per item, long items broken into aligned lines."""
    blocks = []
    for lines in math_lines(obj):
        if len(lines) == 1:
            blocks.append(f"$$\n{lines[0][1]}\n$$")
        else:
            body = " \\\\\n".join("&" + "\\quad " * indent + text for indent, text in lines)
            blocks.append(f"$$\n\\begin{{aligned}}\n{body}\n\\end{{aligned}}\n$$")
    return "\n\n".join(blocks)


def md_status(status: Status) -> str:
    return f"<b style='color:{_HTML_COLOUR[status]}'>{status.value}</b>"


def evidence_rows(checks: Sequence[CheckResult], labels: Sequence[str]) -> str:
    """A Markdown table of the numeric evidence of ``checks``: one row per check, the informative detail columns."""
    keys = [k for k in EVIDENCE_KEYS if any(k in c.details for c in checks)][:6]
    head = "| | verdict | method | " + " | ".join(md_escape(k) for k in keys) + " |"
    rule = "|---|---|---|" + "---|" * len(keys)
    rows = [f"| {md_escape(lab)} | {md_status(c.status)} | {md_escape(c.method)} | "
            + " | ".join(md_escape(format_value(c.details[k], 40)) if k in c.details else "" for k in keys) + " |"
            for lab, c in zip(labels, checks, strict=True)]
    return "\n".join([head, rule, *rows])


@dataclass(frozen=True, repr=False)
class ClaimView:
    """A claim with its verdict, rendered in a notebook: statement, every step with its check, the verdict, the
    negative control, the numeric evidence, the counterexample and the link to the correction."""

    claim: Claim
    verdict: Verdict
    known: dict[str, Verdict]

    def __repr__(self) -> str:
        return f"<claim {self.claim.id}: {self.verdict.status.value}>"

    def _repr_markdown_(self) -> str:
        c, v = self.claim, self.verdict
        out = [f"#### `{c.id}` ({md_prose(c.ref.short())})", f"*{md_prose(c.title)}*", md_math(c.statement)]
        if c.assumptions:
            out.append("**Assumptions:** " + "; ".join(md_prose(a) for a in c.assumptions))
        if c.printed:
            out.append(f"**As printed:** {md_prose(c.printed)}")
        steps = ["**Derivation steps**", ""]
        for i, step in enumerate(c.steps):
            if i < len(v.checks):
                check = v.checks[i]
                result = f"{md_status(check.status)} ({md_escape(check.method)}): {md_prose(check.summary)}"
            else:
                result = "*not run: an earlier step refuted the claim*"
            steps.append(f"{i + 1}. {md_prose(step.description)}: {result}")
            if step.lhs is not None and step.rhs is not None:
                eq = (sp.Eq(step.lhs, step.rhs, evaluate=False)
                      if isinstance(step.lhs, sp.Expr) and isinstance(step.rhs, sp.Expr) else (step.lhs, step.rhs))
                steps.append("\n" + md_math(eq).replace("\n", "\n   ") + "\n")
        out.append("\n".join(steps))
        out.append(f"**Verdict:** {md_status(v.status)} by {md_escape(v.method)}: {md_prose(v.summary)}")
        if v.control is not None:
            state = "refuted, as it must be" if v.control_refuted else "<b>NOT refuted</b>"
            out.append(f"**Negative control** ({md_prose(c.control.perturbation)}): {state}; "
                       f"{md_prose(v.control.summary)}")
        labels = [f"step {i + 1}" for i in range(min(len(c.steps), len(v.checks)))]
        labels += ["extra"] * (len(v.checks) - len(labels))
        checks = [*v.checks, *([v.control] if v.control is not None else [])]
        out.append("**Numeric evidence**\n\n" + evidence_rows(checks, [*labels, "control"][:len(checks)]))
        if v.counterexample is not None:
            out.append(_counterexample_md(v.counterexample))
        if c.corrected and v.status is Status.REFUTED:
            fix = self.known.get(c.corrected)
            out.append(f"**Corrected by** `{c.corrected}`" + (f" ({md_status(fix.status)})" if fix else ""))
        if c.corrects:
            out.append(f"**Corrects** `{c.corrects}`")
        return "\n\n".join(out)


@dataclass(frozen=True, repr=False)
class Formula:
    """An expression shown in a notebook as display math, printed by the package's notation (``to_latex``: the
    report's printer), under an optional ``label`` (prose, ``$...$`` spans kept as math)."""

    expr: Any
    label: str = ""

    def __repr__(self) -> str:
        return f"{self.label}: {self.expr}" if self.label else str(self.expr)

    def _repr_markdown_(self) -> str:
        return (f"**{md_prose(self.label)}**\n\n" if self.label else "") + md_math(self.expr)


def formula(expr: Any, label: str = "") -> Formula:
    """``expr`` (a SymPy object or a tuple of them) for display in a notebook, under ``label``. An item that is
    SymPy's True or False is an error: an equation whose sides SymPy compared at once (a symbol = a matrix) is built
    with ``evaluate=False``."""
    for item in expr if isinstance(expr, tuple) else (expr,):
        if isinstance(item, sp.logic.boolalg.BooleanAtom):
            raise SymbolicVAEError(f"expr: an item evaluated to {item} (an equation is shown with "
                                   "sp.Eq(lhs, rhs, evaluate=False); a matrix side as sp.ImmutableMatrix)")
    return Formula(expr, label)


def _counterexample_md(cx: Counterexample) -> str:
    rows = [f"| {md_escape(k)} | `{markup_text(format_value(val, 120))}` |" for k, val in cx.instance.items()]
    rows += [f"| **left side** | `{markup_text(cx.lhs)}` |", f"| **right side** | `{markup_text(cx.rhs)}` |"]
    return (f"**Counterexample** (both sides at {cx.dps} digits)" + (f": {md_escape(cx.note)}" if cx.note else "")
            + "\n\n| | value |\n|---|---|\n" + "\n".join(rows))


@dataclass(frozen=True, repr=False)
class StepCheck:
    """One derivation step taken in a notebook: ``lhs == rhs`` (or ``display`` when given) with the result of
    checking it (``prove_identity``) beside it, and the counterexample when the step is refuted."""

    description: str
    lhs: Any
    rhs: Any
    result: CheckResult
    display: Any = None

    @property
    def passed(self) -> bool:
        """True when the step is PROVED, PROVED_AT_SIZES or CHECKED."""
        return self.result.status.passed

    def __repr__(self) -> str:
        return f"<step {self.description!r}: {self.result.status.value}>"

    def _repr_markdown_(self) -> str:
        r = self.result
        shown = self.display
        if shown is None:
            both = isinstance(self.lhs, sp.Expr) and isinstance(self.rhs, sp.Expr)
            shown = sp.Eq(self.lhs, self.rhs, evaluate=False) if both else (self.lhs, self.rhs)
        out = [f"**Step:** {md_prose(self.description)}", md_math(shown),
               f"**Check:** {md_status(r.status)} ({md_escape(r.method)}): {md_prose(r.summary)}"]
        if r.counterexample is not None:
            out.append(_counterexample_md(r.counterexample))
        return "\n\n".join(out)


def check_step(description: str, lhs: Any, rhs: Any, *, display: Any = None, symbols: Sequence[sp.Symbol] = (),
               constraints: Sequence[sp.Basic] = (), what: str = "step") -> StepCheck:
    """Take one derivation step in a notebook: check ``lhs == rhs`` with ``prove_identity`` (PROVED in general
    symbols, REFUTED with a high-precision counterexample, CHECKED numerically, or INCONCLUSIVE) and show the
    equation (or ``display``, e.g. a short form of long sides) with the result beside it. ``symbols`` and
    ``constraints`` are passed on to ``prove_identity`` (the domain beyond the symbols' assumptions)."""
    if not str(description).strip():
        raise SymbolicVAEError("description: expected the step in words, got an empty string")
    if display is not None:
        formula(display)  # the same refusal of an equation SymPy already decided
    result = prove_identity(lhs, rhs, symbols=symbols, constraints=constraints, what=what)
    return StepCheck(str(description), lhs, rhs, result, display)


def module_claims(section: str) -> list[Claim]:
    """The claims of one section (a name of ``SECTIONS``, e.g. ``"elbo"``), in ledger order."""
    return list(section_claims(section))


class NotebookLedger:
    """Runs the claims a notebook shows and renders them; ``summary()`` lists what the notebook covers.

    ``sections`` are the derivation sections of the notebook (names of ``SECTIONS``, e.g. ``"elbo"``): their claims
    that were not run are listed too."""

    def __init__(self, *sections: str) -> None:
        for section in sections:
            section_claims(section)  # an unknown name is an error here, not when the summary is shown
        self.sections = sections
        self.verdicts: dict[str, Verdict] = {}

    def __call__(self, claim_id: str) -> ClaimView:
        """Check ``claim_id`` (statement, every step, negative control) and return its view. The verdict is the
        process-wide one of the kernels, so kernels built from it afterwards cost nothing more."""
        from symbolic_vae._report.registry import claim_verdict, get_claim

        claim = get_claim(claim_id)
        self.verdicts[claim_id] = claim_verdict(claim_id)
        return ClaimView(claim, self.verdicts[claim_id], self.verdicts)

    def summary(self) -> LedgerTable:
        others = [c for m in self.sections for c in module_claims(m) if c.id not in self.verdicts]
        return LedgerTable(dict(self.verdicts), tuple(others))


@dataclass(frozen=True, repr=False)
class LedgerTable:
    """The claims a notebook covers: a verdict row for each claim it ran, then the module's other claims."""

    verdicts: dict[str, Verdict]
    not_run: tuple[Claim, ...] = ()

    def __repr__(self) -> str:
        return "\n".join(f"{cid}: {v.status.value}" for cid, v in self.verdicts.items())

    def _repr_markdown_(self) -> str:
        from symbolic_vae._report.registry import get_claim

        rows = ["| claim | reference | verdict | method | negative control | corrected by |",
                "|---|---|---|---|---|---|"]
        for cid, v in self.verdicts.items():
            fix = ""
            if v.corrected_by:
                fv = self.verdicts.get(v.corrected_by)
                fix = f"`{v.corrected_by}`" + (f" ({md_status(fv.status)})" if fv else "")
            rows.append(f"| `{cid}` | {md_prose(get_claim(cid).ref.short())} | {md_status(v.status)} | "
                        f"{md_escape(v.method)} | {'refuted' if v.control_refuted else '<b>NOT refuted</b>'} | {fix} |")
        counts = ", ".join(f"{s.value}: {n}" for s in Status
                           if (n := sum(v.status is s for v in self.verdicts.values())))
        out = [f"**Claims covered here** ({len(self.verdicts)}; {counts})", "\n".join(rows)]
        if self.not_run:
            out.append("**Also in this derivation, not run here** (to keep the notebook fast; run them with "
                       "`symbolic-vae verify --claim ID`): " + ", ".join(f"`{c.id}`" for c in self.not_run))
        return "\n\n".join(out)
