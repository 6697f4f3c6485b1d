"""Links from every view that shows areas to the area's profile `/ortsteil/<slug>`: the area
names in the "Daten als Tabelle" tables (Übersicht, Atlas, Zeitvergleich, Sozialindex,
Maßnahmen, one measure) and "Steckbrief <Name> öffnen" next to a selected area."""

from __future__ import annotations

import json

import pytest
from plotly.utils import PlotlyJSONEncoder


@pytest.fixture(scope="module")
def package(flask_app):
    from components.data import get_package

    return get_package()


def _json(component) -> dict | list:
    return json.loads(json.dumps(component, cls=PlotlyJSONEncoder, ensure_ascii=False))


def _nodes(node, type_name: str) -> list[dict]:
    found = []
    if isinstance(node, dict):
        if node.get("type") == type_name:
            found.append(node)
        for value in node.values():
            found += _nodes(value, type_name)
    elif isinstance(node, list):
        for value in node:
            found += _nodes(value, type_name)
    return found


def _row_heads(table) -> list:
    """The first cell (row header) of every body row: {"name", "href"} for a link, else the text."""
    out = []
    for tbody in _nodes(_json(table), "Tbody"):
        for tr in tbody["props"]["children"]:
            child = tr["props"]["children"][0]["props"]["children"]
            if isinstance(child, dict) and child.get("type") == "A":
                out.append({"name": child["props"]["children"], "href": child["props"]["href"]})
            else:
                out.append(child)
    return out


def _expected_href(package, name: str, level: str | None = None) -> str:
    areas = package.areas
    match = areas[(areas["name"] == name) & ((areas["level"] == level) if level else True)]
    return f"/ortsteil/{match['slug'].iloc[0]}"


def _all_linked_correctly(package, heads, level=None) -> int:
    links = [h for h in heads if isinstance(h, dict)]
    for link in links:
        assert link["href"] == _expected_href(package, link["name"], level), link
    return len(links)


def test_charts_area_cell():
    from components.charts import area_cell

    link = _json(area_cell("Melchendorf", "melchendorf"))
    assert link["type"] == "A" and link["props"]["href"] == "/ortsteil/melchendorf"
    assert area_cell("Stadt Erfurt (zum Vergleich)", None) == "Stadt Erfurt (zum Vergleich)"


def test_uebersicht_map_table(flask_app, package):
    from pages import uebersicht

    _, _, _, table, _ = uebersicht._map_parts(package, "sgb2_quote", 2024, "ortsteil")
    heads = _row_heads(table)
    assert _all_linked_correctly(package, heads, "ortsteil") == 53
    assert heads[-1] == "Stadt Erfurt (zum Vergleich)"


def test_atlas_tables_and_selection(flask_app, package):
    from pages import atlas
    from sozialraum import viewstate as vs

    state, _ = vs.atlas_from_query(package, {"indikator": "sgb2_quote", "jahr": "2024", "auswahl": "rieth"})
    built = atlas._build_views(package, state, with_tables=True)
    for chart in atlas.CHARTS:
        heads = _row_heads(built[chart]["table"])
        assert _all_linked_correctly(package, heads, "ortsteil") == 53, chart
    summary = _json(atlas._selection_summary(package, state))
    links = [a["props"] for a in _nodes(summary, "A")]
    assert links == [{"children": "Steckbrief Rieth öffnen", "href": "/ortsteil/rieth",
                      "className": "profile-link small"}]
    planning, _ = vs.atlas_from_query(package, {"ebene": "planungsraum"})
    heads = _row_heads(atlas._build_views(package, planning, with_tables=True)["karte"]["table"])
    assert _all_linked_correctly(package, heads, "planungsraum") == 6


def test_zeitvergleich_tables_and_marked_area(flask_app, package):
    from pages import zeitvergleich
    from sozialraum import viewstate as vs

    state, _ = vs.time_from_query(package, {"gebiete": "melchendorf,rieth", "markiert": "rieth",
                                            "paar": "melchendorf,herrenberg"})
    built = zeitvergleich._build(package, state)
    heads = _row_heads(built["verlauf"]["table"])
    links = [h for h in heads if isinstance(h, dict)]
    # one link per line (city first), the other years of a line are plain text
    assert [link["href"] for link in links] == ["/ortsteil/erfurt", "/ortsteil/melchendorf", "/ortsteil/rieth"]
    assert len(heads) > len(links) and all(isinstance(h, str) for h in heads if not isinstance(h, dict))
    marked = _nodes(_json(zeitvergleich._marked_profile(package, state)), "A")
    assert [a["props"]["href"] for a in marked] == ["/ortsteil/rieth"]
    assert marked[0]["props"]["children"] == "Steckbrief Rieth öffnen"
    pair = _nodes(_json(zeitvergleich._pair_profiles(package, state)), "A")
    assert [a["props"]["children"] for a in pair] == ["Steckbrief Melchendorf öffnen", "Steckbrief Herrenberg öffnen"]
    unmarked, _ = vs.time_from_query(package, {})
    assert zeitvergleich._marked_profile(package, unmarked) == []


def test_sozialindex_tables_and_selected_area(flask_app, package):
    from components import sozialindex_views as views
    from pages import sozialindex

    state = views.state_from_query(package, {"auswahl": "melchendorf"})
    built = sozialindex._build_views(package, state)
    for chart in ("rangfolge", "karte", "zeitvergleich"):
        assert _all_linked_correctly(package, _row_heads(built[chart]["table"]), "ortsteil") >= 40, chart
    assert _all_linked_correctly(package, _row_heads(built["robust_table"]), "ortsteil") >= 40
    links = _nodes(_json(sozialindex._area_links(package, state.selected)), "A")
    assert links[0]["props"]["children"] == "Steckbrief Melchendorf öffnen"
    assert links[0]["props"]["href"] == "/ortsteil/melchendorf"
    # the CSV from the same rows keeps plain names
    csv = views.ranking_table(views.compute_view(package, state), "ortsteil").csv_frame()
    assert "Melchendorf" in csv.iloc[:, 0].tolist()


def test_measure_views_tables(flask_app, package):
    from components import measure_views as mv
    from pages import massnahmen

    for chart in ("karte", "bedarf"):
        heads = _row_heads(massnahmen._chart_table(chart, {}))
        assert _all_linked_correctly(package, heads, "ortsteil") == 53, chart
    # without slugs the names stay text (the parameter is optional)
    import pandas as pd

    counts = pd.DataFrame({"area_id": ["13"], "name": ["Melchendorf"], "measures": [2]})
    assert _row_heads(mv.map_table(counts)) == ["Melchendorf"]
    assert _row_heads(mv.map_table(counts, package.areas["slug"])) == [
        {"name": "Melchendorf", "href": "/ortsteil/melchendorf"}]


def test_massnahmen_chosen_area_offers_its_profile(flask_app, package):
    from pages import massnahmen
    from sozialraum import measure_analysis as ma

    f, _ = ma.filter_from_query(package, {"gebiet": "melchendorf"})
    chips = _json(massnahmen._chips(package, f, 3, 40))
    links = [a["props"] for a in _nodes(chips, "A")]
    assert links[-1]["children"] == "Steckbrief Melchendorf öffnen" and links[-1]["href"] == "/ortsteil/melchendorf"
    none, _ = ma.filter_from_query(package, {})
    assert not _nodes(_json(massnahmen._chips(package, none, 40, 40)), "A")


def test_measure_detail_areas_and_effect_table(flask_app, package):
    from components.measures_store import get_store
    from pages import massnahme

    frame = get_store().frame()
    record = next(r for r in frame.to_dict("records") if r["area_ids"])
    links = _nodes(_json(massnahme._areas(package, record)), "A")
    for area_id in record["area_ids"]:
        if area_id in package.areas.index:
            slug = package.areas.at[area_id, "slug"]
            assert any(a["props"]["href"] == f"/ortsteil/{slug}" for a in links)
            assert any(a["props"]["href"] == f"/atlas?auswahl={slug}" for a in links)
    indicator = record["target_indicators"][0] if record["target_indicators"] else "sgb2_quote"
    chart = _json(massnahme._effect_chart(package, record, indicator, 1))
    heads = [h for t in _nodes(chart, "Table") for h in _row_heads(t)]
    from sozialraum.viewstate import MAX_TIME_AREAS

    shown = [a for a in record["area_ids"] if a in package.areas.index][:MAX_TIME_AREAS]
    # one link per line: the city ("Stadt Erfurt") and each area of the measure
    assert [h["href"] for h in heads if isinstance(h, dict)] == [
        "/ortsteil/erfurt", *[f"/ortsteil/{package.areas.at[a, 'slug']}" for a in shown]]
