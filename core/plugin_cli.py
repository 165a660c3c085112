"""`linli plugins …`: list, check, and switch modules on or off from the command line."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

import click
from rich.table import Table as RichTable

from core.cli_support import console, err, fail, guarded, in_transaction, run
from core.cli_support import runtime as _runtime


@click.group()
def plugins() -> None:
    """Installed plugins."""


@plugins.command("list")
@guarded
def plugins_list() -> None:
    """Every plugin found, loaded or quarantined (with the reason)."""
    from core.plugins.registry import load_plugins
    from core.settings import load_settings

    settings = load_settings()
    registry = load_plugins(settings.extra_plugins)
    table = RichTable("id", "version", "scope", "source", "state")
    for p in registry.plugins.values():
        table.add_row(p.id, p.manifest.version, p.manifest.scope, p.source, "[green]loaded[/]")
    for q in registry.quarantined:
        table.add_row(q.name, "", "", "", f"[red]quarantined[/]: {q.reason}")
    console.print(table)
    if not registry.plugins and not registry.quarantined:
        console.print("no plugins installed")


@plugins.command("check")
@click.argument("plugin_id", required=False)
@guarded
def plugins_check(plugin_id: str | None) -> None:
    """Check plugins on a scratch database: manifest, hooks, migrations both ways, enablement."""
    from core.logging import configure_logging
    from core.plugins.check import check_plugins
    from core.settings import load_settings

    configure_logging(load_settings(log_level="WARNING"))
    results = run(check_plugins(plugin_id, Path(tempfile.mkdtemp(prefix="linli-check-"))))
    failed = 0
    for name, ok, detail in results:
        mark = "[green]✓[/]" if ok else "[red]✗[/]"
        console.print(f"{mark} {name}" + (f": {detail}" if detail else ""), highlight=False)
        failed += not ok
    if failed:
        err.print(f"{failed} check(s) failed")
        sys.exit(1)


def _switch_plugin(plugin_id: str, community: str | None, every: bool, enabled: bool) -> None:
    """Switch a module on or off in one community or all active ones, within each office's
    policy and audited like the modules page (actor: the command line)."""
    if bool(community) == every:
        fail("give --community SLUG or --all")
    from core.tenancy import service
    from core.tenancy.tables import Community

    async def action(rt: Any) -> list[str]:
        slugs = (
            [community]
            if community
            else [
                r["slug"]
                for r in await Community.select(Community.slug)
                .where(Community.archived.eq(False))
                .order_by(Community.slug)
                .run()
            ]
        )
        done = []
        for slug in slugs:
            state = await service.set_plugin_enabled(rt, str(slug), plugin_id, enabled=enabled, actor_id=None)
            done.append(
                f"{slug}: {plugin_id} {'on' if state['enabled'] else 'off'} (policy {state['policy']})"
            )
        return done

    for line in run(in_transaction(_runtime(), action)):
        console.print(line, highlight=False)


@plugins.command("new")
@click.argument("plugin_id")
@click.option(
    "--dir",
    "into",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    help="Where to write it (default: here).",
)
@click.option("--zh", "name_zh", default="新模块", help="The module's Chinese name.")
@click.option("--en", "name_en", default=None, help="The module's English name (default: from the id).")
def plugins_new(plugin_id: str, into: Path, name_zh: str, name_en: str | None) -> None:
    """Write a complete plugin distribution to start from (installs and passes its checks as is)."""
    from core.plugin_new import NewPluginError, write

    try:
        root = write(plugin_id, into, name_zh=name_zh, name_en=name_en or plugin_id.replace("_", " ").title())
    except NewPluginError as exc:
        fail(str(exc))
    console.print(f"[green]✓[/] wrote {root}")
    console.print(f"  cd {root} && pip install -e '.[test]' && linli plugins check {plugin_id} && pytest")


@plugins.command("enable")
@click.argument("plugin_id")
@click.option("--community", help="The community's slug.")
@click.option("--all", "every", is_flag=True, help="Every active community.")
@guarded
def plugins_enable(plugin_id: str, community: str | None, every: bool) -> None:
    """Switch a module on, within the street office's policy (audited)."""
    _switch_plugin(plugin_id, community, every, True)


@plugins.command("disable")
@click.argument("plugin_id")
@click.option("--community", help="The community's slug.")
@click.option("--all", "every", is_flag=True, help="Every active community.")
@guarded
def plugins_disable(plugin_id: str, community: str | None, every: bool) -> None:
    """Switch a module off; its data is kept (audited)."""
    _switch_plugin(plugin_id, community, every, False)
