"""Small smoke runs of the matching benchmarks (the real figures come from the full runs, see docs/matching.md)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.bench
def test_engine_benchmark_smoke(tmp_path):
    out = tmp_path / "engine.json"
    subprocess.run([sys.executable, "bench/bench_matching_engine.py", "--experts", "400", "--demands", "40",
                    "--queries", "20", "--out", str(out)], cwd=ROOT, check=True, capture_output=True, timeout=240)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["top_k_ms"]["queries"] == 20
    assert data["assignment"]["solver"]["filled"] <= data["assignment"]["solver"]["headcount"]
    assert data["assignment"]["objective_solver_vs_greedy"] >= 1.0


@pytest.mark.bench
def test_orm_comparison_benchmark_smoke(tmp_path):
    out = tmp_path / "orm.json"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    subprocess.run([sys.executable, "bench/bench_matching.py", "--experts", "150", "--demands", "30",
                    "--loop-queries", "1", "--engine-queries", "5", "--out", str(out)],
                   cwd=ROOT, env=env, check=True, capture_output=True, timeout=600)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["orm_loop"]["queries"] == 1 and data["engine"]["queries"] >= 1
    assert data["top_k_overlap_with_loop"] >= 0.5
