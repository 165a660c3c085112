"""The plugin of bench_events.py: its handle_event does the bare actor's no-op (record latency).

The bare actor runs on dramatiq's worker threads and records with the blocking redis client;
Linli's handlers run on the worker's event loop, so the same no-op is written the way an async
plugin does its I/O, with redis' asyncio client (a blocking call here would stall the loop).
"""

from __future__ import annotations

import os
import time

import redis.asyncio as aioredis

from core.api import Event, EventPayload, EventType, Manifest, Tenant, hookimpl

manifest = Manifest(id="eventbench", name_zh="事件压测", name_en="Event bench", version="0.1.0")
_stats: aioredis.Redis | None = None


class Ping(EventPayload, kw_only=True):
    i: int


@hookimpl
def register_events() -> list[EventType]:
    return [EventType("eventbench.ping", Ping), EventType("eventbench.burst", Ping)]


@hookimpl
async def handle_event(tenant: Tenant, event: Event) -> None:
    global _stats
    if _stats is None:
        _stats = aioredis.Redis.from_url(os.environ["BENCH_REDIS_URL"])
    async with _stats.pipeline(transaction=False) as pipe:
        pipe.rpush("bench:lat", time.time() - event.occurred_at.timestamp())
        pipe.incr("bench:done")
        await pipe.execute()
