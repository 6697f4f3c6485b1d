"""The on-disk cache of a validated package: reused only for the same files and code."""

import os
import time

import pytest

from sozialraum.package import load_package
from sozialraum.problems import PackageError

from .package_builder import PackageBuilder


def test_second_load_comes_from_the_cache_and_equals_the_first(tmp_path):
    path = PackageBuilder.valid().write(tmp_path / "pkg")
    first = load_package(path, cache_dir=tmp_path / "cache")
    assert len(list((tmp_path / "cache").glob("package-*.pickle"))) == 1
    second = load_package(path, cache_dir=tmp_path / "cache")
    assert second is not first
    assert second.fingerprint == first.fingerprint
    assert second.observations.equals(first.observations)


def test_a_changed_file_is_validated_again(tmp_path):
    builder = PackageBuilder.valid()
    path = builder.write(tmp_path / "pkg")
    load_package(path, cache_dir=tmp_path / "cache")
    builder.row("observations", area_id="a", indicator_id="sgb2", year="2020")["value"] = "140"
    builder.row("observations", area_id="a", indicator_id="sgb2", year="2020")["numerator"] = ""
    builder.row("observations", area_id="a", indicator_id="sgb2", year="2020")["denominator"] = ""
    time.sleep(0.01)
    builder.write(path)
    os.utime(path / "observations.csv")
    with pytest.raises(PackageError) as info:
        load_package(path, cache_dir=tmp_path / "cache")
    assert "140" in str(info.value)


def test_an_unreadable_cache_is_rebuilt(tmp_path):
    path = PackageBuilder.valid().write(tmp_path / "pkg")
    load_package(path, cache_dir=tmp_path / "cache")
    cache_file = next((tmp_path / "cache").glob("package-*.pickle"))
    cache_file.write_bytes(b"kaputt")
    assert load_package(path, cache_dir=tmp_path / "cache").city == "Musterstadt"
