"""Delivering one event to one plugin, and finding what is left to deliver.

Each (event, plugin) pair has a row in ``event_delivery`` (unique), created when the event is
dispatched, for every plugin enabled in the community at that moment. Delivering claims the
row with an UPDATE on ``status = 'pending'`` — on PostgreSQL a second delivery of the same pair
waits on that row lock and then finds it delivered; on SQLite write transactions are serial —
runs the plugin's ``handle_event`` and marks the row delivered, all in one transaction, so the
plugin's own writes and the mark commit together. A failure is recorded in a separate
transaction; after ``MAX_ATTEMPTS`` the row is dead and listed for an operator to retry.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any, Literal

from piccolo.engine.base import Engine

from core.db.engine import write_transaction
from core.events.tables import EventDelivery, OutboxEvent
from core.plugins.registry import PluginRegistry, maybe_await
from core.plugins.types import Event
from core.tenancy.context import Tenant

log = logging.getLogger("linli.events")
MAX_ATTEMPTS = 5
Outcome = Literal["delivered", "failed", "dead", "skipped"]


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_event(row: dict[str, Any]) -> Event:
    payload = row["payload"]
    if isinstance(payload, str):
        payload = json.loads(payload)
    return Event(type=row["type"], community_id=row["community_id"], payload=payload,
                 id=row["event_id"], occurred_at=row["occurred_at"], actor_id=row["actor_id"])


async def prepare(engine: Engine, registry: PluginRegistry, tenant: Tenant, *,
                  limit: int = 500) -> list[tuple[str, str]]:
    """Create delivery rows for the tenant's undispatched events; return the (event, plugin) pairs.

    Runs with ``tenant`` set. The events are marked dispatched by :func:`mark_dispatched` once
    their messages are sent, so a failed send leaves them for the next sweep.
    """
    handlers = [pid for pid, _fn in registry.impls("handle_event",
                                                    registry.active_ids(tenant.enabled_plugins))]
    async with write_transaction(engine):
        events = await OutboxEvent.select(OutboxEvent.event_id).where(
            OutboxEvent.dispatched_at.is_null()).order_by(OutboxEvent.id).limit(limit).run()
        pairs = [(e["event_id"], pid) for e in events for pid in handlers]
        if pairs:
            stamp = now()
            await EventDelivery.insert(*[
                EventDelivery(event_id=event_id, plugin_id=pid, attempts=0, updated_at=stamp)
                for event_id, pid in pairs
            ]).on_conflict(action="DO NOTHING").run()
        if events and not handlers:
            await mark_dispatched([e["event_id"] for e in events])
    return pairs


async def mark_dispatched(event_ids: list[str]) -> None:
    if event_ids:
        await OutboxEvent.update({OutboxEvent.dispatched_at: now()}).where(
            OutboxEvent.event_id.is_in(event_ids) & OutboxEvent.dispatched_at.is_null()).run()


async def deliver(engine: Engine, registry: PluginRegistry, tenant: Tenant, event_id: str,
                  plugin_id: str) -> Outcome:
    """One attempt to hand ``event_id`` to ``plugin_id``. Never raises for the plugin's errors."""
    impl = dict(registry.impls("handle_event", [plugin_id])).get(plugin_id)
    try:
        async with write_transaction(engine):
            claimed = await EventDelivery.update({
                EventDelivery.status: "delivered", EventDelivery.attempts: EventDelivery.attempts + 1,
                EventDelivery.last_error: "", EventDelivery.updated_at: now(),
            }).where(
                (EventDelivery.event_id == event_id) & (EventDelivery.plugin_id == plugin_id)
                & (EventDelivery.status == "pending")
            ).returning(EventDelivery.id).run()
            if not claimed:
                return "skipped"  # delivered, dead, or not for this plugin
            if impl is None:
                raise LookupError(f"plugin {plugin_id} is not installed")
            row = await OutboxEvent.select().where(OutboxEvent.event_id == event_id).first().run()
            if row is None:
                raise LookupError(f"event {event_id} is not in the outbox")
            await maybe_await(impl(tenant=tenant, event=as_event(row)))
        return "delivered"
    except Exception as exc:  # a plugin's failure is recorded, never propagated
        return await _record_failure(engine, event_id, plugin_id, exc)


async def _record_failure(engine: Engine, event_id: str, plugin_id: str, exc: Exception) -> Outcome:
    async with write_transaction(engine):
        row = await EventDelivery.select(EventDelivery.id, EventDelivery.attempts).where(
            (EventDelivery.event_id == event_id) & (EventDelivery.plugin_id == plugin_id)
            & (EventDelivery.status == "pending")).first().run()
        if row is None:
            return "skipped"
        attempts = row["attempts"] + 1
        status = "dead" if attempts >= MAX_ATTEMPTS else "pending"
        await EventDelivery.update({
            EventDelivery.status: status, EventDelivery.attempts: attempts,
            EventDelivery.last_error: f"{type(exc).__name__}: {exc}"[:2000],
            EventDelivery.updated_at: now(),
        }).where(EventDelivery.id == row["id"]).run()
    log.warning("event %s to plugin %s failed (attempt %d%s): %s", event_id, plugin_id, attempts,
                ", dead" if status == "dead" else "", exc)
    return "dead" if status == "dead" else "failed"


async def stale_pending(older_than: dt.timedelta, limit: int = 500) -> list[tuple[str, str]]:
    """Pending deliveries untouched for a while: their message was lost (broker down at send)."""
    rows = await EventDelivery.select(EventDelivery.event_id, EventDelivery.plugin_id).where(
        (EventDelivery.status == "pending") & (EventDelivery.updated_at < now() - older_than)
    ).order_by(EventDelivery.id).limit(limit).run()
    return [(r["event_id"], r["plugin_id"]) for r in rows]
