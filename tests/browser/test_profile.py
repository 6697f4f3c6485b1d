"""The Ortsteil-Steckbrief (/ortsteil/<slug>) in headless Chromium.

test_every_ortsteil visits the profile of every Ortsteil of the package (53 for Erfurt) in one
page: no console or page error, no failed request, axe-core finds nothing, the summary names the
Ortsteil, its population is the one of the observations, every "höher/niedriger als in N von M"
phrase matches the ranks computed here from the observations (not with sozialraum.profile), and
the print (A4, print media) is exactly two pages. Further: the city and a Planungsraum (also at
phone size), an unknown and a hostile slug, the keyboard path to the print button.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

import pytest
from axe import assert_no_axe_violations
from browser_helpers import DESKTOP, PHONE, data_dir, wait_for_dash

pytestmark = pytest.mark.browser

PAGE_RE = re.compile(rb"/Type\s*/Page[^s]")
LEVEL_RE = re.compile(
    r"„(?P<short>[^“]+)“ (?P<value>[^(]+) \((?P<year>\d{4})\) und liegt damit (?P<side>über|unter) dem Stadtwert"
    r"[^;]*\); das ist (?:(?P<cmp>höher|niedriger) als in (?P<beaten>[\d.]+) von (?P<of>[\d.]+) Ortsteilen"
    r"|(?:gemeinsam mit [\d.]+ weiteren )?der (?P<extreme>höchste|niedrigste) Wert aller (?P<of2>[\d.]+) Ortsteile)")


@lru_cache(maxsize=1)
def package():
    from sozialraum.package import load_package

    return load_package(data_dir())


def values(indicator_id: str, year: int):
    """area_id -> value of every Ortsteil with a (published) value, read from observations."""
    obs = package().observations
    rows = obs[(obs["level"] == "ortsteil") & (obs["indicator_id"].astype(str) == indicator_id)
               & (obs["year"] == year) & obs["value"].notna() & ~obs["suppressed"].astype(bool)]
    return dict(zip(rows["area_id"].astype(str), rows["value"].astype(float)))


def german(x: float, places: int) -> str:
    return f"{x:,.{places}f}".replace(",", "_").replace(".", ",").replace("_", ".")


def check_summary(summary: str, name: str, area_id: str) -> list[str]:
    """Problems of one summary against the observations (empty: all numbers match)."""
    pkg = package()
    problems = []
    if name not in summary:
        problems.append(f"summary does not name {name}")
    latest = max(pkg.years)
    population = values("einwohner", latest).get(area_id)
    if population is not None and f"leben {german(population, 0)} Menschen ({latest})" not in summary:
        problems.append(f"population {german(population, 0)} ({latest}) missing")
    by_short = {str(r["short_name"]): str(i) for i, r in pkg.indicators.iterrows()}
    checked = 0
    for match in LEVEL_RE.finditer(summary):
        indicator_id = by_short[match["short"]]
        peers = values(indicator_id, int(match["year"]))
        own = peers[area_id]
        higher = sum(v > own for v in peers.values())
        lower = sum(v < own for v in peers.values())
        of = int((match["of"] or match["of2"]).replace(".", ""))
        if of != len(peers):
            problems.append(f"{match['short']}: 'von {of}' but {len(peers)} Ortsteile have a value")
        if match["cmp"]:
            beaten = int(match["beaten"].replace(".", ""))
            expected = lower if match["cmp"] == "höher" else higher
            if beaten != expected:
                problems.append(f"{match['short']}: '{match['cmp']} als in {beaten}' but {expected} by the data")
        elif (match["extreme"] == "höchste" and higher) or (match["extreme"] == "niedrigste" and lower):
            problems.append(f"{match['short']}: '{match['extreme']} Wert' is not true")
        checked += 1
    if not checked:
        problems.append("no sentence comparing the Ortsteil with the others")
    return problems


def print_pages(page) -> int:
    page.emulate_media(media="print")
    try:
        pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    finally:
        page.emulate_media(media="screen")
    return len(PAGE_RE.findall(pdf))


def test_every_ortsteil(page, base_url, problems):
    areas = package().area_frames["ortsteil"]
    assert len(areas) == 53
    failures = []
    for area_id, name, slug in zip(areas["area_id"].astype(str), areas["name"], areas["slug"]):
        page.goto(f"/ortsteil/{slug}", wait_until="commit")
        wait_for_dash(page)
        where = f"{name} (/ortsteil/{slug})"
        if page.locator("h1").inner_text().strip() != name:
            failures.append(f"{where}: h1 is {page.locator('h1').inner_text()!r}")
        if page.title() != f"Steckbrief {name} – Sozialraum-Monitor":
            failures.append(f"{where}: title {page.title()!r}")
        summary = page.locator("#steckbrief-zusammenfassung").inner_text()
        sentences = [s for s in summary.split("\n") if s.strip()]
        if not 3 <= len(sentences) <= 6:
            failures.append(f"{where}: {len(sentences)} summary sentences")
        failures += [f"{where}: {p}" for p in check_summary(summary, name, area_id)]
        try:
            assert_no_axe_violations(page, where=where)
        except AssertionError as err:
            failures.append(str(err))
        pages = print_pages(page)
        if pages != 2:
            failures.append(f"{where}: print has {pages} pages")
        if problems.as_text():
            failures.append(f"{where}: {problems.as_text()}")
            problems.console_errors.clear(), problems.page_errors.clear(), problems.failed_requests.clear()
            problems.bad_responses.clear()
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("viewport", [pytest.param(DESKTOP, id="desktop"), pytest.param(PHONE, id="phone")])
@pytest.mark.parametrize("slug, name", [("erfurt", "Erfurt"), ("planungsraum-suedost", "Planungsraum Südost"),
                                        ("melchendorf", "Melchendorf")])
def test_city_planungsraum_and_phone(page, base_url, viewport, slug, name):
    page.goto(f"/ortsteil/{slug}", wait_until="commit")
    wait_for_dash(page)
    assert page.locator("h1").inner_text().strip() == name
    assert name in page.locator("#steckbrief-zusammenfassung").inner_text()
    assert page.locator(".locator-map img").get_attribute("alt")
    headings = page.eval_on_selector_all("main h1, main h2, main h3",
                                         "hs => hs.filter(h => h.offsetParent).map(h => +h.tagName[1])")
    assert headings[0] == 1 and all(b - a <= 1 for a, b in itertools.pairwise(headings)), headings
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"page scrolls sideways by {overflow} px"
    assert_no_axe_violations(page, where=f"{slug} {viewport['width']}")
    if viewport is DESKTOP:
        assert print_pages(page) == 2


def test_print_hides_the_chrome(page, base_url):
    page.goto("/ortsteil/herrenberg", wait_until="commit")
    wait_for_dash(page)
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => ['.app-header', '.app-footer', '.skip-link', '.steckbrief-tools',
        '.einfach-erklaert', '.demo-banner'].map(s => [s, [...document.querySelectorAll(s)].every(e => !e.checkVisibility())])""")
    assert all(ok for _, ok in hidden), hidden
    footers = page.locator(".print-footer")
    assert footers.count() == 2
    for i in range(2):
        text = footers.nth(i).inner_text()
        assert "Stand der Daten 31.12.2024" in text and "Beispieldaten" in text
    page.emulate_media(media="screen")
    # other pages keep their header in print
    page.goto("/methodik", wait_until="commit")
    wait_for_dash(page)
    page.emulate_media(media="print")
    assert page.locator(".app-header").is_visible()
    page.emulate_media(media="screen")


def test_unknown_and_hostile_slug(page, base_url):
    page.goto("/ortsteil/gibt-es-nicht", wait_until="commit")
    wait_for_dash(page)
    assert page.locator("h1").inner_text() == "Gebiet nicht gefunden"
    assert "„gibt-es-nicht“" in page.locator(".alert").inner_text()
    assert page.get_by_role("link", name="Übersicht").count() >= 1
    hostile = "<img src=x onerror=window.__xss=1>"
    page.goto("/ortsteil/%3Cimg%20src%3Dx%20onerror%3Dwindow.__xss%3D1%3E", wait_until="commit")
    wait_for_dash(page)
    assert hostile in page.locator(".alert").inner_text()
    assert page.evaluate("() => window.__xss") is None
    assert page.locator("main img[src='x']").count() == 0
    assert_no_axe_violations(page, where="unbekanntes Gebiet")


def test_keyboard_reaches_the_tools(page, base_url):
    page.goto("/ortsteil/melchendorf", wait_until="commit")
    wait_for_dash(page)
    page.locator("#steckbrief-pdf").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "steckbrief-drucken"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "steckbrief-csv"
    # the Planungsraum link leads to its profile
    page.get_by_role("link", name="Planungsraum Südost").first.click()
    page.wait_for_url("**/ortsteil/planungsraum-suedost")
    wait_for_dash(page)
    assert page.locator("h1").inner_text().strip() == "Planungsraum Südost"
