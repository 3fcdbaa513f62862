"""The pieces the claim tables are declared with: checks and controls at explicit sizes (``_engine.rows``), a
control worded for another statement (``Control.of``), the float64 refutation (``_engine.floats``) and the
symengine expansion shared by the exact-zero test and the monomial collection (``_model.polynomial``)."""

import sympy as sp

from symbolic_vae import SizedIdentity, Status
from symbolic_vae._core.claim import Control
from symbolic_vae._engine.floats import float64_refutation
from symbolic_vae._engine.identity import is_symbolic_zero
from symbolic_vae._engine.rows import at_sizes, control_at_sizes
from symbolic_vae._model.polynomial import expand_in_symengine

calls: list[tuple[int, ...]] = []


def trace_identity(size: tuple[int, ...], *, shift: int = 0) -> SizedIdentity:
    calls.append(size)
    (n,) = size
    M = sp.Matrix(n, n, lambda i, j: sp.Symbol(f"m{i}{j}", real=True))
    return SizedIdentity(size, (M * M.T).trace(), (M.T * M).trace() + shift)


def test_a_check_at_sizes_runs_when_called_not_when_declared():
    calls.clear()
    check = at_sizes(trace_identity, [(1,), (2,)], what="Tr(M M^T) = Tr(M^T M)")
    assert calls == []
    result = check()
    assert result.status is Status.PROVED_AT_SIZES and calls == [(1,), (2,)]
    assert result.summary.startswith("Tr(M M^T) = Tr(M^T M): ")


def test_a_control_at_sizes_refutes_the_perturbed_identity_under_the_name_control():
    control = control_at_sizes("Tr(M^T M) + 1", lambda size: trace_identity(size, shift=1), ((1,), (2,)))
    assert control.perturbation == "Tr(M^T M) + 1"
    result = control.check()
    assert result.status is Status.REFUTED and result.summary.startswith("control: ")


def test_a_control_worded_for_another_statement_keeps_its_check():
    shared = Control("p + 1 in place of p", lambda: None)
    printed = shared.of("corrected Eq. 49")
    assert printed.perturbation == "corrected Eq. 49 with p + 1 in place of p" and printed.check is shared.check


def test_a_float64_refutation_records_both_sides_to_17_digits():
    result = float64_refutation("quadrature", "1 vs 1/3", {"n": "1"}, 1.0, 1 / 3, note="lhs quadrature",
                                gap=2 / 3, tolerance=1e-9, details={"points": 1})
    assert result.status is Status.REFUTED and result.details == {"points": 1}
    cx = result.counterexample
    assert (cx.lhs, cx.rhs, cx.dps, cx.note) == ("1", "0.33333333333333331", 17, "lhs quadrature")
    assert (cx.gap, cx.tolerance, cx.exceeds_tolerance) == ("0.666667", "1.0e-9", True)
    assert float64_refutation("m", "s", {"n": "1"}, 0.0, 1.0, note="", gap=1.0, tolerance=0.0).details == {}


def test_symengine_expansion_says_when_it_cannot_hold_an_expression():
    x, k = sp.Symbol("x", real=True), sp.Symbol("k", integer=True)
    assert expand_in_symengine((x + 1) ** 2 - x**2 - 2 * x - 1) == 0
    assert expand_in_symengine(sp.Sum(x**k, (k, 1, 3))) is None
    assert is_symbolic_zero(sp.Sum(x**k, (k, 1, 3)) - (x + x**2 + x**3))  # SymPy decides what symengine cannot hold
