"""Notices: what is in force and how one is published — shared by the API and the pages."""

import datetime as dt
from typing import Any

import msgspec

from core.api import InvalidInput, current_tenant, emit

CATEGORIES = ("general", "safety", "event", "works")


class NoticeIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    title: str
    body: str = ""
    category: str = "general"
    pinned: bool = False
    building_id: int | None = None
    published_on: dt.date | None = None
    expires_on: dt.date | None = None


async def in_force() -> list[dict[str, Any]]:
    from linli_noticeboard.tables import Notice

    today = dt.date.today()
    return (
        await Notice.select()
        .where((Notice.published_on <= today) & (Notice.expires_on.is_null() | (Notice.expires_on >= today)))
        .order_by(Notice.pinned, ascending=False)
        .order_by(Notice.published_on, ascending=False)
        .run()
    )


async def publish(data: NoticeIn, author_user_id: int | None) -> dict[str, Any]:
    """Validate, save and announce a notice; ``InvalidInput`` names the field at fault."""
    from linli_noticeboard.tables import Notice

    title = data.title.strip()
    if not title or len(title) > 200:
        raise InvalidInput("must be 1-200 characters", field="title")
    if data.category not in CATEGORIES:
        raise InvalidInput(f"must be one of {', '.join(CATEGORIES)}", field="category")
    published = data.published_on or dt.date.today()
    if data.expires_on is not None and data.expires_on < published:
        raise InvalidInput("is before the publish date", field="expires_on")
    if data.pinned:
        limit = current_tenant().settings_for("noticeboard").get("max_pinned", 3)
        if await Notice.count().where(Notice.pinned.eq(True)).run() >= limit:
            raise InvalidInput(f"at most {limit} notices can be pinned", field="pinned")
    notice = Notice(
        title=title,
        body=data.body,
        category=data.category,
        pinned=data.pinned,
        building_id=data.building_id,
        published_on=published,
        expires_on=data.expires_on,
        author_user_id=author_user_id,
        created_at=dt.datetime.now(dt.UTC),
    )
    await notice.save().run()
    await emit("noticeboard.posted", {"notice_id": notice.id, "title": title})
    return notice.to_dict()
