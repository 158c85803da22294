"""Benchmark of the partner API (issue 6), on the database of DATABASE_URL (PostgreSQL for the real figures).

    python bench/bench_api.py                 # CI smoke: 2,000 experts, short runs
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jjj_api_bench REDIS_URL=redis://127.0.0.1:6379/6 \\
        python bench/bench_api.py --full      # the issue's size: 100,000 experts, 10,000 demands

Measures, against gunicorn (2 workers = both cores) on 127.0.0.1:
1. one client: p50/p95 latency of the filtered, paginated expert list (division + industry prefix + minimum
   title level, page of 50), sequential keep-alive requests;
2. throughput with wrk (or a Python client when wrk is missing) of three endpoints in the same run:
   a trivial JSON endpoint (plain Django, no database), the API's expert list, and the straightforward version
   (ModelViewSet + nested ModelSerializers, bench/api_naive.py) with the same filters;
3. a bulk upsert of 1,000 new experts through the API (then the same 1,000 again, as updates).

Seeds with ``manage.py seed_demo`` when the database holds fewer experts than asked. Prints figures and the
pass/fail of each target; exit status 1 when a target is missed at full size.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings_bench")
PY = sys.executable


def setup_django():
    import django

    django.setup()


def ensure_data(experts: int, demands: int) -> int:
    from django.core.management import call_command

    from registry.models import Division, Expert

    call_command("migrate", verbosity=0)
    if not Division.objects.filter(code="130600").exists():
        call_command("load_reference")
    have = Expert.objects.count()
    if have < experts:
        call_command("seed_demo", experts=experts, demands=demands, no_accounts=True, reset=have > 0)
    return Expert.objects.count()


def bench_key() -> str:
    from registry import services

    _key, clear = services.api_key_create(partner="bench", name=f"bench {time.time():.0f}", scopes=["experts:read", "experts:write"], region="11",
                                          throttle_rate="100000000/min")
    return clear


def pick_query() -> str:
    """A division + industry prefix + title level combination with at least one full page of verified experts."""
    from django.db.models import Count

    from registry.models import Expert

    top_div = (Expert.objects.filter(status="verified").values("home_division_id").annotate(n=Count("id")).order_by("-n").first() or {}).get("home_division_id", "110108")
    prefix_counts = {}
    for code in Expert.industries.through.objects.filter(expert__home_division_id=top_div).values_list("industry_id", flat=True)[:20000]:
        prefix_counts[code[:2]] = prefix_counts.get(code[:2], 0) + 1
    prefix = max(prefix_counts, key=prefix_counts.get) if prefix_counts else "39"
    return f"/api/v1/experts/?division={top_div[:2]}0000&industry={prefix}&min_title_level=associate_senior&status=verified&page_size=50"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    gunicorn = Path(PY).with_name("gunicorn")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings_bench", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([str(gunicorn), "jjjtalent.wsgi:application", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
                             "--keep-alive", "30", "--timeout", "600"], cwd=ROOT, env=env, start_new_session=True)
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def get(conn: http.client.HTTPConnection, path: str, key: str) -> tuple[int, bytes]:
    conn.request("GET", path, headers={"X-Api-Key": key})
    r = conn.getresponse()
    return r.status, r.read()


def latency(port: int, path: str, key: str, n: int) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    status, body = get(conn, path, key)
    assert status == 200, (status, body[:300])
    rows = len(json.loads(body)["results"])
    for _ in range(5):
        get(conn, path, key)
    times = []
    for _ in range(n):
        t = time.perf_counter()
        status, _ = get(conn, path, key)
        times.append((time.perf_counter() - t) * 1000)
        assert status == 200
    times.sort()
    return {"rows": rows, "p50_ms": statistics.median(times), "p95_ms": times[int(0.95 * (len(times) - 1))], "n": n}


def _cpu_seconds(pids) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def server_pids(server: subprocess.Popen) -> dict[str, list[int]]:
    """The gunicorn workers and the PostgreSQL backends serving this database (their CPU is the request's cost)."""
    from django.db import connection

    workers = [int(p) for p in subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()]
    backends = []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
            backends = [r[0] for r in cursor.fetchall()]
        connection.close()
    return {"gunicorn": workers, "postgres": backends}


def measured(measure, server, port: int, path: str, key: str, seconds: int, connections: int) -> tuple[float, dict]:
    """Requests/s of ``measure`` and the CPU milliseconds per request of the server's processes during the run:
    a load-independent view (the other jobs on a shared machine change req/s, much less CPU per request)."""
    measure(port, path, key, 1, connections)  # warm: connections to the database opened, statements prepared
    pids = server_pids(server)
    before = {k: _cpu_seconds(v) for k, v in pids.items()}
    rps = measure(port, path, key, seconds, connections)
    cpu = {k: (_cpu_seconds(v) - before[k]) * 1000 / max(rps * seconds, 1) for k, v in pids.items()}
    return rps, cpu


def throughput_wrk(port: int, path: str, key: str, seconds: int, connections: int) -> float:
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-H", f"X-Api-Key: {key}", f"http://127.0.0.1:{port}{path}"],
                         capture_output=True, text=True, check=True).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise SystemExit(f"wrk saw {non2xx.group(1)} error responses on {path}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def throughput_python(port: int, path: str, key: str, seconds: int, connections: int) -> float:
    done = [0] * connections
    stop = time.monotonic() + seconds

    def worker(i):
        conn = http.client.HTTPConnection("127.0.0.1", port)
        while time.monotonic() < stop:
            status, _ = get(conn, path, key)
            assert status == 200
            done[i] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / seconds


def wait_idle(port: int, key: str, limit: float = 60.0) -> float:
    """Seconds until the server has drained the requests wrk left queued (a sync worker finishes a request whose
    client has gone): two trivial requests in a row answered within 50 ms. Without this the bulk figure would
    include the tail of the slow straightforward run."""
    t0 = time.perf_counter()
    fast = 0
    while fast < 2 and time.perf_counter() - t0 < limit:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=limit)
        t = time.perf_counter()
        get(conn, "/bench/trivial/", key)
        conn.close()
        fast = fast + 1 if time.perf_counter() - t < 0.05 else 0
        time.sleep(0.2)
    return time.perf_counter() - t0


def bulk(port: int, key: str, rows: int, run: str) -> tuple[float, dict]:
    import datetime as dt

    from registry import identifiers

    def id_number(i: int) -> str:  # unique per run and row: birth date from the row, sequence from the run
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=i)
        body = f"110108{birth:%Y%m%d}{int(run) % 1000:03d}"
        return body + identifiers.id_number_check_char(body)

    payload = {"rows": [
        {"name": f"批量专家{i}", "id_number": id_number(i), "employer_name": "中国科学院",
         "home_division": "110108", "title_level": "senior", "industries": ["3912"], "disciplines": ["F02"], "skills": ["集成电路"],
         "sharing_modes": ["consulting", "remote"], "serves_all_hebei": True, "external_id": f"BENCH-{run}-{i}"}
        for i in range(rows)
    ]}
    body = json.dumps(payload, ensure_ascii=False).encode()
    results = {}
    timings = []
    for attempt in ("create", "update"):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        t = time.perf_counter()
        conn.request("POST", "/api/v1/experts/bulk/", body=body, headers={"X-Api-Key": key, "Content-Type": "application/json"})
        r = conn.getresponse()
        answer = json.loads(r.read())
        timings.append(time.perf_counter() - t)
        assert r.status == 200, answer
        results[attempt] = {k: answer[k] for k in ("created", "updated", "failed")}
        if answer["failed"]:
            first = next(x for x in answer["results"] if x["status"] == "error")
            raise SystemExit(f"bulk rows failed: {first}")
    return timings, results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="100,000 experts, 10,000 demands, longer runs")
    parser.add_argument("--experts", type=int, default=None)
    parser.add_argument("--requests", type=int, default=None, help="sequential requests for the latency figure")
    parser.add_argument("--seconds", type=int, default=None, help="duration of each throughput run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--bulk-rows", type=int, default=1000)
    args = parser.parse_args()
    experts = args.experts or (100_000 if args.full else 2_000)
    n = args.requests or (400 if args.full else 100)
    seconds = args.seconds or (10 if args.full else 3)

    setup_django()
    from django.db import connection

    t = time.perf_counter()
    count = ensure_data(experts, max(experts // 10, 50))
    print(f"database: {connection.vendor}, {count} experts (ready in {time.perf_counter() - t:.0f} s)")
    key = bench_key()
    query = pick_query()
    naive = query.replace("/api/v1/experts/", "/bench/naive/experts/").replace("&status=verified", "").replace("&page_size=50", "")
    connection.close()

    port = free_port()
    server = start_gunicorn(port, args.workers)
    try:
        lat = latency(port, query, key, n)
        print(f"one client, {query}: {lat['rows']} rows/page, p50 {lat['p50_ms']:.1f} ms, p95 {lat['p95_ms']:.1f} ms over {n} requests")
        measure = throughput_wrk if shutil.which("wrk") else throughput_python
        tool = "wrk" if measure is throughput_wrk else "python client"
        trivial_rps, trivial_cpu = measured(measure, server, port, "/bench/trivial/", key, seconds, args.connections)
        api_rps, api_cpu = measured(measure, server, port, query, key, seconds, args.connections)
        naive_rps, naive_cpu = measured(measure, server, port, naive, key, seconds, args.connections)
        print(f"throughput ({tool}, {args.connections} connections, {seconds} s each, gunicorn -w {args.workers}): trivial {trivial_rps:.0f} req/s, "
              f"API list {api_rps:.0f} req/s ({api_rps / trivial_rps:.0%} of trivial), straightforward {naive_rps:.0f} req/s "
              f"(API = {api_rps / naive_rps:.1f}× straightforward)")
        for name, cpu in (("trivial", trivial_cpu), ("API list", api_cpu), ("straightforward", naive_cpu)):
            print(f"  CPU per request, {name}: gunicorn {cpu['gunicorn']:.2f} ms, PostgreSQL {cpu['postgres']:.2f} ms")
        idle = wait_idle(port, key)
        print(f"server idle {idle:.1f} s after the throughput runs")
        timings, results = bulk(port, key, args.bulk_rows, run=str(int(time.time()) // 7))
        print(f"bulk upsert of {args.bulk_rows} experts: create {timings[0]:.2f} s {results['create']}, update {timings[1]:.2f} s {results['update']}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    targets = {
        "p95 <= 50 ms": lat["p95_ms"] <= 50,
        ">= 200 req/s": api_rps >= 200,
        ">= 20% of trivial": api_rps >= 0.2 * trivial_rps,
        ">= 3x straightforward": api_rps >= 3 * naive_rps,
        "bulk 1,000 <= 3 s": timings[0] <= 3 and timings[1] <= 3,
    }
    print("targets: " + ", ".join(f"{name}: {'ok' if ok else 'MISSED'}" for name, ok in targets.items()))
    if args.full and not all(targets.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
