"""Pieces every explorer page (atlas, Zeitvergleich, Sozialindex) shares: the control panel
that folds away on a phone, and reading the area out of a plotly click."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import ClientsideFunction, Input, Output, State, clientside_callback, html


def collapsible_controls(prefix: str, content, label: str = "Filter und Einstellungen") -> list:
    """A toggle button (shown below the lg breakpoint, with aria-expanded) and the panel it
    folds; on wide screens the panel is always open (CSS `.controls-collapse`). Call
    `register_controls_toggle(prefix)` once in the page module."""
    return [
        html.Button(label, id=f"{prefix}-steuerung-knopf", type="button", n_clicks=0,
                    className="btn btn-outline-primary d-lg-none mb-2 w-100",
                    **{"aria-controls": f"{prefix}-steuerung", "aria-expanded": "false"}),
        dbc.Collapse(content, id=f"{prefix}-steuerung", is_open=False, className="controls-collapse"),
    ]


def register_controls_toggle(prefix: str) -> None:
    """Open/close the panel in the browser (pure UI, no server round trip)."""
    clientside_callback(
        ClientsideFunction(namespace="atlas", function_name="toggleControls"),
        Output(f"{prefix}-steuerung", "is_open"),
        Output(f"{prefix}-steuerung-knopf", "aria-expanded"),
        Input(f"{prefix}-steuerung-knopf", "n_clicks"),
        State(f"{prefix}-steuerung", "is_open"),
        prevent_initial_call=True,
    )


def clicked_area(click: dict | None) -> str | None:
    """The area id of a plotly click: every trace that can be clicked carries it as the first
    customdata entry (maps: the location as a fallback)."""
    try:
        point = click["points"][0]
    except (TypeError, KeyError, IndexError):
        return None
    data = point.get("customdata")
    if isinstance(data, list) and data:
        return str(data[0])
    return str(point["location"]) if point.get("location") is not None else None
