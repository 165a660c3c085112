"""Kinds of records files attach to: the core's ``case`` and whatever plugins register.

Each kind (:class:`~core.plugins.types.AttachmentOwner`) decides who may see a record's files
and attach new ones, and which purposes exist with their size limits and types. Plugins declare
theirs with the ``register_attachment_owners`` hook; a plugin's kinds work only in communities
where the plugin is on.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from core.auth.principal import Principal
from core.plugins.types import AttachmentOwner, AttachmentPurpose, OwnerAccess
from core.runtime import Runtime
from core.tenancy.context import Tenant

log = logging.getLogger("linli.files")
MB = 1024 * 1024

IMAGES = ("image/jpeg", "image/png", "image/webp")


async def _case_row(case_id: int) -> dict[str, Any] | None:
    from core.cases.tables import Case

    row: dict[str, Any] | None = (
        await Case.select(Case.id, Case.requester_user_id, Case.grid_id)
        .where(Case.id == case_id)
        .first()
        .run()
    )
    return row


async def _case_visible(access: OwnerAccess) -> bool:
    from core.cases.routes import may_see_case

    if not access.has("cases.view"):
        return False
    case = await _case_row(access.owner_id)
    return case is not None and await may_see_case(
        access.principal, access.tenant, case, manager=access.has("cases.manage")
    )


async def _case_exists(case_id: int) -> bool:
    return await _case_row(case_id) is not None


CASE_OWNER = AttachmentOwner(
    kind="case",
    can_see=_case_visible,
    exists=_case_exists,
    purposes=(
        AttachmentPurpose("photo", 10 * MB, IMAGES),
        AttachmentPurpose("document", 20 * MB, ("application/pdf", *IMAGES, "image/svg+xml", "text/plain")),
    ),
)


class OwnerKinds:
    """Every known kind, with the plugin that declared it (None for the core's)."""

    def __init__(self, runtime: Runtime):
        self.runtime = runtime
        self.kinds: dict[str, tuple[str | None, AttachmentOwner]] = {
            kind: (None if c.plugin_id == "core" else c.plugin_id, c.item)
            for kind, c in runtime.registry.contributions.attachment_owners.items()
        }

    def get(self, kind: str, tenant: Tenant | None = None) -> AttachmentOwner | None:
        """The kind, if it exists and (for a plugin's kind) its plugin runs for ``tenant``."""
        entry = self.kinds.get(kind)
        if entry is None:
            return None
        plugin_id, owner = entry
        if (
            plugin_id is not None
            and tenant is not None
            and plugin_id not in self.runtime.registry.active_ids(tenant.enabled_plugins)
        ):
            return None
        return owner

    def names(self, tenant: Tenant | None = None) -> list[str]:
        return sorted(k for k in self.kinds if self.get(k, tenant) is not None)


_cache: dict[int, tuple[Runtime, OwnerKinds]] = {}


def owner_kinds(runtime: Runtime) -> OwnerKinds:
    hit = _cache.get(id(runtime))
    if hit is None or hit[0] is not runtime:
        hit = _cache[id(runtime)] = (runtime, OwnerKinds(runtime))
    return hit[1]


def access_for(runtime: Runtime, principal: Principal, tenant: Tenant, owner_id: int) -> OwnerAccess:
    permissions: set[str] = set()
    for role in principal.roles_in(tenant):
        permissions |= runtime.roles.permissions_of(role)
    return OwnerAccess(
        principal=principal, tenant=tenant, owner_id=owner_id, permissions=frozenset(permissions)
    )


async def _answer(check: Callable[..., bool | Awaitable[bool]], *args: Any) -> bool:
    result = check(*args)
    if inspect.isawaitable(result):
        result = await result
    return bool(result)


async def may_see(owner: AttachmentOwner, access: OwnerAccess) -> bool:
    return await _answer(owner.can_see, access)


async def may_attach(owner: AttachmentOwner, access: OwnerAccess) -> bool:
    return await _answer(owner.can_attach or owner.can_see, access)


async def still_exists(owner: AttachmentOwner, owner_id: int) -> bool | None:
    """Whether the record is still there; None when the kind cannot tell."""
    if owner.exists is None:
        return None
    return await _answer(owner.exists, owner_id)


# -- results of long jobs (exports) -------------------------------------------------------------


async def _run_row(run_id: int) -> dict[str, Any] | None:
    from core.jobs.tables import JobRun

    row: dict[str, Any] | None = (
        await JobRun.select(JobRun.id, JobRun.requested_by).where(JobRun.id == run_id).first().run()
    )
    return row


async def _run_visible(access: OwnerAccess) -> bool:
    """An export holds personal data: its requester sees it, and staff who oversee jobs."""
    run = await _run_row(access.owner_id)
    if run is None:
        return False
    return run["requested_by"] == access.principal.user_id or access.has("events.view")


async def _run_exists(run_id: int) -> bool:
    return await _run_row(run_id) is not None


JOB_RESULT_OWNER = AttachmentOwner(
    kind="job_run",
    can_see=_run_visible,
    can_attach=lambda _access: False,  # only the platform writes results
    exists=_run_exists,
    purposes=(
        AttachmentPurpose(
            "result",
            500 * MB,
            (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "text/csv",
                "application/pdf",
            ),
        ),
    ),
)

# The core's kinds (read when a runtime's OwnerKinds is built).
CORE_OWNERS: tuple[AttachmentOwner, ...] = (CASE_OWNER, JOB_RESULT_OWNER)
