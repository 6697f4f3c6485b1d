"""The district profile page (pages/ortsteil.py) and its CSV download, through the real app:
layout of an Ortsteil, a Planungsraum and the city, the unknown-slug message (hostile input only
ever as text), the print split, the locator map and /download/steckbrief/<slug>.csv (numbers
checked against the package's observations, read here independently)."""

from __future__ import annotations

import csv
import importlib
import io
import itertools
import json

import pytest
from dash import html
from plotly.utils import PlotlyJSONEncoder

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def page(flask_app):
    flask_app.test_client().get("/")
    return importlib.import_module("pages.ortsteil")


@pytest.fixture(scope="module")
def package(flask_app):
    from components.data import get_package

    return get_package()


@pytest.fixture(scope="module")
def frame(flask_app):
    from components.measures_store import get_store

    return get_store().frame()


def walk(component):
    yield component
    children = getattr(component, "children", None)
    if children is None:
        return
    if not isinstance(children, (list, tuple)):
        children = [children]
    for child in children:
        if child is not None:
            yield from walk(child)


def text_of(component) -> str:
    return " ".join(c for c in walk(component) if isinstance(c, str))


def of_type(component, kind) -> list:
    return [c for c in walk(component) if isinstance(c, kind)]


def hrefs(component) -> list[str]:
    return [c.href for c in of_type(component, html.A)]


def observation(package, area_id: str, indicator: str, year: int) -> float:
    obs = package.observations
    row = obs[(obs["area_id"].astype(str) == area_id) & (obs["indicator_id"].astype(str) == indicator)
              & (obs["year"] == year)]
    assert len(row) == 1
    return float(row["value"].iloc[0])


# ---- layout -------------------------------------------------------------------------------

def test_melchendorf_layout(page, package, frame):
    layout = page.build(package, "melchendorf", frame)
    h1 = of_type(layout, html.H1)
    assert [text_of(h) for h in h1] == ["Melchendorf"]
    text = text_of(layout)
    assert "Planungsraum Südost" in text and "Ortsteilrat" in text and "Großwohnsiedlung" in text
    area_id = package.area_lookup["melchendorf"]
    population = observation(package, area_id, "einwohner", max(package.years))
    assert f"{population:,.0f}".replace(",", ".") in text
    links = hrefs(layout)
    assert "/ortsteil/planungsraum-suedost" in links
    assert "/download/steckbrief/melchendorf.csv" in links and "/download/steckbrief/melchendorf.pdf" in links
    assert any(h.startswith("/massnahmen/") and h != "/massnahmen/" for h in links)
    assert sum(h.startswith("/ortsteil/") and h != "/ortsteil/planungsraum-suedost" for h in links) == 5  # similar
    # every indicator of the level once, every table with a caption and scoped headers
    rows = [c for c in of_type(layout, html.Tr) if str(getattr(c, "id", "")).startswith("steckbrief-zeile-")]
    from sozialraum import profile as pr

    level_rows = pr.indicator_rows(package, pr.resolve(package, "melchendorf"))
    assert len(rows) == len(level_rows) and len(level_rows) >= len(package.indicators) - 1
    for table in of_type(layout, html.Table):
        assert of_type(table, html.Caption), table
        assert all(th.scope in ("col", "row") for th in of_type(table, html.Th))
    # words, not only colour
    assert "günstiger" in text and "ungünstiger" in text
    # sparkline and map images all have alt texts
    images = of_type(layout, html.Img)
    assert len(images) > len(level_rows) and all(getattr(i, "alt", None) for i in images)
    assert any("liegt im Südosten von Erfurt" in i.alt for i in images)
    # two print pages, the edition on each
    pages = [c for c in walk(layout) if "print-page " in str(getattr(c, "className", "") or "")]
    assert len(pages) == 2
    assert all("Stand der Daten 31.12.2024" in text_of(p) and "Beispieldaten" in text_of(p) for p in pages)
    headings = [int(type(c).__name__[1]) for c in walk(layout) if type(c).__name__ in ("H1", "H2", "H3", "H4")]
    assert headings[0] == 1 and all(b - a <= 1 for a, b in itertools.pairwise(headings))


def test_city_and_planungsraum_layout(page, package, frame):
    city = page.build(package, "erfurt", frame)
    assert [text_of(h) for h in of_type(city, html.H1)] == ["Erfurt"]
    text = text_of(city)
    assert "Ähnliche" not in text and "Rang" not in text  # the city has no peers
    assert "Steckbrief der Stadt" in text
    for alias in ("stadt", "gesamtstadt"):
        assert page._title(slug=alias) == "Steckbrief Erfurt – Sozialraum-Monitor"
    prr = page.build(package, "planungsraum-suedost", frame)
    assert "Melchendorf" not in [text_of(h) for h in of_type(prr, html.H1)]
    assert "Ähnliche Planungsräume" in text_of(prr)


def test_unknown_slug_is_text_and_short(page, flask_app):
    layout = page.layout(slug=HOSTILE * 10)
    text = text_of(layout)
    assert "Gebiet nicht gefunden" in text
    assert HOSTILE in text and HOSTILE * 3 not in text        # echoed as text, shortened
    assert {"/", "/atlas"} <= set(hrefs(layout))
    assert not any(type(c).__name__ == "Script" for c in walk(layout))
    assert page._title(slug=HOSTILE) == "Gebiet nicht gefunden – Sozialraum-Monitor"
    # the served page: no raw markup from the URL anywhere in the HTML
    response = flask_app.test_client().get("/ortsteil/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert response.status_code == 200
    assert b"<script>alert(1)" not in response.data
    # the layout as Dash serialises it carries the string as JSON text, nothing else
    payload = json.dumps(layout, cls=PlotlyJSONEncoder)
    assert '"type": "Script"' not in payload


def test_layout_is_cached_per_revision(page, flask_app):
    first = page.layout(slug="melchendorf")
    again = page.layout(slug="Melchendorf")
    assert json.dumps(first, cls=PlotlyJSONEncoder) == json.dumps(again, cls=PlotlyJSONEncoder)


def test_print_split(page, package):
    from sozialraum import profile as pr

    themes = pr.profile(package, "melchendorf").themes
    n = page.split_themes(themes)
    rows = [len(t.rows) for t in themes]
    assert 1 <= n < len(themes)
    assert sum(rows[:n]) <= 0.5 * sum(rows) < sum(rows[:n + 1])
    assert page.split_themes(themes[:1]) == 1


def test_locator_map(package):
    from components.locator_map import locator_svg, where_in_city
    from sozialraum import profile as pr

    place = pr.resolve(package, "melchendorf")
    svg = locator_svg(package, place)
    assert svg.startswith("<svg") and 'fill="url(#s)"' in svg and svg.count("<path") == 3
    assert where_in_city(package, place) == "im Südosten"
    assert where_in_city(package, pr.resolve(package, "altstadt")) == "im inneren Stadtgebiet"


# ---- CSV ----------------------------------------------------------------------------------

def test_csv_download(flask_app, package):
    response = flask_app.test_client().get("/download/steckbrief/melchendorf.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert 'filename="steckbrief_melchendorf.csv"' in response.headers["Content-Disposition"]
    raw = response.data.decode("utf-8")
    assert raw.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(raw[1:]), delimiter=";"))
    from sozialraum import profile as pr

    assert len(rows) == len(pr.indicator_rows(package, pr.resolve(package, "melchendorf")))
    by_id = {r["Indikator-ID"]: r for r in rows}
    year = int(by_id["sgb2_quote"]["Jahr"])
    area_id = package.area_lookup["melchendorf"]
    expected = observation(package, area_id, "sgb2_quote", year)
    assert by_id["sgb2_quote"]["Wert"] == f"{expected:.1f}".replace(".", ",")
    assert by_id["einwohner"]["Wert"] == f"{observation(package, area_id, 'einwohner', year):.0f}"
    assert {r["Stand"] for r in rows} == {"31.12.2024"} and {r["Hinweis"] for r in rows} == {"Beispieldaten"}
    assert by_id["sgb2_quote"]["Bewertung Abstand"] in ("günstiger", "ungünstiger", "unverändert")


def test_csv_city_and_unknown(flask_app):
    client = flask_app.test_client()
    city = client.get("/download/steckbrief/stadt.csv")
    assert city.status_code == 200 and 'steckbrief_erfurt.csv' in city.headers["Content-Disposition"]
    bad = client.get("/download/steckbrief/%3Cscript%3E.csv")
    assert bad.status_code == 404
    assert bad.mimetype == "text/plain"
    assert "gibt es im Datenpaket Erfurt nicht" in bad.data.decode("utf-8")
