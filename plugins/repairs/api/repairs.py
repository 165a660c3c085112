"""Categories, reporting, the resident's side (quote confirmation, sign-off, feedback), figures."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from core.api import InvalidInput, holds, requires
from plugins.repairs import categories, costs, intake, views, work
from plugins.repairs.access import (
    caller_id,
    is_dispatcher,
    own_repairs_filter,
    require_requester,
    sees_contact,
    visible_repair,
)
from plugins.repairs.api.bodies import CategoryPatch, FeedbackIn, RepairIn, SignOffIn, TierIn
from plugins.repairs.figures import repair_figures


class CategoriesController(Controller):
    path = "/categories"

    @get("/", guards=[requires("repairs.view")])
    async def list_categories(self) -> list[dict[str, Any]]:
        return await categories.list_categories()

    @patch("/{code:str}", guards=[requires("repairs.configure")])
    async def change(self, code: FromPath[str], data: JSONBody[CategoryPatch]) -> dict[str, Any]:
        changes = {
            k: v
            for k, v in (
                ("skill", data.skill),
                ("priority", data.priority),
                ("sla_hours", data.sla_hours),
                ("tier", data.tier),
            )
            if v is not None
        }
        return await categories.update_category(code, changes)

    @get("/price-list", guards=[requires("repairs.view")])
    async def price_list(self) -> dict[str, float]:
        return costs.price_list()


class RepairsController(Controller):
    path = "/"

    @post("/", guards=[requires("repairs.report")])
    async def report(self, request: Request, data: JSONBody[RepairIn]) -> dict[str, Any]:
        # Residents report for themselves; staff and grid workers may name the person they help.
        on_behalf = data.requester_person_id is not None
        if on_behalf and not (is_dispatcher(request) or holds(request, "residents.edit")):
            raise InvalidInput("residents report for themselves", field="requester_person_id")
        repair = await intake.report(
            category=data.category,
            location=data.location,
            description=data.description,
            caller_user_id=caller_id(request),
            on_behalf=on_behalf,
            dwelling_id=data.dwelling_id,
            building_id=data.building_id,
            location_note=data.location_note,
            urgency=data.urgency,
            preferred_time=data.preferred_time,
            requester_person_id=data.requester_person_id,
        )
        return views.summary(repair)

    @get("/", guards=[requires("repairs.view")])
    async def list_repairs(
        self,
        request: Request,
        in_state: Annotated[str | None, QueryParameter(name="state")] = None,
        category: FromQuery[str | None] = None,
        before_id: Annotated[int | None, QueryParameter(ge=1)] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    ) -> dict[str, Any]:
        """Staff see all; everyone else the repairs they reported (volunteers: see /jobs)."""
        from plugins.repairs.tables import Repair

        query = Repair.select()
        if not is_dispatcher(request):
            me = caller_id(request)
            query = query.where(await own_repairs_filter(me))
        if in_state:
            query = query.where(Repair.state == in_state)
        if category:
            query = query.where(Repair.category == category)
        if before_id:
            query = query.where(Repair.id < before_id)
        rows = await query.order_by(Repair.id, ascending=False).limit(limit).run()
        return {
            "items": [views.summary(r) for r in rows],
            "next_before_id": rows[-1]["id"] if len(rows) == limit else None,
        }

    @get("/{repair_id:int}", guards=[requires("repairs.view")])
    async def one(self, request: Request, repair_id: FromPath[int]) -> dict[str, Any]:
        repair = await visible_repair(request, repair_id)
        return await views.detail(repair, with_contact=await sees_contact(request, repair))

    @post("/{repair_id:int}/tier", guards=[requires("repairs.dispatch")], status_code=200)
    async def tier(
        self, request: Request, repair_id: FromPath[int], data: JSONBody[TierIn]
    ) -> dict[str, Any]:
        repair = await visible_repair(request, repair_id)
        await costs.set_tier(repair, data.tier, data.reason, by_user_id=caller_id(request))
        return views.summary(await visible_repair(request, repair_id))

    @post("/{repair_id:int}/quote/confirm", guards=[requires("repairs.report")], status_code=200)
    async def confirm_quote(self, request: Request, repair_id: FromPath[int]) -> dict[str, Any]:
        repair = await visible_repair(request, repair_id)
        await require_requester(request, repair, "confirm the quote")
        await costs.confirm_quote(repair, by_user_id=caller_id(request))
        return views.summary(await visible_repair(request, repair_id))

    @post("/{repair_id:int}/sign-off", guards=[requires("repairs.report")], status_code=200)
    async def sign_off(
        self, request: Request, repair_id: FromPath[int], data: JSONBody[SignOffIn]
    ) -> dict[str, Any]:
        repair = await visible_repair(request, repair_id)
        await require_requester(request, repair, "sign off the work")
        await work.sign_off(repair, paid_yuan=data.paid_yuan, note=data.note, by_user_id=caller_id(request))
        return await views.detail(await visible_repair(request, repair_id))

    @post("/{repair_id:int}/feedback", guards=[requires("repairs.report")], status_code=200)
    async def feedback(
        self, request: Request, repair_id: FromPath[int], data: JSONBody[FeedbackIn]
    ) -> dict[str, Any]:
        repair = await visible_repair(request, repair_id)
        await require_requester(request, repair, "give feedback")
        await work.give_feedback(
            repair,
            outcome=data.outcome,
            speed_score=data.speed_score,
            service_score=data.service_score,
            comment=data.comment,
            by_user_id=caller_id(request),
        )
        return await views.detail(await visible_repair(request, repair_id))


class FiguresController(Controller):
    path = "/figures"

    @get("/", guards=[requires("repairs.figures")])
    async def figures(
        self, start: FromQuery[dt.date | None] = None, end: FromQuery[dt.date | None] = None
    ) -> dict[str, Any]:
        end = end or dt.date.today()
        start = start or end.replace(day=1)
        if start > end:
            raise InvalidInput("is after end", field="start")
        return await repair_figures(start, end)
