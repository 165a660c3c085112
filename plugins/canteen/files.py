"""Files of the canteen through the core's attachments: the photo of each meal's food sample
(the kitchen takes and sees it), and the day's label PDF kept on the meal."""

from __future__ import annotations

from core.api import AttachmentOwner, AttachmentPurpose, OwnerAccess

MB = 1024 * 1024


def _kitchen(access: OwnerAccess) -> bool:
    return access.has("canteen.kitchen")


async def _sample_exists(sample_id: int) -> bool:
    from plugins.canteen.tables import Sample

    return await Sample.exists().where(Sample.id == sample_id).run()


async def _service_exists(service_id: int) -> bool:
    from plugins.canteen.tables import Service

    return await Service.exists().where(Service.id == service_id).run()


OWNERS = (
    AttachmentOwner(
        kind="canteen.sample",
        can_see=_kitchen,
        can_attach=_kitchen,
        exists=_sample_exists,
        purposes=(AttachmentPurpose("photo", 10 * MB, ("image/jpeg", "image/png")),),
    ),
    AttachmentOwner(
        kind="canteen.service",
        can_see=_kitchen,
        can_attach=lambda access: False,  # the labels are made by the plugin, never uploaded
        exists=_service_exists,
        purposes=(AttachmentPurpose("labels", 20 * MB, ("application/pdf",)),),
    ),
)
