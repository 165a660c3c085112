"""Exporting the register to .xlsx, masked by the caller's permissions."""

from __future__ import annotations

import datetime as dt

from core.residents.categories import RESIDENCY_ROLES, VULNERABILITY_CATEGORIES
from core.residents.identity import FieldKeys, mask_id_number, mask_phone
from core.residents.spreadsheet import COLUMNS, write_table
from core.residents.tables import Residency, Vulnerability

EXPORT_KEYS = [
    "name",
    "id_number",
    "gender",
    "birth_date",
    "phone",
    "compound",
    "building",
    "unit",
    "dwelling",
    "floor",
    "role",
    "relation",
    "start_date",
    "categories",
]


async def export_register(
    keys: FieldKeys,
    *,
    reveal: bool,
    allowed_building_ids: frozenset[int] | None = None,
    allowed_unit_ids: frozenset[int] | None = None,
) -> tuple[bytes, int]:
    """(xlsx bytes, rows) of current residents; re-importable with the import wizard."""
    query = Residency.select(
        Residency.role,
        Residency.relation,
        Residency.start_date,
        Residency.person.id,
        Residency.person.name,
        Residency.person.gender,
        Residency.person.birth_date,
        Residency.person.phone,
        Residency.person.id_number_enc,
        Residency.person.id_key_version,
        Residency.dwelling.number,
        Residency.dwelling.floor,
        Residency.dwelling._.building._.id,
        Residency.dwelling._.building._.name,
        Residency.dwelling._.building._.compound._.name,
        Residency.dwelling._.unit._.id,
        Residency.dwelling._.unit._.name,
    ).where(Residency.end_date.is_null() & Residency.person._.erased_at.is_null())
    rows = (
        await query.order_by(Residency.dwelling._.building._.name).order_by(Residency.dwelling.number).run()
    )
    categories: dict[int, list[str]] = {}
    for v in (
        await Vulnerability.select(Vulnerability.person, Vulnerability.category)
        .where(Vulnerability.active.eq(True))
        .run()
    ):
        categories.setdefault(v["person"], []).append(VULNERABILITY_CATEGORIES[v["category"]][0])
    out = []
    for r in rows:
        if allowed_building_ids is not None and not (
            r["dwelling.building.id"] in allowed_building_ids
            or r["dwelling.unit.id"] in (allowed_unit_ids or ())
        ):
            continue
        number = (
            keys.decrypt(r["person.id_number_enc"], r["person.id_key_version"])
            if r["person.id_number_enc"]
            else ""
        )
        phone = r["person.phone"] or ""
        birth = r["person.birth_date"]
        out.append(
            [
                r["person.name"],
                number if reveal else mask_id_number(number) if number else "",
                {"M": "男", "F": "女"}.get(r["person.gender"], ""),
                birth.isoformat() if isinstance(birth, dt.date) else "",
                phone if reveal else mask_phone(phone),
                r["dwelling.building.compound.name"] or "",
                r["dwelling.building.name"],
                r["dwelling.unit.name"] or "",
                r["dwelling.number"],
                r["dwelling.floor"],
                RESIDENCY_ROLES.get(r["role"], ("", ""))[0],
                r["relation"],
                r["start_date"].isoformat() if r["start_date"] else "",
                "、".join(categories.get(r["person.id"], [])),
            ]
        )
    return write_table("居民登记", [COLUMNS[k][0] for k in EXPORT_KEYS], out), len(out)
