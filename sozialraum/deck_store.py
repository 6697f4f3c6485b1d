"""Presentation decks assembled in the app and saved by editors (issue 6), in the measures store's
database (table `presentations`, migration 0002).

- Every write is checked with the deck domain's rules (`presentations.parse_deck`): a deck in the
  database is as valid as a deck file of the data package, so the slide show treats both alike.
- Nothing is deleted: a deck is archived (and can be restored). Who created it and when, who
  changed it last and when, are kept on the row.
- Optimistic concurrency like the measures: every deck has a version; a change names the version
  it was based on, and if somebody saved in between, `DeckConflict` is raised and nothing is written.

Plain Python; this module must never import dash. The role check is the caller's job (the page's
callbacks call components.auth.require_editor before any write).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from . import db
from . import presentations as pr
from .store import StoreError

SOURCE = "Präsentation"          # how problems name a deck that is being saved


class DeckNotFound(StoreError):
    pass


class DeckConflict(StoreError):
    """The deck changed since the version the editor started from."""

    def __init__(self, current: SavedDeck):
        super().__init__(
            f"Diese Präsentation wurde inzwischen von {current.updated_by} geändert (jetzt Stand {current.version}). "
            "Ihr Entwurf ist nicht gespeichert, aber auch nicht verloren.")
        self.current = current


@dataclass(frozen=True)
class SavedDeck:
    id: int
    deck: pr.Deck | None          # None if the stored deck no longer passes the rules (see problems)
    title: str
    archived: bool
    version: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    problems: tuple[str, ...] = ()


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    """SQLite gives naive datetimes back; they were written in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def validate(data: pr.Deck | dict[str, Any]) -> pr.Deck:
    """The deck checked with the domain's rules; raises `presentations.DeckError`."""
    raw = data.as_dict() if isinstance(data, pr.Deck) else data
    return pr.parse_deck(raw, SOURCE)


def _check_user(user: str) -> str:
    user = (user or "").strip()
    if not user or len(user) > 64:
        raise StoreError("Speichern braucht eine angemeldete Person.")
    return user


class DeckStore:
    def __init__(self, engine: Engine):
        self.engine = engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    # ---------------------------------------------------------------------------- reading
    @staticmethod
    def _from_row(row) -> SavedDeck:
        data = {"title": row.title, "slide": json.loads(row.slides or "[]")}
        if row.description:
            data["description"] = row.description
        deck, problems = None, ()
        try:
            deck = pr.parse_deck(data, SOURCE, name=f"gespeichert-{row.id}")
        except pr.DeckError as exc:
            problems = tuple(p.message for p in exc.problems)
        return SavedDeck(id=int(row.id), deck=deck, title=row.title, archived=bool(row.archived),
                         version=int(row.version), created_at=_aware(row.created_at), created_by=row.created_by,
                         updated_at=_aware(row.updated_at), updated_by=row.updated_by, problems=problems)

    def list(self, include_archived: bool = False) -> list[SavedDeck]:
        """Saved decks, the most recently changed first."""
        query = select(db.presentations).order_by(db.presentations.c.updated_at.desc(), db.presentations.c.id.desc())
        if not include_archived:
            query = query.where(db.presentations.c.archived.is_(False))
        with self.engine.connect() as conn:
            return [self._from_row(r) for r in conn.execute(query)]

    def get(self, deck_id: int) -> SavedDeck | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(db.presentations).where(db.presentations.c.id == int(deck_id))).first()
        return self._from_row(row) if row is not None else None

    # ---------------------------------------------------------------------------- writing
    def _begin(self):
        conn = self.engine.connect()
        conn.execution_options(write=True)   # SQLite: BEGIN IMMEDIATE (see db.make_engine)
        return conn

    def create(self, data: pr.Deck | dict[str, Any], user: str) -> SavedDeck:
        deck = validate(data)
        user = _check_user(user)
        now = _now()
        with self._begin() as conn, conn.begin():
            result = conn.execute(db.presentations.insert().values(
                title=deck.title, description=deck.description or None, slides=_slides_json(deck),
                archived=False, version=1, created_at=now, created_by=user, updated_at=now, updated_by=user))
            new_id = int(result.inserted_primary_key[0])
        return self.get(new_id)

    def _change(self, deck_id: int, expected_version: int, user: str, values: dict[str, Any]) -> SavedDeck:
        user = _check_user(user)
        with self._begin() as conn, conn.begin():
            query = select(db.presentations).where(db.presentations.c.id == int(deck_id))
            if self.dialect == "postgresql":
                query = query.with_for_update()
            row = conn.execute(query).first()
            if row is None:
                raise DeckNotFound(f"Die gespeicherte Präsentation Nr. {int(deck_id)} gibt es nicht.")
            if int(row.version) != int(expected_version):
                raise DeckConflict(self._from_row(row))
            result = conn.execute(db.presentations.update()
                                  .where(db.presentations.c.id == int(deck_id),
                                         db.presentations.c.version == int(expected_version))
                                  .values(**values, version=int(expected_version) + 1, updated_at=_now(),
                                          updated_by=user))
            if result.rowcount != 1:   # cannot happen under the lock; never write half a change
                raise DeckConflict(self._from_row(row))
        return self.get(deck_id)

    def update(self, deck_id: int, data: pr.Deck | dict[str, Any], expected_version: int, user: str) -> SavedDeck:
        """Replace title, description and slides if nobody saved since `expected_version`."""
        deck = validate(data)
        return self._change(deck_id, expected_version, user, dict(
            title=deck.title, description=deck.description or None, slides=_slides_json(deck)))

    def set_archived(self, deck_id: int, archived: bool, expected_version: int, user: str) -> SavedDeck:
        """Archive (or restore) instead of deleting."""
        current = self.get(deck_id)
        if current is not None and current.archived == bool(archived) and current.version == int(expected_version):
            return current
        return self._change(deck_id, expected_version, user, {"archived": bool(archived)})


def _slides_json(deck: pr.Deck) -> str:
    return json.dumps(deck.as_dict()["slide"], ensure_ascii=False, separators=(",", ":"))
