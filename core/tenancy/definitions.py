"""Tenant definition files: a street office and its communities as TOML, applied idempotently.

``linli tenants apply PATH`` reads one file or every ``*.toml`` in a folder, validates all of it
first (reporting every problem as ``file: key.path: reason``), and only then applies it in one
transaction: all or nothing. Applying the same files again changes nothing. The file is
declarative for modules: a community has exactly the plugins it lists switched on (within the
office's policy; a plugin the office requires stays on).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import msgspec

from core.db.engine import write_transaction
from core.errors import LinliError
from core.plugins.manifest import ManifestError, validate_settings
from core.runtime import Runtime
from core.tenancy import service
from core.tenancy.service import SLUG
from core.tenancy.tables import Community, StreetOffice

Policy = Literal["forbidden", "allowed", "default_on", "required"]


class OfficeDef(msgspec.Struct, forbid_unknown_fields=True):
    slug: str
    name: str
    name_en: str = ""
    plugins: dict[str, Policy] = {}


class DemoPopulation(msgspec.Struct, forbid_unknown_fields=True):
    """Sizes for `linli demo` / `serve --demo`; ignored when applying for real."""

    households: int
    people: int
    buildings: int = 30
    compounds: int = 3
    over_60_share: float = 0.23
    # Old walk-ups: no building has more floors than this (more units instead), and none a lift.
    max_floors: int | None = None


class CommunityDef(msgspec.Struct, forbid_unknown_fields=True):
    slug: str
    name: str
    name_en: str = ""
    address: str = ""
    residents_estimate: int = 0
    households_estimate: int = 0
    plugins: list[str] = []
    settings: dict[str, dict[str, Any]] = {}
    demo: DemoPopulation | None = None


class TenantFile(msgspec.Struct, forbid_unknown_fields=True):
    office: OfficeDef
    community: list[CommunityDef] = []


class DefinitionError(LinliError):
    """One or more problems in tenant files; nothing was changed."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ApplyReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return len(self.created) + len(self.updated)


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(path.glob("*.toml"))
        if not files:
            raise DefinitionError([f"{path}: no .toml files"])
        return files
    if not path.exists():
        raise DefinitionError([f"{path}: no such file or directory"])
    return [path]


def _key_path(message: str) -> tuple[str, str]:
    """msgspec says '… - at `$.community[1].plugins`'; we say 'community[1].plugins'."""
    m = re.search(r" - at `\$\.?(.*)`$", message)
    if not m:
        return "", message
    return m.group(1), message[: m.start()]


def load_definitions(path: Path, runtime: Runtime) -> list[tuple[Path, TenantFile]]:
    """Parse and validate every file; raise DefinitionError listing all problems."""
    problems: list[str] = []
    loaded: list[tuple[Path, TenantFile]] = []
    for file in _files(path):
        try:
            raw = tomllib.loads(file.read_text(encoding="utf-8"))
            loaded.append((file, msgspec.convert(raw, TenantFile)))
        except tomllib.TOMLDecodeError as exc:
            problems.append(f"{file}: invalid TOML: {exc}")
        except msgspec.ValidationError as exc:
            key, reason = _key_path(str(exc))
            problems.append(f"{file}: {key or '(top)'}: {reason}")
        except OSError as exc:
            problems.append(f"{file}: cannot read: {exc.strerror}")
    seen_offices: dict[str, Path] = {}
    seen_communities: dict[str, Path] = {}
    registry = runtime.registry
    for file, doc in loaded:
        where = f"{file}: office"
        if not SLUG.match(doc.office.slug):
            problems.append(f"{where}.slug: {doc.office.slug!r} is not a valid slug")
        if doc.office.slug in seen_offices:
            problems.append(
                f"{where}.slug: {doc.office.slug!r} also defined in {seen_offices[doc.office.slug]}"
            )
        seen_offices[doc.office.slug] = file
        for plugin_id in doc.office.plugins:
            if _community_plugin(registry, plugin_id) is None:
                problems.append(f"{where}.plugins.{plugin_id}: unknown module {plugin_id!r}")
        for i, c in enumerate(doc.community):
            cw = f"{file}: community[{i}]"
            if not SLUG.match(c.slug):
                problems.append(f"{cw}.slug: {c.slug!r} is not a valid slug")
            if c.slug in seen_communities:
                problems.append(f"{cw}.slug: {c.slug!r} also defined in {seen_communities[c.slug]}")
            seen_communities[c.slug] = file
            if not c.name.strip():
                problems.append(f"{cw}.name: must not be empty")
            for j, plugin_id in enumerate(c.plugins):
                if _community_plugin(registry, plugin_id) is None:
                    problems.append(f"{cw}.plugins[{j}]: unknown module {plugin_id!r}")
                elif doc.office.plugins.get(plugin_id) == "forbidden":
                    problems.append(f"{cw}.plugins[{j}]: the office forbids {plugin_id!r}")
            for plugin_id, values in c.settings.items():
                plugin = _community_plugin(registry, plugin_id)
                if plugin is None:
                    problems.append(f"{cw}.settings.{plugin_id}: unknown module {plugin_id!r}")
                    continue
                try:
                    validate_settings(plugin.manifest, values)
                except ManifestError as exc:
                    problems.append(f"{cw}.settings.{plugin_id}: {exc}")
    if problems:
        raise DefinitionError(problems)
    return loaded


def _community_plugin(registry: Any, plugin_id: str) -> Any:
    plugin = registry.get(plugin_id)
    return plugin if plugin is not None and plugin.manifest.scope == "community" else None


async def apply_definitions(
    runtime: Runtime, path: Path, *, dry_run: bool = False, additive: bool = False
) -> ApplyReport:
    """Validate, then apply all files in one transaction (rolled back on ``dry_run``).

    ``additive``: the modules a file lists are switched on, and no other module is switched off
    — the demo's way, so an operator's choice of modules (a third-party plugin switched on in a
    demo community) survives a restart. Without it the file is declarative: exactly its modules."""
    docs = load_definitions(path, runtime)
    report = ApplyReport()
    async with write_transaction(runtime.engine) as tx:
        for _file, doc in docs:
            await _apply_office(runtime, doc, report, additive=additive)
        if dry_run:
            await tx.rollback()
    runtime.tenants.invalidate()
    return report


async def _apply_office(runtime: Runtime, doc: TenantFile, report: ApplyReport, *, additive: bool) -> None:
    o = doc.office
    existing = await StreetOffice.select().where(StreetOffice.slug == o.slug).first().run()
    if existing is None:
        await service.create_office(o.slug, o.name, o.name_en, actor_id=None)
        report.created.append(f"office {o.slug}")
    elif (existing["name"], existing["name_en"], existing["archived"]) != (o.name, o.name_en, False):
        await (
            StreetOffice.update(
                {StreetOffice.name: o.name, StreetOffice.name_en: o.name_en, StreetOffice.archived: False}
            )
            .where(StreetOffice.id == existing["id"])
            .run()
        )
        report.updated.append(f"office {o.slug}")
    else:
        report.unchanged.append(f"office {o.slug}")
    policies_before = await _policies(o.slug)
    for plugin_id, policy in o.plugins.items():
        if policies_before.get(plugin_id, "allowed") != policy:
            await service.set_policy(runtime, o.slug, plugin_id, policy, actor_id=None)
            report.updated.append(f"office {o.slug} policy {plugin_id}={policy}")
    for c in doc.community:
        await _apply_community(runtime, o.slug, c, report, additive=additive)


async def _policies(office_slug: str) -> dict[str, str]:
    from core.tenancy.tables import PluginPolicy

    rows = (
        await PluginPolicy.select(PluginPolicy.plugin_id, PluginPolicy.policy)
        .where(PluginPolicy.office.slug == office_slug)
        .run()
    )
    return {r["plugin_id"]: r["policy"] for r in rows}


async def _apply_community(
    runtime: Runtime, office_slug: str, c: CommunityDef, report: ApplyReport, *, additive: bool
) -> None:
    existing = (
        await Community.select(*Community.all_columns(), Community.office.slug)
        .where(Community.slug == c.slug)
        .first()
        .run()
    )
    fields: dict[Any, Any] = {
        "name": c.name,
        "name_en": c.name_en,
        "address": c.address,
        "residents_estimate": c.residents_estimate,
        "households_estimate": c.households_estimate,
    }
    if existing is None:
        await service.create_community(
            office_slug,
            c.slug,
            c.name,
            name_en=c.name_en,
            address=c.address,
            residents_estimate=c.residents_estimate,
            households_estimate=c.households_estimate,
            actor_id=None,
        )
        report.created.append(f"community {c.slug}")
    else:
        if existing["office.slug"] != office_slug:
            raise DefinitionError(
                [
                    f"community {c.slug}: belongs to office {existing['office.slug']}, "
                    f"not {office_slug}; moving communities is not supported"
                ]
            )
        if any(existing[k] != v for k, v in fields.items()) or existing["archived"]:
            await Community.update({**fields, "archived": False}).where(Community.id == existing["id"]).run()
            runtime.tenants.invalidate(c.slug)
            report.updated.append(f"community {c.slug}")
        else:
            report.unchanged.append(f"community {c.slug}")
    community = (
        await Community.select(Community.id, Community.office).where(Community.slug == c.slug).first().run()
    )
    assert community is not None  # created or found just above
    states = await runtime.tenants.plugin_states(community["id"], community["office"])
    wanted = set(c.plugins)
    for plugin_id, state in states.items():
        want_on = plugin_id in wanted or state["policy"] == "required" or (additive and state["enabled"])
        new_settings = c.settings.get(plugin_id)
        settings_change = (
            new_settings is not None
            and validate_settings(runtime.registry.plugins[plugin_id].manifest, new_settings)
            != state["settings"]
        )
        if state["enabled"] != want_on or settings_change:
            await service.set_plugin_enabled(
                runtime,
                c.slug,
                plugin_id,
                enabled=want_on if state["policy"] != "required" else None,
                settings=new_settings,
                actor_id=None,
            )
            report.updated.append(f"community {c.slug} module {plugin_id} {'on' if want_on else 'off'}")
