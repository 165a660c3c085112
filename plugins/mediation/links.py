"""Links to other modules, through events only (no plugin imports another).

A leak between flats needs a plumber as well as a mediator: when such a dispute is accepted the
plugin asks for a repair with a ``repairs.requested`` event — the repairs plugin's inbound
request, handled only where that plugin is on. Its answer, ``repairs.reported`` carrying our
``source``, tells us the repair's case; the dispute then shows that case's state as the core's
case engine has it (a repair marked fixed shows as fixed), read live, never copied.

The request carries no confidential text: the place, the category and a generic description.
"""

from __future__ import annotations

from typing import Any

from core.api import Event, NotFound, current_residencies, current_tenant, emit, get_case

SOURCE_PREFIX = "mediation:"
REPAIR_DESCRIPTION = "邻里漏水纠纷调解中转来：请检查漏水源头并维修 / A leak between flats, from a mediation"


def source_of(dispute_id: int) -> str:
    return f"{SOURCE_PREFIX}{dispute_id}"


async def _leak_source_dwelling(dispute: dict[str, Any]) -> int | None:
    """Where the water comes from: the respondent's home when they are of the register, else the
    dwelling the dispute is about."""
    from plugins.mediation.tables import Party

    respondent = (
        await Party.select(Party.person_id)
        .where(
            (Party.dispute == dispute["id"]) & (Party.role == "respondent") & Party.person_id.is_not_null()
        )
        .first()
        .run()
    )
    if respondent is not None:
        homes = await current_residencies(respondent["person_id"])
        if homes:
            return homes[0].dwelling_id
    return dispute["dwelling_id"]


async def request_repair_if_leak(dispute: dict[str, Any], *, actor_id: int | None) -> bool:
    """Ask for a repair for an accepted leak dispute, once."""
    from plugins.mediation.tables import Dispute, Party

    if dispute["kind"] != "leak" or dispute["repair_requested"]:
        return False
    if "repairs" not in current_tenant().enabled_plugins:
        return False  # no repair team here: the mediators arrange the repair with the parties
    dwelling_id = await _leak_source_dwelling(dispute)
    if dwelling_id is None:
        return False
    respondent = (
        await Party.select(Party.person_id)
        .where((Party.dispute == dispute["id"]) & (Party.role == "respondent"))
        .first()
        .run()
    )
    await emit(
        "repairs.requested",
        {
            "source": source_of(dispute["id"]),
            "category": "water_pipe",
            "location": "dwelling",
            "dwelling_id": dwelling_id,
            "description": REPAIR_DESCRIPTION,
            "requester_person_id": respondent["person_id"] if respondent else None,
        },
        actor_id=actor_id,
    )
    await Dispute.update({Dispute.repair_requested: True}).where(Dispute.id == dispute["id"]).run()
    return True


async def on_repair_reported(event: Event) -> None:
    """The repairs plugin opened the repair we asked for: remember its case (idempotent)."""
    from plugins.mediation.tables import Dispute

    source = str(event.payload.get("source") or "")
    if not source.startswith(SOURCE_PREFIX) or not source[len(SOURCE_PREFIX) :].isdigit():
        return
    case_id = event.payload.get("case_id")
    await (
        Dispute.update({Dispute.repair_case_id: case_id})
        .where(Dispute.id == int(source[len(SOURCE_PREFIX) :]))
        .run()
    )


async def repair_status(dispute: dict[str, Any]) -> dict[str, Any] | None:
    """The linked repair as the case engine has it now: number and state (None: none asked)."""
    if not dispute["repair_requested"]:
        return None
    if dispute["repair_case_id"] is None:
        return {"requested": True, "case_id": None, "number": None, "state": None}
    try:
        case = await get_case(dispute["repair_case_id"])
    except NotFound:
        return {"requested": True, "case_id": None, "number": None, "state": None}
    return {"requested": True, "case_id": case.id, "number": case.number, "state": case.state}
