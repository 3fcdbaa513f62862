import json

from symbolic_vae._cli import main


def test_coverage_prints_the_figures(capsys):
    assert main(["coverage"]) == 0
    out = capsys.readouterr().out
    assert "WZ22: 118/118 numbered equations accounted for (117 printed with their number, 1 cited whose number " \
           "the text lost: Eq. 13); 117/117 printed equations accounted for" in out
    assert "numbers missing from the text: 13" in out
    assert "App. D" in out and "L19: 4/4" in out


def test_coverage_json_and_section(capsys):
    assert main(["coverage", "--json", "--section", "App. B"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["wz2022"]["total"] == 6 and list(data["wz2022"]["sections"]) == ["App. B"]


def test_unknown_section_is_a_usage_error(capsys):
    assert main(["coverage", "--section", "App. Z"]) == 2
    assert "section" in capsys.readouterr().err
