"""Real brokers and real worker processes for tests (core's and plugins').

* ``broker_url(kind)`` gives an empty broker on this machine's Redis (a database of its own,
  flushed) or RabbitMQ (Linli's queues purged); the ``LINLI_TEST_BROKER`` variable or the
  test's parameter picks which.
* :class:`WorkerProcess` runs ``linli worker`` for a :class:`~core.testing.harness.Harness`'s
  database and broker in its own process group, so a test can stop it, or SIGKILL it mid-job.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from core.settings import Settings

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"


def _port_open(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def redis_url_for_tests() -> str:
    """The Redis tests use: ``LINLI_TEST_REDIS_URL``, else this machine's on 6379, else — on a
    machine with only Python, where `make test` must still run every test — a private Redis
    from the package the embedded profile ships, started for this test process. In CI a missing
    server is a failure, never replaced."""
    configured = os.environ.get("LINLI_TEST_REDIS_URL")
    if configured:
        return configured
    if os.environ.get("CI") == "true" or _port_open(6379):
        return DEFAULT_REDIS_URL
    import atexit
    import socket
    import tempfile

    from core.jobs.embedded_redis import EmbeddedRedis

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = EmbeddedRedis(port=port)
    url = server.start(tempfile.mkdtemp(prefix="linli-test-redis-"))
    atexit.register(server.stop)
    return url


REDIS_TEST_URL = redis_url_for_tests()
AMQP_TEST_URL = os.environ.get("LINLI_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
LINLI_QUEUES = ("default", "events", "files")


def broker_kinds() -> list[str]:
    """Brokers a test runs on: Redis on the SQLite pass, Redis and RabbitMQ on the PostgreSQL pass
    (the pass against this machine's real services), or what ``LINLI_TEST_BROKERS`` names."""
    named = os.environ.get("LINLI_TEST_BROKERS")
    if named:
        return [b.strip() for b in named.split(",") if b.strip()]
    return ["redis", "rabbitmq"] if os.environ.get("LINLI_TEST_DB") == "postgres" else ["redis"]


def fresh_broker(kind: str) -> str:
    """An empty broker of ``kind`` ("redis" or "rabbitmq"); fails loudly when it is not running."""
    if kind == "redis":
        import redis

        client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=3)
        client.flushdb()
        client.close()
        return REDIS_TEST_URL
    if kind == "rabbitmq":
        import pika

        connection = pika.BlockingConnection(pika.URLParameters(AMQP_TEST_URL))
        channel = connection.channel()
        for name in LINLI_QUEUES:
            for queue in (name, f"{name}.DQ", f"{name}.XQ"):
                channel.queue_delete(queue=queue)
        connection.close()
        return AMQP_TEST_URL
    raise ValueError(f"unknown broker kind {kind!r}")


def settings_env(settings: Settings, plugin_ids: list[str], extra_modules: list[str]) -> dict[str, str]:
    """The environment that makes a child process (worker, scheduler) see the same Linli."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINLI_")}
    env.update(
        {
            "LINLI_DATABASE_URL": settings.database_url,
            "LINLI_DATABASE_OWNER_URL": settings.database_owner_url,
            "LINLI_VAR_DIR": str(Path(settings.var_dir).resolve()),
            "LINLI_SECRET_KEY": settings.secret_key,
            "LINLI_BROKER_URL": settings.broker_url,
            "LINLI_ONLY_PLUGINS": ",".join(plugin_ids),
            "LINLI_EXTRA_PLUGINS": ",".join(extra_modules),
            "LINLI_TENANT_CACHE_SECONDS": "0",
            "LINLI_JOB_HEARTBEAT_SECONDS": str(settings.job_heartbeat_seconds),
            "LINLI_LOG_LEVEL": "INFO",
        }
    )
    for name in (
        "s3_endpoint",
        "s3_access_key",
        "s3_secret_key",
        "s3_bucket",
        "s3_region",
        "s3_public_endpoint",
        "storage_quota_bytes",
    ):
        value = getattr(settings, name, None)
        if value not in (None, ""):
            env[f"LINLI_{name.upper()}"] = str(value)
    env["LINLI_STRICT_PLUGINS"] = "true"  # a plugin the test loads must load in the child too
    # The child imports what this process can (test plugin modules live on sys.path entries).
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    return env


class WorkerProcess:
    """``linli worker`` in its own process group; output goes to ``log_path``."""

    def __init__(self, env: dict[str, str], log_path: Path, *, threads: int = 2, processes: int = 1):
        self.env, self.log_path = env, log_path
        self.args = [
            sys.executable,
            "-m",
            "core.cli",
            "worker",
            "--processes",
            str(processes),
            "--threads",
            str(threads),
        ]
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> WorkerProcess:
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child owns it until it exits
        self.proc = subprocess.Popen(
            self.args,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        log.close()
        return self

    def kill(self) -> None:
        """SIGKILL the whole group: no shutdown code runs, unacknowledged jobs stay with the broker."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self, timeout: float = 8) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def _die_with_parent() -> None:
    """Linux: SIGTERM the worker when the test process dies, so no stray worker steals messages."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


async def wait_until(predicate: Any, timeout: float = 90, every: float = 0.2, what: str = "") -> Any:
    """Await ``predicate()`` (sync or async) until truthy; AssertionError naming ``what`` on timeout.

    The default is generous: worker processes start cold (every plugin imported) and CI machines
    are shared; a guarantee with a deadline of its own (redelivery within 30 s) asserts it apart."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or predicate}")
        await asyncio.sleep(every)
