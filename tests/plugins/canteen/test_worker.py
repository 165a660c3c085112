"""The canteen's round through the real job system: the scheduler fires ``canteen.round``, the
fan-out sends it to each community where the canteen is on, and a worker process turns the
standing orders into tomorrow's orders there — and nowhere else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.jobs.queue import current_queue
from core.jobs.scheduler import tick
from core.testing.jobs import WorkerProcess, fresh_broker, settings_env, wait_until
from plugins.canteen.jobs import ROUND
from tests.plugins.canteen.conftest import C, build_world, service_on, tomorrow


async def test_the_scheduled_round_makes_the_orders_in_a_worker(make_linli: Any, tmp_path: Path) -> None:
    w = await build_world(make_linli, broker_url=fresh_broker("redis"), job_heartbeat_seconds=3)
    menu = await w.week()
    wang = await w.sign_up(w.admin, w.wang)
    await w.standing(wang, "dine_in")
    lunch = service_on(menu, tomorrow())
    worker = WorkerProcess(
        settings_env(w.h.runtime.settings, ["canteen"], []), tmp_path / "worker.log"
    ).start()
    try:
        fired = await tick(w.h.runtime, current_queue(), [ROUND])
        assert fired == ["canteen.round"]

        async def made() -> list[Any]:
            return (await w.cook.get(f"{C}/services/{lunch['id']}/orders")).json()

        orders = await wait_until(made, timeout=120, what="the worker to make tomorrow's orders")
        assert [(o["diner.name"], o["source"]) for o in orders] == [("王秀英", "standing")]
        assert "Traceback" not in worker.output()
        # The slot is taken: firing again in the same quarter hour sends nothing.
        assert await tick(w.h.runtime, current_queue(), [ROUND]) == []
    finally:
        worker.stop()
