import json
import sys

from symbolic_vae._cli import main


def test_verify_one_claim_writes_json(tmp_path, capsys):
    out = tmp_path / "ledger.json"
    code = main(["verify", "--claim", "elbo.kl_split", "--json", str(out), "--quiet"])
    assert code == 0
    text = capsys.readouterr().out
    assert "elbo.kl_split" in text and "PROVED_AT_SIZES" in text and "REFUTED" in text
    data = json.loads(out.read_text())
    assert data["claims"][0]["status"] == "PROVED_AT_SIZES"
    assert data["claims"][0]["negative_control"]["status"] == "REFUTED"


def test_the_json_ledger_gives_the_summary_as_plain_text(tmp_path):
    """A summary in markup ($...$) is kept as written (a report from the ledger typesets it) and also given as
    plain Unicode."""
    out = tmp_path / "ledger.json"
    assert main(["verify", "--claim", "ddv.eq27", "--json", str(out), "--quiet"]) == 0
    entry = json.loads(out.read_text())["claims"][0]
    assert "$W x$" in entry["summary"]
    assert "W x" in entry["summary_text"] and "$" not in entry["summary_text"]
    assert entry["summary_text"].startswith("model loss = Eq. 29 with mean W x")


def test_existing_json_is_not_overwritten(tmp_path, capsys):
    out = tmp_path / "keep.json"
    out.write_text("precious")
    assert main(["verify", "--claim", "elbo.kl_split", "--json", str(out), "--quiet"]) == 2
    assert out.read_text() == "precious"
    assert "--force" in capsys.readouterr().err


def test_unknown_claim_is_a_usage_error(capsys):
    assert main(["verify", "--claim", "no.such.claim"]) == 2
    assert "unknown id" in capsys.readouterr().err


def test_list_prints_every_claim_with_its_stored_verdict(tmp_path):
    import os
    import subprocess

    env = {**os.environ, "SYMBOLIC_VAE_CACHE_DIR": str(tmp_path)}  # an empty store, and fresh processes

    def listed() -> tuple[str, str]:
        out = subprocess.run([sys.executable, "-m", "symbolic_vae", "list"], env=env, capture_output=True, text=True,
                             check=True).stdout
        return out, next(line for line in out.splitlines() if line.startswith("elbo.kl_split "))

    out, row = listed()
    assert "prop1.argmin" in out and " - " in row and "0 with a stored verdict" in out
    subprocess.run([sys.executable, "-m", "symbolic_vae", "verify", "--claim", "elbo.kl_split", "--quiet",
                    "--workers", "1"], env=env, capture_output=True, check=True)
    out, row = listed()
    assert " PROVED_AT_SIZES " in row and "1 with a stored verdict" in out


def test_an_unknown_claim_suggests_the_closest_ids(capsys):
    assert main(["verify", "--claim", "decvar.cas2", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "unknown id 'decvar.cas2'" in err and "did you mean decvar.case2" in err and "symbolic-vae list" in err
    assert main(["verify", "--claim", "nosuch.*", "--quiet"]) == 2
    assert "'nosuch.*' matches no claim id" in capsys.readouterr().err


def test_claim_accepts_globs():
    from symbolic_vae import select_claims

    ids = [c.id for c in select_claims(["elbo.eq*", "elbo.eq4_to_eq5", "prop1.whitening_identity"])]
    assert ids[0].startswith("elbo.eq") and len(ids) == len(set(ids)) and ids[-1] == "prop1.whitening_identity"
    assert "elbo.eq4_to_eq5" in ids and all(i.startswith("elbo.eq") for i in ids[:-1])


def test_help_has_no_rest_markup(capsys):
    import pytest

    for command in ([], ["verify"], ["list"], ["latex"], ["thresholds"], ["mutate"]):
        with pytest.raises(SystemExit):
            main([*command, "--help"])
        text = capsys.readouterr().out
        assert "usage: symbolic-vae" in text
        assert "``" not in text and ":func:" not in text and "::" not in text, command


def test_select_claims_takes_one_pattern_or_several_and_names_bad_input():
    import pytest

    from symbolic_vae import SymbolicVAEError, select_claims

    assert [c.id for c in select_claims("elbo.eq4_to_eq5")] == ["elbo.eq4_to_eq5"]
    for bad in (None, 3, [""], [7]):
        with pytest.raises(SymbolicVAEError, match="^claim: "):
            select_claims(bad)
