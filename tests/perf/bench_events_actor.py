"""The baseline of bench_events.py: a bare dramatiq actor doing the same no-op on the same broker."""

from __future__ import annotations

import os
import time

import dramatiq
import redis
from dramatiq.brokers.redis import RedisBroker

STATS = redis.Redis.from_url(os.environ["BENCH_REDIS_URL"])
broker = RedisBroker(url=os.environ["BENCH_BROKER_URL"])
dramatiq.set_broker(broker)


@dramatiq.actor(queue_name="bare", max_retries=0)
def bare_noop(sent_at: float) -> None:
    STATS.rpush("bench:lat", time.time() - sent_at)
    STATS.incr("bench:done")
