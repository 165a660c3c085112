"""How a repair is shown: amounts in yuan, names, its history and files."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from core.api import NotFound, attachments_of, get_building, get_dwelling, get_person
from plugins.repairs.money import to_yuan


def summary(r: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in r.items() if not k.endswith("_fen")}
    out["quote_yuan"] = to_yuan(r.get("quote_fen"))
    return out


async def place(r: dict[str, Any]) -> str:
    """Where to go: "8栋 301" for a home, the building and the note for a common area."""
    parts = []
    try:
        if r["dwelling_id"] is not None:
            d = await get_dwelling(r["dwelling_id"])
            parts.append(f"{d.building_name} {d.number}")
        elif r["building_id"] is not None:
            parts.append((await get_building(r["building_id"])).name)
    except NotFound:  # the register changed since; the ids stay on the repair
        pass
    if r["location_note"]:
        parts.append(r["location_note"])
    return " · ".join(parts)


async def detail(r: dict[str, Any], *, with_contact: bool = False) -> dict[str, Any]:
    """The whole repair; ``with_contact`` (staff, the volunteer holding it) adds the requester's
    name and phone from the register."""
    from plugins.repairs.tables import DispatchEntry, Member, RepairFeedback, WorkRecord

    out = summary(r)
    out["place"] = await place(r)
    out["contact"] = None
    if with_contact and r["requester_person_id"] is not None:
        with contextlib.suppress(NotFound):  # erased since
            out["contact"] = await get_person(r["requester_person_id"])
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
