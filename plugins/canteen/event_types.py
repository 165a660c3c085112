"""The events the canteen emits, declared once (``register_events``): ids and codes only —
never a name, a diet or an address."""

from __future__ import annotations

from core.api import EventPayload, EventType


class DinerSignedUp(EventPayload, kw_only=True):
    diner_id: int
    person_id: int


class DinerStopped(EventPayload, kw_only=True):
    diner_id: int
    person_id: int
    state: str  # stopped / deceased


class Ordered(EventPayload, kw_only=True):
    order_id: int
    diner_id: int
    service_id: int


class MenuPublished(EventPayload, kw_only=True):
    menu_id: int
    week_start: str  # ISO date of the Monday


class OrdersClosed(EventPayload, kw_only=True):
    service_id: int


class DeliveryRecorded(EventPayload, kw_only=True):
    delivery_id: int
    order_id: int
    diner_id: int
    result: str  # delivered / refused / not_home


EVENTS = (
    EventType(
        "canteen.diner_signed_up", DinerSignedUp, description="A person of the register became a diner."
    ),
    EventType("canteen.diner_stopped", DinerStopped, description="A diner stopped taking meals, or died."),
    EventType("canteen.ordered", Ordered, description="A meal was ordered (not from a standing order)."),
    EventType("canteen.menu_published", MenuPublished, description="A week's menu was published."),
    EventType("canteen.orders_closed", OrdersClosed, description="A meal's cut-off passed: no more orders."),
    EventType("canteen.delivery_recorded", DeliveryRecorded, description="A volunteer recorded a door."),
)
