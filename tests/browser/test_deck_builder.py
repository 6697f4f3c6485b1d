"""The deck builder in headless Chromium: "Zur Präsentation hinzufügen" on the views, the draft
editor on /praesentation?entwurf=1, the slide show of the draft, saving by an editor and the
share link for an anonymous visitor.

The story of one person preparing the Sozialraumplanungskonferenz: the Atlas (child poverty) and
the Sozialindex are added from their pages; in the draft the first slide is renamed and moved
down with the keyboard; "Vorführen" shows the two views as slides in that order; an editor saves
the deck and finds it in the list after a reload; an anonymous visitor sees no "Speichern", but the
share link opens the same slide show. axe checks the draft editor.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from axe import assert_no_axe_violations
from browser_helpers import PageProblems, goto_and_wait, prepare_context, wait_for_dash
from playwright.sync_api import expect
from test_praesentation import SLOW_MS, expect_slide, settle

from sozialraum import presentations as pr

pytestmark = pytest.mark.browser

ATLAS = "/atlas?indikator=kinderarmut"
RENAMED = "Kinder in Bedarfsgemeinschaften"
ADD = "Zur Präsentation hinzufügen"


@pytest.fixture(autouse=True)
def _patient(page):
    page.set_default_timeout(SLOW_MS)


def add_view(page, url: str, number: int) -> str:
    """Open `url`, press the button, check the announced confirmation; returns the slide title."""
    goto_and_wait(page, url, SLOW_MS)
    area = page.locator("#folie-bereich")
    expect(area).to_be_visible()
    page.get_by_role("button", name=ADD).click()
    status = page.locator("#folie-meldung")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_contain_text(f"Folie {number} hinzugefügt: ")
    expect(page.locator("#folie-entwurf-link")).to_have_text(
        f"Entwurf ({number} Folie{'n' if number != 1 else ''})")
    wait_for_dash(page, SLOW_MS)
    return status.inner_text().split("hinzugefügt: ", 1)[1].rstrip(".")


def slide_titles(page) -> list[str]:
    return [field.input_value() for field in page.get_by_label("Titel der Folie").all()]


def test_assemble_rename_reorder_show_save_and_share(page, base_url, browser, log_in):
    # the control is not offered on pages that are not views
    goto_and_wait(page, "/methodik", SLOW_MS)
    expect(page.locator("#folie-bereich")).to_be_hidden()

    atlas_title = add_view(page, ATLAS, 1)
    index_title = add_view(page, "/sozialindex", 2)
    assert atlas_title.startswith("Sozialstrukturatlas") and index_title == "Sozialindex"

    # to the draft through the control's link (client-side navigation)
    page.get_by_role("link", name="Entwurf (2 Folien)").click()
    page.wait_for_url("**/praesentation?entwurf=1")
    wait_for_dash(page, SLOW_MS)
    expect(page.get_by_role("heading", name="Entwurf einer Präsentation", level=1)).to_be_visible()
    assert slide_titles(page) == [atlas_title, index_title]

    # rename slide 1, then move it down with the keyboard
    page.get_by_label("Titel der Folie").first.fill(RENAMED)
    wait_for_dash(page, SLOW_MS)
    down = page.get_by_role("button", name="Nach unten").first
    down.focus()
    page.keyboard.press("Enter")
    wait_for_dash(page, SLOW_MS)
    expect(page.locator("#pe-aktion")).to_have_text(f"„{RENAMED}“ ist jetzt Folie 2 von 2.")
    assert slide_titles(page) == [index_title, RENAMED]
    # the focus follows the moved slide (its "Nach oben" button, as "Nach unten" is disabled now)
    focused = page.evaluate("() => document.activeElement.textContent + '|' + document.activeElement.id")
    assert focused.startswith("Nach oben|") and '"index":1' in focused, focused

    # axe on the draft editor with two slides
    assert_no_axe_violations(page, where="/praesentation?entwurf=1")

    share = page.get_by_label("Link zum Teilen – öffnet diese Präsentation für alle, ohne Anmeldung").input_value()
    assert share.startswith(base_url.rstrip("/") + "/praesentation?link=")
    expected = pr.decode_deck(dict(p.split("=", 1) for p in urlsplit(share).query.split("&"))["link"])
    assert [(s.title, s.view) for s in expected.slides] == [(index_title, "/sozialindex"), (RENAMED, ATLAS)]

    # "Vorführen": the two views as slides, in the new order
    page.get_by_role("link", name="Vorführen").click()
    page.wait_for_url("**/praesentation?link=*")
    settle(page)
    expect_slide(page, expected, 1, base_url)
    page.keyboard.press("ArrowRight")
    settle(page)
    expect_slide(page, expected, 2, base_url)

    # an editor saves the draft (it is still in this browser) and finds it after a reload
    log_in("editor", weiter="/praesentation?entwurf=1")
    assert slide_titles(page) == [index_title, RENAMED]
    page.get_by_label("Titel der Präsentation").fill("Konferenz im Browser-Test")
    wait_for_dash(page, SLOW_MS)
    page.get_by_role("button", name="Speichern", exact=True).click()
    expect(page.locator("#pe-meldung")).to_contain_text("Gespeichert als neue Präsentation „Konferenz im Browser-Test“")
    wait_for_dash(page, SLOW_MS)
    goto_and_wait(page, "/praesentation", SLOW_MS)
    saved = page.locator("#pe-gespeicherte")
    expect(saved.get_by_role("heading", name="Konferenz im Browser-Test")).to_be_visible()
    expect(saved.get_by_role("button", name="Archivieren: Konferenz im Browser-Test")).to_be_visible()

    # an anonymous visitor: the saved deck is listed, no "Speichern", and the share link works
    problems = PageProblems()
    context = browser.new_context(base_url=base_url, locale="de-DE", viewport={"width": 1280, "height": 800})
    prepare_context(context)
    try:
        other = context.new_page()
        other.set_default_timeout(SLOW_MS)
        problems.attach(other)
        goto_and_wait(other, "/praesentation", SLOW_MS)
        expect(other.locator("#pe-gespeicherte").get_by_role("heading", name="Konferenz im Browser-Test")).to_be_visible()
        expect(other.get_by_role("button", name="Archivieren: Konferenz im Browser-Test")).to_have_count(0)
        goto_and_wait(other, "/praesentation?entwurf=1", SLOW_MS)
        expect(other.get_by_role("button", name="Speichern", exact=True)).to_have_count(0)
        expect(other.locator("#pe-leer")).to_be_visible()     # the other browser has its own (empty) draft
        goto_and_wait(other, urlsplit(share).path + "?" + urlsplit(share).query, SLOW_MS)
        settle(other)
        expect_slide(other, expected, 1, base_url)
    finally:
        context.close()
    problems.assert_clean("anonymous visitor")
