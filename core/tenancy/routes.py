"""HTTP API for street offices, communities and module enablement."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from litestar import Controller, Request, get, patch, post, put
from litestar.params import FromPath, JSONBody, Parameter, QueryParameter

from core.audit import AuditEntry
from core.auth.guards import platform_admin, principal_of, requires, requires_office
from core.errors import InvalidInput, NotFound
from core.events.tables import EventDelivery
from core.oversight import office_report
from core.plugins.manifest import default_settings
from core.runtime import state_of
from core.tenancy import service
from core.tenancy.context import current_tenant
from core.tenancy.tables import Community
from core.web.bodies import Body, Int32


class OfficeIn(Body):
    slug: str
    name: str
    name_en: str = ""


class OfficePatch(Body):
    name: str | None = None
    name_en: str | None = None


class CommunityIn(Body):
    slug: str
    name: str
    name_en: str = ""
    address: str = ""
    residents_estimate: Int32 = 0
    households_estimate: Int32 = 0


class CommunityPatch(Body):
    name: str | None = None
    name_en: str | None = None
    address: str | None = None
    residents_estimate: Int32 | None = None
    households_estimate: Int32 | None = None


class PolicyIn(Body):
    policy: str


class PluginChoiceIn(Body):
    enabled: bool | None = None
    settings: dict[str, Any] | None = None


def _office_out(row: dict[str, Any]) -> dict[str, Any]:
    return {"slug": row["slug"], "name": row["name"], "name_en": row["name_en"], "archived": row["archived"]}


def _community_out(row: dict[str, Any], office_slug: str | None = None) -> dict[str, Any]:
    out = {
        k: row[k]
        for k in (
            "slug",
            "name",
            "name_en",
            "address",
            "residents_estimate",
            "households_estimate",
            "archived",
        )
    }
    if office_slug:
        out["office"] = office_slug
    return out


class PlatformOfficeController(Controller):
    path = "/api/v1/offices"
    tags = ["offices"]

    @get("/", guards=[platform_admin])
    async def list_offices(self) -> list[dict[str, Any]]:
        from core.tenancy.tables import StreetOffice

        rows = await StreetOffice.select().order_by(StreetOffice.slug).run()
        return [_office_out(r) for r in rows]

    @post("/", guards=[platform_admin])
    async def create_office(self, request: Request, data: JSONBody[OfficeIn]) -> dict[str, Any]:
        row = await service.create_office(
            data.slug, data.name, data.name_en, actor_id=principal_of(request).user_id
        )
        return _office_out(row)


class OfficeController(Controller):
    path = "/api/v1/o/{office:str}"
    tags = ["offices"]

    @get("/", guards=[requires_office("office.view")])
    async def get_office(self, office: FromPath[str]) -> dict[str, Any]:
        return _office_out(await service.office_by_slug(office))

    @patch("/", guards=[requires_office("office.manage")])
    async def update_office(
        self, request: Request, office: FromPath[str], data: JSONBody[OfficePatch]
    ) -> dict[str, Any]:
        row = await service.update_office(
            office, {"name": data.name, "name_en": data.name_en}, actor_id=principal_of(request).user_id
        )
        return _office_out(row)

    @get("/communities", guards=[requires_office("office.view")])
    async def list_communities(self, office: FromPath[str]) -> list[dict[str, Any]]:
        office_row = await service.office_by_slug(office)
        rows = (
            await Community.select()
            .where((Community.office == office_row["id"]) & Community.archived.eq(False))
            .order_by(Community.slug)
            .run()
        )
        return [_community_out(r, office) for r in rows]

    @post("/communities", guards=[requires_office("office.manage")])
    async def create_community(
        self, request: Request, office: FromPath[str], data: JSONBody[CommunityIn]
    ) -> dict[str, Any]:
        row = await service.create_community(
            office,
            data.slug,
            data.name,
            name_en=data.name_en,
            address=data.address,
            residents_estimate=data.residents_estimate,
            households_estimate=data.households_estimate,
            actor_id=principal_of(request).user_id,
        )
        return _community_out(row, office)

    @get("/plugin-policies", guards=[requires_office("office.view")])
    async def list_policies(self, request: Request, office: FromPath[str]) -> list[dict[str, Any]]:
        from core.tenancy.tables import PluginPolicy

        office_row = await service.office_by_slug(office)
        rows = {
            r["plugin_id"]: r
            for r in await PluginPolicy.select().where(PluginPolicy.office == office_row["id"]).run()
        }
        registry = state_of(request.app).registry
        out = []
        for p in registry.community_plugins():
            row = rows.get(p.id) or {}
            stored = row.get("settings") or {}
            if isinstance(stored, str):
                stored = json.loads(stored or "{}")
            out.append(
                {
                    "plugin_id": p.id,
                    "name_zh": p.manifest.name_zh,
                    "name_en": p.manifest.name_en,
                    "policy": row.get("policy", "allowed"),
                    "settings": {**default_settings(p.manifest, "office_settings"), **stored},
                }
            )
        return out

    @put("/plugin-policies/{plugin_id:str}", guards=[requires_office("office.manage")])
    async def set_policy(
        self, request: Request, office: FromPath[str], plugin_id: FromPath[str], data: JSONBody[PolicyIn]
    ) -> dict[str, Any]:
        await service.set_policy(
            state_of(request.app), office, plugin_id, data.policy, actor_id=principal_of(request).user_id
        )
        return {"plugin_id": plugin_id, "policy": data.policy}

    @put("/plugin-policies/{plugin_id:str}/settings", guards=[requires_office("office.manage")])
    async def set_office_settings(
        self,
        request: Request,
        office: FromPath[str],
        plugin_id: FromPath[str],
        data: JSONBody[dict[str, Any]],
    ) -> dict[str, Any]:
        """What the office allows its communities in this module (``Manifest.office_settings``)."""
        settings = await service.set_office_settings(
            state_of(request.app), office, plugin_id, data, actor_id=principal_of(request).user_id
        )
        return {"plugin_id": plugin_id, "settings": settings}


class OfficeReportController(Controller):
    path = "/api/v1/o/{office:str}/report"
    tags = ["offices"]

    @get("/", guards=[requires_office("office.view")])
    async def report(
        self,
        request: Request,
        office: FromPath[str],
        period_start: Annotated[dt.date | None, QueryParameter(name="from")] = None,
        period_end: Annotated[dt.date | None, QueryParameter(name="to")] = None,
    ) -> dict[str, Any]:
        """Each community's figures side by side, from the plugins enabled there."""
        runtime = state_of(request.app)
        today = dt.date.today()
        start = period_start or today.replace(day=1)
        end = period_end or today
        if end < start:
            raise InvalidInput("the period ends before it starts", field="to")
        office_row = await service.office_by_slug(office)
        communities = await office_report(runtime, office_row["id"], start, end)
        return {
            "office": office,
            "from": start.isoformat(),
            "to": end.isoformat(),
            "communities": communities,
        }


class CommunityController(Controller):
    path = "/api/v1/c/{community:str}"
    tags = ["communities"]

    @get("/", guards=[requires("community.view")])
    async def get_community(self) -> dict[str, Any]:
        tenant = current_tenant()
        row = await service.community_by_slug(tenant.slug)
        return _community_out(row, tenant.office_slug)

    @patch("/", guards=[requires("community.edit")])
    async def update_community(self, request: Request, data: JSONBody[CommunityPatch]) -> dict[str, Any]:
        tenant = current_tenant()
        row = await service.update_community(
            state_of(request.app),
            tenant.slug,
            {f: getattr(data, f) for f in data.__struct_fields__},
            actor_id=principal_of(request).user_id,
        )
        return _community_out(row, tenant.office_slug)

    @post("/archive", guards=[requires("community.archive")], status_code=200)
    async def archive(self, request: Request) -> dict[str, Any]:
        tenant = current_tenant()
        await service.archive_community(
            state_of(request.app), tenant.slug, actor_id=principal_of(request).user_id
        )
        return {"slug": tenant.slug, "archived": True}

    @get("/plugins", guards=[requires("plugins.view")])
    async def list_plugins(self, request: Request) -> list[dict[str, Any]]:
        tenant = current_tenant()
        runtime = state_of(request.app)
        states = await runtime.tenants.plugin_states(tenant.community_id, tenant.office_id)
        out = []
        for plugin in runtime.registry.community_plugins():
            state = states[plugin.id]
            out.append(
                {
                    "plugin_id": plugin.id,
                    "name_zh": plugin.manifest.name_zh,
                    "name_en": plugin.manifest.name_en,
                    "version": plugin.manifest.version,
                    "policy": state["policy"],
                    "enabled": state["enabled"],
                    "settings": state["settings"],
                }
            )
        return out

    @put("/plugins/{plugin_id:str}", guards=[requires("plugins.manage")])
    async def set_plugin(
        self, request: Request, plugin_id: FromPath[str], data: JSONBody[PluginChoiceIn]
    ) -> dict[str, Any]:
        tenant = current_tenant()
        return await service.set_plugin_enabled(
            state_of(request.app),
            tenant.slug,
            plugin_id,
            enabled=data.enabled,
            settings=data.settings,
            actor_id=principal_of(request).user_id,
        )

    @get("/audit", guards=[requires("audit.view")])
    async def audit_log(
        self,
        before_id: int | None = Parameter(default=None, ge=1),
        limit: int = Parameter(default=50, ge=1, le=500),
    ) -> list[dict[str, Any]]:
        tenant = current_tenant()
        query = AuditEntry.select().where(AuditEntry.community_id == tenant.community_id)
        if before_id:
            query = query.where(AuditEntry.id < before_id)
        rows = await query.order_by(AuditEntry.id, ascending=False).limit(limit).run()
        for row in rows:
            if isinstance(row["detail"], str):
                row["detail"] = json.loads(row["detail"] or "{}")
        return rows

    @get("/events/deliveries", guards=[requires("events.view")])
    async def deliveries(
        self,
        status: str | None = Parameter(default=None, pattern="^(pending|delivered|dead)$"),
        limit: int = Parameter(default=100, ge=1, le=500),
    ) -> list[dict[str, Any]]:
        query = EventDelivery.select()
        if status:
            query = query.where(EventDelivery.status == status)
        return await query.order_by(EventDelivery.id, ascending=False).limit(limit).run()

    @post("/events/deliveries/{delivery_id:int}/retry", guards=[requires("events.view")], status_code=200)
    async def retry_delivery(self, request: Request, delivery_id: FromPath[int]) -> dict[str, Any]:
        from core.audit import audit
        from core.events.jobs import redeliver_after_commit

        row = await EventDelivery.select().where(EventDelivery.id == delivery_id).first().run()
        if row is None:
            raise NotFound("no such delivery")
        await (
            EventDelivery.update(
                {
                    EventDelivery.status: "pending",
                    EventDelivery.attempts: 0,
                    EventDelivery.updated_at: dt.datetime.now(dt.UTC),
                }
            )
            .where(EventDelivery.id == delivery_id)
            .run()
        )
        await redeliver_after_commit(row["event_id"], row["plugin_id"])
        await audit(
            "event.retry",
            actor_id=principal_of(request).user_id,
            subject=row["event_id"],
            detail={"plugin_id": row["plugin_id"]},
        )
        return {"id": delivery_id, "status": "pending"}
