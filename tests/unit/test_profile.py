"""The district profile (sozialraum/profile.py): the summary sentences checked against the data
(expected numbers, ranks and directions computed here from the observations, independently of
the module), slugs, ranks with ties and withheld values, direction-aware judgements, measures,
facilities and similar areas."""

from __future__ import annotations

import math
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sozialraum import profile as pr
from sozialraum import sozialindex as si
from sozialraum.package import DataPackage, load_package
from tests.unit.package_builder import PackageBuilder

ERFURT = Path(__file__).resolve().parents[2] / "data" / "erfurt"


@pytest.fixture(scope="module")
def erfurt() -> DataPackage:
    return load_package(ERFURT)


# ---- an independent reading of the data ----------------------------------------------------

def de(x: float, places: int) -> str:
    """German number written out here, not with sozialraum.formatting: 1234.5 -> 1.234,5."""
    text = f"{abs(x):,.{places}f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return ("−" if x < 0 and float(f"{abs(x):.{places}f}") else "") + text


def with_unit(x: float, places: int, unit: str) -> str:
    return f"{de(x, places)} {unit}" if unit else de(x, places)


def diff_text(x: float, places: int, unit: str) -> str:
    return f"{de(abs(x), places)} Prozentpunkte" if unit == "%" else with_unit(abs(x), places, unit)


def word(x: float, places: int) -> str:
    if float(f"{abs(x):.{places}f}") == 0:
        return "gleich geblieben"
    return "gestiegen" if x > 0 else "gesunken"


class Data:
    """Values of one level straight from package.observations."""

    def __init__(self, package: DataPackage, level: str):
        obs = package.observations
        self.package = package
        self.obs = pd.DataFrame({
            "area": obs["area_id"].astype(str), "ind": obs["indicator_id"].astype(str), "year": obs["year"],
            "value": obs["value"].astype(float), "hidden": obs["suppressed"], "level": obs["level"].astype(str)})
        self.level = self.obs[self.obs["level"] == level]
        self.city = self.obs[self.obs["area"] == package.city_id].set_index(["ind", "year"])["value"]

    def latest_year(self, ind: str) -> int | None:
        rows = self.level[(self.level["ind"] == ind) & (self.level["value"].notna() | self.level["hidden"])]
        return None if rows.empty else int(rows["year"].max())

    def peers(self, ind: str, year: int) -> pd.Series:
        rows = self.level[(self.level["ind"] == ind) & (self.level["year"] == year)]
        return rows.set_index("area")["value"]

    def value(self, area: str, ind: str, year: int) -> float:
        return float(self.peers(ind, year).get(area, np.nan))

    def hidden(self, area: str, ind: str, year: int) -> bool:
        rows = self.level[(self.level["ind"] == ind) & (self.level["year"] == year) & (self.level["area"] == area)]
        return bool(rows["hidden"].any())

    def city_value(self, ind: str, year: int) -> float:
        return float(self.city.get((ind, year), np.nan))


def expected_notable(package: DataPackage, area: str, count: int = 3) -> list[dict]:
    """The indicators farthest from the city value in peer standard deviations."""
    data = Data(package, "ortsteil")
    cat = package.indicators
    found = []
    for ind in cat.index:
        if cat.at[ind, "value_type"] == "count" or ind == "einwohner":
            continue
        year = data.latest_year(ind)
        if year is None:
            continue
        peers = data.peers(ind, year).dropna()
        value, city = data.value(area, ind, year), data.city_value(ind, year)
        places = int(cat.at[ind, "decimals"])
        if (math.isnan(value) or data.hidden(area, ind, year) or math.isnan(city) or len(peers) < 3
                or not peers.std() > 0 or float(f"{abs(value - city):.{places}f}") == 0):
            continue
        before = data.value(area, ind, year - 5)
        found.append({"ind": ind, "year": year, "value": value, "city": city, "places": places,
                      "unit": str(cat.at[ind, "unit"]), "short": str(cat.at[ind, "short_name"]),
                      "z": (value - city) / peers.std(), "n": len(peers), "higher": int((peers > value).sum()),
                      "lower": int((peers < value).sum()), "ties": int((peers == value).sum()) - 1,
                      "change": value - before})
    found.sort(key=lambda r: (-abs(r["z"]), r["ind"]))
    return found[:count]


def expected_change(package: DataPackage, area: str, skip: set[str]) -> dict:
    """The indicator whose five-year change differs most from the city's (in peer sds)."""
    data = Data(package, "ortsteil")
    cat = package.indicators
    best = None
    for ind in cat.index:
        if cat.at[ind, "value_type"] == "count" or ind == "einwohner" or ind in skip:
            continue
        year = data.latest_year(ind)
        if year is None:
            continue
        now, then = data.peers(ind, year), data.peers(ind, year - 5)
        changes = (now - then.reindex(now.index)).dropna()
        value = data.value(area, ind, year)
        if (math.isnan(value) or data.hidden(area, ind, year) or area not in changes.index
                or len(now.dropna()) < 3 or not changes.std() > 0):
            continue
        city_change = data.city_value(ind, year) - data.city_value(ind, year - 5)
        if math.isnan(city_change):
            continue
        z = (changes[area] - city_change) / changes.std()
        key = (-abs(z), ind)
        if best is None or key < best[0]:
            best = (key, {"ind": ind, "year": year, "value": value, "before": data.value(area, ind, year - 5),
                          "city_change": city_change, "places": int(cat.at[ind, "decimals"]),
                          "unit": str(cat.at[ind, "unit"]), "short": str(cat.at[ind, "short_name"])})
    assert best is not None
    return best[1]


def expected_sozialindex(package: DataPackage, area: str) -> tuple[int, str | None, str]:
    method = si.resolve_method(si.default_method_name(package.path), package.path)
    year = package.years[-1]
    areas = si.compute(package, method, year).areas
    cls = areas.at[area, "class"]
    return year, (None if pd.isna(cls) else str(cls)), str(areas.at[area, "reason"])


# ---- the summary of three areas against the data -------------------------------------------

@pytest.mark.parametrize("slug", ["melchendorf", "altstadt", "wallichen"])
def test_summary_matches_the_data(erfurt, slug):
    place = pr.resolve(erfurt, slug)
    area, name = place.area_id, place.name
    sentences = pr.profile(erfurt, slug).summary
    assert 3 <= len(sentences) <= 6
    data = Data(erfurt, "ortsteil")

    # 1. population now and five years before
    year = data.latest_year("einwohner")
    now, then = data.value(area, "einwohner", year), data.value(area, "einwohner", year - 5)
    pct = abs(now - then) / then * 100
    assert sentences[0] == (f"In {name} leben {de(now, 0)} Menschen ({year}); seit {year - 5} ist die "
                            f"Einwohnerzahl um {de(abs(now - then), 0)} ({de(pct, 1)} %) {word(now - then, 0)}.")

    # 2. Sozialindex class (or the reason for none)
    si_year, cls, reason = expected_sozialindex(erfurt, area)
    if cls:
        assert sentences[1].startswith(f"Im Sozialindex {si_year} gehört {name} zur Klasse „{cls}“")
    else:
        assert sentences[1] == f"Im Sozialindex {si_year} wird {name} nicht eingestuft, Grund: {reason}."

    # 3. the three indicators farthest from the city value
    notable = expected_notable(erfurt, area)
    for sentence, row in zip(sentences[2:5], notable):
        assert f"„{row['short']}“ {with_unit(row['value'], row['places'], row['unit'])} ({row['year']})" in sentence
        side = "über" if row["value"] > row["city"] else "unter"
        assert f"{side} dem Stadtwert ({with_unit(row['city'], row['places'], row['unit'])})" in sentence
        if row["value"] > row["city"]:
            position = (f"der höchste Wert aller {row['n']} Ortsteile" if row["higher"] == 0 and not row["ties"]
                        else f"höher als in {row['lower']} von {row['n']} Ortsteilen")
        else:
            position = (f"der niedrigste Wert aller {row['n']} Ortsteile" if row["lower"] == 0 and not row["ties"]
                        else f"niedriger als in {row['higher']} von {row['n']} Ortsteilen")
        assert f"das ist {position}" in sentence
        if not math.isnan(row["change"]):
            direction = word(row["change"], row["places"])
            if direction == "gleich geblieben":
                assert f"seit {row['year'] - 5} ist er gleich geblieben." in sentence
            else:
                assert (f"seit {row['year'] - 5} ist er um {diff_text(row['change'], row['places'], row['unit'])} "
                        f"{direction}.") in sentence
        assert name in sentence

    # 4. the change that differs most from the city's
    change = expected_change(erfurt, area, {r["ind"] for r in notable})
    last = sentences[5]
    assert f"„{change['short']}“" in last and name in last
    assert (f"seit {change['year'] - 5} von {with_unit(change['before'], change['places'], change['unit'])} auf "
            f"{with_unit(change['value'], change['places'], change['unit'])} "
            f"{word(change['value'] - change['before'], change['places'])}") in last
    city_word = word(change["city_change"], change["places"])
    by = diff_text(change["city_change"], change["places"], change["unit"])
    if city_word == "gleich geblieben":
        assert last.endswith("in der ganzen Stadt gleich geblieben.")
    else:
        assert last.endswith(f"in der ganzen Stadt um {by} {city_word}.")


def test_one_sentence_reads_as_written(erfurt):
    """A fixed sentence of the deterministic demo package: the wording a reader sees."""
    sentences = pr.profile(erfurt, "melchendorf").summary
    assert "In Melchendorf beträgt der Wert für „Anteil 80 und älter“ 11,7 % (2024) und liegt damit über dem " \
           "Stadtwert (7,8 %); das ist höher als in 50 von 53 Ortsteilen; seit 2019 ist er um 2,5 Prozentpunkte " \
           "gestiegen." in sentences


def test_every_ortsteil_gets_a_summary(erfurt):
    ortsteile = erfurt.area_frames["ortsteil"]
    assert len(ortsteile) == 53
    for slug, name in zip(ortsteile["slug"], ortsteile["name"]):
        sentences = pr.profile(erfurt, slug).summary
        assert 3 <= len(sentences) <= 6, slug
        text = " ".join(sentences)
        assert name in text
        assert not re.search(r"\b(nan|NaN|None|inf)\b", text), text
        assert all(s.endswith(".") for s in sentences)
        # numbers are German: no decimal point between digits (thousands use "." only before 3 digits)
        assert not re.search(r"\d\.\d{1,2}(?!\d)", text), text


def test_city_and_planning_area(erfurt):
    city = pr.profile(erfurt, "erfurt")
    assert city.place.is_city and pr.resolve(erfurt, "stadt") == city.place
    assert 3 <= len(city.summary) <= 6 and all("Erfurt" in s for s in city.summary)
    assert all(r.rank is None and r.difference is None for r in city.rows)
    pr_nord = pr.profile(erfurt, "planungsraum-nord")
    assert pr_nord.head.sozialindex_class is None and pr_nord.head.planungsraum is None
    assert any("von 6 Planungsräumen" in s or "aller 6 Planungsräume" in s for s in pr_nord.summary)


def test_unknown_slug_is_a_german_error(erfurt):
    with pytest.raises(pr.ProfileError) as error:
        pr.resolve(erfurt, "gibt-es-nicht")
    assert "„gibt-es-nicht“ gibt es im Datenpaket Erfurt nicht" in error.value.message
    with pytest.raises(pr.ProfileError):
        pr.profile(erfurt, "")


def test_head_facts(erfurt):
    head = pr.profile(erfurt, "melchendorf").head
    assert head.kind == "Großwohnsiedlung" and head.ortsteilrat is True
    assert head.planungsraum.name == "Planungsraum Südost"
    data = Data(erfurt, "ortsteil")
    assert head.population == data.value("13", "einwohner", 2024)
    assert head.population_change == data.value("13", "einwohner", 2024) - data.value("13", "einwohner", 2019)
    assert [y for y, _ in head.sozialindex_history] == erfurt.years
    assert head.sozialindex_class == expected_sozialindex(erfurt, "13")[1]
    assert pr.profile(erfurt, "altstadt").head.ortsteilrat is False


def test_indicator_rows_against_the_data(erfurt):
    result = pr.profile(erfurt, "rieth")
    data = Data(erfurt, "ortsteil")
    assert [g.theme for g in result.themes] == list(dict.fromkeys(erfurt.indicators["theme"]))[:len(result.themes)]
    row = next(r for r in result.rows if r.indicator_id == "kinderarmut")
    peers = data.peers("kinderarmut", 2024).dropna()
    assert row.value == data.value("6", "kinderarmut", 2024)
    assert row.rank == int((peers > row.value).sum()) + 1 and row.rank_of == len(peers)
    assert row.city_value == data.city_value("kinderarmut", 2024)
    assert row.difference == pytest.approx(row.value - row.city_value)
    assert row.change_1y == pytest.approx(row.value - data.value("6", "kinderarmut", 2023))
    assert row.change_5y == pytest.approx(row.value - data.value("6", "kinderarmut", 2019))
    assert [y for y, _, _ in row.sparkline] == erfurt.years
    # kinderarmut: higher = more need; above the city is "worse"
    assert row.position == ("worse" if row.difference > 0 else "better")


def test_one_profile_is_fast(erfurt):
    pr.profile(erfurt, "melchendorf")  # builds the per-package caches once
    started = time.perf_counter()
    pr.profile(erfurt, "herrenberg")
    assert time.perf_counter() - started < 0.2


# ---- ranks, ties, withheld values, directions (small package) ------------------------------

@pytest.fixture(scope="module")
def small(tmp_path_factory) -> DataPackage:
    b = PackageBuilder.valid()
    b.row("observations", area_id="a", indicator_id="sgb2", year=2021).update(numerator=2, value=round(2 / 790 * 100, 2))
    # Nord (d) gets the same Wohnfläche as Cäcilienhöhe (c) in 2021: 40 m² both
    b.row("observations", area_id="d", indicator_id="wohnflaeche", year=2021).update(numerator=164000, value=40.0)
    return load_package(b.write(tmp_path_factory.mktemp("profile")))


def rows_by_id(package, slug):
    return {r.indicator_id: r for r in pr.profile(package, slug).rows}


def test_withheld_value_is_not_ranked(small):
    a = rows_by_id(small, "altdorf")["sgb2"]
    assert a.suppressed and a.value is None and a.rank is None and a.rank_of is None
    assert a.text() == "·"
    # Böhlitz is withheld too (its Planungsraum's total would reveal Altdorf): two ranked Ortsteile
    b = rows_by_id(small, "boehlitz")["sgb2"]
    assert b.suppressed and b.rank is None and b.judgement_1y is None
    c, d = rows_by_id(small, "caecilienhoehe")["sgb2"], rows_by_id(small, "nord")["sgb2"]
    assert (c.rank, c.rank_of, d.rank, d.rank_of) == (1, 2, 2, 2)


def test_ties_share_the_best_rank(small):
    c, d = rows_by_id(small, "caecilienhoehe")["wohnflaeche"], rows_by_id(small, "nord")["wohnflaeche"]
    assert c.value == d.value == 40.0
    assert c.rank == d.rank and c.ties == d.ties == 1
    assert c.rank == 1 + sum(r["wohnflaeche"].value > 40.0 for r in
                             (rows_by_id(small, s) for s in ("altdorf", "boehlitz")))


def test_judgements_follow_the_direction(small):
    # sgb2 (higher = more need, so lower is better) fell in Cäcilienhöhe: 11,76 % -> 10,56 %: better
    c = rows_by_id(small, "caecilienhoehe")["sgb2"]
    assert c.change_1y == pytest.approx(-1.2) and c.judgement_1y == "better"
    assert c.value < c.city_value and c.position == "better"  # less need than the city
    b = rows_by_id(small, "boehlitz")
    # Wohnfläche (lower = more need) rose in Böhlitz: better; unchanged in Cäcilienhöhe (40 -> 40)
    assert b["wohnflaeche"].change_1y > 0 and b["wohnflaeche"].judgement_1y == "better"
    assert rows_by_id(small, "caecilienhoehe")["wohnflaeche"].judgement_1y == "unchanged"
    # Nord: Wohnfläche fell 42,5 -> 40: worse; Einwohner has no direction
    d = rows_by_id(small, "nord")
    assert d["wohnflaeche"].change_1y < 0 and d["wohnflaeche"].judgement_1y == "worse"
    assert d["einwohner"].judgement_1y == "neutral"
    assert pr.judge(-0.04, "need_higher", 1) == "unchanged" and pr.judge(None, "need_higher", 1) is None
    assert pr.judge(-1.0, "need_lower", 1) == "worse" and pr.arrow(-1.0, 1) == "↓"


def test_small_summary_has_no_gaps(small):
    for slug in ("altdorf", "boehlitz", "caecilienhoehe", "nord", "nord-planungsraum", "musterstadt"):
        text = " ".join(pr.profile(small, slug).summary)
        assert "nan" not in text.lower() and "None" not in text and "·" not in text
    # Altdorf's SGB-II value is withheld: never described
    assert "SGB II" not in " ".join(pr.profile(small, "altdorf").summary)


# ---- measures, facilities, similar areas ---------------------------------------------------

def test_measures_of_an_area(erfurt):
    place = pr.resolve(erfurt, "melchendorf")
    frame = erfurt.measures
    result = pr.measures(erfurt, place, frame)
    expected = {m for m, areas in zip(frame["measure_id"], frame["area_ids"]) if "13" in tuple(map(str, areas))}
    assert set(result.local["measure_id"]) == expected and expected
    citywide = {m for m, areas in zip(frame["measure_id"], frame["area_ids"]) if len(areas) == 0}
    assert set(result.citywide["measure_id"]) == citywide
    served = sum(len(v) for v in result.local["leitlinien"])
    assert int(result.counts.to_numpy().sum()) == served
    assert int(result.offices["measures"].sum()) == len(expected)
    # a Planungsraum has the measures of its Ortsteile
    south_east = pr.measures(erfurt, pr.resolve(erfurt, "planungsraum-suedost"), frame)
    assert expected <= set(south_east.local["measure_id"])


def test_facilities_in_and_near(small, erfurt):
    a = pr.facilities(small, pr.resolve(small, "altdorf"))
    assert list(a["facility_id"]) == ["F-1"] and list(a["where"]) == ["in der Nachbarschaft"]
    b = pr.facilities(small, pr.resolve(small, "boehlitz"))
    assert list(b["where"]) == ["im Gebiet"]
    assert pr.facilities(small, pr.resolve(small, "nord")).empty  # d touches only c
    assert pr.neighbours(small, "ortsteil")["a"] == ("b",)
    melchendorf = pr.facilities(erfurt, pr.resolve(erfurt, "melchendorf"))
    inside = melchendorf[melchendorf["where"] == "im Gebiet"]
    assert set(inside["area_id"]) == {"13"} and len(inside) == int((erfurt.facilities["area_id"] == "13").sum())
    assert set(melchendorf["area_id"]) - {"13"} <= set(pr.neighbours(erfurt, "ortsteil")["13"])


def test_similar_areas(erfurt):
    place = pr.resolve(erfurt, "melchendorf")
    result = pr.similar(erfurt, place, k=5)
    assert len(result) == 5 and place.area_id not in [s.area_id for s in result]
    assert [s.distance for s in result] == sorted(s.distance for s in result)
    assert all(erfurt.area_lookup[s.slug] == s.area_id for s in result)
    # the Großwohnsiedlungen resemble each other more than villages do
    kinds = erfurt.areas["kind"]
    assert sum(kinds[s.area_id] == "grosswohnsiedlung" for s in result) >= 3
    assert pr.similar(erfurt, pr.resolve(erfurt, "erfurt")) == []


def test_measures_from_the_database(erfurt, tmp_path):
    """The page passes MeasureStore.frame() (tuples, typed columns): same result as the CSV frame."""
    from sozialraum.store import MeasureStore

    store = MeasureStore(f"sqlite:///{tmp_path / 'm.db'}", tmp_path)
    store.setup(erfurt)
    place = pr.resolve(erfurt, "herrenberg")
    from_db, from_csv = pr.measures(erfurt, place, store.frame()), pr.measures(erfurt, place, erfurt.measures)
    assert list(from_db.local["measure_id"]) == list(from_csv.local["measure_id"])
    assert from_db.counts.equals(from_csv.counts)
    assert list(from_db.local["status_label"]) == list(from_csv.local["status_label"])
    assert set(from_db.local["status_label"]) <= {"geplant", "in Vorbereitung", "in Umsetzung", "umgesetzt",
                                                  "verstetigt", "zurückgestellt", "abgebrochen"}


def test_large_counts_are_german(erfurt):
    """Ranks among thousands of areas read "4.754 von 5.000" (a big city's Quartiere)."""
    from dataclasses import replace

    row = next(r for r in pr.profile(erfurt, "melchendorf").rows if r.indicator_id == "jugendquotient")
    many = replace(row, value=2.0, city_value=1.0, difference=1.0, rank=246, rank_of=5000, higher=245,
                   lower=4754, ties=0, zscore=3.0)
    assert pr._position_phrase(many, "ortsteil") == "höher als in 4.754 von 5.000 Ortsteilen"
    top = replace(many, higher=0, lower=4998, ties=1)
    assert pr._position_phrase(top, "ortsteil") == "gemeinsam mit 1 weiteren der höchste Wert aller 5.000 Ortsteile"
    low = replace(many, difference=-1.0, higher=4999, lower=0, ties=0)
    assert pr._position_phrase(low, "quartier") == "der niedrigste Wert aller 5.000 Quartiere"


def test_neighbours_without_geometry_by_distance(tmp_path):
    """Without outlines, the nearest area centres count as neighbours (nearest first)."""
    from dataclasses import replace

    b = PackageBuilder.valid()
    for k, area in enumerate("abcd"):
        b.row("areas", area_id=area).update(lat="50.905", lon=f"{11.005 + 0.01 * k:.3f}")
    package = load_package(b.write(tmp_path / "pkg"))
    assert pr.neighbours(package, "ortsteil")["a"] == ("b",)  # from the outlines
    bare = replace(package, geojson={})
    assert pr.neighbours(bare, "ortsteil")["a"] == ("b", "c", "d")
    assert pr.neighbours(bare, "ortsteil")["c"][:2] in (("b", "d"), ("d", "b"))
