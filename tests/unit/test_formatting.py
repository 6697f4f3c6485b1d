"""German number, value, change and date formats."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from sozialraum import formatting as fmt


@pytest.mark.parametrize("value, decimals, text", [
    (1234.5, 1, "1.234,5"),
    (213880, 0, "213.880"),
    (1234567.891, 2, "1.234.567,89"),
    (28.44, 1, "28,4"),
    (0.4, 0, "0"),
    (999.96, 1, "1.000,0"),
    (0, 1, "0,0"),
    (np.float64(12.25), 2, "12,25"),
    (np.int64(1200), 0, "1.200"),
])
def test_number(value, decimals, text):
    assert fmt.number(value, decimals) == text


def test_negative_numbers_use_the_typographic_minus():
    assert fmt.number(-1234.5, 1) == "−1.234,5"
    assert fmt.number(-3, 0) == "\u22123"
    assert "-" not in fmt.number(-3, 0)


def test_negative_zero_after_rounding_has_no_sign():
    assert fmt.number(-0.04, 1) == "0,0"
    assert fmt.number(0.04, 1, signed=True) == "0,0"


def test_signed():
    assert fmt.number(1.24, 1, signed=True) == "+1,2"
    assert fmt.number(-1.2, 1, signed=True) == "−1,2"


@pytest.mark.parametrize("missing", [None, math.nan, np.nan, pd.NA, np.float64("nan")])
def test_missing_is_a_dash(missing):
    assert fmt.number(missing, 1) == "–"
    assert fmt.value(missing, 1, "%") == "–"  # no unit after a dash
    assert fmt.change(missing, 1, "%") == "–"
    assert fmt.csv_number(missing, 1) == ""


def test_value_with_unit():
    assert fmt.value(28.4, 1, "%") == "28,4 %"
    assert fmt.value(213880, 0, "Personen") == "213.880 Personen"
    assert fmt.value(35.5, 1, "m²") == "35,5 m²"
    assert fmt.value(35.5, 1) == "35,5"
    assert fmt.value(35.5, 1, "") == "35,5"


def test_suppressed_value_is_a_dot():
    assert fmt.value(28.4, 1, "%", suppressed=True) == "·"
    assert fmt.value(None, 1, "%", suppressed=True) == fmt.SUPPRESSED == "·"
    assert fmt.MISSING == "–"


def test_change():
    assert fmt.change(1.2, 1, "%") == "+1,2 Prozentpunkte"
    assert fmt.change(-0.75, 2, "%") == "−0,75 Prozentpunkte"
    assert fmt.change(0.0, 1, "%") == "0,0 Prozentpunkte"
    assert fmt.change(1250, 0, "Personen") == "+1.250 Personen"
    assert fmt.change(-2.5, 1, "je 1.000 Einw.") == "−2,5 je 1.000 Einw."


def test_day():
    assert fmt.day(date(2024, 12, 31)) == "31.12.2024"
    assert fmt.day(date(2024, 1, 5)) == "05.01.2024"
    assert fmt.day(pd.Timestamp("2023-06-30")) == "30.06.2023"  # date cells of measures.csv
    assert fmt.day(None) == "–"
    assert fmt.day(pd.NaT) == "–"  # an empty date cell


def test_csv_number_uses_a_decimal_comma_and_no_thousands_separator():
    assert fmt.csv_number(1234.5, 1) == "1234,5"
    assert fmt.csv_number(20.3125, 2) == "20,31"
    assert fmt.csv_number(-2.5, 2) == "-2,50"  # spreadsheets expect the ASCII minus
    assert fmt.csv_number(213880, 0) == "213880"
