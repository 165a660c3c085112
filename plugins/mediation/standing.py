"""Who the caller is to a dispute: the one place that decides who may see a dispute at all.

The API, the pages, the figures' drill-downs, privacy export and attachments all ask here. A
dispute one has no standing in answers 404, exactly like a missing one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from core.api import NotFound, holds, people_in_scope, person_of_user


@dataclass(frozen=True)
class Standing:
    user_id: int | None
    committee: bool  # holds mediation.manage: the mediation committee
    mediator_id: int | None  # the caller's roster entry, when assigned to this dispute
    party_ids: frozenset[int]  # the party rows the caller speaks for (themself or as representative)
    raiser: bool  # raised it (a grid worker or staff member): sees the summary and the state
    visitor: bool = False  # makes the return visit: a grid worker of a party's home, once one is due

    @property
    def sees(self) -> bool:
        return self.committee or self.mediates or bool(self.party_ids) or self.raiser or self.visitor

    @property
    def mediates(self) -> bool:
        return self.mediator_id is not None

    @property
    def inside(self) -> bool:
        """Mediators, parties and the committee: those who may read the agreement."""
        return self.committee or self.mediates or bool(self.party_ids)


async def mediator_of_user(user_id: int) -> dict[str, Any] | None:
    from plugins.mediation.tables import Mediator

    return (
        await Mediator.select().where((Mediator.user_id == user_id) & Mediator.active.eq(True)).first().run()
    )


def caller_id(request: Any) -> int:
    return int(request.user.user_id)


async def _visits(request: Any, dispute_id: int, persons: list[int]) -> bool:
    """A grid worker (mediation.follow_up) whose grid holds a party's home, once a return visit
    of the dispute has its case."""
    from plugins.mediation.tables import FollowUp

    if not holds(request, "mediation.follow_up"):
        return False
    if (
        not await FollowUp.exists()
        .where((FollowUp.dispute == dispute_id) & FollowUp.case_id.is_not_null())
        .run()
    ):
        return False
    scope = await people_in_scope(request)
    return scope is None or any(p in scope for p in persons)


async def standing_as(user_id: int, has: Callable[[str], bool], dispute: dict[str, Any]) -> Standing:
    """The standing of login ``user_id`` holding permissions ``has`` (no return-visit rule: that
    needs the request's grid scope, see ``standing``)."""
    from plugins.mediation.tables import Assignment, Party

    mediator_id = None
    me = await mediator_of_user(user_id)
    if me is not None and (
        await Assignment.exists()
        .where(
            (Assignment.dispute == dispute["id"])
            & (Assignment.mediator == me["id"])
            & Assignment.ended_at.is_null()
        )
        .run()
    ):
        mediator_id = me["id"]
    person = await person_of_user(user_id)
    parties = (
        await Party.select(Party.id, Party.person_id, Party.representative_user_id)
        .where(Party.dispute == dispute["id"])
        .run()
    )
    mine = frozenset(
        p["id"]
        for p in parties
        if (person is not None and p["person_id"] == person) or p["representative_user_id"] == user_id
    )
    return Standing(
        user_id=user_id,
        committee=has("mediation.manage"),
        mediator_id=mediator_id,
        party_ids=mine,
        raiser=dispute["raised_by_user_id"] == user_id,
    )


async def standing(request: Any, dispute: dict[str, Any]) -> Standing:
    from plugins.mediation.tables import Party

    who = await standing_as(caller_id(request), lambda p: holds(request, p), dispute)
    if who.party_ids or who.mediates:
        return who
    persons = [
        p["person_id"]
        for p in await Party.select(Party.person_id).where(Party.dispute == dispute["id"]).run()
        if p["person_id"] is not None
    ]
    return replace(who, visitor=await _visits(request, dispute["id"], persons))


def person_standing(person_id: int, party_rows: list[dict[str, Any]]) -> Standing:
    """A person of the register as a party, for their privacy export (no login involved)."""
    return Standing(
        user_id=None,
        committee=False,
        mediator_id=None,
        party_ids=frozenset(p["id"] for p in party_rows if p["person_id"] == person_id),
        raiser=False,
    )


async def get_dispute(dispute_id: int) -> dict[str, Any]:
    from plugins.mediation.tables import Dispute

    row = await Dispute.select().where(Dispute.id == dispute_id).first().run()
    if row is None:
        raise NotFound("no such dispute")
    return row


async def dispute_for(request: Any, dispute_id: int) -> tuple[dict[str, Any], Standing]:
    """The dispute and the caller's standing in it, or NotFound when they have none."""
    dispute = await get_dispute(dispute_id)
    who = await standing(request, dispute)
    if not who.sees:
        raise NotFound("no such dispute")
    return dispute, who


async def visible_dispute_ids(request: Any) -> set[int] | None:
    """The disputes a caller may list (None: all of them, for the committee): by the same rules
    as ``standing``."""
    from plugins.mediation.tables import Assignment, Dispute, FollowUp, Party

    if holds(request, "mediation.manage"):
        return None
    user_id = caller_id(request)
    ids = {
        r["id"] for r in await Dispute.select(Dispute.id).where(Dispute.raised_by_user_id == user_id).run()
    }
    me = await mediator_of_user(user_id)
    if me is not None:
        ids |= {
            r["dispute"]
            for r in await Assignment.select(Assignment.dispute)
            .where((Assignment.mediator == me["id"]) & Assignment.ended_at.is_null())
            .run()
        }
    person = await person_of_user(user_id)
    where: Any = Party.representative_user_id == user_id
    if person is not None:
        where = where | (Party.person_id == person)
    ids |= {r["dispute"] for r in await Party.select(Party.dispute).where(where).run()}
    if holds(request, "mediation.follow_up"):  # return visits due in the caller's grid
        due = {
            r["dispute"]
            for r in await FollowUp.select(FollowUp.dispute).where(FollowUp.case_id.is_not_null()).run()
        }
        if due:
            scope = await people_in_scope(request)
            rows = (
                await Party.select(Party.dispute, Party.person_id)
                .where(Party.dispute.is_in(sorted(due)))
                .run()
            )
            ids |= {r["dispute"] for r in rows if scope is None or r["person_id"] in scope}
    return ids
