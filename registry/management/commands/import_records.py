import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry import importing
from registry.context import acting_as


class Command(BaseCommand):
    help = (
        "从 CSV 或 XLSX 批量导入专家、高校毕业生、高层次人才或人才需求，逐行校验并输出错误报告。"
        " Import experts / graduates / talent / demand from CSV or XLSX with a per-row report."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(importing.KINDS), help="expert | graduate | talent | demand")
        parser.add_argument("file", help="CSV（UTF-8 或 GB18030）或 XLSX 文件")
        parser.add_argument("--mode", choices=importing.MODES, default=importing.MODE_ALL_OR_NOTHING,
                            help="all-or-nothing：有错误则全部不导入（默认）；good-rows：导入正确的行")
        parser.add_argument("--partner", default="", help="来源系统名称（记录来源为“合作系统”，外部编号在该来源内唯一）")
        parser.add_argument("--user", default="", help="以该工作人员身份导入（按其所属地区限制，并记入审计日志）")
        parser.add_argument("--report", default="", help="把错误报告另存为 CSV 文件")

    def handle(self, *args, **opts):
        from registry.models import User

        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        actor = None
        if opts["user"]:
            actor = User.objects.filter(username=opts["user"], is_active=True).first()
            if actor is None:
                raise CommandError(f"用户不存在或已停用：{opts['user']}")
            if not actor.is_staff:
                raise CommandError("只有工作人员可以批量导入")
        data = path.read_bytes()

        def progress(done, total):
            self.stderr.write(f"\r已处理 {done}/{total} 行", ending="")
            self.stderr.flush()

        try:
            with acting_as(actor):
                result = importing.run_import(kind=opts["kind"], data=data, mode=opts["mode"], actor=actor, partner=opts["partner"],
                                              filename=path.name, progress=progress)
        except importing.FileProblem as exc:
            raise CommandError(f"{exc.message}（未导入任何记录）") from None
        self.stderr.write("")
        for item in result.problems:
            self.stdout.write(f"第{item.row}行 [{item.column}] {item.message}")
        for item in result.warnings:
            self.stdout.write(self.style.WARNING(f"第{item.row}行 [{item.column}] {item.message}"))
        if opts["report"]:
            import csv

            with open(opts["report"], "w", encoding="utf-8-sig", newline="") as fh:
                csv.writer(fh).writerows(importing.iter_report_rows(result.report()))
        style = self.style.SUCCESS if result.ok else self.style.ERROR
        self.stdout.write(style(result.summary()))
        if not result.ok and opts["mode"] == importing.MODE_ALL_OR_NOTHING:
            sys.exit(1)
