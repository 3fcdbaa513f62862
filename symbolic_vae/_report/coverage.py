"""Every numbered equation accounted for: cited by a claim (read from the claims' refs), a definition the model uses,
or not a claim with a reason; with how many SymPy parsed, overall and per section."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from symbolic_vae._core.claim import PAPERS, Claim
from symbolic_vae._core.errors import fail
from symbolic_vae._papers.text.equations import declared_accounting, equations, numbering
from symbolic_vae._report.printed_text import OUTCOMES, compare_printed, printed_text_figures

KINDS = ("cited", "definition", "not a claim")


def equation_accounting(paper: str, claims: Iterable[Claim]) -> list[dict[str, Any]]:
    """One row per numbered equation of ``paper``: number, section, parsed, reason, kind (one of KINDS, or
    "unaccounted"), and the citing claims / model object / reason."""
    if paper not in PAPERS:
        raise fail("paper", f"unknown paper {paper!r}; known: {', '.join(PAPERS)}")
    citing: dict[str, list[str]] = {}
    for claim in claims:
        if claim.ref.paper == paper:
            for number in claim.ref.equations:
                citing.setdefault(number, []).append(claim.id)
    declared = declared_accounting(paper)
    rows = []
    for eq in equations(paper):
        n = eq["number"]
        kinds = [k for k, present in (("cited", n in citing), ("definition", n in declared["definitions"]),
                                      ("not a claim", n in declared["not_a_claim"])) if present]
        rows.append({"number": n, "section": eq["section"], "parsed": eq["parsed"], "parse_reason": eq["reason"],
                     "kind": kinds[0] if len(kinds) == 1 else ("unaccounted" if not kinds else "+".join(kinds)),
                     "claims": citing.get(n, []), "definition": declared["definitions"].get(n, ""),
                     "reason": declared["not_a_claim"].get(n, "")})
    return rows


def accounting_problems(paper: str, claims: Iterable[Claim]) -> list[str]:
    """What breaks the accounting: a cited number that is not printed, an equation with no kind or several, a
    declared number that is not printed."""
    claims = list(claims)
    rows = equation_accounting(paper, claims)
    numbers = {r["number"] for r in rows}
    declared = declared_accounting(paper)
    lost = declared["number_lost"]
    problems = [f"{c.id} cites Eq. {n}, which {paper} does not print" for c in claims if c.ref.paper == paper
                for n in c.ref.equations if n not in numbers and n not in lost]
    problems += [f"Eq. {r['number']}: {r['kind']}" for r in rows if r["kind"] not in KINDS]
    problems += [f"declared Eq. {n} is not printed" for kind, entries in declared.items() if kind != "number_lost"
                 for n in entries if n not in numbers]
    problems += [f"Eq. {n} is declared as a lost number but the text prints it" for n in lost if n in numbers]
    return problems


def coverage(claims: Iterable[Claim], section: str | None = None) -> dict[str, Any]:
    """The coverage figures of both papers: per paper, equations (total, accounted, parsed, by kind, numbering)
    and per section, and the comparison of the claims' statements with the parsed equations they cite
    ("printed_text", see ``printed_text_figures``; each equation row lists its pairs' outcomes by claim);
    ``section`` (e.g. "App. D") keeps only that section."""
    claims = list(claims)
    out: dict[str, Any] = {}
    for paper in PAPERS:
        rows = equation_accounting(paper, claims)
        if section is not None:
            rows = [r for r in rows if r["section"] == section]
        kept = {r["number"] for r in rows}
        pairs = [p for p in compare_printed(paper, claims) if p["equation"] in kept]
        for row in rows:
            row["printed_text"] = {p["claim"]: p["outcome"] for p in pairs if p["equation"] == row["number"]}
        out[paper] = {"label": PAPERS[paper][0], **_figures(rows), "numbering": numbering(paper),
                      "sections": {s: _figures([r for r in rows if r["section"] == s])
                                   for s in dict.fromkeys(r["section"] for r in rows)},
                      "printed_text": printed_text_figures(pairs), "equations": rows}
    if section is not None and not any(out[p]["total"] for p in out):
        known = sorted({r["section"] for p in PAPERS for r in equation_accounting(p, claims)})
        raise fail("section", f"no numbered equation in section {section!r}; known: {', '.join(known)}")
    return out


def _figures(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {"total": len(rows), "accounted": sum(r["kind"] in KINDS for r in rows),
            "parsed": sum(r["parsed"] for r in rows), **{k: sum(r["kind"] == k for r in rows) for k in KINDS}}


def coverage_text(report: dict[str, Any]) -> str:
    """The coverage figures as terminal text."""
    lines = []
    for data in report.values():
        lines.append(f"{data['label']}: {data['accounted']}/{data['total']} equations accounted for, "
                     f"{data['parsed']}/{data['total']} parsed by SymPy; {data['cited']} cited by claims, "
                     f"{data['definition']} definitions, {data['not a claim']} not a claim")
        num = data["numbering"]
        lines.append(f"  numbers missing from the text: {', '.join(num['missing']) or 'none'}; "
                     f"printed twice: {', '.join(num['duplicated']) or 'none'}")
        for name, fig in data["sections"].items():
            lines.append(f"  {name:<24} {fig['accounted']:>3}/{fig['total']:<3} accounted  {fig['parsed']:>3} parsed  "
                         f"{fig['cited']:>3} cited  {fig['definition']:>2} definitions  {fig['not a claim']:>2} "
                         f"not a claim")
        lines += _printed_text_lines(data["printed_text"])
    return "\n".join(lines)


def _printed_text_lines(fig: dict[str, Any]) -> list[str]:
    counts = ", ".join(f"{fig['claims'][o]} {o}" for o in OUTCOMES)
    pairs = ", ".join(f"{fig['pairs'][o]} {o}" for o in OUTCOMES)
    lines = [f"  claims against the printed text (parsed equation vs statement): {counts} "
             f"(pairs of claim and cited equation: {pairs})"]
    for row in fig["rows"]:
        if row["outcome"] != "not comparable":
            detail = f"  difference {row['difference']}" if row["outcome"] == "differs" else ""
            lines.append(f"    {row['outcome']:<8} {row['claim']} vs Eq. {row['equation']}: {row['method']}{detail}")
    if fig["not_comparable_reasons"]:
        lines.append("    not comparable: " + "; ".join(f"{n} {k}" for k, n in fig["not_comparable_reasons"].items()))
    return lines
