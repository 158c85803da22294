"""A small run of bench/bench_notifications.py: a real fan-out through a real worker, none lost or duplicated.
The benchmark runs as its own process against pytest's (already migrated) test database."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

from tests.support import servers
from tests.support.worker import ROOT, database_url

pytestmark = [pytest.mark.bench, pytest.mark.needs_services, pytest.mark.django_db(transaction=True)]


def test_bench_notifications_smoke():
    redis_url = servers.redis_url()
    servers.postgres()
    env = {**os.environ, "DATABASE_URL": database_url(connection.settings_dict), "REDIS_URL": redis_url}
    env.pop("JJJ_REQUIRE_SERVICES", None)
    done = subprocess.run([sys.executable, "bench/bench_notifications.py", "--n", "200", "--workers", "1", "--json"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout + done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert (figures["delivered"], figures["lost"], figures["duplicated"]) == (200, 0, 0)
    assert 0 <= figures["delay_p50_s"] <= figures["delay_p99_s"] <= figures["delay_max_s"]
