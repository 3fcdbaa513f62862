"""Learnable decoder variance (App. D, Sec. 4.4): the details of the refutations and their corrections (every
claim's verdict, negative control and correction: test_claims.py), and the kernels against the ground truth with
warnings turned into errors."""

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
from helpers import assert_close
from test_claims import EXPECTED

from symbolic_vae import Status, SymbolicVAEError
from symbolic_vae._papers.wz2022 import decoder_variance as dv
from symbolic_vae._papers.wz2022.decoder_variance import checks_exact as exact
from symbolic_vae._papers.wz2022.decoder_variance import checks_ground_truth as ground_truth
from symbolic_vae._papers.wz2022.decoder_variance import checks_statements as statements
from symbolic_vae._papers.wz2022.decoder_variance import kernels as dv_kernels
from symbolic_vae._report.registry import claim_verdict

PASS = {Status.PROVED, Status.PROVED_AT_SIZES, Status.CHECKED}
IDS = [k for k in EXPECTED if k.startswith("decvar.")]


@pytest.fixture(scope="module")
def claims():
    return {c.id: c for c in dv.claims()}


@pytest.fixture(scope="module")
def verdicts(claims):
    return {cid: claim_verdict(cid) for cid in claims}


def test_every_claim_is_listed(claims):
    assert set(claims) == set(IDS)
    for claim in claims.values():
        for link in (claim.corrected, claim.corrects):
            assert link is None or link in claims, (claim.id, link)


@pytest.mark.parametrize("claim_id", [k for k in IDS if EXPECTED[k] is Status.CHECKED])
def test_checked_verdicts_record_their_evidence(verdicts, claim_id):
    for check in verdicts[claim_id].checks:
        if check.status is Status.CHECKED:
            assert {"instances", "tolerance", "seed"} <= set(check.details), (claim_id, check.summary)


def test_eq44_misses_exactly_the_2pi_of_the_partition(verdicts):
    cx = verdicts["decvar.G_eq44"].counterexample
    assert abs(float(cx.lhs) - float(cx.rhs) - 0.5 * math.log(2 * math.pi)) < 1e-15
    cx = verdicts["decvar.G_eq44_argmin"].counterexample
    assert cx.instance["c"] != "0"  # only a target that is not linear in x moves the minimizer


def test_minimal_counterexamples_for_the_misprints(verdicts):
    eq49 = verdicts["decvar.eq49"].counterexample.instance
    assert eq49["c"] == "0" and int(eq49["hat d_1"]) < int(eq49["hat d*"])  # upper limit hat d* (not hat d_1)
    row4 = verdicts["decvar.table1_row4_case3"].counterexample.instance
    assert (row4["zeta^2"], row4["d1"], row4["d2"], row4["beta"]) == ("(2, 1, 1)", "2", "3", "3/2")
    b2 = verdicts["decvar.thm4_eq58"].counterexample.instance
    assert b2["c"] == "0" and b2["beta"] == "1"  # the lower end beta_{p+1}: s* = s_{p+1}, not in the open interval
    case2 = verdicts["decvar.case2"].counterexample.instance
    assert (case2["zeta^2"], case2["beta"], case2["c"]) == ("(1)", "1", "0")


def test_eq57_d1_versus_hat_d1_is_decided_by_c(verdicts):
    control = verdicts["decvar.thm4_eq57_corrected"].control
    inst = control.counterexample.instance
    assert int(inst["d1"]) > int(inst["hat d_1"]) and inst["c"] != "0"
    steps = verdicts["decvar.thm4_eq57_corrected"].checks
    assert sum(1 for c in steps if "Eq. 57 with" in c.summary and c.status is Status.CHECKED) == 2


def test_exact_engine_small_cases():
    one = Fraction(1)
    case2 = exact.Inst((one,), Fraction(0), 1, 1, one)
    assert str(exact.argmin(case2)) == "minimizers (0, 1]"
    nonlinear = exact.Inst((one,), one, 1, 1, one)
    assert exact.argmin(nonlinear).unique == 2 and nonlinear.alive(Fraction(2)) == 0
    case1 = exact.Inst((one,), Fraction(0), 1, 1, Fraction(1, 2))
    assert exact.argmin(case1).kind == "none"


def _spectra(rng, n, d):
    z = np.sort(rng.uniform(0.2, 2.0, (n, d)), axis=1)[:, ::-1]
    z[rng.random((n, d)) < 0.2] = 0.0
    return -np.sort(-z, axis=1)


def test_kernel_sources_are_built_from_passing_claims(verdicts):
    sources = dv.kernel_sources()
    assert {s.name for s in sources} >= {"decoder_variance_G", "decoder_variance_G_prime",
                                            "optimal_decoder_variance", "decoder_variance_collapse_thresholds"}
    for source in sources:
        assert verdicts[source.claim].status in PASS and callable(source.builder) and source.description


def test_kernels_agree_with_the_exact_engine_without_warnings():
    insts = exact.instances()[::13]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for inst in insts:
            zeta = np.sqrt(np.array([float(z) for z in inst.zeta2]))
            sizes = {"latent_dim": inst.d1, "target_dim": inst.d2, "residual": float(inst.c)}
            at = {"beta": float(inst.beta), **sizes}
            am = exact.argmin(inst)
            regime = 0 if am.kind == "none" else 2 if am.unique is not None else 1
            assert int(dv_kernels.regime_kernel(zeta, **at)) == regime
            s_star = dv_kernels.s_star_kernel(zeta, **at)
            if regime == 0:  # no minimizer: NaN, documented (never 0)
                assert np.isnan(s_star)
            else:
                assert_close(s_star, float(am.unique if regime == 2 else am.minimizers[0].hi))
            thr = dv_kernels.collapse_thresholds_kernel(zeta, **sizes)
            for p in range(1, inst.m + 1):
                assert_close(thr[p - 1], float(inst.beta_p(p)))
            for x in statements._all_points(inst)[:3]:
                assert_close(dv_kernels.G_kernel(zeta, **at, s=float(x)), float(inst.G(x)))
                assert_close(dv_kernels.G_prime_kernel(zeta, **at, s=float(x)),
                             float(statements.G1(inst, x)))


def test_kernels_agree_with_the_ground_truth_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for rec in ground_truth.ground_truth(fixed_s=True):
            inst = rec["case"].inst
            zeta = np.sqrt(np.array([float(z) for z in inst.zeta2]))
            g = dv_kernels.G_kernel(zeta, beta=float(inst.beta), latent_dim=inst.d1, target_dim=inst.d2, s=rec["s"],
                                    residual=float(inst.c))
            assert_close(rec["loss"], g, rel=1e-7)
        for rec in ground_truth.ground_truth(fixed_s=False):
            inst = rec["case"].inst
            zeta = np.sqrt(np.array([float(z) for z in inst.zeta2]))
            at = {"beta": float(inst.beta), "latent_dim": inst.d1, "target_dim": inst.d2, "residual": float(inst.c)}
            s_star = float(dv_kernels.s_star_kernel(zeta, **at))
            regime = int(dv_kernels.regime_kernel(zeta, **at))
            assert regime in (1, 2)
            assert_close(rec["loss"], dv_kernels.G_kernel(zeta, **at, s=s_star), rel=1e-7)
            if regime == 2:
                assert abs(rec["s"] - s_star) <= 1e-5 * s_star
                if inst.beta not in exact.derived_thresholds(inst):
                    alive = int(dv_kernels.surviving_modes_kernel(zeta, **at))
                    assert int((rec["sv"] > 1e-3).sum()) == alive
            else:
                assert rec["s"] <= s_star * (1 + 1e-5)


def test_kernels_broadcast_and_validate():
    rng = np.random.default_rng(0)
    zeta = _spectra(rng, 12, 3).reshape(3, 4, 3)
    beta = rng.uniform(0.2, 3.0, (3, 4))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = dv_kernels.s_star_kernel(zeta, beta=beta, latent_dim=2, target_dim=3, residual=0.3)
        assert out.shape == (3, 4) and np.all(out > 0)
        assert dv_kernels.collapse_thresholds_kernel(zeta, latent_dim=5, target_dim=3).shape == (3, 4, 5)
        assert dv_kernels.G_kernel(zeta, beta=beta, latent_dim=2, target_dim=4, s=0.5).shape == (3, 4)
        no_signal = dv_kernels.regime_kernel(np.zeros((2, 2)), beta=1.0, latent_dim=1, target_dim=2)
        assert np.all(no_signal == 0)  # no signal, c = 0: no minimizer
        grid = np.geomspace(1e-3, 1e3, 7)  # one spectrum, a grid of s
        one_spectrum = dv_kernels.G_prime_kernel(np.array([2.0, 1.0]), beta=1.0, latent_dim=1, target_dim=2, s=grid)
        assert one_spectrum.shape == (7,)
    sizes = {"latent_dim": 1, "target_dim": 2}
    with pytest.raises(SymbolicVAEError, match="zeta"):
        dv_kernels.s_star_kernel(np.array([1.0, 2.0]), beta=1.0, **sizes)
    with pytest.raises(SymbolicVAEError, match="beta"):
        dv_kernels.s_star_kernel(np.array([2.0, 1.0]), beta=-1.0, **sizes)
    with pytest.raises(SymbolicVAEError, match="broadcast"):
        dv_kernels.s_star_kernel(np.ones((3, 2)), beta=np.ones(4), **sizes)
    with pytest.raises(SymbolicVAEError, match="residual"):
        dv_kernels.s_star_kernel(np.array([2.0, 1.0]), beta=1.0, **sizes, residual=-1.0)
    with pytest.raises(SymbolicVAEError, match="target_dim"):
        dv_kernels.s_star_kernel(np.array([2.0, 1.0]), beta=1.0, latent_dim=1, target_dim=1)
    with pytest.raises(SymbolicVAEError, match="latent_dim"):
        dv_kernels.G_kernel(np.array([2.0]), beta=1.0, latent_dim=0, target_dim=1, s=1.0)


def test_a_mode_value_that_jumps_at_its_threshold_is_refuted(monkeypatch):
    """Lemma 2's per-mode step reads the continuity of m at beta s = zeta^2: a constant moved in the alive branch
    (its derivative unchanged) is noticed."""
    import sympy as sp

    from symbolic_vae._papers.wz2022.decoder_variance import checks_symbolic as cs

    assert cs._mode_derivative.__wrapped__().status is Status.PROVED

    def jumping(z2, b=cs.beta, s_=cs.s):
        return sp.Piecewise((b / 2 * (sp.Rational(999, 1000) - sp.log(b * s_ / z2)), b * s_ < z2),
                            (z2 / (2 * s_), True))

    monkeypatch.setattr(cs, "mode_value", jumping)
    result = cs._mode_derivative.__wrapped__()
    assert result.status is Status.REFUTED and "jumps" in result.summary
    assert float(result.counterexample.gap) > 0


def test_activation_patterns_must_describe_the_expression_they_prove():
    """A mode's Piecewise must switch at beta s = zeta^2 with its branches agreeing there: a threshold moved by
    0.1%, or a constant moved in one branch (invisible to G'), leaves the pattern-by-pattern proof undecided."""
    import sympy as sp

    from symbolic_vae._papers.wz2022.decoder_variance import checks_symbolic as cs

    z, b, s = cs.zeta_symbols(1)[0], cs.beta, cs.s
    alive, collapsed = b / 2 * (1 - sp.log(b * s / z**2)), z**2 / (2 * s)
    assert cs.branch_defect(cs.G_expr(2, 2, cs.D2), cs.zeta_symbols(2)) is None
    moved = sp.Piecewise((alive, z**2 > sp.Rational(1001, 1000) * b * s), (collapsed, True))
    assert "not the activation threshold" in cs.branch_defect(moved, (z,))
    shifted = sp.Piecewise((alive - b / 2000, z**2 > b * s), (collapsed, True))
    assert "differ at s" in cs.branch_defect(shifted, (z,))


def test_small_beta_keeps_the_variance_of_a_nonlinear_target(verdicts):
    # the overparameterized model of Sec. 4.4 whose s* does not vanish: y not linear in x (c > 0), s* -> c/d2
    cx = verdicts["decvar.sec44_small_beta"].counterexample
    assert cx.instance["c"] != "0" and int(cx.instance["d1"]) >= int(cx.instance["d*"])
    # a learned eta_dec does collapse some data (Sec. 4.4), against the printed bullet of Sec. 4.5
    cx = verdicts["decvar.sec45_learnability"].counterexample
    assert "collapse" in cx.lhs and cx.instance["hat d_1"] != "0"
