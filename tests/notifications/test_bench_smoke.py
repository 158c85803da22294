"""A small run of bench/bench_notifications.py: a real fan-out through a real worker, none lost or duplicated."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

from tests.support import servers
from tests.support.worker import ROOT, database_url

pytestmark = [pytest.mark.bench, pytest.mark.needs_services, pytest.mark.django_db]


def test_bench_notifications_smoke():
    redis_url = servers.redis_url()
    servers.postgres()
    settings_dict = dict(connection.settings_dict, NAME=f"{connection.settings_dict['NAME']}_bench")
    url = database_url(settings_dict)
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": redis_url}
    try:
        done = subprocess.run([sys.executable, "bench/bench_notifications.py", "--n", "200", "--workers", "1", "--json"],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
        assert done.returncode == 0, done.stdout + done.stderr
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        assert (figures["delivered"], figures["lost"], figures["duplicated"]) == (200, 0, 0)
        assert 0 <= figures["delay_p50_s"] <= figures["delay_p99_s"] <= figures["delay_max_s"]
    finally:
        import psycopg

        with psycopg.connect(database_url(dict(connection.settings_dict, NAME="postgres")), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}" WITH (FORCE)')
