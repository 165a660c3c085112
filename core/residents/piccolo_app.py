"""The register as its own piccolo app, migrated after the core app."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.residents.tables import RESIDENT_TABLES

APP_CONFIG = AppConfig(
    app_name="residents",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=list(RESIDENT_TABLES),
    migration_dependencies=["core.piccolo_app"],
    commands=[],
)
