"""Work that must wait for the current transaction to commit (sending a job, waking a worker).

A request, job or command opens a scope with :func:`collecting`; code inside registers
callbacks with :func:`on_commit`; the owner of the transaction runs them with :func:`run` after
COMMIT succeeded and drops them on rollback. Outside any scope a callback is dropped — the
caller's transaction is unknown, and every user of this (the outbox sweep, queued job runs)
has a durable row that a periodic sweep picks up anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

log = logging.getLogger("linli.db")
Callback = Callable[[], Awaitable[None]]
_pending: ContextVar[list[Callback] | None] = ContextVar("linli_after_commit", default=None)


@contextmanager
def collecting() -> Iterator[list[Callback]]:
    callbacks: list[Callback] = []
    token = _pending.set(callbacks)
    try:
        yield callbacks
    finally:
        _pending.reset(token)


def on_commit(callback: Callback) -> None:
    callbacks = _pending.get()
    if callbacks is not None and callback not in callbacks:
        callbacks.append(callback)


async def run(callbacks: list[Callback]) -> None:
    """Run after a successful commit; a failing callback is logged, never raised to the user."""
    for callback in callbacks:
        try:
            await callback()
        except Exception as exc:
            log.warning("after-commit work failed: %s", exc)
    callbacks.clear()
