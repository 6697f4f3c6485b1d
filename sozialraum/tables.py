"""Read one CSV resource and check it against its canonical schema.

Every cell is read as text first, so that a bad cell is reported with its row and column
instead of silently turning a whole column into strings or NaN.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .problems import ProblemCollector
from .schema import LIST_SEPARATOR, Field, Resource

TRUE_WORDS = {"ja", "yes", "true", "wahr", "1", "j", "y"}
FALSE_WORDS = {"nein", "no", "false", "falsch", "0", "n"}
FIRST_DATA_LINE = 2  # header is line 1
LINE_INDEX = "index_is_line"
"""attrs flag: the frame's index is the editor line number of each row (a quoted cell may
span several lines and blank lines are skipped, so position + 2 is not the line)."""


def line_numbers(frame: pd.DataFrame) -> np.ndarray:
    """Editor line number of every row of `frame` (header = line 1)."""
    if frame.attrs.get(LINE_INDEX):
        return frame.index.to_numpy()
    return np.arange(len(frame)) + FIRST_DATA_LINE


def read_csv_text(path: Path, collector: ProblemCollector) -> pd.DataFrame | None:
    """All cells as stripped strings ('' = empty). None if the file cannot be parsed."""
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        collector.add(name, None, None, f"Datei kann nicht gelesen werden ({exc.strerror}).")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        collector.add(name, line, None,
                      "Die Datei ist nicht UTF-8-kodiert (bitte als „CSV UTF-8“ speichern).")
        return None
    del raw  # the text is all that is needed from here on
    if not text.strip():
        collector.add(name, None, None, "Die Datei ist leer.")
        return None
    header_line = text.split("\n", 1)[0]
    if header_line.count(";") > header_line.count(","):
        collector.add(name, 1, None,
                      "Trennzeichen ist das Semikolon; erwartet wird das Komma (siehe docs/data-format.md).")
        return None
    if '"' not in text:
        return _frame_from_plain_lines(text, name, collector)
    records = _records_with_csv_module(text, name, collector)
    if records is None:
        return None
    header = [h.strip() for h in records[0][1]]
    if not _header_ok(header, name, collector):
        return None
    body = []
    for number, row in records[1:]:
        if not any(cell.strip() for cell in row):
            continue  # blank lines and Excel's trailing ",,,," rows carry nothing
        if len(row) != len(header):
            _report_width(collector, name, number, len(row), len(header))
            continue
        body.append((number, row))
    frame = pd.DataFrame([row for _, row in body], columns=header, dtype="str",
                         index=pd.Index([number for number, _ in body], dtype="int64"))
    return _finish(frame)


def _header_ok(header: list[str], name: str, collector: ProblemCollector) -> bool:
    dupes = sorted({h for h in header if header.count(h) > 1})
    for col in dupes:
        collector.add(name, 1, col, "Spalte kommt in der Kopfzeile mehrfach vor.")
    return not dupes


def _report_width(collector: ProblemCollector, name: str, line: int, found: int, expected: int) -> None:
    # reported, then left out, so the rest of the file is still checked
    collector.add(name, line, None, f"Zeile hat {found} Felder, die Kopfzeile hat {expected}.", kind="width")


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    if len(frame):
        # strip on pandas' fast string dtype and keep it: a column becomes plain Python objects
        # (None marks an empty cell later on) only while it is parsed (`_text`), so a large file
        # never holds all its cells as Python strings at once (3 M rows × 7 columns ≈ 1.3 GB)
        frame = frame.apply(lambda col: col.str.strip())
    frame.attrs[LINE_INDEX] = True
    return frame


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    """One column of a frame from `read_csv_text` as plain Python strings ('' = empty)."""
    return frame[column].astype(object)


def _frame_from_plain_lines(text: str, name: str, collector: ProblemCollector) -> pd.DataFrame | None:
    """No quoting: every record is one line, so line numbers are exact and pandas' C parser
    can read the good lines (the common case, and the large observations file)."""
    lines = text.splitlines()
    header = [h.strip() for h in lines[0].split(",")]
    if not _header_ok(header, name, collector):
        return None
    expected = len(header) - 1
    keep, numbers = [], []
    for number, line in enumerate(lines[1:], start=2):
        commas = line.count(",")
        if commas == expected:
            if line.strip(", \t"):
                keep.append(line)
                numbers.append(number)
        elif line.strip(", \t"):
            _report_width(collector, name, number, commas + 1, len(header))
    # bytes, not io.StringIO: that copies the text into 4 bytes per character (0.5 GB for 126 MB)
    data = "\n".join([",".join(header), *keep]).encode("utf-8")
    del lines, keep
    frame = pd.read_csv(io.BytesIO(data), dtype="str", keep_default_na=False, na_filter=False,
                        skip_blank_lines=False, encoding="utf-8")
    del data
    frame.index = pd.Index(numbers, dtype="int64")
    return _finish(frame)


def _records_with_csv_module(text: str, name: str, collector: ProblemCollector
                             ) -> list[tuple[int, list[str]]] | None:
    """Records with the editor line each starts on: a quoted cell may span several lines."""
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[tuple[int, list[str]]] = []
    previous = 0
    try:
        for row in reader:
            records.append((previous + 1, row))
            previous = reader.line_num
    except csv.Error:
        collector.add(name, previous + 1, None,
                      "Ab hier ist die Datei kein lesbares CSV (ein Feld ist zu lang; fehlt ein "
                      "schließendes Anführungszeichen?).")
        return None
    return records


def _report(collector: ProblemCollector, file: str, column: str, mask: pd.Series,
            frame: pd.DataFrame, message: str, kind: str) -> None:
    at = line_numbers(frame)
    for index in np.flatnonzero(mask.to_numpy()):
        cell = frame[column].iat[index]
        collector.add(file, int(at[index]), column, message.format(cell=cell), kind=kind)


def parse_column(frame: pd.DataFrame, fld: Field, file: str, collector: ProblemCollector) -> pd.Series:
    """Typed column; bad cells are reported and become missing."""
    text = _text(frame, fld.name)
    empty = text == ""
    if fld.required:
        _report(collector, file, fld.name, empty, frame, "Pflichtfeld ist leer.", "required")

    if fld.type in ("string", "list"):
        values = text.where(~empty, None)
        if fld.max_length is not None:
            too_long = text.str.len() > fld.max_length
            _report(collector, file, fld.name, too_long, frame,
                    f"Text ist länger als {fld.max_length} Zeichen.", "length")
        if fld.pattern is not None:
            rx = re.compile(fld.pattern)
            bad = ~empty & ~text.map(lambda s: bool(rx.match(s))).astype(bool)
            _report(collector, file, fld.name, bad, frame,
                    "„{cell}“ hat nicht die erwartete Form (erlaubt: " + _pattern_hint(fld) + ").", "pattern")
            values = values.where(~bad, None)
        if fld.enum is not None:
            bad = ~empty & ~text.isin(fld.enum)
            allowed = ", ".join(fld.enum)
            _report(collector, file, fld.name, bad, frame,
                    "„{cell}“ ist kein erlaubter Wert (erlaubt: " + allowed + ").", "enum")
            values = values.where(~bad, None)
        if fld.type == "list":
            return values.map(
                lambda s: tuple(p.strip() for p in s.split(LIST_SEPARATOR) if p.strip()) if s else ())
        return values

    if fld.type in ("number", "integer", "year"):
        numbers = pd.to_numeric(text.where(~empty, None), errors="coerce")
        retry = ~empty & numbers.isna()
        if retry.any():  # a typographic minus (U+2212) only where plain parsing failed: 3 M cells are slow
            numbers[retry] = pd.to_numeric(text[retry].str.replace("\u2212", "-", regex=False), errors="coerce")
        numbers = numbers.where(np.isfinite(numbers.astype("float64")))  # "inf", "NaN" are no figures
        bad = ~empty & numbers.isna()
        hint = " (Dezimaltrennzeichen ist der Punkt)" if fld.type == "number" else ""
        comma = pd.Series(False, index=text.index)
        if bad.any():
            comma[bad] = text[bad].str.contains(",", regex=False)
        _report(collector, file, fld.name, bad & comma, frame, "„{cell}“ ist keine Zahl" + hint + ".", "number")
        _report(collector, file, fld.name, bad & ~comma, frame, "„{cell}“ ist keine Zahl.", "number")
        if fld.type in ("integer", "year"):
            fractional = numbers.notna() & (numbers != np.floor(numbers.fillna(0)))
            _report(collector, file, fld.name, fractional, frame, "„{cell}“ ist keine ganze Zahl.", "int")
            numbers = numbers.where(~fractional)
        if fld.minimum is not None:
            low = numbers < fld.minimum
            _report(collector, file, fld.name, low, frame,
                    "Wert {cell} ist kleiner als " + _num(fld.minimum) + ".", "min")
            numbers = numbers.where(~low)
        if fld.maximum is not None:
            high = numbers > fld.maximum
            _report(collector, file, fld.name, high, frame,
                    "Wert {cell} ist größer als " + _num(fld.maximum) + ".", "max")
            numbers = numbers.where(~high)
        if fld.type in ("integer", "year"):
            return numbers.astype("Int64")
        return numbers.astype("float64")

    if fld.type == "boolean":
        lower = text.str.lower()
        truthy = lower.isin(TRUE_WORDS)
        falsy = lower.isin(FALSE_WORDS)
        bad = ~empty & ~truthy & ~falsy
        _report(collector, file, fld.name, bad, frame, "„{cell}“ ist weder „ja“ noch „nein“.", "bool")
        out = pd.Series(pd.NA, index=text.index, dtype="boolean")
        out[truthy] = True
        out[falsy] = False
        return out

    if fld.type == "date":
        dates = pd.to_datetime(text.where(~empty, None), format="%Y-%m-%d", errors="coerce")
        bad = ~empty & dates.isna()
        _report(collector, file, fld.name, bad, frame,
                "„{cell}“ ist kein Datum der Form JJJJ-MM-TT.", "date")
        return dates

    raise ValueError(f"unknown field type {fld.type!r}")


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x).replace(".", ",")


def _pattern_hint(fld: Field) -> str:
    if fld.name == "slug":
        return "Kleinbuchstaben, Ziffern und Bindestriche"
    if fld.name == "indicator_id":
        return "Kleinbuchstaben, Ziffern und _"
    if fld.name == "reference_date":
        return "TT.MM."
    return "Buchstaben, Ziffern, _ . -, höchstens 64 Zeichen"


def read_table(path: Path, resource: Resource, collector: ProblemCollector) -> pd.DataFrame | None:
    """Read and type-check one resource. Returns None when the file is unusable as a whole."""
    frame = read_csv_text(path, collector)
    if frame is None:
        return None
    file = path.name
    missing = [f.name for f in resource.fields if f.column_required and f.name not in frame.columns]
    for name in missing:
        collector.add(file, 1, name, "Pflichtspalte fehlt in der Kopfzeile.")
    if missing:
        return None
    typed = {}
    for fld in resource.fields:
        if fld.name in frame.columns:
            typed[fld.name] = parse_column(frame, fld, file, collector)
        else:  # optional column absent
            typed[fld.name] = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    extra = [c for c in frame.columns if c not in typed]
    out = pd.DataFrame(typed, index=frame.index)
    for column in extra:  # optional attributes of the city's own are kept as text
        text = _text(frame, column)
        out[column] = text.where(text != "", None)
    for fld in resource.fields:
        if fld.unique and fld.name in frame.columns:
            values = out[fld.name]
            dup = values.notna() & values.duplicated(keep="first")
            _report(collector, file, fld.name, dup, frame, "„{cell}“ kommt mehrfach vor.", "unique")
    out.attrs[LINE_INDEX] = True
    return out


def lines(frame: pd.DataFrame, mask: pd.Series) -> list[int]:
    """Editor line numbers of the rows selected by `mask`."""
    return [int(n) for n in line_numbers(frame)[np.flatnonzero(mask.to_numpy())]]
