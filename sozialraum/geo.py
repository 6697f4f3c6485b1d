"""Area polygons: read a GeoJSON export, reproject if needed, check, join to areas.

Accepts the Erfurt Geoportal export as it is (properties STADTTE_ID, NAME, SHAPE_AREA):
the join property is configured in datapackage.json (`join.property`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping, shape
from shapely.validation import explain_validity

from .problems import ProblemCollector, read_json

WGS84_CODES = {"4326", "CRS84"}
COORD_DECIMALS = 5  # about 1 m: plenty for a district map, and keeps the payload small


def crs_code(collection: dict[str, Any]) -> str | None:
    """The EPSG code named in a GeoJSON 2008 `crs` member, e.g. '25832'; None if absent."""
    crs = collection.get("crs")
    if not crs:
        return None
    name = str((crs.get("properties") or {}).get("name", ""))
    if name.upper().endswith("CRS84"):
        return "CRS84"
    match = re.search(r"EPSG:{1,2}(\d+)", name, flags=re.IGNORECASE)
    return match.group(1) if match else name or "unbekannt"


def join_key(value: Any) -> str:
    """Join values compare as text; 5, 5.0 and "5" are the same key."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_geometries(path: Path, join_property: str, collector: ProblemCollector
                    ) -> dict[str, shapely.Geometry] | None:
    """Polygons in WGS84 by join key, or None if the file is unusable. Problems are reported."""
    file = path.name
    collection = read_json(path, collector)
    if collection is None:
        return None
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        collector.add(file, None, None, "Erwartet wird eine GeoJSON-FeatureCollection.")
        return None
    features = collection.get("features")
    if not isinstance(features, list):
        collector.add(file, None, None, "Die FeatureCollection hat keine Liste „features“.")
        return None

    code = crs_code(collection)
    transform = None
    if code is not None and code not in WGS84_CODES:
        try:
            from pyproj import CRS, Transformer
            source = CRS.from_epsg(int(code)) if code.isdigit() else CRS.from_user_input(code)
            transformer = Transformer.from_crs(source, "EPSG:4326", always_xy=True)
        except Exception:  # pyproj raises several types for unknown systems
            collector.add(file, None, "crs",
                          f"Koordinatensystem „{code}“ ist unbekannt; bitte in WGS84 (EPSG:4326) "
                          "oder mit einem EPSG-Code (z. B. EPSG:25832) liefern.")
            return None

        def transform(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            return transformer.transform(x, y)

    out: dict[str, shapely.Geometry] = {}
    for number, feature in enumerate(features, start=1):
        where = f"Objekt {number}"
        props = (feature or {}).get("properties") or {}
        if join_property not in props or props[join_property] in (None, ""):
            collector.add(file, None, join_property,
                          f"{where}: Eigenschaft „{join_property}“ fehlt (Verknüpfung mit den Gebieten).",
                          kind="join")
            continue
        key = join_key(props[join_property])
        where = f"Objekt {number} ({join_property}={key})"
        try:
            geom = shape(feature.get("geometry"))
        except Exception:
            collector.add(file, None, "geometry", f"{where}: Geometrie ist leer oder nicht lesbar.",
                          kind="geom")
            continue
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            collector.add(file, None, "geometry",
                          f"{where}: Geometrie ist ein {geom.geom_type}, erwartet Polygon oder MultiPolygon.",
                          kind="geomtype")
            continue
        if transform is not None:
            geom = shapely.transform(geom, lambda xy: np.column_stack(transform(xy[:, 0], xy[:, 1])))
        minx, miny, maxx, maxy = geom.bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            collector.add(file, None, "geometry",
                          f"{where}: Koordinaten liegen außerhalb von Längen-/Breitengrad (WGS84). "
                          "Ist ein anderes Koordinatensystem ohne Angabe „crs“ verwendet worden?",
                          kind="bounds")
            continue
        if not geom.is_valid:
            collector.add(file, None, "geometry",
                          f"{where}: Polygon ist ungültig ({_german_validity(explain_validity(geom))}).",
                          kind="invalid")
            continue
        if key in out:
            collector.add(file, None, join_property, f"{where}: Schlüssel kommt mehrfach vor.", kind="dupkey")
            continue
        out[key] = geom
    return out


def _german_validity(reason: str) -> str:
    translations = {
        "Self-intersection": "Selbstüberschneidung",
        "Ring Self-intersection": "Ring schneidet sich selbst",
        "Too few points": "zu wenige Punkte",
        "Interior is disconnected": "Inneres ist zerteilt",
        "Hole lies outside shell": "Loch liegt außerhalb der Außengrenze",
        "Nested shells": "verschachtelte Außengrenzen",
        "Invalid Coordinate": "ungültige Koordinate",
        "Ring is not closed": "Ring ist nicht geschlossen",
    }
    for english, german in translations.items():
        if reason.startswith(english):
            rest = reason[len(english):].strip()
            return f"{german} {rest}".strip()
    return reason


def feature_collection(geoms: dict[str, shapely.Geometry], names: dict[str, str]) -> dict[str, Any]:
    """A compact FeatureCollection with `id` = area_id, for plotly's featureidkey='id'."""
    features = []
    for area_id, geom in geoms.items():
        rounded = shapely.set_precision(geom, 10 ** -COORD_DECIMALS)
        if rounded.is_empty:  # extremely small polygons survive unrounded
            rounded = geom
        features.append({
            "type": "Feature",
            "id": area_id,
            "properties": {"area_id": area_id, "name": names.get(area_id, area_id)},
            "geometry": mapping(rounded),
        })
    return {"type": "FeatureCollection", "features": features}


def union_by_parent(geoms: dict[str, shapely.Geometry], parent_of: dict[str, str]) -> dict[str, shapely.Geometry]:
    """Dissolve child polygons into their parents' outlines."""
    groups: dict[str, list[shapely.Geometry]] = {}
    for area_id, geom in geoms.items():
        parent = parent_of.get(area_id)
        if parent:
            groups.setdefault(parent, []).append(geom)
    # a tiny buffer closes the hairline gaps that rounding leaves between neighbours
    return {parent: shapely.union_all([g.buffer(1e-7) for g in parts]).buffer(-1e-7)
            for parent, parts in groups.items()}


def bounds(geoms: dict[str, shapely.Geometry]) -> tuple[float, float, float, float]:
    return shapely.union_all(list(geoms.values())).bounds
