"""The jobs that move events from the outbox to the plugins.

* ``core.events.dispatch`` (one community): creates the delivery rows of its undispatched
  events and sends one ``core.events.deliver`` message per (event, plugin), then marks the
  events dispatched. Sent after every commit that emitted events.
* ``core.events.deliver`` (one event, one plugin): one attempt; a failure raises so dramatiq
  retries with backoff, until the delivery row is dead (``MAX_ATTEMPTS``).
* ``core.events.sweep`` (platform, every minute from the scheduler): wakes the dispatcher of
  every community with undispatched events and re-sends deliveries whose message was lost —
  this is what delivers the events written while the broker was down.
"""

from __future__ import annotations

import datetime as dt
import logging

from core.db.engine import write_transaction
from core.events import delivery
from core.events.tables import EventDelivery, OutboxEvent
from core.jobs.spec import job
from core.runtime import current
from core.tenancy.context import current_tenant, tenant_scope

log = logging.getLogger("linli.events")
STALE_AFTER = dt.timedelta(minutes=2)


class DeliveryFailed(Exception):
    """Raised to make dramatiq retry a delivery the plugin failed."""


@job("core.events.dispatch", queue="events", atomic=False, max_retries=10)
async def dispatch() -> int:
    runtime, tenant = current(), current_tenant()
    pairs = await delivery.prepare(runtime.engine, runtime.registry, tenant)
    await _send_all(pairs)
    async with write_transaction(runtime.engine):
        await delivery.mark_dispatched(sorted({event_id for event_id, _ in pairs}))
        more = await OutboxEvent.exists().where(OutboxEvent.dispatched_at.is_null()).run()
    if more:  # a batch was full (or events arrived meanwhile): go on in a fresh message
        from core.jobs.queue import current_queue

        await current_queue().send(dispatch, {})
    return len(pairs)


@job(
    "core.events.deliver",
    queue="events",
    atomic=False,
    max_retries=delivery.MAX_ATTEMPTS + 3,
    min_backoff_ms=500,
    max_backoff_ms=60_000,
)
async def deliver(event_id: str, plugin_id: str) -> str:
    runtime = current()
    outcome = await delivery.deliver(runtime.engine, runtime.registry, current_tenant(), event_id, plugin_id)
    if outcome == "failed":
        raise DeliveryFailed(f"plugin {plugin_id} failed event {event_id}; will retry")
    return outcome


@job("core.events.sweep", queue="events", tenant=False, atomic=False, max_retries=0)
async def sweep() -> dict[str, int]:
    runtime = current()
    from core.jobs.queue import current_queue

    woken = resent = 0
    for tenant in await runtime.tenants.all_active():
        with tenant_scope(tenant):
            async with write_transaction(runtime.engine):
                waiting = await OutboxEvent.exists().where(OutboxEvent.dispatched_at.is_null()).run()
                stale = await delivery.stale_pending(STALE_AFTER)
                if stale:
                    await (
                        EventDelivery.update({EventDelivery.updated_at: delivery.now()})
                        .where(
                            (EventDelivery.status == "pending")
                            & EventDelivery.event_id.is_in([e for e, _ in stale])
                        )
                        .run()
                    )
            if waiting:
                await current_queue().send(dispatch, {})
                woken += 1
            await _send_all(stale)
            resent += len(stale)
    return {"communities_woken": woken, "deliveries_resent": resent}


async def _send_all(pairs: list[tuple[str, str]]) -> None:
    from core.jobs.queue import current_queue

    if pairs:
        await current_queue().send_many(
            deliver, [{"event_id": event_id, "plugin_id": plugin_id} for event_id, plugin_id in pairs]
        )


async def redeliver_after_commit(event_id: str, plugin_id: str) -> None:
    """An operator retried a dead delivery: send it once the reset commits (the sweep, if not)."""
    from core.jobs.queue import current_queue_or_none

    if current_queue_or_none() is not None:
        await deliver.send_after_commit(event_id=event_id, plugin_id=plugin_id)


EVENT_JOBS = [dispatch, deliver, sweep]
