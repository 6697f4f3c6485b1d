"""Every page of the app, at desktop and phone size, in headless Chromium.

Per page and viewport: test_page_structure (lang, one main, one h1, footer with "Stand"
and "Beispieldaten", no horizontal scrolling, every chart an accessible figure),
test_skip_link (keyboard) and test_axe (WCAG 2.1 A/AA). Plus the 404 page, the
navigation itself and the Übersicht's map.

The pages are discovered from the app itself (links in the header <nav> of "/", plus "/"
and a made-up URL for the 404 page), see conftest.py. Every test also fails when the
browser logged a console error, an uncaught exception, a failed request, a response
>= 400 or a request to another host (the `page` fixture checks that at teardown).
"""

from __future__ import annotations

import pytest
from axe import assert_no_axe_violations
from browser_helpers import (
    DESKTOP,
    NOT_FOUND_PATH,
    PHONE,
    assert_charts_accessible,
    count_areas,
    goto_and_wait,
    package_meta,
    wait_for_dash,
)

pytestmark = pytest.mark.browser

VIEWPORTS = [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")]

_STRUCTURE_JS = """
() => {
  const mains = new Set([...document.querySelectorAll('main, [role="main"]')]);
  const footer = document.querySelector('footer, [role="contentinfo"]');
  return {
    lang: document.documentElement.getAttribute('lang'),
    title: document.title,
    mains: mains.size,
    h1s: [...document.querySelectorAll('h1')].map(h => h.textContent.trim()),
    footer: footer ? footer.innerText : null,
    footerVisible: footer ? footer.checkVisibility() : false,
  };
}
"""


_OVERFLOW_JS = """
() => {
  const width = window.innerWidth;
  const culprits = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > width + 1) {
      // report the outermost offenders only
      if (!culprits.some(c => c.el.contains(el))) culprits.push({el, right: Math.round(r.right)});
    }
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: width,
    culprits: culprits.slice(0, 8).map(c => {
      const e = c.el;
      const name = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
        (typeof e.className === 'string' && e.className
          ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
      return name + ' (right edge ' + c.right + ' px)';
    }),
  };
}
"""



@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_page_structure(page, page_path, viewport):
    """Landmarks, headings, language, footer, no horizontal scrolling, accessible charts.

    One page load checks everything and reports every problem found at once."""
    response = goto_and_wait(page, page_path)
    found: list[str] = []

    def check(ok: bool, problem: str) -> None:
        if not ok:
            found.append(problem)

    check(response is not None and response.status == 200, f"HTTP {response and response.status}")
    info = page.evaluate(_STRUCTURE_JS)
    check(info["lang"] == "de", f'<html lang> is {info["lang"]!r}, expected "de"')
    check(bool(info["title"].strip()), "the document has no <title>")
    check(info["mains"] == 1, f"expected exactly one main landmark, found {info['mains']}")
    check(len(info["h1s"]) == 1, f"expected exactly one <h1>, found {info['h1s']}")
    check(all(info["h1s"]), "an <h1> is empty")

    footer = info["footer"] or ""
    check(info["footer"] is not None, "no <footer> (contentinfo landmark)")
    check(info["footerVisible"], "the footer is not visible")
    check("Stand" in footer, f"the footer does not show the data edition ('Stand'): {footer!r}")
    meta = package_meta()
    edition_year = str(meta.get("edition", ""))[:4]
    if edition_year.isdigit():
        check(edition_year in footer, f"the footer does not show the edition {meta['edition']}: {footer!r}")
    if meta.get("demo"):
        hits = page.get_by_text("Beispieldaten")
        check(any(hits.nth(i).is_visible() for i in range(hits.count())),
              "the demo package is served but no visible text says 'Beispieldaten'")

    overflow = page.evaluate(_OVERFLOW_JS)
    check(overflow["scrollWidth"] <= overflow["innerWidth"] + 1,
          f"the page scrolls horizontally at {viewport['width']} px: scrollWidth {overflow['scrollWidth']} > "
          f"innerWidth {overflow['innerWidth']}; elements reaching past the right edge: "
          f"{overflow['culprits']}")

    try:
        assert_charts_accessible(page, require_table=True, require_csv=True)
    except AssertionError as err:
        found.append(str(err))

    assert not found, f"{page_path} at {viewport['width']}x{viewport['height']}:\n  - " + "\n  - ".join(found)


_ACTIVE_JS = """
() => {
  const a = document.activeElement;
  const main = document.querySelector('main, [role="main"]');
  const r = a ? a.getBoundingClientRect() : null;
  return {
    tag: a ? a.tagName.toLowerCase() : null,
    href: a ? a.getAttribute('href') : null,
    text: a ? (a.innerText || a.textContent || '').trim() : '',
    html: a ? a.outerHTML.slice(0, 200) : '',
    inMain: !!(a && main && main.contains(a)),
    visible: !!(r && r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
                && r.top < window.innerHeight && r.left < window.innerWidth),
    hash: location.hash,
  };
}
"""


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_skip_link(page, page_path, viewport):
    goto_and_wait(page, page_path)
    page.keyboard.press("Tab")
    first = page.evaluate(_ACTIVE_JS)
    assert first["tag"] == "a" and (first["href"] or "").startswith("#"), (
        f"the first Tab stop is not a skip link to the main content: {first['html'] or first['tag']}"
    )
    target_id = first["href"][1:]
    target_ok = page.evaluate(
        """(id) => { const t = document.getElementById(id);
                      const main = document.querySelector('main, [role="main"]');
                      return !!(t && main && (main.contains(t) || t.contains(main))); }""",
        target_id,
    )
    assert target_ok, f"the skip link points to #{target_id}, which is not the main landmark or inside it"
    assert first["visible"], f"the skip link is not visible when it has keyboard focus: {first['html']}"

    page.keyboard.press("Enter")
    wait_for_dash(page)
    after = page.evaluate(_ACTIVE_JS)
    if not after["inMain"]:
        # Focus may stay on <body> when the target is not focusable; the sequential
        # focus navigation starting point must still have moved: the next Tab lands in main.
        page.keyboard.press("Tab")
        after = page.evaluate(_ACTIVE_JS)
        assert after["inMain"], (
            f"after Enter on the skip link, focus did not move into <main> (next Tab stop: {after['html']}). "
            "Give <main> an id and tabIndex=-1 and point the skip link at it."
        )


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_axe(page, page_path, viewport):
    goto_and_wait(page, page_path)
    assert_no_axe_violations(page, where=f"{page_path} at {viewport['width']}x{viewport['height']}")


def test_not_found_page(page):
    goto_and_wait(page, NOT_FOUND_PATH)
    assert page.get_by_text("Seite nicht gefunden").first.is_visible(), (
        "the 404 page does not say 'Seite nicht gefunden'"
    )
    back = page.locator('main a[href="/"], [role="main"] a[href="/"]')
    assert back.count() >= 1 and back.first.is_visible(), (
        "the 404 page has no link back to the Übersicht ('/') inside <main>"
    )


def test_navigation_pages_found(browser, browser_session):
    """The header navigation links to at least the Übersicht and the Methodik page."""
    pages = browser_session.discovered or []
    assert "/" in pages and "/methodik" in pages, f"pages found in the header navigation: {pages}"


def test_map_draws_all_areas(page, problems):
    """The Übersicht's choropleth map draws every Ortsteil, with no request leaving the machine."""
    goto_and_wait(page, "/")
    expected = count_areas("ortsteil") or 53
    paths = page.locator(".js-plotly-plot .geo path.choroplethlocation")
    count = paths.count()
    assert count >= expected, f"the map drew {count} area polygons, expected at least {expected}"
    drawn = page.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot .geo path.choroplethlocation')]
                 .filter(p => (p.getAttribute('d') || '').length > 10).length"""
    )
    assert drawn >= expected, f"only {drawn} of {count} map polygons have a drawn outline"
    assert not problems.foreign_requests, f"requests left the machine: {problems.foreign_requests}"
