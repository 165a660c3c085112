"""The ``linli`` command line. Every failure is one ``error: …`` line and a non-zero exit."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import click

from core.cli_support import console, err, guarded, in_transaction, run
from core.cli_support import runtime as _runtime
from core.cli_support import started as _started
from core.errors import InvalidInput, LinliError

T = TypeVar("T")


class LinliGroup(click.Group):
    """The core's commands, plus those plugins add through ``register_cli_commands``."""

    def _plugin_commands(self) -> dict[str, click.Command]:
        if not hasattr(self, "_from_plugins"):
            from core.plugins.registry import load_plugins
            from core.settings import load_settings

            found: dict[str, click.Command] = {}
            try:
                registry = load_plugins(load_settings().extra_plugins)
                for contributed in registry.contributions.cli_commands:
                    command = contributed.item
                    if command.name not in self.commands:
                        found.setdefault(command.name or "", command)
            except LinliError:
                pass  # bad settings are reported by the command that needs them
            self._from_plugins = found
        return self._from_plugins

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._plugin_commands()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return super().get_command(ctx, cmd_name) or self._plugin_commands().get(cmd_name)


@click.group(cls=LinliGroup)
@click.version_option(package_name="linli")
def main() -> None:
    """Linli (邻里): one platform for many residential communities."""


@main.command()
@click.option("--host", default=None, help="Address to listen on (default 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default 8000).")
@click.option("--demo", is_flag=True, help="Load the demo street office, communities and residents.")
@guarded
def serve(host: str | None, port: int | None, demo: bool) -> None:
    """Run the platform (embedded profile with no configuration)."""
    from core.settings import load_settings
    from core.supervisor import Supervisor

    overrides: dict[str, Any] = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    supervisor = None
    if load_settings(**overrides).profile == "embedded":
        # web, worker, scheduler, Redis and SeaweedFS on this machine; see core/supervisor.py
        supervisor = Supervisor(_runtime(**overrides).settings)
        overrides.update(supervisor.start_services())
    try:
        runtime = _runtime(**overrides)
        _serve(runtime, demo, supervisor, overrides)
    finally:
        if supervisor is not None:
            supervisor.stop()


def _serve(runtime: Any, demo: bool, supervisor: Any, overrides: dict[str, Any]) -> None:
    import uvicorn

    from core.app import create_app
    from core.db.engine import stop_engine

    async def prepare() -> None:
        log = await _started(runtime)
        for line in log:
            console.print(f"migrate: {line}")
        if demo:
            from core.demo import load_demo

            console.print("loading the demo…")
            result = await load_demo(runtime)
            if result.populated:  # only the first start fills the register (~44,000 people, ~15 s)
                console.print("filled the demo register with synthetic residents:")
            for slug, people in result.populated.items():
                console.print(f"  {slug}: {people} residents")
            console.print(
                f"[bold]demo admin[/]: username [green]{result.admin_username}[/] "
                f"password [green]{result.admin_password}[/]  (new on every --demo start)"
            )
        await stop_engine(runtime.engine)

    run(prepare())
    if supervisor is not None:
        supervisor.start_children({k: v for k, v in overrides.items() if k not in ("host", "port")})
    settings = runtime.settings
    # uvicorn re-raises the SIGTERM it caught once it has shut down; make that an exit that runs
    # serve's cleanup (stopping the worker, scheduler, Redis and SeaweedFS) instead of a kill.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    console.print(f"Linli serving on http://{settings.host}:{settings.port}  (profile: {settings.profile})")
    uvicorn.run(create_app(runtime), **server_options(settings))


def server_options(settings: Any) -> dict[str, Any]:
    """uvicorn's options: forwarded headers are believed only from the configured proxies
    (uvicorn's own default trusts 127.0.0.1, so a local made-up X-Forwarded-For would count)."""
    trusted = ",".join(settings.trusted_proxies)
    return {
        "host": settings.host,
        "port": settings.port,
        "log_config": None,
        "access_log": False,
        "proxy_headers": bool(trusted),
        "forwarded_allow_ips": trusted or "",
    }


@main.command()
@guarded
def migrate() -> None:
    """Apply pending migrations of the core and every plugin (and RLS on PostgreSQL)."""
    from core.db.migrate import migrate as run_migrations

    runtime = _runtime()
    log = run(run_migrations(runtime))
    for line in log or ["nothing to do"]:
        console.print(line)


@main.command()
@click.option("--no-residents", is_flag=True, help="Only the office, communities and admin.")
@guarded
def demo(no_residents: bool) -> None:
    """Load the demo data into the configured database."""
    from core.db.engine import stop_engine
    from core.demo import load_demo

    runtime = _runtime()

    async def go() -> Any:
        await _started(runtime)
        try:
            return await load_demo(runtime, populate_residents=not no_residents)
        finally:
            await stop_engine(runtime.engine)

    result = run(go())
    for slug, people in result.populated.items():
        console.print(f"{slug}: {people} residents")
    console.print(f"demo admin: {result.admin_username} / {result.admin_password}")


@main.group()
def tenants() -> None:
    """Street offices and communities from definition files."""


@tenants.command("apply")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and show the changes without saving them.")
@guarded
def tenants_apply(path: Path, dry_run: bool) -> None:
    """Apply a tenant file or a folder of them (all or nothing, idempotent)."""
    from core.db.engine import stop_engine
    from core.tenancy.definitions import DefinitionError, apply_definitions

    runtime = _runtime()

    async def go() -> Any:
        await _started(runtime)
        try:
            return await apply_definitions(runtime, path, dry_run=dry_run)
        finally:
            await stop_engine(runtime.engine)

    try:
        report = run(go())
    except DefinitionError as exc:
        for problem in exc.problems:
            err.print(f"[bold red]error:[/] {problem}", highlight=False)
        err.print("nothing was changed")
        sys.exit(1)
    for line in report.created:
        console.print(f"created  {line}")
    for line in report.updated:
        console.print(f"updated  {line}")
    console.print(
        f"{report.changes} change(s), {len(report.unchanged)} unchanged"
        + (" (dry run: nothing saved)" if dry_run else "")
    )


@main.group()
def residents() -> None:
    """The resident register."""


@residents.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--community", required=True, help="The community's slug.")
@click.option("--partial", is_flag=True, help="Import the valid rows; write the rejects beside the file.")
@guarded
def residents_import(file: Path, community: str, partial: bool) -> None:
    """Import a register spreadsheet (.xlsx or .csv, Chinese or English headers)."""
    from rich.progress import Progress

    from core.db.engine import stop_engine, write_transaction
    from core.errors import NotFound
    from core.residents.importer import ImportRefused, import_register
    from core.tenancy.context import tenant_scope

    runtime = _runtime()

    async def go() -> Any:
        await _started(runtime)
        try:
            tenant = await runtime.tenants.by_slug(community)
            if tenant is None:
                raise NotFound(f"no such community: {community}")
            with Progress(console=console, transient=True) as progress:
                task = progress.add_task(f"importing into {community}", total=None)

                def advance(done: int, total: int) -> None:
                    progress.update(task, completed=done, total=total)

                with tenant_scope(tenant):
                    async with write_transaction(runtime.engine):
                        return await import_register(
                            runtime.field_keys,
                            file.name,
                            file.read_bytes(),
                            partial=partial,
                            progress=advance,
                        )
        finally:
            await stop_engine(runtime.engine)

    try:
        report = run(go())
    except ImportRefused as refused:
        for e in refused.report.errors[:50]:
            err.print(f"row {e.row}, {e.column}: {e.reason}", highlight=False)
        more = len(refused.report.errors) - 50
        err.print((f"… and {more} more\n" if more > 0 else "") + "nothing was imported")
        sys.exit(1)
    console.print(
        f"{report.rows} rows: {report.persons_created} new, {report.persons_updated} updated, "
        f"{report.unchanged} unchanged, {report.moved_in} moved in, "
        f"{report.vulnerabilities_added} vulnerability records, {report.places_created} places"
    )
    if report.rejects_xlsx:
        rejects = file.with_name(file.stem + ".rejects.xlsx")
        rejects.write_bytes(report.rejects_xlsx)
        console.print(f"{len(report.errors)} row(s) rejected: see {rejects}")


@main.group()
def users() -> None:
    """Accounts and roles."""


@users.command("create")
@click.argument("username")
@click.option("--password", help="Asked for when omitted and a terminal is attached.")
@click.option("--display-name", default="")
@click.option("--phone", default=None)
@click.option("--platform-admin", is_flag=True)
@guarded
def users_create(
    username: str, password: str | None, display_name: str, phone: str | None, platform_admin: bool
) -> None:
    """Create a user."""
    from core.auth.users import create_user

    password = password or _ask_password()
    runtime = _runtime()
    run(
        _in_tx(
            runtime,
            lambda: create_user(
                username, password, display_name=display_name, phone=phone, is_platform_admin=platform_admin
            ),
        )
    )
    console.print(f"created user {username}")


@users.command("grant")
@click.argument("username")
@click.argument("role")
@click.option("--community", default=None)
@click.option("--office", default=None)
@guarded
def users_grant(username: str, role: str, community: str | None, office: str | None) -> None:
    """Give USERNAME the ROLE in one community or street office."""
    from core.auth.users import grant_role

    runtime = _runtime()
    result = run(
        _in_tx(runtime, lambda: grant_role(runtime.roles, username, role, community=community, office=office))
    )
    console.print(
        f"{username} is {role} in {community or office}" + ("" if result["created"] else " (already)")
    )


@users.command("set-password")
@click.argument("username")
@click.option("--password", help="Asked for when omitted and a terminal is attached.")
@guarded
def users_set_password(username: str, password: str | None) -> None:
    """Set a user's password and unlock the account."""
    from core.auth.users import set_password

    password = password or _ask_password()
    runtime = _runtime()
    run(_in_tx(runtime, lambda: set_password(username, password)))
    console.print(f"password set for {username}")


def _ask_password() -> str:
    if not sys.stdin.isatty():
        raise InvalidInput("give --password (no terminal to ask on)", field="password")
    return click.prompt("password", hide_input=True, confirmation_prompt=True)


async def _in_tx(runtime: Any, action: Callable[[], Coroutine[Any, Any, T]]) -> T:
    return await in_transaction(runtime, lambda _runtime: action())


def _register_more() -> None:
    from core import community_cli
    from core.jobs import commands

    commands.register(main)
    community_cli.register(main)


_register_more()

if __name__ == "__main__":  # pragma: no cover
    main()


from core.plugin_cli import plugins  # noqa: E402 - its own module; registered here

main.add_command(plugins)
