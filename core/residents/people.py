"""Persons and where they live: registering, moving in and out, proxies, emergency contacts.

A move-in or move-out is an operation with history: residencies are closed, never deleted, and
each emits an outbox event (``resident.moved_in`` / ``resident.moved_out``) that plugins
receive — door access grants and revokes from them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.auth.users import PHONE
from core.errors import Conflict, InvalidInput, NotFound
from core.events.outbox import emit
from core.residents.categories import RESIDENCY_ROLES
from core.residents.identity import FieldKeys, birth_date_of, check_id_number, gender_of
from core.residents.places import get_dwelling
from core.residents.tables import EmergencyContact, Household, Person, Proxy, Residency
from core.text import clean_text


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _check_phone(phone: str | None, field: str = "phone") -> str:
    phone = (phone or "").strip()
    if phone and not PHONE.match(phone):
        raise InvalidInput("must be an 11-digit mainland mobile number", field=field)
    return phone


def _check_name(name: str) -> str:
    return clean_text(name, "name", 60)


async def get_person(person_id: int) -> dict[str, Any]:
    row = await Person.select().where(Person.id == person_id).first().run()
    if row is None or row["erased_at"] is not None:
        raise NotFound("no such person")
    return row


async def find_by_id_number(keys: FieldKeys, id_number: str) -> dict[str, Any] | None:
    number = check_id_number(id_number)
    return (
        await Person.select()
        .where((Person.id_number_hash == keys.lookup_hash(number)) & Person.erased_at.is_null())
        .first()
        .run()
    )


async def register_person(
    keys: FieldKeys,
    name: str,
    *,
    id_number: str | None = None,
    phone: str | None = None,
    birth_date: dt.date | None = None,
    gender: str = "",
    notes: str = "",
) -> dict[str, Any]:
    """A new person. With an ID number, birth date and gender come from it and must agree."""
    name = _check_name(name)
    phone = _check_phone(phone)
    if gender not in ("", "M", "F"):
        raise InvalidInput("must be M, F or empty", field="gender")
    today = dt.date.today()
    if birth_date is not None and not dt.date(1890, 1, 1) <= birth_date <= today:
        raise InvalidInput("must be between 1890 and today", field="birth_date")
    enc, version, lookup = "", 0, ""
    if id_number:
        number = check_id_number(id_number)
        from_id = birth_date_of(number)
        if from_id > today:
            raise InvalidInput("contains a birth date in the future", field="id_number")
        if birth_date is not None and birth_date != from_id:
            raise InvalidInput("does not match the ID number's birth date", field="birth_date")
        if gender and gender != gender_of(number):
            raise InvalidInput("does not match the ID number", field="gender")
        birth_date, gender = from_id, gender_of(number)
        lookup = keys.lookup_hash(number)
        if await Person.exists().where((Person.id_number_hash == lookup) & Person.erased_at.is_null()).run():
            raise Conflict("a person with this ID number is already registered")
        enc, version = keys.encrypt(number)
    person = Person(
        name=name,
        gender=gender,
        birth_date=birth_date,
        id_number_enc=enc,
        id_number_hash=lookup,
        id_key_version=version,
        phone=phone,
        notes=notes,
        created_at=now(),
    )
    await person.save().run()
    return await get_person(person.id)


async def update_person(keys: FieldKeys, person_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    await get_person(person_id)
    values: dict[str, Any] = {}
    if changes.get("name") is not None:
        values["name"] = _check_name(changes["name"])
    if changes.get("phone") is not None:
        values["phone"] = _check_phone(changes["phone"])
    if changes.get("notes") is not None:
        values["notes"] = changes["notes"]
    if changes.get("id_number"):
        number = check_id_number(changes["id_number"])
        lookup = keys.lookup_hash(number)
        if (
            await Person.exists()
            .where((Person.id_number_hash == lookup) & (Person.id != person_id) & Person.erased_at.is_null())
            .run()
        ):
            raise Conflict("a person with this ID number is already registered")
        enc, version = keys.encrypt(number)
        values.update(
            id_number_enc=enc,
            id_number_hash=lookup,
            id_key_version=version,
            birth_date=birth_date_of(number),
            gender=gender_of(number),
        )
    if values:
        await Person.update(values).where(Person.id == person_id).run()
    return await get_person(person_id)


async def current_residencies(person_id: int) -> list[dict[str, Any]]:
    return (
        await Residency.select().where((Residency.person == person_id) & Residency.end_date.is_null()).run()
    )


async def move_in(
    person_id: int,
    dwelling_id: int,
    *,
    start_date: dt.date,
    role: str = "family",
    relation: str = "",
    household_id: int | None = None,
    primary_contact: bool = False,
    actor_id: int | None = None,
) -> dict[str, Any]:
    """Record that a person lives in a dwelling from ``start_date``; emits resident.moved_in."""
    person = await get_person(person_id)
    dwelling = await get_dwelling(dwelling_id)
    if role not in RESIDENCY_ROLES:
        raise InvalidInput(f"must be one of {', '.join(RESIDENCY_ROLES)}", field="role")
    today = dt.date.today()
    if start_date > today + dt.timedelta(days=31):
        raise InvalidInput("cannot be more than a month ahead", field="start_date")
    if person["birth_date"] and start_date < person["birth_date"]:
        raise InvalidInput("is before the person was born", field="start_date")
    # Overlap: any residency of this person that is open, or that ends after this one starts.
    overlapping = (
        await Residency.select(Residency.id)
        .where(
            (Residency.person == person_id)
            & (Residency.end_date.is_null() | (Residency.end_date > start_date))
        )
        .first()
        .run()
    )
    if overlapping:
        raise Conflict("this person already lives somewhere in that period; move them out first")
    if household_id is None:
        household = Household(dwelling=dwelling_id, label=person["name"], created_at=now())
        await household.save().run()
        household_id = household.id
    else:
        row = await Household.select(Household.dwelling).where(Household.id == household_id).first().run()
        if row is None:
            raise NotFound("no such household")
        if row["dwelling"] != dwelling_id:
            raise InvalidInput("that household lives in another dwelling", field="household_id")
    residency = Residency(
        person=person_id,
        household=household_id,
        dwelling=dwelling_id,
        role=role,
        relation=relation,
        primary_contact=primary_contact,
        start_date=start_date,
    )
    await residency.save().run()
    if dwelling["state"] == "vacant":
        from core.residents.tables import Dwelling

        await (
            Dwelling.update({Dwelling.state: "rented" if role == "tenant" else "occupied"})
            .where(Dwelling.id == dwelling_id)
            .run()
        )
    await emit(
        "resident.moved_in",
        {
            "person_id": person_id,
            "residency_id": residency.id,
            "dwelling_id": dwelling_id,
            "building_id": dwelling["building"],
            "unit_id": dwelling["unit"],
            "household_id": household_id,
            "role": role,
            "start_date": start_date.isoformat(),
        },
        actor_id=actor_id,
    )
    return residency.to_dict()


async def move_out(
    residency_id: int, *, end_date: dt.date, reason: str = "", actor_id: int | None = None
) -> dict[str, Any]:
    """Close a current residency; emits resident.moved_out. The history stays."""
    row = await Residency.select().where(Residency.id == residency_id).first().run()
    if row is None:
        raise NotFound("no such residency")
    if row["end_date"] is not None:
        raise Conflict("this person has already moved out of that dwelling")
    if end_date < row["start_date"]:
        raise InvalidInput("is before the move-in date", field="end_date")
    if end_date > dt.date.today() + dt.timedelta(days=31):
        raise InvalidInput("cannot be more than a month ahead", field="end_date")
    await (
        Residency.update({Residency.end_date: end_date, Residency.end_reason: reason[:200]})
        .where(Residency.id == residency_id)
        .run()
    )
    dwelling = await get_dwelling(row["dwelling"])
    await emit(
        "resident.moved_out",
        {
            "person_id": row["person"],
            "residency_id": residency_id,
            "dwelling_id": row["dwelling"],
            "building_id": dwelling["building"],
            "unit_id": dwelling["unit"],
            "end_date": end_date.isoformat(),
            "reason": reason,
        },
        actor_id=actor_id,
    )
    return {**row, "end_date": end_date, "end_reason": reason}


async def add_emergency_contact(person_id: int, name: str, phone: str, relation: str = "") -> dict[str, Any]:
    await get_person(person_id)
    contact = EmergencyContact(
        person=person_id,
        name=_check_name(name),
        phone=_check_phone(phone) or _missing("phone"),
        relation=relation,
    )
    await contact.save().run()
    return contact.to_dict()


async def add_proxy(
    person_id: int,
    *,
    proxy_person_id: int | None = None,
    proxy_user_id: int | None = None,
    scope: str = "all",
    valid_from: dt.date,
    valid_to: dt.date | None = None,
) -> dict[str, Any]:
    await get_person(person_id)
    if (proxy_person_id is None) == (proxy_user_id is None):
        raise InvalidInput("name exactly one of proxy_person_id or proxy_user_id", field="proxy_person_id")
    if proxy_person_id is not None:
        if proxy_person_id == person_id:
            raise InvalidInput("a person cannot be their own proxy", field="proxy_person_id")
        await get_person(proxy_person_id)
    if valid_to is not None and valid_to < valid_from:
        raise InvalidInput("ends before it starts", field="valid_to")
    proxy = Proxy(
        person=person_id,
        proxy_person=proxy_person_id,
        proxy_user_id=proxy_user_id,
        scope=scope,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    await proxy.save().run()
    return proxy.to_dict()


def _missing(field: str) -> str:
    raise InvalidInput("is required", field=field)
