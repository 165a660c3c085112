"""The demo: the seed articles' street office and communities, an admin, and synthetic residents."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.auth.tables import User
from core.auth.users import create_user, grant_role, set_password
from core.db.engine import write_transaction
from core.residents.synthetic import PopulationSpec, populate
from core.residents.tables import Person
from core.runtime import Runtime
from core.tenancy.context import tenant_scope
from core.tenancy.definitions import apply_definitions, load_definitions

DEMO_ADMIN = "admin"


def demo_path() -> Path:
    """tenants/demo beside the source tree (a source checkout), else in the working directory."""
    here = Path(__file__).resolve().parent.parent / "tenants" / "demo"
    return here if here.is_dir() else Path.cwd() / "tenants" / "demo"


@dataclass
class DemoResult:
    admin_username: str
    admin_password: str
    populated: dict[str, int]


async def load_demo(runtime: Runtime, *, populate_residents: bool = True) -> DemoResult:
    """Apply the demo tenants, reset the demo admin's password, and fill empty communities."""
    path = demo_path()
    # Additive: what the demo names is on; what an operator switched on since stays on.
    await apply_definitions(runtime, path, additive=True)
    password = secrets.token_urlsafe(12)
    docs = load_definitions(path, runtime)
    async with write_transaction(runtime.engine):
        if await User.exists().where(User.username == DEMO_ADMIN).run():
            await set_password(DEMO_ADMIN, password)
        else:
            await create_user(DEMO_ADMIN, password, display_name="演示管理员", is_platform_admin=True)
        for _file, doc in docs:
            await grant_role(runtime.roles, DEMO_ADMIN, "office_admin", office=doc.office.slug)
            for c in doc.community:
                await grant_role(runtime.roles, DEMO_ADMIN, "community_admin", community=c.slug)
    runtime.credentials.clear()
    populated: dict[str, int] = {}
    if populate_residents:
        for _file, doc in docs:
            for c in doc.community:
                if c.demo is None:
                    continue
                tenant = await runtime.tenants.by_slug(c.slug)
                if tenant is None:
                    continue
                with tenant_scope(tenant):
                    async with write_transaction(runtime.engine):
                        if await Person.exists().run():
                            continue  # already has residents: never touch real or earlier data
                        report = await populate(
                            runtime.field_keys,
                            PopulationSpec(
                                households=c.demo.households,
                                people=c.demo.people,
                                buildings=c.demo.buildings,
                                compounds=c.demo.compounds,
                                over_60_share=c.demo.over_60_share,
                                seed=sum(map(ord, c.slug)),
                                max_floors=c.demo.max_floors,
                            ),
                        )
                        populated[c.slug] = report.people
                        await _demo_grids(runtime, c.slug, password)
                        await demo_resident(runtime, c.slug, password)
                await plugin_demo_data(runtime, tenant, password)
    return DemoResult(DEMO_ADMIN, password, populated)


async def plugin_demo_data(runtime: Runtime, tenant: Any, password: str) -> None:
    """Each plugin on in the community fills its demo records (``load_demo_data``), with a demo
    login ``<community>-<role>`` for each role it registered. One transaction per plugin: a
    plugin that fails loses its demo data, logged, and the demo goes on."""
    import inspect
    import logging

    from core import runtime as running

    # The plugins fill their records through core.api's services, which find the running Linli
    # (its case types, storage): ``linli demo`` runs outside the app, so it is made current here.
    previous = running._current
    running.set_current(runtime)
    try:
        await _each_plugin(runtime, tenant, password, inspect, logging)
    finally:
        running.set_current(previous)


async def _each_plugin(runtime: Runtime, tenant: Any, password: str, inspect: Any, logging: Any) -> None:
    enabled = runtime.registry.active_ids(tenant.enabled_plugins)
    for pid, fn in runtime.registry.impls("load_demo_data", enabled):
        try:
            with tenant_scope(tenant):
                async with write_transaction(runtime.engine):
                    logins = await _demo_logins(runtime, tenant, pid, password)
                    result = fn(tenant=tenant, logins=logins)
                    if inspect.isawaitable(result):
                        await result
        except Exception:
            logging.getLogger("linli.demo").exception("demo data of plugin %s failed; left out", pid)
        runtime.credentials.clear()


async def _demo_logins(runtime: Runtime, tenant: Any, pid: str, password: str) -> dict[str, int]:
    logins: dict[str, int] = {}
    for contributed in runtime.registry.contributions.roles:
        if contributed.plugin_id != pid or contributed.item.scope != "community":
            continue
        username = f"{tenant.slug}-{contributed.item.name}"
        if not await User.exists().where(User.username == username).run():
            await create_user(username, password, display_name=f"{tenant.slug} {contributed.item.label_zh}")
        await grant_role(runtime.roles, username, contributed.item.name, community=tenant.slug)
        user = await User.select(User.id).where(User.username == username).first().run()
        assert user is not None  # created just above
        logins[contributed.item.name] = user["id"]
    return logins


async def _demo_grids(runtime: Runtime, slug: str, password: str) -> None:
    """Grids of about a dozen buildings each, and one grid worker per grid (same password as admin)."""
    import datetime as dt

    from core.grids.tables import Grid, GridAssignment, GridPlace
    from core.grids.visits import generate_visit_plans
    from core.residents.tables import Building

    buildings = [b["id"] for b in await Building.select(Building.id).order_by(Building.id).run()]
    grids = 8 if slug == "wanquanjie" else max(1, round(len(buildings) / 12))
    per = -(-len(buildings) // grids)
    for g in range(grids):
        grid = Grid(name=f"第{g + 1}网格")
        await grid.save().run()
        chunk = buildings[g * per : (g + 1) * per]
        if chunk:
            await GridPlace.insert(*[GridPlace(grid=grid.id, building=b) for b in chunk]).run()
        username = f"{slug}-grid{g + 1}"
        if not await User.exists().where(User.username == username).run():
            await create_user(username, password, display_name=f"{slug} 第{g + 1}网格网格员")
        await grant_role(runtime.roles, username, "grid_worker", community=slug)
        user = await User.select(User.id).where(User.username == username).first().run()
        assert user is not None  # created just above
        await GridAssignment.insert(
            GridAssignment(
                grid=grid.id, user_id=user["id"], role="grid_worker", valid_from=dt.date(2026, 1, 1)
            )
        ).run()
    await generate_visit_plans()


async def demo_resident(runtime: Runtime, slug: str, password: str) -> str | None:
    """A resident's portal login, ``<community>-resident``, for the first person with a home."""
    from core.residents.accounts import link_user
    from core.residents.tables import Residency, ResidentAccount

    username = f"{slug}-resident"
    home = (
        await Residency.select(Residency.person, Residency.person.name.as_alias("name"))
        .where(Residency.end_date.is_null())
        .order_by(Residency.id)
        .first()
        .run()
    )
    if home is None or await ResidentAccount.exists().run():
        return None
    if not await User.exists().where(User.username == username).run():
        await create_user(username, password, display_name=home["name"])
    user = await User.select().where(User.username == username).first().run()
    assert user is not None  # created just above
    await link_user(runtime.roles, home["person"], user, actor_id=None)
    return username
