"""The broker a process sends jobs through, built from ``LINLI_BROKER_URL``.

``redis://`` / ``unix://`` give dramatiq's Redis broker with a short heartbeat, so the jobs of a
killed worker are requeued within seconds; ``amqp://`` gives RabbitMQ with publisher confirms,
so a send returns only once the broker holds the message. Every job declared by core and the
plugins is bound to the broker here, and every message goes through the same middleware
(:mod:`core.jobs.middleware`), in the web process and in workers alike.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.common import current_millis
from dramatiq.middleware import AsyncIO, CurrentMessage

from core.errors import ConfigError, NoTenantError, Unavailable
from core.jobs.middleware import DeadLetters, TenantStamp
from core.jobs.spec import Job
from core.settings import Settings, redact_url
from core.tenancy.context import Tenant, current_tenant_or_none, tenant_scope

log = logging.getLogger("linli.jobs")
_UNSET: Any = object()


def make_broker(settings: Settings) -> dramatiq.Broker:
    url = settings.broker_url
    scheme = url.split("://", 1)[0]
    middleware = [m() for m in dramatiq.middleware.default_middleware]
    middleware += [AsyncIO(), CurrentMessage(), TenantStamp(), DeadLetters()]
    if scheme in ("redis", "rediss", "unix"):
        import redis

        pool = redis.ConnectionPool.from_url(
            url, socket_connect_timeout=5, socket_timeout=30, health_check_interval=30
        )
        return RedisBroker(
            client=redis.Redis(connection_pool=pool),
            middleware=middleware,
            heartbeat_timeout=settings.job_heartbeat_seconds * 1000,
            # maintenance (requeueing a dead worker's jobs) on ~20% of fetches:
            # an idle worker fetches about once a second per queue, so a dead
            # worker's jobs come back within seconds of its heartbeat expiring
            maintenance_chance=200_000,
        )
    if scheme in ("amqp", "amqps"):
        from dramatiq.brokers.rabbitmq import RabbitmqBroker

        return RabbitmqBroker(url=_amqp_url(url), confirm_delivery=True, middleware=middleware)
    raise ConfigError(f"LINLI_BROKER_URL: unsupported URL {redact_url(url)!r}")


def _amqp_url(url: str) -> str:
    """Fail fast when RabbitMQ is down instead of pika's default retries and long timeouts."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.setdefault("connection_attempts", "1")
    query.setdefault("socket_timeout", "5")
    query.setdefault("heartbeat", "30")
    return urlunsplit(parts._replace(query=urlencode(query)))


class JobQueue:
    """A broker with every known job bound to it as a dramatiq actor."""

    def __init__(self, broker: dramatiq.Broker, jobs: Iterable[Job]):
        self.broker = broker
        self.jobs: dict[str, Job] = {}
        self.actors: dict[str, dramatiq.Actor] = {}
        for job in jobs:
            self.bind(job)

    def bind(self, job: Job) -> None:
        from core.jobs.execution import actor_function

        if job.name in self.jobs:
            if self.jobs[job.name] is job:
                return
            raise ConfigError(f"two jobs are named {job.name!r}")
        self.jobs[job.name] = job
        self.actors[job.name] = dramatiq.Actor(
            actor_function(job),
            broker=self.broker,
            actor_name=job.name,
            queue_name=job.queue,
            priority=0,
            options={
                "max_retries": job.max_retries,
                "min_backoff": job.min_backoff_ms,
                "max_backoff": job.max_backoff_ms,
                "time_limit": job.time_limit_ms,
                "linli_tenant": job.tenant,
                "throws": (RefusedJob,),
            },
        )

    def queues(self) -> set[str]:
        return {job.queue for job in self.jobs.values()}

    async def send(
        self,
        job: Job | str,
        kwargs: dict[str, Any],
        *,
        tenant: Tenant | None = _UNSET,
        delay_ms: int | None = None,
    ) -> str:
        """Enqueue; raises :class:`Unavailable` when the broker cannot take the message."""
        return (await self.send_many(job, [kwargs], tenant=tenant, delay_ms=delay_ms))[0]

    async def send_many(
        self,
        job: Job | str,
        many: list[dict[str, Any]],
        *,
        tenant: Tenant | None = _UNSET,
        delay_ms: int | None = None,
    ) -> list[str]:
        """Enqueue one message per kwargs in one thread hop (the dispatcher's fan-out).

        The community is the current one unless ``tenant`` is given; a tenant job with none is
        refused here (dramatiq only logs a middleware's error at enqueue). A broker that cannot
        take the messages raises :class:`Unavailable`.
        """
        name = job if isinstance(job, str) else job.name
        actor = self.actors.get(name)
        if actor is None:
            raise ConfigError(f"no job named {name!r} is declared")
        if tenant is _UNSET:
            tenant = current_tenant_or_none()
        if self.jobs[name].tenant and tenant is None:
            raise NoTenantError(f"job {name} needs a community and none is set")

        def enqueue_all() -> list[str]:
            if isinstance(self.broker, RedisBroker) and delay_ms is None and len(many) > 1:
                return _enqueue_pipelined(self.broker, actor, many)
            return [actor.send_with_options(kwargs=kwargs, delay=delay_ms).message_id for kwargs in many]

        try:
            with tenant_scope(tenant):
                return await asyncio.to_thread(enqueue_all)
        except (ConfigError, NoTenantError, RefusedJob, TypeError, ValueError):
            raise
        except Exception as exc:
            log.warning("job %s not sent: broker unavailable: %s", name, exc)
            raise Unavailable(
                "后台任务队列暂时不可用，请稍后再试 / the job queue is unavailable; try again shortly"
            ) from exc

    async def requeue(self, message: dict[str, Any]) -> str:
        """Enqueue a stored message again (a dead letter being retried), as a fresh attempt."""
        options = {
            k: v
            for k, v in (message.get("options") or {}).items()
            if k
            not in ("retries", "traceback", "requeue_timestamp", "redis_message_id", "eta", "dead_letter")
        }
        fresh: dramatiq.Message[Any] = dramatiq.Message(
            queue_name=message["queue_name"],
            actor_name=message["actor_name"],
            args=tuple(message.get("args") or ()),
            kwargs=message.get("kwargs") or {},
            options=options,
            message_id=message["message_id"],
            message_timestamp=message.get("message_timestamp") or 0,
        )
        try:
            await asyncio.to_thread(self.broker.enqueue, fresh)
        except Exception as exc:
            raise Unavailable("后台任务队列暂时不可用 / the job queue is unavailable") from exc
        return fresh.message_id

    def close(self) -> None:
        try:
            self.broker.close()
        except Exception as exc:  # closing a broker that lost its server must not mask the real error
            log.debug("closing broker: %s", exc)


class RefusedJob(Exception):
    """A message that must never run (a tenant job without a tenant); it goes straight to dead."""


_current: JobQueue | None = None


def set_current_queue(queue: JobQueue | None) -> None:
    global _current
    _current = queue


def current_queue() -> JobQueue:
    if _current is None:
        raise Unavailable("后台任务未配置 / no job broker is configured (LINLI_BROKER_URL)")
    return _current


def current_queue_or_none() -> JobQueue | None:
    return _current


def _enqueue_pipelined(
    broker: RedisBroker, actor: dramatiq.Actor[Any, Any], many: list[dict[str, Any]]
) -> list[str]:
    """``RedisBroker.enqueue`` for many messages in one round trip: the same middleware calls and
    the same dispatch script per message, sent through one pipeline (the dispatcher's fan-out of
    one message per (event, plugin) would otherwise wait for Redis once per message)."""
    pipe = broker.client.pipeline(transaction=False)
    dispatch = broker.scripts["dispatch"]
    messages = []
    for kwargs in many:
        message = actor.message_with_options(kwargs=kwargs)
        message = message.copy(options={"redis_message_id": str(uuid.uuid4())})
        broker.emit_before("enqueue", message, None)
        dispatch(
            keys=[broker.namespace],
            client=pipe,
            args=[
                "enqueue",
                current_millis(),
                message.queue_name,
                broker.broker_id,
                broker.heartbeat_timeout,
                broker.dead_message_ttl,
                0,
                broker._max_unpack_size(),
                message.options["redis_message_id"],
                message.encode(),
            ],
        )
        messages.append(message)
    pipe.execute()
    for message in messages:
        broker.emit_after("enqueue", message, None)
    return [m.message_id for m in messages]
