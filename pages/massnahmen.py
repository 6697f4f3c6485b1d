"""Maßnahmen: measures against the six Leitlinien, in linked views.

The filter (Leitlinie, status, area, search) is the URL. `sync_filter` turns every click (a
Leitlinie card, a status segment, a map area, a point of "Bedarf und Handeln") and every
control into the URL and the filter store; the layout arrives with every view drawn for the URL's
filter, and `render` redraws them when the store changes; the table
(AG Grid, infinite row model) asks the server for the rows it shows, filtered and sorted there.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, Input, Output, State, callback, clientside_callback, ctx, dcc, html, no_update

from components import measure_views as mv
from components.area_search import profile_button
from components.auth import can_edit, is_admin
from components.charts import chart_figure, table_is_open
from components.data import get_package
from components.downloads_measures import href as csv_href
from components.easy_language import einfach_erklaert
from components.measures_store import get_store
from components.shell import notice
from sozialraum import measure_analysis as ma
from sozialraum.schema import MEASURE_STATUS_LABELS, MEASURE_STATUSES
from sozialraum.viewstate import default_level, parse_search, to_search

dash.register_page(__name__, path="/massnahmen", title="Maßnahmen – Sozialraum-Monitor", name="Maßnahmen",
                   order=40, nav=True, description="Maßnahmen der Sozialraumplanung nach den sechs Leitlinien: Stand, "
                                         "Zeitplan, Gebiete und Bedarf")

P = "massnahmen"
AG_GRID_GERMAN = {
    "contains": "enthält", "notContains": "enthält nicht", "equals": "ist gleich", "notEqual": "ist nicht gleich",
    "startsWith": "beginnt mit", "endsWith": "endet mit", "blank": "leer", "notBlank": "nicht leer",
    "lessThan": "kleiner als", "greaterThan": "größer als", "lessThanOrEqual": "kleiner oder gleich",
    "greaterThanOrEqual": "größer oder gleich", "inRange": "zwischen", "inRangeStart": "von", "inRangeEnd": "bis",
    "before": "vor", "after": "nach", "filterOoo": "Filtern …", "andCondition": "UND", "orCondition": "ODER",
    "applyFilter": "Anwenden", "resetFilter": "Zurücksetzen", "clearFilter": "Leeren", "cancelFilter": "Abbrechen",
    "noRowsToShow": "Keine Maßnahmen", "loadingOoo": "Wird geladen …", "page": "Seite", "to": "bis", "of": "von",
    "more": "mehr", "ariaFilterInput": "Filtereingabe", "ariaFilteringOperator": "Filterbedingung",
    "ariaColumnFilter": "Spaltenfilter",
    "ariaFilterValue": "Filterwert", "dateFormatOoo": "jjjj-mm-tt",
    "ariaLabelColumnFilter": "Spaltenfilter", "ariaFilterToValue": "Filter bis Wert",
    "ariaFilterFromValue": "Filter ab Wert", "ariaFilterColumn": "Strg+Eingabe öffnet den Filter",
    "ariaFilterColumnsInput": "Spaltenfilter", "ariaPageSizeSelectorLabel": "Zeilen je Seite",
    "firstPage": "Erste Seite", "previousPage": "Vorige Seite", "nextPage": "Nächste Seite",
    "lastPage": "Letzte Seite", "ariaMenuColumn": "Alt+Pfeil nach unten öffnet das Spaltenmenü",
    "ariaSortableColumn": "Eingabetaste sortiert", "ariaColumnSelectAll": "Alle Spalten wählen",
    "ariaRowSelect": "Zeile wählen", "ariaChecked": "ausgewählt", "ariaUnchecked": "nicht ausgewählt",
    "ariaHidden": "verborgen", "ariaVisible": "sichtbar", "ariaSearch": "Suchen",
}
ALL_VALUE = "alle"   # the "no filter" option of the selects (an empty value shows a blank select)
DEFAULT_COLUMNS = ("measure_id", "title", "leitlinien", "status", "areas", "responsible", "planned_end",
                   "progress", "budget_planned")


def column_defs(visible: list[str]) -> list[dict]:
    defs = []
    for col in ma.GRID_COLUMNS:
        d = {"field": col.field, "headerName": col.header, "hide": col.field not in visible,
             "filter": {"text": "agTextColumnFilter", "number": "agNumberColumnFilter",
                        "date": "agDateColumnFilter"}[col.type],
             "filterParams": {"maxNumConditions": 2, "buttons": ["reset"]}}
        if col.field == "measure_id":
            # Ids match [A-Za-z0-9_.-]: safe inside a Markdown link; the title stays plain text.
            d.update(cellRenderer="markdown", pinned="left", width=130)
        if col.field == "title":
            # A fixed width, not flex: with flex AG Grid hides header and cells until it has
            # measured itself, which never happens off screen (axe: empty table on a phone).
            d.update(width=320, wrapText=False, tooltipField="title")
        if col.type == "number":
            d.update(type="rightAligned",
                     valueFormatter={"function": "params.value == null ? '' : "
                                                 "Number(params.value).toLocaleString('de-DE')"})
        if col.type == "date":
            d.update(valueFormatter={"function": "params.value ? params.value.split('-').reverse().join('.') : ''"})
        defs.append(d)
    return defs


def _options_areas(package) -> list[dict]:
    frame = package.area_frames[default_level(package)].sort_values("name")
    return [{"label": "alle Gebiete", "value": ALL_VALUE}] + [
        {"label": n, "value": a} for a, n in zip(frame["area_id"], frame["name"])]


def _controls(package, f: ma.MeasureFilter) -> html.Div:
    leitlinien = package.leitlinien
    return html.Div(className="row g-2 align-items-end mb-3", children=[
        html.Div(className="col-12 col-md-4", children=[
            dbc.Label("Suche (Titel, Beschreibung, Träger …)", html_for=f"{P}-suche"),
            dbc.Input(id=f"{P}-suche", type="search", value=f.search, debounce=True, maxLength=ma.MAX_SEARCH,
                      placeholder="z. B. Quartier, Jobcenter, M-2023-004", autoComplete="off"),
        ]),
        html.Div(className="col-6 col-md-3", children=[
            dbc.Label("Leitlinie", html_for=f"{P}-leitlinie"),
            dbc.Select(id=f"{P}-leitlinie", value=str(f.leitlinie or ALL_VALUE), options=[
                {"label": "alle Leitlinien", "value": ALL_VALUE}] + [
                {"label": f"{n} – {leitlinien.at[n, 'title']}" if n in leitlinien.index else str(n), "value": str(n)}
                for n in ma.LEITLINIE_NUMBERS]),
        ]),
        html.Div(className="col-6 col-md-2", children=[
            dbc.Label("Status", html_for=f"{P}-status"),
            dbc.Select(id=f"{P}-status", value=f.status or ALL_VALUE, options=[{"label": "alle", "value": ALL_VALUE}] + [
                {"label": MEASURE_STATUS_LABELS[s], "value": s} for s in MEASURE_STATUSES]),
        ]),
        html.Div(className="col-8 col-md-2", children=[
            dbc.Label("Gebiet", html_for=f"{P}-gebiet"),
            dbc.Select(id=f"{P}-gebiet", value=f.area_id or ALL_VALUE, options=_options_areas(package)),
        ]),
        html.Div(className="col-4 col-md-1", children=[
            dbc.Button("Alle Filter aufheben", id=f"{P}-zuruecksetzen", color="secondary", outline=True,
                       size="sm", className="w-100"),
        ]),
    ])


def _grid(list_finding: str) -> html.Div:
    return html.Section(className="mt-4", **{"aria-labelledby": f"{P}-liste-titel"}, children=[
        html.H2("Liste der Maßnahmen", id=f"{P}-liste-titel", className="h4"),
        html.P(list_finding, id=f"{P}-liste-aussage", className="chart-finding"),
        html.Div(className="d-flex flex-wrap gap-2 mb-2", children=[
            html.Details(className="me-auto", children=[
                html.Summary("Spalten wählen"),
                dbc.Checklist(id=f"{P}-spalten", inline=True, className="small mt-1",
                              value=list(DEFAULT_COLUMNS),
                              options=[{"label": c.header, "value": c.field} for c in ma.GRID_COLUMNS]),
            ]),
            dbc.Button("CSV herunterladen", id=f"{P}-export-csv", color="primary", outline=True, size="sm"),
            dbc.Button("Excel (XLSX) herunterladen", id=f"{P}-export-xlsx", color="primary", outline=True, size="sm"),
            dcc.Download(id=f"{P}-download"),
        ]),
        html.P("Spaltenfilter und Sortierung im Tabellenkopf gelten auch für die Downloads. "
               "Ein Klick auf die Maßnahmen-ID öffnet alle Angaben und den Verlauf.", className="small"),
        dag.AgGrid(
            id=f"{P}-tabelle", columnDefs=column_defs(list(DEFAULT_COLUMNS)), rowModelType="infinite",
            defaultColDef={"sortable": True, "resizable": True, "floatingFilter": False, "minWidth": 110},
            dashGridOptions={"cacheBlockSize": 100, "maxBlocksInCache": 20, "rowBuffer": 10,
                             "localeText": AG_GRID_GERMAN, "tooltipShowDelay": 300, "animateRows": False,
                             "suppressCellFocus": False, "ensureDomOrder": True},
            style={"height": "520px", "width": "100%"},
        ),
    ])


def layout(**query):
    package = get_package()
    f, notices = ma.filter_from_query(package, query)
    query = ma.filter_to_query(package, f)
    view = dict(zip(VIEW_OUTPUTS, render(query)))
    editor = can_edit()
    tools = []
    if editor:
        tools.append(dbc.Button("Neue Maßnahme", href="/massnahmen/neu", color="primary", size="sm"))
    if is_admin():
        tools.append(dbc.Button("Sammelimport", href="/massnahmen/import", color="secondary", outline=True, size="sm"))
    return html.Div([
        dcc.Location(id=f"{P}-url", refresh=False),
        dcc.Store(id=f"{P}-filter", data=query),
        html.Div(className="d-flex flex-wrap align-items-baseline gap-2", children=[
            html.H1("Maßnahmen", className="me-auto"), *tools]),
        html.P(["Was ist geplant, was läuft, was ist umgesetzt – nach den sechs sozialpolitischen Leitlinien. "
                "Ein Klick auf eine Leitlinie, einen Status, ein Gebiet in der Karte oder einen Punkt unter "
                "„Bedarf und Handeln“ filtert alle Ansichten und die Liste; die Auswahl steht in der Adresse "
                "und lässt sich teilen."], className="lead"),
        einfach_erklaert("massnahmen"),
        html.Div(id=f"{P}-hinweise", children=[notice(n) for n in notices]),
        _controls(package, f),
        html.Div(view["auswahl", "children"], id=f"{P}-auswahl", className="mb-2", **{"aria-live": "polite"}),
        html.Section(**{"aria-labelledby": f"{P}-karten-titel"}, children=[
            html.H2("Leitlinien", id=f"{P}-karten-titel", className="visually-hidden"),
            html.Div(view["karten", "children"], id=f"{P}-karten", className="row g-2 leitlinien-karten"),
        ]),
        html.Div(className="row g-4 mt-1", children=[
            html.Div(className="col-12 col-xl-6", children=chart_figure(
                f"{P}-status", "Status nach Leitlinie", view["status-aussage", "children"],
                view["status-graph", "figure"], None, view["status-csv", "href"], heading_level=2)),
            html.Div(className="col-12 col-xl-6", children=chart_figure(
                f"{P}-bedarf", "Bedarf und Handeln: sind die Maßnahmen dort, wo der Bedarf ist?",
                view["bedarf-aussage", "children"], view["bedarf-graph", "figure"], None, view["bedarf-csv", "href"],
                heading_level=2,
                notes=["Ein Punkt je Ortsteil. Mehr Maßnahmen heißt nicht mehr Wirkung; Größe und Budget "
                       "der Maßnahmen sind hier nicht gewichtet."])),
            html.Div(className="col-12 col-xl-6", children=[
                chart_figure(f"{P}-karte", "Maßnahmen je Ortsteil", view["karte-aussage", "children"],
                             view["karte-graph", "figure"], None, view["karte-csv", "href"], heading_level=2),
                html.Div(view["gesamtstaedtisch", "children"], id=f"{P}-gesamtstaedtisch"),
            ]),
            html.Div(className="col-12 col-xl-6", children=chart_figure(
                f"{P}-zeitplan", "Zeitplan", view["zeitplan-aussage", "children"],
                view["zeitplan-graph", "figure"], None, view["zeitplan-csv", "href"], heading_level=2,
                notes=["Balken von Beginn bis Ende (tatsächlich, sonst geplant); schraffiert mit schwarzem Rand: "
                       "überfällig. Gestrichelte Linie: heute."])),
        ]),
        _grid(view["liste-aussage", "children"]),
        html.P(view["quelle", "children"], id=f"{P}-quelle", className="small text-body-secondary mt-3"),
    ])


# ---- the filter: URL <-> controls <-> clicks -------------------------------------------------

def _status_scope(f: ma.MeasureFilter) -> ma.MeasureFilter:
    """The status chart shows every Leitlinie and status: it ignores those two criteria."""
    return replace(f, leitlinie=None, status=None)


def _area_scope(f: ma.MeasureFilter) -> ma.MeasureFilter:
    """Map and need chart show every Ortsteil: they ignore the area criterion."""
    return replace(f, area_id=None)


def _toggle(current, new):
    return None if current == new else new


@callback(
    Output(f"{P}-url", "search"), Output(f"{P}-filter", "data"),
    Output(f"{P}-leitlinie", "value"), Output(f"{P}-status", "value"), Output(f"{P}-gebiet", "value"),
    Output(f"{P}-suche", "value"),
    Output(f"{P}-status-graph", "clickData"), Output(f"{P}-karte-graph", "clickData"),
    Output(f"{P}-bedarf-graph", "clickData"),
    Input(f"{P}-url", "search"), Input({"type": f"{P}-karte-knopf", "index": ALL}, "n_clicks"),
    Input(f"{P}-status-graph", "clickData"), Input(f"{P}-karte-graph", "clickData"),
    Input(f"{P}-bedarf-graph", "clickData"),
    Input(f"{P}-leitlinie", "value"), Input(f"{P}-status", "value"), Input(f"{P}-gebiet", "value"),
    Input(f"{P}-suche", "value"), Input(f"{P}-zuruecksetzen", "n_clicks"),
    Input({"type": f"{P}-filter-weg", "index": ALL}, "n_clicks"),
    State(f"{P}-filter", "data"),
    prevent_initial_call=True,
)
def sync_filter(search, _cards, status_click, map_click, need_click, leitlinie, status, gebiet, suche, _reset,
                _remove, current):
    package = get_package()
    trigger = ctx.triggered_id
    f, _ = ma.filter_from_query(package, current or {})
    if trigger == f"{P}-url" or trigger is None:
        f, _ = ma.filter_from_query(package, parse_search(search))
    elif isinstance(trigger, dict) and trigger.get("type") == f"{P}-karte-knopf":
        if not ctx.triggered[0]["value"]:   # a card re-rendered, not clicked
            return (no_update,) * 9
        f = replace(f, leitlinie=_toggle(f.leitlinie, int(trigger["index"])))
    elif isinstance(trigger, dict) and trigger.get("type") == f"{P}-filter-weg":
        if not ctx.triggered[0]["value"]:
            return (no_update,) * 9
        part = trigger["index"]
        f = ma.MeasureFilter(None if part == "leitlinie" else f.leitlinie, None if part == "status" else f.status,
                             None if part == "gebiet" else f.area_id, "" if part == "suche" else f.search)
    elif trigger == f"{P}-status-graph" and status_click:
        number, key = status_click["points"][0]["customdata"]
        same = f.leitlinie == int(number) and f.status == key
        f = ma.MeasureFilter(None if same else int(number), None if same else key, f.area_id, f.search)
    elif trigger in (f"{P}-karte-graph", f"{P}-bedarf-graph") and (map_click or need_click):
        click = map_click if trigger == f"{P}-karte-graph" else need_click
        area = click["points"][0].get("customdata", [None])[0] if click.get("points") else None
        if area is None:
            return (no_update,) * 9
        f = replace(f, area_id=_toggle(f.area_id, str(area)))
    elif trigger == f"{P}-zuruecksetzen":
        f = ma.MeasureFilter()
    elif trigger in (f"{P}-leitlinie", f"{P}-status", f"{P}-gebiet", f"{P}-suche"):
        def chosen(value):
            return "" if value in (None, ALL_VALUE) else value

        f, _ = ma.filter_from_query(package, {"leitlinie": chosen(leitlinie), "status": chosen(status),
                                              "gebiet": chosen(gebiet), "suche": suche or ""})
    query = ma.filter_to_query(package, f)
    new_search = to_search(query)
    url = no_update if new_search == (search or "") else new_search
    # An unchanged filter must not redraw the views or make the table fetch its rows again.
    data = no_update if query == (current or {}) else query
    return (url, data, str(f.leitlinie or ALL_VALUE), f.status or ALL_VALUE, f.area_id or ALL_VALUE, f.search,
            None, None, None)


# ---- all views from the filter ---------------------------------------------------------------

def _cards(cards: list[dict], selected: int | None) -> list:
    out = []
    for card in cards:
        n = card["number"]
        pressed = selected == n
        counts = ", ".join(f"{c} {MEASURE_STATUS_LABELS[s]}" for s, c in card["status_counts"].items() if c)
        out.append(html.Div(className="col-12 col-sm-6 col-lg-4 col-xxl-2", children=html.Button(
            id={"type": f"{P}-karte-knopf", "index": n}, n_clicks=0, type="button",
            className="leitlinie-karte w-100 text-start" + (" aktiv" if pressed else ""),
            **{"aria-pressed": "true" if pressed else "false"},
            children=[
                html.Span(f"Leitlinie {n}" + (" ✓ gewählt" if pressed else ""), className="karte-nummer"),
                html.Span(card["title"], className="karte-titel"),
                html.Span([html.Strong(str(card["count"])), " Maßnahmen",
                           f" (davon {card['primary']} hauptsächlich)"], className="karte-zahl"),
                html.Span(f"umgesetzt oder verstetigt: {mv.percent(None if card['share_done'] is None else 100 * card['share_done'])}"
                          f" · Fortschritt im Mittel: {mv.percent(card['mean_progress'])}", className="karte-stand"),
                html.Span(f"Budget: {mv.euro(card['budget_planned'])} geplant, {mv.euro(card['budget_spent'])} "
                          "verausgabt", className="karte-budget"),
                html.Span(counts or "keine Maßnahmen", className="karte-status"),
            ])))
    return out


def _chips(package, f: ma.MeasureFilter, n: int, total: int) -> list:
    parts = []
    if f.leitlinie:
        parts.append(("leitlinie", f"Leitlinie {f.leitlinie}"))
    if f.status:
        parts.append(("status", f"Status: {MEASURE_STATUS_LABELS[f.status]}"))
    if f.area_id:
        parts.append(("gebiet", f"Gebiet: {package.areas.at[f.area_id, 'name']}"))
    if f.search:
        parts.append(("suche", f"Suche: „{f.search}“"))
    text = f"{n} von {total} Maßnahmen" + (" (alle)" if not parts else " – gefiltert nach:")
    chips = [dbc.Button([label, html.Span(" ×", **{"aria-hidden": "true"}),
                         html.Span(" (Filter entfernen)", className="visually-hidden")],
                        id={"type": f"{P}-filter-weg", "index": key}, n_clicks=0, size="sm", color="light",
                        className="border me-1 mb-1") for key, label in parts]
    profile = []
    if f.area_id:  # the chosen area (filter, a map area or a point): its profile one click away
        profile = [profile_button(str(package.areas.at[f.area_id, "name"]), str(package.areas.at[f.area_id, "slug"]),
                                  id=f"{P}-steckbrief")]
    return [html.Span(text, className="me-2 fw-semibold"), *chips, *profile]


# Every view the filter drives, in the order `_views` returns them. The page layout is drawn with
# them already filled in (no empty charts, no extra round trip); `render` redraws them on a change.
VIEW_OUTPUTS = (
    ("karten", "children"), ("auswahl", "children"),
    ("status-graph", "figure"), ("status-aussage", "children"), ("status-csv", "href"),
    ("zeitplan-graph", "figure"), ("zeitplan-aussage", "children"), ("zeitplan-csv", "href"),
    ("karte-graph", "figure"), ("karte-aussage", "children"), ("karte-csv", "href"),
    ("gesamtstaedtisch", "children"),
    ("bedarf-graph", "figure"), ("bedarf-aussage", "children"), ("bedarf-csv", "href"),
    ("liste-aussage", "children"), ("quelle", "children"),
)


@callback(
    *[Output(f"{P}-{part}", prop) for part, prop in VIEW_OUTPUTS],
    Input(f"{P}-filter", "data"),
    prevent_initial_call=True,
)
def render(query):
    query = query or {}
    # The same view for everybody until the next write: remembered per database revision.
    key = ("massnahmen-ansicht", get_package().fingerprint, date.today(), tuple(sorted(query.items())))
    return get_store().memo(key, lambda: _views(query))


def _views(query: dict) -> tuple:
    package = get_package()
    f, _ = ma.filter_from_query(package, query)
    everything = get_store().frame()
    frame = ma.apply_filter(everything, f, package)
    today = date.today()
    level = default_level(package)

    # Cards ignore their own criterion (Leitlinie) so all six stay comparable and clickable.
    card_frame = ma.apply_filter(everything, replace(f, leitlinie=None), package)
    cards = _cards(ma.leitlinie_cards(card_frame, package), f.leitlinie)
    status_frame = ma.apply_filter(everything, _status_scope(f), package)
    status_table = ma.status_by_leitlinie(status_frame)

    timeline = ma.timeline(frame, today)
    map_frame = ma.apply_filter(everything, _area_scope(f), package)
    counts = ma.area_counts(map_frame, package, level)
    citywide = counts.citywide
    need, need_label, need_explanation = ma.default_need(package)
    need_table = ma.need_vs_action(map_frame, package, need)

    city_list = html.Div(className="small", children=[
        html.H3(f"Gesamtstädtische Maßnahmen ({len(citywide)})", className="h6 mt-2"),
        html.P("Sie gelten für die ganze Stadt und stehen deshalb nicht in der Karte.") if len(citywide) else
        html.P("Keine gesamtstädtische Maßnahme erfüllt die Filter."),
        html.Ul([html.Li(dcc.Link(f"{m} {t}", href=f"/massnahmen/{m}"))
                 for m, t in zip(citywide["measure_id"].head(30), citywide["title"].head(30))]),
        html.P(f"… und {len(citywide) - 30} weitere (siehe Liste).") if len(citywide) > 30 else None,
    ])
    stamp = everything["updated_at"].max() if len(everything) else None
    source = ("Quelle: Maßnahmendatenbank der Sozialraumplanung (Startbestand aus dem Integrierten "
              "Sozialraumplan)" + ("; Beispieldaten" if package.is_demo else "")
              + (f" · letzte Änderung {stamp:%d.%m.%Y}" if stamp is not None else "")
              + f" · Bedarf: {need_explanation}")
    return (
        cards, _chips(package, f, len(frame), len(everything)),
        mv.status_chart(status_table, (f.leitlinie, f.status)), mv.status_finding(status_frame, status_table),
        csv_href("status", query),
        mv.gantt(timeline.frame, today), mv.gantt_finding(timeline, today), csv_href("zeitplan", query),
        mv.measures_map(package, counts.table, level, f.area_id), mv.map_finding(counts.table, len(citywide)),
        csv_href("gebiete", query), city_list,
        mv.need_chart(need_table, need_label, f.area_id, mv.need_categories(need)), mv.need_finding(need_table),
        csv_href("bedarf", query),
        f"{len(frame)} Maßnahmen erfüllen die Filter oben; die Spaltenfilter der Tabelle grenzen weiter ein.",
        source,
    )


# ---- the charts' data tables: built only when opened (they cost the browser more than the charts)

def _chart_table(chart: str, query: dict):
    package = get_package()
    f, _ = ma.filter_from_query(package, query)
    everything = get_store().frame()
    if chart == "status":
        frame = ma.apply_filter(everything, _status_scope(f), package)
        return mv.status_table(ma.status_by_leitlinie(frame))
    if chart == "zeitplan":
        rows = ma.timeline(ma.apply_filter(everything, f, package), date.today()).frame
        return mv.gantt_table(rows.head(mv.GANTT_MAX_ROWS))
    frame = ma.apply_filter(everything, _area_scope(f), package)
    slugs = package.areas["slug"]  # area names link to their profile
    if chart == "karte":
        return mv.map_table(ma.area_counts(frame, package, default_level(package)).table, slugs)
    need, need_label, _ = ma.default_need(package)
    return mv.need_table(ma.need_vs_action(frame, package, need), need_label, slugs)


def _register_table(chart: str) -> None:
    @callback(Output(f"{P}-{chart}-tabelle", "children"),
              Input(f"{P}-{chart}-tabelle-knopf", "n_clicks"), Input(f"{P}-filter", "data"),
              prevent_initial_call=True)
    def fill(clicks, query):
        if not table_is_open(clicks):
            return no_update
        key = ("massnahmen-tabelle-" + chart, get_package().fingerprint, date.today(),
               tuple(sorted((query or {}).items())))
        return get_store().memo(key, lambda: _chart_table(chart, query or {}))


for _chart in ("status", "zeitplan", "karte", "bedarf"):
    _register_table(_chart)


# ---- the table: rows from the server ----------------------------------------------------------

def _display(query: dict | None):
    """The table rows of a page filter (before the grid's own column filters), per revision."""
    package = get_package()
    f, _ = ma.filter_from_query(package, query or {})
    key = ("massnahmen-tabelle", package.fingerprint, tuple(sorted(ma.filter_to_query(package, f).items())))
    return get_store().memo(key, lambda: ma.display_frame(ma.apply_filter(get_store().frame(), f, package),
                                                          package))


@callback(
    Output(f"{P}-tabelle", "getRowsResponse"),
    Input(f"{P}-tabelle", "getRowsRequest"),
    State(f"{P}-filter", "data"),
    prevent_initial_call=True,
)
def grid_rows(request, query):
    if not request:
        return no_update
    display = _display(query)
    start, end = int(request.get("startRow") or 0), int(request.get("endRow") or 100)
    rows, count = ma.grid_rows(display, request.get("filterModel"), request.get("sortModel"), start,
                               min(end, start + 500))
    for row in rows:
        row["measure_id"] = f"[{row['measure_id']}](/massnahmen/{row['measure_id']})"
    return {"rowData": rows, "rowCount": count}


# A new filter: drop the grid's cached blocks so it asks again (the infinite model keeps them).
clientside_callback(
    """function(data) {
        try { const api = dash_ag_grid.getApi('massnahmen-tabelle'); if (api) { api.purgeInfiniteCache(); } }
        catch (e) { /* grid not mounted yet: it will ask for rows itself */ }
        return window.dash_clientside.no_update;
    }""",
    Output(f"{P}-tabelle", "id"),
    Input(f"{P}-filter", "data"),
    prevent_initial_call=True,
)


@callback(Output(f"{P}-tabelle", "columnDefs"), Input(f"{P}-spalten", "value"), prevent_initial_call=True)
def choose_columns(visible):
    return column_defs(list(visible or ["measure_id", "title"]))


@callback(
    Output(f"{P}-download", "data"),
    Input(f"{P}-export-csv", "n_clicks"), Input(f"{P}-export-xlsx", "n_clicks"),
    State(f"{P}-filter", "data"), State(f"{P}-tabelle", "filterModel"), State(f"{P}-tabelle", "columnState"),
    State(f"{P}-spalten", "value"),
    prevent_initial_call=True,
)
def export(_csv, _xlsx, query, filter_model, column_state, visible):
    display = _display(query)
    sort_model = sorted(({"colId": c["colId"], "sort": c["sort"], "i": c.get("sortIndex") or 0}
                         for c in column_state or [] if c.get("sort")), key=lambda c: c["i"])
    rows, _ = ma.grid_rows(display, filter_model or {}, sort_model, 0, len(display))
    table = pd.DataFrame(rows, columns=list(display.columns))
    columns = [c for c in ma.GRID_COLUMNS if c.field in (visible or [c.field for c in ma.GRID_COLUMNS])]
    if ctx.triggered_id == f"{P}-export-xlsx":
        body = ma.export_xlsx(table, columns)
        return dcc.send_bytes(body, "massnahmen.xlsx")
    return dcc.send_bytes(ma.export_csv(table, columns), "massnahmen.csv")
