"""How core and plugins declare a background job: ``@job`` on an ``async def``.

A job is declared once (at import) and bound to a broker when a runtime starts, so the same
declaration works in the web process (which sends) and in workers (which run it)::

    from core.api import job

    @job("repairs.remind", max_retries=5)
    async def remind(order_id: int) -> None:
        ...                                   # runs with the sender's community set

    await remind.send(order_id=42)            # from a request, a job or a CLI command

``tenant=True`` (the default) jobs run for the community that sent them and are refused when
sent without one; ``tenant=False`` marks platform jobs. ``atomic=True`` (the default) runs the
job in one write transaction together with its receipt, so its database effects happen exactly
once even when the broker delivers the message twice; long jobs (exports) pass ``atomic=False``
and keep their own progress rows.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

JOB_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
JobFn = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class Job:
    """A background job declared with ``core.api.job``: its name, function, queue, whether it runs
    for one community (``tenant``) and its retry policy. Return it from ``register_actors``."""

    name: str
    fn: JobFn
    queue: str = "default"
    tenant: bool = True
    atomic: bool = True
    max_retries: int = 5
    min_backoff_ms: int = 1_000
    max_backoff_ms: int = 300_000
    time_limit_ms: int = 600_000

    async def send(self, **kwargs: Any) -> str:
        """Enqueue with the current community (if any); returns the message id."""
        from core.jobs.queue import current_queue

        return await current_queue().send(self, kwargs)

    async def send_after_commit(self, **kwargs: Any) -> None:
        """Enqueue once the current transaction has committed (nothing is sent if it rolls back)."""
        from core.jobs.queue import current_queue
        from core.tenancy.context import current_tenant_or_none

        queue, tenant = current_queue(), current_tenant_or_none()
        from core.db.after_commit import on_commit

        async def later() -> None:
            await queue.send(self, kwargs, tenant=tenant)

        on_commit(later)


def job(
    name: str,
    *,
    queue: str = "default",
    tenant: bool = True,
    atomic: bool = True,
    max_retries: int = 5,
    min_backoff_ms: int = 1_000,
    max_backoff_ms: int = 300_000,
    time_limit_ms: int = 600_000,
) -> Callable[[JobFn], Job]:
    """Declare ``fn`` as the job ``name`` (dotted, starting with the plugin id or ``core``)."""
    if not JOB_NAME.match(name):
        raise ValueError(f"job name {name!r}: use dotted lowercase names such as 'repairs.remind'")
    if not re.match(r"^[a-z][a-z0-9_]*$", queue):
        raise ValueError(f"queue {queue!r}: lowercase letters, digits and underscores")

    def wrap(fn: JobFn) -> Job:
        return Job(
            name=name,
            fn=fn,
            queue=queue,
            tenant=tenant,
            atomic=atomic,
            max_retries=max_retries,
            min_backoff_ms=min_backoff_ms,
            max_backoff_ms=max_backoff_ms,
            time_limit_ms=time_limit_ms,
        )

    return wrap
