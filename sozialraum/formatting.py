"""German number, date and change formatting (28,4 %, 213.880, 31.12.2024)."""

from __future__ import annotations

from datetime import date

import pandas as pd

SUPPRESSED = "·"   # Geheimhaltung: value withheld because the case count is too small
MISSING = "–"      # no value delivered
MINUS = "−"        # typographic minus for the UI (CSV keeps '-')

UNIT_SPACING = {"%": " %"}


def _missing(v: object) -> bool:
    """None, NaN, and pandas' NA (nullable integer columns) and NaT (empty date cells)."""
    return v is None or bool(pd.isna(v))


def number(value: float | None, decimals: int = 0, *, signed: bool = False) -> str:
    """`1234.5` -> `1.234,5`; None/NaN -> `–`."""
    if _missing(value):
        return MISSING
    text = f"{abs(value):,.{decimals}f}".replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")
    rounded_zero = float(f"{abs(value):.{decimals}f}") == 0
    if value < 0 and not rounded_zero:
        return MINUS + text
    if signed and not rounded_zero:
        return "+" + text
    return text


_GERMAN = str.maketrans({",": ".", ".": ","})


def value_list(values, decimals: int, unit: str | None = None) -> list[str]:
    """`value` for many numbers at once (a map of 5,000 areas): same text, a fraction of the time.
    Missing values give "–"; negative values the typographic minus."""
    suffix = f" {unit}" if unit else ""
    out = []
    for v in values:
        if v is None or v != v:  # NaN
            out.append(MISSING)
            continue
        text = f"{v:,.{decimals}f}".translate(_GERMAN)
        if text.startswith("-"):
            text = MINUS + text[1:] if text.strip("-0,.") else text[1:]
        out.append(text + suffix)
    return out


def with_unit(text: str, unit: str | None) -> str:
    if not unit or text in (MISSING, SUPPRESSED):
        return text
    return f"{text} {unit}"


def value(v: float | None, decimals: int, unit: str | None = None, *, suppressed: bool = False) -> str:
    if suppressed:
        return SUPPRESSED
    return with_unit(number(v, decimals), unit)


def change(delta: float | None, decimals: int, unit: str | None) -> str:
    """A difference: percentage points for per-cent values (`+1,2 Prozentpunkte`)."""
    if _missing(delta):
        return MISSING
    text = number(delta, decimals, signed=True)
    if unit == "%":
        return f"{text} Prozentpunkte"
    return with_unit(text, unit)


def day(d: date | None) -> str:
    return MISSING if _missing(d) else d.strftime("%d.%m.%Y")


def csv_number(v: float | None, decimals: int) -> str:
    """For German spreadsheet CSVs: decimal comma, no thousands separator."""
    if _missing(v):
        return ""
    return f"{v:.{decimals}f}".replace(".", ",")
