"""The measures store: the source of truth for Maßnahmen, their audit trail and the users.

- One code path for SQLite (default: a file in the instance folder, WAL mode) and PostgreSQL
  (`DATABASE_URL=postgresql://...`). The schema comes from Alembic migrations (`setup()`).
- Nothing is ever deleted: measures are archived. Every write records one audit row per
  changed field (who, when, field, old value, new value, comment), in the same transaction.
- Optimistic concurrency: every measure has a version. A save names the version it was based
  on; if somebody saved in between, `ConflictError` carries the current record and the
  changes made since, and nothing is written.
- `frame()` is memoised per database *revision* (a token every write replaces), so readers in
  every worker see each write at once and pay the query only after a change.

Plain Python; this module must never import dash.
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import io
import json
import re
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from alembic import command
from alembic.config import Config
from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from werkzeug.security import check_password_hash, generate_password_hash

from . import db
from .measures import (
    EDITABLE_FIELDS,
    FIELD_LABELS,
    ROLES,
    MeasureInvalid,
    decode_list,
    encode_list,
    validate,
)
from .schema import MEASURES

MIGRATIONS = Path(__file__).parent / "migrations"
SEED_USER = "import"
SEED_COMMENT = "Startbestand aus measures.csv des Datenpakets"
USERNAME_RE = re.compile(r"^[A-Za-z0-9._-]{2,64}$")
MIN_PASSWORD = 10
MAX_IMPORT_ROWS = 10_000
MAX_IMPORT_BYTES = 10 * 1024 * 1024
WRITE_LOCK_KEY = 7_310_501   # any constant; names the store's advisory lock on PostgreSQL
# A fixed hash to compare against when the user does not exist, so the answer takes as long
# as for a wrong password (no user enumeration by timing).
_DUMMY_HASH = generate_password_hash("kein-benutzer-vorhanden")


class StoreError(Exception):
    """Base class; `message` is German and can be shown as it is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(StoreError):
    pass


class ConflictError(StoreError):
    """The record changed since `expected_version`; `changes_since` are the audit rows."""

    def __init__(self, current: dict[str, Any], changes_since: list[dict[str, Any]]):
        who = sorted({c["username"] for c in changes_since}) or ["jemand"]
        super().__init__(
            f"Diese Maßnahme wurde inzwischen von {', '.join(who)} geändert (jetzt Stand {current['version']}). "
            "Ihre Eingaben sind nicht gespeichert, aber auch nicht verloren.")
        self.current = current
        self.changes_since = changes_since


@dataclass(frozen=True)
class User:
    username: str
    role: str
    active: bool = True

    @property
    def can_edit(self) -> bool:
        return self.active and self.role in ("editor", "admin")

    @property
    def is_admin(self) -> bool:
        return self.active and self.role == "admin"


@dataclass
class ImportRow:
    line: int
    measure_id: str
    action: str                 # "neu", "ändern", "unverändert"
    title: str
    changes: list[str] = field(default_factory=list)   # German field labels


@dataclass
class ImportPreview:
    filename: str
    rows: list[ImportRow]
    errors: list[str]
    digest: str                 # what the user saw; apply refuses if the store moved on
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    def counts(self) -> dict[str, int]:
        out = {"neu": 0, "ändern": 0, "unverändert": 0}
        for row in self.rows:
            out[row.action] += 1
        return out


def _now() -> datetime:
    return datetime.now(UTC)


def canonical(field_name: str, value: Any) -> str | None:
    """The text form a value takes in the audit trail (stable, sortable, parseable)."""
    if value is None or value == "" or value == [] or value == {}:
        return None
    if field_name == "milestones":
        return json.dumps([{"date": m["date"].isoformat(), "title": m["title"], "done": m["done"]}
                           for m in value], ensure_ascii=False)
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, (list, tuple)):
        return encode_list(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _to_row(clean: Mapping[str, Any]) -> dict[str, Any]:
    """Validated values -> column values of the measures table."""
    row = {}
    for name in EDITABLE_FIELDS:
        if name == "milestones" or name not in clean:
            continue
        value = clean[name]
        if name in ("leitlinien", "area_ids", "target_indicators"):
            value = encode_list(value)
        elif name == "target_values":
            value = json.dumps(value or {}, ensure_ascii=False, sort_keys=True)
        row[name] = value
    return row


class MeasureStore:
    def __init__(self, database_url: str, instance_dir: str | Path | None = None, package=None):
        self.url = db.normalise_url(database_url)
        self.engine = db.make_engine(self.url)
        self.instance_dir = Path(instance_dir) if instance_dir else None
        self.package = package
        self._frame_cache: tuple[str, bool, pd.DataFrame] | None = None
        self._derived: OrderedDict[tuple, Any] = OrderedDict()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    # ---------------------------------------------------------------------------- setup
    @contextmanager
    def _setup_lock(self) -> Iterator[None]:
        """Several gunicorn workers start at once; one migrates and seeds, the others wait."""
        if self.instance_dir is None:
            yield
            return
        self.instance_dir.mkdir(parents=True, exist_ok=True)
        with open(self.instance_dir / "datenbank.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def upgrade(self) -> None:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.connect() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            conn.commit()

    def setup(self, package) -> bool:
        """Migrate to the newest schema and, on first start, seed from the package.
        Returns True when this call seeded."""
        self.package = package
        with self._setup_lock():
            self.upgrade()
            with self._write() as conn:
                if conn.execute(select(db.meta.c.value).where(db.meta.c.key == "seeded")).first():
                    return False
                self._seed(conn, package)
                conn.execute(db.meta.insert().values(key="seeded", value=_now().isoformat()))
                self._touch(conn)
        return True

    def _seed(self, conn: Connection, package) -> None:
        now = _now()
        measures = package.measures
        milestones = package.milestones if package.milestones is not None else pd.DataFrame(
            columns=["measure_id", "date", "title", "done"])
        rows, audit_rows = [], []
        for record in measures.to_dict("records"):
            clean, errors = validate(record, package)
            if errors:   # the package was validated; this only guards against a drift in the rules
                raise MeasureInvalid([f"{record['measure_id']}: {e}" for e in errors])
            row = _to_row(clean)
            changed = record.get("last_change")
            changed = now if changed is None or pd.isna(changed) else \
                pd.Timestamp(changed).to_pydatetime().replace(tzinfo=UTC)
            row.update(measure_id=record["measure_id"], archived=False, version=1, created_at=changed,
                       updated_at=changed, updated_by=SEED_USER)
            rows.append(row)
            audit_rows.append(dict(change_id=uuid.uuid4().hex, measure_id=record["measure_id"], at=now,
                                   username=SEED_USER, field="created", old_value=None,
                                   new_value=clean["title"], comment=SEED_COMMENT, version=1))
        if rows:
            conn.execute(db.measures.insert(), rows)
            conn.execute(db.audit.insert(), audit_rows)
        ms = [dict(measure_id=m["measure_id"], date=pd.Timestamp(m["date"]).date(), title=m["title"],
                   done=bool(m["done"])) for m in milestones.to_dict("records")]
        if ms:
            conn.execute(db.milestones.insert(), ms)

    # ---------------------------------------------------------------------------- transactions
    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One writer at a time: SQLite takes its write lock at BEGIN IMMEDIATE; PostgreSQL takes a
        transaction-scoped advisory lock (new ids are max + 1, and an import checks its preview
        against a state nobody can change underneath it)."""
        with self.engine.connect() as conn:
            conn.execution_options(write=True)
            with conn.begin():
                if self.dialect == "postgresql":
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
                yield conn

    def _touch(self, conn: Connection) -> None:
        """Replace the revision token (readers' caches key on it)."""
        token = uuid.uuid4().hex
        updated = conn.execute(db.meta.update().where(db.meta.c.key == "revision").values(value=token))
        if updated.rowcount == 0:
            conn.execute(db.meta.insert().values(key="revision", value=token))

    def revision(self) -> str:
        with self.engine.connect() as conn:
            return conn.execute(select(db.meta.c.value).where(db.meta.c.key == "revision")).scalar() or ""

    # ---------------------------------------------------------------------------- reading
    def frame(self, include_archived: bool = False) -> pd.DataFrame:
        """All measures as one typed frame (the shape of `package.measures` plus version,
        archived, updated_at, updated_by). Do not modify the returned frame."""
        with self.engine.connect() as conn:
            revision = conn.execute(select(db.meta.c.value).where(db.meta.c.key == "revision")).scalar() or ""
            cached = self._frame_cache
            if cached is not None and cached[0] == revision:
                frame = cached[2]
            else:
                result = conn.execute(select(db.measures).order_by(db.measures.c.measure_id))
                frame = self._build_frame(pd.DataFrame(result.mappings().all(),
                                                       columns=[c.name for c in db.measures.columns]))
                self._frame_cache = (revision, True, frame)
        if include_archived:
            return frame
        return frame[~frame["archived"]].reset_index(drop=True)

    @staticmethod
    def _build_frame(raw: pd.DataFrame) -> pd.DataFrame:
        out = pd.DataFrame(index=raw.index)
        for f in MEASURES.fields:
            name = f.name
            if name == "last_change":
                out[name] = pd.to_datetime(raw["updated_at"], utc=True).dt.tz_localize(None).dt.normalize()
            elif name in ("leitlinien", "area_ids", "target_indicators"):
                out[name] = pd.Series([decode_list(v) for v in raw[name]], index=raw.index, dtype=object)
            elif name in ("start", "planned_end", "actual_end"):
                out[name] = pd.to_datetime(raw[name]).astype("datetime64[us]")
            elif name in ("primary_leitlinie", "progress"):
                out[name] = pd.array(raw[name], dtype="Int64")
            elif name in ("budget_planned", "budget_spent"):
                out[name] = pd.to_numeric(raw[name]).astype(float)
            else:
                out[name] = raw[name].astype(object).where(raw[name].notna(), None)
        out["target_values"] = [json.loads(v or "{}") for v in raw["target_values"]]
        out["version"] = raw["version"].astype(int)
        out["archived"] = raw["archived"].astype(bool)
        out["updated_at"] = pd.to_datetime(raw["updated_at"], utc=True)
        out["updated_by"] = raw["updated_by"].astype(object)
        return out

    def memo(self, key: tuple, compute: Callable[[], Any], size: int = 64) -> Any:
        """`compute()` remembered per database revision (views derived from all measures, e.g.
        the table of one filter): a write anywhere makes every entry stale at once. Never
        modify what it returns."""
        full = (self.revision(), *key)
        if full in self._derived:
            self._derived.move_to_end(full)
            return self._derived[full]
        value = compute()
        self._derived[full] = value
        while len(self._derived) > size:
            self._derived.popitem(last=False)
        return value

    @staticmethod
    def _as_record(row: Mapping[str, Any], milestones: list[Mapping[str, Any]]) -> dict[str, Any]:
        """A measures row (and its milestones, in date order) as typed values."""
        record = dict(row)
        record["leitlinien"] = [int(v) for v in decode_list(record["leitlinien"])]
        record["area_ids"] = list(decode_list(record["area_ids"]))
        record["target_indicators"] = list(decode_list(record["target_indicators"]))
        record["target_values"] = json.loads(record["target_values"] or "{}")
        for name in ("budget_planned", "budget_spent"):
            if record[name] is not None:
                record[name] = float(record[name])
        record["milestones"] = [{"date": m["date"], "title": m["title"], "done": bool(m["done"])}
                                for m in milestones]
        return record

    def _record(self, conn: Connection, measure_id: str) -> dict[str, Any] | None:
        row = conn.execute(select(db.measures).where(db.measures.c.measure_id == measure_id)).mappings().first()
        if row is None:
            return None
        ms = conn.execute(select(db.milestones).where(db.milestones.c.measure_id == measure_id)
                          .order_by(db.milestones.c.date, db.milestones.c.title)).mappings().all()
        return self._as_record(row, ms)

    def get(self, measure_id: str) -> dict[str, Any] | None:
        """One measure with its milestones (archived ones too), or None."""
        with self.engine.connect() as conn:
            return self._record(conn, measure_id)

    def history(self, measure_id: str) -> list[dict[str, Any]]:
        """Audit rows of one measure, newest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(db.audit).where(db.audit.c.measure_id == measure_id)
                                .order_by(db.audit.c.id.desc())).mappings().all()
        return [dict(r) for r in rows]

    def audit_count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(db.audit)).scalar())

    def _changes_since(self, conn: Connection, measure_id: str, version: int) -> list[dict[str, Any]]:
        rows = conn.execute(select(db.audit).where(db.audit.c.measure_id == measure_id,
                                                   db.audit.c.version > version)
                            .order_by(db.audit.c.id)).mappings().all()
        return [dict(r) for r in rows]

    # ---------------------------------------------------------------------------- writing
    def _require_package(self):
        if self.package is None:
            raise StoreError("Der Speicher kennt das Datenpaket nicht (setup() fehlt).")
        return self.package

    def new_id(self, conn: Connection, year: int) -> str:
        prefix = f"M-{year}-"
        ids = conn.execute(select(db.measures.c.measure_id).where(db.measures.c.measure_id.like(prefix + "%")))
        numbers = [int(m[len(prefix):]) for (m,) in ids if m[len(prefix):].isdigit()]
        return f"{prefix}{max(numbers, default=0) + 1:03d}"

    def create(self, values: Mapping[str, Any], user: str, comment: str = "") -> dict[str, Any]:
        package = self._require_package()
        clean, errors = validate(values, package)
        if errors:
            raise MeasureInvalid(errors)
        now = _now()
        with self._write() as conn:
            measure_id = clean.get("measure_id") or self.new_id(conn, (clean.get("start") or now.date()).year)
            if conn.execute(select(db.measures.c.measure_id).where(db.measures.c.measure_id == measure_id)).first():
                raise MeasureInvalid([f"Maßnahmen-ID „{measure_id}“ ist schon vergeben."])
            self._insert(conn, measure_id, clean, user, comment, now)
            self._touch(conn)
            return self._record(conn, measure_id)

    def _insert(self, conn: Connection, measure_id: str, clean: dict[str, Any], user: str, comment: str,
                now: datetime) -> None:
        row = _to_row(clean)
        row.update(measure_id=measure_id, archived=False, version=1, created_at=now, updated_at=now,
                   updated_by=user)
        row.setdefault("target_values", "{}")
        conn.execute(db.measures.insert().values(**row))
        for m in clean.get("milestones") or []:
            conn.execute(db.milestones.insert().values(measure_id=measure_id, **m))
        conn.execute(db.audit.insert().values(change_id=uuid.uuid4().hex, measure_id=measure_id, at=now,
                                              username=user, field="created", old_value=None,
                                              new_value=clean["title"], comment=comment or None, version=1))

    def update(self, measure_id: str, changes: Mapping[str, Any], expected_version: int, user: str,
               comment: str = "") -> dict[str, Any]:
        """Apply `changes` (any editable fields) if nobody saved since `expected_version`."""
        package = self._require_package()
        unknown = set(changes) - set(EDITABLE_FIELDS)
        if unknown:
            raise MeasureInvalid([f"Feld „{name}“ kann nicht geändert werden." for name in sorted(unknown)])
        comment = (comment or "").strip()
        if len(comment) > 2000:
            raise MeasureInvalid(["Kommentar: höchstens 2000 Zeichen."])
        with self._write() as conn:
            current = self._locked(conn, measure_id)
            if current["version"] != expected_version:
                raise ConflictError(current, self._changes_since(conn, measure_id, expected_version))
            merged = {name: current[name] for name in EDITABLE_FIELDS}
            merged.update(changes)
            clean, errors = validate(merged, package)
            if errors:
                raise MeasureInvalid(errors)
            diff = {name: (current[name], clean[name]) for name in EDITABLE_FIELDS
                    if name in changes and canonical(name, current[name]) != canonical(name, clean[name])}
            if "status" in diff and not comment:
                raise MeasureInvalid(["Kommentar: Bitte begründen Sie die Statusänderung in einem Kommentar."])
            if not diff:
                return current
            self._apply(conn, current, {n: new for n, (_, new) in diff.items()}, diff, user, comment)
            return self._record(conn, measure_id)

    def _locked(self, conn: Connection, measure_id: str) -> dict[str, Any]:
        if self.dialect == "postgresql":  # row lock; SQLite holds the database write lock already
            conn.execute(select(db.measures.c.version).where(db.measures.c.measure_id == measure_id)
                         .with_for_update())
        current = self._record(conn, measure_id)
        if current is None:
            raise NotFound(f"Die Maßnahme „{measure_id}“ gibt es nicht.")
        return current

    def _apply(self, conn: Connection, current: dict[str, Any], new_values: dict[str, Any],
               diff: dict[str, tuple[Any, Any]], user: str, comment: str) -> None:
        now = _now()
        version = current["version"] + 1
        row = _to_row(new_values)
        if "archived" in new_values:
            row["archived"] = new_values["archived"]
        result = conn.execute(db.measures.update()
                              .where(db.measures.c.measure_id == current["measure_id"],
                                     db.measures.c.version == current["version"])
                              .values(**row, version=version, updated_at=now, updated_by=user))
        if result.rowcount != 1:   # cannot happen under the lock; never write half a change
            raise ConflictError(current, [])
        if "milestones" in new_values:
            conn.execute(db.milestones.delete().where(db.milestones.c.measure_id == current["measure_id"]))
            for m in new_values["milestones"]:
                conn.execute(db.milestones.insert().values(measure_id=current["measure_id"], **m))
        change_id = uuid.uuid4().hex
        conn.execute(db.audit.insert(), [
            dict(change_id=change_id, measure_id=current["measure_id"], at=now, username=user, field=name,
                 old_value=canonical(name, old), new_value=canonical(name, new), comment=comment or None,
                 version=version)
            for name, (old, new) in diff.items()])
        self._touch(conn)

    def change_status(self, measure_id: str, status: str, expected_version: int, user: str,
                      comment: str) -> dict[str, Any]:
        if not (comment or "").strip():
            raise MeasureInvalid(["Kommentar: Bitte begründen Sie die Statusänderung in einem Kommentar."])
        return self.update(measure_id, {"status": status}, expected_version, user, comment)

    def set_archived(self, measure_id: str, archived: bool, expected_version: int, user: str,
                     comment: str) -> dict[str, Any]:
        """Archive (or restore) instead of deleting; a comment is required."""
        if not (comment or "").strip():
            raise MeasureInvalid(["Kommentar: Bitte begründen Sie, warum die Maßnahme "
                                  f"{'archiviert' if archived else 'wiederhergestellt'} wird."])
        with self._write() as conn:
            current = self._locked(conn, measure_id)
            if current["version"] != expected_version:
                raise ConflictError(current, self._changes_since(conn, measure_id, expected_version))
            if bool(current["archived"]) == archived:
                return current
            self._apply(conn, current, {"archived": archived}, {"archived": (current["archived"], archived)},
                        user, comment.strip())
            return self._record(conn, measure_id)

    # ---------------------------------------------------------------------------- bulk import
    def preview_import(self, data: bytes, filename: str) -> ImportPreview:
        """Read a CSV/XLSX list of measures and check every row; writes nothing."""
        package = self._require_package()
        errors: list[str] = []
        warnings: list[str] = []
        frame = _read_table(data, filename, errors, warnings)
        rows: list[ImportRow] = []
        if frame is None:
            return ImportPreview(filename, [], errors, "", warnings)
        current = {r["measure_id"]: r for r in self._all_records()}
        seen: dict[str, int] = {}
        digest = hashlib.sha256()
        for offset, record in enumerate(frame.to_dict("records")):
            line = offset + 2   # header is line 1
            values = {k: v for k, v in record.items() if k in EDITABLE_FIELDS or k == "measure_id"}
            clean, row_errors = validate(values, package)
            errors.extend(f"Zeile {line}: {e}" for e in row_errors)
            measure_id = clean.get("measure_id") or ""
            if measure_id and measure_id in seen:
                errors.append(f"Zeile {line}: Maßnahmen-ID „{measure_id}“ steht schon in Zeile {seen[measure_id]}.")
            seen[measure_id] = line
            if row_errors:
                continue
            old = current.get(measure_id)
            if old is None:
                rows.append(ImportRow(line, measure_id or "(neu)", "neu", clean["title"]))
                digest.update(f"{line}:new:{measure_id}".encode())
            else:
                changed = [FIELD_LABELS[n] for n in EDITABLE_FIELDS if n in values and n != "milestones"
                           and canonical(n, old[n]) != canonical(n, clean[n])]
                rows.append(ImportRow(line, measure_id, "ändern" if changed else "unverändert", clean["title"],
                                      changed))
                digest.update(f"{line}:{measure_id}:{old['version']}".encode())
        digest.update(hashlib.sha256(data).digest())
        if not rows and not errors:
            errors.append("Die Datei enthält keine Maßnahmen.")
        return ImportPreview(filename, rows, errors, digest.hexdigest(), warnings)

    def apply_import(self, data: bytes, filename: str, expected_digest: str, user: str,
                     comment: str = "") -> dict[str, int]:
        """All or nothing: re-check the file, refuse if the store changed since the preview."""
        package = self._require_package()
        comment = (comment or "").strip() or f"Sammelimport aus {filename}"
        now = _now()
        with self._write() as conn:
            # Checked under the write lock: nobody can change the store between check and write.
            preview = self.preview_import(data, filename)
            if preview.errors:
                raise MeasureInvalid(preview.errors)
            if preview.digest != expected_digest:
                raise StoreError("Der Bestand hat sich seit der Vorschau geändert. Bitte die Vorschau neu "
                                 "erstellen und prüfen; es wurde nichts übernommen.")
            frame = _read_table(data, filename, [], [])
            for record in frame.to_dict("records"):
                values = {k: v for k, v in record.items() if k in EDITABLE_FIELDS or k == "measure_id"}
                clean, _ = validate(values, package)
                measure_id = clean.get("measure_id")
                current = self._locked(conn, measure_id) if measure_id and self._exists(conn, measure_id) else None
                if current is None:
                    measure_id = measure_id or self.new_id(conn, (clean.get("start") or now.date()).year)
                    self._insert(conn, measure_id, clean, user, comment, now)
                    continue
                diff = {n: (current[n], clean[n]) for n in EDITABLE_FIELDS if n in values and n != "milestones"
                        and canonical(n, current[n]) != canonical(n, clean[n])}
                if diff:
                    self._apply(conn, current, {n: new for n, (_, new) in diff.items()}, diff, user, comment)
            self._touch(conn)
        return preview.counts()

    def _exists(self, conn: Connection, measure_id: str) -> bool:
        return conn.execute(select(db.measures.c.measure_id)
                            .where(db.measures.c.measure_id == measure_id)).first() is not None

    def _all_records(self) -> list[dict[str, Any]]:
        """Every measure with its milestones, in two queries (an import compares against all)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(db.measures)).mappings().all()
            by_measure: dict[str, list] = {}
            for m in conn.execute(select(db.milestones).order_by(db.milestones.c.date, db.milestones.c.title)
                                  ).mappings():
                by_measure.setdefault(m["measure_id"], []).append(m)
        return [self._as_record(row, by_measure.get(row["measure_id"], [])) for row in rows]

    # ---------------------------------------------------------------------------- users
    def add_user(self, username: str, password: str, role: str) -> User:
        username = (username or "").strip()
        if not USERNAME_RE.match(username):
            raise StoreError("Benutzername: 2 bis 64 Zeichen, nur Buchstaben, Ziffern, Punkt, Bindestrich, "
                             "Unterstrich.")
        if role not in ROLES:
            raise StoreError(f"Rolle „{role}“ gibt es nicht; erlaubt: {', '.join(ROLES)}.")
        _check_password(password)
        with self._write() as conn:
            if conn.execute(select(db.users.c.username).where(db.users.c.username == username)).first():
                raise StoreError(f"Benutzer „{username}“ gibt es schon.")
            conn.execute(db.users.insert().values(username=username, password_hash=generate_password_hash(password),
                                                  role=role, active=True, created_at=_now()))
        return User(username, role, True)

    def set_password(self, username: str, password: str) -> None:
        _check_password(password)
        self._update_user(username, password_hash=generate_password_hash(password))

    def set_role(self, username: str, role: str) -> None:
        if role not in ROLES:
            raise StoreError(f"Rolle „{role}“ gibt es nicht; erlaubt: {', '.join(ROLES)}.")
        self._update_user(username, role=role)

    def set_active(self, username: str, active: bool) -> None:
        self._update_user(username, active=active)

    def _update_user(self, username: str, **values) -> None:
        with self._write() as conn:
            result = conn.execute(db.users.update().where(db.users.c.username == username).values(**values))
            if result.rowcount != 1:
                raise StoreError(f"Benutzer „{username}“ gibt es nicht.")

    def get_user(self, username: str) -> User | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(db.users).where(db.users.c.username == username)).mappings().first()
        return User(row["username"], row["role"], bool(row["active"])) if row else None

    def verify_user(self, username: str, password: str) -> User | None:
        """The user if name and password match and the account is active, else None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(db.users).where(db.users.c.username == (username or "").strip())
                               ).mappings().first()
        if row is None:
            check_password_hash(_DUMMY_HASH, password or "")
            return None
        if not check_password_hash(row["password_hash"], password or "") or not row["active"]:
            return None
        return User(row["username"], row["role"], True)

    def list_users(self) -> list[User]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(db.users).order_by(db.users.c.username)).mappings().all()
        return [User(r["username"], r["role"], bool(r["active"])) for r in rows]


def _check_password(password: str) -> None:
    if not password or len(password) < MIN_PASSWORD:
        raise StoreError(f"Passwort: mindestens {MIN_PASSWORD} Zeichen.")
    if len(password) > 200:
        raise StoreError("Passwort: höchstens 200 Zeichen.")


IMPORT_ALIASES = {f.title.lower(): f.name for f in MEASURES.fields}
IMPORT_ALIASES.update({f.name.lower(): f.name for f in MEASURES.fields})
IMPORT_ALIASES.update({"id": "measure_id", "haupt-leitlinie": "primary_leitlinie", "fortschritt": "progress",
                       "gebiet": "area_ids", "gebiete": "area_ids"})


def _read_table(data: bytes, filename: str, errors: list[str], warnings: list[str]) -> pd.DataFrame | None:
    """CSV (`;` or `,`, UTF-8) or XLSX -> frame with our field names; German messages."""
    if len(data) > MAX_IMPORT_BYTES:
        errors.append(f"Die Datei ist größer als {MAX_IMPORT_BYTES // (1024 * 1024)} MB.")
        return None
    name = (filename or "").lower()
    try:
        if name.endswith((".xlsx", ".xlsm")):
            frame = pd.read_excel(io.BytesIO(data), dtype=object, engine="openpyxl")
        elif name.endswith((".csv", ".txt")):
            text = data.decode("utf-8-sig")
            try:
                dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
                sep = dialect.delimiter
            except csv.Error:
                sep = ";"
            frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
        else:
            errors.append("Bitte eine CSV- oder XLSX-Datei wählen.")
            return None
    except UnicodeDecodeError:
        errors.append("Die CSV-Datei ist nicht UTF-8-kodiert. Bitte als „CSV UTF-8“ speichern.")
        return None
    except Exception as exc:  # noqa: BLE001 - any parser failure is a broken file for the user
        errors.append(f"Die Datei ist nicht lesbar ({type(exc).__name__}). Bitte als CSV (UTF-8) oder XLSX speichern.")
        return None
    columns = {}
    for col in frame.columns:
        key = IMPORT_ALIASES.get(str(col).strip().lower())
        if key is None:
            warnings.append(f"Spalte „{str(col)[:40]}“ ist unbekannt und wird nicht gelesen.")
        elif key in columns.values():
            errors.append(f"Spalte „{col}“ kommt doppelt vor.")
        else:
            columns[col] = key
    missing = [FIELD_LABELS[n] for n in ("title", "leitlinien", "primary_leitlinie", "status")
               if n not in columns.values()]
    if missing:
        errors.append(f"Es fehlen Spalten: {', '.join(missing)}.")
        return None
    if len(frame) > MAX_IMPORT_ROWS:
        errors.append(f"Höchstens {MAX_IMPORT_ROWS} Zeilen auf einmal.")
        return None
    frame = frame[list(columns)].rename(columns=columns)
    frame = frame.drop(columns=[c for c in ("last_change",) if c in frame.columns])
    return frame.astype(object).where(frame.notna(), None)
