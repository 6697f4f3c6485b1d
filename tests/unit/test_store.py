"""The measures store on SQLite and on PostgreSQL: migrations and seed, the typed frame and its
cache, audited writes with optimistic concurrency (also from two threads at once, like two
gunicorn workers), validation that writes nothing, archive instead of delete, the all-or-nothing
bulk import (CSV and XLSX) and the users.

PostgreSQL: set SOZIALRAUM_TEST_POSTGRES_URL (see tests/unit/store_fixtures.py); CI fails without it.
"""

from __future__ import annotations

import csv
import io
import threading
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, MetaData, String, func, select

from sozialraum import db
from sozialraum.measures import MeasureInvalid
from sozialraum.schema import MEASURES
from sozialraum.store import SEED_COMMENT, SEED_USER, ConflictError, MeasureStore, NotFound, StoreError
from tests.unit.store_fixtures import BACKENDS, database_url, erfurt_package

MID = "M-2019-001"      # start 17.03.2019, status verstetigt, leitlinien 3;4 (primary 3), progress 100
OTHER = "M-2019-002"


@pytest.fixture(scope="module")
def package():
    return erfurt_package()


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    return database_url(request.param, tmp_path)


@pytest.fixture
def make_store(db_url, tmp_path, package):
    """New MeasureStore instances on the test's database (each like one gunicorn worker)."""
    stores: list[MeasureStore] = []

    def make(setup: bool = True) -> MeasureStore:
        store = MeasureStore(db_url, tmp_path / "instance")
        if setup:
            store.setup(package)
        stores.append(store)
        return store

    yield make
    for store in stores:
        store.engine.dispose()


@pytest.fixture
def store(make_store):
    return make_store()


def count(store: MeasureStore, table) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar())


def snapshot(store: MeasureStore) -> tuple:
    """Everything a refused write must leave alone."""
    with store.engine.connect() as conn:
        measures = conn.execute(select(db.measures).order_by(db.measures.c.measure_id)).all()
        milestones = conn.execute(select(db.milestones).order_by(db.milestones.c.id)).all()
        audit = conn.execute(select(db.audit).order_by(db.audit.c.id)).all()
    return store.revision(), measures, milestones, audit


# ------------------------------------------------------------------------------------------ setup
def test_setup_migrates_and_seeds_the_package(make_store, package):
    store = make_store(setup=False)
    assert store.setup(package) is True
    assert count(store, db.measures) == len(package.measures) == 61
    assert count(store, db.milestones) == len(package.milestones) == 128
    assert store.audit_count() == 61
    with store.engine.connect() as conn:
        rows = conn.execute(select(db.audit.c.measure_id, db.audit.c.field, db.audit.c.username,
                                   db.audit.c.comment, db.audit.c.version)).all()
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "0002"   # 0002: presentation decks
    assert sorted(r.measure_id for r in rows) == sorted(package.measures["measure_id"])
    assert {(r.field, r.username, r.comment, r.version) for r in rows} == {("created", SEED_USER, SEED_COMMENT, 1)}
    record = store.get(MID)
    expected = package.milestones[package.milestones["measure_id"] == MID]
    assert record["milestones"] == [
        {"date": d.date(), "title": t, "done": bool(done)}
        for d, t, done in zip(expected["date"], expected["title"], expected["done"], strict=True)]
    assert record["version"] == 1 and record["archived"] is False and record["updated_by"] == SEED_USER


def test_second_setup_does_not_seed_again(make_store, package):
    first = make_store()
    first.update(MID, {"progress": 90}, 1, "anna", "Korrektur")
    before = snapshot(first)
    second = make_store(setup=False)
    assert second.setup(package) is False
    assert first.setup(package) is False
    assert snapshot(second) == before
    assert count(second, db.measures) == 61


def test_migrations_produce_exactly_the_metadata(store):
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []
        # The comparison is not blind: a column the migrations lack, or a changed type, is found.
        drift = MetaData()
        for table in db.metadata.tables.values():
            table.to_metadata(drift)
        drift.tables["measures"].append_column(Column("extra", String(10)))
        drift.tables["users"].c.role.type = String(99)
        diffs = compare_metadata(context, drift)
    kinds = sorted(d[0] if isinstance(d, tuple) else d[0][0] for d in diffs)
    assert kinds == ["add_column", "modify_type"], diffs


# ------------------------------------------------------------------------------------------ frame
def expected_frame(package) -> pd.DataFrame:
    """package.measures plus the store's columns, as the contract describes it."""
    frame = package.measures.reset_index(drop=True).copy()
    # the store keeps Leitlinien as a sorted set (the primary one is its own column)
    frame["leitlinien"] = [tuple(sorted(v, key=int)) for v in frame["leitlinien"]]
    return frame


def test_frame_equals_package_measures(store, package):
    frame = store.frame()
    expected = expected_frame(package)
    shared = [f.name for f in MEASURES.fields]
    assert list(frame.columns) == shared + ["target_values", "version", "archived", "updated_at", "updated_by"]
    assert frame.shape == (61, len(shared) + 5)
    assert isinstance(frame.index, pd.RangeIndex)
    assert frame[shared].dtypes.to_dict() == expected[shared].dtypes.to_dict()
    pd.testing.assert_frame_equal(frame[shared], expected[shared])
    assert (frame["version"] == 1).all() and frame["version"].dtype == "int64"
    assert not frame["archived"].any() and frame["archived"].dtype == bool
    assert (frame["updated_by"] == SEED_USER).all()
    assert (frame["updated_at"].dt.tz_localize(None) == expected["last_change"]).all()
    assert all(v == {} for v in frame["target_values"])


def test_frame_cache_sees_writes_of_another_worker(make_store):
    reader, writer = make_store(), make_store()
    first = reader.frame()
    assert reader.frame() is first or reader.frame().equals(first)   # cached until a write
    writer.update(MID, {"title": "Neuer Titel"}, 1, "anna", "")
    after = reader.frame()
    row = after[after["measure_id"] == MID].iloc[0]
    assert row["title"] == "Neuer Titel" and row["version"] == 2 and row["updated_by"] == "anna"
    assert first.loc[first["measure_id"] == MID, "title"].iloc[0] != "Neuer Titel"   # old frame untouched
    writer.set_archived(OTHER, True, 1, "anna", "erledigt")
    assert OTHER not in set(reader.frame()["measure_id"])
    assert OTHER in set(reader.frame(include_archived=True)["measure_id"])


# ------------------------------------------------------------------------------------------ create
NEW = {"title": "Neue Maßnahme", "leitlinien": "2;5", "primary_leitlinie": "5", "status": "geplant",
       "area_ids": "wiesenhuegel;13", "start": "01.02.2024", "budget_planned": "1.234,50", "progress": "0"}


def test_create_generates_ids_and_audits(store, package):
    before = store.audit_count()
    first = store.create(NEW, "anna", "neu aufgenommen")
    numbers = [int(m.split("-")[2]) for m in package.measures["measure_id"] if m.startswith("M-2024-")]
    assert first["measure_id"] == f"M-2024-{max(numbers, default=0) + 1:03d}"
    second = store.create(dict(NEW, start="2025-03-01"), "anna")
    third = store.create(dict(NEW, start="2025-03-02"), "anna")
    assert (second["measure_id"], third["measure_id"]) == ("M-2025-001", "M-2025-002")
    assert first["area_ids"] == ["14", "13"] and first["leitlinien"] == [2, 5]
    assert first["budget_planned"] == 1234.5 and first["start"] == date(2024, 2, 1) and first["version"] == 1
    assert store.audit_count() == before + 3
    history = store.history(first["measure_id"])
    assert [(h["field"], h["username"], h["comment"], h["new_value"]) for h in history] == [
        ("created", "anna", "neu aufgenommen", "Neue Maßnahme")]
    assert first["measure_id"] in set(store.frame()["measure_id"])


def test_create_with_taken_id_is_refused(store):
    before = snapshot(store)
    with pytest.raises(MeasureInvalid) as error:
        store.create(dict(NEW, measure_id=MID), "anna")
    assert error.value.messages == [f"Maßnahmen-ID „{MID}“ ist schon vergeben."]
    assert snapshot(store) == before


# ------------------------------------------------------------------------------------------ update
def test_update_audits_each_changed_field(store):
    old = store.get(MID)
    result = store.update(MID, {"title": "Bewegte Pause", "progress": "95", "leitlinien": "3;4;5",
                                "budget_planned": "181.500,50", "responsible": old["responsible"],
                                "start": "17.03.2019"}, 1, "anna", "  Stand Mai  ")
    assert result["version"] == 2 and result["updated_by"] == "anna"
    assert result["title"] == "Bewegte Pause" and result["progress"] == 95 and result["leitlinien"] == [3, 4, 5]
    history = store.history(MID)
    assert len(history) == 5   # created + four changed fields; responsible and start were unchanged
    changes = {h["field"]: (h["old_value"], h["new_value"]) for h in history if h["field"] != "created"}
    assert changes == {
        "title": (old["title"], "Bewegte Pause"),
        "progress": ("100", "95"),
        "leitlinien": ("3;4", "3;4;5"),
        "budget_planned": ("181000", "181500.5"),
    }
    new_rows = [h for h in history if h["field"] != "created"]
    assert {(h["username"], h["comment"], h["version"]) for h in new_rows} == {("anna", "Stand Mai", 2)}
    assert len({h["change_id"] for h in new_rows}) == 1


def test_unchanged_save_writes_nothing(store):
    before = snapshot(store)
    record = store.get(MID)
    same = {"title": record["title"], "progress": "100", "start": "17.03.2019", "leitlinien": "4;3",
            "primary_leitlinie": "3.0", "budget_planned": "181.000,00", "area_ids": record["area_ids"],
            "status": "verstetigt"}
    assert store.update(MID, same, 1, "anna", "nichts")["version"] == 1
    assert snapshot(store) == before


def test_status_change_needs_a_comment(store):
    before = snapshot(store)
    for comment in ("", "   "):
        with pytest.raises(MeasureInvalid) as error:
            store.update(MID, {"status": "umgesetzt"}, 1, "anna", comment)
        assert error.value.messages == ["Kommentar: Bitte begründen Sie die Statusänderung in einem Kommentar."]
        with pytest.raises(MeasureInvalid):
            store.change_status(MID, "umgesetzt", 1, "anna", comment)
    assert snapshot(store) == before
    result = store.change_status(MID, "umgesetzt", 1, "anna", "Förderung ausgelaufen")
    assert result["status"] == "umgesetzt" and result["version"] == 2
    latest = store.history(MID)[0]
    assert (latest["field"], latest["old_value"], latest["new_value"], latest["comment"]) == (
        "status", "verstetigt", "umgesetzt", "Förderung ausgelaufen")


def test_stale_version_is_a_conflict_and_writes_nothing(make_store):
    anna, bernd = make_store(), make_store()
    anna.update(MID, {"title": "Annas Titel"}, 1, "anna", "Titel gekürzt")
    before = snapshot(bernd)
    with pytest.raises(ConflictError) as error:
        bernd.update(MID, {"progress": 50}, 1, "bernd", "")
    conflict = error.value
    assert conflict.current["version"] == 2 and conflict.current["title"] == "Annas Titel"
    assert conflict.current["progress"] == 100
    assert [(c["username"], c["field"], c["new_value"], c["comment"]) for c in conflict.changes_since] == [
        ("anna", "title", "Annas Titel", "Titel gekürzt")]
    assert "anna" in conflict.message and "Stand 2" in conflict.message
    assert snapshot(bernd) == before
    with pytest.raises(ConflictError):
        bernd.set_archived(MID, True, 1, "bernd", "alt")
    assert snapshot(bernd) == before


def test_unknown_measure(store):
    with pytest.raises(NotFound) as error:
        store.update("M-1999-999", {"title": "x"}, 1, "anna", "")
    assert error.value.message == "Die Maßnahme „M-1999-999“ gibt es nicht."
    assert store.get("M-1999-999") is None


INVALID = [
    ({"planned_end": "01.01.2018"}, "geplantes Ende: liegt vor dem Beginn (17.03.2019)."),
    ({"actual_end": "2019-03-16"}, "tatsächliches Ende: liegt vor dem Beginn (17.03.2019)."),
    ({"start": "31.02.2020"}, "Beginn: „31.02.2020“ ist kein Datum (TT.MM.JJJJ)."),
    ({"progress": 101}, "Fortschritt: „101“ muss eine ganze Zahl von 0 bis 100 sein."),
    ({"progress": -1}, "Fortschritt: „-1“ muss eine ganze Zahl von 0 bis 100 sein."),
    ({"progress": "abc"}, "Fortschritt: „abc“ muss eine ganze Zahl von 0 bis 100 sein."),
    ({"leitlinien": "3;7"}, "Leitlinien: „7“ ist keine Leitlinie (1 bis 6)."),
    ({"leitlinien": ""}, "Leitlinien: Bitte mindestens eine Leitlinie (1 bis 6) wählen."),
    ({"area_ids": "14;atlantis"}, "Gebiete: „atlantis“ gibt es nicht."),
    ({"primary_leitlinie": 5}, "Haupt-Leitlinie: muss auch unter den Leitlinien stehen."),
    ({"title": "x" * 201}, "Titel: höchstens 200 Zeichen (eingegeben: 201)."),
    ({"title": ""}, "Titel: Bitte einen Titel angeben."),
    ({"title": "Null\x00Byte"}, "Titel: enthält Steuerzeichen; bitte nur normalen Text eingeben."),
    ({"description": "Escape \x1b[31m rot"}, "Beschreibung: enthält Steuerzeichen; bitte nur normalen Text eingeben."),
    ({"status": "fertig"}, "Status: „fertig“ ist kein Status; erlaubt: geplant, in Vorbereitung, in Umsetzung, "
                           "umgesetzt, verstetigt, zurückgestellt, abgebrochen."),
    ({"budget_spent": "-5"}, "Budget verausgabt (EUR): „-5“ muss ein Betrag von 0 oder mehr Euro sein."),
    ({"version": 7}, "Feld „version“ kann nicht geändert werden."),
]


@pytest.mark.parametrize(("changes", "message"), INVALID, ids=[str(c)[:40] for c, _ in INVALID])
def test_invalid_input_is_refused_and_writes_nothing(store, changes, message):
    before = snapshot(store)
    with pytest.raises(MeasureInvalid) as error:
        store.update(MID, changes, 1, "anna", "Versuch")
    assert error.value.messages == [message]
    assert snapshot(store) == before
    assert store.get(MID)["version"] == 1


def test_invalid_new_measure_writes_nothing(store):
    before = snapshot(store)
    with pytest.raises(MeasureInvalid) as error:
        store.create({"title": "", "leitlinien": "9", "progress": "abc"}, "anna")
    assert error.value.messages == [
        "Titel: Bitte einen Titel angeben.",
        "Leitlinien: „9“ ist keine Leitlinie (1 bis 6).",
        "Haupt-Leitlinie: Bitte die Leitlinie angeben, der die Maßnahme vor allem dient.",
        "Status: „None“ ist kein Status; erlaubt: geplant, in Vorbereitung, in Umsetzung, umgesetzt, "
        "verstetigt, zurückgestellt, abgebrochen.",
        "Fortschritt: „abc“ muss eine ganze Zahl von 0 bis 100 sein.",
    ]
    assert snapshot(store) == before


def test_html_is_stored_verbatim(store):
    title = '<script>alert("x")</script> & <b>fett</b>'
    description = "<img src=x onerror=alert(1)>\n\n**Markdown** <a href='javascript:1'>Link</a>"
    store.update(MID, {"title": title, "description": description}, 1, "anna", "<i>Kommentar</i>")
    record = store.get(MID)
    assert (record["title"], record["description"]) == (title, description)
    frame = store.frame()
    assert frame.loc[frame["measure_id"] == MID, "title"].iloc[0] == title
    history = {h["field"]: h for h in store.history(MID)}
    assert history["title"]["new_value"] == title and history["title"]["comment"] == "<i>Kommentar</i>"
    assert history["description"]["new_value"] == description


# ------------------------------------------------------------------------------------------ archive
def test_archive_and_restore_need_comments_and_never_delete(store):
    before = snapshot(store)
    for archived in (True, False):
        with pytest.raises(MeasureInvalid) as error:
            store.set_archived(MID, archived, 1, "anna", " ")
        assert "Bitte begründen Sie" in error.value.messages[0]
    assert snapshot(store) == before

    archived = store.set_archived(MID, True, 1, "anna", "Doppelt erfasst")
    assert archived["archived"] is True and archived["version"] == 2
    assert MID not in set(store.frame()["measure_id"]) and len(store.frame()) == 60
    full = store.frame(include_archived=True)
    assert len(full) == 61 and bool(full.loc[full["measure_id"] == MID, "archived"].iloc[0]) is True
    assert store.get(MID)["archived"] is True
    assert count(store, db.measures) == 61 and count(store, db.milestones) == 128

    unchanged = snapshot(store)
    assert store.set_archived(MID, True, 2, "anna", "nochmal")["version"] == 2   # already archived
    assert snapshot(store) == unchanged

    restored = store.set_archived(MID, False, 2, "bernd", "doch nicht doppelt")
    assert restored["archived"] is False and restored["version"] == 3
    assert MID in set(store.frame()["measure_id"])
    rows = [(h["field"], h["old_value"], h["new_value"], h["username"], h["comment"], h["version"])
            for h in store.history(MID) if h["field"] == "archived"]
    assert rows == [("archived", "ja", "nein", "bernd", "doch nicht doppelt", 3),
                    ("archived", "nein", "ja", "anna", "Doppelt erfasst", 2)]


def test_milestones_are_replaced_and_audited(store):
    old = store.get(MID)["milestones"]
    new = [{"date": "01.06.2025", "title": "Abschlussbericht", "done": "nein"},
           {"date": "2024-01-15", "title": "Evaluation", "done": "ja"}]
    result = store.update(MID, {"milestones": new}, 1, "anna", "Meilensteine neu")
    assert result["milestones"] == [{"date": date(2024, 1, 15), "title": "Evaluation", "done": True},
                                     {"date": date(2025, 6, 1), "title": "Abschlussbericht", "done": False}]
    with store.engine.connect() as conn:
        titles = conn.execute(select(db.milestones.c.title).where(db.milestones.c.measure_id == MID)).scalars()
        assert sorted(titles) == ["Abschlussbericht", "Evaluation"]
    assert count(store, db.milestones) == 128 - len(old) + 2
    row = store.history(MID)[0]
    assert row["field"] == "milestones" and row["version"] == 2
    assert row["old_value"] == ('[{"date": "2020-03-16", "title": "Konzept abgestimmt", "done": true}, '
                                '{"date": "2021-03-16", "title": "Träger beauftragt", "done": true}]')
    assert row["new_value"] == ('[{"date": "2024-01-15", "title": "Evaluation", "done": true}, '
                                '{"date": "2025-06-01", "title": "Abschlussbericht", "done": false}]')
    before = snapshot(store)
    store.update(MID, {"milestones": list(reversed(result["milestones"]))}, 2, "anna", "")   # same set
    assert snapshot(store) == before
    store.update(MID, {"milestones": []}, 2, "anna", "alle erledigt")
    assert store.get(MID)["milestones"] == [] and store.history(MID)[0]["new_value"] is None


# ------------------------------------------------------------------------------------------ concurrency
def save_at_once(barrier, outcome, user, store, changes, version, comment) -> None:
    barrier.wait()
    try:
        outcome[user] = store.update(MID, changes, version, user, comment)
    except Exception as exc:   # any outcome; the test checks it
        outcome[user] = exc


@pytest.mark.parametrize("rounds", [5])
def test_two_workers_save_the_same_version_at_once(make_store, rounds):
    """Acceptance criterion: of two simultaneous saves from the same version exactly one wins;
    the other gets a conflict naming the winner's change, and nothing of it is written."""
    anna_store, bernd_store = make_store(), make_store()
    for r in range(rounds):
        version = anna_store.get(MID)["version"]
        assert bernd_store.get(MID)["version"] == version   # both editors loaded version v
        audit_before = len(anna_store.history(MID))
        edits = {"anna": (anna_store, {"title": f"Annas Titel {r}"}),
                 "bernd": (bernd_store, {"progress": 10 + r})}
        barrier = threading.Barrier(len(edits))
        outcome: dict[str, object] = {}
        threads = [threading.Thread(target=save_at_once, args=(barrier, outcome, user, store, changes, version,
                                                               f"Runde {r}"))
                   for user, (store, changes) in edits.items()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        winners = [u for u, o in outcome.items() if isinstance(o, dict)]
        losers = [u for u, o in outcome.items() if isinstance(o, ConflictError)]
        assert len(winners) == 1 and len(losers) == 1, outcome
        winner, loser = winners[0], losers[0]
        (win_field, win_value), = edits[winner][1].items()
        (lose_field, _), = edits[loser][1].items()
        conflict = outcome[loser]
        assert conflict.current["version"] == version + 1
        assert [(c["username"], c["field"]) for c in conflict.changes_since] == [(winner, win_field)]
        final = anna_store.get(MID)
        assert final["version"] == version + 1 and final[win_field] == win_value
        assert final[lose_field] == conflict.current[lose_field]   # the loser's value is not written
        new_rows = anna_store.history(MID)[: len(anna_store.history(MID)) - audit_before]
        assert [(h["username"], h["field"], h["version"]) for h in new_rows] == [(winner, win_field, version + 1)]


def test_two_workers_create_at_once_get_distinct_ids(make_store):
    """Two editors create a measure of the same year at the same moment: both are saved,
    with different generated ids (no lost measure, no database error)."""
    stores = [make_store(), make_store()]
    barrier = threading.Barrier(2)
    outcome: list[object] = [None, None]

    def create(i: int) -> None:
        barrier.wait()
        try:
            outcome[i] = stores[i].create(dict(NEW, title=f"Gleichzeitig {i}", start="01.01.2031"), f"user{i}")
        except Exception as exc:   # any outcome; checked below
            outcome[i] = exc

    for attempt in range(3):
        threads = [threading.Thread(target=create, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert all(isinstance(o, dict) for o in outcome), outcome
        ids = {o["measure_id"] for o in outcome}
        assert ids == {f"M-2031-{2 * attempt + 1:03d}", f"M-2031-{2 * attempt + 2:03d}"}


# ------------------------------------------------------------------------------------------ import
IMPORT_COLUMNS = ["measure_id", "title", "leitlinien", "primary_leitlinie", "status", "start", "progress",
                  "budget_planned"]


def import_rows(store) -> list[list[str]]:
    """One changed, one unchanged, one new measure (form strings, German formats)."""
    return [
        [MID, "Bewegte Pause, neu", "3;4", "3", "verstetigt", "17.03.2019", "100", "181000"],
        [OTHER, store.get(OTHER)["title"], "4", "4", "verstetigt", "28.04.2019", "100", "670.000,00"],
        ["", "Neue Maßnahme aus der Liste", "1;2", "2", "geplant", "01.02.2027", "0", "1.234,50"],
    ]


def csv_bytes(header: list[str], rows: list[list[str]], sep: str = ";") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(header: list[str], rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def check_import_round_trip(store, data: bytes, filename: str) -> None:
    before = snapshot(store)
    preview = store.preview_import(data, filename)
    assert preview.errors == [] and preview.ok
    assert preview.counts() == {"neu": 1, "ändern": 1, "unverändert": 1}
    assert [(r.line, r.measure_id, r.action, r.changes) for r in preview.rows] == [
        (2, MID, "ändern", ["Titel"]), (3, OTHER, "unverändert", []), (4, "(neu)", "neu", [])]
    assert preview.warnings == ["Spalte „Bemerkung“ ist unbekannt und wird nicht gelesen."]
    assert snapshot(store) == before   # the preview writes nothing

    assert store.apply_import(data, filename, preview.digest, "admin") == {"neu": 1, "ändern": 1,
                                                                             "unverändert": 1}
    assert store.audit_count() == 61 + 2
    changed = store.get(MID)
    assert changed["title"] == "Bewegte Pause, neu" and changed["version"] == 2
    assert store.get(OTHER)["version"] == 1
    new = store.get("M-2027-001")
    assert new["title"] == "Neue Maßnahme aus der Liste" and new["budget_planned"] == 1234.5
    assert new["leitlinien"] == [1, 2] and new["start"] == date(2027, 2, 1)
    history = store.history(MID)[0]
    assert (history["field"], history["username"], history["comment"]) == (
        "title", "admin", f"Sammelimport aus {filename}")
    # the same file again: the row without an id is new again, the others are unchanged now
    assert store.preview_import(data, filename).counts() == {"neu": 1, "ändern": 0, "unverändert": 2}


@pytest.mark.parametrize("sep", [";", ","])
def test_import_csv_round_trip(store, sep):
    header = ["Maßnahmen-ID", "Titel", "Leitlinien", "Haupt-Leitlinie", "Status", "Beginn", "Fortschritt (%)",
              "Budget geplant (EUR)", "Bemerkung"]
    rows = [row + ["egal"] for row in import_rows(store)]
    check_import_round_trip(store, csv_bytes(header, rows, sep), "liste.csv")


def test_import_xlsx_round_trip(store):
    header = IMPORT_COLUMNS + ["Bemerkung"]
    # typed cells as a spreadsheet stores them: dates, numbers (4.0, 670000.0), empty cells
    rows = [
        [MID, "Bewegte Pause, neu", "3;4", 3, "verstetigt", datetime(2019, 3, 17), 100, 181000, "egal"],
        [OTHER, store.get(OTHER)["title"], 4.0, 4.0, "verstetigt", datetime(2019, 4, 28), 100.0, 670000.0, None],
        [None, "Neue Maßnahme aus der Liste", "1;2", 2, "geplant", "01.02.2027", 0, 1234.5, "egal"],
    ]
    check_import_round_trip(store, xlsx_bytes(header, rows), "liste.xlsx")


def test_import_is_all_or_nothing(store):
    rows = import_rows(store) + [["", "Noch eine", "2", "2", "geplant", "01.03.2027", "140", ""]]
    data = csv_bytes(IMPORT_COLUMNS, rows)
    before = snapshot(store)
    preview = store.preview_import(data, "liste.csv")
    assert preview.errors == ["Zeile 5: Fortschritt: „140“ muss eine ganze Zahl von 0 bis 100 sein."]
    assert not preview.ok
    with pytest.raises(MeasureInvalid) as error:
        store.apply_import(data, "liste.csv", preview.digest, "admin")
    assert error.value.messages == preview.errors
    assert snapshot(store) == before   # three good rows, one bad: zero rows written


def test_import_names_every_bad_row(store):
    rows = [
        [MID, "", "3", "3", "geplant", "", "", ""],
        ["M 1", "Titel", "3;9", "4", "fertig", "32.01.2020", "", "-1"],
        [OTHER, "Doppelt", "4", "4", "geplant", "", "", ""],
        [OTHER, "Doppelt", "4", "4", "geplant", "", "", ""],
    ]
    preview = store.preview_import(csv_bytes(IMPORT_COLUMNS, rows), "liste.csv")
    assert preview.errors == [
        "Zeile 2: Titel: Bitte einen Titel angeben.",
        "Zeile 3: Maßnahmen-ID „M 1“: nur Buchstaben, Ziffern, Punkt, Bindestrich und Unterstrich, "
        "höchstens 64 Zeichen.",
        "Zeile 3: Leitlinien: „9“ ist keine Leitlinie (1 bis 6).",
        "Zeile 3: Haupt-Leitlinie: muss auch unter den Leitlinien stehen.",
        "Zeile 3: Status: „fertig“ ist kein Status; erlaubt: geplant, in Vorbereitung, in Umsetzung, "
        "umgesetzt, verstetigt, zurückgestellt, abgebrochen.",
        "Zeile 3: Beginn: „32.01.2020“ ist kein Datum (TT.MM.JJJJ).",
        "Zeile 3: Budget geplant (EUR): „-1“ muss ein Betrag von 0 oder mehr Euro sein.",
        f"Zeile 5: Maßnahmen-ID „{OTHER}“ steht schon in Zeile 4.",
    ]


def test_import_refuses_after_a_concurrent_edit(make_store):
    admin, editor = make_store(), make_store()
    data = csv_bytes(IMPORT_COLUMNS, import_rows(admin))
    preview = admin.preview_import(data, "liste.csv")
    assert preview.ok
    editor.update(OTHER, {"progress": 90}, 1, "bernd", "")
    before = snapshot(admin)
    with pytest.raises(StoreError) as error:
        admin.apply_import(data, "liste.csv", preview.digest, "admin")
    assert error.value.message.startswith("Der Bestand hat sich seit der Vorschau geändert.")
    assert snapshot(admin) == before


def test_import_missing_columns(store):
    preview = store.preview_import(csv_bytes(["measure_id", "title"], [[MID, "x"]]), "liste.csv")
    assert preview.errors == ["Es fehlen Spalten: Leitlinien, Haupt-Leitlinie, Status."]
    empty = store.preview_import(csv_bytes(IMPORT_COLUMNS, []), "leer.csv")
    assert empty.errors == ["Die Datei enthält keine Maßnahmen."] and not empty.ok


BROKEN = [
    (bytes(range(256)) * 20, "liste.csv", "Die CSV-Datei ist nicht UTF-8-kodiert. Bitte als „CSV UTF-8“ speichern."),
    ("Titel;Leitlinien;Haupt-Leitlinie;Status\nMaßnahme;1;1;geplant\n".encode("cp1252"), "liste.csv",
     "Die CSV-Datei ist nicht UTF-8-kodiert. Bitte als „CSV UTF-8“ speichern."),
    (b"\x00\x01 kein zip \xff" * 50, "liste.xlsx", "Die Datei ist nicht lesbar"),
    (b"PK\x03\x04 abgeschnitten", "liste.xlsx", "Die Datei ist nicht lesbar"),
    (b"", "liste.csv", "Die Datei ist nicht lesbar"),
    (b"%PDF-1.4", "liste.pdf", "Bitte eine CSV- oder XLSX-Datei wählen."),
]


@pytest.mark.parametrize(("data", "filename", "message"), BROKEN, ids=[f"{n}-{i}" for i, (_, n, _) in
                                                                        enumerate(BROKEN)])
def test_import_broken_file_gives_a_german_error(store, data, filename, message):
    before = snapshot(store)
    preview = store.preview_import(data, filename)
    assert len(preview.errors) == 1 and preview.errors[0].startswith(message), preview.errors
    assert preview.rows == [] and not preview.ok
    with pytest.raises(MeasureInvalid):
        store.apply_import(data, filename, preview.digest, "admin")
    assert snapshot(store) == before


# ------------------------------------------------------------------------------------------ users
PASSWORD = "richtig-langes-passwort"


def test_add_and_verify_users(store):
    assert store.list_users() == []
    anna = store.add_user("anna.m", PASSWORD, "editor")
    assert (anna.username, anna.role, anna.active, anna.can_edit, anna.is_admin) == (
        "anna.m", "editor", True, True, False)
    store.add_user("  bernd  ", PASSWORD + "2", "viewer")
    store.add_user("chef", PASSWORD + "3", "admin")
    assert [(u.username, u.role) for u in store.list_users()] == [
        ("anna.m", "editor"), ("bernd", "viewer"), ("chef", "admin")]
    assert store.verify_user("anna.m", PASSWORD) == anna
    assert store.verify_user("anna.m", PASSWORD + "x") is None
    assert store.verify_user("anna.m", "") is None
    assert store.verify_user("niemand", PASSWORD) is None
    assert store.verify_user("bernd", PASSWORD + "2").can_edit is False
    assert store.get_user("chef").is_admin and store.get_user("niemand") is None


@pytest.mark.parametrize(("name", "password", "role", "message"), [
    ("a", PASSWORD, "editor", "Benutzername: 2 bis 64 Zeichen"),
    ("mit leerzeichen", PASSWORD, "editor", "Benutzername: 2 bis 64 Zeichen"),
    ("jörg", PASSWORD, "editor", "Benutzername: 2 bis 64 Zeichen"),
    ("x" * 65, PASSWORD, "editor", "Benutzername: 2 bis 64 Zeichen"),
    ("anna", PASSWORD, "root", "Rolle „root“ gibt es nicht; erlaubt: viewer, editor, admin."),
    ("anna", "123456789", "editor", "Passwort: mindestens 10 Zeichen."),
    ("anna", "", "editor", "Passwort: mindestens 10 Zeichen."),
    ("anna", "x" * 201, "editor", "Passwort: höchstens 200 Zeichen."),
])
def test_add_user_rules(store, name, password, role, message):
    with pytest.raises(StoreError) as error:
        store.add_user(name, password, role)
    assert error.value.message.startswith(message)
    assert store.list_users() == []


def test_duplicate_user_is_refused(store):
    store.add_user("anna", PASSWORD, "editor")
    with pytest.raises(StoreError) as error:
        store.add_user("anna", PASSWORD, "admin")
    assert error.value.message == "Benutzer „anna“ gibt es schon."
    assert store.get_user("anna").role == "editor"


def test_lock_role_and_password(store):
    store.add_user("anna", PASSWORD, "editor")
    store.set_active("anna", False)
    assert store.verify_user("anna", PASSWORD) is None   # locked: right password, no login
    assert store.get_user("anna").active is False and store.get_user("anna").can_edit is False
    store.set_active("anna", True)
    assert store.verify_user("anna", PASSWORD).role == "editor"

    store.set_role("anna", "admin")
    assert store.verify_user("anna", PASSWORD).is_admin
    with pytest.raises(StoreError, match="Rolle „gott“ gibt es nicht"):
        store.set_role("anna", "gott")
    with pytest.raises(StoreError) as error:
        store.set_role("niemand", "viewer")
    assert error.value.message == "Benutzer „niemand“ gibt es nicht."

    with pytest.raises(StoreError, match="Passwort: mindestens 10 Zeichen."):
        store.set_password("anna", "kurz")
    store.set_password("anna", "ein-ganz-neues-passwort")
    assert store.verify_user("anna", PASSWORD) is None
    assert store.verify_user("anna", "ein-ganz-neues-passwort").username == "anna"


def test_passwords_are_stored_hashed(store):
    store.add_user("anna", PASSWORD, "editor")
    store.set_password("anna", "ein-ganz-neues-passwort")
    with store.engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(select(db.users))]
    text = repr(rows)
    assert PASSWORD not in text and "ein-ganz-neues-passwort" not in text
    stored = rows[0][1]
    assert stored.startswith(("scrypt:", "pbkdf2:")) and len(stored) > 60
