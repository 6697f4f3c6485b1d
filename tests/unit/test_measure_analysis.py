"""Analyses of the measures frame (sozialraum/measure_analysis.py): the linked URL filter, the
overviews (Leitlinien cards, status matrix, timeline, areas, need vs. action), the AG Grid
server-side rows and the CSV/XLSX exports.

Exact expectations come from small hand-built frames on the bundled Erfurt package (Ortsteile
1 Altstadt, 2 Löbervorstadt in Planungsraum PR1 "Innenstadt"; 5 Berliner Platz, 6 Rieth in
PR2 "Nord"); the real 61 measures check that everything runs on real data.
"""

from __future__ import annotations

import csv
import functools
import io
import tempfile
from datetime import date, datetime
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sozialraum import measure_analysis as ma
from sozialraum.package import DataPackage, load_package
from sozialraum.schema import MEASURE_STATUSES, MEASURES
from tests.unit.package_builder import PackageBuilder

ERFURT = Path(__file__).resolve().parents[2] / "data" / "erfurt"
HOSTILE = "<script>alert(1)</script>"


@functools.cache
def package(name: str = "erfurt") -> DataPackage:
    tmp = Path(tempfile.mkdtemp(prefix=f"measure-analysis-{name}-"))
    if name == "test":
        return load_package(PackageBuilder.valid().write(tmp / "pkg"), cache_dir=tmp / "cache")
    return load_package(ERFURT, cache_dir=tmp / "cache")


def real_frame() -> pd.DataFrame:
    """The bundled measures as the store delivers them (plus the store's own columns)."""
    frame = package().measures.copy()
    frame["version"] = 1
    frame["archived"] = False
    frame["updated_at"] = pd.Timestamp("2025-01-01 12:00")
    frame["updated_by"] = "import"
    return frame


def measure(measure_id: str, **values) -> dict:
    row = {
        "measure_id": measure_id, "title": f"Maßnahme {measure_id}", "description": "", "leitlinien": ("1",),
        "primary_leitlinie": 1, "area_ids": (), "responsible": "Amt für Soziales", "traeger": None,
        "partners": None, "status": "geplant", "start": None, "planned_end": None, "actual_end": None,
        "progress": None, "budget_planned": None, "budget_spent": None, "funding": None,
        "target_indicators": (), "priority": None, "source": None, "last_change": None,
    }
    row.update(values)
    return row


def frame_of(*rows: dict) -> pd.DataFrame:
    """A measures frame with the dtypes of the contract."""
    columns = [f.name for f in MEASURES.fields]
    frame = pd.DataFrame(list(rows), columns=columns)
    for name in ("start", "planned_end", "actual_end", "last_change"):
        frame[name] = pd.to_datetime(frame[name])
    for name in ("primary_leitlinie", "progress"):
        frame[name] = frame[name].astype("Int64")
    for name in ("budget_planned", "budget_spent"):
        frame[name] = frame[name].astype("float64")
    for name in ("leitlinien", "area_ids", "target_indicators"):
        frame[name] = frame[name].astype(object)
    return frame


def empty_frame() -> pd.DataFrame:
    return frame_of(measure("X")).iloc[0:0]


@pytest.fixture
def small() -> pd.DataFrame:
    return frame_of(
        measure("M-1", title="Stadtteilzentrum Löbervorstadt", leitlinien=("1", "4"), primary_leitlinie=4,
                area_ids=("2",), status="in_umsetzung", start="2021-01-01", planned_end="2023-12-31",
                progress=50, budget_planned=1000.0, budget_spent=400.0, traeger="Träger Süd e. V."),
        measure("M-2", title="Spielplatz an der Hauptstraße", leitlinien=("3",), primary_leitlinie=3,
                area_ids=("5", "6"), status="umgesetzt", start="2020-05-01", planned_end="2021-06-30",
                actual_end="2021-08-15", progress=100, budget_planned=500.5, budget_spent=500.5),
        measure("M-3", title="Sozialberatung gesamtstädtisch", leitlinien=("4",), primary_leitlinie=4,
                area_ids=(), status="verstetigt", start="2019-01-01", planned_end="2020-01-01",
                progress=None, partners="Jobcenter Erfurt"),
        measure("M-4", title="Quartiersfonds", leitlinien=("4", "5"), primary_leitlinie=5,
                area_ids=("6",), status="abgebrochen", start=None, planned_end="2022-01-01",
                description="Bürgerinnen entscheiden über kleine Projekte."),
        measure("M-5", title="Ärztehaus Rieth", leitlinien=("3",), primary_leitlinie=3, area_ids=("6",),
                status="zurueckgestellt", start="2022-03-01", planned_end="2024-12-31", progress=10,
                budget_planned=2000.0, responsible="Gesundheitsamt"),
    )


# ---- filter from / to the URL --------------------------------------------------------------

def test_filter_from_query_reads_every_parameter():
    f, notices = ma.filter_from_query(package(), {"leitlinie": "4", "status": "in_umsetzung",
                                                  "gebiet": "rieth", "suche": "  Jugend  "})
    assert f == ma.MeasureFilter(leitlinie=4, status="in_umsetzung", area_id="6", search="Jugend")
    assert notices == []
    assert not f.is_empty and ma.MeasureFilter().is_empty


def test_filter_accepts_area_id_planning_area_and_status_label():
    f, notices = ma.filter_from_query(package(), {"gebiet": "PR2", "status": "in Umsetzung"})
    assert (f.area_id, f.status, notices) == ("PR2", "in_umsetzung", [])
    assert ma.filter_to_query(package(), f) == {"status": "in_umsetzung", "gebiet": "planungsraum-nord"}


@pytest.mark.parametrize("query, expected", [
    ({"leitlinie": "7"}, "Die Leitlinie „7“ gibt es nicht; gezeigt werden die Maßnahmen aller Leitlinien."),
    ({"leitlinie": "²"}, "Die Leitlinie „²“ gibt es nicht; gezeigt werden die Maßnahmen aller Leitlinien."),
    ({"status": "fertig"}, "Den Status „fertig“ gibt es nicht; gezeigt werden die Maßnahmen jedes Status."),
    ({"gebiet": "atlantis"}, "Das Gebiet „atlantis“ gibt es nicht; gezeigt werden die Maßnahmen aller Gebiete."),
    ({"gebiet": "erfurt"}, "„erfurt“ ist die ganze Stadt; gezeigt werden die Maßnahmen aller Gebiete."),
    ({"suche": "a" * 150}, "Der Suchbegriff ist länger als 100 Zeichen; gesucht wird nach den ersten 100."),
])
def test_bad_values_are_dropped_with_a_german_notice(query, expected):
    f, notices = ma.filter_from_query(package(), query)
    assert notices == [expected]
    if "suche" in query:
        assert f.search == "a" * 100
    else:
        assert f == ma.MeasureFilter()


def test_notice_echoes_at_most_40_characters_and_keeps_html_as_text():
    bad = "<script>alert(1)</script>" + "x" * 100
    _, notices = ma.filter_from_query(package(), {"status": bad, "leitlinie": "", "gebiet": ""})
    assert notices == [f"Den Status „{bad[:40]}…“ gibt es nicht; gezeigt werden die Maßnahmen jedes Status."]


def test_filter_to_query_leaves_out_what_is_not_set():
    assert ma.filter_to_query(package(), ma.MeasureFilter()) == {}
    assert ma.filter_to_query(package(), ma.MeasureFilter(leitlinie=2, search="Kita")) == {
        "leitlinie": "2", "suche": "Kita"}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(leitlinie=st.one_of(st.none(), st.text(max_size=3), st.sampled_from(["1", "6", "0", " 3 "])),
       status=st.one_of(st.none(), st.text(max_size=12), st.sampled_from(MEASURE_STATUSES)),
       gebiet=st.one_of(st.none(), st.text(max_size=12),
                        st.sampled_from(["rieth", "PR2", "6", "erfurt", "planungsraum-west"])),
       suche=st.one_of(st.none(), st.text(max_size=130)))
def test_url_round_trip(leitlinie, status, gebiet, suche):
    query = {k: v for k, v in {"leitlinie": leitlinie, "status": status, "gebiet": gebiet,
                               "suche": suche}.items() if v is not None}
    f, _ = ma.filter_from_query(package(), query)
    again, notices = ma.filter_from_query(package(), ma.filter_to_query(package(), f))
    assert again == f and notices == []
    assert len(f.search) <= ma.MAX_SEARCH and f.search == f.search.strip()


# ---- apply_filter --------------------------------------------------------------------------

def ids(frame: pd.DataFrame) -> list[str]:
    return list(frame["measure_id"])


def test_apply_filter_leitlinie_matches_any_served_leitlinie(small):
    assert ids(ma.apply_filter(small, ma.MeasureFilter(leitlinie=4), package())) == ["M-1", "M-3", "M-4"]
    assert ids(ma.apply_filter(small, ma.MeasureFilter(leitlinie=6), package())) == []


def test_apply_filter_status_exact(small):
    assert ids(ma.apply_filter(small, ma.MeasureFilter(status="umgesetzt"), package())) == ["M-2"]


def test_apply_filter_area_ortsteil_planning_area_and_city_wide(small):
    p = package()
    assert ids(ma.apply_filter(small, ma.MeasureFilter(area_id="6"), p)) == ["M-2", "M-4", "M-5"]
    assert ids(ma.apply_filter(small, ma.MeasureFilter(area_id="PR2"), p)) == ["M-2", "M-4", "M-5"]
    assert ids(ma.apply_filter(small, ma.MeasureFilter(area_id="PR1"), p)) == ["M-1"]
    assert ids(ma.apply_filter(small, ma.MeasureFilter(area_id="PR6"), p)) == []  # M-3 is city-wide


@pytest.mark.parametrize("text, expected", [
    ("strasse", ["M-2"]),            # ß
    ("HAUPTSTRASSE", ["M-2"]),
    ("loeber", ["M-1"]),             # transliterated umlaut
    ("lober", ["M-1"]),              # base letter
    ("löber", ["M-1"]),
    ("arztehaus", ["M-5"]),
    ("traeger sued", ["M-1"]),       # Träger column
    ("jobcenter", ["M-3"]),          # partners
    ("bürgerinnen", ["M-4"]),        # description
    ("m-5", ["M-5"]),                # id
    ("gesundheitsamt", ["M-5"]),     # Federführung
    ("nichts davon", []),
])
def test_search_is_case_accent_and_umlaut_tolerant(small, text, expected):
    assert ids(ma.apply_filter(small, ma.MeasureFilter(search=text), package())) == expected


def test_filters_combine_and_empty_frame_stays_empty(small):
    f = ma.MeasureFilter(leitlinie=3, area_id="PR2", status="zurueckgestellt", search="rieth")
    assert ids(ma.apply_filter(small, f, package())) == ["M-5"]
    assert ma.apply_filter(empty_frame(), f, package()).empty
    assert len(ma.apply_filter(small, ma.MeasureFilter(), package())) == 5


def test_apply_filter_on_the_bundled_measures():
    frame = real_frame()
    by_area = ma.apply_filter(frame, ma.MeasureFilter(area_id="PR1"), package())
    children = set(package().areas.index[package().areas["parent_id"] == "PR1"])
    assert len(by_area) > 0
    assert all(set(a) & children for a in by_area["area_ids"])
    assert len(ma.apply_filter(frame, ma.MeasureFilter(status="in_umsetzung"), package())) == 21


# ---- overviews -----------------------------------------------------------------------------

def test_leitlinie_cards(small):
    cards = ma.leitlinie_cards(small, package())
    assert [c["number"] for c in cards] == [1, 2, 3, 4, 5, 6]
    four = cards[3]
    assert four["title"] == "Armut vermeiden"
    assert (four["count"], four["primary"]) == (3, 2)  # M-1, M-3, M-4 serve it; M-1, M-3 primarily
    assert four["status_counts"] == {"geplant": 0, "in_vorbereitung": 0, "in_umsetzung": 1, "umgesetzt": 0,
                                     "verstetigt": 1, "zurueckgestellt": 0, "abgebrochen": 1}
    assert four["share_done"] == pytest.approx(1 / 3)
    assert four["mean_progress"] == 50.0  # only M-1 has a progress value
    assert (four["budget_planned"], four["budget_spent"]) == (1000.0, 400.0)
    three = cards[2]
    assert (three["count"], three["share_done"], three["mean_progress"]) == (2, 0.5, 55.0)
    assert three["budget_planned"] == 2500.5
    six = cards[5]
    assert (six["count"], six["primary"], six["share_done"], six["mean_progress"]) == (0, 0, None, None)
    assert set(six["status_counts"].values()) == {0} and six["budget_planned"] == 0.0


def test_leitlinie_cards_on_empty_and_real_frames():
    assert all(c["count"] == 0 and c["share_done"] is None for c in ma.leitlinie_cards(empty_frame(), package()))
    cards = ma.leitlinie_cards(real_frame(), package())
    assert sum(c["primary"] for c in cards) == 61
    assert sum(c["count"] for c in cards) >= 61


def test_status_by_leitlinie(small):
    table = ma.status_by_leitlinie(small)
    assert list(table.index) == [1, 2, 3, 4, 5, 6]
    assert list(table.columns) == list(MEASURE_STATUSES)
    assert table.loc[4].tolist() == [0, 0, 1, 0, 1, 0, 1]
    assert table.loc[3].tolist() == [0, 0, 0, 1, 0, 1, 0]
    assert table.loc[2].sum() == 0 and int(table.to_numpy().sum()) == 7
    empty = ma.status_by_leitlinie(empty_frame())
    assert empty.shape == (6, 7) and int(empty.to_numpy().sum()) == 0


def test_timeline_sorting_end_and_overdue(small):
    result = ma.timeline(small, date(2024, 1, 1))
    assert result.without_start == 1  # M-4 has no start
    t = result.frame
    assert list(t["measure_id"]) == ["M-2", "M-5", "M-3", "M-1"]  # primary 3, 3, 4, 4; then start
    ends = dict(zip(t["measure_id"], t["end"]))
    assert ends["M-2"] == pd.Timestamp("2021-08-15")  # actual end wins
    assert ends["M-1"] == pd.Timestamp("2023-12-31")
    overdue = dict(zip(t["measure_id"], t["overdue"]))
    # M-1 in Umsetzung past its end: overdue; M-2 umgesetzt, M-3 verstetigt: finished;
    # M-5 zurückgestellt but its end lies in the future
    assert overdue == {"M-1": True, "M-2": False, "M-3": False, "M-5": False}
    later = ma.timeline(small, date(2025, 1, 1)).frame
    assert later.loc[later["overdue"], "measure_id"].tolist() == ["M-5", "M-1"]
    same_day = ma.timeline(small, date(2023, 12, 31)).frame
    assert not same_day.loc[same_day["measure_id"] == "M-1", "overdue"].item()  # due today: not overdue
    assert t["status_label"].tolist() == ["umgesetzt", "zurückgestellt", "verstetigt", "in Umsetzung"]


def test_timeline_empty():
    result = ma.timeline(empty_frame(), date(2024, 1, 1))
    assert result.without_start == 0 and result.frame.empty
    assert list(result.frame.columns) == ["measure_id", "title", "primary_leitlinie", "status", "status_label",
                                          "start", "end", "overdue"]


def test_area_counts(small):
    counts = ma.area_counts(small, package())
    table = counts.table.set_index("area_id")["measures"]
    assert len(table) == 53
    assert (table["6"], table["5"], table["2"], table["1"]) == (3, 1, 1, 0)
    assert int(table.sum()) == 5  # M-2 counts for 5 and 6
    assert list(counts.citywide["measure_id"]) == ["M-3"]
    assert list(counts.table.columns) == ["area_id", "name", "slug", "measures"]
    planning = ma.area_counts(small, package(), "planungsraum").table.set_index("area_id")["measures"]
    assert planning.to_dict() == {"PR1": 1, "PR2": 3, "PR3": 0, "PR4": 0, "PR5": 0, "PR6": 0}


def test_area_counts_empty_and_real():
    assert int(ma.area_counts(empty_frame(), package()).table["measures"].sum()) == 0
    real = ma.area_counts(real_frame(), package())
    assert len(real.citywide) == 12
    touches = sum(len(set(a)) for a in real_frame()["area_ids"])
    assert int(real.table["measures"].sum()) == touches


def test_leitlinie_area_matrix(small):
    matrix = ma.leitlinie_area_matrix(small, package())
    assert matrix.shape == (6, 53) and list(matrix.index) == [1, 2, 3, 4, 5, 6]
    assert matrix.at[3, "6"] == 2 and matrix.at[4, "6"] == 1 and matrix.at[5, "6"] == 1
    assert matrix.at[1, "2"] == 1 and matrix.at[4, "2"] == 1
    assert int(matrix.to_numpy().sum()) == 7  # M-3 (city-wide) is not in it
    assert int(ma.leitlinie_area_matrix(empty_frame(), package()).to_numpy().sum()) == 0


def test_default_need_is_the_sozialindex_status_class():
    need, label, explanation = ma.default_need(package())
    assert label == "Sozialindex 2024 (Statusklasse)"
    assert "Sozialindex Erfurt (Beispielmethode)" in explanation and "10 Gebiete" in explanation
    assert len(need) == 53 and int(need.isna().sum()) == 10
    assert need.cat.ordered and list(need.cat.categories)[-1] == "besonderer Handlungsbedarf"
    assert need["6"] == "besonderer Handlungsbedarf"  # Rieth


def test_default_need_falls_back_to_a_need_indicator():
    """The small test package has none of the indicators of the Erfurt method: no index."""
    need, label, explanation = ma.default_need(package("test"))
    assert label == "SGB II 2021 (%)"
    assert explanation.startswith("Kein Sozialindex berechenbar (")
    assert "„SGB-II-Quote“ 2021" in explanation
    assert need.dtype == "float64" and list(need.index) == ["a", "b", "c", "d"]


def test_need_vs_action(small):
    need, _, _ = ma.default_need(package())
    table = ma.need_vs_action(small, package(), need).set_index("area_id")
    assert list(table.columns) == ["name", "slug", "need", "need_order", "measures", "active_measures"]
    assert table.loc["6", ["need", "need_order", "measures", "active_measures"]].tolist() == [
        "besonderer Handlungsbedarf", 4, 3, 0]
    assert table.loc["2", "measures"] == 1 and table.loc["2", "active_measures"] == 1
    missing = table[table["need"].isna()]
    assert len(missing) == 10 and missing["need_order"].isna().all()
    numeric = ma.need_vs_action(small, package(), pd.Series({"6": 31.5, "5": 12.0}))
    row = numeric.set_index("area_id").loc["6"]
    assert (row["need"], row["need_order"]) == (31.5, 31.5)
    assert np.isnan(numeric.set_index("area_id").loc["1", "need"])


# ---- display frame -------------------------------------------------------------------------

def test_display_frame(small):
    d = ma.display_frame(small, package())
    assert list(d.columns) == [c.field for c in ma.GRID_COLUMNS]
    first = d.iloc[0]
    assert first["leitlinien"] == "1, 4" and first["status"] == "in Umsetzung"
    assert first["areas"] == "Löbervorstadt" and first["start"] == "2021-01-01"
    assert first["actual_end"] is None and first["budget_planned"] == 1000.0
    assert d.iloc[1]["areas"] == "Berliner Platz, Rieth"
    assert d.iloc[2]["areas"] == "gesamtstädtisch"
    assert np.isnan(d.iloc[2]["progress"])


def test_display_frame_last_change_falls_back_to_updated_at():
    frame = real_frame()
    frame.loc[0, "last_change"] = pd.NaT
    d = ma.display_frame(frame, package())
    assert d.loc[0, "last_change"] == "2025-01-01"
    assert d.loc[1, "last_change"] == frame.loc[1, "last_change"].strftime("%Y-%m-%d")
    assert len(d) == 61 and ma.display_frame(empty_frame(), package()).empty


# ---- AG Grid server side -------------------------------------------------------------------

@pytest.fixture
def grid() -> pd.DataFrame:
    rows = [
        # title, responsible, progress, budget, start
        ("Zentrum", "Amt für Soziales", 10, 100.0, "2021-01-01"),
        ("Äpfel für Kitas", "Jugendamt", 50, None, "2022-06-15"),
        ("apfelbaum", None, None, 300.0, None),
        ("Öffentliche Toilette", "Amt für Soziales", 100, 200.0, "2020-03-01"),
        ("Ofen", "Bauamt", 50, 200.0, "2022-06-15"),
        ("Straßenfest", "", 0, 50.5, "2023-01-10"),
    ]
    return pd.DataFrame({
        "measure_id": [f"G-{i}" for i in range(1, 7)],
        "title": [r[0] for r in rows],
        "responsible": [r[1] for r in rows],
        "progress": [np.nan if r[2] is None else float(r[2]) for r in rows],
        "budget_planned": [np.nan if r[3] is None else r[3] for r in rows],
        "start": [r[4] for r in rows],
        "status": ["geplant", "in Umsetzung", "abgebrochen", "umgesetzt", "geplant", "verstetigt"],
    })


def run(grid, filter_model=None, sort_model=None, start=0, end=100):
    rows, count = ma.grid_rows(grid, filter_model or {}, sort_model or [], start, end)
    return [r["measure_id"] for r in rows], count


def text(type_, value=None, **extra):
    return {"filterType": "text", "type": type_, "filter": value, **extra}


@pytest.mark.parametrize("model, expected", [
    (text("contains", "apfel"), ["G-2", "G-3"]),                       # "Äpfel" folds to "apfel"
    (text("contains", "strasse"), ["G-6"]),
    (text("notContains", "apfel"), ["G-1", "G-4", "G-5", "G-6"]),
    (text("equals", "ofen"), ["G-5"]),
    (text("notEqual", "ofen"), ["G-1", "G-2", "G-3", "G-4", "G-6"]),
    (text("startsWith", "oe"), ["G-4"]),                               # "Öffentliche" as "oeffentliche"
    (text("startsWith", "o"), ["G-4", "G-5"]),
    (text("endsWith", "baum"), ["G-3"]),
])
def test_text_filters(grid, model, expected):
    assert run(grid, {"title": model})[0] == expected


def test_text_blank_filters_and_empty_cells(grid):
    assert run(grid, {"responsible": text("blank")})[0] == ["G-3", "G-6"]
    assert run(grid, {"responsible": text("notBlank")})[0] == ["G-1", "G-2", "G-4", "G-5"]
    # an empty cell does not contain the text, so it passes notContains / notEqual ...
    assert run(grid, {"responsible": text("notContains", "amt")})[0] == ["G-3", "G-6"]
    assert run(grid, {"responsible": text("notEqual", "bauamt")})[0] == ["G-1", "G-2", "G-3", "G-4", "G-6"]
    # ... and fails contains
    assert run(grid, {"responsible": text("contains", "a")})[0] == ["G-1", "G-2", "G-4", "G-5"]


def number(type_, value=None, to=None):
    return {"filterType": "number", "type": type_, "filter": value, "filterTo": to}


@pytest.mark.parametrize("model, expected", [
    (number("equals", 50), ["G-2", "G-5"]),
    (number("notEqual", 50), ["G-1", "G-4", "G-6"]),   # blanks only pass "blank"
    (number("lessThan", 50), ["G-1", "G-6"]),
    (number("lessThanOrEqual", 50), ["G-1", "G-2", "G-5", "G-6"]),
    (number("greaterThan", 50), ["G-4"]),
    (number("greaterThanOrEqual", 50), ["G-2", "G-4", "G-5"]),
    (number("inRange", 0, 50), ["G-1"]),               # AG Grid's default: both ends excluded
    (number("inRange", 100, 0), ["G-1", "G-2", "G-5"]),  # reversed bounds
    (number("blank"), ["G-3"]),
    (number("notBlank"), ["G-1", "G-2", "G-4", "G-5", "G-6"]),
    (number("equals", "50"), ["G-2", "G-5"]),          # a number sent as text
])
def test_number_filters(grid, model, expected):
    assert run(grid, {"progress": model})[0] == expected


def date_model(type_, date_from=None, date_to=None):
    return {"filterType": "date", "type": type_, "dateFrom": date_from, "dateTo": date_to}


@pytest.mark.parametrize("model, expected", [
    (date_model("equals", "2022-06-15 00:00:00"), ["G-2", "G-5"]),
    (date_model("notEqual", "2022-06-15 00:00:00"), ["G-1", "G-4", "G-6"]),
    (date_model("lessThan", "2021-01-01 00:00:00"), ["G-4"]),
    (date_model("greaterThan", "2022-06-15 00:00:00"), ["G-6"]),
    (date_model("inRange", "2020-03-01 00:00:00", "2022-06-15 00:00:00"), ["G-1"]),
    (date_model("blank"), ["G-3"]),
    (date_model("notBlank"), ["G-1", "G-2", "G-4", "G-5", "G-6"]),
])
def test_date_filters(grid, model, expected):
    assert run(grid, {"start": model})[0] == expected


def test_combined_filters_and_or_and_old_form(grid):
    both = {"filterType": "number", "operator": "AND",
            "conditions": [number("greaterThan", 0), number("lessThan", 100)]}
    assert run(grid, {"progress": both})[0] == ["G-1", "G-2", "G-5"]
    either = {"filterType": "text", "operator": "OR",
              "conditions": [text("startsWith", "zen"), text("endsWith", "fest")]}
    assert run(grid, {"title": either})[0] == ["G-1", "G-6"]
    old = {"filterType": "number", "operator": "OR", "condition1": number("equals", 10),
           "condition2": number("blank")}
    assert run(grid, {"progress": old})[0] == ["G-1", "G-3"]
    # several columns: AND between them
    assert run(grid, {"progress": number("equals", 50), "title": text("contains", "of")})[0] == ["G-5"]


@pytest.mark.parametrize("model", [
    {"nope": text("contains", "x")},                                   # unknown column
    {"title": {"filterType": "set", "values": ["Ofen"]}},               # enterprise filter type
    {"title": text("fuzzy", "x")},                                      # unknown operator
    {"progress": number("equals", "viele")},                           # unreadable number
    {"start": date_model("equals", "gestern")},                        # unreadable date
    {"title": text("contains", "")},                                   # empty text
    {"title": "kaputt"},                                                # not a model at all
    {"title": {"filterType": "text", "operator": "OR", "conditions": "x"}},
    {"progress": number("inRange", 1, None)},                          # range without end
])
def test_unknown_or_broken_models_are_ignored(grid, model):
    assert run(grid, model) == (["G-1", "G-2", "G-3", "G-4", "G-5", "G-6"], 6)


def test_sort_german_text_nan_last_both_directions(grid):
    up = run(grid, sort_model=[{"colId": "title", "sort": "asc"}])[0]
    # Äpfel sorts as "apfel", Öffentliche as "offentliche" (after "ofen"); case is ignored
    assert up == ["G-2", "G-3", "G-5", "G-4", "G-6", "G-1"]
    assert run(grid, sort_model=[{"colId": "title", "sort": "desc"}])[0] == ["G-1", "G-6", "G-4", "G-5", "G-3",
                                                                             "G-2"]
    assert run(grid, sort_model=[{"colId": "progress", "sort": "asc"}])[0] == ["G-6", "G-1", "G-2", "G-5", "G-4",
                                                                               "G-3"]
    assert run(grid, sort_model=[{"colId": "progress", "sort": "desc"}])[0] == ["G-4", "G-2", "G-5", "G-1", "G-6",
                                                                                "G-3"]
    assert run(grid, sort_model=[{"colId": "responsible", "sort": "desc"}])[0][-2:] == ["G-3", "G-6"]
    assert run(grid, sort_model=[{"colId": "start", "sort": "desc"}])[0] == ["G-6", "G-2", "G-5", "G-1", "G-4",
                                                                             "G-3"]


def test_sort_several_columns_status_in_workflow_order(grid):
    order = run(grid, sort_model=[{"colId": "progress", "sort": "desc"}, {"colId": "title", "sort": "desc"}])[0]
    assert order == ["G-4", "G-5", "G-2", "G-1", "G-6", "G-3"]  # 50: Ofen before Äpfel (descending)
    status = run(grid, sort_model=[{"colId": "status", "sort": "asc"}])[0]
    assert status == ["G-1", "G-5", "G-2", "G-4", "G-6", "G-3"]  # geplant, geplant, in Umsetzung, ...
    assert run(grid, sort_model=[{"colId": "nope", "sort": "asc"}, {"colId": "title", "sort": "sideways"}])[0] == [
        "G-1", "G-2", "G-3", "G-4", "G-5", "G-6"]


def test_paging_bounds(grid):
    assert run(grid, start=2, end=4) == (["G-3", "G-4"], 6)
    assert run(grid, start=4, end=100) == (["G-5", "G-6"], 6)
    assert run(grid, start=10, end=20) == ([], 6)
    assert run(grid, start=-5, end=1) == (["G-1"], 6)
    assert run(grid, start=3, end=1) == ([], 6)
    assert run(grid, {"title": text("contains", "o")}, start=1, end=2) == (["G-5"], 2)


def test_rows_are_json_ready(grid):
    rows, _ = ma.grid_rows(grid, {}, [], 0, 6)
    assert rows[0] == {"measure_id": "G-1", "title": "Zentrum", "responsible": "Amt für Soziales", "progress": 10,
                       "budget_planned": 100, "start": "2021-01-01", "status": "geplant"}
    assert rows[2]["progress"] is None and rows[2]["start"] is None and rows[2]["responsible"] is None
    assert rows[5]["budget_planned"] == 50.5 and isinstance(rows[5]["budget_planned"], float)
    assert type(rows[0]["progress"]) is int


def test_grid_rows_on_the_real_display_frame():
    d = ma.display_frame(real_frame(), package())
    rows, count = ma.grid_rows(d, {"status": text("equals", "in Umsetzung")},
                               [{"colId": "budget_planned", "sort": "desc"}], 0, 5)
    assert count == 21 and len(rows) == 5
    budgets = [r["budget_planned"] for r in rows]
    assert budgets == sorted(budgets, reverse=True)
    empty = ma.display_frame(empty_frame(), package())
    assert ma.grid_rows(empty, {"title": text("contains", "x")}, [{"colId": "title", "sort": "asc"}], 0, 100) == (
        [], 0)


# ---- exports -------------------------------------------------------------------------------

@pytest.fixture
def hostile(small) -> pd.DataFrame:
    frame = small.copy()
    frame.loc[0, "title"] = "=HYPERLINK(\"http://x\")"
    frame.loc[1, "title"] = "+49 361 1234"
    frame.loc[2, "title"] = "-1+1"
    frame.loc[3, "title"] = "@SUM(A1)"
    frame.loc[4, "title"] = HOSTILE
    frame.loc[0, "responsible"] = "\tTab"
    frame.loc[1, "responsible"] = "\rCR"
    return ma.display_frame(frame, package())


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_csv_export(small):
    rows = read_csv(ma.export_csv(ma.display_frame(small, package())))
    assert rows[0][:4] == ["Maßnahmen-ID", "Titel", "Leitlinien", "Haupt-Leitlinie"]
    assert len(rows) == 6 and len(rows[0]) == len(ma.GRID_COLUMNS)
    m2 = dict(zip(rows[0], rows[2]))
    assert m2["Beginn"] == "01.05.2020" and m2["tatsächliches Ende"] == "15.08.2021"
    assert m2["Budget geplant (EUR)"] == "500,5" and m2["Fortschritt (%)"] == "100"
    assert m2["Haupt-Leitlinie"] == "3" and m2["Gebiete"] == "Berliner Platz, Rieth"
    m3 = dict(zip(rows[0], rows[3]))
    assert m3["Fortschritt (%)"] == "" and m3["tatsächliches Ende"] == "" and m3["Gebiete"] == "gesamtstädtisch"


def test_csv_export_is_formula_safe(hostile):
    rows = read_csv(ma.export_csv(hostile))
    titles = [r[1] for r in rows[1:]]
    assert titles == ["'=HYPERLINK(\"http://x\")", "'+49 361 1234", "'-1+1", "'@SUM(A1)", HOSTILE]
    assert [r[6] for r in rows[1:3]] == ["'\tTab", "'\rCR"]


def test_csv_export_with_a_column_subset_and_empty_frame(small):
    columns = [ma.GridColumn("measure_id", "ID", "text"), ("budget_spent", "ausgegeben", "number"),
               ("missing", "fehlt", "text")]
    rows = read_csv(ma.export_csv(ma.display_frame(small, package()), columns))
    assert rows[:3] == [["ID", "ausgegeben"], ["M-1", "400"], ["M-2", "500,5"]]
    empty = read_csv(ma.export_csv(ma.display_frame(empty_frame(), package())))
    assert len(empty) == 1


def read_xlsx(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_xlsx_export(small):
    sheet = read_xlsx(ma.export_xlsx(ma.display_frame(small, package())))
    header = [c.value for c in sheet[1]]
    assert header == [c.header for c in ma.GRID_COLUMNS]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    col = {h: i + 1 for i, h in enumerate(header)}
    start = sheet.cell(row=3, column=col["Beginn"])
    assert start.value == datetime(2020, 5, 1) and start.number_format == "DD.MM.YYYY"
    budget = sheet.cell(row=3, column=col["Budget geplant (EUR)"])
    assert budget.value == 500.5 and budget.data_type == "n"
    assert sheet.cell(row=2, column=col["Fortschritt (%)"]).value == 50
    assert sheet.cell(row=4, column=col["Fortschritt (%)"]).value is None
    assert sheet.max_row == 6
    assert sheet.column_dimensions["B"].width == len("Stadtteilzentrum Löbervorstadt") + 2  # longest title
    assert sheet.column_dimensions["A"].width == len("Maßnahmen-ID") + 2  # header longer than the ids


def test_xlsx_export_is_formula_safe(hostile):
    sheet = read_xlsx(ma.export_xlsx(hostile))
    titles = [sheet.cell(row=r, column=2) for r in range(2, 7)]
    assert [c.value for c in titles] == ["=HYPERLINK(\"http://x\")", "+49 361 1234", "-1+1", "@SUM(A1)", HOSTILE]
    assert all(c.data_type == "s" for c in titles)
    assert sheet.cell(row=2, column=7).value == "\tTab" and sheet.cell(row=2, column=7).data_type == "s"


def test_xlsx_export_drops_characters_excel_cannot_store(small):
    d = ma.display_frame(small, package())
    d.loc[0, "title"] = "Bell\x07 und Null\x00"
    sheet = read_xlsx(ma.export_xlsx(d, [("title", "Titel", "text")]))
    assert sheet["A2"].value == "Bell und Null"
    empty = read_xlsx(ma.export_xlsx(ma.display_frame(empty_frame(), package())))
    assert empty.max_row == 1
