"""Periodic and background jobs of matching (thin: the work is in services and the holder).

Suggested beat schedule (settings.CELERY_BEAT_SCHEDULE):
    "matching-expire-invitations": {"task": "matching.tasks.expire_invitations", "schedule": 3600},
    "matching-prune-index-log": {"task": "matching.tasks.prune_index_changes", "schedule": 86400},
"""

from __future__ import annotations

from celery import shared_task

from . import services
from .holder import holder


@shared_task
def expire_invitations() -> int:
    return services.invitations_expire()


@shared_task
def prune_index_changes(keep_days: int = 7) -> int:
    return services.index_changes_prune(keep_days=keep_days)


@shared_task
def warm_index() -> int:
    """Build or catch up this worker's index (e.g. right after it starts)."""
    return len(holder.expert_index())
