"""The dispute's states: screening, mediators, no agreement, closing. Each move is checked
against vocabulary.TRANSITIONS and the core case follows it."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from core.api import Conflict, InvalidInput, clean_text, emit, person_of_user
from plugins.mediation import cases
from plugins.mediation.standing import get_dispute
from plugins.mediation.vocabulary import CASE_STATE, REFERRALS, TRANSITIONS, choices

CASE_REASONS = {"referred_out": "转其他机关处理 / referred elsewhere", "declined": "不予受理 / declined"}


async def move(dispute_id: int, to: str, *, actor_id: int | None, reason: str = "", **changes: Any) -> dict:
    from plugins.mediation.tables import Dispute

    dispute = await get_dispute(dispute_id)
    state = dispute["state"]
    if to not in TRANSITIONS.get(state, frozenset()):
        raise Conflict("this step does not fit the dispute's present state")
    now = dt.datetime.now(dt.UTC)
    values: dict[Any, Any] = {Dispute.state: to, **{getattr(Dispute, k): v for k, v in changes.items()}}
    if reason:
        values[Dispute.state_reason] = reason
    if to in ("accepted", "referred_out", "declined"):
        values[Dispute.decided_at] = now
    if to == "closed":
        values[Dispute.closed_at] = now
    await Dispute.update(values).where(Dispute.id == dispute_id).run()
    # The case's history carries a generic reason, never the dispute's own words.
    await cases.follow(dispute["case_id"], CASE_STATE[to], actor_id=actor_id, reason=CASE_REASONS.get(to, ""))
    await emit(
        f"mediation.{to}",
        {"dispute_id": dispute_id, "from": state, "to": to, "kind": dispute["kind"]},
        actor_id=actor_id,
    )
    return await get_dispute(dispute_id)


def _reason(reason: str) -> str:
    return clean_text(reason, "reason", 500, multiline=True)


async def begin_screening(dispute_id: int, *, actor_id: int) -> dict:
    return await move(dispute_id, "screening", actor_id=actor_id)


async def accept(dispute_id: int, *, actor_id: int) -> dict:
    from plugins.mediation import links

    dispute = await move(dispute_id, "accepted", actor_id=actor_id)
    await links.request_repair_if_leak(dispute, actor_id=actor_id)
    return dispute


async def refer_out(dispute_id: int, *, referred_to: str, reason: str, actor_id: int | None) -> dict:
    if referred_to not in REFERRALS:
        raise InvalidInput(f"must be one of {choices(REFERRALS)}", field="referred_to")
    return await move(
        dispute_id, "referred_out", actor_id=actor_id, reason=_reason(reason), referred_to=referred_to
    )


async def decline(dispute_id: int, *, reason: str, actor_id: int) -> dict:
    return await move(dispute_id, "declined", actor_id=actor_id, reason=_reason(reason))


async def no_agreement(dispute_id: int, *, referred_to: str, reason: str, actor_id: int) -> dict:
    if referred_to and referred_to not in REFERRALS:
        raise InvalidInput(f"must be empty or one of {choices(REFERRALS)}", field="referred_to")
    return await move(
        dispute_id, "no_agreement", actor_id=actor_id, reason=_reason(reason), referred_to=referred_to
    )


async def close(dispute_id: int, *, actor_id: int | None, reason: str = "") -> dict:
    return await move(
        dispute_id, "closed", actor_id=actor_id, reason=clean_text(reason, "reason", 500, required=False)
    )


# -- mediators on a dispute -----------------------------------------------------------------


async def assign(dispute_id: int, mediator_id: int, *, lead: bool, actor_id: int) -> dict:
    """Put a mediator (or an expert) on the dispute. Refused when they declared a conflict with
    a party or a party objected to them; the first assignment moves an accepted dispute on."""
    from plugins.mediation.tables import Assignment, Mediator, Objection, Party
    from plugins.mediation.tables import Conflict as DeclaredConflict

    dispute = await get_dispute(dispute_id)
    if dispute["state"] not in ("accepted", "assigned", "in_mediation", "breached"):
        raise Conflict("mediators are assigned once a dispute is accepted")
    mediator = await Mediator.select().where(Mediator.id == mediator_id).first().run()
    if mediator is None or not mediator["active"]:
        raise InvalidInput("no such mediator on the roster", field="mediator_id")
    if not mediator["available"]:
        raise InvalidInput("this mediator is marked unavailable", field="mediator_id")
    persons = [
        p["person_id"]
        for p in await Party.select(Party.person_id).where(Party.dispute == dispute_id).run()
        if p["person_id"] is not None
    ]
    conflict = (
        await DeclaredConflict.select(DeclaredConflict.reason)
        .where((DeclaredConflict.mediator == mediator_id) & DeclaredConflict.person_id.is_in(persons or [0]))
        .first()
        .run()
    )
    if conflict is not None or (
        mediator["user_id"] is not None and await person_of_user(mediator["user_id"]) in persons
    ):
        raise InvalidInput(
            "this mediator has a declared conflict of interest with a party", field="mediator_id"
        )
    if (
        await Objection.exists()
        .where((Objection.dispute == dispute_id) & (Objection.mediator == mediator_id))
        .run()
    ):
        raise InvalidInput("a party has objected to this mediator", field="mediator_id")
    if (
        await Assignment.exists()
        .where(
            (Assignment.dispute == dispute_id)
            & (Assignment.mediator == mediator_id)
            & Assignment.ended_at.is_null()
        )
        .run()
    ):
        raise Conflict("this mediator is already on the dispute")
    now = dt.datetime.now(dt.UTC)
    if lead:  # one lead mediator at a time
        await Assignment.update({Assignment.lead: False}).where(Assignment.dispute == dispute_id).run()
    await Assignment.insert(
        Assignment(dispute=dispute_id, mediator=mediator_id, lead=lead, by_user_id=actor_id, assigned_at=now)
    ).run()
    if dispute["state"] == "accepted":
        dispute = await move(dispute_id, "assigned", actor_id=actor_id)
        if mediator["user_id"] is not None and lead:
            from core.api import assign_case

            # A mediator who is not a member of the community: the case stays unassigned.
            with contextlib.suppress(Conflict, InvalidInput):
                await assign_case(dispute["case_id"], mediator["user_id"], actor_id=actor_id)
    return dispute


async def object_to(dispute_id: int, party_id: int, mediator_id: int, *, reason: str, actor_id: int) -> None:
    """A party objects to a mediator (申请回避): a current assignment ends, none is made again."""
    from plugins.mediation.tables import Assignment, Mediator, Objection, Party

    if not await Party.exists().where((Party.id == party_id) & (Party.dispute == dispute_id)).run():
        raise InvalidInput("not a party of this dispute", field="party_id")
    if not await Mediator.exists().where(Mediator.id == mediator_id).run():
        raise InvalidInput("no such mediator on the roster", field="mediator_id")
    now = dt.datetime.now(dt.UTC)
    await Objection.insert(
        Objection(dispute=dispute_id, party=party_id, mediator=mediator_id, reason=_reason(reason), at=now)
    ).run()
    await (
        Assignment.update({Assignment.ended_at: now})
        .where(
            (Assignment.dispute == dispute_id)
            & (Assignment.mediator == mediator_id)
            & Assignment.ended_at.is_null()
        )
        .run()
    )
