"""The isolation matrix for one plugin, for its own tests: every route the plugin serves, tried
by every kind of caller and tenant — anonymous, a member of another community, a street-office
official of another office, every community role that lacks the route's permission, and the
community's admin where the plugin is switched off.

    async def test_isolation(make_linli):
        h = await make_linli(plugins=["lockers"])
        assert await check_plugin_isolation(h, "lockers") == []

Expected: anonymous → 401 (a page: 303 to the login page); another community or office → 404;
a role without the permission → 403; the plugin switched off → 404; a role holding the
permission is never refused for who it is (not 401/403). Returns the failures, one line each.
"""

from __future__ import annotations

import re
from typing import Any

PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")


def plugin_routes(app: Any, plugin_id: str) -> list[tuple[str, str, str | None]]:
    """(method, path template, permission of its guard) of every route of ``plugin_id``."""
    out = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if handler.opt.get("plugin_id") != plugin_id:
                continue
            guards = [getattr(g, "func", g) for g in handler.resolve_guards()]
            perms = [p for p in (getattr(g, "permission", None) for g in guards) if p]
            for method in sorted(handler.http_methods):
                if method not in ("OPTIONS", "HEAD"):
                    out.append((method, PARAM.sub(r"{\1}", route.path), perms[0] if perms else None))
    return out


async def check_plugin_isolation(h: Any, plugin_id: str) -> list[str]:
    """Walk ``plugin_id``'s routes with every role and tenant; the failures (empty: all held)."""
    await h.office("iso-office-a")
    await h.office("iso-office-b")
    await h.community("iso-a", office="iso-office-a", plugins=[plugin_id])
    await h.community("iso-b", office="iso-office-b", plugins=[plugin_id])
    await h.community("iso-off", office="iso-office-a")  # the plugin is not on here
    roles = h.runtime.roles
    community_roles = sorted(n for n, r in roles.roles.items() if r.scope == "community")
    callers = {
        "anonymous": h.client(),
        "another community's admin": await h.as_role("community_admin", "iso-b"),
        "another office's admin": await h.as_role("office_admin", office="iso-office-b"),
    }
    members = {role: await h.as_role(role, "iso-a") for role in community_roles}
    off_admin = await h.as_role("community_admin", "iso-off")
    failures = []
    for method, template, permission in plugin_routes(h.app, plugin_id):
        if permission is None:
            failures.append(f"{method} {template}: no requires(...) guard names its permission")
            continue

        def url(community: str, template: str = template) -> str:
            return PARAM.sub(lambda m: community if m.group(1) == "community" else "1", template)

        page = not template.startswith("/api/")
        body: dict[str, Any] = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}

        async def status(
            client: Any, community: str, body: dict[str, Any] = body, method: str = method
        ) -> int:
            return (await client.request(method, url(community), **body)).status_code

        checks: list[tuple[str, Any, str, set[int] | None]] = [
            ("anonymous", callers["anonymous"], "iso-a", {303} if page else {401}),
            ("another community's admin", callers["another community's admin"], "iso-a", {404}),
            ("another office's admin", callers["another office's admin"], "iso-a", {404}),
            ("the admin where it is off", off_admin, "iso-off", {404}),
        ]
        for role, client in members.items():
            checks.append((role, client, "iso-a", None if roles.has(role, permission) else {403}))
        for who, client, community, expected in checks:
            got = await status(client, community)
            if expected is None:
                if got in (401, 403):
                    failures.append(
                        f"{who}: {method} {url(community)} -> {got}, but the role holds {permission}"
                    )
            elif got not in expected:
                failures.append(f"{who}: {method} {url(community)} -> {got}, expected {sorted(expected)}")
    return failures
