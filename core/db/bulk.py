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
    """Insert ``rows`` (tuples in ``columns`` order) in the current transaction."""
    if not rows:
        return
    tx = _transaction(table)
    cols = ", ".join(f'"{c}"' for c in columns)
    name = table._meta.tablename
    if isinstance(table._meta.db, PostgresEngine):
        marks = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
        await tx.connection.executemany(f'INSERT INTO "{name}" ({cols}) VALUES ({marks})', rows)
    else:
        marks = ", ".join("?" for _ in columns)
        await tx.connection.executemany(f'INSERT INTO "{name}" ({cols}) VALUES ({marks})', rows)
