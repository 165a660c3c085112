"""The two ASGI apps the read benchmark compares, built from environment variables.

* ``full_app``: Linli itself, reading a record through a plugin route with every layer on.
* ``bare_app``: a bare litestar handler doing the same primary-key select with piccolo on the
  same database server, with no auth, no tenant, no RLS transaction.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, get
from litestar.params import FromPath
from piccolo.columns import Integer, Varchar
from piccolo.engine.postgres import PostgresEngine
from piccolo.table import Table


def full_app() -> Litestar:
    from core.app import create_app
    from core.logging import configure_logging
    from core.plugins.registry import load_plugins
    from core.runtime import build_runtime
    from core.settings import load_settings

    settings = load_settings()
    configure_logging(settings)
    registry = load_plugins(["lp_bench"], strict=True, include_entry_points=False)
    return create_app(build_runtime(settings, registry=registry))


class BareRecord(Table, tablename="bench_record"):
    community_id = Integer()
    label = Varchar(length=100)


def bare_app() -> Litestar:
    engine = PostgresEngine(config={"dsn": os.environ["BENCH_BARE_URL"]}, extensions=())
    BareRecord._meta.db = engine
    pool_max = int(os.environ.get("LINLI_DB_POOL_MAX", "10"))

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        await engine.start_connection_pool(min_size=1, max_size=pool_max)
        yield
        await engine.close_connection_pool()

    @get("/api/v1/c/{community:str}/bench/records/{record_id:int}")
    async def get_record(community: FromPath[str], record_id: FromPath[int]) -> dict[str, Any]:
        row = (
            await BareRecord.select(BareRecord.id, BareRecord.label)
            .where(BareRecord.id == record_id)
            .first()
            .run()
        )
        return row or {}

    return Litestar(route_handlers=[get_record], lifespan=[lifespan], openapi_config=None)
