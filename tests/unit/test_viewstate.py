"""The URL is the state (sozialraum/viewstate.py): every valid view survives the round trip
through the query string, and every bad value is dropped with a German notice, never a crash.

Packages: the hand-made test package (package_builder: Ortsteile a, b in P1 "Nord", c, d in
P2 "Süd"; the Ortsteil d is also called "Nord", so slugs must keep them apart) and the bundled
Erfurt package (53 Ortsteile, 6 Planungsräume, an election indicator with gaps in its years).
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sozialraum import queries
from sozialraum import viewstate as vs
from sozialraum.atlas import CLASSIFICATIONS, COLOR_MODES, AreaFilter, AtlasState, parent_level
from sozialraum.package import DataPackage, load_package
from sozialraum.schema import AREA_KINDS
from tests.unit.package_builder import PackageBuilder

ERFURT = Path(__file__).resolve().parents[2] / "data" / "erfurt"
HOSTILE = "<script>alert(1)</script>"
LONG = "x" * 10_000
ECHO_LIMIT = vs.MAX_ECHO + 1  # the echo plus "…"


@functools.cache
def package(name: str) -> DataPackage:
    tmp = Path(tempfile.mkdtemp(prefix=f"viewstate-{name}-"))
    if name == "test":
        return load_package(PackageBuilder.valid().write(tmp / "pkg"), cache_dir=tmp / "cache")
    return load_package(ERFURT, cache_dir=tmp / "cache")


@pytest.fixture(scope="module")
def pkg() -> DataPackage:
    return package("test")


@pytest.fixture(scope="module")
def erfurt() -> DataPackage:
    return package("erfurt")


def level_ids(p: DataPackage, level: str) -> list[str]:
    return [str(a) for a in p.areas.index[p.areas["level"] == level]]


def assert_short_notices(notices: list[str]) -> None:
    for text in notices:
        assert "x" * ECHO_LIMIT not in text, f"a notice repeats more than {vs.MAX_ECHO} characters: {text[:120]}…"
        assert len(text) < 400, f"notice of {len(text)} characters"


def assert_valid_atlas(p: DataPackage, state: AtlasState) -> None:
    """Everything in the state exists in the package and fits together."""
    assert state.level in vs.area_levels(p)
    available = queries.indicators_for_level(p, state.level)
    assert state.indicator in available and state.partner in available
    assert state.year in queries.years_for(p, state.indicator, state.level)
    ids = set(level_ids(p, state.level))
    planning = set(level_ids(p, parent_level(p, state.level) or state.level))
    f = state.area_filter
    assert set(f.planning_areas) <= planning
    assert set(f.kinds) <= set(AREA_KINDS)
    assert set(f.areas) <= ids and set(state.selected) <= ids and set(state.brushed) <= ids
    assert state.classification in CLASSIFICATIONS and state.colors in COLOR_MODES


# --------------------------------------------------------------------------- /atlas round trip

def _unique_subset(items, max_size=6):
    return st.lists(st.sampled_from(items), unique=True, max_size=max_size).map(tuple) if items else st.just(())


@st.composite
def atlas_states(draw, p: DataPackage) -> AtlasState:
    level = draw(st.sampled_from(vs.area_levels(p)))
    available = queries.indicators_for_level(p, level)
    indicator = draw(st.sampled_from(available))
    year = draw(st.sampled_from(queries.years_for(p, indicator, level)))
    ids = level_ids(p, level)
    planning = level_ids(p, parent_level(p, level) or level)
    kinds = draw(st.lists(st.sampled_from(AREA_KINDS), unique=True))
    return AtlasState(
        indicator=indicator, year=year, level=level, partner=draw(st.sampled_from(available)),
        area_filter=AreaFilter(
            planning_areas=draw(_unique_subset(planning, 3)),
            kinds=tuple(k for k in AREA_KINDS if k in kinds),   # the reader's canonical order
            only_ortsteilrat=draw(st.booleans()),
            areas=draw(_unique_subset(ids)),
        ),
        selected=draw(_unique_subset(ids)),
        brushed=draw(_unique_subset(ids, 10)),
        classification=draw(st.sampled_from(sorted(CLASSIFICATIONS))),
        colors=draw(st.sampled_from(sorted(COLOR_MODES))),
    )


@pytest.mark.parametrize("name", ["test", "erfurt"])
def test_atlas_round_trip(name):
    p = package(name)

    @settings(max_examples=120 if name == "test" else 60, deadline=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(state=atlas_states(p))
    def check(state):
        query = vs.atlas_to_query(p, state)
        # what the page puts into the address bar and reads back from it
        search = vs.to_search(query)
        back, notices = vs.atlas_from_query(p, vs.parse_search(search))
        assert notices == []
        assert back == state
        assert_valid_atlas(p, back)
        assert query["indikator"] == state.indicator and query["jahr"] == str(state.year)

    check()


def test_atlas_default_query_is_short(pkg, erfurt):
    for p in (pkg, erfurt):
        state = vs.atlas_default(p)
        assert vs.atlas_to_query(p, state) == {"indikator": state.indicator, "jahr": str(state.year)}
        assert vs.atlas_from_query(p, {}) == (state, [])


def test_atlas_areas_by_slug_and_id(erfurt):
    query = {"indikator": "kinderarmut", "jahr": "2020", "planungsraum": "planungsraum-nord",
             "auswahl": "rieth,melchendorf", "bereich": "6,Rieth,13", "gebiete": "RIETH"}
    state, notices = vs.atlas_from_query(erfurt, query)
    assert notices == []
    assert state.area_filter.planning_areas == ("PR2",)
    assert state.selected == ("6", "13")
    assert state.brushed == ("6", "13")           # id, slug in capitals, duplicates dropped
    assert state.area_filter.areas == ("6",)
    out = vs.atlas_to_query(erfurt, state)
    assert out["auswahl"] == "rieth,melchendorf" and out["planungsraum"] == "planungsraum-nord"
    assert vs.to_search(out).count("%") == 0     # slugs and commas stay readable in the link


def test_atlas_same_name_on_two_levels_is_kept_apart(pkg):
    """Planungsraum P1 and Ortsteil d are both called "Nord"."""
    state, notices = vs.atlas_from_query(pkg, {"planungsraum": "nord-planungsraum", "auswahl": "nord"})
    assert notices == [] and state.area_filter.planning_areas == ("P1",) and state.selected == ("d",)
    state, notices = vs.atlas_from_query(pkg, {"planungsraum": "nord"})
    assert state.area_filter.planning_areas == () and len(notices) == 1


# --------------------------------------------------------------------------- /atlas bad input

BAD_ATLAS = [
    ({"indikator": "gibt_es_nicht"}, "indicator", "Den Indikator „gibt_es_nicht“ gibt es nicht"),
    ({"indikator": "segregationsindex_sgb2"}, "indicator", "auf dieser Ebene keine Werte"),
    ({"jahr": "20x0"}, "year", "Für das Jahr „20x0“ gibt es keine Werte; gezeigt wird 2024."),
    ({"jahr": "1999"}, "year", "Für das Jahr „1999“ gibt es keine Werte"),
    ({"jahr": "-2020"}, "year", "„-2020“"),
    ({"jahr": "2020.5"}, "year", "„2020.5“"),
    ({"indikator": "wahlbeteiligung_kommunal", "jahr": "2020"}, "year", "gezeigt wird 2024"),
    ({"ebene": "bezirk"}, "level", "Unbekannte Angabe „bezirk“ für die Gebietsebene"),
    ({"ebene": "stadt"}, "level", "„stadt“"),
    ({"auswahl": "rieth,atlantis"}, "selected", "Unbekannte Gebiete in der Auswahl: „atlantis“"),
    ({"planungsraum": "rieth"}, "planning", "„rieth“"),
    ({"gebiete": "planungsraum-nord"}, "areas", "„planungsraum-nord“"),
    ({"bereich": "erfurt"}, "brushed", "„erfurt“"),
    ({"art": "vorstadt"}, "kinds", "Unbekannte Gebietsart „vorstadt“"),
    ({"ortsteilrat": "vielleicht"}, "council", "erwartet wird „ja“ oder „nein“"),
    ({"klassen": "kmeans"}, "classification", "„kmeans“ für die Klasseneinteilung"),
    ({"farbe": "rot"}, "colors", "„rot“ für die Farbskala"),
    ({"vergleich": "quatsch"}, "partner", "Den Vergleichsindikator „quatsch“ gibt es nicht"),
]


@pytest.mark.parametrize("query, field, words", BAD_ATLAS, ids=[f"{q}" for q, _, _ in BAD_ATLAS])
def test_atlas_bad_value_is_dropped_with_a_notice(erfurt, query, field, words):
    state, notices = vs.atlas_from_query(erfurt, query)
    default = vs.atlas_default(erfurt)
    assert len(notices) == 1 and words in notices[0], notices
    assert_valid_atlas(erfurt, state)
    if "indikator" not in query:
        assert state.indicator == default.indicator
    assert state.level == "ortsteil" and state.year in queries.years_for(erfurt, state.indicator, "ortsteil")
    assert state.area_filter == AreaFilter() or field in ("selected", "brushed")
    if "rieth" in query.get("auswahl", ""):
        assert state.selected == ("6",)           # the good part of a list is kept


def test_atlas_many_bad_values_at_once(erfurt):
    query = {"indikator": "x", "jahr": "y", "ebene": "z", "auswahl": "a,b,c,d,e,f,g", "art": "q",
             "ortsteilrat": "w", "klassen": "k", "farbe": "f", "vergleich": "v", "bereich": "rieth,zz"}
    state, notices = vs.atlas_from_query(erfurt, query)
    assert len(notices) == 10
    assert any("„a“, „b“, „c“, „d“, „e“ …" in n for n in notices)  # at most five names repeated
    assert_valid_atlas(erfurt, state)
    assert state.brushed == ("6",)


@pytest.mark.parametrize("key", ["indikator", "jahr", "ebene", "planungsraum", "art", "ortsteilrat", "gebiete",
                                 "auswahl", "bereich", "vergleich", "klassen", "farbe"])
@pytest.mark.parametrize("value", [HOSTILE, LONG, LONG + "," + HOSTILE, ",".join([HOSTILE] * 500), " ", "%00"])
def test_atlas_hostile_values(erfurt, key, value):
    state, notices = vs.atlas_from_query(erfurt, {key: value})
    assert_valid_atlas(erfurt, state)
    if value.strip(" ,"):
        assert notices, f"{key}={value[:30]}… was dropped without a notice"
    assert_short_notices(notices)
    assert len(state.selected) <= vs.MAX_ITEMS
    default = vs.atlas_default(erfurt)
    assert (state.indicator, state.year, state.level) == (default.indicator, default.year, default.level)


def test_atlas_hostile_query_string(erfurt):
    """Through parse_search, as the page reads it: encoded, repeated and empty parameters."""
    search = ("?indikator=%3Cscript%3Ealert(1)%3C%2Fscript%3E&jahr=2020&jahr=2019&auswahl=&art=,,,"
              "&ortsteilrat=ja&ortsteilrat=&gebiete=" + "rieth," * 1000)
    query = vs.parse_search(search)
    assert query["indikator"] == HOSTILE and query["jahr"] == "2019"  # last one wins
    state, notices = vs.atlas_from_query(erfurt, query)
    assert state.year == 2019 and state.area_filter.only_ortsteilrat and state.area_filter.areas == ("6",)
    assert len(notices) == 1 and HOSTILE in notices[0]  # shown as text by the page, never as markup
    assert_short_notices(notices)


QUERY_KEYS = ["indikator", "jahr", "ebene", "planungsraum", "art", "ortsteilrat", "gebiete", "auswahl", "bereich",
              "vergleich", "klassen", "farbe", "unbekannt"]
GOOD_TOKENS = ["sgb2", "wohnflaeche", "einwohner", "segregation", "2020", "2021", "ortsteil", "planungsraum",
               "stadt", "nord", "sued", "nord-planungsraum", "altdorf", "a", "P1", "innenstadt", "laendlich",
               "ja", "nein", "jenks", "gleich", "stadtwert", "klassen", "altdorf,boehlitz", "c,d,d"]


@settings(max_examples=300, deadline=None)
@given(query=st.dictionaries(st.sampled_from(QUERY_KEYS),
                             st.one_of(st.sampled_from(GOOD_TOKENS), st.text(max_size=30)), max_size=8))
def test_atlas_any_query_gives_a_valid_canonical_state(query):
    """Never a crash; the result is valid and its own URL reads back to it without notices."""
    p = package("test")
    state, notices = vs.atlas_from_query(p, query)
    assert_valid_atlas(p, state)
    assert_short_notices(notices)
    again, more = vs.atlas_from_query(p, vs.parse_search(vs.to_search(vs.atlas_to_query(p, state))))
    assert (again, more) == (state, [])


@pytest.mark.parametrize("year", ["²", "2⁰2⁰", "①", "２０２１", "0x7e4", "+2021", "2021.0"])
def test_year_must_be_ascii_digits(pkg, year):
    """Regression: '²' is a digit to str.isdigit() but not to int(), and the reader called int()
    on the unstripped text ('2020\\x1f'): /atlas?jahr=%C2%B2 crashed instead of a notice."""
    state, notices = vs.atlas_from_query(pkg, {"jahr": year})
    assert state.year == 2021 and len(notices) == 1 and "gibt es keine Werte" in notices[0]
    state, notices = vs.time_from_query(pkg, {"von": year, "basisjahr": year})
    assert len(notices) == 2


@pytest.mark.parametrize("year", [" 2020 ", "2020\x1f", "\x1c2020\n"])
def test_year_with_blanks_around_is_read(pkg, year):
    """Python's whitespace (including the separators \\x1c-\\x1f) around a year is ignored."""
    assert vs.atlas_from_query(pkg, {"jahr": year}) == (vs.atlas_default(pkg).with_(year=2020), [])


# --------------------------------------------------------------------------- /zeitvergleich

def test_time_defaults(pkg):
    state, notices = vs.time_from_query(pkg, {})
    assert notices == []
    assert state.indicators == ("sgb2",) and state.level == "ortsteil"
    assert state.areas == ("b", "c")               # the two highest values in the latest year
    assert (state.year_a, state.year_b, state.base_year) == (2020, 2021, 2020)
    assert state.pair == ("b", "c") and state.theme == "Existenzsicherung"
    assert (state.sort, state.descending, state.mode, state.highlighted) == ("veraenderung", True, "absolut", None)


@st.composite
def time_states(draw, p: DataPackage) -> vs.TimeState:
    level = draw(st.sampled_from(vs.area_levels(p)))
    available = queries.indicators_for_level(p, level)
    indicators = tuple(draw(st.lists(st.sampled_from(available), min_size=1, max_size=vs.MAX_TIME_INDICATORS,
                                     unique=True)))
    years = vs.time_years(p, indicators, level)
    ids = level_ids(p, level)
    areas = draw(_unique_subset(ids, vs.MAX_TIME_AREAS))
    mode = draw(st.sampled_from(sorted(vs.VALUE_MODES)))
    year_a, year_b = sorted(draw(st.lists(st.sampled_from(years), min_size=2, max_size=2)))
    from sozialraum.trends import SORT_KEYS
    return vs.TimeState(
        indicators=indicators, level=level, areas=areas, mode=mode,
        base_year=draw(st.sampled_from(years)),
        year_a=year_a, year_b=year_b,
        highlighted=draw(st.one_of(st.none(), st.sampled_from(ids))),
        theme=draw(st.sampled_from(list(dict.fromkeys(p.indicators["theme"])))),
        pair=tuple(draw(st.lists(st.sampled_from(ids), min_size=2, max_size=2, unique=True))),
        sort=draw(st.sampled_from(sorted(SORT_KEYS))), descending=draw(st.booleans()),
    )


@pytest.mark.parametrize("name", ["test", "erfurt"])
def test_time_round_trip(name):
    p = package(name)

    @settings(max_examples=100 if name == "test" else 50, deadline=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(state=time_states(p))
    def check(state):
        back, notices = vs.time_from_query(p, vs.parse_search(vs.to_search(vs.time_to_query(p, state))))
        assert notices == []
        assert back == state

    check()


def test_time_no_areas_survives_the_round_trip(pkg):
    state = vs.time_from_query(pkg, {})[0].with_(areas=())
    query = vs.time_to_query(pkg, state)
    assert vs.time_from_query(pkg, query)[0].areas == ()


BAD_TIME = [
    ({"indikator": "gibt_es_nicht"}, "Den Indikator „gibt_es_nicht“ gibt es nicht"),
    ({"indikator": "segregation"}, "auf dieser Ebene keine Werte"),
    ({"ebene": "land"}, "„land“ für die Gebietsebene"),
    ({"gebiete": "altdorf,atlantis"}, "„atlantis“"),
    ({"darstellung": "log"}, "„log“ für die Darstellung"),
    ({"basisjahr": "1990"}, "Für das Basisjahr „1990“ gibt es keine Werte"),
    ({"von": "abc"}, "Für das Vergleichsjahr „abc“"),
    ({"bis": "3000"}, "Für das Vergleichsjahr „3000“"),
    ({"markiert": "atlantis"}, "der Markierung"),
    ({"thema": "Raumfahrt"}, "„Raumfahrt“ für das Themenfeld"),
    ({"paar": "altdorf,atlantis"}, "dem Gebietsvergleich"),
    ({"sortierung": "wert_a-seitwaerts"}, "Unbekannte Sortierung „wert_a-seitwaerts“"),
    ({"sortierung": "hoehe"}, "Unbekannte Sortierung"),
]


@pytest.mark.parametrize("query, words", BAD_TIME, ids=[f"{q}" for q, _ in BAD_TIME])
def test_time_bad_value_is_dropped_with_a_notice(pkg, query, words):
    state, notices = vs.time_from_query(pkg, query)
    assert len(notices) == 1 and words in notices[0], notices
    default, _ = vs.time_from_query(pkg, {})
    assert state.indicators == default.indicators and state.level == default.level
    assert state.sort in ("veraenderung", "gebiet", "wert_a", "wert_b", "prozent", "rang")
    assert len(state.pair) == 2 and set(state.pair) <= set(level_ids(pkg, "ortsteil"))


def test_time_limits_and_order(erfurt):
    many = ",".join(queries.indicators_for_level(erfurt, "ortsteil")[:6])
    state, notices = vs.time_from_query(erfurt, {"indikator": many})
    assert len(state.indicators) == vs.MAX_TIME_INDICATORS and any("Höchstens 4 Indikatoren" in n for n in notices)
    slugs = ",".join(erfurt.areas.loc[level_ids(erfurt, "ortsteil")[:10], "slug"])
    state, notices = vs.time_from_query(erfurt, {"gebiete": slugs})
    assert len(state.areas) == vs.MAX_TIME_AREAS and any("Höchstens 8 Gebiete" in n for n in notices)
    state, notices = vs.time_from_query(erfurt, {"von": "2024", "bis": "2014"})
    assert (state.year_a, state.year_b, notices) == (2014, 2024, [])   # swapped silently
    state, notices = vs.time_from_query(erfurt, {"sortierung": "rang-auf"})
    assert (state.sort, state.descending, notices) == ("rang", False, [])


@pytest.mark.parametrize("key", ["indikator", "ebene", "gebiete", "darstellung", "basisjahr", "von", "bis",
                                 "markiert", "thema", "paar", "sortierung"])
@pytest.mark.parametrize("value", [HOSTILE, LONG, ",".join([HOSTILE] * 500)])
def test_time_hostile_values(pkg, key, value):
    state, notices = vs.time_from_query(pkg, {key: value})
    assert notices, f"{key}={value[:30]}… was dropped without a notice"
    assert_short_notices(notices)
    assert set(state.indicators) <= set(queries.indicators_for_level(pkg, state.level))
    assert len(state.areas) <= vs.MAX_TIME_AREAS


@settings(max_examples=250, deadline=None)
@example(query={"basisjahr": "2021"})
@given(query=st.dictionaries(
    st.sampled_from(["indikator", "ebene", "gebiete", "darstellung", "basisjahr", "von", "bis", "markiert", "thema",
                     "paar", "sortierung"]),
    st.one_of(st.sampled_from(["sgb2", "sgb2,wohnflaeche", "2020", "2021", "index", "differenz", "altdorf", "nord",
                               "altdorf,nord", "Wohnen", "rang-auf", "gebiet", ",", "planungsraum"]),
              st.text(max_size=20)), max_size=6))
def test_time_any_query_gives_a_canonical_state(query):
    """Never a crash; the state's own URL reads back to the very same state."""
    p = package("test")
    state, notices = vs.time_from_query(p, query)
    assert_short_notices(notices)
    again, more = vs.time_from_query(p, vs.time_to_query(p, state))
    assert more == []
    assert again == state


def test_time_base_year_in_absolute_mode_survives_a_reload(pkg):
    """Regression: the (disabled) Basisjahr select of the absolute mode lost its value on reload."""
    state, notices = vs.time_from_query(pkg, {"basisjahr": "2021"})
    assert notices == []
    again, _ = vs.time_from_query(pkg, vs.time_to_query(pkg, state))
    assert again == state
