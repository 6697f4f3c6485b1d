"""Maßnahmen (/massnahmen, /massnahmen/<id>, /anmelden) in headless Chromium: the linked views
(Leitlinie card, map area, status segment -> every view and the table, the filter in the URL),
the server-side AG Grid (sort, column filter, CSV = the filtered rows), the editor's status
change with its history, axe at desktop and phone size, and an XSS payload shown as text.

Figures are read from the browser (`.js-plotly-plot`.data); fixed trace layouts
(components/measure_views.py): status chart = one bar trace per status (in
schema.MEASURE_STATUSES order), one point per Leitlinie, dimmed points have marker.opacity 0.35;
map trace 0 = counts (locations, z), trace 1 = the outline of the chosen area.
The table uses AG Grid's infinite row model: its rows are read with the grid API
(`dash_ag_grid.getApi`), which holds exactly the rows the server sent for the current view.

The expected sets come from data/erfurt/measures.csv (the seed of the session's database), so
the page is compared with the data, not with itself. Tests that write (status change, title)
use measures no read test depends on. The machine may be busy: page loads get 60 s.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from urllib.parse import parse_qs, urlsplit

import pytest
from axe import assert_no_axe_violations
from browser_helpers import DESKTOP, PHONE, add_user, data_dir, goto_and_wait, wait_for_dash
from conftest import TEST_PASSWORD

from sozialraum.package import slugify

pytestmark = pytest.mark.browser

SLOW_MS = 60_000
VIEWPORTS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]
STATUSES = ("geplant", "in_vorbereitung", "in_umsetzung", "umgesetzt", "verstetigt", "zurueckgestellt",
            "abgebrochen")
EDITED = "M-2019-004"     # the status-change test writes this one (Leitlinien 1 and 3)
XSS_ID = "M-2019-009"     # the XSS test sets this one's title (Leitlinie 1)
XSS_TITLE = '<img src=x onerror="window.__xss=1">Titel'


@pytest.fixture(autouse=True)
def _patient(page):
    page.set_default_timeout(SLOW_MS)


def ready(page) -> None:
    wait_for_dash(page, SLOW_MS)


def open_page(page, url: str):
    return goto_and_wait(page, url, SLOW_MS)


# --------------------------------------------------------------------------- package facts

def measures() -> list[dict[str, str]]:
    with open(data_dir() / "measures.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _split(cell: str) -> list[str]:
    return [p.strip() for p in (cell or "").split(";") if p.strip()]


def ids_where(**match) -> set[str]:
    """Ids of the seed measures with leitlinie=<n> / area=<Ortsteil id> / status=<key>."""
    out = set()
    for row in measures():
        if "leitlinie" in match and str(match["leitlinie"]) not in _split(row["leitlinien"]):
            continue
        if "area" in match and str(match["area"]) not in _split(row["area_ids"]):
            continue
        if "status" in match and row["status"] != match["status"]:
            continue
        out.add(row["measure_id"])
    return out


def areas() -> dict[str, dict[str, str]]:
    with open(data_dir() / "areas.csv", encoding="utf-8", newline="") as handle:
        return {r["area_id"]: r for r in csv.DictReader(handle)}


def area_slug(area_id: str) -> str:
    row = areas()[area_id]
    return row.get("slug") or slugify(row["name"])


TOTAL = len(measures())


# --------------------------------------------------------------------------- reading the page

_STATE_JS = """
() => {
  const plot = id => document.getElementById(id).querySelector('.js-plotly-plot');
  const status = plot('massnahmen-status-graph'), karte = plot('massnahmen-karte-graph');
  const api = dash_ag_grid.getApi('massnahmen-tabelle');
  const rows = [];
  if (api) api.forEachNode(n => { if (n.data) rows.push(n.data); });
  const idOf = cell => String(cell || '').replace(/^\\[([^\\]]*)\\].*$/, '$1');
  return {
    search: location.search,
    pressed: [...document.querySelectorAll('#massnahmen-karten button')]
      .filter(b => b.getAttribute('aria-pressed') === 'true').map(b => JSON.parse(b.id).index),
    cards: document.querySelectorAll('#massnahmen-karten button[aria-pressed]').length,
    selection: document.getElementById('massnahmen-auswahl').innerText,
    statusY: status.data[0].y,
    statusOpacity: status.data.map(t => t.marker.opacity),
    statusX: status.data.map(t => t.x),
    mapLocations: karte.data[0].locations.map(String),
    mapZ: karte.data[0].z,
    mapChosen: karte.data[1].locations.map(String),
    gridCount: api ? api.getDisplayedRowCount() : null,
    gridIds: rows.map(r => idOf(r.measure_id)),
    gridTitles: rows.map(r => r.title),
    notices: document.getElementById('massnahmen-hinweise').innerText.trim(),
  };
}
"""


def state(page) -> dict:
    return page.evaluate(_STATE_JS)


def query(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query).items()}


def wait_for_grid(page, count: int | None = None) -> None:
    """The infinite model loads rows asynchronously: wait until the grid holds `count` loaded rows
    (or, without `count`, until every displayed row is loaded)."""
    page.wait_for_function(
        """(count) => { const api = dash_ag_grid.getApi('massnahmen-tabelle'); if (!api) return false;
             let loaded = 0; api.forEachNode(n => { if (n.data) loaded++; });
             const shown = api.getDisplayedRowCount();
             return (count === null || shown === count) && loaded === shown; }""",
        arg=count, timeout=SLOW_MS)
    ready(page)


def card(page, number: int):
    return page.locator(f"""#massnahmen-karten button[id='{{"index":{number},"type":"massnahmen-karte-knopf"}}']""")


def chip(page, label: str):
    """The filter chip "<label> × (Filter entfernen)" (the × is aria-hidden: not in the name)."""
    return page.get_by_role("button", name=re.compile(rf"^{re.escape(label)}( ×)? \(Filter entfernen\)$"))


def click_at(page, x: float, y: float) -> None:
    page.mouse.move(x, y)
    page.mouse.click(x, y)


def click_at_centre(page, locator) -> None:
    """Hover, then click the middle of an SVG element (plotly's drag layer eats locator clicks)."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    assert box and box["width"] > 0 and box["height"] > 0, "element has no bounding box (not drawn?)"
    click_at(page, box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


_POINT_IN_AREA_JS = """
(index) => {
  // A point inside the index-th map polygon (its bbox centre may lie outside a concave shape).
  const path = document.querySelectorAll('#massnahmen-karte-graph path.choroplethlocation')[index];
  const box = path.getBBox(), ctm = path.getScreenCTM();
  for (let step = 2; step <= 16; step *= 2)
    for (let i = 1; i < step; i++) for (let j = 1; j < step; j++) {
      const p = new DOMPoint(box.x + box.width * i / step, box.y + box.height * j / step);
      if (path.isPointInFill(p)) { const s = p.matrixTransform(ctm); return {x: s.x, y: s.y}; }
    }
  return null;
}
"""


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def chart_csv(page, href: str) -> list[dict[str, str]]:
    response = page.request.get(href)
    assert response.status == 200, f"{href}: HTTP {response.status} {response.text()[:200]}"
    return _csv(response.body().decode("utf-8"))


def assert_leitlinie_4_view(page, st: dict, expected: set[str]) -> None:
    assert query(page) == {"leitlinie": "4"}, page.url
    assert st["pressed"] == [4], f"aria-pressed=true on cards {st['pressed']}, expected only Leitlinie 4"
    assert st["cards"] == 6
    # status chart: Leitlinie 4 at full strength, every other Leitlinie dimmed, in every status trace
    y = st["statusY"]
    assert "Leitlinie 4" in y, y
    for trace, opacity in zip(STATUSES, st["statusOpacity"]):
        assert isinstance(opacity, list) and len(opacity) == len(y), f"{trace}: opacity {opacity!r}"
        for label, o in zip(y, opacity):
            if label == "Leitlinie 4":
                assert o == 1, f"status chart: {trace} of Leitlinie 4 is dimmed ({o})"
            else:
                assert o < 1, f"status chart: {trace} of {label} is not dimmed ({o})"
    # map: the counts of Leitlinie 4, the same as the chart's CSV and as the seed data
    counts = dict(zip(st["mapLocations"], st["mapZ"]))
    rows = chart_csv(page, page.locator("#massnahmen-karte-csv").get_attribute("href"))
    assert "leitlinie=4" in page.locator("#massnahmen-karte-csv").get_attribute("href")
    assert {r["Gebiets-ID"]: int(r["Maßnahmen"]) for r in rows} == counts, "map z differs from gebiete.csv"
    via_api = chart_csv(page, "/download/massnahmen/gebiete.csv?leitlinie=4")
    assert {r["Gebiets-ID"]: int(r["Maßnahmen"]) for r in via_api} == counts
    for area, n in counts.items():
        assert n == len(expected & ids_where(area=area)), f"map: area {area} shows {n} measures of Leitlinie 4"
    # table: exactly the measures of Leitlinie 4
    assert st["selection"].startswith(f"{len(expected)} von {TOTAL} Maßnahmen"), st["selection"]
    assert "Leitlinie 4" in st["selection"]
    assert st["gridCount"] == len(expected)
    assert sorted(st["gridIds"]) == sorted(expected), "the table does not show exactly Leitlinie 4"


# --------------------------------------------------------------------------- 1. Leitlinie card

def test_leitlinie_card_filters_chart_map_and_table_and_survives_reload(page):
    expected = ids_where(leitlinie=4)
    assert 0 < len(expected) < TOTAL
    open_page(page, "/massnahmen")
    wait_for_grid(page, TOTAL)
    before = state(page)
    assert before["pressed"] == [] and before["selection"].startswith(f"{TOTAL} von {TOTAL} Maßnahmen (alle)")
    assert all(o == 1 for trace in before["statusOpacity"] for o in trace), "dimmed without a filter"

    card(page, 4).click()
    ready(page)
    wait_for_grid(page, len(expected))
    after = state(page)
    assert card(page, 4).get_attribute("aria-pressed") == "true"
    assert "gewählt" in card(page, 4).inner_text()
    assert_leitlinie_4_view(page, after, expected)
    # the visible grid rows are the same measures (first rows in the DOM)
    shown = page.locator("#massnahmen-tabelle .ag-pinned-left-cols-container .ag-row a").all_text_contents()
    assert shown and set(shown) <= expected, f"rows drawn: {shown}"

    page.reload(wait_until="domcontentloaded")
    ready(page)
    wait_for_grid(page, len(expected))
    reloaded = state(page)
    assert_leitlinie_4_view(page, reloaded, expected)
    assert reloaded == after, "a reload does not reproduce the filtered view"

    # back: the unfiltered list; forward: Leitlinie 4 again
    page.go_back(wait_until="commit")
    ready(page)
    wait_for_grid(page, TOTAL)
    back = state(page)
    assert "leitlinie" not in query(page) and back["pressed"] == [] and back["gridCount"] == TOTAL
    page.go_forward(wait_until="commit")
    ready(page)
    wait_for_grid(page, len(expected))
    assert_leitlinie_4_view(page, state(page), expected)

    # a second click on the pressed card releases the filter
    card(page, 4).click()
    ready(page)
    wait_for_grid(page, TOTAL)
    assert "leitlinie" not in query(page) and card(page, 4).get_attribute("aria-pressed") == "false"


# --------------------------------------------------------------------------- 2. map area, status segment

def test_map_area_and_status_segment_filter_and_chips_remove(page):
    open_page(page, "/massnahmen")
    wait_for_grid(page, TOTAL)
    st = state(page)
    # the area with the most measures (ties: the first)
    index = max(range(len(st["mapZ"])), key=lambda i: (st["mapZ"][i], -i))
    area = st["mapLocations"][index]
    name = areas()[area]["name"]
    expected = ids_where(area=area)
    assert st["mapZ"][index] == len(expected) > 0
    page.locator("#massnahmen-karte-graph").scroll_into_view_if_needed()
    point = page.evaluate(_POINT_IN_AREA_JS, index)
    assert point, f"no point inside the map polygon of {name}"
    click_at(page, point["x"], point["y"])
    ready(page)
    wait_for_grid(page, len(expected))
    st = state(page)
    assert query(page) == {"gebiet": area_slug(area)}, f"map click on {name}: {page.url}"
    assert st["mapChosen"] == [area], "the clicked area is not outlined"
    assert sorted(st["gridIds"]) == sorted(expected)
    assert st["selection"].startswith(f"{len(expected)} von {TOTAL} Maßnahmen") and f"Gebiet: {name}" in st["selection"]
    # the status chart counts only this area's measures (a measure counts once per Leitlinie)
    per_leitlinie = {f"Leitlinie {n}": len(expected & ids_where(leitlinie=n)) for n in range(1, 7)}
    shown = {y: sum(trace[i] for trace in st["statusX"]) for i, y in enumerate(st["statusY"])}
    assert shown == per_leitlinie, "the status chart is not filtered by the clicked area"

    chip(page, f"Gebiet: {name}").click()
    ready(page)
    wait_for_grid(page, TOTAL)
    st = state(page)
    assert "gebiet" not in query(page) and st["mapChosen"] == [] and st["gridCount"] == TOTAL

    # a status segment: "in Umsetzung" of Leitlinie 4 -> leitlinie=4&status=in_umsetzung
    trace, point_index = STATUSES.index("in_umsetzung"), st["statusY"].index("Leitlinie 4")
    segment_count = st["statusX"][trace][point_index]
    assert segment_count > 0
    bar = (page.locator("#massnahmen-status-graph .barlayer .trace").nth(trace)
           .locator(".point path").nth(point_index))
    click_at_centre(page, bar)
    ready(page)
    wait_for_grid(page, segment_count)
    st = state(page)
    assert query(page) == {"leitlinie": "4", "status": "in_umsetzung"}, page.url
    assert st["pressed"] == [4]
    assert st["gridCount"] == segment_count, "table rows differ from the clicked segment's count"
    listed = chart_csv(page, "/download/massnahmen/liste.csv?leitlinie=4&status=in_umsetzung")
    assert sorted(st["gridIds"]) == sorted(r["Maßnahmen-ID"] for r in listed)
    assert st["selection"].startswith(f"{segment_count} von {TOTAL} Maßnahmen")
    dimmed = {(s, y) for s, trace_op in zip(STATUSES, st["statusOpacity"]) for y, o in zip(st["statusY"], trace_op)
              if o < 1}
    assert ("in_umsetzung", "Leitlinie 4") not in dimmed and len(dimmed) == len(STATUSES) * 6 - 1

    chip(page, "Status: in Umsetzung").click()
    ready(page)
    expected_l4 = ids_where(leitlinie=4)
    wait_for_grid(page, len(expected_l4))
    assert query(page) == {"leitlinie": "4"}, "removing the status chip must keep the Leitlinie"
    chip(page, "Leitlinie 4").click()
    ready(page)
    wait_for_grid(page, TOTAL)
    assert query(page) == {} and state(page)["selection"].startswith(f"{TOTAL} von {TOTAL} Maßnahmen (alle)")


# --------------------------------------------------------------------------- 3. table

def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


def _header(page, field: str):
    return page.locator(f"#massnahmen-tabelle .ag-header-cell[col-id={field}]")


def scroll_to_column(page, field: str, step: int = 200) -> None:
    """Scroll the grid sideways with the mouse wheel until the column's header is drawn (AG Grid
    only renders the columns in view)."""
    body = page.locator("#massnahmen-tabelle .ag-body-viewport").first
    body.scroll_into_view_if_needed()
    box = body.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(20):
        header = _header(page, field)
        where = header.bounding_box() if header.count() else None
        if where and box["x"] <= where["x"] and where["x"] + 40 < box["x"] + box["width"]:
            return
        page.mouse.wheel(step, 0)
        page.wait_for_timeout(100)
    raise AssertionError(f"column {field} did not come into view")


def test_table_sort_column_filter_and_csv_download(page):
    rows = {r["measure_id"]: r for r in measures()}
    budget = {m: float(r["budget_planned"]) for m, r in rows.items()}
    open_page(page, "/massnahmen")
    wait_for_grid(page, TOTAL)

    # sort: a click on the header sorts ascending on the server, a second one descending
    header = _header(page, "budget_planned")
    scroll_to_column(page, "budget_planned")
    header.locator(".ag-header-cell-text").click()
    wait_for_grid(page, TOTAL)
    assert header.get_attribute("aria-sort") == "ascending"
    ids = state(page)["gridIds"]
    assert ids[0] == min(budget, key=budget.get), f"ascending budget: first row {ids[0]}"
    assert [budget[m] for m in ids] == sorted(budget[m] for m in ids), "not sorted by planned budget"
    header.locator(".ag-header-cell-text").click()
    wait_for_grid(page, TOTAL)
    assert header.get_attribute("aria-sort") == "descending"
    ids = state(page)["gridIds"]
    assert ids[0] == max(budget, key=budget.get), f"descending budget: first row {ids[0]}"
    first_cell = page.locator("#massnahmen-tabelle .ag-pinned-left-cols-container .ag-row[row-index='0'] a")
    assert first_cell.text_content() == ids[0], "the first row drawn is not the first row of the sorted data"

    # column filter in the UI: Titel contains "quartier" (case ignored)
    scroll_to_column(page, "title", step=-200)
    _header(page, "title").locator(".ag-header-cell-filter-button").click()
    box = page.locator(".ag-filter input[aria-label='Filterwert']").first
    box.fill("quartier")
    expected = [m for m in sorted(rows, key=lambda m: -budget[m]) if "quartier" in _fold(rows[m]["title"])]
    assert 1 < len(expected) < TOTAL
    wait_for_grid(page, len(expected))
    page.keyboard.press("Escape")
    ready(page)
    st = state(page)
    assert st["gridIds"] == expected, "filtered + sorted rows differ from the data"
    model = page.evaluate("() => dash_ag_grid.getApi('massnahmen-tabelle').getFilterModel()")
    assert model.get("title", {}).get("filter") == "quartier", model

    # CSV of the filtered, sorted list
    with page.expect_download(timeout=SLOW_MS) as info:
        page.get_by_role("button", name="CSV herunterladen").click()
    download = info.value
    assert download.suggested_filename == "massnahmen.csv"
    with open(download.path(), encoding="utf-8-sig") as handle:
        text = handle.read()
    exported = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert [r["Maßnahmen-ID"] for r in exported] == expected, "CSV rows differ from the filtered table"
    assert [r["Titel"] for r in exported] == [rows[m]["title"] for m in expected]
    assert "Budget geplant (EUR)" in exported[0] and "Beschreibung" not in exported[0]
    ready(page)


# --------------------------------------------------------------------------- 4. editor

def _history_rows(page) -> list[list[str]]:
    return page.evaluate("""() => [...document.querySelectorAll('#mn-statusverlauf tbody tr')]
                              .map(tr => [...tr.children].map(c => c.innerText.trim()))""")


def test_editor_changes_status_with_comment_and_history_shows_it(page, log_in):
    row = next(r for r in measures() if r["measure_id"] == EDITED)
    old = row["status"]
    new = "verstetigt" if old != "verstetigt" else "umgesetzt"
    labels = {"umgesetzt": "umgesetzt", "verstetigt": "verstetigt", "in_umsetzung": "in Umsetzung",
              "geplant": "geplant", "in_vorbereitung": "in Vorbereitung", "zurueckgestellt": "zurückgestellt",
              "abgebrochen": "abgebrochen"}
    user = log_in("editor", weiter=f"/massnahmen/{EDITED}")
    assert page.locator("#mn-status").inner_text() == f"Status: {labels[old]}"
    assert page.get_by_role("heading", name="Status ändern").is_visible()

    # without a comment: refused, in German, nothing written
    page.get_by_label("Neuer Status").select_option(new)
    page.get_by_role("button", name="Status ändern").click()
    ready(page)
    refusal = page.locator("#mn-s-meldung").inner_text()
    assert "Bitte begründen Sie die Statusänderung in einem Kommentar" in refusal, \
        f"no German refusal without a comment: {refusal!r}"
    assert "Status geändert" not in refusal
    assert page.locator("#mn-status").inner_text() == f"Status: {labels[old]}"
    assert not any("→" in " ".join(r) for r in _history_rows(page))

    comment = "Beschluss des Begleitgremiums (Browser-Test)"
    page.locator("#mn-s-kommentar").fill(comment)
    page.get_by_role("button", name="Status ändern").click()
    ready(page)
    message = page.locator("#mn-s-meldung").inner_text()
    assert f"Status geändert auf „{labels[new]}“" in message, message
    expected_event = f"Status: {labels[old]} → {labels[new]}"

    def check(where: str) -> None:
        assert page.locator("#mn-status").inner_text() == f"Status: {labels[new]}", where
        history = _history_rows(page)
        matching = [r for r in history if expected_event in r]
        assert len(matching) == 1, f"{where}: history {history}"
        assert matching[0][2] == user and matching[0][3] == comment, f"{where}: {matching[0]}"

    check("after the change")
    page.reload(wait_until="domcontentloaded")
    ready(page)
    check("after a reload")
    assert page.locator("#mn-s-meldung").inner_text() == ""


# --------------------------------------------------------------------------- 5. accessibility

AXE_PAGES = [
    pytest.param("/massnahmen", False, id="liste"),
    pytest.param("/massnahmen?leitlinie=4&status=in_umsetzung", False, id="liste-gefiltert"),
    pytest.param("/massnahmen/M-2019-003", False, id="detail"),
    pytest.param("/massnahmen/M-2019-003", True, id="detail-redaktion"),
    pytest.param("/anmelden", False, id="anmelden"),
    pytest.param("/anmelden?fehler=1", False, id="anmelden-fehler"),
]


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize(("path", "editor"), AXE_PAGES)
def test_axe(page, log_in, path, editor, viewport):
    where = f"{path}{' (as editor, forms open)' if editor else ''} at {viewport['width']}x{viewport['height']}"
    if editor:
        log_in("editor", weiter=path)
        page.locator("#mn-formular-bereich > summary").click()
        page.locator("#mn-f-title").wait_for(state="visible")
        ready(page)
    else:
        open_page(page, path)
    if path.startswith("/massnahmen?") or path == "/massnahmen":
        wait_for_grid(page)
    if "fehler=1" in path:
        assert page.get_by_role("alert").inner_text() == "Benutzername oder Passwort stimmt nicht."
    assert_no_axe_violations(page, where=where)


# --------------------------------------------------------------------------- 6. XSS

_XSS_PROBE = """() => ({xss: window.__xss, imgs: [...document.querySelectorAll('img')]
                         .filter(i => (i.getAttribute('src') || '') === 'x').length})"""


def test_script_in_a_title_is_shown_as_text(page, log_in):
    requested = []
    page.on("request", lambda r: requested.append(r.url) if urlsplit(r.url).path.endswith("/x") else None)
    log_in("editor", weiter=f"/massnahmen/{XSS_ID}")
    page.locator("#mn-formular-bereich > summary").click()
    title = page.locator("#mn-f-title")
    title.fill(XSS_TITLE)
    page.locator("#mn-kommentar").fill("XSS-Probe (Browser-Test)")
    page.get_by_role("button", name="Speichern").click()
    ready(page)
    assert "Gespeichert" in page.locator("#mn-meldung").inner_text(), page.locator("#mn-meldung").inner_text()
    assert page.locator("#mn-titel").inner_text() == XSS_TITLE

    for url in (f"/massnahmen/{XSS_ID}", f"/massnahmen?suche={XSS_ID}"):
        open_page(page, url)
        if url.startswith("/massnahmen?"):
            wait_for_grid(page, 1)
            assert state(page)["gridTitles"] == [XSS_TITLE]
            cell = page.locator("#massnahmen-tabelle .ag-center-cols-container .ag-row [col-id=title]").first
            assert cell.text_content() == XSS_TITLE
            assert page.get_by_text(XSS_TITLE, exact=False).count() >= 1
        else:
            assert page.locator("#mn-titel").inner_text() == XSS_TITLE
            assert XSS_TITLE in page.title()
        page.wait_for_timeout(300)   # an onerror would fire right after the failed load
        probe = page.evaluate(_XSS_PROBE)
        assert probe == {"xss": None, "imgs": 0}, f"{url}: the title became HTML: {probe}"
    assert not requested, f"the payload's image was requested: {requested}"


# --------------------------------------------------------------------------- header login returns

def test_header_login_link_returns_to_the_page_and_its_filter(page, app_server, app_users):
    """The shell is built without knowing the page; the header's "Anmelden" follows the page, so
    someone who wants to edit logs in and lands where they were, filter included."""
    if "viewer1" not in app_users:
        add_user(app_server, "viewer1", "viewer", TEST_PASSWORD)
        app_users.add("viewer1")
    goto_and_wait(page, "/massnahmen?leitlinie=4")
    link = page.locator("#kopf-anmelden")
    assert link.get_attribute("href") == "/anmelden?weiter=/massnahmen%3Fleitlinie%3D4"
    with page.expect_navigation(wait_until="domcontentloaded"):
        link.click()
    assert urlsplit(page.url).path == "/anmelden"
    assert parse_qs(urlsplit(page.url).query) == {"weiter": ["/massnahmen?leitlinie=4"]}
    wait_for_dash(page)
    page.get_by_label("Benutzername").fill("viewer1")
    page.get_by_label("Passwort").fill(TEST_PASSWORD)
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.get_by_role("button", name="Anmelden").click()
    assert urlsplit(page.url).path == "/massnahmen" and parse_qs(urlsplit(page.url).query) == {"leitlinie": ["4"]}
    wait_for_dash(page)
    assert page.locator(".leitlinie-karte[aria-pressed='true']").count() == 1
    assert page.locator("#kopf-anmelden").count() == 0   # logged in: the header shows "Abmelden"


RESIZE_PROBE = """() => {
    window.__resizes = {calls: 0, relayouts: 0};
    const plots = window.Plotly.Plots, resize = plots.resize;
    plots.resize = function (gd) {
        window.__resizes.calls++;
        const result = resize.apply(this, arguments);
        if (gd._resolveResize) { window.__resizes.relayouts++; }  // plotly's own resize is under way
        return result;
    };
}"""


def test_charts_skip_resizes_that_change_nothing_but_follow_the_window(page):
    """assets/01-plotly-resize.js answers dcc.Graph's resize calls at once when the size would
    not change (they kept the page busy after drawing); a real window change still resizes."""
    page.add_init_script(f"document.addEventListener('DOMContentLoaded', {RESIZE_PROBE})")
    open_page(page, "/massnahmen")
    page.wait_for_timeout(500)
    widths = "gs => gs.map(g => Math.round(g._fullLayout.width))"
    before = page.eval_on_selector_all("#inhalt .js-plotly-plot", widths)
    counts = page.evaluate("window.__resizes")
    assert counts["calls"] >= len(before) >= 4, counts      # dcc.Graph did ask, once per chart at least
    assert counts["relayouts"] == 0, counts                  # ... and none of them relaid a chart out

    page.set_viewport_size({"width": 900, "height": DESKTOP["height"]})
    page.wait_for_function(f"() => [...document.querySelectorAll('#inhalt .js-plotly-plot')]"
                           f".every((g, i) => Math.round(g._fullLayout.width) !== {before}[i])",
                           timeout=SLOW_MS)
    assert page.evaluate("window.__resizes")["relayouts"] >= len(before)
    wait_for_dash(page)
