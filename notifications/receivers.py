"""Signal receivers, one section per source app. Connected in NotificationsConfig.ready().

A receiver never breaks its sender: registry sends ``record_status_changed`` after its commit, so an exception
here would reach a user whose change is already saved. A failing receiver is logged and recorded as a
FailedTask for staff instead.

Wiring still to do after the other branches merge (the event functions exist in events.py):
  matching  — invitation created → events.invitation_created; accepted/declined → events.invitation_answered;
              engagement started/completed → events.engagement_changed; rating requested → events.rating_requested
  services  — application status changed (补正 with the missing list) → events.application_status_changed;
              deadlines → jobs.application_deadlines (fill ``_application_deadline_rows``);
              talent card expiring → jobs.expiries (fill ``_talent_cards_expiring``)
"""

from __future__ import annotations

import functools
import logging
import traceback

from django.dispatch import receiver
from django.utils import timezone

from registry.signals import record_status_changed

from . import events

log = logging.getLogger(__name__)


def guarded(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except Exception as exc:
            log.exception("notification receiver %s failed", func.__name__)
            try:
                from .services import failed_task_record

                record = kwargs.get("record")
                failed_task_record(task_name=f"receiver:{func.__module__}.{func.__name__}",
                                   kwargs={"record": f"{record._meta.label}:{record.pk}" if record is not None else "", "status": kwargs.get("status", "")},
                                   exception=f"{type(exc).__name__}: {exc}", traceback=traceback.format_exc())
            except Exception:
                log.exception("could not record the failed receiver")
            return None

    return wrapper


# --- registry ----------------------------------------------------------------------------------------


@receiver(record_status_changed, dispatch_uid="notifications.registry.record_status_changed")
@guarded
def on_record_status_changed(sender, record, status, actor=None, **kwargs):
    from registry.models import Demand
    from registry.services import STATUS_LABELS

    changed_at = record.status_changed_at or timezone.now()
    label = str(STATUS_LABELS.get(status, status))
    if isinstance(record, Demand):
        return events.demand_status_changed(demand=record, status=status, status_label=label, changed_at=changed_at)
    return events.person_record_status_changed(record=record, status=status, status_label=label, changed_at=changed_at)


# --- matching: HOOKS (see the module docstring) ------------------------------------------------------
# --- services: HOOKS (see the module docstring) ------------------------------------------------------
