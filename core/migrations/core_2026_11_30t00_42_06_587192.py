from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-30T00:42:06:587192"
VERSION = "1.38.0"
DESCRIPTION = "outbox_dispatched_at"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="core", description=DESCRIPTION
    )

    manager.rename_column(
        table_class_name="OutboxEvent",
        tablename="outbox_event",
        old_column_name="settled_at",
        new_column_name="dispatched_at",
        old_db_column_name="settled_at",
        new_db_column_name="dispatched_at",
        schema=None,
    )

    return manager
