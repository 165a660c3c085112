"""Disputes: intake, screening, mediators, sessions, notes. Mounted at
/api/v1/c/{community}/mediation/disputes. Every route has exactly one guard; which dispute a
caller may touch is standing.dispute_for (404 otherwise)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody, QueryParameter

from core.api import InvalidInput, NotFound, holds, requires, write_transaction
from plugins.mediation import confidential, flow, intake, sessions, views
from plugins.mediation.api.bodies import (
    AssignIn,
    CloseIn,
    DisputeIn,
    NoAgreementIn,
    NoteIn,
    ObjectionIn,
    ReasonIn,
    ReferIn,
    SessionIn,
)
from plugins.mediation.standing import Standing, caller_id, dispute_for, visible_dispute_ids


def enters_for_others(request: Request) -> bool:
    """Staff, grid workers and the committee enter disputes for others; residents their own."""
    return holds(request, "residents.edit") or holds(request, "mediation.manage")


def require_mediating(who: Standing, *, committee_too: bool = True) -> None:
    if not (who.mediates or (committee_too and who.committee)):
        raise InvalidInput("only the dispute's mediators or the committee do this", field="dispute_id")


async def detail(request: Request, dispute_id: int) -> dict[str, Any]:
    dispute, who = await dispute_for(request, dispute_id)
    return await views.detail(dispute, who)


class DisputesController(Controller):
    path = "/disputes"

    @post("/", guards=[requires("mediation.raise")])
    async def raise_one(self, request: Request, data: JSONBody[DisputeIn]) -> dict[str, Any]:
        on_behalf = enters_for_others(request)
        dispute = await intake.raise_dispute(
            kind=data.kind,
            source=data.source if on_behalf else "resident",
            summary=data.summary,
            parties=[
                intake.PartyDraft(
                    role=p.role,
                    person_id=p.person_id,
                    name=p.name,
                    phone=p.phone,
                    representative=p.representative,
                    representative_user_id=p.representative_user_id,
                )
                for p in data.parties
            ],
            caller_user_id=caller_id(request),
            on_behalf=on_behalf,
            dwelling_id=data.dwelling_id,
            already_before=data.already_before,
        )
        return await detail(request, dispute["id"])

    @get("/", guards=[requires("mediation.view")])
    async def list_disputes(
        self,
        request: Request,
        in_state: Annotated[str | None, QueryParameter(name="state")] = None,
        q: Annotated[str | None, QueryParameter(max_length=60)] = None,
        before_id: Annotated[int | None, QueryParameter(ge=1, le=2_147_483_647)] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    ) -> dict[str, Any]:
        """The disputes the caller has standing in (the committee: all), newest first; numbers,
        kinds and states only. ``q`` finds a number or a party's name — never words of a
        summary or a note, so a search cannot reveal what a list does not show."""
        from plugins.mediation.tables import Dispute, Party

        query = Dispute.select()
        ids = await visible_dispute_ids(request)
        if ids is not None:
            query = query.where(Dispute.id.is_in(sorted(ids) or [0]))
        if in_state:
            query = query.where(Dispute.state == in_state)
        if q:
            named = await Party.select(Party.dispute).where(Party.name.like(f"%{q}%")).run()
            query = query.where(
                (Dispute.number == q) | Dispute.id.is_in([r["dispute"] for r in named] or [0])
            )
        if before_id:
            query = query.where(Dispute.id < before_id)
        rows = await query.order_by(Dispute.id, ascending=False).limit(limit).run()
        return {
            "items": [views.summary(r) for r in rows],
            "next_before_id": rows[-1]["id"] if len(rows) == limit else None,
        }

    @get("/{dispute_id:int}", guards=[requires("mediation.view")])
    async def one(self, request: Request, dispute_id: FromPath[int]) -> dict[str, Any]:
        return await detail(request, dispute_id)

    # -- screening (the committee) ---------------------------------------------------------

    @post("/{dispute_id:int}/screening", guards=[requires("mediation.manage")], status_code=200)
    async def screening(self, request: Request, dispute_id: FromPath[int]) -> dict[str, Any]:
        await dispute_for(request, dispute_id)
        await flow.begin_screening(dispute_id, actor_id=caller_id(request))
        return await detail(request, dispute_id)

    @post("/{dispute_id:int}/accept", guards=[requires("mediation.manage")], status_code=200)
    async def accept(self, request: Request, dispute_id: FromPath[int]) -> dict[str, Any]:
        await dispute_for(request, dispute_id)
        await flow.accept(dispute_id, actor_id=caller_id(request))
        return await detail(request, dispute_id)

    @post("/{dispute_id:int}/refer-out", guards=[requires("mediation.manage")], status_code=200)
    async def refer_out(
        self, request: Request, dispute_id: FromPath[int], data: JSONBody[ReferIn]
    ) -> dict[str, Any]:
        await dispute_for(request, dispute_id)
        await flow.refer_out(
            dispute_id, referred_to=data.referred_to, reason=data.reason, actor_id=caller_id(request)
        )
        return await detail(request, dispute_id)

    @post("/{dispute_id:int}/decline", guards=[requires("mediation.manage")], status_code=200)
    async def decline(
        self, request: Request, dispute_id: FromPath[int], data: JSONBody[ReasonIn]
    ) -> dict[str, Any]:
        await dispute_for(request, dispute_id)
        await flow.decline(dispute_id, reason=data.reason, actor_id=caller_id(request))
        return await detail(request, dispute_id)

    @post("/{dispute_id:int}/mediators", guards=[requires("mediation.manage")], status_code=200)
    async def assign(
        self, request: Request, dispute_id: FromPath[int], data: JSONBody[AssignIn]
    ) -> dict[str, Any]:
        await dispute_for(request, dispute_id)
        await flow.assign(dispute_id, data.mediator_id, lead=data.lead, actor_id=caller_id(request))
        return await detail(request, dispute_id)

    @post("/{dispute_id:int}/objections", guards=[requires("mediation.view")], status_code=200)
    async def object_to(
        self, request: Request, dispute_id: FromPath[int], data: JSONBody[ObjectionIn]
    ) -> dict[str, Any]:
        """A party (or the committee on their word) objects to a mediator (申请回避)."""
        _, who = await dispute_for(request, dispute_id)
        if data.party_id not in who.party_ids and not who.committee:
            raise InvalidInput("a party objects for themself", field="party_id")
        await flow.object_to(
            dispute_id, data.party_id, data.mediator_id, reason=data.reason, actor_id=caller_id(request)
        )
        return await detail(request, dispute_id)

    # -- mediation (the dispute's mediators) ------------------------------------------------

    @post("/{dispute_id:int}/sessions", guards=[requires("mediation.mediate")])
    async def session(
        self, request: Request, dispute_id: FromPath[int], data: JSONBody[SessionIn]
    ) -> dict[str, Any]:
        _, who = await dispute_for(request, dispute_id)
        return await sessions.hold_session(
            dispute_id,
            kind=data.kind,
            room=data.room,
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            attendees=data.attendees,
            caucus_party_id=data.caucus_party_id,
            by=who,
        )

    @post("/{dispute_id:int}/notes", guards=[requires("mediation.mediate")])
    async def note(
        self, request: Request, dispute_id: FromPath[int], data: JSONBody[NoteIn]
    ) -> dict[str, Any]:
        _, who = await dispute_for(request, dispute_id)
        return await sessions.write_note(
            dispute_id,
            body=data.body,
            visibility=data.visibility,
            party_id=data.party_id,
            session_id=data.session_id,
            by=who,
        )

    # The refusal of a note is audited, so this route keeps its own transaction: a 404 rolls
    # the request's transaction back, and the audit row with it.
    @get(
        "/{dispute_id:int}/notes/{note_id:int}",
        guards=[requires("mediation.view")],
        opt={"transaction": False},
    )
    async def read_note(
        self, request: Request, dispute_id: FromPath[int], note_id: FromPath[int]
    ) -> dict[str, Any]:
        found: dict[str, Any] | None = None
        async with write_transaction():
            _, who = await dispute_for(request, dispute_id)
            try:
                note = await confidential.note_for(dispute_id, note_id, who)
            except NotFound:
                note = None
            if note is not None:
                found = {k: note[k] for k in ("id", "session", "visibility", "party", "body", "created_at")}
        if found is None:
            raise NotFound("no such note")
        return found

    @post("/{dispute_id:int}/no-agreement", guards=[requires("mediation.mediate")], status_code=200)
    async def no_agreement(
        self, request: Request, dispute_id: FromPath[int], data: JSONBody[NoAgreementIn]
    ) -> dict[str, Any]:
        _, who = await dispute_for(request, dispute_id)
        require_mediating(who)
        await flow.no_agreement(
            dispute_id, referred_to=data.referred_to, reason=data.reason, actor_id=caller_id(request)
        )
        return await detail(request, dispute_id)

    @post("/{dispute_id:int}/close", guards=[requires("mediation.mediate")], status_code=200)
    async def close(
        self, request: Request, dispute_id: FromPath[int], data: JSONBody[CloseIn]
    ) -> dict[str, Any]:
        _, who = await dispute_for(request, dispute_id)
        require_mediating(who)
        await flow.close(dispute_id, actor_id=caller_id(request), reason=data.reason)
        return await detail(request, dispute_id)
