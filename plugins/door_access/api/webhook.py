"""The device webhook: pushes signed by the device's secret (HMAC), never by a user."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, post
from litestar.params import FromPath

from core.api import InvalidInput, write_transaction
from plugins.door_access import events
from plugins.door_access.adapters import DeviceRef, adapter_for
from plugins.door_access.sealing import unseal_text
from plugins.door_access.settings import settings
from plugins.door_access.signing import HEADER_NONCE, check, lower_headers
from plugins.door_access.tables import Device

MAX_PUSH_BYTES = 256 * 1024


class WebhookController(Controller):
    path = "/"

    @post("/devices/{device_id:int}/events", opt={"public": True, "transaction": False}, status_code=200)
    async def device_events(self, request: Request, device_id: FromPath[int]) -> Response[dict[str, Any]]:
        body = await request.body()
        if len(body) > MAX_PUSH_BYTES:
            return Response({"detail": "push too large", "field": "body"}, status_code=413)
        headers = lower_headers(request.headers)
        remote = request.client.host if request.client else ""
        skew = settings().webhook_skew_seconds
        reason = None
        async with write_transaction():
            device = (
                await Device.select(
                    Device.id,
                    Device.access_point,
                    Device.secret_enc,
                    Device.protocol,
                    Device.address,
                    Device.online,
                    Device.last_seen_at,
                )
                .where(Device.id == device_id)
                .first()
                .run()
            )
            if device is None:
                reason = "unknown_device"
            else:
                secret = unseal_text("device-secret", device["secret_enc"])
                reason = check(secret, headers, "POST", request.url.path, body, skew_seconds=skew)
                if reason is None and not await events.claim_nonce(device_id, headers[HEADER_NONCE]):
                    reason = "replayed"
            if reason is not None:
                await events.refuse(device_id if device else None, reason, remote)
            else:
                assert device is not None
                ref = DeviceRef(
                    id=device_id, address=device["address"], secret=secret, protocol=device["protocol"]
                )
                try:
                    parsed = adapter_for(device["protocol"]).parse_events(ref, body)
                except (ValueError, TypeError) as exc:
                    raise InvalidInput(str(exc)[:200], field="events") from None
                result = await events.ingest(device, parsed)
        if reason is not None:
            return Response({"detail": "device signature refused", "reason": reason}, status_code=401)
        return Response(result, status_code=200)
