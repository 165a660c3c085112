"""Bulk inserts through the database driver, for imports and generated data.

piccolo builds one parameterised statement from table objects, which costs far more than the
database's own work for tens of thousands of rows. Here rows go to the driver's
``executemany`` on the *current transaction's connection* (so RLS, the tenant and atomicity
are those of the caller), with primary keys assigned up front so callers can link rows:
from the sequence on PostgreSQL, and from ``max(id)`` under the write lock the IMMEDIATE
transaction holds on SQLite.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table

from core.errors import NoTenantError


def _transaction(table: type[Table]) -> Any:
    tx = table._meta.db.current_transaction.get()
    if tx is None:
        raise NoTenantError("bulk writes need an open transaction")
    return tx


async def allocate_ids(table: type[Table], count: int) -> list[int]:
    """``count`` fresh primary keys for ``table``, valid within the current transaction."""
    if count == 0:
        return []
    tx = _transaction(table)
    name = table._meta.tablename
    if isinstance(table._meta.db, PostgresEngine):
        rows = await tx.connection.fetch(
            f"SELECT nextval(pg_get_serial_sequence('{name}', 'id')) AS id FROM generate_series(1, $1)", count
        )
        return [r["id"] for r in rows]
    cursor = await tx.connection.execute(f'SELECT coalesce(max(id), 0) AS top FROM "{name}"')
    start = (await cursor.fetchone())["top"]  # piccolo's connections return rows by column name
    return list(range(start + 1, start + 1 + count))


async def insert_rows(table: type[Table], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) in the current transaction.

    On a tenant table every row belongs to the current tenant, as with piccolo's own inserts:
    rows without ``community_id`` are stamped with it, and rows naming another community are
    refused whole (on SQLite this is the only wall). Domain events go through
    ``core.events.outbox.emit_many``, never through here.
    """
    from core.db.tenant import TenantTable
    from core.events.tables import OutboxEvent

    if not rows:
        return
    if table is OutboxEvent:
        raise ValueError("events are written with core.events.outbox.emit / emit_many")
    if issubclass(table, TenantTable):
        columns, rows = stamp_tenant(columns, rows)
    await _insert(table, columns, rows)


def stamp_tenant(
    columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> tuple[Sequence[str], Sequence[Sequence[Any]]]:
    """The rows with the current tenant's ``community_id``: added when missing, checked when given."""
    from core.tenancy.context import current_tenant_id

    tid = current_tenant_id()
    if tid is None:
        raise NoTenantError("bulk writes to a tenant table need a tenant")
    if "community_id" not in columns:
        return (*columns, "community_id"), [(*row, tid) for row in rows]
    at = list(columns).index("community_id")
    if any(row[at] != tid for row in rows):
        raise NoTenantError("bulk rows name another community than the current tenant")
    return columns, rows


async def _insert(table: type[Table], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    tx = _transaction(table)
    cols = ", ".join(f'"{c}"' for c in columns)
    name = table._meta.tablename
    if isinstance(table._meta.db, PostgresEngine):
        marks = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
    else:
        marks = ", ".join("?" for _ in columns)
    await tx.connection.executemany(f'INSERT INTO "{name}" ({cols}) VALUES ({marks})', rows)


async def insert_events(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """The outbox's own fast path (``emit_many``): the tenant stamped and checked the same way."""
    from core.events.tables import OutboxEvent

    columns, rows = stamp_tenant(columns, rows)
    await _insert(OutboxEvent, columns, rows)
