"""The confidentiality matrix: every read route of the plugin, the core's case views, privacy
export and search, as each kind of caller, over notes of every visibility — on both databases.

Each note's body carries a marker; a caller's responses may contain exactly the markers of the
notes they may read, and no response of theirs any other.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.plugins.mediation.conftest import BASE, M, World

MARKERS = {
    "mediators": "MARK-MEDIATORS-ONLY",
    "party_applicant": "MARK-FOR-APPLICANT",
    "party_respondent": "MARK-FOR-RESPONDENT",
    "parties": "MARK-FOR-BOTH",
    "committee": "MARK-FOR-COMMITTEE",
    "caucus": "MARK-CAUCUS",  # asked for both parties, sealed to the mediators
}
EVERY = set(MARKERS)
# Who may read which note (the rest must never see its marker anywhere).
MAY_READ = {
    "mediator": EVERY,
    "expert": EVERY,
    "applicant": {"party_applicant", "parties"},
    "respondent": {"party_respondent", "parties"},
    "committee": {"committee", "parties"},
    "grid_worker": set(),  # raised it: sees the dispute, not its notes
    "other_grid_worker": set(),
    "staff": set(),
    "admin": set(),
    "office": set(),
    "stranger": set(),
}
SEES_DISPUTE = {"mediator", "expert", "applicant", "respondent", "committee", "grid_worker"}


async def write_notes(w: World, d: dict[str, Any]) -> dict[str, int]:
    applicant, respondent = w.party_id(d, "applicant"), w.party_id(d, "respondent")
    ids = {}
    for key, visibility, party in (
        ("mediators", "mediators", None),
        ("party_applicant", "party", applicant),
        ("party_respondent", "party", respondent),
        ("parties", "parties", None),
    ):
        r = await w.mediator.post(
            f"{M}/disputes/{d['id']}/notes",
            json={"body": f"{MARKERS[key]} 记录", "visibility": visibility, "party_id": party},
        )
        assert r.status_code == 201, r.text
        ids[key] = r.json()["id"]
    r = await w.committee.post(
        f"{M}/disputes/{d['id']}/notes",
        json={"body": f"{MARKERS['committee']} 委员会意见", "visibility": "committee"},
    )
    assert r.status_code == 201, r.text
    ids["committee"] = r.json()["id"]
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(hours=2)
    r = await w.mediator.post(
        f"{M}/disputes/{d['id']}/sessions",
        json={
            "kind": "caucus",
            "caucus_party_id": respondent,
            "room": "调解室",
            "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(minutes=30)).isoformat(),
        },
    )
    assert r.status_code == 201, r.text
    r = await w.mediator.post(
        f"{M}/disputes/{d['id']}/notes",
        json={"body": f"{MARKERS['caucus']} 单独谈话", "visibility": "parties", "session_id": r.json()["id"]},
    )
    assert r.status_code == 201 and r.json()["visibility"] == "mediators", r.text
    ids["caucus"] = r.json()["id"]
    return ids


def callers(w: World) -> dict[str, Any]:
    return {
        "mediator": w.mediator,
        "expert": w.expert,
        "applicant": w.applicant,
        "respondent": w.respondent,
        "committee": w.committee,
        "grid_worker": w.grid_worker,
        "other_grid_worker": w.other_grid_worker,
        "staff": w.staff,
        "admin": w.admin,
        "office": w.office,
        "stranger": w.stranger,
    }


async def test_no_confidential_text_reaches_anyone_who_may_not_read_it(world: World):
    w = world
    d = await w.in_mediation()
    ids = await write_notes(w, d)
    case_id = None
    async with w.h.tenant("comm-a"):
        from plugins.mediation.tables import Dispute

        case_id = (await Dispute.select(Dispute.case_id).where(Dispute.id == d["id"]).first().run())[
            "case_id"
        ]

    for name, client in callers(w).items():
        seen: list[str] = []
        # the dispute, the list, the search (a marker word and a party's name)
        for path in (
            f"{M}/disputes/{d['id']}",
            f"{M}/disputes",
            f"{M}/disputes?q=MARK",
            f"{M}/disputes?q=张桂兰",
            f"{M}/figures",
            f"{BASE}/cases?type=mediation",
            f"{BASE}/cases/{case_id}",
            f"/api/v1/c/comm-b/mediation/disputes/{d['id']}",
        ):
            r = await client.get(path)
            assert r.status_code < 500, (name, path, r.text)
            seen.append(r.text)
        r = await client.get(f"{M}/disputes/{d['id']}")
        assert (r.status_code == 200) == (name in SEES_DISPUTE), (name, r.status_code)
        # each note on its own: 200 for exactly the readable ones, 404 for the rest
        for key, note_id in ids.items():
            r = await client.get(f"{M}/disputes/{d['id']}/notes/{note_id}")
            seen.append(r.text)
            expected = 200 if key in MAY_READ[name] else 404
            assert r.status_code in (expected, 403), (name, key, r.status_code, r.text)
            assert (r.status_code == 200) == (key in MAY_READ[name]), (name, key, r.status_code)
        text = "\n".join(seen)
        for key, marker in MARKERS.items():
            assert (marker in text) == (key in MAY_READ[name]), (name, key)

    # The privacy export of each party holds the notes that party may read, and no others.
    for person, who in ((w.applicant_person, "applicant"), (w.respondent_person, "respondent")):
        r = await w.admin.get(f"{BASE}/persons/{person['id']}/privacy-export")
        assert r.status_code == 200, r.text
        for key, marker in MARKERS.items():
            assert (marker in r.text) == (key in MAY_READ[who]), (who, key)


async def test_every_read_and_every_refusal_of_a_note_is_audited(world: World):
    w = world
    d = await w.in_mediation()
    ids = await write_notes(w, d)
    r = await w.applicant.get(f"{M}/disputes/{d['id']}/notes/{ids['party_respondent']}")
    assert r.status_code == 404
    r = await w.applicant.get(f"{M}/disputes/{d['id']}/notes/{ids['parties']}")
    assert r.status_code == 200
    async with w.h.tenant("comm-a"):
        from core.audit import AuditEntry  # the test reads the core's log directly

        rows = await AuditEntry.select(AuditEntry.action, AuditEntry.subject).run()
    refused = [r for r in rows if r["action"] == "mediation.note_refused"]
    read = [r for r in rows if r["action"] == "mediation.note_read"]
    assert refused == [
        {"action": "mediation.note_refused", "subject": f"mediation.note:{ids['party_respondent']}"}
    ]
    assert {"action": "mediation.note_read", "subject": f"mediation.note:{ids['parties']}"} in read


@pytest.mark.parametrize("visibility", ["secret", "", "PARTIES"])
async def test_an_unknown_visibility_is_refused_and_nothing_is_written(world: World, visibility: str):
    w = world
    d = await w.in_mediation()
    r = await w.mediator.post(f"{M}/disputes/{d['id']}/notes", json={"body": "x", "visibility": visibility})
    assert r.status_code == 400 and r.json()["field"] == "visibility", r.text
    async with w.h.tenant("comm-a"):
        from plugins.mediation.tables import Note

        assert await Note.count().run() == 0
