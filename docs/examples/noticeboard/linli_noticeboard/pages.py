"""HTML pages, mounted at /c/{community}/noticeboard/… and drawn inside the core's layout."""

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect

from core.api import InvalidInput, Pages, current_tenant, render_page, requires
from linli_noticeboard import notices


@dataclass
class NoticeForm:
    title: str = ""
    body: str = ""
    category: str = "general"


@get("/", guards=[requires("noticeboard.read")])
async def notices_page(request: Request) -> Response:
    return await render_page(
        request,
        "noticeboard/notices.html",
        notices=await notices.in_force(),
        form=NoticeForm(),
        categories=notices.CATEGORIES,
    )


@post("/", guards=[requires("noticeboard.post")])
async def post_notice(
    request: Request, data: Annotated[NoticeForm, Body(media_type=RequestEncodingType.URL_ENCODED)]
) -> Response:
    try:
        await notices.publish(
            notices.NoticeIn(title=data.title, body=data.body, category=data.category), request.user.user_id
        )
    except InvalidInput as exc:
        # The form comes back with the error beside its field and the values kept; nothing saved.
        return await render_page(
            request,
            "noticeboard/notices.html",
            status=400,
            notices=await notices.in_force(),
            form=data,
            categories=notices.CATEGORIES,
            field=exc.field,
            error=str(exc),
        )
    return Redirect(f"/c/{current_tenant().slug}/noticeboard", status_code=303)


def pages() -> Pages:
    return Pages(handlers=[notices_page, post_notice], templates=Path(__file__).parent / "templates")
