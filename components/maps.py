"""Choropleth maps of areas that work offline (Plotly geo with the package's own polygons)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from sozialraum import queries
from sozialraum.formatting import MISSING, SUPPRESSED
from sozialraum.package import DataPackage

from .charts import base_layout

NO_VALUE_COLOR = "#d9d9d9"
# Colour-blind-safe sequential scale; darker always means "more need" (direction-aware).
NEED_SCALE = "cividis_r"
LESS_NEED_SCALE = "cividis"


def geojson_url(package: DataPackage, level: str) -> str:
    """The level's polygons as a URL instead of inline JSON: plotly.js fetches a geojson URL
    once and keeps it (window.PlotlyGeoAssets), so figures stay small and a year change or a
    marking never resends the polygons. `v` changes with the data edition (browser cache)."""
    return f"/geo/{level}.json?v={package.fingerprint}"


def demo_stamp(package: DataPackage) -> str:
    """"Beispieldaten · schematische Karte" where that applies, for the map itself (and its PNG)."""
    return " · ".join(text for flag, text in ((package.is_demo, "Beispieldaten"),
                                              (package.meta.get("schematic_map"), "schematische Karte")) if flag)


def colorscale_for(direction: str) -> str:
    return LESS_NEED_SCALE if direction == "need_lower" else NEED_SCALE


def choropleth(package: DataPackage, indicator_id: str, table: pd.DataFrame, level: str,
               height: int = 520) -> go.Figure:
    """Areas coloured by value; suppressed (·) and missing (–) areas grey, named in hover and legend."""
    meta = package.indicators.loc[indicator_id]
    shown = table[table["value"].notna()]
    empty = table[table["value"].isna()]
    texts = [queries.format_value(package, indicator_id, v) for v in shown["value"]]
    figure = go.Figure()
    figure.add_trace(go.Choropleth(
        geojson=geojson_url(package, level), featureidkey="id", locations=shown["area_id"],
        z=shown["value"],
        customdata=list(zip(shown["name"], texts)),
        hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>",
        colorscale=colorscale_for(str(meta["direction"])),
        marker={"line": {"color": "white", "width": 0.8}},
        colorbar={"title": {"text": str(meta["unit"]), "side": "top"}, "thickness": 14, "len": 0.8,
                  "separatethousands": True},
        name=str(meta["short_name"]), showlegend=False,
    ))
    if not empty.empty:
        labels = [f"{SUPPRESSED} geheimgehalten (zu kleine Fallzahl)" if s else f"{MISSING} keine Angabe"
                  for s in empty["suppressed"]]
        figure.add_trace(go.Choropleth(
            geojson=geojson_url(package, level), featureidkey="id", locations=empty["area_id"],
            z=[0] * len(empty),
            customdata=list(zip(empty["name"], labels)),
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>",
            colorscale=[[0, NO_VALUE_COLOR], [1, NO_VALUE_COLOR]], showscale=False,
            marker={"line": {"color": "#6c757d", "width": 1.2}},
            name="kein Wert (· oder –)", showlegend=True,
        ))
    stamp = demo_stamp(package)
    if stamp:  # part of the figure, so an exported PNG carries it too
        figure.add_annotation(text=stamp, xref="paper", yref="paper", x=0, y=1, xanchor="left",
                              yanchor="top", showarrow=False, font={"size": 12, "color": "#5c4400"},
                              bgcolor="#fff3cd", borderpad=3)
    figure.update_geos(fitbounds="locations", visible=False, projection_type="mercator")
    figure.update_layout(**base_layout(
        height=height, dragmode=False,
        legend={"orientation": "h", "yanchor": "top", "y": 0, "x": 0},
        geo={"bgcolor": "white"},
    ))
    return figure
