import sympy as sp

from symbolic_vae import SizedIdentity, Status, prove_at_sizes, prove_identity

x = sp.Symbol("x", real=True)
p = sp.Symbol("p", positive=True)


def test_general_identity_is_proved():
    assert prove_identity(sp.log(p**2), 2 * sp.log(p)).status is Status.PROVED


def test_false_identity_is_refuted_with_instance():
    result = prove_identity(sp.sqrt(x**2), x)
    assert result.status is Status.REFUTED
    assert result.counterexample is not None
    value = sp.Rational(result.counterexample.instance["x"])
    assert value < 0


def test_max_identity_is_proved_region_by_region():
    result = prove_identity(sp.Max(0, x) ** 2, x * sp.Max(0, x))
    assert result.status is Status.PROVED
    assert result.details["regions_proved"] >= 1


def test_abs_identity_needs_both_regions():
    result = prove_identity(sp.Abs(x), sp.Max(x, -x))
    assert result.status is Status.PROVED
    assert prove_identity(sp.Abs(x), sp.Max(x, 0)).status is Status.REFUTED


def test_max_negative_control_is_refuted_on_the_right_region():
    result = prove_identity(sp.Max(0, x), x)
    assert result.status is Status.REFUTED
    assert sp.Rational(result.counterexample.instance["x"]) < 0


def test_piecewise_identity_with_assumptions():
    pw = sp.Piecewise((p - 1, p > 1), (0, True))
    assert prove_identity(pw, sp.Max(0, p - 1)).status is Status.PROVED
    assert prove_identity(pw, sp.Max(0, p - 2)).status is Status.REFUTED


def test_explicit_size_identity_and_its_control():
    def build(size, wrong=False):
        (n,) = size
        M = sp.Matrix(n, n, lambda i, j: sp.Symbol(f"m{i}{j}", real=True))
        rhs = (M.T * M).trace() + (1 if wrong else 0)
        return SizedIdentity(size, (M * M.T).trace(), rhs)

    good = prove_at_sizes(build, [(1,), (2,), (3,)])
    assert good.status is Status.PROVED_AT_SIZES
    assert good.details["sizes"] == [[1], [2], [3]]
    bad = prove_at_sizes(lambda s: build(s, wrong=True), [(1,), (2,)])
    assert bad.status is Status.REFUTED
    assert bad.counterexample is not None


def test_the_numeric_search_skips_poles():
    from symbolic_vae._engine.identity import search_counterexample

    n = sp.Symbol("n", integer=True)
    # seed 0 draws n = 1, where (n^3 - 1)/(n - 1) is undefined: skipped, the other points are zero
    cx, info = search_counterexample((n**3 - 1) / (n - 1), n**2 + n + 1, (n,), (), 12, 0)
    assert cx is None and info["undefined"] >= 1 and info["zero"] == info["points"] - info["undefined"]
    cx, info = search_counterexample((n**3 - 1) / (n - 1), n**2 + n + 2, (n,), (), 12, 0)  # control
    assert cx is not None and cx.gap == "1.0" and cx.tolerance == "0"


def test_sign_bounds_that_contradict_a_relation_make_an_empty_region():
    from symbolic_vae._engine.identity import _simplify_region

    x, y = sp.symbols("x y", real=True)
    assert _simplify_region(sp.And(x >= 0, y >= 0, x * y < 0)) is sp.false
    assert _simplify_region(sp.And(x >= 0, y <= 0, x * y < 0)) is not sp.false  # control: x = 1, y = -1
