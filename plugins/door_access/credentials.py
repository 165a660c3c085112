"""Credentials: card, PIN, QR code, face.

Face is sensitive personal data: it needs its own recorded consent, a card or PIN is always
offered instead, the image is kept encrypted in object storage only until every device has
enrolled it, and withdrawing consent (or moving out) deletes it from storage and every device.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import re
import secrets
from typing import Any

from core.api import (
    InvalidInput,
    NotFound,
    erase_private_file,
    store_private_file,
)
from plugins.door_access.holders import person_holder
from plugins.door_access.people import person_or_none
from plugins.door_access.sealing import hash_secret, new_salt, seal
from plugins.door_access.sync import latest_commands, plan_and_send
from plugins.door_access.tables import Credential

KINDS = ("card", "pin", "qr", "face")
CARD = re.compile(r"^[0-9A-Fa-f]{4,32}$")
PIN = re.compile(r"^\d{6,8}$")
FACE_MAX_BYTES = 2 * 1024 * 1024
FACE_OWNER = "door_access.face"
ALTERNATIVE = {
    "zh": "不愿刷脸的居民可随时改用门卡或密码。",
    "en": "A card or PIN is always available instead of face.",
}


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def public(row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: row[k]
        for k in (
            "id",
            "person_id",
            "kind",
            "card_number",
            "status",
            "consent_at",
            "consent_withdrawn_at",
            "created_at",
            "revoked_at",
        )
    } | {"face_stored": bool(row.get("face_attachment_id"))}


async def _person(person_id: int) -> None:
    person = await person_or_none(person_id)
    if person is None:
        raise NotFound("no such person")


async def issue(
    person_id: int,
    *,
    kind: str,
    card_number: str = "",
    pin: str = "",
    face_image_b64: str = "",
    face_consent: bool = False,
    consent_text: str = "",
    actor_id: int | None = None,
) -> dict[str, Any]:
    """A new credential; a generated PIN or QR token is in the answer this once."""
    await _person(person_id)
    if kind not in KINDS:
        raise InvalidInput(f"must be one of {', '.join(KINDS)}", field="kind")
    row = Credential(person_id=person_id, kind=kind, created_at=now())
    shown: dict[str, Any] = {}
    if kind == "card":
        if not CARD.match(card_number or ""):
            raise InvalidInput("must be 4-32 hexadecimal digits", field="card_number")
        card = card_number.upper()
        if (
            await Credential.exists()
            .where((Credential.card_number == card) & (Credential.status == "active"))
            .run()
        ):
            raise InvalidInput("this card is already in use", field="card_number")
        row.card_number = card
    elif kind == "pin":
        pin = pin or f"{secrets.randbelow(10**6):06d}"
        if not PIN.match(pin):
            raise InvalidInput("must be 6-8 digits", field="pin")
        row.salt = new_salt()
        row.secret_hash = hash_secret(row.salt, pin)
        shown["pin"] = pin
    elif kind == "qr":
        token = secrets.token_urlsafe(18)
        row.salt = new_salt()
        row.secret_hash = hash_secret(row.salt, token)
        shown["qr_token"] = token
    else:
        image = _check_face(face_image_b64, face_consent, consent_text)
        row.consent_at, row.consent_text, row.consent_by = now(), consent_text.strip()[:300], actor_id
        row.face_digest = hashlib.sha256(image).hexdigest()
        await row.save().run()
        row.face_attachment_id = await store_private_file(
            owner_kind=FACE_OWNER,
            owner_id=row.id,
            purpose="face",
            data=seal("face-image", image),
            file_name="face.bin",
        )
        await (
            Credential.update({Credential.face_attachment_id: row.face_attachment_id})
            .where(Credential.id == row.id)
            .run()
        )
        shown["alternative"] = ALTERNATIVE
    if kind != "face":
        await row.save().run()
    await plan_and_send(person_holder(person_id))
    return {**public(row.to_dict()), **shown}


def _check_face(image_b64: str, consent: bool, consent_text: str) -> bytes:
    if not consent:
        raise InvalidInput(
            "a face credential needs the resident's separate consent (face_consent: true); "
            "a card or PIN is always available instead",
            field="face_consent",
        )
    if not consent_text.strip():
        raise InvalidInput(
            "record how consent was given (e.g. 本人签字同意 2026-11-30)", field="consent_text"
        )
    try:
        image = base64.b64decode(image_b64 or "", validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput("must be base64", field="face_image_b64") from None
    if not image:
        raise InvalidInput("the face image is missing", field="face_image_b64")
    if len(image) > FACE_MAX_BYTES:
        raise InvalidInput("must be at most 2 MB", field="face_image_b64")
    if not (image.startswith(b"\xff\xd8\xff") or image.startswith(b"\x89PNG\r\n\x1a\n")):
        raise InvalidInput("must be a JPEG or PNG image", field="face_image_b64")
    return image


async def get(credential_id: int, person_id: int | None = None) -> dict[str, Any]:
    query = Credential.select().where(Credential.id == credential_id)
    if person_id is not None:
        query = query.where(Credential.person_id == person_id)
    row: dict[str, Any] | None = await query.first().run()
    if row is None:
        raise NotFound("no such credential")
    return row


async def _drop_face(row: dict[str, Any]) -> None:
    if row.get("face_attachment_id"):
        await erase_private_file(row["face_attachment_id"])
        await Credential.update({Credential.face_attachment_id: None}).where(Credential.id == row["id"]).run()


async def revoke(credential_id: int, person_id: int | None = None) -> dict[str, Any]:
    row = await get(credential_id, person_id)
    if row["status"] != "active":
        raise NotFound("no such active credential")
    await (
        Credential.update({Credential.status: "revoked", Credential.revoked_at: now()})
        .where(Credential.id == credential_id)
        .run()
    )
    await _drop_face(row)
    await plan_and_send(person_holder(row["person_id"]))
    return {"id": credential_id, "revoked": True}


async def withdraw_face_consent(person_id: int) -> dict[str, Any]:
    """Consent withdrawn: the face goes from storage now and from every device by sync."""
    rows = (
        await Credential.select()
        .where(
            (Credential.person_id == person_id)
            & (Credential.kind == "face")
            & (Credential.status == "active")
        )
        .run()
    )
    if not rows:
        raise NotFound("no face credential with consent for this person")
    stamp = now()
    for row in rows:
        await (
            Credential.update(
                {
                    Credential.status: "revoked",
                    Credential.revoked_at: stamp,
                    Credential.consent_withdrawn_at: stamp,
                }
            )
            .where(Credential.id == row["id"])
            .run()
        )
        await _drop_face(row)
    devices = await plan_and_send(person_holder(person_id))
    return {
        "person_id": person_id,
        "withdrawn": len(rows),
        "devices_to_update": len(devices),
        "alternative": ALTERNATIVE,
    }


async def revoke_all_credentials(person_id: int, reason: str) -> int:
    rows = (
        await Credential.select()
        .where((Credential.person_id == person_id) & (Credential.status == "active"))
        .run()
    )
    for row in rows:
        await (
            Credential.update({Credential.status: "revoked", Credential.revoked_at: now()})
            .where(Credential.id == row["id"])
            .run()
        )
        await _drop_face(row)
    return len(rows)


async def list_for(person_id: int) -> list[dict[str, Any]]:
    rows = await Credential.select().where(Credential.person_id == person_id).order_by(Credential.id).run()
    return [public(r) for r in rows]


async def release_enrolled_faces() -> int:
    """Erase stored face images once every device that should hold them has taken them."""
    rows = (
        await Credential.select(Credential.id, Credential.person_id, Credential.face_attachment_id)
        .where((Credential.kind == "face") & Credential.face_attachment_id.is_not_null())
        .run()
    )
    released = 0
    for row in rows:
        latest = await latest_commands(person_holder(row["person_id"]))
        upserts = [c for c in latest.values() if c["op"] == "upsert"]
        if upserts and all(
            c["status"] == "ok" and f'"credential_id": {row["id"]}' in c["payload"] for c in upserts
        ):
            await _drop_face(row)
            released += 1
    return released
