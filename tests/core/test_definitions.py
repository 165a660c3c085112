"""Tenant definition files: validation with file and key, all-or-nothing, idempotent."""

from __future__ import annotations

import textwrap

import pytest

from core.tenancy.definitions import DefinitionError, apply_definitions
from core.tenancy.tables import Community, StreetOffice

GOOD = """
[office]
slug = "taibai"
name = "太白街道"

[office.plugins]
alpha = "default_on"

[[community]]
slug = "hongguang"
name = "红光社区"
residents_estimate = 8000
plugins = ["alpha"]
[community.settings.alpha]
reminder_hours = 4

[[community]]
slug = "shanwan"
name = "山湾社区"
"""


async def test_apply_is_idempotent_and_configures_modules(make_linli, tmp_path):
    h = await make_linli(plugins=["alpha"], extra_modules=["lp_alpha"])
    (tmp_path / "t.toml").write_text(GOOD, encoding="utf-8")
    first = await apply_definitions(h.runtime, tmp_path)
    assert "office taibai" in first.created and "community hongguang" in first.created
    tenant = await h.runtime.tenants.by_slug("hongguang")
    assert "alpha" in tenant.enabled_plugins and tenant.settings_for("alpha")["reminder_hours"] == 4
    # default_on: a community that does not list it still gets it... unless the file says otherwise;
    # the file is declarative, so "shanwan" (no plugins) has it switched off explicitly.
    assert "alpha" not in (await h.runtime.tenants.by_slug("shanwan")).enabled_plugins
    second = await apply_definitions(h.runtime, tmp_path)
    assert second.changes == 0 and len(second.unchanged) == 3


async def test_every_problem_is_reported_with_file_and_key_and_nothing_changes(make_linli, tmp_path):
    h = await make_linli(plugins=["alpha"], extra_modules=["lp_alpha"])
    (tmp_path / "a.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.toml").write_text(
        textwrap.dedent("""
        [office]
        slug = "Bad Slug"
        name = "x"
        [[community]]
        slug = "hongguang"
        name = "重复"
        plugins = ["nope"]
        [community.settings.alpha]
        reminder_hours = "soon"
    """),
        encoding="utf-8",
    )
    (tmp_path / "c.toml").write_text('[office]\nslug = "c"\nname = "c"\ncolour = "red"\n', encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        await apply_definitions(h.runtime, tmp_path)
    text = "\n".join(caught.value.problems)
    assert "b.toml: office.slug" in text
    assert "b.toml: community[0].slug: 'hongguang' also defined in" in text
    assert "b.toml: community[0].plugins[0]: unknown module 'nope'" in text
    assert "b.toml: community[0].settings.alpha" in text and "reminder_hours" in text
    assert "c.toml: office" in text and "colour" in text
    async with h.transaction():
        assert await StreetOffice.count().run() == 0 and await Community.count().run() == 0


async def test_dry_run_changes_nothing(make_linli, tmp_path):
    h = await make_linli(plugins=["alpha"], extra_modules=["lp_alpha"])
    (tmp_path / "t.toml").write_text(GOOD, encoding="utf-8")
    report = await apply_definitions(h.runtime, tmp_path, dry_run=True)
    assert report.changes > 0
    async with h.transaction():
        assert await StreetOffice.count().run() == 0


async def test_the_demo_files_are_valid(make_linli):
    from core.demo import demo_path
    from core.tenancy.definitions import load_definitions

    h = await make_linli(plugins=None)  # the demo switches on the first-party modules
    docs = load_definitions(demo_path(), h.runtime)
    slugs = [c.slug for _f, d in docs for c in d.community]
    assert slugs == ["hongguang", "guanfangjie", "yuetang", "hualongyuan", "wanquanjie"]
    modules = {c.slug: c.plugins for _f, d in docs for c in d.community}
    assert modules["hongguang"] == ["door_access", "repairs"] and modules["hualongyuan"] == ["door_access"]
    yuetang = next(c for _f, d in docs for c in d.community if c.slug == "yuetang")
    assert (yuetang.demo.households, yuetang.demo.people) == (11867, 24926)


async def test_applied_additively_an_operators_module_survives_a_restart(make_linli, tmp_path):
    """The demo applies its file additively: a module switched on since (a third-party plugin
    in a demo community) stays on when ``linli serve --demo`` starts again."""
    h = await make_linli(plugins=["alpha"], extra_modules=["lp_alpha"])
    (tmp_path / "t.toml").write_text(GOOD, encoding="utf-8")
    await apply_definitions(h.runtime, tmp_path, additive=True)
    await h.disable("shanwan", "alpha")  # the operator's choice: off…
    await apply_definitions(h.runtime, tmp_path, additive=True)
    assert "alpha" not in (await h.runtime.tenants.by_slug("shanwan")).enabled_plugins
    await h.enable("shanwan", "alpha")  # …and on again
    again = await apply_definitions(h.runtime, tmp_path, additive=True)
    assert "alpha" in (await h.runtime.tenants.by_slug("shanwan")).enabled_plugins
    assert not any("shanwan module alpha" in line for line in again.updated)
    # Declarative (linli tenants apply): exactly the file's modules.
    await apply_definitions(h.runtime, tmp_path)
    assert "alpha" not in (await h.runtime.tenants.by_slug("shanwan")).enabled_plugins
