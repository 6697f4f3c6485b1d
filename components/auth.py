"""Logins for the editing roles: sessions (flask-login), CSRF tokens, login and logout routes.

The public reads everything without an account. Accounts (created with
`python -m sozialraum user add NAME --role editor --password-stdin`) are for the editors of the
measures: viewer (logged in, read only), editor (edits measures), admin (also imports).

API used by pages and callbacks:

    init_auth(server)          app.py: LoginManager, cookie flags, POST /auth/anmelden, POST /auth/abmelden
    current_user()             sozialraum.store.User of this request, None for anonymous visitors
    can_edit(), is_admin()
    require_editor(), require_admin()   -> User, else raise Forbidden (German .message);
                               EVERY writing callback calls one of them first
    csrf_token()               value of the hidden input "csrf_token" of every non-Dash <form method=POST>
    login_href(next_path)      "/anmelden?weiter=/massnahmen/M-2019-001"

The user is looked up in the database on every request (role and lock take effect at once, no
re-login needed). The session is Flask's signed cookie: HttpOnly, SameSite=Lax, a browser-session
cookie (no "remember me"), accepted for at most SESSION_HOURS after login; flask-login's "strong"
session protection drops it when the browser's address or user agent changes.

Environment variable (document it next to those in sozialraum/settings.py):

| variable                  | default | meaning                                                        |
|---------------------------|---------|----------------------------------------------------------------|
| SOZIALRAUM_SECURE_COOKIES | 0       | 1 = session cookie only over HTTPS (set it in production, TLS) |

Brute-force brake: after MAX_FAILURES failed logins for one user name within LOCK_SECONDS, further
attempts for that name are refused for LOCK_SECONDS. The counter lives in the shared
flask-caching cache (file system or Redis), so it holds across gunicorn workers.
"""

from __future__ import annotations

import hmac
import logging
import os
import secrets
import time
from datetime import timedelta
from urllib.parse import quote, urlsplit

import flask
import flask_login

from components.cache import cache
from components.measures_store import get_store
from sozialraum.store import User

log = logging.getLogger(__name__)

LOGIN_PATH = "/anmelden"
DEFAULT_NEXT = "/massnahmen"
SESSION_HOURS = 8
MAX_FAILURES = 5
LOCK_SECONDS = 10 * 60
CSRF_FIELD = "csrf_token"
_CSRF_KEY = "csrf_token"
_MAX_NAME = 64
_YES = {"1", "true", "yes", "ja", "on"}


class Forbidden(Exception):
    """A writing action without the needed role; `.message` is German and fit for the page."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _SessionUser(flask_login.UserMixin):
    """What flask-login keeps per request: the store's User, freshly read from the database."""

    def __init__(self, user: User) -> None:
        self.user = user

    def get_id(self) -> str:
        return self.user.username

    @property
    def is_active(self) -> bool:
        return self.user.active


# ---------------------------------------------------------------------------------------- API


def current_user() -> User | None:
    """The logged-in, active user of this request; None for anonymous visitors and outside requests."""
    if not flask.has_request_context():
        return None
    proxy = flask_login.current_user
    if not getattr(proxy, "is_authenticated", False):
        return None
    user = getattr(proxy, "user", None)
    return user if user is not None and user.active else None


def can_edit() -> bool:
    user = current_user()
    return bool(user and user.can_edit)


def is_admin() -> bool:
    user = current_user()
    return bool(user and user.is_admin)


def require_editor() -> User:
    user = current_user()
    if user is None:
        raise Forbidden("Bitte melden Sie sich an, um Maßnahmen zu bearbeiten. Ihre Sitzung ist vielleicht "
                        "abgelaufen.")
    if not user.can_edit:
        raise Forbidden("Ihr Konto darf Maßnahmen nur lesen, nicht bearbeiten. Die Rechte vergibt die "
                        "Verwaltung im Amt für Soziales.")
    return user


def require_admin() -> User:
    user = current_user()
    if user is None:
        raise Forbidden("Bitte melden Sie sich an. Ihre Sitzung ist vielleicht abgelaufen.")
    if not user.is_admin:
        raise Forbidden("Das darf nur die Verwaltung (Rolle „admin“).")
    return user


def csrf_token() -> str:
    """This session's CSRF token (created on first use)."""
    token = flask.session.get(_CSRF_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        flask.session[_CSRF_KEY] = token
    return token


def login_href(next_path: str) -> str:
    """Link to the login page that returns to `next_path` afterwards (if it is a local path)."""
    target = safe_next(next_path, default="")
    return f"{LOGIN_PATH}?weiter={quote(target, safe='/')}" if target else LOGIN_PATH


def role_label(role: str) -> str:
    from sozialraum.measures import ROLE_LABELS

    return ROLE_LABELS.get(role, role)


# ---------------------------------------------------------------------------------------- helpers


def safe_next(target: str | None, default: str = DEFAULT_NEXT) -> str:
    """`target` if it is a path on this site ("/..."), else `default` (no open redirect)."""
    if not target or not isinstance(target, str) or len(target) > 500:
        return default
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    if parts.path.startswith(("/auth/", LOGIN_PATH)):
        return default
    return target


def _token_ok(sent: str | None) -> bool:
    expected = flask.session.get(_CSRF_KEY)
    if not isinstance(expected, str) or not expected or not isinstance(sent, str) or not sent:
        return False
    return hmac.compare_digest(sent.encode("utf-8"), expected.encode("utf-8"))


def _fail_key(username: str) -> str:
    return f"auth-fail:{username.strip().lower()[:_MAX_NAME]}"


def _lock_key(username: str) -> str:
    return f"auth-lock:{username.strip().lower()[:_MAX_NAME]}"


def is_locked(username: str) -> bool:
    return bool(cache.get(_lock_key(username)))


def _record_failure(username: str) -> None:
    now = time.time()
    record = cache.get(_fail_key(username))
    if not (isinstance(record, tuple) and len(record) == 2 and now - record[1] < LOCK_SECONDS):
        record = (0, now)
    record = (record[0] + 1, record[1])
    cache.set(_fail_key(username), record, timeout=LOCK_SECONDS)
    if record[0] >= MAX_FAILURES:
        cache.set(_lock_key(username), True, timeout=LOCK_SECONDS)
        cache.delete(_fail_key(username))
        log.warning("Anmeldung für Benutzer %r für %d Minuten gesperrt (%d Fehlversuche)",
                    username[:_MAX_NAME], LOCK_SECONDS // 60, record[0])


def _redirect(path: str, **params: str) -> flask.Response:
    query = "&".join(f"{k}={quote(v, safe='/')}" for k, v in params.items() if v)
    return flask.redirect(f"{path}?{query}" if query else path, code=303)


# ---------------------------------------------------------------------------------------- routes


def _login():
    if flask.request.method != "POST":        # a bookmarked or typed-in address: show the form
        return _redirect(LOGIN_PATH)
    form = flask.request.form
    weiter = safe_next(form.get("weiter"))
    if not _token_ok(form.get(CSRF_FIELD)):
        return _redirect(LOGIN_PATH, fehler="sitzung", weiter=weiter)
    username = (form.get("username") or "").strip()[:_MAX_NAME]
    password = form.get("password") or ""
    if not username or not password:
        return _redirect(LOGIN_PATH, fehler="1", weiter=weiter)
    if is_locked(username):
        log.warning("Anmeldung für gesperrten Benutzernamen %r von %s abgewiesen", username,
                    flask.request.remote_addr)
        return _redirect(LOGIN_PATH, fehler="gesperrt", weiter=weiter)
    user = get_store().verify_user(username, password)
    if user is None:
        log.warning("Anmeldung fehlgeschlagen: Benutzer %r von %s", username, flask.request.remote_addr)
        _record_failure(username)
        return _redirect(LOGIN_PATH, fehler="1", weiter=weiter)
    cache.delete(_fail_key(username))
    flask.session.clear()                       # a fresh session: nothing from before the login survives
    flask_login.login_user(_SessionUser(user), remember=False)
    flask.session[_CSRF_KEY] = secrets.token_urlsafe(32)
    log.info("Anmeldung: %s (%s) von %s", user.username, user.role, flask.request.remote_addr)
    return flask.redirect(weiter, code=303)


def _logout():
    if flask.request.method != "POST":        # never log out on a GET (links, prefetching)
        return _redirect(LOGIN_PATH)
    if not _token_ok(flask.request.form.get(CSRF_FIELD)):
        return _redirect(LOGIN_PATH, fehler="sitzung")
    user = current_user()
    flask_login.logout_user()
    flask.session.clear()
    if user is not None:
        log.info("Abmeldung: %s", user.username)
    return _redirect(LOGIN_PATH, abgemeldet="1")


def _load_user(username: str) -> _SessionUser | None:
    user = get_store().get_user(username)
    if user is None or not user.active:
        return None
    return _SessionUser(user)


_UNCACHED_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon")


def _no_store_for_users(response: flask.Response) -> flask.Response:
    """Pages and callback answers for a logged-in user name them: never keep them in a shared cache."""
    if not flask.request.path.startswith(_UNCACHED_PREFIXES) and current_user() is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


def init_auth(server: flask.Flask) -> None:
    """Sessions, cookie flags and the /auth routes on the app's Flask server."""
    secure = (os.environ.get("SOZIALRAUM_SECURE_COOKIES") or "").strip().lower() in _YES
    server.config.update(
        SESSION_COOKIE_NAME="sozialraum_sitzung",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),  # max. age of any session cookie
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_DURATION=timedelta(seconds=0),
    )
    manager = flask_login.LoginManager()
    manager.session_protection = "strong"
    manager.user_loader(_load_user)
    manager.init_app(server)
    server.add_url_rule("/auth/anmelden", "auth_anmelden", _login, methods=["GET", "POST"])
    server.add_url_rule("/auth/abmelden", "auth_abmelden", _logout, methods=["GET", "POST"])
    server.after_request(_no_store_for_users)
