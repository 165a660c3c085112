"""PostgreSQL for tests: a fresh database per harness, the app connecting as the non-owner role.

``LINLI_TEST_PG_URL`` names the server's admin URL (default: postgres on 127.0.0.1:5432).
A server that cannot be reached skips the test with its reason on a developer's machine and
fails it in CI (``CI=true``), where a missing service is a failure.
"""

from __future__ import annotations

import contextlib
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
APP_ROLE = "linli_app"


def _with(url: str, *, user: str | None = None, database: str | None = None) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc
    if user is not None:
        host = netloc.rsplit("@", 1)[-1]
        netloc = f"{user}@{host}"
    path = f"/{database}" if database is not None else parts.path
    return urlunsplit(parts._replace(netloc=netloc, path=path))


@pytest.fixture(scope="session")
def pg_server_url() -> str:
    """The admin URL, once the server is known to answer (a plain TCP check, usable anywhere)."""
    url = os.environ.get("LINLI_TEST_PG_URL", DEFAULT_ADMIN_URL)
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), timeout=3).close()
    except OSError as exc:
        reason = f"PostgreSQL not reachable at {parts.hostname}:{parts.port or 5432}: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (required in CI)")
        pytest.skip(reason)
    return url


async def fresh_database(admin_url: str, app_role: str = APP_ROLE) -> tuple[
        str, str, Callable[[], Awaitable[None]]]:
    """(owner URL, app URL, drop) for a new, uniquely named database."""
    name = f"linli_test_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
        # The role may exist from an earlier or a concurrent run.
        with contextlib.suppress(asyncpg.DuplicateObjectError, asyncpg.UniqueViolationError):
            await conn.execute(f'CREATE ROLE "{app_role}" LOGIN NOSUPERUSER NOBYPASSRLS')
    finally:
        await conn.close()

    async def drop() -> None:
        c = await asyncpg.connect(admin_url)
        try:
            await c.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE datname = $1 AND pid <> pg_backend_pid()", name)
            await c.execute(f'DROP DATABASE IF EXISTS "{name}"')
        finally:
            await c.close()

    return _with(admin_url, database=name), _with(admin_url, user=app_role, database=name), drop
