"""The embedded supervisor starts a child that died again, with a back-off, and not after stop."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from core.settings import load_settings
from core.supervisor import Supervisor
from core.testing.jobs import wait_until

SLEEPER = [sys.executable, "-c", "import time; time.sleep(600)"]


async def test_a_dead_child_is_started_again_and_stop_ends_it(tmp_path: Path) -> None:
    settings = load_settings(environ={}, var_dir=str(tmp_path), secret_key="s" * 40)
    supervisor = Supervisor(settings, commands={"worker": SLEEPER})
    supervisor.start_children({})
    try:
        first = supervisor.children["worker"]
        os.kill(first.pid, signal.SIGKILL)  # a crash, as the OOM killer would do it
        await wait_until(lambda: supervisor.restarts.get("worker") == 1, timeout=30, what="restart")
        second = supervisor.children["worker"]
        assert second.pid != first.pid and second.poll() is None
        assert (tmp_path / "run" / "worker.pid").read_text() == str(second.pid)
        assert supervisor._backoff["worker"] == 1.0
        os.kill(second.pid, signal.SIGKILL)  # dies again at once: the wait doubles
        await wait_until(lambda: supervisor.restarts.get("worker") == 2, timeout=30, what="second restart")
        assert supervisor._backoff["worker"] == 2.0
    finally:
        supervisor.stop()
    assert second.poll() is not None and supervisor.children == {}
    assert not (tmp_path / "run" / "worker.pid").exists()
