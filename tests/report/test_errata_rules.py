"""The errata triage's computed rules, each with a control the rule must not accept, and the command over a
ledger: every refuted claim gets a severity and a root cause."""

from __future__ import annotations

import sympy as sp

from symbolic_vae._report.errata import boundary_finding, constant_only_finding

u, v, c = sp.symbols("u v c", positive=True)
L = sp.Symbol("L")


def test_a_difference_free_of_the_parameters_is_constant_only():
    finding = constant_only_finding(sp.Eq(L, (u - v) ** 2 + 3 * c), sp.Eq(L, (u - v) ** 2), ["u", "v"])
    assert finding is not None and finding.rule == "constant-only" and finding.holds


def test_control_a_difference_that_depends_on_a_parameter_is_not_constant_only():
    finding = constant_only_finding(sp.Eq(L, (u - v) ** 2 + c * u), sp.Eq(L, (u - v) ** 2), ["u", "v"])
    assert finding is not None and not finding.holds and "depends on" in finding.reason


def test_a_failure_only_at_equality_is_boundary_only():
    finding = boundary_finding(sp.StrictLessThan(u, 2 * v, evaluate=False) | sp.StrictGreaterThan(u, 2 * v),
                               {"u": "2", "v": "1"})
    assert finding is not None and finding.rule == "boundary-only" and finding.holds


def test_control_a_failure_on_an_open_set_is_not_boundary_only():
    finding = boundary_finding(sp.StrictLessThan(u, v, evaluate=False), {"u": "3", "v": "1"})
    assert finding is not None and not finding.holds


def test_the_errata_command_triages_a_refuted_claim(capsys):
    import json

    from symbolic_vae._cli import main

    assert main(["errata", "--claim", "elbo.eq3_eq4_as_printed", "--quiet"]) == 0
    text = capsys.readouterr().out
    assert "elbo.eq3_eq4_as_printed" in text and "constant-only*" in text  # computed by the rule, not declared
    assert main(["errata", "--claim", "elbo.eq3_eq4_as_printed", "--json", "--quiet"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "elbo.eq3_eq4_as_printed" in json.dumps(data) and "log-partition-dropped" in json.dumps(data)
