"""The verdict store: what its key covers, that an entry reads back as the verdict it stored (and anything else is a
miss), and that a verdict is computed once: reused by the next process on the same code and seed, recomputed when
a source file changes, the seed changes or ``--recompute`` is given."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import symbolic_vae as sv
from symbolic_vae._core import stop_signals
from symbolic_vae._engine import runner as _runner
from symbolic_vae._engine import store as _store
from symbolic_vae._report.ledger import without_timing

ROOT = Path(__file__).resolve().parents[2]
FAST = ("elbo.kl_split", "globalmin.von_neumann_sorted")


def _counting_claim(calls: list[int], claim_id: str = "toy.store_counted") -> sv.Claim:
    """A claim whose step counts its calls (proved by an exact check) with a control that is refuted."""
    def step() -> sv.CheckResult:
        calls.append(1)
        return sv.CheckResult(sv.Status.PROVED, "exact", "1 + 1 = 2")

    def control() -> sv.CheckResult:
        cx = sv.Counterexample({"x": "1"}, "2", "3", 30)
        return sv.CheckResult(sv.Status.REFUTED, "exact", "1 + 1 != 3", counterexample=cx)

    return sv.Claim(claim_id, "one and one", sv.PaperRef("wz2022", "toy"), "1 + 1 = 2",
                    (sv.Step("exact arithmetic", step),), sv.Control("2 -> 3", control))


# --- the key -------------------------------------------------------------------------------------------------------
def test_the_key_covers_claim_source_versions_backend_and_seed(monkeypatch):
    base = _store.key_fields("a.claim", "", 1)
    assert set(base) == {"format", "claim", "source", "versions", "backend", "seed"}
    assert set(base["versions"]) == {"python", *_store.KEYED_VERSIONS}
    key = _store.verdict_key(base)
    assert key == _store.verdict_key(dict(base)) and len(key) == 64
    changed = [{**base, "claim": "b.claim"}, {**base, "backend": "torch"}, {**base, "seed": 2},
               {**base, "source": "0" * 64}, {**base, "versions": {**base["versions"], "sympy": "0.0"}},
               {**base, "format": base["format"] + 1}]
    assert len({key, *(_store.verdict_key(f) for f in changed)}) == 1 + len(changed)


def test_source_hash_follows_content_not_dates(tmp_path):
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "a.py").write_text("x = 1\n")
    (package / "sub" / "b.py").write_text("y = 2\n")
    before = _store.source_hash((package,))
    (package / "a.py").touch()
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\0compiled")
    assert _store.source_hash((package,)) == before
    (package / "sub" / "b.py").write_text("y = 3\n")
    assert _store.source_hash((package,)) != before
    (package / "sub" / "b.py").write_text("y = 2\n")
    assert _store.source_hash((package,)) == before
    (package / "c.py").write_text("")
    assert _store.source_hash((package,)) != before


def test_the_source_hash_covers_both_packages():
    roots = _store.package_roots()
    assert [r.name for r in roots] == ["symbolic_vae", "numeric_backend"]
    assert _store.key_fields("x", "", 0)["source"] == _store.source_hash(roots)


# --- entries -------------------------------------------------------------------------------------------------------
def _verdict(status: sv.Status = sv.Status.PROVED) -> sv.Verdict:
    return sv.run_claim(_counting_claim([])) if status is sv.Status.PROVED else sv.Verdict(
        "toy.store_counted", status, "none", "undecided", ())


def test_an_entry_reads_back_as_the_verdict_it_stored(tmp_path):
    store = _store.VerdictStore(tmp_path)
    fields = _store.key_fields("toy.store_counted", "", 0)
    key = _store.verdict_key(fields)
    verdict = _verdict()
    saved = store.save(key, fields, verdict)
    assert saved.origin.computed and saved.origin.key == key and saved.origin.date
    loaded = store.load(key, "toy.store_counted")
    assert loaded == verdict and loaded.to_json()["checks"] == verdict.to_json()["checks"]
    assert not loaded.origin.computed and loaded.origin.key == key and loaded.origin.date == saved.origin.date
    entry = json.loads(store.path(key).read_text())
    assert entry["fields"] == fields and "store" not in entry["verdict"]
    assert store.load(key, "another.claim") is None
    assert _store.VerdictStore(tmp_path, read=False).load(key, "toy.store_counted") is None
    assert [e["claim"] for e in store.entries()] == ["toy.store_counted"]
    assert store.clear() == 1 and store.load(key, "toy.store_counted") is None


@pytest.mark.parametrize("content", ["", "not json", "[1, 2]", '{"format": 1}', "\x80\x81 binary",
                                     '{"format": 1, "key": "KEY", "date": "d", "verdict": {"claim": 3}}',
                                     "cos\nsystem\n(S'echo pwned'\ntR."])
def test_an_entry_that_is_not_exactly_a_stored_verdict_is_a_miss(tmp_path, content):
    store = _store.VerdictStore(tmp_path)
    key = "ab" + "0" * 62
    store.path(key).parent.mkdir(parents=True)
    store.path(key).write_text(content.replace("KEY", key), errors="surrogateescape")
    assert store.load(key, "toy.store_counted") is None


def test_inconclusive_verdicts_and_verdicts_under_a_stop_signal_are_not_stored(tmp_path, monkeypatch):
    store = _store.VerdictStore(tmp_path)
    fields = _store.key_fields("toy.store_counted", "", 0)
    key = _store.verdict_key(fields)
    kept = store.save(key, fields, _verdict(sv.Status.INCONCLUSIVE))
    assert kept.origin.computed and kept.origin.key is None
    assert store.load(key, "toy.store_counted") is None
    monkeypatch.setattr(stop_signals, "RECEIVED", ["SIGINT"])
    assert store.save(key, fields, _verdict()).origin.key is None
    assert store.load(key, "toy.store_counted") is None


def test_the_store_can_be_turned_off_and_moved(monkeypatch, tmp_path):
    monkeypatch.setenv("SYMBOLIC_VAE_CACHE_DIR", str(tmp_path))
    assert _store.verdict_store().root == tmp_path / "verdicts"
    assert _store.verdict_store(root=tmp_path / "elsewhere").root == tmp_path / "elsewhere"
    with pytest.raises(sv.SymbolicVAEError, match="root"):
        _store.verdict_store(root="  ")
    monkeypatch.setenv("SYMBOLIC_VAE_STORE", "off")
    assert _store.verdict_store() is None


# --- computed once -------------------------------------------------------------------------------------------------
def test_a_stored_verdict_is_computed_once_and_recomputed_when_the_code_changes(tmp_path, monkeypatch):
    calls: list[int] = []
    claim = _counting_claim(calls)
    store = _store.VerdictStore(tmp_path)

    def new_process() -> None:
        monkeypatch.setattr(_runner, "_VERDICTS", {})

    new_process()
    first = _runner.verdict_of(claim, store=store)
    assert first.origin.computed and len(calls) == 1
    new_process()
    again = _runner.verdict_of(claim, store=store)
    assert len(calls) == 1 and not again.origin.computed and again == first
    new_process()
    monkeypatch.setattr(_store, "_process_source_hash", lambda: "f" * 64)  # another version of the code
    assert _runner.verdict_of(claim, store=store).origin.computed and len(calls) == 2
    new_process()
    assert _runner.verdict_of(claim, store=dataclasses.replace(store, read=False)).origin.computed
    assert len(calls) == 3
    new_process()
    assert _runner.verdict_of(claim).origin.computed and len(calls) == 4  # without a store


def test_a_callers_claim_with_a_builtin_id_is_never_stored(tmp_path, monkeypatch):
    """The key covers the package's code: a claim defined elsewhere, even under a built-in id, is not stored."""
    monkeypatch.setenv("SYMBOLIC_VAE_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(_runner, "_VERDICTS", {})
    calls: list[int] = []
    impostor = _counting_claim(calls, FAST[0])
    (verdict,) = sv.verify([impostor])
    assert verdict.origin.key is None and len(calls) == 1
    assert not list((tmp_path / "verdicts").glob("??/*.json"))


# --- through the command line, in new processes ---------------------------------------------------------------------
def _verify(source: Path, cache: Path, *options: str) -> dict:
    """A ``verify`` of FAST in a new process importing the packages from ``source``; its ledger."""
    out = cache.parent / "ledger.json"
    command = [sys.executable, "-m", "symbolic_vae", "verify", *(a for c in FAST for a in ("--claim", c)),
               "--json", str(out), "--force", "--quiet", *options]
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(source), "SYMBOLIC_VAE_CACHE_DIR": str(cache),
           "SYMBOLIC_VAE_TORCH_AOT": "0", "HOME": str(cache.parent)}
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, cwd=cache.parent)
    assert result.returncode == 0, result.stderr
    return json.loads(out.read_text())


def _origins(ledger: dict) -> list[str]:
    return [c["store"]["origin"] for c in ledger["claims"]]


def _copy_of_the_source(tmp_path: Path) -> Path:
    """A copy of both packages under ``tmp_path`` (so that a test can edit a source file)."""
    source = tmp_path / "source"
    for package in ("symbolic_vae", "numeric_backend"):
        shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    return source


def test_a_new_process_reuses_until_a_source_file_changes(tmp_path):
    source, cache = _copy_of_the_source(tmp_path), tmp_path / "cache"
    first = _verify(source, cache)
    assert _origins(first) == ["computed", "computed"]
    again = _verify(source, cache)
    assert _origins(again) == ["reused", "reused"]
    assert [c["store"]["key"] for c in again["claims"]] == [c["store"]["key"] for c in first["claims"]]
    assert [c["store"]["date"] for c in again["claims"]] == [c["store"]["date"] for c in first["claims"]]
    assert without_timing(again["claims"]) == without_timing(first["claims"])
    assert _origins(_verify(source, cache, "--seed", "3")) == ["computed", "computed"]
    assert _origins(_verify(source, cache, "--recompute")) == ["computed", "computed"]
    (source / "numeric_backend" / "__init__.py").touch()
    assert _origins(_verify(source, cache)) == ["reused", "reused"]
    with (source / "numeric_backend" / "__init__.py").open("a") as handle:
        handle.write("# an edit\n")
    edited = _verify(source, cache)
    assert _origins(edited) == ["computed", "computed"]
    assert [c["store"]["key"] for c in edited["claims"]] != [c["store"]["key"] for c in first["claims"]]


# --- campaigns: values that read back exactly ----------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class _Foreign:
    """A dataclass outside the packages: never read back from a store."""

    x: int


def _values() -> list:
    import fractions

    import numpy as np
    import torch

    from numeric_backend import MultistartResult

    nan = np.frombuffer(bytes.fromhex("010000000000f8ff"), dtype=np.float64)  # a NaN with a payload, sign set
    frozen = np.arange(6.0).reshape(2, 3)
    frozen.setflags(write=False)
    result = MultistartResult(
        best_params=torch.zeros(2, 3, dtype=torch.float64), best_loss=torch.tensor([1.0, 2.0]),
        best_converged=torch.tensor([True, True]), n_starts_converged=torch.tensor([2, 1]),
        n_starts_at_best=torch.tensor([1, 1]), spread=torch.tensor([0.5, 0.0]),
        loss=torch.tensor([[1.0, 1.5], [2.0, float("inf")]]), converged=torch.tensor([[True, True], [True, False]]),
        seed=7, criterion="grad", failed=torch.tensor([[False, False], [False, True]]), failures={"nan": 1})
    return [None, True, 3, 2**80, -0.0, 1e-310, float("inf"), float("nan"), "text", [1, (2, 3.5)],
            {"a": 1, (1, 2): [0.1]}, fractions.Fraction(-3, 7), np.float32(0.1), np.int64(-4), np.bool_(True),
            np.array([[1.0, np.nan], [-np.inf, -0.0]]), np.asfortranarray(np.arange(6.0).reshape(2, 3)), frozen,
            np.array([nan[0], 1.0]), np.zeros((0, 3), dtype=np.int32), np.array(2.5), np.array([True, False]),
            sv.Status.REFUTED, sv.CheckResult(sv.Status.CHECKED, "numeric", "ok", {"worst": 1e-12}), result,
            np.arange(24.0).reshape(2, 3, 4).transpose(1, 0, 2), np.arange(24.0).reshape(4, 6)[:, 1:4:2],
            np.broadcast_to(np.arange(3.0), (4, 3)), frozenset({"a", 1, (2, 3)}), {1.5, 2.5}]


def test_a_campaign_value_reads_back_exactly():
    for value in _values():
        encoded = _store.as_json_exactly(value)
        back = _store.decode_value(json.loads(json.dumps(encoded, allow_nan=False)))
        assert _store.same_value(value, back), value
    payload = _store.decode_value(_store.as_json_exactly(_values()[18]))
    assert payload.tobytes() == _values()[18].tobytes()  # the NaN payload and sign came back
    assert _store.decode_value(_store.as_json_exactly(_values()[16])).flags.f_contiguous


def test_same_value_tells_types_bits_and_layouts_apart():
    import numpy as np

    a = np.arange(6.0).reshape(2, 3)
    for x, y in [(1, 1.0), (1, True), ((1,), [1]), (0.0, -0.0), (np.float64(1), 1.0), (a, np.asfortranarray(a)),
                 (a, a.astype(np.float32)), (a, a.reshape(3, 2)), ({"a": 1, "b": 2}, {"b": 2, "a": 1}),
                 (np.array([np.nan]), np.array([-np.nan]))]:
        assert not _store.same_value(x, y), (x, y)
    assert _store.same_value(np.array([np.nan]), np.array([np.nan]))


def test_a_sympy_expression_reads_back_as_the_same_tree_with_the_same_symbols():
    import sympy as sp

    x, n = sp.Symbol("x", positive=True), sp.Symbol("n", integer=True)
    exprs = [x + 1, sp.Rational(-3, 7) * x**2 / (n + 2), sp.Piecewise((sp.log(x), x > 1), (0, True)),
             sp.Max(x, sp.Integer(2) ** 90) + sp.pi * sp.sqrt(x), sp.StrictGreaterThan(x, 3) & sp.Eq(n, 0),
             sp.Tuple(sp.oo, -sp.oo, sp.S.Half, sp.zoo, sp.true), sp.Sum(x**n, (n, 1, 3))]
    for expr in exprs:
        back = _store.decode_value(json.loads(json.dumps(_store.as_json_exactly(expr), allow_nan=False)))
        assert _store.same_value(expr, back) and back == expr, expr
        assert {(s.name, tuple(sorted(s.assumptions0.items()))) for s in back.free_symbols} == \
               {(s.name, tuple(sorted(s.assumptions0.items()))) for s in expr.free_symbols}
    # a symbol with other assumptions is another value
    assert not _store.same_value(sp.Symbol("x") + 1, x + 1)


@pytest.mark.parametrize("tree", [{"node": "sympify", "args": []}, {"node": "os", "args": []},
                                  {"node": "__class__", "args": []}, {"constant": "__class__"},
                                  {"constant": "register"}])
def test_reading_a_sympy_tree_constructs_only_sympy_objects(tree):
    with pytest.raises((ValueError, AttributeError, TypeError, KeyError)):
        _store.decode_value({"$": "sympy", "tree": tree})


@pytest.mark.parametrize("value", ["sympy dummy", "sympy float", "undefined function", "lambda", "foreign",
                                   "strided", "object array", "complex", "tensor with a gradient"])
def test_a_value_that_cannot_read_back_exactly_is_not_shareable(value):
    import numpy as np
    import sympy
    import torch

    values = {"sympy dummy": sympy.Dummy("x") + 1, "sympy float": sympy.Float(0.1) * sympy.Symbol("x"),
              "undefined function": sympy.Function("F")(sympy.Symbol("x")), "lambda": lambda: 1, "foreign": _Foreign(1),
              "strided": np.arange(10.0)[::-2], "object array": np.array([1, "a"], dtype=object),
              "complex": np.array([1j]), "tensor with a gradient": torch.zeros(2, requires_grad=True)}
    with pytest.raises(_store.UnshareableError):
        _store.as_json_exactly((1, values[value]))


@pytest.mark.parametrize("name", ["os:system", "builtins:eval", "symbolic_vae._engine.store:Path", "json",
                                  "subprocess:Popen"])
def test_reading_a_campaign_makes_no_class_outside_the_packages(name):
    for tag in ("dataclass", "namedtuple", "enum"):
        with pytest.raises((ValueError, AttributeError, TypeError, KeyError)):
            _store.decode_value({"$": tag, "type": name, "fields": [], "items": [], "name": "x"})


def test_the_campaign_key_covers_function_arguments_source_versions_seed_and_threads():
    base = _store.campaign_fields("pkg.f", [[1], []], 1, 1)
    assert {"campaign", "arguments", "source", "versions", "seed", "threads"} <= set(base)
    changed = [{**base, "campaign": "pkg.g"}, {**base, "arguments": [[2], []]}, {**base, "seed": 2},
               {**base, "threads": 2}, {**base, "threads": None}, {**base, "source": "0" * 64},
               {**base, "versions": {**base["versions"], "numpy": "0.0"}}]
    keys = {_store.verdict_key(base), *(_store.verdict_key(f) for f in changed)}
    assert len(keys) == 1 + len(changed)
    assert _store.verdict_key(base) != _store.verdict_key(_store.key_fields("pkg.f", "", 1))


def test_a_campaign_entry_reads_back_and_anything_else_is_a_miss(tmp_path):
    import numpy as np

    store = _store.VerdictStore(tmp_path)
    fields = _store.campaign_fields("pkg.f", [], 0, 1)
    key = _store.verdict_key(fields)
    value, records = (np.arange(3.0), {"n": 2}), [{"instances": 1, "starts": 4, "failed": 1, "reasons": {"nan": 1}}]
    store.save_campaign(key, fields, value, records, 1.5)
    back, back_records = store.load_campaign(key)
    assert _store.same_value(back, value) and back_records == records
    assert _store.VerdictStore(tmp_path, read=False).load_campaign(key) is None
    with pytest.raises(_store.UnshareableError):
        store.save_campaign(key, fields, lambda: 1, records, 1.0)
    other = "cd" + "0" * 62
    for content in ("", "not json", json.dumps({"format": 1, "key": key, "value": 1, "records": []}),
                    json.dumps({"format": 1, "key": other, "value": {"$": "nothing"}, "records": []})):
        store.campaign_path(other).parent.mkdir(parents=True, exist_ok=True)
        store.campaign_path(other).write_text(content)
        assert store.load_campaign(other) is None
    store.note_unshareable(other, {"unshareable": "pkg.g"}, "a SymPy value")
    assert store.is_unshareable(other) and not store.is_unshareable(key)
    assert store.clear() == 0 and store.load_campaign(key) is None and not store.is_unshareable(other)


CAMPAIGN_SCRIPT = """
import hashlib, json, sys
from symbolic_vae._core.seeds import set_run_seed
from symbolic_vae._engine import campaigns, store
if sys.argv[2] == "recompute":
    store.recompute_in_this_process()
set_run_seed(int(sys.argv[1]))
campaigns.SHARE_SECONDS = 0.0
from symbolic_vae._papers.wz2022.global_minimum.checks_orthogonal import trace_cases
with campaigns.noting_campaigns() as use:
    value = trace_cases()
digest = hashlib.sha256(json.dumps(store.encode_value(value), sort_keys=True).encode()).hexdigest()
print(json.dumps({"use": use.to_json(), "value": digest}))
"""


def _campaign(source: Path, cache: Path, seed: int = 20221128, mode: str = "") -> dict:
    """In a new process importing the packages from ``source``: what computing ``trace_cases()`` did."""
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(source), "SYMBOLIC_VAE_CACHE_DIR": str(cache),
           "SYMBOLIC_VAE_TORCH_AOT": "0", "HOME": str(cache.parent)}
    result = subprocess.run([sys.executable, "-c", CAMPAIGN_SCRIPT, str(seed), mode or "-"], env=env,
                            capture_output=True, text=True, timeout=300, cwd=cache.parent)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_stored_campaign_is_computed_once_and_again_when_code_seed_or_recompute_says_so(tmp_path):
    source, cache = _copy_of_the_source(tmp_path), tmp_path / "cache"
    first = _campaign(source, cache)
    (hint,) = first["use"]["used"]
    assert hint.startswith("trace_cases:") and hint in first["use"]["computed"] and first["use"]["stored"] == [hint]
    again = _campaign(source, cache)
    assert again["use"]["computed"] == {} and again["use"]["stored"] == [hint] and again["value"] == first["value"]
    other_seed = _campaign(source, cache, seed=3)
    assert len(other_seed["use"]["computed"]) == 1
    assert _campaign(source, cache, mode="recompute")["use"]["computed"]
    with (source / "symbolic_vae" / "_engine" / "campaigns.py").open("a") as handle:
        handle.write("# an edit\n")
    edited = _campaign(source, cache)
    assert edited["use"]["computed"] and edited["value"] == first["value"]


def test_a_cheap_cached_function_stops_asking_the_store_and_a_slow_value_is_stored_again(tmp_path, monkeypatch):
    import time

    from symbolic_vae._engine import campaigns

    monkeypatch.setenv("SYMBOLIC_VAE_CACHE_DIR", str(tmp_path))
    asked, saved = [], []
    load, save = _store.VerdictStore.load_campaign, _store.VerdictStore.save_campaign
    monkeypatch.setattr(_store.VerdictStore, "load_campaign", lambda self, key: asked.append(key) or load(self, key))
    monkeypatch.setattr(_store.VerdictStore, "save_campaign",
                        lambda self, key, *rest: saved.append(key) or save(self, key, *rest))

    def probe(n: int, pause: float = 0.0) -> int:
        time.sleep(pause)
        return n * n

    probe.__module__ = "symbolic_vae._probe_for_tests"
    probe = campaigns.cached(probe)
    cheap = campaigns.LOCAL_AFTER + 4
    assert [probe(n) for n in range(cheap)] == [n * n for n in range(cheap)]
    assert 0 < len(asked) <= 2 * campaigns.LOCAL_AFTER and saved == []  # asked (and locked) only at first
    asked.clear()
    assert probe(100, pause=2 * campaigns.SHARE_SECONDS) == 10000
    assert asked == [] and len(saved) == 1  # a slow value is stored even so
    assert probe(101) == 101 * 101 and len(asked) >= 1  # and the function is asked for in the store again
    assert load(_store.verdict_store(), saved[0]) is not None
