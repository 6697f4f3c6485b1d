"""Cached views are namespaced by the code version, so a deploy never serves stale figures."""

from components.cache import cache_config, code_version, remove_stale_folders
from sozialraum.settings import load_settings


def test_cache_folder_and_prefix_carry_the_code_version(tmp_path):
    settings = load_settings({"SOZIALRAUM_INSTANCE_DIR": str(tmp_path)})
    config = cache_config(settings)
    assert config["CACHE_DIR"].endswith(f"views-{code_version()}")
    assert code_version() in config["CACHE_KEY_PREFIX"]


def test_folders_of_earlier_code_versions_are_removed(tmp_path):
    settings = load_settings({"SOZIALRAUM_INSTANCE_DIR": str(tmp_path)})
    old = settings.cache_dir / "views-000000000000"
    current = settings.cache_dir / f"views-{code_version()}"
    packages = settings.cache_dir / "packages"
    for folder in (old, current, packages):
        folder.mkdir(parents=True)
    remove_stale_folders(settings)
    assert not old.exists()
    assert current.exists() and packages.exists()
