"""What the street office and the attachments API show of mediation: figures without a word of
any dispute, and the scanned paper agreement only to those who may read the agreement."""

from __future__ import annotations

import datetime as dt
import io

from PIL import Image

from core.testing.harness import DEFAULT_PASSWORD
from tests.plugins.mediation.conftest import M, World, build_world

A = "/api/v1/c/comm-a/attachments"


def scan() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 60), (250, 250, 240)).save(buf, "PNG")
    return buf.getvalue()


async def test_the_office_sees_figures_and_no_data_but_nothing_of_the_dispute(world: World):
    w = world
    d = await w.raise_leak()  # raised, not concluded: no agreement rate yet
    official = await w.h.user(role="office_admin", office="office-a")
    client = w.h.client()
    r = await client.post(
        "/login", data={"username": official["username"], "password": DEFAULT_PASSWORD, "next": "/"}
    )
    assert r.status_code == 303
    for path in ("/o/office-a/", "/o/office-a/c/comm-a"):
        page = await client.get(path)
        assert page.status_code == 200, page.text
        assert "矛盾调解" in page.text and "调解成功率" in page.text and "暂无数据" in page.text
        assert "太阳能" not in page.text and "张桂兰" not in page.text and d["number"] not in page.text
    r = await w.office.get(f"{M}/disputes/{d['id']}")
    assert r.status_code in (403, 404)


async def test_the_signed_paper_is_seen_by_the_parties_and_the_mediators_only(make_linli, s3_settings):
    w = await build_world(make_linli, **s3_settings)
    d = await w.in_mediation()
    respondent = w.party_id(d, "respondent")
    today = dt.date.today().isoformat()
    r = await w.mediator.post(
        f"{M}/disputes/{d['id']}/agreement",
        json={"text": "协议", "terms": [{"obligor_party_id": respondent, "action": "修好", "due_on": today}]},
    )
    agreement_id = r.json()["agreement"]["id"]
    form = {"owner_kind": "mediation.agreement", "owner_id": str(agreement_id), "purpose": "signed_paper"}
    for client in (w.applicant, w.grid_worker, w.staff):  # only a mediator of the dispute attaches
        r = await client.post(A, data=form, files={"file": ("paper.png", scan(), "image/png")})
        assert r.status_code in (403, 404), r.text
    r = await w.mediator.post(A, data=form, files={"file": ("paper.png", scan(), "image/png")})
    assert r.status_code == 201, r.text
    file_id = r.json()["id"]
    for client in (w.applicant, w.respondent, w.mediator, w.committee):
        assert (await client.get(f"{A}/{file_id}")).status_code == 200
        seen = (await client.get(f"{M}/disputes/{d['id']}")).json()["agreement"]["files"]
        assert [f["file_name"] for f in seen] == ["paper.png"]
    for client in (w.grid_worker, w.other_grid_worker, w.staff, w.admin, w.stranger):
        assert (await client.get(f"{A}/{file_id}")).status_code in (403, 404)
        listed = await client.get(A, params={"owner_kind": "mediation.agreement", "owner_id": agreement_id})
        assert listed.status_code in (403, 404) or listed.json() == []
