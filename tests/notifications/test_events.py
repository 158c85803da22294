"""Events from the registry (signal receivers) and the periodic jobs, eager mode."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from notifications import events, jobs, services
from notifications.models import Channel, FailedTask, Kind, Notification, WebhookDelivery
from registry import services as registry_services
from registry.choices import Status
from registry.models import OrganisationMembership


@pytest.fixture
def org_member(factory, person_user):
    org = factory.organisation()
    user = person_user()
    OrganisationMembership.objects.create(organisation=org, user=user, role=OrganisationMembership.Role.ADMIN)
    return org, user


def test_demand_published_reaches_its_organisation_and_partners(org_member, factory, staff_he, person_user, webhook_receiver,
                                                                 django_capture_on_commit_callbacks):
    org, member = org_member
    outsider = person_user()
    server = webhook_receiver()
    services.webhook_endpoint_create(partner="河北人才网", url=server.url, secret="partner-secret-0123456789", kinds=[Kind.DEMAND_PUBLISHED])
    demand = factory.demand(organisation=org, status=Status.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        registry_services.record_transition(actor=staff_he, record=demand, to=Status.PUBLISHED)
    n = Notification.objects.get(recipient=member)
    assert n.kind == Kind.DEMAND_PUBLISHED and "芯片封装良率提升" in n.title and n.payload == {"demand_id": demand.pk, "status": "published"}
    assert n.link == f"/portal/demands/{demand.pk}/"
    assert not Notification.objects.filter(recipient=outsider).exists()
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert len(server.accepted) == 1 and WebhookDelivery.objects.get().payload["demand_id"] == demand.pk


def test_a_rolled_back_transition_notifies_nobody(org_member, factory, staff_he, django_capture_on_commit_callbacks):
    from django.db import transaction

    org, member = org_member
    demand = factory.demand(organisation=org, status=Status.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                registry_services.record_transition(actor=staff_he, record=demand, to=Status.PUBLISHED)
                raise RuntimeError("later step failed")
    assert not Notification.objects.exists() and mail.outbox == []


def test_expert_verified_tells_the_expert(factory, staff_bj, person_user, django_capture_on_commit_callbacks):
    expert = factory.expert(status=Status.SUBMITTED)
    user = person_user()
    expert.person.user = user
    expert.person.save()
    with django_capture_on_commit_callbacks(execute=True):
        registry_services.record_transition(actor=staff_bj, record=expert, to=Status.VERIFIED)
    n = Notification.objects.get(recipient=user)
    assert n.kind == Kind.RECORD_VERIFIED and "专家人才库" in n.title
    assert expert.person.id_number not in n.body + n.title + str(n.payload)  # no personal data in notifications


def test_record_without_account_is_skipped(factory, staff_bj, django_capture_on_commit_callbacks):
    expert = factory.expert(status=Status.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        registry_services.record_transition(actor=staff_bj, record=expert, to=Status.VERIFIED)
    assert not Notification.objects.exists() and not FailedTask.objects.exists()


def test_a_failing_receiver_never_breaks_the_sender(factory, staff_bj, person_user, django_capture_on_commit_callbacks):
    expert = factory.expert(status=Status.SUBMITTED)
    expert.person.user = person_user()
    expert.person.save()
    with mock.patch.object(events, "person_record_status_changed", side_effect=RuntimeError("boom")):
        with django_capture_on_commit_callbacks(execute=True):
            registry_services.record_transition(actor=staff_bj, record=expert, to=Status.VERIFIED)
    expert.refresh_from_db()
    assert expert.status == Status.VERIFIED
    failed = FailedTask.objects.get()
    assert failed.task_name.startswith("receiver:") and "boom" in failed.exception


def test_expiring_demand_job(org_member, factory, django_capture_on_commit_callbacks):
    org, member = org_member
    today = timezone.localdate()
    soon = factory.demand(organisation=org, status=Status.PUBLISHED, period_end=today + dt.timedelta(days=2))
    factory.demand(organisation=org, status=Status.PUBLISHED, title="远期需求", period_end=today + dt.timedelta(days=60))
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.expiries(today=today) == {"demands": 1}
        assert jobs.expiries(today=today) == {"demands": 0}  # once per demand and end date
    n = Notification.objects.get()
    assert n.kind == Kind.DEMAND_EXPIRING and n.payload["demand_id"] == soon.pk and "2天" in n.body


def test_weekly_digest_only_for_experts_who_opted_in(factory, person_user, monkeypatch, django_capture_on_commit_callbacks):
    """Without the matching engine: published demand of the week in the expert's industries (same 大类)."""
    import matching.services

    monkeypatch.delattr(matching.services, "recommend_demands_for_expert")
    org = factory.organisation()
    demand = factory.demand(organisation=org, status=Status.PUBLISHED, industry="3912")
    other = factory.demand(organisation=org, status=Status.PUBLISHED, title="农业需求", industry="0111")
    type(demand).objects.filter(pk__in=[demand.pk, other.pk]).update(published_at=timezone.now())
    opted, silent = person_user(), person_user()
    for user in (opted, silent):
        expert = factory.expert(industries=["3911"])
        expert.person.user = user
        expert.person.save()
    services.preference_set(user=opted, kind=Kind.WEEKLY_DIGEST, channel=Channel.EMAIL, enabled=True)
    services.preference_set(user=opted, kind=Kind.WEEKLY_DIGEST, channel=Channel.IN_APP, enabled=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.weekly_digest() == {"sent": 1, "already_sent": 0, "nothing_new": 0}
        assert jobs.weekly_digest() == {"sent": 0, "already_sent": 1, "nothing_new": 0}  # same week: the dedupe key holds it to one
    n = Notification.objects.get()
    assert n.recipient == opted and n.payload["demand_ids"] == [demand.pk] and "农业需求" not in n.body
    assert f"http://127.0.0.1:8000/demands/{demand.pk}/" in n.body
    assert [m.to for m in mail.outbox] == [[opted.email]]


def test_hooks_for_other_apps(person_user, django_capture_on_commit_callbacks):
    """The event functions matching and services will call: correction notices list what is missing."""
    applicant, staff = person_user(), person_user(staff=True, region="13")
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert events.application_status_changed(application_id=7, recipient=applicant, item_name="职称互认", status="correction",
                                                  status_label="待补正", changed_at=now, missing=["职称证书扫描件", "社保缴纳证明"])
        assert events.application_deadline(application_id=7, handler=staff, item_name="职称互认", due=timezone.localdate(), overdue=False)
        assert events.invitation_created(invitation_id=3, recipient=applicant, demand_title="芯片封装", organisation_name="保定某公司")
        assert events.talent_card_expiring(card_id=5, recipient=applicant, expires_on=timezone.localdate() + dt.timedelta(days=30))
    correction = Notification.objects.get(kind=Kind.APPLICATION_CORRECTION)
    assert "1. 职称证书扫描件\n2. 社保缴纳证明" in correction.body and correction.payload["missing"] == ["职称证书扫描件", "社保缴纳证明"]
    assert Notification.objects.get(kind=Kind.APPLICATION_DUE).recipient == staff
    assert Notification.objects.count() == 4 and len(mail.outbox) == 4


def test_weekly_digest_uses_the_matching_engine_when_present(factory, person_user, monkeypatch, django_capture_on_commit_callbacks):
    import sys
    import types

    org = factory.organisation()
    old = factory.demand(organisation=org, status=Status.PUBLISHED, title="上月需求")
    best = factory.demand(organisation=org, status=Status.PUBLISHED, title="最匹配的需求", industry="0111")
    second = factory.demand(organisation=org, status=Status.PUBLISHED, title="次匹配的需求")
    type(best).objects.filter(pk__in=[best.pk, second.pk]).update(published_at=timezone.now())
    type(best).objects.filter(pk=old.pk).update(published_at=timezone.now() - dt.timedelta(days=30))
    user = person_user()
    expert = factory.expert()
    expert.person.user = user
    expert.person.save()
    services.preference_set(user=user, kind=Kind.WEEKLY_DIGEST, channel=Channel.IN_APP, enabled=True)
    ranked = [old.pk, best.pk, second.pk]
    fake = types.ModuleType("matching.services")
    fake.recommend_demands_for_expert = lambda *, expert, k, record: [types.SimpleNamespace(demand_id=pk) for pk in ranked]
    monkeypatch.setitem(sys.modules, "matching.services", fake)
    monkeypatch.setattr(sys.modules["matching"], "services", fake, raising=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.weekly_digest()["sent"] == 1
    n = Notification.objects.get(recipient=user)
    assert n.payload["demand_ids"] == [best.pk, second.pk]  # the engine's order, only demand new this week


def test_matching_hooks(person_user, django_capture_on_commit_callbacks):
    expert_user, org_a, org_b = person_user(), person_user(), person_user()
    with django_capture_on_commit_callbacks(execute=True):
        assert events.invitation_answered(invitation_id=3, recipients=[org_a, org_b], expert_name="张教授", demand_title="芯片封装",
                                          accepted=False, reason="时间冲突") == 2
        assert events.invitation_answered(invitation_id=3, recipients=[org_a, org_b], expert_name="张教授", demand_title="芯片封装",
                                          accepted=False) == 0  # the same answer again
        assert events.engagement_changed(engagement_id=8, recipients=[expert_user, org_a], demand_title="芯片封装", started=True) == 2
        assert events.engagement_changed(engagement_id=8, recipients=[expert_user, org_a], demand_title="芯片封装", started=False) == 2
        assert events.rating_requested(engagement_id=8, recipient=expert_user, counterpart_name="保定某公司", demand_title="芯片封装")
    declined = Notification.objects.filter(kind=Kind.INVITATION_DECLINED)
    assert declined.count() == 2 and "时间冲突" in declined.first().body
    assert set(Notification.objects.filter(recipient=expert_user).values_list("kind", flat=True)) == {
        Kind.ENGAGEMENT_STARTED, Kind.ENGAGEMENT_COMPLETED, Kind.RATING_REQUESTED}
    assert len(mail.outbox) == 7


def test_weekly_digest_with_the_real_matching_engine(factory, person_user, django_capture_on_commit_callbacks):
    org = factory.organisation()
    demand = factory.demand(organisation=org, status=Status.PUBLISHED)
    type(demand).objects.filter(pk=demand.pk).update(published_at=timezone.now())
    user = person_user()
    expert = factory.expert(industries=["3973"], disciplines=["F04"], skills=["封装", "集成电路"])
    expert.person.user = user
    expert.person.save()
    services.preference_set(user=user, kind=Kind.WEEKLY_DIGEST, channel=Channel.EMAIL, enabled=True)
    with django_capture_on_commit_callbacks(execute=True):
        counts = jobs.weekly_digest()
    assert counts["sent"] == 1, counts
    n = Notification.objects.get(recipient=user, kind=Kind.WEEKLY_DIGEST)
    assert demand.pk in n.payload["demand_ids"] and not n.in_inbox  # e-mail only: in-app stays off (opt-in per channel)
    assert [m.to for m in mail.outbox] == [[user.email]]
