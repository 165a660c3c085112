"""A plugin whose every tenant-time hook raises: each must cost it only its own part."""

from __future__ import annotations

from core.api import Manifest, Tenant, UserRef, hookimpl

manifest = Manifest(id="faulty", name_zh="故障模块", name_en="Faulty", version="1.0.0", personal_data=True)

CALLS: list[str] = []


def _boom(hook: str) -> None:
    CALLS.append(hook)
    raise RuntimeError(f"faulty.{hook} failed on purpose")


@hookimpl
def ui_navigation(tenant: Tenant, user: UserRef) -> list:
    _boom("ui_navigation")
    return []


@hookimpl
async def ui_dashboard_cards(tenant: Tenant, user: UserRef) -> list:
    _boom("ui_dashboard_cards")
    return []


@hookimpl
def ui_panels(tenant: Tenant, user: UserRef, page: str, subject_id: int) -> list:
    _boom("ui_panels")
    return []


@hookimpl
def oversight_sections(tenant: Tenant, period_start: str, period_end: str) -> list:
    _boom("oversight_sections")
    return []


@hookimpl
def privacy_export(tenant: Tenant, person_id: int) -> dict:
    _boom("privacy_export")
    return {}


@hookimpl
def on_tenant_enabled(tenant: Tenant) -> None:
    _boom("on_tenant_enabled")


@hookimpl
def on_tenant_disabled(tenant: Tenant) -> None:
    _boom("on_tenant_disabled")
