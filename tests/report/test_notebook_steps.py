"""The pieces a derivation notebook is made of: ``formula`` (display math in the package's notation),
``check_step`` (a step with its check beside it, a counterexample when it fails) and ``decoder_variance_forms``
(the closed forms of App. D that the decoder-variance notebook derives)."""

import pytest
import sympy as sp

import symbolic_vae as sv
from symbolic_vae import Status, SymbolicVAEError, check_step, decoder_variance_forms, formula


def test_formula_prints_through_the_package_notation():
    shown = formula(sv.eta_dec**2 / sv.eta_enc, "the $\\eta$ ratio")._repr_markdown_()
    assert r"\eta_{\mathrm{dec}}" in shown and r"\eta_{\mathrm{enc}}" in shown
    assert shown.startswith("**the $\\eta$ ratio**") and "$$" in shown


def test_check_step_proves_and_refutes():
    x = sp.Symbol("x", positive=True)
    good = check_step("square of a root", sp.sqrt(x) ** 2, x)
    assert good.passed and good.result.status is Status.PROVED
    assert "**Check:**" in good._repr_markdown_() and "PROVED" in good._repr_markdown_()
    y = sp.Symbol("y", real=True)
    bad = check_step("a root of a square (a negative control)", sp.sqrt(y**2), y)
    assert not bad.passed and bad.result.status is Status.REFUTED
    text = bad._repr_markdown_()
    assert "**Counterexample**" in text and "REFUTED" in text


def test_check_step_shows_the_display_instead_of_long_sides():
    x = sp.Symbol("x", positive=True)
    step = check_step("short form", sp.expand((x + 1) ** 6), (x + 1) ** 6, display=sp.Symbol("L"))
    assert step.passed and "binom" not in step._repr_markdown_() and "\nL\n" in step._repr_markdown_()


def test_check_step_needs_a_description():
    with pytest.raises(SymbolicVAEError, match="description"):
        check_step(" ", sp.Integer(1), sp.Integer(1))


def test_decoder_variance_forms_at_a_size():
    forms = decoder_variance_forms(3, 2, 4)
    assert len(forms.zeta) == 3 and len(forms.thresholds) == 2
    data = {**dict(zip(forms.zeta, (3, 2, 1), strict=True)), forms.c: sp.Rational(1, 2), sv.beta: sp.Rational(3, 2)}
    assert forms.s_star.subs(data) == sp.Rational(3, 2)  # R_2 / (d2 - 2 beta) = (1/2 + 1) / (4 - 3)
    assert forms.survivors.subs(data) == 2
    assert sp.simplify(sp.diff(forms.G.subs(data), forms.s).subs(forms.s, sp.Rational(3, 2))) == 0


@pytest.mark.parametrize(("args", "name"), [((0, 2, 4), "spectrum_size"), ((3, 2.0, 4), "latent_dim"),
                                            ((5, 2, 4), "spectrum_size"), ((1, 1, True), "target_dim")])
def test_decoder_variance_forms_bad_sizes(args, name):
    with pytest.raises(SymbolicVAEError, match=name):
        decoder_variance_forms(*args)


def test_encoder_variance_forms_are_the_printed_ones():
    forms = sv.encoder_variance_forms()
    at = {forms.zeta: 3, sv.beta: 1, sv.eta_enc: 1, sv.eta_dec: 1}
    assert forms.sigma_star.subs(at) == sp.Rational(1, 3)  # sqrt(beta) eta_dec eta_enc / zeta on the active side
    assert sp.simplify(forms.l_prime.subs(at).subs(forms.sigma, sp.Rational(1, 3))) == 0
    assert forms.lambda_star.subs(at) == 2 * sp.sqrt(2) and forms.theta_star.subs(at) == 2 * sp.sqrt(2) / 3


def test_global_minimum_forms_are_the_printed_ones():
    forms = sv.global_minimum_forms()
    at = {forms.zeta: 3, forms.sigma: 1, sv.beta: 1, sv.eta_enc: 1, sv.eta_dec: 1}
    assert forms.t1.subs(at) == 2 and forms.t2.subs(at) == -4  # sqrt(kappa)/sigma (+-zeta - sqrt(kappa) sigma)
    assert forms.lambda_star.subs(at) == sp.sqrt(2) and forms.mode_minimum.subs(at) == 5
    assert sp.simplify(forms.dJ.subs(at).subs(forms.t, 2)) == 0


def test_formula_refuses_an_equation_sympy_already_decided():
    with pytest.raises(SymbolicVAEError, match="evaluate=False"):
        formula((sp.Eq(sp.Symbol("z"), sp.Matrix([1, 2])), sp.Integer(1)))
    shown = formula(sp.Eq(sp.Symbol("z"), sp.ImmutableMatrix([1, 2]), evaluate=False))._repr_markdown_()
    assert "z = " in shown and "matrix" in shown
