"""Reusable UI pieces: functions that return Dash layouts and plotly figures."""
