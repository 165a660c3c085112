"""Who may see and act for which diner: decided here once, used by the API, the pages, the
kitchen lists, the figures' drill-downs and privacy alike. A diner out of one's scope answers
404, exactly like a missing one.

- the canteen's staff and cooks (``canteen.kitchen`` / ``canteen.manage``): every diner;
- a grid worker (``canteen.enrol`` without the kitchen): diners living in their grids;
- a resident: themself and the people they are a registered proxy of (scope ``canteen``);
- a volunteer: the diners on routes they deliver (on the route's page only).
"""

from __future__ import annotations

from typing import Any

from core.api import NotFound, holds, people_acted_for, people_in_scope, person_of_user


def caller_id(request: Any) -> int:
    return int(request.user.user_id)


def whole_canteen(request: Any) -> bool:
    return holds(request, "canteen.kitchen") or holds(request, "canteen.manage")


async def own_people(request: Any) -> set[int]:
    """The people a resident's login eats for: themself and those they are a proxy of."""
    return await people_acted_for(caller_id(request), "canteen")


async def visible_person_ids(request: Any) -> frozenset[int] | None:
    """The register persons whose diner profile the caller may see (None: all of them)."""
    if whole_canteen(request):
        return None
    people: set[int] = set()
    if holds(request, "canteen.enrol"):
        scope = await people_in_scope(request)
        if scope is None:
            return None
        people |= set(scope)
    people |= await own_people(request)
    return frozenset(people)


async def diner_for(request: Any, diner_id: int) -> dict[str, Any]:
    from plugins.canteen.diners import get_diner

    diner = await get_diner(diner_id)
    scope = await visible_person_ids(request)
    if scope is not None and diner["person_id"] not in scope:
        raise NotFound("no such diner")
    return diner


async def may_enrol(request: Any, person_id: int) -> None:
    """Signing someone up on their behalf: staff, cooks, or the grid worker of their home."""
    if not (holds(request, "canteen.enrol") or whole_canteen(request)):
        raise NotFound("no such person")
    scope = await visible_person_ids(request)
    if scope is not None and person_id not in scope:
        raise NotFound("no such person")


def counter(request: Any) -> bool:
    """Ordering at the counter or on the phone for anyone: the kitchen and the staff."""
    return whole_canteen(request)


async def order_source(request: Any, diner: dict[str, Any]) -> str:
    """How this caller's order for this diner is recorded: themself on the phone, a family
    member (proxy), their grid worker, or the counter."""
    if counter(request):
        return "counter"
    mine = await person_of_user(caller_id(request))
    if mine == diner["person_id"]:
        return "phone"
    return "on_behalf" if holds(request, "canteen.enrol") else "proxy"
