"""Liveness and readiness: the first says the process runs, the second that it can serve.

Readiness checks every part a request may need — the database, the job broker and object
storage — each with a short timeout, and reports each by name; it is 503 when one is down, so a
load balancer takes the process out of rotation. Plugins whose page-time hooks have failed in
this process are listed with their count (``core.plugins.dispatch.PluginHealth``).
"""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Request, Response, get

from core.runtime import Runtime, state_of

CHECK_TIMEOUT = 3.0


@get("/health/live", opt={"public": True}, include_in_schema=False, sync_to_thread=False)
def live() -> dict[str, str]:
    return {"status": "ok"}


async def _database(runtime: Runtime) -> None:
    await runtime.engine.run_ddl("SELECT 1")


async def _broker(runtime: Runtime) -> str:
    url = runtime.settings.broker_url
    if not url:
        return "not configured"
    scheme = url.split("://", 1)[0]
    if scheme in ("redis", "rediss", "unix"):
        import redis.asyncio as aioredis

        client = aioredis.Redis.from_url(url, socket_connect_timeout=CHECK_TIMEOUT)
        try:
            await client.ping()
        finally:
            await client.aclose()
        return "ok"

    def amqp() -> None:
        import pika

        from core.jobs.queue import _amqp_url

        pika.BlockingConnection(pika.URLParameters(_amqp_url(url))).close()

    await asyncio.to_thread(amqp)
    return "ok"


async def _storage(runtime: Runtime) -> str:
    if not runtime.settings.s3_endpoint:
        return "not configured"
    from core.files.storage import storage_for

    storage = storage_for(runtime.settings)
    if not await storage._call("ready", storage.client.bucket_exists, storage.bucket):
        raise RuntimeError("bucket missing")
    return "ok"


async def readiness(runtime: Runtime) -> tuple[bool, dict[str, str]]:
    """Each check by name: ``ok``, ``not configured`` or ``error: <kind>``."""

    async def run(check: Any) -> str:
        try:
            result = await asyncio.wait_for(check(runtime), CHECK_TIMEOUT)
        except Exception as exc:  # readiness reports, never raises
            return f"error: {type(exc).__name__}"
        return result or "ok"

    names = ("database", "broker", "storage")
    results = await asyncio.gather(run(_database), run(_broker), run(_storage))
    checks = dict(zip(names, results, strict=True))
    return all(not v.startswith("error") for v in checks.values()), checks


@get("/health/ready", opt={"public": True}, include_in_schema=False)
async def ready(request: Request) -> Response:
    runtime = state_of(request.app)
    ok, checks = await readiness(runtime)
    body = {
        "status": "ok" if ok else "unavailable",
        "checks": checks,
        "plugins": sorted(runtime.registry.plugins),
        "quarantined": [q.name for q in runtime.registry.quarantined],
        "plugin_failures": {pid: e["failures"] for pid, e in runtime.registry.health.snapshot().items()},
    }
    return Response(body, status_code=200 if ok else 503)
