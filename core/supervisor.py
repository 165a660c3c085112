"""``linli serve`` in the embedded profile: one command runs every part on one machine.

Started in order — Redis (the broker), SeaweedFS (S3), then a worker and a scheduler as child
processes — and stopped in reverse when the web server exits (Ctrl-C / SIGTERM). Each child has
a pid file under ``var/run/``; a child left running by a crashed ``serve`` is recognised by its
pid file and command line and ended before new ones start. Services already configured
(``LINLI_BROKER_URL``, ``LINLI_S3_ENDPOINT``) are used as they are and not started.

A child that dies while serve runs is started again by a watchdog thread, with a back-off
(1 s, doubling to 60 s, back to 1 s once it has stayed up for a minute), so a crashing worker
neither stops the jobs for good nor spins the machine.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from core.jobs.embedded_redis import EmbeddedRedis
from core.processes import end_stale
from core.settings import Settings

log = logging.getLogger("linli.serve")
CHILDREN = ("worker", "scheduler")
BACKOFF_FIRST, BACKOFF_MAX, HEALTHY_AFTER = 1.0, 60.0, 60.0


class Supervisor:
    def __init__(self, settings: Settings, commands: dict[str, list[str]] | None = None):
        self.settings = settings
        self.var = Path(settings.var_dir).resolve()
        self.redis: EmbeddedRedis | None = None
        self.s3: Any = None
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self.commands = commands or {name: [sys.executable, "-m", "core.cli", name] for name in CHILDREN}
        self.restarts: dict[str, int] = {}
        self._env: dict[str, str] = {}
        self._started_at: dict[str, float] = {}
        self._backoff: dict[str, float] = {}
        self._stopping = threading.Event()
        self._watchdog: threading.Thread | None = None

    def start_services(self) -> dict[str, Any]:
        """Start what the settings leave unset; return the settings they fill in."""
        overrides: dict[str, Any] = {}
        try:
            if not self.settings.broker_url:
                self.redis = EmbeddedRedis()
                overrides["broker_url"] = self.redis.start(self.var)
            if not self.settings.s3_endpoint:
                from core.files.embedded import EmbeddedS3

                self.s3 = EmbeddedS3()
                overrides.update(self.s3.start(self.var).settings())
        except BaseException:
            self.stop()
            raise
        return overrides

    def start_children(self, overrides: dict[str, Any]) -> None:
        run = self.var / "run"
        run.mkdir(parents=True, exist_ok=True)
        for name in self.commands:
            clean_stale_child(run / f"{name}.pid", name)
        env = {
            **os.environ,
            **{f"LINLI_{k.upper()}": str(v) for k, v in overrides.items()},
            "LINLI_VAR_DIR": str(self.var),
        }
        if self.settings.database_url:
            env["LINLI_DATABASE_URL"] = self.settings.database_url
        env["LINLI_SECRET_KEY"] = self.settings.secret_key
        self._env = env
        for name in self.commands:
            self._spawn(name)
        self._stopping.clear()
        self._watchdog = threading.Thread(target=self._watch, name="linli-watchdog", daemon=True)
        self._watchdog.start()

    def _spawn(self, name: str) -> None:
        run = self.var / "run"
        with open(run / f"{name}.log", "ab") as out:
            proc = subprocess.Popen(
                self.commands[name],
                env=self._env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        (run / f"{name}.pid").write_text(str(proc.pid))
        self.children[name] = proc
        self._started_at[name] = time.monotonic()
        log.info("started %s (pid %s, log var/run/%s.log)", name, proc.pid, name)

    def _watch(self, every: float = 0.5) -> None:
        """Restart a child that exited, after its back-off; never while stopping."""
        due: dict[str, float] = {}
        while not self._stopping.wait(every):
            for name, proc in list(self.children.items()):
                code = proc.poll()
                if code is None:
                    if time.monotonic() - self._started_at[name] > HEALTHY_AFTER:
                        self._backoff.pop(name, None)
                    continue
                now = time.monotonic()
                if name not in due:
                    delay = self._backoff.get(name, BACKOFF_FIRST / 2) * 2
                    self._backoff[name] = min(delay, BACKOFF_MAX)
                    due[name] = now + self._backoff[name]
                    log.warning(
                        "%s exited with code %s; starting it again in %.0f s", name, code, self._backoff[name]
                    )
                elif now >= due[name] and not self._stopping.is_set():
                    del due[name]
                    self.restarts[name] = self.restarts.get(name, 0) + 1
                    self._spawn(name)

    def stop(self) -> None:
        self._stopping.set()
        if self._watchdog is not None:
            self._watchdog.join(5)
            self._watchdog = None
        for name, proc in reversed(list(self.children.items())):
            if proc.poll() is None:
                _end_group(proc.pid)
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    _end_group(proc.pid, kill=True)
            (self.var / "run" / f"{name}.pid").unlink(missing_ok=True)
        self.children.clear()
        if self.s3 is not None:
            self.s3.stop()
            self.s3 = None
        if self.redis is not None:
            self.redis.stop()
            self.redis = None


def _end_group(pid: int, *, kill: bool = False) -> None:
    import signal

    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL if kill else signal.SIGTERM)


def clean_stale_child(pid_file: Path, name: str) -> int | None:
    """End a ``linli <name>`` left by a crashed serve (its pid file survived it)."""
    # Its own process group: dramatiq's worker processes go too.
    pid = end_stale(pid_file, f"core.cli {name}", group=True)
    if pid:
        log.warning("ended a %s left from an earlier run (pid %s)", name, pid)
    return pid
