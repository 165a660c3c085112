"""Operations on offices, communities and module enablement, shared by API, CLI and tenant files.

Each function expects to run inside a transaction that the caller opened, so a caller doing
several (``linli tenants apply``) gets all-or-nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from core.audit import audit
from core.db.engine import as_tenant
from core.errors import Conflict, InvalidInput, NotFound
from core.plugins.dispatch import call_each
from core.plugins.manifest import ManifestError, validate_settings
from core.runtime import Runtime
from core.tenancy.context import Tenant
from core.tenancy.directory import POLICIES, effective_enabled
from core.tenancy.tables import Community, CommunityPlugin, PluginPolicy, StreetOffice

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def check_slug(slug: str, field: str = "slug") -> str:
    if not SLUG.match(slug or ""):
        raise InvalidInput(
            "must be 2-63 characters of a-z, 0-9 and '-', starting with a letter or digit", field=field
        )
    return slug


async def office_by_slug(slug: str, *, include_archived: bool = False) -> dict[str, Any]:
    row = await StreetOffice.select().where(StreetOffice.slug == slug).first().run()
    if row is None or (row["archived"] and not include_archived):
        raise NotFound("no such street office")
    return row


async def community_by_slug(slug: str, *, include_archived: bool = False) -> dict[str, Any]:
    row = await Community.select().where(Community.slug == slug).first().run()
    if row is None or (row["archived"] and not include_archived):
        raise NotFound("no such community")
    return row


async def create_office(slug: str, name: str, name_en: str = "", *, actor_id: int | None) -> dict[str, Any]:
    check_slug(slug)
    if not name.strip():
        raise InvalidInput("must not be empty", field="name")
    if await StreetOffice.exists().where(StreetOffice.slug == slug).run():
        raise Conflict(f"a street office with slug {slug!r} already exists")
    office = StreetOffice(slug=slug, name=name.strip(), name_en=name_en.strip(), created_at=now())
    await office.save().run()
    await audit("office.created", actor_id=actor_id, office_id=office.id, subject=slug)
    return await office_by_slug(slug)


async def update_office(slug: str, changes: dict[str, Any], *, actor_id: int | None) -> dict[str, Any]:
    office = await office_by_slug(slug)
    values: dict[Any, Any] = {k: v for k, v in changes.items() if k in ("name", "name_en") and v is not None}
    if "name" in values and not str(values["name"]).strip():
        raise InvalidInput("must not be empty", field="name")
    if values:
        await StreetOffice.update(values).where(StreetOffice.id == office["id"]).run()
        await audit("office.updated", actor_id=actor_id, office_id=office["id"], subject=slug, detail=values)
    return await office_by_slug(slug)


async def create_community(
    office_slug: str,
    slug: str,
    name: str,
    *,
    name_en: str = "",
    address: str = "",
    residents_estimate: int = 0,
    households_estimate: int = 0,
    actor_id: int | None,
) -> dict[str, Any]:
    office = await office_by_slug(office_slug)
    check_slug(slug)
    if not name.strip():
        raise InvalidInput("must not be empty", field="name")
    for field, value in (
        ("residents_estimate", residents_estimate),
        ("households_estimate", households_estimate),
    ):
        if value < 0:
            raise InvalidInput("must not be negative", field=field)
    if await Community.exists().where(Community.slug == slug).run():
        raise Conflict(f"a community with slug {slug!r} already exists")
    community = Community(
        slug=slug,
        office=office["id"],
        name=name.strip(),
        name_en=name_en.strip(),
        address=address,
        residents_estimate=residents_estimate,
        households_estimate=households_estimate,
        created_at=now(),
    )
    await community.save().run()
    await audit(
        "community.created",
        actor_id=actor_id,
        office_id=office["id"],
        community_id=community.id,
        subject=slug,
    )
    return await community_by_slug(slug)


async def update_community(
    runtime: Runtime, slug: str, changes: dict[str, Any], *, actor_id: int | None
) -> dict[str, Any]:
    community = await community_by_slug(slug)
    allowed = ("name", "name_en", "address", "residents_estimate", "households_estimate")
    values: dict[Any, Any] = {k: v for k, v in changes.items() if k in allowed and v is not None}
    if "name" in values and not str(values["name"]).strip():
        raise InvalidInput("must not be empty", field="name")
    for field in ("residents_estimate", "households_estimate"):
        if field in values and values[field] < 0:
            raise InvalidInput("must not be negative", field=field)
    if values:
        await Community.update(values).where(Community.id == community["id"]).run()
        await audit(
            "community.updated", actor_id=actor_id, community_id=community["id"], subject=slug, detail=values
        )
        runtime.tenants.invalidate(slug)
    return await community_by_slug(slug)


async def archive_community(runtime: Runtime, slug: str, *, actor_id: int | None) -> None:
    community = await community_by_slug(slug)
    await Community.update({Community.archived: True}).where(Community.id == community["id"]).run()
    await audit("community.archived", actor_id=actor_id, community_id=community["id"], subject=slug)
    runtime.tenants.invalidate(slug)


async def set_policy(
    runtime: Runtime, office_slug: str, plugin_id: str, policy: str, *, actor_id: int | None
) -> None:
    office = await office_by_slug(office_slug)
    if policy not in POLICIES:
        raise InvalidInput(f"must be one of {', '.join(POLICIES)}", field="policy")
    plugin = runtime.registry.get(plugin_id)
    if plugin is None or plugin.manifest.scope != "community":
        raise NotFound(f"no such module: {plugin_id}")
    existing = (
        await PluginPolicy.select(PluginPolicy.id, PluginPolicy.policy)
        .where((PluginPolicy.office == office["id"]) & (PluginPolicy.plugin_id == plugin_id))
        .first()
        .run()
    )
    if existing and existing["policy"] == policy:
        return
    # Communities whose effective state flips get their lifecycle hooks.
    communities = (
        await Community.select(Community.slug)
        .where((Community.office == office["id"]) & (Community.archived.eq(False)))
        .run()
    )
    before = {c["slug"]: await _is_enabled(runtime, c["slug"], plugin_id) for c in communities}
    if existing:
        await (
            PluginPolicy.update({PluginPolicy.policy: policy}).where(PluginPolicy.id == existing["id"]).run()
        )
    else:
        await PluginPolicy.insert(PluginPolicy(office=office["id"], plugin_id=plugin_id, policy=policy)).run()
    await audit(
        "plugin.policy_set",
        actor_id=actor_id,
        office_id=office["id"],
        subject=plugin_id,
        detail={"policy": policy},
    )
    for slug, was in before.items():
        runtime.tenants.invalidate(slug)
        now_on = await _is_enabled(runtime, slug, plugin_id)
        if now_on != was:
            tenant = await runtime.tenants.by_slug(slug)
            await audit(
                "plugin.enabled" if now_on else "plugin.disabled",
                actor_id=actor_id,
                community_id=tenant.community_id if tenant else None,
                subject=plugin_id,
                detail={"by_policy": policy},
            )
            await _lifecycle(runtime, slug, plugin_id, now_on)


async def set_office_settings(
    runtime: Runtime, office_slug: str, plugin_id: str, values: dict[str, Any], *, actor_id: int | None
) -> dict[str, Any]:
    """A street office's settings for one module (``Manifest.office_settings``), for all its
    communities: validated against the plugin's struct, audited, seen by every community at once."""
    office = await office_by_slug(office_slug)
    plugin = runtime.registry.get(plugin_id)
    if plugin is None or plugin.manifest.scope != "community":
        raise NotFound(f"no such module: {plugin_id}")
    try:
        settings = validate_settings(plugin.manifest, values, "office_settings")
    except ManifestError as exc:
        raise InvalidInput(str(exc), field="settings") from None
    existing = (
        await PluginPolicy.select(PluginPolicy.id)
        .where((PluginPolicy.office == office["id"]) & (PluginPolicy.plugin_id == plugin_id))
        .first()
        .run()
    )
    if existing:
        await (
            PluginPolicy.update({PluginPolicy.settings: settings})
            .where(PluginPolicy.id == existing["id"])
            .run()
        )
    else:
        await PluginPolicy.insert(
            PluginPolicy(office=office["id"], plugin_id=plugin_id, policy="allowed", settings=settings)
        ).run()
    await audit(
        "plugin.office_settings_set",
        actor_id=actor_id,
        office_id=office["id"],
        subject=plugin_id,
        detail=settings,
    )
    runtime.tenants.invalidate()
    return settings


async def _is_enabled(runtime: Runtime, slug: str, plugin_id: str) -> bool:
    runtime.tenants.invalidate(slug)
    tenant = await runtime.tenants.by_slug(slug)
    return tenant is not None and plugin_id in tenant.enabled_plugins


async def set_plugin_enabled(
    runtime: Runtime,
    slug: str,
    plugin_id: str,
    *,
    enabled: bool | None = None,
    settings: dict[str, Any] | None = None,
    actor_id: int | None,
) -> dict[str, Any]:
    """Switch a module on/off and/or change its settings, within the office's policy."""
    community = await community_by_slug(slug)
    plugin = runtime.registry.get(plugin_id)
    if plugin is None or plugin.manifest.scope != "community":
        raise NotFound(f"no such module: {plugin_id}")
    states = await runtime.tenants.plugin_states(community["id"], community["office"])
    state = states[plugin_id]
    if enabled is not None:
        if enabled and state["policy"] == "forbidden":
            raise Conflict(f"the street office forbids the module {plugin_id}")
        if not enabled and state["policy"] == "required":
            raise Conflict(f"the street office requires the module {plugin_id}")
        if enabled:
            missing = [r for r in plugin.manifest.requires_plugins if not states.get(r, {}).get("enabled")]
            if missing:
                raise Conflict(f"enable {', '.join(missing)} first: {plugin_id} requires it")
    new_settings = state["settings"]
    if settings is not None:
        try:
            new_settings = validate_settings(plugin.manifest, settings)
        except ManifestError as exc:
            raise InvalidInput(str(exc), field="settings") from None
    choice = state["choice"] if enabled is None else enabled
    row = (
        await CommunityPlugin.select(CommunityPlugin.id)
        .where((CommunityPlugin.community == community["id"]) & (CommunityPlugin.plugin_id == plugin_id))
        .first()
        .run()
    )
    # Changing only the settings keeps "never chosen": a default_on module stays on.
    values: dict[Any, Any] = {
        "enabled": bool(choice),
        "explicit": choice is not None,
        "settings": new_settings,
        "updated_at": now(),
    }
    if row:
        await CommunityPlugin.update(values).where(CommunityPlugin.id == row["id"]).run()
    else:
        await CommunityPlugin.insert(
            CommunityPlugin(community=community["id"], plugin_id=plugin_id, **values)
        ).run()
    was_on = state["enabled"]
    now_on = effective_enabled(state["policy"], None if choice is None else bool(choice))
    runtime.tenants.invalidate(slug)
    if enabled is not None and now_on != was_on:
        await audit(
            "plugin.enabled" if now_on else "plugin.disabled",
            actor_id=actor_id,
            community_id=community["id"],
            subject=plugin_id,
        )
        await _lifecycle(runtime, slug, plugin_id, now_on)
    if settings is not None and new_settings != state["settings"]:
        await audit(
            "plugin.settings_changed",
            actor_id=actor_id,
            community_id=community["id"],
            subject=plugin_id,
            detail=new_settings,
        )
        tenant = await runtime.tenants.by_slug(slug)
        if tenant is not None and now_on:
            async with as_tenant(runtime.engine, tenant):
                await call_each(
                    runtime.registry,
                    "on_tenant_settings_changed",
                    [plugin_id],
                    tenant=tenant,
                    old=state["settings"],
                    new=new_settings,
                )
    return {"plugin_id": plugin_id, "policy": state["policy"], "enabled": now_on, "settings": new_settings}


async def _lifecycle(runtime: Runtime, slug: str, plugin_id: str, enabled: bool) -> None:
    tenant: Tenant | None = await runtime.tenants.by_slug(slug)
    if tenant is None:
        return
    hook = "on_tenant_enabled" if enabled else "on_tenant_disabled"
    # Isolated: a plugin whose lifecycle hook fails is logged and counted, and the switch stands.
    async with as_tenant(runtime.engine, tenant):
        await call_each(runtime.registry, hook, [plugin_id], tenant=tenant)
