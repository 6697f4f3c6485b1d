"""The format documentation stays in step with the canonical schema."""

from pathlib import Path

from sozialraum.schema import META_KEYS_REQUIRED, TABLE_RESOURCES

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-format.md"


def test_every_field_of_every_resource_is_documented():
    text = DOC.read_text(encoding="utf-8")
    missing = [f"{r.path}:{f.name}" for r in TABLE_RESOURCES for f in r.fields
               if f"`{f.name}`" not in text.split(f"`{r.path}`", 1)[-1]]
    assert not missing, f"undocumented fields: {missing}"


def test_required_meta_keys_are_documented():
    text = DOC.read_text(encoding="utf-8")
    for key in META_KEYS_REQUIRED:
        assert f"| `{key}` | yes |" in text
