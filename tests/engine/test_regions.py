"""The engine's region-by-region provers: identities, signs and equivalences over Max / Piecewise expressions,
the sign decider, the exact-zero test and the refutations at exact points of a region."""

import sympy as sp

from symbolic_vae._core.verdict import Counterexample, Status
from symbolic_vae._engine.regions import (
    SEARCH_STYLE,
    Refutation,
    Region,
    activation_regions,
    nonnegative_signs,
    possible_signs,
    prove_identity_on_regions,
    prove_iff_on_regions,
    prove_sign_on_regions,
    reduces_to_zero,
    resolve_branches,
    search_region_counterexample,
    sign_of,
)

x = sp.Symbol("x", real=True)
w = sp.Symbol("w", positive=True)
a, b = sp.symbols("a b", positive=True)
n = sp.Symbol("n", negative=True)
u = sp.Symbol("u", nonnegative=True)

# x > 0 (x = w), x = 0, x < 0 (x = -w); an exact point of each with w = 1/2
X_REGIONS = (Region("x > 0", ((x, w),), x > 0, ((w, sp.Rational(1, 2)),), choose=resolve_branches),
             Region("x = 0", ((x, sp.Integer(0)),), sp.Eq(x, 0), choose=resolve_branches),
             Region("x < 0", ((x, -w),), x < 0, ((w, sp.Rational(1, 2)),), choose=resolve_branches))


def _refute_at_point(lhs: sp.Expr, rhs: sp.Expr):
    """The region's exact point, the gap confirmed at 50 digits."""
    def refute(region: Region) -> Refutation | None:
        left, right = region.at_point(lhs), region.at_point(rhs)
        gap = sp.N(left - right, 50)
        if gap.is_number and abs(gap) > 1e-30:
            instance = {str(k): str(v.xreplace(dict(region.point))) for k, v in region.substitution}
            return Refutation(f"fails on {region.name}", Counterexample(instance, str(left), str(right), 50))
        return None
    return refute


def test_true_piecewise_identity_is_proved_region_by_region():
    lhs, rhs = sp.Max(0, x) ** 2, x * sp.Max(0, x)
    result = prove_identity_on_regions(lhs, rhs, X_REGIONS, what="max^2", refute=_refute_at_point(lhs, rhs))
    assert result.status is Status.PROVED
    assert result.summary == "max^2: holds on each of 3 regions"
    assert result.details["regions"] == ["x > 0", "x = 0", "x < 0"]


def test_false_piecewise_identity_is_refuted_and_the_counterexample_holds():
    lhs, rhs = sp.Max(0, x), x
    result = prove_identity_on_regions(lhs, rhs, X_REGIONS, what="max = x", refute=_refute_at_point(lhs, rhs))
    assert result.status is Status.REFUTED
    assert "x < 0" in result.summary
    at = {x: sp.Rational(result.counterexample.instance["x"])}
    assert lhs.xreplace(at) != rhs.xreplace(at)  # re-evaluated exactly on the original sides


def test_search_refutation_is_confirmed_on_the_original_sides():
    lhs, rhs = sp.Max(0, x), x
    cx = search_region_counterexample(lhs, rhs, X_REGIONS[2], nonnegative=False, n_points=6, seed=1)
    assert cx is not None
    at = {x: sp.Rational(cx.instance["x"])}
    assert at[x] < 0 and lhs.xreplace(at) != rhs.xreplace(at)
    assert search_region_counterexample(lhs, rhs, X_REGIONS[0], nonnegative=False, n_points=6, seed=1) is None


def test_sign_statement_is_proved_and_a_false_one_refuted():
    expr = x * sp.Max(0, x)  # w^2, 0 and 0 on the three regions
    square = sp.Max(0, x) ** 2
    proved = prove_sign_on_regions(square, ">=0", X_REGIONS, what="max^2 >= 0",
                                   refute=_refute_at_point(square, sp.Integer(0)))
    assert proved.status is Status.PROVED and proved.summary == r"max^2 >= 0: $\ge 0$ on each of 3 regions"
    undecided = prove_sign_on_regions(square, ">0", X_REGIONS, what="max^2 > 0", refute=lambda reg: None)
    assert undecided.status is Status.INCONCLUSIVE and undecided.summary == "max^2 > 0: sign undecided on x = 0"
    refuted = prove_sign_on_regions(x - sp.Max(0, x), ">=0", X_REGIONS, what="x >= max(0, x)",
                                    refute=_refute_at_point(x - sp.Max(0, x), sp.Integer(0)))
    assert refuted.status is Status.REFUTED
    assert sp.Rational(refuted.counterexample.instance["x"]) < 0
    assert prove_sign_on_regions(expr, ">=0", X_REGIONS, what="x max(0, x) >= 0",
                                 refute=lambda reg: None).status is Status.PROVED


def test_search_style_lists_regions_and_collects_undecided_ones():
    result = prove_sign_on_regions((a - b) ** 2, ">=0", (Region("all"),), what="square", refute=lambda reg: None,
                                   signs=nonnegative_signs, kind="difference >= 0", style=SEARCH_STYLE)
    assert result.summary == "square: difference >= 0 on each of 1 regions (all)"
    undecided = prove_sign_on_regions(a - b, ">=0", (Region("all"),), what="a >= b", refute=lambda reg: None,
                                      signs=nonnegative_signs, style=SEARCH_STYLE)
    assert undecided.status is Status.INCONCLUSIVE and undecided.details == {"proved": []}


def test_iff_on_regions():
    right = sp.GreaterThan(x, 0)
    proved = prove_iff_on_regions(sp.Eq(sp.Max(0, x), x), right, X_REGIONS, what="max = x iff x >= 0",
                                  counterexample=lambda reg, d: Counterexample({}, "", "", 30))
    assert proved.status is Status.PROVED
    refuted = prove_iff_on_regions(sp.Eq(sp.Max(0, x), x), sp.StrictGreaterThan(x, 0), X_REGIONS, what="strict",
                                   counterexample=lambda reg, d: Counterexample({"region": reg.name}, "", "", 30))
    assert refuted.status is Status.REFUTED and refuted.counterexample.instance == {"region": "x = 0"}


def test_sign_decider_on_products_and_quotients():
    assert sign_of(a * b) == 1
    assert sign_of(-a * b / (1 + b)) == -1
    assert sign_of(n * a) == -1
    assert sign_of(n**2 / a) == 1
    assert possible_signs(u * a) == frozenset({0, 1})
    assert possible_signs(-u / a) == frozenset({-1, 0})
    assert sign_of(a - b) is None  # negative control: a difference of positives has no sign
    assert sign_of(x * a) is None
    assert possible_signs(a / x) is None  # a denominator of unknown sign


def test_exact_zero_test():
    assert reduces_to_zero(sp.log(a * b) - sp.log(a) - sp.log(b))
    assert reduces_to_zero((a**2 - b**2) / (a - b) - a - b)
    assert not reduces_to_zero(sp.sqrt(x**2) - x)


def test_activation_regions_pick_branches():
    z1, z2, s = sp.symbols("z1 z2 s", positive=True)
    expr = sp.Piecewise((1, s < z1), (0, True)) + sp.Piecewise((10, s < z2), (0, True))
    patterns = activation_regions((z1, z2))
    values = {tuple(sorted(map(str, active))): region.apply(expr) for active, region in patterns}
    assert values == {(): 0, ("z1",): 1, ("z2",): 10, ("z1", "z2"): 11}
