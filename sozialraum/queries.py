"""Read-only questions to a loaded package, shaped for charts, tables and downloads.

Every function returns data that is safe to show: confidential cells were emptied at load
time, and `suppressed` says where a "·" belongs. The same frame feeds the chart, its
"Daten als Tabelle" and its CSV download, so all three always agree.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import formatting as fmt
from .package import DataPackage
from .schema import LEVEL_LABELS


def indicator(package: DataPackage, indicator_id: str) -> pd.Series:
    return package.indicators.loc[indicator_id]


def decimals(package: DataPackage, indicator_id: str) -> int:
    value = package.indicators.at[indicator_id, "decimals"]
    return 1 if value is None or pd.isna(value) else int(value)


def indicators_for_level(package: DataPackage, level: str) -> list[str]:
    """Indicators that have at least one value (or suppressed cell) on `level`, catalogue order."""
    return [i for i in package.indicators.index if (i, level) in package.coverage]


def years_for(package: DataPackage, indicator_id: str, level: str | None = None) -> list[int]:
    if level:
        return list(package.coverage.get((indicator_id, level), []))
    years: set[int] = set()
    for lv in package.levels:
        years.update(package.coverage.get((indicator_id, lv), []))
    return sorted(years)


def values(package: DataPackage, indicator_id: str, year: int, level: str) -> pd.DataFrame:
    """One row per area of `level`: area_id, name, slug, parent, kind, value, suppressed, note,
    sorted by value (highest first, gaps last, ties by name). Areas without a delivered value
    are included with value NaN (shown as "–")."""
    out = package.area_frames[level].copy()
    rows = package.cell_rows(indicator_id, year, level)
    position = pd.Index(rows["area_id"].astype(str)).get_indexer(out["area_id"])
    found = position >= 0
    value = np.full(len(out), np.nan)
    value[found] = rows["value"].to_numpy(dtype="float64", na_value=np.nan)[position[found]]
    suppressed = np.zeros(len(out), dtype=bool)
    suppressed[found] = rows["suppressed"].to_numpy(dtype=bool)[position[found]]
    note = np.full(len(out), None, dtype=object)
    note[found] = rows["note"].to_numpy(dtype=object)[position[found]]
    out["value"], out["suppressed"], out["note"] = value, suppressed, note
    return out.sort_values(["value", "name"], ascending=[False, True], na_position="last", ignore_index=True)


def city_value(package: DataPackage, indicator_id: str, year: int) -> tuple[float, bool]:
    """(value, suppressed) of the whole city."""
    return package.city_cells.get((indicator_id, int(year)), (float("nan"), False))


def series(package: DataPackage, indicator_id: str, area_id: str) -> pd.DataFrame:
    """year, value, suppressed for one area over all years."""
    obs = package.observations
    rows = obs[(obs["indicator_id"] == indicator_id) & (obs["area_id"] == area_id)]
    return rows[["year", "value", "suppressed"]].sort_values("year", ignore_index=True)


def formatter(package: DataPackage, indicator_id: str):
    """A function (value, suppressed=False) -> "28,4 %" for one indicator: looks the unit and
    decimals up once, for charts that format hundreds of values."""
    unit = package.indicators.at[indicator_id, "unit"]
    places = decimals(package, indicator_id)

    def format_one(value: float, suppressed: bool = False) -> str:
        return fmt.value(value, places, unit, suppressed=suppressed)
    return format_one


def format_values(package: DataPackage, indicator_id: str, values) -> list[str]:
    """Many values of one indicator (no suppressed cells among them), e.g. every area of a map."""
    return fmt.value_list(values, decimals(package, indicator_id), package.indicators.at[indicator_id, "unit"])


def format_value(package: DataPackage, indicator_id: str, value: float, suppressed: bool = False) -> str:
    unit = package.indicators.at[indicator_id, "unit"]
    return fmt.value(value, decimals(package, indicator_id), unit, suppressed=suppressed)


def finding(package: DataPackage, indicator_id: str, year: int, level: str) -> str:
    """One sentence that states what the chart shows, e.g.
    "Höchster Wert: Rieth 28,4 %, niedrigster: Alach 2,1 %; Stadt 9,1 % (2024)."."""
    table = values(package, indicator_id, year, level)
    shown = table[table["value"].notna()]
    name = package.indicators.at[indicator_id, "name"]
    city, city_hidden = city_value(package, indicator_id, year)
    city_text = f"Stadt {format_value(package, indicator_id, city, city_hidden)}"
    if shown.empty:
        return f"Für „{name}“ liegen {year} keine Werte auf der Ebene {LEVEL_LABELS[level]} vor."
    top, low = shown.iloc[0], shown.iloc[-1]
    parts = [f"Höchster Wert: {top['name']} {format_value(package, indicator_id, top['value'])}",
             f"niedrigster: {low['name']} {format_value(package, indicator_id, low['value'])}"]
    sentence = ", ".join(parts) + f"; {city_text} ({year})."
    hidden = int(table["suppressed"].sum())
    missing = int((table["value"].isna() & ~table["suppressed"]).sum())
    extra = []
    if hidden:
        extra.append(f"{hidden} {'Wert' if hidden == 1 else 'Werte'} geheimgehalten (·)")
    if missing:
        extra.append(f"{missing} ohne Angabe (–)")
    if extra:
        sentence += " " + " und ".join(extra) + "."
    return sentence


@dataclass(frozen=True)
class KeyFigure:
    indicator_id: str
    label: str
    unit: str
    year: int
    value: float
    suppressed: bool
    base_year: int | None
    base_value: float | None
    direction: str
    history: list[tuple[int, float]]

    @property
    def change(self) -> float | None:
        if self.base_value is None or np.isnan(self.value) or np.isnan(self.base_value):
            return None
        return self.value - self.base_value

    @property
    def trend_word(self) -> str:
        change = self.change
        if change is None:
            return "keine Vergleichswerte"
        if abs(change) < 1e-9:
            return "unverändert"
        return "gestiegen" if change > 0 else "gesunken"

    @property
    def assessment(self) -> str:
        """Whether the change is favourable, in words (colour is never the only signal)."""
        change = self.change
        if change is None or abs(change) < 1e-9 or self.direction == "neutral":
            return ""
        worse = (change > 0) == (self.direction == "need_higher")
        return "ungünstige Entwicklung" if worse else "günstige Entwicklung"


def key_indicator_ids(package: DataPackage) -> list[str]:
    """From meta.key_indicators if given, else the first city-level indicator of each theme."""
    wanted = [i for i in package.meta.get("key_indicators", []) if i in package.indicators.index]
    if wanted:
        return wanted
    present = set(indicators_for_level(package, "stadt"))
    seen: dict[str, str] = {}
    for ind, theme in package.indicators["theme"].items():
        if ind in present and theme not in seen:
            seen[theme] = ind
    return list(seen.values())[:8]


def key_figures(package: DataPackage, span: int = 5) -> list[KeyFigure]:
    out = []
    for ind in key_indicator_ids(package):
        hist = series(package, ind, package.city_id)
        hist = hist[hist["value"].notna()]
        if hist.empty:
            continue
        last = hist.iloc[-1]
        year = int(last["year"])
        base = hist[hist["year"] <= year - span]
        base_row = base.iloc[-1] if not base.empty else None
        meta = package.indicators.loc[ind]
        out.append(KeyFigure(
            indicator_id=ind, label=str(meta["short_name"]), unit=str(meta["unit"]), year=year,
            value=float(last["value"]), suppressed=False,
            base_year=int(base_row["year"]) if base_row is not None else None,
            base_value=float(base_row["value"]) if base_row is not None else None,
            direction=str(meta["direction"]),
            history=[(int(y), float(v)) for y, v in zip(hist["year"], hist["value"])],
        ))
    return out


def key_figures_table(package: DataPackage) -> pd.DataFrame:
    """All key figures of the city for all years, wide, for "Daten als Tabelle" and CSV."""
    ids = key_indicator_ids(package)
    obs = package.observations
    rows = obs[obs["indicator_id"].isin(ids) & (obs["area_id"] == package.city_id)]
    wide = rows.pivot_table(index="year", columns="indicator_id", values="value", observed=True, aggfunc="first")
    wide = wide.reindex(columns=[i for i in ids if i in wide.columns])
    return wide.sort_index()


# ---- downloads: tidy, German headings, confidentiality applied ----------------------------

def download_frame(package: DataPackage, indicator_id: str, year: int | None, level: str | None,
                   area_ids: list[str] | None = None) -> pd.DataFrame:
    """The rows a chart shows, for CSV: suppressed values as "·" with a note, never a number."""
    obs = package.observations
    mask = obs["indicator_id"] == indicator_id
    if year is not None:
        mask &= obs["year"] == year
    if level is not None:
        mask &= obs["level"] == level
    if area_ids is not None:
        mask &= obs["area_id"].isin(area_ids)
    rows = obs[mask]
    meta = package.indicators.loc[indicator_id]
    dec = decimals(package, indicator_id)
    threshold = meta["suppression_threshold"]
    threshold = package.suppression_threshold if threshold is None or pd.isna(threshold) else int(threshold)
    hint = f"Geheimhaltung: weniger als {threshold} Fälle"

    def cell(v: float, hidden: bool, places: int) -> str:
        return fmt.SUPPRESSED if hidden else fmt.csv_number(v, places)

    out = pd.DataFrame({
        "Gebiets-ID": rows["area_id"].astype(str).to_numpy(),
        "Gebiet": rows["area_id"].astype(str).map(package.areas["name"]).to_numpy(),
        "Ebene": rows["level"].astype(str).map(LEVEL_LABELS).to_numpy(),
        "Jahr": rows["year"].to_numpy(),
        "Indikator": meta["name"],
        "Wert": [cell(v, h, dec) for v, h in zip(rows["value"], rows["suppressed"])],
        "Einheit": meta["unit"],
        "Zähler": [cell(v, h, 0) for v, h in zip(rows["numerator"], rows["suppressed"])],
        "Nenner": [fmt.csv_number(v, 0) for v in rows["denominator"]],
        "Hinweis": [hint if h else (n or "") for h, n in zip(rows["suppressed"], rows["note"])],
        "berechnet": ["ja" if c else "nein" for c in rows["computed"]],
    })
    out["Quelle"] = meta["source"]
    out["Stand"] = fmt.day(package.edition)
    if package.is_demo:
        out["Hinweis"] = [f"{h}; Beispieldaten" if h else "Beispieldaten" for h in out["Hinweis"]]
    return out.sort_values(["Jahr", "Ebene", "Gebiet"], ignore_index=True)


def to_csv(frame: pd.DataFrame) -> bytes:
    """German spreadsheet CSV: semicolon, decimal comma (already in the cells), UTF-8 with BOM."""
    buffer = io.StringIO()
    frame.to_csv(buffer, sep=";", index=False)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
