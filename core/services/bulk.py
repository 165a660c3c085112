"""Many rows at once into a plugin's own tenant table, through the database driver."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


async def insert_rows(table: type[Any], rows: Sequence[Mapping[str, Any]]) -> int:
    """Insert ``rows`` (dicts of column name → value, every row with the same keys) into a
    tenant table in the current transaction, stamped with the current community — for a plugin
    writing thousands of generated rows (the canteen's day of orders), where building a piccolo
    object per row costs far more than the database's work. Nothing is returned per row; read
    back what you need. Events still go through ``emit``."""
    from core.db.bulk import insert_rows as _insert
    from core.db.tenant import TenantTable
    from core.errors import InvalidInput

    if not (isinstance(table, type) and issubclass(table, TenantTable)):
        raise TypeError("insert_rows writes to a plugin's tenant tables only")
    if not rows:
        return 0
    columns = tuple(rows[0])
    if any(tuple(r) != columns for r in rows):
        raise InvalidInput("every row needs the same columns, in the same order", field="rows")
    known = {c._meta.db_column_name for c in table._meta.columns}
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise TypeError(f"{table.__name__} has no column {', '.join(unknown)}")
    await _insert(table, columns, [tuple(r[c] for c in columns) for r in rows])
    return len(rows)
