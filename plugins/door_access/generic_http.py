"""The generic HTTP/JSON adapter: the protocol documented for device integrators.

Linli calls the controller (every request signed, see ``signing``)::

    PUT    {address}/linli/v1/holders/{holder}   body: the holder's payload + "command_id", "digest"
    DELETE {address}/linli/v1/holders/{holder}   header X-Linli-Command: the command id
    GET    {address}/linli/v1/holders            -> {"holders": {"p12": "<digest>", ...}}

2xx means done (a DELETE of an unknown holder answers 404, which is done too); anything else,
or no answer within 5 seconds, is a failure that is retried later.
"""

from __future__ import annotations

import json

import httpx

from plugins.door_access.adapters import (
    Command,
    DeviceError,
    DeviceEvent,
    DeviceRef,
    adapter_impl,
    parse_generic_events,
)
from plugins.door_access.signing import sign

TIMEOUT = httpx.Timeout(5.0, connect=2.0)


class GenericHttpAdapter:
    name = "generic_http"

    async def _request(
        self,
        device: DeviceRef,
        method: str,
        path: str,
        body: bytes = b"",
        extra: dict[str, str] | None = None,
    ) -> httpx.Response:
        url = device.address.rstrip("/") + path
        headers = {
            "Content-Type": "application/json",
            **sign(device.secret, method, path, body),
            **(extra or {}),
        }
        try:
            async with httpx.AsyncClient(timeout=TIMEOUT) as client:
                return await client.request(method, url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise DeviceError(f"unreachable: {type(exc).__name__}", offline=True) from None

    async def apply(self, device: DeviceRef, command: Command) -> None:
        path = f"/linli/v1/holders/{command.holder}"
        if command.op == "delete":
            response = await self._request(device, "DELETE", path, extra={"X-Linli-Command": command.uid})
            if response.status_code == 404 or response.is_success:
                return
        else:
            body = json.dumps(
                {**command.payload, "command_id": command.uid, "digest": command.digest}, ensure_ascii=False
            ).encode()
            response = await self._request(device, "PUT", path, body)
            if response.is_success:
                return
        raise DeviceError(f"device answered {response.status_code}: {response.text[:200]}")

    async def holdings(self, device: DeviceRef) -> dict[str, str]:
        response = await self._request(device, "GET", "/linli/v1/holders")
        if not response.is_success:
            raise DeviceError(f"device answered {response.status_code}")
        holders = response.json().get("holders", {})
        return {str(k): str(v) for k, v in holders.items()}

    def parse_events(self, device: DeviceRef, body: bytes) -> list[DeviceEvent]:
        return parse_generic_events(body)


@adapter_impl
def door_adapters() -> list[GenericHttpAdapter]:
    return [GenericHttpAdapter()]
