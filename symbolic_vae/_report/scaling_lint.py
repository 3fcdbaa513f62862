"""The scaling lint over the papers' formulas (the lint itself is ``symbolic_vae._papers.text.scaling_lint``): the
numbered equations and the sentences' inline formulas linted, except the partial parses, with the flagged ones and
the shipped reasons why some are right nonetheless."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from importlib import resources
from typing import Any

import sympy as sp

from symbolic_vae._papers.text import equations as text_equations
from symbolic_vae._papers.text import sentences as text_sentences
from symbolic_vae._papers.text.scaling_lint import declared_scalings, lint_expression


def _rows(paper: str, records: Iterable[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """The lint of each parsed record, except one whose parse is partial (the parser stopped early: a side cut
    short would scale differently from the printed one)."""
    from symbolic_vae._report.printed_text import _parse_fault

    _, weights = declared_scalings(paper)
    explained = _explained(paper)
    out = []
    for record in records:
        if not record["parsed"]:
            continue
        expr = eval(record["sympy"], dict(vars(sp)))  # noqa: S307 - an srepr the package wrote to its own data
        if any(_parse_fault(record["latex"], part)[:1] == ("the parse is partial",) for part in _parts(expr)):
            continue
        with sp.evaluate(False):
            expr = eval(record["sympy"], dict(vars(sp)))  # noqa: S307
        out.append({key: record[key], "section": record["section"], "latex": record["latex"],
                    "findings": lint_expression(expr, weights), "explained": explained.get(record[key], "")})
    return out


def _parts(expr: sp.Basic) -> tuple[sp.Basic, ...]:
    return tuple(expr.args) if isinstance(expr, sp.Tuple) else (expr,)


@functools.cache
def _explained(paper: str) -> dict[str, str]:
    data = json.loads(resources.files(text_equations.__package__).joinpath("scalings.json")
                      .read_text(encoding="utf-8"))
    return data[paper].get("explained", {})


def scaling_figures(paper: str) -> dict[str, Any]:
    """The scaling lint of ``paper``: the change of units, the numbered equations and the sentences' inline
    formulas linted (all parsed ones but the partial parses), and the flagged ones with their findings and, where
    the shipped table explains why the formula is right nonetheless, that reason."""
    transformation, _ = declared_scalings(paper)
    equations = _rows(paper, text_equations.equations(paper), "number")
    inline = _rows(paper, text_sentences.inline_formulas(paper), "sentence")
    return {"transformation": transformation, "linted": len(equations),
            "flagged": [r for r in equations if r["findings"]], "inline_linted": len(inline),
            "inline_flagged": [r for r in inline if r["findings"]]}
