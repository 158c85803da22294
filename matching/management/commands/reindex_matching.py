"""manage.py reindex_matching: make every process rebuild its matching index at its next request
(after bulk writes that bypass signals, e.g. seed_demo or a database restore)."""

from django.core.management.base import BaseCommand

from matching.models import IndexChange
from matching.signals import index_touch


class Command(BaseCommand):
    help = "通知所有进程在下次请求时重建匹配索引（批量导入后使用）。Ask every process to rebuild its matching index."

    def handle(self, *args, **opts):
        index_touch(IndexChange.Kind.ALL, 0)
        self.stdout.write(self.style.SUCCESS("已记录：各进程将在下次请求时重建匹配索引。"))
