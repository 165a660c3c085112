"""One person's door access data: exported on request, erased on request, and the whole
community's removed when the module's data is purged."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.api import erase_private_file
from plugins.door_access import credentials, grants
from plugins.door_access.events import search
from plugins.door_access.holders import person_holder
from plugins.door_access.sync import plan_and_send


async def export_person(person_id: int) -> dict[str, Any]:
    return {
        "grants": await grants.grants_of(person_id),
        "credentials": await credentials.list_for(person_id),
        "access_log": await search(person_id=person_id, limit=500),
    }


async def erase_person(person_id: int) -> int:
    """Credentials revoked and wiped (off every device), grants ended, the log kept without the
    person, welfare checks deleted; returns the records touched."""
    from plugins.door_access.tables import AccessEvent, Credential, Grant, WelfareCheck

    touched = await credentials.revoke_all_credentials(person_id, reason="erased")
    await (
        Grant.update({Grant.revoked_at: dt.datetime.now(dt.UTC)})
        .where((Grant.person_id == person_id) & Grant.revoked_at.is_null())
        .run()
    )
    await plan_and_send(person_holder(person_id))
    touched += await AccessEvent.count().where(AccessEvent.person_id == person_id).run()
    await AccessEvent.update({AccessEvent.person_id: None}).where(AccessEvent.person_id == person_id).run()
    await (
        Credential.update({Credential.card_number: "", Credential.secret_hash: ""})
        .where(Credential.person_id == person_id)
        .run()
    )
    await WelfareCheck.delete().where(WelfareCheck.person_id == person_id).run()
    return touched


async def purge_community() -> int:
    """Every row of the module in the current community, face images first; returns rows deleted."""
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
