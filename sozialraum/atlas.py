"""The Sozialstrukturatlas: one indicator, one year, the areas of one level — filtered,
ranked, classified for the map — and two indicators side by side.

Plain pandas/numpy; the pages only turn these frames into figures and tables, and the CSV
downloads use the very same frames, so a download always equals what is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from . import formatting as fmt
from . import queries
from .package import DataPackage
from .schema import AREA_KIND_LABELS, LEVEL_LABELS_DATIVE_PLURAL, LEVEL_LABELS_PLURAL

CLASSIFICATIONS = {
    "quantile": "Quantile (gleich viele Gebiete je Klasse)",
    "gleich": "Gleiche Intervalle",
    "jenks": "Natürliche Brüche (Jenks)",
}
DEFAULT_CLASSIFICATION = "quantile"
COLOR_MODES = {"klassen": "Klassen (mehr Handlungsbedarf = dunkler)",
               "stadtwert": "Abweichung vom Stadtwert"}
DEFAULT_CLASS_COUNT = 5
JENKS_SAMPLE = 800  # Fisher-Jenks is O(k·n²); larger inputs are reduced to this many quantile points


# ---- filters -------------------------------------------------------------------------------

@dataclass(frozen=True)
class AreaFilter:
    """Which areas every view of the page shows. Empty tuples mean "no restriction"."""
    planning_areas: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    only_ortsteilrat: bool = False
    areas: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return bool(self.planning_areas or self.kinds or self.only_ortsteilrat or self.areas)


@dataclass(frozen=True)
class AtlasState:
    indicator: str
    year: int
    level: str
    partner: str                                  # second indicator of the scatter
    area_filter: AreaFilter = AreaFilter()
    selected: tuple[str, ...] = ()                # highlighted areas (clicks)
    brushed: tuple[str, ...] = ()                 # box/lasso selection of the scatter: filters the views
    classification: str = DEFAULT_CLASSIFICATION
    colors: str = "klassen"
    index_layer: bool = False                     # Sozialindex classes as symbols on the map

    def with_(self, **changes) -> "AtlasState":
        return replace(self, **changes)


def parent_level(package: DataPackage, level: str) -> str | None:
    """The level just above `level` that is not the city (the Planungsraum for Ortsteile)."""
    position = package.levels.index(level)
    coarser = [lv for lv in package.levels[1:position]]
    return coarser[-1] if coarser else None


def filter_areas(package: DataPackage, level: str, area_filter: AreaFilter) -> pd.Index:
    """Area ids of `level` that pass every active filter (kind and Ortsteilrat only exist for
    the finest areas; on a coarser level they do not restrict)."""
    areas = package.areas[package.areas["level"] == level]
    keep = pd.Series(True, index=areas.index)
    if area_filter.planning_areas:
        chosen = set(area_filter.planning_areas)
        if parent_level(package, level) is not None:
            keep &= areas["parent_id"].astype(str).isin(chosen)
        else:
            keep &= areas.index.astype(str).isin(chosen)
    if area_filter.kinds and areas["kind"].notna().any():
        keep &= areas["kind"].isin(area_filter.kinds)
    if area_filter.only_ortsteilrat and areas["ortsteilrat"].notna().any():
        keep &= areas["ortsteilrat"].fillna(False).astype(bool)
    if area_filter.areas:
        keep &= areas.index.astype(str).isin(set(area_filter.areas))
    return areas.index[keep.to_numpy()]


def filter_description(package: DataPackage, level: str, area_filter: AreaFilter) -> str:
    """The active filters in words, for captions and the CSV ("Planungsraum Nord; Art: ländlich")."""
    parts = []
    if area_filter.planning_areas:
        names = [str(package.areas.at[a, "name"]) for a in area_filter.planning_areas if a in package.areas.index]
        parts.append(", ".join(names))
    if area_filter.kinds:
        parts.append("Art: " + ", ".join(AREA_KIND_LABELS.get(k, k) for k in area_filter.kinds))
    if area_filter.only_ortsteilrat:
        parts.append("nur mit Ortsteilrat")
    if area_filter.areas:
        parts.append(f"{len(area_filter.areas)} ausgewählte Gebiete")
    return "; ".join(parts)


# ---- classification ------------------------------------------------------------------------

def jenks_breaks(values: np.ndarray, k: int) -> np.ndarray:
    """Fisher-Jenks natural breaks: k classes minimising the within-class sum of squares.
    Returns k+1 ascending edges (min … max). Exact for up to JENKS_SAMPLE distinct points."""
    x = np.sort(np.asarray(values, dtype=float))
    if len(x) > JENKS_SAMPLE:
        x = np.quantile(x, np.linspace(0, 1, JENKS_SAMPLE))
    n = len(x)
    k = max(1, min(k, len(np.unique(x))))
    s1 = np.concatenate([[0.0], np.cumsum(x)])
    s2 = np.concatenate([[0.0], np.cumsum(x * x)])
    i = np.arange(n)[:, None]   # first index of the last class
    j = np.arange(n)[None, :]   # last index
    count = (j - i + 1).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        ssd = (s2[j + 1] - s2[i]) - (s1[j + 1] - s1[i]) ** 2 / count
    ssd = np.where(j >= i, ssd, np.inf)
    cost = ssd[0].copy()                 # one class covering 0..j
    starts = np.zeros((k, n), dtype=int)
    for c in range(1, k):
        # cost of c+1 classes ending at j, the last one starting at i: cost[i-1] + ssd[i, j]
        previous = np.concatenate([[np.inf], cost[:-1]])[:, None]
        total = previous + ssd
        starts[c] = np.argmin(total, axis=0)
        cost = total[starts[c], np.arange(n)]
    edges = [x[-1]]
    end = n - 1
    for c in range(k - 1, 0, -1):
        start = starts[c, end]
        edges.append(x[start])
        end = start - 1
    edges.append(x[0])
    return np.array(sorted(edges))


def class_edges(values, method: str = DEFAULT_CLASSIFICATION, k: int = DEFAULT_CLASS_COUNT) -> np.ndarray:
    """Ascending class edges (k+1 at most, duplicates removed) for the finite `values`."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return np.array([])
    low, high = float(x.min()), float(x.max())
    if low == high:
        return np.array([low, high])
    if method == "gleich":
        edges = np.linspace(low, high, k + 1)
    elif method == "jenks":
        edges = jenks_breaks(x, k)
    else:
        edges = np.quantile(x, np.linspace(0, 1, k + 1))
    edges[0], edges[-1] = low, high
    # drop repeated edges (ties; quantiles of tied values differ only by rounding noise)
    keep = np.concatenate([[True], np.diff(edges) > 1e-9 * (high - low)])
    unique = edges[keep]
    unique[-1] = high
    if method == "jenks" and len(edges) >= 3 and edges[-2] == edges[-1] and len(unique) >= 2:
        # a top class holding only the maximum (one outlier area, as Jenks finds it) stays a class:
        # the last interval [max, max] is closed, see assign_classes
        unique = np.append(unique, unique[-1])
    return unique


def assign_classes(values, edges: np.ndarray) -> np.ndarray:
    """Class index per value (0 = lowest); -1 where the value is missing. Intervals are
    [edge_i, edge_i+1), the last one closed, so the maximum falls into the top class."""
    x = np.asarray(values, dtype=float)
    out = np.full(len(x), -1, dtype=int)
    if len(edges) < 2:
        out[np.isfinite(x)] = 0
        return out
    finite = np.isfinite(x)
    out[finite] = np.clip(np.searchsorted(edges, x[finite], side="right") - 1, 0, len(edges) - 2)
    return out


def class_labels(edges: np.ndarray, decimals: int, unit: str | None) -> list[str]:
    """German legend labels: "2,1 bis unter 4,0 %", the top class "… bis 28,4 %"."""
    if len(edges) < 2:
        return [fmt.value(edges[0], decimals, unit)] if len(edges) else []
    labels = []
    for index in range(len(edges) - 1):
        low, high = fmt.number(edges[index], decimals), fmt.value(edges[index + 1], decimals, unit)
        if edges[index] == edges[index + 1]:
            labels.append(fmt.value(edges[index], decimals, unit))
            continue
        word = "bis" if index == len(edges) - 2 else "bis unter"
        labels.append(f"{low} {word} {high}")
    return labels


# ---- the atlas frames ----------------------------------------------------------------------

def area_values(package: DataPackage, indicator_id: str, year: int, level: str,
                area_ids: pd.Index | None = None) -> pd.DataFrame:
    """One row per shown area: area_id, name, slug, parent, kind, value, suppressed, note, rank
    (1 = highest value among the shown areas), sorted by value descending, gaps last."""
    table = queries.values(package, indicator_id, year, level)
    if area_ids is not None and len(area_ids) < len(table):  # no filter: nothing to drop
        table = table[table["area_id"].isin(set(map(str, area_ids)))].reset_index(drop=True)
    table["rank"] = table["value"].rank(method="min", ascending=False).astype("Int64")
    return table


def classify(table: pd.DataFrame, method: str, k: int = DEFAULT_CLASS_COUNT) -> tuple[np.ndarray, np.ndarray]:
    """(edges, class per row) for an `area_values` frame."""
    edges = class_edges(table["value"].to_numpy(), method, k)
    return edges, assign_classes(table["value"].to_numpy(), edges)


def deviation_edges(edges: np.ndarray, city: float) -> np.ndarray:
    """Edges with the city value inserted, so a diverging scale splits exactly there."""
    if not np.isfinite(city) or len(edges) < 2 or not (edges[0] < city < edges[-1]):
        return edges
    return np.unique(np.append(edges, city))


def population(package: DataPackage, year: int, area_ids) -> pd.Series:
    """Residents per area for bubble sizes: the `einwohner` indicator in that year where the
    package has it, otherwise the population column of areas.csv."""
    ids = [str(a) for a in area_ids]
    fallback = package.areas["population"].reindex(ids).astype("float64")
    if "einwohner" not in package.indicators.index:
        return fallback
    rows = package.cell_rows("einwohner", year, str(package.areas.at[ids[0], "level"])) if ids else None
    if rows is None or rows.empty:
        return fallback
    counted = rows.set_index(rows["area_id"].astype(str))["value"].astype("float64")
    return counted.reindex(ids).fillna(fallback)


def scatter_frame(package: DataPackage, x_indicator: str, y_indicator: str, year: int, level: str,
                  area_ids: pd.Index | None = None) -> pd.DataFrame:
    """area_id, name, x, y (NaN where missing or suppressed), x/y_suppressed, population."""
    x = area_values(package, x_indicator, year, level, area_ids).set_index("area_id")
    y = queries.values(package, y_indicator, year, level).set_index("area_id")
    frame = pd.DataFrame({
        "area_id": x.index, "name": x["name"].to_numpy(), "slug": x["slug"].to_numpy(),
        "x": x["value"].to_numpy(), "x_suppressed": x["suppressed"].to_numpy(),
        "y": y["value"].reindex(x.index).to_numpy(),
        "y_suppressed": y["suppressed"].reindex(x.index).fillna(False).astype(bool).to_numpy(),
    })
    frame["population"] = population(package, year, frame["area_id"]).to_numpy()
    return frame


def correlation(frame: pd.DataFrame) -> tuple[float, int]:
    """Pearson r of x and y over areas with both values, and how many areas that is."""
    both = frame.dropna(subset=["x", "y"])
    if len(both) < 3 or both["x"].std() == 0 or both["y"].std() == 0:
        return float("nan"), len(both)
    return float(np.corrcoef(both["x"], both["y"])[0, 1]), len(both)


def correlation_words(r: float) -> str:
    """Pearson r in words: "ein starker, gleichläufiger Zusammenhang"."""
    if not np.isfinite(r):
        return "kein berechenbarer Zusammenhang"
    strength = abs(r)
    if strength < 0.2:
        return "kaum ein Zusammenhang"
    word = "ein schwacher" if strength < 0.4 else "ein mittlerer" if strength < 0.6 else "ein starker"
    return f"{word}, {'gleichläufiger' if r > 0 else 'gegenläufiger'} Zusammenhang"


# ---- sentences -----------------------------------------------------------------------------

def ranking_finding(package: DataPackage, indicator_id: str, year: int, table: pd.DataFrame,
                    level: str) -> str:
    """"Höchster Wert: Rieth 28,4 %, niedrigster: Alach 2,1 %; Stadt 9,1 % (2024)." for the shown areas."""
    name = package.indicators.at[indicator_id, "name"]
    shown = table[table["value"].notna()]
    city, hidden = queries.city_value(package, indicator_id, year)
    city_text = f"Stadt {queries.format_value(package, indicator_id, city, hidden)}"
    if shown.empty:
        return (f"Für „{name}“ liegen {year} für die gezeigten {LEVEL_LABELS_PLURAL[level]} keine Werte vor; "
                f"{city_text}.")
    top, low = shown.iloc[0], shown.iloc[-1]
    sentence = (f"Höchster Wert: {top['name']} {queries.format_value(package, indicator_id, top['value'])}, "
                f"niedrigster: {low['name']} {queries.format_value(package, indicator_id, low['value'])}; "
                f"{city_text} ({year}).")
    if np.isfinite(city):
        above = int((shown["value"] > city).sum())
        verb = "liegt" if above == 1 else "liegen"
        sentence += f" {above} von {len(shown)} {LEVEL_LABELS_DATIVE_PLURAL[level]} {verb} über dem Stadtwert."
    hidden_count = int(table["suppressed"].sum())
    missing = int((table["value"].isna() & ~table["suppressed"]).sum())
    extra = []
    if hidden_count:
        extra.append(f"{hidden_count} geheimgehalten (·)")
    if missing:
        extra.append(f"{missing} ohne Angabe (–)")
    if extra:
        sentence += " " + " und ".join(extra) + "."
    return sentence


def distribution_finding(package: DataPackage, indicator_id: str, table: pd.DataFrame) -> str:
    values = table["value"].dropna()
    if values.empty:
        return "Keine Werte für eine Verteilung."
    q1, median, q3 = np.quantile(values, [0.25, 0.5, 0.75])
    fv = lambda v: queries.format_value(package, indicator_id, v)  # noqa: E731
    return (f"Median {fv(median)}; die mittlere Hälfte der Gebiete liegt zwischen {fv(q1)} und {fv(q3)} "
            f"(Spannweite {fv(values.min())} bis {fv(values.max())}, {len(values)} Gebiete).")


def scatter_finding(package: DataPackage, frame: pd.DataFrame, x_indicator: str, y_indicator: str) -> str:
    r, n = correlation(frame)
    x_name = package.indicators.at[x_indicator, "short_name"]
    y_name = package.indicators.at[y_indicator, "short_name"]
    if n < 3:
        return f"Zu wenige Gebiete mit Werten für „{x_name}“ und „{y_name}“ ({n}) für einen Vergleich."
    r_text = fmt.number(r, 2)
    return (f"Zwischen {x_name} und {y_name} besteht {correlation_words(r)} (Korrelation r = {r_text}, "
            f"{n} Gebiete mit beiden Werten). Ein Zusammenhang ist kein Beleg für eine Ursache.")


# ---- one computed view (shared by the page and its CSV downloads) ----------------------------

@dataclass(frozen=True)
class AtlasView:
    state: AtlasState
    shown: pd.Index            # areas passing the filters
    table: pd.DataFrame        # area_values of the shown (and brushed) areas
    edges: np.ndarray
    classes: np.ndarray        # per table row, -1 = no value
    labels: list[str]
    city: float
    city_suppressed: bool


def compute_view(package: DataPackage, state: AtlasState) -> AtlasView:
    shown = filter_areas(package, state.level, state.area_filter)
    table = area_values(package, state.indicator, state.year, state.level, shown)
    if state.brushed:
        table = table[table["area_id"].isin(set(state.brushed))].reset_index(drop=True)
        table["rank"] = table["value"].rank(method="min", ascending=False).astype("Int64")
    city, hidden = queries.city_value(package, state.indicator, state.year)
    edges, classes = classify(table, state.classification)
    if state.colors == "stadtwert" and len(edges) >= 2:
        edges = deviation_edges(edges, city)
        classes = assign_classes(table["value"].to_numpy(), edges)
    meta = package.indicators.loc[state.indicator]
    labels = class_labels(edges, queries.decimals(package, state.indicator), str(meta["unit"]))
    return AtlasView(state, shown, table, edges, classes, labels, city, hidden)


def download_frame(package: DataPackage, view: AtlasView, chart: str) -> pd.DataFrame:
    """Exactly the rows a chart shows, for CSV: German headings, decimal comma, suppressed
    cells as "·" (never a number), class and rank as drawn."""
    state = view.state
    source_note = "Beispieldaten" if package.is_demo else ""
    if chart == "streuung":
        frame = scatter_frame(package, state.indicator, state.partner, state.year, state.level, view.shown)
        out = pd.DataFrame({"Gebiets-ID": frame["area_id"], "Gebiet": frame["name"], "Jahr": state.year})
        for column, indicator_id, flag in (("x", state.indicator, "x_suppressed"),
                                           ("y", state.partner, "y_suppressed")):
            meta = package.indicators.loc[indicator_id]
            dec = queries.decimals(package, indicator_id)
            out[f"{meta['name']} ({meta['unit']})"] = [
                fmt.SUPPRESSED if hidden else fmt.csv_number(v, dec)
                for v, hidden in zip(frame[column], frame[flag])]
        out["Einwohner"] = [fmt.csv_number(v, 0) for v in frame["population"]]
    else:
        table = view.table
        meta = package.indicators.loc[state.indicator]
        dec = queries.decimals(package, state.indicator)
        out = pd.DataFrame({
            "Gebiets-ID": table["area_id"], "Gebiet": table["name"], "übergeordnet": table["parent"],
            "Art": table["kind"], "Jahr": state.year, "Indikator": meta["name"],
            "Wert": [fmt.SUPPRESSED if s else fmt.csv_number(v, dec) for v, s in zip(table["value"], table["suppressed"])],
            "Einheit": meta["unit"],
            "Rang": ["" if pd.isna(r) else str(int(r)) for r in table["rank"]],
            "Klasse": [view.labels[c] if c >= 0 else "" for c in view.classes],
            "Stadtwert": fmt.SUPPRESSED if view.city_suppressed else fmt.csv_number(view.city, dec),
            "Quelle": meta["source"],
        })
    out["Hinweis"] = source_note
    out["Stand"] = fmt.day(package.edition)
    return out.reset_index(drop=True)
