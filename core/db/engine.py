"""Engines for both profiles, and the one place that knows piccolo's transaction pitfalls.

* PostgreSQL: :class:`SafePostgresEngine` fixes piccolo 1.38's transaction exit, which leaked a
  pooled connection (and left a stale contextvar) whenever COMMIT raised.
* SQLite: WAL and a busy timeout, and every writing transaction is IMMEDIATE, because a
  DEFERRED transaction that reads then writes fails at once with "database is locked";
  :class:`SafeSQLiteEngine` fixes the same exit bug as on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction

from core.errors import ConfigError
from core.settings import Settings, ensure_var_dir, redact_url
from core.tenancy.context import current_tenant_id

SQLITE_BUSY_TIMEOUT_S = 30.0


class SafePostgresTransaction(PostgresTransaction):
    """Like piccolo's, but the connection is always released and the contextvar always reset.

    It also carries the tenant: BEGIN and ``set_config('app.tenant_id', …, true)`` go to the
    server as one round trip, transaction-local, so a pooled connection can never hand one
    request's tenant to the next. With no tenant the setting stays empty and RLS shows no rows.
    """

    async def __aenter__(self) -> SafePostgresTransaction:
        if self._parent is not None:
            return self._parent  # type: ignore[return-value]
        self.connection = await self.get_connection()
        # No asyncpg Transaction object: BEGIN/COMMIT/ROLLBACK are sent directly (see below).
        await self.begin()
        self.context = self.engine.current_transaction.set(self)
        return self

    async def begin(self) -> None:
        tenant_id = current_tenant_id()
        if tenant_id is None:
            await self.connection.execute("BEGIN")
        else:
            # int() makes the interpolation safe; the simple protocol allows two statements.
            await self.connection.execute(
                f"BEGIN; SELECT set_config('app.tenant_id', '{int(tenant_id)}', true)"
            )

    async def commit(self) -> None:
        await self.connection.execute("COMMIT")
        self._committed = True

    async def rollback(self) -> None:
        await self.connection.execute("ROLLBACK")
        self._rolled_back = True

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        if self._parent:
            return exception is None
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
        finally:
            try:
                if self.engine.pool:
                    await self.engine.pool.release(self.connection)
                else:
                    await self.connection.close()
            finally:
                self.engine.current_transaction.reset(self.context)
        return exception is None


class SafePostgresEngine(PostgresEngine):
    def transaction(self, allow_nested: bool = True) -> SafePostgresTransaction:  # type: ignore[override]
        return SafePostgresTransaction(engine=self, allow_nested=allow_nested)


class SafeSQLiteTransaction(SQLiteTransaction):
    """Like piccolo's, but the connection is always closed and the contextvar always cleared.

    piccolo's skips both when COMMIT or ROLLBACK raises (a deferred constraint, a lock it could
    not get): the task then keeps a stale transaction, its next ``transaction()`` is a "nested"
    no-op on a dead connection, and its queries fail with aiosqlite's "no active connection".
    """

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        if self._parent:
            return exception is None
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
        finally:
            try:
                await self.connection.close()
            finally:
                try:
                    self.engine.current_transaction.reset(self.context)
                except ValueError:  # exited in another context than it was entered in
                    self.engine.current_transaction.set(None)
        return exception is None


class SafeSQLiteEngine(SQLiteEngine):
    def transaction(self, transaction_type: Any = None, allow_nested: bool = True) -> SafeSQLiteTransaction:  # type: ignore[override]
        from piccolo.engine.sqlite import TransactionType

        return SafeSQLiteTransaction(
            engine=self,
            transaction_type=transaction_type or TransactionType.deferred,
            allow_nested=allow_nested,
        )


def _set_wal(path: Any) -> None:
    """Switch the file to WAL. Changing the journal mode needs the file to itself, and SQLite
    answers "database is locked" at once (no busy handler) while another process is opening or
    migrating it at the same moment: retry with a short backoff, up to the busy timeout."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_S
    delay = 0.01
    while True:
        conn = sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_S)
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
        finally:
            conn.close()
        time.sleep(delay)
        delay = min(delay * 2, 0.5)


def make_engine(settings: Settings, *, owner: bool = False) -> Engine:
    """The engine for the app (or, with ``owner``, for migrations)."""
    url = settings.owner_url if owner else settings.database_url
    if settings.dialect == "postgres":
        # No extensions: the app role may not create them, and nothing here needs uuid-ossp.
        return SafePostgresEngine(config={"dsn": url}, extensions=())
    ensure_var_dir(settings)
    path = settings.sqlite_path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # WAL is a property of the file: set it once, with a plain connection that waits like
        # the engine does (another process may be migrating this very file at start-up).
        _set_wal(path)
    except (OSError, sqlite3.Error) as exc:
        raise ConfigError(f"LINLI_DATABASE_URL: cannot open SQLite file {path}: {exc}") from None
    return SafeSQLiteEngine(path=str(path), timeout=SQLITE_BUSY_TIMEOUT_S)


async def start_engine(engine: Engine, settings: Settings) -> None:
    """Open the pool (PostgreSQL) and prove the database answers; ConfigError otherwise."""
    if isinstance(engine, PostgresEngine):
        try:
            await engine.start_connection_pool(
                min_size=settings.db_pool_min, max_size=settings.db_pool_max, timeout=10
            )
        except Exception as exc:  # asyncpg raises many types; all mean "cannot connect"
            raise ConfigError(
                f"LINLI_DATABASE_URL: cannot connect to {redact_url(settings.database_url)}: {_reason(exc)}"
            ) from None
    try:
        await engine.run_ddl("SELECT 1")
    except Exception as exc:
        raise ConfigError(f"database check failed: {_reason(exc)}") from None


async def stop_engine(engine: Engine) -> None:
    if isinstance(engine, PostgresEngine) and engine.pool is not None:
        await engine.close_connection_pool()


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


def is_postgres(engine: Engine) -> bool:
    return isinstance(engine, PostgresEngine)


def write_transaction(engine: Engine) -> Any:
    """A transaction fit for writing on either engine (IMMEDIATE on SQLite)."""
    if isinstance(engine, SQLiteEngine):
        return _sqlite_write(engine)
    return engine.transaction()


# SQLite has one writer at a time. Tasks of one process queue on an asyncio lock instead of in
# SQLite's busy handler, which sleeps and retries (tens of ms per collision under load). The
# busy timeout still arbitrates between processes (web, worker).
_sqlite_locks: dict[tuple[int, int], asyncio.Lock] = {}


@asynccontextmanager
async def _sqlite_write(engine: SQLiteEngine) -> AsyncIterator[Any]:
    from piccolo.engine.sqlite import TransactionType

    outer = engine.current_transaction.get()
    if outer is not None and getattr(getattr(outer, "connection", None), "_connection", None) is None:
        engine.current_transaction.set(None)  # a dead transaction left in this context: not ours to nest in
        outer = None
    if outer is not None:  # nested: the outer one holds the lock
        async with engine.transaction(transaction_type=TransactionType.immediate) as tx:
            yield tx
        return
    key = (id(engine), id(asyncio.get_running_loop()))
    lock = _sqlite_locks.get(key)
    if lock is None:
        lock = _sqlite_locks.setdefault(key, asyncio.Lock())
    async with lock, engine.transaction(transaction_type=TransactionType.immediate) as tx:
        yield tx


@asynccontextmanager
async def as_tenant(engine: Engine, tenant: Any) -> AsyncIterator[None]:
    """Run the block as ``tenant``, also for RLS: inside an open PostgreSQL transaction the
    transaction-local ``app.tenant_id`` is switched for the block and restored after it; with no
    transaction open, one is opened for the block."""
    from core.tenancy.context import tenant_scope

    with tenant_scope(tenant):
        if not isinstance(engine, PostgresEngine):
            yield
            return
        if engine.current_transaction.get() is None:
            async with engine.transaction():
                yield
            return
        rows = await engine.run_ddl("SELECT current_setting('app.tenant_id', true) AS t")
        previous = rows[0]["t"] or ""
        await engine.run_ddl(f"SELECT set_config('app.tenant_id', '{int(tenant.community_id)}', true)")
        try:
            yield
        finally:
            await engine.run_ddl(f"SELECT set_config('app.tenant_id', '{previous}', true)")
