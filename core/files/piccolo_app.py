"""File storage as its own piccolo app, migrated after the case engine."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.files.tables import FILE_TABLES

APP_CONFIG = AppConfig(
    app_name="files",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=list(FILE_TABLES),
    migration_dependencies=["core.cases.piccolo_app"],
    commands=[],
)
