"""Vendors are plugins of this plugin: a pluggy hook that returns door adapters.

A vendor package declares an entry point in the group ``linli.door_access.adapters`` naming a
module with::

    from plugins.door_access.adapters import adapter_impl

    @adapter_impl
    def door_adapters():
        return [MyVendorAdapter()]

Each adapter is named by ``Device.protocol``. The generic HTTP/JSON adapter ships with the
plugin (docs/plugins/door_access.md, "For device integrators").
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol

import pluggy

PROJECT = "linli_door_access"
ENTRY_POINT_GROUP = "linli.door_access.adapters"
adapter_spec = pluggy.HookspecMarker(PROJECT)
adapter_impl = pluggy.HookimplMarker(PROJECT)


class DeviceError(Exception):
    """The device did not take the command (unreachable, refused, timed out)."""

    def __init__(self, message: str, *, offline: bool = False):
        super().__init__(message)
        self.offline = offline


@dataclass(frozen=True)
class DeviceRef:
    """What an adapter knows of a device: where it is and the secret both sides sign with."""

    id: int
    address: str
    secret: str
    protocol: str


@dataclass(frozen=True)
class Command:
    """Upsert or delete one holder (a person ``p12`` or a visitor pass ``v5``) on a device."""

    uid: str
    holder: str
    op: str  # upsert / delete
    payload: dict[str, Any] = field(default_factory=dict)
    digest: str = ""  # of the payload as planned; the device stores it and reports it back


@dataclass(frozen=True)
class DeviceEvent:
    """One event as a device reported it, in the plugin's words."""

    uid: str
    at: str  # ISO 8601
    type: str  # access / open_too_long / forced / closed / heartbeat
    holder: str = ""
    credential: str = ""
    direction: str = "in"
    result: str = ""
    reason: str = ""


class DoorAdapter(Protocol):
    name: str

    async def apply(self, device: DeviceRef, command: Command) -> None:
        """Carry out the command; idempotent by ``command.uid``. Raise DeviceError when it fails."""

    async def holdings(self, device: DeviceRef) -> dict[str, str]:
        """What the device holds: holder -> digest of the payload it was given."""

    def parse_events(self, device: DeviceRef, body: bytes) -> list[DeviceEvent]:
        """The events in a (signature-checked) push body; ValueError when it is malformed."""


class AdapterSpec:
    @adapter_spec
    def door_adapters(self) -> list[DoorAdapter]:  # type: ignore[empty-body]
        """Return the door adapters this package provides."""


@cache
def _manager() -> pluggy.PluginManager:
    from plugins.door_access import generic_http

    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(AdapterSpec)
    pm.register(generic_http)
    pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    return pm


def adapters() -> dict[str, DoorAdapter]:
    found: dict[str, DoorAdapter] = {}
    for batch in _manager().hook.door_adapters():
        for adapter in batch:
            found.setdefault(adapter.name, adapter)
    return found


def adapter_for(protocol: str) -> DoorAdapter:
    adapter = adapters().get(protocol)
    if adapter is None:
        raise DeviceError(f"no adapter for protocol {protocol!r}")
    return adapter


def parse_generic_events(body: bytes) -> list[DeviceEvent]:
    """The generic push body: ``{"events": [{"id", "at", "type", ...}, ...]}``."""
    data = json.loads(body)
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise ValueError('body must be {"events": [...]}')
    out = []
    for raw in data["events"]:
        if not isinstance(raw, dict) or not raw.get("id") or not raw.get("at"):
            raise ValueError("every event needs id and at")
        out.append(
            DeviceEvent(
                uid=str(raw["id"])[:64],
                at=str(raw["at"]),
                type=str(raw.get("type", "access")),
                holder=str(raw.get("holder", ""))[:20],
                credential=str(raw.get("credential", ""))[:10],
                direction=str(raw.get("direction", "in"))[:5],
                result=str(raw.get("result", ""))[:10],
                reason=str(raw.get("reason", ""))[:30],
            )
        )
    return out
