"""Importing a community's register from a spreadsheet: validate every row, then apply in bulk.

* All-or-nothing by default: any bad row and nothing is written; the report lists file row,
  column and reason for each. With ``partial`` the valid rows are imported and the rejects are
  returned as a spreadsheet with the reason beside each row.
* Idempotent: a person is matched by ID number (keyed hash) or, without one, by dwelling and
  name; re-importing the same file creates nothing and reports every row unchanged.
* Fast: places and persons are loaded once, new rows are inserted in batches, and the
  ``resident.moved_in`` events go to the outbox in the same batches (see docs/performance.md).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from core.db.bulk import allocate_ids, insert_rows
from core.errors import InvalidInput
from core.events.outbox import emit_many
from core.plugins.types import Event
from core.residents.categories import RESIDENCY_ROLES, VULNERABILITY_CATEGORIES
from core.residents.identity import FieldKeys, birth_date_of, check_id_number, gender_of
from core.residents.spreadsheet import COLUMNS, read_rows, write_table
from core.residents.tables import (
    Building,
    Compound,
    Dwelling,
    Household,
    Person,
    Residency,
    Unit,
    Vulnerability,
)
from core.tenancy.context import current_tenant
from core.text import unsafe_character

BATCH = 500
_ROLE_WORDS = (
    {zh: key for key, (zh, _en) in RESIDENCY_ROLES.items()}
    | {en.lower(): key for key, (_zh, en) in RESIDENCY_ROLES.items()}
    | {k: k for k in RESIDENCY_ROLES}
    | {"家属": "family", "租客": "tenant", "房主": "owner"}
)
_CATEGORY_WORDS = (
    {zh: key for key, (zh, _en) in VULNERABILITY_CATEGORIES.items()}
    | {k: k for k in VULNERABILITY_CATEGORIES}
    | {"低保": "low_income", "特困": "extreme_poverty"}
)
_GENDER = {"男": "M", "女": "F", "m": "M", "f": "F", "male": "M", "female": "F", "": ""}


@dataclass
class RowError:
    row: int
    column: str
    reason: str


@dataclass
class Row:
    number: int
    raw: dict[str, Any]
    name: str = ""
    id_number: str = ""
    gender: str = ""
    birth_date: dt.date | None = None
    phone: str = ""
    compound: str = ""
    building: str = ""
    unit: str = ""
    dwelling: str = ""
    floor: int | None = None
    area_m2: Decimal | None = None
    role: str = "family"
    relation: str = ""
    start_date: dt.date | None = None
    categories: list[str] = field(default_factory=list)
    tier: int = 2
    notes: str = ""


@dataclass
class ImportReport:
    rows: int = 0
    persons_created: int = 0
    persons_updated: int = 0
    unchanged: int = 0
    moved_in: int = 0
    vulnerabilities_added: int = 0
    places_created: int = 0
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False
    rejects_xlsx: bytes | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "rejects_xlsx"} | {
            "errors": [e.__dict__ for e in self.errors],
            "has_rejects_file": self.rejects_xlsx is not None,
        }


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if not m:
        raise ValueError("is not a date like 2010-05-01")
    return dt.date(int(m[1]), int(m[2]), int(m[3]))


def parse_row(number: int, raw: dict[str, Any], today: dt.date) -> tuple[Row, list[RowError]]:
    row = Row(number=number, raw=raw)
    errors: list[RowError] = []

    def bad(key: str, reason: str) -> None:
        errors.append(RowError(number, COLUMNS[key][0], reason))

    row.name = _text(raw.get("name"))
    if not row.name:
        bad("name", "is required")
    elif len(row.name) > 60:
        bad("name", "is longer than 60 characters")
    for key in ("name", "building", "dwelling", "compound", "unit"):
        if unsafe_character(_text(raw.get(key))) is not None:
            bad(key, "contains a control character")
    row.building, row.dwelling = _text(raw.get("building")), _text(raw.get("dwelling"))
    if not row.building:
        bad("building", "is required")
    if not row.dwelling:
        bad("dwelling", "is required")
    row.compound, row.unit = _text(raw.get("compound")), _text(raw.get("unit"))
    gender = _text(raw.get("gender")).lower()
    if gender not in _GENDER:
        bad("gender", "must be 男 or 女")
    row.gender = _GENDER.get(gender, "")
    try:
        row.birth_date = _date(raw.get("birth_date"))
        if row.birth_date and not dt.date(1890, 1, 1) <= row.birth_date <= today:
            bad("birth_date", "must be between 1890 and today")
    except ValueError as exc:
        bad("birth_date", str(exc))
    # Masked values (from a masked export) mean "not given": the row is matched by place and name.
    if "*" in _text(raw.get("id_number")):
        raw = {**raw, "id_number": ""}
    if "*" in _text(raw.get("phone")):
        raw = {**raw, "phone": ""}
    row.raw = raw
    if _text(raw.get("id_number")):
        try:
            row.id_number = check_id_number(_text(raw.get("id_number")))
            born = birth_date_of(row.id_number)
            if born > today:
                bad("id_number", "contains a birth date in the future")
            if row.birth_date and row.birth_date != born:
                bad("birth_date", "does not match the ID number")
            if row.gender and row.gender != gender_of(row.id_number):
                bad("gender", "does not match the ID number")
            row.birth_date, row.gender = born, gender_of(row.id_number)
        except InvalidInput as exc:
            bad("id_number", str(exc))
    row.phone = _text(raw.get("phone"))
    if row.phone and not re.fullmatch(r"1[3-9]\d{9}", row.phone):
        bad("phone", "must be an 11-digit mainland mobile number")
    floor = _text(raw.get("floor"))
    if floor:
        if not re.fullmatch(r"-?\d{1,3}", floor):
            bad("floor", "must be a whole number")
        else:
            row.floor = int(floor)
    else:
        m = re.match(r"(\d+?)(\d{2})$", row.dwelling)
        row.floor = int(m[1]) if m else 1
    area = _text(raw.get("area_m2"))
    if area:
        try:
            row.area_m2 = Decimal(area)
            if not 0 < row.area_m2 < 10000:
                bad("area_m2", "must be a positive area under 10,000")
        except InvalidOperation:
            bad("area_m2", "must be a number")
    role = _text(raw.get("role")).lower()
    if role:
        if role not in _ROLE_WORDS:
            bad("role", "must be 业主, 租户, 家庭成员 or 其他")
        row.role = _ROLE_WORDS.get(role, "family")
    row.relation = _text(raw.get("relation"))[:20]
    try:
        row.start_date = _date(raw.get("start_date")) or today
        if row.start_date > today + dt.timedelta(days=31):
            bad("start_date", "is more than a month ahead")
        if row.birth_date and row.start_date < row.birth_date:
            bad("start_date", "is before the person was born")
    except ValueError as exc:
        bad("start_date", str(exc))
    for word in re.split(r"[,，、;；/\s]+", _text(raw.get("categories"))):
        if not word:
            continue
        if word not in _CATEGORY_WORDS:
            bad("categories", f"unknown category {word!r}")
        else:
            row.categories.append(_CATEGORY_WORDS[word])
    tier = _text(raw.get("tier"))
    if tier:
        if tier not in ("1", "2", "3"):
            bad("tier", "must be 1, 2 or 3")
        else:
            row.tier = int(tier)
    row.notes = _text(raw.get("notes"))
    return row, errors


class Places:
    """Compounds, buildings, units and dwellings by their names, created on first use."""

    def __init__(self) -> None:
        self.compounds: dict[str, int] = {}
        self.buildings: dict[tuple[int | None, str], dict[str, Any]] = {}
        self.units: dict[tuple[int, str], int] = {}
        self.dwellings: dict[tuple[int, int | None, str], int] = {}
        self._pending: dict[tuple[int, int | None, str], Row] = {}
        self.created = 0

    async def load(self) -> None:
        self.compounds = {r["name"]: r["id"] for r in await Compound.select(Compound.id, Compound.name).run()}
        for b in await Building.select(Building.id, Building.compound, Building.name, Building.floors).run():
            self.buildings[(b["compound"], b["name"])] = b
        self.units = {
            (u["building"], u["name"]): u["id"]
            for u in await Unit.select(Unit.id, Unit.building, Unit.name).run()
        }
        self.dwellings = {
            (d["building"], d["unit"], d["number"]): d["id"]
            for d in await Dwelling.select(
                Dwelling.id, Dwelling.building, Dwelling.unit, Dwelling.number
            ).run()
        }

    async def dwelling_for(self, row: Row, floors_needed: int) -> int | None:
        """The dwelling's id, creating compound, building and unit on the way; a missing
        dwelling is queued for :meth:`create_pending` (None until then)."""
        compound_id = None
        if row.compound:
            compound_id = self.compounds.get(row.compound)
            if compound_id is None:
                c = Compound(name=row.compound)
                await c.save().run()
                compound_id = self.compounds[row.compound] = c.id
                self.created += 1
        building = self.buildings.get((compound_id, row.building))
        if building is None:
            b = Building(name=row.building, compound=compound_id, floors=max(floors_needed, 1))
            await b.save().run()
            building = self.buildings[(compound_id, row.building)] = {"id": b.id, "floors": b.floors}
            self.created += 1
        unit_id = None
        if row.unit:
            unit_id = self.units.get((building["id"], row.unit))
            if unit_id is None:
                u = Unit(building=building["id"], name=row.unit)
                await u.save().run()
                unit_id = self.units[(building["id"], row.unit)] = u.id
                self.created += 1
        key = (building["id"], unit_id, row.dwelling)
        dwelling_id = self.dwellings.get(key)
        if dwelling_id is None:
            self._pending.setdefault(key, row)
            return None
        return dwelling_id

    async def create_pending(self) -> None:
        """Create every dwelling the rows named that does not exist yet, in bulk."""
        from core.db.bulk import allocate_ids, insert_rows

        keys = list(self._pending)
        ids = await allocate_ids(Dwelling, len(keys))
        cid = current_tenant().community_id
        rows = []
        for (building_id, unit_id, number), dwelling_id in zip(keys, ids, strict=True):
            r = self._pending[(building_id, unit_id, number)]
            rows.append(
                (
                    dwelling_id,
                    cid,
                    building_id,
                    unit_id,
                    number,
                    r.floor or 1,
                    r.area_m2,
                    "rented" if r.role == "tenant" else "occupied",
                    "",
                )
            )
            self.dwellings[(building_id, unit_id, number)] = dwelling_id
        for start in range(0, len(rows), BATCH):
            await insert_rows(
                Dwelling,
                ("id", "community_id", "building", "unit", "number", "floor", "area_m2", "state", "notes"),
                rows[start : start + BATCH],
            )
        self.created += len(rows)
        self._pending.clear()


async def import_register(
    keys: FieldKeys,
    filename: str,
    content: bytes,
    *,
    partial: bool = False,
    actor_id: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Validate and (if allowed) apply a register file, in the caller's transaction."""
    today = dt.date.today()
    report = ImportReport()
    parsed: list[Row] = []
    bad_rows: dict[int, list[RowError]] = {}
    seen_ids: dict[str, int] = {}
    for number, raw in read_rows(filename, content):
        row, errors = parse_row(number, raw, today)
        if row.id_number and not errors:
            if row.id_number in seen_ids:
                errors.append(
                    RowError(
                        number, COLUMNS["id_number"][0], f"same ID number as row {seen_ids[row.id_number]}"
                    )
                )
            seen_ids.setdefault(row.id_number, number)
        report.rows += 1
        if errors:
            bad_rows[number] = errors
            report.errors.extend(errors)
        parsed.append(row)
    if report.rows == 0:
        raise InvalidInput("the file has no data rows", field="file")
    good = [r for r in parsed if r.number not in bad_rows]

    # Second pass against the database: people who already live elsewhere.
    by_hash = {
        r["id_number_hash"]: r["id"]
        for r in await Person.select(Person.id, Person.id_number_hash)
        .where((Person.id_number_hash != "") & Person.erased_at.is_null())
        .run()
    }
    open_residency: dict[int, int] = {
        r["person"]: r["dwelling"]
        for r in await Residency.select(Residency.person, Residency.dwelling)
        .where(Residency.end_date.is_null())
        .run()
    }
    living_by_name: dict[tuple[int, str], int] = {
        (r["dwelling"], r["person.name"]): r["person"]
        for r in await Residency.select(Residency.person, Residency.dwelling, Residency.person.name)
        .where(Residency.end_date.is_null())
        .run()
    }

    places = Places()
    await places.load()
    floors_needed: dict[tuple[str, str], int] = {}
    for r in good:
        floors_needed[(r.compound, r.building)] = max(
            floors_needed.get((r.compound, r.building), 1), r.floor or 1
        )
    # Resolve dwellings only when the whole file is going in (never create places for nothing).
    if bad_rows and not partial:
        raise ImportRefused(report)
    resolved: list[tuple[Row, int, int | None]] = []  # row, dwelling, existing person id
    for r in good:
        await places.dwelling_for(r, floors_needed[(r.compound, r.building)])
    await places.create_pending()
    for r in good:
        dwelling_id = await places.dwelling_for(r, floors_needed[(r.compound, r.building)])
        assert dwelling_id is not None  # every dwelling exists after create_pending()
        hashed = keys.lookup_hash(r.id_number) if r.id_number else ""
        person_id = by_hash.get(hashed) if hashed else living_by_name.get((dwelling_id, r.name))
        if person_id is not None and open_residency.get(person_id, dwelling_id) != dwelling_id:
            err = RowError(
                r.number,
                COLUMNS["dwelling"][0],
                "this person already lives in another dwelling; move them out first",
            )
            bad_rows[r.number] = [err]
            report.errors.append(err)
            continue
        resolved.append((r, dwelling_id, person_id))
    report.places_created = places.created
    if bad_rows and not partial:
        raise ImportRefused(report)

    await _apply(keys, resolved, open_residency, report, actor_id, progress)
    report.applied = True
    if bad_rows:
        report.rejects_xlsx = rejects_file(parsed, bad_rows)
    return report


class ImportRefused(Exception):
    """All-or-nothing import found bad rows: the caller rolls back and shows ``report``."""

    def __init__(self, report: ImportReport):
        super().__init__("import refused")
        self.report = report


async def _apply(
    keys: FieldKeys,
    resolved: list[tuple[Row, int, int | None]],
    open_residency: dict[int, int],
    report: ImportReport,
    actor_id: int | None,
    progress: Callable[[int, int], None] | None,
) -> None:
    """Write the resolved rows: bulk inserts through the driver, keys assigned up front."""
    tenant = current_tenant()
    cid = tenant.community_id
    now = dt.datetime.now(dt.UTC)
    new_rows = [r for r, _d, pid in resolved if pid is None]
    new_ids = await allocate_ids(Person, len(new_rows))
    person_rows = []
    for r, pid in zip(new_rows, new_ids, strict=True):
        enc, version = keys.encrypt(r.id_number) if r.id_number else ("", 0)
        person_rows.append(
            (
                pid,
                cid,
                r.name,
                r.gender,
                r.birth_date,
                enc,
                keys.lookup_hash(r.id_number) if r.id_number else "",
                version,
                r.phone,
                r.notes,
                now,
            )
        )
    for start in range(0, len(person_rows), BATCH):
        await insert_rows(
            Person,
            (
                "id",
                "community_id",
                "name",
                "gender",
                "birth_date",
                "id_number_enc",
                "id_number_hash",
                "id_key_version",
                "phone",
                "notes",
                "created_at",
            ),
            person_rows[start : start + BATCH],
        )
        if progress:
            progress(min(start + BATCH, len(person_rows)), len(resolved))
    report.persons_created = len(new_ids)
    person_of: list[tuple[Row, int, int, bool]] = []  # row, dwelling, person, is_new
    it = iter(new_ids)
    for r, d, existing in resolved:
        person_of.append((r, d, existing if existing is not None else next(it), existing is None))

    # Updates of matched persons (phone, notes) count as changes; identical rows do not.
    matched = [p for _r, _d, p, new in person_of if not new]
    current = (
        {
            x["id"]: x
            for x in await Person.select(Person.id, Person.phone, Person.notes)
            .where(Person.id.is_in(matched))
            .run()
        }
        if matched
        else {}
    )
    for r, _d, pid, new in person_of:
        if new:
            continue
        before = current.get(pid, {})
        changes: dict[Any, Any] = {}
        if r.phone and r.phone != before.get("phone"):
            changes[Person.phone] = r.phone
        if r.notes and r.notes != before.get("notes"):
            changes[Person.notes] = r.notes
        if changes:
            await Person.update(changes).where(Person.id == pid).run()
            report.persons_updated += 1

    households = {
        h["dwelling"]: h["id"]
        for h in await Household.select(Household.id, Household.dwelling)
        .where(Household.dissolved_on.is_null())
        .run()
    }
    moves = [(r, d, p) for r, d, p, _new in person_of if p not in open_residency]
    need_household = list(dict.fromkeys(d for _r, d, _p in moves if d not in households))
    first_name: dict[int, str] = {}
    for r, d, _p in moves:
        first_name.setdefault(d, r.name)
    household_ids = await allocate_ids(Household, len(need_household))
    await insert_rows(
        Household,
        ("id", "community_id", "dwelling", "label", "created_at"),
        [(hid, cid, d, first_name[d], now) for hid, d in zip(household_ids, need_household, strict=True)],
    )
    households.update(zip(need_household, household_ids, strict=True))
    residency_ids = await allocate_ids(Residency, len(moves))
    residency_rows = [
        (rid, cid, p, households[d], d, r.role, r.relation, r.relation == "本人", r.start_date)
        for (r, d, p), rid in zip(moves, residency_ids, strict=True)
    ]
    # The building and unit, as a move-in by hand carries them (door access grants by building).
    places = {
        row["id"]: row
        for row in await Dwelling.select(Dwelling.id, Dwelling.building, Dwelling.unit)
        .where(Dwelling.id.is_in(sorted({d for _r, d, _p in moves}) or [0]))
        .run()
    }
    events = [
        Event(
            type="resident.moved_in",
            community_id=cid,
            actor_id=actor_id,
            payload={
                "person_id": p,
                "residency_id": rid,
                "dwelling_id": d,
                "building_id": places[d]["building"],
                "unit_id": places[d]["unit"],
                "household_id": households[d],
                "role": r.role,
                "start_date": str(r.start_date),
                "source": "import",
            },
        )
        for (r, d, p), rid in zip(moves, residency_ids, strict=True)
    ]
    for start in range(0, len(moves), BATCH):
        await insert_rows(
            Residency,
            (
                "id",
                "community_id",
                "person",
                "household",
                "dwelling",
                "role",
                "relation",
                "primary_contact",
                "start_date",
            ),
            residency_rows[start : start + BATCH],
        )
        await emit_many(events[start : start + BATCH])
    report.moved_in = len(moves)
    moved = {p for _r, _d, p in moves}

    existing_v = {
        (v["person"], v["category"])
        for v in await Vulnerability.select(Vulnerability.person, Vulnerability.category)
        .where(Vulnerability.active.eq(True))
        .run()
    }
    new_v = []
    for r, _d, p, _new in person_of:
        for cat in r.categories:
            if (p, cat) not in existing_v:
                existing_v.add((p, cat))
                new_v.append((cid, p, cat, r.tier, True, "", ""))
    await insert_rows(
        Vulnerability,
        ("community_id", "person", "category", "tier", "active", "consent_note", "notes"),
        new_v,
    )
    report.vulnerabilities_added = len(new_v)
    touched = {p for _r, _d, p, new in person_of if new} | moved | {v[1] for v in new_v}
    report.unchanged = sum(1 for _r, _d, p, _n in person_of if p not in touched) - report.persons_updated
    report.unchanged = max(report.unchanged, 0)


def rejects_file(rows: list[Row], bad: dict[int, list[RowError]]) -> bytes:
    keys = list(COLUMNS)
    out = []
    for r in rows:
        if r.number in bad:
            reasons = "; ".join(f"{e.column}: {e.reason}" for e in bad[r.number])
            out.append([r.number, *[_text(r.raw.get(k)) for k in keys], reasons])
    return write_table("未导入", ["行号", *[COLUMNS[k][0] for k in keys], "原因"], out)


__all__ = ["ImportRefused", "ImportReport", "import_register", "rejects_file"]
