"""Präsentationsmodus (/praesentation, /praesentation/sprecher) in headless Chromium.

- The whole Erfurt deck stepped through with the keys a presenter clicker sends (ArrowRight,
  Space, PageDown forward; PageUp, ArrowLeft back; Home/End): per slide the title, `folie=N` in
  the address, the progress bar, and the visible iframe showing the slide's view (path and query,
  in its presentation look: no header, no footer).
- The QR code on screen is decoded in the test (the <img> drawn onto a canvas in the page, its
  pixels decoded with zxing-cpp) and must be the slide's absolute address.
- The speaker window opens from the button and follows the slide show, and the other way round.
- Esc leaves full screen first, then the presentation; axe finds nothing on the deck list and
  on a slide (with the views inside the iframes) at 1280×720 and 1920×1080.

Expected values come from the deck file (data/erfurt/presentations/konferenz.toml), not from the
page. Between key presses the test waits until the mounted iframes have settled, as a presenter
does; removing an iframe while its Dash app is still loading would abort its requests.
"""

from __future__ import annotations

import base64
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pytest
import zxingcpp
from playwright.sync_api import expect
from axe import assert_no_axe_violations, axe_source
from browser_helpers import _DASH_READY_JS, data_dir, goto_and_wait, wait_for_dash

from sozialraum import presentations as pr

pytestmark = pytest.mark.browser

SLOW_MS = 60_000
SIZES = [pytest.param({"width": 1280, "height": 720}, id="1280x720"),
         pytest.param({"width": 1920, "height": 1080}, id="1920x1080")]


@pytest.fixture(autouse=True)
def _patient(page):
    page.set_default_timeout(SLOW_MS)


@pytest.fixture(scope="module")
def deck() -> pr.Deck:
    decks, problems = pr.package_decks(data_dir())
    assert not problems
    return next(d for d in decks if d.name == "konferenz")


# --------------------------------------------------------------------------- reading the page

_STATE_JS = """
() => {
  const root = document.getElementById('praesentation-show');
  const frame = document.querySelector('#praesentation-buehne iframe.ist-aktuell');
  const frames = [...document.querySelectorAll('#praesentation-buehne iframe')];
  let inner = null;
  if (frame) {
    const doc = frame.contentDocument;
    const header = doc && doc.querySelector('.app-header');
    inner = {
      href: frame.contentWindow.location.href,
      presentationLook: !!doc && doc.documentElement.classList.contains('praesentation'),
      headerShown: !!header && getComputedStyle(header).display !== 'none',
    };
  }
  const bar = document.getElementById('praesentation-fortschritt');
  return {
    h1: [...document.querySelectorAll('h1')].filter(h => h.checkVisibility()).map(h => h.textContent.trim()),
    counter: document.getElementById('praesentation-zaehler').textContent,
    search: location.search,
    progress: [bar.getAttribute('aria-valuenow'), bar.getAttribute('aria-valuemax'), bar.getAttribute('aria-valuetext')],
    qrAlt: document.getElementById('praesentation-qr').alt,
    visibleFrames: frames.filter(f => getComputedStyle(f).visibility === 'visible').length,
    mounted: frames.map(f => Number(f.dataset.folie)).sort((a, b) => a - b),
    frameTitle: frame ? frame.title : null,
    inner,
    announced: document.getElementById('praesentation-ansage').textContent,
    rootCoversWindow: (() => { const r = root.getBoundingClientRect();
      return r.left <= 0 && r.top <= 0 && r.right >= innerWidth && r.bottom >= innerHeight; })(),
  };
}
"""

# The QR <img> drawn onto a canvas at 4 px per SVG unit; its grey values go to Python as base64.
_QR_PIXELS_JS = """
async () => {
  const img = document.getElementById('praesentation-qr');
  await img.decode();
  const size = 480;
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = size;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, size, size);
  ctx.drawImage(img, 0, 0, size, size);
  const rgba = ctx.getImageData(0, 0, size, size).data;
  let bytes = '';
  for (let i = 0; i < rgba.length; i += 4) bytes += String.fromCharCode(Math.round((rgba[i] + rgba[i + 1] + rgba[i + 2]) / 3));
  return {size, grey: btoa(bytes), shown: Math.round(img.getBoundingClientRect().width)};
}
"""


# All of the current slide's neighbours are mounted (they are prepared one after the other).
_ALL_MOUNTED_JS = """
() => {
  const show = window.praesentation, root = document.getElementById('praesentation-show');
  if (!show || !root || root.dataset.bereit !== 'ja') return false;
  const i = show.index(), total = JSON.parse(root.dataset.folien).length;
  const want = [i - 1, i, i + 1].filter(n => n >= 0 && n < total);
  const have = [...document.querySelectorAll('#praesentation-buehne iframe')].map(f => Number(f.dataset.folie))
    .sort((a, b) => a - b);
  return JSON.stringify(want) === JSON.stringify(have);
}
"""

def state(page) -> dict:
    return page.evaluate(_STATE_JS)


def shown_qr(page) -> tuple[str, int]:
    """The decoded text of the QR code on screen and its width in CSS pixels."""
    pixels = page.evaluate(_QR_PIXELS_JS)
    image = np.frombuffer(base64.b64decode(pixels["grey"]), dtype=np.uint8).reshape(pixels["size"], pixels["size"])
    found = zxingcpp.read_barcodes(image)
    assert len(found) == 1, f"the QR code on screen did not decode ({len(found)} codes found)"
    return found[0].text, pixels["shown"]


def settle(page) -> None:
    """Wait until the slide show and every mounted iframe's Dash app have finished loading."""
    wait_for_dash(page, SLOW_MS)
    page.wait_for_function(_ALL_MOUNTED_JS)
    for handle in page.query_selector_all("#praesentation-buehne iframe"):
        frame = handle.content_frame()
        assert frame is not None
        frame.wait_for_function(_DASH_READY_JS, arg=100, polling=50, timeout=SLOW_MS)


def expect_slide(page, deck: pr.Deck, number: int, base_url: str) -> None:
    """Everything the slide show must show for slide `number` (1-based)."""
    slide = deck.slides[number - 1]
    total = len(deck.slides)
    page.wait_for_function("(t) => document.getElementById('praesentation-titel').textContent === t", arg=slide.title)
    # the visible iframe has loaded the slide's view (its page may add defaults to the query)
    page.wait_for_function(
        """(path) => { const f = document.querySelector('#praesentation-buehne iframe.ist-aktuell');
                      try { return f.contentWindow.location.pathname === path
                                   && f.contentDocument.readyState === 'complete'; } catch (e) { return false; } }""",
        arg=slide.path)
    # the neighbours are prepared (and farther slides dropped) right after the slide is painted
    page.wait_for_function(
        """(want) => JSON.stringify([...document.querySelectorAll('#praesentation-buehne iframe')]
                       .map(f => Number(f.dataset.folie)).sort((a, b) => a - b)) === JSON.stringify(want)""",
        arg=[n for n in (number - 2, number - 1, number) if 0 <= n < total])
    now = state(page)
    where = f"slide {number} ({slide.title})"
    assert now["h1"] == [slide.title], where
    assert now["counter"] == f"Folie {number} von {total}", where
    assert dict(parse_qsl(now["search"].lstrip("?"))).get("folie") == str(number), f"{where}: {now['search']}"
    assert now["progress"] == [str(number), str(total), f"Folie {number} von {total}"], where
    assert now["visibleFrames"] == 1, where
    assert now["mounted"] == [n for n in (number - 2, number - 1, number) if 0 <= n < total], where
    assert now["frameTitle"] == f"Folie {number}: {slide.title}", where
    inner = urlsplit(now["inner"]["href"])
    assert inner.path == slide.path, where
    inner_query = dict(parse_qsl(inner.query))
    assert all(inner_query.get(k) == v for k, v in slide.query.items()), f"{where}: {now['inner']['href']}"
    assert now["inner"]["presentationLook"] and not now["inner"]["headerShown"], where
    assert now["rootCoversWindow"], where
    expected_url = base_url.rstrip("/") + slide.view
    assert now["qrAlt"] == f"QR-Code: diese Ansicht auf dem Telefon öffnen – {expected_url}", where
    text, _width = shown_qr(page)
    assert text == expected_url, where
    assert "praesentation" not in text


def open_deck(page, url: str) -> None:
    goto_and_wait(page, url, SLOW_MS)
    settle(page)


# --------------------------------------------------------------------------- tests

def test_step_through_the_whole_deck_with_the_keyboard(page, base_url, deck):
    open_deck(page, "/praesentation?deck=konferenz")
    total = len(deck.slides)
    expect_slide(page, deck, 1, base_url)
    assert state(page)["announced"] == ""

    forward = ["ArrowRight", "Space", "PageDown", "ArrowDown"]
    for number in range(2, total + 1):
        page.keyboard.press(forward[(number - 2) % len(forward)])
        expect_slide(page, deck, number, base_url)
        assert state(page)["announced"] == f"Folie {number} von {total}: {deck.slides[number - 1].title}"
        settle(page)

    page.keyboard.press("ArrowRight")           # past the end: stays on the last slide
    expect_slide(page, deck, total, base_url)
    assert page.locator("#praesentation-weiter").is_disabled()

    backward = ["PageUp", "ArrowLeft", "ArrowUp"]
    for number in range(total - 1, total - 4, -1):
        page.keyboard.press(backward[(total - 1 - number) % len(backward)])
        expect_slide(page, deck, number, base_url)
        settle(page)

    page.keyboard.press("Home")
    expect_slide(page, deck, 1, base_url)
    assert page.locator("#praesentation-zurueck").is_disabled()
    settle(page)
    page.keyboard.press("End")
    expect_slide(page, deck, total, base_url)
    settle(page)


def test_keys_work_while_the_focus_is_inside_the_view(page, base_url, deck):
    open_deck(page, "/praesentation?deck=konferenz&folie=2")
    expect_slide(page, deck, 2, base_url)
    frame = page.query_selector("#praesentation-buehne iframe.ist-aktuell").content_frame()
    frame.locator("body").click(position={"x": 5, "y": 5})
    assert page.evaluate("() => document.activeElement.tagName") == "IFRAME"
    page.keyboard.press("PageDown")
    expect_slide(page, deck, 3, base_url)
    settle(page)
    # a control of the view keeps its keys: typing into the atlas' search does not move on
    frame = page.query_selector("#praesentation-buehne iframe.ist-aktuell").content_frame()
    search = frame.get_by_label("Indikator suchen")
    search.click()
    search.press("ArrowLeft")
    search.press("Space")
    assert state(page)["counter"] == f"Folie 3 von {len(deck.slides)}"


def test_buttons_and_a_link_start_at_the_named_slide(page, base_url, deck):
    open_deck(page, "/praesentation?deck=konferenz&folie=5")
    expect_slide(page, deck, 5, base_url)
    page.get_by_role("button", name="Weiter").click()
    expect_slide(page, deck, 6, base_url)
    settle(page)
    page.get_by_role("button", name="Zurück").click()
    expect_slide(page, deck, 5, base_url)
    settle(page)


def test_a_folie_out_of_range_starts_at_slide_one_with_a_notice(page, base_url, deck):
    open_deck(page, "/praesentation?deck=konferenz&folie=99")
    expect_slide(page, deck, 1, base_url)
    assert page.locator("#praesentation-hinweise").inner_text().startswith("Folie „99“ gibt es in dieser")
    page.keyboard.press("ArrowRight")
    expect_slide(page, deck, 2, base_url)
    assert not page.locator("#praesentation-hinweise").is_visible()
    settle(page)


def test_the_speaker_window_follows_the_slide_show_and_the_other_way_round(page, base_url, deck, problems):
    open_deck(page, "/praesentation?deck=konferenz&folie=2")
    with page.expect_popup() as opened:
        page.get_by_role("button", name="Sprecheransicht").click()
    speaker = opened.value
    problems.attach(speaker)
    speaker.set_default_timeout(SLOW_MS)
    speaker.wait_for_function("() => (document.getElementById('sprecher-show') || {dataset: {}}).dataset.bereit === 'ja'")
    assert urlsplit(speaker.url).path == "/praesentation/sprecher"

    def speaker_shows(number: int) -> None:
        slide, following = deck.slides[number - 1], (deck.slides[number] if number < len(deck.slides) else None)
        speaker.wait_for_function("(t) => document.getElementById('sprecher-titel').textContent === t", arg=slide.title)
        assert speaker.locator("#sprecher-notizen").inner_text().split() == slide.notes.split()
        assert speaker.locator("#sprecher-naechste-titel").inner_text() == (following.title if following else
                                                                            "Ende der Präsentation")
        if following:
            speaker.wait_for_function(
                """(path) => { const f = document.querySelector('#sprecher-vorschau iframe');
                              try { return f.contentWindow.location.pathname === path; } catch (e) { return false; } }""",
                arg=following.path)
            speaker.query_selector("#sprecher-vorschau iframe").content_frame().wait_for_function(
                _DASH_READY_JS, arg=100, polling=50, timeout=SLOW_MS)
        assert dict(parse_qsl(urlsplit(speaker.url).query)).get("folie") == str(number)

    speaker_shows(2)
    assert speaker.locator("#sprecher-uhrzeit").inner_text().endswith("Uhr")
    page.bring_to_front()
    page.keyboard.press("ArrowRight")
    expect_slide(page, deck, 3, base_url)
    speaker_shows(3)
    settle(page)

    speaker.bring_to_front()
    speaker.keyboard.press("PageDown")
    speaker_shows(4)
    expect_slide(page, deck, 4, base_url)
    settle(page)
    speaker.get_by_role("button", name="Zurück").click()
    speaker_shows(3)
    expect_slide(page, deck, 3, base_url)
    settle(page)


def test_escape_leaves_full_screen_then_the_presentation(page, deck):
    open_deck(page, "/praesentation?deck=konferenz&folie=3")
    page.get_by_role("button", name="Vollbild").click()
    page.wait_for_function("() => document.fullscreenElement === document.getElementById('praesentation-show')")
    expect(page.get_by_role("button", name="Vollbild")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Escape")
    page.wait_for_function("() => document.fullscreenElement === null")
    # the button follows the browser's fullscreenchange event, which comes a moment later
    expect(page.get_by_role("button", name="Vollbild")).to_have_attribute("aria-pressed", "false")
    assert urlsplit(page.url).path == "/praesentation" and "deck=konferenz" in page.url
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.keyboard.press("Escape")
    wait_for_dash(page, SLOW_MS)
    assert page.url.endswith("/praesentation")
    assert page.locator("h1").inner_text() == "Präsentationsmodus"
    assert page.get_by_role("link", name=f"Präsentation starten: {deck.title}").is_visible()


def _axe_in_frames(page) -> None:
    """Load axe into every iframe too, so axe.run checks the views inside the slide show."""
    for frame in page.frames[1:]:
        if not frame.evaluate("() => typeof window.axe !== 'undefined'"):
            frame.add_script_tag(content=axe_source())


@pytest.mark.parametrize("viewport", SIZES)
def test_axe_on_the_deck_list(page, viewport, deck):
    goto_and_wait(page, "/praesentation", SLOW_MS)
    assert page.get_by_role("link", name=f"Präsentation starten: {deck.title}").is_visible()
    assert_no_axe_violations(page, where=f"/praesentation at {viewport['width']}x{viewport['height']}")


@pytest.mark.parametrize("viewport", SIZES)
def test_axe_and_sizes_on_a_slide(page, base_url, viewport, deck):
    open_deck(page, "/praesentation?deck=konferenz&folie=2")
    expect_slide(page, deck, 2, base_url)
    _, qr_width = shown_qr(page)
    minimum = 180 if viewport["width"] >= 1920 else 150
    assert qr_width >= minimum, f"the QR code is {qr_width} px wide at {viewport['width']} px"
    title_px = page.evaluate("() => parseFloat(getComputedStyle(document.getElementById('praesentation-titel')).fontSize)")
    assert title_px >= (40 if viewport["width"] >= 1920 else 28), f"slide title at {title_px} px"
    nothing_cut = page.evaluate(
        """() => [...document.querySelectorAll('#praesentation-show button, #praesentation-show a, #praesentation-qr')]
                 .every(e => { const r = e.getBoundingClientRect();
                               return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth; })""")
    assert nothing_cut, "a control or the QR code reaches outside the window"
    _axe_in_frames(page)
    assert_no_axe_violations(page, where=f"slide 2 at {viewport['width']}x{viewport['height']}")


def test_axe_on_the_speaker_view(page, deck):
    goto_and_wait(page, "/praesentation/sprecher?deck=konferenz&folie=1", SLOW_MS)
    page.query_selector("#sprecher-vorschau iframe").content_frame().wait_for_function(
        _DASH_READY_JS, arg=100, polling=50, timeout=SLOW_MS)
    assert page.locator("h1").inner_text() == deck.slides[0].title
    _axe_in_frames(page)
    assert_no_axe_violations(page, where="/praesentation/sprecher")
