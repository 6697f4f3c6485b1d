"""Acceptance: a broken copy of the Erfurt package is rejected by the validator and the app
refuses to start with the same messages (file, line, column, in German)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ERFURT = REPO / "data" / "erfurt"


@pytest.fixture(scope="module")
def broken_copy(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """Four defects: a malformed row, an unknown area id, a share of 140 % and a missing polygon."""
    path = tmp_path_factory.mktemp("broken") / "erfurt"
    shutil.copytree(ERFURT, path)
    obs = path / "observations.csv"
    lines = obs.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    width = len(header)
    # line numbers as an editor shows them (header = 1)
    sgb2_line = next(i for i, line in enumerate(lines) if ",sgb2_quote,2024," in line and line.startswith("5,"))
    cells = lines[sgb2_line].split(",")
    cells[header.index("value")] = "140"
    cells[header.index("numerator")] = ""
    cells[header.index("denominator")] = ""
    lines[sgb2_line] = ",".join(cells)
    unknown_line = sgb2_line + 1
    cells = lines[unknown_line].split(",")
    cells[header.index("area_id")] = "99"
    lines[unknown_line] = ",".join(cells)
    bad_row_line = 10
    lines[bad_row_line] = lines[bad_row_line] + ",zu,viele"
    obs.write_text("\n".join(lines) + "\n", encoding="utf-8")

    geo = json.loads((path / "areas.geojson").read_text(encoding="utf-8"))
    removed = next(f for f in geo["features"] if f["properties"]["NAME"] == "Melchendorf")
    geo["features"].remove(removed)
    (path / "areas.geojson").write_text(json.dumps(geo), encoding="utf-8")
    areas = (path / "areas.csv").read_text(encoding="utf-8").splitlines()
    melchendorf_line = next(i for i, line in enumerate(areas) if ",Melchendorf," in line) + 1
    expected = {
        "bad row": f"observations.csv, Zeile {bad_row_line + 1}: Zeile hat {width + 2} Felder",
        "unknown area": f"observations.csv, Zeile {unknown_line + 1}, Spalte „area_id“: Gebiet „99“ gibt es nicht",
        "share 140": f"observations.csv, Zeile {sgb2_line + 1}, Spalte „value“: Anteil von 140 % ist unmöglich",
        "missing geometry": f"areas.csv, Zeile {melchendorf_line}, Spalte „area_id“: Für Ortsteil „Melchendorf“ "
                            "fehlt die Geometrie",
    }
    return path, expected


def test_validator_names_every_problem(broken_copy):
    path, expected = broken_copy
    result = subprocess.run([sys.executable, "-m", "sozialraum", "validate", str(path)], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    for what, message in expected.items():
        assert message in result.stderr, f"{what}: {message!r} not in\n{result.stderr}"


def test_app_refuses_to_start_with_the_same_messages(broken_copy, tmp_path):
    path, expected = broken_copy
    env = {**os.environ, "SOZIALRAUM_DATA_DIR": str(path), "SOZIALRAUM_INSTANCE_DIR": str(tmp_path),
           "PORT": "8099"}
    result = subprocess.run([sys.executable, "app.py"], cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 2
    assert "startet nicht" in result.stderr
    for what, message in expected.items():
        assert message in result.stderr, f"{what}: {message!r} not in\n{result.stderr}"


def test_bundled_package_is_valid():
    result = subprocess.run([sys.executable, "-m", "sozialraum", "validate", str(ERFURT)], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Datenpaket gültig" in result.stdout
