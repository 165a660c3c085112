"""Every page a community's staff open shows words, not codes: the visible text of each page
(tags, attributes and scripts removed) holds no vocabulary code like ``dine_in`` or
``in_progress`` and no developer English refusal. Pages are found from the running app: every
GET page route of the core and the plugins, its ids filled from a small community."""

from __future__ import annotations

import html
import re
from typing import Any

PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")
# Any lower-case ASCII word in a Chinese page's visible text is a code or developer English
# (``dine_in``, ``normal``, ``in_progress``, ``no such person``), except these.
WORD = re.compile(r"\b[a-z][a-z_]{2,}\b")
ALLOWED = {"comm", "csv", "xlsx", "pdf", "http"}  # the community's slug "comm-a", file kinds, "http://…"


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(page)


async def test_no_page_shows_a_code_where_a_word_belongs(make_linli: Any) -> None:
    h = await make_linli(plugins=["repairs", "door_access", "mediation", "canteen"])
    await h.community("comm-a", plugins=["repairs", "door_access", "mediation", "canteen"])
    admin = await h.as_role("community_admin", "comm-a")
    person = await h.resident(
        "comm-a", "王秀英", building="3栋", dwelling="201", categories=["elderly_alone"]
    )
    case = (
        await admin.post("/api/v1/c/comm-a/cases", json={"type": "general_request", "title": "路灯坏了"})
    ).json()
    diner = (
        await admin.post(
            "/api/v1/c/comm-a/canteen/diners", json={"person_id": person["id"], "eats": "delivered"}
        )
    ).json()
    # A few records, so the lists draw their rows: a route with a stop, a door, a repair team member.
    route = (await admin.post("/api/v1/c/comm-a/canteen/routes", json={"name": "一线"})).json()
    await admin.post(f"/api/v1/c/comm-a/canteen/routes/{route['id']}/stops", json={"diner_id": diner["id"]})
    await admin.put(
        f"/api/v1/c/comm-a/canteen/diners/{diner['id']}/standing",
        json={"weekdays": [0, 1, 2], "how": "delivered"},
    )
    await admin.post(
        "/api/v1/c/comm-a/door_access/points",
        json={"name": "3栋 单元门", "kind": "building", "building_id": person["building_id"]},
    )
    await admin.post("/api/v1/c/comm-a/repairs/team", json={"name": "刘师傅"})
    # A repair for her home: the register's pages draw the repairs panel with it.
    r = await admin.post(
        "/api/v1/c/comm-a/repairs",
        json={
            "category": "water_pipe",
            "location": "dwelling",
            "dwelling_id": person["dwelling_id"],
            "description": "水管漏水",
            "requester_person_id": person["id"],
        },
    )
    assert r.status_code == 201, r.text
    panel = await admin.get(f"/c/comm-a/residents/{person['id']}")
    assert "水管" in panel.text  # the repairs panel names the kind of repair in words
    values = {
        "community": "comm-a",
        "person_id": str(person["id"]),
        "building_id": str(person["building_id"]),
        "dwelling_id": str(person["dwelling_id"]),
        "case_id": str(case["id"]),
        "diner_id": str(diner["id"]),
    }
    resident_user = await h.user(role="resident", community="comm-a")
    await h.link_resident("comm-a", person["id"], resident_user)
    callers = {
        "staff": admin,
        "resident": await h.login(resident_user["username"]),
        "cook": await h.as_role("canteen_cook", "comm-a"),
        "grid worker": await h.as_role("grid_worker", "comm-a"),
    }
    shown: list[str] = []
    visited = 0
    for who, client in callers.items():
        visited += await walk(h, client, who, values, shown)
    assert visited >= 50, visited  # the walk really went through the pages
    assert shown == [], "\n".join(shown)


async def walk(h: Any, client: Any, who: str, values: dict[str, str], shown: list[str]) -> int:
    visited = 0
    for route in h.app.routes:
        path = PARAM.sub(r"{\1}", route.path)
        if not path.startswith("/c/{community}") or "GET" not in getattr(route, "methods", set()):
            continue
        names = PARAM.findall(route.path)
        if any(n not in values for n in names):
            continue  # a page of a record this community does not have
        url = PARAM.sub(lambda m: values[m.group(1)], route.path)
        r = await client.get(url)
        if r.status_code != 200 or "text/html" not in r.headers.get("content-type", ""):
            continue
        visited += 1
        codes = sorted(set(WORD.findall(visible_text(r.text))) - ALLOWED)
        if codes:
            shown.append(f"{who} {url}: {codes}")
    return visited


async def test_a_refused_form_says_why_in_chinese(make_linli: Any) -> None:
    """Every page form posted empty: a refusal (400/409) is drawn in Chinese, the reason in words."""
    h = await make_linli(plugins=["repairs", "door_access", "mediation", "canteen"])
    await h.community("comm-a", plugins=["repairs", "door_access", "mediation", "canteen"])
    admin = await h.as_role("community_admin", "comm-a")
    person = await h.resident("comm-a", "王秀英", building="3栋", dwelling="201")
    api = "/api/v1/c/comm-a"
    diner = (await admin.post(f"{api}/canteen/diners", json={"person_id": person["id"]})).json()
    case = (await admin.post(f"{api}/cases", json={"type": "general_request", "title": "路灯坏了"})).json()
    route = (await admin.post(f"{api}/canteen/routes", json={"name": "一线"})).json()
    point = (await admin.post(f"{api}/door_access/points", json={"name": "大门", "kind": "gate"})).json()
    member = (await admin.post(f"{api}/repairs/team", json={"name": "刘师傅"})).json()
    grid = (await admin.post(f"{api}/grids", json={"name": "第一网格"})).json()
    repair = (
        await admin.post(
            f"{api}/repairs/repairs" if False else f"{api}/repairs",
            json={
                "category": "stair_lights",
                "location": "common",
                "building_id": person["building_id"],
                "description": "楼道灯坏了",
            },
        )
    ).json()
    values = {
        "community": "comm-a",
        "person_id": str(person["id"]),
        "building_id": str(person["building_id"]),
        "dwelling_id": str(person["dwelling_id"]),
        "residency_id": str(person["residency_id"]),
        "diner_id": str(diner["id"]),
        "case_id": str(case["id"]),
        "route_id": str(route["id"]),
        "point_id": str(point["id"]),
        "member_id": str(member["id"]),
        "grid_id": str(grid["id"]),
        "repair_id": str(repair.get("id", 0)),
    }
    found: list[str] = []
    refused = 0
    for route in h.app.routes:
        path = PARAM.sub(r"{\1}", route.path)
        if not path.startswith("/c/{community}") or "POST" not in getattr(route, "methods", set()):
            continue
        names = PARAM.findall(route.path)
        if any(n not in values for n in names) or path.endswith(("/erase", "/logout")):
            continue
        url = PARAM.sub(lambda m: values[m.group(1)], route.path)
        r = await admin.post(url, data={})
        if r.status_code not in (400, 409) or "text/html" not in r.headers.get("content-type", ""):
            continue
        refused += 1
        words = sorted(set(WORD.findall(visible_text(r.text))) - ALLOWED)
        if words:
            found.append(f"{url}: {words}")
    assert refused >= 10, refused
    assert found == [], "\n".join(found)
