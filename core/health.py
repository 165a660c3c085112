"""Liveness and readiness: the first says the process runs, the second that it can serve."""

from __future__ import annotations

from litestar import Request, Response, get

from core.runtime import state_of


@get("/health/live", opt={"public": True}, include_in_schema=False, sync_to_thread=False)
def live() -> dict[str, str]:
    return {"status": "ok"}


@get("/health/ready", opt={"public": True}, include_in_schema=False)
async def ready(request: Request) -> Response:
    runtime = state_of(request.app)
    checks: dict[str, str] = {}
    ok = True
    try:
        await runtime.engine.run_ddl("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # readiness reports, never raises
        checks["database"] = f"error: {type(exc).__name__}"
        ok = False
    quarantined = [q.name for q in runtime.registry.quarantined]
    body = {
        "status": "ok" if ok else "unavailable",
        "checks": checks,
        "plugins": sorted(runtime.registry.plugins),
        "quarantined": quarantined,
    }
    return Response(body, status_code=200 if ok else 503)
