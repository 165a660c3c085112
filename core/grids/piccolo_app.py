"""Grids as their own piccolo app, migrated after the register."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.grids.tables import GRID_TABLES

APP_CONFIG = AppConfig(
    app_name="grids",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=list(GRID_TABLES),
    migration_dependencies=["core.residents.piccolo_app"],
    commands=[],
)
