"""The "Mein Ortsteil" search: matching (sozialraum/search.py) on the Erfurt package and on the
small test package (where an Ortsteil and a Planungsraum share the name "Nord"), the form in the
header and on the Übersicht, and the /suche page over HTTP: one match redirects to the profile,
several are listed with their kind, none gets a German message with suggestions, empty and
hostile input is answered in German and shown as text only."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from plotly.utils import PlotlyJSONEncoder

from sozialraum import search as s
from sozialraum.package import DataPackage, load_package
from tests.unit.package_builder import PackageBuilder

ERFURT = Path(__file__).resolve().parents[2] / "data" / "erfurt"


@pytest.fixture(scope="module")
def erfurt() -> DataPackage:
    return load_package(ERFURT)


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> DataPackage:
    return load_package(PackageBuilder.valid().write(tmp_path_factory.mktemp("suche")))


def names(result: s.SearchResult) -> list[str]:
    return [h.name for h in result.hits]


# ---- matching -------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["Melch", "melch", "MELCH", "  melchendorf ", "Melchendorf", "melchendorf",
                                   "chendorf", "Melchendorf\n"])
def test_melchendorf_is_found_by_any_part_of_its_name(erfurt, query):
    result = s.search(erfurt, query)
    assert names(result) == ["Melchendorf"]
    assert result.destination is not None and result.destination.href == "/ortsteil/melchendorf"


@pytest.mark.parametrize("query", ["krämpfer", "Krämpfer", "kraempfer", "krampfer", "KRÄMPFERVORSTADT",
                                   "kraempfervorstadt", "Kraempfervorstadt"])
def test_umlauts_match_written_either_way(erfurt, query):
    result = s.search(erfurt, query)
    assert names(result) == ["Krämpfervorstadt"]
    assert result.destination.slug == "kraempfervorstadt"


def test_sharp_s_and_umlaut_in_the_middle(erfurt):
    assert names(s.search(erfurt, "Büßleben")) == ["Büßleben"]
    assert names(s.search(erfurt, "buessleben")) == ["Büßleben"]
    assert names(s.search(erfurt, "wiesenhugel")) == ["Wiesenhügel"]
    assert names(s.search(erfurt, "hügel")) == ["Wiesenhügel"]


def test_slugs_and_punctuation(erfurt):
    assert names(s.search(erfurt, "berliner-platz")) == ["Berliner Platz"]
    assert names(s.search(erfurt, "berlinerplatz")) == ["Berliner Platz"]
    assert names(s.search(erfurt, "rohda-haarberg")) == ["Rohda (Haarberg)"]
    assert names(s.search(erfurt, "planungsraum-nord")) == ["Planungsraum Nord"]


def test_several_matches_are_listed_best_first(erfurt):
    result = s.search(erfurt, "platz")
    assert result.destination is None and not result.exact
    # names that start with the word before names that only contain it
    assert names(result) == ["Berliner Platz", "Moskauer Platz", "Johannesplatz"]
    assert {h.level_label for h in result.hits} == {"Ortsteil"}


def test_word_starts_rank_before_names_that_merely_contain(erfurt):
    # "Roter Berg" has a word starting with "berg"; the other two merely contain it (then by name)
    assert names(s.search(erfurt, "berg")) == ["Roter Berg", "Herrenberg", "Rohda (Haarberg)"]
    assert names(s.search(erfurt, "Planungsraum")) == ["Planungsraum Innenstadt", "Planungsraum Nord",
                                                        "Planungsraum Ost", "Planungsraum Süd",
                                                        "Planungsraum Südost", "Planungsraum West"]


def test_one_letter_finds_only_names_starting_with_it(erfurt):
    result = s.search(erfurt, "m")
    assert result.hits and all(h.name.lower().startswith("m") for h in result.hits)
    assert "Altstadt" not in names(result)


def test_the_city_by_its_name_and_its_aliases(erfurt):
    for query in ("Erfurt", "erfurt", "gesamtstadt", "Stadt"):
        result = s.search(erfurt, query)
        assert result.destination is not None and result.destination.level == "stadt", query
        assert result.destination.href == "/ortsteil/erfurt"
    # "stadt" is also part of many names: those are offered, the city alias itself is first
    assert "Altstadt" in names(s.search(erfurt, "stadt"))


def test_an_exact_name_shared_by_two_areas_is_listed_not_guessed(small):
    result = s.search(small, "Nord")
    assert result.destination is None
    assert sorted((h.name, h.level) for h in result.hits) == [("Nord", "ortsteil"), ("Nord", "planungsraum")]
    assert result.hits[0].level == "ortsteil"
    assert s.search(small, "nord-planungsraum").destination.level == "planungsraum"


def test_no_match_suggests_similar_names(erfurt):
    result = s.search(erfurt, "Melchendrof")
    assert result.hits == () and result.destination is None
    assert [h.name for h in result.suggestions][:1] == ["Melchendorf"]
    assert s.search(erfurt, "Krempfervorstadt").suggestions[0].name == "Krämpfervorstadt"
    assert s.search(erfurt, "qqqqqq").suggestions == ()


@pytest.mark.parametrize("query", [None, "", "   ", "<>", "!!!", "--"])
def test_empty_and_letterless_input(erfurt, query):
    result = s.search(erfurt, query)
    assert result.empty and result.hits == () and result.destination is None


def test_hostile_input_is_searched_as_plain_words_and_cut(erfurt):
    result = s.search(erfurt, "<script>alert('x')</script>")
    assert result.hits == () and not result.empty
    assert s.search(erfurt, "x" * 5000).query == "x" * s.MAX_QUERY
    assert names(s.search(erfurt, "Melch'; DROP TABLE areas;--")) == []


def test_the_datalist_order(erfurt):
    ordered = s.areas_in_order(erfurt)
    levels = [h.level for h in ordered]
    assert levels == sorted(levels, key=lambda lv: s.LEVEL_ORDER[lv])
    assert levels.count("ortsteil") == 53 and levels[-1] == "stadt"
    ortsteile = [h.name for h in ordered if h.level == "ortsteil"]
    assert ortsteile[:3] == ["Alach", "Altstadt", "Andreasvorstadt"]
    assert ortsteile.index("Löbervorstadt") < ortsteile.index("Marbach")  # ö sorts like o, not after z


# ---- the form -------------------------------------------------------------------------------

def _json(component) -> str:
    return json.dumps(component, cls=PlotlyJSONEncoder, ensure_ascii=False)


def test_the_header_has_the_search_form(flask_app):
    from components.data import get_package
    from components.shell import header

    with flask_app.test_request_context("/atlas"):
        data = json.loads(_json(header(get_package())))
    forms = _find_all(data, "Form")
    form = next(f for f in forms if f["props"].get("action") == "/suche")
    props = form["props"]
    assert props["method"] == "GET" and props["role"] == "search" and props["aria-label"]
    text = _json(form)
    assert '"name": "q"' in text and '"list": "kopf-suche-namen"' in text
    assert '"htmlFor": "kopf-suche-eingabe"' in text and '"id": "kopf-suche-eingabe"' in text
    options = [o["props"]["value"] for o in _find_all(form, "Option")]
    assert options[0] == "Alach" and "Melchendorf" in options and options[-1] == "Erfurt"
    assert len(options) == 60


def test_the_uebersicht_has_the_search_form(flask_app):
    from pages import uebersicht

    with flask_app.test_request_context("/"):
        text = _json(uebersicht.layout())
    assert '"id": "start-suche"' in text and '"action": "/suche"' in text and '"list": "start-suche-namen"' in text


def _find_all(node, type_name: str) -> list[dict]:
    found = []
    if isinstance(node, dict):
        if node.get("type") == type_name:
            found.append(node)
        for value in node.values():
            found += _find_all(value, type_name)
    elif isinstance(node, list):
        for value in node:
            found += _find_all(value, type_name)
    return found


# ---- the /suche page over HTTP and its layout --------------------------------------------------

@pytest.mark.parametrize("query, target", [("Melch", "/ortsteil/melchendorf"), ("krämpfer", "/ortsteil/kraempfervorstadt"),
                                           ("Krampfervorstadt", "/ortsteil/kraempfervorstadt"),
                                           ("gesamtstadt", "/ortsteil/erfurt"),
                                           ("Planungsraum Nord", "/ortsteil/planungsraum-nord")])
def test_one_match_redirects_to_the_profile(client, query, target):
    response = client.get("/suche", query_string={"q": query})
    assert response.status_code == 303
    assert response.headers["Location"] == target


@pytest.mark.parametrize("query", ["platz", "", "xyz", "<script>alert(1)</script>"])
def test_other_queries_get_the_page(client, query):
    response = client.get("/suche", query_string={"q": query})
    assert response.status_code == 200 and b'lang="de"' in response.data
    assert b"<script>alert(1)</script>" not in response.data


def test_the_redirect_leaves_other_addresses_alone(client):
    assert client.get("/atlas", query_string={"q": "Melch"}).status_code == 200
    assert client.get("/suche/", query_string={"q": "Melch"}).status_code != 303


def _search_layout(flask_app, q):
    from pages import suche

    with flask_app.test_request_context("/suche", query_string={"q": q} if q is not None else None):
        return json.loads(_json(suche.layout(q=q)))


def _texts(node) -> str:
    """All text of a layout, joined."""
    if isinstance(node, str):
        return node
    if isinstance(node, dict):
        return " ".join(_texts(v) for k, v in node.get("props", {}).items() if k == "children")
    if isinstance(node, list):
        return " ".join(_texts(v) for v in node)
    return ""


def _links(node) -> dict[str, str]:
    return {_texts(a["props"].get("children")): a["props"]["href"] for a in _find_all(node, "A")}


def test_several_matches_are_links_with_their_kind(flask_app):
    page = _search_layout(flask_app, "platz")
    result = next(n for n in _find_all(page, "Section") if n["props"].get("id") == "suche-ergebnis")
    text = _texts(result)
    assert "3 Gebiete passen zu „platz“" in text
    links = _links(result)
    assert links == {"Berliner Platz": "/ortsteil/berliner-platz", "Moskauer Platz": "/ortsteil/moskauer-platz",
                     "Johannesplatz": "/ortsteil/johannesplatz"}
    assert text.count("Ortsteil, Planungsraum Nord") == 3


def test_planungsraum_hits_say_so(flask_app):
    result = _texts(_search_layout(flask_app, "Planungsraum"))
    assert "6 Gebiete passen" in result and result.count("– Planungsraum") == 6


def test_no_match_says_so_in_german_with_suggestions(flask_app):
    page = _search_layout(flask_app, "Melchendrof")
    text = _texts(page)
    assert "Kein Gebiet passt zu „Melchendrof“" in text and "Meinten Sie vielleicht" in text
    assert _links(next(n for n in _find_all(page, "Ul") if n["props"].get("id") == "suche-vorschlaege")) == {
        "Melchendorf": "/ortsteil/melchendorf"}
    assert "Alle Ortsteile von A bis Z" in text


@pytest.mark.parametrize("q", [None, "", "   "])
def test_empty_input_asks_for_a_name(flask_app, q):
    text = _texts(_search_layout(flask_app, q))
    assert "Bitte geben Sie den Namen eines Ortsteils oder Planungsraums ein" in text
    assert "Alle Ortsteile von A bis Z" in text


def test_hostile_input_is_only_text(flask_app):
    hostile = "<script>alert(1)</script>"
    page = _search_layout(flask_app, hostile)
    message = next(n for n in _find_all(page, "P") if n["props"].get("id") == "suche-meldung")
    assert message["props"]["children"] == f"Kein Gebiet passt zu „{hostile}“. Bitte prüfen Sie die Schreibweise " \
                                           "oder geben Sie nur die ersten Buchstaben ein."
    # a string child is rendered by React as a text node; no component carries raw markup
    assert not any(k in json.dumps(page) for k in ("dangerouslySetInnerHTML", "Markdown"))
    assert _search_layout(flask_app, "<>")["props"]["children"]  # letterless: a message too
    assert "keine Buchstaben oder Ziffern" in _texts(_search_layout(flask_app, "<>"))


def test_a_unique_match_reached_inside_the_app_forwards(flask_app):
    page = _search_layout(flask_app, "melch")
    location = _find_all(page, "Location")
    assert location and location[0]["props"]["href"] == "/ortsteil/melchendorf" and location[0]["props"]["refresh"]
    assert "Steckbrief Melchendorf öffnen" in _texts(page)


def test_the_query_is_kept_in_the_form(flask_app):
    page = _search_layout(flask_app, "platz")
    field = next(n for n in _find_all(page, "Input") if n["props"].get("id") == "suche-seite-eingabe")
    assert field["props"]["value"] == "platz" and field["props"]["name"] == "q"
    assert re.fullmatch(r"[\w-]+", field["props"]["list"])
