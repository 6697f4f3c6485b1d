"""The served package at run time: a new edition is picked up without a restart, and a
broken one never replaces the last good package (nothing half-loaded is ever served)."""

import logging
import os

import pytest

from components import data
from sozialraum.problems import PackageError

from .package_builder import PackageBuilder


@pytest.fixture
def served(tmp_path, monkeypatch):
    builder = PackageBuilder.valid()
    path = builder.write(tmp_path / "pkg")
    monkeypatch.setenv("SOZIALRAUM_DATA_DIR", str(path))
    monkeypatch.setenv("SOZIALRAUM_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setattr(data, "_memo", {})
    return builder, path


def _touch_all(path):
    for file in path.iterdir():
        stat = file.stat()
        os.utime(file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))


def test_new_valid_edition_is_picked_up_without_restart(served):
    builder, path = served
    assert data.get_package().city == "Musterstadt"
    builder.meta["city"] = "Neustadt"
    builder.write(path)
    _touch_all(path)
    assert data.get_package().city == "Neustadt"


def test_broken_new_edition_keeps_the_last_good_package(served, caplog):
    builder, path = served
    first = data.get_package()
    builder.row("observations", area_id="a", indicator_id="sgb2", year="2020").update(
        value=140, numerator="", denominator="")
    builder.write(path)
    _touch_all(path)
    with caplog.at_level(logging.ERROR):
        assert data.get_package() is first
    assert "140 %" in caplog.text


def test_broken_package_at_start_raises(served):
    builder, path = served
    (path / "indicators.csv").unlink()
    with pytest.raises(PackageError):
        data.get_package()
