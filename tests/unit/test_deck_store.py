"""Saved presentation decks (sozialraum/deck_store.py) on SQLite and on PostgreSQL: the migration
creates the table, every write is checked with the deck rules, decks are archived and never
deleted, who/when is kept, and two editors saving from the same version: one wins.

PostgreSQL: set SOZIALRAUM_TEST_POSTGRES_URL (see tests/unit/store_fixtures.py); CI fails without it.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, inspect, select

from sozialraum import db
from sozialraum import presentations as pr
from sozialraum.deck_store import DeckConflict, DeckNotFound, DeckStore
from sozialraum.store import MeasureStore, StoreError
from tests.unit.store_fixtures import BACKENDS, database_url, erfurt_package

DECK = {"title": "Konferenz 2026", "slide": [
    {"title": "Karte", "view": "/atlas?indikator=kinderarmut", "notes": "Norden zeigen"},
    {"title": "Melchendorf", "view": "/ortsteil/melchendorf"},
]}


@pytest.fixture(params=BACKENDS)
def decks(request, tmp_path):
    store = MeasureStore(database_url(request.param, tmp_path), tmp_path / "instance")
    store.setup(erfurt_package())
    yield DeckStore(store.engine)
    store.engine.dispose()


def rows(decks: DeckStore) -> int:
    with decks.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(db.presentations)).scalar())


def test_the_migration_creates_the_table(decks):
    columns = {c["name"] for c in inspect(decks.engine).get_columns("presentations")}
    assert {"id", "title", "slides", "archived", "version", "created_by", "updated_by"} <= columns
    assert decks.list() == [] and decks.get(1) is None


def test_a_deck_is_saved_read_back_and_listed(decks):
    saved = decks.create(DECK, "editor1")
    assert saved.version == 1 and not saved.archived and saved.created_by == saved.updated_by == "editor1"
    assert saved.created_at.tzinfo is not None
    again = decks.get(saved.id)
    assert again.deck.title == "Konferenz 2026"
    assert [(s.title, s.view, s.notes) for s in again.deck.slides] == [
        ("Karte", "/atlas?indikator=kinderarmut", "Norden zeigen"), ("Melchendorf", "/ortsteil/melchendorf", "")]
    second = decks.create({**DECK, "title": "Zweite"}, "admin1")
    assert [d.title for d in decks.list()] == ["Zweite", "Konferenz 2026"]
    assert second.id != saved.id


@pytest.mark.parametrize(("data", "expected"), [
    ({"title": "x" * 121, "slide": DECK["slide"]}, "ist zu lang (121 Zeichen, erlaubt sind 120)"),
    ({"title": "T", "slide": [{"title": "F", "view": "https://example.org/"}]}, "keine Ansicht dieser Anwendung"),
    ({"title": "T", "slide": [{"title": "F", "view": "/atlas"}] * 41}, "hat 41 Folien, erlaubt sind 40"),
    ({"title": "T", "slide": []}, "mindestens eine Folie"),
    ({"title": "", "slide": DECK["slide"]}, "darf nicht leer sein"),
])
def test_an_invalid_deck_is_refused_with_the_rules_message_and_nothing_is_written(decks, data, expected):
    with pytest.raises(pr.DeckError) as exc:
        decks.create(data, "editor1")
    assert expected in str(exc.value)
    assert rows(decks) == 0


def test_hostile_text_is_stored_verbatim(decks):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    saved = decks.create({"title": hostile[:120], "slide": [{"title": hostile, "view": "/", "notes": hostile}]}, "e")
    assert decks.get(saved.id).deck.slides[0].notes == hostile


def test_update_needs_the_current_version(decks):
    saved = decks.create(DECK, "editor1")
    changed = decks.update(saved.id, {**DECK, "title": "Neu"}, 1, "admin1")
    assert (changed.version, changed.title, changed.updated_by, changed.created_by) == (2, "Neu", "admin1", "editor1")
    with pytest.raises(DeckConflict) as exc:
        decks.update(saved.id, {**DECK, "title": "Zu spät"}, 1, "editor1")
    assert "admin1" in exc.value.message and "Stand 2" in exc.value.message
    assert decks.get(saved.id).title == "Neu"
    with pytest.raises(DeckNotFound):
        decks.update(999, DECK, 1, "editor1")
    with pytest.raises(StoreError):
        decks.update(saved.id, DECK, 2, "")


def test_archiving_keeps_the_row_and_who_did_it(decks):
    saved = decks.create(DECK, "editor1")
    archived = decks.set_archived(saved.id, True, 1, "admin1")
    assert archived.archived and archived.version == 2 and archived.updated_by == "admin1"
    assert decks.list() == [] and [d.id for d in decks.list(include_archived=True)] == [saved.id]
    assert rows(decks) == 1
    with pytest.raises(DeckConflict):
        decks.set_archived(saved.id, False, 1, "editor1")
    restored = decks.set_archived(saved.id, False, 2, "editor1")
    assert not restored.archived and restored.version == 3


def test_two_editors_save_from_the_same_version_one_wins(decks):
    saved = decks.create(DECK, "editor1")
    results: dict[str, object] = {}
    start = threading.Barrier(2)

    def save(name: str) -> None:
        start.wait()
        try:
            results[name] = decks.update(saved.id, {**DECK, "title": f"von {name}"}, 1, name).version
        except DeckConflict as exc:
            results[name] = exc

    threads = [threading.Thread(target=save, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(type(v).__name__ for v in results.values()) == ["DeckConflict", "int"]
    final = decks.get(saved.id)
    assert final.version == 2 and final.title in ("von a", "von b")
