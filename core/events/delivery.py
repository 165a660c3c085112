"""Delivering one event to one plugin, and finding what is left to deliver.

Each (event, plugin) pair has a row in ``event_delivery`` (unique), created when the event is
dispatched, for every plugin enabled in the community at that moment. Delivering claims the
row with an UPDATE on ``status = 'pending'`` — on PostgreSQL a second delivery of the same pair
waits on that row lock and then finds it delivered; on SQLite write transactions are serial —
runs the plugin's ``handle_event`` and marks the row delivered, all in one transaction, so the
plugin's own writes and the mark commit together. A failure is recorded in a separate
transaction; after ``MAX_ATTEMPTS`` the row is dead and listed for an operator to retry.

Batching: the transaction that delivers one pair also claims up to ``BATCH - 1`` more fresh
pending deliveries of the same plugin in the community (``SKIP LOCKED`` on PostgreSQL, so two
workers never wait on each other's batch) and hands each to the plugin inside a savepoint. A
mate that fails is rolled back to its savepoint and left pending for its own message, which
then takes the normal retry path. Pairs this process delivered are remembered, so their own
messages, when they arrive, are acknowledged without a query. Still one message per (event,
plugin); the batch only shares one transaction and one read of the outbox among them.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import OrderedDict
from typing import Any, Literal

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine

from core.db.engine import write_transaction
from core.events.tables import EventDelivery, OutboxEvent
from core.plugins.registry import PluginRegistry, maybe_await
from core.plugins.types import Event
from core.tenancy.context import Tenant

log = logging.getLogger("linli.events")
MAX_ATTEMPTS = 5
BATCH = 100
_REMEMBERED = 20_000
# (event id, plugin id) pairs this process delivered and committed, oldest first.
_delivered: OrderedDict[tuple[str, str], None] = OrderedDict()


def _remember(pairs: list[tuple[str, str]]) -> None:
    for pair in pairs:
        _delivered[pair] = None
    while len(_delivered) > _REMEMBERED:
        _delivered.popitem(last=False)


Outcome = Literal["delivered", "failed", "dead", "skipped"]


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_event(row: dict[str, Any]) -> Event:
    payload = row["payload"]
    if isinstance(payload, str):
        payload = json.loads(payload)
    return Event(
        type=row["type"],
        community_id=row["community_id"],
        payload=payload,
        id=row["event_id"],
        occurred_at=row["occurred_at"],
        actor_id=row["actor_id"],
    )


async def prepare(
    engine: Engine, registry: PluginRegistry, tenant: Tenant, *, limit: int = 500
) -> list[tuple[str, str]]:
    """Create delivery rows for the tenant's undispatched events; return the (event, plugin) pairs.

    Runs with ``tenant`` set. The events are marked dispatched by :func:`mark_dispatched` once
    their messages are sent, so a failed send leaves them for the next sweep.
    """
    handlers = [
        pid for pid, _fn in registry.impls("handle_event", registry.active_ids(tenant.enabled_plugins))
    ]
    async with write_transaction(engine):
        events = (
            await OutboxEvent.select(OutboxEvent.event_id)
            .where(OutboxEvent.dispatched_at.is_null())
            .order_by(OutboxEvent.id)
            .limit(limit)
            .run()
        )
        pairs = [(e["event_id"], pid) for e in events for pid in handlers]
        if pairs:
            stamp = now()
            for start in range(0, len(pairs), 1000):  # under PostgreSQL's bind-parameter limit
                await (
                    EventDelivery.insert(
                        *[
                            EventDelivery(event_id=event_id, plugin_id=pid, attempts=0, updated_at=stamp)
                            for event_id, pid in pairs[start : start + 1000]
                        ]
                    )
                    .on_conflict(action="DO NOTHING")
                    .run()
                )
        if events and not handlers:
            await mark_dispatched([e["event_id"] for e in events])
    return pairs


async def mark_dispatched(event_ids: list[str]) -> None:
    if event_ids:
        await (
            OutboxEvent.update({OutboxEvent.dispatched_at: now()})
            .where(OutboxEvent.event_id.is_in(event_ids) & OutboxEvent.dispatched_at.is_null())
            .run()
        )


async def deliver(
    engine: Engine,
    registry: PluginRegistry,
    tenant: Tenant,
    event_id: str,
    plugin_id: str,
    *,
    batch: bool = True,
) -> Outcome:
    """One attempt to hand ``event_id`` to ``plugin_id`` (with fresh batch-mates unless
    ``batch`` is false). Never raises for the plugin's errors."""
    if (event_id, plugin_id) in _delivered:
        return "skipped"  # this process delivered it in an earlier batch
    impl = dict(registry.impls("handle_event", [plugin_id])).get(plugin_id)
    try:
        async with write_transaction(engine) as tx:
            if not await _claim(event_id, plugin_id):
                return "skipped"  # delivered, dead, or not for this plugin
            if impl is None:
                raise LookupError(f"plugin {plugin_id} is not installed")
            mates = await _claim_mates(engine, plugin_id, BATCH - 1) if batch else []
            rows = {
                r["event_id"]: r
                for r in await OutboxEvent.select()
                .where(OutboxEvent.event_id.is_in([event_id, *mates]))
                .run()
            }
            if event_id not in rows:
                raise LookupError(f"event {event_id} is not in the outbox")
            await maybe_await(impl(tenant=tenant, event=as_event(rows[event_id])))
            done = [(event_id, plugin_id)] + [
                (mate, plugin_id)
                for mate in mates
                if await _deliver_mate(tx, impl, tenant, rows.get(mate), mate, plugin_id)
            ]
        _remember(done)
        return "delivered"
    except Exception as exc:  # a plugin's failure is recorded, never propagated
        return await _record_failure(engine, event_id, plugin_id, exc)


async def _claim(event_id: str, plugin_id: str) -> bool:
    claimed = (
        await EventDelivery.update(
            {
                EventDelivery.status: "delivered",
                EventDelivery.attempts: EventDelivery.attempts + 1,
                EventDelivery.last_error: "",
                EventDelivery.updated_at: now(),
            }
        )
        .where(
            (EventDelivery.event_id == event_id)
            & (EventDelivery.plugin_id == plugin_id)
            & (EventDelivery.status == "pending")
        )
        .returning(EventDelivery.id)
        .run()
    )
    return bool(claimed)


async def _claim_mates(engine: Engine, plugin_id: str, limit: int) -> list[str]:
    """Mark up to ``limit`` fresh pending deliveries of ``plugin_id`` here as delivered (in the
    open transaction) and return their event ids; rows another transaction holds are skipped."""
    query = (
        EventDelivery.select(EventDelivery.id, EventDelivery.event_id)
        .where(
            (EventDelivery.plugin_id == plugin_id)
            & (EventDelivery.status == "pending")
            & (EventDelivery.attempts == 0)
        )
        .order_by(EventDelivery.id)
        .limit(limit)
    )
    if isinstance(engine, PostgresEngine):
        query = query.lock_rows("UPDATE", skip_locked=True)
    rows = await query.run()
    if rows:
        await (
            EventDelivery.update(
                {
                    EventDelivery.status: "delivered",
                    EventDelivery.attempts: 1,
                    EventDelivery.updated_at: now(),
                }
            )
            .where(EventDelivery.id.is_in([r["id"] for r in rows]))
            .run()
        )
    return [r["event_id"] for r in rows]


async def _deliver_mate(
    tx: Any, impl: Any, tenant: Tenant, row: dict[str, Any] | None, event_id: str, plugin_id: str
) -> bool:
    """Run one batch-mate in a savepoint; on failure undo its writes and leave it pending."""
    savepoint = await tx.savepoint()
    try:
        if row is None:
            raise LookupError(f"event {event_id} is not in the outbox")
        await maybe_await(impl(tenant=tenant, event=as_event(row)))
    except Exception as exc:
        await savepoint.rollback_to()
        await (
            EventDelivery.update({EventDelivery.status: "pending", EventDelivery.attempts: 0})
            .where((EventDelivery.event_id == event_id) & (EventDelivery.plugin_id == plugin_id))
            .run()
        )
        log.info(
            "event %s to plugin %s failed in a batch; left for its own message: %s", event_id, plugin_id, exc
        )
        return False
    await savepoint.release()
    return True


async def _record_failure(engine: Engine, event_id: str, plugin_id: str, exc: Exception) -> Outcome:
    async with write_transaction(engine):
        row = (
            await EventDelivery.select(EventDelivery.id, EventDelivery.attempts)
            .where(
                (EventDelivery.event_id == event_id)
                & (EventDelivery.plugin_id == plugin_id)
                & (EventDelivery.status == "pending")
            )
            .first()
            .run()
        )
        if row is None:
            return "skipped"
        attempts = row["attempts"] + 1
        status = "dead" if attempts >= MAX_ATTEMPTS else "pending"
        await (
            EventDelivery.update(
                {
                    EventDelivery.status: status,
                    EventDelivery.attempts: attempts,
                    EventDelivery.last_error: f"{type(exc).__name__}: {exc}"[:2000],
                    EventDelivery.updated_at: now(),
                }
            )
            .where(EventDelivery.id == row["id"])
            .run()
        )
    log.warning(
        "event %s to plugin %s failed (attempt %d%s): %s",
        event_id,
        plugin_id,
        attempts,
        ", dead" if status == "dead" else "",
        exc,
    )
    return "dead" if status == "dead" else "failed"


async def stale_pending(older_than: dt.timedelta, limit: int = 500) -> list[tuple[str, str]]:
    """Pending deliveries untouched for a while: their message was lost (broker down at send)."""
    rows = (
        await EventDelivery.select(EventDelivery.event_id, EventDelivery.plugin_id)
        .where((EventDelivery.status == "pending") & (EventDelivery.updated_at < now() - older_than))
        .order_by(EventDelivery.id)
        .limit(limit)
        .run()
    )
    return [(r["event_id"], r["plugin_id"]) for r in rows]
