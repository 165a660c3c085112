"""Tenant-owned tables: the first wall of tenant isolation.

Every query built from a :class:`TenantTable` subclass is filtered by the current tenant's
``community_id``, and inserts are stamped with it. With no tenant set the query is refused
(:class:`~core.errors.NoTenantError`) instead of returning every community's rows.
PostgreSQL row-level security (see :mod:`core.db.rls`) is the second wall behind this one.
"""

from __future__ import annotations

from typing import Any

from piccolo.columns import Integer
from piccolo.query import Count, Delete, Exists, Insert, Objects, Select, Update
from piccolo.table import Table

from core.db.base import LinliTable
from core.errors import NoTenantError
from core.tenancy.context import current_tenant_id


def _require_tenant_id() -> int:
    tenant_id = current_tenant_id()
    if tenant_id is None:
        raise NoTenantError("no tenant is set: tenant tables cannot be queried")
    return tenant_id


class TenantTable(LinliTable):
    """Base for every tenant-owned table (core or plugin). Adds ``community_id``.

    The column is a plain indexed integer rather than a foreign key so that plugin tables never
    need core's table classes; `linli migrate` adds the foreign key constraint on PostgreSQL.
    """

    community_id = Integer(null=False, index=True)

    @classmethod
    def select(cls, *columns: Any, exclude_secrets: bool = False) -> Select:
        tid = _require_tenant_id()
        return super().select(*columns, exclude_secrets=exclude_secrets).where(cls.community_id == tid)

    @classmethod
    def objects(cls, *prefetch: Any) -> Objects:  # type: ignore[override]
        tid = _require_tenant_id()
        return super().objects(*prefetch).where(cls.community_id == tid)

    @classmethod
    def count(cls, column: Any = None, distinct: Any = None) -> Count:
        tid = _require_tenant_id()
        return super().count(column=column, distinct=distinct).where(cls.community_id == tid)

    @classmethod
    def exists(cls) -> Exists:
        tid = _require_tenant_id()
        return super().exists().where(cls.community_id == tid)

    @classmethod
    def update(
        cls, values: Any = None, force: bool = False, use_auto_update: bool = True, **kwargs: Any
    ) -> Update:
        tid = _require_tenant_id()
        if values is not None:
            keys = {k if isinstance(k, str) else k._meta.name for k in values}
            if "community_id" in keys:
                raise NoTenantError("community_id cannot be changed")
        return (
            super()
            .update(values, force=force, use_auto_update=use_auto_update, **kwargs)
            .where(cls.community_id == tid)
        )

    @classmethod
    def delete(cls, force: bool = False) -> Delete:
        tid = _require_tenant_id()
        return super().delete(force=force).where(cls.community_id == tid)

    @classmethod
    def insert(cls, *rows: Any) -> Insert:  # type: ignore[override]
        _require_tenant_id()
        query = _TenantInsert(table=cls)
        return query.add(*rows) if rows else query

    def save(self, columns: Any = None) -> Insert | Update:
        tid = _require_tenant_id()
        if not self._exists_in_db:
            _stamp(self, tid)
        elif self.community_id != tid:
            raise NoTenantError("this row belongs to another community")
        return super().save(columns)

    @classmethod
    def raw(cls, sql: str, *args: Any) -> Any:
        raise NoTenantError(f"{cls.__name__}.raw() would bypass tenant scoping; use the query builder")


class _TenantInsert(Insert):
    """Stamps every added row, so ``Table.insert().add(row)`` is scoped too."""

    def add(self, *instances: Any) -> _TenantInsert:
        tid = _require_tenant_id()
        for row in instances:
            _stamp(row, tid)
        super().add(*instances)
        return self


def _stamp(row: Any, tenant_id: int) -> None:
    existing = getattr(row, "community_id", None)
    if existing not in (None, 0, tenant_id):
        raise NoTenantError("cannot write a row for another community")
    row.community_id = tenant_id


def tenant_tables(tables: list[type[Table]]) -> list[type[TenantTable]]:
    return [t for t in tables if issubclass(t, TenantTable)]
