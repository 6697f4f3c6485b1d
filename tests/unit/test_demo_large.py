"""The large test package generator (`python -m sozialraum gross`): valid, shaped as asked,
deterministic. A small package keeps it fast; the full size runs in benchmarks/large_package.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import shapely
from shapely.geometry import shape

from sozialraum.demo_large import CATALOGUE, generate
from sozialraum.package import load_package

REPO = Path(__file__).resolve().parents[2]
FILES = ("datapackage.json", "areas.csv", "areas.geojson", "indicators.csv", "observations.csv",
         "leitlinien.csv", "measures.csv", "milestones.csv", "facilities.csv")
SHAPE = {"areas": 120, "indicators": 8, "years": 3, "planning_areas": 6}


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("gross") / "pkg"
    generate(path, seed=5, **SHAPE)
    return path


@pytest.fixture(scope="module")
def package(out, tmp_path_factory):
    return load_package(out, cache_dir=tmp_path_factory.mktemp("cache"))


def test_all_files_written(out):
    for name in FILES:
        assert (out / name).is_file(), name


def test_loads_without_problems(package):
    assert package.is_demo
    assert package.meta["schematic_map"] is True
    assert package.city == "Großstadt (Testdaten)"
    assert package.levels == ("stadt", "planungsraum", "ortsteil")


def test_requested_shape(package):
    counts = package.areas["level"].value_counts()
    assert counts.to_dict() == {"stadt": 1, "planungsraum": 6, "ortsteil": 120}
    assert len(package.indicators) == 8
    assert package.years == [2022, 2023, 2024]
    obs = package.observations
    finest = obs[obs["level"] == "ortsteil"]
    assert len(finest) == 120 * 8 * 3
    # Planungsraum and city values are computed by the app, not delivered
    assert obs.loc[obs["level"] != "ortsteil", "computed"].all()
    assert not finest["computed"].any()


def test_indicator_mix(package):
    ind = package.indicators
    assert set(ind["value_type"]) == {"count", "share", "rate", "mean"}
    assert set(ind["direction"]) == {"need_higher", "need_lower", "neutral"}
    assert ind["theme"].nunique() >= 4
    assert {s.theme for s in CATALOGUE} == {"Bevölkerung", "Alter", "Herkunft", "Existenzsicherung",
                                           "Beschäftigung", "Bildung", "Gesundheit", "Wohnen", "Teilhabe"}
    assert len(CATALOGUE) == 40


def test_plausible_values_and_some_suppressed(package):
    obs = package.observations
    shares = obs[obs["indicator_id"].map(package.indicators["value_type"]) == "share"]["value"].dropna()
    assert shares.between(0, 100).all()
    city_sgb2 = obs[(obs["area_id"] == "stadt") & (obs["indicator_id"] == "sgb2_quote")]["value"]
    assert city_sgb2.between(3, 30).all()
    assert 0 < obs["suppressed"].mean() < 0.3


def test_polygons_tile_the_city_without_overlap(out):
    features = json.loads((out / "areas.geojson").read_text(encoding="utf-8"))["features"]
    assert len(features) == 120
    polygons = [shape(f["geometry"]) for f in features]
    assert all(p.is_valid and len(p.exterior.coords) == 5 for p in polygons)
    union = shapely.union_all(polygons)
    assert union.area == pytest.approx(sum(p.area for p in polygons), rel=1e-9)  # no overlap
    assert union.area == pytest.approx(union.envelope.area, rel=1e-9)  # no gaps: one rectangle


def test_deterministic_for_a_seed(out, tmp_path):
    again = tmp_path / "again"
    generate(again, seed=5, **SHAPE)
    for name in FILES:
        assert (out / name).read_bytes() == (again / name).read_bytes(), name
    other = tmp_path / "other"
    generate(other, seed=6, **SHAPE)
    assert (out / "observations.csv").read_bytes() != (other / "observations.csv").read_bytes()


def test_more_indicators_than_the_catalogue(tmp_path):
    path = tmp_path / "many"
    generate(path, areas=12, indicators=len(CATALOGUE) + 3, years=1, planning_areas=2)
    ids = pd.read_csv(path / "indicators.csv")["indicator_id"]
    assert len(ids) == len(CATALOGUE) + 3 and ids.is_unique
    assert "einwohner_v2" in set(ids)
    assert len(load_package(path).indicators) == len(CATALOGUE) + 3


def test_cli_writes_a_valid_package(tmp_path):
    target = tmp_path / "cli"
    result = subprocess.run(
        [sys.executable, "-m", "sozialraum", "gross", str(target), "--areas", "30", "--indicators", "5",
         "--years", "2", "--planning-areas", "3", "--seed", "2"],
        check=False, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert f"Großes Test-Datenpaket geschrieben nach {target}" in result.stdout
    assert "30 Ortsteile in 3 Planungsräumen, 5 Indikatoren, 2 Jahre: 300 Werte" in result.stdout
    check = subprocess.run([sys.executable, "-m", "sozialraum", "validate", str(target)], check=False,
                           cwd=REPO, capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stderr
    assert "Gebiete: 34 (1 stadt, 3 planungsraum, 30 ortsteil)" in check.stdout


def test_cli_rejects_impossible_sizes(tmp_path, capsys):
    from sozialraum import cli

    assert cli.main(["gross", str(tmp_path / "x"), "--areas", "3", "--planning-areas", "5"]) == 2
    assert "Ungültige Größe" in capsys.readouterr().err
