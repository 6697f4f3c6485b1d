""""Einfach erklärt", the Leichte-Sprache page and the Erklärung zur Barrierefreiheit in Chromium.

The "Einfach erklärt" block opens with the keyboard (focus its summary, press Enter) and its
text then shows; both new pages are reachable from the footer and axe-core finds nothing on them
at desktop (1280) and phone (390) width. The generic page checks (structure, skip link, axe at
the suite's viewports) reach both pages too: they are discovered from the footer navigation.
"""

from __future__ import annotations

import pytest
from axe import assert_no_axe_violations
from browser_helpers import PHONE, goto_and_wait, wait_for_dash

from components.easy_language import TEXTS

pytestmark = pytest.mark.browser

DESKTOP_1280 = {"width": 1280, "height": 900}
VIEWPORTS = [pytest.param(DESKTOP_1280, id="desktop"), pytest.param(PHONE, id="phone")]
NEW_PAGES = [pytest.param("/leichte-sprache", "leichte_sprache", id="leichte-sprache"),
             pytest.param("/barrierefreiheit", "barrierefreiheit", id="barrierefreiheit")]
KEYBOARD_PAGES = [*NEW_PAGES, pytest.param("/zeitvergleich", "zeitvergleich", id="zeitvergleich")]


def _first_sentence(key: str) -> str:
    first = TEXTS[key][0]
    text = first if isinstance(first, str) else first[0]
    return text.split(". ")[0]


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize(("path", "key"), KEYBOARD_PAGES)
def test_einfach_erklaert_opens_with_the_keyboard(page, path, key, viewport):
    goto_and_wait(page, path)
    block = page.locator(f"#einfach-erklaert-{key}")
    summary = block.locator("summary")
    sentence = _first_sentence(key)
    assert summary.inner_text().strip() == "Einfach erklärt"
    assert block.get_attribute("open") is None, "the block starts closed"
    assert not page.get_by_text(sentence, exact=False).first.is_visible(), "the text is hidden while closed"

    # Tab from the H1's surroundings reaches the summary; Enter opens it.
    summary.focus()
    assert page.evaluate("() => document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    assert block.get_attribute("open") is not None, "Enter on the summary opens the block"
    text = block.locator(".einfach-erklaert-text")
    text.wait_for(state="visible")
    assert sentence in text.inner_text().replace("\n", " ")
    page.keyboard.press("Enter")
    assert block.get_attribute("open") is None, "Enter again closes it"


def test_the_summary_is_reached_with_tab_after_the_skip_link(page):
    """The first Tab after "Zum Inhalt springen" lands in <main>; the summary is among the first stops."""
    goto_and_wait(page, "/barrierefreiheit")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Zum Inhalt springen"
    page.keyboard.press("Enter")
    for _ in range(3):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.tagName") == "SUMMARY":
            break
    assert page.evaluate("() => document.activeElement.closest('details')?.id") == "einfach-erklaert-barrierefreiheit"


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize(("path", "key"), NEW_PAGES)
def test_axe_on_the_new_pages(page, path, key, viewport):
    goto_and_wait(page, path)
    where = f"{path} at {viewport['width']}x{viewport['height']}"
    assert_no_axe_violations(page, where=where)
    page.locator(f"#einfach-erklaert-{key} > summary").click()
    assert_no_axe_violations(page, where=f"{where}, 'Einfach erklärt' open")


def test_footer_leads_to_both_pages(page):
    goto_and_wait(page, "/atlas")
    footer_nav = page.locator("footer nav")
    for name, path, heading in (("Leichte Sprache", "/leichte-sprache", "Sozialraumplanung in Leichter Sprache"),
                                ("Erklärung zur Barrierefreiheit", "/barrierefreiheit",
                                 "Erklärung zur Barrierefreiheit")):
        footer_nav.get_by_role("link", name=name).click()
        page.wait_for_url(f"**{path}")
        wait_for_dash(page)   # leaving a page with callbacks in flight aborts them (a reported problem)
        assert page.locator("h1").inner_text().strip() == heading
        page.go_back()
        page.wait_for_url("**/atlas")
        wait_for_dash(page)
    assert page.locator("header nav").get_by_role("link", name="Leichte Sprache").count() == 0
