"""One test per validation rule: each breaks exactly one thing in a fresh copy of the valid
test package and checks that the problem names the right file, editor line and column, speaks
German, and that nothing is loaded."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

from sozialraum.package import load_package, read_package
from sozialraum.problems import PackageError, Problem
from sozialraum.schema import META_KEYS_REQUIRED
from tests.unit.package_builder import PackageBuilder, square

REPO = Path(__file__).resolve().parents[2]
VALID = PackageBuilder.valid()
DP = "datapackage.json"


@pytest.fixture
def pkg() -> PackageBuilder:
    return VALID.copy()


def broken(builder: PackageBuilder, tmp_path: Path, edit=None) -> list[Problem]:
    """Write the package, optionally edit files on disk, read it; it must not load."""
    path = builder.write(tmp_path / "pkg")
    if edit is not None:
        edit(path)
    package, problems = read_package(path)
    assert package is None, "a broken package must not be (half-)loaded"
    assert problems
    return problems


def expect(problems: list[Problem], file: str, row: int | None, column: str | None, word: str,
           *, alone: bool = True) -> Problem:
    """The problem at (file, row, column) whose German message contains `word`."""
    listing = "\n".join(str(p) for p in problems)
    hits = [p for p in problems if (p.file, p.row, p.column) == (file, row, column)]
    assert hits, f"no problem at {(file, row, column)}; got:\n{listing}"
    hits = [p for p in hits if word in p.message]
    assert hits, f"no message with „{word}“ at {(file, row, column)}; got:\n{listing}"
    if alone:
        assert len(problems) == 1, f"expected exactly one problem; got:\n{listing}"
    return hits[0]


def obs_line(builder: PackageBuilder, area: str, indicator: str, year: int) -> int:
    return builder.line_of("observations", area_id=area, indicator_id=indicator, year=year)


def obs_row(builder: PackageBuilder, area: str, indicator: str, year: int) -> dict:
    return builder.row("observations", area_id=area, indicator_id=indicator, year=year)


def rewrite_lines(file: Path, change) -> None:
    lines = file.read_text(encoding="utf-8").split("\n")
    change(lines)
    file.write_text("\n".join(lines), encoding="utf-8")


def rewrite_rows(file: Path, change, delimiter: str = ",") -> None:
    rows = list(csv.reader(io.StringIO(file.read_text(encoding="utf-8"), newline="")))
    change(rows)
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    file.write_text(buffer.getvalue(), encoding="utf-8")


def feature(builder: PackageBuilder, area: str) -> dict:
    return next(f for f in builder.geojson["features"] if f["properties"].get("area_id") == area)


# --------------------------------------------------------------------------- the valid package

def test_valid_package_has_no_problems(pkg, tmp_path):
    package, problems = read_package(pkg.write(tmp_path / "pkg"))
    assert problems == []
    assert package is not None
    assert set(package.areas.index) == {"S", "P1", "P2", "a", "b", "c", "d"}
    assert package.levels == ("stadt", "planungsraum", "ortsteil")


def test_load_package_raises_with_every_problem(pkg, tmp_path):
    pkg.row("measures", measure_id="M-1")["progress"] = "140"
    path = pkg.write(tmp_path / "pkg")
    with pytest.raises(PackageError) as info:
        load_package(path)
    assert info.value.problems == read_package(path)[1]
    assert str(info.value).startswith("Das Datenpaket ist nicht gültig (1 Problem):")
    assert "measures.csv, Zeile 2, Spalte „progress“" in str(info.value)


# --------------------------------------------------------------------------- datapackage.json

def test_missing_datapackage_json(pkg, tmp_path):
    problems = broken(pkg, tmp_path, lambda p: (p / DP).unlink())
    expect(problems, DP, None, None, "fehlt")


def test_invalid_json_in_datapackage_json(pkg, tmp_path):
    def edit(path):
        (path / DP).write_text('{\n  "meta": {\n    "city": "Erfurt",,\n  }\n}\n', encoding="utf-8")
    problems = broken(pkg, tmp_path, edit)
    expect(problems, DP, 3, None, "Kein gültiges JSON")


@pytest.mark.parametrize("key", META_KEYS_REQUIRED)
def test_missing_meta_key(pkg, tmp_path, key):
    del pkg.meta[key]
    problems = broken(pkg, tmp_path)
    expect(problems, DP, None, f"meta.{key}", "fehlt")


def test_edition_is_not_a_date(pkg, tmp_path):
    pkg.meta["edition"] = "31.12.2021"
    problems = broken(pkg, tmp_path)
    problem = expect(problems, DP, None, "meta.edition", "kein Datum")
    assert "JJJJ-MM-TT" in problem.message


@pytest.mark.parametrize("threshold", ["drei", 2.5])
def test_suppression_threshold_not_a_whole_number(pkg, tmp_path, threshold):
    pkg.meta["suppression_threshold"] = threshold
    problems = broken(pkg, tmp_path)
    expect(problems, DP, None, "meta.suppression_threshold", "keine ganze Zahl")


# --------------------------------------------------------------------------- files and CSV syntax

def test_missing_required_file(pkg, tmp_path):
    problems = broken(pkg, tmp_path, lambda p: (p / "indicators.csv").unlink())
    expect(problems, "indicators.csv", None, None, "fehlt")


def test_row_with_wrong_number_of_fields(pkg, tmp_path):
    line = obs_line(pkg, "b", "sgb2", 2021)

    def edit(path):
        rewrite_lines(path / "observations.csv", lambda lines: lines.__setitem__(line - 1, lines[line - 1] + ",x"))
    problems = broken(pkg, tmp_path, edit)
    problem = expect(problems, "observations.csv", line, None, "Felder")
    assert "Kopfzeile" in problem.message


def test_file_not_utf8(pkg, tmp_path):
    line = pkg.line_of("areas", area_id="P2")  # „Süd“: the first non-ASCII character

    def edit(path):
        file = path / "areas.csv"
        file.write_bytes(file.read_text(encoding="utf-8").encode("cp1252"))
    problems = broken(pkg, tmp_path, edit)
    expect(problems, "areas.csv", line, None, "UTF-8")


def test_semicolon_delimited_file(pkg, tmp_path):
    problems = broken(pkg, tmp_path,
                      lambda p: rewrite_rows(p / "facilities.csv", lambda rows: None, delimiter=";"))
    expect(problems, "facilities.csv", 1, None, "Semikolon")


def test_missing_required_column(pkg, tmp_path):
    def drop_unit(rows):
        at = rows[0].index("unit")
        for row in rows:
            del row[at]
    problems = broken(pkg, tmp_path, lambda p: rewrite_rows(p / "indicators.csv", drop_unit))
    expect(problems, "indicators.csv", 1, "unit", "Pflichtspalte fehlt")


def test_duplicate_column(pkg, tmp_path):
    def twice(rows):
        rows[0].append("title")
        for row in rows[1:]:
            row.append("noch ein Titel")
    problems = broken(pkg, tmp_path, lambda p: rewrite_rows(p / "leitlinien.csv", twice))
    expect(problems, "leitlinien.csv", 1, "title", "mehrfach")


# --------------------------------------------------------------------------- cells

def test_empty_required_cell(pkg, tmp_path):
    pkg.row("indicators", indicator_id="sgb2")["unit"] = ""
    problems = broken(pkg, tmp_path)
    expect(problems, "indicators.csv", pkg.line_of("indicators", indicator_id="sgb2"), "unit", "Pflichtfeld")


def test_text_in_number_column(pkg, tmp_path):
    obs_row(pkg, "c", "einwohner", 2021)["value"] = "viele"
    problems = broken(pkg, tmp_path)
    problem = expect(problems, "observations.csv", obs_line(pkg, "c", "einwohner", 2021), "value",
                     "keine Zahl")
    assert "„viele“" in problem.message


def test_infinity_is_not_a_number(pkg, tmp_path):
    obs_row(pkg, "a", "einwohner", 2020)["value"] = "inf"
    problems = broken(pkg, tmp_path)
    expect(problems, "observations.csv", obs_line(pkg, "a", "einwohner", 2020), "value", "keine Zahl")


def test_decimal_comma_mentions_the_point(pkg, tmp_path):
    obs_row(pkg, "c", "sgb2", 2020)["value"] = "11,76"
    problems = broken(pkg, tmp_path)
    problem = expect(problems, "observations.csv", obs_line(pkg, "c", "sgb2", 2020), "value", "keine Zahl")
    assert "Punkt" in problem.message


def test_non_integer_in_integer_column(pkg, tmp_path):
    pkg.row("measures", measure_id="M-1")["progress"] = "40.5"
    problems = broken(pkg, tmp_path)
    expect(problems, "measures.csv", pkg.line_of("measures", measure_id="M-1"), "progress", "keine ganze Zahl")


def test_value_not_in_enum(pkg, tmp_path):
    pkg.row("areas", area_id="P1")["level"] = "bezirk"
    problems = broken(pkg, tmp_path)
    problem = expect(problems, "areas.csv", pkg.line_of("areas", area_id="P1"), "level", "kein erlaubter Wert")
    assert "„bezirk“" in problem.message and "planungsraum" in problem.message


def test_bad_boolean(pkg, tmp_path):
    pkg.row("areas", area_id="a")["ortsteilrat"] = "vielleicht"
    problems = broken(pkg, tmp_path)
    expect(problems, "areas.csv", pkg.line_of("areas", area_id="a"), "ortsteilrat", "weder „ja“ noch „nein“")


def test_bad_date(pkg, tmp_path):
    pkg.row("measures", measure_id="M-1")["start"] = "01.01.2022"
    problems = broken(pkg, tmp_path)
    expect(problems, "measures.csv", pkg.line_of("measures", measure_id="M-1"), "start", "kein Datum")


def test_value_above_maximum(pkg, tmp_path):
    pkg.row("measures", measure_id="M-1")["progress"] = "140"
    problems = broken(pkg, tmp_path)
    expect(problems, "measures.csv", pkg.line_of("measures", measure_id="M-1"), "progress", "größer als 100")


def test_pattern_violation(pkg, tmp_path):
    pkg.row("indicators", indicator_id="segregation")["indicator_id"] = "segregation index"
    problems = broken(pkg, tmp_path)
    # the observations of „segregation“ then point to an unknown indicator as well
    problem = expect(problems, "indicators.csv", pkg.line_of("indicators", indicator_id="segregation index"),
                     "indicator_id", "nicht die erwartete Form", alone=False)
    assert "Kleinbuchstaben" in problem.message


# --------------------------------------------------------------------------- areas

def test_duplicate_area_id(pkg, tmp_path):
    pkg.tables["areas"].append(dict(pkg.row("areas", area_id="d"), name="Nordost"))
    problems = broken(pkg, tmp_path)
    expect(problems, "areas.csv", len(pkg.tables["areas"]) + 1, "area_id", "mehrfach")


def test_unknown_parent(pkg, tmp_path):
    pkg.row("areas", area_id="a")["parent_id"] = "P9"
    problems = broken(pkg, tmp_path)
    problem = expect(problems, "areas.csv", pkg.line_of("areas", area_id="a"), "parent_id", "gibt es nicht")
    assert "„P9“" in problem.message


def test_parent_on_finer_level(pkg, tmp_path):
    pkg.row("areas", area_id="P1")["parent_id"] = "c"  # an Ortsteil
    problems = broken(pkg, tmp_path)
    expect(problems, "areas.csv", pkg.line_of("areas", area_id="P1"), "parent_id", "nicht gröber")


def test_parent_skips_a_level(pkg, tmp_path):
    """An Ortsteil directly under the city would make the city's sums silently incomplete."""
    pkg.tables["areas"].append({"area_id": "e", "name": "Einzelort", "level": "ortsteil", "parent_id": "S"})
    pkg.geojson["features"].append(
        {"type": "Feature", "properties": {"area_id": "e"}, "geometry": square(11.05, 50.9)})
    problems = broken(pkg, tmp_path)
    expect(problems, "areas.csv", pkg.line_of("areas", area_id="e"), "parent_id", "nächstgröbere Ebene")


def test_no_city(pkg, tmp_path):
    pkg.row("areas", area_id="S")["level"] = "planungsraum"
    problems = broken(pkg, tmp_path)
    # S then also lacks a parent
    problem = expect(problems, "areas.csv", None, "level", "genau ein", alone=False)
    assert "gefunden: 0" in problem.message


def test_two_cities(pkg, tmp_path):
    pkg.tables["areas"].append({"area_id": "S2", "name": "Zweitstadt", "level": "stadt", "parent_id": ""})
    problems = broken(pkg, tmp_path)
    problem = expect(problems, "areas.csv", None, "level", "genau ein")
    assert "gefunden: 2" in problem.message


# --------------------------------------------------------------------------- observations

def test_observation_of_unknown_area(pkg, tmp_path):
    obs_row(pkg, "a", "einwohner", 2020)["area_id"] = "x"
    problems = broken(pkg, tmp_path)
    expect(problems, "observations.csv", obs_line(pkg, "x", "einwohner", 2020), "area_id", "gibt es nicht")


def test_observation_of_unknown_indicator(pkg, tmp_path):
    obs_row(pkg, "a", "einwohner", 2020)["indicator_id"] = "armut"
    problems = broken(pkg, tmp_path)
    expect(problems, "observations.csv", obs_line(pkg, "a", "armut", 2020), "indicator_id", "gibt es nicht")


def test_duplicate_observation_key(pkg, tmp_path):
    pkg.tables["observations"].append(dict(obs_row(pkg, "a", "einwohner", 2020)))
    problems = broken(pkg, tmp_path)
    expect(problems, "observations.csv", len(pkg.tables["observations"]) + 1, None, "mehrfach")


@pytest.mark.parametrize("year", [1980, 2022], ids=["before-1990", "after-edition"])
def test_year_out_of_range(pkg, tmp_path, year):
    obs_row(pkg, "a", "einwohner", 2020)["year"] = year
    problems = broken(pkg, tmp_path)
    problem = expect(problems, "observations.csv", obs_line(pkg, "a", "einwohner", year), "year", "außerhalb")
    assert "1990 bis 2021" in problem.message


def test_share_above_100_percent(pkg, tmp_path):
    obs_row(pkg, "a", "sgb2", 2020).update(value=140, numerator="", denominator="")
    problems = broken(pkg, tmp_path)
    problem = expect(problems, "observations.csv", obs_line(pkg, "a", "sgb2", 2020), "value", "unmöglich",
                     alone=False)
    assert "140 %" in problem.message


def test_rate_of_a_small_area_without_case_count(pkg, tmp_path):
    """Without numerator and denominator the tool could not suppress a small count."""
    obs_row(pkg, "a", "sgb2", 2020).update(value=6.25, numerator="", denominator="")
    problems = broken(pkg, tmp_path)
    expect(problems, "observations.csv", obs_line(pkg, "a", "sgb2", 2020), "numerator", "Geheimhaltung")


def test_explicit_city_rate_without_case_count_is_fine(pkg, tmp_path):
    pkg.tables["observations"].append({"area_id": "S", "indicator_id": "sgb2", "year": 2020, "value": 13.7})
    package, problems = read_package(pkg.write(tmp_path / "pkg"))
    assert problems == []
    city = package.observations[(package.observations.area_id == "S") & (package.observations.indicator_id == "sgb2")
                                & (package.observations.year == 2020)]
    assert city["value"].iloc[0] == pytest.approx(13.7)
    assert not city["computed"].iloc[0]


def test_duplicate_explicit_slug(pkg, tmp_path):
    pkg.row("areas", area_id="a")["slug"] = "gleich"
    pkg.row("areas", area_id="b")["slug"] = "gleich"
    problems = broken(pkg, tmp_path)
    expect(problems, "areas.csv", pkg.line_of("areas", area_id="b"), "slug", "mehrfach")


def test_negative_count(pkg, tmp_path):
    obs_row(pkg, "a", "einwohner", 2020)["value"] = -5
    problems = broken(pkg, tmp_path)
    expect(problems, "observations.csv", obs_line(pkg, "a", "einwohner", 2020), "value", "Negative Anzahl")


def test_fractional_count(pkg, tmp_path):
    obs_row(pkg, "a", "einwohner", 2020)["value"] = 1000.5
    problems = broken(pkg, tmp_path)
    problem = expect(problems, "observations.csv", obs_line(pkg, "a", "einwohner", 2020), "value", "ganzzahlig")
    assert "1000,5" in problem.message


def test_numerator_above_denominator(pkg, tmp_path):
    obs_row(pkg, "a", "sgb2", 2020).update(value="", numerator=900)
    problems = broken(pkg, tmp_path)
    expect(problems, "observations.csv", obs_line(pkg, "a", "sgb2", 2020), "numerator",
           "größer als der Nenner")


def test_value_inconsistent_with_numerator_and_denominator(pkg, tmp_path):
    obs_row(pkg, "a", "sgb2", 2020)["value"] = 7.5  # 50 / 800 * 100 = 6.25
    problems = broken(pkg, tmp_path)
    problem = expect(problems, "observations.csv", obs_line(pkg, "a", "sgb2", 2020), "value", "passt nicht")
    assert "7,5" in problem.message


@pytest.mark.parametrize("empty", ["numerator", "denominator"])
def test_only_one_of_numerator_and_denominator(pkg, tmp_path, empty):
    obs_row(pkg, "a", "sgb2", 2020)[empty] = ""
    problems = broken(pkg, tmp_path)
    expect(problems, "observations.csv", obs_line(pkg, "a", "sgb2", 2020), empty, "gehören zusammen")


def test_zero_denominator_with_positive_numerator(pkg, tmp_path):
    obs_row(pkg, "a", "wohnflaeche", 2020).update(value="", denominator=0)
    problems = broken(pkg, tmp_path)
    expect(problems, "observations.csv", obs_line(pkg, "a", "wohnflaeche", 2020), "denominator", "Nenner ist 0")


def test_count_with_numerator(pkg, tmp_path):
    obs_row(pkg, "a", "einwohner", 2020)["numerator"] = 5
    problems = broken(pkg, tmp_path)
    expect(problems, "observations.csv", obs_line(pkg, "a", "einwohner", 2020), "numerator", "keinen Zähler")


# --------------------------------------------------------------------------- indicators and measures

def test_leitlinie_7_in_indicators(pkg, tmp_path):
    pkg.row("indicators", indicator_id="sgb2")["leitlinien"] = "4;7"
    problems = broken(pkg, tmp_path)
    problem = expect(problems, "indicators.csv", pkg.line_of("indicators", indicator_id="sgb2"), "leitlinien",
                     "keine Leitlinie")
    assert "„7“" in problem.message


def test_leitlinie_7_in_measures(pkg, tmp_path):
    pkg.row("measures", measure_id="M-1")["leitlinien"] = "1;4;7"
    problems = broken(pkg, tmp_path)
    expect(problems, "measures.csv", pkg.line_of("measures", measure_id="M-1"), "leitlinien", "keine Leitlinie")


def test_primary_leitlinie_not_in_list(pkg, tmp_path):
    pkg.row("measures", measure_id="M-1")["primary_leitlinie"] = "2"  # list is 1;4
    problems = broken(pkg, tmp_path)
    expect(problems, "measures.csv", pkg.line_of("measures", measure_id="M-1"), "primary_leitlinie",
           "Haupt-Leitlinie")


def test_measure_with_unknown_area(pkg, tmp_path):
    pkg.row("measures", measure_id="M-1")["area_ids"] = "b;zz"
    problems = broken(pkg, tmp_path)
    problem = expect(problems, "measures.csv", pkg.line_of("measures", measure_id="M-1"), "area_ids",
                     "gibt es nicht")
    assert "„zz“" in problem.message


def test_measure_with_unknown_target_indicator(pkg, tmp_path):
    pkg.row("measures", measure_id="M-1")["target_indicators"] = "sgb2;armut"
    problems = broken(pkg, tmp_path)
    problem = expect(problems, "measures.csv", pkg.line_of("measures", measure_id="M-1"), "target_indicators",
                     "gibt es nicht")
    assert "„armut“" in problem.message


def test_measure_ends_before_it_starts(pkg, tmp_path):
    pkg.row("measures", measure_id="M-1")["planned_end"] = "2021-06-30"  # start 2022-01-01
    problems = broken(pkg, tmp_path)
    expect(problems, "measures.csv", pkg.line_of("measures", measure_id="M-1"), "planned_end", "vor dem Beginn")


def test_milestone_of_unknown_measure(pkg, tmp_path):
    pkg.row("milestones", measure_id="M-1")["measure_id"] = "M-9"
    problems = broken(pkg, tmp_path)
    expect(problems, "milestones.csv", pkg.line_of("milestones", measure_id="M-9"), "measure_id",
           "gibt es nicht")


def test_facility_in_unknown_area(pkg, tmp_path):
    pkg.row("facilities", facility_id="F-1")["area_id"] = "zz"
    problems = broken(pkg, tmp_path)
    expect(problems, "facilities.csv", pkg.line_of("facilities", facility_id="F-1"), "area_id", "gibt es nicht")


# --------------------------------------------------------------------------- geometry

def test_ortsteil_without_geometry(pkg, tmp_path):
    pkg.geojson["features"].remove(feature(pkg, "c"))
    problems = broken(pkg, tmp_path)
    problem = expect(problems, "areas.csv", pkg.line_of("areas", area_id="c"), "area_id", "fehlt die Geometrie")
    assert "Cäcilienhöhe" in problem.message


def test_geometry_without_area(pkg, tmp_path):
    pkg.geojson["features"].append(
        {"type": "Feature", "properties": {"area_id": "zz"}, "geometry": square(11.0, 50.95)})
    problems = broken(pkg, tmp_path)
    problem = expect(problems, "areas.geojson", None, None, "gehört zu keinem Gebiet")
    assert "„zz“" in problem.message


def test_invalid_polygon(pkg, tmp_path):
    x, y = 11.0, 50.9
    bow_tie = [[x, y], [x + 0.01, y + 0.01], [x + 0.01, y], [x, y + 0.01], [x, y]]
    feature(pkg, "a")["geometry"] = {"type": "Polygon", "coordinates": [bow_tie]}
    problems = broken(pkg, tmp_path)
    # the area then lacks its geometry as well
    problem = expect(problems, "areas.geojson", None, "geometry", "ungültig", alone=False)
    assert "Objekt 1" in problem.message and "Selbstüberschneidung" in problem.message


def test_point_geometry(pkg, tmp_path):
    feature(pkg, "a")["geometry"] = {"type": "Point", "coordinates": [11.0, 50.9]}
    problems = broken(pkg, tmp_path)
    problem = expect(problems, "areas.geojson", None, "geometry", "Point", alone=False)
    assert "erwartet Polygon" in problem.message


def test_missing_join_property(pkg, tmp_path):
    feature(pkg, "a")["properties"] = {"NAME": "Altdorf"}
    problems = broken(pkg, tmp_path)
    problem = expect(problems, "areas.geojson", None, "area_id", "fehlt", alone=False)
    assert "Objekt 1" in problem.message


def test_projected_coordinates_without_crs(pkg, tmp_path):
    for i, feat in enumerate(pkg.geojson["features"]):
        feat["geometry"] = square(642000 + 1000 * i, 5650000, size=1000)
    problems = broken(pkg, tmp_path)
    problem = expect(problems, "areas.geojson", None, "geometry", "crs", alone=False)
    assert "WGS84" in problem.message


def test_unknown_crs(pkg, tmp_path):
    pkg.geojson["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::999999"}}
    problems = broken(pkg, tmp_path)
    expect(problems, "areas.geojson", None, "crs", "unbekannt")


# --------------------------------------------------------------------------- line numbers

def test_line_numbers_count_editor_lines(pkg, tmp_path):
    """A quoted cell spanning lines and a blank line must not shift the reported line."""
    pkg.row("measures", measure_id="M-1")["description"] = "Erster Absatz.\n\nZweiter Absatz."
    pkg.tables["measures"].append(dict(pkg.row("measures", measure_id="M-1"), measure_id="M-2",
                                       progress="140"))

    def edit(path):
        file = path / "measures.csv"
        raw = file.read_bytes()
        assert raw.count(b"\r\nM-2,") == 1
        file.write_bytes(raw.replace(b"\r\nM-2,", b"\r\n\r\nM-2,"))
        # header, 3 lines of M-1, blank line
        assert file.read_bytes().decode().splitlines()[5].startswith("M-2,")
    problems = broken(pkg, tmp_path, edit)
    # a record spanning several lines is reported at the line where it starts
    expect(problems, "measures.csv", 6, "progress", "größer als 100")


def test_unterminated_quote_is_a_problem_not_a_crash(pkg, tmp_path):
    line = obs_line(pkg, "b", "sgb2", 2021)

    def edit(path):
        rewrite_lines(path / "observations.csv",
                      lambda lines: lines.__setitem__(line - 1, lines[line - 1] + ',"offen' + "x" * 200_000))
    problems = broken(pkg, tmp_path, edit)
    expect(problems, "observations.csv", line, None, "Anführungszeichen")


# --------------------------------------------------------------------------- whole reports

def several_problems(builder: PackageBuilder):
    """A bad row, an unknown area id, a share of 140 % and a missing geometry:
    (package, [(file, line, column, word in the message)], edit of the written files)."""
    b = builder.copy()
    obs_row(b, "a", "einwohner", 2021)["area_id"] = "x"
    obs_row(b, "c", "sgb2", 2021).update(value=140, numerator="", denominator="")
    b.geojson["features"].remove(feature(b, "d"))
    expected = [
        ("facilities.csv", 2, None, "Felder"),
        ("observations.csv", obs_line(b, "x", "einwohner", 2021), "area_id", "gibt es nicht"),
        ("observations.csv", obs_line(b, "c", "sgb2", 2021), "value", "unmöglich"),
        ("areas.csv", b.line_of("areas", area_id="d"), "area_id", "fehlt die Geometrie"),
    ]

    def edit(path):
        rewrite_lines(path / "facilities.csv", lambda lines: lines.__setitem__(1, lines[1] + ",überzählig"))
    return b, expected, edit


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sozialraum", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=120)


def test_all_problems_are_reported_and_the_cli_fails(pkg, tmp_path):
    b, expected, edit = several_problems(pkg)
    problems = broken(b, tmp_path, edit)
    assert len(problems) == len(expected), "\n".join(map(str, problems))
    for file, row, column, word in expected:
        expect(problems, file, row, column, word, alone=False)

    result = run_cli("validate", str(tmp_path / "pkg"))
    assert result.returncode == 1
    assert "nicht gültig (4 Probleme)" in result.stderr
    for p in problems:
        assert str(p) in result.stderr
    assert result.stdout == ""


def test_cli_accepts_the_valid_package(pkg, tmp_path):
    result = run_cli("validate", str(pkg.write(tmp_path / "pkg")))
    assert result.returncode == 0, result.stderr
    assert "Datenpaket gültig" in result.stdout
    assert result.stderr == ""


def test_ten_thousand_bad_rows_give_a_capped_report(pkg, tmp_path):
    def edit(path):
        with open(path / "observations.csv", "a", encoding="utf-8") as handle:
            handle.write("a,einwohner\n" * 10_000)
    problems = broken(pkg, tmp_path, edit)
    assert len(problems) <= 30
    shown = [p for p in problems if p.row is not None]
    assert all(p.file == "observations.csv" and "Felder" in p.message for p in shown)
    rows = [p.row for p in shown]
    first = len(pkg.tables["observations"]) + 2
    assert rows == list(range(first, first + len(rows)))
    summary = [p for p in problems if p.row is None]
    assert len(summary) == 1
    assert summary[0].message == f"… und {10_000 - len(shown)} weitere Probleme dieser Art"


def test_problem_text_names_file_line_and_column():
    problem = Problem("observations.csv", 7, "value", "Anteil von 140 % ist unmöglich (erlaubt: 0 bis 100).")
    assert str(problem) == ("observations.csv, Zeile 7, Spalte „value“: "
                            "Anteil von 140 % ist unmöglich (erlaubt: 0 bis 100).")
    assert str(Problem("areas.geojson", None, None, "Datei fehlt.")) == "areas.geojson: Datei fehlt."



def test_value_rounded_half_up_is_accepted(pkg, tmp_path):
    """1/160*100 = 0.625 written with two decimals as 0.63 (or 0.62) lies exactly half a unit
    away; floating point must not turn that into a false mismatch."""
    obs_row(pkg, "a", "sgb2", 2020).update(value=0.63, numerator=5, denominator=800)
    obs_row(pkg, "a", "sgb2", 2021).update(value=0.62, numerator=5, denominator=800)
    pkg.row("indicators", indicator_id="sgb2")["decimals"] = "1"
    package, problems = read_package(pkg.write(tmp_path / "pkg"))
    assert problems == []
