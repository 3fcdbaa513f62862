import json

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


def test_existing_json_is_not_overwritten(tmp_path, capsys):
    out = tmp_path / "keep.json"
    out.write_text("precious")
    assert main(["verify", "--claim", "elbo.kl_split", "--json", str(out), "--quiet"]) == 2
    assert out.read_text() == "precious"
    assert "--force" in capsys.readouterr().err


def test_unknown_claim_is_a_usage_error(capsys):
    assert main(["verify", "--claim", "no.such.claim"]) == 2
    assert "unknown id" in capsys.readouterr().err


def test_list_prints_every_claim(capsys):
    assert main(["list"]) == 0
    assert "prop1.argmin" in capsys.readouterr().out
