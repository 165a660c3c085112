"""The street office's view: its communities side by side, this month's figures, modules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath

from core.auth.guards import principal_of, requires_office
from core.runtime import state_of
from core.ui.chrome import switchable_places
from core.ui.render import page


@get("/o/{office:str}/", guards=[requires_office("office.view")])
async def office_page(request: Request, office: FromPath[str]) -> Response:
    from core.oversight import office_report
    from core.tenancy import service

    runtime = state_of(request.app)
    today = dt.date.today()
    start = today.replace(day=1)
    office_row = await service.office_by_slug(office)
    communities = await office_report(runtime, office_row["id"], start, today)
    # One row per figure key, one column per community: the side-by-side table officials read.
    figures: dict[str, dict[str, Any]] = {}
    for c in communities:
        for section in c["sections"]:
            for f in section.get("figures", []):
                row = figures.setdefault(f["key"], {"label": (f["label_en"], f["label_zh"]), "values": {}})
                row["values"][c["slug"]] = f["value"]
    names = {p.id: (p.manifest.name_en, p.manifest.name_zh) for p in runtime.registry.community_plugins()}
    return page(request, "office.html", office=office_row, communities=communities, figures=figures,
                module_names=names, start=start, end=today,
                places=await switchable_places(principal_of(request)))


OFFICE_PAGES = [office_page]
