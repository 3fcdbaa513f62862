"""The fuzz suite of the public library API: hypothesis corrupts one argument of one entry point at a time (every
entry of ``public_entries.ENTRIES``: each kernel, ``per_latent``, ``surviving_modes``, ``minimal_loss``,
``check_spectrum``, ``collapse_threshold``, ``whiten``, ``thresholds``, ``vae_loss``; then ``plot_all`` and the
testing API's ``check_identity``) with NaN, inf, signed zeros, subnormals, +-1e300, wrong dtypes, wrong ranks,
empty and mismatched shapes, unsorted spectra, lists, tensors and bad sizes. The only outcomes allowed:

- ``SymbolicVAEError`` whose message starts with one of the entry's argument names and names the corrupted one;
- a finite answer (NaN only where documented: ``optimal_decoder_variance`` without a minimizer) that equals the
  answer at the canonical float64 value when the corruption is lossless (a list, a tensor, float32, integers,
  -0.0), and on which the numpy and torch backends agree to 1e-12 relative.

A corruption that is certainly invalid (a non-finite entry, a wrong dtype, a value outside the documented range,
a negative spectrum, an empty array, an unsorted spectrum, a bad size) must raise. Each call is counted in
``TALLY``; ``scripts/fuzz_figures.py`` runs the same properties with more examples and prints the figures. The
examples are derandomized (the suite does not depend on the machine); ``SYMBOLIC_VAE_FUZZ_EXAMPLES`` sets the
count per entry. Correctness against an mpmath evaluation at random valid inputs is the backend property test's
(``test_backend_agreement.py``)."""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from public_entries import ENTRIES, SOURCES, built_kernel

import symbolic_vae as sv
from symbolic_vae import Status, SymbolicVAEError
from symbolic_vae._core import validation as val
from symbolic_vae._model.data import MAX_DATA_ENTRY
from symbolic_vae.testing import check_identity

torch = pytest.importorskip("torch")

EXAMPLES = int(os.environ.get("SYMBOLIC_VAE_FUZZ_EXAMPLES", "30"))
TALLY: Counter[str] = Counter()
"""Outcomes by kind: "invalid", "invalid named", "lossless", "maybe", "valid", "accepted", "non-finite",
"disagreement", "raw exception", "invalid accepted", "invalid unnamed"."""
RTOL = 1e-12
DERANDOMIZE = os.environ.get("SYMBOLIC_VAE_FUZZ_RANDOM", "0") in ("", "0")

LINEAR_KINDS = {"positive", "spectrum", "real"}
"""Kinds whose supported magnitudes are [MIN_POSITIVE, MAX_MAGNITUDE]; the others are quadratic ([1e-60, 1e60])."""
NON_NEGATIVE_KINDS = {"positive", "variance", "non-negative", "spectrum", "eigenvalues"}
ARRAY_KINDS = {"spectrum", "eigenvalues", "data", "moment", "cross moment", "real", "positive", "variance",
               "non-negative"}


@dataclass(frozen=True)
class Corruption:
    """A drawn value for one argument: ``expect`` is "invalid" (must raise), "lossless" (must give the answer at
    ``canonical``) or "maybe" (either outcome, judged by the rules above)."""

    value: Any
    label: str
    expect: str
    canonical: Any = None


def _upper(kind: str) -> float:
    if kind == "data":
        return MAX_DATA_ENTRY
    return val.MAX_MAGNITUDE if kind in LINEAR_KINDS else val.MAX_QUADRATIC


def _lower(kind: str) -> float:
    if kind == "spectrum":
        return val.MIN_NONZERO_SPECTRUM
    if kind == "eigenvalues":
        return val.MIN_NONZERO_SPECTRUM_QUADRATIC
    return val.MIN_POSITIVE if kind in LINEAR_KINDS else val.MIN_POSITIVE_QUADRATIC


def _fill_expectation(kind: str, x: float) -> str:
    """Whether an argument of ``kind`` filled with ``x`` (every entry) is certainly invalid."""
    if not math.isfinite(x) or abs(x) > _upper(kind) * 10:
        return "invalid"
    if kind in NON_NEGATIVE_KINDS and x < 0:
        return "invalid"
    if kind in {"positive", "variance"} and x == 0:
        return "invalid"
    if kind in {"positive", "variance", "spectrum", "eigenvalues"} and 0 < abs(x) < _lower(kind) / 10:
        return "invalid"
    return "maybe"


OPTIONAL_ARRAYS = {"Y"}
"""Array arguments for which None is valid (Y = None: the targets are the inputs)."""
SPECIALS = (math.nan, math.inf, -math.inf, 0.0, -0.0, 5e-324, 2.2250738585072014e-308, 1e-300, 1e-45, -1.0, 1e45,
            1e75, 1e300, -1e300)


@st.composite
def numeric_corruptions(draw: st.DrawFn, name: str, kind: str, valid: Any) -> Corruption:
    arr = np.asarray(valid, dtype=np.float64)
    choice = draw(st.sampled_from(["fill", "entry", "dtype", "rank", "empty", "shape", "lossless", "unsorted",
                                   "not a number"]))
    if choice == "fill":
        x = draw(st.sampled_from(SPECIALS))
        value = np.full(arr.shape, x) if arr.ndim else x
        if x == 0 and math.copysign(1, x) < 0 and _fill_expectation(kind, 0.0) == "maybe":
            return Corruption(value, "-0.0", "lossless", np.abs(value) if arr.ndim else 0.0)
        return Corruption(value, f"fill {x!r}", _fill_expectation(kind, x))
    if choice == "entry" and arr.ndim:
        x = draw(st.sampled_from([math.nan, math.inf, -math.inf, 1e300, -1e300]))
        out = arr.copy()
        index = tuple(draw(st.integers(0, n - 1)) for n in arr.shape)
        out[index] = x
        return Corruption(out, f"entry {x!r}", "invalid")
    if choice == "dtype":
        bad = draw(st.sampled_from(["bool", "complex", "object", "string", "bytes", "datetime", "None", "dict",
                                    "ragged", "complex scalar", "text"]))
        value = {"bool": lambda: arr.astype(bool) if arr.ndim else True,
                 "complex": lambda: arr.astype(complex) + 1j,
                 "object": lambda: np.array(arr.tolist(), dtype=object) if arr.ndim else np.array(None, object),
                 "string": lambda: arr.astype(str), "bytes": lambda: arr.astype(bytes),
                 "datetime": lambda: np.full(arr.shape, np.datetime64("2020-01-01")),
                 "None": lambda: None, "dict": lambda: {"value": 1.0}, "ragged": lambda: [[1.0], [1.0, 2.0]],
                 "complex scalar": lambda: 1 + 1j, "text": lambda: "1.0"}[bad]()
        optional = bad == "None" and name in OPTIONAL_ARRAYS
        return Corruption(value, f"dtype {bad}", "maybe" if optional else "invalid")
    if choice == "rank":
        if kind in {"spectrum", "eigenvalues", "data"} and arr.ndim:
            return Corruption(float(arr.flat[0]), "rank 0", "invalid")
        if kind == "data":
            return Corruption(arr[..., None, None], "rank 4", "invalid")
        return Corruption(arr[None, None, ..., None] if arr.ndim else arr[None, None], "more axes", "maybe")
    if choice == "empty":
        shape = arr.shape[:-1] + (0,) if arr.ndim else (0,)
        return Corruption(np.zeros(shape), f"empty {shape}", "invalid")
    if choice == "shape":
        shape = tuple(draw(st.lists(st.integers(1, 5), min_size=0, max_size=3)))
        return Corruption(np.full(shape, 0.75), f"shape {shape}", "maybe")
    if choice == "unsorted" and kind in {"spectrum", "eigenvalues"} and arr.shape[-1] > 1:
        reversed_ = arr[..., ::-1].copy()
        reversed_[..., -1] += 1.0  # strictly increasing at the end, whatever the ties
        return Corruption(reversed_, "unsorted", "invalid")
    if choice == "not a number":
        return Corruption(draw(st.sampled_from(["abc", b"1", object()])), "not a number", "invalid")
    # lossless forms of the valid value
    form = draw(st.sampled_from(["list", "tensor", "tensor requires grad", "float32", "numpy scalar", "int"]))
    if form == "list":
        return Corruption(arr.tolist(), "list", "lossless", arr)
    if form.startswith("tensor"):
        return Corruption(torch.tensor(arr, requires_grad=form.endswith("grad")), form, "lossless", arr)
    if form == "float32":
        single = arr.astype(np.float32)
        return Corruption(single, "float32", "lossless", single.astype(np.float64))
    if form == "int" and np.array_equal(arr, np.round(arr)) and np.abs(arr).max(initial=0) < 2**31:
        return Corruption(arr.astype(np.int64), "int", "lossless", arr)
    return Corruption(np.float64(arr) if not arr.ndim else arr.copy(), "numpy", "lossless", arr)


@st.composite
def size_corruptions(draw: st.DrawFn, name: str, valid: int) -> Corruption:
    bad = draw(st.sampled_from([2.7, math.inf, math.nan, 10**18, 0, -1, True, "2", 3.0, np.array([2]), -(10**30),
                                val.MAX_DIMENSION + 1, None, np.int64(valid), np.int32(valid)]))
    if isinstance(bad, np.integer):
        return Corruption(bad, "numpy integer", "lossless", valid)
    if bad is None:
        return Corruption(bad, "None", "maybe" if name == "latent_dim" else "invalid")
    return Corruption(bad, f"size {bad!r}", "invalid")


@st.composite
def corruptions(draw: st.DrawFn, name: str, valid: Any, kind: str) -> Corruption:
    if kind == "size":
        return draw(size_corruptions(name, valid))
    if kind == "flag":
        bad = draw(st.sampled_from([1, 0, "yes", None, np.array([True]), 2.0]))
        if isinstance(bad, np.ndarray):
            return Corruption(bad, "array flag", "invalid")
        return Corruption(bad, f"flag {bad!r}", "invalid")
    if kind == "text":
        return Corruption(draw(st.sampled_from([1, None, b"abc", 2.5])), "text", "invalid")
    return draw(numeric_corruptions(name, kind, valid))


def _result_arrays(entry: str, out: Any) -> dict[str, np.ndarray]:
    if entry == "thresholds":
        return {"zeta": out.zeta, "sigma_star": out.sigma_star, "residual": np.asarray(out.residual)}
    if entry == "whiten":
        return {f: getattr(out, f) for f in ("A", "B", "S_yy", "P_A", "phi", "Z", "zeta", "mean_x", "mean_y")}
    if entry == "diagnose":
        return {f: np.array([getattr(u, f) for u in out.units], dtype=np.float64)
                for f in ("kl", "mean_variance", "collapse_beta")} | {"collapse_beta_theory": out.theory.collapse_beta}
    return {"value": np.asarray(out, dtype=np.float64)}


def _documented_nan(entry: str, values: list[Any], args: list[Any]) -> np.ndarray | None:
    """Where ``optimal_decoder_variance`` is NaN by definition (no minimizer), else None."""
    if entry != "kernel(optimal_decoder_variance)":
        return None
    regime = _call_with(sv.kernel("decoder_variance_regime"), args, values)
    return np.asarray(regime) == sv.DecoderVarianceRegime.NO_MINIMIZER


def _call_with(fn: Any, args: list[Any], values: list[Any], **extra: Any) -> Any:
    positional = [v for v, a in zip(values, args, strict=True) if not a[3]]
    keywords = {a[0]: v for v, a in zip(values, args, strict=True) if a[3]} | extra
    return fn(*positional, **keywords)


def _torch_twin(entry: str) -> Any | None:
    """The same entry on the torch backend, where it has one."""
    if entry.startswith("kernel("):
        return sv.kernel(entry[len("kernel("):-1], "torch")
    if entry == "minimal_loss":
        return lambda *a, **k: sv.minimal_loss(*a, backend="torch", **k)
    return None


def outcome(label: str, call: Callable[[], Any], *, expect: str,
            names_it: Callable[[str], bool]) -> tuple[bool, Any]:
    """Run ``call()`` under the rules of this module and count the outcome in TALLY: a SymbolicVAEError must name
    the argument (``names_it(message)``) and may only come from an input that ``expect``s it ("invalid", or "maybe");
    any other exception fails; an "invalid" input must not be accepted. Returns (raised, the error or the result)."""
    try:
        result = call()
    except SymbolicVAEError as err:
        named = names_it(str(err))
        if expect == "invalid":
            TALLY["invalid named" if named else "invalid unnamed"] += 1
        assert named, f"{label}: the message does not name the argument: {err}"
        assert expect in ("invalid", "maybe"), f"{label} ({expect}) raised: {err}"
        return True, err
    except Exception as err:  # noqa: BLE001 - any other exception is the defect this suite looks for
        TALLY["raw exception"] += 1
        raise AssertionError(f"{label}: {type(err).__name__}: {err}") from err
    if expect == "invalid":
        TALLY["invalid accepted"] += 1
        raise AssertionError(f"{label} was accepted (returned {result!r})")
    TALLY["accepted"] += 1
    return False, result


def judge(entry: str, position: int, corruption: Corruption) -> str:
    """Call ``entry`` with argument ``position`` replaced by the corruption and assert the rules of this module;
    returns the outcome ("named error" or "answer") and counts it in TALLY."""
    fn, args = ENTRIES[entry]
    name = args[position][0]
    values = [corruption.value if i == position else a[1] for i, a in enumerate(args)]
    TALLY[corruption.expect] += 1
    label = f"{entry}, {name} = {corruption.label}"

    def names_it(message: str) -> bool:
        first = message.split(":", 1)[0]
        return (first in {a[0] for a in args} and "--" not in first
                and re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", message) is not None)

    raised, out = outcome(label, lambda: _call_with(fn, args, values), expect=corruption.expect, names_it=names_it)
    if raised:
        return "named error"
    got = _result_arrays(entry, out)
    nan_ok = _documented_nan(entry, values, args)
    for field, arr in got.items():
        bad = ~np.isfinite(arr)
        if nan_ok is not None:
            bad &= ~(np.isnan(arr) & nan_ok)
        if bad.any():
            TALLY["non-finite"] += 1
            raise AssertionError(f"{entry}, {name} = {corruption.label}: {field} is not finite: {arr}")
    if corruption.expect == "lossless":
        canonical = [corruption.canonical if i == position else a[1] for i, a in enumerate(args)]
        want = _result_arrays(entry, _call_with(fn, args, canonical))
        for field, arr in got.items():
            np.testing.assert_allclose(arr, want[field], rtol=RTOL, atol=0, equal_nan=True,
                                       err_msg=f"{entry}, {name} = {corruption.label} vs its float64 value")
    twin = _torch_twin(entry)
    if twin is not None:
        other = np.asarray(_call_with(twin, args, values), dtype=np.float64)
        mine = got["value"]
        close = np.isclose(other, mine, rtol=RTOL, atol=0, equal_nan=True) | (other == mine)
        if other.shape != mine.shape or not close.all():
            TALLY["disagreement"] += 1
            raise AssertionError(f"{entry}, {name} = {corruption.label}: torch {other} vs numpy {mine}")
    return "answer"


FUZZ_SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=DERANDOMIZE, database=None,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
                         print_blob=True)


@pytest.fixture(scope="module", autouse=True)
def built_kernels() -> None:
    """Every kernel built before the fuzzing (the first build in a process computes its claim's verdict)."""
    for name in SOURCES:
        built_kernel(name)


@pytest.mark.parametrize("entry", sorted(ENTRIES))
@FUZZ_SETTINGS
@given(data=st.data())
def test_fuzz_one_argument(entry: str, data: st.DataObject) -> None:
    _, args = ENTRIES[entry]
    position = data.draw(st.integers(0, len(args) - 1), label="argument")
    name, valid, kind, _ = args[position]
    corruption = data.draw(corruptions(name, valid, kind), label=name)
    judge(entry, position, corruption)


def test_lossless_forms_give_the_float64_answer() -> None:
    """A direct instance of the lossless rule (so the rule itself is exercised whatever hypothesis draws)."""
    entry = "kernel(sigma_star)"
    zeta = ENTRIES[entry][1][0][1]
    for corruption in (Corruption(zeta.tolist(), "list", "lossless", zeta),
                       Corruption(torch.tensor(zeta, requires_grad=True), "tensor", "lossless", zeta),
                       Corruption(-np.zeros_like(zeta), "-0.0", "lossless", np.zeros_like(zeta))):
        assert judge(entry, 0, corruption) == "answer"


def test_the_judge_fails_a_wrong_outcome() -> None:
    """The rules can fail: an accepted invalid value, an error naming another argument and a raw exception."""
    entry = "kernel(sigma_star)"
    with pytest.raises(AssertionError, match="was accepted"):
        judge(entry, 1, Corruption(2.0, "a valid beta called invalid", "invalid"))
    with pytest.raises(AssertionError, match="eta_enc = a valid eta_enc: the message does not name the argument"):
        ENTRIES["wrong name"] = (lambda *a, **k: sv.kernel("sigma_star")(*a, **{**k, "beta": -1.0}),
                                 ENTRIES[entry][1])
        try:
            judge("wrong name", 2, Corruption(1.0, "a valid eta_enc", "maybe"))
        finally:
            del ENTRIES["wrong name"]
    ENTRIES["raw"] = (lambda *a, **k: np.linalg.inv(np.zeros((2, 2))), ENTRIES[entry][1])
    try:
        with pytest.raises(AssertionError, match="LinAlgError"):
            judge("raw", 0, Corruption(ENTRIES[entry][1][0][1], "valid", "maybe"))
    finally:
        del ENTRIES["raw"]


# --- the testing API ------------------------------------------------------------------------------------------------
x_, s_ = sp.symbols("x s")
TRUE_IDENTITY = (sp.log(s_**2), 2 * sp.log(s_), {s_: "positive"})
"""log(s^2) = 2 log(s) for s > 0: true, so no valid setting of the other arguments may refute it."""
TESTING_BAD = {
    "lhs": [sp.zoo, sp.oo, sp.nan, float("nan"), float("inf"), object(), "log(s**2)", b"x", [1, 2], sp.Eq(x_, 1),
            x_ > 1, True, sp.Matrix([[s_, 1]]), lambda q: q],
    "assumptions": [{s_: "postive"}, {s_: 1}, "positive", [s_], {s_: ["positive", "negative"]}, {"s": "positive"},
                    {x_ + 1: "positive"}],
    "constraints": ["s > 0", ["s > 0"], [True], [sp.false], [s_ + 1], s_ + 1, [x_ > 0]],
    "n_points": [0, -3, True, 2.0, 10**9, "12", None],
    "seed": ["a", -1, 2**63, True, 1.5, None],
}
TESTING_VALID = {"n_points": [1, 3, 12], "seed": [0, 1, 2**31], "constraints": [[s_ > 1], (s_ < 5,)],
                 "assumptions": [{s_: "positive"}, {s_: ["positive", "real"]}]}


@settings(max_examples=max(EXAMPLES // 2, 1), deadline=None, derandomize=DERANDOMIZE, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fuzz_the_testing_api(data: st.DataObject) -> None:
    """``check_identity`` with one corrupted argument: SymbolicVAEError naming it, or (a valid value) a verdict that
    never refutes the true identity."""
    lhs, rhs, assumptions = TRUE_IDENTITY
    kwargs: dict[str, Any] = {"assumptions": assumptions}
    name = data.draw(st.sampled_from(sorted(TESTING_BAD)), label="argument")
    valid = name in TESTING_VALID and data.draw(st.booleans(), label="valid")
    value = data.draw(st.sampled_from(TESTING_VALID[name] if valid else TESTING_BAD[name]), label=name)
    if name == "lhs":
        side = data.draw(st.sampled_from(["lhs", "rhs"]), label="side")
        lhs, rhs, name = (value, rhs, side) if side == "lhs" else (lhs, value, side)
    else:
        kwargs[name] = value
    TALLY["valid" if valid else "invalid"] += 1
    def names_it(message: str) -> bool:
        return (message.split(":", 1)[0] in {"lhs", "rhs", *TESTING_BAD}
                and re.search(rf"(?<!\w){name}(?!\w)", message) is not None)

    raised, result = outcome(f"check_identity, {name} = {value!r}", lambda: check_identity(lhs, rhs, **kwargs),
                             expect="valid" if valid else "invalid", names_it=names_it)
    if raised:
        return
    assert result.status is not Status.REFUTED, f"a true identity refuted with {name} = {value!r}: {result.summary}"


# --- plot_all: the same rules, and a failing call writes nothing ---------------------------------------------------
PLOT_ARGS: list[tuple[str, Any, str, bool]] = [
    ("zeta", np.array([3.0, 2.0, 1.0]), "spectrum", False), ("eta_enc", 1.0, "positive", True),
    ("eta_dec", 1.0, "positive", True), ("latent_dim", 2, "size", True), ("target_dim", 3, "size", True),
    ("residual", 0.0, "non-negative", True), ("force", False, "flag", True),
]
PLOT_EXAMPLES = max(EXAMPLES // 3, 1)


@settings(max_examples=PLOT_EXAMPLES, deadline=None, derandomize=DERANDOMIZE, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzz_plot_all(data: st.DataObject, tmp_path_factory: pytest.TempPathFactory) -> None:
    """``plot_all`` with one corrupted argument: SymbolicVAEError naming it and nothing written, or the three
    figures (the figures gate on their claims' verdicts, computed once per process)."""
    position = data.draw(st.integers(0, len(PLOT_ARGS) - 1), label="argument")
    name, valid, kind, _ = PLOT_ARGS[position]
    corruption = data.draw(corruptions(name, valid, kind), label=name)
    if name in ("latent_dim", "target_dim") and corruption.label == "None":
        corruption = Corruption(None, "None", "maybe")  # None: d1 = d, d2 = d
    out = tmp_path_factory.mktemp("plots") / "figures"
    kwargs = {a[0]: (corruption.value if i == position else a[1]) for i, a in enumerate(PLOT_ARGS)}
    TALLY[corruption.expect] += 1
    zeta = kwargs.pop("zeta")
    raised, results = outcome(f"plot_all, {name} = {corruption.label}", lambda: sv.plot_all(out, zeta, **kwargs),
                              expect=corruption.expect,
                              names_it=lambda message: re.search(rf"(?<![\w-]){name}(?![\w-])", message) is not None)
    if raised:
        assert not out.exists() or not any(out.iterdir()), f"plot_all failed but wrote {list(out.iterdir())}"
        return
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(r.path.name for r in results if r.path is not None) and written, written
