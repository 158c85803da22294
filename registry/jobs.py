"""Import jobs: create one from an upload, run it (in a Celery task), keep its progress and report."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from . import importing, permissions
from .context import acting_as
from .models import ImportJob, User

log = logging.getLogger(__name__)


@transaction.atomic
def import_job_create(*, actor, kind: str, mode: str, upload, partner: str = "") -> ImportJob:
    """Store an uploaded file as a pending ImportJob and queue it. Refuses an oversized file before storing it."""
    permissions.require(getattr(actor, "is_staff", False), "只有工作人员可以批量导入")
    if kind not in importing.KINDS:
        raise ValidationError({"kind": ["未知的导入类型"]})
    if mode not in importing.MODES:
        raise ValidationError({"mode": ["未知的导入模式"]})
    from django.conf import settings

    if upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise ValidationError({"file": [ValidationError(
            f"文件大小 {upload.size / 1048576:.1f} MB 超过上限 {settings.IMPORT_MAX_UPLOAD_BYTES / 1048576:.0f} MB，请拆分后分批导入", code="too_large")]})
    if upload.size == 0:
        raise ValidationError({"file": [ValidationError("文件为空", code="empty")]})
    job = ImportJob.objects.create(kind=kind, mode=mode, original_name=(upload.name or "")[:200], size=upload.size, partner=partner[:64], created_by=actor)
    job.file.save(f"import-{job.pk}", ContentFile(upload.read()), save=True)
    transaction.on_commit(lambda: _dispatch(job.pk))
    return job


def _dispatch(job_id: int):
    from .tasks import import_job_run

    result = import_job_run.delay(job_id)
    ImportJob.objects.filter(pk=job_id, task_id="").update(task_id=str(result.id or "")[:64])


def import_job_execute(*, job_id: int) -> ImportJob:
    """Run a pending job: progress to the cache while running (the import's transaction is not visible outside it),
    the report and counts to the row when done; the uploaded file is deleted afterwards (it holds personal data)."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.state != ImportJob.State.PENDING:
        return job
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING, started_at=timezone.now())
    job.refresh_from_db()

    def progress(done, total):
        cache.set(job.progress_key, (done, total), 3600)

    actor: User | None = job.created_by
    try:
        with job.file.open("rb") as fh:
            data = fh.read()
        with acting_as(actor):
            result = importing.run_import(kind=job.kind, data=data, mode=job.mode, actor=actor, partner=job.partner, filename=job.original_name, progress=progress)
    except importing.FileProblem as exc:
        _finish(job, state=ImportJob.State.FAILED, error=exc.message, report={"file_error": {"code": exc.code, "message": exc.message}})
    except PermissionDenied as exc:
        _finish(job, state=ImportJob.State.FAILED, error=str(exc)[:500], report={})
    except Exception:
        log.exception("import job %s failed", job.pk)
        _finish(job, state=ImportJob.State.FAILED, error="导入过程中发生内部错误，未导入任何记录；请联系管理员", report={})
        raise
    else:
        _finish(job, state=ImportJob.State.DONE, report=result.report(), total=result.processed, processed=result.processed,
                imported=result.imported, failed=result.bad_rows, duplicates=len(result.warnings), summary=result.summary())
    job.refresh_from_db()
    return job


def _finish(job: ImportJob, *, state, error: str = "", report=None, total=None, processed=None, imported=0, failed=0, duplicates=0, summary=""):
    if job.file:
        job.file.delete(save=False)
    report = dict(report or {})
    if summary:
        report["summary"] = summary
    ImportJob.objects.filter(pk=job.pk).update(
        state=state, error=error[:500], report=report, finished_at=timezone.now(), file="",
        total_rows=total if total is not None else job.total_rows, processed_rows=processed if processed is not None else job.processed_rows,
        imported_rows=imported, failed_rows=failed, duplicate_candidates=duplicates,
    )
    cache.delete(job.progress_key)
