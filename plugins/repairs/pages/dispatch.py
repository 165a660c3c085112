"""Staff: the dispatch list — every repair, newest first, filterable by state."""

from __future__ import annotations

import datetime as dt

from litestar import Request, Response, get
from litestar.params import FromQuery

from core.api import render_page, requires
from plugins.repairs.figures import repair_figures
from plugins.repairs.pages.common import labels
from plugins.repairs.team import OPEN_STATES


@get("/", guards=[requires("repairs.dispatch")])
async def dispatch_list(request: Request, only: FromQuery[str | None] = None) -> Response:
    from plugins.repairs.tables import Member, Repair

    query = Repair.select().order_by(Repair.id, ascending=False).limit(200)
    if only == "open":
        query = query.where(Repair.state.is_in(list(OPEN_STATES)))
    elif only:
        query = query.where(Repair.state == only)
    rows = await query.run()
    names = {m["id"]: m["name"] for m in await Member.select(Member.id, Member.name).run()}
    today = dt.date.today()
    return await render_page(
        request,
        "repairs/dispatch.html",
        rows=rows,
        names=names,
        only=only or "",
        labels=await labels(),
        figures=await repair_figures(today.replace(day=1), today),
        now=dt.datetime.now(dt.UTC),
    )


HANDLERS = [dispatch_list]
