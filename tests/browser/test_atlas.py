"""The Sozialstrukturatlas (/atlas) in headless Chromium: linked views, the URL as the state,
notices for bad URLs, accessibility at desktop and phone size, CSV = shown values.

Figure state is read from the browser (`.js-plotly-plot`.data). Fixed trace layouts
(components/atlas_views.py): map trace 3 = marked outline (locations = marked area ids),
ranking trace 0 = bars (marker.line.width 3 = marked), distribution trace 1 = areas and
trace 2 = marked, scatter trace 0 = areas (selectedpoints = box selection) and trace 2 = marked.
Every trace's customdata starts with [area id, name, ...].

Plotly puts a drag layer over its plots, so clicks and box selections are done with
`page.mouse` at coordinates (a locator click lands on the drag layer, not on the bar).
"""

from __future__ import annotations

import csv
import io
import re
from itertools import pairwise
from urllib.parse import parse_qs, urlsplit

import pytest
from axe import assert_no_axe_violations
from browser_helpers import DESKTOP, PHONE, data_dir, goto_and_wait, wait_for_dash

from sozialraum.package import slugify

pytestmark = pytest.mark.browser

CHARTS = ("karte", "rangfolge", "verteilung", "streuung")
CLEAR = "Markierung und Bereichsauswahl aufheben"

BOX_UNDONE = (
    "pages/atlas.py: the box selection undoes itself. plotly_selected (10 points) -> sync_state sets `bereich` -> "
    "render_views (~line 525) sends a new scatter figure -> plotly re-emits plotly_selected with points=[] -> "
    "_brushed_areas (~line 378) treats that like a cleared box -> brushed=() 1 s later; the URL ends without "
    "`bereich`. Fix: only plotly_deselect (selectedData None) clears; ignore {'points': []} while a brush is "
    "set, or do not resend the scatter figure (Patch selectedpoints) when only `bereich` changed")
SLIDER_INPUT = (
    "pages/atlas.py ~line 244: Dash 4 dcc.Slider renders an <input type=number class=dash-range-slider-input> "
    "without a label; visible at phone width -> axe 'label' (critical). Fix: dcc.Slider(..., "
    "allow_direct_input=False) (or label the input)")
SLIDER_KEYS = (
    "pages/atlas.py _year_slider_props ~line 211: for years with gaps the slider gets step=None (marks only); "
    "Dash 4's slider then ignores ArrowLeft/ArrowRight (only Home/End move), so keyboard users cannot step "
    "through 2014/2019/2024. Fix: slide over the index of the year (step 1, marks {i: year}) or use the "
    "common spacing as step when the years are evenly spaced")


# --------------------------------------------------------------------------- package facts

def _areas() -> list[dict[str, str]]:
    with open(data_dir() / "areas.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def ortsteile(**match: str) -> dict[str, str]:
    """id -> name of the Ortsteile whose areas.csv cells equal `match`."""
    return {r["area_id"]: r["name"] for r in _areas()
            if r["level"] == "ortsteil" and all(r.get(k) == v for k, v in match.items())}


def area_id(name: str) -> str:
    return next(r["area_id"] for r in _areas() if r["name"] == name)


def slug(area: str) -> str:
    """URL slug of an Ortsteil (areas.csv's slug column, else derived from the name)."""
    row = next(r for r in _areas() if r["area_id"] == area)
    return row.get("slug") or slugify(row["name"])


# --------------------------------------------------------------------------- reading the page

_STATE_JS = """
() => {
  const plot = id => document.getElementById(id).querySelector('.js-plotly-plot');
  const ids = trace => (trace.customdata || []).map(c => String(c[0]));
  const checked = id => [...document.querySelectorAll('#' + id + ' input:checked')].map(i => i.value);
  const karte = plot('atlas-karte-graph'), rang = plot('atlas-rangfolge-graph');
  const vert = plot('atlas-verteilung-graph'), streu = plot('atlas-streuung-graph');
  const thumb = document.querySelector('#atlas-jahr [role=slider]');
  return {
    search: location.search,
    indikator: document.getElementById('atlas-indikator').value,
    jahr: thumb ? thumb.getAttribute('aria-valuetext') : null,
    ebene: checked('atlas-ebene'),
    planungsraum: checked('atlas-planungsraum'),
    art: checked('atlas-art'),
    titles: Object.fromEntries(['karte', 'rangfolge', 'verteilung', 'streuung'].map(
      c => [c, document.getElementById('atlas-' + c + '-titel').textContent])),
    mapAreas: [0, 1, 2].flatMap(i => karte.data[i].locations.map(String)),
    mapMarked: karte.data[3].locations.map(String),
    mapLabels: karte.data[4].text,
    bars: ids(rang.data[0]),
    barLines: rang.data[0].marker.line.width,
    distAreas: ids(vert.data[1]),
    distMarked: vert.data[2].text,
    scatterAreas: ids(streu.data[0]),
    scatterSelected: streu.data[0].selectedpoints == null ? null
      : [...streu.data[0].selectedpoints].map(i => String(streu.data[0].customdata[i][0])),
    scatterMarked: streu.data[2].text,
    selection: document.getElementById('atlas-auswahl-text').innerText,
    notices: document.getElementById('atlas-hinweise').innerText.trim(),
    empty: document.getElementById('atlas-leer').innerText.trim(),
    chartsHidden: document.getElementById('atlas-diagramme').hidden,
  };
}
"""


def state(page) -> dict:
    return page.evaluate(_STATE_JS)


def query(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query).items()}


def click_at_centre(page, locator) -> None:
    """Hover, then click the middle of an SVG element (plotly's drag layer eats locator clicks)."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    assert box, "element has no bounding box (not drawn?)"
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.click(x, y)


def marked_bars(st: dict) -> list[str]:
    return [a for a, w in zip(st["bars"], st["barLines"]) if w == 3]


# --------------------------------------------------------------------------- 1. click a bar

def test_bar_click_marks_the_area_in_every_view(page):
    goto_and_wait(page, "/atlas")
    assert_no_axe_violations(page, where="/atlas (default view) at 1400x900")
    before = state(page)
    assert before["mapMarked"] == [] and marked_bars(before) == [] and "Kein Gebiet markiert" in before["selection"]
    index = 2  # the third bar from the top: visible without scrolling the ranking
    target = before["bars"][index]
    name = page.evaluate(
        "(i) => document.querySelector('#atlas-rangfolge-graph .js-plotly-plot').data[0].customdata[i][1]", index)

    click_at_centre(page, page.locator("#atlas-rangfolge-graph .bars .point path").nth(index))
    wait_for_dash(page)
    after = state(page)
    assert query(page).get("auswahl") == slug(target), page.url
    assert after["mapMarked"] == [target], "map trace 3 does not outline the clicked area"
    assert after["mapLabels"] == [name]
    assert marked_bars(after) == [target], "the clicked bar has no thick outline"
    assert after["distMarked"] == [name], "the distribution does not mark the clicked area"
    assert after["scatterMarked"] == [name], "the scatter does not mark the clicked area"
    assert name in after["selection"] and "Markiert" in after["selection"]
    assert after["bars"] == before["bars"], "marking must not filter or reorder the ranking"

    # a second area from the list: both marked, in the URL by slug
    page.select_option("#atlas-markieren", label="Rieth" if name != "Rieth" else "Alach")
    wait_for_dash(page)
    second = "Rieth" if name != "Rieth" else "Alach"
    both = state(page)
    assert sorted(both["mapMarked"]) == sorted([target, area_id(second)])
    assert set(query(page)["auswahl"].split(",")) == {slug(target), slug(area_id(second))}
    assert second in both["selection"] and name in both["selection"]

    # clicking the marked bar again unmarks it
    click_at_centre(page, page.locator("#atlas-rangfolge-graph .bars .point path").nth(index))
    wait_for_dash(page)
    assert state(page)["mapMarked"] == [area_id(second)]

    page.get_by_role("button", name=CLEAR).click()
    wait_for_dash(page)
    cleared = state(page)
    assert "auswahl" not in query(page)
    assert cleared["mapMarked"] == [] and marked_bars(cleared) == [] and cleared["distMarked"] == []
    assert "Kein Gebiet markiert" in cleared["selection"]


# --------------------------------------------------------------------------- 2. box selection

_RECORD_SELECTION_JS = """
() => {
  const plot = document.querySelector('#atlas-streuung-graph .js-plotly-plot');
  window.__boxed = null;
  plot.on('plotly_selected', e => {
    if (window.__boxed === null && e && e.points.length)
      window.__boxed = e.points.filter(p => p.curveNumber === 0).map(p => String(p.customdata[0]));
  });
}
"""


def test_scatter_box_selection_filters_the_other_views(page):
    goto_and_wait(page, "/atlas")
    total = len(state(page)["bars"])
    page.evaluate(_RECORD_SELECTION_JS)
    layer = page.locator("#atlas-streuung-graph .nsewdrag").first
    layer.scroll_into_view_if_needed()
    box = layer.bounding_box()
    # the upper right part of the plot: high SGB II and high child poverty
    x0, y0 = box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.02
    x1, y1 = box["x"] + box["width"] * 0.99, box["y"] + box["height"] * 0.7
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, steps=5)
    page.mouse.move(x1, y1, steps=5)
    page.mouse.up()
    wait_for_dash(page)
    boxed = page.evaluate("() => window.__boxed")
    assert boxed and 1 < len(boxed) < total, f"the drag selected {boxed!r} (expected some of {total} areas)"
    after = state(page)
    assert set(query(page).get("bereich", "").split(",")) == {slug(a) for a in boxed}, page.url
    assert sorted(after["bars"]) == sorted(boxed), "the ranking does not show exactly the boxed areas"
    assert sorted(after["mapAreas"]) == sorted(boxed)
    assert set(after["distAreas"]) <= set(boxed)
    assert sorted(after["scatterSelected"] or []) == sorted(boxed)
    assert "im Streudiagramm ausgewählte Gebiete" in after["titles"]["rangfolge"]

    page.get_by_role("button", name=CLEAR).click()
    wait_for_dash(page)
    restored = state(page)
    assert "bereich" not in query(page) and len(restored["bars"]) == total and len(restored["mapAreas"]) == total


SELECTED_VIEW = ("/atlas?indikator=kinderarmut&jahr=2020&planungsraum=planungsraum-nord,planungsraum-innenstadt"
                 "&bereich=rieth,roter-berg,moskauer-platz,berliner-platz,ilversgehofen&auswahl=rieth,roter-berg")
BOXED = ("Rieth", "Roter Berg", "Moskauer Platz", "Berliner Platz", "Ilversgehofen")


@pytest.mark.parametrize("viewport", [
    pytest.param(DESKTOP, id="desktop"),
    pytest.param(PHONE, id="phone"),
])
def test_selected_filtered_boxed_view_from_url(page, viewport):
    """A shared link with filter, box selection and marking: the views show exactly the boxed
    areas, axe finds nothing (data table and, on a phone, the controls open), and the clear
    button brings every area of the filter back."""
    size = f"{viewport['width']}x{viewport['height']}"
    boxed = {area_id(n): n for n in BOXED}
    goto_and_wait(page, SELECTED_VIEW)
    st = state(page)
    assert st["notices"] == "" and query(page)["bereich"] == "rieth,roter-berg,moskauer-platz,berliner-platz,ilversgehofen"
    assert sorted(st["bars"]) == sorted(boxed) and sorted(st["mapAreas"]) == sorted(boxed)
    assert set(st["distAreas"]) == set(boxed)
    assert sorted(st["scatterSelected"]) == sorted(boxed), "the scatter does not show the box selection"
    assert len(st["scatterAreas"]) > len(boxed), "the scatter itself keeps showing all filtered areas"
    assert sorted(st["mapMarked"]) == sorted([area_id("Rieth"), area_id("Roter Berg")])
    assert sorted(marked_bars(st)) == sorted(st["mapMarked"])
    assert "5 im Streudiagramm ausgewählte Gebiete" in st["titles"]["karte"]

    phone = viewport["width"] < 600
    if phone:
        _open_controls(page)
        _assert_no_horizontal_scroll(page, f"the selected view with open controls at {size}")
    open_table(page, "rangfolge")  # the data table open as well
    assert_no_axe_violations(page, where=f"selected, filtered, box-selected view at {size}")

    page.get_by_role("button", name=CLEAR).click()
    wait_for_dash(page)
    st = state(page)
    assert "bereich" not in query(page) and "auswahl" not in query(page)
    filtered = {**ortsteile(parent_id="PR1"), **ortsteile(parent_id="PR2")}
    assert sorted(st["bars"]) == sorted(filtered) and st["mapMarked"] == [] and st["scatterSelected"] is None


# --------------------------------------------------------------------------- 3. the URL is the view

def _assert_view(st: dict, indicator_name: str, year: int, areas: dict[str, str], marked: str | None) -> None:
    assert st["jahr"] == str(year)
    for chart, title in st["titles"].items():
        assert str(year) in title, f"{chart} title {title!r} does not name the year {year}"
    assert indicator_name in st["titles"]["karte"] and indicator_name in st["titles"]["rangfolge"]
    assert sorted(st["bars"]) == sorted(areas), "the ranking shows other areas than the filter allows"
    assert sorted(st["mapAreas"]) == sorted(areas)
    assert set(st["scatterAreas"]) <= set(areas)
    if marked:
        assert st["mapMarked"] == [area_id(marked)] and marked in st["selection"]
        assert marked_bars(st) == [area_id(marked)]


def test_url_opens_the_exact_view_reload_and_history(page):
    nord = ortsteile(parent_id="PR2")
    url = "/atlas?indikator=kinderarmut&jahr=2020&planungsraum=planungsraum-nord&auswahl=rieth"
    goto_and_wait(page, url)
    first = state(page)
    assert first["indikator"] == "kinderarmut" and first["planungsraum"] == ["PR2"]
    assert first["ebene"] == ["ortsteil"] and first["art"] == [] and first["notices"] == ""
    _assert_view(first, "Kinderarmut", 2020, nord, "Rieth")
    assert "Planungsraum Nord" in first["titles"]["rangfolge"]

    page.reload(wait_until="domcontentloaded")
    wait_for_dash(page)
    assert state(page) == first, "a reload does not reproduce the view"

    # change 1: the year, by keyboard on the slider thumb
    page.focus("#atlas-jahr [role=slider]")
    page.keyboard.press("ArrowLeft")
    wait_for_dash(page)
    second = state(page)
    assert query(page)["jahr"] == "2019" and query(page)["indikator"] == "kinderarmut"
    _assert_view(second, "Kinderarmut", 2019, nord, "Rieth")
    assert page.locator("#atlas-jahr-anzeige").inner_text() == "2019"

    # change 2: the indicator
    page.select_option("#atlas-indikator", "sgb2_quote")
    wait_for_dash(page)
    third = state(page)
    assert query(page) == {"indikator": "sgb2_quote", "jahr": "2019", "planungsraum": "planungsraum-nord",
                           "auswahl": "rieth"}
    _assert_view(third, "SGB-II-Quote", 2019, nord, "Rieth")

    for expected, move in ((second, page.go_back), (first, page.go_back), (second, page.go_forward)):
        move(wait_until="commit")
        wait_for_dash(page)
        assert state(page) == expected, f"history step to {expected['search']} shows {page.url}"


# --------------------------------------------------------------------------- 4. and 7. notices, gaps, empty

def test_bad_url_gaps_and_empty_filter_say_so(page):
    goto_and_wait(page, "/atlas?indikator=gibt_es_nicht&jahr=20x0&auswahl=atlantis")
    st = state(page)
    assert "Den Indikator „gibt_es_nicht“ gibt es nicht; gezeigt wird „SGB-II-Quote“." in st["notices"]
    assert "Für das Jahr „20x0“ gibt es keine Werte" in st["notices"]
    assert "„atlantis“" in st["notices"]
    assert st["indikator"] == "sgb2_quote" and "SGB-II-Quote" in st["titles"]["karte"]
    assert len(st["bars"]) == len(ortsteile()) and not st["chartsHidden"]

    # Planungsraum Innenstadt has no rural Ortsteil: no empty charts, a sentence instead
    assert not ortsteile(parent_id="PR1", kind="laendlich")
    goto_and_wait(page, "/atlas?indikator=sgb2_quote&jahr=2024&planungsraum=planungsraum-innenstadt&art=laendlich")
    st = state(page)
    assert "nichts zu zeigen" in st["empty"] and "kein Gebiet erfüllt die Filter" in st["empty"]
    assert st["chartsHidden"] and not page.locator("#atlas-karte-graph").is_visible()
    assert st["notices"] == ""
    # one filter less: the charts are back
    page.locator("#atlas-art").get_by_text("ländlich").click()
    wait_for_dash(page)
    st = state(page)
    assert not st["chartsHidden"] and st["empty"] == "" and sorted(st["bars"]) == sorted(ortsteile(parent_id="PR1"))
    assert "art" not in query(page)


def test_indicator_without_the_year_says_so_and_keyboard_steps_its_years(page):
    """Kommunalwahl only in 2014, 2019, 2024: a link asking for 2020 gets a notice and the latest
    year; the slider offers only the election years, and the arrow keys move between them."""
    goto_and_wait(page, "/atlas?indikator=wahlbeteiligung_kommunal&jahr=2020")
    st = state(page)
    assert "Für das Jahr „2020“ gibt es keine Werte; gezeigt wird 2024." in st["notices"]
    assert st["jahr"] == "2024" and all("2024" in t for t in st["titles"].values())
    assert len(st["bars"]) == len(ortsteile()) and not st["chartsHidden"] and st["empty"] == ""
    assert page.locator("#atlas-jahr .dash-slider-mark").all_inner_texts() == ["2014", "2019", "2024"]
    page.focus("#atlas-jahr [role=slider]")
    page.keyboard.press("ArrowLeft")
    wait_for_dash(page)
    assert query(page)["jahr"] == "2019", "ArrowLeft on the year slider does not reach the previous election year"
    assert "2019" in state(page)["titles"]["karte"]

    # the indicator picker moves a year the indicator does not have to its latest year
    page.select_option("#atlas-indikator", "sgb2_quote")
    wait_for_dash(page)
    page.focus("#atlas-jahr [role=slider]")
    page.keyboard.press("ArrowLeft")
    wait_for_dash(page)
    assert query(page)["jahr"] == "2018"
    page.select_option("#atlas-indikator", "wahlbeteiligung_kommunal")
    wait_for_dash(page)
    st = state(page)
    assert st["jahr"] == "2024" and query(page)["jahr"] == "2024" and not st["chartsHidden"]


# --------------------------------------------------------------------------- 5. accessibility

_OVERFLOW_JS = """
() => ({scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
        wide: [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1
              && !e.closest('.table-scroll')).slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className)})
"""


def _assert_no_horizontal_scroll(page, where: str) -> None:
    info = page.evaluate(_OVERFLOW_JS)
    assert info["scrollWidth"] <= info["innerWidth"] + 1, f"{where} scrolls horizontally: {info}"


def _open_controls(page) -> None:
    toggle = page.get_by_role("button", name="Filter und Einstellungen")
    toggle.click()
    page.locator("#atlas-indikator").wait_for(state="visible")
    assert toggle.get_attribute("aria-expanded") == "true"
    wait_for_dash(page)


@pytest.mark.parametrize("viewport", [pytest.param(PHONE, id="phone")])
def test_phone_default_view_collapsed_controls_and_axe(page, viewport):
    """(The desktop default view is checked by axe in test_bar_click_marks_the_area_in_every_view.)"""
    goto_and_wait(page, "/atlas")
    assert_no_axe_violations(page, where="/atlas (default view) at 390x844")
    _assert_no_horizontal_scroll(page, "/atlas at 390x844")
    toggle = page.get_by_role("button", name="Filter und Einstellungen")
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator("#atlas-indikator").is_visible(), "the controls are not collapsed on a phone"
    _open_controls(page)
    _assert_no_horizontal_scroll(page, "/atlas with open controls at 390x844")
    assert_no_axe_violations(page, where="/atlas with open controls at 390x844")
    toggle.click()
    page.locator("#atlas-indikator").wait_for(state="hidden")
    assert toggle.get_attribute("aria-expanded") == "false"
    # charts stack: each chart as wide as the page (less the margins), one below the other
    boxes = [page.locator(f"#atlas-{c}").bounding_box() for c in CHARTS]
    assert all(b["width"] > 300 for b in boxes), boxes
    assert all(a["y"] + a["height"] <= b["y"] + 1 for a, b in pairwise(boxes)), boxes


# --------------------------------------------------------------------------- 6. CSV = shown values

def open_table(page, chart: str) -> None:
    """Open the chart's "Daten als Tabelle" (the page may fill it only when opened)."""
    details = page.locator(f"#atlas-{chart} details").first
    if not details.evaluate("d => d.open"):
        details.locator("summary").click()
        wait_for_dash(page)
    page.locator(f"#atlas-{chart}-tabelle table tbody tr").first.wait_for(state="attached")


def _table_rows(page, chart: str) -> list[list[str]]:
    """Body rows of the chart's "Daten als Tabelle" (header cell first); opens it if needed."""
    open_table(page, chart)
    return page.evaluate(
        """(chart) => [...document.querySelectorAll('#atlas-' + chart + '-tabelle table tbody tr')]
                       .map(tr => [...tr.children].map(c => c.textContent.trim()))""", chart)


def _csv_rows(page, chart: str) -> tuple[str, list[dict[str, str]]]:
    href = page.locator(f"#atlas-{chart}-csv").get_attribute("href")
    response = page.request.get(href)
    assert response.status == 200, f"{href}: HTTP {response.status} {response.text()[:200]}"
    text = response.body().decode("utf-8-sig")
    return href, list(csv.DictReader(io.StringIO(text), delimiter=";"))


def _plain(shown: str) -> str:
    """German display value -> CSV cell: "1.234,5 %" -> "1234,5", "·" stays, "–" -> ""."""
    if shown == "·":
        return "·"
    if shown in ("–", ""):
        return ""
    number = shown.split(" ")[0].replace("\u2212", "-").replace(".", "")
    assert re.fullmatch(r"-?\d+(,\d+)?", number), f"not a German number: {shown!r}"
    return number


def _compare_csv_with_tables(page, where: str) -> int:
    """Every chart's CSV equals its table: areas, order, values; suppressed "·" in both."""
    suppressed = 0
    for chart in CHARTS:
        _, rows = _csv_rows(page, chart)
        table = _table_rows(page, chart)
        if chart != "streuung":
            assert table[-1][0].startswith("Stadt "), "the table ends with the city for comparison"
            table = table[:-1]
        assert [r[0] for r in table] == [r["Gebiet"] for r in rows], f"{where}, {chart}: other areas or order"
        for shown, row in zip(table, rows):
            if chart == "streuung":
                value_columns = [c for c in row if c.endswith(")") and c not in ("Gebiet",)]
                assert len(value_columns) == 2, row.keys()
                cells = list(zip(shown[1:3], (row[c] for c in value_columns)))
                assert _plain(shown[3]) == row["Einwohner"]
            else:
                cells = [(shown[2], row["Wert"])]
                assert shown[1] == row["Rang"], f"{where}, {chart}, {shown[0]}: rank {shown[1]} vs {row['Rang']}"
                assert (shown[3] if shown[3] not in ("·", "–") else "") == row["Klasse"]
            for display, cell in cells:
                assert _plain(display) == cell, f"{where}, {chart}, {shown[0]}: shown {display!r}, CSV {cell!r}"
                if display == "·":
                    suppressed += 1
                    assert not re.search(r"\d", cell), f"{chart}: a suppressed value is a number in the CSV"
    return suppressed


def test_csv_downloads_equal_the_shown_values(page):
    url = "/atlas?indikator=kinderarmut&jahr=2020&planungsraum=planungsraum-nord"
    goto_and_wait(page, url)
    nord = ortsteile(parent_id="PR2")
    assert len(_table_rows(page, "rangfolge")) == len(nord) + 1
    suppressed = _compare_csv_with_tables(page, url)
    assert suppressed >= 2, "the filtered view was chosen for its suppressed values (Mittelhausen, Schwerborn)"

    # changed in the page, not by URL: the links follow the view
    page.locator("#atlas-art").get_by_text("Großwohnsiedlung").click()
    wait_for_dash(page)
    expected = ortsteile(parent_id="PR2", kind="grosswohnsiedlung")
    assert sorted(state(page)["bars"]) == sorted(expected)
    assert "art=grosswohnsiedlung" in page.locator("#atlas-karte-csv").get_attribute("href")
    _compare_csv_with_tables(page, url + " + Großwohnsiedlung")
    _, rows = _csv_rows(page, "rangfolge")
    assert sorted(r["Gebiets-ID"] for r in rows) == sorted(expected)
    assert {r["Jahr"] for r in rows} == {"2020"} and {r["Hinweis"] for r in rows} == {"Beispieldaten"}


# --------------------------------------------------------------------------- Sozialindex layer

def test_sozialindex_classes_as_a_map_layer(page):
    """`sozialindex=ja` adds one symbol trace per index class to the map (named, so the class
    reads from the legend and the shape, not the colour), says so under the title, survives
    in the URL, and has no accessibility violations; on the Planungsraum level it explains
    why there are no classes."""
    goto_and_wait(page, "/atlas?sozialindex=ja")
    names = page.evaluate("""() => document.querySelector('#atlas-karte-graph .js-plotly-plot').data
                                 .map(t => t.name).filter(n => n && n.startsWith('Sozialindex: '))""")
    assert names, "no Sozialindex trace on the map"
    assert any("Handlungsbedarf" in n for n in names), names
    assert "Sozialindex" in page.locator("#atlas-karte-aussage").inner_text()
    assert page.locator("#atlas-sozialindex input").is_checked()
    assert_no_axe_violations(page, where="/atlas?sozialindex=ja")
    page.locator("#atlas-sozialindex input").uncheck()
    wait_for_dash(page)
    assert "sozialindex" not in query(page)
    goto_and_wait(page, "/atlas?sozialindex=ja&ebene=planungsraum")
    assert "keine Klassen" in page.locator("#atlas-karte-aussage").inner_text()
