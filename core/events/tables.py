"""The outbox and its delivery log: tenant-owned, so RLS guards them like any other tenant row."""

from __future__ import annotations

from piccolo.columns import JSON, Integer, Text, Timestamptz, Varchar

from core.db.tenant import TenantTable


class OutboxEvent(TenantTable, tablename="outbox_event"):
    event_id = Varchar(length=36, unique=True)
    type = Varchar(length=100)
    payload = JSON(default="{}")
    actor_id = Integer(null=True, default=None)
    occurred_at = Timestamptz()
    # Set once a delivery row exists (and, with a broker, a message was sent) for every plugin
    # enabled at that time; until then the dispatcher's sweep picks the event up again.
    dispatched_at = Timestamptz(null=True, default=None, index=True)


class EventDelivery(TenantTable, tablename="event_delivery"):
    """One row per (event, plugin): the idempotency key and the visible dead-letter list."""

    event_id = Varchar(length=36, index=True)
    plugin_id = Varchar(length=64)
    status = Varchar(length=16, default="pending")  # pending / delivered / dead
    attempts = Integer(default=0)
    last_error = Text(default="")
    updated_at = Timestamptz()
