from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-30T05:36:31:003561"
VERSION = "1.38.0"
DESCRIPTION = "drop_account_link"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="door_access", description=DESCRIPTION
    )

    manager.drop_table(
        class_name="AccountLink", tablename="door_account_link", schema=None
    )

    return manager
