"""Per item and per region: applications, median handling time in working days, on-time rate, satisfaction."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from services import selectors

from registry.domain import REGION_NAMES_ZH as REGION


def _fmt(value, pct=False):
    if value is None:
        return "-"
    return f"{value * 100:.1f}%" if pct else str(value)


class Command(BaseCommand):
    help = "同事同标办件统计：按事项、按办理地"

    def add_arguments(self, parser):
        parser.add_argument("--start", help="提交日期起（YYYY-MM-DD）")
        parser.add_argument("--end", help="提交日期止（YYYY-MM-DD）")
        parser.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args, **options):
        try:
            start = dt.date.fromisoformat(options["start"]) if options["start"] else None
            end = dt.date.fromisoformat(options["end"]) if options["end"] else None
        except ValueError as exc:
            raise CommandError(f"日期格式应为 YYYY-MM-DD：{exc}") from None
        report = selectors.service_report(start=start, end=end)
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2, default=str))
            return
        head = f"{'申请数':>6} {'办结':>5} {'办理用时中位数(工作日)':>12} {'按时率':>8} {'满意度':>6} {'评价数':>5}"

        def row(r):
            return f"{r['applications']:>6} {r['completed']:>5} {_fmt(r['median_workdays']):>12} {_fmt(r['on_time_rate'], True):>8} {_fmt(r['satisfaction']):>6} {r['ratings']:>5}"

        self.stdout.write("按事项")
        self.stdout.write(f"{'事项':<30} {head}")
        for r in report["by_item"]:
            self.stdout.write(f"{(r['item'] + ' ' + r['name'])[:30]:<30} {row(r)}")
        self.stdout.write("\n按办理地")
        self.stdout.write(f"{'办理地':<30} {head}")
        for r in report["by_region"]:
            self.stdout.write(f"{REGION.get(r['region'], r['region']):<30} {row(r)}")
        self.stdout.write("\n按事项 × 办理地")
        for r in report["by_item_region"]:
            self.stdout.write(f"{(r['item'] + ' ' + REGION.get(r['region'], r['region']))[:30]:<30} {row(r)}")
        self.stdout.write(f"\n合计 {row(report['total'])}")
