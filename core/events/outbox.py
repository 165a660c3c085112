"""``emit`` writes an event in the caller's transaction; delivery happens after it commits.

Writing the event in the same transaction as the change it describes is what makes delivery
reliable: if the request rolls back there is no event, if it commits the event is there even
when the broker is down. After the commit, a ``core.events.dispatch`` job is sent for the
community (best effort); the scheduler's sweep catches whatever that missed.
:func:`deliver_pending` delivers without a broker, in-process (tests, scripts).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

from piccolo.engine.base import Engine

from core.db.after_commit import on_commit
from core.events import delivery
from core.events.tables import EventDelivery, OutboxEvent
from core.plugins.registry import PluginRegistry
from core.plugins.types import Event
from core.tenancy.context import Tenant, current_tenant, tenant_scope

log = logging.getLogger("linli.events")
MAX_ATTEMPTS = delivery.MAX_ATTEMPTS


async def emit(
    event_type: str, payload: dict[str, Any] | None = None, *, actor_id: int | None = None
) -> Event:
    """Record a domain event for the current tenant, in the current transaction. The event must
    be declared (``register_events``) and its payload match the declaration (UndeclaredEvent)."""
    tenant = current_tenant()
    _check(event_type, payload or {})
    event = Event(type=event_type, community_id=tenant.community_id, payload=payload or {}, actor_id=actor_id)
    await OutboxEvent.insert(
        OutboxEvent(
            event_id=event.id,
            type=event.type,
            payload=event.payload,
            actor_id=actor_id,
            occurred_at=event.occurred_at,
        )
    ).run()
    _wake_dispatcher(tenant)
    return event


INSERT_CHUNK = 1000


async def emit_many(events: list[Event]) -> None:
    """Record many events of the current tenant in one insert (bulk operations such as imports)."""
    tenant = current_tenant()
    if any(e.community_id != tenant.community_id for e in events):
        raise ValueError("events of another community")
    for e in events:
        _check(e.type, e.payload)
    from core.db.bulk import insert_events

    rows = [
        (e.id, e.type, json.dumps(e.payload, ensure_ascii=False), e.actor_id, e.occurred_at) for e in events
    ]
    # Chunks keep memory flat for imports of tens of thousands of rows.
    for start in range(0, len(rows), INSERT_CHUNK):
        await insert_events(
            ("event_id", "type", "payload", "actor_id", "occurred_at"), rows[start : start + INSERT_CHUNK]
        )
    if events:
        _wake_dispatcher(tenant)


def _check(event_type: str, payload: dict[str, Any]) -> None:
    """Against the declarations of the running Linli (none is running in a bare script: then
    nothing is checked, as nothing is delivered either)."""
    from core import runtime
    from core.events.catalog import check

    if runtime._current is not None:
        check(runtime._current.registry.contributions.events, event_type, payload)


def _wake_dispatcher(tenant: Tenant) -> None:
    from core.jobs.queue import current_queue_or_none

    queue = current_queue_or_none()
    if queue is None:
        return

    async def wake() -> None:
        from core.events.jobs import dispatch

        try:
            await queue.send(dispatch, {}, tenant=tenant)
        except Exception as exc:  # the event is safe in the outbox; the sweep will send it
            log.info("dispatcher not woken for community %s: %s", tenant.slug, exc)

    on_commit(_Once(tenant.community_id, wake))


class _Once:
    """An after-commit callback equal to any other for the same community: one wake per commit."""

    def __init__(self, community_id: int, fn: Any):
        self.community_id, self.fn = community_id, fn

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Once) and other.community_id == self.community_id

    def __hash__(self) -> int:
        return hash(self.community_id)

    async def __call__(self) -> None:
        await self.fn()


async def deliver_pending(
    engine: Engine, registry: PluginRegistry, tenants: Iterable[Tenant], *, limit: int = 500
) -> int:
    """In-process delivery: one attempt for every pending (event, plugin). Returns deliveries made."""
    delivered = 0
    for tenant in tenants:
        with tenant_scope(tenant):
            pairs = await delivery.prepare(engine, registry, tenant, limit=limit)
            await _mark(engine, sorted({event_id for event_id, _ in pairs}))
            async with engine.transaction():  # on PostgreSQL, RLS sees the tenant only in one
                pending = (
                    await EventDelivery.select(EventDelivery.event_id, EventDelivery.plugin_id)
                    .where(EventDelivery.status == "pending")
                    .order_by(EventDelivery.id)
                    .limit(limit)
                    .run()
                )
            for row in pending:
                outcome = await delivery.deliver(
                    engine, registry, tenant, row["event_id"], row["plugin_id"], batch=False
                )
                delivered += outcome == "delivered"
    return delivered


async def _mark(engine: Engine, event_ids: list[str]) -> None:
    from core.db.engine import write_transaction

    if event_ids:
        async with write_transaction(engine):
            await delivery.mark_dispatched(event_ids)


__all__ = ["MAX_ATTEMPTS", "current_tenant", "deliver_pending", "emit", "emit_many"]
