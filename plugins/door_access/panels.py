"""The door access panel on a resident's page: live grants, credentials and device sync, in the
page's language, with the way to "why can't they get in?"."""

from __future__ import annotations

from html import escape

from core.api import NotFound, Panel, UserRef

CREDENTIAL_KINDS = {
    "card": ("门卡", "card"),
    "pin": ("密码", "PIN"),
    "qr": ("二维码", "QR code"),
    "face": ("人脸", "face"),
}


async def resident_panel(slug: str, user: UserRef, person_id: int) -> Panel | None:
    from plugins.door_access.callers import access_of

    try:
        access = await access_of(person_id)
    except NotFound:
        return None
    live = [g for g in access["grants"] if g["revoked_at"] is None]
    kinds = [
        user.t(*CREDENTIAL_KINDS.get(c["kind"], (c["kind"], c["kind"])))
        for c in access["credentials"]
        if c["status"] == "active"
    ]
    sync = access["sync"]
    html = (
        f"<p>{escape(user.t(f'通行权限 {len(live)} 项', f'{len(live)} access grant(s)'))} · "
        f"{escape(user.t('凭证', 'Credentials'))}：{escape('、'.join(kinds) or user.t('无', 'none'))}</p>"
        f"<p>{escape(user.t(sync['summary_zh'], sync['summary_en']))}</p>"
        f'<p><a href="/c/{escape(slug)}/door_access/persons/{person_id}">'
        f"{escape(user.t('为什么进不了门？', 'Why can’t they get in?'))}</a></p>"
    )
    return Panel("门禁", "Door access", html, order=40)
