"""/zeitvergleich in headless Chromium: a URL opens exactly its view, the change table marks
a line and sorts, the CSV of the change table equals the table, bad URLs get notices, and
axe finds nothing with a marked line at desktop and phone size."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, urlparse

import pytest
from axe import assert_no_axe_violations
from browser_helpers import DESKTOP, PHONE, goto_and_wait, wait_for_dash

pytestmark = pytest.mark.browser

VIEW = ("/zeitvergleich?indikator=sgb2_quote,kinderarmut&gebiete=rieth,melchendorf&darstellung=index"
        "&basisjahr=2015&von=2018&bis=2024&markiert=rieth&thema=Existenzsicherung&paar=rieth,melchendorf")


def query(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}


def lines(page) -> list[dict]:
    """name, width and subplot of every line in the Verlauf chart."""
    return page.evaluate("""() => document.querySelector('#zeit-verlauf-graph .js-plotly-plot').data
        .map(t => ({name: t.name, width: t.line.width, yaxis: t.yaxis || 'y'}))""")


@pytest.mark.parametrize("viewport", [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")])
def test_url_opens_that_view_and_axe(page, viewport):
    goto_and_wait(page, VIEW)
    assert page.locator("#zeit-indikator").input_value() == "sgb2_quote"
    assert page.locator("#zeit-darstellung input[value=index]").is_checked()
    assert page.locator("#zeit-basisjahr").input_value() == "2015"
    title = page.locator("#zeit-verlauf-titel").inner_text()
    assert "SGB-II-Quote" in title and "Kinderarmut" in title and "Index 2015 = 100" in title
    drawn = lines(page)
    names = {d["name"] for d in drawn}
    assert names == {"Stadt Erfurt", "Rieth", "Melchendorf"}, names
    assert len({d["yaxis"] for d in drawn}) == 2, "one panel per indicator"
    widths = {d["name"]: d["width"] for d in drawn}
    assert widths["Rieth"] > widths["Melchendorf"], "the marked line is drawn thicker"
    assert page.locator("#zeit-paar-titel").inner_text().startswith("Rieth und Melchendorf")
    assert page.locator("#zeit-aehnlich li").count() == 5
    if viewport == PHONE:
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_no_axe_violations(page, where=f"{VIEW} at {viewport['width']}x{viewport['height']}")


def test_change_table_marks_a_line_and_sorts(page):
    goto_and_wait(page, "/zeitvergleich?indikator=sgb2_quote&gebiete=rieth")
    first_row = page.locator("#zeit-tabelle tbody tr").first
    area = first_row.locator("button").inner_text()
    first_row.locator("button").click()
    wait_for_dash(page)
    page.wait_for_function("() => location.search.includes('markiert=')")
    widths = {d["name"]: d["width"] for d in lines(page)}
    assert area in widths and widths[area] == max(widths.values()), widths
    assert page.locator("#zeit-tabelle tbody tr.row-marked button").inner_text() == area
    assert page.locator("#zeit-tabelle tbody tr.row-marked button").get_attribute("aria-pressed") == "true"

    page.locator("#zeit-tabelle thead button").first.click()  # sort by name
    wait_for_dash(page)
    page.wait_for_function("() => location.search.includes('sortierung=gebiet')")
    names = page.locator("#zeit-tabelle tbody th button").all_inner_texts()
    assert names == sorted(names, key=str.casefold) or names == sorted(names), names[:5]
    assert page.locator("#zeit-tabelle thead th[aria-sort=ascending]").count() == 1

    page.reload()
    wait_for_dash(page)
    assert page.locator("#zeit-tabelle tbody th button").all_inner_texts() == names
    page.go_back()
    wait_for_dash(page)
    assert "sortierung" not in query(page)


def test_change_table_csv_equals_the_table(page):
    goto_and_wait(page, "/zeitvergleich?indikator=kinderarmut&von=2019&bis=2024")
    shown = page.evaluate("""() => [...document.querySelectorAll('#zeit-tabelle tbody tr')].map(tr =>
        [tr.querySelector('th button').textContent.trim(), ...[...tr.querySelectorAll('td')].map(td => td.textContent.trim())])""")
    href = page.locator("#zeit-veraenderung-csv").get_attribute("href")
    response = page.request.get(href)
    assert response.status == 200
    rows = list(csv.DictReader(io.StringIO(response.body().decode("utf-8-sig")), delimiter=";"))
    assert [r["Gebiet"] for r in rows][:len(shown)] == [s[0] for s in shown]
    suppressed = 0
    for row, cells in zip(rows, shown):
        for column, cell in (("Wert 2019 (%)", cells[1]), ("Wert 2024 (%)", cells[2])):
            if cell == "·":
                suppressed += 1
                assert row[column] == "·", (row, cells)
            elif cell == "–":
                assert row[column] == "", (row, cells)
            else:
                assert row[column] == cell.replace(".", ""), (row, cells)
    assert suppressed, "Kinderarmut has suppressed cells in the demo data; the test should see some"


def test_bad_url_gets_notices(page):
    goto_and_wait(page, "/zeitvergleich?indikator=gibtsnicht&gebiete=nirgendwo&darstellung=<script>x</script>"
                        "&basisjahr=1700&sortierung=quatsch")
    text = page.locator("#zeit-hinweise").inner_text()
    for expected in ("Den Indikator „gibtsnicht“ gibt es nicht", "Unbekannte Gebiete", "für die Darstellung",
                     "Basisjahr", "Sortierung"):
        assert expected in text, (expected, text)
    assert page.locator("#zeit-verlauf-titel").inner_text().startswith("Verlauf: SGB-II-Quote")
    assert "„<script>x</script>“" in text, "a hostile value is shown as text"
    assert page.evaluate("document.querySelectorAll('main script').length") == 0
