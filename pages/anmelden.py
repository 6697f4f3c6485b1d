"""Anmelden: the login form for the editors of the measures (not in the main navigation).

A plain HTML form posted to /auth/anmelden (components/auth.py), not a Dash callback: the
browser's password manager works, and the session cookie is set by an ordinary redirect."""

from __future__ import annotations

import dash
from dash import dcc, html

from components.auth import (
    CSRF_FIELD,
    LOCK_SECONDS,
    csrf_token,
    current_user,
    role_label,
    safe_next,
)
from components.easy_language import einfach_erklaert

dash.register_page(__name__, path="/anmelden", name="Anmelden", title="Anmelden – Sozialraum-Monitor",
                   order=99, nav=False)

MESSAGES = {
    "1": "Benutzername oder Passwort stimmt nicht.",
    "gesperrt": f"Zu viele fehlgeschlagene Anmeldeversuche für diesen Benutzernamen. Bitte warten Sie "
                f"{LOCK_SECONDS // 60} Minuten und versuchen Sie es dann erneut.",
    "sitzung": "Ihre Sitzung ist abgelaufen oder das Formular war veraltet. Bitte versuchen Sie es noch "
               "einmal.",
}


def _hidden(name: str, value: str) -> dcc.Input:
    return dcc.Input(type="hidden", name=name, value=value)


def who_needs_an_account() -> html.Div:
    return html.Div([
        html.H2("Wer braucht ein Konto?", className="h5"),
        html.P("Alle Seiten des Sozialraum-Monitors – auch die Maßnahmen – sind ohne Anmeldung öffentlich "
               "lesbar. Ein Konto brauchen nur die Redaktion im Amt für Soziales und das Planungsbüro, um "
               "Maßnahmen anzulegen und zu bearbeiten.", className="mb-1"),
        html.P("Konten vergibt die Verwaltung im Amt für Soziales. Passwort vergessen? Bitte dort melden.",
               className="mb-0"),
    ], className="mt-4 text-body-secondary")


def login_form(weiter: str) -> html.Form:
    # No `required`: Dash's input style paints an empty required field's text red (axe: contrast);
    # an empty field gets the server's usual answer instead.
    return html.Form([
        _hidden(CSRF_FIELD, csrf_token()),
        _hidden("weiter", weiter),
        html.Div([
            html.Label("Benutzername", htmlFor="anmelden-benutzername", className="form-label"),
            dcc.Input(id="anmelden-benutzername", name="username", type="text", autoComplete="username",
                      maxLength=64, spellCheck=False, className="form-control"),
        ], className="mb-3"),
        html.Div([
            html.Label("Passwort", htmlFor="anmelden-passwort", className="form-label"),
            dcc.Input(id="anmelden-passwort", name="password", type="password",
                      autoComplete="current-password", maxLength=200,
                      className="form-control"),
        ], className="mb-3"),
        html.Button("Anmelden", type="submit", className="btn btn-primary"),
    ], method="POST", action="/auth/anmelden", id="anmelden-formular")


def logout_form() -> html.Form:
    return html.Form([
        _hidden(CSRF_FIELD, csrf_token()),
        html.Button("Abmelden", type="submit", className="btn btn-outline-primary"),
    ], method="POST", action="/auth/abmelden", className="d-inline")


def layout(fehler=None, weiter=None, abgemeldet=None, **_):
    user = current_user()
    target = safe_next(weiter)
    message = MESSAGES.get(str(fehler)) if fehler else None
    alert = html.Div(message, className="alert alert-danger", role="alert") if message else None
    if user is not None:
        body = [
            alert,
            html.P(["Angemeldet als ", html.Strong(user.username), f" ({role_label(user.role)})."]),
            html.Div([
                html.A("Weiter zu den Maßnahmen" if target == "/massnahmen" else "Weiter",
                       href=target, className="btn btn-primary"),
                logout_form(),
            ], className="d-flex flex-wrap gap-2"),
        ]
    else:
        done = html.Div("Sie sind abgemeldet.", className="alert alert-success", role="status") \
            if abgemeldet and not message else None
        body = [
            done,
            alert,
            html.P("Melden Sie sich an, um Maßnahmen zu bearbeiten."),
            login_form(target),
        ]
    return html.Div([
        html.H1("Anmelden" if user is None else "Angemeldet"),
        einfach_erklaert("anmelden"),
        *[b for b in body if b is not None],
        who_needs_an_account(),
    ], style={"maxWidth": "32rem"})
