"""How a repair is shown: amounts in yuan, names, its history and files."""

from __future__ import annotations

import json
from typing import Any

from core.api import attachments_of
from plugins.repairs.money import to_yuan


def summary(r: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in r.items() if not k.endswith("_fen")}
    out["quote_yuan"] = to_yuan(r.get("quote_fen"))
    return out


async def detail(r: dict[str, Any]) -> dict[str, Any]:
    from plugins.repairs.tables import DispatchEntry, Member, RepairFeedback, WorkRecord

    out = summary(r)
    if r["assignee_member_id"] is not None:
        member = (
            await Member.select(Member.id, Member.name, Member.phone)
            .where(Member.id == r["assignee_member_id"])
            .first()
            .run()
        )
        out["assignee"] = member
    work = await WorkRecord.select().where(WorkRecord.repair == r["id"]).order_by(WorkRecord.id).run()
    out["work"] = [
        {
            **{k: v for k, v in w.items() if not k.endswith("_fen") and k != "materials"},
            "materials": [
                {"name": m["name"], "quantity": m["quantity"], "cost_yuan": to_yuan(m["cost_fen"])}
                for m in (json.loads(w["materials"]) if isinstance(w["materials"], str) else w["materials"])
            ],
            "cost_yuan": to_yuan(w["cost_fen"]),
            "paid_yuan": to_yuan(w["paid_fen"]),
            "files": await attachments_of("repairs.work", w["id"]),
        }
        for w in work
    ]
    out["dispatch"] = (
        await DispatchEntry.select().where(DispatchEntry.repair == r["id"]).order_by(DispatchEntry.id).run()
    )
    out["feedback"] = (
        await RepairFeedback.select()
        .where(RepairFeedback.repair == r["id"])
        .order_by(RepairFeedback.id)
        .run()
    )
    out["files"] = await attachments_of("repairs.repair", r["id"])
    return out
