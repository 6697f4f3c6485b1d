"""A small, hand-checked data package for unit tests, built in code so each test can break
exactly one thing. Areas: city S with Planungsräume P1 (Ortsteile a, b) and P2 (c, d)."""

from __future__ import annotations

import copy
import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sozialraum.schema import RESOURCES_BY_NAME, datapackage_descriptor, geometry_resource


def square(x: float, y: float, size: float = 0.01) -> dict[str, Any]:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def _areas() -> list[dict[str, Any]]:
    return [
        {"area_id": "S", "name": "Musterstadt", "level": "stadt", "parent_id": ""},
        {"area_id": "P1", "name": "Nord", "level": "planungsraum", "parent_id": "S"},
        {"area_id": "P2", "name": "Süd", "level": "planungsraum", "parent_id": "S"},
        {"area_id": "a", "name": "Altdorf", "level": "ortsteil", "parent_id": "P1", "kind": "laendlich",
         "ortsteilrat": "ja", "population": "1000"},
        {"area_id": "b", "name": "Böhlitz", "level": "ortsteil", "parent_id": "P1", "kind": "grosswohnsiedlung",
         "ortsteilrat": "ja", "population": "3000"},
        {"area_id": "c", "name": "Cäcilienhöhe", "level": "ortsteil", "parent_id": "P2", "kind": "innenstadt",
         "ortsteilrat": "nein", "population": "2000"},
        {"area_id": "d", "name": "Nord", "level": "ortsteil", "parent_id": "P2", "kind": "innenstadt",
         "ortsteilrat": "nein", "population": "4000"},
    ]


def _indicators() -> list[dict[str, Any]]:
    base = {"definition": "Testdefinition.", "source": "Test", "direction": "need_higher", "decimals": "1",
            "reference_date": "31.12.", "leitlinien": "4"}
    return [
        {**base, "indicator_id": "einwohner", "name": "Einwohner", "short_name": "Einwohner", "theme": "Bevölkerung",
         "unit": "Personen", "value_type": "count", "direction": "neutral", "decimals": "0"},
        {**base, "indicator_id": "sgb2", "name": "SGB-II-Quote", "short_name": "SGB II", "theme": "Existenzsicherung",
         "unit": "%", "value_type": "share", "scale": "100", "numerator": "Personen in BG",
         "denominator": "Einwohner unter 65"},
        {**base, "indicator_id": "wohnflaeche", "name": "Wohnfläche je Einwohner", "short_name": "Wohnfläche",
         "theme": "Wohnen", "unit": "m²", "value_type": "mean", "scale": "1", "direction": "need_lower",
         "numerator": "Wohnfläche", "denominator": "Einwohner"},
        {**base, "indicator_id": "segregation", "name": "Segregationsindex", "short_name": "Segregation",
         "theme": "Existenzsicherung", "unit": "Indexpunkte", "value_type": "index", "leitlinien": "2"},
    ]


# (area, year) -> (einwohner, sgb2 numerator, sgb2 denominator, wohnflaeche numerator)
FIGURES = {
    ("a", 2020): (1000, 50, 800, 45000), ("b", 2020): (3000, 600, 2400, 90000),
    ("c", 2020): (2000, 200, 1700, 80000), ("d", 2020): (4000, 300, 3500, 170000),
    ("a", 2021): (990, 40, 790, 45000), ("b", 2021): (2950, 560, 2350, 90000),
    ("c", 2021): (2100, 190, 1800, 84000), ("d", 2021): (4100, 290, 3600, 174000),
}


def _observations() -> list[dict[str, Any]]:
    rows = []
    for (area, year), (pop, num, den, space) in FIGURES.items():
        rows.append({"area_id": area, "indicator_id": "einwohner", "year": year, "value": pop})
        rows.append({"area_id": area, "indicator_id": "sgb2", "year": year,
                     "value": round(num / den * 100, 2), "numerator": num, "denominator": den})
        rows.append({"area_id": area, "indicator_id": "wohnflaeche", "year": year,
                     "value": round(space / pop, 2), "numerator": space, "denominator": pop})
    rows.append({"area_id": "S", "indicator_id": "segregation", "year": 2020, "value": 21.5})
    rows.append({"area_id": "S", "indicator_id": "segregation", "year": 2021, "value": 20.9})
    return rows


LEITLINIEN = [
    (1, "Gesellschaftliche Teilhabe und Mitwirkung ermöglichen"),
    (2, "Vielfältige Nachbarschaften fördern und Segregation entgegenwirken"),
    (3, "Infrastruktur bedarfsgerecht gestalten"),
    (4, "Armut vermeiden"),
    (5, "Engagement und Selbsthilfe unterstützen"),
    (6, "Quartiersarbeit verstetigen"),
]


@dataclass
class PackageBuilder:
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    geojson: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    join_property: str = "area_id"
    join_field: str = "area_id"
    descriptor_override: dict[str, Any] | None = None

    @classmethod
    def valid(cls) -> PackageBuilder:
        features = [
            {"type": "Feature", "properties": {"area_id": aid}, "geometry": square(11.0 + 0.01 * i, 50.9)}
            for i, aid in enumerate("abcd")
        ]
        return cls(
            tables={
                "areas": _areas(),
                "indicators": _indicators(),
                "observations": _observations(),
                "leitlinien": [{"number": n, "title": t, "short_text": f"Kurztext {n}."} for n, t in LEITLINIEN],
                "measures": [{
                    "measure_id": "M-1", "title": "Stadtteilzentrum Böhlitz", "leitlinien": "1;4",
                    "primary_leitlinie": "4", "area_ids": "b", "status": "in_umsetzung",
                    "start": "2022-01-01", "planned_end": "2025-12-31", "progress": "40",
                    "target_indicators": "sgb2", "priority": "hoch"}],
                "milestones": [{"measure_id": "M-1", "date": "2023-06-30", "title": "Eröffnung", "done": "ja"}],
                "facilities": [{"facility_id": "F-1", "name": "Stadtteilzentrum Böhlitz", "type": "stadtteilzentrum",
                                "lat": "50.905", "lon": "11.015", "area_id": "b"}],
            },
            geojson={"type": "FeatureCollection", "features": features},
            meta={"city": "Musterstadt", "edition": "2021-12-31", "licence": "CC0", "demo": True,
                  "suppression_threshold": 3},
        )

    def copy(self) -> PackageBuilder:
        return copy.deepcopy(self)

    def row(self, table: str, **match: Any) -> dict[str, Any]:
        """The first row of `table` whose cells equal `match` (for editing in a test)."""
        for row in self.tables[table]:
            if all(str(row.get(k, "")) == str(v) for k, v in match.items()):
                return row
        raise KeyError(match)

    def line_of(self, table: str, **match: Any) -> int:
        """Editor line number (header = 1) of that row."""
        row = self.row(table, **match)
        return self.tables[table].index(row) + 2

    def write(self, path: Path) -> Path:
        path.mkdir(parents=True, exist_ok=True)
        for name, rows in self.tables.items():
            resource = RESOURCES_BY_NAME[name]
            columns = [f.name for f in resource.fields]
            extra = [c for r in rows for c in r if c not in columns]
            columns += list(dict.fromkeys(extra))
            with open(path / resource.path, "w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=columns)
                writer.writeheader()
                for row in rows:
                    writer.writerow({c: row.get(c, "") for c in columns})
        (path / "areas.geojson").write_text(json.dumps(self.geojson), encoding="utf-8")
        descriptor = self.descriptor_override or datapackage_descriptor(
            self.meta, name="test", title="Testpaket",
            geometry=geometry_resource("areas.geojson", self.join_property, self.join_field))
        (path / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
        return path
