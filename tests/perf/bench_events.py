"""Benchmark of event delivery: outbox -> dispatcher -> handle_event vs a bare dramatiq actor.

Run:  .venv/bin/python tests/perf/bench_events.py [--events 2000] [--latency-events 200]
      [--db sqlite|postgres] [--threads 4]

Both sides use this machine's Redis as the broker, one worker process with the same threads,
and the same no-op (push the latency to a Redis list, count). Linli's side is the whole path:
the event written to the outbox in a transaction, the dispatcher woken after the commit, one
delivery row and one message per (event, plugin), the delivery claimed and marked in a write
transaction with the plugin's handler. Throughput: a burst of N events (one transaction for
Linli, N sends for the bare actor) until the last is handled. Latency: events one at a time at
20 per second, from emit (or send) to the handler. Figures replace the "events" section of
docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "perf"))

import redis  # noqa: E402

BROKER_URL = "redis://127.0.0.1:6379/14"
STATS_URL = "redis://127.0.0.1:6379/15"
THREADS = 4


def stats() -> redis.Redis:
    return redis.Redis.from_url(STATS_URL)


def reset() -> None:
    stats().delete("bench:lat", "bench:done")


def wait_done(n: int, timeout: float = 60) -> float:
    deadline = time.monotonic() + timeout
    client = stats()
    while int(client.get("bench:done") or 0) < n:
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out: {client.get('bench:done')} of {n} handled")
        time.sleep(0.005)
    return time.perf_counter()


def latencies_ms() -> list[float]:
    return [float(x) * 1000 for x in stats().lrange("bench:lat", 0, -1)]


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def run_bare(n: int, m: int, log: Path) -> dict[str, float]:
    redis.Redis.from_url(BROKER_URL).flushdb()
    env = {
        **os.environ,
        "BENCH_REDIS_URL": STATS_URL,
        "BENCH_BROKER_URL": BROKER_URL,
        "PYTHONPATH": str(ROOT / "tests" / "perf"),
    }
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "dramatiq",
                "bench_events_actor",
                "--processes",
                "1",
                "--threads",
                str(THREADS),
            ],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    os.environ.update(BENCH_REDIS_URL=STATS_URL, BENCH_BROKER_URL=BROKER_URL)
    import bench_events_actor as bare

    try:
        reset()
        for _ in range(20):
            bare.bare_noop.send(time.time())
        wait_done(20, 60)
        reset()
        started = time.perf_counter()
        for _ in range(n):
            bare.bare_noop.send(time.time())
        throughput = n / (wait_done(n) - started)
        reset()
        for _ in range(m):
            bare.bare_noop.send(time.time())
            time.sleep(0.05)
        wait_done(m)
        return {
            "events/s": throughput,
            "p95 ms": p95(latencies_ms()),
            "p50 ms": statistics.median(latencies_ms()),
        }
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(30)


async def run_linli(n: int, m: int, db: str, tmp: Path) -> dict[str, float]:
    from core.db import after_commit
    from core.events.jobs import dispatch
    from core.events.outbox import emit, emit_many
    from core.jobs.queue import current_queue
    from core.plugins.types import Event
    from core.settings import load_settings
    from core.testing.harness import Harness
    from core.testing.jobs import WorkerProcess, settings_env

    redis.Redis.from_url(BROKER_URL).flushdb()
    base: dict[str, Any] = {
        "var_dir": str(tmp / "var"),
        "secret_key": "b" * 40,
        "tenant_cache_seconds": 5.0,
        "broker_url": BROKER_URL,
    }
    drop = None
    if db == "postgres":
        from core.testing.postgres import fresh_database

        owner_url, app_url, drop = await fresh_database("postgresql://postgres@127.0.0.1:5432/postgres")
        base.update(database_url=app_url, database_owner_url=owner_url)
    settings = load_settings(environ={}, **base)
    h = await Harness.start(settings, plugins=["eventbench"], extra_modules=["lp_eventbench"])
    await h.office()
    await h.community("bench")
    await h.enable("bench", "eventbench")
    env = {
        **settings_env(settings, ["eventbench"], ["lp_eventbench"]),
        "BENCH_REDIS_URL": STATS_URL,
        "LINLI_LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
        "LINLI_TENANT_CACHE_SECONDS": "5",
    }
    worker = WorkerProcess(env, tmp / "linli-worker.log", threads=THREADS).start()
    tenant = await h.runtime.tenants.by_slug("bench")

    async def one_event(i: int) -> None:
        with after_commit.collecting() as later:
            async with h.tenant("bench"):
                await emit("eventbench.ping", {"i": i})
        await after_commit.run(later)

    try:
        reset()
        for i in range(20):
            await one_event(i)
        wait_done(20, 120)
        reset()
        started = time.perf_counter()
        async with h.tenant("bench"):
            await emit_many(
                [
                    Event(type="eventbench.burst", community_id=tenant.community_id, payload={"i": i})
                    for i in range(n)
                ]
            )
        await current_queue().send(dispatch, {}, tenant=tenant)
        throughput = n / (wait_done(n) - started)
        reset()
        for i in range(m):
            await one_event(i)
            await asyncio.sleep(0.05)
        wait_done(m)
        return {
            "events/s": throughput,
            "p95 ms": p95(latencies_ms()),
            "p50 ms": statistics.median(latencies_ms()),
        }
    except BaseException:
        print(worker.output()[-3000:], file=sys.stderr)
        from core.events.tables import EventDelivery, OutboxEvent

        async with h.tenant("bench"):  # where the missing events are
            print(
                "outbox undispatched:",
                await OutboxEvent.count().where(OutboxEvent.dispatched_at.is_null()).run(),
                file=sys.stderr,
            )
            for row in await EventDelivery.select(EventDelivery.status, EventDelivery.attempts).run():
                if row["status"] != "delivered":
                    print("delivery", row, file=sys.stderr)
        raise
    finally:
        worker.stop()
        await h.close()
        if drop is not None:
            await drop()


def main() -> None:
    global THREADS
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--latency-events", type=int, default=200)
    parser.add_argument("--db", action="append", choices=["sqlite", "postgres"])
    parser.add_argument("--threads", type=int, default=THREADS, help="worker threads, both sides")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    THREADS = args.threads
    dbs = args.db or ["sqlite", "postgres"]
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["bare dramatiq actor"] = run_bare(args.events, args.latency_events, Path(tmp) / "bare.log")
        for db in dbs:
            sub = Path(tmp) / db
            sub.mkdir()
            results[f"Linli ({db})"] = asyncio.run(run_linli(args.events, args.latency_events, db, sub))
    bare = results["bare dramatiq actor"]
    lines = [
        "<!-- bench:events:start -->",
        "## Event delivery (outbox -> dispatcher -> handle_event)",
        "",
        f"`tests/perf/bench_events.py --events {args.events} --latency-events {args.latency_events}`, "
        f"{platform.machine()}, {os.cpu_count()} cores shared; Redis broker, one worker process "
        f"with {THREADS} threads on each side; one plugin handling every event.",
        "",
        "| path | events/s | ratio | p50 ms | p95 ms |",
        "|---|---|---|---|---|",
    ]
    for label, r in results.items():
        lines.append(
            f"| {label} | {r['events/s']:.0f} | {r['events/s'] / bare['events/s']:.2f} | "
            f"{r['p50 ms']:.1f} | {r['p95 ms']:.1f} |"
        )
    lines += ["", "Target: Linli's throughput >= 0.5 of the bare actor's.", "<!-- bench:events:end -->"]
    section = "\n".join(lines)
    print(section)
    if not args.no_write:
        path = ROOT / "docs" / "performance.md"
        text = path.read_text(encoding="utf-8")
        pattern = re.compile(r"<!-- bench:events:start -->.*?<!-- bench:events:end -->", re.S)
        text = pattern.sub(section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section + "\n"
        path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
