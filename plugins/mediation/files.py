"""The scanned, signed paper agreement attaches to the agreement (core attachments API): the
parties, the mediators and the committee may see it; a mediator attaches it."""

from __future__ import annotations

from core.api import AttachmentOwner, AttachmentPurpose, OwnerAccess
from plugins.mediation.standing import Standing, standing_as

MB = 1024 * 1024


async def _standing(access: OwnerAccess) -> Standing | None:
    from plugins.mediation.tables import Agreement, Dispute

    agreement = await Agreement.select(Agreement.dispute).where(Agreement.id == access.owner_id).first().run()
    if agreement is None:
        return None
    dispute = await Dispute.select().where(Dispute.id == agreement["dispute"]).first().run()
    if dispute is None:
        return None
    return await standing_as(access.principal.user_id, access.has, dispute)


async def _may_see(access: OwnerAccess) -> bool:
    who = await _standing(access)
    return who is not None and who.inside


async def _may_attach(access: OwnerAccess) -> bool:
    who = await _standing(access)
    return who is not None and who.mediates


async def _exists(agreement_id: int) -> bool:
    from plugins.mediation.tables import Agreement

    return await Agreement.exists().where(Agreement.id == agreement_id).run()


OWNERS = (
    AttachmentOwner(
        kind="mediation.agreement",
        can_see=_may_see,
        can_attach=_may_attach,
        exists=_exists,
        purposes=(
            AttachmentPurpose("signed_paper", 10 * MB, ("application/pdf", "image/jpeg", "image/png")),
        ),
    ),
)
