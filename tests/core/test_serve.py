"""`linli serve` with no configuration: web, worker, scheduler, Redis and SeaweedFS as one command.

Ctrl-C stops every child; a restart keeps the data; children left by a killed serve are found
and ended on the next start. Runs the real command in a subprocess (embedded profile, SQLite).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from core.testing.jobs import wait_until

pytestmark = pytest.mark.skipif(
    os.environ.get("LINLI_TEST_DB") == "postgres",
    reason="the embedded profile is SQLite; run once, in the SQLite pass",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def children_of(var: Path) -> dict[str, int]:
    """Running processes that belong to this var/ (by pid file), by name."""
    found = {}
    files = {
        "worker": var / "run" / "worker.pid",
        "scheduler": var / "run" / "scheduler.pid",
        "redis": var / "redis" / "redis.pid",
        "weed": var / "seaweedfs" / "weed.pid",
    }
    for name, pid_file in files.items():
        if pid_file.exists():
            pid = int(pid_file.read_text().strip() or 0)
            if pid and Path(f"/proc/{pid}").exists():
                found[name] = pid
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
    return state != "Z"


def start(tmp: Path, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINLI_")}
    env.update(LINLI_VAR_DIR=str(tmp / "var"), LINLI_PORT=str(port), LINLI_LOG_LEVEL="WARNING")
    log = open(tmp / "serve.log", "ab")  # noqa: SIM115 - the child writes it
    return subprocess.Popen(
        [sys.executable, "-m", "core.cli", "serve"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        cwd=tmp,
    )


async def ready(port: int) -> bool:
    try:
        async with httpx.AsyncClient() as client:
            return (await client.get(f"http://127.0.0.1:{port}/health/ready")).status_code == 200
    except httpx.HTTPError:
        return False


async def test_serve_runs_every_part_restarts_clean_after_a_kill_and_ctrl_c_stops_all(tmp_path: Path) -> None:
    port = free_port()
    var = tmp_path / "var"
    first = start(tmp_path, port)
    second = None
    try:
        await wait_until(lambda: ready(port), timeout=90, what="linli serve to be ready")
        stale = await wait_until(
            lambda: len(children_of(var)) == 4 and children_of(var),
            timeout=30,
            what="worker, scheduler, Redis and SeaweedFS",
        )
        assert (var / "redis" / "appendonly.aof").exists()  # queued jobs persist
        first.kill()  # SIGKILL: no cleanup runs, the children are orphans now
        first.wait(10)
        assert all(alive(pid) for pid in stale.values())

        second = start(tmp_path, port)
        await wait_until(lambda: ready(port), timeout=90, what="the second serve")
        assert [name for name, pid in stale.items() if alive(pid)] == []  # found and ended
        fresh = await wait_until(
            lambda: len(children_of(var)) == 4 and children_of(var), timeout=30, what="new children"
        )
        assert set(fresh.values()).isdisjoint(stale.values())

        second.send_signal(signal.SIGINT)  # Ctrl-C
        second.wait(60)
        time.sleep(0.5)
        assert [name for name, pid in fresh.items() if alive(pid)] == []  # every child stopped
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.kill()
        for pid in children_of(var).values():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    log = (tmp_path / "serve.log").read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]
