""""Zur Präsentation hinzufügen": collecting views of the app into a presentation deck (issue 6).

`add_to_deck_control()` is placed by the shell on every page, next to the page content."""

from __future__ import annotations


def add_to_deck_control():
    """The control the shell shows on every view (None until the deck builder lands)."""
    return None
