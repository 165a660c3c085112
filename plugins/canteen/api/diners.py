"""Diners and their orders. Mounted at /api/v1/c/{community}/canteen/diners. Which diner a
caller may touch is scope.diner_for (404 otherwise)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, get, patch, post, put
from litestar.params import FromPath, JSONBody, QueryParameter

from core.api import InvalidInput, requires
from plugins.canteen import counter, diners, orders, scope
from plugins.canteen.api.bodies import DinerIn, DinerPatch, MonthIn, PauseIn, StandingIn, StopIn


async def view(diner: dict[str, Any]) -> dict[str, Any]:
    return {**diner, "standing_orders": await orders.standing_orders_of(diner["id"])}


class DinersController(Controller):
    path = "/diners"

    @get("/", guards=[requires("canteen.view")])
    async def list_diners(
        self,
        request: Request,
        in_state: Annotated[str | None, QueryParameter(name="state", max_length=12)] = None,
        q: Annotated[str | None, QueryParameter(max_length=60)] = None,
    ) -> list[dict[str, Any]]:
        """The diners the caller may see (the kitchen: all; a grid worker: their grids; a
        resident: themself and whom they are a proxy of)."""
        rows = await diners.list_diners(states=(in_state,) if in_state else None, query=q or "")
        visible = await scope.visible_person_ids(request)
        return [r for r in rows if visible is None or r["person_id"] in visible]

    @post("/", guards=[requires("canteen.enrol")])
    async def sign_up(self, request: Request, data: JSONBody[DinerIn]) -> dict[str, Any]:
        await scope.may_enrol(request, data.person_id)
        diner = await diners.sign_up(
            data.person_id,
            by_user_id=scope.caller_id(request),
            eats=data.eats,
            diets=data.diets,
            texture=data.texture,
            allergies=data.allergies,
            avoid=data.avoid,
            emergency_name=data.emergency_name,
            emergency_phone=data.emergency_phone,
        )
        return await view(diner)

    @get("/{diner_id:int}", guards=[requires("canteen.view")])
    async def one(self, request: Request, diner_id: FromPath[int]) -> dict[str, Any]:
        return await view(await scope.diner_for(request, diner_id))

    @patch("/{diner_id:int}", guards=[requires("canteen.enrol")])
    async def change(
        self, request: Request, diner_id: FromPath[int], data: JSONBody[DinerPatch]
    ) -> dict[str, Any]:
        await scope.diner_for(request, diner_id)
        return await view(
            await diners.update_profile(
                diner_id,
                eats=data.eats,
                diets=data.diets,
                texture=data.texture,
                allergies=data.allergies,
                avoid=data.avoid,
                emergency_name=data.emergency_name,
                emergency_phone=data.emergency_phone,
            )
        )

    @post("/{diner_id:int}/pause", guards=[requires("canteen.order")])
    async def pause(
        self, request: Request, diner_id: FromPath[int], data: JSONBody[PauseIn]
    ) -> dict[str, Any]:
        """A stay in hospital or with family: the resident or their family say so themselves."""
        await scope.diner_for(request, diner_id)
        return await view(await diners.pause(diner_id, start=data.start, end=data.end, reason=data.reason))

    @post("/{diner_id:int}/resume", guards=[requires("canteen.order")])
    async def resume(self, request: Request, diner_id: FromPath[int]) -> dict[str, Any]:
        await scope.diner_for(request, diner_id)
        return await view(await diners.resume(diner_id))

    @post("/{diner_id:int}/stop", guards=[requires("canteen.enrol")])
    async def stop(self, request: Request, diner_id: FromPath[int], data: JSONBody[StopIn]) -> dict[str, Any]:
        await scope.diner_for(request, diner_id)
        return await view(await diners.stop(diner_id, reason=data.reason, deceased=data.deceased))

    @post("/{diner_id:int}/restart", guards=[requires("canteen.enrol")])
    async def restart(self, request: Request, diner_id: FromPath[int]) -> dict[str, Any]:
        await scope.diner_for(request, diner_id)
        return await view(await diners.restart(diner_id))

    @put("/{diner_id:int}/standing", guards=[requires("canteen.order")])
    async def standing(
        self, request: Request, diner_id: FromPath[int], data: JSONBody[StandingIn]
    ) -> dict[str, Any]:
        await scope.diner_for(request, diner_id)
        await orders.set_standing(
            diner_id,
            meal=data.meal,
            weekdays=data.weekdays,
            portion=data.portion,
            how=data.how,
            by_user_id=scope.caller_id(request),
        )
        return await view(await diners.get_diner(diner_id))

    @get("/{diner_id:int}/orders", guards=[requires("canteen.view")])
    async def orders_of(
        self,
        request: Request,
        diner_id: FromPath[int],
        start: Annotated[dt.date | None, QueryParameter(name="from")] = None,
        end: Annotated[dt.date | None, QueryParameter(name="to")] = None,
    ) -> list[dict[str, Any]]:
        await scope.diner_for(request, diner_id)
        start = start or dt.date.today()
        end = end or start + dt.timedelta(days=13)
        if end < start or (end - start).days > 92:
            raise InvalidInput("a period of up to three months, ending after it starts", field="to")
        return await counter.orders_of_diner(diner_id, start=start, end=end)

    @post("/{diner_id:int}/pay-month", guards=[requires("canteen.kitchen")])
    async def pay_month(
        self, request: Request, diner_id: FromPath[int], data: JSONBody[MonthIn]
    ) -> dict[str, int]:
        await scope.diner_for(request, diner_id)
        return await counter.pay_month(diner_id, data.month)
