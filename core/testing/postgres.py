"""PostgreSQL for tests: a fresh database per test, the app connecting as the non-owner role.

``LINLI_TEST_PG_URL`` names the server's admin URL (default: postgres on 127.0.0.1:5432).
A server that cannot be reached skips the test with its reason on a developer's machine and
fails it in CI (``CI=true``), where a missing service is a failure.

Several test sessions may share one server: every database gets a random name, and creating
the (cluster-wide) app role tolerates another session creating it at the same moment.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from core.settings import Settings, redact_url

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
APP_ROLE = Settings().database_app_role  # "linli_app"
DB_PREFIX = "linli_test_"

DropFn = Callable[[], Awaitable[None]]


def with_parts(url: str, *, user: str | None = None, database: str | None = None) -> str:
    """``url`` with another user (no password: trust auth) and/or database."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if user is not None:
        host = netloc.rsplit("@", 1)[-1]
        netloc = f"{user}@{host}"
    path = f"/{database}" if database is not None else parts.path
    return urlunsplit(parts._replace(netloc=netloc, path=path))


def _probe(url: str) -> str | None:
    """None when ``url`` accepts a connection, else the reason. Runs in its own thread and
    event loop, so it works whether or not the caller is inside a running loop."""
    result: list[str | None] = ["timed out"]

    async def go() -> None:
        conn = await asyncpg.connect(url, timeout=5)
        await conn.fetchval("SELECT 1")
        await conn.close()

    def run() -> None:
        try:
            asyncio.run(go())
            result[0] = None
        except Exception as exc:
            result[0] = f"{type(exc).__name__}: {exc}"

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(10)
    return result[0]


@pytest.fixture(scope="session")
def pg_server_url() -> str:
    """The admin URL, once the server is known to accept it."""
    url = os.environ.get("LINLI_TEST_PG_URL", DEFAULT_ADMIN_URL)
    problem = _probe(url)
    if problem is not None:
        reason = f"PostgreSQL not reachable at {redact_url(url)}: {problem}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (required in CI)", pytrace=False)
        pytest.skip(reason)
    return url


@pytest.fixture
async def pg_database(pg_server_url: str) -> AsyncIterator[tuple[str, str]]:
    """(owner URL, app URL) of a fresh database, dropped after the test (also on failure)."""
    owner_url, app_url, drop = await fresh_database(pg_server_url)
    try:
        yield owner_url, app_url
    finally:
        await drop()


async def ensure_role(conn: Any, role: str) -> None:
    """CREATE ROLE ``role`` LOGIN NOSUPERUSER NOBYPASSRLS unless it exists (race-safe)."""
    if await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role):
        return
    # Two sessions creating it at once: one gets duplicate_object or a unique violation.
    with contextlib.suppress(asyncpg.DuplicateObjectError, asyncpg.UniqueViolationError):
        await conn.execute(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER NOBYPASSRLS')


async def drop_role(admin_url: str, role: str) -> None:
    """Drop a throwaway role (its databases must be dropped first); quiet if it is gone."""
    conn = await asyncpg.connect(admin_url)
    try:
        with contextlib.suppress(asyncpg.UndefinedObjectError):
            await conn.execute(f'DROP ROLE IF EXISTS "{role}"')
    finally:
        await conn.close()


async def fresh_database(
    admin_url: str, app_role: str | None = APP_ROLE, *, template: str | None = None
) -> tuple[str, str, DropFn]:
    """(owner URL, app URL, drop) for a new, uniquely named database (a copy of ``template``
    when given: a migrated database, so the test skips running every migration again).

    The owner URL is ``admin_url``'s user on the new database; the app URL is ``app_role`` (no
    password: trust auth), created when missing unless ``app_role`` is None. ``drop``
    terminates its connections and drops it; call it in a ``finally`` or a fixture teardown.
    """
    name = f"{DB_PREFIX}{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(admin_url)
    try:
        for attempt in range(5):
            try:
                source = f' TEMPLATE "{template}"' if template else ""
                await conn.execute(f'CREATE DATABASE "{name}"{source}')
                break
            except asyncpg.ObjectInUseError:  # the template is busy: another session is copying it
                if attempt == 4:
                    raise
                await asyncio.sleep(0.2 * (attempt + 1))
        if app_role is not None:
            await ensure_role(conn, app_role)
    finally:
        await conn.close()

    async def drop() -> None:
        c = await asyncpg.connect(admin_url)
        try:
            await c.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = $1 AND pid <> pg_backend_pid()",
                name,
            )
            await c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await c.close()

    owner_url = with_parts(admin_url, database=name)
    return owner_url, with_parts(admin_url, user=app_role or APP_ROLE, database=name), drop


async def migrated_template(admin_url: str, registry: Any) -> tuple[str, DropFn]:
    """A database migrated for ``registry``'s apps, with no connection left open, to copy per
    test (``CREATE DATABASE … TEMPLATE``): a copy takes a fraction of a second where running
    every app's migrations takes seconds."""
    import tempfile

    from core.db.migrate import migrate
    from core.runtime import build_runtime
    from core.settings import load_settings

    owner_url, app_url, drop = await fresh_database(admin_url)
    settings = load_settings(
        environ={},
        var_dir=tempfile.mkdtemp(prefix="linli-template-"),
        secret_key="t" * 40,
        database_url=app_url,
        database_owner_url=owner_url,
    )
    await migrate(build_runtime(settings, registry=registry))
    name = owner_url.rsplit("/", 1)[1].split("?", 1)[0]
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = $1 AND pid <> pg_backend_pid()",
            name,
        )
    finally:
        await conn.close()
    return name, drop


@pytest.fixture(scope="session")
def pg_templates() -> Iterator[dict[Any, tuple[str, DropFn]]]:
    """Migrated template databases of this test session, by the set of loaded apps (a plain
    fixture, so a running test can ask for it; dropped on a loop of their own at the end)."""
    templates: dict[Any, tuple[str, DropFn]] = {}
    yield templates

    async def drop_all() -> None:
        for _name, drop in templates.values():
            await drop()

    worker = threading.Thread(target=lambda: asyncio.run(drop_all()))
    worker.start()
    worker.join()
