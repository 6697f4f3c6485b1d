"""The app shell: skip link, header with navigation from the page registry and the login state,
demo banner, main landmark, footer with data edition and licence."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, clientside_callback, dcc, html

from components.area_search import area_search
from components.deck_builder import add_to_deck_control
from components.auth import CSRF_FIELD, LOGIN_PATH, csrf_token, current_user, role_label
from sozialraum import formatting as fmt
from sozialraum.package import DataPackage

MAIN_ID = "inhalt"
LOGIN_LINK_ID = "kopf-anmelden"

# The shell is built once per page load at /_dash-layout, which does not know the page; the
# header's "Anmelden" link learns the current page here, so login returns to it ("weiter").
clientside_callback(
    """function(path, search) {
        if (!path || path.indexOf('/anmelden') === 0) { return '/anmelden'; }
        return '/anmelden?weiter=' + encodeURIComponent(path + (search || '')).replace(/%2F/g, '/');
    }""",
    Output(LOGIN_LINK_ID, "href"),
    Input("_pages_location", "pathname"), Input("_pages_location", "search"),
)


def nav_pages() -> list[dict]:
    """Pages that opted into the navigation (`nav=True` in register_page), in `order`."""
    pages = [p for p in dash.page_registry.values() if p.get("nav")]
    return sorted(pages, key=lambda p: (p.get("order") or 0, p["name"]))


def header(package: DataPackage) -> html.Header:
    links = [
        html.Li(dbc.NavLink(page["name"], href=page["relative_path"], active="exact",
                            id=f"nav-{page['module'].split('.')[-1]}"), className="nav-item")
        for page in nav_pages()
    ]
    return html.Header(className="app-header", children=html.Div(className="container-xl", children=[
        html.A([html.Span("Sozialraum-Monitor", className="brand-name"),
                html.Span(package.city, className="brand-city")],
               href="/", className="brand", **{"aria-label": f"Sozialraum-Monitor {package.city}, zur Übersicht"}),
        html.Nav(html.Ul(links, className="nav app-nav"), **{"aria-label": "Hauptnavigation"}),
        area_search(package, "kopf-suche", variant="header"),
        login_state(),
    ]))


def login_state() -> html.Div:
    """Anonymous: a small "Anmelden" link. Logged in: name (role) and an "Abmelden" button
    (a POST form with the CSRF token). The shell is built per page load, so this is current."""
    user = current_user()
    if user is None:
        return html.Div(html.A("Anmelden", href=LOGIN_PATH, id=LOGIN_LINK_ID,
                               className="btn btn-sm btn-outline-light"), className="app-login")
    return html.Div(className="app-login d-flex flex-wrap align-items-center gap-2", children=[
        html.Span([html.Span("Angemeldet als ", className="visually-hidden"), user.username,
                   f" ({role_label(user.role)})"], className="small"),
        html.Form([
            dcc.Input(type="hidden", name=CSRF_FIELD, value=csrf_token()),
            html.Button("Abmelden", type="submit", className="btn btn-sm btn-outline-light"),
        ], method="POST", action="/auth/abmelden", className="m-0"),
    ])


def demo_banner(package: DataPackage) -> html.Div | None:
    if not package.is_demo:
        return None
    return html.Div(className="demo-banner", role="note", children=html.Div(className="container-xl", children=[
        html.Strong("Beispieldaten: "),
        "Alle Kennzahlen auf diesen Seiten sind generiert und zeigen nicht die tatsächliche Lage in "
        f"{package.city}. Echt sind nur Namen, Siedlungstyp, Ortsteilräte, Einwohnerzahlen, Flächen "
        "und Lage der Ortsteile.",
    ]))


def footer(package: DataPackage) -> html.Footer:
    parts = [
        html.Span(["Datenstand: ", html.Strong(f"Stand {fmt.day(package.edition)}")]),
        html.Span(f"Lizenz der Daten: {package.meta.get('licence', '–')}"),
    ]
    if package.meta.get("publisher"):
        parts.append(html.Span(f"Herausgeber: {package.meta['publisher']}"))
    if package.is_demo:
        parts.append(html.Span([html.Strong("Beispieldaten"), " – keine amtlichen Zahlen"]))
    return html.Footer(className="app-footer", children=html.Div(className="container-xl", children=[
        html.P(parts, className="footer-facts"),
        html.Nav(html.Ul([
            html.Li(html.A("Über / Methodik", href="/methodik")),
            html.Li(html.A("Leichte Sprache", href="/leichte-sprache")),
            html.Li(html.A("Erklärung zur Barrierefreiheit", href="/barrierefreiheit")),
        ], className="footer-links"), **{"aria-label": "Weitere Seiten"}),
        html.P("Geheimhaltung: „·“ = Wert wegen zu kleiner Fallzahl nicht veröffentlicht, „–“ = keine Angabe",
               className="small mb-0"),
    ]))


def shell(package: DataPackage, content) -> html.Div:
    return html.Div(className="app", children=[
        html.A("Zum Inhalt springen", href=f"#{MAIN_ID}", className="skip-link"),
        header(package),
        demo_banner(package),
        html.Main(html.Div([add_to_deck_control(), content], className="container-xl"), id=MAIN_ID, tabIndex=-1),
        footer(package),
    ])


def notice(text: str, tone: str = "warning") -> html.Div:
    """A visible message, announced to screen readers (e.g. an unknown value in the URL)."""
    return html.Div(text, className=f"alert alert-{tone}", role="status")
