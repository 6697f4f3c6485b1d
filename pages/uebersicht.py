"""Übersicht: the city's key figures with trend, a map, the six Leitlinien, and what the
data package contains and how current it is."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, html

from components import ids
from components.area_search import area_search, profile_button
from components.cache import cache
from components.charts import area_cell, chart_figure, data_table
from components.data import get_package
from components.downloads import KEY_FIGURES_HREF, values_href
from components.easy_language import einfach_erklaert
from components.maps import choropleth
from components.shell import notice
from components.sparkline import sparkline
from sozialraum import formatting as fmt
from sozialraum import queries
from sozialraum.package import DataPackage
from sozialraum.schema import LEVEL_LABELS, LEVEL_LABELS_DATIVE_PLURAL, LEVEL_LABELS_PLURAL

dash.register_page(__name__, path="/", name="Übersicht", title="Übersicht – Sozialraum-Monitor",
                   order=0, nav=True)

ARROWS = {"gestiegen": "▲", "gesunken": "▼", "unverändert": "►"}


def _map_level(package: DataPackage) -> str:
    return "ortsteil" if "ortsteil" in package.levels else package.levels[-1]


def _default_map_indicator(package: DataPackage, level: str) -> str:
    available = queries.indicators_for_level(package, level)
    preferred = package.meta.get("map_indicator")
    if preferred in available:
        return preferred
    for ind in queries.key_indicator_ids(package):
        if ind in available and package.indicators.at[ind, "direction"] != "neutral":
            return ind
    return available[0]


# ---- key figures -------------------------------------------------------------------------

def _key_figure_card(package: DataPackage, kf: queries.KeyFigure) -> dbc.Col:
    dec = queries.decimals(package, kf.indicator_id)
    value_text = fmt.number(kf.value, dec)
    change = kf.change
    if change is None:
        trend = "Keine Vergleichswerte"
    else:
        trend = (f"{ARROWS[kf.trend_word]} {kf.base_year}–{kf.year} {kf.trend_word}: "
                 f"{fmt.change(change, dec, kf.unit)}")
    first_year, first_value = kf.history[0]
    alt = (f"Verlauf {first_year} bis {kf.year}: von {fmt.value(first_value, dec, kf.unit)} "
           f"auf {fmt.value(kf.value, dec, kf.unit)}")
    assessment_class = {"ungünstige Entwicklung": "trend-worse", "günstige Entwicklung": "trend-better"}
    return dbc.Col(html.Div(className="key-figure", children=[
        html.H3(kf.label, className="key-figure-label"),
        html.P([html.Span(value_text, className="key-figure-value"), " ",
                html.Span(kf.unit, className="key-figure-unit")], className="mb-1"),
        html.P(f"Stadt {package.city}, {kf.year}", className="small text-body-secondary mb-1"),
        html.P([trend, html.Br() if kf.assessment else None,
                html.Span(kf.assessment, className=assessment_class.get(kf.assessment, ""))],
               className="small mb-2"),
        sparkline(kf.history, alt),
    ]), xs=12, sm=6, lg=3, className="mb-3")


def key_figures_section(package: DataPackage) -> html.Section:
    figures = queries.key_figures(package)
    if not figures:
        return html.Section([html.H2("Kennzahlen der Stadt"),
                             notice("Das Datenpaket enthält keine Werte für die Gesamtstadt.", "info")])
    wide = queries.key_figures_table(package)
    header = ["Jahr"] + [f"{package.indicators.at[i, 'short_name']} ({package.indicators.at[i, 'unit']})"
                         for i in wide.columns]
    rows = [[str(year)] + [fmt.number(wide.at[year, i], queries.decimals(package, i)) for i in wide.columns]
            for year in wide.index]
    table = data_table(header, rows, f"Kennzahlen der Stadt {package.city} nach Jahren",
                       numeric=[False] + [True] * len(wide.columns))
    latest = max(kf.year for kf in figures)
    return html.Section(className="mb-4", **{"aria-labelledby": "kennzahlen-titel"}, children=[
        html.H2(f"Kennzahlen der Stadt {package.city}", id="kennzahlen-titel"),
        html.P(f"Wichtige Indikatoren der Gesamtstadt im Jahr {latest} und ihre Entwicklung in den "
               "letzten fünf Jahren. Pfeile zeigen die Richtung; ob eine Entwicklung günstig ist, steht "
               "dabei, denn bei manchen Indikatoren bedeutet ein höherer Wert mehr Handlungsbedarf.",
               className="text-body-secondary"),
        dbc.Row([_key_figure_card(package, kf) for kf in figures]),
        html.Div(className="chart-tools", children=[
            html.Details([html.Summary("Daten als Tabelle"), table]),
            html.A(["CSV herunterladen", html.Span(" (Kennzahlen der Stadt)", className="visually-hidden")],
                   href=KEY_FIGURES_HREF, className="btn btn-outline-primary btn-sm",
                   download="kennzahlen_stadt.csv"),
        ]),
    ])


# ---- map ---------------------------------------------------------------------------------

@cache.memoize()
def _map_figure(fingerprint: str, indicator_id: str, year: int, level: str) -> dict:
    """Cached across workers: the figure embeds the polygons, so building it is the costly part."""
    package = get_package()
    table = queries.values(package, indicator_id, year, level)
    return choropleth(package, indicator_id, table, level).to_plotly_json()


def _map_parts(package: DataPackage, indicator_id: str, year: int, level: str):
    name = package.indicators.at[indicator_id, "name"]
    title = f"{name} nach {LEVEL_LABELS_DATIVE_PLURAL[level]}, {year}"
    table = queries.values(package, indicator_id, year, level)
    rows = [[area_cell(r.name, r.slug),
             fmt.SUPPRESSED if r.suppressed else queries.format_value(package, indicator_id, r.value)]
            for r in table.itertuples()]
    city, hidden = queries.city_value(package, indicator_id, year)
    rows.append([f"Stadt {package.city} (zum Vergleich)", queries.format_value(package, indicator_id, city, hidden)])
    data = data_table([LEVEL_LABELS[level], name], rows, title, numeric=[False, True])
    return (title, queries.finding(package, indicator_id, year, level),
            _map_figure(package.fingerprint, indicator_id, year, level), data,
            values_href(indicator_id, year, level))


def _indicator_options(package: DataPackage, level: str) -> list[dict]:
    ind = package.indicators
    return [{"label": f"{ind.at[i, 'theme']}: {ind.at[i, 'name']}", "value": i}
            for i in queries.indicators_for_level(package, level)]


def _indicator_info(package: DataPackage, indicator_id: str) -> list:
    meta = package.indicators.loc[indicator_id]
    return [html.Strong("Definition: "), str(meta["definition"]), " ",
            html.Span(f"Einheit: {meta['unit']}. Quelle: {meta['source']}.")]


def map_section(package: DataPackage, indicator_id: str, year: int) -> html.Section:
    level = _map_level(package)
    years = queries.years_for(package, indicator_id, level)
    title, finding, figure, table, href = _map_parts(package, indicator_id, year, level)
    notes = []
    if package.meta.get("schematic_map"):
        notes.append("Schematische Karte: Die Flächen sind vereinfacht (Zellen um die Ortsteilmittelpunkte) "
                     "und zeigen keine amtlichen Grenzen.")
    notes.append("Dunklere Flächen bedeuten mehr Handlungsbedarf; graue Flächen haben keinen Wert "
                 "(· geheimgehalten, – keine Angabe).")
    return html.Section(className="mb-4", **{"aria-labelledby": "karte-titel"}, children=[
        html.H2(f"Karte der {LEVEL_LABELS_PLURAL[level]}", id="karte-titel"),
        dbc.Row(className="g-2 mb-2", children=[
            dbc.Col([dbc.Label("Indikator", html_for=ids.UEBERSICHT_INDICATOR),
                     dbc.Select(id=ids.UEBERSICHT_INDICATOR, options=_indicator_options(package, level),
                                value=indicator_id)], md=8),
            dbc.Col([dbc.Label("Jahr", html_for=ids.UEBERSICHT_YEAR),
                     dbc.Select(id=ids.UEBERSICHT_YEAR, options=[{"label": str(y), "value": str(y)}
                                                                  for y in reversed(years)],
                                value=str(year))], md=4),
        ]),
        html.P(_indicator_info(package, indicator_id), id="uebersicht-indikator-info", className="small"),
        chart_figure(ids.UEBERSICHT_MAP, title, finding, figure, table, href, notes=notes),
        html.P("Ein Klick auf ein Gebiet in der Karte bietet seinen Steckbrief an.", id="uebersicht-steckbrief",
               className="small", **{"aria-live": "polite"}),
        html.P(html.A("Im Atlas vergleichen: Rangfolge, Verteilung, Filter und Zusammenhänge",
                      href=_atlas_link(indicator_id, year), id="uebersicht-atlas-link")),
    ])


def _atlas_link(indicator_id: str, year: int) -> str:
    return f"/atlas?indikator={indicator_id}&jahr={year}"


@callback(
    Output(ids.UEBERSICHT_YEAR, "options"),
    Output(ids.UEBERSICHT_YEAR, "value"),
    Output(f"{ids.UEBERSICHT_MAP}-titel", "children"),
    Output(f"{ids.UEBERSICHT_MAP}-aussage", "children"),
    Output(f"{ids.UEBERSICHT_MAP}-graph", "figure"),
    Output(f"{ids.UEBERSICHT_MAP}-tabelle", "children"),
    Output(f"{ids.UEBERSICHT_MAP}-csv", "href"),
    Output("uebersicht-indikator-info", "children"),
    Output("uebersicht-atlas-link", "href"),
    Input(ids.UEBERSICHT_INDICATOR, "value"),
    Input(ids.UEBERSICHT_YEAR, "value"),
    prevent_initial_call=True,  # the layout already shows the initial map
)
def update_map(indicator_id: str, year_text: str):
    package = get_package()
    level = _map_level(package)
    if indicator_id not in package.indicators.index:
        indicator_id = _default_map_indicator(package, level)
    years = queries.years_for(package, indicator_id, level)
    year = int(year_text) if year_text and year_text.isdigit() and int(year_text) in years else years[-1]
    options = [{"label": str(y), "value": str(y)} for y in reversed(years)]
    return (options, str(year), *_map_parts(package, indicator_id, year, level),
            _indicator_info(package, indicator_id), _atlas_link(indicator_id, year))


@callback(
    Output("uebersicht-steckbrief", "children"),
    Input(f"{ids.UEBERSICHT_MAP}-graph", "clickData"),
    prevent_initial_call=True,
)
def offer_profile(click):
    """A click on an area of the map: the link to its profile next to the map."""
    package = get_package()
    try:  # this map's customdata holds the name; the location is the area id
        area = str(click["points"][0]["location"])
    except (TypeError, KeyError, IndexError):
        return dash.no_update
    if area not in package.areas.index:
        return dash.no_update
    name = str(package.areas.at[area, "name"])
    return [html.Span(f"Gewählt: {name}. "), profile_button(name, str(package.areas.at[area, "slug"]))]


def search_section(package: DataPackage) -> html.Section:
    """"Mein Ortsteil": the profile of one's own area in one step (the same form as in the header)."""
    return html.Section(className="start-suche-box", **{"aria-labelledby": "start-suche-titel"}, children=[
        html.H2("Mein Ortsteil", id="start-suche-titel"),
        html.P("Wie geht es Ihrem Ortsteil im Vergleich zur Stadt und zu früher? Namen oder die ersten "
               "Buchstaben eingeben und den Steckbrief öffnen.", className="mb-2"),
        area_search(package, "start-suche", variant="page", label_text="Name des Ortsteils"),
    ])


# ---- Leitlinien and data package ----------------------------------------------------------

def leitlinien_section(package: DataPackage) -> html.Section:
    measures = package.measures
    cards = []
    for number, row in package.leitlinien.iterrows():
        key = str(number)
        in_ll = measures[measures["leitlinien"].map(lambda ls, k=key: k in ls)]
        done = in_ll["status"].isin(["umgesetzt", "verstetigt"]).sum()
        n_ind = int(package.indicators["leitlinien"].map(lambda ls, k=key: k in ls).sum())
        cards.append(dbc.Col(html.Article(className="leitlinie", children=[
            html.H3([html.Span(f"Leitlinie {number}", className="leitlinie-number"), html.Br(), row["title"]]),
            html.P(row["short_text"]),
            html.P(f"{len(in_ll)} Maßnahmen, davon {done} umgesetzt oder verstetigt · "
                   f"{n_ind} Indikatoren geben Auskunft", className="small text-body-secondary mb-0"),
        ]), xs=12, md=6, lg=4, className="mb-3"))
    return html.Section(className="mb-4", **{"aria-labelledby": "leitlinien-titel"}, children=[
        html.H2("Die sechs sozialpolitischen Leitlinien", id="leitlinien-titel"),
        html.P("Jede Maßnahme der integrierten Sozialraumplanung dient mindestens einer Leitlinie; die "
               "Indikatoren des Sozialstrukturatlas zeigen, wo sie besonders gefragt sind.",
               className="text-body-secondary"),
        dbc.Row(cards),
    ])


def package_section(package: DataPackage) -> html.Section:
    areas = package.areas
    obs = package.observations
    level_counts = ", ".join(f"{(areas['level'] == lv).sum()} {LEVEL_LABELS_PLURAL[lv] if (areas['level'] == lv).sum() != 1 else LEVEL_LABELS[lv]}"
                             for lv in package.levels)
    facts = [
        ("Titel", package.title),
        ("Stand der Daten", fmt.day(package.edition)),
        ("Zeitraum", f"{min(package.years)} bis {max(package.years)}"),
        ("Gebiete", level_counts),
        ("Indikatoren", f"{len(package.indicators)} in {package.indicators['theme'].nunique()} Themenfeldern"),
        ("Werte", f"{fmt.number(len(obs))}, davon {fmt.number(int(obs['computed'].sum()))} für Planungsräume "
                  f"und Stadt berechnet und {fmt.number(int(obs['suppressed'].sum()))} geheimgehalten (·)"),
        ("Maßnahmen", f"{len(package.measures)}"),
        ("Einrichtungen", f"{len(package.facilities)}"),
        ("Lizenz", str(package.meta.get("licence", "–"))),
        ("Beispieldaten", "ja – generierte Zahlen, keine amtliche Statistik" if package.is_demo else "nein"),
    ]
    per_theme = []
    for theme, group in package.indicators.groupby("theme", sort=False):
        theme_obs = obs[obs["indicator_id"].isin(group.index) & obs["value"].notna()]
        years = theme_obs["year"]
        per_theme.append([theme, str(len(group)),
                          f"{years.min()}–{years.max()}" if len(years) else fmt.MISSING,
                          str(years.max()) if len(years) else fmt.MISSING])
    return html.Section(className="mb-4", **{"aria-labelledby": "paket-titel"}, children=[
        html.H2("Was das Datenpaket enthält", id="paket-titel"),
        dbc.Row([
            dbc.Col(html.Dl([item for label, text in facts for item in (html.Dt(label), html.Dd(text))],
                            className="facts"), lg=6),
            dbc.Col(data_table(["Themenfeld", "Indikatoren", "Zeitraum", "neuestes Jahr"], per_theme,
                               "Aktualität nach Themenfeld", numeric=[False, True, False, True]), lg=6),
        ]),
        html.P([html.A("Definitionen, Quellen und Methodik", href="/methodik"), " erklären jeden Indikator."]),
    ])


def layout(indikator: str | None = None, jahr: str | None = None, **_):
    return _layout(get_package().fingerprint, indikator, jahr)


@cache.memoize()
def _layout(fingerprint: str, indikator: str | None, jahr: str | None):
    """The page depends only on the data package and the query: build it once for all workers."""
    package = get_package()
    level = _map_level(package)
    messages = []
    available = queries.indicators_for_level(package, level)
    if indikator is not None and indikator not in available:
        messages.append(notice(f"Den Indikator „{indikator[:60]}“ gibt es nicht; die Karte zeigt den "
                               "Standardindikator."))
        indikator = None
    indicator_id = indikator or _default_map_indicator(package, level)
    years = queries.years_for(package, indicator_id, level)
    year = years[-1]
    if jahr is not None:
        if jahr.isdigit() and int(jahr) in years:
            year = int(jahr)
        else:
            messages.append(notice(f"Für das Jahr „{jahr[:10]}“ gibt es keine Werte; die Karte zeigt {year}."))
    return html.Div([
        html.H1(f"Sozialraum-Monitor {package.city}"),
        html.P("Wie leben die Menschen in den Ortsteilen, wo ist der Handlungsbedarf groß, und was wird "
               "dagegen getan? Diese Übersicht fasst den Sozialstrukturatlas der integrierten "
               "Sozialraumplanung zusammen.", className="lead"),
        einfach_erklaert("uebersicht"),
        *messages,
        search_section(package),
        key_figures_section(package),
        map_section(package, indicator_id, year),
        leitlinien_section(package),
        package_section(package),
    ])
