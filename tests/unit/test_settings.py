"""Settings: documented defaults, environment overrides, a secret key generated once."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from sozialraum.settings import REPO_ROOT, load_settings


def test_defaults():
    s = load_settings({})
    assert s.data_dir == REPO_ROOT / "data" / "erfurt"
    assert s.instance_dir == REPO_ROOT / "instance"
    assert s.cache_type == "FileSystemCache"
    assert s.cache_dir == REPO_ROOT / "instance" / "cache"
    assert s.redis_url is None
    assert s.database_url == f"sqlite:///{REPO_ROOT / 'instance' / 'sozialraum.db'}"
    assert (s.host, s.port, s.debug) == ("127.0.0.1", 8050, False)


def test_repo_root_is_the_checkout():
    assert (REPO_ROOT / "sozialraum" / "settings.py").is_file()


def test_environment_overrides(tmp_path):
    env = {
        "SOZIALRAUM_DATA_DIR": str(tmp_path / "daten"),
        "SOZIALRAUM_INSTANCE_DIR": str(tmp_path / "inst"),
        "SOZIALRAUM_CACHE_TYPE": "SimpleCache",
        "SOZIALRAUM_CACHE_DIR": str(tmp_path / "c"),
        "REDIS_URL": "redis://localhost:6379/0",
        "DATABASE_URL": "postgresql://u@db/sozialraum",
        "HOST": "0.0.0.0",
        "PORT": "9000",
        "SOZIALRAUM_DEBUG": "1",
    }
    s = load_settings(env)
    assert s.data_dir == tmp_path / "daten"
    assert s.instance_dir == tmp_path / "inst"
    assert s.cache_type == "SimpleCache"
    assert s.cache_dir == tmp_path / "c"
    assert s.redis_url == "redis://localhost:6379/0"
    assert s.database_url == "postgresql://u@db/sozialraum"
    assert (s.host, s.port, s.debug) == ("0.0.0.0", 9000, True)


def test_instance_dir_moves_cache_and_database(tmp_path):
    s = load_settings({"SOZIALRAUM_INSTANCE_DIR": str(tmp_path)})
    assert s.cache_dir == tmp_path / "cache"
    assert s.database_url == f"sqlite:///{tmp_path / 'sozialraum.db'}"


def test_redis_url_switches_the_default_cache():
    assert load_settings({"REDIS_URL": "redis://r:6379/0"}).cache_type == "RedisCache"
    assert load_settings({"REDIS_URL": ""}).cache_type == "FileSystemCache"
    assert load_settings({"REDIS_URL": ""}).redis_url is None


@pytest.mark.parametrize("text, on", [("1", True), ("true", True), ("ja", True), ("YES", True), (" on ", True),
                                      ("0", False), ("", False), ("nein", False), ("false", False)])
def test_debug_flag(text, on):
    assert load_settings({"SOZIALRAUM_DEBUG": text}).debug is on


def test_empty_values_fall_back_to_defaults():
    s = load_settings({"PORT": "", "HOST": "", "SOZIALRAUM_DATA_DIR": ""})
    assert (s.port, s.host, s.data_dir) == (8050, "127.0.0.1", REPO_ROOT / "data" / "erfurt")


def test_explicit_dict_ignores_the_process_environment(monkeypatch):
    monkeypatch.setenv("PORT", "1234")
    assert load_settings({}).port == 8050
    assert load_settings().port == 1234


def test_secret_key_is_generated_once_and_stable(tmp_path, monkeypatch):
    monkeypatch.delenv("SOZIALRAUM_SECRET_KEY", raising=False)
    instance = tmp_path / "instance"  # does not exist yet
    s = load_settings({"SOZIALRAUM_INSTANCE_DIR": str(instance)})
    key = s.secret_key
    assert len(key) == 64 and int(key, 16) >= 0
    file = instance / "secret_key"
    assert file.read_text().strip() == key
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert s.secret_key == key
    assert load_settings({"SOZIALRAUM_INSTANCE_DIR": str(instance)}).secret_key == key  # e.g. another worker
    other = load_settings({"SOZIALRAUM_INSTANCE_DIR": str(tmp_path / "other")}).secret_key
    assert other != key


def test_secret_key_from_the_environment(tmp_path):
    s = load_settings({"SOZIALRAUM_INSTANCE_DIR": str(tmp_path / "inst"), "SOZIALRAUM_SECRET_KEY": "geheim"})
    assert s.secret_key == "geheim"
    assert not Path(tmp_path / "inst" / "secret_key").exists()


def test_secret_key_from_the_process_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SOZIALRAUM_SECRET_KEY", "aus-der-umgebung")
    monkeypatch.setenv("SOZIALRAUM_INSTANCE_DIR", str(tmp_path / "inst"))
    assert load_settings().secret_key == "aus-der-umgebung"
