"""Door access set up from the page: a door added (refused beside its field when a building
door has no building), its mode changed, a device added with its secret shown once after the
redirect, and the current residents of buildings granted in one step after a preview — words,
not codes, on every page."""

from __future__ import annotations

import re
from typing import Any

P = "/c/comm-a/door_access"
API = "/api/v1/c/comm-a/door_access"


async def test_staff_fit_doors_and_grant_a_whole_building(make_linli: Any) -> None:
    h = await make_linli(plugins=["door_access"])
    await h.community("comm-a", plugins=["door_access"])
    admin = await h.as_role("community_admin", "comm-a")
    # Residents already live in 3栋 before its doors are fitted.
    people = [
        await h.resident("comm-a", name, building="3栋", dwelling=flat)
        for name, flat in (("王秀英", "201"), ("李建国", "301"), ("张桂芳", "302"))
    ]
    building_id = people[0]["building_id"]

    page = await admin.get(f"{P}/setup")
    assert page.status_code == 200 and "还没有门。" in page.text
    r = await admin.post(
        f"{P}/setup/doors",
        data={"name": "3栋 单元门", "kind": "building", "building_id": "", "mode": "normal"},
    )
    assert r.status_code == 400 and "楼栋门或单元门需要选择楼栋" in r.text
    assert (await admin.get(f"{API}/points")).json() == []  # nothing half-written
    r = await admin.post(f"{P}/setup/grant-buildings", data={"buildings": str(building_id)})
    assert r.status_code == 400 and "请先添加门" in r.text
    r = await admin.post(
        f"{P}/setup/doors",
        data={"name": "3栋 单元门", "kind": "building", "building_id": str(building_id), "mode": "normal"},
    )
    assert r.status_code == 303, r.text
    page = await admin.get(f"{P}/setup")
    assert "楼栋门" in page.text and re.search(r">\s*building\s*<", page.text) is None
    point_id = int(re.search(r"/setup/doors/(\d+)/mode", page.text).group(1))
    r = await admin.post(
        f"{P}/setup/doors/{point_id}/mode", data={"mode": "held_open", "held_open_hours": "7点到9点"}
    )
    assert r.status_code == 400 and "请按 时:分-时:分 填写" in r.text
    r = await admin.post(
        f"{P}/setup/doors/{point_id}/mode", data={"mode": "held_open", "held_open_hours": "07:00-09:00"}
    )
    assert r.status_code == 303
    r = await admin.post(
        f"{P}/setup/doors/{point_id}/devices",
        data={"name": "读卡器", "address": "not a url", "protocol": "generic_http"},
    )
    assert r.status_code == 400 and "请填写设备地址" in r.text
    r = await admin.post(
        f"{P}/setup/doors/{point_id}/devices",
        data={"name": "读卡器", "address": "http://127.0.0.1:9", "protocol": "generic_http"},
    )
    assert r.status_code == 303, r.text
    shown = await admin.get(r.headers["location"])
    assert "设备密钥（只显示这一次" in shown.text
    again = await admin.get(f"{P}/setup")
    assert "设备密钥" not in again.text  # once

    # The preview says how many, then one step grants them all; doing it again grants no one twice.
    preview = await admin.get(f"{P}/setup/grant-buildings", params={"building_id": str(building_id)})
    assert preview.status_code == 200 and "住户 3 人，其中 3 人待开通" in preview.text
    r = await admin.post(f"{P}/setup/grant-buildings", data={"buildings": str(building_id)})
    assert r.status_code == 303
    assert "已为 3 位住户开通门禁" in (await admin.get(r.headers["location"])).text
    r = await admin.post(f"{P}/setup/grant-buildings", data={"buildings": str(building_id)})
    assert "已为 0 位住户开通门禁" in (await admin.get(r.headers["location"])).text
    for person in people:
        access = (await admin.get(f"{API}/persons/{person['id']}/access")).json()
        assert len([g for g in access["grants"] if g["revoked_at"] is None]) == 1
    # Residents cannot open the setup.
    resident = await h.as_role("resident", "comm-a")
    assert (await resident.get(f"{P}/setup")).status_code == 403
