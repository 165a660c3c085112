"""One typed settings object, read from ``LINLI_*`` environment variables and an optional TOML file.

No configuration at all gives the embedded profile: a SQLite file under ``var/``.
The production profile wants a PostgreSQL URL. Every problem is reported as one
:class:`~core.errors.ConfigError` line that names the setting and never a password.
"""

from __future__ import annotations

import os
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
    log_format: Literal["text", "json"] = "text"
    log_level: str = "INFO"
    host: str = "127.0.0.1"
    port: int = 8000
    session_ttl_hours: int = 12
    login_max_failures: int = 5
    lockout_minutes: int = 15
    # Login attempts one client address may make per 5 minutes, per process.
    login_attempts_per_address: int = 30
    max_body_bytes: int = 1_048_576
    # How long a process may serve a cached tenant (slug, enabled plugins) before re-reading it.
    tenant_cache_seconds: float = 5.0

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
        name = key[len(_ENV_PREFIX):].lower()
        if name == "settings_file" or name not in fields:
            continue
        if name == "extra_plugins":
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
    if settings.profile == "production" and settings.log_format == "text" and \
            "LINLI_LOG_FORMAT" not in os.environ:
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
            "(expected sqlite:///path or postgresql://user@host/db)")
    if settings.profile == "production" and scheme == "sqlite":
        raise ConfigError("LINLI_DATABASE_URL: the production profile needs PostgreSQL, not SQLite")
    if scheme != "sqlite":
        parts = urlsplit(url)
        if not parts.hostname or not parts.path.strip("/"):
            raise ConfigError(
                f"LINLI_DATABASE_URL: {redact_url(url)!r} must name a host and a database")
    if settings.db_pool_max < 1 or settings.db_pool_min < 0 or \
            settings.db_pool_min > settings.db_pool_max:
        raise ConfigError("LINLI_DB_POOL_MIN/MAX: need 0 <= min <= max and max >= 1")
    result = msgspec.structs.replace(settings, **changes)
    return result


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
