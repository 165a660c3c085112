"""Permissions, keys and transactions for plugins: whether the caller holds a permission, a
secret key per plugin and purpose derived from the deployment's secret, and a write
transaction for routes that opt out of the request's."""

from __future__ import annotations

from typing import Any


def holds(connection: Any, permission: str) -> bool:
    """Whether the caller's roles in the current community grant ``permission`` (never raises).

    For handlers that show more to some callers; access itself is the route's ``requires``.
    """
    from core.auth.guards import holds as _holds

    return _holds(connection, permission)


def plugin_key(plugin_id: str, purpose: str) -> bytes:
    """A 32-byte key for ``plugin_id``/``purpose``, stable for this deployment's secret key."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    from core.runtime import current

    secret = current().settings.secret_key.encode()
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"linli-plugin-keys",
        info=f"{plugin_id}/{purpose}".encode(),
    ).derive(secret)


def write_transaction() -> Any:
    """An async context manager: one write transaction for the current community."""
    from core.db.engine import write_transaction as _write_transaction
    from core.runtime import current

    return _write_transaction(current().engine)


async def person_in_scope(connection: Any, person_id: int) -> None:
    """NotFound unless the caller may see register person ``person_id``: staff see everyone, a
    grid worker only the people living in their grid's places — the register's own rule, for a
    plugin's records about a person (door grants, a canteen profile, …)."""
    from core.residents.request_scope import person_in_scope as _person_in_scope

    await _person_in_scope(connection, person_id)


async def people_in_scope(connection: Any) -> frozenset[int] | None:
    """The register people the caller may see: ``None`` for everyone (staff), else the ids of
    those living now in the places of the caller's grids — for filtering a plugin's lists (a door
    log, passes) the way the register filters its own."""
    from core.auth.guards import principal_of
    from core.residents.scope import visible_places
    from core.residents.tables import Residency
    from core.tenancy.context import current_tenant

    visible = await visible_places(principal_of(connection), current_tenant())
    if visible is None:
        return None
    # Only the residencies in those places are read, not the community's whole register.
    rows = (
        await Residency.select(Residency.person)
        .where(
            Residency.end_date.is_null()
            & (
                Residency.dwelling.building.is_in(sorted(visible.building_ids) or [0])
                | Residency.dwelling.unit.is_in(sorted(visible.unit_ids) or [0])
            )
        )
        .run()
    )
    return frozenset(r["person"] for r in rows)


async def member_by_username(username: str) -> int | None:
    """The id of the login ``username`` when it holds a role in the current community, else
    ``None`` — for a page where staff name a colleague by the user name they know, not an id."""
    from core.auth.tables import Membership, User
    from core.tenancy.context import current_tenant

    user = await User.select(User.id).where(User.username == username.strip()).first().run()
    if user is None:
        return None
    member = (
        await Membership.exists()
        .where((Membership.user == user["id"]) & (Membership.community == current_tenant().community_id))
        .run()
    )
    return int(user["id"]) if member else None


async def member_names(user_ids: list[int] | set[int]) -> dict[int, dict[str, str]]:
    """For logins holding a role in the current community: ``{id: {"username", "display_name"}}``
    — what a page shows of a colleague (the user name staff type, the name they read); others
    are left out."""
    from core.auth.tables import Membership, User
    from core.tenancy.context import current_tenant

    ids = sorted(set(user_ids))
    if not ids:
        return {}
    members = {
        r["user"]
        for r in await Membership.select(Membership.user)
        .where(Membership.user.is_in(ids) & (Membership.community == current_tenant().community_id))
        .run()
    }
    rows = (
        await User.select(User.id, User.username, User.display_name)
        .where(User.id.is_in(sorted(members) or [0]))
        .run()
    )
    return {
        r["id"]: {"username": r["username"], "display_name": r["display_name"] or r["username"]} for r in rows
    }
