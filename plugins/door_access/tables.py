"""The plugin's tables: every one a tenant table, so a community sees only its own doors."""

from pathlib import Path

from piccolo.columns import Boolean, Date, ForeignKey, Integer, SmallInt, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete

from core.api import PiccoloApp, TenantTable


class AccessPoint(TenantTable, tablename="door_access_point"):
    """A door people pass: a compound gate, a building or unit door, a garage, a lift reader."""

    name = Varchar(length=100)
    kind = Varchar(length=20, default="building")  # gate / building / unit / garage / lift
    building_id = Integer(null=True, default=None, index=True)  # null: serves the whole compound
    mode = Varchar(length=20, default="normal")  # normal / held_open / disabled
    held_open_hours = Varchar(length=11, default="")  # "07:00-09:00" (local time) while held_open
    state = Varchar(length=20, default="shut")  # shut / open / open_too_long / forced
    state_since = Timestamptz(null=True, default=None)
    created_at = Timestamptz()


class Device(TenantTable, tablename="door_device"):
    """A controller on an access point, reached through a vendor adapter."""

    access_point = ForeignKey(AccessPoint, null=False, on_delete=OnDelete.restrict)
    name = Varchar(length=100)
    vendor = Varchar(length=50, default="")
    model = Varchar(length=50, default="")
    protocol = Varchar(length=30, default="generic_http")  # the adapter's name
    address = Varchar(length=300, default="")  # base URL of the controller
    firmware = Varchar(length=50, default="")
    secret_enc = Text(default="")  # AES-GCM ciphertext of the per-device HMAC secret
    last_seen_at = Timestamptz(null=True, default=None)
    online = Boolean(default=False)
    created_at = Timestamptz()


class AccessGroup(TenantTable, tablename="door_access_group"):
    """Which access points, at which hours. A building's residents get its group on move-in."""

    name = Varchar(length=100)
    building_id = Integer(null=True, default=None, index=True)  # set: the building's resident group
    hours = Varchar(length=11, default="")  # "" = always; "06:00-23:00" local time
    created_at = Timestamptz()


class AccessGroupPoint(TenantTable, tablename="door_access_group_point"):
    group = ForeignKey(AccessGroup, null=False, on_delete=OnDelete.cascade)
    access_point = ForeignKey(AccessPoint, null=False, on_delete=OnDelete.cascade)


class Grant(TenantTable, tablename="door_grant"):
    """A person's right to an access group: from a residency, or given by staff with dates."""

    person_id = Integer(index=True)
    group = ForeignKey(AccessGroup, null=False, on_delete=OnDelete.restrict)
    source = Varchar(length=20, default="manual")  # residency / manual
    residency_id = Integer(null=True, default=None, index=True)
    valid_from = Date()
    valid_until = Date(null=True, default=None)
    note = Varchar(length=200, default="")
    granted_by = Integer(null=True, default=None)
    created_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)
    revoke_reason = Varchar(length=200, default="")


class Credential(TenantTable, tablename="door_credential"):
    """A card, PIN, QR code or face of a person. Secrets are kept only as salted hashes."""

    person_id = Integer(index=True)
    kind = Varchar(length=10)  # card / pin / qr / face
    card_number = Varchar(length=32, default="")
    secret_hash = Varchar(length=64, default="")  # pin / qr: sha256(salt + secret)
    salt = Varchar(length=32, default="")
    face_attachment_id = Integer(null=True, default=None)  # encrypted image, only until enrolled
    face_digest = Varchar(length=64, default="")  # sha256 of the image: the devices' template key
    consent_at = Timestamptz(null=True, default=None)  # face: the separate, recorded consent
    consent_text = Varchar(length=300, default="")
    consent_by = Integer(null=True, default=None)
    consent_withdrawn_at = Timestamptz(null=True, default=None)
    status = Varchar(length=10, default="active")  # active / revoked
    created_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)


class VisitorPass(TenantTable, tablename="door_visitor_pass"):
    """A named visitor's pass: time window, doors, number of uses; QR code and PIN."""

    host_person_id = Integer(index=True)
    visitor_name = Varchar(length=60)
    visitor_phone = Varchar(length=20, default="")
    access_point_ids = Varchar(length=500, default="")  # comma-separated
    valid_from = Timestamptz()
    valid_until = Timestamptz()
    max_uses = SmallInt(default=1)
    uses = SmallInt(default=0)
    status = Varchar(length=20, default="active")  # pending / active / used_up / expired / revoked / declined
    qr_hash = Varchar(length=64, default="", index=True)
    pin_hash = Varchar(length=64, default="")
    salt = Varchar(length=32, default="")
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz()
    ended_at = Timestamptz(null=True, default=None)


class DeviceCommand(TenantTable, tablename="door_device_command"):
    """One change for one device: upsert or delete one holder. Idempotent by ``uid``."""

    device = ForeignKey(Device, null=False, on_delete=OnDelete.cascade)
    uid = Varchar(length=36)
    holder = Varchar(length=20, index=True)  # "p12" a person, "v5" a visitor pass
    op = Varchar(length=10)  # upsert / delete
    payload = Text(default="{}")
    digest = Varchar(length=64, default="")
    status = Varchar(length=10, default="queued", index=True)  # queued / sent / ok / failed / superseded
    attempts = SmallInt(default=0)
    last_error = Varchar(length=300, default="")
    next_attempt_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class AccessEvent(TenantTable, tablename="door_access_event"):
    """The access log: one pass or refusal, or a door state change, as a device reported it."""

    device_id = Integer(index=True)
    access_point_id = Integer(index=True)
    event_uid = Varchar(length=64)
    occurred_at = Timestamptz(index=True)
    received_at = Timestamptz()
    type = Varchar(length=20, default="access")  # access / open_too_long / forced / closed / heartbeat
    holder = Varchar(length=20, default="")
    person_id = Integer(null=True, default=None, index=True)
    pass_id = Integer(null=True, default=None)
    credential_kind = Varchar(length=10, default="")
    direction = Varchar(length=5, default="in")
    result = Varchar(length=10, default="")  # granted / refused
    reason = Varchar(length=30, default="")  # see events.REASONS


class WebhookNonce(TenantTable, tablename="door_webhook_nonce"):
    """Nonces seen on signed device pushes: a second request with one is a replay."""

    device_id = Integer()
    nonce = Varchar(length=64)
    seen_at = Timestamptz()


class WebhookRefusal(TenantTable, tablename="door_webhook_refusal"):
    """A device push refused with 401, and why: written even though the request fails."""

    device_id = Integer(null=True, default=None)
    reason = Varchar(length=30)  # unknown_device / bad_signature / stale_timestamp / replayed
    remote = Varchar(length=60, default="")
    at = Timestamptz()


class Alert(TenantTable, tablename="door_alert"):
    """Door open too long, forced open, device offline: on the dashboard, a case when it persists."""

    kind = Varchar(length=20)  # open_too_long / forced / offline
    access_point_id = Integer(index=True)
    device_id = Integer(null=True, default=None)
    opened_at = Timestamptz()
    cleared_at = Timestamptz(null=True, default=None)
    case_id = Integer(null=True, default=None)


class WelfareCheck(TenantTable, tablename="door_welfare_check"):
    """A visit task raised because a consenting elderly resident living alone was not seen."""

    person_id = Integer(index=True)
    last_activity_at = Timestamptz(null=True, default=None)
    raised_at = Timestamptz()
    case_id = Integer(null=True, default=None)


TABLES = [
    AccessPoint,
    Device,
    AccessGroup,
    AccessGroupPoint,
    Grant,
    Credential,
    VisitorPass,
    DeviceCommand,
    AccessEvent,
    WebhookNonce,
    WebhookRefusal,
    Alert,
    WelfareCheck,
]

APP = PiccoloApp(
    app_name="door_access",
    table_classes=list(TABLES),
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    migration_dependencies=[],
)
