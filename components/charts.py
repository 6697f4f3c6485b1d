"""Accessible charts: every chart is a <figure> whose caption says what it shows and what
it finds, followed by the graph, the same data as a real table, and a CSV download."""

from __future__ import annotations

from collections.abc import Sequence

import dash
import plotly.graph_objects as go
from dash import dcc, html

from .area_search import profile_link

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


def graph_config(filename: str) -> dict:
    """plotly config: German locale and number format, PNG export, offline map base."""
    return {
        "locale": "de",
        "displaylogo": False,
        # Plotly's geo maps fetch a world topojson; serve it ourselves (no CDN on an intranet).
        "topojsonURL": dash.get_asset_url("topojson/"),
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
        # "sendChartToCloud" ("Share chart…", English) would offer to upload the chart to Plotly
        # Cloud: no city data leaves the server, and no button that cannot work on an intranet.
        "showSendToCloud": False,
        "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "sendChartToCloud"],
    }


def base_layout(**overrides) -> dict:
    layout = {
        "separators": ",.",
        "font": {"family": FONT, "size": 14, "color": "#212529"},
        "margin": {"l": 8, "r": 8, "t": 8, "b": 8},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "hoverlabel": {"font": {"family": FONT}},
    }
    layout.update(overrides)
    return layout


def area_cell(name: str, slug: str | None) -> html.A | str:
    """The first cell of a table row that names an area: a link to the area's profile
    (`/ortsteil/<slug>`); plain text when there is no slug (e.g. "Stadt … (zum Vergleich)")."""
    return profile_link(str(name), str(slug)) if slug else str(name)


def table_rows(rows: Sequence[Sequence[str]], numeric: Sequence[bool]) -> list[html.Tr]:
    """<tr>s with the first cell as row header (a string, or a component such as `area_cell`);
    build once and share between tables with the same rows (the components are only read when
    the layout is serialised)."""
    body_rows = []
    for row in rows:
        cells = [html.Th(row[0], scope="row", className="fw-normal")]
        cells += [html.Td(v, className="text-end" if numeric[i + 1] else None) for i, v in enumerate(row[1:])]
        body_rows.append(html.Tr(cells))
    return body_rows


def data_table(header: Sequence[str], rows: Sequence[Sequence[str]], caption: str,
               numeric: Sequence[bool] | None = None, table_id: str | None = None,
               body_rows: list[html.Tr] | None = None) -> html.Div:
    """A real <table>: caption, column headers with scope, first cell of each row as row header.
    Wrapped in a focusable region so a wide table scrolls inside itself on a phone."""
    numeric = list(numeric or [False] * len(header))
    head = html.Thead(html.Tr([
        html.Th(h, scope="col", className="text-end" if numeric[i] else None) for i, h in enumerate(header)
    ]))
    if body_rows is None:
        body_rows = table_rows(rows, numeric)
    extra = {"id": table_id} if table_id else {}
    table = html.Table([html.Caption(caption), head, html.Tbody(body_rows)],
                       className="table table-sm table-striped data-table", **extra)
    return html.Div(table, className="table-scroll", tabIndex=0, role="region", **{"aria-label": caption})


LAZY_TABLE_TEXT = "Die Tabelle wird geladen …"


def table_is_open(summary_clicks: int | None) -> bool:
    """A lazy table's <details> is open after an odd number of clicks on its summary (it starts
    closed, and every click or Enter on the summary toggles it)."""
    return bool(summary_clicks) and summary_clicks % 2 == 1


def chart_figure(chart_id: str, title: str, finding: str, figure: go.Figure, table: html.Div | None,
                 csv_href: str, *, notes: Sequence[str] = (), heading_level: int = 3,
                 graph_height: str | None = None) -> html.Figure:
    """The accessible chart. Ids derived from chart_id: -titel, -aussage, -graph, -tabelle, -csv,
    and -tabelle-knopf (the summary of "Daten als Tabelle").

    `table=None` makes the table lazy: the page fills `-tabelle` when the summary is clicked
    (`table_is_open`), so a view change does not ship hundreds of table cells nobody opened."""
    heading = getattr(html, f"H{heading_level}")
    caption = html.Figcaption([
        heading(title, id=f"{chart_id}-titel", className="chart-title"),
        html.P(finding, id=f"{chart_id}-aussage", className="chart-finding"),
        *[html.P(n, className="chart-note small text-body-secondary") for n in notes],
    ])
    graph = dcc.Graph(id=f"{chart_id}-graph", figure=figure, config=graph_config(chart_id),
                      style={"height": graph_height} if graph_height else {}, className="chart-graph")
    return html.Figure(className="chart", id=chart_id, children=[
        caption,
        graph,
        html.Div(className="chart-tools", children=[
            html.Details([html.Summary("Daten als Tabelle", id=f"{chart_id}-tabelle-knopf", n_clicks=0),
                          html.Div(table if table is not None else html.P(LAZY_TABLE_TEXT, className="small"),
                                   id=f"{chart_id}-tabelle")]),
            html.A(["CSV herunterladen", html.Span(f" ({title})", className="visually-hidden")],
                   href=csv_href, id=f"{chart_id}-csv", className="btn btn-outline-primary btn-sm",
                   download=f"{chart_id}.csv"),
        ]),
    ])
