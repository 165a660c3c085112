"""The register export as a job: started over HTTP, run by a real worker, the file from S3."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import httpx
from python_calamine import CalamineWorkbook

from core.testing.jobs import WorkerProcess, fresh_broker, settings_env, wait_until


async def test_a_large_export_runs_as_a_job_with_progress_and_a_private_file(
    make_linli: Any, s3_settings: dict[str, Any], tmp_path: Path
) -> None:
    h = await make_linli(plugins=[], broker_url=fresh_broker("redis"), **s3_settings)
    await h.office()
    await h.community("east")
    for n, name in enumerate(["张桂兰", "李建国", "王秀英"]):
        await h.resident("east", name, id_number=None, phone=f"1380000000{n}")
    worker = WorkerProcess(settings_env(h.runtime.settings, [], []), tmp_path / "worker.log").start()
    try:
        staff = await h.as_role("community_staff", "east")
        r = await staff.post("/api/v1/c/east/register/export-jobs")
        assert r.status_code == 202, r.text
        run = r.json()
        assert run["status"] == "queued" and run["poll"].endswith(f"/jobs/runs/{run['id']}")
        early = await staff.get(f"/api/v1/c/east/jobs/runs/{run['id']}/download")
        assert early.status_code in (200, 409)  # 409 "no file yet" unless the worker was quicker

        async def done() -> dict[str, Any] | None:
            body = (await staff.get(run["poll"])).json()
            assert body["status"] != "failed", body
            return body if body["status"] == "done" else None

        finished = await wait_until(done, timeout=60, what="the export job")
        assert finished["progress"] == 100 and finished["detail"] == "3 rows"

        link = (await staff.get(f"/api/v1/c/east/jobs/runs/{run['id']}/download")).json()
        assert link["file_name"].startswith("east-register-") and link["disposition"] == "attachment"
        async with httpx.AsyncClient() as client:
            got = await client.get(link["url"])
        assert got.status_code == 200
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(got.content)).get_sheet_by_index(0).to_python()
        names = {row[0] for row in sheet[1:]}
        assert {"张桂兰", "李建国", "王秀英"} <= names
        assert not any("13800000001" in str(cell) for row in sheet for cell in row)  # masked

        # Another staff member of the community cannot see someone else's export; other
        # communities cannot see it at all.
        other = await h.as_role("community_staff", "east")
        assert (await other.get(run["poll"])).status_code == 404
        assert (await other.get(f"/api/v1/c/east/jobs/runs/{run['id']}/download")).status_code == 404
        await h.community("west")
        west = await h.as_role("community_admin", "west")
        assert (await west.get(f"/api/v1/c/west/jobs/runs/{run['id']}")).status_code == 404
    finally:
        worker.stop()
