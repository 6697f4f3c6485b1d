"""Figures of the Zeitvergleich page: lines (small multiples) and two areas side by side."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sozialraum import queries, trends
from sozialraum.package import DataPackage

from .charts import base_layout

# Plotly "Safe" (colour-blind safe, Paul Tol); every line also has its own marker symbol.
LINE_COLORS = ["#332288", "#CC6677", "#117733", "#AA4499", "#44AA99", "#999933", "#882255", "#88CCEE"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "triangle-down", "star", "hexagon", "cross"]
CITY_COLOR = "#212529"


def lines_figure(package: DataPackage, indicators: list[str], frames: dict[str, pd.DataFrame], mode: str,
                 base_year: int | None, highlighted: str | None) -> go.Figure:
    """One panel per indicator (shared years axis); the city as a dashed black line in each."""
    n = len(indicators)
    titles = [f"{package.indicators.at[i, 'short_name']} ({trends.mode_unit(package, i, mode, base_year)})"
              for i in indicators]
    figure = make_subplots(rows=n, cols=1, shared_xaxes=True, subplot_titles=titles, vertical_spacing=0.12 / max(n, 1))
    for row, indicator_id in enumerate(indicators, start=1):
        frame = frames[indicator_id]
        for position, (area_id, group) in enumerate(frame.groupby("area_id", sort=False)):
            is_city = area_id == package.city_id
            colour = CITY_COLOR if is_city else LINE_COLORS[(position - 1) % len(LINE_COLORS)]
            emphasised = highlighted is None or area_id == highlighted or is_city
            texts = [queries.format_value(package, indicator_id, v, h) for v, h in zip(group["value"], group["suppressed"])]
            shown_text = [f"{v:,.1f}".replace(",", "X").replace(".", ",").replace("X", ".") if np.isfinite(v) else "–"
                          for v in group["shown"]] if mode != "absolut" else texts
            figure.add_trace(go.Scatter(
                x=group["year"], y=group["shown"], mode="lines+markers", name=str(group["name"].iloc[0]),
                legendgroup=area_id, showlegend=row == 1,
                line={"color": colour, "width": 5 if area_id == highlighted else (3 if is_city else 2),
                      "dash": "dash" if is_city else "solid"},
                marker={"symbol": "x-thin" if is_city else SYMBOLS[(position - 1) % len(SYMBOLS)], "size": 8,
                        "line": {"width": 2, "color": colour}},
                opacity=1.0 if emphasised else 0.35,
                customdata=np.column_stack([[area_id] * len(group), group["name"], texts, shown_text]),
                hovertemplate="<b>%{customdata[1]}</b> %{x}<br>%{customdata[2]}"
                + ("<br>Darstellung: %{customdata[3]}" if mode != "absolut" else "") + "<extra></extra>",
                connectgaps=False,
            ), row=row, col=1)
        if mode == "index":
            figure.add_hline(y=100, line={"color": "#6c757d", "width": 1}, row=row, col=1)
        elif mode == "differenz":
            figure.add_hline(y=0, line={"color": "#6c757d", "width": 1}, row=row, col=1)
    figure.update_xaxes(dtick=1 if len(package.years) <= 15 else 2, tickformat="d")
    figure.update_yaxes(separatethousands=True, automargin=True)
    figure.update_layout(**base_layout(
        height=200 + 230 * n, margin={"l": 8, "r": 8, "t": 40, "b": 8}, hovermode="closest",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02 + 0.02 * n, "x": 0},
    ))
    return figure


def pair_figure(package: DataPackage, frame: pd.DataFrame, name_a: str, name_b: str) -> go.Figure:
    """Grouped bars per indicator relative to the city (= 100), real values as labels."""
    figure = go.Figure()
    labels = [f"{n} ({y})" for n, y in zip(frame["name"], frame["year"])]
    for key, name, colour, pattern in (("a", name_a, "#332288", ""), ("b", name_b, "#CC6677", "/")):
        texts = [queries.format_value(package, i, v, h)
                 for i, v, h in zip(frame["indicator_id"], frame[f"value_{key}"], frame[f"suppressed_{key}"])]
        figure.add_trace(go.Bar(
            y=labels, x=frame[f"relative_{key}"].fillna(0), orientation="h", name=name, text=texts,
            textposition="outside", cliponaxis=False,
            marker={"color": colour, "pattern": {"shape": pattern, "fgcolor": "white"}},
            customdata=np.column_stack([frame["indicator_id"], texts]),
            hovertemplate=f"<b>{name}</b><br>%{{y}}: %{{customdata[1]}}<extra></extra>",
        ))
    figure.add_vline(x=100, line={"color": CITY_COLOR, "width": 2, "dash": "dash"})
    figure.add_annotation(x=100, y=1, yref="paper", yanchor="bottom", showarrow=False, text="Stadt = 100",
                          font={"size": 12})
    figure.update_layout(**base_layout(
        barmode="group", height=140 + 70 * len(frame), margin={"l": 8, "r": 70, "t": 28, "b": 8},
        yaxis={"autorange": "reversed", "automargin": True},
        xaxis={"title": {"text": "Wert im Verhältnis zum Stadtwert (Stadt = 100)"}, "rangemode": "tozero"},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
    ))
    return figure
