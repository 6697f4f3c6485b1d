"""Placeholder module, filled in this session (issue 6)."""

from __future__ import annotations


def register(server) -> None:
    """Adds this module's routes to the Flask server (none yet)."""
