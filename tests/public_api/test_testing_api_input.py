"""The testing API: its arguments are validated in one place (SymbolicVAEError naming the argument), true identities
are never refuted, and a refutation is a confirmed instance of the declared domain."""

import pytest
import sympy as sp

import symbolic_vae
from symbolic_vae import Status, SymbolicVAEError, testing
from symbolic_vae._engine import identity as _identity
from symbolic_vae.testing import assert_identity, assert_identity_at_sizes, assert_refuted, check_identity

x, y, s, a, b = sp.symbols("x y s a b")
xr = sp.Symbol("x", real=True)
n_int = sp.Symbol("n", integer=True)


# ---------------------------------------------------------------------------------------------------------------
# Validation: one error type, naming the argument, before any work
# ---------------------------------------------------------------------------------------------------------------
def _fails(match, **kwargs):
    args = {"lhs": sp.sqrt(x**2), "rhs": x, **kwargs}
    lhs, rhs = args.pop("lhs"), args.pop("rhs")
    for check in (assert_refuted, assert_identity, check_identity):
        with pytest.raises(SymbolicVAEError, match=match):
            check(lhs, rhs, **args)


@pytest.mark.parametrize("seed", ["a", -1, 2**63, True, 1.5, None])
def test_seed_must_be_an_int_in_range(seed):
    _fails(r"^seed: .*\[0, 2\*\*63\)", assumptions={x: "real"}, seed=seed)


@pytest.mark.parametrize("n_points", [0, -3, True, 2.0, 10**9, "12"])
def test_n_points_must_be_a_bounded_int(n_points):
    _fails("^n_points: ", assumptions={x: "real"}, n_points=n_points)


def test_n_points_limits_are_accepted():
    assert check_identity(sp.sqrt(x**2), x, assumptions={x: "real"}, n_points=1).status is Status.REFUTED
    assert testing.MAX_POINTS == 10_000


@pytest.mark.parametrize("constraints", ["x > 0", ["x > 0"], [True], [sp.false], [x + 1], x + 1, [sp.Symbol("p")],
                                         [y > 0], 3, {x: 1}])
def test_constraints_must_be_relations_in_the_identity_symbols(constraints):
    _fails("^constraints: ", assumptions={x: "real"}, constraints=constraints)


def test_string_constraint_message_says_strings_are_not_parsed():
    with pytest.raises(SymbolicVAEError, match="got the string 'x > 0'.*not parsed"):
        assert_refuted(sp.sqrt(x**2), x, assumptions={x: "real"}, constraints="x > 0")


@pytest.mark.parametrize("bad", [sp.zoo, sp.oo, -sp.oo, sp.nan, float("inf"), float("nan"), x + sp.zoo, sp.oo * x])
@pytest.mark.parametrize("side", ["lhs", "rhs"])
def test_infinities_and_nan_are_rejected_naming_the_side(bad, side):
    lhs, rhs = (bad, x) if side == "lhs" else (x, bad)
    with pytest.raises(SymbolicVAEError, match=rf"^{side}: contains .*infinities and NaN \(zoo, oo, -oo, nan\)"):
        assert_identity(lhs, rhs)


def test_infinite_limits_of_sums_are_fine():
    k = sp.Symbol("k", integer=True, positive=True)
    assert check_identity(sp.Sum(1 / k**2, (k, 1, sp.oo)), sp.pi**2 / 6).status is Status.PROVED


@pytest.mark.parametrize("bad", [object(), lambda q: q, "x + 1", b"x", [1, 2], sp.Eq(x, 1), x > 1, True, sp.true,
                                 sp.MatrixSymbol("A", 2, 2) ** 2, sp.MatrixSymbol("A", 2, 2)[0, 0], sp.Lambda(x, x)])
@pytest.mark.parametrize("side", ["lhs", "rhs"])
def test_sides_must_be_sympy_expressions(bad, side):
    lhs, rhs = (bad, x) if side == "lhs" else (x, bad)
    with pytest.raises(SymbolicVAEError, match=f"^{side}: "):
        check_identity(lhs, rhs)


def test_mismatched_shapes_name_both_sides_and_shapes():
    with pytest.raises(SymbolicVAEError, match=r"^rhs: shape \(1, 2\) does not match the shape \(2, 1\) of lhs"):
        assert_identity(sp.Matrix([x, 1]), sp.Matrix([[x, 1]]))
    with pytest.raises(SymbolicVAEError, match=r"^rhs: a scalar cannot equal lhs, a matrix of shape \(2, 1\)"):
        assert_identity(sp.Matrix([x, 1]), 0)
    with pytest.raises(SymbolicVAEError, match=r"^rhs: a matrix of shape \(1, 1\) cannot equal lhs, a scalar"):
        check_identity(x, sp.Matrix([[x]]))


def test_misspelled_assumption_lists_the_accepted_words():
    with pytest.raises(SymbolicVAEError) as info:
        assert_identity(sp.log(s**2), 2 * sp.log(s), assumptions={s: "postive"})
    assert type(info.value) is symbolic_vae.SymbolicVAEError and isinstance(info.value, ValueError)
    assert f"{type(info.value).__module__}.{type(info.value).__name__}" == "symbolic_vae.SymbolicVAEError"
    message = str(info.value)
    assert message.startswith("assumptions: ") and "'postive'" in message
    assert all(word in message for word in testing.ASSUMPTION_WORDS)


@pytest.mark.parametrize("assumptions, match", [
    ({s: ["positive", "negative"]}, "contradict"),
    ({"s": "positive"}, "keys must be SymPy symbols"),
    ({s: 1}, "must be a word"),
    ({s: []}, "non-empty list"),
    ({sp.Symbol("s", real=True): "positive"}, "use the same Symbol object"),
    ([(s, "positive")], "expected a mapping"),
])
def test_bad_assumptions(assumptions, match):
    with pytest.raises(SymbolicVAEError, match=f"^assumptions: .*{match}"):
        check_identity(sp.log(s**2), 2 * sp.log(s), assumptions=assumptions)


def test_assumptions_add_to_those_of_the_symbol():
    p = sp.Symbol("p", positive=True)
    assert_identity(sp.log(p**2), 2 * sp.log(p), assumptions={p: "real"})  # stays positive
    with pytest.raises(SymbolicVAEError, match="^assumptions: .*contradict"):
        check_identity(p, p, assumptions={p: "negative"})


def test_allow_numeric_must_be_a_bool():
    with pytest.raises(SymbolicVAEError, match="^allow_numeric: "):
        assert_identity(x, x, allow_numeric="yes")


def test_validation_happens_before_any_work(monkeypatch):
    def no_work(*args, **kwargs):
        raise AssertionError("the checker ran before the arguments were validated")

    monkeypatch.setattr(testing, "prove_identity", no_work)
    monkeypatch.setattr(testing, "prove_at_sizes", no_work)
    for kwargs in ({"seed": "a"}, {"n_points": 0}, {"constraints": "x > 0"}, {"assumptions": {x: "postive"}}):
        with pytest.raises(SymbolicVAEError):
            assert_refuted(sp.sqrt(x**2), x, **kwargs)
    with pytest.raises(SymbolicVAEError, match="^sizes: "):
        assert_identity_at_sizes(lambda size: (x, x), [])


def test_at_sizes_arguments():
    with pytest.raises(SymbolicVAEError, match="^sizes: "):
        assert_identity_at_sizes(lambda size: (x, x), [1, 2])
    with pytest.raises(SymbolicVAEError, match="^build: "):
        assert_identity_at_sizes(None, [(1,)])
    with pytest.raises(SymbolicVAEError, match=r"^build: expected build\(\(1,\)\) to return the pair"):
        assert_identity_at_sizes(lambda size: x, [(1,)])
    with pytest.raises(SymbolicVAEError, match=r"^build: at size \(1,\), rhs: shape \(2, 2\)"):
        assert_identity_at_sizes(lambda size: (sp.eye(size[0]), sp.eye(size[0] + 1)), [(1,)])
    with pytest.raises(SymbolicVAEError, match=r"^build: at size \(1,\), lhs: contains zoo"):
        assert_identity_at_sizes(lambda size: (sp.zoo, x), [(1,)])


# ---------------------------------------------------------------------------------------------------------------
# True identities are never refuted (under their assumptions and constraints)
# ---------------------------------------------------------------------------------------------------------------
TRUE_PROVED = {
    "log(s^2) = 2 log s, s > 0": (sp.log(s**2), 2 * sp.log(s), {s: "positive"}, ()),
    "sqrt(x^2) = x, x >= 0 (assumption)": (sp.sqrt(x**2), x, {x: "nonnegative"}, ()),
    "sqrt(x^2) = x, x >= 0 (constraint)": (sp.sqrt(x**2), x, {x: "real"}, [x >= 0]),
    "sqrt(x^2) = -x, x <= 0 (constraint)": (sp.sqrt(x**2), -x, {x: "real"}, [x <= 0]),
    "|x - 1| = x - 1, x > 1": (sp.Abs(x - 1), x - 1, {x: "real"}, [x > 1]),
    "max(x, 0) = x, x >= 0": (sp.Max(x, 0), x, {x: "real"}, [x >= 0]),
    "(x + 10^20) - 10^20 = x": ((x + 10**20) - 10**20, x, None, ()),
    "huge cancellation, rationals": ((x + sp.Rational(10**40, 3))**2 - sp.Rational(10**80, 9),
                                     x**2 + sp.Rational(2 * 10**40, 3) * x, None, ()),
    "log(a b) = log a + log b, a, b > 0": (sp.log(a * b), sp.log(a) + sp.log(b), {a: "positive", b: "positive"}, ()),
    "sqrt(a b) = sqrt a sqrt b, a, b >= 0": (sp.sqrt(a * b), sp.sqrt(a) * sp.sqrt(b),
                                             {a: "nonnegative", b: "nonnegative"}, ()),
    "(x^2 - x)/x = x - 1 (pole at 0)": ((x**2 - x) / x, x - 1, {x: "nonnegative"}, ()),
    "exp(log x) = x, x > 0": (sp.exp(sp.log(x)), x, {x: "positive"}, ()),
    "|x y| = |x| |y|": (sp.Abs(x * y), sp.Abs(x) * sp.Abs(y), None, ()),
    "log(1 + e^-x) + x = log(1 + e^x)": (sp.log(1 + sp.exp(-x)) + x, sp.log(1 + sp.exp(x)), {x: "real"}, ()),
}

TRUE_NUMERIC = {  # simplification does not reach 0: the numeric search must pass (CHECKED), never refute
    "atan x + atan(1/x) = pi/2, x > 0": (sp.atan(x) + sp.atan(1 / x), sp.pi / 2, {x: "positive"}, ()),
    "atan x + atan(1/x) = pi/2, x >= 0 (pole at 0)": (sp.atan(x) + sp.atan(1 / x), sp.pi / 2, {x: "nonnegative"}, ()),
    "atan x + atan(1/x) = pi/2, constraint x > 0": (sp.atan(x) + sp.atan(1 / x), sp.pi / 2, {x: "real"}, [x > 0]),
    "sqrt(x^2) = x, complex x, constraint x >= 0": (sp.sqrt(x**2), x, None, [x >= 0]),
    "sqrt(a b) = sqrt a sqrt b, constraints": (sp.sqrt(a * b), sp.sqrt(a) * sp.sqrt(b), {a: "real", b: "real"},
                                               [a >= 0, b >= 0]),
    "sin^2 + cos^2 = 1": (sp.sin(x)**2 + sp.cos(x)**2, 1, None, ()),
    "sin 2x = 2 sin x cos x": (sp.sin(2 * x), 2 * sp.sin(x) * sp.cos(x), None, ()),
    "tan(x/2) = sin x/(1 + cos x), |x| < 3": (sp.tan(x / 2), sp.sin(x) / (1 + sp.cos(x)), {x: "real"},
                                              [x > -3, x < 3]),
    "acos x + asin x = pi/2, |x| <= 1": (sp.acos(x) + sp.asin(x), sp.pi / 2, {x: "real"}, [x >= -1, x <= 1]),
    "(x^3 - 1)/(x - 1) = x^2 + x + 1 (pole at 1)": ((x**3 - 1) / (x - 1), x**2 + x + 1, None, ()),
    "(n^3 - 1)/(n - 1), integer n (pole at 1)": ((n_int**3 - 1) / (n_int - 1), n_int**2 + n_int + 1, None, ()),
    "gamma(x + 1) = x gamma(x)": (sp.gamma(x + 1), x * sp.gamma(x), {x: "positive"}, ()),
    "asinh x = log(x + sqrt(x^2 + 1))": (sp.asinh(x), sp.log(x + sp.sqrt(x**2 + 1)), {x: "real"}, ()),
    "sqrt(5 + 2 sqrt 6) x = (sqrt 2 + sqrt 3) x": (sp.sqrt(5 + 2 * sp.sqrt(6)) * x, (sp.sqrt(2) + sp.sqrt(3)) * x,
                                                   None, ()),
    "floor x + frac x = x": (sp.floor(x) + sp.frac(x), x, {x: "real"}, ()),
    "huge sides: e^1000 (atan x + atan 1/x) = e^1000 pi/2": (sp.exp(1000) * (sp.atan(x) + sp.atan(1 / x)),
                                                            sp.exp(1000) * sp.pi / 2, {x: "positive"}, ()),
    "sign n sign(n^3 + n) = 1, integer n != 0": (sp.sign(n_int) * sp.sign(n_int**3 + n_int), 1,
                                                 {n_int: ["integer", "nonzero"]}, ()),
}


@pytest.mark.parametrize("name", sorted(TRUE_PROVED))
def test_true_identities_are_proved(name):
    lhs, rhs, assumptions, constraints = TRUE_PROVED[name]
    result = assert_identity(lhs, rhs, assumptions=assumptions, constraints=constraints)
    assert result.status is Status.PROVED


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("name", sorted(TRUE_NUMERIC))
def test_true_identities_are_never_refuted(name, seed):
    lhs, rhs, assumptions, constraints = TRUE_NUMERIC[name]
    result = check_identity(lhs, rhs, assumptions=assumptions, constraints=constraints, seed=seed)
    assert result.status is not Status.REFUTED, result
    assert result.status in (Status.PROVED, Status.CHECKED), result
    assert_identity(lhs, rhs, assumptions=assumptions, constraints=constraints, allow_numeric=True, seed=seed)


def test_a_removable_pole_does_not_stop_a_proof():
    # (n^3 - 1)/(n - 1) is undefined at n = 1, yet equal to n^2 + n + 1 everywhere else: cancel proves it
    assert check_identity((n_int**3 - 1) / (n_int - 1), n_int**2 + n_int + 1, seed=0).status is Status.PROVED


def test_points_are_drawn_inside_the_declared_domain():
    # the sampler draws integers in [-4, 4]: n = 0 is outside the domain of a nonzero n
    for seed in range(5):
        result = check_identity(sp.sign(n_int) * sp.sign(n_int**3 + n_int), 1, assumptions={n_int: "nonzero"},
                                seed=seed)
        assert result.status in (Status.PROVED, Status.CHECKED), result  # never refuted at the excluded n = 0
    # an assumption the sampler does not model: points outside it are left out
    xe = sp.Symbol("x", extended_positive=True)
    result = _identity.prove_identity(sp.atan(xe) + sp.atan(1 / xe), sp.pi / 2, seed=0)
    assert result.status is Status.CHECKED and result.details["outside_domain"] > 0


def test_float_cancellation_is_not_a_refutation():
    """cosh(1000 x)^2 - sinh(1000 x)^2 = 1: at 30-120 digits the two squares (~1e1500) round to one number, so the
    difference looks like -1 at every precision; the confirmation (evalf sees the cancellation) refuses it, and
    keeps both values."""
    xp = sp.Symbol("x", positive=True)
    lhs = sp.cosh(1000 * xp)**2 - sp.sinh(1000 * xp)**2
    assert check_identity(lhs, 1).status is Status.PROVED  # the rewriters see it
    cx, info = _identity.search_counterexample(lhs, sp.Integer(1), n_points=3, seed=0)
    assert cx is None and info["undecided"] >= 1  # where 480 digits do not reach below the terms, -1 stays put
    assert info["disagreement"]["search (mpmath)"] == "-1.0"
    assert "evalf" in info["disagreement"]["confirming (SymPy evalf)"]


def test_digits_lost_inside_a_function_are_not_a_refutation():
    """atan(cosh(K) + sinh(K) - e^K + x) = atan(x): x is lost in the 435-digit sum at every search precision."""
    xp = sp.Symbol("x", positive=True)
    K = 1000
    cx, info = _identity.search_counterexample(sp.atan(sp.cosh(K) + sp.sinh(K) - sp.exp(K) + xp), sp.atan(xp),
                                               n_points=3, seed=0)
    assert cx is None and info["unconfirmed"] == 3


# ---------------------------------------------------------------------------------------------------------------
# Negative controls: false identities are refuted, with a confirmed counterexample inside the domain
# ---------------------------------------------------------------------------------------------------------------
FALSE = {
    "sqrt(x^2) = x, real x": (sp.sqrt(x**2), x, {x: "real"}, ()),
    "sqrt(x^2) = x, complex x": (sp.sqrt(x**2), x, None, ()),
    "sqrt(x^2) = x, constraint x <= 0": (sp.sqrt(x**2), x, {x: "real"}, [x <= 0]),
    "log(a b) = log a + log b, complex": (sp.log(a * b), sp.log(a) + sp.log(b), None, ()),
    "log(a b) = log a + log b, real": (sp.log(a * b), sp.log(a) + sp.log(b), {a: "real", b: "real"}, ()),
    "log(s^2) = 2 log s, real s": (sp.log(s**2), 2 * sp.log(s), {s: "real"}, ()),
    "atan x + atan(1/x) = pi/2, real x": (sp.atan(x) + sp.atan(1 / x), sp.pi / 2, {x: "real"}, ()),
    "sqrt(a b) = sqrt a sqrt b, real": (sp.sqrt(a * b), sp.sqrt(a) * sp.sqrt(b), {a: "real", b: "real"}, ()),
    "sign(n)^2 = 1, integer n (0 allowed)": (sp.sign(n_int)**2, 1, None, ()),
    "e^x = e^x + 1e-9": (sp.exp(x), sp.exp(x) + sp.Rational(1, 10**9), {x: "positive"}, ()),
    "e^100 sqrt x + 1 = e^100 sqrt x (tiny relative gap)": (sp.exp(100) * sp.sqrt(x) + 1, sp.exp(100) * sp.sqrt(x),
                                                           {x: "positive"}, ()),
    "matrix entry sqrt(x^2) = x": (sp.Matrix([[1, sp.sqrt(x**2)]]), sp.Matrix([[1, x]]), {x: "real"}, ()),
}


@pytest.mark.parametrize("name", sorted(FALSE))
def test_false_identities_are_refuted_with_a_confirmed_instance(name):
    lhs, rhs, assumptions, constraints = FALSE[name]
    result = assert_refuted(lhs, rhs, assumptions=assumptions, constraints=constraints)
    cx = result.counterexample
    assert cx is not None and cx.lhs != cx.rhs and cx.dps >= 30
    assert cx.note.startswith("confirmed"), cx.note
    values = {name: sp.Rational(value) for name, value in cx.instance.items()}
    for constraint in constraints:  # the instance lies in the declared domain
        assert constraint.xreplace({sym: values[sym.name] for sym in constraint.free_symbols}) is sp.true
    for sym, words in (assumptions or {}).items():
        for word in [words] if isinstance(words, str) else words:
            assert getattr(values[sym.name], f"is_{word}") is True


def test_refutation_message_shows_the_confirmation():
    with pytest.raises(AssertionError) as info:
        assert_identity(sp.atan(x) + sp.atan(1 / x), sp.pi / 2, assumptions={x: "real"})
    message = str(info.value)
    assert "REFUTED" in message and "counterexample: x = -" in message
    assert "confirmed by SymPy's adaptive evalf" in message


def test_a_float_refutation_says_floats_are_binary_values():
    result = assert_refuted(sp.Float(0.1) * 3 * x * 10**20, 3 * x * 10**19)
    assert "Floats" in result.counterexample.note
    assert_identity(sp.Rational(1, 10) * 3 * x * 10**20, 3 * x * 10**19)
