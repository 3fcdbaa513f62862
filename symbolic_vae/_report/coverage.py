"""Every printed statement accounted for. Every numbered equation: cited by a claim (read from the claims' refs), a
definition the model uses, or not a claim with a reason; with how many SymPy parsed, overall and per section. Every
asserting sentence of the prose (the shipped sentence lists): covered by the claims that check exactly it, not
checkable with a reason, or not covered; per section."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from symbolic_vae._core.claim import PAPERS, Claim
from symbolic_vae._core.errors import fail
from symbolic_vae._core.notation import markup_text
from symbolic_vae._papers.text import sentences as text_sentences
from symbolic_vae._papers.text.equations import declared_accounting, equations, numbering
from symbolic_vae._papers.text.shape_lint import lint_figures
from symbolic_vae._report.printed_text import OUTCOMES, compare_printed, printed_text_figures
from symbolic_vae._report.scaling_lint import scaling_figures

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


SENTENCE_ID = re.compile(r"\b(?:wz2022|lucas2019):[A-Za-z0-9. ]+?:\d+\b")
"""A sentence id as a claim may cite it in its reference or its printed field (e.g. ``wz2022:E.5:16``)."""


def sentence_accounting(paper: str) -> list[dict[str, Any]]:
    """The asserting sentences of ``paper`` (kind not empty), each {id, section, kind, status, claims, reason,
    note}."""
    if paper not in PAPERS:
        raise fail("paper", f"unknown paper {paper!r}; known: {', '.join(PAPERS)}")
    return [{k: s.get(k, "") for k in ("id", "section", "text", "kind", "status", "claims", "reason", "note")}
            for s in text_sentences.sentences(paper) if s["kind"]]


def sentence_problems(paper: str, claims: Iterable[Claim], paper_text: str | None = None) -> list[str]:
    """What breaks the sentence list of ``paper``: an id twice, an unknown kind or status, a covered sentence with
    no claim or a claim on one that is not covered, a not checkable one without its reason, a listed claim that
    does not exist, a claim citing a sentence id that does not exist, and (given the paper's ``paper_text``) a
    sentence that the text does not print."""
    claims = list(claims)
    known = {c.id for c in claims}
    shipped = text_sentences.sentences(paper)
    ids = [s["id"] for s in shipped]
    problems = [f"sentence id {i} appears {ids.count(i)} times" for i in sorted(set(ids)) if ids.count(i) > 1]
    for s in shipped:
        where = f"sentence {s['id']}"
        if s["kind"] not in ("", *text_sentences.KINDS):
            problems.append(f"{where}: unknown kind {s['kind']!r}")
        if not s["kind"]:
            if s["status"] or s["claims"]:
                problems.append(f"{where} asserts nothing but has an account")
            continue
        if s["status"] not in text_sentences.STATUSES:
            problems.append(f"{where}: unknown status {s['status']!r}")
        if (s["status"] == "covered") != bool(s["claims"]):
            problems.append(f"{where}: status {s['status']!r} with claims {s['claims']}")
        if s["status"] == "not checkable" and not s["reason"]:
            problems.append(f"{where} is not checkable without a reason")
        problems += [f"{where} lists claim {c}, which does not exist" for c in s["claims"] if c not in known]
    all_ids = {s["id"] for p in PAPERS for s in text_sentences.sentences(p)}
    for claim in claims:
        cited = SENTENCE_ID.findall(" ".join((claim.ref.section, claim.ref.result, claim.printed)))
        problems += [f"{claim.id} cites sentence {i}, which does not exist" for i in cited
                     if i.startswith(paper + ":") and i not in all_ids]
    if paper_text is not None:
        printed = text_sentences.normalized(paper_text)
        problems += [f"sentence {s['id']} is not in the text of {paper}: {s['text'][:60]}" for s in shipped
                     if text_sentences.normalized(s["text"]) not in printed]
    return problems


def _sentence_figures(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {"asserting": len(rows), **{k: sum(r["status"] == k for r in rows) for k in text_sentences.STATUSES}}


def sentence_coverage(paper: str, section: str | None = None) -> dict[str, Any]:
    """The figures of ``paper``'s sentence list: sentences in all, asserting ones by status and by kind, per
    section, the sentences with a note (an error seen in the sentence), and the asserting rows."""
    everything = [s for s in text_sentences.sentences(paper) if section is None or s["section"] == section]
    rows = [r for r in sentence_accounting(paper) if section is None or r["section"] == section]
    return {"sentences": len(everything), **_sentence_figures(rows),
            "kinds": {k: sum(r["kind"] == k for r in rows) for k in text_sentences.KINDS},
            "sections": {name: {"sentences": sum(s["section"] == name for s in everything),
                                **_sentence_figures([r for r in rows if r["section"] == name])}
                         for name in dict.fromkeys(s["section"] for s in everything)},
            "noted": [{"id": r["id"], "status": r["status"], "claims": list(r["claims"]), "note": r["note"]}
                      for r in rows if r["note"]],
            "rows": rows}


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
        lost = sorted((n for n in declared_accounting(paper)["number_lost"]
                       if any(c.ref.paper == paper and n in c.ref.equations for c in claims)),
                      key=int) if section is None else []  # a lost number counts when claims cite it
        out[paper] = {"label": PAPERS[paper][0], **_figures(rows), "numbering": numbering(paper),
                      "numbers_lost": lost,
                      "sections": {s: _figures([r for r in rows if r["section"] == s])
                                   for s in dict.fromkeys(r["section"] for r in rows)},
                      "printed_text": printed_text_figures(pairs), "equations": rows,
                      "sentences": sentence_coverage(paper, section), "shape_lint": _lint(paper, kept),
                      "scaling_lint": _scaling(paper, kept, section)}
    if section is not None and not any(out[p]["total"] or out[p]["sentences"]["sentences"] for p in out):
        known = sorted({r["section"] for p in PAPERS for r in equation_accounting(p, claims)}
                       | {s["section"] for p in PAPERS for s in text_sentences.sentences(p)})
        raise fail("section", f"no numbered equation or sentence in section {section!r}; known: "
                              f"{', '.join(known)}")
    return out


def _lint(paper: str, kept: set[str]) -> dict[str, Any]:
    fig = lint_figures(paper)
    inline = fig["inline"]
    if len(kept) < fig["linted"]:
        sections = {r["section"] for r in fig["flagged"] if r["equation"] in kept} | \
            {s["section"] for s in text_sentences.sentences(paper)}
        inline = {**inline, "flagged": [r for r in inline["flagged"] if r["section"] in sections]}
    return {**fig, "flagged": [r for r in fig["flagged"] if r["equation"] in kept], "inline": inline}


def _scaling(paper: str, kept: set[str], section: str | None) -> dict[str, Any]:
    fig = scaling_figures(paper)
    return {**fig, "flagged": [r for r in fig["flagged"] if r["number"] in kept],
            "inline_flagged": [r for r in fig["inline_flagged"] if section is None or r["section"] == section]}


def _figures(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {"total": len(rows), "accounted": sum(r["kind"] in KINDS for r in rows),
            "parsed": sum(r["parsed"] for r in rows), **{k: sum(r["kind"] == k for r in rows) for k in KINDS}}


def coverage_text(report: dict[str, Any]) -> str:
    """The coverage figures as terminal text."""
    lines = []
    for data in report.values():
        lost = data["numbers_lost"]
        numbered = (f"{data['accounted'] + len(lost)}/{data['total'] + len(lost)} numbered equations accounted for "
                    f"({data['total']} printed with their number, {len(lost)} cited whose number the text lost: Eq. "
                    f"{', '.join(lost)}); " if lost else "")
        lines.append(f"{data['label']}: {numbered}{data['accounted']}/{data['total']} printed equations accounted "
                     f"for, {data['parsed']}/{data['total']} parsed by SymPy; {data['cited']} cited by claims, "
                     f"{data['definition']} definitions, {data['not a claim']} not a claim")
        num = data["numbering"]
        lines.append(f"  numbers missing from the text: {', '.join(num['missing']) or 'none'}; "
                     f"printed twice: {', '.join(num['duplicated']) or 'none'}")
        for name, fig in data["sections"].items():
            lines.append(f"  {name:<24} {fig['accounted']:>3}/{fig['total']:<3} accounted  {fig['parsed']:>3} parsed  "
                         f"{fig['cited']:>3} cited  {fig['definition']:>2} definitions  {fig['not a claim']:>2} "
                         f"not a claim")
        lines += _printed_text_lines(data["printed_text"])
        lines += _sentence_lines(data["sentences"])
        lines += _lint_lines(data["shape_lint"])
        lines += _scaling_lines(data["scaling_lint"])
    return "\n".join(lines)


def _scaling_lines(fig: dict[str, Any]) -> list[str]:
    rows = [(f"Eq. {r['number']}", r) for r in fig["flagged"]] + [(r["sentence"], r) for r in fig["inline_flagged"]]
    wrong = [name for name, r in rows if not r["explained"]]
    lines = [f"  scaling lint under {fig['transformation']} ({fig['linted']} equations and {fig['inline_linted']} "
             f"inline formulas, partial parses left out): {len(wrong)} scale inconsistently"
             f"{': ' + ', '.join(wrong) if wrong else ''}; {len(rows) - len(wrong)} flagged but explained"]
    for name, row in rows:
        tail = f" -- {row['explained']}" if row["explained"] else ""
        lines += [f"    {name}: {markup_text(finding)[:160]}{tail[:200]}" for finding in row["findings"]]
    return lines


def _lint_lines(fig: dict[str, Any]) -> list[str]:
    lines = [f"  shape lint of the parsed formulas: {len(fig['flagged'])} of {fig['linted']} ill-typed"]
    for row in fig["flagged"]:
        lines += [f"    Eq. {row['equation']} ({row['section']}): {markup_text(finding)}"
                  for finding in row["findings"]]
        if row["reading"]:
            clean = "well-typed" if not fig["readings"].get(row["equation"]) else "still ill-typed"
            lines.append(f"      read as {_short(row['reading'])} ({clean}): {row['used']}")
    inline = fig["inline"]
    unexplained = [r for r in inline["flagged"] if not r["explained"]]
    lines.append(f"  shape lint of the sentences' inline formulas: {len(unexplained)} of {inline['linted']} parsed "
                 f"({inline['formulas']} in all) ill-typed, {len(inline['flagged']) - len(unexplained)} well-typed "
                 f"in the case the sentence states")
    for row in inline["flagged"]:
        tail = f" -- {row['explained']}" if row["explained"] else ""
        lines.append(f"    {row['sentence']}: ${_short(row['latex'])}$: {markup_text(row['findings'][0])}{tail}")
    return lines


def _short(latex: str, width: int = 110) -> str:
    return latex if len(latex) <= width else latex[:width - 3] + "..."


def _sentence_lines(fig: dict[str, Any]) -> list[str]:
    kinds = ", ".join(f"{n} {k}" for k, n in fig["kinds"].items())
    lines = [f"  asserting sentences: {fig['asserting']} of {fig['sentences']} sentences ({kinds}); "
             f"{fig['covered']} covered by claims, {fig['not checkable']} not checkable, "
             f"{fig['not covered']} not covered"]
    for name, sec in fig["sections"].items():
        lines.append(f"  {name or '(untitled)':<26} {sec['asserting']:>3} asserting / {sec['sentences']:<3} "
                     f"{sec['covered']:>3} covered  {sec['not checkable']:>3} not checkable  "
                     f"{sec['not covered']:>3} uncovered")
    if fig["noted"]:
        lines.append(f"  sentences in which an error is seen ({len(fig['noted'])}), with their account:")
        lines += [f"    {n['id']} ({n['status']}{': ' + ', '.join(n['claims']) if n['claims'] else ''}): {n['note']}"
                  for n in fig["noted"]]
    return lines


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
