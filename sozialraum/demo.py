"""Deterministic generator of the bundled Erfurt demo data package ("Beispieldaten").

`generate(out_dir, seed)` writes every file of the package. Only the names, settlement
types, Ortsteilräte, populations, areas and coordinates of the 53 Ortsteile are real public
facts; all figures, the six Planungsräume, the map outlines, measures and facilities are
invented. Same seed, same bytes. This module must not import dash.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from .schema import (AREAS, FACILITIES, INDICATORS, LEITLINIEN, LIST_SEPARATOR, MEASURES, METHODS_FOLDER,
                     MILESTONES, OBSERVATIONS, PRESENTATIONS_FOLDER, Resource, datapackage_descriptor,
                     geometry_resource)

DEFAULT_SEED = 2024
EDITION = "2024-12-31"
YEARS = tuple(range(2012, 2025))

META: dict[str, Any] = {
    "city": "Erfurt",
    "title": "Sozialstrukturatlas Erfurt – Beispieldaten",
    "edition": EDITION,
    "licence": "Beispieldaten, frei verwendbar (CC0 1.0)",
    "demo": True,
    "schematic_map": True,
    "publisher": "Sozialraum-Monitor (generierte Beispieldaten)",
    "contact": "sozialraumplanung@erfurt.de (Beispieladresse)",
    "suppression_threshold": 3,
    "key_indicators": ["einwohner", "sgb2_quote", "kinderarmut", "anteil_65_plus", "auslaenderanteil",
                       "arbeitslosenquote", "grundsicherung_alter", "segregationsindex_sgb2"],
    "map_indicator": "sgb2_quote",
    "notes": [
        "Alle Zahlenwerte dieses Datenpakets sind mit einem Zufallsgenerator erzeugte Beispieldaten. "
        "Sie beschreiben nicht die tatsächliche Lage in Erfurt.",
        "Echt sind nur die Namen der 53 Ortsteile, ihr Siedlungstyp, ob sie einen Ortsteilrat haben, "
        "ihre Einwohnerzahl als Referenz, ihre Fläche und ihre Lagekoordinaten (aus öffentlichen Quellen, "
        "mit unterschiedlichen Stichtagen).",
        "Die Einteilung in sechs Planungsräume ist für die Beispieldaten erfunden.",
        "Die Karte ist schematisch: Die Flächen sind Voronoi-Zellen um die Lagepunkte der Ortsteile und "
        "nicht die amtlichen Ortsteilgrenzen.",
        "Die Lagekoordinaten von Rieth, Roter Berg, Moskauer Platz und Wiesenhügel wurden geschätzt.",
    ],
}


# --------------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------------

def fmt(value: Any, decimals: int | None = None) -> str:
    """One CSV cell: '' for missing, ja/nein for booleans, ';'-joined lists, fixed floats."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, (list, tuple)):
        return LIST_SEPARATOR.join(fmt(v) for v in value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if decimals is None:
            return repr(value)
        text = f"{value:.{decimals}f}"
        if text.startswith("-") and float(text) == 0:
            text = text[1:]
        return text
    return str(value)


def write_csv(path: Path, resource: Resource, rows: Iterable[dict[str, Any]]) -> int:
    """Write rows (dicts of already formatted or plain values) in the schema's column order."""
    columns = [f.name for f in resource.fields]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    n = 0
    for row in rows:
        unknown = set(row) - set(columns)
        assert not unknown, f"{resource.name}: unknown columns {unknown}"
        writer.writerow([fmt(row.get(c)) for c in columns])
        n += 1
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return n


def write_json(path: Path, data: Any) -> None:
    path.write_bytes((json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))


# --------------------------------------------------------------------------------------------
# areas and map
# --------------------------------------------------------------------------------------------

def area_rows() -> list[dict[str, Any]]:
    from .demo_areas import all_areas

    rows = []
    for a in all_areas():
        rows.append({
            "area_id": a.area_id,
            "name": a.name,
            "level": a.level,
            "parent_id": a.parent_id,
            "kind": a.kind,
            "ortsteilrat": a.ortsteilrat,
            "population": a.population,
            "area_km2": fmt(a.area_km2, 2) if a.area_km2 is not None else "",
            "lat": fmt(a.lat, 5),
            "lon": fmt(a.lon, 5),
            "slug": "",
        })
    return rows


def generate(out_dir: Path, seed: int = DEFAULT_SEED) -> None:
    """Write the complete demo package into `out_dir` (created; existing files overwritten)."""
    from . import demo_areas, demo_catalog, demo_indicators, demo_measures

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    features, cell_area_km2 = demo_areas.geojson_features()
    geojson = {"type": "FeatureCollection", "name": "Ortsteile_Erfurt_schematisch", "features": features}
    (out_dir / "areas.geojson").write_bytes(
        (json.dumps(geojson, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8"))
    write_csv(out_dir / AREAS.path, AREAS, area_rows())

    rng = np.random.default_rng(seed)
    ots = demo_areas.ortsteile()
    write_csv(out_dir / INDICATORS.path, INDICATORS, demo_indicators.indicator_rows())
    write_csv(out_dir / OBSERVATIONS.path, OBSERVATIONS,
              demo_indicators.observation_rows(ots, cell_area_km2, rng))
    write_csv(out_dir / LEITLINIEN.path, LEITLINIEN,
              [{"number": n, "title": t, "short_text": s} for n, t, s in demo_catalog.LEITLINIEN])
    measures, milestones = demo_measures.measure_rows(ots, rng)
    write_csv(out_dir / MEASURES.path, MEASURES, measures)
    write_csv(out_dir / MILESTONES.path, MILESTONES, milestones)
    write_csv(out_dir / FACILITIES.path, FACILITIES, demo_measures.facility_rows(ots, features, rng))

    descriptor = datapackage_descriptor(
        META, name="erfurt-sozialraum-beispieldaten", title=META["title"],
        geometry=geometry_resource(path="areas.geojson", join_property="STADTTE_ID", join_field="area_id"))
    write_json(out_dir / "datapackage.json", descriptor)
    # the Sozialindex demo method (docs/sozialindex.md); the preset file is its single source
    (out_dir / METHODS_FOLDER).mkdir(exist_ok=True)
    (out_dir / METHODS_FOLDER / "erfurt-demo.toml").write_bytes(
        (Path(__file__).parent / "presets" / "erfurt-demo.toml").read_bytes())
    # the example deck for the Sozialraumplanungskonferenz (sozialraum/presentations.py)
    (out_dir / PRESENTATIONS_FOLDER).mkdir(exist_ok=True)
    (out_dir / PRESENTATIONS_FOLDER / "konferenz.toml").write_bytes(
        (Path(__file__).parent / "presets" / "presentations" / "konferenz.toml").read_bytes())
