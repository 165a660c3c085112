"""Composite indexes that lead with community_id (piccolo columns cannot declare them)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-22T16:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "tenant-leading indexes for register search"

INDEXES = {
    "person_community_name": "person (community_id, name, id)",
    "person_community_id_hash": "person (community_id, id_number_hash)",
    "person_community_phone": "person (community_id, phone)",
    "residency_community_person": "residency (community_id, person, end_date)",
}


async def forwards():
    from piccolo.engine import engine_finder

    manager = MigrationManager(migration_id=ID, app_name="residents", description=DESCRIPTION)

    async def create():
        for name, target in INDEXES.items():
            await engine_finder().run_ddl(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")

    async def drop():
        for name in INDEXES:
            await engine_finder().run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
