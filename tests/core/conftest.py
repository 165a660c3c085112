"""Fixtures for the core's server-bound tests (PostgreSQL databases made fresh per test)."""

from core.testing.postgres import pg_database, pg_server_url  # noqa: F401
