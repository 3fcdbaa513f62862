"""The errata summary in its printers: the report opens with it, and the LaTeX, the text and the JSON list the
same root causes in the same order, with the same claims, from one triage."""

from __future__ import annotations

import re

from symbolic_vae import CheckResult, Counterexample, Status, Verdict, all_claims
from symbolic_vae._report.errata import ROOT_CAUSES, claim_triages, errata_json, errata_text, grouped
from symbolic_vae._report.latex import errata_summary, markup_tex
from symbolic_vae._report.output import report_files

CX = Counterexample({"x": "1"}, "1", "2", 30, "")


def _refuted(claim) -> Verdict:
    cx = CX
    check = CheckResult(Status.REFUTED, "exact counterexample", "fails", {}, cx)
    return Verdict(claim.id, Status.REFUTED, "exact counterexample", "fails", (check,) * len(claim.steps),
                   CheckResult(Status.REFUTED, "exact counterexample", "control", {}, cx), claim.corrected, 0.0)


def _passed(claim) -> Verdict:
    check = CheckResult(Status.PROVED, "symbolic", "holds", {})
    return Verdict(claim.id, Status.PROVED, "symbolic", "holds", (check,) * len(claim.steps),
                   CheckResult(Status.REFUTED, "exact counterexample", "control", {}, CX), None, 0.0)


def test_every_root_cause_tag_is_described():
    tags = {c.erratum_cause for c in all_claims() if c.corrected}
    assert tags <= set(ROOT_CAUSES), tags - set(ROOT_CAUSES)


def test_the_three_printers_show_one_triage_in_one_order():
    triages = claim_triages(all_claims())
    order = [cause for cause, _ in grouped(triages)]
    text = errata_text(triages, width=400)
    assert [line.split(" [")[0] for line in text.splitlines() if line and not line.startswith(" ")][1:-1] == order
    assert [group["root_cause"] for group in errata_json(triages)["root_causes"]] == order
    tex = errata_summary(triages)
    titles = re.findall(r"\\item \\textbf\{(.*?)\.\} ", tex)
    assert titles == [markup_tex(ROOT_CAUSES[cause].title) for cause in order]
    assert tex.count(r"\hyperref[erratum:") == len(triages)
    assert "$" not in text  # the terminal gets Unicode, not markup
    assert "\u03b6" in text and "\u2264" in text


def test_the_report_opens_with_the_errata_summary():
    claims = [c for c in all_claims() if c.id.startswith("globalmin.")]
    by_id = {c.id: _refuted(c) if c.corrected else _passed(c) for c in claims}
    tex = report_files(claims, by_id, source="synthetic")["report.tex"]
    body = tex.split("\\end{center}\n", 1)[1]
    assert body.startswith("\\section{What the papers get wrong}\\label{sec:summary}")
    summary = body.split("\\clearpage", 1)[0]
    refuted = [c.id for c in claims if c.corrected]
    assert summary.count(r"\hyperref[erratum:") == len(refuted)
    assert all(f"\\label{{erratum:{i.replace('_', '-')}}}" in tex for i in refuted)


def test_markup_reads_as_unicode_in_the_terminal():
    from symbolic_vae._core.notation import markup_text

    assert markup_text(r"keep $c \geq 0$ and $\lVert Z\rVert_F^2$") == "keep c \u2265 0 and \u2016Z\u2016_F^2"
    assert markup_text("50% & #1, no markup") == "50% & #1, no markup"  # prose outside $...$ is left alone
    assert markup_text("a lone $ sign") == "a lone $ sign"
    assert markup_text(r"$\| U\|^2$ and $q \| p$") == "\u2016U\u2016^2 and q \u2016p"  # latex2text alone drops \|
