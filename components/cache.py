"""The shared cache (flask-caching): file system by default, Redis when REDIS_URL is set,
so every gunicorn worker sees what another one computed. Initialised in app.py."""

import hashlib
import shutil

from flask_caching import Cache

from sozialraum.settings import REPO_ROOT, Settings

cache = Cache()


def code_version() -> str:
    """Hash of the app's Python code. Every cache key starts with it, so after a deploy no
    figure or layout built by the previous code is served."""
    digest = hashlib.sha256()
    for folder in ("sozialraum", "components", "pages"):
        for module in sorted((REPO_ROOT / folder).glob("*.py")):
            digest.update(module.read_bytes())
    digest.update((REPO_ROOT / "app.py").read_bytes() if (REPO_ROOT / "app.py").exists() else b"")
    return digest.hexdigest()[:12]


def cache_config(settings: Settings) -> dict:
    version = code_version()
    return {
        "CACHE_TYPE": settings.cache_type,
        # the file-system backend ignores the key prefix: one folder per code version instead
        "CACHE_DIR": str(settings.cache_dir / f"views-{version}"),
        "CACHE_REDIS_URL": settings.redis_url,
        "CACHE_KEY_PREFIX": f"sozialraum-{version}-",
        "CACHE_DEFAULT_TIMEOUT": 24 * 3600,
        "CACHE_THRESHOLD": 5000,
    }


def remove_stale_folders(settings: Settings) -> None:
    """Drop file-system caches of earlier code versions (they can never be hit again)."""
    current = f"views-{code_version()}"
    if settings.cache_dir.is_dir():
        for folder in settings.cache_dir.glob("views-*"):
            if folder.name != current:
                shutil.rmtree(folder, ignore_errors=True)
