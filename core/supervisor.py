"""``linli serve`` in the embedded profile: one command runs every part on one machine.

Started in order — Redis (the broker), SeaweedFS (S3), then a worker and a scheduler as child
processes — and stopped in reverse when the web server exits (Ctrl-C / SIGTERM). Each child has
a pid file under ``var/run/``; a child left running by a crashed ``serve`` is recognised by its
pid file and command line and ended before new ones start. Services already configured
(``LINLI_BROKER_URL``, ``LINLI_S3_ENDPOINT``) are used as they are and not started.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from core.jobs.embedded_redis import EmbeddedRedis
from core.processes import end_stale
from core.settings import Settings

log = logging.getLogger("linli.serve")
CHILDREN = ("worker", "scheduler")


class Supervisor:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.var = Path(settings.var_dir).resolve()
        self.redis: EmbeddedRedis | None = None
        self.s3: Any = None
        self.children: dict[str, subprocess.Popen[bytes]] = {}

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
        for name in CHILDREN:
            clean_stale_child(run / f"{name}.pid", name)
        env = {
            **os.environ,
            **{f"LINLI_{k.upper()}": str(v) for k, v in overrides.items()},
            "LINLI_VAR_DIR": str(self.var),
        }
        if self.settings.database_url:
            env["LINLI_DATABASE_URL"] = self.settings.database_url
        env["LINLI_SECRET_KEY"] = self.settings.secret_key
        for name in CHILDREN:
            with open(run / f"{name}.log", "ab") as out:
                proc = subprocess.Popen(
                    [sys.executable, "-m", "core.cli", name],
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                )
            (run / f"{name}.pid").write_text(str(proc.pid))
            self.children[name] = proc
            log.info("started %s (pid %s, log var/run/%s.log)", name, proc.pid, name)

    def stop(self) -> None:
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
