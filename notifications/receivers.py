"""Signal receivers, one section per source app. Connected in NotificationsConfig.ready().

A receiver never breaks its sender: registry sends ``record_status_changed`` after its commit, so an exception
here would reach a user whose change is already saved. A failing receiver is logged and recorded as a
FailedTask for staff instead.

Matching has no events of its own yet: its services write a ``LifecycleEvent`` row for every change of an
invitation, application or engagement, so the receiver listens to that row's ``post_save``. It runs inside the
matching transaction (a rolled-back change notifies nobody) under a savepoint, so a failure here never breaks it.
Still HOOKs: jobs.nightly_rematch waits for matching.services.rematch_all().
"""

from __future__ import annotations

import functools
import logging
import traceback

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from registry.signals import record_status_changed

from . import events

log = logging.getLogger(__name__)


def guarded(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            with transaction.atomic():  # a savepoint when the sender is inside its transaction
                return func(*args, **kwargs)
        except Exception as exc:
            log.exception("notification receiver %s failed", func.__name__)
            try:
                from .services import failed_task_record

                obj = kwargs.get("record") or kwargs.get("application") or kwargs.get("card") or kwargs.get("instance")
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


# --- matching ------------------------------------------------------------------------------------------


def _connect_matching():
    try:
        from matching.models import LifecycleEvent
    except ImportError:
        return
    post_save.connect(on_matching_event, sender=LifecycleEvent, dispatch_uid="notifications.matching.lifecycle_event")


def _organisation_users(organisation_id: int, *extra) -> list:
    from registry.models import OrganisationMembership

    users = {m.user for m in OrganisationMembership.objects.filter(organisation_id=organisation_id).select_related("user")}
    users.update(u for u in extra if u is not None)
    return list(users)


@guarded
def on_matching_event(sender, instance, created=False, raw=False, **kwargs):
    if not created or raw:
        return None
    event = instance
    if event.invitation_id:
        from matching.lifecycle import DECLINE_REASONS

        inv = event.invitation
        demand, expert_user = inv.demand, getattr(inv.expert.person, "user", None)
        if event.action == "invite" and expert_user is not None:
            return events.invitation_created(invitation_id=inv.pk, recipient=expert_user, demand_title=demand.title,
                                             organisation_name=demand.organisation.name, link=events.link_to("portal:dashboard"))
        if event.action in ("accept", "decline"):
            reasons = {code: zh for code, zh, _ in DECLINE_REASONS}
            reason = reasons.get(inv.decline_reason, "")
            if inv.decline_note:
                reason = f"{reason}：{inv.decline_note}" if reason else inv.decline_note
            return events.invitation_answered(invitation_id=inv.pk, recipients=_organisation_users(demand.organisation_id, inv.invited_by),
                                              expert_name=inv.expert.person.name, demand_title=demand.title,
                                              accepted=event.action == "accept", reason=reason,
                                              link=events.link_to("portal:demand_manage", demand.pk))
        return None
    if event.application_id and event.action == "submit" and event.data.get("team"):
        from registry.models import Expert

        app = event.application
        link = events.link_to("portal:team_confirm", app.pk)
        for member in Expert.objects.filter(pk__in=event.data["team"]).select_related("person__user"):
            if member.person.user_id:
                events.team_member_named(application_id=app.pk, recipient=member.person.user, lead_name=app.expert.person.name,
                                         demand_title=app.demand.title, link=link)
        return None
    if event.engagement_id:
        engagement = event.engagement
        demand, expert_user = engagement.demand, getattr(engagement.expert.person, "user", None)
        org_users = _organisation_users(engagement.organisation_id)
        if event.action in ("create", "complete"):
            events.engagement_changed(engagement_id=engagement.pk, recipients=[expert_user, *org_users], demand_title=demand.title,
                                      started=event.action == "create")
        if event.action == "complete":
            if expert_user is not None:
                events.rating_requested(engagement_id=engagement.pk, recipient=expert_user, counterpart_name=engagement.organisation.name,
                                        demand_title=demand.title)
            for user in org_users:
                events.rating_requested(engagement_id=engagement.pk, recipient=user, counterpart_name=engagement.expert.person.name,
                                        demand_title=demand.title, link=events.link_to("portal:demand_manage", demand.pk))
    return None


_connect_matching()
