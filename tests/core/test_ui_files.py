"""Photos on pages are thumbnails from the app's own origin: the case page draws an uploaded
photo as an image that opens full size; the file route answers only to those who may see the
record (404 otherwise), never a public link."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image


def jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buf, "JPEG")
    return buf.getvalue()


async def test_a_case_photo_is_a_thumbnail_for_those_who_see_the_case(
    make_linli: Any, s3_settings: dict[str, Any]
) -> None:
    h = await make_linli(plugins=[], **s3_settings)
    await h.community("comm-a")
    await h.community("comm-b")
    staff = await h.as_role("community_admin", "comm-a")
    case = (
        await staff.post("/api/v1/c/comm-a/cases", json={"type": "general_request", "title": "墙皮脱落"})
    ).json()
    r = await staff.post(
        "/api/v1/c/comm-a/attachments",
        data={"owner_kind": "case", "owner_id": str(case["id"]), "purpose": "photo"},
        files={"file": ("wall.jpg", jpeg(), "image/jpeg")},
    )
    assert r.status_code == 201, r.text
    file_id = r.json()["id"]
    page = await staff.get(f"/c/comm-a/cases/{case['id']}")
    assert f'<img class="thumb" src="/c/comm-a/files/{file_id}"' in page.text
    image = await staff.get(f"/c/comm-a/files/{file_id}")
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    assert image.content[:3] == b"\xff\xd8\xff" and image.headers["x-content-type-options"] == "nosniff"
    outsider = await h.as_role("community_admin", "comm-b")
    assert (await outsider.get(f"/c/comm-a/files/{file_id}")).status_code == 404
    resident = await h.as_role("resident", "comm-a")  # not their case
    assert (await resident.get(f"/c/comm-a/files/{file_id}")).status_code in (403, 404)
