"""Dispatch (staff) and the volunteer's jobs: open jobs to grab, my jobs, decline, appointment,
quote and the work record."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath, JSONBody

from core.api import requires
from plugins.repairs import costs, dispatch, team, views, work
from plugins.repairs.access import caller_id, visible_repair
from plugins.repairs.api.bodies import AppointmentIn, AssignIn, AvailabilityIn, QuoteIn, ReasonIn, WorkIn
from plugins.repairs.team import OPEN_STATES, member_of_user, skill_problem, skills_of


class DispatchController(Controller):
    path = "/"

    @post("/{repair_id:int}/assign", guards=[requires("repairs.dispatch")], status_code=200)
    async def assign(
        self, request: Request, repair_id: FromPath[int], data: JSONBody[AssignIn]
    ) -> dict[str, Any]:
        repair = await visible_repair(request, repair_id)
        await dispatch.assign(repair, data.member_id, by_user_id=caller_id(request), reason=data.reason)
        return await views.detail(await visible_repair(request, repair_id))

    @get("/{repair_id:int}/suggestions", guards=[requires("repairs.dispatch")])
    async def suggestions(self, request: Request, repair_id: FromPath[int]) -> list[dict[str, Any]]:
        return await dispatch.suggest(await visible_repair(request, repair_id))

    @post("/{repair_id:int}/appointment", guards=[requires("repairs.dispatch")], status_code=200)
    async def appointment(
        self, request: Request, repair_id: FromPath[int], data: JSONBody[AppointmentIn]
    ) -> dict[str, Any]:
        repair = await visible_repair(request, repair_id)
        await dispatch.set_appointment(repair, data.at, data.note, by_user_id=caller_id(request))
        return views.summary(await visible_repair(request, repair_id))


async def _me(request: Request) -> dict[str, Any]:
    member = await member_of_user(caller_id(request))
    if member is None:
        raise PermissionDeniedException("you are not on the repair team")
    return member


async def _my_job(request: Request, repair_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    return await _me(request), await visible_repair(request, repair_id)


class JobsController(Controller):
    path = "/jobs"

    @get("/open", guards=[requires("repairs.work")])
    async def open_jobs(self, request: Request) -> list[dict[str, Any]]:
        """Unassigned jobs needing a skill the volunteer holds (and may use today)."""
        import datetime as dt

        from plugins.repairs.tables import Repair

        member = await _me(request)
        skills = await skills_of(member["id"])
        usable = [s["skill"] for s in skills if skill_problem(skills, s["skill"], dt.date.today()) is None]
        if not usable:
            return []
        rows = (
            await Repair.select()
            .where(
                Repair.assignee_member_id.is_null()
                & Repair.skill.is_in(usable)
                & Repair.state.is_in([s for s in OPEN_STATES if s != "in_progress"])
            )
            .order_by(Repair.id)
            .run()
        )
        return [views.summary(r) for r in rows]

    @get("/mine", guards=[requires("repairs.work")])
    async def mine(self, request: Request) -> list[dict[str, Any]]:
        from plugins.repairs.tables import Repair

        member = await _me(request)
        rows = (
            await Repair.select()
            .where(Repair.assignee_member_id == member["id"])
            .order_by(Repair.id, ascending=False)
            .limit(100)
            .run()
        )
        return [views.summary(r) for r in rows]

    @post("/availability", guards=[requires("repairs.work")], status_code=200)
    async def availability(self, request: Request, data: JSONBody[AvailabilityIn]) -> dict[str, Any]:
        """Volunteers say whether they can take jobs now (unavailable: no grabbing, no suggestions)."""
        member = await _me(request)
        return await team.update_member(member["id"], {"available": data.available})

    @post("/{repair_id:int}/grab", guards=[requires("repairs.work")], status_code=200)
    async def grab(self, request: Request, repair_id: FromPath[int]) -> dict[str, Any]:
        member, repair = await _my_job(request, repair_id)
        await dispatch.grab(repair, member, user_id=caller_id(request))
        return views.summary(await visible_repair(request, repair_id))

    @post("/{repair_id:int}/decline", guards=[requires("repairs.work")], status_code=200)
    async def decline(
        self, request: Request, repair_id: FromPath[int], data: JSONBody[ReasonIn]
    ) -> dict[str, Any]:
        member, repair = await _my_job(request, repair_id)
        await dispatch.decline(repair, member, data.reason, user_id=caller_id(request))
        return {"id": repair_id, "declined": True}

    @post("/{repair_id:int}/appointment", guards=[requires("repairs.work")], status_code=200)
    async def appointment(
        self, request: Request, repair_id: FromPath[int], data: JSONBody[AppointmentIn]
    ) -> dict[str, Any]:
        member, repair = await _my_job(request, repair_id)
        if repair["assignee_member_id"] != member["id"]:
            raise PermissionDeniedException("this job is not yours")
        await dispatch.set_appointment(repair, data.at, data.note, by_user_id=caller_id(request))
        return views.summary(await visible_repair(request, repair_id))

    @post("/{repair_id:int}/quote", guards=[requires("repairs.work")], status_code=200)
    async def quote(
        self, request: Request, repair_id: FromPath[int], data: JSONBody[QuoteIn]
    ) -> dict[str, Any]:
        member, repair = await _my_job(request, repair_id)
        if repair["assignee_member_id"] != member["id"]:
            raise PermissionDeniedException("this job is not yours")
        await costs.quote(repair, data.amount_yuan, data.note)
        return views.summary(await visible_repair(request, repair_id))

    @post("/{repair_id:int}/work", guards=[requires("repairs.work")])
    async def record_work(
        self, request: Request, repair_id: FromPath[int], data: JSONBody[WorkIn]
    ) -> dict[str, Any]:
        member, repair = await _my_job(request, repair_id)
        record = await work.record_work(
            repair,
            member_id=member["id"],
            materials=data.materials,
            minutes=data.minutes,
            cost_yuan=data.cost_yuan,
            note=data.note,
            by_user_id=caller_id(request),
        )
        return {
            "id": record["id"],
            "repair_id": repair_id,
            "minutes": record["minutes"],
            "cost_yuan": record["cost_fen"] / 100,
            "attach": {
                "owner_kind": "repairs.work",
                "owner_id": record["id"],
                "purposes": ["before", "after", "receipt"],
            },
        }
