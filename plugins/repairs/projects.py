"""Shared-cost repairs for a building (the exterior-wall safety net: 600 yuan per household).

Households pay their share to the residents' representative, who records each collection;
expenses are recorded with receipts; at the end each household's share of what was actually
spent is worked out and the difference refunded or topped up (多退少补). The accounts are shown
to the households concerned.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.api import Conflict, InvalidInput, NotFound, dwellings_of_building, emit, get_building, is_member
from plugins.repairs.money import to_fen, to_yuan


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def get_project(project_id: int) -> dict[str, Any]:
    from plugins.repairs.tables import Project

    row = await Project.select().where(Project.id == project_id).first().run()
    if row is None:
        raise NotFound("no such project")
    return row


async def create_project(
    *,
    title: str,
    building_id: int,
    per_household_yuan: float,
    description: str,
    representative_user_id: int | None,
    dwelling_ids: list[int] | None,
    contacts: dict[int, int],
    by_user_id: int,
) -> dict[str, Any]:
    from plugins.repairs.tables import Project, ProjectShare

    title = (title or "").strip()
    if not 1 <= len(title) <= 200:
        raise InvalidInput("must be 1-200 characters", field="title")
    per_fen = to_fen(per_household_yuan, "per_household_yuan")
    assert per_fen is not None
    if per_fen == 0:
        raise InvalidInput("must be more than zero", field="per_household_yuan")
    try:
        await get_building(building_id)
    except NotFound:
        raise InvalidInput("no such building", field="building_id") from None
    dwellings = {d.id: d for d in await dwellings_of_building(building_id)}
    chosen = list(dwelling_ids) if dwelling_ids else list(dwellings)
    if not chosen:
        raise InvalidInput("the building has no dwellings to share the cost", field="dwelling_ids")
    stray = [d for d in chosen if d not in dwellings]
    if stray:
        raise InvalidInput(
            f"not dwellings of this building: {', '.join(map(str, stray))}", field="dwelling_ids"
        )
    if len(set(chosen)) != len(chosen):
        raise InvalidInput("a dwelling is listed twice", field="dwelling_ids")
    for dwelling_id, user_id in contacts.items():
        if dwelling_id not in chosen:
            raise InvalidInput(f"dwelling {dwelling_id} does not share this project", field="contacts")
        if not await is_member(user_id):
            raise InvalidInput(f"user {user_id} has no role in the community", field="contacts")
    if representative_user_id is not None and not await is_member(representative_user_id):
        raise InvalidInput("this user has no role in the community", field="representative_user_id")
    project = Project(
        title=title,
        description=(description or "").strip(),
        building_id=building_id,
        per_household_fen=per_fen,
        representative_user_id=representative_user_id,
        created_by=by_user_id,
        created_at=now(),
    )
    await project.save().run()
    await ProjectShare.insert(
        *[
            ProjectShare(
                project=project.id,
                dwelling_id=d,
                label=str(dwellings[d].number),
                contact_user_id=contacts.get(d),
                due_fen=per_fen,
            )
            for d in chosen
        ]
    ).run()
    return await accounts(project.id)


def may_run(project: dict[str, Any], user_id: int, manager: bool) -> bool:
    """The representative records collections and expenses; so do staff running projects."""
    return manager or (
        project["representative_user_id"] is not None and project["representative_user_id"] == user_id
    )


async def concerns(project: dict[str, Any], user_id: int) -> bool:
    """Whether the user belongs to a household sharing the project (or represents them)."""
    from plugins.repairs.tables import ProjectShare

    if project["representative_user_id"] == user_id:
        return True
    return bool(
        await ProjectShare.exists()
        .where((ProjectShare.project == project["id"]) & (ProjectShare.contact_user_id == user_id))
        .run()
    )


async def record_collection(
    project: dict[str, Any], dwelling_id: int, amount_yuan: float, *, by_user_id: int
) -> dict[str, Any]:
    from plugins.repairs.tables import ProjectShare

    if project["state"] != "collecting":
        raise Conflict("the project is settled; collections are closed")
    fen = to_fen(amount_yuan, "amount_yuan")
    assert fen is not None
    if fen == 0:
        raise InvalidInput("must be more than zero", field="amount_yuan")
    where = (ProjectShare.project == project["id"]) & (ProjectShare.dwelling_id == dwelling_id)
    share = await ProjectShare.select().where(where).first().run()
    if share is None:
        raise InvalidInput("this dwelling does not share the project", field="dwelling_id")
    await (
        ProjectShare.update(
            {
                ProjectShare.paid_fen: share["paid_fen"] + fen,
                ProjectShare.paid_at: now(),
                ProjectShare.collected_by: by_user_id,
            }
        )
        .where(where)
        .run()
    )
    return await accounts(project["id"])


async def add_expense(
    project: dict[str, Any], *, description: str, amount_yuan: float, spent_on: dt.date, by_user_id: int
) -> dict[str, Any]:
    from plugins.repairs.tables import ProjectExpense

    if project["state"] != "collecting":
        raise Conflict("the project is settled; no more expenses")
    description = (description or "").strip()
    if not 1 <= len(description) <= 200:
        raise InvalidInput("must be 1-200 characters", field="description")
    fen = to_fen(amount_yuan, "amount_yuan")
    assert fen is not None
    if fen == 0:
        raise InvalidInput("must be more than zero", field="amount_yuan")
    if spent_on > dt.date.today():
        raise InvalidInput("is in the future", field="spent_on")
    expense = ProjectExpense(
        project=project["id"],
        description=description,
        amount_fen=fen,
        spent_on=spent_on,
        recorded_by=by_user_id,
        recorded_at=now(),
    )
    await expense.save().run()
    return expense.to_dict()


def split(total_fen: int, n: int) -> list[int]:
    """``total_fen`` in ``n`` shares that differ by at most one fen and add up exactly."""
    base, rest = divmod(total_fen, n)
    return [base + (1 if i < rest else 0) for i in range(n)]


async def settle(project: dict[str, Any], *, by_user_id: int) -> dict[str, Any]:
    """Each household's share of the expenses, and what it gets back (+) or still owes (-)."""
    from plugins.repairs.tables import Project, ProjectExpense, ProjectShare

    if project["state"] != "collecting":
        raise Conflict("the project is already settled")
    shares = (
        await ProjectShare.select()
        .where(ProjectShare.project == project["id"])
        .order_by(ProjectShare.id)
        .run()
    )
    spent = sum(
        e["amount_fen"]
        for e in await ProjectExpense.select(ProjectExpense.amount_fen)
        .where(ProjectExpense.project == project["id"])
        .run()
    )
    if spent == 0:
        raise Conflict("record the expenses before settling")
    for share, cost in zip(shares, split(spent, len(shares)), strict=True):
        await (
            ProjectShare.update(
                {ProjectShare.cost_fen: cost, ProjectShare.balance_fen: share["paid_fen"] - cost}
            )
            .where(ProjectShare.id == share["id"])
            .run()
        )
    await (
        Project.update({Project.state: "settled", Project.settled_at: now()})
        .where(Project.id == project["id"])
        .run()
    )
    await emit(
        "repairs.project_settled", {"project_id": project["id"], "spent_fen": spent}, actor_id=by_user_id
    )
    return await accounts(project["id"])


async def mark_balance_done(project: dict[str, Any], dwelling_id: int) -> dict[str, Any]:
    """The refund was handed back, or the top-up collected."""
    from plugins.repairs.tables import ProjectShare

    if project["state"] != "settled":
        raise Conflict("settle the project first")
    where = (ProjectShare.project == project["id"]) & (ProjectShare.dwelling_id == dwelling_id)
    share = await ProjectShare.select().where(where).first().run()
    if share is None:
        raise InvalidInput("this dwelling does not share the project", field="dwelling_id")
    if share["balance_done_at"] is not None:
        raise Conflict("already done")
    values: dict[Any, Any] = {ProjectShare.balance_done_at: now()}
    if share["balance_fen"] < 0:  # a top-up collected counts as paid
        values[ProjectShare.paid_fen] = share["paid_fen"] - share["balance_fen"]
    await ProjectShare.update(values).where(where).run()
    return await accounts(project["id"])


async def accounts(project_id: int) -> dict[str, Any]:
    """The public accounts: every household's due, paid and balance; every expense."""
    from plugins.repairs.tables import ProjectExpense, ProjectShare

    project = await get_project(project_id)
    shares = (
        await ProjectShare.select().where(ProjectShare.project == project_id).order_by(ProjectShare.id).run()
    )
    expenses = (
        await ProjectExpense.select()
        .where(ProjectExpense.project == project_id)
        .order_by(ProjectExpense.id)
        .run()
    )
    collected = sum(s["paid_fen"] for s in shares)
    refunded = sum(s["balance_fen"] for s in shares if s["balance_done_at"] and s["balance_fen"] > 0)
    spent = sum(e["amount_fen"] for e in expenses)
    return {
        **project,
        "per_household_yuan": to_yuan(project["per_household_fen"]),
        "households": len(shares),
        "collected_yuan": to_yuan(collected),
        "spent_yuan": to_yuan(spent),
        "refunded_yuan": to_yuan(refunded),
        # Money still held: collected, less refunds handed back, less what was spent.
        "balance_yuan": to_yuan(collected - refunded - spent),
        "shares": [
            {
                "dwelling_id": s["dwelling_id"],
                "label": s["label"],
                "due_yuan": to_yuan(s["due_fen"]),
                "paid_yuan": to_yuan(s["paid_fen"]),
                "cost_yuan": to_yuan(s["cost_fen"]),
                "refund_yuan": to_yuan(max(s["balance_fen"], 0)) if s["balance_fen"] is not None else None,
                "top_up_yuan": to_yuan(max(-s["balance_fen"], 0)) if s["balance_fen"] is not None else None,
                "balance_done": s["balance_done_at"] is not None,
            }
            for s in shares
        ],
        "expenses": [
            {
                "id": e["id"],
                "description": e["description"],
                "amount_yuan": to_yuan(e["amount_fen"]),
                "spent_on": e["spent_on"],
            }
            for e in expenses
        ],
    }
