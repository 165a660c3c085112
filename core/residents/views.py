"""How register rows leave the server: phone and ID numbers masked unless revealed on purpose."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.residents.identity import FieldKeys, mask_id_number, mask_phone


def age_on(birth: dt.date | None, today: dt.date) -> int | None:
    if birth is None:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def person_out(row: dict[str, Any], keys: FieldKeys, *, reveal: bool = False) -> dict[str, Any]:
    number = ""
    if row.get("id_number_enc"):
        number = keys.decrypt(row["id_number_enc"], row["id_key_version"])
    phone = row.get("phone") or ""
    return {
        "id": row["id"],
        "name": row["name"],
        "gender": row.get("gender", ""),
        "birth_date": row.get("birth_date"),
        "age": age_on(row.get("birth_date"), dt.date.today()),
        "phone": phone if reveal else mask_phone(phone),
        "id_number": (number if reveal else mask_id_number(number)) if number else "",
        "masked": not reveal,
        **({"notes": row["notes"]} if "notes" in row else {}),
    }
