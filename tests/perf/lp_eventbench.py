"""The plugin of bench_events.py: its handle_event does the bare actor's no-op (record latency)."""

from __future__ import annotations

import os
import time

import redis

from core.api import Event, Manifest, Tenant, hookimpl

manifest = Manifest(id="eventbench", name_zh="事件压测", name_en="Event bench", version="0.1.0")
_stats: redis.Redis | None = None


@hookimpl
def handle_event(tenant: Tenant, event: Event) -> None:
    global _stats
    if _stats is None:
        _stats = redis.Redis.from_url(os.environ["BENCH_REDIS_URL"])
    _stats.rpush("bench:lat", time.time() - event.occurred_at.timestamp())
    _stats.incr("bench:done")
