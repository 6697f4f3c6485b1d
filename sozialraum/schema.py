"""The canonical schema of a data package ("Datenpaket").

This module is the single source of truth for the format: the validator checks files
against it, the demo generator writes `datapackage.json` from it, and
`docs/data-format.md` describes it for people. Field types follow the Frictionless
Table Schema vocabulary (string, integer, number, boolean, date, year, list).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

AREA_LEVELS = ("stadt", "planungsraum", "ortsteil", "quartier")
"""Area levels from coarsest to finest. A parent is always on a coarser level."""

LEVEL_LABELS = {
    "stadt": "Stadt",
    "planungsraum": "Planungsraum",
    "ortsteil": "Ortsteil",
    "quartier": "Quartier",
}
LEVEL_LABELS_DATIVE_PLURAL = {  # "nach Ortsteilen"
    "stadt": "Stadt",
    "planungsraum": "Planungsräumen",
    "ortsteil": "Ortsteilen",
    "quartier": "Quartieren",
}
LEVEL_LABELS_PLURAL = {
    "stadt": "Stadt",
    "planungsraum": "Planungsräume",
    "ortsteil": "Ortsteile",
    "quartier": "Quartiere",
}

AREA_KINDS = ("innenstadt", "grosswohnsiedlung", "laendlich")
AREA_KIND_LABELS = {
    "innenstadt": "Innenstadt",
    "grosswohnsiedlung": "Großwohnsiedlung",
    "laendlich": "ländlich",
}

VALUE_TYPES = ("count", "share", "rate", "mean", "index")
"""How an indicator's value is built and aggregated.

count  -- a number of people/cases; coarser levels are sums.
share  -- numerator / denominator * 100 (per cent, 0-100).
rate   -- numerator / denominator * scale (e.g. per 1,000 residents).
mean   -- numerator / denominator (e.g. living space per resident, m²).
index  -- not aggregatable; every level needs explicit values (e.g. a segregation index).
"""

VALUE_TYPE_LABELS = {
    "count": "Anzahl",
    "share": "Anteil",
    "rate": "Quote",
    "mean": "Durchschnitt",
    "index": "Index",
}

DIRECTIONS = ("need_higher", "need_lower", "neutral")
DIRECTION_LABELS = {
    "need_higher": "höherer Wert = mehr Handlungsbedarf",
    "need_lower": "höherer Wert = weniger Handlungsbedarf",
    "neutral": "keine Bewertung (beschreibend)",
}

MEASURE_STATUSES = (
    "geplant",
    "in_vorbereitung",
    "in_umsetzung",
    "umgesetzt",
    "verstetigt",
    "zurueckgestellt",
    "abgebrochen",
)
MEASURE_STATUS_LABELS = {
    "geplant": "geplant",
    "in_vorbereitung": "in Vorbereitung",
    "in_umsetzung": "in Umsetzung",
    "umgesetzt": "umgesetzt",
    "verstetigt": "verstetigt",
    "zurueckgestellt": "zurückgestellt",
    "abgebrochen": "abgebrochen",
}
MEASURE_PRIORITIES = ("hoch", "mittel", "niedrig")

FACILITY_TYPES = (
    "stadtteilzentrum",
    "qsa",
    "beratung",
    "familienzentrum",
    "jugend",
    "senioren",
    "kita",
    "schule",
    "bibliothek",
    "gesundheit",
)
FACILITY_TYPE_LABELS = {
    "stadtteilzentrum": "Stadtteilzentrum",
    "qsa": "Quartiers- und Sozialraumarbeit (QSA)",
    "beratung": "Beratungsstelle",
    "familienzentrum": "Familienzentrum",
    "jugend": "Jugendeinrichtung",
    "senioren": "Seniorenbegegnung",
    "kita": "Kindertageseinrichtung",
    "schule": "Schule",
    "bibliothek": "Bibliothek",
    "gesundheit": "Gesundheitsangebot",
}

LIST_SEPARATOR = ";"
"""Separator inside list cells, e.g. `leitlinien` = "1;4"."""

YEAR_MIN = 1990
"""Earliest year accepted in observations; the latest is the edition's year."""


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # string | integer | number | boolean | date | year | list
    title: str  # German title, used in validation messages and docs
    description: str
    required: bool = False  # the column must exist and every cell must be filled
    column_required: bool = True  # the column must exist (cells may be empty)
    unique: bool = False
    enum: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    pattern: str | None = None

    def to_frictionless(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "type": "string" if self.type == "list" else self.type,
            "title": self.title,
            "description": self.description,
        }
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.unique:
            constraints["unique"] = True
        if self.enum:
            constraints["enum"] = list(self.enum)
        if self.minimum is not None:
            constraints["minimum"] = self.minimum
        if self.maximum is not None:
            constraints["maximum"] = self.maximum
        if self.max_length is not None:
            constraints["maxLength"] = self.max_length
        if self.pattern is not None:
            constraints["pattern"] = self.pattern
        if constraints:
            out["constraints"] = constraints
        if self.type == "list":
            out["format"] = f"Liste, getrennt durch '{LIST_SEPARATOR}'"
        return out


@dataclass(frozen=True)
class Resource:
    name: str
    path: str
    title: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...] = ()
    required: bool = True
    description: str = ""
    foreign_keys: tuple[tuple[str, str, str], ...] = field(default=())
    """(field, other resource, other field)."""

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def to_frictionless(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"fields": [f.to_frictionless() for f in self.fields]}
        if self.primary_key:
            schema["primaryKey"] = list(self.primary_key)
        if self.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": f, "reference": {"resource": r, "fields": rf}}
                for f, r, rf in self.foreign_keys
            ]
        return {
            "name": self.name,
            "path": self.path,
            "title": self.title,
            "description": self.description,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": schema,
        }


ID_PATTERN = r"^[A-Za-z0-9_.\-]{1,64}$"

AREAS = Resource(
    name="areas",
    path="areas.csv",
    title="Gebiete",
    description="Alle Gebiete aller Ebenen (Stadt, Planungsräume, Ortsteile) mit ihrer Hierarchie.",
    primary_key=("area_id",),
    foreign_keys=(("parent_id", "areas", "area_id"),),
    fields=(
        Field("area_id", "string", "Gebiets-ID", "Stabile Kennung des Gebiets.", required=True,
              unique=True, pattern=ID_PATTERN),
        Field("name", "string", "Name", "Amtlicher Name des Gebiets.", required=True, max_length=120),
        Field("level", "string", "Ebene", "Gebietsebene.", required=True, enum=AREA_LEVELS),
        Field("parent_id", "string", "übergeordnetes Gebiet",
              "ID des Gebiets der nächstgröberen Ebene; leer nur für die Stadt."),
        Field("kind", "string", "Siedlungstyp", "Siedlungsstrukturtyp (nur Ortsteile).",
              enum=AREA_KINDS, column_required=False),
        Field("ortsteilrat", "boolean", "Ortsteilrat",
              "Hat das Gebiet einen gewählten Ortsteilrat? (ja/nein)", column_required=False),
        Field("population", "integer", "Einwohner (Referenz)",
              "Einwohnerzahl als Referenz für Steckbriefe; die Zeitreihe steht in observations.csv.",
              minimum=0, column_required=False),
        Field("area_km2", "number", "Fläche (km²)", "Fläche in Quadratkilometern.", minimum=0,
              column_required=False),
        Field("lat", "number", "Breitengrad", "Bezugspunkt (WGS84).", minimum=-90, maximum=90,
              column_required=False),
        Field("lon", "number", "Längengrad", "Bezugspunkt (WGS84).", minimum=-180, maximum=180,
              column_required=False),
        Field("slug", "string", "URL-Kürzel",
              "Optional. Leer: wird aus dem Namen abgeleitet (z. B. kraempfervorstadt).",
              pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", unique=True, column_required=False),
    ),
)

INDICATORS = Resource(
    name="indicators",
    path="indicators.csv",
    title="Indikatoren",
    description="Der Indikatorenkatalog: Definition, Einheit, Richtung, Quelle.",
    primary_key=("indicator_id",),
    fields=(
        Field("indicator_id", "string", "Indikator-ID", "Stabile Kennung (Kleinbuchstaben, Ziffern, _).",
              required=True, unique=True, pattern=r"^[a-z0-9_]{1,64}$"),
        Field("name", "string", "Name", "Vollständiger deutscher Name.", required=True, max_length=160),
        Field("short_name", "string", "Kurzname", "Kurzer Name für Achsen und Legenden.",
              required=True, max_length=60),
        Field("theme", "string", "Themenfeld", "Themenfeld des Sozialstrukturatlas.", required=True),
        Field("unit", "string", "Einheit", "Einheit, z. B. %, je 1.000 Einw., m², Personen.",
              required=True),
        Field("value_type", "string", "Werttyp",
              "count, share, rate, mean oder index (bestimmt Prüfung und Zusammenfassung).",
              required=True, enum=VALUE_TYPES),
        Field("scale", "number", "Skalierung",
              "Faktor für Zähler/Nenner: 100 bei Anteilen, 1000 je 1.000, 1 bei Mittelwerten.",
              minimum=0),
        Field("definition", "string", "Definition", "Was genau gemessen wird.", required=True),
        Field("numerator", "string", "Zähler", "Beschreibung des Zählers."),
        Field("denominator", "string", "Nenner", "Beschreibung des Nenners."),
        Field("direction", "string", "Richtung", "Bedeutung eines höheren Werts.", required=True,
              enum=DIRECTIONS),
        Field("source", "string", "Quelle", "Datenquelle.", required=True),
        Field("reference_date", "string", "Stichtag", "Stichtag im Jahr, z. B. 31.12.",
              pattern=r"^(0[1-9]|[12][0-9]|3[01])\.(0[1-9]|1[0-2])\.$"),
        Field("leitlinien", "list", "Leitlinien", "Nummern der Leitlinien (1-6), zu denen er Auskunft gibt."),
        Field("decimals", "integer", "Nachkommastellen", "Nachkommastellen in der Anzeige.",
              minimum=0, maximum=4),
        Field("suppression_threshold", "integer", "Geheimhaltungsschwelle",
              "Fallzahlen unter diesem Wert werden nicht gezeigt; leer: Schwelle des Pakets.",
              minimum=0),
        Field("note", "string", "Hinweis", "Fußnote, z. B. zu Definitionsänderungen.",
              column_required=False),
    ),
)

OBSERVATIONS = Resource(
    name="observations",
    path="observations.csv",
    title="Beobachtungen",
    description=(
        "Werte im Langformat: eine Zeile je Gebiet, Indikator und Jahr. Werte gröberer Ebenen "
        "werden aus Zählern und Nennern berechnet, wenn sie nicht ausdrücklich geliefert werden."
    ),
    primary_key=("area_id", "indicator_id", "year"),
    foreign_keys=(("area_id", "areas", "area_id"), ("indicator_id", "indicators", "indicator_id")),
    fields=(
        Field("area_id", "string", "Gebiets-ID", "Gebiet.", required=True),
        Field("indicator_id", "string", "Indikator-ID", "Indikator.", required=True),
        Field("year", "year", "Jahr", "Berichtsjahr (Stichtag im Jahr, siehe Indikator).", required=True),
        Field("value", "number", "Wert", "Der Wert; leer = fehlt oder wird aus Zähler/Nenner berechnet."),
        Field("numerator", "number", "Zähler", "Zähler (Fallzahl) bei Anteilen, Quoten, Mittelwerten.",
              minimum=0),
        Field("denominator", "number", "Nenner", "Nenner (Bezugsgröße).", minimum=0),
        Field("note", "string", "Fußnote", "Hinweis zu diesem Wert.", column_required=False),
    ),
)

LEITLINIEN = Resource(
    name="leitlinien",
    path="leitlinien.csv",
    title="Sozialpolitische Leitlinien",
    primary_key=("number",),
    fields=(
        Field("number", "integer", "Nummer", "Nummer der Leitlinie (1-6).", required=True, unique=True,
              minimum=1, maximum=6),
        Field("title", "string", "Titel", "Titel der Leitlinie.", required=True, max_length=120),
        Field("short_text", "string", "Kurztext", "Kurze Erläuterung in eigenen Worten.", required=True),
    ),
)

MEASURES = Resource(
    name="measures",
    path="measures.csv",
    title="Maßnahmen",
    description="Maßnahmen des Integrierten Sozialraumplans (Startbestand für die Maßnahmen-Datenbank).",
    primary_key=("measure_id",),
    fields=(
        Field("measure_id", "string", "Maßnahmen-ID", "Stabile Kennung, z. B. M-2023-014.", required=True,
              unique=True, pattern=ID_PATTERN),
        Field("title", "string", "Titel", "Kurzer Titel.", required=True, max_length=200),
        Field("description", "string", "Beschreibung", "Beschreibung (Markdown ohne HTML).",
              max_length=5000),
        Field("leitlinien", "list", "Leitlinien", "Nummern der Leitlinien (1-6).", required=True),
        Field("primary_leitlinie", "integer", "Haupt-Leitlinie", "Die Leitlinie, der sie vor allem dient.",
              required=True, minimum=1, maximum=6),
        Field("area_ids", "list", "Gebiete", "Gebiets-IDs; leer = gesamtstädtisch."),
        Field("responsible", "string", "Federführung", "Federführendes Amt.", max_length=200),
        Field("traeger", "string", "Träger", "Freier Träger, falls beauftragt.", max_length=200),
        Field("partners", "string", "Partner", "Weitere Beteiligte.", max_length=500),
        Field("status", "string", "Status", "Umsetzungsstand.", required=True, enum=MEASURE_STATUSES),
        Field("start", "date", "Beginn", "Beginn (JJJJ-MM-TT)."),
        Field("planned_end", "date", "geplantes Ende", "Geplantes Ende (JJJJ-MM-TT)."),
        Field("actual_end", "date", "tatsächliches Ende", "Tatsächliches Ende (JJJJ-MM-TT)."),
        Field("progress", "integer", "Fortschritt (%)", "Fortschritt in Prozent.", minimum=0, maximum=100),
        Field("budget_planned", "number", "Budget geplant (EUR)", "Geplantes Budget in Euro.", minimum=0),
        Field("budget_spent", "number", "Budget verausgabt (EUR)", "Verausgabte Mittel in Euro.", minimum=0),
        Field("funding", "string", "Finanzierung", "Finanzierungsquelle.", max_length=200),
        Field("target_indicators", "list", "Zielindikatoren", "Indikator-IDs, die die Maßnahme bewegen soll."),
        Field("priority", "string", "Priorität", "Priorität des Begleitgremiums.", enum=MEASURE_PRIORITIES),
        Field("source", "string", "Quelle", "Fortschreibung des Integrierten Sozialraumplans."),
        Field("last_change", "date", "letzte Änderung", "Datum der letzten Änderung."),
    ),
)

MILESTONES = Resource(
    name="milestones",
    path="milestones.csv",
    title="Meilensteine",
    required=False,
    primary_key=("measure_id", "date", "title"),
    foreign_keys=(("measure_id", "measures", "measure_id"),),
    fields=(
        Field("measure_id", "string", "Maßnahmen-ID", "Maßnahme.", required=True),
        Field("date", "date", "Datum", "Datum des Meilensteins.", required=True),
        Field("title", "string", "Titel", "Was erreicht wird.", required=True, max_length=200),
        Field("done", "boolean", "erreicht", "Ist der Meilenstein erreicht? (ja/nein)", required=True),
    ),
)

FACILITIES = Resource(
    name="facilities",
    path="facilities.csv",
    title="Einrichtungen",
    primary_key=("facility_id",),
    foreign_keys=(("area_id", "areas", "area_id"),),
    fields=(
        Field("facility_id", "string", "Einrichtungs-ID", "Stabile Kennung.", required=True, unique=True,
              pattern=ID_PATTERN),
        Field("name", "string", "Name", "Name der Einrichtung.", required=True, max_length=200),
        Field("type", "string", "Art", "Art der Einrichtung.", required=True, enum=FACILITY_TYPES),
        Field("operator", "string", "Träger", "Betreiber bzw. Träger.", max_length=200),
        Field("address", "string", "Adresse", "Anschrift.", max_length=200),
        Field("lat", "number", "Breitengrad", "WGS84.", required=True, minimum=-90, maximum=90),
        Field("lon", "number", "Längengrad", "WGS84.", required=True, minimum=-180, maximum=180),
        Field("area_id", "string", "Gebiets-ID", "Gebiet, in dem sie liegt.", required=True),
        Field("leitlinien", "list", "Leitlinien", "Leitlinien, denen sie dient.", column_required=False),
    ),
)

TABLE_RESOURCES: tuple[Resource, ...] = (
    AREAS, INDICATORS, OBSERVATIONS, LEITLINIEN, MEASURES, MILESTONES, FACILITIES,
)
RESOURCES_BY_NAME = {r.name: r for r in TABLE_RESOURCES}

GEOMETRY_RESOURCE_NAME = "geometry"
GEOMETRY_DEFAULT_PATH = "areas.geojson"
GEOMETRY_DEFAULT_JOIN_PROPERTY = "area_id"

META_KEYS_REQUIRED = ("city", "edition", "licence", "demo")
"""Keys of `meta` in datapackage.json.

city     -- name of the city, e.g. "Erfurt"
edition  -- the data edition ("Stand") as an ISO date, e.g. "2024-12-31"
licence  -- licence text shown in the footer, e.g. "Datenlizenz Deutschland – Namensnennung – 2.0"
demo     -- true when the figures are generated example data ("Beispieldaten")
Optional: publisher, contact (feedback address shown in the Erklärung zur Barrierefreiheit),
title, suppression_threshold (default 3), schematic_map (bool), notes (list of strings shown on
the Methodik page).
"""

DEFAULT_SUPPRESSION_THRESHOLD = 3

METHODS_FOLDER = "methods"
"""Optional folder of a package with Sozialindex method files (`*.toml`, docs/sozialindex.md).
Not a Frictionless resource; found by convention, checked by `python -m sozialraum validate`."""

PRESENTATIONS_FOLDER = "presentations"
"""Optional folder of a package with presentation decks (`*.toml`, sozialraum/presentations.py);
found by convention like `methods/`."""


def geometry_resource(path: str = GEOMETRY_DEFAULT_PATH,
                      join_property: str = GEOMETRY_DEFAULT_JOIN_PROPERTY,
                      join_field: str = "area_id") -> dict[str, Any]:
    """The datapackage.json entry for the area polygons."""
    return {
        "name": GEOMETRY_RESOURCE_NAME,
        "path": path,
        "title": "Gebietsgrenzen",
        "description": (
            "GeoJSON FeatureCollection mit Polygonen in WGS84 (EPSG:4326). Eine Angabe 'crs' "
            "mit einem anderen System (z. B. EPSG:25832) wird beim Laden umgerechnet."
        ),
        "format": "geojson",
        "mediatype": "application/geo+json",
        "join": {"property": join_property, "field": join_field},
    }


def datapackage_descriptor(meta: dict[str, Any], *, name: str, title: str,
                           geometry: dict[str, Any] | None = None,
                           include_optional: tuple[str, ...] = ("milestones",)) -> dict[str, Any]:
    """Build a complete datapackage.json descriptor from the canonical schema."""
    resources = [
        r.to_frictionless() for r in TABLE_RESOURCES if r.required or r.name in include_optional
    ]
    resources.insert(1, geometry or geometry_resource())
    return {
        "profile": "data-package",
        "name": name,
        "title": title,
        "meta": meta,
        "resources": resources,
    }
