"""The kit's isolation walk finds what a plugin author gets wrong: a route with no permission
guard is named, and the walk really visits every route with every kind of caller."""

from __future__ import annotations

import sys
import types
from typing import Any

from core.testing.isolation import plugin_routes


async def test_the_walk_names_a_route_without_a_permission_guard(make_linli: Any) -> None:
    from litestar import get

    from core.api import Manifest, authenticated, hookimpl, requires
    from core.testing import check_plugin_isolation

    module = types.ModuleType("lp_careless")
    module.manifest = Manifest(id="careless", name_zh="粗心", name_en="Careless", version="0.1.0")  # type: ignore[attr-defined]

    @get("/open", guards=[authenticated])
    async def wide_open() -> dict[str, str]:
        return {"anyone": "logged in"}

    @get("/guarded", guards=[requires("residents.view")])
    async def guarded() -> dict[str, str]:
        return {"ok": "yes"}

    @hookimpl
    def register_routes() -> list[Any]:
        return [wide_open, guarded]

    module.register_routes = register_routes  # type: ignore[attr-defined]
    sys.modules["lp_careless"] = module
    try:
        h = await make_linli(plugins=["careless"], extra_modules=["lp_careless"])
        routes = plugin_routes(h.app, "careless")
        assert {(m, p) for m, p, _ in routes} == {
            ("GET", "/api/v1/c/{community}/careless/open"),
            ("GET", "/api/v1/c/{community}/careless/guarded"),
        }
        failures = await check_plugin_isolation(h, "careless")
    finally:
        del sys.modules["lp_careless"]
    assert failures == [
        "GET /api/v1/c/{community}/careless/open: no requires(...) guard names its permission"
    ]
