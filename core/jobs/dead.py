"""Dead jobs: listing them and sending them again (shared by the API and ``linli jobs``)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from core.errors import Conflict, NotFound
from core.jobs.queue import current_queue
from core.jobs.tables import DeadJob

LIST_COLUMNS = (
    DeadJob.id,
    DeadJob.message_id,
    DeadJob.actor,
    DeadJob.queue,
    DeadJob.community_id,
    DeadJob.attempts,
    DeadJob.error,
    DeadJob.failed_at,
    DeadJob.retried_at,
)


async def list_dead(
    *, community_id: int | None = None, include_retried: bool = False, limit: int = 100
) -> list[dict[str, Any]]:
    query = DeadJob.select(*LIST_COLUMNS)
    if community_id is not None:
        query = query.where(DeadJob.community_id == community_id)
    if not include_retried:
        query = query.where(DeadJob.retried_at.is_null())
    rows = await query.order_by(DeadJob.id, ascending=False).limit(limit).run()
    for row in rows:  # the last line of a traceback says what went wrong
        lines = (row["error"] or "").strip().splitlines()
        row["error"] = lines[-1] if lines else ""
    return rows


async def retry_dead(dead_id: int, *, community_id: int | None = None) -> dict[str, Any]:
    """Send a dead job again with a fresh retry count; the row is kept, stamped ``retried_at``."""
    query = DeadJob.select().where(DeadJob.id == dead_id)
    if community_id is not None:
        query = query.where(DeadJob.community_id == community_id)
    row = await query.first().run()
    if row is None:
        raise NotFound("no such dead job")
    if row["retried_at"] is not None:
        raise Conflict("this dead job was already retried")
    message = row["message"]
    if isinstance(message, str):
        message = json.loads(message)
    await current_queue().requeue(message)
    await DeadJob.update({DeadJob.retried_at: dt.datetime.now(dt.UTC)}).where(DeadJob.id == dead_id).run()
    return {"id": dead_id, "message_id": row["message_id"], "actor": row["actor"], "status": "requeued"}
