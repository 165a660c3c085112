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
    ReportFigure,
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
    from plugins.door_access.api import DoorsController

    return [DoorsController]


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
def register_cli_commands() -> list[Any]:
    from plugins.door_access.simulator import door_sim

    return [door_sim]


@hookimpl
def register_case_types() -> list[CaseType]:
    return [
        CaseType(
            "door_access.fault",
            "门禁故障",
            "Door access fault",
            default_priority="urgent",
            extra_fields={"alert_id": "int"},
        ),
        CaseType(
            "door_access.welfare_visit",
            "关怀探访（门禁提示）",
            "Welfare visit (door signal)",
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
def on_tenant_disabled(tenant: Tenant) -> None:
    log.info("door access switched off in %s; doors, credentials and the log are kept", tenant.slug)


@hookimpl
async def on_tenant_purge(tenant: Tenant) -> int:
    from core.api import erase_private_file
    from plugins.door_access.tables import TABLES, Credential

    for row in (
        await Credential.select(Credential.face_attachment_id)
        .where(Credential.face_attachment_id.is_not_null())
        .run()
    ):
        await erase_private_file(row["face_attachment_id"])
    count = 0
    for table in reversed(TABLES):
        count += await table.count().run()
        await table.delete(force=True).run()
    return count


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
        NavItem("门禁管理", "Door access", base, "door_access.view", order=40),
        NavItem("我的门禁", "My door access", f"{base}/me", "door_access.self", order=41),
    ]


@hookimpl
async def ui_dashboard_cards(tenant: Tenant, user: UserRef) -> list[DashboardCard]:
    if "door_access.view" not in user.permissions:
        return []
    from plugins.door_access.alerts import open_alerts
    from plugins.door_access.sync import device_counts

    alerts = await open_alerts()
    failed = sum(c["failed"] + c["queued"] for c in (await device_counts()).values())
    return [
        DashboardCard(
            "门禁告警 / 待同步",
            "Door alerts / unsynced",
            f"{len(alerts)} / {failed}",
            f"/c/{tenant.slug}/door_access",
            order=40,
        )
    ]


@hookimpl
async def ui_panels(tenant: Tenant, user: UserRef, page: str, subject_id: int) -> list[Panel]:
    if page != "resident" or "door_access.view" not in user.permissions:
        return []
    from html import escape

    from core.api import NotFound
    from plugins.door_access.api import access_of

    try:
        access = await access_of(subject_id)
    except NotFound:
        return []
    live = [g for g in access["grants"] if g["revoked_at"] is None]
    creds = [c["kind"] for c in access["credentials"] if c["status"] == "active"]
    s = access["sync"]
    html = (
        f"<p>{len(live)} 项权限 / grants · 凭证 / credentials: {escape(', '.join(creds) or '—')}</p>"
        f"<p>{escape(s['summary_zh'])} / {escape(s['summary_en'])}</p>"
        f'<p><a href="/c/{tenant.slug}/door_access/persons/{subject_id}">'
        "为什么进不了门？/ Why can't they get in?</a></p>"
    )
    return [Panel("门禁", "Door access", html, order=40)]


# -- privacy --------------------------------------------------------------------------------


@hookimpl
async def privacy_export(tenant: Tenant, person_id: int) -> dict[str, Any]:
    from plugins.door_access import credentials, grants
    from plugins.door_access.events import search

    return {
        "grants": await grants.grants_of(person_id),
        "credentials": await credentials.list_for(person_id),
        "access_log": await search(person_id=person_id, limit=500),
    }


@hookimpl
async def privacy_erase(tenant: Tenant, person_id: int) -> int:
    from plugins.door_access.credentials import revoke_all_credentials
    from plugins.door_access.holders import person_holder
    from plugins.door_access.sync import plan_and_send
    from plugins.door_access.tables import AccessEvent, Credential, Grant, WelfareCheck

    touched = await revoke_all_credentials(person_id, reason="erased")
    import datetime as dt

    await (
        Grant.update({Grant.revoked_at: dt.datetime.now(dt.UTC)})
        .where((Grant.person_id == person_id) & Grant.revoked_at.is_null())
        .run()
    )
    await plan_and_send(person_holder(person_id))  # off every device
    touched += await AccessEvent.count().where(AccessEvent.person_id == person_id).run()
    await AccessEvent.update({AccessEvent.person_id: None}).where(AccessEvent.person_id == person_id).run()
    await (
        Credential.update({Credential.card_number: "", Credential.secret_hash: ""})
        .where(Credential.person_id == person_id)
        .run()
    )
    await WelfareCheck.delete().where(WelfareCheck.person_id == person_id).run()
    return touched


# -- oversight ------------------------------------------------------------------------------


@hookimpl
async def oversight_sections(tenant: Tenant, period_start: str, period_end: str) -> list[ReportSection]:
    import datetime as dt

    from plugins.door_access.tables import AccessEvent, Alert

    start = dt.datetime.fromisoformat(period_start).replace(tzinfo=dt.UTC)
    end = dt.datetime.fromisoformat(period_end).replace(tzinfo=dt.UTC) + dt.timedelta(days=1)
    in_period = (AccessEvent.occurred_at >= start) & (AccessEvent.occurred_at < end)
    granted = await AccessEvent.count().where(in_period & (AccessEvent.result == "granted")).run()
    refused = await AccessEvent.count().where(in_period & (AccessEvent.result == "refused")).run()
    alerts = await Alert.count().where((Alert.opened_at >= start) & (Alert.opened_at < end)).run()
    return [
        ReportSection(
            "door_access",
            "智能门禁",
            "Door access",
            [
                ReportFigure("granted", "通行次数", "Entries", granted),
                ReportFigure("refused", "拒绝次数", "Refusals", refused),
                ReportFigure("alerts", "告警数", "Alerts", alerts),
            ],
        )
    ]
