"""Import jobs: create one from an upload, run it (in a Celery task), keep its progress and report."""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.functions import Coalesce
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
    if upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise ValidationError({"file": [ValidationError(
            f"文件大小 {upload.size / 1048576:.1f} MB 超过上限 {settings.IMPORT_MAX_UPLOAD_BYTES / 1048576:.0f} MB，请拆分后分批导入", code="too_large")]})
    if upload.size == 0:
        raise ValidationError({"file": [ValidationError("文件为空", code="empty")]})
    job = ImportJob.objects.create(kind=kind, mode=mode, original_name=(upload.name or "")[:200], size=upload.size, partner=partner[:64], created_by=actor,
                                   queued_at=timezone.now())
    job.file.save(f"import-{job.pk}", ContentFile(upload.read()), save=True)
    transaction.on_commit(lambda: _dispatch(job.pk))
    return job


def _dispatch(job_id: int):
    from .tasks import import_job_run

    result = import_job_run.delay(job_id)
    ImportJob.objects.filter(pk=job_id, task_id="").update(task_id=str(result.id or "")[:64])


class Superseded(Exception):
    """The job was requeued (its heartbeat stopped) while this worker still ran it: this worker's import is rolled
    back, the requeued run owns the job."""


def import_job_execute(*, job_id: int) -> ImportJob:
    """Run a pending job: progress and a heartbeat to the cache after every chunk (the import's transaction is not
    visible outside it), the report and counts to the row when done; the uploaded file is deleted afterwards (it
    holds personal data).

    A job is run by the worker that moves it from pending to running, for its current ``requeues`` value (its
    attempt). The import is one transaction in both modes; just before it commits, the worker locks the job row,
    checks it still owns that attempt and records the outcome in the same transaction — so an import's rows are
    committed at most once even when a stalled worker wakes up after its job was requeued
    (:func:`import_jobs_requeue_stalled`)."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    now = timezone.now()
    if not ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.PENDING, requeues=job.requeues).update(
            state=ImportJob.State.RUNNING, started_at=now, heartbeat_at=now):
        return job  # done, failed or taken by another worker (a redelivered or requeued message)
    job.refresh_from_db()
    attempt = job.requeues
    mine = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.RUNNING, requeues=attempt)

    def progress(done, total):
        cache.set(job.progress_key, (done, total), 3600)
        cache.set(job.heartbeat_key, timezone.now().timestamp(), settings.IMPORT_JOB_STALL_SECONDS * 4)

    def seal(result: importing.ImportResult):
        if not mine.select_for_update().exists():
            raise Superseded
        mine.update(**_outcome(job, state=ImportJob.State.DONE, report=result.report(), total=result.processed, processed=result.processed,
                               imported=result.imported, failed=result.bad_rows, duplicates=len(result.warnings), summary=result.summary()))

    actor: User | None = job.created_by
    try:
        with job.file.open("rb") as fh:
            data = fh.read()
        with acting_as(actor):
            result = importing.run_import(kind=job.kind, data=data, mode=job.mode, actor=actor, partner=job.partner, filename=job.original_name,
                                          progress=progress, before_commit=seal)
    except Superseded:
        log.warning("import job %s attempt %s was requeued while running; its import was rolled back", job.pk, attempt)
        return ImportJob.objects.get(pk=job.pk)
    except importing.FileProblem as exc:
        _finish(job, mine, state=ImportJob.State.FAILED, error=exc.message, report={"file_error": {"code": exc.code, "message": exc.message}})
    except PermissionDenied as exc:
        _finish(job, mine, state=ImportJob.State.FAILED, error=str(exc)[:500], report={})
    except Exception:
        log.exception("import job %s failed", job.pk)
        _finish(job, mine, state=ImportJob.State.FAILED, error="导入过程中发生内部错误，未导入任何记录；请联系管理员", report={})
        raise
    else:
        if result.committed:  # the outcome was recorded with the rows (seal)
            _finish(job, ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.DONE, requeues=attempt), state=None)
        else:  # all-or-nothing with bad rows: nothing was written
            _finish(job, mine, state=ImportJob.State.DONE, report=result.report(), total=result.processed, processed=result.processed,
                    imported=result.imported, failed=result.bad_rows, duplicates=len(result.warnings), summary=result.summary())
    job.refresh_from_db()
    return job


STALLED_MESSAGE = "导入任务多次中断（已重新排队 {n} 次），仍未完成，已停止；未导入任何记录。请检查文件后重新上传，或联系管理员"


def import_jobs_requeue_stalled(*, now=None) -> dict[str, int]:
    """Running jobs whose heartbeat is older than ``IMPORT_JOB_STALL_SECONDS`` (their worker died or hangs) go back
    to pending and are queued again, at most ``IMPORT_JOB_MAX_REQUEUES`` times; then they fail with a message.
    Idempotent: each change is conditional on the state and attempt read, so two runs at once requeue a job once.
    A requeued job starts again from its file: its import is one transaction, so nothing of the dead attempt was
    committed (and a stalled worker that wakes up finds the job no longer its own and rolls back)."""
    now = now or timezone.now()
    stale_before = now - dt.timedelta(seconds=settings.IMPORT_JOB_STALL_SECONDS)
    requeued = failed = 0
    for job in ImportJob.objects.filter(state=ImportJob.State.RUNNING).order_by("pk"):
        beat = job_heartbeat(job)
        if beat is not None and beat >= stale_before:
            continue
        current = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.RUNNING, requeues=job.requeues)
        if job.requeues < settings.IMPORT_JOB_MAX_REQUEUES:
            with transaction.atomic():
                if current.update(state=ImportJob.State.PENDING, requeues=job.requeues + 1, heartbeat_at=None, task_id="", queued_at=now):
                    requeued += 1
                    log.warning("import job %s stalled (no heartbeat since %s): requeued, attempt %s", job.pk, beat, job.requeues + 2)
                    transaction.on_commit(partial(_dispatch, job.pk))
        elif _finish(job, current, state=ImportJob.State.FAILED, error=STALLED_MESSAGE.format(n=job.requeues), report={}):
            failed += 1
            log.error("import job %s stalled after %s requeues: failed", job.pk, job.requeues)
    return {"requeued": requeued, "failed": failed}


UNSENT_MESSAGE = "导入任务排队后一直未被执行（已重发 {n} 次），已停止；未导入任何记录。请稍后重新上传，或联系管理员"


def import_jobs_resend_pending(*, now=None) -> dict[str, int]:
    """Pending jobs queued longer ago than ``IMPORT_JOB_PENDING_RESEND_SECONDS`` (their Celery message was lost: a
    broker restart, a failed publish after the commit) are queued again, at most ``IMPORT_JOB_MAX_RESENDS`` times;
    then they fail with a message. A duplicate message is harmless: a worker takes a job only by moving it from
    pending to running for its current attempt (:func:`import_job_execute`), so of two deliveries one runs it and the
    other finds it taken. Each change here is conditional on the state, attempt and resend count read."""
    now = now or timezone.now()
    before = now - dt.timedelta(seconds=settings.IMPORT_JOB_PENDING_RESEND_SECONDS)
    resent = unsent = 0
    waiting = ImportJob.objects.filter(state=ImportJob.State.PENDING).annotate(since=Coalesce("queued_at", "created_at")).filter(since__lt=before)
    for job in waiting.order_by("pk"):
        current = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.PENDING, requeues=job.requeues, resends=job.resends)
        if job.resends < settings.IMPORT_JOB_MAX_RESENDS:
            with transaction.atomic():
                if current.update(resends=job.resends + 1, queued_at=now, task_id=""):
                    resent += 1
                    log.warning("import job %s pending since %s: message re-sent (%s)", job.pk, job.since, job.resends + 1)
                    transaction.on_commit(partial(_dispatch, job.pk))
        elif _finish(job, current, state=ImportJob.State.FAILED, error=UNSENT_MESSAGE.format(n=job.resends), report={}):
            unsent += 1
            log.error("import job %s still pending after %s re-sent messages: failed", job.pk, job.resends)
    return {"resent": resent, "unsent": unsent}


def job_heartbeat(job: ImportJob):
    """The job's last sign of life: the worker's heartbeat in the cache (per chunk), else when it started."""
    beat = cache.get(job.heartbeat_key)
    known = [t for t in (job.heartbeat_at, job.started_at) if t is not None]
    if beat is not None:
        known.append(dt.datetime.fromtimestamp(beat, tz=dt.timezone.utc))
    return max(known) if known else None


def _outcome(job: ImportJob, *, state, error: str = "", report=None, total=None, processed=None, imported=0, failed=0, duplicates=0, summary="") -> dict:
    report = dict(report or {})
    if summary:
        report["summary"] = summary
    return dict(
        state=state, error=error[:500], report=report, finished_at=timezone.now(), file="",
        total_rows=total if total is not None else job.total_rows, processed_rows=processed if processed is not None else job.processed_rows,
        imported_rows=imported, failed_rows=failed, duplicate_candidates=duplicates,
    )


def _finish(job: ImportJob, owned, *, state, **outcome) -> bool:
    """Record the outcome (``state`` None: already recorded) on the job if ``owned`` (a queryset of the job in the
    state and attempt this caller owns) still finds it, then delete the file and the live counters."""
    if state is not None and not owned.update(**_outcome(job, state=state, **outcome)):
        return False
    if state is None and not owned.exists():
        return False
    if job.file:
        job.file.delete(save=False)
    cache.delete_many([job.progress_key, job.heartbeat_key])
    return True
