"""Rules that span rows and files: hierarchy, references, impossible values, geometry joins.

Column types and per-cell constraints are checked in `tables.py` from the canonical schema;
this module checks what only makes sense with the whole package in view.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import shapely

from .problems import ProblemCollector
from .schema import AREA_LEVELS, LEVEL_LABELS, YEAR_MIN
from .tables import line_numbers, lines

VALUE_TOLERANCE_REL = 1e-3


def check_areas(areas: pd.DataFrame, collector: ProblemCollector) -> None:
    file = "areas.csv"
    ids = set(areas["area_id"].dropna())
    rank = {level: i for i, level in enumerate(AREA_LEVELS)}
    level_of = dict(zip(areas["area_id"], areas["level"]))
    present = [level for level in AREA_LEVELS if level in set(areas["level"].dropna())]
    # the parent is on the next coarser level present: aggregation goes one level at a time
    next_coarser = dict(zip(present[1:], present[:-1]))
    for line, row in zip(line_numbers(areas), areas.itertuples(index=False)):
        line = int(line)
        if row.area_id is None or row.level is None:
            continue
        parent = row.parent_id
        if row.level == "stadt":
            if parent:
                collector.add(file, line, "parent_id", "Die Stadt hat kein übergeordnetes Gebiet.")
            continue
        if not parent:
            collector.add(file, line, "parent_id",
                          f"Übergeordnetes Gebiet fehlt ({LEVEL_LABELS[row.level]} „{row.name}“).", kind="noparent")
        elif parent not in ids:
            collector.add(file, line, "parent_id",
                          f"Übergeordnetes Gebiet „{parent}“ gibt es nicht in areas.csv.", kind="parent")
        elif level_of.get(parent) and rank[level_of[parent]] >= rank[row.level]:
            collector.add(file, line, "parent_id",
                          f"„{parent}“ ({LEVEL_LABELS[level_of[parent]]}) ist nicht gröber als "
                          f"{LEVEL_LABELS[row.level]} „{row.name}“.", kind="parentlevel")
        elif level_of.get(parent) and level_of[parent] != next_coarser.get(row.level, level_of[parent]):
            collector.add(file, line, "parent_id",
                          f"„{parent}“ ({LEVEL_LABELS[level_of[parent]]}) ist nicht die nächstgröbere Ebene: "
                          f"{LEVEL_LABELS[row.level]} „{row.name}“ braucht ein Gebiet der Ebene "
                          f"„{next_coarser[row.level]}“.", kind="parentlevel")
    cities = areas[areas["level"] == "stadt"]
    if len(cities) != 1:
        collector.add(file, None, "level",
                      f"Es muss genau ein Gebiet der Ebene „stadt“ geben (gefunden: {len(cities)}).")
    kids = areas[areas["level"] != "ortsteil"]["kind"].notna()
    for line in lines(areas, kids.reindex(areas.index, fill_value=False)):
        collector.add(file, line, "kind", "Siedlungstyp ist nur für Ortsteile vorgesehen.", kind="kind")


def check_indicators(indicators: pd.DataFrame, collector: ProblemCollector) -> None:
    file = "indicators.csv"
    for line, row in zip(line_numbers(indicators), indicators.itertuples(index=False)):
        line = int(line)
        for number in row.leitlinien or ():
            if number not in {"1", "2", "3", "4", "5", "6"}:
                collector.add(file, line, "leitlinien", f"„{number}“ ist keine Leitlinie (1 bis 6).",
                              kind="leitlinie")
        if row.value_type in ("share", "rate") and (row.scale is None or pd.isna(row.scale)):
            collector.add(file, line, "scale",
                          "Skalierung fehlt (100 bei Anteilen in %, 1000 bei „je 1.000“).", kind="scale")
        if row.value_type == "share" and row.scale is not None and not pd.isna(row.scale) and row.scale != 100:
            collector.add(file, line, "scale", "Ein Anteil in % hat die Skalierung 100.", kind="scale")


def check_observations(obs: pd.DataFrame, indicators: pd.DataFrame, area_ids: set[str],
                       edition_year: int, collector: ProblemCollector,
                       finest_area_ids: set[str] | None = None) -> None:
    file = "observations.csv"
    known_area = obs["area_id"].isin(area_ids) | obs["area_id"].isna()
    for line, value in zip(lines(obs, ~known_area), obs.loc[~known_area, "area_id"]):
        collector.add(file, line, "area_id", f"Gebiet „{value}“ gibt es nicht in areas.csv.", kind="area")
    known_ind = obs["indicator_id"].isin(indicators.index) | obs["indicator_id"].isna()
    for line, value in zip(lines(obs, ~known_ind), obs.loc[~known_ind, "indicator_id"]):
        collector.add(file, line, "indicator_id", f"Indikator „{value}“ gibt es nicht in indicators.csv.",
                      kind="indicator")
    years = obs["year"]
    bad_year = years.notna() & ((years < YEAR_MIN) | (years > edition_year))
    for line, value in zip(lines(obs, bad_year), years[bad_year]):
        collector.add(file, line, "year",
                      f"Jahr {value} liegt außerhalb von {YEAR_MIN} bis {edition_year} (Stand des Pakets).",
                      kind="year")
    keys = obs[["area_id", "indicator_id", "year"]]
    dup = keys.notna().all(axis=1) & keys.duplicated(keep="first")
    for line in lines(obs, dup):
        collector.add(file, line, None, "Gebiet, Indikator und Jahr kommen mehrfach vor.", kind="dupkey")

    vtype = obs["indicator_id"].map(indicators["value_type"])
    value, num, den = obs["value"], obs["numerator"], obs["denominator"]

    def report(mask: pd.Series, column: str, message: str, kind: str) -> None:
        mask = mask.fillna(False).astype(bool)
        for line, v, n, d in zip(lines(obs, mask), value[mask], num[mask], den[mask]):
            collector.add(file, line, column, message.format(value=_de(v), num=_de(n), den=_de(d)), kind=kind)

    share = vtype == "share"
    report(share & ((value < 0) | (value > 100)), "value",
           "Anteil von {value} % ist unmöglich (erlaubt: 0 bis 100).", "share")
    report((vtype == "count") & (value < 0), "value", "Negative Anzahl {value} ist unmöglich.", "negcount")
    report((vtype == "count") & value.notna() & (value != np.floor(value.fillna(0))), "value",
           "Eine Anzahl muss ganzzahlig sein ({value}).", "intcount")
    report(share & num.notna() & den.notna() & (den > 0) & (num > den), "numerator",
           "Zähler {num} ist größer als der Nenner {den}.", "numden")
    ratio = vtype.isin(("share", "rate", "mean"))
    report(ratio & num.notna() & (den == 0) & (num > 0), "denominator",
           "Nenner ist 0, der Zähler aber {num}.", "zeroden")
    report(ratio & num.isna() & den.notna(), "numerator",
           "Zähler und Nenner gehören zusammen: der Zähler fehlt.", "pair")
    report(ratio & num.notna() & den.isna(), "denominator",
           "Zähler und Nenner gehören zusammen: der Nenner fehlt.", "pair")
    report(vtype.eq("count") & (num.notna() | den.notna()), "numerator",
           "Eine Anzahl hat keinen Zähler und Nenner; der Wert steht in „value“.", "countnum")
    if finest_area_ids is not None:
        # Without a case count the tool cannot apply confidentiality to a small area's rate.
        finest = obs["area_id"].isin(finest_area_ids)
        impossible = share & ((value < 0) | (value > 100))  # already reported above
        report(ratio & finest & value.notna() & num.isna() & den.isna() & ~impossible, "numerator",
               "Zähler und Nenner fehlen: ohne Fallzahl kann die Geheimhaltung nicht geprüft werden.",
               "nocount")
    report(vtype.eq("index") & value.isna() & (num.notna() | den.notna()), "value",
           "Ein Index wird nicht aus Zähler/Nenner berechnet; bitte den Wert angeben.", "indexval")

    # value consistent with numerator / denominator * scale
    scale = obs["indicator_id"].map(
        indicators["scale"].astype("float64").fillna(indicators["value_type"].map({"share": 100, "rate": 1000,
                                                                                    "mean": 1})))
    decimals = obs["indicator_id"].map(indicators["decimals"].astype("float64").fillna(1))
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = num / den * scale
    # half a unit of the last delivered digit, plus a hair for binary floating point
    tolerance = np.maximum(np.abs(expected) * VALUE_TOLERANCE_REL, 0.5 * 10.0 ** (-(decimals + 1))) * (1 + 1e-9)
    mismatch = ratio & value.notna() & expected.notna() & np.isfinite(expected) & (
        (value - expected).abs() > tolerance)
    report(mismatch, "value",
           "Wert {value} passt nicht zu Zähler {num} / Nenner {den}.", "mismatch")


def check_measures(measures: pd.DataFrame, area_ids: set[str], indicator_ids: set[str],
                   collector: ProblemCollector) -> None:
    file = "measures.csv"
    for line, row in zip(line_numbers(measures), measures.itertuples(index=False)):
        line = int(line)
        numbers = set(row.leitlinien or ())
        for number in sorted(numbers - {"1", "2", "3", "4", "5", "6"}):
            collector.add(file, line, "leitlinien", f"„{number}“ ist keine Leitlinie (1 bis 6).", kind="ll")
        if row.primary_leitlinie is not None and not pd.isna(row.primary_leitlinie) and numbers and \
                str(int(row.primary_leitlinie)) not in numbers:
            collector.add(file, line, "primary_leitlinie",
                          "Die Haupt-Leitlinie muss auch in „leitlinien“ stehen.", kind="primary")
        for area in row.area_ids or ():
            if area not in area_ids:
                collector.add(file, line, "area_ids", f"Gebiet „{area}“ gibt es nicht in areas.csv.", kind="area")
        for ind in row.target_indicators or ():
            if ind not in indicator_ids:
                collector.add(file, line, "target_indicators",
                              f"Indikator „{ind}“ gibt es nicht in indicators.csv.", kind="ind")
        start = row.start
        for column in ("planned_end", "actual_end"):
            end = getattr(row, column)
            if start is not None and end is not None and not pd.isna(start) and not pd.isna(end) and end < start:
                collector.add(file, line, column, "Ende liegt vor dem Beginn.", kind="dates")


def check_references(frame: pd.DataFrame, column: str, known: set[str], file: str, what: str,
                     source: str, collector: ProblemCollector) -> None:
    unknown = frame[column].notna() & ~frame[column].isin(known)
    for line, value in zip(lines(frame, unknown), frame.loc[unknown, column]):
        collector.add(file, line, column, f"{what} „{value}“ gibt es nicht in {source}.", kind="ref")


def check_geometry_join(areas: pd.DataFrame, join_values: pd.Series, geoms: dict[str, shapely.Geometry],
                        geo_file: str, join_field: str, finest_level: str,
                        collector: ProblemCollector) -> None:
    known = set(join_values.dropna())
    for key in sorted(set(geoms) - known, key=_natural):
        collector.add(geo_file, None, None,
                      f"Geometrie „{key}“ gehört zu keinem Gebiet in areas.csv (Spalte „{join_field}“).",
                      kind="orphan")
    need = areas["level"] == finest_level
    at = line_numbers(areas)
    for i in np.flatnonzero(need.to_numpy()):
        key = join_values.iat[i]
        if key is not None and key not in geoms:
            collector.add("areas.csv", int(at[i]), join_field,
                          f"Für {LEVEL_LABELS[finest_level]} „{areas['name'].iat[i]}“ fehlt die Geometrie "
                          f"in {geo_file}.", kind="nogeom")


def _natural(key: str) -> tuple:
    return (0, int(key), "") if key.isdigit() else (1, 0, key)


def _de(x: float) -> str:
    if x is None or pd.isna(x):
        return "–"
    if float(x).is_integer():
        return str(int(x))
    return f"{x:g}".replace(".", ",")


def edition_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(str(text))
    except (TypeError, ValueError):
        return None
