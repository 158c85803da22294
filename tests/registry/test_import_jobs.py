"""Import jobs whose worker died: the heartbeat, the periodic requeue, the failure after N requeues, and an import
that commits its rows at most once (a requeued job restarts from its file; a stalled worker that wakes up rolls back)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from registry import importing, jobs
from registry.models import Expert, ImportJob
from tests.registry.test_admin_import import eager_tasks  # noqa: F401 (autouse: the requeued task runs in-process)
from tests.registry.test_importing import EXPERT_HEADERS, expert_row
from tests.support.sheets import csv_bytes

ROWS = [expert_row(n) for n in range(1, 6)] + [expert_row(6, 行业代码="9999")]  # 5 good rows, 1 bad


def make_job(mode=importing.MODE_GOOD_ROWS, rows=ROWS) -> ImportJob:
    data = csv_bytes(EXPERT_HEADERS, rows)
    job = ImportJob.objects.create(kind="expert", mode=mode, original_name="experts.csv", size=len(data))
    job.file.save(f"import-{job.pk}", ContentFile(data), save=True)
    return job


def stall(job: ImportJob, minutes: int = 30) -> None:
    """What a worker that died leaves: the job running, its last heartbeat long ago."""
    then = timezone.now() - dt.timedelta(minutes=minutes)
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING, started_at=then, heartbeat_at=then)
    cache.delete(job.heartbeat_key)


class WorkerLost(BaseException):
    """The worker process ends mid-import (not an error the job could record)."""


def die_after_chunks(monkeypatch, n: int, then=None):
    real, calls = importing.Importer._import_chunk, []

    def chunk(self, rows, result):
        calls.append(len(rows))
        if len(calls) > n:
            (then or _raise)()
        return real(self, rows, result)

    monkeypatch.setattr(importing.Importer, "_import_chunk", chunk)
    return calls


def _raise():
    raise WorkerLost


@override_settings(IMPORT_JOB_MAX_REQUEUES=2, IMPORT_JOB_STALL_SECONDS=600)
def test_stalled_job_is_requeued_then_failed_after_n_requeues(reference, monkeypatch, django_capture_on_commit_callbacks, admin_client):
    dispatched = []
    monkeypatch.setattr(jobs, "_dispatch", dispatched.append)  # the requeued run never starts: every attempt stalls
    job = make_job()
    for attempt in (1, 2):
        stall(job)
        with django_capture_on_commit_callbacks(execute=True):
            assert jobs.import_jobs_requeue_stalled() == {"requeued": 1, "failed": 0}
            assert jobs.import_jobs_requeue_stalled() == {"requeued": 0, "failed": 0}  # a second run changes nothing
        job.refresh_from_db()
        assert (job.state, job.requeues, dispatched) == (ImportJob.State.PENDING, attempt, [job.pk] * attempt)
    stall(job)
    assert jobs.import_jobs_requeue_stalled() == {"requeued": 0, "failed": 1}
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and job.error == jobs.STALLED_MESSAGE.format(n=2) and "已重新排队 2 次" in job.error
    assert not job.file and job.finished_at and job.progress == 100 and len(dispatched) == 2
    assert jobs.import_jobs_requeue_stalled() == {"requeued": 0, "failed": 0}
    assert not Expert.objects.exists()
    page = admin_client.get(reverse("admin:registry_importjob_change", args=[job.pk])).content.decode()
    assert jobs.STALLED_MESSAGE.format(n=2) in page and "重新排队次数" in page


@override_settings(IMPORT_JOB_STALL_SECONDS=600)
def test_a_job_with_a_recent_heartbeat_is_left_running(reference):
    job = make_job()
    stall(job)  # started long ago…
    cache.set(job.heartbeat_key, timezone.now().timestamp())  # …but its worker finished a chunk a moment ago
    assert jobs.import_jobs_requeue_stalled() == {"requeued": 0, "failed": 0}
    cache.set(job.heartbeat_key, (timezone.now() - dt.timedelta(seconds=601)).timestamp())
    assert jobs.import_jobs_requeue_stalled()["requeued"] == 1


@pytest.mark.parametrize("mode", importing.MODES)
@override_settings(IMPORT_CHUNK_ROWS=2)
def test_requeued_job_restarts_cleanly_and_does_not_duplicate_rows(reference, monkeypatch, mode, django_capture_on_commit_callbacks):
    job = make_job(mode=mode, rows=ROWS[:5])
    calls = die_after_chunks(monkeypatch, 2)
    with pytest.raises(WorkerLost):
        jobs.import_job_execute(job_id=job.pk)
    assert calls == [2, 2, 1]
    job.refresh_from_db()
    assert job.state == ImportJob.State.RUNNING and cache.get(job.heartbeat_key)  # a heartbeat per chunk, then silence
    assert not Expert.objects.exists()  # the dead attempt's chunks were never committed
    monkeypatch.undo()
    with override_settings(IMPORT_JOB_STALL_SECONDS=0), django_capture_on_commit_callbacks(execute=True):
        assert jobs.import_jobs_requeue_stalled() == {"requeued": 1, "failed": 0}  # and the task runs it again
    job.refresh_from_db()
    assert (job.state, job.requeues, job.imported_rows, job.failed_rows) == (ImportJob.State.DONE, 1, 5, 0)
    assert Expert.objects.count() == 5 and not job.file and cache.get(job.heartbeat_key) is None
    jobs.import_job_execute(job_id=job.pk)  # a late redelivery of the message
    assert Expert.objects.count() == 5


@override_settings(IMPORT_CHUNK_ROWS=2)
def test_a_stalled_worker_that_wakes_up_after_the_requeue_rolls_back(reference, monkeypatch):
    job = make_job()

    def requeued_meanwhile():
        ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.PENDING, requeues=1)

    die_after_chunks(monkeypatch, 1, then=requeued_meanwhile)
    stale = jobs.import_job_execute(job_id=job.pk)
    # Its rows were rolled back and it recorded nothing. (The requeue is made here on the worker's own connection,
    # so it is rolled back with the import; from the beat task's connection it stays.)
    assert stale.state == ImportJob.State.RUNNING and stale.imported_rows == 0 and not Expert.objects.exists()
    requeued_meanwhile()
    monkeypatch.undo()
    done = jobs.import_job_execute(job_id=job.pk)  # the requeued attempt
    assert (done.state, done.imported_rows, done.failed_rows) == (ImportJob.State.DONE, 5, 1)
    assert Expert.objects.count() == 5 and [e["row"] for e in done.report["errors"]] == [7]


def test_the_beat_schedule_runs_the_requeue(settings):
    from jjjtalent.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["registry-requeue-stalled-imports"]
    assert entry["task"] in app.tasks and entry["schedule"] <= 120


def left_pending(job: ImportJob, minutes: int = 10) -> None:
    """What a lost Celery message leaves: the job pending, queued long ago, no worker ever took it."""
    ImportJob.objects.filter(pk=job.pk).update(queued_at=timezone.now() - dt.timedelta(minutes=minutes))


@override_settings(IMPORT_JOB_PENDING_RESEND_SECONDS=300, IMPORT_JOB_MAX_RESENDS=2)
def test_a_pending_job_whose_message_was_lost_is_resent_then_failed(reference, monkeypatch, django_capture_on_commit_callbacks):
    from registry.tasks import import_jobs_requeue_stalled as beat

    dispatched = []
    monkeypatch.setattr(jobs, "_dispatch", dispatched.append)  # every re-sent message is lost as well
    job = make_job()
    assert jobs.import_jobs_resend_pending() == {"resent": 0, "unsent": 0}  # queued a moment ago (created_at)
    for n in (1, 2):
        left_pending(job)
        with django_capture_on_commit_callbacks(execute=True):
            assert beat() == {"requeued": 0, "failed": 0, "resent": 1, "unsent": 0}  # the periodic task does it
            assert jobs.import_jobs_resend_pending() == {"resent": 0, "unsent": 0}  # just re-sent: not again
        job.refresh_from_db()
        assert (job.state, job.resends, job.requeues, dispatched) == (ImportJob.State.PENDING, n, 0, [job.pk] * n)
        assert timezone.now() - job.queued_at < dt.timedelta(minutes=1)
    left_pending(job)
    assert jobs.import_jobs_resend_pending() == {"resent": 0, "unsent": 1}
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and job.error == jobs.UNSENT_MESSAGE.format(n=2) and "已重发 2 次" in job.error
    assert not job.file and job.finished_at and len(dispatched) == 2
    assert jobs.import_jobs_resend_pending() == {"resent": 0, "unsent": 0}
    jobs.import_job_execute(job_id=job.pk)  # a lost message that turns up after all: the failed job stays failed
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and not Expert.objects.exists()


@override_settings(IMPORT_JOB_PENDING_RESEND_SECONDS=300)
def test_running_and_finished_jobs_are_not_resent(reference, monkeypatch):
    monkeypatch.setattr(jobs, "_dispatch", pytest.fail)
    running, done = make_job(), make_job()
    for job, state in ((running, ImportJob.State.RUNNING), (done, ImportJob.State.DONE)):
        left_pending(job, minutes=60)
        ImportJob.objects.filter(pk=job.pk).update(state=state, heartbeat_at=timezone.now())
    assert jobs.import_jobs_resend_pending() == {"resent": 0, "unsent": 0}


@override_settings(IMPORT_JOB_PENDING_RESEND_SECONDS=300, IMPORT_CHUNK_ROWS=2)
def test_two_deliveries_of_one_job_import_once(reference, monkeypatch, django_capture_on_commit_callbacks):
    """The original message was only late, not lost: the re-sent one and the original both reach a worker."""
    job = make_job()
    left_pending(job)
    second = []
    real = importing.Importer._import_chunk

    def chunk(self, rows, result):
        if not second:  # a second delivery while the first one runs finds the job taken and does nothing
            second.append(jobs.import_job_execute(job_id=job.pk).state)
        return real(self, rows, result)

    monkeypatch.setattr(importing.Importer, "_import_chunk", chunk)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.import_jobs_resend_pending() == {"resent": 1, "unsent": 0}  # the eager task runs it
    job.refresh_from_db()
    assert second == [ImportJob.State.RUNNING]
    assert (job.state, job.resends, job.imported_rows, job.failed_rows) == (ImportJob.State.DONE, 1, 5, 1)
    assert jobs.import_job_execute(job_id=job.pk).state == ImportJob.State.DONE  # the original message, late
    assert Expert.objects.count() == 5
    job.refresh_from_db()
    assert job.imported_rows == 5 and job.resends == 1
