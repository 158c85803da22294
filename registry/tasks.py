"""Celery tasks of the registry."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="registry.import_job_run", acks_late=True, time_limit=60 * 60, soft_time_limit=55 * 60)
def import_job_run(job_id: int) -> str:
    """Run one ImportJob (large files go through the worker; eager in development)."""
    from .jobs import import_job_execute

    job = import_job_execute(job_id=job_id)
    return job.state


@shared_task(name="registry.import_jobs_requeue_stalled")
def import_jobs_requeue_stalled() -> dict:
    """Periodic (CELERY_BEAT_SCHEDULE): requeue import jobs whose worker stopped, re-send the message of jobs left
    pending (a lost message); after a bounded number of either, fail them."""
    from .jobs import import_jobs_requeue_stalled as requeue, import_jobs_resend_pending as resend

    return {**requeue(), **resend()}
