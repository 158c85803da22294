#!/usr/bin/env python
"""Benchmark: one event fanned out to N recipients (default 500; --full for 10,000), delivered by a real
`celery worker` (threads pool: sending e-mail is I/O) over the real Redis into PostgreSQL.

Measures the time from the event's commit to the last delivery, checks that none is lost and none duplicated
(every recipient's message appears exactly once in the sink the worker's e-mail backend writes), and reports the
delay from commit to delivery (p50/p90/p99/max). The sink simulates an SMTP round trip (--latency-ms).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jjj_notif_bench REDIS_URL=redis://127.0.0.1:6379/5 \
        .venv/bin/python bench/bench_notifications.py [--full] [--n N] [--concurrency 16] [--latency-ms 5]

Uses (and creates if missing) the database named in DATABASE_URL, migrates it, and deletes its own rows first.
Exit status 1 if a message is lost or duplicated, or (with --full) if the run exceeds the 30 s target.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/jjj_notif_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/5"
TARGET_SECONDS = 30.0


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def ensure_database(url: str) -> None:
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=500, help="recipients (default 500)")
    parser.add_argument("--full", action="store_true", help="the issue's scale: 10,000 recipients")
    parser.add_argument("--concurrency", type=int, default=16, help="threads per worker process (default 16)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2: one per core)")
    parser.add_argument("--pool", default="threads", help="celery pool (default threads)")
    parser.add_argument("--latency-ms", type=float, default=5.0, help="simulated SMTP round trip per message (default 5 ms)")
    parser.add_argument("--timeout", type=float, default=180.0)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    n = 10_000 if args.full else args.n

    os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS)
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        print("DATABASE_URL must point at PostgreSQL (the worker is another process)", file=sys.stderr)
        return 2
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.notifications.worker_settings"
    workdir = Path(tempfile.mkdtemp(prefix="bench-notif-"))
    sink_file = workdir / "sent.jsonl"
    os.environ["JJJ_SINK_FILE"] = str(sink_file)
    ensure_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction

    from notifications import services
    from notifications.models import Delivery, Kind, Notification, OutboxStatus
    from tests.notifications import sink
    from tests.support.worker import Worker, reset_broker

    call_command("migrate", verbosity=0)
    User = get_user_model()
    Notification.objects.filter(dedupe_key__startswith="bench:").delete()
    User.objects.filter(username__startswith="bench-").delete()
    users = User.objects.bulk_create(
        [User(username=f"bench-{i:05d}", email=f"bench-{i:05d}@example.cn", password="!") for i in range(n)], batch_size=2000)
    reset_broker(os.environ["REDIS_URL"])

    t = time.perf_counter()
    workers = [Worker(env={"JJJ_SINK_LATENCY_MS": str(args.latency_ms), "CELERY_VISIBILITY_TIMEOUT": "600"},
                      log_path=workdir / f"worker{i}.log", pool=args.pool, concurrency=args.concurrency, name=f"bench{i}")
               for i in range(args.workers)]
    try:
        for worker in workers:
            worker.wait_ready()
        startup = time.perf_counter() - t

        marks: dict[str, float] = {}
        t_start = time.time()
        with transaction.atomic():
            transaction.on_commit(lambda: marks.setdefault("commit", time.time()))  # runs first: the commit instant
            services.notify_many(recipients=users, kind=Kind.DEMAND_PUBLISHED, title="新的人才需求已发布",
                                 body="保定某公司发布了与您专业相关的需求。", link="/demands/1/", dedupe_key=f"bench:{t_start}")
        t_enqueued = time.time()
        t_commit = marks["commit"]

        deadline = time.monotonic() + args.timeout
        sent = 0
        while time.monotonic() < deadline:
            sent = Delivery.objects.filter(notification__dedupe_key__startswith=f"bench:{t_start}", status=OutboxStatus.SENT).count()
            if sent >= n:
                break
            time.sleep(0.2)
        time.sleep(1.0)  # let any duplicate show up before counting
        worker_cpu = sum(_cpu_seconds(w.process.pid) for w in workers)
    finally:
        for worker in workers:
            worker.stop()

    deliveries = list(Delivery.objects.filter(notification__dedupe_key__startswith=f"bench:{t_start}").values_list("notification_id", "status", "sent_at"))
    lines = [r for r in sink.read(sink_file) if r["phase"] == "sent"]
    per_notification: dict[str, int] = {}
    for r in lines:
        per_notification[r["notification"]] = per_notification.get(r["notification"], 0) + 1
    expected = {str(nid) for nid, _, _ in deliveries}
    lost = len(expected - set(per_notification)) + (n - len(deliveries))
    duplicated = sum(c - 1 for c in per_notification.values() if c > 1)
    delays = [(sent_at.timestamp() - t_commit) for _, status, sent_at in deliveries if status == OutboxStatus.SENT]
    end_to_end = max(delays) if delays else float("nan")
    figures = {
        "recipients": n, "workers": args.workers, "pool": args.pool, "concurrency": args.concurrency, "latency_ms": args.latency_ms,
        "worker_startup_s": round(startup, 2), "fan_out_write_s": round(t_commit - t_start, 2), "enqueue_s": round(t_enqueued - t_commit, 2),
        "commit_to_last_delivery_s": round(end_to_end, 2), "start_to_last_delivery_s": round(end_to_end + t_commit - t_start, 2), "throughput_per_s": round(n / end_to_end, 1) if delays else 0,
        "worker_cpu_s": round(worker_cpu, 2), "worker_cpu_ms_per_message": round(worker_cpu / n * 1000, 2),
        "delivered": len(delays), "lost": lost, "duplicated": duplicated,
        "delay_p50_s": round(percentile(delays, 50), 2), "delay_p90_s": round(percentile(delays, 90), 2),
        "delay_p99_s": round(percentile(delays, 99), 2), "delay_max_s": round(end_to_end, 2),
        "mean_delay_s": round(statistics.fmean(delays), 2) if delays else None,
    }
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:32} {value}")
    ok = lost == 0 and duplicated == 0 and len(delays) == n
    total = end_to_end + t_commit - t_start  # from the start of the event's transaction to the last delivery
    if args.full and not total <= TARGET_SECONDS:
        print(f"FAIL: {total:.1f} s > {TARGET_SECONDS} s", file=sys.stderr)
        ok = False
    if not ok:
        print(f"FAIL (worker logs in {workdir})", file=sys.stderr)
    Notification.objects.filter(dedupe_key__startswith="bench:").delete()
    User.objects.filter(username__startswith="bench-").delete()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
