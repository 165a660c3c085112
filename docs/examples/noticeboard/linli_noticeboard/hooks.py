"""Every hook of the plugin contract, each doing something real for a notice board."""

import datetime as dt
import logging
from typing import Any

import click

from core.api import (
    AttachmentOwner,
    AttachmentPurpose,
    CaseType,
    DashboardCard,
    Event,
    EventPayload,
    EventType,
    NavItem,
    OwnerAccess,
    Pages,
    Panel,
    Permission,
    ReportFigure,
    ReportSection,
    Role,
    Schedule,
    Tenant,
    UserRef,
    hookimpl,
    job,
)

log = logging.getLogger("linli.noticeboard")


# -- registration at boot -------------------------------------------------------------------


@hookimpl
def register_routes() -> list[Any]:
    from linli_noticeboard.api import NoticesController

    return [NoticesController]


@hookimpl
def register_pages() -> Pages:
    from linli_noticeboard.pages import pages

    return pages()


@hookimpl
def register_tables() -> Any:
    from linli_noticeboard.tables import APP

    return APP


@hookimpl
def register_permissions() -> list[Permission]:
    return [Permission("noticeboard.pin", "Pin notices to the top", ("community_admin",))]


@hookimpl
def register_roles() -> list[Role]:
    return [Role("noticeboard_editor", label="Notice editor")]


@hookimpl
def register_actors() -> list[Any]:
    return [expire_notices]


@job("noticeboard.expire")
async def expire_notices() -> int:
    """Delete the current community's notices that expired over 30 days ago (daily schedule)."""
    from linli_noticeboard.tables import Notice

    cutoff = dt.date.today() - dt.timedelta(days=30)
    gone = await Notice.delete().where(Notice.expires_on < cutoff).returning(Notice.id).run()
    return len(gone)


@hookimpl
def register_schedules() -> list[Schedule]:
    return [Schedule("noticeboard.expire", "0 3 * * *", "noticeboard.expire")]


@click.command("noticeboard-expire")
def expire_command() -> None:
    """Say how expired notices go away (the daily `noticeboard.expire` job deletes them)."""
    click.echo(
        "notices expired over 30 days ago are deleted daily at 03:00 UTC by the "
        "noticeboard.expire job (run `linli worker` and `linli scheduler`)"
    )


@hookimpl
def register_cli_commands() -> list[Any]:
    return [expire_command]


@hookimpl
def register_case_types() -> list[CaseType]:
    return [CaseType("notice_correction", label="Notice correction", extra_fields={"notice_id": "int"})]


async def _notice_exists(notice_id: int) -> bool:
    from linli_noticeboard.tables import Notice

    return bool(await Notice.exists().where(Notice.id == notice_id).run())


async def _may_see_notice(access: OwnerAccess) -> bool:
    return access.has("noticeboard.read") and await _notice_exists(access.owner_id)


async def _may_attach_to_notice(access: OwnerAccess) -> bool:
    return access.has("noticeboard.post") and await _notice_exists(access.owner_id)


@hookimpl
def register_attachment_owners() -> list[AttachmentOwner]:
    # A notice can carry a poster (image) and a document (PDF); readers see both.
    return [
        AttachmentOwner(
            "noticeboard.notice",
            can_see=_may_see_notice,
            can_attach=_may_attach_to_notice,
            exists=_notice_exists,
            purposes=(
                AttachmentPurpose("poster", 5 * 1024 * 1024, ("image/jpeg", "image/png", "image/webp")),
                AttachmentPurpose("document", 10 * 1024 * 1024, ("application/pdf",)),
            ),
        )
    ]


class NoticePosted(EventPayload, kw_only=True):
    notice_id: int
    title: str


@hookimpl
def register_events() -> list[EventType]:
    # Every event the plugin emits is declared once; emit refuses an undeclared one.
    return [EventType("noticeboard.posted", NoticePosted, description="A notice was posted.")]


# -- tenant lifecycle -----------------------------------------------------------------------


@hookimpl
async def on_tenant_enabled(tenant: Tenant) -> None:
    from linli_noticeboard.tables import Notice

    if not await Notice.exists().where(Notice.kind == "welcome").run():  # idempotent
        await Notice.insert(
            Notice(
                title="社区公告栏开通了 / The notice board is open",
                kind="welcome",
                published_on=dt.date.today(),
                created_at=dt.datetime.now(dt.UTC),
            )
        ).run()


@hookimpl
def on_tenant_disabled(tenant: Tenant) -> None:
    log.info("noticeboard switched off in %s; its notices are kept", tenant.slug)


@hookimpl
def on_tenant_settings_changed(tenant: Tenant, old: dict[str, Any], new: dict[str, Any]) -> None:
    if new.get("keep_days", 0) < old.get("keep_days", 0):
        log.info("notices in %s will now be kept %s days", tenant.slug, new["keep_days"])


@hookimpl
async def on_tenant_purge(tenant: Tenant) -> int:
    from linli_noticeboard.tables import NewcomerGreeting, Notice

    count = await Notice.count().run() + await NewcomerGreeting.count().run()
    await Notice.delete(force=True).run()
    await NewcomerGreeting.delete(force=True).run()
    return count


# -- domain events --------------------------------------------------------------------------


@hookimpl
async def handle_event(tenant: Tenant, event: Event) -> None:
    """Newcomers get the notices in force on their building; recorded once per event id."""
    if event.type != "resident.moved_in":
        return
    from linli_noticeboard.tables import NewcomerGreeting

    if await NewcomerGreeting.exists().where(NewcomerGreeting.event_id == event.id).run():
        return
    await NewcomerGreeting.insert(
        NewcomerGreeting(
            event_id=event.id, person_id=event.payload["person_id"], created_at=dt.datetime.now(dt.UTC)
        )
    ).run()


# -- UI slots -------------------------------------------------------------------------------


@hookimpl
def ui_navigation(tenant: Tenant, user: UserRef) -> list[NavItem]:
    return [
        NavItem(
            label="Notices", path=f"/c/{tenant.slug}/noticeboard", permission="noticeboard.read", order=50
        )
    ]


@hookimpl
async def ui_dashboard_cards(tenant: Tenant, user: UserRef) -> list[DashboardCard]:
    from linli_noticeboard.tables import Notice

    today = dt.date.today()
    n = await Notice.count().where(Notice.expires_on.is_null() | (Notice.expires_on >= today)).run()
    return [DashboardCard(title="Notices in force", value=str(n), path=f"/c/{tenant.slug}/noticeboard")]


@hookimpl
async def ui_panels(tenant: Tenant, user: UserRef, page: str, subject_id: int) -> list[Panel]:
    if page != "building":
        return []
    from linli_noticeboard.tables import Notice

    n = await Notice.count().where(Notice.building_id == subject_id).run()
    return [Panel(title="Notices for this building", html=f"<p>{n}</p>")]


# -- privacy --------------------------------------------------------------------------------


@hookimpl
async def privacy_export(tenant: Tenant, person_id: int) -> dict[str, Any]:
    from linli_noticeboard.tables import NewcomerGreeting, Notice

    return {
        "notices_authored": await Notice.select(Notice.id, Notice.title, Notice.published_on)
        .where(Notice.author_person_id == person_id)
        .run(),
        "greetings": await NewcomerGreeting.count().where(NewcomerGreeting.person_id == person_id).run(),
    }


@hookimpl
async def privacy_erase(tenant: Tenant, person_id: int) -> int:
    from linli_noticeboard.tables import NewcomerGreeting, Notice

    authored = await Notice.count().where(Notice.author_person_id == person_id).run()
    await Notice.update({Notice.author_person_id: None}).where(Notice.author_person_id == person_id).run()
    greeted = await NewcomerGreeting.count().where(NewcomerGreeting.person_id == person_id).run()
    await NewcomerGreeting.delete().where(NewcomerGreeting.person_id == person_id).run()
    return authored + greeted


# -- oversight ------------------------------------------------------------------------------


@hookimpl
async def oversight_sections(tenant: Tenant, period_start: str, period_end: str) -> list[ReportSection]:
    from linli_noticeboard.tables import Notice

    start, end = dt.date.fromisoformat(period_start), dt.date.fromisoformat(period_end)
    posted = await Notice.count().where((Notice.published_on >= start) & (Notice.published_on <= end)).run()
    return [
        ReportSection(
            "noticeboard",
            title="Notices",
            figures=[ReportFigure("posted", label="Notices posted", value=posted)],
        )
    ]
