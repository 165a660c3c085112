"""The kit's isolation walk over every canteen route: every role, every tenant."""

from __future__ import annotations

from core.testing import check_plugin_isolation


async def test_every_canteen_route_holds_for_every_role_and_tenant(make_linli):
    h = await make_linli(plugins=["canteen"])
    assert await check_plugin_isolation(h, "canteen") == []
