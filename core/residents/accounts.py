"""Resident accounts: a login that is one person of the register, for the resident portal.

Two ways in, both ending in the same link (:class:`ResidentAccount`) and the ``resident`` role:

* staff create the account for a registered person (phone number and a first password);
* staff generate a single-use invitation code for a person, and the resident redeems it with
  their phone number and a password of their choosing. A phone number that already has an
  account (a resident of two communities, say) is linked only with that account's password,
  so nobody takes over someone else's login with a code.

Codes are 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown once as
``ABCD-EFGH``; only a hash is stored, and every failed redemption counts against the client's
login rate limit.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from core.audit import audit
from core.auth.credentials import hash_secret
from core.auth.passwords import verify_password
from core.auth.roles import RoleTable
from core.auth.tables import User
from core.auth.users import PHONE, create_user, grant_role
from core.errors import Conflict, InvalidInput, NotFound
from core.residents.people import get_person
from core.residents.tables import Household, Invitation, Person, Residency, ResidentAccount
from core.tenancy.context import current_tenant

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
DEFAULT_VALID_DAYS = 14


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def normalise_code(code: str) -> str:
    """What the resident typed, as stored: upper case, no spaces or dashes."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def _code_hash(code: str) -> str:
    # The community is part of the hash: a code is only ever valid where it was issued.
    return hash_secret(f"{current_tenant().community_id}:{normalise_code(code)}")


def _check_phone(phone: str) -> str:
    phone = (phone or "").strip()
    if not PHONE.match(phone):
        raise InvalidInput("must be an 11-digit mainland mobile number", field="phone")
    return phone


async def account_of_person(person_id: int) -> dict[str, Any] | None:
    """The account linked to a person here (user id, username, phone), or None."""
    row = (
        await ResidentAccount.select(
            ResidentAccount.id,
            ResidentAccount.user.id.as_alias("user_id"),
            ResidentAccount.user.username.as_alias("username"),
            ResidentAccount.user.phone.as_alias("phone"),
            ResidentAccount.created_at,
        )
        .where(ResidentAccount.person == person_id)
        .first()
        .run()
    )
    return row


async def person_of_user(user_id: int) -> int | None:
    """The person this user is in the current community, or None (staff, unlinked residents)."""
    row = (
        await ResidentAccount.select(ResidentAccount.person)
        .where(ResidentAccount.user == user_id)
        .first()
        .run()
    )
    return None if row is None else int(row["person"])


async def link_user(
    roles: RoleTable, person_id: int, user: dict[str, Any], *, actor_id: int | None
) -> dict[str, Any]:
    if await ResidentAccount.exists().where(ResidentAccount.person == person_id).run():
        raise Conflict("this person already has an account")
    if await ResidentAccount.exists().where(ResidentAccount.user == user["id"]).run():
        raise Conflict("that account is already another person's in this community", field="phone")
    await ResidentAccount.insert(
        ResidentAccount(person=person_id, user=user["id"], created_at=_now(), created_by=actor_id)
    ).run()
    await grant_role(roles, user["username"], "resident", community=current_tenant().slug, actor_id=actor_id)
    await audit(
        "resident.account_linked",
        actor_id=actor_id,
        subject=f"person:{person_id}",
        detail={"user_id": user["id"]},
    )
    return {"person_id": person_id, "user_id": user["id"], "username": user["username"]}


async def create_account(
    roles: RoleTable, person_id: int, *, phone: str, password: str, actor_id: int | None
) -> dict[str, Any]:
    """Staff create a login for a registered person: username and login name are the phone."""
    person = await get_person(person_id)
    phone = _check_phone(phone)
    if await User.exists().where(User.phone == phone).run():
        raise Conflict(
            "that phone number already has an account; give the resident an invitation "
            "code instead, they link it with their own password",
            field="phone",
        )
    user = await create_user(
        f"p{phone}", password, display_name=person["name"], phone=phone, actor_id=actor_id
    )
    return await link_user(roles, person_id, user, actor_id=actor_id)


async def create_invitation(
    person_id: int, *, actor_id: int | None, valid_days: int = DEFAULT_VALID_DAYS
) -> dict[str, Any]:
    """A new single-use code for a person; the code itself is returned once and never stored."""
    await get_person(person_id)
    if not 1 <= valid_days <= 90:
        raise InvalidInput("must be between 1 and 90 days", field="valid_days")
    if await ResidentAccount.exists().where(ResidentAccount.person == person_id).run():
        raise Conflict("this person already has an account")
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    expires = _now() + dt.timedelta(days=valid_days)
    await Invitation.insert(
        Invitation(
            code_hash=_code_hash(code),
            person=person_id,
            created_by=actor_id,
            created_at=_now(),
            expires_at=expires,
        )
    ).run()
    await audit(
        "resident.invited",
        actor_id=actor_id,
        subject=f"person:{person_id}",
        detail={"expires_at": expires.isoformat()},
    )
    return {"code": f"{code[:4]}-{code[4:]}", "expires_at": expires, "person_id": person_id}


async def redeem_invitation(roles: RoleTable, code: str, *, phone: str, password: str) -> dict[str, Any]:
    """The resident's side: code + phone + password -> an account linked to their person."""
    if len(normalise_code(code)) != CODE_LENGTH:
        raise InvalidInput("the code has 8 letters and digits, e.g. ABCD-EFGH", field="code")
    phone = _check_phone(phone)
    invitation = await Invitation.select().where(Invitation.code_hash == _code_hash(code)).first().run()
    if invitation is None or invitation["used_at"] is not None or _aware(invitation["expires_at"]) <= _now():
        raise InvalidInput(
            "this code is not valid (wrong, used or expired); ask the community office", field="code"
        )
    person = (
        await Person.select(Person.name, Person.erased_at)
        .where(Person.id == invitation["person"])
        .first()
        .run()
    )
    if person is None or person["erased_at"] is not None:
        raise InvalidInput(
            "this code is not valid (wrong, used or expired); ask the community office", field="code"
        )
    existing = await User.select().where(User.phone == phone).first().run()
    if existing is not None:
        if not existing["active"] or not verify_password(existing["password_hash"], password):
            raise InvalidInput(
                "this phone number already has an account: enter its password", field="password"
            )
        user = existing
    else:
        user = await create_user(f"p{phone}", password, display_name=person["name"], phone=phone)
    linked = await link_user(roles, invitation["person"], user, actor_id=user["id"])
    await (
        Invitation.update({Invitation.used_at: _now(), Invitation.used_by: user["id"]})
        .where(Invitation.id == invitation["id"])
        .run()
    )
    return linked


async def open_invitations(person_id: int) -> list[dict[str, Any]]:
    return (
        await Invitation.select(Invitation.id, Invitation.created_at, Invitation.expires_at)
        .where(
            (Invitation.person == person_id) & Invitation.used_at.is_null() & (Invitation.expires_at > _now())
        )
        .order_by(Invitation.id)
        .run()
    )


async def cancel_invitation(person_id: int, invitation_id: int, *, actor_id: int | None) -> None:
    """Void an open code (a slip handed to the wrong person, or lost): it can no longer be used."""
    row = (
        await Invitation.select(Invitation.id)
        .where(
            (Invitation.id == invitation_id)
            & (Invitation.person == person_id)
            & Invitation.used_at.is_null()
            & (Invitation.expires_at > _now())
        )
        .first()
        .run()
    )
    if row is None:
        raise NotFound("no such open invitation code")
    await Invitation.update({Invitation.expires_at: _now()}).where(Invitation.id == invitation_id).run()
    await audit(
        "resident.invitation_cancelled",
        actor_id=actor_id,
        subject=f"person:{person_id}",
        detail={"invitation_id": invitation_id},
    )


async def reset_password(person_id: int, password: str, *, actor_id: int | None) -> None:
    """Staff set a new first password for a resident who forgot theirs; every login of that
    account ends, so only the new password opens it."""
    from core.auth.credentials import end_sessions
    from core.auth.users import set_password

    account = await account_of_person(person_id)
    if account is None:
        raise NotFound("this person has no portal account")
    await set_password(account["username"], password, actor_id=actor_id)
    await end_sessions(account["user_id"])


async def unlink_user(user_id: int, *, actor_id: int | None) -> None:
    """When the resident role is revoked, the person link goes with it (the user stays)."""
    await ResidentAccount.delete().where(ResidentAccount.user == user_id).run()
    await audit("resident.account_unlinked", actor_id=actor_id, subject=f"user:{user_id}")


async def household_of(person_id: int) -> dict[str, Any] | None:
    """The person's current home: dwelling with building and unit, and who lives there now."""
    home = (
        await Residency.select(
            Residency.household,
            Residency.dwelling,
            Residency.role,
            Residency.start_date,
            Residency.dwelling.number.as_alias("number"),
            Residency.dwelling.floor.as_alias("floor"),
            Residency.dwelling._.building._.name.as_alias("building"),
            Residency.dwelling._.unit._.name.as_alias("unit"),
        )
        .where((Residency.person == person_id) & Residency.end_date.is_null())
        .order_by(Residency.start_date, ascending=False)
        .first()
        .run()
    )
    if home is None:
        return None
    label = await Household.select(Household.label).where(Household.id == home["household"]).first().run()
    members = (
        await Residency.select(
            Residency.person,
            Residency.role,
            Residency.relation,
            Residency.start_date,
            Residency.person.name.as_alias("name"),
        )
        .where(
            (Residency.household == home["household"])
            & Residency.end_date.is_null()
            & Residency.person.erased_at.is_null()
        )
        .order_by(Residency.start_date)
        .run()
    )
    return {**home, "label": label["label"] if label else "", "members": members}


async def people_acted_for(user_id: int, scope: str = "cases") -> set[int]:
    """The register persons a resident's login acts for: their own person and the people they
    are a registered proxy of today (for ``scope`` or ``all``)."""
    from core.residents.tables import Proxy

    people: set[int] = set()
    person_id = await person_of_user(user_id)
    if person_id is not None:
        people.add(person_id)
    today = dt.date.today()
    proxies = (
        await Proxy.select(Proxy.person, Proxy.proxy_person)
        .where(
            Proxy.scope.is_in(["all", scope])
            & (Proxy.valid_from <= today)
            & (Proxy.valid_to.is_null() | (Proxy.valid_to >= today))
            & (
                (Proxy.proxy_user_id == user_id)
                | (Proxy.proxy_person.is_in([person_id]) if person_id is not None else Proxy.id.is_in([0]))
            )
        )
        .run()
    )
    people |= {p["person"] for p in proxies}
    return people


async def dwellings_acted_for(user_id: int, scope: str = "cases") -> set[int]:
    """The dwellings a resident's login may report for: where their register person lives now,
    and where the people they are a registered proxy of (for ``scope`` or ``all``) live. The
    one rule for a resident naming a dwelling — cases, repairs and any plugin alike."""
    from core.residents.tables import Residency

    people = await people_acted_for(user_id, scope)
    if not people:
        return set()
    rows = (
        await Residency.select(Residency.dwelling)
        .where(Residency.person.is_in(sorted(people)) & Residency.end_date.is_null())
        .run()
    )
    return {r["dwelling"] for r in rows}
