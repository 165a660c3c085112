"""Failed attempts per client address (logins, invitation codes, password changes), shared by
every app process.

Per-account lockout (stored on the user row) is the durable defence; this one slows a single
address spraying many accounts or codes. Only *failures* count, so people behind one shared
address (an office, a mobile carrier's gateway) are never locked out by logging in. The count
lives where every app process sees it: in Redis when the job broker is Redis (the embedded
profile's private one included), otherwise in the database (``login_failure``).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from typing import Any, Protocol

log = logging.getLogger("linli.auth")


class AttemptLimiter(Protocol):
    max_failures: int
    window: float

    async def blocked(self, key: str) -> bool:
        """Whether ``key`` has failed ``max_failures`` times within the window."""

    async def failed(self, key: str) -> None:
        """Count one failure of ``key``."""


class RedisAttempts:
    """A sliding window per key as a sorted set of failure times (one round trip each call).

    When Redis cannot be reached (the broker is down), the count goes to the database instead:
    logging in must keep working while background jobs wait for their broker."""

    def __init__(self, url: str, max_failures: int, window_seconds: float):
        self.url, self.max_failures, self.window = url, max_failures, window_seconds
        self._client: Any = None
        self.fallback = DatabaseAttempts(max_failures, window_seconds)

    def _redis(self) -> Any:
        if self._client is None:
            import redis.asyncio as aioredis

            self._client = aioredis.Redis.from_url(self.url, socket_connect_timeout=2, socket_timeout=2)
        return self._client

    @staticmethod
    def _key(key: str) -> str:
        return f"linli:attempts:{key}"

    async def blocked(self, key: str) -> bool:
        from redis.exceptions import RedisError

        now = time.time()
        try:
            pipe = self._redis().pipeline(transaction=True)
            pipe.zremrangebyscore(self._key(key), "-inf", now - self.window)
            pipe.zcard(self._key(key))
            _removed, count = await pipe.execute()
        except (RedisError, OSError) as exc:
            log.warning("attempt counter unreachable in Redis (%s); using the database", type(exc).__name__)
            return await self.fallback.blocked(key)
        return int(count) >= self.max_failures

    async def failed(self, key: str) -> None:
        from redis.exceptions import RedisError

        now = time.time()
        try:
            pipe = self._redis().pipeline(transaction=True)
            pipe.zadd(self._key(key), {f"{now}:{uuid.uuid4().hex[:8]}": now})
            pipe.expire(self._key(key), int(self.window) + 1)
            await pipe.execute()
        except (RedisError, OSError) as exc:
            log.warning("attempt counter unreachable in Redis (%s); using the database", type(exc).__name__)
            await self.fallback.failed(key)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


class DatabaseAttempts:
    """The same window in the ``login_failure`` table, for deployments whose broker is RabbitMQ."""

    def __init__(self, max_failures: int, window_seconds: float):
        self.max_failures, self.window = max_failures, window_seconds

    def _since(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) - dt.timedelta(seconds=self.window)

    async def blocked(self, key: str) -> bool:
        from core.auth.tables import LoginFailure

        count = (
            await LoginFailure.count()
            .where((LoginFailure.key == key[:64]) & (LoginFailure.at > self._since()))
            .run()
        )
        return count >= self.max_failures

    async def failed(self, key: str) -> None:
        from core.auth.tables import LoginFailure

        # Its own statement, outside the caller's transaction: a failure must count even when the
        # caller's transaction rolls back (a wrong invitation code raises).
        await LoginFailure.insert(LoginFailure(key=key[:64], at=dt.datetime.now(dt.UTC))).run()
        await LoginFailure.delete().where(LoginFailure.at < self._since()).run()

    async def close(self) -> None:
        return None


def attempt_limiter(
    broker_url: str, max_failures: int, window_seconds: float = 300
) -> RedisAttempts | DatabaseAttempts:
    scheme = broker_url.split("://", 1)[0] if broker_url else ""
    if scheme in ("redis", "rediss", "unix"):
        return RedisAttempts(broker_url, max_failures, window_seconds)
    return DatabaseAttempts(max_failures, window_seconds)
