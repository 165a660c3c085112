"""A plugin whose tenant-time hooks return the wrong kinds of things (a string for a figure)."""

from __future__ import annotations

from core.api import Manifest, ReportFigure, ReportSection, Tenant, UserRef, hookimpl

manifest = Manifest(id="wrongtypes", name_zh="类型错误", name_en="Wrong types", version="1.0.0")


@hookimpl
def ui_navigation(tenant: Tenant, user: UserRef) -> list:
    return [{"label": "not a NavItem"}]


@hookimpl
def ui_dashboard_cards(tenant: Tenant, user: UserRef) -> object:
    return "not a list"


@hookimpl
def oversight_sections(tenant: Tenant, period_start: str, period_end: str) -> list:
    # "—" where a number belongs: the office's page must show the rest, never fail on it.
    return [ReportSection("wrongtypes", "错", "Wrong", [ReportFigure("rate", "率", "Rate", "—")])]  # type: ignore[arg-type]
