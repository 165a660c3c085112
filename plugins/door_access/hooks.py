"""The plugin's hookimpls: registration, tenant lifecycle, residency events, UI slots, privacy."""

from __future__ import annotations

import logging
from typing import Any

from core.api import (
    AttachmentOwner,
    AttachmentPurpose,
    CaseType,
    DashboardCard,
    Event,
    NavItem,
    OwnerAccess,
    Panel,
    Permission,
    ReportSection,
    Schedule,
    Tenant,
    UserRef,
    hookimpl,
)

log = logging.getLogger("linli.door_access")

# -- registration at boot -------------------------------------------------------------------


@hookimpl
def register_routes() -> list[Any]:
    from plugins.door_access.api import CONTROLLERS

    return list(CONTROLLERS)


@hookimpl
def register_pages() -> Any:
    from plugins.door_access.pages import pages

    return pages()


@hookimpl
def register_tables() -> Any:
    from plugins.door_access.tables import APP

    return APP


@hookimpl
def register_permissions() -> list[Permission]:
    return []  # the manifest declares them


@hookimpl
def register_actors() -> list[Any]:
    from plugins.door_access.jobs import ACTORS

    return list(ACTORS)


@hookimpl
def register_schedules() -> list[Schedule]:
    from plugins.door_access.jobs import SCHEDULES

    return list(SCHEDULES)


@hookimpl
def register_case_types() -> list[CaseType]:
    return [
        CaseType(
            "door_access.fault",
            label="Door access fault",
            default_priority="urgent",
            extra_fields={"alert_id": "int"},
        ),
        CaseType(
            "door_access.welfare_visit",
            label="Welfare visit (door signal)",
            default_priority="urgent",
            sla_hours={"reported": 4.0},
        ),
    ]


def _nobody(access: OwnerAccess) -> bool:
    return False  # face images are read by the plugin for enrolment only, never downloaded


async def _face_exists(credential_id: int) -> bool:
    from plugins.door_access.tables import Credential

    return bool(
        await Credential.exists()
        .where((Credential.id == credential_id) & Credential.face_attachment_id.is_not_null())
        .run()
    )


@hookimpl
def register_attachment_owners() -> list[AttachmentOwner]:
    return [
        AttachmentOwner(
            "door_access.face",
            can_see=_nobody,
            can_attach=_nobody,
            exists=_face_exists,
            purposes=(AttachmentPurpose("face", 3 * 1024 * 1024, ("application/octet-stream",)),),
        )
    ]


# -- tenant lifecycle -----------------------------------------------------------------------


@hookimpl
def on_tenant_enabled(tenant: Tenant) -> None:
    log.info("door access switched on in %s", tenant.slug)


@hookimpl
async def load_demo_data(tenant: Tenant, logins: dict[str, int]) -> None:
    from plugins.door_access.demo import load

    await load(logins)


@hookimpl
def on_tenant_disabled(tenant: Tenant) -> None:
    log.info("door access switched off in %s; doors, credentials and the log are kept", tenant.slug)


@hookimpl
async def on_tenant_purge(tenant: Tenant) -> int:
    from plugins.door_access.privacy import purge_community

    return await purge_community()


# -- domain events --------------------------------------------------------------------------


@hookimpl
async def handle_event(tenant: Tenant, event: Event) -> None:
    """Move-in grants the building's group; move-out revokes it (idempotent by residency)."""
    from plugins.door_access import grants

    p = event.payload
    if event.type == "resident.moved_in" and p.get("building_id"):
        import datetime as dt

        await grants.grant_for_residency(
            person_id=p["person_id"],
            residency_id=p["residency_id"],
            building_id=p["building_id"],
            start=dt.date.fromisoformat(p["start_date"]),
        )
    elif event.type == "resident.moved_out":
        await grants.revoke_for_residency(
            person_id=p["person_id"],
            residency_id=p["residency_id"],
            reason=f"moved out {p.get('end_date', '')} {p.get('reason', '')}".strip(),
        )


# -- UI slots -------------------------------------------------------------------------------


@hookimpl
def ui_navigation(tenant: Tenant, user: UserRef) -> list[NavItem]:
    base = f"/c/{tenant.slug}/door_access"
    return [
        NavItem(label="Door access", path=base, permission="door_access.view", order=40),
        NavItem(label="My door access", path=f"{base}/me", permission="door_access.self", order=41),
    ]


@hookimpl
async def ui_dashboard_cards(tenant: Tenant, user: UserRef) -> list[DashboardCard]:
    if "door_access.view" not in user.permissions:
        return []
    from plugins.door_access.figures import dashboard_card

    return [await dashboard_card(tenant.slug)]


@hookimpl
async def ui_panels(tenant: Tenant, user: UserRef, page: str, subject_id: int) -> list[Panel]:
    if page != "resident" or "door_access.view" not in user.permissions:
        return []
    from plugins.door_access.panels import resident_panel

    panel = await resident_panel(tenant.slug, user, subject_id)
    return [panel] if panel is not None else []


# -- privacy --------------------------------------------------------------------------------


@hookimpl
async def privacy_export(tenant: Tenant, person_id: int) -> dict[str, Any]:
    from plugins.door_access.privacy import export_person

    return await export_person(person_id)


@hookimpl
async def privacy_erase(tenant: Tenant, person_id: int) -> int:
    from plugins.door_access.privacy import erase_person

    return await erase_person(person_id)


# -- oversight ------------------------------------------------------------------------------


@hookimpl
async def oversight_sections(tenant: Tenant, period_start: str, period_end: str) -> list[ReportSection]:
    from plugins.door_access.figures import report_section

    return [await report_section(period_start, period_end)]
