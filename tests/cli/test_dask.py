"""`symbolic-vae verify` on Dask: a real scheduler and two workers started as processes on localhost with the
standard `dask scheduler` / `dask worker` commands, and the embedded local cluster; both ledgers are the serial
one apart from timing, the client keeps the verdicts the workers computed, and a scheduler that cannot be reached or
a worker running other code is refused with one line."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from symbolic_vae import SymbolicVAEError
from symbolic_vae._engine.store import source_hash
from symbolic_vae._report import parallel
from symbolic_vae._report.ledger import without_timing
from symbolic_vae._report.registry import all_claims, get_claim

CLAIMS = ("elbo.kl_split", "globalmin.von_neumann_sorted", "lucas.ppca_sigma2_mle", "elbo.eq3_eq4_as_printed",
          "lucas.ppca_collapse_regimes")
DASK = str(Path(sys.executable).with_name("dask"))


def _env(cache: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "SYMBOLIC_VAE_CACHE_DIR": str(cache), "SYMBOLIC_VAE_TORCH_AOT": "0", **extra}
    env.pop("SYMBOLIC_VAE_WORKERS", None)
    return env


def _verify(tmp: Path, name: str, *options: str, cache: Path | None = None) -> dict:
    out = tmp / f"{name}.json"
    command = [sys.executable, "-m", "symbolic_vae", "verify", *(a for c in CLAIMS for a in ("--claim", c)),
               "--json", str(out), "--force", "--quiet", *options]
    result = subprocess.run(command, env=_env(cache or tmp / f"cache-{name}"), capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return json.loads(out.read_text())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """tcp://127.0.0.1:PORT of a scheduler with two single-threaded workers (their own verdict store)."""
    tmp = tmp_path_factory.mktemp("cluster")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = _env(tmp / "worker-cache")
    procs = [subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        for _ in range(2):
            procs.append(subprocess.Popen([DASK, "worker", address, "--nworkers", "1", "--nthreads", "1",
                                           "--no-dashboard"], env=env, cwd=tmp, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        yield address, tmp / "worker-cache"
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="module")
def serial(tmp_path_factory) -> dict:
    return _verify(tmp_path_factory.mktemp("serial"), "serial", "--workers", "1")


def _origins(ledger: dict) -> list[str]:
    return [c["store"]["origin"] for c in ledger["claims"]]


def test_a_cluster_of_two_workers_writes_the_serial_ledger(cluster, serial, tmp_path):
    address, worker_cache = cluster
    client_cache = tmp_path / "client-cache"
    start = time.perf_counter()
    on_cluster = _verify(tmp_path, "cluster", "--scheduler", address, cache=client_cache)
    assert [c["claim"] for c in on_cluster["claims"]] == list(CLAIMS)
    assert without_timing(on_cluster["claims"]) == without_timing(serial["claims"])
    assert _origins(on_cluster) == ["computed"] * len(CLAIMS)
    assert len(list((worker_cache / "verdicts").glob("??/*.json"))) == len(CLAIMS)  # the workers' own store
    assert len(list((client_cache / "verdicts").glob("??/*.json"))) == len(CLAIMS)  # and the client's
    again = _verify(tmp_path, "again", "--scheduler", address, cache=client_cache)
    assert _origins(again) == ["reused"] * len(CLAIMS)
    assert without_timing(again["claims"]) == without_timing(serial["claims"])
    assert time.perf_counter() - start < 600


def test_the_local_cluster_writes_the_serial_ledger(serial, tmp_path):
    local = _verify(tmp_path, "local", "--workers", "2")
    assert without_timing(local["claims"]) == without_timing(serial["claims"])
    assert without_timing({k: v for k, v in local.items() if k != "claims"}) == \
        without_timing({k: v for k, v in serial.items() if k != "claims"})


def test_an_unreachable_scheduler_is_one_line(tmp_path):
    port = _free_port()
    command = [sys.executable, "-m", "symbolic_vae", "verify", "--claim", CLAIMS[0], "--claim", CLAIMS[1],
               "--scheduler", f"tcp://127.0.0.1:{port}", "--quiet"]
    result = subprocess.run(command, env=_env(tmp_path / "cache"), capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("symbolic-vae: error: --scheduler: cannot reach"), result.stderr


@pytest.mark.parametrize("value", ["localhost:8786", ""])
def test_a_scheduler_that_is_not_an_address_is_refused(value):
    with pytest.raises(SymbolicVAEError, match="^scheduler: expected an address"):
        parallel.Plan(scheduler=value)


@pytest.mark.parametrize("value", [0, -1, 1.5, True])
def test_workers_must_be_a_positive_integer(value):
    with pytest.raises(SymbolicVAEError, match="^workers: expected a positive integer"):
        parallel.Plan(workers=value)


def test_a_worker_running_other_code_is_refused():
    claim = get_claim(CLAIMS[0])
    result = parallel.verdict_task(claim.id, "numpy", 20221128, 1, False)
    other = {**result, "fields": {**result["fields"], "source": "0" * 64}}
    with pytest.raises(SymbolicVAEError, match="^scheduler: a worker computed elbo.kl_split under other source"):
        parallel._from_task(other, claim, "numpy")
    assert parallel._from_task(result, claim, "numpy").status.value == result["verdict"]["status"]


def test_the_client_keeps_what_a_local_worker_stored_and_stores_what_a_remote_one_computed(tmp_path, monkeypatch):
    """A local worker's store is the client's: the verdict it stored is not written again (its date kept); a
    remote worker's verdict is missing from the client's store, which then keeps it."""
    from symbolic_vae._core.verdict import Verdict
    from symbolic_vae._engine.store import VerdictStore, verdict_key

    claim = get_claim(CLAIMS[0])
    result = parallel.verdict_task(claim.id, "numpy", 20221128, 1, False)
    key = verdict_key(result["fields"])
    local = VerdictStore(tmp_path / "local")
    stored = local.save(key, result["fields"], Verdict.from_json(result["verdict"]))
    computed = {**result, "origin": {"origin": "computed", "key": key, "date": stored.origin.date}}
    written = []
    save = VerdictStore.save
    monkeypatch.setattr(VerdictStore, "save", lambda self, *args: written.append(self.root) or save(self, *args))
    monkeypatch.setattr(parallel, "verdict_store", lambda: local)
    kept = parallel._from_task(computed, claim, "numpy")
    assert written == [] and kept.origin.computed and kept.origin.date == stored.origin.date
    remote = VerdictStore(tmp_path / "remote-client")
    monkeypatch.setattr(parallel, "verdict_store", lambda: remote)
    kept = parallel._from_task(computed, claim, "numpy")
    assert written == [remote.root] and remote.load(key, claim.id) is not None and kept.origin.computed


def test_the_hints_that_place_the_tasks_are_kept_and_a_bad_file_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("SYMBOLIC_VAE_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(parallel, "DEFAULT_HINTS_FILE", tmp_path / "no-defaults.json")
    hints_file = tmp_path / "verdicts" / parallel.HINTS_FILE
    use = {"used": ["f:1"], "computed": {"f:1": 0.75, "g:2": 0.01}, "children": {"f:1": ["g:2"]}, "stored": ["f:1"]}
    parallel.save_hints(parallel.Hints({"a.claim": 1.25, "b.claim": 0.5}, {"a.claim": use}))
    hints = parallel.load_hints()
    kept = {**use, "computed": {"f:1": 0.76}, "children": {}}  # g:2 is too cheap to place: its seconds join f:1's
    assert hints.seconds == {"a.claim": 1.25, "b.claim": 0.5} and hints.use == {"a.claim": kept}
    parallel.save_hints(parallel.Hints({"b.claim": 2.0}, {}))  # merged: a.claim keeps its entry
    assert parallel.load_hints().seconds == {"a.claim": 1.25, "b.claim": 2.0}
    hints_file.write_text(json.dumps({"a.claim": 3.0}))  # the first format: seconds only
    assert parallel.load_hints().seconds == {"a.claim": 3.0}
    for bad in ("not json", "[1, 2]", '{"a.claim": "slow", "b.claim": -1}',
                '{"format": 2, "claims": {"a.claim": {"seconds": true}, "b.claim": 3}}'):
        hints_file.write_text(bad)
        assert parallel.load_hints().seconds == {}
    hints_file.write_text(json.dumps({"format": 2, "claims": {"a.claim": {"seconds": 1, "use": {"used": 3}}}}))
    assert parallel.load_hints().seconds == {"a.claim": 1.0} and parallel.load_hints().use == {}


def test_the_package_hints_place_a_first_run_and_the_stores_own_win(tmp_path, monkeypatch):
    monkeypatch.setenv("SYMBOLIC_VAE_CACHE_DIR", str(tmp_path))
    defaults = parallel.load_hints()  # an empty store: the package's hints alone
    ids = {claim.id for claim in all_claims()}
    assert len(defaults.seconds) >= 0.9 * len(ids) and set(defaults.seconds) <= ids
    assert len(defaults.use) >= 0.9 * len(ids)
    claim = sorted(defaults.seconds)[0]
    parallel.save_hints(parallel.Hints({claim: 1234.0}, {}))
    assert parallel.load_hints().seconds[claim] == 1234.0
    stored = json.loads((tmp_path / "verdicts" / parallel.HINTS_FILE).read_text())
    assert list(stored["claims"]) == [claim]  # the package's hints are not copied into the store


def test_the_placement_hints_are_outside_the_verdicts_key(tmp_path):
    (tmp_path / "_report").mkdir()
    (tmp_path / "_report" / "default_costs.json").write_text("{}")
    (tmp_path / "code.py").write_text("x = 1\n")
    before = source_hash((tmp_path,))
    (tmp_path / "_report" / "default_costs.json").write_text('{"format": 2, "claims": {}}')
    assert source_hash((tmp_path,)) == before
    (tmp_path / "code.py").write_text("x = 2\n")
    assert source_hash((tmp_path,)) != before


def test_local_workers_run_without_the_malloc_trim_setting_and_the_profiler():
    import logging

    import dask
    from distributed import Client, LocalCluster

    with dask.config.set(parallel.WORKER_CONFIG):
        cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0",
                               silence_logs=logging.ERROR)
    with cluster, Client(cluster) as client:
        env, profile = client.submit(_worker_settings, pure=False).result(timeout=120)
    assert env == {k: str(v) for k, v in parallel.MALLOC_ENVIRON.items()} and profile is False


def _worker_settings() -> tuple[dict[str, str | None], bool]:
    import dask

    return ({k: os.environ.get(k) for k in parallel.MALLOC_ENVIRON},
            dask.config.get("distributed.worker.profile.enabled"))


def _use(computed: dict[str, float] | None = None, stored: tuple[str, ...] = (), used: tuple[str, ...] = (),
         children: dict[str, list[str]] | None = None) -> dict:
    return {"used": list(used), "computed": dict(computed or {}), "children": dict(children or {}),
            "stored": list(stored)}


def test_a_value_needed_inside_another_counts_where_neither_is_held_and_the_hints_keep_it():
    inner = _use({"P": 0.01, "X": 5.0}, used=("P",), children={"P": ["X"]})
    hints = parallel.Hints({"a": 6.0, "b": 0.5}, {"a": inner, "b": _use(used=("P",))})
    dispatch = parallel.Dispatch(["a", "b"], hints, {})
    assert dispatch.expected("b", "w2") == pytest.approx(5.51)  # P, and X inside it
    assert dispatch.next_for("w1", ["w1", "w2"], set()) == "a"
    assert dispatch.expected("b", "w1") == pytest.approx(0.5)
    kept = parallel.Hints.from_json(json.loads(json.dumps(hints.to_json())))
    assert kept.use["a"]["children"] == {"P": ["X"]} and kept.use["b"]["used"] == ["P"]  # P is cheap, X is not


def test_a_claim_goes_to_the_worker_that_holds_its_values():
    hints = parallel.Hints({"a": 6.0, "b": 1.0, "c": 2.0, "d": 1.5},
                           {"a": _use({"X": 5.0}, used=("X",)), "b": _use(used=("X",)), "c": _use(), "d": _use()})
    dispatch = parallel.Dispatch(["a", "b", "c", "d"], hints, {})
    workers = ["w1", "w2"]
    assert dispatch.expected("b", "w2") == 6.0  # b's own second and X, which it has to compute
    assert dispatch.next_for("w1", workers, set()) == "a"  # the longest first
    assert dispatch.expected("b", "w1") == 1.0 and dispatch.expected("b", "w2") == 6.0
    assert dispatch.next_for("w2", workers, set()) == "c"  # not b: w1 is computing X
    dispatch.finished("w2", _use())
    assert dispatch.next_for("w2", workers, {"c"}) == "d"
    dispatch.finished("w1", _use({"X": 5.0}, used=("X",)))
    assert dispatch.next_for("w1", workers, {"a", "c", "d"}) == "b"
    assert not dispatch.pending() and dispatch.next_for("w2", workers, {"a", "c", "d"}) is None


def test_a_stored_value_is_held_by_every_worker_and_a_worker_with_nothing_else_takes_a_claim_anyway():
    hints = parallel.Hints({"a": 6.0, "b": 1.0, "c": 1.0},
                           {"a": _use({"X": 5.0}, used=("X",)), "b": _use(used=("X",)), "c": _use(used=("X",))})
    dispatch = parallel.Dispatch(["a", "b", "c"], hints, {})
    assert dispatch.next_for("w1", ["w1", "w2"], set()) == "a"
    assert dispatch.next_for("w2", ["w1", "w2"], set()) == "b"  # late (w1 computes X) but the only work left
    dispatch.finished("w1", _use({"X": 5.0}, stored=("X",), used=("X",)))
    assert dispatch.expected("c", "w2") == dispatch.expected("c", "w1") == 1.0  # X is in the store


def test_a_worker_keeps_to_the_sections_it_runs():
    """Claims of one section build the same SymPy subexpressions (SymPy's cache is per process): a worker takes a
    claim of a section it runs before a longer one, and one of a section no worker runs before another's."""
    seconds = {"x.1": 3.0, "x.2": 1.5, "y.1": 1.0, "y.2": 0.5}
    dispatch = parallel.Dispatch(list(seconds), parallel.Hints(seconds, {c: _use() for c in seconds}), {})
    workers = ["w1", "w2"]
    assert dispatch.next_for("w1", workers, set()) == "x.1"  # the longest first
    assert dispatch.next_for("w2", workers, set()) == "y.1"  # not x.2, longer, but of w1's section
    assert dispatch.next_for("w2", workers, {"y.1"}) == "y.2"  # its own section before x.2
    assert dispatch.next_for("w1", workers, {"x.1", "y.1", "y.2"}) == "x.2"


def test_the_kernel_checks_wait_for_the_claims_that_gate_the_kernels():
    dependencies = parallel.gate_dependencies()
    assert set(dependencies) == {"kernels.per_mode_round_trip", "kernels.spectrum_round_trip", "kernels.ground_truth"}
    gates = dependencies["kernels.ground_truth"]
    assert "decvar.table1_corrected" in gates and all(not g.startswith("kernels.") for g in gates)
    claims = ["kernels.ground_truth", *sorted(gates)]
    dispatch = parallel.Dispatch(claims, parallel.Hints(), dependencies)
    order = []
    while dispatch.pending():
        claim = dispatch.next_for("w1", ["w1"], set(order))
        assert claim is not None
        order.append(claim)
    assert order[-1] == "kernels.ground_truth" and order[:-1] == sorted(gates)  # ledger order otherwise
