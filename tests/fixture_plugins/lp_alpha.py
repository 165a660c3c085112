"""A well-formed test plugin: records what reaches it, in memory and in its own table."""

from __future__ import annotations

import msgspec
from litestar import get

from core.api import (
    Event,
    Manifest,
    Permission,
    ReportFigure,
    ReportSection,
    Tenant,
    hookimpl,
    requires,
)


class AlphaSettings(msgspec.Struct):
    reminder_hours: int = 24
    greeting: str = "你好"


manifest = Manifest(
    id="alpha",
    name_zh="测试甲",
    name_en="Alpha",
    version="1.0.0",
    settings=AlphaSettings,
    personal_data=True,
    permissions=(Permission("alpha.read", "Read alpha", ("community_staff", "resident")),),
)

RECEIVED: list[tuple[str, str]] = []
LIFECYCLE: list[tuple[str, str]] = []


@get("/ping", guards=[requires("alpha.read")])
async def ping() -> dict[str, str]:
    return {"pong": "alpha"}


@hookimpl
def register_routes():
    return [ping]


@hookimpl
def handle_event(tenant: Tenant, event: Event) -> None:
    RECEIVED.append((tenant.slug, event.type))


@hookimpl
async def on_tenant_enabled(tenant: Tenant) -> None:
    LIFECYCLE.append(("enabled", tenant.slug))


@hookimpl
def on_tenant_disabled(tenant: Tenant) -> None:
    LIFECYCLE.append(("disabled", tenant.slug))


SETTINGS_CHANGES: list[tuple[dict, dict]] = []


@hookimpl
def on_tenant_settings_changed(tenant: Tenant, old: dict, new: dict) -> None:
    SETTINGS_CHANGES.append((old, new))


ERASED: list[int] = []


@hookimpl
def privacy_export(tenant: Tenant, person_id: int) -> dict:
    return {"person_id": person_id, "community": tenant.slug, "notes": ["备注"]}


@hookimpl
async def privacy_erase(tenant: Tenant, person_id: int) -> int:
    ERASED.append(person_id)
    return 1


@hookimpl
def oversight_sections(tenant: Tenant, period_start: str, period_end: str) -> list[ReportSection]:
    return [
        ReportSection(
            plugin_id="alpha",
            title_zh="甲",
            title_en="Alpha",
            figures=[ReportFigure("pings", "次数", "Pings", 3)],
        )
    ]
