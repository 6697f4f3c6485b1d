"""Figures of the atlas pages: class map, ranking, distribution and scatter.

Each figure has a fixed trace layout so a selection change can be sent as a small `Patch`
(see `highlight_*`): the page never rebuilds a figure just to mark an area.
Every trace's customdata starts with the area id; clicks read it from there.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from plotly.colors import sample_colorscale

from sozialraum import formatting as fmt
from sozialraum import queries
from sozialraum.package import DataPackage

from .charts import base_layout
from .maps import demo_stamp, geojson_url

SUPPRESSED_FILL = "#a6a6a6"
MISSING_FILL = "#ffffff"
HIGHLIGHT = "#000000"
# ColorBrewer PuOr (colour-blind safe): purple below, orange above the city value.
ORANGES = ["#fee0b6", "#fdb863", "#e08214", "#b35806", "#7f3b08"]
PURPLES = ["#d8daeb", "#b2abd2", "#8073ac", "#542788", "#2d004b"]
RANKING_LIMIT = 80   # more areas than this: the ranking shows the top and bottom 40 (and the selection)


# ---- colours -------------------------------------------------------------------------------

def class_colors(n: int, direction: str) -> list[str]:
    """Sequential cividis, darker = more need (for neutral indicators: darker = higher)."""
    if n <= 0:
        return []
    positions = [0.5] if n == 1 else [0.95 - 0.9 * i / (n - 1) for i in range(n)]  # light -> dark
    colors = sample_colorscale("cividis", positions)
    return list(reversed(colors)) if direction == "need_lower" else colors


def deviation_colors(edges: np.ndarray, city: float, direction: str) -> list[str]:
    """Diverging: classes below the city value purple, above orange, paler near the city value.
    For "need_lower" indicators the sides swap, so orange always means more need."""
    n = len(edges) - 1
    below = [i for i in range(n) if edges[i + 1] <= city]
    above = [i for i in range(n) if i not in below]
    low_side, high_side = (ORANGES, PURPLES) if direction == "need_lower" else (PURPLES, ORANGES)
    colors = [""] * n
    for distance, i in enumerate(reversed(below)):
        colors[i] = low_side[min(distance, len(low_side) - 1)]
    for distance, i in enumerate(above):
        colors[i] = high_side[min(distance, len(high_side) - 1)]
    return colors


def stepped_scale(colors: list[str]) -> list[list]:
    """A colourscale with one flat step per class (z = class index)."""
    n = len(colors)
    scale = []
    for i, color in enumerate(colors):
        scale += [[i / n, color], [(i + 1) / n, color]]
    return scale


def _scale_note(direction: str, mode: str) -> str:
    if mode == "stadtwert":
        need = "über" if direction != "need_lower" else "unter"
        return (f"Orange: {need} dem Stadtwert (mehr Handlungsbedarf), lila: auf der anderen Seite; "
                if direction != "neutral" else "Orange: über, lila: unter dem Stadtwert; ") + \
            "je kräftiger, desto weiter entfernt."
    if direction == "neutral":
        return "Dunkler = höherer Wert."
    return "Dunkler = mehr Handlungsbedarf."


def legend_note(direction: str, mode: str) -> str:
    return (_scale_note(direction, mode) + " Graue Flächen: Wert geheimgehalten (·); weiße Flächen: "
            "keine Angabe (–). Schwarz umrandet: markierte Gebiete.")


# ---- map -----------------------------------------------------------------------------------
# Figures are built as plain dicts (plotly's JSON): the graph_objects classes validate and
# deep-copy every property, which cost ~100 ms per view here; the dicts cost a few ms.

def _columns(*columns) -> list[list]:
    """customdata rows from parallel columns."""
    return [list(row) for row in zip(*columns)]


def _layout(**overrides) -> dict:
    return base_layout(**overrides)


def _stamp_annotation(package: DataPackage) -> list[dict]:
    stamp = demo_stamp(package)
    if not stamp:
        return []
    return [{"text": stamp, "xref": "paper", "yref": "paper", "x": 0, "y": 1, "xanchor": "left", "yanchor": "top",
             "showarrow": False, "font": {"size": 12, "color": "#5c4400"}, "bgcolor": "#fff3cd", "borderpad": 3}]


def short_labels(labels: list[str]) -> list[str]:
    """Legend text that fits beside a map on a phone: "8,4 bis unter 20,6 %" -> "8,4 – 20,6"
    (the unit is the colour bar's title; the exact bounds are in the hover and the table)."""
    out = []
    for label in labels:
        parts = label.replace(" bis unter ", " bis ").split(" bis ")
        text = " – ".join(p.split(" ")[0] for p in parts) if len(parts) == 2 else label.split(" ")[0]
        out.append(text)
    return out


def class_map(package: DataPackage, indicator_id: str, table: pd.DataFrame, level: str, edges: np.ndarray,
              classes: np.ndarray, colors: list[str], labels: list[str], height: int = 520,
              extra_traces=()) -> dict:
    """Traces: 0 classes, 1 suppressed, 2 missing, 3 highlight outline, 4 highlight labels,
    then `extra_traces` (e.g. the Sozialindex layer)."""
    geojson = geojson_url(package, level)
    shown = table["value"].notna().to_numpy()
    values = table[shown]
    texts = queries.format_values(package, indicator_id, values["value"].tolist())
    n = max(len(colors), 1)
    class_names = [labels[c] if 0 <= c < len(labels) else "" for c in classes[shown]]
    traces = [{
        "type": "choropleth", "geojson": geojson, "featureidkey": "id",
        "locations": values["area_id"].tolist(), "z": [int(c) for c in classes[shown]],
        "zmin": -0.5, "zmax": n - 0.5, "colorscale": stepped_scale(colors or ["#999999"]),
        "customdata": _columns(values["area_id"], values["name"], texts, class_names),
        "hovertemplate": "<b>%{customdata[1]}</b><br>%{customdata[2]}<br>Klasse: %{customdata[3]}<extra></extra>",
        "marker": {"line": {"color": "white", "width": 0.8}},
        "colorbar": {"title": {"text": str(package.indicators.at[indicator_id, "unit"]), "side": "top"},
                     "tickvals": list(range(len(labels))), "ticktext": short_labels(labels),
                     "thickness": 14, "len": 0.85,
                     "x": 1.0, "xanchor": "left"},
        "showscale": bool(len(labels)), "name": "Klassen", "showlegend": False,
    }]
    for flag, fill, name, text in ((True, SUPPRESSED_FILL, f"{fmt.SUPPRESSED} geheimgehalten",
                                    "geheimgehalten (zu kleine Fallzahl)"),
                                   (False, MISSING_FILL, f"{fmt.MISSING} keine Angabe", "keine Angabe")):
        rows = table[table["value"].isna() & (table["suppressed"] == flag)]
        traces.append({
            "type": "choropleth", "geojson": geojson, "featureidkey": "id",
            "locations": rows["area_id"].tolist(), "z": [0] * len(rows),
            "colorscale": [[0, fill], [1, fill]], "showscale": False,
            "customdata": _columns(rows["area_id"], rows["name"], [text] * len(rows)),
            "hovertemplate": "<b>%{customdata[1]}</b><br>%{customdata[2]}<extra></extra>",
            "marker": {"line": {"color": "#495057", "width": 1}}, "name": name, "showlegend": len(rows) > 0,
        })
    traces.append({
        "type": "choropleth", "geojson": geojson, "featureidkey": "id",
        "locations": [], "z": [], "showscale": False, "colorscale": [[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
        "marker": {"line": {"color": HIGHLIGHT, "width": 3}}, "hoverinfo": "skip", "name": "markiert",
        "showlegend": False,
    })
    traces.append({"type": "scattergeo", "lat": [], "lon": [], "text": [], "mode": "markers+text",
                   "textposition": "top center", "marker": {"size": 7, "color": HIGHLIGHT, "symbol": "diamond"},
                   "textfont": {"size": 13, "color": HIGHLIGHT}, "hoverinfo": "skip", "name": "markiert",
                   "showlegend": False})
    traces.extend(extra_traces)
    layout = _layout(height=height, dragmode=False, clickmode="event",
                     legend={"orientation": "h", "yanchor": "top", "y": 0, "x": 0},
                     geo={"bgcolor": "white", "fitbounds": "locations", "visible": False,
                          "projection": {"type": "mercator"}},
                     uirevision=level, annotations=_stamp_annotation(package))
    return {"data": traces, "layout": layout}


INDEX_SYMBOLS = ["circle", "square", "diamond", "triangle-up", "star", "hexagon"]


def index_layer(package: DataPackage, classes: pd.DataFrame, area_ids) -> list[dict]:
    """Sozialindex classes as symbols at the area centres, one trace (and legend entry) per
    class, so the class reads from shape and name, not colour. `classes`: the engine's
    result frame (index area_id; class, class_index, excluded)."""
    shown = classes[~classes["excluded"] & classes.index.isin(list(area_ids))]
    areas = package.areas
    traces = []
    for (index, label), group in shown.groupby(["class_index", "class"], sort=True):
        ids = list(group.index)
        traces.append({
            "type": "scattergeo", "lat": areas.loc[ids, "lat"].tolist(), "lon": areas.loc[ids, "lon"].tolist(),
            "mode": "markers", "name": f"Sozialindex: {label}",
            # white with a black rim: visible on light and dark class colours alike
            "marker": {"symbol": INDEX_SYMBOLS[int(index) % len(INDEX_SYMBOLS)], "size": 9 + 2 * int(index),
                       "color": "#ffffff", "line": {"width": 1.5, "color": "#000000"}},
            "customdata": _columns(ids, group["name"], [label] * len(ids)),
            "hovertemplate": "<b>%{customdata[1]}</b><br>Sozialindex: %{customdata[2]}<extra></extra>",
            "showlegend": True,
        })
    return traces


def map_highlight(package: DataPackage, level: str, selected: list[str]) -> dict:
    """Patch values for traces 3 and 4 of `class_map` (trace 3 carries only the marked polygons)."""
    areas = package.areas.reindex(selected)
    return {"locations": list(selected), "z": [0] * len(selected),
            "lat": areas["lat"].tolist(), "lon": areas["lon"].tolist(), "text": areas["name"].tolist()}


# ---- ranking -------------------------------------------------------------------------------

def ranking_rows(table: pd.DataFrame, selected: list[str]) -> tuple[pd.DataFrame, bool]:
    """The rows the ranking draws: all, or top/bottom 40 plus the selection for big packages."""
    if len(table) <= RANKING_LIMIT:
        return table, False
    valued = table[table["value"].notna()]
    half = RANKING_LIMIT // 2
    keep = set(valued["area_id"].head(half)) | set(valued["area_id"].tail(half)) | set(selected)
    return table[table["area_id"].isin(keep)], True


def _reference_line(package: DataPackage, indicator_id: str, year: int) -> tuple[list, list]:
    """The city value as a dashed vertical line with its label (shapes, annotations)."""
    city, hidden = queries.city_value(package, indicator_id, year)
    if not np.isfinite(city):
        return [], []
    shape = {"type": "line", "xref": "x", "yref": "paper", "x0": city, "x1": city, "y0": 0, "y1": 1,
             "line": {"color": "#212529", "width": 2, "dash": "dash"}}
    note = {"x": city, "y": 1, "xref": "x", "yref": "paper", "yanchor": "bottom", "showarrow": False,
            "text": f"Stadt {queries.format_value(package, indicator_id, city, hidden)}", "font": {"size": 12}}
    return [shape], [note]


def _rank_labels(rows: pd.DataFrame) -> list[str]:
    return [f"{r} {n}" if pd.notna(r) else n for r, n in zip(rows["rank"], rows["name"])]


def ranking(package: DataPackage, indicator_id: str, table: pd.DataFrame, year: int, classes: np.ndarray,
            colors: list[str], selected: list[str]) -> dict:
    """Horizontal bars, highest on top, in the map's class colours; the city value as a line.
    Areas without a value are listed at the bottom with "·" or "–". Trace 0 = bars."""
    rows, _ = ranking_rows(table, selected)
    class_of = dict(zip(table.index, classes))
    bar_colors = [colors[class_of[i]] if class_of[i] >= 0 and colors else SUPPRESSED_FILL for i in rows.index]
    fv = queries.formatter(package, indicator_id)
    texts = [fv(v, s) for v, s in zip(rows["value"], rows["suppressed"])]
    labels = _rank_labels(rows)
    shapes, notes = _reference_line(package, indicator_id, year)
    trace = {
        "type": "bar", "x": rows["value"].fillna(0).tolist(), "y": labels, "orientation": "h", "text": texts,
        "textposition": "outside", "cliponaxis": False,
        "marker": {"color": bar_colors, "line": _bar_lines(rows, selected)},
        "customdata": _columns(rows["area_id"], rows["name"], texts),
        "hovertemplate": "<b>%{customdata[1]}</b><br>%{customdata[2]}<extra></extra>", "name": "Gebiete",
    }
    layout = _layout(
        height=max(260, 22 * len(rows) + 70), bargap=0.25, showlegend=False, clickmode="event",
        margin={"l": 8, "r": 60, "t": 28, "b": 8}, shapes=shapes, annotations=notes,
        yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"size": 12},
               "ticktext": _ranking_ticks(rows, labels, selected), "tickvals": labels},
        xaxis={"title": {"text": str(package.indicators.at[indicator_id, "unit"])}, "automargin": True,
               "rangemode": "tozero", "separatethousands": True},
    )
    return {"data": [trace], "layout": layout}


def _bar_lines(rows: pd.DataFrame, selected: list[str]) -> dict:
    chosen = set(selected)
    return {"color": HIGHLIGHT, "width": [3 if a in chosen else 0 for a in rows["area_id"]]}


def _ranking_ticks(rows: pd.DataFrame, labels: list[str], selected: list[str]) -> list[str]:
    chosen = set(selected)
    return [f"<b>▶ {label}</b>" if a in chosen else label for a, label in zip(rows["area_id"], labels)]


def ranking_highlight(rows: pd.DataFrame, selected: list[str]) -> tuple[dict, list[str]]:
    return _bar_lines(rows, selected), _ranking_ticks(rows, _rank_labels(rows), selected)


# ---- distribution --------------------------------------------------------------------------

def distribution_positions(n: int) -> np.ndarray:
    """Vertical positions of the strip's points (row order of the valued areas)."""
    return _jitter(n)


def _jitter(n: int) -> np.ndarray:
    """Deterministic vertical spread of the strip (same picture on every reload)."""
    return (np.arange(n) * 0.618034 % 1.0 - 0.5) * 0.5


def distribution(package: DataPackage, indicator_id: str, table: pd.DataFrame, year: int) -> dict:
    """Box plus every area as a point. Traces: 0 box, 1 points, 2 markings (selected areas)."""
    valued = table[table["value"].notna()]
    texts = queries.format_values(package, indicator_id, valued["value"].tolist())
    values = valued["value"].tolist()
    shapes, notes = _reference_line(package, indicator_id, year)
    traces = [
        {"type": "box", "x": values, "y": [0] * len(values), "orientation": "h", "boxpoints": False,
         "fillcolor": "rgba(31,78,121,0.12)", "line": {"color": "#1f4e79"}, "hoverinfo": "skip",
         "name": "Verteilung", "width": 0.9},
        {"type": "scatter", "x": values, "y": _jitter(len(values)).tolist(), "mode": "markers",
         "marker": {"size": 9, "color": "rgba(31,78,121,0.55)", "line": {"color": "white", "width": 0.5}},
         "customdata": _columns(valued["area_id"], valued["name"], texts),
         "hovertemplate": "<b>%{customdata[1]}</b><br>%{customdata[2]}<extra></extra>", "name": "Gebiete"},
        {"type": "scatter", "x": [], "y": [], "text": [], "mode": "markers+text", "textposition": "top center",
         "marker": {"size": 14, "color": HIGHLIGHT, "symbol": "diamond"}, "textfont": {"size": 12},
         "hoverinfo": "skip", "name": "markiert"},
    ]
    layout = _layout(
        height=240, showlegend=False, clickmode="event", margin={"l": 8, "r": 8, "t": 28, "b": 8},
        shapes=shapes, annotations=notes,
        yaxis={"visible": False, "range": [-0.7, 0.7], "fixedrange": True},
        xaxis={"title": {"text": str(package.indicators.at[indicator_id, "unit"])}, "separatethousands": True,
               "automargin": True},
    )
    return {"data": traces, "layout": layout}


def distribution_highlight(table: pd.DataFrame, selected: list[str]) -> dict:
    valued = table[table["value"].notna()].reset_index(drop=True)
    jitter = _jitter(len(valued))
    rows = valued[valued["area_id"].isin(selected)]
    return {"x": rows["value"].tolist(), "y": [float(jitter[i]) for i in rows.index],
            "text": rows["name"].tolist()}


# ---- scatter -------------------------------------------------------------------------------

def scatter(package: DataPackage, frame: pd.DataFrame, x_indicator: str, y_indicator: str, year: int,
            brushed: list[str]) -> dict:
    """Bubbles sized by residents. Traces: 0 areas, 1 city, 2 markings. Box/lasso select filters."""
    both = frame.dropna(subset=["x", "y"]).reset_index(drop=True)
    meta_x, meta_y = package.indicators.loc[x_indicator], package.indicators.loc[y_indicator]
    x_texts = queries.format_values(package, x_indicator, both["x"].tolist())
    y_texts = queries.format_values(package, y_indicator, both["y"].tolist())
    people = [fmt.number(v) for v in both["population"]]
    sizes = both["population"].fillna(0)
    size_max = float(sizes.max()) if len(sizes) and sizes.max() > 0 else 1.0
    chosen = set(brushed)
    areas = {
        "type": "scatter", "x": both["x"].tolist(), "y": both["y"].tolist(), "mode": "markers",
        "marker": {"size": sizes.tolist(), "sizemode": "area", "sizemin": 4, "sizeref": 2.0 * size_max / 40 ** 2,
                   "color": "rgba(31,78,121,0.6)", "line": {"color": "white", "width": 0.8}},
        "selected": {"marker": {"opacity": 1}}, "unselected": {"marker": {"opacity": 0.25}},
        "customdata": _columns(both["area_id"], both["name"], x_texts, y_texts, people),
        "hovertemplate": (f"<b>%{{customdata[1]}}</b><br>{meta_x['short_name']}: %{{customdata[2]}}<br>"
                          f"{meta_y['short_name']}: %{{customdata[3]}}<br>Einwohner: %{{customdata[4]}}<extra></extra>"),
        "name": "Gebiete",
    }
    if chosen:
        areas["selectedpoints"] = [i for i, a in enumerate(both["area_id"]) if a in chosen]
    city_x, _ = queries.city_value(package, x_indicator, year)
    city_y, _ = queries.city_value(package, y_indicator, year)
    has_city = bool(np.isfinite(city_x) and np.isfinite(city_y))
    city = {"type": "scatter", "x": [city_x] if has_city else [], "y": [city_y] if has_city else [],
            "mode": "markers+text", "text": ["Stadt"], "textposition": "bottom right",
            "marker": {"symbol": "x-thin", "size": 14, "line": {"width": 3, "color": "#b35900"}},
            "hovertemplate": f"<b>Stadt {package.city}</b><extra></extra>", "name": "Stadt"}
    marks = {"type": "scatter", "x": [], "y": [], "text": [], "mode": "markers+text", "textposition": "top center",
             "marker": {"size": 12, "color": "rgba(0,0,0,0)", "symbol": "circle",
                        "line": {"color": HIGHLIGHT, "width": 3}},
             "textfont": {"size": 12}, "hoverinfo": "skip", "name": "markiert"}
    layout = _layout(
        height=440, showlegend=False, dragmode="select", clickmode="event+select",
        margin={"l": 8, "r": 8, "t": 8, "b": 8}, uirevision=f"{x_indicator}/{y_indicator}",
        xaxis={"title": {"text": f"{meta_x['short_name']} ({meta_x['unit']})"}, "automargin": True,
               "separatethousands": True, "zeroline": False},
        yaxis={"title": {"text": f"{meta_y['short_name']} ({meta_y['unit']})"}, "automargin": True,
               "separatethousands": True, "zeroline": False},
    )
    return {"data": [areas, city, marks], "layout": layout}


def scatter_highlight(frame: pd.DataFrame, selected: list[str]) -> dict:
    rows = frame.dropna(subset=["x", "y"])
    rows = rows[rows["area_id"].isin(selected)]
    return {"x": rows["x"].tolist(), "y": rows["y"].tolist(), "text": rows["name"].tolist()}
