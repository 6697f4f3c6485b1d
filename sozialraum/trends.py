"""Change over time: lines per area, change tables between two years, two areas side by
side, and the areas most alike on a theme. Plain pandas; the Zeitvergleich page draws these
frames and its CSV downloads write the very same frames."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import formatting as fmt
from . import queries
from .package import DataPackage

MODES = ("absolut", "differenz", "index")
RISERS = 3  # how many strongest risers and fallers the change table marks


def mode_unit(package: DataPackage, indicator_id: str, mode: str, base_year: int | None) -> str:
    unit = str(package.indicators.at[indicator_id, "unit"])
    if mode == "index":
        return f"Index ({base_year} = 100)"
    if mode == "differenz":
        return "Prozentpunkte" if unit == "%" else unit
    return unit


def lines(package: DataPackage, indicator_id: str, area_ids, mode: str = "absolut",
          base_year: int | None = None) -> pd.DataFrame:
    """Long frame: area_id, name, year, value, suppressed, shown — the city first, then the
    areas in the given order. `shown` is the value, its change since `base_year`, or the index
    (base year = 100); NaN where the value or the base value is missing or suppressed."""
    ids = [package.city_id] + [a for a in area_ids if a != package.city_id]
    obs = package.observations
    rows = obs[(obs["indicator_id"] == indicator_id) & obs["area_id"].isin(ids)]
    frame = pd.DataFrame({
        "area_id": rows["area_id"].astype(str).to_numpy(), "year": rows["year"].astype(int).to_numpy(),
        "value": rows["value"].astype("float64").to_numpy(), "suppressed": rows["suppressed"].to_numpy(),
    })
    frame["name"] = frame["area_id"].map(package.areas["name"]).astype(str)
    frame.loc[frame["area_id"] == package.city_id, "name"] = f"Stadt {package.city}"
    order = {a: i for i, a in enumerate(ids)}
    frame = frame.sort_values(["area_id", "year"], key=lambda c: c.map(order) if c.name == "area_id" else c,
                              ignore_index=True)
    if mode == "absolut" or base_year is None:
        frame["shown"] = frame["value"]
        return frame
    base = frame[frame["year"] == base_year].set_index("area_id")["value"]
    reference = frame["area_id"].map(base).astype("float64")
    if mode == "differenz":
        frame["shown"] = frame["value"] - reference
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            frame["shown"] = np.where(reference > 0, frame["value"] / reference * 100, np.nan)
    return frame


def lines_finding(package: DataPackage, indicator_id: str, frame: pd.DataFrame, mode: str,
                  base_year: int | None) -> str:
    """"Stadt: von 11,2 % (2012) auf 9,2 % (2024); Rieth: …" — first and last value per line."""
    parts = []
    for _, group in frame.groupby("area_id", sort=False):
        valued = group.dropna(subset=["value"])
        if valued.empty:
            parts.append(f"{group['name'].iloc[0]}: keine Werte")
            continue
        first, last = valued.iloc[0], valued.iloc[-1]
        text = (f"{first['name']}: von {queries.format_value(package, indicator_id, first['value'])} "
                f"({int(first['year'])}) auf {queries.format_value(package, indicator_id, last['value'])} "
                f"({int(last['year'])})")
        parts.append(text)
        if len(parts) == 4:
            break
    more = frame["area_id"].nunique() - len(parts)
    sentence = "; ".join(parts) + (f"; und {more} weitere." if more > 0 else ".")
    if mode == "index":
        sentence += f" Dargestellt als Index ({base_year} = 100)."
    elif mode == "differenz":
        sentence += f" Dargestellt als Veränderung gegenüber {base_year}."
    return sentence


def change_table(package: DataPackage, indicator_id: str, level: str, year_a: int, year_b: int,
                 area_ids=None) -> pd.DataFrame:
    """Per area: value_a, value_b, change (in the unit; percentage points for %), change_pct
    (relative, %), rank_a, rank_b (1 = highest value), rank_change (positive = moved up towards
    rank 1), mark ("Anstieg"/"Rückgang" for the strongest RISERS each way)."""
    a = queries.values(package, indicator_id, year_a, level).set_index("area_id")
    b = queries.values(package, indicator_id, year_b, level).set_index("area_id")
    if area_ids is not None:
        keep = [x for x in a.index if x in set(map(str, area_ids))]
        a, b = a.loc[keep], b.reindex(keep)
    out = pd.DataFrame({"area_id": a.index, "name": a["name"].to_numpy(),
                        "value_a": a["value"].to_numpy(), "suppressed_a": a["suppressed"].to_numpy(),
                        "value_b": b["value"].reindex(a.index).to_numpy(),
                        "suppressed_b": b["suppressed"].reindex(a.index).fillna(False).astype(bool).to_numpy()})
    out["change"] = out["value_b"] - out["value_a"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["change_pct"] = np.where(out["value_a"] > 0, out["change"] / out["value_a"] * 100, np.nan)
    out["rank_a"] = out["value_a"].rank(method="min", ascending=False).astype("Int64")
    out["rank_b"] = out["value_b"].rank(method="min", ascending=False).astype("Int64")
    out["rank_change"] = (out["rank_a"] - out["rank_b"]).astype("Int64")
    out["mark"] = ""
    valued = out.dropna(subset=["change"])
    risers = valued[valued["change"] > 0].nlargest(RISERS, "change").index
    fallers = valued[valued["change"] < 0].nsmallest(RISERS, "change").index
    out.loc[risers, "mark"] = "Anstieg"
    out.loc[fallers, "mark"] = "Rückgang"
    return out.sort_values(["change", "name"], ascending=[False, True], na_position="last", ignore_index=True)


SORT_KEYS = {"gebiet": "name", "wert_a": "value_a", "wert_b": "value_b", "veraenderung": "change",
             "prozent": "change_pct", "rang": "rank_change"}
SORT_LABELS = {"gebiet": "Gebiet", "wert_a": "Wert im ersten Jahr", "wert_b": "Wert im zweiten Jahr",
               "veraenderung": "Veränderung", "prozent": "Veränderung in %", "rang": "Rangveränderung"}


def sort_change_table(table: pd.DataFrame, key: str, descending: bool = True) -> pd.DataFrame:
    """Sorted by one column (gaps always last), ties by name."""
    column = SORT_KEYS.get(key, "change")
    return table.sort_values([column, "name"], ascending=[not descending, True], na_position="last",
                             ignore_index=True)


def change_finding(package: DataPackage, indicator_id: str, table: pd.DataFrame, year_a: int, year_b: int) -> str:
    valued = table.dropna(subset=["change"])
    name = package.indicators.at[indicator_id, "name"]
    if valued.empty:
        return f"Für „{name}“ gibt es keine Gebiete mit Werten in {year_a} und {year_b}."
    unit = str(package.indicators.at[indicator_id, "unit"])
    dec = queries.decimals(package, indicator_id)
    top = valued.loc[valued["change"].idxmax()]
    low = valued.loc[valued["change"].idxmin()]
    rising = int((valued["change"] > 0).sum())
    falling = int((valued["change"] < 0).sum())
    return (f"{year_a} bis {year_b}: gestiegen in {rising}, gesunken in {falling} von {len(valued)} Gebieten. "
            f"Stärkster Anstieg: {top['name']} ({fmt.change(top['change'], dec, unit)}), "
            f"stärkster Rückgang: {low['name']} ({fmt.change(low['change'], dec, unit)}).")


def theme_indicators(package: DataPackage, theme: str, level: str) -> list[str]:
    available = set(queries.indicators_for_level(package, level))
    return [i for i in package.indicators.index[package.indicators["theme"] == theme] if i in available]


def pair_frame(package: DataPackage, theme: str, level: str, area_a: str, area_b: str, year: int) -> pd.DataFrame:
    """All indicators of a theme for two areas and the city, in the latest year up to `year`
    that has values: indicator_id, name, unit, year, value_a/b, suppressed_a/b, city, and
    relative_a/b = value / city value * 100 (to draw different units on one axis)."""
    rows = []
    for indicator_id in theme_indicators(package, theme, level):
        years = [y for y in queries.years_for(package, indicator_id, level) if y <= year]
        if not years:
            continue
        used = years[-1]
        table = queries.values(package, indicator_id, used, level).set_index("area_id")
        city, city_hidden = queries.city_value(package, indicator_id, used)
        meta = package.indicators.loc[indicator_id]
        row = {"indicator_id": indicator_id, "name": str(meta["short_name"]), "unit": str(meta["unit"]),
               "year": used, "city": city, "direction": str(meta["direction"])}
        for key, area in (("a", area_a), ("b", area_b)):
            value = table["value"].get(area, np.nan)
            row[f"value_{key}"] = float(value) if pd.notna(value) else np.nan
            row[f"suppressed_{key}"] = bool(table["suppressed"].get(area, False))
            row[f"relative_{key}"] = (row[f"value_{key}"] / city * 100) if np.isfinite(city) and city > 0 else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def similar_areas(package: DataPackage, area_id: str, theme: str, level: str, year: int,
                  count: int = 5) -> pd.DataFrame:
    """The `count` areas closest to `area_id` on the z-standardised indicators of a theme
    (Euclidean distance over the indicators both areas have; at least half of them needed).
    Columns: area_id, name, distance, shared (number of indicators compared)."""
    indicators = theme_indicators(package, theme, level)
    columns = {}
    for indicator_id in indicators:
        years = [y for y in queries.years_for(package, indicator_id, level) if y <= year]
        if not years:
            continue
        table = queries.values(package, indicator_id, years[-1], level).set_index("area_id")["value"]
        if table.std(skipna=True) and np.isfinite(table.std(skipna=True)):
            columns[indicator_id] = (table - table.mean()) / table.std()
    if not columns or area_id not in next(iter(columns.values())).index:
        return pd.DataFrame(columns=["area_id", "name", "distance", "shared"])
    matrix = pd.DataFrame(columns)
    target = matrix.loc[area_id]
    diff = matrix.sub(target, axis=1)
    shared = diff.notna().sum(axis=1)
    distance = np.sqrt((diff ** 2).sum(axis=1) / shared.replace(0, np.nan))
    needed = max(1, int(np.ceil(target.notna().sum() / 2)))
    result = pd.DataFrame({"distance": distance, "shared": shared})
    result = result[(result.index != area_id) & (result["shared"] >= needed) & result["distance"].notna()]
    result = result.sort_values(["distance"]).head(count)
    result.insert(0, "area_id", result.index.astype(str))
    result.insert(1, "name", result["area_id"].map(package.areas["name"]))
    return result.reset_index(drop=True)


# ---- CSV: exactly what the page shows ------------------------------------------------------

def _cell(value: float, hidden: bool, decimals: int) -> str:
    return fmt.SUPPRESSED if hidden else fmt.csv_number(value, decimals)


def lines_csv(package: DataPackage, indicators, area_ids, mode: str, base_year: int | None) -> pd.DataFrame:
    parts = []
    for indicator_id in indicators:
        frame = lines(package, indicator_id, area_ids, mode, base_year)
        meta = package.indicators.loc[indicator_id]
        dec = queries.decimals(package, indicator_id)
        part = pd.DataFrame({
            "Indikator": meta["name"], "Gebiets-ID": frame["area_id"], "Gebiet": frame["name"],
            "Jahr": frame["year"], "Wert": [_cell(v, h, dec) for v, h in zip(frame["value"], frame["suppressed"])],
            "Einheit": meta["unit"],
        })
        if mode != "absolut":
            label = "Index" if mode == "index" else "Veränderung"
            part[f"{label} ({mode_unit(package, indicator_id, mode, base_year)})"] = [
                _cell(v, h, 1 if mode == "index" else dec) for v, h in zip(frame["shown"], frame["suppressed"])]
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["Stand"] = fmt.day(package.edition)
    out["Hinweis"] = "Beispieldaten" if package.is_demo else ""
    return out


def change_csv(package: DataPackage, indicator_id: str, table: pd.DataFrame, year_a: int, year_b: int) -> pd.DataFrame:
    meta = package.indicators.loc[indicator_id]
    dec = queries.decimals(package, indicator_id)
    change_unit = "Prozentpunkte" if meta["unit"] == "%" else meta["unit"]
    return pd.DataFrame({
        "Gebiets-ID": table["area_id"], "Gebiet": table["name"], "Indikator": meta["name"],
        f"Wert {year_a} ({meta['unit']})": [_cell(v, h, dec) for v, h in zip(table["value_a"], table["suppressed_a"])],
        f"Wert {year_b} ({meta['unit']})": [_cell(v, h, dec) for v, h in zip(table["value_b"], table["suppressed_b"])],
        f"Veränderung ({change_unit})": [fmt.csv_number(v, dec) for v in table["change"]],
        "Veränderung in %": [fmt.csv_number(v, 1) for v in table["change_pct"]],
        f"Rang {year_a}": ["" if pd.isna(r) else str(int(r)) for r in table["rank_a"]],
        f"Rang {year_b}": ["" if pd.isna(r) else str(int(r)) for r in table["rank_b"]],
        "Rangveränderung": ["" if pd.isna(r) else str(int(r)) for r in table["rank_change"]],
        "Markierung": table["mark"],
        "Stand": fmt.day(package.edition),
        "Hinweis": "Beispieldaten" if package.is_demo else "",
    })


def pair_csv(package: DataPackage, frame: pd.DataFrame, area_a: str, area_b: str) -> pd.DataFrame:
    name_a, name_b = (str(package.areas.at[a, "name"]) for a in (area_a, area_b))
    decimals = [queries.decimals(package, i) for i in frame["indicator_id"]]
    return pd.DataFrame({
        "Indikator": frame["name"], "Einheit": frame["unit"], "Jahr": frame["year"],
        name_a: [_cell(v, h, d) for v, h, d in zip(frame["value_a"], frame["suppressed_a"], decimals)],
        name_b: [_cell(v, h, d) for v, h, d in zip(frame["value_b"], frame["suppressed_b"], decimals)],
        f"Stadt {package.city}": [fmt.csv_number(v, d) for v, d in zip(frame["city"], decimals)],
        f"{name_a} (Stadt = 100)": [_cell(v, h, 0) for v, h in zip(frame["relative_a"], frame["suppressed_a"])],
        f"{name_b} (Stadt = 100)": [_cell(v, h, 0) for v, h in zip(frame["relative_b"], frame["suppressed_b"])],
        "Stand": fmt.day(package.edition),
        "Hinweis": "Beispieldaten" if package.is_demo else "",
    })
