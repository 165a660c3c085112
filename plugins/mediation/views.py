"""A dispute as one caller may see it. What each standing gets is decided here (and for notes in
confidential.py), so the API and the pages show the same thing.

    raiser (a grid worker, staff)   number, kind, state, summary, parties' names, the repair
    return visitor                   + parties' phones, the return visits
    party                            + mediators, sessions, the notes for them, the agreement
    mediator, committee              everything they may read by confidential.readable
"""

from __future__ import annotations

from typing import Any

from core.api import attachments_of
from plugins.mediation import links
from plugins.mediation.agreements import agreement_of, signatures_of, terms_of
from plugins.mediation.confidential import may_read_agreement, notes_for
from plugins.mediation.follow_ups import follow_ups_of
from plugins.mediation.sessions import sessions_of
from plugins.mediation.standing import Standing

SUMMARY_FIELDS = (
    "id",
    "number",
    "kind",
    "source",
    "state",
    "created_at",
    "decided_at",
    "agreed_at",
    "closed_at",
)


def summary(dispute: dict[str, Any]) -> dict[str, Any]:
    """What a list shows: no summary text, no names."""
    return {k: dispute[k] for k in SUMMARY_FIELDS}


async def mediators_of(dispute_id: int) -> list[dict[str, Any]]:
    from plugins.mediation.tables import Assignment

    rows = (
        await Assignment.select(
            Assignment.id,
            Assignment.lead,
            Assignment.assigned_at,
            Assignment.mediator.id,
            Assignment.mediator.name,
            Assignment.mediator.kind,
        )
        .where((Assignment.dispute == dispute_id) & Assignment.ended_at.is_null())
        .order_by(Assignment.id)
        .run()
    )
    return [
        {
            "mediator_id": r["mediator.id"],
            "name": r["mediator.name"],
            "kind": r["mediator.kind"],
            "lead": r["lead"],
            "assigned_at": r["assigned_at"],
        }
        for r in rows
    ]


async def detail(dispute: dict[str, Any], who: Standing) -> dict[str, Any]:
    from plugins.mediation.tables import Party

    out = summary(dispute)
    out["summary"] = dispute["summary"]
    out["state_reason"] = dispute["state_reason"]
    out["referred_to"] = dispute["referred_to"]
    out["you"] = {
        "committee": who.committee,
        "mediator": who.mediates,
        "party_ids": sorted(who.party_ids),
        "raiser": who.raiser,
        "visitor": who.visitor,
    }
    parties = await Party.select().where(Party.dispute == dispute["id"]).order_by(Party.id).run()
    with_phone = who.inside or who.visitor
    out["parties"] = [
        {
            "id": p["id"],
            "role": p["role"],
            "name": p["name"],
            "person_id": p["person_id"],
            "representative": p["representative"],
            "phone": p["phone"] if with_phone else None,
        }
        for p in parties
    ]
    out["repair"] = await links.repair_status(dispute)
    out["mediators"] = await mediators_of(dispute["id"]) if who.inside else []
    out["sessions"] = await sessions_of(dispute["id"]) if who.inside else []
    out["notes"] = (
        [
            {k: n[k] for k in ("id", "session", "visibility", "party", "body", "created_at")}
            for n in await notes_for(dispute["id"], who)
        ]
        if who.inside
        else []
    )
    out["agreement"] = None
    if may_read_agreement(who):
        agreement = await agreement_of(dispute["id"])
        if agreement is not None:
            out["agreement"] = {
                **agreement,
                "terms": await terms_of(agreement["id"]),
                "signatures": await signatures_of(agreement["id"]),
                "files": await attachments_of("mediation.agreement", agreement["id"]),
            }
    out["follow_ups"] = await follow_ups_of(dispute["id"]) if (who.inside or who.visitor) else []
    return out
