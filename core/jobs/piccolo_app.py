"""The job system's tables as their own piccolo app, migrated after the case engine."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from core.jobs.tables import JOB_TABLES

APP_CONFIG = AppConfig(
    app_name="jobs",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=list(JOB_TABLES),
    migration_dependencies=["core.cases.piccolo_app"],
    commands=[],
)
