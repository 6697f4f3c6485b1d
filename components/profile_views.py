"""The parts of the district profile page (`/ortsteil/<slug>`): head facts, summary, the
indicator tables by theme, measures, facilities, similar areas, sources and the print footer.

Every judgement is written out ("günstiger", "ungünstiger", "unverändert"), arrows show the
direction of a change and a CSS class adds colour: colour is never the only signal. Tables
are real <table>s with a caption and `scope` headers.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from dash import html

from components.sparkline import sparkline
from sozialraum import formatting as fmt
from sozialraum import profile as pr
from sozialraum.package import DataPackage
from sozialraum.schema import (
    LEVEL_LABELS_DATIVE_PLURAL,
    LEVEL_LABELS_PLURAL,
    MEASURE_STATUS_LABELS,
    MEASURE_STATUSES,
)

JUDGEMENT_CLASS = {"better": "trend-better", "worse": "trend-worse"}
PRINT_MEASURES = 6      # measures listed on paper; the rest is counted ("und 4 weitere …")
PRINT_FACILITIES = 4    # facilities in the area listed on paper (neighbouring ones only on screen)
PRINT_CITYWIDE = 0      # city-wide measures are only counted on paper


def profile_path(slug: str) -> str:
    return f"/ortsteil/{slug}"


def csv_path(slug: str) -> str:
    return f"/download/steckbrief/{slug}.csv"


def pdf_path(slug: str) -> str:
    return f"/download/steckbrief/{slug}.pdf"


def link(place: pr.Place | pr.Similar, text: str | None = None) -> html.A:
    return html.A(text or place.name, href=profile_path(place.slug))


# ---- head ---------------------------------------------------------------------------------

def population_text(h: pr.Head) -> str:
    if h.population is None:
        return fmt.MISSING
    text = fmt.number(h.population, 0)
    if h.population_year:
        text += f" ({h.population_year})"
    return text


def population_trend(h: pr.Head) -> str:
    if h.population_change is None or h.population_base_year is None:
        return "keine Vergleichswerte"
    word = pr.direction_word(h.population_change, 0)
    if word == "gleich geblieben":
        return f"seit {h.population_base_year} gleich geblieben"
    pct = ""
    if h.population_change_pct is not None:
        pct = f" ({fmt.number(h.population_change_pct, 1, signed=True)} %)"
    arrow = pr.arrow(h.population_change, 0)
    return f"{arrow} seit {h.population_base_year} {word}: {fmt.number(h.population_change, 0, signed=True)}{pct}"


def history_runs(history: Sequence[tuple[int, str | None]]) -> list[tuple[int, int, str | None]]:
    """Consecutive years with the same class: [(2012, 2016, "erhöhter …"), (2017, 2024, …)]."""
    runs: list[list] = []
    for year, cls in history:
        if runs and runs[-1][2] == cls and runs[-1][1] == year - 1:
            runs[-1][1] = year
        else:
            runs.append([year, year, cls])
    return [(a, b, c) for a, b, c in runs]


def sozialindex_facts(h: pr.Head) -> list:
    if h.sozialindex_year is None:
        return []
    now = h.sozialindex_class or "nicht eingestuft" + (f" ({h.sozialindex_reason})" if h.sozialindex_reason else "")
    items = []
    for first, last, cls in history_runs(h.sozialindex_history):
        years = str(first) if first == last else f"{first}–{last}"
        items.append(html.Li([html.Span(f"{years}: ", className="fw-semibold"), cls or "nicht eingestuft"]))
    return [
        html.Dt(f"Sozialindex {h.sozialindex_year}"),
        html.Dd([html.Strong(now, className="si-class"),
                 html.Span(f" (Methode: {h.sozialindex_method})", className="small text-body-secondary")]),
        html.Dt("Sozialindex im Verlauf"),
        html.Dd(html.Ul(items, className="si-history"), id="steckbrief-sozialindex-verlauf"),
    ]


def head_facts(package: DataPackage, h: pr.Head, population_row: pr.IndicatorRow | None) -> html.Dl:
    place = h.place
    kind = place.level_label + (f" ({h.kind})" if h.kind else "")
    items: list = [html.Dt("Gebietsart"), html.Dd(kind)]
    if h.planungsraum is not None:
        items += [html.Dt("Planungsraum"), html.Dd(link(h.planungsraum, h.planungsraum.name))]
    elif not place.is_city and place.level != "planungsraum":
        items += [html.Dt("Gehört zu"), html.Dd(f"Stadt {package.city}")]
    if h.ortsteilrat is not None:
        items += [html.Dt("Ortsteilrat"), html.Dd("ja" if h.ortsteilrat else "nein")]
    spark = []
    if population_row is not None:
        points = [(y, v) for y, v, _ in population_row.sparkline if v is not None]
        if len(points) >= 2:
            spark = [sparkline(points, f"Einwohnerzahl {points[0][0]} bis {points[-1][0]}: von "
                                       f"{fmt.number(points[0][1], 0)} auf {fmt.number(points[-1][1], 0)}",
                               width=110, height=26)]
    items += [html.Dt("Einwohner"),
              html.Dd([html.Span(population_text(h), className="fw-semibold"), html.Br(),
                       html.Span(population_trend(h), className="small"), *spark], id="steckbrief-einwohner")]
    items += sozialindex_facts(h)
    return html.Dl(items, className="facts steckbrief-facts", id="steckbrief-kopf")


# ---- indicator tables ---------------------------------------------------------------------

def _judgement(word: str | None) -> html.Span | str:
    if word is None:
        return ""
    text = "ohne Wertung" if word == "neutral" else pr.JUDGEMENT_LABELS[word]
    return html.Span(text, className=f"judgement {JUDGEMENT_CLASS.get(word, '')}".strip())


def change_cell(delta: float | None, judgement: str | None, row: pr.IndicatorRow, since: int | None) -> list | str:
    if delta is None:
        return fmt.MISSING
    arrow = pr.arrow(delta, row.decimals)
    amount = fmt.change(delta, row.decimals, "Pp." if row.unit == "%" else "")
    label = f"seit {since}: " if since else ""
    return [html.Span(arrow, className="arrow", **{"aria-hidden": "true"}), " ",
            html.Span(label, className="visually-hidden"), amount, html.Br(), _judgement(judgement)]


def difference_cell(row: pr.IndicatorRow) -> list | str:
    if row.difference is None:
        return fmt.MISSING
    amount = fmt.change(row.difference, row.decimals, "Pp." if row.unit == "%" else "")
    word = {"better": "günstiger", "worse": "ungünstiger", "unchanged": "gleich",
            "neutral": "ohne Wertung"}.get(row.position or "", "")
    return [amount, html.Br(), html.Span(word, className=f"judgement {JUDGEMENT_CLASS.get(row.position, '')}")]


def rank_text(row: pr.IndicatorRow) -> str | list:
    if row.rank is None or row.rank_of is None:
        return fmt.MISSING
    text = f"{row.rank}. von {row.rank_of}"
    return [text, html.Span(" (geteilt)", className="rank-tie")] if row.ties else text


def spark_cell(row: pr.IndicatorRow) -> html.Img | str:
    points = [(y, v) for y, v, _ in row.sparkline if v is not None]
    if len(points) < 2:
        return fmt.MISSING
    alt = (f"Verlauf {row.short_name} {points[0][0]} bis {points[-1][0]}: von {row.text(points[0][1])} "
           f"auf {row.text(points[-1][1])}")
    return sparkline(points, alt, width=96, height=26)


def unit_text(row: pr.IndicatorRow) -> str:
    return "in Prozent" if row.unit == "%" else (f"in {row.unit}" if row.unit else "")


def theme_table(group: pr.ThemeGroup, place: pr.Place, number: int) -> html.Section:
    is_city = place.is_city
    year = max(r.year for r in group.rows)
    columns = [("Indikator", "col-name"), ("Wert", "col-value")]
    if not is_city:
        columns += [("Stadt", "col-city"), ("Abstand zur Stadt", "col-diff"), ("Rang", "col-rank")]
    columns += [("ggü. Vorjahr", "col-change"), ("in 5 Jahren", "col-change"), ("Verlauf", "col-spark")]
    body = []
    for row in group.rows:
        value = fmt.value(row.value, row.decimals, suppressed=row.suppressed)
        name_cell = html.Th([html.Span(row.name, className="name-long"),
                             html.Span(row.short_name, className="name-short print-only"), html.Br(), html.Span(
            ", ".join(t for t in (unit_text(row), str(row.year) if row.year != year else "") if t),
            className="small text-body-secondary")], scope="row", className="fw-normal")
        cells = [name_cell, html.Td(value, className="text-end fw-semibold")]
        if not is_city:
            cells += [html.Td(fmt.number(row.city_value, row.decimals), className="text-end"),
                      html.Td(difference_cell(row), className="text-end"),
                      html.Td(rank_text(row), className="text-end")]
        cells += [html.Td(change_cell(row.change_1y, row.judgement_1y, row, row.previous_year), className="text-end"),
                  html.Td(change_cell(row.change_5y, row.judgement_5y, row, row.base_year), className="text-end"),
                  html.Td(spark_cell(row), className="spark-cell")]
        body.append(html.Tr(cells, id=f"steckbrief-zeile-{row.indicator_id}"))
    head = html.Thead(html.Tr([html.Th(h, scope="col", className=f"{cls} text-end" if cls not in
                                       ("col-name", "col-spark") else cls) for h, cls in columns]))
    caption = f"{group.theme}: Werte {year}" + ("" if is_city else f" in {place.name} und in der Stadt")
    heading_id = f"thema-{number}"
    return html.Section(className="theme-block", **{"aria-labelledby": heading_id}, children=[
        html.H3(group.theme, id=heading_id),
        html.Div(html.Table([html.Caption(caption), head, html.Tbody(body)],
                            className="table table-sm data-table steckbrief-table"),
                 className="table-scroll", tabIndex=0, role="region", **{"aria-label": caption}),
    ])


def table_explanation(place: pr.Place, package: DataPackage) -> html.P:
    if place.is_city:
        return html.P("Jede Zeile zeigt den Wert der Stadt im neuesten Jahr, die Veränderung zum Vorjahr und "
                      "in fünf Jahren (Pfeil: Richtung; darunter, ob das günstiger oder ungünstiger ist) und den "
                      "Verlauf über alle Jahre.", className="table-explanation")
    plural = LEVEL_LABELS_DATIVE_PLURAL.get(place.level, place.level)
    return html.P(
        f"Jede Zeile zeigt den Wert von {place.name} im neuesten Jahr neben dem Wert der Stadt {package.city}, den "
        f"Abstand dazu, den Rang unter allen {plural} (1 = höchster Wert), die Veränderung zum Vorjahr und in "
        "fünf Jahren und den Verlauf über alle Jahre. Pfeile zeigen die Richtung; ob ein Wert oder eine "
        "Veränderung günstiger oder ungünstiger ist, steht als Wort dabei: Bei manchen Indikatoren bedeutet "
        "ein höherer Wert mehr Handlungsbedarf, bei anderen weniger. „Pp.“ = Prozentpunkte, "
        "„·“ = geheimgehalten, „–“ = keine Angabe.", className="table-explanation")


# ---- measures -----------------------------------------------------------------------------

def _who(row) -> str:
    parts = [str(v) for v in (row.responsible, row.traeger) if isinstance(v, str) and v.strip()]
    return " / ".join(parts) or fmt.MISSING


def counts_table(package: DataPackage, am: pr.AreaMeasures, place: pr.Place) -> html.Div | None:
    counts = am.counts
    if counts.empty or int(counts.to_numpy().sum()) == 0:
        return None
    statuses = [s for s in MEASURE_STATUSES if s in counts.columns and counts[s].sum() > 0]
    titles = dict(zip(package.leitlinien["number"].astype(int), package.leitlinien["title"]))
    caption = f"Maßnahmen in {place.name} nach Leitlinie und Status (Anzahl)"
    head = html.Thead(html.Tr([html.Th("Leitlinie", scope="col")] +
                              [html.Th(MEASURE_STATUS_LABELS[s], scope="col", className="text-end") for s in statuses] +
                              [html.Th("zusammen", scope="col", className="text-end")]))
    body = []
    for number, row in counts.iterrows():
        total = int(row[statuses].sum())
        if total == 0:
            continue
        body.append(html.Tr([html.Th([f"{number} – ", html.Span(titles.get(int(number), ""), className="ll-title")],
                                     scope="row", className="fw-normal")]
                            + [html.Td(str(int(row[s])) if row[s] else "–", className="text-end") for s in statuses]
                            + [html.Td(str(total), className="text-end fw-semibold")]))
    return html.Div(html.Table([html.Caption(caption), head, html.Tbody(body)],
                               className="table table-sm data-table counts-table"),
                    className="table-scroll", tabIndex=0, role="region", **{"aria-label": caption})


def measures_list(frame: pd.DataFrame, caption: str, table_id: str, print_limit: int) -> html.Div:
    head = html.Thead(html.Tr([html.Th(h, scope="col") for h in
                               ("Maßnahme", "Leitlinien", "Status", "Zuständig / Träger")]))
    body = []
    for i, row in enumerate(frame.itertuples()):
        leitlinien = ", ".join(str(n) for n in row.leitlinien) if row.leitlinien else fmt.MISSING
        body.append(html.Tr([
            html.Th(html.A(str(row.title), href=f"/massnahmen/{row.measure_id}"), scope="row", className="fw-normal"),
            html.Td(leitlinien), html.Td(str(row.status_label)), html.Td(_who(row)),
        ], className="no-print" if i >= print_limit else None))
    table = html.Table([html.Caption(caption), head, html.Tbody(body)],
                       className="table table-sm data-table measures-table", id=table_id)
    out = [html.Div(table, className="table-scroll", tabIndex=0, role="region", **{"aria-label": caption})]
    if len(frame) > print_limit:
        out.append(html.P(f"… und {len(frame) - print_limit} weitere Maßnahmen (vollständige Liste im Steckbrief "
                          "online).", className="print-only small"))
    return html.Div(out)


def measures_section(package: DataPackage, place: pr.Place, am: pr.AreaMeasures) -> html.Section:
    local, citywide = am.local, am.citywide
    where = f"in {place.name}" if not place.is_city else "mit Gebietsbezug"
    if len(local):
        active = int(local["status"].isin(["in_vorbereitung", "in_umsetzung"]).sum())
        planned = int((local["status"] == "geplant").sum())
        done = int(local["status"].isin(["umgesetzt", "verstetigt"]).sum())
        intro = (f"{len(local)} Maßnahmen {where}: {planned} geplant, {active} in Vorbereitung oder Umsetzung, "
                 f"{done} umgesetzt oder verstetigt. Die Tabelle zählt sie nach Leitlinie und Status (eine "
                 "Maßnahme mit mehreren Leitlinien zählt bei jeder); die Liste nennt, wer verantwortlich ist.")
    else:
        intro = f"Für {place.name} sind keine Maßnahmen eingetragen."
    parts: list = [html.H2("Maßnahmen", id="steckbrief-massnahmen-titel"), html.P(intro, id="steckbrief-massnahmen-satz")]
    if len(local):
        parts += [counts_table(package, am, place),
                  measures_list(local, f"Maßnahmen {where}, nach Haupt-Leitlinie", "steckbrief-massnahmen",
                                PRINT_MEASURES)]
    if len(citywide):
        parts.append(html.Details(className="citywide", children=[
            html.Summary(f"Dazu {len(citywide)} gesamtstädtische Maßnahmen (ohne Gebietsbezug)"),
            html.P("Sie gelten für die ganze Stadt und damit auch hier.", className="small"),
            measures_list(citywide, "Gesamtstädtische Maßnahmen", "steckbrief-massnahmen-stadt", PRINT_CITYWIDE),
        ]))
    parts.append(html.P(html.A("Alle Maßnahmen auf der Maßnahmen-Seite",
                               href="/massnahmen" + ("" if place.is_city else f"?gebiet={place.slug}")),
                        className="no-print"))
    return html.Section(parts, className="steckbrief-block", **{"aria-labelledby": "steckbrief-massnahmen-titel"})


# ---- facilities and similar areas ---------------------------------------------------------

def facilities_section(fac: pd.DataFrame, place: pr.Place) -> html.Section:
    heading = html.H2(f"Einrichtungen in {place.name}" if place.is_city else "Einrichtungen im Gebiet und in der Nähe",
                      id="steckbrief-einrichtungen-titel")
    if fac.empty:
        body = [html.P(f"Für {place.name} und die Nachbargebiete sind keine Einrichtungen verzeichnet.")]
    else:
        inside = int((fac["where"] == "im Gebiet").sum())
        near = len(fac) - inside
        sentence = (f"{inside} Einrichtungen liegen in {place.name}"
                    + (f", {near} in den angrenzenden Gebieten" if near else "") + ".")
        caption = f"Einrichtungen in und bei {place.name}"
        rows = [html.Tr([html.Th(str(r.name), scope="row", className="fw-normal"), html.Td(str(r.type_label)),
                         html.Td(str(r.operator) if isinstance(r.operator, str) else fmt.MISSING, className="col-operator"),
                         html.Td(str(r.where) + ("" if r.where == "im Gebiet" else f" ({r.area_name})"),
                                 className="col-where")],
                        className=None if r.where == "im Gebiet" and i < PRINT_FACILITIES else "no-print")
                for i, r in enumerate(fac.itertuples())]
        table = html.Table([html.Caption(caption),
                            html.Thead(html.Tr([html.Th("Einrichtung", scope="col"), html.Th("Art", scope="col"),
                                                html.Th("Träger", scope="col", className="col-operator"),
                                                html.Th("Lage", scope="col", className="col-where")])),
                            html.Tbody(rows)], className="table table-sm data-table facilities-table")
        body = [html.P(sentence),
                html.Div(table, className="table-scroll", tabIndex=0, role="region", **{"aria-label": caption})]
        if inside > PRINT_FACILITIES:
            body.append(html.P(f"… und {inside - PRINT_FACILITIES} weitere im Gebiet (vollständige Liste online).",
                               className="print-only small"))
    return html.Section([heading, *body], className="steckbrief-block",
                        **{"aria-labelledby": "steckbrief-einrichtungen-titel"})


def similar_section(package: DataPackage, place: pr.Place, similar: list[pr.Similar]) -> html.Section | None:
    """Links to the most similar areas of the same level; None for the city (nothing to compare)."""
    if place.is_city:
        return None
    heading = html.H2(f"Ähnliche {LEVEL_LABELS_PLURAL.get(place.level, 'Gebiete')}", id="steckbrief-aehnlich-titel")
    if not similar:
        body = [html.P("Es gibt zu wenige gemeinsame Werte, um ähnliche Gebiete zu bestimmen.")]
    else:
        body = [html.P(f"Diese {LEVEL_LABELS_PLURAL.get(place.level, 'Gebiete')} haben im neuesten Jahr über alle "
                       f"Indikatoren die ähnlichsten Werte wie {place.name} (ähnlichstes zuerst):",
                       className="similar-intro"),
                html.Ol([html.Li(link(s)) for s in similar], className="similar-list", id="steckbrief-aehnlich")]
    return html.Section([heading, *body], className="steckbrief-block", **{"aria-labelledby": "steckbrief-aehnlich-titel"})


# ---- sources ------------------------------------------------------------------------------

def sources_text(package: DataPackage) -> str:
    sources = list(dict.fromkeys(str(s) for s in package.indicators["source"].dropna()))
    return "; ".join(sources)


def edition_line(package: DataPackage, place: pr.Place) -> html.P:
    """One line for the bottom of each printed page: edition, publisher, demo note, address."""
    parts = [f"Stand der Daten {fmt.day(package.edition)}"]
    if package.meta.get("publisher"):
        parts.append(f"Herausgeber: {package.meta['publisher']}")
    if package.is_demo:
        parts.append("Beispieldaten – keine amtlichen Zahlen")
    parts.append(f"Sozialraum-Monitor {package.city}, {profile_path(place.slug)}")
    return html.P(" · ".join(parts), className="print-footer print-only")
