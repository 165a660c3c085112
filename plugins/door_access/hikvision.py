"""An adapter in the shapes of Hikvision ISAPI access control (users, cards, faces, event push).

Registered like any vendor's adapter, through the ``linli.door_access.adapters`` entry point (see
pyproject.toml), so it shows how a vendor package plugs in. Shapes follow the public ISAPI
access-control documents (JSON with ``?format=json``; HTTP Digest authentication as ``admin``
with the device's secret as password):

* ``POST /ISAPI/AccessControl/UserInfo/SetUp``        a person or visitor (``employeeNo`` = holder)
* ``PUT  /ISAPI/AccessControl/UserInfo/Delete``       remove them (their cards and faces go too)
* ``PUT  /ISAPI/AccessControl/CardInfo/Delete`` + ``POST …/CardInfo/SetUp``   their cards
* ``POST /ISAPI/Intelligent/FDLib/FaceDataRecord``    enrol a face (multipart: record + image)
* ``PUT  /ISAPI/Intelligent/FDLib/FDSearch/Delete``   remove a face
* ``POST /ISAPI/AccessControl/UserInfo/Search``       what the device holds (paged)
* ``PUT  /ISAPI/AccessControl/RemoteControl/door/1``  door mode (alwaysClose / alwaysOpen / resume)

Limits, by the protocol: ISAPI devices verify PINs in clear and read their own QR formats, while
Linli only holds salted hashes of PINs and QR tokens, so those credentials are not sent (cards
and faces are). Events arrive as ``AccessControllerEvent`` JSON; the device's HTTP host push has
no HMAC, so a relay beside the device signs each push for Linli's webhook (the simulator does).
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from plugins.door_access.adapters import Command, DeviceError, DeviceEvent, DeviceRef, adapter_impl

TIMEOUT = httpx.Timeout(5.0, connect=2.0)
USER = "admin"
FACE_LIB = {"faceLibType": "blackFD", "FDID": "1"}
FAR_FUTURE = "2037-12-31T23:59:59"

# (majorEventType, subEventType) -> (type, result, reason, credential)
EVENTS: dict[tuple[int, int], tuple[str, str, str, str]] = {
    (5, 1): ("access", "granted", "", "card"),
    (5, 75): ("access", "granted", "", "face"),
    (5, 6): ("access", "refused", "no_permission", "card"),
    (5, 7): ("access", "refused", "outside_schedule", "card"),
    (5, 8): ("access", "refused", "expired", "card"),
    (5, 9): ("access", "refused", "unknown_credential", "card"),
    (5, 76): ("access", "refused", "unknown_credential", "face"),
    (5, 22): ("closed", "", "", ""),
    (5, 27): ("forced", "", "", ""),
    (5, 28): ("open_too_long", "", "", ""),
    (5, 2): ("heartbeat", "", "", ""),
}
# The reverse, for the simulator's pushes.
SUB_EVENT = {(t, r, reason, c): key for key, (t, r, reason, c) in EVENTS.items()}


def isapi_time(value: str | None, end: bool) -> str:
    if not value:
        return FAR_FUTURE if end else "2000-01-01T00:00:00"
    if len(value) == 10:
        return f"{value}T23:59:59" if end else f"{value}T00:00:00"
    return value[:19]


def user_info(holder: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "UserInfo": {
            "employeeNo": holder,
            "name": payload.get("name", "")[:32],
            "userType": "visitor" if payload.get("kind") == "visitor" else "normal",
            "Valid": {
                "enable": True,
                "beginTime": isapi_time(payload.get("valid_from"), False),
                "endTime": isapi_time(payload.get("valid_until"), True),
                "timeType": "local",
            },
            "doorRight": "1",
            "RightPlan": [{"doorNo": 1, "planTemplateNo": "1"}],
            "maxOpenDoorTime": int(payload.get("max_uses") or 0),
            "openDelayEnabled": int(payload.get("open_seconds", 5)) > 5,
            "PersonInfoExtends": [{"id": 1, "value": payload.get("digest", "")}],
        }
    }


class HikvisionIsapiAdapter:
    name = "hikvision_isapi"

    async def _call(
        self, device: DeviceRef, method: str, path: str, *, body: Any = None, files: Any = None
    ) -> dict[str, Any]:
        url = device.address.rstrip("/") + path + ("&" if "?" in path else "?") + "format=json"
        try:
            async with httpx.AsyncClient(
                timeout=TIMEOUT, auth=httpx.DigestAuth(USER, device.secret)
            ) as client:
                if files is not None:
                    response = await client.request(method, url, files=files)
                else:
                    response = await client.request(method, url, json=body)
        except httpx.HTTPError as exc:
            raise DeviceError(f"unreachable: {type(exc).__name__}", offline=True) from None
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        if response.status_code == 401:
            raise DeviceError("device refused our credentials (digest)")
        if not response.is_success or answer.get("statusCode", 1) != 1:
            raise DeviceError(
                f"device answered {response.status_code}: "
                f"{answer.get('subStatusCode') or answer.get('statusString') or response.text[:100]}"
            )
        return dict(answer)

    async def apply(self, device: DeviceRef, command: Command) -> None:
        holder = command.holder
        if holder == "door":
            mode = command.payload.get("mode") if command.op == "upsert" else "normal"
            cmd = {"disabled": "alwaysClose", "held_open": "alwaysOpen"}.get(str(mode), "resume")
            await self._call(
                device,
                "PUT",
                "/ISAPI/AccessControl/RemoteControl/door/1",
                body={"RemoteControlDoor": {"cmd": cmd}},
            )
            return
        if command.op == "delete":
            await self._call(
                device,
                "PUT",
                "/ISAPI/AccessControl/UserInfo/Delete",
                body={"UserInfoDelCond": {"EmployeeNoList": [{"employeeNo": holder}]}},
            )
            return
        payload = {**command.payload, "digest": command.digest}
        await self._call(
            device, "POST", "/ISAPI/AccessControl/UserInfo/SetUp", body=user_info(holder, payload)
        )
        await self._call(
            device,
            "PUT",
            "/ISAPI/AccessControl/CardInfo/Delete",
            body={"CardInfoDelCond": {"EmployeeNoList": [{"employeeNo": holder}]}},
        )
        face = None
        for cred in payload.get("credentials", []):
            if cred.get("kind") == "card":
                await self._call(
                    device,
                    "POST",
                    "/ISAPI/AccessControl/CardInfo/SetUp",
                    body={
                        "CardInfo": {"employeeNo": holder, "cardNo": cred["number"], "cardType": "normalCard"}
                    },
                )
            elif cred.get("kind") == "face":
                face = cred
        if face is None:
            await self._call(
                device,
                "PUT",
                "/ISAPI/Intelligent/FDLib/FDSearch/Delete?FDID=1&faceLibType=blackFD",
                body={"FPID": [{"value": holder}]},
            )
        elif face.get("image_b64"):
            import base64

            record = json.dumps({**FACE_LIB, "FPID": holder, "name": payload.get("name", "")[:32]})
            await self._call(
                device,
                "POST",
                "/ISAPI/Intelligent/FDLib/FaceDataRecord",
                files={
                    "FaceDataRecord": (None, record, "application/json"),
                    "img": ("face.jpg", base64.b64decode(face["image_b64"]), "image/jpeg"),
                },
            )

    async def holdings(self, device: DeviceRef) -> dict[str, str]:
        held: dict[str, str] = {}
        position = 0
        while True:
            answer = await self._call(
                device,
                "POST",
                "/ISAPI/AccessControl/UserInfo/Search",
                body={
                    "UserInfoSearchCond": {
                        "searchID": "linli",
                        "searchResultPosition": position,
                        "maxResults": 30,
                    }
                },
            )
            page = answer.get("UserInfoSearch", {})
            users = page.get("UserInfo", []) or []
            for user in users:
                extends = user.get("PersonInfoExtends") or [{}]
                held[str(user.get("employeeNo"))] = str(extends[0].get("value", ""))
            position += len(users)
            if page.get("responseStatusStrg") != "MORE" or not users:
                return held

    def parse_events(self, device: DeviceRef, body: bytes) -> list[DeviceEvent]:
        data = json.loads(body)
        items = data.get("events", [data]) if isinstance(data, dict) else data
        out = []
        for item in items:
            ace = item.get("AccessControllerEvent")
            if not isinstance(ace, dict) or not item.get("dateTime"):
                raise ValueError("every event needs dateTime and AccessControllerEvent")
            key = (int(ace.get("majorEventType", 0)), int(ace.get("subEventType", 0)))
            kind, result, reason, credential = EVENTS.get(key, ("heartbeat", "", "", ""))
            out.append(
                DeviceEvent(
                    uid=str(ace.get("serialNo", "")) or f"{item['dateTime']}-{key}",
                    at=str(item["dateTime"]),
                    type=kind,
                    holder=str(ace.get("employeeNoString", ""))[:20],
                    credential=credential,
                    direction="in",
                    result=result,
                    reason=reason,
                )
            )
        return out


@adapter_impl
def door_adapters() -> list[HikvisionIsapiAdapter]:
    return [HikvisionIsapiAdapter()]
