"""Dishes, weekly menus and each meal's kitchen: counts, labels, samples, no-shows. Mounted at
/api/v1/c/{community}/canteen/{dishes,menus,services}."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, patch, post, put
from litestar.params import FromPath, JSONBody, QueryParameter

from core.api import NotFound, Unavailable, holds, requires, store_private_file
from plugins.canteen import counter, kitchen, labels, menus, orders, samples, scope
from plugins.canteen.api.bodies import DishesIn, DishIn, MenuIn, SampleIn, ServicePatch

log = logging.getLogger("linli.canteen")


class DishesController(Controller):
    path = "/dishes"

    @get("/", guards=[requires("canteen.view")])
    async def list_dishes(self) -> list[dict[str, Any]]:
        return await menus.dishes()

    @post("/", guards=[requires("canteen.kitchen")])
    async def add(self, data: JSONBody[DishIn]) -> dict[str, Any]:
        return await menus.add_dish(
            name=data.name,
            kind=data.kind,
            components=data.components,
            allergens=data.allergens,
            textures=data.textures,
        )


async def visible_menu(request: Request, menu_id: int) -> dict[str, Any]:
    """Residents see a week once it is published; the kitchen sees it while it is drafted."""
    week = await menus.week(menu_id)
    if week["published_at"] is None and not holds(request, "canteen.kitchen"):
        raise NotFound("no such menu")
    return week


class MenusController(Controller):
    path = "/menus"

    @get("/", guards=[requires("canteen.view")])
    async def of_week(
        self, request: Request, week: Annotated[dt.date | None, QueryParameter()] = None
    ) -> dict[str, Any]:
        """The menu of the week holding ``week`` (default: this week)."""
        row = await menus.menu_of_week(week or dt.date.today())
        if row is None:
            raise NotFound("no menu for that week yet")
        return await visible_menu(request, row["id"])

    @post("/", guards=[requires("canteen.kitchen")])
    async def create(self, data: JSONBody[MenuIn]) -> dict[str, Any]:
        return await menus.create_week(data.week_start)

    @get("/{menu_id:int}", guards=[requires("canteen.view")])
    async def one(self, request: Request, menu_id: FromPath[int]) -> dict[str, Any]:
        return await visible_menu(request, menu_id)

    @post("/{menu_id:int}/publish", guards=[requires("canteen.kitchen")])
    async def publish(self, request: Request, menu_id: FromPath[int]) -> dict[str, Any]:
        return await menus.publish(menu_id, by_user_id=scope.caller_id(request))

    @get("/{menu_id:int}/flags", guards=[requires("canteen.kitchen")])
    async def flags(self, menu_id: FromPath[int]) -> list[dict[str, Any]]:
        """Who must not have which dish of the week: allergies (refused) and dishes avoided."""
        await menus.get_menu(menu_id)
        return await menus.flags(menu_id)


class ServicesController(Controller):
    path = "/services"

    @get("/{service_id:int}", guards=[requires("canteen.view")])
    async def one(self, request: Request, service_id: FromPath[int]) -> dict[str, Any]:
        service = await menus.get_service(service_id)
        await visible_menu(request, service["menu"])
        return {
            **service,
            "dishes": (await menus.dishes_of([service_id]))[service_id],
            "taken": await orders.taken(service_id),
        }

    @put("/{service_id:int}/dishes", guards=[requires("canteen.kitchen")])
    async def dishes(self, service_id: FromPath[int], data: JSONBody[DishesIn]) -> dict[str, Any]:
        return await menus.set_dishes(service_id, data.dish_ids)

    @patch("/{service_id:int}", guards=[requires("canteen.kitchen")])
    async def change(self, service_id: FromPath[int], data: JSONBody[ServicePatch]) -> dict[str, Any]:
        return await menus.change_service(service_id, capacity=data.capacity, cut_off=data.cut_off)

    @get("/{service_id:int}/counts", guards=[requires("canteen.kitchen")])
    async def counts(self, service_id: FromPath[int]) -> dict[str, Any]:
        return await kitchen.counts(service_id)

    @get("/{service_id:int}/orders", guards=[requires("canteen.kitchen")])
    async def orders(self, service_id: FromPath[int]) -> list[dict[str, Any]]:
        await menus.get_service(service_id)
        return await counter.orders_of_service(service_id)

    @get("/{service_id:int}/labels.pdf", guards=[requires("canteen.kitchen")])
    async def labels(self, service_id: FromPath[int]) -> Response[bytes]:
        """One label per delivered meal, in packing order; a copy is kept on the meal (core files)."""
        service = await menus.get_service(service_id)
        pdf = labels.label_pdf(service, await kitchen.packing_order(service_id))
        name = f"labels-{service['day'].isoformat()}-{service['meal']}.pdf"
        try:
            await store_private_file(
                owner_kind="canteen.service",
                owner_id=service_id,
                purpose="labels",
                data=pdf,
                content_type="application/pdf",
                file_name=name,
            )
        except Unavailable:  # the kitchen needs its labels now; the kept copy can wait
            log.warning("labels of meal %s printed without a kept copy: storage unavailable", service_id)
        return Response(
            content=pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="{name}"'},
        )

    @post("/{service_id:int}/samples", guards=[requires("canteen.kitchen")])
    async def sample(
        self, request: Request, service_id: FromPath[int], data: JSONBody[SampleIn]
    ) -> dict[str, Any]:
        """The food sample of the meal (its photo then goes to the core attachments API with
        owner_kind ``canteen.sample``, purpose ``photo``)."""
        return await samples.take(service_id, grams=data.grams, by_user_id=scope.caller_id(request))

    @post("/{service_id:int}/no-shows", guards=[requires("canteen.kitchen")])
    async def no_shows(self, service_id: FromPath[int]) -> dict[str, int]:
        return {"no_shows": await counter.record_no_shows(service_id)}


class SamplesController(Controller):
    path = "/samples"

    @get("/", guards=[requires("canteen.kitchen")])
    async def log(
        self,
        start: Annotated[dt.date | None, QueryParameter(name="from")] = None,
        end: Annotated[dt.date | None, QueryParameter(name="to")] = None,
    ) -> list[dict[str, Any]]:
        end = end or dt.date.today()
        return await samples.log(start or end - dt.timedelta(days=6), end)
