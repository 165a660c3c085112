"""The plugin's tables, all tenant tables. Money is kept in fen (integers); a diner's diet and
allergies are JSON lists of vocabulary codes."""

from __future__ import annotations

from pathlib import Path

from piccolo.columns import JSON, Boolean, Date, ForeignKey, Integer, SmallInt, Timestamptz, Varchar
from piccolo.columns.base import OnDelete

from core.api import PiccoloApp, TenantTable


class Diner(TenantTable, tablename="canteen_diner"):
    """A person of the register who eats from the canteen, and how."""

    person_id = Integer(index=True)
    name = Varchar(length=60)  # copied from the register at sign-up, for the kitchen's lists
    dwelling_id = Integer(null=True, default=None)
    building_id = Integer(null=True, default=None)
    address = Varchar(length=80, default="")  # "3栋 2单元 301", for labels and routes
    phone = Varchar(length=20, default="")
    state = Varchar(length=12, default="active")  # vocabulary.DINER_STATES
    state_reason = Varchar(length=200, default="")
    pause_from = Date(null=True, default=None)
    pause_to = Date(null=True, default=None)
    eats = Varchar(length=12, default="dine_in")  # vocabulary.EATS
    diets = JSON(default="[]")  # vocabulary.DIETS
    texture = Varchar(length=10, default="normal")  # vocabulary.TEXTURES
    allergies = JSON(default="[]")  # vocabulary.ALLERGENS: refused
    avoid = JSON(default="[]")  # words of dishes to avoid ("芹菜"): warned
    emergency_name = Varchar(length=60, default="")
    emergency_phone = Varchar(length=20, default="")
    signed_up_by_user_id = Integer()
    created_at = Timestamptz()


class Dish(TenantTable, tablename="canteen_dish"):
    name = Varchar(length=60)
    kind = Varchar(length=12, default="other")  # vocabulary.DISH_KINDS
    components = Varchar(length=200, default="")  # "猪肉、青椒"
    allergens = JSON(default="[]")  # vocabulary.ALLERGENS
    textures = JSON(default='["normal"]')  # the textures the kitchen can make it in
    active = Boolean(default=True)


class Menu(TenantTable, tablename="canteen_menu"):
    """One week's menu, Monday to Sunday; residents see it once published."""

    week_start = Date(index=True)
    published_at = Timestamptz(null=True, default=None)
    published_by_user_id = Integer(null=True, default=None)


class Service(TenantTable, tablename="canteen_service"):
    """One meal on one day: what is cooked, until when one may order, and for how many."""

    menu = ForeignKey(Menu, null=False, on_delete=OnDelete.cascade)
    day = Date(index=True)
    meal = Varchar(length=10, default="lunch")  # vocabulary.MEALS
    serves_at = Timestamptz()
    cut_off = Timestamptz()
    capacity = Integer(default=120)
    price_fen = Integer(default=1500)
    closed = Boolean(default=False)  # orders closed at the cut-off
    generated = Boolean(default=False)  # standing orders turned into this day's orders


class ServiceDish(TenantTable, tablename="canteen_service_dish"):
    service = ForeignKey(Service, null=False, on_delete=OnDelete.cascade)
    dish = ForeignKey(Dish, null=False, on_delete=OnDelete.restrict)


class SubsidyRule(TenantTable, tablename="canteen_subsidy_rule"):
    """A subsidy tier: who it is for (an age, a hardship of the care register) and what they pay.

    Either ``subsidy_fen`` comes off the price, or the diner pays ``pays_fen`` (a token amount);
    of every rule a diner meets, the one that saves them most applies. ``funder`` is who pays
    the subsidy (the street office, civil affairs, a charity) for the monthly statement."""

    name = Varchar(length=60)
    min_age = SmallInt(null=True, default=None)
    hardship = Varchar(length=20, default="")  # vocabulary.HARDSHIPS, or "" for any
    subsidy_fen = Integer(null=True, default=None)
    pays_fen = Integer(null=True, default=None)
    funder = Varchar(length=60, default="街道")
    active = Boolean(default=True)


class StandingOrder(TenantTable, tablename="canteen_standing_order"):
    diner = ForeignKey(Diner, null=False, on_delete=OnDelete.cascade)
    meal = Varchar(length=10, default="lunch")
    weekdays = JSON(default="[0, 1, 2, 3, 4]")
    portion = Varchar(length=10, default="normal")
    how = Varchar(length=12, default="dine_in")
    active = Boolean(default=True)
    set_by_user_id = Integer()


class Order(TenantTable, tablename="canteen_order"):
    """One diner's meal at one service, priced when placed (price − subsidy = payable)."""

    service = ForeignKey(Service, null=False, on_delete=OnDelete.cascade)
    diner = ForeignKey(Diner, null=False, on_delete=OnDelete.cascade)
    portion = Varchar(length=10, default="normal")
    how = Varchar(length=12, default="dine_in")
    texture = Varchar(length=10, default="normal")
    source = Varchar(length=10, default="standing")  # vocabulary.ORDER_SOURCES
    state = Varchar(length=12, default="ordered")  # vocabulary.ORDER_STATES
    price_fen = Integer(default=0)
    subsidy_fen = Integer(default=0)
    payable_fen = Integer(default=0)
    rule_name = Varchar(length=60, default="")
    funder = Varchar(length=60, default="")
    warning = Varchar(length=200, default="")  # a dish the diner avoids, told to the kitchen
    paid_at = Timestamptz(null=True, default=None)
    payment = Varchar(length=10, default="")  # vocabulary.PAYMENTS
    placed_by_user_id = Integer(null=True, default=None)
    created_at = Timestamptz()
    changed_at = Timestamptz(null=True, default=None)


class Sample(TenantTable, tablename="canteen_sample"):
    """留样: a food sample of each dish of a service, kept 48 hours, with its photo."""

    service = ForeignKey(Service, null=False, on_delete=OnDelete.cascade)
    dishes = Varchar(length=300, default="")
    grams = Integer(default=125)
    kept_until = Timestamptz()
    taken_by_user_id = Integer()
    taken_at = Timestamptz()
    photo_attachment_id = Integer(null=True, default=None)


class Route(TenantTable, tablename="canteen_route"):
    """A delivery round: its volunteer (and a stand-in), its stops in a saved order."""

    name = Varchar(length=60)
    meal = Varchar(length=10, default="lunch")
    volunteer_user_id = Integer(null=True, default=None, index=True)
    standin_user_id = Integer(null=True, default=None, index=True)
    active = Boolean(default=True)


class Stop(TenantTable, tablename="canteen_stop"):
    route = ForeignKey(Route, null=False, on_delete=OnDelete.cascade)
    diner = ForeignKey(Diner, null=False, on_delete=OnDelete.cascade)
    position = SmallInt(default=0)
    note = Varchar(length=200, default="")  # "敲门要大声，老人耳背"


class Delivery(TenantTable, tablename="canteen_delivery"):
    """What happened at one stop for one service's order."""

    order = ForeignKey(Order, null=False, on_delete=OnDelete.cascade)
    route = ForeignKey(Route, null=False, on_delete=OnDelete.cascade)
    result = Varchar(length=12)  # vocabulary.STOP_RESULTS
    note = Varchar(length=200, default="")
    by_user_id = Integer()
    at = Timestamptz()
    welfare_case_id = Integer(null=True, default=None)
    welfare_visit_id = Integer(null=True, default=None)
    welfare_outcome = Varchar(length=200, default="")


TABLES: list[type[TenantTable]] = [
    Diner,
    Dish,
    Menu,
    Service,
    ServiceDish,
    SubsidyRule,
    StandingOrder,
    Order,
    Sample,
    Route,
    Stop,
    Delivery,
]

APP = PiccoloApp(
    app_name="canteen",
    table_classes=list(TABLES),
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
)
