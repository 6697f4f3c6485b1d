"""Indicator picking and explaining, shared by the atlas pages."""

from __future__ import annotations

import unicodedata

from dash import html

from sozialraum import queries
from sozialraum.package import DataPackage
from sozialraum.schema import DIRECTION_LABELS, VALUE_TYPE_LABELS


def _fold(text: str) -> str:
    """Case- and accent-insensitive search key ("Ü" finds "ue" and "u")."""
    text = text.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def indicator_options(package: DataPackage, level: str, search: str | None = None,
                      keep: str | None = None) -> list[dict]:
    """Options of a native select, grouped by theme: each theme starts with a disabled
    heading option ("— Bildung —"). `search` matches name, short name, theme and definition;
    `keep` stays in the list even when it does not match (the current choice)."""
    ind = package.indicators
    needle = _fold(search or "").strip()
    options: list[dict] = []
    current_theme = None
    for indicator_id in queries.indicators_for_level(package, level):
        meta = ind.loc[indicator_id]
        haystack = _fold(" ".join(str(meta[c]) for c in ("name", "short_name", "theme", "definition")))
        if needle and needle not in haystack and indicator_id != keep:
            continue
        if meta["theme"] != current_theme:
            current_theme = meta["theme"]
            options.append({"label": f"— {current_theme} —", "value": f"thema:{current_theme}", "disabled": True})
        options.append({"label": f"{meta['name']} ({meta['unit']})", "value": indicator_id})
    return options


def reference_day(package: DataPackage, indicator_id: str, year: int) -> str:
    """"31.12." + 2024 -> "31.12.2024"."""
    day = str(package.indicators.at[indicator_id, "reference_date"] or "").strip()
    return f"{day}{year}" if day.endswith(".") else (day or str(year))


def indicator_panel(package: DataPackage, indicator_id: str, year: int) -> list:
    """Everything a reader needs to interpret the indicator, as a description list."""
    meta = package.indicators.loc[indicator_id]
    leitlinien = []
    for number in meta["leitlinien"] or ():
        key = int(number)
        if key in package.leitlinien.index:
            leitlinien.append(f"{key} – {package.leitlinien.at[key, 'title']}")
    facts = [
        ("Definition", str(meta["definition"])),
        ("Einheit", f"{meta['unit']} ({VALUE_TYPE_LABELS.get(str(meta['value_type']), meta['value_type'])})"),
    ]
    if meta["numerator"]:
        facts.append(("Zähler", str(meta["numerator"])))
    if meta["denominator"]:
        facts.append(("Nenner", str(meta["denominator"])))
    facts += [
        ("Richtung", DIRECTION_LABELS.get(str(meta["direction"]), str(meta["direction"]))),
        ("Stichtag", reference_day(package, indicator_id, year)),
        ("Quelle", str(meta["source"])),
    ]
    if meta["note"]:
        facts.append(("Fußnote", str(meta["note"])))
    if leitlinien:
        facts.append(("Leitlinien", "; ".join(leitlinien)))
    return [
        html.H2(str(meta["name"]), className="h5 mb-2", id="indikator-name"),
        html.Dl([item for label, text in facts for item in (html.Dt(label), html.Dd(text))],
                className="facts facts-compact mb-0"),
    ]
