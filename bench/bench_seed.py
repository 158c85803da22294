"""Times ``manage.py seed_demo`` at a given size on the database of DATABASE_URL (SQLite file under var/ by default).

    python bench/bench_seed.py                      # small: 2,000 experts, 200 demands
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jjj_regops_bench python bench/bench_seed.py --full
                                                    # the issue's size: 100,000 experts, 10,000 demands

The database is created if missing and emptied first (PostgreSQL: dropped and recreated; SQLite: the file removed),
then migrated and loaded with the reference data; only the seed itself is timed. Prints one line of figures.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def fresh_database(url: str) -> None:
    parsed = urlparse(url)
    if parsed.scheme.startswith("postgres"):
        import psycopg

        name = parsed.path.lstrip("/")
        admin = url.replace(parsed.path, "/postgres")
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    elif parsed.scheme == "sqlite":
        path = Path(parsed.path)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--experts", type=int, default=2000)
    parser.add_argument("--demands", type=int, default=None)
    parser.add_argument("--full", action="store_true", help="100,000 experts and 10,000 demands")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="do not recreate the database (seed_demo --reset instead)")
    args = parser.parse_args(argv)
    if args.full:
        args.experts, args.demands = 100_000, 10_000
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench_seed.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jjjtalent.settings.local")
    os.environ.setdefault("DB_CONN_MAX_AGE", "0")
    url = os.environ["DATABASE_URL"]
    if not args.keep:
        fresh_database(url)

    import django
    from django.core.management import call_command

    django.setup()
    from django.db import connection

    with open(os.devnull, "w") as devnull:
        call_command("migrate", verbosity=0)
        call_command("load_reference", verbosity=0, stdout=devnull)
        started = time.perf_counter()
        call_command("seed_demo", experts=args.experts, demands=args.demands, seed=args.seed, reset=args.keep, no_accounts=True, verbosity=0, stdout=devnull)
        elapsed = time.perf_counter() - started

    from registry.models import Demand, Expert, Graduate, HighLevelTalent, Person

    counts = {m.__name__: m.objects.count() for m in (Person, Expert, Demand, Graduate, HighLevelTalent)}
    print(f"seed_demo on {connection.vendor}: experts={args.experts} demands={args.demands or args.experts // 5} -> {counts} in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
