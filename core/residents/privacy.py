"""One person's data in the core's own tables: export everything, or erase what identifies them.

Erasure keeps the shape of history (a residency from–to in dwelling 301 stays, so occupancy
figures remain true) but removes what identifies the person: name, ID number, phone, notes,
emergency contacts, proxies, care records, visit findings and case texts they gave.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.residents.identity import FieldKeys
from core.residents.people import get_person
from core.residents.tables import (
    EmergencyContact,
    Invitation,
    Person,
    Proxy,
    Residency,
    ResidentAccount,
    Vulnerability,
)


async def export_core(keys: FieldKeys, person_id: int) -> dict[str, Any]:
    from core.cases.tables import Case
    from core.grids.tables import Visit

    person = await get_person(person_id)
    number = (
        keys.decrypt(person["id_number_enc"], person["id_key_version"]) if person["id_number_enc"] else ""
    )
    return {
        "person": {k: v for k, v in person.items() if k not in ("id_number_enc", "id_number_hash")}
        | {"id_number": number},
        "residencies": await Residency.select().where(Residency.person == person_id).run(),
        "vulnerabilities": await Vulnerability.select().where(Vulnerability.person == person_id).run(),
        "emergency_contacts": await EmergencyContact.select()
        .where(EmergencyContact.person == person_id)
        .run(),
        "proxies": await Proxy.select()
        .where((Proxy.person == person_id) | (Proxy.proxy_person == person_id))
        .run(),
        "visits": await Visit.select().where(Visit.person == person_id).run(),
        "portal_account": await ResidentAccount.select(
            ResidentAccount.created_at, ResidentAccount.user.phone.as_alias("login_phone")
        )
        .where(ResidentAccount.person == person_id)
        .run(),
        "cases": await Case.select(
            Case.id, Case.number, Case.type, Case.title, Case.description, Case.state, Case.created_at
        )
        .where(Case.requester_person_id == person_id)
        .run(),
    }


async def erase_core(person_id: int) -> int:
    from core.cases.tables import Case
    from core.grids.tables import Visit

    await get_person(person_id)
    touched = 0
    await (
        Person.update(
            {
                Person.name: "（已删除）",
                Person.id_number_enc: "",
                Person.id_number_hash: "",
                Person.phone: "",
                Person.notes: "",
                Person.birth_date: None,
                Person.gender: "",
                Person.erased_at: dt.datetime.now(dt.UTC),
            }
        )
        .where(Person.id == person_id)
        .run()
    )
    touched += 1
    for table, where in (
        (EmergencyContact, EmergencyContact.person == person_id),
        (Proxy, (Proxy.person == person_id) | (Proxy.proxy_person == person_id)),
        # The portal login stays a login, but no longer this (erased) person; open codes die.
        (ResidentAccount, ResidentAccount.person == person_id),
        (Invitation, Invitation.person == person_id),
    ):
        touched += await table.count().where(where).run()
        await table.delete().where(where).run()
    touched += await Vulnerability.count().where(Vulnerability.person == person_id).run()
    await (
        Vulnerability.update(
            {Vulnerability.active: False, Vulnerability.notes: "", Vulnerability.consent_note: ""}
        )
        .where(Vulnerability.person == person_id)
        .run()
    )
    touched += await Visit.count().where(Visit.person == person_id).run()
    await Visit.update({Visit.findings: "", Visit.follow_ups: ""}).where(Visit.person == person_id).run()
    touched += await Case.count().where(Case.requester_person_id == person_id).run()
    await (
        Case.update({Case.description: "", Case.location_note: ""})
        .where(Case.requester_person_id == person_id)
        .run()
    )
    return touched
