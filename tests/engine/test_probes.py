import sympy as sp

from symbolic_vae._engine.identity import search_counterexample
from symbolic_vae._engine.probes import MAX_PROBES, probe_points, special_values

x = sp.Symbol("x", real=True)
p = sp.Symbol("p", positive=True)
n = sp.Symbol("n", integer=True)
z = sp.Symbol("z")


def test_special_values_follow_the_assumptions():
    assert all(v.is_positive for v in special_values(p))
    assert all(v.is_integer and abs(v) <= 10 for v in special_values(n))  # no large integers: gamma(10**6) is exact
    assert any(not v.is_real for v in special_values(z)) and all(v.is_real for v in special_values(x))
    assert any(abs(v) > 10**11 for v in special_values(x)) and any(0 < abs(v) < 10**-11 for v in special_values(x))


def test_probes_sit_on_beside_and_between_the_thresholds():
    side = sp.Piecewise((1, (x > 1) & (x < 1 + sp.Rational(1, 10**9))), (0, True))
    values = {point[x] for point in probe_points((x,), [side], (), seed=0)}
    assert 1 in values and sp.Rational(1001, 1000) in values and sp.Rational(999, 1000) in values
    assert any(1 < v < 1 + sp.Rational(1, 10**9) for v in values)  # inside a window no offset reaches
    assert len(probe_points((x, p), [side], (), seed=0)) <= MAX_PROBES


def test_probes_are_seeded():
    assert probe_points((x, p), [x + p], (), seed=3) == probe_points((x, p), [x + p], (), seed=3)
    assert probe_points((x, p), [x + p], (), seed=3) != probe_points((x, p), [x + p], (), seed=4)


def test_a_probe_refutes_what_the_seeded_draws_miss_and_never_passes_anything():
    cx, info = search_counterexample(sp.floor(p / 10**6), sp.Integer(0), (p,), (), 12, 0)
    assert cx is not None and info["refuted_at_probe"] and info["zero"] == info["points"]  # the draws saw only 0
    cx, info = search_counterexample(sp.floor(p / 10**6), sp.floor(p / 10**6), (p,), (), 12, 0)  # control
    assert cx is None and "refuted_at_probe" not in info
    cx, info = search_counterexample(sp.log(sp.exp(z)), z, (z,), (), 12, 0)  # complex: Im z beyond pi
    assert cx is not None and not sp.sympify(cx.instance["z"]).is_real
