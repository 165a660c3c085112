"""Errors the core raises on purpose, each with a message fit to show a person."""


class LinliError(Exception):
    """Base class for deliberate, user-facing errors."""


class ConfigError(LinliError):
    """The configuration is unusable (bad URL, unreachable server, unwritable directory)."""


class NoTenantError(LinliError):
    """A tenant-scoped query ran with no tenant set: the first wall fails closed."""


class NotFound(LinliError):
    """The object does not exist *for this caller* (missing and foreign look the same)."""


class Conflict(LinliError):
    """The request is valid but clashes with the current state; `field` names the one to change."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class InvalidInput(LinliError):
    """Input failed validation; `field` names the offending field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class Unavailable(LinliError):
    """A service the request needs (job broker, object storage) cannot be reached; try again later."""
