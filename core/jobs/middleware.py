"""The two dramatiq middlewares every Linli broker carries.

``TenantStamp`` writes the sender's community into each message (``linli_community``) and
marks platform jobs (``linli_platform``). A tenant job sent with no community is refused by
``JobQueue.send`` (dramatiq logs, rather than raises, a middleware's error at enqueue) and, should
one reach a worker anyway, by the worker, which sends it straight to the dead letters.
The worker restores the community from the stamp (:mod:`core.jobs.execution`).

``DeadLetters`` copies every message that ran out of retries (or was refused) into the
``job_dead`` table, where ``linli jobs dead`` and the API list it and ``retry`` sends it again —
the broker's own dead-letter queue expires, the table does not.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

import dramatiq
from dramatiq.middleware import Middleware

from core.errors import NoTenantError
from core.tenancy.context import current_tenant_or_none

log = logging.getLogger("linli.jobs")


class TenantStamp(Middleware):
    @property
    def actor_options(self) -> set[str]:
        return {"linli_tenant"}

    def before_enqueue(self, broker: dramatiq.Broker, message: dramatiq.Message, delay: int) -> None:
        if "linli_community" in message.options or message.options.get("linli_platform"):
            return  # a retried dead letter keeps its original stamp
        actor = broker.get_actor(message.actor_name)
        if not actor.options.get("linli_tenant", True):
            message.options["linli_platform"] = True
            return
        tenant = current_tenant_or_none()
        if tenant is None:
            raise NoTenantError(f"job {message.actor_name} needs a community and none is set")
        message.options["linli_community"] = tenant.community_id


class DeadLetters(Middleware):
    def after_nack(self, broker: dramatiq.Broker, message: Any) -> None:
        # dramatiq nacks exactly the messages that failed for good (retries exhausted or `throws`).
        from dramatiq.asyncio import get_event_loop_thread

        loop = get_event_loop_thread()
        if loop is None:
            log.error("dead job %s (%s) not recorded: no event loop", message.message_id, message.actor_name)
            return
        try:
            loop.run_coroutine(record_dead(message))
        except Exception:
            log.exception("dead job %s (%s) could not be recorded", message.message_id, message.actor_name)


async def record_dead(message: Any) -> None:
    from core.db.engine import write_transaction
    from core.jobs.execution import worker_runtime
    from core.jobs.tables import DeadJob

    runtime = await worker_runtime()
    data = json.loads(json.dumps(message.asdict(), default=str))
    options = data.get("options") or {}
    error = str(options.get("traceback") or "")[-4000:]
    async with write_transaction(runtime.engine):
        await DeadJob.insert(
            DeadJob(
                message_id=message.message_id,
                actor=message.actor_name,
                queue=message.queue_name,
                community_id=options.get("linli_community"),
                message=data,
                error=error,
                attempts=int(options.get("retries", 0)),
                failed_at=dt.datetime.now(dt.UTC),
            )
        ).run()
    log.warning(
        "job %s (%s) is dead after %s attempt(s)",
        message.message_id,
        message.actor_name,
        options.get("retries", 0),
    )
