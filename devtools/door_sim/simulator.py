"""A door controller simulator speaking the generic protocol: ``linli door-sim``.

It holds holders and their credentials as a real controller would, answers Linli's signed sync
commands, decides at the door (card, PIN, QR, face) with a reason for every refusal, and pushes
signed events to Linli's webhook. It can be told to fail a fraction of commands or to go offline.
Tests run it as a real HTTP server in a thread (``DoorSimulator.serve``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import secrets
import socket
import threading
import time
import uuid
from typing import Any

import click
import httpx

from plugins.door_access.sealing import hash_secret
from plugins.door_access.signing import HEADER_NONCE, check, lower_headers, sign

CST = dt.timezone(dt.timedelta(hours=8))  # the door's local clock: China Standard Time


class DoorSimulator:
    def __init__(
        self,
        secret: str,
        *,
        fail_rate: float = 0.0,
        seed: int | None = None,
        webhook_url: str = "",
        model: str = "LinliSim-1",
        firmware: str = "1.0.0",
    ):
        self.secret = secret
        self.fail_rate = fail_rate
        self.offline = False
        self.webhook_url = webhook_url
        self.model, self.firmware = model, firmware
        self.rng = random.Random(seed)
        self.holders: dict[str, dict[str, Any]] = {}  # holder -> payload as received (no images)
        self.faces: dict[str, str] = {}  # holder -> enrolled face template (sha256 of the image)
        self.uses: dict[str, int] = {}
        self.commands_seen: set[str] = set()
        self.nonces: set[str] = set()
        self.requests = 0
        self.failed = 0
        self.lock = threading.Lock()
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # -- the protocol side: commands from Linli -------------------------------------------------

    def respond(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        """One HTTP exchange; protocol variants (``isapi_sim``) override this."""
        status, answer = self.handle(method, path, headers, body)
        return status, answer, {}

    def handle(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, Any]]:
        if path.startswith("/sim/"):
            return self._control(method, path, body)
        with self.lock:
            if self.offline:
                return 503, {"error": "offline"}
            self.requests += 1
            reason = check(self.secret, lower_headers(headers), method, path, body, skew_seconds=300)
            if reason is None and headers.get(HEADER_NONCE.lower(), "") in self.nonces:
                reason = "replayed"
            if reason is not None:
                return 401, {"error": reason}
            self.nonces.add(headers.get(HEADER_NONCE.lower(), ""))
            if method != "GET" and self.fail_rate and self.rng.random() < self.fail_rate:
                self.failed += 1
                return 503, {"error": "simulated failure"}
            if method == "GET" and path == "/linli/v1/holders":
                return 200, {"holders": {h: p.get("digest", "") for h, p in self.holders.items()}}
            if method == "GET" and path == "/linli/v1/status":
                return 200, {"model": self.model, "firmware": self.firmware, "online": True}
            if path.startswith("/linli/v1/holders/"):
                holder = path.rsplit("/", 1)[1]
                if method == "PUT":
                    return self._upsert(holder, json.loads(body))
                if method == "DELETE":
                    known = holder in self.holders
                    self.holders.pop(holder, None)
                    self.faces.pop(holder, None)
                    self.uses.pop(holder, None)
                    return (200 if known else 404), {"ok": True}
            return 404, {"error": "no such endpoint"}

    def _upsert(self, holder: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.commands_seen.add(str(payload.get("command_id", "")))
        stored = dict(payload)
        creds = []
        face = None
        for cred in payload.get("credentials", []):
            cred = dict(cred)
            image = cred.pop("image_b64", None)
            if cred.get("kind") == "face":
                import base64

                if image is not None and hashlib.sha256(base64.b64decode(image)).hexdigest() == cred.get(
                    "digest"
                ):
                    face = cred["digest"]
                elif self.faces.get(holder) == cred.get("digest"):
                    face = cred["digest"]  # already enrolled: the template stays
            creds.append(cred)
        stored["credentials"] = creds
        stored.pop("command_id", None)
        self.holders[holder] = stored
        if face:
            self.faces[holder] = face
        else:
            self.faces.pop(holder, None)
        return 200, {"ok": True}

    def _control(self, method: str, path: str, body: bytes) -> tuple[int, dict[str, Any]]:
        data = json.loads(body or b"{}") if method == "POST" else {}
        if path == "/sim/state":
            return 200, {
                "holders": sorted(self.holders),
                "faces": sorted(self.faces),
                "offline": self.offline,
                "fail_rate": self.fail_rate,
                "requests": self.requests,
                "failed": self.failed,
            }
        if path == "/sim/fail":
            self.fail_rate = float(data.get("rate", 0))
            return 200, {"fail_rate": self.fail_rate}
        if path == "/sim/offline":
            self.offline = bool(data.get("offline", True))
            return 200, {"offline": self.offline}
        if path in ("/sim/present", "/sim/door"):
            if path == "/sim/present":
                event = self.present(str(data.get("credential", "")), str(data.get("value", "")))
            else:
                event = self.door_event(str(data.get("type", "closed")))
            return 200, {"event": event, "pushed": self.push([event]) if self.webhook_url else None}
        return 404, {"error": "no such control"}

    # -- the door side: people presenting credentials --------------------------------------------

    def _match(self, kind: str, value: str) -> str | None:
        value = value.removeprefix("LINLI-PASS:")
        if kind == "face":  # value: the camera's template of the face in front of it
            return next((h for h, template in self.faces.items() if template == value), None)
        for holder, payload in self.holders.items():
            for cred in payload.get("credentials", []):
                if cred.get("kind") != kind:
                    continue
                if kind == "card" and cred.get("number", "").upper() == value.upper():
                    return holder
                if kind in ("pin", "qr") and hash_secret(cred.get("salt", ""), value) == cred.get("hash"):
                    return holder
        return None

    def decide(self, kind: str, value: str, at: dt.datetime) -> tuple[str, str, str]:
        """(holder, result, reason) for a credential presented at ``at``."""
        door = self.holders.get("door", {})
        if door.get("mode") == "disabled":
            return "", "refused", "door_disabled"
        holder = self._match(kind, value)
        if holder is None:
            return "", "refused", "unknown_credential"
        p = self.holders[holder]
        start, end = p.get("valid_from"), p.get("valid_until")
        local = at.astimezone(CST)
        if start and _moment(start, start_of_day=True) > at:
            return holder, "refused", "not_yet_valid"
        if end and _moment(end, start_of_day=False) < at:
            return holder, "refused", "expired"
        hours = p.get("hours") or []
        if hours and not any(_within(h, local.strftime("%H:%M")) for h in hours):
            return holder, "refused", "outside_schedule"
        if p.get("max_uses") is not None and self.uses.get(holder, 0) >= int(p["max_uses"]):
            return holder, "refused", "used_up"
        self.uses[holder] = self.uses.get(holder, 0) + 1
        return holder, "granted", ""

    def present(
        self, kind: str, value: str, *, at: dt.datetime | None = None, direction: str = "in"
    ) -> dict[str, Any]:
        at = at or dt.datetime.now(dt.UTC)
        with self.lock:
            holder, result, reason = self.decide(kind, value, at)
        return {
            "id": uuid.uuid4().hex,
            "at": at.isoformat(),
            "type": "access",
            "holder": holder,
            "credential": kind,
            "direction": direction,
            "result": result,
            "reason": reason,
        }

    def door_event(self, kind: str, at: dt.datetime | None = None) -> dict[str, Any]:
        return {"id": uuid.uuid4().hex, "at": (at or dt.datetime.now(dt.UTC)).isoformat(), "type": kind}

    def signed_push(
        self, events: list[dict[str, Any]], path: str, *, at: float | None = None, secret: str | None = None
    ) -> tuple[bytes, dict[str, str]]:
        body = json.dumps({"events": events}).encode()
        return body, {
            "Content-Type": "application/json",
            **sign(secret or self.secret, "POST", path, body, at=at),
        }

    def push(self, events: list[dict[str, Any]]) -> int:
        """Send events to the configured webhook; returns the HTTP status."""
        path = httpx.URL(self.webhook_url).raw_path.decode()
        body, headers = self.signed_push(events, path)
        return httpx.post(self.webhook_url, content=body, headers=headers, timeout=5).status_code

    # -- serving -------------------------------------------------------------------------------

    async def asgi(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        query = scope.get("query_string", b"").decode("latin-1")
        status, answer, extra = self.respond(scope["method"], scope["path"], query, headers, body)
        raw = json.dumps(answer).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    *[(k.lower().encode(), v.encode()) for k, v in extra.items()],
                ],
            }
        )
        await send({"type": "http.response.body", "body": raw})

    def serve(self, port: int = 0, host: str = "127.0.0.1") -> str:
        """Start serving in a thread; returns the base URL. ``stop()`` ends it (the device goes dark)."""
        import uvicorn

        self.port = port or self.port or _free_port()
        config = uvicorn.Config(
            self.asgi,
            host=host,
            port=self.port,
            log_level="warning",
            lifespan="off",
            interface="asgi3",
            access_log=False,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("simulator did not start")
            time.sleep(0.02)
        return f"http://{host}:{self.port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            if self._thread is not None:
                self._thread.join(timeout=10)
            self._server = None


def _moment(value: str, *, start_of_day: bool) -> dt.datetime:
    if len(value) == 10:  # a date: the whole day, China time
        day = dt.date.fromisoformat(value)
        t = dt.time(0, 0) if start_of_day else dt.time(23, 59, 59)
        return dt.datetime.combine(day, t, tzinfo=CST)
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _within(hours: str, hhmm: str) -> bool:
    start, end = hours.split("-")
    return start <= hhmm <= end if start <= end else (hhmm >= start or hhmm <= end)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@click.command("door-sim")
@click.option("--port", default=8810, show_default=True, help="Port to listen on (127.0.0.1).")
@click.option("--secret", default="", help="The device's HMAC secret, as given when the device was added.")
@click.option(
    "--webhook", default="", help="Linli's webhook URL for this device (…/door_access/devices/ID/events)."
)
@click.option("--fail-rate", default=0.0, show_default=True, help="Fraction of sync commands to fail (0-1).")
@click.option("--offline", is_flag=True, help="Start offline (answers 503 until POST /sim/offline).")
@click.option("--heartbeat", default=60, show_default=True, help="Seconds between heartbeats (0: none).")
def door_sim(port: int, secret: str, webhook: str, fail_rate: float, offline: bool, heartbeat: int) -> None:
    """Run a door controller simulator speaking the generic protocol (门禁设备模拟器)."""
    if not secret:
        secret = secrets.token_urlsafe(32)
        click.echo(f"secret (give it to Linli when adding the device): {secret}")
    sim = DoorSimulator(secret, fail_rate=fail_rate, webhook_url=webhook)
    sim.offline = offline
    url = sim.serve(port)
    click.echo(
        f"door simulator on {url}  (control: POST {url}/sim/present {{credential, value}}, "
        f"/sim/door {{type}}, /sim/fail {{rate}}, /sim/offline {{offline}}; GET {url}/sim/state)"
    )
    try:
        while True:
            time.sleep(heartbeat or 3600)
            if heartbeat and webhook and not sim.offline:
                try:
                    sim.push([sim.door_event("heartbeat")])
                except httpx.HTTPError as exc:
                    click.echo(f"heartbeat failed: {exc}")
    except KeyboardInterrupt:
        sim.stop()
