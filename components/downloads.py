"""CSV downloads as plain links (`/download/werte.csv?indikator=…&jahr=…&ebene=…`): they work
without JavaScript, can be shared, and return exactly the rows the chart shows, with
confidentiality applied (suppressed cells are "·", never numbers)."""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import pandas as pd
from flask import Flask, Response, request

from sozialraum import atlas, queries, trends, viewstate
from sozialraum.formatting import csv_number
from sozialraum.schema import AREA_LEVELS, DIRECTION_LABELS

from .data import get_package


def values_href(indicator_id: str, year: int | None, level: str | None) -> str:
    params = {"indikator": indicator_id}
    if year is not None:
        params["jahr"] = str(year)
    if level is not None:
        params["ebene"] = level
    return f"/download/werte.csv?{urlencode(params)}"


ATLAS_HREF = "/download/atlas.csv"
ATLAS_CHARTS = ("karte", "rangfolge", "verteilung", "streuung")


def atlas_href(view_query: dict[str, str], chart: str) -> str:
    """The CSV of one atlas chart: the view's own query plus the chart's name."""
    return f"{ATLAS_HREF}?{urlencode({**view_query, 'diagramm': chart}, safe=',')}"


TIME_HREF = "/download/zeitvergleich.csv"
TIME_PARTS = ("verlauf", "veraenderung", "paar")


def time_href(view_query: dict[str, str], part: str) -> str:
    return f"{TIME_HREF}?{urlencode({**view_query, 'teil': part}, safe=',')}"


KEY_FIGURES_HREF = "/download/kennzahlen.csv"
CATALOGUE_HREF = "/download/indikatoren.csv"


def _csv(frame: pd.DataFrame, filename: str) -> Response:
    return Response(queries.to_csv(frame), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _bad(message: str) -> Response:
    return Response(message, status=400, mimetype="text/plain; charset=utf-8")


def _values() -> Response:
    package = get_package()
    indicator_id = request.args.get("indikator", "")
    if indicator_id not in package.indicators.index:
        return _bad(f"Unbekannter Indikator „{indicator_id[:60]}“.")
    year_text = request.args.get("jahr")
    year = None
    if year_text:
        if not re.fullmatch(r"[0-9]{1,4}", year_text) or int(year_text) not in package.years:
            return _bad(f"Für das Jahr „{year_text[:10]}“ gibt es keine Daten.")
        year = int(year_text)
    level = request.args.get("ebene") or None
    if level is not None and level not in AREA_LEVELS:
        return _bad(f"Unbekannte Gebietsebene „{level[:30]}“.")
    frame = queries.download_frame(package, indicator_id, year, level)
    name = "_".join(str(p) for p in (indicator_id, year, level) if p is not None)
    return _csv(frame, f"{name}.csv")


def _key_figures() -> Response:
    package = get_package()
    wide = queries.key_figures_table(package)
    out = pd.DataFrame({"Jahr": wide.index})
    for ind in wide.columns:
        meta = package.indicators.loc[ind]
        column = f"{meta['name']} ({meta['unit']})"
        out[column] = [csv_number(v, queries.decimals(package, ind)) for v in wide[ind]]
    out["Gebiet"] = package.areas.at[package.city_id, "name"]
    out["Stand"] = package.edition.strftime("%d.%m.%Y")
    if package.is_demo:
        out["Hinweis"] = "Beispieldaten"
    return _csv(out, "kennzahlen_stadt.csv")


def catalogue_frame(package) -> pd.DataFrame:
    ind = package.indicators
    return pd.DataFrame({
        "Indikator-ID": ind["indicator_id"], "Themenfeld": ind["theme"], "Name": ind["name"],
        "Einheit": ind["unit"], "Definition": ind["definition"], "Zähler": ind["numerator"].fillna(""),
        "Nenner": ind["denominator"].fillna(""), "Richtung": ind["direction"].map(DIRECTION_LABELS),
        "Stichtag": ind["reference_date"].fillna(""), "Quelle": ind["source"],
        "Leitlinien": [", ".join(v) for v in ind["leitlinien"]],
    })


def _catalogue() -> Response:
    return _csv(catalogue_frame(get_package()), "indikatoren.csv")


def _atlas() -> Response:
    """Recomputes the chart's rows from the query (never trusts numbers from the client).
    A query the page would correct with a notice is refused here: a file must not silently
    contain something else than asked for."""
    package = get_package()
    query = {k: v for k, v in request.args.items()}
    chart = query.pop("diagramm", "karte")
    if chart not in ATLAS_CHARTS:
        return _bad(f"Unbekanntes Diagramm „{chart[:30]}“.")
    state, notices = viewstate.atlas_from_query(package, query)
    if notices:
        return _bad("\n".join(notices))
    frame = atlas.download_frame(package, atlas.compute_view(package, state), chart)
    return _csv(frame, f"atlas_{chart}_{state.indicator}_{state.year}.csv")


def _time() -> Response:
    package = get_package()
    query = {k: v for k, v in request.args.items()}
    part = query.pop("teil", "verlauf")
    if part not in TIME_PARTS:
        return _bad(f"Unbekannter Teil „{part[:30]}“.")
    state, notices = viewstate.time_from_query(package, query)
    if notices:
        return _bad("\n".join(notices))
    if part == "verlauf":
        frame = trends.lines_csv(package, state.indicators, state.areas, state.mode, state.base_year)
    elif part == "veraenderung":
        first = state.indicators[0]
        table = trends.change_table(package, first, state.level, state.year_a, state.year_b)
        table = trends.sort_change_table(table, state.sort, state.descending)
        frame = trends.change_csv(package, first, table, state.year_a, state.year_b)
    else:
        year = max(viewstate.time_years(package, state.indicators, state.level))
        pair = trends.pair_frame(package, state.theme, state.level, *state.pair, year)
        frame = trends.pair_csv(package, pair, *state.pair)
    return _csv(frame, f"zeitvergleich_{part}.csv")


def _geo(level: str) -> Response:
    """Polygons of one level for the maps (see components.maps.geojson_url)."""
    package = get_package()
    if level not in package.geojson:
        return _bad(f"Keine Geometrie für die Ebene „{level[:30]}“.")
    response = Response(json.dumps(package.geojson[level], separators=(",", ":")), mimetype="application/geo+json")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


def register(server: Flask) -> None:
    server.add_url_rule("/geo/<level>.json", "geo", _geo)
    server.add_url_rule(TIME_HREF, "download_time", _time)
    server.add_url_rule(ATLAS_HREF, "download_atlas", _atlas)
    server.add_url_rule("/download/werte.csv", "download_values", _values)
    server.add_url_rule(KEY_FIGURES_HREF, "download_key_figures", _key_figures)
    server.add_url_rule(CATALOGUE_HREF, "download_catalogue", _catalogue)
