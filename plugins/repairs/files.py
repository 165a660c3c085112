"""Kinds of records photos and receipts attach to (through the core's attachments API)."""

from __future__ import annotations

from core.api import AttachmentOwner, AttachmentPurpose, NotFound, OwnerAccess

MB = 1024 * 1024
IMAGES = ("image/jpeg", "image/png", "image/webp")


async def _repair(repair_id: int) -> dict | None:
    from plugins.repairs.access import get_repair

    try:
        return await get_repair(repair_id)
    except NotFound:
        return None


async def _repair_exists(repair_id: int) -> bool:
    return await _repair(repair_id) is not None


async def _may_see_repair(access: OwnerAccess) -> bool:
    from plugins.repairs.access import may_see_as

    repair = await _repair(access.owner_id)
    return repair is not None and await may_see_as(access.principal.user_id, access.has, repair)


async def _work(work_id: int) -> dict | None:
    from plugins.repairs.tables import WorkRecord

    return (
        await WorkRecord.select(WorkRecord.id, WorkRecord.repair, WorkRecord.member_id)
        .where(WorkRecord.id == work_id)
        .first()
        .run()
    )


async def _work_exists(work_id: int) -> bool:
    return await _work(work_id) is not None


async def _may_see_work(access: OwnerAccess) -> bool:
    from plugins.repairs.access import may_see_as

    work = await _work(access.owner_id)
    repair = await _repair(work["repair"]) if work else None
    return repair is not None and await may_see_as(access.principal.user_id, access.has, repair)


async def _may_attach_to_work(access: OwnerAccess) -> bool:
    """The volunteer who did the work, or staff who dispatch."""
    from plugins.repairs.team import member_of_user

    work = await _work(access.owner_id)
    if work is None:
        return False
    if access.has("repairs.dispatch"):
        return True
    member = await member_of_user(access.principal.user_id)
    return member is not None and member["id"] == work["member_id"]


async def _expense(expense_id: int) -> dict | None:
    from plugins.repairs.tables import ProjectExpense

    return (
        await ProjectExpense.select(ProjectExpense.id, ProjectExpense.project)
        .where(ProjectExpense.id == expense_id)
        .first()
        .run()
    )


async def _expense_exists(expense_id: int) -> bool:
    return await _expense(expense_id) is not None


async def _may_see_expense(access: OwnerAccess) -> bool:
    from plugins.repairs import projects

    expense = await _expense(access.owner_id)
    if expense is None:
        return False
    project = await projects.get_project(expense["project"])
    return access.has("repairs.projects") or await projects.concerns(project, access.principal.user_id)


async def _may_attach_to_expense(access: OwnerAccess) -> bool:
    from plugins.repairs import projects

    expense = await _expense(access.owner_id)
    if expense is None:
        return False
    project = await projects.get_project(expense["project"])
    return projects.may_run(project, access.principal.user_id, access.has("repairs.projects"))


OWNERS = [
    # The problem as reported (the resident's photos) and the volunteer's "before" photos.
    AttachmentOwner(
        "repairs.repair",
        can_see=_may_see_repair,
        exists=_repair_exists,
        purposes=(AttachmentPurpose("photo", 10 * MB, IMAGES), AttachmentPurpose("before", 10 * MB, IMAGES)),
    ),
    AttachmentOwner(
        "repairs.work",
        can_see=_may_see_work,
        can_attach=_may_attach_to_work,
        exists=_work_exists,
        purposes=(
            AttachmentPurpose("before", 10 * MB, IMAGES),
            AttachmentPurpose("after", 10 * MB, IMAGES),
            AttachmentPurpose("receipt", 10 * MB, (*IMAGES, "application/pdf")),
        ),
    ),
    AttachmentOwner(
        "repairs.expense",
        can_see=_may_see_expense,
        can_attach=_may_attach_to_expense,
        exists=_expense_exists,
        purposes=(AttachmentPurpose("receipt", 10 * MB, (*IMAGES, "application/pdf")),),
    ),
]
