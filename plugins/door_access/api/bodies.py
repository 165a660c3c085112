"""Request bodies of the door access API: msgspec structs refusing unknown fields, ids in range."""

from __future__ import annotations

import datetime as dt

import msgspec

from core.api import Body, Id


class PointIn(Body):
    name: str
    kind: str = "building"
    building_id: Id | None = None
    mode: str = "normal"
    held_open_hours: str = ""


class PointPatch(Body):
    mode: str | None = None
    held_open_hours: str | None = None


class DeviceIn(Body):
    access_point_id: Id
    name: str
    address: str
    protocol: str = "generic_http"
    vendor: str = ""
    model: str = ""
    firmware: str = ""
    secret: str | None = None


class GroupIn(Body):
    name: str
    hours: str = ""
    access_point_ids: list[Id] = msgspec.field(default_factory=list)


class GrantIn(Body):
    person_id: Id
    group_id: Id
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    note: str = ""


class RevokeIn(Body):
    reason: str = ""


class CredentialIn(Body):
    kind: str
    card_number: str = ""
    pin: str = ""
    face_image_b64: str = ""
    face_consent: bool = False
    consent_text: str = ""


class FaceIn(Body):
    face_image_b64: str
    face_consent: bool = False
    consent_text: str = ""


class PassIn(Body):
    visitor_name: str
    valid_until: dt.datetime
    access_point_ids: list[Id]
    valid_from: dt.datetime | None = None
    max_uses: int = 1
    visitor_phone: str = ""


class StaffPassIn(PassIn, kw_only=True):
    host_person_id: Id


class GateRequestIn(Body):
    host_person_id: Id
    visitor_name: str
    access_point_id: Id
