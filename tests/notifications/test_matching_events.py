"""Matching events (invitations, engagements, ratings) reaching both sides, through matching's own services."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from matching import services as matching_services
from notifications.models import Kind, Notification
from tests.matching.conftest import World, _fresh_holder  # noqa: F401 — the matching app's fixtures


@pytest.fixture
def world(factory, make_user):
    w = World(factory, make_user)
    w.boss.email = "boss@example.cn"
    w.boss.save()
    return w


def kinds(user):
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("kind", flat=True))


def test_invitation_accepted_engagement_completed_and_rated(world, django_capture_on_commit_callbacks):
    expert = world.expert()
    with django_capture_on_commit_callbacks(execute=True):
        inv = matching_services.invitation_create(actor=world.boss, demand=world.demand, expert=expert, message="诚邀指导")
        inv, engagement = matching_services.invitation_answer(actor=expert.user, invitation=inv, accept=True, coi_declaration="无利益冲突",
                                                              confidentiality_undertaking=True)
        matching_services.engagement_complete(actor=world.boss, engagement=engagement, note="顺利完成")
    assert kinds(expert.user) == [Kind.INVITATION_NEW, Kind.ENGAGEMENT_STARTED, Kind.ENGAGEMENT_COMPLETED, Kind.RATING_REQUESTED]
    assert kinds(world.boss) == [Kind.ENGAGEMENT_STARTED, Kind.INVITATION_ACCEPTED, Kind.ENGAGEMENT_COMPLETED, Kind.RATING_REQUESTED]
    invited = Notification.objects.get(recipient=expert.user, kind=Kind.INVITATION_NEW)
    assert "廊坊芯片封装有限公司" in invited.title
    rating = Notification.objects.get(recipient=world.boss, kind=Kind.RATING_REQUESTED)
    assert expert.person.name in rating.title
    assert all(m.to == ["boss@example.cn"] for m in mail.outbox)  # the expert's account has no e-mail address
    assert len(mail.outbox) == 4


def test_declined_invitation_tells_the_reason(world, django_capture_on_commit_callbacks):
    expert = world.expert()
    with django_capture_on_commit_callbacks(execute=True):
        inv = matching_services.invitation_create(actor=world.boss, demand=world.demand, expert=expert)
        matching_services.invitation_answer(actor=expert.user, invitation=inv, accept=False, reason="no_time", note="下半年再联系")
    declined = Notification.objects.get(recipient=world.boss, kind=Kind.INVITATION_DECLINED)
    assert "时间安排冲突：下半年再联系" in declined.body


def test_a_rolled_back_invitation_notifies_nobody(world, django_capture_on_commit_callbacks):
    expert = world.expert()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                matching_services.invitation_create(actor=world.boss, demand=world.demand, expert=expert)
                raise RuntimeError("rolled back")
    assert not Notification.objects.exists() and mail.outbox == []
