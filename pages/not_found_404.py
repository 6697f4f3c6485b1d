"""The page shown for any unknown address."""

import dash
from dash import html

from components.easy_language import einfach_erklaert

dash.register_page(__name__, path="/404", name="Seite nicht gefunden", title="Seite nicht gefunden – Sozialraum-Monitor")


def layout(**_):
    return html.Div([
        html.H1("Seite nicht gefunden"),
        html.P("Diese Adresse gibt es im Sozialraum-Monitor nicht. Vielleicht ist der Link veraltet "
               "oder unvollständig."),
        einfach_erklaert("not_found_404"),
        html.P([html.A("Zur Übersicht", href="/"), " · ", html.A("Über / Methodik", href="/methodik")]),
    ])
