"""The ISAPI-shaped adapter (a vendor adapter through the adapter entry point) against the
simulator in ISAPI shapes: Digest auth, users, cards, faces, paged search, event push."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

import pytest

from devtools.door_sim.isapi import IsapiDoorSimulator

BASE = "/api/v1/c/comm-a/door_access"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.fixture
def isapi():
    sims = []

    def make(secret: str) -> IsapiDoorSimulator:
        sim = IsapiDoorSimulator(secret, seed=3)
        sim.serve()
        sims.append(sim)
        return sim

    yield make
    for sim in sims:
        sim.stop()


async def test_an_isapi_device_enrols_cards_and_faces_and_its_events_reach_the_log(
    build_world, s3_settings, isapi
):
    world = await build_world(**s3_settings)
    secret = "h" * 40
    hik = isapi(secret)
    r = await world.staff.post(
        f"{BASE}/devices",
        json={
            "access_point_id": world.point_id,
            "name": "海康门口机",
            "address": f"http://127.0.0.1:{hik.port}",
            "protocol": "hikvision_isapi",
            "vendor": "Hikvision",
            "secret": secret,
        },
    )
    assert r.status_code == 201, r.text
    hik_id = r.json()["id"]
    resident = await world.move_in()
    pid = resident["person_id"]
    await world.card(pid, "1234ABCD")
    r = await world.staff.post(
        f"{BASE}/persons/{pid}/credentials",
        json={
            "kind": "face",
            "face_image_b64": base64.b64encode(PNG).decode(),
            "face_consent": True,
            "consent_text": "本人签字同意",
        },
    )
    assert r.status_code == 201
    assert (await world.sync(hik_id))["ok"] == 1
    holder = hik.holders[f"p{pid}"]
    assert holder["credentials"] == [{"kind": "card", "number": "1234ABCD"}]
    assert hik.faces == {f"p{pid}": hashlib.sha256(PNG).hexdigest()}
    assert (await world.reconcile(hik_id))["queued"] == 0  # the digest came back through PersonInfoExtends

    event = hik.present("card", "1234abcd")
    assert event["result"] == "granted"
    path = f"{BASE}/devices/{hik_id}/events"
    body, headers = hik.signed_push([event, hik.present("card", "0000")], path)
    assert b"AccessControllerEvent" in body
    r = await world.h.client().post(path, content=body, headers=headers)
    assert r.status_code == 200 and r.json()["stored"] == 2, r.text
    log = (await world.staff.get(f"{BASE}/log", params={"access_point_id": world.point_id})).json()
    assert sorted((e["result"], e["reason"], e["person_id"]) for e in log) == [
        ("granted", "", pid),
        ("refused", "unknown_credential", None),
    ]

    r = await world.staff.post(
        f"/api/v1/c/comm-a/residencies/{resident['residency_id']}/move-out",
        json={"end_date": dt.date.today().isoformat()},
    )
    assert r.status_code == 200
    await world.h.deliver_events()
    assert (await world.sync(hik_id))["ok"] == 1
    assert f"p{pid}" not in hik.holders and hik.faces == {}


async def test_an_isapi_device_with_the_wrong_password_stays_failed_and_says_why(world, isapi):
    hik = isapi("right-" + "x" * 34)
    r = await world.staff.post(
        f"{BASE}/devices",
        json={
            "access_point_id": world.point_id,
            "name": "海康",
            "address": f"http://127.0.0.1:{hik.port}",
            "protocol": "hikvision_isapi",
            "secret": "wrong-" + "x" * 34,
        },
    )
    hik_id = r.json()["id"]
    pid = (await world.move_in())["person_id"]
    await world.card(pid, "AAAA0001")
    assert await world.sync(hik_id) == {"ok": 0, "failed": 1}
    state = (await world.staff.get(f"{BASE}/persons/{pid}/access")).json()
    failed = next(d for d in state["sync"]["devices"] if d["device_id"] == hik_id)
    assert failed["status"] == "failed" and "digest" in failed["last_error"]
    assert state["sync"]["summary_en"] == "synced on 0 of 2 doors"
