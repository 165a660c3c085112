"""The attachments table and a community's own storage quota, both tenant-owned."""

from __future__ import annotations

from piccolo.columns import BigInt, Integer, Timestamptz, Varchar

from core.db.tenant import TenantTable


class Attachment(TenantTable, tablename="attachment"):
    """One stored file, attached to one record (``owner_kind`` + ``owner_id``).

    The object lives at ``object_key`` = ``{community_id}/{owner_kind}/{uuid}``; the user's file
    name is kept here only for the download's Content-Disposition. A row exists only for an
    object whose size and checksum were verified after storing it. ``deleted_at`` marks a
    removal; the orphan collector deletes the object and then the row.
    """

    owner_kind = Varchar(length=64)
    owner_id = Integer(index=True)
    purpose = Varchar(length=64)
    object_key = Varchar(length=200, unique=True)
    content_type = Varchar(length=100)
    file_name = Varchar(length=255, default="")
    size = BigInt()
    sha256 = Varchar(length=64)
    uploaded_by = Integer(null=True, default=None)
    uploaded_at = Timestamptz()
    deleted_at = Timestamptz(null=True, default=None, index=True)


class StorageQuota(TenantTable, tablename="storage_quota"):
    """A community's own quota, set by its street office; without a row the settings' default applies."""

    quota_bytes = BigInt()
    updated_at = Timestamptz()
    updated_by = Integer(null=True, default=None)


FILE_TABLES = [Attachment, StorageQuota]
