"""Case numbers are unique per community: duplicates get their id appended, a unique index, and
the counters seeded (raw DDL, after the table exists: piccolo runs raw steps first)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-04T02:28:06:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique case numbers"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="cases", description=DESCRIPTION)

    async def unique_numbers():
        from piccolo.engine import engine_finder

        engine = engine_finder()
        # Numbers given twice before the counter existed (concurrent filings) keep their case
        # but gain its id, so the unique index can be built; counters start from the count,
        # which is how numbers were given until now.
        await engine.run_ddl(
            "UPDATE case_item SET number = number || '-' || CAST(id AS VARCHAR(12)) WHERE id NOT IN "
            "(SELECT MIN(id) FROM case_item GROUP BY community_id, number)")
        await engine.run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS case_item_community_number ON case_item (community_id, number)")
        await engine.run_ddl(
            "CREATE UNIQUE INDEX IF NOT EXISTS case_counter_community ON case_counter (community_id)")
        await engine.run_ddl(
            "INSERT INTO case_counter (community_id, last) "
            "SELECT community_id, COUNT(*) FROM case_item GROUP BY community_id")

    async def drop_indexes():
        from piccolo.engine import engine_finder

        for name in ("case_item_community_number", "case_counter_community"):
            await engine_finder().run_ddl(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(unique_numbers)
    manager.add_raw_backwards(drop_indexes)
    return manager
