"""Notebook views of the ledger: Markdown with MathJax math for the derivation notebooks (a claim with its
steps and evidence, a section's ledger table, and ``NotebookLedger``, which a notebook builds once per section)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from symbolic_vae._core.claim import Claim
from symbolic_vae._core.verdict import CheckResult, Status, Verdict
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
        out = [f"#### `{c.id}` ({md_escape(c.ref.short())})", f"*{md_prose(c.title)}*", md_math(c.statement)]
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
            out.append(f"**Negative control** ({md_escape(c.control.perturbation)}): {state}; "
                       f"{md_prose(v.control.summary)}")
        labels = [f"step {i + 1}" for i in range(min(len(c.steps), len(v.checks)))]
        labels += ["extra"] * (len(v.checks) - len(labels))
        checks = [*v.checks, *([v.control] if v.control is not None else [])]
        out.append("**Numeric evidence**\n\n" + evidence_rows(checks, [*labels, "control"][:len(checks)]))
        cx = v.counterexample
        if cx is not None:
            rows = [f"| {md_escape(k)} | `{format_value(val, 120)}` |" for k, val in cx.instance.items()]
            rows += [f"| **left side** | `{cx.lhs}` |", f"| **right side** | `{cx.rhs}` |"]
            out.append(f"**Counterexample** (both sides at {cx.dps} digits)" + (f": {md_escape(cx.note)}" if cx.note
                       else "") + "\n\n| | value |\n|---|---|\n" + "\n".join(rows))
        if c.corrected and v.status is Status.REFUTED:
            fix = self.known.get(c.corrected)
            out.append(f"**Corrected by** `{c.corrected}`" + (f" ({md_status(fix.status)})" if fix else ""))
        if c.corrects:
            out.append(f"**Corrects** `{c.corrects}`")
        return "\n\n".join(out)


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
            rows.append(f"| `{cid}` | {md_escape(get_claim(cid).ref.short())} | {md_status(v.status)} | "
                        f"{md_escape(v.method)} | {'refuted' if v.control_refuted else '<b>NOT refuted</b>'} | {fix} |")
        counts = ", ".join(f"{s.value}: {n}" for s in Status
                           if (n := sum(v.status is s for v in self.verdicts.values())))
        out = [f"**Claims covered here** ({len(self.verdicts)}; {counts})", "\n".join(rows)]
        if self.not_run:
            out.append("**Also in this derivation, not run here** (to keep the notebook fast; run them with "
                       "`symbolic-vae verify --claim ID`): " + ", ".join(f"`{c.id}`" for c in self.not_run))
        return "\n\n".join(out)
