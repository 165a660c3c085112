"""Browser tests: Debian's chromium driven by Playwright (no browser download), against the app
served by uvicorn on a free port in the test's own event loop. Screenshots go to
``tests/browser/artifacts/`` (kept by CI as test artifacts, not committed)."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = os.environ.get("LINLI_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """The pages talk to the database only through the core: one pass (SQLite) is enough."""
    if os.environ.get("LINLI_TEST_DB") == "postgres":
        skip = pytest.mark.skip(reason="browser tests run in the SQLite pass")
        for item in items:
            if "tests/browser" in str(item.fspath):
                item.add_marker(skip)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def served(make_linli: Any, s3_settings: dict[str, Any]) -> AsyncIterator[tuple[Any, str]]:
    """(harness, base URL) of a Linli with every installed plugin and real S3, over real HTTP."""
    h = await make_linli(plugins=None, **s3_settings)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(h.app, host="127.0.0.1", port=port, log_config=None, access_log=False, lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    yield h, f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        reason = f"no chromium at {CHROMIUM}: apt-get install chromium (infra/browser.sh)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)  # in CI a missing browser is a failure, not a skip
        pytest.skip(reason)
    ARTIFACTS.mkdir(exist_ok=True)
    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        await b.close()


async def log_in(
    browser: Any, base: str, username: str, *, lands: str, viewport: dict[str, int] | None = None
) -> Any:
    """A new page, logged in through the form as ``username``, arrived at ``lands``."""
    from core.testing.harness import DEFAULT_PASSWORD

    page = await browser.new_page(viewport=viewport or {"width": 1280, "height": 800})
    await page.goto(f"{base}/login")
    await page.get_by_label("用户名或手机号").fill(username)
    await page.get_by_label("密码").fill(DEFAULT_PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url(f"{base}{lands}")
    return page
