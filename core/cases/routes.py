"""HTTP API of the case engine, under /api/v1/c/{community}/cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from core.auth.guards import holds, principal_of, requires
from core.auth.principal import Principal
from core.cases import engine
from core.cases.figures import case_figures
from core.cases.tables import Case, CaseEscalation, CaseFeedback, CaseNote, CaseTransition
from core.errors import InvalidInput, NotFound
from core.plugins.types import CaseType
from core.residents.scope import visible_places
from core.runtime import Runtime, state_of
from core.tenancy.context import Tenant, current_tenant
from core.web.bodies import Body, Id, Int32, LongText, Note, QueryId


def case_types(runtime: Runtime) -> Mapping[str, CaseType]:
    """Core case types plus every type plugins register (enabled or not: old cases keep theirs),
    as collected once at boot."""
    return runtime.registry.contributions.case_type_map


class CaseIn(Body):
    type: str
    title: str
    description: LongText = ""
    channel: str | None = None
    requester_person_id: Id | None = None
    dwelling_id: Id | None = None
    building_id: Id | None = None
    location_note: Note = ""
    priority: str | None = None
    extra: dict[str, Any] = {}


class TransitionIn(Body):
    to: str
    reason: Note = ""


class AssignIn(Body):
    user_id: Id


class EscalateIn(Body):
    reason: Note


class NoteIn(Body):
    body: LongText
    visibility: str = "internal"


class SlaIn(Body):
    case_type: str
    state: str
    hours: float


class FeedbackIn(Body):
    outcome: str
    score: Int32
    comment: Note = ""


def _is_manager(request: Request) -> bool:
    return holds(request, "cases.manage")


async def may_see_case(principal: Principal, tenant: Tenant, case: dict[str, Any], *, manager: bool) -> bool:
    """Managers see every case (grid workers: their grids'), others their own (also for files)."""
    if not manager:
        return bool(case["requester_user_id"] == principal.user_id)
    places = await visible_places(principal, tenant)
    if places is not None:
        from core.grids.service import grids_of

        return case["grid_id"] in await grids_of(principal.user_id, dt.date.today())
    return True


async def scope_cases(query: Any, principal: Principal, tenant: Tenant, *, manager: bool) -> Any:
    """Limit a case query to what the caller may see (the list twin of :func:`may_see_case`)."""
    if not manager:
        return query.where(Case.requester_user_id == principal.user_id)
    if await visible_places(principal, tenant) is not None:
        from core.grids.service import grids_of

        return query.where(Case.grid_id.is_in(await grids_of(principal.user_id, dt.date.today()) or [0]))
    return query


async def _visible_case(request: Request, case_id: int) -> dict[str, Any]:
    """A case the caller may see, or NotFound exactly like a missing one."""
    case = await engine.get_case(case_id)
    if not await may_see_case(principal_of(request), current_tenant(), case, manager=_is_manager(request)):
        raise NotFound("no such case")
    return case


class CasesController(Controller):
    path = "/api/v1/c/{community:str}/cases"
    tags = ["cases"]

    @post("/", guards=[requires("cases.create")])
    async def create(self, request: Request, data: JSONBody[CaseIn]) -> dict[str, Any]:
        principal = principal_of(request)
        manager = _is_manager(request)
        if not manager and (data.requester_person_id is not None or data.channel not in (None, "app")):
            raise InvalidInput(
                "residents report for themselves, through the app", field="requester_person_id"
            )
        if not manager and data.dwelling_id is not None:
            from core.residents.accounts import dwellings_acted_for

            # Another household's flat answers like a missing one.
            if data.dwelling_id not in await dwellings_acted_for(principal.user_id, "cases"):
                raise NotFound("no such dwelling")
        return await engine.open_case(
            case_types(state_of(request.app)),
            case_type=data.type,
            title=data.title,
            description=data.description,
            channel=data.channel or ("walk_in" if manager else "app"),
            requester_person_id=data.requester_person_id,
            requester_user_id=None if manager else principal.user_id,
            acting_user_id=principal.user_id if manager else None,
            dwelling_id=data.dwelling_id,
            building_id=data.building_id,
            location_note=data.location_note,
            priority=data.priority,
            extra=data.extra,
        )

    @get("/", guards=[requires("cases.view")])
    async def list_cases(
        self,
        request: Request,
        in_state: Annotated[str | None, QueryParameter(name="state")] = None,
        case_type: Annotated[str | None, QueryParameter(name="type")] = None,
        grid_id: QueryId = None,
        overdue: FromQuery[bool] = False,
        before_id: Annotated[int | None, QueryParameter(ge=1)] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    ) -> dict[str, Any]:
        query = await scope_cases(
            Case.select(), principal_of(request), current_tenant(), manager=_is_manager(request)
        )
        if in_state:
            query = query.where(Case.state == in_state)
        if case_type:
            query = query.where(Case.type == case_type)
        if grid_id:
            query = query.where(Case.grid_id == grid_id)
        if overdue:
            query = query.where(Case.state.is_in(list(engine.ACTIVE)) & (Case.due_at < engine.now()))
        if before_id:
            query = query.where(Case.id < before_id)
        rows = await query.order_by(Case.id, ascending=False).limit(limit).run()
        return {"items": rows, "next_before_id": rows[-1]["id"] if len(rows) == limit else None}

    @get("/figures", guards=[requires("cases.manage")])
    async def figures(self, request: Request, grid_id: QueryId = None) -> dict[str, Any]:
        from core.cases.figures import FIGURE_COLUMNS

        # The cases this caller may see, as in the case list: a grid worker's figures are their grid's.
        scoped = await scope_cases(
            Case.select(*FIGURE_COLUMNS),
            principal_of(request),
            current_tenant(),
            manager=_is_manager(request),
        )
        return await case_figures(engine.now(), grid_id, cases=scoped)

    @get("/sla", guards=[requires("cases.manage")])
    async def sla(self, request: Request) -> list[dict[str, Any]]:
        """Hours allowed per state for each case type in this community (overrides marked)."""
        types = case_types(state_of(request.app))
        out = []
        for name in sorted(types):
            for st in sorted(engine.DEFAULT_SLA_HOURS):
                out.append({"case_type": name, "state": st, "hours": await engine.sla_hours(types, name, st)})
        return out

    @post("/sla", guards=[requires("cases.configure")], status_code=200)
    async def set_sla(self, request: Request, data: JSONBody[SlaIn]) -> dict[str, Any]:
        from core.audit import audit
        from core.cases.tables import SlaPolicy

        if data.case_type not in case_types(state_of(request.app)):
            raise InvalidInput("unknown case type", field="case_type")
        if data.state not in engine.DEFAULT_SLA_HOURS:
            raise InvalidInput(f"must be one of {', '.join(engine.DEFAULT_SLA_HOURS)}", field="state")
        if not 0.25 <= data.hours <= 24 * 90:
            raise InvalidInput("must be between 0.25 and 2160 hours", field="hours")
        where = (SlaPolicy.case_type == data.case_type) & (SlaPolicy.state == data.state)
        if await SlaPolicy.exists().where(where).run():
            await SlaPolicy.update({SlaPolicy.hours: data.hours}).where(where).run()
        else:
            await SlaPolicy.insert(
                SlaPolicy(case_type=data.case_type, state=data.state, hours=data.hours)
            ).run()
        await audit(
            "cases.sla_set",
            actor_id=principal_of(request).user_id,
            subject=data.case_type,
            detail={"state": data.state, "hours": data.hours},
        )
        return {"case_type": data.case_type, "state": data.state, "hours": data.hours}

    @get("/types", guards=[requires("cases.view")])
    async def types(self, request: Request) -> list[dict[str, Any]]:
        return [
            {"name": t.name, "label_zh": t.label_zh, "label_en": t.label_en, "extra_fields": t.extra_fields}
            for t in case_types(state_of(request.app)).values()
        ]

    @get("/{case_id:int}", guards=[requires("cases.view")])
    async def get_one(self, request: Request, case_id: FromPath[int]) -> dict[str, Any]:
        case = await _visible_case(request, case_id)
        notes = CaseNote.select().where(CaseNote.case == case_id)
        if not _is_manager(request):
            notes = notes.where(CaseNote.visibility == "public")
        case["notes"] = await notes.order_by(CaseNote.id).run()
        case["transitions"] = (
            await CaseTransition.select()
            .where(CaseTransition.case == case_id)
            .order_by(CaseTransition.id)
            .run()
        )
        case["escalations"] = await CaseEscalation.select().where(CaseEscalation.case == case_id).run()
        case["feedback"] = await CaseFeedback.select().where(CaseFeedback.case == case_id).run()
        return case

    @post("/{case_id:int}/transition", guards=[requires("cases.manage")], status_code=200)
    async def transition(
        self, request: Request, case_id: FromPath[int], data: JSONBody[TransitionIn]
    ) -> dict[str, Any]:
        await _visible_case(request, case_id)
        return await engine.transition(
            case_types(state_of(request.app)),
            case_id,
            data.to,
            actor_id=principal_of(request).user_id,
            reason=data.reason,
        )

    @post("/{case_id:int}/assign", guards=[requires("cases.manage")], status_code=200)
    async def assign(
        self, request: Request, case_id: FromPath[int], data: JSONBody[AssignIn]
    ) -> dict[str, Any]:
        await _visible_case(request, case_id)
        return await engine.assign(
            case_types(state_of(request.app)), case_id, data.user_id, actor_id=principal_of(request).user_id
        )

    @post("/{case_id:int}/escalate", guards=[requires("cases.manage")], status_code=200)
    async def escalate(
        self, request: Request, case_id: FromPath[int], data: JSONBody[EscalateIn]
    ) -> dict[str, Any]:
        await _visible_case(request, case_id)
        return await engine.escalate(
            case_types(state_of(request.app)),
            case_id,
            reason=data.reason,
            actor_id=principal_of(request).user_id,
        )

    @post("/{case_id:int}/notes", guards=[requires("cases.manage")])
    async def note(self, request: Request, case_id: FromPath[int], data: JSONBody[NoteIn]) -> dict[str, Any]:
        await _visible_case(request, case_id)
        return await engine.add_note(
            case_id, data.body, data.visibility, author_id=principal_of(request).user_id
        )

    @post("/{case_id:int}/feedback", guards=[requires("cases.feedback")], status_code=200)
    async def feedback(
        self, request: Request, case_id: FromPath[int], data: JSONBody[FeedbackIn]
    ) -> dict[str, Any]:
        await _visible_case(request, case_id)  # the requester, or staff on their behalf
        return await engine.give_feedback(
            case_types(state_of(request.app)),
            case_id,
            outcome=data.outcome,
            score=data.score,
            comment=data.comment,
            by_user_id=principal_of(request).user_id,
        )


CASE_HANDLERS: list[Any] = [CasesController]
