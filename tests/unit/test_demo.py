"""The Erfurt demo package generator: deterministic, valid, and structurally plausible."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import shapely
from shapely.geometry import shape

from sozialraum.demo import generate
from sozialraum.package import read_package
from sozialraum.schema import MEASURE_STATUSES

FILES = ("datapackage.json", "areas.csv", "areas.geojson", "indicators.csv", "observations.csv",
         "leitlinien.csv", "measures.csv", "milestones.csv", "facilities.csv", "methods/erfurt-demo.toml",
         "presentations/konferenz.toml")
NORD_SUEDOST_ESTATES = ("Berliner Platz", "Moskauer Platz", "Rieth", "Roter Berg", "Johannesplatz",
                        "Herrenberg", "Wiesenhügel", "Melchendorf")


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "erfurt"
    started = time.perf_counter()
    generate(path)
    assert time.perf_counter() - started < 10
    return path


def _csv(path: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(path / name, dtype={"area_id": str, "parent_id": str}, keep_default_na=True)


@pytest.fixture(scope="module")
def areas(out) -> pd.DataFrame:
    return _csv(out, "areas.csv")


@pytest.fixture(scope="module")
def obs(out, areas) -> pd.DataFrame:
    frame = _csv(out, "observations.csv")
    frame["kind"] = frame["area_id"].map(areas.set_index("area_id")["kind"])
    frame["name"] = frame["area_id"].map(areas.set_index("area_id")["name"])
    return frame


def test_all_files_written(out):
    for name in FILES:
        assert (out / name).is_file(), name


def test_deterministic(out, tmp_path):
    again = tmp_path / "again"
    generate(again)
    for name in FILES:
        assert (out / name).read_bytes() == (again / name).read_bytes(), name


def test_the_bundled_package_is_what_the_generator_writes(out):
    """data/erfurt must be regenerated when the generator changes (python -m sozialraum demo)."""
    bundled = Path(__file__).resolve().parents[2] / "data" / "erfurt"
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == sorted(p.relative_to(bundled).as_posix() for p in bundled.rglob("*") if p.is_file())
    for name in written:
        assert (out / name).read_bytes() == (bundled / name).read_bytes(), name


def test_other_seed_changes_figures_not_areas(out, tmp_path):
    other = tmp_path / "other"
    generate(other, seed=7)
    assert (out / "areas.csv").read_bytes() == (other / "areas.csv").read_bytes()
    assert (out / "observations.csv").read_bytes() != (other / "observations.csv").read_bytes()


def test_overwrites_existing_files(tmp_path):
    target = tmp_path / "pkg"
    target.mkdir()
    (target / "areas.csv").write_text("kaputt\n", encoding="utf-8")
    generate(target)
    assert read_package(target)[1] == []


def test_package_is_valid(out):
    package, problems = read_package(out)
    assert problems == []
    assert package is not None
    assert package.is_demo
    assert package.meta["schematic_map"] is True
    assert package.meta["map_indicator"] in package.indicators.index
    for key in package.meta["key_indicators"]:
        assert key in package.indicators.index, key


def test_area_hierarchy(areas):
    counts = areas["level"].value_counts().to_dict()
    assert counts == {"ortsteil": 53, "planungsraum": 6, "stadt": 1}
    ortsteile = areas[areas["level"] == "ortsteil"]
    assert sorted(ortsteile["area_id"].astype(int)) == list(range(1, 54))
    assert set(ortsteile["parent_id"]) == {f"PR{i}" for i in range(1, 7)}
    city = areas[areas["level"] == "stadt"].iloc[0]
    assert city["area_id"] == "stadt" and city["name"] == "Erfurt"
    assert city["population"] == ortsteile["population"].sum()
    assert ortsteile["area_km2"].isna().sum() == 3
    assert set(ortsteile["kind"]) == {"innenstadt", "grosswohnsiedlung", "laendlich"}
    assert areas.loc[areas["area_id"] == "14", "name"].item() == "Wiesenhügel"


def test_indicators_themes_and_years(out, obs):
    indicators = _csv(out, "indicators.csv")
    assert len(indicators) >= 30
    assert indicators["theme"].nunique() >= 7
    assert sorted(obs["year"].unique()) == list(range(2012, 2025))
    assert (indicators["short_name"].str.len() <= 40).all()
    segregation = obs[obs["indicator_id"] == "segregationsindex_sgb2"]
    assert set(segregation["area_id"]) == {"stadt"}
    assert len(segregation) == 13


def test_city_rows_are_sums_of_ortsteile(obs):
    ortsteile = obs[obs["area_id"] != "stadt"]
    city = obs[obs["area_id"] == "stadt"].set_index(["indicator_id", "year"])
    row = city.loc[("sgb2_quote", 2024)]
    part = ortsteile[(ortsteile["indicator_id"] == "sgb2_quote") & (ortsteile["year"] == 2024)]
    assert row["numerator"] == part["numerator"].sum()
    assert row["denominator"] == part["denominator"].sum()
    assert 5 < row["value"] < 15
    assert city.loc[("arbeitslosenquote", 2020), "note"] == "Ab 2020 neue Abgrenzung (Beispiel)"
    assert not obs["area_id"].str.startswith("PR").any()


def test_one_valid_polygon_per_ortsteil(out):
    collection = json.loads((out / "areas.geojson").read_text(encoding="utf-8"))
    features = collection["features"]
    assert sorted(f["properties"]["STADTTE_ID"] for f in features) == list(range(1, 54))
    for feature in features:
        assert set(feature["properties"]) == {"STADTTE_ID", "NAME", "SHAPE_AREA"}
    geoms = [shape(f["geometry"]) for f in features]
    assert all(g.geom_type in ("Polygon", "MultiPolygon") and g.is_valid for g in geoms)
    tree = shapely.STRtree(geoms)
    sharing = 0
    for i, geom in enumerate(geoms):
        neighbours = [j for j in tree.query(geom) if j != i]
        if any(geom.intersection(geoms[j]).length > 1e-4 for j in neighbours):
            sharing += 1
    assert sharing >= 0.9 * len(geoms)
    union = shapely.union_all(geoms)
    overlap = sum(g.area for g in geoms) - union.area
    assert overlap < 1e-6 * union.area


def test_estates_poorer_than_inner_city_than_villages(obs):
    sgb = obs[(obs["indicator_id"] == "sgb2_quote") & (obs["year"] == 2024) & obs["kind"].notna()]
    mean = sgb.groupby("kind")["value"].mean()
    assert mean["grosswohnsiedlung"] > mean["innenstadt"] > mean["laendlich"]


def test_foreign_nationals_rose_most_in_estates(obs):
    share = obs[obs["indicator_id"] == "auslaenderanteil"].pivot(index="name", columns="year", values="value")
    rise = share[2024] - share[2015]
    kinds = obs.drop_duplicates("name").set_index("name")["kind"]
    villages = rise[kinds.reindex(rise.index) == "laendlich"]
    assert rise[list(NORD_SUEDOST_ESTATES)].mean() > villages.mean() + 5


def test_small_counts_and_missing_rows(obs):
    small = obs[(obs["numerator"] >= 1) & (obs["numerator"] < 3)]
    assert len(small) >= 30
    missing = obs[(obs["note"] == "Daten nicht erhoben")]
    assert 10 <= len(missing) <= 20
    assert missing[["value", "numerator", "denominator"]].isna().all().all()


def test_measures_and_facilities(out, areas):
    measures = _csv(out, "measures.csv")
    assert 50 <= len(measures) <= 70
    assert set(measures["status"]) == set(MEASURE_STATUSES)
    assert (measures.loc[measures["status"] == "umgesetzt", "progress"] == 100).all()
    assert (measures.loc[measures["status"] == "geplant", "progress"] == 0).all()
    assert measures.loc[measures["status"].isin(["umgesetzt", "verstetigt"]), "actual_end"].notna().all()
    assert (measures["last_change"] <= "2024-12-31").all()
    assert (measures["planned_end"] >= measures["start"]).all()
    milestones = _csv(out, "milestones.csv")
    assert set(milestones["measure_id"]) <= set(measures["measure_id"])
    facilities = _csv(out, "facilities.csv")
    assert len(facilities) >= 30
    assert set(facilities["area_id"]) <= set(areas.loc[areas["level"] == "ortsteil", "area_id"])


def test_generator_never_imports_dash(tmp_path):
    code = ("import sys, pathlib; from sozialraum.demo import generate; "
            f"generate(pathlib.Path({str(tmp_path / 'x')!r})); "
            "assert not any(m == 'dash' or m.startswith('dash.') for m in sys.modules), 'dash imported'")
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)
