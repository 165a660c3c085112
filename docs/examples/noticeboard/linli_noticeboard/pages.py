"""HTML pages, mounted at /c/{community}/noticeboard/… and drawn inside the core's layout.

The form is a ``core.api.Form``; ``form_post`` parses it, runs ``post_notice``, and either
redirects (303, with a flash message: reloading is safe) or draws the page again with the
reason beside its field and nothing saved.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litestar import Request, Response, get

from core.api import Done, Form, Pages, Refusal, current_tenant, form_post, render_page, requires
from linli_noticeboard import notices


@dataclass
class NoticeForm(Form):
    title: str = ""
    body: str = ""
    category: str = "general"


async def draw(request: Request, form: NoticeForm | None = None, refusal: Refusal | None = None) -> Response:
    return await render_page(
        request,
        "noticeboard/notices.html",
        status=refusal.status if refusal else 200,
        notices=await notices.in_force(),
        form=form or NoticeForm(),
        categories=notices.CATEGORIES,
        field=refusal.field if refusal else None,
        error=refusal.error if refusal else None,
    )


async def redraw(request: Request, form: Any, refusal: Refusal) -> Response:
    return await draw(request, form, refusal)


@get("/", guards=[requires("noticeboard.read")])
async def notices_page(request: Request) -> Response:
    return await draw(request)


@form_post("/", NoticeForm, redraw=redraw, guards=[requires("noticeboard.post")])
async def post_notice(request: Request, form: NoticeForm) -> Done:
    notice = notices.NoticeIn(
        title=form.text("title", required=True, max_length=200),
        body=form.body,
        category=form.choice("category", notices.CATEGORIES),
    )
    await notices.publish(notice, request.user.user_id)
    return Done(f"/c/{current_tenant().slug}/noticeboard", flash=("公告已发布。", "Notice posted."))


def pages() -> Pages:
    return Pages(handlers=[notices_page, post_notice], templates=Path(__file__).parent / "templates")
