"""One delivery row per (event, plugin): concurrent dispatchers insert it with ON CONFLICT DO NOTHING."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-30T00:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique event delivery per plugin"


async def forwards():
    from piccolo.engine import engine_finder

    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)

    async def create():
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS event_delivery_event_plugin "
            "ON event_delivery (event_id, plugin_id)")
        await engine_finder().run_ddl(
            "CREATE INDEX IF NOT EXISTS event_delivery_community_status "
            "ON event_delivery (community_id, status, updated_at)")

    async def drop():
        await engine_finder().run_ddl("DROP INDEX IF EXISTS event_delivery_event_plugin")
        await engine_finder().run_ddl("DROP INDEX IF EXISTS event_delivery_community_status")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
