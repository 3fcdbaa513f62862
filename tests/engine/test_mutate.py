"""The expression mutator: each mutation kind produces the intended tree, equivalent mutants are detected, the
sites and their sampling are deterministic; and the driver on a claim of its own (killed, survived, equivalent,
the verdict store untouched)."""

from __future__ import annotations

import functools
import sys
import types
from collections.abc import Callable

import pytest
import sympy as sp

from symbolic_vae import CheckResult, Claim, Control, Counterexample, PaperRef, Status, Step, SymbolicVAEError
from symbolic_vae._engine import mutate as mt
from symbolic_vae._engine.identity import prove_identity
from symbolic_vae._engine.runner import Context
from symbolic_vae._engine.store import verdict_store

x, y, z = sp.symbols("x y z", positive=True)


def replacements(expr: sp.Basic, kind: str) -> list[sp.Basic]:
    """The whole mutated expression of every mutation of ``kind``."""
    return [m.apply(expr) for m in mt.mutations_of(expr) if m.kind == kind]


def test_sign_flip_of_each_term_and_of_the_whole():
    got = replacements(x + 2 * y, "sign flip")
    assert -x - 2 * y in got and -x + 2 * y in got and x - 2 * y in got


def test_coefficients_scaled_by_one_plus_and_minus_a_thousandth():
    up = replacements(x + y, "coefficient x (1+1e-3)")
    down = replacements(x + y, "coefficient x (1-1e-3)")
    assert sp.Rational(1001, 1000) * x + y in up and (x + y) * sp.Rational(1001, 1000) in up
    assert x + sp.Rational(999, 1000) * y in down


def test_integer_two_becomes_three():
    assert replacements(2 * x + y, "integer 2 -> 3") == [3 * x + y]
    assert x**3 in replacements(x**2, "integer 2 -> 3")
    assert replacements(x / 2 + y, "integer 2 -> 3") == []  # a rational 1/2 is not the integer 2


def test_exponents_plus_and_minus_one():
    assert set(replacements(x**3, "exponent +1")) == {x**4}
    assert set(replacements(x**3, "exponent -1")) == {x**2}
    assert set(replacements(sp.sqrt(x), "exponent -1")) == {1 / sp.sqrt(x)}


def test_max_and_min_swapped():
    assert replacements(sp.Max(0, x - y), "Max <-> Min") == [sp.Min(0, x - y)]
    assert replacements(sp.Min(x, y) + z, "Max <-> Min") == [sp.Max(x, y) + z]


def test_a_term_of_a_sum_dropped():
    assert set(replacements(x + y + z, "dropped term")) == {y + z, x + z, x + y}


def test_branches_of_a_piecewise_swapped():
    pw = sp.Piecewise((x, y > 1), (z, True))
    assert replacements(pw, "swapped branches") == [sp.Piecewise((z, y > 1), (x, True))]


def test_threshold_of_a_relational_shifted():
    assert replacements(sp.Piecewise((x, y > z), (0, True)), "threshold x (1+1e-3)") == [
        sp.Piecewise((x, y > sp.Rational(1001, 1000) * z), (0, True))]
    w = sp.Symbol("w", real=True)
    assert replacements(sp.StrictGreaterThan(w, 0), "threshold x (1+1e-3)") == [
        sp.StrictGreaterThan(w, sp.Rational(1, 1000))]  # a threshold at 0 is moved to 1e-3


def test_every_kind_is_produced_and_no_mutation_leaves_the_tree_unchanged():
    expr = sp.Piecewise((sp.Max(0, 2 * x**4 - y) + z, x > y), (sp.Min(x, y), True))
    mutations = mt.mutations_of(expr)
    assert {m.kind for m in mutations} == set(mt.KINDS)
    assert all(m.apply(expr) != expr for m in mutations)
    assert len({(m.original, m.replacement) for m in mutations}) == len(mutations)  # no duplicate


def test_containers_matrices_and_atoms():
    assert mt.mutations_of(x) == [] and mt.mutations_of(sp.Integer(2)) == []  # atoms are not formulas
    assert not mt.is_mutable(x) and mt.is_mutable((x, x + y)) and mt.is_mutable({"a": x * y})
    matrix = sp.Matrix([[x + y, 0], [0, x]])
    flips = [m for m in mt.mutations_of(matrix) if m.kind == "dropped term"]
    assert [m.apply(matrix) for m in flips] == [sp.Matrix([[y, 0], [0, x]]), sp.Matrix([[x, 0], [0, x]])]
    pair = (x + y, x * y)
    assert mt.mutations_of(pair)[0].apply(pair) == (-(x + y), x * y)


def test_equivalent_mutants_are_detected():
    assert mt.is_equivalent(mt.Mutation("sign flip", sp.Integer(0) + x - x, sp.Integer(0)))
    assert mt.is_equivalent(mt.Mutation("sign flip", x, x))
    # Max(x, x) is x, whichever of Max and Min
    assert mt.is_equivalent(mt.Mutation("Max <-> Min", sp.Max(x, y), sp.Max(x, y)))
    # a difference that only simplification shows to be 0
    assert mt.is_equivalent(mt.Mutation("dropped term", sp.sin(x)**2 + sp.cos(x)**2, sp.Integer(1)))
    assert not mt.is_equivalent(mt.Mutation("sign flip", x + y, -x + y))
    assert not mt.is_equivalent(mt.Mutation("Max <-> Min", sp.Max(x, y), sp.Min(x, y)))
    # a sign flip of 0 inside a sum: the mutated tree equals the original, so it is not even listed
    assert all(m.replacement != m.original for m in mt.mutations_of(sp.Max(0, x)))


def test_sites_and_sampling_are_deterministic():
    expr = sp.Piecewise((sp.sqrt(sp.Max(0, x**2 - 2 * y)) / z, x > y), (0, True))
    first = [(m.kind, m.original, m.replacement) for m in mt.mutations_of(expr)]
    assert first == [(m.kind, m.original, m.replacement) for m in mt.mutations_of(expr)]
    assert mt.sample_order(50, 0, "a.claim") == mt.sample_order(50, 0, "a.claim")
    assert mt.sample_order(50, 0, "a.claim") != mt.sample_order(50, 1, "a.claim")
    assert sorted(mt.sample_order(50, 3, "a.claim")) == list(range(50))


# ---------------------------------------------------------------------------------------------------- the driver

CHECKS_SOURCE = """
def verdict(same, what):
    if same:
        return CheckResult(Status.PROVED, "exact", what)
    return CheckResult(Status.REFUTED, "exact", what, counterexample=Counterexample({"x": "1"}, "1", "2", 30))

def exact():
    SEEN.append(verdict_store())
    same = sp.expand(POLY - (x**2 + 2 * x * y)) == 0
    UNCHECKED.free_symbols  # read, never compared
    return verdict(same, "POLY")

def function_check():
    same = sp.expand(printed() - (x**2 + 2 * x * y + y**2)) == 0
    return verdict(same, "printed")

def control():
    CONTROL_ONLY.free_symbols  # read by the negative control only
    printed(scale=7)  # a value of a formula that only the control computes
    return verdict(False, "perturbed")
"""


def _probe_modules() -> tuple[types.ModuleType, types.ModuleType]:
    """A formula module and a check module importing from it, registered in sys.modules under a test prefix, as
    the sections' forms and checks modules are."""
    forms = types.ModuleType("mutation_probe.forms")
    forms.POLY = x**2 + 2 * x * y
    forms.UNCHECKED = x + y
    forms.NEVER_READ = sp.Max(x, y)
    forms.CONTROL_ONLY = sp.Min(x, y)
    exec("def printed(scale=1):\n    return scale * (x + y) ** 2\n", forms.__dict__.update(x=x, y=y) or forms.__dict__)
    checks = types.ModuleType("mutation_probe.checks")
    checks.__dict__.update(sp=sp, x=x, y=y, CheckResult=CheckResult, Counterexample=Counterexample, Status=Status,
                           verdict_store=verdict_store,
                           SEEN=[], POLY=forms.POLY, CONTROL_ONLY=forms.CONTROL_ONLY, UNCHECKED=forms.UNCHECKED,
                           printed=forms.printed)
    exec(CHECKS_SOURCE, checks.__dict__)
    for module in (forms, checks):
        sys.modules[module.__name__] = module
    return forms, checks


STATEMENT = sp.Eq(sp.Symbol("P"), x**2 + 2 * x * y)


def _claim(checks: types.ModuleType, statement: sp.Basic = STATEMENT) -> Claim:
    return Claim("probe.claim", "probe", PaperRef("wz2022", "1"), statement,
                 (Step("poly", checks.exact), Step("printed", checks.function_check)),
                 Control("perturbed", checks.control))


@pytest.fixture
def probe(monkeypatch):
    monkeypatch.setenv("SYMBOLIC_VAE_STORE", "off")
    forms, checks = _probe_modules()
    yield forms, checks
    for module in (forms, checks):
        del sys.modules[module.__name__]


def _setup(forms: types.ModuleType, claim: Callable[[], Claim]) -> mt.MutationSetup:
    return mt.MutationSetup(build_claim=lambda _: claim(), formulas=tuple(mt.formulas_in([forms])),
                            packages=("mutation_probe",), context=Context())


def test_the_driver_kills_every_mutant_of_a_formula_the_claim_states_and_checks(probe):
    forms, checks = probe
    setup = _setup(forms, lambda: _claim(checks))
    assert [f.label for f in setup.formulas] == ["mutation_probe.forms.CONTROL_ONLY", "mutation_probe.forms.NEVER_READ",
                                                 "mutation_probe.forms.POLY",
                                                 "mutation_probe.forms.UNCHECKED", "mutation_probe.forms.printed"]
    result = mt.mutate_claim("probe.claim", setup, max_mutants=100, seed=0)
    assert result.baseline == "PROVED" and result.scope == "stated"
    assert result.formulas == ("mutation_probe.forms.POLY",)  # the statement shows POLY only
    assert result.tested > 5 and result.kill_rate == 1.0 and result.count("survived") == 0
    assert result.sites >= len(result.results)
    assert checks.POLY is forms.POLY and sp.expand(forms.POLY - x**2 - 2 * x * y) == 0  # every binding restored
    assert checks.SEEN and all(store is None for store in checks.SEEN)  # the store is off while the checks run


def test_mutants_of_a_formula_read_but_not_compared_survive(probe):
    forms, checks = probe
    setup = _setup(forms, lambda: _claim(checks, sp.Symbol("P")))  # a statement that shows no formula
    result = mt.mutate_claim("probe.claim", setup, max_mutants=100, seed=0)
    assert result.scope == "used"
    assert set(result.formulas) == {"mutation_probe.forms.POLY", "mutation_probe.forms.UNCHECKED",
                                    "mutation_probe.forms.printed"}  # no NEVER_READ, no CONTROL_ONLY (read by no step)
    assert {r.formula for r in result.results if r.outcome == "survived"} == {"mutation_probe.forms.UNCHECKED"}
    killed = {r.formula for r in result.results if r.outcome == "killed"}
    assert killed == {"mutation_probe.forms.POLY", "mutation_probe.forms.printed"}  # a function's return value too
    assert not any("7" in r.mutation for r in result.results)  # no site from the value only the control computed
    again = mt.mutate_claim("probe.claim", setup, max_mutants=100, seed=0)
    assert [(r.formula, r.mutation, r.outcome) for r in again.results] == [
        (r.formula, r.mutation, r.outcome) for r in result.results]  # same seed, same mutants, same outcomes
    capped = mt.mutate_claim("probe.claim", setup, max_mutants=3, seed=0)
    assert capped.tested == 3 and capped.sites == result.sites


def test_a_claim_that_does_not_pass_is_not_mutated(probe):
    forms, checks = probe
    checks.POLY = x**2  # the check now refutes the claim
    result = mt.mutate_claim("probe.claim", _setup(forms, lambda: _claim(checks)))
    assert result.baseline == "REFUTED" and result.results == () and "not passing" in result.note


def test_caches_are_cleared_and_memos_found():
    calls = []

    @functools.cache
    def cached_value(n):
        calls.append(n)
        return n

    cached_value(1)
    cache = mt._cache_of(cached_value)
    assert cache is not None and cache.owner is cached_value.__wrapped__.__code__
    assert mt.clear_caches([cache], owners=set()) == 0  # not an owner asked for
    assert mt.clear_caches([cache]) == 1
    cached_value(1)
    assert calls == [1, 1]


def test_bad_arguments_raise_the_package_error():
    with pytest.raises(SymbolicVAEError, match="max_mutants"):
        mt.check_max_mutants(0)
    with pytest.raises(SymbolicVAEError, match="max_mutants"):
        mt.check_max_mutants(True)


FREE_CHECK_SOURCE = """
def free_check():
    result = prove_identity(POLY + FREE, x**2 + 2 * x * y + FREE, what="POLY + FREE")  # an engine comparison
    if result.status is Status.PROVED:
        return CheckResult(STEP_STATUS, "exact", "POLY + FREE")
    return result

def unchecked_free_check():
    UNCHECKED.free_symbols  # read, never compared
    return free_check()
"""


def _free_claim(checks: types.ModuleType, check: str, *, shown: bool) -> Claim:
    """A claim whose check compares FREE on both sides (true whatever FREE is); the statement shows POLY and FREE
    when ``shown``."""
    P, Q = sp.symbols("P Q")
    statement = (sp.Eq(P, checks.POLY), sp.Eq(Q, checks.FREE)) if shown else P
    return Claim("probe.claim", "probe", PaperRef("wz2022", "1"), statement, (Step("free", getattr(checks, check)),),
                 Control("perturbed", checks.control))


@pytest.mark.parametrize(("step_status", "check", "shown", "formula", "expected"), [
    # proved for a free symbol in place of FREE, which the engine compared: no mutant can be killed
    (Status.PROVED, "free_check", True, "FREE", "invariant"),
    (Status.PROVED, "free_check", False, "FREE", "invariant"),
    # only checked numerically: no proof that FREE is free
    (Status.CHECKED, "free_check", True, "FREE", "survived"),
    # UNCHECKED is read by the proved step but reaches no comparison
    (Status.PROVED, "unchecked_free_check", False, "UNCHECKED", "survived"),
])
def test_a_formula_the_claim_holds_for_whatever_its_value_is_invariant(probe, step_status, check, shown, formula,
                                                                       expected):
    forms, checks = probe
    forms.FREE = checks.FREE = x * y**3
    checks.STEP_STATUS = step_status
    checks.prove_identity = prove_identity
    exec(FREE_CHECK_SOURCE, checks.__dict__)
    setup = _setup(forms, lambda: _free_claim(checks, check, shown=shown))
    result = mt.mutate_claim("probe.claim", setup, max_mutants=100, seed=0)
    mutants = [r for r in result.results if r.formula == f"mutation_probe.forms.{formula}"]
    poly = [r for r in result.results if r.formula == "mutation_probe.forms.POLY"]
    assert mutants and {r.outcome for r in mutants} == {expected}
    assert poly and {r.outcome for r in poly} <= {"killed", "equivalent"}  # POLY is still under test
    if expected == "invariant":
        assert len(mutants) == 1  # once shown invariant, its other mutants are not run
        assert result.kill_rate == 1.0 and result.tested == len([r for r in poly if r.outcome != "equivalent"])
    else:
        assert result.kill_rate < 1.0  # its survivors count against the kill rate
    assert checks.FREE is forms.FREE and x * y**3 == forms.FREE  # every binding restored


def test_references_are_not_formulas_under_test(probe):
    forms, _ = probe
    forms.REFERENCES = {"POLY": "the reference the printed formula is compared with"}
    labels = [f.label for f in mt.formulas_in([forms])]
    assert "mutation_probe.forms.POLY" not in labels and "mutation_probe.forms.UNCHECKED" in labels
    assert mt.references_in([forms]) == {"mutation_probe.forms.POLY": forms.REFERENCES["POLY"]}
    forms.REFERENCES = {"MISSING": "a name the module does not bind"}
    with pytest.raises(SymbolicVAEError, match="REFERENCES"):
        mt.references_in([forms])


def test_the_entries_of_a_dict_are_mutated_one_at_a_time():
    value = {"a": x + y, "b": (x + y) * z}
    flips = [m for m in mt.mutations_of(value) if m.kind == "sign flip" and m.original == x + y]
    assert {m.entry for m in flips} == {"a", "b"}  # the shared subexpression is a site of each entry
    for m in flips:
        mutated = m.apply(value)
        other = "b" if m.entry == "a" else "a"
        assert mutated[other] == value[other] and mutated[m.entry] != value[m.entry]
        assert repr(m.entry) in m.describe()


def test_a_mutant_that_changes_one_term_of_a_sum_is_described_by_that_term():
    total = 2 * x * z + y**2 + 3
    (one_term,) = [m for m in mt.mutations_of(total)
                   if m.kind == "sign flip" and m.original == total and m.replacement == total - 2 * y**2]
    assert one_term.describe() == f"sign flip: y**2 -> -y**2 (a term of {total})"
    (whole,) = [m for m in mt.mutations_of(total) if m.kind == "sign flip" and m.replacement == -total]
    assert whole.describe() == f"sign flip: {total} -> {-total}"


DICT_CHECKS_SOURCE = """
def dict_check():
    mode = modes()
    same = sp.expand(mode["poly"] - (x**2 + 2 * x * y)) == 0
    mode["unchecked"].free_symbols  # read, never compared
    return verdict(same, "modes()['poly']")

def dict_control():
    modes()["control_only"].free_symbols  # read by the negative control only
    return verdict(False, "perturbed")
"""


def _dict_claim(checks: types.ModuleType) -> Claim:
    return Claim("probe.claim", "probe", PaperRef("wz2022", "1"), sp.Symbol("P"), (Step("dict", checks.dict_check),),
                 Control("perturbed", checks.dict_control))


def test_only_the_entries_of_a_dict_formula_the_steps_read_are_mutated(probe):
    forms, checks = probe
    exec("def modes():\n    return {'poly': x**2 + 2 * x * y, 'unchecked': x + 3 * y, 'unused': x * y + 2,\n"
         "            'control_only': x**3 + y, 'atom': x}\n", forms.__dict__)
    checks.modes = forms.modes
    exec(DICT_CHECKS_SOURCE, checks.__dict__)
    setup = _setup(forms, lambda: _dict_claim(checks))
    result = mt.mutate_claim("probe.claim", setup, max_mutants=100, seed=0)
    assert result.baseline == "PROVED" and result.formulas == ("mutation_probe.forms.modes",)
    (entries,) = result.entries
    assert entries == mt.EntryReads("mutation_probe.forms.modes", ("poly", "unchecked"), ("unused", "control_only"))
    mutated = {r.mutation.split("[", 1)[1].split("]", 1)[0] for r in result.results}
    assert mutated == {"'poly'", "'unchecked'"}  # no mutant of an entry the steps do not read
    outcomes = {e: {r.outcome for r in result.results if f"[{e!r}]" in r.mutation} for e in ("poly", "unchecked")}
    assert outcomes["poly"] <= {"killed", "equivalent"} and "killed" in outcomes["poly"]
    assert outcomes["unchecked"] == {"survived"}  # read but never compared: a survivor, counted
    assert result.tested == sum(r.outcome != "equivalent" for r in result.results) and result.kill_rate < 1.0
    assert result.sites == len(mt._lazy_mutations({k: v for k, v in forms.modes().items()
                                                   if k in ("poly", "unchecked")}))
    assert result.to_json()["entries"] == [entries.to_json()]
    assert checks.modes is forms.modes  # every binding restored


def test_the_read_recorder_counts_every_bulk_access_as_a_read_of_every_key():
    def recorder() -> tuple[dict, set]:
        reads: set = set()
        return mt._ReadRecorder({"a": x, "b": y, "c": z}, reads, [True]), reads

    d, reads = recorder()
    assert d["a"] == x and d.get("b") == y and d.get("missing") is None and "c" in d and len(d) == 3
    assert reads == {"a", "b"}  # a membership test or a length reads no value
    for bulk in (dict, lambda d: {**d}, lambda d: list(d.values()), lambda d: list(d.items()),
                 lambda d: d.copy(), lambda d: d == {}, repr):
        d, reads = recorder()
        bulk(d)
        assert reads == {"a", "b", "c"}, bulk
    off = [False]
    d = mt._ReadRecorder({"a": x}, reads := set(), off)
    assert d["a"] == x and reads == set()  # not recording (the negative control runs)


def test_the_report_lists_the_entries_no_claim_reads_as_unused():
    from symbolic_vae._report.mutation import MutationReport

    def claim(cid: str, read: tuple, unread: tuple) -> mt.ClaimMutation:
        return mt.ClaimMutation(cid, "PROVED", ("f.modes",), "used", 1, (), entries=(
            mt.EntryReads("f.modes", read, unread),))

    report = MutationReport((claim("a", ("x",), ("y", "z")), claim("b", ("y",), ("x", "z"))), 4, 0, 0.0)
    assert report.unused_entries() == {"f.modes": ("z",)}
    assert report.to_json()["unused_entries"] == {"f.modes": ["z"]}
    text = report.text()
    assert "a  f.modes: y, z" in text and "read by no claim, unused (1)" in text and "f.modes: z" in text


def test_a_formula_bound_as_a_default_argument_is_substituted_there_too(probe):
    forms, checks = probe
    exec("def default_check(poly=POLY):\n    return verdict(sp.expand(poly - (x**2 + 2 * x * y)) == 0, 'POLY')\n",
         checks.__dict__)
    claim = lambda: Claim("probe.claim", "probe", PaperRef("wz2022", "1"), STATEMENT,  # noqa: E731
                          (Step("default", lambda: checks.default_check()),), Control("perturbed", checks.control))
    original, flipped = forms.POLY, -forms.POLY
    with mt.substituted(original, flipped, ("mutation_probe",)) as count:
        assert count >= 3 and checks.default_check.__defaults__ == (flipped,)  # two names and one default
    assert checks.default_check.__defaults__ == (original,) and forms.POLY is original  # restored
    result = mt.mutate_claim("probe.claim", _setup(forms, claim), max_mutants=100, seed=0)
    assert result.formulas == ("mutation_probe.forms.POLY",) and result.kill_rate == 1.0


def test_the_report_shows_the_reason_a_claim_gives_for_a_survivor_and_only_for_a_matching_one():
    from symbolic_vae._report.mutation import MutationReport

    survived = (mt.MutantResult("f.KAPPA", "sign flip: k -> -k", "sign flip", "survived", "PROVED", 0.1),
                mt.MutantResult("f.OTHER", "sign flip: o -> -o", "sign flip", "survived", "PROVED", 0.1))
    report = MutationReport((mt.ClaimMutation("a", "PROVED", ("f.KAPPA", "f.OTHER"), "used", 2, survived),), 4, 0,
                            0.0, explanations={"a": (("f.KAPPA: sign", "only its square is read"),)})
    assert report.explanation("a", survived[0]) == "only its square is read"
    assert report.explanation("a", survived[1]) is None and report.explained == 1
    assert [s["explanation"] for s in report.to_json()["survivors"]] == ["only its square is read", None]
    text = report.text()
    assert "survivors (2; 1 explained by their claim)" in text and "    explained: only its square is read" in text


def test_a_survivor_explanation_needs_a_pattern_and_a_reason():
    from symbolic_vae._core.claim import explain_survivors

    claim = Claim("probe.claim", "probe", PaperRef("wz2022", "1"), STATEMENT, (Step("s", lambda: None),),
                  Control("perturbed", lambda: None))
    (explained,) = explain_survivors([claim], {"probe.claim": (("f.KAPPA", "why"),)})
    assert explained.surviving_mutants == (("f.KAPPA", "why"),)
    with pytest.raises(AssertionError):
        explain_survivors([claim], {"probe.claim": (("f.KAPPA", ""),)})
    with pytest.raises(AssertionError):
        explain_survivors([claim], {"other.claim": (("f.KAPPA", "why"),)})
