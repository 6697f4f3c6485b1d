"""Access to the measures store (database) from pages and callbacks."""

from __future__ import annotations

from components.data import get_package
from sozialraum.settings import load_settings
from sozialraum.store import MeasureStore

# One engine (connection pool) per process and database URL, like a module-level engine in
# any SQLAlchemy app; all state lives in the database, so several workers stay consistent.
_memo: dict[str, MeasureStore] = {}


def get_store() -> MeasureStore:
    settings = load_settings()
    package = get_package()
    store = _memo.get(settings.database_url)
    if store is None:
        store = MeasureStore(settings.database_url, settings.instance_dir)
        store.setup(package)   # migrate; seed from measures.csv on the very first start
        _memo.clear()
        _memo[settings.database_url] = store
    store.package = package    # validation follows the served edition (areas, indicators)
    return store
