"""Visit plans from the vulnerability register, due lists, and visit records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from core.errors import InvalidInput
from core.events.outbox import emit
from core.grids.tables import GridPlace, Visit, VisitPlan, VisitRequest
from core.residents.categories import DEFAULT_VISIT_DAYS_BY_TIER
from core.residents.people import get_person
from core.residents.tables import Residency, Vulnerability

VISIT_KINDS = ("home", "phone", "video", "neighbour")


async def frequencies() -> dict[int, int]:
    """Days between visits per tier for the current community: its overrides over the defaults."""
    from core.grids.tables import VisitFrequency

    own = {r["tier"]: r["every_days"] for r in await VisitFrequency.select().run()}
    return {**DEFAULT_VISIT_DAYS_BY_TIER, **own}


async def generate_visit_plans(days_by_tier: dict[int, int] | None = None) -> int:
    """One plan per person with an active vulnerability (highest need wins); idempotent.

    Returns the number of plans created or changed. Plans of people who no longer have an
    active vulnerability are switched off. The scheduler of the jobs issue will call this daily.
    """
    days = {**await frequencies(), **(days_by_tier or {})}
    need: dict[int, int] = {}
    for v in (
        await Vulnerability.select(Vulnerability.person, Vulnerability.tier)
        .where(Vulnerability.active.eq(True))
        .run()
    ):
        need[v["person"]] = min(need.get(v["person"], 3), v["tier"])
    plans = {p["person"]: p for p in await VisitPlan.select().run()}
    changed = 0
    for person, tier in need.items():
        plan = plans.get(person)
        every = days[tier]
        if plan is None:
            await VisitPlan.insert(VisitPlan(person=person, tier=tier, every_days=every)).run()
            changed += 1
        elif (plan["tier"], plan["every_days"], plan["active"]) != (tier, every, True):
            await (
                VisitPlan.update({VisitPlan.tier: tier, VisitPlan.every_days: every, VisitPlan.active: True})
                .where(VisitPlan.id == plan["id"])
                .run()
            )
            changed += 1
    for person, plan in plans.items():
        if person not in need and plan["active"]:
            await VisitPlan.update({VisitPlan.active: False}).where(VisitPlan.id == plan["id"]).run()
            changed += 1
    return changed


async def _in_grids(person_ids: set[int], grid_ids: list[int]) -> set[int]:
    """Those of ``person_ids`` who live in the given grids now."""
    places = (
        await GridPlace.select(GridPlace.building, GridPlace.unit)
        .where(GridPlace.grid.is_in(grid_ids or [0]))
        .run()
    )
    buildings = {p["building"] for p in places if p["unit"] is None}
    units = {p["unit"] for p in places if p["unit"] is not None}
    homes = (
        await Residency.select(Residency.person, Residency.dwelling.building, Residency.dwelling.unit)
        .where(Residency.end_date.is_null() & Residency.person.is_in(sorted(person_ids) or [0]))
        .run()
    )
    return {h["person"] for h in homes if h["dwelling.building"] in buildings or h["dwelling.unit"] in units}


async def due_visits(today: dt.date, grid_ids: list[int] | None = None) -> list[dict[str, Any]]:
    """Planned persons whose last visit is older than their plan allows, and persons a module
    asked a visit for (``reason``), overdue first."""
    plans = (
        await VisitPlan.select(VisitPlan.person, VisitPlan.every_days, VisitPlan.tier, VisitPlan.person.name)
        .where(VisitPlan.active.eq(True))
        .run()
    )
    asked = (
        await VisitRequest.select(
            VisitRequest.id,
            VisitRequest.person,
            VisitRequest.person.name,
            VisitRequest.reason,
            VisitRequest.due_on,
        )
        .where(VisitRequest.done_at.is_null() & (VisitRequest.due_on <= today))
        .order_by(VisitRequest.due_on)
        .run()
    )
    if grid_ids is not None:
        inside = await _in_grids({p["person"] for p in plans} | {a["person"] for a in asked}, grid_ids)
        plans = [p for p in plans if p["person"] in inside]
        asked = [a for a in asked if a["person"] in inside]
    last = await last_visits()
    due: dict[int, dict[str, Any]] = {}
    for p in plans:
        previous = last.get(p["person"])
        due_on = (previous + dt.timedelta(days=p["every_days"])) if previous else today
        if due_on <= today:
            due[p["person"]] = {
                "person_id": p["person"],
                "name": p["person.name"],
                "tier": p["tier"],
                "last_visit": previous,
                "due_on": due_on,
                "overdue_days": (today - due_on).days,
                "reasons": [],
            }
    tiers = {p["person"]: p["tier"] for p in plans}
    for a in asked:
        row = due.setdefault(
            a["person"],
            {
                "person_id": a["person"],
                "name": a["person.name"],
                "tier": tiers.get(a["person"], 3),
                "last_visit": last.get(a["person"]),
                "due_on": a["due_on"],
                "overdue_days": (today - a["due_on"]).days,
                "reasons": [],
            },
        )
        row["reasons"].append(a["reason"])
        if a["due_on"] < row["due_on"]:
            row["due_on"], row["overdue_days"] = a["due_on"], (today - a["due_on"]).days
    # Asked-for visits first (something was seen today), then the most overdue, highest need.
    return sorted(due.values(), key=lambda x: (not x["reasons"], -x["overdue_days"], x["tier"]))


async def request_visit(person_id: int, *, reason: str, source: str, due_on: dt.date) -> dict[str, Any]:
    """Ask the person's grid worker for a visit (it shows on their list of visits due, first);
    the next visit recorded for the person does it. Returns the request."""
    await get_person(person_id)
    row = VisitRequest(
        person=person_id,
        reason=reason[:200],
        source=source[:40],
        due_on=due_on,
        requested_at=dt.datetime.now(dt.UTC),
    )
    await row.save().run()
    await emit("grid.visit_requested", {"request_id": row.id, "person_id": person_id, "source": source})
    return row.to_dict()


async def get_visit_request(request_id: int) -> dict[str, Any]:
    """The request with the visit that did it, when one did (``visit``: its kind, date, findings)."""
    from core.errors import NotFound

    row = await VisitRequest.select().where(VisitRequest.id == request_id).first().run()
    if row is None:
        raise NotFound("no such visit request")
    visit = None
    if row["visit"] is not None:
        visit = await Visit.select().where(Visit.id == row["visit"]).first().run()
    return {**row, "visit": visit}


async def last_visits() -> dict[int, dt.date]:
    """The date each person was last visited."""
    rows = await Visit.select(Visit.person, Visit.visited_on).run()
    last: dict[int, dt.date] = {}
    for v in rows:
        if v["visited_on"] > last.get(v["person"], dt.date.min):
            last[v["person"]] = v["visited_on"]
    return last


async def record_visit(
    person_id: int,
    visitor_user_id: int,
    *,
    kind: str,
    visited_on: dt.date,
    findings: str = "",
    follow_ups: str = "",
) -> dict[str, Any]:
    await get_person(person_id)
    if kind not in VISIT_KINDS:
        raise InvalidInput(f"must be one of {', '.join(VISIT_KINDS)}", field="kind")
    if visited_on > dt.date.today():
        raise InvalidInput("cannot be in the future", field="visited_on")
    visit = Visit(
        person=person_id,
        visitor_user_id=visitor_user_id,
        kind=kind,
        visited_on=visited_on,
        findings=findings,
        follow_ups=follow_ups,
        created_at=dt.datetime.now(dt.UTC),
    )
    await visit.save().run()
    # The visit does every visit asked for the person until that day.
    await (
        VisitRequest.update({VisitRequest.visit: visit.id, VisitRequest.done_at: dt.datetime.now(dt.UTC)})
        .where(
            (VisitRequest.person == person_id)
            & VisitRequest.done_at.is_null()
            & (VisitRequest.due_on <= visited_on)
        )
        .run()
    )
    await emit(
        "grid.visit_recorded",
        {"visit_id": visit.id, "person_id": person_id, "kind": kind},
        actor_id=visitor_user_id,
    )
    return visit.to_dict()


async def visit_coverage(today: dt.date) -> dict[str, Any]:
    """Share of planned (vulnerable) persons visited within their plan's period."""
    plans = (
        await VisitPlan.select(VisitPlan.person, VisitPlan.every_days).where(VisitPlan.active.eq(True)).run()
    )
    last = await last_visits()
    covered = sum(
        1 for p in plans if p["person"] in last and (today - last[p["person"]]).days <= p["every_days"]
    )
    month_start = today.replace(day=1)
    this_month = await Visit.count().where(Visit.visited_on >= month_start).run()
    return {
        "planned": len(plans),
        "covered": covered,
        "coverage": round(covered / len(plans), 3) if plans else None,
        "visits_this_month": this_month,
    }


async def open_case_from_visit(
    case_types: Mapping[str, Any], visit: dict[str, Any], case_type: str, title: str, description: str
) -> dict[str, Any]:
    """Raise a case from a visit: requester the visited person, located at their home."""
    from core.cases.engine import open_case

    home = (
        await Residency.select(Residency.dwelling)
        .where((Residency.person == visit["person"]) & Residency.end_date.is_null())
        .first()
        .run()
    )
    case = await open_case(
        case_types,
        case_type=case_type,
        title=title,
        description=description,
        channel="grid_visit",
        requester_person_id=visit["person"],
        acting_user_id=visit["visitor_user_id"],
        dwelling_id=home["dwelling"] if home else None,
    )
    await Visit.update({Visit.case_id: case["id"]}).where(Visit.id == visit["id"]).run()
    return case
