"""Door access keeps the register's scope: a grid worker sees the access of their grid's
residents only; anyone else answers 404 on the API and the page alike."""

from __future__ import annotations


async def test_a_grid_worker_sees_door_access_only_for_their_grids_residents(make_linli):
    h = await make_linli(plugins=["door_access"])
    await h.community("comm-a", plugins=["door_access"])
    admin = await h.as_role("community_admin", "comm-a")
    inside = await h.resident("comm-a", "王秀英", building="1栋", dwelling="101")
    outside = await h.resident("comm-a", "谢德明", building="9栋", dwelling="901")
    grid = (await admin.post("/api/v1/c/comm-a/grids", json={"name": "第一网格"})).json()
    await admin.post(
        f"/api/v1/c/comm-a/grids/{grid['id']}/places", json={"building_id": inside["building_id"]}
    )
    user = await h.user(role="grid_worker", community="comm-a")
    await admin.post(
        f"/api/v1/c/comm-a/grids/{grid['id']}/assignments",
        json={"user_id": user["id"], "role": "grid_worker", "valid_from": "2026-01-01"},
    )
    worker = await h.login(user["username"])
    api = "/api/v1/c/comm-a/door_access/persons/{}/access"
    assert (await worker.get(api.format(inside["id"]))).status_code == 200
    assert (await worker.get(api.format(outside["id"]))).status_code == 404
    assert (await worker.get(f"/c/comm-a/door_access/persons/{outside['id']}")).status_code == 404
    assert (await admin.get(api.format(outside["id"]))).status_code == 200  # staff see everyone
    why = "/api/v1/c/comm-a/door_access/why?person_id={}&access_point_id=1"
    assert (await worker.get(why.format(outside["id"]))).status_code == 404
    import datetime as dt

    from plugins.door_access.tables import AccessEvent

    now = dt.datetime.now(dt.UTC)
    async with h.tenant("comm-a"):
        for i, person in enumerate((inside, outside)):
            await AccessEvent.insert(
                AccessEvent(
                    device_id=1,
                    access_point_id=1,
                    event_uid=f"e{i}",
                    occurred_at=now,
                    received_at=now,
                    person_id=person["id"],
                    result="granted",
                )
            ).run()
    seen = {e["person_id"] for e in (await worker.get("/api/v1/c/comm-a/door_access/log")).json()}
    assert seen == {inside["id"]}  # the door log of their grid's residents only
    assert len((await admin.get("/api/v1/c/comm-a/door_access/log")).json()) == 2
    assert (await worker.get("/api/v1/c/comm-a/door_access/passes")).status_code == 200
