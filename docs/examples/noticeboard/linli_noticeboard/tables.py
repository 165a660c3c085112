"""The plugin's tables: tenant tables, so each community sees only its own notices."""

from pathlib import Path

from piccolo.columns import Boolean, Date, Integer, Text, Timestamptz, Varchar

from core.api import PiccoloApp, TenantTable


class Notice(TenantTable, tablename="noticeboard_notice"):
    title = Varchar(length=200)
    body = Text(default="")
    category = Varchar(length=30, default="general")  # general / safety / event / works
    pinned = Boolean(default=False)
    kind = Varchar(length=20, default="notice")  # notice / welcome
    building_id = Integer(null=True, default=None)  # audience: one building, or all when null
    author_user_id = Integer(null=True, default=None)
    author_person_id = Integer(null=True, default=None)
    published_on = Date()
    expires_on = Date(null=True, default=None)
    created_at = Timestamptz()


class NewcomerGreeting(TenantTable, tablename="noticeboard_greeting"):
    """One row per move-in event: the idempotency key of handle_event."""

    event_id = Varchar(length=36, unique=True)
    person_id = Integer()
    created_at = Timestamptz()


APP = PiccoloApp(
    app_name="noticeboard",
    table_classes=[Notice, NewcomerGreeting],
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    migration_dependencies=[],
)
