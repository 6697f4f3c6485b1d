"""The form of one Maßnahme (create and edit) and the texts the measure pages share: German
display of audit values, error lists, the conflict message.

The form uses native inputs only (dbc.Input, dbc.Select, dbc.Checklist, dbc.Textarea; no
dcc.Dropdown: it fails axe). Its values travel as plain strings and lists; `to_store_values`
turns them into the raw values `sozialraum.measures.validate` expects. The rules themselves are
the store's: the form never decides what is valid, it only reads two free-text fields
(milestones, target values) and reports lines it cannot read.

Milestones are a textarea, one per line: "TT.MM.JJJJ; Titel; erreicht" (or "offen").
Target values are a textarea, one per line: "Indikator-ID: Zahl".
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

import dash_bootstrap_components as dbc
from dash import State, html

from sozialraum.measures import EDITABLE_FIELDS, FIELD_LABELS, show
from sozialraum.schema import MEASURE_PRIORITIES, MEASURE_STATUS_LABELS

# Field -> (kind, help text). Kinds: text, textarea, markdown, leitlinien, primary, areas, status, date,
# progress, money, indicators, target_values, priority, milestones.
FIELDS: dict[str, tuple[str, str]] = {
    "title": ("text", "Kurzer, sprechender Titel (höchstens 200 Zeichen)."),
    "description": ("markdown", ("Was wird gemacht, für wen, warum? Formatierung mit Markdown möglich "
                                "(**fett**, Listen mit „- “); HTML wird als Text gezeigt.")),
    "leitlinien": ("leitlinien", "Allen Leitlinien, denen die Maßnahme dient (mindestens eine)."),
    "primary_leitlinie": ("primary", "Die Leitlinie, der sie vor allem dient; sie muss oben angekreuzt sein."),
    "area_ids": ("areas", "Ortsteile, in denen die Maßnahme wirkt. Keiner angekreuzt = gesamtstädtisch."),
    "responsible": ("text", "Federführendes Amt, z. B. „Amt für Soziales“."),
    "traeger": ("text", "Freier Träger, falls beauftragt."),
    "partners": ("text", "Weitere Beteiligte, durch Komma getrennt."),
    "status": ("status", "Umsetzungsstand. Wer den Status ändert, begründet das unten im Kommentar."),
    "start": ("date", "Beginn der Umsetzung."),
    "planned_end": ("date", "Geplantes Ende; nicht vor dem Beginn."),
    "actual_end": ("date", "Tatsächliches Ende, sobald die Maßnahme abgeschlossen ist."),
    "progress": ("progress", "Ganze Zahl von 0 bis 100."),
    "budget_planned": ("money", "In Euro, z. B. 181000 oder 181.000 oder 1.250,50."),
    "budget_spent": ("money", "Bisher verausgabte Mittel in Euro."),
    "funding": ("text", "Finanzierungsquelle, z. B. „städtischer Haushalt“ oder „ESF Plus“."),
    "target_indicators": ("indicators", ("Indikatoren, die die Maßnahme bewegen soll. Ihre Entwicklung zeigt die "
                                        "Detailseite unter „Wirkung beobachten“.")),
    "target_values": ("target_values", ("Optional, je Zeile „Indikator-ID: Zielwert“, z. B. „arbeitslosenquote: 6,5“. "
                                       "Nur für angekreuzte Zielindikatoren.")),
    "priority": ("priority", "Vom Begleitgremium vergebene Priorität."),
    "source": ("text", "Fortschreibung des Integrierten Sozialraumplans, z. B. „Integrierter Sozialraumplan 2023“."),
    "milestones": ("milestones", ("Je Zeile ein Meilenstein: „TT.MM.JJJJ; Titel; erreicht“ oder "
                                 "„TT.MM.JJJJ; Titel; offen“.")),
}
REQUIRED = ("title", "leitlinien", "primary_leitlinie", "status")
GROUPS = (
    ("Worum es geht", ("title", "description", "leitlinien", "primary_leitlinie", "area_ids")),
    ("Wer", ("responsible", "traeger", "partners")),
    ("Stand und Zeitplan", ("status", "start", "planned_end", "actual_end", "progress", "milestones")),
    ("Geld", ("budget_planned", "budget_spent", "funding")),
    ("Ziele und Einordnung", ("target_indicators", "target_values", "priority", "source")),
)
assert sorted(f for _, fs in GROUPS for f in fs) == sorted(EDITABLE_FIELDS) == sorted(FIELDS)
DONE_WORDS = {"erreicht", "ja", "x", "✓", "1", "true", "erledigt"}
OPEN_WORDS = {"offen", "nein", "", "○", "0", "false"}
THOUSANDS_RE = re.compile(r"^\d{1,3}(\.\d{3})+$")


def field_id(prefix: str, name: str) -> str:
    return f"{prefix}-f-{name}"


def field_states(prefix: str) -> list[State]:
    """One State per editable field, in EDITABLE_FIELDS order."""
    return [State(field_id(prefix, name), "value") for name in EDITABLE_FIELDS]


# ---- record <-> form values -------------------------------------------------------------------

def _money_text(value: float | None) -> str:
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".replace(".", ",")


def _iso(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _number_text(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def form_values(record: dict[str, Any] | None) -> dict[str, Any]:
    """The form's values for a stored record (or an empty form for None)."""
    if record is None:
        return {name: "" for name in EDITABLE_FIELDS} | {
            "leitlinien": [], "area_ids": [], "target_indicators": [], "status": "geplant"}
    milestones = "\n".join(f"{m['date']:%d.%m.%Y}; {m['title']}; {'erreicht' if m['done'] else 'offen'}"
                           for m in record.get("milestones") or [])
    targets = "\n".join(f"{k}: {_number_text(float(v))}" for k, v in (record.get("target_values") or {}).items())
    return {
        "title": record.get("title") or "",
        "description": record.get("description") or "",
        "leitlinien": [str(v) for v in record.get("leitlinien") or []],
        "primary_leitlinie": "" if record.get("primary_leitlinie") is None else str(record["primary_leitlinie"]),
        "area_ids": [str(v) for v in record.get("area_ids") or []],
        "responsible": record.get("responsible") or "",
        "traeger": record.get("traeger") or "",
        "partners": record.get("partners") or "",
        "status": record.get("status") or "",
        "start": _iso(record.get("start")),
        "planned_end": _iso(record.get("planned_end")),
        "actual_end": _iso(record.get("actual_end")),
        "progress": "" if record.get("progress") is None else str(record["progress"]),
        "budget_planned": _money_text(record.get("budget_planned")),
        "budget_spent": _money_text(record.get("budget_spent")),
        "funding": record.get("funding") or "",
        "target_indicators": [str(v) for v in record.get("target_indicators") or []],
        "target_values": targets,
        "priority": record.get("priority") or "",
        "source": record.get("source") or "",
        "milestones": milestones,
    }


def values_from_states(states: list[Any] | tuple[Any, ...]) -> dict[str, Any]:
    return dict(zip(EDITABLE_FIELDS, states))


def _normal(name: str, value: Any) -> Any:
    """For comparing a form value with the one it was loaded with."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return sorted(str(v) for v in value)
    if name == "progress" and isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).replace("\r\n", "\n").strip()
    return text


def changed_fields(form: dict[str, Any], loaded: dict[str, Any] | None) -> list[str]:
    """Fields whose form value differs from the value the form was loaded with. Only these are
    sent to the store, so a save on a newer version never undoes somebody else's change in a
    field this user did not touch."""
    if not loaded:
        return list(EDITABLE_FIELDS)
    return [n for n in EDITABLE_FIELDS if _normal(n, form.get(n)) != _normal(n, loaded.get(n))]


def parse_milestones(text: str | None) -> tuple[list[dict[str, Any]], list[str]]:
    out, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(";")]
        done_text = ""
        if len(parts) >= 3 and parts[-1].lower() in DONE_WORDS | OPEN_WORDS:
            done_text = parts[-1].lower()
            parts = parts[:-1]
        if len(parts) < 2:
            errors.append(f"Meilensteine, Zeile {number}: bitte „TT.MM.JJJJ; Titel; erreicht“ (oder „offen“).")
            continue
        out.append({"date": parts[0], "title": "; ".join(parts[1:]), "done": done_text in DONE_WORDS})
    return out, errors


def parse_target_values(text: str | None, package) -> tuple[dict[str, str], list[str]]:
    out, errors = {}, []
    by_name = {str(n).lower(): i for i, n in package.indicators["name"].items()}
    by_name.update({str(n).lower(): i for i, n in package.indicators["short_name"].items()})
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        key, sep, value = line.rpartition(":")
        if not sep:
            key, sep, value = line.rpartition("=")
        key = key.strip()
        if not sep or not key or not value.strip():
            errors.append(f"Zielwerte, Zeile {number}: bitte „Indikator-ID: Zahl“.")
            continue
        key = key if key in package.indicators.index else by_name.get(key.lower(), key)
        out[key] = value.strip()
    return out, errors


def _money(value: Any) -> Any:
    """"181.000" is German for 181000 (the store would read it as 181.0)."""
    if isinstance(value, str) and THOUSANDS_RE.match(value.strip().replace("€", "").strip()):
        return value.replace(".", "").replace("€", "").strip()
    return value


def to_store_values(form: dict[str, Any], fields, package) -> tuple[dict[str, Any], list[str]]:
    """The raw values of `fields` for the store, and messages for lines the form cannot read."""
    values, errors = {}, []
    for name in fields:
        value = form.get(name)
        if name == "milestones":
            value, problems = parse_milestones(value)
            errors += problems
        elif name == "target_values":
            value, problems = parse_target_values(value, package)
            errors += problems
        elif name in ("budget_planned", "budget_spent"):
            value = _money(value)
        elif name in ("leitlinien", "area_ids", "target_indicators"):
            value = list(value or [])
        elif name == "progress" and isinstance(value, float) and value.is_integer():
            value = int(value)
        values[name] = value
    if "target_values" in values and "target_indicators" not in values:
        values["target_indicators"] = list(form.get("target_indicators") or [])
    return values, errors


# ---- layout -----------------------------------------------------------------------------------

def _label(prefix: str, name: str) -> list:
    text = FIELD_LABELS[name]
    if name in REQUIRED:
        return [text, html.Span(" *", className="text-danger", **{"aria-hidden": "true"}),
                html.Span(" (Pflichtfeld)", className="visually-hidden")]
    return [text]


def _help(prefix: str, name: str) -> html.Div:
    return dbc.FormText(FIELDS[name][1], id=f"{field_id(prefix, name)}-hilfe")


def _control(prefix: str, name: str, value: Any, package) -> Any:
    kind = FIELDS[name][0]
    fid = field_id(prefix, name)
    required = name in REQUIRED
    if kind == "text":
        return dbc.Input(id=fid, type="text", value=value, maxLength=500 if name == "partners" else 200,
                         required=required)
    if kind == "markdown":
        return dbc.Textarea(id=fid, value=value, rows=6, maxLength=5000)
    if kind in ("leitlinien", "areas", "indicators"):
        if kind == "leitlinien":
            options = [{"label": f"{n} – {t}", "value": str(n)}
                       for n, t in zip(package.leitlinien["number"], package.leitlinien["title"])]
        elif kind == "areas":
            areas = package.areas[package.areas["level"] == "ortsteil"].sort_values("name")
            options = [{"label": str(n), "value": str(a)} for a, n in areas["name"].items()]
        else:
            ind = package.indicators.sort_values("name")
            options = [{"label": f"{r.name} ({i})", "value": str(i)} for i, r in zip(ind.index, ind.itertuples())]
        box = dbc.Checklist(id=fid, options=options, value=value or [])
        return html.Div(box, className="area-checklist" if kind != "leitlinien" else None)
    if kind == "primary":
        options = [{"label": "– bitte wählen –", "value": ""}] + [
            {"label": f"{n} – {t}", "value": str(n)} for n, t in zip(package.leitlinien["number"],
                                                                    package.leitlinien["title"])]
        return dbc.Select(id=fid, options=options, value=value, required=True)
    if kind == "status":
        return dbc.Select(id=fid, options=[{"label": v, "value": k} for k, v in MEASURE_STATUS_LABELS.items()],
                          value=value, required=True)
    if kind == "priority":
        return dbc.Select(id=fid, options=[{"label": "– keine –", "value": ""}]
                          + [{"label": p, "value": p} for p in MEASURE_PRIORITIES], value=value)
    if kind == "date":
        return dbc.Input(id=fid, type="date", value=value)
    if kind == "progress":
        # text, not type=number: a browser drops an out-of-range number silently; the store says why
        return dbc.Input(id=fid, type="text", inputmode="numeric", value=value, maxLength=10)
    if kind == "money":
        return dbc.Input(id=fid, type="text", inputmode="decimal", value=value)
    if kind in ("target_values", "milestones"):
        return dbc.Textarea(id=fid, value=value, rows=4)
    raise ValueError(kind)


def _field(prefix: str, name: str, value: Any, package) -> html.Div:
    kind = FIELDS[name][0]
    if kind in ("leitlinien", "areas", "indicators"):   # a group of checkboxes: fieldset + legend
        return html.Fieldset(className="mb-3", **{"aria-describedby": f"{field_id(prefix, name)}-hilfe"}, children=[
            html.Legend(_label(prefix, name), className="form-label fs-6 mb-1"),
            _control(prefix, name, value, package),
            _help(prefix, name),
        ])
    return html.Div(className="mb-3", children=[
        dbc.Label(_label(prefix, name), html_for=field_id(prefix, name)),
        _control(prefix, name, value, package),
        _help(prefix, name),
    ])


def measure_form(prefix: str, package, values: dict[str, Any], *, with_id: bool = False) -> html.Div:
    """All editable fields in groups. `with_id` adds the optional Maßnahmen-ID (create form)."""
    groups = []
    for legend, names in GROUPS:
        children = [html.Legend(legend, className="fs-5")]
        if with_id and names[0] == "title":
            children.append(html.Div(className="mb-3", children=[
                dbc.Label("Maßnahmen-ID (optional)", html_for=f"{prefix}-f-measure_id"),
                dbc.Input(id=f"{prefix}-f-measure_id", type="text", value="", maxLength=64),
                dbc.FormText("Leer lassen: die ID wird vergeben (M-Jahr-Nummer, z. B. M-2025-004).",
                             id=f"{prefix}-f-measure_id-hilfe"),
            ]))
        children += [_field(prefix, name, values.get(name), package) for name in names]
        groups.append(html.Fieldset(children, className="measure-form-group mb-3"))
    return html.Div(className="measure-form", children=[
        html.P(["Felder mit ", html.Span("*", className="text-danger"), (" sind Pflichtfelder. Die Prüfung der "
                "Eingaben geschieht beim Speichern; Fehler werden über dem Knopf aufgelistet.")], className="small"),
        *groups,
    ])


def comment_field(component_id: str, label: str, help_text: str, *, required: bool) -> html.Div:
    return html.Div(className="mb-3", children=[
        dbc.Label([label, html.Span(" *", className="text-danger", **{"aria-hidden": "true"}),
                   html.Span(" (Pflichtfeld)", className="visually-hidden")] if required else label,
                  html_for=component_id),
        dbc.Textarea(id=component_id, value="", rows=2, maxLength=2000, required=required),
        dbc.FormText(help_text, id=f"{component_id}-hilfe"),
    ])


# ---- messages ---------------------------------------------------------------------------------

def error_list(messages: list[str], title: str = "Nicht gespeichert. Bitte korrigieren:") -> html.Div:
    return html.Div(className="alert alert-danger", role="alert", children=[
        html.P(title, className="fw-semibold mb-1"),
        html.Ul([html.Li(m) for m in messages], className="mb-0"),
    ])


def forbidden(message: str, login_link: str | None = None) -> html.Div:
    children = [html.P(message, className="mb-0")]
    if login_link:
        children.append(html.A("Zur Anmeldung", href=login_link))
    return html.Div(children, className="alert alert-danger", role="alert")


def success(text: str, *extra) -> html.Div:
    return html.Div([text, *extra], className="alert alert-success", role="status")


def display(field: str, value: str | None, package=None) -> str:
    """An audit value (canonical text: status keys, ISO dates, "1;4", JSON) as German text."""
    if value is None or value == "":
        return "–"
    try:
        if field in ("start", "planned_end", "actual_end"):
            return show(field, date.fromisoformat(value[:10]))
        if field in ("budget_planned", "budget_spent"):
            return show(field, float(value)) + " €"
        if field == "progress":
            return f"{value} %"
        if field == "milestones":
            items = [{"date": date.fromisoformat(m["date"]), "title": m["title"], "done": m["done"]}
                     for m in json.loads(value)]
            return show(field, items)
        if field == "target_values":
            return show(field, {k: float(v) for k, v in json.loads(value).items()})
        if field in ("leitlinien", "target_indicators", "area_ids"):
            parts = [p for p in value.split(";") if p]
            if field == "area_ids" and package is not None:
                parts = [str(package.areas["name"].get(p, p)) for p in parts]
            return ", ".join(parts)
        if field == "archived":
            return "archiviert" if value in ("ja", "true", "1") else "nicht archiviert"
    except (ValueError, TypeError, KeyError):
        return value
    return show(field, value)


def when(at: Any) -> str:
    """An audit time as "11.10.2023, 14:05 Uhr" (local time of the server)."""
    if at is None:
        return "–"
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    if isinstance(at, datetime) and (at.hour, at.minute, at.second, at.microsecond) == (0, 0, 0, 0):
        return f"{at:%d.%m.%Y}"    # a day without a time (seeded from a date column)
    if not isinstance(at, datetime):
        return f"{at:%d.%m.%Y}"
    if at.tzinfo is not None:
        at = at.astimezone()
    return f"{at:%d.%m.%Y, %H:%M} Uhr"


def field_label(field: str) -> str:
    return FIELD_LABELS.get(field, field)


def conflict_message(exc, package, *, retry_hint: str) -> html.Div:
    """The other person's changes since the version this user started from, and what to do."""
    rows = [html.Li([html.Strong(c["username"]), f", {when(c['at'])}: {field_label(c['field'])} ",
                     f"{display(c['field'], c['old_value'], package)} → {display(c['field'], c['new_value'], package)}",
                     f" (Kommentar: {c['comment']})" if c.get("comment") else ""])
            for c in exc.changes_since]
    return html.Div(className="alert alert-warning", role="alert", children=[
        html.P(exc.message, className="fw-semibold mb-1"),
        html.P("Inzwischen geändert:", className="mb-1") if rows else None,
        html.Ul(rows) if rows else None,
        html.P(retry_hint, className="mb-0"),
    ])
