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
    # Set once every plugin enabled at delivery time has it (delivered or dead).
    settled_at = Timestamptz(null=True, default=None, index=True)


class EventDelivery(TenantTable, tablename="event_delivery"):
    """One row per (event, plugin): the idempotency key and the visible dead-letter list."""

    event_id = Varchar(length=36, index=True)
    plugin_id = Varchar(length=64)
    status = Varchar(length=16, default="pending")  # pending / delivered / dead
    attempts = Integer(default=0)
    last_error = Text(default="")
    updated_at = Timestamptz()
