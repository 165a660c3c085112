"""Who is asking, as the door access routes and pages need it: the acting user, the resident a
login is, and one person's access (grants, credentials, device sync)."""

from __future__ import annotations

from typing import Any

from litestar import Request

from core.api import NotFound, person_of_user
from plugins.door_access import credentials, grants, sync
from plugins.door_access.holders import person_holder
from plugins.door_access.people import person_or_none

VIEW, MANAGE, SELF = "door_access.view", "door_access.manage", "door_access.self"


def actor(request: Request) -> int | None:
    user = request.scope.get("user")
    return getattr(user, "user_id", None)


async def my_person(request: Request) -> int:
    """The person the caller's login is (the register's resident account), or 404."""
    person_id = await person_of_user(actor(request) or 0)
    if person_id is None:
        raise NotFound("your login is not linked to a resident; ask the community office")
    return person_id


async def access_of(person_id: int) -> dict[str, Any]:
    if await person_or_none(person_id) is None:
        raise NotFound("no such person")
    return {
        "person_id": person_id,
        "grants": await grants.grants_of(person_id),
        "credentials": await credentials.list_for(person_id),
        "sync": await sync.holder_state(person_holder(person_id)),
    }
