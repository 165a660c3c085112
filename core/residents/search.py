"""Finding residents within one community, with keyset pagination.

Filters combine: name prefix, phone, exact ID number (through its keyed hash), place
(building / unit / dwelling), vulnerability categories, age range, and current residents only.
Pages are ordered by (name, id) and continued with an opaque cursor, so deep pages cost the
same as the first.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from core.errors import InvalidInput
from core.residents.categories import VULNERABILITY_CATEGORIES
from core.residents.identity import FieldKeys, check_id_number
from core.residents.tables import Person, Residency, Vulnerability


@dataclass
class ResidentQuery:
    name_prefix: str | None = None
    phone: str | None = None
    id_number: str | None = None
    building_id: int | None = None
    unit_id: int | None = None
    dwelling_id: int | None = None
    categories: list[str] = field(default_factory=list)
    min_age: int | None = None
    max_age: int | None = None
    current_only: bool = True
    # Places the caller may see (grid scope); None = the whole community.
    allowed_building_ids: frozenset[int] | None = None
    allowed_unit_ids: frozenset[int] | None = None


def encode_cursor(name: str, person_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([name, person_id]).encode()).decode()


def decode_cursor(cursor: str) -> tuple[str, int]:
    try:
        name, person_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return str(name), int(person_id)
    except (ValueError, TypeError):
        raise InvalidInput("not a cursor from a previous page", field="after") from None


def _years_ago(years: int, today: dt.date) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


async def search_residents(
    keys: FieldKeys, q: ResidentQuery, *, after: str | None = None, limit: int = 50
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of persons matching ``q`` and the cursor of the next page (None at the end)."""
    for cat in q.categories:
        if cat not in VULNERABILITY_CATEGORIES:
            raise InvalidInput(f"unknown category {cat!r}", field="category")
    if q.min_age is not None and q.max_age is not None and q.min_age > q.max_age:
        raise InvalidInput("min_age is above max_age", field="min_age")
    query = Person.select(
        Person.id,
        Person.name,
        Person.gender,
        Person.birth_date,
        Person.phone,
        Person.id_number_enc,
        Person.id_key_version,
    ).where(Person.erased_at.is_null())
    if q.name_prefix:
        query = query.where(Person.name.like(_like_prefix(q.name_prefix)))
    if q.phone:
        query = query.where(Person.phone == q.phone.strip())
    if q.id_number:
        query = query.where(Person.id_number_hash == keys.lookup_hash(check_id_number(q.id_number)))
    today = dt.date.today()
    if q.min_age is not None:
        query = query.where(Person.birth_date <= _years_ago(q.min_age, today))
    if q.max_age is not None:
        query = query.where(Person.birth_date > _years_ago(q.max_age + 1, today))
    place_filtered = bool(q.building_id or q.unit_id or q.dwelling_id) or q.allowed_building_ids is not None
    living = Residency.select(Residency.person).where(Residency.end_date.is_null())
    if place_filtered:
        if q.building_id:
            living = living.where(Residency.dwelling.building == q.building_id)
        if q.unit_id:
            living = living.where(Residency.dwelling.unit == q.unit_id)
        if q.dwelling_id:
            living = living.where(Residency.dwelling == q.dwelling_id)
        if q.allowed_building_ids is not None:
            scope = Residency.dwelling.building.is_in(list(q.allowed_building_ids) or [0])
            if q.allowed_unit_ids:
                scope = scope | Residency.dwelling.unit.is_in(list(q.allowed_unit_ids))
            living = living.where(scope)
        query = query.where(Person.id.is_in(living))
    elif q.current_only:
        # Current residents, plus people registered but not (yet) housed; not those who left.
        query = query.where(Person.id.is_in(living) | Person.id.not_in(Residency.select(Residency.person)))
    for cat in q.categories:
        query = query.where(
            Person.id.is_in(
                Vulnerability.select(Vulnerability.person).where(
                    (Vulnerability.category == cat) & Vulnerability.active.eq(True)
                )
            )
        )
    if after:
        name, pid = decode_cursor(after)
        query = query.where((Person.name > name) | ((Person.name == name) & (Person.id > pid)))
    rows = await query.order_by(Person.name, Person.id).limit(limit + 1).run()
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1]["name"], rows[-1]["id"])
    return rows, next_cursor


def _like_prefix(prefix: str) -> str:
    escaped = prefix.strip().replace("\\", "").replace("%", "").replace("_", "")
    if not escaped:
        raise InvalidInput("must contain a searchable character", field="name")
    return escaped + "%"
