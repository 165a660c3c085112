"""The door simulator speaking ISAPI shapes (Digest auth, UserInfo/CardInfo/FDLib, AccessControllerEvent).

It stores what it is given in the same holder model as the generic simulator, so a door decides
the same way whichever protocol enrolled the holder. Its pushes are what an ISAPI device's HTTP
host notification carries, signed for Linli's webhook as the relay beside a real device would.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from email.parser import BytesParser
from email.policy import default as email_policy
from typing import Any
from urllib.parse import parse_qs

from devtools.door_sim.simulator import DoorSimulator
from plugins.door_access.hikvision import EVENTS, USER
from plugins.door_access.signing import sign

REALM = "DS-K1T-Sim"
OK = {"statusCode": 1, "statusString": "OK", "subStatusCode": "ok"}


def _md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


class IsapiDoorSimulator(DoorSimulator):
    def __init__(self, secret: str, **options: Any):
        super().__init__(secret, model="DS-K1T-Sim", **options)
        self.digest_nonce = secrets.token_hex(16)
        self.serial = 0

    def _digest_ok(self, method: str, uri: str, header: str) -> bool:
        if not header.lower().startswith("digest "):
            return False
        params: dict[str, str] = {}
        for part in header[7:].split(","):
            key, _, value = part.strip().partition("=")
            params[key] = value.strip('"')
        if (
            params.get("username") != USER
            or params.get("nonce") != self.digest_nonce
            or params.get("uri") != uri
        ):
            return False
        ha1 = _md5(f"{USER}:{REALM}:{self.secret}")
        ha2 = _md5(f"{method}:{uri}")
        expected = _md5(
            f"{ha1}:{params.get('nonce')}:{params.get('nc')}:{params.get('cnonce')}:{params.get('qop')}:{ha2}"
        )
        return secrets.compare_digest(expected, params.get("response", ""))

    def respond(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        if path.startswith("/sim/"):
            return (*self._control(method, path, body), {})
        with self.lock:
            if self.offline:
                return 503, {"statusCode": 0, "statusString": "offline"}, {}
            uri = path + (f"?{query}" if query else "")
            if not self._digest_ok(method, uri, headers.get("authorization", "")):
                challenge = f'Digest realm="{REALM}", qop="auth", nonce="{self.digest_nonce}", algorithm=MD5'
                return 401, {"statusCode": 4, "statusString": "Unauthorized"}, {"WWW-Authenticate": challenge}
            self.requests += 1
            if not path.endswith("/Search") and self.fail_rate and self.rng.random() < self.fail_rate:
                self.failed += 1
                return 503, {"statusCode": 0, "statusString": "simulated failure"}, {}
            return (*self._isapi(path, parse_qs(query), headers, body), {})

    def _isapi(
        self, path: str, query: dict[str, list[str]], headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, Any]]:
        if path == "/ISAPI/Intelligent/FDLib/FaceDataRecord":
            record, image = self._face_parts(headers.get("content-type", ""), body)
            self.faces[str(record["FPID"])] = hashlib.sha256(image).hexdigest()
            return 200, OK
        data = json.loads(body or b"{}")
        if path == "/ISAPI/AccessControl/UserInfo/SetUp":
            u = data["UserInfo"]
            holder = str(u["employeeNo"])
            kept = [c for c in self.holders.get(holder, {}).get("credentials", []) if c.get("kind") == "card"]
            self.holders[holder] = {
                "holder": holder,
                "kind": "visitor" if u.get("userType") == "visitor" else "resident",
                "name": u.get("name", ""),
                "valid_from": u["Valid"]["beginTime"],
                "valid_until": u["Valid"]["endTime"],
                "hours": [],
                "max_uses": u.get("maxOpenDoorTime") or None,
                "credentials": kept,
                "open_seconds": 15 if u.get("openDelayEnabled") else 5,
                "digest": (u.get("PersonInfoExtends") or [{}])[0].get("value", ""),
            }
            return 200, OK
        if path == "/ISAPI/AccessControl/UserInfo/Delete":
            for item in data["UserInfoDelCond"]["EmployeeNoList"]:
                self.holders.pop(str(item["employeeNo"]), None)
                self.faces.pop(str(item["employeeNo"]), None)
            return 200, OK
        if path == "/ISAPI/AccessControl/CardInfo/Delete":
            for item in data["CardInfoDelCond"]["EmployeeNoList"]:
                held = self.holders.get(str(item["employeeNo"]))
                if held is not None:
                    held["credentials"] = [c for c in held["credentials"] if c.get("kind") != "card"]
            return 200, OK
        if path == "/ISAPI/AccessControl/CardInfo/SetUp":
            card = data["CardInfo"]
            owner = self.holders.get(str(card["employeeNo"]))
            if owner is None:
                return 400, {
                    "statusCode": 6,
                    "statusString": "Invalid Content",
                    "subStatusCode": "employeeNoNotExist",
                }
            owner["credentials"].append({"kind": "card", "number": card["cardNo"]})
            return 200, OK
        if path == "/ISAPI/Intelligent/FDLib/FDSearch/Delete":
            for item in data.get("FPID", []):
                self.faces.pop(str(item["value"]), None)
            return 200, OK
        if path == "/ISAPI/AccessControl/UserInfo/Search":
            cond = data["UserInfoSearchCond"]
            people = sorted(h for h in self.holders if h != "door")
            start, size = int(cond.get("searchResultPosition", 0)), int(cond.get("maxResults", 30))
            page = people[start : start + size]
            return 200, {
                "UserInfoSearch": {
                    "searchID": cond.get("searchID", ""),
                    "numOfMatches": len(page),
                    "totalMatches": len(people),
                    "responseStatusStrg": "MORE" if start + size < len(people) else "OK",
                    "UserInfo": [
                        {
                            "employeeNo": h,
                            "name": self.holders[h].get("name", ""),
                            "PersonInfoExtends": [{"id": 1, "value": self.holders[h].get("digest", "")}],
                        }
                        for h in page
                    ],
                }
            }
        if path == "/ISAPI/AccessControl/RemoteControl/door/1":
            cmd = data["RemoteControlDoor"]["cmd"]
            if cmd == "resume":
                self.holders.pop("door", None)
            else:
                self.holders["door"] = {
                    "kind": "door",
                    "mode": "disabled" if cmd == "alwaysClose" else "held_open",
                    "credentials": [],
                }
            return 200, OK
        return 404, {"statusCode": 4, "statusString": "Invalid Operation", "subStatusCode": "notSupport"}

    @staticmethod
    def _face_parts(content_type: str, body: bytes) -> tuple[dict[str, Any], bytes]:
        message = BytesParser(policy=email_policy).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body
        )
        record: dict[str, Any] = {}
        image = b""
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            payload = payload if isinstance(payload, bytes) else b""
            if name == "FaceDataRecord":
                record = json.loads(payload)
            elif name == "img":
                image = payload
        return record, image

    def isapi_event(self, event: dict[str, Any]) -> dict[str, Any]:
        """A generic simulator event in the AccessControllerEvent shape."""
        key = (
            event.get("type", "access"),
            event.get("result", ""),
            event.get("reason", ""),
            event.get("credential", "") if event.get("type", "access") == "access" else "",
        )
        major, minor = next((k for k, v in EVENTS.items() if v == key), (5, 6 if key[1] == "refused" else 1))
        self.serial += 1
        return {
            "dateTime": event["at"],
            "eventType": "AccessControllerEvent",
            "AccessControllerEvent": {
                "majorEventType": major,
                "subEventType": minor,
                "employeeNoString": event.get("holder", ""),
                "serialNo": self.serial,
            },
        }

    def signed_push(
        self, events: list[dict[str, Any]], path: str, *, at: float | None = None, secret: str | None = None
    ) -> tuple[bytes, dict[str, str]]:
        body = json.dumps({"events": [self.isapi_event(e) for e in events]}).encode()
        return body, {
            "Content-Type": "application/json",
            **sign(secret or self.secret, "POST", path, body, at=at),
        }
