"""The per-address limit counts failures only, and every app process sees the same count:
in Redis when the broker is Redis, in the database otherwise."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from core.auth.ratelimit import DatabaseAttempts, RedisAttempts, attempt_limiter
from core.runtime import build_runtime
from core.testing.harness import DEFAULT_PASSWORD
from core.testing.jobs import REDIS_TEST_URL


def test_the_backend_follows_the_broker() -> None:
    assert isinstance(attempt_limiter("redis://127.0.0.1:6379/0", 5), RedisAttempts)
    assert isinstance(attempt_limiter("unix:///var/redis.sock", 5), RedisAttempts)
    assert isinstance(attempt_limiter("amqp://guest@127.0.0.1:5672/", 5), DatabaseAttempts)
    assert isinstance(attempt_limiter("", 5), DatabaseAttempts)


@pytest.mark.parametrize("broker", ["", REDIS_TEST_URL], ids=["database", "redis"])
async def test_failures_from_one_address_are_counted_across_app_processes(
    make_linli: Any, broker: str
) -> None:
    h = await make_linli(plugins=[], login_attempts_per_address=3, broker_url=broker)
    user = await h.user(role="community_staff", community=(await h.community("comm-a"))["slug"])
    # A second app process: its own runtime (own limiter, own connections) on the same settings.
    other = build_runtime(h.runtime.settings, registry=h.runtime.registry, engine=h.runtime.engine)
    address = f"10.0.{uuid.uuid4().int % 250}.7"  # a fresh key, so Redis runs never meet

    for _ in range(10):  # successful logins never count (a shared office address)
        ok = await h.client().post(
            "/api/v1/auth/login", json={"username": user["username"], "password": DEFAULT_PASSWORD}
        )
        assert ok.status_code == 200
    for limiter in (h.runtime.login_limiter, other.login_limiter, h.runtime.login_limiter):
        assert not await limiter.blocked(address)
        await limiter.failed(address)
    assert await other.login_limiter.blocked(address)  # 3 failures, split over two processes
    assert await h.runtime.login_limiter.blocked(address)
    assert not await other.login_limiter.blocked("10.9.9.9")
    await other.login_limiter.close()


async def test_a_locked_account_answers_like_a_wrong_password(make_linli: Any) -> None:
    h = await make_linli(plugins=[], login_max_failures=2)
    user = await h.user(role="community_staff", community=(await h.community("comm-a"))["slug"])
    answers = []
    for password in ("bad-1", "bad-2", DEFAULT_PASSWORD):
        r = await h.client().post(
            "/api/v1/auth/login", json={"username": user["username"], "password": password}
        )
        answers.append((r.status_code, r.json().get("detail")))
    unknown = await h.client().post("/api/v1/auth/login", json={"username": "nobody-here", "password": "x"})
    assert answers[2][0] == 401  # locked, even with the right password
    assert answers[0] == answers[1] == answers[2] == (unknown.status_code, unknown.json().get("detail"))


async def test_with_redis_unreachable_failures_are_counted_in_the_database(make_linli: Any) -> None:
    h = await make_linli(plugins=[], login_attempts_per_address=2, broker_url="redis://127.0.0.1:1/0")
    limiter = h.runtime.login_limiter
    assert isinstance(limiter, RedisAttempts)
    await limiter.failed("10.1.1.1")
    await limiter.failed("10.1.1.1")
    assert await limiter.blocked("10.1.1.1")  # counted where every process sees it: the database
    assert await limiter.fallback.blocked("10.1.1.1")
