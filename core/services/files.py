"""Files for plugins: the attachments on a plugin's records, and private objects a plugin keeps
for itself (stored through the same checked path, never downloadable, erased at once)."""

from __future__ import annotations

from typing import Any

from core.audit import audit
from core.errors import NotFound, Unavailable
from core.tenancy.context import current_tenant


async def attachments_of(owner_kind: str, owner_id: int) -> list[dict[str, Any]]:
    """The files on one record (not removed): ``id``, ``purpose``, ``content_type``,
    ``file_name``, ``size``, ``uploaded_by``, ``uploaded_at``. No access check: the plugin
    decides who sees its record; downloads go through the core's attachments API."""
    from core.files.tables import Attachment

    return (
        await Attachment.select(
            Attachment.id,
            Attachment.purpose,
            Attachment.content_type,
            Attachment.file_name,
            Attachment.size,
            Attachment.uploaded_by,
            Attachment.uploaded_at,
        )
        .where(
            (Attachment.owner_kind == owner_kind)
            & (Attachment.owner_id == owner_id)
            & Attachment.deleted_at.is_null()
        )
        .order_by(Attachment.id)
        .run()
    )


async def store_private_file(
    *,
    owner_kind: str,
    owner_id: int,
    purpose: str,
    data: bytes,
    content_type: str = "application/octet-stream",
    file_name: str = "data.bin",
) -> int:
    """Store ``data`` as an attachment of ``owner_kind``/``owner_id``; returns its id.
    ``core.api.Unavailable`` (a 503 to the caller) when object storage cannot be reached."""
    from core.files.service import store_generated
    from core.files.storage import StorageUnavailable
    from core.runtime import current

    try:
        row = await store_generated(
            current(),
            current_tenant(),
            owner_kind=owner_kind,
            owner_id=owner_id,
            purpose=purpose,
            data=data,
            content_type=content_type,
            file_name=file_name,
            made_for=None,
        )
    except StorageUnavailable as exc:
        raise Unavailable(str(exc)) from None
    return int(row["id"])


async def read_private_file(attachment_id: int) -> bytes:
    """The bytes of an attachment of this community (NotFound when it is gone)."""
    from core.files.storage import storage_for
    from core.files.tables import Attachment
    from core.runtime import current

    row = (
        await Attachment.select(Attachment.object_key)
        .where((Attachment.id == attachment_id) & Attachment.deleted_at.is_null())
        .first()
        .run()
    )
    if row is None:
        raise NotFound("no such file")
    from core.files.storage import StorageUnavailable

    try:
        return await storage_for(current().settings).read(row["object_key"])
    except StorageUnavailable as exc:
        raise Unavailable(str(exc)) from None


async def erase_private_file(attachment_id: int) -> bool:
    """Remove the object from storage now and delete its row; False when there was none."""
    from core.files.storage import storage_for
    from core.files.tables import Attachment
    from core.runtime import current

    row = await Attachment.select(Attachment.object_key).where(Attachment.id == attachment_id).first().run()
    if row is None:
        return False
    await storage_for(current().settings).remove(row["object_key"])
    await Attachment.delete().where(Attachment.id == attachment_id).run()
    await audit("attachment.erased", actor_id=None, subject=f"attachment:{attachment_id}", detail={})
    return True
