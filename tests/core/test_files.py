"""File storage against a real SeaweedFS (``weed mini``, credentials required): uploads, checks,
downloads through presigned URLs, quotas, isolation, storage failures and the orphan collector."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import socket
import time
import urllib.parse

import httpx
import pytest
from minio import Minio
from minio.error import S3Error
from PIL import Image

from core.files.content import exif_of
from core.files.orphans import collect_orphans
from core.files.tables import Attachment

BASE = "/api/v1/c/comm-a"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + b"x" * 2000 + b"\n%%EOF\n"
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def png(size: tuple[int, int] = (32, 24)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buf, "PNG")
    return buf.getvalue()


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0132] = "2026:11:30 08:00:00"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (31.0, 14.0, 5.0), 3: "E", 4: (121.0, 28.0, 7.0)})
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buf, "JPEG", exif=exif, quality=90)
    return buf.getvalue()


def minio_for(s3: dict) -> Minio:
    return Minio(
        s3["s3_endpoint"],
        access_key=s3["s3_access_key"],
        secret_key=s3["s3_secret_key"],
        secure=False,
        region=s3["s3_region"],
    )


def keys_in(s3: dict) -> list[str]:
    return sorted(o.object_name for o in minio_for(s3).list_objects(s3["s3_bucket"], recursive=True))


async def upload(
    client,
    case_id,
    data: bytes,
    *,
    name="f.bin",
    content_type="application/pdf",
    purpose="document",
    owner_kind="case",
    community="comm-a",
):
    return await client.post(
        f"/api/v1/c/{community}/attachments",
        data={"owner_kind": owner_kind, "owner_id": str(case_id), "purpose": purpose},
        files={"file": (name, data, content_type)},
    )


async def rows(h, community="comm-a") -> list[dict]:
    async with h.tenant(community):
        return await Attachment.select().order_by(Attachment.id).run()


@pytest.fixture
async def desk(make_linli, s3_settings):
    h = await make_linli(**s3_settings)
    await h.community("comm-a")
    staff = await h.as_role("community_staff", "comm-a")
    resident_user = await h.user(role="resident", community="comm-a")
    resident = await h.login(resident_user["username"])
    case = (
        await resident.post(f"{BASE}/cases", json={"type": "public_facility", "title": "楼道灯坏了"})
    ).json()
    return h, staff, resident, case["id"], s3_settings


async def test_upload_and_download_round_trip(desk):
    _h, staff, resident, case_id, s3 = desk
    r = await upload(resident, case_id, PDF, name="../../报告 2026.pdf")
    assert r.status_code == 201, r.text
    item = r.json()
    assert item["size"] == len(PDF) and item["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert item["file_name"] == "报告 2026.pdf" and item["content_type"] == "application/pdf"
    assert r.headers["x-content-type-options"] == "nosniff"
    # The key is {community}/{owner kind}/{uuid}: never the user's file name.
    (key,) = keys_in(s3)
    community_id, kind, ident = key.split("/")
    assert kind == "case" and community_id.isdigit() and len(ident) == 36 and "报告" not in key
    listed = (
        await staff.get(f"{BASE}/attachments", params={"owner_kind": "case", "owner_id": case_id})
    ).json()
    assert [a["id"] for a in listed] == [item["id"]]
    shown = (await resident.get(f"{BASE}/attachments/{item['id']}")).json()
    download = httpx.get(shown["download"]["url"])
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("inline;")
    assert "UTF-8''%E6%8A%A5%E5%91%8A%202026.pdf" in download.headers["content-disposition"]


async def test_presigned_link_lives_at_most_15_minutes(desk):
    _h, _staff, resident, case_id, _ = desk
    item = (await upload(resident, case_id, png(), content_type="image/png", purpose="photo")).json()
    before = dt.datetime.now(dt.UTC)
    shown = (await resident.get(f"{BASE}/attachments/{item['id']}")).json()
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(shown["download"]["url"]).query)
    assert 0 < int(query["X-Amz-Expires"][0]) <= 15 * 60
    expires_at = dt.datetime.fromisoformat(shown["download"]["expires_at"])
    assert expires_at - before <= dt.timedelta(minutes=15, seconds=1)
    # The server enforces the signature: a link with a tampered expiry is refused.
    tampered = shown["download"]["url"].replace(
        f"X-Amz-Expires={query['X-Amz-Expires'][0]}", "X-Amz-Expires=604800"
    )
    assert httpx.get(tampered).status_code == 403


async def test_over_the_purpose_limit_is_413_and_nothing_is_stored(desk):
    h, _staff, resident, case_id, s3 = desk
    big = png() + b"\0" * (10 * 1024 * 1024)  # a photo is at most 10 MB
    r = await upload(resident, case_id, big, content_type="image/png", purpose="photo")
    assert r.status_code == 413, r.text
    body = r.json()
    assert body["reason"] == "too_large" and body["limit_bytes"] == 10 * 1024 * 1024
    assert "10.0 MB" in body["detail"]
    assert await rows(h) == [] and keys_in(s3) == []


async def test_quota_exceeded_is_a_clear_413_until_the_office_raises_it(make_linli, s3_settings):
    h = await make_linli(storage_quota_bytes=5000, **s3_settings)
    await h.community("comm-a")
    staff = await h.as_role("community_staff", "comm-a")
    case_id = (await staff.post(f"{BASE}/cases", json={"type": "general_request", "title": "x"})).json()["id"]
    assert (await upload(staff, case_id, PDF)).status_code == 201  # 2,053 bytes
    assert (await upload(staff, case_id, PDF)).status_code == 201
    r = await upload(staff, case_id, PDF)
    assert r.status_code == 413, r.text
    body = r.json()
    assert body["reason"] == "quota_exceeded"
    assert body["used_bytes"] == 2 * len(PDF) and body["quota_bytes"] == 5000
    assert "storage quota" in body["detail"] and "存储空间" in body["detail"]
    assert len(await rows(h)) == 2 and len(keys_in(s3_settings)) == 2
    usage = (await staff.get(f"{BASE}/storage")).json()
    assert usage == {"used_bytes": 2 * len(PDF), "quota_bytes": 5000, "attachments": 2, "default_quota": True}
    assert (await staff.put(f"{BASE}/storage", json={"quota_bytes": 10**6})).status_code == 403
    office = await h.as_role("office_admin", office="office-a")
    assert (await office.put(f"{BASE}/storage", json={"quota_bytes": 10**6})).json()["quota_bytes"] == 10**6
    assert (await upload(staff, case_id, PDF)).status_code == 201


async def test_bytes_that_do_not_match_the_declared_type_are_refused(desk):
    h, _staff, resident, case_id, s3 = desk
    jpeg = jpeg_with_gps()
    r = await upload(resident, case_id, jpeg, name="a.png", content_type="image/png", purpose="photo")
    assert r.status_code == 400 and r.json()["field"] == "file"
    assert "image/jpeg, not image/png" in r.json()["detail"]
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 500
    r = await upload(resident, case_id, exe, name="invoice.pdf", content_type="application/pdf")
    assert r.status_code == 400 and r.json()["field"] == "file"
    r = await upload(resident, case_id, b"just text", name="x.svg", content_type="image/svg+xml")
    assert r.status_code == 400 and "SVG" in r.json()["detail"]
    r = await upload(resident, case_id, PDF, content_type="application/pdf", purpose="photo")
    assert r.status_code == 400 and r.json()["field"] == "file" and "not accepted" in r.json()["detail"]
    r = await upload(resident, case_id, PDF, purpose="selfie")
    assert r.status_code == 400 and r.json()["field"] == "purpose"
    r = await upload(resident, case_id, PDF, owner_kind="spaceship")
    assert r.status_code == 400 and r.json()["field"] == "owner_kind"
    assert await rows(h) == [] and keys_in(s3) == []


async def test_image_location_metadata_is_stripped_before_storing(desk):
    _h, _staff, resident, case_id, s3 = desk
    original = jpeg_with_gps()
    assert 0x8825 in exif_of(original)  # the test image does carry a GPS position
    item = (
        await upload(
            resident, case_id, original, name="IMG_1.jpg", content_type="image/jpeg", purpose="photo"
        )
    ).json()
    (key,) = keys_in(s3)
    stored = minio_for(s3).get_object(s3["s3_bucket"], key).read()
    assert stored != original and exif_of(stored) == {}
    assert item["sha256"] == hashlib.sha256(stored).hexdigest() and item["size"] == len(stored)
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and image.size == (64, 48)


async def test_svg_is_only_ever_a_download(desk):
    _h, _staff, resident, case_id, _ = desk
    item = (await upload(resident, case_id, SVG, name="plan.svg", content_type="image/svg+xml")).json()
    shown = await resident.get(f"{BASE}/attachments/{item['id']}")
    assert shown.headers["x-content-type-options"] == "nosniff"
    assert shown.json()["download"]["disposition"] == "attachment"
    download = httpx.get(shown.json()["download"]["url"])
    assert download.status_code == 200 and download.content == SVG
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["content-type"] == "application/octet-stream"


async def test_another_community_and_an_unseen_case_answer_404(desk):
    h, staff, resident, case_id, _ = desk
    item = (await upload(resident, case_id, PDF)).json()
    await h.community("comm-b")
    admin_b = await h.as_role("community_admin", "comm-b")
    foreign = await admin_b.get(f"/api/v1/c/comm-b/attachments/{item['id']}")
    missing = await admin_b.get("/api/v1/c/comm-b/attachments/999999")
    assert foreign.status_code == missing.status_code == 404 and foreign.json() == missing.json()
    assert (await admin_b.get(f"{BASE}/attachments/{item['id']}")).status_code == 404
    # A neighbour in the same community cannot see someone else's case, nor its files.
    neighbour = await h.as_role("resident", "comm-a")
    assert (await neighbour.get(f"{BASE}/cases/{case_id}")).status_code == 404
    assert (await neighbour.get(f"{BASE}/attachments/{item['id']}")).status_code == 404
    r = await neighbour.get(f"{BASE}/attachments", params={"owner_kind": "case", "owner_id": case_id})
    assert r.status_code == 404
    assert (await upload(neighbour, case_id, PDF)).status_code == 404
    assert (await neighbour.delete(f"{BASE}/attachments/{item['id']}")).status_code == 404
    # A volunteer may see attachments in general, but not cases: not this one either.
    volunteer = await h.as_role("volunteer", "comm-a")
    assert (await volunteer.get(f"{BASE}/attachments/{item['id']}")).status_code == 404
    assert (await staff.get(f"{BASE}/attachments/{item['id']}")).status_code == 200


async def test_removal_is_soft_and_only_for_uploader_or_staff(desk):
    h, staff, resident, case_id, _ = desk
    mine = (await upload(resident, case_id, PDF)).json()
    theirs = (await upload(staff, case_id, PDF)).json()
    assert (await resident.delete(f"{BASE}/attachments/{theirs['id']}")).status_code == 403
    removed = (await resident.delete(f"{BASE}/attachments/{mine['id']}")).json()
    assert removed == {"id": mine["id"], "removed": True}
    assert (await resident.get(f"{BASE}/attachments/{mine['id']}")).status_code == 404
    assert (await staff.delete(f"{BASE}/attachments/{theirs['id']}")).status_code == 200
    left = await rows(h)
    assert len(left) == 2 and all(r["deleted_at"] is not None for r in left)  # the collector finishes


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_storage_unreachable_is_503_with_no_row(make_linli, s3_settings):
    h = await make_linli(**{**s3_settings, "s3_endpoint": f"127.0.0.1:{closed_port()}"})
    await h.community("comm-a")
    staff = await h.as_role("community_staff", "comm-a")
    case_id = (await staff.post(f"{BASE}/cases", json={"type": "general_request", "title": "x"})).json()["id"]
    started = time.monotonic()
    r = await upload(staff, case_id, PDF)
    assert r.status_code == 503, r.text
    assert "文件存储暂时不可用" in r.json()["detail"] and "unavailable" in r.json()["detail"]
    assert r.headers["retry-after"] == "30"
    assert time.monotonic() - started < 10
    assert await rows(h) == []
    assert keys_in(s3_settings) == []  # the real bucket saw nothing either


async def test_wrong_credentials_are_refused_by_the_server(make_linli, s3_settings):
    with pytest.raises(S3Error) as refused:
        next(
            iter(
                minio_for({**s3_settings, "s3_secret_key": "not-the-secret"}).list_objects(
                    s3_settings["s3_bucket"]
                )
            ),
            None,
        )
    assert refused.value.code == "SignatureDoesNotMatch"
    assert next(iter(minio_for(s3_settings).list_objects(s3_settings["s3_bucket"])), None) is None
    anonymous = httpx.get(f"http://{s3_settings['s3_endpoint']}/{s3_settings['s3_bucket']}/")
    assert anonymous.status_code == 403  # auth is on: no anonymous listing
    # Through the API the refusal is a 503 (configuration problem), never a 500 or a row.
    h = await make_linli(**{**s3_settings, "s3_secret_key": "not-the-secret"})
    await h.community("comm-a")
    staff = await h.as_role("community_staff", "comm-a")
    case_id = (await staff.post(f"{BASE}/cases", json={"type": "general_request", "title": "x"})).json()["id"]
    assert (await upload(staff, case_id, PDF)).status_code == 503
    assert await rows(h) == []


async def test_orphan_collector(desk):
    h, staff, resident, case_id, s3 = desk
    client = minio_for(s3)
    bucket = s3["s3_bucket"]
    community_id = (await h.runtime.tenants.by_slug("comm-a")).community_id
    stale_key = f"{community_id}/case/00000000-0000-0000-0000-00000000dead"
    client.put_object(bucket, stale_key, io.BytesIO(b"left by a crashed upload"), 24)
    client.put_object(bucket, "9999/case/gone-community", io.BytesIO(b"x"), 1)
    time.sleep(4)
    fresh_key = f"{community_id}/case/00000000-0000-0000-0000-0000000f4e54"
    fresh_at = time.monotonic()
    client.put_object(bucket, fresh_key, io.BytesIO(b"an upload in flight"), 19)
    kept = (await upload(resident, case_id, PDF)).json()
    removed = (await upload(resident, case_id, PDF)).json()
    assert (await resident.delete(f"{BASE}/attachments/{removed['id']}")).status_code == 200
    other_case = (await staff.post(f"{BASE}/cases", json={"type": "general_request", "title": "y"})).json()[
        "id"
    ]
    of_deleted_case = (await upload(staff, other_case, PDF)).json()
    from core.cases.tables import Case

    async with h.tenant("comm-a"):
        await Case.delete().where(Case.id == other_case).run()
        key_of = {r["id"]: r["object_key"] for r in await Attachment.select().run()}

    # "In flight" is younger than the threshold: the fresh object's age plus 1.5 s (S3 times are
    # whole seconds), however long the uploads above took on a busy machine; the stale ones are
    # at least 4 s older than that.
    threshold = dt.timedelta(seconds=time.monotonic() - fresh_at + 1.5)
    report = await collect_orphans(h.runtime, older_than=threshold)

    assert report["objects_without_row"] == 2 and report["deleted_rows"] == 1 and report["owner_gone"] == 1
    assert report["kept_in_flight"] == 1 and report["failed"] == 0
    left = keys_in(s3)
    assert stale_key not in left and "9999/case/gone-community" not in left
    assert fresh_key in left and key_of[kept["id"]] in left
    assert key_of[removed["id"]] not in left and key_of[of_deleted_case["id"]] not in left
    assert [r["id"] for r in await rows(h)] == [kept["id"]]
    # A second run finds nothing more to do.
    again = await collect_orphans(h.runtime, older_than=dt.timedelta(seconds=2))
    assert again["removed_keys"] == [] and again["kept_in_flight"] == 1
    shown = (await resident.get(f"{BASE}/attachments/{kept['id']}")).json()
    assert httpx.get(shown["download"]["url"]).content == PDF


async def test_a_plugin_declares_its_own_owner_kind(make_linli, s3_settings):
    """The example plugin's notices take posters: its checks decide, and only where it is on."""
    h = await make_linli(plugins=["noticeboard"], **s3_settings)
    await h.community("comm-a", plugins=["noticeboard"])
    await h.community("comm-b")
    staff = await h.as_role("community_staff", "comm-a")
    resident = await h.as_role("resident", "comm-a")
    notice = (await staff.post(f"{BASE}/noticeboard/notices", json={"title": "停水通知"})).json()
    r = await upload(
        staff,
        notice["id"],
        png(),
        owner_kind="noticeboard.notice",
        purpose="poster",
        content_type="image/png",
    )
    assert r.status_code == 201, r.text
    listed = await resident.get(
        f"{BASE}/attachments", params={"owner_kind": "noticeboard.notice", "owner_id": notice["id"]}
    )
    assert [a["id"] for a in listed.json()] == [r.json()["id"]]
    # Residents read notices but may not attach to them; a notice that does not exist is 404.
    assert (
        await upload(
            resident,
            notice["id"],
            png(),
            owner_kind="noticeboard.notice",
            purpose="poster",
            content_type="image/png",
        )
    ).status_code == 404
    assert (
        await upload(
            staff, 999999, png(), owner_kind="noticeboard.notice", purpose="poster", content_type="image/png"
        )
    ).status_code == 404
    # Where the plugin is off, its kind does not exist.
    staff_b = await h.as_role("community_staff", "comm-b")
    r = await upload(
        staff_b,
        notice["id"],
        png(),
        owner_kind="noticeboard.notice",
        purpose="poster",
        content_type="image/png",
        community="comm-b",
    )
    assert r.status_code == 400 and r.json()["field"] == "owner_kind"


def test_embedded_seaweedfs_survives_a_crash_keeps_data_and_requires_credentials(tmp_path):
    """A weed left running by a crashed serve is ended on the next start; the data stays."""
    import os

    from core.files.embedded import EmbeddedS3, WeedPorts

    (tmp_path / "seaweedfs").mkdir()
    (tmp_path / "seaweedfs" / "weed.pid").write_text("999999")  # a dead pid from long ago
    first = EmbeddedS3(ports=WeedPorts.free())
    endpoint = first.start(tmp_path)
    crashed_pid = first.process.pid
    assert oct((tmp_path / "seaweedfs" / "s3.json").stat().st_mode & 0o777) == "0o600"
    s3 = {
        "s3_endpoint": endpoint.endpoint,
        "s3_access_key": endpoint.access_key,
        "s3_secret_key": endpoint.secret_key,
        "s3_region": endpoint.region,
        "s3_bucket": "linli",
    }
    minio_for(s3).put_object("linli", "1/case/kept", io.BytesIO(b"still here"), 10)
    second = EmbeddedS3(ports=WeedPorts.free())  # `first` is never stopped: as after a crash
    try:
        assert second.stale_pids(tmp_path) == [crashed_pid]
        again = second.start(tmp_path)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(crashed_pid, os.WNOHANG)
        assert not os.path.exists(f"/proc/{crashed_pid}")
        assert (again.access_key, again.secret_key) == (endpoint.access_key, endpoint.secret_key)
        assert (tmp_path / "seaweedfs" / "weed.pid").read_text() == str(second.process.pid)
        s3["s3_endpoint"] = again.endpoint
        assert minio_for(s3).get_object("linli", "1/case/kept").read() == b"still here"
        with pytest.raises(S3Error):
            next(iter(minio_for({**s3, "s3_secret_key": "guess"}).list_objects("linli")), None)
    finally:
        second.stop()
    assert not second.running and not (tmp_path / "seaweedfs" / "weed.pid").exists()
    assert second.stale_pids(tmp_path) == []


async def test_an_object_that_is_not_what_was_sent_leaves_no_row_and_no_object(desk):
    # What the server says it stored (its MD5) is compared with what was sent; here the bytes
    # sent are not the ones the checksum was taken of, as if they had been damaged on the way.
    from core.files.owners import owner_kinds
    from core.files.service import StorageUnavailable, _store_and_record
    from core.files.storage import storage_for
    from core.tenancy.context import tenant_scope

    h, _staff, _resident, case_id, s3 = desk
    tenant = await h.runtime.tenants.by_slug("comm-a")
    owner = owner_kinds(h.runtime).get("case", tenant)
    sent, meant = PDF, PDF.replace(b"x", b"y", 1)
    with tenant_scope(tenant), pytest.raises(StorageUnavailable):
        await _store_and_record(
            h.runtime,
            storage_for(h.runtime.settings),
            f"{tenant.community_id}/case/damaged",
            io.BytesIO(sent),
            size=len(sent),
            sha256=hashlib.sha256(meant).hexdigest(),
            md5=hashlib.md5(meant).hexdigest(),
            content_type="application/pdf",
            owner=owner,
            owner_id=case_id,
            purpose="document",
            file_name="f.pdf",
            uploaded_by=None,
            tenant=tenant,
        )
    assert await rows(h) == []
    assert keys_in(s3) == []  # the damaged object was taken away again
