"""All settings in one place, read from environment variables with documented defaults.

| variable                  | default                                  | meaning                                      |
|---------------------------|------------------------------------------|----------------------------------------------|
| SOZIALRAUM_DATA_DIR       | <repo>/data/erfurt                       | the data package the app serves               |
| SOZIALRAUM_INSTANCE_DIR   | <repo>/instance                          | writable folder: caches, database, secret key |
| SOZIALRAUM_CACHE_TYPE     | FileSystemCache (RedisCache if REDIS_URL) | flask-caching backend                        |
| SOZIALRAUM_CACHE_DIR      | <instance>/cache                         | folder of the file-system cache               |
| REDIS_URL                 | (unset)                                  | use Redis for caches and background jobs      |
| SOZIALRAUM_SECRET_KEY     | generated once into <instance>/secret_key | Flask session signing key                    |
| DATABASE_URL              | sqlite:///<instance>/sozialraum.db       | database for measures and users               |
| SOZIALRAUM_SECURE_COOKIES | 0                                        | 1 = session cookie only over HTTPS (auth.py)  |
| HOST / PORT               | 127.0.0.1 / 8050                         | where `python app.py` listens                 |
| SOZIALRAUM_DEBUG          | 0                                        | 1 = Dash dev tools and reloader               |
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    instance_dir: Path
    cache_type: str
    cache_dir: Path
    redis_url: str | None
    database_url: str
    host: str
    port: int
    debug: bool
    configured_secret_key: str | None = None

    @property
    def secret_key(self) -> str:
        """From the environment, else a key generated once and kept in the instance folder,
        so that all gunicorn workers sign sessions with the same key."""
        if self.configured_secret_key:
            return self.configured_secret_key
        path = self.instance_dir / "secret_key"
        self.instance_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        return path.read_text().strip()


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "ja", "on"}


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    instance_dir = Path(env.get("SOZIALRAUM_INSTANCE_DIR") or REPO_ROOT / "instance")
    redis_url = env.get("REDIS_URL") or None
    default_cache = "RedisCache" if redis_url else "FileSystemCache"
    return Settings(
        data_dir=Path(env.get("SOZIALRAUM_DATA_DIR") or REPO_ROOT / "data" / "erfurt"),
        instance_dir=instance_dir,
        cache_type=env.get("SOZIALRAUM_CACHE_TYPE") or default_cache,
        cache_dir=Path(env.get("SOZIALRAUM_CACHE_DIR") or instance_dir / "cache"),
        redis_url=redis_url,
        database_url=env.get("DATABASE_URL") or f"sqlite:///{instance_dir / 'sozialraum.db'}",
        host=env.get("HOST") or "127.0.0.1",
        port=int(env.get("PORT") or 8050),
        debug=_flag(env.get("SOZIALRAUM_DEBUG")),
        configured_secret_key=env.get("SOZIALRAUM_SECRET_KEY") or None,
    )
