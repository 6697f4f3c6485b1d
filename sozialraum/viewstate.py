"""The URL is the state: every view of the atlas pages can be written as a query string and
read back. Reading never fails: unknown or malformed values are dropped, and each drop is
reported as a German notice the page shows.

Areas appear in URLs by their slug (`auswahl=melchendorf,rieth`); ids are accepted too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qs, urlencode

from . import queries
from .atlas import CLASSIFICATIONS, COLOR_MODES, DEFAULT_CLASSIFICATION, AreaFilter, AtlasState, parent_level
from .package import DataPackage
from .schema import AREA_KINDS, LEVEL_LABELS
from .trends import SORT_KEYS

MAX_ITEMS = 200        # more areas than this in one parameter is not a view anybody shares
MAX_ECHO = 40          # how much of a bad value a notice repeats
VALUE_MODES = {"absolut": "Werte", "differenz": "Veränderung seit dem Basisjahr",
               "index": "Index (Basisjahr = 100)"}
MAX_TIME_INDICATORS = 4
MAX_TIME_AREAS = 8


def _echo(text: str) -> str:
    text = text.strip()
    return text if len(text) <= MAX_ECHO else text[:MAX_ECHO] + "…"


def split_list(text: str | None) -> list[str]:
    if not text:
        return []
    return [part.strip() for part in str(text).split(",") if part.strip()][:MAX_ITEMS]


def parse_search(search: str | None) -> dict[str, str]:
    """`?a=1&b=2` -> {"a": "1", "b": "2"} (last value wins, like Dash's own page router)."""
    parsed = parse_qs((search or "").lstrip("?"), keep_blank_values=False)
    return {key: values[-1] for key, values in parsed.items()}


def to_search(params: dict[str, str]) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return "?" + urlencode(clean, safe=",") if clean else ""


def area_lookup(package: DataPackage) -> dict[str, str]:
    """slug or id -> area_id."""
    return package.area_lookup


def slugs(package: DataPackage, area_ids) -> str:
    return ",".join(str(package.areas.at[a, "slug"]) for a in area_ids)


@dataclass
class Reader:
    """Reads query values against the package and collects a notice per rejected value."""
    package: DataPackage
    notices: list[str] = field(default_factory=list)

    def indicator(self, text: str | None, allowed: list[str], fallback: str, what: str = "Indikator") -> str:
        if text is None:
            return fallback
        if text in allowed:
            return text
        if text in self.package.indicators.index:
            self.notices.append(f"Für den {what} „{_echo(text)}“ gibt es auf dieser Ebene keine Werte; "
                                f"gezeigt wird „{self.package.indicators.at[fallback, 'name']}“.")
        else:
            self.notices.append(f"Den {what} „{_echo(text)}“ gibt es nicht; gezeigt wird "
                                f"„{self.package.indicators.at[fallback, 'name']}“.")
        return fallback

    def year(self, text: str | None, years: list[int], fallback: int, what: str = "Jahr") -> int:
        if text is None:
            return fallback
        clean = text.strip()
        if re.fullmatch(r"[0-9]{1,4}", clean) and int(clean) in years:  # ASCII digits only: "²" is no year
            return int(clean)
        self.notices.append(f"Für das {what} „{_echo(text)}“ gibt es keine Werte; gezeigt wird {fallback}.")
        return fallback

    def choice(self, text: str | None, allowed, fallback: str, what: str) -> str:
        if text is None:
            return fallback
        if text in allowed:
            return text
        self.notices.append(f"Unbekannte Angabe „{_echo(text)}“ für {what}; sie wird nicht berücksichtigt.")
        return fallback

    def areas(self, text: str | None, allowed_ids, what: str) -> tuple[str, ...]:
        lookup = area_lookup(self.package)
        allowed = set(map(str, allowed_ids))
        found, unknown = [], []
        for token in split_list(text):
            area = lookup.get(token) or lookup.get(token.lower())
            if area is not None and area in allowed:
                if area not in found:
                    found.append(area)
            else:
                unknown.append(_echo(token))
        if unknown:
            names = ", ".join(f"„{u}“" for u in unknown[:5]) + (" …" if len(unknown) > 5 else "")
            self.notices.append(f"Unbekannte Gebiete in {what}: {names}; sie werden nicht berücksichtigt.")
        return tuple(found)

    def kinds(self, text: str | None) -> tuple[str, ...]:
        tokens = split_list(text)
        unknown = [t for t in tokens if t not in AREA_KINDS]
        if unknown:
            self.notices.append(f"Unbekannte Gebietsart „{_echo(unknown[0])}“; sie wird nicht berücksichtigt.")
        return tuple(t for t in AREA_KINDS if t in tokens)

    def flag(self, text: str | None, what: str) -> bool:
        if text is None:
            return False
        if text in ("ja", "1", "true"):
            return True
        if text not in ("nein", "0", "false"):
            self.notices.append(f"Unbekannte Angabe „{_echo(text)}“ für {what}; erwartet wird „ja“ oder „nein“.")
        return False


# ---- levels and defaults -------------------------------------------------------------------

def area_levels(package: DataPackage) -> list[str]:
    """The levels one can map and compare (everything below the city)."""
    return [lv for lv in package.levels if lv != "stadt"]


def default_level(package: DataPackage) -> str:
    levels = area_levels(package)
    return "ortsteil" if "ortsteil" in levels else levels[-1]


def default_indicator(package: DataPackage, level: str) -> str:
    available = queries.indicators_for_level(package, level)
    preferred = package.meta.get("map_indicator")
    if preferred in available:
        return preferred
    for ind in queries.key_indicator_ids(package):
        if ind in available and package.indicators.at[ind, "direction"] != "neutral":
            return ind
    return available[0]


def default_partner(package: DataPackage, level: str, indicator_id: str) -> str:
    """A second indicator for the scatter: `meta.scatter_indicator`, else the next need
    indicator of the same theme (SGB-II-Quote → Kinderarmut), else any other."""
    available = queries.indicators_for_level(package, level)
    preferred = package.meta.get("scatter_indicator")
    if preferred in available and preferred != indicator_id:
        return preferred
    themes, directions = package.indicators["theme"], package.indicators["direction"]
    theme = themes[indicator_id]
    for candidate in available:
        if candidate != indicator_id and directions[candidate] != "neutral" and themes[candidate] == theme:
            return candidate
    return next(c for c in available if c != indicator_id) if len(available) > 1 else indicator_id


# ---- /atlas --------------------------------------------------------------------------------

def atlas_default(package: DataPackage, level: str | None = None) -> AtlasState:
    level = level or default_level(package)
    indicator = default_indicator(package, level)
    years = queries.years_for(package, indicator, level)
    return AtlasState(indicator=indicator, year=years[-1], level=level,
                      partner=default_partner(package, level, indicator))


def atlas_from_query(package: DataPackage, query: dict[str, str]) -> tuple[AtlasState, list[str]]:
    read = Reader(package)
    level = read.choice(query.get("ebene"), area_levels(package), default_level(package), "die Gebietsebene")
    available = queries.indicators_for_level(package, level)
    indicator = read.indicator(query.get("indikator"), available, default_indicator(package, level))
    years = queries.years_for(package, indicator, level)
    year = read.year(query.get("jahr"), years, years[-1])
    partner = read.indicator(query.get("vergleich"), available, default_partner(package, level, indicator),
                             "Vergleichsindikator")
    level_ids = package.areas.index[package.areas["level"] == level]
    planning_ids = package.areas.index[package.areas["level"] == (parent_level(package, level) or level)]
    area_filter = AreaFilter(
        planning_areas=read.areas(query.get("planungsraum"), planning_ids, "„Planungsraum“"),
        kinds=read.kinds(query.get("art")),
        only_ortsteilrat=read.flag(query.get("ortsteilrat"), "„Ortsteilrat“"),
        areas=read.areas(query.get("gebiete"), level_ids, "„Gebiete“"),
    )
    state = AtlasState(
        indicator=indicator, year=year, level=level, partner=partner, area_filter=area_filter,
        selected=read.areas(query.get("auswahl"), level_ids, "der Auswahl"),
        brushed=read.areas(query.get("bereich"), level_ids, "dem Bereich aus dem Streudiagramm"),
        classification=read.choice(query.get("klassen"), CLASSIFICATIONS, DEFAULT_CLASSIFICATION,
                                   "die Klasseneinteilung"),
        colors=read.choice(query.get("farbe"), COLOR_MODES, "klassen", "die Farbskala"),
        index_layer=read.flag(query.get("sozialindex"), "„Sozialindex“"),
    )
    return state, read.notices


def atlas_to_query(package: DataPackage, state: AtlasState) -> dict[str, str]:
    """Only what differs from the defaults, so links stay short; always the indicator and year."""
    f = state.area_filter
    params = {
        "indikator": state.indicator,
        "jahr": str(state.year),
        "ebene": state.level if state.level != default_level(package) else "",
        "planungsraum": slugs(package, f.planning_areas),
        "art": ",".join(f.kinds),
        "ortsteilrat": "ja" if f.only_ortsteilrat else "",
        "gebiete": slugs(package, f.areas),
        "auswahl": slugs(package, state.selected),
        "bereich": slugs(package, state.brushed),
        "vergleich": state.partner if state.partner != default_partner(package, state.level, state.indicator) else "",
        "klassen": state.classification if state.classification != DEFAULT_CLASSIFICATION else "",
        "farbe": state.colors if state.colors != "klassen" else "",
        "sozialindex": "ja" if state.index_layer else "",
    }
    return {k: v for k, v in params.items() if v}


# ---- /zeitvergleich ------------------------------------------------------------------------

@dataclass(frozen=True)
class TimeState:
    indicators: tuple[str, ...]
    level: str
    areas: tuple[str, ...]            # lines besides the city (always shown)
    mode: str = "absolut"
    base_year: int | None = None      # for "differenz" and "index"; None = first year
    year_a: int | None = None         # change table
    year_b: int | None = None
    highlighted: str | None = None    # a row of the change table / a line
    theme: str | None = None          # pair comparison and similar areas
    pair: tuple[str, ...] = ()        # two areas side by side
    sort: str = "veraenderung"        # change table column (trends.SORT_KEYS)
    descending: bool = True

    def with_(self, **changes) -> "TimeState":
        return replace(self, **changes)


def time_years(package: DataPackage, indicators, level: str) -> list[int]:
    years: set[int] = set()
    for ind in indicators:
        years.update(queries.years_for(package, ind, level))
    return sorted(years)


def time_default_areas(package: DataPackage, level: str, indicator: str) -> tuple[str, ...]:
    """The two areas with the highest latest value: a meaningful first picture."""
    years = queries.years_for(package, indicator, level)
    table = queries.values(package, indicator, years[-1], level)
    return tuple(table.dropna(subset=["value"])["area_id"].head(2))


def time_from_query(package: DataPackage, query: dict[str, str]) -> tuple[TimeState, list[str]]:
    read = Reader(package)
    level = read.choice(query.get("ebene"), area_levels(package), default_level(package), "die Gebietsebene")
    available = queries.indicators_for_level(package, level)
    fallback = default_indicator(package, level)
    indicators: list[str] = []
    for token in split_list(query.get("indikator")):
        chosen = read.indicator(token, available, fallback)
        if chosen not in indicators:
            indicators.append(chosen)
    if len(indicators) > MAX_TIME_INDICATORS:
        read.notices.append(f"Höchstens {MAX_TIME_INDICATORS} Indikatoren gleichzeitig; die übrigen werden "
                            "nicht gezeigt.")
        indicators = indicators[:MAX_TIME_INDICATORS]
    indicators = indicators or [fallback]
    level_ids = package.areas.index[package.areas["level"] == level]
    if "gebiete" in query:
        areas = read.areas(query.get("gebiete"), level_ids, "„Gebiete“")
    else:
        areas = time_default_areas(package, level, indicators[0])
    if len(areas) > MAX_TIME_AREAS:
        read.notices.append(f"Höchstens {MAX_TIME_AREAS} Gebiete gleichzeitig; die übrigen werden nicht gezeigt.")
        areas = areas[:MAX_TIME_AREAS]
    years = time_years(package, indicators, level)
    mode = read.choice(query.get("darstellung"), VALUE_MODES, "absolut", "die Darstellung")
    base = read.year(query.get("basisjahr"), years, years[0], "Basisjahr")
    year_a = read.year(query.get("von"), years, years[max(0, len(years) - 6)], "Vergleichsjahr")
    year_b = read.year(query.get("bis"), years, years[-1], "Vergleichsjahr")
    if year_a > year_b:
        year_a, year_b = year_b, year_a
    highlighted = None
    if query.get("markiert"):
        marked = read.areas(query.get("markiert"), level_ids, "der Markierung")
        highlighted = marked[0] if marked else None
    themes = list(dict.fromkeys(package.indicators["theme"]))
    theme = read.choice(query.get("thema"), themes, package.indicators.at[indicators[0], "theme"], "das Themenfeld")
    pair = read.areas(query.get("paar"), level_ids, "dem Gebietsvergleich")[:2]
    if len(pair) < 2:
        pair = (tuple(areas) + tuple(a for a in level_ids if a not in areas))[:2]
    sort, descending = "veraenderung", True
    if query.get("sortierung"):
        key, _, direction = query["sortierung"].partition("-")
        if key in SORT_KEYS and direction in ("", "auf", "ab"):
            sort, descending = key, direction != "auf"
        else:
            read.notices.append(f"Unbekannte Sortierung „{_echo(query['sortierung'])}“; sortiert wird nach "
                                "der Veränderung.")
    return TimeState(indicators=tuple(indicators), level=level, areas=tuple(areas), mode=mode,
                     base_year=base, year_a=year_a, year_b=year_b, highlighted=highlighted,
                     theme=theme, pair=tuple(pair), sort=sort, descending=descending), read.notices


def time_to_query(package: DataPackage, state: TimeState) -> dict[str, str]:
    years = time_years(package, state.indicators, state.level)
    params = {
        "indikator": ",".join(state.indicators),
        "ebene": state.level if state.level != default_level(package) else "",
        "gebiete": slugs(package, state.areas) or ",",
        "darstellung": state.mode if state.mode != "absolut" else "",
        "basisjahr": str(state.base_year) if state.base_year != years[0] else "",
        "von": str(state.year_a) if state.year_a is not None else "",
        "bis": str(state.year_b) if state.year_b is not None else "",
        "markiert": slugs(package, [state.highlighted]) if state.highlighted else "",
        "thema": state.theme or "",
        "paar": slugs(package, state.pair),
        "sortierung": "" if (state.sort, state.descending) == ("veraenderung", True)
        else f"{state.sort}-{'ab' if state.descending else 'auf'}",
    }
    return {k: v for k, v in params.items() if v}


def level_label(level: str) -> str:
    return LEVEL_LABELS.get(level, level)
