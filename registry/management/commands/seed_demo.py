import time

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from registry import demo
from registry.context import acting_as


class Command(BaseCommand):
    help = (
        "生成可复现的演示数据（京津专家、河北用人单位及需求、高校毕业生、高层次人才）和演示账号；已有演示数据时不做任何事（或 --reset）。"
        " Seed a reproducible demo region and demo accounts; does nothing on a seeded database unless --reset."
    )

    def add_arguments(self, parser):
        parser.add_argument("--experts", type=int, default=300)
        parser.add_argument("--demands", type=int, default=None, help="默认 experts/5")
        parser.add_argument("--graduates", type=int, default=None, help="默认 experts/3")
        parser.add_argument("--talents", type=int, default=None, help="默认 experts/10（约一半同时是专家）")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--reset", action="store_true", help="先删除已有演示数据和演示账号再生成")
        parser.add_argument("--no-accounts", action="store_true", help="不创建演示账号")
        parser.add_argument("--password", default=None, help="所有演示账号使用同一密码（默认见输出）")

    def handle(self, *args, **opts):
        from registry.models import Division

        if not Division.objects.filter(code="130600").exists():
            raise CommandError("请先载入参考数据：manage.py load_reference")
        for name in ("experts", "demands", "graduates", "talents"):
            if opts[name] is not None and opts[name] < 0:
                raise CommandError(f"--{name} 不能为负数")
        started = time.monotonic()
        with acting_as(None):
            if opts["reset"]:
                try:
                    counts = demo.erase_demo()
                except IntegrityError as exc:
                    raise CommandError(f"演示数据已被其他记录引用（如匹配、合作记录），无法重置；请使用新的数据库。({exc.__class__.__name__})") from None
                self.stdout.write(f"已删除演示数据：{counts}")
                _matching_rebuild()
            if demo.demo_present():
                self.stdout.write(self.style.WARNING("已有演示数据，未做任何改动（如需重新生成请使用 --reset）。Demo data already present: nothing done."))
            else:
                data = demo.generate(experts=opts["experts"], demands=opts["demands"], graduates=opts["graduates"], talents=opts["talents"], seed=opts["seed"])
                generated = time.monotonic()
                self.stdout.write(f"生成 {len(data.experts)} 名专家、{len(data.demands)} 条需求、{len(data.graduates)} 名毕业生、{len(data.talents)} 名高层次人才、"
                                  f"{len(data.organisations)} 家单位（seed={data.seed}，{generated - started:.1f} 秒）")
                last = {}

                def progress(label, done, total):
                    if total >= 20000 and (done == total or done - last.get(label, 0) >= max(total // 10, 1)):
                        last[label] = done
                        self.stdout.write(f"  {label}: {done}/{total}")

                counts = demo.write(data, batch_size=opts["batch_size"], progress=progress)
                self.stdout.write(self.style.SUCCESS(f"已写入：{counts}（{time.monotonic() - generated:.1f} 秒）"))
                _matching_rebuild()
            if not opts["no_accounts"]:
                accounts = demo.create_accounts(password=opts["password"])
                self.stdout.write("\n演示账号（仅限本地演示 / local demo only）:")
                for account, password in accounts:
                    self.stdout.write(f"  {account.username:<11} {password:<16} {account.role}")
        self.stdout.write(f"完成，用时 {time.monotonic() - started:.1f} 秒。Admin: http://127.0.0.1:8000/admin/")


def _matching_rebuild():
    """The bulk load fires no model signals: ask every process's matching index for a full rebuild."""
    from django.apps import apps

    if apps.is_installed("matching"):
        from matching.models import IndexChange
        from matching.signals import index_touch

        index_touch(IndexChange.Kind.ALL, 0)
