"""Create a Maßnahme (/massnahmen/neu): the measure form, empty, for editors only.

The create callback asks components.auth for the editor role first and writes nothing
otherwise. Not in the main navigation. Its order (lower than the detail page's) keeps
"/massnahmen/neu" from being read as the measure id "neu" by the detail page's template.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, html

from components import auth
from components.data import get_package
from components.easy_language import einfach_erklaert
from components.measure_form import (
    comment_field,
    error_list,
    field_states,
    forbidden,
    form_values,
    measure_form,
    success,
    to_store_values,
    values_from_states,
)
from components.measures_store import get_store
from sozialraum.measures import EDITABLE_FIELDS, MeasureInvalid
from sozialraum.store import StoreError

PATH = "/massnahmen/neu"
P = "nm"

dash.register_page(__name__, path=PATH, name="Neue Maßnahme", title="Neue Maßnahme – Sozialraum-Monitor", order=71)


def layout(**_query):
    package = get_package()
    heading = [html.Nav(html.A("← Alle Maßnahmen", href="/massnahmen"), className="mb-2 small",
                        **{"aria-label": "Zurück zur Liste"}),
               html.H1("Neue Maßnahme"), einfach_erklaert("massnahme_neu")]
    if not auth.can_edit():
        user = auth.current_user()
        message = ("Ihr Konto darf Maßnahmen nur lesen. Neue Maßnahmen legt die Redaktion an."
                   if user else "Neue Maßnahmen kann nur die Redaktion anlegen. Bitte melden Sie sich an.")
        return html.Div([*heading, html.Div(className="alert alert-info", role="status", children=[
            html.P(message, className="mb-1"),
            html.A("Zur Anmeldung", href=auth.login_href(PATH)) if user is None else None,
        ])])
    return html.Div([
        *heading,
        html.P("Alle Angaben lassen sich später ändern; jede Änderung wird protokolliert.", className="lead"),
        measure_form(P, package, form_values(None), with_id=True),
        comment_field(f"{P}-kommentar", "Kommentar", "Optional, z. B. „Beschluss des Begleitgremiums vom "
                      "12.03.2025“. Steht im Änderungsprotokoll.", required=False),
        html.Div(id=f"{P}-meldung", **{"aria-live": "polite"}),
        dbc.Button("Maßnahme anlegen", id=f"{P}-anlegen", n_clicks=0, color="primary", className="mb-4"),
    ])


@callback(
    Output(f"{P}-meldung", "children"),
    Output(f"{P}-anlegen", "disabled"),
    Input(f"{P}-anlegen", "n_clicks"),
    State(f"{P}-f-measure_id", "value"),
    State(f"{P}-kommentar", "value"),
    *field_states(P),
    prevent_initial_call=True,
)
def create(clicks, measure_id, comment, *fields):
    if not clicks:
        return dash.no_update, dash.no_update
    try:
        user = auth.require_editor()
    except auth.Forbidden as exc:
        return forbidden(exc.message, auth.login_href(PATH)), dash.no_update
    package = get_package()
    values, problems = to_store_values(values_from_states(fields), EDITABLE_FIELDS, package)
    if problems:
        return error_list(problems, "Nicht angelegt. Bitte korrigieren:"), dash.no_update
    if (measure_id or "").strip():
        values["measure_id"] = measure_id.strip()
    try:
        record = get_store().create(values, user.username, comment or "")
    except MeasureInvalid as exc:
        return error_list(exc.messages, "Nicht angelegt. Bitte korrigieren:"), dash.no_update
    except StoreError as exc:
        return error_list([exc.message], "Nicht angelegt:"), dash.no_update
    href = f"/massnahmen/{record['measure_id']}"
    return success(f"Angelegt als {record['measure_id']}: ", html.A(record["title"], href=href), ". ",
                   html.A("Weitere Maßnahme anlegen", href=PATH)), True
