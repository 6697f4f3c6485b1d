"""The shared cache (flask-caching): file system by default, Redis when REDIS_URL is set,
so every gunicorn worker sees what another one computed. Initialised in app.py."""

from flask_caching import Cache

from sozialraum.settings import Settings

cache = Cache()


def cache_config(settings: Settings) -> dict:
    return {
        "CACHE_TYPE": settings.cache_type,
        "CACHE_DIR": str(settings.cache_dir),
        "CACHE_REDIS_URL": settings.redis_url,
        "CACHE_DEFAULT_TIMEOUT": 24 * 3600,
        "CACHE_THRESHOLD": 5000,
    }
