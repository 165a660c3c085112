"""The leak → repair link through real event delivery, the roster's rules, and bad input."""

from __future__ import annotations

import datetime as dt

from tests.plugins.mediation.conftest import BASE, M, World


async def test_an_accepted_leak_opens_a_repair_and_the_dispute_shows_its_state(world: World):
    w = world
    d = await w.raise_leak()
    r = await w.committee.post(f"{M}/disputes/{d['id']}/accept")
    assert r.status_code == 200, r.text
    assert r.json()["repair"] == {"requested": True, "case_id": None, "number": None, "state": None}
    # repairs.requested → the repairs plugin reports it; repairs.reported → the dispute links it
    await w.h.deliver_events()
    await w.h.deliver_events()
    repair = (await w.committee.get(f"{M}/disputes/{d['id']}")).json()["repair"]
    assert repair["case_id"] is not None and repair["state"] == "reported", repair
    # The repair is at the source of the water: the respondent's flat upstairs; one per dispute.
    r = await w.admin.get(f"{BASE}/repairs")
    [item] = r.json()["items"]
    assert item["dwelling_id"] == w.respondent_person["dwelling_id"]
    assert item["source"] == f"mediation:{d['id']}"
    assert "太阳能" not in item["description"]  # nothing of the dispute's own words
    await w.h.deliver_events()
    assert len((await w.admin.get(f"{BASE}/repairs")).json()["items"]) == 1
    # The repair moves on in the repairs plugin; the dispute shows where it is now.
    r = await w.admin.post(f"{BASE}/cases/{repair['case_id']}/transition", json={"to": "accepted"})
    assert r.status_code == 200, r.text
    repair = (await w.committee.get(f"{M}/disputes/{d['id']}")).json()["repair"]
    assert repair["state"] == "accepted"


async def test_a_noise_dispute_asks_for_no_repair(world: World):
    w = world
    d = await w.raise_leak(kind="noise")
    r = await w.committee.post(f"{M}/disputes/{d['id']}/accept")
    assert r.json()["repair"] is None
    await w.h.deliver_events()
    assert (await w.admin.get(f"{BASE}/repairs")).json()["items"] == []


async def test_a_conflict_of_interest_or_an_objection_refuses_the_assignment(world: World):
    w = world
    d = await w.raise_leak()
    await w.committee.post(f"{M}/disputes/{d['id']}/accept")
    r = await w.committee.post(
        f"{M}/mediators/{w.expert_row['id']}/conflicts",
        json={"person_id": w.respondent_person["id"], "reason": "是被申请人的亲戚"},
    )
    assert r.status_code == 201, r.text
    r = await w.committee.post(f"{M}/disputes/{d['id']}/mediators", json={"mediator_id": w.expert_row["id"]})
    assert r.status_code == 400 and r.json()["field"] == "mediator_id", r.text
    assert "conflict" in r.json()["detail"]
    # the applicant objects to the mediator: no assignment
    r = await w.applicant.post(
        f"{M}/disputes/{d['id']}/objections",
        json={
            "party_id": w.party_id(d, "applicant"),
            "mediator_id": w.mediator_row["id"],
            "reason": "不信任",
        },
    )
    assert r.status_code == 200, r.text
    r = await w.committee.post(
        f"{M}/disputes/{d['id']}/mediators", json={"mediator_id": w.mediator_row["id"]}
    )
    assert r.status_code == 400 and "objected" in r.json()["detail"], r.text
    # a party may not object in the other party's name
    r = await w.applicant.post(
        f"{M}/disputes/{d['id']}/objections",
        json={"party_id": w.party_id(d, "respondent"), "mediator_id": w.expert_row["id"], "reason": "x"},
    )
    assert r.status_code == 400 and r.json()["field"] == "party_id"
    async with w.h.tenant("comm-a"):
        from plugins.mediation.tables import Assignment

        assert await Assignment.count().run() == 0
    assert (await w.committee.get(f"{M}/disputes/{d['id']}")).json()["state"] == "accepted"


async def test_bad_agreements_are_refused_and_nothing_is_half_written(world: World):
    w = world
    d = await w.in_mediation()
    respondent = w.party_id(d, "respondent")
    today = dt.date.today()
    url = f"{M}/disputes/{d['id']}/agreement"
    r = await w.mediator.post(url, json={"text": "协议", "terms": []})
    assert r.status_code == 400 and r.json()["field"] == "terms", r.text
    r = await w.mediator.post(
        url,
        json={
            "text": "协议",
            "made_on": today.isoformat(),
            "terms": [
                {"obligor_party_id": respondent, "action": "修好", "due_on": today.isoformat()},
                {
                    "obligor_party_id": respondent,
                    "action": "赔偿",
                    "due_on": (today - dt.timedelta(days=1)).isoformat(),
                },
            ],
        },
    )
    assert r.status_code == 400 and r.json()["field"] == "terms[1].due_on", r.text
    r = await w.mediator.post(
        url,
        json={
            "text": "协议",
            "terms": [{"obligor_party_id": 999999, "action": "修好", "due_on": today.isoformat()}],
        },
    )
    assert r.status_code == 400 and r.json()["field"] == "terms[0].obligor_party_id"
    r = await w.mediator.post(
        url,
        json={
            "text": "协议",
            "terms": [
                {
                    "obligor_party_id": respondent,
                    "action": "赔偿",
                    "due_on": today.isoformat(),
                    "amount_fen": -1,
                }
            ],
        },
    )
    assert r.status_code == 400, r.text
    async with w.h.tenant("comm-a"):
        from plugins.mediation.tables import Agreement, Term

        assert await Agreement.count().run() == 0 and await Term.count().run() == 0
    # Without every signature it is not binding: no performance, no return visit.
    r = await w.mediator.post(
        url,
        json={
            "text": "协议",
            "terms": [{"obligor_party_id": respondent, "action": "修好", "due_on": today.isoformat()}],
        },
    )
    assert r.status_code == 201
    r = await w.applicant.post(f"{M}/disputes/{d['id']}/agreement/signatures", json={"party_id": respondent})
    assert r.status_code == 400 and r.json()["field"] == "party_id"  # not on the other's behalf
    r = await w.applicant.post(
        f"{M}/disputes/{d['id']}/agreement/signatures",
        json={"party_id": w.party_id(d, "applicant"), "method": "paper"},
    )
    assert r.status_code == 400 and r.json()["field"] == "method"
    detail = (await w.mediator.get(f"{M}/disputes/{d['id']}")).json()
    assert detail["state"] == "in_mediation" and detail["follow_ups"] == []
    # A return visit needs a signed agreement.
    r = await w.mediator.post(f"{M}/disputes/{d['id']}/follow-ups", json={"due_on": today.isoformat()})
    assert r.status_code == 400 and r.json()["field"] == "due_on", r.text


async def test_bad_intake_and_bad_sessions_get_a_clear_400(world: World):
    w = world
    r = await w.grid_worker.post(f"{M}/disputes", json={"kind": "quarrel", "summary": "x", "parties": []})
    assert r.status_code == 400 and r.json()["field"] == "kind"
    r = await w.grid_worker.post(
        f"{M}/disputes",
        json={
            "kind": "noise",
            "summary": "深夜噪音",
            "parties": [{"role": "applicant", "person_id": w.applicant_person["id"]}],
        },
    )
    assert r.status_code == 400 and r.json()["field"] == "parties"
    r = await w.grid_worker.post(
        f"{M}/disputes",
        json={
            "kind": "noise",
            "summary": "深夜噪音",
            "parties": [
                {"role": "applicant", "person_id": 2**31 - 1},
                {"role": "respondent", "name": "楼上住户"},
            ],
        },
    )
    assert r.status_code == 400 and r.json()["field"] == "parties[0].person_id", r.text
    r = await w.grid_worker.post(
        f"{M}/disputes", json={"kind": "noise", "summary": "x", "parties": [], "surprise": 1}
    )
    assert r.status_code == 400
    async with w.h.tenant("comm-a"):
        from plugins.mediation.tables import Dispute

        assert await Dispute.count().run() == 0
    d = await w.in_mediation()
    start = dt.datetime.now(dt.UTC).replace(microsecond=0)
    r = await w.mediator.post(
        f"{M}/disputes/{d['id']}/sessions",
        json={
            "room": "调解室",
            "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(minutes=20)).isoformat(),
        },
    )
    assert r.status_code == 409, r.text  # the room is booked by the first session
    r = await w.mediator.post(
        f"{M}/disputes/{d['id']}/sessions",
        json={"room": "会议室", "starts_at": start.isoformat(), "ends_at": start.isoformat()},
    )
    assert r.status_code == 400 and r.json()["field"] == "room"
    # a party's or the grid worker's note is refused: only mediators write notes
    r = await w.grid_worker.post(f"{M}/disputes/{d['id']}/notes", json={"body": "x", "visibility": "parties"})
    assert r.status_code == 403
    r = await w.committee.post(f"{M}/disputes/{d['id']}/notes", json={"body": "x", "visibility": "parties"})
    assert r.status_code == 400 and r.json()["field"] == "visibility"


async def test_a_resident_raises_their_own_dispute_and_sees_it(world: World):
    w = world
    r = await w.applicant.post(
        f"{M}/disputes",
        json={
            "kind": "noise",
            "summary": "楼上深夜噪音",
            "parties": [
                {"role": "applicant"},
                {"role": "respondent", "person_id": w.respondent_person["id"]},
            ],
        },
    )
    assert r.status_code == 201, r.text
    d = r.json()
    assert d["source"] == "resident" and d["you"]["party_ids"] == [w.party_id(d, "applicant")]
    mine = (await w.applicant.get(f"{M}/disputes")).json()["items"]
    assert [x["id"] for x in mine] == [d["id"]]
    assert (await w.staff.get(f"{M}/disputes")).json()["items"] == []
    assert (await w.respondent.get(f"{M}/disputes/{d['id']}")).status_code == 200


async def test_no_repair_is_asked_where_the_repairs_plugin_is_off(world: World):
    w = world
    await w.h.disable("comm-a", "repairs")
    d = await w.raise_leak()
    r = await w.committee.post(f"{M}/disputes/{d['id']}/accept")
    assert r.json()["repair"] is None
    roster = (await w.committee.get(f"{M}/mediators")).json()
    assert all(m["specialities"] == ["leak"] for m in roster)  # a list, not JSON text
