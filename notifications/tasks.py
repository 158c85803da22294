"""Celery tasks: a thin interface onto notifications.services (and the periodic jobs of notifications.jobs).

Every task is ``acks_late`` (settings: CELERY_TASK_ACKS_LATE, reject on worker lost) so that a worker that dies
mid-task has its message redelivered; the outbox row makes the redelivery harmless. Sending failures are not
exceptions here: the service records them on the row and says when to retry (``Outcome.retry_in``). Exceptions
that do reach Celery are the database or broker being away: retried with backoff a few times, then recorded as a
FailedTask for staff (see apps.py). Hard time limits stay below the broker's visibility timeout (600 s), so
a message is redelivered only when its worker really died.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import jobs, services

log = logging.getLogger(__name__)

TRANSIENT_INFRA = (OperationalError, InterfaceError, ConnectionError)
COMMON = dict(acks_late=True, autoretry_for=TRANSIENT_INFRA, retry_backoff=2, retry_backoff_max=120, retry_jitter=True, max_retries=5)


def _retry_later(task, outcome, *args) -> None:
    """Schedule the next attempt of one row. In eager mode (no broker) nothing is scheduled: the row keeps its
    next_attempt_at and the outbox sweeper (beat) or a replay from the admin sends it."""
    if outcome.retry_in is None or task.request.is_eager:
        return
    task.apply_async(args=args, countdown=outcome.retry_in)


@shared_task(bind=True, soft_time_limit=60, time_limit=90, **COMMON)
def deliver(self, delivery_id: int) -> str:
    outcome = services.delivery_send(delivery_id=delivery_id)
    _retry_later(self, outcome, delivery_id)
    return outcome.status


@shared_task(bind=True, soft_time_limit=240, time_limit=300, **COMMON)
def deliver_batch(self, delivery_ids: list[int]) -> dict[str, int]:
    outcomes = services.deliveries_send(delivery_ids=delivery_ids)
    counts: dict[str, int] = {}
    for pk, outcome in outcomes.items():
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
        if outcome.retry_in is not None and not self.request.is_eager:
            deliver.apply_async(args=(pk,), countdown=outcome.retry_in)
    return counts


@shared_task(bind=True, soft_time_limit=60, time_limit=90, **COMMON)
def deliver_webhook(self, delivery_id: int) -> str:
    outcome = services.webhook_delivery_send(delivery_id=delivery_id)
    _retry_later(self, outcome, delivery_id)
    return outcome.status


# --- periodic (CELERY_BEAT_SCHEDULE) ---------------------------------------------------------------


@shared_task(soft_time_limit=120, time_limit=180, **COMMON)
def sweep_outbox() -> dict[str, int]:
    return services.outbox_sweep()


@shared_task(soft_time_limit=500, time_limit=560, **COMMON)
def application_deadlines() -> dict[str, int]:
    return jobs.application_deadlines()


@shared_task(soft_time_limit=500, time_limit=560, **COMMON)
def expiries() -> dict[str, int]:
    return jobs.expiries()


@shared_task(soft_time_limit=500, time_limit=560, **COMMON)
def weekly_digest() -> dict[str, int]:
    return jobs.weekly_digest()


@shared_task(soft_time_limit=500, time_limit=560, **COMMON)
def nightly_rematch() -> dict[str, int]:
    return jobs.nightly_rematch()
