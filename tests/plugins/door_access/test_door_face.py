"""Face credentials: separate consent, encrypted in real object storage only until enrolled, and
deleted from storage and every device when consent is withdrawn."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

import pytest
from minio import Minio

BASE = "/api/v1/c/comm-a/door_access"
# A tiny but real PNG (1x1 pixel).
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def objects(s3: dict) -> list[bytes]:
    client = Minio(
        s3["s3_endpoint"],
        access_key=s3["s3_access_key"],
        secret_key=s3["s3_secret_key"],
        secure=False,
        region=s3.get("s3_region", "us-east-1"),
    )
    out = []
    for o in client.list_objects(s3["s3_bucket"], recursive=True):
        response = client.get_object(s3["s3_bucket"], o.object_name)
        out.append(response.read())
        response.close()
    return out


@pytest.fixture
async def face_world(build_world, s3_settings):
    return await build_world(**s3_settings), s3_settings


async def test_face_needs_consent_and_is_stored_encrypted_until_every_device_has_it(face_world, sims):
    from tests.plugins.door_access.conftest import add_device

    world, s3 = face_world
    back = sims()
    back_id = await add_device(world.h, world.staff, world.point_id, f"http://127.0.0.1:{back.port}", "后门")
    pid = (await world.move_in())["person_id"]
    url = f"{BASE}/persons/{pid}/credentials"
    image = base64.b64encode(PNG).decode()
    r = await world.staff.post(url, json={"kind": "face", "face_image_b64": image})
    assert r.status_code == 400 and r.json()["field"] == "face_consent"
    assert "card or PIN" in r.json()["detail"]
    assert (
        objects(s3) == []
        and (await world.staff.get(f"{BASE}/persons/{pid}/access")).json()["credentials"] == []
    )

    r = await world.staff.post(
        url,
        json={
            "kind": "face",
            "face_image_b64": image,
            "face_consent": True,
            "consent_text": "本人签字同意 2026-11-30",
        },
    )
    assert r.status_code == 201, r.text
    assert r.json()["face_stored"] and "alternative" in r.json()
    stored = objects(s3)
    assert len(stored) == 1 and PNG not in stored[0]  # encrypted at rest
    assert (await world.sync())["ok"] == 1
    assert world.sim.faces == {f"p{pid}": hashlib.sha256(PNG).hexdigest()}
    assert len(objects(s3)) == 1  # the back door has not enrolled it yet: still needed
    entry = await world.enter("face", hashlib.sha256(PNG).hexdigest())
    assert entry["result"] == "granted"
    assert (await world.sync(back_id))["ok"] == 1
    assert back.faces and objects(s3) == []  # every device has it: the image is gone from storage
    access = (await world.staff.get(f"{BASE}/persons/{pid}/access")).json()
    assert [(c["kind"], c["face_stored"]) for c in access["credentials"]] == [("face", False)]


async def test_withdrawing_consent_deletes_the_face_from_storage_and_every_device(face_world, sims):
    from tests.plugins.door_access.conftest import add_device

    world, s3 = face_world
    back = sims()
    back_id = await add_device(world.h, world.staff, world.point_id, f"http://127.0.0.1:{back.port}", "后门")
    pid = (await world.move_in())["person_id"]
    await world.card(pid, "FACE0001")  # the alternative stays
    r = await world.staff.post(
        f"{BASE}/persons/{pid}/credentials",
        json={
            "kind": "face",
            "face_image_b64": base64.b64encode(PNG).decode(),
            "face_consent": True,
            "consent_text": "本人同意",
        },
    )
    assert r.status_code == 201
    assert (await world.sync())["ok"] == 1 and world.sim.faces
    back.stop()
    assert (await world.sync(back_id))["failed"] == 1
    assert len(objects(s3)) == 1  # kept while the back door still needs it

    r = await world.staff.post(f"{BASE}/persons/{pid}/face/withdraw")
    assert r.status_code == 200 and r.json()["withdrawn"] == 1
    assert objects(s3) == []  # deleted from storage at once, not at the next clean-up
    assert (await world.sync())["ok"] == 1
    assert world.sim.faces == {} and f"p{pid}" in world.sim.holders  # the card still opens the door
    back.serve()
    assert (await world.sync(back_id, at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)))["ok"] == 1
    assert back.faces == {} and back.holders[f"p{pid}"]["credentials"] == [
        {"kind": "card", "number": "FACE0001"}
    ]
    assert (await world.enter("face", hashlib.sha256(PNG).hexdigest()))["result"] == "refused"
    # Withdrawing again: nothing to withdraw is a 404, not a silent success.
    assert (await world.staff.post(f"{BASE}/persons/{pid}/face/withdraw")).status_code == 404
