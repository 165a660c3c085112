"""Benchmark of uploads: 1 MB files through the API vs direct `put_object` to the same server.

Run:  .venv/bin/python tests/perf/bench_upload.py [--files 60] [--concurrency 4] [--rounds 3]
          [--db sqlite|postgres]

One SeaweedFS (`weed mini`, credentials on) is started on free ports. Linli runs as one uvicorn
process (logging at WARNING) on a fresh database; an httpx client uploads `--files` distinct
1 MB PDFs as multipart, `--concurrency` at a time, with a staff token, to a case — every layer
on: token, tenant, guard, owner check, streaming parse, sniffing, quota, put, stat + checksum
verification, row insert and audit. The baseline is the minio client's `put_object` of the same
payloads to the same server from as many threads. Rounds alternate; medians shown. Figures
replace the "upload" section of docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

MB = 1024 * 1024


def linli_app() -> Any:
    """The uvicorn factory: Linli from LINLI_* variables."""
    from core.app import create_app
    from core.logging import configure_logging
    from core.runtime import build_runtime
    from core.settings import load_settings

    settings = load_settings()
    configure_logging(settings)
    return create_app(build_runtime(settings))


def payloads(n: int) -> list[bytes]:
    return [b"%PDF-1.4\n" + os.urandom(MB - 9) for _ in range(n)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def prepare(settings_overrides: dict[str, Any]) -> tuple[str, int]:
    """A fresh database with one community, a staff token and a case; returns (token, case id)."""
    from core.settings import load_settings
    from core.testing.harness import Harness

    h = await Harness.start(load_settings(environ={}, **settings_overrides))
    try:
        await h.community("bench")
        client = await h.token_client("bench", "community_staff")
        case = (
            await client.post("/api/v1/c/bench/cases", json={"type": "general_request", "title": "基准"})
        ).json()
        return client.headers["Authorization"].split(" ", 1)[1], case["id"]
    finally:
        await h.close()


def start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "bench_upload:linli_app",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    proc = subprocess.Popen(cmd, cwd=Path(__file__).parent, env=env)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("uvicorn did not start")


async def api_round(port: int, token: str, case_id: int, files: list[bytes], concurrency: int) -> float:
    """Seconds to upload every file through the API, `concurrency` at a time."""
    queue = list(enumerate(files))
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", timeout=60, headers={"Authorization": f"Bearer {token}"}
    ) as client:

        async def worker() -> None:
            while queue:
                i, data = queue.pop()
                r = await client.post(
                    "/api/v1/c/bench/attachments",
                    data={"owner_kind": "case", "owner_id": str(case_id), "purpose": "document"},
                    files={"file": (f"f{i}.pdf", data, "application/pdf")},
                )
                if r.status_code != 201:
                    raise SystemExit(f"upload failed: {r.status_code} {r.text[:300]}")

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - started


def direct_round(endpoint: Any, bucket: str, files: list[bytes], concurrency: int) -> float:
    import io

    from minio import Minio

    client = Minio(
        endpoint.endpoint,
        access_key=endpoint.access_key,
        secret_key=endpoint.secret_key,
        secure=False,
        region=endpoint.region,
    )

    def put(data: bytes) -> None:
        client.put_object(
            bucket, f"direct/{uuid.uuid4()}", io.BytesIO(data), len(data), content_type="application/pdf"
        )

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(put, files))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=60)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    from core.files.embedded import EmbeddedS3, WeedPorts

    work = Path(tempfile.mkdtemp(prefix="linli-bench-upload-"))
    weed = EmbeddedS3(ports=WeedPorts.free(), bucket="bench")
    endpoint = weed.start(work / "s3var")
    server = None
    drop = None
    try:
        overrides: dict[str, Any] = {
            "var_dir": str(work / "var"),
            "secret_key": "b" * 40,
            "log_level": "WARNING",
            **endpoint.settings(),
        }
        if args.db == "postgres":
            from core.testing.postgres import fresh_database

            owner_url, app_url, drop = asyncio.run(
                fresh_database("postgresql://postgres@127.0.0.1:5432/postgres")
            )
            overrides.update(database_url=app_url, database_owner_url=owner_url)
        token, case_id = asyncio.run(prepare(overrides))
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env.update(
            {
                f"LINLI_{k.upper()}": str(v).lower() if isinstance(v, bool) else str(v)
                for k, v in overrides.items()
            }
        )
        port = free_port()
        server = start_server(env, port)
        files = payloads(args.files)
        warm = payloads(8)
        asyncio.run(api_round(port, token, case_id, warm, args.concurrency))
        direct_round(endpoint, "bench", warm, args.concurrency)
        api_s, direct_s = [], []
        for _ in range(args.rounds):
            api_s.append(asyncio.run(api_round(port, token, case_id, files, args.concurrency)))
            direct_s.append(direct_round(endpoint, "bench", files, args.concurrency))
        api_mbs = args.files / statistics.median(api_s)
        direct_mbs = args.files / statistics.median(direct_s)
        ratio = api_mbs / direct_mbs
        print(f"API    {api_mbs:7.1f} MB/s  rounds {[round(s, 2) for s in api_s]}")
        print(f"direct {direct_mbs:7.1f} MB/s  rounds {[round(s, 2) for s in direct_s]}")
        print(f"ratio  {ratio:.2f} (target >= 0.7)")
        if not args.no_write:
            write_section(args, api_mbs, direct_mbs, ratio)
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        weed.stop()
        if drop is not None:
            asyncio.run(drop())


def write_section(args: argparse.Namespace, api_mbs: float, direct_mbs: float, ratio: float) -> None:
    section = "\n".join(
        [
            "<!-- bench:upload:start -->",
            "## Uploads: 1 MB files through the API vs direct put_object",
            "",
            f"Measured {dt.date.today():%Y-%m-%d} by `tests/perf/bench_upload.py` on {platform.machine()}, "
            f"{os.cpu_count()} cores; SeaweedFS 4.48 (`weed mini`, credentials on) on localhost, "
            f"{args.db} database; {args.files} distinct 1 MB files per round, {args.concurrency} at a time, "
            f"{args.rounds} rounds alternating, medians shown. One uvicorn process, logging at WARNING.",
            "",
            "| | MB/s | files/s |",
            "|---|---:|---:|",
            f"| minio `put_object`, {args.concurrency} threads | {direct_mbs:.1f} | {direct_mbs:.1f} |",
            f"| Linli `POST …/attachments` (token, tenant, guard, owner check, streamed multipart, sniffing, "
            f"quota, put, MD5 check against the PUT's ETag, row + audit) | {api_mbs:.1f} | {api_mbs:.1f} |",
            "",
            f"Throughput ratio API/direct: **{ratio:.2f}** (target >= 0.7).",
            "<!-- bench:upload:end -->",
        ]
    )
    path = ROOT / "docs" / "performance.md"
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(r"<!-- bench:upload:start -->.*?<!-- bench:upload:end -->", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
