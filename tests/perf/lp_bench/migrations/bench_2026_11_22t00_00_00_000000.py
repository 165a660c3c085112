from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer, Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-22T00:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "bench record"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="bench", description=DESCRIPTION)
    manager.add_table(class_name="BenchRecord", tablename="bench_record", schema=None, columns=None)
    manager.add_column(
        table_class_name="BenchRecord", tablename="bench_record", column_name="community_id",
        db_column_name="community_id", column_class_name="Integer", column_class=Integer,
        params={"default": 0, "null": False, "primary_key": False, "unique": False, "index": True,
                "index_method": IndexMethod.btree, "choices": None, "db_column_name": None, "secret": False},
        schema=None)
    manager.add_column(
        table_class_name="BenchRecord", tablename="bench_record", column_name="label",
        db_column_name="label", column_class_name="Varchar", column_class=Varchar,
        params={"length": 100, "default": "", "null": False, "primary_key": False, "unique": False,
                "index": False, "index_method": IndexMethod.btree, "choices": None, "db_column_name": None,
                "secret": False},
        schema=None)
    return manager
