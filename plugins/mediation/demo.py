"""Demo data: the seed's leaking solar water heater (shared/seeds/001), told through the plugin.

A resident finds water coming through her living-room ceiling from the solar water heater of the
flat above; the grid worker visits; the "three experts and one mediator" team — a people's
mediator and a psychologist with the grid worker — talk with each side apart, then together,
with the Civil Code's rules on neighbouring relations; after an hour the upstairs neighbour
agrees to repair the heater; three days later the grid worker's return visit finds it fixed and
the two shaking hands.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.api import dwellings_of_building, list_buildings, residents_of_dwelling
from plugins.mediation import agreements, flow, follow_ups, intake, mediators, sessions
from plugins.mediation.manifest import COORDINATOR, MEDIATOR
from plugins.mediation.standing import Standing


def _level(flat: Any) -> int:
    """The storey: the register's floor, or read from the number ("301" is on the third)."""
    head = flat.number[:-2]
    return flat.floor if flat.floor > 1 or not head.isdigit() else int(head)


async def _neighbours() -> tuple[Any, Any] | None:
    """Two people of the register living one above the other in the same building."""
    for building in await list_buildings():
        flats = await dwellings_of_building(building.id)
        by_place = {(d.unit_id, _level(d), d.number[-2:]): d for d in flats}
        for d in flats:
            above = by_place.get((d.unit_id, _level(d) + 1, d.number[-2:]))
            if above is None:
                continue
            below_people, above_people = (
                await residents_of_dwelling(d.id),
                await residents_of_dwelling(above.id),
            )
            if below_people and above_people:
                return below_people[0], above_people[0]
    return None


async def load(logins: dict[str, int]) -> None:
    pair = await _neighbours()
    coordinator, mediator_user = logins.get(COORDINATOR), logins.get(MEDIATOR)
    if pair is None or coordinator is None or mediator_user is None:
        return
    below, above = pair
    lead = await mediators.add(
        name="石榴籽调解室 人民调解员",
        kind="peoples_mediator",
        user_id=mediator_user,
        specialities=["leak", "noise"],
    )
    expert = await mediators.add(
        name="心理咨询师（志愿）", kind="psychologist", specialities=["family", "leak"]
    )
    await mediators.add(name="社区法律顾问", kind="lawyer", specialities=["property", "parking"])
    await mediators.add(name="社工站社工", kind="social_worker", specialities=["family", "pets"])

    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    agreed = now - dt.timedelta(days=4)
    dispute = await intake.raise_dispute(
        kind="leak",
        source="grid_worker",
        summary="三楼住户楼顶的太阳能热水器漏水，导致楼下客厅屋顶墙壁渗水、墙皮脱落；双方多次争执。",
        parties=[
            intake.PartyDraft(role="applicant", person_id=below.id),
            intake.PartyDraft(role="respondent", person_id=above.id),
        ],
        caller_user_id=coordinator,
        on_behalf=True,
        at=agreed - dt.timedelta(days=2),
    )
    did = dispute["id"]
    await flow.accept(did, actor_id=coordinator)
    from plugins.mediation.tables import Dispute

    # The story took days: screening the day after intake (the rest is dated as it happened).
    await Dispute.update({Dispute.decided_at: agreed - dt.timedelta(days=1)}).where(Dispute.id == did).run()
    await flow.assign(did, lead["id"], lead=True, actor_id=coordinator)
    await flow.assign(did, expert["id"], lead=False, actor_id=coordinator)
    who = Standing(
        user_id=mediator_user, committee=False, mediator_id=lead["id"], party_ids=frozenset(), raiser=False
    )
    joint = await sessions.hold_session(
        did,
        kind="joint",
        room="调解室",
        starts_at=agreed - dt.timedelta(hours=1, minutes=10),
        ends_at=agreed,
        attendees=["人民调解员", "心理咨询师", "网格员", below.name, above.name],
        caucus_party_id=None,
        by=who,
    )
    await sessions.write_note(
        did,
        body="先分别询问、稳定情绪，再讲解民法典相邻关系的规定和处理原则。",
        visibility="mediators",
        session_id=joint["id"],
        by=who,
    )
    await sessions.write_note(
        did,
        body="双方同意：三楼尽快维修太阳能热水器；三日后网格员回访。",
        visibility="parties",
        session_id=joint["id"],
        by=who,
    )
    from plugins.mediation.tables import Party

    parties = {
        p["role"]: p["id"] for p in await Party.select(Party.id, Party.role).where(Party.dispute == did).run()
    }
    await agreements.make_agreement(
        did,
        text="依据《中华人民共和国民法典》关于相邻关系的规定，经调解，双方自愿达成如下协议。",
        made_on=agreed.date(),
        terms=[
            agreements.TermDraft(
                obligor_party_id=parties["respondent"],
                action="尽快维修太阳能热水器，更换漏水零件",
                due_on=agreed.date() + dt.timedelta(days=3),
            )
        ],
        by=who,
    )
    for role in ("applicant", "respondent"):
        await agreements.sign(did, party_id=parties[role], method="paper", by=who, at=agreed)
    from plugins.mediation.agreements import agreement_of, terms_of

    agreement = await agreement_of(did)
    assert agreement is not None  # made just above
    for term in await terms_of(agreement["id"]):
        await agreements.record_term(
            did, term["id"], state="done", note="已更换零件，修好", by=who, on=agreed.date()
        )
    await follow_ups.open_due(dt.date.today())
    [visit] = await follow_ups.follow_ups_of(did)
    visitor = Standing(
        user_id=coordinator, committee=True, mediator_id=None, party_ids=frozenset(), raiser=True
    )
    await follow_ups.record(
        did, visit["id"], outcome="三楼住户已更换零件、修好热水器，双方握手言和。", settled=True, by=visitor
    )
