"""Attachments: receiving an upload, storing and verifying it, quotas, listing, links, removal.

An upload goes: fields -> may the caller attach to that record? -> bytes counted against the
purpose's limit while they arrive (spooled, never whole in memory) -> bytes checked against the
declared type -> image metadata stripped -> quota -> object stored -> size and checksum of the
*stored* object verified -> row inserted (quota re-checked under a lock). Whatever fails after
the object was stored removes it again; what cannot be removed then (storage gone) has no row
and is taken by the orphan collector.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import io
import logging
import re
import unicodedata
import uuid
from typing import IO, Any
from urllib.parse import quote

from litestar.exceptions import PermissionDeniedException
from piccolo.query.functions.aggregate import Sum

from core.audit import audit
from core.auth.principal import Principal
from core.db.engine import is_postgres, write_transaction
from core.errors import InvalidInput, NotFound
from core.files import content
from core.files.content import ContentRefused
from core.files.multipart import MultipartReader
from core.files.owners import access_for, may_attach, may_see, owner_kinds
from core.files.storage import Storage, StorageUnavailable, storage_for
from core.files.tables import Attachment, StorageQuota
from core.plugins.types import AttachmentOwner, AttachmentPurpose
from core.runtime import Runtime
from core.tenancy.context import Tenant

log = logging.getLogger("linli.files")

LINK_LIFETIME = dt.timedelta(minutes=15)
UPLOAD_FIELDS = frozenset({"owner_kind", "owner_id", "purpose"})
_QUOTA_LOCK = 0x4C4E4649  # pg_advisory_xact_lock(key, community_id) while checking a quota
_MD5 = re.compile(r"^[0-9a-f]{32}$")
_MULTIPART_SLACK = 64 * 1024  # headers and fields around the file in a multipart body


class FileProblem(Exception):
    """A refusal with a status other than 400/404 (413, 503), with extra fields for the client."""

    def __init__(self, status: int, detail: str, **extra: Any):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.extra = extra


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n} bytes"


def too_large(owner: AttachmentOwner, purpose: AttachmentPurpose) -> FileProblem:
    return FileProblem(
        413,
        f"文件超过 {_mb(purpose.max_bytes)} 的上限 / the file is larger than the "
        f"{_mb(purpose.max_bytes)} allowed for {owner.kind} {purpose.name}",
        field="file",
        reason="too_large",
        limit_bytes=purpose.max_bytes,
    )


def quota_exceeded(used: int, size: int, quota: int) -> FileProblem:
    return FileProblem(
        413,
        f"社区存储空间已满（已用 {_mb(used)}，上限 {_mb(quota)}）/ the community's storage "
        f"quota is exceeded: {_mb(used)} used of {_mb(quota)}, this file needs {_mb(size)}",
        field="file",
        reason="quota_exceeded",
        used_bytes=used,
        quota_bytes=quota,
        file_bytes=size,
    )


def clean_file_name(name: str) -> str:
    """The user's file name, fit to show: no path, no control characters, at most 200 characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c)[0] != "C")
    name = name.strip().strip(".")
    return name[:200] or "file"


# -- quota ------------------------------------------------------------------------------------


async def quota_of(runtime: Runtime) -> int:
    """The current community's quota: its own when the office set one, else the settings' default."""
    row = await StorageQuota.select(StorageQuota.quota_bytes).first().run()
    return int(row["quota_bytes"]) if row else runtime.settings.storage_quota_bytes


async def used_bytes() -> int:
    """Bytes of the current community's attachments (removed ones no longer count)."""
    row = await Attachment.select(Sum(Attachment.size)).where(Attachment.deleted_at.is_null()).first().run()
    value = (row or {}).get("sum")
    return int(value or 0)


async def usage(runtime: Runtime) -> dict[str, Any]:
    count = await Attachment.count().where(Attachment.deleted_at.is_null()).run()
    used, quota = await used_bytes(), await quota_of(runtime)
    return {
        "used_bytes": used,
        "quota_bytes": quota,
        "attachments": count,
        "default_quota": not await StorageQuota.exists().run(),
    }


async def set_quota(runtime: Runtime, quota_bytes: int | None, actor_id: int) -> dict[str, Any]:
    if quota_bytes is None:
        await StorageQuota.delete(force=True).run()
    else:
        if quota_bytes < 0:
            raise InvalidInput("must be 0 or more", field="quota_bytes")
        now = dt.datetime.now(dt.UTC)
        if await StorageQuota.exists().run():
            await StorageQuota.update(
                {
                    StorageQuota.quota_bytes: quota_bytes,
                    StorageQuota.updated_at: now,
                    StorageQuota.updated_by: actor_id,
                },
                force=True,
            ).run()
        else:
            await StorageQuota.insert(
                StorageQuota(quota_bytes=quota_bytes, updated_at=now, updated_by=actor_id)
            ).run()
    await audit("storage.quota_set", actor_id=actor_id, detail={"quota_bytes": quota_bytes})
    return await usage(runtime)


# -- upload -----------------------------------------------------------------------------------


def _prepare(spool: IO[bytes], declared: str) -> tuple[IO[bytes], int, str, str]:
    """(Blocking) check the bytes, strip image metadata, hash what will be stored."""
    spool.seek(0)
    try:
        content.check_content(spool.read(content.SNIFF_BYTES), declared)
        final = content.strip_metadata(spool, declared) or spool
    except ContentRefused as refused:
        raise InvalidInput(f"file: {refused} / 文件内容与声明的类型 {declared} 不符", field="file") from None
    final.seek(0)
    sha, md5, size = hashlib.sha256(), hashlib.md5(usedforsecurity=False), 0
    while chunk := final.read(1024 * 1024):
        sha.update(chunk)
        md5.update(chunk)
        size += len(chunk)
    final.seek(0)
    return final, size, sha.hexdigest(), md5.hexdigest()


async def receive_upload(
    runtime: Runtime,
    tenant: Tenant,
    principal: Principal,
    reader: MultipartReader,
    content_length: int | None,
) -> dict[str, Any]:
    storage = storage_for(runtime.settings)  # 503 before reading a byte when there is none
    fields = await reader.fields()
    assert reader.file is not None
    for name in fields:
        if name not in UPLOAD_FIELDS:
            raise InvalidInput(f"unknown field; expected {', '.join(sorted(UPLOAD_FIELDS))}", field=name)
    kinds = owner_kinds(runtime)
    owner = kinds.get(fields.get("owner_kind", ""), tenant)
    if owner is None:
        raise InvalidInput(f"unknown owner kind; one of {', '.join(kinds.names(tenant))}", field="owner_kind")
    try:
        owner_id = int(fields.get("owner_id", ""))
        if not 1 <= owner_id <= 2_147_483_647:
            raise ValueError
    except ValueError:
        raise InvalidInput("must be the id (a positive integer) of the record", field="owner_id") from None
    purpose = owner.purpose(fields.get("purpose", ""))
    if purpose is None:
        raise InvalidInput(f"one of {', '.join(p.name for p in owner.purposes)}", field="purpose")
    declared = content.normalise(reader.file.content_type)
    if declared not in purpose.content_types:
        raise InvalidInput(
            f"type {declared or '(none)'} is not accepted for {owner.kind} {purpose.name}; send one of "
            f"{', '.join(purpose.content_types)} / 不接受此文件类型",
            field="file",
        )
    access = access_for(runtime, principal, tenant, owner_id)
    async with runtime.engine.transaction():  # on PostgreSQL, RLS needs the tenant transaction
        allowed = await may_attach(owner, access)
        used, quota = (await used_bytes(), await quota_of(runtime)) if allowed else (0, 0)
    if not allowed:
        raise NotFound(f"no such {owner.kind}")
    if used >= quota:  # already full: refused before reading the file (exact check at the insert)
        raise quota_exceeded(used, 0, quota)
    if content_length is not None and content_length > purpose.max_bytes + _MULTIPART_SLACK:
        raise too_large(owner, purpose)  # refused before reading the file

    spool = content.spool()
    final: IO[bytes] | None = None
    try:
        received = 0
        async for chunk in reader.chunks():
            received += len(chunk)
            if received > purpose.max_bytes:
                raise too_large(owner, purpose)
            spool.write(chunk)
        await reader.finish()
        if received == 0:
            raise InvalidInput("the file is empty / 文件为空", field="file")
        prepared, size, sha256, md5 = await asyncio.to_thread(_prepare, spool, declared)
        final = prepared
        if size > purpose.max_bytes:
            raise too_large(owner, purpose)
        if used + size > quota:  # as of the start; checked again, under a lock, at the insert
            raise quota_exceeded(used, size, quota)
        key = f"{tenant.community_id}/{owner.kind}/{uuid.uuid4()}"
        return await _store_and_record(
            runtime,
            storage,
            key,
            prepared,
            size=size,
            sha256=sha256,
            md5=md5,
            content_type=declared,
            owner=owner,
            owner_id=owner_id,
            purpose=purpose.name,
            file_name=clean_file_name(reader.file.filename),
            uploaded_by=principal.user_id,
            tenant=tenant,
        )
    finally:
        spool.close()
        if final is not None and final is not spool:
            final.close()


async def _store_and_record(
    runtime: Runtime,
    storage: Storage,
    key: str,
    data: IO[bytes],
    *,
    size: int,
    sha256: str,
    md5: str,
    content_type: str,
    owner: AttachmentOwner,
    owner_id: int,
    purpose: str,
    file_name: str,
    uploaded_by: int | None,
    tenant: Tenant,
) -> dict[str, Any]:
    disposition = None if content_type in content.INLINE_TYPES else "attachment"
    try:
        etag = await storage.put(key, data, size, content_type, content_disposition=disposition)
        await _verify(storage, key, size=size, sha256=sha256, md5=md5, etag=etag)
        async with write_transaction(runtime.engine):
            if is_postgres(runtime.engine):  # uploads of one community check the quota in turn
                await runtime.engine.run_ddl(
                    f"SELECT pg_advisory_xact_lock({_QUOTA_LOCK}, {int(tenant.community_id)})"
                )
            used, quota = await used_bytes(), await quota_of(runtime)
            if used + size > quota:
                raise quota_exceeded(used, size, quota)
            values: dict[str, Any] = {
                "owner_kind": owner.kind,
                "owner_id": owner_id,
                "purpose": purpose,
                "content_type": content_type,
                "file_name": file_name,
                "size": size,
                "sha256": sha256,
                "uploaded_by": uploaded_by,
                "uploaded_at": dt.datetime.now(dt.UTC),
            }
            inserted = (
                await Attachment.insert(Attachment(object_key=key, **values)).returning(Attachment.id).run()
            )
            attachment_id = inserted[0]["id"]
            await audit(
                "attachment.added",
                actor_id=uploaded_by,
                subject=f"{owner.kind}:{owner_id}",
                detail={"attachment_id": attachment_id, "purpose": purpose, "size": size},
            )
        return {"id": attachment_id, **values}
    except Exception:
        # No row: take the object away again (also after a put that failed half-way). When the
        # storage is gone this fails too, and the orphan collector removes the object later.
        with contextlib.suppress(Exception):
            await storage.remove(key)
        raise


async def store_generated(
    runtime: Runtime,
    tenant: Tenant,
    *,
    owner_kind: str,
    owner_id: int,
    purpose: str,
    data: bytes,
    content_type: str,
    file_name: str,
    made_for: int | None,
) -> dict[str, Any]:
    """Store a file the platform made (an export, a report) as an attachment of a record.

    Same path as an upload — checked size and checksum before the row, the community's quota —
    minus the sniffing: the bytes are our own. Runs with ``tenant`` set, outside a transaction.
    """
    storage = storage_for(runtime.settings)
    owner = owner_kinds(runtime).get(owner_kind, tenant)
    if owner is None or owner.purpose(purpose) is None:
        raise InvalidInput(f"unknown owner kind or purpose {owner_kind}/{purpose}", field="owner_kind")
    sha, md5 = hashlib.sha256(data).hexdigest(), hashlib.md5(data, usedforsecurity=False).hexdigest()
    key = f"{tenant.community_id}/{owner.kind}/{uuid.uuid4()}"
    return await _store_and_record(
        runtime,
        storage,
        key,
        io.BytesIO(data),
        size=len(data),
        sha256=sha,
        md5=md5,
        content_type=content_type,
        owner=owner,
        owner_id=owner_id,
        purpose=purpose,
        file_name=clean_file_name(file_name),
        uploaded_by=made_for,
        tenant=tenant,
    )


async def _verify(storage: Storage, key: str, *, size: int, sha256: str, md5: str, etag: str = "") -> None:
    """The stored object is what we sent. A single-part PUT answers with the server's MD5 of the
    bytes it stored: equal to ours, that is the proof, with no second request. Otherwise (a
    multipart or encrypted object, whose ETag is no MD5) ask for its size and read it back."""
    if _MD5.match(etag):
        if etag != md5:
            log.error("stored object failed verification", extra={"key": key, "check": "etag"})
            raise StorageUnavailable(reason="checksum mismatch after storing")
        return
    stat = await storage.stat(key)
    if stat is None or stat.size != size:
        log.error(
            "stored object failed verification",
            extra={"key": key, "expected": size, "stored": None if stat is None else stat.size},
        )
        raise StorageUnavailable(reason="size mismatch after storing")
    ok = stat.etag == md5 if _MD5.match(stat.etag) else await storage.sha256(key) == sha256
    if not ok:
        log.error("stored object failed verification", extra={"key": key, "check": "checksum"})
        raise StorageUnavailable(reason="checksum mismatch after storing")


# -- reading, links, removal --------------------------------------------------------------------


async def _row(attachment_id: int) -> dict[str, Any]:
    row: dict[str, Any] | None = (
        await Attachment.select()
        .where((Attachment.id == attachment_id) & Attachment.deleted_at.is_null())
        .first()
        .run()
    )
    if row is None:
        raise NotFound("no such attachment")
    return row


def public(row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: row[k]
        for k in (
            "id",
            "owner_kind",
            "owner_id",
            "purpose",
            "content_type",
            "file_name",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
        )
    }


async def visible_attachment(
    runtime: Runtime, tenant: Tenant, principal: Principal, attachment_id: int
) -> tuple[dict[str, Any], AttachmentOwner]:
    """The attachment, if its record is one the caller may see; NotFound exactly like a missing one."""
    row = await _row(attachment_id)
    owner = owner_kinds(runtime).get(row["owner_kind"], tenant)
    if owner is None or not await may_see(owner, access_for(runtime, principal, tenant, row["owner_id"])):
        raise NotFound("no such attachment")
    return row, owner


async def list_attachments(
    runtime: Runtime, tenant: Tenant, principal: Principal, owner_kind: str, owner_id: int
) -> list[dict[str, Any]]:
    owner = owner_kinds(runtime).get(owner_kind, tenant)
    if owner is None:
        raise InvalidInput(
            f"unknown owner kind; one of {', '.join(owner_kinds(runtime).names(tenant))}", field="owner_kind"
        )
    if not await may_see(owner, access_for(runtime, principal, tenant, owner_id)):
        raise NotFound(f"no such {owner_kind}")
    rows = (
        await Attachment.select()
        .where(
            (Attachment.owner_kind == owner_kind)
            & (Attachment.owner_id == owner_id)
            & Attachment.deleted_at.is_null()
        )
        .order_by(Attachment.id)
        .run()
    )
    return [public(r) for r in rows]


def download_link(
    storage: Storage, row: dict[str, Any], *, lifetime: dt.timedelta = LINK_LIFETIME
) -> dict[str, Any]:
    """A presigned URL; images and PDF open in the browser, everything else only downloads."""
    lifetime = min(lifetime, LINK_LIFETIME)
    name = row["file_name"] or "file"
    ascii_name = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in name)
    inline = row["content_type"] in content.INLINE_TYPES
    disposition = (
        f'{"inline" if inline else "attachment"}; filename="{ascii_name}"; '
        f"filename*=UTF-8''{quote(name, safe='')}"
    )
    headers = {
        "response-content-disposition": disposition,
        "response-content-type": row["content_type"] if inline else "application/octet-stream",
        "response-cache-control": "private, max-age=900",
    }
    url = storage.presigned_get(row["object_key"], lifetime, headers)
    return {
        "url": url,
        "expires_at": dt.datetime.now(dt.UTC) + lifetime,
        "disposition": "inline" if inline else "attachment",
    }


async def remove_attachment(
    runtime: Runtime, tenant: Tenant, principal: Principal, attachment_id: int
) -> dict[str, Any]:
    """Soft removal: the row is marked now, the object goes with the next orphan collection."""
    row, owner = await visible_attachment(runtime, tenant, principal, attachment_id)
    access = access_for(runtime, principal, tenant, row["owner_id"])
    if row["uploaded_by"] != principal.user_id and not (
        access.has("attachments.manage") and await may_attach(owner, access)
    ):
        raise PermissionDeniedException(
            "只有上传者或工作人员可以删除此文件 / only the uploader or "
            "staff (attachments.manage) may remove this file"
        )
    await (
        Attachment.update({Attachment.deleted_at: dt.datetime.now(dt.UTC)})
        .where(Attachment.id == attachment_id)
        .run()
    )
    await audit(
        "attachment.removed",
        actor_id=principal.user_id,
        subject=f"{row['owner_kind']}:{row['owner_id']}",
        detail={"attachment_id": attachment_id},
    )
    return {"id": attachment_id, "removed": True}
