"""Logging: readable lines for a person at a terminal, JSON lines in production.

Either way a line never carries a secret: extra fields named like a password, secret, token or
cookie are written as ``***``, and so are the password in a URL (``postgresql://u:***@host``)
and ``password=…`` or ``"token": "…"`` in a message or a traceback.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from typing import Any

from core.errors import ConfigError
from core.settings import Settings

_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "taskName",
    "color_message",  # uvicorn's coloured copy of the message
}
_SECRET_KEY = re.compile(
    r"passw(or)?d|passphrase|secret|token|authorization|cookie|api[_-]?key|credential", re.I
)
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s]+@", re.I)
_ASSIGNED_SECRET = re.compile(
    # password=… and "password": "…" (a bare 'password: …' is how errors name the field)
    r"\b(pass(?:word|wd)?|secret(?:_key)?|token|api[_-]?key)(\s*=\s*['\"]?|['\"]\s*:\s*['\"])[^\s'\",;&]+",
    re.I,
)


def redact(text: str) -> str:
    """Blank out passwords in URLs and ``password=…`` / ``"token": "…"`` pairs."""
    return _ASSIGNED_SECRET.sub(r"\1\2***", _URL_PASSWORD.sub(r"\1***@", text))


def _value(key: str, value: Any) -> Any:
    if _SECRET_KEY.search(key):
        return "***"
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, int | float | bool) or value is None:
        return value
    return redact(str(value))


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    """What the caller passed with ``extra=…`` (request_id, method, path, status, ms, …)."""
    return {k: _value(k, v) for k, v in record.__dict__.items() if k not in _STANDARD}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for key, value in extra_fields(record).items():
            entry.setdefault(key, value)
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        extra = " ".join(f"{k}={v}" for k, v in extra_fields(record).items())
        line = (
            f"{self.formatTime(record, '%H:%M:%S')} {record.levelname:<7} {record.name}: "
            f"{redact(record.getMessage())}" + (f" {extra}" if extra else "")
        )
        if record.exc_info:
            line += "\n" + redact(self.formatException(record.exc_info))
        return line


def configure_logging(settings: Settings) -> None:
    """One handler on stderr for the whole process (uvicorn's loggers included)."""
    level = settings.log_level.upper()
    if level not in _LEVELS:
        raise ConfigError(f"LINLI_LOG_LEVEL: {settings.log_level!r} is not one of {', '.join(_LEVELS)}")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if settings.log_format == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
    for noisy in ("piccolo", "httpx", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
