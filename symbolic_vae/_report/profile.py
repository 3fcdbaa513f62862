"""Where a ``verify`` run spends its time: one table of claims, slowest first, each with its steps and its negative
control (wall seconds, as recorded in the verdicts)."""

from __future__ import annotations

from collections.abc import Sequence

from symbolic_vae._core.claim import Claim
from symbolic_vae._core.notation import markup_text
from symbolic_vae._core.verdict import Verdict

SHARED_WORK_NOTE = ("a campaign or instance set shared by several claims is paid by the first claim that needs it; "
                    "later claims reuse it")


def profile_rows(claims: Sequence[Claim], verdicts: Sequence[Verdict]) -> list[tuple[str, str, float]]:
    """(claim id, what ran, seconds): per verdict a "total" row, then one row per step that ran and one for the
    negative control; claims by total time, slowest first."""
    by_id = {c.id: c for c in claims}
    rows: list[tuple[str, str, float]] = []
    for verdict in sorted(verdicts, key=lambda v: -v.seconds):
        steps = by_id[verdict.claim_id].steps
        rows.append((verdict.claim_id, "total", verdict.seconds))
        for i, check in enumerate(verdict.checks):
            label = f"step {i + 1}: {markup_text(steps[i].description)}" if i < len(steps) else f"{check.method}"
            rows.append((verdict.claim_id, label, check.seconds))
        if verdict.control is not None:
            rows.append((verdict.claim_id, "negative control", verdict.control.seconds))
    return rows


def profile_table(claims: Sequence[Claim], verdicts: Sequence[Verdict], width: int = 120) -> str:
    """``profile_rows`` as text: the claims' share of the run, then the rows."""
    total = sum(v.seconds for v in verdicts)
    steps = sum(c.seconds for v in verdicts for c in v.checks)
    controls = sum(v.control.seconds for v in verdicts if v.control is not None)
    lines = [f"Profile: {len(verdicts)} claims, {total:.1f} s in checks ({steps:.1f} s in steps, {controls:.1f} s in "
             "negative controls)", f"({SHARED_WORK_NOTE})",
             f"{'seconds':>9}  {'share':>6}  claim / what ran"]
    for claim_id, what, seconds in profile_rows(claims, verdicts):
        share = f"{100 * seconds / total:5.1f}%" if total > 0 else "     -"
        text = claim_id if what == "total" else f"    {what}"
        lines.append(f"{seconds:9.2f}  {share}  {text}"[:width])
    return "\n".join(lines)
