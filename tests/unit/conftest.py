"""Shared fixtures of the unit tests.

`flask_app`: the real app (`import app`), imported once per test session -- a Dash app registers
its callbacks globally, so a second app in one process would misbehave. It runs on a temporary
instance folder (SQLite database, file-system cache, secret key) and has three users with the
password PASSWORD: viewer1 (viewer), editor1 (editor), admin1 (admin). Tests that change a user
(role, lock) create their own user instead of touching these.

`client`: a fresh Flask test client (own cookie jar) of that app per test.
`login(client, name)` (fixture returning a function): log a client in through the real
POST /auth/anmelden; returns the response.
`csrf_for(client)` (fixture returning a function): the client's session CSRF token, created the
way the login page creates it.
"""

from __future__ import annotations

import importlib
import os
import secrets
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "richtig-geheim-1"
USERS = {"viewer1": "viewer", "editor1": "editor", "admin1": "admin"}

_ENV_KEYS = ("SOZIALRAUM_INSTANCE_DIR", "SOZIALRAUM_CACHE_DIR", "SOZIALRAUM_CACHE_TYPE",
             "SOZIALRAUM_DATA_DIR", "DATABASE_URL", "REDIS_URL", "SOZIALRAUM_SECURE_COOKIES",
             "SOZIALRAUM_DEBUG")


@pytest.fixture(scope="session")
def flask_app(tmp_path_factory):
    """The app's Flask server (`app.server`), TESTING on, with users viewer1/editor1/admin1."""
    instance = tmp_path_factory.mktemp("app-instance")
    saved = {key: os.environ.get(key) for key in _ENV_KEYS}
    for key in ("REDIS_URL", "SOZIALRAUM_SECURE_COOKIES", "SOZIALRAUM_DEBUG"):
        os.environ.pop(key, None)
    os.environ.update({
        "SOZIALRAUM_INSTANCE_DIR": str(instance),
        "SOZIALRAUM_CACHE_DIR": str(instance / "cache"),
        "SOZIALRAUM_CACHE_TYPE": "FileSystemCache",
        "SOZIALRAUM_DATA_DIR": str(REPO / "data" / "erfurt"),
        "DATABASE_URL": f"sqlite:///{instance / 'sozialraum.db'}",
    })
    try:
        app_module = importlib.import_module("app")
        from components.measures_store import get_store

        store = get_store()
        existing = {u.username for u in store.list_users()}
        for name, role in USERS.items():
            if name not in existing:
                store.add_user(name, PASSWORD, role)
        server = app_module.server
        server.config["TESTING"] = True
        yield server
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture
def client(flask_app):
    with flask_app.test_client() as test_client:
        yield test_client


def _csrf_for(client) -> str:
    """The CSRF token of the client's session (set like csrf_token() does on the login page)."""
    with client.session_transaction() as session:
        token = session.get("csrf_token")
        if not token:
            token = session["csrf_token"] = secrets.token_urlsafe(32)
    return token


def _login(client, username: str, password: str = PASSWORD, weiter: str = "/massnahmen"):
    """POST /auth/anmelden as the login form does; returns the response (a 303 redirect)."""
    return client.post("/auth/anmelden", data={"username": username, "password": password,
                                               "csrf_token": _csrf_for(client), "weiter": weiter})


@pytest.fixture
def csrf_for():
    return _csrf_for


@pytest.fixture
def login():
    return _login
