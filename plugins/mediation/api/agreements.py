"""The agreement, its signatures and terms, and the return visits. Mounted at
/api/v1/c/{community}/mediation/disputes/{id}/…"""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Controller, Request, post
from litestar.params import FromPath, JSONBody

from core.api import requires
from plugins.mediation import agreements, follow_ups
from plugins.mediation.api.bodies import (
    AgreementIn,
    ConfirmationIn,
    FollowUpIn,
    FollowUpOutcomeIn,
    SignatureIn,
    TermStateIn,
)
from plugins.mediation.api.disputes import detail
from plugins.mediation.standing import dispute_for


class AgreementsController(Controller):
    path = "/disputes/{dispute_id:int}"

    @post("/agreement", guards=[requires("mediation.mediate")])
    async def make(
        self, request: Request, dispute_id: FromPath[int], data: JSONBody[AgreementIn]
    ) -> dict[str, Any]:
        _, who = await dispute_for(request, dispute_id)
        await agreements.make_agreement(
            dispute_id,
            text=data.text,
            made_on=data.made_on or dt.date.today(),
            terms=[
                agreements.TermDraft(
                    obligor_party_id=t.obligor_party_id,
                    action=t.action,
                    due_on=t.due_on,
                    amount_fen=t.amount_fen,
                )
                for t in data.terms
            ],
            by=who,
        )
        return await detail(request, dispute_id)

    @post("/agreement/signatures", guards=[requires("mediation.view")])
    async def sign(
        self, request: Request, dispute_id: FromPath[int], data: JSONBody[SignatureIn]
    ) -> dict[str, Any]:
        _, who = await dispute_for(request, dispute_id)
        await agreements.sign(
            dispute_id, party_id=data.party_id, method=data.method, attachment_id=data.attachment_id, by=who
        )
        return await detail(request, dispute_id)

    @post("/agreement/terms/{term_id:int}", guards=[requires("mediation.mediate")], status_code=200)
    async def term(
        self, request: Request, dispute_id: FromPath[int], term_id: FromPath[int], data: JSONBody[TermStateIn]
    ) -> dict[str, Any]:
        _, who = await dispute_for(request, dispute_id)
        await agreements.record_term(dispute_id, term_id, state=data.state, note=data.note, by=who)
        return await detail(request, dispute_id)

    @post("/agreement/confirmation", guards=[requires("mediation.mediate")], status_code=200)
    async def confirmation(
        self, request: Request, dispute_id: FromPath[int], data: JSONBody[ConfirmationIn]
    ) -> dict[str, Any]:
        _, who = await dispute_for(request, dispute_id)
        await agreements.applied_for_confirmation(dispute_id, on=data.applied_on, by=who)
        return await detail(request, dispute_id)

    @post("/follow-ups", guards=[requires("mediation.mediate")])
    async def schedule(
        self, request: Request, dispute_id: FromPath[int], data: JSONBody[FollowUpIn]
    ) -> dict[str, Any]:
        _, who = await dispute_for(request, dispute_id)
        return await follow_ups.schedule(dispute_id, due_on=data.due_on, by=who)

    @post("/follow-ups/{follow_up_id:int}", guards=[requires("mediation.follow_up")], status_code=200)
    async def record(
        self,
        request: Request,
        dispute_id: FromPath[int],
        follow_up_id: FromPath[int],
        data: JSONBody[FollowUpOutcomeIn],
    ) -> dict[str, Any]:
        _, who = await dispute_for(request, dispute_id)
        await follow_ups.record(dispute_id, follow_up_id, outcome=data.outcome, settled=data.settled, by=who)
        return await detail(request, dispute_id)
