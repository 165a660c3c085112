"""The mediation agreement (调解协议书): terms, signatures, performance, judicial confirmation.

An agreement is written with its terms — who does what by when, and how much — and is binding
once every party has signed it (on the phone by the party, or on paper scanned by the
mediator). From then it is being performed: each term is done, late or broken, and a broken
term reopens the dispute. The parties may apply jointly for judicial confirmation within the
configured days; the daily job reminds them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from core.api import Conflict, InvalidInput, clean_text, emit
from plugins.mediation.flow import move
from plugins.mediation.settings import settings
from plugins.mediation.standing import Standing, get_dispute
from plugins.mediation.vocabulary import SIGNATURE_METHODS, choices

MAX_AMOUNT_FEN = 100_000_000_00  # one hundred million yuan: anything above is a typing error


@dataclass
class TermDraft:
    obligor_party_id: int
    action: str
    due_on: dt.date
    amount_fen: int | None = None


async def agreement_of(dispute_id: int) -> dict[str, Any] | None:
    from plugins.mediation.tables import Agreement

    return (
        await Agreement.select()
        .where((Agreement.dispute == dispute_id) & Agreement.superseded_at.is_null())
        .first()
        .run()
    )


async def make_agreement(
    dispute_id: int, *, text: str, made_on: dt.date, terms: list[TermDraft], by: Standing
) -> dict[str, Any]:
    """Write the agreement with its terms (checked first, then written). One at a time: refused
    while one waits for signatures; a broken one, mediated again, is superseded and kept."""
    from plugins.mediation.tables import Agreement, Party, Term

    if not by.mediates:
        raise InvalidInput("only a mediator of this dispute writes its agreement", field="dispute_id")
    dispute = await get_dispute(dispute_id)
    if dispute["state"] != "in_mediation":
        raise Conflict("an agreement is made while the dispute is in mediation")
    existing = await agreement_of(dispute_id)
    if existing is not None and existing["signed_at"] is None:
        raise Conflict("this dispute already has an agreement waiting for signatures")
    text = clean_text(text, "text", 10000, multiline=True)
    if not terms:
        raise InvalidInput("an agreement says who does what by when: add at least one term", field="terms")
    if len(terms) > 50:
        raise InvalidInput("at most 50 terms", field="terms")
    parties = {p["id"] for p in await Party.select(Party.id).where(Party.dispute == dispute_id).run()}
    checked = []
    for i, t in enumerate(terms):
        field = f"terms[{i}]"
        if t.obligor_party_id not in parties:
            raise InvalidInput("not a party of this dispute", field=f"{field}.obligor_party_id")
        if t.due_on < made_on:
            raise InvalidInput("a term falls due on or after the agreement's date", field=f"{field}.due_on")
        if t.amount_fen is not None and not 0 <= t.amount_fen <= MAX_AMOUNT_FEN:
            raise InvalidInput("an amount of 0 or more", field=f"{field}.amount_fen")
        checked.append((t, clean_text(t.action, f"{field}.action", 300)))
    if existing is not None:  # a re-mediated dispute: the broken agreement gives way, and is kept
        await (
            Agreement.update({Agreement.superseded_at: dt.datetime.now(dt.UTC)})
            .where(Agreement.id == existing["id"])
            .run()
        )
    agreement = Agreement(dispute=dispute_id, text=text, made_on=made_on, by_user_id=by.user_id)
    await agreement.save().run()
    await Term.insert(
        *[
            Term(
                agreement=agreement.id,
                obligor=t.obligor_party_id,
                action=action,
                due_on=t.due_on,
                amount_fen=t.amount_fen,
            )
            for t, action in checked
        ]
    ).run()
    return await agreement_of(dispute_id)  # type: ignore[return-value]


async def terms_of(agreement_id: int) -> list[dict[str, Any]]:
    from plugins.mediation.tables import Term

    return (
        await Term.select()
        .where(Term.agreement == agreement_id)
        .order_by(Term.due_on)
        .order_by(Term.id)
        .run()
    )


async def signatures_of(agreement_id: int) -> list[dict[str, Any]]:
    from plugins.mediation.tables import Signature

    return await Signature.select().where(Signature.agreement == agreement_id).order_by(Signature.id).run()


async def sign(
    dispute_id: int,
    *,
    party_id: int,
    method: str,
    by: Standing,
    attachment_id: int | None = None,
    at: dt.datetime | None = None,
) -> dict[str, Any]:
    """A party signs: ``phone`` by the party themself (or their representative), ``paper`` entered
    by a mediator from the scanned form. The last signature makes the agreement binding."""
    from plugins.mediation.tables import Agreement, FollowUp, Party, Signature

    if method not in SIGNATURE_METHODS:
        raise InvalidInput(f"must be one of {choices(SIGNATURE_METHODS)}", field="method")
    agreement = await agreement_of(dispute_id)
    if agreement is None:
        raise Conflict("there is no agreement to sign yet")
    if agreement["signed_at"] is not None:
        raise Conflict("every party has signed this agreement already")
    if not await Party.exists().where((Party.id == party_id) & (Party.dispute == dispute_id)).run():
        raise InvalidInput("not a party of this dispute", field="party_id")
    if method == "phone" and party_id not in by.party_ids:
        raise InvalidInput("a party signs on the phone for themself", field="party_id")
    if method == "paper" and not by.mediates:
        raise InvalidInput("a paper signature is entered by a mediator", field="method")
    if (
        await Signature.exists()
        .where((Signature.agreement == agreement["id"]) & (Signature.party == party_id))
        .run()
    ):
        raise Conflict("this party has signed already")
    stamp = at or dt.datetime.now(dt.UTC)
    await Signature.insert(
        Signature(
            agreement=agreement["id"],
            party=party_id,
            method=method,
            by_user_id=by.user_id,
            signed_at=stamp,
            attachment_id=attachment_id,
        )
    ).run()
    parties = {p["id"] for p in await Party.select(Party.id).where(Party.dispute == dispute_id).run()}
    signed = {s["party"] for s in await signatures_of(agreement["id"])}
    if parties <= signed:
        s = settings()
        await (
            Agreement.update(
                {
                    Agreement.signed_at: stamp,
                    Agreement.confirmation_deadline: agreement["made_on"]
                    + dt.timedelta(days=s.confirmation_days),
                }
            )
            .where(Agreement.id == agreement["id"])
            .run()
        )
        await move(dispute_id, "performing", actor_id=by.user_id, agreed_at=stamp)
        await FollowUp.insert(
            FollowUp(dispute=dispute_id, due_on=stamp.date() + dt.timedelta(days=s.follow_up_days))
        ).run()
        await emit(
            "mediation.agreed",
            {"dispute_id": dispute_id, "agreement_id": agreement["id"]},
            actor_id=by.user_id,
        )
    return (await agreement_of(dispute_id)) or {}


async def record_term(
    dispute_id: int, term_id: int, *, state: str, note: str, by: Standing, on: dt.date | None = None
) -> dict[str, Any]:
    """A term done, late or broken. A broken term reopens the dispute; all done ends performance."""
    from plugins.mediation.tables import Term

    if not by.mediates and not by.committee:
        raise InvalidInput("the dispute's mediators record how the agreement is carried out", field="state")
    if state not in ("done", "late", "breached"):
        raise InvalidInput("must be one of done, late, breached", field="state")
    agreement = await agreement_of(dispute_id)
    if agreement is None or agreement["signed_at"] is None:
        raise Conflict("there is no signed agreement to carry out")
    term = await Term.select().where((Term.id == term_id) & (Term.agreement == agreement["id"])).first().run()
    if term is None:
        raise InvalidInput("no such term of this agreement", field="term_id")
    if term["state"] == "done":
        raise Conflict("this term is done already")
    await (
        Term.update(
            {
                Term.state: state,
                Term.done_on: (on or dt.date.today()) if state == "done" else None,
                Term.note: clean_text(note, "note", 300, required=False),
            }
        )
        .where(Term.id == term_id)
        .run()
    )
    dispute = await get_dispute(dispute_id)
    if state == "breached" and dispute["state"] == "performing":
        await move(
            dispute_id,
            "breached",
            actor_id=by.user_id,
            reason="协议未履行 / a term of the agreement was broken",
        )
    elif (
        state == "done"
        and dispute["state"] == "performing"
        and not await Term.exists().where((Term.agreement == agreement["id"]) & (Term.state != "done")).run()
    ):
        await move(dispute_id, "performed", actor_id=by.user_id)
    return await Term.select().where(Term.id == term_id).first().run()  # type: ignore[return-value]


async def applied_for_confirmation(dispute_id: int, *, on: dt.date, by: Standing) -> dict[str, Any]:
    """The parties applied jointly to the court for judicial confirmation (司法确认)."""
    from plugins.mediation.tables import Agreement

    if not by.mediates and not by.committee:
        raise InvalidInput("the dispute's mediators record the application", field="on")
    agreement = await agreement_of(dispute_id)
    if agreement is None or agreement["signed_at"] is None:
        raise Conflict("there is no signed agreement to confirm")
    if on < agreement["made_on"]:
        raise InvalidInput("on or after the agreement's date", field="on")
    await (
        Agreement.update({Agreement.confirmation_applied_on: on}).where(Agreement.id == agreement["id"]).run()
    )
    return (await agreement_of(dispute_id)) or {}
