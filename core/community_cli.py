"""Command-line access to a community's register, grids and cases (for staff at a terminal,
scripts and cron): ``linli residents search|export``, ``linli grids list|plan|due``,
``linli cases list|figures|escalate``. Every command names its community with ``--community``
and runs as that tenant, so the same walls as the API apply (on PostgreSQL, RLS too).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from core.cli_support import console, guarded, in_transaction, run
from core.cli_support import runtime as make_runtime


def register(main: click.Group) -> None:
    residents = main.commands["residents"]
    assert isinstance(residents, click.Group)
    residents.add_command(residents_search)
    residents.add_command(residents_export)
    main.add_command(grids)
    main.add_command(cases)


def in_community(slug: str, action: Callable[[Any], Awaitable[Any]]) -> Any:
    """Run ``action(runtime)`` as community ``slug``, in one write transaction."""
    return run(in_transaction(make_runtime(), action, migrate=False, community=slug))


def show(rows: list[dict[str, Any]], columns: list[str], empty: str) -> None:
    if not rows:
        console.print(empty)
        return
    table = Table(*columns)
    for row in rows:
        table.add_row(*["" if row.get(c) is None else printable(str(row.get(c))) for c in columns])
    console.print(table)


def printable(text: str) -> str:
    """Stored text as a terminal should show it: rich markup escaped, control characters (an
    ANSI escape, a bidi override kept from before they were refused) shown as code points."""
    from rich.markup import escape

    from core.text import unsafe_character

    while (bad := unsafe_character(text)) is not None:
        text = text.replace(bad, f"\\u{ord(bad):04x}")
    return escape(text)


COMMUNITY = click.option("--community", required=True, help="The community's slug.")


# -- residents -----------------------------------------------------------------------------------


@click.command("search")
@COMMUNITY
@click.option("--name", default=None, help="Name prefix.")
@click.option("--phone", default=None)
@click.option("--id-number", default=None, help="Exact ID card number (found by its keyed hash).")
@click.option("--category", "categories", multiple=True, help="Vulnerability category (repeatable).")
@click.option("--min-age", type=int, default=None)
@click.option("--max-age", type=int, default=None)
@click.option("--limit", type=int, default=50, show_default=True)
@guarded
def residents_search(
    community: str,
    name: str | None,
    phone: str | None,
    id_number: str | None,
    categories: tuple[str, ...],
    min_age: int | None,
    max_age: int | None,
    limit: int,
) -> None:
    """Find residents (phone and ID numbers masked, as for staff without 'view sensitive')."""
    from core.residents.search import ResidentQuery, search_residents
    from core.residents.views import person_out

    query = ResidentQuery(
        name_prefix=name,
        phone=phone,
        id_number=id_number,
        categories=list(categories),
        min_age=min_age,
        max_age=max_age,
    )

    async def action(runtime: Any) -> list[dict[str, Any]]:
        rows, _cursor = await search_residents(runtime.field_keys, query, limit=limit)
        return [person_out(r, runtime.field_keys, reveal=False) for r in rows]

    rows = in_community(community, action)
    wanted = ("id", "name", "gender", "age", "phone", "id_number")
    show(rows, [c for c in wanted if rows and c in rows[0]] or ["id", "name"], "no resident matches")


@click.command("export")
@COMMUNITY
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The .xlsx file to write.",
)
@guarded
def residents_export(community: str, out: Path) -> None:
    """Export the register to .xlsx (masked; re-importable)."""
    from core.audit import audit
    from core.residents.exporter import export_register

    async def action(runtime: Any) -> int:
        data, count = await export_register(runtime.field_keys, reveal=False)
        out.write_bytes(data)
        await audit(
            "register.exported",
            actor_id=None,
            subject=f"{count} rows",
            detail={"unmasked": False, "via": "cli"},
        )
        return count

    count = in_community(community, action)
    console.print(f"wrote {count} rows to {out}")


# -- grids ---------------------------------------------------------------------------------------


@click.group()
def grids() -> None:
    """Grids, visit plans and due visits."""


@grids.command("list")
@COMMUNITY
@guarded
def grids_list(community: str) -> None:
    """The community's grids."""
    from core.grids.tables import Grid

    async def action(_runtime: Any) -> list[dict[str, Any]]:
        return await Grid.select(Grid.id, Grid.name, Grid.active).order_by(Grid.name).run()

    show(in_community(community, action), ["id", "name", "active"], "no grids")


@grids.command("plan")
@COMMUNITY
@guarded
def grids_plan(community: str) -> None:
    """Generate visit plans from the vulnerability register now (the scheduler does it daily)."""
    from core.grids.visits import generate_visit_plans

    changed = in_community(community, lambda _r: generate_visit_plans())
    console.print(f"{changed} visit plan(s) created or changed")


@grids.command("due")
@COMMUNITY
@click.option("--grid", "grid_id", type=int, default=None, help="Only this grid.")
@guarded
def grids_due(community: str, grid_id: int | None) -> None:
    """Visits due today and overdue, most overdue first."""
    from core.grids.visits import due_visits

    async def action(_runtime: Any) -> list[dict[str, Any]]:
        return await due_visits(dt.date.today(), None if grid_id is None else [grid_id])

    show(
        in_community(community, action),
        ["person_id", "name", "tier", "last_visit", "due_on", "overdue_days"],
        "no visits due",
    )


# -- cases ---------------------------------------------------------------------------------------


@click.group()
def cases() -> None:
    """Cases (诉求/工单): lists, figures, SLA escalation."""


@cases.command("list")
@COMMUNITY
@click.option("--state", default=None, help="Only cases in this state (reported, accepted, …).")
@click.option("--overdue", is_flag=True, help="Only cases past their SLA.")
@click.option("--limit", type=int, default=50, show_default=True)
@guarded
def cases_list(community: str, state: str | None, overdue: bool, limit: int) -> None:
    """Cases, newest first."""
    from core.cases.engine import TRANSITIONS
    from core.cases.tables import Case
    from core.errors import InvalidInput

    if state is not None and state not in TRANSITIONS:
        raise InvalidInput(f"unknown state; one of {', '.join(TRANSITIONS)}", field="--state")

    async def action(_runtime: Any) -> list[dict[str, Any]]:
        query = Case.select(
            Case.id, Case.number, Case.type, Case.title, Case.state, Case.level, Case.due_at, Case.breached
        )
        if state:
            query = query.where(Case.state == state)
        if overdue:
            query = query.where(Case.due_at.is_not_null() & (Case.due_at < dt.datetime.now(dt.UTC)))
        return await query.order_by(Case.id, ascending=False).limit(limit).run()

    show(
        in_community(community, action),
        ["number", "type", "title", "state", "level", "due_at", "breached"],
        "no cases",
    )


@cases.command("figures")
@COMMUNITY
@guarded
def cases_figures(community: str) -> None:
    """Open, overdue, closed this month, on-time rate, satisfaction."""
    from core.cases.figures import case_figures

    figures = in_community(community, lambda _r: case_figures(dt.datetime.now(dt.UTC)))
    for key, value in figures.items():
        console.print(f"{key}: {value}")


@cases.command("escalate")
@COMMUNITY
@guarded
def cases_escalate(community: str) -> None:
    """Escalate cases whose SLA ran out, now (the scheduler does it every 5 minutes)."""
    from core.cases.engine import escalate_overdue
    from core.cases.routes import case_types

    escalated = in_community(
        community, lambda runtime: escalate_overdue(case_types(runtime), dt.datetime.now(dt.UTC))
    )
    console.print(f"{escalated} case(s) escalated")
