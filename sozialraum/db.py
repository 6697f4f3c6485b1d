"""The database schema of the measures store (SQLAlchemy Core) and the engine factory.

The tables are created and changed only by the Alembic migrations in
`sozialraum/migrations/` (`store.setup()` runs them); this metadata is what the code reads
and writes, and a test checks that the migrations produce exactly it.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine

metadata = MetaData()

measures = Table(
    "measures", metadata,
    Column("measure_id", String(64), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("description", Text),
    Column("leitlinien", String(20), nullable=False),          # "3;4"
    Column("primary_leitlinie", Integer, nullable=False),
    Column("area_ids", Text, nullable=False, default=""),      # "14;13"; empty = city-wide
    Column("responsible", String(200)),
    Column("traeger", String(200)),
    Column("partners", String(500)),
    Column("status", String(20), nullable=False),
    Column("start", Date),
    Column("planned_end", Date),
    Column("actual_end", Date),
    Column("progress", Integer),
    Column("budget_planned", Float),
    Column("budget_spent", Float),
    Column("funding", String(200)),
    Column("target_indicators", Text, nullable=False, default=""),
    Column("target_values", Text, nullable=False, default="{}"),   # JSON {indicator: value}
    Column("priority", String(10)),
    Column("source", String(200)),
    Column("archived", Boolean, nullable=False, default=False),
    Column("version", Integer, nullable=False, default=1),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(64), nullable=False),
)

milestones = Table(
    "milestones", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("measure_id", String(64), ForeignKey("measures.measure_id"), nullable=False),
    Column("date", Date, nullable=False),
    Column("title", String(200), nullable=False),
    Column("done", Boolean, nullable=False, default=False),
    Index("ix_milestones_measure", "measure_id"),
)

audit = Table(
    "audit", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("change_id", String(32), nullable=False),      # groups the fields of one save
    Column("measure_id", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("username", String(64), nullable=False),
    Column("field", String(40), nullable=False),
    Column("old_value", Text),
    Column("new_value", Text),
    Column("comment", Text),
    Column("version", Integer, nullable=False),        # the measure's version after the change
    Index("ix_audit_measure", "measure_id", "id"),
)

users = Table(
    "users", metadata,
    Column("username", String(64), primary_key=True),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(10), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Presentation decks assembled in the app (sozialraum/deck_store.py); archived, never deleted.
presentations = Table(
    "presentations", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("title", String(120), nullable=False),
    Column("description", Text),
    Column("slides", Text, nullable=False),            # JSON [{title, view, notes}]
    Column("archived", Boolean, nullable=False, default=False),
    Column("version", Integer, nullable=False, default=1),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(64), nullable=False),
)

meta = Table(
    "meta", metadata,
    Column("key", String(40), primary_key=True),
    Column("value", String(200), nullable=False),
)


def normalise_url(url: str) -> str:
    """`postgresql://` means psycopg 3 here (the driver we install), not psycopg2."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 15})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            # WAL: readers never wait for the writer; foreign keys are off by default in SQLite.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=15000")
            cursor.close()

        @event.listens_for(engine, "connect", insert=True)
        def _no_implicit_begin(dbapi_connection, _record):
            # pysqlite's own transaction handling is broken; we emit BEGIN ourselves below.
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            # Writers take the write lock at BEGIN, so two editors never both read an old version.
            immediate = conn.get_execution_options().get("write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True)
