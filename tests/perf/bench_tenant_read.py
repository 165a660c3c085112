"""Benchmark: one tenant-scoped GET through the full stack vs a bare litestar + piccolo handler.

Run:  .venv/bin/python tests/perf/bench_tenant_read.py [--seconds 10] [--connections 16]

Needs PostgreSQL (LINLI_TEST_PG_URL, default postgres@127.0.0.1:5432) and `wrk` (Debian package).
Both servers run as one uvicorn process on the same database, measured alternately in the same
run; the figures replace the "tenant read" section of docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(Path(__file__).parent)]

RECORDS = 1000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def prepare(admin_url: str, var_dir: str) -> dict[str, str]:
    from lp_bench import BenchRecord

    from core.auth.credentials import hash_secret, new_token_secret, now
    from core.auth.tables import ApiToken
    from core.auth.users import create_user, grant_role
    from core.db.engine import start_engine, stop_engine, write_transaction
    from core.db.migrate import migrate
    from core.plugins.registry import load_plugins
    from core.runtime import build_runtime
    from core.settings import load_settings
    from core.tenancy import service
    from core.tenancy.context import tenant_scope
    from core.testing.postgres import fresh_database

    owner_url, app_url, drop = await fresh_database(admin_url)
    settings = load_settings(
        environ={},
        database_url=app_url,
        database_owner_url=owner_url,
        var_dir=var_dir,
        secret_key="b" * 40,
        extra_plugins=["lp_bench"],
        tenant_cache_seconds=30.0,
    )
    runtime = build_runtime(
        settings, registry=load_plugins(["lp_bench"], strict=True, include_entry_points=False)
    )
    await migrate(runtime)
    await start_engine(runtime.engine, settings)
    async with write_transaction(runtime.engine):
        await service.create_office("bench-office", "基准街道", actor_id=None)
        await service.create_community("bench-office", "bench", "基准社区", actor_id=None)
        user = await create_user("bench-staff", "bench-password-1")
        await grant_role(runtime.roles, "bench-staff", "community_staff", community="bench")
    await runtime.tenants.by_slug("bench")
    async with write_transaction(runtime.engine):
        await service.set_plugin_enabled(runtime, "bench", "bench", enabled=True, actor_id=None)
    runtime.tenants.invalidate()
    tenant = await runtime.tenants.by_slug("bench")
    key_id, secret, token = new_token_secret()
    with tenant_scope(tenant):
        async with write_transaction(runtime.engine):
            await BenchRecord.insert(*[BenchRecord(label=f"记录 {i}") for i in range(RECORDS)]).run()
            await ApiToken.insert(
                ApiToken(
                    key_id=key_id,
                    secret_hash=hash_secret(secret),
                    name="bench",
                    user=user["id"],
                    community=tenant.community_id,
                    role="community_staff",
                    created_at=now(),
                )
            ).run()
    await stop_engine(runtime.engine)
    return {"owner_url": owner_url, "app_url": app_url, "token": token, "drop": drop}


def start_server(factory: str, env: dict[str, str], port: int) -> subprocess.Popen:
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        f"apps:{factory}",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    proc = subprocess.Popen(cmd, cwd=Path(__file__).parent, env=env)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"{factory} did not start")


LUA = f"""
math.randomseed(42)
request = function()
  return wrk.format("GET", "/api/v1/c/bench/bench/records/" .. math.random(1, {RECORDS}))
end
"""


def run_wrk(port: int, seconds: int, connections: int, token: str | None) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(LUA)
        script = f.name
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script]
    if token:
        cmd += ["-H", f"Authorization: Bearer {token}"]
    out = subprocess.run(
        [*cmd, f"http://127.0.0.1:{port}"], capture_output=True, text=True, check=True
    ).stdout
    if "Non-2xx" in out:
        raise SystemExit(f"benchmark saw errors:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return {"rps": rps, "p50": _latency(out, "50%"), "p99": _latency(out, "99%")}


def _latency(out: str, label: str) -> float:
    m = re.search(rf"{re.escape(label)}\s+([\d.]+)(us|ms|s)", out)
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="don't update docs/performance.md")
    args = parser.parse_args()
    admin_url = os.environ.get("LINLI_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    var_dir = tempfile.mkdtemp(prefix="linli-bench-")
    info = asyncio.run(prepare(admin_url, var_dir))
    base_env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(Path(__file__).parent)]),
        "LINLI_DATABASE_URL": info["app_url"],
        "LINLI_DATABASE_OWNER_URL": info["owner_url"],
        "LINLI_VAR_DIR": var_dir,
        "LINLI_SECRET_KEY": "b" * 40,
        "LINLI_LOG_LEVEL": "WARNING",
        "LINLI_TENANT_CACHE_SECONDS": "30",
        "LINLI_EXTRA_PLUGINS": "lp_bench",
        "BENCH_BARE_URL": info["owner_url"],
    }
    results: dict[str, list[dict[str, float]]] = {"bare": [], "full": []}
    servers = {}
    try:
        for name in ("bare", "full"):
            port = free_port()
            servers[name] = (start_server(f"{name}_app", base_env, port), port)
            run_wrk(port, 2, args.connections, info["token"] if name == "full" else None)  # warm-up
        for _ in range(args.rounds):
            for name in ("bare", "full"):
                _, port = servers[name]
                results[name].append(
                    run_wrk(port, args.seconds, args.connections, info["token"] if name == "full" else None)
                )
    finally:
        for proc, _ in servers.values():
            proc.terminate()
            proc.wait(10)
        asyncio.run(info["drop"]())  # leave no benchmark database behind
    summary = {
        name: {k: statistics.median(r[k] for r in runs) for k in ("rps", "p50", "p99")}
        for name, runs in results.items()
    }
    ratio = summary["full"]["rps"] / summary["bare"]["rps"]
    p99_ratio = summary["full"]["p99"] / summary["bare"]["p99"]
    report = render(summary, ratio, p99_ratio, args)
    print(report)
    if not args.no_write:
        write_section(report)


def render(summary, ratio, p99_ratio, args) -> str:
    lines = [
        "<!-- bench:tenant-read:start -->",
        "## Tenant read: full stack vs bare handler",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} by `tests/perf/bench_tenant_read.py` on "
        f"{platform.machine()}, {os.cpu_count()} cores, PostgreSQL on localhost; wrk, 1 thread, "
        f"{args.connections} connections, {args.rounds} rounds of {args.seconds} s each, "
        "alternating; medians shown. One uvicorn process per app, logging at WARNING.",
        "",
        "| | req/s | p50 ms | p99 ms |",
        "|---|---:|---:|---:|",
        f"| bare litestar + piccolo PK select | {summary['bare']['rps']:.0f} | "
        f"{summary['bare']['p50']:.2f} | {summary['bare']['p99']:.2f} |",
        f"| Linli full stack (token, tenant, plugin gate, guard, RLS transaction) | "
        f"{summary['full']['rps']:.0f} | {summary['full']['p50']:.2f} | {summary['full']['p99']:.2f} |",
        "",
        f"Throughput ratio full/bare: **{ratio:.2f}** (target >= 0.75). "
        f"p99 ratio: **{p99_ratio:.2f}** (target <= 1.5).",
        "<!-- bench:tenant-read:end -->",
    ]
    return "\n".join(lines)


def write_section(section: str) -> None:
    path = ROOT / "docs" / "performance.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n\n"
    pattern = re.compile(r"<!-- bench:tenant-read:start -->.*?<!-- bench:tenant-read:end -->", re.S)
    text = pattern.sub(section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
