"""``linli plugins check``: what a plugin must satisfy, checked on a scratch database.

For each plugin: it loaded (manifest valid, core range, hooks match the specs); it imports no
core internals; its tables are tenant tables; its migrations apply, reverse and apply again;
switching it on, off and on again for a community works, and its routes answer 404 while it
is off; its page-time hooks (navigation, cards, panels, report sections) answer for a fresh
community with the right types; and another community never sees its rows (rows are written
first, so the check never runs on empty tables).
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from typing import Any

from core.db.tenant import TenantTable
from core.plugins.registry import LoadedPlugin, load_plugins
from core.settings import load_settings

Result = tuple[str, bool, str]


def _source_files(plugin: LoadedPlugin) -> list[Path]:
    path = Path(inspect.getfile(plugin.module))
    return sorted(path.parent.rglob("*.py")) if path.name == "__init__.py" else [path]


def internal_imports(plugin: LoadedPlugin) -> list[str]:
    """``core.x`` imports other than core.api / core.testing, as 'file:line module'."""
    found = []
    for file in _source_files(plugin):
        if "migrations" in file.parts or "tests" in file.parts:
            continue
        tree = ast.parse(file.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                if (
                    (name == "core" or name.startswith("core."))
                    and name not in ("core.api", "core.testing")
                    and not name.startswith("core.testing.")
                ):
                    found.append(f"{file.name}:{getattr(node, 'lineno', 0)} {name}")
    return found


async def check_plugins(only: str | None, scratch: Path) -> list[Result]:
    from core.testing.harness import Harness

    base = load_settings()
    registry = load_plugins(base.extra_plugins)
    results: list[Result] = []
    for q in registry.quarantined:
        if only in (None, q.name):
            results.append((f"{q.name}: loads", False, q.reason))
    targets = [p for p in registry.plugins.values() if only in (None, p.id)]
    if only and not targets and not results:
        return [(f"{only}: installed", False, "no such plugin")]
    for plugin in targets:
        results.append((f"{plugin.id}: manifest and hooks", True, f"version {plugin.manifest.version}"))
        leaks = internal_imports(plugin)
        results.append((f"{plugin.id}: imports only core.api", not leaks, ", ".join(leaks[:5])))
    if not targets:
        return results
    settings = load_settings(
        environ={},
        var_dir=str(scratch),
        secret_key="c" * 40,
        extra_plugins=base.extra_plugins,
        tenant_cache_seconds=0.0,
    )
    try:
        h = await Harness.start(settings, plugins=None, extra_modules=base.extra_plugins, strict=False)
    except Exception as exc:  # migrations of some plugin failed: say so, don't crash
        return [*results, ("migrations apply", False, f"{type(exc).__name__}: {exc}")]
    try:
        for plugin in targets:
            results += await _check_one(h, plugin)
    finally:
        await h.close()
    return results


async def _check_one(h: Any, plugin: LoadedPlugin) -> list[Result]:
    from core.db.migrate import migrate, rollback_app

    pid = plugin.id
    out: list[Result] = []
    apps = [
        a
        for a in h.runtime.apps
        if a.table_classes and any(t in a.table_classes for t in _plugin_tables(h, pid))
    ]
    tables = _plugin_tables(h, pid)
    not_tenant = [t.__name__ for t in tables if not issubclass(t, TenantTable)]
    out.append(
        (
            f"{pid}: tables are tenant tables",
            not not_tenant or plugin.manifest.scope == "platform",
            ", ".join(not_tenant),
        )
    )
    try:
        for app in apps:
            reversed_ = await rollback_app(h.runtime, app.app_name)
            again = await migrate(h.runtime)
            out.append(
                (
                    f"{pid}: migrations apply, reverse and apply again",
                    True,
                    f"{len(reversed_)} reversed, {len(again)} re-applied",
                )
            )
    except Exception as exc:
        out.append((f"{pid}: migrations apply, reverse and apply again", False, str(exc)))
    if plugin.manifest.scope != "community":
        return out
    try:
        await h.community(f"check-{pid}-a".replace("_", "-"), office="check-office")
        slug = f"check-{pid}-a".replace("_", "-")
        admin = await h.as_role("community_admin", slug)
        route = _first_get_route(h, pid, slug)
        await h.enable(slug, pid)
        on1 = await admin.get(route) if route else None
        await h.disable(slug, pid)
        off = await admin.get(route) if route else None
        await h.enable(slug, pid)
        await h.enable(slug, pid)
        on2 = await admin.get(route) if route else None
        ok = route is None or (
            off is not None
            and off.status_code == 404
            and on1 is not None
            and on1.status_code != 404
            and on2 is not None
            and on2.status_code == on1.status_code
        )
        detail = (
            "no GET route without parameters to probe"
            if route is None
            else f"GET {route}: on {on1.status_code if on1 else '-'}, off {off.status_code if off else '-'}"
        )
        out.append((f"{pid}: enable / disable / enable", ok, detail))
    except Exception as exc:
        out.append((f"{pid}: enable / disable / enable", False, f"{type(exc).__name__}: {exc}"))
    out.append(await _page_time_hooks(h, pid, f"check-{pid}-a".replace("_", "-")))
    out.append(await _cross_tenant(h, pid, tables))
    return out


async def _page_time_hooks(h: Any, pid: str, slug: str) -> Result:
    """Every UI slot and report hook answers for a fresh community with the right types (a
    failure there would cost the plugin its part of every page; here it is named)."""
    import datetime as dt

    from core.oversight import community_sections
    from core.plugins.dispatch import active_for, gather
    from core.plugins.types import DashboardCard, NavItem, Panel, UserRef

    registry = h.runtime.registry
    before = dict(registry.health.snapshot().get(pid, {}))
    tenant = await h.runtime.tenants.by_slug(slug)
    person = await h.resident(slug, "检查员")
    user = UserRef(
        id=0,
        display_name="check",
        role="community_admin",
        permissions=h.runtime.roles.permissions_of("community_admin"),
    )
    active = active_for(registry, tenant)
    async with h.tenant(slug):
        await gather(registry, "ui_navigation", active, NavItem, tenant=tenant, user=user)
        await gather(registry, "ui_dashboard_cards", active, DashboardCard, tenant=tenant, user=user)
        for page, subject in (
            ("resident", person["id"]),
            ("building", person["building_id"]),
            ("dwelling", person["dwelling_id"]),
        ):
            await gather(
                registry, "ui_panels", active, Panel, tenant=tenant, user=user, page=page, subject_id=subject
            )
    today = dt.date.today()
    await community_sections(h.runtime, tenant, today.replace(day=1), today)
    after = registry.health.snapshot().get(pid, {})
    failed = after.get("failures", 0) - before.get("failures", 0)
    detail = (
        "navigation, cards, panels and report sections answered"
        if not failed
        else (
            f"{failed} failure(s), last: {after.get('last', {}).get('hook')}: {after.get('last', {}).get('error')}"
        )
    )
    return (f"{pid}: page-time hooks answer with the right types", not failed, detail)


def _plugin_tables(h: Any, pid: str) -> list[Any]:
    app = h.runtime.registry.contributions.tables.get(pid)
    return list(app.table_classes) if app is not None else []


def _first_get_route(h: Any, pid: str, slug: str) -> str | None:
    for route in h.app.routes:
        for handler in getattr(route, "route_handlers", []):
            if handler.opt.get("plugin_id") == pid and "GET" in handler.http_methods:
                path = route.path.replace("{community:str}", slug)
                if "{" not in path:
                    return path
    return None


async def _cross_tenant(h: Any, pid: str, tables: list[Any]) -> Result:
    """Rows a plugin wrote in one community are invisible from another (first wall, and RLS on PG)."""
    tenant_tables = [t for t in tables if issubclass(t, TenantTable)]
    if not tenant_tables:
        return (f"{pid}: no cross-tenant visibility", True, "no tenant tables")
    a, b = f"check-{pid}-a".replace("_", "-"), f"check-{pid}-b".replace("_", "-")
    await h.community(b, office="check-office")
    for t in tenant_tables:  # a row in each table that takes one with its defaults: never check empty tables
        try:
            async with h.tenant(a):
                await t.insert(t()).run()
        except Exception:  # required columns or references: the plugin's own rows stand for it
            continue
    counts_a: dict[str, int] = {}
    async with h.tenant(a):
        for t in tenant_tables:
            counts_a[t.__name__] = await t.count().run()
    async with h.tenant(b):
        leaked = {t.__name__: n for t in tenant_tables if (n := await t.count().run())}
    if not sum(counts_a.values()):
        return (
            f"{pid}: no cross-tenant visibility",
            False,
            f"no row could be written to {', '.join(counts_a)} to check with",
        )
    return (
        f"{pid}: no cross-tenant visibility",
        not leaked,
        f"{sum(counts_a.values())} rows in {a}, none seen from {b}" if not leaked else f"seen: {leaked}",
    )
