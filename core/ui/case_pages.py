"""Case pages: a resident (or staff on their behalf) reports a matter, staff move it along, the
resident confirms. Thin: every rule lives in ``core.cases.engine``; these handlers turn forms into
engine calls and engine errors into the form shown again, with the message next to the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect

from core.auth.guards import principal_of, requires
from core.errors import Conflict, InvalidInput, NotFound
from core.runtime import state_of
from core.tenancy.context import current_tenant
from core.ui.chrome import chrome
from core.ui.render import page

FORM = Body(media_type=RequestEncodingType.URL_ENCODED)


def _types(request: Request) -> list[Any]:
    from core.cases.routes import case_types

    return sorted(case_types(state_of(request.app)).values(), key=lambda t: t.name)


@dataclass
class NewCaseForm:
    type: str = ""
    title: str = ""
    description: str = ""


@get("/c/{community:str}/cases/new", guards=[requires("cases.create")])
async def new_case_form(request: Request) -> Response:
    return page(
        request,
        "case_new.html",
        **await chrome(request),
        types=_types(request),
        form=NewCaseForm(type="general_request"),
        error=None,
        field=None,
    )


@post("/c/{community:str}/cases/new", guards=[requires("cases.create")])
async def new_case_submit(request: Request, data: Annotated[NewCaseForm, FORM]) -> Response:
    from core.cases import engine
    from core.cases.routes import case_types

    ui = await chrome(request)
    principal = principal_of(request)
    staff = "cases.manage" in ui["permissions"]
    person_id, dwelling_id = None, None
    if not staff:  # a resident linked to the register reports from their home: grid and place known
        from core.residents.accounts import household_of, person_of_user

        person_id = await person_of_user(principal.user_id)
        home = await household_of(person_id) if person_id is not None else None
        dwelling_id = home["dwelling"] if home else None
    try:
        case = await engine.open_case(
            case_types(state_of(request.app)),
            case_type=data.type,
            title=data.title,
            description=data.description.strip(),
            channel="walk_in" if staff else "app",
            requester_user_id=None if staff else principal.user_id,
            requester_person_id=person_id,
            dwelling_id=dwelling_id,
            acting_user_id=principal.user_id if staff else None,
        )
    except InvalidInput as exc:
        # Re-rendered with the values kept; the 400 rolls the request's transaction back.
        return page(
            request,
            "case_new.html",
            status=400,
            **ui,
            types=_types(request),
            form=data,
            error=str(exc),
            field=exc.field,
        )
    return Redirect(f"/c/{current_tenant().slug}/cases/{case['id']}", status_code=303)


async def _case_view(request: Request, case_id: int, ui: dict[str, Any]) -> dict[str, Any]:
    from core.cases import engine
    from core.cases.routes import may_see_case
    from core.cases.tables import CaseEscalation, CaseNote, CaseTransition
    from core.files.tables import Attachment

    manager = "cases.manage" in ui["permissions"]
    case = await engine.get_case(case_id)
    if not await may_see_case(principal_of(request), current_tenant(), case, manager=manager):
        raise NotFound("no such case")
    notes = CaseNote.select().where(CaseNote.case == case_id)
    if not manager:
        notes = notes.where(CaseNote.visibility == "public")
    history = (
        await CaseTransition.select().where(CaseTransition.case == case_id).order_by(CaseTransition.id).run()
    )
    # Escalations join the history in time order, with their reason (staff's, or "overdue").
    for e in await CaseEscalation.select().where(CaseEscalation.case == case_id).run():
        history.append(
            {
                "at": e["at"],
                "escalation": True,
                "from_level": e["from_level"],
                "to_level": e["to_level"],
                "automatic": e["automatic"],
                "reason": e["reason"] or "",
            }
        )
    history.sort(key=lambda t: t["at"])
    # "to user 7" (the engine's words for an assignment) is shown as the assignee's name.
    assigned = {
        int(t["reason"][8:])
        for t in history
        if t["reason"].startswith("to user ") and t["reason"][8:].isdigit()
    }
    from core.auth.tables import User

    names = (
        {
            u["id"]: u["display_name"] or u["username"]
            for u in await User.select(User.id, User.display_name, User.username)
            .where(User.id.is_in(list(assigned)))
            .run()
        }
        if assigned and manager
        else {}
    )
    return {
        "case": case,
        "who": await _who_and_where(case, ui) if manager else None,
        "manager": manager,
        "allowed": sorted(engine.TRANSITIONS.get(case["state"], ())),
        "notes": await notes.order_by(CaseNote.id).run(),
        "history": history,
        "assignee_names": names,
        "files": await Attachment.select(
            Attachment.id, Attachment.file_name, Attachment.size, Attachment.content_type
        )
        .where(
            (Attachment.owner_kind == "case")
            & (Attachment.owner_id == case_id)
            & Attachment.deleted_at.is_null()
        )
        .order_by(Attachment.id)
        .run(),
        "mine": case["requester_user_id"] == principal_of(request).user_id,
    }


async def _who_and_where(case: dict[str, Any], ui: dict[str, Any]) -> dict[str, Any]:
    """For staff and grid workers: who asked (their phone masked unless the role may see it,
    with a call link when it may), where, and what kind of matter — in words."""
    from core.errors import NotFound as Missing
    from core.residents.identity import mask_phone
    from core.services.register import get_building, get_dwelling, get_person

    out: dict[str, Any] = {"name": "", "phone": "", "call": "", "where": "", "kind": ""}
    if case.get("requester_person_id"):
        try:
            person = await get_person(case["requester_person_id"])
            out["name"] = person.name
            if person.phone:
                sensitive = "residents.view_sensitive" in ui["permissions"]
                out["phone"] = person.phone if sensitive else mask_phone(person.phone)
                out["call"] = person.phone if sensitive else ""
        except Missing:
            out["name"] = ""
    try:
        if case.get("dwelling_id"):
            out["where"] = (await get_dwelling(case["dwelling_id"])).address
        elif case.get("building_id"):
            out["where"] = (await get_building(case["building_id"])).name
    except Missing:
        pass
    if case.get("location_note"):
        out["where"] = f"{out['where']} {case['location_note']}".strip()
    return out


@get("/c/{community:str}/cases/{case_id:int}", guards=[requires("cases.view")])
async def case_page(
    request: Request, case_id: FromPath[int], photo: FromQuery[str | None] = None
) -> Response:
    ui = await chrome(request)
    return page(
        request,
        "case.html",
        **ui,
        **await _case_view(request, case_id, ui),
        error=None,
        photo_failed=photo == "failed",
    )


@dataclass
class ActionForm:
    action: str = ""  # assign_me / feedback; empty with ``to`` set: a transition
    to: str = ""
    reason: str = ""
    outcome: str = ""
    score: int = 0
    body: str = ""
    visibility: str = "internal"
    username: str = ""  # assign to this colleague


@post("/c/{community:str}/cases/{case_id:int}", guards=[requires("cases.view")])
async def case_action(
    request: Request, case_id: FromPath[int], data: Annotated[ActionForm, FORM]
) -> Response:
    from litestar.exceptions import PermissionDeniedException

    from core.cases import engine
    from core.cases.routes import case_types

    ui = await chrome(request)
    view = await _case_view(request, case_id, ui)  # 404 for a case the caller may not see
    types, actor = case_types(state_of(request.app)), principal_of(request).user_id
    try:
        if data.action == "feedback":
            if "cases.feedback" not in ui["permissions"] or not (view["mine"] or view["manager"]):
                raise PermissionDeniedException("only the requester (or staff for them) gives feedback")
            await engine.give_feedback(
                types, case_id, outcome=data.outcome, score=data.score, by_user_id=actor
            )
        elif not view["manager"]:
            raise PermissionDeniedException("this needs the permission 'cases.manage'")
        elif data.action == "assign_me":
            await engine.assign(types, case_id, actor, actor_id=actor)
        elif data.action == "assign":
            from core.services.access import member_by_username

            assignee = await member_by_username(data.username) if data.username.strip() else None
            if assignee is None:
                raise InvalidInput("no member of the community has this user name", field="username")
            await engine.assign(types, case_id, assignee, actor_id=actor)
        elif data.action == "escalate":
            await engine.escalate(types, case_id, reason=data.reason, actor_id=actor)
        elif data.action == "note":
            await engine.add_note(case_id, data.body, data.visibility, author_id=actor)
        elif data.action in ("", "transition") and data.to:
            await engine.transition(types, case_id, data.to, actor_id=actor, reason=data.reason)
        else:
            raise InvalidInput("unknown action", field="action")
    except (InvalidInput, Conflict) as exc:
        status = 400 if isinstance(exc, InvalidInput) else 409
        return page(request, "case.html", status=status, **ui, **view, error=str(exc))
    return Redirect(f"/c/{current_tenant().slug}/cases/{case_id}", status_code=303)


CASE_PAGES = [new_case_form, new_case_submit, case_page, case_action]
