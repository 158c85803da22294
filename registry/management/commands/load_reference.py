from django.core.management.base import BaseCommand

from registry.reference import load_reference


class Command(BaseCommand):
    help = "载入参考分类数据（行政区划、国民经济行业分类、学科代码、职业分类）；可重复执行。Load the reference classifications (idempotent)."

    def handle(self, *args, **options):
        report = load_reference()
        self.stdout.write(
            self.style.SUCCESS(
                f"区划 {report.divisions}，行业 {report.industries}，学科 {report.disciplines}，职业 {report.occupations}，区划组合 {report.groups}"
            )
        )
