"""Events of the services app (同事同标 applications, talent cards) reaching the people concerned."""

from __future__ import annotations

import datetime as dt

from django.core import mail

from notifications import jobs
from notifications.models import Kind, Notification
from tests.services.conftest import applicant, full_files, item, submit, talent  # noqa: F401 — the services app's fixtures


def test_each_status_change_and_the_correction_notice(submit, applicant, staff_he, django_capture_on_commit_callbacks):  # noqa: F811
    from services import services as service_services

    applicant.email = "applicant@example.cn"
    applicant.save()
    with django_capture_on_commit_callbacks(execute=True):
        application = submit()
    with django_capture_on_commit_callbacks(execute=True):
        service_services.application_request_correction(actor=staff_he, application=application,
                                                        items=[{"key": "certificate", "reason": "扫描件不清晰"}, {"key": "form", "reason": "缺少签字"}])
    submitted, correction = Notification.objects.filter(recipient=applicant).order_by("id")
    assert submitted.kind == Kind.APPLICATION_STATUS and "职称资格互认" in submitted.title
    assert correction.kind == Kind.APPLICATION_CORRECTION
    assert "1. 职称证书（扫描件不清晰）\n2. 申请表（缺少签字）" in correction.body
    assert len(mail.outbox) == 2 and mail.outbox[1].to == ["applicant@example.cn"]


def test_talent_card_expiring_reaches_the_holder_once_per_reminder(talent, staff_bj, make_user, django_capture_on_commit_callbacks):  # noqa: F811
    from services import services as service_services
    from services import signals

    holder = make_user(username="holder")
    talent.person.user = holder
    talent.person.save()
    card = service_services.talent_card_issue(actor=staff_bj, talent=talent)
    with django_capture_on_commit_callbacks(execute=True):
        for days_left in (30, 30, 7):
            signals.talent_card_expiring.send(sender=type(card), card=card, days_left=days_left)
    notices = list(Notification.objects.filter(recipient=holder, kind=Kind.TALENT_CARD_EXPIRING).order_by("id"))
    assert [n.payload["days_left"] for n in notices] == [30, 7]
    assert f"{card.valid_until:%Y年%m月%d日}" in notices[0].title


def test_deadline_alerts_go_to_the_handler(make_user, monkeypatch, django_capture_on_commit_callbacks):
    from services import selectors as service_selectors

    handler = make_user(username="handler", staff=True, region="11")
    today = dt.date(2026, 3, 2)
    rows = [
        {"application_id": 1, "handler": handler, "item_name": "职称资格互认", "due": dt.date(2026, 3, 3), "overdue": False},
        {"application_id": 2, "handler": handler, "item_name": "社保转移", "due": dt.date(2026, 2, 27), "overdue": True},
        {"application_id": 3, "handler": None, "item_name": "子女入学", "due": dt.date(2026, 3, 3), "overdue": False},
    ]
    monkeypatch.setattr(service_selectors, "application_deadline_alerts", lambda today: rows, raising=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.application_deadlines(today=today) == {"due": 1, "overdue": 1, "no_handler": 1}
        assert jobs.application_deadlines(today=today) == {"due": 0, "overdue": 0, "no_handler": 1}  # once a day
    kinds = sorted(Notification.objects.filter(recipient=handler).values_list("kind", flat=True))
    assert kinds == [Kind.APPLICATION_DUE, Kind.APPLICATION_OVERDUE]
