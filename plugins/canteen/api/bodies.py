"""Request bodies: msgspec structs refusing unknown fields (a typo is a 400, not ignored)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from core.api import Body, Id

Short = Annotated[str, msgspec.Meta(max_length=200)]
Fen = Annotated[int, msgspec.Meta(ge=0, le=100_000)]
Words = Annotated[list[Annotated[str, msgspec.Meta(max_length=20)]], msgspec.Meta(max_length=30)]


class DinerIn(Body, kw_only=True):
    person_id: Id
    eats: str = "dine_in"
    diets: Words = msgspec.field(default_factory=list)
    texture: str = "normal"
    allergies: Words = msgspec.field(default_factory=list)
    avoid: Words = msgspec.field(default_factory=list)
    emergency_name: Short = ""
    emergency_phone: Short = ""


class DinerPatch(Body, kw_only=True):
    eats: str | None = None
    diets: Words | None = None
    texture: str | None = None
    allergies: Words | None = None
    avoid: Words | None = None
    emergency_name: Short | None = None
    emergency_phone: Short | None = None


class PauseIn(Body, kw_only=True):
    start: dt.date
    end: dt.date
    reason: str


class StopIn(Body, kw_only=True):
    reason: Short
    deceased: bool = False


class StandingIn(Body, kw_only=True):
    meal: str = "lunch"
    weekdays: Annotated[list[Annotated[int, msgspec.Meta(ge=0, le=6)]], msgspec.Meta(max_length=7)]
    portion: str = "normal"
    how: str = "dine_in"


class DishIn(Body, kw_only=True):
    name: Short
    kind: str
    components: Short = ""
    allergens: Words = msgspec.field(default_factory=list)
    textures: Words = msgspec.field(default_factory=list)


class MenuIn(Body, kw_only=True):
    week_start: dt.date


class DishesIn(Body, kw_only=True):
    dish_ids: Annotated[list[Id], msgspec.Meta(max_length=20)]


class ServicePatch(Body, kw_only=True):
    capacity: Annotated[int, msgspec.Meta(ge=0, le=10_000)] | None = None
    cut_off: dt.datetime | None = None


class OrderIn(Body, kw_only=True):
    diner_id: Id
    service_id: Id
    portion: str = "normal"
    how: str | None = None


class OrderPatch(Body, kw_only=True):
    portion: str | None = None
    how: str | None = None


class SkipIn(Body, kw_only=True):
    diner_id: Id
    service_id: Id


class ServeIn(Body, kw_only=True):
    pay: str = ""


class MonthIn(Body, kw_only=True):
    month: dt.date


class SampleIn(Body, kw_only=True):
    grams: Annotated[int, msgspec.Meta(ge=0, le=100_000)] = 125


class RuleIn(Body, kw_only=True):
    name: Short
    min_age: Annotated[int, msgspec.Meta(ge=0, le=200)] | None = None
    hardship: str = ""
    subsidy_fen: Fen | None = None
    pays_fen: Fen | None = None
    funder: Short = "街道"


class RouteIn(Body, kw_only=True):
    name: Short
    meal: str = "lunch"
    volunteer_user_id: Id | None = None
    standin_user_id: Id | None = None


class StopAdd(Body, kw_only=True):
    diner_id: Id
    note: Short = ""


class StopsOrder(Body, kw_only=True):
    stop_ids: Annotated[list[Id], msgspec.Meta(max_length=500)]


class DeliveryIn(Body, kw_only=True):
    order_id: Id
    result: str
    note: Short = ""
