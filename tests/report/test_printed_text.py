"""The claims' statements against the parsed equations they cite: every pair classified, none dropped; the claims
known to reproduce the printed formula match, and a deliberately altered formula differs with a counterexample."""

import dataclasses

import pytest
import sympy as sp

from symbolic_vae import all_claims
from symbolic_vae._core.claim import PAPERS
from symbolic_vae._report.coverage import coverage
from symbolic_vae._report.printed_text import OUTCOMES, compare_pair, compare_printed, printed_text_figures

MATCHING = {("globalmin.roots", "86"), ("encvar.thm2_lambda", "17")}
"""Pairs whose statement reproduces the formula the paper prints (the parse and the claim proved equal)."""


@pytest.mark.parametrize("paper", sorted(PAPERS))
def test_every_cited_equation_is_classified(paper):
    claims = all_claims()
    rows = compare_printed(paper, claims)
    cited = [(c.id, n) for c in claims if c.ref.paper == paper for n in c.ref.equations]
    assert [(r["claim"], r["equation"]) for r in rows] == cited
    assert all(r["outcome"] in OUTCOMES for r in rows)
    assert all(bool(r["reason"]) == (r["outcome"] == "not comparable") for r in rows)
    fig = printed_text_figures(rows)
    assert sum(fig["pairs"].values()) == len(rows)
    assert sum(fig["not_comparable_reasons"].values()) == fig["pairs"]["not comparable"]
    assert sum(fig["claims"].values()) == len({c for c, _ in cited})


def test_known_claims_match_the_printed_text():
    rows = compare_printed("wz2022", all_claims())
    matched = {(r["claim"], r["equation"]) for r in rows if r["outcome"] == "matches"}
    assert matched >= MATCHING
    assert all(r["method"].startswith("PROVED") for r in rows if (r["claim"], r["equation"]) in MATCHING)


def test_an_altered_printed_formula_differs():
    claim = next(c for c in all_claims() if c.id == "encvar.thm2_lambda")
    altered = dataclasses.replace(claim, statement=sp.Eq(claim.statement.lhs, 2 * claim.statement.rhs))
    row = compare_pair("wz2022", altered, "17")
    assert row["outcome"] == "differs" and row["counterexample"] is not None and row["difference"]


def test_reasons_name_why_not_comparable():
    rows = {(r["claim"], r["equation"]): r for r in compare_printed("wz2022", all_claims())}
    assert rows[("prop1.argmin", "6")]["reason_kind"] == "equation not parsed"
    assert rows[("encvar.prop3_derivative_corrected", "93")]["reason_kind"] == "a correction, not the printed formula"
    assert rows[("encvar.prop3_derivative", "93")]["reason_kind"] == "the parse is partial"
    assert rows[("ddv.prop5", "41")]["reason_kind"] == "symbols not mapped"


def test_coverage_reports_the_comparison():
    report = coverage(all_claims())
    fig = report["wz2022"]["printed_text"]
    assert fig["pairs"]["matches"] >= len(MATCHING)
    eq86 = next(r for r in report["wz2022"]["equations"] if r["number"] == "86")
    assert eq86["printed_text"]["globalmin.roots"] == "matches"
    section = coverage(all_claims(), section="App. D")["wz2022"]["printed_text"]
    assert sum(section["pairs"].values()) < sum(fig["pairs"].values())
