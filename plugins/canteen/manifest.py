"""Who the plugin is, its settings, and the permissions it adds."""

from __future__ import annotations

from typing import Annotated

import msgspec

from core.api import Manifest, Permission

STAFF = ("community_admin", "community_staff")
COOK = "canteen_cook"  # the canteen's kitchen and counter (食堂工作人员)
VOLUNTEER = "canteen_volunteer"  # delivers meals to those who cannot come (送餐志愿者)


class CanteenSettings(msgspec.Struct):
    # The meals the canteen serves (lunch by default; breakfast and dinner where it offers them).
    meals: list[str] = msgspec.field(default_factory=lambda: ["lunch"])
    # The days it serves, 0 = Monday (the seed: Monday to Friday).
    weekdays: list[int] = msgspec.field(default_factory=lambda: [0, 1, 2, 3, 4])
    # When each meal is served ("11:00": the queue forms from 11:00) and how long before it orders close.
    serves_at: dict[str, str] = msgspec.field(
        default_factory=lambda: {"breakfast": "07:00", "lunch": "11:00", "dinner": "17:00"}
    )
    cut_off_hours: Annotated[float, msgspec.Meta(title="Orders close this many hours before the meal")] = 2.0
    capacity: Annotated[int, msgspec.Meta(title="Meals a service can cook")] = 120
    # The full price of a meal in fen, before any subsidy.
    price_fen: dict[str, int] = msgspec.field(
        default_factory=lambda: {"breakfast": 500, "lunch": 1500, "dinner": 1200}
    )
    # A delivery route not finished this many minutes after the meal is served shows as late.
    route_late_minutes: Annotated[
        int, msgspec.Meta(title="A route not done this many minutes after serving is late")
    ] = 60
    # Care-register tiers at or above this need (1 = highest) get a case, not only a visit, when not home.
    welfare_case_tier: Annotated[
        int, msgspec.Meta(title="Care tiers up to this one also get a case when not home")
    ] = 1


class SubsidyLimits(msgspec.Struct):
    """What the street office allows its communities' subsidy rules (set on the office's page)."""

    max_subsidy_fen: Annotated[int, msgspec.Meta(ge=0, le=100_000, title="Most subsidy per meal (fen)")] = (
        1200
    )
    min_payable_fen: Annotated[
        int, msgspec.Meta(ge=0, le=100_000, title="Least a diner pays per meal (fen)")
    ] = 100


manifest = Manifest(
    id="canteen",
    name_zh="社区食堂",
    name_en="Canteen",
    version="0.1.0",
    requires_core=">=0.2,<1",
    settings=CanteenSettings,
    office_settings=SubsidyLimits,
    personal_data=True,  # diners, their diet and health needs, orders, payments, deliveries
    permissions=(
        Permission(
            "canteen.order",
            "Order meals (residents: their own and those they are a proxy of; grid workers: for people of their grids)",
            (*STAFF, "resident", COOK, "grid_worker"),
        ),
        Permission(
            "canteen.view",
            "Open the canteen module",
            (*STAFF, "grid_worker", "resident", COOK, VOLUNTEER),
        ),
        Permission(
            "canteen.enrol",
            "Sign diners up and change their profile, on their behalf",
            (*STAFF, "grid_worker", COOK),
        ),
        Permission(
            "canteen.kitchen",
            "Menus, the day's counts and labels, the counter, food samples",
            (*STAFF, COOK),
        ),
        Permission(
            "canteen.manage",
            "Subsidy rules, delivery routes and the monthly statement",
            STAFF,
        ),
        Permission(
            "canteen.deliver",
            "Work a delivery route on the phone",
            (*STAFF, VOLUNTEER, "grid_worker"),
        ),
        Permission(
            "canteen.figures",
            "See canteen figures (counts and money, no names)",
            (*STAFF, COOK, "office_admin", "office_official"),
        ),
    ),
    description="An elderly canteen: diners from the register, weekly menus, standing orders, "
    "subsidies by age and hardship, the kitchen's counts and labels, food samples, delivery "
    "routes with a welfare check when no one answers.",
)
