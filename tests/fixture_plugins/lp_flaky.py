"""A plugin whose event handler always raises: delivery must go on to the others."""

from __future__ import annotations

from core.api import Event, Manifest, Tenant, hookimpl

manifest = Manifest(id="flaky", name_zh="总出错", name_en="Flaky", version="0.1.0")

CALLS: list[str] = []


@hookimpl
def handle_event(tenant: Tenant, event: Event) -> None:
    CALLS.append(event.id)
    raise RuntimeError("flaky handler failed on purpose")
