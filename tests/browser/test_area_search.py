"""Finding a district profile in one step, in Chromium: the "Mein Ortsteil" search in the header
(every page) and on the Übersicht, typed with the keyboard, offered by the datalist, submitted
with Enter; the /suche page for several, none and hostile input; a name in the Atlas's
"Daten als Tabelle" leads to that area's profile; "Steckbrief … öffnen" next to a marked area.
axe finds nothing on the /suche results and on pages with the header search, at desktop and
phone width."""

from __future__ import annotations

import re

import pytest
from axe import assert_no_axe_violations
from browser_helpers import DESKTOP, PHONE, goto_and_wait, wait_for_dash

pytestmark = pytest.mark.browser

VIEWPORTS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]

# What the datalist offers for the typed text: Chromium lists the options that contain it
# (case-insensitively); read from the DOM, since the native popup is not part of the page.
_OFFERED_JS = """
(inputId) => {
  const input = document.getElementById(inputId);
  const typed = input.value.toLowerCase();
  return {
    list: input.list ? input.list.id : null,
    offered: input.list ? [...input.list.options].map(o => o.value)
                            .filter(v => v.toLowerCase().includes(typed)) : [],
    label: input.labels.length ? input.labels[0].textContent.trim() : '',
    form: input.form ? {action: new URL(input.form.action).pathname, method: input.form.method,
                        role: input.form.getAttribute('role'), name: input.name} : null,
  };
}
"""


def _type_and_submit(page, input_id: str, text: str) -> dict:
    field = page.locator(f"#{input_id}")
    field.click()
    field.press_sequentially(text, delay=20)  # real key presses, as a user types
    offered = page.evaluate(_OFFERED_JS, input_id)
    with page.expect_navigation(wait_until="domcontentloaded"):
        field.press("Enter")
    wait_for_dash(page)
    return offered


def _on_profile(page, slug: str, name: str) -> None:
    """On the area's profile (pages/ortsteil.py): its address, and its only h1 names the area."""
    assert page.url.split("?")[0].endswith(f"/ortsteil/{slug}"), page.url
    headings = page.locator("h1").all_inner_texts()
    assert len(headings) == 1 and name in headings[0], headings


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_header_search_melch_finds_melchendorf(page, viewport):
    goto_and_wait(page, "/atlas")
    offered = _type_and_submit(page, "kopf-suche-eingabe", "Melch")
    assert offered["list"] == "kopf-suche-namen" and offered["offered"] == ["Melchendorf"]
    assert offered["label"] == "Mein Ortsteil"
    assert offered["form"] == {"action": "/suche", "method": "get", "role": "search", "name": "q"}
    _on_profile(page, "melchendorf", "Melchendorf")


def test_uebersicht_search_with_umlaut_and_button(page):
    goto_and_wait(page, "/")
    field = page.get_by_label("Name des Ortsteils")
    field.fill("krämpfer")
    offered = page.evaluate(_OFFERED_JS, "start-suche-eingabe")
    assert offered["offered"] == ["Krämpfervorstadt"]
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.locator("#start-suche-los").click()
    wait_for_dash(page)
    _on_profile(page, "kraempfervorstadt", "Krämpfervorstadt")


def test_keyboard_only_from_the_skip_link_area(page):
    """Tab reaches the header search before the page content; typing and Enter submit it."""
    goto_and_wait(page, "/zeitvergleich")
    page.keyboard.press("Tab")  # skip link
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "kopf-suche-eingabe":
            break
    else:
        pytest.fail("the header search field is not reachable with Tab")
    page.keyboard.type("melchendorf")
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.keyboard.press("Enter")
    wait_for_dash(page)
    _on_profile(page, "melchendorf", "Melchendorf")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_several_matches_are_listed_and_axe_finds_nothing(page, viewport):
    goto_and_wait(page, "/suche?q=platz")
    assert page.url.endswith("/suche?q=platz")
    links = page.locator("#suche-treffer a")
    assert links.all_inner_texts() == ["Berliner Platz", "Moskauer Platz", "Johannesplatz"]
    assert "Ortsteil, Planungsraum Nord" in page.locator("#suche-treffer").inner_text()
    assert page.locator("#suche-seite-eingabe").input_value() == "platz"
    assert_no_axe_violations(page)
    with page.expect_navigation(wait_until="domcontentloaded"):
        links.nth(1).click()
    wait_for_dash(page)
    _on_profile(page, "moskauer-platz", "Moskauer Platz")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_no_match_and_hostile_input_are_text(page, viewport):
    hostile = "Melchendrof<script>window.__boom=1</script><img src=x onerror=window.__boom=2>"
    page.goto("/suche?q=" + re.sub(r"[<>=/ ]", lambda m: "%{:02X}".format(ord(m.group())), hostile),
              wait_until="domcontentloaded")
    wait_for_dash(page)
    message = page.locator("#suche-meldung").inner_text()
    assert message.startswith(f"Kein Gebiet passt zu „{hostile}“")
    assert page.evaluate("() => window.__boom") is None
    assert page.locator("#suche-ergebnis script, #suche-ergebnis img").count() == 0
    assert_no_axe_violations(page)
    goto_and_wait(page, "/suche?q=Melchendrof")  # a typo: the similar name is suggested
    assert page.locator("#suche-meldung").inner_text().startswith("Kein Gebiet passt zu „Melchendrof“")
    assert page.locator("#suche-vorschlaege a").all_inner_texts() == ["Melchendorf"]
    assert_no_axe_violations(page)


def test_empty_search_asks_for_a_name(page):
    goto_and_wait(page, "/suche?q=")
    assert "Bitte geben Sie den Namen" in page.locator("#suche-meldung").inner_text()
    assert page.locator(".suche-alle a").count() == 53
    assert_no_axe_violations(page)


def test_atlas_table_name_leads_to_the_profile(page):
    goto_and_wait(page, "/atlas?indikator=sgb2_quote&jahr=2024")
    page.locator("#atlas-karte-tabelle-knopf").click()
    link = page.locator("#atlas-karte-tabelle table tbody th a", has_text="Melchendorf")
    link.wait_for()
    assert link.get_attribute("href") == "/ortsteil/melchendorf"
    assert page.locator("#atlas-karte-tabelle table tbody th a").count() == 53
    with page.expect_navigation(wait_until="domcontentloaded"):
        link.click()
    wait_for_dash(page)
    _on_profile(page, "melchendorf", "Melchendorf")


def test_atlas_marked_area_offers_its_profile(page):
    goto_and_wait(page, "/atlas?auswahl=rieth")
    link = page.locator("#atlas-auswahl-text a")
    assert link.inner_text() == "Steckbrief Rieth öffnen" and link.get_attribute("href") == "/ortsteil/rieth"
    # marking another area from the list adds its link too (the linked views stay as they were)
    page.locator("#atlas-markieren").select_option(label="Melchendorf")
    page.wait_for_function("() => document.querySelectorAll('#atlas-auswahl-text a').length === 2")
    assert page.locator("#atlas-auswahl-text a").all_inner_texts() == ["Steckbrief Rieth öffnen",
                                                                       "Steckbrief Melchendorf öffnen"]
    wait_for_dash(page)
    assert "auswahl=rieth%2Cmelchendorf" in page.url or "auswahl=rieth,melchendorf" in page.url


@pytest.mark.parametrize("path", ["/", "/atlas?auswahl=melchendorf", "/zeitvergleich?markiert=melchendorf",
                                  "/sozialindex?auswahl=melchendorf", "/massnahmen?gebiet=melchendorf"])
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_axe_with_the_header_search_and_profile_links(page, viewport, path):
    goto_and_wait(page, path, 60_000)  # the Sozialindex computes robustness on a cold cache
    assert page.locator("#kopf-suche-eingabe").is_visible()
    if path != "/":
        assert page.locator("a[href='/ortsteil/melchendorf']:visible").count() >= 1
    # the header with its search fits the window (test_pages checks the whole page)
    right = page.evaluate("() => Math.max(...[...document.querySelectorAll('.app-header *')]"
                          ".map(e => e.getBoundingClientRect().right))")
    assert right <= viewport["width"], f"the header is wider than {viewport['width']} px: {right}"
    assert_no_axe_violations(page)
