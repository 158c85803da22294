"""In-process CPU per request of the expert list (no server, no network): ``django.test.Client`` with the
benchmark settings, alternating runs of the FilterSet path and the fast path (``registry.apis.FAST_LIST``).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jjj_api_bench REDIS_URL=redis://127.0.0.1:6379/11 \\
        .venv/bin/python bench/bench_list_cpu.py [--requests 60] [--rounds 2]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings_bench")

PATH = "/api/v1/experts/?division=110000&industry=65&min_title_level=associate_senior&status=verified&page_size=50"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--path", default=PATH)
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import Client

    from registry import apis, services
    from registry.api_models import SCOPES

    key, clear = services.api_key_create(partner="bench-cpu", name="CPU benchmark", scopes=[s for s in SCOPES if s != "personal:read"], region="11", throttle_rate="1000000/minute")
    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_API_KEY=clear)
    try:
        for _ in range(args.rounds):
            for fast in (False, True):
                apis.FAST_LIST = fast
                bodies = [client.get(args.path) for _ in range(5)]
                assert all(r.status_code == 200 for r in bodies), bodies[0].content[:300]
                start = time.process_time()
                for _ in range(args.requests):
                    client.get(args.path)
                ms = (time.process_time() - start) * 1000 / args.requests
                print(f"{'fast path ' if fast else 'FilterSet '}: {ms:5.1f} ms CPU per request ({args.requests} requests, {len(bodies[0].json()['results'])} rows)")
        same = []
        for fast in (False, True):
            apis.FAST_LIST = fast
            same.append(client.get(args.path).json())
        print("same JSON on both paths:", same[0] == same[1])
    finally:
        key.delete()


if __name__ == "__main__":
    main()
