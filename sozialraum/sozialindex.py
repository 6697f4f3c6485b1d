"""Sozialindex: a transparent, configurable composite index (status, dynamics, groups).

A *method file* (TOML, format in docs/sozialindex.md) says which indicators enter the index,
with which weight and direction, how they are standardised and aggregated, where the class
thresholds lie and which areas are left out. `compute` applies a method to a data package
(or to a plain wide table: one row per area, one column per indicator) for one year and
returns every intermediate step, so the page can explain each area's place.

Conventions (all documented in docs/sozialindex.md):
- A higher score always means *more need* ("Handlungsbedarf"); `need_lower` indicators are
  mirrored before standardising. Dynamics: a higher score means an unfavourable change.
- Rank 1 is the area with the highest score. Scores equal to 10 decimal places are tied and
  share the best rank of the group ("1, 2, 2, 4").
- Standardisation is over the *valid* areas only (after the exclusion rules).

Plain Python + numpy/pandas; this module must never import dash.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

import numpy as np
import pandas as pd

from .formatting import number
from .schema import METHODS_FOLDER

PRESETS_DIR = Path(__file__).parent / "presets"

STANDARDISATIONS = {
    "zscore": "z-Standardisierung",
    "minmax": "Min-Max-Skalierung",
    "percentile": "Perzentilrang",
}
SD_KINDS = ("population", "sample")
AGGREGATIONS = ("sum", "mean")
MISSING_RULES = ("exclude", "mean")
DYNAMICS_MODES = ("indicators", "change")
NEED_DIRECTIONS = ("need_higher", "need_lower")
TIE_DECIMALS = 10
"""Scores equal to this many decimal places count as tied (guards ranks against float noise)."""
DEFAULT_MIN_AREAS = 5
DEFAULT_GROUP_TEMPLATE = "{status}/{dynamics}"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


# --------------------------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MethodProblem:
    file: str
    key: str | None
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"Zeile {self.line}")
        if self.key:
            where.append(f"Schlüssel „{self.key}“")
        return f"{', '.join(where)}: {self.message}"


class SozialindexError(Exception):
    """Anything that stops an index computation; the message is German and complete."""


class MethodError(SozialindexError):
    """The method (file) is not usable; `problems` names file and key of each cause."""

    def __init__(self, problems: Sequence[MethodProblem]):
        self.problems = list(problems)
        count = len(self.problems)
        head = f"Die Methode ist nicht verwendbar ({count} Problem{'e' if count != 1 else ''}):"
        super().__init__("\n".join([head, *(f"- {p}" for p in self.problems)]))


# --------------------------------------------------------------------------------------------
# the method
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorSpec:
    id: str
    weight: float = 1.0
    direction: str | None = None  # need_higher / need_lower; None: from indicators.csv
    label: str | None = None
    enabled: bool = True

    @property
    def active(self) -> bool:
        return self.enabled and self.weight > 0


@dataclass(frozen=True)
class ClassSpec:
    """One class: the interval of scores it covers, e.g. `(1, 1.5]`."""

    label: str
    color: str
    lower: float
    upper: float
    lower_closed: bool
    upper_closed: bool

    @property
    def interval(self) -> str:
        return (
            f"{'[' if self.lower_closed else '('}{_bound(self.lower)}, "
            f"{_bound(self.upper)}{']' if self.upper_closed else ')'}"
        )

    def contains(self, x: float) -> bool:
        above = x >= self.lower if self.lower_closed else x > self.lower
        below = x <= self.upper if self.upper_closed else x < self.upper
        return bool(above and below)


@dataclass(frozen=True)
class Part:
    """A composite (the status index or the dynamics index)."""

    indicators: tuple[IndicatorSpec, ...]
    classes: tuple[ClassSpec, ...]
    standardisation: str = "zscore"
    sd: str = "population"
    aggregation: str = "sum"
    restandardise: bool = False
    mode: str = "indicators"  # dynamics only: "indicators" (already changes) or "change"
    years: int = 2  # dynamics mode "change": difference to the value `years` earlier

    @property
    def active(self) -> tuple[IndicatorSpec, ...]:
        return tuple(s for s in self.indicators if s.active)

    @property
    def cuts(self) -> tuple[float, ...]:
        """The class boundaries (ascending), one fewer than classes."""
        return tuple(c.upper for c in self.classes[:-1])

    def indicator(self, indicator_id: str) -> IndicatorSpec:
        for spec in self.indicators:
            if spec.id == indicator_id:
                return spec
        raise KeyError(indicator_id)


@dataclass(frozen=True)
class Exclusion:
    min_population: float | None = None
    population: str | None = None  # indicator id / column; None: areas.csv `population`
    outliers: tuple[str, ...] = ()  # area ids left out by name
    outlier_column: str | None = None  # table column (or areas.csv column) marking outliers
    missing: str = "exclude"  # "exclude" the area, or "mean" (neutral value)


@dataclass(frozen=True)
class Method:
    id: str
    title: str
    status: Part
    dynamics: Part | None = None
    exclusion: Exclusion = field(default_factory=Exclusion)
    description: str = ""
    source: str = ""  # bibliographic source of the method
    level: str | None = None  # area level; None: the package's finest level
    min_areas: int = DEFAULT_MIN_AREAS
    group_template: str = DEFAULT_GROUP_TEMPLATE
    file: str = field(default="Methode", compare=False)  # where it was read from (for messages)

    @property
    def parts(self) -> dict[str, Part]:
        return {"status": self.status} | ({"dynamics": self.dynamics} if self.dynamics else {})


def _bound(x: float) -> str:
    if math.isinf(x):
        return "-inf" if x < 0 else "inf"
    return _num(x)


def _num(x: float) -> str:
    """Exact, short text of a number: 1.0 -> "1", 1.5 -> "1.5", 0.1 -> "0.1"."""
    x = float(x)
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


# --------------------------------------------------------------------------------------------
# reading and validating a method
# --------------------------------------------------------------------------------------------

_TOP_KEYS = {"method", "exclusion", "status", "dynamics"}
_METHOD_KEYS = {"id", "title", "description", "source", "level", "min_areas", "group_template"}
_EXCLUSION_KEYS = {"min_population", "population", "outliers", "outlier_column", "missing"}
_PART_KEYS = {"standardisation", "sd", "aggregation", "restandardise", "indicators", "classes"}
_DYNAMICS_KEYS = _PART_KEYS | {"mode", "years"}
_INDICATOR_KEYS = {"label", "weight", "direction", "enabled"}
_CLASS_KEYS = {"label", "interval", "color"}
_INTERVAL = re.compile(r"^\s*([\[(])\s*([^,\s]+)\s*,\s*([^,\s\])]+)\s*([\])])\s*$")
_TYPE_WORDS = {
    str: "ein Text in Anführungszeichen",
    bool: "true oder false",
    int: "eine ganze Zahl",
    float: "eine Zahl",
    list: "eine Liste",
    dict: "eine Tabelle",
}


class _Reader:
    """Reads a TOML-shaped dict, collecting every problem with its key path."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[MethodProblem] = []

    def add(self, key: str | None, message: str, line: int | None = None) -> None:
        self.problems.append(MethodProblem(self.file, key, message, line))

    def table(self, data: Any, key: str, allowed: set[str], *, required: bool = True) -> dict[str, Any]:
        if data is None:
            if required:
                self.add(key, "Abschnitt fehlt.")
            return {}
        if not isinstance(data, dict):
            self.add(key, "Erwartet wird eine Tabelle (Abschnitt).")
            return {}
        for unknown in sorted(set(data) - allowed):
            self.add(
                f"{key}.{unknown}" if key else unknown,
                f"Unbekannter Schlüssel (erlaubt: {', '.join(sorted(allowed))}).",
            )
        return data

    def value(
        self,
        data: dict[str, Any],
        key: str,
        path: str,
        kind: type,
        default: Any = None,
        *,
        required: bool = False,
        choices: Sequence[str] | None = None,
    ) -> Any:
        if key not in data:
            if required:
                self.add(path, "Angabe fehlt.")
            return default
        v = data[key]
        ok = (
            (isinstance(v, (int, float)) and not isinstance(v, bool))
            if kind is float
            else (isinstance(v, int) and not isinstance(v, bool))
            if kind is int
            else isinstance(v, kind)
        )
        if not ok:
            self.add(path, f"Erwartet wird {_TYPE_WORDS[kind]}, nicht „{v}“.")
            return default
        if kind is float:
            v = float(v)
            if math.isnan(v) or math.isinf(v):
                self.add(path, f"„{v}“ ist keine endliche Zahl.")
                return default
        if choices is not None and v not in choices:
            self.add(path, f"„{v}“ ist nicht erlaubt (erlaubt: {', '.join(choices)}).")
            return default
        return v


def parse_method(source: str | Mapping[str, Any], file: str = "Methode") -> Method:
    """A validated `Method` from TOML text or from an already parsed dict; `file` names the
    origin in messages. Raises `MethodError` (German, with file and key)."""
    if isinstance(source, str):
        try:
            data = tomllib.loads(source)
        except tomllib.TOMLDecodeError as exc:
            raise MethodError([_toml_problem(file, exc)]) from None
    else:
        data = dict(source)
    reader = _Reader(file)
    method = _read_method(data, reader)
    if reader.problems or method is None:
        raise MethodError(reader.problems)
    return method


def load_method(path: str | Path) -> Method:
    """Read a method file. The messages name the file as `methods/x.toml` when it lies in a
    package's methods folder, else by its name."""
    path = Path(path)
    label = f"{METHODS_FOLDER}/{path.name}" if path.parent.name == METHODS_FOLDER else path.name
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise MethodError([MethodProblem(label, None, "Datei gibt es nicht.")]) from None
    except UnicodeDecodeError:
        raise MethodError([MethodProblem(label, None, "Die Datei ist nicht UTF-8-kodiert.")]) from None
    except OSError as exc:
        raise MethodError(
            [MethodProblem(label, None, f"Datei kann nicht gelesen werden ({exc.strerror}).")]
        ) from None
    return parse_method(text, label)


def available_methods(data_dir: str | Path | None = None) -> dict[str, Path]:
    """Method names (file stem) -> file: the package's `methods/*.toml` first, then the
    presets shipped with the app (`sozialraum/presets/`)."""
    found: dict[str, Path] = {}
    folders = ([Path(data_dir) / METHODS_FOLDER] if data_dir is not None else []) + [PRESETS_DIR]
    for folder in folders:
        if folder.is_dir():
            for file in sorted(folder.glob("*.toml")):
                found.setdefault(file.stem, file)
    return found


PREFERRED_METHOD = "erfurt-demo"


def default_method_name(data_dir: str | Path) -> str:
    """The method a page shows first: the preferred one if present, else the package's own
    first method, else the first preset ("" if there is none)."""
    known = available_methods(data_dir)
    if PREFERRED_METHOD in known:
        return PREFERRED_METHOD
    own = [name for name, path in known.items() if path.parent.parent == Path(data_dir)]
    return own[0] if own else next(iter(known), "")


def resolve_method(name_or_path: str | Path, data_dir: str | Path | None = None) -> Method:
    """A method by file path or by preset name (see `available_methods`)."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists() or len(path.parts) > 1:
        return load_method(path)
    known = available_methods(data_dir)
    if str(name_or_path) not in known:
        names = ", ".join(sorted(known)) or "keine"
        raise MethodError(
            [
                MethodProblem(
                    str(name_or_path),
                    None,
                    f"Keine Methodendatei und keine Vorlage dieses Namens (Vorlagen: {names}).",
                )
            ]
        )
    return load_method(known[str(name_or_path)])


def _toml_problem(file: str, exc: tomllib.TOMLDecodeError) -> MethodProblem:
    """tomllib speaks English ("Expected '=' … (at line 3, column 5)"); keep only the place."""
    match = re.search(r"at line (\d+), column (\d+)", str(exc))
    if match:
        return MethodProblem(
            file, None, f"Kein gültiges TOML (Fehler in Spalte {match.group(2)}).", int(match.group(1))
        )
    return MethodProblem(file, None, "Kein gültiges TOML (Fehler am Dateiende).")


def _read_method(data: dict[str, Any], r: _Reader) -> Method | None:
    r.table(data, "", _TOP_KEYS)
    head = r.table(data.get("method"), "method", _METHOD_KEYS)
    method_id = r.value(head, "id", "method.id", str, "", required=True)
    title = r.value(head, "title", "method.title", str, "", required=True)
    description = r.value(head, "description", "method.description", str, "")
    source = r.value(head, "source", "method.source", str, "")
    level = r.value(head, "level", "method.level", str, None)
    min_areas = r.value(head, "min_areas", "method.min_areas", int, DEFAULT_MIN_AREAS)
    if min_areas < 2:
        r.add(
            "method.min_areas", f"Mindestens 2 Gebiete sind nötig, um zu standardisieren (nicht {min_areas})."
        )
    template = r.value(head, "group_template", "method.group_template", str, DEFAULT_GROUP_TEMPLATE)
    try:
        template.format(status="", dynamics="")
    except (KeyError, IndexError, ValueError):
        r.add("method.group_template", "Erlaubt sind nur die Platzhalter {status} und {dynamics}.")

    ex = r.table(data.get("exclusion"), "exclusion", _EXCLUSION_KEYS, required=False)
    min_population = r.value(ex, "min_population", "exclusion.min_population", float, None)
    if min_population is not None and min_population < 0:
        r.add("exclusion.min_population", "Die Mindesteinwohnerzahl kann nicht negativ sein.")
    outliers = r.value(ex, "outliers", "exclusion.outliers", list, [])
    if not all(isinstance(o, str) for o in outliers):
        r.add("exclusion.outliers", "Erwartet wird eine Liste von Gebiets-IDs in Anführungszeichen.")
        outliers = []
    exclusion = Exclusion(
        min_population=min_population,
        population=r.value(ex, "population", "exclusion.population", str, None),
        outliers=tuple(outliers),
        outlier_column=r.value(ex, "outlier_column", "exclusion.outlier_column", str, None),
        missing=r.value(ex, "missing", "exclusion.missing", str, "exclude", choices=MISSING_RULES),
    )
    status = _read_part(data.get("status"), "status", r, dynamics=False)
    dynamics = None
    if "dynamics" in data:
        dynamics = _read_part(data.get("dynamics"), "dynamics", r, dynamics=True)
    if status is None:
        return None
    if dynamics is not None:
        shared = {s.id for s in status.indicators} & {s.id for s in dynamics.indicators}
        if shared and dynamics.mode == "indicators":
            r.add(
                "dynamics.indicators",
                f"„{min(shared)}“ steht auch im Status; die Dynamik braucht "
                f'eigene Veränderungsindikatoren (oder mode = "change").',
            )
    return Method(
        id=method_id,
        title=title,
        status=status,
        dynamics=dynamics,
        exclusion=exclusion,
        description=description,
        source=source,
        level=level,
        min_areas=min_areas,
        group_template=template,
        file=r.file,
    )


def _read_part(data: Any, key: str, r: _Reader, *, dynamics: bool) -> Part | None:
    table = r.table(data, key, _DYNAMICS_KEYS if dynamics else _PART_KEYS)
    if not table:
        return None
    standardisation = r.value(
        table, "standardisation", f"{key}.standardisation", str, "zscore", choices=tuple(STANDARDISATIONS)
    )
    sd = r.value(table, "sd", f"{key}.sd", str, "population", choices=SD_KINDS)
    aggregation = r.value(table, "aggregation", f"{key}.aggregation", str, "sum", choices=AGGREGATIONS)
    restandardise = r.value(table, "restandardise", f"{key}.restandardise", bool, False)
    mode, years = "indicators", 2
    if dynamics:
        mode = r.value(table, "mode", f"{key}.mode", str, "indicators", choices=DYNAMICS_MODES)
        years = r.value(table, "years", f"{key}.years", int, 2)
        if years < 1:
            r.add(f"{key}.years", f"Der Abstand in Jahren muss mindestens 1 sein (nicht {years}).")

    specs: list[IndicatorSpec] = []
    indicators = r.table(table.get("indicators"), f"{key}.indicators", set(table.get("indicators") or {}))
    if not indicators and "indicators" in table:
        r.add(f"{key}.indicators", "Mindestens ein Indikator ist nötig.")
    for ind_id, spec in indicators.items():
        path = f"{key}.indicators.{ind_id}"
        spec = r.table(spec, path, _INDICATOR_KEYS)
        weight = r.value(spec, "weight", f"{path}.weight", float, 1.0)
        if weight < 0:
            r.add(f"{path}.weight", f"Ein Gewicht kann nicht negativ sein ({_num(weight)}).")
        specs.append(
            IndicatorSpec(
                id=ind_id,
                weight=weight,
                direction=r.value(spec, "direction", f"{path}.direction", str, None, choices=NEED_DIRECTIONS),
                label=r.value(spec, "label", f"{path}.label", str, None),
                enabled=r.value(spec, "enabled", f"{path}.enabled", bool, True),
            )
        )
    if specs and sum(s.weight for s in specs if s.enabled) <= 0:
        r.add(
            f"{key}.indicators",
            "Die Gewichte der eingeschalteten Indikatoren ergeben zusammen 0; "
            "mindestens ein Indikator braucht ein Gewicht über 0.",
        )

    classes: list[ClassSpec] = []
    raw_classes = table.get("classes")
    if raw_classes is None:
        r.add(f"{key}.classes", "Klassen fehlen (mindestens eine, [[…classes]] mit label, interval, color).")
    elif not isinstance(raw_classes, list) or not all(isinstance(c, dict) for c in raw_classes):
        r.add(f"{key}.classes", "Erwartet wird eine Liste von Tabellen ([[…classes]]).")
    else:
        for i, raw in enumerate(raw_classes, start=1):
            path = f"{key}.classes[{i}]"
            raw = r.table(raw, path, _CLASS_KEYS)
            label = r.value(raw, "label", f"{path}.label", str, "", required=True)
            color = r.value(raw, "color", f"{path}.color", str, "#888888", required=True)
            if not _COLOUR.match(color):
                r.add(f"{path}.color", f"„{color}“ ist keine Farbe der Form #RRGGBB.")
            interval = r.value(raw, "interval", f"{path}.interval", str, None, required=True)
            parsed = _parse_interval(interval, f"{path}.interval", r) if interval is not None else None
            if parsed is not None:
                classes.append(ClassSpec(label, color, *parsed))
        if len(classes) == len(raw_classes):
            _check_classes(classes, key, r)
        labels = [c.label for c in classes]
        for dup in sorted({x for x in labels if labels.count(x) > 1}):
            r.add(f"{key}.classes", f"Die Klasse „{dup}“ kommt mehrfach vor.")
    return Part(
        indicators=tuple(specs),
        classes=tuple(classes),
        standardisation=standardisation,
        sd=sd,
        aggregation=aggregation,
        restandardise=restandardise,
        mode=mode,
        years=years,
    )


def _parse_interval(text: str, path: str, r: _Reader) -> tuple[float, float, bool, bool] | None:
    match = _INTERVAL.match(text.replace("−", "-").replace("∞", "inf"))
    if not match:
        r.add(path, f"„{text}“ ist kein Intervall wie „[-1, 1]“, „(1, 1.5]“ oder „(1.5, inf)“.")
        return None
    left, lo, hi, right = match.groups()
    try:
        lower, upper = float(lo), float(hi)
    except ValueError:
        r.add(path, f"„{text}“: Grenzen müssen Zahlen sein (oder -inf/inf).")
        return None
    if math.isnan(lower) or math.isnan(upper):
        r.add(path, f"„{text}“: Grenzen müssen Zahlen sein (oder -inf/inf).")
        return None
    if (left == "[" and math.isinf(lower)) or (right == "]" and math.isinf(upper)):
        r.add(path, f"„{text}“: eine unendliche Grenze ist immer offen, also „(-inf“ bzw. „inf)“.")
        return None
    if not lower < upper:
        r.add(path, f"„{text}“: Grenzen nicht aufsteigend (die untere muss kleiner als die obere sein).")
        return None
    return lower, upper, left == "[", right == "]"


def _check_classes(classes: list[ClassSpec], key: str, r: _Reader) -> None:
    """Ascending, without gap or overlap, from -inf to inf: every score gets exactly one class."""
    if not classes:
        r.add(f"{key}.classes", "Mindestens eine Klasse ist nötig.")
        return
    if not math.isinf(classes[0].lower):
        r.add(
            f"{key}.classes[1].interval",
            f"Die erste Klasse muss bei -inf beginnen, nicht bei "
            f"{_bound(classes[0].lower)} (sonst bleiben Werte ohne Klasse).",
        )
    if not math.isinf(classes[-1].upper):
        r.add(
            f"{key}.classes[{len(classes)}].interval",
            f"Die letzte Klasse muss bis inf reichen, nicht bis {_bound(classes[-1].upper)}.",
        )
    for i, (prev, cur) in enumerate(pairwise(classes), start=2):
        path = f"{key}.classes[{i}].interval"
        if cur.lower != prev.upper:
            order = "nicht aufsteigend" if cur.lower < prev.upper else "mit Lücke"
            r.add(
                path,
                f"Klassengrenzen {order}: „{cur.interval}“ beginnt nicht dort, wo "
                f"„{prev.interval}“ endet ({_bound(prev.upper)}).",
            )
        elif prev.upper_closed == cur.lower_closed:
            r.add(
                path,
                f"Die Grenze {_bound(cur.lower)} gehört zu "
                f"{'beiden' if cur.lower_closed else 'keiner'} der Klassen „{prev.interval}“ und "
                f"„{cur.interval}“; sie muss zu genau einer gehören.",
            )


# --------------------------------------------------------------------------------------------
# writing a method: TOML, dict, URL overrides
# --------------------------------------------------------------------------------------------


def method_to_dict(method: Method) -> dict[str, Any]:
    """The TOML-shaped dict of a method; `parse_method(method_to_dict(m)) == m`."""
    head: dict[str, Any] = {"id": method.id, "title": method.title}
    if method.description:
        head["description"] = method.description
    if method.source:
        head["source"] = method.source
    if method.level:
        head["level"] = method.level
    head["min_areas"] = method.min_areas
    head["group_template"] = method.group_template
    ex = method.exclusion
    exclusion: dict[str, Any] = {}
    if ex.min_population is not None:
        exclusion["min_population"] = ex.min_population
    if ex.population:
        exclusion["population"] = ex.population
    if ex.outliers:
        exclusion["outliers"] = list(ex.outliers)
    if ex.outlier_column:
        exclusion["outlier_column"] = ex.outlier_column
    exclusion["missing"] = ex.missing
    out: dict[str, Any] = {"method": head, "exclusion": exclusion}
    for name, part in method.parts.items():
        table: dict[str, Any] = {}
        if name == "dynamics":
            table["mode"] = part.mode
            if part.mode == "change":
                table["years"] = part.years
        table.update(
            {
                "standardisation": part.standardisation,
                "sd": part.sd,
                "aggregation": part.aggregation,
                "restandardise": part.restandardise,
            }
        )
        indicators: dict[str, Any] = {}
        for s in part.indicators:
            spec: dict[str, Any] = {}
            if s.label:
                spec["label"] = s.label
            spec["weight"] = s.weight
            if s.direction:
                spec["direction"] = s.direction
            if not s.enabled:
                spec["enabled"] = False
            indicators[s.id] = spec
        table["indicators"] = indicators
        table["classes"] = [
            {"label": c.label, "interval": c.interval, "color": c.color} for c in part.classes
        ]
        out[name] = table
    return out


def method_to_toml(method: Method) -> str:
    """The method as a TOML method file (comments of the original are not kept)."""
    d = method_to_dict(method)
    lines = ["# Sozialindex-Methode (Format: docs/sozialindex.md)", ""]

    def emit(table: dict[str, Any]) -> None:
        for key, value in table.items():
            if not isinstance(value, (dict, list)) or (
                isinstance(value, list) and not any(isinstance(v, dict) for v in value)
            ):
                lines.append(f"{_key(key)} = {_toml_value(value)}")

    for section in ("method", "exclusion"):
        lines.append(f"[{section}]")
        emit(d[section])
        lines.append("")
    for name in ("status", "dynamics"):
        if name not in d:
            continue
        lines.append(f"[{name}]")
        emit(d[name])
        lines.append("")
        for ind_id, spec in d[name]["indicators"].items():
            lines.append(f"[{name}.indicators.{_key(ind_id)}]")
            emit(spec)
            lines.append("")
        for cls in d[name]["classes"]:
            lines.append(f"[[{name}.classes]]")
            emit(cls)
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)  # shortest exact text; TOML reads it back to the same float
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON string escapes are valid TOML
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(type(value))


def adjust(
    method: Method,
    part: str = "status",
    *,
    weights: Mapping[str, float] | None = None,
    enabled: Mapping[str, bool] | None = None,
    cuts: Sequence[float] | None = None,
    standardisation: str | None = None,
    sd: str | None = None,
    aggregation: str | None = None,
    restandardise: bool | None = None,
    min_population: float | None = None,
    missing: str | None = None,
) -> Method:
    """A copy of `method` with one part's indicators toggled/reweighted, its class boundaries
    moved (`cuts`: one value per boundary, closedness kept), or its procedure changed.
    Validated like a file: raises `MethodError`."""
    d = method_to_dict(method)
    if part not in d:
        raise MethodError([MethodProblem(method.file, part, "Diese Methode hat keinen solchen Teil.")])
    table = d[part]
    for ind_id, w in (weights or {}).items():
        if ind_id not in table["indicators"]:
            raise MethodError(
                [
                    MethodProblem(
                        method.file,
                        f"{part}.indicators.{ind_id}",
                        "Der Indikator gehört nicht zu dieser Methode.",
                    )
                ]
            )
        table["indicators"][ind_id]["weight"] = float(w)
    for ind_id, on in (enabled or {}).items():
        if ind_id not in table["indicators"]:
            raise MethodError(
                [
                    MethodProblem(
                        method.file,
                        f"{part}.indicators.{ind_id}",
                        "Der Indikator gehört nicht zu dieser Methode.",
                    )
                ]
            )
        table["indicators"][ind_id].pop("enabled", None)
        if not on:
            table["indicators"][ind_id]["enabled"] = False
    if cuts is not None:
        classes = method.parts[part].classes
        if len(cuts) != len(classes) - 1:
            raise MethodError(
                [
                    MethodProblem(
                        method.file,
                        f"{part}.classes",
                        f"Erwartet werden {len(classes) - 1} Grenzen, nicht {len(cuts)}.",
                    )
                ]
            )
        bounds = [-math.inf, *(float(c) for c in cuts), math.inf]
        table["classes"] = [
            {
                "label": c.label,
                "color": c.color,
                "interval": replace(c, lower=bounds[i], upper=bounds[i + 1]).interval.replace(
                    "inf, -inf", "inf"
                ),
            }
            for i, c in enumerate(classes)
        ]
    for key, value in (
        ("standardisation", standardisation),
        ("sd", sd),
        ("aggregation", aggregation),
        ("restandardise", restandardise),
    ):
        if value is not None:
            table[key] = value
    if min_population is not None:
        d["exclusion"]["min_population"] = float(min_population)
    if missing is not None:
        d["exclusion"]["missing"] = missing
    return parse_method(d, method.file)


_QUERY_PARTS = {"status": "s", "dynamics": "d"}


def method_to_query(method: Method, base: Method) -> str:
    """The differences of `method` against the preset `base`, URL-encoded and compact, e.g.
    `sw=kinderarmut:2&soff=grundsicherung_alter&st=-1,1,2`. Empty when equal. Only what
    `adjust` can change is expressible; anything else raises ValueError."""
    params: dict[str, str] = {}
    for name, prefix in _QUERY_PARTS.items():
        mine, theirs = method.parts.get(name), base.parts.get(name)
        if mine is None and theirs is None:
            continue
        if (
            mine is None
            or theirs is None
            or [s.id for s in mine.indicators] != [s.id for s in theirs.indicators]
        ):
            raise ValueError(f"{name}: indicators differ from the base method")
        changed = [s for s, b in zip(mine.indicators, theirs.indicators) if s.weight != b.weight]
        if changed:
            params[f"{prefix}w"] = ",".join(f"{s.id}:{_num(s.weight)}" for s in changed)
        off = [s.id for s, b in zip(mine.indicators, theirs.indicators) if b.enabled and not s.enabled]
        on = [s.id for s, b in zip(mine.indicators, theirs.indicators) if s.enabled and not b.enabled]
        if off:
            params[f"{prefix}off"] = ",".join(off)
        if on:
            params[f"{prefix}on"] = ",".join(on)
        if mine.cuts != theirs.cuts:
            params[f"{prefix}t"] = ",".join(_num(c) for c in mine.cuts)
        for attr, short in (("standardisation", "std"), ("sd", "sd"), ("aggregation", "agg")):
            if getattr(mine, attr) != getattr(theirs, attr):
                params[f"{prefix}{short}"] = getattr(mine, attr)
        if mine.restandardise != theirs.restandardise:
            params[f"{prefix}re"] = "1" if mine.restandardise else "0"
        if (
            replace(
                mine,
                indicators=theirs.indicators,
                classes=theirs.classes,
                standardisation=theirs.standardisation,
                sd=theirs.sd,
                aggregation=theirs.aggregation,
                restandardise=theirs.restandardise,
            )
            != theirs
            or any(
                (s.label, s.direction) != (b.label, b.direction)
                for s, b in zip(mine.indicators, theirs.indicators)
            )
            or [(c.label, c.color, c.lower_closed, c.upper_closed) for c in mine.classes]
            != [(c.label, c.color, c.lower_closed, c.upper_closed) for c in theirs.classes]
        ):
            raise ValueError(f"{name}: differences that a URL cannot express")
    if method.exclusion.min_population != base.exclusion.min_population:
        mp = method.exclusion.min_population
        params["minpop"] = "" if mp is None else _num(mp)
    if method.exclusion.missing != base.exclusion.missing:
        params["missing"] = method.exclusion.missing
    rest = replace(
        method,
        status=base.status,
        dynamics=base.dynamics,
        exclusion=replace(
            method.exclusion, min_population=base.exclusion.min_population, missing=base.exclusion.missing
        ),
    )
    if rest != base:
        raise ValueError("method differs from the base in ways a URL cannot express")
    return urlencode(params, safe=":,")


def method_from_query(query: str | Mapping[str, Any], base: Method) -> Method:
    """The preset `base` with the adjustments of `method_to_query` applied. A query string
    (with or without "?") or a dict as Dash's `dcc.Location` search gives it. Unknown
    parameters are ignored (the page may have its own); bad values raise `MethodError`
    naming the parameter."""
    if isinstance(query, str):
        params = {k: v[-1] for k, v in parse_qs(query.lstrip("?"), keep_blank_values=True).items()}
    else:
        params = {k: (v[-1] if isinstance(v, list) else v) for k, v in query.items()}
    method = base
    problems: list[MethodProblem] = []

    def bad(key: str, message: str) -> None:
        problems.append(MethodProblem("Adresse (URL)", key, message))

    for name, prefix in _QUERY_PARTS.items():
        if name not in base.parts:
            continue
        kwargs: dict[str, Any] = {}
        if f"{prefix}w" in params:
            weights = {}
            for item in filter(None, str(params[f"{prefix}w"]).split(",")):
                ind_id, _, w = item.partition(":")
                try:
                    weights[ind_id] = float(w)
                except ValueError:
                    bad(f"{prefix}w", f"„{item}“ ist nicht von der Form Indikator:Gewicht.")
            kwargs["weights"] = weights
        toggles = {i: False for i in filter(None, str(params.get(f"{prefix}off", "")).split(","))}
        toggles |= {i: True for i in filter(None, str(params.get(f"{prefix}on", "")).split(","))}
        if toggles:
            kwargs["enabled"] = toggles
        if f"{prefix}t" in params:
            try:
                kwargs["cuts"] = [float(c) for c in str(params[f"{prefix}t"]).split(",") if c != ""]
            except ValueError:
                bad(f"{prefix}t", f"„{params[f'{prefix}t']}“ sind keine Zahlen, getrennt durch Kommas.")
        for attr, short in (("standardisation", "std"), ("sd", "sd"), ("aggregation", "agg")):
            if f"{prefix}{short}" in params:
                kwargs[attr] = str(params[f"{prefix}{short}"])
        if f"{prefix}re" in params:
            kwargs["restandardise"] = str(params[f"{prefix}re"]) == "1"
        if kwargs and not problems:
            try:
                method = adjust(method, name, **kwargs)
            except MethodError as exc:
                problems.extend(exc.problems)
    if "minpop" in params and not problems:
        text = str(params["minpop"])
        if text == "":
            method = replace(method, exclusion=replace(method.exclusion, min_population=None))
        else:
            try:
                method = adjust(method, min_population=float(text))
            except ValueError:
                bad("minpop", f"„{text}“ ist keine Zahl.")
            except MethodError as exc:
                problems.extend(exc.problems)
    if "missing" in params and not problems:
        try:
            method = adjust(method, missing=str(params["missing"]))
        except MethodError as exc:
            problems.extend(exc.problems)
    if problems:
        raise MethodError(problems)
    return method


# --------------------------------------------------------------------------------------------
# input data: a package or a wide table
# --------------------------------------------------------------------------------------------


class IndexData:
    """What `compute` needs, from a `DataPackage` or from a wide table; wide tables per year are
    cached, so repeated computations (page, robustness, rank over time) skip the pivot."""

    def __init__(
        self,
        *,
        names: pd.Series,
        catalogue: pd.DataFrame | None,
        kind: str,
        wide: dict[int | None, pd.DataFrame],
        package: Any = None,
        level: str | None = None,
        static_population: pd.Series | None = None,
        area_columns: pd.DataFrame | None = None,
    ):
        self.names = names
        self.catalogue = catalogue  # indicator catalogue (direction, short_name, unit) or None
        self.kind = kind  # "package" or "table"
        self._wide = wide
        self.package = package
        self.level = level
        self.static_population = static_population
        self.area_columns = area_columns  # extra per-area columns (outlier flags, population)

    @classmethod
    def from_package(cls, package: Any, level: str | None = None) -> IndexData:
        level = level or package.levels[-1]
        areas = package.areas[package.areas["level"] == level]
        return cls(
            names=areas["name"].astype(str),
            catalogue=package.indicators,
            kind="package",
            wide={},
            package=package,
            level=level,
            static_population=areas["population"].astype("float64"),
            area_columns=areas,
        )

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> IndexData:
        """One row per area (index or column `area_id`), one column per indicator; optional
        columns `name` and `year` (then one row per area and year)."""
        frame = frame.copy()
        if "area_id" in frame.columns:
            frame = frame.set_index("area_id")
        frame.index = frame.index.astype(str)
        frame.index.name = None
        names = frame["name"].astype(str) if "name" in frame.columns else pd.Series(frame.index, frame.index)
        wide: dict[int | None, pd.DataFrame] = {}
        if "year" in frame.columns:
            for year, rows in frame.groupby("year"):
                wide[int(year)] = rows.drop(columns=["year"])
            names = names[~names.index.duplicated()]
        else:
            wide[None] = frame
        return cls(names=names, catalogue=None, kind="table", wide=wide)

    @property
    def years(self) -> list[int]:
        if self.kind == "package":
            return self.package.years
        return sorted(y for y in self._wide if y is not None)

    def wide(self, year: int | None) -> pd.DataFrame | None:
        """Areas × columns for `year` (areas in a fixed order); None if the year has no data."""
        if self.kind == "table":
            if None in self._wide:
                return self._wide[None]
            return self._wide.get(year)
        if year not in self._wide:
            if year not in self.years:
                return None
            obs = self.package.observations
            rows = obs[(obs["year"] == year) & (obs["level"] == self.level)]
            table = pd.DataFrame(
                {
                    "area_id": rows["area_id"].astype(str),
                    "indicator_id": rows["indicator_id"].astype(str),
                    "value": rows["value"].to_numpy(),
                }
            )
            wide = table.pivot(index="area_id", columns="indicator_id", values="value")
            wide = wide.reindex(self.names.index)
            wide.columns.name = None
            self._wide[year] = wide
        return self._wide[year]

    def has_column(self, name: str) -> bool:
        if self.kind == "package":
            return name in self.catalogue.index
        return any(name in frame.columns for frame in self._wide.values())

    def city_values(self, year: int, ids: Sequence[str]) -> pd.Series | None:
        if self.kind != "package":
            return None
        obs = self.package.observations
        city = self.package.city_id
        rows = obs[(obs["year"] == year) & (obs["area_id"] == city)]
        values = pd.Series(rows["value"].to_numpy(), index=rows["indicator_id"].astype(str).to_numpy())
        return values.reindex(list(ids))


_PREPARED: dict[tuple[int, str], tuple[Any, IndexData]] = {}


def prepare(source: Any, level: str | None = None) -> IndexData:
    """`IndexData` for a package (cached per package and level) or a wide DataFrame."""
    if isinstance(source, IndexData):
        return source
    if isinstance(source, pd.DataFrame):
        return IndexData.from_frame(source)
    key = (id(source), f"{getattr(source, 'fingerprint', '')}:{level}")
    hit = _PREPARED.get(key)
    if hit is not None and hit[0] is source:
        return hit[1]
    data = IndexData.from_package(source, level)
    if len(_PREPARED) >= 8:
        _PREPARED.pop(next(iter(_PREPARED)))
    _PREPARED[key] = (source, data)
    return data


# --------------------------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartResult:
    """One composite, for the valid areas (index = area ids in `IndexResult.areas` order)."""

    raw: pd.DataFrame  # values entering the index (changes for dynamics mode "change")
    standardised: pd.DataFrame  # per indicator, direction applied (higher = more need); imputed filled in
    contributions: pd.DataFrame  # weighted standardised values; their row sum is `composite`
    imputed: pd.DataFrame  # True where a missing value was set to the mean (missing = "mean")
    composite: pd.Series  # weighted sum or mean, before re-standardisation
    score: pd.Series  # the index value: (composite - offset) / scale
    offset: float  # 0 without re-standardisation
    scale: float  # 1 without re-standardisation
    reference: pd.Series  # city value per indicator (package), else mean of the valid areas
    reference_is_city: bool
    labels: dict[str, str]  # indicator id -> label
    classes: tuple[ClassSpec, ...]


@dataclass(frozen=True)
class IndexResult:
    method: Method
    year: int | None
    areas: pd.DataFrame
    """Index area_id, all areas of the level, valid ones by rank first. Columns: name, score,
    rank, class, class_index, color, dynamics_score, dynamics_rank, dynamics_class,
    dynamics_class_index, dynamics_color, group, excluded (bool), reason (German, '' if valid)."""
    status: PartResult
    dynamics: PartResult | None
    notes: tuple[str, ...] = ()

    @property
    def valid(self) -> pd.DataFrame:
        return self.areas[~self.areas["excluded"]]

    @property
    def excluded(self) -> pd.DataFrame:
        return self.areas.loc[self.areas["excluded"], ["name", "reason"]]

    @property
    def thresholds(self) -> dict[str, tuple[ClassSpec, ...]]:
        return {name: part.classes for name, part in self.method.parts.items()}

    def group_counts(self) -> pd.DataFrame:
        """Status classes (rows, method order) × dynamics classes (columns): number of areas."""
        if self.dynamics is None:
            raise SozialindexError("Diese Methode hat keine Dynamik.")
        rows = [c.label for c in self.method.status.classes]
        cols = [c.label for c in self.method.dynamics.classes]  # type: ignore[union-attr]
        counts = pd.crosstab(self.valid["class"], self.valid["dynamics_class"])
        return counts.reindex(index=rows, columns=cols, fill_value=0)

    def to_frame(self) -> pd.DataFrame:
        """The table the CLI writes: one row per area."""
        columns = ["name", "score", "rank", "class"]
        if self.dynamics is not None:
            columns += ["dynamics_score", "dynamics_class", "group"]
        out = self.areas[columns + ["reason"]].rename(columns={"reason": "exclusion_reason"})
        out.index.name = "area_id"
        return out.reset_index()


# --------------------------------------------------------------------------------------------
# computing
# --------------------------------------------------------------------------------------------


def compute(source: Any, method: Method, year: int | None = None) -> IndexResult:
    """The index of `year` for every area. `source`: a DataPackage, a wide DataFrame (see
    `IndexData.from_frame`) or a prepared `IndexData`. Raises `MethodError` when the method
    does not fit the data (unknown indicator, no variance, too few valid areas) and
    `SozialindexError` for a year without data."""
    data = prepare(source, method.level)
    _check_against_data(method, data)
    if year is None and data.kind == "package":
        year = data.years[-1]
    wide = data.wide(year)
    if wide is None:
        years = data.years
        known = f"{years[0]}–{years[-1]}" if years else "keine"
        raise SozialindexError(f"Für das Jahr {year} gibt es keine Werte (vorhanden: {known}).")
    ids = list(data.names.index)
    notes: list[str] = []
    labels = _labels(method, data)
    n = len(ids)

    status_raw = _columns(wide, [s.id for s in method.status.active], ids)
    dyn = method.dynamics
    dyn_raw = None
    if dyn is not None:
        dyn_ids = [s.id for s in dyn.active]
        if dyn.mode == "indicators":
            dyn_raw = _columns(wide, dyn_ids, ids)
        else:
            before = data.wide(year - dyn.years) if year is not None else None
            if before is None:
                notes.append(
                    f"Dynamik nicht berechnet: für {year - dyn.years if year else '?'} gibt es keine "
                    f"Werte (Veränderung über {dyn.years} Jahre)."
                )
                dyn = None
            else:
                dyn_raw = _columns(wide, dyn_ids, ids) - _columns(before, dyn_ids, ids)

    # exclusion rules
    reasons: list[list[str]] = [[] for _ in range(n)]
    ex = method.exclusion
    if ex.min_population is not None:
        population = _population(method, data, wide, ids)
        for i, p in enumerate(population):
            if np.isnan(p):
                reasons[i].append("Einwohnerzahl fehlt")
            elif p < ex.min_population:
                reasons[i].append(f"weniger als {number(ex.min_population)} Einwohner ({number(p)})")
    listed = set(ex.outliers)
    flags = _outlier_flags(method, data, wide, ids)
    for i, area in enumerate(ids):
        if area in listed:
            reasons[i].append("als Ausreißer ausgeschlossen (Methode)")
        elif flags is not None and flags[i]:
            reasons[i].append("als Ausreißer markiert")
    if ex.missing == "exclude":
        parts = [(status_raw, "")]
        if dyn_raw is not None:
            parts.append((dyn_raw, " (Veränderung)" if dyn is not None and dyn.mode == "change" else ""))
        for raw, suffix in parts:
            missing = np.isnan(raw.to_numpy())
            for i in np.flatnonzero(missing.any(axis=1)):
                if reasons[i] and not reasons[i][-1].startswith("fehlende"):
                    continue  # already out by population or as outlier: no values expected
                gone = [labels[c] + suffix for c, m in zip(raw.columns, missing[i]) if m]
                word = "fehlende Werte für" if len(gone) > 1 else "fehlender Wert für"
                reasons[i].append(f"{word} {', '.join(gone)}")
    valid = np.array([not r for r in reasons])
    n_valid = int(valid.sum())
    if n_valid < method.min_areas:
        raise MethodError(
            [
                MethodProblem(
                    method.file,
                    "method.min_areas",
                    f"Zu wenige gültige Gebiete{_in_year(year)}: {n_valid} von {n} "
                    f"(mindestens {method.min_areas}).",
                )
            ]
        )

    status = _part(method, "status", method.status, status_raw[valid], labels, year, data.catalogue)
    reference, is_city = _reference(data, year, status.raw)
    status = replace(status, reference=reference, reference_is_city=is_city)
    dynamics = None
    if dyn is not None and dyn_raw is not None:
        dynamics = _part(method, "dynamics", dyn, dyn_raw[valid], labels, year, data.catalogue)
        reference, is_city = _reference(data, year, dynamics.raw)
        if dyn.mode == "change" and is_city:
            reference = reference - _reference(data, year - dyn.years, dynamics.raw)[0]
        dynamics = replace(dynamics, reference=reference, reference_is_city=is_city)

    table = pd.DataFrame(index=pd.Index(ids))
    table["name"] = data.names.reindex(ids).to_numpy()
    _fill(table, "", status, valid)
    if dynamics is not None:
        _fill(table, "dynamics_", dynamics, valid)
        group = pd.Series("", index=table.index, dtype=object)
        ok = valid & table["dynamics_class"].notna().to_numpy()
        group[ok] = [
            method.group_template.format(status=s, dynamics=d)
            for s, d in zip(table.loc[ok, "class"], table.loc[ok, "dynamics_class"])
        ]
        table["group"] = group.where(ok, None)
    table["excluded"] = ~valid
    table["reason"] = ["; ".join(r) for r in reasons]
    order = np.lexsort((np.arange(n), table["rank"].to_numpy(dtype=float, na_value=np.inf)))
    table = table.iloc[order]
    if data.kind == "package" and dyn is None and method.dynamics is not None and not notes:
        notes.append("Dynamik nicht berechnet.")
    return IndexResult(
        method=method, year=year, areas=table, status=status, dynamics=dynamics, notes=tuple(notes)
    )


def _fill(table: pd.DataFrame, prefix: str, part: PartResult, valid: np.ndarray) -> None:
    n = len(table)
    score = np.full(n, np.nan)
    score[valid] = part.score.to_numpy()
    rank = np.zeros(n, dtype="int64")
    rank[valid] = _ranks(part.score.to_numpy()[:, None])[:, 0]
    idx = np.full(n, -1)
    idx[valid] = _classify(part.score.to_numpy(), part.classes)
    table[f"{prefix}score"] = score
    table[f"{prefix}rank"] = pd.arrays.IntegerArray(rank, ~valid)
    table[f"{prefix}class"] = [part.classes[i].label if i >= 0 else None for i in idx]
    table[f"{prefix}class_index"] = pd.arrays.IntegerArray(np.maximum(idx, 0), idx < 0)
    table[f"{prefix}color"] = [part.classes[i].color if i >= 0 else None for i in idx]


def _columns(wide: pd.DataFrame, columns: list[str], ids: list[str]) -> pd.DataFrame:
    out = wide.reindex(index=ids, columns=columns)
    return (
        out.apply(pd.to_numeric, errors="coerce").astype("float64") if len(columns) else out.astype("float64")
    )


def _labels(method: Method, data: IndexData) -> dict[str, str]:
    out = {}
    for part in method.parts.values():
        for s in part.indicators:
            label = s.label
            if not label and data.catalogue is not None and s.id in data.catalogue.index:
                label = str(data.catalogue.at[s.id, "short_name"] or data.catalogue.at[s.id, "name"])
            out[s.id] = label or s.id
    return out


def _population(method: Method, data: IndexData, wide: pd.DataFrame, ids: list[str]) -> np.ndarray:
    col = method.exclusion.population
    if data.kind == "package":
        if col:
            return (
                pd.to_numeric(wide.reindex(ids)[col], errors="coerce").to_numpy(dtype=float)
                if col in wide.columns
                else np.full(len(ids), np.nan)
            )
        return data.static_population.reindex(ids).to_numpy(dtype=float)
    for name in [col] if col else ["einwohner", "population"]:
        if name in wide.columns:
            return pd.to_numeric(wide.reindex(ids)[name], errors="coerce").to_numpy(dtype=float)
    raise MethodError(
        [
            MethodProblem(
                method.file,
                "exclusion.population",
                f"Spalte „{col or 'einwohner'}“ für die Einwohnerzahl fehlt in der Tabelle.",
            )
        ]
    )


def _outlier_flags(method: Method, data: IndexData, wide: pd.DataFrame, ids: list[str]) -> np.ndarray | None:
    col = method.exclusion.outlier_column
    if not col:
        return None
    frame = data.area_columns if data.kind == "package" else wide
    if frame is None or col not in frame.columns:
        raise MethodError(
            [
                MethodProblem(
                    method.file,
                    "exclusion.outlier_column",
                    f"Spalte „{col}“ (Ausreißer-Markierung) fehlt in den Daten.",
                )
            ]
        )
    values = frame[col].reindex(ids)
    return values.map(_truthy).to_numpy(dtype=bool)


def _truthy(v: Any) -> bool:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return False
    if isinstance(v, str):
        return v.strip().lower() in {"1", "ja", "yes", "true", "wahr", "x", "j"}
    return bool(v)


def _check_against_data(method: Method, data: IndexData) -> None:
    problems = []
    if data.kind == "package" and method.level and method.level not in data.package.levels:
        problems.append(
            MethodProblem(
                method.file,
                "method.level",
                f"Die Ebene „{method.level}“ gibt es im Datenpaket nicht "
                f"(vorhanden: {', '.join(data.package.levels)}).",
            )
        )
    where = "im Datenpaket (indicators.csv)" if data.kind == "package" else "in der Tabelle (Spalte fehlt)"
    for name, part in method.parts.items():
        for s in part.indicators:
            path = f"{name}.indicators.{s.id}"
            if not data.has_column(s.id):
                problems.append(
                    MethodProblem(method.file, path, f"Den Indikator „{s.id}“ gibt es nicht {where}.")
                )
                continue
            if s.direction is None:
                direction = data.catalogue.at[s.id, "direction"] if data.catalogue is not None else None
                if direction not in NEED_DIRECTIONS:
                    why = (
                        "ist beschreibend (Richtung „neutral“)"
                        if direction == "neutral"
                        else "hat keine Richtung"
                    )
                    problems.append(
                        MethodProblem(
                            method.file,
                            f"{path}.direction",
                            f"„{s.id}“ {why}; bitte „direction“ angeben (need_higher oder need_lower).",
                        )
                    )
    if (
        method.exclusion.population
        and data.kind == "package"
        and not data.has_column(method.exclusion.population)
    ):
        problems.append(
            MethodProblem(
                method.file,
                "exclusion.population",
                f"Den Indikator „{method.exclusion.population}“ gibt es nicht {where}.",
            )
        )
    if problems:
        raise MethodError(problems)


def _direction(spec: IndicatorSpec, data_catalogue: pd.DataFrame | None) -> float:
    direction = spec.direction
    if direction is None and data_catalogue is not None:
        direction = data_catalogue.at[spec.id, "direction"]
    return -1.0 if direction == "need_lower" else 1.0


def _part(
    method: Method,
    name: str,
    part: Part,
    raw: pd.DataFrame,
    labels: dict[str, str],
    year: int | None,
    catalogue: pd.DataFrame | None,
) -> PartResult:
    specs = part.active
    signs = np.array([_direction(s, catalogue) for s in specs])
    weights = np.array([s.weight for s in specs])
    X = raw.to_numpy(dtype=float) * signs
    Z = _standardise(X, part, method, name, [s.id for s in specs], year, signs)
    imputed = np.isnan(Z)
    if imputed.any():
        Z = np.where(imputed, np.nanmean(Z, axis=0), Z)
    contributions = Z * weights
    if part.aggregation == "mean":
        contributions = contributions / weights.sum()
    composite = contributions.sum(axis=1)
    offset, scale = 0.0, 1.0
    if part.restandardise:
        offset = float(composite.mean())
        scale = float(composite.std(ddof=1 if part.sd == "sample" else 0))
        if not scale > 1e-12 * max(1.0, abs(offset)):
            raise MethodError(
                [
                    MethodProblem(
                        method.file,
                        f"{name}.restandardise",
                        "Der zusammengesetzte Wert hat keine Streuung; er lässt sich nicht "
                        "erneut standardisieren.",
                    )
                ]
            )
    score = (composite - offset) / scale
    index, cols = raw.index, raw.columns
    return PartResult(
        raw=raw,
        standardised=pd.DataFrame(Z, index=index, columns=cols),
        contributions=pd.DataFrame(contributions, index=index, columns=cols),
        imputed=pd.DataFrame(imputed, index=index, columns=cols),
        composite=pd.Series(composite, index=index),
        score=pd.Series(score, index=index),
        offset=offset,
        scale=scale,
        reference=pd.Series(dtype=float),
        reference_is_city=False,
        labels={c: labels[c] for c in cols},
        classes=part.classes,
    )


def _reference(data: IndexData, year: int | None, raw: pd.DataFrame) -> tuple[pd.Series, bool]:
    """City value per indicator (package), else the mean of the valid areas."""
    city = data.city_values(year, raw.columns) if year is not None else None
    if city is not None:
        return city, True
    return raw.mean(), False


def _standardise(
    X: np.ndarray, part: Part, method: Method, name: str, ids: list[str], year: int | None, signs: np.ndarray
) -> np.ndarray:
    """Column-wise over the valid areas; NaN (missing, kept for mean imputation) stays NaN."""
    count = np.sum(~np.isnan(X), axis=0)
    problems = []
    for j in np.flatnonzero(count < 2):
        problems.append(
            MethodProblem(
                method.file,
                f"{name}.indicators.{ids[j]}",
                f"„{ids[j]}“ hat{_in_year(year)} weniger als zwei gültige Werte.",
            )
        )
    if problems:
        raise MethodError(problems)
    with np.errstate(invalid="ignore", divide="ignore"):
        if part.standardisation == "zscore":
            mean = np.nanmean(X, axis=0)
            sd = np.nanstd(X, axis=0, ddof=1 if part.sd == "sample" else 0)
            flat = ~(sd > 1e-12 * np.maximum(1.0, np.abs(mean)))
            Z = (X - mean) / sd
        elif part.standardisation == "minmax":
            lo, hi = np.nanmin(X, axis=0), np.nanmax(X, axis=0)
            flat = ~(hi > lo)
            Z = (X - lo) / (hi - lo)
        else:  # percentile rank: (average rank - 1) / (n - 1), ties share the average
            ranks = pd.DataFrame(X).rank(method="average").to_numpy()
            Z = (ranks - 1) / (count - 1)
            flat = np.nanmax(X, axis=0) == np.nanmin(X, axis=0)
    for j in np.flatnonzero(flat):
        column = X[~np.isnan(X[:, j]), j]
        problems.append(
            MethodProblem(
                method.file,
                f"{name}.indicators.{ids[j]}",
                f"„{ids[j]}“ hat{_in_year(year)} über die {len(column)} gültigen Gebiete keine Streuung "
                f"(alle Werte "
                f"{number(column[0] * signs[j], 2)}); so lässt sich nicht standardisieren.",
            )
        )
    if problems:
        raise MethodError(problems)
    return Z


def _in_year(year: int | None) -> str:
    return f" im Jahr {year}" if year is not None else ""


def _classify(scores: np.ndarray, classes: Sequence[ClassSpec]) -> np.ndarray:
    """Class index per score (any shape); -1 for NaN. A boundary belongs to the class whose
    interval is closed there."""
    out = np.zeros(np.shape(scores), dtype=int)
    for c in classes[:-1]:
        out += (scores > c.upper) if c.upper_closed else (scores >= c.upper)
    return np.where(np.isnan(scores), -1, out)


def _ranks(S: np.ndarray) -> np.ndarray:
    """Column-wise competition ranks ("1, 2, 2, 4"), 1 = highest score, ties to 10 decimals."""
    R = np.round(S, TIE_DECIMALS)
    n = R.shape[0]
    order = np.argsort(-R, axis=0, kind="stable")
    ordered = np.take_along_axis(R, order, axis=0)
    new = np.ones(ordered.shape, dtype=bool)
    new[1:] = ordered[1:] != ordered[:-1]
    position = np.broadcast_to(np.arange(1, n + 1)[:, None], ordered.shape)
    rank_sorted = np.maximum.accumulate(np.where(new, position, 0), axis=0)
    ranks = np.empty_like(rank_sorted)
    np.put_along_axis(ranks, order, rank_sorted, axis=0)
    return ranks


# --------------------------------------------------------------------------------------------
# several years, robustness
# --------------------------------------------------------------------------------------------


def rank_over_time(source: Any, method: Method, years: Sequence[int]) -> pd.DataFrame:
    """Long table (area_id, year, name, score, rank, class, class_index, dynamics_class,
    excluded, reason) of the index in each year; a year without data raises SozialindexError."""
    data = prepare(source, method.level)
    frames = []
    for year in years:
        areas = compute(data, method, year).areas
        columns = ["name", "score", "rank", "class", "class_index", "excluded", "reason"]
        if "dynamics_class" in areas.columns:
            columns.insert(5, "dynamics_class")
        frame = areas[columns].copy()
        frame.insert(0, "year", year)
        frames.append(frame.rename_axis("area_id").reset_index())
    return pd.concat(frames, ignore_index=True)


def compare_years(source: Any, method: Method, year_a: int, year_b: int) -> pd.DataFrame:
    """Per area: rank and class in both years, `rank_change` (positive = moved towards rank 1,
    i.e. more need) and `class_changed` (only where both years have a class)."""
    long = rank_over_time(source, method, [year_a, year_b])
    a = long[long["year"] == year_a].set_index("area_id")
    b = long[long["year"] == year_b].set_index("area_id")
    out = pd.DataFrame(
        {
            "name": a["name"],
            "rank_a": a["rank"],
            "rank_b": b["rank"].reindex(a.index),
            "class_a": a["class"],
            "class_b": b["class"].reindex(a.index),
        }
    )
    out["rank_change"] = out["rank_a"] - out["rank_b"]
    both = out["class_a"].notna() & out["class_b"].notna()
    out["class_changed"] = both & (out["class_a"] != out["class_b"])
    return out


@dataclass(frozen=True)
class Robustness:
    table: pd.DataFrame
    """Index area_id (valid areas, by base rank). Columns: name, rank, class, rank_min,
    rank_max (over all variants), loo_rank_min/loo_rank_max (leave one indicator out),
    weights_rank_min/weights_rank_max (random weights), class_stable (the class is the same in
    every variant), class_share (share of the random draws with the base class)."""
    draws: int
    spread: float
    seed: int
    part: str
    left_out: tuple[str, ...]  # indicators left out one at a time (empty with one indicator)


def robustness(
    source: Any,
    method: Method,
    year: int | None = None,
    *,
    draws: int = 500,
    spread: float = 0.2,
    seed: int = 0,
    part: str = "status",
    result: IndexResult | None = None,
) -> Robustness:
    """How much the ranking depends on the weights: every active indicator left out once, and
    `draws` random weight sets (each weight times a uniform factor in [1 - spread, 1 + spread],
    seeded). Standardised values and the set of valid areas are those of the base method; all
    variants are one matrix product."""
    result = result or compute(source, method, year)
    pr = result.status if part == "status" else result.dynamics
    spec = method.parts.get(part)
    if pr is None or spec is None:
        raise SozialindexError("Für diesen Teil der Methode gibt es kein Ergebnis.")
    Z = pr.standardised.to_numpy()
    w = np.array([s.weight for s in spec.active])
    k = len(w)
    rng = np.random.default_rng(seed)
    loo = np.repeat(w[:, None], k, axis=1) * (1 - np.eye(k)) if k >= 2 else np.empty((k, 0))
    random = w[:, None] * rng.uniform(1 - spread, 1 + spread, size=(k, draws))
    W = np.hstack([w[:, None], loo, random])
    S = Z @ W
    if spec.aggregation == "mean":
        S = S / W.sum(axis=0)
    if spec.restandardise:
        S = (S - S.mean(axis=0)) / S.std(axis=0, ddof=1 if spec.sd == "sample" else 0)
    ranks = _ranks(S)
    classes = _classify(S, spec.classes)
    n_loo = loo.shape[1]
    family_loo = np.r_[0, 1 : 1 + n_loo]
    family_w = np.r_[0, 1 + n_loo : W.shape[1]]
    base_rank, base_class = ranks[:, 0], classes[:, 0]
    table = pd.DataFrame(
        {
            "name": result.valid["name"].reindex(pr.score.index).to_numpy(),
            "rank": base_rank,
            "class": [spec.classes[i].label for i in base_class],
            "rank_min": ranks.min(axis=1),
            "rank_max": ranks.max(axis=1),
            "loo_rank_min": ranks[:, family_loo].min(axis=1),
            "loo_rank_max": ranks[:, family_loo].max(axis=1),
            "weights_rank_min": ranks[:, family_w].min(axis=1),
            "weights_rank_max": ranks[:, family_w].max(axis=1),
            "class_stable": (classes == base_class[:, None]).all(axis=1),
            "class_share": (classes[:, 1 + n_loo :] == base_class[:, None]).mean(axis=1) if draws else np.nan,
        },
        index=pr.score.index,
    )
    table = table.iloc[np.lexsort((np.arange(len(table)), table["rank"].to_numpy()))]
    return Robustness(
        table=table,
        draws=draws,
        spread=spread,
        seed=seed,
        part=part,
        left_out=tuple(s.id for s in spec.active) if k >= 2 else (),
    )


# --------------------------------------------------------------------------------------------
# checking against a published index
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """Computed vs. published: class agreement and the largest difference of the index values."""

    areas: pd.DataFrame  # per area: published and computed values and classes, differences
    tolerance: float
    status_classes: tuple[int, int]  # (equal, compared)
    dynamics_classes: tuple[int, int] | None
    status_max_diff: float
    dynamics_max_diff: float | None
    status_within: int  # |Δ| <= tolerance
    dynamics_within: int | None
    excluded_published: int
    excluded_computed: int
    excluded_equal: bool  # the same areas have no index on both sides

    @property
    def passed(self) -> bool:
        ok = self.status_classes[0] == self.status_classes[1] and self.status_max_diff <= self.tolerance
        if self.dynamics_classes is not None:
            ok = ok and self.dynamics_classes[0] == self.dynamics_classes[1]
            ok = ok and self.dynamics_max_diff is not None and self.dynamics_max_diff <= self.tolerance
        return ok and self.excluded_equal

    def lines(self) -> list[str]:
        t = self.tolerance
        same = "dieselben Gebiete" if self.excluded_equal else "NICHT dieselben Gebiete"
        out = [
            f"Gebiete mit veröffentlichtem Index: {self.status_classes[1]}; ohne Index: veröffentlicht "
            + f"{self.excluded_published}, berechnet {self.excluded_computed} ({same})",
            f"Statusklassen gleich:   {self.status_classes[0]}/{self.status_classes[1]}",
        ]
        if self.dynamics_classes is not None:
            out.append(f"Dynamikklassen gleich:  {self.dynamics_classes[0]}/{self.dynamics_classes[1]}")
        out.append(
            f"Statusindex:  max |Δ| = {self.status_max_diff:.7f}  "
            f"({self.status_within}/{self.status_classes[1]} mit |Δ| ≤ {t})"
        )
        if self.dynamics_max_diff is not None:
            out.append(
                f"Dynamikindex: max |Δ| = {self.dynamics_max_diff:.7f}  "
                f"({self.dynamics_within}/{self.dynamics_classes[1]} mit |Δ| ≤ {t})"
            )  # type: ignore[index]
        return out


def compare_with_published(
    result: IndexResult, published: pd.DataFrame, tolerance: float = 0.005
) -> Comparison:
    """`published`: index area_id, columns `score` and `class` (and `dynamics_score`,
    `dynamics_class` when the method has dynamics); empty class = the area has no index."""
    pub = published.copy()
    pub.index = pub.index.astype(str)
    ours = result.areas.reindex(pub.index)
    has_pub = pub["class"].notna() & (pub["class"].astype(str) != "")
    has_ours = ~ours["excluded"].fillna(True).astype(bool)
    both = has_pub & has_ours
    table = pd.DataFrame(
        {
            "name": ours["name"],
            "published_score": pub["score"],
            "score": ours["score"],
            "published_class": pub["class"],
            "class": ours["class"],
        },
        index=pub.index,
    )
    table["diff"] = (table["score"] - table["published_score"]).abs()
    status_equal = int((both & (table["class"] == table["published_class"])).sum())
    status_diff = table.loc[both, "diff"]
    dyn_classes = dyn_max = dyn_within = None
    if result.dynamics is not None and "dynamics_class" in pub.columns:
        table["published_dynamics_score"] = pub["dynamics_score"]
        table["dynamics_score"] = ours["dynamics_score"]
        table["published_dynamics_class"] = pub["dynamics_class"]
        table["dynamics_class"] = ours["dynamics_class"]
        table["dynamics_diff"] = (table["dynamics_score"] - table["published_dynamics_score"]).abs()
        dyn_classes = (
            int((both & (table["dynamics_class"] == table["published_dynamics_class"])).sum()),
            int(both.sum()),
        )
        dyn_max = float(table.loc[both, "dynamics_diff"].max())
        dyn_within = int((table.loc[both, "dynamics_diff"] <= tolerance).sum())
    return Comparison(
        areas=table,
        tolerance=tolerance,
        status_classes=(status_equal, int(both.sum())),
        dynamics_classes=dyn_classes,
        status_max_diff=float(status_diff.max()),
        dynamics_max_diff=dyn_max,
        status_within=int((status_diff <= tolerance).sum()),
        dynamics_within=dyn_within,
        excluded_published=int((~has_pub).sum()),
        excluded_computed=int((~has_ours).sum()),
        excluded_equal=bool((has_pub == has_ours).all()),
    )


# --------------------------------------------------------------------------------------------
# the method files of a package
# --------------------------------------------------------------------------------------------


def validate_methods(package: Any) -> tuple[list[str], list[MethodProblem]]:
    """Every `methods/*.toml` of a loaded package: readable, valid, and computable for the
    package's newest year. Returns (file names checked, problems)."""
    folder = Path(package.path) / METHODS_FOLDER
    files = sorted(folder.glob("*.toml")) if folder.is_dir() else []
    problems: list[MethodProblem] = []
    for file in files:
        try:
            method = load_method(file)
            compute(package, method, package.years[-1])
        except MethodError as exc:
            problems.extend(exc.problems)
        except SozialindexError as exc:
            problems.append(MethodProblem(f"{METHODS_FOLDER}/{file.name}", None, str(exc)))
    return [f"{METHODS_FOLDER}/{f.name}" for f in files], problems
