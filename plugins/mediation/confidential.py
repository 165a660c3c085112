"""Confidentiality by note, enforced where notes are read.

Every read of a note goes through ``readable`` (the query filter for a standing) and every note
handed out is written to the audit log. Nothing else in the plugin selects ``Note.body``:
pages, the API, privacy export and the dispute's history all come here.

    mediators   the dispute's assigned mediators only (and every caucus note, whatever was asked)
    party       one party and the mediators
    parties     both (all) parties, the mediators and the committee
    committee   the mediation committee and the mediators
"""

from __future__ import annotations

from typing import Any

from core.api import NotFound, audit
from plugins.mediation.standing import Standing


def readable(standing: Standing) -> Any:
    """A where clause over Note: the notes this standing may read (of any dispute it is in)."""
    from plugins.mediation.tables import Note

    if standing.mediates:
        return Note.id > 0  # every note of the dispute they are assigned to
    where: Any = Note.id < 0  # nothing
    if standing.party_ids:
        where = where | (Note.visibility == "parties")
        where = where | ((Note.visibility == "party") & Note.party.is_in(list(standing.party_ids)))
    if standing.committee:
        where = where | Note.visibility.is_in(["committee", "parties"])
    return where


async def notes_for(dispute_id: int, standing: Standing, *, purpose: str = "view") -> list[dict[str, Any]]:
    """The notes of one dispute this standing may read, oldest first; each read is audited."""
    from plugins.mediation.tables import Note

    rows = (
        await Note.select()
        .where((Note.dispute == dispute_id) & readable(standing))
        .order_by(Note.created_at)
        .order_by(Note.id)
        .run()
    )
    for row in rows:
        await _audit_read(row, standing, purpose)
    return rows


async def note_for(dispute_id: int, note_id: int, standing: Standing) -> dict[str, Any]:
    """One note, or NotFound (audited as refused) when it is not this standing's to read."""
    from plugins.mediation.tables import Note

    row = (
        await Note.select()
        .where((Note.dispute == dispute_id) & (Note.id == note_id) & readable(standing))
        .first()
        .run()
    )
    if row is None:
        if await Note.exists().where((Note.dispute == dispute_id) & (Note.id == note_id)).run():
            await audit(
                "mediation.note_refused",
                actor_id=standing.user_id,
                subject=f"mediation.note:{note_id}",
                detail={"dispute_id": dispute_id},
            )
        raise NotFound("no such note")
    await _audit_read(row, standing, "view")
    return row


async def _audit_read(row: dict[str, Any], standing: Standing, purpose: str) -> None:
    await audit(
        "mediation.note_read",
        actor_id=standing.user_id,
        subject=f"mediation.note:{row['id']}",
        purpose=purpose,
        detail={"dispute_id": row["dispute"], "visibility": row["visibility"]},
    )


def may_read_agreement(standing: Standing) -> bool:
    """The agreement's wording and terms: the parties, the mediators and the committee."""
    return standing.inside
