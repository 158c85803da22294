"""Signal receivers, one section per source app. Connected in NotificationsConfig.ready().

A receiver never breaks its sender: registry sends ``record_status_changed`` after its commit, so an exception
here would reach a user whose change is already saved. A failing receiver is logged and recorded as a
FailedTask for staff instead.

Wiring still to do after the matching branch merges (the event functions exist in events.py):
  matching  — invitation created → events.invitation_created; accepted/declined → events.invitation_answered;
              engagement started/completed → events.engagement_changed; rating requested → events.rating_requested;
              nightly re-matching → jobs.nightly_rematch calls matching.services.rematch_all() once it exists;
              the weekly digest uses matching.selectors.recommended_demands_for_expert(expert=, since=) once it exists.
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

                obj = kwargs.get("record") or kwargs.get("application") or kwargs.get("card")
                failed_task_record(task_name=f"receiver:{func.__module__}.{func.__name__}",
                                   kwargs={"object": f"{obj._meta.label}:{obj.pk}" if obj is not None else "", "status": kwargs.get("status", "")},
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


# --- services (同事同标) -----------------------------------------------------------------------------


def _connect_services():
    try:
        from services import signals as service_signals
    except ImportError:  # the services app is optional for this module
        return
    service_signals.application_status_changed.connect(on_application_status_changed, dispatch_uid="notifications.services.application")
    service_signals.talent_card_expiring.connect(on_talent_card_expiring, dispatch_uid="notifications.services.card_expiring")


def _missing_materials(application) -> list[str]:
    """The materials of the application's 补正 notice, with the reason each is asked for."""
    notice = getattr(application, "correction", None)
    items = getattr(notice, "items", None) or []
    return [f"{i.get('name', '')}（{i['reason']}）" if i.get("reason") else str(i.get("name", "")) for i in items if i.get("name")]


@guarded
def on_application_status_changed(sender, application, action="", from_status="", to_status="", actor=None, **kwargs):
    from services import workflow

    missing = []
    if action == "request_correction":
        missing = _missing_materials(application) or list(kwargs.get("missing") or [])
    status = to_status or application.status
    return events.application_status_changed(
        application_id=application.pk, recipient=application.applicant, item_name=application.version.name, status=status,
        status_label=workflow.LABELS.get(status, status), changed_at=timezone.now(), missing=missing,
        link=events.link_to("portal:application_detail", application.pk),
    )


@guarded
def on_talent_card_expiring(sender, card, days_left=None, **kwargs):
    user = getattr(card.talent.person, "user", None)
    if user is None:
        return False
    return events.talent_card_expiring(card_id=card.pk, recipient=user, expires_on=card.valid_until, days_left=days_left,
                                       link=events.link_to("portal:talent_card"))


_connect_services()
