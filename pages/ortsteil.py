"""Ortsteil-Steckbrief (/ortsteil/<slug>): one area of any level, or the whole city, on one page:
head facts with a locator map and the Sozialindex history, a summary in plain German, every
indicator by theme (value, city value, difference, rank, changes, sparkline), the measures in
the area, facilities in and near it, similar areas, sources and data edition.

The page doubles as a two-page A4 print (assets/profile.css, `@media print`): the content is
split into two `.print-page` blocks; page one holds the head, map, summary and the first
themes (about 45 % of the indicator rows), page two the remaining themes, measures and
similar areas. `components/profile_pdf.py` prints this page with headless Chromium.

The layout depends only on the data package, the measures database revision and the slug:
built once and kept in the shared cache (all workers). Unknown slugs are not cached.
"""

from __future__ import annotations

import logging
import threading
from urllib.parse import unquote

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, clientside_callback, html

from components import profile_views as pv
from components.cache import cache
from components.data import get_package
from components.easy_language import einfach_erklaert
from components.locator_map import locator_map
from components.measures_store import get_store
from components.shell import notice
from sozialraum import formatting as fmt
from sozialraum import profile as pr
from sozialraum.package import DataPackage

P = "steckbrief"
PAGE_ONE_SHARE = 0.5    # share of the indicator rows printed on page one
WIDE_PAGE_ONE_SHARE = 0.62  # the city's and a Planungsraum's head is shorter (no Ortsteilrat, kind, Planungsraum)


def _slug(slug: str | None) -> str:
    """Dash hands the path variable over still percent-encoded ("M%C3%BChle")."""
    return unquote(slug or "")


def _title(slug: str | None = None, **_) -> str:
    try:
        place = pr.resolve(get_package(), _slug(slug))
    except pr.ProfileError:
        return "Gebiet nicht gefunden – Sozialraum-Monitor"
    return f"Steckbrief {place.name} – Sozialraum-Monitor"


dash.register_page(__name__, path_template="/ortsteil/<slug>", name="Ortsteil-Steckbrief", title=_title,
                   description="Steckbrief eines Ortsteils: Lage, Kennzahlen, Entwicklung und Maßnahmen", order=90)


def _warm() -> None:
    """The first profile of a process computes the Sozialindex of every year (about 0.5 s):
    do it in the background at start-up, not in somebody's page load."""
    try:
        pr.sozialindex_history(get_package())
    except Exception:
        logging.getLogger(__name__).exception("Sozialindex-Vorberechnung für den Steckbrief fehlgeschlagen")


threading.Thread(target=_warm, name="steckbrief-warm", daemon=True).start()

clientside_callback(
    """function(n) { if (n) { window.print(); } return window.dash_clientside.no_update; }""",
    Output(f"{P}-drucken", "title"),
    Input(f"{P}-drucken", "n_clicks"),
    prevent_initial_call=True,
)


def split_themes(themes: tuple[pr.ThemeGroup, ...], share: float = PAGE_ONE_SHARE) -> int:
    """How many themes go on printed page one: whole themes up to PAGE_ONE_SHARE of the rows
    (at least one)."""
    total = sum(len(t.rows) for t in themes)
    count = done = 0
    for theme in themes:
        if count and done + len(theme.rows) > share * total + 1e-9:
            break
        done += len(theme.rows)
        count += 1
    return count


def layout(slug: str | None = None, **_):
    package = get_package()
    try:
        place = pr.resolve(package, _slug(slug))
    except pr.ProfileError as err:
        return _unknown(err.message)
    store = get_store()
    return _layout(package.fingerprint, store.revision(), place.slug)


def _unknown(message: str) -> html.Div:
    return html.Div(className="steckbrief-unbekannt", children=[
        html.H1("Gebiet nicht gefunden"),
        notice(message),
        html.P(["Alle Ortsteile finden Sie in der ", html.A("Übersicht", href="/"), " und im ",
                html.A("Atlas", href="/atlas"), ". Den Steckbrief der ganzen Stadt zeigt ",
                html.A("/ortsteil/stadt", href="/ortsteil/stadt"), "."]),
        einfach_erklaert("ortsteil"),
    ])


@cache.memoize()
def _layout(fingerprint: str, revision: str, slug: str):
    package = get_package()
    return build(package, slug, get_store().frame())


def build(package: DataPackage, slug: str, measures_frame) -> html.Article:
    """The whole profile (no caching; `layout` caches it)."""
    prof = pr.profile(package, slug)
    place, h = prof.place, prof.head
    rows = {r.indicator_id: r for r in prof.rows}
    split = split_themes(prof.themes, PAGE_ONE_SHARE if h.ortsteilrat is not None or h.kind else WIDE_PAGE_ONE_SHARE)
    am = pr.measures(package, place, measures_frame)
    fac = pr.facilities(package, place)
    similar = pr.similar(package, place)
    kicker = "Steckbrief der Stadt" if place.is_city else f"{place.level_label}-Steckbrief"
    subtitle = place.level_label + (f" ({h.kind})" if h.kind else "")
    if h.planungsraum is not None:
        subtitle += f" im {h.planungsraum.name}"
    map_figure = locator_map(package, place)

    tools = html.Div(className="steckbrief-tools no-print", children=[
        html.A(["Als PDF herunterladen", html.Span(f" (Steckbrief {place.name})", className="visually-hidden")],
               href=pv.pdf_path(place.slug), className="btn btn-primary btn-sm", id=f"{P}-pdf",
               download=f"steckbrief_{place.slug}.pdf"),
        html.Button("Drucken", id=f"{P}-drucken", type="button", className="btn btn-outline-primary btn-sm"),
        html.A(["Tabelle als CSV", html.Span(f" (Indikatoren von {place.name})", className="visually-hidden")],
               href=pv.csv_path(place.slug), className="btn btn-outline-primary btn-sm", id=f"{P}-csv",
               download=f"steckbrief_{place.slug}.csv"),
        html.A("Im Atlas zeigen", href="/atlas" if place.is_city else f"/atlas?auswahl={place.slug}"
               if place.level == "ortsteil" else "/atlas", className="btn btn-link btn-sm"),
    ])
    summary = html.Section(className="steckbrief-summary", **{"aria-labelledby": f"{P}-kurz-titel"}, children=[
        html.H2("Das Wichtigste in Kürze", id=f"{P}-kurz-titel"),
        html.Div([html.P(s) for s in prof.summary], id=f"{P}-zusammenfassung"),
        html.P("Die Sätze werden aus den Daten erzeugt; sie nennen, was auffällt, keine Ursachen.",
               className="small text-body-secondary mb-0"),
    ])
    themes_one = [pv.theme_table(g, place, i) for i, g in enumerate(prof.themes[:split], start=1)]
    themes_two = [pv.theme_table(g, place, i) for i, g in enumerate(prof.themes[split:], start=split + 1)]
    sources = html.Section(className="steckbrief-block steckbrief-sources", **{"aria-labelledby": f"{P}-quellen-titel"},
                           children=[
        html.H2("Quellen und Datenstand", id=f"{P}-quellen-titel"),
        html.P([html.Strong(f"Stand der Daten: {fmt.day(package.edition)}. "),
                f"Quellen: {pv.sources_text(package)}. ",
                f"Lizenz: {package.meta.get('licence', fmt.MISSING)}. ",
                f"Sozialindex: {h.sozialindex_method}. " if h.sozialindex_method else "",
                html.Strong("Beispieldaten: generierte Zahlen, keine amtliche Statistik. ") if package.is_demo else "",
                html.A("Definitionen und Methodik", href="/methodik", className="no-print")],
               className="small"),
    ])
    page_one = html.Div(className="print-page print-page-1", children=[
        html.Div(className="steckbrief-title", children=[
            html.P(kicker, className="steckbrief-kicker"),
            html.H1(place.name, id=f"{P}-name"),
            html.P(subtitle, className="steckbrief-subtitle"),
        ]),
        tools,
        einfach_erklaert("ortsteil"),
        dbc.Row(className="g-3 steckbrief-top", children=[
            dbc.Col([summary, pv.head_facts(package, h, rows.get(pr.POPULATION_INDICATOR))], lg=8,
                    className="steckbrief-main-col"),
            dbc.Col(map_figure, lg=4, className="steckbrief-map-col") if map_figure is not None else None,
        ]),
        html.Section(className="steckbrief-indicators", **{"aria-labelledby": f"{P}-indikatoren-titel"}, children=[
            html.H2("Alle Indikatoren nach Themenfeldern", id=f"{P}-indikatoren-titel"),
            pv.table_explanation(place, package),
            *themes_one,
        ]),
        pv.edition_line(package, place),
    ])
    page_two = html.Div(className="print-page print-page-2", children=[
        html.Div(themes_two, className="steckbrief-indicators"),
        html.Div(className="steckbrief-bottom", children=[
            pv.measures_section(package, place, am),
            html.Div(className="steckbrief-side" + (" steckbrief-side-single" if place.is_city else ""), children=[
                pv.similar_section(package, place, similar),
                pv.facilities_section(fac, place),
            ]),
        ]),
        sources,
        pv.edition_line(package, place),
    ])
    return html.Article([page_one, page_two], className="steckbrief", id=P,
                        **{"data-slug": place.slug, "aria-labelledby": f"{P}-name"})
