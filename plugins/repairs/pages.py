"""HTML pages at /c/{community}/repairs/…, drawn inside the core's layout.

Staff: the dispatch list and a repair's page with ranked suggestions; the team and skills
register. Volunteers: "my jobs" for the phone (grab, record work, decline). Residents: report a
problem, my repairs, confirm a quote, sign off and rate. Every form goes through the same
functions as the API, so a refused form shows the API's reason beside its field and saves
nothing (the request's transaction rolls back on any 4xx).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import PermissionDeniedException
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect

from core.api import (
    Conflict,
    InvalidInput,
    NotFound,
    Pages,
    attachments_of,
    current_residencies,
    current_tenant,
    dwellings_of_building,
    get_dwelling,
    holds,
    list_buildings,
    person_of_user,
    render_page,
    requires,
)
from plugins.repairs import categories, costs, dispatch, intake, team, views, work
from plugins.repairs.access import (
    caller_id,
    is_dispatcher,
    own_repairs_filter,
    require_requester,
    speaks_for_requester,
    visible_repair,
)
from plugins.repairs.figures import repair_figures
from plugins.repairs.team import OPEN_STATES, member_of_user, skill_problem, skills_of

FORM = Body(media_type=RequestEncodingType.URL_ENCODED)


def _base() -> str:
    return f"/c/{current_tenant().slug}/repairs"


def _number(value: str, field: str, kind: type = float) -> Any:
    try:
        return kind(value.strip())
    except (TypeError, ValueError):
        raise InvalidInput("must be a number", field=field) from None


async def _refused(
    request: Request,
    action: Callable[[], Awaitable[Any]],
    again: Callable[..., Awaitable[Response]],
    done: str,
) -> Response:
    """Run a form's action; on refusal draw the page again with the reason beside the field."""
    try:
        await action()
    except InvalidInput as exc:
        return await again(status=400, field=exc.field, error=str(exc))
    except Conflict as exc:
        return await again(status=409, field=None, error=str(exc))
    except PermissionDeniedException as exc:
        return await again(status=403, field=None, error=str(exc.detail))
    return Redirect(done, status_code=303)


# -- staff: dispatch list -------------------------------------------------------------------


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
        labels=await _labels(),
        figures=await repair_figures(today.replace(day=1), today),
        now=dt.datetime.now(dt.UTC),
    )


async def _labels() -> dict[str, dict[str, Any]]:
    return {c["code"]: c for c in await categories.list_categories()}


# -- one repair -----------------------------------------------------------------------------


async def _repair_page(
    request: Request,
    repair_id: int,
    *,
    status: int = 200,
    field: str | None = None,
    error: str | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    repair = await visible_repair(request, repair_id)
    user = caller_id(request)
    member = await member_of_user(user) if holds(request, "repairs.work") else None
    may_grab = False
    if member is not None and repair["assignee_member_id"] is None and repair["state"] in OPEN_STATES:
        may_grab = skill_problem(await skills_of(member["id"]), repair["skill"], dt.date.today()) is None
    return await render_page(
        request,
        "repairs/repair.html",
        status=status,
        r=await views.detail(repair),
        labels=await _labels(),
        dispatcher=is_dispatcher(request),
        requester=await speaks_for_requester(repair, user),
        holder=member is not None and member["id"] == repair["assignee_member_id"],
        may_grab=may_grab,
        suggestions=await dispatch.suggest(repair) if is_dispatcher(request) else [],
        field=field,
        error=error,
        form=form or {},
    )


@get("/{repair_id:int}", guards=[requires("repairs.view")])
async def repair_page(request: Request, repair_id: FromPath[int]) -> Response:
    return await _repair_page(request, repair_id)


@dataclass
class AssignForm:
    member_id: str = ""
    reason: str = ""


@post("/{repair_id:int}/assign", guards=[requires("repairs.dispatch")])
async def assign_form(
    request: Request, repair_id: FromPath[int], data: Annotated[AssignForm, FORM]
) -> Response:
    async def act() -> None:
        repair = await visible_repair(request, repair_id)
        await dispatch.assign(
            repair,
            _number(data.member_id, "member_id", int),
            by_user_id=caller_id(request),
            reason=data.reason,
        )

    async def again(**kw: Any) -> Response:
        return await _repair_page(request, repair_id, form={"reason": data.reason}, **kw)

    return await _refused(request, act, again, f"{_base()}/{repair_id}")


@post("/{repair_id:int}/quote-confirm", guards=[requires("repairs.report")])
async def confirm_quote_form(request: Request, repair_id: FromPath[int]) -> Response:
    async def act() -> None:
        repair = await visible_repair(request, repair_id)
        await require_requester(request, repair, "confirm the quote")
        await costs.confirm_quote(repair, by_user_id=caller_id(request))

    async def again(**kw: Any) -> Response:
        return await _repair_page(request, repair_id, **kw)

    return await _refused(request, act, again, f"{_base()}/{repair_id}")


@dataclass
class SignOffForm:
    paid_yuan: str = "0"
    note: str = ""


@post("/{repair_id:int}/sign-off", guards=[requires("repairs.report")])
async def sign_off_form(
    request: Request, repair_id: FromPath[int], data: Annotated[SignOffForm, FORM]
) -> Response:
    async def act() -> None:
        repair = await visible_repair(request, repair_id)
        await require_requester(request, repair, "sign off the work")
        await work.sign_off(
            repair,
            paid_yuan=_number(data.paid_yuan, "paid_yuan"),
            note=data.note,
            by_user_id=caller_id(request),
        )

    async def again(**kw: Any) -> Response:
        return await _repair_page(
            request, repair_id, form={"paid_yuan": data.paid_yuan, "note": data.note}, **kw
        )

    return await _refused(request, act, again, f"{_base()}/{repair_id}")


@dataclass
class FeedbackForm:
    outcome: str = ""
    speed_score: str = ""
    service_score: str = ""
    comment: str = ""


@post("/{repair_id:int}/feedback", guards=[requires("repairs.report")])
async def feedback_form(
    request: Request, repair_id: FromPath[int], data: Annotated[FeedbackForm, FORM]
) -> Response:
    async def act() -> None:
        repair = await visible_repair(request, repair_id)
        await require_requester(request, repair, "give feedback")
        await work.give_feedback(
            repair,
            outcome=data.outcome,
            speed_score=_number(data.speed_score, "speed_score", int),
            service_score=_number(data.service_score, "service_score", int),
            comment=data.comment,
            by_user_id=caller_id(request),
        )

    async def again(**kw: Any) -> Response:
        return await _repair_page(request, repair_id, form={"comment": data.comment}, **kw)

    return await _refused(request, act, again, f"{_base()}/{repair_id}")


# -- residents: report, my repairs ----------------------------------------------------------


@dataclass
class ReportForm:
    category: str = ""
    location: str = "dwelling"
    building_id: str = ""
    dwelling_number: str = ""
    location_note: str = ""
    description: str = ""
    urgency: str = ""
    preferred_time: str = ""


async def _report_page(
    request: Request,
    *,
    form: ReportForm | None = None,
    status: int = 200,
    field: str | None = None,
    error: str | None = None,
) -> Response:
    return await render_page(
        request,
        "repairs/report.html",
        home=await _home_of(caller_id(request)),
        status=status,
        form=form or ReportForm(),
        categories=await categories.list_categories(),
        buildings=await list_buildings(),
        field=field,
        error=error,
    )


async def _home_of(user_id: int) -> str | None:
    """ "8栋 301" when the caller's login is a registered person with one home here."""
    person = await person_of_user(user_id)
    homes = await current_residencies(person) if person is not None else []
    if len(homes) != 1:
        return None
    d = await get_dwelling(homes[0]["dwelling_id"])
    return f"{d['building_name']} {d['number']}"


@get("/report", guards=[requires("repairs.report")])
async def report_page(request: Request) -> Response:
    return await _report_page(request)


async def _dwelling_of(building_id: int, number: str) -> int:
    match = [d["id"] for d in await dwellings_of_building(building_id) if d["number"] == number.strip()]
    if not match:
        raise InvalidInput("no such flat in that building", field="dwelling_number")
    return match[0]


@post("/report", guards=[requires("repairs.report")])
async def report_form(request: Request, data: Annotated[ReportForm, FORM]) -> Response:
    created: dict[str, Any] = {}

    async def act() -> None:
        building_id = _number(data.building_id, "building_id", int) if data.building_id else None
        dwelling_id = None
        if data.location == "dwelling" and (building_id is not None or data.dwelling_number.strip()):
            if building_id is None:
                raise InvalidInput("choose your building", field="building_id")
            dwelling_id = await _dwelling_of(building_id, data.dwelling_number)
        # Otherwise a resident linked to the register reports for their own home (intake knows it).
        created.update(
            await intake.report(
                category=data.category,
                location=data.location,
                description=data.description,
                caller_user_id=caller_id(request),
                on_behalf=False,
                dwelling_id=dwelling_id,
                building_id=building_id,
                location_note=data.location_note,
                urgency=data.urgency or None,
                preferred_time=data.preferred_time,
            )
        )

    async def again(**kw: Any) -> Response:
        return await _report_page(request, form=data, **kw)

    response = await _refused(request, act, again, f"{_base()}/mine")
    if created:
        return Redirect(f"{_base()}/{created['id']}", status_code=303)
    return response


@get("/mine", guards=[requires("repairs.report")])
async def my_repairs(request: Request) -> Response:
    from plugins.repairs.tables import Repair

    me = caller_id(request)
    rows = (
        await Repair.select()
        .where(await own_repairs_filter(me))
        .order_by(Repair.id, ascending=False)
        .limit(100)
        .run()
    )
    return await render_page(request, "repairs/mine.html", rows=rows, labels=await _labels())


# -- volunteers: my jobs (phone) ------------------------------------------------------------


async def _jobs_page(
    request: Request,
    *,
    status: int = 200,
    field: str | None = None,
    error: str | None = None,
    job: int | None = None,
) -> Response:
    from plugins.repairs.tables import Repair

    member = await member_of_user(caller_id(request))
    mine: list[dict[str, Any]] = []
    open_jobs: list[dict[str, Any]] = []
    if member is not None:
        mine = (
            await Repair.select()
            .where((Repair.assignee_member_id == member["id"]) & Repair.state.is_in(list(OPEN_STATES)))
            .order_by(Repair.due_at)
            .run()
        )
        skills = await skills_of(member["id"])
        usable = [s["skill"] for s in skills if skill_problem(skills, s["skill"], dt.date.today()) is None]
        if usable:
            open_jobs = (
                await Repair.select()
                .where(
                    Repair.assignee_member_id.is_null()
                    & Repair.skill.is_in(usable)
                    & Repair.state.is_in([s for s in OPEN_STATES if s != "in_progress"])
                )
                .order_by(Repair.id)
                .run()
            )
    return await render_page(
        request,
        "repairs/jobs.html",
        status=status,
        member=member,
        mine=mine,
        open_jobs=open_jobs,
        labels=await _labels(),
        field=field,
        error=error,
        job=job,
    )


@get("/jobs", guards=[requires("repairs.work")])
async def jobs_page(request: Request) -> Response:
    return await _jobs_page(request)


async def _me(request: Request) -> dict[str, Any]:
    member = await member_of_user(caller_id(request))
    if member is None:
        raise PermissionDeniedException("you are not on the repair team")
    return member


@post("/jobs/{repair_id:int}/grab", guards=[requires("repairs.work")])
async def grab_form(request: Request, repair_id: FromPath[int]) -> Response:
    async def act() -> None:
        member = await _me(request)
        await dispatch.grab(await visible_repair(request, repair_id), member, user_id=caller_id(request))

    async def again(**kw: Any) -> Response:
        return await _jobs_page(request, job=repair_id, **kw)

    return await _refused(request, act, again, f"{_base()}/jobs")


@dataclass
class WorkForm:
    minutes: str = ""
    materials: str = ""  # one per line: "name, cost in yuan"
    note: str = ""


def _materials(text: str) -> list[dict[str, Any]]:
    items = []
    for line in text.splitlines():
        if not line.strip():
            continue
        name, _, cost = line.replace("，", ",").partition(",")
        items.append({"name": name.strip(), "cost_yuan": _number(cost or "0", "materials")})
    return items


@post("/jobs/{repair_id:int}/work", guards=[requires("repairs.work")])
async def work_form(request: Request, repair_id: FromPath[int], data: Annotated[WorkForm, FORM]) -> Response:
    async def act() -> None:
        member = await _me(request)
        await work.record_work(
            await visible_repair(request, repair_id),
            member_id=member["id"],
            materials=_materials(data.materials),
            minutes=_number(data.minutes, "minutes", int),
            cost_yuan=None,
            note=data.note,
            by_user_id=caller_id(request),
        )

    async def again(**kw: Any) -> Response:
        return await _jobs_page(request, job=repair_id, **kw)

    return await _refused(request, act, again, f"{_base()}/jobs")


@dataclass
class QuoteForm:
    amount_yuan: str = ""
    note: str = ""


@post("/jobs/{repair_id:int}/quote", guards=[requires("repairs.work")])
async def quote_form(
    request: Request, repair_id: FromPath[int], data: Annotated[QuoteForm, FORM]
) -> Response:
    async def act() -> None:
        member = await _me(request)
        repair = await visible_repair(request, repair_id)
        if repair["assignee_member_id"] != member["id"]:
            raise PermissionDeniedException("this job is not yours")
        await costs.quote(repair, _number(data.amount_yuan, "amount_yuan"), data.note)

    async def again(**kw: Any) -> Response:
        return await _jobs_page(request, job=repair_id, **kw)

    return await _refused(request, act, again, f"{_base()}/jobs")


@dataclass
class ReasonForm:
    reason: str = ""


@post("/jobs/{repair_id:int}/decline", guards=[requires("repairs.work")])
async def decline_form(
    request: Request, repair_id: FromPath[int], data: Annotated[ReasonForm, FORM]
) -> Response:
    async def act() -> None:
        member = await _me(request)
        await dispatch.decline(
            await visible_repair(request, repair_id), member, data.reason, user_id=caller_id(request)
        )

    async def again(**kw: Any) -> Response:
        return await _jobs_page(request, job=repair_id, **kw)

    return await _refused(request, act, again, f"{_base()}/jobs")


# -- staff: the team ------------------------------------------------------------------------


async def _team_page(
    request: Request, *, status: int = 200, field: str | None = None, error: str | None = None
) -> Response:
    return await render_page(
        request,
        "repairs/team.html",
        status=status,
        members=await team.roster(),
        skills=team.SKILLS,
        today=dt.date.today(),
        field=field,
        error=error,
    )


@get("/team", guards=[requires("repairs.team")])
async def team_page(request: Request) -> Response:
    return await _team_page(request)


@dataclass
class MemberForm:
    name: str = ""
    phone: str = ""


@post("/team", guards=[requires("repairs.team")])
async def add_member_form(request: Request, data: Annotated[MemberForm, FORM]) -> Response:
    async def act() -> None:
        await team.create_member(name=data.name, phone=data.phone)

    async def again(**kw: Any) -> Response:
        return await _team_page(request, **kw)

    return await _refused(request, act, again, f"{_base()}/team")


@dataclass
class SkillForm:
    member: str = ""
    skill: str = ""
    level: str = "1"
    certificate_no: str = ""
    certificate_expires: str = ""


@post("/team/skills", guards=[requires("repairs.team")])
async def add_skill_form(request: Request, data: Annotated[SkillForm, FORM]) -> Response:
    async def act() -> None:
        member_id = _number(data.member, "member", int)
        expires = None
        if data.certificate_expires.strip():
            try:
                expires = dt.date.fromisoformat(data.certificate_expires.strip())
            except ValueError:
                raise InvalidInput("a date like 2027-06-30", field="certificate_expires") from None
        await team.add_skill(
            member_id,
            skill=data.skill,
            level=_number(data.level, "level", int),
            certificate_no=data.certificate_no,
            certificate_expires=expires,
        )

    async def again(**kw: Any) -> Response:
        return await _team_page(request, **kw)

    return await _refused(request, act, again, f"{_base()}/team")


# -- households: the public accounts of shared-cost projects (公示) ---------------------------


@get("/projects", guards=[requires("repairs.view")])
async def projects_page(request: Request) -> Response:
    from plugins.repairs import projects
    from plugins.repairs.tables import Project

    rows = await Project.select().order_by(Project.id, ascending=False).run()
    if not holds(request, "repairs.projects"):
        rows = [p for p in rows if await projects.concerns(p, caller_id(request))]
    return await render_page(request, "repairs/projects.html", projects=rows)


async def _project(request: Request, project_id: int) -> dict[str, Any]:
    from plugins.repairs import projects

    project = await projects.get_project(project_id)
    if not (holds(request, "repairs.projects") or await projects.concerns(project, caller_id(request))):
        raise NotFound("no such project")
    return project


async def _project_page(
    request: Request,
    project_id: int,
    *,
    status: int = 200,
    field: str | None = None,
    error: str | None = None,
) -> Response:
    from plugins.repairs import projects

    project = await _project(request, project_id)
    accounts = await projects.accounts(project_id)
    receipts = {e["id"]: len(await attachments_of("repairs.expense", e["id"])) for e in accounts["expenses"]}
    manager = holds(request, "repairs.projects")
    return await render_page(
        request,
        "repairs/project.html",
        status=status,
        a=accounts,
        receipts=receipts,
        runs=projects.may_run(project, caller_id(request), manager),
        manager=manager,
        field=field,
        error=error,
        today=dt.date.today(),
    )


@get("/projects/{project_id:int}", guards=[requires("repairs.view")])
async def project_page(request: Request, project_id: FromPath[int]) -> Response:
    return await _project_page(request, project_id)


@dataclass
class MoneyForm:
    dwelling_id: str = ""
    description: str = ""
    amount_yuan: str = ""
    spent_on: str = ""


async def _runnable_project(request: Request, project_id: int) -> dict[str, Any]:
    from plugins.repairs import projects

    project = await _project(request, project_id)
    if not projects.may_run(project, caller_id(request), holds(request, "repairs.projects")):
        raise PermissionDeniedException("only the residents' representative or staff record this")
    return project


@post("/projects/{project_id:int}/collections", guards=[requires("repairs.view")])
async def collection_form(
    request: Request, project_id: FromPath[int], data: Annotated[MoneyForm, FORM]
) -> Response:
    from plugins.repairs import projects

    async def act() -> None:
        project = await _runnable_project(request, project_id)
        await projects.record_collection(
            project,
            _number(data.dwelling_id, "dwelling_id", int),
            _number(data.amount_yuan, "amount_yuan"),
            by_user_id=caller_id(request),
        )

    async def again(**kw: Any) -> Response:
        return await _project_page(request, project_id, **kw)

    return await _refused(request, act, again, f"{_base()}/projects/{project_id}")


@post("/projects/{project_id:int}/expenses", guards=[requires("repairs.view")])
async def expense_form(
    request: Request, project_id: FromPath[int], data: Annotated[MoneyForm, FORM]
) -> Response:
    from plugins.repairs import projects

    async def act() -> None:
        project = await _runnable_project(request, project_id)
        try:
            spent_on = dt.date.fromisoformat(data.spent_on.strip())
        except ValueError:
            raise InvalidInput("a date like 2026-04-01", field="spent_on") from None
        await projects.add_expense(
            project,
            description=data.description,
            amount_yuan=_number(data.amount_yuan, "amount_yuan"),
            spent_on=spent_on,
            by_user_id=caller_id(request),
        )

    async def again(**kw: Any) -> Response:
        return await _project_page(request, project_id, **kw)

    return await _refused(request, act, again, f"{_base()}/projects/{project_id}")


@post("/projects/{project_id:int}/settle", guards=[requires("repairs.projects")])
async def settle_form(request: Request, project_id: FromPath[int]) -> Response:
    from plugins.repairs import projects

    async def act() -> None:
        await projects.settle(await _project(request, project_id), by_user_id=caller_id(request))

    async def again(**kw: Any) -> Response:
        return await _project_page(request, project_id, **kw)

    return await _refused(request, act, again, f"{_base()}/projects/{project_id}")


def pages() -> Pages:
    return Pages(
        handlers=[
            dispatch_list,
            repair_page,
            assign_form,
            confirm_quote_form,
            sign_off_form,
            feedback_form,
            report_page,
            report_form,
            my_repairs,
            jobs_page,
            grab_form,
            work_form,
            decline_form,
            quote_form,
            team_page,
            add_member_form,
            add_skill_form,
            projects_page,
            project_page,
            collection_form,
            expense_form,
            settle_form,
        ],
        templates=Path(__file__).parent / "templates",
    )
