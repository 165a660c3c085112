"""Who may see and act on a repair. Anything one may not see answers 404, like a missing one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Request
from litestar.exceptions import PermissionDeniedException

from core.api import NotFound, acts_for, holds, person_of_user


def caller_id(request: Request) -> int:
    return int(request.user.user_id)


def is_dispatcher(request: Request) -> bool:
    return holds(request, "repairs.dispatch")


async def get_repair(repair_id: int) -> dict[str, Any]:
    from plugins.repairs.tables import Repair

    row = await Repair.select().where(Repair.id == repair_id).first().run()
    if row is None:
        raise NotFound("no such repair")
    return row


async def speaks_for_requester(repair: dict[str, Any], user_id: int) -> bool:
    """The requester themself (their login, or the login linked to the requester in the register),
    or their registered proxy (a family member's or staff login)."""
    if repair["requester_user_id"] is not None and repair["requester_user_id"] == user_id:
        return True
    person = repair["requester_person_id"]
    if person is None:
        return False
    return await person_of_user(user_id) == person or await acts_for(user_id, person, "repairs")


async def may_see_as(user_id: int, has: Callable[[str], bool], repair: dict[str, Any]) -> bool:
    """Staff who dispatch, whoever reported it, the requester or their proxy, the volunteer
    holding it, and volunteers with the skill while it is open for grabbing."""
    from plugins.repairs.team import OPEN_STATES, member_of_user, skills_of

    if has("repairs.dispatch") or repair["reported_by_user_id"] == user_id:
        return True
    if await speaks_for_requester(repair, user_id):
        return True
    if has("repairs.work"):
        member = await member_of_user(user_id)
        if member is not None:
            if repair["assignee_member_id"] == member["id"]:
                return True
            if repair["assignee_member_id"] is None and repair["state"] in OPEN_STATES:
                return any(s["skill"] == repair["skill"] for s in await skills_of(member["id"]))
    return False


async def may_see(request: Request, repair: dict[str, Any]) -> bool:
    return await may_see_as(caller_id(request), lambda p: holds(request, p), repair)


async def visible_repair(request: Request, repair_id: int) -> dict[str, Any]:
    repair = await get_repair(repair_id)
    if not await may_see(request, repair):
        raise NotFound("no such repair")
    return repair


async def require_requester(request: Request, repair: dict[str, Any], what: str) -> None:
    if not await speaks_for_requester(repair, caller_id(request)):
        raise PermissionDeniedException(f"only the requester or their registered proxy can {what}")


async def sees_contact(request: Request, repair: dict[str, Any]) -> bool:
    """Staff who dispatch and the volunteer holding the job see the requester's name and phone."""
    from plugins.repairs.team import member_of_user

    if is_dispatcher(request):
        return True
    if repair["assignee_member_id"] is None or not holds(request, "repairs.work"):
        return False
    member = await member_of_user(caller_id(request))
    return member is not None and member["id"] == repair["assignee_member_id"]


async def own_repairs_filter(user_id: int) -> Any:
    """Where-clause for "my repairs": reported by me, for me, or for the person my login is."""
    from plugins.repairs.tables import Repair

    where = (Repair.requester_user_id == user_id) | (Repair.reported_by_user_id == user_id)
    person = await person_of_user(user_id)
    if person is not None:
        where = where | (Repair.requester_person_id == person)
    return where
