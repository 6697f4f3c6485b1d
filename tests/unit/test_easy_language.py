""""Einfach erklärt" and the Leichte-Sprache page: every registered page has a text, the texts
keep the measurable rules of Leichte Sprache, and every page's layout shows the folded block
right after its heading. The new pages (Leichte Sprache, Barrierefreiheit) are reachable from
the footer of every page and stay out of the header navigation."""

from __future__ import annotations

import json
import re

import dash
import pytest
from plotly.utils import PlotlyJSONEncoder

from components import easy_language as el

MAX_WORDS = 15
ABBREVIATIONS = ("z. B.", "z.B.", "bzw.", "ggf.", "u. a.", "u.a.", "d. h.", "d.h.", "usw.", "etc.", "ca.",
                 "evtl.", "inkl.", "vgl.", "o. ä.", "s. o.", "Nr.")
SYMBOLS = ("%", "&", "§", "€", ";", "(", ")", "/")


def sentences(block: el.Block) -> list[str]:
    items = [block] if isinstance(block, str) else list(block)
    out = []
    for item in items:
        out += [s for s in re.split(r"(?<=[.!?])\s+", item.strip()) if s]
    return out


def check_block(block: el.Block) -> list[str]:
    """Every broken rule of one block, as readable lines."""
    problems = []
    text = block if isinstance(block, str) else " ".join(block)
    for abbreviation in ABBREVIATIONS:
        if re.search(r"(?<!\w)" + re.escape(abbreviation), text):
            problems.append(f"abbreviation {abbreviation!r} in {text[:60]!r}")
    for symbol in SYMBOLS:
        if symbol in text:
            problems.append(f"symbol {symbol!r} (write it as a word) in {text[:60]!r}")
    for sentence in sentences(block):
        words = len(re.findall(r"[\wÄÖÜäöüß-]+", sentence))
        if words > MAX_WORDS:
            problems.append(f"{words} words (> {MAX_WORDS}): {sentence!r}")
        if sentence.count(",") > 1:
            problems.append(f"more than one comma: {sentence!r}")
        if not re.search(r"[.!?:]$", sentence):
            problems.append(f"sentence without an end mark: {sentence!r}")
    return problems


def all_easy_texts() -> dict[str, list[el.Block]]:
    from pages import leichte_sprache

    texts = {key: list(blocks) for key, blocks in el.TEXTS.items()}
    texts["leichte_sprache (page)"] = leichte_sprache.all_blocks()
    return texts


def page_modules(flask_app) -> dict[str, dict]:
    return {page["module"].split(".")[-1]: page for page in dash.page_registry.values()}


# ---- the rules themselves can fail ---------------------------------------------------------------

@pytest.mark.parametrize("bad", [
    "Das ist ein sehr langer Satz mit vielen Wörtern und er hört einfach nicht auf zu reden hier.",
    "Hier stehen Zahlen, Karten, Tabellen und Listen.",
    "Zum Vergleich dient z. B. der Wert der Stadt.",
    "Der Wert liegt bei 20 %.",
    "Das ist gut (meistens).",
])
def test_the_checker_finds_broken_rules(bad):
    assert check_block(bad), bad


def test_the_checker_accepts_plain_sentences():
    assert check_block("Sozialindex: Das ist eine Zahl. Sie zeigt: Dort braucht es Hilfe.") == []
    assert check_block(["Eine Karte. Eine dunkle Farbe bedeutet: Dort braucht es mehr Hilfe."]) == []


# ---- the texts -------------------------------------------------------------------------------------

def test_every_registered_page_has_a_text(flask_app):
    missing = sorted(set(page_modules(flask_app)) - set(el.TEXTS))
    assert not missing, f"pages without an 'Einfach erklärt' text: {missing}"
    unused = sorted(set(el.TEXTS) - set(page_modules(flask_app)))
    assert not unused, f"texts for pages that do not exist: {unused}"


def test_texts_keep_the_rules_of_leichte_sprache(flask_app):
    problems = []
    for key, blocks in all_easy_texts().items():
        assert blocks, f"{key}: empty text"
        for block in blocks:
            problems += [f"{key}: {p}" for p in check_block(block)]
    assert not problems, "\n".join(problems)


def test_every_leitlinie_of_the_package_has_a_plain_text(flask_app):
    from components.data import get_package
    from pages import leichte_sprache

    titles = list(get_package().leitlinien["title"])
    assert len(titles) == 6
    assert [t for t in titles if t not in leichte_sprache.LEITLINIEN_EINFACH] == []


# ---- the block in every page -----------------------------------------------------------------------

def _layout_json(page: dict, **kwargs) -> str:
    layout = page["layout"]
    return json.dumps(layout(**kwargs) if callable(layout) else layout, cls=PlotlyJSONEncoder, ensure_ascii=False)


def test_the_block_is_a_closed_details_with_a_summary():
    block = el.einfach_erklaert("atlas")
    assert block.to_plotly_json()["type"] == "Details"
    assert not getattr(block, "open", False)
    summary = block.children[0]
    assert summary.to_plotly_json()["type"] == "Summary" and summary.children == "Einfach erklärt"


def test_every_page_layout_shows_its_block(flask_app):
    from components.measures_store import get_store

    measure_id = str(get_store().frame()["measure_id"].iloc[0])
    found = {}
    for key, page in page_modules(flask_app).items():
        kwargs = {"measure_id": measure_id} if page.get("path_template") else {}
        with flask_app.test_request_context(page.get("path") or "/"):
            text = _layout_json(page, **kwargs)
        found[key] = f'"einfach-erklaert-{key}"' in text and "Einfach erklärt" in text
    missing = sorted(k for k, ok in found.items() if not ok)
    assert not missing, f"pages without their 'Einfach erklärt' block: {missing}"


def _flatten(component, out: list) -> list:
    out.append(component)
    children = getattr(component, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if hasattr(child, "to_plotly_json"):
            _flatten(child, out)
    return out


@pytest.mark.parametrize("module, path", [("uebersicht", "/"), ("atlas", "/atlas"), ("zeitvergleich", "/zeitvergleich"),
                                          ("sozialindex", "/sozialindex"), ("methodik", "/methodik"),
                                          ("leichte_sprache", "/leichte-sprache"),
                                          ("barrierefreiheit", "/barrierefreiheit")])
def test_the_block_follows_the_heading_and_lead(flask_app, module, path):
    """Right after the H1 (and its lead paragraph, if any): before any section of the page."""
    import importlib

    page_module = importlib.import_module(f"pages.{module}")
    with flask_app.test_request_context(path):
        nodes = _flatten(page_module.layout(), [])
    types = [n.to_plotly_json()["type"] for n in nodes]
    h1 = types.index("H1")
    block = next(i for i, n in enumerate(nodes) if getattr(n, "id", None) == f"einfach-erklaert-{module}")
    # nothing but the page's lead paragraph stands between the H1 and the block
    assert block > h1 and all(t == "P" for t in types[h1 + 1:block]) and block - h1 <= 2, types[h1:block + 1]


# ---- the new pages: registered, outside the header navigation, linked in the footer ----------------

def test_new_pages_are_registered_outside_the_navigation(flask_app):
    from components.shell import nav_pages

    pages = page_modules(flask_app)
    assert pages["leichte_sprache"]["path"] == "/leichte-sprache"
    assert pages["barrierefreiheit"]["path"] == "/barrierefreiheit"
    nav = {p["module"] for p in nav_pages()}
    assert "pages.leichte_sprache" not in nav and "pages.barrierefreiheit" not in nav


def test_footer_links_both_pages(flask_app):
    from components.data import get_package
    from components.shell import footer

    with flask_app.test_request_context("/"):
        text = json.dumps(footer(get_package()), cls=PlotlyJSONEncoder, ensure_ascii=False)
    assert '"/leichte-sprache"' in text and '"/barrierefreiheit"' in text


def test_leichte_sprache_page_lists_the_leitlinien_of_the_package(flask_app):
    from components.data import get_package
    from pages import leichte_sprache

    with flask_app.test_request_context("/leichte-sprache"):
        text = json.dumps(leichte_sprache.layout(), cls=PlotlyJSONEncoder, ensure_ascii=False)
    for title in get_package().leitlinien["title"]:
        assert title in text
    for body in ("Begleitgremium", "Stadtrat", "Ortsteilrat", "Sozialraumplanungs-Konferenz"):
        assert body in text, body


def test_barrierefreiheit_has_the_required_parts_and_the_package_contact(flask_app):
    from components.data import get_package
    from pages import barrierefreiheit

    with flask_app.test_request_context("/barrierefreiheit"):
        text = json.dumps(barrierefreiheit.layout(), cls=PlotlyJSONEncoder, ensure_ascii=False)
    for part in ("Stand der Vereinbarkeit mit den Anforderungen", "teilweise vereinbar",
                 "Erstellung dieser Erklärung", "24.11.2026", "Feedback und Kontaktangaben",
                 "Schlichtungsverfahren", "www.schlichtungsstelle-bgg.de"):
        assert part in text, part
    contact = get_package().meta["contact"]
    assert "Beispieladresse" in contact
    assert "mailto:sozialraumplanung@erfurt.de" in text


def test_contact_link_keeps_the_text_around_the_address():
    from pages.barrierefreiheit import contact_parts

    parts = contact_parts("sozialraumplanung@erfurt.de (Beispieladresse)")
    assert parts[0] == "" and parts[2] == " (Beispieladresse)"
    assert parts[1].href == "mailto:sozialraumplanung@erfurt.de"
    assert contact_parts("Telefon 0361 000") == ["Telefon 0361 000"]
