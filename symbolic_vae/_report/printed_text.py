"""Each claim's statement against the equation it cites as SymPy parsed it from the paper's text: the parsed
symbols mapped onto the claims' by a declared table (``symbol_map``), then the two right-hand sides of relations
with the same left side checked equal by the package's identity checker.

Every (claim, cited equation) pair gets one outcome of OUTCOMES: "matches" (the checker proved the two sides equal,
or found them equal at every sampled point: ``method`` says which), "differs" (a confirmed counterexample, shown
with the difference), or "not comparable" with the reason (the equation is not parsed, the parse is partial, the
claim is a correction or holds no formula, a symbol is not mapped, no relation of the claim has the equation's left
side, ...). A claim's outcome folds its pairs: "differs" if one differs, else "matches" if one matches, else "not
comparable".
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Iterable
from importlib import resources
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.core.relational import Relational
from sympy.logic.boolalg import BooleanAtom

from symbolic_vae._core.claim import PAPERS, Claim
from symbolic_vae._core.errors import SymbolicVAEError, fail
from symbolic_vae._core.verdict import Status
from symbolic_vae._engine.identity import prove_identity, simplest_counterexample
from symbolic_vae._papers.text import equations as text_equations

OUTCOMES = ("matches", "differs", "not comparable")

SYMBOL_MAP_FILES = {"wz2022": "wz2022_symbol_map.json", "lucas2019": "lucas2019_symbol_map.json"}

_GREEK = re.compile(r"\\(alpha|beta|gamma|delta|epsilon|zeta|eta|theta|kappa|lambda|mu|sigma|phi|Sigma|Lambda|"
                    r"Theta|Phi|Gamma|Delta)(?![A-Za-z])")
_N_POINTS = 8
_STAR = sp.Symbol("ast")
"""The parse of a star superscript (X^* is written X^{\\ast} before parsing)."""

FUNCTIONS = {"max": sp.Max, "min": sp.Min}
"""The parser's undefined functions that stand for SymPy's (``\\max(a, b)`` is read as a function max)."""


@functools.cache
def symbol_map(paper: str) -> dict[str, tuple[str, ...]]:
    """The shipped map of ``paper``: parsed name (a symbol's name, or an applied function as printed) -> the
    candidate names the claims use, first preferred."""
    if paper not in SYMBOL_MAP_FILES:
        raise fail("paper", f"unknown paper {paper!r}; known: {', '.join(SYMBOL_MAP_FILES)}")
    data = json.loads(resources.files(text_equations.__package__).joinpath(SYMBOL_MAP_FILES[paper])
                      .read_text(encoding="utf-8"))
    return {name: tuple(targets) for name, targets in data["symbols"].items()}


def _items(statement: Any) -> list[Relational]:
    """The relations a statement asserts: a tuple's entries and an And's arguments, in order (the sides of an
    Equivalent or an Implies are conditions, not assertions)."""
    if isinstance(statement, tuple):
        return [r for s in statement for r in _items(s)]
    if isinstance(statement, sp.And):
        return [r for s in statement.args for r in _items(s)]
    return [statement] if isinstance(statement, Relational) else []


@functools.cache
def _parsed(paper: str, number: str) -> tuple[dict[str, Any] | None, sp.Basic | None]:
    eq = next((e for e in text_equations.equations(paper) if e["number"] == number), None)
    if eq is None or not eq["parsed"]:
        return eq, None
    return eq, eval(eq["sympy"], dict(vars(sp)))  # noqa: S307 - an srepr the package wrote to its own data


def _parse_fault(latex: str, expr: sp.Basic) -> tuple[str, ...]:
    """Why the parse is not the printed equation, as (kind, detail), or () when nothing is seen: a relation lost, a
    Greek letter of the source missing from the parse (the parser stopped early), a function name read as a product
    of letters, or a transpose read as a power (matrices parsed as commuting scalars)."""
    if isinstance(expr, BooleanAtom):
        return "the parse reduced a chain of relations to a truth value", str(expr)
    if not isinstance(expr, Relational):
        return "the parse has no relation", "a continuation line '= ...' or a lost relation sign"
    names = " ".join(str(s) for s in expr.free_symbols) + " " + " ".join(
        str(f.func) for f in expr.atoms(AppliedUndef))
    missing = sorted({g for g in _GREEK.findall(text_equations.rewrite(latex)) if g not in names})
    if missing:
        return "the parse is partial", "the parser stopped early; " + ", ".join("\\" + g for g in missing) + \
            " missing"
    if any(str(s) in ("operatorname", "propto") for s in expr.free_symbols):
        return ("the parse reads a function name as a product of letters",)
    if any(isinstance(p, sp.Pow) and str(p.exp) == "T" for p in expr.atoms(sp.Pow)):
        return "the parse reads a transpose as a power", "matrices as commuting scalars"
    return ()


def _named(item: Relational) -> dict[str, sp.Basic]:
    out: dict[str, sp.Basic] = {str(s): s for s in item.free_symbols}
    out.update({str(f): f for f in item.atoms(AppliedUndef)})
    return out


def _mapped(expr: sp.Basic, table: dict[str, tuple[str, ...]], item: Relational) -> tuple[sp.Basic | None, list]:
    """``expr`` with its symbols and applied functions replaced by the claim's (candidates resolved against
    ``item``), or (None, the unmapped names)."""
    named = _named(item)
    expr = expr.replace(lambda e: isinstance(e, AppliedUndef) and e.func.__name__ in FUNCTIONS,
                        lambda e: FUNCTIONS[e.func.__name__](*e.args))
    expr = expr.replace(lambda e: isinstance(e, sp.Pow) and isinstance(e.base, sp.Symbol) and e.exp == _STAR,
                        lambda e: sp.Symbol(f"{e.base.name}^*"))
    atoms = [*expr.atoms(AppliedUndef), *(s for s in expr.free_symbols
                                          if not any(s in f.free_symbols for f in expr.atoms(AppliedUndef)))]
    atoms += [s for s in expr.free_symbols if s not in atoms and str(s) in table]
    unmapped = sorted({str(a) for a in atoms if str(a) not in table})
    if unmapped:
        return None, unmapped
    replace = {}
    for atom in atoms:
        targets = table[str(atom)]
        name = next((t for t in targets if t in named), targets[0])
        replace[atom] = named.get(name, sp.Symbol(name))
    return expr.xreplace(replace), []


def _sides(item: Relational) -> list[tuple[type, sp.Basic, sp.Basic]]:
    pairs = [(type(item), item.lhs, item.rhs)]
    if not isinstance(item, (sp.Eq, sp.Ne)):
        pairs.append((type(item.reversed), item.rhs, item.lhs))
    return pairs


def compare_pair(paper: str, claim: Claim, number: str) -> dict[str, Any]:
    """The outcome of ``claim``'s statement against Eq. ``number`` of ``paper`` as parsed: {"claim", "equation",
    "outcome" (one of OUTCOMES), "reason", "method", "printed" (the parsed equation after the map), "claimed" (the
    claim's relation compared), "difference", "counterexample"}."""
    row: dict[str, Any] = {"claim": claim.id, "equation": number, "outcome": "not comparable", "reason_kind": "",
                           "reason": "",
                           "method": "", "printed": "", "claimed": "", "difference": "", "counterexample": None}
    eq, expr = _parsed(paper, number)
    if eq is None:
        return _not(row, "the text prints the equation without its number")
    if expr is None:
        return _not(row, "equation not parsed", eq["reason"])
    if claim.corrects:
        return _not(row, "a correction, not the printed formula")
    items = _items(claim.statement)
    if not items:
        return _not(row, "the claim holds no formula as a SymPy relation")
    fault = _parse_fault(eq["latex"], expr)
    if fault:
        return _not(row, *fault)
    table = symbol_map(paper)
    unmapped: set[str] = set()
    for item in items:
        lhs, missing = _mapped(expr.lhs, table, item)
        rhs, missing_rhs = _mapped(expr.rhs, table, item)
        unmapped.update(missing, missing_rhs)
        if lhs is None or rhs is None:
            continue
        for kind, left, right in _sides(item):
            if kind is type(expr) and left == lhs:
                return _identity({**row, "printed": str(kind(lhs, rhs, evaluate=False)),
                                  "claimed": str(kind(left, right, evaluate=False))}, rhs, right)
    if unmapped:
        return _not(row, "symbols not mapped", ", ".join(sorted(unmapped)))
    return _not(row, "no relation of the claim has the equation's left side", str(expr.lhs))


def _not(row: dict[str, Any], kind: str, detail: str = "") -> dict[str, Any]:
    return {**row, "reason_kind": kind, "reason": f"{kind}: {detail}" if detail else kind}


def _identity(row: dict[str, Any], printed: sp.Basic, claimed: sp.Basic) -> dict[str, Any]:
    bad = sorted({str(a) for a in (printed - claimed).atoms(sp.Indexed, sp.MatrixSymbol)})
    if bad:
        return _not(row, "the checker does not take these sides", "indexed or matrix symbols " + ", ".join(bad))
    try:
        result = prove_identity(printed, claimed, n_points=_N_POINTS, what=row["claim"])
    except SymbolicVAEError as err:
        return _not(row, "the checker does not take these sides", str(err))
    if result.status is Status.REFUTED and result.counterexample is not None:
        result = dataclasses.replace(result, counterexample=simplest_counterexample(
            printed, claimed, result.counterexample, ()))
    if result.status in (Status.PROVED, Status.CHECKED):
        return {**row, "outcome": "matches", "method": f"{result.status.value} ({result.method})"}
    if result.status is Status.REFUTED:
        return {**row, "outcome": "differs", "method": f"{result.status.value} ({result.method})",
                "difference": str(sp.simplify(printed - claimed)),
                "counterexample": result.counterexample.to_json() if result.counterexample else None}
    return _not(row, "the identity check is inconclusive", result.summary)


def compare_printed(paper: str, claims: Iterable[Claim]) -> list[dict[str, Any]]:
    """One row (``compare_pair``) per equation cited by each claim of ``paper``, in the claims' order."""
    if paper not in PAPERS:
        raise fail("paper", f"unknown paper {paper!r}; known: {', '.join(PAPERS)}")
    return [compare_pair(paper, claim, number) for claim in claims if claim.ref.paper == paper
            for number in claim.ref.equations]


def claim_outcomes(rows: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per claim: {"outcome", "equations": the numbers behind it, "reasons": the distinct reasons when not
    comparable}."""
    by_claim: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_claim.setdefault(row["claim"], []).append(row)
    out = {}
    for claim, pairs in by_claim.items():
        outcome = next((o for o in OUTCOMES[:2] if any(p["outcome"] == o for p in pairs)), OUTCOMES[2])
        out[claim] = {"outcome": outcome,
                      "equations": [p["equation"] for p in pairs if p["outcome"] == outcome],
                      "reasons": list(dict.fromkeys(p["reason"] for p in pairs if p["reason"]))}
    return out


def printed_text_figures(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures of comparison ``rows`` (``compare_printed``): pair and claim counts per outcome, the not
    comparable pairs counted by kind of reason, the outcome of each claim, and the rows."""
    per_claim = claim_outcomes(rows)
    reasons: dict[str, int] = {}
    for row in rows:
        if row["outcome"] == "not comparable":
            reasons[row["reason_kind"]] = reasons.get(row["reason_kind"], 0) + 1
    return {"pairs": {o: sum(r["outcome"] == o for r in rows) for o in OUTCOMES},
            "claims": {o: sum(c["outcome"] == o for c in per_claim.values()) for o in OUTCOMES},
            "not_comparable_reasons": dict(sorted(reasons.items(), key=lambda kv: -kv[1])),
            "per_claim": per_claim, "rows": rows}
