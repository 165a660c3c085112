"""A plugin whose every effect is a database row, so tests can count effects across processes.

* ``handle_event`` writes one ``ledger_entry`` per event it receives (no unique key on purpose:
  a duplicate delivery would show as two rows);
* ``ledger.record`` writes one row after an optional sleep (killed mid-job in the fault tests);
* ``ledger.explode`` always raises (retries, then a dead letter).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

from piccolo.columns import Text, Timestamptz, Varchar

from core.api import Event, EventPayload, EventType, Manifest, PiccoloApp, Tenant, TenantTable, hookimpl, job

manifest = Manifest(id="ledger", name_zh="记账", name_en="Ledger", version="0.1.0")


class LedgerEntry(TenantTable, tablename="ledger_entry"):
    key = Varchar(length=100, index=True)
    source = Varchar(length=20)
    detail = Text(default="")
    at = Timestamptz()


APP = PiccoloApp(
    app_name="ledger",
    table_classes=[LedgerEntry],
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    migration_dependencies=[],
)


@job("ledger.record", max_retries=3, min_backoff_ms=200)
async def record(
    key: str, sleep_seconds: float = 0.0, sleep_once_file: str = "", hold_until_file: str = ""
) -> None:
    # With ``sleep_once_file``, only the first run waits (the one a test kills); a redelivery
    # writes at once, so the time until the row appears is the redelivery time. The first run
    # waits ``sleep_seconds``, or — with ``hold_until_file`` — until that file exists (a signal
    # the test controls, so a slow machine can never let the first run finish before the kill).
    first_run = not sleep_once_file or not Path(sleep_once_file).exists()
    held = bool(sleep_seconds or hold_until_file) and first_run
    if held:
        if sleep_once_file:
            Path(sleep_once_file).touch()
        if hold_until_file:
            for _ in range(6000):  # at most 10 minutes
                if Path(hold_until_file).exists():
                    break
                await asyncio.sleep(0.1)
        else:
            await asyncio.sleep(sleep_seconds)
    # ``detail`` tells the held first run from a redelivery, so a test can see which one wrote.
    detail = "first run" if held else ""
    await LedgerEntry.insert(
        LedgerEntry(key=key, source="job", detail=detail, at=dt.datetime.now(dt.UTC))
    ).run()


@job("ledger.explode", max_retries=2, min_backoff_ms=100, max_backoff_ms=200)
async def explode(key: str) -> None:
    await LedgerEntry.insert(LedgerEntry(key=key, source="explode", at=dt.datetime.now(dt.UTC))).run()
    raise RuntimeError(f"ledger.explode {key} failed on purpose")


@hookimpl
def register_tables() -> Any:
    return APP


@hookimpl
def register_actors() -> list[Any]:
    return [record, explode]


class Batch(EventPayload, kw_only=True):
    i: int
    fail: bool = False


@hookimpl
def register_events() -> list[EventType]:
    return [EventType("ledger.batch", Batch), EventType("ledger.bulk", Batch)]


@hookimpl
async def handle_event(tenant: Tenant, event: Event) -> None:
    await LedgerEntry.insert(
        LedgerEntry(key=event.id, source="event", detail=event.type, at=dt.datetime.now(dt.UTC))
    ).run()
    if event.payload.get("fail"):  # after writing: a failure must take the write back with it
        raise RuntimeError(f"ledger refuses event {event.id} on purpose")
