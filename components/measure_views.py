"""Figures, tables and finding sentences of the /massnahmen page (plain-dict plotly figures).

Colour is never the only signal: statuses also differ by bar pattern and are named in the
legend, hover and table; overdue bars carry a hatch and the word "überfällig"; the selected
area is outlined and labelled.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import numpy as np
import pandas as pd
from dash import html

from sozialraum import formatting as fmt
from sozialraum import measure_analysis as ma
from sozialraum.package import DataPackage
from sozialraum.schema import MEASURE_STATUS_LABELS, MEASURE_STATUSES

from .atlas_views import short_labels
from .charts import area_cell, base_layout, data_table
from .maps import demo_stamp, geojson_url

# Okabe-Ito based, one colour and one bar pattern per status (readable without colour too).
STATUS_COLORS = {
    "geplant": "#BBBBBB", "in_vorbereitung": "#56B4E9", "in_umsetzung": "#0072B2", "umgesetzt": "#009E73",
    "verstetigt": "#004D40", "zurueckgestellt": "#E69F00", "abgebrochen": "#D55E00",
}
STATUS_PATTERNS = {
    "geplant": "", "in_vorbereitung": ".", "in_umsetzung": "/", "umgesetzt": "", "verstetigt": "x",
    "zurueckgestellt": "-", "abgebrochen": "\\",
}
HIGHLIGHT = "#000000"
GANTT_MAX_ROWS = 40


def _layout(**overrides) -> dict:
    return base_layout(**overrides)


def euro(value: float | None) -> str:
    return "–" if value is None or pd.isna(value) else f"{fmt.number(value, 0)} €"


def percent(value: float | None, decimals: int = 0) -> str:
    return "–" if value is None or pd.isna(value) else f"{fmt.number(value, decimals)} %"


def leitlinie_label(number: int) -> str:
    return f"Leitlinie {number}"


# ---- status by Leitlinie ------------------------------------------------------------------

def status_chart(table: pd.DataFrame, selected: tuple[int | None, str | None]) -> dict:
    """Horizontal stacked bars: one bar per Leitlinie, one segment per status.
    customdata = [Leitlinie, status key] so a click filters both."""
    leitlinie, status = selected
    ys = [leitlinie_label(int(n)) for n in table.index]
    traces = []
    for key in MEASURE_STATUSES:
        counts = table[key].astype(int).tolist()
        dim = [(leitlinie is not None and int(n) != leitlinie) or (status is not None and key != status)
               for n in table.index]
        traces.append({
            "type": "bar", "orientation": "h", "name": MEASURE_STATUS_LABELS[key], "y": ys, "x": counts,
            "customdata": [[int(n), key] for n in table.index],
            "text": [str(c) if c else "" for c in counts], "textposition": "inside", "insidetextanchor": "middle",
            "marker": {"color": STATUS_COLORS[key], "opacity": [0.35 if d else 1 for d in dim],
                       "pattern": {"shape": STATUS_PATTERNS[key], "fgcolor": "#ffffff", "size": 7,
                                   "fillmode": "overlay"},
                       "line": {"color": "#ffffff", "width": 1}},
            "hovertemplate": f"%{{y}}<br>{MEASURE_STATUS_LABELS[key]}: %{{x}} Maßnahmen<extra></extra>",
        })
    layout = _layout(barmode="stack", height=400, clickmode="event", dragmode=False,
                     margin={"l": 8, "r": 8, "t": 70, "b": 48},
                     xaxis={"title": {"text": "Zahl der Maßnahmen"}, "gridcolor": "#e9ecef", "fixedrange": True},
                     yaxis={"autorange": "reversed", "fixedrange": True, "automargin": True},
                     legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "traceorder": "normal"})
    return {"data": traces, "layout": layout}


def status_table(table: pd.DataFrame) -> html.Div:
    header = ["Leitlinie", *[MEASURE_STATUS_LABELS[k] for k in MEASURE_STATUSES], "zusammen"]
    rows = [[leitlinie_label(int(n)), *[str(int(table.at[n, k])) for k in MEASURE_STATUSES],
             str(int(table.loc[n].sum()))] for n in table.index]
    return data_table(header, rows, "Maßnahmen nach Leitlinie und Status (eine Maßnahme zählt für jede ihrer "
                      "Leitlinien)", numeric=[False] + [True] * (len(header) - 1))


def status_finding(frame: pd.DataFrame, table: pd.DataFrame) -> str:
    n = len(frame)
    if n == 0:
        return "Keine Maßnahme erfüllt die Filter."
    done = int(frame["status"].isin(ma.DONE_STATUSES).sum())
    running = int((frame["status"] == "in_umsetzung").sum())
    totals = table.sum(axis=1)
    top = int(totals.idxmax())
    return (f"Von {n} Maßnahmen sind {done} umgesetzt oder verstetigt ({percent(100 * done / n)}) und "
            f"{running} in Umsetzung. Die meisten dienen Leitlinie {top} ({int(totals.max())}).")


# ---- timeline (Gantt) ---------------------------------------------------------------------

def _short(text: str, n: int = 38) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def gantt(rows: pd.DataFrame, today: date) -> dict:
    """One bar per measure from start to (actual, else planned) end; a 'heute' line; overdue
    bars hatched and named. Measures without an end run to today (shown as open)."""
    rows = rows.head(GANTT_MAX_ROWS)
    today_ts = pd.Timestamp(today)
    end = rows["end"].where(rows["end"].notna(), today_ts)
    start = pd.to_datetime(rows["start"])
    duration = ((pd.to_datetime(end) - start).dt.total_seconds() * 1000).clip(lower=86_400_000)
    labels = [f"{m} {_short(t, 26)}" for m, t in zip(rows["measure_id"], rows["title"])]
    traces = []
    for overdue in (False, True):
        mask = (rows["overdue"] == overdue).to_numpy()
        if not mask.any() and overdue:
            continue
        statuses = rows["status"][mask].tolist()
        traces.append({
            "type": "bar", "orientation": "h", "name": "überfällig" if overdue else "im Plan oder abgeschlossen",
            "y": [lab for lab, m in zip(labels, mask) if m],
            "x": duration[mask].tolist(),
            "base": [d.strftime("%Y-%m-%d") for d in start[mask]],
            "customdata": [[mid, MEASURE_STATUS_LABELS.get(s, s), f"{b:%d.%m.%Y}",
                            "offen" if pd.isna(e) else f"{e:%d.%m.%Y}"]
                           for mid, s, b, e in zip(rows["measure_id"][mask], statuses, start[mask],
                                                   rows["end"][mask])],
            # Overdue: one colour with a hatch and a black outline (a pattern over per-bar colours
            # makes plotly.js warn per bar and slows the first draw).
            "marker": ({"color": "#D55E00", "pattern": {"shape": "x", "fgcolor": "#000000", "size": 6,
                                                         "fillmode": "overlay"},
                        "line": {"color": "#000000", "width": 1.5}} if overdue else
                       {"color": [STATUS_COLORS.get(s, "#888888") for s in statuses],
                        "line": {"color": "#ffffff", "width": 0.5}}),
            "text": ["überfällig" if overdue else "" for _ in statuses], "textposition": "inside",
            "hovertemplate": "<b>%{y}</b><br>%{customdata[1]}<br>%{customdata[2]} bis %{customdata[3]}"
                             + ("<br><b>überfällig</b>" if overdue else "") + "<extra></extra>",
        })
    height = max(260, 26 * len(rows) + 110)
    first = start.min() if len(rows) else today_ts
    last = max(pd.to_datetime(end).max() if len(rows) else today_ts, today_ts)
    pad = pd.Timedelta(days=120)
    layout = _layout(
        height=height, barmode="overlay", clickmode="event", dragmode=False,
        margin={"l": 8, "r": 8, "t": 50, "b": 8},   # room for the year ticks and, above them, "heute"
        xaxis={"type": "date", "gridcolor": "#e9ecef", "tickformat": "%Y", "side": "top",
               "range": [(first - pad).strftime("%Y-%m-%d"), (last + pad).strftime("%Y-%m-%d")]},
        yaxis={"autorange": "reversed", "automargin": True, "fixedrange": True, "type": "category",
               "categoryorder": "array", "categoryarray": labels},
        legend={"orientation": "h", "y": 0, "yanchor": "top", "x": 0},
        shapes=[{"type": "line", "xref": "x", "yref": "paper", "x0": today_ts.strftime("%Y-%m-%d"),
                 "x1": today_ts.strftime("%Y-%m-%d"), "y0": 0, "y1": 1,
                 "line": {"color": "#000000", "width": 2, "dash": "dash"}}],
        annotations=[{"xref": "x", "yref": "paper", "x": today_ts.strftime("%Y-%m-%d"), "y": 1, "yanchor": "bottom", "yshift": 22, "xanchor": "right",
                      "text": f"heute ({today:%d.%m.%Y})", "showarrow": False, "font": {"size": 12}}],
    )
    return {"data": traces, "layout": layout}


def gantt_table(rows: pd.DataFrame) -> html.Div:
    header = ["Maßnahme", "Status", "Beginn", "Ende", "überfällig"]
    body = [[f"{m} {t}", MEASURE_STATUS_LABELS.get(s, s), fmt.day(b.date()),
             "offen" if pd.isna(e) else fmt.day(e.date()), "ja" if o else "nein"]
            for m, t, s, b, e, o in zip(rows["measure_id"], rows["title"], rows["status"], rows["start"],
                                        rows["end"], rows["overdue"])]
    return data_table(header, body, "Zeitplan der Maßnahmen (Ende: tatsächlich, sonst geplant)")


def gantt_finding(timeline: ma.Timeline, today: date) -> str:
    rows = timeline.frame
    if rows.empty:
        return "Keine Maßnahme mit Beginn erfüllt die Filter."
    overdue = int(rows["overdue"].sum())
    text = (f"{len(rows)} Maßnahmen im Zeitplan; {overdue} davon überfällig (geplantes Ende vor dem "
            f"{today:%d.%m.%Y} überschritten, nicht abgeschlossen).")
    if len(rows) > GANTT_MAX_ROWS:
        text += f" Die Grafik zeigt die ersten {GANTT_MAX_ROWS}; die Tabelle und die CSV-Datei zeigen alle."
    if timeline.without_start:
        text += f" {timeline.without_start} ohne Beginn sind nicht dargestellt."
    return text


# ---- map of measures per area ------------------------------------------------------------

def measures_map(package: DataPackage, counts: pd.DataFrame, level: str, selected: str | None) -> dict:
    geojson = geojson_url(package, level)
    top = max(int(counts["measures"].max()), 1) if len(counts) else 1
    traces = [{
        "type": "choropleth", "geojson": geojson, "featureidkey": "id",
        "locations": counts["area_id"].tolist(), "z": counts["measures"].astype(int).tolist(),
        "zmin": 0, "zmax": top, "colorscale": "Blues", "reversescale": True,
        "customdata": [[a, n, str(c)] for a, n, c in zip(counts["area_id"], counts["name"], counts["measures"])],
        "hovertemplate": "<b>%{customdata[1]}</b><br>%{customdata[2]} Maßnahmen<extra></extra>",
        "marker": {"line": {"color": "#6c757d", "width": 0.6}},
        "colorbar": {"title": {"text": "Maßnahmen", "side": "top"}, "thickness": 14, "len": 0.85},
        "name": "Maßnahmen je Gebiet", "showlegend": False,
    }]
    chosen = counts[counts["area_id"] == selected]
    traces.append({
        "type": "choropleth", "geojson": geojson, "featureidkey": "id",
        "locations": chosen["area_id"].tolist(), "z": [0] * len(chosen), "showscale": False,
        "colorscale": [[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
        "marker": {"line": {"color": HIGHLIGHT, "width": 3}}, "hoverinfo": "skip", "name": "gewählt",
        "showlegend": False,
    })
    stamp = demo_stamp(package)
    layout = _layout(height=460, dragmode=False, clickmode="event",
                     geo={"bgcolor": "white", "fitbounds": "locations", "visible": False,
                          "projection": {"type": "mercator"}},
                     uirevision=level,
                     annotations=[{"text": stamp, "xref": "paper", "yref": "paper", "x": 0, "y": 0,
                                   "showarrow": False, "font": {"size": 11, "color": "#495057"}}] if stamp else [])
    return {"data": traces, "layout": layout}


def map_table(counts: pd.DataFrame, slugs: Mapping[str, str] | None = None) -> html.Div:
    """With `slugs` (area id -> slug) the names link to the areas' profiles."""
    slugs = slugs if slugs is not None else {}
    rows = [[area_cell(n, slugs.get(a)), str(int(c))]
            for a, n, c in zip(counts["area_id"], counts["name"], counts["measures"])]
    return data_table(["Ortsteil", "Maßnahmen"], rows, "Maßnahmen je Ortsteil (ohne gesamtstädtische)",
                      numeric=[False, True])


def map_finding(counts: pd.DataFrame, citywide: int) -> str:
    if counts.empty or int(counts["measures"].sum()) == 0:
        return f"Keine gebietsbezogene Maßnahme erfüllt die Filter; {citywide} gesamtstädtische."
    top = counts.sort_values(["measures", "name"], ascending=[False, True]).iloc[0]
    none = int((counts["measures"] == 0).sum())
    return (f"Die meisten Maßnahmen laufen in {top['name']} ({int(top['measures'])}). {none} von {len(counts)} "
            f"Ortsteilen haben keine; {citywide} Maßnahmen sind gesamtstädtisch (unter der Karte aufgeführt).")


# ---- need vs. action ----------------------------------------------------------------------

def _need_axis(table: pd.DataFrame, categories: list[str] | None) -> tuple[list[float], dict]:
    if categories:
        order = table["need_order"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        rng = np.random.default_rng(7)   # fixed jitter: points of one class side by side, stable
        xs = order + rng.uniform(-0.2, 0.2, len(order))
        axis = {"tickvals": list(range(1, len(categories) + 1)), "ticktext": short_labels(categories),
                "range": [0.5, len(categories) + 0.5]}
        return xs.tolist(), axis
    return pd.to_numeric(table["need"], errors="coerce").tolist(), {}


def need_categories(need: pd.Series) -> list[str] | None:
    """The class labels in order when the need is a Sozialindex class, else None (a number)."""
    return [str(c) for c in need.cat.categories] if isinstance(need.dtype, pd.CategoricalDtype) else None


def need_chart(table: pd.DataFrame, need_label: str, selected: str | None, categories: list[str] | None) -> dict:
    shown = table[table["need_order"].notna()].reset_index(drop=True)
    xs, axis = _need_axis(shown, categories)
    chosen = (shown["area_id"] == selected).to_numpy()
    traces = [{
        "type": "scatter", "mode": "markers", "name": "Ortsteil", "x": xs, "y": shown["measures"].tolist(),
        "customdata": [[a, n, str(v), int(m), int(act)] for a, n, v, m, act in
                       zip(shown["area_id"], shown["name"], shown["need"], shown["measures"],
                           shown["active_measures"])],
        "marker": {"size": 11, "color": "#0072B2", "opacity": 0.8, "line": {"color": "white", "width": 1}},
        "hovertemplate": "<b>%{customdata[1]}</b><br>%{customdata[2]}<br>%{customdata[3]} Maßnahmen, davon "
                         "%{customdata[4]} laufend oder geplant<extra></extra>",
    }, {
        "type": "scatter", "mode": "markers+text", "name": "gewählt", "showlegend": False,
        "x": [x for x, c in zip(xs, chosen) if c], "y": shown["measures"][chosen].tolist(),
        "text": shown["name"][chosen].tolist(), "textposition": "top center",
        "marker": {"size": 15, "color": HIGHLIGHT, "symbol": "diamond"}, "hoverinfo": "skip",
    }]
    layout = _layout(height=380, clickmode="event", dragmode=False, showlegend=False,
                     margin={"l": 8, "r": 8, "t": 8, "b": 8},
                     xaxis={"title": {"text": need_label}, "gridcolor": "#e9ecef", "fixedrange": True,
                            "zeroline": False, "automargin": True, **axis},
                     yaxis={"title": {"text": "Zahl der Maßnahmen"}, "gridcolor": "#e9ecef", "fixedrange": True,
                            "rangemode": "tozero"})
    return {"data": traces, "layout": layout}


def need_table(table: pd.DataFrame, need_label: str, slugs: Mapping[str, str] | None = None) -> html.Div:
    """With `slugs` (area id -> slug) the names link to the areas' profiles."""
    slugs = slugs if slugs is not None else {}
    ordered = table.sort_values(["need_order", "measures"], ascending=[False, False], na_position="last")
    rows = [[area_cell(n, slugs.get(i)), "–" if v is None else str(v), str(int(m)), str(int(a))]
            for i, n, v, m, a in zip(ordered["area_id"], ordered["name"], ordered["need"], ordered["measures"],
                                     ordered["active_measures"])]
    return data_table(["Ortsteil", need_label, "Maßnahmen", "davon laufend oder geplant"], rows,
                      f"Handlungsbedarf ({need_label}) und Maßnahmen je Ortsteil", numeric=[False, False, True, True])


def need_finding(table: pd.DataFrame) -> str:
    shown = table[table["need_order"].notna()]
    if shown.empty:
        return "Für keinen Ortsteil liegt ein Bedarfswert vor."
    if shown["need"].map(lambda v: isinstance(v, str)).any():
        means = shown.groupby("need_order").agg(need=("need", "first"), mean=("measures", "mean"))
        high, low = means.iloc[-1], means.iloc[0]
        return (f"Ortsteile mit {high['need']} haben im Mittel {fmt.number(high['mean'], 1)} Maßnahmen, "
                f"Ortsteile mit {low['need']} {fmt.number(low['mean'], 1)}.")
    corr = shown["need_order"].astype(float).corr(shown["measures"].astype(float))
    return f"Zusammenhang zwischen Bedarf und Zahl der Maßnahmen: r = {fmt.number(corr, 2)}."
