"""The street office's view: its communities side by side for a period, charts, the module
policy it sets, and an audited drill-down into one community."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect

from core.auth.guards import holds_in_office, principal_of, requires_office
from core.errors import InvalidInput, NotFound
from core.runtime import state_of
from core.tenancy.context import current_tenant
from core.ui.charts import bar_chart
from core.ui.chrome import switchable_places
from core.ui.render import lang_of, page

PERIODS = ("month", "last_month", "year")
# Figures drawn as charts, in this order: (section, key, shown as a share).
CHARTED = (
    ("register", "residents", False),
    ("register", "over_60", False),
    ("cases", "open", False),
    ("cases", "overdue", False),
    ("cases", "on_time_rate", True),
    ("cases", "satisfaction", False),
    ("visits", "visits_done", False),
)


def period_bounds(period: str, today: dt.date) -> tuple[dt.date, dt.date]:
    if period == "last_month":
        end = today.replace(day=1) - dt.timedelta(days=1)
        return end.replace(day=1), end
    if period == "year":
        return today.replace(month=1, day=1), today
    return today.replace(day=1), today


def side_by_side(communities: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """One row per figure (section.key), one value per community slug."""
    figures: dict[str, dict[str, Any]] = {}
    for c in communities:
        for section in c["sections"]:
            for f in section.get("figures", []):
                row = figures.setdefault(
                    f"{section['plugin_id']}.{f['key']}",
                    {
                        "label": (f["label_en"], f["label_zh"]),
                        "values": {},
                        "percent": f.get("percent", False),
                    },
                )
                row["values"][c["slug"]] = f["value"]
    return figures


async def _office_view(
    request: Request, office: str, period: str, *, status: int = 200, error: str | None = None
) -> Response:
    from core.oversight import office_report
    from core.tenancy import service
    from core.tenancy.tables import PluginPolicy

    if period not in PERIODS:
        period = "month"
    runtime = state_of(request.app)
    start, end = period_bounds(period, dt.date.today())
    office_row = await service.office_by_slug(office)
    communities = await office_report(runtime, office_row["id"], start, end)
    figures = side_by_side(communities)
    zh = lang_of(request) == "zh-CN"
    charts = []
    for section, key, percent in CHARTED:
        row = figures.get(f"{section}.{key}")
        if row is not None:
            title = row["label"][1] if zh else row["label"][0]
            charts.append(
                bar_chart(
                    title, [(c["name"], row["values"].get(c["slug"])) for c in communities], percent=percent
                )
            )
    from core.ui.office_settings import fields_of

    rows = {
        r["plugin_id"]: r
        for r in await PluginPolicy.select().where(PluginPolicy.office == office_row["id"]).run()
    }
    modules = []
    for p in runtime.registry.community_plugins():
        row = rows.get(p.id) or {}
        stored = row.get("settings") or {}
        if isinstance(stored, str):
            stored = json.loads(stored or "{}")
        kind = p.manifest.office_settings
        modules.append(
            {
                "id": p.id,
                "name": p.manifest.name_zh if zh else p.manifest.name_en,
                "policy": row.get("policy", "allowed"),
                "settings": fields_of(p.id, kind, stored, lang_of(request)) if kind else [],
            }
        )
    can = {perm for perm in ("office.manage", "office.drill_down") if holds_in_office(request, perm)}
    return page(
        request,
        "office.html",
        status=status,
        office=office_row,
        communities=communities,
        figures=figures,
        charts=charts,
        modules=modules,
        module_names={m["id"]: m["name"] for m in modules},
        start=start,
        end=end,
        period=period,
        periods=PERIODS,
        can=can,
        error=error,
        places=await switchable_places(principal_of(request)),
    )


@get("/o/{office:str}/", guards=[requires_office("office.view")])
async def office_page(request: Request, office: FromPath[str], period: FromQuery[str] = "month") -> Response:
    return await _office_view(request, office, period)


@dataclass
class PolicyForm:
    policy: str = ""


@post("/o/{office:str}/policies/{plugin_id:str}", guards=[requires_office("office.manage")])
async def set_module_policy(
    request: Request,
    office: FromPath[str],
    plugin_id: FromPath[str],
    data: Annotated[PolicyForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Response:
    from core.tenancy import service

    try:
        await service.set_policy(
            state_of(request.app), office, plugin_id, data.policy, actor_id=principal_of(request).user_id
        )
    except InvalidInput as exc:
        found = state_of(request.app).registry.get(plugin_id)
        name = (
            (found.manifest.name_zh if lang_of(request) == "zh-CN" else found.manifest.name_en)
            if found
            else ""
        )
        return await _office_view(request, office, "month", status=400, error=f"{name}：{exc}")
    return Redirect(f"/o/{office}/", status_code=303)


@post("/o/{office:str}/policies/{plugin_id:str}/settings", guards=[requires_office("office.manage")])
async def set_module_office_settings(
    request: Request, office: FromPath[str], plugin_id: FromPath[str]
) -> Response:
    from core.tenancy import service
    from core.ui.office_settings import typed

    runtime = state_of(request.app)
    plugin = runtime.registry.get(plugin_id)
    if plugin is None or plugin.manifest.office_settings is None:
        raise NotFound(f"no such module: {plugin_id}")
    form = {k: str(v) for k, v in (await request.form()).items()}
    try:
        values = typed(plugin.manifest.office_settings, form)
        await service.set_office_settings(
            runtime, office, plugin_id, values, actor_id=principal_of(request).user_id
        )
    except InvalidInput as exc:
        from core.ui.office_settings import refusal_text

        error = refusal_text(plugin_id, plugin.manifest.office_settings, exc, lang_of(request))
        return await _office_view(request, office, "month", status=400, error=error)
    return Redirect(f"/o/{office}/", status_code=303)


@get("/o/{office:str}/c/{community:str}", guards=[requires_office("office.drill_down")])
async def drill_down(request: Request, office: FromPath[str], community: FromPath[str]) -> Response:
    """One community's figures and open cases, opened from the office: every opening is audited
    in that community's log (who, when, from which office)."""
    from core.audit import audit
    from core.cases import engine
    from core.cases.tables import Case
    from core.db.engine import write_transaction
    from core.oversight import community_sections
    from core.tenancy import service

    # The middleware has resolved both the office and the community (and set it as the tenant).
    runtime, tenant = state_of(request.app), current_tenant()
    office_id = request.scope["state"]["office_id"]
    if tenant.office_id != office_id:
        raise NotFound("no such community in this street office")
    today = dt.date.today()
    sections = await community_sections(runtime, tenant, today.replace(day=1), today)
    async with write_transaction(runtime.engine):  # a GET that writes: the audit entry
        await audit(
            "office.drill_down",
            actor_id=principal_of(request).user_id,
            community_id=tenant.community_id,
            office_id=office_id,
            subject=f"community:{tenant.slug}",
            purpose="street-office oversight",
        )
        cases = (
            await Case.select(
                Case.id, Case.type, Case.title, Case.state, Case.level, Case.due_at, Case.created_at
            )
            .where(Case.state.is_in(list(engine.ACTIVE)))
            .order_by(Case.due_at)
            .limit(200)
            .run()
        )
    return page(
        request,
        "office_community.html",
        office=await service.office_by_slug(office),
        sections=sections,
        cases=cases,
        now=dt.datetime.now(dt.UTC),
        module_names={
            p.id: p.manifest.name_zh if lang_of(request) == "zh-CN" else p.manifest.name_en
            for p in runtime.registry.plugins.values()
        },
        places=await switchable_places(principal_of(request)),
    )


OFFICE_PAGES = [office_page, set_module_policy, set_module_office_settings, drill_down]
