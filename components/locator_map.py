"""A small locator map for the district profile, drawn on the server as one inline SVG image:
every area of the finest level in light grey, the Planungsräume as thin darker lines, and the
profiled area with a dark hatch and a thick black outline (contrast and pattern, not colour
alone). No plotting library: nothing to load in the browser, and it prints as crisp vectors.

The alt text and the caption say in words where the area lies ("im Südosten von Erfurt").
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import quote

from dash import html

from sozialraum.package import DataPackage
from sozialraum.profile import Place

WIDTH = 320           # viewBox width; the height follows the city's shape
PAD = 6
DIRECTIONS = ("im Osten", "im Nordosten", "im Norden", "im Nordwesten", "im Westen", "im Südwesten",
              "im Süden", "im Südosten")
CENTRE_SHARE = 0.12   # closer to the city's middle than this share of its extent: "im inneren Stadtgebiet"


def _rings(geometry: dict[str, Any]) -> list[list[tuple[float, float]]]:
    kind = geometry.get("type")
    if kind == "Polygon":
        return [list(r) for r in geometry["coordinates"]]
    if kind == "MultiPolygon":
        return [list(r) for poly in geometry["coordinates"] for r in poly]
    return []


def _features(package: DataPackage, level: str) -> list[dict[str, Any]]:
    return list((package.geojson.get(level) or {}).get("features", []))


class _Projection:
    """Plate carrée scaled by cos(latitude): good enough for a city, north up."""

    def __init__(self, rings: list[list[tuple[float, float]]]):
        xs = [p[0] for r in rings for p in r]
        ys = [p[1] for r in rings for p in r]
        self.lon0, self.lon1, self.lat0, self.lat1 = min(xs), max(xs), min(ys), max(ys)
        self.k = math.cos(math.radians((self.lat0 + self.lat1) / 2))
        span_x = (self.lon1 - self.lon0) * self.k or 1e-9
        span_y = (self.lat1 - self.lat0) or 1e-9
        self.scale = (WIDTH - 2 * PAD) / span_x
        self.height = round(span_y * self.scale + 2 * PAD)

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return PAD + (lon - self.lon0) * self.k * self.scale, PAD + (self.lat1 - lat) * self.scale

    def path(self, geometry: dict[str, Any]) -> str:
        parts = []
        for ring in _rings(geometry):
            points = [self.xy(lon, lat) for lon, lat in ring]
            if len(points) >= 3:
                parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
        return "".join(parts)


def where_in_city(package: DataPackage, place: Place) -> str:
    """"im Südosten", "im inneren Stadtgebiet" (from the outlines; from the centres in areas.csv without them)."""
    finest = package.levels[-1]
    own = next((f for lv in package.levels for f in _features(package, lv) if str(f["id"]) == place.area_id), None)
    every = [p for f in _features(package, finest) for r in _rings(f["geometry"]) for p in r]
    if own is not None and every:
        pts = [p for r in _rings(own["geometry"]) for p in r]
        cx, cy = sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)
        xs, ys = [p[0] for p in every], [p[1] for p in every]
    else:
        areas = package.areas[package.areas["level"] == finest]
        lat, lon = package.areas.at[place.area_id, "lat"], package.areas.at[place.area_id, "lon"]
        if lat is None or lon is None or math.isnan(float(lat)) or areas["lat"].isna().all():
            return ""
        cx, cy = float(lon), float(lat)
        xs, ys = list(areas["lon"].dropna().astype(float)), list(areas["lat"].dropna().astype(float))
    k = math.cos(math.radians((min(ys) + max(ys)) / 2))
    mx, my = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    dx, dy = (cx - mx) * k, cy - my
    extent = max((max(xs) - min(xs)) * k, max(ys) - min(ys)) or 1
    if math.hypot(dx, dy) < CENTRE_SHARE * extent:
        return "im inneren Stadtgebiet"
    sector = int(((math.degrees(math.atan2(dy, dx)) + 360 + 22.5) % 360) // 45)
    return DIRECTIONS[sector]


def locator_svg(package: DataPackage, place: Place) -> str | None:
    """The SVG text, or None when the package has no outlines for the area's level."""
    finest = package.levels[-1]
    base = _features(package, finest)
    own_level = _features(package, place.level)
    own = next((f for f in own_level if str(f["id"]) == place.area_id), None)
    if not base or own is None:
        return None
    projection = _Projection([r for f in base for r in _rings(f["geometry"])])
    grey = "".join(projection.path(f["geometry"]) for f in base)
    middle = ""
    if "planungsraum" in package.geojson and place.level != "planungsraum" and finest != "planungsraum":
        middle = "".join(projection.path(f["geometry"]) for f in _features(package, "planungsraum"))
    mine = projection.path(own["geometry"])
    h = projection.height
    hatch = ('<pattern id="s" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
             '<rect width="6" height="6" fill="#9fb6cc"/><line x1="0" y1="0" x2="0" y2="6" stroke="#163a5a" '
             'stroke-width="3"/></pattern>')
    fill = "none" if place.is_city else "url(#s)"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {h}" width="{WIDTH}" height="{h}">'
            f"<defs>{hatch}</defs>"
            f'<path d="{grey}" fill="#e9ecef" stroke="#8d959d" stroke-width="0.6" stroke-linejoin="round"/>'
            + (f'<path d="{middle}" fill="none" stroke="#495057" stroke-width="1.2" stroke-linejoin="round"/>'
               if middle else "")
            + f'<path d="{mine}" fill="{fill}" stroke="#000" stroke-width="{3 if place.is_city else 2.5}" '
              f'stroke-linejoin="round"/></svg>')


def locator_map(package: DataPackage, place: Place) -> html.Figure | None:
    """The map as a <figure>: image with alt text, caption saying where the area lies."""
    svg = locator_svg(package, place)
    if svg is None:
        return None
    city = package.city
    if place.is_city:
        alt = f"Karte: das Stadtgebiet von {city} mit seinen {_count(package)}, die Stadtgrenze dick umrandet."
        caption = f"Das Stadtgebiet von {city} (dick umrandet) mit allen {_count(package)}."
    else:
        where = where_in_city(package, place)
        where_text = f" {where}" if where else ""
        alt = (f"Karte: {place.name} liegt{where_text} von {city}; das Gebiet ist dunkel schraffiert und "
               f"schwarz umrandet, die übrigen Gebiete sind hellgrau.")
        caption = f"Lage: {place.name} (schraffiert, schwarz umrandet) liegt{where_text} von {city}."
    notes = []
    if package.meta.get("schematic_map"):
        notes.append(" Schematische Karte, keine amtlichen Grenzen.")
    if "planungsraum" in package.geojson and place.level != "planungsraum":
        notes.append(" Dunkle Linien: Grenzen der Planungsräume.")
    return html.Figure(className="locator-map", id="steckbrief-karte", children=[
        html.Img(src="data:image/svg+xml," + quote(svg), alt=alt, className="locator-map-img"),
        html.Figcaption([caption, html.Span("".join(notes), className="text-body-secondary")],
                        className="small"),
    ])


def _count(package: DataPackage) -> str:
    from sozialraum.schema import LEVEL_LABELS_DATIVE_PLURAL

    finest = package.levels[-1]
    n = int((package.areas["level"] == finest).sum())
    return f"{n} {LEVEL_LABELS_DATIVE_PLURAL.get(finest, finest)}"
