"""Tenant definition files: a street office and its communities as TOML, applied idempotently.

``linli tenants apply PATH`` reads one file or every ``*.toml`` in a folder, validates all of it
first (reporting every problem as ``file: key.path: reason``), and only then applies it in one
transaction: all or nothing. Applying the same files again changes nothing.

The files are declarative. An office has exactly the policies it lists (an unlisted module is
``allowed``); a community has exactly the modules it lists switched on (a module the office
requires stays on), and each listed module has exactly the settings the file gives (the
module's defaults for the rest). Offices and communities that are not in the files are left
alone: the files never delete anything.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec

from core.audit import audit
from core.db.engine import write_transaction
from core.errors import InvalidInput, LinliError
from core.plugins.manifest import ManifestError, validate_settings
from core.runtime import Runtime
from core.tenancy import service
from core.tenancy.service import SLUG
from core.tenancy.tables import Community, PluginPolicy, StreetOffice

Policy = Literal["forbidden", "allowed", "default_on", "required"]
POLICIES: tuple[Policy, ...] = ("forbidden", "allowed", "default_on", "required")
Count = Annotated[int, msgspec.Meta(ge=0)]


class OfficeDef(msgspec.Struct, forbid_unknown_fields=True):
    slug: str
    name: str
    name_en: str = ""
    plugins: dict[str, str] = {}  # module id -> Policy (checked by hand to name the key)


class DemoPopulation(msgspec.Struct, forbid_unknown_fields=True):
    """Sizes for `linli demo` / `serve --demo`; ignored when applying for real."""

    households: Annotated[int, msgspec.Meta(ge=1)]
    people: Annotated[int, msgspec.Meta(ge=1)]
    buildings: Annotated[int, msgspec.Meta(ge=1)] = 30
    compounds: Annotated[int, msgspec.Meta(ge=1)] = 3
    over_60_share: Annotated[float, msgspec.Meta(ge=0, le=1)] = 0.23


class CommunityDef(msgspec.Struct, forbid_unknown_fields=True):
    slug: str
    name: str
    name_en: str = ""
    address: str = ""
    residents_estimate: Count = 0
    households_estimate: Count = 0
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


# --------------------------------------------------------------------------------------------
# Reading and validating


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(path.glob("*.toml"))
        if not files:
            raise DefinitionError([f"{path}: no .toml files"])
        return files
    if not path.exists():
        raise DefinitionError([f"{path}: no such file or directory"])
    return [path]


def _join(prefix: str, key: str) -> str:
    if not key:
        return prefix
    if not prefix:
        return key
    return prefix + key if key.startswith("[") else f"{prefix}.{key}"


def _explain(prefix: str, message: str) -> str:
    """msgspec's 'Object contains unknown field `x` - at `$.office`' as 'office.x: unknown key'."""
    key = ""
    m = re.search(r" - at `\$\.?(.*)`$", message)
    if m:
        key, message = m.group(1), message[: m.start()]
    m = re.fullmatch(r"Object contains unknown field `(.+)`", message)
    if m:
        return f"{_join(_join(prefix, key), m.group(1))}: unknown key"
    m = re.fullmatch(r"Object missing required field `(.+)`", message)
    if m:
        return f"{_join(_join(prefix, key), m.group(1))}: missing (required)"
    return f"{_join(prefix, key) or '(top)'}: {message}"


def _convert(raw: Any, kind: type[Any], prefix: str, problems: list[str], where: str) -> Any:
    try:
        return msgspec.convert(raw, kind)
    except msgspec.ValidationError as exc:
        problems.append(f"{where}: {_explain(prefix, str(exc))}")
        return None


def _parse(file: Path, problems: list[str]) -> TenantFile | None:
    """One file; the office and each community are checked separately so each reports its own
    problem (msgspec stops at the first error inside one structure)."""
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        problems.append(f"{file}: invalid TOML: {exc}")
        return None
    except UnicodeDecodeError:
        problems.append(f"{file}: not UTF-8 text")
        return None
    except OSError as exc:
        problems.append(f"{file}: cannot read: {exc.strerror}")
        return None
    before = len(problems)
    for key in raw:
        if key not in ("office", "community"):
            problems.append(f"{file}: {key}: unknown key (expected [office] and [[community]])")
    if "office" not in raw:
        problems.append(f"{file}: office: missing (required)")
        office = None
    else:
        office = _convert(raw["office"], OfficeDef, "office", problems, str(file))
    communities_raw = raw.get("community", [])
    communities: list[CommunityDef] = []
    if not isinstance(communities_raw, list):
        problems.append(f"{file}: community: must be an array of tables ([[community]])")
    else:
        for i, c in enumerate(communities_raw):
            parsed = _convert(c, CommunityDef, f"community[{i}]", problems, str(file))
            if parsed is not None:
                communities.append(parsed)
    if len(problems) > before or office is None:
        return None
    return TenantFile(office=office, community=communities)


def _settings_problem(prefix: str, exc: ManifestError) -> str:
    message = str(exc).removeprefix("settings: ")
    m = re.fullmatch(r"unknown key\(s\) (.+)", message)
    if m:
        return f"{_join(prefix, m.group(1))}: unknown key"
    return _explain(prefix, message)


def load_definitions(path: Path, runtime: Runtime) -> list[tuple[Path, TenantFile]]:
    """Parse and validate every file; raise DefinitionError listing all problems."""
    problems: list[str] = []
    loaded: list[tuple[Path, TenantFile]] = []
    for file in _files(path):
        doc = _parse(file, problems)
        if doc is not None:
            loaded.append((file, doc))
    seen_offices: dict[str, Path] = {}
    seen_communities: dict[str, Path] = {}
    registry = runtime.registry
    for file, doc in loaded:
        where = f"{file}: office"
        office = doc.office
        if not SLUG.match(office.slug):
            problems.append(f"{where}.slug: {office.slug!r} is not a valid slug "
                            "(2-63 characters of a-z, 0-9 and '-')")
        if office.slug in seen_offices:
            problems.append(f"{where}.slug: {office.slug!r} also defined in {seen_offices[office.slug]}")
        seen_offices.setdefault(office.slug, file)
        if not office.name.strip():
            problems.append(f"{where}.name: must not be empty")
        for plugin_id, policy in office.plugins.items():
            if _community_plugin(registry, plugin_id) is None:
                problems.append(f"{where}.plugins.{plugin_id}: unknown module {plugin_id!r}")
            if policy not in POLICIES:
                choices = ", ".join(POLICIES)
                problems.append(f"{where}.plugins.{plugin_id}: {policy!r} is not one of {choices}")
        for i, c in enumerate(doc.community):
            cw = f"{file}: community[{i}]"
            if not SLUG.match(c.slug):
                problems.append(f"{cw}.slug: {c.slug!r} is not a valid slug "
                                "(2-63 characters of a-z, 0-9 and '-')")
            if c.slug in seen_communities:
                problems.append(f"{cw}.slug: {c.slug!r} also defined in {seen_communities[c.slug]}")
            seen_communities.setdefault(c.slug, file)
            if not c.name.strip():
                problems.append(f"{cw}.name: must not be empty")
            listed = set(c.plugins)
            for j, plugin_id in enumerate(c.plugins):
                plugin = _community_plugin(registry, plugin_id)
                if plugin is None:
                    problems.append(f"{cw}.plugins[{j}]: unknown module {plugin_id!r}")
                    continue
                if c.plugins.index(plugin_id) != j:
                    problems.append(f"{cw}.plugins[{j}]: {plugin_id!r} is listed twice")
                if office.plugins.get(plugin_id) == "forbidden":
                    problems.append(f"{cw}.plugins[{j}]: the office forbids {plugin_id!r}")
                for needed in plugin.manifest.requires_plugins:
                    if needed not in listed and office.plugins.get(needed) != "required":
                        problems.append(
                            f"{cw}.plugins[{j}]: {plugin_id!r} needs {needed!r}: list it too"
                        )
            for plugin_id, values in c.settings.items():
                plugin = _community_plugin(registry, plugin_id)
                if plugin is None:
                    problems.append(f"{cw}.settings.{plugin_id}: unknown module {plugin_id!r}")
                    continue
                try:
                    validate_settings(plugin.manifest, values)
                except ManifestError as exc:
                    key = f"community[{i}].settings.{plugin_id}"
                    problems.append(f"{file}: {_settings_problem(key, exc)}")
    if problems:
        raise DefinitionError(problems)
    return loaded


def _community_plugin(registry: Any, plugin_id: str) -> Any:
    plugin = registry.get(plugin_id)
    return plugin if plugin is not None and plugin.manifest.scope == "community" else None


# --------------------------------------------------------------------------------------------
# Applying


async def apply_definitions(runtime: Runtime, path: Path, *, dry_run: bool = False) -> ApplyReport:
    """Validate, then apply all files in one transaction (rolled back on ``dry_run``).

    Problems only the database can reveal (a community that belongs to another office, a module
    the office forbids through a policy set outside the files) are collected the same way, and
    the transaction is rolled back: nothing changes.
    """
    docs = load_definitions(path, runtime)
    report = ApplyReport()
    problems: list[str] = []
    try:
        async with write_transaction(runtime.engine) as tx:
            for file, doc in docs:
                await _apply_office(runtime, file, doc, report, problems)
            if problems:
                raise DefinitionError(problems)
            if dry_run:
                await tx.rollback()
    finally:
        runtime.tenants.invalidate()
    return report


async def _apply_office(runtime: Runtime, file: Path, doc: TenantFile, report: ApplyReport,
                        problems: list[str]) -> None:
    o = doc.office
    existing = await StreetOffice.select().where(StreetOffice.slug == o.slug).first().run()
    try:
        if existing is None:
            await service.create_office(o.slug, o.name, o.name_en, actor_id=None)
            report.created.append(f"office {o.slug}")
        else:
            changed = False
            if existing["archived"]:
                await StreetOffice.update({StreetOffice.archived: False}).where(
                    StreetOffice.id == existing["id"]).run()
                await audit("office.restored", actor_id=None, office_id=existing["id"], subject=o.slug)
                changed = True
            if (existing["name"], existing["name_en"]) != (o.name.strip(), o.name_en.strip()):
                await service.update_office(o.slug, {"name": o.name.strip(), "name_en": o.name_en.strip()},
                                            actor_id=None)
                changed = True
            (report.updated if changed else report.unchanged).append(f"office {o.slug}")
        before = await _policies(o.slug)
        for plugin in runtime.registry.community_plugins():
            policy = o.plugins.get(plugin.id, "allowed")
            if before.get(plugin.id, "allowed") != policy:
                await service.set_policy(runtime, o.slug, plugin.id, policy, actor_id=None)
                report.updated.append(f"office {o.slug} policy {plugin.id}={policy}")
    except LinliError as exc:
        problems.append(f"{file}: office: {_reason(exc)}")
        return
    for i, c in enumerate(doc.community):
        try:
            await _apply_community(runtime, o.slug, c, report)
        except LinliError as exc:
            problems.append(f"{file}: community[{i}] ({c.slug}): {_reason(exc)}")


def _reason(exc: LinliError) -> str:
    if isinstance(exc, InvalidInput) and exc.field:
        return f"{exc.field}: {exc}"
    return str(exc)


async def _policies(office_slug: str) -> dict[str, str]:
    rows = (
        await PluginPolicy.select(PluginPolicy.plugin_id, PluginPolicy.policy)
        .where(PluginPolicy.office.slug == office_slug)
        .run()
    )
    return {r["plugin_id"]: r["policy"] for r in rows}


def _dependency_order(runtime: Runtime, plugin_ids: set[str]) -> list[str]:
    """Plugins before those that require them (a module's requirements are enabled first)."""
    ordered: list[str] = []

    def visit(pid: str, trail: tuple[str, ...]) -> None:
        if pid in ordered or pid in trail or pid not in plugin_ids:
            return
        plugin = runtime.registry.get(pid)
        for needed in plugin.manifest.requires_plugins if plugin else ():
            visit(needed, (*trail, pid))
        ordered.append(pid)

    for pid in sorted(plugin_ids):
        visit(pid, ())
    return ordered


async def _apply_community(runtime: Runtime, office_slug: str, c: CommunityDef, report: ApplyReport) -> None:
    existing = (
        await Community.select(*Community.all_columns(), Community.office.slug)
        .where(Community.slug == c.slug)
        .first()
        .run()
    )
    fields: dict[str, Any] = {
        "name": c.name.strip(),
        "name_en": c.name_en.strip(),
        "address": c.address,
        "residents_estimate": c.residents_estimate,
        "households_estimate": c.households_estimate,
    }
    if existing is None:
        await service.create_community(office_slug, c.slug, c.name, name_en=c.name_en, address=c.address,
                                       residents_estimate=c.residents_estimate,
                                       households_estimate=c.households_estimate, actor_id=None)
        report.created.append(f"community {c.slug}")
    else:
        if existing["office.slug"] != office_slug:
            raise InvalidInput(f"belongs to street office {existing['office.slug']!r}, not {office_slug!r}; "
                               "moving a community between offices is not supported", field="slug")
        changed = False
        if existing["archived"]:
            await Community.update({Community.archived: False}).where(Community.id == existing["id"]).run()
            await audit("community.restored", actor_id=None, community_id=existing["id"], subject=c.slug)
            runtime.tenants.invalidate(c.slug)
            changed = True
        if any(existing[k] != v for k, v in fields.items()):
            await service.update_community(runtime, c.slug, fields, actor_id=None)
            changed = True
        (report.updated if changed else report.unchanged).append(f"community {c.slug}")

    community = await service.community_by_slug(c.slug)
    states = await runtime.tenants.plugin_states(community["id"], community["office"])
    wanted = set(c.plugins)
    order = _dependency_order(runtime, set(states))
    # Switch off first (those that require others before what they require), then on.
    for plugin_id in reversed(order):
        state = states[plugin_id]
        if state["enabled"] and plugin_id not in wanted and state["policy"] != "required":
            await service.set_plugin_enabled(runtime, c.slug, plugin_id, enabled=False, actor_id=None)
            report.updated.append(f"community {c.slug} module {plugin_id} off")
    for plugin_id in order:
        state = states[plugin_id]
        manifest = runtime.registry.plugins[plugin_id].manifest
        want_on = plugin_id in wanted or state["policy"] == "required"
        # A listed module gets exactly the file's settings; an unlisted one keeps what it has
        # unless the file gives settings for it.
        if plugin_id in wanted or plugin_id in c.settings:
            new_settings = validate_settings(manifest, c.settings.get(plugin_id, {}))
        else:
            new_settings = state["settings"]
        turn_on = want_on and not state["enabled"]
        settings_change = new_settings != state["settings"]
        if turn_on or settings_change:
            # Always say on/off: with enabled=None, set_plugin_enabled stores bool(None) and so
            # pins a module that was on through a default_on policy to off.
            await service.set_plugin_enabled(
                runtime, c.slug, plugin_id, enabled=want_on,
                settings=new_settings if settings_change else None, actor_id=None,
            )
            if turn_on:
                report.updated.append(f"community {c.slug} module {plugin_id} on")
            if settings_change:
                report.updated.append(f"community {c.slug} module {plugin_id} settings")
