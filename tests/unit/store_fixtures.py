"""Helpers for the measures-store tests: the bundled package (loaded once per process) and a
clean database per test, on SQLite and on PostgreSQL.

PostgreSQL comes from `SOZIALRAUM_TEST_POSTGRES_URL` (a role that may create databases, e.g.
postgresql://sozialraum:sozialraum@localhost/sozialraum_test). The tests then work in a database
of their own (`<name>_t<pid>`, dropped at exit), so two test runs on one server never wipe each
other's tables; without the right to create databases they use the named database itself.
Every test starts from an empty `public` schema (no tables, no alembic_version).

Without the variable the PostgreSQL cases are skipped -- except in CI (`CI=true`), where they
fail, so CI can never silently lose the PostgreSQL run (`.ci/run` provides the server).
"""

from __future__ import annotations

import atexit
import functools
import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from sozialraum.db import normalise_url
from sozialraum.package import DataPackage, load_package

REPO = Path(__file__).resolve().parents[2]
ERFURT = REPO / "data" / "erfurt"
PG_ENV = "SOZIALRAUM_TEST_POSTGRES_URL"
BACKENDS = ("sqlite", "postgresql")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


@functools.lru_cache(maxsize=1)
def erfurt_package() -> DataPackage:
    """The bundled Erfurt package (61 measures), validated once per test process."""
    return load_package(ERFURT)


@functools.lru_cache(maxsize=1)
def _postgres_database() -> str:
    """URL (psycopg 3 driver) of this process's own test database, created on first use."""
    url = make_url(normalise_url(os.environ[PG_ENV]))
    own = f"{url.database}_t{os.getpid()}"
    admin = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{own}"')
    except SQLAlchemyError:   # no CREATEDB right: use the given database (one test run at a time)
        return url.render_as_string(hide_password=False)
    finally:
        admin.dispose()

    def drop() -> None:
        engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)')
        except SQLAlchemyError:
            pass
        finally:
            engine.dispose()

    atexit.register(drop)
    return url.set(database=own).render_as_string(hide_password=False)


def postgres_url() -> str:
    """A PostgreSQL database with an empty public schema; skip (fail in CI) without a server."""
    if not os.environ.get(PG_ENV):
        message = (f"{PG_ENV} is not set: the PostgreSQL store tests need a server, e.g. "
                   f"{PG_ENV}=postgresql://sozialraum:sozialraum@localhost/sozialraum_test")
        if in_ci():
            pytest.fail(f"CI=true but {message} (.ci/run sets it)", pytrace=False)
        pytest.skip(message)
    url = _postgres_database()
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    finally:
        engine.dispose()
    return url


def database_url(backend: str, tmp_path: Path) -> str:
    """A fresh, empty database of the given backend for one test."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'sozialraum.db'}"
    if backend == "postgresql":
        return postgres_url()
    raise ValueError(backend)
