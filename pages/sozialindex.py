"""Sozialindex: ranking, class map, status × dynamics matrix, the reasons for one area's place,
ranks over time and robustness -- computed live from a method file and adjustable in the page.

The URL is the state (see components/sozialindex_views.py): `layout(**query)` draws the whole
view from the query string, so the first paint needs no callback; `sync_state` turns control
changes into a canonical query; `render` draws from the two Stores (full figures when the
view changes, small Patches when only the marking does).

The index, its 500-draw robustness and the year comparison take about 100 ms together for
Erfurt (the engine's robustness is one matrix product), so a normal callback is enough; the
built view is cached like the atlas' views.
"""

from __future__ import annotations

import math

import dash
import dash_bootstrap_components as dbc
from dash import (
    ALL,
    Input,
    Output,
    Patch,
    State,
    callback,
    ctx,
    dcc,
    html,
)

from components import sozialindex_views as views
from components.area_search import profile_button
from components.cache import cache
from components.charts import chart_figure
from components.controls import clicked_area, collapsible_controls, register_controls_toggle
from components.data import get_package
from components.downloads_index import csv_href, part_table, toml_href
from components.easy_language import einfach_erklaert
from components.shell import notice
from sozialraum import sozialindex as si
from sozialraum.package import DataPackage
from sozialraum.schema import LEVEL_LABELS, LEVEL_LABELS_PLURAL

dash.register_page(__name__, path="/sozialindex", name="Sozialindex", title="Sozialindex – Sozialraum-Monitor",
                   order=30, nav=True)

P = "index"
CHARTS = ("rangfolge", "karte", "zeitvergleich")
LOCAL_KNOWLEDGE = (
    "Die Klassen des Sozialindex fassen wenige statistische Kennzahlen zusammen. Was sie für ein "
    "Gebiet bedeuten, lässt sich nur mit Ortskenntnis beurteilen – mit den Fachleuten vor Ort, den "
    "Ortsteilräten und den Menschen, die dort leben. Die Klassen beschreiben einen Bedarf an "
    "Unterstützung, nicht die Menschen im Gebiet."
)


# ---- building the views ---------------------------------------------------------------------

def _state(package: DataPackage, view: dict | None, mark: dict | None) -> views.IndexState:
    return views.state_from_query(package, {**(view or {}), **(mark or {})})


@cache.memoize()
def _views(fingerprint: str, view_items: tuple) -> dict:
    """Figures (without marking), tables and sentences of one view; cached across workers."""
    package = get_package()
    return _build_views(package, views.state_from_query(package, dict(view_items)))


def _build_views(package: DataPackage, state: views.IndexState) -> dict:
    c = views.compute_view(package, state)
    level, year, ya = state.level, state.year, state.compare_year
    where = LEVEL_LABELS_PLURAL[level]
    view = views.view_query(package, state)
    title = state.method.title
    slugs = package.areas["slug"]  # area names in the tables link to their profile

    def part(chart: str, heading: str, finding: str, figure: dict) -> dict:
        table = part_table(package, state, c, chart)
        return {"title": heading, "finding": finding, "figure": figure,
                "table": table.component(heading, slugs), "href": csv_href(view, chart)}

    out = {
        "rangfolge": part("rangfolge", f"Rangfolge der {where} nach Statusindex, {year}",
                          views.ranking_finding(c, level), views.ranking_figure(c)),
        "karte": part("karte", f"Klassen des Statusindex, {year}", views.map_finding(c, level),
                      views.class_map(package, c, level)),
        "zeitvergleich": part("zeitvergleich", f"Rang {ya} und {year}", views.slope_finding(c, ya, year),
                              views.slope_figure(c, ya, year)),
        "reference": views.reference_text(c),
        "notes": list(c.result.notes),
        "excluded": [(str(n), str(r)) for n, r in c.result.excluded[["name", "reason"]].itertuples(index=False)],
        "robust_finding": views.robustness_finding(c),
        "robust_table": views.robustness_table(c, level).component(
            f"Robustheit der Rangfolge ({title}, {year})", slugs),
        "robust_href": csv_href(view, "robustheit"),
        "unstable": [(str(row["name"]), int(row["rank"]), str(row["class"]), int(row["rank_min"]),
                      int(row["rank_max"]), float(row["class_share"]))
                     for _, row in c.robust.table[~c.robust.table["class_stable"]].iterrows()],
        "matrix_href": csv_href(view, "matrix"),
        "toml_href": toml_href(view),
        "method_title": title,
    }
    return out


def _figures_with_marking(package: DataPackage, state: views.IndexState, built: dict) -> dict:
    """Copies of the cached figures with the marking applied (never change the cached ones)."""
    c = views.compute_view(package, state)
    cell = views.cell_areas(c, state.cell)
    figures = {}
    for chart in CHARTS:
        fig = built[chart]["figure"]
        figures[chart] = {"data": [dict(t) for t in fig["data"]], "layout": dict(fig["layout"])}
    rank = figures["rangfolge"]
    widths, ticks = views.ranking_marking(c, state.selected, cell)
    if rank["data"]:
        rank["data"][0]["marker"] = {**rank["data"][0]["marker"], "line": {"color": "#000000", "width": widths}}
        rank["layout"]["yaxis"] = {**rank["layout"]["yaxis"], "ticktext": ticks}
    karte = figures["karte"]
    marks = views.map_marking(package, state.level, state.selected, cell)
    karte["data"][2].update(marks["cell"])
    karte["data"][3].update(marks["selected"])
    karte["data"][4].update(marks["label"])
    slope = figures["zeitvergleich"]
    if len(slope["data"]) == 4:
        slope["data"][3].update(views.slope_marking(c, state.selected))
    return figures


def _marking_patches(package: DataPackage, state: views.IndexState) -> tuple[Patch, Patch, Patch]:
    c = views.compute_view(package, state)
    cell = views.cell_areas(c, state.cell)
    rank, karte, slope = Patch(), Patch(), Patch()
    widths, ticks = views.ranking_marking(c, state.selected, cell)
    rank["data"][0]["marker"]["line"]["width"] = widths
    rank["layout"]["yaxis"]["ticktext"] = ticks
    marks = views.map_marking(package, state.level, state.selected, cell)
    for index, key in ((2, "cell"), (3, "selected"), (4, "label")):
        for prop, value in marks[key].items():
            karte["data"][index][prop] = value
    if c.compare is not None:
        for prop, value in views.slope_marking(c, state.selected).items():
            slope["data"][3][prop] = value
    return rank, karte, slope


# ---- the parts that depend on the marking ---------------------------------------------------

def _shown_area(package: DataPackage, state: views.IndexState, c: views.Computed) -> str | None:
    """The selected area, else the top of the ranking as an example."""
    if state.selected:
        return state.selected
    return str(c.result.valid.index[0]) if len(c.result.valid) else None


def _reasons(package: DataPackage, state: views.IndexState) -> dict:
    c = views.compute_view(package, state)
    area = _shown_area(package, state, c)
    view = views.view_query(package, state)
    name = str(package.areas.at[area, "name"]) if area else ""
    sentences = views.reasons_sentences(package, c, area, state.level) if area else ["Kein Gebiet."]
    intro = [] if state.selected else [html.P(
        f"Beispiel: {name}, Rang 1. Wählen Sie ein anderes Gebiet in der Liste oder mit einem Klick auf "
        "einen Balken oder eine Fläche.", className="small text-body-secondary mb-1")]
    heading = f"Warum steht {name} hier? Beiträge der Indikatoren, {state.year}"
    table = views.reasons_table(package, c, area) if area else None
    slug = str(package.areas.at[area, "slug"]) if area else ""
    return {
        "title": heading,
        "finding": sentences[0],
        "figure": views.reasons_figure(c, area),
        "table": table.component(heading) if table else None,
        "href": csv_href(view, "warum", slug),
        "text": [*intro, html.Ul([html.Li(s) for s in sentences[1:]], className="reasons-list")]
        if len(sentences) > 1 else intro,
        "links": _area_links(package, area) if area else [],
    }


def _area_links(package: DataPackage, area: str) -> list:
    slug = str(package.areas.at[area, "slug"])
    name = str(package.areas.at[area, "name"])
    return [
        profile_button(name, slug, className="btn btn-primary btn-sm", id=f"{P}-steckbrief"),
        html.A(["Im Atlas zeigen", html.Span(f" ({name})", className="visually-hidden")],
               href=f"/atlas?auswahl={slug}", className="btn btn-outline-primary btn-sm", id=f"{P}-zum-atlas"),
        html.A(["Im Zeitvergleich", html.Span(f" ({name})", className="visually-hidden")],
               href=f"/zeitvergleich?gebiete={slug}", className="btn btn-outline-primary btn-sm",
               id=f"{P}-zum-zeitvergleich"),
    ]


def _matrix(package: DataPackage, state: views.IndexState) -> list:
    c = views.compute_view(package, state)
    table = views.matrix_table(c)
    if table is None:
        why = " ".join(c.result.notes) or "Diese Methode hat keine Dynamik."
        return [html.P(f"Keine Matrix für {state.year}: {why}", className="text-body-secondary")]
    status = list(reversed(state.method.status.classes))
    dynamics = list(state.method.dynamics.classes)  # type: ignore[union-attr]
    k = len(state.method.status.classes)
    head = html.Thead(html.Tr([html.Th("Status ↓ / Dynamik →", scope="col")]
                              + [html.Th(d.label, scope="col") for d in dynamics]))
    rows = []
    for row, s_cls in zip(table.rows, status):
        s = k - 1 - len(rows)
        cells = [html.Th([html.Span(className="class-swatch", style={"background": s_cls.color}), s_cls.label],
                         scope="row")]
        for d, count in enumerate(row[1:]):
            pressed = state.cell == (s, d)
            cells.append(html.Td(html.Button(
                [str(count), html.Span(f" {LEVEL_LABELS_PLURAL[state.level] if count != 1 else LEVEL_LABELS[state.level]}"
                                       f": {s_cls.label}, {dynamics[d].label}", className="visually-hidden")],
                id={"type": f"{P}-zelle", "zelle": f"{s + 1}-{d + 1}"}, type="button", n_clicks=0,
                disabled=count == 0, className="matrix-cell" + (" is-pressed" if pressed else ""),
                **{"aria-pressed": "true" if pressed else "false"})))
        rows.append(html.Tr(cells))
    caption = (f"Anzahl der {LEVEL_LABELS_PLURAL[state.level]} je Status- und Dynamikklasse, {state.year}. "
               "Ein Klick auf eine Zahl hebt diese Gebiete in Rangfolge und Karte hervor (◆, schwarz umrandet).")
    areas = views.cell_areas(c, state.cell)
    chosen = []
    if state.cell:
        names = ", ".join(str(package.areas.at[a, "name"]) for a in areas) or "keine"
        chosen = [html.P([html.Strong("Hervorgehoben: "),
                          f"{status[k - 1 - state.cell[0]].label}, {dynamics[state.cell[1]].label} – {names}"],
                         className="mt-2 mb-0")]
    return [html.Div(html.Table([html.Caption(caption), head, html.Tbody(rows)],
                                className="table table-sm matrix-table"),
                     className="table-scroll", tabIndex=0, role="region", **{"aria-label": "Status-Dynamik-Matrix"}),
            *chosen]


def _robustness(built: dict) -> list:
    unstable = built["unstable"]
    if unstable:
        items = [html.Li(f"{n} (Rang {r}, {cl}): Rang {a}–{b}, gleiche Klasse in "
                         f"{views.fmt.number(100 * share, 0)} % der Zufallsgewichtungen")
                 for n, r, cl, a, b, share in unstable]
        listing = [html.H3("Gebiete mit unsicherer Klasse", className="h6 mt-2"),
                   html.Ul(items, id=f"{P}-unsicher")]
    else:
        listing = [html.P("Alle Gebiete behalten in jeder Variante ihre Klasse.", id=f"{P}-unsicher")]
    return [
        html.P(built["robust_finding"], className="chart-finding"),
        html.P("Die Rangspanne jedes Gebiets steht rechts neben seinem Balken in der Rangfolge "
               "(Punkt = Rang, Strich = niedrigster bis höchster Rang; × = Klasse nicht stabil).",
               className="small text-body-secondary"),
        *listing,
        html.Div(className="chart-tools", children=[
            html.Details([html.Summary("Daten als Tabelle"), built["robust_table"]]),
            html.A(["CSV herunterladen", html.Span(" (Robustheit)", className="visually-hidden")],
                   href=built["robust_href"], className="btn btn-outline-primary btn-sm",
                   download="sozialindex-robustheit.csv", id=f"{P}-robustheit-csv"),
        ]),
    ]


def _map_legend(state: views.IndexState, built: dict) -> list:
    """The classes as an HTML legend (colour and name) and the areas without an index."""
    items = [html.Li([html.Span(className="class-swatch", style={"background": cl.color}), cl.label])
             for cl in reversed(state.method.status.classes)]
    items.append(html.Li([html.Span(className="class-swatch", style={"background": views.EXCLUDED_FILL}),
                          "nicht im Index"]))
    legend = html.Ul(items, className="class-legend", **{"aria-label": "Legende der Karte"})
    rows = built["excluded"]
    if not rows:
        return [legend]
    return [legend, html.Details([html.Summary(f"Nicht im Index: {len(rows)} Gebiete (grau)"),
                          html.Ul([html.Li(f"{n}: {r}") for n, r in rows], className="small mb-0")])]


# ---- controls -------------------------------------------------------------------------------

def _year_options(package: DataPackage, exclude: int | None = None) -> list[dict]:
    return [{"label": str(y), "value": str(y)} for y in reversed(package.years) if y != exclude]


def _adjust_block(package: DataPackage, state: views.IndexState) -> list:
    """Toggles, weights and thresholds of the status index (rebuilt when the preset changes)."""
    result_labels = views.compute_view(package, state).result.status.labels
    part = state.method.status

    def label(spec) -> str:
        if spec.id in result_labels:
            return result_labels[spec.id]
        if spec.label:
            return spec.label
        if spec.id in package.indicators.index:
            return str(package.indicators.at[spec.id, "short_name"])
        return spec.id

    classes = part.classes
    return [
        html.Fieldset([
            html.Legend("Indikatoren einbeziehen", className="form-label fs-6"),
            dbc.Checklist(id=f"{P}-an", options=[{"label": label(s), "value": s.id} for s in part.indicators],
                          value=[s.id for s in part.indicators if s.enabled]),
        ]),
        html.Fieldset([
            html.Legend("Gewichte", className="form-label fs-6"),
            html.Div(className="weight-grid", children=[
                html.Label([html.Span(label(s)),
                            dbc.Input(id={"type": f"{P}-gewicht", "indikator": s.id}, type="number", min=0,
                                      step=0.1, value=s.weight, debounce=400, size="sm")],
                           className="form-label small d-block")
                for s in part.indicators]),
        ]),
        html.Fieldset([
            html.Legend("Klassengrenzen (Indexwert)", className="form-label fs-6"),
            *[html.Label([html.Span(f"Grenze zu „{classes[i + 1].label}“"),
                          dbc.Input(id={"type": f"{P}-grenze", "index": i}, type="number", step=0.1,
                                    value=cut, debounce=400, size="sm")],
                         className="form-label small d-block")
              for i, cut in enumerate(part.cuts)],
        ]),
    ]


def _controls(package: DataPackage, state: views.IndexState, built: dict) -> html.Div:
    return html.Div(className="atlas-controls", children=[
        dbc.Label("Methode", html_for=f"{P}-methode"),
        dbc.Select(id=f"{P}-methode", options=views.method_options(package), value=state.name, className="mb-3"),
        dbc.Label("Jahr", html_for=f"{P}-jahr"),
        dbc.Select(id=f"{P}-jahr", options=_year_options(package), value=str(state.year), className="mb-3"),
        dbc.Label("Vergleichsjahr (Rang im Zeitverlauf)", html_for=f"{P}-vergleichsjahr"),
        dbc.Select(id=f"{P}-vergleichsjahr", options=_year_options(package), value=str(state.compare_year),
                   className="mb-3"),
        html.H2("Methode anpassen (Statusindex)", className="h6 mt-2"),
        html.Div(_adjust_block(package, state), id=f"{P}-anpassung"),
        html.Div(className="d-flex flex-wrap gap-2", children=[
            html.Button("Methode zurücksetzen", id=f"{P}-zuruecksetzen", type="button", n_clicks=0,
                        className="btn btn-outline-primary btn-sm"),
            html.A(["Methode herunterladen (TOML)"], href=built["toml_href"], id=f"{P}-toml",
                   className="btn btn-outline-primary btn-sm", download=f"{state.name}.toml"),
        ]),
        html.P("Die Anpassung steht in der Adresse der Seite und lässt sich als Link teilen.",
               className="small text-body-secondary mt-2 mb-0"),
    ])


def _chart(chart: str, part: dict, figure: dict, notes=()) -> html.Figure:
    return chart_figure(f"{P}-{chart}", part["title"], part["finding"], figure, part["table"], part["href"],
                        notes=notes)


def _error_alert(lines: list[str]) -> html.Div:
    return html.Div(className="alert alert-danger", role="alert", id=f"{P}-fehlermeldung", children=[
        html.Strong("Diese Anpassung lässt sich nicht berechnen. "),
        "Gezeigt wird weiter die letzte gültige Ansicht.",
        html.Ul([html.Li(line) for line in lines], className="mb-0 mt-1"),
    ])


def layout(**query):
    package = get_package()
    query = {k: v for k, v in query.items() if isinstance(v, str)}
    try:
        state = views.state_from_query(package, query)
    except si.SozialindexError as exc:
        return html.Div([html.H1("Sozialindex"), _error_alert(views.error_lines(exc))])
    view = views.view_query(package, state)
    mark = views.mark_query(package, state)
    built = _views(package.fingerprint, tuple(sorted(view.items())))
    figures = _figures_with_marking(package, state, built)
    reasons = _reasons(package, state)
    map_notes = [built["reference"].split(" (")[0] + " – Grau: nicht im Index."]
    if package.meta.get("schematic_map"):
        map_notes.append("Schematische Karte: Flächen vereinfacht, keine amtlichen Grenzen.")
    return html.Div([
        dcc.Location(id=f"{P}-url", refresh=False),
        dcc.Store(id=f"{P}-ansicht", data=view),
        dcc.Store(id=f"{P}-markierung", data=mark),
        html.H1("Sozialindex"),
        html.P("Wo ist der Handlungsbedarf besonders hoch? Der Index fasst Kennzahlen zu Armut und "
               "Arbeitslosigkeit je Gebiet zusammen – nachvollziehbar: Für jedes Gebiet steht, woraus sich sein "
               "Wert ergibt, die Methode lässt sich hier ändern, und die Adresse der Seite hält die Ansicht fest.",
               className="lead"),
        einfach_erklaert("sozialindex"),
        html.Div([html.Strong("Bitte mit Ortskenntnis lesen: "), LOCAL_KNOWLEDGE], className="alert alert-info",
                 role="note", id=f"{P}-ortskenntnis"),
        html.Div([notice(n) for n in state.notices], id=f"{P}-hinweise"),
        dbc.Row([
            dbc.Col(lg=3, className="mb-3", children=[
                *collapsible_controls(P, _controls(package, state, built), "Methode und Jahr einstellen"),
            ]),
            dbc.Col(lg=9, children=[
                html.Div(id=f"{P}-fehler", **{"aria-live": "assertive"}),
                html.P(f"Methode: {built['method_title']}", id=f"{P}-methode-text", className="fw-semibold"),
                dbc.Row([
                    dbc.Col(xl=6, children=[
                        _chart("rangfolge", built["rangfolge"], figures["rangfolge"],
                               [built["reference"], ("Gepunktete Linien: Klassengrenzen; durchgezogen: Bezug. "
                                "Rechts: Rangspanne unter veränderten Gewichten (siehe Robustheit).")]),
                    ]),
                    dbc.Col(xl=6, children=[
                        _chart("karte", built["karte"], figures["karte"], map_notes),
                        html.Div(_map_legend(state, built), id=f"{P}-ausgeschlossen", className="mb-3"),
                        html.Figure(className="chart", id=f"{P}-matrix", children=[
                            html.Figcaption([
                                html.H3("Status und Dynamik", className="chart-title"),
                                html.P("Status: Lage im Jahr; Dynamik: Veränderung der letzten Jahre.",
                                       className="chart-note small text-body-secondary"),
                            ]),
                            html.Div(_matrix(package, state), id=f"{P}-matrix-inhalt"),
                            html.Div(className="chart-tools", children=[
                                html.Button("Hervorhebung aufheben", id=f"{P}-aufheben", type="button",
                                            n_clicks=0, className="btn btn-outline-primary btn-sm"),
                                html.A(["CSV herunterladen", html.Span(" (Status und Dynamik)",
                                                                        className="visually-hidden")],
                                       href=built["matrix_href"], id=f"{P}-matrix-csv",
                                       className="btn btn-outline-primary btn-sm", download="sozialindex-matrix.csv"),
                            ]),
                        ]),
                    ]),
                ]),
                html.H2("Warum steht dieses Gebiet hier?"),
                html.Div(className="reasons-head", children=[
                    html.Div([
                        dbc.Label("Gebiet", html_for=f"{P}-gebiet"),
                        dbc.Select(id=f"{P}-gebiet", value=state.selected or "",
                                   options=[{"label": "– Gebiet wählen –", "value": ""}] + _area_options(package, state)),
                    ]),
                    html.Div(reasons["links"], id=f"{P}-links", className="d-flex flex-wrap gap-2 align-items-end"),
                ]),
                html.Div(reasons["text"], id=f"{P}-warum-text", className="mt-2", **{"aria-live": "polite"}),
                chart_figure(f"{P}-warum", reasons["title"], reasons["finding"], reasons["figure"],
                             reasons["table"], reasons["href"],
                             notes=[("Orange: hebt den Index (mehr Handlungsbedarf), lila: senkt ihn. Beitrag = "
                                    "standardisierter Wert × Gewicht.")]),
                html.H2("Rangfolge im Zeitverlauf"),
                _chart("zeitvergleich", built["zeitvergleich"], figures["zeitvergleich"],
                       [("◆ und gestrichelte Linie: Gebiet hat die Klasse gewechselt. Vergleichsjahr in den "
                        "Einstellungen.")]),
                html.H2("Robustheit"),
                html.Section(_robustness(built), id=f"{P}-robustheit", className="chart",
                             **{"aria-label": "Robustheit der Rangfolge"}),
            ]),
        ]),
    ])


def _area_options(package: DataPackage, state: views.IndexState) -> list[dict]:
    areas = package.areas[package.areas["level"] == state.level].sort_values("name")
    return [{"label": str(n), "value": str(a)} for a, n in areas["name"].items()]


# ---- callbacks ------------------------------------------------------------------------------

def _number(value) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _method_from_controls(state: views.IndexState, checked: list[str], weights: list[dict],
                          cuts: list[dict]) -> si.Method:
    """The preset adjusted by the page's inputs; raises SozialindexError with German lines."""
    base = views.base_method(state)
    labels = {s.id: s.label or s.id for s in base.status.indicators}
    problems = []
    w = {}
    for item in weights:
        ind = item["id"]["indikator"]
        value = _number(item.get("value"))
        if value is None:
            problems.append(f"Gewicht für „{labels.get(ind, ind)}“: bitte eine Zahl eingeben.")
        else:
            w[ind] = value
    c = []
    for item in sorted(cuts, key=lambda i: i["id"]["index"]):
        value = _number(item.get("value"))
        if value is None:
            problems.append(f"Klassengrenze {item['id']['index'] + 1}: bitte eine Zahl eingeben.")
        c.append(value)
    if problems:
        raise si.SozialindexError("\n".join(problems))
    enabled = {s.id: s.id in (checked or []) for s in base.status.indicators}
    return si.adjust(base, "status", weights=w, enabled=enabled, cuts=c or None)


@callback(
    Output(f"{P}-url", "search"),
    Output(f"{P}-ansicht", "data"),
    Output(f"{P}-markierung", "data"),
    Output(f"{P}-hinweise", "children"),
    Output(f"{P}-fehler", "children"),
    Output(f"{P}-methode", "value"),
    Output(f"{P}-jahr", "value"),
    Output(f"{P}-vergleichsjahr", "value"),
    Output(f"{P}-anpassung", "children"),
    Output(f"{P}-gebiet", "value"),
    Input(f"{P}-url", "search"),
    Input(f"{P}-methode", "value"),
    Input(f"{P}-jahr", "value"),
    Input(f"{P}-vergleichsjahr", "value"),
    Input(f"{P}-an", "value"),
    Input({"type": f"{P}-gewicht", "indikator": ALL}, "value"),
    Input({"type": f"{P}-grenze", "index": ALL}, "value"),
    Input(f"{P}-zuruecksetzen", "n_clicks"),
    Input(f"{P}-rangfolge-graph", "clickData"),
    Input(f"{P}-karte-graph", "clickData"),
    Input(f"{P}-zeitvergleich-graph", "clickData"),
    Input({"type": f"{P}-zelle", "zelle": ALL}, "n_clicks"),
    Input(f"{P}-gebiet", "value"),
    Input(f"{P}-aufheben", "n_clicks"),
    State(f"{P}-ansicht", "data"),
    State(f"{P}-markierung", "data"),
    prevent_initial_call=True,  # the layout was built from the same URL
)
def sync_state(search, name, year, compare_year, checked, _weights, _cuts, _reset, rank_click, map_click,
               slope_click, _cells, area, _clear, view, mark):
    package = get_package()
    trigger = ctx.triggered_id
    view, mark = view or {}, mark or {}
    nothing = (dash.no_update,) * len(ctx.outputs_list)
    current = _state(package, view, mark)
    rebuild = False
    notices = dash.no_update
    if trigger == f"{P}-url":
        state = views.state_from_query(package, views.parse_search(search))
        if views.view_query(package, state) == view and views.mark_query(package, state) == mark:
            return nothing  # the page already shows this URL (the location reports itself on mount)
        notices = [notice(n) for n in state.notices]
        rebuild = state.name != current.name or state.method != current.method
    else:
        query = {**views.view_query(package, current), **views.mark_query(package, current)}
        if trigger == f"{P}-methode" and name and name != current.name:
            query = {"methode": name, "jahr": query["jahr"], "vergleichsjahr": query["vergleichsjahr"],
                     **views.mark_query(package, current)}
            rebuild = True
        elif trigger == f"{P}-zuruecksetzen":
            query = {k: v for k, v in query.items() if k not in views.ADJUST_KEYS}
            rebuild = True
        elif trigger == f"{P}-jahr" and year:
            query["jahr"] = str(year)
            if query.get("vergleichsjahr") == str(year):
                query.pop("vergleichsjahr")
        elif trigger == f"{P}-vergleichsjahr" and compare_year:
            query["vergleichsjahr"] = str(compare_year)
        elif trigger == f"{P}-an" or (isinstance(trigger, dict) and trigger.get("type") in (f"{P}-gewicht",
                                                                                           f"{P}-grenze")):
            try:
                method = _method_from_controls(current, checked, ctx.inputs_list[5], ctx.inputs_list[6])
                adjust = si.method_to_query(method, views.base_method(current))
            except si.SozialindexError as exc:
                return (*nothing[:4], _error_alert(views.error_lines(exc)), *nothing[5:])
            query = {k: v for k, v in query.items() if k not in views.ADJUST_KEYS}
            query.update(views.parse_search(adjust))
        elif isinstance(trigger, dict) and trigger.get("type") == f"{P}-zelle":
            if not ctx.triggered[0]["value"]:
                return nothing  # a re-rendered button reports n_clicks=0
            cell = trigger["zelle"]
            query["zelle"] = "" if query.get("zelle") == cell else cell
        elif trigger == f"{P}-aufheben":
            query["zelle"] = ""
            query["auswahl"] = ""
        else:
            clicked = None
            if trigger in (f"{P}-rangfolge-graph", f"{P}-karte-graph", f"{P}-zeitvergleich-graph"):
                clicked = clicked_area(ctx.triggered[0]["value"])
                if clicked == current.selected:
                    clicked = ""  # a second click on the selected area clears the selection
            elif trigger == f"{P}-gebiet":
                clicked = area or ""
                if (area or None) == current.selected:
                    return nothing
            if clicked is None:
                return nothing
            query["auswahl"] = str(package.areas.at[clicked, "slug"]) if clicked in package.areas.index else ""
        state = views.state_from_query(package, {k: v for k, v in query.items() if v != "" or k == "minpop"})
        if state.notices:  # e.g. a preset that does not fit the data: keep the last valid view
            lines = list(state.notices)
            return (*nothing[:4], _error_alert(lines), str(current.name), str(current.year),
                    str(current.compare_year), _adjust_block(package, current) if rebuild else dash.no_update,
                    dash.no_update)
    new_view = views.view_query(package, state)
    new_mark = views.mark_query(package, state)
    new_search = views.to_search({**new_view, **new_mark})
    if trigger == f"{P}-url":
        new_search = dash.no_update  # keep what the user typed or shared (notices explain corrections)
    return (
        new_search if new_search != (search or "") else dash.no_update,
        new_view if new_view != view else dash.no_update,
        new_mark if new_mark != mark else dash.no_update,
        notices,
        None,
        state.name, str(state.year), str(state.compare_year),
        _adjust_block(package, state) if rebuild else dash.no_update,
        state.selected or "",
    )


@callback(
    *[Output(f"{P}-{c}-{part}", prop) for c in CHARTS
      for part, prop in (("titel", "children"), ("aussage", "children"), ("graph", "figure"),
                         ("tabelle", "children"), ("csv", "href"))],
    *[Output(f"{P}-warum-{part}", prop)
      for part, prop in (("titel", "children"), ("aussage", "children"), ("graph", "figure"),
                         ("tabelle", "children"), ("csv", "href"))],
    Output(f"{P}-warum-text", "children"),
    Output(f"{P}-links", "children"),
    Output(f"{P}-matrix-inhalt", "children"),
    Output(f"{P}-matrix-csv", "href"),
    Output(f"{P}-robustheit", "children"),
    Output(f"{P}-ausgeschlossen", "children"),
    Output(f"{P}-toml", "href"),
    Output(f"{P}-methode-text", "children"),
    Input(f"{P}-ansicht", "data"),
    Input(f"{P}-markierung", "data"),
    prevent_initial_call=True,
)
def render(view, mark):
    package = get_package()
    state = _state(package, view, mark)
    built = _views(package.fingerprint, tuple(sorted(views.view_query(package, state).items())))
    view_changed = f"{P}-ansicht.data" in ctx.triggered_prop_ids
    out = []
    if view_changed:
        figures = _figures_with_marking(package, state, built)
        for chart in CHARTS:
            part = built[chart]
            out += [part["title"], part["finding"], figures[chart], part["table"], part["href"]]
    else:  # only the marking changed: small patches, the figures stay in the browser
        rank, karte, slope = _marking_patches(package, state)
        for chart, patch in zip(CHARTS, (rank, karte, slope)):
            out += [dash.no_update, dash.no_update, patch, dash.no_update, dash.no_update]
    reasons = _reasons(package, state)
    out += [reasons["title"], reasons["finding"], reasons["figure"], reasons["table"], reasons["href"],
            reasons["text"], reasons["links"], _matrix(package, state)]
    if view_changed:
        out += [built["matrix_href"], _robustness(built), _map_legend(state, built), built["toml_href"],
                f"Methode: {built['method_title']}"]
    else:
        out += [dash.no_update] * 5
    return tuple(out)


register_controls_toggle(P)
