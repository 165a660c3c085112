"""From intake to the return visit, as the seed's solar water heater dispute went."""

from __future__ import annotations

import datetime as dt

from tests.plugins.mediation.conftest import M, World


async def test_the_solar_water_heater_dispute_from_intake_to_the_return_visit(world: World):
    w = world
    d = await w.in_mediation()
    assert [m["name"] for m in d["mediators"]] == ["周调解员", "陈心理咨询师"]
    applicant, respondent = w.party_id(d, "applicant"), w.party_id(d, "respondent")
    today = dt.date.today()
    r = await w.mediator.post(
        f"{M}/disputes/{d['id']}/agreement",
        json={
            "text": "依据民法典相邻关系规定，双方自愿达成如下协议。",
            "made_on": today.isoformat(),
            "terms": [
                {
                    "obligor_party_id": respondent,
                    "action": "更换太阳能热水器漏水管件",
                    "due_on": today.isoformat(),
                },
                {
                    "obligor_party_id": respondent,
                    "action": "赔偿楼下天花板修补费用",
                    "due_on": (today + dt.timedelta(days=7)).isoformat(),
                    "amount_fen": 60000,
                },
            ],
        },
    )
    assert r.status_code == 201, r.text
    assert r.json()["state"] == "in_mediation"  # not binding until both have signed
    r = await w.applicant.post(f"{M}/disputes/{d['id']}/agreement/signatures", json={"party_id": applicant})
    assert r.status_code == 201, r.text
    r = await w.mediator.post(
        f"{M}/disputes/{d['id']}/agreement/signatures", json={"party_id": respondent, "method": "paper"}
    )
    assert r.status_code == 201, r.text
    d = r.json()
    assert d["state"] == "performing" and d["agreement"]["signed_at"] is not None
    assert d["agreement"]["confirmation_deadline"] == (today + dt.timedelta(days=30)).isoformat()
    [visit] = d["follow_ups"]
    assert visit["due_on"] == (today + dt.timedelta(days=3)).isoformat()

    # The terms are carried out; the dispute is performed.
    for term in d["agreement"]["terms"]:
        r = await w.mediator.post(
            f"{M}/disputes/{d['id']}/agreement/terms/{term['id']}", json={"state": "done"}
        )
        assert r.status_code == 200, r.text
    assert r.json()["state"] == "performed"

    # Three days later the daily round opens the return visit for the grid.
    from plugins.mediation.jobs import daily_round

    async with w.h.tenant("comm-a"):
        assert (await daily_round(today + dt.timedelta(days=3)))["follow_ups_opened"] == 1
    r = await w.grid_worker.get(f"{M}/disputes/{d['id']}")
    assert r.status_code == 200, r.text
    seen = r.json()
    assert seen["you"]["visitor"] and seen["notes"] == [] and seen["agreement"] is None
    r = await w.grid_worker.post(
        f"{M}/disputes/{d['id']}/follow-ups/{visit['id']}",
        json={"outcome": "回访：热水器已修好，天花板已修补，双方关系缓和。", "settled": True},
    )
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "closed"
    assert r.json()["follow_ups"][0]["settled"] is True

    # The core's case followed the dispute and carries nothing confidential.
    r = await w.admin.get("/api/v1/c/comm-a/cases?type=mediation")
    assert r.status_code == 200, r.text
    text = r.text
    assert "太阳能" not in text and "张桂兰" not in text


async def test_a_matter_already_before_a_court_is_referred_out_at_intake(world: World):
    d = await world.raise_leak(already_before="court")
    assert d["state"] == "referred_out" and d["referred_to"] == "court"
    assert "已由其他机关受理" in d["state_reason"]


async def test_a_broken_term_reopens_the_dispute(world: World):
    w = world
    d = await w.in_mediation()
    today = dt.date.today().isoformat()
    respondent = w.party_id(d, "respondent")
    r = await w.mediator.post(
        f"{M}/disputes/{d['id']}/agreement",
        json={
            "text": "协议",
            "terms": [{"obligor_party_id": respondent, "action": "修好热水器", "due_on": today}],
        },
    )
    assert r.status_code == 201, r.text
    for p in d["parties"]:
        r = await w.mediator.post(
            f"{M}/disputes/{d['id']}/agreement/signatures", json={"party_id": p["id"], "method": "paper"}
        )
        assert r.status_code == 201, r.text
    term = r.json()["agreement"]["terms"][0]
    r = await w.mediator.post(
        f"{M}/disputes/{d['id']}/agreement/terms/{term['id']}", json={"state": "breached", "note": "未维修"}
    )
    assert r.status_code == 200 and r.json()["state"] == "breached", r.text
    # Mediated again: a new agreement supersedes the broken one, which is kept.
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=1)
    r = await w.mediator.post(
        f"{M}/disputes/{d['id']}/sessions",
        json={
            "room": "调解室",
            "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(hours=1)).isoformat(),
        },
    )
    assert r.status_code == 201, r.text
    r = await w.mediator.get(f"{M}/disputes/{d['id']}")
    assert r.json()["state"] == "in_mediation"
