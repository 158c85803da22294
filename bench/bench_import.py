"""Benchmark of the bulk import (registry/importing.py) of experts from a generated CSV, on the database of
DATABASE_URL (PostgreSQL for the real figures; docs/registry.md):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jjj_imp_2 python bench/bench_import.py           # 1,000 experts
    python bench/bench_import.py --rows 30                                                         # CI smoke (SQLite)

Imports the same kind of file twice, as ``manage.py import_records expert file.csv --mode good-rows`` does (under
an operator's change context, committed): first row by row through ``expert_register`` (the importer before the
batched path: ``Importer(batched=False)``), then in chunks through ``experts_upsert_many``. Each run has its own
ID numbers and external ids, so both create every row. Prints the wall time, rows a second and SQL statements
per row of each, and checks that both imported every row with the same report.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings_bench")

HEADERS = ["姓名", "身份证号", "手机号", "工作单位", "所在地代码", "职称级别", "学科代码", "行业代码", "合作方式", "服务河北全省",
           "服务城市代码", "可同时承担合作数", "可服务起始日期", "可服务截止日期", "外部编号", "已获单独同意"]
EMPLOYERS = ("清华大学", "北京大学", "中国科学院", "天津大学", "河北工业大学", "北京理工大学")


def experts_csv(rows: int, run: int) -> bytes:
    """``rows`` valid experts, new to the database: ID numbers by birth date (row, after the persons already
    there) and sequence (run)."""
    from registry import identifiers
    from registry.models import Person

    base = Person.objects.count()

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for i in range(rows):
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=(base + i) % 20000)
        body = f"110108{birth:%Y%m%d}{run % 1000:03d}"
        writer.writerow([
            f"导入测试{run}-{i}", body + identifiers.id_number_check_char(body), f"137{run % 1000:03d}{i:05d}", EMPLOYERS[i % len(EMPLOYERS)],
            "110108", "正高级", "F02、F0402", "3912", "顾问咨询、远程指导", "否", "130600、131000", "3", "2026-01-01", "2027-12-31",
            f"BENCH-IMP-{run}-{i}", "是" if i % 2 else "否",
        ])
    return out.getvalue().encode("utf-8-sig")


def timed_import(data: bytes, *, batched: bool) -> tuple[float, int, object]:
    from django.db import connection

    from registry import importing
    from registry.context import acting_as

    statements = []

    def count(execute, sql, params, many, context):
        statements.append(1)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count), acting_as(None):
        t = time.perf_counter()
        result = importing.run_import(kind="expert", data=data, mode=importing.MODE_GOOD_ROWS, batched=batched)
        elapsed = time.perf_counter() - t
    return elapsed, len(statements), result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1000)
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from registry.models import Division

    call_command("migrate", verbosity=0)
    if not Division.objects.filter(code="130600").exists():
        call_command("load_reference")
    run = int(time.time()) % 100_000
    print(f"import of {args.rows} experts (good-rows, CSV) on {connection.vendor}, chunks of {settings.IMPORT_CHUNK_ROWS} rows")
    reports = []
    for label, batched, offset in (("row by row (before)", False, 0), ("batched (after)", True, 1)):
        elapsed, statements, result = timed_import(experts_csv(args.rows, run * 2 + offset), batched=batched)
        if result.imported != args.rows:
            print(f"{label}: imported {result.imported} of {args.rows}: {[p.as_dict() for p in result.problems[:3]]}")
            return 1
        reports.append((result.bad_rows, len(result.warnings)))
        print(f"{label}: {elapsed:.2f} s, {args.rows / elapsed:.0f} rows/s, {statements} SQL statements ({statements / args.rows:.2f} a row)")
    if reports[0] != reports[1]:
        print(f"reports differ: {reports}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
