"""Alembic environment: always run programmatically by `sozialraum.store` (connection passed in)."""

from alembic import context

from sozialraum.db import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - guard for `alembic` called by hand
    raise SystemExit("Migrationen laufen über `python -m sozialraum db upgrade`, nicht direkt über alembic.")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
