"""An id too large for the database names nothing: a 404 like a missing row, never a 500."""

from __future__ import annotations

from typing import Any

from tests.core.test_ui import form_login


async def test_an_id_too_large_for_the_database_is_not_found(make_linli: Any) -> None:
    h = await make_linli(plugins=None)
    await h.office("office-a")
    await h.community("comm-a", office="office-a")
    staff = await h.user(role="community_staff", community="comm-a")
    client, _ = await form_login(h, staff["username"])
    for url in (
        "/c/comm-a/cases/99999999999999999999",
        "/c/comm-a/residents/99999999999",
        "/c/comm-a/register/buildings/2147483648",
    ):
        r = await client.get(url)
        assert r.status_code == 404 and "找不到页面" in r.text, url
    api = await h.login(staff["username"])
    assert (await api.get("/api/v1/c/comm-a/persons/99999999999")).status_code == 404
