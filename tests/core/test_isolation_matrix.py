"""The isolation matrix: every route the app serves, tried by every kind of outsider.

Routes are enumerated from the running app itself (core and every installed plugin), so a new
route without an entry in ``ACCESS`` fails this test until someone decides who may call it.

Entry kinds:
  public            anyone
  self              any logged-in user (their own account)
  platform          platform administrators only; everyone else gets 404
  office:<perm>     street-office routes guarded by ``requires_office(perm)``
  community:<perm>  community routes guarded by ``requires(perm)``
Expected outcomes: anonymous -> 401 (a page: 303 to the login page); a member of another
community/office -> 404; a resident of this community -> 403 unless residents hold the permission.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from core.app import OPENAPI_PATH

ACCESS: dict[str, str] = {
    # Pages (core/ui): an anonymous caller is sent to the login page (303) instead of a 401.
    "GET /": "public",
    "GET /login": "public",
    "POST /login": "public",
    "POST /logout": "self",
    "GET /lang/{code}": "public",
    "GET /large-text/{on}": "public",
    "GET /static/{file_path}": "public",
    "GET /c/{community}": "community:community.view",
    "GET /c/{community}/residents": "community:residents.view",
    "GET /c/{community}/register/import": "community:residents.import",
    "POST /c/{community}/register/import": "community:residents.import",
    "GET /c/{community}/residents/{person_id}": "community:residents.view",
    "POST /c/{community}/residents/{person_id}/move-out/{residency_id}": "community:residents.edit",
    "GET /c/{community}/cases": "community:cases.view",
    "POST /c/{community}/register/buildings": "community:places.edit",
    "POST /c/{community}/residents/{person_id}/account/password": "community:residents.accounts",
    "POST /c/{community}/residents/{person_id}/invitations/{invitation_id}/cancel": "community:residents.accounts",
    "GET /c/{community}/register": "community:residents.view",
    "GET /c/{community}/register/buildings/{building_id}": "community:residents.view",
    "GET /c/{community}/register/dwellings/{dwelling_id}": "community:residents.view",
    "GET /c/{community}/residents/new": "community:residents.edit",
    "POST /c/{community}/residents/new": "community:residents.edit",
    "GET /c/{community}/residents/{person_id}/edit": "community:residents.edit",
    "POST /c/{community}/residents/{person_id}/edit": "community:residents.edit",
    "GET /c/{community}/residents/{person_id}/move-in": "community:residents.edit",
    "POST /c/{community}/residents/{person_id}/move-in": "community:residents.edit",
    "POST /c/{community}/residents/{person_id}/vulnerabilities": "community:residents.edit",
    "POST /c/{community}/residents/{person_id}/vulnerabilities/{vulnerability_id}": "community:residents.edit",
    "GET /c/{community}/members": "community:members.view",
    "POST /c/{community}/members": "community:members.manage",
    "POST /c/{community}/members/{membership_id}/remove": "community:members.manage",
    "GET /c/{community}/password": "community:community.view",
    "POST /c/{community}/password": "community:community.view",
    "GET /c/{community}/join": "public",
    "POST /c/{community}/join": "public",
    "GET /c/{community}/home": "community:household.view_own",
    "POST /c/{community}/residents/{person_id}/account": "community:residents.accounts",
    "POST /c/{community}/residents/{person_id}/invitations": "community:residents.accounts",
    "GET /c/{community}/residents/{person_id}/invitations": "community:residents.accounts",
    "GET /o/{office}": "office:office.view",
    "POST /o/{office}/policies/{plugin_id}": "office:office.manage",
    "GET /c/{community}/grids": "community:grids.view",
    "GET /c/{community}/files/{attachment_id}": "community:attachments.view",
    "POST /c/{community}/grids": "community:grids.manage",
    "POST /c/{community}/grids/{grid_id}/places": "community:grids.manage",
    "POST /c/{community}/grids/{grid_id}/people": "community:grids.manage",
    "POST /o/{office}/policies/{plugin_id}/settings": "office:office.manage",
    "GET /o/{office}/c/{community}": "office:office.drill_down",
    "GET /c/{community}/visits": "community:visits.record",
    "GET /c/{community}/visits/{person_id}": "community:visits.record",
    "POST /c/{community}/visits/{person_id}": "community:visits.record",
    "GET /c/{community}/modules": "community:plugins.view",
    "POST /c/{community}/modules/{plugin_id}": "community:plugins.manage",
    "POST /c/{community}/modules/{plugin_id}/settings": "community:plugins.manage",
    "GET /c/{community}/cases/new": "community:cases.create",
    "POST /c/{community}/cases/new": "community:cases.create",
    "GET /c/{community}/cases/{case_id}": "community:cases.view",
    "POST /c/{community}/cases/{case_id}": "community:cases.view",
    # door_access: devices authenticate their pushes by HMAC signature, not as users.
    "POST /api/v1/c/{community}/door_access/devices/{device_id}/events": "public",
    "GET /health/live": "public",
    "GET /health/ready": "public",
    "POST /api/v1/auth/login": "public",
    "POST /api/v1/auth/logout": "self",
    "GET /api/v1/auth/me": "self",
    "GET /api/v1/offices": "platform",
    "POST /api/v1/offices": "platform",
    "GET /api/v1/o/{office}": "office:office.view",
    "PATCH /api/v1/o/{office}": "office:office.manage",
    "GET /api/v1/o/{office}/communities": "office:office.view",
    "POST /api/v1/o/{office}/communities": "office:office.manage",
    "GET /api/v1/o/{office}/plugin-policies": "office:office.view",
    "PUT /api/v1/o/{office}/plugin-policies/{plugin_id}": "office:office.manage",
    "PUT /api/v1/o/{office}/plugin-policies/{plugin_id}/settings": "office:office.manage",
    "GET /api/v1/o/{office}/report": "office:office.view",
    "GET /api/v1/c/{community}": "community:community.view",
    "PATCH /api/v1/c/{community}": "community:community.edit",
    "POST /api/v1/c/{community}/archive": "community:community.archive",
    "GET /api/v1/c/{community}/plugins": "community:plugins.view",
    "PUT /api/v1/c/{community}/plugins/{plugin_id}": "community:plugins.manage",
    "GET /api/v1/c/{community}/audit": "community:audit.view",
    "GET /api/v1/c/{community}/events/deliveries": "community:events.view",
    "POST /api/v1/c/{community}/events/deliveries/{delivery_id}/retry": "community:events.view",
    "GET /api/v1/jobs/dead": "platform",
    "POST /api/v1/jobs/dead/{dead_id}/retry": "platform",
    "GET /api/v1/c/{community}/jobs/dead": "community:events.view",
    "POST /api/v1/c/{community}/jobs/dead/{dead_id}/retry": "community:events.view",
    "GET /api/v1/c/{community}/jobs/runs/{run_id}": "community:residents.view",
    "GET /api/v1/c/{community}/jobs/runs/{run_id}/download": "community:residents.view",
    "POST /api/v1/c/{community}/register/export-jobs": "community:residents.export",
    "GET /api/v1/c/{community}/members": "community:members.view",
    "POST /api/v1/c/{community}/members": "community:members.manage",
    "DELETE /api/v1/c/{community}/members/{membership_id}": "community:members.manage",
    "GET /api/v1/c/{community}/tokens": "community:tokens.manage",
    "POST /api/v1/c/{community}/tokens": "community:tokens.manage",
    "DELETE /api/v1/c/{community}/tokens/{key_id}": "community:tokens.manage",
    # The register
    "GET /api/v1/c/{community}/compounds": "community:residents.view",
    "POST /api/v1/c/{community}/compounds": "community:places.edit",
    "GET /api/v1/c/{community}/buildings": "community:residents.view",
    "POST /api/v1/c/{community}/buildings": "community:places.edit",
    "GET /api/v1/c/{community}/buildings/{building_id}": "community:residents.view",
    "POST /api/v1/c/{community}/buildings/{building_id}/units": "community:places.edit",
    "GET /api/v1/c/{community}/buildings/{building_id}/dwellings": "community:residents.view",
    "POST /api/v1/c/{community}/dwellings": "community:places.edit",
    "GET /api/v1/c/{community}/dwellings/{dwelling_id}": "community:residents.view",
    "PATCH /api/v1/c/{community}/dwellings/{dwelling_id}": "community:places.edit",
    "GET /api/v1/c/{community}/persons": "community:residents.view",
    "POST /api/v1/c/{community}/persons": "community:residents.edit",
    "GET /api/v1/c/{community}/persons/{person_id}": "community:residents.view",
    "PATCH /api/v1/c/{community}/persons/{person_id}": "community:residents.edit",
    "POST /api/v1/c/{community}/persons/{person_id}/move-in": "community:residents.edit",
    "POST /api/v1/c/{community}/persons/{person_id}/emergency-contacts": "community:residents.edit",
    "POST /api/v1/c/{community}/persons/{person_id}/proxies": "community:residents.edit",
    "POST /api/v1/c/{community}/persons/{person_id}/vulnerabilities": "community:residents.edit",
    "GET /api/v1/c/{community}/persons/{person_id}/privacy-export": "community:residents.privacy",
    "POST /api/v1/c/{community}/persons/{person_id}/erase": "community:residents.privacy",
    "POST /api/v1/c/{community}/residencies/{residency_id}/move-out": "community:residents.edit",
    "PATCH /api/v1/c/{community}/vulnerabilities/{vulnerability_id}": "community:residents.edit",
    "POST /api/v1/c/{community}/persons/{person_id}/account": "community:residents.accounts",
    "POST /api/v1/c/{community}/persons/{person_id}/invitations": "community:residents.accounts",
    "POST /api/v1/c/{community}/join": "public",
    "GET /api/v1/c/{community}/me/household": "community:household.view_own",
    "GET /api/v1/c/{community}/register/import-template": "community:residents.import",
    "POST /api/v1/c/{community}/register/import": "community:residents.import",
    "GET /api/v1/c/{community}/register/export.xlsx": "community:residents.export",
    # >>> grids and visits
    "GET /api/v1/c/{community}/grids": "community:grids.view",
    "POST /api/v1/c/{community}/grids": "community:grids.manage",
    "GET /api/v1/c/{community}/grids/figures": "community:grids.view",
    "GET /api/v1/c/{community}/grids/{grid_id}": "community:grids.view",
    "POST /api/v1/c/{community}/grids/{grid_id}/places": "community:grids.manage",
    "POST /api/v1/c/{community}/grids/{grid_id}/assignments": "community:grids.manage",
    "GET /api/v1/c/{community}/visits/due": "community:visits.record",
    "POST /api/v1/c/{community}/visits": "community:visits.record",
    "GET /api/v1/c/{community}/visits": "community:visits.record",
    "POST /api/v1/c/{community}/visits/plans/generate": "community:grids.manage",
    "GET /api/v1/c/{community}/visits/frequency": "community:visits.record",
    "POST /api/v1/c/{community}/visits/frequency": "community:grids.manage",
    # <<< grids and visits
    # >>> cases
    "POST /api/v1/c/{community}/cases": "community:cases.create",
    "GET /api/v1/c/{community}/cases": "community:cases.view",
    "GET /api/v1/c/{community}/cases/figures": "community:cases.manage",
    "GET /api/v1/c/{community}/cases/types": "community:cases.view",
    "GET /api/v1/c/{community}/cases/sla": "community:cases.manage",
    "POST /api/v1/c/{community}/cases/sla": "community:cases.configure",
    "GET /api/v1/c/{community}/cases/{case_id}": "community:cases.view",
    "POST /api/v1/c/{community}/cases/{case_id}/transition": "community:cases.manage",
    "POST /api/v1/c/{community}/cases/{case_id}/assign": "community:cases.manage",
    "POST /api/v1/c/{community}/cases/{case_id}/escalate": "community:cases.manage",
    "POST /api/v1/c/{community}/cases/{case_id}/notes": "community:cases.manage",
    "POST /api/v1/c/{community}/cases/{case_id}/feedback": "community:cases.feedback",
    # <<< cases
    # >>> files
    "POST /api/v1/c/{community}/attachments": "community:attachments.upload",
    "GET /api/v1/c/{community}/attachments": "community:attachments.view",
    "GET /api/v1/c/{community}/attachments/{attachment_id}": "community:attachments.view",
    "DELETE /api/v1/c/{community}/attachments/{attachment_id}": "community:attachments.upload",
    "GET /api/v1/c/{community}/storage": "community:storage.view",
    "PUT /api/v1/c/{community}/storage": "community:storage.manage",
    # <<< files
}

PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")


def app_routes(app: Any) -> list[tuple[str, str, Any]]:
    """(method, path template, handler) for every route, without litestar's own OPTIONS."""
    out = []
    for route in app.routes:
        if route.path.startswith(OPENAPI_PATH):
            continue
        for handler in getattr(route, "route_handlers", []):
            for method in sorted(handler.http_methods):
                if method in ("OPTIONS", "HEAD"):
                    continue
                out.append((method, PARAM.sub(r"{\1}", route.path), handler))
    return out


def guards_of(handler: Any) -> list[Any]:
    """The guard functions as declared (litestar wraps sync guards in AsyncCallable)."""
    return [getattr(g, "func", g) for g in handler.resolve_guards()]


def plugin_access(method: str, path: str, handler: Any) -> str | None:
    """Plugin routes declare their permission on their guard; the matrix reads it from there."""
    if "plugin_id" not in handler.opt:
        return None
    perms = [getattr(g, "permission", None) for g in guards_of(handler)]
    perms = [p for p in perms if p]
    return f"community:{perms[0]}" if perms else None


@pytest.fixture
async def world(make_linli):
    h = await make_linli(plugins=None)  # every installed plugin
    await h.office("office-a")
    await h.office("office-b")
    await h.community("comm-a", office="office-a")
    await h.community("comm-b", office="office-b")
    for plugin in h.runtime.registry.community_plugins():
        await h.enable("comm-a", plugin.id)
        await h.enable("comm-b", plugin.id)
    admin_a = await h.as_role("community_admin", "comm-a")
    # Real objects of comm-a, so id-bearing routes are tried against things that exist.
    token = (await admin_a.post("/api/v1/c/comm-a/tokens", json={"name": "t", "role": "resident"})).json()
    members = (await admin_a.get("/api/v1/c/comm-a/members")).json()
    plugin_id = next(iter(h.runtime.registry.plugins), "noticeboard")
    values = {
        "office": "office-a",
        "community": "comm-a",
        "plugin_id": plugin_id,
        "key_id": token["key_id"],
        "membership_id": str(members[0]["id"]),
        "delivery_id": "1",
    }
    callers = {
        "anonymous": h.client(),
        "other_community": await h.as_role("community_admin", "comm-b"),
        "other_office": await h.as_role("office_admin", office="office-b"),
        "resident": await h.as_role("resident", "comm-a"),
    }
    return h, values, callers


async def register_objects(admin: Any) -> dict[str, str]:
    """A building, a dwelling, a resident living there with a vulnerability: ids for the routes."""
    base = "/api/v1/c/comm-a"
    building = (
        await admin.post(
            f"{base}/buildings", json={"name": "8栋", "floors": 6, "units": 2, "dwellings_per_floor": 2}
        )
    ).json()
    dwellings = (await admin.get(f"{base}/buildings/{building['id']}/dwellings")).json()
    person = (await admin.post(f"{base}/persons", json={"name": "张桂兰"})).json()
    residency = (
        await admin.post(
            f"{base}/persons/{person['id']}/move-in",
            json={"dwelling_id": dwellings[0]["id"], "start_date": "2020-01-01"},
        )
    ).json()
    vuln = (
        await admin.post(
            f"{base}/persons/{person['id']}/vulnerabilities", json={"category": "elderly_alone", "tier": 1}
        )
    ).json()
    return {
        "building_id": str(building["id"]),
        "dwelling_id": str(dwellings[0]["id"]),
        "person_id": str(person["id"]),
        "residency_id": str(residency["id"]),
        "vulnerability_id": str(vuln["id"]),
    }


def fill(path: str, values: dict[str, str]) -> str:
    return PARAM.sub(lambda m: values.get(m.group(1), "1"), path)


async def call(client: Any, method: str, url: str) -> int:
    kwargs: dict[str, Any] = {}
    if method in ("POST", "PUT", "PATCH"):
        kwargs["json"] = {}
    response = await client.request(method, url, **kwargs)
    return response.status_code


async def test_every_route_has_an_entry(world):
    h, _, _ = world
    missing = []
    for method, path, handler in app_routes(h.app):
        key = f"{method} {path}"
        if key not in ACCESS and plugin_access(method, path, handler) is None:
            missing.append(key)
    assert not missing, f"routes with no isolation entry (add them to ACCESS): {missing}"


async def test_declared_guards_match_the_matrix(world):
    h, _, _ = world
    for method, path, handler in app_routes(h.app):
        kind = ACCESS.get(f"{method} {path}") or plugin_access(method, path, handler)
        assert kind is not None
        guards = guards_of(handler)
        if kind == "public":
            assert handler.opt.get("public") and not guards, f"{method} {path} should be public"
            continue
        names = [getattr(g, "__name__", "") for g in guards]
        if kind == "platform":
            assert "platform_admin" in names, f"{method} {path}: {names}"
        elif kind == "self":
            assert "authenticated" in names, f"{method} {path}: {names}"
        else:
            scope, perm = kind.split(":", 1)
            expected = f"requires_office[{perm}]" if scope == "office" else f"requires[{perm}]"
            assert expected in names, f"{method} {path}: expected {expected}, has {names}"


async def test_outsiders_are_refused_everywhere(world):
    h, values, callers = world
    roles = h.runtime.roles
    failures = []
    for method, path, handler in app_routes(h.app):
        kind = ACCESS.get(f"{method} {path}") or plugin_access(method, path, handler)
        if kind in ("public", None):
            continue
        url = fill(path, values)
        page = not path.startswith(("/api/", "/health"))
        expectations: dict[str, set[int]] = {"anonymous": {303} if page else {401}}
        if kind == "platform":
            expectations.update(other_community={404}, other_office={404}, resident={404})
        elif kind.startswith("community:"):
            perm = kind.split(":", 1)[1]
            expectations.update(other_community={404}, other_office={404})
            if not roles.has("resident", perm):
                expectations["resident"] = {403}
        elif kind.startswith("office:"):
            expectations.update(other_community={404}, other_office={404}, resident={404})
        for caller, allowed in expectations.items():
            status = await call(callers[caller], method, url)
            if status not in allowed:
                failures.append(f"{caller}: {method} {url} -> {status}, expected {sorted(allowed)}")
    assert not failures, "\n".join(failures)


async def test_another_communitys_object_is_indistinguishable_from_a_missing_one(world):
    h, values, _ = world
    admin_b = await h.as_role("community_admin", "comm-b")
    foreign = await admin_b.delete(f"/api/v1/c/comm-b/tokens/{values['key_id']}")
    missing = await admin_b.delete("/api/v1/c/comm-b/tokens/0000000000000000")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    foreign = await admin_b.delete(f"/api/v1/c/comm-b/members/{values['membership_id']}")
    missing = await admin_b.delete("/api/v1/c/comm-b/members/999999")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    # And an unknown community answers exactly like one the caller does not belong to.
    unknown = await admin_b.get("/api/v1/c/no-such-community")
    other = await admin_b.get("/api/v1/c/comm-a")
    assert unknown.status_code == other.status_code == 404
