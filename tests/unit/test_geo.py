"""Area polygons: the Erfurt Geoportal export as it is, join keys, reprojection, dissolving."""

from __future__ import annotations

import pytest
import shapely
from shapely.geometry import shape

from sozialraum import geo
from sozialraum.package import DataPackage, load_package, read_package
from sozialraum.problems import PackageError
from tests.unit.package_builder import PackageBuilder, square

NUMBERS = {"a": "1", "b": "2", "c": "3", "d": "4"}
NAMES = {"a": "Altdorf", "b": "Böhlitz", "c": "Cäcilienhöhe", "d": "Nord"}


def numbered() -> PackageBuilder:
    """The valid test package with the Ortsteile renumbered "1".."4" like Erfurt's STADTTE_ID."""
    b = PackageBuilder.valid()
    for area in b.tables["areas"]:
        area["area_id"] = NUMBERS.get(area["area_id"], area["area_id"])
    for obs in b.tables["observations"]:
        obs["area_id"] = NUMBERS.get(obs["area_id"], obs["area_id"])
    for measure in b.tables["measures"]:
        measure["area_ids"] = ";".join(NUMBERS[a] for a in measure["area_ids"].split(";"))
    for facility in b.tables["facilities"]:
        facility["area_id"] = NUMBERS[facility["area_id"]]
    b.join_property = "STADTTE_ID"
    return b


def geoportal_feature(key, name: str, geometry: dict) -> dict:
    return {"type": "Feature", "properties": {"STADTTE_ID": key, "NAME": name, "SHAPE_AREA": 1234567.89},
            "geometry": geometry}


def squares_wgs84() -> dict[str, dict]:
    return {a: square(11.0 + 0.01 * i, 50.9) for i, a in enumerate("abcd")}


def load(builder: PackageBuilder, tmp_path) -> DataPackage:
    package, problems = read_package(builder.write(tmp_path / "pkg"))
    assert problems == [], "\n".join(map(str, problems))
    return package


def polygons(package: DataPackage, level: str) -> dict[str, shapely.Geometry]:
    return {f["id"]: shape(f["geometry"]) for f in package.geojson[level]["features"]}


def test_geoportal_export_is_accepted_and_joined(tmp_path):
    b = numbered()
    b.geojson = {"type": "FeatureCollection", "features": [
        geoportal_feature(int(NUMBERS[a]), NAMES[a], g) for a, g in squares_wgs84().items()]}
    package = load(b, tmp_path)
    ortsteile = polygons(package, "ortsteil")
    assert set(ortsteile) == {"1", "2", "3", "4"}
    for a, geometry in squares_wgs84().items():
        assert shapely.normalize(ortsteile[NUMBERS[a]]).equals_exact(shapely.normalize(shape(geometry)), 1e-6), a
    names = {f["id"]: f["properties"]["name"] for f in package.geojson["ortsteil"]["features"]}
    assert names["2"] == "Böhlitz"


def test_join_keys_int_string_and_float_are_the_same(tmp_path):
    b = numbered()
    keys = {"a": 1, "b": "2", "c": 3.0, "d": " 4 "}
    b.geojson = {"type": "FeatureCollection", "features": [
        geoportal_feature(keys[a], NAMES[a], g) for a, g in squares_wgs84().items()]}
    package = load(b, tmp_path)
    assert set(polygons(package, "ortsteil")) == {"1", "2", "3", "4"}


@pytest.mark.parametrize("raw, key", [(5, "5"), ("5", "5"), (5.0, "5"), (" 5 ", "5"), (5.5, "5.5"), ("05", "05")])
def test_join_key(raw, key):
    assert geo.join_key(raw) == key


@pytest.mark.parametrize("name, code", [
    ("urn:ogc:def:crs:EPSG::25832", "25832"),
    ("EPSG:25833", "25833"),
    ("urn:ogc:def:crs:OGC:1.3:CRS84", "CRS84"),
    ("EPSG:4326", "4326"),
])
def test_crs_code(name, code):
    assert geo.crs_code({"crs": {"type": "name", "properties": {"name": name}}}) == code


def test_no_crs_member_means_wgs84():
    assert geo.crs_code({"type": "FeatureCollection", "features": []}) is None


def test_utm_export_is_reprojected_to_wgs84(tmp_path):
    b = numbered()
    corners = {"a": (642000, 5650000), "b": (644000, 5650000), "c": (642000, 5652000), "d": (644000, 5652000)}
    b.geojson = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
        "features": [geoportal_feature(int(NUMBERS[a]), NAMES[a], square(x, y, size=2000))
                     for a, (x, y) in corners.items()],
    }
    package = load(b, tmp_path)
    ortsteile = polygons(package, "ortsteil")
    assert set(ortsteile) == {"1", "2", "3", "4"}
    minx, miny, maxx, maxy = shapely.union_all(list(ortsteile.values())).bounds
    assert 10.9 <= minx < maxx <= 11.2
    assert 50.9 <= miny < maxy <= 51.1
    # 4 km × 4 km: about 0.057° of longitude and 0.036° of latitude at 51° N
    assert maxx - minx == pytest.approx(4000 / (111320 * 0.629), rel=0.05)
    assert maxy - miny == pytest.approx(4000 / 111200, rel=0.05)
    assert ortsteile["1"].centroid.x < ortsteile["2"].centroid.x  # east stays east
    assert ortsteile["1"].centroid.y < ortsteile["3"].centroid.y  # north stays north


def test_coarser_outlines_are_dissolved_from_children(tmp_path):
    package = load(PackageBuilder.valid(), tmp_path)
    ortsteile = polygons(package, "ortsteil")
    planungsraeume = polygons(package, "planungsraum")
    stadt = polygons(package, "stadt")
    assert set(planungsraeume) == {"P1", "P2"} and len(package.geojson["planungsraum"]["features"]) == 2
    assert set(stadt) == {"S"} and len(package.geojson["stadt"]["features"]) == 1
    assert planungsraeume["P1"].area == pytest.approx(ortsteile["a"].area + ortsteile["b"].area, rel=1e-3)
    assert planungsraeume["P2"].area == pytest.approx(ortsteile["c"].area + ortsteile["d"].area, rel=1e-3)
    assert stadt["S"].area == pytest.approx(sum(g.area for g in ortsteile.values()), rel=1e-3)
    # neighbouring squares dissolve into one outline, without hairline gaps
    assert planungsraeume["P1"].geom_type == "Polygon" and len(planungsraeume["P1"].interiors) == 0
    assert stadt["S"].geom_type == "Polygon"
    assert stadt["S"].bounds == pytest.approx((11.0, 50.9, 11.04, 50.91), abs=1e-5)


def test_feature_collections_are_keyed_by_area_id(tmp_path):
    package = load(PackageBuilder.valid(), tmp_path)
    for level, collection in package.geojson.items():
        assert collection["type"] == "FeatureCollection"
        for feature in collection["features"]:
            assert feature["id"] == feature["properties"]["area_id"]
            assert package.areas.at[feature["id"], "level"] == level


def test_loading_fails_without_polygons(tmp_path):
    b = PackageBuilder.valid()
    path = b.write(tmp_path / "pkg")
    (path / "areas.geojson").unlink()
    package, problems = read_package(path)
    assert package is None
    assert [(p.file, p.message) for p in problems] == [("areas.geojson", "Datei fehlt.")]
    with pytest.raises(PackageError):
        load_package(path)
