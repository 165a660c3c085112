"""What the mediation pages share: where they live, the labels they draw, the community's
clock, and reading a party ("张桂兰, 3栋 201") from a form into the register."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.api import (
    Form,
    InvalidInput,
    NotFound,
    current_tenant,
    dwellings_of_building,
    list_buildings,
    residents_of_dwelling,
)
from plugins.mediation import vocabulary
from plugins.mediation.intake import PartyDraft

# Communities are in China: times in forms and on pages are China Standard Time.
CST = dt.timezone(dt.timedelta(hours=8), "CST")


def base() -> str:
    return f"/c/{current_tenant().slug}/mediation"


VOCAB = {
    "kinds": vocabulary.KINDS,
    "sources": vocabulary.SOURCES,
    "roles": vocabulary.PARTY_ROLES,
    "mediator_kinds": vocabulary.MEDIATOR_KINDS,
    "referrals": vocabulary.REFERRALS,
    "states": vocabulary.STATES,
    "visibilities": vocabulary.VISIBILITIES,
    "session_kinds": vocabulary.SESSION_KINDS,
    "signature_methods": vocabulary.SIGNATURE_METHODS,
    "term_states": vocabulary.TERM_STATES,
    "case_states": {
        "reported": "Reported",
        "accepted": "Accepted",
        "assigned": "Assigned",
        "in_progress": "In progress",
        "resolved": "Fixed, awaiting the resident",
        "closed": "Closed",
        "reopened": "Reopened",
        "rejected": "Rejected",
        "on_hold": "On hold",
    },
}


def local(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(CST).strftime("%Y-%m-%d %H:%M")


def local_time(form: Form, day_field: str, time_field: str) -> dt.datetime:
    """A date and an ``HH:MM`` of the community's clock, as an aware datetime."""
    day = form.date(day_field)
    raw = form.text(time_field, required=True, max_length=5).replace("：", ":")
    try:
        hour, minute = (int(x) for x in raw.split(":"))
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=CST)
    except ValueError:
        raise InvalidInput("a time like 14:30", field=time_field) from None


async def building_options() -> list[tuple[str, str]]:
    return [("", "—")] + [(str(b.id), b.name) for b in await list_buildings()]


async def party_from(form: Form, prefix: str, role: str, *, strict: bool) -> tuple[PartyDraft, int | None]:
    """The party named in fields ``{prefix}_name``, ``_building``, ``_number``, ``_phone``: a
    person of the register when someone of that name lives at that address (``strict``: staff
    must then find them, or leave the address empty for someone from outside), else an outsider
    by name. Returns the draft and the dwelling it names."""
    name = form.text(f"{prefix}_name", required=True, max_length=60)
    building_id = form.optional_integer(f"{prefix}_building", minimum=1)
    number = form.text(f"{prefix}_number", max_length=20)
    phone = form.text(f"{prefix}_phone", max_length=20)
    if building_id is None and not number:
        return PartyDraft(role=role, name=name, phone=phone), None
    if building_id is None:
        raise InvalidInput("choose the building", field=f"{prefix}_building")
    try:
        flats = await dwellings_of_building(building_id)
    except NotFound:  # a stale or forged option
        raise InvalidInput("choose one of the options", field=f"{prefix}_building") from None
    flat = next((d for d in flats if d.number == number), None)
    if flat is None:
        raise InvalidInput("no such flat in this building", field=f"{prefix}_number")
    person = next((p for p in await residents_of_dwelling(flat.id) if p.name == name), None)
    if person is None and strict:
        raise InvalidInput(
            "no one of this name lives there in the register; leave the address empty for someone from outside",
            field=f"{prefix}_name",
        )
    return PartyDraft(role=role, person_id=person.id if person else None, name=name, phone=phone), flat.id


def yuan_to_fen(value: float | None) -> int | None:
    return None if value is None else round(value * 100)


def context(**extra: Any) -> dict[str, Any]:
    return {"v": VOCAB, "base": base(), **extra}
