"""What a plugin declares about itself, and the checks run before it may load."""

from __future__ import annotations

import re
from typing import Any, Literal

import msgspec
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from core.plugins.types import Permission

PLUGIN_ID = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
# Path segments of the core's own tenant routes: a plugin id may not shadow them.
RESERVED_IDS = frozenset(
    {
        "plugins",
        "members",
        "tokens",
        "audit",
        "events",
        "settings",
        "residents",
        "grids",
        "cases",
        "files",
        "jobs",
        "api",
        "admin",
        "static",
        "health",
        "auth",
        "office",
        "core",
    }
)


class Manifest(msgspec.Struct, frozen=True, kw_only=True):
    """A plugin's identity card. Export it from the plugin module as ``manifest``."""

    id: str
    name_zh: str
    name_en: str
    version: str
    requires_core: str = ">=0.1"
    requires_plugins: tuple[str, ...] = ()
    # "community": enabled per community. "platform": always on, everywhere.
    scope: Literal["community", "platform"] = "community"
    # A msgspec.Struct type whose defaults are the plugin's default settings.
    settings: type[msgspec.Struct] | None = None
    # A msgspec.Struct type of what a street office sets for all its communities at once (limits
    # a community's own choices must respect, e.g. the canteen's subsidy ceiling); defaults as above.
    office_settings: type[msgspec.Struct] | None = None
    permissions: tuple[Permission, ...] = ()
    personal_data: bool = False
    description: str = ""


class ManifestError(ValueError):
    """The manifest is unusable; the message says which field and why."""


def validate_manifest(manifest: Any, core_version: str) -> Manifest:
    if not isinstance(manifest, Manifest):
        raise ManifestError("module has no `manifest` of type core.api.Manifest")
    if not PLUGIN_ID.match(manifest.id):
        raise ManifestError(f"id {manifest.id!r}: must be 2-32 chars of a-z, 0-9, _ and start with a letter")
    if manifest.id in RESERVED_IDS:
        raise ManifestError(f"id {manifest.id!r}: reserved for the core")
    try:
        Version(manifest.version)
    except InvalidVersion:
        raise ManifestError(f"version {manifest.version!r}: not a valid version") from None
    try:
        spec = SpecifierSet(manifest.requires_core)
    except InvalidSpecifier:
        raise ManifestError(f"requires_core {manifest.requires_core!r}: not a version range") from None
    if Version(core_version) not in spec:
        raise ManifestError(
            f"requires_core {manifest.requires_core!r}: core {core_version} is outside the range"
        )
    for name in ("settings", "office_settings"):
        kind = getattr(manifest, name)
        if kind is None:
            continue
        if not (isinstance(kind, type) and issubclass(kind, msgspec.Struct)):
            raise ManifestError(f"{name}: must be a msgspec.Struct class")
        try:
            kind()
        except TypeError as exc:
            raise ManifestError(f"{name}: every field needs a default ({exc})") from None
    for perm in manifest.permissions:
        if not perm.name.startswith(f"{manifest.id}."):
            raise ManifestError(f"permissions: {perm.name!r} must start with the plugin id '{manifest.id}.'")
    return manifest


def default_settings(manifest: Manifest, which: str = "settings") -> dict[str, Any]:
    kind = getattr(manifest, which)
    if kind is None:
        return {}
    return msgspec.to_builtins(kind())


def validate_settings(manifest: Manifest, values: dict[str, Any], which: str = "settings") -> dict[str, Any]:
    """Merge ``values`` over the defaults and type-check them; raise ManifestError naming the key.
    ``which`` is ``settings`` (a community's) or ``office_settings`` (a street office's)."""
    kind = getattr(manifest, which)
    if kind is None:
        if values:
            raise ManifestError(f"{which}: plugin {manifest.id} takes no {which.replace('_', ' ')}")
        return {}
    merged = {**default_settings(manifest, which), **values}
    try:
        typed = msgspec.convert(merged, kind, strict=False)
    except msgspec.ValidationError as exc:
        raise ManifestError(f"{which}: {exc}") from None
    unknown = set(values) - set(kind.__struct_fields__)
    if unknown:
        raise ManifestError(f"{which}: unknown key(s) {', '.join(sorted(unknown))}")
    return msgspec.to_builtins(typed)
