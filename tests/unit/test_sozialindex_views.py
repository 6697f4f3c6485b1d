"""The Sozialindex page's builders: state from the URL, sentences, tables, CSV, figures."""

from __future__ import annotations

import pytest

from components import sozialindex_views as views
from sozialraum import formatting as fmt
from sozialraum import sozialindex as si
from sozialraum.package import load_package
from sozialraum.settings import REPO_ROOT


@pytest.fixture(scope="module")
def package():
    return load_package(REPO_ROOT / "data" / "erfurt")


@pytest.fixture(scope="module")
def state(package):
    return views.state_from_query(package, {})


@pytest.fixture(scope="module")
def computed(package, state):
    return views.compute_view(package, state)


def test_default_state_and_canonical_query(package, state):
    assert state.name == "erfurt-demo" and state.year == package.years[-1] and not state.notices
    assert views.view_query(package, state) == {"methode": "erfurt-demo", "jahr": str(state.year),
                                                "vergleichsjahr": str(state.year - 4)}
    assert views.mark_query(package, state) == {}


def test_adjusted_state_round_trips_through_the_url(package):
    query = {"sw": "kinderarmut:2", "soff": "grundsicherung_alter", "st": "-1,1,2", "auswahl": "rieth",
             "zelle": "4-2"}
    state = views.state_from_query(package, query)
    assert not state.notices
    assert state.method.status.indicator("kinderarmut").weight == 2
    assert not state.method.status.indicator("grundsicherung_alter").enabled
    assert state.method.status.cuts == (-1, 1, 2)
    assert state.cell == (3, 1) and package.areas.at[state.selected, "slug"] == "rieth"
    again = views.state_from_query(package, {**views.view_query(package, state), **views.mark_query(package, state)})
    assert again == state
    assert views.to_search(views.adjust_query(state)) == "?sw=kinderarmut:2&soff=grundsicherung_alter&st=-1,1,2"


@pytest.mark.parametrize("query, part", [
    ({"methode": "gibtsnicht"}, "gibtsnicht"),
    ({"methode": "berlin-mss-2021"}, "S1"),
    ({"jahr": "²⁰²⁴"}, "Jahr"),
    ({"sw": "kinderarmut:x"}, "Indikator:Gewicht"),
    ({"st": "2,1,3"}, "nicht aufsteigend"),
    ({"sw": "sgb2_quote:0,kinderarmut:0,arbeitslosenquote:0,grundsicherung_alter:0"}, "ergeben zusammen 0"),
    ({"auswahl": "nirgendwo"}, "nirgendwo"),
    ({"zelle": "0-1"}, "0-1"),
])
def test_unusable_url_values_become_german_notices(package, query, part):
    state = views.state_from_query(package, query)
    assert any(part in n for n in state.notices), state.notices
    assert state.method == state.base or "sw" not in query


def test_ranking_finding_names_the_top_area_with_the_engine_numbers(package, state, computed):
    result = si.compute(package, si.resolve_method("erfurt-demo", package.path), state.year)
    top = result.valid.iloc[0]
    top_class = result.method.status.classes[-1].label
    count = int((result.valid["class"] == top_class).sum())
    assert views.ranking_finding(computed, state.level) == (
        f"Höchster Index: {top['name']} {fmt.number(top['score'], 2)}; {count} von {len(result.valid)} "
        f"Ortsteilen in der Klasse „{top_class}“.")


def test_csv_frame_has_the_rows_of_the_table(computed, state, package):
    tables = [views.ranking_table(computed, state.level), views.map_table(computed, state.level),
              views.matrix_table(computed), views.robustness_table(computed, state.level),
              views.slope_table(computed, state.level, state.compare_year, state.year),
              views.reasons_table(package, computed, computed.result.valid.index[0])]
    for table in tables:
        frame = table.csv_frame()
        shown = table.display_rows()
        assert list(frame.columns) == list(table.columns)
        assert len(frame) == len(shown) > 0
        for csv_row, row in zip(frame.itertuples(index=False), shown):
            for csv_cell, cell, kind in zip(csv_row, row, table.kinds):
                if kind == "text":
                    assert csv_cell == cell
                elif cell == fmt.MISSING:
                    assert csv_cell == ""
                else:  # same number: display "1.234,5" / "−0,5", CSV "1234,5" / "-0,5"
                    assert csv_cell.replace("-", fmt.MINUS) == cell.replace(".", "")


def test_ranking_table_and_figure_follow_the_engine(computed, state):
    valid = computed.result.valid
    table = views.ranking_table(computed, state.level)
    assert [r[0] for r in table.rows] == list(valid["name"])
    figure = views.ranking_figure(computed)
    assert figure["data"][0]["y"] == [f"{int(r)} {n}" for r, n in zip(valid["rank"], valid["name"])]
    assert figure["data"][0]["marker"]["color"] == list(valid["color"])
    interval = figure["data"][1]
    rob = computed.robust.table.reindex(valid.index)
    assert [x - m for x, m in zip(interval["x"], interval["error_x"]["arrayminus"])] == list(rob["rank_min"])
    widths, ticks = views.ranking_marking(computed, valid.index[1], [valid.index[0]])
    assert widths[:3] == [2, 3, 0] and ticks[0].startswith("<b>◆") and ticks[1].startswith("<b>▶")


def test_matrix_and_cell_areas(computed):
    table = views.matrix_table(computed)
    counts = computed.result.group_counts()
    assert sum(sum(r[1:]) for r in table.rows) == int(counts.to_numpy().sum()) == len(computed.result.valid)
    top = len(computed.result.method.status.classes) - 1
    assert len(views.cell_areas(computed, (top, 1))) == int(counts.iloc[top, 1])


def test_reasons_explain_the_score(package, computed, state):
    area = computed.result.valid.index[0]
    sentences = views.reasons_sentences(package, computed, area, state.level)
    row = computed.result.areas.loc[area]
    assert sentences[0].startswith(f"{row['name']} steht auf Rang 1 von {len(computed.result.valid)}")
    assert "über der Grenze 1,5" in sentences[0]
    assert len(sentences) == 2 + len(computed.result.status.contributions.columns)
    figure = views.reasons_figure(computed, area)
    part = computed.result.status
    assert sum(figure["data"][0]["x"]) == pytest.approx((row["score"] * part.scale) + part.offset)
    excluded = computed.result.excluded.index[0]
    assert "nicht im Index" in views.reasons_sentences(package, computed, excluded, state.level)[0]


def test_class_position_and_cut_text():
    method = si.resolve_method("erfurt-demo", REPO_ROOT / "data" / "erfurt")
    classes = method.status.classes
    assert views.class_position(-1.0, classes) == "zwischen den Grenzen −1 und 1 und damit „durchschnittlicher Handlungsbedarf“"
    assert views.class_position(-1.5, classes).startswith("unter der Grenze −1")
    assert views.cut_text(1.5) == "1,5" and views.cut_text(2.0) == "2" and views.cut_text(0.25) == "0,25"


def test_early_year_has_no_dynamics_but_a_note(package):
    state = views.state_from_query(package, {"jahr": str(package.years[0])})
    computed = views.compute_view(package, state)
    assert views.matrix_table(computed) is None
    assert computed.result.notes and "Dynamik nicht berechnet" in computed.result.notes[0]


def test_map_keeps_a_fixed_trace_layout(package, computed, state):
    figure = views.class_map(package, computed, state.level)
    assert [t["type"] for t in figure["data"]] == ["choropleth"] * 4 + ["scattergeo"]
    assert figure["layout"]["annotations"][0]["text"].startswith("Beispieldaten")
    assert len(figure["data"][0]["locations"]) == len(computed.result.valid)
    assert len(figure["data"][1]["locations"]) == int(computed.result.areas["excluded"].sum())
