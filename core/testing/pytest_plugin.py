"""pytest plugin: the ``make_linli`` fixture, on SQLite by default or PostgreSQL.

Choose the database with ``LINLI_TEST_DB=sqlite|postgres``. On PostgreSQL each harness gets a
fresh database; the app connects as the non-owner role so RLS is in force, as in production.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from core.settings import load_settings
from core.testing.harness import Harness


def database_kind() -> str:
    kind = os.environ.get("LINLI_TEST_DB", "sqlite")
    if kind not in ("sqlite", "postgres"):
        raise pytest.UsageError("LINLI_TEST_DB must be sqlite or postgres")
    return kind


@pytest.fixture
async def make_linli(
    tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[Callable[..., Awaitable[Harness]]]:
    harnesses: list[Harness] = []
    cleanups: list[Callable[[], Awaitable[Any]]] = []

    async def factory(
        plugins: Iterable[str] | None = (),
        extra_modules: Iterable[str] = (),
        strict: bool = True,
        **overrides: Any,
    ) -> Harness:
        extra_modules = [*extra_modules, *(m for m in _uninstalled_extras() if m not in extra_modules)]
        base = {
            "var_dir": str(tmp_path / f"var{len(harnesses)}"),
            "secret_key": "t" * 40,
            "tenant_cache_seconds": 0.0,
        }
        if database_kind() == "postgres":
            from core.plugins.registry import load_plugins
            from core.testing.postgres import fresh_database, migrated_template

            admin_url = request.getfixturevalue("pg_server_url")
            templates = request.getfixturevalue("pg_templates")
            registry = load_plugins(extra_modules, strict=strict, only=plugins)
            # One migrated template per set of apps; each test gets its own copy of it.
            key = tuple(sorted(registry.plugins))
            if key not in templates:
                templates[key] = await migrated_template(admin_url, registry)
            owner_url, app_url, drop = await fresh_database(admin_url, template=templates[key][0])
            cleanups.append(drop)
            base.update(database_url=app_url, database_owner_url=owner_url)
        base.update(overrides)
        settings = load_settings(environ={}, **base)
        harness = await Harness.start(settings, plugins=plugins, extra_modules=extra_modules, strict=strict)
        harnesses.append(harness)
        return harness

    yield factory
    for harness in harnesses:
        await harness.close()
    for cleanup in cleanups:
        await cleanup()


def _uninstalled_extras() -> list[str]:
    """Plugin modules named in ``LINLI_EXTRA_PLUGINS`` that no installed entry point provides: a
    plugin under development can run its tests with ``PYTHONPATH=. LINLI_EXTRA_PLUGINS=linli_x``
    before it is installed (an installed one is found by its entry point, and is not loaded twice)."""
    import os
    from importlib.metadata import entry_points

    named = [m.strip() for m in os.environ.get("LINLI_EXTRA_PLUGINS", "").split(",") if m.strip()]
    installed = {ep.value for ep in entry_points(group="linli.plugins")}
    return [m for m in named if m not in installed]


with contextlib.suppress(ImportError):  # the PostgreSQL fixtures, once that module is present
    from core.testing.postgres import pg_server_url, pg_templates  # noqa: F401

from core.testing.s3 import s3_server, s3_settings  # noqa: E402, F401 - object storage fixtures
