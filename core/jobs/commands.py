"""``linli worker``, ``linli scheduler`` and ``linli jobs dead|retry``."""

from __future__ import annotations

import asyncio
import signal
from typing import Any

import click

from core.cli_support import console, guarded, in_transaction, run, started
from core.cli_support import runtime as make_runtime


def register(main: click.Group) -> None:
    main.add_command(worker)
    main.add_command(scheduler)
    main.add_command(jobs)


@click.command()
@click.option(
    "--processes", type=int, default=None, help="Worker processes (default LINLI_WORKER_PROCESSES)."
)
@click.option("--threads", type=int, default=None, help="Threads per process (default LINLI_WORKER_THREADS).")
@click.option("--queues", multiple=True, help="Only these queues (default: all).")
@guarded
def worker(processes: int | None, threads: int | None, queues: tuple[str, ...]) -> None:
    """Run background jobs from the broker (LINLI_BROKER_URL)."""
    import sys

    from dramatiq.cli import main as dramatiq_main
    from dramatiq.cli import make_argument_parser

    from core.errors import ConfigError
    from core.settings import load_settings

    settings = load_settings()
    if not settings.broker_url:
        raise ConfigError("LINLI_BROKER_URL: a worker needs a broker (redis://… or amqp://…)")
    args = [
        "core.jobs.boot",
        "--processes",
        str(processes or settings.worker_processes),
        "--threads",
        str(threads or settings.worker_threads),
        "--skip-logging",
    ]
    if queues:
        args += ["--queues", *queues]
    sys.exit(dramatiq_main(make_argument_parser().parse_args(args)))


@click.command()
@guarded
def scheduler() -> None:
    """Fire periodic work (register_schedules) until stopped; safe to run more than one."""
    from core.db.engine import stop_engine
    from core.errors import ConfigError
    from core.jobs.scheduler import run_scheduler
    from core.jobs.setup import start_queue, stop_queue

    runtime = make_runtime()
    queue = start_queue(runtime)
    if queue is None:
        raise ConfigError("LINLI_BROKER_URL: the scheduler needs a broker (redis://… or amqp://…)")

    async def main() -> None:
        from core.runtime import set_current

        set_current(runtime)
        await started(runtime, migrate=False)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        try:
            await run_scheduler(runtime, queue, stop)
        finally:
            await stop_engine(runtime.engine)
            stop_queue()

    asyncio.run(main())


@click.group()
def jobs() -> None:
    """Background jobs: dead letters."""


@jobs.command("dead")
@click.option("--community", default=None, help="Only this community's jobs (slug).")
@click.option("--all", "include_retried", is_flag=True, help="Include dead jobs already retried.")
@guarded
def jobs_dead(community: str | None, include_retried: bool) -> None:
    """List jobs that ran out of retries."""
    from rich.table import Table

    from core.jobs.dead import list_dead

    async def action(runtime: Any) -> list[dict[str, Any]]:
        community_id = await _community_id(runtime, community)
        return await list_dead(community_id=community_id, include_retried=include_retried)

    rows = _with_runtime(action)
    if not rows:
        console.print("no dead jobs")
        return
    table = Table("id", "job", "community", "attempts", "failed at", "error")
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["actor"],
            str(r["community_id"] or "-"),
            str(r["attempts"]),
            str(r["failed_at"])[:19],
            r["error"][:80],
        )
    console.print(table)


@jobs.command("retry")
@click.argument("dead_ids", type=int, nargs=-1, required=True)
@guarded
def jobs_retry(dead_ids: tuple[int, ...]) -> None:
    """Send dead jobs again (by the ids `linli jobs dead` shows)."""
    from core.jobs.dead import retry_dead

    async def action(runtime: Any) -> list[dict[str, Any]]:
        return [await retry_dead(dead_id) for dead_id in dead_ids]

    for r in _with_runtime(action, broker=True):
        console.print(f"requeued dead job {r['id']} ({r['actor']}, message {r['message_id']})")


async def _community_id(runtime: Any, slug: str | None) -> int | None:
    from core.errors import InvalidInput

    if slug is None:
        return None
    tenant = await runtime.tenants.by_slug(slug)
    if tenant is None:
        raise InvalidInput(f"no active community {slug!r}", field="--community")
    return tenant.community_id


def _with_runtime(action: Any, *, broker: bool = False) -> Any:
    from core.errors import ConfigError
    from core.jobs.setup import start_queue, stop_queue

    runtime = make_runtime()
    if broker and start_queue(runtime) is None:
        raise ConfigError("LINLI_BROKER_URL: retrying needs the broker (redis://… or amqp://…)")
    try:
        return run(in_transaction(runtime, action, migrate=False))
    finally:
        stop_queue()
