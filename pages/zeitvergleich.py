"""Zeitvergleich: is it getting better? Lines over all years for chosen areas and the city,
a sortable change table between two years, and two areas side by side with the areas most
alike. The URL holds the whole view (sozialraum/viewstate.py)."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html

from components import time_views
from components.area_search import profile_button
from components.cache import cache
from components.charts import area_cell, chart_figure, data_table
from components.controls import collapsible_controls, register_controls_toggle
from components.data import get_package
from components.downloads import time_href
from components.easy_language import einfach_erklaert
from components.indicators import indicator_options
from components.shell import notice
from sozialraum import formatting as fmt
from sozialraum import queries, trends
from sozialraum import viewstate as vs
from sozialraum.package import DataPackage
from sozialraum.schema import LEVEL_LABELS, LEVEL_LABELS_DATIVE_PLURAL, LEVEL_LABELS_PLURAL

dash.register_page(__name__, path="/zeitvergleich", name="Zeitvergleich",
                   title="Zeitvergleich – Sozialraum-Monitor", order=20, nav=True)

P = "zeit"
ROW = "zeit-zeile"     # pattern-matching ids: one "mark this area" button per change-table row
SORT = "zeit-sortieren"
CHANGE_ROWS = 150      # rows drawn in the change table (sorted); the CSV has every area


def _area_options(package: DataPackage, level: str) -> list[dict]:
    areas = package.areas[package.areas["level"] == level].sort_values("name")
    return [{"label": str(n), "value": str(a)} for a, n in areas["name"].items()]


def _name(package: DataPackage, area_id: str) -> str:
    return str(package.areas.at[area_id, "name"])


# ---- building the views ---------------------------------------------------------------------

@cache.memoize()
def _views(fingerprint: str, items: tuple) -> dict:
    package = get_package()
    state, _ = vs.time_from_query(package, dict(items))
    return _build(package, state)


def _build(package: DataPackage, state: vs.TimeState) -> dict:
    query = vs.time_to_query(package, state)
    level = state.level
    where = LEVEL_LABELS_DATIVE_PLURAL[level]
    out: dict = {}

    # lines
    frames = {i: trends.lines(package, i, state.areas, state.mode, state.base_year) for i in state.indicators}
    names = ", ".join(str(package.indicators.at[i, "short_name"]) for i in state.indicators)
    mode_text = {"absolut": "", "differenz": f", Veränderung seit {state.base_year}",
                 "index": f", Index {state.base_year} = 100"}[state.mode]
    title = f"Verlauf: {names}{mode_text}"
    findings = [trends.lines_finding(package, i, frames[i], state.mode, state.base_year) for i in state.indicators]
    finding = " ".join(findings if len(findings) == 1 else
                       [f"{package.indicators.at[i, 'short_name']} – {f}" for i, f in zip(state.indicators, findings)])
    header = ["Gebiet", "Jahr"] + [f"{package.indicators.at[i, 'short_name']} "
                                   f"({trends.mode_unit(package, i, state.mode, state.base_year)})"
                                   for i in state.indicators]
    merged = None
    for i in state.indicators:
        f = frames[i][["area_id", "name", "year", "value", "suppressed", "shown"]].copy()
        dec = queries.decimals(package, i)
        f[i] = [fmt.SUPPRESSED if h else (fmt.number(s, dec if state.mode != "index" else 1))
                for s, h in zip(f["shown"], f["suppressed"])]
        f = f[["area_id", "name", "year", i]]
        merged = f if merged is None else merged.merge(f, on=["area_id", "name", "year"], how="outer")
    merged = merged.sort_values(["year"], kind="stable") if merged is not None else merged
    order = {a: k for k, a in enumerate([package.city_id, *state.areas])}
    merged = merged.sort_values(["area_id", "year"], key=lambda c: c.map(order) if c.name == "area_id" else c)
    slugs = package.areas["slug"]
    rows, linked = [], set()
    for _, r in merged.iterrows():
        # the first row of each area names it as a link to its profile; its other years stay text
        name = r["name"] if r["area_id"] in linked else area_cell(r["name"], slugs.get(r["area_id"]))
        linked.add(r["area_id"])
        rows.append([name, str(r["year"])] + [r[i] if isinstance(r[i], str) else fmt.MISSING
                                              for i in state.indicators])
    out["verlauf"] = {
        "title": title, "finding": finding,
        "figure": time_views.lines_figure(package, list(state.indicators), frames, state.mode, state.base_year,
                                          state.highlighted).to_plotly_json(),
        "table": data_table(header, rows, title, numeric=[False, True] + [True] * len(state.indicators)),
        "href": time_href(query, "verlauf"),
    }

    # change table (first indicator, all areas of the level)
    first = state.indicators[0]
    meta = package.indicators.loc[first]
    table = trends.change_table(package, first, level, state.year_a, state.year_b)
    table = trends.sort_change_table(table, state.sort, state.descending)
    out["veraenderung"] = {
        "title": f"Veränderung {state.year_a} bis {state.year_b}: {meta['name']} nach {where}",
        "finding": trends.change_finding(package, first, table, state.year_a, state.year_b),
        "rows": table, "href": time_href(query, "veraenderung"),
    }

    # two areas side by side, and the areas most alike
    a, b = state.pair
    year = max(vs.time_years(package, state.indicators, level))
    pair = trends.pair_frame(package, state.theme, level, a, b, year)
    pair_title = f"{_name(package, a)} und {_name(package, b)}: {state.theme}"
    if pair.empty:
        out["paar"] = {"title": pair_title, "empty": f"Für das Themenfeld „{state.theme}“ gibt es auf der Ebene "
                       f"{LEVEL_LABELS[level]} keine Werte.", "figure": {}, "table": None,
                       "finding": "", "href": time_href(query, "paar")}
    else:
        stronger = []
        for key, area in (("a", a), ("b", b)):
            above = int((pair[f"value_{key}"] > pair["city"]).sum())
            stronger.append(f"{_name(package, area)} liegt bei {above} von {len(pair)} Indikatoren über dem Stadtwert")
        pair_rows = [[r["name"], str(r["year"]),
                      queries.format_value(package, r["indicator_id"], r["value_a"], r["suppressed_a"]),
                      queries.format_value(package, r["indicator_id"], r["value_b"], r["suppressed_b"]),
                      queries.format_value(package, r["indicator_id"], r["city"])] for _, r in pair.iterrows()]
        out["paar"] = {
            "title": pair_title, "empty": "",
            "finding": "; ".join(stronger) + ". Balken zeigen den Wert im Verhältnis zum Stadtwert (Stadt = 100).",
            "figure": time_views.pair_figure(package, pair, _name(package, a), _name(package, b)).to_plotly_json(),
            "table": data_table(["Indikator", "Jahr", _name(package, a), _name(package, b), f"Stadt {package.city}"],
                                pair_rows, pair_title, numeric=[False, True, True, True, True]),
            "href": time_href(query, "paar"),
        }
    similar = trends.similar_areas(package, a, state.theme, level, year)
    out["aehnlich"] = [(r["area_id"], r["name"], r["distance"], int(r["shared"])) for _, r in similar.iterrows()]
    return out


def _change_table(package: DataPackage, state: vs.TimeState, rows) -> html.Div:
    first = state.indicators[0]
    meta = package.indicators.loc[first]
    dec = queries.decimals(package, first)
    unit = str(meta["unit"])
    change_unit = "Prozentpunkte" if unit == "%" else unit
    columns = [("gebiet", LEVEL_LABELS[state.level], False), ("wert_a", f"{state.year_a} ({unit})", True),
               ("wert_b", f"{state.year_b} ({unit})", True), ("veraenderung", f"Veränderung ({change_unit})", True),
               ("prozent", "Veränderung in %", True), ("rang", "Rang (Veränderung)", True)]
    head = []
    for key, label, numeric in columns:
        sorted_here = key == state.sort
        aria = ("descending" if state.descending else "ascending") if sorted_here else "none"
        arrow = (" ▼" if state.descending else " ▲") if sorted_here else ""
        head.append(html.Th(html.Button([label, arrow], id={"type": SORT, "index": key}, type="button",
                                        className="btn btn-link btn-sm p-0 sort-button text-start", n_clicks=0,
                                        title=f"Nach „{label}“ sortieren"),
                            scope="col", className="text-end" if numeric else None, **{"aria-sort": aria}))
    fv = queries.formatter(package, first)
    total = len(rows)
    rows = rows.head(CHANGE_ROWS)  # a big city's thousands of areas: the CSV has them all
    body = []
    for _, r in rows.iterrows():
        marked = r["area_id"] == state.highlighted
        mark = {"Anstieg": "▲ stärkster Anstieg", "Rückgang": "▼ stärkster Rückgang"}.get(r["mark"], "")
        rank = (f"{'' if r['rank_b'] is None or str(r['rank_b']) == '<NA>' else r['rank_b']}"
                f" ({fmt.number(r['rank_change'], 0, signed=True) if str(r['rank_change']) != '<NA>' else fmt.MISSING})")
        body.append(html.Tr(className=("row-marked " if marked else "") + ("row-" + r["mark"].lower() if r["mark"] else ""),
                            children=[
            html.Th([html.Button(r["name"], id={"type": ROW, "index": r["area_id"]}, type="button", n_clicks=0,
                                 className="btn btn-link btn-sm p-0 text-start",
                                 title="Linie im Verlauf hervorheben", **{"aria-pressed": "true" if marked else "false"}),
                     html.Span(f" {mark}", className="small fw-semibold") if mark else None],
                    scope="row", className="fw-normal"),
            html.Td(fv(r["value_a"], r["suppressed_a"]).replace(f" {unit}", ""), className="text-end"),
            html.Td(fv(r["value_b"], r["suppressed_b"]).replace(f" {unit}", ""), className="text-end"),
            html.Td(fmt.number(r["change"], dec, signed=True), className="text-end"),
            html.Td(fmt.number(r["change_pct"], 1, signed=True), className="text-end"),
            html.Td(rank, className="text-end"),
        ]))
    caption = (f"Veränderung {state.year_a} bis {state.year_b}: {meta['name']}. Ein Klick auf ein Gebiet hebt seine "
               "Linie im Verlauf hervor; die Spaltenköpfe sortieren.")
    if total > CHANGE_ROWS:
        caption += f" Gezeigt werden die ersten {CHANGE_ROWS} von {total} Zeilen; alle stehen in der CSV-Datei."
    table = html.Table([html.Caption(caption), html.Thead(html.Tr(head)), html.Tbody(body)],
                       className="table table-sm table-striped data-table change-table", id=f"{P}-tabelle")
    return html.Div(table, className="table-scroll", tabIndex=0, role="region",
                    **{"aria-label": f"Veränderungstabelle {meta['short_name']}"})


def _marked_profile(package: DataPackage, state: vs.TimeState) -> list:
    """The profile link of the area marked in the change table and the lines."""
    area = state.highlighted
    if not area or area not in package.areas.index:
        return []
    name = _name(package, area)
    return [html.Span(f"Hervorgehoben: {name}."), profile_button(name, str(package.areas.at[area, "slug"]))]


def _pair_profiles(package: DataPackage, state: vs.TimeState) -> list:
    """The profile links of the two areas side by side."""
    return [profile_button(_name(package, area), str(package.areas.at[area, "slug"]), id=f"{P}-paar-steckbrief-{key}")
            for key, area in zip("ab", state.pair) if area in package.areas.index]


def _similar_list(package: DataPackage, state: vs.TimeState, similar) -> list:
    a = state.pair[0]
    if not similar:
        return [html.P(f"Für {_name(package, a)} lassen sich im Themenfeld „{state.theme}“ keine ähnlichen Gebiete "
                       "berechnen (zu wenige Werte).")]
    items = []
    for area_id, name, distance, shared in similar:
        query = vs.time_to_query(package, state.with_(pair=(a, area_id)))
        items.append(html.Li([html.A(name, href="/zeitvergleich" + vs.to_search(query)),
                              html.Span(f" – Abstand {fmt.number(distance, 2)} ({shared} Indikatoren)",
                                        className="small text-body-secondary")]))
    return [html.P(f"Die fünf {LEVEL_LABELS_PLURAL[state.level]}, die {_name(package, a)} im Themenfeld "
                   f"„{state.theme}“ am ähnlichsten sind (Abstand der standardisierten Werte; 0 = gleich). "
                   "Ein Klick stellt das Gebiet daneben.", className="small"),
            html.Ol(items, className="similar-list")]


# ---- layout ---------------------------------------------------------------------------------

def _controls(package: DataPackage, state: vs.TimeState) -> html.Div:
    years = vs.time_years(package, state.indicators, state.level)
    year_options = [{"label": str(y), "value": str(y)} for y in years]
    levels = vs.area_levels(package)
    extra = list(state.indicators[1:])
    themes = list(dict.fromkeys(package.indicators["theme"]))
    return html.Div(className="atlas-controls", children=[
        dbc.Label("Indikator", html_for=f"{P}-indikator"),
        dbc.Select(id=f"{P}-indikator", value=state.indicators[0],
                   options=indicator_options(package, state.level, keep=state.indicators[0]), className="mb-2"),
        html.Fieldset(className="mb-2", children=[
            html.Legend("Weitere Indikatoren (je ein eigenes Diagramm)", className="form-label fs-6"),
            dbc.Checklist(id=f"{P}-weitere", value=extra,
                          options=[{"label": str(package.indicators.at[i, "name"]), "value": i} for i in extra]),
        ]),
        dbc.Label("Indikator hinzufügen", html_for=f"{P}-hinzufuegen", className="small"),
        dbc.Select(id=f"{P}-hinzufuegen", value="", className="mb-3",
                   options=[{"label": "– Indikator wählen –", "value": ""}]
                   + indicator_options(package, state.level), disabled=len(state.indicators) >= vs.MAX_TIME_INDICATORS),
        html.Fieldset(className="mb-3", hidden=len(levels) < 2, children=[
            html.Legend("Gebietsebene", className="form-label fs-6"),
            dbc.RadioItems(id=f"{P}-ebene", value=state.level, inline=True,
                           options=[{"label": LEVEL_LABELS[lv], "value": lv} for lv in levels]),
        ]),
        html.Fieldset(className="mb-3", children=[
            html.Legend(f"{LEVEL_LABELS_PLURAL[state.level]} im Verlauf (die Stadt ist immer dabei)",
                        className="form-label fs-6"),
            html.Div(dbc.Checklist(id=f"{P}-gebiete", value=list(state.areas),
                                   options=_area_options(package, state.level)), className="area-checklist"),
        ]),
        html.Fieldset(className="mb-3", children=[
            html.Legend("Darstellung", className="form-label fs-6"),
            dbc.RadioItems(id=f"{P}-darstellung", value=state.mode,
                           options=[{"label": v, "value": k} for k, v in vs.VALUE_MODES.items()]),
        ]),
        dbc.Label("Basisjahr", html_for=f"{P}-basisjahr"),
        dbc.Select(id=f"{P}-basisjahr", value=str(state.base_year), options=year_options, className="mb-3",
                   disabled=state.mode == "absolut"),
        dbc.Label("Themenfeld für den Gebietsvergleich", html_for=f"{P}-thema"),
        dbc.Select(id=f"{P}-thema", value=state.theme, options=[{"label": t, "value": t} for t in themes]),
    ])


def layout(**query):
    package = get_package()
    query = {k: v for k, v in query.items() if isinstance(v, str)}
    state, notices = vs.time_from_query(package, query)
    built = _views(package.fingerprint, tuple(sorted(vs.time_to_query(package, state).items())))
    years = vs.time_years(package, state.indicators, state.level)
    year_options = [{"label": str(y), "value": str(y)} for y in years]
    areas = _area_options(package, state.level)
    change = built["veraenderung"]
    pair = built["paar"]
    return html.Div([
        dcc.Location(id=f"{P}-url", refresh=False),
        dcc.Store(id=f"{P}-ansicht", data=vs.time_to_query(package, state)),
        html.H1("Zeitvergleich"),
        html.P("Wird es besser? Hier sehen Sie die Entwicklung ausgewählter Gebiete über alle Jahre im Vergleich "
               "zur Gesamtstadt, welche Gebiete sich zwischen zwei Jahren am stärksten verändert haben, und zwei "
               "Gebiete nebeneinander. Die Adresse der Seite hält die Ansicht fest.", className="lead"),
        einfach_erklaert("zeitvergleich"),
        html.Div([notice(n) for n in notices], id=f"{P}-hinweise"),
        dbc.Row([
            dbc.Col(lg=3, className="mb-3", children=[
                *collapsible_controls(P, _controls(package, state)),
            ]),
            dbc.Col(lg=9, children=[
                chart_figure(f"{P}-verlauf", built["verlauf"]["title"], built["verlauf"]["finding"],
                             built["verlauf"]["figure"], built["verlauf"]["table"], built["verlauf"]["href"],
                             heading_level=2,
                             notes=["Gestrichelt: Stadt. Jede Linie hat ihr eigenes Symbol. Lücken: Wert "
                                    "geheimgehalten oder nicht erhoben."]),
                html.Section(className="chart", **{"aria-labelledby": f"{P}-veraenderung-titel"}, children=[
                    html.H2(change["title"], id=f"{P}-veraenderung-titel", className="chart-title fs-5"),
                    html.P(change["finding"], id=f"{P}-veraenderung-aussage", className="chart-finding"),
                    dbc.Row(className="g-2 mb-2", children=[
                        dbc.Col([dbc.Label("von", html_for=f"{P}-von"),
                                 dbc.Select(id=f"{P}-von", value=str(state.year_a), options=year_options)], xs=6, md=3),
                        dbc.Col([dbc.Label("bis", html_for=f"{P}-bis"),
                                 dbc.Select(id=f"{P}-bis", value=str(state.year_b), options=year_options)], xs=6, md=3),
                    ]),
                    html.Div(_change_table(package, state, change["rows"]), id=f"{P}-veraenderung-tabelle"),
                    html.P(_marked_profile(package, state), id=f"{P}-steckbrief", className="mb-2",
                           **{"aria-live": "polite"}),
                    html.Div(className="chart-tools", children=[
                        html.A(["CSV herunterladen", html.Span(" (Veränderungstabelle)", className="visually-hidden")],
                               href=change["href"], id=f"{P}-veraenderung-csv",
                               className="btn btn-outline-primary btn-sm", download="veraenderung.csv"),
                    ]),
                ]),
                html.Section(className="mb-3", **{"aria-labelledby": f"{P}-paar-ueberschrift"}, children=[
                    html.H2("Zwei Gebiete im Vergleich", id=f"{P}-paar-ueberschrift"),
                    dbc.Row(className="g-2 mb-2", children=[
                        dbc.Col([dbc.Label("Gebiet A", html_for=f"{P}-paar-a"),
                                 dbc.Select(id=f"{P}-paar-a", value=state.pair[0], options=areas)], md=6),
                        dbc.Col([dbc.Label("Gebiet B", html_for=f"{P}-paar-b"),
                                 dbc.Select(id=f"{P}-paar-b", value=state.pair[1], options=areas)], md=6),
                    ]),
                    html.P(_pair_profiles(package, state), id=f"{P}-paar-steckbriefe", className="pair-profiles"),
                    html.Div(notice(pair["empty"], "info") if pair["empty"] else None, id=f"{P}-paar-leer"),
                    html.Div(hidden=bool(pair["empty"]), id=f"{P}-paar-bereich", children=chart_figure(
                        f"{P}-paar", pair["title"], pair["finding"], pair["figure"] or {}, pair["table"] or html.Div(),
                        pair["href"])),
                    html.H3("Ähnliche Gebiete", id=f"{P}-aehnlich-titel"),
                    html.Div(_similar_list(package, state, built["aehnlich"]), id=f"{P}-aehnlich"),
                ]),
            ]),
        ]),
    ])


# ---- callbacks ------------------------------------------------------------------------------

@callback(
    Output(f"{P}-url", "search"),
    Output(f"{P}-ansicht", "data"),
    Output(f"{P}-hinweise", "children"),
    Output(f"{P}-indikator", "options"),
    Output(f"{P}-indikator", "value"),
    Output(f"{P}-weitere", "options"),
    Output(f"{P}-weitere", "value"),
    Output(f"{P}-hinzufuegen", "options"),
    Output(f"{P}-hinzufuegen", "value"),
    Output(f"{P}-hinzufuegen", "disabled"),
    Output(f"{P}-ebene", "value"),
    Output(f"{P}-gebiete", "options"),
    Output(f"{P}-gebiete", "value"),
    Output(f"{P}-darstellung", "value"),
    Output(f"{P}-basisjahr", "options"),
    Output(f"{P}-basisjahr", "value"),
    Output(f"{P}-basisjahr", "disabled"),
    Output(f"{P}-von", "options"),
    Output(f"{P}-von", "value"),
    Output(f"{P}-bis", "options"),
    Output(f"{P}-bis", "value"),
    Output(f"{P}-thema", "value"),
    Output(f"{P}-paar-a", "options"),
    Output(f"{P}-paar-a", "value"),
    Output(f"{P}-paar-b", "options"),
    Output(f"{P}-paar-b", "value"),
    Input(f"{P}-url", "search"),
    Input(f"{P}-indikator", "value"),
    Input(f"{P}-weitere", "value"),
    Input(f"{P}-hinzufuegen", "value"),
    Input(f"{P}-ebene", "value"),
    Input(f"{P}-gebiete", "value"),
    Input(f"{P}-darstellung", "value"),
    Input(f"{P}-basisjahr", "value"),
    Input(f"{P}-von", "value"),
    Input(f"{P}-bis", "value"),
    Input(f"{P}-thema", "value"),
    Input(f"{P}-paar-a", "value"),
    Input(f"{P}-paar-b", "value"),
    Input({"type": ROW, "index": ALL}, "n_clicks"),
    Input({"type": SORT, "index": ALL}, "n_clicks"),
    State(f"{P}-ansicht", "data"),
    prevent_initial_call=True,
)
def sync_state(search, indicator, extra, add, level, areas, mode, base, year_a, year_b, theme, pair_a, pair_b,
               _rows, _sorts, view):
    package = get_package()
    trigger = ctx.triggered_id
    notices = dash.no_update
    if trigger == f"{P}-url":
        state, messages = vs.time_from_query(package, vs.parse_search(search))
        if vs.time_to_query(package, state) == view:
            return (dash.no_update,) * len(ctx.outputs_list)
        notices = [notice(m) for m in messages]
    else:
        if isinstance(trigger, dict) and not (ctx.triggered[0]["value"] or 0):
            return (dash.no_update,) * len(ctx.outputs_list)  # a freshly drawn button, not a click
        previous, _ = vs.time_from_query(package, view or {})
        indicators = [indicator] + [i for i in (extra or []) if i != indicator]
        if trigger == f"{P}-hinzufuegen" and add and add not in indicators:
            indicators.append(add)
        query = {"indikator": ",".join(indicators[:vs.MAX_TIME_INDICATORS]), "ebene": level,
                 "gebiete": ",".join(areas or []) or ",", "darstellung": mode, "basisjahr": base,
                 "von": year_a, "bis": year_b, "thema": theme, "paar": f"{pair_a},{pair_b}",
                 "markiert": previous.highlighted or "",
                 "sortierung": f"{previous.sort}-{'ab' if previous.descending else 'auf'}"}
        if trigger == f"{P}-ebene" and level != previous.level:
            for key in ("gebiete", "paar", "markiert"):
                query.pop(key)
        if trigger == f"{P}-indikator" and indicator != previous.indicators[0]:
            query["thema"] = str(package.indicators.at[indicator, "theme"]) if indicator in package.indicators.index \
                else theme
        if isinstance(trigger, dict) and trigger.get("type") == ROW:
            area = trigger["index"]
            query["markiert"] = "" if previous.highlighted == area else area
            if area not in (areas or []) and len(areas or []) < vs.MAX_TIME_AREAS:
                query["gebiete"] = ",".join([*(areas or []), area])
        if isinstance(trigger, dict) and trigger.get("type") == SORT:
            key = trigger["index"]
            descending = not previous.descending if key == previous.sort else key != "gebiet"
            query["sortierung"] = f"{key}-{'ab' if descending else 'auf'}"
        state, _ = vs.time_from_query(package, {k: v for k, v in query.items() if v})
        if state.year_a == state.year_b:
            notices = [notice("Bitte zwei verschiedene Jahre wählen; die Tabelle zeigt sonst keine Veränderung.",
                              "info")]
    new_view = vs.time_to_query(package, state)
    new_search = vs.to_search(new_view) if trigger != f"{P}-url" else search
    years = vs.time_years(package, state.indicators, state.level)
    year_options = [{"label": str(y), "value": str(y)} for y in years]
    areas_options = _area_options(package, state.level)
    extra = list(state.indicators[1:])
    return (
        new_search if new_search != (search or "") else dash.no_update,
        new_view if new_view != view else dash.no_update,
        notices,
        indicator_options(package, state.level, keep=state.indicators[0]), state.indicators[0],
        [{"label": str(package.indicators.at[i, "name"]), "value": i} for i in extra], extra,
        [{"label": "– Indikator wählen –", "value": ""}] + indicator_options(package, state.level), "",
        len(state.indicators) >= vs.MAX_TIME_INDICATORS,
        state.level,
        areas_options, list(state.areas),
        state.mode, year_options, str(state.base_year), state.mode == "absolut",
        year_options, str(state.year_a), year_options, str(state.year_b),
        state.theme,
        areas_options, state.pair[0], areas_options, state.pair[1],
    )


@callback(
    Output(f"{P}-verlauf-titel", "children"),
    Output(f"{P}-verlauf-aussage", "children"),
    Output(f"{P}-verlauf-graph", "figure"),
    Output(f"{P}-verlauf-tabelle", "children"),
    Output(f"{P}-verlauf-csv", "href"),
    Output(f"{P}-veraenderung-titel", "children"),
    Output(f"{P}-veraenderung-aussage", "children"),
    Output(f"{P}-veraenderung-tabelle", "children"),
    Output(f"{P}-veraenderung-csv", "href"),
    Output(f"{P}-paar-leer", "children"),
    Output(f"{P}-paar-bereich", "hidden"),
    Output(f"{P}-paar-titel", "children"),
    Output(f"{P}-paar-aussage", "children"),
    Output(f"{P}-paar-graph", "figure"),
    Output(f"{P}-paar-tabelle", "children"),
    Output(f"{P}-paar-csv", "href"),
    Output(f"{P}-aehnlich", "children"),
    Output(f"{P}-steckbrief", "children"),
    Output(f"{P}-paar-steckbriefe", "children"),
    Input(f"{P}-ansicht", "data"),
    prevent_initial_call=True,
)
def render(view):
    package = get_package()
    state, _ = vs.time_from_query(package, view or {})
    built = _views(package.fingerprint, tuple(sorted(vs.time_to_query(package, state).items())))
    line, change, pair = built["verlauf"], built["veraenderung"], built["paar"]
    return (line["title"], line["finding"], line["figure"], line["table"], line["href"],
            change["title"], change["finding"], _change_table(package, state, change["rows"]), change["href"],
            notice(pair["empty"], "info") if pair["empty"] else None, bool(pair["empty"]),
            pair["title"], pair["finding"], pair["figure"] or {}, pair["table"], pair["href"],
            _similar_list(package, state, built["aehnlich"]),
            _marked_profile(package, state), _pair_profiles(package, state))


register_controls_toggle(P)
