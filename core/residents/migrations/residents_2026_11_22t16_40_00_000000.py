"""PostgreSQL: a name index usable by `LIKE 'prefix%'` whatever the database collation."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-22T16:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "name prefix index with text_pattern_ops on PostgreSQL"


async def forwards():
    from piccolo.engine import engine_finder
    from piccolo.engine.postgres import PostgresEngine

    manager = MigrationManager(migration_id=ID, app_name="residents", description=DESCRIPTION)

    async def create():
        engine = engine_finder()
        if isinstance(engine, PostgresEngine):
            await engine.run_ddl("CREATE INDEX IF NOT EXISTS person_community_name_prefix "
                                 "ON person (community_id, name varchar_pattern_ops)")

    async def drop():
        await engine_finder().run_ddl("DROP INDEX IF EXISTS person_community_name_prefix")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
