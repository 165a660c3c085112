"""One person's repair data: what they reported and, as a volunteer, their team record."""

from __future__ import annotations

from typing import Any


async def export_person(person_id: int) -> dict[str, Any]:
    from plugins.repairs.tables import Member, MemberSkill, Repair, ServiceLog

    members = await Member.select().where(Member.person_id == person_id).run()
    member_ids = [m["id"] for m in members]
    return {
        "repairs_requested": await Repair.select(
            Repair.id,
            Repair.number,
            Repair.category,
            Repair.description,
            Repair.state,
            Repair.tier,
            Repair.created_at,
            Repair.fixed_at,
        )
        .where(Repair.requester_person_id == person_id)
        .run(),
        "team_member": members,
        "skills": await MemberSkill.select().where(MemberSkill.member.is_in(member_ids)).run()
        if member_ids
        else [],
        "service_log": await ServiceLog.select().where(ServiceLog.member.is_in(member_ids)).run()
        if member_ids
        else [],
    }


async def erase_person(person_id: int) -> int:
    """Anonymise: repairs keep their figures but lose the requester and the free text; a team
    member keeps their hours (counted in figures) but loses name, phone and certificates."""
    from plugins.repairs.tables import Member, MemberSkill, Repair

    repairs = await Repair.select(Repair.id).where(Repair.requester_person_id == person_id).run()
    if repairs:
        await (
            Repair.update(
                {
                    Repair.requester_person_id: None,
                    Repair.description: "(erased)",
                    Repair.preferred_time: "",
                    Repair.location_note: "",
                }
            )
            .where(Repair.requester_person_id == person_id)
            .run()
        )
    members = await Member.select(Member.id).where(Member.person_id == person_id).run()
    ids = [m["id"] for m in members]
    if ids:
        await MemberSkill.update({MemberSkill.certificate_no: ""}).where(MemberSkill.member.is_in(ids)).run()
        await (
            Member.update(
                {
                    Member.name: "(erased)",
                    Member.phone: "",
                    Member.person_id: None,
                    Member.user_id: None,
                    Member.notes: "",
                    Member.active: False,
                }
            )
            .where(Member.id.is_in(ids))
            .run()
        )
    return len(repairs) + len(ids)
