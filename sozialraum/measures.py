"""A Maßnahme (planned measure) as the store keeps it, and the rules every write must pass.

`validate(values, package)` is the single gate for the edit form, the bulk import and the CLI:
it turns raw input (strings from a form or a spreadsheet, or typed values) into clean typed
values and collects every problem as a German message. Nothing is written when one message
is returned. Text is stored as typed; it is escaped where it is shown (Dash renders text, the
description goes through Markdown with raw HTML disabled), so `<script>` stays harmless text.

Plain Python; this module must never import dash.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import pandas as pd

from .schema import LIST_SEPARATOR, MEASURE_PRIORITIES, MEASURE_STATUS_LABELS, MEASURE_STATUSES

ROLES = ("viewer", "editor", "admin")
ROLE_LABELS = {"viewer": "Lesen (angemeldet)", "editor": "Redaktion", "admin": "Verwaltung"}
FINISHED_STATUSES = ("umgesetzt", "verstetigt")
CLOSED_STATUSES = ("umgesetzt", "verstetigt", "abgebrochen")
ID_RE = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
# Control characters other than tab/newline never belong in a text field (they break CSV
# exports and can hide text); \r is normalised away first.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

TEXT_LIMITS = {
    "title": 200, "description": 5000, "responsible": 200, "traeger": 200, "partners": 500,
    "funding": 200, "source": 200,
}
LIST_FIELDS = ("leitlinien", "area_ids", "target_indicators")
DATE_FIELDS = ("start", "planned_end", "actual_end")
NUMBER_FIELDS = ("budget_planned", "budget_spent")
EDITABLE_FIELDS = (
    "title", "description", "leitlinien", "primary_leitlinie", "area_ids", "responsible", "traeger",
    "partners", "status", "start", "planned_end", "actual_end", "progress", "budget_planned",
    "budget_spent", "funding", "target_indicators", "target_values", "priority", "source", "milestones",
)
FIELD_LABELS = {
    "measure_id": "Maßnahmen-ID", "title": "Titel", "description": "Beschreibung", "leitlinien": "Leitlinien",
    "primary_leitlinie": "Haupt-Leitlinie", "area_ids": "Gebiete", "responsible": "Federführung",
    "traeger": "Träger", "partners": "Partner", "status": "Status", "start": "Beginn",
    "planned_end": "geplantes Ende", "actual_end": "tatsächliches Ende", "progress": "Fortschritt (%)",
    "budget_planned": "Budget geplant (EUR)", "budget_spent": "Budget verausgabt (EUR)",
    "funding": "Finanzierung", "target_indicators": "Zielindikatoren", "target_values": "Zielwerte",
    "priority": "Priorität", "source": "Quelle", "milestones": "Meilensteine", "archived": "archiviert",
    "created": "angelegt",
}
MAX_MILESTONES = 50
MAX_LIST_ITEMS = 200


class MeasureInvalid(ValueError):
    """Input that breaks a rule; `messages` are German and name the field."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = list(messages)


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and not value.strip():
        return True
    if isinstance(value, (list, tuple, dict, set)):
        return False
    try:
        return bool(pd.isna(value))   # NaT, pd.NA from a frame row
    except (TypeError, ValueError):
        return False


def _text(value: Any) -> str | None:
    if _blank(value):
        return None
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _list(value: Any) -> list[str]:
    if _blank(value):
        return []
    if isinstance(value, str):
        parts = re.split(r"[;,]", value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):   # one spreadsheet cell: 4 or 4.0
        parts = [str(value)]
    else:
        parts = [str(v) for v in value]
    out: list[str] = []
    for part in parts:
        part = part.strip()
        if part.endswith(".0") and part[:-2].isdigit():   # spreadsheets turn 4 into 4.0
            part = part[:-2]
        if part and part not in out:
            out.append(part)
    return out


def _date(value: Any) -> date | None:
    if _blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime().date()
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _number(value: Any) -> float | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(str(value))
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = str(value).strip().replace(" ", "").replace("€", "").replace("EUR", "")
        if "," in text:   # German: 1.234,50
            text = text.replace(".", "").replace(",", ".")
        elif re.fullmatch(r"\d{1,3}(\.\d{3})+", text):   # German thousands without decimals: 12.500
            text = text.replace(".", "")
        number = float(text)
    if not math.isfinite(number):
        raise ValueError(str(value))
    return number


def _echo(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def validate(values: Mapping[str, Any], package, *, require_all: bool = True) -> tuple[dict[str, Any], list[str]]:
    """Clean typed values and German messages. With `require_all=False` only the given fields
    are checked (a partial update); cross-field rules then need the merged record, so callers
    of partial updates validate the merged values (the store does)."""
    clean: dict[str, Any] = {}
    errors: list[str] = []

    def has(field: str) -> bool:
        return require_all or field in values

    def label(field: str) -> str:
        return FIELD_LABELS.get(field, field)

    if "measure_id" in values and not _blank(values.get("measure_id")):
        mid = str(values["measure_id"]).strip()
        if not ID_RE.match(mid):
            errors.append(f"Maßnahmen-ID „{_echo(mid)}“: nur Buchstaben, Ziffern, Punkt, Bindestrich und "
                          "Unterstrich, höchstens 64 Zeichen.")
        clean["measure_id"] = mid

    for field, limit in TEXT_LIMITS.items():
        if not has(field):
            continue
        text = _text(values.get(field))
        if text is not None:
            if field != "description":
                text = " ".join(text.split())
            if CONTROL_RE.search(text):
                errors.append(f"{label(field)}: enthält Steuerzeichen; bitte nur normalen Text eingeben.")
            if len(text) > limit:
                errors.append(f"{label(field)}: höchstens {limit} Zeichen (eingegeben: {len(text)}).")
        clean[field] = text
    if has("title") and not clean.get("title"):
        errors.append("Titel: Bitte einen Titel angeben.")

    if has("leitlinien"):
        numbers = _list(values.get("leitlinien"))
        good: list[int] = []
        for n in numbers:
            if n in {"1", "2", "3", "4", "5", "6"}:
                good.append(int(n))
            else:
                errors.append(f"Leitlinien: „{_echo(n)}“ ist keine Leitlinie (1 bis 6).")
        if not numbers:
            errors.append("Leitlinien: Bitte mindestens eine Leitlinie (1 bis 6) wählen.")
        clean["leitlinien"] = sorted(set(good))
    if has("primary_leitlinie"):
        raw = values.get("primary_leitlinie")
        primary = None
        if _blank(raw):
            errors.append("Haupt-Leitlinie: Bitte die Leitlinie angeben, der die Maßnahme vor allem dient.")
        else:
            text = str(raw).strip()
            text = text[:-2] if text.endswith(".0") else text
            if text in {"1", "2", "3", "4", "5", "6"}:
                primary = int(text)
            else:
                errors.append(f"Haupt-Leitlinie: „{_echo(raw)}“ ist keine Leitlinie (1 bis 6).")
        clean["primary_leitlinie"] = primary
    if "leitlinien" in clean and clean.get("primary_leitlinie") and clean["leitlinien"] and \
            clean["primary_leitlinie"] not in clean["leitlinien"]:
        errors.append("Haupt-Leitlinie: muss auch unter den Leitlinien stehen.")

    if has("area_ids"):
        areas = _list(values.get("area_ids"))
        lookup = package.area_lookup
        ids: list[str] = []
        for area in areas[:MAX_LIST_ITEMS]:
            area_id = lookup.get(area)
            if area_id is None:
                errors.append(f"Gebiete: „{_echo(area)}“ gibt es nicht.")
            elif area_id not in ids:
                ids.append(area_id)
        clean["area_ids"] = ids

    if has("target_indicators"):
        known = set(package.indicators.index)
        targets = _list(values.get("target_indicators"))
        for ind in targets:
            if ind not in known:
                errors.append(f"Zielindikatoren: Indikator „{_echo(ind)}“ gibt es nicht.")
        clean["target_indicators"] = [t for t in targets if t in known]
    if has("target_values") or "target_values" in values:
        clean["target_values"] = _target_values(values.get("target_values"), clean.get("target_indicators"),
                                                errors)

    if has("status"):
        status = _text(values.get("status"))
        by_label = {v: k for k, v in MEASURE_STATUS_LABELS.items()}
        status = by_label.get(status, status)
        if status not in MEASURE_STATUSES:
            errors.append(f"Status: „{_echo(status)}“ ist kein Status; erlaubt: "
                          f"{', '.join(MEASURE_STATUS_LABELS.values())}.")
        clean["status"] = status
    if has("priority"):
        priority = _text(values.get("priority"))
        if priority is not None:
            priority = priority.lower()
            if priority not in MEASURE_PRIORITIES:
                errors.append(f"Priorität: „{_echo(priority)}“ ist nicht erlaubt; erlaubt: "
                              f"{', '.join(MEASURE_PRIORITIES)}.")
        clean["priority"] = priority

    for field in DATE_FIELDS:
        if not has(field):
            continue
        try:
            clean[field] = _date(values.get(field))
        except ValueError:
            errors.append(f"{label(field)}: „{_echo(values.get(field))}“ ist kein Datum (TT.MM.JJJJ).")
            clean[field] = None
    start = clean.get("start")
    for field in ("planned_end", "actual_end"):
        end = clean.get(field)
        if start and end and end < start:
            errors.append(f"{label(field)}: liegt vor dem Beginn ({start:%d.%m.%Y}).")

    if has("progress"):
        raw = values.get("progress")
        progress = None
        if not _blank(raw):
            try:
                number = _number(str(raw).replace("%", ""))
                if number is None or number != int(number) or not 0 <= number <= 100:
                    raise ValueError
                progress = int(number)
            except ValueError:
                errors.append(f"Fortschritt: „{_echo(raw)}“ muss eine ganze Zahl von 0 bis 100 sein.")
        clean["progress"] = progress

    for field in NUMBER_FIELDS:
        if not has(field):
            continue
        raw = values.get(field)
        try:
            number = _number(raw)
            if number is not None and number < 0:
                raise ValueError
            if number is not None and number > 1e12:
                raise ValueError
            clean[field] = number
        except ValueError:
            errors.append(f"{label(field)}: „{_echo(raw)}“ muss ein Betrag von 0 oder mehr Euro sein.")
            clean[field] = None

    if "milestones" in values:
        clean["milestones"] = _milestones(values.get("milestones"), errors)
    return clean, errors


def _target_values(raw: Any, targets: list[str] | None, errors: list[str]) -> dict[str, float]:
    if _blank(raw) or raw == {}:
        return {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            errors.append("Zielwerte: nicht lesbar (erwartet: Indikator und Zahl).")
            return {}
    if not isinstance(raw, Mapping):
        errors.append("Zielwerte: nicht lesbar (erwartet: Indikator und Zahl).")
        return {}
    out: dict[str, float] = {}
    for key, value in raw.items():
        if targets is not None and key not in targets:
            errors.append(f"Zielwerte: „{_echo(key)}“ ist kein Zielindikator dieser Maßnahme.")
            continue
        try:
            number = _number(value)
        except ValueError:
            errors.append(f"Zielwerte: „{_echo(value)}“ für {key} ist keine Zahl.")
            continue
        if number is not None:
            out[str(key)] = number
    return out


def _milestones(raw: Any, errors: list[str]) -> list[dict[str, Any]]:
    if _blank(raw):
        return []
    if not isinstance(raw, (list, tuple)):
        errors.append("Meilensteine: nicht lesbar.")
        return []
    out = []
    if len(raw) > MAX_MILESTONES:
        errors.append(f"Meilensteine: höchstens {MAX_MILESTONES}.")
    for i, item in enumerate(raw[:MAX_MILESTONES], start=1):
        if not isinstance(item, Mapping):
            errors.append(f"Meilenstein {i}: nicht lesbar.")
            continue
        title = _text(item.get("title"))
        if not title:
            errors.append(f"Meilenstein {i}: Bitte einen Titel angeben.")
            continue
        title = " ".join(title.split())
        if len(title) > 200 or CONTROL_RE.search(title):
            errors.append(f"Meilenstein {i}: Titel höchstens 200 Zeichen, ohne Steuerzeichen.")
        try:
            when = _date(item.get("date"))
        except ValueError:
            errors.append(f"Meilenstein {i}: „{_echo(item.get('date'))}“ ist kein Datum.")
            continue
        if when is None:
            errors.append(f"Meilenstein {i}: Bitte ein Datum angeben.")
            continue
        done = item.get("done")
        if isinstance(done, str):
            done = done.strip().lower() in {"1", "true", "ja", "yes", "x", "erreicht"}
        out.append({"date": when, "title": title, "done": bool(done)})
    out.sort(key=lambda m: (m["date"], m["title"]))
    return out


def show(field: str, value: Any) -> str:
    """A value as the audit trail and conflict messages show it (German, stable)."""
    if value is None or value == "" or value == [] or value == {}:
        return "–"
    if field == "status":
        return MEASURE_STATUS_LABELS.get(str(value), str(value))
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float):
        text = f"{value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
        return text[:-3] if text.endswith(",00") else text
    if field == "milestones" and isinstance(value, list):
        return "; ".join(f"{m['date']:%d.%m.%Y} {m['title']}{' (erreicht)' if m['done'] else ''}" for m in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {show('', v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def encode_list(values) -> str:
    return LIST_SEPARATOR.join(str(v) for v in values or ())


def decode_list(text: str | None) -> tuple[str, ...]:
    return tuple(part for part in (text or "").split(LIST_SEPARATOR) if part)
