"""Raising a dispute: its parties, the scope check, and its case — checked first, then written."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from core.api import (
    InvalidInput,
    NotFound,
    clean_text,
    current_residencies,
    emit,
    get_dwelling,
    get_person,
    open_case,
    person_of_user,
)
from plugins.mediation import cases
from plugins.mediation.vocabulary import KINDS, PARTY_ROLES, REFERRALS, SOURCES, choices


@dataclass
class PartyDraft:
    role: str
    person_id: int | None = None
    name: str = ""
    phone: str = ""
    representative: str = ""
    representative_user_id: int | None = None


async def _checked_parties(drafts: list[PartyDraft]) -> list[dict[str, Any]]:
    out = []
    seen: set[int] = set()
    for i, p in enumerate(drafts):
        field = f"parties[{i}]"
        if p.role not in PARTY_ROLES:
            raise InvalidInput(f"must be one of {choices(PARTY_ROLES)}", field=f"{field}.role")
        name = p.name
        if p.person_id is not None:
            if p.person_id in seen:
                raise InvalidInput("this person is already a party", field=f"{field}.person_id")
            seen.add(p.person_id)
            try:
                name = (await get_person(p.person_id)).name
            except NotFound:
                raise InvalidInput("no such person in the register", field=f"{field}.person_id") from None
        out.append(
            {
                "role": p.role,
                "person_id": p.person_id,
                "name": clean_text(name, f"{field}.name", 60),
                "phone": clean_text(p.phone, f"{field}.phone", 20, required=False),
                "representative": clean_text(p.representative, f"{field}.representative", 60, required=False),
                "representative_user_id": p.representative_user_id,
            }
        )
    roles = [p["role"] for p in out]
    if "applicant" not in roles:
        raise InvalidInput("a dispute has an applicant", field="parties")
    if "respondent" not in roles:
        raise InvalidInput("a dispute has someone on the other side (a respondent)", field="parties")
    return out


async def raise_dispute(
    *,
    kind: str,
    source: str,
    summary: str,
    parties: list[PartyDraft],
    caller_user_id: int,
    on_behalf: bool,
    dwelling_id: int | None = None,
    already_before: str = "",
    at: dt.datetime | None = None,
) -> dict[str, Any]:
    """``on_behalf``: staff or a grid worker enter it; otherwise a resident raises their own and
    is its applicant. ``already_before``: a court, the police or a department has already taken
    the matter — people's mediation may not, so it is referred out at once with that reason."""
    from plugins.mediation.tables import Dispute, Party

    if kind not in KINDS:
        raise InvalidInput(f"must be one of {choices(KINDS)}", field="kind")
    if source not in SOURCES:
        raise InvalidInput(f"must be one of {choices(SOURCES)}", field="source")
    if not on_behalf and source != "resident":
        raise InvalidInput("residents raise their own disputes", field="source")
    summary = clean_text(summary, "summary", 2000, multiline=True)
    if already_before and already_before not in REFERRALS:
        raise InvalidInput(f"must be empty or one of {choices(REFERRALS)}", field="already_before")
    if not on_behalf:
        me = await person_of_user(caller_user_id)
        applicants = [p for p in parties if p.role == "applicant"]
        if len(applicants) != 1:
            raise InvalidInput("you are the applicant of your own dispute", field="parties")
        applicants[0].person_id = me
        applicants[0].representative_user_id = None if me is not None else caller_user_id
        for p in parties:
            if p.role != "applicant":
                p.representative_user_id = None  # only staff name someone's login as representative
    rows = await _checked_parties(parties)
    applicant = next(p for p in rows if p["role"] == "applicant")
    if dwelling_id is None and applicant["person_id"] is not None:
        homes = await current_residencies(applicant["person_id"])
        dwelling_id = homes[0].dwelling_id if homes else None
    building_id = None
    if dwelling_id is not None:
        try:
            building_id = (await get_dwelling(dwelling_id)).building_id
        except NotFound:
            raise InvalidInput("no such dwelling", field="dwelling_id") from None

    stamp = at or dt.datetime.now(dt.UTC)
    case = await open_case(
        case_type="mediation",
        title=cases.CASE_TITLE,
        # Who is in a dispute is itself confidential: the engine's case names no one, it only
        # routes by place (grid) for SLA and escalation.
        channel="on_behalf",
        acting_user_id=caller_user_id,
        dwelling_id=dwelling_id,
    )
    dispute = Dispute(
        case_id=case.id,
        number=case.number,
        kind=kind,
        source=source,
        summary=summary,
        raised_by_user_id=caller_user_id,
        building_id=building_id,
        dwelling_id=dwelling_id,
        created_at=stamp,
    )
    await dispute.save().run()
    await Party.insert(*[Party(dispute=dispute.id, **p) for p in rows]).run()
    await emit(
        "mediation.raised",
        {"dispute_id": dispute.id, "case_id": case.id, "kind": kind, "source": source},
        actor_id=caller_user_id,
    )
    if already_before:
        from plugins.mediation import flow

        await flow.refer_out(
            dispute.id,
            referred_to=already_before,
            reason="已由其他机关受理，不属人民调解范围 / already taken by another authority",
            actor_id=caller_user_id,
        )
    return await Dispute.select().where(Dispute.id == dispute.id).first().run()  # type: ignore[return-value]
