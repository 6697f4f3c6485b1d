"""The Sozialindex page in a real browser: re-ranking by weights, matrix cells, the URL as the
state, the German error for a broken adjustment, clicks on bars, axe-core.

Expected rankings come from the engine itself (`sozialraum.sozialindex`), on the package the
test server serves.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

import pytest
from axe import assert_no_axe_violations
from browser_helpers import DESKTOP, PHONE, data_dir, goto_and_wait, wait_for_dash

pytestmark = pytest.mark.browser

RANKING_Y = """() => document.querySelector('#index-rangfolge-graph .js-plotly-plot').data[0].y"""
RANKING_TICKS = """() => document.querySelector('#index-rangfolge-graph .js-plotly-plot').layout.yaxis.ticktext"""
MAP_TRACES = """() => document.querySelector('#index-karte-graph .js-plotly-plot').data
                       .map(t => ({name: t.name, locations: t.locations || []}))"""


@lru_cache(maxsize=1)
def _engine():
    from sozialraum import sozialindex as si
    from sozialraum.package import load_package

    package = load_package(data_dir())
    method = si.resolve_method("erfurt-demo", package.path)
    return si, package, method


def _expected_labels(weights: dict[str, float] | None = None) -> list[str]:
    si, package, method = _engine()
    if weights:
        method = si.adjust(method, weights=weights)
    valid = si.compute(package, method, package.years[-1]).valid
    return [f"{int(r)} {n}" for r, n in zip(valid["rank"], valid["name"])]


def _query(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query).items()}


@pytest.mark.parametrize("viewport", [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")])
def test_axe_default_and_with_selection(page, viewport):
    goto_and_wait(page, "/sozialindex")
    assert page.get_by_text("Bitte mit Ortskenntnis lesen").is_visible()
    assert_no_axe_violations(page, where=f"/sozialindex at {viewport['width']} px")
    goto_and_wait(page, "/sozialindex?auswahl=rieth&zelle=4-2&sw=kinderarmut:2")
    assert page.locator("#index-hinweise .alert").count() == 0
    assert_no_axe_violations(page, where=f"/sozialindex with a selection at {viewport['width']} px")


def test_weight_reranks_and_url_reproduces_the_view(page):
    goto_and_wait(page, "/sozialindex")
    assert page.evaluate(RANKING_Y) == _expected_labels()
    weight = page.locator('#index-anpassung label:has-text("Kinderarmut") input[type=number]')
    weight.fill("5")
    weight.press("Tab")
    page.wait_for_url(re.compile(r"sw=kinderarmut(:|%3A)5"))
    wait_for_dash(page)
    expected = _expected_labels({"kinderarmut": 5})
    assert expected != _expected_labels(), "the test weight does not change the ranking"
    assert page.evaluate(RANKING_Y) == expected

    # the shared link shows the same view, opened fresh
    fresh = page.context.new_page()
    goto_and_wait(fresh, page.url)
    assert fresh.evaluate(RANKING_Y) == expected
    assert fresh.locator('#index-anpassung label:has-text("Kinderarmut") input[type=number]').input_value() == "5"
    toml = fresh.request.get(fresh.locator("#index-toml").get_attribute("href"))
    assert toml.ok and "weight = 5.0" in toml.text() and "(angepasst)" in toml.text()
    fresh.close()

    # reset brings the preset back
    page.locator("#index-zuruecksetzen").click()
    page.wait_for_url(lambda url: "sw=" not in url)
    wait_for_dash(page)
    assert page.evaluate(RANKING_Y) == _expected_labels()


def test_matrix_cell_highlights_its_areas(page):
    goto_and_wait(page, "/sozialindex")
    si, package, method = _engine()
    valid = si.compute(package, method, package.years[-1]).valid
    top = valid[valid["class_index"] == len(method.status.classes) - 1]
    d = int(top["dynamics_class_index"].mode()[0])
    names = set(top.loc[top["dynamics_class_index"] == d, "name"])
    cell = f"{len(method.status.classes)}-{d + 1}"
    button = page.locator(f'#index-matrix-inhalt button[id*=\'"zelle":"{cell}"\']')
    button.click()
    page.wait_for_url(re.compile(f"zelle={cell}"))
    wait_for_dash(page)
    assert button.get_attribute("aria-pressed") == "true"
    marked = {t.split(" ", 2)[2].removesuffix("</b>") for t in page.evaluate(RANKING_TICKS) if "◆" in t}
    assert marked == names
    traces = page.evaluate(MAP_TRACES)
    outlined = next(t for t in traces if t["name"] == "hervorgehoben")
    assert {str(package.areas.at[a, "name"]) for a in outlined["locations"]} == names
    # a click on a bar selects that area, in the URL by its slug, with links to the atlas pages
    bar = page.locator("#index-rangfolge-graph .barlayer .trace").first.locator(".point").nth(2)
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(re.compile("auswahl="))
    wait_for_dash(page)
    slug = str(package.areas.at[valid.index[2], "slug"])
    assert _query(page)["auswahl"] == slug and _query(page)["zelle"] == cell
    assert page.locator("#index-zum-atlas").get_attribute("href") == f"/atlas?auswahl={slug}"
    assert page.locator("#index-zum-zeitvergleich").get_attribute("href") == f"/zeitvergleich?gebiete={slug}"
    assert str(valid.iloc[2]["name"]) in page.locator("#index-warum-titel").inner_text()
    # back: the previous view (cell only) again
    page.go_back()
    page.wait_for_url(lambda url: "auswahl=" not in url)
    wait_for_dash(page)
    assert "Beispiel:" in page.locator("#index-warum-text").inner_text()


def test_broken_adjustment_shows_the_german_error(page):
    goto_and_wait(page, "/sozialindex")
    before, url = page.evaluate(RANKING_Y), page.url
    cut = page.locator('#index-anpassung label:has-text("Grenze zu „erhöhter") input[type=number]')
    cut.fill("5")
    cut.press("Tab")
    alert = page.locator("#index-fehler [role=alert]")
    alert.wait_for()
    assert "nicht aufsteigend" in alert.inner_text()
    assert "Traceback" not in page.content()
    assert page.evaluate(RANKING_Y) == before and page.url == url
    cut.fill("1")
    cut.press("Tab")
    alert.wait_for(state="detached")
    # switching off the last indicator: the weights sum to zero
    goto_and_wait(page, "/sozialindex?soff=sgb2_quote,kinderarmut,arbeitslosenquote")
    before, url = page.evaluate(RANKING_Y), page.url
    page.locator("#index-an input[type=checkbox]").last.uncheck()
    page.locator("#index-fehler [role=alert]").wait_for()
    assert "ergeben zusammen 0" in page.locator("#index-fehler [role=alert]").inner_text()
    assert page.evaluate(RANKING_Y) == before and page.url == url


def test_unknown_url_values_give_notices(page):
    goto_and_wait(page, "/sozialindex?methode=gibtsnicht&jahr=1999&st=2,1,3&auswahl=nirgendwo&zelle=9-9")
    text = page.locator("#index-hinweise").inner_text()
    for part in ("gibtsnicht", "1999", "nicht aufsteigend", "nirgendwo", "9-9"):
        assert part in text
    assert page.evaluate(RANKING_Y) == _expected_labels()
