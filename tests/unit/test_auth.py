"""Logins (components/auth.py, pages/anmelden.py) through the real app's Flask test client:
cookie flags, CSRF, open redirects, lockout, role changes, the login page and the header."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import flask_login
import pytest

PASSWORD = "richtig-geheim-1"       # of every user the flask_app fixture (conftest.py) creates
PAGES_OUTPUT = ".._pages_content.children..._pages_store.data.."


@pytest.fixture(autouse=True)
def _fresh_brake(flask_app):
    """Every test starts without failed-login counters or locks."""
    from components.cache import cache

    with flask_app.app_context():
        cache.clear()
    yield


@pytest.fixture
def store(flask_app):
    from components.measures_store import get_store

    return get_store()


def _own_user(store, name: str, role: str = "editor") -> str:
    """A user only this test changes (role, lock); created once, reset to `role` and active."""
    if store.get_user(name) is None:
        store.add_user(name, PASSWORD, role)
    store.set_role(name, role)
    store.set_active(name, True)
    return name


def _location(response) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(response.headers["Location"])
    assert not parts.scheme and not parts.netloc, response.headers["Location"]
    return parts.path, parse_qs(parts.query)


def _logged_in_as(client) -> str | None:
    with client.session_transaction() as session:
        return session.get("_user_id")


def _shell(client) -> str:
    """The shell layout as the browser loads it (header with the login state)."""
    response = client.get("/_dash-layout")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _page(client, path: str, search: str = "") -> dict:
    """A page's content as the Dash pages callback delivers it to the browser."""
    payload = {
        "output": PAGES_OUTPUT,
        "outputs": [{"id": "_pages_content", "property": "children"},
                    {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_json()["response"]


def _find(tree, **props) -> list[dict]:
    """All components in a serialised Dash tree whose props include `props`."""
    found = []
    if isinstance(tree, dict):
        p = tree.get("props")
        if isinstance(p, dict) and all(p.get(k) == v for k, v in props.items()):
            found.append(tree)
        for value in tree.values():
            found += _find(value, **props)
    elif isinstance(tree, list):
        for item in tree:
            found += _find(item, **props)
    return found


# ------------------------------------------------------------------------------ login


def test_login_sets_a_safe_session_cookie_and_redirects(client, login):
    response = login(client, "editor1", weiter="/massnahmen/M-2019-001")
    assert response.status_code == 303
    assert response.headers["Location"] == "/massnahmen/M-2019-001"
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("sozialraum_sitzung="))
    flags = [part.strip().lower() for part in session_cookie.split(";")]
    assert "httponly" in flags
    assert "samesite=lax" in flags
    assert "secure" not in flags                   # only with SOZIALRAUM_SECURE_COOKIES=1
    assert not any(f.startswith(("expires=", "max-age=")) for f in flags), "no remember-me cookie"
    assert not any(c.startswith("remember_token=") for c in cookies)
    assert _logged_in_as(client) == "editor1"


def test_login_rotates_the_session(client, login, csrf_for):
    before = csrf_for(client)
    with client.session_transaction() as session:
        session["fremd"] = "vor der Anmeldung"
    login(client, "editor1")
    with client.session_transaction() as session:
        assert "fremd" not in session
        assert session["csrf_token"] and session["csrf_token"] != before


def test_wrong_password_and_unknown_user_look_the_same(client, login, caplog):
    wrong = login(client, "editor1", password="falsch-falsch-1", weiter="/massnahmen/M-2019-001")
    unknown = login(client, "niemand", password="falsch-falsch-1", weiter="/massnahmen/M-2019-001")
    assert wrong.status_code == unknown.status_code == 303
    assert wrong.headers["Location"] == unknown.headers["Location"]
    path, query = _location(wrong)
    assert path == "/anmelden" and query == {"fehler": ["1"], "weiter": ["/massnahmen/M-2019-001"]}
    assert _logged_in_as(client) is None
    assert "falsch-falsch-1" not in caplog.text            # the password is never logged
    assert "editor1" in caplog.text


@pytest.mark.parametrize("token", [None, "", "falsch"])
def test_login_without_a_valid_csrf_token_is_refused(client, csrf_for, token):
    csrf_for(client)                     # the session has a token, the form sends another or none
    data = {"username": "editor1", "password": PASSWORD, "weiter": "/massnahmen"}
    if token is not None:
        data["csrf_token"] = token
    response = client.post("/auth/anmelden", data=data)
    assert response.status_code == 303
    assert _location(response) == ("/anmelden", {"fehler": ["sitzung"], "weiter": ["/massnahmen"]})
    assert _logged_in_as(client) is None


def test_login_without_any_session_is_refused(client):
    response = client.post("/auth/anmelden", data={"username": "editor1", "password": PASSWORD,
                                                   "csrf_token": "irgendwas"})
    assert _location(response)[1]["fehler"] == ["sitzung"]
    assert _logged_in_as(client) is None


@pytest.mark.parametrize("weiter", ["//evil.example", "https://evil.example", "/\\evil.example",
                                    "\\\\evil.example", "javascript:alert(1)", "evil.example",
                                    "/massnahmen\r\nSet-Cookie: x=1", "", "/auth/abmelden", "/anmelden"])
def test_no_open_redirect(client, login, weiter):
    response = login(client, "editor1", weiter=weiter)
    assert response.status_code == 303
    assert response.headers["Location"] == "/massnahmen"


def test_login_href():
    from components.auth import login_href

    assert login_href("/massnahmen/M-2019-001") == "/anmelden?weiter=/massnahmen/M-2019-001"
    assert login_href("/massnahmen?status=laufend&suche=a b") == \
        "/anmelden?weiter=/massnahmen%3Fstatus%3Dlaufend%26suche%3Da%20b"
    assert login_href("//evil.example") == "/anmelden"


def test_inactive_account_cannot_log_in(client, login, store):
    name = _own_user(store, "gesperrt1")
    store.set_active(name, False)
    response = login(client, name)
    assert _location(response)[1]["fehler"] == ["1"]       # same answer as a wrong password
    assert _logged_in_as(client) is None


def test_lockout_after_five_failures(client, login, store):
    name = _own_user(store, "bremse1")
    for _ in range(5):
        assert _location(login(client, name, password="falsch-falsch-1"))[1]["fehler"] == ["1"]
    # now even the right password is refused, with the lock message
    response = login(client, name)
    assert _location(response)[1]["fehler"] == ["gesperrt"]
    assert _logged_in_as(client) is None
    # the lock is per name (any spelling), not for everybody
    assert _location(login(client, name.upper()))[1]["fehler"] == ["gesperrt"]
    assert login(client, "editor1").headers["Location"] == "/massnahmen"


def test_lockout_also_for_unknown_names(client, login):
    for _ in range(5):
        login(client, "gibt-es-nicht", password="falsch-falsch-1")
    assert _location(login(client, "gibt-es-nicht"))[1]["fehler"] == ["gesperrt"]


def test_fewer_failures_do_not_lock_and_success_resets(client, login, store):
    name = _own_user(store, "bremse2")
    for _ in range(4):
        login(client, name, password="falsch-falsch-1")
    assert login(client, name).headers["Location"] == "/massnahmen"
    for _ in range(4):
        login(client, name, password="falsch-falsch-1")
    assert login(client, name).headers["Location"] == "/massnahmen"


# ------------------------------------------------------------------------------ logout


def test_logout_requires_post_and_csrf(client, login, csrf_for):
    login(client, "editor1")
    response = client.get("/auth/abmelden")
    assert _location(response) == ("/anmelden", {})
    assert _logged_in_as(client) == "editor1"
    response = client.post("/auth/abmelden", data={"csrf_token": "falsch"})
    assert _location(response)[1] == {"fehler": ["sitzung"]}
    assert _logged_in_as(client) == "editor1"
    response = client.post("/auth/abmelden", data={"csrf_token": csrf_for(client)})
    assert response.status_code == 303
    assert _location(response) == ("/anmelden", {"abgemeldet": ["1"]})
    assert _logged_in_as(client) is None
    assert "editor1" not in _shell(client)


def test_get_login_route_shows_the_form(client):
    response = client.get("/auth/anmelden?username=editor1&password=richtig-geheim-1")
    assert _location(response) == ("/anmelden", {})
    assert _logged_in_as(client) is None


# ------------------------------------------------------------------------------ roles per request


def test_role_change_and_lock_take_effect_without_relogin(client, login, store):
    name = _own_user(store, "wechsel1", "editor")
    login(client, name)
    assert "(Redaktion)" in _shell(client)
    store.set_role(name, "viewer")
    assert "(Lesen (angemeldet))" in _shell(client)
    store.set_role(name, "admin")
    assert "(Verwaltung)" in _shell(client)
    store.set_active(name, False)
    shell = json.loads(_shell(client))
    assert name not in json.dumps(shell) and _find(shell, href="/anmelden")


def test_roles_and_require(flask_app):
    from components import auth
    from sozialraum.store import User

    def as_user(user):
        with flask_app.test_request_context("/"):
            if user is not None:
                flask_login.login_user(auth._SessionUser(user))
            return (auth.current_user(), auth.can_edit(), auth.is_admin(),
                    _raises(auth.require_editor), _raises(auth.require_admin))

    assert as_user(None) == (None, False, False, True, True)
    assert as_user(User("v", "viewer"))[1:] == (False, False, True, True)
    assert as_user(User("e", "editor"))[1:] == (True, False, False, True)
    assert as_user(User("a", "admin"))[1:] == (True, True, False, False)
    assert auth.current_user() is None          # outside a request: anonymous
    with flask_app.test_request_context("/"):
        with pytest.raises(auth.Forbidden) as info:
            auth.require_editor()
        assert "melden Sie sich an" in info.value.message


def _raises(func) -> bool:
    from components.auth import Forbidden

    try:
        func()
    except Forbidden:
        return True
    return False


# ------------------------------------------------------------------------------ pages and header


def test_login_page_renders(client, csrf_for):
    assert client.get("/anmelden").status_code == 200
    page = _page(client, "/anmelden", "?fehler=1&weiter=/massnahmen/M-2019-001")
    content = page["_pages_content"]["children"]
    assert page["_pages_store"]["data"]["title"] == "Anmelden – Sozialraum-Monitor"
    form = _find(content, action="/auth/anmelden", method="POST")
    assert len(form) == 1
    assert _find(form, name="username", autoComplete="username", id="anmelden-benutzername")
    assert _find(form, name="password", type="password", autoComplete="current-password")
    assert _find(form, htmlFor="anmelden-benutzername") and _find(form, htmlFor="anmelden-passwort")
    assert _find(form, name="weiter", value="/massnahmen/M-2019-001")
    token = _find(form, name="csrf_token", type="hidden")[0]["props"]["value"]
    assert token == csrf_for(client)           # the page's token is the session's
    alert = _find(content, role="alert")
    assert alert and alert[0]["props"]["children"] == "Benutzername oder Passwort stimmt nicht."
    text = json.dumps(content, ensure_ascii=False)
    assert "Amt für Soziales" in text and "ohne Anmeldung" in text


def test_login_page_messages_and_unsafe_weiter(client):
    content = _page(client, "/anmelden", "?fehler=gesperrt&weiter=//evil.example")["_pages_content"]
    assert "Zu viele fehlgeschlagene" in _find(content, role="alert")[0]["props"]["children"]
    assert _find(content, name="weiter", value="/massnahmen")
    content = _page(client, "/anmelden", "?fehler=sitzung")["_pages_content"]
    assert "Sitzung" in _find(content, role="alert")[0]["props"]["children"]
    content = _page(client, "/anmelden", "?abgemeldet=1")["_pages_content"]
    assert _find(content, role="status")[0]["props"]["children"] == "Sie sind abgemeldet."
    assert not _find(content, role="alert")


def test_the_form_token_works_end_to_end(client):
    """Token from the rendered page -> POST -> logged in (what the browser does)."""
    content = _page(client, "/anmelden")["_pages_content"]
    token = _find(content, name="csrf_token")[0]["props"]["value"]
    response = client.post("/auth/anmelden", data={"username": "admin1", "password": PASSWORD,
                                                   "csrf_token": token, "weiter": "/"})
    assert response.headers["Location"] == "/"
    assert _logged_in_as(client) == "admin1"


def test_login_page_when_logged_in(client, login):
    login(client, "editor1")
    content = _page(client, "/anmelden")["_pages_content"]
    text = json.dumps(content, ensure_ascii=False)
    assert "Angemeldet als " in text and "editor1" in text and "(Redaktion)" in text
    assert not _find(content, action="/auth/anmelden")
    logout = _find(content, action="/auth/abmelden", method="POST")
    with client.session_transaction() as session:
        assert _find(logout, name="csrf_token", value=session["csrf_token"])


def test_header_login_state(client, login):
    anonymous = json.loads(_shell(client))
    assert _find(anonymous, href="/anmelden", children="Anmelden")
    assert not _find(anonymous, action="/auth/abmelden")
    login(client, "viewer1")
    shell = json.loads(_shell(client))
    assert "viewer1 (Lesen (angemeldet))" in re.sub(r"\s+", " ", "".join(_texts(shell)))
    form = _find(shell, action="/auth/abmelden", method="POST")
    assert form and _find(form, type="submit", children="Abmelden")
    with client.session_transaction() as session:
        assert _find(form, name="csrf_token", value=session["csrf_token"])


def test_responses_for_logged_in_users_are_not_cached(client, login):
    assert "no-store" not in client.get("/_dash-layout").headers.get("Cache-Control", "")
    login(client, "editor1")
    assert client.get("/_dash-layout").headers["Cache-Control"] == "no-store"


def test_anmelden_is_not_in_the_navigation(flask_app):
    from components.shell import nav_pages

    with flask_app.test_request_context("/"):
        assert "/anmelden" not in [p["path"] for p in nav_pages()]


def _texts(tree) -> list[str]:
    """Visible strings of a serialised Dash tree, in order ("Angemeldet als" is visually hidden)."""
    out: list[str] = []
    if isinstance(tree, str):
        out.append(tree)
    elif isinstance(tree, list):
        for item in tree:
            out += _texts(item)
    elif isinstance(tree, dict) and isinstance(tree.get("props"), dict):
        if "visually-hidden" not in (tree["props"].get("className") or ""):
            out += _texts(tree["props"].get("children"))
    return out
