"""Analyses of the measures frame ("Maßnahmen") for the /massnahmen page: the linked filter,
Leitlinien cards, status matrix, timeline, per-area counts, need vs. action, the AG Grid
server-side rows and the table exports. Pure pandas; this module never imports dash.

Every function takes the *measures frame* of the shared contract (one row per measure, the
columns of `schema.MEASURES`, optionally version/archived/updated_at/updated_by) and never
changes it. Missing optional columns are tolerated (treated as empty).

Public API
----------
Filter (URL parameters `leitlinie`, `status`, `gebiet`, `suche`):
- `MeasureFilter(leitlinie, status, area_id, search)` -- the filter; `.is_empty`.
- `filter_from_query(package, query) -> (MeasureFilter, notices)` -- never raises; bad values are
  dropped with a German notice (like `viewstate`). `gebiet` takes a slug or an id.
- `filter_to_query(package, f) -> dict[str, str]` -- only the set parameters; areas by slug.
  `filter_from_query(package, filter_to_query(package, f))` gives `f` back without notices.
- `apply_filter(frame, f, package) -> frame` -- the rows matching every set criterion.
- `search_mask(frame, text) -> np.ndarray[bool]` -- the free-text part of `apply_filter`.

Overviews:
- `leitlinie_cards(frame, package) -> list[dict]` -- one card per Leitlinie 1..6.
- `status_by_leitlinie(frame) -> DataFrame` -- Leitlinie (rows 1..6) × status (schema order).
- `timeline(frame, today) -> Timeline(frame, without_start)` -- rows for a Gantt chart.
- `area_counts(frame, package, level=None) -> AreaCounts(table, citywide)` -- measures per area.
- `default_need(package) -> (Series, label, explanation)` -- Sozialindex status class per Ortsteil.
- `need_vs_action(frame, package, need) -> DataFrame` -- need and number of measures per Ortsteil.
- `leitlinie_area_matrix(frame, package) -> DataFrame` -- Leitlinie × Ortsteil counts (heatmap).

Table (AG Grid infinite row model) and exports:
- `GRID_COLUMNS` -- ordered `GridColumn(field, header, type)`; type is "text", "number" or "date".
- `display_frame(frame, package) -> DataFrame` -- the GRID_COLUMNS fields, JSON-friendly.
- `grid_rows(display, filter_model, sort_model, start, end) -> (rows, row_count)`.
- `export_csv(display, columns=GRID_COLUMNS) -> bytes` / `export_xlsx(display, columns) -> bytes`.

Conventions
-----------
- A measure counts for *every* Leitlinie it serves (`leitlinien`), so the Leitlinien counts add up
  to more than the number of measures; `primary` counts each measure once, for its
  `primary_leitlinie`.
- A measure "touches" an area when one of its `area_ids` is the area or lies inside it (a
  Planungsraum filter matches measures in any of its Ortsteile). City-wide measures (empty
  `area_ids`) never match an area; they are listed separately.
- "Done" (`share_done`) = umgesetzt or verstetigt. "Finished" (no longer overdue) = umgesetzt,
  verstetigt or abgebrochen.
- Text matching (search, grid text filters) ignores case and accents, and umlauts match both
  their base letter and their transliteration: "strasse" finds "Straße", "lober" and "loeber"
  find "Löbervorstadt". German sorting puts umlauts with their base letters (DIN 5007-1).
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from . import queries
from . import sozialindex as si
from .package import DataPackage
from .schema import LIST_SEPARATOR, MEASURE_STATUS_LABELS, MEASURE_STATUSES, MEASURES
from .viewstate import MAX_ECHO, default_level

LEITLINIE_NUMBERS = (1, 2, 3, 4, 5, 6)
DONE_STATUSES = ("umgesetzt", "verstetigt")
FINISHED_STATUSES = ("umgesetzt", "verstetigt", "abgebrochen")
ACTIVE_STATUSES = ("geplant", "in_vorbereitung", "in_umsetzung")
MAX_SEARCH = 100
CITYWIDE = "gesamtstädtisch"
SEARCH_FIELDS = ("measure_id", "title", "description", "responsible", "traeger", "partners")
NEED_FALLBACK_INDICATORS = ("kinderarmut", "sgb2_quote", "arbeitslosenquote")

_LIST_FIELDS = {f.name for f in MEASURES.fields if f.type == "list"}
_DATE_FIELDS = {f.name for f in MEASURES.fields if f.type == "date"} | {"updated_at"}


# ---- helpers -------------------------------------------------------------------------------

def _echo(text: str) -> str:
    text = str(text).strip()
    return text if len(text) <= MAX_ECHO else text[:MAX_ECHO] + "…"


def _missing(v: Any) -> bool:
    """None, NaN, pd.NA, NaT (fast for the common str/number cells)."""
    if v is None:
        return True
    if isinstance(v, str):
        return False
    if isinstance(v, float):
        return math.isnan(v)
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):  # lists/tuples
        return False


def list_value(v: Any) -> tuple[str, ...]:
    """A list cell as tuple of str: tuples/lists as they are, "1;4" split, None/NaN empty."""
    if isinstance(v, (tuple, list, np.ndarray)):
        return tuple(str(x).strip() for x in v if not _missing(x) and str(x).strip())
    if _missing(v):
        return ()
    return tuple(p.strip() for p in str(v).split(LIST_SEPARATOR) if p.strip())


def leitlinien_value(v: Any) -> tuple[int, ...]:
    """The Leitlinien numbers of a list cell ("4;2" or a list), in order, without repeats."""
    out = []
    for part in list_value(v):
        try:
            out.append(int(float(part)))
        except ValueError:
            continue
    return tuple(dict.fromkeys(out))


def _ensure(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every MEASURES column present (added empty if missing; copies only then)."""
    missing = [f.name for f in MEASURES.fields if f.name not in frame.columns]
    if not missing:
        return frame
    frame = frame.copy()
    n = len(frame)
    for name in missing:
        if name in _LIST_FIELDS:
            frame[name] = pd.Series([()] * n, index=frame.index, dtype=object)
        elif name in _DATE_FIELDS:
            frame[name] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
        elif name in ("progress", "primary_leitlinie"):
            frame[name] = pd.Series(pd.NA, index=frame.index, dtype="Int64")
        elif name in ("budget_planned", "budget_spent"):
            frame[name] = pd.Series(np.nan, index=frame.index, dtype="float64")
        else:
            frame[name] = pd.Series(None, index=frame.index, dtype=object)
    return frame


_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_COMBINING = re.compile("[\u0300-\u036f]")


@lru_cache(maxsize=200_000)
def _fold_str(text: str) -> str:
    text = text.casefold()
    if text.isascii():
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


def fold(text: Any) -> str:
    """Case-, accent- and umlaut-insensitive key: "Straße" -> "strasse", "Löber" -> "lober"."""
    return "" if _missing(text) else _fold_str(str(text))


@lru_cache(maxsize=200_000)
def _fold_transliterated_str(text: str) -> str:
    return _fold_str(text.casefold().translate(_TRANSLIT))


def fold_transliterated(text: Any) -> str:
    """Like `fold`, but umlauts become ae/oe/ue first: "Löber" -> "loeber"."""
    return "" if _missing(text) else _fold_transliterated_str(str(text))


def _needs_transliteration(needle: str) -> bool:
    """Only a typed "ae"/"oe"/"ue" can match an umlaut that `fold` turns into a plain vowel."""
    base = fold(needle)
    return any(pair in base for pair in ("ae", "oe", "ue"))


def _text_contains(haystack: list[str], needle: str) -> np.ndarray:
    """`needle` in each (unfolded) text, by the matching rules of the module docstring."""
    base = fold(needle)
    result = np.fromiter((base in fold(h) for h in haystack), dtype=bool, count=len(haystack))
    if _needs_transliteration(needle):
        tr = fold_transliterated(needle)
        result |= np.fromiter((tr in fold_transliterated(h) for h in haystack), dtype=bool, count=len(haystack))
    return result


def _children(package: DataPackage) -> dict[str, list[str]]:
    children: dict[str, list[str]] = {}
    for child, parent in package.areas["parent_id"].items():
        if not _missing(parent):
            children.setdefault(str(parent), []).append(str(child))
    return children


def _descendants(package: DataPackage, area_id: str,
                 children: dict[str, list[str]] | None = None) -> set[str]:
    """The area and every area below it (children, grandchildren, ...)."""
    children = _children(package) if children is None else children
    out, todo = set(), [str(area_id)]
    while todo:
        current = todo.pop()
        if current not in out:
            out.add(current)
            todo.extend(children.get(current, []))
    return out


def _filter_levels(package: DataPackage) -> list[str]:
    """Levels one can filter measures by: everything below the city."""
    return [lv for lv in package.levels if lv != "stadt"]


# ---- the filter (URL state) ----------------------------------------------------------------

@dataclass(frozen=True)
class MeasureFilter:
    leitlinie: int | None = None
    status: str | None = None      # a key of schema.MEASURE_STATUSES
    area_id: str | None = None     # an area below the city (Ortsteil or coarser planning area)
    search: str = ""               # stripped, at most MAX_SEARCH characters

    @property
    def is_empty(self) -> bool:
        return self.leitlinie is None and self.status is None and self.area_id is None and not self.search


def filter_from_query(package: DataPackage, query: Mapping[str, str]) -> tuple[MeasureFilter, list[str]]:
    """Read `leitlinie`, `status`, `gebiet`, `suche`; never raises. Unknown values are dropped
    and reported as German notices."""
    notices: list[str] = []
    leitlinie = None
    text = query.get("leitlinie")
    if text not in (None, ""):
        clean = str(text).strip()
        known = {int(n) for n in package.leitlinien.index} or set(LEITLINIE_NUMBERS)
        if re.fullmatch(r"[0-9]{1,2}", clean) and int(clean) in known:
            leitlinie = int(clean)
        else:
            notices.append(f"Die Leitlinie „{_echo(text)}“ gibt es nicht; gezeigt werden die Maßnahmen "
                           "aller Leitlinien.")
    status = None
    text = query.get("status")
    if text not in (None, ""):
        clean = str(text).strip()
        by_label = {fold(label): key for key, label in MEASURE_STATUS_LABELS.items()}
        if clean in MEASURE_STATUSES:
            status = clean
        elif fold(clean) in by_label:  # "in Umsetzung" typed by hand
            status = by_label[fold(clean)]
        else:
            notices.append(f"Den Status „{_echo(text)}“ gibt es nicht; gezeigt werden die Maßnahmen "
                           "jedes Status.")
    area_id = None
    text = query.get("gebiet")
    if text not in (None, ""):
        clean = str(text).strip()
        lookup = package.area_lookup
        found = lookup.get(clean) or lookup.get(clean.lower())
        if found is not None and package.areas.at[found, "level"] in _filter_levels(package):
            area_id = found
        elif found is not None:
            notices.append(f"„{_echo(text)}“ ist die ganze Stadt; gezeigt werden die Maßnahmen aller Gebiete.")
        else:
            notices.append(f"Das Gebiet „{_echo(text)}“ gibt es nicht; gezeigt werden die Maßnahmen "
                           "aller Gebiete.")
    search = str(query.get("suche") or "").strip()
    if len(search) > MAX_SEARCH:
        notices.append(f"Der Suchbegriff ist länger als {MAX_SEARCH} Zeichen; gesucht wird nach den "
                       f"ersten {MAX_SEARCH}.")
        search = search[:MAX_SEARCH].strip()
    return MeasureFilter(leitlinie, status, area_id, search), notices


def filter_to_query(package: DataPackage, f: MeasureFilter) -> dict[str, str]:
    """Only the parameters that are set; the area by its slug."""
    params = {
        "leitlinie": str(f.leitlinie) if f.leitlinie is not None else "",
        "status": f.status or "",
        "gebiet": str(package.areas.at[f.area_id, "slug"]) if f.area_id in package.areas.index else "",
        "suche": f.search.strip(),
    }
    return {k: v for k, v in params.items() if v}


def search_mask(frame: pd.DataFrame, text: str) -> np.ndarray:
    """Rows whose id, title, description, Federführung, Träger or partners contain `text`
    (see the module docstring for the matching rules). Empty text matches every row."""
    frame = _ensure(frame)
    text = (text or "").strip()
    if not text:
        return np.ones(len(frame), dtype=bool)
    joined = [" \u0001 ".join("" if _missing(v) else str(v) for v in row)
              for row in zip(*(frame[c].tolist() for c in SEARCH_FIELDS))] if len(frame) else []
    return _text_contains(joined, text)


def apply_filter(frame: pd.DataFrame, f: MeasureFilter, package: DataPackage) -> pd.DataFrame:
    """The measures matching every set criterion of `f` (rows in their original order)."""
    frame = _ensure(frame)
    mask = np.ones(len(frame), dtype=bool)
    if f.leitlinie is not None:
        mask &= np.array([f.leitlinie in leitlinien_value(v) for v in frame["leitlinien"]], dtype=bool)
    if f.status is not None:
        mask &= (frame["status"].astype(object) == f.status).to_numpy(dtype=bool)
    if f.area_id is not None:
        inside = _descendants(package, f.area_id)
        mask &= np.array([any(a in inside for a in list_value(v)) for v in frame["area_ids"]], dtype=bool)
    if f.search:
        mask &= search_mask(frame, f.search)
    return frame[mask]


# ---- overviews -----------------------------------------------------------------------------

def _status_counts(statuses: pd.Series) -> dict[str, int]:
    counts = statuses.value_counts()
    return {s: int(counts.get(s, 0)) for s in MEASURE_STATUSES}


def _exploded(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (measure, Leitlinie it serves); column `leitlinie` (int)."""
    out = frame.assign(leitlinie=[list(leitlinien_value(v)) for v in frame["leitlinien"]])
    out = out.explode("leitlinie")
    return out[out["leitlinie"].notna()].astype({"leitlinie": int})


def leitlinie_cards(frame: pd.DataFrame, package: DataPackage) -> list[dict[str, Any]]:
    """One card per Leitlinie 1..6 (all six, even without measures). A measure counts for every
    Leitlinie it serves; `primary` counts only the measures whose primary Leitlinie it is.

    Keys: number, title, short_text, count, primary, status_counts (every status, 0 included),
    share_done ((umgesetzt + verstetigt) / count, None without measures), mean_progress (None
    without measures or progress values), budget_planned, budget_spent (sums, 0.0 if none)."""
    frame = _ensure(frame)
    exploded = _exploded(frame)
    primary = pd.to_numeric(frame["primary_leitlinie"], errors="coerce")
    cards = []
    for number in LEITLINIE_NUMBERS:
        rows = exploded[exploded["leitlinie"] == number]
        count = len(rows)
        statuses = _status_counts(rows["status"])
        progress = pd.to_numeric(rows["progress"], errors="coerce").dropna()
        in_package = number in package.leitlinien.index
        cards.append({
            "number": number,
            "title": str(package.leitlinien.at[number, "title"]) if in_package else f"Leitlinie {number}",
            "short_text": str(package.leitlinien.at[number, "short_text"]) if in_package else "",
            "count": count,
            "primary": int((primary == number).sum()),
            "status_counts": statuses,
            "share_done": (sum(statuses[s] for s in DONE_STATUSES) / count) if count else None,
            "mean_progress": float(progress.mean()) if count and len(progress) else None,
            "budget_planned": float(pd.to_numeric(rows["budget_planned"], errors="coerce").sum()),
            "budget_spent": float(pd.to_numeric(rows["budget_spent"], errors="coerce").sum()),
        })
    return cards


def status_by_leitlinie(frame: pd.DataFrame) -> pd.DataFrame:
    """Counts: index Leitlinie 1..6 (named "leitlinie"), columns the statuses in schema order;
    zeros included. A measure counts for every Leitlinie it serves."""
    exploded = _exploded(_ensure(frame))
    table = pd.crosstab(exploded["leitlinie"], exploded["status"].astype(object)) if len(exploded) else None
    index = pd.Index(LEITLINIE_NUMBERS, name="leitlinie")
    if table is None:
        return pd.DataFrame(0, index=index, columns=pd.Index(MEASURE_STATUSES, name="status"))
    table = table.reindex(index=index, columns=list(MEASURE_STATUSES), fill_value=0).astype(int)
    table.columns.name = "status"
    return table


class Timeline(NamedTuple):
    frame: pd.DataFrame
    """measure_id, title, primary_leitlinie, status, status_label, start, end, overdue."""
    without_start: int
    """Measures left out because they have no start date."""


def timeline(frame: pd.DataFrame, today: date) -> Timeline:
    """Rows for a Gantt chart, sorted by primary Leitlinie, start, id. `end` is the actual end,
    else the planned end (NaT if neither). `overdue`: not finished (umgesetzt, verstetigt,
    abgebrochen) and the planned end lies before `today`."""
    frame = _ensure(frame)
    start = pd.to_datetime(frame["start"], errors="coerce")
    has_start = start.notna().to_numpy()
    rows = frame[has_start]
    planned = pd.to_datetime(rows["planned_end"], errors="coerce")
    actual = pd.to_datetime(rows["actual_end"], errors="coerce")
    status = rows["status"].astype(object)
    overdue = (~status.isin(FINISHED_STATUSES)) & planned.notna() & (planned < pd.Timestamp(today))
    out = pd.DataFrame({
        "measure_id": rows["measure_id"].astype(object),
        "title": rows["title"].astype(object),
        "primary_leitlinie": pd.to_numeric(rows["primary_leitlinie"], errors="coerce").astype("Int64"),
        "status": status,
        "status_label": status.map(MEASURE_STATUS_LABELS).fillna(status),
        "start": start[has_start],
        "end": actual.where(actual.notna(), planned),
        "overdue": overdue.to_numpy(dtype=bool),
    })
    out = out.sort_values(["primary_leitlinie", "start", "measure_id"], na_position="last",
                          kind="stable", ignore_index=True)
    return Timeline(out, int((~has_start).sum()))


@dataclass(frozen=True)
class AreaCounts:
    table: pd.DataFrame
    """area_id, name, slug, measures: every area of the level (areas.csv order), zeros included."""
    citywide: pd.DataFrame = field(repr=False)
    """The city-wide measures (no area), as rows of the input frame."""


def _touch_counts(frame: pd.DataFrame, package: DataPackage, area_ids: Iterable[str]) -> dict[str, int]:
    """area id -> number of measures touching it (one of their areas lies in it)."""
    children = _children(package)
    inside = {a: _descendants(package, a, children) for a in area_ids}
    owner: dict[str, list[str]] = {}
    for area, members in inside.items():
        for m in members:
            owner.setdefault(m, []).append(area)
    counts = dict.fromkeys(inside, 0)
    for value in frame["area_ids"]:
        touched = {area for a in list_value(value) for area in owner.get(a, ())}
        for area in touched:
            counts[area] += 1
    return counts


def area_counts(frame: pd.DataFrame, package: DataPackage, level: str | None = None) -> AreaCounts:
    """Measures per area of `level` (default: Ortsteile, as `viewstate.default_level`). A measure
    counts once per area it touches; city-wide measures are returned separately."""
    frame = _ensure(frame)
    level = level or default_level(package)
    areas = package.area_frames[level][["area_id", "name", "slug"]].copy()
    counts = _touch_counts(frame, package, areas["area_id"])
    areas["measures"] = [counts[a] for a in areas["area_id"]]
    citywide = frame[[len(list_value(v)) == 0 for v in frame["area_ids"]]]
    return AreaCounts(areas.reset_index(drop=True), citywide)


def leitlinie_area_matrix(frame: pd.DataFrame, package: DataPackage) -> pd.DataFrame:
    """Counts for a heatmap: index Leitlinie 1..6 (named "leitlinie"), columns the area ids of
    the Ortsteil level (areas.csv order). A measure counts for each Leitlinie it serves and each
    Ortsteil it touches; city-wide measures are not in it."""
    exploded = _exploded(_ensure(frame))
    ids = list(package.area_frames[default_level(package)]["area_id"])
    matrix = pd.DataFrame(0, index=pd.Index(LEITLINIE_NUMBERS, name="leitlinie"),
                          columns=pd.Index(ids, name="area_id"))
    for number in LEITLINIE_NUMBERS:
        counts = _touch_counts(exploded[exploded["leitlinie"] == number], package, ids)
        matrix.loc[number] = [counts[a] for a in ids]
    return matrix.astype(int)


# ---- need vs. action -----------------------------------------------------------------------

_NEED_CACHE: dict[tuple[str, str], tuple[pd.Series, str, str]] = {}


def default_need(package: DataPackage) -> tuple[pd.Series, str, str]:
    """The need per Ortsteil to compare measures with: the Sozialindex status class of the
    newest year by the package's default method (an ordered categorical Series of class labels,
    index area id; NaN for Ortsteile left out of the index). When the index cannot be computed,
    the newest values of a need indicator (Kinderarmut, else SGB-II-Quote, ...) as float Series.
    Returns (series, short German label, German explanation). Cached per package."""
    key = (str(package.path), package.fingerprint)
    if key not in _NEED_CACHE:
        if len(_NEED_CACHE) >= 4:
            _NEED_CACHE.pop(next(iter(_NEED_CACHE)))
        _NEED_CACHE[key] = _compute_need(package)
    series, label, explanation = _NEED_CACHE[key]
    return series.copy(), label, explanation


def _compute_need(package: DataPackage) -> tuple[pd.Series, str, str]:
    level = default_level(package)
    ids = pd.Index(package.area_frames[level]["area_id"])
    year = package.years[-1] if package.years else None
    name = si.default_method_name(package.path)
    reason = "das Datenpaket enthält keine Methode"
    if name and year is not None:
        try:
            method = si.resolve_method(name, package.path)
            if (method.level or package.levels[-1]) != level:
                reason = "die Methode ist nicht für Ortsteile berechnet"
            else:
                result = si.compute(package, method, year)
                labels = [c.label for c in method.status.classes]
                values = result.areas["class"].reindex(ids)
                series = pd.Series(pd.Categorical(values, categories=labels, ordered=True), index=ids,
                                   name="need")
                missing = int(series.isna().sum())
                explanation = (f"Statusklasse des Sozialindex {year} nach der Methode „{method.title}“ "
                               "(höhere Klasse = mehr Handlungsbedarf).")
                if missing:
                    explanation += (f" {missing} Gebiete haben keine Klasse: sie sind von der Berechnung "
                                    "ausgeschlossen (Begründung auf der Seite Sozialindex).")
                return series, f"Sozialindex {year} (Statusklasse)", explanation
        except si.SozialindexError as exc:
            reason = str(exc).split("\n")[0] if not isinstance(exc, si.MethodError) else \
                " ".join(str(p) for p in exc.problems)
    available = queries.indicators_for_level(package, level)
    candidates = [i for i in NEED_FALLBACK_INDICATORS if i in available]
    candidates += [i for i in available if package.indicators.at[i, "direction"] == "need_higher"]
    if not candidates:
        return (pd.Series(np.nan, index=ids, name="need", dtype="float64"), "kein Bedarfsmaß",
                f"Kein Sozialindex berechenbar ({reason}) und kein Bedarfsindikator vorhanden.")
    indicator = candidates[0]
    ind_year = queries.years_for(package, indicator, level)[-1]
    table = queries.values(package, indicator, ind_year, level).set_index("area_id")["value"]
    series = table.reindex(ids).astype("float64").rename("need")
    row = package.indicators.loc[indicator]
    unit = f" ({row['unit']})" if not _missing(row["unit"]) and row["unit"] else ""
    explanation = (f"Kein Sozialindex berechenbar ({reason}); als Bedarf gezeigt wird der Indikator "
                   f"„{row['name']}“ {ind_year} (höherer Wert = mehr Handlungsbedarf).")
    return series, f"{row['short_name']} {ind_year}{unit}", explanation


def need_vs_action(frame: pd.DataFrame, package: DataPackage, need: pd.Series) -> pd.DataFrame:
    """Per Ortsteil (all of them, areas.csv order): area_id, name, slug, need (the value of
    `need` for the area: class label or number; None if missing), need_order (a sortable number:
    the 1-based class number for a categorical `need`, else the value itself; NaN for a missing
    number), measures (number
    of measures touching it), active_measures (of these: geplant, in Vorbereitung, in Umsetzung)."""
    frame = _ensure(frame)
    level = default_level(package)
    out = package.area_frames[level][["area_id", "name", "slug"]].copy().reset_index(drop=True)
    need = need.copy()
    need.index = need.index.astype(str)
    aligned = need.reindex(out["area_id"])
    if isinstance(aligned.dtype, pd.CategoricalDtype):
        codes = aligned.cat.codes.to_numpy()
        out["need"] = [None if c < 0 else str(v) for c, v in zip(codes, aligned.astype(object))]
        out["need_order"] = pd.array([None if c < 0 else int(c) + 1 for c in codes], dtype="Int64")
    else:
        values = aligned.to_numpy(dtype=object)
        out["need"] = [None if _missing(v) else v for v in values]
        out["need_order"] = pd.to_numeric(aligned, errors="coerce").to_numpy(dtype="float64")
    counts = _touch_counts(frame, package, out["area_id"])
    active = _touch_counts(frame[frame["status"].isin(ACTIVE_STATUSES)], package, out["area_id"])
    out["measures"] = [counts[a] for a in out["area_id"]]
    out["active_measures"] = [active[a] for a in out["area_id"]]
    return out


# ---- display table, AG Grid server side, exports -------------------------------------------

class GridColumn(NamedTuple):
    field: str
    header: str
    type: str  # "text" | "number" | "date"


GRID_COLUMNS: tuple[GridColumn, ...] = (
    GridColumn("measure_id", "Maßnahmen-ID", "text"),
    GridColumn("title", "Titel", "text"),
    GridColumn("leitlinien", "Leitlinien", "text"),
    GridColumn("primary_leitlinie", "Haupt-Leitlinie", "number"),
    GridColumn("status", "Status", "text"),
    GridColumn("areas", "Gebiete", "text"),
    GridColumn("responsible", "Federführung", "text"),
    GridColumn("traeger", "Träger", "text"),
    GridColumn("start", "Beginn", "date"),
    GridColumn("planned_end", "geplantes Ende", "date"),
    GridColumn("actual_end", "tatsächliches Ende", "date"),
    GridColumn("progress", "Fortschritt (%)", "number"),
    GridColumn("budget_planned", "Budget geplant (EUR)", "number"),
    GridColumn("budget_spent", "Budget verausgabt (EUR)", "number"),
    GridColumn("funding", "Finanzierung", "text"),
    GridColumn("priority", "Priorität", "text"),
    GridColumn("source", "Quelle", "text"),
    GridColumn("last_change", "letzte Änderung", "date"),
)
GRID_TYPES = {c.field: c.type for c in GRID_COLUMNS}
_STATUS_RANK = {MEASURE_STATUS_LABELS[s]: float(i) for i, s in enumerate(MEASURE_STATUSES)}


def _iso(values: pd.Series) -> list[str | None]:
    parsed = pd.to_datetime(values, errors="coerce")
    text = parsed.dt.strftime("%Y-%m-%d").tolist()
    return [None if missing else t for t, missing in zip(text, parsed.isna().tolist())]


def _text(values: pd.Series) -> list[str | None]:
    return [None if _missing(v) or str(v) == "" else str(v) for v in values.tolist()]


def display_frame(frame: pd.DataFrame, package: DataPackage) -> pd.DataFrame:
    """The GRID_COLUMNS fields, one row per measure: text as str/None, numbers as float (NaN if
    missing), dates as ISO strings "YYYY-MM-DD"/None. Status as its German label; leitlinien as
    "1, 4"; areas as area names ("gesamtstädtisch" for none). `last_change` falls back to the
    date of `updated_at` where it is empty."""
    frame = _ensure(frame)
    names = package.areas["name"].astype(str).to_dict()
    status = frame["status"].astype(object)
    last_change = pd.to_datetime(frame["last_change"], errors="coerce")
    if "updated_at" in frame.columns:
        updated = pd.to_datetime(frame["updated_at"], errors="coerce").dt.normalize()
        last_change = last_change.where(last_change.notna(), updated)
    out = pd.DataFrame({
        "measure_id": _text(frame["measure_id"]),
        "title": _text(frame["title"]),
        "leitlinien": [", ".join(str(n) for n in leitlinien_value(v)) or None for v in frame["leitlinien"]],
        "primary_leitlinie": pd.to_numeric(frame["primary_leitlinie"], errors="coerce").astype("float64"),
        "status": _text(status.map(MEASURE_STATUS_LABELS).fillna(status)),
        "areas": [", ".join(names.get(a, a) for a in list_value(v)) or CITYWIDE for v in frame["area_ids"]],
        "responsible": _text(frame["responsible"]),
        "traeger": _text(frame["traeger"]),
        "start": _iso(frame["start"]),
        "planned_end": _iso(frame["planned_end"]),
        "actual_end": _iso(frame["actual_end"]),
        "progress": pd.to_numeric(frame["progress"], errors="coerce").astype("float64"),
        "budget_planned": pd.to_numeric(frame["budget_planned"], errors="coerce").astype("float64"),
        "budget_spent": pd.to_numeric(frame["budget_spent"], errors="coerce").astype("float64"),
        "funding": _text(frame["funding"]),
        "priority": _text(frame["priority"]),
        "source": _text(frame["source"]),
        "last_change": _iso(last_change),
    }, index=pd.RangeIndex(len(frame)))
    for column in out.columns:  # str/None, not pandas' Arrow strings with NaN
        if GRID_TYPES[column] != "number":
            out[column] = pd.Series(list(out[column]), index=out.index, dtype=object).where(
                out[column].notna(), None)
    return out


# AG Grid's "inRange" excludes both ends unless the column sets filterParams.inRangeInclusive.
IN_RANGE_INCLUSIVE = False


def _parse_day(text: Any) -> pd.Timestamp | None:
    if _missing(text) or str(text).strip() == "":
        return None
    ts = pd.to_datetime(str(text).strip()[:10], errors="coerce", format="%Y-%m-%d")
    return None if pd.isna(ts) else ts


def _blank_text(values: pd.Series) -> np.ndarray:
    return np.array([_missing(v) or str(v).strip() == "" for v in values], dtype=bool)


class _Columns:
    """Per-request cache of converted columns (folded text, numbers, dates)."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self._cache: dict[tuple[str, str], Any] = {}

    def get(self, column: str, kind: str) -> Any:
        key = (column, kind)
        if key not in self._cache:
            if kind == "number":
                numbers = pd.to_numeric(self.frame[column], errors="coerce")
                self._cache[key] = numbers.to_numpy(dtype="float64", na_value=np.nan)
                return self._cache[key]
            values = self.frame[column].tolist()  # plain Python objects: Arrow strings iterate slowly
            if kind == "fold":
                self._cache[key] = [fold(v) for v in values]
            elif kind == "translit":
                self._cache[key] = [fold_transliterated(v) for v in values]
            elif kind == "date":
                strings = pd.Series([None if _missing(v) else str(v)[:10] for v in values], dtype=object)
                self._cache[key] = pd.to_datetime(strings, errors="coerce", format="%Y-%m-%d").to_numpy()
            elif kind == "blank":
                self._cache[key] = _blank_text(values)
        return self._cache[key]


def _text_condition(cols: _Columns, column: str, cond: Mapping[str, Any]) -> np.ndarray | None:
    op = cond.get("type")
    blank = cols.get(column, "blank")
    if op == "blank":
        return blank
    if op == "notBlank":
        return ~blank
    needle = cond.get("filter")
    if _missing(needle) or str(needle) == "":
        return None  # AG Grid sends no condition for an empty box; ignore if one comes anyway
    base = fold(needle)
    tests = {
        "contains": lambda h, n: n in h,
        "notContains": lambda h, n: n in h,  # negated below
        "equals": lambda h, n: h == n,
        "notEqual": lambda h, n: h == n,  # negated below
        "startsWith": lambda h, n: h.startswith(n),
        "endsWith": lambda h, n: h.endswith(n),
    }
    test = tests.get(str(op))
    if test is None:
        return None
    values = cols.get(column, "fold")
    result = np.fromiter((test(h, base) for h in values), dtype=bool, count=len(values))
    if _needs_transliteration(needle):
        tr, values = fold_transliterated(needle), cols.get(column, "translit")
        result |= np.fromiter((test(h, tr) for h in values), dtype=bool, count=len(values))
    if op in ("notContains", "notEqual"):
        result = ~result | blank  # like AG Grid: an empty cell neither contains nor equals the text
    else:
        result &= ~blank
    return result


def _compare(values: np.ndarray, op: str, low: Any, high: Any) -> np.ndarray | None:
    present = ~pd.isna(values)
    with np.errstate(invalid="ignore"):
        if op == "equals":
            result = values == low
        elif op == "notEqual":
            result = values != low
        elif op == "lessThan":
            result = values < low
        elif op == "lessThanOrEqual":
            result = values <= low
        elif op == "greaterThan":
            result = values > low
        elif op == "greaterThanOrEqual":
            result = values >= low
        elif op == "inRange":
            if high is None:
                return None
            low, high = min(low, high), max(low, high)
            if IN_RANGE_INCLUSIVE:
                result = (values >= low) & (values <= high)
            else:
                result = (values > low) & (values < high)
        else:
            return None
    return np.asarray(result, dtype=bool) & present  # blanks only pass "blank"


def _number_condition(cols: _Columns, column: str, cond: Mapping[str, Any]) -> np.ndarray | None:
    values = cols.get(column, "number")
    op = str(cond.get("type"))
    if op == "blank":
        return np.isnan(values)
    if op == "notBlank":
        return ~np.isnan(values)

    def num(v: Any) -> float | None:
        try:
            x = float(str(v).replace(",", ".")) if isinstance(v, str) else float(v)
        except (TypeError, ValueError):
            return None
        return None if math.isnan(x) else x

    low = num(cond.get("filter"))
    if low is None:
        return None
    return _compare(values, op, low, num(cond.get("filterTo")))


def _date_condition(cols: _Columns, column: str, cond: Mapping[str, Any]) -> np.ndarray | None:
    values = cols.get(column, "date")
    op = str(cond.get("type"))
    if op == "blank":
        return pd.isna(values)
    if op == "notBlank":
        return ~pd.isna(values)
    low = _parse_day(cond.get("dateFrom"))
    if low is None:
        return None
    high = _parse_day(cond.get("dateTo"))
    return _compare(values, op, low.to_datetime64(), None if high is None else high.to_datetime64())


_CONDITIONS = {"text": _text_condition, "number": _number_condition, "date": _date_condition}


def _model_mask(cols: _Columns, column: str, model: Mapping[str, Any]) -> np.ndarray | None:
    """One column's filter model (simple or combined); None = ignore it."""
    if not isinstance(model, Mapping):
        return None
    kind = model.get("filterType") or GRID_TYPES.get(column)
    if kind not in _CONDITIONS:
        return None
    conditions = model.get("conditions")
    if conditions is None and ("condition1" in model or "condition2" in model):
        conditions = [model.get("condition1"), model.get("condition2")]
    if conditions is not None:
        if not isinstance(conditions, (list, tuple)):
            return None
        masks = [m for m in (_model_mask(cols, column, {"filterType": kind, **c}) if isinstance(c, Mapping)
                             else None for c in conditions) if m is not None]
        if not masks:
            return None
        combine = np.logical_or if str(model.get("operator", "AND")).upper() == "OR" else np.logical_and
        return combine.reduce(masks)
    try:
        return _CONDITIONS[kind](cols, column, model)
    except (TypeError, ValueError, OverflowError):
        return None


def _sort_order(frame: pd.DataFrame, sort_model: list[Mapping[str, Any]]) -> np.ndarray | None:
    keys, ascending = {}, []
    for i, entry in enumerate(sort_model or []):
        if not isinstance(entry, Mapping):
            continue
        column, direction = entry.get("colId"), str(entry.get("sort") or "asc").lower()
        if column not in frame.columns or direction not in ("asc", "desc"):
            continue
        kind = GRID_TYPES.get(column, "text")
        values = frame[column].tolist()
        if column == "status":  # workflow order (geplant ... abgebrochen), not the alphabet
            key = pd.Series([_STATUS_RANK.get(v) for v in values], dtype="float64")
        elif kind == "number":
            key = pd.to_numeric(frame[column], errors="coerce").astype("float64")
        elif kind == "date":
            key = pd.Series([None if _missing(v) or str(v) == "" else str(v)[:10] for v in values], dtype=object)
        else:
            key = pd.Series([None if _missing(v) or str(v).strip() == "" else fold(v) + "\u0000" + str(v)
                             for v in values], dtype=object)
        keys[f"k{i}"] = key.to_numpy()
        ascending.append(direction == "asc")
    if not keys:
        return None
    table = pd.DataFrame(keys)
    table["_pos"] = np.arange(len(frame))  # ties keep the incoming order, whatever the direction
    ordered = table.sort_values(list(keys) + ["_pos"], ascending=ascending + [True], na_position="last")
    return ordered["_pos"].to_numpy()


def _json_value(v: Any) -> Any:
    if _missing(v):
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return int(v) if float(v).is_integer() and abs(v) < 2**53 else float(v)
    return v


def grid_rows(display: pd.DataFrame, filter_model: Mapping[str, Any] | None,
              sort_model: list[Mapping[str, Any]] | None, start: int, end: int) -> tuple[list[dict], int]:
    """Rows `start`..`end` (exclusive) of the filtered, sorted `display` frame for AG Grid's
    infinite row model, and the number of rows after filtering (AG Grid's `lastRow`).

    Filter models of AG Grid Community (text, number, date; simple, combined `conditions` with
    operator AND/OR, or the older condition1/condition2). Unknown columns, filter types,
    operators or unreadable values are ignored, never raised. Empty cells only pass "blank"
    (and, for text, notEqual/notContains), as in AG Grid. Sorting: several columns, text German
    (case and accents ignored), status in workflow order (geplant ... abgebrochen), empty cells
    last in both directions, ties in the incoming order.
    Rows: dicts of the display columns with JSON values (None for missing, whole numbers as int)."""
    cols = _Columns(display)
    mask = np.ones(len(display), dtype=bool)
    for column, model in (filter_model or {}).items():
        if column not in display.columns:
            continue
        part = _model_mask(cols, column, model)
        if part is not None and len(part) == len(mask):
            mask &= part
    positions = np.flatnonzero(mask)
    order = _sort_order(display.iloc[positions], list(sort_model or []))
    if order is not None:
        positions = positions[order]
    row_count = len(positions)
    try:
        start, end = max(0, int(start)), max(0, int(end))
    except (TypeError, ValueError):
        start, end = 0, 0
    page = display.iloc[positions[start:end]] if end > start else display.iloc[0:0]
    columns = list(page.columns)
    rows = [{c: _json_value(v) for c, v in zip(columns, values)}
            for values in page.itertuples(index=False, name=None)]
    return rows, row_count


# -- exports

_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _safe_csv_text(text: str) -> str:
    """A spreadsheet must show the text, never run it: prefix formula-like text with '."""
    return "'" + text if text.startswith(_DANGEROUS_START) else text


def _csv_number(v: Any) -> str:
    if _missing(v):
        return ""
    x = float(v)
    text = str(int(x)) if x.is_integer() else f"{x:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _columns_of(display: pd.DataFrame, columns: Iterable[Any]) -> list[GridColumn]:
    out = []
    for c in columns:
        col = c if isinstance(c, GridColumn) else GridColumn(*c)
        if col.field in display.columns:
            out.append(col)
    return out


def _export_values(display: pd.DataFrame, cols: list[GridColumn]) -> list[list[Any]]:
    """Per column, the cell values for an export: text as str/None, numbers as float/None,
    dates as `datetime.date`/None (converted column-wise: per-cell parsing is slow)."""
    out = []
    for col in cols:
        values = display[col.field]
        if col.type == "number":
            numbers = pd.to_numeric(values, errors="coerce").astype("float64")
            out.append([None if math.isnan(x) else x for x in numbers.tolist()])
        elif col.type == "date":
            strings = pd.Series([None if _missing(v) else str(v)[:10] for v in values.tolist()], dtype=object)
            days = pd.to_datetime(strings, errors="coerce", format="%Y-%m-%d")
            out.append([None if pd.isna(d) else d.date() for d in days])
        else:
            out.append([None if _missing(v) else str(v) for v in values.tolist()])
    return out


def export_csv(display: pd.DataFrame, columns: Iterable[Any] = GRID_COLUMNS) -> bytes:
    """German spreadsheet CSV: UTF-8 with BOM, ';', decimal comma, dates DD.MM.YYYY, German
    headers. Text that a spreadsheet would read as a formula gets a leading apostrophe."""
    cols = _columns_of(display, columns)
    cells = []
    for col, values in zip(cols, _export_values(display, cols)):
        if col.type == "number":
            cells.append([_csv_number(v) for v in values])
        elif col.type == "date":
            cells.append(["" if v is None else v.strftime("%d.%m.%Y") for v in values])
        else:
            cells.append(["" if v is None else _safe_csv_text(v) for v in values])
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.header for c in cols])
    writer.writerows(zip(*cells))
    return buffer.getvalue().encode("utf-8-sig")


def export_xlsx(display: pd.DataFrame, columns: Iterable[Any] = GRID_COLUMNS,
                sheet_title: str = "Maßnahmen") -> bytes:
    """An Excel workbook: bold header row (frozen), column widths from the content, numbers as
    numbers, dates as real dates (DD.MM.YYYY). Every text cell is stored as text, so nothing
    starting with "=" ever becomes a formula (openpyxl would write such a string as a formula)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    cols = _columns_of(display, columns)
    book = Workbook(write_only=True)  # streams rows: several times faster for thousands of rows
    sheet = book.create_sheet(sheet_title[:31])
    bold = Font(bold=True)

    def text_cell(text: str) -> Any:
        if not text.startswith(_DANGEROUS_START):
            return text  # a plain string is written as text
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"  # never a formula
        return cell

    def date_cell(day: date) -> Any:
        cell = WriteOnlyCell(sheet, value=day)
        cell.number_format = "DD.MM.YYYY"
        return cell

    def number_cell(x: float) -> Any:
        return int(x) if x.is_integer() else x

    columns_out, widths = [], []
    for col, values in zip(cols, _export_values(display, cols)):
        width = len(col.header)
        if col.type == "number":
            cells = [None if v is None else number_cell(v) for v in values]
            width = max([width] + [len(f"{v:,.2f}") for v in values if v is not None])
        elif col.type == "date":
            cells = [None if v is None else date_cell(v) for v in values]
            width = max(width, 10)
        else:
            texts = [None if v is None else _ILLEGAL_XLSX.sub("", v) for v in values]
            cells = [None if t is None else text_cell(t) for t in texts]
            width = max([width] + [len(t) for t in texts if t is not None])
        columns_out.append(cells)
        widths.append(width)
    for j, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 8), 60)
    sheet.freeze_panes = "A2"
    header = []
    for col in cols:
        cell = WriteOnlyCell(sheet, value=col.header)
        cell.data_type = "s"
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in zip(*columns_out):
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


__all__ = [
    "ACTIVE_STATUSES",
    "CITYWIDE",
    "DONE_STATUSES",
    "FINISHED_STATUSES",
    "GRID_COLUMNS",
    "LEITLINIE_NUMBERS",
    "MAX_SEARCH",
    "AreaCounts",
    "GridColumn",
    "MeasureFilter",
    "Timeline",
    "apply_filter",
    "area_counts",
    "default_need",
    "display_frame",
    "export_csv",
    "export_xlsx",
    "filter_from_query",
    "filter_to_query",
    "fold",
    "fold_transliterated",
    "grid_rows",
    "leitlinie_area_matrix",
    "leitlinie_cards",
    "need_vs_action",
    "search_mask",
    "status_by_leitlinie",
    "timeline",
]
