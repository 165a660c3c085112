"""Diners: people of the register who eat from the canteen, their status and how they eat.

A grid worker or staff member signs a diner up on their behalf; the register gives the address
(for labels and routes) and the care register the hardship (for the subsidy). A pause for a stay
in hospital or with family ends by itself on its last day (jobs.daily); a stopped or deceased
diner has their future orders cancelled.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.api import (
    Conflict,
    InvalidInput,
    NotFound,
    clean_text,
    current_residencies,
    emit,
    get_dwelling,
    get_person,
    vulnerability_categories,
)
from plugins.canteen import vocabulary
from plugins.canteen.clock import now
from plugins.canteen.json_lists import decoded

PROFILE_LISTS = ("diets", "allergies", "avoid")


def _shape(row: dict[str, Any]) -> dict[str, Any]:
    return decoded(row, *PROFILE_LISTS)


async def get_diner(diner_id: int) -> dict[str, Any]:
    from plugins.canteen.tables import Diner

    row = await Diner.select().where(Diner.id == diner_id).first().run()
    if row is None:
        raise NotFound("no such diner")
    return _shape(row)


async def diner_of_person(person_id: int) -> dict[str, Any] | None:
    from plugins.canteen.tables import Diner

    row = await Diner.select().where(Diner.person_id == person_id).first().run()
    return _shape(row) if row else None


async def list_diners(*, states: tuple[str, ...] | None = None, query: str = "") -> list[dict[str, Any]]:
    from plugins.canteen.tables import Diner

    select = Diner.select().order_by(Diner.address).order_by(Diner.name)
    if states:
        select = select.where(Diner.state.is_in(list(states)))
    rows = [_shape(r) for r in await select.run()]
    if query:
        rows = [r for r in rows if query in r["name"] or query in r["address"]]
    return rows


def _codes(values: list[str], vocab: dict[str, str], field: str) -> list[str]:
    unknown = [v for v in values if v not in vocab]
    if unknown:
        raise InvalidInput(f"not one of {', '.join(vocab)}: {', '.join(unknown)}", field=field)
    return sorted(set(values))


def _words(values: list[str], field: str) -> list[str]:
    out = []
    for value in values:
        word = clean_text(value, field, 20, required=False)
        if word:
            out.append(word)
    return sorted(set(out))


async def sign_up(
    person_id: int,
    *,
    by_user_id: int,
    eats: str = "dine_in",
    diets: list[str] | None = None,
    texture: str = "normal",
    allergies: list[str] | None = None,
    avoid: list[str] | None = None,
    emergency_name: str = "",
    emergency_phone: str = "",
) -> dict[str, Any]:
    """Sign a person of the register up as a diner (once per person)."""
    from plugins.canteen.tables import Diner

    try:
        person = await get_person(person_id)
    except NotFound:
        raise InvalidInput("no such person in the register", field="person_id") from None
    if await diner_of_person(person_id) is not None:
        raise Conflict("this person is already a diner")
    if eats not in vocabulary.EATS:
        raise InvalidInput(f"one of {', '.join(vocabulary.EATS)}", field="eats")
    if texture not in vocabulary.TEXTURES:
        raise InvalidInput(f"one of {', '.join(vocabulary.TEXTURES)}", field="texture")
    homes = await current_residencies(person_id)
    dwelling = await get_dwelling(homes[0].dwelling_id) if homes else None
    if eats == "delivered" and dwelling is None:
        raise InvalidInput(
            "a meal is delivered to where the diner lives, and the register has no home for them",
            field="eats",
        )
    row = Diner(
        person_id=person_id,
        name=person.name,
        phone=person.phone or "",
        dwelling_id=dwelling.id if dwelling else None,
        building_id=dwelling.building_id if dwelling else None,
        address=dwelling.address if dwelling else "",
        eats=eats,
        diets=_codes(diets or [], vocabulary.DIETS, "diets"),
        texture=texture,
        allergies=_codes(allergies or [], vocabulary.ALLERGENS, "allergies"),
        avoid=_words(avoid or [], "avoid"),
        emergency_name=clean_text(emergency_name, "emergency_name", 60, required=False),
        emergency_phone=clean_text(emergency_phone, "emergency_phone", 20, required=False),
        signed_up_by_user_id=by_user_id,
        created_at=now(),
    )
    await row.save().run()
    await emit("canteen.diner_signed_up", {"diner_id": row.id, "person_id": person_id})
    return await get_diner(row.id)


async def update_profile(diner_id: int, **changes: Any) -> dict[str, Any]:
    """Change how a diner eats: ``eats``, ``diets``, ``texture``, ``allergies``, ``avoid``,
    ``emergency_name``, ``emergency_phone`` (only those given)."""
    from plugins.canteen.tables import Diner

    diner = await get_diner(diner_id)
    values: dict[Any, Any] = {}
    if changes.get("eats") is not None:
        if changes["eats"] not in vocabulary.EATS:
            raise InvalidInput(f"one of {', '.join(vocabulary.EATS)}", field="eats")
        if changes["eats"] == "delivered" and diner["dwelling_id"] is None:
            raise InvalidInput("the register has no home to deliver to", field="eats")
        values[Diner.eats] = changes["eats"]
    if changes.get("texture") is not None:
        if changes["texture"] not in vocabulary.TEXTURES:
            raise InvalidInput(f"one of {', '.join(vocabulary.TEXTURES)}", field="texture")
        values[Diner.texture] = changes["texture"]
    if changes.get("diets") is not None:
        values[Diner.diets] = _codes(changes["diets"], vocabulary.DIETS, "diets")
    if changes.get("allergies") is not None:
        values[Diner.allergies] = _codes(changes["allergies"], vocabulary.ALLERGENS, "allergies")
    if changes.get("avoid") is not None:
        values[Diner.avoid] = _words(changes["avoid"], "avoid")
    for field, length in (("emergency_name", 60), ("emergency_phone", 20)):
        if changes.get(field) is not None:
            values[getattr(Diner, field)] = clean_text(changes[field], field, length, required=False)
    if values:
        await Diner.update(values).where(Diner.id == diner_id).run()
    return await get_diner(diner_id)


async def pause(diner_id: int, *, start: dt.date, end: dt.date, reason: str) -> dict[str, Any]:
    """Pause a diner from ``start`` to ``end`` (both days included); it ends by itself. Their
    orders in those days are cancelled, so the kitchen does not cook for an empty chair."""
    from plugins.canteen.orders import cancel_future
    from plugins.canteen.tables import Diner

    diner = await get_diner(diner_id)
    if diner["state"] in ("stopped", "deceased"):
        raise Conflict("this diner has stopped; sign them up again instead")
    if reason not in vocabulary.PAUSE_REASONS:
        raise InvalidInput(f"one of {', '.join(vocabulary.PAUSE_REASONS)}", field="reason")
    if end < start:
        raise InvalidInput("is before the first day of the pause", field="end")
    if end > start + dt.timedelta(days=366):
        raise InvalidInput("a pause of more than a year is a stop", field="end")
    await (
        Diner.update(
            {Diner.state: "paused", Diner.pause_from: start, Diner.pause_to: end, Diner.state_reason: reason}
        )
        .where(Diner.id == diner_id)
        .run()
    )
    await cancel_future(diner_id, start=start, end=end, reason="paused")
    return await get_diner(diner_id)


async def resume(diner_id: int) -> dict[str, Any]:
    from plugins.canteen.tables import Diner

    diner = await get_diner(diner_id)
    if diner["state"] != "paused":
        raise Conflict("only a paused diner resumes")
    await (
        Diner.update(
            {Diner.state: "active", Diner.pause_from: None, Diner.pause_to: None, Diner.state_reason: ""}
        )
        .where(Diner.id == diner_id)
        .run()
    )
    return await get_diner(diner_id)


async def stop(diner_id: int, *, reason: str, deceased: bool = False) -> dict[str, Any]:
    """Stop a diner (moved away, no longer wants meals) or record their death: their standing
    orders end and every order from today on is cancelled."""
    from plugins.canteen.orders import cancel_future
    from plugins.canteen.tables import Diner, StandingOrder

    diner = await get_diner(diner_id)
    state = "deceased" if deceased else "stopped"
    if diner["state"] == state:
        return diner
    reason = clean_text(reason, "reason", 200)
    await (
        Diner.update(
            {Diner.state: state, Diner.state_reason: reason, Diner.pause_from: None, Diner.pause_to: None}
        )
        .where(Diner.id == diner_id)
        .run()
    )
    await StandingOrder.update({StandingOrder.active: False}).where(StandingOrder.diner == diner_id).run()
    await cancel_future(diner_id, start=dt.date.today(), end=None, reason=state)
    await emit(
        "canteen.diner_stopped", {"diner_id": diner_id, "person_id": diner["person_id"], "state": state}
    )
    return await get_diner(diner_id)


async def restart(diner_id: int) -> dict[str, Any]:
    """A stopped diner comes back (not a deceased one)."""
    from plugins.canteen.tables import Diner

    diner = await get_diner(diner_id)
    if diner["state"] != "stopped":
        raise Conflict("only a stopped diner is signed up again")
    await Diner.update({Diner.state: "active", Diner.state_reason: ""}).where(Diner.id == diner_id).run()
    return await get_diner(diner_id)


def is_paused_on(diner: dict[str, Any], day: dt.date) -> bool:
    return (
        diner["state"] == "paused"
        and diner["pause_from"] is not None
        and diner["pause_from"] <= day <= (diner["pause_to"] or day)
    )


async def end_pauses(today: dt.date) -> int:
    """Pauses whose last day is past end by themselves; returns how many diners resumed."""
    from plugins.canteen.tables import Diner

    rows = await Diner.select(Diner.id).where((Diner.state == "paused") & (Diner.pause_to < today)).run()
    for row in rows:
        await resume(row["id"])
    return len(rows)


def age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


async def eligibility(diner: dict[str, Any], on: dt.date) -> dict[str, Any]:
    """What the subsidy rules look at: the diner's age on a day and their hardships."""
    person = await get_person(diner["person_id"])
    age = age_on(person.birth_date, on) if person.birth_date is not None else None
    return {"age": age, "hardships": set(await vulnerability_categories(diner["person_id"]))}
