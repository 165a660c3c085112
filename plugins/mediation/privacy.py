"""One person's mediation data, for their privacy export, and its erasure.

The export is what that person would see as a party: their disputes, parties, the agreement and
its terms, and only the notes a party may read (confidential.notes_for with their standing, each read audited) —
never a caucus note or a note for the other side.
"""

from __future__ import annotations

from typing import Any

from plugins.mediation.confidential import notes_for
from plugins.mediation.standing import person_standing


async def export_person(person_id: int) -> dict[str, Any]:
    from plugins.mediation.tables import Agreement, Dispute, Party, Term

    mine = await Party.select().where(Party.person_id == person_id).run()
    out: list[dict[str, Any]] = []
    for dispute_id in sorted({p["dispute"] for p in mine}):
        dispute = (
            await Dispute.select(
                Dispute.id, Dispute.number, Dispute.kind, Dispute.summary, Dispute.state, Dispute.created_at
            )
            .where(Dispute.id == dispute_id)
            .first()
            .run()
        )
        if dispute is None:
            continue
        parties = (
            await Party.select(Party.id, Party.role, Party.name, Party.person_id)
            .where(Party.dispute == dispute_id)
            .run()
        )
        who = person_standing(person_id, parties)
        notes = [
            {k: n[k] for k in ("id", "visibility", "body", "created_at")}
            for n in await notes_for(dispute_id, who, purpose="privacy_export")
        ]
        agreements = (
            await Agreement.select(Agreement.id, Agreement.text, Agreement.made_on, Agreement.signed_at)
            .where(Agreement.dispute == dispute_id)
            .run()
        )
        terms = (
            await Term.select(Term.action, Term.due_on, Term.amount_fen, Term.state)
            .where(Term.agreement.is_in([a["id"] for a in agreements]))
            .run()
            if agreements
            else []
        )
        out.append(
            {
                **dispute,
                "parties": [{k: v for k, v in p.items() if k != "person_id"} for p in parties],
                "notes": notes,
                "agreements": agreements,
                "terms": terms,
            }
        )
    return {"disputes": out}


async def erase_person(person_id: int) -> int:
    """The person leaves the register: their party rows keep the role (figures stand) but lose
    the link, the name and the phone. Returns how many rows were changed."""
    from plugins.mediation.tables import Conflict, Party

    rows = await Party.select(Party.id).where(Party.person_id == person_id).run()
    if rows:
        await (
            Party.update({Party.person_id: None, Party.name: "（已删除）", Party.phone: ""})
            .where(Party.person_id == person_id)
            .run()
        )
    conflicts = await Conflict.select(Conflict.id).where(Conflict.person_id == person_id).run()
    if conflicts:
        await Conflict.delete().where(Conflict.person_id == person_id).run()
    return len(rows) + len(conflicts)
