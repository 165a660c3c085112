"""One typed settings object, read from ``LINLI_*`` environment variables and an optional TOML file.

No configuration at all gives the embedded profile: a SQLite file under ``var/``.
The production profile wants a PostgreSQL URL. Every problem is reported as one
:class:`~core.errors.ConfigError` line that names the setting and never a password.
"""

from __future__ import annotations

import os
import re
import secrets
import tomllib
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

import msgspec

from core.errors import ConfigError

Profile = Literal["embedded", "production"]


class Settings(msgspec.Struct, kw_only=True, frozen=True):
    profile: Profile = "embedded"
    var_dir: str = "var"
    # The app's own connection. On PostgreSQL this role must not own the tables nor bypass RLS.
    database_url: str = ""
    # Used by `linli migrate` (DDL, RLS policies, grants); defaults to database_url.
    database_owner_url: str = ""
    # The non-owner role the app connects as on PostgreSQL; `linli migrate` creates and grants it.
    database_app_role: str = "linli_app"
    db_pool_min: int = 1
    db_pool_max: int = 10
    secret_key: str = ""
    # Keys for encrypted fields (ID numbers), "<version>:<base64 32 bytes>", newest first;
    # empty derives version 1 from secret_key. See docs/operations/keys.md.
    field_keys: str = ""
    strict_plugins: bool = False
    # Extra plugin modules to load besides the `linli.plugins` entry points ("pkg.module", ...).
    extra_plugins: list[str] = msgspec.field(default_factory=list)
    # Load only these plugin ids (all installed ones when unset); e.g. a worker for a test app.
    only_plugins: list[str] | None = None
    log_format: Literal["text", "json"] = "text"
    log_level: str = "INFO"
    host: str = "127.0.0.1"
    port: int = 8000
    session_ttl_hours: int = 12
    login_max_failures: int = 5
    lockout_minutes: int = 15
    # Failed attempts (login, invitation code, password change) one client address may make per
    # 5 minutes, counted across every app process (Redis when the broker is Redis, else the database).
    login_attempts_per_address: int = 30
    # Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed ("127.0.0.1,10.0.0.5").
    # Empty (the default): nobody's, so a made-up header can neither dodge the login limit nor
    # forge the address in the audit log.
    trusted_proxies: list[str] = msgspec.field(default_factory=list)
    max_body_bytes: int = 1_048_576
    # How long a process may serve a cached tenant (slug, enabled plugins) before re-reading it.
    tenant_cache_seconds: float = 5.0
    # Object storage (S3 API through the minio client; docs/files.md). Empty endpoint in the
    # embedded profile: `linli serve` starts SeaweedFS under var/ and fills these in.
    s3_endpoint: str = ""  # host:port, no scheme
    s3_access_key: str = ""
    s3_secret_key: str = ""  # never logged nor shown in a message
    s3_bucket: str = "linli"
    s3_secure: bool = False
    s3_region: str = "us-east-1"
    # Where browsers reach the storage (presigned download URLs); defaults to s3_endpoint.
    s3_public_endpoint: str = ""
    # Bytes of attachments a community may keep, unless its own quota says otherwise.
    storage_quota_bytes: int = 5 * 1024**3
    # The job broker: redis://, rediss://, unix:// (Redis) or amqp:// (RabbitMQ). Empty in the
    # embedded profile: `linli serve` starts a private Redis under var/ and fills it in.
    # See docs/jobs.md.
    broker_url: str = ""
    # A Redis worker silent this long is presumed dead and its unacknowledged jobs are requeued.
    job_heartbeat_seconds: int = 10
    worker_processes: int = 1
    worker_threads: int = 4

    def __repr__(self) -> str:
        # Settings end up in tracebacks and debug logs: secrets never do.
        shown = []
        for name in self.__struct_fields__:
            value = getattr(self, name)
            if name in _SECRET_FIELDS and value:
                value = "***"
            elif name.endswith("_url") and isinstance(value, str):
                value = redact_url(value)
            shown.append(f"{name}={value!r}")
        return f"Settings({', '.join(shown)})"

    @property
    def dialect(self) -> Literal["sqlite", "postgres"]:
        return "postgres" if self.database_url.startswith(("postgres://", "postgresql://")) else "sqlite"

    @property
    def sqlite_path(self) -> Path:
        # sqlite:///relative/path or sqlite:////absolute/path
        return Path(self.database_url.removeprefix("sqlite:///"))

    @property
    def owner_url(self) -> str:
        return self.database_owner_url or self.database_url


_ENV_PREFIX = "LINLI_"
_SECRET_FIELDS = frozenset({"secret_key", "field_keys", "s3_secret_key"})


def redact_url(url: str) -> str:
    """The URL with any password replaced, safe for messages and logs."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


def _from_env(environ: dict[str, str]) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    fields = set(Settings.__struct_fields__)
    for key, value in environ.items():
        if not key.startswith(_ENV_PREFIX):
            continue
        name = key[len(_ENV_PREFIX) :].lower()
        if name == "settings_file" or name not in fields:
            continue
        if name in ("extra_plugins", "only_plugins", "trusted_proxies"):
            raw[name] = [p.strip() for p in value.split(",") if p.strip()]
        else:
            raw[name] = value
    return raw


def load_settings(environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
    """Build settings from a TOML file (``LINLI_SETTINGS_FILE``), then the environment, then overrides."""
    environ = dict(os.environ if environ is None else environ)
    raw: dict[str, Any] = {}
    settings_file = environ.get("LINLI_SETTINGS_FILE")
    if settings_file:
        try:
            raw.update(tomllib.loads(Path(settings_file).read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise ConfigError(f"LINLI_SETTINGS_FILE: no such file: {settings_file}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"LINLI_SETTINGS_FILE {settings_file}: invalid TOML: {exc}") from None
    raw.update(_from_env(environ))
    raw.update(overrides)
    unknown = set(raw) - set(Settings.__struct_fields__)
    if unknown:
        raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    try:
        settings = msgspec.convert(raw, Settings, strict=False)
    except msgspec.ValidationError as exc:
        raise ConfigError(f"invalid setting: {exc}") from None
    return _complete(settings)


def _complete(settings: Settings) -> Settings:
    """Fill derived defaults and check what can be checked without touching a server."""
    var = Path(settings.var_dir)
    changes: dict[str, Any] = {}
    if (
        settings.profile == "production"
        and settings.log_format == "text"
        and "LINLI_LOG_FORMAT" not in os.environ
    ):
        changes["log_format"] = "json"
    url = settings.database_url
    if not url:
        if settings.profile == "production":
            raise ConfigError("LINLI_DATABASE_URL: the production profile needs a PostgreSQL URL")
        url = f"sqlite:///{var / 'linli.sqlite3'}"
        changes["database_url"] = url
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in ("sqlite", "postgres", "postgresql"):
        raise ConfigError(
            f"LINLI_DATABASE_URL: unsupported or malformed URL {redact_url(url)!r} "
            "(expected sqlite:///path or postgresql://user@host/db)"
        )
    if settings.profile == "production" and scheme == "sqlite":
        raise ConfigError("LINLI_DATABASE_URL: the production profile needs PostgreSQL, not SQLite")
    if scheme != "sqlite":
        parts = urlsplit(url)
        if not parts.hostname or not parts.path.strip("/"):
            raise ConfigError(f"LINLI_DATABASE_URL: {redact_url(url)!r} must name a host and a database")
    if settings.db_pool_max < 1 or settings.db_pool_min < 0 or settings.db_pool_min > settings.db_pool_max:
        raise ConfigError("LINLI_DB_POOL_MIN/MAX: need 0 <= min <= max and max >= 1")
    broker = settings.broker_url
    if broker and broker.split("://", 1)[0] not in ("redis", "rediss", "unix", "amqp", "amqps"):
        raise ConfigError(
            f"LINLI_BROKER_URL: unsupported URL {redact_url(broker)!r} "
            "(expected redis://host:6379/0, unix:///path/redis.sock or amqp://user@host:5672/)"
        )
    if settings.profile == "production" and not broker:
        raise ConfigError("LINLI_BROKER_URL: the production profile needs a Redis or RabbitMQ URL")
    if settings.job_heartbeat_seconds < 2 or settings.worker_processes < 1 or settings.worker_threads < 1:
        raise ConfigError("LINLI_JOB_HEARTBEAT_SECONDS >= 2, LINLI_WORKER_PROCESSES/THREADS >= 1")
    _check_s3(settings)
    result = msgspec.structs.replace(settings, **changes)
    return result


_HOST_PORT = re.compile(r"^[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$")


def _check_s3(settings: Settings) -> None:
    """Object storage settings: shapes only (reaching the server is the storage's own check)."""
    for name in ("s3_endpoint", "s3_public_endpoint"):
        value = getattr(settings, name)
        if value and not _HOST_PORT.match(value):
            raise ConfigError(
                f"LINLI_{name.upper()}: {value!r} must be host or host:port, without a scheme or path "
                "(use LINLI_S3_SECURE=true for https)"
            )
    if settings.s3_endpoint and not (settings.s3_access_key and settings.s3_secret_key):
        raise ConfigError(
            "LINLI_S3_ACCESS_KEY / LINLI_S3_SECRET_KEY: required with LINLI_S3_ENDPOINT "
            "(anonymous storage access is not supported)"
        )
    if not _BUCKET.match(settings.s3_bucket):
        raise ConfigError(
            f"LINLI_S3_BUCKET: {settings.s3_bucket!r} is not a valid bucket name "
            "(3-63 characters of a-z, 0-9, '.' and '-')"
        )
    if settings.storage_quota_bytes < 0:
        raise ConfigError("LINLI_STORAGE_QUOTA_BYTES: must be 0 or more")


def ensure_var_dir(settings: Settings) -> Path:
    """Create ``var/`` and prove it is writable, or raise one clear ConfigError."""
    var = Path(settings.var_dir)
    try:
        var.mkdir(parents=True, exist_ok=True)
        probe = var / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise ConfigError(f"LINLI_VAR_DIR: {var} is not writable ({exc.strerror})") from None
    return var


def resolve_secret_key(settings: Settings) -> Settings:
    """Production takes the key from settings; embedded keeps a generated one in var/secret_key."""
    if settings.secret_key:
        if len(settings.secret_key) < 32:
            raise ConfigError("LINLI_SECRET_KEY: must be at least 32 characters")
        return settings
    if settings.profile == "production":
        raise ConfigError("LINLI_SECRET_KEY: required in the production profile")
    path = ensure_var_dir(settings) / "secret_key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48))
    return msgspec.structs.replace(settings, secret_key=path.read_text().strip())
