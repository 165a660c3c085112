"""``emit`` writes an event in the caller's transaction; ``deliver_pending`` hands it to plugins.

Delivery is at least once and per plugin: each (event, plugin) pair has a row in
``event_delivery``, so a plugin that raises is retried on its own, and after
``MAX_ATTEMPTS`` it is marked dead and listed, while every other plugin already has the event.
The background worker (issue 4) calls :func:`deliver_pending`; tests call it directly.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable
from typing import Any

from piccolo.engine.base import Engine

from core.db.engine import write_transaction
from core.events.tables import EventDelivery, OutboxEvent
from core.plugins.registry import PluginRegistry, maybe_await
from core.plugins.types import Event
from core.tenancy.context import Tenant, current_tenant, tenant_scope

log = logging.getLogger("linli.events")
MAX_ATTEMPTS = 5


async def emit(event_type: str, payload: dict[str, Any] | None = None, *,
               actor_id: int | None = None) -> Event:
    """Record a domain event for the current tenant, in the current transaction."""
    tenant = current_tenant()
    event = Event(type=event_type, community_id=tenant.community_id, payload=payload or {},
                  actor_id=actor_id)
    await OutboxEvent.insert(OutboxEvent(
        event_id=event.id, type=event.type, payload=event.payload, actor_id=actor_id,
        occurred_at=event.occurred_at)).run()
    return event


async def emit_many(events: list[Event]) -> None:
    """Record many events of the current tenant in one insert (bulk operations such as imports)."""
    tenant = current_tenant()
    if any(e.community_id != tenant.community_id for e in events):
        raise ValueError("events of another community")
    if events:
        await OutboxEvent.insert(*[OutboxEvent(
            event_id=e.id, type=e.type, payload=e.payload, actor_id=e.actor_id,
            occurred_at=e.occurred_at) for e in events]).run()


def _as_event(row: dict[str, Any]) -> Event:
    payload = row["payload"]
    if isinstance(payload, str):
        payload = json.loads(payload)
    return Event(type=row["type"], community_id=row["community_id"], payload=payload,
                 id=row["event_id"], occurred_at=row["occurred_at"], actor_id=row["actor_id"])


async def deliver_pending(engine: Engine, registry: PluginRegistry, tenants: Iterable[Tenant],
                          *, limit: int = 500) -> int:
    """Deliver unsettled events of each tenant to its active plugins. Returns deliveries made."""
    delivered = 0
    for tenant in tenants:
        with tenant_scope(tenant):
            async with engine.transaction():
                rows = await OutboxEvent.select().where(
                    OutboxEvent.settled_at.is_null()).order_by(OutboxEvent.id).limit(limit).run()
            for row in rows:
                delivered += await _deliver_one(engine, registry, tenant, _as_event(row))
    return delivered


async def _deliver_one(engine: Engine, registry: PluginRegistry, tenant: Tenant, event: Event) -> int:
    active = registry.active_ids(tenant.enabled_plugins)
    done = 0
    unsettled = False
    for plugin_id, fn in registry.impls("handle_event", active):
        async with write_transaction(engine):
            state = await EventDelivery.objects().where(
                (EventDelivery.event_id == event.id) & (EventDelivery.plugin_id == plugin_id)
            ).first().run()
            if state is not None and state.status in ("delivered", "dead"):
                continue
            if state is None:
                state = EventDelivery(event_id=event.id, plugin_id=plugin_id, attempts=0,
                                      updated_at=_now())
                await state.save().run()
        # The handler gets its own transaction: its writes and the "delivered" mark commit
        # together, so a crash in between redelivers and the handler's idempotency absorbs it.
        try:
            async with write_transaction(engine):
                await maybe_await(fn(tenant=tenant, event=event))
                await EventDelivery.update({
                    EventDelivery.status: "delivered", EventDelivery.attempts: state.attempts + 1,
                    EventDelivery.last_error: "", EventDelivery.updated_at: _now(),
                }).where(EventDelivery.id == state.id).run()
            done += 1
        except Exception as exc:  # a plugin's failure is recorded, never propagated
            attempts = state.attempts + 1
            status = "dead" if attempts >= MAX_ATTEMPTS else "pending"
            log.warning("event %s to plugin %s failed (attempt %d): %s",
                        event.id, plugin_id, attempts, exc)
            async with write_transaction(engine):
                await EventDelivery.update({
                    EventDelivery.status: status, EventDelivery.attempts: attempts,
                    EventDelivery.last_error: f"{type(exc).__name__}: {exc}"[:2000],
                    EventDelivery.updated_at: _now(),
                }).where(EventDelivery.id == state.id).run()
            if status == "pending":
                unsettled = True
    if not unsettled:
        async with write_transaction(engine):
            await OutboxEvent.update({OutboxEvent.settled_at: _now()}).where(
                OutboxEvent.event_id == event.id).run()
    return done


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


__all__ = ["MAX_ATTEMPTS", "current_tenant", "deliver_pending", "emit", "emit_many"]
