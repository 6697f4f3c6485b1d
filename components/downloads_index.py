"""Downloads of the Sozialindex page as plain links:

- `/download/sozialindex.csv?<view query>&teil=rangfolge|karte|matrix|warum|zeitvergleich|robustheit`
  -- exactly the rows of the table next to that chart (recomputed from the query, never
  numbers from the client);
- `/download/methode.toml?<view query>` -- the (adjusted) method as a method file.

A query the page would correct with a notice is refused (HTTP 400, German text): a file must
not silently contain something other than what was asked for.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from flask import Flask, Response, request

from sozialraum import queries
from sozialraum import sozialindex as si

from . import sozialindex_views as views
from .data import get_package

CSV_HREF = "/download/sozialindex.csv"
TOML_HREF = "/download/methode.toml"
PARTS = ("rangfolge", "karte", "matrix", "warum", "zeitvergleich", "robustheit")


def csv_href(view: dict[str, str], part: str, area_slug: str | None = None) -> str:
    params = {**view, "teil": part}
    if area_slug:
        params["auswahl"] = area_slug
    return f"{CSV_HREF}?{urlencode(params, safe=',:')}"


def toml_href(view: dict[str, str]) -> str:
    return f"{TOML_HREF}?{urlencode(view, safe=',:')}"


def part_table(package, state: views.IndexState, computed: views.Computed, part: str) -> views.Table | None:
    level = state.level
    if part == "rangfolge":
        return views.ranking_table(computed, level)
    if part == "karte":
        return views.map_table(computed, level)
    if part == "matrix":
        return views.matrix_table(computed)
    if part == "warum":
        return views.reasons_table(package, computed, state.selected) if state.selected else None
    if part == "zeitvergleich":
        return views.slope_table(computed, level, state.compare_year, state.year)
    return views.robustness_table(computed, level)


def adjusted_method(state: views.IndexState) -> si.Method:
    """The method as the page uses it, titled "(angepasst)" when it differs from the preset."""
    if views.adjust_query(state):
        return replace(state.method, title=f"{state.method.title} (angepasst)")
    return state.method


def _bad(message: str) -> Response:
    return Response(message, status=400, mimetype="text/plain; charset=utf-8")


def _read():
    package = get_package()
    query = {k: v for k, v in request.args.items()}
    part = query.pop("teil", "rangfolge")
    state = views.state_from_query(package, query)
    return package, state, part


def _csv() -> Response:
    package, state, part = _read()
    if part not in PARTS:
        return _bad(f"Unbekannter Teil „{part[:30]}“.")
    if state.notices:
        return _bad("\n".join(state.notices))
    table = part_table(package, state, views.compute_view(package, state), part)
    if table is None:
        return _bad("Für diese Auswahl gibt es keine Tabelle (keine Dynamik oder kein Gebiet ausgewählt).")
    name = f"sozialindex_{part}_{state.name}_{state.year}.csv"
    return Response(queries.to_csv(table.csv_frame()), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _toml() -> Response:
    _, state, _ = _read()
    if state.notices:
        return _bad("\n".join(state.notices))
    method = adjusted_method(state)
    text = si.method_to_toml(method)
    adjust = views.adjust_query(state)
    if adjust:
        text = (f"# Angepasst im Sozialraum-Monitor aus der Vorlage „{state.name}“: "
                f"{urlencode(adjust, safe=',:')}\n" + text)
    suffix = "-angepasst" if adjust else ""
    return Response(text.encode("utf-8"), mimetype="application/toml",
                    headers={"Content-Disposition": f'attachment; filename="{state.name}{suffix}.toml"'})


def register(server: Flask) -> None:
    server.add_url_rule(CSV_HREF, "download_sozialindex", _csv)
    server.add_url_rule(TOML_HREF, "download_methode", _toml)
