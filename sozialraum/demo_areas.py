"""Areas of the Erfurt demo package and its schematic map (Voronoi cells).

Real public facts (name, settlement type, Ortsteilrat, area, population, coordinates) are
copied here as constants so that the package never reads anything outside the repository
at run time. Everything else (Planungsräume, map outlines) is invented for the demo.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon
from shapely.ops import unary_union

# (nr, name, kind, ortsteilrat, area_km2 or None, population, lat, lon)
# kind: innenstadt | grosswohnsiedlung | laendlich. Coordinates of Rieth, Roter Berg,
# Moskauer Platz and Wiesenhügel are estimates (no public coordinates were found).
ORTSTEILE: tuple[tuple, ...] = (
    (1, "Altstadt", "innenstadt", False, 2.44, 19171, 50.97806, 11.02917),
    (2, "Löbervorstadt", "innenstadt", False, 10.24, 11903, 50.96806, 11.03167),
    (3, "Brühlervorstadt", "innenstadt", False, 7.1, 14143, 50.97056, 10.99972),
    (4, "Andreasvorstadt", "innenstadt", False, 2.85, 16750, 50.98444, 11.01861),
    (5, "Berliner Platz", "grosswohnsiedlung", True, 0.49, 6000, 51.00361, 11.0075),
    (6, "Rieth", "grosswohnsiedlung", True, 0.72, 6285, 51.0045, 11.0215),
    (7, "Johannesvorstadt", "innenstadt", False, 3.29, 7602, 50.98778, 11.03778),
    (8, "Krämpfervorstadt", "innenstadt", False, 4.96, 17538, 50.98056, 11.04028),
    (9, "Hohenwinden", "innenstadt", False, 8.17, 1779, 51.01194, 11.03389),
    (10, "Roter Berg", "grosswohnsiedlung", True, 0.77, 5961, 51.0125, 11.0135),
    (11, "Daberstedt", "innenstadt", False, 3.5, 13458, 50.96472, 11.04639),
    (12, "Dittelstedt", "laendlich", True, 1.94, 850, 50.965, 11.07361),
    (13, "Melchendorf", "grosswohnsiedlung", True, 5.63, 10390, 50.95167, 11.07222),
    (14, "Wiesenhügel", "grosswohnsiedlung", True, 0.45, 5392, 50.9480, 11.0560),
    (15, "Herrenberg", "grosswohnsiedlung", True, 1.69, 7999, 50.95861, 11.06361),
    (16, "Hochheim", "laendlich", True, 2.84, 2849, 50.95611, 11.00056),
    (17, "Bischleben-Stedten", "laendlich", True, 6.63, 1593, 50.9325, 10.98472),
    (18, "Möbisburg-Rhoda", "laendlich", True, 8.03, 1041, 50.92778, 10.99722),
    (19, "Schmira", "laendlich", True, 7.27, 947, 50.95472, 10.9725),
    (20, "Bindersleben", "laendlich", True, 8.06, 1521, 50.97417, 10.95111),
    (21, "Marbach", "laendlich", True, 5.14, 4387, 50.99306, 10.97944),
    (22, "Gispersleben", "laendlich", True, 10.14, 4107, 51.01722, 10.99139),
    (23, "Moskauer Platz", "grosswohnsiedlung", True, 0.88, 7678, 50.9975, 11.0035),
    (24, "Ilversgehofen", "innenstadt", False, 2.74, 12344, 50.99833, 11.02528),
    (25, "Johannesplatz", "grosswohnsiedlung", True, 0.43, 5235, 50.995, 11.02972),
    (26, "Mittelhausen", "laendlich", True, 5.14, 1050, 51.04083, 11.00528),
    (27, "Stotternheim", "laendlich", True, 15.75, 3432, 51.05611, 11.04222),
    (28, "Schwerborn", "laendlich", True, 6.91, 637, 51.03722, 11.07889),
    (29, "Kerspleben", "laendlich", True, 10.43, 1738, 51.00889, 11.10194),
    (30, "Töttleben", "laendlich", True, 3.34, 306, 51.01722, 11.11639),
    (31, "Vieselbach", "laendlich", True, 7.72, 2172, 51.00111, 11.14694),
    (32, "Wallichen", "laendlich", True, 2.37, 168, 51.01139, 11.15222),
    (33, "Hochstedt", "laendlich", True, 2.97, 279, 50.98528, 11.13833),
    (34, "Azmannsdorf", "laendlich", True, None, 322, 50.98917, 11.10667),
    (35, "Linderbach", "laendlich", True, 3.12, 946, 50.97889, 11.09972),
    (36, "Büßleben", "laendlich", True, 6.86, 1253, 50.96444, 11.11056),
    (37, "Urbich", "laendlich", True, 2.58, 1113, 50.96056, 11.09472),
    (38, "Niedernissa", "laendlich", True, 3.79, 1722, 50.95028, 11.10306),
    (39, "Rohda (Haarberg)", "laendlich", True, 3.6, 251, 50.94556, 11.12778),
    (40, "Windischholzhausen", "laendlich", True, 2.26, 1914, 50.94694, 11.09139),
    (41, "Egstedt", "laendlich", True, 12.63, 516, 50.91806, 11.055),
    (42, "Waltersleben", "laendlich", True, 4.84, 427, 50.915, 11.02556),
    (43, "Molsdorf", "laendlich", True, None, 508, 50.90222, 10.96194),
    (44, "Ermstedt", "laendlich", True, None, 451, 50.96833, 10.88278),
    (45, "Gottstedt", "laendlich", True, 2.1, 195, 50.96944, 10.91083),
    (46, "Frienstedt", "laendlich", True, 7.19, 1339, 50.95556, 10.90806),
    (47, "Alach", "laendlich", True, 10.1, 990, 50.98667, 10.93167),
    (48, "Schaderode", "laendlich", True, 1.42, 274, 51.00889, 10.92417),
    (49, "Salomonsborn", "laendlich", True, 4.68, 1126, 50.99944, 10.94694),
    (50, "Töttelstädt", "laendlich", True, 10.79, 638, 51.00806, 10.88361),
    (51, "Tiefthal", "laendlich", True, 5.23, 1051, 51.02222, 10.94889),
    (52, "Kühnhausen", "laendlich", True, 3.08, 1131, 51.035, 10.97),
    (53, "Sulzer Siedlung", "laendlich", True, 0.96, 1008, 51.02583, 11.04111),
)

ESTIMATED_COORDINATES = ("Rieth", "Roter Berg", "Moskauer Platz", "Wiesenhügel")

# Invented grouping into six Planungsräume (demo only).
PLANUNGSRAEUME: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("PR1", "Planungsraum Innenstadt", (
        "Altstadt", "Löbervorstadt", "Brühlervorstadt", "Andreasvorstadt", "Johannesvorstadt",
        "Krämpfervorstadt", "Daberstedt")),
    ("PR2", "Planungsraum Nord", (
        "Berliner Platz", "Rieth", "Roter Berg", "Moskauer Platz", "Johannesplatz", "Ilversgehofen",
        "Hohenwinden", "Gispersleben", "Sulzer Siedlung", "Kühnhausen", "Mittelhausen", "Stotternheim",
        "Schwerborn")),
    ("PR3", "Planungsraum Südost", (
        "Herrenberg", "Melchendorf", "Wiesenhügel", "Dittelstedt", "Windischholzhausen", "Niedernissa",
        "Rohda (Haarberg)", "Urbich", "Büßleben", "Egstedt")),
    ("PR4", "Planungsraum Ost", (
        "Kerspleben", "Töttleben", "Vieselbach", "Wallichen", "Hochstedt", "Azmannsdorf", "Linderbach")),
    ("PR5", "Planungsraum Süd", (
        "Hochheim", "Bischleben-Stedten", "Möbisburg-Rhoda", "Molsdorf", "Waltersleben")),
    ("PR6", "Planungsraum West", (
        "Schmira", "Bindersleben", "Marbach", "Ermstedt", "Gottstedt", "Frienstedt", "Alach", "Schaderode",
        "Salomonsborn", "Töttelstädt", "Tiefthal")),
)

CITY_ID = "stadt"
CITY_NAME = "Erfurt"

# Local plane for the schematic map (km): good enough over 25 km.
KM_PER_DEG_LON = math.cos(math.radians(50.98)) * 111.32
KM_PER_DEG_LAT = 110.57


@dataclass(frozen=True)
class Ortsteil:
    area_id: str
    nr: int
    name: str
    kind: str
    ortsteilrat: bool
    area_km2: float | None
    population: int
    lat: float
    lon: float
    parent_id: str


@dataclass(frozen=True)
class Area:
    area_id: str
    name: str
    level: str
    parent_id: str
    kind: str
    ortsteilrat: bool | None
    population: int
    area_km2: float | None
    lat: float
    lon: float


def ortsteile() -> list[Ortsteil]:
    parent_by_name = {}
    for pr_id, _, names in PLANUNGSRAEUME:
        for name in names:
            assert name not in parent_by_name, f"{name} is assigned twice"
            parent_by_name[name] = pr_id
    all_names = [row[1] for row in ORTSTEILE]
    assert len(all_names) == 53 and len(set(all_names)) == 53
    assert set(parent_by_name) == set(all_names), set(parent_by_name) ^ set(all_names)
    return [Ortsteil(str(nr), nr, name, kind, rat, area, pop, lat, lon, parent_by_name[name])
            for nr, name, kind, rat, area, pop, lat, lon in ORTSTEILE]


def all_areas() -> list[Area]:
    """City, Planungsräume and Ortsteile, coarse to fine."""
    ots = ortsteile()

    def summary(area_id: str, name: str, level: str, parent: str, members: list[Ortsteil]) -> Area:
        pop = sum(o.population for o in members)
        known = [o.area_km2 for o in members if o.area_km2 is not None]
        lat = sum(o.lat * o.population for o in members) / pop
        lon = sum(o.lon * o.population for o in members) / pop
        return Area(area_id, name, level, parent, "", None, pop, round(sum(known), 2), lat, lon)

    out = [summary(CITY_ID, CITY_NAME, "stadt", "", ots)]
    for pr_id, pr_name, _ in PLANUNGSRAEUME:
        out.append(summary(pr_id, pr_name, "planungsraum", CITY_ID, [o for o in ots if o.parent_id == pr_id]))
    for o in ots:
        out.append(Area(o.area_id, o.name, "ortsteil", o.parent_id, o.kind, o.ortsteilrat, o.population,
                        o.area_km2, o.lat, o.lon))
    return out


# --------------------------------------------------------------------------------------------
# schematic map
# --------------------------------------------------------------------------------------------

UNKNOWN_AREA_RADIUS_KM = 1.3
LIMIT_FACTOR = 1.05
LIMIT_MARGIN_KM = 0.35
SMOOTH_KM = 1.5
SIMPLIFY_KM = 0.03


def _to_plane(lon: float, lat: float) -> tuple[float, float]:
    return lon * KM_PER_DEG_LON, lat * KM_PER_DEG_LAT


def _to_lonlat(coords: np.ndarray) -> np.ndarray:
    return np.column_stack([coords[:, 0] / KM_PER_DEG_LON, coords[:, 1] / KM_PER_DEG_LAT])


def _only_polygons(geom) -> Polygon | MultiPolygon:
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    flat: list[Polygon] = []
    for p in parts:
        flat.extend(p.geoms if p.geom_type == "MultiPolygon" else [p])
    return flat[0] if len(flat) == 1 else MultiPolygon(flat)


def _radius(area_km2: float | None) -> float:
    """Radius (km) of a disc with the Ortsteil's area; fallback for unknown areas."""
    if area_km2 is None:
        return UNKNOWN_AREA_RADIUS_KM
    return math.sqrt(area_km2 / math.pi)


def schematic_cells() -> dict[str, Polygon | MultiPolygon]:
    """Voronoi cells (local plane, km) clipped to an invented city outline, by area_id."""
    ots = ortsteile()
    ids = [o.area_id for o in ots]
    points = [Point(*_to_plane(o.lon, o.lat)) for o in ots]
    # each cell is limited to a disc around its point: villages keep their fields, the
    # inner city stays compact
    limits = [p.buffer(LIMIT_FACTOR * _radius(o.area_km2) + LIMIT_MARGIN_KM, quad_segs=16)
              for o, p in zip(ots, points)]

    # city outline: the union of those discs, smoothed, without holes
    outline = unary_union(limits).buffer(SMOOTH_KM, quad_segs=16).buffer(-SMOOTH_KM, quad_segs=16)
    if outline.geom_type == "MultiPolygon":
        outline = max(outline.geoms, key=lambda g: g.area)
    outline = Polygon(outline.exterior)
    assert all(outline.contains(p) for p in points)

    regions = shapely.voronoi_polygons(shapely.MultiPoint(points), extend_to=outline.buffer(5))
    voronoi = [next(g for g in regions.geoms if g.contains(p)).intersection(outline) for p in points]
    cells = {a: v.intersection(lim) for a, v, lim in zip(ids, voronoi, limits)}

    # leftovers (smoothing fill, filled holes) go to the nearest cell: a Voronoi diagram of
    # points along the cells' boundaries tells which cell is nearest
    leftover = outline.difference(unary_union(list(cells.values())))
    if not leftover.is_empty:
        seeds, owners = [], []
        for a, cell in cells.items():
            ring = cell.boundary
            for d in np.arange(0.0, ring.length, 0.1):
                seeds.append(ring.interpolate(d))
                owners.append(a)
        tiles = shapely.voronoi_polygons(shapely.MultiPoint(seeds), extend_to=outline.buffer(5))
        tree = shapely.STRtree(seeds)
        gained: dict[str, list] = {}
        for tile in tiles.geoms:
            part = tile.intersection(leftover)
            if part.is_empty or part.area < 1e-9:
                continue
            owner = owners[int(tree.query(tile, predicate="contains_properly")[0])]
            gained.setdefault(owner, []).append(part)
        for a, parts in gained.items():
            cells[a] = unary_union([cells[a], *parts]).buffer(1e-9).buffer(-1e-9)
    # a cell that fell apart keeps its main part; small crumbs join the neighbour they touch most
    for a in ids:
        cell = cells[a]
        if cell.geom_type != "Polygon":
            parts = sorted(getattr(cell, "geoms", []), key=lambda g: -g.area)
            parts = [g for g in parts if g.geom_type == "Polygon"]
            cells[a] = parts[0]
            for crumb in parts[1:]:
                shared = {b: crumb.boundary.intersection(c.boundary).length
                          for b, c in cells.items() if b != a}
                b = max(shared, key=shared.get)
                cells[b] = unary_union([cells[b], crumb])
    cells = _clean_coverage(ids, cells)
    # fewer vertices, shared edges kept shared
    simplified = shapely.coverage_simplify([cells[a] for a in ids], SIMPLIFY_KM)
    return {a: _only_polygons(g) for a, g in zip(ids, simplified)}


def _clean_coverage(ids: list[str], cells: dict[str, Any]) -> dict[str, Any]:
    """Re-node the cells so neighbours share exactly the same vertices (a valid coverage).

    Intersections computed cell by cell meet only up to floating point; polygonizing the
    noded union of all boundaries gives faces that every neighbour shares exactly.
    """
    linework = unary_union([cells[a].boundary for a in ids])
    faces = list(shapely.polygonize(list(getattr(linework, "geoms", [linework]))).geoms)
    owned: dict[str, list] = {a: [] for a in ids}
    tree_ids = ids
    for face in faces:
        overlap = [(cells[a].intersection(face).area, a) for a in tree_ids]
        area, owner = max(overlap)
        if area < 0.5 * face.area:  # a hole between cells: the neighbour with the longest border
            shared = [(face.boundary.intersection(cells[a].boundary).length, a) for a in tree_ids]
            owner = max(shared)[1]
        owned[owner].append(face)
    out = {}
    for a in ids:
        merged = unary_union(owned[a])
        if merged.geom_type != "Polygon":
            merged = max(merged.geoms, key=lambda g: g.area)
        out[a] = merged
    assert shapely.coverage_is_valid([out[a] for a in ids])
    return out


def _round_lonlat(geom) -> Polygon | MultiPolygon:
    """To WGS84 and 5 decimals; shared vertices of neighbours round to the same point."""
    rounded = shapely.transform(geom, lambda c: np.round(_to_lonlat(c), 5))
    if not rounded.is_valid:
        rounded = _only_polygons(shapely.make_valid(rounded))
    return rounded


def _coords(ring) -> list[list[float]]:
    return [[round(x, 5), round(y, 5)] for x, y in ring.coords]


def _polygon_coords(poly: Polygon) -> list[list[list[float]]]:
    exterior = poly.exterior
    if not exterior.is_ccw:  # RFC 7946: exterior rings counter-clockwise
        exterior = shapely.LinearRing(list(exterior.coords)[::-1])
    rings = [_coords(exterior)]
    for hole in poly.interiors:
        ring = hole if hole.is_ccw is False else shapely.LinearRing(list(hole.coords)[::-1])
        rings.append(_coords(ring))
    return rings


def geojson_features() -> tuple[list[dict], dict[str, float]]:
    """GeoJSON features shaped like the Erfurt Geoportal export, and cell areas (km²) by id."""
    ots = ortsteile()
    cells = schematic_cells()
    features = []
    cell_area = {}
    for o in ots:
        cell = cells[o.area_id]
        cell_area[o.area_id] = cell.area
        geom = _round_lonlat(cell)
        assert geom.is_valid, o.name
        if geom.geom_type == "Polygon":
            geometry = {"type": "Polygon", "coordinates": _polygon_coords(geom)}
        else:
            geometry = {"type": "MultiPolygon", "coordinates": [_polygon_coords(g) for g in geom.geoms]}
        features.append({
            "type": "Feature",
            "properties": {"STADTTE_ID": o.nr, "NAME": o.name, "SHAPE_AREA": round(cell.area * 1e6, 1)},
            "geometry": geometry,
        })
    return features, cell_area
