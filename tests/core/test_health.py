"""Readiness names each part a request needs — database, broker, object storage — and answers 503
when one of them is down, against the real services."""

from __future__ import annotations

from typing import Any

import pytest

from core.testing.jobs import REDIS_TEST_URL


async def test_ready_checks_database_broker_and_storage(make_linli: Any, s3_settings: dict[str, Any]) -> None:
    h = await make_linli(plugins=[], broker_url=REDIS_TEST_URL, **s3_settings)
    r = await h.client().get("/health/ready")
    assert r.status_code == 200, r.json()
    assert r.json()["checks"] == {"database": "ok", "broker": "ok", "storage": "ok"}


@pytest.mark.parametrize(
    ("overrides", "down"),
    [
        ({"broker_url": "redis://127.0.0.1:1/0"}, "broker"),
        ({"broker_url": "amqp://guest:guest@127.0.0.1:1/"}, "broker"),
        ({"s3_endpoint": "127.0.0.1:1", "s3_access_key": "k", "s3_secret_key": "s" * 12}, "storage"),
    ],
    ids=["redis down", "rabbitmq down", "storage down"],
)
async def test_ready_is_503_naming_the_part_that_is_down(
    make_linli: Any, overrides: dict[str, Any], down: str
) -> None:
    h = await make_linli(plugins=[], **overrides)
    r = await h.client().get("/health/ready")
    assert r.status_code == 503
    checks = r.json()["checks"]
    assert checks[down].startswith("error: ") and checks["database"] == "ok"


async def test_rabbitmq_counts_as_a_broker_when_it_runs(make_linli: Any) -> None:
    h = await make_linli(plugins=[], broker_url="amqp://guest:guest@127.0.0.1:5672/")
    r = await h.client().get("/health/ready")
    assert r.json()["checks"]["broker"] == "ok"
