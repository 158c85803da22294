"""notify / notify_many in eager mode: outbox rows, on_commit, dedupe, preferences, failures."""

from __future__ import annotations

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from notifications import selectors, services, tasks
from notifications.models import Channel, Delivery, FailedTask, Kind, Notification, OutboxStatus

pytestmark = pytest.mark.django_db


def _notify(user, key="evt-1", **kw):
    data = dict(recipient=user, kind=Kind.DEMAND_PUBLISHED, title="您的需求已发布", body="正文", link="/demands/1/", dedupe_key=key)
    data.update(kw)
    return services.notify(**data)


def test_notify_writes_rows_and_sends_only_after_commit(person_user, django_capture_on_commit_callbacks):
    user = person_user()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        n = _notify(user)
        assert Delivery.objects.get(notification=n).status == OutboxStatus.PENDING
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email] and "您的需求已发布" in message.subject
    assert "http://127.0.0.1:8000/demands/1/" in message.body
    d = Delivery.objects.get(notification=n)
    assert (d.status, d.attempts, d.channel) == (OutboxStatus.SENT, 1, Channel.EMAIL)
    assert d.sent_at is not None
    assert selectors.unread_count(user=user) == 1


def test_rolled_back_change_sends_nothing(person_user, django_capture_on_commit_callbacks):
    user = person_user()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                _notify(user)
                raise RuntimeError("the caller's change failed")
    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.exists() and not Delivery.objects.exists()


def test_same_dedupe_key_notifies_once(person_user, django_capture_on_commit_callbacks):
    user = person_user()
    with django_capture_on_commit_callbacks(execute=True):
        first = _notify(user)
    with django_capture_on_commit_callbacks(execute=True) as again:
        second = _notify(user, title="另一个标题")
    assert first.pk == second.pk and again == []
    assert Notification.objects.count() == 1 and len(mail.outbox) == 1


def test_redelivered_task_never_sends_twice(person_user, django_capture_on_commit_callbacks):
    user = person_user()
    with django_capture_on_commit_callbacks(execute=True):
        n = _notify(user)
    d = Delivery.objects.get(notification=n)
    assert tasks.deliver.delay(d.pk).get() == "skipped"
    assert tasks.deliver_batch.delay([d.pk]).get() == {"skipped": 1}
    assert len(mail.outbox) == 1
    d.refresh_from_db()
    assert d.attempts == 1


def test_invalid_input_is_refused_with_field_errors(person_user):
    user = person_user()
    with pytest.raises(ValidationError) as exc:
        services.notify(recipient=user, kind="nonsense", title="", body="", dedupe_key="")
    assert set(exc.value.message_dict) == {"kind", "title", "dedupe_key"}
    assert "未知的通知类型" in exc.value.message_dict["kind"][0]
    with pytest.raises(ValidationError) as exc:
        services.notify(recipient=user, kind=Kind.DEMAND_PUBLISHED, title="t", body="", dedupe_key="k", payload={"x": object()})
    assert "payload" in exc.value.message_dict
    assert not Notification.objects.exists()


def test_inactive_recipient_gets_nothing(person_user):
    user = person_user()
    user.is_active = False
    user.save()
    assert _notify(user) is None
    assert not Notification.objects.exists()


def test_preferences_per_kind_and_channel(person_user, django_capture_on_commit_callbacks):
    user = person_user()
    services.preference_set(user=user, kind=Kind.DEMAND_PUBLISHED, channel=Channel.EMAIL, enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        n = _notify(user)
    assert not Delivery.objects.filter(notification=n).exists() and mail.outbox == []
    assert n.in_inbox
    services.preference_set(user=user, kind=Kind.DEMAND_EXPIRED, channel=Channel.IN_APP, enabled=False)
    hidden = _notify(user, key="evt-2", kind=Kind.DEMAND_EXPIRED)
    assert not hidden.in_inbox
    assert list(selectors.notifications_for_user(user=user)) == [n]
    prefs = selectors.preferences_for_user(user=user)
    assert prefs[(Kind.DEMAND_PUBLISHED, Channel.EMAIL)] is False
    assert prefs[(Kind.DEMAND_PUBLISHED, Channel.IN_APP)] is True
    assert prefs[(Kind.WEEKLY_DIGEST, Channel.IN_APP)] is False  # the digest is opt-in
    with pytest.raises(ValidationError) as exc:
        services.preference_set(user=user, kind="x", channel="sms", enabled=True)
    assert set(exc.value.message_dict) == {"kind", "channel"}


def test_user_without_email_gets_in_app_only(make_user, django_capture_on_commit_callbacks):
    user = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        n = _notify(user)
    assert not Delivery.objects.filter(notification=n).exists()
    assert selectors.unread_count(user=user) == 1


class FlakyBackend:
    """A mail connection that raises the given exception on send."""

    def __init__(self, exc):
        self.exc = exc

    def send_messages(self, messages):
        raise self.exc

    def close(self):
        pass


def test_transient_email_failure_is_retried_then_dead(person_user, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    user = person_user()
    n = _notify(user)
    d = Delivery.objects.get(notification=n)
    flaky = FlakyBackend(smtplib.SMTPServerDisconnected("connection lost"))
    outcome = services.delivery_send(delivery_id=d.pk, connection=flaky)
    d.refresh_from_db()
    assert outcome.status == OutboxStatus.PENDING and outcome.retry_in == pytest.approx(settings.NOTIFICATIONS_BACKOFF_BASE, rel=0.11)
    assert (d.status, d.attempts) == (OutboxStatus.PENDING, 1)
    assert "SMTPServerDisconnected" in d.last_error and d.next_attempt_at > timezone.now()
    # a copy of the task that arrives before the next attempt is due does nothing
    assert services.delivery_send(delivery_id=d.pk, connection=flaky).status == "skipped"
    for expected_attempts in (2, 3):
        Delivery.objects.filter(pk=d.pk).update(next_attempt_at=timezone.now())
        outcome = services.delivery_send(delivery_id=d.pk, connection=flaky)
        d.refresh_from_db()
        assert d.attempts == expected_attempts
    assert outcome.status == OutboxStatus.DEAD and d.status == OutboxStatus.DEAD and d.next_attempt_at is None
    assert d in selectors.deliveries_needing_attention()


def test_permanent_email_failure_is_not_retried(person_user):
    user = person_user()
    n = _notify(user)
    d = Delivery.objects.get(notification=n)
    refused = FlakyBackend(smtplib.SMTPRecipientsRefused({user.email: (550, b"no such user")}))
    outcome = services.delivery_send(delivery_id=d.pk, connection=refused)
    d.refresh_from_db()
    assert outcome.status == OutboxStatus.FAILED and outcome.retry_in is None
    assert (d.status, d.attempts) == (OutboxStatus.FAILED, 1) and "SMTPRecipientsRefused" in d.last_error


def test_task_schedules_the_retry_with_a_countdown(person_user):
    user = person_user()
    d = Delivery.objects.get(notification=_notify(user))
    with mock.patch("django.core.mail.get_connection", return_value=FlakyBackend(ConnectionRefusedError())), \
            mock.patch.object(tasks.deliver, "apply_async") as apply_async:
        tasks.deliver.run(d.pk)  # as a worker runs it (not eager)
    apply_async.assert_called_once()
    assert apply_async.call_args.kwargs["args"] == (d.pk,)
    assert apply_async.call_args.kwargs["countdown"] == pytest.approx(30, rel=0.11)


def test_fan_out_sends_each_once(person_user, django_capture_on_commit_callbacks):
    users = [person_user() for _ in range(120)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = services.notify_many(recipients=users, kind=Kind.DEMAND_EXPIRING, title="需求即将到期", body="…", dedupe_key="expiring-1")
    assert created == 120 and len(callbacks) == 1
    assert len(mail.outbox) == 120 and sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    assert Delivery.objects.filter(status=OutboxStatus.SENT).count() == 120
    with django_capture_on_commit_callbacks(execute=True):
        again = services.notify_many(recipients=users + [person_user()], kind=Kind.DEMAND_EXPIRING, title="需求即将到期", body="…", dedupe_key="expiring-1")
    assert again == 1 and len(mail.outbox) == 121


def test_outbox_sweeper_sends_rows_whose_message_was_lost(person_user):
    user = person_user()
    n = _notify(user)  # no commit callback runs here: as if the broker had been down
    d = Delivery.objects.get(notification=n)
    assert services.outbox_sweep() == {"deliveries": 0, "webhooks": 0}  # not yet overdue
    Delivery.objects.filter(pk=d.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=5))
    assert services.outbox_sweep() == {"deliveries": 1, "webhooks": 0}
    d.refresh_from_db()
    assert d.status == OutboxStatus.SENT and len(mail.outbox) == 1


def test_a_task_failing_for_good_is_recorded_for_staff(db):
    result = tasks.deliver.apply(args=["not-a-number"], throw=False)
    assert result.failed()
    failed = FailedTask.objects.get()
    assert failed.task_name == "notifications.tasks.deliver" and failed.args == ["not-a-number"]
    assert "ValueError" in failed.exception and failed.traceback


def test_replay_by_staff_only(person_user, make_user, django_capture_on_commit_callbacks):
    from django.core.exceptions import PermissionDenied

    user = person_user()
    d = Delivery.objects.get(notification=_notify(user))
    services.delivery_send(delivery_id=d.pk, connection=FlakyBackend(smtplib.SMTPResponseException(550, b"rejected")))
    d.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.delivery_replay(actor=user, delivery=d)
    staff = make_user(staff=True, region="13")
    with django_capture_on_commit_callbacks(execute=True):
        services.delivery_replay(actor=staff, delivery=d)
    d.refresh_from_db()
    assert d.status == OutboxStatus.SENT and d.attempts == 1 and len(mail.outbox) == 1
    with pytest.raises(ValidationError):
        services.delivery_replay(actor=staff, delivery=d)  # a sent e-mail is not sent again
