"""HTTP routes, mounted at /api/v1/c/{community}/noticeboard/…"""

from typing import Any

from litestar import Controller, Request, delete, get, post
from litestar.params import FromPath, JSONBody

from core.api import NotFound, requires
from linli_noticeboard import notices


class NoticesController(Controller):
    path = "/notices"

    @get("/", guards=[requires("noticeboard.read")])
    async def in_force(self) -> list[dict[str, Any]]:
        return await notices.in_force()

    @post("/", guards=[requires("noticeboard.post")])
    async def post_notice(self, request: Request, data: JSONBody[notices.NoticeIn]) -> dict[str, Any]:
        return await notices.publish(data, request.user.user_id if request.scope.get("user") else None)

    @delete("/{notice_id:int}", guards=[requires("noticeboard.post")], status_code=200)
    async def withdraw(self, notice_id: FromPath[int]) -> dict[str, Any]:
        from linli_noticeboard.tables import Notice

        if not await Notice.exists().where(Notice.id == notice_id).run():
            raise NotFound("no such notice")
        await Notice.delete().where(Notice.id == notice_id).run()
        return {"id": notice_id, "withdrawn": True}
