"""docs/plugins/reference.md is generated from core.api: it must be current, every name the
core exports must carry a docstring, and the built-in roles are listed with their permissions."""

from __future__ import annotations

from core.api_reference import OUT, reference_markdown, undocumented


def test_the_reference_is_what_the_code_says():
    assert OUT.read_text(encoding="utf-8") == reference_markdown(), (
        "docs/plugins/reference.md is stale: run python -m core.api_reference"
    )


def test_every_name_of_core_api_says_what_it_is():
    assert undocumented() == []


def test_the_reference_names_fields_roles_and_the_platform_admin():
    text = reference_markdown()
    import core.api as api

    for name in api.__all__:
        assert f"## `{name}`" in text
    assert "| `enabled_plugins` |" in text  # Tenant's fields
    assert "| `permissions` |" in text  # UserRef's
    assert "async def request_visit(person_id: int, *, reason: str, source: str" in text
    assert "| `community_admin` |" in text and "| `grid_worker` |" in text
    assert "holds every permission" in text
