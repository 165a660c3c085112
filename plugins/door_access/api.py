"""HTTP routes, mounted at /api/v1/c/{community}/door_access/…

Staff routes need ``door_access.view`` or ``door_access.manage``; residents' own routes (under
``/me``) need ``door_access.self`` and a login linked to their person; the device webhook is
authenticated by the device's HMAC signature instead of a user.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody

from core.api import InvalidInput, NotFound, current_tenant, person_of_user, requires, write_transaction
from plugins.door_access import alerts, credentials, doors, events, grants, passes, sync, why
from plugins.door_access.adapters import DeviceRef, adapter_for
from plugins.door_access.holders import person_holder
from plugins.door_access.people import person_or_none
from plugins.door_access.sealing import unseal_text
from plugins.door_access.signing import HEADER_NONCE, check, lower_headers
from plugins.door_access.tables import Device

VIEW, MANAGE, SELF = "door_access.view", "door_access.manage", "door_access.self"
MAX_PUSH_BYTES = 256 * 1024


def actor(request: Request) -> int | None:
    user = request.scope.get("user")
    return getattr(user, "user_id", None)


class Body(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    pass


class PointIn(Body):
    name: str
    kind: str = "building"
    building_id: int | None = None
    mode: str = "normal"
    held_open_hours: str = ""


class PointPatch(Body):
    mode: str | None = None
    held_open_hours: str | None = None


class DeviceIn(Body):
    access_point_id: int
    name: str
    address: str
    protocol: str = "generic_http"
    vendor: str = ""
    model: str = ""
    firmware: str = ""
    secret: str | None = None


class GroupIn(Body):
    name: str
    hours: str = ""
    access_point_ids: list[int] = msgspec.field(default_factory=list)


class GrantIn(Body):
    person_id: int
    group_id: int
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    note: str = ""


class RevokeIn(Body):
    reason: str = ""


class CredentialIn(Body):
    kind: str
    card_number: str = ""
    pin: str = ""
    face_image_b64: str = ""
    face_consent: bool = False
    consent_text: str = ""


class FaceIn(Body):
    face_image_b64: str
    face_consent: bool = False
    consent_text: str = ""


class PassIn(Body):
    visitor_name: str
    valid_until: dt.datetime
    access_point_ids: list[int]
    valid_from: dt.datetime | None = None
    max_uses: int = 1
    visitor_phone: str = ""


class StaffPassIn(PassIn, kw_only=True):
    host_person_id: int


class GateRequestIn(Body):
    host_person_id: int
    visitor_name: str
    access_point_id: int


class DoorsController(Controller):
    path = "/"

    # -- access points and devices ---------------------------------------------------------

    @get("/points", guards=[requires(VIEW)])
    async def list_points(self) -> list[dict[str, Any]]:
        return await doors.list_points()

    @post("/points", guards=[requires(MANAGE)])
    async def create_point(self, data: JSONBody[PointIn]) -> dict[str, Any]:
        return await doors.create_point(
            name=data.name,
            kind=data.kind,
            building_id=data.building_id,
            mode=data.mode,
            held_open_hours=data.held_open_hours,
        )

    @patch("/points/{point_id:int}", guards=[requires(MANAGE)])
    async def update_point(self, point_id: FromPath[int], data: JSONBody[PointPatch]) -> dict[str, Any]:
        return await doors.update_point(point_id, mode=data.mode, held_open_hours=data.held_open_hours)

    @delete("/points/{point_id:int}", guards=[requires(MANAGE)], status_code=200)
    async def delete_point(self, point_id: FromPath[int]) -> dict[str, Any]:
        return await doors.delete_point(point_id)

    @get("/devices", guards=[requires(VIEW)])
    async def list_devices(self) -> list[dict[str, Any]]:
        counts = await sync.device_counts()
        rows = await Device.select(*Device.all_columns(exclude=[Device.secret_enc])).order_by(Device.id).run()
        empty = {"queued": 0, "sent": 0, "ok": 0, "failed": 0}
        return [{**r, "commands": counts.get(r["id"], empty)} for r in rows]

    @post("/devices", guards=[requires(MANAGE)])
    async def create_device(self, data: JSONBody[DeviceIn]) -> dict[str, Any]:
        return await doors.create_device(
            access_point_id=data.access_point_id,
            name=data.name,
            address=data.address,
            protocol=data.protocol,
            vendor=data.vendor,
            model=data.model,
            firmware=data.firmware,
            secret=data.secret,
        )

    @get("/devices/{device_id:int}", guards=[requires(VIEW)])
    async def get_device(self, device_id: FromPath[int]) -> dict[str, Any]:
        device = await doors.get_device(device_id)
        return {**device, "commands": (await sync.device_counts()).get(device_id, {})}

    @delete("/devices/{device_id:int}", guards=[requires(MANAGE)], status_code=200)
    async def delete_device(self, device_id: FromPath[int]) -> dict[str, Any]:
        return await doors.delete_device(device_id)

    @post("/devices/{device_id:int}/retry", guards=[requires(MANAGE)], status_code=200)
    async def retry_device(self, device_id: FromPath[int]) -> dict[str, Any]:
        await doors.get_device(device_id)
        return {"device_id": device_id, "retrying": await sync.retry_device(device_id)}

    @post("/devices/{device_id:int}/reconcile", guards=[requires(MANAGE)], status_code=200)
    async def reconcile_device(self, device_id: FromPath[int]) -> dict[str, Any]:
        await doors.get_device(device_id)
        return await sync.reconcile(device_id)

    # -- groups and grants ------------------------------------------------------------------

    @get("/groups", guards=[requires(VIEW)])
    async def list_groups(self) -> list[dict[str, Any]]:
        return await grants.list_groups()

    @post("/groups", guards=[requires(MANAGE)])
    async def create_group(self, data: JSONBody[GroupIn]) -> dict[str, Any]:
        return await grants.create_group(
            name=data.name, hours=data.hours, access_point_ids=data.access_point_ids
        )

    @post("/grants", guards=[requires(MANAGE)])
    async def create_grant(self, request: Request, data: JSONBody[GrantIn]) -> dict[str, Any]:
        return await grants.create_manual_grant(
            person_id=data.person_id,
            group_id=data.group_id,
            valid_from=data.valid_from or dt.date.today(),
            valid_until=data.valid_until,
            note=data.note,
            actor_id=actor(request),
        )

    @post("/grants/{grant_id:int}/revoke", guards=[requires(MANAGE)], status_code=200)
    async def revoke_grant(self, grant_id: FromPath[int], data: JSONBody[RevokeIn]) -> dict[str, Any]:
        return await grants.revoke_grant(grant_id, data.reason)

    # -- a person's access: grants, credentials, sync -------------------------------------

    @get("/persons/{person_id:int}/access", guards=[requires(VIEW)])
    async def person_access(self, person_id: FromPath[int]) -> dict[str, Any]:
        return await access_of(person_id)

    @post("/persons/{person_id:int}/credentials", guards=[requires(MANAGE)])
    async def issue_credential(
        self, request: Request, person_id: FromPath[int], data: JSONBody[CredentialIn]
    ) -> dict[str, Any]:
        return await credentials.issue(
            person_id,
            kind=data.kind,
            card_number=data.card_number,
            pin=data.pin,
            face_image_b64=data.face_image_b64,
            face_consent=data.face_consent,
            consent_text=data.consent_text,
            actor_id=actor(request),
        )

    @post("/credentials/{credential_id:int}/revoke", guards=[requires(MANAGE)], status_code=200)
    async def revoke_credential(self, credential_id: FromPath[int]) -> dict[str, Any]:
        return await credentials.revoke(credential_id)

    @post("/persons/{person_id:int}/face/withdraw", guards=[requires(MANAGE)], status_code=200)
    async def withdraw_face(self, person_id: FromPath[int]) -> dict[str, Any]:
        return await credentials.withdraw_face_consent(person_id)

    # -- visitor passes (staff) -------------------------------------------------------------

    @get("/passes", guards=[requires(VIEW)])
    async def list_passes(self) -> list[dict[str, Any]]:
        return await passes.list_passes()

    @post("/passes", guards=[requires(MANAGE)])
    async def issue_pass(self, request: Request, data: JSONBody[StaffPassIn]) -> dict[str, Any]:
        return await passes.issue(
            host_person_id=data.host_person_id,
            visitor_name=data.visitor_name,
            visitor_phone=data.visitor_phone,
            valid_from=data.valid_from,
            valid_until=data.valid_until,
            access_point_ids=data.access_point_ids,
            max_uses=data.max_uses,
            actor_id=actor(request),
        )

    @post("/passes/{pass_id:int}/revoke", guards=[requires(MANAGE)], status_code=200)
    async def revoke_pass(self, pass_id: FromPath[int]) -> dict[str, Any]:
        return await passes.revoke(pass_id)

    @post("/gate-requests", guards=[requires(MANAGE)])
    async def gate_request(self, request: Request, data: JSONBody[GateRequestIn]) -> dict[str, Any]:
        return await passes.request_at_gate(
            host_person_id=data.host_person_id,
            visitor_name=data.visitor_name,
            access_point_id=data.access_point_id,
            actor_id=actor(request),
        )

    # -- log, why, alerts ---------------------------------------------------------------------

    @get("/log", guards=[requires(VIEW)])
    async def access_log(
        self,
        person_id: FromQuery[int | None] = None,
        access_point_id: FromQuery[int | None] = None,
        result: FromQuery[str | None] = None,
        limit: FromQuery[int] = 100,
    ) -> list[dict[str, Any]]:
        return await events.search(
            person_id=person_id, access_point_id=access_point_id, result=result, limit=limit
        )

    @get("/why", guards=[requires(VIEW)])
    async def why_not(self, person_id: FromQuery[int], access_point_id: FromQuery[int]) -> dict[str, Any]:
        return await why.explain(person_id, access_point_id)

    @get("/alerts", guards=[requires(VIEW)])
    async def open_alerts(self) -> list[dict[str, Any]]:
        return await alerts.open_alerts()

    @get("/webhook-refusals", guards=[requires(VIEW)])
    async def webhook_refusals(self) -> list[dict[str, Any]]:
        return await events.refusals()

    # -- the device webhook -----------------------------------------------------------------

    @post("/devices/{device_id:int}/events", opt={"public": True, "transaction": False}, status_code=200)
    async def device_events(self, request: Request, device_id: FromPath[int]) -> Response[dict[str, Any]]:
        body = await request.body()
        if len(body) > MAX_PUSH_BYTES:
            return Response({"detail": "push too large", "field": "body"}, status_code=413)
        headers = lower_headers(request.headers)
        remote = request.client.host if request.client else ""
        skew = int(current_tenant().settings_for("door_access").get("webhook_skew_seconds", 300))
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

    # -- residents: their own access ---------------------------------------------------------

    @get("/me", guards=[requires(SELF)])
    async def my_access(self, request: Request) -> dict[str, Any]:
        person_id = await my_person(request)
        return {**(await access_of(person_id)), "passes": await passes.list_passes(person_id)}

    @post("/me/passes", guards=[requires(SELF)])
    async def my_new_pass(self, request: Request, data: JSONBody[PassIn]) -> dict[str, Any]:
        person_id = await my_person(request)
        return await passes.issue(
            host_person_id=person_id,
            visitor_name=data.visitor_name,
            visitor_phone=data.visitor_phone,
            valid_from=data.valid_from,
            valid_until=data.valid_until,
            access_point_ids=data.access_point_ids,
            max_uses=data.max_uses,
            actor_id=actor(request),
        )

    @post("/me/passes/{pass_id:int}/revoke", guards=[requires(SELF)], status_code=200)
    async def my_revoke_pass(self, request: Request, pass_id: FromPath[int]) -> dict[str, Any]:
        return await passes.revoke(pass_id, await my_person(request))

    @post("/me/passes/{pass_id:int}/approve", guards=[requires(SELF)], status_code=200)
    async def my_approve(self, request: Request, pass_id: FromPath[int]) -> dict[str, Any]:
        return await passes.decide(pass_id, approve=True, host_person_id=await my_person(request))

    @post("/me/passes/{pass_id:int}/decline", guards=[requires(SELF)], status_code=200)
    async def my_decline(self, request: Request, pass_id: FromPath[int]) -> dict[str, Any]:
        return await passes.decide(pass_id, approve=False, host_person_id=await my_person(request))

    @post("/me/face", guards=[requires(SELF)])
    async def my_face(self, request: Request, data: JSONBody[FaceIn]) -> dict[str, Any]:
        person_id = await my_person(request)
        return await credentials.issue(
            person_id,
            kind="face",
            face_image_b64=data.face_image_b64,
            face_consent=data.face_consent,
            consent_text=data.consent_text,
            actor_id=actor(request),
        )

    @post("/me/face/withdraw", guards=[requires(SELF)], status_code=200)
    async def my_face_withdraw(self, request: Request) -> dict[str, Any]:
        return await credentials.withdraw_face_consent(await my_person(request))


async def my_person(request: Request) -> int:
    """The person the caller's login is (the register's resident account), or 404."""
    person_id = await person_of_user(actor(request) or 0)
    if person_id is None:
        raise NotFound("your login is not linked to a resident; ask the community office")
    return person_id


async def access_of(person_id: int) -> dict[str, Any]:
    if await person_or_none(person_id) is None:
        raise NotFound("no such person")
    return {
        "person_id": person_id,
        "grants": await grants.grants_of(person_id),
        "credentials": await credentials.list_for(person_id),
        "sync": await sync.holder_state(person_holder(person_id)),
    }
