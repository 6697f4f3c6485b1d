"""Bulk import of Maßnahmen from CSV/XLSX (/massnahmen/import), for admins only.

Upload -> preview (every row checked by the store, nothing written) -> "Übernehmen" (all or
nothing, refused if the store changed since the preview). The template is the current list of
measures in the import format, so the office can edit it in a spreadsheet and load it back.
Every callback asks components.auth for the admin role first. Not in the main navigation; its
order keeps "/massnahmen/import" ahead of the detail page's template.
"""

from __future__ import annotations

import base64
import binascii

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from components import auth
from components.charts import data_table
from components.data import get_package
from components.easy_language import einfach_erklaert
from components.measure_form import error_list, forbidden, success
from components.measures_store import get_store
from components.shell import notice
from sozialraum import formatting as fmt
from sozialraum import queries
from sozialraum.measures import MeasureInvalid
from sozialraum.schema import MEASURES
from sozialraum.store import MAX_IMPORT_BYTES, StoreError

PATH = "/massnahmen/import"
P = "mi"
PREVIEW_ROWS = 500   # rows drawn in the preview table; the counts cover all
TEMPLATE_FIELDS = [f for f in MEASURES.fields if f.name != "last_change"]

dash.register_page(__name__, path=PATH, name="Maßnahmen importieren",
                   title="Maßnahmen importieren – Sozialraum-Monitor", order=72)


def template_frame(package, frame: pd.DataFrame) -> pd.DataFrame:
    """The measures in the import format: German column titles, lists with ";", dates TT.MM.JJJJ,
    areas by their slug, amounts without thousands separators (what a spreadsheet writes back)."""
    slugs = package.areas["slug"]
    out = {}
    for f in TEMPLATE_FIELDS:
        column = frame[f.name]
        if f.name == "area_ids":
            values = [";".join(str(slugs.get(a, a)) for a in v) for v in column]
        elif f.type == "list":
            values = [";".join(str(x) for x in v) for v in column]
        elif f.type == "date":
            values = ["" if pd.isna(v) else v.strftime("%d.%m.%Y") for v in column]
        elif f.name in ("budget_planned", "budget_spent"):
            values = ["" if pd.isna(v) else fmt.csv_number(v, 0 if float(v).is_integer() else 2) for v in column]
        elif f.name in ("primary_leitlinie", "progress"):
            values = ["" if pd.isna(v) else str(int(v)) for v in column]
        else:
            values = ["" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v) for v in column]
        out[f.title] = values
    return pd.DataFrame(out)


def layout(**_query):
    heading = [html.Nav(html.A("← Alle Maßnahmen", href="/massnahmen"), className="mb-2 small",
                        **{"aria-label": "Zurück zur Liste"}),
               html.H1("Maßnahmen importieren"), einfach_erklaert("massnahmen_import")]
    if not auth.is_admin():
        user = auth.current_user()
        message = ("Den Sammelimport darf nur die Verwaltung (Rolle „admin“) ausführen. Ihr Konto hat diese Rolle "
                   "nicht." if user else "Den Sammelimport darf nur die Verwaltung ausführen. Bitte melden Sie sich an.")
        return html.Div([*heading, html.Div(className="alert alert-info", role="status", children=[
            html.P(message, className="mb-1"),
            html.A("Zur Anmeldung", href=auth.login_href(PATH)) if user is None else None,
        ])])
    return html.Div([
        *heading,
        html.P("Laden Sie die Maßnahmenliste als CSV (UTF-8, Semikolon oder Komma) oder Excel-Datei (XLSX) hoch. "
               "Jede Zeile wird geprüft; die Vorschau zeigt, was neu ist, was sich ändert und was falsch ist. "
               "Übernommen wird erst nach Klick auf „Übernehmen“ – und nur, wenn keine Zeile einen Fehler hat "
               "(alles oder nichts).", className="lead"),
        html.Section(className="mb-4", **{"aria-labelledby": f"{P}-vorlage-titel"}, children=[
            html.H2("1. Vorlage", id=f"{P}-vorlage-titel", className="fs-4"),
            html.P("Die Vorlage enthält alle aktuellen Maßnahmen im Importformat: eine Zeile je Maßnahme, Spalten wie "
                   "in der Tabelle unten. Listen (Leitlinien, Gebiete, Zielindikatoren) durch „;“ getrennt, Gebiete "
                   "mit ihrem Kurznamen (z. B. „rieth“), Datum als TT.MM.JJJJ, Beträge in Euro. Zeilen ohne "
                   "Maßnahmen-ID werden neu angelegt; Zeilen mit bekannter ID ändern diese Maßnahme. Gelöscht wird "
                   "nichts.", className="small"),
            dbc.Button("Vorlage herunterladen (CSV, aktueller Bestand)", id=f"{P}-vorlage", n_clicks=0,
                       color="primary", outline=True),
            dcc.Download(id=f"{P}-vorlage-datei"),
            html.Div(id=f"{P}-vorlage-meldung", **{"aria-live": "polite"}),
        ]),
        html.Section(className="mb-4", **{"aria-labelledby": f"{P}-datei-titel"}, children=[
            html.H2("2. Datei prüfen", id=f"{P}-datei-titel", className="fs-4"),
            html.Div(_upload(), id=f"{P}-upload-bereich"),
            dcc.Store(id=f"{P}-daten", data=None),
            html.Div(id=f"{P}-vorschau", className="mt-3", **{"aria-live": "polite"}),
        ]),
        html.Section(className="mb-4", **{"aria-labelledby": f"{P}-uebernehmen-titel"}, children=[
            html.H2("3. Übernehmen", id=f"{P}-uebernehmen-titel", className="fs-4"),
            dbc.Label("Kommentar", html_for=f"{P}-kommentar"),
            dbc.Textarea(id=f"{P}-kommentar", value="", rows=2, maxLength=2000),
            dbc.FormText("Steht bei jeder Änderung im Änderungsprotokoll. Leer: „Sammelimport aus <Dateiname>“.",
                         id=f"{P}-kommentar-hilfe"),
            dcc.Store(id=f"{P}-digest", data=None),
            html.Div(id=f"{P}-meldung", className="mt-2", **{"aria-live": "polite"}),
            dbc.Button("Übernehmen", id=f"{P}-uebernehmen", n_clicks=0, color="primary", disabled=True,
                       className="mt-2"),
        ]),
    ])


def _upload() -> dcc.Upload:
    """A fresh upload field (re-drawn after each file: a browser does not report choosing the same,
    corrected file again in a used file input)."""
    return dcc.Upload(id=f"{P}-datei", max_size=MAX_IMPORT_BYTES, multiple=False,
                      accept=".csv,.txt,.xlsx,text/csv,"
                             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      style={"border": "2px dashed #6c757d", "borderRadius": "0.5rem", "padding": "1.5rem",
                             "textAlign": "center"},
                      children=html.Div(["Datei hierher ziehen oder ",
                                         html.Span("Datei auswählen", className="btn btn-primary btn-sm")]))


def _decode(contents: str | None) -> bytes | None:
    if not contents or "," not in contents:
        return None
    try:
        return base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        return None


def _preview_view(preview) -> list:
    counts = preview.counts()
    out = [html.P(f"{preview.filename}: {len(preview.rows)} gültige Zeilen – {counts['neu']} neu, "
                  f"{counts['ändern']} ändern, {counts['unverändert']} unverändert.", className="fw-semibold")]
    if preview.errors:
        out.append(error_list(preview.errors, f"{len(preview.errors)} Fehler – so kann nichts übernommen werden. "
                                              "Bitte die Datei korrigieren und erneut hochladen:"))
    if preview.warnings:
        out.append(html.Div(className="alert alert-warning", role="status", children=[
            html.P("Hinweise:", className="fw-semibold mb-1"),
            html.Ul([html.Li(w) for w in preview.warnings], className="mb-0")]))
    if preview.rows:
        rows = [[str(r.line), r.measure_id, r.action, r.title, ", ".join(r.changes) or "–"]
                for r in preview.rows[:PREVIEW_ROWS]]
        caption = "Vorschau: was die Übernahme tun würde"
        if len(preview.rows) > PREVIEW_ROWS:
            caption += f" (die ersten {PREVIEW_ROWS} von {len(preview.rows)} Zeilen)"
        out.append(data_table(["Zeile", "Maßnahmen-ID", "Aktion", "Titel", "Geänderte Felder"], rows, caption,
                              numeric=[True, False, False, False, False], table_id=f"{P}-vorschau-tabelle"))
    return out


@callback(
    Output(f"{P}-vorschau", "children"),
    Output(f"{P}-digest", "data"),
    Output(f"{P}-uebernehmen", "disabled"),
    Output(f"{P}-meldung", "children", allow_duplicate=True),
    Output(f"{P}-daten", "data"),
    Output(f"{P}-upload-bereich", "children"),
    Input(f"{P}-datei", "contents"),
    State(f"{P}-datei", "filename"),
    prevent_initial_call=True,
)
def preview(contents, filename):
    if not contents:
        return (dash.no_update,) * 6
    try:
        auth.require_admin()
    except auth.Forbidden as exc:
        return forbidden(exc.message, auth.login_href(PATH)), None, True, None, None, dash.no_update
    data = _decode(contents)
    if data is None:
        return (error_list(["Die Datei ließ sich nicht lesen. Bitte erneut hochladen."], "Keine Vorschau:"), None,
                True, None, None, _upload())
    result = get_store().preview_import(data, str(filename or ""))
    kept = {"contents": contents, "filename": str(filename or "")} if result.ok else None
    return _preview_view(result), (result.digest if result.ok else None), not result.ok, None, kept, _upload()


@callback(
    Output(f"{P}-meldung", "children", allow_duplicate=True),
    Output(f"{P}-uebernehmen", "disabled", allow_duplicate=True),
    Input(f"{P}-uebernehmen", "n_clicks"),
    State(f"{P}-daten", "data"),
    State(f"{P}-digest", "data"),
    State(f"{P}-kommentar", "value"),
    prevent_initial_call=True,
)
def apply(clicks, upload, digest, comment):
    if not clicks:
        return dash.no_update, dash.no_update
    try:
        user = auth.require_admin()
    except auth.Forbidden as exc:
        return forbidden(exc.message, auth.login_href(PATH)), dash.no_update
    upload = upload if isinstance(upload, dict) else {}
    data = _decode(upload.get("contents"))
    filename = upload.get("filename")
    if data is None or not digest:
        return error_list(["Bitte zuerst eine Datei hochladen und die Vorschau prüfen."], "Nicht übernommen:"), True
    try:
        counts = get_store().apply_import(data, str(filename or ""), str(digest), user.username, comment or "")
    except MeasureInvalid as exc:
        return error_list(exc.messages, "Nicht übernommen (nichts geändert):"), True
    except StoreError as exc:
        return error_list([exc.message], "Nicht übernommen:"), True
    return success(f"Übernommen: {counts['neu']} neu, {counts['ändern']} geändert, {counts['unverändert']} "
                   "unverändert. ", html.A("Zur Liste der Maßnahmen", href="/massnahmen")), True


@callback(
    Output(f"{P}-vorlage-datei", "data"),
    Output(f"{P}-vorlage-meldung", "children"),
    Input(f"{P}-vorlage", "n_clicks"),
    prevent_initial_call=True,
)
def template(clicks):
    if not clicks:
        return dash.no_update, dash.no_update
    try:
        auth.require_admin()
    except auth.Forbidden as exc:
        return dash.no_update, forbidden(exc.message, auth.login_href(PATH))
    package = get_package()
    frame = template_frame(package, get_store().frame())
    return dcc.send_bytes(queries.to_csv(frame), "massnahmen_vorlage.csv"), notice(
        f"Vorlage mit {len(frame)} Maßnahmen heruntergeladen.", "info")
