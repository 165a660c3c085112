"""What staff set up and hand upward: subsidy rules, delivery routes and their stops, the
rounds volunteers work, the figures and the monthly statement. Mounted at
/api/v1/c/{community}/canteen/{subsidy-rules,routes,figures,statement.xlsx}."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.params import FromPath, JSONBody, QueryParameter

from core.api import InvalidInput, NotFound, current_tenant, holds, is_member, requires
from plugins.canteen import deliveries, scope, statement, subsidies
from plugins.canteen.api.bodies import DeliveryIn, RouteIn, RuleIn, StopAdd, StopsOrder
from plugins.canteen.figures import canteen_figures


class SubsidyRulesController(Controller):
    path = "/subsidy-rules"

    @get("/", guards=[requires("canteen.manage")])
    async def list_rules(self) -> dict[str, Any]:
        limits = subsidies.office_limits()
        return {
            "rules": await subsidies.rules(include_inactive=True),
            "office_limits": {
                "max_subsidy_fen": limits.max_subsidy_fen,
                "min_payable_fen": limits.min_payable_fen,
            },
        }

    @post("/", guards=[requires("canteen.manage")])
    async def add(self, data: JSONBody[RuleIn]) -> dict[str, Any]:
        return await subsidies.add_rule(
            name=data.name,
            min_age=data.min_age,
            hardship=data.hardship,
            subsidy_fen=data.subsidy_fen,
            pays_fen=data.pays_fen,
            funder=data.funder,
        )

    @post("/{rule_id:int}/retire", guards=[requires("canteen.manage")])
    async def retire(self, rule_id: FromPath[int]) -> dict[str, Any]:
        return await subsidies.retire_rule(rule_id)


async def _member(user_id: int | None, field: str) -> int | None:
    if user_id is not None and not await is_member(user_id):
        raise InvalidInput("no member of this community has this login", field=field)
    return user_id


async def route_for(request: Request, route_id: int) -> dict[str, Any]:
    """Staff see every route; a volunteer only the routes they deliver (404 otherwise)."""
    route = await deliveries.get_route(route_id)
    if not deliveries.may_work(route, scope.caller_id(request), staff=holds(request, "canteen.manage")):
        raise NotFound("no such route")
    return route


class RoutesController(Controller):
    path = "/routes"

    @get("/", guards=[requires("canteen.deliver")])
    async def list_routes(self, request: Request) -> list[dict[str, Any]]:
        staff = holds(request, "canteen.manage")
        me = scope.caller_id(request)
        return [r for r in await deliveries.routes() if deliveries.may_work(r, me, staff=staff)]

    @post("/", guards=[requires("canteen.manage")])
    async def add(self, data: JSONBody[RouteIn]) -> dict[str, Any]:
        return await deliveries.add_route(
            name=data.name,
            meal=data.meal,
            volunteer_user_id=await _member(data.volunteer_user_id, "volunteer_user_id"),
            standin_user_id=await _member(data.standin_user_id, "standin_user_id"),
        )

    @get("/{route_id:int}", guards=[requires("canteen.deliver")])
    async def one(self, request: Request, route_id: FromPath[int]) -> dict[str, Any]:
        return {**await route_for(request, route_id), "stops": await deliveries.stops_of(route_id)}

    @post("/{route_id:int}/stops", guards=[requires("canteen.manage")])
    async def add_stop(self, route_id: FromPath[int], data: JSONBody[StopAdd]) -> dict[str, Any]:
        return await deliveries.add_stop(route_id, data.diner_id, note=data.note)

    @put("/{route_id:int}/stops", guards=[requires("canteen.manage")])
    async def reorder(self, route_id: FromPath[int], data: JSONBody[StopsOrder]) -> list[dict[str, Any]]:
        await deliveries.get_route(route_id)
        return await deliveries.reorder(route_id, data.stop_ids)

    @delete("/{route_id:int}/stops/{stop_id:int}", guards=[requires("canteen.manage")], status_code=204)
    async def remove_stop(self, route_id: FromPath[int], stop_id: FromPath[int]) -> None:
        await deliveries.remove_stop(route_id, stop_id)

    @get("/{route_id:int}/rounds/{service_id:int}", guards=[requires("canteen.deliver")])
    async def round(
        self, request: Request, route_id: FromPath[int], service_id: FromPath[int]
    ) -> dict[str, Any]:
        await route_for(request, route_id)
        return await deliveries.round_of(route_id, service_id)

    @post("/{route_id:int}/rounds/{service_id:int}/deliveries", guards=[requires("canteen.deliver")])
    async def record(
        self, request: Request, route_id: FromPath[int], service_id: FromPath[int], data: JSONBody[DeliveryIn]
    ) -> dict[str, Any]:
        await route_for(request, route_id)
        order = await _order_of_service(data.order_id, service_id)
        return await deliveries.record(
            order["id"], route_id, result=data.result, note=data.note, by_user_id=scope.caller_id(request)
        )


async def _order_of_service(order_id: int, service_id: int) -> dict[str, Any]:
    from plugins.canteen.orders import get_order

    order = await get_order(order_id)
    if order["service"] != service_id:
        raise InvalidInput("this order is for another meal", field="order_id")
    return order


class FiguresController(Controller):
    path = "/figures"

    @get("/", guards=[requires("canteen.figures")])
    async def figures(
        self,
        start: Annotated[dt.date | None, QueryParameter(name="from")] = None,
        end: Annotated[dt.date | None, QueryParameter(name="to")] = None,
    ) -> dict[str, Any]:
        end = end or dt.date.today()
        start = start or end.replace(day=1)
        if start > end:
            raise InvalidInput("is after the end", field="from")
        return await canteen_figures(start, end)


class StatementController(Controller):
    path = "/statement.xlsx"

    @get("/", guards=[requires("canteen.manage")])
    async def statement(self, month: Annotated[dt.date | None, QueryParameter()] = None) -> Response[bytes]:
        """The month's subsidy statement per funder (``month``: any day of it; default: last month)."""
        month = month or (dt.date.today().replace(day=1) - dt.timedelta(days=1))
        data = await statement.statement_xlsx(month, current_tenant().name)
        return Response(
            content=data,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="canteen-subsidy-{month:%Y-%m}.xlsx"'},
        )
