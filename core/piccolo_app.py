"""The core's own piccolo app: its tables and migrations, migrated before any plugin's."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig
from piccolo.table import Table

from core.audit import AuditEntry
from core.auth.tables import ApiToken, LoginFailure, Membership, User, UserSession
from core.events.tables import EventDelivery, OutboxEvent
from core.tenancy.tables import Community, CommunityPlugin, PluginPolicy, StreetOffice

CORE_TABLES: list[type[Table]] = [
    StreetOffice,
    Community,
    PluginPolicy,
    CommunityPlugin,
    User,
    Membership,
    ApiToken,
    UserSession,
    LoginFailure,
    AuditEntry,
    OutboxEvent,
    EventDelivery,
]

APP_CONFIG = AppConfig(
    app_name="core",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=list(CORE_TABLES),
    migration_dependencies=[],
    commands=[],
)
