"""Sessions in the mediation room, and the notes written about them.

A session held in person books one of the community's rooms; two sessions may not hold the same
room at the same time. Only the dispute's mediators write notes (the committee may add a note
for the committee); each note says who may read it, and a caucus note is sealed to the
mediators whatever was asked.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from core.api import Conflict, InvalidInput, clean_text
from plugins.mediation.flow import move
from plugins.mediation.settings import settings
from plugins.mediation.standing import Standing, get_dispute
from plugins.mediation.vocabulary import SESSION_KINDS, VISIBILITIES, choices

MAX_SESSION = dt.timedelta(hours=8)


async def _party_of(dispute_id: int, party_id: int | None, field: str) -> int | None:
    from plugins.mediation.tables import Party

    if party_id is None:
        return None
    if not await Party.exists().where((Party.id == party_id) & (Party.dispute == dispute_id)).run():
        raise InvalidInput("not a party of this dispute", field=field)
    return party_id


async def hold_session(
    dispute_id: int,
    *,
    kind: str,
    room: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    attendees: list[str],
    caucus_party_id: int | None,
    by: Standing,
) -> dict[str, Any]:
    """Record (or book ahead) a session. The first one moves an assigned dispute into mediation."""
    from plugins.mediation.tables import Session

    if not by.mediates:
        raise InvalidInput("only a mediator of this dispute records its sessions", field="dispute_id")
    dispute = await get_dispute(dispute_id)
    if dispute["state"] not in ("assigned", "in_mediation", "breached"):
        raise Conflict("sessions are held once a mediator is assigned")
    if kind not in SESSION_KINDS:
        raise InvalidInput(f"must be one of {choices(SESSION_KINDS)}", field="kind")
    if kind == "caucus" and caucus_party_id is None:
        raise InvalidInput("a separate talk is with one party: name it", field="caucus_party_id")
    if kind == "joint":
        caucus_party_id = None
    caucus_party_id = await _party_of(dispute_id, caucus_party_id, "caucus_party_id")
    rooms = settings().rooms
    if room not in rooms:
        raise InvalidInput("choose one of the community's mediation rooms", field="room")
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise InvalidInput("a time with its zone", field="starts_at")
    if not starts_at < ends_at <= starts_at + MAX_SESSION:
        raise InvalidInput("ends after it starts, within eight hours", field="ends_at")
    names = [clean_text(a, f"attendees[{i}]", 60) for i, a in enumerate(attendees)]
    if len(names) > 30:
        raise InvalidInput("at most 30 attendees", field="attendees")
    clash = (
        await Session.select(Session.id)
        .where((Session.room == room) & (Session.starts_at < ends_at) & (Session.ends_at > starts_at))
        .first()
        .run()
    )
    if clash is not None:
        raise Conflict("the room is booked at that time", field="starts_at")
    row = Session(
        dispute=dispute_id,
        kind=kind,
        caucus_party=caucus_party_id,
        room=room,
        starts_at=starts_at,
        ends_at=ends_at,
        attendees=names,
        recorded_by_user_id=by.user_id,
    )
    await row.save().run()
    if dispute["state"] in ("assigned", "breached"):
        await move(dispute_id, "in_mediation", actor_id=by.user_id)
    return {**row.to_dict(), "attendees": names}


async def sessions_of(dispute_id: int) -> list[dict[str, Any]]:
    from plugins.mediation.tables import Session

    rows = await Session.select().where(Session.dispute == dispute_id).order_by(Session.starts_at).run()
    return [{**r, "attendees": decoded(r["attendees"])} for r in rows]


def decoded(value: Any) -> list[str]:
    """A JSON column as a list (SQLite and PostgreSQL hand JSON back as text)."""
    return json.loads(value) if isinstance(value, str) else list(value or [])


async def write_note(
    dispute_id: int,
    *,
    body: str,
    visibility: str,
    party_id: int | None = None,
    session_id: int | None = None,
    by: Standing,
) -> dict[str, Any]:
    from plugins.mediation.tables import Note, Session

    if visibility not in VISIBILITIES:
        raise InvalidInput(f"must be one of {choices(VISIBILITIES)}", field="visibility")
    if not by.mediates and not (by.committee and visibility == "committee"):
        raise InvalidInput("only the dispute's mediators write its notes", field="visibility")
    body = clean_text(body, "body", 5000, multiline=True)
    session = None
    if session_id is not None:
        session = (
            await Session.select()
            .where((Session.id == session_id) & (Session.dispute == dispute_id))
            .first()
            .run()
        )
        if session is None:
            raise InvalidInput("no such session of this dispute", field="session_id")
    if session is not None and session["kind"] == "caucus":
        visibility, party_id = "mediators", None  # what is said in a caucus stays with the mediators
    if visibility == "party":
        if party_id is None:
            raise InvalidInput("a note for one party names the party", field="party_id")
        party_id = await _party_of(dispute_id, party_id, "party_id")
    else:
        party_id = None
    row = Note(
        dispute=dispute_id,
        session=session_id,
        visibility=visibility,
        party=party_id,
        body=body,
        author_user_id=by.user_id,
        created_at=dt.datetime.now(dt.UTC),
    )
    await row.save().run()
    return {"id": row.id, "visibility": visibility, "party": party_id, "session": session_id}
