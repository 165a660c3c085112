"""The orphan collector: objects and rows that should no longer be kept.

Removed, per community:

* objects with no attachment row, once older than ``older_than`` (an upload stores its object a
  moment before it inserts the row, so a fresh object without a row is an upload in flight);
* objects *and* rows of attachments removed through the API (``deleted_at`` set);
* objects and rows of attachments whose record no longer exists (the owner kind's ``exists``).

Objects under a community that no longer exists go too (after the same grace period). Rows of an
owner kind nobody declares any more (a plugin uninstalled or quarantined) are kept: losing a
plugin for a while must not lose its files. A row whose object is missing is reported, not
touched. The object is removed before its row, so a run that stops half-way is finished by the
next one. Plain async function: the scheduler (jobs) runs it; tests call it directly.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from typing import Any

from core.db.engine import write_transaction
from core.files.owners import owner_kinds, still_exists
from core.files.storage import StoredObject, storage_for
from core.files.tables import Attachment
from core.runtime import Runtime
from core.tenancy.context import Tenant, tenant_scope
from core.tenancy.tables import Community

log = logging.getLogger("linli.files.orphans")

GRACE = dt.timedelta(hours=1)


async def collect_orphans(
    runtime: Runtime, *, older_than: dt.timedelta = GRACE, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Remove what is no longer needed; returns counts (and the keys of removed objects)."""
    now = now or dt.datetime.now(dt.UTC)
    storage = storage_for(runtime.settings)
    kinds = owner_kinds(runtime)
    report: dict[str, Any] = {
        "objects_without_row": 0,
        "deleted_rows": 0,
        "owner_gone": 0,
        "missing_objects": 0,
        "kept_in_flight": 0,
        "failed": 0,
        "removed_keys": [],
    }

    by_community: dict[int, list[StoredObject]] = defaultdict(list)
    foreign: list[StoredObject] = []
    for obj in await storage.list():
        head = obj.key.split("/", 1)[0]
        if head.isdigit():
            by_community[int(head)].append(obj)
        else:
            foreign.append(obj)
    if foreign:
        log.warning("objects outside the {community}/ layout left alone", extra={"count": len(foreign)})

    communities: dict[int, dict[str, Any]] = {
        r["id"]: r
        for r in await Community.select(
            Community.id, Community.slug, Community.name, Community.office.id, Community.office.slug
        ).run()
    }

    def old(obj: StoredObject) -> bool:
        return obj.last_modified is not None and now - obj.last_modified >= older_than

    for community_id in sorted(set(by_community) | set(communities)):
        objects = {o.key: o for o in by_community.get(community_id, [])}
        row = communities.get(community_id)
        if row is None:  # the community itself is gone
            doomed = [k for k, o in objects.items() if old(o)]
            report["kept_in_flight"] += len(objects) - len(doomed)
            failed = await storage.remove_many(doomed)
            report["objects_without_row"] += len(doomed) - len(failed)
            report["failed"] += len(failed)
            report["removed_keys"] += [k for k in doomed if k not in failed]
            continue
        tenant = Tenant(
            community_id=community_id,
            slug=row["slug"],
            name=row["name"],
            office_id=row["office.id"],
            office_slug=row["office.slug"],
        )
        with tenant_scope(tenant):
            await _collect_community(runtime, storage, kinds, objects, old, report)
    log.info("orphan collection", extra={k: v for k, v in report.items() if k != "removed_keys"})
    return report


async def _collect_community(
    runtime: Runtime,
    storage: Any,
    kinds: Any,
    objects: dict[str, StoredObject],
    old: Any,
    report: dict[str, Any],
) -> None:
    async with runtime.engine.transaction():  # a read under RLS on PostgreSQL
        rows = await Attachment.select(
            Attachment.id,
            Attachment.object_key,
            Attachment.owner_kind,
            Attachment.owner_id,
            Attachment.deleted_at,
        ).run()
        doomed_rows: dict[int, str] = {}
        owner_gone: set[int] = set()
        checked: dict[tuple[str, int], bool | None] = {}
        for r in rows:
            if r["deleted_at"] is not None:
                doomed_rows[r["id"]] = r["object_key"]
                continue
            owner = kinds.kinds.get(r["owner_kind"], (None, None))[1]
            if owner is None:
                continue
            ident = (r["owner_kind"], r["owner_id"])
            if ident not in checked:
                checked[ident] = await still_exists(owner, r["owner_id"])
            if checked[ident] is False:
                doomed_rows[r["id"]] = r["object_key"]
                owner_gone.add(r["id"])
    keys_with_rows = {r["object_key"] for r in rows}
    without_row = [k for k in objects if k not in keys_with_rows]
    doomed_objects = [k for k in without_row if old(objects[k])]
    report["kept_in_flight"] += len(without_row) - len(doomed_objects)
    report["missing_objects"] += sum(
        1
        for r in rows
        if r["deleted_at"] is None and r["id"] not in owner_gone and r["object_key"] not in objects
    )

    to_remove = doomed_objects + [k for k in doomed_rows.values() if k in objects]
    failed = set(await storage.remove_many(to_remove)) if to_remove else set()
    report["failed"] += len(failed)
    report["removed_keys"] += [k for k in to_remove if k not in failed]
    report["objects_without_row"] += sum(1 for k in doomed_objects if k not in failed)
    gone_ids = [i for i, k in doomed_rows.items() if k not in failed]
    if gone_ids:
        async with write_transaction(runtime.engine):
            await Attachment.delete().where(Attachment.id.is_in(gone_ids)).run()
        report["owner_gone"] += sum(1 for i in gone_ids if i in owner_gone)
        report["deleted_rows"] += sum(1 for i in gone_ids if i not in owner_gone)
