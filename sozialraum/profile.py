"""The district profile (Ortsteil-Steckbrief): everything `/ortsteil/<slug>` shows for one
area of any level, or for the whole city.

Plain pandas/numpy, no Dash. The expensive parts are built once per package and level and
memoised by the package fingerprint (like `sozialindex.prepare`): a cube of all values
(area × indicator × year) per level, the Sozialindex classes of every year, and the
neighbours of every area. One area's profile is then a handful of vectorised slices.

Words used for judgements (`Judgement`): "better"/"worse" follow the indicator's direction
(`need_higher`: a higher value means more need, so a rise is "worse"; `need_lower`: a rise is
"better"), "neutral" for indicators without a direction, "unchanged" when the change rounds to
zero at the indicator's decimals (so the shown number and the word agree).

Summary rules (`summary`), three to six sentences, every number from the data, German format:
1. population and its change over five years (indicator `einwohner`);
2. the Sozialindex class of the newest year (default method), or why the area has none;
3. the two or three indicators farthest from the city value in standard deviations of the
   peers (same level, newest year; counts left out: they measure size, not living conditions),
   with their position among the peers and their five-year change;
4. the indicator whose five-year change differs most from the city's change (again in
   standard deviations of the peers' changes), if not named already.
Withheld (·) and missing values are skipped, never described; no causes are given.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import formatting as fmt
from . import queries
from . import sozialindex as si
from .measure_analysis import leitlinien_value, list_value
from .package import DataPackage
from .schema import (
    AREA_KIND_LABELS,
    FACILITY_TYPE_LABELS,
    LEVEL_LABELS,
    LEVEL_LABELS_DATIVE_PLURAL,
    LEVEL_LABELS_PLURAL,
    MEASURE_STATUS_LABELS,
    MEASURE_STATUSES,
)

POPULATION_INDICATOR = "einwohner"
SPAN = 5                 # "vor fünf Jahren": the change the head and the summary report
NOTABLE = 3              # indicator sentences at most (level comparison)
MIN_PEERS = 3            # fewer valued peers: no standard deviation worth the name
CITY_SLUGS = ("stadt", "gesamtstadt")  # besides the city's own slug (e.g. "erfurt")
NEIGHBOUR_TOLERANCE = 1e-4  # degrees (~10 m): rounded outlines leave hairline gaps between neighbours
NEAR_BY_DISTANCE = 4     # without geometry: this many nearest area centres count as "near"

JUDGEMENT_LABELS = {"better": "günstiger", "worse": "ungünstiger", "unchanged": "unverändert",
                    "neutral": "verändert (ohne Wertung)"}


class ProfileError(LookupError):
    """An unknown area; the message is German and meant for the page or the command line."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# ---- finding the area ----------------------------------------------------------------------

@dataclass(frozen=True)
class Place:
    area_id: str
    name: str
    slug: str
    level: str
    level_label: str

    @property
    def is_city(self) -> bool:
        return self.level == "stadt"


def _place(package: DataPackage, area_id: str) -> Place:
    row = package.areas.loc[area_id]
    return Place(area_id=str(area_id), name=str(row["name"]), slug=str(row["slug"]), level=str(row["level"]),
                 level_label=LEVEL_LABELS.get(str(row["level"]), str(row["level"])))


def resolve(package: DataPackage, slug: str) -> Place:
    """The area with this slug (or id), or the city for its own slug, "stadt" or "gesamtstadt".
    Raises ProfileError with a German message for anything else."""
    key = str(slug or "").strip().lower()
    if key in CITY_SLUGS:
        return _place(package, package.city_id)
    area_id = package.area_lookup.get(key) or package.area_lookup.get(str(slug or "").strip())
    if area_id is None:
        shown = str(slug or "").strip()[:60] or "(leer)"
        raise ProfileError(f"Ein Gebiet „{shown}“ gibt es im Datenpaket {package.city} nicht. "
                           "Bitte den Namen prüfen oder das Gebiet in der Suche „Mein Ortsteil“ wählen.")
    return _place(package, area_id)


# ---- cached, per package -------------------------------------------------------------------

@dataclass(frozen=True)
class _Cube:
    """All values of one level: values[area, indicator, year] (NaN = missing or withheld)."""
    areas: pd.Index
    indicators: pd.Index
    years: np.ndarray
    values: np.ndarray
    suppressed: np.ndarray
    city: np.ndarray        # [indicator, year]
    covered: np.ndarray     # [indicator, year]: the level has a value or a withheld cell


_CACHE: dict[tuple[int, str, str], tuple[Any, Any]] = {}


def _memo(package: DataPackage, name: str, build):
    key = (id(package), package.fingerprint, name)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is package:
        return hit[1]
    value = build()
    if len(_CACHE) >= 32:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = (package, value)
    return value


def _cube(package: DataPackage, level: str) -> _Cube:
    def build() -> _Cube:
        areas = pd.Index(package.area_frames[level]["area_id"])
        indicators = pd.Index([str(i) for i in package.indicators.index])
        years = np.array(package.years, dtype=int)
        shape = (len(areas), len(indicators), len(years))
        values = np.full(shape, np.nan)
        suppressed = np.zeros(shape, dtype=bool)
        obs = package.observations
        rows = obs[(obs["level"] == level).to_numpy()]
        # through the category codes: turning 3 million categorical cells into str takes seconds
        a = _codes_to(rows["area_id"], areas)
        i = _codes_to(rows["indicator_id"], indicators)
        y = pd.Index(years).get_indexer(rows["year"].to_numpy())
        ok = (a >= 0) & (i >= 0) & (y >= 0)
        values[a[ok], i[ok], y[ok]] = rows["value"].to_numpy(dtype="float64", na_value=np.nan)[ok]
        suppressed[a[ok], i[ok], y[ok]] = rows["suppressed"].to_numpy(dtype=bool)[ok]
        city = np.full(shape[1:], np.nan)
        for (ind, year), (v, hidden) in package.city_cells.items():
            ii, yy = indicators.get_loc(ind), int(np.searchsorted(years, year))
            if not hidden and yy < len(years) and years[yy] == year:
                city[ii, yy] = v
        covered = (~np.isnan(values) | suppressed).any(axis=0)
        return _Cube(areas, indicators, years, values, suppressed, city, covered)
    return _memo(package, f"cube:{level}", build)


def _codes_to(column: pd.Series, index: pd.Index) -> np.ndarray:
    """Positions in `index` of a column's values (-1 where absent), categorical or not."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        lookup = np.append(index.get_indexer(column.cat.categories.astype(str)), -1)
        return lookup[column.cat.codes.to_numpy()]  # code -1 (missing) picks the appended -1
    return index.get_indexer(column.astype(str))


@dataclass(frozen=True)
class SozialindexHistory:
    method_title: str
    level: str
    classes: pd.DataFrame   # index area_id, columns years; class label or None
    reasons: pd.DataFrame   # same shape; why an area has no class ("" if it has one)
    labels: tuple[str, ...]  # class labels in method order (more need further down)


def sozialindex_history(package: DataPackage) -> SozialindexHistory | None:
    """Status classes of every year by the package's default method (None if there is no
    method or it cannot be computed for any year). Cached per package."""
    def build() -> SozialindexHistory | None:
        name = si.default_method_name(package.path)
        if not name:
            return None
        try:
            method = si.resolve_method(name, package.path)
        except si.SozialindexError:
            return None
        level = method.level or package.levels[-1]
        classes, reasons = {}, {}
        for year in package.years:
            try:
                result = si.compute(package, method, year)
            except si.SozialindexError:
                continue  # a year the method cannot use (e.g. an indicator not yet collected)
            classes[year] = result.areas["class"].astype(object).where(result.areas["class"].notna(), None)
            reasons[year] = result.areas["reason"]
        if not classes:
            return None
        return SozialindexHistory(method.title, level, pd.DataFrame(classes), pd.DataFrame(reasons),
                                  tuple(c.label for c in method.status.classes))
    return _memo(package, "sozialindex", build)


# ---- small pure helpers --------------------------------------------------------------------

def _num(x: Any) -> float | None:
    """A float, or None for None/NaN (nothing downstream ever sees NaN)."""
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else x


def _is_zero(delta: float, decimals: int) -> bool:
    return float(f"{abs(delta):.{decimals}f}") == 0


def judge(delta: float | None, direction: str, decimals: int) -> str | None:
    """'better', 'worse', 'unchanged', 'neutral' or None (nothing to compare)."""
    if delta is None or math.isnan(delta):
        return None
    if _is_zero(delta, decimals):
        return "unchanged"
    if direction not in ("need_higher", "need_lower"):
        return "neutral"
    worse = (delta > 0) == (direction == "need_higher")
    return "worse" if worse else "better"


def arrow(delta: float | None, decimals: int) -> str:
    if delta is None or math.isnan(delta):
        return ""
    if _is_zero(delta, decimals):
        return "→"
    return "↑" if delta > 0 else "↓"


def direction_word(delta: float, decimals: int) -> str:
    if _is_zero(delta, decimals):
        return "gleich geblieben"
    return "gestiegen" if delta > 0 else "gesunken"


def amount(delta: float, decimals: int, unit: str) -> str:
    """An unsigned difference for a sentence: "3,1 Prozentpunkte", "12 Personen"."""
    text = fmt.number(abs(delta), decimals)
    return f"{text} Prozentpunkte" if unit == "%" else fmt.with_unit(text, unit)


def _change_clause(delta: float, base_year: int, decimals: int, unit: str, subject: str = "er") -> str:
    """"seit 2019 ist er um 3,1 Prozentpunkte gesunken" / "… ist er gleich geblieben"."""
    word = direction_word(delta, decimals)
    if word == "gleich geblieben":
        return f"seit {base_year} ist {subject} gleich geblieben"
    return f"seit {base_year} ist {subject} um {amount(delta, decimals, unit)} {word}"


# ---- head ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Head:
    place: Place
    kind: str | None                    # "Großwohnsiedlung" (Ortsteile only)
    parents: tuple[Place, ...]          # coarser areas below the city, nearest first
    planungsraum: Place | None
    ortsteilrat: bool | None            # None: not recorded / not an Ortsteil
    population: float | None
    population_year: int | None
    population_base_year: int | None
    population_change: float | None     # persons since population_base_year
    population_change_pct: float | None
    sozialindex_method: str | None
    sozialindex_year: int | None
    sozialindex_class: str | None
    sozialindex_reason: str | None      # why there is no class ("" or None if there is one)
    sozialindex_history: tuple[tuple[int, str | None], ...] = ()


def _parents(package: DataPackage, area_id: str) -> tuple[Place, ...]:
    out, current = [], package.areas.at[area_id, "parent_id"]
    while isinstance(current, str) and current and current != package.city_id:
        out.append(_place(package, current))
        current = package.areas.at[current, "parent_id"]
    return tuple(out)


def head(package: DataPackage, place: Place) -> Head:
    row = package.areas.loc[place.area_id]
    parents = _parents(package, place.area_id)
    kind = row.get("kind")
    rat = row.get("ortsteilrat")
    population = population_year = base_year = change = change_pct = None
    if POPULATION_INDICATOR in package.indicators.index:
        cube = _cube(package, place.level)
        series = cube.values[cube.areas.get_loc(place.area_id), cube.indicators.get_loc(POPULATION_INDICATOR)]
        have = np.flatnonzero(~np.isnan(series))
        if len(have):
            last = have[-1]
            population, population_year = float(series[last]), int(cube.years[last])
            base = np.flatnonzero(cube.years == population_year - SPAN)
            if len(base) and not np.isnan(series[base[0]]):
                base_year = population_year - SPAN
                change = population - float(series[base[0]])
                change_pct = change / float(series[base[0]]) * 100 if series[base[0]] else None
    if population is None and _num(row.get("population")) is not None:
        population = float(row["population"])  # reference figure of areas.csv, no time series
    sozialindex = sozialindex_history(package)
    method = cls = reason = year = None
    history: tuple[tuple[int, str | None], ...] = ()
    if sozialindex is not None and sozialindex.level == place.level and place.area_id in sozialindex.classes.index:
        method = sozialindex.method_title
        year = int(sozialindex.classes.columns[-1])
        cls = sozialindex.classes.at[place.area_id, year]
        reason = str(sozialindex.reasons.at[place.area_id, year] or "")
        history = tuple((int(y), sozialindex.classes.at[place.area_id, y]) for y in sozialindex.classes.columns)
    return Head(
        place=place, kind=AREA_KIND_LABELS.get(kind) if isinstance(kind, str) else None, parents=parents,
        planungsraum=next((p for p in parents if p.level == "planungsraum"), None),
        ortsteilrat=None if rat is None or pd.isna(rat) else bool(rat),
        population=population, population_year=population_year, population_base_year=base_year,
        population_change=change, population_change_pct=change_pct, sozialindex_method=method,
        sozialindex_year=year, sozialindex_class=cls, sozialindex_reason=reason, sozialindex_history=history,
    )


# ---- indicator rows ------------------------------------------------------------------------

@dataclass(frozen=True)
class IndicatorRow:
    indicator_id: str
    name: str
    short_name: str
    theme: str
    unit: str
    decimals: int
    direction: str                 # need_higher / need_lower / neutral
    value_type: str
    year: int                      # newest year the level has for this indicator
    value: float | None            # None: missing or withheld
    suppressed: bool
    city_value: float | None
    difference: float | None       # value - city value (percentage points for %)
    position: str | None           # judge(difference): is the area better or worse off than the city
    rank: int | None               # 1 = highest value among the peers; ties share the best rank
    rank_of: int | None            # peers with a value (withheld and missing ones not counted)
    ties: int                      # other peers with exactly the same value
    higher: int | None             # peers with a strictly higher value
    lower: int | None              # peers with a strictly lower value
    zscore: float | None           # (value - city value) / standard deviation of the peers
    previous_year: int | None
    change_1y: float | None
    judgement_1y: str | None
    base_year: int | None
    change_5y: float | None
    judgement_5y: str | None
    city_change_5y: float | None
    change_zscore: float | None    # (change - city change) / sd of the peers' changes
    sparkline: tuple[tuple[int, float | None, bool], ...] = field(default=(), repr=False)

    def text(self, value: float | None = None) -> str:
        return fmt.value(self.value if value is None else value, self.decimals, self.unit,
                         suppressed=self.suppressed and value is None)

    @property
    def difference_text(self) -> str:
        return fmt.change(self.difference, self.decimals, self.unit)


@dataclass(frozen=True)
class ThemeGroup:
    theme: str
    rows: tuple[IndicatorRow, ...]


def _catalogue(package: DataPackage) -> pd.DataFrame:
    def build() -> pd.DataFrame:
        ind = package.indicators
        return pd.DataFrame({
            "name": ind["name"].astype(str), "short_name": ind["short_name"].astype(str),
            "theme": ind["theme"].astype(str), "unit": ind["unit"].fillna("").astype(str),
            "decimals": [queries.decimals(package, i) for i in ind.index],
            "direction": ind["direction"].fillna("neutral").astype(str),
            "value_type": ind["value_type"].fillna("").astype(str),
        }, index=pd.Index([str(i) for i in ind.index]))
    return _memo(package, "catalogue", build)


def indicator_rows(package: DataPackage, place: Place) -> list[IndicatorRow]:
    """One row per indicator the level has, catalogue order; vectorised over indicators."""
    cube = _cube(package, place.level)
    cat = _catalogue(package)
    n_ind, n_year = cube.covered.shape
    present = cube.covered.any(axis=1)
    # newest covered year per indicator
    latest = np.where(present, n_year - 1 - np.argmax(cube.covered[:, ::-1], axis=1), 0)
    cols = np.arange(n_ind)
    a = cube.areas.get_loc(place.area_id)
    peers = cube.values[:, cols, latest]                    # [area, indicator]
    own = peers[a]
    own_hidden = cube.suppressed[a, cols, latest]
    city = cube.city[cols, latest]
    valued = ~np.isnan(peers)
    with np.errstate(invalid="ignore"):
        higher = (peers > own).sum(axis=0)
        lower = (peers < own).sum(axis=0)
        ties = (peers == own).sum(axis=0) - 1
    count = valued.sum(axis=0)
    sd = _nanstd(peers)
    years = cube.years

    def at(offset: int) -> tuple[np.ndarray, np.ndarray]:
        idx = np.searchsorted(years, years[latest] - offset)
        ok = (idx < n_year) & (years[np.minimum(idx, n_year - 1)] == years[latest] - offset)
        idx = np.minimum(idx, n_year - 1)
        return idx, ok
    prev_idx, prev_ok = at(1)
    base_idx, base_ok = at(SPAN)
    change_1 = np.where(prev_ok, own - cube.values[a, cols, prev_idx], np.nan)
    peer_change = np.where(base_ok, peers - cube.values[:, cols, base_idx], np.nan)
    change_5 = peer_change[a]
    city_change = np.where(base_ok, city - cube.city[cols, base_idx], np.nan)
    change_sd = _nanstd(peer_change)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where((sd > 0) & (count >= MIN_PEERS), (own - city) / sd, np.nan)
        zc = np.where((change_sd > 0) & (count >= MIN_PEERS), (change_5 - city_change) / change_sd, np.nan)
    is_city = place.is_city
    rows = []
    for i in np.flatnonzero(present):
        ind = cube.indicators[i]
        meta = cat.loc[ind]
        dec, unit, direction = int(meta["decimals"]), str(meta["unit"]), str(meta["direction"])
        value = _num(own[i])
        city_v = _num(city[i])
        diff = None if is_city or value is None or city_v is None else value - city_v
        has_rank = value is not None and not is_city
        c1, c5 = _num(change_1[i]), _num(change_5[i])
        spark = tuple((int(y), _num(cube.values[a, i, k]), bool(cube.suppressed[a, i, k]))
                      for k, y in enumerate(years) if cube.covered[i, k])
        rows.append(IndicatorRow(
            indicator_id=ind, name=str(meta["name"]), short_name=str(meta["short_name"]), theme=str(meta["theme"]),
            unit=unit, decimals=dec, direction=direction, value_type=str(meta["value_type"]),
            year=int(years[latest[i]]), value=value, suppressed=bool(own_hidden[i]), city_value=city_v,
            difference=diff, position=judge(diff, direction, dec),
            rank=int(higher[i]) + 1 if has_rank else None, rank_of=int(count[i]) if has_rank else None,
            ties=int(ties[i]) if has_rank else 0, higher=int(higher[i]) if has_rank else None,
            lower=int(lower[i]) if has_rank else None, zscore=None if is_city else _num(z[i]),
            previous_year=int(years[latest[i]] - 1) if prev_ok[i] else None, change_1y=c1,
            judgement_1y=judge(c1, direction, dec),
            base_year=int(years[latest[i]] - SPAN) if base_ok[i] else None, change_5y=c5,
            judgement_5y=judge(c5, direction, dec), city_change_5y=_num(city_change[i]),
            change_zscore=None if is_city else _num(zc[i]), sparkline=spark,
        ))
    return rows


def _nanstd(matrix: np.ndarray) -> np.ndarray:
    """Sample standard deviation per column, NaN ignored; NaN where fewer than two values."""
    count = (~np.isnan(matrix)).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(matrix, axis=0) / count
        var = np.nansum((matrix - mean) ** 2, axis=0) / (count - 1)
    return np.where(count >= 2, np.sqrt(var), np.nan)


def by_theme(package: DataPackage, rows: list[IndicatorRow]) -> list[ThemeGroup]:
    """Rows grouped by theme, themes in catalogue order."""
    themes = list(dict.fromkeys(package.indicators["theme"].astype(str)))
    return [ThemeGroup(t, tuple(r for r in rows if r.theme == t)) for t in themes
            if any(r.theme == t for r in rows)]


def rows_frame(rows: list[IndicatorRow]) -> pd.DataFrame:
    """The indicator table as a frame (sparkline left out), for "Daten als Tabelle" and CSV."""
    columns = [f for f in IndicatorRow.__dataclass_fields__ if f != "sparkline"]
    return pd.DataFrame([{c: getattr(r, c) for c in columns} for r in rows], columns=columns)


# ---- the summary ---------------------------------------------------------------------------

def _population_sentence(h: Head, name: str) -> str | None:
    if h.population is None:
        return None
    sentence = f"In {name} leben {fmt.number(h.population, 0)} Menschen"
    sentence += f" ({h.population_year})" if h.population_year else ""
    if h.population_change is not None and h.population_base_year is not None:
        word = direction_word(h.population_change, 0)
        if word == "gleich geblieben":
            sentence += f"; seit {h.population_base_year} ist die Einwohnerzahl gleich geblieben"
        else:
            pct = ""
            if h.population_change_pct is not None and not _is_zero(h.population_change_pct, 1):
                pct = f" ({fmt.number(abs(h.population_change_pct), 1)} %)"
            sentence += (f"; seit {h.population_base_year} ist die Einwohnerzahl um "
                         f"{fmt.number(abs(h.population_change), 0)}{pct} {word}")
    return sentence + "."


def _sozialindex_sentence(h: Head, name: str) -> str | None:
    if h.sozialindex_year is None:
        return None
    if h.sozialindex_class:
        sentence = f"Im Sozialindex {h.sozialindex_year} gehört {name} zur Klasse „{h.sozialindex_class}“"
        earlier = dict(h.sozialindex_history).get(h.sozialindex_year - SPAN)
        if earlier and earlier != h.sozialindex_class:
            sentence += f" ({h.sozialindex_year - SPAN}: „{earlier}“)"
        elif earlier:
            sentence += f", wie schon {h.sozialindex_year - SPAN}"
        return sentence + "."
    reason = f", Grund: {h.sozialindex_reason}" if h.sozialindex_reason else ""
    return f"Im Sozialindex {h.sozialindex_year} wird {name} nicht eingestuft{reason}."


def _position_phrase(row: IndicatorRow, level: str) -> str:
    """"höher als in 45 von 53 Ortsteilen", or "der höchste Wert aller 53 Ortsteile"."""
    assert row.rank_of is not None and row.higher is not None and row.lower is not None
    dative = LEVEL_LABELS_DATIVE_PLURAL.get(level, level)
    plural = LEVEL_LABELS_PLURAL.get(level, level)
    above = row.difference is not None and row.difference > 0
    extreme, beaten = (row.higher, row.lower) if above else (row.lower, row.higher)
    word = "höchste" if above else "niedrigste"
    if extreme == 0:
        shared = f"gemeinsam mit {fmt.number(row.ties)} weiteren " if row.ties else ""
        return f"{shared}der {word} Wert aller {fmt.number(row.rank_of)} {plural}"
    return (f"{'höher' if above else 'niedriger'} als in {fmt.number(beaten)} von {fmt.number(row.rank_of)} "
            f"{dative}")


def _level_sentence(row: IndicatorRow, name: str, level: str) -> str:
    assert row.value is not None and row.city_value is not None
    # the values stand in the nominative ("41,2 Jahre"), so units never need declining
    sentence = (f"In {name} beträgt der Wert für „{row.short_name}“ {row.text()} ({row.year}) und liegt damit "
                f"{'über' if (row.difference or 0) > 0 else 'unter'} dem Stadtwert ({row.text(row.city_value)}); "
                f"das ist {_position_phrase(row, level)}")
    if row.change_5y is not None and row.base_year is not None:
        sentence += "; " + _change_clause(row.change_5y, row.base_year, row.decimals, row.unit)
    return sentence + "."


def _change_sentence(row: IndicatorRow, name: str) -> str:
    assert row.change_5y is not None and row.base_year is not None and row.value is not None
    before = row.value - row.change_5y
    word = direction_word(row.change_5y, row.decimals)
    sentence = (f"Am stärksten weicht in {name} die Entwicklung bei „{row.short_name}“ von der ganzen Stadt ab: "
                f"seit {row.base_year} von {row.text(before)} auf {row.text()} {word}")
    if row.city_change_5y is not None:
        city_word = direction_word(row.city_change_5y, row.decimals)
        by = "" if city_word == "gleich geblieben" else f"um {amount(row.city_change_5y, row.decimals, row.unit)} "
        sentence += f", in der ganzen Stadt {by}{city_word}"
    return sentence + "."


def _city_sentence(row: IndicatorRow, name: str) -> str:
    assert row.value is not None
    sentence = f"In {name} liegt der Wert für „{row.short_name}“ {row.year} bei {row.text()}"
    if row.change_5y is not None and row.base_year is not None:
        sentence += "; " + _change_clause(row.change_5y, row.base_year, row.decimals, row.unit)
    return sentence + "."


def _describable(row: IndicatorRow) -> bool:
    return row.value is not None and not row.suppressed and row.value_type != "count"


def summary(package: DataPackage, place: Place, h: Head | None = None,
            rows: list[IndicatorRow] | None = None) -> list[str]:
    """Three to six German sentences on what stands out (rules in the module docstring)."""
    h = h or head(package, place)
    rows = rows if rows is not None else indicator_rows(package, place)
    name = place.name
    sentences = [s for s in (_population_sentence(h, name), _sozialindex_sentence(h, name)) if s]
    usable = [r for r in rows if _describable(r) and r.indicator_id != POPULATION_INDICATOR]
    if place.is_city:
        keys = queries.key_indicator_ids(package)
        ordered = sorted(usable, key=lambda r: (r.indicator_id not in keys,
                                                keys.index(r.indicator_id) if r.indicator_id in keys else 0))
        for row in ordered:
            if len(sentences) >= 6 or (len(sentences) >= 4 and row.indicator_id not in keys):
                break
            sentences.append(_city_sentence(row, name))
        return sentences
    notable = sorted((r for r in usable if r.zscore is not None and r.city_value is not None
                      and r.rank_of is not None and r.difference is not None
                      and not _is_zero(r.difference, r.decimals)),
                     key=lambda r: (-abs(r.zscore), r.indicator_id))
    room = min(NOTABLE, 5 - len(sentences))
    named = set()
    for row in notable[:room]:
        sentences.append(_level_sentence(row, name, place.level))
        named.add(row.indicator_id)
    changes = sorted((r for r in usable if r.change_zscore is not None and r.indicator_id not in named
                      and r.change_5y is not None), key=lambda r: (-abs(r.change_zscore), r.indicator_id))
    if changes:
        sentences.append(_change_sentence(changes[0], name))
    for row in notable[room:]:
        if len(sentences) >= 3:
            break
        sentences.append(_level_sentence(row, name, place.level))
    return sentences[:6]


# ---- the whole profile ---------------------------------------------------------------------

@dataclass(frozen=True)
class Profile:
    head: Head
    themes: tuple[ThemeGroup, ...]
    summary: tuple[str, ...]

    @property
    def place(self) -> Place:
        return self.head.place

    @property
    def rows(self) -> list[IndicatorRow]:
        return [r for g in self.themes for r in g.rows]


def profile(package: DataPackage, slug: str) -> Profile:
    """Head, indicator rows by theme and summary of one area (ProfileError if unknown)."""
    place = resolve(package, slug)
    h = head(package, place)
    rows = indicator_rows(package, place)
    return Profile(head=h, themes=tuple(by_theme(package, rows)), summary=tuple(summary(package, place, h, rows)))


# ---- measures ------------------------------------------------------------------------------

def _subtree(package: DataPackage, area_id: str) -> set[str]:
    """The area and every area below it."""
    children: dict[str, list[str]] = _memo(package, "children", lambda: _children(package))
    out, todo = set(), [area_id]
    while todo:
        current = todo.pop()
        if current not in out:
            out.add(current)
            todo.extend(children.get(current, []))
    return out


def _children(package: DataPackage) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for child, parent in package.areas["parent_id"].items():
        if isinstance(parent, str) and parent:
            out.setdefault(parent, []).append(str(child))
    return out


@dataclass(frozen=True)
class AreaMeasures:
    local: pd.DataFrame      # measures touching the area (it or an area inside it)
    citywide: pd.DataFrame   # measures without an area
    counts: pd.DataFrame     # local: index Leitlinie 1..6, columns statuses (schema order), zeros kept
    offices: pd.DataFrame    # local: responsible, traeger, measures (count), most first


MEASURE_COLUMNS = ("measure_id", "title", "leitlinien", "primary_leitlinie", "status", "status_label",
                   "responsible", "traeger", "start", "planned_end", "progress")


def measures(package: DataPackage, place: Place, frame: pd.DataFrame) -> AreaMeasures:
    """The measures of the area from a measures frame (`MeasureStore.frame()` or
    `package.measures`). A measure of several areas counts for each; city-wide ones apart.
    For the city profile every measure with an area is "local"."""
    areas = [list_value(v) for v in frame["area_ids"]]
    citywide_mask = np.array([len(a) == 0 for a in areas], dtype=bool)
    inside = _subtree(package, place.area_id)
    local_mask = np.array([bool(inside.intersection(a)) for a in areas], dtype=bool) & ~citywide_mask

    def shape(part: pd.DataFrame) -> pd.DataFrame:
        out = pd.DataFrame({c: part[c] if c in part.columns else None for c in MEASURE_COLUMNS
                            if c not in ("status_label",)}, index=part.index)
        out["leitlinien"] = [leitlinien_value(v) for v in part["leitlinien"]]
        out.insert(5, "status_label", part["status"].map(MEASURE_STATUS_LABELS).fillna(part["status"]))
        return out.sort_values(["primary_leitlinie", "measure_id"], na_position="last").reset_index(drop=True)
    local, citywide = shape(frame[local_mask]), shape(frame[citywide_mask])
    exploded = local[["leitlinien", "status"]].explode("leitlinien").dropna(subset=["leitlinien"])
    numbers = tuple(int(n) for n in package.leitlinien.index) or (1, 2, 3, 4, 5, 6)
    counts = pd.crosstab(exploded["leitlinien"].astype(int), exploded["status"].astype(object)) \
        if len(exploded) else pd.DataFrame()
    counts = counts.reindex(index=pd.Index(numbers, name="leitlinie"), columns=list(MEASURE_STATUSES),
                            fill_value=0).astype(int)
    counts.columns.name = "status"
    offices = (local.assign(responsible=local["responsible"].fillna(""), traeger=local["traeger"].fillna(""))
               .groupby(["responsible", "traeger"], dropna=False).size().rename("measures").reset_index()
               .sort_values(["measures", "responsible", "traeger"], ascending=[False, True, True],
                            ignore_index=True))
    return AreaMeasures(local, citywide, counts, offices)


# ---- facilities and neighbours ------------------------------------------------------------

def neighbours(package: DataPackage, level: str) -> dict[str, tuple[str, ...]]:
    """area id -> ids of the areas of the same level next to it. From the outlines (touching
    within NEIGHBOUR_TOLERANCE) when the level has geometry; otherwise the NEAR_BY_DISTANCE
    nearest area centres (lat/lon of areas.csv). Cached per package and level."""
    def build() -> dict[str, tuple[str, ...]]:
        ids = list(package.area_frames[level]["area_id"])
        collection = package.geojson.get(level) or {}
        shapes = {str(f["id"]): f["geometry"] for f in collection.get("features", [])}
        if len(ids) > 1 and all(a in shapes for a in ids):
            import shapely
            from shapely.geometry import shape as to_shape

            geoms = [to_shape(shapes[a]) for a in ids]
            tree = shapely.STRtree(geoms)
            left, right = tree.query(geoms, predicate="dwithin", distance=NEIGHBOUR_TOLERANCE)
            out: dict[str, list[str]] = {a: [] for a in ids}
            for i, j in zip(left, right):
                if i != j:
                    out[ids[i]].append(ids[j])
            position = {a: k for k, a in enumerate(ids)}
            return {a: tuple(sorted(set(v), key=position.__getitem__)) for a, v in out.items()}
        lat = package.areas.loc[ids, "lat"].to_numpy(dtype="float64", na_value=np.nan)
        lon = package.areas.loc[ids, "lon"].to_numpy(dtype="float64", na_value=np.nan)
        out2 = {}
        for i, a in enumerate(ids):
            d = _km(lat[i], lon[i], lat, lon)
            d[i] = np.inf
            order = [j for j in np.argsort(d, kind="stable") if np.isfinite(d[j])][:NEAR_BY_DISTANCE]
            out2[a] = tuple(ids[j] for j in order)
        return out2
    return _memo(package, f"neighbours:{level}", build)


def _km(lat0: float, lon0: float, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Great-circle distance in km (haversine)."""
    p0, p, dl = np.radians(lat0), np.radians(lat), np.radians(lon - lon0)
    h = np.sin((p - p0) / 2) ** 2 + np.cos(p0) * np.cos(p) * np.sin(dl / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))


def facilities(package: DataPackage, place: Place) -> pd.DataFrame:
    """Facilities in the area (or an area inside it) and in the neighbouring areas of the same
    level. Columns: facility_id, name, type, type_label, operator, address, lat, lon, area_id,
    area_name, where ("im Gebiet" / "in der Nachbarschaft"), distance_km (from the area's
    centre; NaN without coordinates). In the area first, then by distance."""
    fac = package.facilities
    columns = ["facility_id", "name", "type", "type_label", "operator", "address", "lat", "lon", "area_id",
               "area_name", "where", "distance_km"]
    if fac.empty:
        return pd.DataFrame(columns=columns)
    inside = _subtree(package, place.area_id)
    near: set[str] = set()
    if not place.is_city:
        for other in neighbours(package, place.level).get(place.area_id, ()):
            near |= _subtree(package, other)
    area_ids = fac["area_id"].astype(str)
    where = np.where(area_ids.isin(inside), "im Gebiet", np.where(area_ids.isin(near), "in der Nachbarschaft", ""))
    out = fac.assign(where=where)[where != ""].copy()
    out["area_id"] = out["area_id"].astype(str)
    out["area_name"] = out["area_id"].map(package.areas["name"]).astype(str)
    out["type_label"] = out["type"].map(FACILITY_TYPE_LABELS).fillna(out["type"])
    lat0, lon0 = _num(package.areas.at[place.area_id, "lat"]), _num(package.areas.at[place.area_id, "lon"])
    lat = pd.to_numeric(out["lat"], errors="coerce").to_numpy(dtype="float64")
    lon = pd.to_numeric(out["lon"], errors="coerce").to_numpy(dtype="float64")
    out["distance_km"] = _km(lat0, lon0, lat, lon) if lat0 is not None and lon0 is not None else np.nan
    out["order"] = (out["where"] != "im Gebiet").astype(int)
    out = out.sort_values(["order", "distance_km", "name"], na_position="last", ignore_index=True)
    return out.reindex(columns=columns)


# ---- similar areas -------------------------------------------------------------------------

@dataclass(frozen=True)
class Similar:
    area_id: str
    name: str
    slug: str
    distance: float    # root mean square of the z-score differences over the shared indicators
    shared: int        # indicators both areas have


def similar(package: DataPackage, place: Place, k: int = 5) -> list[Similar]:
    """The k areas of the same level most alike on all indicators of the newest year
    (z-scores per indicator over the level; counts left out: they measure size). Missing and
    withheld values are ignored pairwise; the Euclidean distance is divided by the number of
    shared indicators (root mean square) so pairs with gaps stay comparable; at least half of
    the area's indicators must be shared. Empty for the city."""
    if place.is_city:
        return []
    cube = _cube(package, place.level)
    cat = _catalogue(package).reindex(cube.indicators)
    present = cube.covered.any(axis=1) & (cat["value_type"] != "count").to_numpy()
    n_year = cube.covered.shape[1]
    latest = n_year - 1 - np.argmax(cube.covered[:, ::-1], axis=1)
    cols = np.flatnonzero(present)
    matrix = cube.values[:, cols, latest[cols]]
    sd = _nanstd(matrix)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (matrix - np.nanmean(matrix, axis=0)) / np.where(sd > 0, sd, np.nan)
    a = cube.areas.get_loc(place.area_id)
    diff = z - z[a]
    shared = (~np.isnan(diff)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        distance = np.sqrt(np.nansum(diff ** 2, axis=1) / shared)
    needed = max(1, math.ceil((~np.isnan(z[a])).sum() / 2))
    ok = (shared >= needed) & np.isfinite(distance)
    ok[a] = False
    order = sorted(np.flatnonzero(ok), key=lambda j: (distance[j], cube.areas[j]))[:k]
    frame = package.area_frames[place.level].set_index("area_id")
    return [Similar(str(cube.areas[j]), str(frame.at[cube.areas[j], "name"]), str(frame.at[cube.areas[j], "slug"]),
                    float(distance[j]), int(shared[j])) for j in order]
