"""The atlas domain (sozialraum/atlas.py): filters, classification, ranks, the computed view,
CSV frames and the German sentences, with hand-checked numbers.

Test package (package_builder): city S; Planungsraum P1 "Nord" = Ortsteile a (ländlich,
Ortsteilrat), b (Großwohnsiedlung, Ortsteilrat); P2 "Süd" = c, d (both Innenstadt, no
Ortsteilrat). SGB-II-Quote 2020: a 50/800 = 6,25 %, b 600/2400 = 25 %, c 200/1700 = 11,76 %,
d 300/3500 = 8,57 %; city 1150/8400 = 13,69 %.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sozialraum import atlas
from sozialraum.atlas import AreaFilter, AtlasState
from sozialraum.package import DataPackage, load_package
from tests.unit.package_builder import PackageBuilder

VALID = PackageBuilder.valid()
METHODS = ("quantile", "gleich", "jenks")


@pytest.fixture(scope="module")
def pkg(tmp_path_factory) -> DataPackage:
    return load_package(VALID.copy().write(tmp_path_factory.mktemp("valid")))


@pytest.fixture(scope="module")
def gappy(tmp_path_factory) -> DataPackage:
    """2020: b ties with c (200/1700), d has no value. 2021: a's numerator 2 < threshold 3, so
    a is suppressed (and b with it, secondary suppression inside P1)."""
    builder = VALID.copy()
    builder.row("observations", area_id="b", indicator_id="sgb2", year=2020).update(
        value=round(200 / 1700 * 100, 2), numerator=200, denominator=1700)
    builder.tables["observations"].remove(builder.row("observations", area_id="d", indicator_id="sgb2", year=2020))
    builder.row("observations", area_id="a", indicator_id="sgb2", year=2021).update(
        value=round(2 / 790 * 100, 2), numerator=2)
    return load_package(builder.write(tmp_path_factory.mktemp("gappy")))


def state(pkg: DataPackage, **changes) -> AtlasState:
    base = AtlasState(indicator="sgb2", year=2020, level="ortsteil", partner="wohnflaeche")
    return base.with_(**changes)


# --------------------------------------------------------------------------- classification

def test_quantile_edges_split_into_equal_counts():
    values = [1, 2, 3, 4, 5, 6, 7, 8, 9]
    edges = atlas.class_edges(values, "quantile", 4)
    np.testing.assert_allclose(edges, [1, 3, 5, 7, 9])
    assert atlas.assign_classes(values, edges).tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 3]


def test_equal_interval_edges():
    edges = atlas.class_edges([0, 1, 2, 7, 10], "gleich", 5)
    np.testing.assert_allclose(edges, [0, 2, 4, 6, 8, 10])
    # [edge_i, edge_i+1): 2 belongs to the second class; the maximum to the top class
    assert atlas.assign_classes([0, 1, 2, 7, 10], edges).tolist() == [0, 0, 1, 3, 4]


def test_jenks_finds_the_obvious_clusters():
    values = [1, 2, 3, 10, 11, 12, 30, 31]
    edges = atlas.class_edges(values, "jenks", 3)
    np.testing.assert_allclose(edges, [1, 10, 30, 31])
    assert atlas.assign_classes(values, edges).tolist() == [0, 0, 0, 1, 1, 1, 2, 2]
    # order of the input does not matter
    shuffled = [30, 1, 12, 2, 31, 10, 3, 11]
    np.testing.assert_allclose(atlas.class_edges(shuffled, "jenks", 3), [1, 10, 30, 31])


def test_jenks_never_more_classes_than_distinct_values():
    edges = atlas.class_edges([1, 1, 1, 5, 5], "jenks", 5)
    assert atlas.assign_classes([1, 1, 1, 5, 5], edges).tolist() == [0, 0, 0, 1, 1]
    assert atlas.class_labels(edges, 1, "%") == ["1,0 bis unter 5,0 %", "5,0 %"]


@pytest.mark.parametrize("method", METHODS)
def test_all_equal_values_make_one_class(method):
    edges = atlas.class_edges([4.2, 4.2, 4.2], method)
    assert len(edges) >= 1 and edges[0] == 4.2 and edges[-1] == 4.2
    assert atlas.assign_classes([4.2, 4.2, np.nan], edges).tolist() == [0, 0, -1]
    labels = atlas.class_labels(edges, 1, "%")
    assert labels and all("4,2" in label for label in labels)


@pytest.mark.parametrize("method", METHODS)
def test_nans_are_ignored_for_edges_and_get_class_minus_one(method):
    values = [np.nan, 1.0, 5.0, np.nan, 9.0, np.inf]
    edges = atlas.class_edges(values, method, 2)
    assert edges[0] == 1.0 and edges[-1] == 9.0
    classes = atlas.assign_classes([np.nan, 1.0, 9.0, np.nan], edges)
    assert classes[0] == -1 and classes[3] == -1
    assert classes[1] == 0 and classes[2] == len(edges) - 2


@pytest.mark.parametrize("method", METHODS)
def test_no_finite_value_no_edges(method):
    assert len(atlas.class_edges([np.nan, np.nan], method)) == 0
    assert len(atlas.class_edges([], method)) == 0
    assert atlas.assign_classes([np.nan, 3.0], np.array([])).tolist() == [-1, 0]


def test_deviation_edges_insert_the_city_value():
    edges = np.array([1.0, 3.0, 5.0, 9.0])
    np.testing.assert_allclose(atlas.deviation_edges(edges, 4.0), [1, 3, 4, 5, 9])
    np.testing.assert_allclose(atlas.deviation_edges(edges, 3.0), [1, 3, 5, 9])  # already an edge
    for outside in (0.5, 1.0, 9.0, 12.0, float("nan")):  # not strictly inside: unchanged
        np.testing.assert_allclose(atlas.deviation_edges(edges, outside), edges)
    np.testing.assert_allclose(atlas.deviation_edges(np.array([2.0]), 1.0), [2.0])


def test_class_labels_german():
    labels = atlas.class_labels(np.array([2.1, 4.0, 12.25, 28.4]), 1, "%")
    assert labels == ["2,1 bis unter 4,0 %", "4,0 bis unter 12,2 %", "12,2 bis 28,4 %"] or labels == [
        "2,1 bis unter 4,0 %", "4,0 bis unter 12,3 %", "12,3 bis 28,4 %"]
    assert atlas.class_labels(np.array([1000.0, 12500.0]), 0, "Personen") == ["1.000 bis 12.500 Personen"]
    assert atlas.class_labels(np.array([]), 1, "%") == []
    assert atlas.class_labels(np.array([3.0]), 1, "%") == ["3,0 %"]


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=150, deadline=None)
@given(values=st.lists(finite, min_size=1, max_size=60), k=st.integers(1, 9),
       method=st.sampled_from(METHODS), gaps=st.integers(0, 3))
def test_classes_in_range_and_monotone(values, k, method, gaps):
    data = np.array(values + [np.nan] * gaps)
    edges = atlas.class_edges(data, method, k)
    assert np.all(np.diff(edges) >= 0) and len(edges) - 1 <= max(k, 1)
    assert edges[0] == min(values) and edges[-1] == max(values)
    classes = atlas.assign_classes(data, edges)
    top = max(len(edges) - 2, 0)
    finite_classes = classes[: len(values)]
    assert ((finite_classes >= 0) & (finite_classes <= top)).all()
    assert (classes[len(values):] == -1).all()
    order = np.argsort(values, kind="stable")
    assert (np.diff(finite_classes[order]) >= 0).all(), "a higher value landed in a lower class"
    assert classes[int(np.argmax(values))] == top and classes[int(np.argmin(values))] == 0


def _ssd(groups) -> float:
    return sum(float(((np.array(g) - np.mean(g)) ** 2).sum()) for g in groups if len(g))


def test_jenks_keeps_a_single_outlier_as_its_own_class():
    """Regression: np.unique(edges) used to merge a one-value top class ([..., 40, 40]) into the
    class below (Erfurt: kinderarmut 2019, Berliner Platz 43,9 % lumped with 33,3 %)."""
    values = [1, 2, 3, 10, 11, 12, 40]
    edges = atlas.class_edges(values, "jenks", 3)
    assert atlas.assign_classes(values, edges).tolist() == [0, 0, 0, 1, 1, 1, 2]
    assert atlas.class_labels(edges, 0, "%") == ["1 bis unter 10 %", "10 bis unter 40 %", "40 %"]


def test_erfurt_jenks_keeps_five_classes(tmp_path_factory):
    """On the bundled data, the indicator/years whose top natural-breaks class is one area get
    all five classes on the Ortsteil level, each holding at least one area."""
    erfurt = load_package(Path(__file__).resolve().parents[2] / "data" / "erfurt",
                          cache_dir=tmp_path_factory.mktemp("erfurt-cache"))
    short = []
    cases = [("kinderarmut", 2019), ("zuzugsquote", 2019), ("langzeitarbeitslose_anteil", 2015),
             ("alleinerziehende_bg", 2017), ("jugendarbeitslosigkeit", 2018), ("sgb2_quote", 2024)]
    for indicator, year in cases:
        values = atlas.area_values(erfurt, indicator, year, "ortsteil")["value"].dropna().to_numpy()
        assert len(np.unique(values)) >= 5
        classes = atlas.assign_classes(values, atlas.class_edges(values, "jenks", 5))
        if sorted(set(classes)) != [0, 1, 2, 3, 4]:
            short.append((indicator, year, sorted(set(classes))))
    assert not short


@settings(max_examples=80, deadline=None)
@given(values=st.lists(st.integers(0, 60), min_size=3, max_size=9, unique=True), k=st.integers(2, 4))
def test_jenks_is_optimal_on_small_inputs(values, k):
    """Brute force over every split of the sorted values into k contiguous classes."""
    assume(k <= len(values))
    x = sorted(values)
    best = min(_ssd([x[a:b] for a, b in zip((0, *cuts), (*cuts, len(x)))])
               for cuts in itertools.combinations(range(1, len(x)), k - 1))
    classes = atlas.assign_classes(x, atlas.class_edges(x, "jenks", k))
    got = _ssd([[v for v, c in zip(x, classes) if c == i] for i in range(k)])
    assert got == pytest.approx(best, abs=1e-6)


# --------------------------------------------------------------------------- filters

@pytest.mark.parametrize("area_filter, expected", [
    (AreaFilter(), {"a", "b", "c", "d"}),
    (AreaFilter(planning_areas=("P1",)), {"a", "b"}),
    (AreaFilter(planning_areas=("P2",)), {"c", "d"}),
    (AreaFilter(planning_areas=("P1", "P2")), {"a", "b", "c", "d"}),
    (AreaFilter(kinds=("innenstadt",)), {"c", "d"}),
    (AreaFilter(kinds=("laendlich", "grosswohnsiedlung")), {"a", "b"}),
    (AreaFilter(only_ortsteilrat=True), {"a", "b"}),
    (AreaFilter(areas=("a", "d")), {"a", "d"}),
    (AreaFilter(planning_areas=("P1",), kinds=("laendlich",)), {"a"}),
    (AreaFilter(planning_areas=("P2",), only_ortsteilrat=True), set()),
    (AreaFilter(kinds=("innenstadt",), areas=("a", "c")), {"c"}),
    (AreaFilter(planning_areas=("P1",), kinds=("grosswohnsiedlung", "laendlich"), only_ortsteilrat=True,
                areas=("b", "c")), {"b"}),
])
def test_filter_areas_ortsteil(pkg, area_filter, expected):
    assert set(atlas.filter_areas(pkg, "ortsteil", area_filter)) == expected
    assert area_filter.active == (area_filter != AreaFilter())


@pytest.mark.parametrize("area_filter, expected", [
    (AreaFilter(), {"P1", "P2"}),
    (AreaFilter(planning_areas=("P2",)), {"P2"}),
    # kind and Ortsteilrat exist only for Ortsteile: on the Planungsraum level they do not restrict
    (AreaFilter(kinds=("innenstadt",)), {"P1", "P2"}),
    (AreaFilter(only_ortsteilrat=True), {"P1", "P2"}),
    (AreaFilter(areas=("P1",)), {"P1"}),
    (AreaFilter(planning_areas=("P1",), areas=("P2",)), set()),
])
def test_filter_areas_planungsraum(pkg, area_filter, expected):
    assert set(atlas.filter_areas(pkg, "planungsraum", area_filter)) == expected


def test_parent_level(pkg):
    assert atlas.parent_level(pkg, "ortsteil") == "planungsraum"
    assert atlas.parent_level(pkg, "planungsraum") is None


def test_filter_description(pkg):
    text = atlas.filter_description(pkg, "ortsteil", AreaFilter(planning_areas=("P1",), kinds=("laendlich",),
                                                                only_ortsteilrat=True, areas=("a",)))
    assert text == "Nord; Art: ländlich; nur mit Ortsteilrat; 1 ausgewählte Gebiete"
    assert atlas.filter_description(pkg, "ortsteil", AreaFilter()) == ""


# --------------------------------------------------------------------------- values and ranks

def test_area_values_sorted_and_ranked(pkg):
    table = atlas.area_values(pkg, "sgb2", 2020, "ortsteil")
    assert table["area_id"].tolist() == ["b", "c", "d", "a"]
    assert table["rank"].tolist() == [1, 2, 3, 4]
    np.testing.assert_allclose(table["value"], [25.0, 11.76, 8.57, 6.25], atol=0.01)
    assert table["parent"].tolist() == ["Nord", "Süd", "Süd", "Nord"]
    assert table["kind"].tolist() == ["Großwohnsiedlung", "Innenstadt", "Innenstadt", "ländlich"]


def test_area_values_restricted_to_ids_ranks_among_them(pkg):
    table = atlas.area_values(pkg, "sgb2", 2020, "ortsteil", pd.Index(["a", "d"]))
    assert table["area_id"].tolist() == ["d", "a"]
    assert table["rank"].tolist() == [1, 2]


def test_area_values_ties_share_the_rank_and_gaps_have_none(gappy):
    table = atlas.area_values(gappy, "sgb2", 2020, "ortsteil")
    # b and c tie (alphabetical among equals), a follows with rank 3, d has no value: last, no rank
    assert table["area_id"].tolist() == ["b", "c", "a", "d"]
    assert table["rank"].iloc[:3].tolist() == [1, 1, 3]
    assert pd.isna(table["rank"].iloc[3]) and math.isnan(table["value"].iloc[3])
    assert not table["suppressed"].iloc[3]


def test_suppressed_values_have_no_rank_and_no_class(gappy):
    view = atlas.compute_view(gappy, state(gappy, year=2021))
    table = view.table
    hidden = table[table["suppressed"]]
    assert set(hidden["area_id"]) >= {"a"}
    assert hidden["value"].isna().all() and hidden["rank"].isna().all()
    assert (view.classes[table["suppressed"].to_numpy()] == -1).all()


# --------------------------------------------------------------------------- the computed view

def test_compute_view_filters(pkg):
    view = atlas.compute_view(pkg, state(pkg, area_filter=AreaFilter(planning_areas=("P2",))))
    assert set(view.shown) == {"c", "d"}
    assert view.table["area_id"].tolist() == ["c", "d"]
    assert view.table["rank"].tolist() == [1, 2]
    assert view.city == pytest.approx(1150 / 8400 * 100, abs=0.01)  # the city stays the city
    assert not view.city_suppressed
    assert len(view.classes) == len(view.table) and len(view.labels) == len(view.edges) - 1


def test_compute_view_brushed_areas_rerank(pkg):
    view = atlas.compute_view(pkg, state(pkg, brushed=("a", "d")))
    assert set(view.shown) == {"a", "b", "c", "d"}  # the filters, not the brush
    assert view.table["area_id"].tolist() == ["d", "a"]
    assert view.table["rank"].tolist() == [1, 2]
    assert view.edges[0] == pytest.approx(6.25) and view.edges[-1] == pytest.approx(8.57, abs=0.01)


def test_compute_view_brush_and_filter_combine(pkg):
    view = atlas.compute_view(pkg, state(pkg, area_filter=AreaFilter(planning_areas=("P1",)), brushed=("a", "d")))
    assert view.table["area_id"].tolist() == ["a"]
    assert view.table["rank"].tolist() == [1]


def test_compute_view_filter_without_match_is_empty_not_an_error(pkg):
    view = atlas.compute_view(pkg, state(pkg, area_filter=AreaFilter(planning_areas=("P2",), only_ortsteilrat=True)))
    assert view.table.empty and len(view.edges) == 0 and view.labels == []


def test_compute_view_deviation_scale_splits_at_city_value(pkg):
    view = atlas.compute_view(pkg, state(pkg, colors="stadtwert"))
    assert any(e == pytest.approx(view.city) for e in view.edges)
    classes = dict(zip(view.table["area_id"], view.classes))
    split = int(np.searchsorted(view.edges, view.city))
    assert classes["b"] >= split and classes["c"] < split  # 25 % above, 11,8 % below 13,7 %


def test_compute_view_planungsraum_level(pkg):
    view = atlas.compute_view(pkg, state(pkg, level="planungsraum"))
    assert view.table["area_id"].tolist() == ["P1", "P2"]  # P1 650/3200 = 20,3 %, P2 500/5200 = 9,6 %
    assert view.table["parent"].tolist() == ["Musterstadt", "Musterstadt"]


# --------------------------------------------------------------------------- CSV frames

def test_download_frame_ranking_columns_and_german_numbers(pkg):
    view = atlas.compute_view(pkg, state(pkg))
    frame = atlas.download_frame(pkg, view, "rangfolge")
    assert frame["Gebiet"].tolist() == ["Böhlitz", "Cäcilienhöhe", "Nord", "Altdorf"]
    assert frame["Wert"].tolist() == ["25,0", "11,8", "8,6", "6,2"] or frame["Wert"].tolist() == [
        "25,0", "11,8", "8,6", "6,3"]
    assert frame["Rang"].tolist() == ["1", "2", "3", "4"]
    assert frame["Stadtwert"].unique().tolist() == ["13,7"]
    assert frame["Jahr"].unique().tolist() == [2020]
    assert frame["Einheit"].unique().tolist() == ["%"]
    assert frame["Hinweis"].unique().tolist() == ["Beispieldaten"]
    assert frame["Stand"].unique().tolist() == ["31.12.2021"]
    assert frame["Klasse"].tolist() == [view.labels[c] for c in view.classes]
    assert "." not in "".join(frame["Wert"])


@pytest.mark.parametrize("chart", ["karte", "rangfolge", "verteilung"])
def test_download_frame_equals_the_view_table(pkg, chart):
    view = atlas.compute_view(pkg, state(pkg, area_filter=AreaFilter(kinds=("innenstadt", "laendlich"))))
    frame = atlas.download_frame(pkg, view, chart)
    assert frame["Gebiets-ID"].tolist() == view.table["area_id"].tolist() == ["c", "d", "a"]


def test_download_frame_suppressed_is_dot_never_a_number(gappy):
    view = atlas.compute_view(gappy, state(gappy, year=2021))
    frame = atlas.download_frame(gappy, view, "rangfolge")
    hidden = frame[frame["Gebiets-ID"].isin(view.table.loc[view.table["suppressed"], "area_id"])]
    assert len(hidden) >= 1
    assert (hidden["Wert"] == "·").all() and (hidden["Rang"] == "").all() and (hidden["Klasse"] == "").all()
    shown = frame[~frame.index.isin(hidden.index)]
    assert shown["Wert"].str.fullmatch(r"\d+,\d").all()
    scatter = atlas.download_frame(gappy, view, "streuung")
    column = "SGB-II-Quote (%)"
    assert set(scatter.loc[scatter["Gebiets-ID"].isin(hidden["Gebiets-ID"]), column]) == {"·"}


def test_download_frame_missing_value_is_empty(gappy):
    view = atlas.compute_view(gappy, state(gappy))
    frame = atlas.download_frame(gappy, view, "karte")
    row = frame[frame["Gebiets-ID"] == "d"].iloc[0]
    assert row["Wert"] == "" and row["Rang"] == "" and row["Klasse"] == ""


def test_download_frame_scatter(pkg):
    view = atlas.compute_view(pkg, state(pkg, area_filter=AreaFilter(planning_areas=("P1",))))
    frame = atlas.download_frame(pkg, view, "streuung")
    assert frame["Gebiet"].tolist() == ["Böhlitz", "Altdorf"]
    assert frame["Wohnfläche je Einwohner (m²)"].tolist() == ["30,0", "45,0"]
    assert frame["Einwohner"].tolist() == ["3000", "1000"]


# --------------------------------------------------------------------------- sentences

def test_ranking_finding(pkg):
    table = atlas.area_values(pkg, "sgb2", 2020, "ortsteil")
    text = atlas.ranking_finding(pkg, "sgb2", 2020, table, "ortsteil")
    assert text.startswith("Höchster Wert: Böhlitz 25,0 %, niedrigster: Altdorf 6,")
    assert "Stadt 13,7 % (2020)." in text
    assert text.endswith("1 von 4 Ortsteilen liegt über dem Stadtwert.")


def test_ranking_finding_plural(pkg):
    table = atlas.area_values(pkg, "wohnflaeche", 2020, "ortsteil")  # a 45, d 42,5, c 40 > city 38,5 > b 30
    text = atlas.ranking_finding(pkg, "wohnflaeche", 2020, table, "ortsteil")
    assert text.endswith("Stadt 38,5 m² (2020). 3 von 4 Ortsteilen liegen über dem Stadtwert.")


def test_ranking_finding_counts_gaps(gappy):
    table = atlas.area_values(gappy, "sgb2", 2020, "ortsteil")
    text = atlas.ranking_finding(gappy, "sgb2", 2020, table, "ortsteil")
    # d has no value, so the city has none either: no comparison with it
    assert text == ("Höchster Wert: Böhlitz 11,8 %, niedrigster: Altdorf 6,2 %; Stadt – (2020). "
                    "1 ohne Angabe (–).")
    table21 = atlas.area_values(gappy, "sgb2", 2021, "ortsteil")
    assert "geheimgehalten (·)" in atlas.ranking_finding(gappy, "sgb2", 2021, table21, "ortsteil")


def test_ranking_finding_without_values(pkg):
    empty = atlas.area_values(pkg, "sgb2", 2020, "ortsteil", pd.Index([]))
    text = atlas.ranking_finding(pkg, "sgb2", 2020, empty, "ortsteil")
    assert text == "Für „SGB-II-Quote“ liegen 2020 für die gezeigten Ortsteile keine Werte vor; Stadt 13,7 %."


def test_distribution_finding(pkg):
    table = atlas.area_values(pkg, "sgb2", 2020, "ortsteil")
    text = atlas.distribution_finding(pkg, "sgb2", table)
    assert text.startswith("Median 10,2 %;") and text.endswith("4 Gebiete).")
    assert atlas.distribution_finding(pkg, "sgb2", table.iloc[0:0]) == "Keine Werte für eine Verteilung."


def test_scatter_finding(pkg):
    frame = atlas.scatter_frame(pkg, "sgb2", "wohnflaeche", 2020, "ortsteil")
    text = atlas.scatter_finding(pkg, frame, "sgb2", "wohnflaeche")
    assert text.startswith("Zwischen SGB II und Wohnfläche besteht ein starker, gegenläufiger Zusammenhang")
    assert "r = −1,00" in text or "r = -1,00" in text
    assert "4 Gebiete mit beiden Werten" in text and "kein Beleg für eine Ursache" in text
    few = atlas.scatter_frame(pkg, "sgb2", "wohnflaeche", 2020, "ortsteil", pd.Index(["a", "b"]))
    assert atlas.scatter_finding(pkg, few, "sgb2", "wohnflaeche") == (
        "Zu wenige Gebiete mit Werten für „SGB II“ und „Wohnfläche“ (2) für einen Vergleich.")


def test_scatter_frame_population_from_einwohner(pkg):
    frame = atlas.scatter_frame(pkg, "sgb2", "wohnflaeche", 2021, "ortsteil")
    assert dict(zip(frame["area_id"], frame["population"])) == {"a": 990, "b": 2950, "c": 2100, "d": 4100}


@pytest.mark.parametrize("r, words", [
    (0.0, "kaum ein Zusammenhang"),
    (0.19, "kaum ein Zusammenhang"),
    (-0.19, "kaum ein Zusammenhang"),
    (0.2, "ein schwacher, gleichläufiger Zusammenhang"),
    (-0.39, "ein schwacher, gegenläufiger Zusammenhang"),
    (0.4, "ein mittlerer, gleichläufiger Zusammenhang"),
    (-0.59, "ein mittlerer, gegenläufiger Zusammenhang"),
    (0.6, "ein starker, gleichläufiger Zusammenhang"),
    (-1.0, "ein starker, gegenläufiger Zusammenhang"),
    (float("nan"), "kein berechenbarer Zusammenhang"),
])
def test_correlation_words(r, words):
    assert atlas.correlation_words(r) == words


def test_correlation_needs_three_areas_and_spread():
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, np.nan], "y": [2.0, 4.0, 6.5, 1.0]})
    r, n = atlas.correlation(frame)
    assert n == 3 and r == pytest.approx(0.9986, abs=1e-3)
    r, n = atlas.correlation(pd.DataFrame({"x": [1.0, 1.0, 1.0], "y": [1.0, 2.0, 3.0]}))
    assert math.isnan(r) and n == 3
    r, n = atlas.correlation(pd.DataFrame({"x": [1.0, 2.0], "y": [1.0, 2.0]}))
    assert math.isnan(r) and n == 2
