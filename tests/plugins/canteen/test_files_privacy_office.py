"""The canteen's files, privacy and what the street office sees: the food sample's photo and the
kept label PDF through the core's attachments (the kitchen only); a diner's data in the person's
privacy export and gone after erasure, the priced orders kept without a name; the office's
overview with the canteen's figures (no data where nothing was served) and no names."""

from __future__ import annotations

import io

from PIL import Image

from tests.plugins.canteen.conftest import BASE, C, World, build_world, service_on, tomorrow

A = "/api/v1/c/comm-a/attachments"


def photo() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 120, 80)).save(buf, "JPEG")
    return buf.getvalue()


async def test_the_sample_photo_and_the_kept_labels_are_the_kitchens(make_linli, s3_settings):
    w = await build_world(make_linli, **s3_settings)
    menu = await w.week()
    lunch = service_on(menu, tomorrow())
    r = await w.cook.post(f"{C}/services/{lunch['id']}/samples", json={"grams": 150})
    assert r.status_code == 201, r.text
    sample = r.json()
    form = {"owner_kind": "canteen.sample", "owner_id": str(sample["id"]), "purpose": "photo"}
    for client in (w.wang_login, w.volunteer, w.grid_worker):
        r = await client.post(A, data=form, files={"file": ("sample.jpg", photo(), "image/jpeg")})
        assert r.status_code in (403, 404), r.text
    r = await w.cook.post(A, data=form, files={"file": ("sample.jpg", photo(), "image/jpeg")})
    assert r.status_code == 201, r.text
    file_id = r.json()["id"]
    assert (await w.cook.get(f"{A}/{file_id}")).status_code == 200
    assert (await w.wang_login.get(f"{A}/{file_id}")).status_code in (403, 404)
    log = (
        await w.cook.get(
            f"{C}/samples", params={"from": tomorrow().isoformat(), "to": tomorrow().isoformat()}
        )
    ).json()
    assert [p["file_name"] for p in log[0]["photos"]] == ["sample.jpg"] and log[0]["dishes"].startswith(
        "红烧肉"
    )
    # The labels printed are kept on the meal; nobody uploads labels by hand.
    r = await w.cook.get(f"{C}/services/{lunch['id']}/labels.pdf")
    assert r.status_code == 200
    kept = (await w.cook.get(A, params={"owner_kind": "canteen.service", "owner_id": lunch["id"]})).json()
    assert [k["purpose"] for k in kept] == ["labels"]
    r = await w.cook.post(
        A,
        data={"owner_kind": "canteen.service", "owner_id": str(lunch["id"]), "purpose": "labels"},
        files={"file": ("x.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
    )
    assert r.status_code in (403, 404)


async def test_a_diners_data_in_the_privacy_export_and_after_erasure(world: World):
    w = world
    await w.rules()
    menu = await w.week()
    lunch = service_on(menu, tomorrow())
    zhang = await w.sign_up(
        w.admin,
        w.zhang,
        eats="delivered",
        allergies=["fish"],
        emergency_name="张丽",
        emergency_phone="13900000002",
    )
    r = await w.admin.post(f"{C}/orders", json={"diner_id": zhang["id"], "service_id": lunch["id"]})
    assert r.status_code == 201
    export = (await w.admin.get(f"{BASE}/persons/{w.zhang['id']}/privacy-export")).json()
    mine = export["plugins"]["canteen"] if "plugins" in export else export["canteen"]
    assert mine["diner"]["emergency_name"] == "张丽" and mine["diner"]["allergies"] == ["fish"]
    assert len(mine["orders"]) == 1
    r = await w.admin.post(f"{BASE}/persons/{w.zhang['id']}/erase")
    assert r.status_code == 200, r.text
    d = (await w.admin.get(f"{C}/diners/{zhang['id']}")).json()
    assert (d["name"], d["emergency_name"], d["allergies"], d["address"], d["state"]) == (
        "（已删除）",
        "",
        [],
        "",
        "stopped",
    )
    orders = (await w.admin.get(f"{C}/diners/{zhang['id']}/orders")).json()
    assert orders[0]["state"] == "cancelled" and orders[0]["payable_fen"] == 1000  # priced, kept, no name


async def test_the_office_sees_the_canteens_figures_and_no_names(world: World):
    from plugins.canteen.counter import serve
    from plugins.canteen.orders import place

    w = world
    r = await w.office.get("/o/office-a/")
    assert r.status_code == 200 and "社区食堂" in r.text
    await w.rules()
    menu = await w.week()
    wang = await w.sign_up(w.admin, w.wang)
    lunch = service_on(menu, tomorrow())
    async with w.h.tenant("comm-a"):
        placed = await place(wang["id"], lunch["id"], source="counter", by_user_id=None)
        await serve(placed.order["id"], pay="counter")
    report = (
        await w.office.get(
            "/api/v1/o/office-a/report", params={"from": tomorrow().isoformat(), "to": tomorrow().isoformat()}
        )
    ).json()
    text = str(report)
    assert "王秀英" not in text and "3栋" not in text
    community = next(c for c in report["communities"] if c["slug"] == "comm-a")
    section = next(s for s in community["sections"] if s["plugin_id"] == "canteen")
    figures = {f["key"]: f["value"] for f in section["figures"]}
    assert figures["meals"] == 1 and figures["subsidy_yuan"] == 12.0 and figures["not_home_checks"] == 0
    other = next(c for c in report["communities"] if c["slug"] == "comm-b")
    section = next(s for s in other["sections"] if s["plugin_id"] == "canteen")
    assert {f["key"]: f["value"] for f in section["figures"]}["meals"] is None  # no data, not 0
