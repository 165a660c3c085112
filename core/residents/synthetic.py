"""Deterministic synthetic residents for the demo and the benchmarks.

The same seed and sizes always give the same people: Chinese names, valid (fictional) ID
numbers with GB 11643 check digits, households spread over compounds, buildings, units and
flats, an age profile with the seed articles' share of over-60s, and a vulnerability register.
Rows are inserted in batches and no move-in events are emitted (a demo does not need 25,000
door-access grants queued).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from core.db.bulk import allocate_ids, insert_rows
from core.residents.identity import FieldKeys, with_check_digit
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

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "秀英桂兰建国建华志强丽娟明军伟芳娜敏静磊洋勇艳杰涛超霞平刚玉兰红梅海燕文华小红春"
    "梅德明国强淑珍玉珍凤英秀珍子涵浩然欣怡宇轩梓萱俊杰思远雨桐嘉怡一诺"
)
BATCH = 500


@dataclass
class PopulationSpec:
    households: int
    people: int
    compounds: int = 3
    buildings: int = 30
    over_60_share: float = 0.23
    area_code: str = "500101"  # a fictional-use county code
    seed: int = 2026
    max_floors: int | None = None  # walk-ups: at most this many floors (more units instead)


@dataclass
class PopulationReport:
    buildings: int = 0
    dwellings: int = 0
    households: int = 0
    people: int = 0
    vulnerable: int = 0


def _name(rng: random.Random) -> str:
    given = GIVEN[rng.randrange(0, len(GIVEN) - 1)]
    if rng.random() < 0.7:
        given += GIVEN[rng.randrange(0, len(GIVEN))]
    return SURNAMES[rng.randrange(len(SURNAMES))] + given


def _birth(rng: random.Random, today: dt.date, elderly: bool) -> dt.date:
    age = rng.randint(60, 95) if elderly else rng.randint(0, 59)
    return today - dt.timedelta(days=age * 365 + rng.randint(0, 364))


async def populate(keys: FieldKeys, spec: PopulationSpec, today: dt.date | None = None) -> PopulationReport:
    """Fill the current tenant's register (in the caller's transaction)."""
    rng = random.Random(spec.seed)
    today = today or dt.date(2026, 11, 1)
    report = PopulationReport()
    cid = current_tenant().community_id
    compounds = []
    # The stems start at a point of the community's own seed, so two communities' compounds
    # are not all called the same.
    stems = ["和韵", "阳光", "滨江", "翠柏", "桂园", "锦绣", "金桥", "望江", "龙湾", "枫林", "书香", "康乐"]
    for i in range(spec.compounds):
        stem = stems[(i + spec.seed) % len(stems)]
        c = Compound(
            name=f"{stem}小区" if i < len(stems) else f"{stem}{i}区",
            management=["self_managed", "property_company", "none"][i % 3],
        )
        await c.save().run()
        compounds.append(c.id)
    per_building = max(1, -(-spec.households // spec.buildings))  # ceiling
    dwelling_ids: list[int] = []
    for b in range(spec.buildings):
        floors = 7 if per_building <= 42 else min(33, -(-per_building // 4))
        if spec.max_floors is not None:
            floors = min(floors, spec.max_floors)
        units = max(1, -(-per_building // (floors * 2)))
        building = Building(
            name=f"{b + 1}栋",
            compound=compounds[b % len(compounds)],
            floors=floors,
            has_lift=floors > 7 and spec.max_floors is None,
            built_year=1985 + (b * 7) % 35,
        )
        await building.save().run()
        report.buildings += 1
        dwellings = []
        for u in range(units):
            unit = Unit(building=building.id, name=f"{u + 1}单元")
            await unit.save().run()
            for floor in range(1, floors + 1):
                for d in (1, 2):
                    dwellings.append(
                        Dwelling(
                            building=building.id,
                            unit=unit.id,
                            floor=floor,
                            number=f"{floor}{d:02d}",
                            state="occupied",
                            area_m2=None,
                        )
                    )
        result = await Dwelling.insert(*dwellings).returning(Dwelling.id).run()
        dwelling_ids.extend(r["id"] for r in result)
    report.dwellings = len(dwelling_ids)
    used = dwelling_ids[: spec.households]
    now = dt.datetime.now(dt.UTC)
    household_ids: list[int] = []
    for start in range(0, len(used), BATCH):
        rows = [Household(dwelling=d, label="", created_at=now) for d in used[start : start + BATCH]]
        household_ids.extend(r["id"] for r in await Household.insert(*rows).returning(Household.id).run())
    report.households = len(household_ids)

    # Spread people over households: everyone gets one, the rest go round at random.
    sizes = [1] * len(household_ids)
    for _ in range(max(0, spec.people - len(household_ids))):
        sizes[rng.randrange(len(sizes))] += 1
    serial = 0
    pending: list[tuple[Person, int, int, str, bool]] = []  # person, dwelling, household, relation, alone

    async def flush() -> None:
        nonlocal pending
        if not pending:
            return
        # Bulk through the driver (core.db.bulk): ~5x faster than piccolo objects at this size.
        ids = await allocate_ids(Person, len(pending))
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
            [
                (
                    pid,
                    cid,
                    p.name,
                    p.gender,
                    p.birth_date,
                    p.id_number_enc,
                    p.id_number_hash,
                    p.id_key_version,
                    p.phone,
                    "",
                    now,
                )
                for pid, (p, *_r) in zip(ids, pending, strict=True)
            ],
        )
        residency_ids = await allocate_ids(Residency, len(pending))
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
                "end_reason",
            ),
            [
                (
                    rid,
                    cid,
                    pid,
                    h,
                    d,
                    "owner" if rel == "本人" else "family",
                    rel,
                    rel == "本人",
                    dt.date(2005, 1, 1) + dt.timedelta(days=(pid * 37) % 6000),
                    "",
                )
                for rid, pid, (_p, d, h, rel, _a) in zip(residency_ids, ids, pending, strict=True)
            ],
        )
        vulns = []
        for pid, (p, _d, _h, _rel, alone) in zip(ids, pending, strict=True):
            elderly = p.birth_date <= today.replace(year=today.year - 60)
            if elderly and alone:
                vulns.append(Vulnerability(person=pid, category="elderly_alone", tier=1))
            elif elderly and pid % 9 == 0:
                vulns.append(Vulnerability(person=pid, category="empty_nest", tier=2))
            elif pid % 97 == 0:
                vulns.append(Vulnerability(person=pid, category="low_income", tier=2))
            elif pid % 151 == 0:
                vulns.append(Vulnerability(person=pid, category="disabled", tier=2))
        if vulns:
            await Vulnerability.insert(*vulns).run()
        report.vulnerable += len(vulns)
        report.people += len(ids)
        pending = []

    for household, dwelling, size in zip(household_ids, used, sizes, strict=True):
        for k in range(size):
            serial += 1
            elderly = rng.random() < spec.over_60_share
            birth = _birth(rng, today, elderly)
            seq = f"{serial % 1000:03d}"
            gender_digit = str((serial * 7 + k) % 10)
            number = with_check_digit(f"{spec.area_code}{birth:%Y%m%d}{seq[:2]}{gender_digit}")
            enc, version = keys.encrypt(number)
            phone = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}" if rng.random() < 0.8 else ""
            pending.append(
                (
                    Person(
                        name=_name(rng),
                        gender="M" if int(gender_digit) % 2 else "F",
                        birth_date=birth,
                        id_number_enc=enc,
                        id_number_hash=keys.lookup_hash(number),
                        id_key_version=version,
                        phone=phone,
                        created_at=now,
                    ),
                    dwelling,
                    household,
                    "本人" if k == 0 else rng.choice(["配偶", "子女", "父母"]),
                    size == 1,
                )
            )
            if len(pending) >= BATCH:
                await flush()
    await flush()
    return report
