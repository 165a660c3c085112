"""The case engine as its own piccolo app, migrated after grids."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.cases.tables import CASE_TABLES

APP_CONFIG = AppConfig(
    app_name="cases",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=list(CASE_TABLES),
    migration_dependencies=["core.grids.piccolo_app"],
    commands=[],
)
