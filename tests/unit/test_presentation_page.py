"""The presentation page (/praesentation) and the speaker view (/praesentation/sprecher), rendered
as layouts inside a request of the real app: the deck list with its empty state and broken-file
notices, the Erfurt deck's slide show (title, iframe, QR code of the absolute public address,
edition, progress, controls, every slide's data for the browser), shared links, and hostile or
out-of-range URL values, which become German notices and never an exception.
"""

from __future__ import annotations

import base64
import json
import zlib
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import dash
import numpy as np
import pytest
import zxingcpp

from sozialraum import presentations as pr

REPO = Path(__file__).resolve().parents[2]
ERFURT_DECK = REPO / "data" / "erfurt" / "presentations" / "konferenz.toml"
PUBLIC = "https://sozialraum.erfurt.de"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def pages(flask_app):
    """The two page layouts as Dash registered them."""
    flask_app.test_client().get("/")
    return (dash.page_registry["pages.praesentation"]["layout"],
            dash.page_registry["pages.praesentation_sprecher"]["layout"])


@pytest.fixture(scope="module")
def deck() -> pr.Deck:
    return pr.load_deck(ERFURT_DECK)


def render(flask_app, layout, url: str = "/praesentation", **query) -> dict:
    """The layout for `query` inside a request to `url` on the public host, as plain JSON."""
    with flask_app.test_request_context(url, base_url=PUBLIC):
        component = layout(**query)
    return json.loads(json.dumps(component.to_plotly_json(), cls=_Encoder))


class _Encoder(json.JSONEncoder):
    def default(self, o):
        if hasattr(o, "to_plotly_json"):
            return o.to_plotly_json()
        return super().default(o)


def nodes(tree):
    """Every component (dict with type/props) in the tree, depth first."""
    if isinstance(tree, dict) and "props" in tree:
        yield tree
        yield from nodes(tree["props"].get("children"))
    elif isinstance(tree, list | tuple):
        for item in tree:
            yield from nodes(item)


def by_id(tree, component_id: str) -> dict:
    found = [n for n in nodes(tree) if n["props"].get("id") == component_id]
    assert len(found) == 1, f"{component_id}: {len(found)} components"
    return found[0]


def of_type(tree, kind: str) -> list[dict]:
    return [n for n in nodes(tree) if n["type"] == kind]


def text(tree) -> str:
    """All text of the tree, as a browser would show it (strings stay strings: no HTML)."""
    if isinstance(tree, str):
        return tree
    if isinstance(tree, int | float):
        return str(tree)
    if isinstance(tree, dict) and "props" in tree:
        return text(tree["props"].get("children"))
    if isinstance(tree, list | tuple):
        return " ".join(text(t) for t in tree if t is not None)
    return ""


def notices(tree) -> list[str]:
    return [text(n) for n in nodes(tree) if "alert" in (n["props"].get("className") or "")]


def slides_of(tree) -> list[dict]:
    return json.loads(by_id(tree, "praesentation-show")["props"]["data-folien"])


def decode(url: str) -> str:
    """What a phone reads from the QR code of `url` (segno's module grid decoded with zxing)."""
    image = np.kron(np.array([[0 if d else 255 for d in row] for row in pr.qr_matrix(url)], dtype=np.uint8),
                    np.ones((4, 4), dtype=np.uint8))
    return zxingcpp.read_barcodes(image)[0].text


# ---- the deck list ---------------------------------------------------------------------------------

def test_without_a_deck_the_page_lists_the_packages_decks(flask_app, pages, deck):
    tree = render(flask_app, pages[0])
    assert [text(h) for h in of_type(tree, "H1")] == ["Präsentationsmodus"]
    # the package's decks (decks saved in the app have a list of their own, tests/unit/test_deck_pages.py)
    start = [a for a in of_type(by_id(tree, "praesentation-paket"), "A") if text(a) == "Präsentation starten"]
    assert [a["props"]["href"] for a in start] == ["/praesentation?deck=konferenz"]
    body = text(tree)
    assert deck.title in body and deck.description in body and f"{len(deck.slides)} Folien" in body
    assert "So präsentieren Sie" in body and "Bild ab" in body and "Sprecheransicht" in body
    assert notices(tree) == []


def test_unreadable_deck_files_are_named_and_the_rest_still_work(flask_app, pages, tmp_path, monkeypatch):
    folder = tmp_path / "presentations"
    folder.mkdir()
    (folder / "gut.toml").write_text(ERFURT_DECK.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "kaputt.toml").write_text('title = "X"\n[[slide]]\ntitle = "F"\nview = "/geheim"\n', encoding="utf-8")
    real = pr.package_decks
    monkeypatch.setattr(pr, "package_decks", lambda _dir, **kw: real(tmp_path, **kw))
    tree = render(flask_app, pages[0])
    found = notices(tree)
    assert len(found) == 1
    assert found[0].startswith("Eine Präsentation konnte nicht gelesen werden: presentations/kaputt.toml – slide[1].view")
    assert "„/geheim“" in found[0]
    assert [a["props"]["href"] for a in of_type(by_id(tree, "praesentation-paket"), "A")
            if text(a) == "Präsentation starten"] == ["/praesentation?deck=gut"]


def test_a_package_without_decks_says_where_decks_come_from(flask_app, pages, monkeypatch):
    monkeypatch.setattr(pr, "package_decks", lambda _dir, **kw: ([], []))
    tree = render(flask_app, pages[0])
    assert not [a for a in of_type(by_id(tree, "praesentation-paket"), "A") if text(a) == "Präsentation starten"]
    assert notices(tree) == [("Dieses Datenpaket enthält keine Präsentation. Präsentationen liegen als "
                             "TOML-Dateien im Ordner „presentations“ des Datenpakets (siehe docs/data-format.md).")]


# ---- the slide show --------------------------------------------------------------------------------

def test_the_erfurt_deck_starts_with_its_first_slide(flask_app, pages, deck):
    tree = render(flask_app, pages[0], deck="konferenz")
    first = deck.slides[0]
    assert [text(h) for h in of_type(tree, "H1")] == [first.title]
    assert text(by_id(tree, "praesentation-zaehler")) == f"Folie 1 von {len(deck.slides)}"
    frames = of_type(tree, "Iframe")
    assert len(frames) == 1
    assert frames[0]["props"]["src"] == "/?praesentation=1"
    assert frames[0]["props"]["title"] == f"Folie 1: {first.title}"
    qr = by_id(tree, "praesentation-qr")["props"]
    assert qr["alt"] == f"QR-Code: diese Ansicht auf dem Telefon öffnen – {PUBLIC}/"
    bar = by_id(tree, "praesentation-fortschritt")["props"]
    assert (bar["role"], bar["aria-valuemin"], bar["aria-valuemax"], bar["aria-valuenow"]) == \
        ("progressbar", "1", str(len(deck.slides)), "1")
    assert bar["aria-valuetext"] == f"Folie 1 von {len(deck.slides)}"
    body = text(tree)
    assert "Stand: 31.12.2024" in body and "Beispieldaten" in body
    buttons = [text(b) for b in of_type(tree, "Button")]
    assert buttons == ["Zurück", "Weiter", "Vollbild", "Sprecheransicht"]
    assert by_id(tree, "praesentation-zurueck")["props"]["disabled"] is True
    assert by_id(tree, "praesentation-weiter")["props"]["disabled"] is False
    assert by_id(tree, "praesentation-beenden")["props"]["href"] == "/praesentation"
    root = by_id(tree, "praesentation-show")["props"]
    assert root["data-start"] == "0" and root["data-schluessel"] == "deck:konferenz"
    assert root["data-sprecher"] == "/praesentation/sprecher?deck=konferenz"
    assert notices(tree) == []


def test_every_slide_is_in_the_layout_with_its_view_qr_code_and_notes(flask_app, pages, deck):
    tree = render(flask_app, pages[0], deck="konferenz")
    slides = slides_of(tree)
    assert [s["titel"] for s in slides] == [s.title for s in deck.slides]
    assert [s["notizen"].split() for s in slides] == [s.notes.split() for s in deck.slides]
    assert all("\n" not in s["notizen"] for s in slides)   # TOML line wrapping is not a line break
    for data, slide in zip(slides, deck.slides, strict=True):
        frame = urlsplit(data["rahmen"])
        assert frame.path == slide.path and not frame.netloc
        assert dict(parse_qsl(frame.query)) == {**slide.query, "praesentation": "1"}
        address = urlsplit(data["adresse"])
        assert (address.scheme, address.netloc) == ("https", "sozialraum.erfurt.de"), data["adresse"]
        assert address.path == slide.path and dict(parse_qsl(address.query)) == slide.query
        assert "praesentation" not in data["adresse"]
        assert data["qr_alt"] == f"QR-Code: diese Ansicht auf dem Telefon öffnen – {data['adresse']}"
        assert data["qr"].startswith("data:image/svg+xml")
        assert data["qr"] == pr.qr_data_uri(data["adresse"]) and decode(data["adresse"]) == data["adresse"]


@pytest.mark.parametrize("number", [3, 7])
def test_folie_starts_the_show_at_that_slide(flask_app, pages, deck, number):
    tree = render(flask_app, pages[0], deck="konferenz", folie=str(number))
    slide = deck.slides[number - 1]
    assert [text(h) for h in of_type(tree, "H1")] == [slide.title]
    assert text(by_id(tree, "praesentation-zaehler")) == f"Folie {number} von {len(deck.slides)}"
    src = of_type(tree, "Iframe")[0]["props"]["src"]
    assert urlsplit(src).path == slide.path and dict(parse_qsl(urlsplit(src).query))["praesentation"] == "1"
    assert by_id(tree, "praesentation-show")["props"]["data-start"] == str(number - 1)
    assert by_id(tree, "praesentation-fortschritt")["props"]["aria-valuenow"] == str(number)
    assert by_id(tree, "praesentation-weiter")["props"]["disabled"] is (number == len(deck.slides))
    qr = by_id(tree, "praesentation-qr")["props"]
    assert qr["alt"].endswith(f"{PUBLIC}{slide.view}")


@pytest.mark.parametrize("folie", ["0", "8", "99", "-1", "abc", "1e3", "3.5", "999999999999"])
def test_a_folie_out_of_range_starts_at_slide_one_with_a_notice(flask_app, pages, deck, folie):
    tree = render(flask_app, pages[0], deck="konferenz", folie=folie)
    assert [text(h) for h in of_type(tree, "H1")] == [deck.slides[0].title]
    assert by_id(tree, "praesentation-show")["props"]["data-start"] == "0"
    assert notices(tree) == [(f"Folie „{folie}“ gibt es in dieser Präsentation nicht (1 bis {len(deck.slides)}); "
                             "sie beginnt mit Folie 1.")]


def test_an_unknown_deck_gets_a_notice_above_the_list(flask_app, pages):
    tree = render(flask_app, pages[0], deck="gibt-es-nicht", folie="2")
    assert [text(h) for h in of_type(tree, "H1")] == ["Präsentationsmodus"]
    assert notices(tree) == ["Die Präsentation „gibt-es-nicht“ gibt es nicht. Bitte eine aus der Liste wählen."]
    assert not of_type(tree, "Iframe")


def test_a_hostile_deck_value_is_shown_only_as_shortened_text(flask_app, pages):
    tree = render(flask_app, pages[0], deck=HOSTILE)
    found = notices(tree)
    assert len(found) == 1 and found[0].startswith(f"Die Präsentation „{HOSTILE[:40]}…“ gibt es nicht.")
    serialised = json.dumps(tree)
    assert "dangerously_allow_html" not in serialised and HOSTILE not in serialised
    assert not of_type(tree, "Iframe") and not of_type(tree, "Script")


@pytest.mark.parametrize("token", ["kaputt$", "AAAA", "eJz", "x" * (pr.MAX_TOKEN + 1)])
def test_a_damaged_link_gets_a_notice(flask_app, pages, token):
    tree = render(flask_app, pages[0], link=token)
    assert notices(tree) == ["Der Link zur Präsentation ist unvollständig oder beschädigt."]
    assert [text(h) for h in of_type(tree, "H1")] == ["Präsentationsmodus"]


def test_a_shared_link_shows_its_deck(flask_app, pages):
    shared = pr.Deck("Geteilt", (pr.Slide("Karte Nord", "/atlas?indikator=kinderarmut&planungsraum=planungsraum-nord",
                                          "Auf Rieth zeigen."),
                                 pr.Slide("Maßnahmen", "/massnahmen?leitlinie=4")))
    token = pr.encode_deck(shared)
    tree = render(flask_app, pages[0], link=token, folie="2")
    assert [text(h) for h in of_type(tree, "H1")] == ["Maßnahmen"]
    root = by_id(tree, "praesentation-show")["props"]
    assert root["data-schluessel"] == f"link:{token}"
    assert root["data-sprecher"] == f"/praesentation/sprecher?link={token}"
    slides = slides_of(tree)
    assert slides[0]["adresse"] == f"{PUBLIC}/atlas?indikator=kinderarmut&planungsraum=planungsraum-nord"
    assert slides[0]["rahmen"] == "/atlas?indikator=kinderarmut&planungsraum=planungsraum-nord&praesentation=1"


def test_a_hand_made_link_to_a_foreign_page_is_refused(flask_app, pages):
    evil = {"title": "X", "slide": [{"title": "Y", "view": "javascript:alert(1)"}]}
    token = base64.urlsafe_b64encode(zlib.compress(json.dumps(evil).encode())).decode().rstrip("=")
    tree = render(flask_app, pages[0], link=token)
    assert not of_type(tree, "Iframe")
    assert len(notices(tree)) == 1 and "keine Ansicht dieser Anwendung" in notices(tree)[0]


# ---- the speaker view ------------------------------------------------------------------------------

def test_the_speaker_view_shows_notes_and_the_next_slide(flask_app, pages, deck):
    tree = render(flask_app, pages[1], "/praesentation/sprecher", deck="konferenz", folie="2")
    current, following = deck.slides[1], deck.slides[2]
    assert [text(h) for h in of_type(tree, "H1")] == [current.title]
    assert text(by_id(tree, "sprecher-notizen")) == " ".join(current.notes.split())
    assert text(by_id(tree, "sprecher-naechste-titel")) == following.title
    frames = of_type(tree, "Iframe")
    assert len(frames) == 1 and frames[0]["props"]["src"] == f"{following.view}&praesentation=1"
    assert frames[0]["props"]["title"] == f"Vorschau der nächsten Folie: {following.title}"
    assert text(by_id(tree, "sprecher-zaehler")) == f"Folie 2 von {len(deck.slides)}"
    assert [text(b) for b in of_type(tree, "Button")] == ["Zeit neu starten", "Zurück", "Weiter"]
    root = by_id(tree, "sprecher-show")["props"]
    assert root["data-schluessel"] == "deck:konferenz" and root["data-start"] == "1"
    assert [s["notizen"].split() for s in json.loads(root["data-folien"])] == [s.notes.split() for s in deck.slides]


def test_the_speaker_view_on_the_last_slide_says_the_end_is_next(flask_app, pages, deck):
    tree = render(flask_app, pages[1], "/praesentation/sprecher", deck="konferenz", folie=str(len(deck.slides)))
    assert text(by_id(tree, "sprecher-naechste-titel")) == "Ende der Präsentation"
    assert not of_type(tree, "Iframe")


@pytest.mark.parametrize(("query", "expected"), [
    ({}, "Diese Adresse nennt keine Präsentation."),
    ({"deck": HOSTILE}, "Die Präsentation „<script>"),
    ({"link": "AAAA"}, "Der Link zur Präsentation ist unvollständig oder beschädigt."),
])
def test_the_speaker_view_without_a_deck_explains(flask_app, pages, query, expected):
    tree = render(flask_app, pages[1], "/praesentation/sprecher", **query)
    assert [text(h) for h in of_type(tree, "H1")] == ["Sprecheransicht"]
    assert len(notices(tree)) == 1 and notices(tree)[0].startswith(expected)
    assert not of_type(tree, "Iframe")


def test_speaker_notes_keep_paragraphs_but_not_the_files_line_wrapping(flask_app, pages, tmp_path, monkeypatch):
    folder = tmp_path / "presentations"
    folder.mkdir()
    (folder / "n.toml").write_text('title = "N"\n[[slide]]\ntitle = "F"\nview = "/"\nnotes = """\nErste Zeile\n'
                                   'geht weiter.\n\nZweiter Absatz.\n"""\n', encoding="utf-8")
    real = pr.package_decks
    monkeypatch.setattr(pr, "package_decks", lambda _dir, **kw: real(tmp_path, **kw))
    tree = render(flask_app, pages[1], "/praesentation/sprecher", deck="n")
    assert text(by_id(tree, "sprecher-notizen")) == "Erste Zeile geht weiter.\n\nZweiter Absatz."
