"""The public API for plugin authors: the only core module a plugin imports.

Everything here is stable within a core minor version. A plugin that reaches into other core
modules may break on any release, and ``linli plugins check`` reports it.
"""

from __future__ import annotations

from typing import Any

from click import Command as CliGroup
from piccolo.conf.apps import AppConfig as PiccoloApp

from core import __version__ as CORE_VERSION
from core.audit import audit
from core.auth.guards import authenticated, requires, requires_office
from core.auth.principal import Principal
from core.db.tenant import TenantTable
from core.errors import Conflict, InvalidInput, NoTenantError, NotFound, Unavailable
from core.events.outbox import emit
from core.jobs.spec import Job, job
from core.plugins.hookspecs import hookimpl
from core.plugins.manifest import Manifest
from core.plugins.types import (
    AttachmentOwner,
    AttachmentPurpose,
    CaseType,
    DashboardCard,
    Event,
    NavItem,
    OwnerAccess,
    Pages,
    Panel,
    Permission,
    ReportFigure,
    ReportSection,
    Role,
    Schedule,
    UserRef,
)
from core.tenancy.context import Tenant, current_tenant, current_tenant_or_none
from core.ui.plugin_pages import render_page

__all__ = [
    "CORE_VERSION",
    "AttachmentOwner",
    "AttachmentPurpose",
    "CaseType",
    "CliGroup",
    "Conflict",
    "DashboardCard",
    "Event",
    "InvalidInput",
    "Job",
    "Manifest",
    "NavItem",
    "NoTenantError",
    "NotFound",
    "OwnerAccess",
    "Pages",
    "Panel",
    "Permission",
    "PiccoloApp",
    "Principal",
    "ReportFigure",
    "ReportSection",
    "Role",
    "Schedule",
    "Tenant",
    "TenantTable",
    "Unavailable",
    "UserRef",
    "audit",
    "authenticated",
    "current_tenant",
    "current_tenant_or_none",
    "emit",
    "hookimpl",
    "job",
    "render_page",
    "requires",
    "requires_office",
]


# =============================================================================================
# Services for plugins (added with the door_access plugin, issue 7): small, stable wrappers over
# core services. Each block says why it is here; all run with the current community set
# (``current_tenant()``), inside the caller's transaction where there is one. Documented in
# docs/plugins/services.md.
# =============================================================================================

# -- Transactions: for routes that opt out of the request transaction --------------------------
# A route with ``opt={"transaction": False}`` (a device webhook that must log a refusal even
# though it answers 401) writes in blocks of its own; on PostgreSQL the block also carries the
# community for row-level security.


def write_transaction() -> Any:
    """An async context manager: one write transaction for the current community."""
    from core.db.engine import write_transaction as _write_transaction
    from core.runtime import current

    return _write_transaction(current().engine)


# -- The register, read-only: residencies and the care register -------------------------------
# Plugins that act on residents (door access, canteen) need who lives where now and who is in
# the care register with consent, without importing the register's tables (a person, a
# building, a person's categories: see the repairs block below).


async def current_residencies(person_id: int) -> list[dict[str, Any]]:
    """The person's open residencies: ``{id, dwelling_id, building_id, unit_id, role, start_date}``."""
    from core.residents.tables import Residency

    rows = await Residency.select(
        Residency.id, Residency.dwelling, Residency.role, Residency.start_date,
        Residency.dwelling.building.as_alias("building_id"), Residency.dwelling.unit.as_alias("unit_id"),
    ).where((Residency.person == person_id) & Residency.end_date.is_null()).run()
    return [{"id": r["id"], "dwelling_id": r["dwelling"], "building_id": r["building_id"],
             "unit_id": r["unit_id"], "role": r["role"], "start_date": r["start_date"]} for r in rows]


async def person_of_user(user_id: int) -> int | None:
    """The person a login is in this community (the register's resident account), or None.

    For residents' self-service in a plugin (``/me`` routes): staff link accounts in the core."""
    from core.residents.accounts import person_of_user as _person_of_user

    return await _person_of_user(user_id)


async def people_in_category(category: str, *, consented_only: bool = True) -> list[dict[str, Any]]:
    """People with an active record of ``category`` (e.g. ``elderly_alone``): ``{person_id, tier}``."""
    from core.residents.tables import Vulnerability

    where = (Vulnerability.category == category) & (Vulnerability.active == True)  # noqa: E712
    if consented_only:
        where = where & Vulnerability.consent_on.is_not_null()
    rows = await Vulnerability.select(Vulnerability.person, Vulnerability.tier).where(where).run()
    return [{"person_id": r["person"], "tier": r["tier"]} for r in rows]


# -- Private files: objects a plugin keeps for itself -------------------------------------------
# Some data must live in object storage but never be downloadable (an encrypted face image kept
# only until devices are enrolled). These go through the same checked path as uploads (size and
# checksum verified before the row, the community's quota) and can be erased at once, object
# and row, instead of waiting for the orphan collector.


async def store_private_file(*, owner_kind: str, owner_id: int, purpose: str, data: bytes,
                             content_type: str = "application/octet-stream",
                             file_name: str = "data.bin") -> int:
    """Store ``data`` as an attachment of ``owner_kind``/``owner_id``; returns its id."""
    from core.files.service import store_generated
    from core.runtime import current

    row = await store_generated(current(), current_tenant(), owner_kind=owner_kind, owner_id=owner_id,
                                purpose=purpose, data=data, content_type=content_type,
                                file_name=file_name, made_for=None)
    return int(row["id"])


async def read_private_file(attachment_id: int) -> bytes:
    """The bytes of an attachment of this community (NotFound when it is gone)."""
    from core.files.storage import storage_for
    from core.files.tables import Attachment
    from core.runtime import current

    row = await Attachment.select(Attachment.object_key).where(
        (Attachment.id == attachment_id) & Attachment.deleted_at.is_null()).first().run()
    if row is None:
        raise NotFound("no such file")
    return await storage_for(current().settings).read(row["object_key"])


async def erase_private_file(attachment_id: int) -> bool:
    """Remove the object from storage now and delete its row; False when there was none."""
    from core.files.storage import storage_for
    from core.files.tables import Attachment
    from core.runtime import current

    row = await Attachment.select(Attachment.object_key).where(
        Attachment.id == attachment_id).first().run()
    if row is None:
        return False
    await storage_for(current().settings).remove(row["object_key"])
    await Attachment.delete().where(Attachment.id == attachment_id).run()
    await audit("attachment.erased", actor_id=None, subject=f"attachment:{attachment_id}", detail={})
    return True


# -- Keys: per-plugin secret keys derived from the deployment's secret -------------------------
# A plugin that encrypts (face images, device secrets) needs a key that is never in the repo
# and differs per plugin and purpose; HKDF over LINLI_SECRET_KEY gives one without new settings.


def plugin_key(plugin_id: str, purpose: str) -> bytes:
    """A 32-byte key for ``plugin_id``/``purpose``, stable for this deployment's secret key."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    from core.runtime import current

    secret = current().settings.secret_key.encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"linli-plugin-keys",
                info=f"{plugin_id}/{purpose}".encode()).derive(secret)


__all__ += [
    "current_residencies",
    "erase_private_file",
    "people_in_category",
    "person_of_user",
    "plugin_key",
    "read_private_file",
    "store_private_file",
    "write_transaction",
]

# ---------------------------------------------------------------------------------------------
# Cases, the register and files for plugins (added with the repairs plugin, issue 6).
#
# Small wrappers over core services so that a plugin can file and move cases of its own type,
# read the places and people it refers to, and list the files on its records without importing
# core internals. Each runs with the current tenant set (a request, a job or a tenant hook) and
# inside its transaction; each raises NotFound for a missing or foreign row and InvalidInput /
# Conflict exactly as the core API does. Documented in docs/plugins/writing-a-plugin.md.
# ---------------------------------------------------------------------------------------------

__all__ += [
    "acts_for",
    "assign_case",
    "attachments_of",
    "case_feedback",
    "dwellings_of_building",
    "get_building",
    "get_case",
    "get_dwelling",
    "get_person",
    "holds",
    "is_member",
    "list_buildings",
    "open_case",
    "transition_case",
    "vulnerability_categories",
]


def holds(connection: Any, permission: str) -> bool:
    """Whether the caller's roles in the current community grant ``permission`` (never raises).

    For handlers that show more to some callers; access itself is the route's ``requires``.
    """
    from core.auth.guards import holds as _holds

    return _holds(connection, permission)


def _case_types() -> dict[str, CaseType]:
    from core.cases.routes import case_types
    from core.runtime import current

    return case_types(current())


async def open_case(
    *,
    case_type: str,
    title: str,
    description: str = "",
    channel: str = "app",
    person_id: int | None = None,
    requester_user_id: int | None = None,
    acting_user_id: int | None = None,
    dwelling_id: int | None = None,
    building_id: int | None = None,
    location_note: str = "",
    priority: str | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """File a case of a registered type (``register_case_types``) for ``person_id`` (the
    requester in the register) and/or ``requester_user_id`` (their login); ``acting_user_id`` is
    whoever entered it on their behalf. SLA clocks and grid routing are the engine's. Returns the
    case row (``id``, ``number``, ``state``, ``grid_id``, ``due_at``, …)."""
    from core.cases import engine

    return await engine.open_case(
        _case_types(), case_type=case_type, title=title, description=description, channel=channel,
        requester_person_id=person_id, requester_user_id=requester_user_id,
        acting_user_id=acting_user_id, dwelling_id=dwelling_id, building_id=building_id,
        location_note=location_note, priority=priority, extra=extra)


async def get_case(case_id: int) -> dict[str, Any]:
    """One case of the current community (NotFound otherwise)."""
    from core.cases import engine

    return await engine.get_case(case_id)


async def transition_case(case_id: int, to: str, *, actor_id: int | None, reason: str = "") -> dict[str, Any]:
    """Move a case to state ``to`` (Conflict naming the allowed states when it may not)."""
    from core.cases import engine

    return await engine.transition(_case_types(), case_id, to, actor_id=actor_id, reason=reason)


async def assign_case(case_id: int, user_id: int, *, actor_id: int | None) -> dict[str, Any]:
    """Make ``user_id`` (a member of the community) the case's assignee; an accepted or reopened
    case becomes ``assigned``."""
    from core.cases import engine

    return await engine.assign(_case_types(), case_id, user_id, actor_id=actor_id)


async def case_feedback(
    case_id: int, *, outcome: str, score: int, comment: str = "", by_user_id: int | None
) -> dict[str, Any]:
    """The requester's verdict on a resolved case: ``fixed`` / ``partly`` close it,
    ``not_fixed`` reopens it; ``score`` is 1-5."""
    from core.cases import engine

    return await engine.give_feedback(
        _case_types(), case_id, outcome=outcome, score=score, comment=comment, by_user_id=by_user_id)


async def get_building(building_id: int) -> dict[str, Any]:
    """A building of the current community: ``id``, ``name``, ``floors``, … (NotFound otherwise)."""
    from core.residents.places import get_building as _get

    return await _get(building_id)


async def get_dwelling(dwelling_id: int) -> dict[str, Any]:
    """A dwelling with ``building`` (id), ``unit``, ``number``, ``building_name`` (NotFound otherwise)."""
    from core.residents.places import get_dwelling as _get

    return await _get(dwelling_id)


async def list_buildings() -> list[dict[str, Any]]:
    """The community's buildings (``id``, ``name``), in name order — for pickers in forms."""
    from core.residents.tables import Building

    return await Building.select(Building.id, Building.name).order_by(Building.name).run()


async def dwellings_of_building(building_id: int) -> list[dict[str, Any]]:
    """The dwellings of one building (``id``, ``number``, ``unit``, ``floor``), in number order."""
    from core.residents.tables import Dwelling

    await get_building(building_id)
    return await Dwelling.select(Dwelling.id, Dwelling.number, Dwelling.unit, Dwelling.floor).where(
        Dwelling.building == building_id).order_by(Dwelling.id).run()


async def get_person(person_id: int) -> dict[str, Any]:
    """A person of the register as plugins see them: ``id``, ``name``, ``phone`` (NotFound for a
    missing or erased person). The ID number never leaves the core."""
    from core.residents.people import get_person as _get

    row = await _get(person_id)
    return {"id": row["id"], "name": row["name"], "phone": row["phone"]}


async def vulnerability_categories(person_id: int) -> list[str]:
    """The person's active categories in the vulnerability register (``elderly_alone``, …)."""
    from core.residents.tables import Vulnerability

    rows = await Vulnerability.select(Vulnerability.category).where(
        (Vulnerability.person == person_id) & Vulnerability.active.eq(True)).run()
    return sorted({r["category"] for r in rows})


async def acts_for(user_id: int, person_id: int, scope: str) -> bool:
    """Whether ``user_id`` is a registered proxy of ``person_id`` today, for ``scope`` or ``all``."""
    import datetime as dt

    from core.residents.tables import Proxy

    today = dt.date.today()
    return bool(await Proxy.exists().where(
        (Proxy.person == person_id) & (Proxy.proxy_user_id == user_id)
        & Proxy.scope.is_in(["all", scope]) & (Proxy.valid_from <= today)
        & (Proxy.valid_to.is_null() | (Proxy.valid_to >= today))).run())


async def is_member(user_id: int) -> bool:
    """Whether ``user_id`` holds any role in the current community."""
    from core.auth.tables import Membership

    return bool(await Membership.exists().where(
        (Membership.user == user_id) & (Membership.community == current_tenant().community_id)).run())


async def attachments_of(owner_kind: str, owner_id: int) -> list[dict[str, Any]]:
    """The files on one record (not removed): ``id``, ``purpose``, ``content_type``,
    ``file_name``, ``size``, ``uploaded_by``, ``uploaded_at``. No access check: the plugin
    decides who sees its record; downloads go through the core's attachments API."""
    from core.files.tables import Attachment

    return await Attachment.select(
        Attachment.id, Attachment.purpose, Attachment.content_type, Attachment.file_name,
        Attachment.size, Attachment.uploaded_by, Attachment.uploaded_at,
    ).where((Attachment.owner_kind == owner_kind) & (Attachment.owner_id == owner_id)
            & Attachment.deleted_at.is_null()).order_by(Attachment.id).run()
