"""The pages: a grid worker raises the dispute, the committee screens and assigns, the mediator
records a session, notes and the agreement, both parties sign (one on the phone), the grid
worker records the return visit — through the HTML forms, with inline errors that save nothing."""

from __future__ import annotations

import datetime as dt
import re

from tests.plugins.mediation.conftest import World

P = "/c/comm-a/mediation"


def dispute_id_of(response) -> int:
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


async def test_the_whole_dispute_through_the_pages(world: World):
    w = world
    form = await w.grid_worker.get(f"{P}/new")
    assert form.status_code == 200 and "3栋" in form.text and "漏水" in form.text
    body = {
        "kind": "leak",
        "source": "grid_worker",
        "summary": "楼上太阳能热水器漏水",
        "applicant_name": "张桂兰",
        "applicant_building": str(w.applicant_person["building_id"]),
        "applicant_number": "201",
        "respondent_name": "李建国",
        "respondent_building": str(w.respondent_person["building_id"]),
        "respondent_number": "999",
    }
    bad = await w.grid_worker.post(f"{P}/new", data=body)
    assert bad.status_code == 400 and "楼上太阳能热水器漏水" in bad.text  # the values are kept
    async with w.h.tenant("comm-a"):
        from plugins.mediation.tables import Dispute

        assert await Dispute.count().run() == 0
    dispute = dispute_id_of(await w.grid_worker.post(f"{P}/new", data={**body, "respondent_number": "301"}))
    page = await w.grid_worker.get(f"{P}/{dispute}")
    assert page.status_code == 200 and "已受理" not in page.text and "李建国" in page.text

    # the committee accepts and assigns; the case engine's pages show nothing of it
    r = await w.committee.post(f"{P}/{dispute}/accept")
    assert r.status_code == 303, r.text
    r = await w.committee.post(
        f"{P}/{dispute}/mediators", data={"mediator_id": str(w.mediator_row["id"]), "lead": "1"}
    )
    assert r.status_code == 303, r.text
    page = await w.committee.get(f"{P}/{dispute}")
    assert "周调解员" in page.text and "指派" in page.text

    # the mediator records a session (a bad time is refused beside its field), a note, the agreement
    session = {
        "kind": "joint",
        "caucus_party_id": "",
        "room": "调解室",
        "day": dt.date.today().isoformat(),
        "starts": "25:00",
        "ends": "10:00",
        "attendees": "人民调解员，心理咨询师，网格员",
    }
    bad = await w.mediator.post(f"{P}/{dispute}/sessions", data=session)
    assert bad.status_code == 400 and 'id="f-starts-error"' in bad.text
    r = await w.mediator.post(f"{P}/{dispute}/sessions", data={**session, "starts": "09:00"})
    assert r.status_code == 303, r.text
    page = await w.mediator.get(f"{P}/{dispute}")
    assert "调解中" in page.text or "In mediation" in page.text
    r = await w.mediator.post(
        f"{P}/{dispute}/notes",
        data={
            "words": "双方情绪激动，先分别安抚。",
            "visibility": "mediators",
            "party_id": "",
            "session_id": "",
        },
    )
    assert r.status_code == 303, r.text
    parties = dict(re.findall(r'<option value="(\d+)" >([^<（]+)（', page.text))
    respondent = next(k for k, v in parties.items() if v == "李建国")
    today = dt.date.today().isoformat()
    agreement = {
        "wording": "依据民法典相邻关系，双方自愿达成协议。",
        "made_on": today,
        "party_0": respondent,
        "action_0": "更换漏水管件",
        "due_0": today,
        "amount_0": "",
        "party_1": respondent,
        "action_1": "赔偿天花板修补费",
        "due_1": "2020-01-01",
        "amount_1": "600",
    }
    bad = await w.mediator.post(f"{P}/{dispute}/agreement", data=agreement)
    assert bad.status_code == 400 and 'id="f-due_1-error"' in bad.text, bad.text[-2000:]
    r = await w.mediator.post(f"{P}/{dispute}/agreement", data={**agreement, "due_1": today})
    assert r.status_code == 303, r.text

    # the applicant signs on the phone; the mediator enters the respondent's paper signature
    page = await w.applicant.get(f"{P}/{dispute}")
    assert "签署协议" in page.text and "双方情绪激动" not in page.text  # the mediators' note stays sealed
    applicant = re.search(
        r'name="party_id" value="(\d+)">\s*<input type="hidden" name="method" value="phone">', page.text
    ).group(1)
    r = await w.applicant.post(f"{P}/{dispute}/sign", data={"party_id": applicant, "method": "phone"})
    assert r.status_code == 303, r.text
    r = await w.mediator.post(f"{P}/{dispute}/sign", data={"party_id": respondent, "method": "paper"})
    assert r.status_code == 303, r.text
    page = await w.mediator.get(f"{P}/{dispute}")
    assert "协议履行中" in page.text or "Agreement being carried out" in page.text
    printable = await w.respondent.get(f"{P}/{dispute}/agreement")
    assert printable.status_code == 200 and "更换漏水管件" in printable.text and "600.00" in printable.text
    assert (await w.staff.get(f"{P}/{dispute}/agreement")).status_code == 404


async def test_the_roster_page(world: World):
    w = world
    page = await w.committee.get(f"{P}/mediators")
    assert page.status_code == 200 and "周调解员" in page.text
    r = await w.committee.post(
        f"{P}/mediators",
        data={
            "name": "刘律师",
            "kind": "lawyer",
            "phone": "",
            "username": "nobody-here",
            "specialities": "leak",
        },
    )
    assert r.status_code == 400 and "nobody-here" in r.text
    r = await w.committee.post(
        f"{P}/mediators", data={"name": "刘律师", "kind": "lawyer", "phone": "", "username": ""}
    )
    assert r.status_code == 303, r.text
    assert "刘律师" in (await w.committee.get(f"{P}/mediators")).text
    assert (await w.staff.get(f"{P}/mediators")).status_code == 403
