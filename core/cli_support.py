"""What every ``linli`` command shares: one-line errors, the runtime, a transaction to act in.

Kept apart from ``core.cli`` so that the command modules of other packages (``core.jobs.commands``,
``core.community_cli``) import it directly instead of reaching back into the module that
imports them.
"""

from __future__ import annotations

import asyncio
import functools
import sys
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from rich.console import Console

from core.errors import InvalidInput, LinliError

T = TypeVar("T")
console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def fail(message: str, code: int = 2) -> None:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    sys.exit(code)


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the project's own errors into one clear line (and exit 2) instead of a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from core.plugins.registry import PluginLoadError

        try:
            return fn(*args, **kwargs)
        except InvalidInput as exc:
            fail(f"{exc.field}: {exc}" if exc.field else str(exc))
        except LinliError as exc:
            fail(str(exc))
        except PluginLoadError as exc:
            fail(f"plugins quarantined in strict mode: {exc}")

    return wrapper


def runtime(**overrides: Any) -> Any:
    from core.logging import configure_logging
    from core.runtime import build_runtime
    from core.settings import ensure_var_dir, load_settings

    settings = load_settings(**overrides)
    configure_logging(settings)
    ensure_var_dir(settings)
    return build_runtime(settings)


async def started(runtime: Any, *, migrate: bool = True) -> list[str]:
    from core.db.engine import start_engine
    from core.db.migrate import check_app_role
    from core.db.migrate import migrate as run_migrations

    log = await run_migrations(runtime) if migrate else []
    await start_engine(runtime.engine, runtime.settings)
    await check_app_role(runtime.engine)
    return log


async def in_transaction(
    runtime: Any, action: Callable[[Any], Awaitable[T]], *, migrate: bool = True, community: str | None = None
) -> T:
    """Start the engine, run ``action(runtime)`` in one write transaction (as ``community`` when
    given: ``--community`` naming no active community is an input error), stop the engine."""
    from core.db.engine import stop_engine, write_transaction
    from core.runtime import set_current
    from core.tenancy.context import tenant_scope

    set_current(runtime)
    await started(runtime, migrate=migrate)
    try:
        tenant = None
        if community is not None:
            tenant = await runtime.tenants.by_slug(community)
            if tenant is None:
                raise InvalidInput(f"no active community {community!r}", field="--community")
        with tenant_scope(tenant):
            async with write_transaction(runtime.engine):
                return await action(runtime)
    finally:
        await stop_engine(runtime.engine)
