from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-04T15:04:35:000311"
VERSION = "1.38.0"
DESCRIPTION = "repair_source"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="repairs", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="Repair",
        tablename="repairs_repair",
        column_name="source",
        db_column_name="source",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 40,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
