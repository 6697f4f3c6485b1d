"""Load a data package: read, validate everything, then build the in-memory model.

Nothing is half-loaded: `load_package` either returns a complete, valid `DataPackage` or
raises `PackageError` with every problem found. The returned object is read-only data.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from . import aggregation, geo, validation
from .problems import PackageError, Problem, ProblemCollector, read_json
from .schema import (AREA_LEVELS, DEFAULT_SUPPRESSION_THRESHOLD, GEOMETRY_DEFAULT_JOIN_PROPERTY,
                     GEOMETRY_DEFAULT_PATH, GEOMETRY_RESOURCE_NAME, META_KEYS_REQUIRED,
                     METHODS_FOLDER, PRESENTATIONS_FOLDER, TABLE_RESOURCES)
from .tables import read_table

DESCRIPTOR = "datapackage.json"


@dataclass(frozen=True)
class DataPackage:
    path: Path
    fingerprint: str
    meta: dict[str, Any]
    edition: date
    areas: pd.DataFrame          # index area_id
    indicators: pd.DataFrame     # index indicator_id
    observations: pd.DataFrame   # all levels; confidential cells already emptied
    leitlinien: pd.DataFrame     # index number (int)
    measures: pd.DataFrame
    milestones: pd.DataFrame
    facilities: pd.DataFrame
    geojson: dict[str, dict[str, Any]] = field(repr=False)  # level -> FeatureCollection (id = area_id)
    levels: tuple[str, ...] = ()  # coarse to fine, as present

    @property
    def city(self) -> str:
        return str(self.meta.get("city", ""))

    @property
    def title(self) -> str:
        return str(self.meta.get("title") or f"Sozialstrukturatlas {self.city}")

    @property
    def is_demo(self) -> bool:
        return bool(self.meta.get("demo"))

    @property
    def suppression_threshold(self) -> int:
        return _threshold(self.meta)

    @property
    def city_id(self) -> str:
        return str(self.areas.index[self.areas["level"] == "stadt"][0])

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.observations["year"].dropna().unique())

    @cached_property
    def cells(self) -> dict[tuple[str, int, str], Any]:
        """(indicator_id, year, level) -> row positions in `observations`. Every view asks for
        one such slice; looking it up beats scanning all rows (28 k in Erfurt, millions in a
        big city). Built on first use, once per process (a frozen dataclass still has a
        __dict__, which cached_property writes to directly)."""
        obs = self.observations  # grouped on the categorical columns as they are: no 3-million-row astype
        groups = obs.groupby(["indicator_id", "year", "level"], sort=False, observed=True).indices
        return {(str(i), int(y), str(lv)): pos for (i, y, lv), pos in groups.items()}

    @cached_property
    def area_frames(self) -> dict[str, pd.DataFrame]:
        """level -> area_id, name, slug, parent (name of the parent area), kind (German label),
        in areas.csv order: the skeleton every per-area view fills with values."""
        from .schema import AREA_KIND_LABELS

        areas = self.areas
        names = areas["name"].astype(str)
        out = {}
        for level in self.levels:
            part = areas[areas["level"] == level]
            # plain Python strings (object dtype): pandas' Arrow strings iterate and `isin` through
            # a Python loop, which cost ~60 ms per view on 5,000 areas
            out[level] = pd.DataFrame({
                "area_id": part.index.astype(str).to_numpy(dtype=object),
                "name": part["name"].astype(str).to_numpy(dtype=object),
                "slug": part["slug"].astype(str).to_numpy(dtype=object),
                "parent": part["parent_id"].map(names).fillna("").astype(str).to_numpy(dtype=object),
                "kind": part["kind"].map(AREA_KIND_LABELS).fillna("").astype(str).to_numpy(dtype=object),
            }, dtype=object)
        return out

    @cached_property
    def coverage(self) -> dict[tuple[str, str], list[int]]:
        """(indicator_id, level) -> years with at least one value or suppressed cell."""
        obs = self.observations
        shown = obs[obs["value"].notna() | obs["suppressed"]]
        groups = shown.groupby(["indicator_id", "level"], observed=True)["year"].unique()
        return {(str(i), str(lv)): sorted(int(y) for y in years) for (i, lv), years in groups.items()}

    @cached_property
    def city_cells(self) -> dict[tuple[str, int], tuple[float, bool]]:
        """(indicator_id, year) -> (value, suppressed) of the whole city, the reference of every chart."""
        obs = self.observations
        rows = obs[obs["level"] == "stadt"]
        rows = rows[rows["area_id"].astype(str) == self.city_id]
        return {(str(i), int(y)): (float(v), bool(h)) for i, y, v, h in
                zip(rows["indicator_id"], rows["year"], rows["value"].astype("float64"), rows["suppressed"])}

    @cached_property
    def area_lookup(self) -> dict[str, str]:
        """slug or area id -> area id (URLs name areas by slug; ids are accepted too)."""
        lookup = {str(a): str(a) for a in self.areas.index}
        lookup.update({str(s): str(a) for a, s in self.areas["slug"].items()})
        return lookup

    def cell_rows(self, indicator_id: str, year: int, level: str) -> pd.DataFrame:
        positions = self.cells.get((indicator_id, int(year), level))
        return self.observations.iloc[positions] if positions is not None else self.observations.iloc[0:0]


def _threshold(meta: dict[str, Any]) -> int:
    """The package's Geheimhaltungsschwelle; 0 is a valid setting (nothing suppressed)."""
    value = meta.get("suppression_threshold")
    return DEFAULT_SUPPRESSION_THRESHOLD if value is None else int(value)


def fingerprint(path: Path) -> str:
    """Changes whenever a file of the package changes, including the Sozialindex method files
    in `methods/` and the decks in `presentations/` (pages cache by it); used as cache key."""
    digest = hashlib.sha256()
    files = [p for p in path.iterdir() if p.is_file()]
    for folder in (path / METHODS_FOLDER, path / PRESENTATIONS_FOLDER):
        if folder.is_dir():
            files += [p for p in folder.iterdir() if p.is_file()]
    for file in sorted(files):
        stat = file.stat()
        digest.update(f"{file.relative_to(path).as_posix()}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:16]


_TRANSLITERATE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})


def slugify(name: str) -> str:
    text = name.translate(_TRANSLITERATE)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "gebiet"


def derive_slugs(areas: pd.DataFrame) -> pd.Series:
    """Stable, unique URL slugs. Finer levels are served first so Ortsteile keep the plain
    name (`/ortsteil/melchendorf`); a clash gets the level, then the id appended."""
    rank = {level: i for i, level in enumerate(AREA_LEVELS)}
    order = sorted(areas.index, key=lambda a: (-rank[areas.at[a, "level"]], str(a)))
    taken: set[str] = set()
    out: dict[str, str] = {}
    for area in order:
        given = areas.at[area, "slug"] if "slug" in areas.columns else None
        given = given if isinstance(given, str) and given else None  # empty cells may be None or NaN
        base = given or slugify(str(areas.at[area, "name"]))
        slug = base
        if slug in taken and not given:
            slug = f"{base}-{areas.at[area, 'level']}"
        if slug in taken:
            slug = f"{base}-{slugify(str(area))}"
        number = 2
        while slug in taken:  # ids like "B" and "b" slugify alike
            slug = f"{base}-{slugify(str(area))}-{number}"
            number += 1
        taken.add(slug)
        out[area] = slug
    return pd.Series(out).reindex(areas.index)


def _read_descriptor(path: Path, collector: ProblemCollector) -> dict[str, Any] | None:
    file = path / DESCRIPTOR
    if not path.is_dir():
        collector.add(str(path), None, None, "Ordner des Datenpakets gibt es nicht.")
        return None
    descriptor = read_json(file, collector, "Datei fehlt: jedes Datenpaket braucht eine datapackage.json.")
    if descriptor is None:
        return None
    if not isinstance(descriptor, dict):
        collector.add(DESCRIPTOR, None, None, "Erwartet wird ein JSON-Objekt.")
        return None
    meta = descriptor.get("meta")
    if not isinstance(meta, dict):
        collector.add(DESCRIPTOR, None, "meta", "Angaben „meta“ fehlen (Stadt, Stand, Lizenz, demo).")
        return None
    for key in META_KEYS_REQUIRED:
        if key not in meta or meta[key] in (None, ""):
            collector.add(DESCRIPTOR, None, f"meta.{key}", "Angabe fehlt.")
    if "edition" in meta and validation.edition_date(meta["edition"]) is None:
        collector.add(DESCRIPTOR, None, "meta.edition",
                      f"„{meta['edition']}“ ist kein Datum der Form JJJJ-MM-TT (Stand der Daten).")
    if "demo" in meta and not isinstance(meta["demo"], bool):
        collector.add(DESCRIPTOR, None, "meta.demo", "Erwartet wird true oder false.")
    threshold = meta.get("suppression_threshold")
    if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, (int, float))
                                  or not float(threshold).is_integer() or threshold < 0):
        collector.add(DESCRIPTOR, None, "meta.suppression_threshold",
                      f"„{threshold}“ ist keine ganze Zahl ab 0 (Geheimhaltungsschwelle).")
    if not isinstance(descriptor.get("resources", []), list):
        collector.add(DESCRIPTOR, None, "resources", "Erwartet wird eine Liste.")
        return None
    return descriptor


def read_package(path: Path | str) -> tuple[DataPackage | None, list[Problem]]:
    """Read and validate; returns (package, []) or (None, problems)."""
    path = Path(path)
    collector = ProblemCollector()
    descriptor = _read_descriptor(path, collector)
    if descriptor is None:
        return None, collector.finish()
    declared = {r.get("name"): r for r in descriptor.get("resources", []) if isinstance(r, dict)}

    frames: dict[str, pd.DataFrame | None] = {}
    for resource in TABLE_RESOURCES:
        entry = declared.get(resource.name)
        file = path / str((entry or {}).get("path") or resource.path)
        if not file.exists():
            if resource.required:
                collector.add(file.name, None, None, f"Datei fehlt ({resource.title}).")
            frames[resource.name] = None if resource.required else _empty(resource)
            continue
        frames[resource.name] = read_table(file, resource, collector)

    geometry = declared.get(GEOMETRY_RESOURCE_NAME) or {}
    join = geometry.get("join") or {}
    geo_path = path / str(geometry.get("path") or GEOMETRY_DEFAULT_PATH)
    join_property = str(join.get("property") or GEOMETRY_DEFAULT_JOIN_PROPERTY)
    join_field = str(join.get("field") or "area_id")
    geoms = geo.read_geometries(geo_path, join_property, collector)

    areas, indicators, obs = frames["areas"], frames["indicators"], frames["observations"]
    meta = descriptor["meta"]
    edition = validation.edition_date(meta.get("edition"))
    if areas is not None:
        validation.check_areas(areas, collector)
        if join_field not in areas.columns:
            collector.add("areas.csv", 1, join_field,
                          f"Spalte „{join_field}“ für die Verknüpfung mit {geo_path.name} fehlt.")
    if indicators is not None:
        validation.check_indicators(indicators, collector)
    area_ids = set(areas["area_id"].dropna()) if areas is not None else set()
    indicator_ids = set(indicators["indicator_id"].dropna()) if indicators is not None else set()
    levels: tuple[str, ...] = ()  # coarse to fine, as present
    if areas is not None:
        levels = tuple(level for level in AREA_LEVELS if (areas["level"] == level).any())
    if obs is not None and indicators is not None and areas is not None and edition is not None:
        finest_ids = set(areas.loc[areas["level"] == levels[-1], "area_id"]) if levels else None
        validation.check_observations(obs, indicators.set_index("indicator_id"), area_ids,
                                      edition.year, collector, finest_ids)
    if frames["measures"] is not None and areas is not None and indicators is not None:
        validation.check_measures(frames["measures"], area_ids, indicator_ids, collector)
    if frames["milestones"] is not None and frames["measures"] is not None:
        validation.check_references(frames["milestones"], "measure_id", set(frames["measures"]["measure_id"]),
                                    "milestones.csv", "Maßnahme", "measures.csv", collector)
    if frames["facilities"] is not None and areas is not None:
        validation.check_references(frames["facilities"], "area_id", area_ids, "facilities.csv", "Gebiet",
                                    "areas.csv", collector)
    if geoms is not None and areas is not None and join_field in areas.columns and levels:
        join_values = areas[join_field].map(lambda v: None if v is None or pd.isna(v) else geo.join_key(v))
        validation.check_geometry_join(areas, join_values, geoms, geo_path.name, join_field, levels[-1],
                                       collector)

    if collector or any(frames[r.name] is None for r in TABLE_RESOURCES) or geoms is None:
        return None, collector.finish()
    assert areas is not None and indicators is not None and obs is not None and edition is not None
    return _build(path, meta, edition, frames, geoms, join_field, levels), []


def _empty(resource) -> pd.DataFrame:
    return pd.DataFrame({f.name: pd.Series(dtype=object) for f in resource.fields})


def _build(path: Path, meta: dict[str, Any], edition: date, frames: dict[str, pd.DataFrame],
           geoms: dict[str, Any], join_field: str, levels: tuple[str, ...]) -> DataPackage:
    areas = frames["areas"].set_index("area_id", drop=False)
    areas.index.name = None
    areas["slug"] = derive_slugs(areas)
    indicators = frames["indicators"].set_index("indicator_id", drop=False)
    indicators.index.name = None
    threshold = _threshold(meta)

    obs = frames["observations"][["area_id", "indicator_id", "year", "value", "numerator", "denominator",
                                  "note"]].copy()
    obs["year"] = obs["year"].astype("int64")
    obs = aggregation.add_computed_values(obs, indicators)
    obs = aggregation.aggregate(obs, areas, indicators, list(reversed(levels)))
    obs = aggregation.suppress(obs, areas, indicators, threshold)
    obs["level"] = obs["area_id"].map(areas["level"])
    obs = obs.sort_values(["indicator_id", "year", "area_id"], ignore_index=True)
    for column in ("area_id", "indicator_id", "level"):
        obs[column] = obs[column].astype("category")

    # polygons by area id: finest level from the file, coarser levels dissolved from children
    key_to_area = {geo.join_key(v): a for a, v in areas[join_field].items() if v is not None and not pd.isna(v)}
    by_area = {key_to_area[k]: g for k, g in geoms.items() if k in key_to_area}
    names = areas["name"].to_dict()
    parent_of = areas["parent_id"].dropna().to_dict()
    geojson: dict[str, dict[str, Any]] = {}
    current: dict[str, Any] = {}
    for level in reversed(levels):
        # outlines delivered for a coarser level win over the dissolved children
        current.update({a: g for a, g in by_area.items() if areas.at[a, "level"] == level})
        geojson[level] = geo.feature_collection(current, names)
        current = geo.union_by_parent(current, parent_of)

    leitlinien = frames["leitlinien"].copy()
    leitlinien["number"] = leitlinien["number"].astype(int)
    leitlinien = leitlinien.set_index("number", drop=False).sort_index()
    leitlinien.index.name = None
    return DataPackage(
        path=path, fingerprint=fingerprint(path), meta=meta, edition=edition, areas=areas,
        indicators=indicators, observations=obs, leitlinien=leitlinien, measures=_plain(frames["measures"]),
        milestones=_plain(frames["milestones"]), facilities=_plain(frames["facilities"]), geojson=geojson,
        levels=levels,
    )


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop the editor-line index used for validation messages (rows numbered 0, 1, 2, ...)."""
    out = frame.reset_index(drop=True)
    out.attrs.clear()
    return out


def validate_package(path: Path | str) -> list[Problem]:
    return read_package(path)[1]


def _code_version() -> str:
    """Hash of the code that turns files into a package: a cached package built by other
    code (an older release) is never reused."""
    digest = hashlib.sha256()
    for module in sorted(Path(__file__).parent.glob("*.py")):
        if not module.name.startswith("demo"):
            digest.update(module.read_bytes())
    return digest.hexdigest()[:12]


def load_package(path: Path | str, cache_dir: Path | None = None) -> DataPackage:
    """A valid package or PackageError. With `cache_dir`, a package that was validated and
    built before (same files, same code) is read back from a pickle in milliseconds; a new
    edition is validated in full once. The pickle lives in the app's own instance folder."""
    path = Path(path)
    cache_file = None
    if cache_dir is not None:
        cache_file = Path(cache_dir) / f"package-{fingerprint(path)}-{_code_version()}.pickle"
        try:
            with open(cache_file, "rb") as handle:
                cached = pickle.load(handle)
            if isinstance(cached, DataPackage) and cached.path == path:
                return cached
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            pass  # no or unreadable cache: build it
    package, problems = read_package(path)
    if package is None:
        raise PackageError(problems)
    if cache_file is not None:
        _write_atomically(cache_file, package)
    return package


def _write_atomically(target: Path, package: DataPackage) -> None:
    """Several workers may build at once; each writes a temp file and renames it."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False, suffix=".tmp") as handle:
            pickle.dump(package, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, target)
        for old in target.parent.glob("package-*.pickle"):
            if old != target:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only instance folder only costs speed
