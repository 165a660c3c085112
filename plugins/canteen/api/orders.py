"""Orders of one meal: placed by the resident, their family or the counter; changed and
cancelled until the cut-off; served at the counter. Mounted at
/api/v1/c/{community}/canteen/orders. The diner is checked through scope.diner_for."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, patch, post
from litestar.params import FromPath, JSONBody

from core.api import requires
from plugins.canteen import counter, orders, scope
from plugins.canteen.api.bodies import OrderIn, OrderPatch, ServeIn, SkipIn


async def order_for(request: Request, order_id: int) -> dict[str, Any]:
    order = await orders.get_order(order_id)
    await scope.diner_for(request, order["diner"])
    return order


class OrdersController(Controller):
    path = "/orders"

    @post("/", guards=[requires("canteen.order")])
    async def place(self, request: Request, data: JSONBody[OrderIn]) -> dict[str, Any]:
        diner = await scope.diner_for(request, data.diner_id)
        placed = await orders.place(
            data.diner_id,
            data.service_id,
            portion=data.portion,
            how=data.how,
            source=await scope.order_source(request, diner),
            by_user_id=scope.caller_id(request),
        )
        return {**placed.order, "warning": placed.warning}

    @post("/skip", guards=[requires("canteen.order")])
    async def skip(self, request: Request, data: JSONBody[SkipIn]) -> dict[str, Any]:
        """Not this day: cancels the day's meal of a standing order, made or not yet."""
        await scope.diner_for(request, data.diner_id)
        return await orders.skip(data.diner_id, data.service_id)

    @patch("/{order_id:int}", guards=[requires("canteen.order")])
    async def change(
        self, request: Request, order_id: FromPath[int], data: JSONBody[OrderPatch]
    ) -> dict[str, Any]:
        await order_for(request, order_id)
        return await orders.change(order_id, portion=data.portion, how=data.how)

    @post("/{order_id:int}/cancel", guards=[requires("canteen.order")])
    async def cancel(self, request: Request, order_id: FromPath[int]) -> dict[str, Any]:
        await order_for(request, order_id)
        return await orders.cancel(order_id)

    @post("/{order_id:int}/serve", guards=[requires("canteen.kitchen")])
    async def serve(
        self, request: Request, order_id: FromPath[int], data: JSONBody[ServeIn]
    ) -> dict[str, Any]:
        await order_for(request, order_id)
        return await counter.serve(order_id, pay=data.pay)
