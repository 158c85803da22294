"""Real servers for integration tests. Without them a test skips with a visible reason; with
JJJ_REQUIRE_SERVICES=1 (set by .ci/run) the skip becomes a failure, so CI cannot pass without them."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.db import connection

REQUIRED = os.environ.get("JJJ_REQUIRE_SERVICES") == "1"


def _unavailable(reason: str):
    if REQUIRED:
        pytest.fail(f"JJJ_REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def redis_url() -> str:
    url = settings.REDIS_URL
    if not url:
        _unavailable("REDIS_URL is not set: no real Redis for this test")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as exc:  # any failure to reach it is the same answer
        _unavailable(f"Redis at {url} is not reachable: {exc}")
    return url


def postgres() -> None:
    if connection.vendor != "postgresql":
        _unavailable("DATABASE_URL does not point at PostgreSQL: this test needs the real server")
