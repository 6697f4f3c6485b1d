"""Detail page of one Maßnahme (/massnahmen/<measure_id>): everything about it, its milestones,
its status history and change log from the audit trail, and "Wirkung beobachten" (the trends
of its target indicators in its areas, start year marked). Editors also get the forms:
status change (comment required), all fields, archive/restore.

Every writing callback asks components.auth for the role first (require_editor) and writes
nothing on Forbidden: hiding the forms from visitors is not the protection, this is.
Saves name the version the form was loaded with; a stale version gets the other person's
changes listed and keeps the inputs (optimistic concurrency, see sozialraum/store.py).

Not in the main navigation (no nav=True). The order keeps the static paths /massnahmen/neu
and /massnahmen/import (lower order) ahead of this page's template in Dash's page lookup.
"""

from __future__ import annotations

import time
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from components import auth
from components.area_search import profile_link
from components.charts import area_cell, chart_figure, data_table
from components.data import get_package
from components.downloads import time_href
from components.easy_language import einfach_erklaert
from components.measure_form import (
    changed_fields,
    comment_field,
    conflict_message,
    display,
    error_list,
    field_id,
    field_label,
    field_states,
    forbidden,
    form_values,
    measure_form,
    success,
    to_store_values,
    values_from_states,
    when,
)
from components.measures_store import get_store
from components.shell import notice
from components.time_views import lines_figure
from sozialraum import formatting as fmt
from sozialraum import queries, trends
from sozialraum import viewstate as vs
from sozialraum.measures import EDITABLE_FIELDS, MeasureInvalid
from sozialraum.schema import MEASURE_STATUS_LABELS
from sozialraum.store import ConflictError, StoreError

P = "mn"
LIST_PATH = "/massnahmen"
STATUS_COLORS = {"geplant": "secondary", "in_vorbereitung": "dark", "in_umsetzung": "dark", "umgesetzt": "success",
                 "verstetigt": "success", "zurueckgestellt": "secondary", "abgebrochen": "secondary"}
HISTORY_FIELDS = ("created", "status", "archived")


def _title(measure_id: str | None = None, **_) -> str:
    record = _record(measure_id)
    if record is None:
        return "Maßnahme nicht gefunden – Sozialraum-Monitor"
    return f"{record['title'][:80]} – Maßnahme – Sozialraum-Monitor"


dash.register_page(__name__, path_template="/massnahmen/<measure_id>", name="Maßnahme", title=_title, order=79)


def _record(measure_id: str | None) -> dict[str, Any] | None:
    if not measure_id or "/" in measure_id or len(measure_id) > 64:
        return None
    return get_store().get(measure_id)


def _path(measure_id: str) -> str:
    return f"{LIST_PATH}/{measure_id}"


# ---- the read-only view -------------------------------------------------------------------------

def _money(value: float | None) -> str:
    if value is None:
        return fmt.MISSING
    return f"{fmt.number(value, 0 if float(value).is_integer() else 2)} €"


def status_badge(status: str) -> dbc.Badge:
    return dbc.Badge(f"Status: {MEASURE_STATUS_LABELS.get(status, status)}", color=STATUS_COLORS.get(status, "dark"),
                     className="fs-6 fw-semibold me-2", id=f"{P}-status")


def _progress(value: int | None) -> Any:
    if value is None:
        return fmt.MISSING
    return html.Div(className="d-flex align-items-center gap-2", children=[
        html.Div(className="progress flex-grow-1", role="progressbar", style={"maxWidth": "16rem", "height": "1rem"},
                 **{"aria-label": "Fortschritt", "aria-valuenow": str(value), "aria-valuemin": "0",
                    "aria-valuemax": "100"},
                 children=html.Div(className="progress-bar", style={"width": f"{value}%"})),
        html.Span(f"{value} %", className="fw-semibold"),
    ])


def _leitlinien(package, record) -> Any:
    titles = dict(zip(package.leitlinien["number"], package.leitlinien["title"]))
    items = []
    for n in record["leitlinien"]:
        text = f"{n} – {titles.get(n, '')}"
        items.append(html.Li([text, html.Strong(" (Haupt-Leitlinie)")] if n == record["primary_leitlinie"] else text))
    return html.Ul(items, className="mb-0 ps-3") if items else fmt.MISSING


def _areas(package, record) -> Any:
    if not record["area_ids"]:
        return "gesamtstädtisch"
    links = []
    for area_id in record["area_ids"]:
        if area_id in package.areas.index:
            row = package.areas.loc[area_id]
            links += [profile_link(str(row["name"]), str(row["slug"]), title=f"Steckbrief {row['name']}"),
                      " (", html.A(["Atlas", html.Span(f": {row['name']}", className="visually-hidden")],
                                   href=f"/atlas?auswahl={row['slug']}"), ")"]
        else:
            links.append(html.Span(area_id))
        links.append(", ")
    return html.Span(links[:-1])


def _facts(package, record) -> html.Dl:
    def item(label, value):
        return [html.Dt(label), html.Dd(value if value not in (None, "") else fmt.MISSING)]

    targets = record["target_indicators"]
    target_text = ", ".join(str(package.indicators["name"].get(i, i)) for i in targets) if targets else None
    target_values = record.get("target_values") or {}
    if target_values:
        target_text = (target_text or "") + " – Zielwerte: " + "; ".join(
            f"{package.indicators['short_name'].get(k, k)}: {queries.format_value(package, k, v)}"
            if k in package.indicators.index else f"{k}: {fmt.number(v, 1)}" for k, v in target_values.items())
    spent = record.get("budget_spent")
    planned = record.get("budget_planned")
    spent_text = _money(spent)
    if spent is not None and planned:
        spent_text += f" ({fmt.number(spent / planned * 100, 0)} % des geplanten Budgets)"
    return html.Dl(className="facts mb-3", id=f"{P}-steckbrief", children=[
        *item("Maßnahmen-ID", record["measure_id"]),
        *item("Status", MEASURE_STATUS_LABELS.get(record["status"], record["status"])),
        *item("Leitlinien", _leitlinien(package, record)),
        *item("Gebiete", _areas(package, record)),
        *item("Federführung", record.get("responsible")),
        *item("Träger", record.get("traeger")),
        *item("Partner", record.get("partners")),
        *item("Beginn", fmt.day(record.get("start"))),
        *item("Geplantes Ende", fmt.day(record.get("planned_end"))),
        *item("Tatsächliches Ende", fmt.day(record.get("actual_end"))),
        *item("Fortschritt", _progress(record.get("progress"))),
        *item("Budget geplant", _money(planned)),
        *item("Budget verausgabt", spent_text),
        *item("Finanzierung", record.get("funding")),
        *item("Priorität (Begleitgremium)", record.get("priority")),
        *item("Zielindikatoren", target_text),
        *item("Quelle", record.get("source")),
        *item("Letzte Änderung", f"{when(record.get('updated_at'))} von {record.get('updated_by') or '–'} "
                                 f"(Stand {record['version']})"),
    ])


def _milestones(record) -> Any:
    items = record.get("milestones") or []
    if not items:
        return html.P("Für diese Maßnahme sind keine Meilensteine erfasst.")
    rows = [[fmt.day(m["date"]), m["title"], "✓ erreicht" if m["done"] else "○ offen"] for m in items]
    done = sum(1 for m in items if m["done"])
    return data_table(["Datum", "Meilenstein", "Erreicht?"], rows,
                      f"Meilensteine: {done} von {len(items)} erreicht", table_id=f"{P}-meilensteine")


def _status_history(package, history) -> Any:
    rows = []
    for h in reversed(history):   # oldest first: read like a story
        if h["field"] not in HISTORY_FIELDS:
            continue
        if h["field"] == "created":
            event = "angelegt"
        elif h["field"] == "status":
            event = f"Status: {display('status', h['old_value'])} → {display('status', h['new_value'])}"
        else:
            event = "archiviert" if h["new_value"] == "ja" else "wiederhergestellt"
        rows.append([when(h["at"]), event, h["username"], h.get("comment") or "–"])
    if not rows:
        return html.P("Noch keine Statusänderungen.")
    return data_table(["Zeitpunkt", "Ereignis", "von", "Kommentar"], rows, "Statusverlauf (älteste zuerst)",
                      table_id=f"{P}-statusverlauf")


def _change_log(package, history) -> Any:
    rows = [[when(h["at"]), h["username"], field_label(h["field"]),
             display(h["field"], h["old_value"], package), display(h["field"], h["new_value"], package),
             h.get("comment") or "–", str(h["version"])] for h in history]
    return data_table(["Zeitpunkt", "Wer", "Feld", "vorher", "nachher", "Kommentar", "Stand"], rows,
                      f"Änderungsprotokoll: {len(rows)} Einträge, neueste zuerst", table_id=f"{P}-protokoll")


def _effect_chart(package, record, indicator_id: str, number: int) -> Any:
    level = "ortsteil"
    areas = [a for a in record["area_ids"] if a in package.areas.index][:vs.MAX_TIME_AREAS]
    state, _ = vs.time_from_query(package, {"indikator": indicator_id, "ebene": level,
                                            "gebiete": ",".join(areas) or ","})
    query = vs.time_to_query(package, state)
    frame = trends.lines(package, indicator_id, areas)
    meta = package.indicators.loc[indicator_id]
    figure = lines_figure(package, [indicator_id], {indicator_id: frame}, "absolut", None, None)
    # the caption names the indicator; the panel title would collide with the "Beginn" label
    figure.layout.annotations = ()
    figure.update_yaxes(title={"text": str(meta["unit"])})
    start = record.get("start")
    notes = ["Gestrichelt: Stadt. Jede Linie hat ihr eigenes Symbol. Lücken: Wert geheimgehalten oder nicht erhoben."]
    finding = trends.lines_finding(package, indicator_id, frame, "absolut", None)
    years = sorted(frame["year"].unique()) if not frame.empty else []
    if start is not None:
        figure.add_vline(x=start.year, line={"color": "#212529", "width": 2, "dash": "dot"})
        figure.add_annotation(x=start.year, y=1, yref="paper", yanchor="bottom", xanchor="left", showarrow=False,
                              text=f"Beginn {start.year}", font={"size": 13})
        finding += f" Die Maßnahme begann am {fmt.day(start)} (senkrechte Linie „Beginn“)."
        if years and not years[0] <= start.year <= years[-1]:
            notes.append(f"Das Beginnjahr {start.year} liegt außerhalb der Jahre mit Werten "
                         f"({years[0]} bis {years[-1]}).")
    else:
        notes.append("Für die Maßnahme ist kein Beginn erfasst; deshalb ist kein Jahr markiert.")
    if not record["area_ids"]:
        notes.append("Die Maßnahme ist gesamtstädtisch; gezeigt wird der Wert der Stadt.")
    elif len(record["area_ids"]) > len(areas):
        notes.append(f"Gezeigt werden die ersten {len(areas)} von {len(record['area_ids'])} Gebieten.")
    if package.is_demo:
        notes.append("Beispieldaten: generierte Werte, nicht die tatsächliche Lage.")
    dec = queries.decimals(package, indicator_id)
    slugs, linked, rows = package.areas["slug"], set(), []
    for _, r in frame.iterrows():
        # the first row of each area links to its profile (the city's too); its other years stay text
        name = r["name"] if r["area_id"] in linked else area_cell(r["name"], slugs.get(r["area_id"]))
        linked.add(r["area_id"])
        rows.append([name, str(r["year"]), fmt.SUPPRESSED if r["suppressed"] else fmt.number(r["value"], dec)])
    title = f"{meta['name']} in den Gebieten der Maßnahme"
    table = data_table(["Gebiet", "Jahr", f"{meta['short_name']} ({meta['unit']})"], rows, title,
                       numeric=[False, True, True])
    return html.Div([
        chart_figure(f"{P}-wirkung-{number}", title, finding, figure, table, time_href(query, "verlauf"),
                     notes=notes, heading_level=3),
        html.P(html.A("Im Zeitvergleich öffnen", href="/zeitvergleich" + vs.to_search(query)), className="small"),
    ])


def _effects(package, record) -> list:
    caveat = html.P([
        html.Strong("Ein Trend zeigt keine Wirkung: "),
        ("Ob ein Indikator steigt oder fällt, hängt von vielem ab – Zuzug und Wegzug, Arbeitsmarkt, Gesetze, "
        "andere Maßnahmen. Die Linien zeigen, wie sich die Lage in den Gebieten der Maßnahme seit ihrem Beginn "
        "entwickelt hat, verglichen mit der Stadt. Ob die Maßnahme dazu beigetragen hat, kann nur eine "
        "Auswertung (Evaluation) klären.")], className="alert alert-info", role="note")
    targets = [i for i in record["target_indicators"] if i in package.indicators.index]
    if not targets:
        return [caveat, html.P("Für diese Maßnahme sind keine Zielindikatoren erfasst; deshalb gibt es hier "
                               "keine Verläufe.", id=f"{P}-keine-ziele")]
    out = [caveat]
    if not record["area_ids"]:
        out.append(html.P("Die Maßnahme ist keinem Gebiet zugeordnet (gesamtstädtisch); die Diagramme zeigen "
                          "deshalb nur den Wert der Stadt."))
    out += [_effect_chart(package, record, ind, n) for n, ind in enumerate(targets, start=1)]
    return out


def measure_view(package, record, history) -> list:
    """The read-only part of the page (re-drawn after every save)."""
    archived = bool(record.get("archived"))
    description = record.get("description")
    return [
        html.H1(record["title"], id=f"{P}-titel", className="mb-2"),
        html.P([status_badge(record["status"]),
                dbc.Badge("archiviert", color="secondary", className="fs-6 me-2") if archived else None,
                html.Span(f"Maßnahme {record['measure_id']}", className="text-body-secondary text-nowrap")], className="mb-3"),
        einfach_erklaert("massnahme"),
        notice("Diese Maßnahme ist archiviert. Sie wird in der Liste und in den Auswertungen nicht mehr gezählt; "
               "Angaben und Verlauf bleiben erhalten.", "secondary") if archived else None,
        dbc.Row([
            dbc.Col(lg=7, children=[
                html.H2("Steckbrief", className="fs-4"),
                _facts(package, record),
            ]),
            dbc.Col(lg=5, children=[
                html.H2("Beschreibung", className="fs-4"),
                # Markdown without raw HTML (dash's default): "<script>" shows as text.
                dcc.Markdown(description, id=f"{P}-beschreibung", link_target="_self")
                if description else html.P("Keine Beschreibung erfasst."),
                html.H2("Meilensteine", className="fs-4 mt-4"),
                _milestones(record),
            ]),
        ]),
        html.Section(className="mt-4", **{"aria-labelledby": f"{P}-wirkung-ueberschrift"}, children=[
            html.H2("Wirkung beobachten", id=f"{P}-wirkung-ueberschrift"),
            *_effects(package, record),
        ]),
        html.Section(className="mt-4", **{"aria-labelledby": f"{P}-verlauf-ueberschrift"}, children=[
            html.H2("Verlauf", id=f"{P}-verlauf-ueberschrift"),
            _status_history(package, history),
            html.Details(className="mt-3", children=[
                html.Summary(f"Alle Änderungen ({len(history)})", id=f"{P}-protokoll-knopf"),
                _change_log(package, history),
            ]),
        ]),
    ]


# ---- the editing forms ----------------------------------------------------------------------------

def _archive_label(archived: bool) -> str:
    return "Wiederherstellen" if archived else "Archivieren"


def edit_section(package, record) -> html.Section:
    user = auth.current_user()
    status_options = [{"label": v, "value": k} for k, v in MEASURE_STATUS_LABELS.items()]
    archived = bool(record.get("archived"))
    return html.Section(id="bearbeiten", className="mt-4 edit-section",
                        **{"aria-labelledby": f"{P}-bearbeiten-ueberschrift"}, children=[
        html.H2("Bearbeiten", id=f"{P}-bearbeiten-ueberschrift"),
        html.P(f"Angemeldet als {user.username} ({auth.role_label(user.role)}). Jede Änderung wird mit Ihrem "
               "Namen im Änderungsprotokoll festgehalten.", className="small") if user else None,
        dbc.Card(className="mb-3", children=dbc.CardBody([
            html.H3("Status ändern", className="fs-5"),
            dbc.Row(className="g-3", children=[
                dbc.Col(md=4, children=html.Div(className="mb-3", children=[
                    dbc.Label("Neuer Status", html_for=f"{P}-s-status"),
                    dbc.Select(id=f"{P}-s-status", options=status_options, value=record["status"]),
                ])),
                dbc.Col(md=8, children=comment_field(
                    f"{P}-s-kommentar", "Kommentar", "Pflicht: Warum ändert sich der Status? Z. B. „Beschluss "
                    "des Begleitgremiums vom 12.03.2025“.", required=True)),
            ]),
            html.Div(id=f"{P}-s-meldung", **{"aria-live": "polite"}),
            dbc.Button("Status ändern", id=f"{P}-s-knopf", n_clicks=0, color="primary"),
        ])),
        html.Details(className="mb-3 card card-body", id=f"{P}-formular-bereich", children=[
            html.Summary("Alle Angaben bearbeiten", className="fs-5"),
            measure_form(P, package, form_values(record)),
            comment_field(f"{P}-kommentar", "Kommentar zur Änderung",
                          "Optional; Pflicht, wenn Sie den Status ändern.", required=False),
            html.Div(id=f"{P}-meldung", **{"aria-live": "polite"}),
            html.Div(id=f"{P}-konflikt-bereich", hidden=True, className="mb-2", children=dbc.Button(
                "Meine Eingaben auf den neuen Stand übertragen", id=f"{P}-uebertragen", n_clicks=0,
                color="warning")),
            dbc.Button("Speichern", id=f"{P}-speichern", n_clicks=0, color="primary"),
        ]),
        dbc.Card(className="mb-3", children=dbc.CardBody([
            html.H3("Archivieren", className="fs-5"),
            html.P("Maßnahmen werden nie gelöscht. Archivierte Maßnahmen verschwinden aus der Liste und den "
                   "Auswertungen, bleiben aber über ihre Adresse abrufbar und lassen sich wiederherstellen.",
                   className="small"),
            comment_field(f"{P}-a-kommentar", "Begründung", "Pflicht: Warum wird die Maßnahme archiviert "
                          "oder wiederhergestellt?", required=True),
            html.Div(id=f"{P}-a-meldung", **{"aria-live": "polite"}),
            dbc.Button(_archive_label(archived), id=f"{P}-a-knopf", n_clicks=0, color="secondary"),
        ])),
    ])


def _not_found(measure_id: str | None) -> html.Div:
    return html.Div([
        html.H1("Maßnahme nicht gefunden"),
        notice(f"Eine Maßnahme mit der Kennung „{(measure_id or '')[:64]}“ gibt es nicht. Vielleicht ist der Link "
               "veraltet oder unvollständig.", "warning"),
        html.P(html.A("Zur Liste aller Maßnahmen", href=LIST_PATH)),
    ])


def layout(measure_id: str | None = None, **_query):
    package = get_package()
    record = _record(measure_id)
    if record is None:
        return _not_found(measure_id)
    history = get_store().history(record["measure_id"])
    version = record["version"]
    if auth.can_edit():
        editing = edit_section(package, record)
    else:
        editing = html.P(html.A("Zum Bearbeiten anmelden", href=auth.login_href(_path(record["measure_id"]))),
                         className="small mt-4", id=f"{P}-anmelden")
    return html.Div([
        dcc.Store(id=f"{P}-id", data=record["measure_id"]),
        dcc.Store(id=f"{P}-version", data={"form": version, "status": version, "archiv": version}),
        dcc.Store(id=f"{P}-geladen", data=form_values(record)),
        dcc.Store(id=f"{P}-konflikt", data=None),
        dcc.Store(id=f"{P}-stand", data=None),
        html.Nav(html.A("← Alle Maßnahmen", href=LIST_PATH), className="mb-2 small",
                 **{"aria-label": "Zurück zur Liste"}),
        html.Div(measure_view(package, record, history), id=f"{P}-ansicht"),
        editing,
    ])


# ---- callbacks --------------------------------------------------------------------------------------

def _synced(versions: dict, key: str, old: int, new: int) -> dict:
    """After this user's own write (old -> new): the written form moves to `new`; the other forms
    move along only if they were at `old` (a form still behind keeps its conflict check)."""
    out = dict(versions or {})
    for name in ("form", "status", "archiv"):
        if name == key or out.get(name) == old:
            out[name] = new
    return out


def _stand(version: int) -> dict:
    return {"version": version, "at": time.time()}


NO = dash.no_update
FIELD_OUTPUTS = [Output(field_id(P, n), "value", allow_duplicate=(n == "status")) for n in EDITABLE_FIELDS]


@callback(
    Output(f"{P}-meldung", "children", allow_duplicate=True),
    Output(f"{P}-version", "data", allow_duplicate=True),
    Output(f"{P}-stand", "data", allow_duplicate=True),
    Output(f"{P}-konflikt", "data"),
    Output(f"{P}-konflikt-bereich", "hidden", allow_duplicate=True),
    Output(f"{P}-geladen", "data", allow_duplicate=True),
    Output(f"{P}-kommentar", "value"),
    Output(f"{P}-s-status", "value"),
    *FIELD_OUTPUTS,
    Input(f"{P}-speichern", "n_clicks"),
    State(f"{P}-id", "data"),
    State(f"{P}-version", "data"),
    State(f"{P}-geladen", "data"),
    State(f"{P}-kommentar", "value"),
    *field_states(P),
    prevent_initial_call=True,
)
def save(clicks, measure_id, versions, loaded, comment, *fields):
    unchanged_fields = [NO] * len(EDITABLE_FIELDS)

    def answer(message, *rest):
        rest = list(rest) + [NO] * (7 - len(rest))
        return (message, *rest, *unchanged_fields)

    if not clicks:
        return answer(NO)
    try:
        user = auth.require_editor()
    except auth.Forbidden as exc:
        return answer(forbidden(exc.message, auth.login_href(_path(str(measure_id)))))
    package = get_package()
    store = get_store()
    form = values_from_states(fields)
    names = changed_fields(form, loaded)
    if not names:
        return answer(notice("Sie haben nichts geändert; es gibt nichts zu speichern.", "info"))
    values, problems = to_store_values(form, names, package)
    if problems:
        return answer(error_list(problems))
    expected = int((versions or {}).get("form") or 0)
    try:
        record = store.update(str(measure_id), values, expected, user.username, comment or "")
    except ConflictError as exc:
        hint = ("Ihre Eingaben stehen unverändert im Formular. „Meine Eingaben auf den neuen Stand übertragen“ "
                "legt sie auf den neuen Stand; danach speichert „Speichern“ sie. Was die andere Person in Feldern "
                "geändert hat, die Sie nicht angefasst haben, bleibt erhalten.")
        return answer(conflict_message(exc, package, retry_hint=hint), NO, _stand(exc.current["version"]),
                      exc.current["version"], False)
    except MeasureInvalid as exc:
        return answer(error_list(exc.messages))
    except StoreError as exc:
        return answer(error_list([exc.message]))
    if record["version"] == expected:
        return answer(notice("Die Eingaben entsprechen dem gespeicherten Stand; nichts geändert.", "info"))
    new_values = form_values(record)
    return (success(f"Gespeichert (Stand {record['version']})."),
            _synced(versions, "form", expected, record["version"]), _stand(record["version"]), None, True,
            new_values, "", record["status"], *[new_values[n] for n in EDITABLE_FIELDS])


@callback(
    Output(f"{P}-version", "data", allow_duplicate=True),
    Output(f"{P}-konflikt-bereich", "hidden", allow_duplicate=True),
    Output(f"{P}-meldung", "children", allow_duplicate=True),
    Input(f"{P}-uebertragen", "n_clicks"),
    State(f"{P}-konflikt", "data"),
    State(f"{P}-version", "data"),
    prevent_initial_call=True,
)
def rebase(clicks, current, versions):
    """Writes nothing: the form's inputs now count as changes to the current version."""
    if not clicks or not current:
        return NO, NO, NO
    return ({**(versions or {}), "form": int(current)}, True,
            notice(f"Ihre Eingaben gelten jetzt für Stand {int(current)}. Oben sehen Sie den neuen Stand; prüfen Sie "
                   "Ihre Eingaben und klicken Sie auf „Speichern“.", "info"))


@callback(
    Output(f"{P}-s-meldung", "children"),
    Output(f"{P}-version", "data", allow_duplicate=True),
    Output(f"{P}-stand", "data", allow_duplicate=True),
    Output(field_id(P, "status"), "value", allow_duplicate=True),
    Output(f"{P}-geladen", "data", allow_duplicate=True),
    Output(f"{P}-s-kommentar", "value"),
    Input(f"{P}-s-knopf", "n_clicks"),
    State(f"{P}-id", "data"),
    State(f"{P}-version", "data"),
    State(f"{P}-s-status", "value"),
    State(f"{P}-s-kommentar", "value"),
    State(field_id(P, "status"), "value"),
    State(f"{P}-geladen", "data"),
    prevent_initial_call=True,
)
def change_status(clicks, measure_id, versions, status, comment, form_status, loaded):
    if not clicks:
        return (NO,) * 6
    try:
        user = auth.require_editor()
    except auth.Forbidden as exc:
        return forbidden(exc.message, auth.login_href(_path(str(measure_id)))), NO, NO, NO, NO, NO
    package = get_package()
    store = get_store()
    expected = int((versions or {}).get("status") or 0)
    try:
        before = store.get(str(measure_id))
        record = store.change_status(str(measure_id), status, expected, user.username, comment or "")
    except ConflictError as exc:
        hint = ("Ihre Auswahl und Ihr Kommentar sind erhalten. Oben sehen Sie jetzt den neuen Stand; ein erneuter "
                "Klick auf „Status ändern“ wendet Ihre Änderung auf ihn an.")
        return (conflict_message(exc, package, retry_hint=hint), {**(versions or {}), "status": exc.current["version"]},
                _stand(exc.current["version"]), NO, NO, NO)
    except MeasureInvalid as exc:
        return error_list(exc.messages), NO, NO, NO, NO, NO
    except StoreError as exc:
        return error_list([exc.message]), NO, NO, NO, NO, NO
    if record["version"] == expected:
        label = MEASURE_STATUS_LABELS.get(record["status"], record["status"])
        return notice(f"Der Status ist schon „{label}“; nichts geändert.", "info"), NO, NO, NO, NO, NO
    label = MEASURE_STATUS_LABELS.get(record["status"], record["status"])
    old_status = (loaded or {}).get("status") or (before or {}).get("status")
    # the edit form follows the new status unless its user has already picked another one
    follow = form_status == old_status
    new_loaded = {**(loaded or {}), "status": record["status"]} if follow else NO
    return (success(f"Status geändert auf „{label}“ (Stand {record['version']})."),
            _synced(versions, "status", expected, record["version"]), _stand(record["version"]),
            record["status"] if follow else NO, new_loaded, "")


@callback(
    Output(f"{P}-a-meldung", "children"),
    Output(f"{P}-version", "data", allow_duplicate=True),
    Output(f"{P}-stand", "data", allow_duplicate=True),
    Output(f"{P}-a-knopf", "children"),
    Output(f"{P}-a-kommentar", "value"),
    Input(f"{P}-a-knopf", "n_clicks"),
    State(f"{P}-id", "data"),
    State(f"{P}-version", "data"),
    State(f"{P}-a-kommentar", "value"),
    prevent_initial_call=True,
)
def archive(clicks, measure_id, versions, comment):
    if not clicks:
        return (NO,) * 5
    try:
        user = auth.require_editor()
    except auth.Forbidden as exc:
        return forbidden(exc.message, auth.login_href(_path(str(measure_id)))), NO, NO, NO, NO
    package = get_package()
    store = get_store()
    expected = int((versions or {}).get("archiv") or 0)
    current = store.get(str(measure_id))
    if current is None:
        return error_list([f"Die Maßnahme „{str(measure_id)[:64]}“ gibt es nicht."]), NO, NO, NO, NO
    target = not bool(current["archived"])
    try:
        record = store.set_archived(str(measure_id), target, expected, user.username, comment or "")
    except ConflictError as exc:
        archived = bool(exc.current["archived"])
        hint = (f"Ihre Begründung ist erhalten. Oben sehen Sie jetzt den neuen Stand; ein erneuter Klick auf "
                f"„{_archive_label(archived)}“ wendet Ihre Aktion auf ihn an.")
        return (conflict_message(exc, package, retry_hint=hint), {**(versions or {}), "archiv": exc.current["version"]},
                _stand(exc.current["version"]), _archive_label(archived), NO)
    except MeasureInvalid as exc:
        return error_list(exc.messages), NO, NO, NO, NO
    except StoreError as exc:
        return error_list([exc.message]), NO, NO, NO, NO
    done = "archiviert" if record["archived"] else "wiederhergestellt"
    return (success(f"Maßnahme {done} (Stand {record['version']})."),
            _synced(versions, "archiv", expected, record["version"]), _stand(record["version"]),
            _archive_label(bool(record["archived"])), "")


@callback(
    Output(f"{P}-ansicht", "children"),
    Input(f"{P}-stand", "data"),
    State(f"{P}-id", "data"),
    prevent_initial_call=True,
)
def redraw(stand, measure_id):
    """Read-only: the view after a write (or after a conflict, to show the other person's change)."""
    record = _record(measure_id)
    if not stand or record is None:
        return NO
    return measure_view(get_package(), record, get_store().history(record["measure_id"]))
