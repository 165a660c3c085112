"""The append-only audit log: who did what, where, when, and why.

On PostgreSQL the app role may only INSERT and SELECT here (see :mod:`core.db.rls`), so not even
a compromised app process can rewrite history.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from piccolo.columns import JSON, Integer, Timestamptz, Varchar

from core.db.base import LinliTable
from core.tenancy.context import current_tenant_id


class AuditEntry(LinliTable, tablename="audit_entry"):
    at = Timestamptz()
    actor_id = Integer(null=True, default=None)
    community_id = Integer(null=True, default=None, index=True)
    office_id = Integer(null=True, default=None)
    action = Varchar(length=100)
    subject = Varchar(length=200, default="")
    purpose = Varchar(length=200, default="")
    detail = JSON(default="{}")


async def audit(
    action: str,
    *,
    actor_id: int | None,
    subject: str = "",
    purpose: str = "",
    community_id: int | None = None,
    office_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Record one entry, in the caller's transaction when there is one."""
    await AuditEntry.insert(
        AuditEntry(
            at=dt.datetime.now(dt.UTC),
            actor_id=actor_id,
            community_id=community_id if community_id is not None else current_tenant_id(),
            office_id=office_id,
            action=action,
            subject=subject,
            purpose=purpose,
            detail=detail or {},
        )
    ).run()
