"""Access to the served data package from pages and callbacks."""

from __future__ import annotations

import logging

from sozialraum.package import DataPackage, fingerprint, load_package
from sozialraum.problems import PackageError
from sozialraum.settings import load_settings

log = logging.getLogger(__name__)

# A memo of immutable, validated data (like functools.lru_cache), keyed by the package's
# file fingerprint: each gunicorn worker loads the package once, and picks up a new
# edition dropped into the data folder without a restart. Nothing here is ever mutated.
_memo: dict[str, DataPackage] = {}


def get_package() -> DataPackage:
    settings = load_settings()
    key = f"{settings.data_dir.resolve()}:{fingerprint(settings.data_dir)}"
    package = _memo.get(key)
    if package is not None:
        return package
    try:
        package = load_package(settings.data_dir, cache_dir=settings.cache_dir / "packages")
    except PackageError as exc:
        if _memo:  # a broken new edition must not take the site down: keep serving the last good one
            log.error("Neues Datenpaket abgelehnt, bisheriges bleibt aktiv:\n%s", exc)
            return next(iter(_memo.values()))
        raise
    _memo.clear()
    _memo[key] = package
    return package
