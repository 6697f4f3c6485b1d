"""Presentation decks: reading and checking deck files, shared deck links, QR codes (issue 6)."""

from __future__ import annotations

import base64
import json
import tempfile
import zlib
from pathlib import Path

import numpy as np
import pytest
import zxingcpp

from sozialraum import measure_analysis as ma
from sozialraum.package import load_package
from sozialraum import presentations as pr
from sozialraum import viewstate as vs

REPO = Path(__file__).resolve().parents[2]
ERFURT = REPO / "data" / "erfurt"

GOOD = """
title = "Konferenz"
description = "Kurz"

[[slide]]
title = "Karte"
view = "/atlas?indikator=kinderarmut"
notes = "Auf den Norden zeigen."

[[slide]]
title = "Maßnahmen"
view = "/massnahmen?leitlinie=4"
"""


@pytest.fixture(scope="module")
def erfurt_package():
    return load_package(ERFURT, cache_dir=Path(tempfile.mkdtemp(prefix="decks-")) / "cache")


def _messages(exc: pytest.ExceptionInfo) -> str:
    return "\n".join(str(p) for p in exc.value.problems)


def test_a_deck_file_reads_with_slides_paths_and_queries():
    deck = pr.parse_deck(GOOD, "presentations/k.toml", name="k")
    assert deck.title == "Konferenz" and deck.description == "Kurz" and deck.name == "k"
    assert [s.title for s in deck.slides] == ["Karte", "Maßnahmen"]
    assert deck.slides[0].path == "/atlas" and deck.slides[0].query == {"indikator": "kinderarmut"}
    assert deck.slides[0].notes == "Auf den Norden zeigen." and deck.slides[1].notes == ""


@pytest.mark.parametrize(("view", "expected"), [
    ("https://example.org/atlas", "keine Ansicht dieser Anwendung"),
    ("//example.org/atlas", "keine Ansicht dieser Anwendung"),
    ("javascript:alert(1)", "keine Ansicht dieser Anwendung"),
    ("atlas", "keine Ansicht dieser Anwendung"),
    ("/admin", "Die Seite „/admin“ gibt es für Folien nicht"),
    ("/atlas#karte", "keinen Anker"),
    ("/atlas?" + "x" * 700, "ist zu lang"),
])
def test_a_slide_shows_only_pages_of_this_app(view, expected):
    source = f'title = "T"\n[[slide]]\ntitle = "F"\nview = {json.dumps(view)}\n'
    with pytest.raises(pr.DeckError) as exc:
        pr.parse_deck(source, "presentations/x.toml")
    assert expected in _messages(exc)
    assert "presentations/x.toml – slide[1].view" in _messages(exc)


def test_every_problem_is_listed_at_once_in_german():
    source = 'title = ""\nfarbe = "rot"\n[[slide]]\nview = "/atlas"\nsprecher = "x"\n[[slide]]\ntitle = 3\nview = "/"\n'
    with pytest.raises(pr.DeckError) as exc:
        pr.parse_deck(source, "presentations/x.toml")
    text = _messages(exc)
    assert "title: darf nicht leer sein." in text
    assert "unbekannte Angabe(n): farbe." in text
    assert "slide[1]: unbekannte Angabe(n): sprecher." in text
    assert "slide[1].title: fehlt." in text
    assert "slide[2].title: muss ein Text sein." in text


def test_broken_toml_empty_decks_and_too_many_slides():
    with pytest.raises(pr.DeckError) as exc:
        pr.parse_deck('title = "ohne Ende', "presentations/x.toml")
    assert "ist kein gültiges TOML" in _messages(exc)
    with pytest.raises(pr.DeckError) as exc:
        pr.parse_deck('title = "Leer"', "presentations/x.toml")
    assert "mindestens eine Folie" in _messages(exc)
    many = 'title = "Viel"\n' + '[[slide]]\ntitle = "F"\nview = "/"\n' * (pr.MAX_SLIDES + 1)
    with pytest.raises(pr.DeckError) as exc:
        pr.parse_deck(many)
    assert f"hat {pr.MAX_SLIDES + 1} Folien, erlaubt sind {pr.MAX_SLIDES}" in _messages(exc)


def test_package_decks_keep_the_good_files_and_report_the_bad(tmp_path):
    folder = tmp_path / "presentations"
    folder.mkdir()
    (folder / "a.toml").write_text(GOOD, encoding="utf-8")
    (folder / "b.toml").write_text('title = "B"\n[[slide]]\ntitle = "F"\nview = "/geheim"\n', encoding="utf-8")
    (folder / "c.toml").write_bytes(b'title = "\xff"')
    decks, problems = pr.package_decks(tmp_path)
    assert [d.name for d in decks] == ["a"]
    assert [p.source for p in problems] == ["presentations/b.toml", "presentations/c.toml"]
    assert "nicht UTF-8-kodiert" in str(problems[1])
    assert pr.package_decks(tmp_path / "fehlt") == ([], [])


def test_the_erfurt_deck_shows_views_the_pages_accept_without_a_notice(erfurt_package):
    decks, problems = pr.package_decks(ERFURT)
    assert problems == [] and [d.name for d in decks] == ["konferenz"]
    deck = decks[0]
    assert len(deck.slides) >= 5 and all(s.notes for s in deck.slides)
    # the generator's copy and the bundled one are the same file
    assert (REPO / "sozialraum" / "presets" / "presentations" / "konferenz.toml").read_bytes() == \
        (ERFURT / "presentations" / "konferenz.toml").read_bytes()
    for slide in deck.slides:
        if slide.path == "/atlas":
            _, notices = vs.atlas_from_query(erfurt_package, slide.query)
        elif slide.path == "/zeitvergleich":
            _, notices = vs.time_from_query(erfurt_package, slide.query)
        elif slide.path == "/massnahmen":
            _, notices = ma.filter_from_query(erfurt_package, slide.query)
        else:
            notices = [] if not slide.query else [f"unerwartete Abfrage {slide.query}"]
        assert notices == [], (slide.title, notices)


# ---- shared links ---------------------------------------------------------------------------

def test_a_shared_link_gives_back_the_same_deck():
    deck = pr.parse_deck(GOOD)
    token = pr.encode_deck(deck)
    assert all(c.isalnum() or c in "-_" for c in token)
    again = pr.decode_deck(token)
    assert again.title == deck.title and again.slides == deck.slides and again.description == deck.description


@pytest.mark.parametrize("token", ["", "abc$", "AAAA", "x" * (pr.MAX_TOKEN + 1)])
def test_a_damaged_link_says_so(token):
    with pytest.raises(pr.DeckError) as exc:
        pr.decode_deck(token)
    assert "Der Link zur Präsentation ist unvollständig oder beschädigt." in _messages(exc)


def test_a_truncated_link_is_refused_not_half_read():
    token = pr.encode_deck(pr.parse_deck(GOOD))
    with pytest.raises(pr.DeckError):
        pr.decode_deck(token[: len(token) // 2])


def test_a_hand_made_link_is_checked_like_a_file():
    evil = {"title": "X", "slide": [{"title": "Y", "view": "javascript:alert(1)"}]}
    token = base64.urlsafe_b64encode(zlib.compress(json.dumps(evil).encode())).decode().rstrip("=")
    with pytest.raises(pr.DeckError) as exc:
        pr.decode_deck(token)
    assert "Link – slide[1].view" in _messages(exc)


def test_a_link_that_unpacks_to_too_much_is_refused():
    bomb = base64.urlsafe_b64encode(zlib.compress(b"[" + b" " * 5_000_000 + b"]", 9)).decode().rstrip("=")
    assert len(bomb) < pr.MAX_TOKEN
    with pytest.raises(pr.DeckError):
        pr.decode_deck(bomb)


def test_a_deck_too_big_for_a_link_says_so():
    slides = [pr.Slide(f"Folie {i}", "/atlas", bytes(np.random.default_rng(i).integers(65, 90, 2900)).decode())
              for i in range(pr.MAX_SLIDES)]
    with pytest.raises(pr.DeckError) as exc:
        pr.encode_deck(pr.Deck("Groß", tuple(slides)))
    assert "zu groß für einen Link" in _messages(exc)


# ---- QR codes ----------------------------------------------------------------------------------

def _decode(matrix: list[list[bool]], scale: int = 4) -> list[str]:
    image = np.kron(np.array([[0 if dark else 255 for dark in row] for row in matrix], dtype=np.uint8),
                    np.ones((scale, scale), dtype=np.uint8))
    return [r.text for r in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8050/atlas?indikator=kinderarmut",
    "https://sozialraum.erfurt.de/praesentation?deck=konferenz&folie=4",
    "https://sozialraum.erfurt.de/zeitvergleich?indikator=kinderarmut&gebiete=herrenberg,wiesenhuegel,melchendorf,roter-berg",
])
def test_the_qr_code_decodes_to_the_slide_address(url):
    assert _decode(pr.qr_matrix(url)) == [url]


def test_the_qr_code_is_an_svg_drawn_here():
    uri = pr.qr_data_uri("https://sozialraum.erfurt.de/atlas")
    assert uri.startswith("data:image/svg+xml") and "http" not in uri.split(",", 1)[0]


# ---- the views a slide may show ---------------------------------------------------------------

@pytest.mark.parametrize("view", [
    "/", "/atlas?indikator=kinderarmut", "/ortsteil/melchendorf", "/ortsteil/altstadt?jahr=2024",
    "/massnahmen/M-2019-001", "/sozialindex", "/zeitvergleich/",
])
def test_profile_and_measure_pages_are_views_a_slide_may_show(view):
    deck = pr.parse_deck({"title": "T", "slide": [{"title": "F", "view": view}]}, "Link")
    assert deck.slides[0].view == view


@pytest.mark.parametrize("view", [
    "/ortsteil", "/ortsteil/", "/ortsteil/a/b", "/ortsteil/..", "/ortsteil/<script>", "/ortsteilx/melchendorf",
    "/massnahmen/neu", "/massnahmen/import", "/ortsteil/" + "a" * 65, "/praesentation", "/anmelden",
])
def test_other_paths_under_the_templates_are_refused(view):
    with pytest.raises(pr.DeckError) as exc:
        pr.parse_deck({"title": "T", "slide": [{"title": "F", "view": view}]}, "Link")
    assert "gibt es für Folien nicht" in _messages(exc)


def test_a_page_can_narrow_the_allowed_paths():
    assert pr.is_view_path("/ortsteil/melchendorf")
    assert not pr.is_view_path("/ortsteil/melchendorf", ("/", "/atlas"))
    assert pr.is_view_path("/atlas", ("/", "/atlas"))
