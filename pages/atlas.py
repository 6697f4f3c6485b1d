"""Atlas: one indicator, one year, all areas — map, ranking, distribution and a scatter of
two indicators, all linked. The URL holds the whole view (see sozialraum/viewstate.py)."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import ClientsideFunction, Input, Output, Patch, State, callback, clientside_callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from components import atlas_views as views
from components import sozialindex_views as index_views
from components.area_search import profile_button
from components.cache import cache
from components.charts import LAZY_TABLE_TEXT, area_cell, chart_figure, data_table, table_is_open, table_rows
from components.controls import clicked_area, collapsible_controls, register_controls_toggle
from components.data import get_package
from components.downloads import atlas_href
from components.easy_language import einfach_erklaert
from components.indicators import indicator_options, indicator_panel
from components.shell import notice
from sozialraum import atlas, queries
from sozialraum import formatting as fmt
from sozialraum import viewstate as vs
from sozialraum.package import DataPackage
from sozialraum.schema import AREA_KIND_LABELS, AREA_KINDS, LEVEL_LABELS, LEVEL_LABELS_DATIVE_PLURAL, LEVEL_LABELS_PLURAL

dash.register_page(__name__, path="/atlas", name="Atlas", title="Sozialstrukturatlas – Sozialraum-Monitor",
                   order=10, nav=True)

P = "atlas"
CHARTS = ("karte", "rangfolge", "verteilung", "streuung")
TABLE_LIMIT = 300  # rows per "Daten als Tabelle"; the CSV always has all


# ---- the state <-> controls ----------------------------------------------------------------

def _view_query(package: DataPackage, state: atlas.AtlasState) -> dict[str, str]:
    """The part of the URL that changes what is drawn (everything but the marking)."""
    query = vs.atlas_to_query(package, state)
    query.pop("auswahl", None)
    return query


def _state_from_store(package: DataPackage, view: dict, selected: list[str]) -> atlas.AtlasState:
    state, _ = vs.atlas_from_query(package, view or {})
    return state.with_(selected=tuple(a for a in selected or [] if a in package.areas.index))


# ---- building the views ---------------------------------------------------------------------

GROUPS = {"haupt": ("karte", "rangfolge"), "mehr": ("verteilung", "streuung")}


@cache.memoize()
def _view_group(fingerprint: str, view_items: tuple, group: str) -> dict:
    """Figures, sentences and marking data of one view's chart group (no tables); cached across
    workers and users. Map and ranking are one group, distribution and scatter the other: the
    browser asks for both at once, so on a big package the map does not wait for the scatter."""
    package = get_package()
    state, _ = vs.atlas_from_query(package, dict(view_items))
    return _build_views(package, state, with_tables=False, charts=GROUPS[group])


def _views(fingerprint: str, view_items: tuple, groups=("haupt", "mehr")) -> dict:
    built: dict = {"marks": {}}
    for group in groups:
        part = _view_group(fingerprint, view_items, group)
        marks = {**built["marks"], **part["marks"]}
        built.update(part)
        built["marks"] = marks
    return built


@cache.memoize()
def _tables(fingerprint: str, view_items: tuple) -> dict:
    """The "Daten als Tabelle" of one view, built only when somebody opens one."""
    package = get_package()
    state, _ = vs.atlas_from_query(package, dict(view_items))
    built = _build_views(package, state, with_tables=True)
    return {c: built[c]["table"] for c in CHARTS}


def _build_views(package: DataPackage, state: atlas.AtlasState, with_tables: bool = True,
                 charts: tuple[str, ...] = CHARTS) -> dict:
    ind, year, level = state.indicator, state.year, state.level
    meta = package.indicators.loc[ind]
    name = str(meta["name"])
    view = atlas.compute_view(package, state)
    shown, table, edges, classes, labels = view.shown, view.table, view.edges, view.classes, view.labels
    city, hidden = view.city, view.city_suppressed
    direction = str(meta["direction"])
    if state.colors == "stadtwert" and len(edges) >= 2:
        colors = views.deviation_colors(edges, city, direction)
    else:
        colors = views.class_colors(len(edges) - 1 if len(edges) >= 2 else len(edges), direction)
    where = LEVEL_LABELS_DATIVE_PLURAL[level]
    scope = atlas.filter_description(package, level, state.area_filter)
    if state.brushed:
        scope = "; ".join(filter(None, [scope, f"{len(table)} im Streudiagramm ausgewählte Gebiete"]))
    scope_text = f" – {scope}" if scope else ""
    has_values = bool(table["value"].notna().any())

    out: dict = {"has_values": has_values, "empty_text": "", "scope": scope}
    if not has_values:
        reason = "alle Werte sind geheimgehalten" if table["suppressed"].any() else "es liegen keine Werte vor"
        if table.empty:
            reason = "kein Gebiet erfüllt die Filter"
        out["empty_text"] = (f"Für „{name}“ im Jahr {year} gibt es auf der Ebene {LEVEL_LABELS[level]} nichts "
                             f"zu zeigen: {reason}. Wählen Sie ein anderes Jahr, einen anderen Indikator oder "
                             "weniger Filter.")
    selected = list(state.selected)
    fv = queries.formatter(package, ind)
    rows: list[list[str]] = []
    if with_tables:  # the table rows only for "Daten als Tabelle" (thousands of strings in a big city)
        part = table.head(TABLE_LIMIT)
        suppressed = part["suppressed"].tolist()
        class_names = [labels[c] if c >= 0 else (fmt.SUPPRESSED if s else fmt.MISSING)
                       for c, s in zip(classes[:len(part)].tolist(), suppressed)]
        value_texts = [fv(v, s) for v, s in zip(part["value"].tolist(), suppressed)]
        ranks = ["" if r is None or str(r) == "<NA>" else str(r) for r in part["rank"].tolist()]
        names = [area_cell(n, slug) for n, slug in zip(part["name"].tolist(), part["slug"].tolist())]
        rows = [list(r) for r in zip(names, ranks, value_texts, class_names)]
    city_row = [f"Stadt {package.city} (zum Vergleich)", "", fv(city, hidden), ""]
    header = [LEVEL_LABELS[level], "Rang", f"{meta['short_name']} ({meta['unit']})", "Klasse"]
    numeric = [False, True, True, False]
    shared_body = table_rows(rows + [city_row], numeric) if with_tables else None  # shared by three tables

    def values_table(caption: str):
        if not with_tables:
            return None
        if len(table) > TABLE_LIMIT:
            caption += f" (die ersten {TABLE_LIMIT} von {len(table)} Zeilen; alle in der CSV-Datei)"
        return data_table(header, [], caption, numeric=numeric, body_rows=shared_body)

    query = _view_query(package, state)
    needs_ranking = bool({"karte", "rangfolge"} & set(charts))
    ranking_sentence = atlas.ranking_finding(package, ind, year, table, level) if needs_ranking else ""
    map_title = f"{name} nach {where}, {year}{scope_text}"
    rank_rows, cut = views.ranking_rows(table, selected)
    if "karte" in charts:
        index_note = ""
        if state.index_layer:
            result, index_note = index_views.class_layer(package, year, level)
            if result is not None:
                figure_traces = views.index_layer(package, result.areas, table["area_id"])
                index_note = (f"Symbole: Klasse im Sozialindex {year} („{result.method.title}“; mehr auf der "
                              "Seite Sozialindex). Klassen brauchen Ortskenntnis zur Deutung.")
            else:
                figure_traces = []
        out["karte"] = {
            "title": map_title,
            "finding": f"{ranking_sentence} {index_note}".strip(),
            "figure": views.class_map(package, ind, table, level, edges, classes, colors, labels,
                                      extra_traces=figure_traces if state.index_layer else ()),
            "index_note": index_note,
            "table": values_table(map_title),
            "href": atlas_href(query, "karte"),
        }
    rank_title = f"Rangfolge: {name}, {year}{scope_text}"
    if "rangfolge" in charts:
        out["rangfolge"] = {
            "title": rank_title,
            "finding": ranking_sentence
            + (f" Gezeigt werden die {views.RANKING_LIMIT // 2} höchsten und niedrigsten Werte." if cut else ""),
            "figure": views.ranking(package, ind, table, year, classes, colors, selected),
            "table": values_table(rank_title),
            "href": atlas_href(query, "rangfolge"),
        }
    dist_title = f"Verteilung: {name}, {year}{scope_text}"
    if "verteilung" in charts:
        out["verteilung"] = {
            "title": dist_title,
            "finding": atlas.distribution_finding(package, ind, table),
            "figure": views.distribution(package, ind, table, year),
            "table": values_table(dist_title),
            "href": atlas_href(query, "verteilung"),
        }
    out["legend"] = views.legend_note(direction, state.colors)
    # where each area sits in each figure, so marking needs no recomputation (see _highlight_values)
    out["marks"] = {"visible": table["area_id"].tolist()}
    if "rangfolge" in charts:
        out["marks"].update({
            "rank_ids": rank_rows["area_id"].tolist(),
            "rank_ranks": [None if pd.isna(r) else int(r) for r in rank_rows["rank"]],
            "rank_names": rank_rows["name"].tolist(),
        })
    if "verteilung" in charts:
        valued = table[table["value"].notna()].reset_index(drop=True)
        jitter = views.distribution_positions(len(valued))
        out["marks"]["dist"] = {a: [x, float(y)] for a, x, y in zip(valued["area_id"], valued["value"], jitter)}
    if "streuung" not in charts:
        return out
    partner = state.partner
    pmeta = package.indicators.loc[partner]
    scatter = atlas.scatter_frame(package, ind, partner, year, level, shown)
    scatter_title = f"{meta['short_name']} und {pmeta['short_name']} nach {where}, {year}{scope_text}"
    table_part = None
    if with_tables:
        fp = queries.formatter(package, partner)
        first = scatter.head(TABLE_LIMIT)  # only the shown rows become components (name links)
        scatter_rows = [[area_cell(n, slug), fv(x, xs), fp(y, ys), fmt.number(p)]
                        for n, slug, x, xs, y, ys, p in zip(first["name"].tolist(), first["slug"].tolist(),
                                                             first["x"].tolist(), first["x_suppressed"].tolist(),
                                                             first["y"].tolist(), first["y_suppressed"].tolist(),
                                                             first["population"].tolist())]
        caption = scatter_title
        if len(scatter) > TABLE_LIMIT:
            caption += f" (die ersten {TABLE_LIMIT} von {len(scatter)} Zeilen; alle in der CSV-Datei)"
        table_part = data_table([LEVEL_LABELS[level], f"{meta['short_name']} ({meta['unit']})",
                                 f"{pmeta['short_name']} ({pmeta['unit']})", "Einwohner"],
                                scatter_rows[:TABLE_LIMIT], caption, numeric=[False, True, True, True])
    out["streuung"] = {
        "title": scatter_title,
        "finding": atlas.scatter_finding(package, scatter, ind, partner),
        "figure": views.scatter(package, scatter, ind, partner, year, list(state.brushed)),
        "table": table_part,
        "href": atlas_href(query, "streuung"),
    }
    both = scatter.dropna(subset=["x", "y"])
    out["marks"]["scatter"] = {a: [x, y] for a, x, y in zip(both["area_id"], both["x"], both["y"])}
    return out


def _apply_selection(package: DataPackage, state: atlas.AtlasState, built: dict,
                     charts: tuple[str, ...] = CHARTS) -> dict:
    """Mark the selected areas in the cached figures (which carry no marking)."""
    figures = {c: built[c]["figure"] for c in charts}
    if not state.selected:
        return figures
    # shallow copies: the cached figures must not be changed (an in-memory cache would keep the marking)
    figures = {c: {"data": [dict(t) for t in f["data"]], "layout": dict(f["layout"])} for c, f in figures.items()}
    patches = _highlight_values(package, state, built["marks"])
    if "karte" in figures:
        figures["karte"]["data"][3].update({k: patches["karte"][k] for k in ("locations", "z")})
        figures["karte"]["data"][4].update({k: patches["karte"][k] for k in ("lat", "lon", "text")})
    if "rangfolge" in figures:
        rank = figures["rangfolge"]
        rank["layout"]["yaxis"] = dict(rank["layout"]["yaxis"])
        rank["data"][0]["marker"] = dict(rank["data"][0]["marker"])
        rank["data"][0]["marker"]["line"] = patches["rangfolge"][0]
        rank["layout"]["yaxis"]["ticktext"] = patches["rangfolge"][1]
    if "verteilung" in figures:
        figures["verteilung"]["data"][2].update(patches["verteilung"])
    if "streuung" in figures:
        figures["streuung"]["data"][2].update(patches["streuung"])
    return figures


def _highlight_values(package: DataPackage, state: atlas.AtlasState, marks: dict) -> dict:
    """Patch values of the four figures for the selection, from the view's cached positions."""
    present = set(marks["visible"])
    visible = [a for a in state.selected if a in present]
    chosen = set(visible)
    rank_ids = marks.get("rank_ids", [])
    rank_labels = [f"{r} {n}" if r is not None else n
                   for r, n in zip(marks.get("rank_ranks", []), marks.get("rank_names", []))]
    line = {"color": views.HIGHLIGHT, "width": [3 if a in chosen else 0 for a in rank_ids]}
    ticks = [f"<b>▶ {label}</b>" if a in chosen else label for a, label in zip(rank_ids, rank_labels)]
    dist_marks, scatter_marks = marks.get("dist", {}), marks.get("scatter", {})
    dist = [(dist_marks[a], package.areas.at[a, "name"]) for a in visible if a in dist_marks]
    scat = [(scatter_marks[a], package.areas.at[a, "name"]) for a in visible if a in scatter_marks]
    return {
        "karte": views.map_highlight(package, state.level, visible),
        "rangfolge": (line, ticks),
        "verteilung": {"x": [p[0] for p, _ in dist], "y": [p[1] for p, _ in dist], "text": [str(n) for _, n in dist]},
        "streuung": {"x": [p[0] for p, _ in scat], "y": [p[1] for p, _ in scat], "text": [str(n) for _, n in scat]},
    }


def _selection_summary(package: DataPackage, state: atlas.AtlasState) -> list:
    if not state.selected:
        return [html.Span("Kein Gebiet markiert. Klicken Sie auf ein Gebiet in einer Ansicht oder wählen Sie "
                          "es hier aus.")]
    items = []
    for area in state.selected:
        name = str(package.areas.at[area, "name"])
        items.append(html.Li([name, profile_button(name, str(package.areas.at[area, "slug"]))]))
    return [html.Span("Markiert: "), html.Ul(items, className="selection-list")]


# ---- layout ---------------------------------------------------------------------------------

def _year_slider_props(years: list[int]) -> dict:
    """min, max, step, marks of the year slider. It slides over the *positions* of the years
    that have data (0, 1, 2 …), so arrow keys step from year to year even when years are
    missing (election years 2014, 2019, 2024); Dash 4's slider ignores arrow keys without a
    step. Labels: every year, or every few years when there are many (no overlap on a phone)."""
    if not years:
        return {"min": 0, "max": 0, "step": 1, "marks": {}}
    every = 1 if len(years) <= 6 else (4 if len(years) > 12 else 2)
    labelled = {i for i in range(0, len(years), every)} | {len(years) - 1}
    if len(years) - 1 - max(labelled - {len(years) - 1}, default=-every) < every:
        labelled.discard(max(labelled - {len(years) - 1}, default=None))
    return {"min": 0, "max": len(years) - 1, "step": 1,
            "marks": {i: str(y) for i, y in enumerate(years) if i in labelled}}


def _year_position(years: list[int], year: int) -> int:
    return years.index(year) if year in years else len(years) - 1


def _area_options(package: DataPackage, level: str) -> list[dict]:
    areas = package.areas[package.areas["level"] == level].sort_values("name")
    return [{"label": str(n), "value": str(a)} for a, n in areas["name"].items()]


def _planning_options(package: DataPackage, level: str) -> list[dict]:
    parent = atlas.parent_level(package, level) or level
    areas = package.areas[package.areas["level"] == parent]
    return [{"label": str(n), "value": str(a)} for a, n in areas["name"].items()]


def _controls(package: DataPackage, state: atlas.AtlasState) -> html.Div:
    years = queries.years_for(package, state.indicator, state.level)
    f = state.area_filter
    levels = vs.area_levels(package)
    kinds_present = [k for k in AREA_KINDS if (package.areas["kind"] == k).any()]
    has_council = package.areas["ortsteilrat"].notna().any()
    return html.Div(className="atlas-controls", children=[
        dbc.Label("Indikator suchen", html_for=f"{P}-suche"),
        dbc.Input(id=f"{P}-suche", type="search", placeholder="z. B. Kinder, Quote, Wohnen", debounce=True,
                  className="mb-1", autoComplete="off"),
        dbc.Label("Indikator", html_for=f"{P}-indikator"),
        dbc.Select(id=f"{P}-indikator", options=indicator_options(package, state.level, keep=state.indicator),
                   value=state.indicator, className="mb-3"),
        html.Div(className="mb-3", children=[
            html.Div(className="d-flex justify-content-between align-items-center", children=[
                html.Span("Jahr", id=f"{P}-jahr-label", className="form-label mb-0"),
                html.Output(str(state.year), id=f"{P}-jahr-anzeige", className="fw-bold",
                            **{"aria-live": "polite"}),
            ]),
            html.Div(dcc.Slider(id=f"{P}-jahr", value=_year_position(years, state.year), included=False,
                                updatemode="mouseup", allow_direct_input=False, **_year_slider_props(years)),
                     id=f"{P}-jahr-rahmen",
                     **{"data-slider-label": f"{P}-jahr-label", "data-values": ",".join(map(str, years))}),
            dbc.Button("▶ Zeitverlauf abspielen", id=f"{P}-abspielen", color="primary", outline=True, size="sm",
                       className="mt-2", n_clicks=0),
            dcc.Interval(id=f"{P}-takt", interval=1600, disabled=True),
        ]),
        html.Fieldset(className="mb-3", children=[
            html.Legend("Gebietsebene", className="form-label fs-6"),
            dbc.RadioItems(id=f"{P}-ebene", options=[{"label": LEVEL_LABELS[lv], "value": lv} for lv in levels],
                           value=state.level, inline=True),
        ], hidden=len(levels) < 2),
        html.Fieldset(className="mb-3 filter-box", children=[
            html.Legend("Quartiere filtern", className="form-label fs-6 fw-semibold"),
            html.P("Filter gelten für alle Ansichten der Seite.", className="small text-body-secondary mb-2"),
            html.Fieldset([
                html.Legend("Planungsraum", className="small fw-semibold mb-1"),
                dbc.Checklist(id=f"{P}-planungsraum", options=_planning_options(package, state.level),
                              value=list(f.planning_areas)),
            ], className="mb-2"),
            html.Fieldset([
                html.Legend("Art des Ortsteils", className="small fw-semibold mb-1"),
                dbc.Checklist(id=f"{P}-art", value=list(f.kinds),
                              options=[{"label": AREA_KIND_LABELS[k], "value": k} for k in kinds_present]),
            ], className="mb-2"),
            dbc.Checklist(id=f"{P}-ortsteilrat", options=[{"label": "nur Ortsteile mit Ortsteilrat", "value": "ja"}],
                          value=["ja"] if f.only_ortsteilrat else [], switch=True,
                          className="mb-2" if has_council else "d-none"),
            html.Details([
                html.Summary(f"Einzelne {LEVEL_LABELS_PLURAL[state.level]} wählen", id=f"{P}-gebiete-label"),
                html.Fieldset(html.Div([
                    html.Legend(f"{LEVEL_LABELS_PLURAL[state.level]} zum Filtern", className="visually-hidden"),
                    dbc.Checklist(id=f"{P}-gebiete", options=_area_options(package, state.level), value=list(f.areas)),
                ]), className="area-checklist"),
            ], open=bool(f.areas)),
        ]),
        html.Fieldset(className="mb-3", children=[
            html.Legend("Klassen der Karte", className="form-label fs-6"),
            dbc.RadioItems(id=f"{P}-klassen", value=state.classification,
                           options=[{"label": v, "value": k} for k, v in atlas.CLASSIFICATIONS.items()]),
        ]),
        html.Fieldset(className="mb-3", children=[
            html.Legend("Farben", className="form-label fs-6"),
            dbc.RadioItems(id=f"{P}-farbe", value=state.colors,
                           options=[{"label": v, "value": k} for k, v in atlas.COLOR_MODES.items()]),
        ]),
        dbc.Checklist(id=f"{P}-sozialindex", options=[{"label": "Sozialindex-Klassen in der Karte zeigen",
                                                       "value": "ja"}],
                      value=["ja"] if state.index_layer else [], switch=True, className="mb-3"),
        dbc.Label("Zweiter Indikator im Streudiagramm", html_for=f"{P}-vergleich"),
        dbc.Select(id=f"{P}-vergleich", options=indicator_options(package, state.level, keep=state.partner),
                   value=state.partner, className="mb-3"),
    ])


def _selection_box(package: DataPackage, state: atlas.AtlasState) -> html.Div:
    return html.Div(className="selection-box mb-3", children=[
        html.H2("Markierte Gebiete", className="h6"),
        html.Div(_selection_summary(package, state), id=f"{P}-auswahl-text", **{"aria-live": "polite"}),
        dbc.Label("Gebiet markieren", html_for=f"{P}-markieren", className="small mt-2"),
        dbc.Select(id=f"{P}-markieren", value="",
                   options=[{"label": "– Gebiet wählen –", "value": ""}] + _area_options(package, state.level)),
        dbc.Button("Markierung und Bereichsauswahl aufheben", id=f"{P}-aufheben", color="link", size="sm",
                   className="px-0 mt-1", n_clicks=0),
    ])


def _chart(chart: str, built: dict, figure: dict, notes=()) -> html.Figure:
    part = built[chart]
    return chart_figure(f"{P}-{chart}", part["title"], part["finding"], figure, None, part["href"], notes=notes)


def layout(**query):
    package = get_package()
    query = {k: v for k, v in query.items() if isinstance(v, str)}
    state, notices = vs.atlas_from_query(package, query)
    view = _view_query(package, state)
    built = _views(package.fingerprint, tuple(sorted(view.items())))
    figures = _apply_selection(package, state, built)
    map_notes = [built["legend"]]
    if package.meta.get("schematic_map"):
        map_notes.append("Schematische Karte: Flächen vereinfacht, keine amtlichen Grenzen.")
    return html.Div([
        dcc.Location(id=f"{P}-url", refresh=False),
        dcc.Store(id=f"{P}-ansicht", data=view),
        dcc.Store(id=f"{P}-auswahl", data=list(state.selected)),
        html.H1("Sozialstrukturatlas"),
        html.P("Ein Indikator, ein Jahr, alle Gebiete: Wo ist der Wert am höchsten, wo am niedrigsten, und wie "
               "hängen zwei Indikatoren zusammen? Ein Klick auf ein Gebiet markiert es in allen Ansichten; ein "
               "Rahmen im Streudiagramm filtert die übrigen Ansichten. Die Adresse der Seite hält die Ansicht "
               "fest – so lässt sie sich als Link teilen.", className="lead"),
        einfach_erklaert("atlas"),
        html.Div([notice(n) for n in notices], id=f"{P}-hinweise"),
        dbc.Row([
            dbc.Col(lg=3, className="mb-3", children=[
                *collapsible_controls(P, _controls(package, state)),
                _selection_box(package, state),
            ]),
            dbc.Col(lg=9, children=[
                html.Section(indicator_panel(package, state.indicator, state.year), id=f"{P}-indikator-info",
                             className="indicator-panel mb-3", **{"aria-labelledby": "indikator-name"}),
                html.Div(notice(built["empty_text"], "info") if not built["has_values"] else None,
                         id=f"{P}-leer"),
                html.Div(id=f"{P}-diagramme", hidden=not built["has_values"], children=[
                    dbc.Row([
                        dbc.Col(_chart("karte", built, figures["karte"], map_notes), xl=7),
                        dbc.Col(_chart("rangfolge", built, figures["rangfolge"]), xl=5),
                    ]),
                    dbc.Row([
                        dbc.Col(_chart("verteilung", built, figures["verteilung"]), xl=5),
                        dbc.Col(_chart("streuung", built, figures["streuung"],
                                       ["Kreisgröße = Einwohnerzahl. Mit gedrückter Maustaste einen Rahmen "
                                        "ziehen, um die übrigen Ansichten auf diese Gebiete zu beschränken; "
                                        "Doppelklick hebt den Rahmen auf."]), xl=7),
                    ]),
                ]),
            ]),
        ]),
    ])


# ---- callbacks ------------------------------------------------------------------------------

def _brushed_areas(selected_data: dict | None) -> list[str] | None:
    """Areas inside the scatter's box/lasso; None when the selection was cleared."""
    if not selected_data or not selected_data.get("points"):
        return None
    return [str(p["customdata"][0]) for p in selected_data["points"]
            if isinstance(p.get("customdata"), list) and p.get("curveNumber") == 0]


@callback(
    Output(f"{P}-url", "search"),
    Output(f"{P}-ansicht", "data"),
    Output(f"{P}-auswahl", "data"),
    Output(f"{P}-hinweise", "children"),
    Output(f"{P}-indikator", "options"),
    Output(f"{P}-indikator", "value"),
    Output(f"{P}-jahr", "min"),
    Output(f"{P}-jahr", "max"),
    Output(f"{P}-jahr", "step"),
    Output(f"{P}-jahr", "marks"),
    Output(f"{P}-jahr", "value"),
    Output(f"{P}-jahr-rahmen", "data-values"),
    Output(f"{P}-jahr-anzeige", "children"),
    Output(f"{P}-ebene", "value"),
    Output(f"{P}-planungsraum", "options"),
    Output(f"{P}-planungsraum", "value"),
    Output(f"{P}-art", "value"),
    Output(f"{P}-ortsteilrat", "value"),
    Output(f"{P}-gebiete", "options"),
    Output(f"{P}-gebiete", "value"),
    Output(f"{P}-klassen", "value"),
    Output(f"{P}-farbe", "value"),
    Output(f"{P}-sozialindex", "value"),
    Output(f"{P}-vergleich", "options"),
    Output(f"{P}-vergleich", "value"),
    Output(f"{P}-markieren", "options"),
    Output(f"{P}-markieren", "value"),
    Input(f"{P}-url", "search"),
    Input(f"{P}-suche", "value"),
    Input(f"{P}-indikator", "value"),
    Input(f"{P}-jahr", "value"),
    Input(f"{P}-ebene", "value"),
    Input(f"{P}-planungsraum", "value"),
    Input(f"{P}-art", "value"),
    Input(f"{P}-ortsteilrat", "value"),
    Input(f"{P}-gebiete", "value"),
    Input(f"{P}-klassen", "value"),
    Input(f"{P}-farbe", "value"),
    Input(f"{P}-sozialindex", "value"),
    Input(f"{P}-vergleich", "value"),
    Input(f"{P}-markieren", "value"),
    Input(f"{P}-karte-graph", "clickData"),
    Input(f"{P}-rangfolge-graph", "clickData"),
    Input(f"{P}-verteilung-graph", "clickData"),
    Input(f"{P}-streuung-graph", "clickData"),
    Input(f"{P}-streuung-graph", "selectedData"),
    Input(f"{P}-aufheben", "n_clicks"),
    State(f"{P}-ansicht", "data"),
    State(f"{P}-auswahl", "data"),
    prevent_initial_call=True,  # the layout was built from the same URL
)
def sync_state(search, search_text, indicator, year, level, planning, kinds, council, areas, classification,
               colors, index_layer, partner, mark, map_click, bar_click, dist_click, scatter_click, scatter_box, _clear,
               view, selected):
    package = get_package()
    trigger = ctx.triggered_id
    notices = dash.no_update
    if trigger == f"{P}-url":
        state, messages = vs.atlas_from_query(package, vs.parse_search(search))
        if _view_query(package, state) == view and list(state.selected) == (selected or []):
            # the page already shows this URL (the location reports itself when it mounts)
            return (dash.no_update,) * len(ctx.outputs_list)
        notices = [notice(m) for m in messages]
    else:
        query = dict(view or {})
        previous, _ = vs.atlas_from_query(package, view or {})
        shown_years = queries.years_for(package, previous.indicator, previous.level)
        if isinstance(year, int) and 0 <= year < len(shown_years):
            year = shown_years[year]  # the slider moves over positions of the years with data
        else:
            year = previous.year
        query.update({"indikator": indicator, "jahr": str(year), "ebene": level,
                      "planungsraum": ",".join(planning or []), "art": ",".join(kinds or []),
                      "ortsteilrat": "ja" if council else "", "gebiete": ",".join(areas or []),
                      "klassen": classification, "farbe": colors, "vergleich": partner,
                      "sozialindex": "ja" if index_layer else ""})
        query["auswahl"] = ",".join(selected or [])
        if trigger == f"{P}-ebene" and level != (view or {}).get("ebene", vs.default_level(package)):
            for key in ("gebiete", "auswahl", "bereich", "planungsraum"):
                query[key] = ""
        if trigger == f"{P}-indikator" and indicator and ("vergleich" not in (view or {}) or partner == indicator):
            query["vergleich"] = ""  # the scatter partner follows the indicator unless chosen
        if trigger == f"{P}-indikator" and indicator:
            years = queries.years_for(package, indicator, level)
            if years and str(year) not in map(str, years):
                query["jahr"] = str(years[-1])
        state, _ = vs.atlas_from_query(package, {k: v for k, v in query.items() if v})
        clicked = None
        if trigger in (f"{P}-karte-graph", f"{P}-rangfolge-graph", f"{P}-verteilung-graph",
                       f"{P}-streuung-graph") and ctx.triggered[0]["prop_id"].endswith("clickData"):
            clicked = clicked_area(ctx.triggered[0]["value"])
        if trigger == f"{P}-markieren" and mark:
            clicked = mark if mark in package.areas.index else None
            if clicked in state.selected:
                clicked = None  # choosing an already marked area from the list keeps it marked
        if clicked is not None and clicked in package.areas.index:
            chosen = list(state.selected)
            chosen = [a for a in chosen if a != clicked] if clicked in chosen else chosen + [clicked]
            state = state.with_(selected=tuple(chosen))
        if trigger == f"{P}-streuung-graph" and ctx.triggered[0]["prop_id"].endswith("selectedData"):
            if scatter_box is not None and not scatter_box.get("points") and state.brushed:
                # plotly reports an empty selection after the scatter was redrawn with the brush;
                # only a real deselect (double click: selectedData None) clears it
                return (dash.no_update,) * len(ctx.outputs_list)
            brushed = _brushed_areas(scatter_box)
            state = state.with_(brushed=tuple(brushed or ()))
        if trigger == f"{P}-aufheben":
            state = state.with_(selected=(), brushed=())
        if trigger == f"{P}-suche":
            notices = dash.no_update
    new_view = _view_query(package, state)
    new_search = vs.to_search(vs.atlas_to_query(package, state))
    if trigger == f"{P}-url":
        new_search = search  # keep what the user typed or shared (notices explain any correction)
    years = queries.years_for(package, state.indicator, state.level)
    f = state.area_filter
    # option lists only change with the level (or the search text): don't resend them on every click
    same_level = trigger != f"{P}-url" and state.level == (view or {}).get("ebene", vs.default_level(package))
    keep = dash.no_update
    return (
        new_search if new_search != (search or "") else dash.no_update,
        new_view if new_view != view else dash.no_update,
        list(state.selected) if list(state.selected) != (selected or []) else dash.no_update,
        notices,
        keep if same_level and trigger != f"{P}-suche"
        else indicator_options(package, state.level, search_text, keep=state.indicator),
        state.indicator,
        *(_year_slider_props(years)[k] for k in ("min", "max", "step", "marks")),
        _year_position(years, state.year), ",".join(map(str, years)), str(state.year),
        state.level,
        keep if same_level else _planning_options(package, state.level), list(f.planning_areas),
        list(f.kinds), ["ja"] if f.only_ortsteilrat else [],
        keep if same_level else _area_options(package, state.level), list(f.areas),
        state.classification, state.colors, ["ja"] if state.index_layer else [],
        keep if same_level and trigger != f"{P}-indikator" else indicator_options(package, state.level, keep=state.partner),
        state.partner,
        keep if same_level else [{"label": "– Gebiet wählen –", "value": ""}] + _area_options(package, state.level),
        "",
    )


def _render(view, selected, group: str, table_clicks) -> list:
    package = get_package()
    state = _state_from_store(package, view, selected)
    items = tuple(sorted((view or {}).items()))
    built = _views(package.fingerprint, items, (group,))
    charts = GROUPS[group]
    figures = _apply_selection(package, state, built, charts)
    tables = _tables(package.fingerprint, items) if any(table_is_open(c) for c in table_clicks) else {}
    out = []
    for chart, clicks in zip(charts, table_clicks):
        part = built[chart]
        table = tables[chart] if table_is_open(clicks) else html.P(LAZY_TABLE_TEXT, className="small")
        out += [part["title"], part["finding"], figures[chart], table, part["href"]]
    return out


def _chart_outputs(charts) -> list[Output]:
    return [Output(f"{P}-{c}-{part}", prop) for c in charts
            for part, prop in (("titel", "children"), ("aussage", "children"), ("graph", "figure"),
                               ("tabelle", "children"), ("csv", "href"))]


@callback(
    *_chart_outputs(GROUPS["haupt"]),
    Output(f"{P}-indikator-info", "children"),
    Output(f"{P}-leer", "children"),
    Output(f"{P}-diagramme", "hidden"),
    Output(f"{P}-auswahl-text", "children"),
    Input(f"{P}-ansicht", "data"),
    State(f"{P}-auswahl", "data"),
    *[State(f"{P}-{c}-tabelle-knopf", "n_clicks") for c in GROUPS["haupt"]],
    prevent_initial_call=True,
)
def render_views(view, selected, *table_clicks):
    """Map and ranking (and the texts around them) for a new view."""
    out = _render(view, selected, "haupt", table_clicks)
    package = get_package()
    state = _state_from_store(package, view, selected)
    built = _views(package.fingerprint, tuple(sorted((view or {}).items())), ("haupt",))
    empty = notice(built["empty_text"], "info") if not built["has_values"] else None
    return (*out, indicator_panel(package, state.indicator, state.year), empty, not built["has_values"],
            _selection_summary(package, state))


@callback(
    *_chart_outputs(GROUPS["mehr"]),
    Input(f"{P}-ansicht", "data"),
    State(f"{P}-auswahl", "data"),
    *[State(f"{P}-{c}-tabelle-knopf", "n_clicks") for c in GROUPS["mehr"]],
    prevent_initial_call=True,
)
def render_more_views(view, selected, *table_clicks):
    """Distribution and scatter, in a request of their own (runs beside render_views)."""
    return tuple(_render(view, selected, "mehr", table_clicks))


def _table_filler(chart: str):
    """"Daten als Tabelle" of `chart` opened: send its table (from the same cached view).
    One callback per chart: Dash drops the answer of a request when a newer one for the same
    outputs is on its way, so a shared callback lost tables opened in quick succession."""
    def fill_table(clicks, view):
        if not table_is_open(clicks):
            raise PreventUpdate
        package = get_package()
        return _tables(package.fingerprint, tuple(sorted((view or {}).items())))[chart]
    callback(Output(f"{P}-{chart}-tabelle", "children", allow_duplicate=True),
             Input(f"{P}-{chart}-tabelle-knopf", "n_clicks"), State(f"{P}-ansicht", "data"),
             prevent_initial_call=True)(fill_table)


for chart_name in CHARTS:
    _table_filler(chart_name)


@callback(
    Output(f"{P}-karte-graph", "figure", allow_duplicate=True),
    Output(f"{P}-rangfolge-graph", "figure", allow_duplicate=True),
    Output(f"{P}-verteilung-graph", "figure", allow_duplicate=True),
    Output(f"{P}-streuung-graph", "figure", allow_duplicate=True),
    Output(f"{P}-auswahl-text", "children", allow_duplicate=True),
    Input(f"{P}-auswahl", "data"),
    State(f"{P}-ansicht", "data"),
    prevent_initial_call=True,
)
def highlight(selected, view):
    """Marking only: small patches, the figures themselves stay in the browser."""
    package = get_package()
    state = _state_from_store(package, view, selected)
    built = _views(package.fingerprint, tuple(sorted((view or {}).items())))
    values = _highlight_values(package, state, built["marks"])
    karte, rank, dist, scatter = Patch(), Patch(), Patch(), Patch()
    for key in ("locations", "z"):
        karte["data"][3][key] = values["karte"][key]
    for key in ("lat", "lon", "text"):
        karte["data"][4][key] = values["karte"][key]
    rank["data"][0]["marker"]["line"] = values["rangfolge"][0]
    rank["layout"]["yaxis"]["ticktext"] = values["rangfolge"][1]
    for key, value in values["verteilung"].items():
        dist["data"][2][key] = value
    for key, value in values["streuung"].items():
        scatter["data"][2][key] = value
    return karte, rank, dist, scatter, _selection_summary(package, state)


clientside_callback(
    ClientsideFunction(namespace="atlas", function_name="play"),
    Output(f"{P}-takt", "disabled"),
    Output(f"{P}-jahr", "value", allow_duplicate=True),
    Output(f"{P}-abspielen", "children"),
    Input(f"{P}-abspielen", "n_clicks"),
    Input(f"{P}-takt", "n_intervals"),
    State(f"{P}-takt", "disabled"),
    State(f"{P}-jahr", "value"),
    State(f"{P}-jahr", "max"),
    prevent_initial_call=True,
)

register_controls_toggle(P)
