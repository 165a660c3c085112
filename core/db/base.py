"""The base of every Linli table: piccolo adds ``id`` at class creation; this tells type checkers."""

from __future__ import annotations

from piccolo.columns import Serial
from piccolo.table import Table


class LinliTable(Table):
    """Platform tables derive from this; tenant tables from :class:`core.db.tenant.TenantTable`."""

    id: Serial
