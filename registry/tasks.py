"""Celery tasks of the registry."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="registry.import_job_run", acks_late=True, time_limit=60 * 60, soft_time_limit=55 * 60)
def import_job_run(job_id: int) -> str:
    """Run one ImportJob (large files go through the worker; eager in development)."""
    from .jobs import import_job_execute

    job = import_job_execute(job_id=job_id)
    return job.state
