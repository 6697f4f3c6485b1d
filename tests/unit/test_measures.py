"""sozialraum.measures.validate: one test per rule, German messages, the strings forms and
spreadsheets deliver; and show(), the German display of audit values."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from sozialraum.measures import EDITABLE_FIELDS, FIELD_LABELS, decode_list, encode_list, show, validate
from tests.unit.store_fixtures import erfurt_package

STATUSES = "geplant, in Vorbereitung, in Umsetzung, umgesetzt, verstetigt, zurückgestellt, abgebrochen"
VALID = {"title": "Stadtteilkonferenz", "leitlinien": "1;3", "primary_leitlinie": "3", "status": "geplant"}


@pytest.fixture(scope="module")
def package():
    return erfurt_package()


def check(package, **changes):
    """validate() of a valid minimal measure with `changes` applied."""
    return validate({**VALID, **changes}, package)


def only_error(package, **changes) -> str:
    errors = check(package, **changes)[1]
    assert len(errors) == 1, errors
    return errors[0]


def test_minimal_measure_is_valid(package):
    clean, errors = check(package)
    assert errors == []
    assert clean["title"] == "Stadtteilkonferenz" and clean["leitlinien"] == [1, 3]
    assert clean["primary_leitlinie"] == 3 and clean["status"] == "geplant"
    assert clean["area_ids"] == [] and clean["progress"] is None and clean["start"] is None
    assert clean["budget_planned"] is None and clean["priority"] is None and clean["target_values"] == {}


def test_package_measures_are_all_valid(package):
    for record in package.measures.to_dict("records"):
        assert validate(record, package)[1] == [], record["measure_id"]


def test_required_fields(package):
    assert validate({}, package)[1] == [
        "Titel: Bitte einen Titel angeben.",
        "Leitlinien: Bitte mindestens eine Leitlinie (1 bis 6) wählen.",
        "Haupt-Leitlinie: Bitte die Leitlinie angeben, der die Maßnahme vor allem dient.",
        f"Status: „None“ ist kein Status; erlaubt: {STATUSES}.",
    ]


def test_partial_validation_checks_only_given_fields(package):
    clean, errors = validate({"progress": "50"}, package, require_all=False)
    assert errors == [] and clean == {"progress": 50}


# ---------------------------------------------------------------------------------------- text
def test_text_is_trimmed_and_whitespace_collapsed(package):
    clean, errors = check(package, title="  Stadtteil \n  konferenz\t", description=" Zeile 1\r\nZeile 2 \r")
    assert errors == []
    assert clean["title"] == "Stadtteil konferenz"
    assert clean["description"] == "Zeile 1\nZeile 2"   # newlines kept in the description (Markdown)


def test_text_limits(package):
    assert only_error(package, title="x" * 201) == "Titel: höchstens 200 Zeichen (eingegeben: 201)."
    assert check(package, title="x" * 200)[1] == []
    assert only_error(package, partners="p" * 501) == "Partner: höchstens 500 Zeichen (eingegeben: 501)."
    assert only_error(package, description="d" * 5001) == "Beschreibung: höchstens 5000 Zeichen (eingegeben: 5001)."


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x08"])
def test_control_characters_are_refused(package, char):
    assert only_error(package, title=f"a{char}b") == "Titel: enthält Steuerzeichen; bitte nur normalen Text eingeben."
    assert only_error(package, description=f"a{char}b").startswith("Beschreibung: enthält Steuerzeichen")


def test_whitespace_control_characters(package):
    """Vertical tab and form feed count as whitespace: collapsed in one-line fields, refused in the
    description (which keeps its line breaks)."""
    assert check(package, title="a\x0bb\x0cc")[0]["title"] == "a b c"
    assert only_error(package, description="a\x0bb").startswith("Beschreibung: enthält Steuerzeichen")


def test_tabs_and_newlines_are_not_control_characters(package):
    assert check(package, description="a\tb\nc")[1] == []


def test_html_stays_text(package):
    clean, errors = check(package, title="<script>alert(1)</script>", description="<b>fett</b> & mehr")
    assert errors == []
    assert clean["title"] == "<script>alert(1)</script>" and clean["description"] == "<b>fett</b> & mehr"


def test_measure_id(package):
    assert check(package, measure_id=" M-2024-007 ")[0]["measure_id"] == "M-2024-007"
    assert only_error(package, measure_id="M 7/1") == (
        "Maßnahmen-ID „M 7/1“: nur Buchstaben, Ziffern, Punkt, Bindestrich und Unterstrich, höchstens 64 Zeichen.")
    assert "measure_id" not in check(package, measure_id="")[0]


# ---------------------------------------------------------------------------------------- leitlinien
@pytest.mark.parametrize("raw", ["1;3", "3,1", " 3 ; 1 ;", [3, 1], ("1", "3"), "1.0;3.0", [1.0, 3.0], "3;1;3"])
def test_leitlinien_list_forms(package, raw):
    clean, errors = check(package, leitlinien=raw)
    assert errors == [] and clean["leitlinien"] == [1, 3]


@pytest.mark.parametrize("raw", [4, 4.0])
def test_a_single_list_item_as_a_spreadsheet_number(package, raw):
    """An XLSX cell "4" (one Leitlinie, one Ortsteil id) arrives as the number 4 (or 4.0)."""
    clean, errors = check(package, leitlinien=raw, primary_leitlinie=raw)
    assert errors == [] and clean["leitlinien"] == [4] and clean["primary_leitlinie"] == 4
    clean, errors = check(package, area_ids=raw * 3.5)   # Ortsteil 14
    assert errors == [] and clean["area_ids"] == ["14"]


def test_unknown_leitlinie(package):
    assert only_error(package, leitlinien="3;7") == "Leitlinien: „7“ ist keine Leitlinie (1 bis 6)."
    assert only_error(package, leitlinien="0;3") == "Leitlinien: „0“ ist keine Leitlinie (1 bis 6)."
    assert only_error(package, leitlinien="") == "Leitlinien: Bitte mindestens eine Leitlinie (1 bis 6) wählen."


@pytest.mark.parametrize("raw", ["3", 3, "3.0", 3.0, " 3 "])
def test_primary_leitlinie_forms(package, raw):
    assert check(package, primary_leitlinie=raw)[0]["primary_leitlinie"] == 3


def test_primary_leitlinie_rules(package):
    assert only_error(package, primary_leitlinie="7") == "Haupt-Leitlinie: „7“ ist keine Leitlinie (1 bis 6)."
    assert only_error(package, primary_leitlinie="4") == "Haupt-Leitlinie: muss auch unter den Leitlinien stehen."
    assert only_error(package, primary_leitlinie="") == (
        "Haupt-Leitlinie: Bitte die Leitlinie angeben, der die Maßnahme vor allem dient.")


# ---------------------------------------------------------------------------------------- areas, indicators
def test_areas_by_id_or_slug(package):
    clean, errors = check(package, area_ids="wiesenhuegel; 13;14")
    assert errors == [] and clean["area_ids"] == ["14", "13"]   # order kept, duplicates dropped
    assert check(package, area_ids="")[0]["area_ids"] == []      # city-wide


def test_unknown_area(package):
    assert only_error(package, area_ids="14;atlantis") == "Gebiete: „atlantis“ gibt es nicht."


def test_target_indicators_and_values(package):
    clean, errors = check(package, target_indicators="arbeitslosenquote;einwohner",
                          target_values='{"arbeitslosenquote": "5,5"}')
    assert errors == []
    assert clean["target_indicators"] == ["arbeitslosenquote", "einwohner"]
    assert clean["target_values"] == {"arbeitslosenquote": 5.5}
    assert only_error(package, target_indicators="gibts_nicht") == (
        "Zielindikatoren: Indikator „gibts_nicht“ gibt es nicht.")
    assert only_error(package, target_indicators="einwohner", target_values={"arbeitslosenquote": 1}) == (
        "Zielwerte: „arbeitslosenquote“ ist kein Zielindikator dieser Maßnahme.")
    assert only_error(package, target_indicators="einwohner", target_values={"einwohner": "viel"}) == (
        "Zielwerte: „viel“ für einwohner ist keine Zahl.")
    assert only_error(package, target_values="{kaputt") == "Zielwerte: nicht lesbar (erwartet: Indikator und Zahl)."


# ---------------------------------------------------------------------------------------- status, priority
@pytest.mark.parametrize(("raw", "key"), [("in_umsetzung", "in_umsetzung"), ("in Umsetzung", "in_umsetzung"),
                                          ("zurückgestellt", "zurueckgestellt"), (" geplant ", "geplant")])
def test_status_by_key_or_label(package, raw, key):
    assert check(package, status=raw)[0]["status"] == key


def test_unknown_status(package):
    assert only_error(package, status="fertig") == f"Status: „fertig“ ist kein Status; erlaubt: {STATUSES}."


def test_priority(package):
    assert check(package, priority="Hoch")[0]["priority"] == "hoch"
    assert check(package, priority="")[0]["priority"] is None
    assert only_error(package, priority="dringend") == (
        "Priorität: „dringend“ ist nicht erlaubt; erlaubt: hoch, mittel, niedrig.")


# ---------------------------------------------------------------------------------------- dates
@pytest.mark.parametrize("raw", ["01.02.2024", "1.2.2024", "2024-02-01", "2024-02-01 00:00:00",
                                 "2024-02-01T00:00:00", date(2024, 2, 1), datetime(2024, 2, 1, 13, 5),
                                 pd.Timestamp("2024-02-01")])
def test_date_forms(package, raw):
    clean, errors = check(package, start=raw)
    assert errors == [] and clean["start"] == date(2024, 2, 1)


@pytest.mark.parametrize("raw", ["31.02.2024", "2024/02/01", "morgen", "01.13.2024"])
def test_bad_dates(package, raw):
    assert only_error(package, start=raw) == f"Beginn: „{raw}“ ist kein Datum (TT.MM.JJJJ)."


def test_end_before_start(package):
    assert only_error(package, start="01.02.2024", planned_end="31.01.2024") == (
        "geplantes Ende: liegt vor dem Beginn (01.02.2024).")
    assert only_error(package, start="01.02.2024", actual_end="2023-12-31") == (
        "tatsächliches Ende: liegt vor dem Beginn (01.02.2024).")
    assert check(package, start="01.02.2024", planned_end="01.02.2024", actual_end="02.02.2024")[1] == []
    assert check(package, planned_end="01.01.2000")[1] == []   # no start: nothing to compare


# ---------------------------------------------------------------------------------------- numbers
@pytest.mark.parametrize(("raw", "value"), [("0", 0), ("100", 100), (55, 55), ("4.0", 4), (4.0, 4), ("50 %", 50),
                                            ("50%", 50), ("75,0", 75)])
def test_progress_forms(package, raw, value):
    clean, errors = check(package, progress=raw)
    assert errors == [] and clean["progress"] == value


@pytest.mark.parametrize("raw", [101, -1, "abc", "4.5", 12.5, "1e3", True])
def test_progress_must_be_a_whole_percentage(package, raw):
    assert only_error(package, progress=raw) == f"Fortschritt: „{raw}“ muss eine ganze Zahl von 0 bis 100 sein."


@pytest.mark.parametrize(("raw", "value"), [
    ("1.234,50", 1234.5), ("1234,5", 1234.5), ("1234.50", 1234.5), ("181000", 181000.0), (181000, 181000.0),
    ("670000.0", 670000.0), ("1.234.567,89", 1234567.89), ("12 500 €", 12500.0), ("2.500 EUR", 2500.0),
    ("12.500", 12500.0), ("0", 0.0), ("", None),
])
def test_budget_forms(package, raw, value):
    """German amounts as typed in a form or a spreadsheet. A dot followed by exactly three digits
    is a German thousands separator ("12.500" = 12 500 EUR), not a decimal point."""
    clean, errors = check(package, budget_planned=raw)
    assert errors == [] and clean["budget_planned"] == value


@pytest.mark.parametrize("raw", ["-5", "abc", "1e13", "nan", "inf", True])
def test_bad_budgets(package, raw):
    assert only_error(package, budget_spent=raw) == (
        f"Budget verausgabt (EUR): „{raw}“ muss ein Betrag von 0 oder mehr Euro sein.")


# ---------------------------------------------------------------------------------------- milestones
def test_milestones(package):
    clean, errors = check(package, milestones=[
        {"date": "01.06.2025", "title": " Bericht ", "done": "ja"},
        {"date": date(2024, 1, 1), "title": "Start", "done": False},
        {"date": "2024-05-05", "title": "Mitte", "done": "nein"},
    ])
    assert errors == []
    assert clean["milestones"] == [
        {"date": date(2024, 1, 1), "title": "Start", "done": False},
        {"date": date(2024, 5, 5), "title": "Mitte", "done": False},
        {"date": date(2025, 6, 1), "title": "Bericht", "done": True},
    ]
    assert "milestones" not in check(package)[0]   # untouched unless given


def test_bad_milestones(package):
    errors = check(package, milestones=[
        {"date": "01.06.2025", "title": ""},
        {"date": "irgendwann", "title": "Bericht"},
        {"date": "", "title": "Ohne Datum"},
        {"date": "01.01.2025", "title": "t" * 201},
        "kein Meilenstein",
    ])[1]
    assert errors == [
        "Meilenstein 1: Bitte einen Titel angeben.",
        "Meilenstein 2: „irgendwann“ ist kein Datum.",
        "Meilenstein 3: Bitte ein Datum angeben.",
        "Meilenstein 4: Titel höchstens 200 Zeichen, ohne Steuerzeichen.",
        "Meilenstein 5: nicht lesbar.",
    ]
    assert only_error(package, milestones="Text") == "Meilensteine: nicht lesbar."
    too_many = [{"date": "01.01.2025", "title": f"M{i}"} for i in range(51)]
    assert only_error(package, milestones=too_many) == "Meilensteine: höchstens 50."


def test_all_messages_together(package):
    """Every problem is reported at once, not only the first."""
    _, errors = validate({"title": "", "leitlinien": "9", "primary_leitlinie": "9", "status": "x",
                          "progress": "200", "start": "01.01.2024", "planned_end": "01.01.2023"}, package)
    assert [e.split(":")[0] for e in errors] == ["Titel", "Leitlinien", "Haupt-Leitlinie", "Status",
                                                 "geplantes Ende", "Fortschritt"]


def test_every_editable_field_has_a_german_label():
    assert set(EDITABLE_FIELDS) | {"measure_id", "archived", "created"} <= set(FIELD_LABELS)


def test_list_encoding_round_trip():
    assert encode_list(["14", "13"]) == "14;13" and encode_list([]) == "" and encode_list(None) == ""
    assert decode_list("14;13") == ("14", "13") and decode_list("") == () and decode_list(None) == ()


# ---------------------------------------------------------------------------------------- show
@pytest.mark.parametrize(("field", "value", "text"), [
    ("title", None, "–"), ("title", "", "–"), ("area_ids", [], "–"), ("target_values", {}, "–"),
    ("status", "in_umsetzung", "in Umsetzung"), ("status", "zurueckgestellt", "zurückgestellt"),
    ("archived", True, "ja"), ("archived", False, "nein"),
    ("start", date(2024, 2, 1), "01.02.2024"),
    ("budget_planned", 1234.5, "1.234,50"), ("budget_planned", 181000.0, "181.000"),
    ("budget_planned", 0.25, "0,25"),
    ("progress", 40, "40"),
    ("leitlinien", [3, 4], "3, 4"), ("area_ids", ("14", "13"), "14, 13"),
    ("target_values", {"arbeitslosenquote": 5.5}, "arbeitslosenquote: 5,50"),
    ("title", "<b>x</b>", "<b>x</b>"),
])
def test_show(field, value, text):
    assert show(field, value) == text


def test_show_milestones():
    value = [{"date": date(2024, 1, 15), "title": "Evaluation", "done": True},
             {"date": date(2025, 6, 1), "title": "Bericht", "done": False}]
    assert show("milestones", value) == "15.01.2024 Evaluation (erreicht); 01.06.2025 Bericht"
