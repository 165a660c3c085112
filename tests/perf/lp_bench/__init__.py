"""A minimal plugin for the read benchmark: one tenant table and a GET by primary key.

It is built like any third-party plugin (only ``core.api``), so the benchmark measures the same
path a real plugin's read takes: token, tenant resolution, plugin gate, guard, RLS transaction.
"""

from __future__ import annotations

from pathlib import Path

from litestar import get
from litestar.params import FromPath
from piccolo.columns import Varchar

from core.api import Manifest, NotFound, Permission, PiccoloApp, TenantTable, hookimpl, requires

manifest = Manifest(
    id="bench",
    name_zh="基准",
    name_en="Benchmark",
    version="1.0.0",
    permissions=(Permission("bench.read", "Read benchmark records", ("community_staff",)),),
)


class BenchRecord(TenantTable, tablename="bench_record"):
    label = Varchar(length=100)


@get("/records/{record_id:int}", guards=[requires("bench.read")])
async def get_record(record_id: FromPath[int]) -> dict[str, object]:
    row = (
        await BenchRecord.select(BenchRecord.id, BenchRecord.label)
        .where(BenchRecord.id == record_id)
        .first()
        .run()
    )
    if row is None:
        raise NotFound("no such record")
    return row


@hookimpl
def register_routes():
    return [get_record]


@hookimpl
def register_tables():
    return PiccoloApp(
        app_name="bench",
        table_classes=[BenchRecord],
        migrations_folder_path=str(Path(__file__).parent / "migrations"),
        migration_dependencies=[],
    )
