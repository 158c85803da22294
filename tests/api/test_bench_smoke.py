"""A small smoke run of bench/bench_api.py (SQLite file, a few hundred experts, one-second runs): the
benchmark itself keeps working. The figures are measured at full size, by hand, into docs/api.md."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.bench
def test_bench_api_smoke(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite3'}", "DJANGO_SETTINGS_MODULE": "bench.settings_bench"}
    env.pop("REDIS_URL", None)
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_api.py"), "--experts", "300", "--seconds", "1", "--requests", "20", "--bulk-rows", "20", "--connections", "2"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-3000:]
    assert "bulk upsert of 20 experts" in run.stdout and "targets:" in run.stdout


@pytest.mark.bench
def test_bench_import_smoke(tmp_path):
    """bench/bench_import.py on 30 rows: both import paths import every row with the same report."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite3'}", "DJANGO_SETTINGS_MODULE": "bench.settings_bench"}
    env.pop("REDIS_URL", None)
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_import.py"), "--rows", "30"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-3000:]
    assert "row by row (before)" in run.stdout and "batched (after)" in run.stdout
