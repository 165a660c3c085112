"""Composite unique indexes led by the tenant key: replay protection on device pushes, at-most-once
storage of a device's events, and unique command ids."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-30T04:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique nonces, event ids and command ids"

INDEXES = {
    "door_webhook_nonce_uniq": "door_webhook_nonce (community_id, device_id, nonce)",
    "door_access_event_uid_uniq": "door_access_event (community_id, device_id, event_uid)",
    "door_command_uid_uniq": "door_device_command (community_id, uid)",
}


async def forwards():
    from piccolo.engine import engine_finder

    manager = MigrationManager(migration_id=ID, app_name="door_access", description=DESCRIPTION)

    async def create():
        for name, target in INDEXES.items():
            await engine_finder().run_ddl(f"CREATE UNIQUE INDEX IF NOT EXISTS {name} ON {target}")

    async def drop():
        for name in INDEXES:
            await engine_finder().run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
