"""`python -m sozialraum`: exit status and German output."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sozialraum import cli
from tests.unit.package_builder import PackageBuilder

REPO = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sozialraum", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=120)


def test_help():
    result = run("--help")
    assert result.returncode == 0
    assert "validate" in result.stdout and "demo" in result.stdout
    assert "Datenpaket prüfen" in result.stdout


def test_validate_help(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["validate", "--help"])
    assert exit_.value.code == 0
    assert "Ordner mit datapackage.json" in capsys.readouterr().out


def test_no_command_is_an_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main([])
    assert exit_.value.code == 2
    assert "validate" in capsys.readouterr().err


def test_validate_valid_package(tmp_path, capsys):
    path = PackageBuilder.valid().write(tmp_path / "pkg")
    assert cli.main(["validate", str(path)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "Datenpaket gültig: Sozialstrukturatlas Musterstadt (Stand 31.12.2021)" in out
    assert "Gebiete: 7 (1 stadt, 2 planungsraum, 4 ortsteil)" in out
    assert "Jahre 2020–2021" in out


def test_validate_broken_package(tmp_path, capsys):
    b = PackageBuilder.valid()
    b.row("measures", measure_id="M-1")["progress"] = "140"
    b.row("facilities", facility_id="F-1")["area_id"] = "zz"
    path = b.write(tmp_path / "pkg")
    assert cli.main(["validate", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "Das Datenpaket ist nicht gültig (2 Probleme):" in err
    assert "- measures.csv, Zeile 2, Spalte „progress“: Wert 140 ist größer als 100." in err
    assert "- facilities.csv, Zeile 2, Spalte „area_id“: Gebiet „zz“ gibt es nicht in areas.csv." in err


def test_validate_checks_the_presentation_decks(tmp_path, capsys):
    path = PackageBuilder.valid().write(tmp_path / "pkg")
    (path / "presentations").mkdir()
    (path / "presentations" / "gut.toml").write_text(
        'title = "Konferenz"\n[[slide]]\ntitle = "Karte"\nview = "/atlas"\n', encoding="utf-8")
    assert cli.main(["validate", str(path)]) == 0
    assert "Präsentationen: presentations/gut.toml (1 Folie)" in capsys.readouterr().out
    (path / "presentations" / "kaputt.toml").write_text(
        'title = "X"\n[[slide]]\ntitle = "Fremd"\nview = "https://example.org/"\n', encoding="utf-8")
    assert cli.main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert "Präsentationen nicht gültig (1 Problem):" in err
    assert "- presentations/kaputt.toml – slide[1].view: „https://example.org/“ ist keine Ansicht" in err


def test_validate_missing_directory(tmp_path, capsys):
    assert cli.main(["validate", str(tmp_path / "gibt-es-nicht")]) == 1
    assert "Ordner des Datenpakets gibt es nicht" in capsys.readouterr().err


# ---- steckbrief ----------------------------------------------------------------------------

ERFURT = REPO / "data" / "erfurt"


def test_steckbrief_prints_head_and_summary(capsys):
    from sozialraum import profile as pr
    from sozialraum.package import load_package

    assert cli.main(["steckbrief", "melchendorf", "--data", str(ERFURT)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == "Melchendorf – Ortsteil (Großwohnsiedlung)"
    assert "  gehört zu: Planungsraum Südost" in lines and "  Ortsteilrat: ja" in lines
    assert any(line.startswith("  Sozialindex 2024: ") for line in lines)
    summary = pr.profile(load_package(ERFURT), "melchendorf").summary
    start = lines.index("Zusammenfassung:")
    assert lines[start + 1:start + 1 + len(summary)] == [f"  {s}" for s in summary]
    assert lines[-1] == "(Beispieldaten)"


def test_steckbrief_city(capsys):
    assert cli.main(["steckbrief", "stadt", "--data", str(ERFURT)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Erfurt – Stadt\n") and "Ortsteilrat" not in out and "Sozialindex" not in out


def test_steckbrief_unknown_area_exit_2():
    result = run("steckbrief", "atlantis", "--data", str(ERFURT))
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Ein Gebiet „atlantis“ gibt es im Datenpaket Erfurt nicht." in result.stderr


def test_steckbrief_subprocess_default_package():
    """Without --data the command reads SOZIALRAUM_DATA_DIR's default, the bundled Erfurt package."""
    result = run("steckbrief", "wallichen")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Wallichen – Ortsteil (ländlich)\n")
    assert "Im Sozialindex 2024 wird Wallichen nicht eingestuft" in result.stdout


def test_steckbrief_broken_package(tmp_path, capsys):
    b = PackageBuilder.valid()
    b.row("facilities", facility_id="F-1")["area_id"] = "zz"
    assert cli.main(["steckbrief", "altdorf", "--data", str(b.write(tmp_path / "pkg"))]) == 1
    assert "Das Datenpaket ist nicht gültig" in capsys.readouterr().err
